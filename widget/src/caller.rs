//! Who the element's token belongs to, as `GET /me` tells it, asked again whenever the
//! token changes (a portal switching users keeps its elements).
//!
//! Controls that depend on the role (the board's "team" scope, the pool's distribute
//! button) are drawn only once the answer is in, and the bar holding them keeps its place
//! meanwhile (`.pending`): drawing two scope buttons and then adding a third would move
//! "All" from under a finger already on its way to it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::Me;

use crate::api::Client;
use crate::element::Attrs;

/// `None` until `/me` answers for the current token; then `Some(me)`, or `Some(None)` when
/// it failed (the element shows what every role may use).
pub type Caller = RwSignal<Option<Option<Me>>>;

/// Starts following the caller of `attrs`' token.
pub fn follow(attrs: Attrs) -> Caller {
    let caller: Caller = RwSignal::new(None);
    let asks = crate::latest::Latest::new();
    // Only the token and the API base decide who answers: a language switch asks nothing.
    let asked = StoredValue::new(None::<(Option<String>, Option<String>)>);
    Effect::new(move |_| {
        let c = Client::of(&attrs);
        let whose = Some((attrs.get("api"), attrs.get("token")));
        if !c.has_token() || asked.get_value() == whose {
            return;
        }
        asked.set_value(whose);
        let ticket = asks.start();
        caller.set(None);
        spawn_local(async move {
            let me = c.get::<Me>("/me").await.ok();
            if ticket.current() {
                caller.try_set(Some(me));
            }
        });
    });
    caller
}

/// True when the caller is known to manage (manager or admin).
pub fn manages(caller: Caller) -> bool {
    caller.with(|c| c.as_ref().and_then(Option::as_ref).is_some_and(|m| m.role.is_manager_or_admin()))
}
