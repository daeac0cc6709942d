//! The filters of `GET /customers` and `GET /customers/export`, parsed from the query string.

use crate::customer::{Intent, Lifecycle, Tier};
use crate::field_error::FieldError;

/// Whose customers a list shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerFilter {
    /// Everything the caller may see.
    Any,
    Me,
    /// Customers the caller collaborates on (协作).
    Shared,
    Pool,
    User(String),
}

/// Filters of `GET /customers` and `GET /customers/export`.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerQuery {
    pub owner: OwnerFilter,
    pub status: Option<Lifecycle>,
    pub tier: Option<Tier>,
    pub intent: Option<Intent>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub stage: Option<String>,
    pub segment: Option<String>,
    /// What `shared::search` matches: name and company; contact name, email and phone
    /// only where the caller sees them. At most `search::MAX_QUERY_CHARS` characters.
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: u32,
}

pub const DEFAULT_PAGE: u32 = 50;

pub const MAX_PAGE: u32 = 200;

/// The query parameters `GET /customers` accepts, for the OpenAPI document.
pub const CUSTOMER_QUERY_PARAMS: &[(&str, &str)] = &[
    ("owner", "me, shared (customers you collaborate on), pool, any (default) or a user id"),
    ("status", "lifecycle: new, active, dormant, lost"),
    ("tier", "key, potential, regular"),
    ("intent", "high, medium, low"),
    ("industry", "industry key"),
    ("region", "territory key"),
    ("stage", "stage key"),
    ("segment", "segment key"),
    ("q", "text in name or company; in contact name, email or phone (a phone query: digits, at least 3) only where the caller sees contacts; at most 100 characters"),
    ("cursor", "next_cursor of the previous page"),
    ("limit", "page size, 1 to 200 (default 50)"),
];

impl CustomerQuery {
    /// Parses query parameters; unknown parameters and bad values are errors, not ignored.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<CustomerQuery, Vec<FieldError>> {
        let mut q =
            CustomerQuery { owner: OwnerFilter::Any, status: None, tier: None, intent: None, industry: None, region: None, stage: None, segment: None, q: None, cursor: None, limit: DEFAULT_PAGE };
        let mut errors = Vec::new();
        let mut bad = |key: &str, msg: &str| errors.push(FieldError::new(key, "invalid", msg));
        for (key, value) in pairs {
            let text = || Some(value.trim().to_string()).filter(|v| !v.is_empty());
            match key {
                "owner" => {
                    q.owner = match value {
                        "" | "any" | "all" => OwnerFilter::Any,
                        "me" => OwnerFilter::Me,
                        "pool" | "none" => OwnerFilter::Pool,
                        "shared" => OwnerFilter::Shared,
                        id if crate::ids::is_valid_slug(id) => OwnerFilter::User(id.to_string()),
                        _ => {
                            bad(key, "me, shared, pool, any or a user id");
                            OwnerFilter::Any
                        }
                    }
                }
                "status" => match Lifecycle::parse(value) {
                    Some(s) => q.status = Some(s),
                    None if value.is_empty() => {}
                    None => bad(key, "new, active, dormant or lost"),
                },
                "tier" => match value {
                    "" => {}
                    v => match Tier::ALL.into_iter().find(|t| t.as_str() == v) {
                        Some(t) => q.tier = Some(t),
                        None => bad(key, "key, potential or regular"),
                    },
                },
                "intent" => match value {
                    "" => {}
                    v => match Intent::ALL.into_iter().find(|t| t.as_str() == v) {
                        Some(t) => q.intent = Some(t),
                        None => bad(key, "high, medium or low"),
                    },
                },
                "industry" => q.industry = text(),
                "region" => q.region = text(),
                "stage" => q.stage = text(),
                "segment" => q.segment = text(),
                "q" => match text() {
                    Some(t) if t.chars().count() > crate::search::MAX_QUERY_CHARS => bad(key, &format!("too long: at most {} characters", crate::search::MAX_QUERY_CHARS)),
                    t => q.q = t,
                },
                "cursor" => q.cursor = text(),
                "limit" => match value.parse::<u32>() {
                    Ok(n) if (1..=MAX_PAGE).contains(&n) => q.limit = n,
                    _ => bad(key, "1 to 200"),
                },
                // Export and content negotiation parameters are read elsewhere.
                "format" | "lang" => {}
                other => bad(other, "unknown query parameter"),
            }
        }
        if errors.is_empty() {
            Ok(q)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parsing() {
        let q = CustomerQuery::parse([("owner", "pool"), ("status", "dormant"), ("limit", "200"), ("q", " 星辰 ")]).unwrap();
        assert_eq!((q.owner, q.status, q.limit, q.q.as_deref()), (OwnerFilter::Pool, Some(Lifecycle::Dormant), 200, Some("星辰")));
        let owner = |v: &str| CustomerQuery::parse([("owner", v)]).map(|q| q.owner);
        assert_eq!(owner("shared"), Ok(OwnerFilter::Shared));
        assert_eq!(owner("me"), Ok(OwnerFilter::Me));
        assert_eq!(owner("u-7"), Ok(OwnerFilter::User("u-7".into())));
        assert!(owner("a b").is_err());
        let errs = CustomerQuery::parse([("limit", "201"), ("tier", "gold"), ("colour", "red")]).unwrap_err();
        let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, vec!["limit", "tier", "colour"]);
        let long = "字".repeat(crate::search::MAX_QUERY_CHARS + 1);
        let errs = CustomerQuery::parse([("q", long.as_str())]).unwrap_err();
        assert_eq!(errs[0].path, "q", "a long query is refused, never dropped");
        assert!(errs[0].message.contains("100"), "{}", errs[0].message);
    }
}
