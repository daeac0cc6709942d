//! What an allocation run reads — the tenant's rules, the reps with their load, the
//! round-robin cursor — and the engine call, shared by allocation runs and the intake
//! path of `POST /customers`.

use serde::Deserialize;
use shared::allocation::{allocate, AllocationRules, Outcome, Plan, Prospect, RepProfile, Strategy};
use shared::api::{AllocationRequest, Explain};
use shared::ids::Role;

use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};

pub async fn rules(ctx: &Ctx) -> ApiResult<AllocationRules> {
    crate::documents::load(&ctx.env, &ctx.caller.tenant).await
}

pub async fn cursor(ctx: &Ctx) -> ApiResult<u64> {
    #[derive(Deserialize)]
    struct Row {
        cursor: f64,
    }
    let row = db::first::<Row>(&ctx.db, "SELECT cursor FROM allocation_state WHERE tenant_id = ?1", &[Arg::from(&ctx.caller.tenant)]).await?;
    Ok(row.map_or(0, |r| r.cursor as u64))
}

/// Everything a run needs, loaded in a few reads.
pub struct Inputs {
    pub rules: AllocationRules,
    pub reps: Vec<RepProfile>,
    pub cursor: u64,
}

/// The rules, the reps (in the caller's scope, or the whole tenant for intake) and the
/// round-robin cursor.
pub async fn inputs(ctx: &Ctx, tenant_wide: bool) -> ApiResult<Inputs> {
    let rules = rules(ctx).await?;
    let views = crate::store::reps::load(ctx, &rules, tenant_wide, "", &[]).await?;
    let reps = views.iter().filter(|v| v.role == Role::Rep).map(crate::store::reps::profile).collect();
    Ok(Inputs { rules, reps, cursor: cursor(ctx).await? })
}

/// The statement that persists the round-robin cursor, when the run used it.
pub fn save_cursor(ctx: &Ctx, outcome: &Outcome) -> ApiResult<Option<worker::D1PreparedStatement>> {
    if outcome.strategy != Strategy::RoundRobin {
        return Ok(None);
    }
    Ok(Some(db::stmt(
        &ctx.db,
        "INSERT INTO allocation_state (tenant_id, cursor) VALUES (?1, ?2) ON CONFLICT (tenant_id) DO UPDATE SET cursor = excluded.cursor",
        &[Arg::from(&ctx.caller.tenant), Arg::Int(outcome.next_cursor as i64)],
    )?))
}

/// Runs the engine, after checking that an `optimal` run fits a Worker's memory and time
/// (`shared::allocation::optimal::fits`): too big is a 422 naming the limit, never a dead
/// isolate.
pub fn run(inputs: &Inputs, customers: &[Prospect], request: &AllocationRequest, fallback_seed: u64) -> ApiResult<Outcome> {
    let strategy = request.strategy.unwrap_or(inputs.rules.strategy);
    if strategy == Strategy::Optimal {
        let active = inputs.reps.iter().filter(|r| r.active).count();
        shared::allocation::optimal::fits(customers.len(), active).map_err(|too| ApiError::Unprocessable {
            code: "optimal_too_large".into(),
            message: too.message.clone(),
            details: serde_json::json!({
                "customers": too.customers,
                "reps": too.reps,
                "max_cells": shared::allocation::optimal::MAX_CELLS,
                "max_steps": shared::allocation::optimal::MAX_STEPS,
            }),
        })?;
    }
    Ok(allocate(&Plan {
        reps: &inputs.reps,
        customers,
        strategy,
        weights: request.weights.unwrap_or(inputs.rules.weights),
        seed: request.seed.unwrap_or(fallback_seed),
        cursor: inputs.cursor,
        junior_min_share: inputs.rules.junior_min_share,
        explain_full: request.explain == Explain::Full,
    }))
}
