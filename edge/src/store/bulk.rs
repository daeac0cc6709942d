//! What a bulk action reads: the customers a filter selects (bounded), their count for
//! the list's "select all N matching", and what the caller sees of each selected
//! customer, read in the batch that writes the others so the reasons for skipping
//! describe the very state the write met.

use serde::Deserialize;
use shared::api::{CustomerQuery, MAX_SELECTION};
use shared::bulk::Seen;
use shared::settings::TenantSettings;
use worker::D1PreparedStatement;

use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::ApiResult;
use crate::store::scope::{self, Filter};

/// The condition choosing the selected customers: ?3 is their ids as a JSON array, one
/// bound parameter however many (D1 allows 100 per statement).
pub const SELECTED: &str = "c.id IN (SELECT value FROM json_each(?3))";

fn matching_filter(ctx: &Ctx, query: &CustomerQuery, settings: &TenantSettings) -> Filter {
    let mut filter = Filter::new(&ctx.caller);
    filter.apply_query(query, settings, ctx.now);
    filter
}

/// The ids of the customers matching a list filter, newest first as the list shows them,
/// at most one more than a bulk action takes (the caller refuses that many).
pub async fn matching(ctx: &Ctx, query: &CustomerQuery, settings: &TenantSettings) -> ApiResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let filter = matching_filter(ctx, query, settings);
    let sql = format!("SELECT c.id FROM customers c WHERE {} ORDER BY c.id DESC LIMIT {}", filter.where_clause(), MAX_SELECTION + 1);
    Ok(db::all::<Id>(&ctx.db, &sql, &filter.args).await?.into_iter().map(|r| r.id).collect())
}

/// How many customers match a list filter, counted up to one more than a bulk action
/// takes: the count never scans past that, whatever the tenant's size.
pub async fn count(ctx: &Ctx, query: &CustomerQuery, settings: &TenantSettings) -> ApiResult<u32> {
    #[derive(Deserialize)]
    struct Count {
        n: f64,
    }
    let filter = matching_filter(ctx, query, settings);
    let sql = format!("SELECT count(*) AS n FROM (SELECT 1 FROM customers c WHERE {} LIMIT {})", filter.where_clause(), MAX_SELECTION + 1);
    Ok(db::first::<Count>(&ctx.db, &sql, &filter.args).await?.map_or(0, |c| c.n as u32))
}

/// What the caller sees of each selected customer (?3, a JSON array of ids), one row per
/// id, as a statement placed before the writes of the batch: whether they may read it
/// and change it, its owner, and — for a tag (`tag`) — whether it has that tag.
pub fn seen_statement(ctx: &Ctx, ids: &str, tag: Option<&str>) -> ApiResult<D1PreparedStatement> {
    let sql = format!(
        "SELECT s.value AS id, c.id IS NOT NULL AND {} AS visible, c.id IS NOT NULL AND {} AS editable, c.owner_id, \
         coalesce(json_array_length(c.tags), 0) AS tags, c.id IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?4) AS has_tag \
         FROM json_each(?3) s LEFT JOIN customers c ON c.tenant_id = ?1 AND c.id = s.value AND c.deleted_at IS NULL",
        scope::visible(&ctx.caller),
        scope::editable(&ctx.caller),
    );
    db::stmt(&ctx.db, &sql, &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(ids), Arg::from(tag)])
}

/// A row of [`seen_statement`].
#[derive(Deserialize)]
pub struct SeenRow {
    pub id: String,
    visible: Option<f64>,
    editable: Option<f64>,
    owner_id: Option<String>,
    tags: Option<f64>,
    has_tag: Option<f64>,
}

impl SeenRow {
    pub fn seen(self) -> (String, Seen) {
        let yes = |v: Option<f64>| v.is_some_and(|v| v != 0.0);
        let seen = Seen { visible: yes(self.visible), editable: yes(self.editable), owner: self.owner_id, has_tag: yes(self.has_tag), tags: self.tags.map_or(0, |n| n as usize) };
        (self.id, seen)
    }
}
