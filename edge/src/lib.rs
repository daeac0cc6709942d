//! Allot's Cloudflare Worker: the HTTP API over D1 and KV.
//!
//! A thin adapter: each handler parses the request, asks `shared` for the decision, turns
//! it into SQL whose conditions enforce ownership and tenancy in the same statement, and
//! answers JSON. Static files (the widget, `index.html`) never reach this code: Workers
//! static assets serves them first.

// A panic in a request is an opaque 500 (and a trapped isolate): request paths answer
// errors as `ApiError` instead. Tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod allocations;
mod audit;
mod audit_feed;
mod board;
mod bulk;
mod collaborators;
mod collision;
mod contact_budget;
mod context;
mod cors;
mod customers;
mod db;
mod documents;
mod error;
mod follow_ups;
mod hand_over;
mod history;
mod http;
mod import;
mod intake;
mod intake_page;
mod limits;
mod links;
mod maintenance;
mod meta;
mod openapi;
mod pool;
mod queue;
mod recycle;
mod reply;
mod reports;
mod reps;
mod resegment;
mod routes;
mod store;

use worker::{event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent};

use shared::rate::RateClass;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, Match};

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let origin = req.headers().get("origin").ok().flatten();
    if req.method() == worker::Method::Options {
        return Ok(cors::preflight(origin.as_deref()));
    }
    let diagnostics = env.var("ALLOT_DIAGNOSTICS").is_ok_and(|v| v.to_string() == "1");
    let sent = db::statements_sent();
    if let Some(rest) = req.path().strip_prefix("/f/").map(String::from) {
        return Ok(intake_page::serve(&req, &env, &rest).await.unwrap_or_else(ApiError::into_response));
    }
    let response = match handle(&mut req, env, origin.as_deref()).await {
        Ok(answer) => answer,
        Err(e) => e.into_response(),
    };
    let response = if diagnostics { diagnose(response, db::statements_sent() - sent) } else { response };
    Ok(cors::apply(response, origin.as_deref()))
}

/// With the `ALLOT_DIAGNOSTICS` var set to "1" (benchmarks only; never in production:
/// it tells a caller about work done for them), the D1 statements the request sent.
fn diagnose(response: Response, statements: u64) -> Response {
    let headers = response.headers().clone();
    let _ = headers.set("x-allot-d1-statements", &statements.to_string());
    response.with_headers(headers)
}

/// The Cron Trigger (`[triggers] crons` in wrangler.toml): schedules the maintenance
/// (recycling, unfinished re-classifications) as one queue message per tenant.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    match maintenance::schedule(&env, context::now_ms()).await {
        Ok(n) => worker::console_log!("maintenance: {n} jobs queued"),
        Err(e) => worker::console_error!("maintenance could not be scheduled: {e:?}"),
    }
}

/// The maintenance queue's consumer (and its dead-letter queue's): see `maintenance.rs`.
#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    maintenance::consume(batch, &env).await
}

/// Routes and runs one request. `origin` is the page's origin as the browser sent it.
async fn handle(req: &mut Request, env: Env, origin: Option<&str>) -> ApiResult<Response> {
    let method = req.method().to_string();
    let path = req.path();
    let (route, params) = match routes::find(&method, &path) {
        Match::Found(route, params) => (route, params),
        Match::MethodNotAllowed => return Err(ApiError::MethodNotAllowed),
        Match::NotFound => return Err(ApiError::NotFound(format!("no route {method} {path}"))),
    };
    match route.endpoint {
        Endpoint::Health => return Ok(meta::health()),
        Endpoint::OpenApi => return Ok(http::json(200, &openapi::document())),
        Endpoint::Intake => return intake::submit(req, &env, origin).await,
        Endpoint::ExchangeLink => return links::exchange(req, &env).await,
        _ => {}
    }
    let ctx = match Ctx::authenticate(req, env.clone()).await {
        Ok(ctx) => ctx,
        Err(refused) => {
            // Refusals spend the address's budget: guessing tokens stays slow.
            limits::spend(&env, RateClass::Unauthenticated, limits::address_key(req)).await?;
            return Err(refused);
        }
    };
    admit_origin(&ctx, req, origin).await?;
    // By the route matched, not the path sent: `…/claim/` is the claim route too.
    let class = RateClass::of(&method, route.path.rsplit('/').next().unwrap_or_default());
    limits::spend(&ctx.env, class, limits::user_key(&ctx.caller.tenant, &ctx.caller.user)).await?;
    let id = params.first().map(String::as_str).unwrap_or_default();
    let response = match route.endpoint {
        Endpoint::Health | Endpoint::OpenApi | Endpoint::Intake | Endpoint::ExchangeLink => unreachable_public(),
        Endpoint::IssueLink => links::issue(&ctx, req, id).await,
        Endpoint::ListLinks => links::list(&ctx, id).await,
        Endpoint::RevokeLink => links::revoke(&ctx, id).await,
        Endpoint::ListIntakeKeys => intake::list(&ctx).await,
        Endpoint::CreateIntakeKey => intake::create(&ctx, req).await,
        Endpoint::ChangeIntakeKey => intake::change(&ctx, req, id).await,
        Endpoint::RevokeIntakeKey => intake::revoke(&ctx, id).await,
        Endpoint::Me => meta::me(&ctx).await,
        Endpoint::GetSettings => meta::get_settings(&ctx).await,
        Endpoint::PutSettings => meta::put_settings(&ctx, req).await,
        Endpoint::Users => meta::users(&ctx).await,
        Endpoint::ListCustomers => customers::list(&ctx, req).await,
        Endpoint::CreateCustomer => customers::create(&ctx, req).await,
        Endpoint::ImportCustomers => import::import(&ctx, req).await,
        Endpoint::ExportCustomers => import::export(&ctx, req).await,
        Endpoint::GetCustomer => customers::get(&ctx, id).await,
        Endpoint::PatchCustomer => customers::patch(&ctx, req, id).await,
        Endpoint::DeleteCustomer => customers::delete(&ctx, id).await,
        Endpoint::BulkCustomers => bulk::bulk(&ctx, req).await,
        Endpoint::CountCustomers => bulk::count_matching(&ctx, req).await,
        Endpoint::ListReps => reps::list(&ctx).await,
        Endpoint::CreateRep => reps::create(&ctx, req).await,
        Endpoint::PatchRep => reps::patch(&ctx, req, id).await,
        Endpoint::HandOver => hand_over::hand_over(&ctx, req, id).await,
        Endpoint::GetAllocationRules => allocations::get_rules(&ctx).await,
        Endpoint::PutAllocationRules => allocations::put_rules(&ctx, req).await,
        Endpoint::PreviewAllocation => allocations::preview(&ctx, req).await,
        Endpoint::ApplyAllocation => allocations::apply(&ctx, req).await,
        Endpoint::ClaimCustomer => pool::claim(&ctx, id).await,
        Endpoint::ReleaseCustomer => pool::release(&ctx, req, id).await,
        Endpoint::GetPoolRules => pool::get_rules(&ctx).await,
        Endpoint::PutPoolRules => pool::put_rules(&ctx, req).await,
        Endpoint::Audit => pool::audit(&ctx, req).await,
        Endpoint::Reminders => pool::reminders(&ctx, req).await,
        Endpoint::PoolList => pool::list(&ctx, req).await,
        Endpoint::PoolStanding => pool::standing(&ctx).await,
        Endpoint::Transfer => pool::transfer(&ctx, req, id).await,
        Endpoint::AddCollaborator => collaborators::add(&ctx, req, id).await,
        Endpoint::RemoveCollaborator => collaborators::remove(&ctx, id, params.get(1).map(String::as_str).unwrap_or_default()).await,
        Endpoint::Distribute => allocations::distribute(&ctx, req).await,
        Endpoint::MoveStage => customers::move_stage(&ctx, req, id).await,
        Endpoint::PutStages => meta::put_stages(&ctx, req).await,
        Endpoint::ListFollowUps => follow_ups::list(&ctx, id).await,
        Endpoint::CreateFollowUp => follow_ups::create(&ctx, req, id).await,
        Endpoint::Report(kind) => reports::report(&ctx, req, kind).await,
        Endpoint::Board => board::board(&ctx, req).await,
        Endpoint::History => history::history(&ctx, req).await,
        Endpoint::RecentAudit => audit_feed::recent(&ctx, req).await,
        Endpoint::PreviewRecycle => pool::preview_rules(&ctx, req).await,
        Endpoint::PreviewSegments => meta::preview_segments(&ctx, req).await,
        Endpoint::ImportTemplate => import::template(&ctx, req).await,
    };
    Ok(response.unwrap_or_else(ApiError::into_response))
}

/// Refuses a request from a page on another origin that the tenant does not list in
/// `allowed_origins`, before it reads or changes anything: CORS alone would only stop
/// the page from reading the answer, after a write had happened. Requests without an
/// `Origin` (servers, curl) and from this worker's own pages pass.
async fn admit_origin(ctx: &Ctx, req: &Request, origin: Option<&str>) -> ApiResult<()> {
    let own = req.url().map(|u| u.origin().ascii_serialization()).unwrap_or_default();
    // Our own `/embed/<element>` page names the page that frames it (`X-Allot-Embedder`,
    // the parent's origin as the browser told it): that page is held to the list as its
    // own requests would be. A cross-origin page cannot send the header (CORS does not
    // allow it), so there the `Origin` decides.
    let embedder = req.headers().get("x-allot-embedder").ok().flatten();
    let origin = match (origin, embedder.as_deref()) {
        (Some(o), _) if o != own => o,
        (_, Some(e)) => e,
        _ => return Ok(()),
    };
    if origin == own {
        return Ok(());
    }
    // Settings that cannot be read admit no other origin: refusing is the safe failure.
    let allowed = ctx.settings().await.map(|s| s.allows_origin(origin)).unwrap_or(false);
    if allowed {
        Ok(())
    } else {
        Err(ApiError::OriginNotAllowed(origin.to_string()))
    }
}

fn unreachable_public() -> ApiResult<Response> {
    Err(ApiError::Internal("public route reached the authenticated dispatch".into()))
}
