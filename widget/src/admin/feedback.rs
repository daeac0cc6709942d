//! What a load or a write tells the reader: a status line, and the field problems
//! `shared`'s validators (or the server, with the same validators) reported. A refused
//! write never clears a form: sections keep their signals and only set the status.

use leptos::prelude::*;
use shared::field_error::FieldError;

use crate::api::Failure;
use crate::i18n::Lang;

use super::section::Ctx;

/// The outcome of the last action of a section: `Ok(text)` or `Err(text, problems)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Status {
    #[default]
    Quiet,
    Busy,
    Done(String),
    Failed(String, Vec<FieldError>),
}

impl Status {
    pub fn busy(&self) -> bool {
        matches!(self, Status::Busy)
    }
}

/// A failure as the reader's sentence and the problems it names. A stale version (409
/// `stale`) shows the server's own message — it says which document changed — and the
/// form keeps what was typed, so the reader reloads the other change or saves again.
pub fn failed(ctx: Ctx, failure: &Failure) -> Status {
    match failure {
        Failure::Api { code, message, details, .. } if code == "stale" || code == "invalid" => {
            let problems = details.as_ref().and_then(|d| serde_json::from_value::<shared::api::InvalidDetails>(d.clone()).ok()).map(|d| d.fields).unwrap_or_default();
            Status::Failed(message.clone(), problems)
        }
        _ => Status::Failed(crate::notice::describe(ctx.lang, &ctx.attrs, failure), Vec::new()),
    }
}

/// Problems found before sending: the same `shared` validator the edge runs.
pub fn invalid(lang: Lang, problems: Vec<FieldError>) -> Status {
    Status::Failed(lang.pick("请先修正以下问题", "Please fix these first").to_string(), problems)
}

/// The status line (a live region) and the problems, each with its field path.
pub fn show(status: RwSignal<Status>) -> impl IntoView {
    move || match status.get() {
        Status::Quiet => None,
        Status::Busy => Some(view! { <p class="msg" role="status" aria-busy="true">"…"</p> }.into_any()),
        Status::Done(text) => Some(view! { <p class="msg ok" role="status">{text}</p> }.into_any()),
        Status::Failed(text, problems) => Some(
            view! {
                <div class="msg err" role="alert">
                    <p>{text}</p>
                    {(!problems.is_empty()).then(|| view! {
                        <ul class="errors">{problems.into_iter().map(|p| view! { <li><code>{p.path}</code>" "{p.message}</li> }).collect_view()}</ul>
                    })}
                </div>
            }
            .into_any(),
        ),
    }
}
