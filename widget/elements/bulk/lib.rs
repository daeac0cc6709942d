//! `<allot-bulk>` alone: the actions of `<allot-customers>`' bulk bar as their own wasm
//! bundle, which `allot.js` loads when the list asks for it (`allot:use`, a first row
//! picked). Never part of the `all` bundle (`widget/src/kinds.rs: STANDALONE`).

pub use allot_widget::define;
