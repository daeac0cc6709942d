//! Identifiers and roles.

use serde::{Deserialize, Serialize};

use crate::time::Millis;

/// What a user may do in a tenant. Visibility widens from `Rep` (own customers and the
/// pool) to `Manager` (their team, or everyone when they lead no team) to `Admin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Rep,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Rep => "rep",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "admin" => Some(Role::Admin),
            "manager" => Some(Role::Manager),
            "rep" => Some(Role::Rep),
            _ => None,
        }
    }

    /// Managers and admins hand out, delete and reassign; reps only work their own.
    pub fn is_manager_or_admin(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }
}

/// A new record id: 11 hex digits of the creation time, then 16 of caller-supplied
/// entropy. Ids sort by creation time, which gives list pages a stable, index-friendly
/// order without a second sort key.
pub fn new_id(prefix: &str, now: Millis, entropy: u64) -> String {
    format!("{prefix}_{:011x}{entropy:016x}", now.max(0))
}

/// Tenant and user ids are short slugs chosen by the host portal: ASCII letters, digits,
/// `-`, `_`, `.`, `@`, 1 to 64 characters.
pub fn is_valid_slug(text: &str) -> bool {
    !text.is_empty() && text.len() <= 64 && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time() {
        let a = new_id("c", 1_700_000_000_000, u64::MAX);
        let b = new_id("c", 1_700_000_000_001, 0);
        assert!(a < b);
        assert_eq!(a.len(), 2 + 11 + 16);
    }

    #[test]
    fn slugs() {
        assert!(is_valid_slug("demo"));
        assert!(is_valid_slug("rep-01@acme.cn"));
        assert!(!is_valid_slug(""));
        assert!(!is_valid_slug("a b"));
        assert!(!is_valid_slug("租户"));
        assert!(!is_valid_slug(&"x".repeat(65)));
    }
}
