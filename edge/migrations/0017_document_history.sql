-- Version history of the versioned KV documents (tenant settings, allocation rules, pool
-- rules; edge/src/documents.rs): each accepted write's whole body, who wrote it and when.
-- A row is written in the same D1 batch as the version's claim in document_versions and
-- only if that claim changed a row (`WHERE changes() = 1`), so a stale or losing write
-- leaves no history. A claim whose KV write failed is taken over later by a write of the
-- same version, which replaces the row. The same batch keeps the newest 100 versions of a
-- document (shared::api::HISTORY_KEPT) and drops older ones.
CREATE TABLE document_history (
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, name, version)
);
