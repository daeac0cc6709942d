//! Header names (Chinese or English) to fields.

use crate::settings::TenantSettings;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    Name,
    Company,
    ContactName,
    Phone,
    Email,
    Wechat,
    Industry,
    Region,
    Source,
    Amount,
    Stage,
    Tier,
    Intent,
    Tags,
    NextFollowUp,
    /// The owner (负责人): a user named by id or by name, resolved by
    /// [`super::owners`] against the tenant's users.
    Owner,
    /// A tenant-defined field, by key.
    Custom(String),
}

impl Column {
    /// The field path this column fills, as validation errors name it.
    pub fn path(&self) -> String {
        match self {
            Column::Name => "name".into(),
            Column::Company => "company".into(),
            Column::ContactName => "contact_name".into(),
            Column::Phone => "phone".into(),
            Column::Email => "email".into(),
            Column::Wechat => "wechat".into(),
            Column::Industry => "industry".into(),
            Column::Region => "region".into(),
            Column::Source => "source".into(),
            Column::Amount => "amount".into(),
            Column::Stage => "stage".into(),
            Column::Tier => "tier".into(),
            Column::Intent => "intent".into(),
            Column::Tags => "tags".into(),
            Column::NextFollowUp => "next_follow_up_at".into(),
            Column::Owner => "owner".into(),
            Column::Custom(key) => format!("custom.{key}"),
        }
    }
}

/// Every spelling a header may have, compared after folding case, spaces, `_` and `-`.
const ALIASES: &[(&str, &[&str])] = &[
    ("name", &["name", "客户名称", "客户名", "客户", "名称", "customer", "customername"]),
    ("company", &["company", "公司", "公司名称", "企业", "企业名称", "单位", "companyname"]),
    ("contact_name", &["contactname", "contact", "联系人", "联系人姓名", "姓名"]),
    ("phone", &["phone", "电话", "手机", "手机号", "手机号码", "联系电话", "电话号码", "mobile", "tel", "telephone"]),
    ("email", &["email", "e-mail", "mail", "邮箱", "电子邮箱", "邮件"]),
    ("wechat", &["wechat", "微信", "微信号", "weixin"]),
    ("industry", &["industry", "行业", "所属行业"]),
    ("region", &["region", "地区", "区域", "地域", "省份", "城市", "所在地", "province", "city", "territory"]),
    ("source", &["source", "来源", "客户来源", "渠道"]),
    ("amount", &["amount", "金额", "预计金额", "商机金额", "成交金额", "dealamount", "value"]),
    ("stage", &["stage", "阶段", "销售阶段", "商机阶段"]),
    ("tier", &["tier", "客户价值", "价值", "客户等级", "等级", "valuetier"]),
    ("intent", &["intent", "意向", "成交意向", "成交概率"]),
    ("tags", &["tags", "tag", "标签"]),
    ("next_follow_up_at", &["nextfollowup", "nextfollowupat", "下次跟进", "下次跟进日期", "下次跟进时间"]),
    ("owner", &["owner", "负责人", "所属销售", "销售", "跟进人", "归属人", "rep", "assignee", "客户负责人", "销售负责人"]),
];

fn fold(header: &str) -> String {
    header.trim().trim_start_matches('\u{feff}').chars().filter(|c| !matches!(c, ' ' | '_' | '-' | '*' | '\u{3000}')).flat_map(char::to_lowercase).collect()
}

/// Maps each header to a column (or `None`), and lists the headers that map to nothing.
/// A column mapped twice keeps its first header; later ones are ignored.
pub fn map_headers(headers: &[String], settings: &TenantSettings) -> (Vec<Option<Column>>, Vec<String>) {
    let mut used: Vec<Column> = Vec::new();
    let mut ignored = Vec::new();
    let columns = headers
        .iter()
        .map(|h| {
            let folded = fold(h);
            let builtin = ALIASES.iter().find(|(_, names)| names.iter().any(|n| fold(n) == folded)).map(|(key, _)| match *key {
                "name" => Column::Name,
                "company" => Column::Company,
                "contact_name" => Column::ContactName,
                "phone" => Column::Phone,
                "email" => Column::Email,
                "wechat" => Column::Wechat,
                "industry" => Column::Industry,
                "region" => Column::Region,
                "source" => Column::Source,
                "amount" => Column::Amount,
                "stage" => Column::Stage,
                "tier" => Column::Tier,
                "intent" => Column::Intent,
                "tags" => Column::Tags,
                "owner" => Column::Owner,
                _ => Column::NextFollowUp,
            });
            let column = builtin.or_else(|| settings.custom_fields.iter().find(|f| fold(&f.key) == folded || fold(&f.label) == folded).map(|f| Column::Custom(f.key.clone())));
            match column {
                Some(c) if !used.contains(&c) => {
                    used.push(c.clone());
                    Some(c)
                }
                _ => {
                    if !h.trim().is_empty() {
                        ignored.push(h.trim().to_string());
                    }
                    None
                }
            }
        })
        .collect();
    (columns, ignored)
}
