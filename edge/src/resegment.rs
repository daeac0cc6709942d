//! Segment rules are data: when an admin changes them, every live customer of the tenant
//! is classified again (`shared::segment::segment_key`), a page at a time, and only the
//! customers whose segment changes are written. Each write names the version it read, so
//! a customer edited meanwhile (and classified by that edit under the new rules) is left
//! alone. The segment is derived data: rewriting it does not bump the version, so nobody's
//! open form goes stale because of it.
//!
//! Two numbers on the tenant row keep passes honest (migration 0011): `settings_version`,
//! announced by `PUT /settings` before its pass, is a condition of every write, so a pass
//! for older rules that finishes late writes nothing; `segments_version` records the
//! version a pass completed. A pass that failed midway leaves it behind, and the Cron
//! Trigger ([`heal`]) runs the pass again. A pass too big for one request is continued
//! the same way at once ([`begin`] queues its next page).
//!
//! [`preview`] counts what proposed rules would give, writing nothing.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use shared::api::{SegmentCount, SegmentPreview, SEGMENT_PREVIEW_SAMPLE};
use shared::segment::{segment_key, SegmentRule};
use shared::settings::TenantSettings;

use worker::{D1Database, Env};

use crate::context::Caller;
use crate::db::{self, Arg};
use crate::error::ApiResult;
use crate::store::customers::{select, Row};
use crate::store::scope::owner_in_reach;

/// Customers a segment what-if reads per statement.
const SEGMENT_PREVIEW_PAGE: usize = 1_000;

/// Customers read per page.
const PAGE: usize = 500;

/// Records that `version` of the tenant's settings is stored: passes for older versions
/// stop writing from now on.
pub async fn announce(db: &D1Database, tenant: &str, version: i64) -> ApiResult<()> {
    db::run(db, "UPDATE tenants SET settings_version = max(settings_version, ?2) WHERE id = ?1", &[Arg::from(tenant), Arg::Int(version)]).await?;
    Ok(())
}

/// Settings whose segment rules did not change: if the previous version's rules were
/// applied to every customer, so are these.
pub async fn carry_over(db: &D1Database, tenant: &str, previous: i64, version: i64) -> ApiResult<()> {
    db::run(db, "UPDATE tenants SET segments_version = ?3 WHERE id = ?1 AND segments_version = ?2 AND settings_version = ?3", &[Arg::from(tenant), Arg::Int(previous), Arg::Int(version)]).await?;
    Ok(())
}

/// Pages a `PUT /settings` classifies itself before it answers: a tenant of up to
/// 2,000 customers sees every customer under the new rules in the answer; a bigger one
/// has the rest done by the maintenance queue, a page per message, so the request's D1
/// statements and CPU stay the same at a million customers.
pub const PAGES_IN_REQUEST: usize = 4;

/// How a pass begun by a request stands when the request answers.
pub struct Begun {
    /// Customers whose segment changed in the request's pages.
    pub changed: usize,
    /// Whether pages remain, queued for the maintenance consumer.
    pub queued: bool,
}

/// Classifies live customers again under `settings.segments`, [`PAGES_IN_REQUEST`]
/// pages here and the rest through the maintenance queue (`Job::Resegment`, finished by
/// [`heal`]). Writes nothing once newer settings are announced.
pub async fn begin(env: &Env, db: &D1Database, tenant: &str, settings: &TenantSettings) -> ApiResult<Begun> {
    let mut changed = 0;
    let mut after = String::new();
    for _ in 0..PAGES_IN_REQUEST {
        let (n, next) = page(db, tenant, settings, &after).await?;
        changed += n;
        match next {
            Some(next) => after = next,
            None => return Ok(Begun { changed, queued: false }),
        }
    }
    crate::queue::enqueue(env, crate::queue::Job::Resegment { tenant: tenant.to_string(), after, version: Some(settings.version) }).await?;
    Ok(Begun { changed, queued: true })
}

/// One page of a pass: the live customers after the id `after` (`""`: the first page)
/// classified again, those whose segment changed written in one batch. Answers how many
/// changed and, when the page was full, the id to continue after; the last page records
/// the pass as complete (`segments_version`).
async fn page(db: &D1Database, tenant: &str, settings: &TenantSettings, after: &str) -> ApiResult<(usize, Option<String>)> {
    let rows = db::all::<Row>(db, &format!("{} WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND c.id > ?2 ORDER BY c.id LIMIT {PAGE}", select()), &[Arg::from(tenant), Arg::from(after)]).await?;
    let count = rows.len();
    let mut last = String::new();
    // Changed customers grouped by their new segment: one statement per segment.
    let mut by_segment: BTreeMap<Option<String>, Vec<Value>> = BTreeMap::new();
    for row in rows {
        let (customer, _) = row.into_customer();
        let segment = segment_key(&settings.segments, &customer);
        if segment != customer.segment {
            by_segment.entry(segment).or_default().push(json!([customer.id, customer.version]));
        }
        last = customer.id;
    }
    let mut changed = 0;
    if !by_segment.is_empty() {
        let statements = segment_writes(db, tenant, settings.version, by_segment)?;
        changed = db::batch(db, statements).await?.iter().map(db::changes).sum::<usize>();
    }
    if count == PAGE {
        return Ok((changed, Some(last)));
    }
    db::run(db, "UPDATE tenants SET segments_version = ?2 WHERE id = ?1 AND settings_version = ?2 AND segments_version < ?2", &[Arg::from(tenant), Arg::Int(settings.version)]).await?;
    Ok((changed, None))
}

/// The statements that write new segments, one per segment: `by_segment` maps a segment
/// to the `[id, version]` pairs of the customers it now holds. Each customer is written
/// only while at the version it was classified at, and only while `settings_version` is
/// the announced one.
pub fn segment_writes(db: &D1Database, tenant: &str, settings_version: i64, by_segment: BTreeMap<Option<String>, Vec<Value>>) -> ApiResult<Vec<worker::D1PreparedStatement>> {
    let mut statements = Vec::with_capacity(by_segment.len());
    for (segment, pairs) in by_segment {
        // The first IN finds the rows by primary key; the second keeps those still
        // at the version read.
        statements.push(db::stmt(
            db,
            "UPDATE customers SET segment = ?3 WHERE tenant_id = ?1 \
             AND id IN (SELECT json_extract(value, '$[0]') FROM json_each(?2)) \
             AND (id || '@' || version) IN (SELECT json_extract(value, '$[0]') || '@' || json_extract(value, '$[1]') FROM json_each(?2)) \
             AND EXISTS (SELECT 1 FROM tenants WHERE id = ?1 AND settings_version = ?4)",
            &[Arg::from(tenant), Arg::Text(Value::Array(pairs).to_string()), Arg::from(segment), Arg::Int(settings_version)],
        )?);
    }
    Ok(statements)
}

/// The maintenance queue's part (`maintenance.rs`): finishes a tenant's pass that failed
/// midway. A tenant whose customers reflect its newest settings costs one row read; KV is
/// read only for a tenant that is behind, and a KV copy older than the announced version
/// is left for a later run.
/// One page at a time: answers how many changed, the settings version the page was
/// classified under, and where the next page starts, if any.
pub async fn heal(env: &Env, tenant: &str, after: &str, version: Option<i64>) -> ApiResult<(usize, i64, Option<String>)> {
    let db = env.d1("DB")?;
    #[derive(serde::Deserialize)]
    struct Behind {
        settings_version: i64,
    }
    let behind = db::first::<Behind>(&db, "SELECT settings_version FROM tenants WHERE id = ?1 AND segments_version < settings_version", &[Arg::from(tenant)]).await?;
    let Some(behind) = behind else { return Ok((0, 0, None)) };
    // A continuation for settings that are no longer the announced ones: the newer pass
    // (begun by its own `PUT /settings`, or by the cron from the start) does the work.
    if version.is_some_and(|v| v != behind.settings_version) {
        return Ok((0, behind.settings_version, None));
    }
    let settings: TenantSettings = crate::documents::load(env, tenant).await?;
    if settings.version != behind.settings_version {
        return Ok((0, behind.settings_version, None));
    }
    let (changed, next) = page(&db, tenant, &settings, after).await?;
    Ok((changed, settings.version, next))
}

/// How many customers each of `rules` would get (ordered, first match wins), by the same
/// classifier writes use (`shared::segment::segment_of`): the rules read JSON values with
/// Rust's equality (a number against a custom field's text, a tag list), which SQL would
/// state only approximately, so the customers' rule fields are read and classified here.
/// The most recent [`SEGMENT_PREVIEW_SAMPLE`] live customers at most: every customer of a
/// tenant up to that size (`exact`), a sample of a bigger one, read in pages of
/// [`SEGMENT_PREVIEW_PAGE`].
pub async fn preview(db: &D1Database, caller: &Caller, rules: &[SegmentRule]) -> ApiResult<SegmentPreview> {
    // Only the columns a rule may read (`shared::segment`'s fields), a page at a time (a
    // row's custom fields may be tens of KB: a page bounds what is held at once), of the
    // customers the caller sees (a manager: the pool and their team's); one row past the
    // sample tells whether there are more.
    let sql = format!(
        "SELECT c.industry, c.region, c.source, c.amount, c.stage, c.tier, c.intent, c.tags, c.custom FROM customers c \
         WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND (c.owner_id IS NULL OR {}) ORDER BY c.created_at DESC, c.id DESC LIMIT ?2 OFFSET ?3",
        owner_in_reach(caller, "?4")
    );
    let mut counts = vec![0u64; rules.len()];
    let mut counted = 0u64;
    let mut unmatched = 0u64;
    let mut more = false;
    let mut offset = 0usize;
    // Pages up to the sample and one row past it.
    while offset <= SEGMENT_PREVIEW_SAMPLE {
        let take = SEGMENT_PREVIEW_PAGE.min(SEGMENT_PREVIEW_SAMPLE + 1 - offset);
        let page = db::all::<Row>(db, &sql, &[Arg::from(&caller.tenant), Arg::Int(take as i64), Arg::Int(offset as i64), Arg::from(&caller.user)]).await?;
        let full = page.len() == take;
        offset += page.len();
        for row in page {
            if counted as usize == SEGMENT_PREVIEW_SAMPLE {
                more = true;
                break;
            }
            let (customer, _) = row.into_customer();
            counted += 1;
            match rules.iter().position(|r| r.matches(&customer)) {
                Some(i) => counts[i] += 1,
                None => unmatched += 1,
            }
        }
        if !full {
            break;
        }
    }
    let exact = !more;
    let segments = rules.iter().zip(counts).map(|(r, count)| SegmentCount { key: r.key.clone(), count }).collect();
    Ok(SegmentPreview { exact, sampled: (!exact).then_some(counted), counted, segments, unmatched })
}
