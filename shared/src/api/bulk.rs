//! Bulk work on many customers at once (`POST /customers/bulk`): one action — assign,
//! transfer, release, distribute, tag, delete — over a selection of up to
//! [`MAX_SELECTION`] customers, named by id or as "every customer matching this filter"
//! (the filters of `GET /customers`).
//!
//! A bulk action is the single action applied to many customers under the same rules:
//! who may do it ([`BulkAction::permitted`] reads the single routes' rules), and which
//! customers it changes (the edge states the single routes' SQL conditions). The answer
//! names every customer of the selection: done, or skipped with a [`SkipReason`] that
//! [`skip_reason`] derives from what the caller could see of it.

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

    /// Whether `role` may ask for this action at all: the rule of the single route it
    /// repeats. Which customers it then changes is the scope's decision, per customer.
    pub fn permitted(self, role: Role) -> bool {
        match self {
            BulkAction::Assign | BulkAction::Transfer => crate::ownership::may_transfer(role),
            // Handing the pool out is an allocation: managers and admins.
            BulkAction::Distribute => role.is_manager_or_admin(),
            BulkAction::Delete => crate::ownership::may_delete(role),
            // Everyone releases and tags, within what they may edit (a rep: their own).
            BulkAction::Release | BulkAction::Tag => true,
        }
    }

    /// The fields of [`BulkRequest`] this action reads; any other is refused.
    fn reads(self) -> &'static [&'static str] {
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
const PAGING: [&str; 2] = ["cursor", "limit"];

impl BulkRequest {
    /// Checks the request before any work: one action, one selection within its bound,
    /// the action's fields as its single route checks them, and nothing it does not read.
    /// Answers the action.
    pub fn validate(&self) -> Result<BulkAction, Vec<FieldError>> {
        let Some(action) = self.action else {
            return Err(vec![FieldError::new("action", "required", "assign, transfer, release, distribute, tag or delete")]);
        };
        let mut errors = Vec::new();
        match (&self.ids, &self.filter) {
            (Some(ids), None) => {
                if let Err(e) = crate::limits::at_most("ids", ids.len(), MAX_SELECTION) {
                    errors.push(e);
                } else if ids.is_empty() {
                    errors.push(FieldError::new("ids", "required", "at least one customer"));
                }
            }
            (None, Some(filter)) => {
                if let Some(key) = filter.keys().find(|k| PAGING.contains(&k.as_str())) {
                    errors.push(FieldError::new(format!("filter.{key}"), "invalid", "a selection is every matching customer: no cursor or limit"));
                }
                if let Err(mut e) = self.query() {
                    errors.append(&mut e);
                }
            }
            _ => errors.push(FieldError::new("ids", "required", "either ids or filter, not both")),
        }
        let sent = [
            ("to", self.to.is_some()),
            ("note", self.note.is_some()),
            ("reason_code", self.reason_code.is_some()),
            ("strategy", self.strategy.is_some()),
            ("apply", self.apply),
            ("tag", self.tag.is_some()),
        ];
        for (field, _) in sent.iter().filter(|(field, present)| *present && !action.reads().contains(field)) {
            errors.push(FieldError::new(*field, "not_allowed", format!("{} does not take {field}", action.as_str())));
        }
        match action {
            BulkAction::Assign | BulkAction::Transfer => {
                if self.to.as_deref().is_none_or(|t| t.trim().is_empty()) {
                    errors.push(FieldError::new("to", "required", "the rep who gets the customers"));
                }
                let input = crate::api::TransferInput { to: self.to.clone().unwrap_or_default(), note: self.note.clone() };
                errors.extend(input.validate().err().unwrap_or_default());
            }
            BulkAction::Release => {
                let input = crate::api::ReleaseInput { reason_code: self.reason_code.clone().unwrap_or_default(), note: self.note.clone() };
                errors.extend(input.validate().err().unwrap_or_default());
            }
            BulkAction::Tag => match self.tag.as_deref() {
                Some(tag) if !tag.trim().is_empty() => {
                    crate::validate::clean_tag("tag", tag, &mut errors);
                }
                _ => errors.push(FieldError::new("tag", "required", "the tag to add")),
            },
            BulkAction::Distribute | BulkAction::Delete => {}
        }
        crate::field_error::finish(errors).map(|()| action)
    }

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

/// What the edge read of one selected customer, in the batch that wrote the others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// It exists, is live, and the caller may read it.
    pub visible: bool,
    /// The caller may change it (`store::scope::editable`).
    pub editable: bool,
    pub owner: Option<String>,
    /// Tagging: it carries the tag.
    pub has_tag: bool,
    pub tags: usize,
}

/// Why the action left a selected customer alone, from what was seen of it. Only what
/// the caller may see decides: an invisible customer is out of scope, whoever owns it.
pub fn skip_reason(action: BulkAction, role: Role, to: Option<&str>, seen: &Seen) -> SkipReason {
    let out = SkipReason::out_of_scope(role);
    if !seen.visible {
        return out;
    }
    let theirs = seen.owner.is_some() && seen.owner.as_deref() == to;
    match action {
        BulkAction::Release if seen.owner.is_none() => SkipReason::NotOwned,
        BulkAction::Assign | BulkAction::Distribute if theirs => SkipReason::AlreadyTheirs,
        BulkAction::Assign | BulkAction::Distribute if seen.owner.is_some() => SkipReason::AlreadyOwned,
        BulkAction::Distribute => SkipReason::HoldingCap,
        _ if !seen.editable => out,
        BulkAction::Transfer if theirs => SkipReason::AlreadyTheirs,
        BulkAction::Assign | BulkAction::Transfer => SkipReason::InactiveRep,
        BulkAction::Tag if seen.has_tag => SkipReason::AlreadyTagged,
        BulkAction::Tag if seen.tags >= crate::limits::TAGS => SkipReason::TooManyTags,
        BulkAction::Release | BulkAction::Tag | BulkAction::Delete => SkipReason::Stale,
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

    fn request(json: &str) -> BulkRequest {
        serde_json::from_str(json).unwrap()
    }

    fn codes(r: Result<BulkAction, Vec<FieldError>>) -> Vec<String> {
        r.err().unwrap_or_default().into_iter().map(|e| format!("{}:{}", e.path, e.code)).collect()
    }

    #[test]
    fn a_request_states_one_action_one_selection_and_only_that_action_s_fields() {
        assert_eq!(request(r#"{"action":"release","ids":["a"],"reason_code":"no_budget"}"#).validate(), Ok(BulkAction::Release));
        assert_eq!(codes(request(r#"{"ids":["a"]}"#).validate()), ["action:required"]);
        assert_eq!(codes(request(r#"{"action":"delete"}"#).validate()), ["ids:required"]);
        assert_eq!(codes(request(r#"{"action":"delete","ids":["a"],"filter":{"owner":"me"}}"#).validate()), ["ids:required"]);
        assert_eq!(codes(request(r#"{"action":"delete","ids":[]}"#).validate()), ["ids:required"]);
        assert_eq!(codes(request(r#"{"action":"delete","ids":["a"],"to":"x"}"#).validate()), ["to:not_allowed"]);
        assert_eq!(codes(request(r#"{"action":"transfer","ids":["a"]}"#).validate()), ["to:required"]);
        assert_eq!(codes(request(r#"{"action":"release","ids":["a"],"reason_code":"bored"}"#).validate()), ["reason_code:not_in_list"]);
        assert_eq!(codes(request(r#"{"action":"release","ids":["a"],"reason_code":"other"}"#).validate()), ["note:required"]);
        assert_eq!(codes(request(r#"{"action":"tag","ids":["a"],"tag":"  "}"#).validate()), ["tag:required"]);
        let long = format!(r#"{{"action":"tag","ids":["a"],"tag":"{}"}}"#, "标".repeat(31));
        assert_eq!(codes(request(&long).validate()), ["tag:too_long"]);
        assert_eq!(codes(request(r#"{"action":"delete","filter":{"tier":"gold"}}"#).validate()), ["filter.tier:invalid"]);
        assert_eq!(codes(request(r#"{"action":"delete","filter":{"owner":"me","limit":"5"}}"#).validate()), ["filter.limit:invalid"]);
        assert!(serde_json::from_str::<BulkRequest>(r#"{"action":"delete","ids":["a"],"extra":1}"#).is_err());
    }

    #[test]
    fn a_selection_is_bounded_and_counts_each_customer_once() {
        let ids: Vec<String> = (0..=MAX_SELECTION).map(|i| format!("c{i}")).collect();
        let over = BulkRequest { action: Some(BulkAction::Delete), ids: Some(ids), ..Default::default() };
        assert_eq!(codes(over.validate()), ["ids:too_many"]);
        let repeated = BulkRequest { action: Some(BulkAction::Delete), ids: Some(vec!["b".into(), "a".into(), "b".into()]), ..Default::default() };
        assert_eq!(repeated.unique_ids(), ["b", "a"]);
        let filtered = request(r#"{"action":"tag","filter":{"owner":"me","tier":"key"},"tag":" 展会 "}"#);
        let query = filtered.query().unwrap().unwrap();
        assert_eq!((query.owner, query.tier), (crate::api::OwnerFilter::Me, Some(crate::customer::Tier::Key)));
        assert_eq!(filtered.clean_tag().as_deref(), Some("展会"));
    }

    #[test]
    fn who_may_ask_is_the_single_routes_rule() {
        for action in BulkAction::ALL {
            assert!(action.permitted(Role::Admin) && action.permitted(Role::Manager), "{action:?}");
        }
        let rep: Vec<BulkAction> = BulkAction::ALL.into_iter().filter(|a| a.permitted(Role::Rep)).collect();
        assert_eq!(rep, [BulkAction::Release, BulkAction::Tag]);
        assert_eq!(BulkAction::Transfer.permitted(Role::Rep), crate::ownership::may_transfer(Role::Rep));
        assert_eq!(BulkAction::Delete.permitted(Role::Rep), crate::ownership::may_delete(Role::Rep));
    }

    #[test]
    fn a_skip_says_why_from_what_the_caller_could_see() {
        let seen = |visible, editable, owner: Option<&str>| Seen { visible, editable, owner: owner.map(String::from), ..Seen::default() };
        let check = |action, role, to, s: &Seen| skip_reason(action, role, to, s);
        // Invisible (someone else's for a rep, another team's, or no such id): one answer.
        assert_eq!(check(BulkAction::Release, Role::Rep, None, &seen(false, false, None)), SkipReason::NotOwned);
        assert_eq!(check(BulkAction::Release, Role::Manager, None, &seen(false, false, None)), SkipReason::NotInScope);
        // Releasing a pool customer: the single route's `not_owned`.
        assert_eq!(check(BulkAction::Release, Role::Rep, None, &seen(true, false, None)), SkipReason::NotOwned);
        // A rep sees a colleague's customer they collaborate on, but may not change it.
        assert_eq!(check(BulkAction::Release, Role::Rep, None, &seen(true, false, Some("rep-b"))), SkipReason::NotOwned);
        assert_eq!(check(BulkAction::Transfer, Role::Manager, Some("r"), &seen(true, true, Some("r"))), SkipReason::AlreadyTheirs);
        assert_eq!(check(BulkAction::Transfer, Role::Manager, Some("r"), &seen(true, true, Some("q"))), SkipReason::InactiveRep);
        assert_eq!(check(BulkAction::Assign, Role::Manager, Some("r"), &seen(true, true, Some("q"))), SkipReason::AlreadyOwned);
        assert_eq!(check(BulkAction::Distribute, Role::Admin, None, &seen(true, true, None)), SkipReason::HoldingCap);
        let tagged = Seen { has_tag: true, ..seen(true, true, Some("r")) };
        assert_eq!(check(BulkAction::Tag, Role::Rep, None, &tagged), SkipReason::AlreadyTagged);
        let full = Seen { tags: crate::limits::TAGS, ..seen(true, true, Some("r")) };
        assert_eq!(check(BulkAction::Tag, Role::Rep, None, &full), SkipReason::TooManyTags);
        assert_eq!(check(BulkAction::Delete, Role::Manager, None, &seen(true, false, Some("x"))), SkipReason::NotInScope);
    }

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
