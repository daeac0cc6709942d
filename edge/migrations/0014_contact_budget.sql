-- The daily budget of new phones and e-mails a rep sets (`shared::contact_budget`): one
-- row per user and day, spent by one conditional upsert, older days deleted by the
-- same batch.
CREATE TABLE contact_key_writes (
    tenant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    spent INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id, day)
) WITHOUT ROWID;
