//! The criteria and the combined score of a (rep, customer) pair.

use serde::{Deserialize, Serialize};

use super::{Level, Prospect, RepProfile, Weights};
use crate::customer::Tier;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Better performers for higher-value customers (业绩优先).
    Performance,
    /// The customer's industry is one of the rep's (行业专长).
    Industry,
    /// The rep covers the customer's region (地域分配).
    Region,
    /// New customers to juniors, key or existing ones to seniors (客户类型).
    CustomerType,
    /// Spare capacity (负载).
    Load,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contribution {
    pub criterion: Criterion,
    /// The criterion's value, 0 to 1.
    pub value: f64,
    pub weight: f64,
    /// value × weight.
    pub points: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Breakdown {
    pub contributions: Vec<Contribution>,
    pub total: f64,
}

/// Normalisers computed once per run.
pub struct Context {
    max_won: f64,
    max_amount: f64,
}

impl Context {
    pub fn new(reps: &[RepProfile], customers: &[Prospect]) -> Context {
        Context {
            max_won: reps.iter().map(|r| r.performance.won_amount).fold(0.0, f64::max),
            max_amount: customers.iter().map(|c| c.amount).fold(0.0, f64::max),
        }
    }

    /// The rep's performance, 0 to 1: half conversion, half won amount against the best.
    pub fn performance(&self, rep: &RepProfile) -> f64 {
        let won = if self.max_won > 0.0 { rep.performance.won_amount / self.max_won } else { 0.0 };
        (0.5 * rep.performance.conversion.clamp(0.0, 1.0) + 0.5 * won).clamp(0.0, 1.0)
    }

    /// The customer's value, 0 to 1, against the largest in this run (key accounts count
    /// at least 0.8 whatever their amount).
    pub fn value(&self, c: &Prospect) -> f64 {
        let by_amount = if self.max_amount > 0.0 { c.amount / self.max_amount } else { 0.0 };
        match c.tier {
            Some(Tier::Key) => by_amount.max(0.8),
            _ => by_amount,
        }
        .clamp(0.0, 1.0)
    }
}

/// A small constant so every eligible pair scores above zero: assigning always beats not.
pub const BASE: f64 = 0.01;

pub fn criterion(context: &Context, criterion: Criterion, rep: &RepProfile, c: &Prospect) -> f64 {
    match criterion {
        // High performers matter most for valuable customers: the product rewards both.
        Criterion::Performance => context.performance(rep) * (0.25 + 0.75 * context.value(c)),
        Criterion::Industry => f64::from(c.industry.as_ref().is_some_and(|i| rep.industries.contains(i))),
        Criterion::Region => f64::from(c.region.as_ref().is_some_and(|r| rep.regions.contains(r))),
        Criterion::CustomerType => {
            let needs_senior = c.existing || c.tier == Some(Tier::Key);
            match (needs_senior, rep.level) {
                (true, Level::Senior) | (false, Level::Junior) => 1.0,
                (false, Level::Senior) => 0.3,
                (true, Level::Junior) => 0.0,
            }
        }
        Criterion::Load => {
            if rep.capacity == 0 {
                0.0
            } else {
                (1.0 - f64::from(rep.held) / f64::from(rep.capacity)).clamp(0.0, 1.0)
            }
        }
    }
}

pub const CRITERIA: [Criterion; 5] = [Criterion::Performance, Criterion::Industry, Criterion::Region, Criterion::CustomerType, Criterion::Load];

fn weight(w: &Weights, c: Criterion) -> f64 {
    match c {
        Criterion::Performance => w.performance,
        Criterion::Industry => w.industry,
        Criterion::Region => w.region,
        Criterion::CustomerType => w.customer_type,
        Criterion::Load => w.load,
    }
    .max(0.0)
}

/// The combined score of a pair with its per-criterion contributions.
pub fn score(context: &Context, weights: &Weights, rep: &RepProfile, c: &Prospect) -> Breakdown {
    let contributions: Vec<Contribution> = CRITERIA
        .iter()
        .map(|&k| {
            let value = criterion(context, k, rep, c);
            let weight = weight(weights, k);
            Contribution { criterion: k, value, weight, points: value * weight }
        })
        .collect();
    let total = BASE + contributions.iter().map(|c| c.points).sum::<f64>();
    Breakdown { contributions, total }
}

/// Just the total, for solvers.
pub fn total(context: &Context, weights: &Weights, rep: &RepProfile, c: &Prospect) -> f64 {
    BASE + CRITERIA.iter().map(|&k| criterion(context, k, rep, c) * weight(weights, k)).sum::<f64>()
}
