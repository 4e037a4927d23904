-- The relay is now woken by the appending node after its commit (platform/eventstore/
-- append-notifier.ts). A NOTIFY inside the append transaction took Postgres's cluster-wide
-- notify lock from pre-commit until the commit record was flushed, so appends committed one
-- at a time and could not share a WAL flush.
DROP TRIGGER events_notify ON events;
DROP FUNCTION events_notify();
