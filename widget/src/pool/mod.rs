//! `<allot-pool api token lang>`: the public pool (公海). Pool customers (contacts masked)
//! with why they are there; claim with the refusal explained; my holdings against the cap
//! and claims left today; release with a reason; "will be recycled in N days" warnings;
//! for managers, hand the pool out through an allocation strategy with a preview.

mod state;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{AllocationResponse, CustomerPage, CustomerView, DistributeRequest, PoolItem, PoolPage, PoolStanding, ReminderList, RELEASE_REASONS};
use shared::audit::AuditAction;

use crate::api::{Client, Failure};
use crate::attrs::Attrs;
use crate::i18n::{t, Lang};
use crate::notice::{describe, to_js};
use state::Tab;

fn reason_label(lang: Lang, code: &str) -> String {
    if let Some(action) = AuditAction::from_pool_reason(code) {
        let (zh, en) = action.label();
        return lang.pick(zh, en).to_string();
    }
    crate::labels::release_reason_label(lang, code).map_or_else(|| code.to_string(), str::to_string)
}

/// A claim refusal in the reader's language, with what is left.
fn refusal(lang: Lang, failure: &Failure, attrs: &Attrs) -> String {
    match failure {
        Failure::Api { code, details, .. } => state::claim_refusal(lang, code, details.as_ref()).unwrap_or_else(|| describe(lang, attrs, failure)),
        other => describe(lang, attrs, other),
    }
}

#[component]
pub fn Pool(attrs: Attrs) -> impl IntoView {
    let lang = Memo::new(move |_| Lang::resolve(attrs.get("lang")));
    let tab = RwSignal::new(Tab::Pool);
    let q = RwSignal::new(String::new());
    let items = RwSignal::new(Vec::<PoolItem>::new());
    let mine = RwSignal::new(Vec::<CustomerView>::new());
    // `None` until answered; `Some(None)` when the request failed.
    let standing = RwSignal::new(None::<Option<PoolStanding>>);
    let reminders = RwSignal::new(None::<Option<ReminderList>>);
    let caller = crate::caller::follow(attrs);
    let message = RwSignal::new(None::<(bool, String)>);
    let releasing = RwSignal::new(None::<String>);
    let reason = RwSignal::new("not_interested".to_string());
    let note = RwSignal::new(String::new());
    let distribution = RwSignal::new(None::<AllocationResponse>);
    let version = RwSignal::new(0u32);

    let reload = move || version.update(|v| *v += 1);
    // Typing in the search box starts a load per keystroke: only the newest is shown.
    let loads = crate::latest::Latest::new();
    Effect::new(move |_| {
        let _ = version.get();
        let text = q.get();
        let c = Client::of(&attrs);
        if !c.has_token() {
            return;
        }
        let lang = lang.get_untracked();
        let ticket = loads.start();
        spawn_local(async move {
            let mut path = "/pool?limit=50".to_string();
            if !text.trim().is_empty() {
                path.push_str(&format!("&q={}", js_sys::encode_uri_component(text.trim())));
            }
            let page = c.get::<PoolPage>(&path).await;
            if !ticket.current() {
                return;
            }
            match page {
                Ok(p) => items.set(p.items),
                Err(f) => message.set(Some((false, describe(lang, &attrs, &f)))),
            }
        });
    });
    // What does not depend on the search loads once per reload, side by side.
    let extras = crate::latest::Latest::new();
    let extras_token = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let _ = version.get();
        let c = Client::of(&attrs);
        if !c.has_token() {
            return;
        }
        // Another user's figures must not stay on screen while this one's load.
        let token = attrs.get("token");
        if extras_token.try_update_value(|shown| state::switched_user(shown, token)) == Some(true) {
            mine.set(Vec::new());
            standing.set(None);
            reminders.set(None);
        }
        let ticket = extras.start();
        let (c1, c2) = (c.clone(), c.clone());
        spawn_local(async move {
            if let Ok(p) = c.get::<CustomerPage>("/customers?owner=me&limit=100").await {
                if ticket.current() {
                    mine.try_set(p.items);
                }
            }
        });
        spawn_local(async move {
            let answer = c1.get::<PoolStanding>("/pool/me").await.ok();
            if ticket.current() {
                standing.try_set(Some(answer));
            }
        });
        spawn_local(async move {
            let answer = c2.get::<ReminderList>("/reminders").await.ok();
            if ticket.current() {
                reminders.try_set(Some(answer));
            }
        });
    });
    // The standing and the reminders sit above the list: the element shows once both are
    // in (and there is a token, whose role decides the bar), so neither arrives later and
    // pushes a row (and its claim button) from under a thumb.
    let pending = move || standing.with(|s| reminders.with(|r| state::pending(caller.with(Option::is_some), s, r)));

    let claim = move |id: String| {
        let c = Client::of(&attrs);
        let lang = lang.get_untracked();
        spawn_local(async move {
            match c.send::<CustomerView>("POST", &format!("/customers/{id}/claim"), &serde_json::json!({})).await {
                Ok(view) => {
                    message.set(Some((true, format!("{} · {}", lang.pick("领取成功", "Claimed"), view.customer.name))));
                    attrs.emit("allot:customer-claimed", &to_js(&view));
                    reload();
                }
                Err(f) => message.set(Some((false, refusal(lang, &f, &attrs)))),
            }
        });
    };
    let release = move || {
        let Some(id) = releasing.get_untracked() else { return };
        let c = Client::of(&attrs);
        let lang = lang.get_untracked();
        let body = state::release_body(reason.get_untracked(), note.get_untracked());
        spawn_local(async move {
            match c.send::<CustomerView>("POST", &format!("/customers/{id}/release"), &body).await {
                Ok(view) => {
                    releasing.set(None);
                    note.set(String::new());
                    message.set(Some((true, format!("{} · {}", lang.pick("已退回公海", "Released"), view.customer.name))));
                    attrs.emit("allot:customer-released", &to_js(&view));
                    reload();
                }
                Err(f) => message.set(Some((false, describe(lang, &attrs, &f)))),
            }
        });
    };
    let distribute = move |apply: bool| {
        let c = Client::of(&attrs);
        let lang = lang.get_untracked();
        let body = DistributeRequest { apply, ..Default::default() };
        spawn_local(async move {
            match c.send::<AllocationResponse>("POST", "/pool/distribute", &body).await {
                Ok(r) if apply => {
                    distribution.set(None);
                    message.set(Some((true, format!("{} {}", lang.pick("已分配", "Distributed"), state::distributed(&r)))));
                    reload();
                }
                Ok(r) => distribution.set(Some(r)),
                Err(f) => message.set(Some((false, describe(lang, &attrs, &f)))),
            }
        });
    };

    let is_manager = move || crate::caller::manages(caller);
    let label = move |key: &str| t(lang.get(), key);
    let now = js_sys::Date::now() as i64;

    view! {
        <div class:pending=pending>
        {move || standing.get().flatten().map(|s| view! {
            <div class="msg standing" role="status">
                {state::standing_line(lang.get(), &s)}
                // With several pools, each has its own daily limit.
                {(s.pools.len() > 1).then(|| s.pools.iter().map(|p| {
                    view! { <span class="sub quota" data-pool=p.pool.clone()>{state::quota_line(lang.get(), p)}</span> }
                }).collect_view())}
            </div>
        })}
        {move || reminders.get().flatten().filter(|r| !r.items.is_empty()).map(|r| view! {
            // The alert wraps the list: a list that is itself an alert loses its list items.
            <div role="alert"><ul class="warnings">
                {state::more_reminders(lang.get(), r.items.len()).map(|more| view! { <li class="more-warnings">{more}</li> })}
                {r.items.into_iter().take(state::SHOWN_REMINDERS).map(|item| view! {
                    <li>{state::reminder_line(lang.get(), &item)}</li>
                }).collect_view()}
            </ul></div>
        })}
        <div class="bar">
            <div class="seg" role="tablist">
                <button type="button" role="tab" aria-selected=move || (tab.get() == Tab::Pool).to_string() on:click=move |_| tab.set(Tab::Pool)>{move || label("pool")}</button>
                <button type="button" role="tab" aria-selected=move || (tab.get() == Tab::Mine).to_string() on:click=move |_| tab.set(Tab::Mine)>{move || label("mine")}</button>
            </div>
            <input type="search" aria-label=move || label("search") placeholder=move || label("search") prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
            {move || is_manager().then(|| view! {
                <button type="button" class="distribute" on:click=move |_| distribute(false)>{lang.get().pick("分配公海", "Distribute pool")}</button>
            })}
        </div>
        {move || message.get().map(|(ok, m)| view! { <div class=if ok { "msg ok" } else { "msg err" } role="alert">{m}</div> })}
        {move || distribution.get().map(|r| view! {
            <div class="card panel">
                <p>{format!("{}: {} · Gini {}", crate::labels::strategy_label(lang.get(), r.outcome.strategy), r.outcome.assignments.len(), shared::number::fixed(r.outcome.distribution.gini_count, 3))}</p>
                <div class="actions">
                    <button type="button" on:click=move |_| distribution.set(None)>{label("cancel")}</button>
                    <button type="button" class="primary apply" on:click=move |_| distribute(true)>{lang.get().pick("确认分配", "Apply")}</button>
                </div>
            </div>
        })}
        {move || releasing.get().map(|id| view! {
            <form class="card release" on:submit=move |ev| { ev.prevent_default(); release(); }>
                <label>{lang.get().pick("退回原因", "Reason")}
                    <select name="reason" on:change=move |ev| reason.set(event_target_value(&ev))>
                        {RELEASE_REASONS.iter().map(|code| view! { <option value=*code selected=reason.get_untracked() == *code>{reason_label(lang.get_untracked(), code)}</option> }).collect_view()}
                    </select>
                </label>
                <label>{lang.get().pick("备注", "Note")}
                    <input name="note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                </label>
                <div class="actions">
                    <button type="button" on:click=move |_| releasing.set(None)>{label("cancel")}</button>
                    <button type="submit" class="primary" data-id=id>{lang.get().pick("确认退回", "Release")}</button>
                </div>
            </form>
        })}
        {move || match tab.get() {
            Tab::Pool => view! {
                <ul class="list pool">
                    <For each=move || items.get() key=|i| (i.customer.customer.id.clone(), i.customer.customer.version, i.customer.masked) children=move |item| {
                        let id = item.customer.customer.id.clone();
                        let row_id = id.clone();
                        let days = state::days_in_pool(now, item.pool_since);
                        let sub = [item.customer.customer.company.clone(), item.customer.customer.phone.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                        view! {
                            <li class="row" data-id=row_id>
                                <div>
                                    <div class="title">{item.customer.customer.name.clone()}</div>
                                    <div class="sub">{sub}</div>
                                    <div class="sub">{format!("{} · {} {}", reason_label(lang.get_untracked(), &item.pool_reason), days, lang.get_untracked().pick("天前", "days ago"))}</div>
                                </div>
                                <div class="tags">
                                    <button type="button" class="primary claim" on:click=move |_| claim(id.clone())>{lang.get_untracked().pick("领取", "Claim")}</button>
                                </div>
                            </li>
                        }
                    } />
                </ul>
            }.into_any(),
            Tab::Mine => view! {
                <ul class="list mine">
                    <For each=move || mine.get() key=|c| (c.customer.id.clone(), c.customer.version) children=move |c| {
                        let id = c.customer.id.clone();
                        let row_id = id.clone();
                        view! {
                            <li class="row" data-id=row_id>
                                <div>
                                    <div class="title">{c.customer.name.clone()}</div>
                                    <div class="sub">{c.customer.phone.clone().unwrap_or_default()}</div>
                                </div>
                                <div class="tags">
                                    <button type="button" class="release" on:click=move |_| releasing.set(Some(id.clone()))>{lang.get_untracked().pick("退回", "Release")}</button>
                                </div>
                            </li>
                        }
                    } />
                </ul>
            }.into_any(),
        }}
        </div>
    }
}
