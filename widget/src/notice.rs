//! What a failure tells the person in front of the widget, and what the host hears (DOM
//! events with JSON details): shared by every element, so a leaf module.

use crate::api::Failure;
use crate::attrs::Attrs;
use crate::i18n::{t, Lang};

/// A failure as a sentence for the person in front of the widget. A 401 also tells the
/// host (`allot:unauthorized`) so it can supply a fresh token.
pub fn describe(lang: Lang, attrs: &Attrs, failure: &Failure) -> String {
    match failure {
        Failure::Unauthorized => {
            attrs.emit("allot:unauthorized", &wasm_bindgen::JsValue::NULL);
            t(lang, "expired")
        }
        Failure::Network => t(lang, "network"),
        Failure::Decode => t(lang, "unreadable"),
        Failure::Api { code, message, details, .. } => match code.as_str() {
            "duplicate" => {
                let d = details.clone().unwrap_or_default();
                if d["owned_by_you"].as_bool() == Some(true) {
                    t(lang, "duplicate_yours")
                } else if d["in_pool"].as_bool() == Some(true) {
                    t(lang, "duplicate_pool")
                } else {
                    t(lang, "duplicate_other").replace("{owner}", d["owner"].as_str().unwrap_or("?"))
                }
            }
            "stale" | "deactivated" | "rate_limited" => t(lang, code),
            "origin_not_allowed" => {
                // The host learns it too: a page its admin has not allowed yet.
                attrs.emit("allot:origin-not-allowed", &details.as_ref().map(to_js).unwrap_or(wasm_bindgen::JsValue::NULL));
                let origin = details.as_ref().and_then(|d| d["origin"].as_str().map(String::from)).unwrap_or_default();
                t(lang, code).replace("{origin}", &origin)
            }
            "forbidden" => t(lang, "forbidden"),
            "is_owner" | "too_many_collaborators" => t(lang, code),
            "unowned" => t(lang, "share_unowned"),
            _ => message.clone(),
        },
    }
}

/// A value as the detail of a DOM event.
pub fn to_js(value: &impl serde::Serialize) -> wasm_bindgen::JsValue {
    serde_json::to_string(value).ok().and_then(|s| js_sys::JSON::parse(&s).ok()).unwrap_or(wasm_bindgen::JsValue::NULL)
}
