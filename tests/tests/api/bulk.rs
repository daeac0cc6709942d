//! Bulk work (`POST /customers/bulk`, `GET /customers/count`): one call over many
//! customers under the single routes' rules, every customer answered as done or skipped
//! with a reason, every change audited in its batch.

use std::time::Instant;

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite
        .case("bulk_transfer_of_a_thousand_customers_in_one_call", thousand)
        .case("bulk_release_by_a_rep_skips_what_is_not_theirs", release_mix)
        .case("bulk_tag_and_delete_follow_the_single_routes_rules", tag_and_delete)
        .case("bulk_tag_writes_the_segment_the_tag_gives", tag_segments)
        .case("bulk_distribute_previews_then_applies", distribute)
        .case("bulk_requests_are_checked_before_any_work", refusals)
}

fn bulk(api: &Api, body: Value) -> allot_tests::Answer {
    api.post("/api/v1/customers/bulk", &body)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// `(id, reason)` of every skipped customer.
fn skipped(answer: &Value) -> Vec<(String, String)> {
    answer["skipped"].as_array().map(|a| a.iter().map(|s| (s["id"].as_str().unwrap_or_default().to_string(), s["reason"].as_str().unwrap_or_default().to_string())).collect()).unwrap_or_default()
}

fn owner(w: &World, id: &str) -> Value {
    w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].clone()
}

pub fn thousand(w: &mut World) {
    let ids = make_pool(w, "批量转移", 1000, 17300000000);
    assert_eq!(ids.len(), 1000);
    rep_api(w, "bulk-a");
    let b = rep_api(w, "bulk-b");
    // Pool customers to one rep: one call, explicit ids.
    let assigned = bulk(&w.admin, json!({"action": "assign", "ids": ids, "to": "bulk-a"}));
    assert_eq!(assigned.status, 200, "{}", assigned.text);
    assert_eq!((strings(&assigned.body["done"]).len(), skipped(&assigned.body).len(), assigned.body["selected"].as_u64()), (1000, 0, Some(1000)));
    let counted = w.admin.get("/api/v1/customers/count?owner=bulk-a");
    assert_eq!((counted.status, counted.body["count"].as_u64(), counted.body["limit"].as_u64()), (200, Some(1000), Some(5000)), "{}", counted.text);

    // Every customer matching a filter to another rep: 1,000 in one call.
    let started = Instant::now();
    let moved = bulk(&w.admin, json!({"action": "transfer", "filter": {"owner": "bulk-a"}, "to": "bulk-b", "note": "区域调整"}));
    let took = started.elapsed();
    assert_eq!(moved.status, 200, "{}", moved.text);
    let done = strings(&moved.body["done"]);
    assert_eq!((done.len(), skipped(&moved.body).len()), (1000, 0), "{}", &moved.text[..moved.text.len().min(400)]);
    println!("bulk transfer of 1,000 customers: {took:?}, D1 statements: {:?}", moved.header("x-allot-d1-statements"));
    assert_eq!(w.admin.get("/api/v1/customers/count?owner=bulk-b").body["count"].as_u64(), Some(1000));
    assert_eq!(w.admin.get("/api/v1/customers/count?owner=bulk-a").body["count"].as_u64(), Some(0));
    // Audited, each in the batch of its change: import, the assignment, the transfer.
    for id in [&done[0], &done[499], &done[999]] {
        let trail = w.admin.get(&format!("/api/v1/audit?customer={id}")).body;
        let story: Vec<(String, Value, Value)> = trail["items"].as_array().unwrap().iter().map(|e| (e["action"].as_str().unwrap().to_string(), e["from"].clone(), e["to"].clone())).collect();
        assert_eq!(story, vec![("import".into(), Value::Null, Value::Null), ("transfer".into(), Value::Null, json!("bulk-a")), ("transfer".into(), json!("bulk-a"), json!("bulk-b"))], "{id}");
        assert_eq!(trail["items"][2]["reason"], json!("区域调整"));
    }
    // Again: nothing changes, each customer says why.
    let again = bulk(&w.admin, json!({"action": "transfer", "ids": &done[..10], "to": "bulk-b"}));
    assert_eq!(again.status, 200, "{}", again.text);
    assert!(strings(&again.body["done"]).is_empty());
    assert!(skipped(&again.body).iter().all(|(_, r)| r == "already_theirs"), "{}", again.text);
    // A rep transfers nothing, not even their own.
    let by_rep = bulk(&b, json!({"action": "transfer", "ids": &done[..3], "to": "bulk-a"}));
    assert_eq!((by_rep.status, by_rep.code()), (403, "forbidden"), "{}", by_rep.text);
    // A rep's count is of what they see.
    assert_eq!(b.get("/api/v1/customers/count?owner=me").body["count"].as_u64(), Some(1000));
    // Out of the way of cases that hand the whole pool out: back where nobody reads them.
    let gone = bulk(&w.admin, json!({"action": "delete", "filter": {"owner": "bulk-b"}}));
    assert_eq!(strings(&gone.body["done"]).len(), 1000, "{}", &gone.text[..gone.text.len().min(400)]);
}

pub fn release_mix(w: &mut World) {
    let ids = make_pool(w, "批量退回", 6, 17400000000);
    let r1 = rep_api(w, "bulk-r1");
    rep_api(w, "bulk-r2");
    assert_eq!(strings(&bulk(&w.admin, json!({"action": "assign", "ids": &ids[..3], "to": "bulk-r1"})).body["done"]).len(), 3);
    assert_eq!(strings(&bulk(&w.admin, json!({"action": "assign", "ids": &ids[3..5], "to": "bulk-r2"})).body["done"]).len(), 2);
    // Assigning owned customers skips them: only the pool is handed out this way.
    let owned = bulk(&w.admin, json!({"action": "assign", "ids": &ids[..4], "to": "bulk-r2"}));
    assert_eq!(
        skipped(&owned.body),
        vec![(ids[0].clone(), "already_owned".into()), (ids[1].clone(), "already_owned".into()), (ids[2].clone(), "already_owned".into()), (ids[3].clone(), "already_theirs".into())],
        "{}",
        owned.text
    );

    // 王's colleague's customers, a pool customer and an id that does not exist: skipped,
    // all as "not yours" — the answer never says which ids exist.
    let mut selection: Vec<String> = ids.clone();
    selection.push("c_no_such_customer".into());
    selection.push(ids[0].clone());
    let released = bulk(&r1, json!({"action": "release", "ids": selection, "reason_code": "no_budget", "note": "预算冻结"}));
    assert_eq!(released.status, 200, "{}", released.text);
    assert_eq!(released.body["selected"].as_u64(), Some(7), "a repeated id counts once");
    assert_eq!(strings(&released.body["done"]), ids[..3].to_vec());
    let mut expected: Vec<(String, String)> = ids[3..].iter().map(|id| (id.clone(), "not_owned".to_string())).collect();
    expected.push(("c_no_such_customer".into(), "not_owned".into()));
    assert_eq!(skipped(&released.body), expected);
    assert_eq!(owner(w, &ids[0]), Value::Null);
    assert_eq!(owner(w, &ids[3]), json!("bulk-r2"), "another rep's customer is untouched");
    let last = last_audit(w, &ids[1]);
    assert_eq!((last["action"].as_str(), last["from"].as_str(), last["reason"].as_str()), (Some("release"), Some("bulk-r1"), Some("no_budget: 预算冻结")));
    // The cool-down starts as for a single release.
    let back = r1.send("POST", &format!("/api/v1/customers/{}/claim", ids[1]), "application/json", b"");
    assert_eq!((back.status, back.code()), (409, "cooldown"), "{}", back.text);
    // A manager's bulk release reaches no further than their team: bulk-r2 is in none.
    let outside = bulk(&w.manager, json!({"action": "release", "ids": &ids[3..5], "reason_code": "other", "note": "清理"}));
    assert_eq!(skipped(&outside.body), vec![(ids[3].clone(), "not_in_scope".into()), (ids[4].clone(), "not_in_scope".into())], "{}", outside.text);
    // Tidy: the pool customers leave the pool (other cases hand the whole pool out).
    bulk(&w.admin, json!({"action": "delete", "ids": ids}));
}

pub fn tag_and_delete(w: &mut World) {
    let ids = make_pool(w, "批量标签", 4, 17500000000);
    let r1 = rep_api(w, "bulk-t1");
    rep_api(w, "bulk-t2");
    bulk(&w.admin, json!({"action": "assign", "ids": &ids[..3], "to": "bulk-t1"}));
    bulk(&w.admin, json!({"action": "assign", "ids": &ids[3..], "to": "bulk-t2"}));
    // A rep tags their own customers, by filter: the same filters as the list.
    let tagged = bulk(&r1, json!({"action": "tag", "filter": {"owner": "me", "q": "批量标签"}, "tag": " 展会2026 "}));
    assert_eq!(tagged.status, 200, "{}", tagged.text);
    let mut done = strings(&tagged.body["done"]);
    done.sort();
    let mut own = ids[..3].to_vec();
    own.sort();
    assert_eq!(done, own);
    let seen = r1.get(&format!("/api/v1/customers/{}", ids[0])).body;
    assert_eq!((seen["tags"].clone(), seen["version"].as_i64()), (json!(["展会2026"]), Some(3)), "{seen}");
    // Again, with a colleague's customer: tagged already, not theirs.
    let again = bulk(&r1, json!({"action": "tag", "ids": [&ids[0], &ids[3]], "tag": "展会2026"}));
    assert_eq!(skipped(&again.body), vec![(ids[0].clone(), "already_tagged".into()), (ids[3].clone(), "not_owned".into())], "{}", again.text);
    let bad = bulk(&r1, json!({"action": "tag", "ids": [&ids[0]], "tag": "x".repeat(31)}));
    assert_eq!((bad.status, bad.code()), (400, "invalid"), "{}", bad.text);

    // Delete: managers and admins only, within their scope, audited.
    let by_rep = bulk(&r1, json!({"action": "delete", "ids": &ids[..1]}));
    assert_eq!((by_rep.status, by_rep.code()), (403, "forbidden"));
    let by_manager = bulk(&w.manager, json!({"action": "delete", "ids": &ids[..2]}));
    assert_eq!(skipped(&by_manager.body), vec![(ids[0].clone(), "not_in_scope".into()), (ids[1].clone(), "not_in_scope".into())], "{}", by_manager.text);
    let by_admin = bulk(&w.admin, json!({"action": "delete", "ids": ids}));
    assert_eq!(strings(&by_admin.body["done"]), ids, "{}", by_admin.text);
    assert_eq!(w.admin.get(&format!("/api/v1/customers/{}", ids[0])).status, 404);
    let last = last_audit(w, &ids[0]);
    assert_eq!((last["action"].as_str(), last["from"].as_str(), last["actor"].as_str()), (Some("delete"), Some("bulk-t1"), Some("admin")));
    // Deleted customers are gone for a second delete too.
    let twice = bulk(&w.admin, json!({"action": "delete", "ids": &ids[..1]}));
    assert_eq!(skipped(&twice.body), vec![(ids[0].clone(), "not_in_scope".into())]);
}

/// Tenant `tagseg`, whose first segment rule reads the tags: a bulk tag leaves each
/// tagged customer in the segment the tag gives, written with the tag (one batch), and
/// the customers it skipped where they were.
pub fn tag_segments(w: &mut World) {
    let admin = w.server.api(&w.server.token("tagseg", "tagseg-admin", Role::Admin));
    let mut settings = admin.get("/api/v1/settings").body;
    settings["segments"] = json!([
        {"key": "expo", "zh": "展会客户", "en": "Expo", "cadence_days": 7, "when": [{"field": "tags", "op": "has", "value": "展会2026"}]},
        {"key": "others", "zh": "其他", "en": "Others", "cadence_days": 30, "when": []}
    ]);
    let saved = admin.put("/api/v1/settings", &settings);
    assert_eq!(saved.status, 200, "{}", saved.text);
    let ids: Vec<String> = (0..3).map(|i| created(&admin, json!({"name": format!("标签分群{i}"), "phone": format!("1366600000{i}")}))["id"].as_str().unwrap_or_default().to_string()).collect();
    let segment = |id: &str| {
        let c = admin.get(&format!("/api/v1/customers/{id}")).body;
        (c["segment"].as_str().map(String::from), c["tags"].clone())
    };
    assert_eq!(segment(&ids[0]), (Some("others".into()), json!([])));
    let tagged = bulk(&admin, json!({"action": "tag", "ids": &ids[..2], "tag": "展会2026"}));
    assert_eq!((tagged.status, strings(&tagged.body["done"])), (200, ids[..2].to_vec()), "{}", tagged.text);
    for id in &ids[..2] {
        assert_eq!(segment(id), (Some("expo".into()), json!(["展会2026"])), "{id}");
    }
    assert_eq!(segment(&ids[2]), (Some("others".into()), json!([])), "not selected, not changed");
    // Tagged again: skipped, and the segment stays.
    let again = bulk(&admin, json!({"action": "tag", "ids": &ids[..1], "tag": "展会2026"}));
    assert_eq!(skipped(&again.body), vec![(ids[0].clone(), "already_tagged".into())], "{}", again.text);
    assert_eq!(segment(&ids[0]).0, Some("expo".into()));
}

pub fn distribute(w: &mut World) {
    let ids = make_pool(w, "批量分配", 10, 17600000000);
    let preview = bulk(&w.admin, json!({"action": "distribute", "ids": ids, "strategy": "least_loaded"}));
    assert_eq!(preview.status, 200, "{}", preview.text);
    assert_eq!((preview.body["applied"].as_bool(), preview.body["rule"].is_string()), (Some(false), true), "{}", preview.text);
    let planned = strings(&preview.body["done"]);
    let shares: u64 = preview.body["distribution"].as_array().unwrap().iter().map(|s| s["customers"].as_u64().unwrap()).sum();
    assert_eq!((planned.len(), shares), (10, 10), "{}", preview.text);
    assert_eq!(owner(w, &ids[0]), Value::Null, "a preview writes nothing");
    let applied = bulk(&w.admin, json!({"action": "distribute", "ids": ids, "strategy": "least_loaded", "apply": true}));
    assert_eq!((applied.status, applied.body["applied"].as_bool()), (200, Some(true)), "{}", applied.text);
    assert_eq!(strings(&applied.body["done"]).len(), 10, "{}", applied.text);
    for id in &ids {
        assert!(owner(w, id).is_string(), "{id} allocated");
        assert_eq!(last_audit(w, id)["action"].as_str(), Some("allocate"));
    }
    let again = bulk(&w.admin, json!({"action": "distribute", "ids": ids, "apply": true}));
    assert!(skipped(&again.body).iter().all(|(_, r)| r == "already_owned") && skipped(&again.body).len() == 10, "{}", again.text);
    // A rep hands nothing out.
    assert_eq!(bulk(&w.wang, json!({"action": "distribute", "ids": ids})).status, 403);
    bulk(&w.admin, json!({"action": "delete", "ids": ids}));
}

pub fn refusals(w: &mut World) {
    let too_many: Vec<String> = (0..=shared::api::MAX_SELECTION).map(|i| format!("c_{i}")).collect();
    let over = bulk(&w.admin, json!({"action": "delete", "ids": too_many}));
    assert_eq!((over.status, over.code()), (400, "invalid"), "{}", over.text);
    assert_eq!(over.body["error"]["details"]["fields"][0]["code"], json!("too_many"));
    for (body, path) in [
        (json!({"action": "transfer", "ids": ["c_1"]}), "to"),
        (json!({"action": "release", "ids": ["c_1"], "reason_code": "bored"}), "reason_code"),
        (json!({"action": "delete", "ids": ["c_1"], "filter": {"owner": "me"}}), "ids"),
        (json!({"action": "delete", "filter": {"cursor": "c_1"}}), "filter.cursor"),
        (json!({"action": "tag", "ids": ["c_1"], "tag": "a", "to": "rep-wang"}), "to"),
    ] {
        let answer = bulk(&w.admin, body.clone());
        assert_eq!((answer.status, answer.code()), (400, "invalid"), "{body}: {}", answer.text);
        assert_eq!(answer.body["error"]["details"]["fields"][0]["path"], json!(path), "{body}: {}", answer.text);
    }
    let unknown = bulk(&w.admin, json!({"action": "merge", "ids": ["c_1"]}));
    assert_eq!(unknown.status, 400, "{}", unknown.text);
    error_shape(&unknown);
    // A target no customer could go to is refused before anything moves.
    let ids = make_pool(w, "批量目标", 2, 17700000000);
    let elsewhere = bulk(&w.manager, json!({"action": "assign", "ids": ids, "to": "rep-emily"}));
    assert_eq!((elsewhere.status, elsewhere.code()), (403, "forbidden"), "another team's rep: {}", elsewhere.text);
    assert_eq!(owner(w, &ids[0]), Value::Null);
    bulk(&w.admin, json!({"action": "delete", "ids": ids}));
    // Another tenant's ids are no different from ids that do not exist.
    let foreign = bulk(&w.acme, json!({"action": "tag", "ids": ["c_missing"], "tag": "x"}));
    assert_eq!(skipped(&foreign.body), vec![("c_missing".to_string(), "not_in_scope".to_string())], "{}", foreign.text);
}
