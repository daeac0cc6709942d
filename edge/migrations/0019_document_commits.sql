-- A claimed version of a versioned KV document (edge/src/documents.rs) is `committed`
-- once its KV write completed. Only an uncommitted claim older than the takeover window
-- may be claimed again (a write that failed after its claim must not block the document
-- for good); a committed version never is, whatever its age: KV may serve a copy a minute
-- old, and a write based on it would otherwise take over a version written 30 seconds
-- ago and silently replace it, body and history row.
--
-- Rows from before this column are taken as uncommitted, as each may be a failed write's
-- claim that must stay recoverable; the next write of each document commits. Their
-- history rows are committed (append-only) except the one of each document's newest
-- claim, which a takeover of that claim may still replace.
ALTER TABLE document_versions ADD COLUMN committed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE document_history ADD COLUMN committed INTEGER NOT NULL DEFAULT 1;
UPDATE document_history SET committed = 0
WHERE EXISTS (
  SELECT 1 FROM document_versions v
  WHERE v.tenant_id = document_history.tenant_id AND v.name = document_history.name AND v.version = document_history.version
);
