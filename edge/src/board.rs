//! `GET /api/v1/board`: every card of the pipeline board in one answer (up to
//! `BOARD_LIMIT`), compact, most recently changed first (a moved card tops its new
//! column), under the caller's visibility.

use serde::Deserialize;
use shared::pipeline::{BoardCard, BoardPage, BoardScope, BOARD_LIMIT};
use worker::{Request, Response};

use crate::context::Ctx;
use crate::customer_sql::{may_edit_visible, visible};
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, query_pairs};
use shared::validate::FieldError;

#[derive(Deserialize)]
struct Row {
    id: String,
    name: String,
    company: Option<String>,
    amount: Option<f64>,
    stage: String,
    owner_id: Option<String>,
    owner_name: Option<String>,
    last_follow_up_at: Option<f64>,
    next_follow_up_at: Option<f64>,
    version: f64,
}

pub async fn board(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let mut scope = BoardScope::Mine;
    for (key, value) in query_pairs(req)? {
        match (key.as_str(), BoardScope::parse(&value)) {
            ("owner", Some(s)) => scope = s,
            ("owner", None) => return Err(ApiError::Invalid(vec![FieldError::new("owner", "invalid", "me, team or all")])),
            _ => return Err(ApiError::Invalid(vec![FieldError::new(key, "unknown", "the board takes `owner`")])),
        }
    }
    let owner = match scope {
        BoardScope::Mine => "c.owner_id = ?2",
        BoardScope::Team => "c.owner_id IS NOT NULL",
        BoardScope::All => "1",
    };
    let sql = format!(
        "SELECT c.id, c.name, c.company, c.amount, c.stage, c.owner_id, u.name AS owner_name, c.last_follow_up_at, c.next_follow_up_at, c.version \
         FROM customers c LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.owner_id \
         WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND {} AND {owner} ORDER BY c.updated_at DESC, c.id DESC LIMIT {}",
        visible(&ctx.caller),
        BOARD_LIMIT + 1
    );
    let rows = db::all::<Row>(&ctx.db, &sql, &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user)]).await?;
    let truncated = rows.len() > BOARD_LIMIT;
    let cards = rows
        .into_iter()
        .take(BOARD_LIMIT)
        .map(|r| BoardCard {
            editable: may_edit_visible(&ctx.caller, r.owner_id.as_deref()),
            id: r.id,
            name: r.name,
            company: r.company,
            amount: r.amount,
            stage: r.stage,
            owner: r.owner_id,
            owner_name: r.owner_name,
            last_follow_up_at: r.last_follow_up_at.map(|v| v as i64),
            next_follow_up_at: r.next_follow_up_at.map(|v| v as i64),
            version: r.version as i64,
        })
        .collect();
    Ok(json(200, &BoardPage { cards, truncated }))
}
