//! End-to-end API suite against the real worker in workerd (`wrangler dev`, local D1 and
//! KV, temporary state). Run by `cargo xtask test` after the worker is built; alone:
//! `cargo test -p allot-tests --test api [name-filter]`.
//!
//! One file per resource under `api/`, each with `cases()` registering what it holds;
//! this file keeps the fixture (`World`) and the helpers several files use. Cases do not
//! depend on each other's order: those that change a tenant-wide document or restart the
//! server say so when registered, and the harness runs them in phases of their own
//! (`allot_tests::harness::Phase`).

mod access;
mod allocations;
mod board;
mod bulk;
mod collaborators;
mod customers;
mod history;
mod imports;
mod intake;
mod links;
mod maintenance;
mod origins;
mod pool;
mod previews;
mod rates;
mod reps;
mod restart;
mod scale;
mod settings;
mod trust;

use allot_tests::harness::Suite;
use allot_tests::{start_test_server, token, Api, Server, ServerOptions, TEST_SECRET};
use serde_json::{json, Value};
use shared::ids::Role;

struct World {
    server: Server,
    admin: Api,
    manager: Api,
    wang: Api,
    chen: Api,
    emily: Api,
    acme: Api,
}

impl World {
    fn zhao(&self) -> Api {
        self.server.api(&self.server.token("demo", "rep-zhao", Role::Rep))
    }

    fn new(server: Server) -> World {
        let api = |tenant: &str, user: &str, role| server.api(&server.token(tenant, user, role));
        World {
            admin: api("demo", "admin", Role::Admin),
            manager: api("demo", "mgr-li", Role::Manager),
            wang: api("demo", "rep-wang", Role::Rep),
            chen: api("demo", "rep-chen", Role::Rep),
            emily: api("demo", "rep-emily", Role::Rep),
            acme: api("acme", "acme-admin", Role::Admin),
            server,
        }
    }
}

fn created(api: &Api, body: Value) -> Value {
    let answer = api.post("/api/v1/customers", &body);
    assert_eq!(answer.status, 201, "create {body}: {}", answer.text);
    answer.body
}

fn error_shape(answer: &allot_tests::Answer) {
    assert!(answer.body["error"]["code"].is_string() && answer.body["error"]["message"].is_string(), "not the error shape: {} {}", answer.status, answer.text);
}

fn ids_of(page: &Value) -> Vec<String> {
    page["items"].as_array().map(|a| a.iter().filter_map(|c| c["id"].as_str().map(String::from)).collect()).unwrap_or_default()
}

/// Walks every page of a list and returns the ids in order.
fn walk(api: &Api, query: &str, limit: u32) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10_000 {
        let path = match &cursor {
            Some(c) => format!("/api/v1/customers?{query}&limit={limit}&cursor={c}"),
            None => format!("/api/v1/customers?{query}&limit={limit}"),
        };
        let page = api.get(&path);
        assert_eq!(page.status, 200, "{}", page.text);
        let items = ids_of(&page.body);
        assert!(items.len() <= limit as usize);
        ids.extend(items);
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return ids,
        }
    }
    panic!("pagination never ended");
}

fn main() {
    let server = start_test_server("api");
    let mut world = World::new(server);
    // One line per file; each file registers its own cases (and their phases).
    let modules: [fn(Suite<World>) -> Suite<World>; 20] = [
        access::cases,
        customers::cases,
        imports::cases,
        settings::cases,
        reps::cases,
        allocations::cases,
        pool::cases,
        collaborators::cases,
        board::cases,
        trust::cases,
        origins::cases,
        rates::cases,
        maintenance::cases,
        scale::cases,
        intake::cases,
        links::cases,
        bulk::cases,
        restart::cases,
        history::cases,
        previews::cases,
    ];
    let ok = modules.into_iter().fold(Suite::default(), |suite, cases| cases(suite)).run(&mut world);
    drop(world);
    std::process::exit(if ok { 0 } else { 1 });
}

fn count(api: &Api, query: &str) -> usize {
    walk(api, query, 200).len()
}

fn pool_ids(api: &Api, q: &str) -> Vec<String> {
    walk(api, &format!("owner=pool&q={q}"), 200)
}

fn make_pool(w: &World, prefix: &str, n: usize, phone_base: u64) -> Vec<String> {
    let mut csv = String::from("客户名称,电话,行业,地区,预计金额,客户价值\n");
    let industries = ["零售业", "制造业", "互联网", "金融"];
    let regions = ["上海", "广州", "北京", "成都"];
    for i in 0..n {
        csv.push_str(&format!("{prefix}{i:03},{},{},{},{},{}\n", phone_base + i as u64, industries[i % 4], regions[i % 4], 10_000 * (i + 1), if i % 5 == 0 { "大客户" } else { "普通客户" }));
    }
    let answer = w.admin.send("POST", "/api/v1/customers/import?to_pool=true", "text/csv", csv.as_bytes());
    assert_eq!(answer.body["created"].as_u64(), Some(n as u64), "{}", answer.text);
    pool_ids(&w.admin, prefix)
}

fn rep_api(w: &World, id: &str) -> Api {
    let created = w.admin.post("/api/v1/reps", &json!({"id": id, "name": format!("压测{id}"), "level": "junior", "capacity": 500}));
    assert!(created.status == 201 || created.code() == "exists", "{}", created.text);
    w.server.api(&w.server.token("demo", id, Role::Rep))
}

/// The owner the audit trail implies: replaying every event's `to`.
fn replayed_owner(w: &World, id: &str) -> Value {
    let trail = w.admin.get(&format!("/api/v1/audit?customer={id}")).body;
    trail["items"].as_array().unwrap().last().map(|e| e["to"].clone()).unwrap_or(Value::Null)
}

fn collaborator_ids(customer: &Value) -> Vec<&str> {
    customer["collaborators"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

fn last_audit(w: &World, id: &str) -> Value {
    let trail = w.admin.get(&format!("/api/v1/audit?customer={id}")).body;
    trail["items"].as_array().unwrap().last().cloned().unwrap_or(Value::Null)
}
