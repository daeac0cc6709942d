//! Segments: ordered rules over a customer's fields; the first rule that matches names
//! the segment (e.g. 核心客户 core / 成长客户 growth / 风险客户 risk), and each segment
//! carries a follow-up cadence.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::customer::Customer;
use crate::field_error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SegmentRule {
    pub key: String,
    pub zh: String,
    pub en: String,
    /// Follow up at least every this many days.
    pub cadence_days: u32,
    /// All conditions must hold; an empty list matches every customer (a catch-all).
    pub when: Vec<Condition>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// `tier`, `intent`, `industry`, `region`, `stage`, `source`, `amount`, `tags` or
    /// `custom.<key>`.
    pub field: String,
    pub op: Op,
    pub value: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Eq,
    Ne,
    /// The field's value is one of the array `value`.
    In,
    Gte,
    Lte,
    /// For `tags` and multi-selects: the list contains `value`.
    Has,
}

impl SegmentRule {
    pub fn matches(&self, customer: &Customer) -> bool {
        self.when.iter().all(|c| c.holds(customer))
    }

    /// Checks the rule against the fields a condition may name (`fields`, from
    /// `TenantSettings::condition_fields`): each condition's field is one of them, its
    /// comparison one the field's values allow, its value of the field's kind and, for a
    /// closed list, on it (a rule naming a removed industry would silently match nothing).
    /// `null` with `eq` / `ne` asks whether the field is empty.
    pub fn validate(&self, path: &str, fields: &[ConditionField], errors: &mut Vec<FieldError>) {
        if self.cadence_days == 0 || self.cadence_days > 365 {
            errors.push(FieldError::new(format!("{path}.cadence_days"), "out_of_range", "1 to 365 days"));
        }
        for (i, c) in self.when.iter().enumerate() {
            let Some(field) = fields.iter().find(|f| f.field == c.field) else {
                errors.push(FieldError::new(format!("{path}.when[{i}].field"), "unknown_field", format!("{} is not a field", c.field)));
                continue;
            };
            if !field.values.ops().contains(&c.op) {
                let allowed: Vec<&str> = field.values.ops().iter().map(|o| o.as_str()).collect();
                errors.push(FieldError::new(format!("{path}.when[{i}].op"), "not_in_list", format!("{} takes {}", c.field, allowed.join(", "))));
                continue;
            }
            if let Err((code, message)) = field.values.check(c.op, &c.value) {
                errors.push(FieldError::new(format!("{path}.when[{i}].value"), code, message));
            }
        }
    }
}

/// A field a condition may name, with what its values are.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionField {
    /// `tier`, …, or `custom.<key>`.
    pub field: String,
    pub zh: String,
    pub en: String,
    pub values: Values,
}

/// What a field holds, which says the comparisons a condition may make on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// One of a closed list: (key, 中文, English).
    Choice(Vec<(String, String, String)>),
    Number,
    /// A date, compared as milliseconds since the epoch.
    Date,
    Text,
    /// Several free values (tags): a condition asks whether one is among them.
    List,
    /// Several values from a closed list (a multi-select's options): a condition asks
    /// whether one of them is among them.
    Options(Vec<String>),
}

impl Values {
    pub fn ops(&self) -> &'static [Op] {
        match self {
            Values::Choice(_) | Values::Text => &[Op::Eq, Op::Ne, Op::In],
            Values::Number | Values::Date => &[Op::Gte, Op::Lte, Op::Eq, Op::Ne],
            Values::List | Values::Options(_) => &[Op::Has],
        }
    }

    /// Whether `value` fits a condition `op` on such a field (`op` being one of [`Values::ops`]).
    fn check(&self, op: Op, value: &Value) -> Result<(), (&'static str, String)> {
        let one = |v: &Value| -> Result<(), (&'static str, String)> {
            match (self, v) {
                (Values::Choice(list), Value::String(s)) if list.iter().any(|(k, _, _)| k == s) => Ok(()),
                (Values::Choice(list), _) => {
                    let keys: Vec<&str> = list.iter().map(|(k, _, _)| k.as_str()).take(20).collect();
                    Err(("not_in_list", format!("{v} is not (or no longer) one of this field's values, {}: change or remove this condition", keys.join(", "))))
                }
                (Values::Number | Values::Date, Value::Number(_)) => Ok(()),
                // An empty text never matches (an empty field is `null`).
                (Values::Options(options), Value::String(s)) if options.contains(s) => Ok(()),
                (Values::Options(options), _) => {
                    let listed: Vec<&str> = options.iter().map(String::as_str).take(20).collect();
                    Err(("not_in_list", format!("{v} is not (or no longer) one of this field's options, {}: change or remove this condition", listed.join(", "))))
                }
                (Values::Text | Values::List, Value::String(s)) if s.trim().is_empty() => Err(("required", "a value to compare with".into())),
                (Values::Text | Values::List, Value::String(_)) => Ok(()),
                (Values::Number, _) => Err(("wrong_type", "a number".into())),
                (Values::Date, _) => Err(("wrong_type", "a date as milliseconds since the epoch".into())),
                (Values::Text | Values::List, _) => Err(("wrong_type", "a text".into())),
            }
        };
        match (op, value) {
            (Op::Eq | Op::Ne, Value::Null) => Ok(()),
            (Op::In, Value::Array(items)) if !items.is_empty() => items.iter().try_for_each(one),
            (Op::In, _) => Err(("wrong_type", "`in` takes a list of one or more values".into())),
            _ => one(value),
        }
    }
}

impl Op {
    pub const ALL: [Op; 6] = [Op::Eq, Op::Ne, Op::In, Op::Gte, Op::Lte, Op::Has];
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::In => "in",
            Op::Gte => "gte",
            Op::Lte => "lte",
            Op::Has => "has",
        }
    }
}

impl Condition {
    fn holds(&self, customer: &Customer) -> bool {
        let actual = field_value(customer, &self.field);
        match self.op {
            Op::Eq => same(&actual, &self.value),
            Op::Ne => !same(&actual, &self.value),
            Op::In => self.value.as_array().is_some_and(|options| options.iter().any(|o| same(&actual, o))),
            Op::Gte => compare(&actual, &self.value).is_some_and(|o| o.is_ge()),
            Op::Lte => compare(&actual, &self.value).is_some_and(|o| o.is_le()),
            Op::Has => actual.as_array().is_some_and(|items| items.contains(&self.value)),
        }
    }
}

/// Equal values; numbers by their value, as JSON writes 300 and 300.0 differently (an
/// amount is stored as a float, a custom number as typed: through the API or an import).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => compare(a, b) == Some(std::cmp::Ordering::Equal),
        _ => a == b,
    }
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

fn field_value(c: &Customer, field: &str) -> Value {
    let text = |t: &Option<String>| t.clone().map_or(Value::Null, Value::String);
    match field {
        "tier" => c.tier.map_or(Value::Null, |t| t.as_str().into()),
        "intent" => c.intent.map_or(Value::Null, |i| i.as_str().into()),
        "industry" => text(&c.industry),
        "region" => text(&c.region),
        "source" => text(&c.source),
        "stage" => Value::String(c.stage.clone()),
        "amount" => c.amount.and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number),
        "tags" => Value::Array(c.tags.iter().cloned().map(Value::String).collect()),
        other => other.strip_prefix("custom.").and_then(|k| c.custom.get(k)).cloned().unwrap_or(Value::Null),
    }
}

/// The key of the first rule the customer matches.
pub fn segment_of<'a>(rules: &'a [SegmentRule], customer: &Customer) -> Option<&'a SegmentRule> {
    rules.iter().find(|r| r.matches(customer))
}

/// The segment key a customer gets under `rules` (what is stored on the customer).
pub fn segment_key(rules: &[SegmentRule], customer: &Customer) -> Option<String> {
    segment_of(rules, customer).map(|r| r.key.clone())
}

/// The segments from the source article, as a starting point a tenant edits.
pub fn default_rules() -> Vec<SegmentRule> {
    let cond = |field: &str, op: Op, value: Value| Condition { field: field.into(), op, value };
    vec![
        SegmentRule { key: "core".into(), zh: "核心客户".into(), en: "Core".into(), cadence_days: 7, when: vec![cond("tier", Op::Eq, "key".into())] },
        SegmentRule { key: "risk".into(), zh: "风险客户".into(), en: "At risk".into(), cadence_days: 14, when: vec![cond("intent", Op::Eq, "low".into())] },
        SegmentRule { key: "growth".into(), zh: "成长客户".into(), en: "Growth".into(), cadence_days: 14, when: vec![cond("intent", Op::In, serde_json::json!(["high", "medium"]))] },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::{Intent, Tier};
    use serde_json::json;

    fn customer() -> Customer {
        serde_json::from_value(json!({
            "id": "c_1", "name": "x", "stage": "lead", "owner": null, "created_by": "u",
            "created_at": 0, "updated_at": 0, "version": 1
        }))
        .unwrap()
    }

    fn seg(c: &Customer) -> Option<&'static str> {
        let rules = Box::leak(Box::new(default_rules()));
        segment_of(rules, c).map(|r| r.key.as_str())
    }

    #[test]
    fn first_match_wins() {
        let mut c = customer();
        assert_eq!(seg(&c), None);
        c.intent = Some(Intent::High);
        assert_eq!(seg(&c), Some("growth"));
        c.tier = Some(Tier::Key);
        assert_eq!(seg(&c), Some("core"));
        c.tier = Some(Tier::Regular);
        c.intent = Some(Intent::Low);
        assert_eq!(seg(&c), Some("risk"));
    }

    #[test]
    fn conditions_over_every_field_kind() {
        let mut c = customer();
        c.amount = Some(500_000.0);
        c.tags = vec!["vip".into()];
        c.custom.insert("employees".into(), json!(300));
        c.region = Some("east".into());
        let rule = |field: &str, op: Op, value: Value| SegmentRule { key: "r".into(), zh: "r".into(), en: "r".into(), cadence_days: 7, when: vec![Condition { field: field.into(), op, value }] };
        for (field, op, value, expect) in [
            ("amount", Op::Gte, json!(100_000), true),
            ("amount", Op::Lte, json!(100_000), false),
            ("tags", Op::Has, json!("vip"), true),
            ("tags", Op::Has, json!("new"), false),
            ("custom.employees", Op::Gte, json!(100), true),
            ("custom.missing", Op::Eq, json!(null), true),
            ("region", Op::In, json!(["east", "south"]), true),
            ("region", Op::Ne, json!("east"), false),
            ("stage", Op::Eq, json!("lead"), true),
            ("amount", Op::Eq, json!(500_000), true),
            ("amount", Op::Ne, json!(500_000), false),
            ("amount", Op::In, json!([1, 500_000]), true),
            ("custom.employees", Op::Eq, json!(300.0), true),
        ] {
            assert_eq!(rule(field, op, value.clone()).matches(&c), expect, "{field} {op:?} {value}");
        }
    }

    #[test]
    fn validation_names_the_broken_condition() {
        let mut errors = Vec::new();
        let rule = SegmentRule {
            key: "x".into(),
            zh: "x".into(),
            en: "x".into(),
            cadence_days: 0,
            when: vec![Condition { field: "colour".into(), op: Op::Eq, value: json!(1) }, Condition { field: "region".into(), op: Op::In, value: json!("east") }],
        };
        rule.validate("segments[0]", &fields(), &mut errors);
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, vec!["segments[0].cadence_days", "segments[0].when[0].field", "segments[0].when[1].value"]);
    }

    fn fields() -> Vec<ConditionField> {
        let field = |f: &str, values: Values| ConditionField { field: f.into(), zh: f.into(), en: f.into(), values };
        let choice = |keys: &[&str]| Values::Choice(keys.iter().map(|k| (k.to_string(), k.to_string(), k.to_string())).collect());
        vec![
            field("tier", choice(&["key", "potential", "regular"])),
            field("region", choice(&["east", "west"])),
            field("amount", Values::Number),
            field("source", Values::Text),
            field("tags", Values::List),
            field("custom.signed", Values::Date),
            field("custom.needs", Values::Options(vec!["培训".into(), "实施".into()])),
        ]
    }

    #[test]
    fn a_condition_says_only_what_its_field_can_hold() {
        let check = |field: &str, op: Op, value: Value| {
            let rule = SegmentRule { key: "x".into(), zh: "x".into(), en: "x".into(), cadence_days: 7, when: vec![Condition { field: field.into(), op, value }] };
            let mut errors = Vec::new();
            rule.validate("s", &fields(), &mut errors);
            errors.into_iter().map(|e| format!("{} {}", e.path, e.code)).collect::<Vec<_>>()
        };
        let ok: Vec<String> = Vec::new();
        assert_eq!(check("tier", Op::Eq, json!("key")), ok);
        assert_eq!(check("tier", Op::Eq, json!(null)), ok, "is empty");
        assert_eq!(check("region", Op::In, json!(["east", "west"])), ok);
        assert_eq!(check("amount", Op::Gte, json!(100_000)), ok);
        assert_eq!(check("custom.signed", Op::Lte, json!(1_767_225_600_000_i64)), ok);
        assert_eq!(check("source", Op::In, json!(["展会", "官网"])), ok);
        assert_eq!(check("tags", Op::Has, json!("vip")), ok);
        assert_eq!(check("custom.needs", Op::Has, json!("培训")), ok);
        assert_eq!(check("custom.needs", Op::Has, json!("售后")), vec!["s.when[0].value not_in_list"], "a multi-select's option, not any text");
        assert_eq!(check("tier", Op::Eq, json!("gold")), vec!["s.when[0].value not_in_list"], "a value the list does not hold");
        assert_eq!(check("region", Op::In, json!(["east", "north"])), vec!["s.when[0].value not_in_list"]);
        assert_eq!(check("region", Op::In, json!([])), vec!["s.when[0].value wrong_type"]);
        assert_eq!(check("tier", Op::Gte, json!(1)), vec!["s.when[0].op not_in_list"], "a list has no order");
        assert_eq!(check("amount", Op::Gte, json!("10万")), vec!["s.when[0].value wrong_type"]);
        assert_eq!(check("tags", Op::Eq, json!("vip")), vec!["s.when[0].op not_in_list"]);
        assert_eq!(check("custom.gone", Op::Eq, json!("x")), vec!["s.when[0].field unknown_field"]);
        assert_eq!(check("source", Op::Eq, json!(" ")), vec!["s.when[0].value required"], "an empty text never matches");
    }
}
