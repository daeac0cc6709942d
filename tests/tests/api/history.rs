//! The console's history views. `GET /history`: every accepted write of a settings document is a version with its
//! author, time and body; a stale write leaves none; restoring is a PUT of an old body;
//! pages walk back by version; each document keeps its newest 100 versions.
//! `GET /audit/recent`: the newest ownership changes across what the caller oversees.

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite
        .tenant_wide("history_records_writes_and_restores_an_old_version", record_and_restore)
        .case("history_keeps_the_newest_hundred_versions", keeps_a_hundred)
        .case("history_is_for_managers_and_admins_and_bounded", access_and_bounds)
        .case("recent_ownership_changes_across_the_tenant", recent_audit)
        .seeded("recent_changes_read_a_bounded_window_and_page_on", recent_audit_bounded)
        .restarting("a_committed_version_is_never_claimed_again", committed_versions_stand)
}

fn history(api: &Api, query: &str) -> Value {
    let answer = api.get(&format!("/api/v1/history?{query}"));
    assert_eq!(answer.status, 200, "{query}: {}", answer.text);
    answer.body
}

fn versions(page: &Value) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(|e| e["version"].as_i64().unwrap()).collect()
}

pub fn record_and_restore(w: &mut World) {
    let original = w.admin.get("/api/v1/pool/rules").body;
    let v0 = original["version"].as_i64().unwrap();
    let mut a = original.clone();
    a["pools"][0]["daily_claim_limit"] = json!(11);
    let saved_a = w.admin.put("/api/v1/pool/rules", &a);
    assert_eq!(saved_a.status, 200, "{}", saved_a.text);
    let newest = history(&w.admin, "document=pool-rules&limit=1");
    let entry = &newest["items"][0];
    assert_eq!((entry["document"].as_str(), entry["version"].as_i64()), (Some("pool-rules"), Some(v0 + 1)), "{newest}");
    assert_eq!(entry["changed_by"], json!({"id": "admin", "name": "张伟"}));
    assert!(entry["changed_at"].as_i64().unwrap() > 1_700_000_000_000);
    assert_eq!(entry["body"], saved_a.body, "the body as stored, its version included");

    // A stale write (the same body again, naming the old version) is refused and leaves
    // no history row.
    let before = versions(&history(&w.admin, "document=pool-rules&limit=100"));
    let stale = w.admin.put("/api/v1/pool/rules", &a);
    assert_eq!((stale.status, stale.code()), (409, "stale"), "{}", stale.text);
    assert_eq!(versions(&history(&w.admin, "document=pool-rules&limit=100")), before, "a stale PUT writes no history");

    // A second change, then restore the first change's body as the console does: PUT it
    // with the current version.
    let mut b = saved_a.body.clone();
    b["pools"][0]["daily_claim_limit"] = json!(12);
    let saved_b = w.admin.put("/api/v1/pool/rules", &b);
    assert_eq!(saved_b.status, 200, "{}", saved_b.text);
    let page = history(&w.admin, "document=pool-rules&limit=2");
    assert_eq!(versions(&page), vec![v0 + 2, v0 + 1], "newest first");
    let mut restore = page["items"][1]["body"].clone();
    restore["version"] = saved_b.body["version"].clone();
    let restored = w.admin.put("/api/v1/pool/rules", &restore);
    assert_eq!(restored.status, 200, "{}", restored.text);
    assert_eq!((restored.body["version"].as_i64(), restored.body["pools"][0]["daily_claim_limit"].as_i64()), (Some(v0 + 3), Some(11)));
    let top = history(&w.admin, "document=pool-rules&limit=1");
    assert_eq!((top["items"][0]["version"].as_i64(), &top["items"][0]["body"]), (Some(v0 + 3), &restored.body));

    // Pages walk back by `before`.
    let first = history(&w.admin, "document=pool-rules&limit=1");
    let cursor = first["next_before"].as_i64().expect("more pages");
    assert_eq!(cursor, v0 + 3);
    let second = history(&w.admin, &format!("document=pool-rules&limit=1&before={cursor}"));
    assert_eq!(versions(&second), vec![v0 + 2]);
    // Settings and allocation rules are recorded the same way, each under its own name.
    let rules = w.admin.get("/api/v1/allocation/rules").body;
    assert_eq!(w.admin.put("/api/v1/allocation/rules", &rules).status, 200);
    let alloc = history(&w.admin, "document=allocation-rules&limit=1");
    assert_eq!((alloc["items"][0]["document"].as_str(), alloc["items"][0]["version"].as_i64()), (Some("allocation-rules"), Some(rules["version"].as_i64().unwrap() + 1)));
    // The tenant's other documents and another tenant's history are apart.
    assert!(history(&w.acme, "document=pool-rules&limit=100")["items"].as_array().unwrap().iter().all(|e| e["changed_by"]["id"] != json!("admin")));

    // Four admins racing from the same version: the claims that lose write no history,
    // so the version's row holds the winner's body (a loser's would replace it).
    let read = w.admin.get("/api/v1/pool/rules").body;
    let racers: Vec<_> = (0..4)
        .map(|n| {
            let (admin, mut body) = (w.admin.clone(), read.clone());
            body["pools"][0]["daily_claim_limit"] = json!(30 + n);
            std::thread::spawn(move || admin.put("/api/v1/pool/rules", &body))
        })
        .collect();
    let answers: Vec<_> = racers.into_iter().map(|r| r.join().unwrap()).collect();
    let won: Vec<_> = answers.iter().filter(|a| a.status == 200).collect();
    assert_eq!(won.len(), 1, "{:?}", answers.iter().map(|a| (a.status, a.text.clone())).collect::<Vec<_>>());
    let raced = history(&w.admin, "document=pool-rules&limit=1");
    assert_eq!(raced["items"][0]["body"], won[0].body, "the winner's body, not a loser's");

    // Back to the rules the other cases read.
    let mut back = original.clone();
    back["version"] = won[0].body["version"].clone();
    assert_eq!(w.admin.put("/api/v1/pool/rules", &back).status, 200);
}

/// A tenant of its own writes its allocation rules 102 times: the newest 100 versions
/// remain, the two oldest are gone, and the last page says there is no more.
pub fn keeps_a_hundred(w: &mut World) {
    let admin = w.server.api(&w.server.token("history", "history-admin", Role::Admin));
    let mut rules = admin.get("/api/v1/allocation/rules").body;
    for _ in 0..102 {
        let saved = admin.put("/api/v1/allocation/rules", &rules);
        assert_eq!(saved.status, 200, "{}", saved.text);
        rules = saved.body;
    }
    let newest = rules["version"].as_i64().unwrap();
    let first = history(&admin, "document=allocation-rules&limit=100");
    let kept = versions(&first);
    assert_eq!((kept.len(), kept.first().copied(), kept.last().copied()), (100, Some(newest), Some(newest - 99)));
    assert!(first.get("next_before").is_none(), "nothing older is kept: {}", first["next_before"]);
    assert_eq!(history(&admin, &format!("document=allocation-rules&before={}", newest - 99))["items"], json!([]));
    assert_eq!(first["items"][0]["changed_by"], json!({"id": "history-admin", "name": "history-admin"}), "a user the directory does not list is named by id");
}

pub fn access_and_bounds(w: &mut World) {
    let denied = w.wang.get("/api/v1/history?document=settings");
    assert_eq!((denied.status, denied.code()), (403, "forbidden"), "{}", denied.text);
    assert_eq!(w.manager.get("/api/v1/history?document=settings").status, 200, "managers read it too");
    for query in ["", "document=secrets", "document=settings&limit=0", "document=settings&limit=101", "document=settings&limit=x", "document=settings&before=0", "document=settings&colour=red"] {
        let answer = w.admin.get(&format!("/api/v1/history?{query}"));
        assert_eq!((answer.status, answer.code()), (400, "invalid"), "{query}: {}", answer.text);
        error_shape(&answer);
    }
    assert!(versions(&history(&w.admin, "document=settings&limit=100")).windows(2).all(|p| p[0] > p[1]), "newest first");
}

pub fn recent_audit(w: &mut World) {
    let c = created(&w.wang, json!({"name": "近期变更客户", "phone": "13777000031"}));
    let id = c["id"].as_str().unwrap();
    let moved = w.manager.post(&format!("/api/v1/customers/{id}/transfer"), &json!({"to": "rep-chen"}));
    assert_eq!(moved.status, 200, "{}", moved.text);
    let page = w.admin.get("/api/v1/audit/recent?limit=2");
    assert_eq!(page.status, 200, "{}", page.text);
    let newest: Vec<(&str, &str)> = page.body["items"].as_array().unwrap().iter().map(|e| (e["customer"].as_str().unwrap(), e["action"].as_str().unwrap())).collect();
    assert_eq!(newest, vec![(id, "transfer"), (id, "create")], "newest first: {}", page.text);
    // The next page starts after the last event of this one, never repeating it.
    let cursor = page.body["next_before"].as_str().expect("more pages").to_string();
    let next = w.admin.get(&format!("/api/v1/audit/recent?limit=2&before={cursor}")).body;
    let seqs = |p: &Value| p["items"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect::<Vec<_>>();
    let (first, second) = (seqs(&page.body), seqs(&next));
    assert!(second.iter().all(|s| !first.contains(s)), "{first:?} {second:?}");
    // A manager sees their team's customers' changes; acme's admin none of demo's.
    assert_eq!(w.manager.get("/api/v1/audit/recent?limit=1").body["items"][0]["customer"], json!(id));
    assert!(w.acme.get("/api/v1/audit/recent?limit=200").body["items"].as_array().unwrap().iter().all(|e| e["customer"] != json!(id)));
    let denied = w.wang.get("/api/v1/audit/recent");
    assert_eq!((denied.status, denied.code()), (403, "forbidden"));
    for query in ["limit=0", "limit=201", "before=x", "before=1", "colour=red"] {
        let answer = w.admin.get(&format!("/api/v1/audit/recent?{query}"));
        assert_eq!((answer.status, answer.code()), (400, "invalid"), "{query}: {}", answer.text);
    }
}

/// Tenant `feed`: a manager whose small team's one event is older than
/// `RECENT_AUDIT_SCAN` + 10 events of another team. The first page reads no further than
/// the bound: it comes back empty with a cursor, and the manager pages on to their event;
/// the page after that has no cursor. An admin fills a page at once.
pub fn recent_audit_bounded(w: &mut World) {
    let manager = w.server.api(&w.server.token("feed", "feed-mgr", Role::Manager));
    let first = manager.get("/api/v1/audit/recent?limit=10");
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["items"], json!([]), "none of the newest {} events is the manager's", shared::api::RECENT_AUDIT_SCAN);
    let cursor = first.body["next_before"].as_str().expect("a cursor although the page is empty").to_string();
    let second = manager.get(&format!("/api/v1/audit/recent?limit=10&before={cursor}"));
    let found: Vec<&str> = second.body["items"].as_array().unwrap().iter().filter_map(|e| e["customer"].as_str()).collect();
    assert_eq!(found, vec!["c_feed_team"], "{}", second.text);
    assert!(second.body.get("next_before").is_none_or(Value::is_null), "the window held the oldest event: {}", second.text);

    let admin = w.server.api(&w.server.token("feed", "feed-admin", Role::Admin));
    let full = admin.get("/api/v1/audit/recent?limit=200").body;
    assert_eq!((full["items"].as_array().map(Vec::len), full["items"][0]["customer"].as_str()), (Some(200), Some("c_feed_out_000001")), "newest first");
    assert!(full["next_before"].is_string());
}

/// One versioned document: where it is read and written, its name (KV key, history), and
/// a field the test sets to tell writes apart: A's first and second write, then B's.
struct Document {
    path: &'static str,
    name: &'static str,
    pointer: &'static str,
    values: [Value; 3],
}

fn documents() -> [Document; 3] {
    [
        Document { path: "/api/v1/settings", name: "settings", pointer: "/allowed_origins", values: [json!(["https://a1.example"]), json!(["https://a2.example"]), json!(["https://b.example"])] },
        Document { path: "/api/v1/allocation/rules", name: "allocation-rules", pointer: "/performance_window_days", values: [json!(61), json!(62), json!(63)] },
        Document { path: "/api/v1/pool/rules", name: "pool-rules", pointer: "/pools/0/daily_claim_limit", values: [json!(21), json!(22), json!(23)] },
    ]
}

fn with(mut body: Value, pointer: &str, value: &Value) -> Value {
    let slot = body.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}"));
    *slot = value.clone();
    body
}

fn restart_with(w: &mut World, what: &str, sql: &str, kv: &[(String, String)]) {
    let persist = w.server.persist.clone();
    w.server.stop();
    let file = persist.with_extension(format!("{what}.sql"));
    std::fs::write(&file, sql).expect("write the simulation");
    allot_tests::execute_sql_file(&persist, &file).expect(what);
    for (key, value) in kv {
        allot_tests::put_kv(&persist, key, value).expect(what);
    }
    let server = Server::start(ServerOptions { persist, port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "warn" }).expect("restart");
    *w = World::new(server);
}

/// KV may serve a copy of a document a minute old. Admin A writes versions 1 and 2 of
/// each document of tenant `versions`; then (simulated: the server stopped, KV given
/// version 1 back, each claim aged ten minutes in D1) admin B reads the stale version 1
/// and writes from it: 409 `stale` for each document, the stored body and A's history
/// rows untouched, however old A's claim. A write that failed after its claim (its claim
/// uncommitted and old, its history row left behind) does not block the document: the
/// next write takes the version over and replaces that row; a write still under way (its
/// claim uncommitted and fresh) is not taken over.
pub fn committed_versions_stand(w: &mut World) {
    let a = w.server.api(&w.server.token("versions", "versions-a", Role::Admin));
    let mut written = Vec::new();
    for d in documents() {
        let mut body = a.get(d.path).body;
        let mut bodies = Vec::new();
        for value in &d.values[..2] {
            let saved = a.put(d.path, &with(body, d.pointer, value));
            assert_eq!(saved.status, 200, "{}: {}", d.name, saved.text);
            body = saved.body.clone();
            bodies.push(saved.body);
        }
        written.push(bodies);
    }
    let version = |body: &Value| body["version"].as_i64().unwrap_or_default();

    let stale: Vec<(String, String)> = documents().iter().zip(&written).map(|(d, bodies)| (format!("{}:versions", d.name), bodies[0].to_string())).collect();
    restart_with(w, "stale-copies", "UPDATE document_versions SET claimed_at = claimed_at - 600000 WHERE tenant_id = 'versions';\n", &stale);
    let b = w.server.api(&w.server.token("versions", "versions-b", Role::Admin));
    for (d, bodies) in documents().iter().zip(&written) {
        let read = b.get(d.path).body;
        assert_eq!(read, bodies[0], "{}: KV serves the stale copy", d.name);
        let answer = b.put(d.path, &with(read, d.pointer, &d.values[2]));
        assert_eq!((answer.status, answer.code()), (409, "stale"), "{}: {}", d.name, answer.text);
        assert_eq!(b.get(d.path).body, bodies[0], "{}: nothing stored", d.name);
        let kept = history(&b, &format!("document={}&limit=100", d.name));
        assert_eq!(versions(&kept), vec![version(&bodies[1]), version(&bodies[0])], "{}: no history row added", d.name);
        assert_eq!((&kept["items"][0]["body"], &kept["items"][0]["changed_by"]["id"]), (&bodies[1], &json!("versions-a")), "{}: A's version stands in the history", d.name);
    }

    // KV as it should be; pool rules' version 3 claimed by a write whose KV write failed
    // ten minutes ago, allocation rules' by one under way.
    let current: Vec<(String, String)> = documents().iter().zip(&written).map(|(d, bodies)| (format!("{}:versions", d.name), bodies[1].to_string())).collect();
    let (now, long_ago) = (allot_tests::now_ms(), allot_tests::now_ms() - 600_000);
    let sql = format!(
        "UPDATE document_versions SET version = version + 1, committed = 0, claimed_at = {long_ago} WHERE tenant_id = 'versions' AND name = 'pool-rules';\n\
         INSERT INTO document_history (tenant_id, name, version, body, changed_by, changed_at, committed) \
         SELECT tenant_id, name, version, '{{\"lost\":true}}', 'versions-a', claimed_at, 0 FROM document_versions WHERE tenant_id = 'versions' AND name = 'pool-rules';\n\
         UPDATE document_versions SET version = version + 1, committed = 0, claimed_at = {now} WHERE tenant_id = 'versions' AND name = 'allocation-rules';\n"
    );
    restart_with(w, "failed-writes", &sql, &current);
    let b = w.server.api(&w.server.token("versions", "versions-b", Role::Admin));
    for (d, bodies) in documents().iter().zip(&written) {
        if d.name == "pool-rules" {
            let listed = history(&b, &format!("document={}&limit=100", d.name));
            assert_eq!(versions(&listed), vec![version(&bodies[1]), version(&bodies[0])], "a failed write's row is no version anyone read");
        }
        let answer = b.put(d.path, &with(bodies[1].clone(), d.pointer, &d.values[2]));
        let kept = history(&b, &format!("document={}&limit=100", d.name));
        if d.name == "allocation-rules" {
            assert_eq!((answer.status, answer.code()), (409, "document_busy"), "{}: a write under way keeps its version: {}", d.name, answer.text);
            assert!(answer.body["error"]["message"].as_str().is_some_and(|m| m.contains("being written")), "{}", answer.text);
            assert_eq!(versions(&kept), vec![version(&bodies[1]), version(&bodies[0])], "{}", d.name);
            continue;
        }
        assert_eq!(answer.status, 200, "{}: {}", d.name, answer.text);
        assert_eq!(version(&answer.body), version(&bodies[1]) + 1, "{}", d.name);
        assert_eq!(b.get(d.path).body, answer.body, "{}", d.name);
        assert_eq!(versions(&kept), vec![version(&bodies[1]) + 1, version(&bodies[1]), version(&bodies[0])], "{}", d.name);
        assert_eq!((&kept["items"][0]["body"], &kept["items"][0]["changed_by"]["id"]), (&answer.body, &json!("versions-b")), "{}: B's body is the version's row", d.name);
        assert_eq!(kept["items"][1]["body"], bodies[1], "{}: A's row untouched", d.name);
    }
}
