//! Who may see, edit and own a customer. The edge turns these decisions into SQL
//! conditions so the database enforces them in the same statement that writes.

use crate::api::Placement;
use crate::customer::DuplicateKeys;
use crate::ids::Role;
use crate::settings::OwnershipRule;
use crate::time::Millis;

/// How far a caller's view reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everything in the tenant (admins).
    Tenant,
    /// The pool, their own customers and their team's; a manager who leads no team sees
    /// the whole tenant.
    Team,
    /// The pool, their own customers and those they collaborate on.
    Own,
}

impl Scope {
    pub fn of(role: Role) -> Scope {
        match role {
            Role::Admin => Scope::Tenant,
            Role::Manager => Scope::Team,
            Role::Rep => Scope::Own,
        }
    }
}

/// The owner a new customer gets, from the `Placement` of a create request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InitialOwner {
    /// The creator (first entry wins, 首次录入为准).
    Creator,
    /// Straight into the public pool.
    Pool,
    /// Another user, who must be in the creator's scope; the edge checks that in the
    /// inserting statement.
    Other(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerRefusal {
    /// Reps cannot hand customers to others; managers use allocation or transfer.
    RepCannotAssign,
}

/// The owner a create request names. An allocation's owner is chosen later by the rules;
/// until then the request names none of its own, so it counts as the creator's.
pub fn initial_owner(role: Role, caller: &str, placement: &Placement) -> Result<InitialOwner, OwnerRefusal> {
    match placement {
        Placement::Creator | Placement::Allocate => Ok(InitialOwner::Creator),
        Placement::Pool => Ok(InitialOwner::Pool),
        Placement::Owner(id) if id == caller => Ok(InitialOwner::Creator),
        Placement::Owner(_) if role == Role::Rep => Err(OwnerRefusal::RepCannotAssign),
        Placement::Owner(id) => Ok(InitialOwner::Other(id.clone())),
    }
}

/// Where one side of an ownership collision stands with the customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// When this rep last logged a follow-up on the customer.
    pub last_follow_up_at: Option<Millis>,
    /// Whether this rep covers the customer's region.
    pub covers_region: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collision {
    /// The owner keeps the customer; the new entry is refused as a duplicate.
    HolderKeeps,
    /// The rep entering the customer takes it over (an audited ownership change).
    ContenderTakes,
}

/// Applies the tenant's ownership rule to a rep entering a customer that `holder` owns.
/// Ties keep the owner: a takeover needs a reason the rule names.
pub fn resolve_collision(rule: OwnershipRule, holder: Standing, contender: Standing) -> Collision {
    let takes = match rule {
        OwnershipRule::FirstEntry => false,
        // `None < Some(_)`: any logged follow-up beats none.
        OwnershipRule::FollowUpHistory => contender.last_follow_up_at > holder.last_follow_up_at,
        OwnershipRule::Region => contender.covers_region && !holder.covers_region,
    };
    if takes {
        Collision::ContenderTakes
    } else {
        Collision::HolderKeeps
    }
}

/// Which of `candidates` (existing customers, by their duplicate keys) an entry may take
/// over: only a customer that is the sole match of every entry that matches it. An entry
/// that matches two different customers (its phone one, its email another) is ambiguous,
/// and a takeover there would move a customer the rep may not mean; those stay put.
pub fn unambiguous_matches(entries: &[&DuplicateKeys], candidates: &[&DuplicateKeys]) -> Vec<bool> {
    use std::collections::HashMap;
    // Candidates by each key, so each entry finds its matches in constant time: an import
    // of 20,000 rows against 20,000 customers is 20,000 lookups, not 400 million compares.
    let mut by_key: HashMap<(u8, &str), Vec<usize>> = HashMap::new();
    for (i, c) in candidates.iter().enumerate() {
        for (field, key) in keyed(c) {
            by_key.entry((field, key)).or_default().push(i);
        }
    }
    let mut allowed = vec![true; candidates.len()];
    let mut matching = Vec::new();
    for entry in entries {
        matching.clear();
        for (field, key) in keyed(entry) {
            matching.extend(by_key.get(&(field, key)).into_iter().flatten().copied());
        }
        matching.sort_unstable();
        matching.dedup();
        if matching.len() > 1 {
            for i in &matching {
                allowed[*i] = false;
            }
        }
    }
    allowed
}

/// A customer's duplicate keys, each with its field (phone 0, email 1, company 2).
fn keyed(keys: &DuplicateKeys) -> impl Iterator<Item = (u8, &str)> {
    [(0, &keys.phone), (1, &keys.email), (2, &keys.company)].into_iter().filter_map(|(field, key)| key.as_deref().map(|k| (field, k)))
}

/// When a role's view of a customer hides its contacts (`shared::mask::customer` says
/// which fields and how). The one statement of the rule: [`masks_contacts`] reads it in
/// Rust, and the edge turns it into the SQL condition that keeps search, and anything
/// else that looks at contacts, off rows whose contacts the caller cannot see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactsHidden {
    /// Every contact the role can read, it reads in full.
    Never,
    /// Contacts are hidden while the customer is in the pool (unowned): a rep reads them
    /// only after claiming it (领取).
    WhileInPool,
}

impl ContactsHidden {
    pub fn of(role: Role) -> ContactsHidden {
        match role {
            Role::Rep => ContactsHidden::WhileInPool,
            Role::Manager | Role::Admin => ContactsHidden::Never,
        }
    }

    /// Whether a customer with this owner has its contacts hidden.
    pub fn hides(self, owner: Option<&str>) -> bool {
        match self {
            ContactsHidden::Never => false,
            ContactsHidden::WhileInPool => owner.is_none(),
        }
    }
}

/// Contacts of pool customers are masked for reps until they claim one (领取).
pub fn masks_contacts(role: Role, owner: Option<&str>) -> bool {
    ContactsHidden::of(role).hides(owner)
}

/// Only managers and admins transfer a customer to another rep (one, in bulk, or a
/// hand-over): a rep never gives a customer away.
pub fn may_transfer(role: Role) -> bool {
    role.is_manager_or_admin()
}

/// Only managers and admins delete (soft) customers.
pub fn may_delete(role: Role) -> bool {
    role.is_manager_or_admin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_owner_rules() {
        let some = |s: &str| Placement::Owner(s.to_string());
        assert_eq!(initial_owner(Role::Rep, "r1", &Placement::Creator), Ok(InitialOwner::Creator));
        assert_eq!(initial_owner(Role::Rep, "r1", &Placement::Allocate), Ok(InitialOwner::Creator));
        assert_eq!(initial_owner(Role::Rep, "r1", &Placement::Pool), Ok(InitialOwner::Pool));
        assert_eq!(initial_owner(Role::Rep, "r1", &some("r1")), Ok(InitialOwner::Creator));
        assert_eq!(initial_owner(Role::Rep, "r1", &some("r2")), Err(OwnerRefusal::RepCannotAssign));
        assert_eq!(initial_owner(Role::Manager, "m1", &some("r2")), Ok(InitialOwner::Other("r2".into())));
    }

    #[test]
    fn collisions_follow_the_tenant_rule() {
        use Collision::{ContenderTakes as Takes, HolderKeeps as Keeps};
        use OwnershipRule::{FirstEntry, FollowUpHistory, Region};
        let at = |t: Option<Millis>, covers: bool| Standing { last_follow_up_at: t, covers_region: covers };
        // (rule, holder, contender, outcome)
        for (rule, holder, contender, expected) in [
            (FirstEntry, at(None, false), at(Some(9), true), Keeps),
            (FollowUpHistory, at(None, false), at(Some(1), false), Takes),
            (FollowUpHistory, at(Some(5), false), at(Some(9), false), Takes),
            (FollowUpHistory, at(Some(9), false), at(Some(5), false), Keeps),
            (FollowUpHistory, at(Some(5), false), at(Some(5), false), Keeps),
            (FollowUpHistory, at(None, false), at(None, true), Keeps),
            (Region, at(None, false), at(None, true), Takes),
            (Region, at(None, true), at(None, true), Keeps),
            (Region, at(None, true), at(Some(9), false), Keeps),
            (Region, at(Some(1), false), at(None, false), Keeps),
        ] {
            assert_eq!(resolve_collision(rule, holder, contender), expected, "{rule:?} {holder:?} {contender:?}");
        }
    }

    #[test]
    fn an_entry_matching_two_customers_takes_neither() {
        let keys = |p: Option<&str>, e: Option<&str>| DuplicateKeys { phone: p.map(String::from), email: e.map(String::from), company: None };
        let (a, b, c) = (keys(Some("1"), None), keys(None, Some("x@y.cn")), keys(Some("3"), None));
        // Entry one matches a by phone and b by email; entry two matches c only.
        let (one, two) = (keys(Some("1"), Some("x@y.cn")), keys(Some("3"), None));
        assert_eq!(unambiguous_matches(&[&one, &two], &[&a, &b, &c]), vec![false, false, true]);
        assert_eq!(unambiguous_matches(&[&two], &[&a, &b, &c]), vec![true, true, true], "unmatched candidates are not ruled out here");
    }

    #[test]
    fn masking() {
        assert!(masks_contacts(Role::Rep, None));
        assert!(!masks_contacts(Role::Rep, Some("r1")));
        assert!(!masks_contacts(Role::Manager, None));
        // The SQL reading of the rule (`store::scope::contacts_visible`) is "owned" for
        // `WhileInPool` and "always" for `Never`: hold every role to one of the two.
        for role in [Role::Admin, Role::Manager, Role::Rep] {
            for owner in [None, Some("r1"), Some("r2")] {
                let sql_hides = match ContactsHidden::of(role) {
                    ContactsHidden::Never => false,
                    ContactsHidden::WhileInPool => owner.is_none(),
                };
                assert_eq!(masks_contacts(role, owner), sql_hides, "{role:?} {owner:?}");
            }
        }
    }
}
