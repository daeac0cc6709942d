-- Segment re-classification bookkeeping (edge/src/resegment.rs).
-- settings_version: the newest settings version PUT /settings has stored for the tenant.
--   A re-classification pass writes only while its own version is this one, so an older
--   pass that finishes late never overwrites the segments a newer one wrote.
-- segments_version: the settings version whose segment rules every live customer
--   reflects. When it is behind settings_version, a pass failed midway (or never ran);
--   the Cron Trigger runs it again.
ALTER TABLE tenants ADD COLUMN settings_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN segments_version INTEGER NOT NULL DEFAULT 0;
