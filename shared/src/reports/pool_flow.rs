//! Pool flow (公海流转): customers entering the pool (recycled, released, entered
//! without an owner) and leaving it (claimed, allocated), per bucket of the period.

use serde::{Deserialize, Serialize};

use super::count;
use super::period::Period;
use super::table::Table;

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
        match action {
            "recycle" => self.recycled += n,
            "release" => self.released += n,
            "create" | "import" => self.entered += n,
            "claim" => self.claimed += n,
            "allocate" => self.allocated += n,
            _ => {}
        }
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
        let mut t = Table::new(english, &[("起始日期", "From"), ("回收", "Recycled"), ("退回", "Released"), ("录入公海", "Entered"), ("领取", "Claimed"), ("分配", "Allocated"), ("流入", "In"), ("流出", "Out")]);
        let total_name = if english { "Total" } else { "合计" };
        for (name, b) in self.buckets.iter().map(|b| (b.from.clone(), b)).chain(std::iter::once((total_name.to_string(), &self.total))) {
            t.push(vec![name, b.recycled.to_string(), b.released.to_string(), b.entered.to_string(), b.claimed.to_string(), b.allocated.to_string(), b.inflow().to_string(), b.outflow().to_string()]);
        }
        t
    }
}
