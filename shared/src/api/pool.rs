//! The pool (公海) over the wire: releasing and transferring a customer, the pool's list,
//! and the caller's standing against its rules.

use serde::{Deserialize, Serialize};

use crate::field_error::FieldError;
use crate::time::Millis;

/// Reasons a rep may give for releasing a customer (退回原因).
pub const RELEASE_REASONS: &[&str] = &["not_interested", "unreachable", "wrong_info", "duplicate", "no_budget", "other"];

/// `POST /customers/{id}/release` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReleaseInput {
    /// One of `not_interested`, `unreachable`, `wrong_info`, `duplicate`, `no_budget`, `other`.
    pub reason_code: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl ReleaseInput {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !RELEASE_REASONS.contains(&self.reason_code.as_str()) {
            errors.push(FieldError::new("reason_code", "not_in_list", RELEASE_REASONS.join(", ")));
        }
        if self.note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
            errors.push(FieldError::new("note", "too_long", format!("at most {MAX_NOTE} characters")));
        }
        if self.reason_code == "other" && self.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            errors.push(FieldError::new("note", "required", "say why when the reason is other"));
        }
        crate::field_error::finish(errors)
    }
}

/// A pool customer as the pool list shows it: why it is in the pool and since when.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoolItem {
    #[serde(flatten)]
    pub customer: crate::api::CustomerView,
    /// `created`, `imported`, `released`, `recycled`, `deleted_owner`, …: the event that
    /// left it unowned.
    pub pool_reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_note: Option<String>,
    pub pool_since: Millis,
    /// The pool whose rules apply.
    pub pool: String,
}

crate::wire::flat_deserialize!(PoolItem {
    flatten customer: crate::api::CustomerView,
    pool_reason: String = required,
    pool_note: Option<String> = default,
    pool_since: Millis = required,
    pool: String = required,
});

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoolPage {
    pub items: Vec<PoolItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The caller's standing against the pool rules (for "claims left today").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoolStanding {
    pub held: u32,
    /// The first pool's figures (the whole standing when there is one pool).
    pub holding_cap: u32,
    pub claims_today: u32,
    pub daily_claim_limit: u32,
    pub claims_left_today: u32,
    /// Every pool: its daily limit counts the claims made from it.
    #[serde(default)]
    pub pools: Vec<PoolQuota>,
}

/// A rep's claims today from one pool against its daily limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoolQuota {
    pub pool: String,
    pub zh: String,
    pub en: String,
    pub holding_cap: u32,
    pub claims_today: u32,
    pub daily_claim_limit: u32,
    pub claims_left_today: u32,
}

/// `POST /customers/{id}/transfer` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    pub to: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl TransferInput {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
            errors.push(FieldError::new("note", "too_long", format!("at most {MAX_NOTE} characters")));
        }
        crate::field_error::finish(errors)
    }
}

/// The longest release, transfer or hand-over note, in characters.
pub const MAX_NOTE: usize = 500;
