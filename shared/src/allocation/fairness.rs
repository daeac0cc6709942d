//! The distribution a run produces and how fair it is (公平性).

use serde::{Deserialize, Serialize};

use super::{Level, Prospect, RepProfile};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RepLoad {
    pub rep: String,
    pub count_before: u32,
    pub count_after: u32,
    pub value_before: f64,
    pub value_after: f64,
    pub capacity: u32,
    /// count_after ÷ capacity.
    pub load: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Distribution {
    pub reps: Vec<RepLoad>,
    /// Gini coefficient of the customers assigned in this run, over active reps (0 = equal).
    pub gini_count: f64,
    pub gini_value: f64,
    /// Most ÷ fewest customers assigned among active reps (`null` when someone got none).
    pub max_min_ratio: Option<f64>,
    /// Share of this run's assignments that went to junior reps.
    pub junior_share: f64,
    pub total_score: f64,
}

/// Gini coefficient of non-negative values (0 when all equal or all zero).
pub fn gini(values: &[f64]) -> f64 {
    let n = values.len();
    let sum: f64 = values.iter().sum();
    if n < 2 || sum <= 0.0 {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let weighted: f64 = sorted.iter().enumerate().map(|(i, v)| (2.0 * (i as f64 + 1.0) - n as f64 - 1.0) * v).sum();
    weighted / (n as f64 * sum)
}

impl Distribution {
    /// The distribution of `placed` (customer index, rep index) pairs.
    pub fn of(reps: &[RepProfile], customers: &[Prospect], placed: &[(usize, usize)], total_score: f64) -> Distribution {
        let mut rows: Vec<RepLoad> = reps
            .iter()
            .map(|r| RepLoad { rep: r.id.clone(), count_before: r.held, count_after: r.held, value_before: r.held_value, value_after: r.held_value, capacity: r.capacity, load: 0.0 })
            .collect();
        let mut junior = 0usize;
        for &(ci, ri) in placed {
            rows[ri].count_after += 1;
            rows[ri].value_after += customers[ci].amount;
            if reps[ri].level == Level::Junior {
                junior += 1;
            }
        }
        for row in &mut rows {
            row.load = if row.capacity == 0 { 0.0 } else { f64::from(row.count_after) / f64::from(row.capacity) };
        }
        let active: Vec<usize> = (0..reps.len()).filter(|&i| reps[i].active).collect();
        let counts: Vec<f64> = active.iter().map(|&i| f64::from(rows[i].count_after - rows[i].count_before)).collect();
        let values: Vec<f64> = active.iter().map(|&i| rows[i].value_after - rows[i].value_before).collect();
        let max = counts.iter().copied().fold(0.0, f64::max);
        let min = counts.iter().copied().fold(f64::INFINITY, f64::min);
        Distribution {
            gini_count: gini(&counts),
            gini_value: gini(&values),
            max_min_ratio: (min > 0.0 && min.is_finite()).then(|| max / min),
            junior_share: if placed.is_empty() { 0.0 } else { junior as f64 / placed.len() as f64 },
            total_score,
            reps: rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::gini;

    #[test]
    fn gini_values() {
        assert_eq!(gini(&[5.0, 5.0, 5.0]), 0.0);
        assert_eq!(gini(&[0.0, 0.0]), 0.0);
        assert!((gini(&[0.0, 0.0, 0.0, 10.0]) - 0.75).abs() < 1e-12);
        assert!((gini(&[1.0, 2.0, 3.0, 4.0]) - 0.25).abs() < 1e-12);
    }
}
