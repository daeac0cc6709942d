//! The public pool (公海): when an owned customer is due to go back, and who may claim
//! one. Pure decisions; the edge turns the same numbers into the conditions of its
//! claim and recycle statements.

use serde::{Deserialize, Serialize};

use crate::customer::{Customer, Tier};
use crate::settings::{StageDef, Terminal};
use crate::time::{Millis, DAY_MS};
use crate::field_error::FieldError;

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

/// Reasons a rep may give for releasing a customer (退回原因).
pub const RELEASE_REASONS: &[&str] = &["not_interested", "unreachable", "wrong_info", "duplicate", "no_budget", "other"];

/// `POST /customers/{id}/release` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReleaseInput {
    /// One of `not_interested`, `unreachable`, `wrong_info`, `duplicate`, `no_budget`, `other`.
    pub reason_code: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl ReleaseInput {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !RELEASE_REASONS.contains(&self.reason_code.as_str()) {
            errors.push(FieldError::new("reason_code", "not_in_list", RELEASE_REASONS.join(", ")));
        }
        if self.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            errors.push(FieldError::new("note", "too_long", "at most 500 characters"));
        }
        if self.reason_code == "other" && self.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            errors.push(FieldError::new("note", "required", "say why when the reason is other"));
        }
        crate::field_error::finish(errors)
    }
}

/// One ownership change, as the audit trail shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditEvent {
    pub seq: i64,
    pub customer: String,
    pub actor: String,
    /// `create`, `import`, `allocate`, `claim`, `release`, `delete`, …; and
    /// `add_collaborator`, `remove_collaborator`, which change who may read the customer
    /// (`subject`), not its owner.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The collaborator a collaborator event is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub at: Millis,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditList {
    pub items: Vec<AuditEvent>,
}

/// A pool customer as the pool list shows it: why it is in the pool and since when.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoolItem {
    #[serde(flatten)]
    pub customer: crate::api::CustomerView,
    /// `created`, `imported`, `released`, `recycled`, `deleted_owner`, …: the event that
    /// left it unowned.
    pub pool_reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_note: Option<String>,
    pub pool_since: Millis,
    /// The pool whose rules apply.
    pub pool: String,
}

crate::wire::flat_deserialize!(PoolItem {
    flatten customer: crate::api::CustomerView,
    pool_reason: String = required,
    pool_note: Option<String> = default,
    pool_since: Millis = required,
    pool: String = required,
});

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoolPage {
    pub items: Vec<PoolItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The caller's standing against the pool rules (for "claims left today").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoolStanding {
    pub held: u32,
    /// The first pool's figures (the whole standing when there is one pool).
    pub holding_cap: u32,
    pub claims_today: u32,
    pub daily_claim_limit: u32,
    pub claims_left_today: u32,
    /// Every pool: its daily limit counts the claims made from it.
    #[serde(default)]
    pub pools: Vec<PoolQuota>,
}

/// A rep's claims today from one pool against its daily limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoolQuota {
    pub pool: String,
    pub zh: String,
    pub en: String,
    pub holding_cap: u32,
    pub claims_today: u32,
    pub daily_claim_limit: u32,
    pub claims_left_today: u32,
}

/// `POST /customers/{id}/transfer` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    pub to: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl TransferInput {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
            errors.push(FieldError::new("note", "too_long", format!("at most {MAX_NOTE} characters")));
        }
        crate::field_error::finish(errors)
    }
}

/// The longest release, transfer or hand-over note, in characters.
pub const MAX_NOTE: usize = 500;

/// `POST /reps/{id}/hand-over` body: every customer the rep owns goes to the active rep
/// `to` (a transfer: follow-ups go with them), or back to the pool when `to` is null, to be
/// claimed or handed out by any strategy (`POST /pool/distribute`). For a rep who leaves
/// (离职交接) or changes territory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HandOverInput {
    pub to: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Also deactivate the rep, in the same batch: a departure in one step (their tokens
    /// are refused from then on, their collaborations end).
    #[serde(default)]
    pub deactivate: bool,
}

/// The audit reason of a hand-over without a note.
pub const HAND_OVER_REASON: &str = "hand_over";

impl HandOverInput {
    /// `from` is the rep whose customers move.
    pub fn validate(&self, from: &str) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.to.as_deref() == Some(from) {
            errors.push(FieldError::new("to", "same_rep", "the customers already belong to this rep"));
        }
        if self.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            errors.push(FieldError::new("note", "too_long", "at most 500 characters"));
        }
        crate::field_error::finish(errors)
    }

    /// What the audit trail records as the reason.
    pub fn reason(&self) -> String {
        self.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map_or_else(|| HAND_OVER_REASON.to_string(), |n| format!("{HAND_OVER_REASON}: {n}"))
    }
}

/// `POST /reps/{id}/hand-over` answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HandOverResult {
    /// Customers moved (those the rep released or lost meanwhile are not among them).
    pub moved: u32,
    /// Who has them now; null: the pool.
    pub to: Option<String>,
    /// The customers moved, in id order: from the pool, `POST /pool/distribute` with
    /// these `customer_ids` hands out exactly them.
    pub customer_ids: Vec<String>,
    /// With `deactivate`: whether the rep is now deactivated (only once they own nothing).
    pub deactivated: bool,
}

/// A reminder for a rep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reminder {
    pub customer: String,
    pub name: String,
    /// `overdue` / `due_today`: a follow-up is due; `recycle`: the customer goes back to
    /// the pool at `due_at` unless followed up.
    pub kind: String,
    pub due_at: Millis,
    pub in_days: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReminderList {
    pub items: Vec<Reminder>,
}

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
    Protected { until: Millis },
    Recycle { reason: RecycleReason, since: Millis },
    Remind { reason: RecycleReason, at: Millis, in_days: i64 },
    Fine { next_deadline: Option<Millis> },
}

impl PoolRules {
    pub fn pool_for(&self, c: &Customer) -> Option<&PoolDef> {
        self.pools.iter().find(|p| {
            (p.regions.is_empty() || c.region.as_ref().is_some_and(|r| p.regions.contains(r))) && (p.tiers.is_empty() || c.tier.is_some_and(|t| p.tiers.contains(&t)))
        })
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
    let deadlines = [
        (follow_up_days > 0).then(|| (last_touch + days(follow_up_days), RecycleReason::NoFollowUp)),
        (deal_days > 0).then(|| (owned_since + days(deal_days), RecycleReason::NoDeal)),
    ];
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
    #[test]
    fn a_hand_over_names_its_reason_and_never_goes_to_the_same_rep() {
        let input = |to: Option<&str>, note: Option<&str>| HandOverInput { to: to.map(Into::into), note: note.map(Into::into), deactivate: false };
        assert!(input(Some("rep-a"), None).validate("rep-a").is_err_and(|e| e[0].code == "same_rep"));
        assert!(input(Some("rep-b"), None).validate("rep-a").is_ok());
        assert!(input(None, Some(&"长".repeat(501))).validate("rep-a").is_err_and(|e| e[0].code == "too_long"));
        assert_eq!(input(None, None).reason(), "hand_over");
        assert_eq!(input(None, Some("  ")).reason(), "hand_over");
        assert_eq!(input(None, Some(" 离职交接 ")).reason(), "hand_over: 离职交接");
    }

    use super::*;
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

    #[test]
    fn local_day_starts_at_local_midnight() {
        let rules = PoolRules::default();
        // 2026-03-05 00:30 in Shanghai is 2026-03-04 16:30 UTC.
        let local_half_past_midnight = crate::time::days_from_civil(2026, 3, 4) * DAY_MS + 16 * 3_600_000 + 30 * 60_000;
        assert_eq!(rules.day_start(local_half_past_midnight), crate::time::days_from_civil(2026, 3, 4) * DAY_MS + 16 * 3_600_000);
        assert_eq!(PoolRules::default().validate(&TenantSettings::default().stages), Ok(()));
    }
}
