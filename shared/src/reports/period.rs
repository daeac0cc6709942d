//! The period and team a report covers, parsed from the query string.

use serde::{Deserialize, Serialize};

use crate::field_error::FieldError;
use crate::time::{format_date, parse_date, Millis, DAY_MS};

/// Longest period one report covers: ten years.
pub const MAX_DAYS: i64 = 3_660;
/// Default period: the last 30 days, today included.
pub const DEFAULT_DAYS: i64 = 30;

/// A report period in the tenant's local time: whole days, `from` and `to` inclusive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Period {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD` (included).
    pub to: String,
    /// The period as instants: `[start, end)`, milliseconds since the epoch.
    pub start: Millis,
    pub end: Millis,
    /// Days per bucket of a time series: 1 up to 92 days, 7 up to two years, else 30.
    pub bucket_days: u32,
}

impl Period {
    /// The whole days `from..=to` (local midnights, `offset_minutes` east of UTC).
    pub fn of_days(from_day: i64, to_day: i64, offset_minutes: i32) -> Period {
        let offset = i64::from(offset_minutes) * 60_000;
        let days = to_day - from_day + 1;
        Period {
            from: format_date(from_day * DAY_MS),
            to: format_date(to_day * DAY_MS),
            start: from_day * DAY_MS - offset,
            end: (to_day + 1) * DAY_MS - offset,
            bucket_days: if days <= 92 {
                1
            } else if days <= 731 {
                7
            } else {
                30
            },
        }
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start) / DAY_MS
    }

    /// Number of time-series buckets.
    pub fn buckets(&self) -> usize {
        let size = i64::from(self.bucket_days);
        ((self.days() + size - 1) / size).max(1) as usize
    }

    /// Bucket index of an instant inside the period.
    pub fn bucket_of(&self, at: Millis) -> Option<usize> {
        (at >= self.start && at < self.end).then(|| ((at - self.start) / (i64::from(self.bucket_days) * DAY_MS)) as usize)
    }

    /// First local day of bucket `i`, `YYYY-MM-DD`.
    pub fn bucket_label(&self, i: usize) -> String {
        let first = parse_date(&self.from).unwrap_or(0);
        format_date(first + i as i64 * i64::from(self.bucket_days) * DAY_MS)
    }

    pub fn contains(&self, at: Millis) -> bool {
        at >= self.start && at < self.end
    }
}

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD&team=ID&format=csv&lang=en`, or `days=N` for the N
/// days up to `to` (the widget's period picker: no time zone arithmetic in the browser).
#[derive(Clone, Debug, PartialEq)]
pub struct ReportQuery {
    pub period: Period,
    pub team: Option<String>,
    pub csv: bool,
    pub english: bool,
}

impl ReportQuery {
    /// Parses the query; `now` and the tenant's UTC offset pick "today" for the defaults.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, now: Millis, offset_minutes: i32) -> Result<ReportQuery, Vec<FieldError>> {
        let today = (now + i64::from(offset_minutes) * 60_000).div_euclid(DAY_MS);
        let (mut from, mut to, mut team, mut csv, mut english, mut days) = (None, None, None, false, false, None);
        let mut errors = Vec::new();
        let day = |key: &str, value: &str, errors: &mut Vec<FieldError>| match parse_date(value) {
            Some(ms) => Some(ms.div_euclid(DAY_MS)),
            None => {
                errors.push(FieldError::new(key, "invalid_date", "a date as YYYY-MM-DD"));
                None
            }
        };
        for (key, value) in pairs {
            match key {
                "from" => from = day(key, value, &mut errors),
                "to" => to = day(key, value, &mut errors),
                "team" if crate::ids::is_valid_slug(value) => team = Some(value.to_string()),
                "team" => errors.push(FieldError::new(key, "invalid", "a team id")),
                "format" => match value {
                    "csv" => csv = true,
                    "json" => csv = false,
                    _ => errors.push(FieldError::new(key, "invalid", "json or csv")),
                },
                "days" => match value.parse::<i64>() {
                    Ok(n) if (1..=MAX_DAYS).contains(&n) => days = Some(n),
                    _ => errors.push(FieldError::new(key, "out_of_range", format!("1 to {MAX_DAYS}"))),
                },
                "lang" => english = value.starts_with("en"),
                _ => errors.push(FieldError::new(key, "unknown", "not a report parameter (from, to, days, team, format, lang)")),
            }
        }
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to - (days.unwrap_or(DEFAULT_DAYS) - 1));
        if errors.is_empty() {
            if from > to {
                errors.push(FieldError::new("from", "after_to", "from must not be after to"));
            } else if to - from + 1 > MAX_DAYS {
                errors.push(FieldError::new("from", "too_long", format!("at most {MAX_DAYS} days")));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ReportQuery { period: Period::of_days(from, to, offset_minutes), team, csv, english })
    }
}
