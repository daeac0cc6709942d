//! The customer as stored: its column table, the row read back, and the reads by id and
//! by query.
//!
//! [`COLUMNS`] is the one list of the `customers` table's columns: each says its SQL
//! type, how a read row takes its value and how a write binds it. Every `SELECT` list,
//! `RETURNING` clause, `INSERT` column list and the patch's `SET` list is generated from
//! it, and so is the mapping from a row to a [`Customer`]. A test holds it equal to the
//! migrations' `CREATE TABLE customers` (and `ALTER TABLE … ADD COLUMN`s), so adding a
//! column is one line here plus a migration.

use std::sync::OnceLock;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use shared::api::{CustomerQuery, CustomerView, DuplicateDetails};
use shared::customer::{Customer, DuplicateField, DuplicateKeys, Intent, Tier};
use shared::lifecycle::LifecycleDates;
use shared::ownership::{masks_contacts, Scope};
use shared::settings::TenantSettings;
use shared::time::Millis;
use worker::D1PreparedStatement;

use crate::context::{Caller, Ctx};
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::store::scope::{self, Filter};

/// One column of `customers`.
pub struct Column {
    pub name: &'static str,
    /// Its type as the migration declares it; a value read back is decoded as this type.
    pub sql_type: SqlType,
    /// How a row read back takes the value; `None`: never read (keys, tenancy, deletion).
    pub read: Option<fn(&mut Row, Cell)>,
    /// The value an insert binds; `None`: never inserted (left to its default).
    pub write: Option<fn(&Record<'_>) -> Arg>,
    /// Whether a patch (`PATCH /customers/{id}`, a stage move) writes it too.
    pub patched: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlType {
    Text,
    Integer,
    Real,
}

/// One value read back, decoded by its column's [`SqlType`].
pub enum Cell {
    Null,
    Text(String),
    Number(f64),
}

use SqlType::{Integer as INTEGER, Real as REAL, Text as TEXT};

/// Read and written by inserts and patches.
const fn edited(name: &'static str, sql_type: SqlType, read: fn(&mut Row, Cell), write: fn(&Record<'_>) -> Arg) -> Column {
    Column { name, sql_type, read: Some(read), write: Some(write), patched: true }
}

/// Read, and written by inserts only (patches leave it; other statements move it).
const fn created(name: &'static str, sql_type: SqlType, read: fn(&mut Row, Cell), write: fn(&Record<'_>) -> Arg) -> Column {
    Column { name, sql_type, read: Some(read), write: Some(write), patched: false }
}

/// Written, never read back.
const fn stored(name: &'static str, sql_type: SqlType, write: Option<fn(&Record<'_>) -> Arg>, patched: bool) -> Column {
    Column { name, sql_type, read: None, write, patched }
}

/// The `customers` table, in the migration's order.
#[rustfmt::skip]
pub const COLUMNS: &[Column] = &[
    stored("tenant_id", TEXT, Some(|r| Arg::from(r.tenant)), false),
    created("id", TEXT, |row, v| row.customer.id = text(v).unwrap_or_default(), |r| Arg::from(&r.customer.id)),
    edited("name", TEXT, |row, v| row.customer.name = text(v).unwrap_or_default(), |r| Arg::from(&r.customer.name)),
    edited("company", TEXT, |row, v| row.customer.company = text(v), |r| Arg::from(r.customer.company.clone())),
    edited("contact_name", TEXT, |row, v| row.customer.contact_name = text(v), |r| Arg::from(r.customer.contact_name.clone())),
    edited("phone", TEXT, |row, v| row.customer.phone = text(v), |r| Arg::from(r.customer.phone.clone())),
    edited("email", TEXT, |row, v| row.customer.email = text(v), |r| Arg::from(r.customer.email.clone())),
    edited("wechat", TEXT, |row, v| row.customer.wechat = text(v), |r| Arg::from(r.customer.wechat.clone())),
    edited("industry", TEXT, |row, v| row.customer.industry = text(v), |r| Arg::from(r.customer.industry.clone())),
    edited("region", TEXT, |row, v| row.customer.region = text(v), |r| Arg::from(r.customer.region.clone())),
    edited("source", TEXT, |row, v| row.customer.source = text(v), |r| Arg::from(r.customer.source.clone())),
    edited("amount", REAL, |row, v| row.customer.amount = number(v), |r| Arg::from(r.customer.amount)),
    edited("stage", TEXT, |row, v| row.customer.stage = text(v).unwrap_or_default(), |r| Arg::from(&r.customer.stage)),
    edited("tier", TEXT, |row, v| row.customer.tier = text(v).as_deref().and_then(Tier::parse), |r| Arg::from(r.customer.tier.map(|t| t.as_str()))),
    edited("intent", TEXT, |row, v| row.customer.intent = text(v).as_deref().and_then(Intent::parse), |r| Arg::from(r.customer.intent.map(|i| i.as_str()))),
    edited("tags", TEXT, |row, v| row.customer.tags = json_text(v), |r| json_arg(&r.customer.tags, "[]")),
    edited("custom", TEXT, |row, v| row.customer.custom = json_text(v), |r| json_arg(&r.customer.custom, "{}")),
    created("owner_id", TEXT, |row, v| row.customer.owner = text(v), |r| Arg::from(r.customer.owner.clone())),
    created("collaborators", TEXT, |row, v| row.customer.collaborators = json_text(v), |r| json_arg(&r.customer.collaborators, "[]")),
    created("created_by", TEXT, |row, v| row.customer.created_by = text(v).unwrap_or_default(), |r| Arg::from(&r.customer.created_by)),
    created("created_at", INTEGER, |row, v| row.customer.created_at = millis(v).unwrap_or_default(), |r| Arg::Int(r.customer.created_at)),
    edited("updated_at", INTEGER, |row, v| row.customer.updated_at = millis(v).unwrap_or_default(), |r| Arg::Int(r.customer.updated_at)),
    created("owned_since", INTEGER, |row, v| row.owned_since = millis(v), |r| Arg::from(r.customer.owner.as_ref().map(|_| r.customer.created_at))),
    created("last_follow_up_at", INTEGER, |row, v| row.customer.last_follow_up_at = millis(v), |r| Arg::from(r.customer.last_follow_up_at)),
    edited("next_follow_up_at", INTEGER, |row, v| row.customer.next_follow_up_at = millis(v), |r| Arg::from(r.customer.next_follow_up_at)),
    edited("won_at", INTEGER, |row, v| row.customer.won_at = millis(v), |r| Arg::from(r.customer.won_at)),
    edited("lost_at", INTEGER, |row, v| row.customer.lost_at = millis(v), |r| Arg::from(r.customer.lost_at)),
    edited("segment", TEXT, |row, v| row.customer.segment = text(v), |r| Arg::from(r.customer.segment.clone())),
    edited("version", INTEGER, |row, v| row.customer.version = millis(v).unwrap_or_default(), |r| Arg::Int(r.customer.version)),
    stored("deleted_at", INTEGER, None, false),
    stored("phone_key", TEXT, Some(|r| Arg::from(r.keys.phone.clone())), true),
    stored("email_key", TEXT, Some(|r| Arg::from(r.keys.email.clone())), true),
    stored("company_key", TEXT, Some(|r| Arg::from(r.keys.company.clone())), true),
    stored("import_key", TEXT, Some(|r| Arg::from(r.import_key.clone())), false),
    edited("reached_stage", TEXT, |row, v| row.reached_stage = text(v), |r| Arg::from(r.reached_stage.clone())),
];

fn text(v: Cell) -> Option<String> {
    match v {
        Cell::Text(s) => Some(s),
        _ => None,
    }
}

fn number(v: Cell) -> Option<f64> {
    match v {
        Cell::Number(n) => Some(n),
        _ => None,
    }
}

fn millis(v: Cell) -> Option<Millis> {
    number(v).map(|n| n as Millis)
}

/// A JSON text column, a corrupt value read as empty.
fn json_text<T: serde::de::DeserializeOwned + Default>(v: Cell) -> T {
    db::json_column(&text(v))
}

fn json_arg<T: serde::Serialize>(value: &T, empty: &str) -> Arg {
    Arg::Text(serde_json::to_string(value).unwrap_or_else(|_| empty.into()))
}

/// What a write binds: the record and the values stored beside it.
pub struct Record<'a> {
    pub tenant: &'a str,
    pub customer: &'a Customer,
    pub keys: DuplicateKeys,
    /// Set by imports of rows without any duplicate key, so a re-import finds them.
    pub import_key: Option<String>,
    /// The furthest stage reached (`shared::pipeline::reached_stage`).
    pub reached_stage: Option<String>,
}

impl<'a> Record<'a> {
    pub fn new(tenant: &'a str, customer: &'a Customer, reached_stage: Option<String>) -> Record<'a> {
        Record { tenant, customer, keys: DuplicateKeys::of_customer(customer), import_key: None, reached_stage }
    }
}

fn listed(columns: impl Iterator<Item = String>) -> String {
    columns.collect::<Vec<_>>().join(", ")
}

/// The columns read back, each prefixed (`c.`, or nothing for `RETURNING`).
fn read_list(prefix: &str) -> String {
    listed(COLUMNS.iter().filter(|c| c.read.is_some()).map(|c| format!("{prefix}{}", c.name)))
}

/// `SELECT` of the columns read back with the owner's name joined in, `FROM customers c`.
pub fn select() -> &'static str {
    static SELECT: OnceLock<String> = OnceLock::new();
    SELECT.get_or_init(|| format!("SELECT {}, u.name AS owner_name FROM customers c LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.owner_id", read_list("c.")))
}

/// The row as a write leaves it (`… RETURNING`), so an answer shows exactly what this
/// write did even if another write lands a moment later. No owner name: no join.
pub fn returning() -> &'static str {
    static RETURNING: OnceLock<String> = OnceLock::new();
    RETURNING.get_or_init(|| format!(" RETURNING {}", read_list("")))
}

fn inserted() -> impl Iterator<Item = &'static Column> {
    COLUMNS.iter().filter(|c| c.write.is_some())
}

/// The columns an insert names, in the order of [`insert_values`].
pub fn insert_columns() -> &'static str {
    static INSERTED: OnceLock<String> = OnceLock::new();
    INSERTED.get_or_init(|| listed(inserted().map(|c| c.name.to_string())))
}

pub fn insert_column_count() -> usize {
    inserted().count()
}

/// Where column `name` stands among [`insert_columns`] (and [`insert_values`]).
pub fn insert_position(name: &str) -> Option<usize> {
    inserted().position(|c| c.name == name)
}

/// The values of [`insert_columns`].
pub fn insert_values(record: &Record<'_>) -> Vec<Arg> {
    inserted().filter_map(|c| c.write).map(|write| write(record)).collect()
}

/// Placeholders for [`insert_values`] bound from parameter `first` on.
pub fn insert_placeholders(first: usize) -> String {
    listed((first..first + insert_column_count()).map(|i| format!("?{i}")))
}

fn patched() -> impl Iterator<Item = &'static Column> {
    COLUMNS.iter().filter(|c| c.patched)
}

/// A patch's `SET` list, its values bound from parameter `first` on ([`patch_values`]).
pub fn patch_set(first: usize) -> String {
    listed(patched().enumerate().map(|(i, c)| format!("{} = ?{}", c.name, first + i)))
}

pub fn patch_values(record: &Record<'_>) -> Vec<Arg> {
    patched().filter_map(|c| c.write).map(|write| write(record)).collect()
}

/// A customer read back ([`select`] or [`returning`]), with what is stored beside it.
pub struct Row {
    customer: Customer,
    owned_since: Option<Millis>,
    pub reached_stage: Option<String>,
    owner_name: Option<String>,
}

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Row, D::Error> {
        struct Columns;
        impl<'de> Visitor<'de> for Columns {
            type Value = Row;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a customers row")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
                let mut row = Row::blank();
                // Columns arrive in the table's order: look from the last one found.
                let mut at = 0;
                while let Some(key) = map.next_key::<&'de str>()? {
                    if key == "owner_name" {
                        row.owner_name = map.next_value()?;
                        continue;
                    }
                    let found = (0..COLUMNS.len()).map(|i| (at + i) % COLUMNS.len()).find(|&i| COLUMNS[i].name == key);
                    match found.and_then(|i| COLUMNS[i].read.map(|read| (i, read))) {
                        Some((i, read)) => {
                            at = i + 1;
                            let cell = match COLUMNS[i].sql_type {
                                SqlType::Text => map.next_value::<Option<String>>()?.map_or(Cell::Null, Cell::Text),
                                SqlType::Integer | SqlType::Real => map.next_value::<Option<f64>>()?.map_or(Cell::Null, Cell::Number),
                            };
                            read(&mut row, cell);
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(row)
            }
        }
        deserializer.deserialize_map(Columns)
    }
}

impl Row {
    fn blank() -> Row {
        let customer = Customer {
            id: String::new(),
            name: String::new(),
            company: None,
            contact_name: None,
            phone: None,
            email: None,
            wechat: None,
            industry: None,
            region: None,
            source: None,
            amount: None,
            stage: String::new(),
            tier: None,
            intent: None,
            tags: Vec::new(),
            custom: Default::default(),
            owner: None,
            collaborators: Vec::new(),
            created_by: String::new(),
            created_at: 0,
            updated_at: 0,
            last_follow_up_at: None,
            next_follow_up_at: None,
            won_at: None,
            lost_at: None,
            segment: None,
            version: 0,
        };
        Row { customer, owned_since: None, reached_stage: None, owner_name: None }
    }

    pub fn is_unowned(&self) -> bool {
        self.customer.owner.is_none()
    }

    pub fn owner(&self) -> Option<&str> {
        self.customer.owner.as_deref()
    }

    /// When the current owner got the customer (claim, allocation, creation).
    pub fn owned_since(&self) -> Option<Millis> {
        self.owned_since.or(Some(self.customer.created_at).filter(|_| self.customer.owner.is_some()))
    }

    pub fn into_customer(self) -> (Customer, Option<String>) {
        (self.customer, self.owner_name)
    }

    pub fn into_view(self, caller: &Caller, settings: &TenantSettings, now: Millis) -> CustomerView {
        let (customer, owner_name) = self.into_customer();
        view(customer, owner_name, caller, settings, now)
    }

    /// A view of a row a write returned (`RETURNING` has no join), with the owner's name
    /// read before the write that did not change the owner.
    pub fn into_view_named(self, owner_name: Option<String>, caller: &Caller, settings: &TenantSettings, now: Millis) -> CustomerView {
        let (customer, _) = self.into_customer();
        view(customer, owner_name, caller, settings, now)
    }
}

/// What a caller sees of a customer: lifecycle computed, contacts masked where the rules
/// say so, and whether they may edit it.
pub fn view(mut customer: Customer, owner_name: Option<String>, caller: &Caller, settings: &TenantSettings, now: Millis) -> CustomerView {
    let dates = LifecycleDates { created_at: customer.created_at, last_follow_up_at: customer.last_follow_up_at, won_at: customer.won_at, lost_at: customer.lost_at };
    let lifecycle = shared::lifecycle::classify(&settings.lifecycle, &dates, now);
    let masked = masks_contacts(caller.role, customer.owner.as_deref());
    if masked {
        shared::mask::customer(&mut customer, &settings.custom_fields);
    }
    let editable = may_edit_visible(caller, customer.owner.as_deref());
    CustomerView { customer, lifecycle, owner_name, masked, editable, allocation: None }
}

/// Whether the caller may edit a customer they can see (read through [`scope::visible`]):
/// a rep only their own; for managers the visibility condition is the edit condition.
pub fn may_edit_visible(caller: &Caller, owner: Option<&str>) -> bool {
    match Scope::of(caller.role) {
        Scope::Own => owner == Some(caller.user.as_str()),
        Scope::Team | Scope::Tenant => true,
    }
}

/// A fresh random 64-bit value for ids. Uniqueness, not secrecy, is what ids need.
pub fn entropy() -> u64 {
    let hi = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let lo = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (hi << 32) | lo
}

pub fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("no customer {id}"))
}

fn visible_sql(caller: &Caller) -> String {
    format!("{} WHERE c.tenant_id = ?1 AND c.id = ?3 AND c.deleted_at IS NULL AND {}", select(), scope::visible(caller))
}

/// Reads one live customer through the caller's visibility.
pub async fn fetch_visible(ctx: &Ctx, id: &str) -> ApiResult<Option<Row>> {
    db::first::<Row>(&ctx.db, &visible_sql(&ctx.caller), &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(id)]).await
}

/// [`fetch_visible`] as a statement of a batch: its result is the row, if the caller sees it.
pub fn visible_statement(ctx: &Ctx, id: &str) -> ApiResult<D1PreparedStatement> {
    db::stmt(&ctx.db, &visible_sql(&ctx.caller), &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(id)])
}

/// Reads one live customer of the tenant whatever its owner: for decisions that must not
/// depend on visibility (which pool's limits apply to a claim), never for answering.
pub async fn fetch_in_tenant(ctx: &Ctx, id: &str) -> ApiResult<Option<Row>> {
    let sql = format!("{} WHERE c.tenant_id = ?1 AND c.id = ?2 AND c.deleted_at IS NULL", select());
    db::first::<Row>(&ctx.db, &sql, &[Arg::from(&ctx.caller.tenant), Arg::from(id)]).await
}

/// One page of rows matching a query, newest first (ids sort by creation time).
pub async fn query_rows(ctx: &Ctx, query: &CustomerQuery, settings: &TenantSettings, limit: u32) -> ApiResult<Vec<Row>> {
    let mut filter = Filter::new(&ctx.caller);
    filter.apply_query(query, settings, ctx.now);
    let sql = format!("{} WHERE {} ORDER BY c.id DESC LIMIT {limit}", select(), filter.where_clause());
    db::all::<Row>(&ctx.db, &sql, &filter.args).await
}

/// The audit insert and the update, for one batch, that soft-delete the customers
/// matching `which` (a condition on `c` over ?3 = `subject`) the caller may edit: one
/// customer (`DELETE /customers/{id}`) or a bulk selection, by the same two statements.
/// The audit rows are written first, under the same condition, so both happen or
/// neither does. `returning` ends the update.
pub fn delete_statements(ctx: &Ctx, which: &str, subject: &str, returning: &str) -> ApiResult<[D1PreparedStatement; 2]> {
    // ?1 tenant, ?2 caller, ?3 subject, ?4 now.
    let condition = format!("c.tenant_id = ?1 AND {which} AND c.deleted_at IS NULL AND {}", scope::editable(&ctx.caller));
    let args = [Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(subject), Arg::Int(ctx.now)];
    let audit = crate::audit::Event::new(shared::audit::AuditAction::Delete, "c.id", "?2", "?4").from("c.owner_id").reason_text(shared::audit::Reason::DELETED).statement(
        &ctx.db,
        crate::audit::Source::Rows(&condition),
        &args,
    )?;
    let update = db::stmt(&ctx.db, &format!("UPDATE customers AS c SET deleted_at = ?4, updated_at = ?4, version = version + 1 WHERE {condition}{returning}"), &args)?;
    Ok([audit, update])
}

/// The condition under which customer `c` takes tag ?4 from the caller: one they may
/// edit that lacks it and has room for one more (`shared::limits::TAGS`).
fn taggable(ctx: &Ctx) -> String {
    format!("c.deleted_at IS NULL AND {} AND json_array_length(c.tags) < {} AND NOT EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?4)", scope::editable(&ctx.caller), shared::limits::TAGS)
}

/// The customers matching `which` (over ?3 = `subject`) that would take tag `tag`, as
/// they are now: what [`tag_statement`]'s plan is computed from.
pub async fn tag_candidates(ctx: &Ctx, which: &str, subject: &str, tag: &str) -> ApiResult<Vec<Row>> {
    // ?1 tenant, ?2 caller, ?3 subject, ?4 tag.
    let sql = format!("{} WHERE c.tenant_id = ?1 AND {which} AND {}", select(), taggable(ctx));
    db::all::<Row>(&ctx.db, &sql, &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(subject), Arg::from(tag)]).await
}

/// The update that adds tag `tag` and writes the segment the tag gives, in one
/// statement: `plan` is a JSON array of `[id, version, segment]`, each customer's
/// segment as `shared::segment` classifies it with the tag added, from the row at that
/// version. Only customers still at the version planned, still taggable, change (a
/// customer changed meanwhile is left alone, and `shared::bulk::skip_reason` calls it
/// stale); the segment only while the tenant's settings are at `settings_version`, the
/// rules it was computed under (a newer settings version re-classifies everyone anyway).
/// Answers the ids changed. A tag is not an ownership change: no audit row, as for a
/// `PATCH` of the tags.
pub fn tag_statement(ctx: &Ctx, plan: &str, tag: &str, settings_version: i64) -> ApiResult<D1PreparedStatement> {
    // ?1 tenant, ?2 caller, ?3 plan, ?4 tag, ?5 now, ?6 settings version. The plan is
    // joined as rows (`p`), read once: a sub-select over it per customer would scan the
    // whole plan for each, quadratic in a 5,000-customer batch.
    let sql = format!(
        "UPDATE customers AS c SET tags = json_insert(c.tags, '$[#]', ?4), updated_at = ?5, version = c.version + 1, \
         segment = CASE WHEN EXISTS (SELECT 1 FROM tenants t WHERE t.id = ?1 AND t.settings_version = ?6) THEN p.segment ELSE c.segment END \
         FROM (SELECT value ->> 0 AS id, value ->> 1 AS version, value ->> 2 AS segment FROM json_each(?3)) AS p \
         WHERE c.tenant_id = ?1 AND c.id = p.id AND c.version = p.version AND {} RETURNING id",
        taggable(ctx)
    );
    db::stmt(&ctx.db, &sql, &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(plan), Arg::from(tag), Arg::Int(ctx.now), Arg::Int(settings_version)])
}

/// Whether user `?3` may be given a customer by the caller, as a statement of a batch:
/// one row (`ok`) if so, none if not.
pub fn target_statement(ctx: &Ctx, target: &str) -> ApiResult<D1PreparedStatement> {
    let sql = format!("SELECT 1 AS ok WHERE {}", scope::assignable_target(&ctx.caller, "?3"));
    db::stmt(&ctx.db, &sql, &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(target)])
}

/// The live customer holding one of `keys` (other than `except_id`), with its owner's
/// name: the holder a unique duplicate key refused a write for.
#[derive(Deserialize)]
pub struct Holder {
    id: String,
    owner_id: Option<String>,
    owner_name: Option<String>,
    phone_key: Option<String>,
    email_key: Option<String>,
    company_key: Option<String>,
}

/// The statement that reads the [`Holder`] (at most one row).
pub fn holder_statement(ctx: &Ctx, keys: &DuplicateKeys, except_id: Option<&str>) -> ApiResult<D1PreparedStatement> {
    // Through each key's unique index (a UNION: SQLite answers the OR by scanning the tenant).
    db::stmt(
        &ctx.db,
        "SELECT c.id, c.owner_id, u.name AS owner_name, c.phone_key, c.email_key, c.company_key \
         FROM customers c LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.owner_id \
         WHERE c.tenant_id = ?1 AND c.deleted_at IS NULL AND c.id <> ?2 AND c.id IN ( \
         SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND phone_key = ?3 UNION ALL \
         SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND email_key = ?4 UNION ALL \
         SELECT id FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL AND company_key = ?5) LIMIT 1",
        &[Arg::from(&ctx.caller.tenant), Arg::from(except_id.unwrap_or("")), Arg::from(keys.phone.clone()), Arg::from(keys.email.clone()), Arg::from(keys.company.clone())],
    )
}

/// The 409 for a write refused by a unique duplicate key: which key, and who holds the
/// other record, masked. No holder: the refusal was not a duplicate ([`ApiError::Internal`]).
pub fn duplicate_error(caller: &Caller, keys: &DuplicateKeys, holder: Option<Holder>) -> ApiError {
    let Some(holder) = holder else {
        return ApiError::Internal("write refused but no conflicting customer found".into());
    };
    let theirs = DuplicateKeys { phone: holder.phone_key, email: holder.email_key, company: holder.company_key };
    let field = keys.shared_with(&theirs).unwrap_or(DuplicateField::Company);
    let owned_by_you = holder.owner_id.as_deref() == Some(caller.user.as_str());
    let in_pool = holder.owner_id.is_none();
    let masked_owner = holder.owner_id.as_ref().map(|id| shared::mask::person_name(holder.owner_name.as_deref().unwrap_or(id)));
    // A pool customer's id is shown so the rep can claim it, unless the key that matched is
    // a contact the caller's view of it hides: the id would tie the digits they typed to
    // that record, and guessing the masked digits would read them back.
    let hidden_key = masks_contacts(caller.role, holder.owner_id.as_deref()) && field != DuplicateField::Company;
    let reveal_id = owned_by_you || (in_pool && !hidden_key) || caller.role == shared::ids::Role::Admin;
    ApiError::Duplicate(DuplicateDetails { field, owner: masked_owner, owned_by_you, in_pool, customer_id: reveal_id.then_some(holder.id) })
}

/// Reads the holder and answers [`duplicate_error`].
pub async fn duplicate_of(ctx: &Ctx, keys: &DuplicateKeys, except_id: Option<&str>) -> ApiResult<ApiError> {
    let results = db::batch(&ctx.db, vec![holder_statement(ctx, keys, except_id)?]).await?;
    Ok(duplicate_error(&ctx.caller, keys, db::returned_first::<Holder>(&results, 0)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `customers` table's columns as the migrations leave it: `CREATE TABLE`, then
    /// each `ALTER TABLE … ADD COLUMN` in file order.
    fn migrated_columns() -> Vec<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "sql")).collect();
        files.sort();
        let mut columns = Vec::new();
        for file in files {
            let sql = std::fs::read_to_string(&file).unwrap();
            if let Some(start) = sql.find("CREATE TABLE customers (") {
                let body = &sql[start + "CREATE TABLE customers (".len()..];
                let body = &body[..body.find(");").unwrap()];
                for line in body.lines().map(str::trim) {
                    let mut words = line.split_whitespace();
                    let (Some(name), Some(sql_type)) = (words.next(), words.next()) else { continue };
                    if name.starts_with("--") || ["PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT"].contains(&name) {
                        continue;
                    }
                    columns.push((name.to_string(), sql_type.trim_end_matches(',').to_string()));
                }
            }
            let code: Vec<&str> = sql.lines().map(|line| line.split("--").next().unwrap_or_default()).collect();
            for statement in code.join("\n").split(';') {
                let words: Vec<&str> = statement.split_whitespace().collect();
                if let ["ALTER", "TABLE", "customers", "ADD", "COLUMN", name, sql_type, ..] = words.as_slice() {
                    columns.push((name.to_string(), sql_type.to_string()));
                }
                assert!(!(words.starts_with(&["ALTER", "TABLE", "customers"]) && !words.contains(&"ADD")), "{}: teach this test the customers change `{}`", file.display(), words.join(" "));
            }
        }
        columns
    }

    fn sql_name(t: SqlType) -> &'static str {
        match t {
            SqlType::Text => "TEXT",
            SqlType::Integer => "INTEGER",
            SqlType::Real => "REAL",
        }
    }

    #[test]
    fn the_column_table_is_the_migrated_table() {
        let table: Vec<(String, String)> = COLUMNS.iter().map(|c| (c.name.to_string(), sql_name(c.sql_type).to_string())).collect();
        assert_eq!(table, migrated_columns());
    }

    #[test]
    fn generated_lists() {
        assert!(select().starts_with("SELECT c.id, c.name, c.company, "));
        assert!(select().ends_with("c.reached_stage, u.name AS owner_name FROM customers c LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.owner_id"));
        assert!(!select().contains("phone_key") && !select().contains("deleted_at") && !select().contains("tenant_id,"));
        assert_eq!(insert_column_count(), 34);
        assert!(insert_columns().starts_with("tenant_id, id, name, ") && insert_columns().ends_with("company_key, import_key, reached_stage"));
        assert_eq!(insert_placeholders(4).split(", ").last(), Some("?37"));
        assert_eq!(
            patch_set(5),
            "name = ?5, company = ?6, contact_name = ?7, phone = ?8, email = ?9, wechat = ?10, industry = ?11, region = ?12, \
             source = ?13, amount = ?14, stage = ?15, tier = ?16, intent = ?17, tags = ?18, custom = ?19, updated_at = ?20, \
             next_follow_up_at = ?21, won_at = ?22, lost_at = ?23, segment = ?24, version = ?25, phone_key = ?26, \
             email_key = ?27, company_key = ?28, reached_stage = ?29"
        );
    }

    #[test]
    fn a_row_reads_back_what_was_written() {
        let customer: Customer = serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "李雷", "company": "示例", "phone": "13800000000", "amount": 12.5, "stage": "lead",
            "tier": "key", "intent": "high", "tags": ["a"], "custom": {"k": 1}, "owner": "u1", "collaborators": ["u2"],
            "created_by": "u1", "created_at": 1, "updated_at": 2, "next_follow_up_at": 4, "won_at": 5, "segment": "vip", "version": 7
        }))
        .unwrap();
        let record = Record::new("t1", &customer, Some("won".into()));
        let written: serde_json::Map<String, serde_json::Value> = inserted()
            .zip(insert_values(&record))
            .map(|(c, arg)| {
                let value = match arg {
                    Arg::Null => serde_json::Value::Null,
                    Arg::Text(s) => serde_json::json!(s),
                    Arg::Int(n) => serde_json::json!(n),
                    Arg::Real(n) => serde_json::json!(n),
                };
                (c.name.to_string(), value)
            })
            .collect();
        let mut text = serde_json::to_value(&written).unwrap();
        text["owner_name"] = serde_json::json!("韩梅梅");
        let row: Row = serde_json::from_str(&text.to_string()).unwrap();
        assert_eq!((row.owned_since(), row.reached_stage.as_deref()), (Some(1), Some("won")));
        let (read, owner_name) = row.into_customer();
        assert_eq!(read, customer);
        assert_eq!(owner_name.as_deref(), Some("韩梅梅"));
    }
}
