//! Work that grows with a tenant's size stays within one request's budget: a hand-over of
//! a big book and a re-classification of many customers do their first pages in the
//! request and the rest through the maintenance queue; an export past its limit is
//! refused after one page too many, not built; and a rep's new phones and e-mails are
//! counted against a daily budget, so guessing a masked pool number stops long before it
//! could succeed. Tenants `bulk` (past the export limit) and `grow` (past a hand-over
//! page and the re-classification a request does itself) are this case's own: nothing
//! here touches another case.

use std::time::{Duration, Instant};

use allot_tests::{Server, ServerOptions, TEST_SECRET};
use serde_json::{json, Value};
use shared::ids::Role;

use allot_tests::harness::Suite;

use super::World;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite.restarting("work_that_grows_with_the_tenant_continues_in_the_queue", big_work_continues_in_the_queue)
}

/// Customers of tenant `bulk`: one past the export limit.
const BULK: usize = shared::limits::EXPORT_ROWS + 1;
/// Customers of `grow-rep-a`: one past a hand-over page, three re-classification pages
/// past what a request does itself.
const BOOK: usize = shared::limits::CUSTOMER_IDS + 1;

fn until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("never happened within {limit:?}: {what}");
}

fn load_fixture(w: &mut World) {
    let now = allot_tests::now_ms();
    let day = now.div_euclid(86_400_000);
    let spent = shared::contact_budget::CONTACT_KEYS_PER_DAY - 1;
    let persist = w.server.persist.clone();
    w.server.stop();
    let users = |t: &str| {
        format!(
            "INSERT INTO tenants (id, name, created_at) VALUES ('{t}', '{t} Co.', {now});\n\
             INSERT INTO users (tenant_id, id, name, role, team_id, level, industries, regions, capacity, active, created_at) VALUES \
             ('{t}', '{t}-admin', 'Admin', 'admin', NULL, 'senior', '[]', '[]', 100, 1, {now}), \
             ('{t}', '{t}-rep-a', 'Rep A', 'rep', NULL, 'senior', '[]', '[]', 1000000, 1, {now}), \
             ('{t}', '{t}-rep-b', 'Rep B', 'rep', NULL, 'senior', '[]', '[]', 1000000, 1, {now});\n"
        )
    };
    let customers = |t: &str, n: usize| {
        format!(
            "INSERT INTO customers (tenant_id, id, name, phone, stage, tier, owner_id, created_by, created_at, updated_at, owned_since, version, phone_key) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             SELECT '{t}', printf('c_{t}_%06d', i), printf('{t} %d', i), printf('139%08d', i), 'lead', 'regular', '{t}-rep-a', '{t}-rep-a', {now}, {now}, {now}, 1, printf('139%08d', i) FROM n;\n"
        )
    };
    let sql = format!(
        "{}{}{}{}INSERT INTO contact_key_writes (tenant_id, user_id, day, spent) VALUES ('grow', 'grow-rep-b', {day}, {spent}), ('grow', 'grow-rep-b', {}, 7);\n",
        users("bulk"),
        customers("bulk", BULK),
        users("grow"),
        customers("grow", BOOK),
        day - 3
    );
    let file = persist.with_extension("bulk.sql");
    std::fs::write(&file, sql).expect("write the fixture");
    allot_tests::execute_sql_file(&persist, &file).expect("the bulk tenant");
    let server = Server::start(ServerOptions { persist, port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "log" }).expect("restart");
    *w = World::new(server);
}

pub fn big_work_continues_in_the_queue(w: &mut World) {
    load_fixture(w);
    let bulk = w.server.api(&w.server.token("bulk", "bulk-admin", Role::Admin));
    let admin = w.server.api(&w.server.token("grow", "grow-admin", Role::Admin));
    let rep_b = w.server.api(&w.server.token("grow", "grow-rep-b", Role::Rep));
    let last = format!("/api/v1/customers/c_grow_{BOOK:06}");

    // A bulk action over a filter matching more than it takes is refused, naming the
    // limit, before anything is written; the count says "more than 5,000".
    let too_big = admin.post("/api/v1/customers/bulk", &json!({"action": "tag", "filter": {}, "tag": "大批量"}));
    assert_eq!((too_big.status, too_big.code()), (422, "selection_too_large"), "{}", too_big.text);
    assert_eq!(too_big.body["error"]["details"]["limit"], json!(shared::api::MAX_SELECTION));
    let counted = admin.get("/api/v1/customers/count");
    assert_eq!(counted.body["count"].as_u64(), Some(shared::api::MAX_SELECTION as u64 + 1), "{}", counted.text);

    // An export past its limit is refused, naming it; a narrower one answers.
    let all = bulk.get("/api/v1/customers/export");
    assert_eq!((all.status, all.code()), (422, "export_too_large"), "{}", all.text);
    assert_eq!(all.body["error"]["details"]["limit"], json!(shared::limits::EXPORT_ROWS));
    let none = bulk.get("/api/v1/customers/export?tier=key");
    assert_eq!(none.status, 200, "{}", none.text);
    let under = admin.get("/api/v1/customers/export");
    assert_eq!((under.status, under.text.lines().count()), (200, BOOK + 1), "a header and every customer");
    assert_eq!(none.status, 200, "{}", none.text);

    // The daily budget of new contacts: the last unit, then 429 until tomorrow; writes
    // without a new phone or e-mail, and managers' and admins' writes, are not counted.
    let first = rep_b.post("/api/v1/customers", &json!({"name": "预算内", "phone": "13800000001"}));
    assert_eq!(first.status, 201, "{}", first.text);
    let over = rep_b.post("/api/v1/customers", &json!({"name": "预算外", "phone": "13800000002"}));
    assert_eq!((over.status, over.code()), (429, "contact_budget_spent"), "{}", over.text);
    let wait: u64 = over.retry_after.as_deref().and_then(|s| s.parse().ok()).unwrap_or(0);
    assert!((1..=86_400).contains(&wait), "Retry-After until the next day: {:?}", over.retry_after);
    let probe = rep_b.patch(&format!("/api/v1/customers/{}", first.body["id"].as_str().unwrap_or_default()), &json!({"version": first.body["version"], "phone": "13900000001"}));
    assert_eq!((probe.status, probe.code()), (429, "contact_budget_spent"), "a PATCH that sets a phone spends too: {}", probe.text);
    let import = rep_b.send("POST", "/api/v1/customers/import", "text/csv", "客户名称,电话\n导入猜测,13800000009\n".as_bytes());
    assert_eq!((import.status, import.code()), (429, "contact_budget_spent"), "an import's rows spend it too: {}", import.text);
    let plain = rep_b.post("/api/v1/customers", &json!({"name": "无联系方式"}));
    assert_eq!(plain.status, 201, "no phone or e-mail, nothing to spend: {}", plain.text);
    let by_admin = admin.post("/api/v1/customers", &json!({"name": "管理员录入", "phone": "13800000002"}));
    assert_eq!(by_admin.status, 201, "{}", by_admin.text);

    // New segment rules: the first pages in the request, the rest through the queue.
    let mut settings = admin.get("/api/v1/settings").body;
    settings["segments"] = json!([{"key": "bulk", "zh": "批量", "en": "Bulk", "cadence_days": 30, "when": [{"field": "tier", "op": "eq", "value": "regular"}]},
                                  {"key": "rest", "zh": "其他", "en": "Rest", "cadence_days": 30, "when": []}]);
    let saved = admin.put("/api/v1/settings", &settings);
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.header("x-allot-resegment").as_deref(), Some("continuing"), "{:?}", saved.header("x-allot-resegmented"));
    let segment_of = |path: &str| admin.get(path).body["segment"].clone();
    until("the last customer is classified by the queue", Duration::from_secs(240), || segment_of(&last) == json!("bulk"));

    // A hand-over of the whole book: the first page now, the rest by the queue, the rep
    // deactivated by the page that leaves them owning nothing.
    let moved = admin.post("/api/v1/reps/grow-rep-a/hand-over", &json!({"to": "grow-rep-b", "deactivate": true}));
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!((moved.body["moved"].as_u64(), moved.body["continuing"].as_bool(), moved.body["deactivated"].as_bool()), (Some(shared::limits::CUSTOMER_IDS as u64), Some(true), Some(false)));
    let owner_of = |path: &str| admin.get(path).body["owner"].clone();
    until("the last page of the hand-over", Duration::from_secs(240), || owner_of(&last) == json!("grow-rep-b"));
    until("the rep is deactivated once they own nothing", Duration::from_secs(60), || {
        let reps = admin.get("/api/v1/reps").body;
        reps["items"].as_array().and_then(|items| items.iter().find(|r| r["id"] == json!("grow-rep-a"))).is_some_and(|r| r["active"] == Value::Bool(false) && r["held"] == json!(0))
    });
    let trail = admin.get(&format!("/api/v1/audit?customer=c_grow_{BOOK:06}")).body;
    let transfers = trail["items"].as_array().map_or(0, |items| items.iter().filter(|e| e["action"] == json!("transfer")).count());
    assert_eq!(transfers, 1, "each customer moved once, audited once: {trail}");
}
