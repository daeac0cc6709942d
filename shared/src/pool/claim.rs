//! Who may claim a pool customer: the refusals in the order a person would want to hear
//! them. The edge states the same conditions in its claim `UPDATE`.

use serde::{Deserialize, Serialize};

use super::PoolDef;
use crate::audit::AuditAction;
use crate::time::{Millis, DAY_MS};

/// What the database says about a rep and a customer when a claim is tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimState {
    pub already_owned: bool,
    pub claims_today: u32,
    pub held: u32,
    /// When this rep last lost this customer (released or recycled), if ever.
    pub lost_it_at: Option<Millis>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClaimRefusal {
    /// `already_owned`, `claim_limit`, `holding_cap` or `cooldown`.
    pub code: String,
    pub message: String,
    pub claims_left_today: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown_until: Option<Millis>,
}

/// A condition a claim needs, in the order a refusal names them. The claim's `UPDATE`
/// states each one (the edge renders [`CLAIM_CONDITIONS`] into its `WHERE`), and
/// [`claim_refusal`] explains the first one a second read finds failing: both read this
/// one list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimCondition {
    /// Nobody owns the customer (else `already_owned`).
    Unowned,
    /// The rep's claims from this pool today are under its daily limit (else `claim_limit`).
    UnderDailyLimit,
    /// The rep holds fewer customers than the cap (else `holding_cap`).
    UnderHoldingCap,
    /// The rep did not lose this customer ([`LOSING_ACTIONS`]) within the pool's
    /// cool-down (else `cooldown`).
    OutOfCooldown,
}

/// Every condition of a claim, in the order a refusal names them.
pub const CLAIM_CONDITIONS: [ClaimCondition; 4] = [ClaimCondition::Unowned, ClaimCondition::UnderDailyLimit, ClaimCondition::UnderHoldingCap, ClaimCondition::OutOfCooldown];

/// The events by which a rep loses a customer; the last one starts the cool-down.
pub const LOSING_ACTIONS: [AuditAction; 2] = [AuditAction::Release, AuditAction::Recycle];

impl ClaimCondition {
    /// The refusal's code when this condition fails.
    pub fn code(self) -> &'static str {
        match self {
            ClaimCondition::Unowned => "already_owned",
            ClaimCondition::UnderDailyLimit => "claim_limit",
            ClaimCondition::UnderHoldingCap => "holding_cap",
            ClaimCondition::OutOfCooldown => "cooldown",
        }
    }

    /// Whether the condition holds in `state`.
    pub fn holds(self, pool: &PoolDef, state: &ClaimState, now: Millis) -> bool {
        match self {
            ClaimCondition::Unowned => !state.already_owned,
            ClaimCondition::UnderDailyLimit => state.claims_today < pool.daily_claim_limit,
            ClaimCondition::UnderHoldingCap => state.held < pool.holding_cap,
            ClaimCondition::OutOfCooldown => state.lost_it_at.is_none_or(|lost| now >= cooldown_end(pool, lost)),
        }
    }

    fn refusal(self, pool: &PoolDef, state: &ClaimState) -> ClaimRefusal {
        let left = pool.daily_claim_limit.saturating_sub(state.claims_today);
        let (message, cooldown_until) = match self {
            ClaimCondition::Unowned => ("someone claimed this customer first (已被他人领取)".to_string(), None),
            ClaimCondition::UnderDailyLimit => (format!("daily claim limit of {} reached; 0 left today (今日还可领取 0 个)", pool.daily_claim_limit), None),
            ClaimCondition::UnderHoldingCap => (format!("you hold {} customers, the cap is {} (保有量已满); {left} claims left today", state.held, pool.holding_cap), None),
            ClaimCondition::OutOfCooldown => {
                (format!("you gave this customer up recently; you may claim it again after the cool-down (冷静期); {left} claims left today"), state.lost_it_at.map(|lost| cooldown_end(pool, lost)))
            }
        };
        ClaimRefusal { code: self.code().into(), message, claims_left_today: left, cooldown_until }
    }
}

/// When a cool-down that started at `lost` ends.
fn cooldown_end(pool: &PoolDef, lost: Millis) -> Millis {
    lost + i64::from(pool.cooldown_days) * DAY_MS
}

/// Why a claim fails, in the order a person would want to hear it; `None` if it may go.
pub fn claim_refusal(pool: &PoolDef, state: &ClaimState, now: Millis) -> Option<ClaimRefusal> {
    CLAIM_CONDITIONS.into_iter().find(|c| !c.holds(pool, state, now)).map(|c| c.refusal(pool, state))
}

/// Why a claim whose `UPDATE` changed nothing was refused, from a second read: the first
/// failing condition, or, when that read finds every condition holding again (the
/// customer went back to the pool meanwhile), that someone claimed it first.
pub fn lost_claim(pool: &PoolDef, state: &ClaimState, now: Millis) -> ClaimRefusal {
    claim_refusal(pool, state, now).unwrap_or_else(|| ClaimCondition::Unowned.refusal(pool, state))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::PoolRules;

    const NOW: Millis = 1_780_000_000_000;

    #[test]
    fn claim_refusals_in_order() {
        let pool = &PoolRules::default().pools[0];
        let ok = ClaimState { already_owned: false, claims_today: 3, held: 10, lost_it_at: None };
        assert_eq!(claim_refusal(pool, &ok, NOW), None);
        let code = |s: ClaimState| claim_refusal(pool, &s, NOW).map(|r| (r.code, r.claims_left_today));
        assert_eq!(code(ClaimState { already_owned: true, ..ok }), Some(("already_owned".into(), 7)));
        assert_eq!(code(ClaimState { claims_today: 10, ..ok }), Some(("claim_limit".into(), 0)));
        assert_eq!(code(ClaimState { held: 200, ..ok }), Some(("holding_cap".into(), 7)));
        assert_eq!(code(ClaimState { lost_it_at: Some(NOW - DAY_MS), ..ok }), Some(("cooldown".into(), 7)));
        assert_eq!(code(ClaimState { lost_it_at: Some(NOW - 8 * DAY_MS), ..ok }), None);
        assert!(claim_refusal(pool, &ClaimState { claims_today: 10, ..ok }, NOW).unwrap().message.contains("今日还可领取 0 个"));
        assert_eq!(claim_refusal(pool, &ClaimState { lost_it_at: Some(NOW - DAY_MS), ..ok }, NOW).unwrap().cooldown_until, Some(NOW + 6 * DAY_MS));
        assert_eq!(lost_claim(pool, &ok, NOW).code, "already_owned");
        assert_eq!(lost_claim(pool, &ClaimState { held: 200, ..ok }, NOW).code, "holding_cap");
    }

    #[test]
    fn each_condition_refuses_under_its_own_code() {
        let pool = &PoolRules::default().pools[0];
        let ok = ClaimState { already_owned: false, claims_today: 0, held: 0, lost_it_at: None };
        let failing = [
            ClaimState { already_owned: true, ..ok },
            ClaimState { claims_today: pool.daily_claim_limit, ..ok },
            ClaimState { held: pool.holding_cap, ..ok },
            ClaimState { lost_it_at: Some(NOW), ..ok },
        ];
        for (condition, state) in CLAIM_CONDITIONS.into_iter().zip(failing) {
            assert!(CLAIM_CONDITIONS.iter().all(|c| *c == condition || c.holds(pool, &state, NOW)), "{condition:?}");
            assert_eq!(claim_refusal(pool, &state, NOW).map(|r| r.code), Some(condition.code().to_string()));
        }
    }
}
