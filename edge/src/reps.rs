//! `/api/v1/reps`: the people customers are allocated to, with load and performance
//! computed from the data (never typed in).

use serde::Deserialize;
use shared::allocation::{AllocationRules, Level, Performance, RepProfile};
use shared::ids::Role;
use shared::api::{RepInput, RepList, RepPatch, RepView};
use shared::reps::RepFields;
use shared::time::DAY_MS;
use worker::{Request, Response};

use crate::context::{Caller, Ctx};
use crate::db::{self, json_column, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};

#[derive(Deserialize)]
struct Row {
    id: String,
    name: String,
    role: String,
    team_id: Option<String>,
    level: String,
    industries: Option<String>,
    regions: Option<String>,
    capacity: f64,
    active: f64,
    held: f64,
    held_value: f64,
    won_amount: f64,
    won: f64,
    lost: f64,
}

impl Row {
    fn into_view(self) -> Option<RepView> {
        Some(RepView {
            role: Role::parse(&self.role)?,
            level: if self.level == "senior" { Level::Senior } else { Level::Junior },
            industries: json_column(&self.industries),
            regions: json_column(&self.regions),
            capacity: self.capacity as u32,
            active: self.active != 0.0,
            held: self.held as u32,
            held_value: self.held_value,
            performance: Performance::from_deals(self.won_amount, self.won as u32, self.lost as u32),
            id: self.id,
            name: self.name,
            team: self.team_id,
        })
    }
}

/// Which users a caller may see in the rep directory, or allocate to: an admin all, a
/// manager their team (all when they lead none), a rep only themselves.
pub fn scope(caller: &Caller) -> &'static str {
    match caller.role {
        Role::Admin => "?2 IS NOT NULL",
        Role::Manager => "(u.id = ?2 OR NOT EXISTS (SELECT 1 FROM users m WHERE m.tenant_id = ?1 AND m.id = ?2 AND m.team_id IS NOT NULL) \
             OR u.team_id = (SELECT m.team_id FROM users m WHERE m.tenant_id = ?1 AND m.id = ?2))",
        Role::Rep => "u.id = ?2",
    }
}

/// `shared::reps::may_change` as a condition on the user row `u` (in the `UPDATE` too, so
/// a role changed since the read is not acted on as it was).
fn changeable(caller: &Caller) -> &'static str {
    match caller.role {
        Role::Admin => "?2 IS NOT NULL",
        Role::Manager => "(u.role = 'rep' AND u.id <> ?2)",
        Role::Rep => "?2 IS NULL",
    }
}

/// Reps and managers in the caller's scope, with held counts and trailing performance,
/// in one query.
pub async fn load(ctx: &Ctx, rules: &AllocationRules, tenant_wide: bool, extra: &str, extra_args: &[Arg]) -> ApiResult<Vec<RepView>> {
    let since = ctx.now - i64::from(rules.performance_window_days) * DAY_MS;
    let owned = "FROM customers c WHERE c.tenant_id = u.tenant_id AND c.owner_id = u.id AND c.deleted_at IS NULL";
    let sql = format!(
        "SELECT u.id, u.name, u.role, u.team_id, u.level, u.industries, u.regions, u.capacity, u.active, \
         (SELECT count(*) {owned}) AS held, (SELECT coalesce(sum(c.amount), 0) {owned}) AS held_value, \
         (SELECT coalesce(sum(c.amount), 0) {owned} AND c.won_at >= ?3) AS won_amount, \
         (SELECT count(*) {owned} AND c.won_at >= ?3) AS won, (SELECT count(*) {owned} AND c.lost_at >= ?3) AS lost \
         FROM users u WHERE u.tenant_id = ?1 AND u.role IN ('rep', 'manager') AND {} {extra} ORDER BY u.id",
        if tenant_wide { "?2 IS NOT NULL" } else { scope(&ctx.caller) }
    );
    let mut args = vec![Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::Int(since)];
    args.extend_from_slice(extra_args);
    Ok(db::all::<Row>(&ctx.db, &sql, &args).await?.into_iter().filter_map(Row::into_view).collect())
}

/// What the allocation engine needs of a rep.
pub fn profile(v: &RepView) -> RepProfile {
    RepProfile {
        id: v.id.clone(),
        level: v.level,
        industries: v.industries.clone(),
        regions: v.regions.clone(),
        capacity: v.capacity,
        active: v.active && v.role == Role::Rep,
        held: v.held,
        held_value: v.held_value,
        performance: v.performance,
    }
}

pub async fn list(ctx: &Ctx) -> ApiResult<Response> {
    let rules = crate::allocations::rules(ctx).await?;
    let items = load(ctx, &rules, false, "", &[]).await?;
    Ok(json(200, &RepList { items }))
}

pub async fn one(ctx: &Ctx, id: &str) -> ApiResult<RepView> {
    let rules = crate::allocations::rules(ctx).await?;
    load(ctx, &rules, false, "AND u.id = ?4", &[Arg::from(id)]).await?.into_iter().next().ok_or_else(|| ApiError::NotFound(format!("no rep {id}")))
}

fn level_text(level: Level) -> &'static str {
    match level {
        Level::Junior => "junior",
        Level::Senior => "senior",
    }
}

pub async fn create(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    if ctx.caller.role != Role::Admin {
        return Err(ApiError::Forbidden("only admins add reps".into()));
    }
    let input: RepInput = read_json(req).await?;
    let settings = ctx.settings().await?;
    let (id, f) = RepFields::from_input(&input, &settings).map_err(ApiError::Invalid)?;
    let created = db::run(
        &ctx.db,
        "INSERT OR IGNORE INTO users (tenant_id, id, name, role, team_id, level, industries, regions, capacity, active, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        &[
            Arg::from(&ctx.caller.tenant),
            Arg::from(&id),
            Arg::from(&f.name),
            Arg::from(f.role.as_str()),
            Arg::from(f.team.clone()),
            Arg::from(level_text(f.level)),
            Arg::Text(serde_json::to_string(&f.industries)?),
            Arg::Text(serde_json::to_string(&f.regions)?),
            Arg::Int(i64::from(f.capacity)),
            Arg::Int(i64::from(f.active)),
            Arg::Int(ctx.now),
        ],
    )
    .await?;
    if created != 1 {
        return Err(ApiError::Conflict { code: "exists", message: format!("a user {id} already exists") });
    }
    Ok(json(201, &one(ctx, &id).await?))
}

/// `PATCH /reps/{id}`: writes only the fields sent, in one `UPDATE` whose `WHERE` is the
/// caller's scope. Nothing read is written back, so a manager's capacity edit racing an
/// admin's deactivation never undoes it (each writes its own column).
pub async fn patch(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    if !ctx.caller.role.is_manager_or_admin() {
        return Err(ApiError::Forbidden("only managers and admins change reps".into()));
    }
    let patch: RepPatch = read_json(req).await?;
    let settings = ctx.settings().await?;
    if ctx.caller.role == Role::Manager && patch.team.is_some() {
        return Err(ApiError::Forbidden("only admins move reps between teams".into()));
    }
    // The read validates the record as it would be (and answers 404 out of scope); only
    // the fields the patch names are taken from it.
    let current = one(ctx, id).await?;
    if !shared::reps::may_change(ctx.caller.role, &ctx.caller.user, current.role, &current.id) {
        return Err(ApiError::Forbidden("a manager changes their reps' records, not their own or another manager's".into()));
    }
    let fields = RepFields {
        name: current.name.clone(),
        role: current.role,
        team: current.team.clone(),
        level: current.level,
        industries: current.industries.clone(),
        regions: current.regions.clone(),
        capacity: current.capacity,
        active: current.active,
    };
    let next = fields.patched(&patch, &settings).map_err(ApiError::Invalid)?;
    // ?1 tenant, ?2 caller (the scope), ?3 the rep, then the values sent.
    let mut args = vec![Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(id)];
    let mut sets = Vec::new();
    let mut set = |column: &str, value: Arg| {
        args.push(value);
        sets.push(format!("{column} = ?{}", args.len()));
    };
    if patch.name.is_some() {
        set("name", Arg::from(&next.name));
    }
    if patch.team.is_some() {
        set("team_id", Arg::from(next.team.clone()));
    }
    if patch.level.is_some() {
        set("level", Arg::from(level_text(next.level)));
    }
    if patch.industries.is_some() {
        set("industries", Arg::Text(serde_json::to_string(&next.industries)?));
    }
    if patch.regions.is_some() {
        set("regions", Arg::Text(serde_json::to_string(&next.regions)?));
    }
    if patch.capacity.is_some() {
        set("capacity", Arg::Int(i64::from(next.capacity)));
    }
    if patch.active.is_some() {
        set("active", Arg::Int(i64::from(next.active)));
    }
    if sets.is_empty() {
        return Ok(json(200, &current));
    }
    let tenant = &ctx.caller.tenant;
    let update = db::stmt(
        &ctx.db,
        &format!(
            "UPDATE users AS u SET {} WHERE u.tenant_id = ?1 AND u.id = ?3 AND u.role IN ('rep', 'manager') AND {} AND {}",
            sets.join(", "),
            scope(&ctx.caller),
            changeable(&ctx.caller)
        ),
        &args,
    )?;
    let results = if patch.active == Some(false) {
        // Effective only if the rep is inactive once the update ran.
        db::batch(&ctx.db, vec![update, end_collaborations(ctx, id)?]).await?
    } else {
        db::batch(&ctx.db, vec![update]).await?
    };
    crate::context::forget_admission(tenant, id);
    if results.first().map(db::changes) != Some(1) {
        return Err(ApiError::NotFound(format!("no rep {id}")));
    }
    Ok(json(200, &one(ctx, id).await?))
}

/// The statement that ends every collaboration of `id`, placed after the statement that
/// deactivates them in a batch, and effective only if that one did: someone who left
/// reads nothing more (`shared::collaborators` lets only active reps collaborate).
pub fn end_collaborations(ctx: &Ctx, id: &str) -> ApiResult<worker::D1PreparedStatement> {
    db::stmt(
        &ctx.db,
        &format!(
            "UPDATE customers AS c SET collaborators = {} WHERE c.tenant_id = ?1 AND {} \
             AND NOT EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = ?1 AND u.id = ?2 AND u.active = 1)",
            crate::customer_sql::collaborators_without("?2"),
            crate::customer_sql::collaborates("?2")
        ),
        &[Arg::from(&ctx.caller.tenant), Arg::from(id)],
    )
}
