//! Health, the caller, tenant settings and the user directory.

use serde::Deserialize;
use shared::api::{Health, Me, UserList, UserSummary};
use shared::ids::Role;
use shared::settings::TenantSettings;
use worker::{Request, Response};

use crate::context::{remember_settings, Ctx};
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{flag, json, query_pairs, read_json};

pub fn health() -> Response {
    json(200, &Health { ok: true, version: env!("CARGO_PKG_VERSION").into() })
}

pub async fn me(ctx: &Ctx) -> ApiResult<Response> {
    #[derive(Deserialize)]
    struct Row {
        name: String,
    }
    let stored = db::first::<Row>(&ctx.db, "SELECT name FROM users WHERE tenant_id = ?1 AND id = ?2", &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user)]).await?;
    let name = stored.map(|r| r.name).or_else(|| ctx.caller.name.clone()).unwrap_or_else(|| ctx.caller.user.clone());
    Ok(json(200, &Me { tenant: ctx.caller.tenant.clone(), user: ctx.caller.user.clone(), role: ctx.caller.role, name }))
}

pub async fn get_settings(ctx: &Ctx) -> ApiResult<Response> {
    Ok(json(200, &ctx.settings().await?))
}

/// `POST /settings/segments/preview`: how many customers each segment rule of the
/// settings sent would get now; the body is checked as `PUT /settings` checks it.
pub async fn preview_segments(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    if !ctx.caller.role.is_manager_or_admin() {
        return Err(ApiError::Forbidden("only managers and admins preview segment rules".into()));
    }
    let proposed: TenantSettings = read_json(req).await?;
    proposed.validate().map_err(ApiError::Invalid)?;
    Ok(json(200, &crate::resegment::preview(&ctx.db, &ctx.caller, &proposed.segments).await?))
}

/// Replaces the settings document. The body names the version it was based on; a stale
/// version is refused so that two admins do not silently overwrite each other.
pub async fn put_settings(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    if ctx.caller.role != Role::Admin {
        return Err(ApiError::Forbidden("only admins change tenant settings".into()));
    }
    let pairs = query_pairs(req)?;
    if let Some((unknown, _)) = pairs.iter().find(|(k, _)| k != "resegment") {
        return Err(ApiError::BadRequest { code: "invalid", message: format!("unknown query parameter {unknown}") });
    }
    let force = flag(&pairs, "resegment")?;
    let next: TenantSettings = read_json(req).await?;
    next.validate().map_err(ApiError::Invalid)?;
    let current = ctx.settings().await?;
    let tenant = &ctx.caller.tenant;
    // Announced before it is stored: if storing fails, passes for the stored rules stop
    // and the cron waits for the next successful write; stored before announced, a failed
    // announce would leave new rules applied to nobody with nothing due to finish them.
    crate::resegment::announce(&ctx.db, tenant, crate::documents::next_version(&current, &next)?).await?;
    let saved = crate::documents::replace(ctx.documents(), &current, next).await?;
    remember_settings(tenant, &saved);
    let response = json(200, &saved);
    if saved.segments == current.segments && !force {
        crate::resegment::carry_over(&ctx.db, tenant, current.version, saved.version).await?;
        return Ok(response);
    }
    // New segment rules apply to every customer, not only to the next one written: the
    // first pages here, the rest through the maintenance queue. A pass that fails midway
    // is finished by the Cron Trigger (`resegment::heal`), or at once by `?resegment=true`.
    let begun = crate::resegment::begin(&ctx.env, &ctx.db, tenant, &saved).await?;
    let headers = response.headers().clone();
    let _ = headers.set("x-allot-resegmented", &begun.changed.to_string());
    let _ = headers.set("x-allot-resegment", if begun.queued { "continuing" } else { "complete" });
    Ok(response.with_headers(headers))
}

pub async fn users(ctx: &Ctx) -> ApiResult<Response> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        name: String,
        role: String,
        team_id: Option<String>,
        level: String,
        active: f64,
    }
    let rows = db::all::<Row>(&ctx.db, "SELECT id, name, role, team_id, level, active FROM users WHERE tenant_id = ?1 ORDER BY role, name", &[Arg::from(&ctx.caller.tenant)]).await?;
    let items = rows.into_iter().filter_map(|u| Some(UserSummary { role: Role::parse(&u.role)?, id: u.id, name: u.name, team: u.team_id, level: u.level, active: u.active != 0.0 })).collect();
    Ok(json(200, &UserList { items }))
}

/// `PUT /pipeline/stages`: replaces the stages. A removed stage that still holds customers
/// is refused (409 `stage_in_use`, with the count) unless `moves` says where they go; the
/// customers move in one batch before the settings document changes.
pub async fn put_stages(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    if ctx.caller.role != Role::Admin {
        return Err(ApiError::Forbidden("only admins change the pipeline".into()));
    }
    let update: shared::api::StagesUpdate = read_json(req).await?;
    let current = ctx.settings().await?;
    let mut next = current.clone();
    next.version = update.version;
    next.stages = update.stages.clone();
    next.validate().map_err(ApiError::Invalid)?;
    update.validate_moves(&current.stages).map_err(ApiError::Invalid)?;
    #[derive(Deserialize)]
    struct Count {
        n: f64,
    }
    let mut statements = Vec::new();
    for (from, to) in update.removed(&current.stages) {
        let held =
            db::first::<Count>(&ctx.db, "SELECT count(*) AS n FROM customers WHERE tenant_id = ?1 AND stage = ?2 AND deleted_at IS NULL", &[Arg::from(&ctx.caller.tenant), Arg::from(from)]).await?;
        let n = held.map_or(0, |c| c.n as u64);
        match to {
            _ if n == 0 => {}
            None => {
                return Err(ApiError::Refused {
                    code: "stage_in_use".into(),
                    message: format!("stage {from} still holds {n} customers; say where they go in `moves`"),
                    details: serde_json::json!({ "stage": from, "customers": n }),
                })
            }
            Some(to) => statements.push(db::stmt(
                &ctx.db,
                "UPDATE customers SET stage = ?3, updated_at = ?4, version = version + 1 WHERE tenant_id = ?1 AND stage = ?2",
                &[Arg::from(&ctx.caller.tenant), Arg::from(from), Arg::from(to), Arg::Int(ctx.now)],
            )?),
        }
        // The funnel's "furthest stage reached" follows a removed stage to its successor.
        if let Some(to) = to {
            statements.push(db::stmt(
                &ctx.db,
                "UPDATE customers SET reached_stage = ?3 WHERE tenant_id = ?1 AND reached_stage = ?2",
                &[Arg::from(&ctx.caller.tenant), Arg::from(from), Arg::from(to)],
            )?);
        }
    }
    if !statements.is_empty() {
        db::batch(&ctx.db, statements).await?;
    }
    let saved = crate::documents::replace(ctx.documents(), &current, next).await?;
    remember_settings(&ctx.caller.tenant, &saved);
    Ok(json(200, &saved))
}
