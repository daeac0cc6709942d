//! `GET /api/v1/board`: the cards of the pipeline board, compact, most recently changed
//! first (a moved card tops its new column), under the caller's visibility. Every card
//! (up to `BOARD_LIMIT`) in one answer; or, with `per_stage=N`, the first N of each
//! column plus exact column totals, so a board draws at once however large it is.

use serde::Deserialize;
use shared::api::{BoardCard, BoardPage, BoardScope, BOARD_LIMIT};
use shared::field_error::FieldError;
use shared::pipeline::column_totals_from_sums;
use worker::{Request, Response};

use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, query_pairs};
use crate::store::customers::may_edit_visible;
use crate::store::scope::visible;

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

#[derive(Deserialize)]
struct Sum {
    stage: String,
    n: f64,
    amount: f64,
}

/// Most cards per column with `per_stage`.
pub const MAX_PER_STAGE: u32 = 500;

pub async fn board(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let mut scope = BoardScope::Mine;
    let mut per_stage = None;
    for (key, value) in query_pairs(req)? {
        match key.as_str() {
            "owner" => scope = BoardScope::parse(&value).ok_or_else(|| ApiError::Invalid(vec![FieldError::new("owner", "invalid", "me, team or all")]))?,
            "per_stage" => match value.parse::<u32>() {
                Ok(n) if (1..=MAX_PER_STAGE).contains(&n) => per_stage = Some(n),
                _ => return Err(ApiError::Invalid(vec![FieldError::new("per_stage", "out_of_range", format!("1 to {MAX_PER_STAGE}"))])),
            },
            _ => return Err(ApiError::Invalid(vec![FieldError::new(key, "unknown", "the board takes `owner` and `per_stage`")])),
        }
    }
    let owner = match scope {
        BoardScope::Mine => "c.owner_id = ?2",
        BoardScope::Team => "c.owner_id IS NOT NULL",
        BoardScope::All => "1",
    };
    let in_scope = format!("c.tenant_id = ?1 AND c.deleted_at IS NULL AND {} AND {owner}", visible(&ctx.caller));
    let columns = "c.id, c.name, c.company, c.amount, c.stage, c.owner_id, u.name AS owner_name, c.last_follow_up_at, c.next_follow_up_at, c.version";
    let join = "LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.owner_id";
    let args = [Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user)];
    let (rows, totals) = match per_stage {
        None => (db::all::<Row>(&ctx.db, &format!("SELECT {columns} FROM customers c {join} WHERE {in_scope} ORDER BY c.updated_at DESC, c.id DESC LIMIT {}", BOARD_LIMIT + 1), &args).await?, None),
        Some(n) => {
            let settings = ctx.settings().await?;
            // One index range per stage (newest first, stopping at n), in one batch, not
            // a sort of every card: the first answer costs the same at 1,000 cards or
            // 10,000. (D1 caps compound SELECTs, so not one UNION ALL.)
            let mut statements = Vec::with_capacity(settings.stages.len());
            for stage in &settings.stages {
                statements.push(db::stmt(
                    &ctx.db,
                    &format!("SELECT {columns} FROM customers c {join} WHERE {in_scope} AND c.stage = ?3 ORDER BY c.updated_at DESC, c.id DESC LIMIT {n}"),
                    &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(&stage.key)],
                )?);
            }
            let mut rows = Vec::new();
            for result in db::batch(&ctx.db, statements).await? {
                rows.extend(db::returned::<Row>(&result)?);
            }
            let sums = db::all::<Sum>(&ctx.db, &format!("SELECT c.stage, count(*) AS n, total(c.amount) AS amount FROM customers c WHERE {in_scope} GROUP BY c.stage"), &args).await?;
            let totals = column_totals_from_sums(&settings.stages, sums.iter().map(|s| (s.stage.as_str(), s.n as u32, s.amount)));
            (rows, Some(totals))
        }
    };
    let truncated = per_stage.is_none() && rows.len() > BOARD_LIMIT;
    let complete = match &totals {
        None => !truncated,
        Some(t) => t.iter().map(|c| c.count as usize).sum::<usize>() == rows.len(),
    };
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
    Ok(json(200, &BoardPage { cards, truncated, complete, totals }))
}
