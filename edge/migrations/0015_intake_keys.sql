-- Publishable intake keys (edge/src/intake.rs, shared::intake). The id is global: a key
-- (ik_<id>_<secret>) finds its tenant through its row. Only the secret's SHA-256 is
-- stored; `settings` is the key's IntakeKeyInput as JSON.
CREATE TABLE intake_keys (
  id TEXT NOT NULL PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  submissions INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX intake_keys_tenant ON intake_keys (tenant_id, created_at);

-- One row per submission for a day: its Idempotency-Key, claimed first in the
-- submission's batch, so a double tap or a retry creates one customer.
CREATE TABLE intake_submissions (
  key_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  customer_id TEXT,
  contact TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (key_id, idempotency_key)
) WITHOUT ROWID;
CREATE INDEX intake_submissions_age ON intake_submissions (key_id, at);
