-- Short-lived access tokens with long-lived, rotating refresh tokens.
-- A login starts a family; each refresh uses up its refresh token (revoked_at is set) and adds
-- a new one to the family. Presenting a used (revoked) refresh token again means it was copied:
-- the whole family is revoked, its access tokens deleted. Only SHA-256 hashes are stored.
CREATE TABLE refresh_tokens (
    hash       TEXT PRIMARY KEY,
    family     TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family);

-- The family an access token was issued in (NULL for tokens from before refresh existed).
ALTER TABLE tokens ADD COLUMN family TEXT;
CREATE INDEX tokens_by_family ON tokens (family);
