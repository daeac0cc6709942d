//! Spreadsheet cells a CSV carries: the formula guard shared by every CSV Allot writes
//! (report tables, the customer export) and undone by the importer.
//!
//! Excel and WPS run a cell that starts with `=`, `+`, `-` or `@` as a formula (and strip
//! a leading tab or carriage return before looking), so a customer named
//! `=HYPERLINK("http://evil","点我")` would become a live link in a manager's spreadsheet.
//! [`guard`] prefixes such a cell with `'`, which spreadsheets show as text. A plain
//! number (`-12.5`) is left alone: it is no formula. To keep the export re-importable,
//! [`unguard`] removes exactly the prefix [`guard`] added; a value that itself starts
//! with `'` before a risky character gets a second `'`, so every value comes back as it
//! was (`unguard(guard(x)) == x`).

use std::borrow::Cow;

/// Whether a spreadsheet could read `cell` as a formula.
fn risky(cell: &str) -> bool {
    match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => crate::number::parse(cell).is_none(),
        _ => false,
    }
}

/// Whether [`guard`] prefixes `cell`: it is risky, or it is a guarded-looking `'` + a
/// cell that would be guarded (so that [`unguard`] can tell the two apart).
fn needs_guard(cell: &str) -> bool {
    risky(cell) || cell.strip_prefix('\'').is_some_and(needs_guard)
}

/// The cell as written to a CSV: prefixed with `'` when a spreadsheet would run it.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if needs_guard(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The value a guarded cell holds: [`guard`]'s prefix removed, anything else untouched.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_guarded_numbers_are_not() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\",\"点我\")", "'=HYPERLINK(\"http://x\",\"点我\")"),
            ("+86 138 1234 5678", "'+86 138 1234 5678"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-12.5", "-12.5"),
            ("星辰科技", "星辰科技"),
            ("'=x", "''=x"),
            ("'plain", "'plain"),
        ] {
            assert_eq!(guard(cell), written, "{cell:?}");
            assert_eq!(unguard(written), cell, "{written:?}");
        }
    }

    proptest! {
        #[test]
        fn unguard_undoes_guard(cell in "['=+@\\t\\r -]{0,3}[a-z0-9.=']{0,4}") {
            let written = guard(&cell);
            prop_assert_eq!(unguard(&written), cell.as_str());
            prop_assert!(!risky(&written));
        }
    }
}
