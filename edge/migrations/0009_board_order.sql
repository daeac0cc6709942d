-- The board's first answer orders each stage by (updated_at, id), newest first: with id
-- in the index a stage's newest cards are read straight off it (no sort of the stage's
-- rows when many share an updated_at, as bulk imports do).
DROP INDEX customers_stage_updated;
CREATE INDEX customers_stage_updated ON customers (tenant_id, stage, updated_at, id);
