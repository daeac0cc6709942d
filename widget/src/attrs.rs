//! The attributes of one mounted element (`element.rs` mounts it), read by every
//! component: a leaf module, so components never import the element registry.

use std::collections::HashMap;

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::HtmlElement;

/// The attributes of one mounted element, as signals the view reads.
#[derive(Clone, Copy)]
pub struct Attrs {
    pub(crate) values: RwSignal<HashMap<String, String>>,
    pub host: StoredValue<HtmlElement, LocalStorage>,
    /// Origin the widget module was loaded from: the default API base.
    pub origin: StoredValue<String>,
}

impl Attrs {
    pub fn get(&self, name: &str) -> Option<String> {
        self.values.with(|v| v.get(name).cloned()).filter(|v| !v.is_empty())
    }

    /// The attribute now, without subscribing to its changes (initial values).
    pub fn get_untracked(&self, name: &str) -> Option<String> {
        self.values.with_untracked(|v| v.get(name).cloned()).filter(|v| !v.is_empty())
    }

    /// Fires a DOM event on the host element that crosses the shadow boundary.
    pub fn emit(&self, name: &str, detail: &JsValue) {
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(detail);
        if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
            self.host.with_value(|h| {
                let _ = h.dispatch_event(&event);
            });
        }
        self.forward(name, detail);
    }

    /// In an iframe (`/embed/<element>`), the event also goes to the framing page, and
    /// only to it: `embedder` is the parent's origin as the browser reported it, and
    /// every API call carries it, so the server refuses work for a parent the tenant
    /// does not list — and no event carries data for such a parent.
    fn forward(&self, name: &str, detail: &JsValue) {
        let Some(embedder) = self.get_untracked("embedder") else { return };
        let Some(window) = web_sys::window() else { return };
        let Ok(Some(parent)) = window.parent() else { return };
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &JsValue::from_str("type"), &JsValue::from_str(name));
        let _ = js_sys::Reflect::set(&message, &JsValue::from_str("detail"), detail);
        let _ = parent.post_message(&message, &embedder);
    }
}
