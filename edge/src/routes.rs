//! The route table: one list that both the router dispatches from and the OpenAPI
//! document is generated from, so no route can exist undocumented or be documented
//! without existing.

use schemars::{generate::SchemaGenerator, JsonSchema, Schema};
use shared::allocation::AllocationRules;
use shared::api::*;
use shared::intake::{IntakeKeyCreated, IntakeKeyInput, IntakeKeyList, IntakeKeyView, IntakeReceipt, IntakeSubmission};
use shared::links::{Exchange, Exchanged, LinkCreated, LinkInput, LinkList, LinkView};
use shared::pool::PoolRules;
use shared::reports::{FairnessReport, FollowUpReport, FunnelReport, PoolFlowReport, ReportKind, RepsReport, StrategyReport};
use shared::settings::TenantSettings;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Health,
    OpenApi,
    Me,
    GetSettings,
    PutSettings,
    Users,
    ListCustomers,
    CreateCustomer,
    ImportCustomers,
    ExportCustomers,
    GetCustomer,
    PatchCustomer,
    DeleteCustomer,
    BulkCustomers,
    CountCustomers,
    ListReps,
    CreateRep,
    PatchRep,
    GetAllocationRules,
    PutAllocationRules,
    PreviewAllocation,
    ApplyAllocation,
    ClaimCustomer,
    ReleaseCustomer,
    GetPoolRules,
    PutPoolRules,
    Audit,
    Reminders,
    PoolList,
    PoolStanding,
    Transfer,
    HandOver,
    AddCollaborator,
    RemoveCollaborator,
    Distribute,
    MoveStage,
    PutStages,
    ListFollowUps,
    CreateFollowUp,
    Report(ReportKind),
    Board,
    Intake,
    ListIntakeKeys,
    CreateIntakeKey,
    ChangeIntakeKey,
    RevokeIntakeKey,
    ExchangeLink,
    IssueLink,
    ListLinks,
    RevokeLink,
    History,
    RecentAudit,
    PreviewRecycle,
    PreviewSegments,
    ImportTemplate,
}

pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

#[derive(Clone, Copy)]
pub enum Body {
    None,
    Json(SchemaFn),
    /// CSV text (export) or a CSV/XLSX file (import).
    File(&'static [&'static str]),
}

pub struct Route {
    pub method: &'static str,
    /// Path pattern; `{name}` matches one segment.
    pub path: &'static str,
    pub endpoint: Endpoint,
    /// Reachable without a token.
    pub public: bool,
    pub summary: &'static str,
    pub query: &'static [(&'static str, &'static str)],
    pub request: Body,
    pub status: u16,
    pub response: Body,
}

const NO_QUERY: &[(&str, &str)] = &[];
const REMINDER_QUERY: &[(&str, &str)] = &[("scope", "me (default) or team (managers and admins)")];
const SETTINGS_QUERY: &[(&str, &str)] = &[("resegment", "true: classify every customer under the segment rules even if they did not change (to finish a re-classification that failed)")];
const AUDIT_QUERY: &[(&str, &str)] = &[("customer", "the customer's id (required)")];
const IMPORT_QUERY: &[(&str, &str)] = &[
    ("dry_run", "true: validate and report every bad row, write nothing"),
    ("to_pool", "true: imported customers go to the public pool instead of the importer (managers and admins; a rep gets 403)"),
];

const HISTORY_QUERY: &[(&str, &str)] = &[
    ("document", "settings, allocation-rules or pool-rules (required)"),
    ("limit", "entries per page, 1–100 (default 20)"),
    ("before", "only versions below this one: the previous page's next_before"),
];
const RECENT_AUDIT_QUERY: &[(&str, &str)] = &[("limit", "events per page, 1–200 (default 50)"), ("before", "the previous page's next_before")];
const TEMPLATE_QUERY: &[(&str, &str)] = &[("format", "xlsx (a drop-down for each closed list — industries, places, stages, value tiers, intents, select fields — with its values on a second sheet; phone, WeChat and dates kept as text) or csv (the default: UTF-8 with a BOM); anything else is 400 `unsupported_format`")];

const BOARD_QUERY: &[(&str, &str)] = &[("owner", "me (default), team (owned by someone you can see) or all"), ("per_stage", "only the first N (1–500) cards of each column, with exact `totals`")];
const REPORT_QUERY: &[(&str, &str)] = &[
    ("from", "first day, YYYY-MM-DD in the tenant's time zone (default: 29 days before `to`)"),
    ("to", "last day, included (default: today)"),
    ("days", "instead of `from`: this many days up to `to`"),
    ("team", "only this team's reps (within the caller's own scope)"),
    ("format", "json (default) or csv; `Accept: text/csv` also gives CSV"),
    ("lang", "zh (default) or en: the CSV's headers and labels"),
];

/// Literal paths come before patterns that would also match them.
pub static ROUTES: &[Route] = &[
    Route { method: "GET", path: "/api/v1/health", endpoint: Endpoint::Health, public: true, summary: "Liveness", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<Health>) },
    Route { method: "GET", path: "/api/v1/openapi.json", endpoint: Endpoint::OpenApi, public: true, summary: "This document (OpenAPI 3.1)", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<serde_json::Value>) },
    Route { method: "POST", path: "/api/v1/intake", endpoint: Endpoint::Intake, public: true, summary: "Submit a new customer with a publishable intake key (`Authorization: Bearer ik_…`, no token; `Idempotency-Key` header, the same on retries): placed by the key (allocated by the tenant's rules, or into the pool), from the key's origins; answers only that it was received (and, if the key allows, the masked name of the rep who will call back) — the same for a phone already known. 429 past the key's or the address's budget; 422 `too_fast` for a form sent quicker than a person fills one", query: NO_QUERY, request: Body::Json(schema::<IntakeSubmission>), status: 200, response: Body::Json(schema::<IntakeReceipt>) },
    Route { method: "GET", path: "/api/v1/intake-keys", endpoint: Endpoint::ListIntakeKeys, public: false, summary: "The tenant's intake keys, newest first, without their secrets (admin)", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<IntakeKeyList>) },
    Route { method: "POST", path: "/api/v1/intake-keys", endpoint: Endpoint::CreateIntakeKey, public: false, summary: "Create an intake key (admin): the answer holds its secret (shown once; only a hash is stored), its hosted page `/f/<key>` and an SVG QR code of that page", query: NO_QUERY, request: Body::Json(schema::<IntakeKeyInput>), status: 201, response: Body::Json(schema::<IntakeKeyCreated>) },
    Route { method: "PATCH", path: "/api/v1/intake-keys/{id}", endpoint: Endpoint::ChangeIntakeKey, public: false, summary: "Replace an intake key's settings: label, origins, source, placement, strategy, reveal_owner, page (admin)", query: NO_QUERY, request: Body::Json(schema::<IntakeKeyInput>), status: 200, response: Body::Json(schema::<IntakeKeyView>) },
    Route { method: "DELETE", path: "/api/v1/intake-keys/{id}", endpoint: Endpoint::RevokeIntakeKey, public: false, summary: "Revoke an intake key (admin): it stays listed and submits nothing from then on", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<IntakeKeyView>) },
    Route { method: "POST", path: "/api/v1/links/exchange", endpoint: Endpoint::ExchangeLink, public: true, summary: "Exchange a personal access link (its text, or the HttpOnly cookie an earlier exchange set) for a token of an hour for its user; sets the cookie. 401 for an unknown, expired or revoked link or a deactivated user", query: NO_QUERY, request: Body::Json(schema::<Exchange>), status: 200, response: Body::Json(schema::<Exchanged>) },
    Route { method: "GET", path: "/api/v1/users/{id}/links", endpoint: Endpoint::ListLinks, public: false, summary: "A user's personal access links, newest first, without secrets (admin; manager for their team's reps)", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<LinkList>) },
    Route { method: "POST", path: "/api/v1/users/{id}/links", endpoint: Endpoint::IssueLink, public: false, summary: "Issue a personal access link for a user (admin; manager for their team's reps): `/m/#pl_…`, shown once, expiring after `days` (default 30, at most 90)", query: NO_QUERY, request: Body::Json(schema::<LinkInput>), status: 201, response: Body::Json(schema::<LinkCreated>) },
    Route { method: "DELETE", path: "/api/v1/links/{id}", endpoint: Endpoint::RevokeLink, public: false, summary: "Revoke a personal access link (admin; manager for their team's reps)", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<LinkView>) },
    Route { method: "GET", path: "/api/v1/me", endpoint: Endpoint::Me, public: false, summary: "The caller as the token says", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<Me>) },
    Route { method: "GET", path: "/api/v1/settings", endpoint: Endpoint::GetSettings, public: false, summary: "Tenant settings: industries, territories, stages, lifecycle thresholds, custom fields, segments, allowed origins", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<TenantSettings>) },
    Route { method: "PUT", path: "/api/v1/settings", endpoint: Endpoint::PutSettings, public: false, summary: "Replace tenant settings (admin; `version` must match the stored one). Changed segment rules re-classify every customer before the answer", query: SETTINGS_QUERY, request: Body::Json(schema::<TenantSettings>), status: 200, response: Body::Json(schema::<TenantSettings>) },
    Route { method: "POST", path: "/api/v1/settings/segments/preview", endpoint: Endpoint::PreviewSegments, public: false, summary: "What-if for segment rules (manager, admin): the settings sent (validated as PUT would) classify the tenant's customers with the same classifier writes use, ordered, first match wins; counts per rule. Exact up to 20,000 customers; past that the most recent 20,000 (`exact: false`, `sampled`). Writes nothing", query: NO_QUERY, request: Body::Json(schema::<TenantSettings>), status: 200, response: Body::Json(schema::<SegmentPreview>) },
    Route { method: "GET", path: "/api/v1/users", endpoint: Endpoint::Users, public: false, summary: "The tenant's user directory", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<UserList>) },
    Route { method: "GET", path: "/api/v1/customers", endpoint: Endpoint::ListCustomers, public: false, summary: "List visible customers, newest first, with filters and cursor pagination", query: CUSTOMER_QUERY_PARAMS, request: Body::None, status: 200, response: Body::Json(schema::<CustomerPage>) },
    Route { method: "POST", path: "/api/v1/customers", endpoint: Endpoint::CreateCustomer, public: false, summary: "Create a customer. A duplicate of one someone else owns answers 409 `duplicate`, unless the tenant's `ownership_rule` gives it to the caller: then 200 with that customer, now theirs", query: NO_QUERY, request: Body::Json(schema::<NewCustomer>), status: 201, response: Body::Json(schema::<CustomerView>) },
    Route { method: "POST", path: "/api/v1/customers/import", endpoint: Endpoint::ImportCustomers, public: false, summary: "Import CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX; idempotent; one D1 batch. An owner column (负责人, 所属销售, owner, …) gives each row to the active user it names by exact name or id — any user for an admin, the team's for a manager, only themselves for a rep — else the row is an error; value tiers read the settings' `tier_labels`; past a limit (20 MiB, 20,000 rows or 500 for a rep, 256 columns, an XLSX unpacking past 64 MiB) 413 with details.limit", query: IMPORT_QUERY, request: Body::File(&["text/csv", crate::import::XLSX_TYPE]), status: 200, response: Body::Json(schema::<ImportReport>) },
    Route { method: "GET", path: "/api/v1/customers/import/template", endpoint: Endpoint::ImportTemplate, public: false, summary: "An import template: the headers the importer reads (in Chinese, the owner column 负责人 among them) and one example row in the tenant's words, as XLSX or CSV", query: TEMPLATE_QUERY, request: Body::None, status: 200, response: Body::File(&["text/csv", crate::import::XLSX_TYPE]) },
    Route { method: "GET", path: "/api/v1/customers/export", endpoint: Endpoint::ExportCustomers, public: false, summary: "Export visible customers as CSV with a UTF-8 BOM (same filters as the list; contacts masked as in the list; formula-like cells guarded with a leading `'` that the importer removes)", query: CUSTOMER_QUERY_PARAMS, request: Body::None, status: 200, response: Body::File(&["text/csv"]) },
    Route { method: "GET", path: "/api/v1/customers/count", endpoint: Endpoint::CountCustomers, public: false, summary: "How many visible customers the list's filters match, counted up to one more than a bulk action takes (5,001 means \"more than 5,000\"): the list's \"select all N matching\"", query: CUSTOMER_QUERY_PARAMS, request: Body::None, status: 200, response: Body::Json(schema::<CustomerCount>) },
    Route { method: "POST", path: "/api/v1/customers/bulk", endpoint: Endpoint::BulkCustomers, public: false, summary: "One action over up to 5,000 customers, named by `ids` or as every customer matching `filter` (the list's filters; more than 5,000 matching is 422 `selection_too_large`): `assign` pool customers or `transfer` customers to a rep (`to`; manager, admin), `release` to the pool (`reason_code`, `note`), `distribute` pool customers by a strategy (a preview, or `apply`; manager, admin), add a `tag`, `delete` (manager, admin). Each under the rules of its single route, in one D1 batch with its audit rows; the answer lists the customers done and those skipped with a reason code", query: NO_QUERY, request: Body::Json(schema::<BulkRequest>), status: 200, response: Body::Json(schema::<BulkResult>) },
    Route { method: "GET", path: "/api/v1/customers/{id}", endpoint: Endpoint::GetCustomer, public: false, summary: "One customer", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<CustomerView>) },
    Route { method: "PATCH", path: "/api/v1/customers/{id}", endpoint: Endpoint::PatchCustomer, public: false, summary: "Edit a customer (owner, their manager or admin; `version` as read, else 409 `stale`)", query: NO_QUERY, request: Body::Json(schema::<CustomerPatch>), status: 200, response: Body::Json(schema::<CustomerView>) },
    Route { method: "DELETE", path: "/api/v1/customers/{id}", endpoint: Endpoint::DeleteCustomer, public: false, summary: "Soft-delete a customer (manager or admin)", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<Deleted>) },
    Route { method: "GET", path: "/api/v1/reps", endpoint: Endpoint::ListReps, public: false, summary: "Reps in the caller's scope with load (held customers and value) and performance computed over the trailing window", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<RepList>) },
    Route { method: "POST", path: "/api/v1/reps", endpoint: Endpoint::CreateRep, public: false, summary: "Add a rep or manager (admin)", query: NO_QUERY, request: Body::Json(schema::<RepInput>), status: 201, response: Body::Json(schema::<RepView>) },
    Route { method: "PATCH", path: "/api/v1/reps/{id}", endpoint: Endpoint::PatchRep, public: false, summary: "Change a rep's level, industries, regions, capacity, active flag or team (manager for their team, admin); writes only the fields sent", query: NO_QUERY, request: Body::Json(schema::<RepPatch>), status: 200, response: Body::Json(schema::<RepView>) },
    Route { method: "POST", path: "/api/v1/reps/{id}/hand-over", endpoint: Endpoint::HandOver, public: false, summary: "Hand every customer a rep owns to one colleague (a transfer, follow-ups with them) or back to the pool (to: null), e.g. when the rep leaves (manager for their team, admin); audited per customer", query: NO_QUERY, request: Body::Json(schema::<HandOverInput>), status: 200, response: Body::Json(schema::<HandOverResult>) },
    Route { method: "GET", path: "/api/v1/allocation/rules", endpoint: Endpoint::GetAllocationRules, public: false, summary: "The tenant's allocation rules: strategy, weights, junior minimum share, performance window", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<AllocationRules>) },
    Route { method: "PUT", path: "/api/v1/allocation/rules", endpoint: Endpoint::PutAllocationRules, public: false, summary: "Replace the allocation rules (admin; `version` must match)", query: NO_QUERY, request: Body::Json(schema::<AllocationRules>), status: 200, response: Body::Json(schema::<AllocationRules>) },
    Route { method: "POST", path: "/api/v1/allocations/preview", endpoint: Endpoint::PreviewAllocation, public: false, summary: "Dry run: assignments with explanations and the distribution; writes nothing (manager, admin); an `optimal` run over the solver's bounds is 422 `optimal_too_large`", query: NO_QUERY, request: Body::Json(schema::<AllocationRequest>), status: 200, response: Body::Json(schema::<AllocationResponse>) },
    Route { method: "POST", path: "/api/v1/allocations", endpoint: Endpoint::ApplyAllocation, public: false, summary: "Allocate and apply in one batch; customers that gained an owner meanwhile are skipped, never overwritten (manager, admin)", query: NO_QUERY, request: Body::Json(schema::<AllocationRequest>), status: 200, response: Body::Json(schema::<AllocationResponse>) },
    Route { method: "POST", path: "/api/v1/customers/{id}/claim", endpoint: Endpoint::ClaimCustomer, public: false, summary: "Claim a pool customer (领取): one conditional statement; 409 `already_owned`, `claim_limit`, `holding_cap` or `cooldown` says what is left", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<CustomerView>) },
    Route { method: "POST", path: "/api/v1/customers/{id}/release", endpoint: Endpoint::ReleaseCustomer, public: false, summary: "Release a customer to the pool (退回) with a reason code (owner or their manager); starts the cool-down", query: NO_QUERY, request: Body::Json(schema::<ReleaseInput>), status: 200, response: Body::Json(schema::<CustomerView>) },
    Route { method: "GET", path: "/api/v1/pool/rules", endpoint: Endpoint::GetPoolRules, public: false, summary: "Pool rules: recycle days by tier, exemptions, reminders, daily claim limit, holding cap, cool-down, protection", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<PoolRules>) },
    Route { method: "PUT", path: "/api/v1/pool/rules", endpoint: Endpoint::PutPoolRules, public: false, summary: "Replace the pool rules (admin; `version` must match)", query: NO_QUERY, request: Body::Json(schema::<PoolRules>), status: 200, response: Body::Json(schema::<PoolRules>) },
    Route { method: "POST", path: "/api/v1/pool/rules/preview", endpoint: Endpoint::PreviewRecycle, public: false, summary: "What-if for pool rules (manager, admin): how many owned customers the recycle job would return to the pool now under the rules sent, by pool, reason and tier; writes nothing. Counted by one grouped SQL statement rendered from `shared::pool::RecycleTerms`, the recycle job's own rule", query: NO_QUERY, request: Body::Json(schema::<PoolRules>), status: 200, response: Body::Json(schema::<RecyclePreview>) },
    Route { method: "GET", path: "/api/v1/history", endpoint: Endpoint::History, public: false, summary: "Earlier versions of a settings document (manager, admin), newest first: version, who, when and the whole body. To restore one, PUT its body to the document's route with the document's current `version`; the restore becomes the newest version. The newest 100 versions of each document are kept", query: HISTORY_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<HistoryPage>) },
    Route { method: "GET", path: "/api/v1/audit/recent", endpoint: Endpoint::RecentAudit, public: false, summary: "The newest ownership changes across the customers the caller oversees (admin: the tenant; manager: the customers their list shows), newest first, by cursor; a rep gets 403", query: RECENT_AUDIT_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<AuditPage>) },
    Route { method: "GET", path: "/api/v1/audit", endpoint: Endpoint::Audit, public: false, summary: "Ownership history of a customer the caller may read (else 404): who, from, to, why, rule, when; free-text reasons cut to their code where contacts are masked", query: AUDIT_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<AuditList>) },
    Route { method: "GET", path: "/api/v1/reminders", endpoint: Endpoint::Reminders, public: false, summary: "Reminders: follow-ups overdue and due today (set dates or segment cadence), and customers that will be recycled in K days; for me, or `scope=team` for managers", query: REMINDER_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<ReminderList>) },
    Route { method: "GET", path: "/api/v1/pool", endpoint: Endpoint::PoolList, public: false, summary: "Pool customers (contacts masked for reps) with why and since when each is in the pool; the list filters and pagination", query: CUSTOMER_QUERY_PARAMS, request: Body::None, status: 200, response: Body::Json(schema::<PoolPage>) },
    Route { method: "GET", path: "/api/v1/pool/me", endpoint: Endpoint::PoolStanding, public: false, summary: "The caller's holdings against the cap and claims left today", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<PoolStanding>) },
    Route { method: "POST", path: "/api/v1/pool/distribute", endpoint: Endpoint::Distribute, public: false, summary: "Hand pool customers out through an allocation strategy: a preview, or applied with `\"apply\": true` (manager, admin)", query: NO_QUERY, request: Body::Json(schema::<DistributeRequest>), status: 200, response: Body::Json(schema::<AllocationResponse>) },
    Route { method: "POST", path: "/api/v1/customers/{id}/transfer", endpoint: Endpoint::Transfer, public: false, summary: "Transfer a customer to another rep (manager in their team, admin); follow-ups go with it", query: NO_QUERY, request: Body::Json(schema::<TransferInput>), status: 200, response: Body::Json(schema::<CustomerView>) },
    Route { method: "POST", path: "/api/v1/customers/{id}/collaborators", endpoint: Endpoint::AddCollaborator, public: false, summary: "Add a collaborator (协作人): an active rep who may then read the customer and its follow-ups, never edit or take it (owner, their manager, admin). Adding one twice changes nothing; 409 `unowned`, `is_owner` or `too_many_collaborators` (20)", query: NO_QUERY, request: Body::Json(schema::<ShareInput>), status: 200, response: Body::Json(schema::<CustomerView>) },
    Route { method: "DELETE", path: "/api/v1/customers/{id}/collaborators/{user}", endpoint: Endpoint::RemoveCollaborator, public: false, summary: "Remove a collaborator (owner, their manager, admin, or the collaborator leaving: `{user}` = `me`); removing one who is not there changes nothing. A customer returned to the pool loses its collaborators", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<CustomerView>) },
    Route { method: "POST", path: "/api/v1/customers/{id}/stage", endpoint: Endpoint::MoveStage, public: false, summary: "Move a customer to a pipeline stage (owner, their manager, admin); stale `version` → 409 `stale`; a refused move (e.g. 方案报价 without an amount) → 422 with the reason", query: NO_QUERY, request: Body::Json(schema::<StageMove>), status: 200, response: Body::Json(schema::<CustomerView>) },
    Route { method: "GET", path: "/api/v1/customers/{id}/follow-ups", endpoint: Endpoint::ListFollowUps, public: false, summary: "The follow-up log of a customer, newest first", query: NO_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<FollowUpList>) },
    Route { method: "POST", path: "/api/v1/customers/{id}/follow-ups", endpoint: Endpoint::CreateFollowUp, public: false, summary: "Log a follow-up (call, visit, WeChat, email, meeting); updates the customer's last and next follow-up dates", query: NO_QUERY, request: Body::Json(schema::<FollowUpInput>), status: 201, response: Body::Json(schema::<FollowUp>) },
    Route { method: "GET", path: "/api/v1/board", endpoint: Endpoint::Board, public: false, summary: "Every card of the pipeline board in one answer (up to 10,000, most recently changed first): name, company, amount, stage, owner, follow-up dates, version, whether the caller may move it", query: BOARD_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<BoardPage>) },
    Route { method: "PUT", path: "/api/v1/pipeline/stages", endpoint: Endpoint::PutStages, public: false, summary: "Replace the pipeline stages (admin; versioned with the settings); a removed stage that holds customers needs `moves`, else 409 `stage_in_use`", query: NO_QUERY, request: Body::Json(schema::<StagesUpdate>), status: 200, response: Body::Json(schema::<TenantSettings>) },
    Route { method: "GET", path: "/api/v1/reports/funnel", endpoint: Endpoint::Report(ReportKind::Funnel), public: false, summary: "Funnel conversion of the customers created in the period (furthest stage reached), outcomes per tier and segment, lifecycle mix now", query: REPORT_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<FunnelReport>) },
    Route { method: "GET", path: "/api/v1/reports/reps", endpoint: Endpoint::Report(ReportKind::Reps), public: false, summary: "Per rep: held now, received, won, lost, won amount, conversion in the period (a rep sees their own row, a manager the team)", query: REPORT_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<RepsReport>) },
    Route { method: "GET", path: "/api/v1/reports/strategies", endpoint: Endpoint::Report(ReportKind::Strategies), public: false, summary: "Outcomes per allocation strategy and channel (claim, transfer, own entry, import) of the customers assigned in the period, from the audit trail", query: REPORT_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<StrategyReport>) },
    Route { method: "GET", path: "/api/v1/reports/fairness", endpoint: Endpoint::Report(ReportKind::Fairness), public: false, summary: "Allocation fairness: held count and value against capacity, received in the period, Gini, max/min, junior share", query: REPORT_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<FairnessReport>) },
    Route { method: "GET", path: "/api/v1/reports/follow-ups", endpoint: Endpoint::Report(ReportKind::FollowUps), public: false, summary: "Follow-up timeliness per rep: scheduled in the period, done on time, late, missed, pending", query: REPORT_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<FollowUpReport>) },
    Route { method: "GET", path: "/api/v1/reports/pool", endpoint: Endpoint::Report(ReportKind::Pool), public: false, summary: "Pool flow per day (week, month for long periods): recycled, released, entered, claimed, allocated; customers in the pool now", query: REPORT_QUERY, request: Body::None, status: 200, response: Body::Json(schema::<PoolFlowReport>) },
];

pub enum Match<'a> {
    Found(&'a Route, Vec<String>),
    MethodNotAllowed,
    NotFound,
}

/// A path segment with its `%XX` escapes decoded (a user id such as `li@corp` arrives as
/// `li%40corp` from a client that encodes every segment); left as sent if the escapes do
/// not decode to UTF-8, so such a segment simply matches nothing.
fn percent_decoded(segment: &str) -> String {
    if !segment.contains('%') {
        return segment.to_string();
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_string())
}

pub fn find(method: &str, path: &str) -> Match<'static> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut path_known = false;
    for route in ROUTES {
        let pattern: Vec<&str> = route.path.split('/').collect();
        if pattern.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let matches = pattern.iter().zip(&segments).all(|(p, s)| {
            if p.starts_with('{') {
                params.push(percent_decoded(s));
                !s.is_empty()
            } else {
                p == s
            }
        });
        if matches {
            if route.method == method {
                return Match::Found(route, params);
            }
            path_known = true;
        }
    }
    if path_known {
        Match::MethodNotAllowed
    } else {
        Match::NotFound
    }
}
