//! Customers: create, read, edit under optimistic concurrency, duplicates (撞单) and the
//! tenant's ownership rule, validation, pagination, the lifecycle filter and garbage
//! input that must answer 4xx, never 500.

use std::collections::HashSet;

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite
        .case("crud_and_optimistic_concurrency", crud)
        .case("duplicate_conflict_masks_the_owner", duplicates)
        .tenant_wide("ownership_rules_resolve_collisions", ownership_rules)
        .case("validation_errors_name_fields", validation)
        .case("pagination_walk_returns_each_once", pagination)
        .case("lifecycle_filter_matches_computed_status", lifecycle_filter)
        .case("garbage_inputs_get_4xx_never_500", garbage)
}

pub fn crud(w: &mut World) {
    let c = created(
        &w.wang,
        json!({"name": "  增删改查 ", "company": "杭州云启科技有限公司", "industry": "互联网", "region": "杭州", "amount": 50000, "tier": "potential", "intent": "high", "tags": ["a"], "stage": "需求确认"}),
    );
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!((c["name"].as_str(), c["industry"].as_str(), c["region"].as_str(), c["stage"].as_str()), (Some("增删改查"), Some("internet"), Some("east"), Some("qualified")));
    assert_eq!((c["version"].as_i64(), c["lifecycle"].as_str(), c["segment"].as_str(), c["editable"].as_bool()), (Some(1), Some("new"), Some("growth"), Some(true)));
    let got = w.wang.get(&format!("/api/v1/customers/{id}"));
    assert_eq!(got.body, c);
    let patched = w.wang.patch(&format!("/api/v1/customers/{id}"), &json!({"version": 1, "amount": 80000, "company": null, "stage": "won"}));
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!((patched.body["version"].as_i64(), patched.body["amount"].as_f64(), patched.body["company"].is_null()), (Some(2), Some(80000.0), true));
    assert!(patched.body["won_at"].is_i64());
    // A second writer with the old version loses, with a clear 409, and changes nothing.
    let stale = w.wang.patch(&format!("/api/v1/customers/{id}"), &json!({"version": 1, "amount": 1}));
    assert_eq!((stale.status, stale.code()), (409, "stale"));
    assert_eq!(stale.body["error"]["details"]["current_version"], json!(2));
    assert_eq!(w.wang.get(&format!("/api/v1/customers/{id}")).body["amount"], json!(80000.0));
    assert_eq!(w.admin.delete(&format!("/api/v1/customers/{id}")).status, 200);
    assert_eq!(w.admin.get(&format!("/api/v1/customers/{id}")).status, 404);
    assert_eq!(w.admin.delete(&format!("/api/v1/customers/{id}")).status, 404);
    // A deleted customer's keys are free again.
    created(&w.wang, json!({"name": "重新录入", "company": "杭州云启科技股份有限公司"}));
}

pub fn duplicates(w: &mut World) {
    let first = created(&w.wang, json!({"name": "撞单测试一号", "phone": "+86 139-1111-2222", "email": "Dup@Example.cn", "contact_name": "秘密联系人"}));
    let id = first["id"].as_str().unwrap();
    // Another rep, same phone written differently: refused, owner masked, nothing leaked.
    let clash = w.chen.post("/api/v1/customers", &json!({"name": "另一个名字", "phone": "13911112222"}));
    assert_eq!((clash.status, clash.code()), (409, "duplicate"), "{}", clash.text);
    let d = &clash.body["error"]["details"];
    assert_eq!((d["field"].as_str(), d["owner"].as_str(), d["owned_by_you"].as_bool(), d["in_pool"].as_bool()), (Some("phone"), Some("王*"), Some(false), Some(false)));
    assert!(d.get("customer_id").is_none());
    for secret in ["撞单测试一号", "秘密联系人", "dup@example.cn", "rep-wang", "王芳", id] {
        assert!(!clash.text.to_lowercase().contains(&secret.to_lowercase()), "409 leaks {secret}: {}", clash.text);
    }
    // By email, case-insensitively; and the owner hears it is theirs.
    let mine = w.wang.post("/api/v1/customers", &json!({"name": "x", "email": "dup@EXAMPLE.cn"}));
    assert_eq!((mine.status, mine.body["error"]["details"]["owned_by_you"].as_bool()), (409, Some(true)));
    assert_eq!(mine.body["error"]["details"]["customer_id"].as_str(), Some(id));
    // In the pool: say so, so the rep can claim it.
    created(&w.manager, json!({"name": "公海撞单", "company": "深圳万象物流有限公司", "owner": null}));
    let pool = w.chen.post("/api/v1/customers", &json!({"name": "y", "company": "深圳 万象物流 集团"}));
    assert_eq!((pool.status, pool.body["error"]["details"]["in_pool"].as_bool(), pool.body["error"]["details"]["field"].as_str()), (409, Some(true), Some("company")));
    // A patch into someone else's key is refused the same way.
    let other = created(&w.chen, json!({"name": "陈静的客户", "phone": "13922223333"}));
    let clash = w.chen.patch(&format!("/api/v1/customers/{}", other["id"].as_str().unwrap()), &json!({"version": 1, "phone": "139 1111 2222"}));
    assert_eq!((clash.status, clash.code()), (409, "duplicate"));
}

pub fn validation(w: &mut World) {
    let answer = w.wang.post("/api/v1/customers", &json!({"name": "", "phone": "abc", "email": "nope", "industry": "mining", "amount": -5, "custom": {"x": 1}}));
    assert_eq!((answer.status, answer.code()), (400, "invalid"));
    let paths: Vec<&str> = answer.body["error"]["details"]["fields"].as_array().unwrap().iter().filter_map(|f| f["path"].as_str()).collect();
    assert_eq!(paths, vec!["name", "phone", "email", "industry", "amount", "custom.x"]);
}

pub fn pagination(w: &mut World) {
    let mut csv = String::from("客户名称,电话\n");
    for i in 0..130 {
        csv.push_str(&format!("分页客户{i:03},1360000{i:04}\n"));
    }
    let imported = w.admin.send("POST", "/api/v1/customers/import?to_pool=true", "text/csv", csv.as_bytes());
    assert_eq!(imported.body["created"], json!(130), "{}", imported.text);
    let all = walk(&w.admin, "owner=any", 200);
    for limit in [1, 7, 50] {
        let ids = if limit == 1 { walk(&w.admin, "owner=pool", 1) } else { walk(&w.admin, "owner=any", limit) };
        let unique: HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "limit {limit}: an id appeared twice");
        if limit != 1 {
            assert_eq!(ids, all, "limit {limit}: pages differ from one big page");
        }
    }
    let pool = walk(&w.admin, "owner=pool&q=分页客户", 13);
    assert_eq!(pool.len(), 130);
    let bad = w.admin.get("/api/v1/customers?limit=500");
    assert_eq!((bad.status, bad.code()), (400, "invalid"));
}

pub fn lifecycle_filter(w: &mut World) {
    let counts: Vec<usize> = ["new", "active", "dormant", "lost"].iter().map(|s| walk(&w.admin, &format!("owner=any&status={s}"), 200).len()).collect();
    let all = walk(&w.admin, "owner=any", 200);
    assert_eq!(counts.iter().sum::<usize>(), all.len(), "statuses must partition customers: {counts:?}");
    for id in walk(&w.admin, "owner=any&status=new", 200).iter().take(20) {
        assert_eq!(w.admin.get(&format!("/api/v1/customers/{id}")).body["lifecycle"], json!("new"));
    }
}

pub fn garbage(w: &mut World) {
    let post = |ct: &str, body: &[u8]| w.wang.send("POST", "/api/v1/customers", ct, body);
    let cases: Vec<(&str, allot_tests::Answer, u16, &str)> = vec![
        ("malformed", post("application/json", b"{\"name\": "), 400, "malformed_json"),
        ("empty", post("application/json", b""), 400, "malformed_json"),
        ("not an object", post("application/json", b"[1,2]"), 400, "invalid"),
        ("wrong type", post("application/json", br#"{"name": 5}"#), 400, "invalid"),
        ("unknown field", post("application/json", br#"{"name": "a", "nmae": "b"}"#), 400, "invalid"),
        ("bad enum", post("application/json", br#"{"name": "a", "tier": "gold"}"#), 400, "invalid"),
        ("bad utf-8", post("application/json", b"{\"name\": \"\xff\xfe\"}"), 400, "invalid_utf8"),
        ("trailing", post("application/json", br#"{"name": "a"} x"#), 400, "malformed_json"),
        ("huge", post("application/json", &vec![b' '; 2 << 20]), 413, "too_large"),
        ("unknown route", w.wang.get("/api/v1/nothing"), 404, "not_found"),
        ("wrong method", w.wang.send("PUT", "/api/v1/customers", "application/json", b"{}"), 405, "method_not_allowed"),
        ("bad query", w.wang.get("/api/v1/customers?colour=red"), 400, "invalid"),
        ("patch without version", w.wang.patch("/api/v1/customers/c_x", &json!({"name": "a"})), 400, "invalid"),
    ];
    for (name, answer, status, code) in cases {
        assert_eq!((answer.status, answer.code()), (status, code), "{name}: {}", answer.text);
        error_shape(&answer);
    }
    let wrong = w.wang.send("POST", "/api/v1/customers", "application/json", br#"{"name": 5}"#);
    assert_eq!(wrong.body["error"]["details"]["fields"][0]["path"], json!("name"));
    // Random bytes: always a 4xx in the error shape.
    let mut rng = allot_tests::seed::Rng::new(99);
    for i in 0..150 {
        let len = rng.below(200) as usize;
        let mut body: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
        if i % 3 == 0 {
            body = format!("{{\"name\": {}, \"amount\": \"{}\"}}", rng.below(10), rng.below(10)).into_bytes();
        }
        let answer = post("application/json", &body);
        assert!((400..500).contains(&answer.status), "case {i}: {} {}", answer.status, answer.text);
        error_shape(&answer);
    }
}

/// 撞单 under each ownership rule (客户归属规则): first entry wins, follow-up history first,
/// region responsibility.
pub fn ownership_rules(w: &mut World) {
    let set_rule = |rule: &str| {
        let mut s = w.admin.get("/api/v1/settings").body;
        s["ownership_rule"] = json!(rule);
        let saved = w.admin.put("/api/v1/settings", &s);
        assert_eq!((saved.status, saved.body["ownership_rule"].as_str()), (200, Some(rule)), "{}", saved.text);
    };
    // 陈静 (south) entered it and followed up once; it was then transferred to 王芳 (east).
    let c = created(&w.chen, json!({"name": "归属规则客户", "phone": "13955550001", "region": "east"}));
    let id = c["id"].as_str().unwrap();
    assert_eq!(w.chen.post(&format!("/api/v1/customers/{id}/follow-ups"), &json!({"kind": "call", "note": "首次电话"})).status, 201);
    assert_eq!(w.manager.post(&format!("/api/v1/customers/{id}/transfer"), &json!({"to": "rep-wang"})).status, 200);
    let again = json!({"name": "再次录入", "phone": "139 5555 0001"});
    let owner = |w: &World| w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].clone();

    // First entry wins (the default): the owner keeps it.
    let refused = w.chen.post("/api/v1/customers", &again);
    assert_eq!((refused.status, refused.code()), (409, "duplicate"), "{}", refused.text);
    assert_eq!(owner(w), json!("rep-wang"));

    // Follow-up history first: 陈静 has logged a follow-up on it, 王芳 has not.
    set_rule("follow_up_history");
    let taken = w.chen.post("/api/v1/customers", &again);
    assert_eq!((taken.status, taken.body["id"].as_str(), taken.body["owner"].as_str()), (200, Some(id), Some("rep-chen")), "{}", taken.text);
    assert_eq!(taken.body["name"], json!("归属规则客户"), "the record is kept as it was; only the owner changes");
    let audit = w.admin.get(&format!("/api/v1/audit?customer={id}")).body;
    let last = audit["items"].as_array().and_then(|a| a.last()).cloned().unwrap_or_default();
    assert_eq!(
        (last["action"].as_str(), last["from"].as_str(), last["to"].as_str(), last["rule"].as_str()),
        (Some("take_over"), Some("rep-wang"), Some("rep-chen"), Some("ownership:follow_up_history"))
    );
    // 王芳 has no follow-up on it: 陈静 keeps it.
    assert_eq!(w.wang.post("/api/v1/customers", &again).code(), "duplicate");
    assert_eq!(owner(w), json!("rep-chen"));

    // Region responsibility: the customer is in the east, which 王芳 covers and 陈静 does not.
    set_rule("region");
    let taken = w.wang.post("/api/v1/customers", &again);
    assert_eq!((taken.status, taken.body["owner"].as_str()), (200, Some("rep-wang")), "{}", taken.text);
    assert_eq!(w.chen.post("/api/v1/customers", &again).code(), "duplicate", "陈静 does not cover the east");
    assert_eq!(owner(w), json!("rep-wang"));

    // An import applies the same rule, row by row: 王芳 imports a new customer, one of
    // 陈静's in the east (taken over) and one of 陈静's in the south (stays 陈静's).
    let east = created(&w.chen, json!({"name": "华东导入客户", "phone": "13955550002", "region": "east"}));
    let south = created(&w.chen, json!({"name": "华南导入客户", "phone": "13955550003", "region": "south"}));
    let csv = "客户名称,电话,地区\n全新导入客户,13955550004,east\n华东再录,13955550002,east\n华南再录,13955550003,south\n";
    // A rep's dry run compares only with customers whose contacts the rep sees: 陈静's
    // are not among them (it would tell which phones exist); the real import reports them.
    let dry = w.wang.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", csv.as_bytes());
    assert_eq!((dry.status, dry.body["taken_over"].as_u64(), dry.body["duplicates"].as_array().map(Vec::len)), (200, Some(0), Some(0)), "{}", dry.text);
    let owner_of = |id: &Value| w.admin.get(&format!("/api/v1/customers/{}", id.as_str().unwrap_or_default())).body["owner"].clone();
    assert_eq!(owner_of(&east["id"]), json!("rep-chen"), "a dry run changes nothing");
    let real = w.wang.send("POST", "/api/v1/customers/import", "text/csv", csv.as_bytes());
    assert_eq!((real.status, real.body["created"].as_u64(), real.body["taken_over"].as_u64()), (200, Some(1), Some(1)), "{}", real.text);
    assert_eq!(real.body["duplicates"], json!([{"line": 3, "field": "phone", "taken_over": east["id"]}, {"line": 4, "field": "phone"}]));
    assert_eq!((owner_of(&east["id"]), owner_of(&south["id"])), (json!("rep-wang"), json!("rep-chen")));
    let again = w.wang.send("POST", "/api/v1/customers/import", "text/csv", csv.as_bytes());
    assert_eq!((again.body["created"].as_u64(), again.body["taken_over"].as_u64()), (Some(0), Some(0)), "the same file twice changes nothing: {}", again.text);
    // An entry matching two different customers (one by phone, one by email) is
    // ambiguous: neither moves.
    let by_phone = created(&w.chen, json!({"name": "歧义甲", "phone": "13955550005", "region": "east"}));
    let by_email = created(&w.chen, json!({"name": "歧义乙", "email": "ambiguous@example.cn", "region": "east"}));
    let both = w.wang.post("/api/v1/customers", &json!({"name": "两者皆像", "phone": "13955550005", "email": "ambiguous@example.cn"}));
    assert_eq!((both.status, both.code()), (409, "duplicate"), "{}", both.text);
    assert_eq!((owner_of(&by_phone["id"]), owner_of(&by_email["id"])), (json!("rep-chen"), json!("rep-chen")));
    let mut unknown = w.admin.get("/api/v1/settings").body;
    unknown["ownership_rule"] = json!("first_come");
    assert_eq!(w.admin.put("/api/v1/settings", &unknown).status, 400, "unknown rules are refused");
    set_rule("first_entry");
}
