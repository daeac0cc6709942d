//! 撞单 under the tenant's ownership rule (客户归属规则): when the caller enters (creates or
//! imports) customers other users own, `shared::ownership::resolve_collision` may hand
//! them to the caller. The facts are read in one query; the takeovers are a
//! compare-and-swap on the owner and version those facts were read with, in one batch
//! with their audit events, so a customer that changed meanwhile is left alone (and the
//! entry stays a refused duplicate). [`prepare`] reads the facts and builds those two
//! statements without running them, so an import runs them in its own single batch.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::{json, Value};
use shared::audit::{AuditAction, Reason};
use shared::customer::DuplicateKeys;
use shared::ownership::{resolve_collision, unambiguous_matches, Collision, Standing};
use shared::settings::{OwnershipRule, TenantSettings};

use crate::audit::{Event, Source};
use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::ApiResult;
use crate::store::scope as sql;

/// An owned customer another user holds under one of the entered keys, with where its
/// owner and the caller stand with it.
#[derive(Deserialize)]
struct Facts {
    id: String,
    owner_id: String,
    version: f64,
    phone_key: Option<String>,
    email_key: Option<String>,
    company_key: Option<String>,
    holder_last: Option<f64>,
    contender_last: Option<f64>,
    holder_covers: f64,
    contender_covers: f64,
}

impl Facts {
    fn keys(&self) -> DuplicateKeys {
        DuplicateKeys { phone: self.phone_key.clone(), email: self.email_key.clone(), company: self.company_key.clone() }
    }
}

/// A customer the caller took over, with its duplicate keys (to find the entries that
/// matched it).
pub struct Taken {
    pub id: String,
    pub keys: DuplicateKeys,
}

/// The takeovers the rule chose, as statements not yet run: the audit rows, then the
/// compare-and-swap `UPDATE … RETURNING id` (so its result is the second of the two).
#[derive(Default)]
pub struct TakeOver {
    chosen: Vec<Facts>,
    pub statements: Vec<worker::D1PreparedStatement>,
}

impl TakeOver {
    /// The customers the swap changed, from the results of [`TakeOver::statements`]
    /// (`results` starts with theirs).
    pub fn taken(self, results: &[db::Outcome]) -> ApiResult<Vec<Taken>> {
        #[derive(Deserialize)]
        struct Id {
            id: String,
        }
        if self.chosen.is_empty() {
            return Ok(Vec::new());
        }
        let swapped: HashSet<String> = results.get(1).map(db::returned::<Id>).transpose()?.unwrap_or_default().into_iter().map(|r| r.id).collect();
        Ok(self.chosen.into_iter().filter(|f| swapped.contains(&f.id)).map(|f| Taken { keys: f.keys(), id: f.id }).collect())
    }
}

/// Takes over every customer matching `entered` that the tenant's rule gives the caller;
/// answers those the swap changed.
pub async fn take_over(ctx: &Ctx, settings: &TenantSettings, entered: &[&DuplicateKeys]) -> ApiResult<Vec<Taken>> {
    let mut plan = prepare(ctx, settings, entered).await?;
    if plan.statements.is_empty() {
        return Ok(Vec::new());
    }
    let statements = std::mem::take(&mut plan.statements);
    let results = db::batch(&ctx.db, statements).await?;
    plan.taken(&results)
}

/// Reads the facts and builds the takeover statements (none when nothing is taken).
pub async fn prepare(ctx: &Ctx, settings: &TenantSettings, entered: &[&DuplicateKeys]) -> ApiResult<TakeOver> {
    if settings.ownership_rule == OwnershipRule::FirstEntry || entered.is_empty() {
        return Ok(TakeOver::default());
    }
    let list = |key: fn(&DuplicateKeys) -> &Option<String>| Value::Array(entered.iter().filter_map(|k| key(k).clone()).map(Value::String).collect()).to_string();
    let last = |who: &str| format!("(SELECT max(f.at) FROM follow_ups f WHERE f.tenant_id = c.tenant_id AND f.customer_id = c.id AND f.author_id = {who})");
    let covers = |who: &str| format!("EXISTS (SELECT 1 FROM users u, json_each(u.regions) r WHERE u.tenant_id = c.tenant_id AND u.id = {who} AND r.value = c.region)");
    // Candidates through each key's unique index (a UNION, not an OR, which SQLite would
    // answer by scanning the tenant); owned by someone other than the caller.
    let facts = db::all::<Facts>(
        &ctx.db,
        &format!(
            "SELECT c.id, c.owner_id, c.version, c.phone_key, c.email_key, c.company_key, {} AS holder_last, {} AS contender_last, \
             {} AS holder_covers, {} AS contender_covers \
             FROM customers c WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND coalesce(c.owner_id, ?2) <> ?2 AND c.id IN ( \
             SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND phone_key IN (SELECT value FROM json_each(?3)) UNION ALL \
             SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND email_key IN (SELECT value FROM json_each(?4)) UNION ALL \
             SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND company_key IN (SELECT value FROM json_each(?5)))",
            last("c.owner_id"),
            last("?2"),
            covers("c.owner_id"),
            covers("?2")
        ),
        &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::Text(list(|k| &k.phone)), Arg::Text(list(|k| &k.email)), Arg::Text(list(|k| &k.company))],
    )
    .await?;
    let found: Vec<DuplicateKeys> = facts.iter().map(Facts::keys).collect();
    let allowed = unambiguous_matches(entered, &found.iter().collect::<Vec<_>>());
    let chosen: Vec<Facts> = facts
        .into_iter()
        .zip(allowed)
        .filter(|(_, allowed)| *allowed)
        .map(|(f, _)| f)
        .filter(|f| {
            let holder = Standing { last_follow_up_at: f.holder_last.map(|v| v as i64), covers_region: f.holder_covers != 0.0 };
            let contender = Standing { last_follow_up_at: f.contender_last.map(|v| v as i64), covers_region: f.contender_covers != 0.0 };
            resolve_collision(settings.ownership_rule, holder, contender) == Collision::ContenderTakes
        })
        .collect();
    if chosen.is_empty() {
        return Ok(TakeOver::default());
    }
    // ?1 tenant, ?2 caller, ?3 [[id, owner, version], …] as read, ?4 now, ?5 rule.
    let swaps = Value::Array(chosen.iter().map(|f| json!([f.id, f.owner_id, f.version as i64])).collect()).to_string();
    // The first IN finds the rows by primary key; the second keeps those whose owner and
    // version are still what the rule looked at.
    let condition = "c.tenant_id = ?1 AND c.deleted_at IS NULL AND c.id IN (SELECT json_extract(value, '$[0]') FROM json_each(?3)) \
         AND (c.id || '@' || c.owner_id || '@' || c.version) IN \
         (SELECT json_extract(value, '$[0]') || '@' || json_extract(value, '$[1]') || '@' || json_extract(value, '$[2]') FROM json_each(?3))";
    let args = [Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::Text(swaps), Arg::Int(ctx.now), Arg::from(format!("ownership:{}", settings.ownership_rule.as_str()))];
    // The audit rows first, from the rows as they are, under the same condition as the
    // update: in one batch both happen or neither does.
    let audit = Event::new(AuditAction::TakeOver, "c.id", "?2", "?4").from("c.owner_id").to("?2").reason_text(Reason::ENTERED_AGAIN).rule("?5").statement(&ctx.db, Source::Rows(condition), &args)?;
    let update = db::stmt(
        &ctx.db,
        &format!(
            "UPDATE customers AS c SET owner_id = ?2, owned_since = ?4, collaborators = {}, updated_at = ?4, version = version + 1 \
             WHERE {condition} AND ?5 IS NOT NULL RETURNING id",
            sql::collaborators_without("?2")
        ),
        &args,
    )?;
    Ok(TakeOver { chosen, statements: vec![audit, update] })
}
