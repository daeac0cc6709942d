//! Customers (`/customers`): the create body (the fields and who the customer goes to),
//! the patch body, the customer as a caller sees it, a page of them, deletion and the
//! collaborator to add.

use std::collections::BTreeMap;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::present;
use crate::customer::{Customer, Intent, Lifecycle, Tier};
use crate::time::Millis;

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

/// A customer's editable fields as a caller types them: the fields of `POST /customers`,
/// an import row, and the base a patch overlays.
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
        }
    }
}

/// `POST /customers` body: the customer's fields and who it goes to.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(deny_unknown_fields))]
pub struct NewCustomer {
    #[serde(flatten)]
    pub fields: CustomerInput,
    #[serde(flatten)]
    pub placement: Placement,
}

/// Who a new customer goes to. On the wire it is two optional fields that exclude each
/// other: `owner` (absent: the creator; `null`: the pool; a user id: that user) and
/// `allocate: true`. A body with both is refused when it is read, so no code past the
/// parser meets the pair.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Placement {
    /// Neither field: the creator owns it (first entry wins, 首次录入为准).
    #[default]
    Creator,
    /// `"owner": null`: straight into the public pool.
    Pool,
    /// `"owner": "<user id>"`: that user (managers and admins only; the edge checks the
    /// user is in the creator's scope).
    Owner(String),
    /// `"allocate": true`: the tenant's allocation rules choose the owner (the intake
    /// path); the answer says who got it and why.
    Allocate,
}

impl Serialize for Placement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            Placement::Creator => {}
            Placement::Pool => map.serialize_entry("owner", &None::<String>)?,
            Placement::Owner(user) => map.serialize_entry("owner", user)?,
            Placement::Allocate => map.serialize_entry("allocate", &true)?,
        }
        map.end()
    }
}

/// Reads the object once (as `crate::wire::flat_deserialize!` does): `owner` and
/// `allocate` are taken out on the way, every other key goes to `CustomerInput`, which
/// refuses unknown ones (at the key, as before `NewCustomer`: `wire::flattened_at_keys`).
impl<'de> Deserialize<'de> for NewCustomer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NewCustomerVisitor;

        impl<'de> Visitor<'de> for NewCustomerVisitor {
            type Value = NewCustomer;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("NewCustomer")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<NewCustomer, A::Error> {
                // `owner`: absent (`None`), `null` (`Some(None)`) or a user id.
                let mut owner: Option<Option<String>> = None;
                let mut allocate: Option<bool> = None;
                let fields = crate::wire::flattened_at_keys::<CustomerInput, A, _>(map, &["owner", "allocate"], |key, map| {
                    // The second of the pair is refused while its value is read, so the
                    // error's path names it (`owner`, as when the edge checked the pair).
                    match key {
                        "owner" if owner.is_some() => return Err(de::Error::duplicate_field("owner")),
                        "owner" => {
                            let refuse: fn(&Option<String>) -> bool = if allocate == Some(true) { |_| true } else { |_| false };
                            owner = Some(map.next_value_seed(Excluding { refuse })?);
                        }
                        "allocate" if allocate.is_some() => return Err(de::Error::duplicate_field("allocate")),
                        "allocate" => {
                            let refuse: fn(&bool) -> bool = if owner.is_some() { |allocate| *allocate } else { |_| false };
                            allocate = Some(map.next_value_seed(Excluding { refuse })?);
                        }
                        _ => {}
                    }
                    Ok(())
                })?;
                let placement = match (owner, allocate.unwrap_or(false)) {
                    (Some(_), true) => return Err(de::Error::custom(EXCLUSIVE)),
                    (None, true) => Placement::Allocate,
                    (None, false) => Placement::Creator,
                    (Some(None), false) => Placement::Pool,
                    (Some(Some(user)), false) => Placement::Owner(user),
                };
                Ok(NewCustomer { fields, placement })
            }
        }

        deserializer.deserialize_map(NewCustomerVisitor)
    }
}

const EXCLUSIVE: &str = "allocate and owner exclude each other";

/// Reads one of `owner` and `allocate`, refusing the body when `refuse` says the value
/// conflicts with the other field already read.
struct Excluding<T> {
    refuse: fn(&T) -> bool,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Excluding<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        let value = T::deserialize(deserializer)?;
        if (self.refuse)(&value) {
            Err(de::Error::custom(EXCLUSIVE))
        } else {
            Ok(value)
        }
    }
}

/// The two fields `Placement` is on the wire, for the OpenAPI document.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Placement {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Placement".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "properties": {
                "owner": {
                    "type": ["string", "null"],
                    "description": "Absent: the creator owns it. `null`: straight into the pool. A user id: that rep (managers and admins only). Excludes `allocate`."
                },
                "allocate": {
                    "type": "boolean",
                    "description": "Allocate the new customer with the tenant's rules (the intake path); the answer says who got it and why. Excludes `owner`."
                }
            }
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_reads_the_owner_and_allocate_fields() {
        let placement = |body: &str| serde_json::from_str::<NewCustomer>(body).map(|c| c.placement).map_err(|e| e.to_string());
        assert_eq!(placement(r#"{"name":"a"}"#), Ok(Placement::Creator));
        assert_eq!(placement(r#"{"name":"a","allocate":false}"#), Ok(Placement::Creator));
        assert_eq!(placement(r#"{"name":"a","owner":null}"#), Ok(Placement::Pool));
        assert_eq!(placement(r#"{"name":"a","owner":"u2"}"#), Ok(Placement::Owner("u2".into())));
        assert_eq!(placement(r#"{"name":"a","owner":"u2","allocate":false}"#), Ok(Placement::Owner("u2".into())));
        assert_eq!(placement(r#"{"allocate":true,"name":"a"}"#), Ok(Placement::Allocate));
        for both in [r#"{"name":"a","allocate":true,"owner":null}"#, r#"{"owner":"u2","name":"a","allocate":true}"#] {
            assert!(placement(both).is_err_and(|e| e.contains("allocate and owner exclude each other")), "{both}");
        }
        assert!(placement(r#"{"name":"a","owner":"u1","owner":"u2"}"#).is_err(), "a repeated key is refused, as derived structs do");
        assert!(placement(r#"{"name":"a","allocate":null}"#).is_err());
        assert!(placement(r#"{"name":"a","nmae":"b"}"#).is_err(), "unknown keys are refused");
        let fields: NewCustomer = serde_json::from_str(r#"{"name":"a","phone":"138","owner":"u2"}"#).unwrap();
        assert_eq!((fields.fields.name.as_str(), fields.fields.phone.as_deref()), ("a", Some("138")));
    }

    #[test]
    fn placement_writes_what_it_reads() {
        for body in [r#"{"name":"a"}"#, r#"{"name":"a","owner":null}"#, r#"{"name":"a","owner":"u2"}"#, r#"{"name":"a","allocate":true}"#] {
            let read: NewCustomer = serde_json::from_str(body).unwrap();
            assert_eq!(serde_json::to_string(&read).unwrap(), body);
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_json::from_str::<ShareInput>(r#"{"user":"u1","role":"admin"}"#).is_err());
        assert!(serde_json::from_str::<CustomerInput>(r#"{"name":"a","nmae":"b"}"#).is_err());
        assert!(serde_json::from_str::<CustomerInput>(r#"{"name":"a","owner":"u2"}"#).is_err(), "who it goes to is NewCustomer's");
        assert!(serde_json::from_str::<CustomerPatch>(r#"{"version":1,"owner":"x"}"#).is_err());
        assert!(serde_json::from_str::<CustomerPatch>(r#"{"name":"x"}"#).is_err(), "version is required");
    }
}
