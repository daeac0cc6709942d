//! Lifecycle status (客户状态), computed from dates and the tenant's thresholds.
//!
//! The status is a function of `now`, so it is never stored. The list filter needs the
//! same rule as SQL; [`LifecycleBounds`] states each status as ranges over the two stored
//! dates, and both [`classify`] and the edge's query builder read those ranges, so the
//! rule exists once.

use serde::{Deserialize, Serialize};

use crate::customer::Lifecycle;
use crate::field_error::FieldError;
use crate::time::{Millis, DAY_MS};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LifecycleThresholds {
    /// A customer created this many days ago or less, never followed up, is new.
    pub new_days: u32,
    /// Without activity for more than this many days a customer is dormant (沉睡).
    pub dormant_after_days: u32,
    /// Without activity for more than this many days a customer is lost (流失).
    pub lost_after_days: u32,
}

impl Default for LifecycleThresholds {
    fn default() -> Self {
        LifecycleThresholds { new_days: 14, dormant_after_days: 30, lost_after_days: 90 }
    }
}

impl LifecycleThresholds {
    pub fn validate(&self, errors: &mut Vec<FieldError>) {
        if self.new_days == 0 || self.dormant_after_days == 0 {
            errors.push(FieldError::new("lifecycle", "out_of_range", "thresholds must be at least one day"));
        }
        if self.dormant_after_days >= self.lost_after_days {
            errors.push(FieldError::new("lifecycle.lost_after_days", "out_of_range", "must be greater than dormant_after_days"));
        }
        if self.lost_after_days > 3650 {
            errors.push(FieldError::new("lifecycle.lost_after_days", "out_of_range", "at most 3650 days"));
        }
    }
}

/// The dates a status depends on. *Engagement* is the last follow-up or win; *activity*
/// is engagement or, failing that, creation. A deal marked lost makes the customer lost
/// whatever the dates say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LifecycleDates {
    pub created_at: Millis,
    pub last_follow_up_at: Option<Millis>,
    pub won_at: Option<Millis>,
    pub lost_at: Option<Millis>,
}

impl LifecycleDates {
    pub fn last_engagement(&self) -> Option<Millis> {
        self.last_follow_up_at.max(self.won_at)
    }
    pub fn last_activity(&self) -> Millis {
        self.last_engagement().map_or(self.created_at, |e| e.max(self.created_at))
    }
}

/// A status as conditions over the stored dates; each `Some` is one more condition that
/// must hold. The four statuses' bounds partition all customers (a property test checks
/// it), so a status filter in SQL and [`classify`] always agree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LifecycleBounds {
    /// `lost_at` must be set (`true`) or unset (`false`).
    pub marked_lost: Option<bool>,
    /// Never engaged and created at or after this time (the `new` test).
    pub new_since: Option<Millis>,
    /// The negation of the `new` test with this time.
    pub not_new_since: Option<Millis>,
    /// Engaged at or after this time.
    pub engaged_since: Option<Millis>,
    /// Never engaged, or last engaged before this time.
    pub not_engaged_since: Option<Millis>,
    /// Activity at or after this time.
    pub activity_since: Option<Millis>,
    /// `lost_at` set, or activity before this time.
    pub lost_or_activity_before: Option<Millis>,
}

impl LifecycleThresholds {
    pub fn bounds(&self, status: Lifecycle, now: Millis) -> LifecycleBounds {
        let new_edge = now - i64::from(self.new_days) * DAY_MS;
        let dormant_edge = now - i64::from(self.dormant_after_days) * DAY_MS;
        let lost_edge = now - i64::from(self.lost_after_days) * DAY_MS;
        let open = LifecycleBounds { marked_lost: Some(false), activity_since: Some(lost_edge), ..Default::default() };
        match status {
            Lifecycle::Lost => LifecycleBounds { lost_or_activity_before: Some(lost_edge), ..Default::default() },
            Lifecycle::New => LifecycleBounds { new_since: Some(new_edge), ..open },
            Lifecycle::Active => LifecycleBounds { not_new_since: Some(new_edge), engaged_since: Some(dormant_edge), ..open },
            Lifecycle::Dormant => LifecycleBounds { not_new_since: Some(new_edge), not_engaged_since: Some(dormant_edge), ..open },
        }
    }
}

impl LifecycleBounds {
    /// Whether the dates satisfy every condition: the Rust reading of the SQL filter.
    pub fn contains(&self, d: &LifecycleDates) -> bool {
        let engaged = d.last_engagement();
        let activity = d.last_activity();
        let is_new = |since: Millis| engaged.is_none() && d.created_at >= since;
        self.marked_lost.is_none_or(|lost| d.lost_at.is_some() == lost)
            && self.new_since.is_none_or(is_new)
            && self.not_new_since.is_none_or(|since| !is_new(since))
            && self.engaged_since.is_none_or(|since| engaged.is_some_and(|e| e >= since))
            && self.not_engaged_since.is_none_or(|since| engaged.is_none_or(|e| e < since))
            && self.activity_since.is_none_or(|since| activity >= since)
            && self.lost_or_activity_before.is_none_or(|before| d.lost_at.is_some() || activity < before)
    }
}

/// The status of a customer at `now`.
pub fn classify(thresholds: &LifecycleThresholds, dates: &LifecycleDates, now: Millis) -> Lifecycle {
    Lifecycle::ALL.into_iter().find(|status| thresholds.bounds(*status, now).contains(dates)).unwrap_or(Lifecycle::Dormant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: Millis = 1_780_000_000_000;

    fn days_ago(days: i64) -> Millis {
        NOW - days * DAY_MS
    }

    fn check(created: i64, follow_up: Option<i64>, won: Option<i64>, lost: Option<i64>, expect: Lifecycle) {
        let dates = LifecycleDates { created_at: days_ago(created), last_follow_up_at: follow_up.map(days_ago), won_at: won.map(days_ago), lost_at: lost.map(days_ago) };
        assert_eq!(classify(&LifecycleThresholds::default(), &dates, NOW), expect, "{dates:?}");
    }

    #[test]
    fn statuses() {
        check(3, None, None, None, Lifecycle::New);
        check(14, None, None, None, Lifecycle::New);
        // Never followed up past the new period: neglected, so dormant, then lost.
        check(15, None, None, None, Lifecycle::Dormant);
        check(91, None, None, None, Lifecycle::Lost);
        check(3, Some(1), None, None, Lifecycle::Active);
        check(60, Some(10), None, None, Lifecycle::Active);
        check(60, Some(30), None, None, Lifecycle::Active);
        check(60, Some(31), None, None, Lifecycle::Dormant);
        check(200, Some(90), None, None, Lifecycle::Dormant);
        check(200, Some(91), None, None, Lifecycle::Lost);
        check(5, Some(1), None, Some(1), Lifecycle::Lost);
        check(200, Some(150), Some(5), None, Lifecycle::Active);
    }

    proptest! {
        /// Every customer matches exactly one status's bounds: the SQL filters partition
        /// the customers exactly as `classify` does.
        #[test]
        fn bounds_partition(created in 0i64..400, fu in proptest::option::of(0i64..400), won in proptest::option::of(0i64..400), lost in proptest::option::of(0i64..400)) {
            let dates = LifecycleDates { created_at: days_ago(created), last_follow_up_at: fu.map(days_ago), won_at: won.map(days_ago), lost_at: lost.map(days_ago) };
            let t = LifecycleThresholds::default();
            let matching: Vec<Lifecycle> = Lifecycle::ALL.into_iter().filter(|s| t.bounds(*s, NOW).contains(&dates)).collect();
            prop_assert_eq!(matching, vec![classify(&t, &dates, NOW)]);
        }
    }
}
