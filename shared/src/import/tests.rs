use super::*;
use crate::customer::DuplicateField;

fn settings() -> TenantSettings {
    TenantSettings::default()
}

fn lines_of_errors(plan: &ImportPlan) -> Vec<(usize, Vec<&str>)> {
    plan.errors.iter().map(|e| (e.line, e.errors.iter().map(|f| f.path.as_str()).collect())).collect()
}

const CSV: &str = "客户名称,电话,公司,行业,地区,预计金额,客户价值,标签\n\
星辰科技,138 1234 5678,上海星辰科技有限公司,互联网,上海,12万,大客户,重点、华东\n\
,139 0000 0000,,零售业,广州,100,普通客户,\n\
坏电话,call me,坏电话公司,互联网,北京,abc,金牌,\n\
\n\
重复行,+86 138-1234-5678,别的公司,互联网,上海,1,,\n\
Acme,,Acme Inc.,Retail,Shenzhen,\"1,200\",potential,\n";

#[test]
fn maps_validates_and_reports_by_line() {
    let plan = plan(CSV.as_bytes(), &settings()).unwrap();
    assert_eq!(plan.rows, 5);
    assert_eq!(lines_of_errors(&plan), vec![(3, vec!["name"]), (4, vec!["amount", "tier", "phone"])]);
    assert_eq!(plan.in_file_duplicates, vec![ImportDuplicate { line: 6, field: DuplicateField::Phone, same_as_line: Some(2), taken_over: None }]);
    let valid: Vec<usize> = plan.valid.iter().map(|r| r.line).collect();
    assert_eq!(valid, vec![2, 7]);
    let first = &plan.valid[0].fields;
    assert_eq!((first.industry.as_deref(), first.region.as_deref(), first.amount), (Some("internet"), Some("east"), Some(120_000.0)));
    assert_eq!(first.tags, vec!["重点", "华东"]);
    assert_eq!(plan.valid[1].fields.amount, Some(1200.0));
    assert_eq!(plan.valid[1].keys.company.as_deref(), Some("acme"));
}

#[test]
fn gbk_and_bom_decode_to_the_same_plan() {
    let utf8 = plan(CSV.as_bytes(), &settings()).unwrap();
    let (gbk, _, had_errors) = encoding_rs::GBK.encode(CSV);
    assert!(!had_errors);
    assert_eq!(plan(&gbk, &settings()).unwrap(), utf8);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(CSV.as_bytes());
    assert_eq!(plan(&bom, &settings()).unwrap(), utf8);
}

#[test]
fn xlsx_reads_like_csv() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows: Vec<Vec<&str>> = CSV.lines().map(|l| l.split(',').collect()).collect();
    for (r, row) in rows.iter().enumerate().take(4) {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let plan = plan(&bytes, &settings()).unwrap();
    assert_eq!(plan.rows, 3);
    assert_eq!(plan.valid.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2]);
    assert_eq!(lines_of_errors(&plan)[0].0, 3);
}

#[test]
fn english_headers_and_company_as_name() {
    let csv = "Company,Mobile,E-mail,Stage,Next follow-up\nNova Labs Ltd.,13912345678,A@B.CN,Proposal,2026/12/01\n";
    let plan = plan(csv.as_bytes(), &settings()).unwrap();
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    let row = &plan.valid[0];
    assert_eq!(row.fields.name, "Nova Labs Ltd.");
    assert_eq!(row.fields.stage, "proposal");
    assert_eq!(row.keys.email.as_deref(), Some("a@b.cn"));
    assert_eq!(row.fields.next_follow_up_at.map(crate::time::format_date).as_deref(), Some("2026-12-01"));
}

#[test]
fn refuses_what_is_not_a_customer_table() {
    assert_eq!(plan(b"", &settings()), Err(ImportError::Empty));
    assert_eq!(plan("名称\n".as_bytes(), &settings()), Err(ImportError::Empty));
    assert_eq!(plan("颜色,尺寸\n红,大\n".as_bytes(), &settings()), Err(ImportError::MissingColumn("name")));
    assert!(matches!(plan(b"PK\x03\x04garbage", &settings()), Err(ImportError::Unreadable(_))));
}

#[test]
fn rows_without_keys_get_a_name_key() {
    let plan = plan("name\n张三\n张 三\n".as_bytes(), &settings()).unwrap();
    assert_eq!(plan.valid.len(), 1);
    assert_eq!(plan.valid[0].import_key.as_deref(), Some("name:张三"));
    assert_eq!(plan.in_file_duplicates.len(), 1);
}

#[test]
fn amounts() {
    for (text, expect) in [("¥1,200.5", Some(1200.5)), ("3.5 万元", Some(35_000.0)), ("12万", Some(120_000.0)), ("abc", None), ("", None)] {
        assert_eq!(parse_amount(text), expect, "{text}");
    }
}
