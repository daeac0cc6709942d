//! Import: spreadsheets people actually have (CSV in UTF-8, UTF-8 with BOM or GBK/GB18030,
//! and XLSX; headers in Chinese or English) into validated customers, with every bad row
//! reported by line number.
//!
//! [`plan`] does everything that needs no database: decoding, header mapping, validation
//! and duplicates within the file. The edge then checks the plan's keys against the
//! tenant's customers and writes.

mod columns;
mod decode;

use std::collections::HashMap;

pub use columns::{map_headers, Column};
pub use decode::{read_table, Table};

use crate::api::{CustomerInput, ImportDuplicate, ImportRowError};
use crate::customer::{DuplicateField, DuplicateKeys, Intent, Tier};
use crate::settings::TenantSettings;
use crate::validate::{check_customer, CustomerFields, FieldError};

/// Most rows one request may carry.
pub const MAX_ROWS: usize = 20_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Not CSV or XLSX, or corrupt.
    Unreadable(String),
    /// No header row or no data rows.
    Empty,
    /// A column every row needs is missing.
    MissingColumn(&'static str),
    TooManyRows(usize),
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Unreadable(_) => "unreadable_file",
            ImportError::Empty => "empty_file",
            ImportError::MissingColumn(_) => "missing_column",
            ImportError::TooManyRows(_) => "too_many_rows",
        }
    }

    pub fn message(&self) -> String {
        match self {
            ImportError::Unreadable(why) => format!("the file is neither readable CSV nor XLSX: {why}"),
            ImportError::Empty => "the file has no data rows under a header row".into(),
            ImportError::MissingColumn(c) => format!("no {c} column (客户名称/name, or 公司/company)"),
            ImportError::TooManyRows(n) => format!("{n} rows; at most {MAX_ROWS} per import"),
        }
    }
}

/// One valid row, ready to insert.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRow {
    /// 1-based line in the file; the header is line 1.
    pub line: usize,
    pub fields: CustomerFields,
    pub keys: DuplicateKeys,
    /// Identifies a row that has no duplicate key at all, so a re-import finds it.
    pub import_key: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportPlan {
    pub rows: usize,
    pub valid: Vec<PlannedRow>,
    pub errors: Vec<ImportRowError>,
    /// Valid rows that repeat an earlier row of the same file.
    pub in_file_duplicates: Vec<ImportDuplicate>,
    pub ignored_columns: Vec<String>,
}

/// Reads, maps and validates a whole file.
pub fn plan(bytes: &[u8], settings: &TenantSettings) -> Result<ImportPlan, ImportError> {
    let table = read_table(bytes)?;
    if table.rows.len() > MAX_ROWS {
        return Err(ImportError::TooManyRows(table.rows.len()));
    }
    let (columns, ignored_columns) = map_headers(&table.headers, settings);
    let has = |c: &Column| columns.iter().any(|x| x.as_ref() == Some(c));
    if !has(&Column::Name) && !has(&Column::Company) {
        return Err(ImportError::MissingColumn("name"));
    }
    let mut plan = ImportPlan { rows: table.rows.len(), ignored_columns, ..Default::default() };
    let mut first_seen: HashMap<(DuplicateField, String), usize> = HashMap::new();
    let mut names_seen: HashMap<String, usize> = HashMap::new();
    for (line, cells) in &table.rows {
        let (input, mut problems) = row_input(cells, &columns);
        let fields = match check_customer(&input, settings) {
            Ok(f) if problems.is_empty() => f,
            Ok(_) => {
                plan.errors.push(ImportRowError { line: *line, errors: problems });
                continue;
            }
            Err(mut more) => {
                problems.append(&mut more);
                plan.errors.push(ImportRowError { line: *line, errors: problems });
                continue;
            }
        };
        let keys = DuplicateKeys::of(fields.phone.as_deref(), fields.email.as_deref(), fields.company.as_deref());
        let import_key = keys.is_empty().then(|| format!("name:{}", crate::normalize::name_key(&fields.name)));
        let mut earlier = None;
        for (field, key) in [(DuplicateField::Phone, &keys.phone), (DuplicateField::Email, &keys.email), (DuplicateField::Company, &keys.company)] {
            if let Some(key) = key {
                if let Some(first) = first_seen.get(&(field, key.clone())) {
                    earlier.get_or_insert((field, *first));
                }
            }
        }
        if let Some(name) = &import_key {
            if let Some(first) = names_seen.get(name) {
                earlier.get_or_insert((DuplicateField::Company, *first));
            }
        }
        if let Some((field, first)) = earlier {
            plan.in_file_duplicates.push(ImportDuplicate { line: *line, field, same_as_line: Some(first), taken_over: None });
            continue;
        }
        for (field, key) in [(DuplicateField::Phone, &keys.phone), (DuplicateField::Email, &keys.email), (DuplicateField::Company, &keys.company)] {
            if let Some(key) = key {
                first_seen.insert((field, key.clone()), *line);
            }
        }
        if let Some(name) = &import_key {
            names_seen.insert(name.clone(), *line);
        }
        plan.valid.push(PlannedRow { line: *line, fields, keys, import_key });
    }
    Ok(plan)
}

/// Turns one row's cells into create input; problems that validation cannot see (an
/// unparseable amount or date) are returned beside it.
fn row_input(cells: &[String], columns: &[Option<Column>]) -> (CustomerInput, Vec<FieldError>) {
    let mut input = CustomerInput::default();
    let mut problems = Vec::new();
    let mut company_as_name = None;
    for (cell, column) in cells.iter().zip(columns) {
        // An export guards formula-like cells with `'` (`crate::cell`): read the value back.
        let value = crate::cell::unguard(cell).trim();
        let Some(column) = column else { continue };
        if value.is_empty() {
            continue;
        }
        let text = || Some(value.to_string());
        match column {
            Column::Name => input.name = value.to_string(),
            Column::Company => {
                input.company = text();
                company_as_name = text();
            }
            Column::ContactName => input.contact_name = text(),
            Column::Phone => input.phone = text(),
            Column::Email => input.email = text(),
            Column::Wechat => input.wechat = text(),
            Column::Industry => input.industry = text(),
            Column::Region => input.region = text(),
            Column::Source => input.source = text(),
            Column::Stage => input.stage = text(),
            Column::Amount => match parse_amount(value) {
                Some(a) => input.amount = Some(a),
                None => problems.push(FieldError::new("amount", "wrong_type", format!("{value} is not an amount"))),
            },
            Column::Tier => match Tier::parse(value) {
                Some(t) => input.tier = Some(t),
                None => problems.push(FieldError::new("tier", "not_in_list", "大客户/潜力客户/普通客户 or key/potential/regular")),
            },
            Column::Intent => match Intent::parse(value) {
                Some(i) => input.intent = Some(i),
                None => problems.push(FieldError::new("intent", "not_in_list", "高/中/低 or high/medium/low")),
            },
            Column::Tags => input.tags = value.split([',', '，', ';', '；', '、', '|']).map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
            Column::NextFollowUp => match parse_when(value) {
                Some(at) => input.next_follow_up_at = Some(at),
                None => problems.push(FieldError::new("next_follow_up_at", "wrong_type", format!("{value} is not a date"))),
            },
            Column::Custom(key) => {
                input.custom.insert(key.clone(), serde_json::Value::String(value.to_string()));
            }
        }
    }
    if input.name.trim().is_empty() {
        if let Some(company) = company_as_name {
            input.name = company;
        }
    }
    (input, problems)
}

/// "¥1,200,000.50", "12万", "3.5 万元" → a number.
pub fn parse_amount(text: &str) -> Option<f64> {
    let cleaned: String = text.chars().filter(|c| !matches!(c, '¥' | '￥' | ',' | '，' | ' ' | '元' | '$')).collect();
    let (number, factor) = match cleaned.strip_suffix('万') {
        Some(n) => (n, 10_000.0),
        None => (cleaned.as_str(), 1.0),
    };
    crate::number::parse(number).map(|n| n * factor)
}

fn parse_when(text: &str) -> Option<crate::time::Millis> {
    crate::time::parse_date(text).or_else(|| crate::number::parse(text).and_then(crate::time::from_excel_serial))
}

#[cfg(test)]
mod tests;
