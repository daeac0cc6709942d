//! HS256 tokens (JWT): verification for the edge, minting for hosts' tooling and tests.
//!
//! Only `alg: HS256` is accepted, whatever else the header says; the signature is
//! compared in constant time (`hmac`'s `verify_slice`), and `exp` is required.
//!
//! Per-tenant keys are derived from one deployment secret: `key = HMAC-SHA256(secret,
//! "allot-tenant-key:v1:" + tenant)`. A host portal is given its tenant's key only, so a
//! leaked portal key cannot sign for another tenant, and the deployment keeps one secret.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::ids::Role;

type HmacSha256 = Hmac<Sha256>;

/// Tokens expired by less than this many seconds still pass: clocks drift.
pub const LEEWAY_SECONDS: i64 = 30;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub tenant: String,
    pub sub: String,
    pub role: Role,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Display name of the user, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    Algorithm,
    Signature,
    Expired,
}

impl TokenError {
    pub fn message(self) -> &'static str {
        match self {
            TokenError::Malformed => "the bearer token is not a well-formed JWT",
            TokenError::Algorithm => "only HS256 tokens are accepted",
            TokenError::Signature => "the token signature does not verify",
            TokenError::Expired => "the token has expired",
        }
    }
}

/// The signing key of one tenant, derived from the deployment secret.
pub fn tenant_key(deployment_secret: &[u8], tenant: &str) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(deployment_secret).expect("HMAC accepts any key length");
    mac.update(b"allot-tenant-key:v1:");
    mac.update(tenant.as_bytes());
    mac.finalize().into_bytes().into()
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// Reads the tenant named by a token without trusting it: the caller needs it to pick the
/// key, then [`verify`] checks everything.
pub fn unverified_tenant(token: &str) -> Result<String, TokenError> {
    #[derive(Deserialize)]
    struct TenantOnly {
        tenant: String,
    }
    crate::claims::unverified::<TenantOnly>(token).map(|t| t.tenant).ok_or(TokenError::Malformed)
}

/// Verifies a compact JWT and returns its claims. `now` is seconds since the epoch.
pub fn verify(token: &str, key: &[u8], now: i64) -> Result<Claims, TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(TokenError::Malformed);
    };
    let header_bytes = URL_SAFE_NO_PAD.decode(header).map_err(|_| TokenError::Malformed)?;
    let parsed: Header = serde_json::from_slice(&header_bytes).map_err(|_| TokenError::Malformed)?;
    if parsed.alg != "HS256" {
        return Err(TokenError::Algorithm);
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| TokenError::Signature)?;
    let mut mac = HmacSha256::new_from_slice(key).map_err(|_| TokenError::Signature)?;
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    mac.verify_slice(&signature).map_err(|_| TokenError::Signature)?;
    let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::Malformed)?;
    let claims: Claims = serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
    if !crate::ids::is_valid_slug(&claims.tenant) || !crate::ids::is_valid_slug(&claims.sub) {
        return Err(TokenError::Malformed);
    }
    if claims.exp + LEEWAY_SECONDS <= now {
        return Err(TokenError::Expired);
    }
    Ok(claims)
}

/// Signs claims with a key (host tooling, tests, `cargo xtask token`).
pub fn mint(claims: &Claims, key: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    // Claims always serialise and HMAC takes a key of any length: neither can fail, and a
    // request path must not panic if that ever changed (an empty token is refused).
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else { return String::new() };
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{header}.{payload}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000;

    fn claims() -> Claims {
        Claims { tenant: "demo".into(), sub: "rep1".into(), role: Role::Rep, exp: NOW + 600, name: Some("王芳".into()) }
    }

    #[test]
    fn round_trip() {
        let key = tenant_key(b"secret", "demo");
        let token = mint(&claims(), &key);
        assert_eq!(verify(&token, &key, NOW), Ok(claims()));
        assert_eq!(unverified_tenant(&token).as_deref(), Ok("demo"));
        assert_eq!(crate::claims::unverified_role(&token), Some(Role::Rep));
        let manager = mint(&Claims { role: Role::Manager, ..claims() }, &key);
        assert_eq!(crate::claims::unverified_role(&manager), Some(Role::Manager));
        assert_eq!(crate::claims::unverified_role("not a token"), None);
        assert_eq!(crate::claims::unverified_role("a.bm90IGpzb24.c"), None);
    }

    #[test]
    fn tenants_have_different_keys() {
        let token = mint(&claims(), &tenant_key(b"secret", "demo"));
        assert_eq!(verify(&token, &tenant_key(b"secret", "acme"), NOW), Err(TokenError::Signature));
        assert_eq!(verify(&token, &tenant_key(b"other", "demo"), NOW), Err(TokenError::Signature));
    }

    #[test]
    fn refuses_everything_else() {
        let key = tenant_key(b"secret", "demo");
        let good = mint(&claims(), &key);
        let (h, rest) = good.split_once('.').unwrap();
        let (p, s) = rest.split_once('.').unwrap();
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let hs512_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS512","typ":"JWT"}"#);
        let mut expired = claims();
        expired.exp = NOW - LEEWAY_SECONDS;
        let mut tampered_claims = claims();
        tampered_claims.role = Role::Admin;
        let tampered = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&tampered_claims).unwrap());
        for (token, expect) in [
            (String::new(), TokenError::Malformed),
            ("abc".to_string(), TokenError::Malformed),
            (format!("{h}.{p}"), TokenError::Malformed),
            (format!("{h}.{p}.{s}.x"), TokenError::Malformed),
            (format!("{none_header}.{p}."), TokenError::Algorithm),
            (format!("{hs512_header}.{p}.{s}"), TokenError::Algorithm),
            (format!("{h}.{tampered}.{s}"), TokenError::Signature),
            (format!("{h}.{p}.{}", &s[1..]), TokenError::Signature),
            (mint(&expired, &key), TokenError::Expired),
        ] {
            assert_eq!(verify(&token, &key, NOW), Err(expect), "{token}");
        }
    }
}
