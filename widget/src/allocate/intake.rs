//! Intake mode: a form for a new customer that is allocated on submit.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{CustomerInput, CustomerView, NewCustomer, Placement, RepList};
use shared::settings::CustomerLists;
use shared::validate::check_customer;

use crate::api::{Client, Failure};
use crate::attrs::Attrs;
use crate::i18n::{t, Lang};

const DEFAULT_FIELDS: &str = "name,company,contact_name,phone,industry,region,amount";

#[component]
pub fn Intake(attrs: Attrs, lang: Lang) -> impl IntoView {
    let settings = RwSignal::new(None::<CustomerLists>);
    let values = RwSignal::new(std::collections::HashMap::<String, String>::new());
    let errors = RwSignal::new(std::collections::HashMap::<String, String>::new());
    let failure = RwSignal::new(None::<String>);
    let result = RwSignal::new(None::<(CustomerView, Vec<(String, String)>)>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        let c = Client::of(&attrs);
        // Hosts often set the token just after the element mounts: wait for it.
        if !c.has_token() {
            return;
        }
        spawn_local(async move {
            if let Err(f) = crate::api::load_settings(&c, settings).await {
                failure.set(Some(crate::notice::describe(lang, &attrs, &f)));
            }
        });
    });
    let fields = move || -> Vec<String> { attrs.get("fields").unwrap_or_else(|| DEFAULT_FIELDS.into()).split(',').map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect() };
    let value = move |k: &str| values.with(|v| v.get(k).cloned()).filter(|v| !v.trim().is_empty());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let Some(s) = settings.get_untracked() else { return };
        let amount = match value("amount").map(|a| shared::number::parse(&a)) {
            Some(Some(a)) => Some(a),
            Some(None) => {
                errors.set([("amount".to_string(), t(lang, "wrong_type"))].into());
                return;
            }
            None => None,
        };
        let input = CustomerInput {
            name: value("name").or_else(|| value("company")).unwrap_or_default(),
            company: value("company"),
            contact_name: value("contact_name"),
            phone: value("phone"),
            email: value("email"),
            wechat: value("wechat"),
            industry: value("industry"),
            region: value("region"),
            source: value("source"),
            amount,
            ..Default::default()
        };
        if let Err(problems) = check_customer(&input, &s) {
            errors.set(problems.into_iter().map(|e| (e.path, t(lang, &e.code))).collect());
            return;
        }
        errors.set(Default::default());
        busy.set(true);
        let client = Client::of(&attrs);
        spawn_local(async move {
            let created = client.send::<CustomerView>("POST", "/customers", &NewCustomer { fields: input, placement: Placement::Allocate }).await;
            // Names for the explanation; a rep may see only themselves, ids stand in then.
            let names = client.get::<RepList>("/reps").await.map(|l| l.items.into_iter().map(|r| (r.id, r.name)).collect()).unwrap_or_default();
            busy.set(false);
            match created {
                Ok(view) => {
                    attrs.emit("allot:customer-created", &crate::notice::to_js(&view));
                    values.set(Default::default());
                    result.set(Some((view, names)));
                }
                Err(Failure::Api { code, details: Some(d), .. }) if code == "invalid" => {
                    let fields = d["fields"].as_array().cloned().unwrap_or_default();
                    errors.set(fields.iter().map(|f| (f["path"].as_str().unwrap_or("").to_string(), t(lang, f["code"].as_str().unwrap_or("")))).collect());
                }
                Err(f) => failure.set(Some(crate::notice::describe(lang, &attrs, &f))),
            }
        });
    };

    let field = move |key: String| {
        let k = key.clone();
        let options: Option<Vec<(String, String)>> = settings.with_untracked(|s| {
            let s = s.as_ref()?;
            match key.as_str() {
                "industry" => Some(s.industries.iter().map(|c| (c.key.clone(), lang.pick(&c.zh, &c.en).to_string())).collect()),
                "region" => Some(s.territories.iter().map(|c| (c.key.clone(), lang.pick(&c.zh, &c.en).to_string())).collect()),
                _ => None,
            }
        });
        let k2 = k.clone();
        let k3 = k.clone();
        let control = match options {
            Some(opts) => view! {
                <select name=k.clone() on:change=move |ev| values.update(|v| { v.insert(k2.clone(), event_target_value(&ev)); })>
                    <option value="">"—"</option>
                    {opts.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            }
            .into_any(),
            None => {
                let kind = match k.as_str() {
                    "phone" => "tel",
                    "email" => "email",
                    "amount" => "number",
                    _ => "text",
                };
                let k4 = k.clone();
                view! {
                    <input name=k.clone() type=kind prop:value=move || values.with(|v| v.get(&k4).cloned().unwrap_or_default())
                        on:input=move |ev| values.update(|v| { v.insert(k2.clone(), event_target_value(&ev)); }) />
                }
                .into_any()
            }
        };
        view! {
            <label>{t(lang, &k)}{control}
                {move || errors.with(|e| e.get(&k3).cloned()).map(|m| view! { <span class="err">{m}</span> })}
            </label>
        }
    };

    view! {
        <form class="card" on:submit=submit novalidate>
            {move || settings.get().map(|_| fields().into_iter().map(field).collect_view())}
            {move || failure.get().map(|f| view! { <div class="msg err wide" role="alert">{f}</div> })}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get() || settings.with(Option::is_none)>
                    {lang.pick("提交并分配", "Submit and allocate")}
                </button>
            </div>
        </form>
        {move || result.get().map(|(view, names)| {
            let who = view.owner_name.clone().or_else(|| view.customer.owner.clone());
            match (who, view.allocation.clone()) {
                (Some(who), Some(a)) => view! {
                    <div class="msg ok assigned" role="status">
                        <strong>{format!("{} {} → {}", lang.pick("已分配", "Assigned"), view.customer.name, names.iter().find(|(i, _)| Some(i) == view.customer.owner.as_ref()).map_or(who.clone(), |(_, n)| n.clone()))}</strong>
                        <super::explanation::Explanation lang=lang assignment=a names=names.clone() />
                    </div>
                }.into_any(),
                _ => view! { <div class="msg ok" role="status">{lang.pick("已录入公海，等待分配", "Saved to the pool; no rep had room")}</div> }.into_any(),
            }
        })}
    }
}
