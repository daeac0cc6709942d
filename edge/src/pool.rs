//! The public pool (公海): claim and release, pool rules, and the audit trail.
//!
//! A claim is one conditional `UPDATE` — unowned, under the daily limit (claims counted
//! from the audit trail since local midnight), under the holding cap, out of cool-down —
//! followed in the same batch by its audit row, inserted only if the update changed a
//! row. Whatever the timing, exactly one of many racing claims wins; the losers' 409 is
//! explained by `shared::pool::claim_refusal` from a second read.

use serde::Deserialize;
use shared::api::{AuditList, ReleaseInput};
use shared::audit::{AuditAction, Reason};
use shared::pipeline::DueBefore;
use shared::pool::{lost_claim, ClaimCondition, ClaimState, PoolRules, CLAIM_CONDITIONS, LOSING_ACTIONS};
use shared::time::DAY_MS;
use worker::{Request, Response};

use crate::audit::{Event, Source};
use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, query_pairs, read_json};
use crate::store::audit_trail::{TrailRow, TRAIL_COLUMNS};
use crate::store::customers::{fetch_in_tenant, fetch_visible, query_rows, returning, select, Row};
use crate::store::ownership::{release_statements, transfer_statements};
use crate::store::scope as sql;

pub async fn rules(ctx: &Ctx) -> ApiResult<PoolRules> {
    crate::documents::load(&ctx.env, &ctx.caller.tenant).await
}

pub async fn get_rules(ctx: &Ctx) -> ApiResult<Response> {
    Ok(json(200, &rules(ctx).await?))
}

pub async fn put_rules(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    if ctx.caller.role != shared::ids::Role::Admin {
        return Err(ApiError::Forbidden("only admins change pool rules".into()));
    }
    let next: PoolRules = read_json(req).await?;
    let settings = ctx.settings().await?;
    next.validate(&settings.stages).map_err(ApiError::Invalid)?;
    let current = rules(ctx).await?;
    Ok(json(200, &crate::documents::replace(ctx.documents(), &current, next).await?))
}

/// `POST /pool/rules/preview`: what the recycle job would take now under the rules sent.
pub async fn preview_rules(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    if !ctx.caller.role.is_manager_or_admin() {
        return Err(ApiError::Forbidden("only managers and admins preview pool rules".into()));
    }
    let proposed: PoolRules = read_json(req).await?;
    let settings = ctx.settings().await?;
    proposed.validate(&settings.stages).map_err(ApiError::Invalid)?;
    Ok(json(200, &crate::recycle::preview(&ctx.db, &ctx.caller, &proposed, &settings, ctx.now).await?))
}

pub async fn claim(ctx: &Ctx, id: &str) -> ApiResult<Response> {
    let settings = ctx.settings().await?;
    let rules = rules(ctx).await?;
    // Racing claimants must hear `already_owned`, not 404, so this read ignores visibility;
    // it only picks the pool whose limits apply, and reveals nothing of the record.
    let row = fetch_in_tenant(ctx, id).await?.ok_or_else(|| ApiError::NotFound(format!("no customer {id}")))?;
    let (customer, _) = row.into_customer();
    let pool = rules.pool_for(&customer).ok_or_else(|| ApiError::Conflict { code: "no_pool", message: "no pool takes this customer".into() })?;
    let day_start = rules.day_start(ctx.now);
    let cooldown_start = ctx.now - i64::from(pool.cooldown_days) * DAY_MS;
    let args = [
        Arg::from(&ctx.caller.tenant),
        Arg::from(&ctx.caller.user),
        Arg::from(id),
        Arg::Int(ctx.now),
        Arg::Int(day_start),
        Arg::Int(i64::from(pool.daily_claim_limit)),
        Arg::Int(i64::from(pool.holding_cap)),
        Arg::Int(cooldown_start),
        Arg::from(pool.audit_prefix()),
    ];
    // ?1 tenant, ?2 caller, ?3 customer, ?4 now, then the conditions' parameters.
    let conditions = CLAIM_CONDITIONS.map(|c| claim_condition(c, &ClaimParams { day_start: "?5", limit: "?6", cap: "?7", cooldown_start: "?8", prefix: "?9" }));
    let update = db::stmt(
        &ctx.db,
        &format!(
            "UPDATE customers SET owner_id = ?2, owned_since = ?4, updated_at = ?4, version = version + 1 \
             WHERE tenant_id = ?1 AND id = ?3 AND deleted_at IS NULL AND {}{}",
            conditions.join(" AND "),
            returning()
        ),
        &args,
    )?;
    let audit = Event::new(AuditAction::Claim, "?3", "?2", "?4").to("?2").reason_text(Reason::CLAIMED).rule("?5").statement(
        &ctx.db,
        Source::AfterChange,
        &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(id), Arg::Int(ctx.now), Arg::from(rules.audit_rule(pool))],
    )?;
    let results = db::batch(&ctx.db, vec![update, audit]).await?;
    if let Some(row) = db::returned_first::<Row>(&results, 0)? {
        let mut view = row.into_view(&ctx.caller, &settings, ctx.now);
        view.owner_name = ctx.caller.name.clone();
        return Ok(json(200, &view));
    }
    // Lost: read what each condition measured and let the shared rule say why.
    #[derive(Deserialize)]
    struct State {
        owned: f64,
        claims: f64,
        held: f64,
        lost_at: Option<f64>,
    }
    let params = ClaimParams { day_start: "?4", limit: "", cap: "", cooldown_start: "", prefix: "?5" };
    let measures = CLAIM_CONDITIONS.map(|c| {
        let (measure, name) = claim_measure(c, &params);
        format!("{measure} AS {name}")
    });
    let state = db::first::<State>(
        &ctx.db,
        &format!("SELECT {}", measures.join(", ")),
        &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(id), Arg::Int(day_start), Arg::from(pool.audit_prefix())],
    )
    .await?
    .ok_or_else(|| ApiError::Internal("claim state".into()))?;
    let state = ClaimState { already_owned: state.owned > 0.0, claims_today: state.claims as u32, held: state.held as u32, lost_it_at: state.lost_at.map(|v| v as i64) };
    let refusal = lost_claim(pool, &state, ctx.now);
    Err(ApiError::Refused { code: refusal.code.clone(), message: refusal.message.clone(), details: serde_json::to_value(&refusal)? })
}

pub async fn release(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let input: ReleaseInput = read_json(req).await?;
    input.validate().map_err(ApiError::Invalid)?;
    let settings = ctx.settings().await?;
    let reason = Reason::with_note(&input.reason_code, input.note.as_deref()).into_string();
    let [audit, update] = release_statements(ctx, "c.id = ?3", id, reason, returning())?;
    let results = db::batch(&ctx.db, vec![audit, update]).await?;
    match db::returned_first::<Row>(&results, 1)? {
        Some(row) => Ok(json(200, &row.into_view(&ctx.caller, &settings, ctx.now))),
        None => match fetch_visible(ctx, id).await? {
            None => Err(ApiError::NotFound(format!("no customer {id}"))),
            Some(row) if row.is_unowned() => Err(ApiError::Conflict { code: "not_owned", message: "the customer is already in the pool".into() }),
            Some(_) => Err(ApiError::Forbidden("only the owner or their manager may release this customer".into())),
        },
    }
}

/// `GET /audit?customer=ID`: the ownership history of a customer the caller may see.
pub async fn audit(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let pairs = query_pairs(req)?;
    let customer =
        pairs.iter().find(|(k, _)| k == "customer").map(|(_, v)| v.clone()).ok_or_else(|| ApiError::Invalid(vec![shared::field_error::FieldError::new("customer", "required", "?customer=ID")]))?;
    if let Some((k, _)) = pairs.iter().find(|(k, _)| k != "customer") {
        return Err(ApiError::Invalid(vec![shared::field_error::FieldError::new(k.clone(), "invalid", "unknown query parameter")]));
    }
    // The scope of `GET /customers/{id}`; a deleted customer keeps the owner it had, so
    // managers and admins audit it within the scope it had then.
    #[derive(Deserialize)]
    struct Seen {
        owner_id: Option<String>,
        deleted: f64,
    }
    let seen = db::first::<Seen>(
        &ctx.db,
        &format!("SELECT c.owner_id, c.deleted_at IS NOT NULL AS deleted FROM customers c WHERE c.tenant_id = ?1 AND c.id = ?3 AND {}", sql::visible(&ctx.caller)),
        &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(&customer)],
    )
    .await?
    .filter(|s| s.deleted == 0.0 || ctx.caller.role.is_manager_or_admin())
    .ok_or_else(|| ApiError::NotFound(format!("no customer {customer}")))?;
    let rows = db::all::<TrailRow>(
        &ctx.db,
        &format!("SELECT {TRAIL_COLUMNS} FROM audit_events a WHERE a.tenant_id = ?1 AND a.customer_id = ?2 ORDER BY a.seq"),
        &[Arg::from(&ctx.caller.tenant), Arg::from(&customer)],
    )
    .await?;
    let items = rows.into_iter().map(|r| r.into_event(ctx.caller.role, seen.owner_id.as_deref())).collect();
    Ok(json(200, &AuditList { items }))
}

/// `GET /reminders[?scope=team]`: follow-ups overdue and due today (dates set by the last
/// follow-up or by the segment's cadence) and "will be recycled in K days", soonest first;
/// for the caller, or for a manager's team.
pub async fn reminders(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let pairs = query_pairs(req)?;
    let team = match pairs.iter().find(|(k, _)| k == "scope").map(|(_, v)| v.as_str()) {
        None | Some("me") => false,
        Some("team") if ctx.caller.role.is_manager_or_admin() => true,
        Some(other) => return Err(ApiError::Invalid(vec![shared::field_error::FieldError::new("scope", "invalid", format!("me or team (managers), not {other}"))])),
    };
    let settings = ctx.settings().await?;
    let pool_rules = rules(ctx).await?;
    let end_of_today = pool_rules.day_start(ctx.now) + DAY_MS;
    // Saturating: a date stored before dates were bounded must not overflow here.
    let in_days = |at: i64| at.saturating_sub(ctx.now).div_euclid(DAY_MS) + i64::from(at.saturating_sub(ctx.now).rem_euclid(DAY_MS) > 0);
    // Owned customers only, in SQL, page by page: pool rows never take a page's room, and
    // no customer of a large team is left out.
    let owned = if team { "c.owner_id IS NOT NULL" } else { "c.owner_id = ?2" };
    const PAGE: usize = 1000;
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut filter = sql::Filter::new(&ctx.caller);
        filter.conditions.push(owned.into());
        // Only rows that may be due (`shared::pipeline::DueBefore`, a superset);
        // `follow_up_due` decides exactly.
        filter.push_due_before(DueBefore::of(&settings, end_of_today));
        if let Some(id) = &after {
            filter.push("c.id < {}", vec![Arg::from(id)]);
        }
        let rows = db::all::<Row>(&ctx.db, &format!("{} WHERE {} ORDER BY c.id DESC LIMIT {PAGE}", select(), filter.where_clause()), &filter.args).await?;
        let full = rows.len() == PAGE;
        for row in rows {
            let (c, _) = row.into_customer();
            after = Some(c.id.clone());
            if let Some(due) = shared::pipeline::follow_up_due(&c, &settings) {
                if due < end_of_today {
                    let kind = if due < pool_rules.day_start(ctx.now) { "overdue" } else { "due_today" };
                    items.push(shared::api::Reminder { customer: c.id.clone(), name: c.name.clone(), kind: kind.into(), due_at: due, in_days: in_days(due) });
                }
            }
        }
        if !full {
            break;
        }
    }
    // Customers the recycle job reminded about, each checked again now against the pool
    // rules (`shared::pool::due`): a follow-up since the job ran ends the warning, and a
    // customer shows one warning, with its current date, however many the job wrote.
    let owner_scope = if team { format!("AND {}", sql::visible(&ctx.caller)) } else { "AND c.owner_id = ?2".to_string() };
    let reminded = db::all::<Row>(
        &ctx.db,
        &format!(
            "{} WHERE c.tenant_id = ?1 AND c.owner_id IS NOT NULL AND c.deleted_at IS NULL {owner_scope} AND EXISTS (SELECT 1 FROM reminders r \
             WHERE r.tenant_id = ?1 AND r.customer_id = c.id AND r.owner_id = c.owner_id AND r.kind = 'recycle' AND r.due_at >= ?3)",
            select()
        ),
        &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::Int(ctx.now)],
    )
    .await?;
    for row in reminded {
        let owned_since = row.owned_since().unwrap_or(ctx.now);
        let (c, _) = row.into_customer();
        let Some(pool) = pool_rules.pool_for(&c) else { continue };
        if let shared::pool::Due::Remind { at, .. } = shared::pool::due(pool, &settings.stages, &c, owned_since, ctx.now) {
            items.push(shared::api::Reminder { customer: c.id, name: c.name, kind: "recycle".into(), due_at: at, in_days: in_days(at) });
        }
    }
    items.sort_by_key(|r| r.due_at);
    Ok(json(200, &shared::api::ReminderList { items }))
}

/// `GET /pool`: unowned customers with the list filters, each with why and since when it
/// is in the pool. Contacts are masked for reps (the same view as everywhere).
pub async fn list(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let pairs = query_pairs(req)?;
    let mut query = shared::api::CustomerQuery::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).map_err(ApiError::Invalid)?;
    query.owner = shared::api::OwnerFilter::Pool;
    let settings = ctx.settings().await?;
    let rules = rules(ctx).await?;
    let rows = query_rows(ctx, &query, &settings, query.limit + 1).await?;
    let has_more = rows.len() > query.limit as usize;
    let views: Vec<_> = rows.into_iter().take(query.limit as usize).map(|r| r.into_view(&ctx.caller, &settings, ctx.now)).collect();
    #[derive(Deserialize)]
    struct Entry {
        customer_id: String,
        action: String,
        reason: Option<String>,
        at: f64,
    }
    let ids: Vec<&str> = views.iter().map(|v| v.customer.id.as_str()).collect();
    let entries = db::all::<Entry>(
        &ctx.db,
        "SELECT customer_id, action, reason, at FROM audit_events WHERE tenant_id = ?1 AND to_owner IS NULL \
         AND subject IS NULL AND customer_id IN (SELECT value FROM json_each(?2)) ORDER BY seq",
        &[Arg::from(&ctx.caller.tenant), Arg::Text(serde_json::to_string(&ids)?)],
    )
    .await?;
    let next_cursor = if has_more { views.last().map(|v| v.customer.id.clone()) } else { None };
    let items = views
        .into_iter()
        .map(|view| {
            let last = entries.iter().rev().find(|e| e.customer_id == view.customer.id);
            let (reason, note, since) = match last {
                Some(e) => (
                    AuditAction::parse(&e.action).map_or_else(|| e.action.clone(), |a| a.pool_reason().to_string()),
                    // A release note is free text: a view that hides the contacts shows its code.
                    if view.masked { shared::mask::reason(&e.action, e.reason.as_deref()) } else { e.reason.clone() },
                    e.at as i64,
                ),
                None => (AuditAction::Create.pool_reason().to_string(), None, view.customer.created_at),
            };
            let pool = rules.pool_for(&view.customer).map_or_else(|| "main".to_string(), |p| p.key.clone());
            shared::api::PoolItem { customer: view, pool_reason: reason, pool_note: note, pool_since: since, pool }
        })
        .collect();
    Ok(json(200, &shared::api::PoolPage { items, next_cursor }))
}

/// `GET /pool/me`: holdings against the cap and claims left today (the first pool's rules).
pub async fn standing(ctx: &Ctx) -> ApiResult<Response> {
    let rules = rules(ctx).await?;
    #[derive(Deserialize)]
    struct Held {
        held: f64,
    }
    #[derive(Deserialize)]
    struct Claims {
        prefix: Option<String>,
        n: f64,
    }
    let args = [Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::Int(rules.day_start(ctx.now))];
    let held = db::first::<Held>(&ctx.db, "SELECT count(*) AS held FROM customers WHERE tenant_id = ?1 AND owner_id = ?2 AND deleted_at IS NULL AND ?3 IS NOT NULL", &args)
        .await?
        .map_or(0, |h| h.held as u32);
    // Today's claims by pool: the audit rule up to its '@' is the pool's prefix.
    let claims = db::all::<Claims>(
        &ctx.db,
        &format!(
            "SELECT substr(rule, 1, instr(rule, '@')) AS prefix, count(*) AS n FROM audit_events \
             WHERE tenant_id = ?1 AND actor_id = ?2 AND action = {} AND at >= ?3 GROUP BY prefix",
            crate::audit::literal(AuditAction::Claim.as_str())
        ),
        &args,
    )
    .await?;
    let pools: Vec<shared::api::PoolQuota> = rules
        .pools
        .iter()
        .map(|p| {
            let prefix = p.audit_prefix();
            let today = claims.iter().filter(|c| c.prefix.as_deref() == Some(prefix.as_str())).map(|c| c.n as u32).sum::<u32>();
            shared::api::PoolQuota {
                pool: p.key.clone(),
                zh: p.zh.clone(),
                en: p.en.clone(),
                holding_cap: p.holding_cap,
                claims_today: today,
                daily_claim_limit: p.daily_claim_limit,
                claims_left_today: p.daily_claim_limit.saturating_sub(today),
            }
        })
        .collect();
    let first = pools.first().cloned().ok_or_else(|| ApiError::Internal("no pool configured".into()))?;
    Ok(json(
        200,
        &shared::api::PoolStanding {
            held,
            holding_cap: first.holding_cap,
            claims_today: first.claims_today,
            daily_claim_limit: first.daily_claim_limit,
            claims_left_today: first.claims_left_today,
            pools,
        },
    ))
}

/// Today's claims by `actor` from the pool whose audit prefix is `prefix` (SQL
/// parameters): what a pool's daily limit counts.
fn claims_from_pool(actor: &str, day_start: &str, prefix: &str) -> String {
    format!(
        "(SELECT count(*) FROM audit_events a WHERE a.tenant_id = ?1 AND a.actor_id = {actor} AND a.action = {} AND a.at >= {day_start} \
         AND substr(a.rule, 1, length({prefix})) = {prefix})",
        crate::audit::literal(AuditAction::Claim.as_str())
    )
}

/// The parameters a claim's conditions read, beside `?1` tenant, `?2` caller and `?3`
/// customer.
struct ClaimParams {
    day_start: &'static str,
    limit: &'static str,
    cap: &'static str,
    cooldown_start: &'static str,
    prefix: &'static str,
}

/// The events by which caller `?2` lost customer `?3` (`shared::pool::LOSING_ACTIONS`),
/// selecting `what`.
fn lost_events(what: &str) -> String {
    format!("(SELECT {what} FROM audit_events r WHERE r.tenant_id = ?1 AND r.customer_id = ?3 AND r.from_owner = ?2 AND r.action IN ({})", crate::audit::actions(&LOSING_ACTIONS))
}

/// What SQL measures for a condition of `shared::pool::CLAIM_CONDITIONS`, and the name the
/// state read gives it: the numbers `ClaimCondition::holds` is decided on.
fn claim_measure(condition: ClaimCondition, p: &ClaimParams) -> (String, &'static str) {
    match condition {
        ClaimCondition::Unowned => ("(SELECT count(*) FROM customers o WHERE o.tenant_id = ?1 AND o.id = ?3 AND o.owner_id IS NOT NULL)".into(), "owned"),
        ClaimCondition::UnderDailyLimit => (claims_from_pool("?2", p.day_start, p.prefix), "claims"),
        ClaimCondition::UnderHoldingCap => (sql::held_by("?2"), "held"),
        ClaimCondition::OutOfCooldown => (format!("{})", lost_events("max(r.at)")), "lost_at"),
    }
}

/// The SQL reading of `ClaimCondition::holds`, a condition of the claim's `UPDATE` of
/// `customers`: the claim and the refusal a second read explains state the same list.
fn claim_condition(condition: ClaimCondition, p: &ClaimParams) -> String {
    match condition {
        ClaimCondition::Unowned => "owner_id IS NULL".into(),
        ClaimCondition::UnderDailyLimit => format!("{} < {}", claim_measure(condition, p).0, p.limit),
        ClaimCondition::UnderHoldingCap => format!("{} < {}", claim_measure(condition, p).0, p.cap),
        ClaimCondition::OutOfCooldown => format!("NOT EXISTS {} AND r.at >= {})", lost_events("1"), p.cooldown_start),
    }
}

/// `POST /customers/{id}/transfer`: a manager or admin moves a customer to another rep in
/// their scope. Follow-ups stay with the customer (they are keyed by customer).
pub async fn transfer(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    if !shared::ownership::may_transfer(ctx.caller.role) {
        return Err(ApiError::Forbidden("only managers and admins transfer customers".into()));
    }
    let input: shared::api::TransferInput = read_json(req).await?;
    input.validate().map_err(ApiError::Invalid)?;
    let settings = ctx.settings().await?;
    let reason = Reason::transfer(input.note.as_deref()).into_string();
    let [audit, update] = transfer_statements(ctx, "c.id = ?3", id, &input.to, reason, returning())?;
    let results = db::batch(&ctx.db, vec![audit, update]).await?;
    match db::returned_first::<Row>(&results, 1)? {
        Some(row) => Ok(json(200, &row.into_view(&ctx.caller, &settings, ctx.now))),
        None => match fetch_visible(ctx, id).await? {
            None => Err(ApiError::NotFound(format!("no customer {id}"))),
            Some(_) => Err(ApiError::Forbidden(format!("cannot transfer to {}: not an active user in your scope, or already the owner", input.to))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_states_every_shared_condition() {
        let p = ClaimParams { day_start: "?5", limit: "?6", cap: "?7", cooldown_start: "?8", prefix: "?9" };
        assert_eq!(
            CLAIM_CONDITIONS.map(|c| claim_condition(c, &p)).join(" AND "),
            "owner_id IS NULL AND (SELECT count(*) FROM audit_events a WHERE a.tenant_id = ?1 AND a.actor_id = ?2 AND a.action = 'claim' \
             AND a.at >= ?5 AND substr(a.rule, 1, length(?9)) = ?9) < ?6 \
             AND (SELECT count(*) FROM customers h WHERE h.tenant_id = ?1 AND h.owner_id = ?2 AND h.deleted_at IS NULL) < ?7 \
             AND NOT EXISTS (SELECT 1 FROM audit_events r WHERE r.tenant_id = ?1 AND r.customer_id = ?3 AND r.from_owner = ?2 \
             AND r.action IN ('release', 'recycle') AND r.at >= ?8)"
        );
        let names = CLAIM_CONDITIONS.map(|c| claim_measure(c, &p).1);
        assert_eq!(names, ["owned", "claims", "held", "lost_at"]);
    }
}
