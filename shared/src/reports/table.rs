//! The tabular form of a report: the widget's table view (each chart's text alternative)
//! and the CSV export are this one table, so they cannot disagree.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(english: bool, columns: &[(&str, &str)]) -> Table {
        Table { columns: columns.iter().map(|(zh, en)| if english { *en } else { *zh }.to_string()).collect(), rows: Vec::new() }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// CSV with a UTF-8 BOM so that Excel opens Chinese text correctly.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("\u{feff}");
        for row in std::iter::once(&self.columns).chain(&self.rows) {
            let cells: Vec<String> = row.iter().map(|cell| quote(cell)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

/// RFC 4180 quoting of a cell under the formula guard (`crate::cell::guard`), so a
/// spreadsheet never runs a name as a formula.
fn quote(cell: &str) -> String {
    let guarded = crate::cell::guard(cell);
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded.into_owned()
    }
}

/// A share as a percentage with one decimal, or "—".
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{}%", crate::number::fixed(v * 100.0, 1)))
}

/// An amount with two decimals at most.
pub fn money(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    crate::number::fixed(rounded, if rounded.fract() == 0.0 { 0 } else { 2 })
}

pub fn ratio(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| crate::number::fixed(v, 2))
}
