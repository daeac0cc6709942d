//! XLSX, bounded before it is unpacked. An XLSX is a zip of XML parts, and a small file
//! can declare or unpack into almost anything: parts that inflate to gigabytes (a zip
//! bomb), a sheet whose declared range is every cell Excel has, a shared-string table
//! announcing a billion entries (calamine reserves room for them). So, in this order and
//! before calamine unpacks a byte:
//!
//! 1. the zip's central directory is bounded: at most [`MAX_ZIP_ENTRIES`] entries (counted
//!    by their signatures in the file, so no directory is parsed first), and their
//!    declared unpacked sizes sum to at most [`MAX_DECOMPRESSED_BYTES`]; the zip reader
//!    refuses to inflate an entry past its declared size, so the declaration binds;
//! 2. the shared-string table is at most [`MAX_SHARED_STRINGS_BYTES`] unpacked and
//!    announces at most [`MAX_SHARED_STRINGS`] entries; the other parts calamine reads
//!    whole when it opens a workbook and keeps an object for each element of (styles —
//!    one for every `<xf/>`, five bytes each —, the workbook, relationships) are at most
//!    [`MAX_PART_BYTES`] unpacked and [`MAX_PART_ELEMENTS`] elements each;
//! 3. the first sheet's declared dimension is within [`MAX_ROWS`] + 1 rows and
//!    [`MAX_COLUMNS`] columns;
//!
//! and the cells are then read one at a time in file order (calamine's cell reader, not
//! its `Range`, which allocates rows × columns), each row handed on as soon as it ends,
//! with a non-empty cell past the last allowed column refused where it stands.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};

use super::{ImportError, MAX_COLUMNS, MAX_DECOMPRESSED_BYTES, MAX_PART_BYTES, MAX_PART_ELEMENTS, MAX_ROWS, MAX_SHARED_STRINGS, MAX_SHARED_STRINGS_BYTES, MAX_ZIP_ENTRIES};

/// A zip's central directory file header signature.
const CENTRAL_HEADER: &[u8] = b"PK\x01\x02";

/// How far into the shared-string part its `<sst …>` tag must have ended.
const SST_HEAD_BYTES: u64 = 64 << 10;

/// What the zip's directory declares, checked against the limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    pub entries: usize,
    pub unpacked_bytes: u64,
}

/// Checks what the archive declares (entries, unpacked sizes, the shared-string table)
/// without inflating anything but the head of the shared-string part.
pub fn inspect(bytes: &[u8]) -> Result<Declared, ImportError> {
    // Every entry the zip reader can list starts with this signature somewhere in the
    // file, so their count bounds the directory before the reader allocates for it.
    let signatures = bytes.windows(CENTRAL_HEADER.len()).filter(|w| *w == CENTRAL_HEADER).count();
    if signatures > MAX_ZIP_ENTRIES {
        return Err(ImportError::TooManyParts { found: signatures });
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut unpacked: u64 = 0;
    let mut shared_strings = Vec::new();
    let mut held_whole = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(unreadable)?;
        unpacked = unpacked.saturating_add(entry.size());
        let name = entry.name().map_err(unreadable)?.to_ascii_lowercase();
        if name.ends_with("sharedstrings.xml") {
            shared_strings.push((i, entry.size()));
        } else if name.ends_with(".rels") || name.ends_with("workbook.xml") || name.ends_with("styles.xml") {
            held_whole.push((i, name, entry.size()));
        }
    }
    if unpacked > MAX_DECOMPRESSED_BYTES {
        return Err(ImportError::DecompressedTooLarge { declared: unpacked });
    }
    for (index, size) in shared_strings {
        if size > MAX_SHARED_STRINGS_BYTES {
            return Err(ImportError::PartTooLarge { what: format!("its shared-string table unpacks to {size} bytes"), limit: MAX_SHARED_STRINGS_BYTES, unit: "bytes" });
        }
        let mut head = Vec::new();
        archive.by_index(index).map_err(unreadable)?.take(SST_HEAD_BYTES).read_to_end(&mut head).map_err(|e| ImportError::Unreadable(e.to_string()))?;
        if let Some(count) = announced_strings(&head)? {
            if count > MAX_SHARED_STRINGS as u64 {
                return Err(ImportError::PartTooLarge { what: format!("its shared-string table announces {count} strings"), limit: MAX_SHARED_STRINGS as u64, unit: "strings" });
            }
        }
    }
    for (index, name, size) in held_whole {
        if size > MAX_PART_BYTES {
            return Err(ImportError::PartTooLarge { what: format!("its part {name} unpacks to {size} bytes"), limit: MAX_PART_BYTES, unit: "bytes" });
        }
        let mut part = Vec::new();
        archive.by_index(index).map_err(unreadable)?.take(MAX_PART_BYTES).read_to_end(&mut part).map_err(|e| ImportError::Unreadable(e.to_string()))?;
        let elements = part.windows(2).filter(|w| w[0] == b'<' && w[1].is_ascii_alphabetic()).count();
        if elements > MAX_PART_ELEMENTS {
            return Err(ImportError::PartTooLarge { what: format!("its part {name} has {elements} elements"), limit: MAX_PART_ELEMENTS as u64, unit: "elements" });
        }
    }
    Ok(Declared { entries: archive.len(), unpacked_bytes: unpacked })
}

/// The `uniqueCount` the `<sst>` start tag announces (calamine reserves that many
/// strings). A part whose tag does not end within its first 64 KiB is refused.
fn announced_strings(head: &[u8]) -> Result<Option<u64>, ImportError> {
    let malformed = || ImportError::Unreadable("the shared-string table does not start with its <sst> tag".into());
    let text = String::from_utf8_lossy(head);
    let mut rest = text.as_ref();
    let tag = loop {
        let Some(open) = rest.find('<') else { return Err(malformed()) };
        rest = &rest[open + 1..];
        let name_end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/').ok_or_else(malformed)?;
        let name = &rest[..name_end];
        if name == "sst" || name.ends_with(":sst") {
            let close = rest.find('>').ok_or_else(malformed)?;
            break &rest[..close];
        }
    };
    let Some(at) = tag.find("uniqueCount") else { return Ok(None) };
    let value = tag[at + "uniqueCount".len()..].trim_start().strip_prefix('=').map(str::trim_start).ok_or_else(malformed)?;
    let value = value.strip_prefix(['"', '\'']).ok_or_else(malformed)?;
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    // More digits than a u64 holds is more strings than any limit.
    Ok(Some(digits.parse::<u64>().unwrap_or(u64::MAX)))
}

fn unreadable(e: zip::result::ZipError) -> ImportError {
    ImportError::Unreadable(e.to_string())
}

/// Reads the first sheet's non-empty rows in order (see [`super::read_rows`]).
pub fn read_rows(bytes: &[u8], row: &mut dyn FnMut(usize, Vec<String>) -> Result<(), ImportError>) -> Result<(), ImportError> {
    inspect(bytes)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let name = workbook.sheet_names().into_iter().next().ok_or_else(|| ImportError::Unreadable("the workbook has no sheet".into()))?;
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let declared = cells.dimensions();
    let (first_row, last_row) = (declared.start.0.min(declared.end.0), declared.start.0.max(declared.end.0));
    let last_column = declared.start.1.max(declared.end.1);
    if last_column as usize >= MAX_COLUMNS {
        return Err(ImportError::TooManyColumns { what: format!("the sheet declares its range to column {}", column_name(last_column)) });
    }
    if (last_row - first_row) as usize > MAX_ROWS {
        return Err(ImportError::TooManyRows { limit: MAX_ROWS, what: format!("the sheet declares {} rows", u64::from(last_row - first_row) + 1) });
    }
    // The row being gathered: its 0-based index and cells; cells arrive in file order.
    let mut current: Option<(u32, Vec<String>)> = None;
    while let Some(cell) = cells.next_cell().map_err(|e| ImportError::Unreadable(e.to_string()))? {
        let (r, c) = cell.get_position();
        let text = cell_text(cell.get_value());
        if c as usize >= MAX_COLUMNS {
            if text.trim().is_empty() {
                continue;
            }
            return Err(ImportError::TooManyColumns { what: format!("cell {}{} holds a value", column_name(c), u64::from(r) + 1) });
        }
        if current.as_ref().is_some_and(|(at, _)| *at != r) {
            if let Some((at, done)) = current.take() {
                row(at as usize + 1, done)?;
            }
        }
        let (_, row_cells) = current.get_or_insert_with(|| (r, Vec::new()));
        let c = c as usize;
        if row_cells.len() <= c {
            if text.is_empty() {
                continue;
            }
            row_cells.resize(c + 1, String::new());
        }
        row_cells[c] = text;
    }
    if let Some((at, done)) = current {
        row(at as usize + 1, done)?;
    }
    Ok(())
}

fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Bool(b) => b.to_string(),
        // Dates stay Excel serials; the importer reads those as dates.
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// 0 → A, 25 → Z, 26 → AA, 16383 → XFD.
pub fn column_name(index: u32) -> String {
    let mut n = u64::from(index) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}
