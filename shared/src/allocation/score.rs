//! The criteria and the combined score of a (rep, customer) pair.
//!
//! Scoring runs n × R times per allocation (10⁸ for 100,000 customers and 1,000 reps),
//! so [`Context`] precomputes everything per rep and per customer once: performance and
//! value normalised, industries and regions interned into bit sets.

use std::collections::HashMap;

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

/// A small constant so every eligible pair scores above zero: assigning always beats not.
pub const BASE: f64 = 0.01;

pub const CRITERIA: [Criterion; 5] = [Criterion::Performance, Criterion::Industry, Criterion::Region, Criterion::CustomerType, Criterion::Load];

/// Up to 128 distinct industries or regions become bits; past that, names are compared.
struct Interned {
    index: HashMap<String, u32>,
}

impl Interned {
    fn build<'a>(values: impl Iterator<Item = &'a String>) -> Interned {
        let mut index = HashMap::new();
        for v in values {
            let next = index.len() as u32;
            index.entry(v.clone()).or_insert(next);
        }
        Interned { index }
    }
    fn fits(&self) -> bool {
        self.index.len() <= 128
    }
    fn mask(&self, values: &[String]) -> u128 {
        values.iter().filter_map(|v| self.index.get(v)).fold(0, |m, i| m | (1u128 << i))
    }
    fn bit(&self, value: &Option<String>) -> u128 {
        value.as_ref().and_then(|v| self.index.get(v)).map_or(0, |i| 1u128 << i)
    }
}

/// Per-run precomputation, indexed like the plan's reps and customers.
pub struct Context<'a> {
    pub reps: &'a [RepProfile],
    pub customers: &'a [Prospect],
    performance: Vec<f64>,
    value: Vec<f64>,
    needs_senior: Vec<bool>,
    rep_industries: Vec<u128>,
    rep_regions: Vec<u128>,
    customer_industry: Vec<u128>,
    customer_region: Vec<u128>,
    bits: bool,
}

impl<'a> Context<'a> {
    pub fn new(reps: &'a [RepProfile], customers: &'a [Prospect]) -> Context<'a> {
        let max_won = reps.iter().map(|r| r.performance.won_amount).fold(0.0, f64::max);
        let max_amount = customers.iter().map(|c| c.amount).fold(0.0, f64::max);
        let industries = Interned::build(reps.iter().flat_map(|r| r.industries.iter()));
        let regions = Interned::build(reps.iter().flat_map(|r| r.regions.iter()));
        Context {
            reps,
            customers,
            performance: reps
                .iter()
                .map(|r| {
                    let won = if max_won > 0.0 { r.performance.won_amount / max_won } else { 0.0 };
                    (0.5 * r.performance.conversion.clamp(0.0, 1.0) + 0.5 * won).clamp(0.0, 1.0)
                })
                .collect(),
            value: customers
                .iter()
                .map(|c| {
                    let by_amount = if max_amount > 0.0 { c.amount / max_amount } else { 0.0 };
                    // Key accounts count at least 0.8 whatever their amount.
                    if c.tier == Some(Tier::Key) { by_amount.max(0.8) } else { by_amount }.clamp(0.0, 1.0)
                })
                .collect(),
            needs_senior: customers.iter().map(|c| c.existing || c.tier == Some(Tier::Key)).collect(),
            rep_industries: reps.iter().map(|r| industries.mask(&r.industries)).collect(),
            rep_regions: reps.iter().map(|r| regions.mask(&r.regions)).collect(),
            customer_industry: customers.iter().map(|c| industries.bit(&c.industry)).collect(),
            customer_region: customers.iter().map(|c| regions.bit(&c.region)).collect(),
            bits: industries.fits() && regions.fits(),
        }
    }

    /// The rep's performance, 0 to 1: half conversion, half won amount against the best.
    pub fn performance(&self, ri: usize) -> f64 {
        self.performance[ri]
    }

    /// The customer's value, 0 to 1, against the largest in this run.
    pub fn value(&self, ci: usize) -> f64 {
        self.value[ci]
    }

    pub fn criterion(&self, criterion: Criterion, ri: usize, ci: usize) -> f64 {
        let rep = &self.reps[ri];
        let c = &self.customers[ci];
        match criterion {
            // High performers matter most for valuable customers: the product rewards both.
            Criterion::Performance => self.performance[ri] * (0.25 + 0.75 * self.value[ci]),
            Criterion::Industry if self.bits => f64::from(self.rep_industries[ri] & self.customer_industry[ci] != 0),
            Criterion::Region if self.bits => f64::from(self.rep_regions[ri] & self.customer_region[ci] != 0),
            Criterion::Industry => f64::from(c.industry.as_ref().is_some_and(|i| rep.industries.contains(i))),
            Criterion::Region => f64::from(c.region.as_ref().is_some_and(|r| rep.regions.contains(r))),
            Criterion::CustomerType => match (self.needs_senior[ci], rep.level) {
                (true, Level::Senior) | (false, Level::Junior) => 1.0,
                (false, Level::Senior) => 0.3,
                (true, Level::Junior) => 0.0,
            },
            Criterion::Load => load_score(rep.held, rep.capacity),
        }
    }

    /// The combined score, with the rep holding `held` customers. The hot path of every
    /// solver (10⁸ calls for 100,000 × 1,000): bit tests and a few multiplications, the
    /// same arithmetic as [`Context::criterion`] inlined.
    #[inline]
    pub fn total_with_load(&self, weights: &Weights, ri: usize, ci: usize, held: u32) -> f64 {
        if !self.bits {
            return BASE + CRITERIA.iter().map(|&k| weight(weights, k) * if k == Criterion::Load { load_score(held, self.reps[ri].capacity) } else { self.criterion(k, ri, ci) }).sum::<f64>();
        }
        let rep = &self.reps[ri];
        let industry = f64::from(self.rep_industries[ri] & self.customer_industry[ci] != 0);
        let region = f64::from(self.rep_regions[ri] & self.customer_region[ci] != 0);
        let customer_type = match (self.needs_senior[ci], rep.level) {
            (true, Level::Senior) | (false, Level::Junior) => 1.0,
            (false, Level::Senior) => 0.3,
            (true, Level::Junior) => 0.0,
        };
        BASE + weights.performance.max(0.0) * self.performance[ri] * (0.25 + 0.75 * self.value[ci])
            + weights.industry.max(0.0) * industry
            + weights.region.max(0.0) * region
            + weights.customer_type.max(0.0) * customer_type
            + weights.load.max(0.0) * load_score(held, rep.capacity)
    }

    /// The combined score of a pair.
    pub fn total(&self, weights: &Weights, ri: usize, ci: usize) -> f64 {
        self.total_with_load(weights, ri, ci, self.reps[ri].held)
    }

    /// The combined score with its per-criterion contributions.
    pub fn breakdown(&self, weights: &Weights, ri: usize, ci: usize) -> Breakdown {
        let contributions: Vec<Contribution> = CRITERIA
            .iter()
            .map(|&k| {
                let value = self.criterion(k, ri, ci);
                let weight = weight(weights, k);
                Contribution { criterion: k, value, weight, points: value * weight }
            })
            .collect();
        let total = BASE + contributions.iter().map(|c| c.points).sum::<f64>();
        Breakdown { contributions, total }
    }
}

/// The combined score taken apart for the hot loops (10⁸ pairs for 100,000 customers ×
/// 1,000 reps): everything that depends on the rep alone is summed once per rep, so a
/// pair costs two bit tests, one multiplication and a few additions. The same terms as
/// [`Context::total_with_load`], summed in another order.
pub struct FastScore<'c, 'a> {
    context: &'c Context<'a>,
    /// weight × performance, per rep.
    performance: Vec<f64>,
    /// BASE + weight × customer-type fit, per rep, for customers that need a senior
    /// (index 1) or not (index 0).
    fixed: [Vec<f64>; 2],
    industry: f64,
    region: f64,
    load: f64,
    /// The customer-type fit (unweighted), per rep, by whether the customer needs a senior.
    fit: [Vec<f64>; 2],
}

impl<'c, 'a> FastScore<'c, 'a> {
    /// `None` when industries or regions do not fit in bit sets (then use `total`).
    pub fn new(context: &'c Context<'a>, weights: &Weights) -> Option<FastScore<'c, 'a>> {
        if !context.bits {
            return None;
        }
        let fit = |needs_senior: bool, level: Level| match (needs_senior, level) {
            (true, Level::Senior) | (false, Level::Junior) => 1.0,
            (false, Level::Senior) => 0.3,
            (true, Level::Junior) => 0.0,
        };
        let customer_type = weights.customer_type.max(0.0);
        let fixed = |needs: bool| context.reps.iter().map(|r| BASE + customer_type * fit(needs, r.level)).collect();
        let fits = |needs: bool| context.reps.iter().map(|r| fit(needs, r.level)).collect();
        Some(FastScore {
            context,
            performance: context.performance.iter().map(|p| weights.performance.max(0.0) * p).collect(),
            fixed: [fixed(false), fixed(true)],
            industry: weights.industry.max(0.0),
            region: weights.region.max(0.0),
            load: weights.load.max(0.0),
            fit: [fits(false), fits(true)],
        })
    }

    /// A single criterion's value, as [`Context::criterion`] gives it, from the tables.
    #[inline]
    pub fn criterion(&self, criterion: Criterion, ri: usize, ci: usize) -> f64 {
        let c = self.context;
        match criterion {
            Criterion::Industry => f64::from(c.rep_industries[ri] & c.customer_industry[ci] != 0),
            Criterion::Region => f64::from(c.rep_regions[ri] & c.customer_region[ci] != 0),
            Criterion::CustomerType => self.fit[usize::from(c.needs_senior[ci])][ri],
            other => c.criterion(other, ri, ci),
        }
    }

    /// The pair's score without the load term.
    #[inline]
    pub fn without_load(&self, ri: usize, ci: usize) -> f64 {
        let c = self.context;
        let industry = if c.rep_industries[ri] & c.customer_industry[ci] != 0 { self.industry } else { 0.0 };
        let region = if c.rep_regions[ri] & c.customer_region[ci] != 0 { self.region } else { 0.0 };
        self.fixed[usize::from(c.needs_senior[ci])][ri] + self.performance[ri] * (0.25 + 0.75 * c.value[ci]) + industry + region
    }

    /// The load term for a rep holding `held`.
    #[inline]
    pub fn load_term(&self, held: u32, capacity: u32) -> f64 {
        self.load * load_score(held, capacity)
    }
}

/// Spare capacity, 0 to 1.
pub fn load_score(held: u32, capacity: u32) -> f64 {
    if capacity == 0 {
        0.0
    } else {
        (1.0 - f64::from(held) / f64::from(capacity)).clamp(0.0, 1.0)
    }
}

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
