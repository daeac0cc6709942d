//! Bulk work in the list: customers picked row by row (or a whole page, or every customer
//! matching the filter), one action for all of them (`POST /customers/bulk`), and what
//! the API answered — done, and skipped with reasons (`shared::api::SkipReason`).
//!
//! [`Bulk`] is plain Rust, tested natively: what is picked, the request it makes, the
//! bar's markup and the answer's summary. The bar is escaped markup in one `inner_html`
//! slot with delegated listeners, as the collaborators panel is: views per control would
//! cost the element more than its size budget has left. Which actions a role is offered
//! is `shared::bulk::permitted`, the rule the API enforces.

use shared::api::{BulkAction, BulkRequest, SkipReason, MAX_SELECTION, RELEASE_REASONS};
use shared::ids::Role;

use crate::i18n::{t, Lang};
use crate::markup::escape;

/// What is picked, the action being prepared, and the last answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bulk {
    picked: Vec<String>,
    /// The ids the list shows now (the header checkbox picks these).
    page: Vec<String>,
    /// How many customers match the filter, once asked (`GET /customers/count`).
    pub matching: Option<u32>,
    /// Every customer matching the filter is picked, not only those listed.
    all: bool,
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

impl Bulk {
    /// A new list is shown: a new filter picks nothing yet.
    pub fn show(&mut self, page: Vec<String>, fresh: bool) {
        if fresh {
            self.picked.clear();
            self.all = false;
            self.matching = None;
            self.armed = false;
        }
        self.page = page;
    }

    pub fn is_picked(&self, id: &str) -> bool {
        self.all || self.picked.iter().any(|p| p == id)
    }

    pub fn toggle(&mut self, id: &str) {
        self.all = false;
        self.armed = false;
        match self.picked.iter().position(|p| p == id) {
            Some(i) => {
                self.picked.remove(i);
            }
            None => self.picked.push(id.to_string()),
        }
    }

    fn page_picked(&self) -> bool {
        !self.page.is_empty() && self.page.iter().all(|id| self.is_picked(id))
    }

    /// The header checkbox: the whole page, or none of it. Answers whether the page is
    /// now picked (then the list asks how many match, for "select all N").
    pub fn toggle_page(&mut self) -> bool {
        let on = !self.page_picked();
        self.all = false;
        self.armed = false;
        self.picked.retain(|id| !self.page.contains(id));
        if on {
            self.picked.extend(self.page.iter().cloned());
        }
        on
    }

    /// "Select all N matching": only when one action can take them all.
    pub fn pick_all(&mut self) {
        if self.matching.is_some_and(|n| n as usize <= MAX_SELECTION) {
            self.all = true;
        }
    }

    pub fn clear(&mut self) {
        let page = std::mem::take(&mut self.page);
        self.show(page, true);
        self.outcome = None;
        self.failure = None;
        self.action = None;
    }

    pub fn count(&self) -> usize {
        if self.all {
            self.matching.unwrap_or(0) as usize
        } else {
            self.picked.len()
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
    pub fn go(&mut self) -> bool {
        if self.action == Some(BulkAction::Delete) && !self.armed {
            self.armed = true;
            return false;
        }
        self.armed = false;
        self.action.is_some() && self.count() > 0
    }

    /// The request for the chosen action over what is picked: the ids, or the filter
    /// (`filter`: the list's query pairs) when every matching customer is picked.
    /// `apply` applies a distribution (else a preview).
    pub fn request(&self, filter: &[(String, String)], fields: &Fields, apply: bool) -> BulkRequest {
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let action = self.action;
        let reads = |a: &[BulkAction]| action.is_some_and(|x| a.contains(&x));
        let mut request = BulkRequest { action, ..Default::default() };
        if self.all {
            request.filter = Some(filter.iter().cloned().collect());
        } else {
            request.ids = Some(self.picked.clone());
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

    /// The bar's markup: the header checkbox, the count, "select all N matching", the
    /// actions `role` may take with their fields, and the last answer.
    pub fn html(&self, lang: Lang, role: Option<Role>) -> String {
        let tr = |k: &str| t(lang, k);
        let checked = if self.page_picked() { " checked" } else { "" };
        let n = self.count();
        let mut html = format!(
            r#"<section class="bulk" aria-label="{}"><label><input type="checkbox" data-bulk="page"{checked}> {}</label><span class="muted">{}</span>"#,
            tr("bulk"),
            tr("pick_page"),
            tr("picked").replace("{n}", &n.to_string())
        );
        match self.matching {
            Some(m) if !self.all && self.page_picked() && m as usize > self.page.len() => {
                if m as usize > MAX_SELECTION {
                    html.push_str(&format!(r#"<span class="muted">{}</span>"#, tr("too_many_match").replace("{n}", &MAX_SELECTION.to_string())));
                } else {
                    html.push_str(&format!(r#"<button type="button" class="link" data-bulk="all">{}</button>"#, tr("pick_all").replace("{n}", &m.to_string())));
                }
            }
            _ => {}
        }
        if n > 0 {
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
                    BulkAction::Delete if self.armed => tr("confirm_delete").replace("{n}", &n.to_string()),
                    _ => tr("apply"),
                };
                html.push_str(&format!(r#"<button type="button" class="primary" data-bulk="go"{busy}>{go}</button>"#));
            }
            html.push_str(&format!(r#"<button type="button" data-bulk="clear">{}</button>"#, tr("cancel")));
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
        html.push_str("</section>");
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
/// is read field by field from JavaScript, since decoding it in wasm would cost the
/// element more than its size budget has left.
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
    use wasm_bindgen::JsCast;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(ids: &[&str]) -> Bulk {
        let mut b = Bulk::default();
        b.show(ids.iter().map(|s| s.to_string()).collect(), true);
        b
    }

    #[test]
    fn rows_and_the_page_are_picked_and_unpicked() {
        let mut b = listed(&["a", "b", "c"]);
        b.toggle("b");
        assert!(b.is_picked("b") && !b.is_picked("a"));
        assert!(b.toggle_page(), "a partly picked page is picked whole");
        assert_eq!(b.count(), 3);
        assert!(!b.toggle_page());
        assert_eq!(b.count(), 0);
        b.toggle("a");
        b.show(vec!["a".into(), "d".into()], false);
        assert!(b.is_picked("a"), "more rows keep what is picked");
        b.show(vec!["x".into()], true);
        assert_eq!(b.count(), 0, "a new filter picks nothing");
    }

    #[test]
    fn every_matching_customer_only_when_one_action_takes_them() {
        let mut b = listed(&["a", "b"]);
        b.toggle_page();
        b.matching = Some(40);
        assert!(b.html(Lang::En, Some(Role::Manager)).contains(r#"data-bulk="all">Select all 40 matching"#));
        b.pick_all();
        assert_eq!(b.count(), 40);
        b.choose("tag");
        let filter = vec![("owner".to_string(), "me".to_string())];
        let req = b.request(&filter, &Fields { tag: " 展会 ".into(), to: "ignored".into(), ..Fields::default() }, false);
        assert_eq!((req.ids, req.filter.map(|f| f.into_iter().collect::<Vec<_>>()), req.tag, req.to), (None, Some(filter), Some("展会".into()), None));
        b.toggle("a");
        assert_eq!(b.count(), 1, "unpicking one row leaves the rows picked, not the filter");
        let mut over = listed(&["a"]);
        over.toggle_page();
        over.matching = Some(5_001);
        over.pick_all();
        assert_eq!(over.count(), 1);
        assert!(over.html(Lang::En, Some(Role::Admin)).contains("More than 5000 match"));
    }

    #[test]
    fn a_role_is_offered_what_the_api_lets_it_do() {
        let mut b = listed(&["a"]);
        b.toggle("a");
        let rep = b.html(Lang::En, Some(Role::Rep));
        assert!(rep.contains(r#"value="release""#) && rep.contains(r#"value="tag""#));
        assert!(!rep.contains(r#"value="delete""#) && !rep.contains(r#"value="transfer""#));
        let manager = b.html(Lang::En, Some(Role::Manager));
        for action in BulkAction::ALL {
            assert!(manager.contains(&format!(r#"value="{}""#, action.as_str())), "{action:?}");
        }
    }

    #[test]
    fn a_delete_is_confirmed_and_each_action_sends_its_own_fields() {
        let mut b = listed(&["a", "b"]);
        b.toggle("a");
        b.choose("delete");
        assert!(!b.go(), "first tap arms");
        assert!(b.html(Lang::En, Some(Role::Admin)).contains("Delete 1 customers"));
        assert!(b.go());
        b.choose("release");
        let fields = Fields { reason: "no_budget".into(), note: " 冻结 ".into(), tag: "t".into(), ..Fields::default() };
        let req = b.request(&[], &fields, false);
        assert!(shared::bulk::check(&req).is_ok());
        assert_eq!((req.ids, req.reason_code.as_deref(), req.note.as_deref(), req.tag), (Some(vec!["a".to_string()]), Some("no_budget"), Some("冻结"), None));
        b.choose("distribute");
        let req = b.request(&[], &Fields { strategy: "least_loaded".into(), ..Fields::default() }, true);
        assert_eq!((req.strategy, req.apply), (Some(shared::allocation::Strategy::LeastLoaded), true));
        assert!(shared::bulk::check(&req).is_ok());
    }

    #[test]
    fn an_answer_reads_as_done_and_skipped_by_reason() {
        let answer = Answered { applied: true, done: 2, skipped: vec![SkipReason::NotOwned, SkipReason::NotInScope, SkipReason::NotOwned], shares: Vec::new() };
        assert_eq!(summary(Lang::En, &answer, str::to_string), "Done: 2 · skipped 3：not yours 2，outside your scope 1");
        let preview = Answered { applied: false, done: 2, skipped: Vec::new(), shares: vec![("r1".into(), 2)] };
        assert_eq!(summary(Lang::Zh, &preview, |_| "王芳".into()), "将处理 2 个 · 王芳 2");
    }
}
