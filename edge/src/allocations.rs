//! Allocation rules, previews and runs (`/api/v1/allocation/rules`, `/api/v1/allocations`).
//!
//! `shared::allocation` decides; this module loads its inputs (reps with load and
//! performance, unowned customers, the round-robin cursor) and, for a run, writes every
//! assignment in one D1 batch. Each assignment is a conditional `UPDATE` that succeeds
//! only if the customer is still unowned and the rep is still under capacity, followed
//! by its audit event guarded by `changes() = 1`: a customer claimed meanwhile is skipped
//! and reported, never overwritten.

use shared::allocation::{AllocationRules, Outcome};
use shared::api::{AllocationRequest, AllocationResponse, SkippedAssignment};
use shared::audit::{AuditAction, Reason};
use shared::ids::Role;
use worker::{Request, Response};

use crate::audit::{Event, Source};
use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::allocation::{inputs, prospects, rules, run, save_cursor, Inputs, MAX_RUN};

/// The tenant's allocation rules, or the defaults.
pub async fn get_rules(ctx: &Ctx) -> ApiResult<Response> {
    Ok(json(200, &rules(ctx).await?))
}

pub async fn put_rules(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    if ctx.caller.role != Role::Admin {
        return Err(ApiError::Forbidden("only admins change allocation rules".into()));
    }
    let next: AllocationRules = read_json(req).await?;
    next.validate().map_err(ApiError::Invalid)?;
    let current = rules(ctx).await?;
    Ok(json(200, &crate::documents::replace(ctx.documents(), &current, next).await?))
}

fn check_request(ctx: &Ctx, request: &AllocationRequest) -> ApiResult<()> {
    if !ctx.caller.role.is_manager_or_admin() {
        return Err(ApiError::Forbidden("only managers and admins allocate customers".into()));
    }
    if let Some(w) = &request.weights {
        let probe = AllocationRules { weights: *w, ..AllocationRules::default() };
        probe.validate().map_err(ApiError::Invalid)?;
    }
    if let Some(ids) = &request.customer_ids {
        shared::limits::at_most("customer_ids", ids.len(), MAX_RUN).map_err(|e| ApiError::Invalid(vec![e]))?;
    }
    Ok(())
}

/// Checks and computes a run: what preview answers and apply writes.
async fn compute(ctx: &Ctx, request: &AllocationRequest) -> ApiResult<(Inputs, Outcome, String)> {
    check_request(ctx, request)?;
    let inputs = inputs(ctx, false).await?;
    let customers = prospects(ctx, &request.customer_ids).await?;
    let outcome = run(&inputs, &customers, request, ctx.now as u64)?;
    let rule = inputs.rules.label(outcome.strategy);
    Ok((inputs, outcome, rule))
}

pub async fn preview(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let request: AllocationRequest = read_json(req).await?;
    preview_request(ctx, &request).await
}

async fn preview_request(ctx: &Ctx, request: &AllocationRequest) -> ApiResult<Response> {
    let (_, outcome, rule) = compute(ctx, request).await?;
    Ok(json(200, &AllocationResponse { outcome, rule, applied: false, skipped: Vec::new() }))
}

/// `POST /pool/distribute`: the same engine over pool customers, previewed or applied.
pub async fn distribute(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let request: shared::api::DistributeRequest = read_json(req).await?;
    if request.apply {
        apply_request(ctx, &request.allocation).await
    } else {
        preview_request(ctx, &request.allocation).await
    }
}

pub async fn apply(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let request: AllocationRequest = read_json(req).await?;
    apply_request(ctx, &request).await
}

async fn apply_request(ctx: &Ctx, request: &AllocationRequest) -> ApiResult<Response> {
    let (inputs, outcome, rule) = compute(ctx, request).await?;
    let reason = Reason::allocation(&rule).into_string();
    let capacity = |rep: &str| inputs.reps.iter().find(|r| r.id == rep).map_or(0, |r| r.capacity);
    let mut statements = Vec::with_capacity(outcome.assignments.len() * 2 + 1);
    for a in &outcome.assignments {
        statements.push(db::stmt(
            &ctx.db,
            &format!(
                "UPDATE customers SET owner_id = ?3, owned_since = ?4, updated_at = ?4, version = version + 1 \
                 WHERE tenant_id = ?1 AND id = ?2 AND owner_id IS NULL AND deleted_at IS NULL AND {} < ?5",
                crate::store::scope::held_by("?3")
            ),
            &[Arg::from(&ctx.caller.tenant), Arg::from(&a.customer), Arg::from(&a.rep), Arg::Int(ctx.now), Arg::Int(i64::from(capacity(&a.rep)))],
        )?);
        // ?1 tenant, ?2 customer, ?3 caller, ?4 rep, ?5 reason, ?6 rule, ?7 now.
        statements.push(Event::new(AuditAction::Allocate, "?2", "?3", "?7").to("?4").reason("?5").rule("?6").statement(
            &ctx.db,
            Source::AfterChange,
            &[Arg::from(&ctx.caller.tenant), Arg::from(&a.customer), Arg::from(&ctx.caller.user), Arg::from(&a.rep), Arg::from(&reason), Arg::from(&rule), Arg::Int(ctx.now)],
        )?);
    }
    statements.extend(save_cursor(ctx, &outcome)?);
    let results = if statements.is_empty() { Vec::new() } else { db::batch(&ctx.db, statements).await? };
    let mut skipped = Vec::new();
    for (i, a) in outcome.assignments.iter().enumerate() {
        if results.get(2 * i).map(db::changes) != Some(1) {
            skipped.push(SkippedAssignment { customer: a.customer.clone(), rep: a.rep.clone(), reason: "the customer gained an owner, was deleted, or the rep reached capacity meanwhile".into() });
        }
    }
    Ok(json(200, &AllocationResponse { outcome, rule, applied: true, skipped }))
}
