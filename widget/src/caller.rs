//! The role the element's token claims, read from the token itself
//! (`shared::claims::unverified_role`), with no request: controls that depend on it (the
//! board's "team" scope, the pool's distribute button) are drawn in their final place
//! from the start. Asking `/me` instead put "team" between "mine" and "all" only when the
//! answer came, after the cards, moving "all" from under a finger on its way to it. The
//! edge verifies every request: a forged role gains only a button that answers 403.

use leptos::prelude::*;
use shared::ids::Role;

use crate::attrs::Attrs;

/// `None` while the element has no token (or one that is not ours).
pub type Caller = Memo<Option<Role>>;

pub fn follow(attrs: Attrs) -> Caller {
    Memo::new(move |_| attrs.get("token").and_then(|token| shared::claims::unverified_role(&token)))
}

/// True when the caller is known to manage (manager or admin).
pub fn manages(caller: Caller) -> bool {
    caller.get().is_some_and(Role::is_manager_or_admin)
}
