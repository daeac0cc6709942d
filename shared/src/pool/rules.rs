//! The tenant's pool rules document: its pools, each with who belongs in it, its recycle
//! periods and its claim limits.

use serde::{Deserialize, Serialize};

use crate::customer::{Customer, Tier};
use crate::field_error::FieldError;
use crate::settings::StageDef;
use crate::time::{Millis, DAY_MS};

/// Days per value tier; 0 means never.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TierDays {
    pub key: u32,
    pub potential: u32,
    pub regular: u32,
}

impl TierDays {
    pub fn for_tier(&self, tier: Option<Tier>) -> u32 {
        match tier {
            Some(Tier::Key) => self.key,
            Some(Tier::Potential) => self.potential,
            Some(Tier::Regular) | None => self.regular,
        }
    }
}

/// One pool and its rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PoolDef {
    pub key: String,
    pub zh: String,
    pub en: String,
    /// Customers of these regions belong here (empty: any region).
    #[serde(default)]
    pub regions: Vec<String>,
    /// Customers of these tiers belong here (empty: any tier).
    #[serde(default)]
    pub tiers: Vec<Tier>,
    /// Recycle after this many days without a follow-up.
    pub recycle_without_follow_up_days: TierDays,
    /// Recycle after this many days owned without a won deal.
    pub recycle_without_deal_days: TierDays,
    /// An open deal at or past this stage is exempt from recycling.
    #[serde(default)]
    pub exempt_from_stage: Option<String>,
    /// Remind the owner this many days before a recycle.
    pub remind_days_before: u32,
    pub daily_claim_limit: u32,
    /// Most customers a rep may hold (保有量) to be allowed to claim.
    pub holding_cap: u32,
    /// Days before the previous owner may claim a customer back.
    pub cooldown_days: u32,
    /// Days after a claim during which the customer is not recycled (保护期).
    pub protection_days: u32,
}

impl PoolDef {
    /// How the audit trail's `rule` of this pool's claims begins: `pool:main@`. Daily
    /// limits count claims by it, so each pool's limit counts its own claims.
    pub fn audit_prefix(&self) -> String {
        format!("pool:{}@", self.key)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PoolRules {
    #[serde(default)]
    pub version: i64,
    /// Minutes east of UTC of the tenant's working day (480 = China Standard Time): a
    /// "daily" claim limit resets at local midnight.
    pub utc_offset_minutes: i32,
    /// Ordered: a customer belongs to the first pool that matches it.
    pub pools: Vec<PoolDef>,
}

impl Default for PoolRules {
    fn default() -> Self {
        PoolRules {
            version: 0,
            utc_offset_minutes: 480,
            pools: vec![PoolDef {
                key: "main".into(),
                zh: "公海".into(),
                en: "Public pool".into(),
                regions: Vec::new(),
                tiers: Vec::new(),
                recycle_without_follow_up_days: TierDays { key: 30, potential: 21, regular: 14 },
                recycle_without_deal_days: TierDays { key: 180, potential: 120, regular: 90 },
                exempt_from_stage: Some("negotiation".into()),
                remind_days_before: 3,
                daily_claim_limit: 10,
                holding_cap: 200,
                cooldown_days: 7,
                protection_days: 7,
            }],
        }
    }
}

impl PoolRules {
    pub fn pool_for(&self, c: &Customer) -> Option<&PoolDef> {
        self.pools.iter().find(|p| (p.regions.is_empty() || c.region.as_ref().is_some_and(|r| p.regions.contains(r))) && (p.tiers.is_empty() || c.tier.is_some_and(|t| p.tiers.contains(&t))))
    }

    /// The audit trail's `rule` of a claim or recycle under `pool`: `pool:main@v3`.
    pub fn audit_rule(&self, pool: &PoolDef) -> String {
        format!("{}v{}", pool.audit_prefix(), self.version)
    }

    /// Local midnight at or before `now`.
    pub fn day_start(&self, now: Millis) -> Millis {
        let offset = i64::from(self.utc_offset_minutes) * 60_000;
        (now + offset).div_euclid(DAY_MS) * DAY_MS - offset
    }

    pub fn validate(&self, stages: &[StageDef]) -> Result<(), Vec<FieldError>> {
        use crate::limits::{self, POOLS};
        limits::check([("pools".to_string(), self.pools.len(), POOLS)])?;
        limits::check(self.pools.iter().enumerate().flat_map(|(i, p)| [(format!("pools[{i}].regions"), p.regions.len(), POOLS), (format!("pools[{i}].tiers"), p.tiers.len(), POOLS)]))?;
        let mut errors = Vec::new();
        if self.pools.is_empty() {
            errors.push(FieldError::new("pools", "too_few", "at least one pool"));
        }
        if !(-720..=840).contains(&self.utc_offset_minutes) {
            errors.push(FieldError::new("utc_offset_minutes", "out_of_range", "-720 to 840"));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, p) in self.pools.iter().enumerate() {
            if !crate::ids::is_valid_slug(&p.key) || !seen.insert(p.key.clone()) {
                errors.push(FieldError::new(format!("pools[{i}].key"), "invalid_key", "a unique key"));
            }
            if let Some(stage) = &p.exempt_from_stage {
                if !stages.iter().any(|s| &s.key == stage) {
                    errors.push(FieldError::new(format!("pools[{i}].exempt_from_stage"), "not_in_list", format!("{stage} is not a stage")));
                }
            }
            if p.daily_claim_limit > 10_000 || p.holding_cap > 100_000 || p.cooldown_days > 3650 || p.protection_days > 3650 || p.remind_days_before > 365 {
                errors.push(FieldError::new(format!("pools[{i}]"), "out_of_range", "limits out of range"));
            }
        }
        crate::field_error::finish(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::TenantSettings;

    #[test]
    fn local_day_starts_at_local_midnight() {
        let rules = PoolRules::default();
        // 2026-03-05 00:30 in Shanghai is 2026-03-04 16:30 UTC.
        let local_half_past_midnight = crate::time::days_from_civil(2026, 3, 4) * DAY_MS + 16 * 3_600_000 + 30 * 60_000;
        assert_eq!(rules.day_start(local_half_past_midnight), crate::time::days_from_civil(2026, 3, 4) * DAY_MS + 16 * 3_600_000);
        assert_eq!(PoolRules::default().validate(&TenantSettings::default().stages), Ok(()));
    }
}
