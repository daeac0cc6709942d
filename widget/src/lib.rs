//! Allot's embeddable widgets: custom elements rendered with Leptos (client-side) inside
//! a shadow root, so a host page's CSS neither leaks in nor out.
//!
//! A host page loads one module (`/widget/allot.js`), which initialises the wasm and
//! calls [`define`]; from then on `<allot-customers api token lang>` works anywhere in
//! the page. All business rules (validation, classification labels) come from `shared`,
//! the same code the edge runs.

// A build with some elements only leaves the others' code unreferenced on purpose, and so
// does the `all` bundle (`every-element`), which holds no standalone kind: what only
// `<allot-bulk>` uses in shared modules (the fetch client's `send_js`, the directory's
// reps) is unused there. The default build, with every feature, warns as usual.
#![cfg_attr(not(all(feature = "every-element", feature = "bulk")), allow(dead_code, unused_imports))]

#[cfg(feature = "admin")]
mod admin;
mod allocate;
mod api;
mod attrs;
mod board;
#[cfg(feature = "bulk")]
mod bulk;
mod caller;
mod customers;
mod dashboard;
mod download;
mod element;
mod follow_ups;
mod i18n;
#[cfg(test)]
mod kinds;
mod labels;
mod latest;
mod markup;
mod notice;
mod pool;
mod reminders;
mod style;

use wasm_bindgen::prelude::*;

/// Defines every Allot custom element. `base` is the origin the module was loaded from,
/// the default API base.
#[wasm_bindgen]
pub fn define() {
    element::define_all();
}
