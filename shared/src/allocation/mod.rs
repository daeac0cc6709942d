//! Allocation (分配): which rep gets which unassigned customer, and why.
//!
//! Every strategy from the source article is here as a pure function of the reps, the
//! customers, the weights and a seed: round robin (with a cursor the caller persists),
//! weighted round robin, performance first, industry expertise, region, customer type,
//! least loaded, combined, and `Optimal` — the assignment that maximises the total
//! combined score subject to capacities, solved exactly by successive shortest paths
//! (see [`optimal`]). Hard constraints hold for every strategy: inactive reps get
//! nothing and nobody exceeds capacity. Every assignment carries its explanation, and
//! every run reports the distribution and its fairness.

mod fairness;
mod greedy;
pub mod optimal;
mod rules;
mod score;

use serde::{Deserialize, Serialize};

pub use fairness::{gini, Distribution, RepLoad};
pub use rules::AllocationRules;
pub use score::{Breakdown, Context, Contribution, Criterion};

use crate::customer::Tier;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Junior,
    Senior,
}

/// Won amount and conversion over the tenant's trailing window, computed from data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Performance {
    pub won_amount: f64,
    /// Won ÷ closed (won + lost), 0 to 1.
    pub conversion: f64,
}

impl Performance {
    /// From the deals a rep closed in the window: conversion is won ÷ (won + lost).
    pub fn from_deals(won_amount: f64, won: u32, lost: u32) -> Performance {
        let closed = won + lost;
        Performance { won_amount, conversion: if closed == 0 { 0.0 } else { f64::from(won) / f64::from(closed) } }
    }
}

/// A rep as allocation sees them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepProfile {
    pub id: String,
    pub level: Level,
    pub industries: Vec<String>,
    pub regions: Vec<String>,
    /// Most customers the rep may hold.
    pub capacity: u32,
    pub active: bool,
    /// Customers held before this run.
    pub held: u32,
    pub held_value: f64,
    pub performance: Performance,
}

/// An unassigned customer as allocation sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prospect {
    pub id: String,
    /// For the explanations people read; the engine never looks at it.
    #[serde(default)]
    pub name: String,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub tier: Option<Tier>,
    pub amount: f64,
    /// Had an owner or a deal before (an existing customer, not a new lead).
    pub existing: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    RoundRobin,
    WeightedRoundRobin,
    PerformanceFirst,
    IndustryExpertise,
    Region,
    CustomerType,
    LeastLoaded,
    Combined,
    Optimal,
}

impl Strategy {
    pub const ALL: [Strategy; 9] = [
        Strategy::RoundRobin,
        Strategy::WeightedRoundRobin,
        Strategy::PerformanceFirst,
        Strategy::IndustryExpertise,
        Strategy::Region,
        Strategy::CustomerType,
        Strategy::LeastLoaded,
        Strategy::Combined,
        Strategy::Optimal,
    ];

    /// The strategy's stored name, as serde writes it (without serde's machinery, for the
    /// widget's choices).
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::RoundRobin => "round_robin",
            Strategy::WeightedRoundRobin => "weighted_round_robin",
            Strategy::PerformanceFirst => "performance_first",
            Strategy::IndustryExpertise => "industry_expertise",
            Strategy::Region => "region",
            Strategy::CustomerType => "customer_type",
            Strategy::LeastLoaded => "least_loaded",
            Strategy::Combined => "combined",
            Strategy::Optimal => "optimal",
        }
    }

    pub fn parse(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// How much each criterion counts in the combined score (and in `Optimal`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub performance: f64,
    pub industry: f64,
    pub region: f64,
    pub customer_type: f64,
    pub load: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { performance: 1.0, industry: 2.0, region: 2.0, customer_type: 1.0, load: 1.0 }
    }
}

/// One allocation run's input.
#[derive(Clone, Debug)]
pub struct Plan<'a> {
    pub reps: &'a [RepProfile],
    pub customers: &'a [Prospect],
    pub strategy: Strategy,
    pub weights: Weights,
    /// Breaks ties deterministically: the same seed gives the same result.
    pub seed: u64,
    /// Where round robin continues from; the outcome says where it stopped.
    pub cursor: u64,
    /// Minimum share of assignments for junior reps (0 to 1), honoured when feasible.
    pub junior_min_share: f64,
    /// List every active rep's score breakdown with each assignment.
    pub explain_full: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Assignment {
    pub customer: String,
    /// The customer's name, so an explanation reads "星辰科技 → 王芳", not an id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub customer_name: String,
    pub rep: String,
    /// The combined score of this pair (what `Optimal` maximises the sum of).
    pub score: f64,
    pub breakdown: Breakdown,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner_up: Option<RunnerUp>,
    /// With full explanations: every active rep's score for this customer, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<RepScore>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RepScore {
    pub rep: String,
    pub breakdown: Breakdown,
}

/// The best alternative, and why it did not get the customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RunnerUp {
    pub rep: String,
    pub score: f64,
    pub why_not: WhyNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum WhyNot {
    /// Its capacity was used up.
    CapacityFull,
    /// Lower score under this strategy.
    LowerScore,
    /// Not its turn in the rotation.
    NotItsTurn,
    /// The optimum needed it for other customers.
    BetterUsedElsewhere,
    /// Reassigned to honour the junior minimum share.
    JuniorShare,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Unassigned {
    pub customer: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Outcome {
    pub strategy: Strategy,
    pub assignments: Vec<Assignment>,
    pub unassigned: Vec<Unassigned>,
    pub distribution: Distribution,
    /// Round-robin cursor to persist for the next run.
    pub next_cursor: u64,
    /// Whether the junior minimum share was met (always true when it is 0).
    pub junior_share_met: bool,
}

/// Deterministic tie-breaking (FNV-1a over seed, rep, customer), in two halves so a
/// solver hashes each rep's part once.
pub(crate) fn jitter_prefix(seed: u64, rep: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in rep.bytes().chain([0xff]) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The tie-breaker in [0, 1) for a rep's prefix and a customer.
pub(crate) fn jitter_from(prefix: u64, customer: &str) -> f64 {
    let mut h = prefix;
    for b in customer.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Runs one allocation.
pub fn allocate(plan: &Plan<'_>) -> Outcome {
    let context = Context::new(plan.reps, plan.customers);
    let (mut picks, next_cursor, tops) = match plan.strategy {
        Strategy::Optimal => (optimal::solve(plan, &context), plan.cursor, Vec::new()),
        other => greedy::run(plan, &context, other),
    };
    let junior_share_met = greedy::honour_junior_share(plan, &context, &mut picks);
    let mut load: Vec<u32> = plan.reps.iter().map(|r| r.held).collect();
    for (ri, _) in picks.iter().flatten() {
        load[*ri] += 1;
    }
    let fast = score::FastScore::new(&context, &plan.weights);
    // Runner-ups are judged on the scores as the run began (load before it).
    let static_load: Vec<f64> = plan.reps.iter().map(|r| fast.as_ref().map_or(0.0, |f| f.load_term(r.held, r.capacity))).collect();
    let mut assignments = Vec::new();
    let mut unassigned = Vec::new();
    let mut placed = Vec::new();
    for (ci, pick) in picks.into_iter().enumerate() {
        let customer = &plan.customers[ci];
        match pick {
            Some((ri, hint)) => {
                let breakdown = context.breakdown(&plan.weights, ri, ci);
                // The scan's two best, when the strategy kept them; else a pass of its own.
                let candidate = tops.get(ci).map(|top| top.iter().flatten().find(|(r, _)| *r != ri).copied());
                let runner_up = match candidate {
                    Some(found) => found.map(|(r, s)| why_it_lost(plan, r, s, &load, hint, breakdown.total)),
                    None => runner_up(plan, &context, fast.as_ref().map(|f| (f, static_load.as_slice())), ci, ri, &load, hint, breakdown.total),
                };
                placed.push((ci, ri));
                let alternatives = if plan.explain_full { alternatives(plan, &context, ci) } else { Vec::new() };
                assignments.push(Assignment {
                    customer: customer.id.clone(),
                    customer_name: customer.name.clone(),
                    rep: plan.reps[ri].id.clone(),
                    score: breakdown.total,
                    breakdown,
                    runner_up,
                    alternatives,
                });
            }
            None => unassigned.push(Unassigned { customer: customer.id.clone(), reason: no_rep_reason(plan) }),
        }
    }
    let total_score = assignments.iter().map(|a| a.score).sum();
    let distribution = Distribution::of(plan.reps, plan.customers, &placed, total_score);
    Outcome { strategy: plan.strategy, assignments, unassigned, distribution, next_cursor, junior_share_met }
}

fn alternatives(plan: &Plan<'_>, context: &Context<'_>, ci: usize) -> Vec<RepScore> {
    let mut all: Vec<RepScore> =
        (0..plan.reps.len()).filter(|&ri| plan.reps[ri].active).map(|ri| RepScore { rep: plan.reps[ri].id.clone(), breakdown: context.breakdown(&plan.weights, ri, ci) }).collect();
    all.sort_by(|a, b| b.breakdown.total.total_cmp(&a.breakdown.total).then_with(|| a.rep.cmp(&b.rep)));
    all
}

fn no_rep_reason(plan: &Plan<'_>) -> String {
    if !plan.reps.iter().any(|r| r.active) {
        "no active rep".into()
    } else {
        "every active rep is at capacity".into()
    }
}

/// The best other active rep by combined score, and why it lost.
// The run's state (plan, context, scorer, load) plus the one decision it explains: a struct
// for this single private caller would only rename the arguments.
#[allow(clippy::too_many_arguments)]
fn runner_up(
    plan: &Plan<'_>,
    context: &Context<'_>,
    fast: Option<(&score::FastScore<'_, '_>, &[f64])>,
    ci: usize,
    chosen: usize,
    load: &[u32],
    hint: Option<WhyNot>,
    chosen_score: f64,
) -> Option<RunnerUp> {
    let mut best: Option<(usize, f64)> = None;
    for (ri, rep) in plan.reps.iter().enumerate() {
        if ri == chosen || !rep.active {
            continue;
        }
        let s = match fast {
            Some((f, static_load)) => f.without_load(ri, ci) + static_load[ri],
            None => context.total(&plan.weights, ri, ci),
        };
        if best.is_none_or(|(bi, bs)| s > bs || (s == bs && rep.id < plan.reps[bi].id)) {
            best = Some((ri, s));
        }
    }
    best.map(|(ri, s)| why_it_lost(plan, ri, s, load, hint, chosen_score))
}

/// The runner-up `ri` (score `s`) and why it was not chosen.
fn why_it_lost(plan: &Plan<'_>, ri: usize, s: f64, load: &[u32], hint: Option<WhyNot>, chosen_score: f64) -> RunnerUp {
    let why_not = if load[ri] >= plan.reps[ri].capacity {
        WhyNot::CapacityFull
    } else if let Some(h) = hint {
        h
    } else if s > chosen_score {
        WhyNot::BetterUsedElsewhere
    } else {
        WhyNot::LowerScore
    };
    RunnerUp { rep: plan.reps[ri].id.clone(), score: s, why_not }
}

#[cfg(test)]
mod tests;
