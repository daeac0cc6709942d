//! The follow-up log (跟进记录) and the form that adds to it, shared by the board's card
//! drawer and `<allot-reminders>`. The form checks with `FollowUpInput::validate`, the
//! rule the API runs, before sending.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{FollowUp, FollowUpInput, FollowUpKind};
use shared::time::{format_date, parse_date, DAY_MS};

use crate::api::Client;
use crate::attrs::Attrs;
use crate::i18n::Lang;

pub fn kind_label(lang: Lang, kind: FollowUpKind) -> &'static str {
    match kind {
        FollowUpKind::Call => lang.pick("电话", "Call"),
        FollowUpKind::Visit => lang.pick("拜访", "Visit"),
        FollowUpKind::Wechat => lang.pick("微信", "WeChat"),
        FollowUpKind::Email => lang.pick("邮件", "Email"),
        FollowUpKind::Meeting => lang.pick("会议", "Meeting"),
        FollowUpKind::Form => lang.pick("表单留言", "Web form"),
    }
}

/// Local midnight of a `YYYY-MM-DD` typed into a date input, as the browser sees it.
fn local_date(text: &str) -> Option<i64> {
    let utc = parse_date(text)?;
    let offset_minutes = js_sys::Date::new_0().get_timezone_offset() as i64;
    Some(utc + offset_minutes * 60_000)
}

/// Adds a follow-up to `customer`; `on_saved` gets what the API stored. Emits
/// `allot:follow-up-added` on the host element.
#[component]
pub fn FollowUpForm(attrs: Attrs, lang: Signal<Lang>, customer: String, on_saved: Callback<FollowUp>) -> impl IntoView {
    let kind = RwSignal::new(FollowUpKind::Call);
    let note = RwSignal::new(String::new());
    let outcome = RwSignal::new(String::new());
    // Default next date: a week from today.
    let next = RwSignal::new(format_date(js_sys::Date::now() as i64 + 7 * DAY_MS));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = lang.get_untracked();
        let input = FollowUpInput {
            kind: kind.get_untracked(),
            note: note.get_untracked(),
            outcome: Some(outcome.get_untracked()).filter(|o| !o.trim().is_empty()),
            next_follow_up_at: local_date(&next.get_untracked()),
        };
        if let Err(problems) = input.validate(js_sys::Date::now() as i64) {
            let text = problems
                .iter()
                .map(|p| match (p.path.as_str(), p.code.as_str()) {
                    ("note", _) => lang.pick("请填写跟进内容", "Write what happened").to_string(),
                    ("next_follow_up_at", _) => lang.pick("下次跟进日期须在今天之后", "The next follow-up must be after today").to_string(),
                    _ => p.message.clone(),
                })
                .collect::<Vec<_>>()
                .join("；");
            error.set(Some(text));
            return;
        }
        let client = Client::of(&attrs);
        let path = format!("/customers/{customer}/follow-ups", customer = customer.clone());
        busy.set(true);
        spawn_local(async move {
            match client.send::<FollowUp>("POST", &path, &input).await {
                Ok(saved) => {
                    error.try_set(None);
                    note.try_set(String::new());
                    outcome.try_set(String::new());
                    attrs.emit("allot:follow-up-added", &crate::notice::to_js(&saved));
                    on_saved.run(saved);
                }
                Err(f) => {
                    error.try_set(Some(crate::notice::describe(lang, &attrs, &f)));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <form class="card follow-up" on:submit=submit novalidate>
            <label>{move || lang.get().pick("方式", "Type")}
                <select name="kind" on:change=move |ev| {
                    if let Some(k) = FollowUpKind::ALL.into_iter().find(|k| k.as_str() == event_target_value(&ev)) { kind.set(k); }
                }>
                    {FollowUpKind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=move || kind.get() == k>{move || kind_label(lang.get(), k)}</option> }).collect_view()}
                </select>
            </label>
            <label>{move || lang.get().pick("下次跟进", "Next follow-up")}
                <input type="date" name="next" bind:value=next />
            </label>
            <label class="wide">{move || lang.get().pick("跟进内容", "What happened")}
                <textarea name="note" rows="2" required bind:value=note></textarea>
            </label>
            <label class="wide">{move || lang.get().pick("结果", "Outcome")}
                <input name="outcome" bind:value=outcome />
            </label>
            {move || error.get().map(|e| view! { <p class="err" role="alert">{e}</p> })}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get()>{move || lang.get().pick("记录跟进", "Log follow-up")}</button>
            </div>
        </form>
    }
}

/// The follow-up log, newest first.
#[component]
pub fn FollowUpLog(lang: Signal<Lang>, items: Signal<Vec<FollowUp>>, names: Signal<Vec<(String, String)>>) -> impl IntoView {
    view! {
        <ol class="log">
            {move || {
                let lang = lang.get();
                let names = names.get();
                let items = items.get();
                if items.is_empty() {
                    return view! { <li class="muted">{lang.pick("还没有跟进记录", "No follow-ups yet")}</li> }.into_any();
                }
                items.into_iter().map(|f| {
                    let who = names.iter().find(|(id, _)| *id == f.author).map_or(f.author.clone(), |(_, n)| n.clone());
                    view! {
                        <li class="entry" data-id=f.id.clone()>
                            <div class="sub">{format!("{} · {} · {}", format_date(f.at), kind_label(lang, f.kind), who)}</div>
                            <div class="note">{f.note.clone()}</div>
                            {f.outcome.clone().map(|o| view! { <div class="sub">{format!("{}：{o}", lang.pick("结果", "Outcome"))}</div> })}
                            {f.next_follow_up_at.map(|n| view! { <div class="sub">{format!("{} {}", lang.pick("下次跟进", "Next"), format_date(n))}</div> })}
                        </li>
                    }
                }).collect_view().into_any()
            }}
        </ol>
    }
}
