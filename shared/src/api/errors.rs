//! Error answers: the one body every error has, and the details of those that carry some.

use serde::{Deserialize, Serialize};

use crate::customer::DuplicateField;
use crate::field_error::FieldError;

/// Every error answer: `{"error": {"code", "message", "details"?}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    /// Stable machine code: `unauthorized`, `forbidden`, `not_found`, `invalid`,
    /// `duplicate`, `stale`, `too_large`, `unsupported_media_type`, `internal`, …
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// `details` of a 400 `invalid`: every field problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InvalidDetails {
    pub fields: Vec<FieldError>,
}

/// `details` of a 409 `duplicate` (撞单): which key collided and who holds the other
/// record, masked. No field of the other record is revealed; its id only when the caller
/// may open it anyway (their own, or in the pool).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DuplicateDetails {
    pub field: DuplicateField,
    /// The holder's name, masked (张*), or `null` when the customer is in the pool.
    pub owner: Option<String>,
    pub owned_by_you: bool,
    pub in_pool: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}
