//! Reports (复盘): funnel conversion, per-rep results, strategy outcomes, fairness,
//! follow-up timeliness and pool flow.
//!
//! The edge aggregates in SQL (one row per group, never one per customer) and hands the
//! rows to these functions, which derive every figure a report shows: rates, cumulative
//! funnel counts, Gini coefficients, buckets. The widget draws the same structs and shows
//! their [`Table`] as the text alternative of each chart; the CSV export is that table too.

mod fairness;
mod follow_ups;
mod funnel;
mod period;
mod pool_flow;
mod reps;
mod strategies;
mod table;
#[cfg(test)]
mod tests;

pub use fairness::{FairnessReport, RepShare};
pub use follow_ups::{FollowUpReport, Timeliness, TimelinessRow};
pub use funnel::{split_cohort, CohortCell, FunnelReport, FunnelRow, FunnelStep, GroupRow, LifecycleMix, Outcome};
pub use period::{Period, ReportQuery, MAX_DAYS};
pub use pool_flow::{Flow, FlowRow, FlowRule, PoolBucket, PoolFlowReport, FLOW_RULES};
pub use reps::{RepFigures, RepRow, RepsReport};
pub use strategies::{StrategyFigures, StrategyReport, StrategyRow};
pub use table::Table;

/// `numerator ÷ denominator`, or `None` when there is nothing to divide by: a report shows
/// "—" rather than a 0 % that looks like a result.
pub fn rate(numerator: u32, denominator: u32) -> Option<f64> {
    (denominator > 0).then(|| f64::from(numerator) / f64::from(denominator))
}

/// SQL hands counts back as floating-point numbers.
fn count(value: f64) -> u32 {
    if value.is_finite() && value > 0.0 {
        value.round().min(f64::from(u32::MAX)) as u32
    } else {
        0
    }
}

/// The reports the API serves, by path segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportKind {
    Funnel,
    Reps,
    Strategies,
    Fairness,
    FollowUps,
    Pool,
}

impl ReportKind {
    pub const ALL: [ReportKind; 6] = [ReportKind::Funnel, ReportKind::Reps, ReportKind::Strategies, ReportKind::Fairness, ReportKind::FollowUps, ReportKind::Pool];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Funnel => "funnel",
            ReportKind::Reps => "reps",
            ReportKind::Strategies => "strategies",
            ReportKind::Fairness => "fairness",
            ReportKind::FollowUps => "follow-ups",
            ReportKind::Pool => "pool",
        }
    }

    pub fn parse(text: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}
