//! Import: choose or drop a file (CSV in UTF-8 or GBK, or XLSX), a dry run shown as a
//! table of the rows with errors or duplicates, the errors as a CSV file (built here, with
//! a BOM, from the report and the file's own rows), the import itself, the report after,
//! and a template. The server reads and checks the file (`shared::import`); this section
//! never validates a row itself.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::ImportReport;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::feedback::{self, Status};
use super::section::{Access, Ctx, Section};
use super::state;
use crate::api::Client;

pub const SECTION: Section = Section { key: "import", zh: "导入", en: "Import", access: Access::Managers, view: |ctx| view! { <Import ctx=ctx /> }.into_any() };

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The file's media type, by its name (browsers give a CSV several types, or none).
fn media_type(name: &str) -> &'static str {
    if name.to_ascii_lowercase().ends_with(".xlsx") {
        XLSX
    } else {
        "text/csv"
    }
}

/// A CSV file's text: UTF-8 when it decodes as UTF-8, else GB18030 (GBK's superset),
/// what Excel in China writes. The browser's decoders: the widget carries no tables.
async fn text_of(file: &web_sys::File) -> Option<String> {
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    let bytes = js_sys::Uint8Array::new(&buffer);
    let strict = web_sys::TextDecoderOptions::new();
    strict.set_fatal(true);
    let utf8 = web_sys::TextDecoder::new_with_label_and_options("utf-8", &strict).ok()?;
    if let Ok(text) = utf8.decode_with_buffer_source(&bytes) {
        return Some(text);
    }
    web_sys::TextDecoder::new_with_label("gb18030").ok()?.decode_with_buffer_source(&bytes).ok()
}

#[component]
fn Import(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let file = StoredValue::new_local(None::<web_sys::File>);
    let name = RwSignal::new(None::<String>);
    let records = StoredValue::new(Vec::<Vec<String>>::new());
    let report = RwSignal::new(None::<ImportReport>);
    let status = RwSignal::new(Status::Quiet);
    let to_pool = RwSignal::new(false);
    let over = RwSignal::new(false);

    let run = move |dry_run: bool| {
        let Some(f) = file.get_value() else { return };
        let c = Client::of(&ctx.attrs);
        let mut path = format!("/customers/import?dry_run={dry_run}");
        if to_pool.get_untracked() {
            path.push_str("&to_pool=true");
        }
        status.set(Status::Busy);
        if !dry_run {
            report.set(None);
        }
        spawn_local(async move {
            match c.upload::<ImportReport>(&path, &f, media_type(&f.name())).await {
                Ok(a) => {
                    attrs_emit(ctx, &a.detail());
                    let r = a.value;
                    let text = if r.dry_run {
                        format!(
                            "{} {} · {} {} · {} {} · {} {}",
                            lang.pick("试导入：共", "Dry run: rows"),
                            r.rows,
                            lang.pick("有效", "valid"),
                            r.valid,
                            lang.pick("错误", "errors"),
                            r.errors.len(),
                            lang.pick("重复", "duplicates"),
                            r.duplicates.len()
                        )
                    } else {
                        format!(
                            "{} {} · {} {} · {} {}",
                            lang.pick("已导入", "Imported"),
                            r.created,
                            lang.pick("重复跳过", "duplicates skipped"),
                            r.duplicates.len(),
                            lang.pick("按归属规则转入", "taken over"),
                            r.taken_over
                        )
                    };
                    status.set(Status::Done(text));
                    report.set(Some(r));
                }
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    let choose = move |f: web_sys::File| {
        name.set(Some(f.name()));
        report.set(None);
        status.set(Status::Quiet);
        records.set_value(Vec::new());
        let csv = media_type(&f.name()) != XLSX;
        file.set_value(Some(f.clone()));
        spawn_local(async move {
            if csv {
                if let Some(text) = text_of(&f).await {
                    records.set_value(state::records(&text));
                }
            }
        });
        run(true);
    };

    view! {
        <h2>{lang.pick("导入客户", "Import customers")}</h2>
        <p class="explain">{lang.pick("支持 CSV（UTF-8 或 GBK）与 XLSX；先试导入检查每一行，确认后再导入。", "CSV (UTF-8 or GBK) or XLSX: a dry run checks every row first, then import.")}</p>
        <div class="drop" class:over=move || over.get()
            on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                over.set(false);
                if let Some(f) = ev.data_transfer().and_then(|d| d.files()).and_then(|l| l.get(0)) { choose(f) }
            }>
            <label>{lang.pick("选择文件，或拖到这里", "Choose a file, or drop it here")}
                <input type="file" name="file" accept=".csv,.xlsx,text/csv" on:change=move |ev| {
                    let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
                    if let Some(f) = input.and_then(|i| i.files()).and_then(|l| l.get(0)) { choose(f) }
                } />
            </label>
            <p class="sub">{move || name.get().unwrap_or_default()}</p>
        </div>
        <div class="tools">
            {ctx.role.is_manager_or_admin().then(|| view! {
                <label class="check"><input type="checkbox" name="to_pool" prop:checked=move || to_pool.get() on:change=move |ev| to_pool.set(event_target_checked(&ev)) />{lang.pick("导入到公海", "Import into the pool")}</label>
            })}
            <button type="button" class="template-xlsx" on:click=move |_| template_xlsx(ctx)>{lang.pick("下载 Excel 模板", "Download the Excel template")}</button>
            <button type="button" class="template" on:click=move |_| template(ctx)>{lang.pick("下载 CSV 模板", "Download the CSV template")}</button>
        </div>
        {feedback::show(status)}
        {move || status.with(Status::busy).then(|| view! { <progress aria-label=lang.pick("处理中", "Working")></progress> })}
        {move || report.get().map(|r| {
            let rows = state::outcomes(&r);
            let bad = !r.errors.is_empty();
            let dry = r.dry_run;
            let for_csv = r.clone();
            view! {
                <div class="tools">
                    {bad.then(|| view! { <button type="button" class="errors-csv" on:click=move |_| crate::download::csv("import-errors.csv", &records.with_value(|rec| state::error_csv(&for_csv, rec, lang == crate::i18n::Lang::Zh)))>{lang.pick("下载错误行 CSV", "Download the errors (CSV)")}</button> })}
                    {(dry && r.valid > 0).then(|| view! { <button type="button" class="primary apply-import" disabled=move || status.with(Status::busy) on:click=move |_| run(false)>{format!("{} {}", lang.pick("导入有效行", "Import the valid rows:"), r.valid - r.duplicates.len().min(r.valid))}</button> })}
                </div>
                {(!rows.is_empty()).then(|| view! {
                    <div class="rows" tabindex="0"><table class="dry-run">
                        <thead><tr><th scope="col" class="num">{lang.pick("行", "Line")}</th><th scope="col">{lang.pick("问题", "Problem")}</th></tr></thead>
                        <tbody>{rows.into_iter().map(|row| {
                            let class = if row.errors.is_empty() { "dup" } else { "bad" };
                            view! {
                                <tr class=class data-line=row.line>
                                    <td class="num">{row.line}</td>
                                    <td>
                                        {row.errors.into_iter().map(|e| view! { <div><code>{e.path}</code>" "{e.message}</div> }).collect_view()}
                                        {row.duplicate.map(|(field, same)| view! { <div>{match same {
                                            Some(l) => format!("{} {field} {} {l}", lang.pick("重复", "Duplicate"), lang.pick("同第", "as line")),
                                            None => format!("{} {field}", lang.pick("已有客户，重复", "Already a customer: duplicate")),
                                        }}</div> })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}</tbody>
                    </table></div>
                })}
            }
        })}
    }
}

/// Tells the host what the import did (`allot:import`).
fn attrs_emit(ctx: Ctx, detail: &wasm_bindgen::JsValue) {
    ctx.attrs.emit("allot:import", detail);
}

/// The import template as a workbook: drop-downs for the tenant's lists, contact columns
/// kept as text (`shared::import::template_xlsx`, written by the server).
fn template_xlsx(ctx: Ctx) {
    let c = Client::of(&ctx.attrs);
    spawn_local(async move {
        match c.get_file("/customers/import/template?format=xlsx").await {
            Ok(blob) => crate::download::file("allot-import-template.xlsx", &blob),
            Err(f) => ctx.attrs.emit("allot:error", &crate::notice::to_js(&crate::notice::describe(ctx.lang, &ctx.attrs, &f))),
        }
    });
}

/// The import template: the headers the importer reads, as a file.
fn template(ctx: Ctx) {
    let c = Client::of(&ctx.attrs);
    spawn_local(async move {
        match c.get_text("/customers/import/template").await {
            // `Response.text()` drops the BOM the server wrote; Excel needs it back.
            Ok(text) => crate::download::csv("import-template.csv", &format!("\u{feff}{}", text.trim_start_matches('\u{feff}'))),
            Err(f) => ctx.attrs.emit("allot:error", &crate::notice::to_js(&crate::notice::describe(ctx.lang, &ctx.attrs, &f))),
        }
    });
}
