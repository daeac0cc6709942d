//! The pipeline (销售漏斗): stage moves and their rules, column totals, follow-up due
//! dates. The board in the widget and the edge both call these, so a move the board shows
//! as allowed is one the API accepts, and the totals are the same numbers on both sides.
//! Its wire types (stage moves, the board, follow-ups) are in `crate::api`.

use serde::{Deserialize, Serialize};

use crate::api::ColumnTotal;
use crate::customer::Customer;
use crate::settings::{CustomerSchema, StageDef, TenantSettings, Terminal};
use crate::time::Millis;

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
        return Err(MoveRefusal { code: "missing_fields".into(), message: format!("{} ({}) needs {} first", stage.en, stage.zh, missing.join(", ")), missing });
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

/// Count, amount and weighted amount per stage, in stage order, of `(stage, amount)`
/// pairs (customers or board cards).
pub fn column_totals<'a>(stages: &[StageDef], items: impl IntoIterator<Item = (&'a str, Option<f64>)>) -> Vec<ColumnTotal> {
    column_totals_from_sums(stages, items.into_iter().map(|(stage, amount)| (stage, 1, amount.unwrap_or(0.0))))
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

/// When a customer is next due for a follow-up: the date set by the last follow-up, or
/// else the segment's cadence counted from the last follow-up (or from creation).
pub fn follow_up_due(c: &Customer, settings: &TenantSettings) -> Option<Millis> {
    if let Some(at) = c.next_follow_up_at {
        return Some(at);
    }
    let cadence = settings.segments.iter().find(|s| Some(&s.key) == c.segment.as_ref())?.cadence_days;
    Some(c.last_follow_up_at.unwrap_or(c.created_at) + i64::from(cadence) * crate::time::DAY_MS)
}

/// Where a customer whose follow-up ([`follow_up_due`]) falls before `end` must lie, as
/// bounds a query can state: a set date before `end`, or no set date, a segment, and a
/// last follow-up (or creation) before `end` less the shortest cadence of any segment. A
/// superset: the edge reads the rows in these bounds and decides each with
/// [`follow_up_due`]; the property test below holds that none due is outside them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DueBefore {
    pub end: Millis,
    /// `end` less the shortest segment cadence; `None` when there are no segments (then
    /// only a set date can make a customer due).
    pub undated_since_before: Option<Millis>,
}

impl DueBefore {
    pub fn of(settings: &TenantSettings, end: Millis) -> DueBefore {
        let shortest = settings.segments.iter().map(|s| i64::from(s.cadence_days)).min();
        DueBefore { end, undated_since_before: shortest.map(|days| end - days * crate::time::DAY_MS) }
    }

    /// The Rust reading of the bounds, which the edge's query restates.
    pub fn may_contain(&self, c: &Customer) -> bool {
        match (c.next_follow_up_at, self.undated_since_before) {
            (Some(at), _) => at < self.end,
            (None, Some(before)) => c.segment.is_some() && c.last_follow_up_at.unwrap_or(c.created_at) < before,
            (None, None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn due_before_bounds_hold_every_customer_due(created in 0i64..60, last in proptest::option::of(0i64..60), next in proptest::option::of(0i64..60), segment in 0usize..4, end in 0i64..90) {
            let settings = TenantSettings::default();
            let day = crate::time::DAY_MS;
            let mut c = customer("lead", None);
            c.created_at = created * day;
            c.last_follow_up_at = last.map(|d| d * day);
            c.next_follow_up_at = next.map(|d| d * day);
            c.segment = settings.segments.get(segment).map(|s| s.key.clone());
            let bounds = DueBefore::of(&settings, end * day);
            if follow_up_due(&c, &settings).is_some_and(|due| due < end * day) {
                proptest::prop_assert!(bounds.may_contain(&c));
            }
        }
    }

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
}
