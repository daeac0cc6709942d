//! The recycle decision of [`due`](super::due) stated as data, so a query can count what
//! the recycle job would do without reading every customer: the edge renders
//! [`RecycleTerms`] as one grouped SQL `COUNT` (`POST /pool/rules/preview`), and the
//! property test below holds [`RecycleTerms::recycles`] — the reading that SQL restates —
//! equal to `due` for every customer it generates.

use super::{PoolRules, RecycleReason};
use crate::customer::Tier;
use crate::settings::{StageDef, Terminal};
use crate::time::{Millis, DAY_MS};

/// Every pool's terms, in the rules' order: a customer belongs to the first pool whose
/// `regions` and `tiers` take it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecycleTerms {
    pub pools: Vec<PoolTerms>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PoolTerms {
    pub key: String,
    /// Customers of these regions (empty: any region, a customer without one too).
    pub regions: Vec<String>,
    /// Customers of these tiers (empty: any tier, none too).
    pub tiers: Vec<Tier>,
    /// Stages never recycled from: the won stage, and the open stages at or past the
    /// exempting one. (A customer with `won_at` set is never recycled either.)
    pub exempt_stages: Vec<String>,
    /// After the owner got the customer, this long it is protected.
    pub protection_ms: Millis,
    /// The windows of each tier, in `Tier::ALL`'s order (key, potential, regular); a
    /// customer without a tier gets the regular one's.
    pub by_tier: [Windows; 3],
}

/// How long a customer may go without a follow-up, and owned without a deal, before it is
/// due; `None`: never for that reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Windows {
    pub follow_up_ms: Option<Millis>,
    pub deal_ms: Option<Millis>,
}

/// What the decision reads of an owned customer.
#[derive(Clone, Debug, PartialEq)]
pub struct RecycleFacts<'a> {
    pub region: Option<&'a str>,
    pub tier: Option<Tier>,
    pub stage: &'a str,
    pub won: bool,
    /// When the current owner got it (the edge reads `owned_since`, else `created_at`).
    pub owned_since: Millis,
    pub last_follow_up_at: Option<Millis>,
}

impl RecycleTerms {
    pub fn of(rules: &PoolRules, stages: &[StageDef]) -> RecycleTerms {
        let windows = |follow_up: u32, deal: u32| Windows { follow_up_ms: (follow_up > 0).then(|| i64::from(follow_up) * DAY_MS), deal_ms: (deal > 0).then(|| i64::from(deal) * DAY_MS) };
        let pools = rules
            .pools
            .iter()
            .map(|p| {
                let exempt_from = p.exempt_from_stage.as_deref().and_then(|key| stages.iter().position(|s| s.key == key));
                let exempt_stages = stages
                    .iter()
                    .enumerate()
                    .filter(|(i, s)| s.terminal == Some(Terminal::Won) || (s.terminal.is_none() && exempt_from.is_some_and(|from| *i >= from)))
                    .map(|(_, s)| s.key.clone())
                    .collect();
                let (f, d) = (&p.recycle_without_follow_up_days, &p.recycle_without_deal_days);
                PoolTerms {
                    key: p.key.clone(),
                    regions: p.regions.clone(),
                    tiers: p.tiers.clone(),
                    exempt_stages,
                    protection_ms: i64::from(p.protection_days) * DAY_MS,
                    by_tier: [windows(f.key, d.key), windows(f.potential, d.potential), windows(f.regular, d.regular)],
                }
            })
            .collect();
        RecycleTerms { pools }
    }

    /// The pool and the reason an owned customer would be recycled for at `now`, if it
    /// would be: the reading the edge's SQL restates, equal to `due`'s `Recycle`.
    pub fn recycles(&self, c: &RecycleFacts<'_>, now: Millis) -> Option<(usize, RecycleReason)> {
        let (index, pool) = self.pools.iter().enumerate().find(|(_, p)| p.takes(c.region, c.tier))?;
        if c.won || pool.exempt_stages.iter().any(|s| s == c.stage) || now < c.owned_since + pool.protection_ms {
            return None;
        }
        let windows = pool.windows(c.tier);
        let last_touch = c.last_follow_up_at.map_or(c.owned_since, |f| f.max(c.owned_since));
        let follow_up = windows.follow_up_ms.map(|ms| last_touch + ms);
        let deal = windows.deal_ms.map(|ms| c.owned_since + ms);
        let (deadline, reason) = match (follow_up, deal) {
            (Some(f), Some(d)) if f <= d => (f, RecycleReason::NoFollowUp),
            (Some(_), Some(d)) | (None, Some(d)) => (d, RecycleReason::NoDeal),
            (Some(f), None) => (f, RecycleReason::NoFollowUp),
            (None, None) => return None,
        };
        (now >= deadline).then_some((index, reason))
    }
}

impl PoolTerms {
    pub fn takes(&self, region: Option<&str>, tier: Option<Tier>) -> bool {
        (self.regions.is_empty() || region.is_some_and(|r| self.regions.iter().any(|x| x == r))) && (self.tiers.is_empty() || tier.is_some_and(|t| self.tiers.contains(&t)))
    }

    pub fn windows(&self, tier: Option<Tier>) -> Windows {
        match tier {
            Some(Tier::Key) => self.by_tier[0],
            Some(Tier::Potential) => self.by_tier[1],
            Some(Tier::Regular) | None => self.by_tier[2],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::Customer;
    use crate::pool::{due, Due, TierDays};
    use crate::settings::TenantSettings;
    use proptest::prelude::*;

    const NOW: Millis = 1_780_000_000_000;

    /// Two pools (east's key accounts first, then everyone) with small windows, so the
    /// generated dates land on every side of each deadline.
    fn rules(follow_up: [u32; 3], deal: [u32; 3], protection: u32, exempt: Option<&str>) -> PoolRules {
        let mut rules = PoolRules::default();
        let mut main = rules.pools[0].clone();
        main.recycle_without_follow_up_days = TierDays { key: follow_up[0], potential: follow_up[1], regular: follow_up[2] };
        main.recycle_without_deal_days = TierDays { key: deal[0], potential: deal[1], regular: deal[2] };
        main.protection_days = protection;
        main.exempt_from_stage = exempt.map(String::from);
        let mut east = main.clone();
        east.key = "east".into();
        east.regions = vec!["east".into()];
        east.tiers = vec![Tier::Key];
        east.recycle_without_follow_up_days = TierDays { key: 3, potential: 3, regular: 3 };
        rules.pools = vec![east, main];
        rules
    }

    proptest! {
        #[test]
        fn the_terms_recycle_exactly_whom_due_recycles(
            follow_up in proptest::array::uniform3(0u32..20),
            deal in proptest::array::uniform3(0u32..40),
            protection in 0u32..10,
            exempt in proptest::option::of(0usize..7),
            stage in 0usize..8,
            tier in proptest::option::of(0usize..3),
            region in proptest::option::of(0usize..3),
            owned_days_ago in 0i64..60,
            follow_up_days_ago in proptest::option::of(0i64..70),
            won in proptest::bool::ANY,
        ) {
            let settings = TenantSettings::default();
            let stage_keys: Vec<String> = settings.stages.iter().map(|s| s.key.clone()).chain(["removed".to_string()]).collect();
            let exempt = exempt.map(|i| settings.stages[i].key.clone());
            let rules = rules(follow_up, deal, protection, exempt.as_deref());
            let mut c: Customer = serde_json::from_value(serde_json::json!({
                "id": "c1", "name": "x", "stage": stage_keys[stage], "owner": "r1", "created_by": "r1", "created_at": 0, "updated_at": 0, "version": 1
            })).unwrap();
            c.tier = tier.map(|t| Tier::ALL[t]);
            c.region = region.and_then(|r| ["east", "west"].get(r)).map(|r| r.to_string());
            c.last_follow_up_at = follow_up_days_ago.map(|d| NOW - d * DAY_MS);
            c.won_at = won.then_some(NOW - DAY_MS);
            let owned_since = NOW - owned_days_ago * DAY_MS;
            let expected = rules.pool_for(&c).and_then(|pool| match due(pool, &settings.stages, &c, owned_since, NOW) {
                Due::Recycle { reason, .. } => Some((rules.pools.iter().position(|p| p.key == pool.key).unwrap(), reason)),
                _ => None,
            });
            let facts = RecycleFacts { region: c.region.as_deref(), tier: c.tier, stage: &c.stage, won: c.won_at.is_some(), owned_since, last_follow_up_at: c.last_follow_up_at };
            prop_assert_eq!(RecycleTerms::of(&rules, &settings.stages).recycles(&facts, NOW), expected);
        }
    }

    #[test]
    fn the_default_terms_read_as_the_rules_say() {
        let terms = RecycleTerms::of(&PoolRules::default(), &TenantSettings::default().stages);
        let main = &terms.pools[0];
        assert_eq!(main.exempt_stages, vec!["negotiation", "won"]);
        assert_eq!(main.by_tier[2], Windows { follow_up_ms: Some(14 * DAY_MS), deal_ms: Some(90 * DAY_MS) });
        assert_eq!(main.protection_ms, 7 * DAY_MS);
    }
}
