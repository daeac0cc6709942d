//! The tenant's settings document: versions, racing writers, validation, and new segment
//! rules re-classifying every customer (finished by the cron when a pass dies midway).

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite
        .tenant_wide("settings_versioning_and_validation", settings)
        .tenant_wide("segment_rules_apply_to_existing_customers", resegment)
        .restarting("an_unfinished_reclassification_is_finished_by_the_cron", resegment_heal)
}

pub fn settings(w: &mut World) {
    let current = w.admin.get("/api/v1/settings").body;
    let version = current["version"].as_i64().unwrap();
    let mut next = current.clone();
    next["custom_fields"] = json!([{"key": "level", "label": "等级", "kind": "select", "options": ["A", "B"]}]);
    let saved = w.admin.put("/api/v1/settings", &next);
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body["version"].as_i64(), Some(version + 1));
    let stale = w.admin.put("/api/v1/settings", &next);
    assert_eq!((stale.status, stale.code()), (409, "stale"));
    // Admins racing from the same version: exactly one write lands, the rest are stale
    // (KV cannot compare-and-swap; the version is claimed in D1 first).
    for (i, doc) in ["/api/v1/settings", "/api/v1/pool/rules", "/api/v1/allocation/rules"].into_iter().enumerate() {
        let read = w.admin.get(doc).body;
        let racers: Vec<_> = (0..4)
            .map(|n| {
                let (admin, mut body) = (w.admin.clone(), read.clone());
                if i == 0 {
                    body["allowed_origins"] = json!([format!("https://racer{n}.example.com")]);
                }
                std::thread::spawn(move || admin.put(doc, &body))
            })
            .collect();
        let answers: Vec<_> = racers.into_iter().map(|r| r.join().unwrap()).collect();
        let won: Vec<_> = answers.iter().filter(|a| a.status == 200).collect();
        assert_eq!(won.len(), 1, "{doc}: {:?}", answers.iter().map(|a| (a.status, a.text.clone())).collect::<Vec<_>>());
        // A loser is told `stale`, or `document_busy` while the winner's write is still under way.
        assert!(answers.iter().all(|a| a.status == 200 || (a.status == 409 && ["stale", "document_busy"].contains(&a.code()))), "{doc}");
        let now = w.admin.get(doc).body;
        assert_eq!(now["version"], json!(read["version"].as_i64().unwrap() + 1), "{doc}");
        if i == 0 {
            assert_eq!(now["allowed_origins"], won[0].body["allowed_origins"], "what is stored is the winner's");
        }
    }
    let mut broken = saved.body.clone();
    broken["stages"] = json!([]);
    let bad = w.admin.put("/api/v1/settings", &broken);
    assert_eq!((bad.status, bad.code()), (400, "invalid"));
    // The new custom field is validated on writes at once.
    let refused = w.wang.post("/api/v1/customers", &json!({"name": "自定义字段", "custom": {"level": "Z"}}));
    assert_eq!(refused.body["error"]["details"]["fields"][0]["path"], json!("custom.level"));
    assert_eq!(created(&w.wang, json!({"name": "自定义字段", "custom": {"level": "A"}}))["custom"], json!({"level": "A"}));
    // Back to the document the other cases read (no custom field, the racers' origin gone).
    let mut back = w.admin.get("/api/v1/settings").body;
    back["custom_fields"] = current["custom_fields"].clone();
    back["allowed_origins"] = current["allowed_origins"].clone();
    let restored = w.admin.put("/api/v1/settings", &back);
    assert_eq!(restored.status, 200, "{}", restored.text);
}

/// Segment rules that differ from the defaults: key customers are `vip`, the rest `others`.
fn vip_and_others() -> Value {
    json!([
        {"key": "vip", "zh": "重点客户", "en": "VIP", "cadence_days": 3, "when": [{"field": "tier", "op": "eq", "value": "key"}]},
        {"key": "others", "zh": "其他", "en": "Others", "cadence_days": 30, "when": []}
    ])
}

/// Changing the segment rules classifies every existing customer again, without bumping
/// their versions; putting the old rules back restores the old segments.
pub fn resegment(w: &mut World) {
    let key = created(&w.wang, json!({"name": "分群客户甲", "tier": "key", "phone": "13966660001"}));
    let low = created(&w.wang, json!({"name": "分群客户乙", "tier": "regular", "intent": "low", "phone": "13966660002"}));
    assert_eq!((key["segment"].as_str(), low["segment"].as_str()), (Some("core"), Some("risk")), "the default rules");
    let original = w.admin.get("/api/v1/settings").body;
    let mut next = original.clone();
    next["segments"] = vip_and_others();
    let saved = w.admin.put("/api/v1/settings", &next);
    assert_eq!(saved.status, 200, "{}", saved.text);
    let segment_of = |c: &Value| {
        let now = w.wang.get(&format!("/api/v1/customers/{}", c["id"].as_str().unwrap_or_default())).body;
        (now["segment"].as_str().map(String::from), now["version"].as_i64())
    };
    assert_eq!(segment_of(&key), (Some("vip".into()), key["version"].as_i64()), "reclassified, version untouched");
    assert_eq!(segment_of(&low), (Some("others".into()), low["version"].as_i64()));
    assert!(ids_of(&w.wang.get("/api/v1/customers?segment=vip&limit=200").body).contains(&key["id"].as_str().unwrap_or_default().to_string()));
    assert_eq!(w.wang.get("/api/v1/customers?segment=core&limit=5").body["items"], json!([]), "no customer keeps a segment that no longer exists");
    // The old rules back: the old segments back.
    let mut back = original.clone();
    back["version"] = saved.body["version"].clone();
    assert_eq!(w.admin.put("/api/v1/settings", &back).status, 200);
    assert_eq!((segment_of(&key).0, segment_of(&low).0), (Some("core".into()), Some("risk".into())));
    // `?resegment=true` runs the re-classification with unchanged rules (to finish one that
    // failed midway); it changes nothing here. Other values and parameters are refused.
    let current = w.admin.get("/api/v1/settings").body;
    assert_eq!(w.admin.put("/api/v1/settings?resegment=maybe", &current).status, 400);
    assert_eq!(w.admin.put("/api/v1/settings?segments=again", &current).status, 400);
    assert_eq!(w.admin.put("/api/v1/settings?resegment=true", &current).status, 200);
    assert_eq!((segment_of(&key), segment_of(&low).0), ((Some("core".into()), key["version"].as_i64()), Some("risk".into())));
}

/// A re-classification that dies midway (simulated: the server is stopped, one customer
/// gets its old segment back and the tenant's marker is set behind, as a pass that never
/// reached that customer leaves them) is finished by the next Cron Trigger run.
pub fn resegment_heal(w: &mut World) {
    let customer = created(&w.wang, json!({"name": "分群补跑", "tier": "key", "phone": "13966660009"}));
    let id = customer["id"].as_str().unwrap_or_default().to_string();
    let original = w.admin.get("/api/v1/settings").body;
    let mut next = original.clone();
    next["segments"] = vip_and_others();
    let saved = w.admin.put("/api/v1/settings", &next);
    assert_eq!(saved.status, 200, "{}", saved.text);
    let segment = |w: &World| w.wang.get(&format!("/api/v1/customers/{id}")).body["segment"].as_str().map(String::from);
    assert_eq!(segment(w), Some("vip".into()));

    let persist = w.server.persist.clone();
    w.server.stop();
    let crash = persist.with_extension("unfinished.sql");
    std::fs::write(&crash, format!("UPDATE customers SET segment = 'core' WHERE tenant_id = 'demo' AND id = '{id}';\nUPDATE tenants SET segments_version = settings_version - 1 WHERE id = 'demo';\n"))
        .expect("write the simulation");
    allot_tests::execute_sql_file(&persist, &crash).expect("simulate the unfinished pass");
    let server = Server::start(ServerOptions { persist, port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "log" }).expect("restart");
    *w = World::new(server);
    assert_eq!(segment(w), Some("core".into()), "the unfinished pass left the old segment");
    assert_eq!(w.server.trigger_scheduled(), 200, "the scheduled handler runs");
    allot_tests::eventually("the cron finishes the pass", || segment(w) == Some("vip".into()));

    // Back to the rules the other cases expect.
    let mut back = original;
    back["version"] = saved.body["version"].clone();
    assert_eq!(w.admin.put("/api/v1/settings", &back).status, 200);
    assert_eq!(segment(w), Some("core".into()));
}
