//! `<allot-bulk>`: the actions of the customer list's bulk bar — one action for every
//! customer picked (`POST /customers/bulk`) and what the API answered, done and skipped
//! with reasons (`shared::api::SkipReason`).
//!
//! Never on a page by itself: `<allot-customers>` draws what is picked at once
//! (`customers::selection`) and puts this element into its bar when a first row is
//! picked, asking the loader for its bundle then (a composed `allot:use` event). So the
//! list's own bundle, which phones load first, carries none of this code. The list tells
//! it what is picked through attributes: `count`, and `ids` (comma-separated) or `filter`
//! (the list's query, when every matching customer is picked); it hears
//! `allot:bulk-applied` and shows the list again.
//!
//! [`Bar`] is plain Rust, tested natively: the action being prepared, the request it
//! makes, the markup and the answer's summary. The markup is escaped text in one
//! `inner_html` slot with delegated listeners: views per control would cost more code.
//! Which actions a role is offered is `shared::bulk::permitted`, the rule the API enforces.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{BulkAction, BulkRequest, SkipReason, RELEASE_REASONS};
use shared::ids::Role;
use wasm_bindgen::JsCast;

use crate::api::Client;
use crate::attrs::Attrs;
use crate::i18n::{t, Lang};
use crate::markup::escape;
use crate::notice::describe;

/// The action being prepared and the last answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bar {
    pub action: Option<BulkAction>,
    /// A delete waits for a second tap.
    armed: bool,
    pub busy: bool,
    /// The summary of the last answer, and whether it was a preview to apply.
    pub outcome: Option<(String, bool)>,
    pub failure: Option<String>,
    /// Reps a customer may be given to (id, name), once the directory is read.
    pub reps: Vec<(String, String)>,
}

/// The fields of the bar, as typed when the action is sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    pub to: String,
    pub reason: String,
    pub note: String,
    pub tag: String,
    pub strategy: String,
}

/// Whom the action takes: the picked ids, or every customer matching the list's filter
/// (its query pairs).
#[derive(Clone, Debug, PartialEq)]
pub enum Picked {
    Ids(Vec<String>),
    Filter(Vec<(String, String)>),
}

impl Picked {
    /// From the element's attributes: `filter` (a query string) when present, else `ids`.
    pub fn of(ids: Option<String>, filter: Option<String>) -> Picked {
        match filter {
            Some(query) => Picked::Filter(
                query.split('&').filter_map(|pair| pair.split_once('=')).map(|(k, v)| (k.to_string(), js_sys::decode_uri_component(v).ok().and_then(|v| v.as_string()).unwrap_or_default())).collect(),
            ),
            None => Picked::Ids(ids.unwrap_or_default().split(',').filter(|id| !id.is_empty()).map(String::from).collect()),
        }
    }
}

impl Bar {
    /// What is picked changed: a delete must be confirmed again; nothing picked puts the
    /// action away, and a new selection forgets the last answer.
    pub fn picked(&mut self, before: usize, now: usize) {
        self.armed = false;
        if now == 0 {
            self.action = None;
        } else if before == 0 {
            self.outcome = None;
            self.failure = None;
        }
    }

    /// Chooses the action; a delete must be confirmed again.
    pub fn choose(&mut self, action: &str) {
        self.action = BulkAction::ALL.into_iter().find(|a| a.as_str() == action);
        self.armed = false;
        self.outcome = None;
    }

    /// A tap on "go": a delete arms first and goes on the second tap. Answers whether
    /// to send.
    pub fn go(&mut self, count: usize) -> bool {
        if self.action == Some(BulkAction::Delete) && !self.armed {
            self.armed = true;
            return false;
        }
        self.armed = false;
        self.action.is_some() && count > 0
    }

    /// The request for the chosen action over what is picked. `apply` applies a
    /// distribution (else a preview).
    pub fn request(&self, picked: Picked, fields: &Fields, apply: bool) -> BulkRequest {
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let action = self.action;
        let reads = |a: &[BulkAction]| action.is_some_and(|x| a.contains(&x));
        let mut request = BulkRequest { action, ..Default::default() };
        match picked {
            Picked::Filter(pairs) => request.filter = Some(pairs.into_iter().collect()),
            Picked::Ids(ids) => request.ids = Some(ids),
        }
        if reads(&[BulkAction::Assign, BulkAction::Transfer]) {
            request.to = text(&fields.to);
        }
        if reads(&[BulkAction::Release]) {
            request.reason_code = text(&fields.reason);
        }
        if reads(&[BulkAction::Release, BulkAction::Assign, BulkAction::Transfer]) {
            request.note = text(&fields.note);
        }
        if reads(&[BulkAction::Tag]) {
            request.tag = text(&fields.tag);
        }
        if reads(&[BulkAction::Distribute]) {
            request.strategy = shared::allocation::Strategy::parse(&fields.strategy);
            request.apply = apply;
        }
        request
    }

    /// The markup: with `count` customers picked, the actions `role` may take with their
    /// fields; and the last answer.
    pub fn html(&self, lang: Lang, role: Option<Role>, count: usize) -> String {
        let tr = |k: &str| t(lang, k);
        let mut html = String::new();
        if count > 0 {
            let busy = if self.busy { " disabled" } else { "" };
            html.push_str(&format!(r#"<select data-bulk="action" aria-label="{}"{busy}><option value="">{}…</option>"#, tr("bulk"), tr("bulk")));
            for action in BulkAction::ALL.into_iter().filter(|a| role.is_some_and(|r| shared::bulk::permitted(*a, r))) {
                let selected = if self.action == Some(action) { " selected" } else { "" };
                html.push_str(&format!(r#"<option value="{}"{selected}>{}</option>"#, action.as_str(), tr(action.as_str())));
            }
            html.push_str("</select>");
            html.push_str(&self.fields(lang));
            if let Some(action) = self.action {
                let go = match action {
                    BulkAction::Distribute => tr("preview"),
                    BulkAction::Delete if self.armed => tr("confirm_delete").replace("{n}", &count.to_string()),
                    _ => tr("apply"),
                };
                html.push_str(&format!(r#"<button type="button" class="primary" data-bulk="go"{busy}>{go}</button>"#));
            }
        }
        if let Some((summary, preview)) = &self.outcome {
            html.push_str(&format!(r#"<div class="msg ok" role="status">{}</div>"#, escape(summary)));
            if *preview {
                html.push_str(&format!(r#"<button type="button" class="primary" data-bulk="apply">{}</button>"#, tr("apply")));
            }
        }
        if let Some(f) = &self.failure {
            html.push_str(&format!(r#"<div class="msg err" role="alert">{}</div>"#, escape(f)));
        }
        html
    }

    /// The chosen action's own fields.
    fn fields(&self, lang: Lang) -> String {
        let tr = |k: &str| t(lang, k);
        let input = |key: &str, label: &str| format!(r#"<input data-bulk="{key}" aria-label="{label}" placeholder="{label}">"#);
        match self.action {
            Some(BulkAction::Assign | BulkAction::Transfer) => {
                let mut html = format!(r#"<select data-bulk="to" aria-label="{}">"#, tr("owner"));
                for (id, name) in &self.reps {
                    html.push_str(&format!(r#"<option value="{}">{}</option>"#, escape(id), escape(name)));
                }
                html + "</select>"
            }
            Some(BulkAction::Release) => {
                let mut html = format!(r#"<select data-bulk="reason" aria-label="{}">"#, tr("reason"));
                for code in RELEASE_REASONS {
                    html.push_str(&format!(r#"<option value="{code}">{}</option>"#, crate::labels::release_reason_label(lang, code).unwrap_or(code)));
                }
                html + "</select>" + &input("note", &tr("note"))
            }
            Some(BulkAction::Tag) => input("tag", &tr("tag")),
            Some(BulkAction::Distribute) => {
                let mut html = format!(r#"<select data-bulk="strategy" aria-label="{}">"#, tr("strategy"));
                for s in shared::allocation::Strategy::ALL {
                    html.push_str(&format!(r#"<option value="{}">{}</option>"#, s.as_str(), crate::labels::strategy_label(lang, s)));
                }
                html + "</select>"
            }
            _ => String::new(),
        }
    }
}

/// What a bulk answer (`shared::api::BulkResult`) says, as the bar reads it: the answer
/// is read field by field from JavaScript, which costs less code than decoding it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answered {
    pub applied: bool,
    pub done: usize,
    pub skipped: Vec<SkipReason>,
    /// A distribution's customers per rep.
    pub shares: Vec<(String, u32)>,
}

/// A `BulkResult` answer, read as JavaScript.
pub fn read(answer: &wasm_bindgen::JsValue) -> Answered {
    let field = |v: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(v, &k.into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
    let list = |v: &wasm_bindgen::JsValue, k: &str| field(v, k).dyn_into::<js_sys::Array>().unwrap_or_default();
    Answered {
        applied: field(answer, "applied").as_bool() == Some(true),
        done: list(answer, "done").length() as usize,
        skipped: list(answer, "skipped").iter().filter_map(|s| SkipReason::parse(&field(&s, "reason").as_string()?)).collect(),
        shares: list(answer, "distribution").iter().filter_map(|s| Some((field(&s, "rep").as_string()?, field(&s, "customers").as_f64()? as u32))).collect(),
    }
}

/// What an answer says, for people: how many were done (or would be) and how many were
/// skipped, by reason; a distribution's customers per rep (`name` gives a rep's name).
pub fn summary(lang: Lang, answer: &Answered, name: impl Fn(&str) -> String) -> String {
    let key = if answer.applied { "done" } else { "would_do" };
    let mut text = t(lang, key).replace("{n}", &answer.done.to_string());
    for (rep, n) in &answer.shares {
        text.push_str(&format!(" · {} {n}", name(rep)));
    }
    if !answer.skipped.is_empty() {
        text.push_str(&format!(" · {}", t(lang, "skipped").replace("{n}", &answer.skipped.len().to_string())));
        let mut counts: Vec<(SkipReason, usize)> = Vec::new();
        for reason in &answer.skipped {
            match counts.iter_mut().find(|(r, _)| r == reason) {
                Some((_, n)) => *n += 1,
                None => counts.push((*reason, 1)),
            }
        }
        let reasons: Vec<String> = counts.into_iter().map(|(r, n)| format!("{} {n}", lang.pick(r.label().0, r.label().1))).collect();
        text.push_str(&format!("：{}", reasons.join("，")));
    }
    text
}

#[component]
pub fn Bulk(attrs: Attrs) -> impl IntoView {
    let lang = Memo::new(move |_| Lang::resolve(attrs.get("lang")));
    let count = Memo::new(move |_| attrs.get("count").and_then(|n| n.parse::<usize>().ok()).unwrap_or(0));
    let bar = RwSignal::new(Bar::default());
    // A new selection (any change of what is picked) disarms a delete, and so on.
    Effect::new(move |before: Option<usize>| {
        let _ = (attrs.get("ids"), attrs.get("filter"));
        let now = count.get();
        bar.update(|b| b.picked(before.unwrap_or(0), now));
        now
    });

    // One listener for the bar's taps and choices (`Bar` decides).
    let on_event = move |ev: &web_sys::Event| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Some(what) = target.get_attribute("data-bulk") else { return };
        let lang = lang.get_untracked();
        let c = Client::of(&attrs);
        match (ev.type_().as_str(), what.as_str()) {
            ("change", "action") => {
                let action = target.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
                bar.update(|b| b.choose(&action));
                if bar.with_untracked(|b| b.reps.is_empty()) && ["assign", "transfer", "distribute"].contains(&action.as_str()) {
                    spawn_local(async move {
                        if let Ok(list) = c.get_js("/users").await {
                            bar.update(|b| b.reps = crate::customers::collaborators::reps(&list));
                        }
                    });
                }
            }
            ("click", "go" | "apply") => {
                if what == "go" && !bar.try_update(|b| b.go(count.get_untracked())).unwrap_or(false) {
                    return;
                }
                let slot = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                let value = |key: &str| -> String {
                    let Some(field) = slot.as_ref().and_then(|s| s.query_selector(&format!("[data-bulk={key}]")).ok().flatten()) else { return String::new() };
                    field.dyn_ref::<web_sys::HtmlInputElement>().map(|i| i.value()).or_else(|| field.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value())).unwrap_or_default()
                };
                let fields = Fields { to: value("to"), reason: value("reason"), note: value("note"), tag: value("tag"), strategy: value("strategy") };
                let picked = Picked::of(attrs.get_untracked("ids"), attrs.get_untracked("filter"));
                let request = bar.with_untracked(|b| b.request(picked, &fields, what == "apply"));
                bar.update(|b| {
                    b.busy = true;
                    b.failure = None;
                });
                spawn_local(async move {
                    match c.send_js("POST", "/customers/bulk", &request).await {
                        Ok(answer) => {
                            let read = read(&answer);
                            let names = bar.with_untracked(|b| b.reps.clone());
                            let name = |id: &str| names.iter().find(|(r, _)| r == id).map_or_else(|| id.to_string(), |(_, n)| n.clone());
                            let summary = summary(lang, &read, name);
                            bar.update(|b| {
                                b.busy = false;
                                b.outcome = Some((summary, !read.applied));
                            });
                            // The list hears it too (the event is composed) and shows
                            // itself again.
                            if read.applied {
                                attrs.emit("allot:bulk-applied", &answer);
                            }
                        }
                        Err(f) => bar.update(|b| {
                            b.busy = false;
                            b.failure = Some(describe(lang, &attrs, &f));
                        }),
                    }
                });
            }
            _ => {}
        }
    };

    view! {
        <div class="acts" inner_html=move || bar.with(|b| b.html(lang.get(), attrs.get("token").and_then(|t| shared::claims::unverified_role(&t)), count.get()))
            on:click=move |ev| on_event(&ev) on:change=move |ev| on_event(&ev)></div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picked(ids: &[&str]) -> Picked {
        Picked::Ids(ids.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn a_role_is_offered_what_the_api_lets_it_do() {
        let b = Bar::default();
        let rep = b.html(Lang::En, Some(Role::Rep), 1);
        assert!(rep.contains(r#"value="release""#) && rep.contains(r#"value="tag""#));
        assert!(!rep.contains(r#"value="delete""#) && !rep.contains(r#"value="transfer""#));
        let manager = b.html(Lang::En, Some(Role::Manager), 1);
        for action in BulkAction::ALL {
            assert!(manager.contains(&format!(r#"value="{}""#, action.as_str())), "{action:?}");
        }
        assert!(!b.html(Lang::En, Some(Role::Admin), 0).contains("<select"), "nothing picked, no actions");
    }

    #[test]
    fn a_delete_is_confirmed_and_each_action_sends_its_own_fields() {
        let mut b = Bar::default();
        b.choose("delete");
        assert!(!b.go(1), "first tap arms");
        assert!(b.html(Lang::En, Some(Role::Admin), 1).contains("Delete 1 customers"));
        b.picked(1, 2);
        assert!(!b.go(2), "a changed selection disarms");
        assert!(b.go(2));
        b.choose("release");
        let fields = Fields { reason: "no_budget".into(), note: " 冻结 ".into(), tag: "t".into(), ..Fields::default() };
        let req = b.request(picked(&["a"]), &fields, false);
        assert!(shared::bulk::check(&req).is_ok());
        assert_eq!((req.ids, req.reason_code.as_deref(), req.note.as_deref(), req.tag), (Some(vec!["a".to_string()]), Some("no_budget"), Some("冻结"), None));
        b.choose("distribute");
        let req = b.request(picked(&["a"]), &Fields { strategy: "least_loaded".into(), ..Fields::default() }, true);
        assert_eq!((req.strategy, req.apply), (Some(shared::allocation::Strategy::LeastLoaded), true));
        assert!(shared::bulk::check(&req).is_ok());
    }

    #[test]
    fn every_matching_customer_is_sent_as_the_filter() {
        let mut b = Bar::default();
        b.choose("tag");
        let filter = vec![("owner".to_string(), "me".to_string()), ("q".to_string(), "展会".to_string())];
        let req = b.request(Picked::Filter(filter.clone()), &Fields { tag: " 展会 ".into(), to: "ignored".into(), ..Fields::default() }, false);
        assert_eq!((req.ids, req.filter.map(|f| f.into_iter().collect::<Vec<_>>()), req.tag, req.to), (None, Some(filter), Some("展会".into()), None));
    }

    #[test]
    fn an_answer_stays_until_a_new_selection_or_action() {
        let mut b = Bar { outcome: Some(("Done: 2".into(), false)), ..Bar::default() };
        b.choose("tag");
        b.outcome = Some(("Done: 2".into(), false));
        b.picked(2, 0);
        assert_eq!((b.action, b.outcome.is_some()), (None, true), "the list showed again after the action: its answer stays");
        b.picked(0, 3);
        assert!(b.outcome.is_none());
    }

    #[test]
    fn an_answer_reads_as_done_and_skipped_by_reason() {
        let answer = Answered { applied: true, done: 2, skipped: vec![SkipReason::NotOwned, SkipReason::NotInScope, SkipReason::NotOwned], shares: Vec::new() };
        assert_eq!(summary(Lang::En, &answer, str::to_string), "Done: 2 · skipped 3：not yours 2，outside your scope 1");
        let preview = Answered { applied: false, done: 2, skipped: Vec::new(), shares: vec![("r1".into(), 2)] };
        assert_eq!(summary(Lang::Zh, &preview, |_| "王芳".into()), "将处理 2 个 · 王芳 2");
    }
}
