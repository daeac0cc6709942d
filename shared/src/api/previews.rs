//! What-if answers for the admin console: how many customers a proposed document would
//! affect now, before it is saved.
//!
//! - `POST /pool/rules/preview` (a [`PoolRules`](crate::pool::PoolRules) body): the owned
//!   customers the recycle job would return to the pool at this moment under those rules,
//!   grouped by pool, reason and tier.
//! - `POST /settings/segments/preview` (a [`TenantSettings`](crate::settings::TenantSettings)
//!   body): how many customers each segment rule would get (ordered, first match wins).

use serde::{Deserialize, Serialize};

use crate::customer::Tier;
use crate::pool::RecycleReason;
use crate::time::Millis;

/// `POST /pool/rules/preview` answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecyclePreview {
    /// The moment the count is for.
    pub at: Millis,
    /// Customers that would be recycled: the sum of `groups`.
    pub total: u64,
    /// Non-empty groups only.
    pub groups: Vec<RecycleGroup>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecycleGroup {
    /// The pool's key.
    pub pool: String,
    pub reason: RecycleReason,
    /// The customers' value tier (`null`: none set, recycled on the regular tier's days).
    pub tier: Option<Tier>,
    pub count: u64,
}

/// Most recent customers a segment preview classifies; a tenant with more gets a sample.
pub const SEGMENT_PREVIEW_SAMPLE: usize = 20_000;

/// `POST /settings/segments/preview` answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SegmentPreview {
    /// Every customer was classified (the tenant has no more than the sample's size).
    pub exact: bool,
    /// When not `exact`: how many customers (the most recently created) were classified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampled: Option<u64>,
    /// Customers classified.
    pub counted: u64,
    /// One entry per rule, in the rules' order (a rule that matches nothing has 0).
    pub segments: Vec<SegmentCount>,
    /// Customers no rule matches.
    pub unmatched: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SegmentCount {
    pub key: String,
    pub count: u64,
}
