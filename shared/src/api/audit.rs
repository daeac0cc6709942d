//! `GET /audit`: the trail of ownership changes.

use serde::{Deserialize, Serialize};

use crate::time::Millis;

/// One ownership change, as the audit trail shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditEvent {
    pub seq: i64,
    pub customer: String,
    pub actor: String,
    /// `create`, `import`, `allocate`, `claim`, `release`, `delete`, …; and
    /// `add_collaborator`, `remove_collaborator`, which change who may read the customer
    /// (`subject`), not its owner.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The collaborator a collaborator event is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub at: Millis,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditList {
    pub items: Vec<AuditEvent>,
}

/// Most events one page of `GET /audit/recent` may ask for.
pub const RECENT_AUDIT_MAX: usize = 200;
/// Events in a page of `GET /audit/recent` unless `limit` says otherwise.
pub const RECENT_AUDIT_DEFAULT: usize = 50;
/// Most of the tenant's events one page of `GET /audit/recent` reads looking for those in
/// the caller's reach. A manager of a small team in a big tenant may find none of theirs
/// among thousands of newer events; without a bound one page would read the tenant's
/// whole trail. A page that reached the bound carries a cursor even when it is short (or
/// empty), and the caller pages on. Five pages of the largest size: an admin, who
/// oversees every event, always fills a page within it.
pub const RECENT_AUDIT_SCAN: usize = 1_000;

/// `GET /audit/recent`: the newest ownership changes across the customers the caller
/// oversees, a page at a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<String>,
}
