//! `<allot-board api token lang scope>`: the pipeline board (销售漏斗). One virtualised column
//! per stage with count, amount and weighted amount (`shared::pipeline::column_totals`,
//! the same numbers as the API). Cards move by pointer drag (mouse anywhere on a card; on
//! touch by its grip, so a finger elsewhere still scrolls), with auto-scroll near the
//! edges, or by keyboard (← / → on a focused card; Enter opens it). Moves are optimistic
//! and rolled back with a message when the server refuses (409/422/403). A card opens a
//! drawer with the follow-up log and a form to add one. Filters: mine / team / all and
//! search. Emits `allot:stage-changed`, `allot:follow-up-added` and `allot:board-ready`.

mod column;
mod drawer;
mod state;

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{BoardCard, BoardPage, ColumnTotal, CustomerView, FollowUp, StageMove, UserList};
use shared::pipeline::move_in_totals;
use shared::settings::CustomerLists;
use wasm_bindgen::JsCast;

use crate::api::{Client, Failure};
use crate::attrs::Attrs;
use crate::i18n::{t, Lang};
use crate::notice::{describe, to_js};
use column::{CardEvents, Column, CARD_HEIGHT};
use drawer::Drawer;
use state::{Drag, Refused};

/// Resolves after the browser has painted the next frame (two animation frames).
async fn after_next_paint() {
    for _ in 0..2 {
        let frame = js_sys::Promise::new(&mut |resolve, _reject| {
            if let Some(window) = web_sys::window() {
                let _ = window.request_animation_frame(&resolve);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
    }
}

/// Cards per column in the first answer; the rest load behind it.
const FIRST_PER_COLUMN: u32 = 40;

/// Pixels from an edge where a drag scrolls the board or a column.
const EDGE: f64 = 48.0;
const SCROLL_STEP: i32 = 18;

#[component]
pub fn Board(attrs: Attrs) -> impl IntoView {
    let lang = Memo::new(move |_| Lang::resolve(attrs.get("lang")));
    let lang_signal: Signal<Lang> = lang.into();
    let settings = RwSignal::new(None::<CustomerLists>);
    let cards = RwSignal::new(Vec::<BoardCard>::new());
    let truncated = RwSignal::new(false);
    // Exact column totals from the server while only the first cards are loaded.
    let server_totals = RwSignal::new(None::<Vec<ColumnTotal>>);
    let message = RwSignal::new(None::<(bool, String)>);
    // The `scope` attribute picks the filter the board opens with.
    let scope = RwSignal::new(state::initial_scope(attrs.get("scope").as_deref()));
    let search = RwSignal::new(String::new());
    let loaded = RwSignal::new(false);
    // Whose cards the columns hold: until a new scope's answer is in, the previous one's.
    let showing = RwSignal::new("");
    let caller = crate::caller::follow(attrs);
    let names = RwSignal::new(Vec::<(String, String)>::new());
    let open = RwSignal::new(None::<String>);
    let drag = StoredValue::new(None::<Drag>);
    let dragging = RwSignal::new(None::<String>);
    let over = RwSignal::new(None::<String>);
    let ghost = RwSignal::new(None::<(String, f64, f64)>);
    let just_dragged = StoredValue::new(false);
    let board_ref = NodeRef::<leptos::html::Div>::new();

    // A slow answer for "mine" must not overwrite "all" after a quick switch.
    let loads = crate::latest::Latest::new();
    Effect::new(move |_| {
        let c = Client::of(&attrs);
        let owner = scope.get();
        if !c.has_token() {
            return;
        }
        let ticket = loads.start();
        loaded.set(false);
        // Settings and cards load side by side; the board draws when both are in.
        let settings_client = c.clone();
        spawn_local(async move {
            let _ = crate::api::load_settings(&settings_client, settings).await;
        });
        spawn_local(async move {
            // First the newest cards of each column with exact totals (draws at once at
            // any size), then every card behind it.
            let first = c.get::<BoardPage>(&format!("/board?owner={owner}&per_stage={FIRST_PER_COLUMN}")).await;
            if !ticket.current() {
                return;
            }
            match first {
                Ok(page) => {
                    let complete = page.complete;
                    cards.try_set(page.cards);
                    showing.try_set(owner);
                    server_totals.try_set(if complete { None } else { page.totals });
                    truncated.try_set(page.truncated);
                    loaded.try_set(true);
                    if !complete {
                        // The rest only after the first cards are on screen: parsing
                        // thousands of cards must not delay that first paint.
                        after_next_paint().await;
                        let rest = c.get::<BoardPage>(&format!("/board?owner={owner}")).await;
                        if !ticket.current() {
                            return;
                        }
                        match rest {
                            Ok(full) => {
                                // Cards moved meanwhile keep their local (newer) state.
                                cards.try_update(|local| state::merge(local, full.cards));
                                server_totals.try_set(None);
                                truncated.try_set(full.truncated);
                            }
                            Err(f) => {
                                message.try_set(Some((false, describe(lang.get_untracked(), &attrs, &f))));
                            }
                        }
                    }
                }
                Err(f) => {
                    message.try_set(Some((false, describe(lang.get_untracked(), &attrs, &f))));
                }
            }
            if let Ok(users) = c.get::<UserList>("/users").await {
                names.try_set(users.items.into_iter().map(|u| (u.id, u.name)).collect());
            }
        });
    });

    // Once per load, after the frame that shows the first cards: hosts (and the
    // benchmark) learn the board is drawn.
    Effect::new(move |_| {
        if loaded.get() && settings.with(Option::is_some) && caller.with(Option::is_some) {
            let n = cards.with_untracked(Vec::len);
            request_animation_frame(move || attrs.emit("allot:board-ready", &wasm_bindgen::JsValue::from_f64(n as f64)));
        }
    });

    let stages = Memo::new(move |_| settings.with(|s| s.as_ref().map(|s| s.stages.clone()).unwrap_or_default()));
    // Indices into `cards` per column, after the search: moving a card recomputes these
    // lists of numbers, not copies of 10,000 cards.
    let columns = Memo::new(move |_| {
        let text = search.get();
        stages.with(|stages| cards.with(|cs| state::columns(stages, cs, &text)))
    });
    let totals = Memo::new(move |_| {
        if search.with(String::is_empty) {
            if let Some(t) = server_totals.get() {
                return t;
            }
        }
        stages.with(|stages| cards.with(|cs| columns.with(|cols| state::totals(stages, cs, cols))))
    });

    // Brings a card into view in its column and focuses it (after a keyboard move the
    // card is a new element in another, virtualised column).
    let reveal = move |id: String| {
        let Some((stage_index, row)) = columns.with_untracked(|cols| cards.with_untracked(|cs| state::position(cs, cols, &id))) else {
            return;
        };
        let Some(board) = board_ref.get_untracked() else { return };
        let board: web_sys::HtmlElement = board.into();
        if let Some(column) = board.children().item(stage_index as u32).and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok()) {
            let top = row as f64 * CARD_HEIGHT;
            let (now, height) = (f64::from(column.scroll_top()), f64::from(column.client_height()));
            if top < now || top + CARD_HEIGHT > now + height - 60.0 {
                column.set_scroll_top((top - 60.0).max(0.0) as i32);
            }
            column.scroll_into_view_with_bool(false);
            let selector = format!("li.card[data-id=\"{id}\"]");
            set_timeout(
                move || {
                    if let Ok(Some(card)) = column.query_selector(&selector) {
                        if let Ok(card) = card.dyn_into::<web_sys::HtmlElement>() {
                            let _ = card.focus();
                        }
                    }
                },
                Duration::from_millis(30),
            );
        }
    };

    // Optimistic move: show it now, ask the server, roll back with the reason if refused.
    let move_card = move |id: String, to: String, refocus: bool| {
        let lang = lang.get_untracked();
        let before = match cards.with_untracked(|cs| state::plan_move(cs, &id, &to)) {
            None => return,
            Some(Err(Refused::Forbidden)) => {
                message.set(Some((false, t(lang, "forbidden"))));
                return;
            }
            Some(Ok(before)) => before,
        };
        // While only the first cards are loaded the column totals are the server's:
        // shift them with the card (and back if the server refuses).
        let amount = before.amount;
        let shift = move |from: &str, to: &str| {
            stages.with_untracked(|st| {
                server_totals.try_update(|t| {
                    if let Some(t) = t {
                        move_in_totals(st, t, from, to, amount)
                    }
                })
            });
        };
        shift(&before.stage, &to);
        // A moved card tops its new column, as the server orders it (last changed first).
        cards.update(|cs| state::move_to_top(cs, &id, &to));
        if refocus {
            reveal(id.clone());
        }
        let client = Client::of(&attrs);
        let body = StageMove { stage: to.clone(), version: before.version };
        spawn_local(async move {
            match client.send::<CustomerView>("POST", &format!("/customers/{id}/stage"), &body).await {
                Ok(saved) => {
                    message.try_set(None);
                    attrs.emit("allot:stage-changed", &to_js(&saved));
                    cards.try_update(|cs| state::confirm(cs, &id, saved.customer.version, &saved.customer.stage));
                }
                Err(f) => {
                    cards.try_update(|cs| state::roll_back(cs, &before));
                    shift(&to, &before.stage);
                    if refocus {
                        reveal(id.clone());
                    }
                    let text = match &f {
                        Failure::Api { status: 422, message: m, .. } => format!("{} {m}", lang.pick("无法移动：", "Cannot move:")),
                        other => describe(lang, &attrs, other),
                    };
                    message.try_set(Some((false, text)));
                }
            }
        });
    };

    let neighbour = move |stage: &str, step: i32| -> Option<String> { stages.with_untracked(|stages| state::neighbour(stages, stage, step)) };

    let events = CardEvents {
        pointer_down: Callback::new(move |(id, ev): (String, web_sys::PointerEvent)| {
            // Touch drags start on the grip only: elsewhere a finger scrolls the column.
            let on_grip = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest(".grip").ok().flatten()).is_some();
            if ev.pointer_type() == "touch" && !on_grip {
                return;
            }
            if ev.button() != 0 {
                return;
            }
            if let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                let _ = target.release_pointer_capture(ev.pointer_id());
            }
            drag.set_value(Some(Drag::new(id, f64::from(ev.client_x()), f64::from(ev.client_y()))));
        }),
        key: Callback::new(move |(id, stage, ev): (String, String, web_sys::KeyboardEvent)| {
            let step = match ev.key().as_str() {
                "ArrowRight" => 1,
                "ArrowLeft" => -1,
                "Enter" | " " => {
                    ev.prevent_default();
                    open.set(Some(id));
                    return;
                }
                _ => return,
            };
            ev.prevent_default();
            if let Some(to) = neighbour(&stage, step) {
                move_card(id, to, true);
            }
        }),
    };

    // The column under a point, found through the shadow root (works the same for mouse
    // and touch, captured or not).
    let column_at = move |x: f64, y: f64| -> Option<web_sys::HtmlElement> {
        let root = attrs.host.with_value(|h| h.shadow_root())?;
        root.element_from_point(x as f32, y as f32)?.closest("section.column").ok().flatten()?.dyn_into::<web_sys::HtmlElement>().ok()
    };
    let pointer_move = move |ev: web_sys::PointerEvent| {
        let Some(mut d) = drag.get_value() else { return };
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        if !d.started {
            if !d.moved_enough(x, y) {
                return;
            }
            d.started = true;
            dragging.set(Some(d.id.clone()));
            drag.set_value(Some(d.clone()));
        }
        ev.prevent_default();
        let name = cards.with_untracked(|cs| state::card(cs, &d.id).map(|c| c.name.clone())).unwrap_or_default();
        ghost.set(Some((name, x, y)));
        let column = column_at(x, y);
        over.set(column.as_ref().and_then(|c| c.get_attribute("data-stage")));
        // Auto-scroll: near the board's left or right edge, and a column's top or bottom.
        if let Some(board) = board_ref.get_untracked() {
            let rect = board.get_bounding_client_rect();
            if x < rect.left() + EDGE {
                board.set_scroll_left(board.scroll_left() - SCROLL_STEP);
            } else if x > rect.right() - EDGE {
                board.set_scroll_left(board.scroll_left() + SCROLL_STEP);
            }
        }
        if let Some(column) = column {
            let rect = column.get_bounding_client_rect();
            if y < rect.top() + EDGE {
                column.set_scroll_top(column.scroll_top() - SCROLL_STEP);
            } else if y > rect.bottom() - EDGE {
                column.set_scroll_top(column.scroll_top() + SCROLL_STEP);
            }
        }
    };
    let finish = move |drop: bool| {
        let d = drag.get_value();
        drag.set_value(None);
        ghost.set(None);
        dragging.set(None);
        let target = over.get_untracked();
        over.set(None);
        if let Some(d) = d.filter(|d| d.started) {
            just_dragged.set_value(true);
            if let (true, Some(stage)) = (drop, target) {
                move_card(d.id, stage, false);
            }
        }
    };
    let click = move |ev: web_sys::MouseEvent| {
        if just_dragged.get_value() {
            just_dragged.set_value(false);
            return;
        }
        let id = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest("li.card").ok().flatten()).and_then(|c| c.get_attribute("data-id"));
        if id.is_some() {
            open.set(id);
        }
    };
    let logged = Callback::new(move |f: FollowUp| {
        // The server bumped the customer's version and dates with the follow-up.
        cards.update(|cs| state::logged(cs, &f));
    });
    // The role comes from the token (see `caller`): "team" is for those who manage. Until
    // there is a token the bar and the columns are laid out but hidden.
    let scopes = move || state::scopes(caller.get());

    view! {
        <div class="bar" class:pending=move || caller.with(Option::is_none)>
            <div class="seg" role="group">
                {move || scopes().into_iter().map(|k| view! {
                    <button type="button" data-scope=k aria-pressed=move || (scope.get() == k).to_string() on:click=move |_| scope.set(k)>
                        {move || match k { "me" => t(lang.get(), "mine"), "team" => lang.get().pick("团队", "Team").to_string(), _ => t(lang.get(), "all") }}
                    </button>
                }).collect_view()}
            </div>
            <input type="search" class="search" placeholder=move || lang.get().pick("搜索客户或公司", "Search name or company") bind:value=search />
        </div>
        {move || truncated.get().then(|| view! { <div class="msg err">{lang.get().pick("客户过多，仅显示最新 10,000 个", "Showing the newest 10,000 customers only")}</div> })}
        {move || message.get().map(|(ok, m)| view! { <div class=if ok { "msg ok" } else { "msg err" } role="alert">{m}</div> })}
        // Focusable, so the columns can be scrolled sideways from the keyboard even when
        // no card (itself focusable) is on the board.
        <div class="board" tabindex="0" aria-label=move || lang.get().pick("销售漏斗", "Pipeline board") node_ref=board_ref class:is-dragging=move || dragging.get().is_some()
            class:pending=move || caller.with(Option::is_none) data-showing=move || showing.get()
            on:pointermove=pointer_move
            on:pointerup=move |_| finish(true)
            on:pointercancel=move |_| finish(false)
            on:click=click>
            {move || {
                stages.get().into_iter().enumerate().map(|(i, stage)| {
                    let key = stage.key.clone();
                    let (zh, en) = (stage.zh.clone(), stage.en.clone());
                    let title = Signal::derive(move || lang.get().pick(&zh, &en).to_string());
                    let indices = Memo::new(move |_| columns.with(|cols| cols.get(i).cloned().unwrap_or_default()));
                    let total = Signal::derive(move || totals.with(|ts| ts.get(i).cloned().unwrap_or(ColumnTotal { stage: String::new(), count: 0, amount: 0.0, weighted: 0.0 })));
                    let target_key = key.clone();
                    let target = Signal::derive(move || over.get().as_deref() == Some(target_key.as_str()));
                    view! { <Column key=key title=title cards=cards indices=indices total=total lang=lang_signal dragging=dragging.into() target=target events=events /> }
                }).collect_view()
            }}
        </div>
        {move || ghost.get().map(|(name, x, y)| view! { <div class="ghost" aria-hidden="true" style:transform=format!("translate({}px, {}px)", x as i32 + 8, y as i32 + 8)>{name}</div> })}
        {move || open.get().and_then(|id| cards.with_untracked(|cs| state::card(cs, &id).cloned())).map(|card| {
            let stage_name = stages.with_untracked(|s| s.iter().find(|s| s.key == card.stage).map(|s| lang.get_untracked().pick(&s.zh, &s.en).to_string())).unwrap_or_default();
            view! { <Drawer attrs=attrs lang=lang_signal card=card stage_name=stage_name names=names.into() on_close=Callback::new(move |_| open.set(None)) on_logged=logged /> }
        })}
    }
}
