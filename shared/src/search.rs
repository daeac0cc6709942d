//! What a list's `q` matches (`GET /customers`, `GET /pool`, the export): the one
//! definition, which the edge turns into SQL (`store::scope::Filter`).
//!
//! A query matches a customer when its name or company contains the text; and, only where
//! the caller sees the customer's contacts (`ownership::ContactsHidden`), when its contact
//! name or email contains the text, or its phone contains the query's digits if the query
//! is a phone number (phone characters only, at least [`MIN_PHONE_DIGITS`] digits). A
//! search never matches on a character the caller cannot see: otherwise a rep could read
//! a pool customer's masked digits back one search at a time. Letters match without regard
//! to ASCII case (SQLite's `lower` folds ASCII only, so Rust does the same).

use crate::customer::Customer;

/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// A phone query needs this many digits: fewer would match nearly every number.
pub const MIN_PHONE_DIGITS: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    /// The query, trimmed and ASCII-lowercased: matched inside name, company, and (where
    /// visible) contact name and email.
    pub text: String,
    /// The query's digits when the whole query is a phone number: matched inside the
    /// phone's duplicate key (digits only), where visible.
    pub phone_digits: Option<String>,
}

impl Search {
    /// The search a query asks for; `None` for an empty one. The length limit is checked
    /// where the query is parsed (`api::CustomerQuery::parse`).
    pub fn of(q: &str) -> Option<Search> {
        let text = q.trim();
        if text.is_empty() {
            return None;
        }
        let phone_like = text.chars().all(|c| c.is_ascii_digit() || " +-()（）＋".contains(c) || ('０'..='９').contains(&c));
        let digits = crate::normalize::phone_key(text).unwrap_or_else(|| text.chars().filter(char::is_ascii_digit).collect());
        let phone_digits = (phone_like && digits.len() >= MIN_PHONE_DIGITS).then_some(digits);
        Some(Search { text: text.to_ascii_lowercase(), phone_digits })
    }

    /// The Rust reading of the match, which the SQL restates from [`SEARCHED`];
    /// `contacts_visible` is the negation of `ownership::masks_contacts` for the caller and
    /// this customer.
    pub fn matches(&self, c: &Customer, contacts_visible: bool) -> bool {
        SEARCHED.into_iter().any(|field| (contacts_visible || !field.is_contact()) && self.finds_in(field, c))
    }

    fn finds_in(&self, field: SearchField, c: &Customer) -> bool {
        let contains = |value: &Option<String>| value.as_deref().is_some_and(|v| v.to_ascii_lowercase().contains(&self.text));
        match field {
            SearchField::Name => c.name.to_ascii_lowercase().contains(&self.text),
            SearchField::Company => contains(&c.company),
            SearchField::ContactName => contains(&c.contact_name),
            SearchField::Email => contains(&c.email),
            SearchField::Phone => self.phone_digits.as_ref().is_some_and(|d| c.phone.as_deref().and_then(crate::normalize::phone_key).is_some_and(|k| k.contains(d.as_str()))),
        }
    }
}

/// A field a search looks in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchField {
    Name,
    Company,
    ContactName,
    Email,
    /// The phone's duplicate key (digits only), searched for the query's phone digits.
    Phone,
}

/// Every field a search looks in: the edge's SQL and [`Search::matches`] both read this.
pub const SEARCHED: [SearchField; 5] = [SearchField::Name, SearchField::Company, SearchField::ContactName, SearchField::Email, SearchField::Phone];

impl SearchField {
    /// A contact: searched only where the caller sees the customer's contacts.
    pub fn is_contact(self) -> bool {
        matches!(self, SearchField::ContactName | SearchField::Email | SearchField::Phone)
    }

    /// Searched for [`Search::phone_digits`] rather than [`Search::text`].
    pub fn by_digits(self) -> bool {
        self == SearchField::Phone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(name: &str, phone: &str) -> Customer {
        let mut c: Customer = serde_json::from_str(r#"{"id":"c1","name":"x","stage":"lead","created_by":"u","created_at":0,"updated_at":0,"version":1}"#).unwrap();
        c.name = name.into();
        c.phone = Some(phone.into());
        c.contact_name = Some("Li Lei".into());
        c
    }

    #[test]
    fn hidden_contacts_never_match() {
        let c = customer("Xlsx Person 121676", "18400009151");
        let s = |q: &str| Search::of(q).unwrap();
        assert!(s("0000").matches(&c, true), "visible: the phone matches");
        assert!(!s("0000").matches(&c, false), "masked: the hidden digits never match");
        assert!(!s("9151").matches(&c, false), "masked: not even the digits the mask shows");
        assert!(!s("li lei").matches(&c, false) && s("LI LEI").matches(&c, true), "contact name: only where visible, any ASCII case");
        assert!(s("121676").matches(&c, false), "the name is always visible");
    }

    #[test]
    fn text_with_digits_is_not_a_phone_query() {
        let c = customer("Xlsx Person 121676", "13900121676");
        assert_eq!(Search::of("表格客户121676").unwrap().phone_digits, None);
        assert!(!Search::of("表格客户121676").unwrap().matches(&c, true), "no name contains it; the phone is not searched by a text query");
        assert_eq!(Search::of("+86 139-0012").unwrap().phone_digits.as_deref(), Some("1390012"));
        assert_eq!(Search::of("12").unwrap().phone_digits, None, "too few digits");
        assert_eq!(Search::of("   "), None);
    }
}
