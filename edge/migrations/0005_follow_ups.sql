-- Follow-ups (跟进): keyed by customer, so they go with it on a transfer.
CREATE TABLE follow_ups (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  author_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  note TEXT NOT NULL,
  outcome TEXT,
  next_follow_up_at INTEGER,
  at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX follow_ups_customer ON follow_ups (tenant_id, customer_id, at);
