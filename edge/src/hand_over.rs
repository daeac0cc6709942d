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

use serde::{Deserialize, Serialize};
use shared::api::{HandOverInput, HandOverResult};
use shared::ids::Role;
use shared::time::Millis;
use worker::{Request, Response};

use crate::context::{Caller, Ctx};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};

/// Customers one page moves: as many as `POST /pool/distribute` takes, so the first
/// page's ids, handed to the pool, can be distributed in one call.
pub const PAGE: usize = shared::limits::CUSTOMER_IDS;

pub async fn hand_over(ctx: &Ctx, req: &mut Request, from: &str) -> ApiResult<Response> {
    if !ctx.caller.role.is_manager_or_admin() {
        return Err(ApiError::Forbidden("only managers and admins hand customers over".into()));
    }
    let input: HandOverInput = read_json(req).await?;
    input.validate(from).map_err(ApiError::Invalid)?;
    // The rep must be in the caller's scope (another team's rep answers 404, like any
    // user the caller cannot see).
    crate::reps::one(ctx, from).await?;
    let work = Work { from: from.to_string(), to: input.to.clone(), reason: input.reason(), deactivate: input.deactivate, requested_at: ctx.now };
    let moved = page(ctx, &work).await?;
    if moved.customer_ids.is_empty() && input.to.is_some() && holds_any(ctx, from).await? {
        // Nothing moved though there was something to move: the target is the reason.
        let to = input.to.as_deref().unwrap_or_default();
        return Err(ApiError::Forbidden(format!("cannot hand over to {to}: not an active user in your scope")));
    }
    let continuing = moved.customer_ids.len() == PAGE;
    if continuing {
        let job = crate::maintenance::Job::HandOver { rest: Continuation::of(&ctx.caller, work) };
        crate::maintenance::enqueue(&ctx.env, job).await?;
    }
    let mut customer_ids = moved.customer_ids;
    customer_ids.sort_unstable();
    Ok(json(
        200,
        &HandOverResult { moved: u32::try_from(customer_ids.len()).unwrap_or(u32::MAX), to: input.to, customer_ids, deactivated: moved.deactivated, continuing },
    ))
}

/// What a hand-over moves: the same for its first page and every later one.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Work {
    pub from: String,
    pub to: Option<String>,
    pub reason: String,
    pub deactivate: bool,
    /// When the hand-over was asked for: it moves the customers the rep held then, never
    /// one given to them later (two opposite hand-overs would otherwise feed each other
    /// forever).
    #[serde(default)]
    pub requested_at: Millis,
}

/// A hand-over's later pages, as the maintenance queue carries them: the work and the
/// caller who asked, whose scope every page keeps (a manager's hand-over moves only
/// their team's customers, to their team's reps, however late a page runs).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Continuation {
    pub tenant: String,
    pub actor: String,
    pub role: Role,
    pub work: Work,
}

impl Continuation {
    fn of(caller: &Caller, work: Work) -> Continuation {
        Continuation { tenant: caller.tenant.clone(), actor: caller.user.clone(), role: caller.role, work }
    }

    /// One later page; answers the message that continues it, if the page was full.
    pub async fn run(&self, env: &worker::Env, now: Millis) -> ApiResult<(usize, Option<Continuation>)> {
        let caller = Caller { tenant: self.tenant.clone(), user: self.actor.clone(), role: self.role, name: None };
        let ctx = Ctx { env: env.clone(), db: env.d1("DB")?, caller, now };
        // The caller's rights as they are now, not as they were: one deactivated, or no
        // longer a manager or admin, moves nothing more.
        #[derive(serde::Deserialize)]
        struct Actor {
            role: String,
            active: f64,
        }
        let actor = db::first::<Actor>(&ctx.db, "SELECT role, active FROM users WHERE tenant_id = ?1 AND id = ?2", &[db::Arg::from(&self.tenant), db::Arg::from(&self.actor)]).await?;
        if actor.is_some_and(|a| a.active == 0.0 || Role::parse(&a.role) != Some(self.role)) {
            worker::console_log!("hand-over of {} in {} stopped: {} is no longer an active {:?}", self.work.from, self.tenant, self.actor, self.role);
            return Ok((0, None));
        }
        let moved = page(&ctx, &self.work).await?;
        let n = moved.customer_ids.len();
        Ok((n, (n == PAGE).then(|| self.clone())))
    }
}

struct Moved {
    customer_ids: Vec<String>,
    deactivated: bool,
}

/// Moves the first [`PAGE`] customers (by id) of `work.from` the caller may edit; with
/// `deactivate`, deactivates the rep in the same batch once they own nothing.
async fn page(ctx: &Ctx, work: &Work) -> ApiResult<Moved> {
    // The page is chosen inside each statement (the inner `c` is the subquery's own), so
    // the audit rows and the update name the same customers: nothing changes between the
    // two statements of one batch.
    let which = format!(
        "c.owner_id = ?3 AND c.id IN (SELECT c.id FROM customers c WHERE c.tenant_id = ?1 AND c.owner_id = ?3 AND c.deleted_at IS NULL \
         AND coalesce(c.owned_since, c.created_at) <= {held_at} AND {} ORDER BY c.id LIMIT {PAGE})",
        crate::customer_sql::editable(&ctx.caller),
        held_at = work.requested_at.max(0),
    );
    let [audit, update] = match &work.to {
        Some(to) => crate::pool::transfer_statements(ctx, &which, &work.from, to, work.reason.clone(), " RETURNING id")?,
        None => crate::pool::release_statements(ctx, &which, &work.from, work.reason.clone(), " RETURNING id")?,
    };
    let mut statements = vec![audit, update];
    if work.deactivate {
        // Only once they own nothing: a hand-over that moved nothing (a refused target)
        // leaves the rep active, never customers with an owner who cannot sign in.
        statements.push(db::stmt(
            &ctx.db,
            "UPDATE users SET active = 0 WHERE tenant_id = ?1 AND id = ?2 \
             AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = ?1 AND c.owner_id = ?2 AND c.deleted_at IS NULL)",
            &[db::Arg::from(&ctx.caller.tenant), db::Arg::from(&work.from)],
        )?);
        statements.push(crate::reps::end_collaborations(ctx, &work.from)?);
    }
    let results = db::batch(&ctx.db, statements).await?;
    #[derive(serde::Deserialize)]
    struct Row {
        id: String,
    }
    let customer_ids: Vec<String> = match results.get(1) {
        Some(result) => db::returned::<Row>(result)?.into_iter().map(|m| m.id).collect(),
        None => Vec::new(),
    };
    let deactivated = work.deactivate && results.get(2).map(db::changes) == Some(1);
    if deactivated {
        crate::context::forget_admission(&ctx.caller.tenant, &work.from);
    }
    Ok(Moved { customer_ids, deactivated })
}

/// Whether `rep` owns any customer the caller may edit.
async fn holds_any(ctx: &Ctx, rep: &str) -> ApiResult<bool> {
    #[derive(serde::Deserialize)]
    struct Row {
        #[allow(dead_code)]
        id: String,
    }
    let sql = format!(
        "SELECT c.id FROM customers c WHERE c.tenant_id = ?1 AND c.owner_id = ?3 AND c.deleted_at IS NULL AND {} LIMIT 1",
        crate::customer_sql::editable(&ctx.caller)
    );
    let found = db::first::<Row>(&ctx.db, &sql, &[db::Arg::from(&ctx.caller.tenant), db::Arg::from(&ctx.caller.user), db::Arg::from(rep)]).await?;
    Ok(found.is_some())
}
