//! Installs the pinned tools the project needs when they are missing. Every version here
//! is pinned; `package.json` + `package-lock.json` pin the npm side.

use std::path::PathBuf;
use std::process::Command;

use allot_tests::root;

pub const WASM_BINDGEN: &str = "0.2.130";
pub const WORKER_BUILD: &str = "0.8.7";
/// The API fuzzer (`cargo xtask test fuzz`), from PyPI into a virtual environment of its own.
pub const SCHEMATHESIS: &str = "4.32.5";

/// Paths of the tools, once present.
pub struct Tools {
    pub wasm_bindgen: PathBuf,
    pub worker_build: PathBuf,
    pub wasm_opt: PathBuf,
    pub esbuild: PathBuf,
    pub node: PathBuf,
}

pub fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd.status().map_err(|e| format!("{cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {status}"))
    }
}

fn output(cmd: &mut Command) -> Option<String> {
    cmd.output().ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var("CARGO_HOME").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"));
    home.join("bin").join(name)
}

/// Installs whatever is missing. `browser` adds Debian's Chromium and its driver.
pub fn ensure(browser: bool) -> Result<Tools, String> {
    let targets = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !targets.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        eprintln!("xtask: adding the wasm32-unknown-unknown target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let wasm_bindgen = cargo_bin("wasm-bindgen");
    let have = output(Command::new(&wasm_bindgen).arg("--version")).unwrap_or_default();
    if !have.contains(WASM_BINDGEN) {
        eprintln!("xtask: installing wasm-bindgen-cli {WASM_BINDGEN} (several minutes, once)");
        // Not --locked: its lockfile pins a crate version the registry no longer has.
        run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN]))?;
    }
    let worker_build = cargo_bin("worker-build");
    let have = output(Command::new(&worker_build).arg("--version")).unwrap_or_default();
    if !have.contains(WORKER_BUILD) {
        eprintln!("xtask: installing worker-build {WORKER_BUILD} (several minutes, once)");
        run(Command::new("cargo").args(["install", "worker-build", "--version", WORKER_BUILD, "--locked"]))?;
    }
    let root = root();
    let stamp = root.join("node_modules/.package-lock.json");
    let lock = root.join("package-lock.json");
    let stale = match (std::fs::metadata(&stamp).and_then(|m| m.modified()), std::fs::metadata(&lock).and_then(|m| m.modified())) {
        (Ok(installed), Ok(locked)) => installed < locked,
        _ => true,
    };
    if stale {
        eprintln!("xtask: installing pinned npm packages (wrangler, esbuild, binaryen, Node 22, playwright-core)");
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&root))?;
    }
    if browser && !PathBuf::from("/usr/bin/chromium").exists() {
        eprintln!("xtask: installing Debian's chromium and chromium-driver");
        run(Command::new("apt-get").arg("update"))?;
        run(Command::new("apt-get").args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"]).env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    Ok(Tools {
        wasm_bindgen,
        worker_build,
        wasm_opt: root.join("node_modules/binaryen/bin/wasm-opt"),
        esbuild: root.join("node_modules/@esbuild/linux-x64/bin/esbuild"),
        node: allot_tests::node_bin_dir().join("node"),
    })
}

/// The `schemathesis` command, installed (pinned) into `.allot/tools/` when missing.
pub fn schemathesis() -> Result<PathBuf, String> {
    let venv = root().join(format!(".allot/tools/schemathesis-{SCHEMATHESIS}"));
    let bin = venv.join("bin/schemathesis");
    if output(Command::new(&bin).arg("--version")).is_some_and(|v| v.contains(SCHEMATHESIS)) {
        return Ok(bin);
    }
    eprintln!("xtask: installing schemathesis {SCHEMATHESIS} (once)");
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check", &format!("schemathesis=={SCHEMATHESIS}")]))?;
    Ok(bin)
}
