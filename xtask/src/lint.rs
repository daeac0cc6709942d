//! `cargo xtask lint`: formatting and clippy (`-D warnings`, the lints of
//! `[workspace.lints]`) on each crate as it is really built: the native crates with their
//! tests, the worker and every widget bundle for wasm32. `cargo xtask test` runs the same
//! checks first, so a lint fails before the long suites start.

use std::process::Command;

use crate::build::{cargo, ALL, KINDS};

const WASM: &str = "wasm32-unknown-unknown";

/// Each check: its name and the command that passes or fails it.
pub fn checks() -> Vec<(String, Command)> {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    let mut checks = vec![("cargo fmt --all --check".to_string(), fmt)];
    let mut clippy = |name: &str, args: &[&str]| {
        let mut cmd = cargo();
        cmd.args(["clippy", "--quiet"]).args(args).args(["--", "-D", "warnings"]);
        checks.push((format!("clippy: {name}"), cmd));
    };
    // Natively: every feature of shared (the schema one is the edge's), xtask and the test
    // harness with their tests, and the widget's native unit tests.
    clippy("shared (all features, with tests and examples)", &["-p", "allot-shared", "--all-targets", "--all-features"]);
    clippy("xtask and tests (with tests)", &["-p", "xtask", "-p", "allot-tests", "--all-targets"]);
    clippy("widget logic (native unit tests)", &["-p", "allot-widget", "--lib", "--tests"]);
    // As WebAssembly, the way `build.rs` builds them: one bundle crate per invocation, since
    // features unify across packages checked together.
    clippy("edge (wasm32)", &["-p", "allot-edge", "--target", WASM]);
    for bundle in std::iter::once(ALL).chain(KINDS) {
        clippy(&format!("widget bundle {bundle} (wasm32)"), &["-p", &format!("allot-widget-{bundle}"), "--target", WASM]);
    }
    checks
}

/// Runs every check, each to the end; fails naming those that failed.
pub fn run() -> Result<(), String> {
    let mut failed = Vec::new();
    for (name, mut cmd) in checks() {
        println!("\n=== {name}");
        if cmd.status().is_ok_and(|s| s.success()) {
            println!("ok");
        } else {
            println!("FAILED");
            failed.push(name);
        }
    }
    if failed.is_empty() {
        println!("\nlint: every check passed");
        Ok(())
    } else {
        Err(format!("lint failed: {}", failed.join("; ")))
    }
}
