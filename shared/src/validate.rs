//! Validation of customer input: one path for create, patch and import, so the widget's
//! instant feedback, the API's 400s and an import's per-row report always agree.

use std::collections::BTreeMap;

use crate::api::{CustomerInput, CustomerPatch};
use crate::customer::{Customer, Intent, Tier};
use crate::field_error::FieldError;
use crate::settings::{CustomerSchema, TenantSettings, Terminal};
use crate::time::Millis;

pub const MAX_NAME: usize = 200;
pub const MAX_TEXT: usize = 200;
pub const MAX_TAG: usize = 30;
pub const MAX_AMOUNT: f64 = 1e13;

/// The editable fields of a customer after validation: trimmed, empty text dropped,
/// labels resolved to keys, custom values canonical.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerFields {
    pub name: String,
    pub company: Option<String>,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub wechat: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub source: Option<String>,
    pub amount: Option<f64>,
    pub stage: String,
    pub tier: Option<Tier>,
    pub intent: Option<Intent>,
    pub tags: Vec<String>,
    pub custom: BTreeMap<String, serde_json::Value>,
    pub next_follow_up_at: Option<Millis>,
}

impl CustomerFields {
    /// A new customer with these fields as allocation sees it, before it has an owner (the
    /// intake paths: `POST /customers` with `allocate`, and intake keys).
    pub fn prospect(&self, id: &str) -> crate::allocation::Prospect {
        crate::allocation::Prospect {
            id: id.to_string(),
            name: self.name.clone(),
            industry: self.industry.clone(),
            region: self.region.clone(),
            tier: self.tier,
            amount: self.amount.unwrap_or(0.0),
            existing: false,
        }
    }
}

fn clean_text(path: &str, text: &Option<String>, max: usize, errors: &mut Vec<FieldError>) -> Option<String> {
    let trimmed = text.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
    if trimmed.chars().count() > max {
        errors.push(FieldError::new(path, "too_long", format!("at most {max} characters")));
    }
    if trimmed.chars().any(|c| c.is_control()) {
        errors.push(FieldError::new(path, "invalid_text", "control characters are not allowed"));
    }
    Some(trimmed.to_string())
}

/// One tag as a customer keeps it (trimmed, at most [`MAX_TAG`] characters, no control
/// characters): the rule of a form's tags and of a bulk "add a tag" alike.
pub fn clean_tag(path: &str, tag: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    clean_text(path, &Some(tag.to_string()), MAX_TAG, errors)
}

/// Checks a create request (or an import row, or a patched record) against the tenant's
/// settings. Every problem is reported, not just the first.
pub fn check_customer(input: &CustomerInput, settings: &(impl CustomerSchema + ?Sized)) -> Result<CustomerFields, Vec<FieldError>> {
    // Bounded before any work on them (deduplicating tags is quadratic).
    crate::limits::check([("tags".to_string(), input.tags.len(), crate::limits::TAGS), ("custom".to_string(), input.custom.len(), crate::limits::CUSTOM_FIELDS)])?;
    if let Some(at) = input.next_follow_up_at {
        crate::time::check_date("next_follow_up_at", at).map_err(|e| vec![e])?;
    }
    let mut errors = Vec::new();
    let name = clean_text("name", &Some(input.name.clone()), MAX_NAME, &mut errors);
    if name.is_none() {
        errors.push(FieldError::new("name", "required", "a customer needs a name"));
    }
    let company = clean_text("company", &input.company, MAX_TEXT, &mut errors);
    let contact_name = clean_text("contact_name", &input.contact_name, MAX_TEXT, &mut errors);
    let phone = clean_text("phone", &input.phone, 40, &mut errors);
    if let Some(p) = &phone {
        let plausible = p.chars().all(|c| c.is_ascii_digit() || " +-()（）＋".contains(c) || ('０'..='９').contains(&c));
        if !plausible || crate::normalize::phone_key(p).is_none_or(|k| k.len() > 20) {
            errors.push(FieldError::new("phone", "invalid_phone", "a phone number such as 138 1234 5678"));
        }
    }
    let email = clean_text("email", &input.email, MAX_TEXT, &mut errors);
    if email.as_deref().is_some_and(|e| !crate::normalize::is_email(e)) {
        errors.push(FieldError::new("email", "invalid_email", "an address such as name@example.com"));
    }
    let wechat = clean_text("wechat", &input.wechat, 64, &mut errors);
    let source = clean_text("source", &input.source, MAX_TEXT, &mut errors);
    let industry = clean_text("industry", &input.industry, MAX_TEXT, &mut errors).and_then(|text| {
        let key = settings.resolve_industry(&text).map(str::to_string);
        if key.is_none() {
            errors.push(FieldError::new("industry", "not_in_list", format!("{text} is not one of the tenant's industries")));
        }
        key
    });
    let region = clean_text("region", &input.region, MAX_TEXT, &mut errors).and_then(|text| {
        let key = settings.resolve_region(&text).map(str::to_string);
        if key.is_none() {
            errors.push(FieldError::new("region", "not_in_list", format!("{text} is not in any territory")));
        }
        key
    });
    let stage = match clean_text("stage", &input.stage, MAX_TEXT, &mut errors) {
        None => settings.initial_stage().to_string(),
        Some(text) => match settings.resolve_stage(&text) {
            Some(s) => s.key.clone(),
            None => {
                errors.push(FieldError::new("stage", "not_in_list", format!("{text} is not a pipeline stage")));
                settings.initial_stage().to_string()
            }
        },
    };
    if let Some(amount) = input.amount {
        if !amount.is_finite() || !(0.0..=MAX_AMOUNT).contains(&amount) {
            errors.push(FieldError::new("amount", "out_of_range", "an amount from 0 to 10,000,000,000,000"));
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for (i, tag) in input.tags.iter().enumerate() {
        if let Some(t) = clean_tag(&format!("tags[{i}]"), tag, &mut errors) {
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
    }
    let custom = crate::fields::check_custom(settings.custom_fields(), &input.custom, &mut errors);
    if errors.is_empty() {
        Ok(CustomerFields {
            name: name.unwrap_or_default(),
            company,
            contact_name,
            phone,
            email,
            wechat,
            industry,
            region,
            source,
            amount: input.amount,
            stage,
            tier: input.tier,
            intent: input.intent,
            tags,
            custom,
            next_follow_up_at: input.next_follow_up_at,
        })
    } else {
        Err(errors)
    }
}

/// Who creates, when, and the id to give: what the edge knows that the input does not.
#[derive(Clone, Debug)]
pub struct Creation<'a> {
    pub id: String,
    pub owner: Option<String>,
    pub created_by: &'a str,
    pub now: Millis,
}

/// A new record from checked fields, with its segment evaluated and its stage dates set.
pub fn new_customer(fields: CustomerFields, creation: Creation<'_>, settings: &TenantSettings) -> Customer {
    let mut customer = Customer {
        id: creation.id,
        name: fields.name,
        company: None,
        contact_name: None,
        phone: None,
        email: None,
        wechat: None,
        industry: None,
        region: None,
        source: None,
        amount: None,
        stage: String::new(),
        tier: None,
        intent: None,
        tags: Vec::new(),
        custom: BTreeMap::new(),
        owner: creation.owner,
        collaborators: Vec::new(),
        created_by: creation.created_by.to_string(),
        created_at: creation.now,
        updated_at: creation.now,
        last_follow_up_at: None,
        next_follow_up_at: None,
        won_at: None,
        lost_at: None,
        segment: None,
        version: 1,
    };
    let checked = CustomerFields { name: customer.name.clone(), ..fields };
    overwrite(&mut customer, checked, settings, creation.now);
    customer
}

/// Applies a patch to a stored record: the patched whole goes through [`check_customer`]
/// again, so a patch can never produce a record a create would refuse.
pub fn apply_patch(existing: &Customer, patch: &CustomerPatch, settings: &TenantSettings, now: Millis) -> Result<Customer, Vec<FieldError>> {
    let mut input = CustomerInput::from_customer(existing);
    patch.overlay(&mut input);
    let fields = check_customer(&input, settings)?;
    let mut updated = existing.clone();
    overwrite(&mut updated, fields, settings, now);
    // A stage change through a patch obeys the same entry rules as a board move.
    if updated.stage != existing.stage {
        let mut before_move = updated.clone();
        before_move.stage = existing.stage.clone();
        if let Err(refusal) = crate::pipeline::check_move(settings, &before_move, &updated.stage) {
            return Err(vec![FieldError::new("stage", &refusal.code, refusal.message)]);
        }
    }
    updated.updated_at = now;
    updated.version = existing.version + 1;
    Ok(updated)
}

fn overwrite(c: &mut Customer, f: CustomerFields, settings: &TenantSettings, now: Millis) {
    let terminal = settings.resolve_stage(&f.stage).and_then(|s| s.terminal);
    c.won_at = match terminal {
        Some(Terminal::Won) => c.won_at.or(Some(now)),
        _ => None,
    };
    c.lost_at = match terminal {
        Some(Terminal::Lost) => c.lost_at.or(Some(now)),
        _ => None,
    };
    c.name = f.name;
    c.company = f.company;
    c.contact_name = f.contact_name;
    c.phone = f.phone;
    c.email = f.email;
    c.wechat = f.wechat;
    c.industry = f.industry;
    c.region = f.region;
    c.source = f.source;
    c.amount = f.amount;
    c.stage = f.stage;
    c.tier = f.tier;
    c.intent = f.intent;
    c.tags = f.tags;
    c.custom = f.custom;
    c.next_follow_up_at = f.next_follow_up_at;
    c.segment = crate::segment::segment_key(&settings.segments, c);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings() -> TenantSettings {
        TenantSettings { custom_fields: serde_json::from_value(json!([{"key": "level", "label": "等级", "kind": "select", "options": ["A", "B"]}])).unwrap(), ..TenantSettings::default() }
    }

    fn check(input: serde_json::Value) -> Result<CustomerFields, Vec<(String, String)>> {
        let input: CustomerInput = serde_json::from_value(input).unwrap();
        let whole = check_customer(&input, &settings());
        // The widget checks against the lists it decodes from the same settings document:
        // the same answer, every time.
        let lists: crate::settings::CustomerLists = crate::wire::from_json(&serde_json::to_string(&settings()).unwrap()).unwrap();
        assert_eq!(check_customer(&input, &lists), whole);
        whole.map_err(|errs| errs.into_iter().map(|e| (e.path, e.code)).collect())
    }

    #[test]
    fn cleans_and_resolves() {
        let f = check(json!({"name": "  星辰科技 ", "phone": "+86 138 1234 5678", "industry": "零售业", "region": "上海", "stage": "方案报价", "tags": ["a", "a", " b "], "company": ""})).unwrap();
        assert_eq!(f.name, "星辰科技");
        assert_eq!(f.industry.as_deref(), Some("retail"));
        assert_eq!(f.region.as_deref(), Some("east"));
        assert_eq!(f.stage, "proposal");
        assert_eq!(f.tags, vec!["a", "b"]);
        assert_eq!(f.company, None);
    }

    #[test]
    fn reports_every_bad_field() {
        let errs = check(json!({"name": " ", "phone": "call me", "email": "nope", "industry": "mining", "region": "Mars", "stage": "done", "amount": -1.0, "custom": {"level": "Z"}})).unwrap_err();
        let paths: Vec<&str> = errs.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, vec!["name", "phone", "email", "industry", "region", "stage", "amount", "custom.level"]);
    }

    #[test]
    fn patch_revalidates_the_whole_record_and_bumps_version() {
        let s = settings();
        let fields = check(json!({"name": "A", "tier": "key"})).unwrap();
        let c = new_customer(fields, Creation { id: "c_1".into(), owner: Some("u1".into()), created_by: "u1", now: 10 }, &s);
        assert_eq!(c.segment.as_deref(), Some("core"));
        let patch: CustomerPatch = serde_json::from_value(json!({"version": 1, "stage": "won", "tier": null, "intent": "low"})).unwrap();
        let updated = apply_patch(&c, &patch, &s, 20).unwrap();
        assert_eq!((updated.version, updated.won_at, updated.tier, updated.segment.as_deref()), (2, Some(20), None, Some("risk")));
        let bad: CustomerPatch = serde_json::from_value(json!({"version": 2, "name": ""})).unwrap();
        assert_eq!(apply_patch(&updated, &bad, &s, 30).unwrap_err()[0].path, "name");
    }
}
