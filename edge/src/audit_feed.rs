//! `GET /audit/recent`: the newest ownership changes across the customers the caller
//! oversees (an admin: the tenant; a manager: the customers `GET /customers` shows them),
//! newest first, a page at a time — the console's "what changed lately", where
//! `GET /audit` is one customer's timeline. Reps get 403: their own customers' timelines
//! are one `GET /audit` each.
//!
//! Read through the `(tenant_id, at)` index, newest first; the cursor is the last
//! event's `at` and `seq`, so a page never repeats or skips an event. A page reads at
//! most [`RECENT_AUDIT_SCAN`] of the tenant's events: one that reached that bound before
//! it filled carries the cursor of the last event it read, even when it is short or
//! empty, and the caller pages on.

use serde::Deserialize;
use shared::api::{AuditEvent, AuditPage, RECENT_AUDIT_DEFAULT, RECENT_AUDIT_MAX, RECENT_AUDIT_SCAN};
use shared::field_error::FieldError;
use worker::{Request, Response};

use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, query_pairs};
use crate::store::audit_trail::{TrailRow, TRAIL_COLUMNS};

/// A page's size and where it starts: before the event at (`at`, `seq`), or the newest.
type Page = (usize, Option<(i64, i64)>);

/// `limit` and the `before` cursor (`<at>-<seq>` of the previous page's last event).
fn parse_query(pairs: &[(String, String)]) -> Result<Page, Vec<FieldError>> {
    let mut errors = Vec::new();
    let (mut limit, mut before) = (RECENT_AUDIT_DEFAULT, None);
    for (key, value) in pairs {
        match key.as_str() {
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=RECENT_AUDIT_MAX).contains(&n) => limit = n,
                _ => errors.push(FieldError::new("limit", "out_of_range", format!("1 to {RECENT_AUDIT_MAX}"))),
            },
            "before" => match value.split_once('-').and_then(|(at, seq)| Some((at.parse::<i64>().ok()?, seq.parse::<i64>().ok()?))) {
                Some(cursor) => before = Some(cursor),
                None => errors.push(FieldError::new("before", "invalid", "the previous page's next_before")),
            },
            other => errors.push(FieldError::new(other, "invalid", "unknown query parameter")),
        }
    }
    if errors.is_empty() {
        Ok((limit, before))
    } else {
        Err(errors)
    }
}

pub async fn recent(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    if !ctx.caller.role.is_manager_or_admin() {
        return Err(ApiError::Forbidden("only managers and admins read the tenant's recent changes; a customer's own timeline is GET /audit?customer=ID".into()));
    }
    let (limit, before) = parse_query(&query_pairs(req)?).map_err(ApiError::Invalid)?;
    // ?1 tenant, ?2 caller (the scope's), ?3/?4 the cursor, ?5 one more than the page,
    // ?6 the scan's bound. The window is the tenant's next events after the cursor, at
    // most ?6 of them; the page, those of them in the caller's reach.
    const WINDOW: &str = "SELECT * FROM audit_events a WHERE a.tenant_id = ?1 AND (?3 IS NULL OR a.at < ?3 OR (a.at = ?3 AND a.seq < ?4)) ORDER BY a.at DESC, a.seq DESC LIMIT ?6";
    let page = db::stmt(
        &ctx.db,
        &format!(
            "SELECT {TRAIL_COLUMNS}, c.owner_id FROM ({WINDOW}) a \
             JOIN customers c ON c.tenant_id = a.tenant_id AND c.id = a.customer_id \
             WHERE {} ORDER BY a.at DESC, a.seq DESC LIMIT ?5",
            crate::store::scope::visible(&ctx.caller)
        ),
        &[
            Arg::from(&ctx.caller.tenant),
            Arg::from(&ctx.caller.user),
            Arg::from(before.map(|b| b.0)),
            Arg::Int(before.map_or(0, |b| b.1)),
            Arg::Int(limit as i64 + 1),
            Arg::Int(RECENT_AUDIT_SCAN as i64),
        ],
    )?;
    // The window's last event, if the window is full: where the next page starts when
    // this one comes back short. Same batch, so the same snapshot as the page.
    let end = db::stmt(
        &ctx.db,
        "SELECT a.at, a.seq FROM audit_events a WHERE a.tenant_id = ?1 AND (?2 IS NULL OR a.at < ?2 OR (a.at = ?2 AND a.seq < ?3)) ORDER BY a.at DESC, a.seq DESC LIMIT 1 OFFSET ?4 - 1",
        &[Arg::from(&ctx.caller.tenant), Arg::from(before.map(|b| b.0)), Arg::Int(before.map_or(0, |b| b.1)), Arg::Int(RECENT_AUDIT_SCAN as i64)],
    )?;
    let results = db::batch(&ctx.db, vec![page, end]).await?;
    let rows: Vec<TrailRow> = results.first().map(db::returned).transpose()?.unwrap_or_default();
    #[derive(Deserialize)]
    struct End {
        at: i64,
        seq: i64,
    }
    let window_end: Option<End> = results.get(1).map(db::returned::<End>).transpose()?.unwrap_or_default().into_iter().next();
    let more = rows.len() > limit;
    let items: Vec<AuditEvent> = rows
        .into_iter()
        .take(limit)
        .map(|mut r| {
            let owner = r.owner_id.take();
            r.into_event(ctx.caller.role, owner.as_deref())
        })
        .collect();
    let next_before = if more { items.last().map(|e| format!("{}-{}", e.at, e.seq)) } else { window_end.map(|e| format!("{}-{}", e.at, e.seq)) };
    Ok(json(200, &AuditPage { items, next_before }))
}
