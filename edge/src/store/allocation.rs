//! What an allocation run reads — the tenant's rules, the reps with their load, the
//! round-robin cursor — and the engine call, shared by allocation runs and the intake
//! path of `POST /customers`.

use serde::Deserialize;
use shared::allocation::{allocate, AllocationRules, Outcome, Plan, Prospect, RepProfile, Strategy};
use shared::api::{AllocationRequest, Explain};
use shared::customer::Tier;
use shared::ids::Role;

use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};

/// Most customers one run considers.
pub const MAX_RUN: usize = shared::limits::CUSTOMER_IDS;

#[derive(Deserialize)]
struct CustomerRow {
    id: String,
    name: String,
    industry: Option<String>,
    region: Option<String>,
    tier: Option<String>,
    amount: Option<f64>,
    existing: f64,
}

/// Unowned, live customers (all, or the given ids), as the engine sees them.
pub async fn prospects(ctx: &Ctx, ids: &Option<Vec<String>>) -> ApiResult<Vec<Prospect>> {
    let (filter, args) = match ids {
        Some(ids) => ("AND c.id IN (SELECT value FROM json_each(?2))", vec![Arg::from(&ctx.caller.tenant), Arg::Text(serde_json::to_string(ids)?)]),
        None => ("", vec![Arg::from(&ctx.caller.tenant)]),
    };
    let sql = format!(
        "SELECT c.id, c.name, c.industry, c.region, c.tier, c.amount, \
         (c.won_at IS NOT NULL OR EXISTS (SELECT 1 FROM audit_events a WHERE a.tenant_id = c.tenant_id AND a.customer_id = c.id AND a.from_owner IS NOT NULL)) AS existing \
         FROM customers c WHERE c.tenant_id = ?1 AND c.owner_id IS NULL AND c.deleted_at IS NULL {filter} ORDER BY c.id LIMIT {MAX_RUN}"
    );
    let rows = db::all::<CustomerRow>(&ctx.db, &sql, &args).await?;
    Ok(rows
        .into_iter()
        .map(|r| Prospect {
            id: r.id,
            name: r.name,
            industry: r.industry,
            region: r.region,
            tier: r.tier.as_deref().and_then(Tier::parse),
            amount: r.amount.unwrap_or(0.0),
            existing: r.existing != 0.0,
        })
        .collect())
}

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

/// The audit insert and the update, for one batch, that write an outcome's assignments
/// set-based, whatever their number: each customer only if it is still unowned and live
/// and the caller may edit it, and only to a rep who is still an active user in the
/// caller's scope and has room for every customer this run gives them (the rule of
/// `POST /allocations`, "never above a rep's capacity", stated for all of a rep's
/// customers at once). `None` for an outcome that assigns nothing.
pub fn assign_statements(ctx: &Ctx, inputs: &Inputs, outcome: &Outcome, rule: &str) -> ApiResult<Option<[worker::D1PreparedStatement; 2]>> {
    if outcome.assignments.is_empty() {
        return Ok(None);
    }
    let mut plan = serde_json::Map::new();
    let mut planned: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    for a in &outcome.assignments {
        plan.insert(a.customer.clone(), serde_json::Value::from(a.rep.clone()));
        *planned.entry(a.rep.as_str()).or_default() += 1;
    }
    // What each rep may hold before this run: capacity less the customers it gives them.
    let room: serde_json::Map<String, serde_json::Value> =
        planned.into_iter().map(|(rep, n)| (rep.to_string(), serde_json::Value::from(inputs.reps.iter().find(|r| r.id == rep).map_or(0, |r| i64::from(r.capacity)) - n))).collect();
    // ?1 tenant, ?2 caller, ?3 plan {customer: rep}, ?4 room {rep: n}, ?5 now, ?6 reason, ?7 rule.
    // The plan is joined as rows (`p`: key the customer, value the rep), read once; looking
    // each customer's rep up in the JSON text instead (`json_extract(?3, '$."' || c.id …`)
    // scans the plan per customer and per use, quadratic in a 5,000-customer batch.
    let rep = "p.value";
    let condition = format!(
        "c.tenant_id = ?1 AND c.owner_id IS NULL AND c.deleted_at IS NULL AND {} AND {} \
         AND {} <= json_extract(?4, '$.\"' || {rep} || '\"')",
        crate::store::scope::editable(&ctx.caller),
        crate::store::scope::assignable_target(&ctx.caller, rep),
        crate::store::scope::held_by(rep),
    );
    let args =
        [Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::Text(serde_json::Value::Object(plan).to_string()), Arg::Text(serde_json::Value::Object(room).to_string()), Arg::Int(ctx.now)];
    let reason = shared::audit::Reason::allocation(rule).into_string();
    let mut audit_args = args.to_vec();
    audit_args.extend([Arg::from(reason), Arg::from(rule)]);
    let source = crate::audit::Source::Joined { join: "JOIN json_each(?3) AS p ON p.key = c.id", condition: &condition };
    let audit = crate::audit::Event::new(shared::audit::AuditAction::Allocate, "c.id", "?2", "?5").to(rep).reason("?6").rule("?7").statement(&ctx.db, source, &audit_args)?;
    let update = db::stmt(
        &ctx.db,
        &format!("UPDATE customers AS c SET owner_id = {rep}, owned_since = ?5, updated_at = ?5, version = version + 1 FROM json_each(?3) AS p WHERE p.key = c.id AND {condition} RETURNING id"),
        &args,
    )?;
    Ok(Some([audit, update]))
}
