-- The board's first answer reads the newest cards of each column: one index range per
-- stage, newest first, instead of sorting every card.
CREATE INDEX customers_stage_updated ON customers (tenant_id, stage, updated_at);
