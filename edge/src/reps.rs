//! `/api/v1/reps`: the people customers are allocated to, with load and performance
//! computed from the data (never typed in).

use shared::allocation::{AllocationRules, Level};
use shared::api::{RepInput, RepList, RepPatch};
use shared::ids::Role;
use shared::reps::RepFields;
use worker::{Request, Response};

use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::ownership::end_collaborations;
use crate::store::reps::{changeable, load, one, scope};

pub async fn list(ctx: &Ctx) -> ApiResult<Response> {
    let rules = crate::documents::load::<AllocationRules>(&ctx.env, &ctx.caller.tenant).await?;
    let items = load(ctx, &rules, false, "", &[]).await?;
    Ok(json(200, &RepList { items }))
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
        &format!("UPDATE users AS u SET {} WHERE u.tenant_id = ?1 AND u.id = ?3 AND u.role IN ('rep', 'manager') AND {} AND {}", sets.join(", "), scope(&ctx.caller), changeable(&ctx.caller)),
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
