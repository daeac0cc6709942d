//! Who may claim a pool customer: the refusals in the order a person would want to hear
//! them. The edge states the same conditions in its claim `UPDATE`.

use serde::{Deserialize, Serialize};

use super::PoolDef;
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

/// Why a claim fails, in the order a person would want to hear it; `None` if it may go.
pub fn claim_refusal(pool: &PoolDef, state: &ClaimState, now: Millis) -> Option<ClaimRefusal> {
    let left = pool.daily_claim_limit.saturating_sub(state.claims_today);
    let refuse = |code: &str, message: String, cooldown_until| Some(ClaimRefusal { code: code.into(), message, claims_left_today: left, cooldown_until });
    if state.already_owned {
        return refuse("already_owned", "someone claimed this customer first (已被他人领取)".into(), None);
    }
    if left == 0 {
        return refuse("claim_limit", format!("daily claim limit of {} reached; 0 left today (今日还可领取 0 个)", pool.daily_claim_limit), None);
    }
    if state.held >= pool.holding_cap {
        return refuse("holding_cap", format!("you hold {} customers, the cap is {} (保有量已满); {left} claims left today", state.held, pool.holding_cap), None);
    }
    if let Some(lost) = state.lost_it_at {
        let until = lost + i64::from(pool.cooldown_days) * DAY_MS;
        if now < until {
            return refuse("cooldown", format!("you gave this customer up recently; you may claim it again after the cool-down (冷静期); {left} claims left today"), Some(until));
        }
    }
    None
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
    }
}
