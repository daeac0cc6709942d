//! The card drawer: a customer's facts, its follow-up log and the form to add one.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{BoardCard, FollowUp, FollowUpList};

use crate::api::Client;
use crate::attrs::Attrs;
use crate::follow_ups::{FollowUpForm, FollowUpLog};
use crate::i18n::Lang;

use super::column::money;

#[component]
pub fn Drawer(attrs: Attrs, lang: Signal<Lang>, card: BoardCard, stage_name: String, names: Signal<Vec<(String, String)>>, on_close: Callback<()>, on_logged: Callback<FollowUp>) -> impl IntoView {
    let log = RwSignal::new(Vec::<FollowUp>::new());
    let failed = RwSignal::new(None::<String>);
    let id = card.id.clone();
    {
        let client = Client::of(&attrs);
        let path = format!("/customers/{id}/follow-ups");
        spawn_local(async move {
            match client.get::<FollowUpList>(&path).await {
                Ok(list) => {
                    log.try_set(list.items);
                }
                Err(f) => {
                    failed.try_set(Some(crate::notice::describe(lang.get_untracked(), &attrs, &f)));
                }
            }
        });
    }
    let saved = Callback::new(move |f: FollowUp| {
        log.update(|items| items.insert(0, f.clone()));
        on_logged.run(f);
    });
    let title = card.name.clone();
    view! {
        <div class="scrim" on:click=move |_| on_close.run(())></div>
        <aside class="drawer" role="dialog" aria-modal="true" aria-label=title.clone() data-id=id.clone()
            on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }>
            <header>
                <h3>{title.clone()}</h3>
                <button type="button" class="close" aria-label=move || lang.get().pick("关闭", "Close") on:click=move |_| on_close.run(())>"✕"</button>
            </header>
            <dl class="figures">
                <dt>{move || lang.get().pick("公司", "Company")}</dt><dd>{card.company.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{move || lang.get().pick("阶段", "Stage")}</dt><dd class="stage">{stage_name}</dd>
                <dt>{move || lang.get().pick("金额", "Amount")}</dt><dd>{card.amount.map_or_else(|| "—".into(), |a| format!("¥{}", money(a)))}</dd>
                <dt>{move || lang.get().pick("负责人", "Owner")}</dt><dd>{card.owner_name.clone().unwrap_or_else(|| lang.get_untracked().pick("公海", "Pool").to_string())}</dd>
            </dl>
            {card.editable.then(|| view! { <FollowUpForm attrs=attrs lang=lang customer=id.clone() on_saved=saved /> })}
            <h4>{move || lang.get().pick("跟进记录", "Follow-up log")}</h4>
            {move || failed.get().map(|e| view! { <p class="msg err">{e}</p> })}
            <FollowUpLog lang=lang items=log.into() names=names />
        </aside>
    }
}
