-- Personal access links (edge/src/links.rs, shared::links): a user's way into the mobile
-- page without a portal. Only the secret's SHA-256 is stored; a link expires, can be
-- revoked, and works only while its user is active.
CREATE TABLE personal_links (
  id TEXT NOT NULL PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  issued_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  last_used_at INTEGER
);
CREATE INDEX personal_links_user ON personal_links (tenant_id, user_id, created_at);
