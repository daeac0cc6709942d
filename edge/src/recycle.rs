//! The recycle job (回收): owned customers that are due go back to the pool, and owners
//! get "will be recycled in K days" reminders. The Cron Trigger schedules it and the
//! maintenance queue runs it a page at a time (`maintenance.rs`).
//!
//! `shared::pool::due` decides for each customer. Each page of customers is written as one
//! batch; a recycle is `UPDATE … WHERE owner_id = <owner read> AND version = <version
//! read>`, so a customer that was followed up, transferred or released since the read is
//! left alone, and its audit row is guarded by `changes() = 1`. Reminders are
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
    let mut statements = Vec::new();
    for row in rows {
        let owned_since = row.owned_since().unwrap_or(now);
        let (customer, _) = row.into_customer();
        last = customer.id.clone();
        report.scanned += 1;
        let Some(pool) = rules.pool_for(&customer) else { continue };
        let Some(owner) = customer.owner.clone() else { continue };
        match due(pool, &settings.stages, &customer, owned_since, now) {
            Due::Recycle { reason, .. } => {
                statements.push(db::stmt(
                    &db,
                    "UPDATE customers SET owner_id = NULL, owned_since = NULL, collaborators = '[]', updated_at = ?5, version = version + 1 \
                     WHERE tenant_id = ?1 AND id = ?2 AND owner_id = ?3 AND version = ?4 AND deleted_at IS NULL",
                    &[Arg::from(tenant), Arg::from(&customer.id), Arg::from(&owner), Arg::Int(customer.version), Arg::Int(now)],
                )?);
                // ?1 tenant, ?2 customer, ?3 owner, ?4 reason, ?5 rule, ?6 now.
                statements.push(Event::new(AuditAction::Recycle, "?2", "'system'", "?6").from("?3").reason("?4").rule("?5").statement(
                    &db,
                    Source::AfterChange,
                    &[
                        Arg::from(tenant),
                        Arg::from(&customer.id),
                        Arg::from(&owner),
                        Arg::Text(serde_json::to_value(reason)?.as_str().unwrap_or("due").to_string()),
                        Arg::Text(rules.audit_rule(pool)),
                        Arg::Int(now),
                    ],
                )?);
                report.recycled += 1;
            }
            Due::Remind { at, .. } => {
                statements.push(db::stmt(
                    &db,
                    "INSERT OR IGNORE INTO reminders (tenant_id, customer_id, owner_id, kind, due_at, created_at) VALUES (?1, ?2, ?3, 'recycle', ?4, ?5)",
                    &[Arg::from(tenant), Arg::from(&customer.id), Arg::from(&owner), Arg::Int(at), Arg::Int(now)],
                )?);
                // The date moved (a follow-up, a new owner): the older warnings go.
                statements.push(db::stmt(
                    &db,
                    "DELETE FROM reminders WHERE tenant_id = ?1 AND customer_id = ?2 AND kind = 'recycle' AND (owner_id <> ?3 OR due_at <> ?4)",
                    &[Arg::from(tenant), Arg::from(&customer.id), Arg::from(&owner), Arg::Int(at)],
                )?);
                report.reminded += 1;
            }
            _ => {}
        }
    }
    if !statements.is_empty() {
        db::batch(&db, statements).await?;
        report.batches += 1;
    }
    Ok((report, (n == PAGE as usize).then_some(last)))
}
