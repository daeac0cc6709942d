//! Personal access links (`shared::links`): issued, listed and revoked per user by an
//! admin or the user's manager; exchanged by the mobile page (`/m/`) for a short-lived
//! token. The first exchange presents the link's text and gets it back as an HttpOnly,
//! SameSite=Strict cookie scoped to the exchange route, so later exchanges (a reload, the
//! home-screen app) present the cookie and the page's JavaScript never holds the
//! long-lived secret again.

use serde::Deserialize;
use shared::ids::Role;
use shared::links::{may_issue, Exchange, Exchanged, LinkCreated, LinkInput, LinkList, LinkView, TOKEN_SECONDS};
use shared::rate::RateClass;
use worker::{Env, Request, Response};

use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};

const COOKIE: &str = "allot_link";
const COOKIE_PATH: &str = "/api/v1/links/exchange";
const COLUMNS: &str = "id, user_id, issued_by, created_at, expires_at, revoked_at, last_used_at";

#[derive(Deserialize)]
struct Row {
    id: String,
    user_id: String,
    issued_by: String,
    created_at: i64,
    expires_at: i64,
    revoked_at: Option<i64>,
    last_used_at: Option<i64>,
}

impl Row {
    fn view(self) -> LinkView {
        LinkView { id: self.id, user: self.user_id, issued_by: self.issued_by, created_at: self.created_at, expires_at: self.expires_at, revoked_at: self.revoked_at, last_used_at: self.last_used_at }
    }
}

/// The user `id` if the caller may manage their links: in the caller's scope (else 404,
/// like any user the caller cannot see) and of a role the caller issues for (else 403).
async fn target(ctx: &Ctx, id: &str) -> ApiResult<()> {
    #[derive(Deserialize)]
    struct User {
        role: String,
    }
    let sql = format!("SELECT u.role FROM users u WHERE u.tenant_id = ?1 AND u.id = ?3 AND {}", crate::store::reps::scope(&ctx.caller));
    let user = db::first::<User>(&ctx.db, &sql, &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(id)]).await?;
    let user = user.ok_or_else(|| ApiError::NotFound(format!("no user {id}")))?;
    let role = Role::parse(&user.role).ok_or_else(|| ApiError::Internal(format!("user {id} has role {}", user.role)))?;
    if may_issue(ctx.caller.role, role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("admins issue links for anyone, managers for their team's reps".into()))
    }
}

/// `POST /users/{id}/links`: a new link; its URL is in this answer only.
pub async fn issue(ctx: &Ctx, req: &mut Request, user: &str) -> ApiResult<Response> {
    let input: LinkInput = read_json(req).await?;
    input.validate().map_err(ApiError::Invalid)?;
    target(ctx, user).await?;
    let random: [u8; shared::secret::SECRET_CHARS + 4] = crate::intake::random_bytes()?;
    let mut secret = [0u8; shared::secret::SECRET_CHARS];
    secret.copy_from_slice(&random[..shared::secret::SECRET_CHARS]);
    let secret = shared::secret::from_random(&secret);
    let tail = &random[shared::secret::SECRET_CHARS..];
    let id = format!("l{:011x}{:02x}{:02x}{:02x}{:02x}", ctx.now.max(0), tail[0], tail[1], tail[2], tail[3]);
    let expires_at = ctx.now + i64::from(input.days()) * 86_400_000;
    let rows = db::all::<Row>(
        &ctx.db,
        &format!(
            "INSERT INTO personal_links (id, tenant_id, user_id, secret_hash, issued_by, created_at, expires_at) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE (SELECT count(*) FROM personal_links WHERE tenant_id = ?2 AND user_id = ?3 AND revoked_at IS NULL AND expires_at > ?6) < {} \
             RETURNING {COLUMNS}",
            shared::links::MAX_LINKS_PER_USER
        ),
        &[Arg::from(&id), Arg::from(&ctx.caller.tenant), Arg::from(user), Arg::from(shared::secret::hash(&secret)), Arg::from(&ctx.caller.user), Arg::Int(ctx.now), Arg::Int(expires_at)],
    )
    .await?;
    let link =
        rows.into_iter().next().ok_or(ApiError::Conflict { code: "too_many_links", message: format!("a user holds at most {} live links; revoke one first", shared::links::MAX_LINKS_PER_USER) })?;
    let origin = req.url().map(|u| u.origin().ascii_serialization()).unwrap_or_default();
    let url = format!("{origin}/m/#{}", shared::links::link_text(&id, &secret));
    Ok(json(201, &LinkCreated { link: link.view(), url }))
}

/// `GET /users/{id}/links`: the user's links, newest first, never their secrets.
pub async fn list(ctx: &Ctx, user: &str) -> ApiResult<Response> {
    target(ctx, user).await?;
    let rows = db::all::<Row>(
        &ctx.db,
        &format!("SELECT {COLUMNS} FROM personal_links WHERE tenant_id = ?1 AND user_id = ?2 ORDER BY created_at DESC LIMIT 100"),
        &[Arg::from(&ctx.caller.tenant), Arg::from(user)],
    )
    .await?;
    Ok(json(200, &LinkList { items: rows.into_iter().map(Row::view).collect() }))
}

/// `DELETE /links/{id}`: revokes a link of a user the caller manages links for.
pub async fn revoke(ctx: &Ctx, id: &str) -> ApiResult<Response> {
    #[derive(Deserialize)]
    struct Owner {
        user_id: String,
    }
    let owner = db::first::<Owner>(&ctx.db, "SELECT user_id FROM personal_links WHERE tenant_id = ?1 AND id = ?2", &[Arg::from(&ctx.caller.tenant), Arg::from(id)]).await?;
    let owner = owner.ok_or_else(|| ApiError::NotFound(format!("no link {id}")))?;
    target(ctx, &owner.user_id).await?;
    let rows = db::all::<Row>(
        &ctx.db,
        &format!("UPDATE personal_links SET revoked_at = coalesce(revoked_at, ?3) WHERE tenant_id = ?1 AND id = ?2 RETURNING {COLUMNS}"),
        &[Arg::from(&ctx.caller.tenant), Arg::from(id), Arg::Int(ctx.now)],
    )
    .await?;
    let row = rows.into_iter().next().ok_or_else(|| ApiError::NotFound(format!("no link {id}")))?;
    Ok(json(200, &row.view()))
}

/// The link text the request presents: the body's, else the cookie's.
fn presented(req: &Request, body: &Exchange) -> Option<String> {
    if let Some(link) = body.link.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        return Some(link.to_string());
    }
    let cookies = req.headers().get("cookie").ok().flatten()?;
    cookies.split(';').find_map(|c| c.trim().strip_prefix(COOKIE).and_then(|v| v.strip_prefix('=')).map(String::from))
}

/// `POST /links/exchange` (no token): a live link of an active user for a token of an
/// hour; the link is (re)set as the HttpOnly cookie. Any failure is the same 401.
pub async fn exchange(req: &mut Request, env: &Env) -> ApiResult<Response> {
    let body: Exchange = read_json(req).await?;
    let address = crate::limits::address_key(req);
    let found = match presented(req, &body) {
        Some(text) => live(env, &text).await?.map(|l| (text, l)),
        None => None,
    };
    let Some((text, live)) = found else {
        // Guessing links stays slow: every refusal spends the address's budget.
        crate::limits::spend(env, RateClass::Unauthenticated, address).await?;
        return Err(ApiError::Unauthorized("this link is not valid any more: ask your manager for a new one".into()));
    };
    let now = crate::context::now_ms();
    let key = shared::token::tenant_key(crate::context::deployment_secret(env)?.as_bytes(), &live.tenant_id);
    let expires_at = now / 1000 + TOKEN_SECONDS;
    let claims = shared::token::Claims { tenant: live.tenant_id, sub: live.user_id.clone(), role: live.role, exp: expires_at, name: Some(live.name.clone()) };
    let token = shared::token::mint(&claims, &key);
    let response = json(200, &Exchanged { token, expires_at, user: live.user_id, name: live.name, role: live.role });
    let secure = req.url().map(|u| u.scheme() == "https").unwrap_or(true);
    let max_age = ((live.expires_at - now) / 1000).max(0);
    let cookie = format!("{COOKIE}={text}; Path={COOKIE_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict{}", if secure { "; Secure" } else { "" });
    let headers = response.headers().clone();
    let _ = headers.set("set-cookie", &cookie);
    let _ = headers.set("cache-control", "no-store");
    Ok(response.with_headers(headers))
}

struct Live {
    tenant_id: String,
    user_id: String,
    expires_at: i64,
    name: String,
    role: Role,
}

/// The link `text` names, if it is live and its user active (a deactivated user's links
/// stop with them); records its use.
async fn live(env: &Env, text: &str) -> ApiResult<Option<Live>> {
    let Some((id, secret)) = shared::links::parse_link(text) else { return Ok(None) };
    let now = crate::context::now_ms();
    let db = env.d1("DB")?;
    #[derive(Deserialize)]
    struct Row {
        tenant_id: String,
        user_id: String,
        expires_at: i64,
        name: String,
        role: String,
    }
    let row = db::first::<Row>(
        &db,
        "SELECT l.tenant_id, l.user_id, l.expires_at, u.name, u.role FROM personal_links l \
         JOIN users u ON u.tenant_id = l.tenant_id AND u.id = l.user_id AND u.active = 1 \
         WHERE l.id = ?1 AND l.secret_hash = ?2 AND l.revoked_at IS NULL AND l.expires_at > ?3",
        &[Arg::from(id), Arg::from(shared::secret::hash(secret)), Arg::Int(now)],
    )
    .await?;
    let Some(row) = row else { return Ok(None) };
    let Some(role) = Role::parse(&row.role) else { return Ok(None) };
    db::run(&db, "UPDATE personal_links SET last_used_at = ?2 WHERE id = ?1", &[Arg::from(id), Arg::Int(now)]).await?;
    Ok(Some(Live { tenant_id: row.tenant_id, user_id: row.user_id, expires_at: row.expires_at, name: row.name, role }))
}
