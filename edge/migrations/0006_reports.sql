-- Reports: the furthest pipeline stage each customer has reached (the funnel counts a
-- deal lost at 方案报价 as having reached 方案报价), and indexes for period scans.
ALTER TABLE customers ADD COLUMN reached_stage TEXT;
UPDATE customers SET reached_stage = stage WHERE lost_at IS NULL AND stage <> 'lost';
CREATE INDEX customers_created ON customers (tenant_id, created_at);
CREATE INDEX audit_at ON audit_events (tenant_id, at);
CREATE INDEX audit_to ON audit_events (tenant_id, to_owner, at);
CREATE INDEX follow_ups_due ON follow_ups (tenant_id, next_follow_up_at);
