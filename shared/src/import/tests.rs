use super::*;
use crate::customer::DuplicateField;
use crate::ids::Role;

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
    let plan = plan(CSV.as_bytes(), &settings(), MAX_ROWS).unwrap();
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
    let utf8 = plan(CSV.as_bytes(), &settings(), MAX_ROWS).unwrap();
    let (gbk, _, had_errors) = encoding_rs::GBK.encode(CSV);
    assert!(!had_errors);
    assert_eq!(plan(&gbk, &settings(), MAX_ROWS).unwrap(), utf8);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(CSV.as_bytes());
    assert_eq!(plan(&bom, &settings(), MAX_ROWS).unwrap(), utf8);
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
    let plan = plan(&bytes, &settings(), MAX_ROWS).unwrap();
    assert_eq!(plan.rows, 3);
    assert_eq!(plan.valid.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2]);
    assert_eq!(lines_of_errors(&plan)[0].0, 3);
}

#[test]
fn english_headers_and_company_as_name() {
    let csv = "Company,Mobile,E-mail,Stage,Next follow-up\nNova Labs Ltd.,13912345678,A@B.CN,Proposal,2026/12/01\n";
    let plan = plan(csv.as_bytes(), &settings(), MAX_ROWS).unwrap();
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    let row = &plan.valid[0];
    assert_eq!(row.fields.name, "Nova Labs Ltd.");
    assert_eq!(row.fields.stage, "proposal");
    assert_eq!(row.keys.email.as_deref(), Some("a@b.cn"));
    assert_eq!(row.fields.next_follow_up_at.map(crate::time::format_date).as_deref(), Some("2026-12-01"));
}

#[test]
fn refuses_what_is_not_a_customer_table() {
    assert_eq!(plan(b"", &settings(), MAX_ROWS), Err(ImportError::Empty));
    assert_eq!(plan("名称\n".as_bytes(), &settings(), MAX_ROWS), Err(ImportError::Empty));
    assert_eq!(plan("颜色,尺寸\n红,大\n".as_bytes(), &settings(), MAX_ROWS), Err(ImportError::MissingColumn("name")));
    assert!(matches!(plan(b"PK\x03\x04garbage", &settings(), MAX_ROWS), Err(ImportError::Unreadable(_))));
}

#[test]
fn rows_without_keys_get_a_name_key() {
    let plan = plan("name\n张三\n张 三\n".as_bytes(), &settings(), MAX_ROWS).unwrap();
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

fn refusal(bytes: &[u8], max_rows: usize) -> (&'static str, Option<u64>) {
    match plan(bytes, &settings(), max_rows) {
        Err(e) => (e.code(), e.limit()),
        Ok(p) => panic!("planned {} rows", p.rows),
    }
}

#[test]
fn rows_past_the_limit_stop_the_reading() {
    // 200,000 short rows: refused at row 20,001, in time linear in what was read.
    let mut csv = String::from("name\n");
    for i in 0..200_000 {
        csv.push_str(&format!("c{i}\n"));
    }
    assert_eq!(refusal(csv.as_bytes(), MAX_ROWS), ("too_many_rows", Some(MAX_ROWS as u64)));
    assert_eq!(refusal(csv.as_bytes(), MAX_REP_ROWS), ("too_many_rows", Some(MAX_REP_ROWS as u64)));
    let Err(e) = plan(csv.as_bytes(), &settings(), 10) else { panic!() };
    assert!(e.message().contains("line 12"), "{}", e.message());
}

#[test]
fn a_full_import_is_read_in_linear_time_with_lines_counted_forward() {
    // 20,000 rows with blank lines and quoted line breaks between them: every line
    // number is still the file's.
    let mut csv = String::from("name,phone,note\n");
    for i in 0..MAX_ROWS {
        if i % 1000 == 0 {
            csv.push_str("\n\r\n");
        }
        csv.push_str(&format!("客户{i},139{i:08},\"two\nlines\"\n"));
    }
    let plan = plan(csv.as_bytes(), &settings(), MAX_ROWS).unwrap();
    assert_eq!((plan.rows, plan.valid.len()), (MAX_ROWS, MAX_ROWS), "{:?}", plan.errors.first());
    // Row i starts after the header, 2 lines per earlier row and 2 blank lines per started thousand.
    let line = |i: usize| 2 + 2 * i + 2 * (i / 1000 + 1);
    assert_eq!(plan.valid[0].line, line(0));
    assert_eq!(plan.valid[19_999].line, line(19_999));
}

#[test]
fn columns_past_the_limit_are_refused_where_they_stand() {
    let wide: Vec<String> = (0..=MAX_COLUMNS).map(|i| format!("col{i}")).collect();
    let csv = format!("name,{}\nA,1\n", wide.join(","));
    assert_eq!(refusal(csv.as_bytes(), MAX_ROWS), ("too_many_columns", Some(MAX_COLUMNS as u64)));
    // Ten million empty columns cost a scan, not a record: they are skipped unread.
    let mut header = String::from("name");
    header.push_str(&",".repeat(10_000_000));
    let plan = plan(format!("{header}\nA\n").as_bytes(), &settings(), MAX_ROWS).unwrap();
    assert_eq!(plan.valid.len(), 1);
    // And ten million filled ones stop at the first past the limit.
    let mut header = String::from("name");
    header.push_str(&",x".repeat(10_000_000));
    assert_eq!(refusal(header.as_bytes(), MAX_ROWS).0, "too_many_columns");
}

#[test]
fn files_past_the_byte_limit_are_refused_unread() {
    let big = vec![b'a'; MAX_IMPORT_BYTES + 1];
    assert_eq!(refusal(&big, MAX_ROWS), ("too_large", Some(MAX_IMPORT_BYTES as u64)));
}

fn xlsx(cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, c, text) in cells {
        sheet.write_string(*r, *c, *text).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn an_xlsx_declaring_every_cell_is_refused_before_its_cells() {
    // A1 and XFD1048576: 2 KB that calamine's Range would make rows × columns.
    let corners = xlsx(&[(0, 0, "name"), (1_048_575, 16_383, "x")]);
    assert!(corners.len() < 8_000, "{}", corners.len());
    assert_eq!(refusal(&corners, MAX_ROWS), ("too_many_columns", Some(MAX_COLUMNS as u64)));
    // A1 and A1048576: within the columns, past the rows.
    let tall = xlsx(&[(0, 0, "name"), (1_048_575, 0, "x")]);
    assert_eq!(refusal(&tall, MAX_ROWS), ("too_many_rows", Some(MAX_ROWS as u64)));
    // Rows counted as read: 1,001 rows for a rep.
    let rows: Vec<(u32, u16, String)> = (0..=MAX_REP_ROWS as u32 + 1).map(|r| (r, 0, if r == 0 { "name".to_string() } else { format!("c{r}") })).collect();
    let cells: Vec<(u32, u16, &str)> = rows.iter().map(|(r, c, t)| (*r, *c, t.as_str())).collect();
    assert_eq!(refusal(&xlsx(&cells), MAX_REP_ROWS), ("too_many_rows", Some(MAX_REP_ROWS as u64)));
    assert_eq!(plan(&xlsx(&cells), &settings(), MAX_ROWS).map(|p| p.rows), Ok(MAX_REP_ROWS + 1));
    // Sparse rows keep their sheet line numbers.
    let sparse = plan(&xlsx(&[(0, 0, "name"), (4, 0, "five"), (9, 2, "ignored"), (9, 0, "ten")]), &settings(), MAX_ROWS).unwrap();
    assert_eq!(sparse.valid.iter().map(|r| r.line).collect::<Vec<_>>(), vec![5, 10]);
}

#[test]
fn an_xlsx_that_unpacks_past_the_limit_is_refused_before_unpacking() {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    out.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..=(MAX_DECOMPRESSED_BYTES >> 20) {
        out.write_all(&zeros).unwrap();
    }
    let bomb = out.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    assert_eq!(refusal(&bomb, MAX_ROWS), ("decompressed_too_large", Some(MAX_DECOMPRESSED_BYTES)));
}

#[test]
fn an_xlsx_announcing_too_many_shared_strings_is_refused() {
    use std::io::Write;
    let sst = |count: &str| {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        out.start_file("xl/sharedStrings.xml", zip::write::SimpleFileOptions::default()).unwrap();
        write!(out, r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount={count}><si><t>a</t></si></sst>"#).unwrap();
        out.finish().unwrap().into_inner()
    };
    assert_eq!(refusal(&sst("\"2000000000\""), MAX_ROWS).0, "decompressed_too_large");
    assert_eq!(refusal(&sst("'99999999999999999999999'"), MAX_ROWS).0, "decompressed_too_large");
    // Within the limit, the file is read on (and here found to be no workbook).
    assert_eq!(refusal(&sst("\"3\""), MAX_ROWS).0, "unreadable_file");
    assert_eq!(inspect_xlsx(&sst("\"3\"")).map(|d| d.entries), Ok(1));
}

#[test]
fn parts_read_whole_are_bounded_in_elements() {
    use std::io::Write;
    let styles = |n: usize| {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        out.start_file("xl/styles.xml", zip::write::SimpleFileOptions::default()).unwrap();
        write!(out, "<styleSheet><cellXfs>{}</cellXfs></styleSheet>", "<xf/>".repeat(n)).unwrap();
        out.finish().unwrap().into_inner()
    };
    assert_eq!(refusal(&styles(MAX_PART_ELEMENTS + 1), MAX_ROWS), ("decompressed_too_large", Some(MAX_PART_ELEMENTS as u64)));
    assert_eq!(refusal(&styles(10), MAX_ROWS).0, "unreadable_file");
}

#[test]
fn a_huge_cell_is_an_error_of_its_row_not_a_list_of_millions() {
    let tags = "a,".repeat(1_000_000);
    let csv = format!("name,tags,note\nA,\"{tags}\",\"{tags}\"\nB,x,\n");
    let plan = plan(csv.as_bytes(), &settings(), MAX_ROWS).unwrap();
    assert_eq!(lines_of_errors(&plan), vec![(2, vec!["tags"])]);
    assert_eq!(plan.errors[0].errors[0].code, "too_long");
    assert_eq!(plan.valid.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3], "the note column is ignored, long or not");
}

#[test]
fn column_names() {
    for (index, name) in [(0, "A"), (25, "Z"), (26, "AA"), (255, "IV"), (16_383, "XFD")] {
        assert_eq!(column_name(index), name);
    }
}

#[test]
fn who_may_import() {
    assert_eq!(permit(Role::Admin, true), Ok(ImportPermit { max_rows: MAX_ROWS, dry_run_checks_all_stored: true }));
    assert_eq!(permit(Role::Manager, true), Ok(ImportPermit { max_rows: MAX_ROWS, dry_run_checks_all_stored: true }));
    assert_eq!(permit(Role::Rep, false), Ok(ImportPermit { max_rows: MAX_REP_ROWS, dry_run_checks_all_stored: false }));
    assert_eq!(permit(Role::Rep, true), Err(ImportRefusal::RepToPool));
}
