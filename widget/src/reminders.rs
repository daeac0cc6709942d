//! `<allot-reminders api token lang scope>`: today's and overdue follow-ups and the
//! customers about to be recycled to the pool, for me (or `scope="team"` for managers).
//! Tapping one opens the follow-up form right there; logging it clears the reminder.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{Reminder, ReminderList};
use shared::time::format_date;

use crate::api::Client;
use crate::attrs::Attrs;
use crate::follow_ups::FollowUpForm;
use crate::i18n::Lang;

fn when(lang: Lang, r: &Reminder) -> String {
    match (r.kind.as_str(), lang) {
        ("overdue", Lang::Zh) => format!("逾期 {} 天 · {}", -r.in_days, format_date(r.due_at)),
        ("overdue", Lang::En) => format!("{} days overdue · {}", -r.in_days, format_date(r.due_at)),
        ("due_today", _) => lang.pick("今天", "Today").to_string(),
        (_, Lang::Zh) => format!("{} 天后回收公海", r.in_days),
        (_, Lang::En) => format!("back to the pool in {} days", r.in_days),
    }
}

#[component]
pub fn Reminders(attrs: Attrs) -> impl IntoView {
    let lang = Memo::new(move |_| Lang::resolve(attrs.get("lang")));
    let lang_signal: Signal<Lang> = lang.into();
    let items = RwSignal::new(None::<Vec<Reminder>>);
    let error = RwSignal::new(None::<String>);
    let open = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let version = RwSignal::new(0u32);
    // A reload after logging a follow-up must not be overtaken by an older answer.
    let loads = crate::latest::Latest::new();
    Effect::new(move |_| {
        let _ = version.get();
        let client = Client::of(&attrs);
        let team = attrs.get("scope").as_deref() == Some("team");
        if !client.has_token() {
            return;
        }
        let lang = lang.get_untracked();
        let ticket = loads.start();
        spawn_local(async move {
            let answer = client.get::<ReminderList>(if team { "/reminders?scope=team" } else { "/reminders" }).await;
            if !ticket.current() {
                return;
            }
            match answer {
                Ok(list) => {
                    items.try_set(Some(list.items));
                }
                Err(f) => {
                    error.try_set(Some(crate::notice::describe(lang, &attrs, &f)));
                }
            }
        });
    });
    let groups = [("overdue", "逾期未跟进", "Overdue"), ("due_today", "今日待跟进", "Due today"), ("recycle", "即将回收", "About to be recycled")];
    view! {
        <section class="reminders">
            {move || error.get().map(|e| view! { <p class="msg err" role="alert">{e}</p> })}
            {move || done.get().map(|name| view! { <p class="msg ok" role="status">{format!("{} · {name}", lang.get().pick("已记录跟进", "Follow-up logged"))}</p> })}
            {move || match items.get() {
                None => view! { <p class="muted">{lang.get().pick("加载中…", "Loading…")}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted empty">{lang.get().pick("没有待办提醒", "Nothing due")}</p> }.into_any(),
                Some(list) => groups.into_iter().map(|(kind, zh, en)| {
                    let mine: Vec<Reminder> = list.iter().filter(|r| r.kind == kind).cloned().collect();
                    (!mine.is_empty()).then(|| view! {
                        <h3 class=format!("group {kind}")>{format!("{} ({})", lang.get().pick(zh, en), mine.len())}</h3>
                        <ul class="list">
                            {mine.into_iter().map(|r| {
                                let id = r.customer.clone();
                                let (id_open, id_form, name) = (id.clone(), id.clone(), r.name.clone());
                                let saved = Callback::new(move |_| {
                                    done.set(Some(name.clone()));
                                    open.set(None);
                                    version.update(|v| *v += 1);
                                });
                                view! {
                                    <li class=format!("reminder {kind}") data-customer=id.clone()>
                                        <button type="button" class="open" aria-expanded=move || (open.get().as_deref() == Some(id_open.as_str())).to_string()
                                            on:click={ let id = id.clone(); move |_| open.update(|o| *o = if o.as_deref() == Some(id.as_str()) { None } else { Some(id.clone()) }) }>
                                            <span class="title">{r.name.clone()}</span>
                                            <span class="sub">{when(lang.get_untracked(), &r)}</span>
                                        </button>
                                        {move || (open.get().as_deref() == Some(id_form.as_str())).then(|| view! {
                                            <FollowUpForm attrs=attrs lang=lang_signal customer=id_form.clone() on_saved=saved />
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                }).collect_view().into_any(),
            }}
        </section>
    }
}
