//! The public pool (公海): claim and release with their limits, the pool's views,
//! transfer and distribute, the recycle job, races between them, and pools with limits
//! of their own.

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite
        .case("claim_release_cooldown_and_audit", claim_release)
        .case("pool_list_standing_transfer_distribute", pool_views)
        .case("fifty_simultaneous_claims_one_winner", fifty_claims)
        .case("claim_storm_respects_daily_limit", claim_storm)
        .case("recycle_job_is_idempotent", recycle)
        .case("release_racing_transfer_ends_in_a_serial_order", release_vs_transfer)
        .case("claim_racing_recycle_ends_in_a_serial_order", claim_vs_recycle)
        .tenant_wide("each_pool_counts_its_own_daily_claims", pools_have_their_own_limits)
}

pub fn claim_release(w: &mut World) {
    let ids = make_pool(w, "领取客户", 3, 15900000000);
    let first = w.chen.send("POST", &format!("/api/v1/customers/{}/claim", ids[0]), "application/json", b"");
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!((first.body["owner"].as_str(), first.body["masked"].as_bool()), (Some("rep-chen"), Some(false)));
    assert!(first.body["phone"].as_str().unwrap().chars().all(|c| c.is_ascii_digit()), "contacts unmasked once claimed");
    let again = w.wang.send("POST", &format!("/api/v1/customers/{}/claim", ids[1]), "application/json", b"");
    assert_eq!(again.status, 200);
    let taken = w.chen.send("POST", &format!("/api/v1/customers/{}/claim", ids[1]), "application/json", b"");
    assert_eq!((taken.status, taken.code()), (409, "already_owned"), "{}", taken.text);
    assert!(!taken.text.contains("rep-wang") && !taken.text.contains("领取客户"), "a refusal leaks nothing of the record");
    // Release needs a valid reason; then the cool-down keeps the same rep away.
    let bad = w.chen.post(&format!("/api/v1/customers/{}/release", ids[0]), &json!({"reason_code": "bored"}));
    assert_eq!((bad.status, bad.code()), (400, "invalid"));
    assert_eq!(w.wang.post(&format!("/api/v1/customers/{}/release", ids[0]), &json!({"reason_code": "unreachable"})).status, 404);
    let released = w.chen.post(&format!("/api/v1/customers/{}/release", ids[0]), &json!({"reason_code": "unreachable", "note": "空号"}));
    assert_eq!((released.status, released.body["owner"].is_null()), (200, true), "{}", released.text);
    let back = w.chen.send("POST", &format!("/api/v1/customers/{}/claim", ids[0]), "application/json", b"");
    assert_eq!((back.status, back.code()), (409, "cooldown"), "{}", back.text);
    assert!(back.body["error"]["details"]["cooldown_until"].is_i64());
    assert_eq!(w.wang.send("POST", &format!("/api/v1/customers/{}/claim", ids[0]), "application/json", b"").status, 200);
    // The audit trail tells the story in order.
    let trail = w.manager.get(&format!("/api/v1/audit?customer={}", ids[0])).body;
    let story: Vec<(String, Option<String>, Option<String>)> =
        trail["items"].as_array().unwrap().iter().map(|e| (e["action"].as_str().unwrap().to_string(), e["from"].as_str().map(String::from), e["to"].as_str().map(String::from))).collect();
    assert_eq!(
        story,
        vec![
            ("import".to_string(), None, None),
            ("claim".to_string(), None, Some("rep-chen".to_string())),
            ("release".to_string(), Some("rep-chen".to_string()), None),
            ("claim".to_string(), None, Some("rep-wang".to_string())),
        ]
    );
    assert!(trail["items"][2]["reason"].as_str().unwrap().contains("unreachable"));
    assert_eq!(w.acme.get(&format!("/api/v1/audit?customer={}", ids[0])).status, 404);
}

pub fn pool_views(w: &mut World) {
    let ids = make_pool(w, "公海列表", 4, 16300000000);
    // 赵's claims today so far (other cases may have claimed as 赵 before this one).
    let start = w.zhao().get("/api/v1/pool/me").body;
    let (claimed_before, left_before) = (start["claims_today"].as_u64().unwrap_or(0), start["claims_left_today"].as_u64().unwrap_or(0));
    // Released customers say so in the pool list, masked for reps.
    assert_eq!(w.zhao().send("POST", &format!("/api/v1/customers/{}/claim", ids[0]), "application/json", b"").status, 200);
    assert_eq!(w.zhao().post(&format!("/api/v1/customers/{}/release", ids[0]), &json!({"reason_code": "no_budget"})).status, 200);
    let page = w.chen.get("/api/v1/pool?q=公海列表&limit=10");
    assert_eq!(page.status, 200, "{}", page.text);
    let items = page.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let released = items.iter().find(|i| i["id"] == json!(ids[0])).unwrap();
    assert_eq!((released["pool_reason"].as_str(), released["pool_note"].as_str(), released["masked"].as_bool()), (Some("released"), Some("no_budget"), Some(true)));
    assert!(released["phone"].as_str().unwrap().contains("****"));
    let imported = items.iter().find(|i| i["id"] == json!(ids[1])).unwrap();
    assert_eq!((imported["pool_reason"].as_str(), imported["pool"].as_str()), (Some("imported"), Some("main")));
    assert!(imported["pool_since"].is_i64());
    // Standing: holdings against the cap, claims left today.
    let before = w.zhao().get("/api/v1/pool/me").body;
    assert_eq!(
        (before["claims_today"].as_u64(), before["claims_left_today"].as_u64(), before["daily_claim_limit"].as_u64()),
        (Some(claimed_before + 1), left_before.checked_sub(1), Some(10)),
        "the claim is counted (the release does not give it back)"
    );
    // Transfer: manager within the team; the trail records it.
    assert_eq!(w.zhao().send("POST", &format!("/api/v1/customers/{}/claim", ids[1]), "application/json", b"").status, 200);
    let moved = w.manager.post(&format!("/api/v1/customers/{}/transfer", ids[1]), &json!({"to": "rep-chen", "note": "区域调整"}));
    assert_eq!((moved.status, moved.body["owner"].as_str()), (200, Some("rep-chen")), "{}", moved.text);
    assert_eq!(w.manager.post(&format!("/api/v1/customers/{}/transfer", ids[1]), &json!({"to": "rep-emily"})).status, 403, "out of the manager's team");
    assert_eq!(w.chen.post(&format!("/api/v1/customers/{}/transfer", ids[1]), &json!({"to": "rep-wang"})).status, 403, "reps do not transfer");
    let trail = w.manager.get(&format!("/api/v1/audit?customer={}", ids[1])).body;
    let last = trail["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["from"].as_str(), last["to"].as_str()), (Some("transfer"), Some("rep-zhao"), Some("rep-chen")));
    // Distribute from the pool: preview writes nothing, apply assigns.
    let rest: Vec<String> = vec![ids[2].clone(), ids[3].clone()];
    let preview = w.manager.post("/api/v1/pool/distribute", &json!({"customer_ids": rest, "strategy": "least_loaded"}));
    assert_eq!((preview.status, preview.body["applied"].as_bool()), (200, Some(false)), "{}", preview.text);
    assert_eq!(pool_ids(&w.admin, "公海列表").len(), 3);
    let applied = w.manager.post("/api/v1/pool/distribute", &json!({"customer_ids": rest, "strategy": "least_loaded", "apply": true}));
    assert_eq!((applied.body["applied"].as_bool(), applied.body["skipped"].as_array().map(Vec::len)), (Some(true), Some(0)), "{}", applied.text);
    assert_eq!(pool_ids(&w.admin, "公海列表").len(), 1);
}

pub fn fifty_claims(w: &mut World) {
    let ids = make_pool(w, "抢单客户", 1, 16000000000);
    let reps: Vec<Api> = (0..50).map(|i| rep_api(w, &format!("racer-{i:02}"))).collect();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(reps.len()));
    let handles: Vec<_> = reps
        .into_iter()
        .map(|api| {
            let path = format!("/api/v1/customers/{}/claim", ids[0]);
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let a = api.send("POST", &path, "application/json", b"");
                (a.status, a.code().to_string())
            })
        })
        .collect();
    let answers: Vec<(u16, String)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let wins = answers.iter().filter(|(s, _)| *s == 200).count();
    let lost = answers.iter().filter(|(s, c)| *s == 409 && c == "already_owned").count();
    assert_eq!((wins, lost), (1, 49), "{answers:?}");
    let trail = w.admin.get(&format!("/api/v1/audit?customer={}", ids[0])).body;
    let claims = trail["items"].as_array().unwrap().iter().filter(|e| e["action"] == json!("claim")).count();
    assert_eq!(claims, 1, "exactly one audit event for the one winner");
}

pub fn claim_storm(w: &mut World) {
    let ids = make_pool(w, "风暴客户", 100, 16100000000);
    let reps: Vec<(String, Api)> = (0..20)
        .map(|i| {
            let id = format!("storm-{i:02}");
            (id.clone(), rep_api(w, &id))
        })
        .collect();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(reps.len()));
    let handles: Vec<_> = reps
        .into_iter()
        .enumerate()
        .map(|(i, (id, api))| {
            let targets: Vec<String> = (0..30).map(|k| ids[(i * 7 + k * 3) % ids.len()].clone()).collect();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let mut won = Vec::new();
                let mut codes = Vec::new();
                for t in targets {
                    let a = api.send("POST", &format!("/api/v1/customers/{t}/claim"), "application/json", b"");
                    if a.status == 200 {
                        won.push(t);
                    } else {
                        codes.push(a.code().to_string());
                    }
                }
                (id, won, codes)
            })
        })
        .collect();
    let results: Vec<(String, Vec<String>, Vec<String>)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let mut owners = std::collections::HashMap::new();
    for (rep, won, codes) in &results {
        assert!(won.len() <= 10, "{rep} claimed {} (> daily limit 10)", won.len());
        assert!(codes.iter().all(|c| c == "already_owned" || c == "claim_limit" || c == "not_found"), "{rep}: {codes:?}");
        for c in won {
            assert!(owners.insert(c.clone(), rep.clone()).is_none(), "{c} won twice");
        }
    }
    for (customer, rep) in &owners {
        assert_eq!(w.admin.get(&format!("/api/v1/customers/{customer}")).body["owner"].as_str(), Some(rep.as_str()));
    }
    let mut audited = 0;
    for id in &ids {
        audited += w.admin.get(&format!("/api/v1/audit?customer={id}")).body["items"].as_array().unwrap().iter().filter(|e| e["action"] == json!("claim")).count();
    }
    assert_eq!(audited, owners.len(), "audit events = successful claims");
    // A rep past the daily limit hears what is left.
    let extra = make_pool(w, "限额客户", 11, 16200000000);
    let api = rep_api(w, "limit-rep");
    for id in &extra[..10] {
        assert_eq!(api.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"").status, 200);
    }
    let refused = api.send("POST", &format!("/api/v1/customers/{}/claim", extra[10]), "application/json", b"");
    assert_eq!((refused.status, refused.code()), (409, "claim_limit"), "{}", refused.text);
    assert!(refused.body["error"]["message"].as_str().unwrap().contains("今日还可领取 0 个"));
    assert_eq!(refused.body["error"]["details"]["claims_left_today"], json!(0));
}

pub fn recycle(w: &mut World) {
    let acme_rep = w.server.api(&w.server.token("acme", "acme-rep", Role::Rep));
    let owner = |id: &str| w.acme.get(&format!("/api/v1/customers/{id}")).body["owner"].clone();
    assert_eq!(owner("c_acme_overdue"), json!("acme-rep"));
    assert_eq!(w.server.trigger_scheduled(), 200, "the scheduled handler runs");
    allot_tests::eventually("overdue: back in the pool", || owner("c_acme_overdue") == Value::Null);
    // A second pass (the next hour, or a message delivered twice) does nothing twice.
    assert_eq!(w.server.trigger_scheduled(), 200, "the scheduled handler runs");
    std::thread::sleep(std::time::Duration::from_secs(3));
    for kept in ["c_acme_warn", "c_acme_won", "c_acme_fresh"] {
        assert_eq!(owner(kept), json!("acme-rep"), "{kept} stays");
    }
    let trail = w.acme.get("/api/v1/audit?customer=c_acme_overdue").body;
    let recycles: Vec<&Value> = trail["items"].as_array().unwrap().iter().filter(|e| e["action"] == json!("recycle")).collect();
    assert_eq!(recycles.len(), 1, "run twice, recycled once: {trail}");
    assert_eq!((recycles[0]["from"].as_str(), recycles[0]["reason"].as_str()), (Some("acme-rep"), Some("no_follow_up")));
    let reminders = acme_rep.get("/api/v1/reminders").body;
    let items: Vec<&Value> = reminders["items"].as_array().unwrap().iter().filter(|r| r["kind"] == json!("recycle")).collect();
    assert_eq!(items.len(), 1, "one recycle reminder, not two: {reminders}");
    assert_eq!((items[0]["customer"].as_str(), items[0]["in_days"].as_i64()), (Some("c_acme_warn"), Some(2)));
}

pub fn release_vs_transfer(w: &mut World) {
    let ids = make_pool(w, "竞态客户", 6, 16400000000);
    let zhao = w.zhao();
    let mut outcomes = std::collections::HashSet::new();
    for id in &ids {
        assert_eq!(zhao.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"").status, 200);
    }
    for id in &ids {
        let (owner_api, manager) = (zhao.clone(), w.manager.clone());
        let (a, b) = (id.clone(), id.clone());
        let release = std::thread::spawn(move || owner_api.post(&format!("/api/v1/customers/{a}/release"), &json!({"reason_code": "other", "note": "race"})).status);
        let transfer = std::thread::spawn(move || manager.post(&format!("/api/v1/customers/{b}/transfer"), &json!({"to": "rep-chen"})).status);
        let (r, t) = (release.join().unwrap(), transfer.join().unwrap());
        let owner = w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].clone();
        // Serial orders: release then transfer (both 200, owner rep-chen); transfer then
        // release (release refused, owner rep-chen); never a mix such as a pool customer
        // with a transfer recorded last.
        assert_eq!(owner, json!("rep-chen"), "release {r} / transfer {t}");
        assert_eq!(t, 200);
        // Transfer first: the customer is no longer the rep's, so it is invisible to them (404).
        assert!(r == 200 || r == 404, "release answered {r}");
        assert_eq!(replayed_owner(w, id), owner, "the audit trail replays to the final owner");
        outcomes.insert(r);
    }
}

pub fn claim_vs_recycle(w: &mut World) {
    let api = |user: &str, role| w.server.api(&w.server.token("race", user, role));
    let admin = api("race-admin", Role::Admin);
    let ids: Vec<String> = (0..10).map(|i| format!("c_race_{i}")).collect();
    // Make the ten due: recycle after 5 days without a follow-up (they have had 10).
    let mut rules = admin.get("/api/v1/pool/rules").body;
    for tier in ["key", "potential", "regular"] {
        rules["pools"][0]["recycle_without_follow_up_days"][tier] = json!(5);
    }
    let saved = admin.put("/api/v1/pool/rules", &rules);
    assert_eq!(saved.status, 200, "{}", saved.text);
    // The recycle job (queued by the Cron Trigger, run by the queue's consumer) and a rep
    // per customer claiming it every 100 ms, at once.
    let base = w.server.base.clone();
    let job = std::thread::spawn(move || allot_tests::trigger_scheduled_at(&base));
    let claims: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let (api, id) = (api(&format!("race-claimer-{i}"), Role::Rep), id.clone());
            std::thread::spawn(move || {
                for _ in 0..50 {
                    let status = api.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"").status;
                    if status == 200 {
                        return true;
                    }
                    assert_eq!(status, 409, "a lost claim is a 409 (a 429 means the queue took over 5 s)");
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                false
            })
        })
        .collect();
    assert_eq!(job.join().unwrap(), 200);
    let won: Vec<bool> = claims.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(won.iter().any(|c| *c), "claims landed once the job had recycled");
    for (id, claimed) in ids.iter().zip(won) {
        let owner = admin.get(&format!("/api/v1/customers/{id}")).body["owner"].clone();
        let trail = admin.get(&format!("/api/v1/audit?customer={id}")).body;
        let events: Vec<(&str, i64)> = trail["items"].as_array().unwrap().iter().map(|e| (e["action"].as_str().unwrap(), e["seq"].as_i64().unwrap())).collect();
        let recycle: Vec<i64> = events.iter().filter(|(a, _)| *a == "recycle").map(|(_, s)| *s).collect();
        let claim: Vec<i64> = events.iter().filter(|(a, _)| *a == "claim").map(|(_, s)| *s).collect();
        // Serial: recycled once (from race-rep), then claimed at most once, after it.
        assert_eq!(recycle.len(), 1, "{id}: {trail}");
        assert_eq!(claim.len(), usize::from(claimed), "{id}: {trail}");
        if claimed {
            assert!(claim[0] > recycle[0], "{id}: the claim follows the recycle: {trail}");
            assert_eq!(owner.as_str().map(|o| o.starts_with("race-claimer-")), Some(true), "{id}: {owner}");
        } else {
            assert_eq!(owner, Value::Null, "{id}");
        }
    }
}

pub fn pools_have_their_own_limits(w: &mut World) {
    let rules = w.admin.get("/api/v1/pool/rules").body;
    let mut east = rules["pools"][0].clone();
    east["key"] = json!("east");
    east["zh"] = json!("东区公海");
    east["en"] = json!("East pool");
    east["regions"] = json!(["east"]);
    east["daily_claim_limit"] = json!(1);
    let mut two = rules.clone();
    two["pools"] = json!([east, rules["pools"][0].clone()]);
    let saved = w.admin.put("/api/v1/pool/rules", &two);
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(w.admin.post("/api/v1/reps", &json!({"id": "rep-pools", "name": "池测试", "level": "junior", "capacity": 50})).status, 201);
    let rep = w.server.api(&w.server.token("demo", "rep-pools", Role::Rep));
    // make_pool cycles 上海 (east), 广州, 北京, 成都.
    let ids = make_pool(w, "分池客户", 8, 17100000000);
    let region = |id: &String| w.admin.get(&format!("/api/v1/customers/{id}")).body["region"].as_str().unwrap_or("").to_string();
    let east_ids: Vec<&String> = ids.iter().filter(|id| region(id) == "east").collect();
    let other: Vec<&String> = ids.iter().filter(|id| region(id) != "east").collect();
    assert!(east_ids.len() >= 2 && !other.is_empty());
    let claim = |id: &str| rep.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"");
    assert_eq!(claim(east_ids[0]).status, 200, "first claim from the east pool");
    let refused = claim(east_ids[1]);
    assert_eq!((refused.status, refused.code()), (409, "claim_limit"), "the east pool allows one a day: {}", refused.text);
    assert_eq!(refused.body["error"]["details"]["claims_left_today"], json!(0));
    assert_eq!(claim(other[0]).status, 200, "the main pool's limit is its own");
    let me = rep.get("/api/v1/pool/me").body;
    let quota = |key: &str| me["pools"].as_array().unwrap().iter().find(|p| p["pool"] == json!(key)).cloned().unwrap();
    assert_eq!((quota("east")["claims_today"].as_u64(), quota("east")["claims_left_today"].as_u64()), (Some(1), Some(0)), "{me}");
    assert_eq!((quota("main")["claims_today"].as_u64(), quota("main")["daily_claim_limit"].as_u64()), (Some(1), rules["pools"][0]["daily_claim_limit"].as_u64()));
    assert_eq!(me["held"].as_u64(), Some(2));
    let audit = w.admin.get(&format!("/api/v1/audit?customer={}", east_ids[0])).body;
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == json!("claim") && e["rule"].as_str().is_some_and(|r| r.starts_with("pool:east@"))), "{audit}");
    let mut back = w.admin.get("/api/v1/pool/rules").body;
    back["pools"] = rules["pools"].clone();
    assert_eq!(w.admin.put("/api/v1/pool/rules", &back).status, 200);
}
