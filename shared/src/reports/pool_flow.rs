//! Pool flow (公海流转): customers entering the pool (recycled, released, entered
//! without an owner) and leaving it (claimed, allocated), per bucket of the period.

use serde::{Deserialize, Serialize};

use super::count;
use super::period::Period;
use super::table::Table;
use crate::audit::{AuditAction, Reason};

/// SQL row: audit events of one action in one bucket (bucket index from the period start).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowRow {
    pub bucket: f64,
    pub action: String,
    pub events: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoolBucket {
    /// First day of the bucket, `YYYY-MM-DD`.
    pub from: String,
    pub recycled: u32,
    pub released: u32,
    /// Entered (created or imported) straight into the pool.
    pub entered: u32,
    pub claimed: u32,
    pub allocated: u32,
}

impl PoolBucket {
    pub fn inflow(&self) -> u32 {
        self.recycled + self.released + self.entered
    }

    pub fn outflow(&self) -> u32 {
        self.claimed + self.allocated
    }

    fn add(&mut self, action: &str, n: u32) {
        match FLOW_RULES.iter().find(|r| r.action.as_str() == action).map(|r| r.flow) {
            Some(Flow::Recycled) => self.recycled += n,
            Some(Flow::Released) => self.released += n,
            Some(Flow::Entered) => self.entered += n,
            Some(Flow::Claimed) => self.claimed += n,
            Some(Flow::Allocated) => self.allocated += n,
            None => {}
        }
    }
}

/// A movement into or out of the pool that the report counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Recycled,
    Released,
    Entered,
    Claimed,
    Allocated,
}

/// Which audit events count as which movement: events of `action`; with `to_nobody`, only
/// those that left the customer without an owner; with `from_nobody`, only those on a
/// customer nobody owned; never those whose reason is `except_reason`. The edge renders
/// [`FLOW_RULES`] as the report query's filter ([`FlowRule::counts`] is its Rust
/// reading), and [`PoolBucket`] sorts the rows it selects by the same table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowRule {
    pub action: AuditAction,
    pub flow: Flow,
    pub to_nobody: bool,
    pub from_nobody: bool,
    pub except_reason: Option<&'static str>,
}

const fn flow(action: AuditAction, flow: Flow) -> FlowRule {
    FlowRule { action, flow, to_nobody: false, from_nobody: false, except_reason: None }
}

/// Into the pool: recycled, released, or entered without an owner; out of it: claimed, or
/// allocated from it (the intake path allocates a customer that never was in the pool).
pub const FLOW_RULES: [FlowRule; 6] = [
    flow(AuditAction::Recycle, Flow::Recycled),
    flow(AuditAction::Release, Flow::Released),
    flow(AuditAction::Claim, Flow::Claimed),
    FlowRule { to_nobody: true, ..flow(AuditAction::Create, Flow::Entered) },
    FlowRule { to_nobody: true, ..flow(AuditAction::Import, Flow::Entered) },
    FlowRule { from_nobody: true, except_reason: Some(Reason::INTAKE_ALLOCATION), ..flow(AuditAction::Allocate, Flow::Allocated) },
];

impl FlowRule {
    /// Whether an audit event counts under this rule. A reason compared with
    /// `except_reason` must be there (as SQL's `<>` is never true of a null).
    pub fn counts(&self, action: &str, from_owner: Option<&str>, to_owner: Option<&str>, reason: Option<&str>) -> bool {
        action == self.action.as_str()
            && (!self.to_nobody || to_owner.is_none())
            && (!self.from_nobody || from_owner.is_none())
            && self.except_reason.is_none_or(|except| reason.is_some_and(|r| r != except))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoolFlowReport {
    pub period: Period,
    pub total: PoolBucket,
    pub inflow: u32,
    pub outflow: u32,
    pub buckets: Vec<PoolBucket>,
    /// Customers in the pool now.
    pub in_pool: u32,
}

impl PoolFlowReport {
    pub fn build(period: Period, rows: &[FlowRow], in_pool: f64) -> PoolFlowReport {
        let mut buckets: Vec<PoolBucket> = (0..period.buckets()).map(|i| PoolBucket { from: period.bucket_label(i), ..PoolBucket::default() }).collect();
        let mut total = PoolBucket { from: period.from.clone(), ..PoolBucket::default() };
        for row in rows {
            let n = count(row.events);
            total.add(&row.action, n);
            if let Some(bucket) = buckets.get_mut(count(row.bucket) as usize) {
                bucket.add(&row.action, n);
            }
        }
        PoolFlowReport { inflow: total.inflow(), outflow: total.outflow(), total, buckets, in_pool: count(in_pool), period }
    }

    pub fn table(&self, english: bool) -> Table {
        let mut t = Table::new(
            english,
            &[("起始日期", "From"), ("回收", "Recycled"), ("退回", "Released"), ("录入公海", "Entered"), ("领取", "Claimed"), ("分配", "Allocated"), ("流入", "In"), ("流出", "Out")],
        );
        let total_name = if english { "Total" } else { "合计" };
        for (name, b) in self.buckets.iter().map(|b| (b.from.clone(), b)).chain(std::iter::once((total_name.to_string(), &self.total))) {
            t.push(vec![name, b.recycled.to_string(), b.released.to_string(), b.entered.to_string(), b.claimed.to_string(), b.allocated.to_string(), b.inflow().to_string(), b.outflow().to_string()]);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flow_table_sorts_what_it_selects() {
        for rule in FLOW_RULES {
            let mut bucket = PoolBucket::default();
            bucket.add(rule.action.as_str(), 1);
            let counted = match rule.flow {
                Flow::Recycled => bucket.recycled,
                Flow::Released => bucket.released,
                Flow::Entered => bucket.entered,
                Flow::Claimed => bucket.claimed,
                Flow::Allocated => bucket.allocated,
            };
            assert_eq!((counted, bucket.inflow() + bucket.outflow()), (1, 1), "{rule:?}");
        }
        let allocate = FLOW_RULES.iter().find(|r| r.action == AuditAction::Allocate).unwrap();
        assert!(allocate.counts("allocate", None, Some("r1"), Some("allocation: 轮流分配")));
        assert!(!allocate.counts("allocate", None, Some("r1"), Some(Reason::INTAKE_ALLOCATION)), "the intake path never was in the pool");
        assert!(!allocate.counts("allocate", None, Some("r1"), None), "SQL's <> is never true of a null");
        let create = FLOW_RULES.iter().find(|r| r.action == AuditAction::Create).unwrap();
        assert!(create.counts("create", None, None, Some("created")) && !create.counts("create", None, Some("r1"), Some("created")));
        let mut other = PoolBucket::default();
        other.add(AuditAction::Transfer.as_str(), 1);
        assert_eq!(other, PoolBucket::default());
    }
}
