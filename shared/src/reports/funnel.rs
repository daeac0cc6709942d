//! Funnel conversion (销售漏斗转化) of the customers created in the period, with outcomes
//! per tier and per segment, and today's lifecycle mix.

use serde::{Deserialize, Serialize};

use super::period::Period;
use super::table::{money, percent, Table};
use super::{count, rate};
use crate::settings::{StageDef, Terminal};

/// SQL row: customers of the cohort grouped by current stage and furthest stage reached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunnelRow {
    pub stage: String,
    pub reached_stage: Option<String>,
    pub customers: f64,
    pub amount: f64,
}

/// SQL row: the cohort grouped by a key (tier or segment).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupRow {
    pub key: Option<String>,
    pub customers: f64,
    pub won: f64,
    pub lost: f64,
    pub won_amount: f64,
}

/// SQL row: the cohort grouped by everything the funnel reads (stage, furthest stage, tier
/// and segment at once), so one scan of the cohort answers all three of its groupings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CohortCell {
    pub stage: String,
    pub reached_stage: Option<String>,
    pub tier: Option<String>,
    pub segment: Option<String>,
    pub customers: f64,
    pub amount: f64,
    pub won: f64,
    pub lost: f64,
    pub won_amount: f64,
}

/// The three groupings of [`FunnelReport::build`] summed from one scan's cells: by stage
/// and furthest stage, by tier, by segment.
pub fn split_cohort(cells: &[CohortCell]) -> (Vec<FunnelRow>, Vec<GroupRow>, Vec<GroupRow>) {
    use std::collections::BTreeMap;
    fn add(into: &mut BTreeMap<Option<String>, GroupRow>, key: &Option<String>, c: &CohortCell) {
        let g = into.entry(key.clone()).or_insert_with(|| GroupRow { key: key.clone(), customers: 0.0, won: 0.0, lost: 0.0, won_amount: 0.0 });
        g.customers += c.customers;
        g.won += c.won;
        g.lost += c.lost;
        g.won_amount += c.won_amount;
    }
    let mut stages: BTreeMap<(String, Option<String>), FunnelRow> = BTreeMap::new();
    let (mut tiers, mut segments) = (BTreeMap::new(), BTreeMap::new());
    for c in cells {
        let row = stages.entry((c.stage.clone(), c.reached_stage.clone())).or_insert_with(|| FunnelRow { stage: c.stage.clone(), reached_stage: c.reached_stage.clone(), customers: 0.0, amount: 0.0 });
        row.customers += c.customers;
        row.amount += c.amount;
        add(&mut tiers, &c.tier, c);
        add(&mut segments, &c.segment, c);
    }
    (stages.into_values().collect(), tiers.into_values().collect(), segments.into_values().collect())
}

/// Customers in scope by lifecycle status today.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LifecycleMix {
    pub new: u32,
    pub active: u32,
    pub dormant: u32,
    pub lost: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FunnelStep {
    pub stage: String,
    pub zh: String,
    pub en: String,
    /// Customers of the cohort that reached this stage or a later one.
    pub reached: u32,
    /// reached ÷ reached at the previous step (`null` for the first step or when none).
    pub conversion: Option<f64>,
    /// reached ÷ the cohort.
    pub overall: Option<f64>,
    /// Customers of the cohort in this stage now, their amount and weighted amount.
    pub current: u32,
    pub amount: f64,
    pub weighted: f64,
}

/// Outcome of one group of the cohort.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Outcome {
    /// Tier or segment key; `""` for customers without one.
    pub key: String,
    pub customers: u32,
    pub won: u32,
    pub lost: u32,
    pub won_amount: f64,
    /// won ÷ customers.
    pub conversion: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FunnelReport {
    pub period: Period,
    /// Customers created in the period (in scope).
    pub cohort: u32,
    /// Open stages in order, then won.
    pub steps: Vec<FunnelStep>,
    /// Cohort customers lost so far.
    pub lost: u32,
    pub by_tier: Vec<Outcome>,
    pub by_segment: Vec<Outcome>,
    /// All customers in scope by lifecycle status now (not only the cohort).
    pub lifecycle: LifecycleMix,
}

fn outcomes(rows: &[GroupRow]) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = rows
        .iter()
        .map(|r| {
            let (customers, won) = (count(r.customers), count(r.won));
            Outcome { key: r.key.clone().unwrap_or_default(), customers, won, lost: count(r.lost), won_amount: r.won_amount, conversion: rate(won, customers) }
        })
        .collect();
    out.sort_by(|a, b| b.customers.cmp(&a.customers).then_with(|| a.key.cmp(&b.key)));
    out
}

impl FunnelReport {
    pub fn build(period: Period, stages: &[StageDef], rows: &[FunnelRow], tiers: &[GroupRow], segments: &[GroupRow], lifecycle: LifecycleMix) -> FunnelReport {
        let path: Vec<&StageDef> = stages.iter().filter(|s| s.terminal != Some(Terminal::Lost)).collect();
        let rank = |key: &str| path.iter().position(|s| s.key == key);
        let mut reached_at = vec![0u32; path.len()];
        let mut steps: Vec<FunnelStep> =
            path.iter().map(|s| FunnelStep { stage: s.key.clone(), zh: s.zh.clone(), en: s.en.clone(), reached: 0, conversion: None, overall: None, current: 0, amount: 0.0, weighted: 0.0 }).collect();
        let (mut cohort, mut lost) = (0u32, 0u32);
        for row in rows {
            let n = count(row.customers);
            cohort += n;
            // A customer whose stage is a step has reached at least that step; the stored
            // furthest stage may say more (a deal moved back), never less.
            let furthest = rank(&row.stage).max(row.reached_stage.as_deref().and_then(rank)).unwrap_or(0);
            if !reached_at.is_empty() {
                reached_at[furthest] += n;
            }
            match rank(&row.stage) {
                Some(i) => {
                    steps[i].current += n;
                    steps[i].amount += row.amount;
                    steps[i].weighted += path[i].weighted(row.amount);
                }
                None => lost += n,
            }
        }
        // Reaching a step means reaching every step before it.
        let mut cumulative = 0;
        for i in (0..steps.len()).rev() {
            cumulative += reached_at[i];
            steps[i].reached = cumulative;
        }
        for i in 0..steps.len() {
            steps[i].overall = rate(steps[i].reached, cohort);
            steps[i].conversion = if i == 0 { None } else { rate(steps[i].reached, steps[i - 1].reached) };
        }
        FunnelReport { period, cohort, steps, lost, by_tier: outcomes(tiers), by_segment: outcomes(segments), lifecycle }
    }

    pub fn table(&self, english: bool) -> Table {
        let mut t = Table::new(
            english,
            &[
                ("分组", "Group"),
                ("项目", "Item"),
                ("客户数", "Customers"),
                ("转化率", "Conversion"),
                ("占总体", "Of cohort"),
                ("当前数量", "Now in stage"),
                ("金额", "Amount"),
                ("加权金额", "Weighted"),
                ("赢单", "Won"),
                ("输单", "Lost"),
                ("赢单金额", "Won amount"),
            ],
        );
        let (stage_group, tier_group, segment_group, life_group) = if english { ("stage", "tier", "segment", "lifecycle") } else { ("阶段", "客户价值", "细分", "生命周期") };
        for s in &self.steps {
            let name = if english { &s.en } else { &s.zh };
            t.push(vec![
                stage_group.into(),
                name.clone(),
                s.reached.to_string(),
                percent(s.conversion),
                percent(s.overall),
                s.current.to_string(),
                money(s.amount),
                money(s.weighted),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for (group, list) in [(tier_group, &self.by_tier), (segment_group, &self.by_segment)] {
            for o in list {
                t.push(vec![
                    group.into(),
                    o.key.clone(),
                    o.customers.to_string(),
                    percent(o.conversion),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    o.won.to_string(),
                    o.lost.to_string(),
                    money(o.won_amount),
                ]);
            }
        }
        let m = &self.lifecycle;
        for (name, n) in [("new", m.new), ("active", m.active), ("dormant", m.dormant), ("lost", m.lost)] {
            t.push(vec![life_group.into(), name.into(), n.to_string(), String::new(), String::new(), String::new(), String::new(), String::new(), String::new(), String::new(), String::new()]);
        }
        t
    }
}
