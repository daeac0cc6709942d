//! Follow-up timeliness (跟进及时率): of the follow-ups scheduled for a day in the period
//! (a logged follow-up's "next follow-up" date), how many were done by the end of that
//! day, done late, or missed (not done and the day is over).

use serde::{Deserialize, Serialize};

use super::period::Period;
use super::table::{percent, Table};
use super::{count, rate};

/// SQL row: per rep (the author who scheduled the follow-up).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelinessRow {
    pub rep: String,
    pub name: Option<String>,
    pub scheduled: f64,
    pub on_time: f64,
    pub late: f64,
    pub missed: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Timeliness {
    pub rep: String,
    pub name: String,
    pub scheduled: u32,
    pub on_time: u32,
    pub late: u32,
    pub missed: u32,
    /// Scheduled for today or later and not done yet: not counted in the rate.
    pub pending: u32,
    /// on_time ÷ (on_time + late + missed).
    pub rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FollowUpReport {
    pub period: Period,
    pub reps: Vec<Timeliness>,
    pub total: Timeliness,
}

fn figures(rep: String, name: String, scheduled: u32, on_time: u32, late: u32, missed: u32) -> Timeliness {
    let settled = on_time + late + missed;
    Timeliness { rep, name, scheduled, on_time, late, missed, pending: scheduled.saturating_sub(settled), rate: rate(on_time, settled) }
}

impl FollowUpReport {
    pub fn build(period: Period, rows: &[TimelinessRow]) -> FollowUpReport {
        let reps: Vec<Timeliness> =
            rows.iter().map(|r| figures(r.rep.clone(), r.name.clone().unwrap_or_else(|| r.rep.clone()), count(r.scheduled), count(r.on_time), count(r.late), count(r.missed))).collect();
        let sum = |f: fn(&Timeliness) -> u32| reps.iter().map(f).sum::<u32>();
        let total = figures(String::new(), String::new(), sum(|r| r.scheduled), sum(|r| r.on_time), sum(|r| r.late), sum(|r| r.missed));
        FollowUpReport { period, reps, total }
    }

    pub fn table(&self, english: bool) -> Table {
        let mut t =
            Table::new(english, &[("销售", "Rep"), ("计划跟进", "Scheduled"), ("按时", "On time"), ("逾期完成", "Late"), ("未跟进", "Missed"), ("待跟进", "Pending"), ("及时率", "On-time rate")]);
        let total_name = if english { "Total" } else { "合计" };
        for r in self.reps.iter().chain(std::iter::once(&self.total)) {
            let name = if r.rep.is_empty() { total_name.to_string() } else { r.name.clone() };
            t.push(vec![name, r.scheduled.to_string(), r.on_time.to_string(), r.late.to_string(), r.missed.to_string(), r.pending.to_string(), percent(r.rate)]);
        }
        t
    }
}
