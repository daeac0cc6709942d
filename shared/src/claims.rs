//! Reading a token's claims without verifying it. The edge needs the tenant to pick the
//! key it then verifies with (`token::verify`); the widget needs the role to draw the
//! controls that depend on it before any answer arrives. Neither decides anything on it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::ids::Role;

/// The payload of a compact JWT as `T`, unverified; `None` when it is not one.
pub fn unverified<T: DeserializeOwned>(token: &str) -> Option<T> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    // Through the widget's one JSON reader (`wire::from_json`, over text): a second
    // reader over bytes would be a second copy of serde_json's parser in every bundle.
    crate::wire::from_json(std::str::from_utf8(&bytes).ok()?).ok()
}

/// The role a token claims: for a user interface choosing which controls to draw, never
/// for a decision (the edge verifies every request, so a forged role gains a button that
/// answers 403). `None` when the token is not one of ours.
pub fn unverified_role(token: &str) -> Option<Role> {
    #[derive(Deserialize)]
    struct RoleOnly {
        role: Role,
    }
    unverified::<RoleOnly>(token).map(|r| r.role)
}
