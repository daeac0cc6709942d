//! Custom fields: tenant-defined, typed, validated on every write.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::field_error::FieldError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Number,
    /// A date as milliseconds since the epoch, or a `YYYY-MM-DD` string on input.
    Date,
    Select,
    MultiSelect,
}

/// A tenant's definition of one custom field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Stable key used in `custom` objects and as an import header.
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    /// Allowed values of `select` and `multi_select` fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

const MAX_TEXT: usize = 500;

impl FieldDef {
    /// Checks one value and returns it in canonical form (dates as milliseconds, numbers
    /// parsed from strings, multi-select as an array).
    pub fn check(&self, value: &Value) -> Result<Value, (&'static str, String)> {
        match (self.kind, value) {
            (_, Value::Null) => Ok(Value::Null),
            (FieldKind::Text, Value::String(s)) if s.chars().count() <= MAX_TEXT => Ok(Value::String(s.trim().to_string())),
            (FieldKind::Text, Value::String(_)) => Err(("too_long", format!("at most {MAX_TEXT} characters"))),
            (FieldKind::Number, Value::Number(n)) => Ok(Value::Number(n.clone())),
            (FieldKind::Number, Value::String(s)) => crate::number::parse(s).and_then(serde_json::Number::from_f64).map(Value::Number).ok_or(("wrong_type", "expected a number".into())),
            (FieldKind::Date, Value::Number(n)) if n.as_i64().is_some_and(|at| crate::time::check_date("", at).is_ok()) => Ok(Value::Number(n.clone())),
            (FieldKind::Date, Value::Number(_)) => Err(("out_of_range", "a date from 2000-01-01 to 2100-01-01 (milliseconds since the epoch)".into())),
            (FieldKind::Date, Value::String(s)) => crate::time::parse_date(s)
                .filter(|&ms| crate::time::check_date("", ms).is_ok())
                .map(|ms| Value::Number(ms.into()))
                .ok_or(("wrong_type", "expected a date such as 2026-03-05, from 2000-01-01 to 2100-01-01".into())),
            (FieldKind::Select, Value::String(s)) => {
                let s = s.trim();
                if self.options.iter().any(|o| o == s) {
                    Ok(Value::String(s.to_string()))
                } else {
                    Err(("not_in_list", format!("must be one of: {}", self.options.join(", "))))
                }
            }
            (FieldKind::MultiSelect, Value::String(s)) => {
                let items: Vec<Value> = s.split([',', '，', ';', '；']).map(|p| Value::String(p.trim().to_string())).filter(|v| v != "").collect();
                self.check(&Value::Array(items))
            }
            (FieldKind::MultiSelect, Value::Array(items)) if items.len() > self.options.len() => Err(("too_many", format!("{} values; at most {}, one per option", items.len(), self.options.len()))),
            (FieldKind::MultiSelect, Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item.as_str() {
                        Some(s) if self.options.iter().any(|o| o == s) => out.push(Value::String(s.to_string())),
                        _ => return Err(("not_in_list", format!("each value must be one of: {}", self.options.join(", ")))),
                    }
                }
                Ok(Value::Array(out))
            }
            _ => Err(("wrong_type", format!("expected a {} value", self.kind_name()))),
        }
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            FieldKind::Text => "text",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::Select => "select",
            FieldKind::MultiSelect => "multi-select",
        }
    }
}

/// Validates a whole `custom` object against the definitions: unknown keys, types,
/// options and required fields. Nulls are dropped from the result.
pub fn check_custom(defs: &[FieldDef], values: &BTreeMap<String, Value>, errors: &mut Vec<FieldError>) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (key, value) in values {
        let path = format!("custom.{key}");
        match defs.iter().find(|d| &d.key == key) {
            None => errors.push(FieldError::new(path, "unknown_field", "no such custom field")),
            Some(def) => match def.check(value) {
                Ok(Value::Null) => {}
                Ok(v) => {
                    out.insert(key.clone(), v);
                }
                Err((code, message)) => errors.push(FieldError::new(path, code, message)),
            },
        }
    }
    for def in defs.iter().filter(|d| d.required) {
        let already_reported = errors.iter().any(|e| e.path == format!("custom.{}", def.key));
        if !out.contains_key(&def.key) && !already_reported {
            errors.push(FieldError::new(format!("custom.{}", def.key), "required", format!("{} is required", def.label)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn defs() -> Vec<FieldDef> {
        serde_json::from_value(json!([
            {"key": "employees", "label": "员工数", "kind": "number"},
            {"key": "contract", "label": "合同到期", "kind": "date"},
            {"key": "level", "label": "等级", "kind": "select", "options": ["A", "B"], "required": true},
            {"key": "products", "label": "产品", "kind": "multi_select", "options": ["crm", "erp"]},
            {"key": "memo", "label": "备注", "kind": "text"}
        ]))
        .unwrap()
    }

    fn check(input: Value) -> Result<Value, Vec<(String, String)>> {
        let values: BTreeMap<String, Value> = serde_json::from_value(input).unwrap();
        let mut errors = Vec::new();
        let out = check_custom(&defs(), &values, &mut errors);
        if errors.is_empty() {
            Ok(serde_json::to_value(out).unwrap())
        } else {
            Err(errors.into_iter().map(|e| (e.path, e.code)).collect())
        }
    }

    #[test]
    fn accepts_and_canonicalises() {
        assert_eq!(
            check(json!({"level": "A", "employees": "120", "contract": "2026-01-02", "products": "crm，erp", "memo": " hi "})),
            Ok(json!({"contract": 1_767_312_000_000_i64, "employees": 120.0, "level": "A", "memo": "hi", "products": ["crm", "erp"]}))
        );
    }

    #[test]
    fn reports_every_problem_by_path() {
        let errs = check(json!({"employees": "many", "contract": "soon", "products": ["crm", "x"], "nope": 1})).unwrap_err();
        let paths: Vec<(&str, &str)> = errs.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
        assert_eq!(
            paths,
            vec![("custom.contract", "wrong_type"), ("custom.employees", "wrong_type"), ("custom.nope", "unknown_field"), ("custom.products", "not_in_list"), ("custom.level", "required"),]
        );
    }

    #[test]
    fn null_clears_but_required_still_applies() {
        assert_eq!(check(json!({"level": "B", "memo": null})), Ok(json!({"level": "B"})));
        assert_eq!(check(json!({"level": null})), Err(vec![("custom.level".into(), "required".into())]));
        assert_eq!(check(json!({"level": "C"})), Err(vec![("custom.level".into(), "not_in_list".into())]));
    }
}
