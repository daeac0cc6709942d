//! Custom elements. wasm-bindgen cannot declare a class that extends `HTMLElement`, so a
//! few lines of JS do that and call back into Rust to mount and unmount.
//!
//! Mounted instances live in a Rust-side registry keyed by id: the JS side holds only the
//! number, so garbage collection of glue objects can never unmount a live widget.

use std::cell::RefCell;
use std::collections::HashMap;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ShadowRoot};

#[wasm_bindgen(inline_js = r#"
const BASE = new URL('..', import.meta.url).origin;
// One constructed stylesheet per kind, shared by every instance: a host's CSP governs
// <style> elements and style attributes, not stylesheets built through the CSSOM.
const SHEETS = new Map();
export function adopt(root, css) {
  let sheet = SHEETS.get(css);
  if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(css); SHEETS.set(css, sheet); }
  root.adoptedStyleSheets = [sheet];
}
export function define_elements(specs, mount, unmount, changed) {
  for (const [tag, kind, attrs] of specs) {
    if (customElements.get(tag)) continue;
    customElements.define(tag, class extends HTMLElement {
      static get observedAttributes() { return attrs; }
      connectedCallback() {
        if (this._allot) return;
        const root = this.shadowRoot || this.attachShadow({ mode: 'open' });
        this._allot = mount(kind, this, root, BASE);
      }
      disconnectedCallback() {
        if (this._allot) { unmount(this._allot); this._allot = 0; }
      }
      attributeChangedCallback(name, before, after) {
        if (this._allot && before !== after) changed(this._allot, name, after);
      }
      /** Hosts call this when they mint a fresh token (e.g. on `allot:unauthorized`). */
      setToken(token) { this.setAttribute('token', token); }
    });
  }
}
"#)]
extern "C" {
    fn define_elements(specs: JsValue, mount: &JsValue, unmount: &JsValue, changed: &JsValue);
    fn adopt(root: &ShadowRoot, css: &str);
}

/// The attributes of one mounted element, as signals the view reads.
#[derive(Clone, Copy)]
pub struct Attrs {
    values: RwSignal<HashMap<String, String>>,
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

struct Instance {
    attrs: Attrs,
    _handle: Box<dyn std::any::Any>,
}

thread_local! {
    static INSTANCES: RefCell<HashMap<u32, Instance>> = RefCell::new(HashMap::new());
    static NEXT_ID: RefCell<u32> = const { RefCell::new(1) };
}

type Spec = (&'static str, &'static str, &'static [&'static str]);

/// Every element this build holds: tag, kind, observed attributes.
fn elements() -> Vec<Spec> {
    let mut list: Vec<Spec> = Vec::new();
    #[cfg(feature = "customers")]
    list.push(("allot-customers", "customers", &["api", "token", "lang", "page-size", "embedder"]));
    #[cfg(feature = "allocate")]
    list.push(("allot-allocate", "allocate", &["api", "token", "lang", "mode", "fields", "key", "embedder"]));
    #[cfg(feature = "pool")]
    list.push(("allot-pool", "pool", &["api", "token", "lang", "embedder"]));
    #[cfg(feature = "board")]
    list.push(("allot-board", "board", &["api", "token", "lang", "scope", "embedder"]));
    #[cfg(feature = "reminders")]
    list.push(("allot-reminders", "reminders", &["api", "token", "lang", "scope", "embedder"]));
    #[cfg(feature = "dashboard")]
    list.push(("allot-dashboard", "dashboard", &["api", "token", "lang", "view", "rules-href", "team", "embedder"]));
    list
}

fn mount(kind: String, host: HtmlElement, root: ShadowRoot, origin: String) -> u32 {
    let id = NEXT_ID.with(|n| {
        let id = *n.borrow();
        *n.borrow_mut() = id + 1;
        id
    });
    let mut initial = HashMap::new();
    if let Some((_, _, names)) = elements().into_iter().find(|(_, k, _)| *k == kind) {
        for name in names.iter() {
            if let Some(v) = host.get_attribute(name) {
                initial.insert(name.to_string(), v);
            }
        }
    }
    let attrs = Attrs { values: RwSignal::new(initial), host: StoredValue::new_local(host), origin: StoredValue::new(origin) };
    let Some(container) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("div").ok())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return 0;
    };
    root.set_inner_html("");
    adopt(&root, &crate::style::for_kind(&kind));
    let _ = root.append_child(&container);
    let handle: Box<dyn std::any::Any> = match kind.as_str() {
        #[cfg(feature = "customers")]
        "customers" => Box::new(leptos::mount::mount_to(container, move || crate::customers::Customers(crate::customers::CustomersProps { attrs }))),
        #[cfg(feature = "board")]
        "board" => Box::new(leptos::mount::mount_to(container, move || crate::board::Board(crate::board::BoardProps { attrs }))),
        #[cfg(feature = "pool")]
        "pool" => Box::new(leptos::mount::mount_to(container, move || crate::pool::Pool(crate::pool::PoolProps { attrs }))),
        #[cfg(feature = "reminders")]
        "reminders" => Box::new(leptos::mount::mount_to(container, move || crate::reminders::Reminders(crate::reminders::RemindersProps { attrs }))),
        #[cfg(feature = "dashboard")]
        "dashboard" => Box::new(leptos::mount::mount_to(container, move || crate::dashboard::Dashboard(crate::dashboard::DashboardProps { attrs }))),
        #[cfg(feature = "allocate")]
        "allocate" => Box::new(leptos::mount::mount_to(container, move || crate::allocate::Allocate(crate::allocate::AllocateProps { attrs }))),
        _ => return 0,
    };
    INSTANCES.with(|i| i.borrow_mut().insert(id, Instance { attrs, _handle: handle }));
    id
}

fn unmount(id: u32) {
    // Dropping the handle disposes the reactive owner and removes the view.
    let removed = INSTANCES.with(|i| i.borrow_mut().remove(&id));
    if let Some(instance) = removed {
        instance.attrs.values.dispose();
    }
}

fn changed(id: u32, name: String, value: Option<String>) {
    INSTANCES.with(|i| {
        if let Some(instance) = i.borrow().get(&id) {
            instance.attrs.values.update(|v| {
                match value {
                    Some(value) => v.insert(name, value),
                    None => v.remove(&name),
                };
            });
        }
    });
}

pub fn define_all() {
    let specs = js_sys::Array::new();
    for (tag, kind, attrs) in elements() {
        let names: js_sys::Array = attrs.iter().map(|a| JsValue::from_str(a)).collect();
        specs.push(&js_sys::Array::of3(&JsValue::from_str(tag), &JsValue::from_str(kind), &names));
    }
    let mount = Closure::<dyn Fn(String, HtmlElement, ShadowRoot, String) -> u32>::new(mount);
    let unmount = Closure::<dyn Fn(u32)>::new(unmount);
    let changed = Closure::<dyn Fn(u32, String, Option<String>)>::new(changed);
    define_elements(specs.into(), mount.as_ref(), unmount.as_ref(), changed.as_ref());
    // The element classes keep calling these for the page's lifetime.
    mount.forget();
    unmount.forget();
    changed.forget();
}
