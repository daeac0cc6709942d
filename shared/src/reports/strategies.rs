//! Outcomes by the way customers reached their rep: each allocation strategy, and the
//! other channels (pool claim, transfer, own entry, import). Read from the audit trail, so
//! a customer counts for the strategy that actually assigned it.

use serde::{Deserialize, Serialize};

use super::period::Period;
use super::table::{money, percent, Table};
use super::{count, rate};

/// SQL row: assignments in the period grouped by audit action and rule, with what became
/// of those customers afterwards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrategyRow {
    pub action: String,
    pub rule: Option<String>,
    pub assigned: f64,
    /// Assigned customers with a follow-up logged after the assignment.
    pub followed_up: f64,
    /// Assigned customers won or lost after the assignment, and the won amount.
    pub won: f64,
    pub lost: f64,
    pub won_amount: f64,
}

/// The channel an audit event stands for: the strategy of an allocation (its rule label
/// without the version, `combined@v3` → `combined`), else the action (`claim`, …).
pub fn channel(action: &str, rule: Option<&str>) -> String {
    match (action, rule) {
        ("allocate", Some(rule)) => rule.split('@').next().unwrap_or(rule).to_string(),
        _ => action.to_string(),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StrategyFigures {
    /// A strategy (`round_robin`, `combined`, `optimal`, …) or a channel (`claim`,
    /// `transfer`, `create`, `import`).
    pub strategy: String,
    pub assigned: u32,
    pub followed_up: u32,
    pub won: u32,
    pub lost: u32,
    pub won_amount: f64,
    /// won ÷ assigned.
    pub conversion: Option<f64>,
    /// won ÷ (won + lost).
    pub win_rate: Option<f64>,
    /// followed_up ÷ assigned.
    pub follow_up_rate: Option<f64>,
    /// won amount ÷ assigned.
    pub value_per_customer: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StrategyReport {
    pub period: Period,
    /// Most assigned first.
    pub strategies: Vec<StrategyFigures>,
}

impl StrategyReport {
    pub fn build(period: Period, rows: &[StrategyRow]) -> StrategyReport {
        let mut strategies: Vec<StrategyFigures> = Vec::new();
        for row in rows {
            let key = channel(&row.action, row.rule.as_deref());
            let i = match strategies.iter().position(|s| s.strategy == key) {
                Some(i) => i,
                None => {
                    strategies.push(StrategyFigures {
                        strategy: key,
                        assigned: 0,
                        followed_up: 0,
                        won: 0,
                        lost: 0,
                        won_amount: 0.0,
                        conversion: None,
                        win_rate: None,
                        follow_up_rate: None,
                        value_per_customer: None,
                    });
                    strategies.len() - 1
                }
            };
            let s = &mut strategies[i];
            s.assigned += count(row.assigned);
            s.followed_up += count(row.followed_up);
            s.won += count(row.won);
            s.lost += count(row.lost);
            s.won_amount += row.won_amount;
        }
        for s in &mut strategies {
            s.conversion = rate(s.won, s.assigned);
            s.win_rate = rate(s.won, s.won + s.lost);
            s.follow_up_rate = rate(s.followed_up, s.assigned);
            s.value_per_customer = (s.assigned > 0).then(|| s.won_amount / f64::from(s.assigned));
        }
        strategies.sort_by(|a, b| b.assigned.cmp(&a.assigned).then_with(|| a.strategy.cmp(&b.strategy)));
        StrategyReport { period, strategies }
    }

    pub fn table(&self, english: bool) -> Table {
        let mut t = Table::new(
            english,
            &[
                ("分配方式", "Strategy"),
                ("分配客户", "Assigned"),
                ("已跟进", "Followed up"),
                ("赢单", "Won"),
                ("输单", "Lost"),
                ("赢单金额", "Won amount"),
                ("转化率", "Conversion"),
                ("赢率", "Win rate"),
                ("跟进率", "Follow-up rate"),
                ("客均赢单金额", "Won per customer"),
            ],
        );
        for s in &self.strategies {
            t.push(vec![
                s.strategy.clone(),
                s.assigned.to_string(),
                s.followed_up.to_string(),
                s.won.to_string(),
                s.lost.to_string(),
                money(s.won_amount),
                percent(s.conversion),
                percent(s.win_rate),
                percent(s.follow_up_rate),
                s.value_per_customer.map(money).unwrap_or_else(|| "—".into()),
            ]);
        }
        t
    }
}
