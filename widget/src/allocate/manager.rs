//! Manager mode: strategy and weights, a preview of the distribution, two strategies side
//! by side, and apply.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::allocation::{AllocationRules, Strategy, Weights};
use shared::api::{AllocationRequest, AllocationResponse, RepList};

use crate::api::Client;
use crate::attrs::Attrs;
use crate::i18n::Lang;

fn strategy_key(s: Strategy) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn parse_strategy(key: &str) -> Option<Strategy> {
    Strategy::ALL.into_iter().find(|s| strategy_key(*s) == key)
}

#[component]
pub fn Manager(attrs: Attrs, lang: Lang) -> impl IntoView {
    let reps = RwSignal::new(Vec::<(String, String)>::new());
    let strategy = RwSignal::new(Strategy::Combined);
    let compare = RwSignal::new(None::<Strategy>);
    let weights = RwSignal::new(Weights::default());
    let results = RwSignal::new(Vec::<AllocationResponse>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);

    Effect::new(move |_| {
        let c = Client::of(&attrs);
        // Hosts often set the token just after the element mounts: wait for it.
        if !c.has_token() {
            return;
        }
        spawn_local(async move {
            if let Ok(r) = c.get::<AllocationRules>("/allocation/rules").await {
                strategy.set(r.strategy);
                weights.set(r.weights);
            }
            match c.get::<RepList>("/reps").await {
                Ok(list) => reps.set(list.items.into_iter().map(|r| (r.id, r.name)).collect()),
                Err(f) => message.set(Some((false, crate::notice::describe(lang, &attrs, &f)))),
            }
        });
    });

    let request = move |s: Strategy| AllocationRequest { strategy: Some(s), weights: Some(weights.get_untracked()), ..Default::default() };
    let preview = move || {
        let c = Client::of(&attrs);
        let mut wanted = vec![strategy.get_untracked()];
        wanted.extend(compare.get_untracked());
        busy.set(true);
        message.set(None);
        spawn_local(async move {
            let mut out = Vec::new();
            for s in wanted {
                match c.send::<AllocationResponse>("POST", "/allocations/preview", &request(s)).await {
                    Ok(r) => out.push(r),
                    Err(f) => {
                        message.set(Some((false, crate::notice::describe(lang, &attrs, &f))));
                        break;
                    }
                }
            }
            results.set(out);
            busy.set(false);
        });
    };
    let apply = move || {
        let c = Client::of(&attrs);
        let body = request(strategy.get_untracked());
        busy.set(true);
        spawn_local(async move {
            match c.send::<AllocationResponse>("POST", "/allocations", &body).await {
                Ok(r) => {
                    let applied = r.outcome.assignments.len() - r.skipped.len();
                    message.set(Some((true, format!("{} {applied} · {} {}", lang.pick("已分配", "Applied"), lang.pick("跳过", "skipped"), r.skipped.len()))));
                    attrs.emit("allot:allocation-applied", &crate::notice::to_js(&r));
                    results.set(Vec::new());
                }
                Err(f) => message.set(Some((false, crate::notice::describe(lang, &attrs, &f)))),
            }
            busy.set(false);
        });
    };

    let strategy_options = move |selected: Option<Strategy>, allow_none: bool| {
        view! {
            {allow_none.then(|| view! { <option value="">{lang.pick("不对比", "No comparison")}</option> })}
            {Strategy::ALL.into_iter().map(|s| view! {
                <option value=strategy_key(s) selected=selected == Some(s)>{crate::labels::strategy_label(lang, s)}</option>
            }).collect_view()}
        }
    };
    let slider = move |label: &'static str, get: fn(&Weights) -> f64, set: fn(&mut Weights, f64)| {
        view! {
            <label>{label}
                <input type="range" min="0" max="5" step="0.5" prop:value=move || shared::number::format(get(&weights.get()))
                    on:input=move |ev| { let v = shared::number::parse(&event_target_value(&ev)).unwrap_or(0.0); weights.update(|w| set(w, v)); } />
                <span class="sub">{move || shared::number::fixed(get(&weights.get()), 1)}</span>
            </label>
        }
    };

    view! {
        <form class="card" on:submit=move |ev| { ev.prevent_default(); preview(); }>
            <label>{lang.pick("分配策略", "Strategy")}
                <select name="strategy" on:change=move |ev| if let Some(s) = parse_strategy(&event_target_value(&ev)) { strategy.set(s) }>
                    {move || strategy_options(Some(strategy.get()), false)}
                </select>
            </label>
            <label>{lang.pick("对比策略", "Compare with")}
                <select name="compare" on:change=move |ev| compare.set(parse_strategy(&event_target_value(&ev)))>
                    {move || strategy_options(compare.get(), true)}
                </select>
            </label>
            {slider(lang.pick("业绩权重", "Performance weight"), |w| w.performance, |w, v| w.performance = v)}
            {slider(lang.pick("行业权重", "Industry weight"), |w| w.industry, |w, v| w.industry = v)}
            {slider(lang.pick("地域权重", "Region weight"), |w| w.region, |w, v| w.region = v)}
            {slider(lang.pick("客户类型权重", "Customer type weight"), |w| w.customer_type, |w, v| w.customer_type = v)}
            {slider(lang.pick("负载权重", "Load weight"), |w| w.load, |w, v| w.load = v)}
            <div class="actions">
                <button type="submit" class="preview" disabled=move || busy.get()>{lang.pick("预览", "Preview")}</button>
                <button type="button" class="primary apply" disabled=move || busy.get() || results.with(Vec::is_empty) on:click=move |_| apply()>{lang.pick("应用分配", "Apply")}</button>
            </div>
        </form>
        {move || message.get().map(|(ok, m)| view! { <div class=if ok { "msg ok" } else { "msg err" } role="status">{m}</div> })}
        <div class="compare">
            {move || results.get().into_iter().map(|r| view! { <Panel lang=lang result=r names=reps.get() /> }).collect_view()}
        </div>
    }
}

/// One strategy's preview: fairness figures and a bar per rep against capacity.
#[component]
fn Panel(lang: Lang, result: AllocationResponse, names: Vec<(String, String)>) -> impl IntoView {
    let d = result.outcome.distribution.clone();
    let name = |id: &str| names.iter().find(|(i, _)| i == id).map_or(id.to_string(), |(_, n)| n.clone());
    let max_cap = d.reps.iter().map(|r| r.capacity.max(r.count_after)).max().unwrap_or(1).max(1) as f64;
    let rows: Vec<_> = d.reps.iter().filter(|r| r.capacity > 0 || r.count_after > 0).cloned().collect();
    let first = result.outcome.assignments.first().cloned();
    view! {
        <section class="panel" data-strategy=strategy_key(result.outcome.strategy)>
            <h3>{crate::labels::strategy_label(lang, result.outcome.strategy)}</h3>
            <dl class="figures">
                <dt>{lang.pick("分配数", "Assigned")}</dt><dd class="assigned">{result.outcome.assignments.len()}</dd>
                <dt>{lang.pick("未分配", "Unassigned")}</dt><dd>{result.outcome.unassigned.len()}</dd>
                <dt>{lang.pick("总分", "Total score")}</dt><dd class="total">{shared::number::fixed(d.total_score, 2)}</dd>
                <dt>{lang.pick("基尼系数(数量)", "Gini (count)")}</dt><dd>{shared::number::fixed(d.gini_count, 3)}</dd>
                <dt>{lang.pick("基尼系数(金额)", "Gini (value)")}</dt><dd>{shared::number::fixed(d.gini_value, 3)}</dd>
                <dt>{lang.pick("最多/最少", "Max/min")}</dt><dd>{d.max_min_ratio.map_or("—".to_string(), |r| shared::number::fixed(r, 2))}</dd>
                <dt>{lang.pick("新人占比", "Junior share")}</dt><dd>{format!("{}%", shared::number::fixed(d.junior_share * 100.0, 0))}</dd>
            </dl>
            <ul class="bars" aria-label=lang.pick("各销售负载", "Load per rep")>
                {rows.into_iter().map(|r| {
                    let before = r.count_before as f64 / max_cap * 100.0;
                    let added = (r.count_after - r.count_before) as f64 / max_cap * 100.0;
                    let cap = r.capacity as f64 / max_cap * 100.0;
                    view! {
                        <li>
                            <span class="who">{name(&r.rep)}</span>
                            <span class="track" title=format!("{} / {}", r.count_after, r.capacity)>
                                <span class="held" style:width=format!("{}%", shared::number::fixed(before, 1))></span>
                                <span class="added" style:width=format!("{}%", shared::number::fixed(added, 1))></span>
                                <span class="cap" style:left=format!("{}%", shared::number::fixed(cap, 1))></span>
                            </span>
                            <span class="n">{format!("+{} → {}/{}", r.count_after - r.count_before, r.count_after, r.capacity)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {first.map(|a| view! {
                <p class="sub">{format!("{} → {}", if a.customer_name.is_empty() { a.customer.clone() } else { a.customer_name.clone() }, name(&a.rep))}</p>
                <super::explanation::Explanation lang=lang assignment=a names=names.clone() />
            })}
        </section>
    }
}
