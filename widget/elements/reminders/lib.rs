//! `<allot-reminders>` alone: the widget crate with only this element's feature, as its own
//! wasm bundle (`dist/widget/reminders/`), which `allot.js` loads when a page needs no more.

pub use allot_widget::define;
