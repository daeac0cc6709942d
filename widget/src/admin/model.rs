//! Customer model: industries, territories (places → region), pipeline stages (reorder by
//! drag or by up/down buttons, win probability, required fields, where a removed stage's
//! customers go), segment rules (ordered, first match wins, with how many customers each
//! would get now), custom fields and the ownership rule. Checked by
//! `TenantSettings::validate` and `StagesUpdate::validate_moves`, the edge's own checks,
//! before anything is sent.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{SegmentPreview, StagesUpdate};
use shared::fields::{FieldDef, FieldKind};
use shared::settings::{Choice, OwnershipRule, StageDef, TenantSettings, Territory};

use super::feedback::{self, Status};
use super::section::{Access, Ctx, Section};
use super::state::{self, list};
use crate::api::Client;
use crate::i18n::Lang;

pub const SECTION: Section = Section { key: "model", zh: "客户模型", en: "Customer model", access: Access::Admins, view: |ctx| view! { <Model ctx=ctx /> }.into_any() };

/// The three ownership rules, each with what it means in a sentence.
fn ownership_rules(lang: Lang) -> [(OwnershipRule, &'static str, &'static str); 3] {
    [
        (
            OwnershipRule::FirstEntry,
            lang.pick("首次录入为准", "First entry wins"),
            lang.pick("先录入客户的销售保留客户，之后重复录入的会被拒绝（撞单提示）。", "Whoever entered the customer first keeps it; a later entry of the same customer is refused."),
        ),
        (
            OwnershipRule::FollowUpHistory,
            lang.pick("历史跟进优先", "Follow-up history first"),
            lang.pick("最近跟进过该客户的销售保留或接手客户。", "The rep who followed the customer up most recently keeps it, or takes it over."),
        ),
        (
            OwnershipRule::Region,
            lang.pick("区域负责制", "Region responsibility"),
            lang.pick("负责客户所在区域的销售可从不负责该区域的销售处接手。", "A rep covering the customer's region takes it over from one who does not."),
        ),
    ]
}

#[component]
fn Model(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let settings = RwSignal::new(None::<TenantSettings>);
    // The stages as saved: a stage missing from the edited list is a removed one.
    let saved_stages = RwSignal::new(Vec::<StageDef>::new());
    let moves = RwSignal::new(BTreeMap::<String, String>::new());
    let counts = RwSignal::new(None::<SegmentPreview>);
    let status = RwSignal::new(Status::Quiet);
    let stage_status = RwSignal::new(Status::Quiet);
    let dragging = RwSignal::new(None::<usize>);

    let load = move || {
        let c = Client::of(&ctx.attrs);
        spawn_local(async move {
            match c.get::<TenantSettings>("/settings").await {
                Ok(s) => {
                    saved_stages.set(s.stages.clone());
                    moves.set(BTreeMap::new());
                    settings.set(Some(s));
                }
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    Effect::new(move |_| {
        if Client::of(&ctx.attrs).has_token() {
            load();
        }
    });
    let count_segments = move || {
        let Some(s) = settings.get_untracked() else { return };
        let c = Client::of(&ctx.attrs);
        spawn_local(async move {
            match c.send::<SegmentPreview>("POST", "/settings/segments/preview", &s).await {
                Ok(p) => counts.set(Some(p)),
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    let save = move || {
        let Some(s) = settings.get_untracked() else { return };
        // Stages are saved on their own (their removed stages' customers must move).
        let mut s = s;
        s.stages = saved_stages.get_untracked();
        if let Err(problems) = s.validate() {
            return status.set(feedback::invalid(lang, problems));
        }
        let c = Client::of(&ctx.attrs);
        status.set(Status::Busy);
        spawn_local(async move {
            match c.send::<TenantSettings>("PUT", "/settings", &s).await {
                Ok(saved) => {
                    status.set(Status::Done(format!("{} v{}", lang.pick("设置已保存", "Settings saved,"), saved.version)));
                    settings.update(|cur| {
                        if let Some(cur) = cur {
                            cur.version = saved.version
                        }
                    });
                }
                Err(f) => status.set(feedback::failed(ctx, &f)),
            }
        });
    };
    let save_stages = move || {
        let Some(s) = settings.get_untracked() else { return };
        let update = StagesUpdate { version: s.version, stages: s.stages.clone(), moves: moves.get_untracked() };
        let check = TenantSettings { stages: update.stages.clone(), ..s.clone() };
        if let Err(problems) = check.validate().and_then(|_| update.validate_moves(&saved_stages.get_untracked())) {
            return stage_status.set(feedback::invalid(lang, problems));
        }
        let c = Client::of(&ctx.attrs);
        stage_status.set(Status::Busy);
        spawn_local(async move {
            match c.send::<TenantSettings>("PUT", "/pipeline/stages", &update).await {
                Ok(saved) => {
                    stage_status.set(Status::Done(format!("{} v{}", lang.pick("阶段已保存", "Stages saved,"), saved.version)));
                    saved_stages.set(saved.stages.clone());
                    moves.set(BTreeMap::new());
                    settings.update(|cur| {
                        if let Some(cur) = cur {
                            cur.version = saved.version;
                            cur.stages = saved.stages
                        }
                    });
                }
                Err(f) => stage_status.set(feedback::failed(ctx, &f)),
            }
        });
    };

    let edit = move |f: &dyn Fn(&mut TenantSettings)| {
        settings.update(|s| {
            if let Some(s) = s {
                f(s)
            }
        })
    };
    let edit_rules = Callback::new(move |f: Box<dyn Fn(&mut TenantSettings) + Send + Sync>| edit(&*f));
    let text_input = move |label: String, value: String, on: Box<dyn Fn(String)>| view! { <input aria-label=label prop:value=value on:change=move |ev| on(event_target_value(&ev)) /> };

    view! {
        <h2>{lang.pick("客户模型", "Customer model")}</h2>
        {move || settings.get().map(|s| {
            let industries = s.industries.clone();
            let territories = s.territories.clone();
            let stages = s.stages.clone();
            let fields = s.custom_fields.clone();
            let stage_keys: Vec<(String, String)> = stages.iter().map(|st| (st.key.clone(), lang.pick(&st.zh, &st.en).to_string())).collect();
            let removed: Vec<StageDef> = saved_stages.get().into_iter().filter(|old| !stages.iter().any(|st| st.key == old.key)).collect();
            let n_stages = stages.len();
            view! {
                <h3>{lang.pick("归属规则", "Ownership rule")}</h3>
                <fieldset class="ownership"><legend>{lang.pick("两位销售录入同一客户时谁保留", "Who keeps a customer two reps enter")}</legend>
                    {ownership_rules(lang).into_iter().map(|(rule, name, meaning)| view! {
                        <label class="check"><input type="radio" name="ownership_rule" value=rule.as_str() prop:checked=s.ownership_rule == rule on:change=move |_| edit(&|s| s.ownership_rule = rule) />
                            <span><strong>{name}</strong><br/><span class="sub">{meaning}</span></span></label>
                    }).collect_view()}
                </fieldset>

                <h3>{lang.pick("行业", "Industries")}</h3>
                <div class="rows" tabindex="0"><table class="industries"><thead><tr><th scope="col">"key"</th><th scope="col">"中文"</th><th scope="col">"English"</th><th scope="col"><span class="sub">{lang.pick("操作", "Actions")}</span></th></tr></thead><tbody>
                    {industries.into_iter().enumerate().map(|(i, c)| view! { <tr>
                        <td>{text_input(format!("key {}", i + 1), c.key.clone(), Box::new(move |v| edit(&|s| s.industries[i].key = v.clone())))}</td>
                        <td>{text_input(format!("中文 {}", i + 1), c.zh.clone(), Box::new(move |v| edit(&|s| s.industries[i].zh = v.clone())))}</td>
                        <td>{text_input(format!("English {}", i + 1), c.en.clone(), Box::new(move |v| edit(&|s| s.industries[i].en = v.clone())))}</td>
                        <td><button type="button" on:click=move |_| edit(&|s| { s.industries.remove(i); })>{lang.pick("删除", "Remove")}</button></td>
                    </tr> }).collect_view()}
                </tbody></table></div>
                <button type="button" class="add-industry" on:click=move |_| edit(&|s| s.industries.push(Choice { key: format!("industry-{}", s.industries.len() + 1), zh: String::new(), en: String::new() }))>{lang.pick("添加行业", "Add an industry")}</button>

                <h3>{lang.pick("区域（省市归属）", "Territories (places → region)")}</h3>
                <div class="rows" tabindex="0"><table class="territories"><thead><tr><th scope="col">"key"</th><th scope="col">"中文"</th><th scope="col">"English"</th><th scope="col">{lang.pick("省市（逗号分隔）", "Places (comma-separated)")}</th><th scope="col"><span class="sub">{lang.pick("操作", "Actions")}</span></th></tr></thead><tbody>
                    {territories.into_iter().enumerate().map(|(i, t)| view! { <tr>
                        <td>{text_input(format!("key {}", i + 1), t.key.clone(), Box::new(move |v| edit(&|s| s.territories[i].key = v.clone())))}</td>
                        <td>{text_input(format!("中文 {}", i + 1), t.zh.clone(), Box::new(move |v| edit(&|s| s.territories[i].zh = v.clone())))}</td>
                        <td>{text_input(format!("English {}", i + 1), t.en.clone(), Box::new(move |v| edit(&|s| s.territories[i].en = v.clone())))}</td>
                        <td>{text_input(format!("places {}", i + 1), t.places.join(", "), Box::new(move |v| edit(&|s| s.territories[i].places = list(&v))))}</td>
                        <td><button type="button" on:click=move |_| edit(&|s| { s.territories.remove(i); })>{lang.pick("删除", "Remove")}</button></td>
                    </tr> }).collect_view()}
                </tbody></table></div>
                <button type="button" on:click=move |_| edit(&|s| s.territories.push(Territory { key: format!("region-{}", s.territories.len() + 1), zh: String::new(), en: String::new(), places: Vec::new() }))>{lang.pick("添加区域", "Add a territory")}</button>

                <h3>{lang.pick("分群规则（按顺序，先匹配先得）", "Segment rules (in order, first match wins)")}</h3>
                <button type="button" class="count-segments" on:click=move |_| count_segments()>{lang.pick("统计每条规则现在匹配的客户数", "Count the customers each rule matches now")}</button>
                {super::segments::editor(lang, &s, counts, edit_rules)}

                <h3>{lang.pick("自定义字段", "Custom fields")}</h3>
                <div class="rows" tabindex="0"><table class="fields"><thead><tr><th scope="col">"key"</th><th scope="col">{lang.pick("名称", "Label")}</th><th scope="col">{lang.pick("类型", "Type")}</th><th scope="col">{lang.pick("选项（逗号分隔）", "Options (comma-separated)")}</th><th scope="col">{lang.pick("必填", "Required")}</th><th scope="col"><span class="sub">{lang.pick("操作", "Actions")}</span></th></tr></thead><tbody>
                    {fields.into_iter().enumerate().map(|(i, f)| view! { <tr>
                        <td>{text_input(format!("field key {}", i + 1), f.key.clone(), Box::new(move |v| edit(&|s| s.custom_fields[i].key = v.clone())))}</td>
                        <td>{text_input(format!("label {}", i + 1), f.label.clone(), Box::new(move |v| edit(&|s| s.custom_fields[i].label = v.clone())))}</td>
                        <td><select aria-label=format!("kind {}", i + 1) on:change=move |ev| { let kind = match event_target_value(&ev).as_str() { "number" => FieldKind::Number, "date" => FieldKind::Date, "select" => FieldKind::Select, "multi_select" => FieldKind::MultiSelect, _ => FieldKind::Text }; edit(&|s| s.custom_fields[i].kind = kind) }>
                            {[(FieldKind::Text, "text"), (FieldKind::Number, "number"), (FieldKind::Date, "date"), (FieldKind::Select, "select"), (FieldKind::MultiSelect, "multi_select")].into_iter().map(|(k, v)| view! { <option value=v selected=f.kind == k>{v}</option> }).collect_view()}
                        </select></td>
                        <td>{text_input(format!("options {}", i + 1), f.options.join(", "), Box::new(move |v| edit(&|s| s.custom_fields[i].options = list(&v))))}</td>
                        <td><input type="checkbox" aria-label=format!("required {}", i + 1) prop:checked=f.required on:change=move |ev| { let on = event_target_checked(&ev); edit(&|s| s.custom_fields[i].required = on) } /></td>
                        <td><button type="button" on:click=move |_| edit(&|s| { s.custom_fields.remove(i); })>{lang.pick("删除", "Remove")}</button></td>
                    </tr> }).collect_view()}
                </tbody></table></div>
                <button type="button" on:click=move |_| edit(&|s| s.custom_fields.push(FieldDef { key: format!("field_{}", s.custom_fields.len() + 1), label: String::new(), kind: FieldKind::Text, options: Vec::new(), required: false }))>{lang.pick("添加字段", "Add a field")}</button>
                <div class="tools"><button type="button" class="primary save-settings" disabled=move || status.with(Status::busy) on:click=move |_| save()>{lang.pick("保存设置", "Save the settings")}</button></div>
                {feedback::show(status)}

                <h3>{lang.pick("销售阶段（拖动或用 ↑↓ 调整顺序）", "Pipeline stages (drag, or ↑ ↓)")}</h3>
                <ol class="stages">
                    {stages.into_iter().enumerate().map(|(i, st)| {
                        let label = lang.pick(&st.zh, &st.en).to_string();
                        let required = st.required_fields.clone();
                        view! { <li class="stage" data-stage=st.key.clone() class:dragging=move || dragging.get() == Some(i)
                                on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
                                on:drop=move |ev: web_sys::DragEvent| { ev.prevent_default(); if let Some(from) = dragging.get_untracked() { edit(&|s| s.stages = state::moved(&s.stages, from, i)); } dragging.set(None); }>
                            <span class="grip" draggable="true" aria-hidden="true" on:dragstart=move |_| dragging.set(Some(i)) on:dragend=move |_| dragging.set(None)>"⋮⋮"</span>
                            <span>
                                {text_input(format!("{} {}", lang.pick("阶段名称", "Stage name"), i + 1), label, Box::new(move |v| edit(&|s| if lang == Lang::Zh { s.stages[i].zh = v.clone() } else { s.stages[i].en = v.clone() })))}
                                <span class="sub">{lang.pick("必填字段：", "Required fields: ")}
                                    {shared::customer::REQUIRABLE.iter().map(|field| {
                                        let field = *field;
                                        view! { <label class="check"><input type="checkbox" prop:checked=required.iter().any(|r| r == field) on:change=move |ev| { let on = event_target_checked(&ev); edit(&|s| { let r = &mut s.stages[i].required_fields; r.retain(|x| x != field); if on { r.push(field.to_string()) } }) } />{field}</label> }
                                    }).collect_view()}
                                </span>
                            </span>
                            <input type="number" min="0" max="100" aria-label=format!("{} {}", lang.pick("赢率 %", "Win probability %"), i + 1) prop:value=st.probability.to_string()
                                on:change=move |ev| { if let Ok(p) = event_target_value(&ev).parse::<u8>() { edit(&|s| s.stages[i].probability = p) } } />
                            <span class="moves">
                                <button type="button" class="up" aria-label=format!("{} {}", lang.pick("上移", "Move up"), i + 1) disabled=i == 0 on:click=move |_| edit(&|s| s.stages = state::moved(&s.stages, i, i.saturating_sub(1)))>"↑"</button>
                                <button type="button" class="down" aria-label=format!("{} {}", lang.pick("下移", "Move down"), i + 1) disabled=i + 1 == n_stages on:click=move |_| edit(&|s| s.stages = state::moved(&s.stages, i, i + 1))>"↓"</button>
                                {st.terminal.is_none().then(|| view! { <button type="button" class="remove" aria-label=format!("{} {}", lang.pick("删除阶段", "Remove stage"), i + 1) on:click=move |_| edit(&|s| { s.stages.remove(i); })>"✕"</button> })}
                            </span>
                        </li> }
                    }).collect_view()}
                </ol>
                <button type="button" on:click=move |_| edit(&|s| { let at = s.stages.iter().position(|x| x.terminal.is_some()).unwrap_or(s.stages.len()); s.stages.insert(at, StageDef { key: format!("stage-{}", s.stages.len() + 1), zh: "新阶段".into(), en: "New stage".into(), probability: 50, terminal: None, required_fields: Vec::new() }); })>{lang.pick("添加阶段", "Add a stage")}</button>
                {(!removed.is_empty()).then(|| view! {
                    <fieldset class="stage-moves"><legend>{lang.pick("删除的阶段中的客户移到", "Customers of removed stages go to")}</legend>
                        {removed.into_iter().map(|old| {
                            let from = old.key.clone();
                            let options = stage_keys.clone();
                            view! { <label>{lang.pick(&old.zh, &old.en).to_string()}
                                <select on:change=move |ev| { let to = event_target_value(&ev); let from = from.clone(); moves.update(|m| { if to.is_empty() { m.remove(&from); } else { m.insert(from, to); } }) }>
                                    <option value="">{lang.pick("（请选择）", "(choose)")}</option>
                                    {options.into_iter().map(|(k, l)| view! { <option value=k>{l}</option> }).collect_view()}
                                </select>
                            </label> }
                        }).collect_view()}
                    </fieldset>
                })}
                <div class="tools"><button type="button" class="primary save-stages" disabled=move || stage_status.with(Status::busy) on:click=move |_| save_stages()>{lang.pick("保存阶段", "Save the stages")}</button></div>
                {feedback::show(stage_status)}
            }
        })}
    }
}
