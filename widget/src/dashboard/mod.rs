//! `<allot-dashboard api token lang view rules-href team>`: reports (复盘) drawn as SVG charts —
//! funnel, reps against capacity, strategy outcomes, fairness, follow-up timeliness and
//! pool flow — with a period picker, a table view and CSV per chart. `view="review"` is
//! the manager's allocation review: strategy outcomes side by side with the fairness
//! figures and a link to change the allocation rules (`rules-href`, else the element
//! emits `allot:edit-rules`).

mod chart;
mod figure;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;
use shared::reports::{FairnessReport, FollowUpReport, FunnelReport, Period, PoolFlowReport, RepsReport, StrategyReport};

use crate::api::Client;
use crate::attrs::Attrs;
use crate::i18n::Lang;
use chart::{Bar, Bars, Column, Flow};
use figure::Figure;

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{}%", fixed(v * 100.0, 0)))
}

use shared::number::{fixed, wan as money};

/// A strategy or channel key in the reader's language.
fn channel_label(lang: Lang, key: &str) -> String {
    if let Ok(s) = serde_json::from_value::<shared::allocation::Strategy>(serde_json::Value::String(key.into())) {
        return crate::labels::strategy_label(lang, s).to_string();
    }
    let (zh, en) = match key {
        "claim" => ("公海领取", "Pool claim"),
        "create" => ("自行录入", "Own entry"),
        "import" => ("导入", "Import"),
        "transfer" => ("转移", "Transfer"),
        other => return other.to_string(),
    };
    lang.pick(zh, en).to_string()
}

fn file(kind: &str, p: &Period) -> String {
    format!("allot-{kind}-{}-{}.csv", p.from, p.to)
}

#[derive(Clone, Copy)]
struct Reports {
    funnel: RwSignal<Option<FunnelReport>>,
    reps: RwSignal<Option<RepsReport>>,
    strategies: RwSignal<Option<StrategyReport>>,
    fairness: RwSignal<Option<FairnessReport>>,
    follow_ups: RwSignal<Option<FollowUpReport>>,
    pool: RwSignal<Option<PoolFlowReport>>,
}

/// Fetches one report into its signal; a failure is shown once, above the charts.
fn fetch<T: DeserializeOwned + Send + Sync + 'static>(
    client: Client,
    path: String,
    target: RwSignal<Option<T>>,
    error: RwSignal<Option<String>>,
    lang: Lang,
    attrs: Attrs,
    ticket: crate::latest::Ticket,
) {
    spawn_local(async move {
        let answer = client.get::<T>(&path).await;
        // A period or team chosen meanwhile has its own answers coming.
        if !ticket.current() {
            return;
        }
        match answer {
            Ok(r) => {
                target.try_set(Some(r));
            }
            Err(f) => {
                error.try_set(Some(crate::notice::describe(lang, &attrs, &f)));
            }
        }
    });
}

#[component]
pub fn Dashboard(attrs: Attrs) -> impl IntoView {
    let lang = Memo::new(move |_| Lang::resolve(attrs.get("lang")));
    let review = Memo::new(move |_| attrs.get("view").as_deref() == Some("review"));
    let days = RwSignal::new(30u32);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // The team filter: the `team` attribute, else every team in the caller's scope.
    let team = RwSignal::new(attrs.get_untracked("team"));
    let teams = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        let client = Client::of(&attrs);
        if !client.has_token() {
            return;
        }
        spawn_local(async move {
            if let Ok(users) = client.get::<shared::api::UserList>("/users").await {
                let mut list: Vec<String> = users.items.into_iter().filter_map(|u| u.team).collect();
                list.sort();
                list.dedup();
                teams.try_set(list);
            }
        });
    });
    let r =
        Reports { funnel: RwSignal::new(None), reps: RwSignal::new(None), strategies: RwSignal::new(None), fairness: RwSignal::new(None), follow_ups: RwSignal::new(None), pool: RwSignal::new(None) };
    let loads = crate::latest::Latest::new();
    Effect::new(move |_| {
        let client = Client::of(&attrs);
        let lang = lang.get();
        let mut query = match (from.get(), to.get()) {
            (f, t) if !f.is_empty() && !t.is_empty() => format!("from={f}&to={t}"),
            _ => format!("days={}", days.get()),
        };
        if let Some(t) = team.get() {
            query.push_str(&format!("&team={}", js_sys::encode_uri_component(&t)));
        }
        if !client.has_token() {
            return;
        }
        error.set(None);
        let ticket = loads.start();
        let path = |kind: &str| format!("/reports/{kind}?{query}");
        fetch(client.clone(), path("funnel"), r.funnel, error, lang, attrs, ticket);
        fetch(client.clone(), path("reps"), r.reps, error, lang, attrs, ticket);
        fetch(client.clone(), path("strategies"), r.strategies, error, lang, attrs, ticket);
        fetch(client.clone(), path("fairness"), r.fairness, error, lang, attrs, ticket);
        fetch(client.clone(), path("follow-ups"), r.follow_ups, error, lang, attrs, ticket);
        fetch(client, path("pool"), r.pool, error, lang, attrs, ticket);
    });

    let preset = move |n: u32| {
        view! {
            <button type="button" aria-pressed=move || (from.get().is_empty() && days.get() == n).to_string()
                on:click=move |_| { from.set(String::new()); to.set(String::new()); days.set(n); }>
                {move || match (lang.get(), n) {
                    (Lang::Zh, 365) => "一年".to_string(),
                    (Lang::En, 365) => "1 year".to_string(),
                    (Lang::Zh, n) => format!("{n} 天"),
                    (Lang::En, n) => format!("{n} days"),
                }}
            </button>
        }
    };
    let custom_from = RwSignal::new(String::new());
    let custom_to = RwSignal::new(String::new());
    let period_text = move || r.funnel.get().map(|f| format!("{} – {}", f.period.from, f.period.to)).unwrap_or_default();
    let edit_rules = move |_| attrs.emit("allot:edit-rules", &wasm_bindgen::JsValue::NULL);

    view! {
        <section class="dashboard" aria-busy=move || r.funnel.get().is_none().to_string()>
            <div class="bar period">
                <h2>{move || if review.get() { lang.get().pick("分配复盘", "Allocation review") } else { lang.get().pick("销售报表", "Reports") }}</h2>
                <span class="seg" role="group" aria-label=move || lang.get().pick("统计周期", "Period")>
                    {preset(7)}{preset(30)}{preset(90)}{preset(365)}
                </span>
                <form class="custom" on:submit=move |ev| { ev.prevent_default(); from.set(custom_from.get_untracked()); to.set(custom_to.get_untracked()); }>
                    <label>{move || lang.get().pick("从", "From")}<input type="date" name="from" required bind:value=custom_from /></label>
                    <label>{move || lang.get().pick("到", "To")}<input type="date" name="to" required bind:value=custom_to /></label>
                    <button type="submit">{move || lang.get().pick("查看", "Show")}</button>
                </form>
                {move || (teams.with(|t| t.len() > 1)).then(|| view! {
                    <label class="team">{move || lang.get().pick("团队", "Team")}
                        <select name="team" on:change=move |ev| { let v = event_target_value(&ev); team.set(Some(v).filter(|v| !v.is_empty())); }>
                            <option value="" selected=move || team.get().is_none()>{move || lang.get().pick("全部", "All")}</option>
                            {teams.get().into_iter().map(|t| { let (v, label) = (t.clone(), t.clone()); view! { <option value=v selected=move || team.get().as_deref() == Some(t.as_str())>{label}</option> } }).collect_view()}
                        </select>
                    </label>
                })}
                <span class="muted period-text">{period_text}</span>
            </div>
            {move || error.get().map(|e| view! { <p class="msg err" role="alert">{e}</p> })}
            <Show when=move || review.get()>
                <p class="review-link">
                    {move || match attrs.get("rules-href") {
                        Some(href) => view! { <a class="rules" href=href>{lang.get().pick("调整分配规则 →", "Change the allocation rules →")}</a> }.into_any(),
                        None => view! { <button type="button" class="rules" on:click=edit_rules>{lang.get().pick("调整分配规则 →", "Change the allocation rules →")}</button> }.into_any(),
                    }}
                </p>
            </Show>
            <div class="charts">
                {move || (review.get()).then(|| strategy_cards(lang.get(), r.strategies.get()))}
                {move || r.funnel.get().filter(|_| !review.get()).map(|f| funnel_chart(lang.get(), f))}
                {move || r.strategies.get().map(|s| strategies_chart(lang.get(), s))}
                {move || r.fairness.get().map(|f| fairness_chart(lang.get(), f))}
                {move || r.reps.get().filter(|_| !review.get()).map(|x| reps_chart(lang.get(), x))}
                {move || r.follow_ups.get().map(|f| follow_up_chart(lang.get(), f))}
                {move || r.pool.get().filter(|_| !review.get()).map(|p| pool_chart(lang.get(), p))}
            </div>
        </section>
    }
}

fn funnel_chart(lang: Lang, f: FunnelReport) -> impl IntoView {
    let english = lang == Lang::En;
    let bars: Vec<Bar> = f
        .steps
        .iter()
        .map(|s| Bar {
            label: lang.pick(&s.zh, &s.en).to_string(),
            value: f64::from(s.reached),
            max: f64::from(f.cohort),
            marker: None,
            text: match s.conversion {
                Some(c) => format!("{} · {}", s.reached, pct(Some(c))),
                None => s.reached.to_string(),
            },
        })
        .collect();
    let won = f.steps.last().map_or(0, |s| s.reached);
    let summary = match lang {
        Lang::Zh => format!("销售漏斗：本期新增 {} 个客户，赢单 {} 个，输单 {} 个", f.cohort, won, f.lost),
        Lang::En => format!("Funnel: {} new customers in the period, {} won, {} lost", f.cohort, won, f.lost),
    };
    let m = f.lifecycle.clone();
    let mix = [("新客户", "New", m.new), ("活跃", "Active", m.active), ("沉睡", "Dormant", m.dormant), ("流失", "Lost", m.lost)];
    view! {
        <Figure name="funnel" title=lang.pick("销售漏斗转化", "Funnel conversion").to_string() lang=lang table=f.table(english) file=file("funnel", &f.period)>
            <Bars bars=bars summary=summary />
            <dl class="figures mix">
                {mix.into_iter().map(|(zh, en, n)| view! { <dt>{lang.pick(zh, en)}</dt><dd>{n}</dd> }).collect_view()}
            </dl>
        </Figure>
    }
}

fn reps_chart(lang: Lang, x: RepsReport) -> impl IntoView {
    let top = x.reps.iter().map(|r| r.won_amount).fold(1.0, f64::max);
    let bars: Vec<Bar> = x.reps.iter().map(|r| Bar { label: r.name.clone(), value: r.won_amount, max: top, marker: None, text: format!("{} · {}", money(r.won_amount), pct(r.conversion)) }).collect();
    let summary = match lang {
        Lang::Zh => format!("各销售赢单金额：合计 {}，转化率 {}", money(x.total.won_amount), pct(x.total.conversion)),
        Lang::En => format!("Won amount per rep: {} in total, conversion {}", money(x.total.won_amount), pct(x.total.conversion)),
    };
    view! {
        <Figure name="reps" title=lang.pick("销售业绩", "Results per rep").to_string() lang=lang table=x.table(lang == Lang::En) file=file("reps", &x.period)>
            <Bars bars=bars summary=summary />
        </Figure>
    }
}

fn strategies_chart(lang: Lang, s: StrategyReport) -> impl IntoView {
    let bars: Vec<Bar> = s
        .strategies
        .iter()
        .map(|x| Bar {
            label: channel_label(lang, &x.strategy),
            value: x.conversion.unwrap_or(0.0),
            max: s.strategies.iter().filter_map(|x| x.conversion).fold(0.01, f64::max),
            marker: None,
            text: format!("{} · {}/{}", pct(x.conversion), x.won, x.assigned),
        })
        .collect();
    let summary = match lang {
        Lang::Zh => format!("各分配方式的转化率：{}", s.strategies.iter().map(|x| format!("{} {}", channel_label(lang, &x.strategy), pct(x.conversion))).collect::<Vec<_>>().join("，")),
        Lang::En => format!("Conversion by strategy: {}", s.strategies.iter().map(|x| format!("{} {}", channel_label(lang, &x.strategy), pct(x.conversion))).collect::<Vec<_>>().join(", ")),
    };
    view! {
        <Figure name="strategies" title=lang.pick("分配方式对比", "Strategies compared").to_string() lang=lang table=s.table(lang == Lang::En) file=file("strategies", &s.period)>
            <Bars bars=bars summary=summary />
        </Figure>
    }
}

/// The review's side-by-side cards: one per strategy with every outcome figure.
fn strategy_cards(lang: Lang, s: Option<StrategyReport>) -> impl IntoView {
    let Some(s) = s else { return ().into_any() };
    view! {
        <div class="compare strategies-side-by-side">
            {s.strategies.into_iter().map(|x| view! {
                <section class="panel" data-strategy=x.strategy.clone()>
                    <h3>{channel_label(lang, &x.strategy)}</h3>
                    <dl class="figures">
                        <dt>{lang.pick("分配客户", "Assigned")}</dt><dd>{x.assigned}</dd>
                        <dt>{lang.pick("转化率", "Conversion")}</dt><dd class="conversion">{pct(x.conversion)}</dd>
                        <dt>{lang.pick("赢率", "Win rate")}</dt><dd>{pct(x.win_rate)}</dd>
                        <dt>{lang.pick("跟进率", "Followed up")}</dt><dd>{pct(x.follow_up_rate)}</dd>
                        <dt>{lang.pick("赢单金额", "Won amount")}</dt><dd>{money(x.won_amount)}</dd>
                        <dt>{lang.pick("客均赢单", "Won per customer")}</dt><dd>{x.value_per_customer.map(money).unwrap_or_else(|| "—".into())}</dd>
                    </dl>
                </section>
            }).collect_view()}
        </div>
    }
    .into_any()
}

fn fairness_chart(lang: Lang, f: FairnessReport) -> impl IntoView {
    let bars: Vec<Bar> = f
        .reps
        .iter()
        .map(|r| Bar {
            label: r.name.clone(),
            value: f64::from(r.held),
            max: f.reps.iter().map(|r| f64::from(r.capacity.max(r.held))).fold(1.0, f64::max),
            marker: Some(f64::from(r.capacity)),
            text: format!("{}/{} · +{}", r.held, r.capacity, r.assigned),
        })
        .collect();
    let figures = [
        ("持有基尼系数", "Gini (held)", fixed(f.held_gini_count, 2)),
        ("新分配基尼系数", "Gini (received)", fixed(f.assigned_gini_count, 2)),
        ("新分配最多/最少", "Received max ÷ min", f.assigned_max_min.map_or_else(|| "—".into(), |v| fixed(v, 2))),
        ("负载最高/最低", "Load max ÷ min", f.load_max_min.map_or_else(|| "—".into(), |v| fixed(v, 2))),
        ("初级销售占比", "Junior share", pct(f.junior_share)),
    ];
    let summary = match lang {
        Lang::Zh => format!("各销售持有客户与容量：持有基尼系数 {}", fixed(f.held_gini_count, 2)),
        Lang::En => format!("Held customers against capacity per rep: Gini {}", fixed(f.held_gini_count, 2)),
    };
    view! {
        <Figure name="fairness" title=lang.pick("分配公平性", "Fairness").to_string() lang=lang table=f.table(lang == Lang::En) file=file("fairness", &f.period)>
            <dl class="figures">
                {figures.into_iter().map(|(zh, en, v)| view! { <dt>{lang.pick(zh, en)}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
            <Bars bars=bars summary=summary />
            <p class="legend muted"><span class="swatch marker"></span>{lang.pick("红线：容量", "Red line: capacity")}</p>
        </Figure>
    }
}

fn follow_up_chart(lang: Lang, f: FollowUpReport) -> impl IntoView {
    let bars: Vec<Bar> = f
        .reps
        .iter()
        .map(|r| Bar { label: r.name.clone(), value: r.rate.unwrap_or(0.0), max: 1.0, marker: None, text: format!("{} · {}/{}", pct(r.rate), r.on_time, r.on_time + r.late + r.missed) })
        .collect();
    let summary = match lang {
        Lang::Zh => format!("跟进及时率：整体 {}，按时 {}，逾期 {}，未跟进 {}", pct(f.total.rate), f.total.on_time, f.total.late, f.total.missed),
        Lang::En => format!("Follow-up timeliness: {} overall, {} on time, {} late, {} missed", pct(f.total.rate), f.total.on_time, f.total.late, f.total.missed),
    };
    view! {
        <Figure name="follow-ups" title=lang.pick("跟进及时率", "Follow-up timeliness").to_string() lang=lang table=f.table(lang == Lang::En) file=file("follow-ups", &f.period)>
            <Bars bars=bars summary=summary />
        </Figure>
    }
}

fn pool_chart(lang: Lang, p: PoolFlowReport) -> impl IntoView {
    let columns: Vec<Column> = p.buckets.iter().map(|b| Column { label: b.from.clone(), up: b.inflow(), down: b.outflow() }).collect();
    let summary = match lang {
        Lang::Zh => format!(
            "公海流转：流入 {}（回收 {}，退回 {}），流出 {}（领取 {}，分配 {}），当前公海 {} 个",
            p.inflow, p.total.recycled, p.total.released, p.outflow, p.total.claimed, p.total.allocated, p.in_pool
        ),
        Lang::En => format!(
            "Pool flow: {} in ({} recycled, {} released), {} out ({} claimed, {} allocated); {} in the pool now",
            p.inflow, p.total.recycled, p.total.released, p.outflow, p.total.claimed, p.total.allocated, p.in_pool
        ),
    };
    view! {
        <Figure name="pool" title=lang.pick("公海流转", "Pool flow").to_string() lang=lang table=p.table(lang == Lang::En) file=file("pool", &p.period)>
            <Flow columns=columns summary=summary.clone() />
            <p class="legend muted">
                <span class="swatch in"></span>{lang.pick("流入", "In")}" "{p.inflow}" · "
                <span class="swatch out"></span>{lang.pick("流出", "Out")}" "{p.outflow}" · "
                {lang.pick("当前公海", "In the pool")}" "{p.in_pool}
            </p>
        </Figure>
    }
}
