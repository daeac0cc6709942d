-- Allocation: the round-robin cursor per tenant. It lives in D1 (not KV) because it is
-- written on every round-robin run and must never go backwards.
CREATE TABLE allocation_state (
  tenant_id TEXT PRIMARY KEY,
  cursor INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX customers_pool ON customers (tenant_id, owner_id, deleted_at, id);
