//! The daily budget of contact checks. A unique phone or e-mail is how Allot stops two
//! reps chasing one customer (撞单), so a write that sets one answers whether it is taken
//! — also when it is taken by a pool customer whose contacts the writer sees masked. A
//! rep could spell out a masked `184****9151` by setting guesses on their own customer
//! (10,000 guesses for four hidden digits). Every write by a rep that sets a new phone or
//! e-mail key therefore spends one unit of a daily budget, counted in D1: generous for
//! entering customers by hand, far too small to enumerate a masked number.

use crate::customer::DuplicateKeys;
use crate::ids::Role;
use crate::ownership::ContactsHidden;
use crate::time::{Millis, DAY_MS};

/// New phones and e-mails one rep may set a day (UTC). Imports are not counted: a rep
/// does not apply imports (`import::permit`), and a rep's dry run compares only with
/// customers whose contacts the rep sees.
pub const CONTACT_KEYS_PER_DAY: u32 = 500;

/// Whether a write by `role` that changes a customer's keys from `before` (`None`: a new
/// customer) to `after` spends a unit: only a role some of whose views hide contacts, only
/// when a phone or e-mail key is set that the customer did not already have.
pub fn spends(role: Role, before: Option<&DuplicateKeys>, after: &DuplicateKeys) -> bool {
    if ContactsHidden::of(role) == ContactsHidden::Never {
        return false;
    }
    let new = |now: &Option<String>, was: Option<&Option<String>>| now.is_some() && was != Some(now);
    new(&after.phone, before.map(|b| &b.phone)) || new(&after.email, before.map(|b| &b.email))
}

/// The budget's day: days since the epoch, UTC.
pub fn day(now: Millis) -> i64 {
    now.div_euclid(DAY_MS)
}

/// Seconds until the next day's budget (the `Retry-After` of a refusal).
pub fn seconds_to_next_day(now: Millis) -> u64 {
    let next = (day(now) + 1) * DAY_MS;
    u64::try_from((next - now + 999) / 1000).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(phone: Option<&str>, email: Option<&str>) -> DuplicateKeys {
        DuplicateKeys::of(phone, email, None)
    }

    #[test]
    fn only_a_rep_setting_a_new_phone_or_email_spends() {
        let none = keys(None, None);
        let phone = keys(Some("13800138000"), None);
        assert!(spends(Role::Rep, None, &phone), "a new customer with a phone");
        assert!(!spends(Role::Rep, None, &none), "a new customer without contacts");
        assert!(!spends(Role::Rep, Some(&phone), &phone), "an edit that keeps the phone");
        assert!(spends(Role::Rep, Some(&phone), &keys(Some("13900139000"), None)), "a changed phone");
        assert!(spends(Role::Rep, Some(&phone), &keys(Some("13800138000"), Some("a@b.cn"))), "an added e-mail");
        assert!(!spends(Role::Rep, Some(&phone), &none), "a removed phone reveals nothing");
        assert!(!spends(Role::Manager, None, &phone) && !spends(Role::Admin, None, &phone), "managers and admins see every contact");
    }

    #[test]
    fn days_are_utc_and_the_wait_ends_at_midnight() {
        let noon = 20_000 * DAY_MS + DAY_MS / 2;
        assert_eq!(day(noon), 20_000);
        assert_eq!(seconds_to_next_day(noon), 43_200);
        assert_eq!(seconds_to_next_day(20_001 * DAY_MS - 1), 1);
    }
}
