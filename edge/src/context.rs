//! Per-request context: the authenticated caller, the tenant's settings, the clock.

use std::cell::RefCell;
use std::collections::HashMap;

use shared::ids::Role;
use shared::settings::TenantSettings;
use shared::time::Millis;
use worker::{D1Database, Env, Request};

use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};

/// Who is calling, as the verified token says.
#[derive(Clone, Debug)]
pub struct Caller {
    pub tenant: String,
    pub user: String,
    pub role: Role,
    pub name: Option<String>,
}

pub struct Ctx {
    pub env: Env,
    pub db: D1Database,
    pub caller: Caller,
    /// Read once per request: every rule in one request sees the same `now`.
    pub now: Millis,
}

/// How long an isolate trusts what it has read about a tenant (existence, settings).
/// KV itself may lag 60 s between locations; a PUT updates this isolate at once.
const CACHE_MS: f64 = 10_000.0;

thread_local! {
    /// (tenant, user) pairs admitted, and when.
    static ADMITTED: RefCell<HashMap<(String, String), f64>> = RefCell::new(HashMap::new());
    static SETTINGS: RefCell<HashMap<String, (f64, TenantSettings)>> = RefCell::new(HashMap::new());
}

/// Where this caller's tenant documents are written.
impl Ctx {
    pub fn documents(&self) -> crate::documents::Target<'_> {
        crate::documents::Target { env: &self.env, db: &self.db, tenant: &self.caller.tenant, now: self.now, by: &self.caller.user }
    }
}

pub fn now_ms() -> Millis {
    js_sys::Date::now() as Millis
}

impl Ctx {
    /// Authenticates the request: bearer token, HS256 with the tenant's derived key,
    /// expiry, a tenant that exists and a caller not deactivated. Every failure is a 401 (`deactivated` for the last).
    pub async fn authenticate(req: &Request, env: Env) -> ApiResult<Ctx> {
        let now = now_ms();
        let header = req.headers().get("authorization").ok().flatten().unwrap_or_default();
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::Unauthorized("an Authorization: Bearer <token> header is required".into()))?;
        let tenant = shared::token::unverified_tenant(token).map_err(|e| ApiError::Unauthorized(e.message().into()))?;
        let secret = deployment_secret(&env)?;
        let key = shared::token::tenant_key(secret.as_bytes(), &tenant);
        let claims = shared::token::verify(token, &key, now / 1000).map_err(|e| ApiError::Unauthorized(e.message().into()))?;
        let db = env.d1("DB")?;
        admit(&db, &claims.tenant, &claims.sub).await?;
        let caller = Caller { tenant: claims.tenant, user: claims.sub, role: claims.role, name: claims.name };
        Ok(Ctx { env, db, caller, now })
    }

    /// The tenant's settings: the stored document, or the defaults when none is stored.
    pub async fn settings(&self) -> ApiResult<TenantSettings> {
        let tenant = &self.caller.tenant;
        let now = js_sys::Date::now();
        let cached = SETTINGS.with(|s| s.borrow().get(tenant).filter(|(at, _)| now - at < CACHE_MS).map(|(_, v)| v.clone()));
        if let Some(settings) = cached {
            return Ok(settings);
        }
        let settings: TenantSettings = crate::documents::load(&self.env, tenant).await?;
        remember_settings(tenant, &settings);
        Ok(settings)
    }
}

pub fn remember_settings(tenant: &str, settings: &TenantSettings) {
    let now = js_sys::Date::now();
    SETTINGS.with(|s| s.borrow_mut().insert(tenant.to_string(), (now, settings.clone())));
}

/// The deployment secret from which tenant keys are derived: a Worker secret in
/// production (`wrangler secret put ALLOT_SECRET`), a `--var` locally.
pub fn deployment_secret(env: &Env) -> ApiResult<String> {
    env.secret("ALLOT_SECRET")
        .map(|s| s.to_string())
        .or_else(|_| env.var("ALLOT_SECRET").map(|v| v.to_string()))
        .ok()
        .filter(|s| s.len() >= 16)
        .ok_or_else(|| ApiError::Internal("ALLOT_SECRET is not configured (at least 16 characters)".into()))
}

/// Lets a caller in when the tenant exists and the caller is not a deactivated user (one
/// who left keeps an unexpired token; a host's user with no row in `users` is let in).
/// One query, remembered by the isolate for [`CACHE_MS`]: a deactivation reaches every
/// isolate within that time, and the isolate that made it at once ([`forget_admission`]).
async fn admit(db: &D1Database, tenant: &str, user: &str) -> ApiResult<()> {
    let now = js_sys::Date::now();
    let key = (tenant.to_string(), user.to_string());
    if ADMITTED.with(|a| a.borrow().get(&key).is_some_and(|at| now - at < CACHE_MS)) {
        return Ok(());
    }
    #[derive(serde::Deserialize)]
    struct Row {
        /// The user's `active` flag; absent when the tenant has no such user.
        active: Option<f64>,
    }
    let found =
        db::first::<Row>(db, "SELECT (SELECT u.active FROM users u WHERE u.tenant_id = t.id AND u.id = ?2) AS active FROM tenants t WHERE t.id = ?1", &[Arg::from(tenant), Arg::from(user)]).await?;
    match found {
        None => Err(ApiError::Unauthorized("unknown tenant".into())),
        Some(Row { active: Some(0.0) }) => Err(ApiError::Deactivated),
        Some(_) => {
            ADMITTED.with(|a| a.borrow_mut().insert(key, now));
            Ok(())
        }
    }
}

/// Makes this isolate check `user` again on its next request (after a deactivation).
pub fn forget_admission(tenant: &str, user: &str) {
    ADMITTED.with(|a| a.borrow_mut().remove(&(tenant.to_string(), user.to_string())));
}
