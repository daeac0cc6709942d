//! The import template (`GET /customers/import/template`): the headers the importer reads,
//! in Chinese, and one example row in the tenant's own words (its first industry, a place
//! of its first territory, its first stage, its first tier label), so a filled-in copy
//! imports as it is. The test below imports the template itself.

use crate::settings::TenantSettings;

/// (header, example value) of the built-in columns, in the template's order; `None` takes
/// the example from the tenant's settings.
const COLUMNS: &[(&str, Option<&str>)] = &[
    ("客户名称", Some("星辰科技")),
    ("公司", Some("上海星辰科技有限公司")),
    ("联系人", Some("张伟")),
    ("电话", Some("13812345678")),
    ("邮箱", Some("zhangwei@example.cn")),
    ("微信", Some("zhangwei_sales")),
    ("行业", None),
    ("地区", None),
    ("来源", Some("展会")),
    ("预计金额", Some("12万")),
    ("阶段", None),
    ("客户价值", None),
    ("成交意向", Some("高")),
    ("标签", Some("重点、华东")),
    ("下次跟进", Some("")),
    // Empty in the example: a name here must be a user of the tenant.
    ("负责人", Some("")),
];

/// The template as CSV: UTF-8 with a BOM (Excel reads it as such), the header row and one
/// example row; the tenant's custom fields follow the built-in columns, by label.
pub fn template_csv(settings: &TenantSettings) -> Vec<u8> {
    let example = |header: &str| -> String {
        match header {
            "行业" => settings.industries.first().map(|c| c.zh.clone()).unwrap_or_default(),
            "地区" => settings.territories.first().map(|t| t.places.first().cloned().unwrap_or_else(|| t.zh.clone())).unwrap_or_default(),
            "阶段" => settings.stages.first().map(|s| s.zh.clone()).unwrap_or_default(),
            "客户价值" => settings.tier_labels.first().map_or_else(|| "大客户".to_string(), |l| l.label.clone()),
            _ => String::new(),
        }
    };
    let mut headers: Vec<String> = COLUMNS.iter().map(|(h, _)| h.to_string()).collect();
    let mut values: Vec<String> = COLUMNS.iter().map(|(h, v)| v.map_or_else(|| example(h), String::from)).collect();
    for field in &settings.custom_fields {
        headers.push(field.label.clone());
        values.push(field.options.first().cloned().unwrap_or_default());
    }
    let mut writer = csv::Writer::from_writer(crate::export::BOM.as_bytes().to_vec());
    // Writing into a Vec cannot fail.
    for record in [headers, values] {
        let _ = writer.write_record(record.iter().map(|cell| crate::cell::guard(cell).into_owned()));
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{FieldDef, FieldKind};

    #[test]
    fn the_template_imports_as_it_is() {
        let mut settings = TenantSettings::default();
        settings.custom_fields.push(FieldDef { key: "size".into(), label: "规模".into(), kind: FieldKind::Select, options: vec!["大".into(), "小".into()], required: false });
        let bytes = template_csv(&settings);
        assert!(bytes.starts_with(crate::export::BOM.as_bytes()));
        let plan = super::super::plan(&bytes, &settings, 10).unwrap();
        assert_eq!((plan.rows, plan.valid.len(), plan.errors.len()), (1, 1, 0), "{:?}", plan.errors);
        assert!(plan.ignored_columns.is_empty(), "every header is read: {:?}", plan.ignored_columns);
        assert!(plan.has_owner_column);
        let row = &plan.valid[0].fields;
        assert_eq!((row.industry.as_deref(), row.region.as_deref(), row.tier, row.amount), (Some("manufacturing"), Some("east"), Some(crate::customer::Tier::Key), Some(120_000.0)));
        assert_eq!(row.custom.get("size"), Some(&serde_json::json!("大")));
    }
}
