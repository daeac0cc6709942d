//! Results per rep over the period: customers received, deals won and lost, won amount,
//! conversion (won ÷ decided, as the allocation engine's performance criterion counts it).

use serde::{Deserialize, Serialize};

use super::period::Period;
use super::table::{money, percent, Table};
use super::{count, rate};
use crate::allocation::Level;

/// SQL row: one rep with held customers now and the period's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepRow {
    pub rep: String,
    pub name: String,
    pub team: Option<String>,
    pub level: String,
    pub capacity: f64,
    pub active: f64,
    /// Customers held now and their amount.
    pub held: f64,
    pub held_value: f64,
    /// Customers that came to the rep in the period (allocation, claim, transfer, creation).
    pub assigned: f64,
    pub assigned_value: f64,
    /// Deals the rep won or lost in the period, and the won amount.
    pub won: f64,
    pub lost: f64,
    pub won_amount: f64,
}

impl RepRow {
    pub fn level(&self) -> Level {
        if self.level == "senior" {
            Level::Senior
        } else {
            Level::Junior
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RepFigures {
    pub rep: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub held: u32,
    pub assigned: u32,
    pub won: u32,
    pub lost: u32,
    pub won_amount: f64,
    /// won ÷ (won + lost).
    pub conversion: Option<f64>,
    /// won amount ÷ won deals.
    pub average_deal: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RepsReport {
    pub period: Period,
    pub reps: Vec<RepFigures>,
    /// All reps together.
    pub total: RepFigures,
}

impl RepsReport {
    pub fn build(period: Period, rows: &[RepRow]) -> RepsReport {
        let figures = |rep: String, name: String, team: Option<String>, held: u32, assigned: u32, won: u32, lost: u32, won_amount: f64| RepFigures {
            conversion: rate(won, won + lost),
            average_deal: (won > 0).then(|| won_amount / f64::from(won)),
            rep,
            name,
            team,
            held,
            assigned,
            won,
            lost,
            won_amount,
        };
        let reps: Vec<RepFigures> = rows.iter().map(|r| figures(r.rep.clone(), r.name.clone(), r.team.clone(), count(r.held), count(r.assigned), count(r.won), count(r.lost), r.won_amount)).collect();
        let sum = |f: fn(&RepFigures) -> u32| reps.iter().map(f).sum::<u32>();
        let total = figures(String::new(), String::new(), None, sum(|r| r.held), sum(|r| r.assigned), sum(|r| r.won), sum(|r| r.lost), reps.iter().map(|r| r.won_amount).sum());
        RepsReport { period, reps, total }
    }

    pub fn table(&self, english: bool) -> Table {
        let mut t = Table::new(
            english,
            &[
                ("销售", "Rep"),
                ("团队", "Team"),
                ("持有客户", "Held"),
                ("新分得", "Received"),
                ("赢单", "Won"),
                ("输单", "Lost"),
                ("赢单金额", "Won amount"),
                ("转化率", "Conversion"),
                ("平均单值", "Average deal"),
            ],
        );
        let total_name = if english { "Total" } else { "合计" };
        for r in self.reps.iter().chain(std::iter::once(&self.total)) {
            let name = if r.rep.is_empty() { total_name.to_string() } else { r.name.clone() };
            t.push(vec![
                name,
                r.team.clone().unwrap_or_default(),
                r.held.to_string(),
                r.assigned.to_string(),
                r.won.to_string(),
                r.lost.to_string(),
                money(r.won_amount),
                percent(r.conversion),
                r.average_deal.map(money).unwrap_or_else(|| "—".into()),
            ]);
        }
        t
    }
}
