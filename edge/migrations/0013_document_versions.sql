-- Compare-and-swap for the versioned KV documents (tenant settings, allocation rules,
-- pool rules; edge/src/documents.rs). KV has no conditional write, so a writer first
-- claims the next version here with one conditional upsert: of writers racing from the
-- same version exactly one claims it. A claim whose KV write failed is taken over after
-- 30 seconds (claimed_at), so a failure never blocks the document for good.
CREATE TABLE document_versions (
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  claimed_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, name)
);
