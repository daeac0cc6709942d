//! `cargo xtask dev`: the whole system locally with demo data, and `token`.

use std::io::Read;
use std::path::PathBuf;

use allot_tests::{root, seed, token as mint_token};
use shared::ids::Role;

use crate::{build, flag, tools};

/// How long the tokens printed by `dev` (and used by the demo portal) live.
const DEV_TOKEN_TTL: i64 = 7 * 24 * 3600;

fn state_dir() -> PathBuf {
    root().join(".allot/dev")
}

/// The local deployment secret, generated once per state directory.
fn secret(create: bool) -> Result<String, String> {
    let file = state_dir().join("secret");
    if let Ok(s) = std::fs::read_to_string(&file) {
        return Ok(s.trim().to_string());
    }
    if !create {
        return Err("no local secret yet: run `cargo xtask dev` once".into());
    }
    let mut bytes = [0u8; 24];
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).map_err(|e| e.to_string())?;
    let s: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::create_dir_all(state_dir()).map_err(|e| e.to_string())?;
    std::fs::write(&file, &s).map_err(|e| e.to_string())?;
    Ok(s)
}

pub const DEMO_LOGINS: &[(&str, &str, &str, Role)] = &[
    ("张伟 · admin", "demo", "admin", Role::Admin),
    ("李娜 · manager", "demo", "mgr-li", Role::Manager),
    ("王芳 · rep", "demo", "rep-wang", Role::Rep),
    ("陈静 · rep", "demo", "rep-chen", Role::Rep),
    ("Alice · acme admin", "acme", "acme-admin", Role::Admin),
];

pub fn run(args: &[String]) -> Result<(), String> {
    let port: u16 = flag(args, "--port").map(|p| p.parse().map_err(|_| format!("bad --port {p}"))).transpose()?.unwrap_or(8787);
    let tools = tools::ensure(false)?;
    build::all(&tools, false, None)?;
    if args.iter().any(|a| a == "--reset") {
        let _ = std::fs::remove_dir_all(state_dir());
        eprintln!("xtask: local state reset");
    }
    let secret = secret(true)?;
    let persist = state_dir().join("state");
    allot_tests::migrate(&persist)?;
    let marker = state_dir().join("seeded");
    if !marker.exists() {
        eprintln!("xtask: seeding demo data (tenants demo and acme, 10 users, 300 customers)");
        let now = allot_tests::now_ms();
        let sql = format!("{}{}", seed::fixture_sql(now), seed::demo_customers_sql(now, 300, 2026));
        let file = state_dir().join("seed.sql");
        std::fs::write(&file, sql).map_err(|e| e.to_string())?;
        allot_tests::execute_sql_file(&persist, &file)?;
        std::fs::write(&marker, "").map_err(|e| e.to_string())?;
    }
    let tokens: Vec<(&str, &str, String)> = DEMO_LOGINS.iter().map(|(label, tenant, user, role)| (*label, role.as_str(), mint_token(&secret, tenant, user, *role, DEV_TOKEN_TTL))).collect();
    build::write_demo_config(&tokens)?;
    println!("\nAllot is starting at http://127.0.0.1:{port}  (demo portal at /, API at /api/v1, widget at /widget/allot.js)");
    println!("State: {} (kept across restarts; `cargo xtask dev --reset` starts clean)\nTokens (valid 7 days):", persist.display());
    for (label, _, token) in &tokens {
        println!("  {label:<20} {token}");
    }
    // Another company's portal on its own origin, embedding Allot under a strict CSP;
    // it adds its origin to the demo tenant's allowed_origins once Allot answers. In this
    // process group, so Ctrl-C stops it with wrangler.
    let host_port = port + 1;
    let admin = DEMO_LOGINS.iter().zip(&tokens).find(|((_, tenant, _, role), _)| *tenant == "demo" && *role == Role::Admin).map(|(_, (_, _, t))| t.clone()).unwrap_or_default();
    let host = std::process::Command::new(tools.node.clone())
        .arg(root().join("portal/host/serve.mjs"))
        .args(["--port", &host_port.to_string(), "--api", &format!("http://127.0.0.1:{port}"), "--register", &admin, "--config"])
        .arg(root().join("dist/demo-config.js"))
        .spawn();
    match host {
        Ok(_) => println!("Another company's portal, embedding Allot from another origin: http://127.0.0.1:{host_port}/"),
        Err(e) => eprintln!("xtask: the second demo host did not start: {e}"),
    }
    println!("Try: curl -H \"Authorization: Bearer <token>\" http://127.0.0.1:{port}/api/v1/customers?limit=5");
    println!("Run the recycle job now: curl \"http://127.0.0.1:{port}/cdn-cgi/handler/scheduled?cron=17+*+*+*+*\"\n");
    // Replace this process with wrangler, so Ctrl-C and `kill` reach it directly.
    use std::os::unix::process::CommandExt;
    let err = allot_tests::wrangler_command()
        .args(["dev", "--local", "--ip", "127.0.0.1", "--port", &port.to_string(), "--persist-to"])
        .arg(&persist)
        .args(["--show-interactive-dev-session=false", "--test-scheduled", "--log-level", "info", "--var", &format!("ALLOT_SECRET:{secret}")])
        .exec();
    Err(format!("could not start wrangler dev: {err}"))
}

/// `cargo xtask token --tenant T --user U --role R [--ttl SECONDS]`
pub fn token(args: &[String]) -> Result<(), String> {
    let tenant = flag(args, "--tenant").ok_or("--tenant is required")?;
    let user = flag(args, "--user").ok_or("--user is required")?;
    let role = flag(args, "--role").and_then(|r| Role::parse(&r)).ok_or("--role admin|manager|rep is required")?;
    let ttl: i64 = flag(args, "--ttl").map(|t| t.parse().map_err(|_| format!("bad --ttl {t}"))).transpose()?.unwrap_or(3600);
    println!("{}", mint_token(&secret(false)?, &tenant, &user, role, ttl));
    Ok(())
}
