//! A versioned document's history (`GET /history?document=…`): who saved which version
//! and when, newest first, each with a restore button for those who edit. Restoring puts
//! the old body on screen; saving it is the section's ordinary versioned write.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::HistoryPage;

use super::feedback::{self, Status};
use super::section::Ctx;
use crate::api::Client;

/// A moment as the reader's local date and time (`2026-12-01 21:05`).
pub fn when(at: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!("{}-{:02}-{:02} {:02}:{:02}", d.get_full_year(), d.get_month() + 1, d.get_date(), d.get_hours(), d.get_minutes())
}

#[component]
pub fn History(ctx: Ctx, document: &'static str, on_restore: impl Fn(serde_json::Value) + Copy + Send + Sync + 'static) -> impl IntoView {
    let lang = ctx.lang;
    let page = RwSignal::new(None::<HistoryPage>);
    let status = RwSignal::new(Status::Quiet);
    let shown = RwSignal::new(false);
    let load = move || {
        let c = Client::of(&ctx.attrs);
        status.set(Status::Busy);
        spawn_local(async move {
            match c.get::<HistoryPage>(&format!("/history?document={document}")).await {
                Ok(p) => {
                    page.set(Some(p));
                    status.set(Status::Quiet);
                }
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    view! {
        <h3>{lang.pick("版本历史", "Version history")}</h3>
        <button type="button" class="history" aria-expanded=move || shown.get().to_string() on:click=move |_| { shown.update(|s| *s = !*s); if shown.get_untracked() { load() } }>
            {move || if shown.get() { lang.pick("收起", "Hide") } else { lang.pick("查看历史版本", "Show versions") }}
        </button>
        {feedback::show(status)}
        {move || (shown.get()).then(|| page.get()).flatten().map(|p| view! {
            <div class="rows" tabindex="0"><table class="history">
                <thead><tr><th scope="col">{lang.pick("版本", "Version")}</th><th scope="col">{lang.pick("修改人", "By")}</th><th scope="col">{lang.pick("时间", "When")}</th><th scope="col"><span class="sub">{lang.pick("操作", "Actions")}</span></th></tr></thead>
                <tbody>{p.items.into_iter().map(|e| {
                    let body = e.body.clone();
                    view! {
                        <tr data-version=e.version>
                            <td class="num">{format!("v{}", e.version)}</td>
                            <td>{e.changed_by.name.clone()}</td>
                            <td>{when(e.changed_at)}</td>
                            <td>{ctx.edits.then(|| view! { <button type="button" class="restore" on:click=move |_| on_restore(body.clone())>{lang.pick("恢复此版本", "Restore")}</button> })}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table></div>
        })}
    }
}
