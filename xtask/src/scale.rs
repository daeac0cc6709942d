//! `cargo xtask bench scale`: one tenant of 1,000,000 customers (ten reps holding 90,000
//! each, 100,000 in the pool), and the work that grows with a tenant timed on it: reads,
//! new segment rules, a hand-over of a 90,000-customer book, an import of 20,000 rows, an
//! export past its limit, and the hourly recycle pass. Each request's D1 statements are
//! read from its answer (the worker runs with `ALLOT_DIAGNOSTICS`), each queue message's
//! from the worker's log, so the table shows what D1's per-invocation limit (1,000
//! statements) meets: the request, or one message of the maintenance queue.

use std::path::Path;
use std::time::{Duration, Instant};

use allot_tests::{Api, ServerOptions, TEST_SECRET};
use serde_json::json;
use shared::ids::Role;

/// Customers in the tenant.
const CUSTOMERS: usize = 1_000_000;
/// Reps holding customers; every tenth customer is in the pool.
const REPS: usize = 10;
/// How long the bench follows the recycle pass (a chain of queue messages) before it
/// reports the rate it measured.
const RECYCLE_WATCH: Duration = Duration::from_secs(120);

fn seed_sql(now: i64) -> String {
    let day = 86_400_000i64;
    let mut sql = format!("INSERT INTO tenants (id, name, created_at) VALUES ('scale', 'Scale Co.', {now});\n");
    sql.push_str(&format!(
        "INSERT INTO users (tenant_id, id, name, role, team_id, level, industries, regions, capacity, active, created_at) VALUES ('scale', 'scale-admin', 'Scale Admin', 'admin', NULL, 'senior', '[]', '[]', 100, 1, {now});\n"
    ));
    for r in 0..REPS {
        sql.push_str(&format!(
            "INSERT INTO users (tenant_id, id, name, role, team_id, level, industries, regions, capacity, active, created_at) VALUES ('scale', 'scale-rep-{r}', 'Rep {r}', 'rep', NULL, 'senior', '[]', '[]', 1000000, 1, {now});\n"
        ));
    }
    // Owned for 0–179 days, last followed up 0–99 days ago: a realistic share is due.
    sql.push_str(&format!(
        "INSERT INTO customers (tenant_id, id, name, company, phone, industry, region, amount, stage, tier, owner_id, created_by, created_at, updated_at, owned_since, last_follow_up_at, version, phone_key) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {CUSTOMERS}) \
         SELECT 'scale', printf('c_s_%07d', i), printf('规模客户%d', i), printf('规模公司%d', i % 50000), printf('13%09d', i), \
         CASE i % 4 WHEN 0 THEN 'manufacturing' WHEN 1 THEN 'retail' WHEN 2 THEN 'finance' ELSE 'education' END, \
         CASE i % 3 WHEN 0 THEN 'east' WHEN 1 THEN 'south' ELSE 'north' END, (i % 100) * 1000.0, \
         CASE i % 5 WHEN 0 THEN 'lead' WHEN 1 THEN 'contacted' WHEN 2 THEN 'qualified' WHEN 3 THEN 'negotiation' ELSE 'lead' END, \
         CASE i % 3 WHEN 0 THEN 'key' WHEN 1 THEN 'potential' ELSE 'regular' END, \
         CASE WHEN i % 10 = 0 THEN NULL ELSE printf('scale-rep-%d', i % {REPS}) END, 'scale-admin', \
         {now} - (i % 180) * {day}, {now} - (i % 180) * {day}, \
         CASE WHEN i % 10 = 0 THEN NULL ELSE {now} - (i % 180) * {day} END, {now} - (i % 100) * {day}, 1, printf('13%09d', i) FROM n;\n"
    ));
    sql
}

/// The worker's log from `from` on.
fn log_since(log: &Path, from: usize) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.get(from..).unwrap_or_default().to_string()
}

/// Waits until the log (after `from`) has a line containing `needle`; answers the time
/// waited and the most D1 statements one queue message sent meanwhile.
fn follow(log: &Path, from: usize, needle: &str, limit: Duration) -> Result<(Duration, u64, usize), String> {
    let started = Instant::now();
    loop {
        let text = log_since(log, from);
        let per_message: Vec<u64> = text.lines().filter_map(|l| l.split("maintenance message done: ").nth(1)?.split(' ').next()?.parse().ok()).collect();
        if text.contains(needle) {
            return Ok((started.elapsed(), per_message.iter().copied().max().unwrap_or(0), per_message.len()));
        }
        if started.elapsed() > limit {
            return Err(format!("`{needle}` not logged within {limit:?} ({} messages done)", per_message.len()));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn statements(answer: &allot_tests::Answer) -> String {
    answer.header("x-allot-d1-statements").unwrap_or_else(|| "?".into())
}

pub fn run(rows: &mut Vec<(String, String)>) -> Result<(), String> {
    let now = allot_tests::now_ms();
    let dir = allot_tests::temp_dir("bench-scale");
    let persist = dir.join("state");
    allot_tests::migrate(&persist)?;
    let file = dir.join("seed.sql");
    std::fs::write(&file, seed_sql(now)).map_err(|e| e.to_string())?;
    let t = Instant::now();
    allot_tests::execute_sql_file(&persist, &file)?;
    rows.push((format!("scale: {CUSTOMERS} customers seeded (one INSERT … SELECT, local D1)"), format!("{:.1} s", t.elapsed().as_secs_f64())));
    let config = crate::config::local_config("bench", &[("ALLOT_DIAGNOSTICS", "1")])?;
    let server = allot_tests::Server::start_with_config(
        ServerOptions { persist: persist.clone(), port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "log" },
        Some(&config),
    );
    let _ = std::fs::remove_file(&config);
    let server = server?;
    let log = persist.with_extension("log");
    let admin = server.api(&server.token("scale", "scale-admin", Role::Admin));
    let rep = server.api(&server.token("scale", "scale-rep-3", Role::Rep));

    let timed = |label: &str, api: &Api, call: &dyn Fn(&Api) -> allot_tests::Answer, rows: &mut Vec<(String, String)>| -> allot_tests::Answer {
        let t = Instant::now();
        let answer = call(api);
        rows.push((format!("scale: {label}"), format!("{} in {}, {} D1 statements", answer.status, crate::bench::ms(t.elapsed()), statements(&answer))));
        answer
    };
    for (label, api, path) in [
        ("GET /customers, first page of 50 (admin)", &admin, "/api/v1/customers?limit=50"),
        ("GET /customers?owner=me, first page (a rep of 90,000)", &rep, "/api/v1/customers?owner=me&limit=50"),
        ("GET /customers?owner=pool, first page (rep, contacts masked)", &rep, "/api/v1/customers?owner=pool&limit=50"),
        ("GET /customers?q=规模客户999999 (search: a scan of the visible rows)", &admin, "/api/v1/customers?q=%E8%A7%84%E6%A8%A1%E5%AE%A2%E6%88%B7999999&limit=50"),
        ("GET /board?per_stage=50 (admin, all)", &admin, "/api/v1/board?owner=all&per_stage=50"),
        ("GET /reps (load of each rep)", &admin, "/api/v1/reps"),
        ("GET /reports/funnel (30 days)", &admin, "/api/v1/reports/funnel"),
        ("GET /reminders (a rep)", &rep, "/api/v1/reminders"),
    ] {
        timed(label, api, &|a: &Api| a.get(path), rows);
    }
    let export = timed("GET /customers/export (all: refused past the limit)", &admin, &|a: &Api| a.get("/api/v1/customers/export"), rows);
    if export.status != 422 {
        return Err(format!("export past the limit answered {}: {}", export.status, export.text.chars().take(200).collect::<String>()));
    }

    // New segment rules: a few pages in the request, the rest through the queue.
    let mut settings = admin.get("/api/v1/settings").body;
    settings["segments"] = json!([{"key": "big", "zh": "大单", "en": "Big", "cadence_days": 7, "when": [{"field": "amount", "op": "gte", "value": 50000}]},
                                  {"key": "rest", "zh": "其他", "en": "Rest", "cadence_days": 30, "when": []}]);
    let from = log_since(&log, 0).len();
    let t = Instant::now();
    let saved = timed("PUT /settings, new segment rules (the request's part)", &admin, &|a: &Api| a.put("/api/v1/settings", &settings), rows);
    if saved.status != 200 {
        return Err(format!("PUT /settings: {} {}", saved.status, saved.text));
    }
    let (_, most, messages) = follow(&log, from, "segments of scale: pass complete", Duration::from_secs(3600))?;
    rows.push((
        format!("scale: re-classification of {CUSTOMERS} customers, request to last queue message"),
        format!("{:.1} s, {messages} messages, at most {most} D1 statements in one", t.elapsed().as_secs_f64()),
    ));

    // A hand-over of one rep's whole book.
    let from = log_since(&log, 0).len();
    let t = Instant::now();
    let moved = timed("POST /reps/{id}/hand-over of 90,000 customers (the request's part)", &admin, &|a: &Api| a.post("/api/v1/reps/scale-rep-1/hand-over", &json!({"to": "scale-rep-2"})), rows);
    if moved.status != 200 {
        return Err(format!("hand-over: {} {}", moved.status, moved.text.chars().take(300).collect::<String>()));
    }
    let (_, most, messages) = follow(&log, from, "customers moved, complete", Duration::from_secs(3600))?;
    rows.push(("scale: hand-over of 90,000 customers, request to last queue message".into(), format!("{:.1} s, {messages} messages, at most {most} D1 statements in one", t.elapsed().as_secs_f64())));

    // An import at the row limit into the big tenant: lookups by index, not by size.
    let n = shared::import::MAX_ROWS;
    let mut csv = String::from("客户名称,电话,公司,地区\n");
    for i in 0..n {
        csv.push_str(&format!("新导入{i:05},150{i:08},新公司{i:05},上海\n"));
    }
    let imported = timed(&format!("import of {n} CSV rows into the pool"), &admin, &|a: &Api| a.send("POST", "/api/v1/customers/import?to_pool=true", "text/csv", csv.as_bytes()), rows);
    if imported.body["created"] != json!(n) {
        return Err(format!("import: {} {}", imported.status, imported.text.chars().take(300).collect::<String>()));
    }

    // The hourly recycle pass: one chain of queue messages per tenant, a page each.
    let from = log_since(&log, 0).len();
    let t = Instant::now();
    if server.trigger_scheduled() != 200 {
        return Err("the scheduled handler failed".into());
    }
    match follow(&log, from, "recycle scale: pass complete", RECYCLE_WATCH) {
        Ok((took, most, messages)) => rows.push((
            format!("scale: recycle pass over {CUSTOMERS} customers (Cron Trigger to last queue message)"),
            format!("{:.1} s, {messages} messages, at most {most} D1 statements in one", took.as_secs_f64()),
        )),
        Err(_) => {
            let text = log_since(&log, from);
            let scanned: u64 = text.lines().filter_map(|l| l.split("scanned ").nth(1)?.split(',').next()?.parse::<u64>().ok()).sum();
            let per_message: Vec<u64> = text.lines().filter_map(|l| l.split("maintenance message done: ").nth(1)?.split(' ').next()?.parse().ok()).collect();
            let secs = t.elapsed().as_secs_f64();
            rows.push((
                format!("scale: recycle pass, first {} s followed", RECYCLE_WATCH.as_secs()),
                format!(
                    "{scanned} owned customers scanned in {} messages ({:.0} a second), at most {} D1 statements in one",
                    per_message.len(),
                    scanned as f64 / secs,
                    per_message.iter().max().copied().unwrap_or(0)
                ),
            ));
        }
    }
    drop(server);
    Ok(())
}
