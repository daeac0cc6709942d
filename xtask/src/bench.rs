//! `cargo xtask bench`: measures and prints a table. Every figure in the README comes
//! from this command on the machine named there.
//!
//! - widget bundle size (raw, gzip, brotli) after wasm-opt
//! - API under a bounded loopback load: req/s, p50, p99 of `GET /customers/{id}` and
//!   `GET /customers?limit=50`, each against `GET /health` on the same instance
//! - import of 10,000 CSV rows in one request
//! - import at its limits (`bench import`): 20,000 rows as CSV and as XLSX, a 20 MB CSV,
//!   and how fast files past the limits are refused
//! - `<allot-customers>` in headless Chromium: first page, and 1,000 rows

use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use allot_tests::{root, seed, Api, ServerOptions, TEST_SECRET};
use shared::ids::Role;

use crate::{build, tools};

/// Load shape: this many client threads, each sending this many requests (after a warm-up).
/// Concurrent clients of the load benches: 16, or `ALLOT_BENCH_CLIENTS` (to see how a
/// ratio changes without queueing, e.g. 2).
fn clients() -> usize {
    std::env::var("ALLOT_BENCH_CLIENTS").ok().and_then(|n| n.parse().ok()).filter(|n| *n > 0).unwrap_or(16)
}
const REQUESTS_PER_THREAD: usize = 150;

struct Load {
    rps: f64,
    p50: Duration,
    p99: Duration,
    errors: usize,
}

/// Each path under the same load, in rounds that alternate between the paths (health
/// first in each): drift on a shared machine (other work, heat) then falls on every path
/// alike instead of on whichever ran last, so their ratios mean something.
fn load_interleaved(api: &Api, paths: &[&str]) -> Vec<Load> {
    const ROUNDS: usize = 5;
    for path in paths {
        for _ in 0..30 {
            api.get_status(path);
        }
    }
    let mut samples: Vec<Samples> = paths.iter().map(|_| Samples::default()).collect();
    for _ in 0..ROUNDS {
        for (path, into) in paths.iter().zip(&mut samples) {
            let apis = clients_like(api);
            let path = path.to_string();
            into.add(burst(apis, Arc::new(move |api: &Api, _i: usize| api.get_status(&path) == 200), REQUESTS_PER_THREAD / ROUNDS));
        }
    }
    samples.into_iter().map(Samples::summary).collect()
}

/// One client per concurrent connection, each an admin of the demo tenant with a user id
/// of its own: each user's request budget (`shared::rate`, 1,200 reads a minute) is far
/// below what one load client sends, and the load is many users, not one.
fn clients_like(api: &Api) -> Vec<Api> {
    (0..clients()).map(|i| api.with_token(&allot_tests::token(TEST_SECRET, "demo", &format!("admin-bench-{i:02}"), Role::Admin, 3600))).collect()
}

/// One call of a load test: the client and the call's number; whether the answer was the
/// expected one. Shared by every client thread.
type Call = Arc<dyn Fn(&Api, usize) -> bool + Send + Sync>;

/// Runs one client per `apis` entry, each `REQUESTS_PER_THREAD` calls of `call` (which says whether
/// the answer was the expected one), released together.
fn load_with(apis: Vec<Api>, call: Call) -> Load {
    burst(apis, call, REQUESTS_PER_THREAD).summary()
}

/// Latencies of some bursts of requests, their wall time and the unexpected answers.
#[derive(Default)]
struct Samples {
    latencies: Vec<Duration>,
    elapsed: Duration,
    errors: usize,
}

impl Samples {
    fn add(&mut self, other: Samples) {
        self.latencies.extend(other.latencies);
        self.elapsed += other.elapsed;
        self.errors += other.errors;
    }

    fn summary(mut self) -> Load {
        self.latencies.sort();
        let all = &self.latencies;
        let pct = |p: f64| all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or_default();
        Load { rps: all.len() as f64 / self.elapsed.as_secs_f64().max(1e-9), p50: pct(0.50), p99: pct(0.99), errors: self.errors }
    }
}

/// One client per `Api`, each making `per_client` calls, released together.
fn burst(apis: Vec<Api>, call: Call, per_client: usize) -> Samples {
    let barrier = Arc::new(Barrier::new(apis.len()));
    let started = Instant::now();
    let handles: Vec<_> = apis
        .into_iter()
        .map(|api| {
            let barrier = barrier.clone();
            let call = call.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let mut lat = Vec::with_capacity(per_client);
                let mut errors = 0;
                for i in 0..per_client {
                    let t = Instant::now();
                    let ok = call(&api, i);
                    lat.push(t.elapsed());
                    if !ok {
                        errors += 1;
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let mut samples = Samples::default();
    for h in handles {
        if let Ok((lat, e)) = h.join() {
            samples.latencies.extend(lat);
            samples.errors += e;
        }
    }
    samples.elapsed = started.elapsed();
    samples
}

fn node_json(tools: &tools::Tools, args: &[&str]) -> Result<serde_json::Value, String> {
    let out = Command::new(&tools.node).args(args).current_dir(root()).output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("node {args:?}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("node {args:?} printed no JSON: {e}"))
}

pub fn run(args: &[String]) -> Result<(), String> {
    let tools = tools::ensure(true)?;
    // `cargo xtask bench sizes` / `api` / `import` / `reports` / `board` / `embed` / `scale`: only those
    // sections (`scale`, a tenant of a million customers, runs only when named).
    let only: Vec<&str> = args.iter().map(String::as_str).filter(|a| ["sizes", "api", "import", "reports", "board", "embed", "scale", "lighthouse"].contains(a)).collect();
    if !only.is_empty() {
        if only.contains(&"board") || only.contains(&"sizes") || only.contains(&"embed") || only.contains(&"lighthouse") {
            // `--elements board`: the bundle a host embedding only the board would load.
            build::widget_with(&tools, crate::flag(args, "--elements").as_deref())?;
        }
        build::worker(&tools, true)?;
        copy_bench_pages()?;
        let mut rows = Vec::new();
        if only.contains(&"sizes") {
            sizes(&tools, &mut rows)?;
        }
        if only.contains(&"api") {
            let (_server, admin) = api_server()?;
            import_and_latency(&admin, &mut rows)?;
        }
        if only.contains(&"import") {
            imports(&mut rows)?;
        }
        if only.contains(&"reports") {
            reports(&mut rows)?;
        }
        if only.contains(&"board") {
            board(&tools, &mut rows)?;
        }
        if only.contains(&"embed") {
            embed(&tools, &mut rows)?;
        }
        if only.contains(&"scale") {
            crate::scale::run(&mut rows)?;
        }
        if only.contains(&"lighthouse") {
            lighthouse(&tools, &mut rows)?;
        }
        print_table(rows);
        return Ok(());
    }
    build::widget(&tools)?;
    build::worker(&tools, true)?;
    copy_bench_pages()?;
    let mut rows: Vec<(String, String)> = Vec::new();

    // Allocation engine, natively in release mode.
    let out = Command::new("cargo")
        .args(["run", "--quiet", "--release", "-p", "allot-shared", "--example", "allocation_bench"])
        .current_dir(root())
        .env("CARGO_TARGET_DIR", build::target_dir())
        .output()
        .map_err(|e| e.to_string())?;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some((name, figure)) = line.split_once(": ") {
            rows.push((format!("allocation {name} (native)"), figure.to_string()));
        }
    }

    // The same example compiled to wasm32 (WASI) and run in Node's V8: the engine as the
    // worker and the widget run it.
    let wasm = Command::new("cargo")
        .args(["build", "--quiet", "--release", "-p", "allot-shared", "--example", "allocation_bench", "--target", "wasm32-wasip1"])
        .current_dir(root())
        .env("CARGO_TARGET_DIR", build::target_dir())
        .status()
        .map_err(|e| e.to_string())?;
    if wasm.success() {
        let file = build::target_dir().join("wasm32-wasip1/release/examples/allocation_bench.wasm");
        let out = Command::new(&tools.node).arg("--no-warnings").arg(root().join("xtask/wasi-run.mjs")).arg(file).output().map_err(|e| e.to_string())?;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some((name, figure)) = line.split_once(": ") {
                rows.push((format!("allocation {name} (wasm32 in Node)"), figure.to_string()));
            }
        }
    }

    sizes(&tools, &mut rows)?;
    let worker_wasm = std::fs::metadata(root().join("edge/build/index_bg.wasm")).map(|m| m.len()).unwrap_or(0);
    rows.push(("worker wasm (wasm-opt), raw".into(), format!("{:.1} KB", worker_wasm as f64 / 1024.0)));

    imports(&mut rows)?;
    let (server, admin) = api_server()?;
    import_and_latency(&admin, &mut rows)?;

    // Apply 1,000 assignments in one run: the work is one D1 batch (one round trip) after
    // three reads (rules from KV, reps with load, pool customers, cursor).
    let pool: Vec<String> = {
        let mut ids = Vec::new();
        let mut cursor: Option<String> = None;
        while ids.len() < 1000 {
            let path = match &cursor {
                Some(c) => format!("/api/v1/customers?owner=pool&limit=200&cursor={c}"),
                None => "/api/v1/customers?owner=pool&limit=200".into(),
            };
            let page = admin.get(&path).body;
            ids.extend(page["items"].as_array().into_iter().flatten().filter_map(|c| c["id"].as_str().map(String::from)));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        ids.truncate(1000);
        ids
    };
    let _ = admin.patch("/api/v1/reps/rep-wang", &serde_json::json!({"capacity": 2000}));
    for rep in ["rep-liu", "rep-chen", "rep-zhao", "rep-sun", "rep-zhou", "rep-emily", "rep-david"] {
        let _ = admin.patch(&format!("/api/v1/reps/{rep}"), &serde_json::json!({"capacity": 2000}));
    }
    let t = Instant::now();
    let applied = admin.post("/api/v1/allocations", &serde_json::json!({"customer_ids": pool, "strategy": "combined"}));
    let apply_time = t.elapsed();
    let n_applied = applied.body["assignments"].as_array().map_or(0, Vec::len) - applied.body["skipped"].as_array().map_or(0, Vec::len);
    rows.push((format!("POST /allocations applying {n_applied} assignments (1 D1 batch + 4 reads)"), format!("{:.2} s", apply_time.as_secs_f64())));

    // Claims under contention: 16 reps hammering 20 pool customers. Every answer must be
    // a 200, a 409 (already owned, daily limit) or, past 60 claim calls a minute per rep
    // (`shared::rate`), a 429; anything else counts as an error.
    let mut csv = String::from("客户名称,电话\n");
    for i in 0..20 {
        csv.push_str(&format!("争抢客户{i:02},1370000{i:04}\n"));
    }
    admin.send("POST", "/api/v1/customers/import?to_pool=true", "text/csv", csv.as_bytes());
    let contested: Vec<String> =
        admin.get("/api/v1/customers?owner=pool&q=争抢客户&limit=20").body["items"].as_array().into_iter().flatten().filter_map(|c| c["id"].as_str().map(String::from)).collect();
    let reps: Vec<Api> = (0..clients())
        .map(|i| {
            let id = format!("bench-rep-{i:02}");
            admin.post("/api/v1/reps", &serde_json::json!({"id": id, "name": id, "level": "junior", "capacity": 1000}));
            server.api(&server.token("demo", &id, Role::Rep))
        })
        .collect();
    let targets = Arc::new(contested);
    let claims = load_with(
        reps,
        Arc::new(move |api: &Api, i: usize| {
            let id = &targets[i % targets.len().max(1)];
            let status = api.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"").status;
            matches!(status, 200 | 409 | 429)
        }),
    );
    let health_again = load_interleaved(&admin, &["/api/v1/health"]).remove(0);
    rows.push((
        format!("POST /customers/{{id}}/claim, {} reps × {REQUESTS_PER_THREAD} on 20 customers: req/s, p50, p99", clients()),
        format!("{:.0} req/s, {}, {}{}", claims.rps, ms(claims.p50), ms(claims.p99), if claims.errors > 0 { format!(", {} unexpected", claims.errors) } else { String::new() }),
    ));
    rows.push((
        "claim p50 / p99 ratio to health (measured right after)".into(),
        format!("{:.2} / {:.2}", claims.p50.as_secs_f64() / health_again.p50.as_secs_f64().max(1e-9), claims.p99.as_secs_f64() / health_again.p99.as_secs_f64().max(1e-9)),
    ));

    // The element in a browser, over the 100,000+ customers now stored.
    let render = node_json(&tools, &["bench/render.mjs", &server.base, &server.token("demo", "admin", Role::Admin)])?;
    rows.push(("<allot-customers>: navigation → first 200 rows (median of 3)".into(), format!("{:.0} ms", render["first_page_ms"].as_f64().unwrap_or(0.0))));
    rows.push(("<allot-customers>: navigation → 1,000 rows (5 pages)".into(), format!("{:.0} ms", render["thousand_ms"].as_f64().unwrap_or(0.0))));
    drop(server);

    reports(&mut rows)?;
    board(&tools, &mut rows)?;
    embed(&tools, &mut rows)?;
    print_table(rows);
    Ok(())
}

/// Repeat visits of the cross-origin demo host on an emulated phone network: the content-
/// hashed, immutable bundles, then the same files with every answer revalidated (the
/// build's `_headers` without its immutable rule: the caching before), each on a server
/// of its own (wrangler reads `_headers` when it starts).
fn embed(tools: &tools::Tools, rows: &mut Vec<(String, String)>) -> Result<(), String> {
    let headers = root().join("dist/_headers");
    let immutable = std::fs::read_to_string(&headers).map_err(|e| format!("{}: {e}", headers.display()))?;
    let revalidated: String = immutable.split("/widget/v/*").next().unwrap_or_default().to_string();
    let mut measured = Vec::new();
    for (label, rules) in [("hashed immutable bundles", &immutable), ("every file revalidated (max-age=0, as before content hashing)", &revalidated)] {
        std::fs::write(&headers, rules).map_err(|e| e.to_string())?;
        let run = (|| {
            let now = allot_tests::now_ms();
            let (server, _) = seeded_server("bench-embed", &format!("{}{}", seed::fixture_sql(now), seed::demo_customers_sql(now, 300, 2026)), "warn")?;
            let tokens: Vec<(&str, &str, String)> = crate::dev::DEMO_LOGINS.iter().map(|(label, tenant, user, role)| (*label, role.as_str(), server.token(tenant, user, *role))).collect();
            build::write_demo_config(&tokens)?;
            let admin = server.token("demo", "admin", Role::Admin);
            node_json(tools, &["bench/embed.mjs", &server.base, &admin, &root().join("dist/demo-config.js").display().to_string()])
        })();
        measured.push((label, run));
    }
    std::fs::write(&headers, &immutable).map_err(|e| e.to_string())?;
    for (label, r) in measured {
        let r = r?;
        rows.push((
            format!("board embedded from another origin, 390×844, 150 ms RTT / 1.6 Mbit/s: navigation → first card, {label}"),
            format!("{} ms first visit · {} ms repeat visit (median of 7; {} widget files fetched again on a repeat)", r["first_ms"], r["repeat_ms"], r["widget_requests_on_repeat"]),
        ));
    }
    Ok(())
}

/// Lighthouse's mobile performance audit (pinned in package.json) over the pages phones
/// open first, served brotli-compressed (bench/lighthouse.mjs, bench/brotli-proxy.mjs).
fn lighthouse(tools: &tools::Tools, rows: &mut Vec<(String, String)>) -> Result<(), String> {
    let now = allot_tests::now_ms();
    let (server, _) = seeded_server("bench-lighthouse", &format!("{}{}", seed::fixture_sql(now), seed::demo_customers_sql(now, 300, 2026)), "warn")?;
    let tokens: Vec<(&str, &str, String)> = crate::dev::DEMO_LOGINS.iter().map(|(label, tenant, user, role)| (*label, role.as_str(), server.token(tenant, user, *role))).collect();
    build::write_demo_config(&tokens)?;
    let admin = server.token("demo", "admin", Role::Admin);
    let out = Command::new(&tools.node)
        .arg("--no-warnings")
        .arg(root().join("bench/lighthouse.mjs"))
        .args([&server.base, &admin])
        .env("CHROME_PATH", "/usr/bin/chromium")
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("lighthouse: {}", String::from_utf8_lossy(&out.stderr)));
    }
    for line in String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with('{')) {
        let r: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
        if let Some(page) = r["interactive"].as_str() {
            rows.push((
                format!("{page}: navigation → interactive (submit button drawn), first visit, 390×844, 150 ms RTT / 1.6 Mbit/s, 4× CPU, brotli, median of {}", r["runs"]),
                format!("{} ms (runs {}), {:.1} KB transferred", r["ms"], r["all_ms"], r["bytes"].as_f64().unwrap_or(0.0) / 1024.0),
            ));
            continue;
        }
        rows.push((
            format!("Lighthouse mobile performance (simulated slow 4G, 4× CPU), {}, brotli, median of {}", r["page"].as_str().unwrap_or("?"), r["runs"]),
            format!(
                "score {} (runs {}), LCP {} ms, TBT {} ms, FCP {} ms, {:.1} KB transferred",
                r["score"],
                r["scores"],
                r["lcp_ms"],
                r["tbt_ms"],
                r["fcp_ms"],
                r["bytes"].as_f64().unwrap_or(0.0) / 1024.0
            ),
        ));
    }
    Ok(())
}

/// The benchmark pages are served from `dist/` next to the widget (same origin).
fn copy_bench_pages() -> Result<(), String> {
    for f in ["bench-render.html", "bench-render.js", "board-widget.html", "board-widget.js", "board-vanilla.html", "board-vanilla.js", "board-move.js"] {
        std::fs::copy(root().join("bench").join(f), root().join("dist").join(f)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// `<allot-board>` against the hand-written vanilla-JS board (bench/board-vanilla.*) in
/// the same browser on the same cards: 10,000 customers, of which rep-wang holds ~1,000.
fn board(tools: &tools::Tools, rows: &mut Vec<(String, String)>) -> Result<(), String> {
    let now = allot_tests::now_ms();
    let (server, _) = seeded_server("bench-board", &format!("{}{}", seed::fixture_sql(now), seed::bulk_sql(now, 10_000, 1)), "warn")?;
    let rep = server.token("demo", "rep-wang", Role::Rep);
    let admin = server.token("demo", "admin", Role::Admin);
    let r = node_json(tools, &["bench/board.mjs", &server.base, &rep, "me", &admin, "all"])?;
    drop(server);
    println!("board bench raw figures: {r}");
    let f = |k: &str, m: &str| r[k][m].as_f64().unwrap_or(f64::NAN);
    let n = |k: &str| r[k]["cards"].as_u64().unwrap_or(0);
    for size in ["1k", "10k"] {
        // The vanilla page renders every card; the widget its first cards per column.
        let (w, v) = (format!("widget_{size}"), format!("vanilla_{size}"));
        rows.push((
            format!("board first render (navigation → cards drawn), {} cards: <allot-board> / vanilla JS (median of 11 rounds); card elements in the DOM then", n(&v)),
            format!("{:.0} ms / {:.0} ms = {:.2}×; {} / {}", f(&w, "render_ms"), f(&v, "render_ms"), f(&w, "render_ms") / f(&v, "render_ms"), r[&w]["dom_cards"], r[&v]["dom_cards"]),
        ));
        rows.push((format!("board keyboard move → DOM updated, {} cards: <allot-board> / vanilla JS", n(&v)), format!("{:.1} ms / {:.1} ms", f(&w, "move_ms"), f(&v, "move_ms"))));
    }
    let d = &r["widget_10k_minus_1k"];
    rows.push((
        "board first render, <allot-board> at 10,000 cards minus at 1,000, round by round: median (middle half)".into(),
        format!(
            "{:+.0} ms ({:+.0} … {:+.0} ms) over {} rounds",
            d["median_ms"].as_f64().unwrap_or(f64::NAN),
            d["q1_ms"].as_f64().unwrap_or(f64::NAN),
            d["q3_ms"].as_f64().unwrap_or(f64::NAN),
            d["rounds"]
        ),
    ));
    Ok(())
}

/// A latency as the table prints it.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn print_table(rows: Vec<(String, String)>) {
    println!("\n| benchmark | result |\n|---|---|");
    for (k, v) in rows {
        println!("| {k} | {v} |");
    }
    println!("\nMachine: {} cores; command: cargo xtask bench", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0));
}

/// Each report over 100,000 customers and 500,000 follow-ups (generated in SQLite by the
/// seed's `bulk_sql`), over a one-year period: the first (cold) request and the median
/// of five more, as the admin (every rep, no scope condition) and as a manager (team).
fn reports(rows: &mut Vec<(String, String)>) -> Result<(), String> {
    const CUSTOMERS: u32 = 100_000;
    const FOLLOW_UPS: u32 = 5;
    let now = allot_tests::now_ms();
    // At `log` level: the recycle job's summary line is read from the server's log.
    let (server, dir) = seeded_server("bench-reports", &format!("{}{}", seed::fixture_sql(now), seed::bulk_sql(now, CUSTOMERS, FOLLOW_UPS)), "log")?;
    let admin = server.api(&server.token("demo", "admin", Role::Admin));
    let manager = server.api(&server.token("demo", "mgr-li", Role::Manager));
    let log = dir.join("state.log");
    let funnel = admin.get("/api/v1/reports/funnel?days=366").body;
    let follow = admin.get("/api/v1/reports/follow-ups?days=366").body;
    println!("funnel cohort {}, follow-ups scheduled {}", funnel["cohort"], follow["total"]["scheduled"]);
    for kind in ["funnel", "reps", "strategies", "fairness", "follow-ups", "pool"] {
        for (who, api) in [("admin", &admin), ("manager", &manager)] {
            let path = format!("/api/v1/reports/{kind}?days=366");
            let time = |api: &Api| -> Result<Duration, String> {
                let t = Instant::now();
                let answer = api.get(&path);
                if answer.status != 200 {
                    return Err(format!("{path}: {} {}", answer.status, answer.text));
                }
                Ok(t.elapsed())
            };
            let cold = time(api)?;
            let mut warm = (0..5).map(|_| time(api)).collect::<Result<Vec<_>, _>>()?;
            warm.sort();
            rows.push((
                format!("GET /reports/{kind} as {who}, 1 year over {CUSTOMERS} customers, {} follow-ups: first / median of 5", CUSTOMERS * FOLLOW_UPS),
                format!("{:.0} ms / {:.0} ms", cold.as_secs_f64() * 1000.0, warm[2].as_secs_f64() * 1000.0),
            ));
        }
    }
    // The recycle pass over the same 100,000, many of them due (their last follow-up is
    // weeks old): the Cron Trigger queues the tenant's first page, the queue's consumer
    // runs page after page, each logging what it scanned, recycled and reminded.
    let before = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) as usize;
    let t = Instant::now();
    if server.trigger_scheduled() != 200 {
        return Err("the scheduled handler could not be triggered".into());
    }
    let (mut scanned, mut recycled, mut reminded) = (0u64, 0u64, 0u64);
    let pages = loop {
        let text = std::fs::read(&log).map(|b| String::from_utf8_lossy(&b[before.min(b.len())..]).into_owned()).unwrap_or_default();
        let lines: Vec<Vec<u64>> = text
            .lines()
            .filter(|l| l.contains("recycle demo after"))
            .map(|l| l.rsplit(':').next().unwrap_or_default().split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect())
            .collect();
        if lines.last().is_some_and(|f| f.first().is_some_and(|n| *n < 500)) {
            for f in &lines {
                if let [s, r, m, ..] = f[..] {
                    scanned += s;
                    recycled += r;
                    reminded += m;
                }
            }
            break lines.len();
        }
        if t.elapsed() > Duration::from_secs(600) {
            return Err("the recycle pass did not finish within 10 minutes".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    rows.push((
        format!("recycle pass over {CUSTOMERS} customers through the maintenance queue (one message per page of 500), {recycled} due: trigger → last page done"),
        format!("{:.2} s; {pages} pages, {scanned} scanned, {reminded} reminders", t.elapsed().as_secs_f64()),
    ));
    // New segment rules re-classify every customer: a catch-all rule moves all of them,
    // the worst case (every row written).
    let mut settings = admin.get("/api/v1/settings").body;
    settings["segments"] = serde_json::json!([{"key": "everyone", "zh": "全部客户", "en": "Everyone", "cadence_days": 30, "when": []}]);
    let t = Instant::now();
    let saved = admin.put("/api/v1/settings", &settings);
    let took = t.elapsed();
    if saved.status != 200 {
        return Err(format!("PUT /settings: {} {}", saved.status, saved.text));
    }
    // Every customer of the year's cohort must now be in the new segment.
    let funnel = admin.get("/api/v1/reports/funnel?days=366").body;
    let moved = funnel["by_segment"].as_array().into_iter().flatten().filter(|o| o["key"] == "everyone").filter_map(|o| o["customers"].as_u64()).sum::<u64>();
    rows.push((
        format!("PUT /settings with new segment rules, {CUSTOMERS} customers re-classified (every one changes segment)"),
        format!("{:.2} s; the cohort's customers now in the new segment: {moved} of {}", took.as_secs_f64(), funnel["cohort"]),
    ));
    Ok(())
}

/// A server over the demo fixture and 300 demo customers, and its admin.
fn api_server() -> Result<(allot_tests::Server, Api), String> {
    let now = allot_tests::now_ms();
    let (server, _) = seeded_server("bench", &format!("{}{}", seed::fixture_sql(now), seed::demo_customers_sql(now, 300, 2026)), "warn")?;
    let admin = server.api(&server.token("demo", "admin", Role::Admin));
    Ok((server, admin))
}

/// Import at its limits, on a server of its own (the demo's 300 customers): 20,000 rows
/// as CSV and as XLSX, a 20 MB CSV (20,000 rows of 1,000 bytes, most of it a note column
/// the import ignores), each in one request into the pool; then files past the limits,
/// each refused before the work (the time to the 413).
fn imports(rows: &mut Vec<(String, String)>) -> Result<(), String> {
    let (_server, admin) = api_server()?;
    let header = "客户名称,电话,邮箱,公司,行业,地区,预计金额,客户价值";
    let row = |i: usize, tag: &str, phone: u32| format!("{tag}客户{i:05},{phone}{i:08},{tag}{i}@import.example.cn,{tag}公司{i:05}有限公司,制造业,上海,{},潜力客户", 1000 + i);
    let timed = |what: &str, content_type: &str, body: &[u8], rows: &mut Vec<(String, String)>| -> Result<(), String> {
        let t = Instant::now();
        let answer = admin.send("POST", "/api/v1/customers/import?to_pool=true", content_type, body);
        let took = t.elapsed();
        if answer.body["created"] != serde_json::json!(shared::import::MAX_ROWS) {
            return Err(format!("{what}: did not create {}: {} {}", shared::import::MAX_ROWS, answer.status, answer.text.chars().take(300).collect::<String>()));
        }
        rows.push((format!("import {what} (one request, one D1 batch, into the pool)"), format!("{:.2} s", took.as_secs_f64())));
        Ok(())
    };
    let n = shared::import::MAX_ROWS;

    let mut csv = format!("{header}\n");
    for i in 0..n {
        csv.push_str(&row(i, "甲", 136));
        csv.push('\n');
    }
    timed(&format!("{n} CSV rows, {:.1} MB", csv.len() as f64 / 1e6), "text/csv", csv.as_bytes(), rows)?;

    let mut big = format!("{header},备注\n");
    for i in 0..n {
        let line = row(i, "乙", 135);
        let pad = 999usize.saturating_sub(line.len() + 1);
        big.push_str(&line);
        big.push(',');
        big.push_str(&"跟进记录".repeat(pad / 12));
        big.push_str(&"x".repeat(pad % 12));
        big.push('\n');
    }
    timed(&format!("a {:.1} MB CSV ({n} rows of 1,000 bytes, a note column ignored)", big.len() as f64 / 1e6), "text/csv", big.as_bytes(), rows)?;

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in header.split(',').enumerate() {
        sheet.write_string(0, c as u16, h).map_err(|e| e.to_string())?;
    }
    for i in 0..n {
        for (c, cell) in row(i, "丙", 134).split(',').enumerate() {
            sheet.write_string(i as u32 + 1, c as u16, cell).map_err(|e| e.to_string())?;
        }
    }
    let xlsx = book.save_to_buffer().map_err(|e| e.to_string())?;
    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    timed(&format!("{n} XLSX rows, {:.1} MB", xlsx.len() as f64 / 1e6), xlsx_type, &xlsx, rows)?;

    let mut tall = String::from("name\n");
    for i in 0..200_000 {
        tall.push_str(&format!("c{i}\n"));
    }
    let hostile: [(&str, &str, Vec<u8>); 5] = [
        ("200,000-row CSV (1.4 MB)", "text/csv", tall.into_bytes()),
        ("2 KB XLSX with cells A1 and XFD1048576", xlsx_type, allot_tests::hostile::corner_cells()),
        ("XLSX zip bomb (200 MiB of shared strings in 1.3 MB)", xlsx_type, allot_tests::hostile::shared_strings_bomb(200)),
        ("CSV header with a million columns", "text/csv", format!("name{}\nA\n", ",x".repeat(1_000_000)).into_bytes()),
        ("XLSX with ten million empty cell formats (50 MB of styles in 0.3 MB)", xlsx_type, allot_tests::hostile::styles_bomb(10)),
    ];
    let mut refusals = Vec::new();
    for (what, content_type, body) in hostile {
        let t = Instant::now();
        let answer = admin.send("POST", "/api/v1/customers/import", content_type, &body);
        refusals.push(format!("{what}: {} `{}` in {}", answer.status, answer.code(), ms(t.elapsed())));
    }
    rows.push(("import refusals, each answered before the work it bounds".into(), refusals.join("; ")));
    Ok(())
}

/// Imports 10,000 rows in one request (timed), then measures the read API against health
/// with those rows stored.
fn import_and_latency(admin: &Api, rows: &mut Vec<(String, String)>) -> Result<(), String> {
    // Import 10,000 rows in one request.
    let mut csv = String::from("客户名称,电话,邮箱,公司,行业,地区,预计金额,客户价值\n");
    for i in 0..10_000 {
        csv.push_str(&format!("压测客户{i:05},139{i:08},load{i}@bench.example.cn,压测公司{i:05}有限公司,制造业,上海,{},潜力客户\n", 1000 + i));
    }
    let t = Instant::now();
    let imported = admin.send("POST", "/api/v1/customers/import?to_pool=true", "text/csv", csv.as_bytes());
    let import_time = t.elapsed();
    if imported.body["created"] != serde_json::json!(10_000) {
        return Err(format!("import did not create 10,000: {}", imported.text));
    }
    rows.push(("import 10,000 CSV rows (one request, one D1 batch)".into(), format!("{:.2} s", import_time.as_secs_f64())));

    // API latency against health on the same instance.
    let id = admin.get("/api/v1/customers?limit=1").body["items"][0]["id"].as_str().unwrap_or_default().to_string();
    let one_path = format!("/api/v1/customers/{id}");
    // `GET /me` is authentication plus one one-row D1 read: the floor of any route that
    // reads D1, which shows how much of a ratio is the database call itself.
    let [health, me, one, page]: [Load; 4] =
        load_interleaved(admin, &["/api/v1/health", "/api/v1/me", &one_path, "/api/v1/customers?limit=50"]).try_into().map_err(|_| "four paths, four loads".to_string())?;
    for (name, l) in [("GET /health", &health), ("GET /me", &me), ("GET /customers/{id}", &one), ("GET /customers?limit=50", &page)] {
        rows.push((
            format!("{name}: req/s, p50, p99 ({} clients × {REQUESTS_PER_THREAD}, in 5 rounds alternating the four)", clients()),
            format!("{:.0} req/s, {}, {}{}", l.rps, ms(l.p50), ms(l.p99), if l.errors > 0 { format!(", {} errors", l.errors) } else { String::new() }),
        ));
    }
    let ratio = |l: &Load| l.p50.as_secs_f64() / health.p50.as_secs_f64().max(1e-9);
    rows.push(("p50 ratio to health: GET /customers/{id} · list of 50 (GET /me, one trivial D1 read)".into(), format!("{:.2} · {:.2} ({:.2})", ratio(&one), ratio(&page), ratio(&me))));
    Ok(())
}

/// The widget bundles as `allot.js` loads them: every element, then each element alone.
fn sizes(tools: &tools::Tools, rows: &mut Vec<(String, String)>) -> Result<(), String> {
    let dir = |kind: &str| build::bundle_dir(kind).map(|d| d.display().to_string());
    let sizes = node_json(tools, &["bench/sizes.mjs", &dir(build::ALL)?])?;
    let kb = |v: &serde_json::Value| format!("{:.1} KB", v.as_f64().unwrap_or(0.0) / 1024.0);
    rows.push(("widget bundle, every element (wasm + JS), raw / gzip / brotli".into(), format!("{} / {} / {}", kb(&sizes["raw"]), kb(&sizes["gzip"]), kb(&sizes["brotli"]))));
    for element in build::KINDS {
        let one = node_json(tools, &["bench/sizes.mjs", &dir(element)?])?;
        rows.push((
            format!("widget bundle, <allot-{element}> alone (what allot.js loads for a page with only it), raw / gzip / brotli"),
            format!("{} / {} / {}", kb(&one["raw"]), kb(&one["gzip"]), kb(&one["brotli"])),
        ));
    }
    Ok(())
}

/// A server on fresh local state: the migrations, then `sql` (the seed), logging at
/// `log_level` (its log is `<dir>/state.log`). Answers the server and that directory.
fn seeded_server(name: &str, sql: &str, log_level: &'static str) -> Result<(allot_tests::Server, std::path::PathBuf), String> {
    let dir = allot_tests::temp_dir(name);
    let persist = dir.join("state");
    allot_tests::migrate(&persist)?;
    let file = dir.join("seed.sql");
    std::fs::write(&file, sql).map_err(|e| e.to_string())?;
    let t = Instant::now();
    allot_tests::execute_sql_file(&persist, &file)?;
    println!("{name}: seed loaded in {:.1} s", t.elapsed().as_secs_f64());
    let server = allot_tests::Server::start(ServerOptions { persist, port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level })?;
    Ok((server, dir))
}
