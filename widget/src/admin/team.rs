//! Team: the reps and managers in the caller's scope — add (admins), edit level,
//! industries, regions, capacity and team, hand a rep's customers over to a colleague or
//! the pool and deactivate them in one step, reactivate. Who may change whose record is
//! `shared::reps::may_change`, the rule the edge's `UPDATE` states.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{HandOverInput, HandOverResult, RepList, RepView};
use shared::ids::Role;
use shared::settings::TenantSettings;

use super::feedback::{self, Status};
use super::section::{Access, Ctx, Section};
use super::state::{self, RepDraft};
use crate::api::Client;

pub const SECTION: Section = Section { key: "team", zh: "团队", en: "Team", access: Access::Managers, view: |ctx| view! { <Team ctx=ctx /> }.into_any() };

/// Which form is open: a new rep's, an edit of a rep, or a rep's hand-over.
#[derive(Clone, Debug, PartialEq)]
enum Open {
    Nothing,
    New,
    Edit(String),
    HandOver(String),
}

/// The user id the token names (the edge verifies it; this only decides which buttons show).
fn caller_id(ctx: Ctx) -> String {
    #[derive(serde::Deserialize)]
    struct Sub {
        sub: String,
    }
    ctx.attrs.get_untracked("token").and_then(|t| shared::claims::unverified::<Sub>(&t)).map(|s| s.sub).unwrap_or_default()
}

#[component]
fn Team(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let reps = RwSignal::new(Vec::<RepView>::new());
    let settings = RwSignal::new(None::<TenantSettings>);
    let status = RwSignal::new(Status::Quiet);
    let open = RwSignal::new(Open::Nothing);
    let draft = RwSignal::new(RepDraft::default());
    let hand_to = RwSignal::new(String::new());
    let deactivate = RwSignal::new(true);
    let me = caller_id(ctx);

    let reload = move || {
        let c = Client::of(&ctx.attrs);
        spawn_local(async move {
            match c.get::<RepList>("/reps").await {
                Ok(list) => reps.set(list.items),
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    Effect::new(move |_| {
        let c = Client::of(&ctx.attrs);
        if !c.has_token() {
            return;
        }
        spawn_local(async move {
            if let Ok(s) = c.get::<TenantSettings>("/settings").await {
                settings.set(Some(s));
            }
        });
        reload();
    });

    let save = move || {
        let Some(s) = settings.get_untracked() else { return };
        let d = draft.get_untracked();
        let c = Client::of(&ctx.attrs);
        match open.get_untracked() {
            Open::New => {
                let input = match d.input().and_then(|i| shared::reps::RepFields::from_input(&i, &s).map(|_| i)) {
                    Ok(i) => i,
                    Err(problems) => return status.set(feedback::invalid(lang, problems)),
                };
                status.set(Status::Busy);
                spawn_local(async move {
                    match c.send::<RepView>("POST", "/reps", &input).await {
                        Ok(rep) => {
                            status.set(Status::Done(format!("{} {}", lang.pick("已添加", "Added"), rep.name)));
                            reps.update(|r| r.push(rep));
                            open.set(Open::Nothing);
                            draft.set(RepDraft::default());
                        }
                        Err(f) => status.set(feedback::failed(ctx, &f)),
                    }
                });
            }
            Open::Edit(id) => {
                let Some(rep) = reps.with_untracked(|r| r.iter().find(|r| r.id == id).cloned()) else { return };
                let patch = match d.patch(&rep).and_then(|p| state::fields_of(&rep).patched(&p, &s).map(|_| p)) {
                    Ok(p) => p,
                    Err(problems) => return status.set(feedback::invalid(lang, problems)),
                };
                status.set(Status::Busy);
                spawn_local(async move {
                    match c.send::<RepView>("PATCH", &format!("/reps/{}", crate::markup::encode(&id)), &patch).await {
                        Ok(rep) => {
                            status.set(Status::Done(format!("{} {}", lang.pick("已保存", "Saved"), rep.name)));
                            reps.update(|r| r.iter_mut().filter(|x| x.id == rep.id).for_each(|x| *x = rep.clone()));
                            open.set(Open::Nothing);
                        }
                        Err(f) => status.set(feedback::failed(ctx, &f)),
                    }
                });
            }
            _ => {}
        }
    };

    let hand_over = move |id: String| {
        let body = HandOverInput { to: Some(hand_to.get_untracked()).filter(|t| !t.is_empty()), note: None, deactivate: deactivate.get_untracked() };
        if let Err(problems) = body.validate(&id) {
            return status.set(feedback::invalid(lang, problems));
        }
        let c = Client::of(&ctx.attrs);
        status.set(Status::Busy);
        spawn_local(async move {
            match c.send::<HandOverResult>("POST", &format!("/reps/{}/hand-over", crate::markup::encode(&id)), &body).await {
                Ok(r) => {
                    let whom = r.to.clone().unwrap_or_else(|| lang.pick("公海", "the pool").to_string());
                    let mut text = format!("{} {} → {whom}", lang.pick("已交接客户", "Customers handed over:"), r.moved);
                    if r.deactivated {
                        text.push_str(lang.pick("；已停用", "; deactivated"));
                    }
                    if r.continuing {
                        text.push_str(lang.pick("；其余在后台继续", "; the rest continue in the background"));
                    }
                    status.set(Status::Done(text));
                    open.set(Open::Nothing);
                    reload();
                }
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };

    let reactivate = move |id: String| {
        let c = Client::of(&ctx.attrs);
        let patch = shared::api::RepPatch { active: Some(true), ..Default::default() };
        spawn_local(async move {
            match c.send::<RepView>("PATCH", &format!("/reps/{}", crate::markup::encode(&id)), &patch).await {
                Ok(rep) => {
                    status.set(Status::Done(format!("{} {}", lang.pick("已重新启用", "Reactivated"), rep.name)));
                    reps.update(|r| r.iter_mut().filter(|x| x.id == rep.id).for_each(|x| *x = rep.clone()));
                }
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };

    let level_label = move |l: shared::allocation::Level| match l {
        shared::allocation::Level::Junior => lang.pick("新人", "Junior"),
        shared::allocation::Level::Senior => lang.pick("资深", "Senior"),
    };

    view! {
        <h2>{lang.pick("团队成员", "Team")}</h2>
        {(ctx.role == Role::Admin).then(|| view! {
            <div class="tools"><button type="button" class="primary add-rep" on:click=move |_| { draft.set(RepDraft::default()); open.set(Open::New); }>{lang.pick("添加成员", "Add a rep")}</button></div>
        })}
        {move || (open.get() == Open::New).then(|| view! { <RepForm ctx=ctx draft=draft settings=settings new=true on_save=save on_cancel=move || open.set(Open::Nothing) /> })}
        {feedback::show(status)}
        <div class="rows" tabindex="0">
            <table class="reps">
                <thead><tr>
                    <th scope="col">{lang.pick("姓名", "Name")}</th>
                    <th scope="col">{lang.pick("团队", "Team")}</th>
                    <th scope="col">{lang.pick("级别", "Level")}</th>
                    <th scope="col" class="num">{lang.pick("持有/容量", "Held/capacity")}</th>
                    <th scope="col">{lang.pick("状态", "Status")}</th>
                    <th scope="col"><span class="sub">{lang.pick("操作", "Actions")}</span></th>
                </tr></thead>
                <tbody>
                    <For each=move || reps.get() key=|r| (r.id.clone(), r.active, r.capacity, r.held, r.level, r.team.clone(), r.industries.clone(), r.regions.clone()) let:rep>
                        {
                            let id = rep.id.clone();
                            let changeable = shared::reps::may_change(ctx.role, &me, rep.role, &rep.id);
                            let (edit_id, hand_id, react_id, row_id) = (id.clone(), id.clone(), id.clone(), id.clone());
                            let rep_for_edit = rep.clone();
                            view! {
                                <tr data-rep=row_id class:inactive=!rep.active>
                                    <td><span class="title">{rep.name.clone()}</span><br/><span class="sub">{rep.id.clone()}" · "{rep.role.as_str()}</span></td>
                                    <td>{rep.team.clone().unwrap_or_default()}</td>
                                    <td>{level_label(rep.level)}</td>
                                    <td class="num held">{format!("{}/{}", rep.held, rep.capacity)}</td>
                                    <td class="active">{if rep.active { lang.pick("在职", "Active") } else { lang.pick("已停用", "Deactivated") }}</td>
                                    <td>{changeable.then(|| view! {
                                        <div class="tools">
                                            <button type="button" class="edit" on:click=move |_| { draft.set(RepDraft::of(&rep_for_edit)); open.set(Open::Edit(edit_id.clone())); }>{lang.pick("编辑", "Edit")}</button>
                                            {if rep.active {
                                                view! { <button type="button" class="hand-over" on:click=move |_| { hand_to.set(String::new()); deactivate.set(true); open.set(Open::HandOver(hand_id.clone())); }>{lang.pick("交接/停用", "Hand over")}</button> }.into_any()
                                            } else {
                                                view! { <button type="button" class="reactivate" on:click=move |_| reactivate(react_id.clone())>{lang.pick("重新启用", "Reactivate")}</button> }.into_any()
                                            }}
                                        </div>
                                    })}</td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </div>
        {move || match open.get() {
            Open::Edit(id) => Some(view! { <h3>{format!("{} {id}", lang.pick("编辑", "Edit"))}</h3><RepForm ctx=ctx draft=draft settings=settings new=false on_save=save on_cancel=move || open.set(Open::Nothing) /> }.into_any()),
            Open::HandOver(id) => reps.with(|all| all.iter().find(|r| r.id == id).cloned()).map(|rep| {
                let colleagues: Vec<(String, String)> = reps.with(|all| all.iter().filter(|r| r.active && r.id != rep.id).map(|r| (r.id.clone(), r.name.clone())).collect());
                let names = colleagues.clone();
                let preview = move || {
                    let to = hand_to.get();
                    let whom = names.iter().find(|(i, _)| *i == to).map(|(_, n)| n.clone()).unwrap_or_else(|| lang.pick("公海（之后可按规则分配）", "the pool (to distribute by the rules later)").to_string());
                    format!("{} {} {} → {whom}", rep.name, rep.held, lang.pick("个客户", "customers"))
                };
                let id2 = id.clone();
                view! {
                    <form class="card hand-over" on:submit=move |ev| { ev.prevent_default(); hand_over(id2.clone()); }>
                        <h3 class="wide">{lang.pick("交接客户", "Hand over customers")}</h3>
                        <label>{lang.pick("交给", "To")}
                            <select name="to" on:change=move |ev| hand_to.set(event_target_value(&ev))>
                                <option value="">{lang.pick("公海", "The pool")}</option>
                                {colleagues.into_iter().map(|(i, n)| view! { <option value=i.clone()>{format!("{n} ({i})")}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="check"><input type="checkbox" name="deactivate" prop:checked=move || deactivate.get() on:change=move |ev| deactivate.set(event_target_checked(&ev)) />{lang.pick("交接后停用该成员", "Deactivate after the hand-over")}</label>
                        <p class="wide preview" role="status">{preview}</p>
                        <div class="actions">
                            <button type="button" on:click=move |_| open.set(Open::Nothing)>{lang.pick("取消", "Cancel")}</button>
                            <button type="submit" class="primary" disabled=move || status.with(Status::busy)>{lang.pick("确认交接", "Hand over")}</button>
                        </div>
                    </form>
                }.into_any()
            }),
            _ => None,
        }}
    }
}

/// The rep form: a new rep's (with id and role) or an edit's.
#[component]
fn RepForm(
    ctx: Ctx,
    draft: RwSignal<RepDraft>,
    settings: RwSignal<Option<TenantSettings>>,
    new: bool,
    on_save: impl Fn() + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = ctx.lang;
    let text = move |label: &'static str, name: &'static str, get: fn(&RepDraft) -> String, set: fn(&mut RepDraft, String)| {
        view! { <label>{label}<input name=name prop:value=move || draft.with(get) on:input=move |ev| draft.update(|d| set(d, event_target_value(&ev))) /></label> }
    };
    let choices = move |legend: &'static str, name: &'static str, options: Vec<(String, String)>, get: fn(&RepDraft) -> &Vec<String>, set: fn(&mut RepDraft) -> &mut Vec<String>| {
        view! {
            <fieldset class="wide" data-name=name><legend>{legend}</legend>
                {options.into_iter().map(|(key, label)| {
                    let k = key.clone();
                    view! { <label class="check"><input type="checkbox" name=name value=key.clone() prop:checked=move || draft.with(|d| get(d).contains(&k))
                        on:change=move |ev| { let on = event_target_checked(&ev); let key = key.clone(); draft.update(|d| { let list = set(d); list.retain(|x| *x != key); if on { list.push(key); } }); } />{label}</label> }
                }).collect_view()}
            </fieldset>
        }
    };
    view! {
        <form class="card rep-form" on:submit=move |ev| { ev.prevent_default(); on_save(); }>
            {new.then(|| text(lang.pick("账号 ID", "User id"), "id", |d| d.id.clone(), |d, v| d.id = v))}
            {text(lang.pick("姓名", "Name"), "name", |d| d.name.clone(), |d, v| d.name = v)}
            {new.then(|| view! {
                <label>{lang.pick("角色", "Role")}
                    <select name="role" on:change=move |ev| draft.update(|d| d.role = if event_target_value(&ev) == "manager" { Role::Manager } else { Role::Rep })>
                        <option value="rep" selected=move || draft.with(|d| d.role == Role::Rep)>{lang.pick("销售", "Rep")}</option>
                        <option value="manager" selected=move || draft.with(|d| d.role == Role::Manager)>{lang.pick("经理", "Manager")}</option>
                    </select>
                </label>
            })}
            {text(lang.pick("团队", "Team"), "team", |d| d.team.clone(), |d, v| d.team = v)}
            <label>{lang.pick("级别", "Level")}
                <select name="level" on:change=move |ev| draft.update(|d| d.level = if event_target_value(&ev) == "senior" { shared::allocation::Level::Senior } else { shared::allocation::Level::Junior })>
                    <option value="junior" selected=move || draft.with(|d| d.level == shared::allocation::Level::Junior)>{lang.pick("新人", "Junior")}</option>
                    <option value="senior" selected=move || draft.with(|d| d.level == shared::allocation::Level::Senior)>{lang.pick("资深", "Senior")}</option>
                </select>
            </label>
            <label>{lang.pick("容量（最多持有客户数）", "Capacity (most customers held)")}
                <input name="capacity" inputmode="numeric" prop:value=move || draft.with(|d| d.capacity.clone()) on:input=move |ev| draft.update(|d| d.capacity = event_target_value(&ev)) />
            </label>
            {move || settings.get().map(|s| view! {
                {choices(lang.pick("擅长行业", "Industries"), "industries", s.industries.iter().map(|c| (c.key.clone(), lang.pick(&c.zh, &c.en).to_string())).collect(), |d| &d.industries, |d| &mut d.industries)}
                {choices(lang.pick("负责区域", "Regions"), "regions", s.territories.iter().map(|t| (t.key.clone(), lang.pick(&t.zh, &t.en).to_string())).collect(), |d| &d.regions, |d| &mut d.regions)}
            })}
            <div class="actions">
                <button type="button" on:click=move |_| on_cancel()>{lang.pick("取消", "Cancel")}</button>
                <button type="submit" class="primary save-rep">{lang.pick("保存", "Save")}</button>
            </div>
        </form>
    }
}
