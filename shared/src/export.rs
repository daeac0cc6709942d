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
    ("协作人", "Collaborators"),
    ("客户状态", "Status"),
    ("创建日期", "Created"),
    ("最近跟进", "Last follow-up"),
    ("下次跟进", "Next follow-up"),
];

/// A CSV writer for one export; `english` picks the header and label language, `names`
/// the tenant's user names by id (collaborators are shown by name, as owners are).
pub struct Exporter {
    writer: csv::Writer<Vec<u8>>,
    english: bool,
    names: std::collections::HashMap<String, String>,
}

impl Exporter {
    pub fn new(english: bool, names: std::collections::HashMap<String, String>) -> Exporter {
        let mut writer = csv::WriterBuilder::new().from_writer(BOM.as_bytes().to_vec());
        let _ = writer.write_record(HEADERS.iter().map(|(zh, en)| if english { *en } else { *zh }));
        Exporter { writer, english, names }
    }

    pub fn push(&mut self, v: &CustomerView, settings: &TenantSettings) {
        let c = &v.customer;
        let pick = |zh: &str, en: &str| if self.english { en.to_string() } else { zh.to_string() };
        let label =
            |key: &Option<String>, list: &[(String, String, String)]| key.as_ref().map(|k| list.iter().find(|(kk, _, _)| kk == k).map_or(k.clone(), |(_, zh, en)| pick(zh, en))).unwrap_or_default();
        let industries: Vec<_> = settings.industries.iter().map(|c| (c.key.clone(), c.zh.clone(), c.en.clone())).collect();
        let territories: Vec<_> = settings.territories.iter().map(|c| (c.key.clone(), c.zh.clone(), c.en.clone())).collect();
        let stages: Vec<_> = settings.stages.iter().map(|c| (c.key.clone(), c.zh.clone(), c.en.clone())).collect();
        let tier = c.tier.map(|t| pick(t.zh(), t.as_str()));
        let intent = c.intent.map(|i| pick(i.zh(), i.as_str()));
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
            c.collaborators.iter().map(|id| self.names.get(id).unwrap_or(id).as_str()).collect::<Vec<_>>().join("、"),
            v.lifecycle.as_str().to_string(),
            date(Some(c.created_at)),
            date(c.last_follow_up_at),
            date(c.next_follow_up_at),
        ];
        // The formula guard the report tables use; the importer undoes it.
        let _ = self.writer.write_record(record.iter().map(|cell| crate::cell::guard(cell).into_owned()));
    }

    /// Bytes written so far (give or take the writer's small buffer).
    pub fn len(&self) -> usize {
        self.writer.get_ref().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn finish(self) -> Vec<u8> {
        self.writer.into_inner().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exported(view: &CustomerView, english: bool) -> Vec<Vec<String>> {
        let names = [("u1".to_string(), "王芳".to_string())].into_iter().collect();
        let mut e = Exporter::new(english, names);
        e.push(view, &TenantSettings::default());
        let bytes = e.finish();
        let text = std::str::from_utf8(&bytes).unwrap().trim_start_matches(BOM);
        csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes()).records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
    }

    #[test]
    fn formulas_are_guarded_and_the_importer_reads_them_back() {
        let formula = r#"=HYPERLINK("http://evil.example","点我")"#;
        let view: CustomerView = serde_json::from_value(serde_json::json!({
            "id": "c1", "name": formula, "company": "@公司", "phone": "+86 138 1234 5678", "stage": "lead", "tags": ["-x"],
            "created_by": "u9", "created_at": 0, "updated_at": 0, "version": 1, "lifecycle": "new", "masked": false, "editable": true
        }))
        .unwrap();
        let rows = exported(&view, false);
        assert_eq!((rows[1][0].as_str(), rows[1][1].as_str(), rows[1][3].as_str()), (&*format!("'{formula}"), "'@公司", "'+86 138 1234 5678"));
        let mut e = Exporter::new(false, Default::default());
        e.push(&view, &TenantSettings::default());
        let plan = crate::import::plan(&e.finish(), &TenantSettings::default(), crate::import::MAX_ROWS).unwrap();
        let back = &plan.valid[0].fields;
        assert_eq!((back.name.as_str(), back.company.as_deref(), back.phone.as_deref()), (formula, Some("@公司"), Some("+86 138 1234 5678")));
        assert_eq!(back.tags, vec!["-x"]);
    }

    #[test]
    fn collaborators_are_listed_by_name_beside_the_owner() {
        let mut view: CustomerView = serde_json::from_str(
            r#"{"id":"c1","name":"协作客户","stage":"lead","owner":"u9","owner_name":"陈静","collaborators":["u1","u-gone"],
                "created_by":"u9","created_at":0,"updated_at":0,"version":1,"lifecycle":"new","masked":false,"editable":true}"#,
        )
        .unwrap();
        let rows = exported(&view, false);
        let column = HEADERS.iter().position(|(zh, _)| *zh == "协作人").unwrap();
        assert_eq!(rows[0].len(), HEADERS.len());
        assert_eq!((rows[0][column - 1].as_str(), rows[0][column].as_str()), ("负责人", "协作人"));
        assert_eq!((rows[1][column - 1].as_str(), rows[1][column].as_str()), ("陈静", "王芳、u-gone"), "an unknown id is shown as itself");
        view.customer.collaborators.clear();
        assert_eq!(exported(&view, true)[1][column], "");
        assert_eq!(exported(&view, true)[0][column], "Collaborators");
    }
}
