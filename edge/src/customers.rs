//! `/api/v1/customers`: create, read, list, patch, delete.

use serde::Deserialize;
use shared::api::{CustomerPage, CustomerPatch, CustomerQuery, DuplicateDetails, NewCustomer, Placement};
use shared::customer::{Customer, DuplicateKeys};
use shared::settings::StageDef;
use shared::ownership::{initial_owner, may_delete, InitialOwner};
use shared::validate::{apply_patch, check_customer, new_customer, Creation};
use worker::{Request, Response};

use crate::context::Ctx;
use crate::customer_sql::{self as sql, Filter, Row, SELECT};
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, query_pairs, read_json};

/// A fresh random 64-bit value for ids. Uniqueness, not secrecy, is what ids need.
pub fn entropy() -> u64 {
    let hi = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let lo = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (hi << 32) | lo
}

/// Columns written on insert, in order; the values come from [`insert_values`].
pub const INSERT_COLUMNS: &str = "tenant_id, id, name, company, contact_name, phone, email, wechat, industry, region, \
     source, amount, stage, tier, intent, tags, custom, owner_id, collaborators, created_by, created_at, updated_at, \
     owned_since, last_follow_up_at, next_follow_up_at, won_at, lost_at, segment, version, phone_key, email_key, \
     company_key, import_key, reached_stage";
pub const INSERT_COLUMN_COUNT: usize = 34;

pub fn insert_values(tenant: &str, c: &Customer, import_key: Option<String>, stages: &[StageDef]) -> Vec<Arg> {
    let keys = DuplicateKeys::of_customer(c);
    vec![
        Arg::from(tenant),
        Arg::from(&c.id),
        Arg::from(&c.name),
        Arg::from(c.company.clone()),
        Arg::from(c.contact_name.clone()),
        Arg::from(c.phone.clone()),
        Arg::from(c.email.clone()),
        Arg::from(c.wechat.clone()),
        Arg::from(c.industry.clone()),
        Arg::from(c.region.clone()),
        Arg::from(c.source.clone()),
        Arg::from(c.amount),
        Arg::from(&c.stage),
        Arg::from(c.tier.map(|t| t.as_str())),
        Arg::from(c.intent.map(|i| i.as_str())),
        Arg::Text(serde_json::to_string(&c.tags).unwrap_or_else(|_| "[]".into())),
        Arg::Text(serde_json::to_string(&c.custom).unwrap_or_else(|_| "{}".into())),
        Arg::from(c.owner.clone()),
        Arg::Text(serde_json::to_string(&c.collaborators).unwrap_or_else(|_| "[]".into())),
        Arg::from(&c.created_by),
        Arg::Int(c.created_at),
        Arg::Int(c.updated_at),
        Arg::from(c.owner.as_ref().map(|_| c.created_at)),
        Arg::from(c.last_follow_up_at),
        Arg::from(c.next_follow_up_at),
        Arg::from(c.won_at),
        Arg::from(c.lost_at),
        Arg::from(c.segment.clone()),
        Arg::Int(c.version),
        Arg::from(keys.phone),
        Arg::from(keys.email),
        Arg::from(keys.company),
        Arg::from(import_key),
        Arg::from(shared::pipeline::reached_stage(stages, None, &c.stage)),
    ]
}

pub async fn create(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let input: NewCustomer = read_json(req).await?;
    let settings = ctx.settings().await?;
    let fields = check_customer(&input.fields, &settings).map_err(ApiError::Invalid)?;
    let caller = &ctx.caller;
    let allocate = input.placement == Placement::Allocate;
    let owner = initial_owner(caller.role, &caller.user, &input.placement)
        .map_err(|_| ApiError::Forbidden("reps cannot create customers for someone else".into()))?;
    let id = shared::ids::new_id("c", ctx.now, entropy());
    // The intake path: the tenant's rules choose the owner before the row exists.
    let mut allocation = None;
    let mut intake_rule = None;
    let mut cursor_statement = None;
    let mut capacity_limit = None;
    if allocate {
        let inputs = crate::allocations::inputs(ctx, true).await?;
        let prospect = shared::allocation::Prospect {
            id: id.clone(),
            name: fields.name.clone(),
            industry: fields.industry.clone(),
            region: fields.region.clone(),
            tier: fields.tier,
            amount: fields.amount.unwrap_or(0.0),
            existing: false,
        };
        let outcome = crate::allocations::run(&inputs, std::slice::from_ref(&prospect), &Default::default(), ctx.now as u64)?;
        intake_rule = Some(inputs.rules.label(outcome.strategy));
        cursor_statement = crate::allocations::save_cursor(ctx, &outcome)?;
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
    crate::contact_budget::spend(ctx, None, &DuplicateKeys::of_customer(&customer)).await?;
    // ?1 tenant, ?2 caller, ?3 target owner, then the row's values.
    let mut args = vec![Arg::from(&caller.tenant), Arg::from(&caller.user), Arg::from(owner_id.clone().unwrap_or_default())];
    args.extend(insert_values(&caller.tenant, &customer, None, &settings.stages));
    let placeholders: Vec<String> = (4..4 + INSERT_COLUMN_COUNT).map(|i| format!("?{i}")).collect();
    let condition = match (capacity_limit, &owner) {
        // The allocated rep must still be under capacity when the row lands.
        (Some(cap), _) => format!("?2 IS NOT NULL AND (SELECT count(*) FROM customers h WHERE h.tenant_id = ?1 AND h.owner_id = ?3 AND h.deleted_at IS NULL) < {cap}"),
        (None, InitialOwner::Other(_)) if !allocate => sql::assignable_target(caller),
        // D1 refuses unused bindings: mention the caller and target parameters.
        _ => "?1 IS NOT NULL AND ?2 IS NOT NULL AND ?3 IS NOT NULL".into(),
    };
    let insert = db::stmt(
        &ctx.db,
        &format!("INSERT OR IGNORE INTO customers ({INSERT_COLUMNS}) SELECT {} WHERE {condition}", placeholders.join(", ")),
        &args,
    )?;
    let (action, reason) = if allocation.is_some() { ("allocate", "intake allocation") } else { ("create", "created") };
    let audit = db::stmt(
        &ctx.db,
        "INSERT INTO audit_events (tenant_id, customer_id, actor_id, action, from_owner, to_owner, reason, rule, at) \
         SELECT ?1, ?2, ?3, ?4, NULL, ?5, ?6, ?7, ?8 WHERE changes() = 1",
        &[
            Arg::from(&caller.tenant),
            Arg::from(&customer.id),
            Arg::from(&caller.user),
            Arg::from(action),
            Arg::from(owner_id.as_deref()),
            Arg::from(reason),
            Arg::from(intake_rule.clone().filter(|_| allocation.is_some())),
            Arg::Int(ctx.now),
        ],
    )?;
    let mut statements = vec![insert, audit];
    statements.extend(cursor_statement);
    let results = db::batch(&ctx.db, statements).await?;
    if results.first().map(db::changes) == Some(1) {
        let row = fetch_visible(ctx, &customer.id).await?;
        let mut view = match row {
            Some(row) => row.into_view(caller, &settings, ctx.now),
            // Allocated to someone the caller may not see: answer with what they sent.
            None => sql::view(customer, None, caller, &settings, ctx.now),
        };
        view.allocation = allocation;
        return Ok(json(201, &view));
    }
    // Another user owns it: the tenant's ownership rule may give it to the caller.
    let keys = DuplicateKeys::of_customer(&customer);
    if owner == InitialOwner::Creator && !allocate {
        if let Some(taken) = crate::collision::take_over(ctx, &settings, &[&keys]).await?.pop() {
            let row = fetch_visible(ctx, &taken.id).await?.ok_or_else(|| not_found(&taken.id))?;
            return Ok(json(200, &row.into_view(caller, &settings, ctx.now)));
        }
    }
    if let InitialOwner::Other(target) = &input_owner_target(&input) {
        if !target_assignable(ctx, target).await? {
            return Err(ApiError::Forbidden(format!("{target} is not an active user you may assign customers to")));
        }
    }
    match duplicate_of(ctx, &keys, None).await? {
        ApiError::Internal(_) if allocation.is_some() => {
            Err(ApiError::Conflict { code: "allocation_race", message: "the chosen rep reached capacity meanwhile; submit again".into() })
        }
        other => Err(other),
    }
}

fn input_owner_target(input: &NewCustomer) -> InitialOwner {
    match &input.placement {
        Placement::Owner(id) => InitialOwner::Other(id.clone()),
        _ => InitialOwner::Creator,
    }
}

async fn target_assignable(ctx: &Ctx, target: &str) -> ApiResult<bool> {
    #[derive(Deserialize)]
    struct One {
        #[allow(dead_code)]
        ok: f64,
    }
    let sql = format!("SELECT 1 AS ok WHERE {}", sql::assignable_target(&ctx.caller));
    let args = [Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(target)];
    Ok(db::first::<One>(&ctx.db, &sql, &args).await?.is_some())
}

/// The 409 for a write refused by a unique duplicate key: which key, and who holds the
/// other record, masked.
async fn duplicate_of(ctx: &Ctx, keys: &DuplicateKeys, except_id: Option<&str>) -> ApiResult<ApiError> {
    #[derive(Deserialize)]
    struct Holder {
        id: String,
        owner_id: Option<String>,
        owner_name: Option<String>,
        phone_key: Option<String>,
        email_key: Option<String>,
        company_key: Option<String>,
    }
    // Through each key's unique index (a UNION: SQLite answers the OR by scanning the tenant).
    let holder = db::first::<Holder>(
        &ctx.db,
        "SELECT c.id, c.owner_id, u.name AS owner_name, c.phone_key, c.email_key, c.company_key \
         FROM customers c LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.owner_id \
         WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND c.id <> ?2 AND c.id IN ( \
         SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND phone_key = ?3 UNION ALL \
         SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND email_key = ?4 UNION ALL \
         SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND company_key = ?5) LIMIT 1",
        &[
            Arg::from(&ctx.caller.tenant),
            Arg::from(except_id.unwrap_or("")),
            Arg::from(keys.phone.clone()),
            Arg::from(keys.email.clone()),
            Arg::from(keys.company.clone()),
        ],
    )
    .await?;
    let Some(holder) = holder else {
        return Ok(ApiError::Internal("write refused but no conflicting customer found".into()));
    };
    let theirs = DuplicateKeys { phone: holder.phone_key, email: holder.email_key, company: holder.company_key };
    let field = keys.shared_with(&theirs).unwrap_or(shared::customer::DuplicateField::Company);
    let owned_by_you = holder.owner_id.as_deref() == Some(ctx.caller.user.as_str());
    let in_pool = holder.owner_id.is_none();
    let masked_owner = holder.owner_id.as_ref().map(|id| shared::mask::person_name(holder.owner_name.as_deref().unwrap_or(id)));
    // A pool customer's id is shown so the rep can claim it, unless the key that matched is
    // a contact the caller's view of it hides: the id would tie the digits they typed to
    // that record, and guessing the masked digits would read them back.
    let hidden_key = shared::ownership::masks_contacts(ctx.caller.role, holder.owner_id.as_deref()) && field != shared::customer::DuplicateField::Company;
    let reveal_id = owned_by_you || (in_pool && !hidden_key) || ctx.caller.role == shared::ids::Role::Admin;
    Ok(ApiError::Duplicate(DuplicateDetails {
        field,
        owner: masked_owner,
        owned_by_you,
        in_pool,
        customer_id: reveal_id.then_some(holder.id),
    }))
}

/// Reads one live customer through the caller's visibility.
pub async fn fetch_visible(ctx: &Ctx, id: &str) -> ApiResult<Option<Row>> {
    let sql = format!("{SELECT} WHERE c.tenant_id = ?1 AND c.id = ?3 AND c.deleted_at IS NULL AND {}", sql::visible(&ctx.caller));
    db::first::<Row>(&ctx.db, &sql, &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(id)]).await
}

/// Reads one live customer of the tenant whatever its owner: for decisions that must not
/// depend on visibility (which pool's limits apply to a claim), never for answering.
pub async fn fetch_in_tenant(ctx: &Ctx, id: &str) -> ApiResult<Option<Row>> {
    let sql = format!("{SELECT} WHERE c.tenant_id = ?1 AND c.id = ?2 AND c.deleted_at IS NULL");
    db::first::<Row>(&ctx.db, &sql, &[Arg::from(&ctx.caller.tenant), Arg::from(id)]).await
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("no customer {id}"))
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

/// One page of rows matching a query, newest first (ids sort by creation time).
pub async fn query_rows(ctx: &Ctx, query: &CustomerQuery, settings: &shared::settings::TenantSettings, limit: u32) -> ApiResult<Vec<Row>> {
    let mut filter = Filter::new(&ctx.caller);
    filter.apply_query(query, settings, ctx.now);
    let sql = format!("{SELECT} WHERE {} ORDER BY c.id DESC LIMIT {limit}", filter.where_clause());
    db::all::<Row>(&ctx.db, &sql, &filter.args).await
}

pub async fn patch(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let patch: CustomerPatch = read_json(req).await?;
    write_patch(ctx, id, &patch, None).await
}

/// `POST /customers/{id}/stage`: a board move. Refused moves are 422 with the reason.
pub async fn move_stage(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let input: shared::pipeline::StageMove = read_json(req).await?;
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
    let current = sql::view(existing.clone(), owner_name.clone(), &ctx.caller, &settings, ctx.now);
    if !current.editable {
        return Err(ApiError::Forbidden("only the owner, their manager or an admin may edit this customer".into()));
    }
    if patch.version != existing.version {
        return Err(ApiError::Stale { current_version: existing.version });
    }
    if let Some(to) = moving_to {
        shared::pipeline::check_move(&settings, &existing, to).map_err(|r| ApiError::Unprocessable { code: r.code.clone(), message: r.message.clone(), details: serde_json::to_value(&r).unwrap_or_default() })?;
    }
    let updated = apply_patch(&existing, patch, &settings, ctx.now).map_err(ApiError::Invalid)?;
    let keys = DuplicateKeys::of_customer(&updated);
    crate::contact_budget::spend(ctx, Some(&DuplicateKeys::of_customer(&existing)), &keys).await?;
    let sql = format!(
        "UPDATE OR IGNORE customers AS c SET name = ?4, company = ?5, contact_name = ?6, phone = ?7, email = ?8, wechat = ?9, \
         industry = ?10, region = ?11, source = ?12, amount = ?13, stage = ?14, tier = ?15, intent = ?16, tags = ?17, \
         custom = ?18, next_follow_up_at = ?19, won_at = ?20, lost_at = ?21, segment = ?22, phone_key = ?23, \
         email_key = ?24, company_key = ?25, updated_at = ?26, version = ?27, reached_stage = ?29 \
         WHERE c.tenant_id = ?1 AND c.id = ?3 AND c.version = ?28 AND c.deleted_at IS NULL AND {}",
        sql::editable(&ctx.caller)
    );
    let u = &updated;
    let args = vec![
        Arg::from(&ctx.caller.tenant),
        Arg::from(&ctx.caller.user),
        Arg::from(id),
        Arg::from(&u.name),
        Arg::from(u.company.clone()),
        Arg::from(u.contact_name.clone()),
        Arg::from(u.phone.clone()),
        Arg::from(u.email.clone()),
        Arg::from(u.wechat.clone()),
        Arg::from(u.industry.clone()),
        Arg::from(u.region.clone()),
        Arg::from(u.source.clone()),
        Arg::from(u.amount),
        Arg::from(&u.stage),
        Arg::from(u.tier.map(|t| t.as_str())),
        Arg::from(u.intent.map(|i| i.as_str())),
        Arg::Text(serde_json::to_string(&u.tags)?),
        Arg::Text(serde_json::to_string(&u.custom)?),
        Arg::from(u.next_follow_up_at),
        Arg::from(u.won_at),
        Arg::from(u.lost_at),
        Arg::from(u.segment.clone()),
        Arg::from(keys.phone.clone()),
        Arg::from(keys.email.clone()),
        Arg::from(keys.company.clone()),
        Arg::Int(ctx.now),
        Arg::Int(u.version),
        Arg::Int(existing.version),
        Arg::from(shared::pipeline::reached_stage(&settings.stages, reached_before.as_deref(), &u.stage)),
    ];
    if db::run(&ctx.db, &sql, &args).await? == 1 {
        return Ok(json(200, &sql::view(updated, owner_name, &ctx.caller, &settings, ctx.now)));
    }
    // Lost a race: say why, from what is there now.
    match fetch_visible(ctx, id).await? {
        None => Err(not_found(id)),
        Some(row) => {
            let (now_there, _) = row.into_customer();
            if now_there.version != existing.version {
                Err(ApiError::Stale { current_version: now_there.version })
            } else {
                Err(duplicate_of(ctx, &keys, Some(id)).await?)
            }
        }
    }
}

pub async fn delete(ctx: &Ctx, id: &str) -> ApiResult<Response> {
    if !may_delete(ctx.caller.role) {
        return Err(ApiError::Forbidden("only managers and admins delete customers".into()));
    }
    let sql = format!(
        "UPDATE customers AS c SET deleted_at = ?4, updated_at = ?4, version = version + 1 \
         WHERE c.tenant_id = ?1 AND c.id = ?3 AND c.deleted_at IS NULL AND {}",
        sql::editable(&ctx.caller)
    );
    let update = db::stmt(&ctx.db, &sql, &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(id), Arg::Int(ctx.now)])?;
    let audit = db::stmt(
        &ctx.db,
        "INSERT INTO audit_events (tenant_id, customer_id, actor_id, action, from_owner, to_owner, reason, rule, at) \
         SELECT ?1, ?2, ?3, 'delete', (SELECT owner_id FROM customers WHERE tenant_id = ?1 AND id = ?2), NULL, 'deleted', NULL, ?4 \
         WHERE changes() = 1",
        &[Arg::from(&ctx.caller.tenant), Arg::from(id), Arg::from(&ctx.caller.user), Arg::Int(ctx.now)],
    )?;
    let results = db::batch(&ctx.db, vec![update, audit]).await?;
    if results.first().map(db::changes) == Some(1) {
        Ok(json(200, &shared::api::Deleted { deleted: id.to_string() }))
    } else {
        Err(not_found(id))
    }
}
