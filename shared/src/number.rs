//! Decimal numbers as people type them ("1234", "-5", ".5", "1.5e3") and as forms show
//! them again, read and written through serde_json's number code rather than the standard
//! library's float parser and formatter.
//!
//! Why not `str::parse::<f64>` and `Display`: their lookup tables cost the widget bundle
//! ~17 KB brotli (measured: `<allot-customers>` 155.9 → 138.4 KB), while serde_json's
//! number reader and writer are in every bundle anyway (every answer is JSON). Both
//! sides use this module, so the edge and the widget read a typed number alike.
//!
//! Exactness: a number with at most 15 significant digits and an exponent within ±22
//! (every amount anyone types) is read exactly as the standard parser reads it (one
//! correctly rounded multiplication or division, see the tests); longer ones may differ
//! from it in the last bit.

/// The number a person typed, or `None` when it is not one (also for infinities and NaN,
/// which the standard parser would accept as "inf" and "NaN"). Surrounding whitespace is
/// ignored; a leading `+`, a bare leading or trailing `.` and leading zeros are accepted.
pub fn parse(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if integer.is_empty() && fraction.is_empty() || !digits(integer) || !digits(fraction) {
        return None;
    }
    // Rewritten into JSON's stricter grammar: no `+`, no leading zeros, digits on both
    // sides of the point.
    let mut json = String::with_capacity(text.len() + 2);
    if negative {
        json.push('-');
    }
    let integer = integer.trim_start_matches('0');
    json.push_str(if integer.is_empty() { "0" } else { integer });
    if !fraction.is_empty() {
        json.push('.');
        json.push_str(fraction);
    }
    if let Some(exponent) = exponent {
        let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if unsigned.is_empty() || !digits(unsigned) {
            return None;
        }
        json.push('e');
        json.push_str(exponent);
    }
    serde_json::from_str::<f64>(&json).ok().filter(|n| n.is_finite())
}

/// A number as a form shows it: whole numbers without a decimal point ("1200", not
/// "1200.0"), others in the shortest form that reads back to the same value.
pub fn format(value: f64) -> String {
    // Below 2^53 every whole number is exact as an integer.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() < EXACT {
        (value as i64).to_string()
    } else if value.is_finite() {
        serde_json::to_string(&value).unwrap_or_default()
    } else {
        String::new()
    }
}

/// `value` with exactly `decimals` digits after the point, as `format!("{value:.N$}")`
/// writes it, from integer arithmetic: scaled, rounded half away from zero, the point put
/// back in. Display only (scores, shares, 万 amounts); a tie such as 0.125 to two places
/// rounds up here where the standard formatter rounds to even, and no "-0.00".
pub fn fixed(value: f64, decimals: u32) -> String {
    // Beyond 2^53 the scaled value has no fraction left to round.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let scaled = value * 10f64.powi(decimals as i32);
    if !scaled.is_finite() || scaled.abs() >= EXACT {
        return format(value);
    }
    let units = scaled.round() as i64;
    let digits = format!("{:0width$}", units.unsigned_abs(), width = decimals as usize + 1);
    let (whole, fraction) = digits.split_at(digits.len() - decimals as usize);
    let sign = if units < 0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// An amount as sales teams read it at a glance: whole yuan below 10,000, then 万 (ten
/// thousands) with one decimal ("3.5万"). Board cards and dashboard figures.
pub fn wan(amount: f64) -> String {
    if amount >= 10_000.0 {
        format!("{}万", fixed(amount / 10_000.0, 1))
    } else {
        fixed(amount, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_people_type() {
        for (text, expected) in [
            ("1234", 1234.0),
            ("  12.30 ", 12.3),
            ("-5", -5.0),
            ("+5", 5.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("-.25", -0.25),
            ("007", 7.0),
            ("000.5", 0.5),
            ("1.5e3", 1500.0),
            ("2E-2", 0.02),
            ("1e+2", 100.0),
            ("0", 0.0),
        ] {
            assert_eq!(parse(text), Some(expected), "{text:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_number() {
        for text in ["", " ", "-", "+", ".", "-.", "1.2.3", "1,200", "12万", "abc", "1e", "1e+", "e5", "inf", "-inf", "NaN", "1e400", "0x10", "1 2", "--1", "+-1", "١٢"] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn writes_whole_numbers_without_a_point() {
        assert_eq!(format(1200.0), "1200");
        assert_eq!(format(-3.0), "-3");
        assert_eq!(format(0.0), "0");
        assert_eq!(format(12.5), "12.5");
        assert_eq!(format(0.1 + 0.2), (0.1 + 0.2f64).to_string());
        assert_eq!(format(f64::NAN), "");
    }

    #[test]
    fn writes_fixed_decimals() {
        assert_eq!(fixed(12.345, 1), "12.3");
        assert_eq!(fixed(0.5, 0), "1");
        assert_eq!(fixed(2.5, 0), "3", "half away from zero");
        assert_eq!(fixed(-2.5, 0), "-3");
        assert_eq!(fixed(0.0042, 2), "0.00");
        assert_eq!(fixed(-0.0042, 2), "0.00", "no negative zero");
        assert_eq!(fixed(-0.05, 3), "-0.050");
        assert_eq!(fixed(1234.0, 0), "1234");
        assert_eq!(fixed(7.0, 3), "7.000");
        assert_eq!(fixed(1e300, 2), format(1e300));
    }

    #[test]
    fn writes_wan() {
        assert_eq!(wan(9_999.4), "9999");
        assert_eq!(wan(35_000.0), "3.5万");
        assert_eq!(wan(1_234_567.0), "123.5万");
    }

    proptest! {
        /// Off a tie, exactly what the standard formatter writes; on one, a last digit
        /// at most one unit away.
        #[test]
        fn fixed_agrees_with_the_standard_formatter(value in -1.0e9f64..1.0e9, decimals in 0u32..4) {
            let ours = fixed(value, decimals);
            let std = format!("{value:.*}", decimals as usize);
            let unit = 10f64.powi(-(decimals as i32));
            let (a, b) = (ours.parse::<f64>().unwrap(), std.parse::<f64>().unwrap());
            prop_assert!((a - b).abs() <= unit * 1.000001, "{} vs {}", ours, std);
            let scaled = value * 10f64.powi(decimals as i32);
            if (scaled.fract().abs() - 0.5).abs() > 1e-6 {
                prop_assert_eq!(ours.trim_start_matches('-'), std.trim_start_matches('-'));
            }
        }

        /// Up to 15 significant digits and a power of ten within ±22 (the written exponent
        /// less the decimal places): exactly the standard parser's answer.
        #[test]
        fn agrees_with_the_standard_parser(whole in 0u64..1_000_000_000_000, fraction in 0u32..1000, places in 0usize..4, exponent in -19i32..=22, negative: bool, with_exponent: bool) {
            let sign = if negative { "-" } else { "" };
            let fraction = format!("{fraction:03}");
            let mut text = format!("{sign}{whole}.{}", &fraction[..places]);
            if with_exponent {
                text.push_str(&format!("e{exponent}"));
            }
            prop_assert_eq!(parse(&text), text.parse::<f64>().ok());
        }

        /// Money (whole cents below a hundred billion): written as `Display` writes it,
        /// read back to the same value.
        #[test]
        fn money_round_trips(cents in -10_000_000_000_000i64..10_000_000_000_000) {
            let value = cents as f64 / 100.0;
            let text = format(value);
            prop_assert_eq!(&text, &value.to_string());
            prop_assert_eq!(parse(&text), Some(value));
        }
    }
}
