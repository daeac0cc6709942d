//! Allot's domain, shared by the edge worker and the widget.
//!
//! Every business rule lives here and nowhere else: duplicate keys, validation,
//! classification (lifecycle, segments), tenant settings, tokens, import parsing and the
//! API's wire types. The crate never does I/O, never reads a clock and never draws a random
//! number: callers pass `now` (milliseconds since the Unix epoch) and seeds in, so every
//! rule is a plain function that tests can pin down.
//!
//! Optional features keep the widget small: `claims` (a token's claims read unverified:
//! the widget's only one), `token` (HS256), `import` (CSV/XLSX/GBK and CSV
//! export) and `schema` (JSON Schema for the OpenAPI document) are turned on by the edge only.

pub mod allocation;
pub mod api;
pub mod audit;
pub mod bulk;
pub mod cell;
pub mod collaborators;
pub mod contact_budget;
pub mod customer;
pub mod field_error;
pub mod fields;
pub mod ids;
pub mod intake;
pub mod lifecycle;
pub mod limits;
pub mod links;
pub mod mask;
pub mod normalize;
pub mod number;
pub mod ownership;
pub mod pipeline;
pub mod pool;
pub mod rate;
pub mod reports;
pub mod reps;
pub mod search;
pub mod secret;
pub mod segment;
pub mod settings;
pub mod time;
pub mod validate;
pub mod wire;

#[cfg(feature = "claims")]
pub mod claims;
#[cfg(feature = "import")]
pub mod export;
#[cfg(feature = "import")]
pub mod import;
#[cfg(feature = "token")]
pub mod token;
