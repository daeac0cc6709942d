//! Allocation rules: strategy, weights, the junior minimum share and the performance
//! window, with a live preview of how today's pool would be distributed under what is on
//! screen (`POST /allocations/preview`, which writes nothing) before it is saved as the
//! default (`PUT /allocation/rules` with the version read); the version history and restore.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::allocation::{AllocationRules, Strategy, Weights};
use shared::api::{AllocationRequest, AllocationResponse, RepList};

use super::feedback::{self, Status};
use super::section::{Access, Ctx, Section};
use crate::api::Client;
use crate::latest::Latest;

pub const SECTION: Section = Section { key: "allocation", zh: "分配规则", en: "Allocation rules", access: Access::AdminsEditManagersRead, view: |ctx| view! { <Rules ctx=ctx /> }.into_any() };

fn strategy_key(s: Strategy) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

#[component]
fn Rules(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let rules = RwSignal::new(None::<AllocationRules>);
    let names = RwSignal::new(Vec::<(String, String)>::new());
    let preview = RwSignal::new(None::<AllocationResponse>);
    let status = RwSignal::new(Status::Quiet);
    let preview_status = RwSignal::new(Status::Quiet);
    let latest = Latest::new();

    let load = move || {
        let c = Client::of(&ctx.attrs);
        spawn_local(async move {
            match c.get::<AllocationRules>("/allocation/rules").await {
                Ok(r) => rules.set(Some(r)),
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    Effect::new(move |_| {
        let c = Client::of(&ctx.attrs);
        if !c.has_token() {
            return;
        }
        load();
        spawn_local(async move {
            if let Ok(list) = c.get::<RepList>("/reps").await {
                names.set(list.items.into_iter().map(|r| (r.id, r.name)).collect());
            }
        });
    });
    // The preview follows what is on screen; only the newest answer is shown.
    Effect::new(move |_| {
        let Some(r) = rules.get() else { return };
        if r.validate().is_err() {
            return;
        }
        let ticket = latest.start();
        let c = Client::of(&ctx.attrs);
        let body = AllocationRequest { strategy: Some(r.strategy), weights: Some(r.weights), seed: Some(1), ..Default::default() };
        preview_status.set(Status::Busy);
        spawn_local(async move {
            let answer = c.send::<AllocationResponse>("POST", "/allocations/preview", &body).await;
            if !ticket.current() {
                return;
            }
            match answer {
                Ok(p) => {
                    preview.set(Some(p));
                    preview_status.set(Status::Quiet);
                }
                Err(f) => preview_status.set(feedback::failed(ctx, &f)),
            }
        });
    });

    let save = move || {
        let Some(r) = rules.get_untracked() else { return };
        if let Err(problems) = r.validate() {
            return status.set(feedback::invalid(lang, problems));
        }
        let c = Client::of(&ctx.attrs);
        status.set(Status::Busy);
        spawn_local(async move {
            match c.send::<AllocationRules>("PUT", "/allocation/rules", &r).await {
                Ok(saved) => {
                    status.set(Status::Done(format!("{} v{}", lang.pick("已保存为默认规则", "Saved as the default,"), saved.version)));
                    rules.set(Some(saved));
                }
                // What was typed stays on screen: only the status changes.
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };

    // The fields are disabled until the stored rules arrive: a slider shows its midpoint
    // before then, and a change made to it would be dropped when they land.
    let number = move |label: &'static str, name: &'static str, step: &'static str, get: fn(&AllocationRules) -> f64, set: fn(&mut AllocationRules, f64)| {
        view! {
            <label>{label}
                <input type="number" name=name step=step min="0" disabled=move || !ctx.edits || rules.with(Option::is_none)
                    prop:value=move || rules.with(|r| r.as_ref().map(|r| shared::number::format(get(r))).unwrap_or_default())
                    on:input=move |ev| { if let Some(v) = shared::number::parse(&event_target_value(&ev)) { rules.update(|r| if let Some(r) = r { set(r, v) }) } } />
            </label>
        }
    };
    let weight = move |label: &'static str, name: &'static str, get: fn(&Weights) -> f64, set: fn(&mut Weights, f64)| {
        view! {
            <label>{label}
                <input type="range" name=name min="0" max="5" step="0.5" disabled=move || !ctx.edits || rules.with(Option::is_none)
                    prop:value=move || rules.with(|r| r.as_ref().map(|r| shared::number::format(get(&r.weights))).unwrap_or_default())
                    on:input=move |ev| { let v = shared::number::parse(&event_target_value(&ev)).unwrap_or(0.0); rules.update(|r| if let Some(r) = r { set(&mut r.weights, v) }) } />
                <span class="sub">{move || rules.with(|r| r.as_ref().map(|r| shared::number::fixed(get(&r.weights), 1)).unwrap_or_default())}</span>
            </label>
        }
    };

    view! {
        <h2>{lang.pick("默认分配规则", "Default allocation rules")}</h2>
        {(!ctx.edits).then(|| view! { <p class="explain">{lang.pick("经理可查看与预览，由管理员修改。", "Managers see and preview these; an admin changes them.")}</p> })}
        <form class="card rules" on:submit=move |ev| { ev.prevent_default(); save(); }>
            <label>{lang.pick("分配策略", "Strategy")}
                <select name="strategy" disabled=move || !ctx.edits || rules.with(Option::is_none) on:change=move |ev| {
                    let key = event_target_value(&ev);
                    if let Some(s) = Strategy::ALL.into_iter().find(|s| strategy_key(*s) == key) { rules.update(|r| if let Some(r) = r { r.strategy = s }) }
                }>
                    {move || Strategy::ALL.into_iter().map(|s| view! {
                        <option value=strategy_key(s) selected=rules.with(|r| r.as_ref().map(|r| r.strategy) == Some(s))>{crate::labels::strategy_label(lang, s)}</option>
                    }).collect_view()}
                </select>
            </label>
            {weight(lang.pick("业绩权重", "Performance weight"), "performance", |w| w.performance, |w, v| w.performance = v)}
            {weight(lang.pick("行业权重", "Industry weight"), "industry", |w| w.industry, |w, v| w.industry = v)}
            {weight(lang.pick("地域权重", "Region weight"), "region", |w| w.region, |w, v| w.region = v)}
            {weight(lang.pick("客户类型权重", "Customer type weight"), "customer_type", |w| w.customer_type, |w, v| w.customer_type = v)}
            {weight(lang.pick("负载权重", "Load weight"), "load", |w| w.load, |w, v| w.load = v)}
            {number(lang.pick("新人最低分配比例（0–1）", "Junior minimum share (0–1)"), "junior_min_share", "0.05", |r| r.junior_min_share, |r, v| r.junior_min_share = v)}
            {number(lang.pick("业绩统计窗口（天）", "Performance window (days)"), "performance_window_days", "1", |r| f64::from(r.performance_window_days), |r, v| r.performance_window_days = v.max(0.0) as u32)}
            {ctx.edits.then(|| view! {
                <div class="actions">
                    <button type="button" on:click=move |_| load()>{lang.pick("放弃修改", "Discard changes")}</button>
                    <button type="submit" class="primary save-rules" disabled=move || status.with(Status::busy)>{lang.pick("保存为默认", "Save as default")}</button>
                </div>
            })}
        </form>
        {feedback::show(status)}
        <h3>{lang.pick("按当前设置分配今天的公海（预览，不写入）", "Today's pool under these settings (preview, nothing written)")}</h3>
        {feedback::show(preview_status)}
        {move || preview.get().map(|p| {
            let d = p.outcome.distribution;
            let who = names.get();
            let name = move |id: &str| who.iter().find(|(i, _)| i == id).map_or(id.to_string(), |(_, n)| n.clone());
            view! {
                <p class="sub preview-summary" data-assigned=p.outcome.assignments.len()>
                    {format!("{} {} · {} {} · Gini {}", lang.pick("分配", "Assigned"), p.outcome.assignments.len(), lang.pick("未分配", "unassigned"), p.outcome.unassigned.len(), shared::number::fixed(d.gini_count, 3))}
                </p>
                <div class="rows" tabindex="0"><table class="preview">
                    <thead><tr><th scope="col">{lang.pick("销售", "Rep")}</th><th scope="col" class="num">{lang.pick("新增", "Added")}</th><th scope="col" class="num">{lang.pick("之后/容量", "After/capacity")}</th></tr></thead>
                    <tbody>{d.reps.into_iter().filter(|r| r.count_after > r.count_before).map(|r| view! {
                        <tr data-rep=r.rep.clone()><td>{name(&r.rep)}</td><td class="num added">{r.count_after - r.count_before}</td><td class="num">{format!("{}/{}", r.count_after, r.capacity)}</td></tr>
                    }).collect_view()}</tbody>
                </table></div>
            }
        })}
        <super::history::History ctx=ctx document="allocation-rules" on_restore=move |body: serde_json::Value| {
            // A restore puts the old version on screen; saving it is an ordinary write
            // from the version read, so a change made meanwhile is never overwritten.
            if let (Ok(mut old), Some(current)) = (serde_json::from_value::<AllocationRules>(body), rules.get_untracked()) {
                old.version = current.version;
                rules.set(Some(old));
                status.set(Status::Done(lang.pick("已载入旧版本，保存后生效", "The old version is on screen: save to restore it").to_string()));
            }
        } />
    }
}
