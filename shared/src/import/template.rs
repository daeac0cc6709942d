//! The import template (`GET /customers/import/template`): the headers the importer reads,
//! in Chinese, and one example row in the tenant's own words (its first industry, a place
//! of its first territory, its first stage, its first tier label), so a filled-in copy
//! imports as it is. The test below imports the template itself.

use super::workbook::SheetColumn;
use crate::fields::FieldKind;
use crate::settings::TenantSettings;

/// (header, example value, width in characters) of the built-in columns, in the
/// template's order; `None` takes the example from the tenant's settings.
const COLUMNS: &[(&str, Option<&str>, u8)] = &[
    ("客户名称", Some("星辰科技"), 16),
    ("公司", Some("上海星辰科技有限公司"), 24),
    ("联系人", Some("张伟"), 10),
    ("电话", Some("13812345678"), 14),
    ("邮箱", Some("zhangwei@example.cn"), 22),
    ("微信", Some("zhangwei_sales"), 16),
    ("行业", None, 12),
    ("地区", None, 10),
    ("来源", Some("展会"), 10),
    ("预计金额", Some("12万"), 10),
    ("阶段", None, 10),
    ("客户价值", None, 10),
    ("成交意向", Some("高"), 10),
    ("标签", Some("重点、华东"), 14),
    ("下次跟进", Some(""), 12),
    // Empty in the example: a name here must be a user of the tenant.
    ("负责人", Some(""), 10),
];

/// Columns Excel would otherwise turn into numbers or dates as they are typed: a phone
/// loses its leading 0 or shows as 1.38E+10.
const TEXT_COLUMNS: &[&str] = &["电话", "微信", "下次跟进"];

/// The template's columns in the tenant's words: the built-in ones, then the custom
/// fields by label; each with its example and, where the importer accepts a closed list,
/// that list (the tenant's industries, places and territories, stages, value tier
/// labels, intents, a select field's options).
pub fn template_columns(settings: &TenantSettings) -> Vec<SheetColumn> {
    let tiers = || settings.tier_labels.iter().map(|l| l.label.clone()).chain(["大客户", "潜力客户", "普通客户"].map(String::from));
    let choices = |header: &str| -> Vec<String> {
        let mut list: Vec<String> = match header {
            "行业" => settings.industries.iter().map(|c| c.zh.clone()).collect(),
            "地区" => settings.territories.iter().flat_map(|t| t.places.iter().cloned().chain([t.zh.clone()])).collect(),
            "阶段" => settings.stages.iter().map(|s| s.zh.clone()).collect(),
            "客户价值" => tiers().collect(),
            "成交意向" => ["高", "中", "低"].map(String::from).to_vec(),
            _ => Vec::new(),
        };
        distinct(&mut list);
        list
    };
    let example = |header: &str| -> String {
        match header {
            "行业" => settings.industries.first().map(|c| c.zh.clone()).unwrap_or_default(),
            "地区" => settings.territories.first().map(|t| t.places.first().cloned().unwrap_or_else(|| t.zh.clone())).unwrap_or_default(),
            "阶段" => settings.stages.first().map(|s| s.zh.clone()).unwrap_or_default(),
            "客户价值" => tiers().next().unwrap_or_default(),
            _ => String::new(),
        }
    };
    let mut columns: Vec<SheetColumn> = COLUMNS
        .iter()
        .map(|(header, value, width)| SheetColumn {
            header: header.to_string(),
            example: value.map_or_else(|| example(header), String::from),
            choices: choices(header),
            text: TEXT_COLUMNS.contains(header),
            width: *width,
        })
        .collect();
    for field in &settings.custom_fields {
        // A multi-select cell holds several options, which a drop-down cannot pick.
        let mut choices = if field.kind == FieldKind::Select { field.options.clone() } else { Vec::new() };
        distinct(&mut choices);
        let text = field.kind == FieldKind::Date;
        columns.push(SheetColumn { header: field.label.clone(), example: field.options.first().cloned().unwrap_or_default(), choices, text, width: 12 });
    }
    columns
}

/// A list without blanks or repeats, in its order: what a drop-down offers.
fn distinct(list: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|v| !v.trim().is_empty() && seen.insert(v.clone()));
}

/// The template as CSV: UTF-8 with a BOM (Excel reads it as such), the header row and one
/// example row.
pub fn template_csv(settings: &TenantSettings) -> Vec<u8> {
    let columns = template_columns(settings);
    let mut writer = csv::Writer::from_writer(crate::export::BOM.as_bytes().to_vec());
    // Writing into a Vec cannot fail.
    for record in [columns.iter().map(|c| &c.header).collect::<Vec<_>>(), columns.iter().map(|c| &c.example).collect()] {
        let _ = writer.write_record(record.iter().map(|cell| crate::cell::guard(cell).into_owned()));
    }
    writer.into_inner().unwrap_or_default()
}

/// The template as XLSX: the same two rows on the sheet 客户, with drop-downs for the
/// closed lists (on the sheet 可选值) and the contact columns kept as text.
pub fn template_xlsx(settings: &TenantSettings) -> Result<Vec<u8>, String> {
    super::workbook::write("客户", "可选值", &template_columns(settings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::FieldDef;

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

    #[test]
    fn the_xlsx_template_imports_as_the_csv_one_does() {
        let mut settings = TenantSettings::default();
        settings.custom_fields.push(FieldDef { key: "size".into(), label: "规模".into(), kind: FieldKind::Select, options: vec!["大".into(), "小".into()], required: false });
        let bytes = template_xlsx(&settings).unwrap();
        let (xlsx, csv) = (super::super::plan(&bytes, &settings, 10).unwrap(), super::super::plan(&template_csv(&settings), &settings, 10).unwrap());
        assert_eq!((xlsx.rows, xlsx.errors.len(), xlsx.ignored_columns.len()), (1, 0, 0), "{:?}", xlsx.errors);
        assert_eq!(xlsx.valid[0].fields, csv.valid[0].fields);
        assert!(xlsx.has_owner_column);
    }

    #[test]
    fn every_listed_choice_is_a_value_the_importer_accepts() {
        let settings = TenantSettings::default();
        for column in template_columns(&settings).into_iter().filter(|c| !c.choices.is_empty()) {
            for choice in &column.choices {
                let csv = format!("客户名称,电话,{}\n甲,13900000001,{choice}\n", column.header);
                let plan = super::super::plan(csv.as_bytes(), &settings, 10).unwrap();
                assert!(plan.errors.is_empty(), "{} = {choice}: {:?}", column.header, plan.errors);
            }
        }
    }
}
