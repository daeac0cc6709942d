//! Publishable intake keys: a web-to-lead form for pages without a backend (a landing
//! page builder, WordPress, 简道云/明道云/宜搭, a QR code at a trade fair). A key does one
//! thing: it submits a new customer into its tenant — through the tenant's allocation
//! rules, or into the pool — from the origins it lists. It reads nothing. What a key is,
//! what a submission must hold and what its answer may say are decided here; the edge
//! stores keys hashed and runs the submission as one D1 batch.

use serde::{Deserialize, Serialize};

use crate::allocation::Strategy;
use crate::field_error::FieldError;
use crate::ids::is_valid_slug;

/// What a key's secret starts with (`ik_<id>_<secret>`): tells a key from a token.
pub const KEY_PREFIX: &str = "ik_";
/// Characters of a key's secret part (base62: about 143 bits).
pub const SECRET_CHARS: usize = 24;
/// Keys one tenant may hold (revoked keys included: they stay listed).
pub const MAX_KEYS: usize = 100;
/// A submission's body, in bytes.
pub const MAX_SUBMISSION_BYTES: usize = 8 * 1024;
/// A person needs a moment to fill a form; a script posting at once does not. Checked on
/// what the form reports (`elapsed_ms`): friction for naive bots, not a wall — the
/// per-key and per-address request budgets are that.
pub const MIN_FILL_MS: u64 = 2_000;
/// Fields a key's form may ask for, in the order a form shows them.
pub const FIELDS: &[&str] = &["name", "company", "contact_name", "phone", "email", "wechat", "city", "message"];
/// The fields a key's form asks for unless it says otherwise.
pub const DEFAULT_FIELDS: &[&str] = &["name", "company", "phone", "city", "message"];

/// Where a submitted customer goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntakePlacement {
    /// Allocated by the tenant's allocation rules (or the key's `strategy`) as it lands.
    #[default]
    Allocate,
    /// Into the public pool, to be claimed or distributed.
    Pool,
}

/// How a key's hosted page (`/f/{key}`) and form look.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IntakePage {
    /// The page's heading (default: the tenant's "联系我们 / Contact us").
    #[serde(default)]
    pub title: Option<String>,
    /// A paragraph under the heading.
    #[serde(default)]
    pub intro: Option<String>,
    /// Fields the form asks for, from [`FIELDS`] (default [`DEFAULT_FIELDS`]).
    #[serde(default)]
    pub fields: Vec<String>,
    /// The accent colour, `#rrggbb`.
    #[serde(default)]
    pub accent: Option<String>,
}

/// `POST /intake-keys` and `PATCH /intake-keys/{id}` (every field; a PATCH sends the
/// whole settings of the key, as read).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IntakeKeyInput {
    /// What the key is for ("官网表单", "2026 上海展会二维码"): the channel reports credit.
    pub label: String,
    /// Origins whose pages may submit with the key; empty: any page (a QR code, an
    /// iframe on a platform's own domain).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// The customers' `source` (default: the label).
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub placement: IntakePlacement,
    /// With `allocate`: this strategy instead of the tenant's default.
    #[serde(default)]
    pub strategy: Option<Strategy>,
    /// Whether the answer names (masked: 王**) the rep who will call back.
    #[serde(default)]
    pub reveal_owner: bool,
    #[serde(default)]
    pub page: IntakePage,
}

/// A key as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IntakeKeyView {
    pub id: String,
    #[serde(flatten)]
    pub settings: IntakeKeyInput,
    pub created_by: String,
    pub created_at: i64,
    /// Set once revoked: the key submits nothing from then on.
    pub revoked_at: Option<i64>,
    /// Submissions accepted so far.
    pub submissions: u64,
}

/// `POST /intake-keys` answer: the key, its secret (shown this once: only its hash is
/// stored) and where its hosted page and QR code are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IntakeKeyCreated {
    pub key: IntakeKeyView,
    /// `ik_<id>_<secret>`: the `key` attribute of `<allot-allocate mode="intake">`.
    pub secret: String,
    /// The hosted form (`/f/<secret>`): a link, an iframe's `src`, a QR code's target.
    pub page_url: String,
    /// An SVG QR code of `page_url`.
    pub qr_url: String,
}

/// `GET /intake-keys`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IntakeKeyList {
    pub items: Vec<IntakeKeyView>,
}

/// `POST /intake`: what a person typed into a key's form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IntakeSubmission {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub wechat: Option<String>,
    /// A province or city: the tenant's territories resolve it to a region.
    #[serde(default)]
    pub city: Option<String>,
    /// What the person wrote: the customer's first follow-up note.
    #[serde(default)]
    pub message: Option<String>,
    /// The honeypot: a field people never see and bots fill in.
    #[serde(default)]
    pub website: Option<String>,
    /// Milliseconds between the form's first paint and the submit.
    #[serde(default)]
    pub elapsed_ms: u64,
}

/// `POST /intake` answer: received — and, if the key allows, who will call back. Never
/// another customer's data; a phone already known answers the same way.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IntakeReceipt {
    pub received: bool,
    /// The masked name of the rep who will call back (王**), when the key reveals it and
    /// one is assigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// What a submission that is not taken is.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// The honeypot is filled in: answered as received, nothing is written.
    Bot,
    /// Submitted faster than a person fills a form.
    TooFast,
    /// Field problems a person can fix.
    Invalid(Vec<FieldError>),
}

const MAX_TEXT: usize = 200;
const MAX_MESSAGE: usize = 2_000;
const MAX_LABEL: usize = 60;
const MAX_INTRO: usize = 500;

fn chars(s: &Option<String>) -> usize {
    s.as_deref().map_or(0, |s| s.chars().count())
}

fn filled(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

impl IntakeKeyInput {
    /// Checks a key's settings; every problem is reported.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let label = self.label.trim().chars().count();
        if label == 0 || label > MAX_LABEL {
            errors.push(FieldError::new("label", "invalid", format!("1 to {MAX_LABEL} characters")));
        }
        if let Err(e) = crate::limits::at_most("allowed_origins", self.allowed_origins.len(), crate::limits::SETTINGS_LIST) {
            errors.push(e);
        } else {
            for (i, origin) in self.allowed_origins.iter().enumerate() {
                if !crate::settings::is_origin(origin) {
                    errors.push(FieldError::new(format!("allowed_origins[{i}]"), "invalid_origin", "an origin as a browser sends it: https://example.com (lower case, no path)"));
                }
            }
        }
        if chars(&self.source) > MAX_LABEL {
            errors.push(FieldError::new("source", "too_long", format!("at most {MAX_LABEL} characters")));
        }
        if self.strategy.is_some() && self.placement == IntakePlacement::Pool {
            errors.push(FieldError::new("strategy", "conflict", "a key that places customers in the pool allocates nothing"));
        }
        if self.strategy == Some(Strategy::Optimal) {
            errors.push(FieldError::new("strategy", "invalid", "optimal allocates many customers at once; a form submits one"));
        }
        if chars(&self.page.title) > MAX_LABEL {
            errors.push(FieldError::new("page.title", "too_long", format!("at most {MAX_LABEL} characters")));
        }
        if chars(&self.page.intro) > MAX_INTRO {
            errors.push(FieldError::new("page.intro", "too_long", format!("at most {MAX_INTRO} characters")));
        }
        if let Err(e) = crate::limits::at_most("page.fields", self.page.fields.len(), FIELDS.len()) {
            errors.push(e);
        } else {
            for (i, field) in self.page.fields.iter().enumerate() {
                if !FIELDS.contains(&field.as_str()) {
                    errors.push(FieldError::new(format!("page.fields[{i}]"), "invalid", format!("one of {}", FIELDS.join(", "))));
                }
            }
            let contacts = self.fields().iter().filter(|f| matches!(**f, "phone" | "email" | "wechat")).count();
            if !self.page.fields.is_empty() && contacts == 0 {
                errors.push(FieldError::new("page.fields", "no_contact", "ask for a phone, an e-mail or a WeChat id: a lead nobody can call back is lost"));
            }
        }
        if let Some(accent) = &self.page.accent {
            let hex = accent.strip_prefix('#').filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()));
            if hex.is_none() {
                errors.push(FieldError::new("page.accent", "invalid", "a colour as #rrggbb"));
            }
        }
        crate::field_error::finish(errors)
    }

    /// The fields the key's form asks for, in [`FIELDS`] order.
    pub fn fields(&self) -> Vec<&'static str> {
        if self.page.fields.is_empty() {
            return DEFAULT_FIELDS.to_vec();
        }
        FIELDS.iter().copied().filter(|f| self.page.fields.iter().any(|g| g == f)).collect()
    }

    /// The `source` its customers get: the channel reports credit.
    pub fn channel(&self) -> String {
        filled(&self.source).unwrap_or_else(|| self.label.trim().to_string())
    }

    /// Whether a page on `origin` may submit with the key.
    pub fn admits(&self, origin: Option<&str>) -> bool {
        self.allowed_origins.is_empty() || origin.is_some_and(|o| self.allowed_origins.iter().any(|a| a == o))
    }
}

/// The customer a submission describes, before the tenant's rules place it.
#[derive(Clone, Debug, PartialEq)]
pub struct Lead {
    pub name: String,
    pub company: Option<String>,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub wechat: Option<String>,
    pub city: Option<String>,
    pub message: Option<String>,
}

impl IntakeSubmission {
    /// Checks a submission against its key: the honeypot, the fill time, the fields the
    /// key asks for, a way to call back, lengths. Answers the lead it describes.
    pub fn check(&self, key: &IntakeKeyInput) -> Result<Lead, Refusal> {
        if filled(&self.website).is_some() {
            return Err(Refusal::Bot);
        }
        if self.elapsed_ms < MIN_FILL_MS {
            return Err(Refusal::TooFast);
        }
        let asked = key.fields();
        let mut errors = Vec::new();
        let sent = [
            ("name", &self.name),
            ("company", &self.company),
            ("contact_name", &self.contact_name),
            ("phone", &self.phone),
            ("email", &self.email),
            ("wechat", &self.wechat),
            ("city", &self.city),
            ("message", &self.message),
        ];
        for (field, value) in sent {
            if filled(value).is_some() && !asked.contains(&field) {
                errors.push(FieldError::new(field, "not_asked", "this form does not ask for it"));
            }
            let max = if field == "message" { MAX_MESSAGE } else { MAX_TEXT };
            if chars(value) > max {
                errors.push(FieldError::new(field, "too_long", format!("at most {max} characters")));
            }
        }
        let name = filled(&self.name).or_else(|| filled(&self.company)).or_else(|| filled(&self.contact_name));
        if name.is_none() {
            let field = if asked.contains(&"name") { "name" } else { "company" };
            errors.push(FieldError::new(field, "required", "tell us your name or your company's"));
        }
        if filled(&self.phone).is_none() && filled(&self.email).is_none() && filled(&self.wechat).is_none() {
            let field = asked.iter().copied().find(|f| matches!(*f, "phone" | "email" | "wechat")).unwrap_or("phone");
            errors.push(FieldError::new(field, "required", "leave a phone number, an e-mail or a WeChat id so we can reach you"));
        }
        if !errors.is_empty() {
            return Err(Refusal::Invalid(errors));
        }
        Ok(Lead {
            name: name.unwrap_or_default(),
            company: filled(&self.company),
            contact_name: filled(&self.contact_name),
            phone: filled(&self.phone),
            email: filled(&self.email),
            wechat: filled(&self.wechat),
            city: filled(&self.city),
            message: filled(&self.message),
        })
    }
}

/// A key as the submitter presents it, split into its id and secret.
pub fn parse_key(text: &str) -> Option<(&str, &str)> {
    let rest = text.trim().strip_prefix(KEY_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let ok = is_valid_slug(id) && secret.len() == SECRET_CHARS && secret.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then_some((id, secret))
}

/// A secret from random bytes (the edge draws them): base62, [`SECRET_CHARS`] long.
pub fn secret_from(random: &[u8; SECRET_CHARS]) -> String {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    // 256 = 4 × 62 + 8: values of 248 and above would favour the first eight characters
    // a little; folding them onto `b % 62` keeps the bias under 1.3 %.
    random.iter().map(|b| ALPHABET[usize::from(*b) % 62] as char).collect()
}

/// What is stored of a secret: its SHA-256, hex. The secret has ~143 random bits, so a
/// fast hash is enough: nobody can search that space, and a leaked table holds no key.
#[cfg(feature = "token")]
pub fn secret_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The key a submitter holds.
pub fn key_text(id: &str, secret: &str) -> String {
    format!("{KEY_PREFIX}{id}_{secret}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> IntakeKeyInput {
        IntakeKeyInput { label: "官网表单".into(), ..Default::default() }
    }

    fn person() -> IntakeSubmission {
        IntakeSubmission { name: Some("李雷".into()), phone: Some("13812345678".into()), elapsed_ms: 8_000, ..Default::default() }
    }

    #[test]
    fn a_person_with_a_way_to_call_back_is_a_lead() {
        let lead = person().check(&key()).expect("a lead");
        assert_eq!((lead.name.as_str(), lead.phone.as_deref()), ("李雷", Some("13812345678")));
        let company_only = IntakeSubmission { name: None, company: Some("韩梅梅贸易".into()), ..person() };
        assert_eq!(company_only.check(&key()).expect("a lead").name, "韩梅梅贸易");
    }

    #[test]
    fn bots_fast_scripts_and_unreachable_leads_are_refused() {
        assert_eq!(IntakeSubmission { website: Some("http://spam".into()), ..person() }.check(&key()), Err(Refusal::Bot));
        assert_eq!(IntakeSubmission { elapsed_ms: 300, ..person() }.check(&key()), Err(Refusal::TooFast));
        let Err(Refusal::Invalid(errors)) = IntakeSubmission { phone: None, ..person() }.check(&key()) else { panic!("no contact") };
        assert_eq!((errors[0].path.as_str(), errors[0].code.as_str()), ("phone", "required"));
        let Err(Refusal::Invalid(errors)) = IntakeSubmission { wechat: Some("wx".into()), ..person() }.check(&key()) else { panic!("wechat not asked") };
        assert_eq!(errors[0].code, "not_asked");
    }

    #[test]
    fn key_settings_are_checked() {
        assert!(key().validate().is_ok());
        let bad = IntakeKeyInput {
            label: String::new(),
            allowed_origins: vec!["https://Example.com/path".into()],
            placement: IntakePlacement::Pool,
            strategy: Some(Strategy::RoundRobin),
            page: IntakePage { fields: vec!["name".into(), "city".into()], accent: Some("red".into()), ..Default::default() },
            ..Default::default()
        };
        let codes: Vec<String> = bad.validate().unwrap_err().into_iter().map(|e| format!("{}:{}", e.path, e.code)).collect();
        assert_eq!(codes, ["label:invalid", "allowed_origins[0]:invalid_origin", "strategy:conflict", "page.fields:no_contact", "page.accent:invalid"]);
    }

    #[test]
    fn origins_are_admitted_only_when_listed_if_any_are() {
        assert!(key().admits(None) && key().admits(Some("https://a.cn")));
        let listed = IntakeKeyInput { allowed_origins: vec!["https://a.cn".into()], ..key() };
        assert!(listed.admits(Some("https://a.cn")) && !listed.admits(Some("https://b.cn")) && !listed.admits(None));
    }

    #[test]
    fn keys_parse_and_secrets_are_base62() {
        let secret = secret_from(&[255; SECRET_CHARS]);
        assert_eq!(secret.len(), SECRET_CHARS);
        let text = key_text("k1a2b3", &secret);
        assert_eq!(parse_key(&text), Some(("k1a2b3", secret.as_str())));
        assert_eq!(parse_key("ik_k1_short"), None);
        assert_eq!(parse_key("eyJhbGciOi.x.y"), None);
    }
}
