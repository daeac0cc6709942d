//! What a section of the console is: its key, its title, who sees it and who may change
//! what it shows, and how it draws. `mod.rs: SECTIONS` lists them; adding a section is one
//! module that exports a [`Section`] and one line there.

use leptos::prelude::*;
use shared::ids::Role;

use crate::attrs::Attrs;
use crate::i18n::Lang;

/// What every section is drawn with.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub attrs: Attrs,
    pub lang: Lang,
    /// The caller's role as the token claims it (the edge verifies every request).
    pub role: Role,
    /// Whether this caller may write what the section shows (else it is drawn read-only).
    pub edits: bool,
}

/// Who sees a section and who edits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Admins only (tenant-wide documents with secrets or the customer model).
    Admins,
    /// Admins edit; managers see it read-only (the tenant's rules).
    AdminsEditManagersRead,
    /// Admins and managers, each within their scope (the edge scopes managers to their team).
    Managers,
}

impl Access {
    /// `None`: the section is not shown to `role`; else whether the role edits it.
    pub fn for_role(self, role: Role) -> Option<bool> {
        match (self, role) {
            (_, Role::Admin) => Some(true),
            (Access::Admins, _) | (_, Role::Rep) => None,
            (Access::AdminsEditManagersRead, Role::Manager) => Some(false),
            (Access::Managers, Role::Manager) => Some(true),
        }
    }
}

pub struct Section {
    /// The `section` attribute's value and the tab's id.
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub access: Access,
    pub view: fn(Ctx) -> AnyView,
}

#[cfg(test)]
mod tests {
    use super::Access;
    use shared::ids::Role;

    #[test]
    fn managers_read_the_rules_and_work_their_team_reps_see_nothing() {
        assert_eq!(Access::Admins.for_role(Role::Admin), Some(true));
        assert_eq!(Access::Admins.for_role(Role::Manager), None);
        assert_eq!(Access::AdminsEditManagersRead.for_role(Role::Manager), Some(false));
        assert_eq!(Access::Managers.for_role(Role::Manager), Some(true));
        for access in [Access::Admins, Access::AdminsEditManagersRead, Access::Managers] {
            assert_eq!(access.for_role(Role::Rep), None);
        }
    }
}
