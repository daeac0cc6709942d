//! What is due for an owned customer: back to the pool (recycle), a reminder first, or
//! nothing yet because it is won, an open deal past the exempting stage, or protected
//! after a claim.

use serde::{Deserialize, Serialize};

use super::PoolDef;
use crate::customer::Customer;
use crate::settings::{StageDef, Terminal};
use crate::time::{Millis, DAY_MS};

/// Why a customer goes back to the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecycleReason {
    NoFollowUp,
    NoDeal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Due {
    /// In the pool already, nothing to decide.
    Unowned,
    Won,
    /// An open deal at or past the exempting stage.
    OpenDeal,
    /// Claimed recently; not recycled before `until`.
    Protected {
        until: Millis,
    },
    Recycle {
        reason: RecycleReason,
        since: Millis,
    },
    Remind {
        reason: RecycleReason,
        at: Millis,
        in_days: i64,
    },
    Fine {
        next_deadline: Option<Millis>,
    },
}

/// What is due for an owned customer at `now`. `owned_since` is when the current owner
/// got it (claim, allocation, creation).
pub fn due(pool: &PoolDef, stages: &[StageDef], c: &Customer, owned_since: Millis, now: Millis) -> Due {
    if c.owner.is_none() {
        return Due::Unowned;
    }
    let terminal = stages.iter().find(|s| s.key == c.stage).and_then(|s| s.terminal);
    if terminal == Some(Terminal::Won) || c.won_at.is_some() {
        return Due::Won;
    }
    if terminal.is_none() {
        let position = |key: &str| stages.iter().position(|s| s.key == key);
        if let (Some(at), Some(from)) = (position(&c.stage), pool.exempt_from_stage.as_deref().and_then(position)) {
            if at >= from {
                return Due::OpenDeal;
            }
        }
    }
    let protected_until = owned_since + i64::from(pool.protection_days) * DAY_MS;
    if now < protected_until {
        return Due::Protected { until: protected_until };
    }
    let days = |d: u32| i64::from(d) * DAY_MS;
    let follow_up_days = pool.recycle_without_follow_up_days.for_tier(c.tier);
    let deal_days = pool.recycle_without_deal_days.for_tier(c.tier);
    let last_touch = c.last_follow_up_at.map_or(owned_since, |f| f.max(owned_since));
    let deadlines = [(follow_up_days > 0).then(|| (last_touch + days(follow_up_days), RecycleReason::NoFollowUp)), (deal_days > 0).then(|| (owned_since + days(deal_days), RecycleReason::NoDeal))];
    let Some((deadline, reason)) = deadlines.into_iter().flatten().min_by_key(|(at, _)| *at) else {
        return Due::Fine { next_deadline: None };
    };
    let deadline = deadline.max(protected_until);
    if now >= deadline {
        Due::Recycle { reason, since: deadline }
    } else if now >= deadline - days(pool.remind_days_before) {
        Due::Remind { reason, at: deadline, in_days: (deadline - now + DAY_MS - 1) / DAY_MS }
    } else {
        Due::Fine { next_deadline: Some(deadline) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::Tier;
    use crate::pool::PoolRules;
    use crate::settings::TenantSettings;

    const NOW: Millis = 1_780_000_000_000;

    fn customer(stage: &str, tier: Option<Tier>, last_follow_up_days_ago: Option<i64>) -> Customer {
        let mut c: Customer = serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "x", "stage": stage, "owner": "r1", "created_by": "r1", "created_at": 0, "updated_at": 0, "version": 1
        }))
        .unwrap();
        c.tier = tier;
        c.last_follow_up_at = last_follow_up_days_ago.map(|d| NOW - d * DAY_MS);
        c
    }

    fn check(stage: &str, tier: Option<Tier>, follow_up: Option<i64>, owned_days_ago: i64) -> Due {
        let rules = PoolRules::default();
        let stages = TenantSettings::default().stages;
        due(&rules.pools[0], &stages, &customer(stage, tier, follow_up), NOW - owned_days_ago * DAY_MS, NOW)
    }

    #[test]
    fn due_decisions() {
        assert_eq!(check("won", None, None, 400), Due::Won);
        assert_eq!(check("negotiation", None, None, 400), Due::OpenDeal);
        assert!(matches!(check("lead", None, None, 3), Due::Protected { .. }));
        assert!(matches!(check("lead", Some(Tier::Regular), Some(15), 60), Due::Recycle { reason: RecycleReason::NoFollowUp, .. }));
        assert!(matches!(check("lead", Some(Tier::Key), Some(15), 60), Due::Fine { .. }), "key accounts get 30 days");
        assert_eq!(check("lead", Some(Tier::Regular), Some(12), 60), Due::Remind { reason: RecycleReason::NoFollowUp, at: NOW + 2 * DAY_MS, in_days: 2 });
        assert!(matches!(check("proposal", Some(Tier::Regular), Some(1), 91), Due::Recycle { reason: RecycleReason::NoDeal, .. }));
        assert!(matches!(check("lost", Some(Tier::Regular), None, 20), Due::Recycle { .. }), "a lost deal is not an open one");
        // Never followed up: the clock starts at the claim, after the protection period.
        assert!(matches!(check("lead", Some(Tier::Regular), None, 10), Due::Fine { .. }));
    }
}
