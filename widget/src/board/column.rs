//! One virtualised board column: only the cards in (or near) the visible part of the
//! column exist in the DOM, each absolutely placed at its index × the card height, so a
//! column of 10,000 cards costs about what a column of 20 does.

use leptos::prelude::*;
use shared::api::{BoardCard, ColumnTotal, FollowUpFlag};
use shared::time::DAY_MS;

use crate::i18n::Lang;

/// Height of one card plus the gap below it, in CSS pixels (`.card` is 86 px high).
pub const CARD_HEIGHT: f64 = 92.0;
/// Cards rendered beyond each edge of the visible part.
const OVERSCAN: usize = 4;

pub use shared::number::wan as money;

fn initials(name: &str) -> String {
    name.chars().take(2).collect()
}

/// What a column needs from the board: the handlers of its cards.
#[derive(Clone, Copy)]
pub struct CardEvents {
    pub pointer_down: Callback<(String, web_sys::PointerEvent)>,
    pub key: Callback<(String, String, web_sys::KeyboardEvent)>,
}

#[component]
pub fn Column(
    key: String,
    title: Signal<String>,
    cards: RwSignal<Vec<BoardCard>>,
    /// Positions in `cards` of this column's cards, in order.
    indices: Memo<Vec<usize>>,
    total: Signal<ColumnTotal>,
    lang: Signal<Lang>,
    dragging: Signal<Option<String>>,
    target: Signal<bool>,
    events: CardEvents,
) -> impl IntoView {
    let scroll_top = RwSignal::new(0.0f64);
    let view_height = RwSignal::new(640.0f64);
    let window = Memo::new(move |_| {
        let n = indices.with(Vec::len);
        let first = ((scroll_top.get() / CARD_HEIGHT).floor() as usize).saturating_sub(OVERSCAN);
        let last = (((scroll_top.get() + view_height.get()) / CARD_HEIGHT).ceil() as usize + OVERSCAN).min(n);
        (first.min(n), last)
    });
    let now = js_sys::Date::now() as i64;
    let today = now - now.rem_euclid(DAY_MS) + js_sys::Date::new_0().get_timezone_offset() as i64 * 60_000;
    let stage_key = key.clone();
    view! {
        <section class="column" data-stage=key.clone() class:drop=move || target.get() aria-label=move || title.get()
            on:scroll=move |ev| {
                let el: web_sys::HtmlElement = event_target(&ev);
                scroll_top.set(f64::from(el.scroll_top()));
                view_height.set(f64::from(el.client_height()));
            }>
            <header>
                <h3>{move || title.get()}</h3>
                <p class="sub totals">{move || {
                    let t = total.get();
                    format!("{} · ¥{} · {} ¥{}", t.count, money(t.amount), lang.get().pick("加权", "weighted"), money(t.weighted))
                }}</p>
            </header>
            <ul style:height=move || format!("{}px", indices.with(Vec::len) * CARD_HEIGHT as usize)>
                <For
                    each=move || {
                        let (first, last) = window.get();
                        indices.with(|ix| cards.with(|cs| ix.get(first..last).unwrap_or_default().iter().enumerate().filter_map(|(k, &j)| cs.get(j).map(|c| (first + k, c.clone()))).collect::<Vec<_>>()))
                    }
                    key=|(i, c)| format!("{i}:{}:{}:{}:{}", c.id, c.version, c.stage, c.next_follow_up_at.unwrap_or(0))
                    children=move |(i, c)| {
                        let lang = lang.get_untracked();
                        let id = c.id.clone();
                        let (id_down, id_key, id_drag) = (id.clone(), id.clone(), id.clone());
                        let stage_now = stage_key.clone();
                        let days = c.last_follow_up_at.map(|at| (now - at).div_euclid(DAY_MS));
                        let flag = c.follow_up_flag(today);
                        let owner = c.owner_name.clone().unwrap_or_default();
                        view! {
                            <li class="card" tabindex="0" data-id=id.clone() draggable="false"
                                class:dragging=move || dragging.get().as_deref() == Some(id_drag.as_str())
                                class:locked=!c.editable
                                style:top=format!("{}px", i * CARD_HEIGHT as usize)
                                on:pointerdown=move |ev| events.pointer_down.run((id_down.clone(), ev))
                                on:keydown=move |ev| events.key.run((id_key.clone(), stage_now.clone(), ev))>
                                <span class="grip" aria-hidden="true">"⋮⋮"</span>
                                <div class="title">{c.name.clone()}</div>
                                <div class="sub">{c.company.clone().unwrap_or_default()}</div>
                                <div class="meta">
                                    <span>{c.amount.map(|a| format!("¥{}", money(a))).unwrap_or_default()}</span>
                                    {match flag {
                                        Some(FollowUpFlag::Overdue) => Some(view! { <span class="tag lost flag">{lang.pick("逾期", "overdue")}</span> }),
                                        Some(FollowUpFlag::DueToday) => Some(view! { <span class="tag pool flag">{lang.pick("今日跟进", "due today")}</span> }),
                                        None => None,
                                    }}
                                    <span class="tag days">{days.map_or_else(|| lang.pick("未跟进", "no follow-up").to_string(), |d| format!("{d}{}", lang.pick("天", "d")))}</span>
                                    {(!owner.is_empty()).then(|| view! { <span class="avatar" title=owner.clone()>{initials(&owner)}</span> })}
                                </div>
                            </li>
                        }
                    }
                />
            </ul>
        </section>
    }
}
