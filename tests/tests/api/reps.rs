//! The rep directory, deactivation (refused at once, collaborations ended) and handing
//! every customer of a rep over.

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite
        // It counts the seeded directory: before any case adds a rep.
        .seeded("reps_directory_roles_and_validation", reps)
        .case("a_deactivated_rep_is_refused_and_leaves_collaborations", deactivation)
        .case("hand_over_moves_every_customer_of_a_rep_to_a_colleague_or_the_pool", hand_over)
}

pub fn reps(w: &mut World) {
    let all = w.admin.get("/api/v1/reps");
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.body["items"].as_array().map(Vec::len), Some(9), "8 reps and a manager");
    let team = w.manager.get("/api/v1/reps").body;
    let ids: Vec<&str> = team["items"].as_array().unwrap().iter().filter_map(|r| r["id"].as_str()).collect();
    assert!(ids.contains(&"rep-wang") && !ids.contains(&"rep-emily"), "{ids:?}");
    let me = w.wang.get("/api/v1/reps").body;
    assert_eq!(me["items"].as_array().map(Vec::len), Some(1));
    // Held counts come from the data.
    let held = me["items"][0]["held"].as_u64().unwrap();
    assert_eq!(held as usize, walk(&w.wang, "owner=me", 200).len());
    let new = w.admin.post("/api/v1/reps", &json!({"id": "rep-new", "name": "新人小李", "level": "junior", "industries": ["零售业"], "regions": ["上海"], "capacity": 3, "team": "sales1"}));
    assert_eq!(new.status, 201, "{}", new.text);
    assert_eq!((new.body["industries"].clone(), new.body["regions"].clone(), new.body["held"].as_u64()), (json!(["retail"]), json!(["east"]), Some(0)));
    assert_eq!(w.admin.post("/api/v1/reps", &json!({"id": "rep-new", "name": "x", "level": "junior", "capacity": 1})).code(), "exists");
    let bad = w.admin.post("/api/v1/reps", &json!({"id": "bad id", "name": "", "level": "junior", "industries": ["mining"], "capacity": 1}));
    assert_eq!((bad.status, bad.code()), (400, "invalid"));
    assert_eq!(w.manager.post("/api/v1/reps", &json!({"id": "x", "name": "x", "level": "junior", "capacity": 1})).status, 403);
    let patched = w.manager.patch("/api/v1/reps/rep-new", &json!({"capacity": 4, "active": true}));
    assert_eq!((patched.status, patched.body["capacity"].as_u64()), (200, Some(4)), "{}", patched.text);
    assert_eq!(w.manager.patch("/api/v1/reps/rep-emily", &json!({"capacity": 1})).status, 404, "out of the manager's team");
    assert_eq!(w.wang.patch("/api/v1/reps/rep-wang", &json!({"capacity": 999})).status, 403);
}

pub fn deactivation(w: &mut World) {
    let leaver = rep_api(w, "rep-leaver");
    assert_eq!(leaver.get("/api/v1/me").status, 200);
    let c = created(&w.chen, json!({"name": "离职协作客户", "company": "离职测试有限公司", "phone": "137 1111 0099"}));
    let path = format!("/api/v1/customers/{}", c["id"].as_str().unwrap());
    let shared = w.chen.post(&format!("{path}/collaborators"), &json!({ "user": "rep-leaver" }));
    assert_eq!(shared.status, 200, "{}", shared.text);
    assert_eq!(leaver.get(&path).status, 200, "a collaborator reads it");

    // Deactivated: the unexpired token is refused at once, and the collaboration is gone.
    let off = w.admin.patch("/api/v1/reps/rep-leaver", &json!({"active": false}));
    assert_eq!(off.status, 200, "{}", off.text);
    let refused = leaver.get("/api/v1/me");
    error_shape(&refused);
    assert_eq!((refused.status, refused.code()), (401, "deactivated"), "told apart from an expired token: a new one would not help");
    assert_eq!(leaver.get(&path).status, 401);
    assert_eq!(collaborator_ids(&w.chen.get(&path).body), Vec::<&str>::new(), "the collaboration ended with the deactivation");
    assert_eq!(w.admin.get("/api/v1/me").status, 200, "others are unaffected");

    // Reactivated: the same token works again; collaborations are not restored by themselves.
    assert_eq!(w.admin.patch("/api/v1/reps/rep-leaver", &json!({"active": true})).status, 200);
    assert_eq!(leaver.get("/api/v1/me").status, 200);
    assert_eq!(leaver.get(&path).status, 404, "no longer shared with them");
}

pub fn hand_over(w: &mut World) {
    let leaver = rep_api(w, "rep-handover-a");
    let ids: Vec<String> = (0..3).map(|i| created(&leaver, json!({"name": format!("交接客户{i}"), "phone": format!("139 2222 00{i:02}")}))["id"].as_str().unwrap().to_string()).collect();
    let logged = leaver.post(&format!("/api/v1/customers/{}/follow-ups", ids[0]), &json!({"kind": "call", "note": "交接前的跟进"}));
    assert_eq!(logged.status, 201, "{}", logged.text);
    let url = "/api/v1/reps/rep-handover-a/hand-over";

    // Refusals change nothing.
    assert_eq!(w.wang.post(url, &json!({"to": "rep-wang"})).status, 403, "a rep hands nothing over");
    let same = w.admin.post(url, &json!({"to": "rep-handover-a"}));
    assert_eq!((same.status, same.code()), (400, "invalid"), "{}", same.text);
    assert_eq!(w.admin.post(url, &json!({"to": "nobody"})).status, 403, "not an active user");
    assert_eq!(w.admin.post(url, &json!({"to": "nobody", "deactivate": true})).status, 403);
    assert_eq!(leaver.get("/api/v1/me").status, 200, "a refused hand-over deactivates nobody");
    assert_eq!(w.admin.post("/api/v1/reps/nobody/hand-over", &json!({"to": null})).status, 404);
    assert_eq!(w.acme.post(url, &json!({"to": null})).status, 404, "another tenant's rep is unknown");
    assert_eq!(walk(&leaver, "owner=me", 200).len(), 3);

    // To a colleague: every customer, audited one by one, the follow-up with it.
    let moved = w.admin.post(url, &json!({"to": "rep-wang", "note": "离职"}));
    assert_eq!((moved.status, moved.body["moved"].as_u64(), moved.body["to"].as_str()), (200, Some(3), Some("rep-wang")), "{}", moved.text);
    for id in &ids {
        assert_eq!(w.wang.get(&format!("/api/v1/customers/{id}")).body["owner"].as_str(), Some("rep-wang"));
        let event = last_audit(w, id);
        assert_eq!(
            (event["action"].as_str(), event["from"].as_str(), event["to"].as_str(), event["reason"].as_str()),
            (Some("transfer"), Some("rep-handover-a"), Some("rep-wang"), Some("hand_over: 离职"))
        );
    }
    let follow_ups = w.wang.get(&format!("/api/v1/customers/{}/follow-ups", ids[0]));
    assert_eq!(follow_ups.body["items"].as_array().map(Vec::len), Some(1), "{}", follow_ups.text);
    let again = w.admin.post(url, &json!({"to": "rep-wang"}));
    assert_eq!((again.status, again.body["moved"].as_u64()), (200, Some(0)), "nothing left: a repeat moves nothing");

    // To the pool: released, audited, claimable.
    let second = rep_api(w, "rep-handover-b");
    let pooled: Vec<String> = (0..2).map(|i| created(&second, json!({"name": format!("交接回公海{i}"), "phone": format!("139 3333 00{i:02}")}))["id"].as_str().unwrap().to_string()).collect();
    // A departure in one step: to the pool, and deactivated once they own nothing.
    let released = w.admin.post("/api/v1/reps/rep-handover-b/hand-over", &json!({"to": null, "deactivate": true}));
    assert_eq!((released.status, released.body["moved"].as_u64(), released.body["to"].clone()), (200, Some(2), Value::Null), "{}", released.text);
    assert_eq!(released.body["deactivated"].as_bool(), Some(true));
    assert_eq!(second.get("/api/v1/me").code(), "deactivated");
    let mut expected = pooled.clone();
    expected.sort();
    assert_eq!(released.body["customer_ids"], json!(expected), "the answer names the customers moved");
    for id in &pooled {
        let event = last_audit(w, id);
        assert_eq!((event["action"].as_str(), event["from"].as_str(), event["reason"].as_str()), (Some("release"), Some("rep-handover-b"), Some("hand_over")));
        assert!(w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].is_null());
    }
    // Exactly those are handed out again by a strategy.
    let applied = w.admin.post("/api/v1/pool/distribute", &json!({"customer_ids": released.body["customer_ids"], "strategy": "least_loaded", "apply": true}));
    assert_eq!((applied.status, applied.body["assignments"].as_array().map(Vec::len), applied.body["skipped"].as_array().map(Vec::len)), (200, Some(2), Some(0)), "{}", applied.text);
    for id in &pooled {
        assert!(w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].is_string(), "{id} has an owner again");
    }
}
