//! 撞单 under the tenant's ownership rule (客户归属规则): when the caller enters a customer
//! another user owns, `shared::ownership::resolve_collision` may hand it to the caller.
//! The facts are read in one query; the takeover is a compare-and-swap on the owner and
//! version those facts were read with, in one batch with its audit event, so a customer
//! that changed meanwhile is left alone (and the entry is refused as a duplicate).

use serde::Deserialize;
use shared::customer::DuplicateKeys;
use shared::ownership::{resolve_collision, Collision, Standing};
use shared::settings::{OwnershipRule, TenantSettings};

use crate::context::Ctx;
use crate::customer_sql::{self as sql, Row};
use crate::db::{self, Arg};
use crate::error::ApiResult;

/// The owned customer another user holds under any of `keys`, with where its owner and
/// the caller stand with it.
#[derive(Deserialize)]
struct Facts {
    id: String,
    owner_id: String,
    version: f64,
    holder_last: Option<f64>,
    contender_last: Option<f64>,
    holder_covers: f64,
    contender_covers: f64,
}

/// The id of the customer the caller took over, if the tenant's rule gave it to them.
pub async fn take_over(ctx: &Ctx, settings: &TenantSettings, keys: &DuplicateKeys) -> ApiResult<Option<String>> {
    if settings.ownership_rule == OwnershipRule::FirstEntry {
        return Ok(None);
    }
    let last = |who: &str| format!("(SELECT max(f.at) FROM follow_ups f WHERE f.tenant_id = c.tenant_id AND f.customer_id = c.id AND f.author_id = {who})");
    let covers = |who: &str| format!("EXISTS (SELECT 1 FROM users u, json_each(u.regions) r WHERE u.tenant_id = c.tenant_id AND u.id = {who} AND r.value = c.region)");
    let facts = db::first::<Facts>(
        &ctx.db,
        &format!(
            "SELECT c.id, c.owner_id, c.version, {} AS holder_last, {} AS contender_last, {} AS holder_covers, {} AS contender_covers \
             FROM customers c WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND c.owner_id IS NOT NULL AND c.owner_id <> ?2 \
             AND (c.phone_key = ?3 OR c.email_key = ?4 OR c.company_key = ?5) LIMIT 1",
            last("c.owner_id"),
            last("?2"),
            covers("c.owner_id"),
            covers("?2")
        ),
        &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(keys.phone.clone()), Arg::from(keys.email.clone()), Arg::from(keys.company.clone())],
    )
    .await?;
    let Some(facts) = facts else { return Ok(None) };
    let holder = Standing { last_follow_up_at: facts.holder_last.map(|v| v as i64), covers_region: facts.holder_covers != 0.0 };
    let contender = Standing { last_follow_up_at: facts.contender_last.map(|v| v as i64), covers_region: facts.contender_covers != 0.0 };
    if resolve_collision(settings.ownership_rule, holder, contender) == Collision::HolderKeeps {
        return Ok(None);
    }
    // ?1 tenant, ?2 caller, ?3 customer, ?4 owner and ?5 version as read, ?6 now, ?7 rule.
    let condition = "c.tenant_id = ?1 AND c.id = ?3 AND c.owner_id = ?4 AND c.version = ?5 AND c.deleted_at IS NULL";
    let args = [
        Arg::from(&ctx.caller.tenant),
        Arg::from(&ctx.caller.user),
        Arg::from(&facts.id),
        Arg::from(&facts.owner_id),
        Arg::Int(facts.version as i64),
        Arg::Int(ctx.now),
        Arg::from(format!("ownership:{}", settings.ownership_rule.as_str())),
    ];
    let audit = db::stmt(
        &ctx.db,
        &format!(
            "INSERT INTO audit_events (tenant_id, customer_id, actor_id, action, from_owner, to_owner, reason, rule, at) \
             SELECT ?1, ?3, ?2, 'take_over', c.owner_id, ?2, 'entered again by another rep (撞单)', ?7, ?6 FROM customers c WHERE {condition}"
        ),
        &args,
    )?;
    let update = db::stmt(
        &ctx.db,
        &format!("UPDATE customers AS c SET owner_id = ?2, owned_since = ?6, updated_at = ?6, version = version + 1 WHERE {condition} AND ?7 IS NOT NULL{}", sql::RETURNING),
        &args,
    )?;
    let results = db::batch(&ctx.db, vec![audit, update]).await?;
    Ok(db::returned_first::<Row>(&results, 1)?.map(|_| facts.id))
}
