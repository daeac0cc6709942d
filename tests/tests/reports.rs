//! Reports end to end: the worker in workerd over the demo seed (300 customers with their
//! audit trail and follow-up log). Each report is cross-checked against figures the test
//! computes itself from the customer export (CSV), then against live changes made through
//! the API. Alone: `cargo test -p allot-tests --test reports [name-filter]`.

use std::collections::HashMap;

use allot_tests::harness::Suite;
use allot_tests::{now_ms, start_demo_server, Api, Server};
use serde_json::{json, Value};
use shared::ids::Role;
use shared::time::{format_date, DAY_MS};

struct World {
    server: Server,
    admin: Api,
    manager: Api,
    wang: Api,
    /// The admin's export, parsed: one map per customer, keyed by the English headers.
    export: Vec<HashMap<String, String>>,
}

/// Local day (UTC+8, the tenant's default) `days` from today.
fn day(days: i64) -> String {
    format_date(now_ms() + 8 * 3_600_000 + days * DAY_MS)
}

/// The whole seeded history: ten years back to ten days ahead.
fn all_time() -> String {
    format!("from={}&to={}", day(-3000), day(10))
}

/// A small RFC 4180 reader (the export quotes names with commas and quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let (mut rows, mut row, mut cell, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

fn records(csv: &str) -> Vec<HashMap<String, String>> {
    let rows = parse_csv(csv);
    let header = rows[0].clone();
    rows[1..].iter().map(|r| header.iter().cloned().zip(r.iter().cloned()).collect()).collect()
}

fn report(api: &Api, kind: &str, query: &str) -> Value {
    let answer = api.get(&format!("/api/v1/reports/{kind}?{query}"));
    assert_eq!(answer.status, 200, "{kind}?{query}: {}", answer.text);
    answer.body
}

fn count_where(export: &[HashMap<String, String>], f: impl Fn(&HashMap<String, String>) -> bool) -> u64 {
    export.iter().filter(|r| f(r)).count() as u64
}

fn amount(r: &HashMap<String, String>) -> f64 {
    r["Amount"].parse().unwrap_or(0.0)
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * (1.0 + a.abs().max(b.abs()))
}

fn main() {
    let server = start_demo_server("reports");
    let api = |user: &str, role| server.api(&server.token("demo", user, role));
    let (admin, manager, wang) = (api("admin", Role::Admin), api("mgr-li", Role::Manager), api("rep-wang", Role::Rep));
    let csv = admin.get("/api/v1/customers/export?lang=en");
    assert_eq!(csv.status, 200, "{}", csv.text);
    let export = records(&csv.text);
    assert_eq!(export.len(), 300, "the demo seed");
    let mut world = World { server, admin, manager, wang, export };
    let ok = Suite::default()
        // Read-only cross-checks first, while the data is exactly the seed.
        .case("funnel_matches_the_export", funnel_matches_export)
        .case("reps_and_fairness_match_the_export", reps_and_fairness)
        .case("strategies_and_pool_match_the_export", strategies_and_pool)
        .case("role_scoping_and_tenancy", scoping)
        .case("csv_export_and_bad_queries", csv_and_errors)
        // Then live changes through the API.
        .case("funnel_counts_the_furthest_stage_reached", funnel_live)
        .case("strategy_and_pool_flow_follow_live_changes", strategy_and_pool_live)
        .case("follow_up_timeliness_follows_live_changes", timeliness_live)
        .run(&mut world);
    drop(world);
    std::process::exit(if ok { 0 } else { 1 });
}

fn funnel_matches_export(w: &mut World) {
    let r = report(&w.admin, "funnel", &all_time());
    let steps = r["steps"].as_array().unwrap();
    assert_eq!(r["cohort"].as_u64(), Some(300));
    assert_eq!(steps[0]["reached"].as_u64(), Some(300), "every customer reached the first stage");
    for pair in steps.windows(2) {
        assert!(pair[0]["reached"].as_u64() >= pair[1]["reached"].as_u64(), "a funnel never widens: {r}");
    }
    for step in steps {
        let name = step["en"].as_str().unwrap();
        let rows: Vec<_> = w.export.iter().filter(|c| c["Stage"] == name).collect();
        assert_eq!(step["current"].as_u64(), Some(rows.len() as u64), "customers now in {name}");
        assert!(near(step["amount"].as_f64().unwrap(), rows.iter().map(|c| amount(c)).sum()), "amount in {name}");
    }
    let won = steps.last().unwrap();
    assert_eq!(won["reached"], won["current"], "won is the last step");
    assert_eq!(r["lost"].as_u64(), Some(count_where(&w.export, |c| c["Stage"] == "Lost")));
    let mix = &r["lifecycle"];
    for status in ["new", "active", "dormant", "lost"] {
        assert_eq!(mix[status].as_u64(), Some(count_where(&w.export, |c| c["Status"] == status)), "lifecycle {status}");
    }
    for tier in r["by_tier"].as_array().unwrap() {
        let key = tier["key"].as_str().unwrap();
        assert_eq!(tier["customers"].as_u64(), Some(count_where(&w.export, |c| c["Tier"] == key)), "tier {key}");
        assert_eq!(tier["won"].as_u64(), Some(count_where(&w.export, |c| c["Tier"] == key && c["Stage"] == "Won")), "won in tier {key}");
    }
}

fn gini(values: &[f64]) -> f64 {
    // Mean absolute difference over twice the mean: a different formula from the
    // product's, so the two check each other.
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if mean == 0.0 {
        return 0.0;
    }
    let diff: f64 = values.iter().flat_map(|a| values.iter().map(move |b| (a - b).abs())).sum();
    diff / (2.0 * n * n * mean)
}

fn reps_and_fairness(w: &mut World) {
    let reps = report(&w.admin, "reps", &all_time());
    let rows = reps["reps"].as_array().unwrap();
    assert_eq!(rows.len(), 8, "the eight demo reps");
    let mut held_counts = Vec::new();
    for rep in rows {
        let name = rep["name"].as_str().unwrap();
        let mine: Vec<_> = w.export.iter().filter(|c| c["Owner"] == name).collect();
        let won: Vec<_> = mine.iter().filter(|c| c["Stage"] == "Won").collect();
        let lost = mine.iter().filter(|c| c["Stage"] == "Lost").count() as u64;
        assert_eq!(rep["held"].as_u64(), Some(mine.len() as u64), "held by {name}");
        assert_eq!((rep["won"].as_u64(), rep["lost"].as_u64()), (Some(won.len() as u64), Some(lost)), "won/lost by {name}");
        assert!(near(rep["won_amount"].as_f64().unwrap(), won.iter().map(|c| amount(c)).sum()), "won amount of {name}");
        let decided = won.len() as f64 + lost as f64;
        if decided > 0.0 {
            assert!(near(rep["conversion"].as_f64().unwrap(), won.len() as f64 / decided));
        } else {
            assert!(rep["conversion"].is_null());
        }
        held_counts.push(mine.len() as f64);
    }
    assert_eq!(reps["total"]["held"].as_u64(), Some(count_where(&w.export, |c| c["Owner"] != "pool")));
    let fairness = report(&w.admin, "fairness", &all_time());
    let shares = fairness["reps"].as_array().unwrap();
    assert_eq!(shares.iter().map(|s| s["held"].as_f64().unwrap()).collect::<Vec<_>>(), held_counts);
    assert!(near(fairness["held_gini_count"].as_f64().unwrap(), gini(&held_counts)), "{} vs {}", fairness["held_gini_count"], gini(&held_counts));
    let loads: Vec<f64> = shares.iter().map(|s| s["held"].as_f64().unwrap() / s["capacity"].as_f64().unwrap()).collect();
    let (max, min) = loads.iter().fold((f64::MIN, f64::MAX), |(a, b), &l| (a.max(l), b.min(l)));
    assert!(near(fairness["load_max_min"].as_f64().unwrap(), max / min));
    let received: f64 = shares.iter().map(|s| s["assigned"].as_f64().unwrap()).sum();
    let junior: f64 = shares.iter().filter(|s| s["level"] == json!("junior")).map(|s| s["assigned"].as_f64().unwrap()).sum();
    assert!(near(fairness["junior_share"].as_f64().unwrap(), junior / received));
}

fn strategies_and_pool(w: &mut World) {
    let r = report(&w.admin, "strategies", &all_time());
    let list = r["strategies"].as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|s| s["strategy"].as_str().unwrap()).collect();
    for expected in ["create", "combined", "round_robin", "optimal", "claim"] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    // Every owned customer reached its owner through exactly one event, at or before any
    // deal, so the strategies' won deals are the owned won customers.
    let won: u64 = list.iter().map(|s| s["won"].as_u64().unwrap()).sum();
    assert_eq!(won, count_where(&w.export, |c| c["Stage"] == "Won" && c["Owner"] != "pool"));
    for s in list {
        let (assigned, won) = (s["assigned"].as_f64().unwrap(), s["won"].as_f64().unwrap());
        assert!(near(s["conversion"].as_f64().unwrap(), won / assigned));
    }
    let pool = report(&w.admin, "pool", &all_time());
    assert_eq!(pool["in_pool"].as_u64(), Some(count_where(&w.export, |c| c["Owner"] == "pool")));
    assert_eq!(
        pool["total"]["entered"].as_u64(),
        Some(
            300 - count_where(&w.export, |c| c["Owner"] != "pool") + pool["total"]["claimed"].as_u64().unwrap() + pool["total"]["allocated"].as_u64().unwrap()
                - pool["total"]["recycled"].as_u64().unwrap()
        ),
        "{pool}"
    );
    let buckets = pool["buckets"].as_array().unwrap();
    let claimed: u64 = buckets.iter().map(|b| b["claimed"].as_u64().unwrap()).sum();
    assert_eq!(Some(claimed), pool["total"]["claimed"].as_u64(), "buckets add up to the total");
}

fn scoping(w: &mut World) {
    let names = |api: &Api, query: &str| -> Vec<String> { report(api, "reps", query)["reps"].as_array().unwrap().iter().map(|r| r["rep"].as_str().unwrap().to_string()).collect() };
    assert_eq!(names(&w.wang, &all_time()), ["rep-wang"], "a rep sees their own figures");
    assert_eq!(names(&w.manager, &all_time()).len(), 6, "the manager's team sales1");
    assert_eq!(names(&w.admin, &format!("{}&team=sales2", all_time())), ["rep-david", "rep-emily"]);
    assert!(names(&w.manager, &format!("{}&team=sales2", all_time())).is_empty(), "another team is outside a manager's scope");
    let acme = w.server.api(&w.server.token("acme", "acme-admin", Role::Admin));
    assert_eq!(names(&acme, &all_time()), ["acme-rep"], "tenants never mix");
    let funnel = report(&w.wang, "funnel", &all_time());
    assert_eq!(funnel["cohort"].as_u64(), Some(count_where(&w.export, |c| c["Owner"] == "王芳")), "a rep's funnel is their own customers");
    let timeliness = report(&w.wang, "follow-ups", &all_time());
    assert!(timeliness["reps"].as_array().unwrap().iter().all(|r| r["rep"] == json!("rep-wang")));
}

fn csv_and_errors(w: &mut World) {
    let csv = w.admin.get(&format!("/api/v1/reports/reps?{}&format=csv&lang=en", all_time()));
    assert_eq!(csv.status, 200);
    assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
    assert!(csv.text.starts_with("\u{feff}Rep,Team,Held,Received,Won,Lost,Won amount,Conversion,Average deal\r\n"), "{}", csv.text);
    let rows = parse_csv(&csv.text);
    assert_eq!(rows.len(), 1 + 8 + 1, "header, eight reps, total");
    let json = report(&w.admin, "reps", &all_time());
    assert_eq!(rows[9][2], json["total"]["held"].to_string(), "the CSV's total is the report's");
    let negotiated = w.admin.get_accepting(&format!("/api/v1/reports/funnel?{}", all_time()), "text/csv");
    assert!(negotiated.content_type.starts_with("text/csv") && negotiated.text.contains("阶段"), "{}", negotiated.text);
    for kind in ["funnel", "reps", "strategies", "fairness", "follow-ups", "pool"] {
        let answer = w.admin.get(&format!("/api/v1/reports/{kind}?format=csv"));
        assert_eq!(answer.status, 200, "{kind}");
        assert!(parse_csv(&answer.text).len() >= 2, "{kind} CSV has a header and rows");
    }
    let bad = w.admin.get("/api/v1/reports/funnel?from=yesterday&to=2026-13-01");
    assert_eq!((bad.status, bad.code()), (400, "invalid"));
    assert_eq!(bad.body["error"]["details"]["fields"][0]["path"], json!("from"));
    assert_eq!(w.admin.get(&format!("/api/v1/reports/pool?from={}&to={}", day(0), day(-1))).status, 400);
    assert_eq!(w.admin.get("/api/v1/reports/pool?colour=red").status, 400);
    assert_eq!(w.admin.get("/api/v1/reports/nope").status, 404);
    assert_eq!(w.server.anonymous().get("/api/v1/reports/funnel").status, 401);
}

fn created(api: &Api, body: Value) -> Value {
    let answer = api.post("/api/v1/customers", &body);
    assert_eq!(answer.status, 201, "{}", answer.text);
    answer.body
}

fn funnel_live(w: &mut World) {
    let today = format!("from={}&to={}", day(0), day(0));
    let reached = |r: &Value, stage: &str| r["steps"].as_array().unwrap().iter().find(|s| s["stage"] == json!(stage)).map(|s| s["reached"].as_u64().unwrap()).unwrap();
    let before = report(&w.wang, "funnel", &today);
    let c = created(&w.wang, json!({"name": "漏斗测试客户", "amount": 50000}));
    let id = c["id"].as_str().unwrap();
    let mut version = c["version"].as_i64().unwrap();
    for stage in ["proposal", "lost"] {
        let moved = w.wang.post(&format!("/api/v1/customers/{id}/stage"), &json!({"stage": stage, "version": version}));
        assert_eq!(moved.status, 200, "{}", moved.text);
        version = moved.body["version"].as_i64().unwrap();
    }
    let after = report(&w.wang, "funnel", &today);
    assert_eq!(after["cohort"].as_u64(), before["cohort"].as_u64().map(|n| n + 1));
    assert_eq!(reached(&after, "proposal"), reached(&before, "proposal") + 1, "lost at 方案报价 still reached it");
    assert_eq!(reached(&after, "negotiation"), reached(&before, "negotiation"));
    assert_eq!(after["lost"].as_u64(), before["lost"].as_u64().map(|n| n + 1));
}

fn strategy_and_pool_live(w: &mut World) {
    let today = format!("from={}&to={}", day(0), day(0));
    let assigned = |r: &Value, name: &str| r["strategies"].as_array().unwrap().iter().find(|s| s["strategy"] == json!(name)).map_or(0, |s| s["assigned"].as_u64().unwrap());
    let before = report(&w.admin, "strategies", &today);
    let pool_before = report(&w.admin, "pool", &today);
    let ids: Vec<String> = (0..2).map(|i| created(&w.admin, json!({"name": format!("报表分配客户{i}"), "owner": null}))["id"].as_str().unwrap().to_string()).collect();
    let applied = w.admin.post("/api/v1/allocations", &json!({"strategy": "least_loaded", "customer_ids": ids}));
    assert_eq!(applied.status, 200, "{}", applied.text);
    let after = report(&w.admin, "strategies", &today);
    assert_eq!(assigned(&after, "least_loaded"), assigned(&before, "least_loaded") + 2);
    let owner = applied.body["assignments"][0]["rep"].as_str().unwrap().to_string();
    let holder = w.server.api(&w.server.token("demo", &owner, Role::Rep));
    let released = holder.post(&format!("/api/v1/customers/{}/release", applied.body["assignments"][0]["customer"].as_str().unwrap()), &json!({"reason_code": "no_budget", "note": "报表测试"}));
    assert_eq!(released.status, 200, "{}", released.text);
    let pool_after = report(&w.admin, "pool", &today);
    let total = |r: &Value, k: &str| r["total"][k].as_u64().unwrap();
    assert_eq!(total(&pool_after, "entered"), total(&pool_before, "entered") + 2);
    assert_eq!(total(&pool_after, "allocated"), total(&pool_before, "allocated") + 2);
    assert_eq!(total(&pool_after, "released"), total(&pool_before, "released") + 1);
    assert_eq!(pool_after["in_pool"].as_u64(), pool_before["in_pool"].as_u64().map(|n| n + 1));
    assert_eq!(pool_after["buckets"][0]["released"], pool_after["total"]["released"], "a one-day period has one bucket");
}

fn timeliness_live(w: &mut World) {
    let window = format!("from={}&to={}", day(0), day(5));
    let mine = |r: &Value| r["reps"].as_array().unwrap().iter().find(|x| x["rep"] == json!("rep-wang")).cloned().unwrap_or(json!({"scheduled": 0, "on_time": 0, "pending": 0}));
    let n = |v: &Value, k: &str| v[k].as_u64().unwrap();
    let before = mine(&report(&w.wang, "follow-ups", &window));
    let c = created(&w.wang, json!({"name": "跟进及时率客户"}));
    let path = format!("/api/v1/customers/{}/follow-ups", c["id"].as_str().unwrap());
    let due = now_ms() + 2 * DAY_MS;
    assert_eq!(w.wang.post(&path, &json!({"kind": "call", "note": "首次沟通", "next_follow_up_at": due})).status, 201);
    let scheduled = mine(&report(&w.wang, "follow-ups", &window));
    assert_eq!((n(&scheduled, "scheduled"), n(&scheduled, "pending")), (n(&before, "scheduled") + 1, n(&before, "pending") + 1));
    assert_eq!(w.wang.post(&path, &json!({"kind": "visit", "note": "上门拜访"})).status, 201);
    let done = mine(&report(&w.wang, "follow-ups", &window));
    assert_eq!((n(&done, "on_time"), n(&done, "pending")), (n(&before, "on_time") + 1, n(&before, "pending")), "done before the due day ends");
    assert!(done["rate"].as_f64().unwrap() > 0.0);
}
