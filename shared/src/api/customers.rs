//! Customers (`/customers`): the create and patch bodies, the customer as a caller sees it,
//! a page of them, deletion and the collaborator to add.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
}
