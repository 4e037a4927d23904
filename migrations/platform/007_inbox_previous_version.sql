-- A live apply advances its streams' inbox rows in its first statement and needs the version
-- each row held before (the events above it are the new ones). An upsert's RETURNING shows the
-- row after the update, so the update keeps the version it replaced here; it is read from the
-- row the upsert locked, so a concurrent apply of the same stream that committed first counts.
ALTER TABLE projection_inbox ADD COLUMN prev_version integer NOT NULL DEFAULT 0;
