//! Pool rules: each pool's recycle days by tier (without a follow-up, without a deal), the
//! exempting stage, reminders, the daily claim limit, holding cap, cool-down and
//! protection — with how many owned customers these rules would recycle right now
//! (`POST /pool/rules/preview`, which writes nothing) before they are saved
//! (`PUT /pool/rules` with the version read). Checked by `PoolRules::validate` first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::RecyclePreview;
use shared::pool::{PoolDef, PoolRules, TierDays};
use shared::settings::StageDef;

use super::feedback::{self, Status};
use super::section::{Access, Ctx, Section};
use crate::api::Client;
use crate::latest::Latest;

pub const SECTION: Section = Section { key: "pool", zh: "公海规则", en: "Pool rules", access: Access::AdminsEditManagersRead, view: |ctx| view! { <Rules ctx=ctx /> }.into_any() };

type Read = fn(&PoolDef) -> u32;
type Write = fn(&mut PoolDef, u32);

#[component]
fn Rules(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let rules = RwSignal::new(None::<PoolRules>);
    let stages = RwSignal::new(Vec::<StageDef>::new());
    let preview = RwSignal::new(None::<RecyclePreview>);
    let status = RwSignal::new(Status::Quiet);
    let preview_status = RwSignal::new(Status::Quiet);
    let latest = Latest::new();

    let load = move || {
        let c = Client::of(&ctx.attrs);
        spawn_local(async move {
            match c.get::<PoolRules>("/pool/rules").await {
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
            if let Ok(s) = c.get::<shared::settings::CustomerLists>("/settings").await {
                stages.set(s.stages);
            }
        });
    });
    // "What would be recycled now" follows what is on screen.
    Effect::new(move |_| {
        let Some(r) = rules.get() else { return };
        if stages.with(Vec::is_empty) || r.validate(&stages.get()).is_err() {
            return;
        }
        let ticket = latest.start();
        let c = Client::of(&ctx.attrs);
        preview_status.set(Status::Busy);
        spawn_local(async move {
            let answer = c.send::<RecyclePreview>("POST", "/pool/rules/preview", &r).await;
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
        if let Err(problems) = r.validate(&stages.get_untracked()) {
            return status.set(feedback::invalid(lang, problems));
        }
        let c = Client::of(&ctx.attrs);
        status.set(Status::Busy);
        spawn_local(async move {
            match c.send::<PoolRules>("PUT", "/pool/rules", &r).await {
                Ok(saved) => {
                    status.set(Status::Done(format!("{} v{}", lang.pick("公海规则已保存", "Pool rules saved,"), saved.version)));
                    rules.set(Some(saved));
                }
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };

    let number = move |i: usize, label: String, name: String, get: Read, set: Write| {
        view! {
            <label>{label}
                <input type="number" min="0" name=name disabled=!ctx.edits
                    prop:value=move || rules.with(|r| r.as_ref().and_then(|r| r.pools.get(i)).map(|p| get(p).to_string()).unwrap_or_default())
                    on:input=move |ev| { if let Ok(v) = event_target_value(&ev).trim().parse::<u32>() { rules.update(|r| if let Some(p) = r.as_mut().and_then(|r| r.pools.get_mut(i)) { set(p, v) }) } } />
            </label>
        }
    };
    let tiers = move |i: usize, title: &'static str, prefix: &'static str, days: fn(&PoolDef) -> TierDays, days_mut: fn(&mut PoolDef) -> &mut TierDays| {
        let fields = [("key", lang.pick("大客户", "Key")), ("potential", lang.pick("潜力客户", "Potential")), ("regular", lang.pick("普通客户", "Regular"))];
        view! {
            <fieldset class="wide"><legend>{title}</legend>
                {fields.into_iter().map(|(tier, label)| {
                    let read = move |d: TierDays| match tier { "key" => d.key, "potential" => d.potential, _ => d.regular };
                    view! {
                        <label>{label}
                            <input type="number" min="0" name=format!("{prefix}.{tier}") disabled=!ctx.edits
                                prop:value=move || rules.with(|r| r.as_ref().and_then(|r| r.pools.get(i)).map(|p| read(days(p)).to_string()).unwrap_or_default())
                                on:input=move |ev| {
                                    if let Ok(v) = event_target_value(&ev).trim().parse::<u32>() {
                                        rules.update(|r| if let Some(p) = r.as_mut().and_then(|r| r.pools.get_mut(i)) { let d = days_mut(p); match tier { "key" => d.key = v, "potential" => d.potential = v, _ => d.regular = v } })
                                    }
                                } />
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        }
    };

    view! {
        <h2>{lang.pick("公海规则", "Pool rules")}</h2>
        <p class="recycle-now" role="status">
            {lang.pick("按当前设置，现在会被回收到公海的客户：", "Customers these rules would recycle now: ")}
            <span class="count would-recycle">{move || preview.with(|p| p.as_ref().map(|p| p.total.to_string())).unwrap_or_else(|| "…".into())}</span>
        </p>
        {feedback::show(preview_status)}
        {move || rules.with(|r| r.as_ref().map(|r| r.pools.len())).map(|n| (0..n).map(|i| {
            let title = rules.with_untracked(|r| r.as_ref().and_then(|r| r.pools.get(i)).map(|p| lang.pick(&p.zh, &p.en).to_string())).unwrap_or_default();
            view! {
                <form class="card pool-rules" data-pool=i on:submit=move |ev| { ev.prevent_default(); save(); }>
                    <h3 class="wide">{title}</h3>
                    {tiers(i, lang.pick("未跟进回收天数（0 = 不回收）", "Recycle after days without a follow-up (0: never)"), "no_follow_up", |p| p.recycle_without_follow_up_days, |p| &mut p.recycle_without_follow_up_days)}
                    {tiers(i, lang.pick("未成交回收天数（0 = 不回收）", "Recycle after days without a deal (0: never)"), "no_deal", |p| p.recycle_without_deal_days, |p| &mut p.recycle_without_deal_days)}
                    <label>{lang.pick("达到此阶段免回收", "Exempt from this stage on")}
                        <select name="exempt_from_stage" disabled=!ctx.edits on:change=move |ev| { let v = event_target_value(&ev); rules.update(|r| if let Some(p) = r.as_mut().and_then(|r| r.pools.get_mut(i)) { p.exempt_from_stage = Some(v).filter(|v| !v.is_empty()) }) }>
                            <option value="">{lang.pick("不豁免", "No exemption")}</option>
                            {move || stages.get().into_iter().map(|s| {
                                let selected = rules.with(|r| r.as_ref().and_then(|r| r.pools.get(i)).and_then(|p| p.exempt_from_stage.clone())) == Some(s.key.clone());
                                view! { <option value=s.key.clone() selected=selected>{lang.pick(&s.zh, &s.en).to_string()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    {number(i, lang.pick("回收前提醒天数", "Remind days before").into(), "remind_days_before".into(), |p| p.remind_days_before, |p, v| p.remind_days_before = v)}
                    {number(i, lang.pick("每日领取上限", "Daily claim limit").into(), "daily_claim_limit".into(), |p| p.daily_claim_limit, |p, v| p.daily_claim_limit = v)}
                    {number(i, lang.pick("保有量上限", "Holding cap").into(), "holding_cap".into(), |p| p.holding_cap, |p, v| p.holding_cap = v)}
                    {number(i, lang.pick("退回后冷却天数", "Cool-down days").into(), "cooldown_days".into(), |p| p.cooldown_days, |p, v| p.cooldown_days = v)}
                    {number(i, lang.pick("领取后保护天数", "Protection days").into(), "protection_days".into(), |p| p.protection_days, |p, v| p.protection_days = v)}
                    {ctx.edits.then(|| view! {
                        <div class="actions">
                            <button type="button" on:click=move |_| load()>{lang.pick("放弃修改", "Discard changes")}</button>
                            <button type="submit" class="primary save-pool" disabled=move || status.with(Status::busy)>{lang.pick("保存", "Save")}</button>
                        </div>
                    })}
                </form>
            }
        }).collect_view())}
        {feedback::show(status)}
        <super::history::History ctx=ctx document="pool-rules" on_restore=move |body: serde_json::Value| {
            if let (Ok(mut old), Some(current)) = (serde_json::from_value::<PoolRules>(body), rules.get_untracked()) {
                old.version = current.version;
                rules.set(Some(old));
                status.set(Status::Done(lang.pick("已载入旧版本，保存后生效", "The old version is on screen: save to restore it").to_string()));
            }
        } />
    }
}
