//! The pool element's state and what it says, with no browser: the tab, when the element
//! may show, what a claim refusal, the standing and a reminder read as, the release body,
//! whose figures are on screen. `Pool` (in `mod.rs`) only wires signals to these; they
//! are tested natively (`cargo test -p allot-widget`).

use shared::api::AllocationResponse;
use shared::api::{PoolQuota, PoolStanding, Reminder, ReminderList};
use shared::time::DAY_MS;

use crate::i18n::Lang;

/// Reminders listed above the pool; more are counted, not listed.
pub const SHOWN_REMINDERS: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Pool,
    Mine,
}

/// What sits above the list, each `None` until answered and `Some(None)` when its request
/// failed.
pub type Loaded<T> = Option<Option<T>>;

/// The element stays hidden (laid out) until the role is known and the standing and the
/// reminders are in, so neither arrives later and pushes a row from under a thumb.
pub fn pending(role_known: bool, standing: &Loaded<PoolStanding>, reminders: &Loaded<ReminderList>) -> bool {
    !role_known || standing.is_none() || reminders.is_none()
}

/// Whether the element now shows another user's figures (a new token): then what was on
/// screen is cleared before the new user's load. Remembers `token`.
pub fn switched_user(shown: &mut Option<String>, token: Option<String>) -> bool {
    if *shown == token {
        return false;
    }
    *shown = token;
    true
}

/// A claim refusal in the reader's language, with what is left; `None` for a code that
/// is not a claim rule's (the common failure text applies).
pub fn claim_refusal(lang: Lang, code: &str, details: Option<&serde_json::Value>) -> Option<String> {
    let left = details.and_then(|d| d["claims_left_today"].as_u64()).unwrap_or(0);
    Some(match code {
        "already_owned" => lang.pick("已被他人领取", "Someone claimed it first").to_string(),
        "claim_limit" => match lang {
            Lang::Zh => format!("今日领取已达上限，今日还可领取 {left} 个"),
            Lang::En => format!("Daily claim limit reached: {left} left today"),
        },
        "holding_cap" => lang.pick("保有量已满，请先跟进或退回客户", "You hold the maximum; follow up or release first").to_string(),
        "cooldown" => lang.pick("冷静期内不能领取自己退回的客户", "Cool-down: you released this customer recently").to_string(),
        _ => return None,
    })
}

/// The caller's holdings against the cap and the claims left today.
pub fn standing_line(lang: Lang, s: &PoolStanding) -> String {
    match lang {
        Lang::Zh => format!("我的客户 {}/{} · 今日还可领取 {} 个", s.held, s.holding_cap, s.claims_left_today),
        Lang::En => format!("Holding {}/{} · {} claims left today", s.held, s.holding_cap, s.claims_left_today),
    }
}

/// One pool's claims today against its own daily limit (shown with several pools).
pub fn quota_line(lang: Lang, p: &PoolQuota) -> String {
    format!(" · {} {}/{}", lang.pick(&p.zh, &p.en), p.claims_today, p.daily_claim_limit)
}

/// The count above the list when there are more reminders than are listed.
pub fn more_reminders(lang: Lang, n: usize) -> Option<String> {
    (n > SHOWN_REMINDERS).then(|| format!("{} · {n}", lang.pick("提醒", "Reminders")))
}

/// One reminder as a warning line.
pub fn reminder_line(lang: Lang, r: &Reminder) -> String {
    match (lang, r.kind.as_str()) {
        (Lang::Zh, "recycle") => format!("⚠ {} 将在 {} 天后回收公海，请及时跟进", r.name, r.in_days),
        (Lang::En, "recycle") => format!("⚠ {} will be recycled in {} days unless followed up", r.name, r.in_days),
        (Lang::Zh, "overdue") => format!("⏰ {} 跟进已逾期 {} 天", r.name, -r.in_days),
        (Lang::En, "overdue") => format!("⏰ {}: follow-up {} days overdue", r.name, -r.in_days),
        (Lang::Zh, _) => format!("📅 {} 今日待跟进", r.name),
        (Lang::En, _) => format!("📅 {}: follow up today", r.name),
    }
}

/// Whole days a customer has been in the pool.
pub fn days_in_pool(now: i64, since: i64) -> i64 {
    (now - since).max(0) / DAY_MS
}

/// The body of `POST /customers/{id}/release`: a note only when something was written.
pub fn release_body(reason: String, note: String) -> serde_json::Value {
    serde_json::json!({"reason_code": reason, "note": Some(note).filter(|n| !n.trim().is_empty())})
}

/// Customers an applied distribution gave out.
pub fn distributed(r: &AllocationResponse) -> usize {
    r.outcome.assignments.len() - r.skipped.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing() -> PoolStanding {
        PoolStanding { held: 3, holding_cap: 10, claims_today: 1, daily_claim_limit: 5, claims_left_today: 4, pools: vec![] }
    }

    fn reminder(kind: &str, in_days: i64) -> Reminder {
        Reminder { customer: "c".into(), name: "Acme".into(), kind: kind.into(), due_at: 0, in_days }
    }

    #[test]
    fn hidden_until_role_standing_and_reminders_are_known() {
        let list = Some(Some(ReminderList { items: vec![] }));
        assert!(pending(false, &Some(Some(standing())), &list));
        assert!(pending(true, &None, &list));
        assert!(pending(true, &Some(Some(standing())), &None));
        assert!(!pending(true, &Some(None), &Some(None)), "a failed request still lets the pool show");
        assert!(!pending(true, &Some(Some(standing())), &list));
    }

    #[test]
    fn a_new_token_clears_the_figures_once() {
        let mut shown = None;
        assert!(!switched_user(&mut shown, None));
        assert!(switched_user(&mut shown, Some("a".into())));
        assert!(!switched_user(&mut shown, Some("a".into())));
        assert!(switched_user(&mut shown, Some("b".into())));
        assert_eq!(shown.as_deref(), Some("b"));
    }

    #[test]
    fn claim_refusals_say_what_is_left() {
        let details = serde_json::json!({"claims_left_today": 2});
        assert_eq!(claim_refusal(Lang::En, "claim_limit", Some(&details)).as_deref(), Some("Daily claim limit reached: 2 left today"));
        assert_eq!(claim_refusal(Lang::Zh, "claim_limit", None).as_deref(), Some("今日领取已达上限，今日还可领取 0 个"));
        assert_eq!(claim_refusal(Lang::En, "already_owned", None).as_deref(), Some("Someone claimed it first"));
        assert!(claim_refusal(Lang::En, "holding_cap", None).is_some());
        assert!(claim_refusal(Lang::En, "cooldown", None).is_some());
        assert_eq!(claim_refusal(Lang::En, "stale", None), None);
    }

    #[test]
    fn standing_quota_and_reminder_lines() {
        assert_eq!(standing_line(Lang::En, &standing()), "Holding 3/10 · 4 claims left today");
        assert_eq!(standing_line(Lang::Zh, &standing()), "我的客户 3/10 · 今日还可领取 4 个");
        let quota = PoolQuota { pool: "east".into(), zh: "华东".into(), en: "East".into(), holding_cap: 10, claims_today: 2, daily_claim_limit: 6, claims_left_today: 4 };
        assert_eq!(quota_line(Lang::En, &quota), " · East 2/6");
        assert_eq!(more_reminders(Lang::En, 5), None);
        assert_eq!(more_reminders(Lang::En, 6).as_deref(), Some("Reminders · 6"));
        assert_eq!(reminder_line(Lang::En, &reminder("recycle", 3)), "⚠ Acme will be recycled in 3 days unless followed up");
        assert_eq!(reminder_line(Lang::En, &reminder("overdue", -2)), "⏰ Acme: follow-up 2 days overdue");
        assert_eq!(reminder_line(Lang::Zh, &reminder("due_today", 0)), "📅 Acme 今日待跟进");
    }

    #[test]
    fn release_body_and_days() {
        assert_eq!(release_body("other".into(), "  ".into()), serde_json::json!({"reason_code": "other", "note": null}));
        assert_eq!(release_body("other".into(), "moved".into()), serde_json::json!({"reason_code": "other", "note": "moved"}));
        assert_eq!(days_in_pool(3 * DAY_MS + 5, 0), 3);
        assert_eq!(days_in_pool(0, 5), 0, "a clock behind the server's shows 0, not -1");
    }
}
