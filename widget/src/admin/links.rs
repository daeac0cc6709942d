//! Personal links (`/users/{id}/links`): a rep's sign-in link for the mobile page —
//! issued (its URL shown this once), listed without secrets, revoked. Admins for anyone,
//! managers for their team's reps (the edge scopes both).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::RepList;
use shared::links::{LinkCreated, LinkInput, LinkList, LinkView};

use super::feedback::{self, Status};
use super::history::when;
use super::section::{Access, Ctx, Section};
use crate::api::Client;

pub const SECTION: Section = Section { key: "links", zh: "个人链接", en: "Personal links", access: Access::Managers, view: |ctx| view! { <Links ctx=ctx /> }.into_any() };

#[component]
fn Links(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let reps = RwSignal::new(Vec::<(String, String)>::new());
    let user = RwSignal::new(String::new());
    let links = RwSignal::new(Vec::<LinkView>::new());
    let issued = RwSignal::new(None::<LinkCreated>);
    let days = RwSignal::new("30".to_string());
    let status = RwSignal::new(Status::Quiet);
    Effect::new(move |_| {
        let c = Client::of(&ctx.attrs);
        if !c.has_token() {
            return;
        }
        spawn_local(async move {
            if let Ok(list) = c.get::<RepList>("/reps").await {
                reps.set(list.items.into_iter().filter(|r| r.active).map(|r| (r.id, r.name)).collect());
            }
        });
    });
    let load = move |id: String| {
        let c = Client::of(&ctx.attrs);
        spawn_local(async move {
            match c.get::<LinkList>(&format!("/users/{}/links", crate::markup::encode(&id))).await {
                Ok(l) => links.set(l.items),
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    let issue = move || {
        let id = user.get_untracked();
        let body = LinkInput { days: days.get_untracked().trim().parse().ok() };
        if let Err(problems) = body.validate() {
            return status.set(feedback::invalid(lang, problems));
        }
        let c = Client::of(&ctx.attrs);
        spawn_local(async move {
            match c.send::<LinkCreated>("POST", &format!("/users/{}/links", crate::markup::encode(&id)), &body).await {
                Ok(l) => {
                    status.set(Status::Done(lang.pick("已生成：链接只显示这一次", "Issued: the link is shown this once").into()));
                    issued.set(Some(l));
                    load(id);
                }
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    let revoke = move |id: String| {
        let c = Client::of(&ctx.attrs);
        spawn_local(async move {
            match c.delete::<LinkView>(&format!("/links/{}", crate::markup::encode(&id))).await {
                Ok(_) => load(user.get_untracked()),
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    view! {
        <h2>{lang.pick("个人访问链接", "Personal access links")}</h2>
        <form class="card" on:submit=move |ev| { ev.prevent_default(); issue(); }>
            <label>{lang.pick("成员", "User")}
                <select name="user" on:change=move |ev| { let id = event_target_value(&ev); user.set(id.clone()); issued.set(None); if !id.is_empty() { load(id) } }>
                    <option value="">{lang.pick("（请选择）", "(choose)")}</option>
                    {move || reps.get().into_iter().map(|(id, name)| view! { <option value=id.clone()>{format!("{name} ({id})")}</option> }).collect_view()}
                </select>
            </label>
            <label>{lang.pick("有效天数（1–90）", "Valid for days (1–90)")}<input name="days" inputmode="numeric" prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev)) /></label>
            <div class="actions"><button type="submit" class="primary" disabled=move || user.with(String::is_empty)>{lang.pick("生成链接", "Issue a link")}</button></div>
        </form>
        {feedback::show(status)}
        {move || issued.get().map(|l| view! { <p class="secret issued-link">{l.url}</p> })}
        <div class="rows" tabindex="0"><table class="links">
            <thead><tr><th scope="col">{lang.pick("生成时间", "Issued")}</th><th scope="col">{lang.pick("到期", "Expires")}</th><th scope="col">{lang.pick("最近使用", "Last used")}</th><th scope="col"><span class="sub">{lang.pick("操作", "Actions")}</span></th></tr></thead>
            <tbody>{move || links.get().into_iter().map(|l| {
                let id = l.id.clone();
                view! { <tr>
                    <td>{when(l.created_at)}</td><td>{when(l.expires_at)}</td><td>{l.last_used_at.map(when).unwrap_or_else(|| "—".into())}</td>
                    <td>{if l.revoked_at.is_some() { view! { <span>{lang.pick("已撤销", "Revoked")}</span> }.into_any() } else { view! { <button type="button" on:click=move |_| revoke(id.clone())>{lang.pick("撤销", "Revoke")}</button> }.into_any() }}</td>
                </tr> }
            }).collect_view()}</tbody>
        </table></div>
    }
}
