//! Segment rules are data: when an admin changes them, every live customer of the tenant
//! is classified again (`shared::segment::segment_key`), a page at a time, and only the
//! customers whose segment changes are written. Each write names the version it read, so
//! a customer edited meanwhile (and classified by that edit under the new rules) is left
//! alone. The segment is derived data: rewriting it does not bump the version, so nobody's
//! open form goes stale because of it.

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
        let mut updates = Vec::new();
        for row in rows {
            let (customer, _) = row.into_customer();
            let segment = segment_key(&settings.segments, &customer);
            if segment != customer.segment {
                updates.push(json!([customer.id, customer.version, segment]));
            }
            after = customer.id;
        }
        if !updates.is_empty() {
            let result = db::batch(
                &ctx.db,
                vec![db::stmt(
                    &ctx.db,
                    "UPDATE customers SET segment = s.segment FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS version, \
                     json_extract(value, '$[2]') AS segment FROM json_each(?2)) AS s \
                     WHERE customers.tenant_id = ?1 AND customers.id = s.id AND customers.version = s.version",
                    &[Arg::from(&ctx.caller.tenant), Arg::Text(Value::Array(updates).to_string())],
                )?],
            )
            .await?;
            changed += result.first().map(db::changes).unwrap_or(0);
        }
        if count < PAGE {
            return Ok(changed);
        }
    }
}
