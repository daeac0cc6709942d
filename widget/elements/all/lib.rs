//! Every element in one wasm bundle (`dist/widget/`).

pub use allot_widget::define;
