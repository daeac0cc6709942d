//! `/api/v1/reports/{kind}`: aggregates in D1, figures from `shared::reports`.
//!
//! Every query groups in SQL and returns one row per stage, rep, strategy or bucket, never
//! one per customer; `shared` derives rates, cumulative counts and Gini coefficients from
//! those rows. Every statement binds the same parameters: ?1 tenant, ?2 caller, ?3 team
//! (or null), ?4 period start, ?5 period end, ?6 now.

use shared::customer::Lifecycle;
use shared::ids::Role;
use shared::lifecycle::LifecycleThresholds;
use shared::reports::{
    split_cohort, CohortCell, FairnessReport, FlowRow, FollowUpReport, FunnelReport, LifecycleMix, PoolFlowReport, RepRow, ReportKind, ReportQuery, RepsReport, StrategyReport, StrategyRow, Table,
    TimelinessRow, FLOW_RULES,
};
use shared::time::DAY_MS;
use worker::{Request, Response};

use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{bytes, json, query_pairs};
use crate::store::scope::{Filter, LEADS_NO_TEAM, TEAM_MEMBERS};

/// D1 refuses a statement that leaves a bound parameter unused; this always-true
/// condition mentions them all.
const BINDS: &str = "coalesce(?1, ?2, ?3, ?4, ?5, ?6, 0) IS NOT NULL";

/// Whose figures the caller sees, as a condition on a user-id column: a rep their own, a
/// manager their team (everyone if they lead no team), an admin everyone; `?3` narrows
/// to one team.
fn scope(ctx: &Ctx, column: &str) -> String {
    format!("{} AND {} AND {BINDS}", role_scope(ctx, column), in_team(column, "?3"))
}

/// The role part of [`scope`]; binds only ?1 and ?2.
fn role_scope(ctx: &Ctx, column: &str) -> String {
    match ctx.caller.role {
        Role::Rep => format!("{column} = ?2"),
        Role::Manager => format!("({LEADS_NO_TEAM} OR {column} IN ({TEAM_MEMBERS}))"),
        Role::Admin => "?1 IS NOT NULL AND ?2 IS NOT NULL".into(),
    }
}

/// `column` is in team `param` (any team when the parameter is null).
fn in_team(column: &str, param: &str) -> String {
    format!("({param} IS NULL OR {column} IN (SELECT t.id FROM users t WHERE t.tenant_id = ?1 AND t.team_id = {param}))")
}

pub async fn report(ctx: &Ctx, req: &Request, kind: ReportKind) -> ApiResult<Response> {
    let pairs = query_pairs(req)?;
    let offset = crate::documents::load::<shared::pool::PoolRules>(&ctx.env, &ctx.caller.tenant).await?.utc_offset_minutes;
    let mut query = ReportQuery::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx.now, offset).map_err(ApiError::Invalid)?;
    let accept = req.headers().get("accept").ok().flatten().unwrap_or_default();
    query.csv |= accept.contains("text/csv");
    let args = [Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(query.team.clone()), Arg::Int(query.period.start), Arg::Int(query.period.end), Arg::Int(ctx.now)];
    let period = query.period.clone();
    let (body, table): (serde_json::Value, Table) = match kind {
        ReportKind::Funnel => {
            let r = funnel(ctx, &args, period).await?;
            (serde_json::to_value(&r)?, r.table(query.english))
        }
        ReportKind::Reps => {
            let r = RepsReport::build(period, &rep_rows(ctx, &args).await?);
            (serde_json::to_value(&r)?, r.table(query.english))
        }
        ReportKind::Fairness => {
            let r = FairnessReport::build(period, &rep_rows(ctx, &args).await?);
            (serde_json::to_value(&r)?, r.table(query.english))
        }
        ReportKind::Strategies => {
            let r = StrategyReport::build(period, &strategy_rows(ctx, &args).await?);
            (serde_json::to_value(&r)?, r.table(query.english))
        }
        ReportKind::FollowUps => {
            let r = FollowUpReport::build(period, &timeliness_rows(ctx, &args).await?);
            (serde_json::to_value(&r)?, r.table(query.english))
        }
        ReportKind::Pool => {
            let r = pool_flow(ctx, &args, period).await?;
            (serde_json::to_value(&r)?, r.table(query.english))
        }
    };
    if !query.csv {
        return Ok(json(200, &body));
    }
    let response = bytes(200, "text/csv; charset=utf-8", table.to_csv().into_bytes());
    let headers = response.headers().clone();
    let name = format!("allot-{}-{}-{}.csv", kind.as_str(), query.period.from, query.period.to);
    let _ = headers.set("content-disposition", &format!("attachment; filename=\"{name}\""));
    Ok(response.with_headers(headers))
}

async fn funnel(ctx: &Ctx, args: &[Arg], period: shared::reports::Period) -> ApiResult<FunnelReport> {
    let settings = ctx.settings().await?;
    let cohort = format!("FROM customers c WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND c.created_at >= ?4 AND c.created_at < ?5 AND {}", scope(ctx, "c.owner_id"));
    // One scan of the cohort for all three groupings (a tenant of a million customers
    // pays for each scan), summed apart in `shared`.
    let cells = db::all::<CohortCell>(
        &ctx.db,
        &format!(
            "SELECT c.stage, c.reached_stage, c.tier, c.segment, count(*) AS customers, total(c.amount) AS amount, total(c.won_at IS NOT NULL) AS won, \
             total(c.lost_at IS NOT NULL) AS lost, total(CASE WHEN c.won_at IS NOT NULL THEN c.amount END) AS won_amount {cohort} \
             GROUP BY c.stage, c.reached_stage, c.tier, c.segment"
        ),
        args,
    )
    .await?;
    let (rows, tiers, segments) = split_cohort(&cells);
    let lifecycle = lifecycle_mix(ctx, &settings.lifecycle, &args[2]).await?;
    Ok(FunnelReport::build(period, &settings.stages, &rows, &tiers, &segments, lifecycle))
}

/// Customers in scope by status now, counted with the same bounds the list filter uses,
/// in one scan: each status's bounds become a `CASE` of one `SELECT`.
async fn lifecycle_mix(ctx: &Ctx, thresholds: &LifecycleThresholds, team: &Arg) -> ApiResult<LifecycleMix> {
    #[derive(serde::Deserialize)]
    struct Mix {
        new: Option<f64>,
        active: Option<f64>,
        dormant: Option<f64>,
        lost: Option<f64>,
    }
    let mut filter = Filter::scoped(&ctx.caller, role_scope(ctx, "c.owner_id"));
    filter.push(&in_team("c.owner_id", "{}"), vec![team.clone(), team.clone()]);
    let scope = filter.where_clause();
    let mut counts = Vec::new();
    for (status, name) in [(Lifecycle::New, "new"), (Lifecycle::Active, "active"), (Lifecycle::Dormant, "dormant"), (Lifecycle::Lost, "lost")] {
        // The bounds are pushed (numbering their arguments after the scope's), then taken
        // back out of the WHERE list into this status's CASE.
        let first = filter.conditions.len();
        filter.push_lifecycle(thresholds.bounds(status, ctx.now));
        let bounds: Vec<String> = filter.conditions.drain(first..).collect();
        let when = if bounds.is_empty() { "1".to_string() } else { bounds.join(" AND ") };
        counts.push(format!("total(CASE WHEN {when} THEN 1 END) AS {name}"));
    }
    let mix = db::first::<Mix>(&ctx.db, &format!("SELECT {} FROM customers c WHERE {scope}", counts.join(", ")), &filter.args).await?;
    let n = |v: Option<f64>| v.map_or(0, |n| n as u32);
    Ok(mix.map_or_else(LifecycleMix::default, |m| LifecycleMix { new: n(m.new), active: n(m.active), dormant: n(m.dormant), lost: n(m.lost) }))
}

async fn rep_rows(ctx: &Ctx, args: &[Arg]) -> ApiResult<Vec<RepRow>> {
    let held = "FROM customers c WHERE c.tenant_id = ?1 AND c.owner_id = u.id AND c.deleted_at IS NULL";
    let received = "FROM audit_events a JOIN customers c ON c.tenant_id = a.tenant_id AND c.id = a.customer_id \
                    WHERE a.tenant_id = ?1 AND a.to_owner = u.id AND a.at >= ?4 AND a.at < ?5";
    let sql = format!(
        "SELECT u.id AS rep, u.name, u.team_id AS team, u.level, u.capacity, u.active, \
         (SELECT count(*) {held}) AS held, (SELECT total(c.amount) {held}) AS held_value, \
         (SELECT count(*) {received}) AS assigned, (SELECT total(c.amount) {received}) AS assigned_value, \
         (SELECT count(*) {held} AND c.won_at >= ?4 AND c.won_at < ?5) AS won, \
         (SELECT count(*) {held} AND c.lost_at >= ?4 AND c.lost_at < ?5) AS lost, \
         (SELECT total(c.amount) {held} AND c.won_at >= ?4 AND c.won_at < ?5) AS won_amount \
         FROM users u WHERE u.tenant_id = ?1 AND u.role = 'rep' AND {} ORDER BY u.id",
        scope(ctx, "u.id")
    );
    db::all::<RepRow>(&ctx.db, &sql, args).await
}

async fn strategy_rows(ctx: &Ctx, args: &[Arg]) -> ApiResult<Vec<StrategyRow>> {
    // Outcomes count only while the customer is still with the rep the event gave it to,
    // so a strategy is not credited with a deal another rep won after a transfer.
    let sql = format!(
        "SELECT a.action, a.rule, count(*) AS assigned, \
         total(EXISTS (SELECT 1 FROM follow_ups f WHERE f.tenant_id = ?1 AND f.customer_id = a.customer_id AND f.at >= a.at AND f.kind <> 'form')) AS followed_up, \
         total(c.owner_id = a.to_owner AND c.won_at >= a.at) AS won, \
         total(c.owner_id = a.to_owner AND c.lost_at >= a.at) AS lost, \
         total(CASE WHEN c.owner_id = a.to_owner AND c.won_at >= a.at THEN c.amount END) AS won_amount \
         FROM audit_events a JOIN customers c ON c.tenant_id = a.tenant_id AND c.id = a.customer_id \
         WHERE a.tenant_id = ?1 AND a.to_owner IS NOT NULL AND a.at >= ?4 AND a.at < ?5 AND c.deleted_at IS NULL AND {} \
         GROUP BY a.action, a.rule",
        scope(ctx, "a.to_owner")
    );
    db::all::<StrategyRow>(&ctx.db, &sql, args).await
}

async fn timeliness_rows(ctx: &Ctx, args: &[Arg]) -> ApiResult<Vec<TimelinessRow>> {
    // A follow-up scheduled for day D is done by the next follow-up logged on that
    // customer (`done_at`, set when that one is logged); on time if before the end of D.
    let sql = format!(
        "SELECT f.author_id AS rep, u.name AS name, count(*) AS scheduled, \
         total(f.done_at < f.next_follow_up_at + {DAY_MS}) AS on_time, total(f.done_at >= f.next_follow_up_at + {DAY_MS}) AS late, \
         total(f.done_at IS NULL AND f.next_follow_up_at + {DAY_MS} <= ?6) AS missed \
         FROM follow_ups f LEFT JOIN users u ON u.tenant_id = f.tenant_id AND u.id = f.author_id \
         WHERE f.tenant_id = ?1 AND f.next_follow_up_at >= ?4 AND f.next_follow_up_at < ?5 AND {} \
         GROUP BY f.author_id ORDER BY f.author_id",
        scope(ctx, "f.author_id")
    );
    db::all::<TimelinessRow>(&ctx.db, &sql, args).await
}

async fn pool_flow(ctx: &Ctx, args: &[Arg], period: shared::reports::Period) -> ApiResult<PoolFlowReport> {
    #[derive(serde::Deserialize)]
    struct Count {
        n: f64,
    }
    let bucket_ms = i64::from(period.bucket_days) * DAY_MS;
    // The events `shared::reports::FLOW_RULES` counts (into the pool: recycled, released,
    // entered without an owner; out of it: claimed, allocated from it). Attributed to the rep it left or went to, else to whoever entered it.
    let sql = format!(
        "SELECT CAST((a.at - ?4) / {bucket_ms} AS INTEGER) AS bucket, a.action, count(*) AS events FROM audit_events a \
         WHERE a.tenant_id = ?1 AND a.at >= ?4 AND a.at < ?5 \
         AND {} AND {} GROUP BY bucket, a.action",
        flow_filter(),
        scope(ctx, "coalesce(a.to_owner, a.from_owner, a.actor_id)")
    );
    let rows = db::all::<FlowRow>(&ctx.db, &sql, args).await?;
    let in_pool = db::first::<Count>(&ctx.db, "SELECT count(*) AS n FROM customers WHERE tenant_id = ?1 AND owner_id IS NULL AND deleted_at IS NULL", &args[..1]).await?;
    Ok(PoolFlowReport::build(period, &rows, in_pool.map_or(0.0, |c| c.n)))
}

/// The SQL reading of `shared::reports::FlowRule::counts` over audit event `a`, for every
/// rule of `FLOW_RULES`: the report selects exactly the events the table counts.
fn flow_filter() -> String {
    let rules: Vec<String> = FLOW_RULES
        .iter()
        .map(|rule| {
            let mut parts = vec![format!("a.action = {}", crate::audit::literal(rule.action.as_str()))];
            if rule.to_nobody {
                parts.push("a.to_owner IS NULL".into());
            }
            if rule.from_nobody {
                parts.push("a.from_owner IS NULL".into());
            }
            if let Some(reason) = rule.except_reason {
                parts.push(format!("a.reason <> {}", crate::audit::literal(reason)));
            }
            format!("({})", parts.join(" AND "))
        })
        .collect();
    format!("({})", rules.join(" OR "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_pool_flow_filter_is_the_shared_table() {
        assert_eq!(
            super::flow_filter(),
            "((a.action = 'recycle') OR (a.action = 'release') OR (a.action = 'claim') OR (a.action = 'create' AND a.to_owner IS NULL) \
             OR (a.action = 'import' AND a.to_owner IS NULL) OR (a.action = 'allocate' AND a.from_owner IS NULL AND a.reason <> 'intake allocation'))"
        );
    }
}
