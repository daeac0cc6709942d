//! Bytes to a table of strings: XLSX through calamine, CSV in UTF-8 (with or without a
//! BOM) or GBK/GB18030, the encoding Excel in China writes.

use std::io::Cursor;

use super::ImportError;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    /// Non-empty data rows with their 1-based line numbers (the header is line 1).
    pub rows: Vec<(usize, Vec<String>)>,
}

pub fn read_table(bytes: &[u8]) -> Result<Table, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else {
        read_csv(&decode_text(bytes))
    }
}

/// UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else GB18030, a superset of
/// GBK and GB2312.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn read_csv(text: &str) -> Result<Table, ImportError> {
    // Excel writes ';' in some locales and tabs when saving "Unicode text"; pick the
    // delimiter the header row uses most.
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut table = Table::default();
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Unreadable(e.to_string()))?;
        // Line numbers from byte offsets: the reader's own count skips blank lines.
        // (The position may point at blank lines before the record.)
        let mut offset = record.position().map_or(0, |p| p.byte() as usize).min(text.len());
        while offset < text.len() && matches!(text.as_bytes()[offset], b'\n' | b'\r') {
            offset += 1;
        }
        let line = text.as_bytes()[..offset].iter().filter(|b| **b == b'\n').count() + 1;
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        push_row(&mut table, line, cells);
    }
    finish(table)
}

fn push_row(table: &mut Table, line: usize, cells: Vec<String>) {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return;
    }
    if table.headers.is_empty() {
        table.headers = cells;
    } else {
        table.rows.push((line, cells));
    }
}

fn finish(table: Table) -> Result<Table, ImportError> {
    if table.headers.is_empty() || table.rows.is_empty() {
        Err(ImportError::Empty)
    } else {
        Ok(table)
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ImportError> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError::Unreadable("the workbook has no sheet".into()))?
        .map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut table = Table::default();
    for (i, row) in range.rows().enumerate() {
        let cells = row
            .iter()
            .map(|cell| match cell {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Int(n) => n.to_string(),
                Data::Bool(b) => b.to_string(),
                // Dates stay Excel serials; the importer reads those as dates.
                Data::DateTime(d) => d.as_f64().to_string(),
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(e) => format!("#{e:?}"),
            })
            .collect();
        push_row(&mut table, first_row + i + 1, cells);
    }
    finish(table)
}
