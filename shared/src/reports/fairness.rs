//! Allocation fairness (分配公平性): what each rep holds against capacity now, what each
//! received in the period, and how unequal both are.

use serde::{Deserialize, Serialize};

use super::period::Period;
use super::reps::RepRow;
use super::table::{money, percent, ratio, Table};
use super::{count, rate};
use crate::allocation::{gini, Level};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RepShare {
    pub rep: String,
    pub name: String,
    pub level: Level,
    pub capacity: u32,
    pub held: u32,
    pub held_value: f64,
    /// held ÷ capacity.
    pub load: Option<f64>,
    pub assigned: u32,
    pub assigned_value: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FairnessReport {
    pub period: Period,
    /// Active reps only: inactive reps take no customers, so they would skew every figure.
    pub reps: Vec<RepShare>,
    /// Gini coefficient (0 = equal) of held customers and held value, now.
    pub held_gini_count: f64,
    pub held_gini_value: f64,
    /// Gini of customers and value received in the period.
    pub assigned_gini_count: f64,
    pub assigned_gini_value: f64,
    /// Most ÷ fewest received in the period (`null` when some rep received none).
    pub assigned_max_min: Option<f64>,
    /// Most ÷ least load now (`null` when some rep holds none).
    pub load_max_min: Option<f64>,
    /// Share of the period's received customers that went to junior reps.
    pub junior_share: Option<f64>,
}

fn max_min(values: impl Iterator<Item = f64> + Clone) -> Option<f64> {
    let max = values.clone().fold(f64::NEG_INFINITY, f64::max);
    let min = values.fold(f64::INFINITY, f64::min);
    (min > 0.0 && min.is_finite()).then(|| max / min)
}

impl FairnessReport {
    pub fn build(period: Period, rows: &[RepRow]) -> FairnessReport {
        let reps: Vec<RepShare> = rows
            .iter()
            .filter(|r| r.active > 0.0)
            .map(|r| {
                let (capacity, held) = (count(r.capacity), count(r.held));
                RepShare {
                    rep: r.rep.clone(),
                    name: r.name.clone(),
                    level: r.level(),
                    capacity,
                    held,
                    held_value: r.held_value,
                    load: rate(held, capacity),
                    assigned: count(r.assigned),
                    assigned_value: r.assigned_value,
                }
            })
            .collect();
        let values = |f: fn(&RepShare) -> f64| reps.iter().map(f).collect::<Vec<f64>>();
        let assigned: u32 = reps.iter().map(|r| r.assigned).sum();
        let junior: u32 = reps.iter().filter(|r| r.level == Level::Junior).map(|r| r.assigned).sum();
        FairnessReport {
            period,
            held_gini_count: gini(&values(|r| f64::from(r.held))),
            held_gini_value: gini(&values(|r| r.held_value)),
            assigned_gini_count: gini(&values(|r| f64::from(r.assigned))),
            assigned_gini_value: gini(&values(|r| r.assigned_value)),
            assigned_max_min: max_min(reps.iter().map(|r| f64::from(r.assigned))),
            load_max_min: max_min(reps.iter().map(|r| r.load.unwrap_or(0.0))),
            junior_share: rate(junior, assigned),
            reps,
        }
    }

    pub fn table(&self, english: bool) -> Table {
        let mut t = Table::new(
            english,
            &[("销售", "Rep"), ("级别", "Level"), ("容量", "Capacity"), ("持有客户", "Held"), ("持有金额", "Held value"), ("负载", "Load"), ("新分得", "Received"), ("新分得金额", "Received value")],
        );
        for r in &self.reps {
            let level = match (r.level, english) {
                (Level::Junior, true) => "junior",
                (Level::Senior, true) => "senior",
                (Level::Junior, false) => "初级",
                (Level::Senior, false) => "资深",
            };
            t.push(vec![r.name.clone(), level.into(), r.capacity.to_string(), r.held.to_string(), money(r.held_value), percent(r.load), r.assigned.to_string(), money(r.assigned_value)]);
        }
        let figures: [(&str, &str, String); 7] = [
            ("持有数量基尼系数", "Gini of held count", ratio(Some(self.held_gini_count))),
            ("持有金额基尼系数", "Gini of held value", ratio(Some(self.held_gini_value))),
            ("新分得数量基尼系数", "Gini of received count", ratio(Some(self.assigned_gini_count))),
            ("新分得金额基尼系数", "Gini of received value", ratio(Some(self.assigned_gini_value))),
            ("新分得最多/最少", "Received max ÷ min", ratio(self.assigned_max_min)),
            ("负载最高/最低", "Load max ÷ min", ratio(self.load_max_min)),
            ("初级销售占比", "Junior share", percent(self.junior_share)),
        ];
        for (zh, en, value) in figures {
            let mut row = vec![String::new(); 8];
            row[0] = if english { en } else { zh }.to_string();
            row[1] = value;
            t.push(row);
        }
        t
    }
}
