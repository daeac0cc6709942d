-- Pool: claims are counted from the audit trail (one row per successful claim), so the
-- daily-limit condition of a claim reads this index.
CREATE INDEX audit_actor ON audit_events (tenant_id, actor_id, action, at);
CREATE INDEX audit_from ON audit_events (tenant_id, customer_id, from_owner, action, at);
