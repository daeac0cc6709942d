//! The collaborators (协作人) of the customer being edited: the reps who may read it
//! besides its owner, added by choosing one from the tenant's directory and removed with
//! one tap. The rules and refusals are the API's (`shared::collaborators`); this shows
//! them.
//!
//! The panel is written as escaped markup into one `inner_html` slot, with one listener
//! for taps and one for choices on the slot, rather than as a view per chip and option:
//! each reactive view shape is generic code in the bundle, and as views this panel cost
//! `<allot-customers>` more than its size budget had left (`cargo xtask bench sizes`).

use js_sys::Reflect;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{CustomerView, ShareInput};
use shared::collaborators::{check_share, may_collaborate};
use shared::ids::Role;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::{Client, Failure};
use crate::attrs::Attrs;
use crate::i18n::{t, Lang};
use crate::markup::escape;

/// A user of the tenant's directory (`GET /users`), for names and choices.
#[derive(Clone, PartialEq)]
struct User {
    id: String,
    name: String,
    /// `shared::collaborators::may_collaborate`.
    eligible: bool,
}

/// The users of a `UserList` answer, read as JavaScript: the directory only feeds names
/// and choices, and decoding it in wasm would cost the bundle more.
fn users(directory: &JsValue) -> Vec<User> {
    let field = |v: &JsValue, k: &str| Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let items: js_sys::Array = field(directory, "items").dyn_into().unwrap_or_default();
    items
        .iter()
        .filter_map(|u| {
            let role = Role::parse(&field(&u, "role").as_string()?)?;
            let eligible = may_collaborate(role, field(&u, "active").as_bool() == Some(true));
            Some(User { id: field(&u, "id").as_string()?, name: field(&u, "name").as_string()?, eligible })
        })
        .collect()
}

/// The active reps of a `UserList` answer as (id, name): whom a bulk assignment or
/// transfer may name (`shared::collaborators::may_collaborate`: an active rep).
pub fn reps(directory: &JsValue) -> Vec<(String, String)> {
    users(directory).into_iter().filter(|u| u.eligible).map(|u| (u.id, u.name)).collect()
}

/// The panel of one owned customer being edited.
#[derive(Clone, PartialEq)]
pub struct Sharing {
    id: String,
    owner: Option<String>,
    collaborators: Vec<String>,
    users: Vec<User>,
    busy: bool,
    failure: Option<String>,
}

impl Sharing {
    fn name_of(&self, user: &str) -> String {
        self.users.iter().find(|u| u.id == user).map_or_else(|| user.to_string(), |u| u.name.clone())
    }

    /// The panel's markup (its title is no heading: the host page owns the heading
    /// levels around the element): a chip per collaborator with a remove button that
    /// names them, the users who could be added (`shared::collaborators`: active reps,
    /// not the owner, not already in, room left), and why the last change failed.
    pub fn html(&self, lang: Lang) -> String {
        let title = t(lang, "collaborators");
        let disabled = if self.busy { " disabled" } else { "" };
        let mut html = format!(r#"<section class="collab" aria-label="{title}"><div class="label">{title}</div><ul class="chips">"#);
        if self.collaborators.is_empty() {
            html.push_str(&format!(r#"<li class="muted">{}</li>"#, t(lang, "no_collaborators")));
        }
        let remove = t(lang, "remove");
        for user in &self.collaborators {
            let (user, name) = (escape(user), escape(&self.name_of(user)));
            html.push_str(&format!(r#"<li class="chip">{name}<button type="button" data-user="{user}" aria-label="{remove} {name}"{disabled}>×</button></li>"#));
        }
        let add = t(lang, "add_collaborator");
        html.push_str(&format!(r#"</ul><select aria-label="{add}"{disabled}><option value="">＋ {add}…</option>"#));
        for u in &self.users {
            if u.eligible && check_share(self.owner.as_deref(), &self.collaborators, &u.id) == Ok(true) {
                html.push_str(&format!(r#"<option value="{}">{}</option>"#, escape(&u.id), escape(&u.name)));
            }
        }
        html.push_str("</select>");
        if let Some(f) = &self.failure {
            html.push_str(&format!(r#"<div class="msg err" role="alert">{}</div>"#, escape(f)));
        }
        html.push_str("</section>");
        html
    }
}

/// Opens the panel for `view` (nothing for a pool customer, which has no collaborators)
/// and fills in the directory's names.
pub fn open(attrs: Attrs, lang: Lang, view: &CustomerView, panel: RwSignal<Option<Sharing>>) {
    let c = &view.customer;
    if c.owner.is_none() {
        panel.set(None);
        return;
    }
    panel.set(Some(Sharing { id: c.id.clone(), owner: c.owner.clone(), collaborators: c.collaborators.clone(), users: Vec::new(), busy: false, failure: None }));
    let id = c.id.clone();
    let directory = Client::of(&attrs);
    spawn_local(async move {
        let answer = directory.get_js("/users").await;
        // Only into the panel it was asked for: another may have opened meanwhile.
        panel.try_update(|p| match p {
            Some(p) if p.id == id => match answer {
                Ok(list) => p.users = users(&list),
                Err(f) => p.failure = Some(crate::notice::describe(lang, &attrs, &f)),
            },
            _ => {}
        });
    });
}

/// Handles a tap (a chip's remove button, found by its `data-user`) or a choice (the
/// list of reps) in the panel; `on_change` hears the customer as the API answered.
pub fn handle(ev: &web_sys::Event, attrs: Attrs, lang: Lang, panel: RwSignal<Option<Sharing>>, on_change: impl Fn(CustomerView) + 'static) {
    let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    let (user, adding) = match target.dyn_ref::<web_sys::HtmlSelectElement>() {
        Some(select) if ev.type_() == "change" => (select.value(), true),
        _ if ev.type_() == "click" => match target.get_attribute("data-user") {
            Some(user) => (user, false),
            None => return,
        },
        _ => return,
    };
    let Some(id) = panel.with_untracked(|p| p.as_ref().filter(|p| !p.busy && !user.is_empty()).map(|p| p.id.clone())) else { return };
    panel.update(|p| {
        if let Some(p) = p {
            p.busy = true;
            p.failure = None;
        }
    });
    let client = Client::of(&attrs);
    let path = format!("/customers/{id}/collaborators");
    spawn_local(async move {
        let answer = if adding {
            client.send_answer::<CustomerView>("POST", &path, &ShareInput { user }).await
        } else {
            client.delete::<CustomerView>(&format!("{path}/{}", crate::markup::encode(&user))).await
        };
        let mut still_open = false;
        panel.try_update(|p| {
            if let Some(p) = p.as_mut().filter(|p| p.id == id) {
                still_open = true;
                p.busy = false;
                match &answer {
                    Ok(a) => p.collaborators = a.value.customer.collaborators.clone(),
                    Err(Failure::Api { code, .. }) if code == "invalid" => p.failure = Some(t(lang, "unknown_user")),
                    Err(f) => p.failure = Some(crate::notice::describe(lang, &attrs, f)),
                }
            }
        });
        if let (true, Ok(answer)) = (still_open, answer) {
            attrs.emit("allot:collaborators-changed", &answer.detail());
            on_change(answer.value);
        }
    });
}
