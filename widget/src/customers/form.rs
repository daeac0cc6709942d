//! The add/edit form. Validation is `shared::validate::check_customer`, the very code the
//! edge runs, so what the form accepts the API accepts.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{CustomerInput, CustomerPatch, CustomerView};
use shared::customer::{Intent, Tier};
use shared::settings::CustomerLists;
use shared::validate::check_customer;

use crate::api::{Client, Failure};
use crate::attrs::Attrs;
use crate::i18n::{t, Lang};

/// What a submitted form did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Created,
    Updated,
    /// The customer existed and the tenant's ownership rule (客户归属规则) gave it to the user.
    TakenOver,
}

impl Saved {
    /// The notice text key and the event hosts hear.
    pub fn notice_and_event(self) -> (&'static str, &'static str) {
        match self {
            Saved::Created => ("created", "allot:customer-created"),
            Saved::Updated => ("saved", "allot:customer-updated"),
            Saved::TakenOver => ("taken_over", "allot:customer-taken-over"),
        }
    }
}

fn text(value: String) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

#[component]
pub fn CustomerForm(
    attrs: Attrs,
    lang: Lang,
    settings: CustomerLists,
    initial: Option<CustomerView>,
    /// The saved customer, what saving did, and the answer as the detail of the event.
    on_saved: Callback<(CustomerView, Saved, wasm_bindgen::JsValue)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let c = initial.as_ref().map(|v| v.customer.clone());
    let field = |get: &dyn Fn(&shared::customer::Customer) -> Option<String>| RwSignal::new(c.as_ref().and_then(get).unwrap_or_default());
    let name = field(&|c| Some(c.name.clone()));
    let company = field(&|c| c.company.clone());
    let contact_name = field(&|c| c.contact_name.clone());
    let phone = field(&|c| c.phone.clone());
    let email = field(&|c| c.email.clone());
    let industry = field(&|c| c.industry.clone());
    let region = field(&|c| c.region.clone());
    let stage = field(&|c| Some(c.stage.clone()));
    let tier = field(&|c| c.tier.map(|t| t.as_str().to_string()));
    let intent = field(&|c| c.intent.map(|i| i.as_str().to_string()));
    let amount = field(&|c| c.amount.map(shared::number::format));
    let errors = RwSignal::new(HashMap::<String, String>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let settings = StoredValue::new(settings);
    let existing = StoredValue::new(initial);

    let input = move || -> Result<CustomerInput, String> {
        let amount_text = amount.get_untracked();
        let amount_value = match text(amount_text) {
            None => None,
            Some(a) => Some(shared::number::parse(&a).ok_or_else(|| "amount".to_string())?),
        };
        Ok(CustomerInput {
            name: name.get_untracked(),
            company: text(company.get_untracked()),
            contact_name: text(contact_name.get_untracked()),
            phone: text(phone.get_untracked()),
            email: text(email.get_untracked()),
            industry: text(industry.get_untracked()),
            region: text(region.get_untracked()),
            stage: text(stage.get_untracked()),
            tier: Tier::ALL.into_iter().find(|t| t.as_str() == tier.get_untracked()),
            intent: Intent::ALL.into_iter().find(|i| i.as_str() == intent.get_untracked()),
            amount: amount_value,
            ..Default::default()
        })
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let candidate = match input() {
            Ok(i) => i,
            Err(path) => {
                errors.set(HashMap::from([(path, t(lang, "wrong_type"))]));
                return;
            }
        };
        // The same check the edge runs: instant feedback, no round trip.
        if let Err(problems) = settings.with_value(|s| check_customer(&candidate, s)) {
            errors.set(problems.into_iter().map(|e| (e.path, t(lang, &e.code))).collect());
            return;
        }
        errors.set(HashMap::new());
        busy.set(true);
        let client = Client::of(&attrs);
        let before = existing.get_value();
        spawn_local(async move {
            let result = match &before {
                // 201: created; 200: an existing customer the tenant's ownership rule gave
                // to this user.
                None => client.send_answer::<CustomerView>("POST", "/customers", &candidate).await.map(|answer| {
                    let outcome = if answer.status == 201 { Saved::Created } else { Saved::TakenOver };
                    (answer, outcome)
                }),
                Some(view) => {
                    let patch = CustomerPatch {
                        version: view.customer.version,
                        name: Some(candidate.name.clone()),
                        company: Some(candidate.company.clone()),
                        contact_name: Some(candidate.contact_name.clone()),
                        phone: Some(candidate.phone.clone()),
                        email: Some(candidate.email.clone()),
                        industry: Some(candidate.industry.clone()),
                        region: Some(candidate.region.clone()),
                        amount: Some(candidate.amount),
                        stage: candidate.stage.clone(),
                        tier: Some(candidate.tier),
                        intent: Some(candidate.intent),
                        ..Default::default()
                    };
                    client.send_answer::<CustomerView>("PATCH", &format!("/customers/{}", view.customer.id), &patch).await.map(|a| (a, Saved::Updated))
                }
            };
            busy.set(false);
            match result {
                Ok((answer, saved)) => {
                    let detail = answer.detail();
                    on_saved.run((answer.value, saved, detail))
                }
                Err(Failure::Api { code, details: Some(d), .. }) if code == "invalid" => {
                    let fields = d["fields"].as_array().cloned().unwrap_or_default();
                    errors.set(fields.iter().map(|f| (f["path"].as_str().unwrap_or("").to_string(), t(lang, f["code"].as_str().unwrap_or("")))).collect());
                }
                Err(f) => failure.set(Some(crate::notice::describe(lang, &attrs, &f))),
            }
        });
    };

    let err = move |path: &'static str| move || errors.with(|e| e.get(path).cloned()).map(|m| view! { <span class="err">{m}</span> });
    let text_field = move |key: &'static str, kind: &'static str, signal: RwSignal<String>| {
        view! {
            <label>{t(lang, key)}
                <input type=kind name=key prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev))
                    aria-invalid=move || errors.with(|e| e.contains_key(key)).to_string() />
                {err(key)}
            </label>
        }
    };
    let choice_field = move |key: &'static str, signal: RwSignal<String>, options: Vec<(String, String)>| {
        view! {
            <label>{t(lang, key)}
                <select name=key on:change=move |ev| signal.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    {options.into_iter().map(|(value, text)| {
                        let selected = signal.get_untracked() == value;
                        view! { <option value=value.clone() selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
                {err(key)}
            </label>
        }
    };
    let (industries, territories, stages) = settings.with_value(|s| {
        (
            s.industries.iter().map(|c| (c.key.clone(), lang.pick(&c.zh, &c.en).to_string())).collect::<Vec<_>>(),
            s.territories.iter().map(|c| (c.key.clone(), lang.pick(&c.zh, &c.en).to_string())).collect::<Vec<_>>(),
            s.stages.iter().map(|c| (c.key.clone(), lang.pick(&c.zh, &c.en).to_string())).collect::<Vec<_>>(),
        )
    });
    let tiers = Tier::ALL.iter().map(|v| (v.as_str().to_string(), t(lang, v.as_str()))).collect();
    let intents = Intent::ALL.iter().map(|v| (v.as_str().to_string(), t(lang, v.as_str()))).collect();

    view! {
        <form class="card" on:submit=submit novalidate>
            {text_field("name", "text", name)}
            {text_field("company", "text", company)}
            {text_field("contact_name", "text", contact_name)}
            {text_field("phone", "tel", phone)}
            {text_field("email", "email", email)}
            {choice_field("industry", industry, industries)}
            {choice_field("region", region, territories)}
            {choice_field("stage", stage, stages)}
            {choice_field("tier", tier, tiers)}
            {choice_field("intent", intent, intents)}
            {text_field("amount", "number", amount)}
            {move || failure.get().map(|f| view! { <div class="msg err wide" role="alert">{f}</div> })}
            <div class="actions">
                <button type="button" on:click=move |_| on_cancel.run(())>{t(lang, "cancel")}</button>
                <button type="submit" class="primary" disabled=move || busy.get()>{t(lang, "save")}</button>
            </div>
        </form>
    }
}
