//! Versioned settings documents in KV (tenant settings, allocation rules, pool rules):
//! read-mostly data, each with a `version` that a write must name. KV has no conditional
//! write, so two admins racing a write can both pass the check; these documents change
//! rarely and by admins only, which is why they live here and ownership never does.

use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::allocation::AllocationRules;
use shared::pool::PoolRules;
use shared::settings::TenantSettings;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};

pub trait Versioned: Serialize + DeserializeOwned + Default {
    const NAME: &'static str;
    fn version(&self) -> i64;
    fn set_version(&mut self, version: i64);
}

macro_rules! versioned {
    ($ty:ty, $name:literal) => {
        impl Versioned for $ty {
            const NAME: &'static str = $name;
            fn version(&self) -> i64 {
                self.version
            }
            fn set_version(&mut self, version: i64) {
                self.version = version;
            }
        }
    };
}

versioned!(TenantSettings, "settings");
versioned!(AllocationRules, "allocation-rules");
versioned!(PoolRules, "pool-rules");

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

/// Stores `next` if it names the current version, bumping it; 409 `stale` otherwise.
pub async fn replace<T: Versioned>(ctx: &Ctx, current: &T, mut next: T) -> ApiResult<T> {
    next.set_version(next_version(current, &next)?);
    ctx.env.kv("SETTINGS")?.put(&key::<T>(&ctx.caller.tenant), serde_json::to_string(&next)?)?.execute().await?;
    Ok(next)
}
