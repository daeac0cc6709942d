//! `/api/v1/customers/{id}/follow-ups`: the follow-up log (跟进记录). Logging one updates
//! the customer's last and next follow-up dates in the same batch, which drives its
//! lifecycle status and the pool's recycling.

use serde::Deserialize;
use shared::api::{FollowUp, FollowUpInput, FollowUpKind, FollowUpList};
use worker::{Request, Response};

use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::customers::{entropy, fetch_visible};
use crate::store::scope as sql;

#[derive(Deserialize)]
struct Row {
    id: String,
    customer_id: String,
    author_id: String,
    kind: String,
    note: String,
    outcome: Option<String>,
    next_follow_up_at: Option<f64>,
    at: f64,
}

fn kind(text: &str) -> FollowUpKind {
    serde_json::from_value(serde_json::Value::String(text.to_string())).unwrap_or(FollowUpKind::Call)
}

pub async fn list(ctx: &Ctx, id: &str) -> ApiResult<Response> {
    let customer = fetch_visible(ctx, id).await?.ok_or_else(|| ApiError::NotFound(format!("no customer {id}")))?;
    // A note or outcome is free text that often carries a number: hidden with the contacts.
    let hidden = shared::ownership::masks_contacts(ctx.caller.role, customer.owner());
    let rows = db::all::<Row>(
        &ctx.db,
        "SELECT id, customer_id, author_id, kind, note, outcome, next_follow_up_at, at FROM follow_ups \
         WHERE tenant_id = ?1 AND customer_id = ?2 ORDER BY at DESC, id DESC LIMIT 500",
        &[Arg::from(&ctx.caller.tenant), Arg::from(id)],
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|r| FollowUp {
            kind: kind(&r.kind),
            id: r.id,
            customer: r.customer_id,
            author: r.author_id,
            note: if hidden { shared::mask::WITHHELD.into() } else { r.note },
            outcome: if hidden { r.outcome.map(|_| shared::mask::WITHHELD.into()) } else { r.outcome },
            next_follow_up_at: r.next_follow_up_at.map(|v| v as i64),
            at: r.at as i64,
        })
        .collect();
    Ok(json(200, &FollowUpList { items }))
}

pub async fn create(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let input: FollowUpInput = read_json(req).await?;
    input.validate(ctx.now).map_err(ApiError::Invalid)?;
    let follow_up_id = shared::ids::new_id("f", ctx.now, entropy());
    // The customer is touched first, under the caller's edit scope; the log row is written
    // only if that changed the customer.
    let update = db::stmt(
        &ctx.db,
        &format!(
            "UPDATE customers AS c SET last_follow_up_at = ?4, next_follow_up_at = ?5, updated_at = ?4, version = version + 1 \
             WHERE c.tenant_id = ?1 AND c.id = ?3 AND c.deleted_at IS NULL AND {}",
            sql::editable(&ctx.caller)
        ),
        &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(id), Arg::Int(ctx.now), Arg::from(input.next_follow_up_at)],
    )?;
    let insert = db::stmt(
        &ctx.db,
        "INSERT INTO follow_ups (tenant_id, id, customer_id, author_id, kind, note, outcome, next_follow_up_at, at) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE changes() = 1",
        &[
            Arg::from(&ctx.caller.tenant),
            Arg::from(&follow_up_id),
            Arg::from(id),
            Arg::from(&ctx.caller.user),
            Arg::from(input.kind.as_str()),
            Arg::from(input.note.trim()),
            Arg::from(input.outcome.clone()),
            Arg::from(input.next_follow_up_at),
            Arg::Int(ctx.now),
        ],
    )?;
    // Logging this follow-up does the ones scheduled before it (timeliness report).
    let done = db::stmt(
        &ctx.db,
        "UPDATE follow_ups SET done_at = ?3 WHERE tenant_id = ?1 AND customer_id = ?2 AND done_at IS NULL AND id <> ?4 \
         AND EXISTS (SELECT 1 FROM follow_ups n WHERE n.tenant_id = ?1 AND n.id = ?4)",
        &[Arg::from(&ctx.caller.tenant), Arg::from(id), Arg::Int(ctx.now), Arg::from(&follow_up_id)],
    )?;
    let results = db::batch(&ctx.db, vec![update, insert, done]).await?;
    if results.first().map(db::changes) != Some(1) {
        return match fetch_visible(ctx, id).await? {
            None => Err(ApiError::NotFound(format!("no customer {id}"))),
            Some(_) => Err(ApiError::Forbidden("only the owner, their manager or an admin may log follow-ups".into())),
        };
    }
    let created = FollowUp {
        id: follow_up_id,
        customer: id.to_string(),
        author: ctx.caller.user.clone(),
        kind: input.kind,
        note: input.note.trim().to_string(),
        outcome: input.outcome,
        next_follow_up_at: input.next_follow_up_at,
        at: ctx.now,
    };
    Ok(json(201, &created))
}
