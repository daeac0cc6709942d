//! Time as plain numbers: milliseconds since the Unix epoch (UTC) and civil dates.
//!
//! The crate has no clock; whoever calls passes `now`. Civil-date conversion is Howard
//! Hinnant's `days_from_civil` so that the widget does not carry a date library.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

pub const DAY_MS: Millis = 86_400_000;

/// Whole days from `earlier` to `later` (negative if `later` is before `earlier`).
/// The earliest date a date field takes: 2000-01-01 (UTC).
pub const MIN_DATE: Millis = 946_684_800_000;
/// The latest date a date field takes: 2100-01-01 (UTC). Dates are added to and
/// compared with `now` (reminders, recycling): a bound far from `i64::MAX` keeps that
/// arithmetic from overflowing.
pub const MAX_DATE: Millis = 4_102_444_800_000;

/// A date field within [`MIN_DATE`, `MAX_DATE`].
pub fn check_date(path: &str, at: Millis) -> Result<(), crate::field_error::FieldError> {
    if (MIN_DATE..=MAX_DATE).contains(&at) {
        Ok(())
    } else {
        Err(crate::field_error::FieldError::new(path, "out_of_range", "a date from 2000-01-01 to 2100-01-01 (milliseconds since the epoch)"))
    }
}

pub fn days_between(earlier: Millis, later: Millis) -> i64 {
    (later - earlier).div_euclid(DAY_MS)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Parses the date forms people type in spreadsheets: `2026-03-05`, `2026/3/5`,
/// `2026.03.05`, `2026年3月5日`, optionally followed by a time that is ignored, and an
/// ISO timestamp. Returns midnight UTC of that date.
pub fn parse_date(text: &str) -> Option<Millis> {
    let text = text.trim();
    let date_part = text.split([' ', 'T']).next()?;
    let cleaned: String = date_part
        .chars()
        .map(|c| match c {
            '/' | '.' | '年' | '月' => '-',
            '日' => ' ',
            other => other,
        })
        .collect();
    let mut parts = cleaned.trim().split('-');
    let year: i64 = parts.next()?.trim().parse().ok()?;
    let month: u32 = parts.next()?.trim().parse().ok()?;
    let day: u32 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() || !(1900..=2200).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY_MS)
}

/// Excel stores dates as days since 1899-12-30 (with the 1900 leap-year bug folded in).
pub fn from_excel_serial(serial: f64) -> Option<Millis> {
    if !(1.0..=200_000.0).contains(&serial) {
        return None;
    }
    let epoch_offset = days_from_civil(1899, 12, 30);
    Some((epoch_offset + serial.floor() as i64) * DAY_MS)
}

/// `YYYY-MM-DD` of a timestamp (UTC).
pub fn format_date(at: Millis) -> String {
    let (y, m, d) = civil_from_days(at.div_euclid(DAY_MS));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 59, 60, 10_957, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn parses_spreadsheet_dates() {
        let expect = days_from_civil(2026, 3, 5) * DAY_MS;
        for text in ["2026-03-05", "2026/3/5", "2026.03.05", "2026年3月5日", "2026-03-05 14:30", "2026-03-05T01:02:03Z"] {
            assert_eq!(parse_date(text), Some(expect), "{text}");
        }
        for bad in ["", "2026-02-30", "2026-13-01", "abc", "5/3/2026", "2026-03"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2024-02-29"), Some(days_from_civil(2024, 2, 29) * DAY_MS));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(from_excel_serial(45_000.0).map(format_date).as_deref(), Some("2023-03-15"));
        assert_eq!(from_excel_serial(-3.0), None);
    }

    #[test]
    fn day_arithmetic() {
        assert_eq!(days_between(0, DAY_MS - 1), 0);
        assert_eq!(days_between(0, 3 * DAY_MS), 3);
        assert_eq!(days_between(DAY_MS, 0), -1);
    }
}
