//! The rules of bulk work (`POST /customers/bulk`, wire types in `shared::api`): who may
//! ask for which action — the single routes' rules —, a request's checks before any work
//! — each action's fields as its single route checks them —, and why a selected customer
//! was left alone, from what the caller could see of it.

use crate::api::{BulkAction, BulkRequest, ReleaseInput, SkipReason, TransferInput, MAX_SELECTION, PAGING};
use crate::field_error::FieldError;
use crate::ids::Role;

/// Whether `role` may ask for this action at all: the rule of the single route it
/// repeats. Which customers it then changes is the scope's decision, per customer.
pub fn permitted(action: BulkAction, role: Role) -> bool {
    match action {
        BulkAction::Assign | BulkAction::Transfer => crate::ownership::may_transfer(role),
        // Handing the pool out is an allocation: managers and admins.
        BulkAction::Distribute => role.is_manager_or_admin(),
        BulkAction::Delete => crate::ownership::may_delete(role),
        // Everyone releases and tags, within what they may edit (a rep: their own).
        BulkAction::Release | BulkAction::Tag => true,
    }
}

/// Checks the request before any work: one action, one selection within its bound,
/// the action's fields as its single route checks them, and nothing it does not read.
/// Answers the action.
pub fn check(request: &BulkRequest) -> Result<BulkAction, Vec<FieldError>> {
    let Some(action) = request.action else {
        return Err(vec![FieldError::new("action", "required", "assign, transfer, release, distribute, tag or delete")]);
    };
    let mut errors = Vec::new();
    match (&request.ids, &request.filter) {
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
            if let Err(mut e) = request.query() {
                errors.append(&mut e);
            }
        }
        _ => errors.push(FieldError::new("ids", "required", "either ids or filter, not both")),
    }
    let sent = [
        ("to", request.to.is_some()),
        ("note", request.note.is_some()),
        ("reason_code", request.reason_code.is_some()),
        ("strategy", request.strategy.is_some()),
        ("apply", request.apply),
        ("tag", request.tag.is_some()),
    ];
    for (field, _) in sent.iter().filter(|(field, present)| *present && !action.reads().contains(field)) {
        errors.push(FieldError::new(*field, "not_allowed", format!("{} does not take {field}", action.as_str())));
    }
    match action {
        BulkAction::Assign | BulkAction::Transfer => {
            if request.to.as_deref().is_none_or(|t| t.trim().is_empty()) {
                errors.push(FieldError::new("to", "required", "the rep who gets the customers"));
            }
            let input = TransferInput { to: request.to.clone().unwrap_or_default(), note: request.note.clone() };
            errors.extend(input.validate().err().unwrap_or_default());
        }
        BulkAction::Release => {
            let input = ReleaseInput { reason_code: request.reason_code.clone().unwrap_or_default(), note: request.note.clone() };
            errors.extend(input.validate().err().unwrap_or_default());
        }
        BulkAction::Tag => match request.tag.as_deref() {
            Some(tag) if !tag.trim().is_empty() => {
                crate::validate::clean_tag("tag", tag, &mut errors);
            }
            _ => errors.push(FieldError::new("tag", "required", "the tag to add")),
        },
        BulkAction::Distribute | BulkAction::Delete => {}
    }
    crate::field_error::finish(errors).map(|()| action)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: &str) -> BulkRequest {
        serde_json::from_str(json).unwrap()
    }

    trait CheckIt {
        fn check_it(&self) -> Result<BulkAction, Vec<FieldError>>;
    }

    impl CheckIt for BulkRequest {
        fn check_it(&self) -> Result<BulkAction, Vec<FieldError>> {
            check(self)
        }
    }

    fn codes(r: Result<BulkAction, Vec<FieldError>>) -> Vec<String> {
        r.err().unwrap_or_default().into_iter().map(|e| format!("{}:{}", e.path, e.code)).collect()
    }

    #[test]
    fn a_request_states_one_action_one_selection_and_only_that_action_s_fields() {
        assert_eq!(request(r#"{"action":"release","ids":["a"],"reason_code":"no_budget"}"#).check_it(), Ok(BulkAction::Release));
        assert_eq!(codes(request(r#"{"ids":["a"]}"#).check_it()), ["action:required"]);
        assert_eq!(codes(request(r#"{"action":"delete"}"#).check_it()), ["ids:required"]);
        assert_eq!(codes(request(r#"{"action":"delete","ids":["a"],"filter":{"owner":"me"}}"#).check_it()), ["ids:required"]);
        assert_eq!(codes(request(r#"{"action":"delete","ids":[]}"#).check_it()), ["ids:required"]);
        assert_eq!(codes(request(r#"{"action":"delete","ids":["a"],"to":"x"}"#).check_it()), ["to:not_allowed"]);
        assert_eq!(codes(request(r#"{"action":"transfer","ids":["a"]}"#).check_it()), ["to:required"]);
        assert_eq!(codes(request(r#"{"action":"release","ids":["a"],"reason_code":"bored"}"#).check_it()), ["reason_code:not_in_list"]);
        assert_eq!(codes(request(r#"{"action":"release","ids":["a"],"reason_code":"other"}"#).check_it()), ["note:required"]);
        assert_eq!(codes(request(r#"{"action":"tag","ids":["a"],"tag":"  "}"#).check_it()), ["tag:required"]);
        let long = format!(r#"{{"action":"tag","ids":["a"],"tag":"{}"}}"#, "标".repeat(31));
        assert_eq!(codes(request(&long).check_it()), ["tag:too_long"]);
        assert_eq!(codes(request(r#"{"action":"delete","filter":{"tier":"gold"}}"#).check_it()), ["filter.tier:invalid"]);
        assert_eq!(codes(request(r#"{"action":"delete","filter":{"owner":"me","limit":"5"}}"#).check_it()), ["filter.limit:invalid"]);
        assert!(serde_json::from_str::<BulkRequest>(r#"{"action":"delete","ids":["a"],"extra":1}"#).is_err());
    }

    #[test]
    fn a_selection_is_bounded_and_counts_each_customer_once() {
        let ids: Vec<String> = (0..=MAX_SELECTION).map(|i| format!("c{i}")).collect();
        let over = BulkRequest { action: Some(BulkAction::Delete), ids: Some(ids), ..Default::default() };
        assert_eq!(codes(over.check_it()), ["ids:too_many"]);
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
            assert!(permitted(action, Role::Admin) && permitted(action, Role::Manager), "{action:?}");
        }
        let rep: Vec<BulkAction> = BulkAction::ALL.into_iter().filter(|a| permitted(*a, Role::Rep)).collect();
        assert_eq!(rep, [BulkAction::Release, BulkAction::Tag]);
        assert_eq!(permitted(BulkAction::Transfer, Role::Rep), crate::ownership::may_transfer(Role::Rep));
        assert_eq!(permitted(BulkAction::Delete, Role::Rep), crate::ownership::may_delete(Role::Rep));
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
}
