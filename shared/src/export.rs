//! CSV export that Excel opens correctly (UTF-8 with a BOM) and that the importer reads
//! back: the headers are the importer's own aliases, values are labels it resolves.

use crate::api::CustomerView;
use crate::settings::TenantSettings;

pub const BOM: &str = "\u{feff}";

/// (Chinese header, English header) of each exported column, in order.
pub const HEADERS: &[(&str, &str)] = &[
    ("客户名称", "Name"),
    ("公司", "Company"),
    ("联系人", "Contact"),
    ("电话", "Phone"),
    ("邮箱", "Email"),
    ("微信", "WeChat"),
    ("行业", "Industry"),
    ("地区", "Region"),
    ("来源", "Source"),
    ("预计金额", "Amount"),
    ("阶段", "Stage"),
    ("客户价值", "Tier"),
    ("成交意向", "Intent"),
    ("标签", "Tags"),
    ("负责人", "Owner"),
    ("客户状态", "Status"),
    ("创建日期", "Created"),
    ("最近跟进", "Last follow-up"),
    ("下次跟进", "Next follow-up"),
];

/// A CSV writer for one export; `english` picks the header and label language.
pub struct Exporter {
    writer: csv::Writer<Vec<u8>>,
    english: bool,
}

impl Exporter {
    pub fn new(english: bool) -> Exporter {
        let mut writer = csv::WriterBuilder::new().from_writer(BOM.as_bytes().to_vec());
        let _ = writer.write_record(HEADERS.iter().map(|(zh, en)| if english { *en } else { *zh }));
        Exporter { writer, english }
    }

    pub fn push(&mut self, v: &CustomerView, settings: &TenantSettings) {
        let c = &v.customer;
        let pick = |zh: &str, en: &str| if self.english { en.to_string() } else { zh.to_string() };
        let label = |key: &Option<String>, list: &[(String, String, String)]| {
            key.as_ref().map(|k| list.iter().find(|(kk, _, _)| kk == k).map_or(k.clone(), |(_, zh, en)| pick(zh, en))).unwrap_or_default()
        };
        let industries: Vec<_> = settings.industries.iter().map(|c| (c.key.clone(), c.zh.clone(), c.en.clone())).collect();
        let territories: Vec<_> = settings.territories.iter().map(|c| (c.key.clone(), c.zh.clone(), c.en.clone())).collect();
        let stages: Vec<_> = settings.stages.iter().map(|c| (c.key.clone(), c.zh.clone(), c.en.clone())).collect();
        let tier = c.tier.map(|t| match t {
            crate::customer::Tier::Key => pick("大客户", "key"),
            crate::customer::Tier::Potential => pick("潜力客户", "potential"),
            crate::customer::Tier::Regular => pick("普通客户", "regular"),
        });
        let intent = c.intent.map(|i| match i {
            crate::customer::Intent::High => pick("高", "high"),
            crate::customer::Intent::Medium => pick("中", "medium"),
            crate::customer::Intent::Low => pick("低", "low"),
        });
        let date = |at: Option<i64>| at.map(crate::time::format_date).unwrap_or_default();
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        let record = [
            c.name.clone(),
            text(&c.company),
            text(&c.contact_name),
            text(&c.phone),
            text(&c.email),
            text(&c.wechat),
            label(&c.industry, &industries),
            label(&c.region, &territories),
            text(&c.source),
            c.amount.map(|a| a.to_string()).unwrap_or_default(),
            label(&Some(c.stage.clone()), &stages),
            tier.unwrap_or_default(),
            intent.unwrap_or_default(),
            c.tags.join("、"),
            v.owner_name.clone().or_else(|| c.owner.clone()).unwrap_or_else(|| pick("公海", "pool")),
            v.lifecycle.as_str().to_string(),
            date(Some(c.created_at)),
            date(c.last_follow_up_at),
            date(c.next_follow_up_at),
        ];
        let _ = self.writer.write_record(&record);
    }

    pub fn finish(self) -> Vec<u8> {
        self.writer.into_inner().unwrap_or_default()
    }
}
