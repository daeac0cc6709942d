//! Writing a small workbook (the import template as XLSX): the fewest parts Excel, WPS
//! and calamine all open — content types, relationships, the workbook, styles and the
//! sheets — each cell an inline string, so nothing in it is ever read as a formula.
//!
//! What makes a template pleasant to fill in Excel is written into the file: a bold,
//! frozen header row, column widths, columns kept as text where Excel would otherwise
//! turn what is typed into a number (a phone's leading 0, a long number shown as 1.38E+10),
//! and a drop-down for each column with a closed list, whose values sit on a second
//! sheet (a list longer than 255 characters cannot be written inline). The importer reads
//! the first sheet only, so the list sheet never becomes rows.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

use super::xlsx::column_name;

/// One column of the data sheet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SheetColumn {
    pub header: String,
    /// The example row's value.
    pub example: String,
    /// Values a cell may be picked from (a drop-down); empty for free text.
    pub choices: Vec<String>,
    /// Kept as text: Excel must not turn what is typed into a number.
    pub text: bool,
    /// Width in characters.
    pub width: u8,
}

/// How many rows under the header get the drop-downs and text format: more than one
/// import takes (`MAX_ROWS`), so the whole sheet a user can fill is covered.
const FORMATTED_ROWS: u32 = super::MAX_ROWS as u32 + 1;

/// Most values a drop-down offers: past that a list is no help to pick from (a tenant's
/// every place), and the column is left to be typed. Bounds the list sheet.
pub const MAX_CHOICES: usize = 1_000;

/// Most characters a cell holds in Excel: a longer text would open in repair mode.
const MAX_CELL_CHARS: usize = 32_767;

/// The workbook: the sheet `name` with the header row, the example row and the columns'
/// formats; the drop-downs' values on the sheet `lists_name`, a column each. An error only
/// if the zip cannot be written (never, for these few parts in memory).
pub fn write(name: &str, lists_name: &str, columns: &[SheetColumn]) -> Result<Vec<u8>, String> {
    let columns: Vec<SheetColumn> = columns.iter().map(|c| SheetColumn { choices: if c.choices.len() > MAX_CHOICES { Vec::new() } else { c.choices.clone() }, ..c.clone() }).collect();
    let columns = columns.as_slice();
    let listed: Vec<&SheetColumn> = columns.iter().filter(|c| !c.choices.is_empty()).collect();
    let mut parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", content_types(!listed.is_empty())),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("xl/workbook.xml", workbook(name, (!listed.is_empty()).then_some(lists_name))),
        ("xl/_rels/workbook.xml.rels", workbook_rels(!listed.is_empty())),
        ("xl/styles.xml", STYLES.to_string()),
        ("xl/worksheets/sheet1.xml", data_sheet(lists_name, columns)),
    ];
    if !listed.is_empty() {
        parts.push(("xl/worksheets/sheet2.xml", lists_sheet(&listed)));
    }
    zipped(&parts)
}

fn zipped(parts: &[(&str, String)]) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // Deflated (the list sheet of a tenant with many places is mostly repeated markup);
    // no clock is read: the entries carry the zip format's earliest date.
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (path, body) in parts {
        zip.start_file(*path, options).map_err(|e| format!("{path}: {e}"))?;
        zip.write_all(body.as_bytes()).map_err(|e| format!("{path}: {e}"))?;
    }
    zip.finish().map(Cursor::into_inner).map_err(|e| e.to_string())
}

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

/// Style 0 is the default, 1 the header (bold on grey), 2 text (number format `@`).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFE7ECF3"/></patternFill></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="1" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;
const HEADER_STYLE: u8 = 1;
const TEXT_STYLE: u8 = 2;

fn content_types(with_lists: bool) -> String {
    let lists = if with_lists { r#"<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"# } else { "" };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{lists}</Types>"#
    )
}

fn workbook(name: &str, lists: Option<&str>) -> String {
    let second = lists.map(|l| format!(r#"<sheet name="{}" sheetId="2" r:id="rId3"/>"#, escape(l))).unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/>{second}</sheets></workbook>"#,
        escape(name)
    )
}

fn workbook_rels(with_lists: bool) -> String {
    let lists = if with_lists { r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>"# } else { "" };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>{lists}</Relationships>"#
    )
}

/// The header row (frozen), the example row, widths, text formats and drop-downs.
fn data_sheet(lists_name: &str, columns: &[SheetColumn]) -> String {
    let last = column_name(columns.len().saturating_sub(1) as u32);
    let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#);
    xml.push_str(&format!(r#"<dimension ref="A1:{last}2"/>"#));
    xml.push_str(r#"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>"#);
    for (i, column) in columns.iter().enumerate() {
        let style = if column.text { format!(r#" style="{TEXT_STYLE}""#) } else { String::new() };
        xml.push_str(&format!(r#"<col min="{n}" max="{n}" width="{}" customWidth="1"{style}/>"#, column.width.max(6), n = i + 1));
    }
    xml.push_str("</cols><sheetData>");
    xml.push_str(&row(1, columns.iter().map(|c| (c.header.as_str(), Some(HEADER_STYLE)))));
    xml.push_str(&row(2, columns.iter().map(|c| (c.example.as_str(), c.text.then_some(TEXT_STYLE)))));
    xml.push_str("</sheetData>");
    let lists: Vec<String> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.choices.is_empty())
        .enumerate()
        .map(|(list, (at, c))| {
            let (letter, on) = (column_name(list as u32), column_name(at as u32));
            format!(
                r#"<dataValidation type="list" allowBlank="1" showInputMessage="1" sqref="{on}2:{on}{FORMATTED_ROWS}"><formula1>'{}'!${letter}$2:${letter}${}</formula1></dataValidation>"#,
                escape(&lists_name.replace('\'', "''")),
                c.choices.len() + 1
            )
        })
        .collect();
    if !lists.is_empty() {
        xml.push_str(&format!(r#"<dataValidations count="{}">{}</dataValidations>"#, lists.len(), lists.concat()));
    }
    xml.push_str("</worksheet>");
    xml
}

/// A column per closed list: its header, then its values.
fn lists_sheet(listed: &[&SheetColumn]) -> String {
    let depth = listed.iter().map(|c| c.choices.len()).max().unwrap_or(0);
    let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
    xml.push_str(&row(1, listed.iter().map(|c| (c.header.as_str(), Some(HEADER_STYLE)))));
    for at in 0..depth {
        xml.push_str(&row(at as u32 + 2, listed.iter().map(|c| (c.choices.get(at).map_or("", String::as_str), None))));
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

/// One row of inline-string cells (1-based `number`); empty cells are left out.
fn row<'a>(number: u32, cells: impl Iterator<Item = (&'a str, Option<u8>)>) -> String {
    let mut xml = format!(r#"<row r="{number}">"#);
    for (i, (value, style)) in cells.enumerate() {
        let style = style.map(|s| format!(r#" s="{s}""#)).unwrap_or_default();
        let at = format!("{}{number}", column_name(i as u32));
        if value.is_empty() {
            if !style.is_empty() {
                xml.push_str(&format!(r#"<c r="{at}"{style}/>"#));
            }
            continue;
        }
        let value: String = value.chars().take(MAX_CELL_CHARS).collect();
        xml.push_str(&format!(r#"<c r="{at}"{style} t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#, escape(&value)));
    }
    xml.push_str("</row>");
    xml
}

/// Text as XML character data or an attribute value; characters XML 1.0 cannot carry
/// (control characters a setting might hold) are left out — which is why this is not the
/// widget's `markup::escape` (HTML carries them; and that one is in every bundle).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(header: &str, example: &str, choices: &[&str]) -> SheetColumn {
        SheetColumn { header: header.into(), example: example.into(), choices: choices.iter().map(|c| c.to_string()).collect(), text: false, width: 12 }
    }

    fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        super::super::xlsx::read_rows(bytes, &mut |_, r| {
            rows.push(r);
            Ok(())
        })
        .unwrap();
        rows
    }

    #[test]
    fn the_first_sheet_reads_back_as_written_and_the_lists_never_become_rows() {
        let columns = [column("客户名称", "A&B <星辰>", &[]), column("行业", "制造业", &["制造业", "零售", "\"引号\""]), column("备注", "", &[])];
        let bytes = write("客户", "可选值", &columns).unwrap();
        assert_eq!(rows(&bytes), vec![vec!["客户名称".to_string(), "行业".into(), "备注".into()], vec!["A&B <星辰>".into(), "制造业".into()]]);
        let declared = super::super::xlsx::inspect(&bytes).unwrap();
        assert_eq!(declared.entries, 7, "content types, two rels, workbook, styles, two sheets");
    }

    #[test]
    fn the_drop_down_names_its_list_on_the_second_sheet() {
        let columns = [column("客户名称", "x", &[]), column("行业", "a", &["a", "b", "c"]), column("阶段", "s", &["s"])];
        let sheet = data_sheet("可选值", &columns);
        assert!(sheet.contains(r#"sqref="B2:B20001"><formula1>'可选值'!$A$2:$A$4</formula1>"#), "{sheet}");
        assert!(sheet.contains(r#"sqref="C2:C20001"><formula1>'可选值'!$B$2:$B$2</formula1>"#), "{sheet}");
        let lists = lists_sheet(&columns.iter().filter(|c| !c.choices.is_empty()).collect::<Vec<_>>());
        assert!(lists.contains(r#"<c r="A4" t="inlineStr"><is><t xml:space="preserve">c</t></is></c></row>"#), "{lists}");
    }

    #[test]
    fn without_closed_lists_there_is_one_sheet() {
        let bytes = write("客户", "可选值", &[column("客户名称", "x", &[])]).unwrap();
        assert_eq!(super::super::xlsx::inspect(&bytes).unwrap().entries, 6);
        assert_eq!(rows(&bytes).len(), 2);
    }

    #[test]
    fn a_list_too_long_to_pick_from_is_left_to_be_typed() {
        let many: Vec<String> = (0..=MAX_CHOICES).map(|i| format!("地{i}")).collect();
        let long = SheetColumn { header: "地区".into(), example: "地0".into(), choices: many, text: false, width: 10 };
        let bytes = write("客户", "可选值", &[column("客户名称", "x", &[]), long]).unwrap();
        assert_eq!(super::super::xlsx::inspect(&bytes).unwrap().entries, 6, "no list sheet, no drop-down");
    }

    #[test]
    fn control_characters_are_left_out_and_markup_escaped() {
        assert_eq!(escape("a\u{1}b<c>&\"d\"\n"), "a b&lt;c&gt;&amp;&quot;d&quot;\n".replace(' ', ""));
    }
}
