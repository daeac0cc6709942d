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
    }
}
