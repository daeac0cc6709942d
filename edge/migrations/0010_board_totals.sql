-- The board's column totals (count and amount per stage, live customers) read from this
-- index alone: no table row is visited, so totals over 10,000 cards cost about what they
-- cost over 1,000. Writes that change stage or amount already touch the stage index.
CREATE INDEX customers_stage_amount ON customers (tenant_id, stage, deleted_at, amount);
