-- Reminders written by the recycle job ("will be recycled in K days"). The unique key
-- makes the job idempotent: running it twice, or resuming after an interruption, adds
-- nothing twice.
CREATE TABLE reminders (
  tenant_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, customer_id, owner_id, kind, due_at)
);
CREATE INDEX reminders_owner ON reminders (tenant_id, owner_id, due_at);
