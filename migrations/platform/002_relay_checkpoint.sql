-- Where the relay stands in the events table's commit order: everything at or before
-- (transaction_id, position) has been acknowledged by Kafka. One row; the relay moves it
-- forward only after the batch it covers is acknowledged, and never back.
CREATE TABLE relay_checkpoint (
  id             boolean     PRIMARY KEY DEFAULT true CHECK (id),
  transaction_id xid8        NOT NULL,
  position       bigint      NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

INSERT INTO relay_checkpoint (transaction_id, position) VALUES ('0', 0);
