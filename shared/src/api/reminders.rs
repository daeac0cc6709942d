//! `GET /reminders`: follow-ups due and customers about to go back to the pool.

use serde::{Deserialize, Serialize};

use crate::time::Millis;

/// A reminder for a rep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reminder {
    pub customer: String,
    pub name: String,
    /// `overdue` / `due_today`: a follow-up is due; `recycle`: the customer goes back to
    /// the pool at `due_at` unless followed up.
    pub kind: String,
    pub due_at: Millis,
    pub in_days: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReminderList {
    pub items: Vec<Reminder>,
}
