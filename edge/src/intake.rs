//! Intake keys (`shared::intake`): admins create, list, change and revoke them; a key's
//! holder — any page, with no backend — submits new customers with it (`POST /intake`),
//! and reads nothing.
//!
//! A key is `ik_<id>_<secret>`: the id finds its row (and so its tenant), the secret's
//! SHA-256 must match the stored hash, so the table never holds a usable key. A
//! submission is one D1 batch: it claims its idempotency key first, and every later
//! statement runs only if that claim and the statement before it took effect — a double
//! tap or a retry on a flaky network creates one customer, and a phone already known
//! creates nothing (the unique duplicate keys refuse it) and answers the same "received".

use serde::Deserialize;
use shared::audit::{AuditAction, Reason};
use shared::ids::Role;
use shared::intake::{IntakeKeyCreated, IntakeKeyInput, IntakeKeyList, IntakeKeyView, IntakePlacement, IntakeReceipt, IntakeSubmission, Lead, Refusal};
use shared::rate::RateClass;
use shared::settings::CustomerSchema;
use shared::validate::{check_customer, new_customer, Creation};
use wasm_bindgen::{JsCast, JsValue};
use worker::{Env, Request, Response};

use crate::audit::{Event, Source};
use crate::context::{Caller, Ctx};
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::customers::{self as store, Record};

/// A key's row, as a submission and the hosted page read it.
#[derive(Deserialize)]
pub struct KeyRow {
    pub tenant_id: String,
    pub id: String,
    settings: String,
    created_by: String,
    created_at: i64,
    revoked_at: Option<i64>,
    submissions: i64,
}

impl KeyRow {
    pub fn settings(&self) -> ApiResult<IntakeKeyInput> {
        serde_json::from_str(&self.settings).map_err(|e| ApiError::Internal(format!("intake key {}: {e}", self.id)))
    }

    fn view(&self) -> ApiResult<IntakeKeyView> {
        Ok(IntakeKeyView {
            id: self.id.clone(),
            settings: self.settings()?,
            created_by: self.created_by.clone(),
            created_at: self.created_at,
            revoked_at: self.revoked_at,
            submissions: u64::try_from(self.submissions).unwrap_or(0),
        })
    }
}

const COLUMNS: &str = "tenant_id, id, settings, created_by, created_at, revoked_at, submissions";

fn admin_only(ctx: &Ctx) -> ApiResult<()> {
    if ctx.caller.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden("only admins manage intake keys".into()))
    }
}

/// `count` random bytes from the platform's CSPRNG (`crypto.getRandomValues`).
pub fn random_bytes<const N: usize>() -> ApiResult<[u8; N]> {
    let failed = |e: JsValue| ApiError::Internal(format!("crypto.getRandomValues: {e:?}"));
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).map_err(failed)?;
    let fill = js_sys::Reflect::get(&crypto, &JsValue::from_str("getRandomValues")).map_err(failed)?.dyn_into::<js_sys::Function>().map_err(failed)?;
    let array = js_sys::Uint8Array::new_with_length(N as u32);
    fill.call1(&crypto, &array).map_err(failed)?;
    let mut out = [0u8; N];
    array.copy_to(&mut out);
    Ok(out)
}

/// This deployment's origin, as the request reached it: where key pages live.
fn own_origin(req: &Request) -> String {
    req.url().map(|u| u.origin().ascii_serialization()).unwrap_or_default()
}

/// `POST /intake-keys`: a new key; its secret is in this answer only.
pub async fn create(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    admin_only(ctx)?;
    let input: IntakeKeyInput = read_json(req).await?;
    input.validate().map_err(ApiError::Invalid)?;
    let random: [u8; shared::secret::SECRET_CHARS + 4] = random_bytes()?;
    let mut secret_bytes = [0u8; shared::secret::SECRET_CHARS];
    secret_bytes.copy_from_slice(&random[..shared::secret::SECRET_CHARS]);
    let secret = shared::secret::from_random(&secret_bytes);
    let tail = &random[shared::secret::SECRET_CHARS..];
    let id = format!("k{:011x}{:02x}{:02x}{:02x}{:02x}", ctx.now.max(0), tail[0], tail[1], tail[2], tail[3]);
    let settings = serde_json::to_string(&input)?;
    // At most MAX_KEYS a tenant, counted by the insert itself.
    let inserted = db::run(
        &ctx.db,
        &format!(
            "INSERT INTO intake_keys (tenant_id, id, secret_hash, settings, created_by, created_at) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE (SELECT count(*) FROM intake_keys WHERE tenant_id = ?1 AND revoked_at IS NULL) < {}",
            shared::intake::MAX_KEYS
        ),
        &[Arg::from(&ctx.caller.tenant), Arg::from(&id), Arg::from(shared::secret::hash(&secret)), Arg::from(settings), Arg::from(&ctx.caller.user), Arg::Int(ctx.now)],
    )
    .await?;
    if inserted != 1 {
        return Err(ApiError::Conflict { code: "too_many_keys", message: format!("a tenant holds at most {} live intake keys; revoke one first", shared::intake::MAX_KEYS) });
    }
    let key = IntakeKeyView { id: id.clone(), settings: input, created_by: ctx.caller.user.clone(), created_at: ctx.now, revoked_at: None, submissions: 0 };
    let text = shared::intake::key_text(&id, &secret);
    let origin = own_origin(req);
    Ok(json(201, &IntakeKeyCreated { key, page_url: format!("{origin}/f/{text}"), qr_url: format!("{origin}/f/{text}/qr.svg"), secret: text }))
}

/// `GET /intake-keys`: every key of the tenant, newest first, without secrets.
pub async fn list(ctx: &Ctx) -> ApiResult<Response> {
    admin_only(ctx)?;
    let rows = db::all::<KeyRow>(&ctx.db, &format!("SELECT {COLUMNS} FROM intake_keys WHERE tenant_id = ?1 ORDER BY created_at DESC"), &[Arg::from(&ctx.caller.tenant)]).await?;
    let items = rows.iter().map(KeyRow::view).collect::<ApiResult<Vec<_>>>()?;
    Ok(json(200, &IntakeKeyList { items }))
}

/// `PATCH /intake-keys/{id}`: new settings for a key (the whole settings, as read).
pub async fn change(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    admin_only(ctx)?;
    let input: IntakeKeyInput = read_json(req).await?;
    input.validate().map_err(ApiError::Invalid)?;
    let rows = db::all::<KeyRow>(
        &ctx.db,
        &format!("UPDATE intake_keys SET settings = ?3 WHERE tenant_id = ?1 AND id = ?2 RETURNING {COLUMNS}"),
        &[Arg::from(&ctx.caller.tenant), Arg::from(id), Arg::from(serde_json::to_string(&input)?)],
    )
    .await?;
    let row = rows.into_iter().next().ok_or_else(|| ApiError::NotFound(format!("no intake key {id}")))?;
    Ok(json(200, &row.view()?))
}

/// `DELETE /intake-keys/{id}`: revokes a key; it stays listed, submits nothing more.
pub async fn revoke(ctx: &Ctx, id: &str) -> ApiResult<Response> {
    admin_only(ctx)?;
    let rows = db::all::<KeyRow>(
        &ctx.db,
        &format!("UPDATE intake_keys SET revoked_at = coalesce(revoked_at, ?3) WHERE tenant_id = ?1 AND id = ?2 RETURNING {COLUMNS}"),
        &[Arg::from(&ctx.caller.tenant), Arg::from(id), Arg::Int(ctx.now)],
    )
    .await?;
    let row = rows.into_iter().next().ok_or_else(|| ApiError::NotFound(format!("no intake key {id}")))?;
    Ok(json(200, &row.view()?))
}

/// The live key a submitter presents, or why not: unknown, wrong secret and revoked
/// keys are all "not a key" (401), so a guess learns nothing.
pub async fn find(env: &Env, text: &str) -> ApiResult<KeyRow> {
    let refused = || ApiError::Unauthorized("not a valid intake key".into());
    let (id, secret) = shared::intake::parse_key(text).ok_or_else(refused)?;
    let db = env.d1("DB")?;
    let row =
        db::first::<KeyRow>(&db, &format!("SELECT {COLUMNS} FROM intake_keys WHERE id = ?1 AND secret_hash = ?2 AND revoked_at IS NULL"), &[Arg::from(id), Arg::from(shared::secret::hash(secret))])
            .await?;
    row.ok_or_else(refused)
}

/// `POST /intake`: a submission with a key (`Authorization: Bearer ik_…`), from a page on
/// one of the key's origins (any, if it lists none; always from its hosted page).
pub async fn submit(req: &mut Request, env: &Env, origin: Option<&str>) -> ApiResult<Response> {
    let header = req.headers().get("authorization").ok().flatten().unwrap_or_default();
    let text = header.strip_prefix("Bearer ").unwrap_or_default().trim().to_string();
    let address = crate::limits::address_key(req);
    // The address's budget first, before any D1 read and before the key's budget: one
    // machine's flood stops here and never uses up a form's budget for everyone else.
    let claimed = shared::intake::parse_key(&text).map_or("?", |(id, _)| id);
    crate::limits::spend(env, RateClass::IntakeAddress, format!("{claimed}\u{1f}{address}")).await?;
    let key = match find(env, &text).await {
        Ok(key) => key,
        Err(refused) => {
            crate::limits::spend(env, RateClass::Unauthenticated, address).await?;
            return Err(refused);
        }
    };
    let settings = key.settings()?;
    if origin.is_some_and(|o| o != own_origin(req)) && !settings.admits(origin) || origin.is_none() && !settings.allowed_origins.is_empty() {
        return Err(ApiError::OriginNotAllowed(origin.unwrap_or("a page without an origin").to_string()));
    }
    crate::limits::spend(env, RateClass::IntakeKey, key.id.clone()).await?;
    let idempotency = req.headers().get("idempotency-key").ok().flatten().map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
    let idempotency = match idempotency {
        Some(k) if k.len() <= 100 && k.bytes().all(|b| b.is_ascii_graphic()) => k,
        Some(_) => return Err(ApiError::BadRequest { code: "invalid", message: "Idempotency-Key: 1 to 100 visible ASCII characters".into() }),
        None => return Err(ApiError::BadRequest { code: "idempotency_key_required", message: "send an Idempotency-Key header (one per form fill, the same on retries)".into() }),
    };
    let body = crate::http::read_body(req, shared::intake::MAX_SUBMISSION_BYTES).await?;
    let submission: IntakeSubmission = crate::http::parse_json(&body)?;
    let lead = match submission.check(&settings) {
        Ok(lead) => lead,
        // Told nothing: a bot that learns its trap shows learns to avoid it.
        Err(Refusal::Bot) => return Ok(json(200, &IntakeReceipt { received: true, contact: None })),
        Err(Refusal::TooFast) => {
            return Err(ApiError::Unprocessable {
                code: "too_fast".into(),
                message: "that was quicker than a person fills a form; please check and send again".into(),
                details: serde_json::json!({"min_fill_ms": shared::intake::MIN_FILL_MS}),
            })
        }
        Err(Refusal::Invalid(errors)) => return Err(ApiError::Invalid(errors)),
    };
    let caller = Caller { tenant: key.tenant_id.clone(), user: format!("intake:{}", key.id), role: Role::Admin, name: Some(settings.label.clone()) };
    let ctx = Ctx { env: env.clone(), db: env.d1("DB")?, caller, now: crate::context::now_ms() };
    let receipt = place(&ctx, &key, &settings, lead, &idempotency).await?;
    Ok(json(200, &receipt))
}

/// When intake read a tenant's allocation rules and reps (ms), and what it read.
type ReadInputs = (f64, shared::allocation::AllocationRules, Vec<shared::allocation::RepProfile>);

thread_local! {
    /// A tenant's allocation rules and reps, as intake last read them.
    static INPUTS: std::cell::RefCell<std::collections::HashMap<String, ReadInputs>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// How long an isolate reuses a tenant's rules and reps for intake: reading every rep's
/// load aggregates the tenant's customers, too much to repeat for each anonymous
/// submission. Loads seen are up to this old; the capacity itself is enforced by the
/// insert's own condition, and the round-robin cursor is read fresh each time.
const INPUTS_MS: f64 = 10_000.0;

async fn allocation_inputs(ctx: &Ctx) -> ApiResult<crate::store::allocation::Inputs> {
    let now = js_sys::Date::now();
    let cached = INPUTS.with(|c| c.borrow().get(&ctx.caller.tenant).filter(|(at, _, _)| now - at < INPUTS_MS).map(|(_, r, p)| (r.clone(), p.clone())));
    if let Some((rules, reps)) = cached {
        return Ok(crate::store::allocation::Inputs { rules, reps, cursor: crate::store::allocation::cursor(ctx).await? });
    }
    let inputs = crate::store::allocation::inputs(ctx, true).await?;
    INPUTS.with(|c| c.borrow_mut().insert(ctx.caller.tenant.clone(), (now, inputs.rules.clone(), inputs.reps.clone())));
    Ok(inputs)
}

/// Writes the lead as a customer, placed by the key, in one batch guarded by the
/// idempotency claim; answers the receipt (the stored one, for a retry).
async fn place(ctx: &Ctx, key: &KeyRow, settings: &IntakeKeyInput, lead: Lead, idempotency: &str) -> ApiResult<IntakeReceipt> {
    let tenant_settings = ctx.settings().await?;
    let region = lead.city.as_deref().and_then(|c| tenant_settings.resolve_region(c)).map(String::from);
    let input = shared::api::CustomerInput {
        name: lead.name.clone(),
        company: lead.company.clone(),
        contact_name: lead.contact_name.clone(),
        phone: lead.phone.clone(),
        email: lead.email.clone(),
        wechat: lead.wechat.clone(),
        region,
        source: Some(settings.channel()),
        ..Default::default()
    };
    let fields = check_customer(&input, &tenant_settings).map_err(ApiError::Invalid)?;
    let id = shared::ids::new_id("c", ctx.now, crate::store::customers::entropy());
    let mut allocation = None;
    let mut cursor_statement = None;
    let mut capacity = None;
    let mut rule = None;
    if settings.placement == IntakePlacement::Allocate {
        let inputs = allocation_inputs(ctx).await?;
        let prospect = fields.prospect(&id);
        let request = shared::api::AllocationRequest { strategy: settings.strategy, ..Default::default() };
        let outcome = crate::store::allocation::run(&inputs, std::slice::from_ref(&prospect), &request, ctx.now as u64)?;
        rule = Some(inputs.rules.label(outcome.strategy));
        cursor_statement = crate::store::allocation::save_cursor(ctx, &outcome)?;
        allocation = outcome.assignments.into_iter().next();
        capacity = allocation.as_ref().and_then(|a| inputs.reps.iter().find(|r| r.id == a.rep)).map(|r| r.capacity);
    }
    let owner = allocation.as_ref().map(|a| a.rep.clone());
    let customer = new_customer(fields, Creation { id: id.clone(), owner: owner.clone(), created_by: &ctx.caller.user, now: ctx.now }, &tenant_settings);
    let tenant = &ctx.caller.tenant;
    // The receipt is decided before anything is written, from the rep the rules chose,
    // so it reads the same whether the phone was new or already known.
    let contact = if settings.reveal_owner { contact_of(ctx, owner.as_deref()).await? } else { None };

    // 1. The idempotency claim: the first of a double submit wins it, within the key's
    // daily limit (submissions since midnight UTC, counted by the claim itself).
    let day_start = ctx.now - ctx.now.rem_euclid(86_400_000);
    let claim = db::stmt(
        &ctx.db,
        "INSERT INTO intake_submissions (key_id, idempotency_key, tenant_id, customer_id, contact, at) \
         SELECT ?1, ?2, ?3, ?4, ?8, ?5 WHERE (SELECT count(*) FROM intake_submissions WHERE key_id = ?1 AND at >= ?6) < ?7 \
         ON CONFLICT DO NOTHING",
        &[
            Arg::from(&key.id),
            Arg::from(idempotency),
            Arg::from(tenant),
            Arg::from(&id),
            Arg::Int(ctx.now),
            Arg::Int(day_start),
            Arg::Int(i64::from(settings.daily_limit())),
            Arg::from(contact.clone()),
        ],
    )?;
    // 2. The customer, only after a won claim, only while the chosen rep has room, only if
    // no live customer has its phone, e-mail or company (the unique indexes).
    let mut args = vec![Arg::from(tenant), Arg::from(&ctx.caller.user), Arg::from(owner.clone().unwrap_or_default())];
    let reached_stage = shared::pipeline::reached_stage(&tenant_settings.stages, None, &customer.stage);
    args.extend(store::insert_values(&Record::new(tenant, &customer, reached_stage.clone())));
    let room = match capacity {
        Some(cap) => format!("{} < {cap}", crate::store::scope::held_by("?3")),
        None => "?3 IS NOT NULL".into(),
    };
    let insert =
        db::stmt(&ctx.db, &format!("INSERT OR IGNORE INTO customers ({}) SELECT {} WHERE changes() = 1 AND ?2 IS NOT NULL AND {room}", store::insert_columns(), store::insert_placeholders(4)), &args)?;
    // 3. Its audit event: the key's label is the channel.
    let (action, reason) = if owner.is_some() { (AuditAction::Allocate, Reason::code(Reason::INTAKE_ALLOCATION)) } else { (AuditAction::Create, Reason::intake(&settings.label)) };
    // ?1 tenant, ?2 customer, ?3 the key's actor, ?4 owner, ?5 reason, ?6 rule, ?7 now.
    let audit = Event::new(action, "?2", "?3", "?7").to("?4").reason("?5").rule("?6").statement(
        &ctx.db,
        Source::AfterChange,
        &[Arg::from(tenant), Arg::from(&id), Arg::from(&ctx.caller.user), Arg::from(owner.as_deref()), Arg::from(reason.into_string()), Arg::from(rule.filter(|_| owner.is_some())), Arg::Int(ctx.now)],
    )?;
    // 4. What the person wrote, as the customer's first note (not a follow-up by a rep:
    // `last_follow_up_at` is untouched, the recycle clock runs from the allocation).
    let note = [lead.message.clone(), lead.city.clone().filter(|_| customer.region.is_none()).map(|c| format!("城市 / city: {c}"))].into_iter().flatten().collect::<Vec<_>>().join("\n");
    let exists = "EXISTS (SELECT 1 FROM customers WHERE tenant_id = ?1 AND id = ?2)";
    let mut statements = vec![claim, insert, audit];
    if !note.is_empty() {
        statements.push(db::stmt(
            &ctx.db,
            &format!("INSERT INTO follow_ups (tenant_id, id, customer_id, author_id, kind, note, outcome, next_follow_up_at, at) SELECT ?1, ?3, ?2, ?4, 'form', ?5, NULL, NULL, ?6 WHERE {exists}"),
            &[Arg::from(tenant), Arg::from(&id), Arg::from(shared::ids::new_id("f", ctx.now, crate::store::customers::entropy())), Arg::from(&ctx.caller.user), Arg::from(note), Arg::Int(ctx.now)],
        )?);
    }
    // 5. The key's count; 6. submissions older than a day forgotten.
    statements.push(db::stmt(&ctx.db, &format!("UPDATE intake_keys SET submissions = submissions + 1 WHERE id = ?3 AND {exists}"), &[Arg::from(tenant), Arg::from(&id), Arg::from(&key.id)])?);
    statements.push(db::stmt(&ctx.db, "DELETE FROM intake_submissions WHERE key_id = ?1 AND at < ?2", &[Arg::from(&key.id), Arg::Int(ctx.now - 86_400_000)])?);
    statements.extend(cursor_statement);
    let results = db::batch(&ctx.db, statements).await?;
    let claimed = results.first().map(db::changes) == Some(1);
    let created = results.get(1).map(db::changes) == Some(1);
    if !claimed {
        // A retry: the first submission's receipt. No stored submission: the day's
        // limit was reached.
        #[derive(Deserialize)]
        struct Stored {
            contact: Option<String>,
        }
        let stored = db::first::<Stored>(&ctx.db, "SELECT contact FROM intake_submissions WHERE key_id = ?1 AND idempotency_key = ?2", &[Arg::from(&key.id), Arg::from(idempotency)]).await?;
        return match stored {
            Some(stored) => Ok(IntakeReceipt { received: true, contact: stored.contact }),
            // The count starts again at midnight UTC.
            None => Err(ApiError::IntakeDailyLimit { limit: settings.daily_limit(), retry_after: ((day_start + 86_400_000 - ctx.now) / 1000 + 1) as u64 }),
        };
    }
    if !created && owner.is_some() && !is_known(ctx, &customer).await? {
        // The chosen rep filled up meanwhile: the lead goes to the pool, never lost.
        let mut pooled = customer.clone();
        pooled.owner = None;
        let mut args = vec![Arg::from(tenant), Arg::from(&ctx.caller.user), Arg::from("")];
        args.extend(store::insert_values(&Record::new(tenant, &pooled, reached_stage)));
        db::batch(
            &ctx.db,
            vec![
                db::stmt(&ctx.db, &format!("INSERT OR IGNORE INTO customers ({}) SELECT {} WHERE ?2 IS NOT NULL AND ?3 IS NOT NULL", store::insert_columns(), store::insert_placeholders(4)), &args)?,
                Event::new(AuditAction::Create, "?2", "?3", "?5").reason("?4").statement(
                    &ctx.db,
                    Source::AfterChange,
                    &[Arg::from(tenant), Arg::from(&id), Arg::from(&ctx.caller.user), Arg::from(Reason::intake(&settings.label).into_string()), Arg::Int(ctx.now)],
                )?,
                db::stmt(&ctx.db, "UPDATE intake_keys SET submissions = submissions + 1 WHERE id = ?1", &[Arg::from(&key.id)])?,
            ],
        )
        .await?;
    }
    Ok(IntakeReceipt { received: true, contact })
}

/// Whether a live customer has one of this customer's duplicate keys.
async fn is_known(ctx: &Ctx, customer: &shared::customer::Customer) -> ApiResult<bool> {
    let keys = shared::customer::DuplicateKeys::of_customer(customer);
    #[derive(Deserialize)]
    struct Found {
        n: i64,
    }
    let found = db::first::<Found>(
        &ctx.db,
        "SELECT count(*) AS n FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND (phone_key = ?2 OR email_key = ?3 OR company_key = ?4)",
        &[Arg::from(&ctx.caller.tenant), Arg::from(keys.phone), Arg::from(keys.email), Arg::from(keys.company)],
    )
    .await?;
    Ok(found.is_some_and(|f| f.n > 0))
}

/// The masked name of the rep who will call back.
async fn contact_of(ctx: &Ctx, owner: Option<&str>) -> ApiResult<Option<String>> {
    let Some(owner) = owner else { return Ok(None) };
    #[derive(Deserialize)]
    struct Name {
        name: String,
    }
    let name = db::first::<Name>(&ctx.db, "SELECT name FROM users WHERE tenant_id = ?1 AND id = ?2", &[Arg::from(&ctx.caller.tenant), Arg::from(owner)]).await?;
    Ok(name.map(|n| shared::mask::person_name(&n.name)))
}
