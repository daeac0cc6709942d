//! The recycle job (回收): owned customers that are due go back to the pool, and owners
//! get "will be recycled in K days" reminders. The Cron Trigger schedules it and the
//! maintenance queue runs it a page at a time (`maintenance.rs`).
//!
//! `shared::pool::due` decides for each customer. Each page of customers is written as one
//! batch of a few set-based statements; a recycle holds only while the customer still has
//! the owner and version read, so a customer that was followed up, transferred or
//! released since the read is left alone, and its audit row is written under the same
//! condition in the same batch. Reminders are
//! `INSERT OR IGNORE` on a unique key, and each replaces the customer's older warnings
//! (`GET /reminders` checks them again anyway). Running the job twice, or again after an
//! interruption, therefore does no work twice.
//!
//! [`preview`] counts what a pass would recycle now under proposed rules, in SQL, from
//! `shared::pool::RecycleTerms` (the same decision as data).

use serde::Serialize;
use shared::api::{RecycleGroup, RecyclePreview};
use shared::audit::AuditAction;
use shared::customer::Tier;
use shared::pool::{due, Due, PoolRules, RecycleReason, RecycleTerms, Windows};
use shared::settings::TenantSettings;
use shared::time::Millis;
use worker::Env;

use crate::audit::{Event, Source};
use crate::context::Caller;
use crate::db::{self, Arg};
use crate::error::ApiResult;
use crate::store::customers::{select, Row};
use crate::store::scope::owner_in_reach;

const PAGE: u32 = 500;

#[derive(Default, Serialize)]
pub struct Report {
    pub scanned: usize,
    pub recycled: usize,
    pub reminded: usize,
    pub batches: usize,
}

/// One page of a tenant's owned customers, after the customer id `after` (`""`: the
/// first page): the recycles and reminders due at `now`, as one batch. Answers what it
/// did and, when the page was full, the id to continue after. `now` is fixed by whoever
/// scheduled the pass, so a page run again (a retried queue message) decides the same.
pub async fn page(env: &Env, tenant: &str, after: &str, now: Millis) -> ApiResult<(Report, Option<String>)> {
    let db = env.d1("DB")?;
    let settings: TenantSettings = crate::documents::load(env, tenant).await?;
    let rules: PoolRules = crate::documents::load(env, tenant).await?;
    let mut report = Report::default();
    let sql = format!("{} WHERE c.tenant_id = ?1 AND c.owner_id IS NOT NULL AND c.deleted_at IS NULL AND c.id > ?2 ORDER BY c.id LIMIT {PAGE}", select());
    let rows = db::all::<Row>(&db, &sql, &[Arg::from(tenant), Arg::from(after)]).await?;
    let n = rows.len();
    let mut last = String::new();
    // The page's decisions as JSON lists, written by a few set-based statements: a page
    // costs the same handful of D1 statements however many of its customers are due
    // (one statement per customer would be a thousand in a page, past D1's limit for one
    // invocation once a message runs several pages).
    let mut recycle: Vec<serde_json::Value> = Vec::new();
    let mut remind: Vec<serde_json::Value> = Vec::new();
    for row in rows {
        let owned_since = row.owned_since().unwrap_or(now);
        let (customer, _) = row.into_customer();
        last = customer.id.clone();
        report.scanned += 1;
        let Some(pool) = rules.pool_for(&customer) else { continue };
        let Some(owner) = customer.owner.clone() else { continue };
        match due(pool, &settings.stages, &customer, owned_since, now) {
            Due::Recycle { reason, .. } => {
                let reason = serde_json::to_value(reason)?.as_str().unwrap_or("due").to_string();
                recycle.push(serde_json::json!([customer.id, customer.version, owner, reason, rules.audit_rule(pool)]));
                report.recycled += 1;
            }
            Due::Remind { at, .. } => {
                remind.push(serde_json::json!([customer.id, owner, at]));
                report.reminded += 1;
            }
            _ => {}
        }
    }
    let mut statements = Vec::new();
    if !recycle.is_empty() {
        // Each customer still with the owner and version read: the audit rows first, then
        // the update, over the same condition in one transaction, so each recycled
        // customer has exactly one audit row and a customer changed meanwhile has none.
        // ?1 tenant, ?2 the list [id, version, owner, reason, rule], ?3 now.
        // The `IN` finds the rows by primary key; the `EXISTS` keeps those still as read.
        let due = "c.tenant_id = ?1 AND c.id IN (SELECT json_extract(value, '$[0]') FROM json_each(?2)) AND c.deleted_at IS NULL \
                   AND EXISTS (SELECT 1 FROM json_each(?2) j WHERE json_extract(j.value, '$[0]') = c.id \
                   AND json_extract(j.value, '$[1]') = c.version AND json_extract(j.value, '$[2]') = c.owner_id)";
        let field = |i: u8| format!("(SELECT json_extract(j.value, '$[{i}]') FROM json_each(?2) j WHERE json_extract(j.value, '$[0]') = c.id)");
        let (reason, rule) = (field(3), field(4));
        let list = Arg::Text(serde_json::Value::Array(recycle).to_string());
        let args = [Arg::from(tenant), list, Arg::Int(now)];
        statements.push(Event::new(AuditAction::Recycle, "c.id", "'system'", "?3").from("c.owner_id").reason(&reason).rule(&rule).statement(&db, Source::Rows(due), &args)?);
        statements.push(db::stmt(&db, &format!("UPDATE customers AS c SET owner_id = NULL, owned_since = NULL, collaborators = '[]', updated_at = ?3, version = version + 1 WHERE {due}"), &args)?);
    }
    if !remind.is_empty() {
        let list = Arg::Text(serde_json::Value::Array(remind).to_string());
        statements.push(db::stmt(
            &db,
            "INSERT OR IGNORE INTO reminders (tenant_id, customer_id, owner_id, kind, due_at, created_at) \
             SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), 'recycle', json_extract(value, '$[2]'), ?3 FROM json_each(?2)",
            &[Arg::from(tenant), list.clone(), Arg::Int(now)],
        )?);
        // The date moved (a follow-up, a new owner): the older warnings go.
        statements.push(db::stmt(
            &db,
            "DELETE FROM reminders WHERE tenant_id = ?1 AND kind = 'recycle' AND ?3 IS NOT NULL \
             AND customer_id IN (SELECT json_extract(value, '$[0]') FROM json_each(?2)) \
             AND (customer_id || '@' || owner_id || '@' || due_at) NOT IN \
                 (SELECT json_extract(value, '$[0]') || '@' || json_extract(value, '$[1]') || '@' || json_extract(value, '$[2]') FROM json_each(?2))",
            &[Arg::from(tenant), list, Arg::Int(now)],
        )?);
    }
    if !statements.is_empty() {
        db::batch(&db, statements).await?;
        report.batches += 1;
    }
    Ok((report, (n == PAGE as usize).then_some(last)))
}

/// How many owned customers `rules` would recycle at `now`, by pool, reason and tier: the
/// recycle decision as [`RecycleTerms`] states it (held equal to `shared::pool::due` by
/// shared's property test), rendered as one grouped `COUNT` over the tenant's owned
/// customers. Writes nothing; its work is one statement and a few groups whatever the
/// tenant's size.
pub async fn preview(db: &worker::D1Database, caller: &Caller, rules: &PoolRules, settings: &TenantSettings, now: Millis) -> ApiResult<RecyclePreview> {
    let terms = RecycleTerms::of(rules, &settings.stages);
    // ?3: per pool, [regions, tiers, exempt stages] — bound as JSON, never spliced in.
    let lists: Vec<serde_json::Value> = terms.pools.iter().map(|p| serde_json::json!([p.regions, p.tiers.iter().map(|t| t.as_str()).collect::<Vec<_>>(), p.exempt_stages])).collect();
    #[derive(serde::Deserialize)]
    struct Group {
        pool: usize,
        reason: RecycleReason,
        tier: Option<String>,
        n: u64,
    }
    let sql = due_count_sql(&terms, &owner_in_reach(caller, "?4"));
    let groups = db::all::<Group>(db, &sql, &[Arg::from(&caller.tenant), Arg::Int(now), Arg::Text(serde_json::Value::Array(lists).to_string()), Arg::from(&caller.user)]).await?;
    let groups: Vec<RecycleGroup> =
        groups.into_iter().filter_map(|g| Some(RecycleGroup { pool: terms.pools.get(g.pool)?.key.clone(), reason: g.reason, tier: g.tier.as_deref().and_then(Tier::parse), count: g.n })).collect();
    Ok(RecyclePreview { at: now, total: groups.iter().map(|g| g.count).sum(), groups })
}

/// The grouped count of [`preview`]: ?1 tenant, ?2 now, ?3 the pools' lists, ?4 the
/// caller, whose reach (`reach`: a manager counts only their team's customers) bounds the
/// customers counted. The pool is
/// the first that takes the customer; its reason follows [`RecycleTerms::recycles`] step
/// by step (won or exempt stage, protection, the earlier of the two deadlines, a tie
/// going to the follow-up). The windows are integers computed here, so they are written
/// into the statement as numbers.
fn due_count_sql(terms: &RecycleTerms, reach: &str) -> String {
    let list = |i: usize, j: usize| format!("(SELECT value FROM json_each(?3, '$[{i}][{j}]'))");
    let takes: Vec<String> = terms
        .pools
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let region = if p.regions.is_empty() { "1".to_string() } else { format!("c.region IN {}", list(i, 0)) };
            let tier = if p.tiers.is_empty() { "1".to_string() } else { format!("c.tier IN {}", list(i, 1)) };
            format!("WHEN {region} AND {tier} THEN {i}")
        })
        .collect();
    let last_touch = "MAX(COALESCE(lf, os), os)";
    let reason = |w: Windows| match (w.follow_up_ms, w.deal_ms) {
        (Some(f), Some(d)) => format!("CASE WHEN {last_touch} + {f} <= os + {d} THEN (CASE WHEN ?2 >= {last_touch} + {f} THEN 'no_follow_up' END) WHEN ?2 >= os + {d} THEN 'no_deal' END"),
        (Some(f), None) => format!("CASE WHEN ?2 >= {last_touch} + {f} THEN 'no_follow_up' END"),
        (None, Some(d)) => format!("CASE WHEN ?2 >= os + {d} THEN 'no_deal' END"),
        (None, None) => "NULL".to_string(),
    };
    let reasons: Vec<String> = terms
        .pools
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "WHEN {i} THEN (CASE WHEN won OR stage IN {} OR ?2 < os + {} THEN NULL WHEN tier = 'key' THEN ({}) WHEN tier = 'potential' THEN ({}) ELSE ({}) END)",
                list(i, 2),
                p.protection_ms,
                reason(p.by_tier[0]),
                reason(p.by_tier[1]),
                reason(p.by_tier[2])
            )
        })
        .collect();
    format!(
        "SELECT pool, reason, tier, COUNT(*) AS n FROM (\
           SELECT pool, tier, CASE pool {} END AS reason FROM (\
             SELECT c.tier AS tier, c.stage AS stage, c.won_at IS NOT NULL AS won, COALESCE(c.owned_since, c.created_at) AS os, c.last_follow_up_at AS lf, CASE {} END AS pool \
             FROM customers c WHERE c.tenant_id = ?1 AND c.owner_id IS NOT NULL AND c.deleted_at IS NULL AND {}\
           ) WHERE pool IS NOT NULL\
         ) WHERE reason IS NOT NULL GROUP BY pool, reason, tier ORDER BY pool, reason, tier",
        reasons.join(" "),
        takes.join(" "),
        reach
    )
}
