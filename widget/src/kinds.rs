//! The element kinds: the one list. `<allot-{kind}>` is the tag, `{kind}` the widget
//! crate's cargo feature and `widget/elements/{kind}/` the crate of its bundle.
//!
//! No dependencies, so `xtask` reads this same file (`#[path]`) for the bundles it
//! builds, the loader's list and the checks it runs. What cargo reads (the features in
//! `widget/Cargo.toml`, the crates under `widget/elements/`) and the element table in
//! `element.rs` cannot be generated from it: xtask's and the widget's tests hold them
//! equal to it.

/// Every element kind, in the order bundles are built and listed.
pub const KINDS: [&str; 8] = ["customers", "allocate", "pool", "board", "reminders", "dashboard", "admin", "bulk"];

/// Kinds never in the [`ALL`] bundle: `allot.js` always loads their own bundle. A page of
/// every other element (the portal, ≥ 3 kinds) then never downloads them: the admin
/// console is a few people's screen, and its code would make everyone else's bundle grow;
/// the bulk bar's actions are fetched only when someone picks a row.
pub const STANDALONE: [&str; 2] = ["admin", "bulk"];

/// Kinds drawn only inside another element, never placed by a host, so with no
/// `/embed/<kind>` page: `<allot-bulk>`, the actions of `<allot-customers>`' bulk bar,
/// which the list puts into its bar and asks the loader for (a composed `allot:use`
/// event) when a first row is picked. Each is also [`STANDALONE`].
pub const NESTED: [&str; 1] = ["bulk"];

/// The bundle of every kind but the [`STANDALONE`] ones (`widget/elements/all`), which
/// `allot.js` loads for a page with three or more of them.
pub const ALL: &str = "all";
