//! Duplicate keys (查重): the normal forms under which two records are the same customer.
//!
//! The database holds one unique index per key, so these functions decide what "the same
//! customer" means for creation, import and the pool alike.

/// Digits only, with a +86 / 0086 country prefix dropped; `None` when fewer than five
/// digits remain (an extension or garbage, not a phone number).
pub fn phone_key(phone: &str) -> Option<String> {
    let mut digits: String = phone.chars().filter_map(fold_width).filter(char::is_ascii_digit).collect();
    let trimmed = phone.trim_start();
    let had_plus = trimmed.starts_with('+') || trimmed.starts_with('＋');
    if let Some(rest) = digits.strip_prefix("0086") {
        digits = rest.to_string();
    } else if had_plus {
        if let Some(rest) = digits.strip_prefix("86") {
            digits = rest.to_string();
        }
    } else if digits.len() == 13 && digits.starts_with("861") {
        // 8613812345678: a mobile number written with the country code but no plus.
        digits = digits[2..].to_string();
    }
    (digits.len() >= 5).then_some(digits)
}

/// Lower-cased and trimmed; `None` when it is not shaped like an address.
pub fn email_key(email: &str) -> Option<String> {
    is_email(email).then(|| fold_email(email).to_lowercase())
}

/// Whether `email` is shaped like an address (what [`email_key`] accepts). Validation asks
/// this instead of building the key: case folding never changes the shape, and Unicode
/// lower-casing brings ~5 KB brotli of tables into the widget (measured).
pub fn is_email(email: &str) -> bool {
    let folded = fold_email(email);
    folded.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !folded.contains(char::is_whitespace))
}

fn fold_email(email: &str) -> String {
    email.trim().chars().filter_map(fold_width).collect()
}

/// Chinese legal-form suffixes, longest first so that 股份有限公司 goes whole.
const CJK_SUFFIXES: &[&str] = &["股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团", "公司"];

/// Latin legal-form words, dropped only as whole trailing words ("Disco" keeps its "co").
const LATIN_SUFFIXES: &[&str] = &["co", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "company", "llc", "gmbh", "group", "plc"];

/// Full-width folded to half-width, case folded, legal suffixes dropped (repeatedly:
/// "Acme Group Co., Ltd." → "acme"), then spaces and punctuation dropped. `None` when
/// nothing distinctive is left.
pub fn company_key(company: &str) -> Option<String> {
    let folded: String = company.chars().filter_map(fold_width).flat_map(char::to_lowercase).collect();
    let mut words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    while words.len() > 1 && words.last().is_some_and(|w| LATIN_SUFFIXES.contains(w)) {
        words.pop();
    }
    let mut key: String = words.concat();
    'strip: loop {
        for suffix in CJK_SUFFIXES {
            if key.len() > suffix.len() && key.ends_with(suffix) {
                key.truncate(key.len() - suffix.len());
                continue 'strip;
            }
        }
        break;
    }
    (!key.is_empty()).then_some(key)
}

/// Full-width ASCII (U+FF01..U+FF5E) and the ideographic space to their half-width forms.
fn fold_width(c: char) -> Option<char> {
    match c {
        '\u{3000}' => Some(' '),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        other => Some(other),
    }
}

/// Name comparison key for imports without any other key: trimmed, width and case folded.
pub fn name_key(name: &str) -> String {
    name.chars().filter_map(fold_width).flat_map(char::to_lowercase).filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check<F: Fn(&str) -> Option<String>>(f: F, cases: &[(&str, Option<&str>)]) {
        for (input, expect) in cases {
            assert_eq!(f(input).as_deref(), *expect, "input {input:?}");
        }
    }

    #[test]
    fn phones() {
        check(
            phone_key,
            &[
                ("138 1234 5678", Some("13812345678")),
                ("+86 138-1234-5678", Some("13812345678")),
                ("0086 13812345678", Some("13812345678")),
                ("8613812345678", Some("13812345678")),
                ("(021) 6234-5678", Some("02162345678")),
                ("１３８１２３４５６７８", Some("13812345678")),
                ("＋８６ 138 1234 5678", Some("13812345678")),
                ("+1 415 555 0100", Some("14155550100")),
                ("ext 12", None),
                ("", None),
            ],
        );
    }

    #[test]
    fn emails() {
        check(
            email_key,
            &[
                (" Li.Lei@Example.COM ", Some("li.lei@example.com")),
                ("ＬＩ＠ｅｘａｍｐｌｅ．ｃｎ", Some("li@example.cn")),
                ("no-at-sign", None),
                ("a@b", None),
                ("@example.com", None),
                ("a b@example.com", None),
            ],
        );
    }

    #[test]
    fn companies() {
        check(
            company_key,
            &[
                ("上海星辰科技有限公司", Some("上海星辰科技")),
                ("上海星辰科技股份有限公司", Some("上海星辰科技")),
                ("上海 星辰科技（集团）有限公司", Some("上海星辰科技")),
                ("Acme Group Co., Ltd.", Some("acme")),
                ("ACME Inc.", Some("acme")),
                ("Ａｃｍｅ　Ｉｎｃ", Some("acme")),
                ("Co.", Some("co")),
                ("Disco Ltd", Some("disco")),
                ("  ,. ", None),
            ],
        );
    }

    proptest! {
        /// Validation's shape check and the key agree on every input, Unicode case included.
        #[test]
        fn is_email_is_exactly_when_there_is_a_key(raw in "[ a-zA-ZÀ-ÿΑ-ω０-９＠．@.\u{3000}]{0,16}") {
            prop_assert_eq!(is_email(&raw), email_key(&raw).is_some());
        }

        #[test]
        fn phone_key_is_idempotent(raw in "[+0-9 ()-]{0,24}") {
            if let Some(key) = phone_key(&raw) {
                prop_assert_eq!(phone_key(&key), Some(key.clone()));
                prop_assert!(key.bytes().all(|b| b.is_ascii_digit()));
            }
        }

        #[test]
        fn spacing_and_case_never_change_company_key(name in "[a-zA-Z\u{4e00}-\u{4e20}]{1,12}") {
            let spaced: String = name.chars().flat_map(|c| [c, ' ']).collect();
            prop_assert_eq!(company_key(&name), company_key(&spaced.to_uppercase()));
        }

        #[test]
        fn country_prefix_never_changes_mobile_key(rest in "1[3-9][0-9]{9}") {
            prop_assert_eq!(phone_key(&rest), phone_key(&format!("+86 {rest}")));
            prop_assert_eq!(phone_key(&rest), phone_key(&format!("0086{rest}")));
        }
    }
}
