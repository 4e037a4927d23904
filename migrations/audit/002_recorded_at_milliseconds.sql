-- An entry's hash covers its time at the millisecond precision events carry (chain.ts hashes
-- the time as ISO text). A microsecond column let a time moved by less than a millisecond pass
-- audit.verify, since the value read back for hashing drops the microseconds; now the column
-- holds exactly what the hash covers, and such a change rounds to one the chain reveals.
ALTER TABLE audit_entries ALTER COLUMN recorded_at TYPE timestamptz(3);
