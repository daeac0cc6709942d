//! `cargo xtask test`: installs what is missing (Chromium too), builds the widget and the
//! worker once, runs every suite, prints one summary, fails if anything failed.
//!
//! Suites: `lint` (formatting and clippy, `cargo xtask lint`), `shared` natively and as WebAssembly (wasm32-wasip1 in Node's WASI), the test
//! harness's own unit tests, the module graph (no import circles: `graph`), the API suite against a real `wrangler dev`, and the browser
//! suite (Node's test runner driving headless Chromium through playwright-core).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use allot_tests::{root, seed, ServerOptions, TEST_SECRET};
use shared::ids::Role;

use crate::build::{self, cargo};
use crate::dev::DEMO_LOGINS;
use crate::lint;
use crate::tools::{self, Tools};

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    suites_failed: Vec<String>,
}

impl Tally {
    /// Runs a command, echoing its output, and counts the tests its runner reports.
    fn suite(&mut self, name: &str, cmd: &mut Command) {
        println!("\n=== {name}");
        let child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                println!("could not start {name}: {e}");
                self.suites_failed.push(name.into());
                return;
            }
        };
        let (mut passed, mut failed) = (0, 0);
        if let Some(out) = child.stdout.take() {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                println!("{line}");
                let (p, f) = counts(&line);
                passed += p;
                failed += f;
            }
        }
        let ok = child.wait().map(|s| s.success()).unwrap_or(false);
        self.passed += passed;
        self.failed += failed;
        if !ok || (passed == 0 && failed == 0) {
            self.suites_failed.push(name.into());
        }
    }

    /// Runs a command that is one check (a build, not a test runner): one pass or fail.
    fn check(&mut self, name: &str, cmd: &mut Command) {
        println!("\n=== {name}");
        match cmd.status() {
            Ok(s) if s.success() => {
                println!("ok");
                self.passed += 1;
            }
            _ => {
                println!("FAILED");
                self.failed += 1;
                self.suites_failed.push(name.into());
            }
        }
    }
}

impl Tally {
    /// Prints the summary; fails if anything failed.
    fn finish(self) -> Result<(), String> {
        println!("\n=== summary");
        for failed in &self.suites_failed {
            println!("FAILED suite: {failed}");
        }
        println!("{} passed, {} failed", self.passed, self.failed);
        if self.failed == 0 && self.suites_failed.is_empty() {
            Ok(())
        } else {
            Err("some tests failed".into())
        }
    }
}

/// Counts from a cargo `test result:` line or a node:test `# pass` / `# fail` line.
fn counts(line: &str) -> (usize, usize) {
    let number_before =
        |word: &str| -> usize { line.split(';').find(|part| part.trim_end().ends_with(word)).and_then(|part| part.split_whitespace().rev().nth(1)).and_then(|n| n.parse().ok()).unwrap_or(0) };
    if line.starts_with("test result:") {
        (number_before("passed"), number_before("failed"))
    } else if let Some(n) = line.strip_prefix("# pass ") {
        (n.trim().parse().unwrap_or(0), 0)
    } else if let Some(n) = line.strip_prefix("# fail ") {
        (0, n.trim().parse().unwrap_or(0))
    } else {
        (0, 0)
    }
}

/// Builds `shared`'s tests for wasm32-wasip1 and returns the test binary.
fn shared_wasm_tests() -> Result<std::path::PathBuf, String> {
    let targets = Command::new("rustup").args(["target", "list", "--installed"]).output().map_err(|e| e.to_string())?;
    if !String::from_utf8_lossy(&targets.stdout).lines().any(|l| l.trim() == "wasm32-wasip1") {
        tools::run(Command::new("rustup").args(["target", "add", "wasm32-wasip1"]))?;
    }
    let out = cargo()
        // Release: V8 crashes compiling the 66 MB debug test module; the release one is 4 MB.
        .args(["test", "--release", "--lib", "-p", "allot-shared", "--features", "token,import", "--target", "wasm32-wasip1", "--no-run", "--message-format=json"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "shared")
        .find_map(|m| m["executable"].as_str().map(std::path::PathBuf::from))
        .ok_or_else(|| "no wasm32-wasip1 test binary for shared".into())
}

/// `cargo xtask test [lint|shared|api|browser]…`: every suite, or only the named ones.
pub fn run(args: &[String]) -> Result<(), String> {
    let named: Vec<&str> = args.iter().map(String::as_str).filter(|a| ["lint", "shared", "api", "fuzz", "browser"].contains(a)).collect();
    let wants = |suite: &str| named.is_empty() || named.contains(&suite);
    let mut tally = Tally::default();
    // Formatting and clippy first: minutes, where the builds and suites after them take a
    // quarter of an hour, so a lint failure shows before them.
    if wants("lint") {
        for (name, mut cmd) in lint::checks() {
            tally.check(&name, &mut cmd);
        }
        if named == ["lint"] {
            return tally.finish();
        }
    }
    let tools = tools::ensure(wants("browser"))?;
    // The API suites and the fuzzer need only the worker; the widget bundle is for the
    // browser suite (and the assets directory, which must exist for `wrangler dev`).
    if wants("browser") {
        build::all(&tools, false, None)?;
    } else {
        std::fs::create_dir_all(root().join("dist")).map_err(|e| e.to_string())?;
        build::worker(&tools, false)?;
    }

    if wants("shared") {
        tally.suite("shared (native: unit and property tests)", cargo().args(["test", "-p", "allot-shared", "--features", "token,import"]));
        match shared_wasm_tests() {
            Ok(wasm) => tally.suite("shared (wasm32, Node WASI)", Command::new(&tools.node).arg("--no-warnings").arg(root().join("xtask/wasi-run.mjs")).arg(wasm)),
            Err(e) => {
                println!("shared (wasm32): {e}");
                tally.suites_failed.push("shared (wasm32)".into());
            }
        }
        tally.suite("test harness and seed", cargo().args(["test", "-p", "allot-tests", "--lib"]));
        // The worker's own unit tests, natively: where its SQL states a rule of `shared`
        // (the claim's conditions, the customers' columns against the migrated table, the
        // search fields), they hold the two equal. Nothing in them touches a Worker API.
        tally.suite("edge (native: its SQL against shared's rules)", cargo().args(["test", "-p", "allot-edge", "--lib"]));
        // The widget's logic (board and pool state, the element table) natively; and
        // xtask's own tests: no import circles among the modules of the crates
        // `xtask::graph::ENFORCED` names, and what cargo reads equals `widget/src/kinds.rs`.
        tally.suite("widget logic (native)", cargo().args(["test", "-p", "allot-widget", "--lib"]));
        tally.suite("xtask (module graph, the kinds list in every file cargo reads)", cargo().args(["test", "-p", "xtask", "--bin", "xtask"]));
        // `cargo xtask build --elements …` must keep working for every element on its own.
        for element in build::KINDS {
            tally.check(
                &format!("widget builds with <allot-{element}> alone"),
                cargo().args(["check", "--quiet", "-p", "allot-widget", "--target", "wasm32-unknown-unknown", "--no-default-features", "--features", element]),
            );
        }
    }
    if wants("api") {
        tally.suite("API end to end (workerd)", cargo().args(["test", "-p", "allot-tests", "--test", "api"]));
        tally.suite("reports end to end (workerd, demo seed)", cargo().args(["test", "-p", "allot-tests", "--test", "reports"]));
    }
    if wants("fuzz") {
        fuzz_suite(&mut tally)?;
    }
    if wants("browser") {
        browser_suite(&tools, &mut tally)?;
    }

    tally.finish()
}

/// Local state under `dir/state`, migrated and seeded with the fixtures and 300 demo
/// customers: what the fuzzer and the browser suite run against.
fn demo_state(dir: &std::path::Path) -> Result<std::path::PathBuf, String> {
    let persist = dir.join("state");
    allot_tests::migrate(&persist)?;
    let now = allot_tests::now_ms();
    let sql = dir.join("seed.sql");
    std::fs::write(&sql, format!("{}{}", seed::fixture_sql(now), seed::demo_customers_sql(now, 300, 2026))).map_err(|e| e.to_string())?;
    allot_tests::execute_sql_file(&persist, &sql)?;
    Ok(persist)
}

/// Requests per operation and role the fuzzer generates in each phase.
const FUZZ_EXAMPLES: &str = "15";

/// Schema-driven fuzzing of every route in the OpenAPI document (request bodies from the
/// shared types' JSON Schemas; query parameters typed where the parser has bounds or
/// choices: `openapi.rs: query_schema`), as each role: any 5xx,
/// or an answer that does not match its documented schema, fails the suite. The server
/// runs with request budgets raised 10,000-fold (a generated copy of
/// `edge/wrangler.toml`), so the fuzzer reaches the handlers rather than the limiter.
fn fuzz_suite(tally: &mut Tally) -> Result<(), String> {
    let schemathesis = tools::schemathesis()?;
    let dir = allot_tests::temp_dir("fuzz");
    let persist = demo_state(&dir)?;
    let config = crate::config::local_config("fuzz", &[])?;
    let server =
        allot_tests::Server::start_with_config(ServerOptions { persist, port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "warn" }, Some(&config))?;
    for (tenant, user, role) in [("demo", "rep-wang", Role::Rep), ("demo", "mgr-li", Role::Manager), ("demo", "admin", Role::Admin)] {
        let token = allot_tests::token(TEST_SECRET, tenant, user, role, 3600);
        tally.check(
            &format!("API fuzz as {} {user} (schemathesis: no 5xx, every answer as documented)", role.as_str()),
            Command::new(&schemathesis)
                .arg("run")
                .arg(format!("{}/api/v1/openapi.json", server.base))
                .args(["--header", &format!("Authorization: Bearer {token}")])
                .args(["--checks", "not_a_server_error,response_schema_conformance", "--max-examples", FUZZ_EXAMPLES, "--seed", "20261201", "--workers", "2", "--no-color"])
                .args(["--report", "junit", "--report-dir"])
                .arg(dir.join(format!("fuzz-{}", role.as_str()))),
        );
    }
    drop(server);
    let _ = std::fs::remove_file(&config);
    Ok(())
}

/// Starts a seeded server, points the demo portal at it, and runs the browser tests.
fn browser_suite(tools: &Tools, tally: &mut Tally) -> Result<(), String> {
    let dir = allot_tests::temp_dir("browser");
    let persist = demo_state(&dir)?;
    let tokens: Vec<(&str, &str, String)> = DEMO_LOGINS.iter().map(|(label, tenant, user, role)| (*label, role.as_str(), allot_tests::token(TEST_SECRET, tenant, user, *role, 3600))).collect();
    build::write_demo_config(&tokens)?;
    let server = allot_tests::Server::start(ServerOptions { persist, port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "log" })?;
    let rep_token = allot_tests::token(TEST_SECRET, "demo", "rep-wang", Role::Rep, 3600);
    let admin_token = allot_tests::token(TEST_SECRET, "demo", "admin", Role::Admin, 3600);
    let mut cmd = Command::new(&tools.node);
    cmd.args(["--test", "--test-reporter=tap", "--test-concurrency=1"])
        .arg(root().join("tests/browser/customers.test.mjs"))
        .arg(root().join("tests/browser/bulk.test.mjs"))
        .arg(root().join("tests/browser/board.test.mjs"))
        .arg(root().join("tests/browser/dashboard.test.mjs"))
        .arg(root().join("tests/browser/a11y.test.mjs"))
        .arg(root().join("tests/browser/embed.test.mjs"))
        .arg(root().join("tests/browser/mobile.test.mjs"))
        // Last: it changes the demo tenant's rules, reps and customers.
        .arg(root().join("tests/browser/admin.test.mjs"))
        .env("ALLOT_URL", &server.base)
        .env("ALLOT_KINDS", build::KINDS.join(","))
        .env("ALLOT_REP_TOKEN", rep_token)
        .env("ALLOT_ADMIN_TOKEN", admin_token)
        .env("ALLOT_SHOTS", dir.join("shots"));
    tally.suite("browser (headless Chromium, 390×844 and 1280×800)", &mut cmd);
    drop(server);
    Ok(())
}
