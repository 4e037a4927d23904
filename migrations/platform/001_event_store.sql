-- The event store, which is also the relay's outbox.
--
-- global_position is taken from a sequence when the row is inserted, before its transaction
-- commits, so positions become visible out of order. Readers of the whole store therefore
-- order by (transaction_id, global_position) and stop below the oldest transaction still in
-- flight (pg_snapshot_xmin); see platform/eventstore/read-all.ts.
CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id       text        NOT NULL,
  stream_version  integer     NOT NULL CHECK (stream_version > 0),
  event_id        uuid        NOT NULL UNIQUE,
  type            text        NOT NULL,
  schema_version  integer     NOT NULL CHECK (schema_version > 0),
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL DEFAULT '{}',
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_commit_order ON events (transaction_id, global_position);

-- Wakes the relay. One notification per statement (not per row), and Postgres folds
-- identical notifications of one transaction into one.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('platform_events', '');
  RETURN NULL;
END $$;

CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
