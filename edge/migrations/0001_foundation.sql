-- Foundation: tenants, users, customers, audit events.
-- Every table starts with tenant_id and every index leads with it: every query is
-- tenant-scoped, so a later split into a database per tenant needs no rewrite.

CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE users (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'rep')),
  -- Team the user belongs to; a manager leads the team of the same id.
  team_id TEXT,
  level TEXT NOT NULL DEFAULT 'junior' CHECK (level IN ('junior', 'senior')),
  industries TEXT NOT NULL DEFAULT '[]',
  regions TEXT NOT NULL DEFAULT '[]',
  capacity INTEGER NOT NULL DEFAULT 200,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX users_team ON users (tenant_id, team_id);

CREATE TABLE customers (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  company TEXT,
  contact_name TEXT,
  phone TEXT,
  email TEXT,
  wechat TEXT,
  industry TEXT,
  region TEXT,
  source TEXT,
  amount REAL,
  stage TEXT NOT NULL,
  tier TEXT,
  intent TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  custom TEXT NOT NULL DEFAULT '{}',
  owner_id TEXT,
  collaborators TEXT NOT NULL DEFAULT '[]',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  owned_since INTEGER,
  last_follow_up_at INTEGER,
  next_follow_up_at INTEGER,
  won_at INTEGER,
  lost_at INTEGER,
  segment TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at INTEGER,
  -- Duplicate keys (查重), computed by shared::normalize.
  phone_key TEXT,
  email_key TEXT,
  company_key TEXT,
  -- Set by imports of rows without any duplicate key, so a re-import finds them.
  import_key TEXT,
  PRIMARY KEY (tenant_id, id)
);
-- First entry wins: the database refuses a second live customer with the same key,
-- whatever the timing of two racing requests.
CREATE UNIQUE INDEX customers_phone_key ON customers (tenant_id, phone_key)
  WHERE phone_key IS NOT NULL AND deleted_at IS NULL;
CREATE UNIQUE INDEX customers_email_key ON customers (tenant_id, email_key)
  WHERE email_key IS NOT NULL AND deleted_at IS NULL;
CREATE UNIQUE INDEX customers_company_key ON customers (tenant_id, company_key)
  WHERE company_key IS NOT NULL AND deleted_at IS NULL;
CREATE UNIQUE INDEX customers_import_key ON customers (tenant_id, import_key)
  WHERE import_key IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX customers_owner ON customers (tenant_id, owner_id, id);
CREATE INDEX customers_stage ON customers (tenant_id, stage, id);

-- Every ownership change, written in the same batch as the change itself.
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  from_owner TEXT,
  to_owner TEXT,
  reason TEXT,
  rule TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX audit_customer ON audit_events (tenant_id, customer_id, seq);
