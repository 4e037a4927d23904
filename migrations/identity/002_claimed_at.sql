-- When an unregistered row was last claimed: a registration in flight must not be taken over
-- by another one for the same email (services/identity/email-claims.ts).
ALTER TABLE identity_credentials ADD COLUMN claimed_at timestamptz NOT NULL DEFAULT now();
