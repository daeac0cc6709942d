//! Intake keys (`/intake-keys`): the publishable keys of forms and QR codes — listed
//! without secrets; created with the secret shown this once, its QR code and hosted page;
//! revoked (a revoked key stays listed and submits nothing).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::intake::{IntakeKeyCreated, IntakeKeyInput, IntakePlacement};

use super::feedback::{self, Status};
use super::section::{Access, Ctx, Section};
use crate::api::Client;

pub const SECTION: Section = Section { key: "intake", zh: "线索入口", en: "Intake keys", access: Access::Admins, view: |ctx| view! { <Keys ctx=ctx /> }.into_any() };

/// A key as the list shows it: read field by field from the answer (`IntakeKeyView`
/// flattens its settings, a decoder this section does not need).
#[derive(Clone, Debug, PartialEq)]
struct Listed {
    id: String,
    label: String,
    revoked: bool,
    submissions: f64,
}

fn listed(value: &wasm_bindgen::JsValue) -> Vec<Listed> {
    let field = |v: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(v, &k.into()).unwrap_or_default();
    let items: js_sys::Array = field(value, "items").into();
    items
        .iter()
        .map(|k| Listed {
            id: field(&k, "id").as_string().unwrap_or_default(),
            label: field(&k, "label").as_string().unwrap_or_default(),
            revoked: !field(&k, "revoked_at").is_null() && !field(&k, "revoked_at").is_undefined(),
            submissions: field(&k, "submissions").as_f64().unwrap_or(0.0),
        })
        .collect()
}

#[component]
fn Keys(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let keys = RwSignal::new(Vec::<Listed>::new());
    let label = RwSignal::new(String::new());
    let to_pool = RwSignal::new(false);
    let created = RwSignal::new(None::<IntakeKeyCreated>);
    let status = RwSignal::new(Status::Quiet);
    let reload = move || {
        let c = Client::of(&ctx.attrs);
        spawn_local(async move {
            match c.get_js("/intake-keys").await {
                Ok(v) => keys.set(listed(&v)),
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    Effect::new(move |_| {
        if Client::of(&ctx.attrs).has_token() {
            reload();
        }
    });
    let create = move || {
        let body = IntakeKeyInput {
            label: label.get_untracked().trim().to_string(),
            placement: if to_pool.get_untracked() { IntakePlacement::Pool } else { IntakePlacement::Allocate },
            ..Default::default()
        };
        if body.label.is_empty() {
            return status.set(feedback::invalid(lang, vec![shared::field_error::FieldError::new("label", "required", lang.pick("请填写用途", "what the key is for"))]));
        }
        let c = Client::of(&ctx.attrs);
        status.set(Status::Busy);
        spawn_local(async move {
            match c.send::<IntakeKeyCreated>("POST", "/intake-keys", &body).await {
                Ok(k) => {
                    status.set(Status::Done(lang.pick("已创建：密钥只显示这一次", "Created: the secret is shown this once").into()));
                    created.set(Some(k));
                    label.set(String::new());
                    reload();
                }
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    let revoke = move |id: String| {
        let c = Client::of(&ctx.attrs);
        spawn_local(async move {
            match c.delete::<serde_json::Value>(&format!("/intake-keys/{}", crate::markup::encode(&id))).await {
                Ok(_) => {
                    status.set(Status::Done(lang.pick("已停用", "Revoked").into()));
                    reload();
                }
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    view! {
        <h2>{lang.pick("线索入口（表单与二维码）", "Intake keys (forms and QR codes)")}</h2>
        <form class="card" on:submit=move |ev| { ev.prevent_default(); create(); }>
            <label>{lang.pick("用途，如「官网表单」", "What it is for, e.g. \"website form\"")}<input name="label" prop:value=move || label.get() on:input=move |ev| label.set(event_target_value(&ev)) /></label>
            <label class="check"><input type="checkbox" name="to_pool" prop:checked=move || to_pool.get() on:change=move |ev| to_pool.set(event_target_checked(&ev)) />{lang.pick("进入公海（不自动分配）", "Into the pool (not allocated)")}</label>
            <div class="actions"><button type="submit" class="primary create-key">{lang.pick("创建", "Create")}</button></div>
        </form>
        {feedback::show(status)}
        {move || created.get().map(|k| view! {
            <div class="card created-key">
                <p>{lang.pick("密钥（只显示这一次）", "Secret (shown this once)")}</p>
                <p class="secret">{k.secret.clone()}</p>
                <p><a href=k.page_url.clone() target="_blank" rel="noopener">{lang.pick("打开托管表单页", "Open the hosted form")}</a></p>
                <img class="qr" src=k.qr_url.clone() alt=lang.pick("表单页二维码", "QR code of the form page") />
            </div>
        })}
        <div class="rows" tabindex="0"><table class="keys">
            <thead><tr><th scope="col">{lang.pick("用途", "Label")}</th><th scope="col" class="num">{lang.pick("提交数", "Submissions")}</th><th scope="col">{lang.pick("状态", "Status")}</th><th scope="col"><span class="sub">{lang.pick("操作", "Actions")}</span></th></tr></thead>
            <tbody>{move || keys.get().into_iter().map(|k| {
                let id = k.id.clone();
                view! { <tr data-key=k.id.clone()>
                    <td>{k.label.clone()}<br/><span class="sub">{k.id.clone()}</span></td>
                    <td class="num">{k.submissions}</td>
                    <td>{if k.revoked { lang.pick("已停用", "Revoked") } else { lang.pick("使用中", "Live") }}</td>
                    <td>{(!k.revoked).then(|| view! { <button type="button" class="revoke" on:click=move |_| revoke(id.clone())>{lang.pick("停用", "Revoke")}</button> })}</td>
                </tr> }
            }).collect_view()}</tbody>
        </table></div>
    }
}
