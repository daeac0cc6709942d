//! `/api/v1/customers`: create, read, list, patch, delete.

use shared::api::{CustomerPage, CustomerPatch, CustomerQuery, NewCustomer, Placement};
use shared::audit::{AuditAction, Reason};
use shared::customer::DuplicateKeys;
use shared::ownership::{initial_owner, may_delete, InitialOwner};
use shared::validate::{apply_patch, check_customer, new_customer, Creation};
use worker::{Request, Response};

use crate::audit::{Event, Source};
use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, query_pairs, read_json};
use crate::store::customers::{self as store, fetch_visible, not_found, query_rows, Holder, Record, Row};
use crate::store::scope as sql;

/// `POST /customers`: one batch inserts the row (`INSERT … RETURNING`, under the
/// condition the owner requires) with its audit event, and reads in the same
/// transaction what the answer needs either way: the row as the caller may see it, the
/// customer holding a duplicate key, and whether a requested owner may be given it. Only
/// a refused entry that the ownership rule may turn into a takeover reads again.
pub async fn create(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let input: NewCustomer = read_json(req).await?;
    let settings = ctx.settings().await?;
    let fields = check_customer(&input.fields, &settings).map_err(ApiError::Invalid)?;
    let caller = &ctx.caller;
    let allocate = input.placement == Placement::Allocate;
    let owner = initial_owner(caller.role, &caller.user, &input.placement).map_err(|_| ApiError::Forbidden("reps cannot create customers for someone else".into()))?;
    let id = shared::ids::new_id("c", ctx.now, store::entropy());
    // The intake path: the tenant's rules choose the owner before the row exists.
    let mut allocation = None;
    let mut intake_rule = None;
    let mut cursor_statement = None;
    let mut capacity_limit = None;
    if allocate {
        let inputs = crate::store::allocation::inputs(ctx, true).await?;
        let prospect = fields.prospect(&id);
        let outcome = crate::store::allocation::run(&inputs, std::slice::from_ref(&prospect), &Default::default(), ctx.now as u64)?;
        intake_rule = Some(inputs.rules.label(outcome.strategy));
        cursor_statement = crate::store::allocation::save_cursor(ctx, &outcome)?;
        allocation = outcome.assignments.into_iter().next();
        capacity_limit = allocation.as_ref().and_then(|a| inputs.reps.iter().find(|r| r.id == a.rep)).map(|r| r.capacity);
    }
    let owner_id = match (&allocation, &owner) {
        (Some(a), _) => Some(a.rep.clone()),
        (None, _) if allocate => None,
        (None, InitialOwner::Creator) => Some(caller.user.clone()),
        (None, InitialOwner::Pool) => None,
        (None, InitialOwner::Other(id)) => Some(id.clone()),
    };
    let customer = new_customer(fields, Creation { id, owner: owner_id.clone(), created_by: &caller.user, now: ctx.now }, &settings);
    let record = Record::new(&caller.tenant, &customer, shared::pipeline::reached_stage(&settings.stages, None, &customer.stage));
    crate::contact_budget::spend(ctx, None, &record.keys).await?;
    // ?1 tenant, ?2 caller, ?3 target owner, then the row's values.
    let mut args = vec![Arg::from(&caller.tenant), Arg::from(&caller.user), Arg::from(owner_id.clone().unwrap_or_default())];
    args.extend(store::insert_values(&record));
    let condition = match (capacity_limit, &owner) {
        // The allocated rep must still be under capacity when the row lands.
        (Some(cap), _) => format!("?2 IS NOT NULL AND {} < {cap}", sql::held_by("?3")),
        (None, InitialOwner::Other(_)) if !allocate => sql::assignable_target(caller, "?3"),
        // D1 refuses unused bindings: mention the caller and target parameters.
        _ => "?1 IS NOT NULL AND ?2 IS NOT NULL AND ?3 IS NOT NULL".into(),
    };
    let insert = db::stmt(&ctx.db, &format!("INSERT OR IGNORE INTO customers ({}) SELECT {} WHERE {condition}{}", store::insert_columns(), store::insert_placeholders(4), store::returning()), &args)?;
    let (action, reason) = if allocation.is_some() { (AuditAction::Allocate, Reason::INTAKE_ALLOCATION) } else { (AuditAction::Create, Reason::CREATED) };
    // ?1 tenant, ?2 customer, ?3 caller, ?4 owner, ?5 rule, ?6 now.
    let audit = Event::new(action, "?2", "?3", "?6").to("?4").reason_text(reason).rule("?5").statement(
        &ctx.db,
        Source::AfterChange,
        &[
            Arg::from(&caller.tenant),
            Arg::from(&customer.id),
            Arg::from(&caller.user),
            Arg::from(owner_id.as_deref()),
            Arg::from(intake_rule.clone().filter(|_| allocation.is_some())),
            Arg::Int(ctx.now),
        ],
    )?;
    let keys = record.keys.clone();
    let mut statements = vec![insert, audit];
    statements.extend(cursor_statement);
    let seen_at = statements.len();
    statements.push(store::visible_statement(ctx, &customer.id)?);
    statements.push(store::holder_statement(ctx, &keys, Some(&customer.id))?);
    let target = match &input.placement {
        Placement::Owner(target) => Some(target.clone()),
        _ => None,
    };
    if let Some(target) = &target {
        statements.push(store::target_statement(ctx, target)?);
    }
    let results = db::batch(&ctx.db, statements).await?;
    if db::returned_first::<Row>(&results, 0)?.is_some() {
        let mut view = match db::returned_first::<Row>(&results, seen_at)? {
            Some(row) => row.into_view(caller, &settings, ctx.now),
            // Allocated to someone the caller may not see: answer with what they sent.
            None => store::view(customer, None, caller, &settings, ctx.now),
        };
        view.allocation = allocation;
        return Ok(json(201, &view));
    }
    // Another user owns it: the tenant's ownership rule may give it to the caller.
    if owner == InitialOwner::Creator && !allocate {
        if let Some(taken) = crate::collision::take_over(ctx, &settings, &[&keys]).await?.pop() {
            let row = fetch_visible(ctx, &taken.id).await?.ok_or_else(|| not_found(&taken.id))?;
            return Ok(json(200, &row.into_view(caller, &settings, ctx.now)));
        }
    }
    if let Some(target) = &target {
        if db::returned_first::<serde::de::IgnoredAny>(&results, seen_at + 2)?.is_none() {
            return Err(ApiError::Forbidden(format!("{target} is not an active user you may assign customers to")));
        }
    }
    match store::duplicate_error(caller, &keys, db::returned_first::<Holder>(&results, seen_at + 1)?) {
        ApiError::Internal(_) if allocation.is_some() => Err(ApiError::Conflict { code: "allocation_race", message: "the chosen rep reached capacity meanwhile; submit again".into() }),
        other => Err(other),
    }
}

pub async fn get(ctx: &Ctx, id: &str) -> ApiResult<Response> {
    let settings = ctx.settings().await?;
    let row = fetch_visible(ctx, id).await?.ok_or_else(|| not_found(id))?;
    Ok(json(200, &row.into_view(&ctx.caller, &settings, ctx.now)))
}

pub async fn list(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let pairs = query_pairs(req)?;
    let query = CustomerQuery::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).map_err(ApiError::Invalid)?;
    let settings = ctx.settings().await?;
    let rows = query_rows(ctx, &query, &settings, query.limit + 1).await?;
    let has_more = rows.len() > query.limit as usize;
    let mut items: Vec<_> = rows.into_iter().take(query.limit as usize).map(|r| r.into_view(&ctx.caller, &settings, ctx.now)).collect();
    let next_cursor = if has_more { items.last().map(|v| v.customer.id.clone()) } else { None };
    items.truncate(query.limit as usize);
    Ok(json(200, &CustomerPage { items, next_cursor }))
}

pub async fn patch(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let patch: CustomerPatch = read_json(req).await?;
    write_patch(ctx, id, &patch, None).await
}

/// `POST /customers/{id}/stage`: a board move. Refused moves are 422 with the reason.
pub async fn move_stage(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let input: shared::api::StageMove = read_json(req).await?;
    let patch = CustomerPatch { version: input.version, stage: Some(input.stage.clone()), ..Default::default() };
    write_patch(ctx, id, &patch, Some(&input.stage)).await
}

/// Applies a patch with optimistic concurrency; `moving_to` makes a refused stage entry a
/// 422 (a board move) rather than a 400 (a form).
async fn write_patch(ctx: &Ctx, id: &str, patch: &CustomerPatch, moving_to: Option<&str>) -> ApiResult<Response> {
    let settings = ctx.settings().await?;
    let row = fetch_visible(ctx, id).await?.ok_or_else(|| not_found(id))?;
    let reached_before = row.reached_stage.clone();
    let (existing, owner_name) = row.into_customer();
    let current = store::view(existing.clone(), owner_name.clone(), &ctx.caller, &settings, ctx.now);
    if !current.editable {
        return Err(ApiError::Forbidden("only the owner, their manager or an admin may edit this customer".into()));
    }
    if patch.version != existing.version {
        return Err(ApiError::Stale { current_version: existing.version });
    }
    if let Some(to) = moving_to {
        shared::pipeline::check_move(&settings, &existing, to).map_err(|r| ApiError::Unprocessable {
            code: r.code.clone(),
            message: r.message.clone(),
            details: serde_json::to_value(&r).unwrap_or_default(),
        })?;
    }
    let updated = apply_patch(&existing, patch, &settings, ctx.now).map_err(ApiError::Invalid)?;
    let record = Record::new(&ctx.caller.tenant, &updated, shared::pipeline::reached_stage(&settings.stages, reached_before.as_deref(), &updated.stage));
    crate::contact_budget::spend(ctx, Some(&DuplicateKeys::of_customer(&existing)), &record.keys).await?;
    // ?1 tenant, ?2 caller, ?3 id, ?4 the version read, then the patched columns.
    let sql =
        format!("UPDATE OR IGNORE customers AS c SET {} WHERE c.tenant_id = ?1 AND c.id = ?3 AND c.version = ?4 AND c.deleted_at IS NULL AND {}", store::patch_set(5), sql::editable(&ctx.caller));
    let mut args = vec![Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(id), Arg::Int(existing.version)];
    args.extend(store::patch_values(&record));
    let keys = record.keys.clone();
    if db::run(&ctx.db, &sql, &args).await? == 1 {
        return Ok(json(200, &store::view(updated, owner_name, &ctx.caller, &settings, ctx.now)));
    }
    // Lost a race: say why, from what is there now.
    match fetch_visible(ctx, id).await? {
        None => Err(not_found(id)),
        Some(row) => {
            let (now_there, _) = row.into_customer();
            if now_there.version != existing.version {
                Err(ApiError::Stale { current_version: now_there.version })
            } else {
                Err(store::duplicate_of(ctx, &keys, Some(id)).await?)
            }
        }
    }
}

pub async fn delete(ctx: &Ctx, id: &str) -> ApiResult<Response> {
    if !may_delete(ctx.caller.role) {
        return Err(ApiError::Forbidden("only managers and admins delete customers".into()));
    }
    let [audit, update] = store::delete_statements(ctx, "c.id = ?3", id, "")?;
    let results = db::batch(&ctx.db, vec![audit, update]).await?;
    if results.get(1).map(db::changes) == Some(1) {
        Ok(json(200, &shared::api::Deleted { deleted: id.to_string() }))
    } else {
        Err(not_found(id))
    }
}
