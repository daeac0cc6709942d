//! The customer record (客户) and its built-in classification values.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::time::Millis;

/// Value tier (客户价值).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 大客户
    Key,
    /// 潜力客户
    Potential,
    /// 普通客户
    Regular,
}

/// Intent (成交概率).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    High,
    Medium,
    Low,
}

/// Lifecycle status (客户状态): computed from dates and thresholds, never typed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    New,
    Active,
    Dormant,
    Lost,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Key, Tier::Potential, Tier::Regular];
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Key => "key",
            Tier::Potential => "potential",
            Tier::Regular => "regular",
        }
    }
    /// The Chinese name the article gives the tier.
    pub fn zh(self) -> &'static str {
        match self {
            Tier::Key => "大客户",
            Tier::Potential => "潜力客户",
            Tier::Regular => "普通客户",
        }
    }
    /// Accepts the key, the Chinese label and common English words (for imports).
    pub fn parse(text: &str) -> Option<Tier> {
        match text.trim().to_lowercase().as_str() {
            "key" | "大客户" | "重点客户" | "vip" | "a" => Some(Tier::Key),
            "potential" | "潜力客户" | "潜力" | "b" => Some(Tier::Potential),
            "regular" | "普通客户" | "普通" | "c" => Some(Tier::Regular),
            _ => None,
        }
    }
}

impl Intent {
    pub const ALL: [Intent; 3] = [Intent::High, Intent::Medium, Intent::Low];
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::High => "high",
            Intent::Medium => "medium",
            Intent::Low => "low",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Intent::High => "高",
            Intent::Medium => "中",
            Intent::Low => "低",
        }
    }
    pub fn parse(text: &str) -> Option<Intent> {
        match text.trim().to_lowercase().as_str() {
            "high" | "高" | "高意向" => Some(Intent::High),
            "medium" | "中" | "中意向" => Some(Intent::Medium),
            "low" | "低" | "低意向" => Some(Intent::Low),
            _ => None,
        }
    }
}

impl Lifecycle {
    pub const ALL: [Lifecycle; 4] = [Lifecycle::New, Lifecycle::Active, Lifecycle::Dormant, Lifecycle::Lost];
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::New => "new",
            Lifecycle::Active => "active",
            Lifecycle::Dormant => "dormant",
            Lifecycle::Lost => "lost",
        }
    }
    pub fn parse(text: &str) -> Option<Lifecycle> {
        Lifecycle::ALL.into_iter().find(|l| l.as_str() == text)
    }
}

/// One customer as stored. Optional text is `None`, never an empty string.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Customer {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat: Option<String>,
    /// A key from the tenant's industry list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// A key from the tenant's territories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Expected deal amount in the tenant's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// A key from the tenant's pipeline stages.
    pub stage: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Tenant-defined fields, validated against the tenant's definitions.
    #[serde(default)]
    pub custom: BTreeMap<String, serde_json::Value>,
    /// The owning rep; `None` means the customer is in the public pool (公海).
    pub owner: Option<String>,
    /// Users with read access (协作人).
    #[serde(default)]
    pub collaborators: Vec<String>,
    pub created_by: String,
    pub created_at: Millis,
    pub updated_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_follow_up_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_follow_up_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub won_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_at: Option<Millis>,
    /// The first matching segment rule's key, re-evaluated on every write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Bumped on every write; a write names the version it read (optimistic concurrency).
    pub version: i64,
}

/// Fields a pipeline stage may require before a customer enters it
/// (`StageDef::required_fields` names only these).
pub const REQUIRABLE: &[&str] = &["amount", "company", "contact_name", "phone", "email", "industry", "region", "tier", "intent"];

impl Customer {
    /// Whether the customer has `field`, one of [`REQUIRABLE`], filled in (an amount: above
    /// zero). Any other name counts as filled: settings refuse a stage that requires one.
    pub fn has_required(&self, field: &str) -> bool {
        match field {
            "amount" => self.amount.is_some_and(|a| a > 0.0),
            "company" => self.company.is_some(),
            "contact_name" => self.contact_name.is_some(),
            "phone" => self.phone.is_some(),
            "email" => self.email.is_some(),
            "industry" => self.industry.is_some(),
            "region" => self.region.is_some(),
            "tier" => self.tier.is_some(),
            "intent" => self.intent.is_some(),
            _ => true,
        }
    }
}

/// The duplicate keys (查重) of a customer; each is unique per tenant in the database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DuplicateKeys {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
}

impl DuplicateKeys {
    pub fn of(phone: Option<&str>, email: Option<&str>, company: Option<&str>) -> DuplicateKeys {
        DuplicateKeys { phone: phone.and_then(crate::normalize::phone_key), email: email.and_then(crate::normalize::email_key), company: company.and_then(crate::normalize::company_key) }
    }

    pub fn of_customer(customer: &Customer) -> DuplicateKeys {
        DuplicateKeys::of(customer.phone.as_deref(), customer.email.as_deref(), customer.company.as_deref())
    }

    pub fn is_empty(&self) -> bool {
        self.phone.is_none() && self.email.is_none() && self.company.is_none()
    }

    /// Which key two records share, in the order a person would name it.
    pub fn shared_with(&self, other: &DuplicateKeys) -> Option<DuplicateField> {
        let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
        if same(&self.phone, &other.phone) {
            Some(DuplicateField::Phone)
        } else if same(&self.email, &other.email) {
            Some(DuplicateField::Email)
        } else if same(&self.company, &other.company) {
            Some(DuplicateField::Company)
        } else {
            None
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DuplicateField {
    Phone,
    Email,
    Company,
}
