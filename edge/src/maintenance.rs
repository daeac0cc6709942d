//! The hourly maintenance, fanned out through a Cloudflare Queue. The Cron Trigger only
//! schedules: one message per tenant (`schedule`), sent in batches. The queue consumer
//! runs one message at a time (`run`): one page of a tenant's recycle pass, of a
//! segment re-classification (unfinished, or too big for its `PUT /settings`), or of a
//! hand-over too big for its request. A full recycle page sends the next
//! page's message, and so does a re-classification page, so no message's work grows
//! with the tenant count or a tenant's size, and one tenant's failure (a corrupt document, a failed batch) retries that
//! message only — after `max_retries` it lands in the dead-letter queue, which logs it —
//! while every other tenant is done on time.
//!
//! Every job is idempotent, so a message delivered twice or retried does nothing twice:
//! a recycle is conditioned on the owner and version it read, reminders are unique, and a
//! page's `now` is fixed when the pass is scheduled, so a retry decides the same.

use serde::Deserialize;
use shared::time::Millis;
use worker::{Env, MessageBatch, MessageExt};

use crate::db;
use crate::error::ApiResult;
use crate::queue::{enqueue, Job, QUEUE};

/// The dead-letter queue's name: its consumer only reports.
pub const DEAD_LETTERS: &str = "allot-maintenance-dead";
/// A queue accepts at most 100 messages per `sendBatch`.
const SEND_BATCH: usize = 100;

/// The Cron Trigger's part: one recycle message per tenant, and a re-classification
/// message per tenant whose segments are behind its settings. Two reads, no per-tenant
/// work.
pub async fn schedule(env: &Env, now: Millis) -> ApiResult<usize> {
    let db = env.d1("DB")?;
    #[derive(Deserialize)]
    struct Tenant {
        id: String,
        behind: i64,
    }
    let tenants = db::all::<Tenant>(&db, "SELECT id, segments_version < settings_version AS behind FROM tenants ORDER BY id", &[]).await?;
    let mut jobs = Vec::with_capacity(tenants.len() * 2);
    for t in tenants {
        if t.behind != 0 {
            jobs.push(Job::Resegment { tenant: t.id.clone(), after: String::new(), version: None });
        }
        jobs.push(Job::Recycle { tenant: t.id, after: String::new(), now });
    }
    let queue = env.queue(QUEUE)?;
    for chunk in jobs.chunks(SEND_BATCH) {
        queue.send_batch(chunk.to_vec()).await?;
    }
    Ok(jobs.len())
}

/// Pages of 500 customers one message runs (a recycle or re-classification pass): a
/// chain of messages waits for the queue between links (up to `max_batch_timeout`), so a
/// message does several pages — about 40 D1 statements and well under a second of CPU,
/// far inside one invocation's limits — and a million customers take 100 links, not
/// 2,000.
const PAGES_PER_MESSAGE: usize = 20;
/// Hand-over pages (5,000 customers each) one message moves.
const HAND_OVER_PAGES_PER_MESSAGE: usize = 4;

/// Runs one job; answers the job that continues it (the next pages), if any.
pub async fn run(env: &Env, job: &Job) -> ApiResult<Option<Job>> {
    match job {
        Job::Recycle { tenant, after, now } => {
            let mut after = after.clone();
            for _ in 0..PAGES_PER_MESSAGE {
                let (report, next) = crate::recycle::page(env, tenant, &after, *now).await?;
                worker::console_log!("recycle {tenant} after '{after}': scanned {}, recycled {}, reminded {}", report.scanned, report.recycled, report.reminded);
                match next {
                    Some(next) => after = next,
                    None => {
                        worker::console_log!("recycle {tenant}: pass complete");
                        return Ok(None);
                    }
                }
            }
            Ok(Some(Job::Recycle { tenant: tenant.clone(), after, now: *now }))
        }
        Job::Resegment { tenant, after, version } => {
            let mut after = after.clone();
            // The cron's pass takes the version of its first page: a newer one announced
            // meanwhile stops it, like any continuation for older settings.
            let mut version = *version;
            for _ in 0..PAGES_PER_MESSAGE {
                let (changed, used, next) = crate::resegment::heal(env, tenant, &after, version).await?;
                version = Some(used);
                worker::console_log!("segments of {tenant} after '{after}': {changed} customers re-classified");
                match next {
                    Some(next) => after = next,
                    None => {
                        worker::console_log!("segments of {tenant}: pass complete");
                        return Ok(None);
                    }
                }
            }
            Ok(Some(Job::Resegment { tenant: tenant.clone(), after, version }))
        }
        Job::HandOver { rest } => {
            let w = &rest.work;
            for _ in 0..HAND_OVER_PAGES_PER_MESSAGE {
                let (moved, next) = rest.run(env, crate::context::now_ms()).await?;
                if next.is_none() {
                    worker::console_log!("hand-over of {} in {} to {:?}: {moved} customers moved, complete", w.from, rest.tenant, w.to);
                    return Ok(None);
                }
                worker::console_log!("hand-over of {} in {} to {:?}: {moved} customers moved", w.from, rest.tenant, w.to);
            }
            Ok(Some(Job::HandOver { rest: rest.clone() }))
        }
    }
}

/// The queue consumer: each message on its own, acknowledged once done (its next page
/// sent first), retried on failure. Messages of the dead-letter queue are reported.
pub async fn consume(batch: MessageBatch<serde_json::Value>, env: &Env) -> worker::Result<()> {
    let dead = batch.queue() == DEAD_LETTERS;
    for message in batch.messages()? {
        if dead {
            worker::console_error!("maintenance job gave up after its retries: {}", message.body());
            message.ack();
            continue;
        }
        let outcome = match serde_json::from_value::<Job>(message.body().clone()) {
            // A message no version of this code can read would fail forever: drop it, said.
            Err(e) => {
                worker::console_error!("unreadable maintenance message {}: {e}", message.body());
                message.ack();
                continue;
            }
            Ok(job) => step(env, &job).await,
        };
        match outcome {
            Ok(()) => message.ack(),
            Err(e) => {
                worker::console_error!("maintenance job {} failed (will retry): {e:?}", message.body());
                message.retry();
            }
        }
    }
    Ok(())
}

async fn step(env: &Env, job: &Job) -> ApiResult<()> {
    let sent = db::statements_sent();
    let next = run(env, job).await?;
    worker::console_log!("maintenance message done: {} D1 statements", db::statements_sent() - sent);
    if let Some(next) = next {
        enqueue(env, next).await?;
    }
    Ok(())
}
