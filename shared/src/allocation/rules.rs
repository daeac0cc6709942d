//! A tenant's allocation rules: the default strategy, weights and constraints. Stored as
//! one versioned document (KV at the edge), validated here.

use serde::{Deserialize, Serialize};

use super::{Strategy, Weights};
use crate::field_error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AllocationRules {
    /// Bumped by every accepted write; a write naming an older version is refused.
    #[serde(default)]
    pub version: i64,
    pub strategy: Strategy,
    pub weights: Weights,
    /// Minimum share of each run's assignments that junior reps receive (0 to 1).
    #[serde(default)]
    pub junior_min_share: f64,
    /// Performance (won amount, conversion) is measured over this many trailing days.
    pub performance_window_days: u32,
}

impl Default for AllocationRules {
    fn default() -> Self {
        AllocationRules { version: 0, strategy: Strategy::Combined, weights: Weights::default(), junior_min_share: 0.0, performance_window_days: 90 }
    }
}

impl AllocationRules {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let w = &self.weights;
        for (name, value) in [("performance", w.performance), ("industry", w.industry), ("region", w.region), ("customer_type", w.customer_type), ("load", w.load)] {
            if !value.is_finite() || !(0.0..=100.0).contains(&value) {
                errors.push(FieldError::new(format!("weights.{name}"), "out_of_range", "0 to 100"));
            }
        }
        if !self.junior_min_share.is_finite() || !(0.0..=1.0).contains(&self.junior_min_share) {
            errors.push(FieldError::new("junior_min_share", "out_of_range", "0 to 1"));
        }
        if !(1..=3650).contains(&self.performance_window_days) {
            errors.push(FieldError::new("performance_window_days", "out_of_range", "1 to 3650 days"));
        }
        crate::field_error::finish(errors)
    }

    /// The rule label written into audit events: `combined@v3`.
    pub fn label(&self, strategy: Strategy) -> String {
        let name = serde_json::to_value(strategy).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        format!("{name}@v{}", self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_valid_and_bad_values_named() {
        assert_eq!(AllocationRules::default().validate(), Ok(()));
        let mut r = AllocationRules::default();
        r.weights.region = -1.0;
        r.junior_min_share = 1.5;
        r.performance_window_days = 0;
        let paths: Vec<String> = r.validate().unwrap_err().into_iter().map(|e| e.path).collect();
        assert_eq!(paths, vec!["weights.region", "junior_min_share", "performance_window_days"]);
        assert_eq!(AllocationRules::default().label(Strategy::RoundRobin), "round_robin@v0");
    }
}
