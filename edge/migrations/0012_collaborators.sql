-- Collaborators (协作人, edge/src/collaborators.rs): adding or removing one is audited
-- beside the ownership changes. `subject` names the collaborator such an event is
-- about; ownership events leave it NULL (their users are from_owner and to_owner, which
-- the reports read).
ALTER TABLE audit_events ADD COLUMN subject TEXT;
