//! Audit: a customer's ownership timeline (`GET /audit?customer=…`: who, from, to, why,
//! by which rule, when) and the tenant's recent changes to its rules and settings (the
//! history of each versioned document).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{AuditList, DocumentKind, HistoryEntry, HistoryPage};

use super::feedback::{self, Status};
use super::history::when;
use super::section::{Access, Ctx, Section};
use crate::api::Client;

pub const SECTION: Section = Section { key: "audit", zh: "审计", en: "Audit", access: Access::Managers, view: |ctx| view! { <Audit ctx=ctx /> }.into_any() };

fn document_label(lang: crate::i18n::Lang, d: DocumentKind) -> &'static str {
    match d {
        DocumentKind::Settings => lang.pick("客户模型与设置", "Settings"),
        DocumentKind::AllocationRules => lang.pick("分配规则", "Allocation rules"),
        DocumentKind::PoolRules => lang.pick("公海规则", "Pool rules"),
    }
}

#[component]
fn Audit(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let customer = RwSignal::new(String::new());
    let trail = RwSignal::new(None::<AuditList>);
    let changes = RwSignal::new(Vec::<HistoryEntry>::new());
    let status = RwSignal::new(Status::Quiet);

    Effect::new(move |_| {
        let c = Client::of(&ctx.attrs);
        if !c.has_token() {
            return;
        }
        spawn_local(async move {
            let mut all = Vec::new();
            for d in DocumentKind::ALL {
                if let Ok(p) = c.get::<HistoryPage>(&format!("/history?document={}&limit=10", d.as_str())).await {
                    all.extend(p.items);
                }
            }
            all.sort_by_key(|e| std::cmp::Reverse(e.changed_at));
            changes.set(all);
        });
    });
    let look_up = move || {
        let id = customer.get_untracked().trim().to_string();
        if id.is_empty() {
            return;
        }
        let c = Client::of(&ctx.attrs);
        status.set(Status::Busy);
        spawn_local(async move {
            match c.get::<AuditList>(&format!("/audit?customer={}", crate::markup::encode(&id))).await {
                Ok(list) => {
                    status.set(Status::Quiet);
                    trail.set(Some(list));
                }
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };

    view! {
        <h2>{lang.pick("客户归属记录", "A customer's ownership timeline")}</h2>
        <form class="card" on:submit=move |ev| { ev.prevent_default(); look_up(); }>
            <label>{lang.pick("客户 ID", "Customer id")}<input name="customer" prop:value=move || customer.get() on:input=move |ev| customer.set(event_target_value(&ev)) /></label>
            <div class="actions"><button type="submit" class="primary">{lang.pick("查询", "Look up")}</button></div>
        </form>
        {feedback::show(status)}
        {move || trail.get().map(|t| view! {
            <div class="rows" tabindex="0"><table class="timeline">
                <thead><tr><th scope="col">{lang.pick("时间", "When")}</th><th scope="col">{lang.pick("动作", "Action")}</th><th scope="col">{lang.pick("从 → 到", "From → to")}</th><th scope="col">{lang.pick("原因 / 规则", "Why / rule")}</th><th scope="col">{lang.pick("操作人", "By")}</th></tr></thead>
                <tbody>{t.items.into_iter().map(|e| view! {
                    <tr data-action=e.action.clone()>
                        <td>{when(e.at)}</td>
                        <td>{e.action.clone()}</td>
                        <td>{format!("{} → {}", e.from.clone().unwrap_or_else(|| "—".into()), e.to.clone().or(e.subject.clone()).unwrap_or_else(|| "—".into()))}</td>
                        <td>{[e.reason.clone(), e.rule.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</td>
                        <td>{e.actor.clone()}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table></div>
        })}
        <h2>{lang.pick("最近的规则与设置变更", "Recent changes to rules and settings")}</h2>
        <div class="rows" tabindex="0"><table class="changes">
            <thead><tr><th scope="col">{lang.pick("时间", "When")}</th><th scope="col">{lang.pick("文档", "Document")}</th><th scope="col">{lang.pick("版本", "Version")}</th><th scope="col">{lang.pick("修改人", "By")}</th></tr></thead>
            <tbody>{move || changes.get().into_iter().map(|e| view! {
                <tr><td>{when(e.changed_at)}</td><td>{document_label(lang, e.document)}</td><td class="num">{format!("v{}", e.version)}</td><td>{e.changed_by.name.clone()}</td></tr>
            }).collect_view()}</tbody>
        </table></div>
    }
}
