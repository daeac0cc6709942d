//! The pipeline (销售漏斗): stage moves and their rules, column totals, follow-ups.
//! The board in the widget and the edge both call these, so a move the board shows as
//! allowed is one the API accepts, and the totals are the same numbers on both sides.

use serde::{Deserialize, Serialize};

use crate::customer::Customer;
use crate::settings::{CustomerSchema, StageDef, TenantSettings, Terminal};
use crate::time::Millis;
use crate::field_error::FieldError;

/// `POST /customers/{id}/stage` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageMove {
    pub stage: String,
    /// The version the caller read; a stale one is refused (409 `stale`).
    pub version: i64,
}

/// `PUT /pipeline/stages` body: the new stage list, the settings version it was based on,
/// and where the customers of each removed stage go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StagesUpdate {
    pub version: i64,
    pub stages: Vec<StageDef>,
    /// Removed stage key → the stage its customers move to.
    #[serde(default)]
    pub moves: std::collections::BTreeMap<String, String>,
}

impl StagesUpdate {
    /// The stages that disappear, each with where its customers go (`None`: nowhere said).
    pub fn removed<'a>(&'a self, current: &'a [StageDef]) -> Vec<(&'a str, Option<&'a str>)> {
        current
            .iter()
            .filter(|old| !self.stages.iter().any(|s| s.key == old.key))
            .map(|old| (old.key.as_str(), self.moves.get(&old.key).map(String::as_str)))
            .collect()
    }

    /// Checks the moves: each names a removed stage and a stage that remains.
    pub fn validate_moves(&self, current: &[StageDef]) -> Result<(), Vec<FieldError>> {
        crate::limits::check([("stages".to_string(), self.stages.len(), crate::limits::STAGES), ("moves".to_string(), self.moves.len(), crate::limits::STAGES)])?;
        let mut errors = Vec::new();
        for (from, to) in &self.moves {
            if !current.iter().any(|s| &s.key == from) || self.stages.iter().any(|s| &s.key == from) {
                errors.push(FieldError::new(format!("moves.{from}"), "not_in_list", "moves name stages that are removed"));
            }
            if !self.stages.iter().any(|s| &s.key == to) {
                errors.push(FieldError::new(format!("moves.{from}"), "not_in_list", format!("{to} is not one of the new stages")));
            }
        }
        crate::field_error::finish(errors)
    }
}

/// Why a move is refused (422).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MoveRefusal {
    /// `unknown_stage`, `same_stage` or `missing_fields`.
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// Whether `customer` may move to `to`; the stage key is resolved from a key or label.
pub fn check_move<'a>(settings: &'a TenantSettings, customer: &Customer, to: &str) -> Result<&'a StageDef, MoveRefusal> {
    let stage = settings.resolve_stage(to).ok_or_else(|| MoveRefusal { code: "unknown_stage".into(), message: format!("{to} is not a pipeline stage"), missing: Vec::new() })?;
    if stage.key == customer.stage {
        return Err(MoveRefusal { code: "same_stage".into(), message: format!("the customer is already in {}", stage.key), missing: Vec::new() });
    }
    let missing: Vec<String> = stage.required_fields.iter().filter(|f| !customer.has_required(f)).cloned().collect();
    if !missing.is_empty() {
        return Err(MoveRefusal {
            code: "missing_fields".into(),
            message: format!("{} ({}) needs {} first", stage.en, stage.zh, missing.join(", ")),
            missing,
        });
    }
    Ok(stage)
}

/// The furthest stage a customer has reached along the pipeline, after it enters `stage`
/// having reached `previous` before: the later of the two in stage order. Lost is not a
/// step forward (a deal lost at 方案报价 reached 方案报价), so it never becomes the
/// furthest; won is the last step. Drives the funnel report's conversion between stages.
pub fn reached_stage(stages: &[StageDef], previous: Option<&str>, stage: &str) -> Option<String> {
    let rank = |key: &str| stages.iter().filter(|s| s.terminal != Some(Terminal::Lost)).position(|s| s.key == key);
    match (previous.and_then(|p| rank(p).map(|r| (p, r))), rank(stage)) {
        (Some((p, before)), Some(now)) => Some(if now > before { stage } else { p }.to_string()),
        (Some((p, _)), None) => Some(p.to_string()),
        (None, Some(_)) => Some(stage.to_string()),
        (None, None) => None,
    }
}

/// One board column's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ColumnTotal {
    pub stage: String,
    pub count: u32,
    pub amount: f64,
    /// amount × the stage's win probability.
    pub weighted: f64,
}

/// Count, amount and weighted amount per stage, in stage order, of `(stage, amount)`
/// pairs (customers or board cards).
pub fn column_totals<'a>(stages: &[StageDef], items: impl IntoIterator<Item = (&'a str, Option<f64>)>) -> Vec<ColumnTotal> {
    column_totals_from_sums(stages, items.into_iter().map(|(stage, amount)| (stage, 1, amount.unwrap_or(0.0))))
}

/// Most cards one board answer carries.
pub const BOARD_LIMIT: usize = 10_000;

/// What the pipeline board shows of a customer: compact, so that 10,000 load in one
/// answer (`GET /board`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BoardCard {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    pub stage: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_follow_up_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_follow_up_at: Option<Millis>,
    pub version: i64,
    /// Whether the caller may move it.
    pub editable: bool,
}

impl BoardCard {
    /// The board's search: name or company contains the text, ignoring case.
    pub fn matches(&self, text: &str) -> bool {
        let text = text.trim().to_lowercase();
        text.is_empty() || self.name.to_lowercase().contains(&text) || self.company.as_deref().is_some_and(|c| c.to_lowercase().contains(&text))
    }

    /// Reminder flags: the next follow-up is overdue (before today) or due today.
    pub fn follow_up_flag(&self, today_start: Millis) -> Option<FollowUpFlag> {
        let due = self.next_follow_up_at?;
        if due < today_start {
            Some(FollowUpFlag::Overdue)
        } else if due < today_start + crate::time::DAY_MS {
            Some(FollowUpFlag::DueToday)
        } else {
            None
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowUpFlag {
    Overdue,
    DueToday,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BoardPage {
    pub cards: Vec<BoardCard>,
    /// More than [`BOARD_LIMIT`] matched: narrow the scope.
    pub truncated: bool,
    /// With `per_stage`: only the first cards of each column are here (`complete` is
    /// false) and `totals` has every column's exact figures, so a board draws at once
    /// and fetches the rest behind.
    pub complete: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<Vec<ColumnTotal>>,
}

/// Column totals from per-stage sums (`count`, `amount`), as SQL aggregates them: the
/// same figures [`column_totals`] gives over the cards themselves.
pub fn column_totals_from_sums<'a>(stages: &[StageDef], sums: impl IntoIterator<Item = (&'a str, u32, f64)>) -> Vec<ColumnTotal> {
    let mut totals: Vec<ColumnTotal> = stages.iter().map(|s| ColumnTotal { stage: s.key.clone(), count: 0, amount: 0.0, weighted: 0.0 }).collect();
    for (stage, count, amount) in sums {
        if let Some(i) = stages.iter().position(|s| s.key == stage) {
            totals[i].add(&stages[i], i64::from(count), amount);
        }
    }
    totals
}

impl ColumnTotal {
    /// Adds `count` cards worth `amount` in all (negative: takes them out).
    fn add(&mut self, stage: &StageDef, count: i64, amount: f64) {
        self.count = u32::try_from((i64::from(self.count) + count).max(0)).unwrap_or(u32::MAX);
        self.amount += amount;
        self.weighted += stage.weighted(amount);
    }
}

/// Totals after a card with `amount` moves from stage `from` to stage `to`. A board that
/// holds only some of the cards shows the server's totals; a move must shift them the way
/// [`column_totals`] over every card would. Unknown stages change nothing.
pub fn move_in_totals(stages: &[StageDef], totals: &mut [ColumnTotal], from: &str, to: &str, amount: Option<f64>) {
    let amount = amount.unwrap_or(0.0);
    for (key, sign) in [(from, -1), (to, 1)] {
        let Some(stage) = stages.iter().find(|s| s.key == key) else { continue };
        if let Some(t) = totals.iter_mut().find(|t| t.stage == key) {
            t.add(stage, sign, sign as f64 * amount);
        }
    }
}

/// `GET /board?owner=`: mine, the team's owned customers, or everything visible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoardScope {
    Mine,
    Team,
    All,
}

impl BoardScope {
    pub fn parse(text: &str) -> Option<BoardScope> {
        match text {
            "" | "me" | "mine" => Some(BoardScope::Mine),
            "team" => Some(BoardScope::Team),
            "all" | "any" => Some(BoardScope::All),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    Call,
    Visit,
    Wechat,
    Email,
    Meeting,
}

impl FollowUpKind {
    pub const ALL: [FollowUpKind; 5] = [FollowUpKind::Call, FollowUpKind::Visit, FollowUpKind::Wechat, FollowUpKind::Email, FollowUpKind::Meeting];

    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpKind::Call => "call",
            FollowUpKind::Visit => "visit",
            FollowUpKind::Wechat => "wechat",
            FollowUpKind::Email => "email",
            FollowUpKind::Meeting => "meeting",
        }
    }
}

/// `POST /customers/{id}/follow-ups` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    pub kind: FollowUpKind,
    pub note: String,
    #[serde(default)]
    pub outcome: Option<String>,
    /// When to follow up next (milliseconds); must be in the future.
    #[serde(default)]
    pub next_follow_up_at: Option<Millis>,
}

impl FollowUpInput {
    pub fn validate(&self, now: Millis) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let note = self.note.trim();
        if note.is_empty() || note.chars().count() > 2000 {
            errors.push(FieldError::new("note", "required", "a note of 1 to 2000 characters"));
        }
        if self.outcome.as_ref().is_some_and(|o| o.chars().count() > 200) {
            errors.push(FieldError::new("outcome", "too_long", "at most 200 characters"));
        }
        if self.next_follow_up_at.is_some_and(|at| at <= now) {
            errors.push(FieldError::new("next_follow_up_at", "out_of_range", "must be in the future"));
        } else if let Some(Err(e)) = self.next_follow_up_at.map(|at| crate::time::check_date("next_follow_up_at", at)) {
            errors.push(e);
        }
        crate::field_error::finish(errors)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FollowUp {
    pub id: String,
    pub customer: String,
    pub author: String,
    pub kind: FollowUpKind,
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_follow_up_at: Option<Millis>,
    pub at: Millis,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FollowUpList {
    pub items: Vec<FollowUp>,
}

/// When a customer is next due for a follow-up: the date set by the last follow-up, or
/// else the segment's cadence counted from the last follow-up (or from creation).
pub fn follow_up_due(c: &Customer, settings: &TenantSettings) -> Option<Millis> {
    if let Some(at) = c.next_follow_up_at {
        return Some(at);
    }
    let cadence = settings.segments.iter().find(|s| Some(&s.key) == c.segment.as_ref())?.cadence_days;
    Some(c.last_follow_up_at.unwrap_or(c.created_at) + i64::from(cadence) * crate::time::DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(stage: &str, amount: Option<f64>) -> Customer {
        let mut c: Customer = serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "x", "stage": stage, "owner": "r1", "created_by": "r1", "created_at": 0, "updated_at": 0, "version": 1
        }))
        .unwrap();
        c.amount = amount;
        c
    }

    #[test]
    fn moves() {
        let s = TenantSettings::default();
        assert_eq!(s.stages[3].required_fields, vec!["amount"], "方案报价 needs an amount by default");
        let check = |stage: &str, amount: Option<f64>, to: &str| check_move(&s, &customer(stage, amount), to).map(|st| st.key.clone()).map_err(|r| r.code);
        for (stage, amount, to, expect) in [
            ("lead", None, "contacted", Ok("contacted")),
            ("lead", None, "初步接触", Ok("contacted")),
            ("lead", None, "lead", Err("same_stage")),
            ("lead", None, "moon", Err("unknown_stage")),
            ("qualified", None, "proposal", Err("missing_fields")),
            ("qualified", Some(0.0), "proposal", Err("missing_fields")),
            ("qualified", Some(5.0), "proposal", Ok("proposal")),
            ("negotiation", None, "won", Ok("won")),
        ] {
            assert_eq!(check(stage, amount, to), expect.map(String::from).map_err(String::from), "{stage} -> {to}");
        }
    }

    #[test]
    fn totals() {
        let s = TenantSettings::default();
        let cs = [customer("lead", Some(100.0)), customer("lead", None), customer("proposal", Some(1000.0)), customer("gone", Some(5.0))];
        let t = column_totals(&s.stages, cs.iter().map(|c| (c.stage.as_str(), c.amount)));
        assert_eq!((t[0].count, t[0].amount, t[0].weighted), (2, 100.0, 10.0));
        assert_eq!((t[3].count, t[3].amount, t[3].weighted), (1, 1000.0, 600.0));
        assert_eq!(t.iter().map(|c| c.count).sum::<u32>(), 3, "unknown stages are not counted");
        let sums = column_totals_from_sums(&s.stages, [("lead", 2, 100.0), ("proposal", 1, 1000.0), ("gone", 1, 5.0)]);
        assert_eq!(sums, t, "sums give the same totals as the cards");
    }

    #[test]
    fn a_move_shifts_totals_as_recounting_would() {
        let s = TenantSettings::default();
        let mut cs = vec![customer("lead", Some(100.0)), customer("lead", None), customer("proposal", Some(1000.0)), customer("won", Some(7.5))];
        let recount = |cs: &[Customer]| column_totals(&s.stages, cs.iter().map(|c| (c.stage.as_str(), c.amount)));
        let mut shifted = recount(&cs);
        // (card, to): forwards, backwards, no amount, a terminal stage, an unknown stage.
        for (i, to) in [(0, "contacted"), (2, "qualified"), (1, "proposal"), (3, "lead"), (0, "won"), (2, "moon")] {
            let from = std::mem::replace(&mut cs[i].stage, to.to_string());
            move_in_totals(&s.stages, &mut shifted, &from, to, cs[i].amount);
            let expected = recount(&cs);
            for (a, b) in shifted.iter().zip(&expected) {
                assert_eq!((a.stage.as_str(), a.count), (b.stage.as_str(), b.count), "after {from} -> {to}");
                assert!((a.amount - b.amount).abs() < 1e-9 && (a.weighted - b.weighted).abs() < 1e-9, "after {from} -> {to}: {a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn board_cards_search_and_flags() {
        use crate::time::DAY_MS;
        let card = BoardCard { id: "c1".into(), name: "星辰科技".into(), company: Some("Nova Tech Ltd".into()), amount: None, stage: "lead".into(), owner: None, owner_name: None, last_follow_up_at: None, next_follow_up_at: Some(10 * DAY_MS + 5), version: 1, editable: true };
        assert!(card.matches("星辰") && card.matches("nova") && card.matches("  ") && !card.matches("华信"));
        assert_eq!(card.follow_up_flag(10 * DAY_MS), Some(FollowUpFlag::DueToday));
        assert_eq!(card.follow_up_flag(11 * DAY_MS), Some(FollowUpFlag::Overdue));
        assert_eq!(card.follow_up_flag(9 * DAY_MS), None);
        assert_eq!((BoardScope::parse("me"), BoardScope::parse("team"), BoardScope::parse("all"), BoardScope::parse("x")), (Some(BoardScope::Mine), Some(BoardScope::Team), Some(BoardScope::All), None));
    }

    #[test]
    fn due_dates_follow_the_cadence() {
        let s = TenantSettings::default();
        let mut c = customer("lead", None);
        assert_eq!(follow_up_due(&c, &s), None, "no segment, no date: nothing due");
        c.segment = Some("core".into());
        c.last_follow_up_at = Some(1_000);
        assert_eq!(follow_up_due(&c, &s), Some(1_000 + 7 * crate::time::DAY_MS));
        c.next_follow_up_at = Some(5);
        assert_eq!(follow_up_due(&c, &s), Some(5), "an explicit date wins");
    }

    #[test]
    fn follow_up_validation() {
        let bad = FollowUpInput { kind: FollowUpKind::Call, note: " ".into(), outcome: None, next_follow_up_at: Some(5) };
        let paths: Vec<String> = bad.validate(10).unwrap_err().into_iter().map(|e| e.path).collect();
        assert_eq!(paths, vec!["note", "next_follow_up_at"]);
    }
}
