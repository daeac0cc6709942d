//! A chart in a `<figure>`: title, the chart, and a switch to its table (the text
//! alternative, the same [`Table`] the API exports as CSV) plus a CSV download.

use leptos::prelude::*;
use shared::reports::Table;

use crate::i18n::Lang;

#[component]
pub fn Figure(name: &'static str, title: String, lang: Lang, table: Table, file: String, children: Children) -> impl IntoView {
    let tabular = RwSignal::new(false);
    let csv = table.to_csv();
    let head = view! { <tr>{table.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr> };
    let body = table.rows.iter().map(|r| view! { <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr> }).collect_view();
    view! {
        <figure class="chart" data-report=name>
            <figcaption>
                <h3>{title}</h3>
                <span class="tools">
                    <button type="button" class="toggle" aria-pressed=move || tabular.get().to_string() on:click=move |_| tabular.update(|t| *t = !*t)>
                        {move || if tabular.get() { lang.pick("图表", "Chart") } else { lang.pick("表格", "Table") }}
                    </button>
                    <button type="button" class="csv" on:click=move |_| crate::download::csv(&file, &csv)>"CSV"</button>
                </span>
            </figcaption>
            <div class="plot" hidden=move || tabular.get()>{children()}</div>
            <div class="table" hidden=move || !tabular.get()>
                <table>
                    <thead>{head}</thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </figure>
    }
}
