//! Intake with a publishable key (`<allot-allocate mode="intake" key="ik_…">`): the form a
//! page without a backend embeds (`shared::intake`). It holds no token and reads nothing:
//! it asks for the fields the host names (or the key's defaults), sends them once with an
//! Idempotency-Key that stays the same until a submission is received — a double tap or
//! a retry on a flaky phone network creates one customer — and says it was received.
//! A honeypot field people never see, and the time the form took, keep naive bots out;
//! the server's budgets per key and per address do the rest.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::intake::{IntakeReceipt, IntakeSubmission, DEFAULT_FIELDS, FIELDS};

use crate::api::{Client, Failure};
use crate::attrs::Attrs;
use crate::i18n::{t, Lang};

fn label(lang: Lang, field: &str) -> String {
    match field {
        "name" => lang.pick("您的姓名", "Your name").into(),
        "company" => lang.pick("公司名称", "Company").into(),
        "city" => lang.pick("所在城市", "City").into(),
        "message" => lang.pick("需求留言", "How can we help?").into(),
        other => t(lang, other),
    }
}

/// A key for one form fill: `crypto.randomUUID()` (another visitor's key can never be
/// guessed and its receipt read), the time and `Math.random` where it is missing.
fn fresh_idempotency_key() -> String {
    let uuid = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).ok().and_then(|crypto| {
        let f = js_sys::Reflect::get(&crypto, &"randomUUID".into()).ok()?;
        let f: &js_sys::Function = wasm_bindgen::JsCast::dyn_ref(&f)?;
        f.call0(&crypto).ok()?.as_string()
    });
    uuid.unwrap_or_else(|| format!("{:x}-{:x}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e15) as u64))
}

#[component]
pub fn KeyedIntake(attrs: Attrs, lang: Lang) -> impl IntoView {
    let values = RwSignal::new(std::collections::HashMap::<String, String>::new());
    let errors = RwSignal::new(std::collections::HashMap::<String, String>::new());
    let failure = RwSignal::new(None::<String>);
    let receipt = RwSignal::new(None::<IntakeReceipt>);
    let busy = RwSignal::new(false);
    let shown_at = js_sys::Date::now();
    let idempotency = StoredValue::new(fresh_idempotency_key());
    let fields = move || -> Vec<&'static str> {
        let asked = attrs.get("fields");
        let named: Vec<&'static str> = match &asked {
            Some(list) => FIELDS.iter().copied().filter(|f| list.split(',').any(|g| g.trim() == *f)).collect(),
            None => Vec::new(),
        };
        if named.is_empty() {
            DEFAULT_FIELDS.to_vec()
        } else {
            named
        }
    };
    let value = move |k: &str| values.with_untracked(|v| v.get(k).cloned()).filter(|v| !v.trim().is_empty());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        errors.set(Default::default());
        let body = IntakeSubmission {
            name: value("name"),
            company: value("company"),
            contact_name: value("contact_name"),
            phone: value("phone"),
            email: value("email"),
            wechat: value("wechat"),
            city: value("city"),
            message: value("message"),
            website: value("website"),
            elapsed_ms: (js_sys::Date::now() - shown_at).max(0.0) as u64,
        };
        busy.set(true);
        let client = Client::of(&attrs).with_token(attrs.get("key")).with_idempotency(idempotency.get_value());
        spawn_local(async move {
            let sent = client.send_answer::<IntakeReceipt>("POST", "/intake", &body).await;
            busy.set(false);
            match sent {
                Ok(answer) => {
                    attrs.emit("allot:intake-submitted", &answer.detail());
                    values.set(Default::default());
                    idempotency.set_value(fresh_idempotency_key());
                    receipt.set(Some(answer.value));
                }
                Err(Failure::Api { code, details: Some(d), .. }) if code == "invalid" => {
                    let fields = d["fields"].as_array().cloned().unwrap_or_default();
                    errors.set(
                        fields
                            .iter()
                            .map(|f| (f["path"].as_str().unwrap_or("").to_string(), f["message"].as_str().map(String::from).unwrap_or_else(|| t(lang, f["code"].as_str().unwrap_or("")))))
                            .collect(),
                    );
                }
                Err(Failure::Api { code, .. }) if code == "too_fast" => failure.set(Some(lang.pick("提交太快了，请检查后再提交一次", "That was very quick — please check and send again").into())),
                Err(Failure::Unauthorized) => failure.set(Some(lang.pick("此表单已失效，请联系我们的工作人员", "This form is no longer available — please contact us directly").into())),
                Err(f) => failure.set(Some(crate::notice::describe(lang, &attrs, &f))),
            }
        });
    };

    let field = move |key: &'static str| {
        let control = if key == "message" {
            view! {
                <textarea name=key rows="4" maxlength="2000" prop:value=move || values.with(|v| v.get(key).cloned().unwrap_or_default())
                    on:input=move |ev| values.update(|v| { v.insert(key.to_string(), event_target_value(&ev)); })></textarea>
            }
            .into_any()
        } else {
            let (kind, auto) = match key {
                "phone" => ("tel", "tel"),
                "email" => ("email", "email"),
                "name" | "contact_name" => ("text", "name"),
                "company" => ("text", "organization"),
                "city" => ("text", "address-level2"),
                _ => ("text", "off"),
            };
            view! {
                <input name=key type=kind autocomplete=auto maxlength="200" prop:value=move || values.with(|v| v.get(key).cloned().unwrap_or_default())
                    on:input=move |ev| values.update(|v| { v.insert(key.to_string(), event_target_value(&ev)); }) />
            }
            .into_any()
        };
        view! {
            <label>{label(lang, key)}{control}
                {move || errors.with(|e| e.get(key).cloned()).map(|m| view! { <span class="err">{m}</span> })}
            </label>
        }
    };

    view! {
        {move || match receipt.get() {
            Some(r) => view! {
                <div class="msg ok received" role="status">
                    <strong>{lang.pick("已收到，我们会尽快与您联系。", "Received — we will be in touch shortly.")}</strong>
                    {r.contact.map(|c| view! { <p>{lang.pick("负责您的顾问：", "Your contact: ")}{c}</p> })}
                    <button type="button" on:click=move |_| receipt.set(None)>{lang.pick("再提交一条", "Send another")}</button>
                </div>
            }.into_any(),
            None => view! {
                <form class="card intake" on:submit=submit novalidate>
                    {fields().into_iter().map(field).collect_view()}
                    // The honeypot: off-screen and out of the tab order; people never fill it.
                    <label class="hp" aria-hidden="true">"Website"
                        <input name="website" type="text" tabindex="-1" autocomplete="off"
                            on:input=move |ev| values.update(|v| { v.insert("website".into(), event_target_value(&ev)); }) />
                    </label>
                    {move || failure.get().map(|f| view! { <div class="msg err wide" role="alert">{f}</div> })}
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || busy.get()>
                            {move || if busy.get() { lang.pick("提交中…", "Sending…") } else { lang.pick("提交", "Send") }}
                        </button>
                    </div>
                </form>
            }.into_any(),
        }}
    }
}
