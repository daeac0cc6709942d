//! Bytes to rows of strings, one row at a time: XLSX through calamine's cell reader
//! (`xlsx`), CSV in UTF-8 (with or without a BOM) or GBK/GB18030, the encoding Excel in
//! China writes. Nothing here holds more than the row being read, and every row costs
//! time in proportion to its own length: a line number is counted forward from the
//! previous row's, never from the start of the file.

use std::borrow::Cow;

use super::{xlsx, ImportError, MAX_COLUMNS};

/// Hands every non-empty row to `row` in file order, the header row first, with its
/// 1-based line (the file's line for CSV, the sheet's row for XLSX). Stops at the first
/// error, whether the file's or one `row` returns: a caller refuses a file without
/// reading the rest of it.
///
/// # Errors
/// [`ImportError::Unreadable`], or a limit: a non-empty cell past [`MAX_COLUMNS`], or an
/// XLSX past what `xlsx::inspect` allows.
pub fn read_rows(bytes: &[u8], row: &mut dyn FnMut(usize, Vec<String>) -> Result<(), ImportError>) -> Result<(), ImportError> {
    let mut non_empty = |line: usize, cells: Vec<String>| if cells.iter().all(|c| c.trim().is_empty()) { Ok(()) } else { row(line, cells) };
    if bytes.starts_with(b"PK\x03\x04") {
        xlsx::read_rows(bytes, &mut non_empty)
    } else {
        read_csv(&decode_text(bytes), &mut non_empty)
    }
}

/// UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, borrowed rather than copied,
/// else GB18030, a superset of GBK and GB2312.
pub fn decode_text(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(encoding_rs::GB18030.decode(bytes).0.into_owned()),
    }
}

/// Counts lines forward: each call counts only the bytes since the previous one.
struct Lines {
    counted_to: usize,
    newlines: usize,
}

impl Lines {
    /// The 1-based line of `offset`, which never moves backwards between calls.
    fn at(&mut self, bytes: &[u8], offset: usize) -> usize {
        let offset = offset.clamp(self.counted_to, bytes.len());
        self.newlines += bytes[self.counted_to..offset].iter().filter(|b| **b == b'\n').count();
        self.counted_to = offset;
        self.newlines + 1
    }
}

fn read_csv(text: &str, row: &mut dyn FnMut(usize, Vec<String>) -> Result<(), ImportError>) -> Result<(), ImportError> {
    let input = text.as_bytes();
    // Excel writes ';' in some locales and tabs when saving "Unicode text"; pick the
    // delimiter the header row uses most.
    let first_line = &input[..input.iter().position(|b| *b == b'\n').unwrap_or(input.len())];
    let delimiter = [b',', b'\t', b';'].into_iter().max_by_key(|d| first_line.iter().filter(|b| *b == d).count()).unwrap_or(b',');
    // csv-core parses one field per call into our buffer, so the column bound is checked
    // field by field, before a record with ten million of them could be held.
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut lines = Lines { counted_to: 0, newlines: 0 };
    let mut at = 0;
    let mut field = vec![0u8; 256];
    let mut field_len = 0;
    let mut cells: Vec<String> = Vec::new();
    let mut record_start: Option<usize> = None;
    loop {
        record_start.get_or_insert(at);
        let (result, consumed, written) = reader.read_field(&input[at..], &mut field[field_len..]);
        at += consumed;
        field_len += written;
        match result {
            csv_core::ReadFieldResult::InputEmpty => {}
            csv_core::ReadFieldResult::OutputFull => field.resize(field.len() * 2, 0),
            csv_core::ReadFieldResult::Field { record_end } => {
                let value = std::str::from_utf8(&field[..field_len]).map_err(|e| ImportError::Unreadable(e.to_string()))?;
                if cells.len() < MAX_COLUMNS {
                    cells.push(value.to_string());
                } else if !value.trim().is_empty() {
                    let line = lines.at(input, skip_line_breaks(input, record_start.unwrap_or(at)));
                    return Err(ImportError::TooManyColumns { what: format!("line {line} has a value in column {}", cells.len() + 1) });
                }
                field_len = 0;
                if record_end {
                    // The record may begin with blank lines the parser skipped.
                    let start = skip_line_breaks(input, record_start.take().unwrap_or(at));
                    row(lines.at(input, start), std::mem::take(&mut cells))?;
                }
            }
            csv_core::ReadFieldResult::End => return Ok(()),
        }
    }
}

fn skip_line_breaks(input: &[u8], mut offset: usize) -> usize {
    while offset < input.len() && matches!(input[offset], b'\n' | b'\r') {
        offset += 1;
    }
    offset
}
