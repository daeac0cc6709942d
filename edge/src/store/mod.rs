//! Data access: every statement the handlers share, and nothing that answers HTTP.
//!
//! Handlers (`customers`, `pool`, `import`, …) parse, decide through `shared`, and call
//! in here; no handler imports another. `customers` holds the customer's column table
//! (the one list of its columns, from which every `SELECT`, `RETURNING`, `INSERT` and
//! patch `UPDATE` is generated) and the reads by id and by query; `scope` the `WHERE`
//! conditions that enforce who sees and edits what; `ownership` the statements that move
//! customers between owners and the pool; `hand_over` a hand-over's pages; `reps` the rep directory's query; `allocation`
//! what an allocation run reads (rules, reps, cursor), the engine call and a run written
//! set-based; `bulk` what a bulk action reads (a filter's selection, its count, what the
//! caller sees of each selected customer); `audit_trail` audit events read back, masked as
//! their reader may see them.

pub mod allocation;
pub mod audit_trail;
pub mod bulk;
pub mod customers;
pub mod hand_over;
pub mod ownership;
pub mod reps;
pub mod scope;
