//! `POST /reps/{id}/hand-over`: every customer a rep owns goes to one colleague (a
//! transfer: follow-ups and their next dates go with each customer) or back to the pool
//! (to be claimed, or handed out by any strategy with `POST /pool/distribute`). For a rep
//! who leaves (离职交接) or changes territory; with `deactivate`, the departure is one step.
//!
//! One batch of the same two statements a single transfer or release is made of, with the
//! customers chosen by owner instead of by id: an audit row per customer and one
//! conditional `UPDATE`, so a customer the rep released, or a colleague took over,
//! between the request and the batch is simply not among those moved.
//!
//! A page at a time: the request moves the first [`PAGE`] customers (by id) and answers
//! them; a rep who owns more is continued by the maintenance queue (`Job::HandOver`), one
//! page per message, so neither the request nor any message grows with the rep's book
//! (a statement's work, the ids it returns, the answer). The rep is deactivated by the
//! page that leaves them owning nothing.

use shared::api::{HandOverInput, HandOverResult};
use worker::{Request, Response};

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::hand_over::{holds_any, page, Continuation, Work, PAGE};

pub async fn hand_over(ctx: &Ctx, req: &mut Request, from: &str) -> ApiResult<Response> {
    if !ctx.caller.role.is_manager_or_admin() {
        return Err(ApiError::Forbidden("only managers and admins hand customers over".into()));
    }
    let input: HandOverInput = read_json(req).await?;
    input.validate(from).map_err(ApiError::Invalid)?;
    // The rep must be in the caller's scope (another team's rep answers 404, like any
    // user the caller cannot see).
    crate::store::reps::one(ctx, from).await?;
    let work = Work { from: from.to_string(), to: input.to.clone(), reason: input.reason(), deactivate: input.deactivate, requested_at: ctx.now };
    let moved = page(ctx, &work).await?;
    if moved.customer_ids.is_empty() && input.to.is_some() && holds_any(ctx, from).await? {
        // Nothing moved though there was something to move: the target is the reason.
        let to = input.to.as_deref().unwrap_or_default();
        return Err(ApiError::Forbidden(format!("cannot hand over to {to}: not an active user in your scope")));
    }
    let continuing = moved.customer_ids.len() == PAGE;
    if continuing {
        let job = crate::queue::Job::HandOver { rest: Continuation::of(&ctx.caller, work) };
        crate::queue::enqueue(&ctx.env, job).await?;
    }
    let mut customer_ids = moved.customer_ids;
    customer_ids.sort_unstable();
    Ok(json(200, &HandOverResult { moved: u32::try_from(customer_ids.len()).unwrap_or(u32::MAX), to: input.to, customer_ids, deactivated: moved.deactivated, continuing }))
}
