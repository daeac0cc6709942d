//! Decoding API answers with less code, for the widget (every visitor downloads it):
//! [`from_json`] is `serde_json::from_str` that reads every struct from a JSON object
//! only, and `flat_deserialize!` (below) decodes a struct with a `#[serde(flatten)]` field
//! in one pass instead of through serde's buffer.
//!
//! Why: serde's derived `Deserialize` for a struct accepts an object *or* an array of its
//! fields, and serde_json's `deserialize_struct` calls both paths, so every answer type
//! carries a second, never-used decoder (`visit_seq`). [`from_json`] routes struct
//! requests to `deserialize_map`, which never calls `visit_seq`, and the linker drops
//! those decoders. The API only ever writes objects, so nothing it sends is read
//! differently (tests compare with `serde_json::from_str`).
//!
//! How: a transparent wrapper around the deserializer ([`Lean`]) that is handed on to
//! every nested value through the visitors, map and sequence accessors and seeds
//! ([`LeanVisitor`], [`LeanAccess`], [`LeanSeed`]), the usual serde transcoding shape.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};

/// `serde_json::from_str`, reading structs from objects only.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut json = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Lean(&mut json))?;
    json.end()?;
    Ok(value)
}

/// A deserializer whose structs are maps.
pub struct Lean<D>(pub D);

struct LeanVisitor<V>(V);
struct LeanAccess<A>(A);
struct LeanSeed<S>(S);

macro_rules! forward {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(LeanVisitor(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Lean<D> {
    type Error = D::Error;

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32 deserialize_f64
        deserialize_char deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map deserialize_identifier
        deserialize_ignored_any
    }

    /// The point of the wrapper: a struct is read as a map.
    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_map(LeanVisitor(visitor))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, LeanVisitor(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_newtype_struct(name, LeanVisitor(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple(len, LeanVisitor(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, name: &'static str, len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple_struct(name, len, LeanVisitor(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(self, name: &'static str, variants: &'static [&'static str], visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, LeanVisitor(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! visit {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for LeanVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.expecting(f)
    }

    visit! {
        visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64) visit_i128(i128)
        visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64) visit_u128(u128)
        visit_f32(f32) visit_f64(f64) visit_char(char) visit_str(&str) visit_borrowed_str(&'de str)
        visit_string(String) visit_bytes(&[u8]) visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(Lean(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(Lean(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(LeanAccess(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(LeanAccess(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(LeanAccess(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for LeanSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(Lean(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for LeanAccess<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(LeanSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for LeanAccess<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(LeanSeed(seed))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(LeanSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for LeanAccess<A> {
    type Error = A::Error;
    type Variant = LeanAccess<A::Variant>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self::Variant), A::Error> {
        self.0.variant_seed(LeanSeed(seed)).map(|(value, variant)| (value, LeanAccess(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for LeanAccess<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(LeanSeed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, LeanVisitor(visitor))
    }

    /// A struct variant is read as a map too.
    fn struct_variant<V: Visitor<'de>>(self, fields: &'static [&'static str], visitor: V) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, LeanVisitor(visitor))
    }
}

/// `Deserialize` for a struct with one `#[serde(flatten)]` field, reading the object once:
/// the struct's own keys are taken out on the way and every other key goes straight to
/// the flattened type's decoder.
///
/// Why: serde's flatten buffers the whole object into its private `Content` tree and
/// decodes from that, with a second copy of every decoder involved: ~4.5 KB brotli of
/// `<allot-customers>` for `CustomerView` alone (measured). The wire shape stays the
/// derived `Serialize`'s (which keeps `#[serde(flatten)]`); tests read back what it writes.
/// A `required` field answers `missing_field` when absent, a `default` one takes
/// `Default::default()` (as `#[serde(default)]` would).
macro_rules! flat_deserialize {
    ($ty:ident { flatten $inner:ident: $inner_ty:ty, $($field:ident: $fty:ty = $how:ident),* $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct FlatVisitor;
                impl<'de> serde::de::Visitor<'de> for FlatVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(stringify!($ty))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<$ty, A::Error> {
                        $(let mut $field: Option<$fty> = None;)*
                        let $inner = $crate::wire::flattened::<$inner_ty, A, _>(map, |key, map| {
                            match key {
                                $(stringify!($field) => $field = Some(serde::de::MapAccess::next_value(map)?),)*
                                _ => return Ok(false),
                            }
                            Ok(true)
                        })?;
                        Ok($ty { $inner, $($field: $crate::wire::flat_deserialize!(@finish $field, $how)),* })
                    }
                }
                d.deserialize_map(FlatVisitor)
            }
        }
    };
    (@finish $field:ident, required) => {
        $field.ok_or_else(|| serde::de::Error::missing_field(stringify!($field)))?
    };
    (@finish $field:ident, default) => {
        $field.unwrap_or_default()
    };
}
pub(crate) use flat_deserialize;

/// Decodes `T` from `map`'s entries, except those `own` takes: `own` is handed each key
/// and the map, and returns true once it has read that key's value itself.
pub(crate) fn flattened<'de, T, A, F>(map: A, own: F) -> Result<T, A::Error>
where
    T: serde::Deserialize<'de>,
    A: MapAccess<'de>,
    F: FnMut(&str, &mut A) -> Result<bool, A::Error>,
{
    T::deserialize(serde::de::value::MapAccessDeserializer::new(Flattened { map, own }))
}

struct Flattened<A, F> {
    map: A,
    own: F,
}

impl<'de, A: MapAccess<'de>, F: FnMut(&str, &mut A) -> Result<bool, A::Error>> MapAccess<'de> for Flattened<A, F> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<String>()? {
            if !(self.own)(&key, &mut self.map)? {
                return seed.deserialize(serde::de::value::StringDeserializer::new(key)).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// [`flattened`] for a request body the edge reads, keeping its errors where a derived
/// struct reports them: every key not in `own_keys` is handed to `T`'s decoder while `map`
/// reads it, so an unknown field is reported at that key (`serde_path_to_error` tracks
/// keys as the map reads them). `own` is handed each of `own_keys` and the map, and reads
/// that key's value itself. Answers the widget decodes use [`flattened`]: smaller, and a
/// key's path matters to no one there.
pub(crate) fn flattened_at_keys<'de, T, A, F>(map: A, own_keys: &'static [&'static str], own: F) -> Result<T, A::Error>
where
    T: serde::Deserialize<'de>,
    A: MapAccess<'de>,
    F: FnMut(&str, &mut A) -> Result<(), A::Error>,
{
    T::deserialize(serde::de::value::MapAccessDeserializer::new(FlattenedAtKeys { map, own_keys, own }))
}

struct FlattenedAtKeys<A, F> {
    map: A,
    own_keys: &'static [&'static str],
    own: F,
}

impl<'de, A: MapAccess<'de>, F: FnMut(&str, &mut A) -> Result<(), A::Error>> MapAccess<'de> for FlattenedAtKeys<A, F> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let mut seed = Some(seed);
        loop {
            match self.map.next_key_seed(SplitKey { own_keys: self.own_keys, seed: &mut seed })? {
                None => return Ok(None),
                Some(Key::Theirs(value)) => return Ok(Some(value)),
                Some(Key::Own(key)) => (self.own)(&key, &mut self.map)?,
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// A key of a flattened object: one the outer struct reads itself, or the inner type's.
enum Key<V> {
    Own(String),
    Theirs(V),
}

/// Reads a key and, unless it is one of `own_keys`, hands it to the inner type's key seed
/// (taken once: a key read as `Theirs` ends the search for one).
struct SplitKey<'s, K> {
    own_keys: &'static [&'static str],
    seed: &'s mut Option<K>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for SplitKey<'_, K> {
    type Value = Key<K::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let key = <String as serde::Deserialize>::deserialize(deserializer)?;
        if self.own_keys.contains(&key.as_str()) {
            return Ok(Key::Own(key));
        }
        let seed = self.seed.take().ok_or_else(|| de::Error::custom("a key was asked for twice"))?;
        seed.deserialize(serde::de::value::StringDeserializer::new(key)).map(Key::Theirs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ErrorBody;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Tagged { weight: u32 },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Nested {
        name: String,
        kinds: Vec<Kind>,
        #[serde(default)]
        extra: Option<Box<Nested>>,
        any: serde_json::Value,
        amount: Option<f64>,
    }

    const NESTED: &str = r#"{"name":"张三","kinds":["plain",{"tagged":{"weight":3}}],"extra":{"name":"b","kinds":[],"any":[1,{"x":null}],"amount":null},"any":{"k":[true,"v"]},"amount":12.5}"#;

    #[test]
    fn reads_what_serde_json_reads() {
        let lean: Nested = from_json(NESTED).expect("decodes");
        let plain: Nested = serde_json::from_str(NESTED).expect("decodes");
        assert_eq!(lean, plain);
        let error = r#"{"error":{"code":"stale","message":"changed","details":{"version":3}}}"#;
        assert_eq!(from_json::<ErrorBody>(error).ok(), serde_json::from_str::<ErrorBody>(error).ok());
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        for bad in ["", "{", r#"{"name":1}"#, r#"{"name":"a","kinds":[],"any":null} x"#, r#"{"name":"a","kinds":["other"],"any":null}"#] {
            assert!(from_json::<Nested>(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<Nested>(bad).is_err(), "{bad}");
        }
    }

    /// The answers the widget reads, every field present: the same values either way, and
    /// what the edge writes reads back to what it wrote.
    #[test]
    fn reads_the_answer_types_alike() {
        let view = r#"{"id":"c1","name":"李雷","company":"示例科技有限公司","contact_name":"韩梅梅","phone":"13800000000","email":"li@example.cn","wechat":"lilei","industry":"it","region":"east","source":"web","amount":1200000.5,"stage":"lead","tier":"key","intent":"high","tags":["a","b"],"custom":{"budget":3,"note":"x","when":[1,2]},"owner":"u1","collaborators":["u2"],"created_by":"u1","created_at":1,"updated_at":2,"last_follow_up_at":3,"next_follow_up_at":4,"won_at":5,"lost_at":6,"segment":"vip","version":7,"lifecycle":"active","owner_name":"张*","masked":true,"editable":true}"#;
        let page = format!(r#"{{"items":[{view},{view}],"next_cursor":"abc"}}"#);
        let lean: crate::api::CustomerPage = from_json(&page).expect("decodes");
        assert_eq!(Some(&lean), serde_json::from_str::<crate::api::CustomerPage>(&page).ok().as_ref());
        assert_eq!(lean.items[0].customer.custom.len(), 3);
        let again = serde_json::to_string(&lean).expect("encodes");
        assert_eq!(from_json::<crate::api::CustomerPage>(&again).ok().as_ref(), Some(&lean));

        let settings = serde_json::to_string(&crate::settings::TenantSettings::default()).expect("encodes");
        assert_eq!(from_json::<crate::settings::TenantSettings>(&settings).ok(), Some(crate::settings::TenantSettings::default()));
    }

    fn customer_view() -> crate::api::CustomerView {
        let customer: crate::customer::Customer = serde_json::from_str(
            r#"{"id":"c1","name":"李雷","company":"示例科技","amount":12.5,"stage":"lead","tier":"key","tags":["a"],"custom":{"n":3},"owner":"u1","created_by":"u1","created_at":1,"updated_at":2,"version":3}"#,
        )
        .expect("a customer");
        crate::api::CustomerView { customer, lifecycle: crate::customer::Lifecycle::Active, owner_name: Some("张*".into()), masked: true, editable: true, allocation: None }
    }

    /// What the derived `Serialize` writes (flattened), both decoders read back.
    fn reads_back<T: serde::Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
        let text = serde_json::to_string(value).expect("encodes");
        assert_eq!(serde_json::from_str::<T>(&text).as_ref().ok(), Some(value), "{text}");
        assert_eq!(from_json::<T>(&text).as_ref().ok(), Some(value), "{text}");
    }

    #[test]
    fn flattened_types_read_back_what_they_write() {
        let view = customer_view();
        assert!(serde_json::to_string(&view).expect("encodes").starts_with(r#"{"id":"c1","#), "the customer's fields are inline");
        reads_back(&view);
        let item = crate::api::PoolItem { customer: view, pool_reason: "released".into(), pool_note: Some("太远".into()), pool_since: 9, pool: "default".into() };
        reads_back(&item);
        let outcome: crate::allocation::Outcome = serde_json::from_str(
            r#"{"strategy":"round_robin","assignments":[],"unassigned":[{"customer":"c9","reason":"full"}],"distribution":{"reps":[{"rep":"u1","count_before":1,"count_after":2,"value_before":0.0,"value_after":5.5,"capacity":10,"load":0.2}],"gini_count":0.0,"gini_value":0.0,"max_min_ratio":null,"junior_share":0.0,"total_score":0.0},"next_cursor":3,"junior_share_met":true}"#,
        )
        .expect("an outcome");
        reads_back(&crate::api::AllocationResponse { outcome, rule: "round_robin@v1".into(), applied: false, skipped: Vec::new() });
    }

    #[test]
    fn a_flattened_request_stays_strict() {
        let parsed: crate::api::DistributeRequest = from_json(r#"{"strategy":"round_robin","seed":7,"apply":true}"#).expect("decodes");
        assert_eq!((parsed.allocation.seed, parsed.apply), (Some(7), true));
        reads_back(&parsed);
        assert_eq!(from_json::<crate::api::DistributeRequest>("{}").ok(), Some(crate::api::DistributeRequest::default()));
        let unknown = from_json::<crate::api::DistributeRequest>(r#"{"apply":true,"sead":7}"#).expect_err("unknown keys are refused");
        assert!(unknown.to_string().contains("sead"), "{unknown}");
    }

    #[test]
    fn flattened_fields_default_as_their_attributes_say() {
        let mut bare = customer_view();
        bare.owner_name = None;
        bare.masked = false;
        bare.editable = false;
        let mut value = serde_json::to_value(&bare).expect("encodes");
        let object = value.as_object_mut().expect("an object");
        object.remove("masked");
        object.remove("editable");
        assert!(!object.contains_key("owner_name"));
        assert_eq!(from_json::<crate::api::CustomerView>(&value.to_string()).ok(), Some(bare));
        value.as_object_mut().expect("an object").remove("lifecycle");
        let missing = from_json::<crate::api::CustomerView>(&value.to_string()).expect_err("lifecycle is required");
        assert!(missing.to_string().contains("lifecycle"), "{missing}");
        // The flattened type's own fields are still checked.
        let mut value = serde_json::to_value(customer_view()).expect("encodes");
        value.as_object_mut().expect("an object").remove("stage");
        assert!(from_json::<crate::api::CustomerView>(&value.to_string()).expect_err("stage is required").to_string().contains("stage"));
    }

    /// The one difference, on purpose: a struct written as an array of its fields.
    #[test]
    fn structs_are_objects_only() {
        let array = r#"{"error":["stale","changed",null]}"#;
        assert!(serde_json::from_str::<ErrorBody>(array).is_ok());
        assert!(from_json::<ErrorBody>(array).is_err());
    }
}
