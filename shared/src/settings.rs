//! Tenant settings: the classification data a tenant tunes. Stored as one versioned JSON
//! document per tenant (in KV at the edge), validated here before it is stored.

use serde::{Deserialize, Serialize};

use crate::field_error::FieldError;
use crate::fields::{FieldDef, FieldKind};
use crate::lifecycle::LifecycleThresholds;
use crate::segment::{ConditionField, SegmentRule, Values};

/// A labelled choice, e.g. an industry: the key is stored, the labels are shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub key: String,
    /// Simplified Chinese label.
    pub zh: String,
    /// English label.
    pub en: String,
}

/// A sales territory (地域) and the provinces or cities it covers, so that an import
/// saying 上海 lands in `east`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Territory {
    pub key: String,
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub places: Vec<String>,
}

/// A pipeline stage (销售漏斗) with its win probability in percent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageDef {
    pub key: String,
    pub zh: String,
    pub en: String,
    pub probability: u8,
    /// `won` or `lost` for the two terminal stages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal: Option<Terminal>,
    /// Fields a customer needs before entering this stage (e.g. `amount` for 方案报价).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_fields: Vec<String>,
}

impl StageDef {
    /// An amount weighted by this stage's win probability (加权金额).
    pub fn weighted(&self, amount: f64) -> f64 {
        amount * f64::from(self.probability) / 100.0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Terminal {
    Won,
    Lost,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TenantSettings {
    /// Bumped by every accepted write; a write naming an older version is refused.
    #[serde(default)]
    pub version: i64,
    pub industries: Vec<Choice>,
    pub territories: Vec<Territory>,
    pub stages: Vec<StageDef>,
    pub lifecycle: LifecycleThresholds,
    #[serde(default)]
    pub custom_fields: Vec<FieldDef>,
    #[serde(default)]
    pub segments: Vec<SegmentRule>,
    /// Origins allowed to call the API from a browser (CORS), e.g. `https://portal.example.cn`.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Who keeps a customer when a rep enters one another rep owns (撞单).
    #[serde(default)]
    pub ownership_rule: OwnershipRule,
    /// Words an imported value-tier cell may hold besides the built-in names (大客户 /
    /// 潜力客户 / 普通客户, key / potential / regular), e.g. A/B/C or 重要/一般 from another
    /// CRM's export. Compared after trimming, ASCII case ignored.
    #[serde(default = "default_tier_labels")]
    pub tier_labels: Vec<TierLabel>,
}

/// An imported value-tier word and the tier it means.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TierLabel {
    pub label: String,
    pub tier: crate::customer::Tier,
}

/// The labels Chinese CRMs' exports commonly use: A/B/C, 重要/普通/一般, 高/中/低.
pub fn default_tier_labels() -> Vec<TierLabel> {
    use crate::customer::Tier::{Key, Potential, Regular};
    [("A", Key), ("B", Potential), ("C", Regular), ("重要", Key), ("重点", Key), ("普通", Regular), ("一般", Regular), ("高", Key), ("中", Potential), ("低", Regular)]
        .into_iter()
        .map(|(label, tier)| TierLabel { label: label.into(), tier })
        .collect()
}

/// The tenant's customer ownership rule (客户归属规则): which of two reps keeps a customer
/// when one enters (creates or imports) a customer the other already owns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OwnershipRule {
    /// 首次录入为准: the owner keeps it and the new entry is refused.
    #[default]
    FirstEntry,
    /// 历史跟进优先: the rep with the later follow-up logged on the customer keeps it, or
    /// takes it over.
    FollowUpHistory,
    /// 区域负责制: a rep who covers the customer's region takes it over from one who
    /// does not.
    Region,
}

impl OwnershipRule {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnershipRule::FirstEntry => "first_entry",
            OwnershipRule::FollowUpHistory => "follow_up_history",
            OwnershipRule::Region => "region",
        }
    }
}

fn choice(key: &str, zh: &str, en: &str) -> Choice {
    Choice { key: key.into(), zh: zh.into(), en: en.into() }
}

fn territory(key: &str, zh: &str, en: &str, places: &[&str]) -> Territory {
    Territory { key: key.into(), zh: zh.into(), en: en.into(), places: places.iter().map(|p| p.to_string()).collect() }
}

fn stage(key: &str, zh: &str, en: &str, probability: u8, terminal: Option<Terminal>) -> StageDef {
    StageDef { key: key.into(), zh: zh.into(), en: en.into(), probability, terminal, required_fields: Vec::new() }
}

impl Default for TenantSettings {
    fn default() -> TenantSettings {
        TenantSettings {
            version: 0,
            industries: vec![
                choice("manufacturing", "制造业", "Manufacturing"),
                choice("retail", "零售业", "Retail"),
                choice("services", "服务业", "Services"),
                choice("internet", "互联网", "Internet"),
                choice("healthcare", "医疗健康", "Healthcare"),
                choice("finance", "金融", "Finance"),
                choice("education", "教育", "Education"),
                choice("logistics", "物流", "Logistics"),
            ],
            territories: vec![
                territory(
                    "east",
                    "东区",
                    "East",
                    &["上海", "江苏", "浙江", "安徽", "福建", "江西", "山东", "Shanghai", "Jiangsu", "Zhejiang", "杭州", "南京", "苏州", "宁波", "青岛", "济南", "合肥", "厦门"],
                ),
                territory("south", "南区", "South", &["广东", "广西", "海南", "深圳", "广州", "Guangdong", "Shenzhen", "Guangzhou", "东莞", "佛山", "香港", "澳门"]),
                territory("west", "西区", "West", &["四川", "重庆", "云南", "贵州", "陕西", "甘肃", "青海", "宁夏", "新疆", "西藏", "成都", "西安", "昆明", "Chengdu", "Chongqing", "Sichuan"]),
                territory(
                    "north",
                    "北区",
                    "North",
                    &["北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "河南", "湖北", "湖南", "Beijing", "Tianjin", "沈阳", "大连", "郑州", "武汉", "长沙"],
                ),
            ],
            stages: vec![
                stage("lead", "线索", "Lead", 10, None),
                stage("contacted", "初步接触", "Contacted", 20, None),
                stage("qualified", "需求确认", "Qualified", 40, None),
                StageDef { required_fields: vec!["amount".into()], ..stage("proposal", "方案报价", "Proposal", 60, None) },
                stage("negotiation", "商务谈判", "Negotiation", 80, None),
                stage("won", "赢单", "Won", 100, Some(Terminal::Won)),
                stage("lost", "输单", "Lost", 0, Some(Terminal::Lost)),
            ],
            lifecycle: LifecycleThresholds::default(),
            custom_fields: Vec::new(),
            segments: crate::segment::default_rules(),
            allowed_origins: Vec::new(),
            ownership_rule: OwnershipRule::FirstEntry,
            tier_labels: default_tier_labels(),
        }
    }
}

/// What a customer's fields are checked against: the lists they choose from and the
/// tenant's own fields. The whole [`TenantSettings`] are one (the edge); [`CustomerLists`],
/// the part of `GET /settings` a widget's form decodes, is the other.
pub trait CustomerSchema {
    fn industries(&self) -> &[Choice];
    fn territories(&self) -> &[Territory];
    fn stages(&self) -> &[StageDef];
    fn custom_fields(&self) -> &[FieldDef];

    /// The industry key for a key or a label in either language.
    fn resolve_industry(&self, text: &str) -> Option<&str> {
        let text = text.trim();
        self.industries().iter().find(|c| c.key == text || c.zh == text || c.en.eq_ignore_ascii_case(text)).map(|c| c.key.as_str())
    }

    /// The territory key for a key, a label or a covered province or city. "上海市" and
    /// "广东省深圳市" resolve through their leading place name.
    fn resolve_region(&self, text: &str) -> Option<&str> {
        let text = text.trim();
        self.territories()
            .iter()
            .find(|t| t.key == text || t.zh == text || t.en.eq_ignore_ascii_case(text))
            .or_else(|| self.territories().iter().find(|t| t.places.iter().any(|p| p.eq_ignore_ascii_case(text) || (!p.is_ascii() && text.starts_with(p.as_str())))))
            .map(|t| t.key.as_str())
    }

    fn resolve_stage(&self, text: &str) -> Option<&StageDef> {
        let text = text.trim();
        self.stages().iter().find(|s| s.key == text || s.zh == text || s.en.eq_ignore_ascii_case(text))
    }

    /// The first stage, where new customers start.
    fn initial_stage(&self) -> &str {
        self.stages().first().map(|s| s.key.as_str()).unwrap_or("lead")
    }
}

/// Both implementations read the same four fields.
macro_rules! customer_schema {
    ($($ty:ty),*) => {$(
        impl CustomerSchema for $ty {
            fn industries(&self) -> &[Choice] {
                &self.industries
            }
            fn territories(&self) -> &[Territory] {
                &self.territories
            }
            fn stages(&self) -> &[StageDef] {
                &self.stages
            }
            fn custom_fields(&self) -> &[FieldDef] {
                &self.custom_fields
            }
        }
    )*};
}
customer_schema!(TenantSettings, CustomerLists);

/// The part of the settings a customer form needs, as the widget decodes `GET /settings`:
/// every other key is skipped unread, so the widget carries no decoder for segment rules,
/// origins or the ownership rule (~0.8 KB brotli of `<allot-customers>`, measured).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct CustomerLists {
    pub industries: Vec<Choice>,
    pub territories: Vec<Territory>,
    pub stages: Vec<StageDef>,
    #[serde(default)]
    pub custom_fields: Vec<FieldDef>,
}

impl TenantSettings {
    /// Checks a settings document before it is stored: keys unique and well formed,
    /// stages with exactly one won and one lost terminal, sane thresholds, valid rules.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        use crate::limits::{self, SETTINGS_LIST};
        let mut bounds = vec![
            ("industries".to_string(), self.industries.len(), SETTINGS_LIST),
            ("territories".to_string(), self.territories.len(), SETTINGS_LIST),
            ("stages".to_string(), self.stages.len(), limits::STAGES),
            ("custom_fields".to_string(), self.custom_fields.len(), limits::CUSTOM_FIELDS),
            ("segments".to_string(), self.segments.len(), SETTINGS_LIST),
            ("allowed_origins".to_string(), self.allowed_origins.len(), SETTINGS_LIST),
            ("tier_labels".to_string(), self.tier_labels.len(), SETTINGS_LIST),
        ];
        limits::check(bounds.drain(..))?;
        bounds.extend(self.territories.iter().enumerate().map(|(i, t)| (format!("territories[{i}].places"), t.places.len(), limits::PLACES)));
        bounds.extend(self.stages.iter().enumerate().map(|(i, s)| (format!("stages[{i}].required_fields"), s.required_fields.len(), limits::SMALL_LIST)));
        bounds.extend(self.custom_fields.iter().enumerate().map(|(i, f)| (format!("custom_fields[{i}].options"), f.options.len(), limits::FIELD_OPTIONS)));
        for (i, rule) in self.segments.iter().enumerate() {
            bounds.push((format!("segments[{i}].when"), rule.when.len(), limits::SMALL_LIST));
            for (j, c) in rule.when.iter().enumerate() {
                bounds.push((format!("segments[{i}].when[{j}].value"), c.value.as_array().map_or(0, Vec::len), SETTINGS_LIST));
            }
        }
        limits::check(bounds)?;
        let mut errors = Vec::new();
        check_keys("industries", self.industries.iter().map(|c| c.key.as_str()), &mut errors);
        check_keys("territories", self.territories.iter().map(|t| t.key.as_str()), &mut errors);
        check_keys("stages", self.stages.iter().map(|s| s.key.as_str()), &mut errors);
        check_keys("custom_fields", self.custom_fields.iter().map(|f| f.key.as_str()), &mut errors);
        check_keys("segments", self.segments.iter().map(|s| s.key.as_str()), &mut errors);
        if self.stages.len() < 3 {
            errors.push(FieldError::new("stages", "too_few", "at least one open stage plus won and lost"));
        }
        for terminal in [Terminal::Won, Terminal::Lost] {
            if self.stages.iter().filter(|s| s.terminal == Some(terminal)).count() != 1 {
                errors.push(FieldError::new("stages", "terminal", format!("exactly one {terminal:?} stage")));
            }
        }
        for (i, s) in self.stages.iter().enumerate() {
            if s.probability > 100 {
                errors.push(FieldError::new(format!("stages[{i}].probability"), "out_of_range", "0 to 100"));
            }
            for f in &s.required_fields {
                if !crate::customer::REQUIRABLE.contains(&f.as_str()) {
                    errors.push(FieldError::new(format!("stages[{i}].required_fields"), "not_in_list", crate::customer::REQUIRABLE.join(", ")));
                }
            }
        }
        for (i, f) in self.custom_fields.iter().enumerate() {
            let has_options = matches!(f.kind, FieldKind::Select | FieldKind::MultiSelect);
            if has_options && f.options.is_empty() {
                errors.push(FieldError::new(format!("custom_fields[{i}].options"), "required", "select fields need options"));
            }
        }
        self.lifecycle.validate(&mut errors);
        let fields = self.condition_fields();
        for (i, rule) in self.segments.iter().enumerate() {
            rule.validate(&format!("segments[{i}]"), &fields, &mut errors);
        }
        for (i, origin) in self.allowed_origins.iter().enumerate() {
            if !is_origin(origin) {
                errors.push(FieldError::new(
                    format!("allowed_origins[{i}]"),
                    "invalid_origin",
                    "an origin as a browser sends it, such as https://portal.example.cn or http://127.0.0.1:8788: lower case, no path, no wildcard, no default port",
                ));
            }
        }
        check_tier_labels(&self.tier_labels, &mut errors);
        crate::field_error::finish(errors)
    }

    /// The tier an imported value-tier cell names: one of the tenant's `tier_labels`, or
    /// a built-in name (`Tier::parse`).
    pub fn resolve_tier(&self, text: &str) -> Option<crate::customer::Tier> {
        let text = text.trim();
        self.tier_labels.iter().find(|l| l.label.eq_ignore_ascii_case(text)).map(|l| l.tier).or_else(|| crate::customer::Tier::parse(text))
    }

    /// What a value-tier cell may say, for the message of a row that says something else.
    pub fn tier_words(&self) -> String {
        let labels = self.tier_labels.iter().map(|l| l.label.as_str());
        let builtin = ["大客户", "潜力客户", "普通客户", "key", "potential", "regular"];
        labels.chain(builtin).collect::<Vec<_>>().join("/")
    }
}

/// Longest tier label, in characters.
const TIER_LABEL_CHARS: usize = 20;

/// Labels are non-empty, short, unique (ASCII case ignored) and never give a built-in
/// name another tier than its own (an import reading 大客户 as regular would surprise).
fn check_tier_labels(labels: &[TierLabel], errors: &mut Vec<FieldError>) {
    let mut seen = std::collections::BTreeSet::new();
    for (i, l) in labels.iter().enumerate() {
        let label = l.label.trim();
        let path = format!("tier_labels[{i}].label");
        if label.is_empty() || label.chars().count() > TIER_LABEL_CHARS || label != l.label {
            errors.push(FieldError::new(path, "invalid_label", format!("1 to {TIER_LABEL_CHARS} characters, no spaces around")));
        } else if !seen.insert(label.to_ascii_lowercase()) {
            errors.push(FieldError::new(path, "duplicate_label", format!("{label} appears twice")));
        } else if crate::customer::Tier::parse(label).is_some_and(|t| t != l.tier) {
            errors.push(FieldError::new(path, "conflicts_with_builtin", format!("{label} already means {}", crate::customer::Tier::parse(label).map_or("", |t| t.as_str()))));
        }
    }
}

impl TenantSettings {
    /// The fields a segment condition may name, in the tenant's words: the built-in ones
    /// (value tier, intent, industry, region, stage with their closed lists; source;
    /// amount; tags) and every custom field by its kind. What the admin console offers
    /// and what `SegmentRule::validate` accepts.
    pub fn condition_fields(&self) -> Vec<ConditionField> {
        use crate::customer::{Intent, Tier};
        let field = |field: &str, zh: &str, en: &str, values: Values| ConditionField { field: field.into(), zh: zh.into(), en: en.into(), values };
        let choices = |list: &[Choice]| Values::Choice(list.iter().map(|c| (c.key.clone(), c.zh.clone(), c.en.clone())).collect());
        let mut fields = vec![
            field("tier", "客户价值", "Value tier", Values::Choice(Tier::ALL.iter().map(|t| (t.as_str().into(), t.zh().into(), t.as_str().into())).collect())),
            field("intent", "成交意向", "Intent", Values::Choice(Intent::ALL.iter().map(|i| (i.as_str().into(), i.zh().into(), i.as_str().into())).collect())),
            field("industry", "行业", "Industry", choices(&self.industries)),
            field("region", "区域", "Region", Values::Choice(self.territories.iter().map(|t| (t.key.clone(), t.zh.clone(), t.en.clone())).collect())),
            field("stage", "阶段", "Stage", Values::Choice(self.stages.iter().map(|s| (s.key.clone(), s.zh.clone(), s.en.clone())).collect())),
            field("source", "来源", "Source", Values::Text),
            field("amount", "预计金额", "Amount", Values::Number),
            field("tags", "标签", "Tags", Values::List),
        ];
        fields.extend(self.custom_fields.iter().map(|f| {
            let values = match f.kind {
                FieldKind::Text => Values::Text,
                FieldKind::Number => Values::Number,
                FieldKind::Date => Values::Date,
                FieldKind::Select => Values::Choice(f.options.iter().map(|o| (o.clone(), o.clone(), o.clone())).collect()),
                FieldKind::MultiSelect => Values::Options(f.options.clone()),
            };
            field(&format!("custom.{}", f.key), &f.label, &f.label, values)
        }));
        fields
    }
}

impl TenantSettings {
    /// Whether a page on `origin` (as a browser sends it: scheme, host, port) may call
    /// the API with this tenant's tokens. Compared as written: validation admits only
    /// origins in the form browsers send ([`is_origin`]), so a listed origin that could
    /// never match is refused when it is saved, not silently ignored.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|a| a == origin)
    }
}

/// An origin in the form a browser sends in `Origin`: `http` or `https`, a lower-case
/// host, an optional port that is not the scheme's default, and nothing after it.
pub fn is_origin(origin: &str) -> bool {
    let (host, default_port) = match (origin.strip_prefix("https://"), origin.strip_prefix("http://")) {
        (Some(h), _) => (h, ":443"),
        (None, Some(h)) => (h, ":80"),
        _ => return false,
    };
    // Host characters only (lower-case letters, digits, `-`, `.`; an IPv6 address in
    // brackets), then an optional port of digits: an origin ends up in HTTP headers
    // (`frame-ancestors`), where `;`, quotes or a newline would inject directives.
    let (name, port) = match host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((address, rest)) if !address.is_empty() && address.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase() || b == b':' || b == b'.') => ("v6", rest),
            _ => return false,
        },
        None => match host.find(':') {
            Some(i) => (&host[..i], &host[i..]),
            None => (host, ""),
        },
    };
    let name_ok = name == "v6" && host.starts_with('[')
        || !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.') && !name.starts_with('.') && !name.ends_with('.');
    let port_ok = match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => !digits.is_empty() && digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit()) && port != default_port,
    };
    name_ok && port_ok
}

fn check_keys<'a>(list: &str, keys: impl Iterator<Item = &'a str>, errors: &mut Vec<FieldError>) {
    let mut seen = std::collections::BTreeSet::new();
    for (i, key) in keys.enumerate() {
        if !crate::ids::is_valid_slug(key) {
            errors.push(FieldError::new(format!("{list}[{i}].key"), "invalid_key", "letters, digits, - _ . only"));
        } else if !seen.insert(key) {
            errors.push(FieldError::new(format!("{list}[{i}].key"), "duplicate_key", format!("{key} appears twice")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_labels_resolve_and_validate() {
        use crate::customer::Tier;
        let mut settings = TenantSettings::default();
        for (text, tier) in [
            ("A", Some(Tier::Key)),
            (" b ", Some(Tier::Potential)),
            ("重要", Some(Tier::Key)),
            ("一般", Some(Tier::Regular)),
            ("中", Some(Tier::Potential)),
            ("大客户", Some(Tier::Key)),
            ("D", None),
            ("", None),
        ] {
            assert_eq!(settings.resolve_tier(text), tier, "{text:?}");
        }
        assert_eq!(settings.validate(), Ok(()));
        settings.tier_labels.push(TierLabel { label: "金牌".into(), tier: Tier::Key });
        assert_eq!(settings.resolve_tier("金牌"), Some(Tier::Key));
        let bad = |label: &str, tier: Tier| {
            let s = TenantSettings { tier_labels: vec![TierLabel { label: "x".into(), tier: Tier::Key }, TierLabel { label: label.into(), tier }], ..TenantSettings::default() };
            s.validate().unwrap_err().into_iter().map(|e| e.code).collect::<Vec<_>>()
        };
        assert_eq!(bad("X", Tier::Regular), vec!["duplicate_label"]);
        assert_eq!(bad("", Tier::Regular), vec!["invalid_label"]);
        assert_eq!(bad(" y", Tier::Regular), vec!["invalid_label"]);
        assert_eq!(bad("大客户", Tier::Regular), vec!["conflicts_with_builtin"]);
        // A document stored before tier labels existed reads with the defaults.
        let mut old = serde_json::to_value(TenantSettings::default()).unwrap();
        old.as_object_mut().unwrap().remove("tier_labels");
        assert_eq!(serde_json::from_value::<TenantSettings>(old).unwrap().tier_labels, default_tier_labels());
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(TenantSettings::default().validate(), Ok(()));
    }

    #[test]
    fn resolves_places_and_labels() {
        let s = TenantSettings::default();
        for (text, key) in [("east", Some("east")), ("东区", Some("east")), ("上海市", Some("east")), ("广东省深圳市", Some("south")), ("Chengdu", Some("west")), ("火星", None)] {
            assert_eq!(s.resolve_region(text), key, "{text}");
        }
        assert_eq!(s.resolve_industry("零售业"), Some("retail"));
        assert_eq!(s.resolve_industry("retail"), Some("retail"));
        assert_eq!(s.resolve_industry("RETAIL"), Some("retail"));
        assert_eq!(s.resolve_stage("方案报价").map(|s| s.key.as_str()), Some("proposal"));
    }

    #[test]
    fn rejects_broken_documents() {
        let mut s = TenantSettings::default();
        s.stages.retain(|st| st.terminal != Some(Terminal::Lost));
        s.industries.push(s.industries[0].clone());
        s.allowed_origins = vec!["https://ok.example.cn".into(), "portal.example.cn".into(), "https://x.cn/path".into()];
        let paths: Vec<String> = s.validate().unwrap_err().into_iter().map(|e| e.path).collect();
        assert_eq!(paths, vec!["industries[8].key", "stages", "allowed_origins[1]", "allowed_origins[2]"]);
    }

    #[test]
    fn an_origin_is_allowed_only_as_listed() {
        let s = TenantSettings { allowed_origins: vec!["https://portal.example.cn".into(), "http://127.0.0.1:8788".into()], ..TenantSettings::default() };
        for (origin, allowed) in [
            ("https://portal.example.cn", true),
            ("http://127.0.0.1:8788", true),
            ("http://portal.example.cn", false),
            ("https://portal.example.cn:8443", false),
            ("https://evil.portal.example.cn", false),
            ("http://127.0.0.1:8789", false),
            ("null", false),
        ] {
            assert_eq!(s.allows_origin(origin), allowed, "{origin}");
        }
        assert!(!TenantSettings::default().allows_origin("https://portal.example.cn"));
    }

    #[test]
    fn only_origins_a_browser_can_send_are_listed() {
        for (origin, valid) in [
            ("https://portal.example.cn", true),
            ("http://127.0.0.1:8788", true),
            ("https://portal.example.cn:8443", true),
            ("https://portal.example.cn/", false),
            ("https://Portal.example.cn", false),
            ("https://*.example.cn", false),
            ("https://portal.example.cn:443", false),
            ("http://portal.example.cn:80", false),
            ("https://user@portal.example.cn", false),
            ("portal.example.cn", false),
            ("https://", false),
            ("http://[::1]:8080", true),
            ("https://a.cn; script-src *", false),
            ("https://a.cn\nx", false),
            ("https://a.cn:'self'", false),
            ("https://a.cn:", false),
            ("https://.a.cn", false),
        ] {
            assert_eq!(super::is_origin(origin), valid, "{origin}");
        }
    }
}
