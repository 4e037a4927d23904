-- The audit trail: one row per event of every module, in the order the audit-trail projection
-- recorded them. Each row's hash covers its fields and the previous row's hash
-- (services/audit/domain/chain.ts), so changing, removing or inserting a row anywhere but at
-- the end breaks every later link, which audit.verify finds.
CREATE TABLE audit_entries (
  -- 1, 2, 3, ... without gaps: taken under the chain's lock, not from a sequence, so a missing
  -- row shows as a gap as well as a broken link.
  seq         bigint      PRIMARY KEY CHECK (seq > 0),
  event_id    uuid        NOT NULL UNIQUE,
  -- The event's global position in the event store.
  position    bigint      NOT NULL,
  -- The signed-in user whose call appended the event; NULL for the platform's own work.
  actor       text,
  -- The event type, e.g. ledger.MoneyDeposited.
  action      text        NOT NULL,
  -- The stream the event belongs to, e.g. ledger-account-acc-1.
  subject     text        NOT NULL,
  outcome     text        NOT NULL CHECK (outcome IN ('success', 'failure')),
  trace_id    text,
  -- When the event was recorded in the store, not when the audit saw it: a replay keeps it.
  recorded_at timestamptz NOT NULL,
  prev_hash   bytea       NOT NULL CHECK (length(prev_hash) = 32),
  hash        bytea       NOT NULL CHECK (length(hash) = 32)
);

-- Each filter of audit.list, newest first, without reading the whole trail.
CREATE INDEX audit_entries_by_actor ON audit_entries (actor, seq);
CREATE INDEX audit_entries_by_action ON audit_entries (action, seq);
CREATE INDEX audit_entries_by_subject ON audit_entries (subject, seq);
CREATE INDEX audit_entries_by_trace ON audit_entries (trace_id, seq);
CREATE INDEX audit_entries_by_time ON audit_entries (recorded_at);

-- Append-only: the platform's code and anyone working through it cannot change or remove a
-- row. Someone with the table owner's rights can still disable these triggers (or run with
-- session_replication_role = replica); that is what the hash chain is there to reveal, and
-- how the tests tamper with a row.
CREATE FUNCTION audit_entries_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change();
