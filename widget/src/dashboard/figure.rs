//! A chart in a `<figure>`: title, the chart, and a switch to its table (the text
//! alternative, the same [`Table`] the API exports as CSV) plus a CSV download.

use leptos::prelude::*;
use shared::reports::Table;
use wasm_bindgen::JsCast;

use crate::i18n::Lang;

/// Saves `csv` as a file through a temporary object URL: the widget already holds the
/// table, so no second request (and no token in a link) is needed.
fn download(name: &str, csv: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(csv));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(a) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.create_element("a").ok()).and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

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
                    <button type="button" class="csv" on:click=move |_| download(&file, &csv)>"CSV"</button>
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
