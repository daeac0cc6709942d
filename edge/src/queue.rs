//! The maintenance queue's messages: what a job is, and how a request hands the rest of
//! its work to the queue. Handlers and libraries enqueue through it and `maintenance`
//! consumes what it carries, so the consumer and those it runs never import each other.

use serde::{Deserialize, Serialize};
use shared::time::Millis;
use worker::Env;

use crate::error::{ApiError, ApiResult};

/// The queue binding (`[[queues.producers]]` in wrangler.toml).
pub const QUEUE: &str = "MAINTENANCE";

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// One page of a tenant's owned customers checked for recycling (`after`: the last
    /// customer id of the page before; `""` for the first).
    Recycle { tenant: String, after: String, now: Millis },
    /// Pages of a tenant's segment re-classification: one too big for its
    /// `PUT /settings`, or one that failed midway.
    Resegment {
        tenant: String,
        #[serde(default)]
        after: String,
        /// The settings version the pass is for (`None`: whatever is announced — a pass
        /// the cron starts from the beginning). A chain for older settings stops: its
        /// pages before `after` were classified under rules no longer in force.
        #[serde(default)]
        version: Option<i64>,
    },
    /// The next page of a hand-over too big for its request (`hand_over.rs`).
    HandOver { rest: crate::store::hand_over::Continuation },
}

/// Queues one job: the rest of a request's work that would outgrow the request (a
/// re-classification, a hand-over), continued page by page by the consumer.
pub async fn enqueue(env: &Env, job: Job) -> ApiResult<()> {
    env.queue(QUEUE)?.send(job).await.map_err(ApiError::from)
}
