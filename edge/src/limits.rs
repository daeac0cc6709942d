//! Request budgets (`shared::rate`): one call to the Rate Limiting binding of the
//! request's class before the handler runs. A missing or failing binding lets the
//! request through and logs it: a broken limiter must not take the API down with it.

use shared::rate::RateClass;
use worker::Env;

use crate::error::{ApiError, ApiResult};

/// Spends one request of `class` from `key`'s budget; 429 when it is used up.
pub async fn spend(env: &Env, class: RateClass, key: String) -> ApiResult<()> {
    let limiter = match env.rate_limiter(class.binding()) {
        Ok(limiter) => limiter,
        Err(e) => {
            worker::console_error!("rate limiter {} unavailable: {e}", class.binding());
            return Ok(());
        }
    };
    match limiter.limit(key).await {
        Ok(outcome) if !outcome.success => Err(ApiError::RateLimited(class)),
        Ok(_) => Ok(()),
        Err(e) => {
            worker::console_error!("rate limiter {} failed: {e}", class.binding());
            Ok(())
        }
    }
}

/// The key of an authenticated caller: per user, never shared across tenants.
pub fn user_key(tenant: &str, user: &str) -> String {
    format!("{tenant}\u{1f}{user}")
}

/// The client's address as Cloudflare reports it (`CF-Connecting-IP`); calls without
/// one (local tools) share one budget.
pub fn address_key(req: &worker::Request) -> String {
    req.headers().get("cf-connecting-ip").ok().flatten().unwrap_or_else(|| "unknown".into())
}
