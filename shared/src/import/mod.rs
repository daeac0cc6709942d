//! Import: spreadsheets people actually have (CSV in UTF-8, UTF-8 with BOM or GBK/GB18030,
//! and XLSX; headers in Chinese or English) into validated customers, with every bad row
//! reported by line number.
//!
//! [`plan`] does everything that needs no database: decoding, header mapping, validation
//! and duplicates within the file. The edge then checks the plan's keys against the
//! tenant's customers and writes.
//!
//! Every bound is checked before the work it bounds, so no file — a careless user's
//! huge spreadsheet or a crafted one — costs more than the limits allow: the body's size
//! ([`MAX_IMPORT_BYTES`]) before it is read, an XLSX's parts and shared strings before they
//! are unpacked (`xlsx`), columns field by field, rows one at a time ([`MAX_ROWS`], or
//! [`MAX_REP_ROWS`] for a rep, [`permit`]). Reading is linear: rows are read one after
//! another, never the whole table at once, and lines are counted forward.

mod columns;
mod decode;
mod owners;
mod permit;
mod template;
mod workbook;
mod xlsx;

use std::collections::HashMap;

pub use columns::{map_headers, Column};
pub use decode::{decode_text, read_rows};
pub use owners::{assign_owners, DirectoryUser, Importer, OwnerDirectory};
pub use permit::{permit, ImportPermit, ImportRefusal};
pub use template::{template_columns, template_csv, template_xlsx};
pub use workbook::SheetColumn;
pub use xlsx::{column_name, inspect as inspect_xlsx, Declared};

use crate::api::{CustomerInput, ImportDuplicate, ImportRowError};
use crate::customer::{DuplicateField, DuplicateKeys, Intent};
use crate::field_error::FieldError;
use crate::settings::TenantSettings;
use crate::validate::{check_customer, CustomerFields};

/// Largest file one import may send (20 MiB): refused before it is read.
pub const MAX_IMPORT_BYTES: usize = 20 << 20;
/// Most data rows (under the header) one import may carry; reading stops at the next.
pub const MAX_ROWS: usize = 20_000;
/// Most data rows a rep's import may carry: a rep imports their own book of contacts, at
/// most a day's budget of new phones and e-mails (`contact_budget`), which the import
/// spends; a bigger list (a purchase, a trade fair, a migration) is a manager's import.
pub const MAX_REP_ROWS: usize = crate::contact_budget::CONTACT_KEYS_PER_DAY as usize;
/// Most columns a row may have values in; empty cells beyond are skipped unread.
pub const MAX_COLUMNS: usize = 256;
/// Most bytes a cell of a mapped column may hold: every field's own limit is far below
/// (200 characters; 20 tags of 30), so a longer cell is an error of its row, refused
/// before it is split into tags or options.
pub const MAX_CELL_BYTES: usize = 8 << 10;
/// Most bytes an XLSX's parts may unpack to, all together, as its zip directory
/// declares them (the zip reader holds every part to its declared size).
pub const MAX_DECOMPRESSED_BYTES: u64 = 64 << 20;
/// Most parts (zip entries) an XLSX may have; Excel writes about a dozen.
pub const MAX_ZIP_ENTRIES: usize = 1_000;
/// Most bytes an XLSX's shared-string table may unpack to: calamine holds it whole.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 16 << 20;
/// Most strings an XLSX's shared-string table may announce: calamine reserves room for
/// as many as it announces.
pub const MAX_SHARED_STRINGS: usize = 1_000_000;
/// Most bytes each other part calamine reads whole may unpack to (styles, workbook,
/// relationships).
pub const MAX_PART_BYTES: u64 = 4 << 20;
/// Most elements each of those parts may have: calamine keeps an object per style record
/// (Excel itself allows 64,000 cell formats).
pub const MAX_PART_ELEMENTS: usize = 100_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Not CSV or XLSX, or corrupt.
    Unreadable(String),
    /// No header row or no data rows.
    Empty,
    /// A column every row needs is missing.
    MissingColumn(&'static str),
    /// The file is larger than [`MAX_IMPORT_BYTES`].
    TooLarge { bytes: usize },
    /// More data rows than the import allows (`limit`), or an XLSX declaring more.
    TooManyRows { limit: usize, what: String },
    /// A value past [`MAX_COLUMNS`], or an XLSX declaring its range past it.
    TooManyColumns { what: String },
    /// An XLSX whose parts would unpack past [`MAX_DECOMPRESSED_BYTES`].
    DecompressedTooLarge { declared: u64 },
    /// An XLSX with more than [`MAX_ZIP_ENTRIES`] parts.
    TooManyParts { found: usize },
    /// An XLSX whose shared-string table is past [`MAX_SHARED_STRINGS_BYTES`] or
    /// announces more than [`MAX_SHARED_STRINGS`] strings, or whose styles, workbook or
    /// relationships are past [`MAX_PART_BYTES`] or [`MAX_PART_ELEMENTS`].
    PartTooLarge { what: String, limit: u64, unit: &'static str },
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Unreadable(_) => "unreadable_file",
            ImportError::Empty => "empty_file",
            ImportError::MissingColumn(_) => "missing_column",
            ImportError::TooLarge { .. } => "too_large",
            ImportError::TooManyRows { .. } => "too_many_rows",
            ImportError::TooManyColumns { .. } => "too_many_columns",
            ImportError::DecompressedTooLarge { .. } | ImportError::TooManyParts { .. } | ImportError::PartTooLarge { .. } => "decompressed_too_large",
        }
    }

    pub fn message(&self) -> String {
        match self {
            ImportError::Unreadable(why) => format!("the file is neither readable CSV nor XLSX: {why}"),
            ImportError::Empty => "the file has no data rows under a header row".into(),
            ImportError::MissingColumn(c) => format!("no {c} column (客户名称/name, or 公司/company)"),
            ImportError::TooLarge { bytes } => format!("the file is {bytes} bytes; at most {MAX_IMPORT_BYTES} bytes (20 MiB) per import"),
            ImportError::TooManyRows { limit, what } => format!("{what}; at most {limit} data rows per import: split the file"),
            ImportError::TooManyColumns { what } => format!("{what}; at most {MAX_COLUMNS} columns: delete the columns outside the table"),
            ImportError::DecompressedTooLarge { declared } => {
                format!("the workbook's parts unpack to {declared} bytes; at most {MAX_DECOMPRESSED_BYTES} bytes (64 MiB): keep only the sheet to import, or save it as CSV")
            }
            ImportError::TooManyParts { found } => format!("the workbook has {found} parts; at most {MAX_ZIP_ENTRIES}: save the sheet to import as CSV"),
            ImportError::PartTooLarge { what, limit, unit } => format!("{what}; at most {limit} {unit}: save the sheet to import as CSV"),
        }
    }

    /// The limit a refused file went past (the number its message names), if that is why
    /// it was refused: the edge answers those as too large, the rest as bad requests.
    pub fn limit(&self) -> Option<u64> {
        match self {
            ImportError::Unreadable(_) | ImportError::Empty | ImportError::MissingColumn(_) => None,
            ImportError::TooLarge { .. } => Some(MAX_IMPORT_BYTES as u64),
            ImportError::TooManyRows { limit, .. } => Some(*limit as u64),
            ImportError::TooManyColumns { .. } => Some(MAX_COLUMNS as u64),
            ImportError::DecompressedTooLarge { .. } => Some(MAX_DECOMPRESSED_BYTES),
            ImportError::TooManyParts { .. } => Some(MAX_ZIP_ENTRIES as u64),
            ImportError::PartTooLarge { limit, .. } => Some(*limit),
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
    /// What the owner column (负责人) says; once [`assign_owners`] has run, the id of the
    /// user it names.
    pub owner: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportPlan {
    pub rows: usize,
    pub valid: Vec<PlannedRow>,
    pub errors: Vec<ImportRowError>,
    /// Valid rows that repeat an earlier row of the same file.
    pub in_file_duplicates: Vec<ImportDuplicate>,
    pub ignored_columns: Vec<String>,
    /// The headers read, with the field each fills (`ImportReport::columns`).
    pub columns: Vec<crate::api::ImportColumn>,
    /// Whether the file has an owner column.
    pub has_owner_column: bool,
}

/// Reads, maps and validates a whole file of at most `max_rows` data rows, one row at a
/// time: a file past a limit is refused where it goes past it, not after it was read.
///
/// # Errors
/// The file is unreadable, has no header or no data rows, lacks a name column, or goes
/// past a limit (see [`ImportError::limit`]).
pub fn plan(bytes: &[u8], settings: &TenantSettings, max_rows: usize) -> Result<ImportPlan, ImportError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { bytes: bytes.len() });
    }
    let mut planner = Planner { settings, max_rows, columns: None, plan: ImportPlan::default(), first_seen: HashMap::new(), names_seen: HashMap::new() };
    read_rows(bytes, &mut |line, cells| planner.row(line, &cells))?;
    match planner.columns {
        Some(_) if planner.plan.rows > 0 => Ok(planner.plan),
        _ => Err(ImportError::Empty),
    }
}

struct Planner<'a> {
    settings: &'a TenantSettings,
    max_rows: usize,
    /// The header row's columns, once read.
    columns: Option<Vec<Option<Column>>>,
    plan: ImportPlan,
    first_seen: HashMap<(DuplicateField, String), usize>,
    names_seen: HashMap<String, usize>,
}

impl Planner<'_> {
    fn row(&mut self, line: usize, cells: &[String]) -> Result<(), ImportError> {
        let Some(columns) = &self.columns else {
            let (columns, ignored_columns) = map_headers(cells, self.settings);
            let has = |c: &Column| columns.iter().any(|x| x.as_ref() == Some(c));
            if !has(&Column::Name) && !has(&Column::Company) {
                return Err(ImportError::MissingColumn("name"));
            }
            self.plan.ignored_columns = ignored_columns;
            self.plan.columns =
                cells.iter().zip(&columns).filter_map(|(h, c)| Some(crate::api::ImportColumn { header: h.trim().trim_start_matches('\u{feff}').to_string(), field: c.as_ref()?.path() })).collect();
            self.plan.has_owner_column = has(&Column::Owner);
            self.columns = Some(columns);
            return Ok(());
        };
        self.plan.rows += 1;
        if self.plan.rows > self.max_rows {
            return Err(ImportError::TooManyRows { limit: self.max_rows, what: format!("more than {} data rows (line {line} is one too many)", self.max_rows) });
        }
        let plan = &mut self.plan;
        let (input, mut problems, owner) = row_input(cells, columns, self.settings);
        let fields = match check_customer(&input, self.settings) {
            Ok(f) if problems.is_empty() => f,
            Ok(_) => {
                plan.errors.push(ImportRowError { line, errors: problems });
                return Ok(());
            }
            Err(mut more) => {
                problems.append(&mut more);
                plan.errors.push(ImportRowError { line, errors: problems });
                return Ok(());
            }
        };
        let keys = DuplicateKeys::of(fields.phone.as_deref(), fields.email.as_deref(), fields.company.as_deref());
        let import_key = keys.is_empty().then(|| format!("name:{}", crate::normalize::name_key(&fields.name)));
        let mut earlier = None;
        for (field, key) in [(DuplicateField::Phone, &keys.phone), (DuplicateField::Email, &keys.email), (DuplicateField::Company, &keys.company)] {
            if let Some(key) = key {
                if let Some(first) = self.first_seen.get(&(field, key.clone())) {
                    earlier.get_or_insert((field, *first));
                }
            }
        }
        if let Some(name) = &import_key {
            if let Some(first) = self.names_seen.get(name) {
                earlier.get_or_insert((DuplicateField::Company, *first));
            }
        }
        if let Some((field, first)) = earlier {
            plan.in_file_duplicates.push(ImportDuplicate { line, field, same_as_line: Some(first), taken_over: None });
            return Ok(());
        }
        for (field, key) in [(DuplicateField::Phone, &keys.phone), (DuplicateField::Email, &keys.email), (DuplicateField::Company, &keys.company)] {
            if let Some(key) = key {
                self.first_seen.insert((field, key.clone()), line);
            }
        }
        if let Some(name) = &import_key {
            self.names_seen.insert(name.clone(), line);
        }
        plan.valid.push(PlannedRow { line, fields, keys, import_key, owner });
        Ok(())
    }
}

/// Turns one row's cells into create input; problems that validation cannot see (an
/// unparseable amount or date, a cell past [`MAX_CELL_BYTES`]) are returned beside it,
/// and so is the owner cell, which names a user rather than a field.
fn row_input(cells: &[String], columns: &[Option<Column>], settings: &TenantSettings) -> (CustomerInput, Vec<FieldError>, Option<String>) {
    let mut input = CustomerInput::default();
    let mut owner = None;
    let mut problems = Vec::new();
    let mut company_as_name = None;
    for (cell, column) in cells.iter().zip(columns) {
        // An export guards formula-like cells with `'` (`crate::cell`): read the value back.
        let value = crate::cell::unguard(cell).trim();
        let Some(column) = column else { continue };
        if value.is_empty() {
            continue;
        }
        if value.len() > MAX_CELL_BYTES {
            problems.push(FieldError::new(column.path(), "too_long", format!("{} bytes in one cell; at most {MAX_CELL_BYTES}", value.len())));
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
            Column::Tier => match settings.resolve_tier(value) {
                Some(t) => input.tier = Some(t),
                None => problems.push(FieldError::new("tier", "not_in_list", format!("{value} is not a value tier: one of {}", settings.tier_words()))),
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
            Column::Owner => owner = text(),
        }
    }
    if input.name.trim().is_empty() {
        if let Some(company) = company_as_name {
            input.name = company;
        }
    }
    (input, problems, owner)
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
