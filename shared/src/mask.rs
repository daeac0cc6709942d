//! Masking: what a person may see of data that is not theirs.

/// 138****5678: keeps the first three and last four digits of a long number, fewer of a
/// short one, and never more than half.
pub fn phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    let (head, tail) = if n >= 11 { (3, 4) } else if n >= 7 { (2, 2) } else { (0, n.min(1)) };
    let mut out: String = chars[..head].iter().collect();
    out.push_str("****");
    out.extend(&chars[n - tail..]);
    out
}

/// l***@example.com
pub fn email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// 张** / J*** — enough to recognise a colleague, not to read a record.
pub fn person_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count().clamp(1, 3);
            format!("{first}{}", "*".repeat(rest))
        }
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks() {
        assert_eq!(super::phone("13812345678"), "138****5678");
        assert_eq!(super::phone("138 1234 5678"), "138****5678");
        assert_eq!(super::phone("6234567"), "62****67");
        assert_eq!(super::phone("12345"), "****5");
        assert_eq!(super::email("li.lei@example.com"), "l***@example.com");
        assert_eq!(super::person_name("张伟"), "张*");
        assert_eq!(super::person_name("Jennifer"), "J***");
        assert_eq!(super::person_name(""), "***");
    }
}
