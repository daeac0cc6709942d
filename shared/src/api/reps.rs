//! Reps (`/reps`): the directory's view of a rep, the create and patch bodies, and handing
//! a rep's customers over (`POST /reps/{id}/hand-over`).

use serde::{Deserialize, Serialize};

use super::pool::MAX_NOTE;
use super::present;
use crate::allocation::{Level, Performance};
use crate::field_error::FieldError;
use crate::ids::Role;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RepView {
    pub id: String,
    pub name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub level: Level,
    pub industries: Vec<String>,
    pub regions: Vec<String>,
    pub capacity: u32,
    pub active: bool,
    /// Customers held now.
    pub held: u32,
    pub held_value: f64,
    /// Over the tenant's trailing window (allocation rules).
    pub performance: Performance,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RepList {
    pub items: Vec<RepView>,
}

/// `POST /reps` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RepInput {
    pub id: String,
    pub name: String,
    /// `rep` (default) or `manager`.
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub team: Option<String>,
    pub level: Level,
    #[serde(default)]
    pub industries: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    pub capacity: u32,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// `PATCH /reps/{id}` body: only the fields to change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RepPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub team: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industries: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// `POST /reps/{id}/hand-over` body: every customer the rep owns goes to the active rep
/// `to` (a transfer: follow-ups go with them), or back to the pool when `to` is null, to be
/// claimed or handed out by any strategy (`POST /pool/distribute`). For a rep who leaves
/// (离职交接) or changes territory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HandOverInput {
    pub to: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Also deactivate the rep, in the same batch: a departure in one step (their tokens
    /// are refused from then on, their collaborations end).
    #[serde(default)]
    pub deactivate: bool,
}

/// The audit reason of a hand-over without a note.
pub const HAND_OVER_REASON: &str = "hand_over";

impl HandOverInput {
    /// `from` is the rep whose customers move.
    pub fn validate(&self, from: &str) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.to.as_deref() == Some(from) {
            errors.push(FieldError::new("to", "same_rep", "the customers already belong to this rep"));
        }
        if self.note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
            errors.push(FieldError::new("note", "too_long", format!("at most {MAX_NOTE} characters")));
        }
        crate::field_error::finish(errors)
    }

    /// What the audit trail records as the reason.
    pub fn reason(&self) -> String {
        crate::audit::Reason::with_note(HAND_OVER_REASON, self.note.as_deref()).into_string()
    }
}

/// `POST /reps/{id}/hand-over` answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HandOverResult {
    /// Customers moved (those the rep released or lost meanwhile are not among them).
    pub moved: u32,
    /// Who has them now; null: the pool.
    pub to: Option<String>,
    /// The customers moved, in id order: from the pool, `POST /pool/distribute` with
    /// these `customer_ids` hands out exactly them.
    pub customer_ids: Vec<String>,
    /// With `deactivate`: whether the rep is now deactivated (only once they own nothing).
    pub deactivated: bool,
    /// The rep owns more than one page (`limits::CUSTOMER_IDS`): this answer lists the
    /// first page; the rest move in the background, a page at a time, and the rep (with
    /// `deactivate`) is deactivated after the last; `GET /reps` shows what the rep still holds.
    #[serde(default)]
    pub continuing: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_over_names_its_reason_and_never_goes_to_the_same_rep() {
        let input = |to: Option<&str>, note: Option<&str>| HandOverInput { to: to.map(Into::into), note: note.map(Into::into), deactivate: false };
        assert!(input(Some("rep-a"), None).validate("rep-a").is_err_and(|e| e[0].code == "same_rep"));
        assert!(input(Some("rep-b"), None).validate("rep-a").is_ok());
        assert!(input(None, Some(&"长".repeat(501))).validate("rep-a").is_err_and(|e| e[0].code == "too_long"));
        assert_eq!(input(None, None).reason(), "hand_over");
        assert_eq!(input(None, Some("  ")).reason(), "hand_over");
        assert_eq!(input(None, Some(" 离职交接 ")).reason(), "hand_over: 离职交接");
    }
}
