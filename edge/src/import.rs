//! `POST /customers/import` and `GET /customers/export`.
//!
//! Who may import what is `shared::import::permit` (checked before the body is read);
//! the body is read up to `shared::import::MAX_IMPORT_BYTES`. An import is planned by
//! `shared::import` (decode, map, validate, in-file duplicates, every limit checked
//! before the work it bounds), checked against the tenant's duplicate keys in one query,
//! and written as one D1 batch, so it happens whole or not at all: the takeovers the
//! ownership rule grants (`collision::prepare`), then multi-row `INSERT OR IGNORE …
//! SELECT … FROM json_each(?)` statements of a few hundred rows each, and their audit
//! events. The unique indexes make it idempotent whatever the timing: the same file
//! twice creates nothing new. Every step is linear in the rows: lookups go through hash
//! sets and maps keyed by line or duplicate key, never a scan per row.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::{json, Value};
use shared::api::{CustomerQuery, ImportDuplicate, ImportReport, ImportRowError};
use shared::audit::{AuditAction, Reason};
use shared::customer::{DuplicateField, DuplicateKeys};
use shared::field_error::FieldError;
use shared::import::{assign_owners, permit, plan, DirectoryUser, ImportError, Importer, OwnerDirectory, PlannedRow, MAX_IMPORT_BYTES};
use shared::validate::{new_customer, Creation};
use worker::{Request, Response};

use crate::audit::{Event, Source};
use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{bytes, flag, json, query_pairs, read_body};
use crate::store::customers::{self as store, entropy, query_rows, Record};

/// Rows per insert statement: one JSON parameter each, well under D1's size limits.
const ROWS_PER_STATEMENT: usize = 400;

const ACCEPTED_TYPES: &[&str] = &["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", XLSX_TYPE, "application/octet-stream"];

pub async fn import(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let pairs = query_pairs(req)?;
    if let Some((unknown, _)) = pairs.iter().find(|(k, _)| k != "dry_run" && k != "to_pool") {
        return Err(ApiError::BadRequest { code: "invalid", message: format!("unknown query parameter {unknown}") });
    }
    let dry_run = flag(&pairs, "dry_run")?;
    let to_pool = flag(&pairs, "to_pool")?;
    let permit = permit(ctx.caller.role, to_pool).map_err(|r| ApiError::Forbidden(r.message().into()))?;
    let content_type = req.headers().get("content-type").ok().flatten().unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_lowercase();
    if !essence.is_empty() && !ACCEPTED_TYPES.contains(&essence.as_str()) {
        return Err(ApiError::UnsupportedMedia(format!("send the file itself as text/csv or XLSX, not {essence}")));
    }
    let body = read_body(req, MAX_IMPORT_BYTES).await?;
    let settings = ctx.settings().await?;
    let mut plan = plan(&body, &settings, permit.max_rows).map_err(refused)?;
    drop(body);
    if plan.has_owner_column {
        let (directory, team) = (owner_directory(ctx, &plan).await?, importer_team(ctx).await?);
        assign_owners(&mut plan, &directory, &Importer { role: ctx.caller.role, id: &ctx.caller.user, team: team.as_deref() });
    }

    // A rep's real import answers which rows match stored customers, masked pool ones
    // included: each row that sets a phone or e-mail spends the rep's daily budget
    // (`shared::contact_budget`), before the comparison, all or nothing.
    if !dry_run {
        let units = shared::contact_budget::import_units(ctx.caller.role, plan.valid.iter().map(|r| &r.keys));
        crate::contact_budget::spend_units(ctx, units).await?;
    }
    // A rep's dry run compares only with customers whose contacts they see
    // (`ImportPermit::dry_run_checks_all_stored`).
    let existing = existing_keys(ctx, &plan.valid, dry_run && !permit.dry_run_checks_all_stored).await?;
    let mut duplicates = plan.in_file_duplicates.clone();
    let mut fresh: Vec<&PlannedRow> = Vec::new();
    // Rows matching a customer already stored (not an earlier row of the file): the
    // ownership rule may hand those customers over.
    let mut colliding: Vec<&PlannedRow> = Vec::new();
    for row in &plan.valid {
        match existing.collides(row) {
            Some(field) => {
                duplicates.push(ImportDuplicate { line: row.line, field, same_as_line: None, taken_over: None });
                colliding.push(row);
            }
            None => fresh.push(row),
        }
    }
    let mut report = ImportReport {
        dry_run,
        rows: plan.rows,
        valid: plan.valid.len() + plan.in_file_duplicates.len(),
        created: 0,
        duplicates,
        taken_over: 0,
        assigned: 0,
        errors: plan.errors.clone(),
        ignored_columns: plan.ignored_columns.clone(),
        columns: plan.columns.clone(),
    };
    if dry_run {
        report.duplicates.sort_by_key(|d| d.line);
        return Ok(json(200, &report));
    }
    let mut takeover = if to_pool {
        crate::collision::TakeOver::default()
    } else {
        let keys: Vec<&DuplicateKeys> = colliding.iter().map(|r| &r.keys).collect();
        crate::collision::prepare(ctx, &settings, &keys).await?
    };
    if fresh.is_empty() && takeover.statements.is_empty() {
        report.duplicates.sort_by_key(|d| d.line);
        return Ok(json(200, &report));
    }

    // One batch: the takeovers first, then each chunk's insert and its audit rows. A
    // failure anywhere leaves nothing of the import behind.
    let mut statements = std::mem::take(&mut takeover.statements);
    let first_insert = statements.len();
    // The importer's own rows, or the pool's; a row whose owner column names a user is
    // theirs, inserted only while the caller may still give them customers.
    let default_owner = (!to_pool).then(|| ctx.caller.user.clone());
    let owner_at = store::insert_position("owner_id").ok_or_else(|| ApiError::Internal("customers has no owner_id column".into()))?;
    let named_owner_allowed = crate::store::scope::assignable_target(&ctx.caller, &format!("json_extract(value, '$[{owner_at}]')"));
    let mut ids_by_line = Vec::with_capacity(fresh.len());
    for chunk in fresh.chunks(ROWS_PER_STATEMENT) {
        let mut rows = Vec::with_capacity(chunk.len());
        for planned in chunk {
            let owner = planned.owner.clone().or_else(|| default_owner.clone());
            let customer = new_customer(planned.fields.clone(), Creation { id: shared::ids::new_id("c", ctx.now, entropy()), owner, created_by: &ctx.caller.user, now: ctx.now }, &settings);
            ids_by_line.push((planned.line, customer.id.clone()));
            let mut record = Record::new(&ctx.caller.tenant, &customer, shared::pipeline::reached_stage(&settings.stages, None, &customer.stage));
            record.import_key = planned.import_key.clone();
            let values: Vec<Value> = store::insert_values(&record).into_iter().map(arg_json).collect();
            rows.push(Value::Array(values));
        }
        let select: Vec<String> = (0..store::insert_column_count()).map(|i| format!("json_extract(value, '$[{i}]')")).collect();
        let rows_json = Value::Array(rows).to_string();
        // ?1 tenant, ?2 caller, ?3 the chunk's rows.
        statements.push(db::stmt(
            &ctx.db,
            &format!(
                "INSERT OR IGNORE INTO customers ({}) SELECT {} FROM json_each(?3) WHERE json_extract(value, '$[{owner_at}]') IS NULL OR json_extract(value, '$[{owner_at}]') = ?2 OR ({named_owner_allowed})",
                store::insert_columns(),
                select.join(", ")
            ),
            &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::Text(rows_json.clone())],
        )?);
        // ?1 tenant, ?2 caller, ?3 now, ?4 the chunk's rows (ids at `$[1]`). A row the
        // owner column gave to someone else is an import assignment: its rule says so.
        statements.push(Event::new(AuditAction::Import, "c.id", "?2", "?3").to("c.owner_id").reason_text(Reason::IMPORTED).rule(OWNER_COLUMN_RULE).statement(
            &ctx.db,
            Source::Rows("c.tenant_id = ?1 AND c.id IN (SELECT json_extract(value, '$[1]') FROM json_each(?4))"),
            &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::Int(ctx.now), Arg::Text(rows_json)],
        )?);
    }
    let results = db::batch(&ctx.db, statements).await?;
    report.created = results.iter().skip(first_insert).step_by(2).map(db::changes).sum();
    let named = |row: &PlannedRow| row.owner.as_ref().is_some_and(|o| *o != ctx.caller.user);
    report.assigned = fresh.iter().filter(|r| named(r)).count();
    let taken = takeover.taken(&results)?;
    mark_taken(&colliding, &taken, &mut report);
    if report.created < fresh.len() {
        // Someone created some of these customers between our check and the batch (the
        // unique indexes refused them: duplicates), or a named owner was deactivated or
        // left the caller's reach meanwhile (the insert's condition refused them: errors).
        let ids: Vec<&str> = ids_by_line.iter().map(|(_, id)| id.as_str()).collect();
        let inserted: HashSet<String> = inserted_ids(ctx, &ids).await?;
        let again = existing_keys(ctx, &plan.valid, false).await?;
        for (row, (_, id)) in fresh.iter().zip(&ids_by_line) {
            if inserted.contains(id) {
                continue;
            }
            if named(row) {
                report.assigned -= 1;
            }
            match again.collides(row) {
                None if named(row) => report.errors.push(ImportRowError {
                    line: row.line,
                    errors: vec![FieldError::new("owner", "owner_unavailable", "the named owner was deactivated or moved out of your reach during the import")],
                }),
                field => report.duplicates.push(ImportDuplicate { line: row.line, field: field.unwrap_or(DuplicateField::Company), same_as_line: None, taken_over: None }),
            }
        }
        report.errors.sort_by_key(|e| e.line);
    }
    report.duplicates.sort_by_key(|d| d.line);
    Ok(json(200, &report))
}

/// The audit `rule` of an imported customer whose owner column named someone other than
/// the importer (an SQL expression over the inserted row `c`; ?2 is the importer).
const OWNER_COLUMN_RULE: &str = "CASE WHEN c.owner_id IS NOT NULL AND c.owner_id <> ?2 THEN 'import:owner_column' END";

/// The users the file's owner cells could name: by id or by exact name, every user of
/// that name (so a name two users share is seen as such). Bounded by the file's rows.
/// Names are compared as stored: `shared::reps` trims them when they are written, with
/// the same (Unicode) trim the directory applies to a cell — SQL's `trim()` would know
/// only the ASCII space, and a name ending in a full-width space would be missed.
async fn owner_directory(ctx: &Ctx, plan: &shared::import::ImportPlan) -> ApiResult<OwnerDirectory> {
    let named: HashSet<&str> = plan.valid.iter().filter_map(|r| r.owner.as_deref()).map(str::trim).collect();
    if named.is_empty() {
        return Ok(OwnerDirectory::new(Vec::new()));
    }
    #[derive(Deserialize)]
    struct User {
        id: String,
        name: String,
        active: i64,
        team_id: Option<String>,
    }
    let list = Value::Array(named.into_iter().map(|n| Value::String(n.to_string())).collect()).to_string();
    let users = db::all::<User>(
        &ctx.db,
        "SELECT id, name, active, team_id FROM users WHERE tenant_id = ?1 AND (id IN (SELECT value FROM json_each(?2)) OR name IN (SELECT value FROM json_each(?2)))",
        &[Arg::from(&ctx.caller.tenant), Arg::Text(list)],
    )
    .await?;
    Ok(OwnerDirectory::new(users.into_iter().map(|u| DirectoryUser { id: u.id, name: u.name, active: u.active != 0, team: u.team_id }).collect()))
}

/// The team the importer belongs to (a manager leads the team of that id); none for a
/// user the directory does not list.
async fn importer_team(ctx: &Ctx) -> ApiResult<Option<String>> {
    #[derive(Deserialize)]
    struct Team {
        team_id: Option<String>,
    }
    let row = db::first::<Team>(&ctx.db, "SELECT team_id FROM users WHERE tenant_id = ?1 AND id = ?2", &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user)]).await?;
    Ok(row.and_then(|t| t.team_id))
}

/// `GET /customers/import/template`: the headers the importer reads and an example row in
/// the tenant's words, as XLSX (drop-downs for the closed lists, contact columns kept as
/// text) or CSV (UTF-8 with a BOM, the default).
pub async fn template(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let pairs = query_pairs(req)?;
    if let Some((unknown, _)) = pairs.iter().find(|(k, _)| k != "format") {
        return Err(ApiError::BadRequest { code: "invalid", message: format!("unknown query parameter {unknown}") });
    }
    let xlsx = match pairs.iter().find(|(k, _)| k == "format").map(|(_, v)| v.as_str()) {
        None | Some("csv") => false,
        Some("xlsx") => true,
        Some(other) => return Err(ApiError::BadRequest { code: "unsupported_format", message: format!("format={other}: the template is offered as xlsx or csv") }),
    };
    let settings = ctx.settings().await?;
    let (response, name) = if xlsx {
        (bytes(200, XLSX_TYPE, shared::import::template_xlsx(&settings).map_err(|e| ApiError::Internal(format!("import template: {e}")))?), "allot-import-template.xlsx")
    } else {
        (bytes(200, "text/csv; charset=utf-8", shared::import::template_csv(&settings)), "allot-import-template.csv")
    };
    let headers = response.headers().clone();
    let _ = headers.set("content-disposition", &format!("attachment; filename=\"{name}\""));
    Ok(response.with_headers(headers))
}

/// The media type of an XLSX workbook.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A refused file: past a limit → 413 naming it, anything else → 400.
fn refused(e: ImportError) -> ApiError {
    match e.limit() {
        Some(limit) => ApiError::LimitExceeded { code: e.code(), message: e.message(), limit },
        None => ApiError::BadRequest { code: e.code(), message: e.message() },
    }
}

/// Names, per line, the customer each colliding row's takeover moved: through a map from
/// duplicate key to taken customer, and one from line to report entry.
fn mark_taken(colliding: &[&PlannedRow], taken: &[crate::collision::Taken], report: &mut ImportReport) {
    report.taken_over = taken.len();
    if taken.is_empty() {
        return;
    }
    let mut by_key: HashMap<(DuplicateField, &str), &str> = HashMap::new();
    for t in taken {
        for (field, key) in [(DuplicateField::Phone, &t.keys.phone), (DuplicateField::Email, &t.keys.email), (DuplicateField::Company, &t.keys.company)] {
            if let Some(key) = key {
                by_key.insert((field, key.as_str()), t.id.as_str());
            }
        }
    }
    let mut entry_by_line: HashMap<usize, usize> = HashMap::new();
    for (i, d) in report.duplicates.iter().enumerate() {
        if d.same_as_line.is_none() {
            entry_by_line.entry(d.line).or_insert(i);
        }
    }
    for row in colliding {
        let id = [(DuplicateField::Phone, &row.keys.phone), (DuplicateField::Email, &row.keys.email), (DuplicateField::Company, &row.keys.company)]
            .into_iter()
            .find_map(|(field, key)| key.as_deref().and_then(|k| by_key.get(&(field, k))));
        if let (Some(id), Some(i)) = (id, entry_by_line.get(&row.line)) {
            report.duplicates[*i].taken_over = Some((*id).to_string());
        }
    }
}

fn arg_json(arg: Arg) -> Value {
    match arg {
        Arg::Null => Value::Null,
        Arg::Text(s) => Value::String(s),
        Arg::Int(n) => json!(n),
        Arg::Real(n) => json!(n),
    }
}

/// The tenant's live duplicate keys that any planned row uses.
struct ExistingKeys {
    by_field: HashMap<DuplicateField, HashSet<String>>,
    import_keys: HashSet<String>,
}

impl ExistingKeys {
    fn collides(&self, row: &PlannedRow) -> Option<DuplicateField> {
        let has = |field: DuplicateField, key: &Option<String>| key.as_ref().is_some_and(|k| self.by_field.get(&field).is_some_and(|s| s.contains(k)));
        if has(DuplicateField::Phone, &row.keys.phone) {
            Some(DuplicateField::Phone)
        } else if has(DuplicateField::Email, &row.keys.email) {
            Some(DuplicateField::Email)
        } else if has(DuplicateField::Company, &row.keys.company) || row.import_key.as_ref().is_some_and(|k| self.import_keys.contains(k)) {
            // A row with no phone, email or company is keyed by its name (`import_key`);
            // it is reported under company, the nearest field.
            Some(DuplicateField::Company)
        } else {
            None
        }
    }
}

/// The stored keys the file's rows could collide with; with `only_seen`, only those of
/// customers whose contacts the caller can see.
async fn existing_keys(ctx: &Ctx, rows: &[PlannedRow], only_seen: bool) -> ApiResult<ExistingKeys> {
    let list = |f: &dyn Fn(&PlannedRow) -> Option<String>| Value::Array(rows.iter().filter_map(f).map(Value::String).collect()).to_string();
    #[derive(Deserialize)]
    struct Row {
        phone_key: Option<String>,
        email_key: Option<String>,
        company_key: Option<String>,
        import_key: Option<String>,
    }
    let seen =
        if only_seen { format!("{} AND {}", crate::store::scope::visible(&ctx.caller), crate::store::scope::contacts_visible(&ctx.caller)) } else { crate::store::scope::USES_CALLER.to_string() };
    let found = db::all::<Row>(
        &ctx.db,
        // Through each key's unique index (a UNION: SQLite answers an OR of these by
        // scanning the tenant).
        &format!(
            "SELECT phone_key, email_key, company_key, import_key FROM customers c WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND {seen} AND c.id IN ( \
             SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND phone_key IN (SELECT value FROM json_each(?3)) UNION ALL \
             SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND email_key IN (SELECT value FROM json_each(?4)) UNION ALL \
             SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND company_key IN (SELECT value FROM json_each(?5)) UNION ALL \
             SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND import_key IN (SELECT value FROM json_each(?6)))"
        ),
        &[
            Arg::from(&ctx.caller.tenant),
            Arg::from(&ctx.caller.user),
            Arg::Text(list(&|r| r.keys.phone.clone())),
            Arg::Text(list(&|r| r.keys.email.clone())),
            Arg::Text(list(&|r| r.keys.company.clone())),
            Arg::Text(list(&|r| r.import_key.clone())),
        ],
    )
    .await?;
    let mut keys = ExistingKeys { by_field: HashMap::new(), import_keys: HashSet::new() };
    for row in found {
        for (field, key) in [(DuplicateField::Phone, row.phone_key), (DuplicateField::Email, row.email_key), (DuplicateField::Company, row.company_key)] {
            if let Some(key) = key {
                keys.by_field.entry(field).or_default().insert(key);
            }
        }
        if let Some(k) = row.import_key {
            keys.import_keys.insert(k);
        }
    }
    Ok(keys)
}

async fn inserted_ids(ctx: &Ctx, ids: &[&str]) -> ApiResult<HashSet<String>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    let rows =
        db::all::<Row>(&ctx.db, "SELECT id FROM customers WHERE tenant_id = ?1 AND id IN (SELECT value FROM json_each(?2))", &[Arg::from(&ctx.caller.tenant), Arg::Text(serde_json::to_string(ids)?)])
            .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Every visible customer matching the list filters, as CSV with a UTF-8 BOM.
pub async fn export(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let pairs = query_pairs(req)?;
    let mut query = CustomerQuery::parse(pairs.iter().filter(|(k, _)| k != "limit" && k != "cursor").map(|(k, v)| (k.as_str(), v.as_str()))).map_err(ApiError::Invalid)?;
    let english = pairs.iter().any(|(k, v)| k == "lang" && v.starts_with("en"));
    let settings = ctx.settings().await?;
    #[derive(Deserialize)]
    struct User {
        id: String,
        name: String,
    }
    let users = db::all::<User>(&ctx.db, "SELECT id, name FROM users WHERE tenant_id = ?1", &[Arg::from(&ctx.caller.tenant)]).await?;
    let mut exporter = shared::export::Exporter::new(english, users.into_iter().map(|u| (u.id, u.name)).collect());
    const PAGE: u32 = 1000;
    let mut exported = 0usize;
    loop {
        let rows = query_rows(ctx, &query, &settings, PAGE).await?;
        let count = rows.len();
        exported += count;
        // Checked a page at a time, before the page's work: at most one page past the
        // limit is ever read.
        if exported > shared::limits::EXPORT_ROWS {
            return Err(ApiError::Unprocessable {
                code: "export_too_large".into(),
                message: format!("more than {} customers match; export them in parts by a filter (owner, status, stage, tier, industry, region)", shared::limits::EXPORT_ROWS),
                details: json!({"limit": shared::limits::EXPORT_ROWS}),
            });
        }
        let mut last = None;
        for row in rows {
            let view = row.into_view(&ctx.caller, &settings, ctx.now);
            exporter.push(&view, &settings);
            if exporter.len() > shared::limits::EXPORT_BYTES {
                return Err(ApiError::Unprocessable {
                    code: "export_too_large".into(),
                    message: format!("the export passed {} MB; export in parts by a filter (owner, status, stage, tier, industry, region)", shared::limits::EXPORT_BYTES >> 20),
                    details: json!({"limit_bytes": shared::limits::EXPORT_BYTES}),
                });
            }
            last = Some(view.customer.id);
        }
        if count < PAGE as usize {
            break;
        }
        query.cursor = last;
    }
    let response = bytes(200, "text/csv; charset=utf-8", exporter.finish());
    let headers = response.headers().clone();
    let _ = headers.set("content-disposition", "attachment; filename=\"customers.csv\"");
    Ok(response.with_headers(headers))
}
