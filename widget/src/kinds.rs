//! The element kinds: the one list. `<allot-{kind}>` is the tag, `{kind}` the widget
//! crate's cargo feature and `widget/elements/{kind}/` the crate of its bundle.
//!
//! No dependencies, so `xtask` reads this same file (`#[path]`) for the bundles it
//! builds, the loader's list and the checks it runs. What cargo reads (the features in
//! `widget/Cargo.toml`, the crates under `widget/elements/`) and the element table in
//! `element.rs` cannot be generated from it: xtask's and the widget's tests hold them
//! equal to it.

/// Every element kind, in the order bundles are built and listed.
pub const KINDS: [&str; 7] = ["customers", "allocate", "pool", "board", "reminders", "dashboard", "admin"];

/// Kinds never in the [`ALL`] bundle: `allot.js` always loads their own bundle. A page of
/// every other element (the portal, ≥ 3 kinds) then never downloads them: the admin
/// console is a few people's screen, and its code would make everyone else's bundle grow.
pub const STANDALONE: [&str; 1] = ["admin"];

/// The bundle of every kind but the [`STANDALONE`] ones (`widget/elements/all`), which
/// `allot.js` loads for a page with three or more of them.
pub const ALL: &str = "all";
