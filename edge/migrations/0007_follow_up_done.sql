-- When the follow-up a follow-up scheduled was done: set on the earlier follow-ups of a
-- customer when the next one is logged (same batch), so the timeliness report is one
-- range scan over `follow_ups_due` instead of a search per follow-up.
ALTER TABLE follow_ups ADD COLUMN done_at INTEGER;
UPDATE follow_ups SET done_at = (SELECT min(g.at) FROM follow_ups g
  WHERE g.tenant_id = follow_ups.tenant_id AND g.customer_id = follow_ups.customer_id AND g.at > follow_ups.at);
