//! `POST /customers/bulk`: one action over up to 5,000 customers (`shared::api::BulkRequest`),
//! and `GET /customers/count`, the list's "select all N matching".
//!
//! A bulk action is its single route applied to a set: the same permission
//! (`BulkAction::permitted`), and the same statements with the customers chosen by
//! `store::bulk::SELECTED` instead of by one id — `store::ownership`'s release and
//! transfer, `store::customers`' delete and tag, `store::allocation`'s run written
//! set-based. Each action is one D1 batch of a few statements whatever the selection's
//! size (every id travels as one JSON parameter): what the caller sees of every selected
//! customer, then the audit rows, then the change `RETURNING` the ids it changed. So
//! the audit and the change happen together or not at all, and every customer not
//! changed is explained (`shared::api::skip_reason`) by the state the change met. A tag
//! reads the customers it would change first: the segment the tag gives each is computed
//! by `shared::segment` and written with the tag, in the same statement, to customers
//! still at the version read (one changed meanwhile is skipped as stale).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{json, Value};
use shared::api::{BulkAction, BulkRequest, BulkResult, CustomerCount, CustomerQuery, RepShare, Skipped, MAX_SELECTION};
use shared::audit::Reason;
use shared::bulk::{check, permitted, skip_reason};
use worker::{D1PreparedStatement, Request, Response};

use crate::context::Ctx;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, query_pairs, read_json};
use crate::store::bulk::{count, matching, seen_statement, SeenRow, SELECTED};
use crate::store::customers::Row;

/// `GET /customers/count`: how many customers the list's filters match, up to one more
/// than a bulk action takes.
pub async fn count_matching(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let pairs = query_pairs(req)?;
    let query = CustomerQuery::parse(pairs.iter().filter(|(k, _)| k != "cursor" && k != "limit").map(|(k, v)| (k.as_str(), v.as_str()))).map_err(ApiError::Invalid)?;
    let settings = ctx.settings().await?;
    let n = count(ctx, &query, &settings).await?;
    Ok(json(200, &CustomerCount { count: n, limit: MAX_SELECTION as u32 }))
}

pub async fn bulk(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let request: BulkRequest = read_json(req).await?;
    let action = check(&request).map_err(ApiError::Invalid)?;
    if !permitted(action, ctx.caller.role) {
        return Err(ApiError::Forbidden(format!("{} is for managers and admins", action.as_str())));
    }
    let settings = ctx.settings().await?;
    let ids = match request.query().map_err(ApiError::Invalid)? {
        Some(query) => {
            let ids = matching(ctx, &query, &settings).await?;
            if ids.len() > MAX_SELECTION {
                return Err(ApiError::Unprocessable {
                    code: "selection_too_large".into(),
                    message: format!("more than {MAX_SELECTION} customers match: narrow the filter and act in parts"),
                    details: json!({ "limit": MAX_SELECTION }),
                });
            }
            ids
        }
        None => request.unique_ids(),
    };
    if let (BulkAction::Assign | BulkAction::Transfer, Some(to)) = (action, &request.to) {
        // A clear refusal for a target no customer could go to; the writes state the same
        // condition, so a target deactivated meanwhile gets nothing either.
        let ok = db::batch(&ctx.db, vec![crate::store::customers::target_statement(ctx, to)?]).await?;
        if ok.first().map(db::returned::<Value>).transpose()?.is_none_or(|rows| rows.is_empty()) {
            return Err(ApiError::Forbidden(format!("cannot give customers to {to}: not an active user in your scope")));
        }
    }
    let selected = u32::try_from(ids.len()).unwrap_or(u32::MAX);
    if action == BulkAction::Distribute {
        return distribute(ctx, &request, ids, selected).await;
    }
    let ids_json = serde_json::to_string(&ids)?;
    let tag = request.clean_tag();
    let writes: Vec<D1PreparedStatement> = match action {
        BulkAction::Release => {
            let reason = Reason::with_note(request.reason_code.as_deref().unwrap_or_default(), request.note.as_deref()).into_string();
            crate::store::ownership::release_statements(ctx, SELECTED, &ids_json, reason, " RETURNING id")?.into()
        }
        BulkAction::Transfer | BulkAction::Assign => {
            let which = if action == BulkAction::Assign { format!("{SELECTED} AND c.owner_id IS NULL") } else { SELECTED.to_string() };
            let reason = Reason::transfer(request.note.as_deref()).into_string();
            crate::store::ownership::transfer_statements(ctx, &which, &ids_json, request.to.as_deref().unwrap_or_default(), reason, " RETURNING id")?.into()
        }
        BulkAction::Delete => crate::store::customers::delete_statements(ctx, SELECTED, &ids_json, " RETURNING id")?.into(),
        BulkAction::Tag => {
            let tag = tag.as_deref().unwrap_or_default();
            let plan = tag_plan(&settings, tag, crate::store::customers::tag_candidates(ctx, SELECTED, &ids_json, tag).await?)?;
            vec![crate::store::customers::tag_statement(ctx, &plan, tag, settings.version)?]
        }
        BulkAction::Distribute => Vec::new(),
    };
    let changed_at = writes.len();
    let mut statements = vec![seen_statement(ctx, &ids_json, tag.as_deref())?];
    statements.extend(writes);
    let results = db::batch(&ctx.db, statements).await?;
    let seen: Vec<SeenRow> = results.first().map(db::returned).transpose()?.unwrap_or_default();
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    let rows: Vec<Id> = results.get(changed_at).map(db::returned).transpose()?.unwrap_or_default();
    let done: Vec<String> = rows.into_iter().map(|r| r.id).collect();
    let result = answer(ctx, &request, action, selected, done, seen);
    Ok(json(200, &result))
}

/// Orders `done` as selected and explains every selected customer not in it.
fn answer(ctx: &Ctx, request: &BulkRequest, action: BulkAction, selected: u32, done: Vec<String>, seen: Vec<SeenRow>) -> BulkResult {
    let changed: HashSet<&str> = done.iter().map(String::as_str).collect();
    let mut in_order = Vec::with_capacity(done.len());
    let mut skipped = Vec::new();
    for row in seen {
        let (id, seen) = row.seen();
        if changed.contains(id.as_str()) {
            in_order.push(id);
        } else {
            let reason = skip_reason(action, ctx.caller.role, request.to.as_deref(), &seen);
            skipped.push(Skipped { id, reason });
        }
    }
    BulkResult { action, selected, done: in_order, skipped, applied: true, distribution: Vec::new(), rule: None }
}

/// The customers to tag, each with the version read and the segment the tag gives it (a
/// segment rule may read the tags, and a write classifies what it changes), as the JSON
/// plan `store::customers::tag_statement` writes in the batch of the tag itself: tags
/// and segments change together or not at all.
fn tag_plan(settings: &shared::settings::TenantSettings, tag: &str, rows: Vec<Row>) -> ApiResult<String> {
    let plan: Vec<Value> = rows
        .into_iter()
        .map(|row| {
            let (mut customer, _) = row.into_customer();
            customer.tags.push(tag.to_string());
            json!([customer.id, customer.version, shared::segment::segment_key(&settings.segments, &customer)])
        })
        .collect();
    Ok(serde_json::to_string(&plan)?)
}

/// Pool customers of the selection handed out by the allocation engine: a preview writes
/// nothing; an apply writes every assignment set-based in one batch with its audit rows
/// (`store::allocation::assign_statements`), after what the caller sees of each.
async fn distribute(ctx: &Ctx, request: &BulkRequest, ids: Vec<String>, selected: u32) -> ApiResult<Response> {
    use crate::store::allocation::{assign_statements, inputs, prospects, run, save_cursor};
    let inputs = inputs(ctx, false).await?;
    let ids_json = serde_json::to_string(&ids)?;
    let customers = prospects(ctx, &Some(ids)).await?;
    let allocation = shared::api::AllocationRequest { strategy: request.strategy, customer_ids: None, ..Default::default() };
    let outcome = run(&inputs, &customers, &allocation, ctx.now as u64)?;
    let rule = inputs.rules.label(outcome.strategy);
    let mut statements = vec![seen_statement(ctx, &ids_json, None)?];
    let mut planned: Vec<String> = outcome.assignments.iter().map(|a| a.customer.clone()).collect();
    if request.apply {
        if let Some([audit, update]) = assign_statements(ctx, &inputs, &outcome, &rule)? {
            statements.extend([audit, update]);
            statements.extend(save_cursor(ctx, &outcome)?);
        }
    }
    let writes = statements.len() > 1;
    let results = db::batch(&ctx.db, statements).await?;
    let seen: Vec<SeenRow> = results.first().map(db::returned).transpose()?.unwrap_or_default();
    if request.apply {
        #[derive(serde::Deserialize)]
        struct Id {
            id: String,
        }
        let rows: Vec<Id> = if writes { results.get(2).map(db::returned).transpose()?.unwrap_or_default() } else { Vec::new() };
        planned = rows.into_iter().map(|r| r.id).collect();
    }
    let reps: HashMap<&str, &str> = outcome.assignments.iter().map(|a| (a.customer.as_str(), a.rep.as_str())).collect();
    let mut shares: BTreeMap<&str, u32> = BTreeMap::new();
    for id in &planned {
        if let Some(rep) = reps.get(id.as_str()) {
            *shares.entry(rep).or_default() += 1;
        }
    }
    let distribution = shares.into_iter().map(|(rep, customers)| RepShare { rep: rep.to_string(), customers }).collect();
    let mut result = answer(ctx, request, BulkAction::Distribute, selected, planned, seen);
    result.applied = request.apply;
    result.distribution = distribution;
    result.rule = Some(rule);
    Ok(json(200, &result))
}
