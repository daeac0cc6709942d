//! `<allot-allocate mode="intake|manager">`: the allocation form.
//!
//! - `intake`: a new-customer form (fields chosen by the `fields` attribute) that on
//!   submit shows who got the customer and why; with a `key` (a publishable intake key)
//!   instead of a token, the public form of `keyed`.
//! - `manager`: choose a strategy and weights, preview the distribution (bars per rep
//!   against capacity, fairness figures), compare two strategies side by side, apply.

mod intake;
mod keyed;
mod manager;

use leptos::prelude::*;

use crate::element::Attrs;
use crate::i18n::Lang;

#[component]
pub fn Allocate(attrs: Attrs) -> impl IntoView {
    let lang = Memo::new(move |_| Lang::resolve(attrs.get("lang")));
    // Only a change of mode (or language) re-creates the form; a new token does not.
    let mode = Memo::new(move |_| attrs.get("mode"));
    view! {
        {move || match mode.get().as_deref() {
            Some("manager") => manager::Manager(manager::ManagerProps { attrs, lang: lang.get() }).into_any(),
            // A publishable key instead of a token: a page with no backend.
            _ if attrs.get("key").is_some() => keyed::KeyedIntake(keyed::KeyedIntakeProps { attrs, lang: lang.get() }).into_any(),
            _ => intake::Intake(intake::IntakeProps { attrs, lang: lang.get() }).into_any(),
        }}
    }
}

/// A criterion's name for people.
pub fn criterion_label(lang: Lang, criterion: shared::allocation::Criterion) -> &'static str {
    use shared::allocation::Criterion::*;
    match criterion {
        Performance => lang.pick("业绩优先", "Performance"),
        Industry => lang.pick("行业专长", "Industry expertise"),
        Region => lang.pick("地域匹配", "Region"),
        CustomerType => lang.pick("客户类型", "Customer type"),
        Load => lang.pick("负载余量", "Spare capacity"),
    }
}

pub fn why_not_label(lang: Lang, why: shared::allocation::WhyNot) -> &'static str {
    use shared::allocation::WhyNot::*;
    match why {
        CapacityFull => lang.pick("已满额", "at capacity"),
        LowerScore => lang.pick("得分较低", "lower score"),
        NotItsTurn => lang.pick("未轮到", "not its turn"),
        BetterUsedElsewhere => lang.pick("整体最优需要其负责其他客户", "needed for other customers in the optimum"),
        JuniorShare => lang.pick("为保障新人最低分配比例", "to honour the junior minimum share"),
    }
}

pub fn strategy_label(lang: Lang, s: shared::allocation::Strategy) -> &'static str {
    use shared::allocation::Strategy::*;
    match s {
        RoundRobin => lang.pick("轮流分配", "Round robin"),
        WeightedRoundRobin => lang.pick("加权轮流", "Weighted round robin"),
        PerformanceFirst => lang.pick("业绩优先", "Performance first"),
        IndustryExpertise => lang.pick("行业专长", "Industry expertise"),
        Region => lang.pick("地域分配", "Region"),
        CustomerType => lang.pick("客户类型", "Customer type"),
        LeastLoaded => lang.pick("负载最低", "Least loaded"),
        Combined => lang.pick("组合评分", "Combined"),
        Optimal => lang.pick("全局最优", "Optimal"),
    }
}

/// The explanation of one assignment as a sentence list: the criteria that scored, best
/// first, and why the runner-up lost.
#[component]
pub fn Explanation(lang: Lang, assignment: shared::allocation::Assignment, names: Vec<(String, String)>) -> impl IntoView {
    let name = move |id: &str| names.iter().find(|(i, _)| i == id).map_or(id.to_string(), |(_, n)| n.clone());
    let mut parts: Vec<_> = assignment.breakdown.contributions.iter().filter(|c| c.points > 0.0).cloned().collect();
    parts.sort_by(|a, b| b.points.total_cmp(&a.points));
    let runner = assignment.runner_up.clone().map(|r| {
        format!("{} {} ({}): {}", lang.pick("次选", "Runner-up"), name(&r.rep), shared::number::fixed(r.score, 2), why_not_label(lang, r.why_not))
    });
    view! {
        <ul class="why">
            {parts.into_iter().map(|c| view! {
                <li>{format!("{} +{}", criterion_label(lang, c.criterion), shared::number::fixed(c.points, 2))}</li>
            }).collect_view()}
        </ul>
        {runner.map(|r| view! { <p class="sub runner">{r}</p> })}
    }
}
