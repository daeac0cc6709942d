//! Versioned settings documents in KV (tenant settings, allocation rules, pool rules):
//! read-mostly data, each with a `version` that a write must name. KV has no conditional
//! write, so a write first claims its version in D1 (`document_versions`, one conditional
//! upsert): of two admins racing from the same version, or one writing from a stale
//! copy, exactly one claim succeeds and the other answers 409 `stale`. These documents
//! change rarely and by admins only, which is why they live in KV and ownership never does.
//!
//! The claim also records the version's body, author and time in `document_history`, in
//! the same batch and only if the claim held (`GET /history`), keeping the newest
//! [`HISTORY_KEPT`] versions of each document.

use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::allocation::AllocationRules;
use shared::api::{DocumentKind, HISTORY_KEPT};
use shared::pool::PoolRules;
use shared::settings::TenantSettings;

use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};

pub trait Versioned: Serialize + DeserializeOwned + Default {
    const KIND: DocumentKind;
    /// Its name in KV keys, `document_versions` and `document_history`.
    const NAME: &'static str = Self::KIND.as_str();
    fn version(&self) -> i64;
    fn set_version(&mut self, version: i64);
}

macro_rules! versioned {
    ($ty:ty, $kind:expr) => {
        impl Versioned for $ty {
            const KIND: DocumentKind = $kind;
            fn version(&self) -> i64 {
                self.version
            }
            fn set_version(&mut self, version: i64) {
                self.version = version;
            }
        }
    };
}

versioned!(TenantSettings, DocumentKind::Settings);
versioned!(AllocationRules, DocumentKind::AllocationRules);
versioned!(PoolRules, DocumentKind::PoolRules);

/// Where a write goes: the tenant's documents in KV, their versions in D1, the request's
/// clock for the claim and the caller, whom the history names.
pub struct Target<'a> {
    pub env: &'a worker::Env,
    pub db: &'a worker::D1Database,
    pub tenant: &'a str,
    pub now: shared::time::Millis,
    pub by: &'a str,
}

pub fn key<T: Versioned>(tenant: &str) -> String {
    format!("{}:{tenant}", T::NAME)
}

/// The stored document, or the defaults when none is stored.
pub async fn load<T: Versioned>(env: &worker::Env, tenant: &str) -> ApiResult<T> {
    let kv = env.kv("SETTINGS")?;
    match kv.get(&key::<T>(tenant)).text().await? {
        Some(text) => serde_json::from_str(&text).map_err(|e| ApiError::Internal(format!("stored {} of {tenant}: {e}", T::NAME))),
        None => Ok(T::default()),
    }
}

/// The version `next` will be stored as: the one after the current version, if `next`
/// names the current one; 409 `stale` otherwise.
pub fn next_version<T: Versioned>(current: &T, next: &T) -> ApiResult<i64> {
    if next.version() != current.version() {
        return Err(ApiError::Conflict { code: "stale", message: format!("{} are at version {}, not {}", T::NAME, current.version(), next.version()) });
    }
    Ok(current.version() + 1)
}

/// How long a claimed version waits for its KV write before another writer may claim
/// it: a write that failed after its claim must not block the document for good.
const CLAIM_MS: i64 = 30_000;

/// Claims `version` of the document for this write: only if no writer has claimed it (or
/// a later one) already, unless that claim is older than [`CLAIM_MS`]. In the same batch,
/// and only if the claim held, `body` becomes the version's history row (replacing one a
/// failed write of the same version left) and versions older than the newest
/// [`HISTORY_KEPT`] go.
async fn claim<T: Versioned>(to: &Target<'_>, version: i64, body: &str) -> ApiResult<()> {
    // D1 refuses a value bound to no `?N`, so each statement binds its own list, all
    // starting ?1 tenant, ?2 name, ?3 version.
    let (tenant, name) = (Arg::from(to.tenant), Arg::from(T::NAME));
    let claim = db::stmt(
        to.db,
        "INSERT INTO document_versions (tenant_id, name, version, claimed_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (tenant_id, name) DO UPDATE SET version = excluded.version, claimed_at = excluded.claimed_at \
         WHERE document_versions.version < excluded.version OR document_versions.claimed_at <= excluded.claimed_at - ?5",
        &[tenant.clone(), name.clone(), Arg::Int(version), Arg::Int(to.now), Arg::Int(CLAIM_MS)],
    )?;
    // `changes()` is the claim's: 1 if it took the version, 0 if another writer holds it.
    let record = db::stmt(
        to.db,
        "INSERT OR REPLACE INTO document_history (tenant_id, name, version, body, changed_by, changed_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE changes() = 1",
        &[tenant.clone(), name.clone(), Arg::Int(version), Arg::from(body), Arg::from(to.by), Arg::Int(to.now)],
    )?;
    let prune = db::stmt(to.db, "DELETE FROM document_history WHERE tenant_id = ?1 AND name = ?2 AND version <= ?3 - ?4", &[tenant, name, Arg::Int(version), Arg::Int(HISTORY_KEPT)])?;
    let results = db::batch(to.db, vec![claim, record, prune]).await?;
    if results.first().map(db::changes) == Some(1) {
        Ok(())
    } else {
        Err(ApiError::Conflict { code: "stale", message: format!("{} version {version} was written by another change meanwhile: reload and retry", T::NAME) })
    }
}

/// Stores `next` if it names the current version, bumping it; 409 `stale` otherwise,
/// also when another write claimed that version first.
pub async fn replace<T: Versioned>(to: Target<'_>, current: &T, mut next: T) -> ApiResult<T> {
    let version = next_version(current, &next)?;
    next.set_version(version);
    let body = serde_json::to_string(&next)?;
    claim::<T>(&to, version, &body).await?;
    to.env.kv("SETTINGS")?.put(&key::<T>(to.tenant), body)?.execute().await?;
    Ok(next)
}
