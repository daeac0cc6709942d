//! `<allot-allocate mode="intake|manager">`: the allocation form.
//!
//! - `intake`: a new-customer form (fields chosen by the `fields` attribute) that on
//!   submit shows who got the customer and why; with a `key` (a publishable intake key)
//!   instead of a token, the public form of `keyed`.
//! - `manager`: choose a strategy and weights, preview the distribution (bars per rep
//!   against capacity, fairness figures), compare two strategies side by side, apply.

mod explanation;
mod intake;
mod keyed;
mod manager;

use leptos::prelude::*;

use crate::attrs::Attrs;
use crate::i18n::Lang;

#[component]
pub fn Allocate(attrs: Attrs) -> impl IntoView {
    let lang = Memo::new(move |_| Lang::resolve(attrs.get("lang")));
    // Only a change of mode (or language) re-creates the form; a new token does not.
    let mode = Memo::new(move |_| attrs.get("mode"));
    view! {
        {move || match mode.get().as_deref() {
            Some("manager") => manager::Manager(manager::ManagerProps { attrs, lang: lang.get() }).into_any(),
            // A publishable key instead of a token: a page with no backend.
            _ if attrs.get("key").is_some() => keyed::KeyedIntake(keyed::KeyedIntakeProps { attrs, lang: lang.get() }).into_any(),
            _ => intake::Intake(intake::IntakeProps { attrs, lang: lang.get() }).into_any(),
        }}
    }
}
