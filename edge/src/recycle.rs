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

use serde::Serialize;
use shared::audit::AuditAction;
use shared::pool::{due, Due, PoolRules};
use shared::settings::TenantSettings;
use shared::time::Millis;
use worker::Env;

use crate::audit::{Event, Source};
use crate::db::{self, Arg};
use crate::error::ApiResult;
use crate::store::customers::{select, Row};

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
