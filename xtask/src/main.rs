//! `cargo xtask`: the project's automation, in Rust so it needs nothing but cargo.
//!
//! - `dev [--port N] [--reset]`: install what is missing, build, migrate, seed once, serve.
//! - `test [lint|shared|api|fuzz|browser]…`: install what is missing (plus Chromium), lint, build once, run every suite.
//! - `token --tenant T --user U --role R [--ttl S]`: mint a token for the local secret.
//! - `bench`: run the benchmarks and print a table.
//! - `build [--opt]`: build the widget and the worker (what `wrangler deploy` ships).
//! - `lint`: `cargo fmt --check` and clippy with `-D warnings` on every crate's real target.
//! - `graph`: print each crate's import circles; fail on one in a crate `graph::ENFORCED` names.

mod bench;
mod build;
mod config;
mod dev;
mod graph;
// The widget's list of element kinds, read from the widget's own file: one list.
#[path = "../../widget/src/kinds.rs"]
mod kinds;
mod lint;
mod pages;
mod scale;
mod test;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("token") => dev::token(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("graph") => graph::run(&args[1..]),
        Some("lint") => lint::run(),
        Some("build") => tools::ensure(false).and_then(|t| build::all(&t, args.iter().any(|a| a == "--opt"), flag(&args, "--elements").as_deref())),
        _ => Err("usage: cargo xtask dev [--port N] [--reset] | test | token --tenant T --user U --role R [--ttl S] | bench [sizes|api|import|reports|board] | graph | lint | build [--opt] [--elements customers,board,…]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The value after `--name` in `args`.
pub fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}
