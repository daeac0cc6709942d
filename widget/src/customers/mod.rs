//! `<allot-customers api token lang>`: a searchable, filterable customer list with an
//! add/edit form.

pub(crate) mod collaborators;
mod form;
mod selection;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{CustomerPage, CustomerView};
use shared::settings::CustomerLists;
use wasm_bindgen::JsCast;

use crate::api::Client;
use crate::attrs::Attrs;
use crate::i18n::{t, Lang};
use crate::markup::encode;
use crate::notice::describe;

/// What the form is doing: closed, adding, or editing a customer.
#[derive(Clone, PartialEq)]
enum Editing {
    Closed,
    New,
    Existing(Box<CustomerView>),
}

#[component]
pub fn Customers(attrs: Attrs) -> impl IntoView {
    let lang = Memo::new(move |_| Lang::resolve(attrs.get("lang")));
    let client = move || Client::of(&attrs);
    let settings = RwSignal::new(None::<CustomerLists>);
    let items = RwSignal::new(Vec::<CustomerView>::new());
    let cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let q = RwSignal::new(String::new());
    let owner = RwSignal::new("any");
    let status = RwSignal::new(String::new());
    let editing = RwSignal::new(Editing::Closed);
    let sharing = RwSignal::new(None::<collaborators::Sharing>);
    let picks = RwSignal::new(selection::Selection::default());
    // Where `<allot-bulk>` goes, once a first row is picked.
    let actions = NodeRef::<leptos::html::Div>::new();
    let bar_open = RwSignal::new(false);
    // Each list load gets a number; answers to superseded loads are dropped.
    let loads = crate::latest::Latest::new();

    // The list's filters as query pairs: a page's query, the count of what matches, and a
    // bulk action's "every customer matching" selection (`<allot-bulk>`'s `filter`).
    let filter = move || {
        let mut pairs = vec![("owner".to_string(), owner.get().to_string())];
        let text = q.get();
        if !text.trim().is_empty() {
            pairs.push(("q".into(), text.trim().to_string()));
        }
        let s = status.get();
        if !s.is_empty() {
            pairs.push(("status".into(), s));
        }
        pairs
    };
    let filter_query = move || filter().iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&");
    let query = move || {
        let page_size = attrs.get("page-size").and_then(|p| p.parse::<u32>().ok()).unwrap_or(50).clamp(1, shared::api::MAX_PAGE);
        format!("{}&limit={page_size}", filter_query())
    };

    let load = move |append: bool| {
        let c = client();
        let lang = lang.get_untracked();
        if !c.has_token() {
            error.set(Some(t(lang, "no_token")));
            return;
        }
        let mut path = format!("/customers?{}", query());
        if append {
            if let Some(cur) = cursor.get_untracked() {
                path.push_str(&format!("&cursor={}", encode(&cur)));
            }
        }
        let ticket = loads.start();
        loading.set(true);
        spawn_local(async move {
            let answer = c.get::<CustomerPage>(&path).await;
            if !ticket.current() {
                return;
            }
            loading.set(false);
            match answer {
                Ok(page) => {
                    error.set(None);
                    cursor.set(page.next_cursor);
                    if append {
                        items.update(|v| v.extend(page.items));
                    } else {
                        items.set(page.items);
                    }
                    let shown = items.with_untracked(|v| v.iter().map(|c| c.customer.id.clone()).collect());
                    picks.update(|s| s.show(shown, !append));
                }
                Err(f) => error.set(Some(describe(lang, &attrs, &f))),
            }
        });
    };

    // Settings (labels, lists for the form) whenever the token or API changes.
    Effect::new(move |_| {
        let c = client();
        if !c.has_token() {
            return;
        }
        spawn_local(async move {
            let _ = crate::api::load_settings(&c, settings).await;
        });
    });
    // The list whenever a filter, the token or the API changes.
    Effect::new(move |_| {
        let _ = (query(), attrs.get("token"), attrs.get("api"));
        load(false);
    });

    let on_saved = move |(view, saved, detail): (CustomerView, form::Saved, wasm_bindgen::JsValue)| {
        let lang = lang.get_untracked();
        editing.set(Editing::Closed);
        let (notice_key, event) = saved.notice_and_event();
        notice.set(Some(format!("{} · {}", t(lang, notice_key), view.customer.name)));
        attrs.emit(event, &detail);
        items.update(|list| {
            list.retain(|c| c.customer.id != view.customer.id);
            list.insert(0, view);
        });
    };

    let on_shared = move |view: CustomerView| {
        items.update(|list| {
            if let Some(row) = list.iter_mut().find(|c| c.customer.id == view.customer.id) {
                *row = view;
            }
        });
    };

    // Leaving a customer shared with the caller (协作): it leaves the "shared" list.
    let leave = move |id: String, name: String| {
        let lang = lang.get_untracked();
        let c = client();
        spawn_local(async move {
            match c.delete::<CustomerView>(&format!("/customers/{}/collaborators/me", encode(&id))).await {
                Ok(answer) => {
                    items.update(|list| list.retain(|c| c.customer.id != id));
                    notice.set(Some(format!("{} · {name}", t(lang, "left"))));
                    attrs.emit("allot:collaborators-changed", &answer.detail());
                }
                Err(f) => error.set(Some(describe(lang, &attrs, &f))),
            }
        });
    };

    // The bulk bar's head: one listener for its taps and choices (`Selection` decides).
    // Not collapsed into match guards: a guard would hide a state change (toggling the
    // page's selection) inside a pattern.
    #[allow(clippy::collapsible_match)]
    let on_head = move |ev: &web_sys::Event| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Some(what) = target.get_attribute("data-bulk") else { return };
        match (ev.type_().as_str(), what.as_str()) {
            ("change", "page") => {
                if picks.try_update(selection::Selection::toggle_page).unwrap_or(false) {
                    let path = format!("/customers/count?{}", filter_query());
                    let c = client();
                    spawn_local(async move {
                        if let Ok(answer) = c.get_js(&path).await {
                            let n = js_sys::Reflect::get(&answer, &"count".into()).ok().and_then(|v| v.as_f64());
                            picks.update(|s| s.matching = n.map(|n| n as u32));
                        }
                    });
                }
            }
            ("click", "all") => picks.update(selection::Selection::pick_all),
            ("click", "clear") => picks.update(selection::Selection::clear),
            _ => {}
        }
    };

    let panels = move |ev: &web_sys::Event| {
        on_head(ev);
        collaborators::handle(ev, attrs, lang.get_untracked(), sharing, on_shared);
    };

    // The bar's actions: `<allot-bulk>`, its own bundle. Put into the bar when a first row
    // is picked, with a composed `allot:use` event that has the loader (`allot.js`) fetch
    // its bundle; told what is picked (and the element's api, token, lang, embedder) by
    // its attributes from then on. An applied action (`allot:bulk-applied`, which the
    // host hears too) shows the list again.
    Effect::new(move |_| {
        let (count, target) = picks.with(|s| (s.count(), s.target()));
        let Some(slot) = actions.get() else { return };
        let bar = match slot.first_element_child() {
            Some(bar) => bar,
            None if count > 0 => {
                let Some(bar) = slot.owner_document().and_then(|d| d.create_element("allot-bulk").ok()) else { return };
                let _ = slot.append_child(&bar);
                let reload = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || load(false));
                let _ = bar.add_event_listener_with_callback("allot:bulk-applied", reload.as_ref().unchecked_ref());
                reload.forget();
                let init = web_sys::CustomEventInit::new();
                init.set_bubbles(true);
                init.set_composed(true);
                init.set_detail(&"bulk".into());
                if let Ok(ask) = web_sys::CustomEvent::new_with_event_init_dict("allot:use", &init) {
                    let _ = bar.dispatch_event(&ask);
                }
                bar_open.set(true);
                bar
            }
            None => return,
        };
        for name in ["api", "token", "lang", "embedder"] {
            let _ = match attrs.get(name) {
                Some(value) => bar.set_attribute(name, &value),
                None => bar.remove_attribute(name),
            };
        }
        let _ = bar.set_attribute("count", &count.to_string());
        let (set, unset, value) = match target {
            selection::Target::Ids(ids) => ("ids", "filter", ids),
            selection::Target::Filter => ("filter", "ids", filter_query()),
        };
        let _ = bar.set_attribute(set, &value);
        let _ = bar.remove_attribute(unset);
    });

    let label = move |key: &'static str| t(lang.get(), key);
    let owner_button = move |key: &'static str| {
        view! {
            <button type="button" aria-pressed=move || (owner.get() == key).to_string() on:click=move |_| owner.set(key)>
                {move || label(match key { "me" => "mine", "pool" | "shared" => key, _ => "all" })}
            </button>
        }
    };

    view! {
        <div class="bar">
            <input type="search" aria-label=move || label("search") placeholder=move || label("search")
                prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
            <div class="seg" role="group" aria-label=move || label("owner")>
                {owner_button("me")}{owner_button("shared")}{owner_button("pool")}{owner_button("any")}
            </div>
            <select aria-label=move || label("status") on:change=move |ev| status.set(event_target_value(&ev))>
                <option value="">{move || format!("{} · {}", label("status"), label("any"))}</option>
                {["new", "active", "dormant", "lost"].into_iter().map(|s| view! { <option value=s>{move || label(s)}</option> }).collect_view()}
            </select>
            <button type="button" class="primary" on:click=move |_| { notice.set(None); editing.set(Editing::New) }>{move || label("add")}</button>
        </div>
        {move || notice.get().map(|n| view! { <div class="msg ok" role="status">{n}</div> })}
        {move || error.get().map(|e| view! { <div class="msg err" role="alert">{e}</div> })}
        {move || {
            let initial = match editing.get() {
                Editing::Closed => return None,
                Editing::New => None,
                Editing::Existing(c) => Some(*c),
            };
            settings.get().map(|s| view! {
                <form::CustomerForm attrs=attrs lang=lang.get() settings=s initial=initial
                    on_saved=Callback::new(on_saved) on_cancel=Callback::new(move |_| editing.set(Editing::Closed)) />
            })
        }}
        // An owned customer's collaborators are changed beside the form, not through it:
        // sharing is not an edit, so what is typed in the form stays.
        // The collaborators panel and the bulk bar's head are markup: one pair of delegated
        // listeners for both (each reads only its own `data-*` attributes).
        <div on:click=move |ev| panels(&ev) on:change=move |ev| panels(&ev)>
            <div inner_html=move || sharing.with(|p| p.as_ref().filter(|_| editing.with(|e| matches!(e, Editing::Existing(_)))).map(|p| p.html(lang.get())).unwrap_or_default())></div>
            <section class="bulk" aria-label=move || label("bulk") hidden=move || items.with(Vec::is_empty) && !bar_open.get()>
                <div class="head" inner_html=move || picks.with(|s| s.html(lang.get()))></div>
                <div class="acts" node_ref=actions></div>
            </section>
        </div>
        <ul class="list" aria-busy=move || loading.get().to_string()>
            <For each=move || items.get() key=move |c| (c.customer.id.clone(), c.customer.version, c.masked, c.editable, c.customer.collaborators.clone(), owner.get_untracked() == "shared") children=move |c| {
                let lang = lang.get_untracked();
                let sub = [c.customer.company.clone(), c.customer.contact_name.clone(), c.customer.phone.clone()]
                    .into_iter().flatten().collect::<Vec<_>>().join(" · ");
                let tier = c.customer.tier.map(|t| t.as_str());
                let lifecycle = c.lifecycle.as_str();
                let owner_tag = match &c.owner_name { Some(n) => n.clone(), None => t(lang, "unowned") };
                let pool = c.customer.owner.is_none();
                let editable = c.editable;
                let open = c.clone();
                let (id, name) = (c.customer.id.clone(), c.customer.name.clone());
                let (pick, picked) = (id.clone(), id.clone());
                let leaving = (owner.get_untracked() == "shared").then(|| view! {
                    <button type="button" class="leave" on:click=move |ev| { ev.stop_propagation(); leave(id.clone(), name.clone()) }>{t(lang, "leave")}</button>
                });
                view! {
                    <li class="row pickable" tabindex="0" data-id=c.customer.id.clone()
                        on:click=move |_| if editable {
                            collaborators::open(attrs, lang, &open, sharing);
                            editing.set(Editing::Existing(Box::new(open.clone())));
                        }>
                        <input type="checkbox" class="pick" aria-label=format!("{} {}", t(lang, "select"), c.customer.name)
                            prop:checked=move || picks.with(|s| s.is_picked(&picked))
                            on:click=move |ev| { ev.stop_propagation(); picks.update(|s| s.toggle(&pick)) } />
                        <div>
                            <div class="title">{c.customer.name.clone()}</div>
                            <div class="sub">{sub}</div>
                        </div>
                        <div class="tags">
                            {tier.map(|k| view! { <span class="tag">{t(lang, k)}</span> })}
                            <span class=format!("tag {lifecycle}")>{t(lang, lifecycle)}</span>
                            <span class=if pool { "tag pool" } else { "tag" }>{owner_tag}</span>
                            {leaving}
                        </div>
                    </li>
                }
            } />
        </ul>
        {move || (!loading.get() && items.with(Vec::is_empty) && error.get().is_none()).then(|| view! { <p class="muted">{label("empty")}</p> })}
        {move || loading.get().then(|| view! { <p class="muted">{label("loading")}</p> })}
        {move || cursor.get().map(|_| view! { <button type="button" class="more" on:click=move |_| load(true)>{label("more")}</button> })}
    }
}
