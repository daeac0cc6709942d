//! `<allot-admin>` alone: the widget crate with only this element's feature, as its own
//! wasm bundle, which `allot.js` loads whenever a page uses the element (it is never part
//! of the `all` bundle: `widget/src/kinds.rs: STANDALONE`).

pub use allot_widget::define;
