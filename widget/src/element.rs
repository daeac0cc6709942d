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

use crate::attrs::Attrs;

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
  for (const [kind, attrs] of specs) {
    const tag = `allot-${kind}`;
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

struct Instance {
    attrs: Attrs,
    _handle: Box<dyn std::any::Any>,
}

thread_local! {
    static INSTANCES: RefCell<HashMap<u32, Instance>> = RefCell::new(HashMap::new());
    static NEXT_ID: RefCell<u32> = const { RefCell::new(1) };
}

/// Mounts one element's component into a container; the handle unmounts it when dropped.
type Mount = fn(HtmlElement, Attrs) -> Box<dyn std::any::Any>;

/// One element this build holds: its kind (`crate::kinds::KINDS`), its observed
/// attributes and how it mounts.
type Spec = (&'static str, &'static [&'static str], Mount);

/// Every element this build holds (one cargo feature each); with every feature, one
/// entry per kind (a test holds it equal to `crate::kinds::KINDS`).
// Each push is behind its element's feature, so a `vec![]` would need one per build.
#[allow(clippy::vec_init_then_push)]
fn elements() -> Vec<Spec> {
    let mut list: Vec<Spec> = Vec::new();
    #[cfg(feature = "customers")]
    list.push(("customers", &["api", "token", "lang", "page-size", "embedder"], |c, attrs| {
        Box::new(leptos::mount::mount_to(c, move || crate::customers::Customers(crate::customers::CustomersProps { attrs })))
    }));
    #[cfg(feature = "allocate")]
    list.push(("allocate", &["api", "token", "lang", "mode", "fields", "key", "embedder"], |c, attrs| {
        Box::new(leptos::mount::mount_to(c, move || crate::allocate::Allocate(crate::allocate::AllocateProps { attrs })))
    }));
    #[cfg(feature = "pool")]
    list.push(("pool", &["api", "token", "lang", "embedder"], |c, attrs| Box::new(leptos::mount::mount_to(c, move || crate::pool::Pool(crate::pool::PoolProps { attrs })))));
    #[cfg(feature = "board")]
    list.push(("board", &["api", "token", "lang", "scope", "embedder"], |c, attrs| Box::new(leptos::mount::mount_to(c, move || crate::board::Board(crate::board::BoardProps { attrs })))));
    #[cfg(feature = "reminders")]
    list.push(("reminders", &["api", "token", "lang", "scope", "embedder"], |c, attrs| {
        Box::new(leptos::mount::mount_to(c, move || crate::reminders::Reminders(crate::reminders::RemindersProps { attrs })))
    }));
    #[cfg(feature = "dashboard")]
    list.push(("dashboard", &["api", "token", "lang", "view", "rules-href", "team", "embedder"], |c, attrs| {
        Box::new(leptos::mount::mount_to(c, move || crate::dashboard::Dashboard(crate::dashboard::DashboardProps { attrs })))
    }));
    #[cfg(feature = "admin")]
    list.push(("admin", &["api", "token", "lang", "section", "embedder"], |c, attrs| Box::new(leptos::mount::mount_to(c, move || crate::admin::Admin(crate::admin::AdminProps { attrs })))));
    #[cfg(feature = "bulk")]
    list.push(("bulk", &["api", "token", "lang", "embedder", "count", "ids", "filter"], |c, attrs| Box::new(leptos::mount::mount_to(c, move || crate::bulk::Bulk(crate::bulk::BulkProps { attrs })))));
    list
}

fn mount(kind: String, host: HtmlElement, root: ShadowRoot, origin: String) -> u32 {
    let id = NEXT_ID.with(|n| {
        let id = *n.borrow();
        *n.borrow_mut() = id + 1;
        id
    });
    let Some((_, names, mount_kind)) = elements().into_iter().find(|(k, _, _)| *k == kind) else {
        return 0;
    };
    let mut initial = HashMap::new();
    for name in names.iter() {
        if let Some(v) = host.get_attribute(name) {
            initial.insert(name.to_string(), v);
        }
    }
    let attrs = Attrs { values: RwSignal::new(initial), host: StoredValue::new_local(host), origin: StoredValue::new(origin) };
    let Some(container) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.create_element("div").ok()).and_then(|e| e.dyn_into::<HtmlElement>().ok()) else {
        return 0;
    };
    root.set_inner_html("");
    adopt(&root, &crate::style::for_kind(&kind));
    let _ = root.append_child(&container);
    let handle = mount_kind(container, attrs);
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
    for (kind, attrs, _) in elements() {
        let names: js_sys::Array = attrs.iter().map(|a| JsValue::from_str(a)).collect();
        specs.push(&js_sys::Array::of2(&JsValue::from_str(kind), &names));
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

#[cfg(test)]
mod tests {
    /// With every feature (the default), the element table has one entry per kind, in
    /// the order of the one list.
    #[test]
    fn every_kind_has_an_element() {
        let kinds: Vec<&str> = super::elements().iter().map(|(kind, _, _)| *kind).collect();
        assert_eq!(kinds, crate::kinds::KINDS);
        assert!(!kinds.contains(&crate::kinds::ALL), "the bundle of every kind is not a kind");
        assert!(crate::kinds::STANDALONE.iter().all(|k| kinds.contains(k)), "a standalone kind has an element");
        assert!(crate::kinds::NESTED.iter().all(|k| crate::kinds::STANDALONE.contains(k)), "a nested kind is loaded alone, when asked for");
    }
}
