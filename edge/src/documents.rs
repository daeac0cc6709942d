//! Versioned settings documents in KV (tenant settings, allocation rules, pool rules):
//! read-mostly data, each with a `version` that a write must name. KV has no conditional
//! write, so a write first claims its version in D1 (`document_versions`, one conditional
//! upsert): of two admins racing from the same version, or one writing from a stale
//! copy, exactly one claim succeeds and the other answers 409 `stale`. These documents
//! change rarely and by admins only, which is why they live in KV and ownership never does.
//!
//! D1 is the truth about versions, KV a copy that may be a minute old: a write names the
//! version it read, and the claim holds only for the version after D1's newest. Once the
//! KV write completed the claim is marked `committed` and its version can never be
//! claimed again; only a claim whose KV write never completed (uncommitted) may be taken
//! over, after [`CLAIM_MS`], so a failed write does not block the document for good.
//!
//! The claim also records the version's body, author and time in `document_history`, in
//! the same batch and only if the claim held (`GET /history`), keeping the newest
//! [`HISTORY_KEPT`] versions of each document. A committed version's row is never
//! replaced.

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

/// How long an uncommitted claim waits for its KV write before another writer may take
/// its version over: a write that failed after its claim must not block the document for
/// good. Longer than KV's propagation (up to 60 s between locations) plus an isolate's
/// settings cache (10 s, `context.rs`): a write whose KV put landed but whose commit
/// never reached D1 is visible to every reader before its claim can be taken over, so a
/// reader sees that version and names it rather than taking it over.
const CLAIM_MS: i64 = 90_000;

/// The claim's condition over the stored row (`document_versions`) and the one offered
/// (`excluded`): a version after the newest claimed one — the version a write names is
/// checked here against D1, not only against a KV copy that may be stale —, or the same
/// version when its claim is uncommitted (its KV write never completed) and older than
/// [`CLAIM_MS`]. A committed version is never claimed again, whatever its age.
const CLAIMABLE: &str = "document_versions.version < excluded.version \
     OR (document_versions.version = excluded.version AND document_versions.committed = 0 AND document_versions.claimed_at <= excluded.claimed_at - ?5)";

/// Claims `version` of the document for this write (see [`CLAIMABLE`]), uncommitted. In
/// the same batch, and only if the claim held, `body` becomes the version's history row —
/// replacing only an uncommitted row, the leftover of a failed write of the same
/// version: history is append-only for committed versions — and versions older than the
/// newest [`HISTORY_KEPT`] go.
async fn claim<T: Versioned>(to: &Target<'_>, version: i64, body: &str) -> ApiResult<()> {
    // D1 refuses a value bound to no `?N`, so each statement binds its own list, all
    // starting ?1 tenant, ?2 name, ?3 version.
    let (tenant, name) = (Arg::from(to.tenant), Arg::from(T::NAME));
    let claim = db::stmt(
        to.db,
        &format!(
            "INSERT INTO document_versions (tenant_id, name, version, claimed_at, committed) VALUES (?1, ?2, ?3, ?4, 0) \
             ON CONFLICT (tenant_id, name) DO UPDATE SET version = excluded.version, claimed_at = excluded.claimed_at, committed = 0 WHERE {CLAIMABLE}"
        ),
        &[tenant.clone(), name.clone(), Arg::Int(version), Arg::Int(to.now), Arg::Int(CLAIM_MS)],
    )?;
    // `changes()` is the claim's: 1 if it took the version, 0 if another writer holds it.
    let record = db::stmt(
        to.db,
        "INSERT INTO document_history (tenant_id, name, version, body, changed_by, changed_at, committed) SELECT ?1, ?2, ?3, ?4, ?5, ?6, 0 WHERE changes() = 1 \
         ON CONFLICT (tenant_id, name, version) DO UPDATE SET body = excluded.body, changed_by = excluded.changed_by, changed_at = excluded.changed_at \
         WHERE document_history.committed = 0",
        &[tenant.clone(), name.clone(), Arg::Int(version), Arg::from(body), Arg::from(to.by), Arg::Int(to.now)],
    )?;
    let prune = db::stmt(to.db, "DELETE FROM document_history WHERE tenant_id = ?1 AND name = ?2 AND version <= ?3 - ?4", &[tenant, name, Arg::Int(version), Arg::Int(HISTORY_KEPT)])?;
    let results = db::batch(to.db, vec![claim, record, prune]).await?;
    if results.first().map(db::changes) == Some(1) {
        return Ok(());
    }
    // Refused: another write stored this version (stale: reload), or is storing it now —
    // then a retry after its claim's window succeeds if that write failed, and reloading
    // shows it if it did not.
    #[derive(serde::Deserialize)]
    struct Claimed {
        version: i64,
        committed: i64,
        claimed_at: i64,
    }
    let held = db::first::<Claimed>(to.db, "SELECT version, committed, claimed_at FROM document_versions WHERE tenant_id = ?1 AND name = ?2", &[Arg::from(to.tenant), Arg::from(T::NAME)]).await?;
    match held {
        Some(h) if h.version == version && h.committed == 0 => Err(ApiError::Conflict {
            code: "document_busy",
            message: format!("{} version {version} is being written by another change; reload in {} s to see it, or retry then", T::NAME, (h.claimed_at + CLAIM_MS - to.now).max(0) / 1000 + 1),
        }),
        _ => Err(ApiError::Conflict { code: "stale", message: format!("{} version {version} was written by another change meanwhile: reload and retry", T::NAME) }),
    }
}

/// Marks this write's claim and history row committed once its KV write completed: from
/// then on no writer can claim the version again. The version is still this write's if
/// its history row still bears this write's time (a takeover replaces the row); `false`
/// if another write took it over meanwhile (this one's KV write took longer than
/// [`CLAIM_MS`]). The claim itself may have moved on already: a write that read this
/// version from KV claims the next one, and a later version implies this one stands.
async fn commit<T: Versioned>(to: &Target<'_>, version: i64) -> ApiResult<bool> {
    let args = [Arg::from(to.tenant), Arg::from(T::NAME), Arg::Int(version), Arg::Int(to.now)];
    let versions = db::stmt(to.db, "UPDATE document_versions SET committed = 1 WHERE tenant_id = ?1 AND name = ?2 AND version = ?3 AND claimed_at = ?4", &args)?;
    let history = db::stmt(to.db, "UPDATE document_history SET committed = 1 WHERE tenant_id = ?1 AND name = ?2 AND version = ?3 AND changed_at = ?4", &args)?;
    let results = db::batch(to.db, vec![versions, history]).await?;
    Ok(results.get(1).map(db::changes) == Some(1))
}

/// Stores `next` if it names the current version, bumping it; 409 `stale` otherwise,
/// also when another write claimed that version first or D1 holds a newer version than
/// the (possibly stale) KV copy read.
pub async fn replace<T: Versioned>(to: Target<'_>, current: &T, mut next: T) -> ApiResult<T> {
    let version = next_version(current, &next)?;
    next.set_version(version);
    let body = serde_json::to_string(&next)?;
    claim::<T>(&to, version, &body).await?;
    to.env.kv("SETTINGS")?.put(&key::<T>(to.tenant), body)?.execute().await?;
    match commit::<T>(&to, version).await {
        Ok(true) => Ok(next),
        Ok(false) => {
            // This write's KV put may have landed after the one of the write that took the
            // version over, and KV keeps the last: put back the newest version D1 holds
            // (D1 is the truth). Narrows the window; a write landing between the read and
            // the put could still be overwritten until its own commit repeats this.
            #[derive(serde::Deserialize)]
            struct Newest {
                body: String,
            }
            let newest =
                db::first::<Newest>(to.db, "SELECT body FROM document_history WHERE tenant_id = ?1 AND name = ?2 ORDER BY version DESC LIMIT 1", &[Arg::from(to.tenant), Arg::from(T::NAME)]).await?;
            if let Some(n) = newest {
                to.env.kv("SETTINGS")?.put(&key::<T>(to.tenant), n.body)?.execute().await?;
            }
            Err(ApiError::Conflict { code: "stale", message: format!("{} version {version} took too long to store and another change took it over: reload to see which one stands", T::NAME) })
        }
        // The document is stored: KV holds it, and the next write's claim (a later
        // version) holds whether or not this one was marked.
        Err(e) => {
            worker::console_error!("commit of {} version {version} of {}: {e:?}", T::NAME, to.tenant);
            Ok(next)
        }
    }
}
