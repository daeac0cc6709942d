//! `Deserialize` for [`CustomerView`] without `#[serde(flatten)]`.
//!
//! Flatten buffers every key of the object into serde's private `Content` tree and decodes
//! the customer a second time from that tree, with a second copy of `Customer`'s decoder.
//! The widget reads customer views in every list, so that copy is downloaded by every
//! visitor (~4.5 KB brotli of `<allot-customers>`, measured). Here the object is read
//! once: the view's own keys are taken out on the way, every other key goes straight to
//! `Customer`'s derived decoder. The wire shape is the derived `Serialize`'s, unchanged.

use serde::de::value::{MapAccessDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::CustomerView;
use crate::allocation::Assignment;
use crate::customer::{Customer, Lifecycle};

impl<'de> Deserialize<'de> for CustomerView {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ViewVisitor)
    }
}

/// The view's own fields, with the defaults their `#[serde]` attributes give them.
#[derive(Default)]
struct ViewFields {
    lifecycle: Option<Lifecycle>,
    owner_name: Option<String>,
    masked: bool,
    editable: bool,
    allocation: Option<Assignment>,
}

struct ViewVisitor;

impl<'de> Visitor<'de> for ViewVisitor {
    type Value = CustomerView;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a customer")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CustomerView, A::Error> {
        let mut view = ViewFields::default();
        let customer = Customer::deserialize(MapAccessDeserializer::new(TakeViewFields { map, view: &mut view }))?;
        let lifecycle = view.lifecycle.ok_or_else(|| de::Error::missing_field("lifecycle"))?;
        Ok(CustomerView { customer, lifecycle, owner_name: view.owner_name, masked: view.masked, editable: view.editable, allocation: view.allocation })
    }
}

/// The object's entries as `Customer` sees them: without the view's keys, whose values
/// land in `view` instead.
struct TakeViewFields<'v, A> {
    map: A,
    view: &'v mut ViewFields,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TakeViewFields<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<String>()? {
            match key.as_str() {
                "lifecycle" => self.view.lifecycle = Some(self.map.next_value()?),
                "owner_name" => self.view.owner_name = self.map.next_value()?,
                "masked" => self.view.masked = self.map.next_value()?,
                "editable" => self.view.editable = self.map.next_value()?,
                "allocation" => self.view.allocation = self.map.next_value()?,
                _ => return seed.deserialize(StringDeserializer::new(key)).map(Some),
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::Tier;

    fn view() -> CustomerView {
        let customer: Customer = serde_json::from_str(
            r#"{"id":"c1","name":"李雷","company":"示例科技","amount":12.5,"stage":"lead","tier":"key","tags":["a"],"custom":{"n":3},"owner":"u1","created_by":"u1","created_at":1,"updated_at":2,"version":3}"#,
        )
        .expect("a customer");
        CustomerView { customer, lifecycle: Lifecycle::Active, owner_name: Some("张*".into()), masked: true, editable: true, allocation: None }
    }

    #[test]
    fn reads_what_serialize_writes() {
        let full = view();
        let text = serde_json::to_string(&full).expect("encodes");
        assert!(text.starts_with(r#"{"id":"c1","#), "the customer's fields are inline: {text}");
        assert_eq!(serde_json::from_str::<CustomerView>(&text).ok(), Some(full.clone()));
        assert_eq!(crate::wire::from_json::<CustomerView>(&text).ok(), Some(full.clone()));
        assert_eq!(full.customer.tier, Some(Tier::Key));
    }

    #[test]
    fn view_fields_default_as_their_attributes_say() {
        let mut bare = view();
        bare.owner_name = None;
        bare.masked = false;
        bare.editable = false;
        let mut value = serde_json::to_value(&bare).expect("encodes");
        let object = value.as_object_mut().expect("an object");
        object.remove("masked");
        object.remove("editable");
        assert!(!object.contains_key("owner_name"));
        assert_eq!(serde_json::from_value::<CustomerView>(value.clone()).ok(), Some(bare));
        value.as_object_mut().expect("an object").remove("lifecycle");
        let missing = serde_json::from_value::<CustomerView>(value).expect_err("lifecycle is required");
        assert!(missing.to_string().contains("lifecycle"), "{missing}");
    }

    #[test]
    fn customer_fields_are_still_checked() {
        let mut value = serde_json::to_value(view()).expect("encodes");
        value.as_object_mut().expect("an object").remove("stage");
        assert!(serde_json::from_value::<CustomerView>(value).expect_err("stage is required").to_string().contains("stage"));
    }
}
