//! `<allot-board api token lang>`: the pipeline board (销售漏斗). One column per stage with
//! count, amount and weighted amount (`shared::pipeline::column_totals`, the same numbers
//! as the API); cards move by pointer drag (mouse and touch) or by keyboard (arrow keys
//! on a focused card). Moves are optimistic and rolled back with a message when the
//! server refuses (409/422/403).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{CustomerPage, CustomerView};
use shared::pipeline::{column_totals, StageMove};
use shared::settings::TenantSettings;
use shared::time::DAY_MS;
use wasm_bindgen::JsCast;

use crate::api::{Client, Failure};
use crate::element::Attrs;
use crate::i18n::{t, Lang};

/// Most cards loaded (pages of 200).
const MAX_CARDS: usize = 1000;

fn money(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.1}万", v / 10_000.0)
    } else {
        format!("{v:.0}")
    }
}

fn initials(name: &str) -> String {
    name.chars().take(2).collect()
}

#[component]
pub fn Board(attrs: Attrs) -> impl IntoView {
    let lang = Memo::new(move |_| Lang::resolve(attrs.get("lang")));
    let settings = RwSignal::new(None::<TenantSettings>);
    let cards = RwSignal::new(Vec::<CustomerView>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let dragging = RwSignal::new(None::<String>);
    let scope = RwSignal::new("me");

    Effect::new(move |_| {
        let c = Client::of(&attrs);
        let owner = scope.get();
        if !c.has_token() {
            return;
        }
        spawn_local(async move {
            let _ = crate::api::load_settings(&c, settings).await;
            let mut all = Vec::new();
            let mut cursor: Option<String> = None;
            while all.len() < MAX_CARDS {
                let path = match &cursor {
                    Some(cur) => format!("/customers?owner={owner}&limit=200&cursor={cur}"),
                    None => format!("/customers?owner={owner}&limit=200"),
                };
                match c.get::<CustomerPage>(&path).await {
                    Ok(page) => {
                        all.extend(page.items);
                        match page.next_cursor {
                            Some(next) => cursor = Some(next),
                            None => break,
                        }
                    }
                    Err(_) => break,
                }
            }
            cards.set(all);
        });
    });

    // Optimistic move: show it now, ask the server, roll back with the reason if refused.
    let move_card = move |id: String, to: String| {
        let Some(before) = cards.with_untracked(|cs| cs.iter().find(|c| c.customer.id == id).cloned()) else { return };
        if before.customer.stage == to || !before.editable {
            return;
        }
        let lang = lang.get_untracked();
        cards.update(|cs| {
            if let Some(c) = cs.iter_mut().find(|c| c.customer.id == id) {
                c.customer.stage = to.clone();
            }
        });
        let client = Client::of(&attrs);
        let body = StageMove { stage: to.clone(), version: before.customer.version };
        spawn_local(async move {
            match client.send::<CustomerView>("POST", &format!("/customers/{id}/stage"), &body).await {
                Ok(saved) => {
                    message.set(None);
                    attrs.emit("allot:stage-changed", &crate::customers::to_js(&saved));
                    cards.update(|cs| {
                        if let Some(c) = cs.iter_mut().find(|c| c.customer.id == id) {
                            *c = saved;
                        }
                    });
                }
                Err(f) => {
                    cards.update(|cs| {
                        if let Some(c) = cs.iter_mut().find(|c| c.customer.id == id) {
                            *c = before.clone();
                        }
                    });
                    let text = match &f {
                        Failure::Api { status: 422, message: m, .. } => format!("{} {m}", lang.pick("无法移动：", "Cannot move:")),
                        other => crate::customers::describe(lang, &attrs, other),
                    };
                    message.set(Some((false, text)));
                }
            }
        });
    };

    let neighbour = move |stage: &str, step: i32| -> Option<String> {
        settings.with_untracked(|s| {
            let stages = &s.as_ref()?.stages;
            let i = stages.iter().position(|x| x.key == stage)? as i32 + step;
            stages.get(usize::try_from(i).ok()?).map(|x| x.key.clone())
        })
    };
    // The column under the pointer, from pointerover (pointer capture is released on
    // pointerdown so touch pointers report the columns they cross too).
    let over = StoredValue::new(None::<String>);
    let now = js_sys::Date::now() as i64;

    view! {
        <style>{crate::style::CSS}{crate::style::BOARD_CSS}</style>
        <div class="bar">
            <div class="seg" role="group">
                {["me", "any"].into_iter().map(|k| view! {
                    <button type="button" aria-pressed=move || (scope.get() == k).to_string() on:click=move |_| scope.set(k)>
                        {move || t(lang.get(), if k == "me" { "mine" } else { "all" })}
                    </button>
                }).collect_view()}
            </div>
        </div>
        {move || message.get().map(|(ok, m)| view! { <div class=if ok { "msg ok" } else { "msg err" } role="alert">{m}</div> })}
        <div class="board"
            on:pointermove=move |ev| { if dragging.get_untracked().is_some() { ev.prevent_default(); } }
            on:pointerup=move |_| {
                if let Some(id) = dragging.get_untracked() {
                    dragging.set(None);
                    if let Some(stage) = over.get_value() {
                        move_card(id, stage);
                    }
                }
            }>
            {move || settings.get().map(|s| {
                let lang = lang.get();
                let totals = cards.with(|cs| column_totals(&s.stages, cs.iter().map(|c| &c.customer)));
                s.stages.iter().zip(totals).map(|(stage, total)| {
                    let key = stage.key.clone();
                    let column_cards: Vec<CustomerView> = cards.with(|cs| cs.iter().filter(|c| c.customer.stage == key).cloned().collect());
                    view! {
                        <section class="column" data-stage=key.clone() aria-label=lang.pick(&stage.zh, &stage.en).to_string()
                            on:pointerover={ let key = key.clone(); move |_| over.set_value(Some(key.clone())) }>
                            <header>
                                <h3>{lang.pick(&stage.zh, &stage.en).to_string()}</h3>
                                <p class="sub totals">{format!("{} · ¥{} · {} ¥{}", total.count, money(total.amount), lang.pick("加权", "weighted"), money(total.weighted))}</p>
                            </header>
                            <ul>
                                {column_cards.into_iter().map(|c| {
                                    let id = c.customer.id.clone();
                                    let (id_down, id_key) = (id.clone(), id.clone());
                                    let stage_now = c.customer.stage.clone();
                                    let days = c.customer.last_follow_up_at.map(|at| (now - at) / DAY_MS);
                                    let due = c.customer.next_follow_up_at.is_some_and(|at| at < now);
                                    view! {
                                        <li class="card" tabindex="0" data-id=id.clone() draggable="false"
                                            on:pointerdown=move |ev| {
                                                dragging.set(Some(id_down.clone()));
                                                if let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                                                    let _ = target.release_pointer_capture(ev.pointer_id());
                                                }
                                            }
                                            on:keydown=move |ev| {
                                                let step = match ev.key().as_str() { "ArrowRight" => 1, "ArrowLeft" => -1, _ => 0 };
                                                if step != 0 {
                                                    ev.prevent_default();
                                                    if let Some(to) = neighbour(&stage_now, step) { move_card(id_key.clone(), to); }
                                                }
                                            }>
                                            <div class="title">{c.customer.name.clone()}</div>
                                            <div class="sub">{c.customer.company.clone().unwrap_or_default()}</div>
                                            <div class="meta">
                                                <span>{c.customer.amount.map(|a| format!("¥{}", money(a))).unwrap_or_default()}</span>
                                                <span class="avatar" title=c.owner_name.clone().unwrap_or_default()>{initials(&c.owner_name.clone().unwrap_or_default())}</span>
                                                <span class=if due { "tag lost" } else { "tag" }>{days.map_or_else(|| lang.pick("未跟进", "no follow-up").to_string(), |d| format!("{d}{}", lang.pick("天", "d")))}</span>
                                            </div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    }
                }).collect_view()
            })}
        </div>
    }
}
