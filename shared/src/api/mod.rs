//! Wire types of the HTTP API (`/api/v1`): what the edge parses and answers and what the
//! widget sends and reads, one file per resource. Domain types stay in their modules;
//! these are the boundary. The files are private: every type has one path,
//! `shared::api::Name`.

mod allocations;
mod audit;
mod board;
mod bulk;
mod customer_query;
mod customers;
mod errors;
mod follow_ups;
mod history;
mod import;
mod meta;
mod pipeline;
mod pool;
mod previews;
mod reminders;
mod reps;

pub use allocations::*;
pub use audit::*;
pub use board::*;
pub use bulk::*;
pub use customer_query::*;
pub use customers::*;
pub use errors::*;
pub use follow_ups::*;
pub use history::*;
pub use import::*;
pub use meta::*;
pub use pipeline::*;
pub use pool::*;
pub use previews::*;
pub use reminders::*;
pub use reps::*;

use serde::{Deserialize, Deserializer};

pub const API_VERSION: &str = "v1";

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
pub(crate) fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
