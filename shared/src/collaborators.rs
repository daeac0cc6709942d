//! Collaborators (协作人): users who may read a customer someone owns — to help close it
//! (a presales engineer, a colleague in another region) — but never edit it or take it.
//!
//! The rules, each enforced by the edge inside the statement that writes:
//! - only an owned customer has collaborators: a pool customer has no team, and whoever
//!   claims it starts afresh — so a customer returned to the pool (release, recycle) loses
//!   its collaborators;
//! - the owner is never one of their own collaborators — so a customer handed to one of its
//!   collaborators (transfer, a take-over) drops the new owner from the list and keeps the
//!   rest;
//! - at most [`MAX_COLLABORATORS`], each an active user of the tenant;
//! - whoever may edit the customer adds and removes collaborators; a collaborator may also
//!   remove themself (leave);
//! - adding and removing are set operations (adding one twice, removing one who is not
//!   there, change nothing), so they need no `version` and never conflict with an edit.

use crate::ids::Role;

/// A customer is worked by a small team; the list is also read on every visibility check
/// of a rep, so it stays short.
pub const MAX_COLLABORATORS: usize = 20;

/// Why a user cannot be added as a collaborator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareRefusal {
    /// The customer is in the pool.
    Unowned,
    /// The user owns the customer already.
    IsOwner,
    /// [`MAX_COLLABORATORS`] reached.
    Full,
}

impl ShareRefusal {
    pub fn code(self) -> &'static str {
        match self {
            ShareRefusal::Unowned => "unowned",
            ShareRefusal::IsOwner => "is_owner",
            ShareRefusal::Full => "too_many_collaborators",
        }
    }

    pub fn message(self) -> String {
        match self {
            ShareRefusal::Unowned => "a customer in the pool has no collaborators: whoever claims it chooses them".into(),
            ShareRefusal::IsOwner => "the owner already has every right a collaborator would get".into(),
            ShareRefusal::Full => format!("a customer has at most {MAX_COLLABORATORS} collaborators"),
        }
    }
}

/// What adding `user` to a customer with this `owner` and these `collaborators` does:
/// `Ok(true)` adds them, `Ok(false)` changes nothing (already one).
pub fn check_share(owner: Option<&str>, collaborators: &[String], user: &str) -> Result<bool, ShareRefusal> {
    match owner {
        None => Err(ShareRefusal::Unowned),
        Some(o) if o == user => Err(ShareRefusal::IsOwner),
        Some(_) if collaborators.iter().any(|c| c == user) => Ok(false),
        Some(_) if collaborators.len() >= MAX_COLLABORATORS => Err(ShareRefusal::Full),
        Some(_) => Ok(true),
    }
}

/// Whether a user can be a collaborator at all: an active rep (managers and admins
/// already see their team's customers).
pub fn may_collaborate(role: Role, active: bool) -> bool {
    role == COLLABORATOR_ROLE && active
}

/// The one role a collaborator has ([`may_collaborate`]; the edge's condition names it).
pub const COLLABORATOR_ROLE: Role = Role::Rep;

/// Whether `caller` may take `user` off a customer's collaborators.
pub fn may_unshare(caller_may_edit: bool, caller: &str, user: &str) -> bool {
    caller_may_edit || caller == user
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("u{i}")).collect()
    }

    #[test]
    fn sharing_needs_an_owner_other_than_the_user_and_room() {
        assert_eq!(check_share(None, &[], "u1"), Err(ShareRefusal::Unowned));
        assert_eq!(check_share(Some("u1"), &[], "u1"), Err(ShareRefusal::IsOwner));
        assert_eq!(check_share(Some("owner"), &list(2), "u5"), Ok(true));
        assert_eq!(check_share(Some("owner"), &list(MAX_COLLABORATORS - 1), "new"), Ok(true));
        assert_eq!(check_share(Some("owner"), &list(MAX_COLLABORATORS), "new"), Err(ShareRefusal::Full));
    }

    #[test]
    fn sharing_twice_changes_nothing_even_when_full() {
        assert_eq!(check_share(Some("owner"), &list(3), "u1"), Ok(false));
        assert_eq!(check_share(Some("owner"), &list(MAX_COLLABORATORS), "u0"), Ok(false));
    }

    #[test]
    fn editors_remove_anyone_a_collaborator_only_themself() {
        assert!(may_unshare(true, "boss", "u1"));
        assert!(may_unshare(false, "u1", "u1"));
        assert!(!may_unshare(false, "u2", "u1"));
    }

    #[test]
    fn only_active_reps_collaborate() {
        assert!(may_collaborate(Role::Rep, true));
        assert!(!may_collaborate(Role::Rep, false));
        assert!(!may_collaborate(Role::Manager, true));
        assert!(!may_collaborate(Role::Admin, true));
    }

    #[test]
    fn refusals_have_distinct_codes() {
        let codes = [ShareRefusal::Unowned, ShareRefusal::IsOwner, ShareRefusal::Full].map(ShareRefusal::code);
        assert_eq!(codes, ["unowned", "is_owner", "too_many_collaborators"]);
        assert!(ShareRefusal::Full.message().contains(&MAX_COLLABORATORS.to_string()));
    }
}
