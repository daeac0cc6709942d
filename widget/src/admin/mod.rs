//! `<allot-admin>`: the console where an admin (or a manager, for their team) sets up and
//! runs a sales team without curl. One tab per [`Section`]; each section is one module
//! over the existing API, validating with the same `shared` functions the edge runs.
//!
//! The element's `section` attribute opens a section; `allot:admin-section` tells the
//! host which one is drawn (with the milliseconds from connection to its first render).

mod allocation;
mod audit;
mod feedback;
mod history;
mod import;
mod intake_keys;
mod links;
mod model;
mod pool_rules;
mod section;
mod segments;
mod state;
mod team;

use leptos::prelude::*;

use crate::attrs::Attrs;
use crate::i18n::Lang;
use section::{Ctx, Section};

/// Every section, in tab order. Adding one is a module exporting a `SECTION` and a line here.
const SECTIONS: &[&Section] = &[&team::SECTION, &allocation::SECTION, &pool_rules::SECTION, &model::SECTION, &import::SECTION, &audit::SECTION, &intake_keys::SECTION, &links::SECTION];

#[component]
pub fn Admin(attrs: Attrs) -> impl IntoView {
    let connected = js_sys::Date::now();
    let lang = Memo::new(move |_| Lang::resolve(attrs.get("lang")));
    let role = crate::caller::follow(attrs);
    let chosen = RwSignal::new(attrs.get_untracked("section"));
    Effect::new(move |_| {
        if let Some(s) = attrs.get("section") {
            chosen.set(Some(s));
        }
    });
    // The sections this caller sees, and whether they edit each.
    let visible = Memo::new(move |_| role.get().map(|r| SECTIONS.iter().filter_map(|s| s.access.for_role(r).map(|edits| (s.key, edits))).collect::<Vec<_>>()).unwrap_or_default());
    let current = Memo::new(move |_| {
        let v = visible.get();
        chosen.get().filter(|c| v.iter().any(|(k, _)| k == c)).or_else(|| v.first().map(|(k, _)| k.to_string()))
    });
    let reported = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(key) = current.get() {
            // After this run's DOM work: the section is on screen when the host hears it.
            let first = !reported.get_value();
            reported.set_value(true);
            let detail = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&detail, &"section".into(), &key.into());
            if first {
                let _ = js_sys::Reflect::set(&detail, &"first_render_ms".into(), &(js_sys::Date::now() - connected).into());
            }
            attrs.emit("allot:admin-section", &detail);
        }
    });
    view! {
        <div class="admin">
            {move || match role.get() {
                None => view! { <p class="msg err" role="status">{crate::i18n::t(lang.get(), "no_token")}</p> }.into_any(),
                Some(r) if visible.with(Vec::is_empty) => { let _ = r; view! { <p class="msg err" role="status">{crate::i18n::t(lang.get(), "forbidden")}</p> }.into_any() }
                Some(r) => view! {
                    <nav class="sections" aria-label=lang.get().pick("管理", "Admin")>
                        {visible.get().into_iter().filter_map(|(key, _)| SECTIONS.iter().find(|s| s.key == key)).map(|s| {
                            let key = s.key;
                            view! {
                                <button type="button" data-section=key aria-current=move || (current.get().as_deref() == Some(key)).then_some("page")
                                    on:click=move |_| chosen.set(Some(key.to_string()))>{lang.get().pick(s.zh, s.en)}</button>
                            }
                        }).collect_view()}
                    </nav>
                    {move || {
                        let key = current.get()?;
                        let (section, edits) = SECTIONS.iter().find(|s| s.key == key).map(|s| (*s, s.access.for_role(r) == Some(true)))?;
                        let ctx = Ctx { attrs, lang: lang.get(), role: r, edits };
                        Some(view! { <section class="pane" data-section=section.key aria-label=lang.get().pick(section.zh, section.en)>{(section.view)(ctx)}</section> })
                    }}
                }.into_any(),
            }}
        </div>
    }
}
