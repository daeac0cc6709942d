//! What-if counts for the admin console: customers the recycle job would take now under
//! proposed pool rules, and customers each proposed segment rule would get.

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite
        // Before the recycle case returns acme's overdue customer to the pool.
        .seeded("pool_rules_preview_counts_what_the_recycle_job_would_take", recycle_preview)
        .case("segment_preview_counts_each_rule_first_match_wins", segment_preview)
        .case("previews_are_for_managers_and_admins", previews_access)
}

fn preview(api: &Api, rules: &Value) -> Value {
    let answer = api.post("/api/v1/pool/rules/preview", rules);
    assert_eq!(answer.status, 200, "{rules}: {}", answer.text);
    answer.body
}

/// (pool, reason, tier, count) of each group.
fn groups(answer: &Value) -> Vec<(String, String, Option<String>, u64)> {
    let list = answer["groups"].as_array().unwrap();
    let groups: Vec<_> =
        list.iter().map(|g| (g["pool"].as_str().unwrap().to_string(), g["reason"].as_str().unwrap().to_string(), g["tier"].as_str().map(String::from), g["count"].as_u64().unwrap())).collect();
    assert_eq!(answer["total"].as_u64(), Some(groups.iter().map(|g| g.3).sum()), "total is the sum: {answer}");
    groups
}

fn group(pool: &str, reason: &str, count: u64) -> (String, String, Option<String>, u64) {
    (pool.to_string(), reason.to_string(), Some("regular".to_string()), count)
}

/// Acme's fixture (`seed::recycle_fixture_sql`, all regular tier, owned 60, 60, 200 and
/// 3 days): overdue (no follow-up), warn (followed up 12 days ago, stage contacted), won,
/// fresh (protected). Each variation moves the count the way the recycle job would.
pub fn recycle_preview(w: &mut World) {
    let rules = w.acme.get("/api/v1/pool/rules").body;
    assert_eq!(groups(&preview(&w.acme, &rules)), vec![group("main", "no_follow_up", 1)], "the rules as stored: the overdue customer the recycle case then recycles");
    let variant = |change: &dyn Fn(&mut Value)| {
        let mut r = rules.clone();
        change(&mut r["pools"][0]);
        groups(&preview(&w.acme, &r))
    };
    assert_eq!(variant(&|p| p["recycle_without_follow_up_days"]["regular"] = json!(5)), vec![group("main", "no_follow_up", 2)], "warn's last follow-up was 12 days ago");
    assert_eq!(variant(&|p| p["recycle_without_deal_days"]["regular"] = json!(30)), vec![group("main", "no_deal", 1), group("main", "no_follow_up", 1)], "each by its earlier deadline");
    assert_eq!(
        variant(&|p| {
            p["recycle_without_follow_up_days"]["regular"] = json!(5);
            p["exempt_from_stage"] = json!("contacted");
        }),
        vec![group("main", "no_follow_up", 1)],
        "an open deal at the exempting stage stays"
    );
    assert_eq!(variant(&|p| p["protection_days"] = json!(100)), vec![], "all protected");
    assert_eq!(variant(&|p| p["recycle_without_follow_up_days"] = json!({"key": 1, "potential": 1, "regular": 0})), vec![], "0 days: never");
    // A first pool for another region takes none of them; the second pool is theirs.
    let mut two = rules.clone();
    let mut north = rules["pools"][0].clone();
    north["key"] = json!("north");
    north["regions"] = json!(["north"]);
    north["recycle_without_follow_up_days"]["regular"] = json!(1);
    two["pools"] = json!([north, rules["pools"][0].clone()]);
    assert_eq!(groups(&preview(&w.acme, &two)), vec![group("main", "no_follow_up", 1)]);
    // Nothing was written: the stored rules are as they were.
    assert_eq!(w.acme.get("/api/v1/pool/rules").body, rules);
    // Invalid rules are refused as PUT refuses them.
    let mut bad = rules.clone();
    bad["pools"] = json!([]);
    let refused = w.acme.post("/api/v1/pool/rules/preview", &bad);
    assert_eq!((refused.status, refused.code()), (400, "invalid"), "{}", refused.text);
}

pub fn segment_preview(w: &mut World) {
    let settings = w.admin.get("/api/v1/settings").body;
    let total = count(&w.admin, "owner=any");
    let answer = w.admin.post("/api/v1/settings/segments/preview", &settings);
    assert_eq!(answer.status, 200, "{}", answer.text);
    let counts: Vec<(String, u64)> = answer.body["segments"].as_array().unwrap().iter().map(|s| (s["key"].as_str().unwrap().to_string(), s["count"].as_u64().unwrap())).collect();
    assert_eq!(counts.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), vec!["core", "risk", "growth"], "one entry per rule, in order");
    assert_eq!((answer.body["exact"].as_bool(), answer.body["counted"].as_u64()), (Some(true), Some(total as u64)), "{}", answer.body);
    assert!(answer.body.get("sampled").is_none());
    assert_eq!(counts.iter().map(|c| c.1).sum::<u64>() + answer.body["unmatched"].as_u64().unwrap(), total as u64);
    // Under the current rules the count of a segment is the customers stored in it.
    assert_eq!(counts[0].1 as usize, count(&w.admin, "owner=any&segment=core"));
    // Proposed rules: key customers first, everyone else caught by the second rule.
    let mut proposed = settings.clone();
    proposed["segments"] = json!([
        {"key": "vip", "zh": "重点客户", "en": "VIP", "cadence_days": 3, "when": [{"field": "tier", "op": "eq", "value": "key"}]},
        {"key": "others", "zh": "其他", "en": "Others", "cadence_days": 30, "when": []}
    ]);
    let what_if = w.admin.post("/api/v1/settings/segments/preview", &proposed).body;
    let key = count(&w.admin, "owner=any&tier=key") as u64;
    assert_eq!(what_if["segments"], json!([{"key": "vip", "count": key}, {"key": "others", "count": total as u64 - key}]), "{what_if}");
    assert_eq!(what_if["unmatched"], json!(0));
    // Nothing was saved.
    assert_eq!(w.admin.get("/api/v1/settings").body["segments"], settings["segments"]);
    let mut bad = settings.clone();
    bad["segments"][0]["when"][0]["field"] = json!("colour");
    let refused = w.admin.post("/api/v1/settings/segments/preview", &bad);
    assert_eq!((refused.status, refused.code()), (400, "invalid"), "{}", refused.text);
}

pub fn previews_access(w: &mut World) {
    let settings = w.admin.get("/api/v1/settings").body;
    let rules = w.admin.get("/api/v1/pool/rules").body;
    for (path, body) in [("/api/v1/pool/rules/preview", &rules), ("/api/v1/settings/segments/preview", &settings)] {
        let denied = w.wang.post(path, body);
        assert_eq!((denied.status, denied.code()), (403, "forbidden"), "{path}: {}", denied.text);
        assert_eq!(w.manager.post(path, body).status, 200, "{path}");
        let malformed = w.admin.send("POST", path, "application/json", b"{\"pools\": ");
        assert_eq!(malformed.status, 400, "{path}: {}", malformed.text);
        error_shape(&malformed);
    }
}
