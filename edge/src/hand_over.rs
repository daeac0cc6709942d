//! `POST /reps/{id}/hand-over`: every customer a rep owns goes to one colleague (a
//! transfer: follow-ups and their next dates go with each customer) or back to the pool
//! (to be claimed, or handed out by any strategy with `POST /pool/distribute`). For a rep
//! who leaves (离职交接) or changes territory; with `deactivate`, the departure is one step.
//!
//! One batch of the same two statements a single transfer or release is made of, with the
//! customer chosen by owner instead of by id: an audit row per customer and one
//! conditional `UPDATE`, so a customer the rep released, or a colleague took over,
//! between the request and the batch is simply not among those moved.

use shared::api::{HandOverInput, HandOverResult};
use worker::{Request, Response};

use crate::context::Ctx;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};

pub async fn hand_over(ctx: &Ctx, req: &mut Request, from: &str) -> ApiResult<Response> {
    if !ctx.caller.role.is_manager_or_admin() {
        return Err(ApiError::Forbidden("only managers and admins hand customers over".into()));
    }
    let input: HandOverInput = read_json(req).await?;
    input.validate(from).map_err(ApiError::Invalid)?;
    // The rep must be in the caller's scope (another team's rep answers 404, like any
    // user the caller cannot see).
    crate::store::reps::one(ctx, from).await?;
    let reason = input.reason();
    let [audit, update] = match &input.to {
        Some(to) => crate::store::ownership::transfer_statements(ctx, "c.owner_id = ?3", from, to, reason, " RETURNING id")?,
        None => crate::store::ownership::release_statements(ctx, "c.owner_id = ?3", from, reason, " RETURNING id")?,
    };
    let mut statements = vec![audit, update];
    if input.deactivate {
        // Only once they own nothing: a hand-over that moved nothing (a refused target)
        // leaves the rep active, never customers with an owner who cannot sign in.
        statements.push(db::stmt(
            &ctx.db,
            "UPDATE users SET active = 0 WHERE tenant_id = ?1 AND id = ?2 \
             AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = ?1 AND c.owner_id = ?2 AND c.deleted_at IS NULL)",
            &[db::Arg::from(&ctx.caller.tenant), db::Arg::from(from)],
        )?);
        statements.push(crate::store::ownership::end_collaborations(ctx, from)?);
    }
    let results = db::batch(&ctx.db, statements).await?;
    if input.deactivate {
        crate::context::forget_admission(&ctx.caller.tenant, from);
    }
    #[derive(serde::Deserialize)]
    struct Moved {
        id: String,
    }
    let mut customer_ids: Vec<String> = match results.get(1) {
        Some(result) => db::returned::<Moved>(result)?.into_iter().map(|m| m.id).collect(),
        None => Vec::new(),
    };
    customer_ids.sort_unstable();
    if customer_ids.is_empty() && input.to.is_some() && holds_any(ctx, from).await? {
        // Nothing moved though there was something to move: the target is the reason.
        let to = input.to.as_deref().unwrap_or_default();
        return Err(ApiError::Forbidden(format!("cannot hand over to {to}: not an active user in your scope")));
    }
    let deactivated = input.deactivate && results.get(2).map(db::changes) == Some(1);
    Ok(json(200, &HandOverResult { moved: u32::try_from(customer_ids.len()).unwrap_or(u32::MAX), to: input.to, customer_ids, deactivated }))
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
        crate::store::scope::editable(&ctx.caller)
    );
    let found = db::first::<Row>(&ctx.db, &sql, &[db::Arg::from(&ctx.caller.tenant), db::Arg::from(&ctx.caller.user), db::Arg::from(rep)]).await?;
    Ok(found.is_some())
}
