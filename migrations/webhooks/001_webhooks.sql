-- Webhook subscriptions, one delivery per (subscription, event), and each attempt of it.
CREATE TABLE webhook_subscriptions (
  id          uuid        PRIMARY KEY,
  url         text        NOT NULL,
  -- Event types (ledger.MoneyDeposited) or a module's wildcard (ledger.*).
  event_types text[]      NOT NULL,
  -- The signing key, sent to the subscriber once when it subscribes.
  secret      text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
  id              uuid        PRIMARY KEY,
  subscription_id uuid        NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  event_id        uuid        NOT NULL,
  event_type      text        NOT NULL,
  -- The CloudEvent as it is sent, so a redelivery sends the same bytes' content.
  body            jsonb       NOT NULL,
  state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'dead')),
  attempts        integer     NOT NULL DEFAULT 0,
  last_status     integer,
  last_error      text,
  last_latency_ms integer,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  -- A redelivered Kafka record must not make a second delivery.
  UNIQUE (subscription_id, event_id)
);

CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, created_at DESC);

CREATE TABLE webhook_attempts (
  delivery_id uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt     integer     NOT NULL,
  status      integer,
  error       text,
  latency_ms  integer     NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (delivery_id, attempt)
);
