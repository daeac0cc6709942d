//! Allocation: the rules document, preview (writes nothing, explains), apply (racing
//! applies and claims assign each customer once), the round-robin cursor and intake.

use std::collections::HashSet;

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite
        .tenant_wide("allocation_rules_versioning", allocation_rules)
        .case("allocation_preview_writes_nothing_and_explains", allocation_preview)
        .case("allocation_apply_and_racing_applies", allocation_apply)
        .case("round_robin_cursor_persists_across_runs", round_robin)
        .case("intake_allocation_names_the_rep_and_why", intake)
        .case("allocation_racing_claims_assigns_each_customer_once", apply_vs_claims)
}

pub fn allocation_rules(w: &mut World) {
    let rules = w.admin.get("/api/v1/allocation/rules").body;
    assert_eq!(rules["strategy"], json!("combined"));
    let mut next = rules.clone();
    next["junior_min_share"] = json!(0.2);
    let saved = w.admin.put("/api/v1/allocation/rules", &next);
    assert_eq!((saved.status, saved.body["version"].as_i64()), (200, Some(rules["version"].as_i64().unwrap() + 1)), "{}", saved.text);
    assert_eq!(w.admin.put("/api/v1/allocation/rules", &next).code(), "stale");
    let mut bad = saved.body.clone();
    bad["weights"]["region"] = json!(-3);
    assert_eq!(w.admin.put("/api/v1/allocation/rules", &bad).code(), "invalid");
    assert_eq!(w.manager.put("/api/v1/allocation/rules", &saved.body).status, 403);
    // Back to the rules the other cases read.
    let mut back = saved.body.clone();
    back["junior_min_share"] = rules["junior_min_share"].clone();
    assert_eq!(w.admin.put("/api/v1/allocation/rules", &back).status, 200);
    // Pool rules: the same versioning, validated against the stages.
    let pool = w.admin.get("/api/v1/pool/rules").body;
    let mut next = pool.clone();
    next["pools"][0]["cooldown_days"] = json!(5);
    let saved = w.admin.put("/api/v1/pool/rules", &next);
    assert_eq!((saved.status, saved.body["version"].as_i64()), (200, Some(pool["version"].as_i64().unwrap() + 1)), "{}", saved.text);
    assert_eq!(w.admin.put("/api/v1/pool/rules", &next).code(), "stale");
    let mut bad = saved.body.clone();
    bad["pools"][0]["exempt_from_stage"] = json!("moon");
    assert_eq!(w.admin.put("/api/v1/pool/rules", &bad).code(), "invalid");
    assert_eq!(w.manager.put("/api/v1/pool/rules", &saved.body).status, 403);
    // Back to the defaults' cool-down so later cases see the documented 7 days.
    let mut restore = saved.body.clone();
    restore["pools"][0]["cooldown_days"] = json!(7);
    assert_eq!(w.admin.put("/api/v1/pool/rules", &restore).status, 200);
}

pub fn allocation_preview(w: &mut World) {
    let ids = make_pool(w, "预览客户", 12, 15500000000);
    let before = pool_ids(&w.admin, "预览客户");
    let preview = w.manager.post("/api/v1/allocations/preview", &json!({"customer_ids": ids, "seed": 5}));
    assert_eq!(preview.status, 200, "{}", preview.text);
    let b = &preview.body;
    assert_eq!((b["applied"].as_bool(), b["assignments"].as_array().map(Vec::len)), (Some(false), Some(12)));
    assert_eq!(pool_ids(&w.admin, "预览客户"), before, "a preview writes nothing");
    // Managers allocate within their team only.
    let team: HashSet<&str> = ["rep-wang", "rep-liu", "rep-chen", "rep-zhao", "rep-sun", "rep-zhou", "rep-new"].into_iter().collect();
    for a in b["assignments"].as_array().unwrap() {
        assert!(team.contains(a["rep"].as_str().unwrap()), "{a}");
        assert_eq!(a["breakdown"]["contributions"].as_array().map(Vec::len), Some(5));
        assert!(a["customer_name"].as_str().is_some_and(|n| n.starts_with("预览客户")), "explanations name the customer: {a}");
        assert!(a["runner_up"]["why_not"].is_string());
    }
    let d = &b["distribution"];
    assert!(d["gini_count"].is_number() && d["total_score"].as_f64().unwrap() > 0.0 && d["junior_share"].is_number());
    // Same seed, same answer; full explanations list every eligible rep.
    let again = w.manager.post("/api/v1/allocations/preview", &json!({"customer_ids": ids, "seed": 5}));
    assert_eq!(again.body["assignments"], b["assignments"]);
    let full = w.admin.post("/api/v1/allocations/preview", &json!({"customer_ids": ids, "explain": "full", "strategy": "optimal"}));
    // Every active rep (other cases may have added some).
    let reps = w.admin.get("/api/v1/reps").body;
    let active_reps = reps["items"].as_array().unwrap().iter().filter(|r| r["role"] == json!("rep") && r["active"] == json!(true)).count();
    assert_eq!(full.body["assignments"][0]["alternatives"].as_array().map(Vec::len), Some(active_reps), "{}", full.text);
    // The optimum's total is at least every other strategy's.
    let optimal = full.body["distribution"]["total_score"].as_f64().unwrap();
    for s in ["round_robin", "weighted_round_robin", "performance_first", "industry_expertise", "region", "customer_type", "least_loaded", "combined"] {
        let other = w.admin.post("/api/v1/allocations/preview", &json!({"customer_ids": ids, "strategy": s}));
        assert_eq!(other.status, 200, "{s}: {}", other.text);
        assert!(optimal + 1e-6 >= other.body["distribution"]["total_score"].as_f64().unwrap(), "{s} beat optimal");
    }
    assert_eq!(w.wang.post("/api/v1/allocations/preview", &json!({})).status, 403);
    assert_eq!(w.manager.post("/api/v1/allocations/preview", &json!({"strategy": "coin_flip"})).code(), "invalid");
}

pub fn allocation_apply(w: &mut World) {
    let ids = make_pool(w, "分配客户", 20, 15600000000);
    // Two runs racing over the same customers: each customer is assigned once.
    let (a, b) = (w.admin.clone(), w.admin.clone());
    let body = json!({"customer_ids": ids, "strategy": "least_loaded"});
    let (b1, b2) = (body.clone(), body.clone());
    let t1 = std::thread::spawn(move || a.post("/api/v1/allocations", &b1));
    let t2 = std::thread::spawn(move || b.post("/api/v1/allocations", &b2));
    let (r1, r2) = (t1.join().unwrap(), t2.join().unwrap());
    assert_eq!((r1.status, r2.status), (200, 200), "{} {}", r1.text, r2.text);
    let applied = |r: &allot_tests::Answer| r.body["assignments"].as_array().unwrap().len() - r.body["skipped"].as_array().unwrap().len();
    assert_eq!(applied(&r1) + applied(&r2), 20, "every customer exactly once: {} / {}", r1.text, r2.text);
    assert!(pool_ids(&w.admin, "分配客户").is_empty());
    for id in &ids {
        let c = w.admin.get(&format!("/api/v1/customers/{id}")).body;
        assert!(c["owner"].is_string() && c["version"].as_i64() == Some(2), "{c}");
    }
    // Nobody above capacity.
    for rep in w.admin.get("/api/v1/reps").body["items"].as_array().unwrap() {
        assert!(rep["held"].as_u64() <= rep["capacity"].as_u64().map(|c| c.max(rep["held"].as_u64().unwrap_or(0))), "{rep}");
    }
    // A rep at capacity gets nothing more: a retail specialist of this case's own (no team,
    // so no manager's view changes), filled (capacity 0), and an allocation by specialty.
    let full = w.admin.post("/api/v1/reps", &json!({"id": "rep-full", "name": "满员专员", "level": "junior", "industries": ["零售业"], "regions": ["上海"], "capacity": 4}));
    assert!(full.status == 201 || full.code() == "exists", "{}", full.text);
    let limit = w.admin.patch("/api/v1/reps/rep-full", &json!({"capacity": 0}));
    assert_eq!(limit.status, 200);
    let more = make_pool(w, "满员测试", 4, 15700000000);
    let answer = w.admin.post("/api/v1/allocations", &json!({"customer_ids": more}));
    assert!(answer.body["assignments"].as_array().unwrap().iter().all(|a| a["rep"] != json!("rep-full")));
}

pub fn round_robin(w: &mut World) {
    let ids = make_pool(w, "轮流客户", 5, 15800000000);
    let first = w.manager.post("/api/v1/allocations", &json!({"customer_ids": ids[..3], "strategy": "round_robin"}));
    assert_eq!(first.status, 200, "{}", first.text);
    let reps1: Vec<String> = first.body["assignments"].as_array().unwrap().iter().map(|a| a["rep"].as_str().unwrap().to_string()).collect();
    let second = w.manager.post("/api/v1/allocations", &json!({"customer_ids": ids[3..], "strategy": "round_robin"}));
    let reps2: Vec<String> = second.body["assignments"].as_array().unwrap().iter().map(|a| a["rep"].as_str().unwrap().to_string()).collect();
    let rotation: Vec<String> = {
        let mut v: Vec<String> = w.manager.get("/api/v1/reps").body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["role"] == json!("rep") && r["active"] == json!(true) && r["held"].as_u64() < r["capacity"].as_u64())
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    let pos = |id: &String| rotation.iter().position(|r| r == id).unwrap();
    for pair in reps1.iter().chain(reps2.iter()).collect::<Vec<_>>().windows(2) {
        assert_eq!((pos(pair[0]) + 1) % rotation.len(), pos(pair[1]), "rotation continues across runs: {reps1:?} then {reps2:?}");
    }
}

pub fn intake(w: &mut World) {
    let answer = w.chen.post("/api/v1/customers", &json!({"name": "官网线索", "phone": "13555550000", "industry": "零售业", "region": "广州", "amount": 90000, "allocate": true}));
    assert_eq!(answer.status, 201, "{}", answer.text);
    let alloc = &answer.body["allocation"];
    let rep = alloc["rep"].as_str().expect("someone got it");
    assert_eq!(answer.body["owner"].as_str(), Some(rep));
    assert!(alloc["breakdown"]["contributions"].as_array().unwrap().iter().any(|c| c["criterion"] == json!("industry")));
    assert!(alloc["runner_up"]["rep"].is_string());
    let conflicting = w.chen.post("/api/v1/customers", &json!({"name": "x", "allocate": true, "owner": null}));
    assert_eq!(conflicting.code(), "invalid");
}

pub fn apply_vs_claims(w: &mut World) {
    let ids = make_pool(w, "分配抢单", 20, 16900000000);
    // An allocation of all twenty races a rep claiming each of them.
    // A rep of its own, so no other case's claims count against this one's daily limit.
    let (admin, zhao) = (w.admin.clone(), rep_api(w, "rep-apply-race"));
    let body = json!({"customer_ids": ids, "strategy": "combined"});
    let apply = std::thread::spawn(move || admin.post("/api/v1/allocations", &body));
    let claims: Vec<_> = ids
        .iter()
        .map(|id| {
            let (api, id) = (zhao.clone(), id.clone());
            std::thread::spawn(move || api.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"").status)
        })
        .collect();
    let applied = apply.join().unwrap();
    assert_eq!(applied.status, 200, "{}", applied.text);
    let claimed = claims.into_iter().map(|t| t.join().unwrap()).filter(|s| *s == 200).count();
    let assigned = applied.body["assignments"].as_array().unwrap().len() - applied.body["skipped"].as_array().unwrap().len();
    let mut taken = 0;
    for id in &ids {
        let trail = w.admin.get(&format!("/api/v1/audit?customer={id}")).body;
        let takes = trail["items"].as_array().unwrap().iter().filter(|e| e["action"] == json!("allocate") || e["action"] == json!("claim")).count();
        let owned = w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].is_string();
        assert!(takes <= 1, "{id}: never taken twice: {trail}");
        assert_eq!(takes == 1, owned, "{id}: owned exactly when taken once: {trail}");
        taken += takes;
    }
    assert_eq!(taken, assigned + claimed, "every success is one event: {assigned} allocated + {claimed} claimed");
    assert!(assigned + claimed >= 10, "the race took most of them");
}
