//! Segment rules are data: when an admin changes them, every live customer of the tenant
//! is classified again (`shared::segment::segment_key`), a page at a time, and only the
//! customers whose segment changes are written. Each write names the version it read, so
//! a customer edited meanwhile (and classified by that edit under the new rules) is left
//! alone. The segment is derived data: rewriting it does not bump the version, so nobody's
//! open form goes stale because of it.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use shared::segment::segment_key;
use shared::settings::TenantSettings;

use crate::context::Ctx;
use crate::customer_sql::{Row, SELECT};
use crate::db::{self, Arg};
use crate::error::ApiResult;

/// Customers read per page.
const PAGE: usize = 500;

/// Classifies every live customer again under `settings.segments`; answers how many
/// changed segment.
pub async fn resegment(ctx: &Ctx, settings: &TenantSettings) -> ApiResult<usize> {
    let mut changed = 0;
    let mut after = String::new();
    loop {
        let rows = db::all::<Row>(
            &ctx.db,
            &format!("{SELECT} WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND c.id > ?2 ORDER BY c.id LIMIT {PAGE}"),
            &[Arg::from(&ctx.caller.tenant), Arg::from(&after)],
        )
        .await?;
        let count = rows.len();
        // Changed customers grouped by their new segment: one statement per segment.
        let mut by_segment: BTreeMap<Option<String>, Vec<Value>> = BTreeMap::new();
        for row in rows {
            let (customer, _) = row.into_customer();
            let segment = segment_key(&settings.segments, &customer);
            if segment != customer.segment {
                by_segment.entry(segment).or_default().push(json!([customer.id, customer.version]));
            }
            after = customer.id;
        }
        if !by_segment.is_empty() {
            let mut statements = Vec::with_capacity(by_segment.len());
            for (segment, pairs) in by_segment {
                // The first IN finds the rows by primary key; the second keeps those still
                // at the version read.
                statements.push(db::stmt(
                    &ctx.db,
                    "UPDATE customers SET segment = ?3 WHERE tenant_id = ?1 \
                     AND id IN (SELECT json_extract(value, '$[0]') FROM json_each(?2)) \
                     AND (id || '@' || version) IN (SELECT json_extract(value, '$[0]') || '@' || json_extract(value, '$[1]') FROM json_each(?2))",
                    &[Arg::from(&ctx.caller.tenant), Arg::Text(Value::Array(pairs).to_string()), Arg::from(segment)],
                )?);
            }
            changed += db::batch(&ctx.db, statements).await?.iter().map(db::changes).sum::<usize>();
        }
        if count < PAGE {
            return Ok(changed);
        }
    }
}
