//! Personal access links: how a rep on a phone uses Allot without a portal. An admin (or a
//! manager, for their team) issues a link for one user (`/m/#pl_…`); it opens the mobile
//! page, which exchanges it on the server for a short-lived token. The link is stored
//! hashed (`secret`), expires, is listed and revocable per user, and stops working when
//! its user is deactivated. After the first exchange the long-lived secret lives only in
//! an HttpOnly cookie the page's JavaScript cannot read.

use serde::{Deserialize, Serialize};

use crate::field_error::FieldError;
use crate::ids::Role;

/// What a link's text starts with.
pub const LINK_PREFIX: &str = "pl_";
/// Days a link lasts unless the issuer says otherwise, and the most it may last.
pub const DEFAULT_DAYS: u32 = 30;
pub const MAX_DAYS: u32 = 90;
/// Seconds a token from an exchange lasts: the page exchanges again before it ends.
pub const TOKEN_SECONDS: i64 = 3_600;
/// Live links one user may hold.
pub const MAX_LINKS_PER_USER: usize = 10;

/// `POST /users/{id}/links`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// Days until the link expires (1 to 90; default 30).
    #[serde(default)]
    pub days: Option<u32>,
}

impl LinkInput {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        match self.days {
            Some(d) if d == 0 || d > MAX_DAYS => Err(vec![FieldError::new("days", "out_of_range", format!("1 to {MAX_DAYS}"))]),
            _ => Ok(()),
        }
    }

    pub fn days(&self) -> u32 {
        self.days.unwrap_or(DEFAULT_DAYS)
    }
}

/// A link as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LinkView {
    pub id: String,
    pub user: String,
    pub issued_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// `POST /users/{id}/links` answer: the link's URL, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LinkCreated {
    pub link: LinkView,
    /// `https://…/m/#pl_…`: send it to the user (a message, a QR code on a screen).
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LinkList {
    pub items: Vec<LinkView>,
}

/// `POST /links/exchange` body: the link's text the first time; nothing later (the
/// HttpOnly cookie the first exchange set carries it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    #[serde(default)]
    pub link: Option<String>,
}

/// `POST /links/exchange` answer: a token for the link's user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Exchanged {
    pub token: String,
    /// Seconds since the epoch.
    pub expires_at: i64,
    pub user: String,
    pub name: String,
    pub role: Role,
}

/// Who may issue, list and revoke links for a user of `target` role: admins for anyone,
/// managers for reps (their scope — their team — is the edge's condition), reps never.
pub fn may_issue(caller: Role, target: Role) -> bool {
    match caller {
        Role::Admin => true,
        Role::Manager => target == Role::Rep,
        Role::Rep => false,
    }
}

pub fn parse_link(text: &str) -> Option<(&str, &str)> {
    crate::secret::parse(LINK_PREFIX, text)
}

pub fn link_text(id: &str, secret: &str) -> String {
    crate::secret::text(LINK_PREFIX, id, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_bounded_and_issuers_by_role() {
        assert!(LinkInput { days: Some(0) }.validate().is_err() && LinkInput { days: Some(91) }.validate().is_err());
        assert_eq!(LinkInput::default().days(), DEFAULT_DAYS);
        assert!(may_issue(Role::Admin, Role::Manager) && may_issue(Role::Manager, Role::Rep));
        assert!(!may_issue(Role::Manager, Role::Manager) && !may_issue(Role::Rep, Role::Rep));
    }
}
