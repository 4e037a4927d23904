-- Projections: what each one has applied, per stream (the inbox: a redelivered event is
-- at or below the stored version and changes nothing), its progress, and its dead letters.
CREATE TABLE projection_inbox (
  projection text    NOT NULL,
  stream_id  text    NOT NULL,
  version    integer NOT NULL,
  position   bigint  NOT NULL,
  PRIMARY KEY (projection, stream_id)
);

CREATE TABLE projection_progress (
  projection     text        PRIMARY KEY,
  last_position  bigint      NOT NULL DEFAULT 0,
  applied        bigint      NOT NULL DEFAULT 0,
  dead_lettered  bigint      NOT NULL DEFAULT 0,
  last_error     text,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- An event parked after its last attempt, until it is replayed (and the row deleted in the
-- same transaction as the replayed apply).
CREATE TABLE projection_dead_letters (
  projection  text        NOT NULL,
  event_id    uuid        NOT NULL,
  stream_id   text        NOT NULL,
  version     integer     NOT NULL,
  position    bigint      NOT NULL,
  type        text        NOT NULL,
  error       text        NOT NULL,
  attempts    integer     NOT NULL,
  parked_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, event_id)
);
