//! Bulk work on many customers at once (`POST /customers/bulk`): one action — assign,
//! transfer, release, distribute, tag, delete — over a selection of up to
//! [`MAX_SELECTION`] customers, named by id or as "every customer matching this filter"
//! (the filters of `GET /customers`).
//!
//! The rules — who may ask for which action, a request's checks, why a customer was
//! skipped — are `shared::bulk`'s (they read `ownership` and `validate`, which read
//! these types). The answer names every customer of the selection: done, or skipped
//! with a [`SkipReason`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::allocation::Strategy;
use crate::field_error::FieldError;
use crate::ids::Role;

/// Customers one bulk action may select (as many as one allocation run takes).
pub const MAX_SELECTION: usize = crate::limits::CUSTOMER_IDS;

/// What a bulk action does to each selected customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    /// Pool customers to one rep (`to`), as a transfer from the pool.
    Assign,
    /// Customers to another rep (`to`), as `POST /customers/{id}/transfer`.
    Transfer,
    /// Back to the pool with a reason (`reason_code`, `note`), as `POST /customers/{id}/release`.
    Release,
    /// Pool customers handed out by an allocation strategy: a preview, or `apply`.
    Distribute,
    /// A tag added (`tag`).
    Tag,
    /// Soft-deleted, as `DELETE /customers/{id}`.
    Delete,
}

impl BulkAction {
    pub const ALL: [BulkAction; 6] = [BulkAction::Assign, BulkAction::Transfer, BulkAction::Release, BulkAction::Distribute, BulkAction::Tag, BulkAction::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            BulkAction::Assign => "assign",
            BulkAction::Transfer => "transfer",
            BulkAction::Release => "release",
            BulkAction::Distribute => "distribute",
            BulkAction::Tag => "tag",
            BulkAction::Delete => "delete",
        }
    }

    /// The fields of [`BulkRequest`] this action reads; any other is refused.
    pub fn reads(self) -> &'static [&'static str] {
        match self {
            BulkAction::Assign | BulkAction::Transfer => &["to", "note"],
            BulkAction::Release => &["reason_code", "note"],
            BulkAction::Distribute => &["strategy", "apply"],
            BulkAction::Tag => &["tag"],
            BulkAction::Delete => &[],
        }
    }
}

/// `POST /customers/bulk` body: an action, its selection — `ids`, or `filter` — and the
/// action's own fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    pub action: Option<BulkAction>,
    /// The customers, by id (at most 5,000; repeats count once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<String>>,
    /// Every customer matching these filters of `GET /customers` (`owner`, `status`,
    /// `tier`, `intent`, `industry`, `region`, `stage`, `segment`, `q`); more than 5,000
    /// matching is 422 `selection_too_large`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<BTreeMap<String, String>>,
    /// assign, transfer: the rep who gets the customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// release: one of the release reasons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    /// release, assign, transfer: a note for the audit trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// distribute: the strategy (default: the tenant's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// distribute: `true` applies, otherwise a preview that writes nothing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub apply: bool,
    /// tag: the tag added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Filter keys a selection may not carry: a selection is every match, not a page.
pub const PAGING: [&str; 2] = ["cursor", "limit"];

impl BulkRequest {
    /// The filter as the list parses it (none for an id selection).
    pub fn query(&self) -> Result<Option<crate::api::CustomerQuery>, Vec<FieldError>> {
        let Some(filter) = &self.filter else { return Ok(None) };
        let pairs = filter.iter().filter(|(k, _)| !PAGING.contains(&k.as_str())).map(|(k, v)| (k.as_str(), v.as_str()));
        crate::api::CustomerQuery::parse(pairs).map(Some).map_err(|errors| errors.into_iter().map(|e| FieldError { path: format!("filter.{}", e.path), ..e }).collect())
    }

    /// The tag as stored (trimmed), for a valid tag request.
    pub fn clean_tag(&self) -> Option<String> {
        self.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(String::from)
    }

    /// The selected ids in order, each once (a valid id selection).
    pub fn unique_ids(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.ids.iter().flatten().filter(|id| seen.insert(id.as_str())).cloned().collect()
    }
}

/// Why a selected customer was left as it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Not the caller's (a rep acts on their own customers only), or, releasing, already
    /// in the pool — the code of a single release's 409.
    NotOwned,
    /// Outside what the caller may change (another team's), or no such customer: the two
    /// are one answer, so a selection never tells which ids exist.
    NotInScope,
    /// Assigning or distributing: someone owns it (the pool only is handed out).
    AlreadyOwned,
    /// Already the target rep's.
    AlreadyTheirs,
    /// The target is not an active rep in the caller's scope (any more).
    InactiveRep,
    /// Distributing: no rep had room for it, or the rep reached capacity meanwhile.
    HoldingCap,
    /// Tagging: it has the tag already.
    AlreadyTagged,
    /// Tagging: it has as many tags as a customer may.
    TooManyTags,
    /// It changed between the selection and the write.
    Stale,
}

impl SkipReason {
    pub const ALL: [SkipReason; 9] = [
        SkipReason::NotOwned,
        SkipReason::NotInScope,
        SkipReason::AlreadyOwned,
        SkipReason::AlreadyTheirs,
        SkipReason::InactiveRep,
        SkipReason::HoldingCap,
        SkipReason::AlreadyTagged,
        SkipReason::TooManyTags,
        SkipReason::Stale,
    ];

    /// The code as the answer writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NotOwned => "not_owned",
            SkipReason::NotInScope => "not_in_scope",
            SkipReason::AlreadyOwned => "already_owned",
            SkipReason::AlreadyTheirs => "already_theirs",
            SkipReason::InactiveRep => "inactive_rep",
            SkipReason::HoldingCap => "holding_cap",
            SkipReason::AlreadyTagged => "already_tagged",
            SkipReason::TooManyTags => "too_many_tags",
            SkipReason::Stale => "stale",
        }
    }

    pub fn parse(code: &str) -> Option<SkipReason> {
        SkipReason::ALL.into_iter().find(|r| r.as_str() == code)
    }

    /// Chinese and English labels.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            SkipReason::NotOwned => ("不是你的客户", "not yours"),
            SkipReason::NotInScope => ("不在你的权限范围内", "outside your scope"),
            SkipReason::AlreadyOwned => ("已有负责人", "already owned"),
            SkipReason::AlreadyTheirs => ("已是该销售的客户", "already theirs"),
            SkipReason::InactiveRep => ("该销售已停用或不在范围内", "rep inactive or out of scope"),
            SkipReason::HoldingCap => ("销售已达保有上限", "rep at capacity"),
            SkipReason::AlreadyTagged => ("已有此标签", "already tagged"),
            SkipReason::TooManyTags => ("标签已满", "too many tags"),
            SkipReason::Stale => ("已被他人修改", "changed meanwhile"),
        }
    }

    /// A customer the caller may not change: for a rep, whose scope is what they own,
    /// that is "not yours"; for a manager, "outside your scope".
    pub fn out_of_scope(role: Role) -> SkipReason {
        if role.is_manager_or_admin() {
            SkipReason::NotInScope
        } else {
            SkipReason::NotOwned
        }
    }
}

/// One customer the action left alone, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Skipped {
    pub id: String,
    pub reason: SkipReason,
}

/// A distribution's customers per rep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RepShare {
    pub rep: String,
    pub customers: u32,
}

/// The answer: every selected customer is in `done` or in `skipped`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BulkResult {
    pub action: BulkAction,
    /// Customers selected (after repeats are dropped).
    pub selected: u32,
    /// Changed (for a distribute preview: would be).
    pub done: Vec<String>,
    pub skipped: Vec<Skipped>,
    /// `false` only for a distribute preview, which writes nothing.
    pub applied: bool,
    /// distribute: customers per rep.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub distribution: Vec<RepShare>,
    /// distribute: the strategy and rule version, as the audit trail names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// `GET /customers/count`: customers matching the list's filters, counted up to one past
/// what a bulk action takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CustomerCount {
    /// At most `limit` + 1: more than a bulk action takes.
    pub count: u32,
    /// What one bulk action takes (5,000).
    pub limit: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strategy_s_name_is_the_one_serde_writes() {
        for s in Strategy::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
            assert_eq!(Strategy::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn every_reason_has_labels_and_a_stored_code() {
        for reason in SkipReason::ALL {
            let (zh, en) = reason.label();
            assert!(!zh.is_empty() && !en.is_empty());
            let code = serde_json::to_value(reason).unwrap();
            assert_eq!(code, reason.as_str());
            assert_eq!(serde_json::from_value::<SkipReason>(code).unwrap(), reason);
            assert_eq!(SkipReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(serde_json::to_value(SkipReason::NotOwned).unwrap(), "not_owned");
    }
}
