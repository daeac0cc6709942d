//! The segment rules of the customer model, edited as forms rather than JSON: each rule
//! its name, follow-up cadence and conditions, each condition a field, a comparison and a
//! value chosen from what that field can hold (`TenantSettings::condition_fields`, the
//! list `SegmentRule::validate` checks against on the edge), with how many customers each
//! rule would get now.

use leptos::prelude::*;
use serde_json::Value;
use shared::api::SegmentPreview;
use shared::segment::{Condition, ConditionField, Op, SegmentRule, Values};
use shared::settings::TenantSettings;

use super::state;
use crate::i18n::Lang;

/// The condition a new row starts as, or a row whose field was changed: the field's first
/// comparison and a value it can hold.
pub fn condition_for(field: &ConditionField) -> Condition {
    let op = field.values.ops()[0];
    let value = match &field.values {
        Values::Choice(list) => list.first().map_or(Value::Null, |(k, _, _)| Value::String(k.clone())),
        Values::Number | Values::Date => Value::from(0),
        Values::Options(options) => options.first().map_or(Value::Null, |o| Value::String(o.clone())),
        Values::Text | Values::List => Value::String(String::new()),
    };
    Condition { field: field.field.clone(), op, value }
}

/// The condition with another comparison: a single value becomes a list of one for `in`,
/// and a list its first value for the others.
pub fn with_op(condition: &Condition, op: Op) -> Condition {
    let value = match (op, &condition.value) {
        (Op::In, Value::Array(_)) => condition.value.clone(),
        (Op::In, Value::Null) => Value::Array(Vec::new()),
        (Op::In, one) => Value::Array(vec![one.clone()]),
        (_, Value::Array(items)) => items.first().cloned().unwrap_or(Value::Null),
        (_, one) => one.clone(),
    };
    Condition { field: condition.field.clone(), op, value }
}

/// A list value with `key` put in or taken out (an `in` condition's checkbox).
pub fn toggled(value: &Value, key: &str, on: bool) -> Value {
    let mut items: Vec<Value> = value.as_array().cloned().unwrap_or_default();
    items.retain(|v| v.as_str() != Some(key));
    if on {
        items.push(Value::String(key.to_string()));
    }
    Value::Array(items)
}

fn op_label(lang: Lang, op: Op) -> &'static str {
    match op {
        Op::Eq => lang.pick("等于", "is"),
        Op::Ne => lang.pick("不等于", "is not"),
        Op::In => lang.pick("属于其一", "is one of"),
        Op::Gte => lang.pick("不少于", "at least"),
        Op::Lte => lang.pick("不多于", "at most"),
        Op::Has => lang.pick("包含", "includes"),
    }
}

type Edit = Callback<Box<dyn Fn(&mut TenantSettings) + Send + Sync>>;

/// The rules as an ordered list of forms; `edit` changes the settings being edited.
pub fn editor(lang: Lang, settings: &TenantSettings, counts: RwSignal<Option<SegmentPreview>>, edit: Edit) -> impl IntoView {
    let fields = settings.condition_fields();
    let rules = settings.segments.clone();
    let n = rules.len();
    view! {
        <ol class="stages segments">
            {rules.into_iter().enumerate().map(|(i, rule)| rule_form(lang, i, n, rule, fields.clone(), counts, edit)).collect_view()}
        </ol>
        <button type="button" class="add-segment" on:click=move |_| edit.run(Box::new(|s: &mut TenantSettings| {
            let key = (s.segments.len() + 1..).map(|n| format!("segment-{n}")).find(|k| !s.segments.iter().any(|r| &r.key == k)).unwrap_or_default();
            s.segments.push(SegmentRule { key, zh: String::new(), en: String::new(), cadence_days: 14, when: Vec::new() });
        }))>{lang.pick("添加分群", "Add a segment")}</button>
    }
}

fn rule_form(lang: Lang, i: usize, n: usize, rule: SegmentRule, fields: Vec<ConditionField>, counts: RwSignal<Option<SegmentPreview>>, edit: Edit) -> impl IntoView {
    let key = rule.key.clone();
    let first = fields.first().cloned();
    let label = move |what: &str| format!("{} {} {what}", lang.pick("分群", "Segment"), i + 1);
    view! { <li class="stage segment" data-segment=rule.key.clone()>
        <span class="grip" aria-hidden="true">{i + 1}</span>
        <span>
            <span class="line">
                <input aria-label=label(lang.pick("名称", "name")) name="segment_name" prop:value=rule.zh.clone() on:change=move |ev| { let v = event_target_value(&ev); edit.run(Box::new(move |s: &mut TenantSettings| if let Some(r) = s.segments.get_mut(i) { r.zh = v.clone(); if r.en.is_empty() { r.en = v.clone() } })) } />
                <label class="sub">{lang.pick("每", "every")}
                    <input type="number" min="1" max="365" class="days" aria-label=label(lang.pick("跟进间隔（天）", "cadence in days")) name="cadence_days" prop:value=rule.cadence_days.to_string()
                        on:change=move |ev| { let days = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0); edit.run(Box::new(move |s: &mut TenantSettings| if let Some(r) = s.segments.get_mut(i) { r.cadence_days = days })) } />
                    {lang.pick("天跟进", "days")}</label>
            </span>
            {if rule.when.is_empty() { Some(view! { <span class="sub">{lang.pick("无条件：匹配其余所有客户", "No condition: matches every customer left")}</span> }) } else { None }}
            <ul class="conditions">
                {rule.when.iter().enumerate().map(|(j, c)| condition_form(lang, i, j, c.clone(), fields.clone(), edit)).collect_view()}
            </ul>
            {first.map(|f| view! { <button type="button" class="add-condition" on:click=move |_| { let c = condition_for(&f); edit.run(Box::new(move |s: &mut TenantSettings| if let Some(r) = s.segments.get_mut(i) { r.when.push(c.clone()) })) }>{lang.pick("添加条件", "Add a condition")}</button> })}
        </span>
        <span class="count" data-segment=rule.key.clone()>{move || counts.with(|c| c.as_ref().and_then(|c| c.segments.iter().find(|x| x.key == key).map(|x| x.count.to_string()))).unwrap_or_default()}</span>
        <span class="moves">
            <button type="button" aria-label=label(lang.pick("上移", "up")) disabled=i == 0 on:click=move |_| edit.run(Box::new(move |s: &mut TenantSettings| s.segments = state::moved(&s.segments, i, i.saturating_sub(1))))>"↑"</button>
            <button type="button" aria-label=label(lang.pick("下移", "down")) disabled=i + 1 == n on:click=move |_| edit.run(Box::new(move |s: &mut TenantSettings| s.segments = state::moved(&s.segments, i, i + 1)))>"↓"</button>
            <button type="button" class="remove-segment" aria-label=label(lang.pick("删除", "remove")) on:click=move |_| edit.run(Box::new(move |s: &mut TenantSettings| { if i < s.segments.len() { s.segments.remove(i); } }))>"✕"</button>
        </span>
    </li> }
}

fn condition_form(lang: Lang, i: usize, j: usize, c: Condition, fields: Vec<ConditionField>, edit: Edit) -> impl IntoView {
    let label = move |what: &str| format!("{} {} {} {} {what}", lang.pick("分群", "Segment"), i + 1, lang.pick("条件", "condition"), j + 1);
    let set = move |next: Condition| {
        edit.run(Box::new(move |s: &mut TenantSettings| {
            if let Some(slot) = s.segments.get_mut(i).and_then(|r| r.when.get_mut(j)) {
                *slot = next.clone()
            }
        }))
    };
    let field = fields.iter().find(|f| f.field == c.field).cloned();
    let ops: &'static [Op] = field.as_ref().map_or(&Op::ALL, |f| f.values.ops());
    let for_field = fields.clone();
    let current = c.clone();
    let value = value_input(lang, &c, field.as_ref(), label(lang.pick("值", "value")), set);
    view! { <li class="condition">
        <select name="field" aria-label=label(lang.pick("字段", "field")) on:change=move |ev| { let key = event_target_value(&ev); if let Some(f) = for_field.iter().find(|f| f.field == key) { set(condition_for(f)) } }>
            {field.is_none().then(|| view! { <option value=c.field.clone() selected=true>{c.field.clone()}</option> })}
            {fields.iter().map(|f| view! { <option value=f.field.clone() selected=f.field == c.field>{lang.pick(&f.zh, &f.en).to_string()}</option> }).collect_view()}
        </select>
        <select name="op" aria-label=label(lang.pick("比较", "comparison")) on:change=move |ev| { let key = event_target_value(&ev); if let Some(op) = Op::ALL.into_iter().find(|o| o.as_str() == key) { set(with_op(&current, op)) } }>
            {ops.iter().map(|op| view! { <option value=op.as_str() selected=*op == c.op>{op_label(lang, *op)}</option> }).collect_view()}
        </select>
        {value}
        <button type="button" class="remove-condition" aria-label=label(lang.pick("删除", "remove")) on:click=move |_| edit.run(Box::new(move |s: &mut TenantSettings| if let Some(r) = s.segments.get_mut(i) { if j < r.when.len() { r.when.remove(j); } }))>"✕"</button>
    </li> }
}

/// The value as the field holds it: a list to pick one from or to tick several in, a
/// number, a date, or text.
fn value_input(lang: Lang, c: &Condition, field: Option<&ConditionField>, label: String, set: impl Fn(Condition) + Copy + Send + Sync + 'static) -> AnyView {
    let with = {
        let c = c.clone();
        move |value: Value| Condition { value, ..c.clone() }
    };
    match (field.map(|f| &f.values), c.op) {
        (Some(Values::Choice(list)), Op::In) => {
            let chosen = c.value.clone();
            let list = with_removed(lang, list, c.value.as_array().map(Vec::as_slice).unwrap_or_default());
            view! { <fieldset class="choices"><legend class="sub">{label}</legend>
                {list.iter().map(|(key, zh, en)| {
                    let (k, with, chosen) = (key.clone(), with.clone(), chosen.clone());
                    let on = chosen.as_array().is_some_and(|items| items.iter().any(|v| v.as_str() == Some(key.as_str())));
                    view! { <label class="check"><input type="checkbox" name="value" value=key.clone() prop:checked=on on:change=move |ev| set(with(toggled(&chosen, &k, event_target_checked(&ev)))) />{lang.pick(zh, en).to_string()}</label> }
                }).collect_view()}
            </fieldset> }
            .into_any()
        }
        (Some(Values::Choice(list)), _) => {
            let current = c.value.as_str().map(String::from);
            let list = with_removed(lang, list, std::slice::from_ref(&c.value));
            view! { <select name="value" aria-label=label on:change=move |ev| { let v = event_target_value(&ev); set(with(if v.is_empty() { Value::Null } else { Value::String(v) })) }>
                <option value="" selected=current.is_none()>{lang.pick("（空）", "(empty)")}</option>
                {list.iter().map(|(key, zh, en)| view! { <option value=key.clone() selected=current.as_deref() == Some(key.as_str())>{lang.pick(zh, en).to_string()}</option> }).collect_view()}
            </select> }
            .into_any()
        }
        (Some(Values::Options(options)), _) => {
            let current = c.value.as_str().map(String::from);
            let list: Vec<(String, String, String)> = options.iter().map(|o| (o.clone(), o.clone(), o.clone())).collect();
            let list = with_removed(lang, &list, std::slice::from_ref(&c.value));
            view! { <select name="value" aria-label=label on:change=move |ev| set(with(Value::String(event_target_value(&ev))))>
                {list.iter().map(|(key, zh, en)| view! { <option value=key.clone() selected=current.as_deref() == Some(key.as_str())>{lang.pick(zh, en).to_string()}</option> }).collect_view()}
            </select> }
            .into_any()
        }
        (Some(Values::Number), _) => view! { <input type="number" name="value" aria-label=label prop:value=c.value.as_f64().map(shared::number::format).unwrap_or_default()
        on:change=move |ev| set(with(shared::number::parse(&event_target_value(&ev)).and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number))) /> }
        .into_any(),
        (Some(Values::Date), _) => view! { <input type="date" name="value" aria-label=label prop:value=c.value.as_i64().map(shared::time::format_date).unwrap_or_default()
        on:change=move |ev| set(with(shared::time::parse_date(&event_target_value(&ev)).map_or(Value::Null, Value::from))) /> }
        .into_any(),
        // Text (`in`: several, separated by commas), a list's one value, or a field the
        // settings no longer have (shown as stored; saving names it).
        _ => {
            let text = match &c.value {
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            let several = c.op == Op::In;
            view! { <input name="value" aria-label=label prop:value=text on:change=move |ev| {
                let v = event_target_value(&ev);
                set(with(if several { Value::Array(state::list(&v).into_iter().map(Value::String).collect()) } else { Value::String(v.trim().to_string()) }))
            } /> }
            .into_any()
        }
    }
}

/// The field's values, then any the condition holds that the field no longer has (an
/// industry since removed), marked: shown so they can be unticked or replaced, which
/// saving asks for.
fn with_removed(lang: Lang, list: &[(String, String, String)], held: &[Value]) -> Vec<(String, String, String)> {
    let mut all = list.to_vec();
    for key in held.iter().filter_map(Value::as_str) {
        if !all.iter().any(|(k, _, _)| k == key) {
            let label = format!("{key} {}", lang.pick("（已删除）", "(removed)"));
            all.push((key.to_string(), label.clone(), label));
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_new_condition_is_one_its_field_accepts() {
        let mut settings = TenantSettings::default();
        let field = |key: &str, kind| shared::fields::FieldDef { key: key.into(), label: key.into(), kind, options: vec!["培训".into(), "实施".into()], required: false };
        settings.custom_fields.extend([field("needs", shared::fields::FieldKind::MultiSelect), field("size", shared::fields::FieldKind::Select), field("signed", shared::fields::FieldKind::Date)]);
        for field in settings.condition_fields() {
            let rule = SegmentRule { key: "x".into(), zh: "x".into(), en: "x".into(), cadence_days: 7, when: vec![condition_for(&field)] };
            let mut errors = Vec::new();
            rule.validate("s", &settings.condition_fields(), &mut errors);
            // Text and list values start empty, for the reader to type: saving asks for one.
            let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
            let expected: &[&str] = if matches!(field.values, Values::Text | Values::List) { &["required"] } else { &[] };
            assert_eq!(codes, expected, "{}", field.field);
        }
    }

    #[test]
    fn changing_the_comparison_keeps_the_value() {
        let c = Condition { field: "region".into(), op: Op::Eq, value: json!("east") };
        let many = with_op(&c, Op::In);
        assert_eq!(many.value, json!(["east"]));
        assert_eq!(with_op(&many, Op::Ne).value, json!("east"));
        assert_eq!(with_op(&Condition { value: json!(null), ..c.clone() }, Op::In).value, json!([]));
        assert_eq!(with_op(&Condition { value: json!([]), ..c }, Op::Eq).value, json!(null));
    }

    #[test]
    fn a_value_the_field_no_longer_has_is_shown_to_be_replaced() {
        let list = vec![("east".to_string(), "华东".to_string(), "East".to_string())];
        let shown = with_removed(Lang::Zh, &list, &[json!("east"), json!("north")]);
        assert_eq!(shown.iter().map(|(k, zh, _)| format!("{k}={zh}")).collect::<Vec<_>>(), vec!["east=华东", "north=north （已删除）"]);
    }

    #[test]
    fn ticking_and_unticking_a_choice() {
        let v = toggled(&json!(["east"]), "west", true);
        assert_eq!(v, json!(["east", "west"]));
        assert_eq!(toggled(&v, "east", false), json!(["west"]));
        assert_eq!(toggled(&json!(null), "east", true), json!(["east"]), "a value that was not a list becomes one");
        assert_eq!(toggled(&json!(["east"]), "east", true), json!(["east"]), "never twice");
    }
}
