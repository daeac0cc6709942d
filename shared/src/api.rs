//! Wire types of the HTTP API (`/api/v1`): what the edge parses and answers and what the
//! widget sends and reads. Domain types stay in their modules; these are the boundary.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::customer::{Customer, DuplicateField, Intent, Lifecycle, Tier};
use crate::ids::Role;
use crate::time::Millis;
use crate::field_error::FieldError;

pub const API_VERSION: &str = "v1";

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Every error answer: `{"error": {"code", "message", "details"?}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    /// Stable machine code: `unauthorized`, `forbidden`, `not_found`, `invalid`,
    /// `duplicate`, `stale`, `too_large`, `unsupported_media_type`, `internal`, …
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// `details` of a 400 `invalid`: every field problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InvalidDetails {
    pub fields: Vec<FieldError>,
}

/// `details` of a 409 `duplicate` (撞单): which key collided and who holds the other
/// record, masked. No field of the other record is revealed; its id only when the caller
/// may open it anyway (their own, or in the pool).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DuplicateDetails {
    pub field: DuplicateField,
    /// The holder's name, masked (张*), or `null` when the customer is in the pool.
    pub owner: Option<String>,
    pub owned_by_you: bool,
    pub in_pool: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Health {
    pub ok: bool,
    pub version: String,
}

/// Who the token says the caller is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Me {
    pub tenant: String,
    pub user: String,
    pub role: Role,
    pub name: String,
}

/// How much an allocation answer explains.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Explain {
    /// Each assignment's criteria and its runner-up.
    #[default]
    Summary,
    /// Also every eligible rep's score and breakdown for each customer.
    Full,
}

/// `POST /allocations/preview` and `POST /allocations` body; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AllocationRequest {
    /// Defaults to the tenant's rule.
    #[serde(default)]
    pub strategy: Option<crate::allocation::Strategy>,
    /// Defaults to the tenant's weights.
    #[serde(default)]
    pub weights: Option<crate::allocation::Weights>,
    /// Defaults to every unowned customer the caller may allocate.
    #[serde(default)]
    pub customer_ids: Option<Vec<String>>,
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub explain: Explain,
}

/// `POST /pool/distribute` body: an allocation request over pool customers, previewed
/// unless `apply` is true. Unknown keys are refused (by `AllocationRequest`, which sees
/// every key but `apply`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(deny_unknown_fields))]
pub struct DistributeRequest {
    #[serde(flatten)]
    pub allocation: AllocationRequest,
    #[serde(default)]
    pub apply: bool,
}

crate::wire::flat_deserialize!(DistributeRequest {
    flatten allocation: AllocationRequest,
    apply: bool = default,
});

/// The answer of a preview or an apply.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AllocationResponse {
    #[serde(flatten)]
    pub outcome: crate::allocation::Outcome,
    /// Strategy and rule version, as written into the audit trail (`combined@v3`).
    pub rule: String,
    /// False for a preview.
    pub applied: bool,
    /// Assignments not applied because the customer gained an owner meanwhile or the rep
    /// filled up: never overwritten.
    #[serde(default)]
    pub skipped: Vec<SkippedAssignment>,
}

crate::wire::flat_deserialize!(AllocationResponse {
    flatten outcome: crate::allocation::Outcome,
    rule: String = required,
    applied: bool = required,
    skipped: Vec<SkippedAssignment> = default,
});

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SkippedAssignment {
    pub customer: String,
    pub rep: String,
    pub reason: String,
}

/// One entry of the user directory (owner pickers, names on cards).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserSummary {
    pub id: String,
    pub name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub level: String,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserList {
    pub items: Vec<UserSummary>,
}

/// `DELETE /customers/{id}` answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Deleted {
    pub deleted: String,
}

/// `POST /customers/{id}/collaborators` body: the user to add (协作人).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    pub user: String,
}

/// `POST /customers` body.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat: Option<String>,
    /// Industry key or label (零售业 / Retail / retail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// Territory key, label, or a province or city it covers (上海).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// Stage key or label; defaults to the first stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: BTreeMap<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_follow_up_at: Option<Millis>,
    /// Absent: the creator owns it. `null`: straight into the pool. A user id: that rep
    /// (managers and admins only).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub owner: Option<Option<String>>,
    /// Allocate the new customer with the tenant's rules (the intake path); the answer
    /// says who got it and why. Excludes `owner`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allocate: bool,
}

impl CustomerInput {
    /// The editable fields of a stored record, as input: the base a patch overlays.
    pub fn from_customer(c: &Customer) -> CustomerInput {
        CustomerInput {
            name: c.name.clone(),
            company: c.company.clone(),
            contact_name: c.contact_name.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            wechat: c.wechat.clone(),
            industry: c.industry.clone(),
            region: c.region.clone(),
            source: c.source.clone(),
            amount: c.amount,
            stage: Some(c.stage.clone()),
            tier: c.tier,
            intent: c.intent,
            tags: c.tags.clone(),
            custom: c.custom.clone(),
            next_follow_up_at: c.next_follow_up_at,
            owner: None,
            allocate: false,
        }
    }
}

/// `PATCH /customers/{id}` body: `version` as read, plus the fields to change; `null`
/// clears a field. Custom fields merge key by key (`null` removes one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerPatch {
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub company: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub contact_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub wechat: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub region: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub source: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub amount: Option<Option<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Tier>"))]
    pub tier: Option<Option<Tier>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Intent>"))]
    pub intent: Option<Option<Intent>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Millis>"))]
    pub next_follow_up_at: Option<Option<Millis>>,
}

impl CustomerPatch {
    pub fn overlay(&self, input: &mut CustomerInput) {
        fn set<T: Clone>(target: &mut Option<T>, value: &Option<Option<T>>) {
            if let Some(v) = value {
                *target = v.clone();
            }
        }
        if let Some(name) = &self.name {
            input.name = name.clone();
        }
        set(&mut input.company, &self.company);
        set(&mut input.contact_name, &self.contact_name);
        set(&mut input.phone, &self.phone);
        set(&mut input.email, &self.email);
        set(&mut input.wechat, &self.wechat);
        set(&mut input.industry, &self.industry);
        set(&mut input.region, &self.region);
        set(&mut input.source, &self.source);
        set(&mut input.amount, &self.amount);
        set(&mut input.tier, &self.tier);
        set(&mut input.intent, &self.intent);
        set(&mut input.next_follow_up_at, &self.next_follow_up_at);
        if let Some(stage) = &self.stage {
            input.stage = Some(stage.clone());
        }
        if let Some(tags) = &self.tags {
            input.tags = tags.clone();
        }
        if let Some(custom) = &self.custom {
            for (key, value) in custom {
                if value.is_null() {
                    input.custom.remove(key);
                } else {
                    input.custom.insert(key.clone(), value.clone());
                }
            }
        }
    }
}

/// A customer as a caller sees it: the record plus what is computed at read time.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CustomerView {
    #[serde(flatten)]
    pub customer: Customer,
    pub lifecycle: Lifecycle,
    /// The owner's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    /// True when the contacts are masked (a pool customer seen by a rep:
    /// `mask::customer` says which fields and how).
    #[serde(default)]
    pub masked: bool,
    /// Whether the caller may edit it.
    #[serde(default)]
    pub editable: bool,
    /// On an intake (`"allocate": true`): who got the customer and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<crate::allocation::Assignment>,
}

crate::wire::flat_deserialize!(CustomerView {
    flatten customer: Customer,
    lifecycle: Lifecycle = required,
    owner_name: Option<String> = default,
    masked: bool = default,
    editable: bool = default,
    allocation: Option<crate::allocation::Assignment> = default,
});

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CustomerPage {
    pub items: Vec<CustomerView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

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
        let mut q = CustomerQuery {
            owner: OwnerFilter::Any,
            status: None,
            tier: None,
            intent: None,
            industry: None,
            region: None,
            stage: None,
            segment: None,
            q: None,
            cursor: None,
            limit: DEFAULT_PAGE,
        };
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

/// `POST /customers/import` answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows read (the header row not counted).
    pub rows: usize,
    /// Rows that passed validation.
    pub valid: usize,
    /// Customers created by this request (0 on a dry run).
    pub created: usize,
    /// Valid rows that were not created because the customer already exists (in the
    /// tenant, or earlier in the same file).
    pub duplicates: Vec<ImportDuplicate>,
    /// Existing customers of other users handed to the importer by the tenant's ownership
    /// rule (each also listed in `duplicates` with `taken_over`).
    #[serde(default)]
    pub taken_over: usize,
    /// Rows refused by validation, by line number (the header is line 1).
    pub errors: Vec<ImportRowError>,
    /// Headers that match no field and were ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportDuplicate {
    pub line: usize,
    pub field: DuplicateField,
    /// The earlier line in the same file, when the duplicate is within the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as_line: Option<usize>,
    /// The existing customer this row matched, when the tenant's ownership rule handed it
    /// to the importer (a real import, not a dry run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_over: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportRowError {
    pub line: usize,
    pub errors: Vec<FieldError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_is_tri_state() {
        let absent: CustomerInput = serde_json::from_str(r#"{"name":"a"}"#).unwrap();
        let pool: CustomerInput = serde_json::from_str(r#"{"name":"a","owner":null}"#).unwrap();
        let rep: CustomerInput = serde_json::from_str(r#"{"name":"a","owner":"u2"}"#).unwrap();
        assert_eq!((absent.owner, pool.owner, rep.owner), (None, Some(None), Some(Some("u2".into()))));
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_json::from_str::<ShareInput>(r#"{"user":"u1","role":"admin"}"#).is_err());
        assert!(serde_json::from_str::<CustomerInput>(r#"{"name":"a","nmae":"b"}"#).is_err());
        assert!(serde_json::from_str::<CustomerPatch>(r#"{"version":1,"owner":"x"}"#).is_err());
        assert!(serde_json::from_str::<CustomerPatch>(r#"{"name":"x"}"#).is_err(), "version is required");
    }

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
