-- A password change ends every session of its user: it finds the user's families by their
-- live tokens (one per family: not yet used, not revoked) without reading the whole table,
-- which keeps every used token until it expires.
CREATE INDEX identity_refresh_tokens_live_by_user ON identity_refresh_tokens (user_id)
  WHERE used_at IS NULL AND revoked_at IS NULL;
