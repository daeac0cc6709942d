//! The console's logic without a browser: form drafts and the bodies they become, the
//! dry run's rows, the error file, the order of stages. Plain Rust with native tests.

use shared::allocation::Level;
use shared::api::{ImportReport, RepInput, RepPatch, RepView};
use shared::field_error::FieldError;
use shared::ids::Role;

/// A list typed in one field: separated by commas (either width) or 、, blanks dropped.
pub fn list(text: &str) -> Vec<String> {
    text.split([',', '，', '、']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// What the rep form holds while someone types: strings as typed, lists as chosen.
#[derive(Clone, Debug, PartialEq)]
pub struct RepDraft {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub team: String,
    pub level: Level,
    pub industries: Vec<String>,
    pub regions: Vec<String>,
    pub capacity: String,
}

impl Default for RepDraft {
    fn default() -> RepDraft {
        RepDraft { id: String::new(), name: String::new(), role: Role::Rep, team: String::new(), level: Level::Junior, industries: Vec::new(), regions: Vec::new(), capacity: "50".into() }
    }
}

impl RepDraft {
    pub fn of(rep: &RepView) -> RepDraft {
        RepDraft {
            id: rep.id.clone(),
            name: rep.name.clone(),
            role: rep.role,
            team: rep.team.clone().unwrap_or_default(),
            level: rep.level,
            industries: rep.industries.clone(),
            regions: rep.regions.clone(),
            capacity: rep.capacity.to_string(),
        }
    }

    fn capacity(&self) -> Result<u32, FieldError> {
        self.capacity.trim().parse().map_err(|_| FieldError::new("capacity", "wrong_type", "a whole number of customers"))
    }

    fn team(&self) -> Option<String> {
        Some(self.team.trim().to_string()).filter(|t| !t.is_empty())
    }

    /// The `POST /reps` body (then checked by `shared::reps::RepFields::from_input`).
    pub fn input(&self) -> Result<RepInput, Vec<FieldError>> {
        let capacity = self.capacity().map_err(|e| vec![e])?;
        Ok(RepInput {
            id: self.id.trim().to_string(),
            name: self.name.clone(),
            role: Some(self.role),
            team: self.team(),
            level: self.level,
            industries: self.industries.clone(),
            regions: self.regions.clone(),
            capacity,
            active: true,
        })
    }

    /// The `PATCH /reps/{id}` body: only what differs from `rep` as read, so a colleague's
    /// edit of another field is never written back.
    pub fn patch(&self, rep: &RepView) -> Result<RepPatch, Vec<FieldError>> {
        let capacity = self.capacity().map_err(|e| vec![e])?;
        let changed = |a: &Vec<String>, b: &Vec<String>| (a != b).then(|| a.clone());
        Ok(RepPatch {
            name: (self.name != rep.name).then(|| self.name.clone()),
            team: (self.team() != rep.team).then(|| self.team()),
            level: (self.level != rep.level).then_some(self.level),
            industries: changed(&self.industries, &rep.industries),
            regions: changed(&self.regions, &rep.regions),
            capacity: (capacity != rep.capacity).then_some(capacity),
            active: None,
        })
    }
}

/// A rep's directory fields as `shared::reps` validates them.
pub fn fields_of(rep: &RepView) -> shared::reps::RepFields {
    shared::reps::RepFields {
        name: rep.name.clone(),
        role: rep.role,
        team: rep.team.clone(),
        level: rep.level,
        industries: rep.industries.clone(),
        regions: rep.regions.clone(),
        capacity: rep.capacity,
        active: rep.active,
    }
}

/// One line of the dry run's table: its problems, or the customer it duplicates.
#[derive(Clone, Debug, PartialEq)]
pub struct RowOutcome {
    pub line: usize,
    pub errors: Vec<FieldError>,
    /// `phone`, `email` or `company`, and the earlier line of the same file if any.
    pub duplicate: Option<(String, Option<usize>)>,
}

/// The rows the dry run has something to say about, by line.
pub fn outcomes(report: &ImportReport) -> Vec<RowOutcome> {
    let mut rows: Vec<RowOutcome> = report.errors.iter().map(|e| RowOutcome { line: e.line, errors: e.errors.clone(), duplicate: None }).collect();
    for d in &report.duplicates {
        let field = serde_json::to_value(d.field).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        rows.push(RowOutcome { line: d.line, errors: Vec::new(), duplicate: Some((field, d.same_as_line)) });
    }
    rows.sort_by_key(|r| r.line);
    rows
}

/// Most records the error file copies from the chosen file (the import's own row limit).
const MAX_RECORDS: usize = 20_001;

/// A CSV text's records, quotes and doubled quotes and line breaks inside quotes read as
/// RFC 4180 says: the error file repeats each bad row as it was. At most [`MAX_RECORDS`].
pub fn records(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                out.push(std::mem::take(&mut record));
                if out.len() >= MAX_RECORDS {
                    return out;
                }
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        out.push(record);
    }
    out
}

/// The errors of a dry run as a CSV file Excel opens correctly (UTF-8 with a BOM, CRLF):
/// line, field, problem, then the row's own cells when the file's records are known
/// (`records[0]` is its header). Every cell passes `shared::cell::guard`, like every CSV
/// Allot writes, so none runs as a formula.
pub fn error_csv(report: &ImportReport, records: &[Vec<String>], zh: bool) -> String {
    let head: [&str; 4] = if zh { ["行号", "字段", "问题", "说明"] } else { ["line", "field", "problem", "message"] };
    let mut out = String::from("\u{feff}");
    let mut push_row = |cells: &mut dyn Iterator<Item = &str>| {
        let row: Vec<String> = cells.map(quote).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    };
    let header: Vec<&str> = head.iter().copied().chain(records.first().into_iter().flatten().map(String::as_str)).collect();
    push_row(&mut header.into_iter());
    for row in &report.errors {
        let original: Vec<&str> = records.get(row.line.saturating_sub(1)).filter(|_| row.line > 1).into_iter().flatten().map(String::as_str).collect();
        let line = row.line.to_string();
        let fields: Vec<&str> = row.errors.iter().map(|e| e.path.as_str()).collect();
        let codes: Vec<&str> = row.errors.iter().map(|e| e.code.as_str()).collect();
        let messages: Vec<&str> = row.errors.iter().map(|e| e.message.as_str()).collect();
        let (fields, codes, messages) = (fields.join("; "), codes.join("; "), messages.join("; "));
        push_row(&mut [line.as_str(), fields.as_str(), codes.as_str(), messages.as_str()].into_iter().chain(original));
    }
    out
}

fn quote(cell: &str) -> String {
    let cell = shared::cell::guard(cell);
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.into_owned()
    }
}

/// `items` with the one at `from` moved to `to` (both clamped): a drag or an up/down press.
pub fn moved<T: Clone>(items: &[T], from: usize, to: usize) -> Vec<T> {
    let mut out = items.to_vec();
    if from < out.len() {
        let item = out.remove(from);
        out.insert(to.min(out.len()), item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::{ImportDuplicate, ImportRowError};
    use shared::customer::DuplicateField;

    fn rep() -> RepView {
        RepView {
            id: "rep-a".into(),
            name: "王".into(),
            role: Role::Rep,
            team: Some("east".into()),
            level: Level::Junior,
            industries: vec!["retail".into()],
            regions: vec!["east".into()],
            capacity: 50,
            active: true,
            held: 3,
            held_value: 0.0,
            performance: Default::default(),
        }
    }

    #[test]
    fn a_patch_sends_only_what_changed() {
        let mut draft = RepDraft::of(&rep());
        assert_eq!(draft.patch(&rep()), Ok(RepPatch::default()));
        draft.capacity = " 80 ".into();
        draft.team = "".into();
        let patch = draft.patch(&rep()).unwrap();
        assert_eq!(patch, RepPatch { capacity: Some(80), team: Some(None), ..Default::default() });
        draft.capacity = "lots".into();
        assert_eq!(draft.patch(&rep()).unwrap_err()[0].path, "capacity");
        let input = RepDraft { id: " rep-z ".into(), name: "赵".into(), ..Default::default() }.input().unwrap();
        assert_eq!((input.id.as_str(), input.capacity, input.team), ("rep-z", 50, None));
    }

    #[test]
    fn csv_records_keep_quotes_commas_and_line_breaks() {
        let text = "\u{feff}名称,电话\r\n\"A, Inc\",\"1\"\"2\"\r\n\"two\nlines\",3\nlast,";
        assert_eq!(records(text), vec![vec!["名称", "电话"], vec!["A, Inc", "1\"2"], vec!["two\nlines", "3"], vec!["last", ""]]);
    }

    #[test]
    fn the_error_file_has_a_bom_each_bad_row_and_no_formula() {
        let report = ImportReport {
            rows: 3,
            errors: vec![ImportRowError { line: 3, errors: vec![FieldError::new("phone", "invalid_phone", "not a phone")] }],
            duplicates: vec![ImportDuplicate { line: 2, field: DuplicateField::Phone, same_as_line: None, taken_over: None }],
            ..Default::default()
        };
        let records = records("name,phone\nok,13800000000\n=cmd(),12\n");
        let csv = error_csv(&report, &records, false);
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines, ["line,field,problem,message,name,phone", "3,phone,invalid_phone,not a phone,'=cmd(),12", ""]);
        let rows = outcomes(&report);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(rows[0].duplicate, Some(("phone".into(), None)));
    }

    #[test]
    fn moving_an_item_up_down_and_past_the_ends() {
        assert_eq!(moved(&[1, 2, 3], 2, 0), [3, 1, 2]);
        assert_eq!(moved(&[1, 2, 3], 0, 1), [2, 1, 3]);
        assert_eq!(moved(&[1, 2, 3], 0, 9), [2, 3, 1]);
        assert_eq!(moved(&[1, 2, 3], 5, 0), [1, 2, 3]);
    }
}
