-- Credentials are not events: a password hash has no business on the event bus. A row is
-- written before the user's UserRegistered event and marked registered after it, so an
-- email is claimed once, and a registration cut short can be completed by trying again.
CREATE TABLE identity_credentials (
  user_id       uuid        PRIMARY KEY,
  email         text        NOT NULL UNIQUE,
  display_name  text        NOT NULL,
  password_hash text        NOT NULL,
  registered    boolean     NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Refresh tokens, stored as SHA-256 only. Each login starts a family; every refresh uses
-- up its token and adds the next one to the family. A used or revoked token presented again
-- revokes the whole family (someone holds a copy).
CREATE TABLE identity_refresh_tokens (
  token_hash  text        PRIMARY KEY,
  family_id   uuid        NOT NULL,
  user_id     uuid        NOT NULL REFERENCES identity_credentials (user_id) ON DELETE CASCADE,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX identity_refresh_tokens_family ON identity_refresh_tokens (family_id);
CREATE INDEX identity_refresh_tokens_expires ON identity_refresh_tokens (expires_at);
