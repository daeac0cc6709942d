//! One assignment explained, for the intake form and the manager's preview.

use leptos::prelude::*;

use crate::i18n::Lang;
use crate::labels::{criterion_label, why_not_label};

/// The explanation of one assignment as a sentence list: the criteria that scored, best
/// first, and why the runner-up lost.
#[component]
pub fn Explanation(lang: Lang, assignment: shared::allocation::Assignment, names: Vec<(String, String)>) -> impl IntoView {
    let name = move |id: &str| names.iter().find(|(i, _)| i == id).map_or(id.to_string(), |(_, n)| n.clone());
    let mut parts: Vec<_> = assignment.breakdown.contributions.iter().filter(|c| c.points > 0.0).cloned().collect();
    parts.sort_by(|a, b| b.points.total_cmp(&a.points));
    let runner = assignment.runner_up.clone().map(|r| format!("{} {} ({}): {}", lang.pick("次选", "Runner-up"), name(&r.rep), shared::number::fixed(r.score, 2), why_not_label(lang, r.why_not)));
    view! {
        <ul class="why">
            {parts.into_iter().map(|c| view! {
                <li>{format!("{} +{}", criterion_label(lang, c.criterion), shared::number::fixed(c.points, 2))}</li>
            }).collect_view()}
        </ul>
        {runner.map(|r| view! { <p class="sub runner">{r}</p> })}
    }
}
