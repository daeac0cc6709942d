//! Masking: what a person may see of data that is not theirs.
//!
//! The policy (README, "Masking"): when `ownership::masks_contacts` holds — a rep looking
//! at a pool customer — [`customer`] masks phone, email, WeChat and contact name and
//! withholds text custom fields; follow-up notes read [`WITHHELD`]; release and transfer
//! notes are cut to their reason code ([`reason`]). Name, company, industry, region,
//! source, amount, stage, tier, intent, tags and the other custom fields stay visible: a
//! rep decides what to claim from them. Whatever a view hides, search never matches on.

use crate::customer::Customer;
use crate::fields::{FieldDef, FieldKind};

/// What a withheld value reads.
pub const WITHHELD: &str = "***";

/// Masks a customer's contacts in place, as a view whose contacts are hidden shows it.
/// A custom field the settings no longer define is treated as text: withheld.
pub fn customer(c: &mut Customer, custom_fields: &[FieldDef]) {
    c.phone = c.phone.as_deref().map(phone);
    c.email = c.email.as_deref().map(email);
    c.wechat = c.wechat.as_ref().map(|_| WITHHELD.into());
    c.contact_name = c.contact_name.as_deref().map(person_name);
    for (key, value) in c.custom.iter_mut() {
        let free_text = custom_fields.iter().find(|f| &f.key == key).is_none_or(|f| f.kind == FieldKind::Text);
        if free_text && !value.is_null() {
            *value = serde_json::Value::String(WITHHELD.into());
        }
    }
}

/// The part of an audit reason a hidden view shows: the reason code, never the free text
/// a person typed (a release's note after `code: `, a transfer's note, a hand-over's).
pub fn reason(action: &str, reason: Option<&str>) -> Option<String> {
    Some(crate::audit::Reason::shown_masked(action, reason?))
}

/// 138****5678: keeps the first three and last four digits of an 11-digit mobile number
/// (the mask people know), and at most three digits of a shorter one.
pub fn phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    let (head, tail) = if n >= 11 {
        (3, 4)
    } else if n >= 7 {
        (1, 2)
    } else {
        (0, n.min(1))
    };
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
        assert_eq!(super::phone("6234567"), "6****67");
        assert_eq!(super::phone("12345"), "****5");
        assert_eq!(super::email("li.lei@example.com"), "l***@example.com");
        assert_eq!(super::person_name("张伟"), "张*");
        assert_eq!(super::person_name("Jennifer"), "J***");
        assert_eq!(super::person_name(""), "***");
    }

    #[test]
    fn a_hidden_view_keeps_codes_not_notes() {
        assert_eq!(super::reason("release", Some("unreachable: 新号 13912345678")).as_deref(), Some("unreachable"));
        assert_eq!(super::reason("release", Some("no_budget")).as_deref(), Some("no_budget"));
        assert_eq!(super::reason("transfer", Some("客户说打 139 开头那个号")).as_deref(), Some("transfer"));
        assert_eq!(super::reason("release", Some("hand_over: 离职")).as_deref(), Some("hand_over"));
        assert_eq!(super::reason("claim", None), None);
    }

    #[test]
    fn a_masked_customer_shows_no_contact() {
        use crate::fields::{FieldDef, FieldKind};
        let mut c: crate::customer::Customer = serde_json::from_str(
            r#"{"id":"c1","name":"星辰","stage":"lead","contact_name":"李雷","phone":"13812345678","email":"li@x.cn","wechat":"lilei88",
                "custom":{"backup":"13900001111","budget":5,"gone":"x"},"created_by":"u","created_at":0,"updated_at":0,"version":1}"#,
        )
        .unwrap();
        let defs = [
            FieldDef { key: "backup".into(), label: "备用电话".into(), kind: FieldKind::Text, options: vec![], required: false },
            FieldDef { key: "budget".into(), label: "预算".into(), kind: FieldKind::Number, options: vec![], required: false },
        ];
        super::customer(&mut c, &defs);
        assert_eq!((c.phone.as_deref(), c.email.as_deref(), c.wechat.as_deref(), c.contact_name.as_deref()), (Some("138****5678"), Some("l***@x.cn"), Some("***"), Some("李*")));
        assert_eq!((c.custom["backup"].as_str(), c.custom["budget"].as_i64(), c.custom["gone"].as_str()), (Some("***"), Some(5), Some("***")));
    }
}
