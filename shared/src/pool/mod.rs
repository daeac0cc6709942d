//! The public pool (公海): when an owned customer is due to go back, and who may claim
//! one. Pure decisions; the edge turns the same numbers into the conditions of its
//! claim and recycle statements. Its wire types are in `crate::api` (`api/pool.rs`).
//!
//! `rules` is the tenant's pool rules document, `due` what is due for an owned customer
//! (recycle, remind, protected, exempt), `terms` the recycle decision as data a query
//! restates (the what-if count), `claim` why a claim is refused.

mod claim;
mod due;
mod rules;
mod terms;

pub use claim::{claim_refusal, lost_claim, ClaimCondition, ClaimRefusal, ClaimState, CLAIM_CONDITIONS, LOSING_ACTIONS};
pub use due::{due, Due, RecycleReason};
pub use rules::{PoolDef, PoolRules, TierDays};
pub use terms::{PoolTerms, RecycleFacts, RecycleTerms, Windows};
