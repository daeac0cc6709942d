//! Health, the caller, tenant settings and the user directory.

use serde::Deserialize;
use shared::api::{Health, Me, UserList, UserSummary};
use shared::ids::Role;
use shared::settings::TenantSettings;
use worker::{Request, Response};

use crate::context::{remember_settings, settings_key, Ctx};
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};

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

/// Replaces the settings document. The body names the version it was based on; a stale
/// version is refused so that two admins do not silently overwrite each other.
pub async fn put_settings(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    if ctx.caller.role != Role::Admin {
        return Err(ApiError::Forbidden("only admins change tenant settings".into()));
    }
    let mut next: TenantSettings = read_json(req).await?;
    next.validate().map_err(ApiError::Invalid)?;
    let current = ctx.settings().await?;
    if next.version != current.version {
        return Err(ApiError::Conflict { code: "stale", message: format!("settings are at version {}, not {}", current.version, next.version) });
    }
    next.version = current.version + 1;
    let kv = ctx.env.kv("SETTINGS")?;
    kv.put(&settings_key(&ctx.caller.tenant), serde_json::to_string(&next)?)?.execute().await?;
    remember_settings(&ctx.caller.tenant, &next);
    Ok(json(200, &next))
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
    let rows = db::all::<Row>(
        &ctx.db,
        "SELECT id, name, role, team_id, level, active FROM users WHERE tenant_id = ?1 ORDER BY role, name",
        &[Arg::from(&ctx.caller.tenant)],
    )
    .await?;
    let items = rows
        .into_iter()
        .filter_map(|u| {
            Some(UserSummary { role: Role::parse(&u.role)?, id: u.id, name: u.name, team: u.team_id, level: u.level, active: u.active != 0.0 })
        })
        .collect();
    Ok(json(200, &UserList { items }))
}
