//! Allocation runs (`POST /allocations/preview`, `POST /allocations`,
//! `POST /pool/distribute`): what is asked and what the answer explains.

use serde::{Deserialize, Serialize};

/// How much an allocation answer explains.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Explain {
    /// Each assignment's criteria and its runner-up.
    #[default]
    Summary,
    /// Also every eligible rep's score and breakdown for each customer.
    Full,
}

/// `POST /allocations/preview` and `POST /allocations` body; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AllocationRequest {
    /// Defaults to the tenant's rule.
    #[serde(default)]
    pub strategy: Option<crate::allocation::Strategy>,
    /// Defaults to the tenant's weights.
    #[serde(default)]
    pub weights: Option<crate::allocation::Weights>,
    /// Defaults to every unowned customer the caller may allocate.
    #[serde(default)]
    pub customer_ids: Option<Vec<String>>,
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub explain: Explain,
}

/// `POST /pool/distribute` body: an allocation request over pool customers, previewed
/// unless `apply` is true. Unknown keys are refused (by `AllocationRequest`, which sees
/// every key but `apply`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(deny_unknown_fields))]
pub struct DistributeRequest {
    #[serde(flatten)]
    pub allocation: AllocationRequest,
    #[serde(default)]
    pub apply: bool,
}

crate::wire::flat_deserialize!(DistributeRequest {
    flatten allocation: AllocationRequest,
    apply: bool = default,
});

/// The answer of a preview or an apply.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AllocationResponse {
    #[serde(flatten)]
    pub outcome: crate::allocation::Outcome,
    /// Strategy and rule version, as written into the audit trail (`combined@v3`).
    pub rule: String,
    /// False for a preview.
    pub applied: bool,
    /// Assignments not applied because the customer gained an owner meanwhile or the rep
    /// filled up: never overwritten.
    #[serde(default)]
    pub skipped: Vec<SkippedAssignment>,
}

crate::wire::flat_deserialize!(AllocationResponse {
    flatten outcome: crate::allocation::Outcome,
    rule: String = required,
    applied: bool = required,
    skipped: Vec<SkippedAssignment> = default,
});

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SkippedAssignment {
    pub customer: String,
    pub rep: String,
    pub reason: String,
}
