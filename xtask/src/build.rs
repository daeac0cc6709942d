//! Builds the two wasm artefacts once per run: the widget bundle into `dist/widget/` and
//! the worker into `edge/build/`, plus the demo portal into `dist/`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use allot_tests::root;

use crate::tools::{run, Tools};

pub fn target_dir() -> PathBuf {
    std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| root().join("target"))
}

/// `cargo` at the workspace root, building into [`target_dir`].
pub fn cargo() -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root()).env("CARGO_TARGET_DIR", target_dir());
    cmd
}

fn path_with_node(tools: &Tools) -> String {
    let node_dir = tools.node.parent().map(|p| p.display().to_string()).unwrap_or_default();
    format!("{node_dir}:{}", std::env::var("PATH").unwrap_or_default())
}

pub fn all(tools: &Tools, optimise_worker: bool, elements: Option<&str>) -> Result<(), String> {
    widget_with(tools, elements)?;
    worker(tools, optimise_worker)
}

/// The worker, through worker-build with the local wasm-bindgen, wasm-opt and esbuild
/// (it would otherwise try to download them). `--no-opt` for dev and tests: wasm-opt
/// through Node takes a minute and the worker's size matters only when deployed.
pub fn worker(tools: &Tools, optimise: bool) -> Result<(), String> {
    let edge = root().join("edge");
    let _ = std::fs::remove_dir_all(edge.join("build/.tmp"));
    eprintln!("xtask: building the worker{}", if optimise { " (with wasm-opt)" } else { "" });
    let mut cmd = Command::new(&tools.worker_build);
    cmd.arg("--release");
    if !optimise {
        cmd.arg("--no-opt");
    }
    run(cmd
        .current_dir(&edge)
        .env("WASM_BINDGEN_BIN", &tools.wasm_bindgen)
        .env("WASM_OPT_BIN", &tools.wasm_opt)
        .env("ESBUILD_BIN", &tools.esbuild)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("PATH", path_with_node(tools)))
}

/// The widget: cargo → wasm-bindgen (`--target web`) → wasm-opt -Oz, skipped when the
/// compiled wasm has not changed since the last bundle. Two kinds of bundle: every
/// element (`all`), and each element alone (the `widget/elements/*` crates); `allot.js`
/// picks what a page needs. Each bundle is published under a content-hashed directory,
/// `dist/widget/v/<kind>-<hash>/`, which browsers may cache for a year (`_headers`): a
/// new build of a bundle is a new path, and only `allot.js`, which names the current
/// paths, is revalidated on every page view.
pub fn widget(tools: &Tools) -> Result<(), String> {
    widget_with(tools, None)
}

pub use crate::kinds::{ALL, KINDS, NESTED, STANDALONE};

/// The widget with only some elements (`customers,board`: cargo features of the widget
/// crate) as the full bundle, for a host that embeds just those.
pub fn widget_with(tools: &Tools, elements: Option<&str>) -> Result<(), String> {
    let root = root();
    eprintln!("xtask: building the widget{}", elements.map(|e| format!(" ({e})")).unwrap_or_default());
    let mut cargo = Command::new("cargo");
    cargo.args(["build", "--profile", "widget", "-p", "allot-widget-all", "--target", "wasm32-unknown-unknown"]);
    if let Some(list) = elements {
        let features: Vec<String> = list.split(',').map(|e| format!("allot-widget/{}", e.trim())).collect();
        cargo.args(["--no-default-features", "--features", &features.join(",")]);
        // Both feature sets write the same output file, and cargo does not copy it again
        // for a build it finds fresh: a changed source makes both builds real.
        let lib = root.join("widget/elements/all/lib.rs");
        std::fs::File::options().append(true).open(&lib).and_then(|f| f.set_modified(std::time::SystemTime::now())).map_err(|e| e.to_string())?;
    }
    run(cargo.current_dir(&root).env("CARGO_TARGET_DIR", target_dir()))?;
    let mut published = vec![(ALL.to_string(), publish(tools, ALL, &target_dir().join("wasm32-unknown-unknown/widget/allot_widget_all.wasm"))?)];
    // One bundle per element (own crates, so their outputs never collide).
    // Built one package per invocation: features unify across packages built together.
    for element in KINDS {
        run(Command::new("cargo")
            .args(["build", "--profile", "widget", "--target", "wasm32-unknown-unknown", "-p", &format!("allot-widget-{element}")])
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", target_dir()))?;
        let wasm = target_dir().join(format!("wasm32-unknown-unknown/widget/allot_widget_{element}.wasm"));
        published.push((element.to_string(), publish(tools, element, &wasm)?));
    }
    let widget = root.join("dist/widget");
    std::fs::write(widget.join("allot.js"), loader(&published)).map_err(|e| e.to_string())?;
    remove_unpublished(&widget, &published)?;
    portal(&published)
}

/// The published directory of a bundle (`dist/widget/v/<kind>-<hash>`), after a build.
pub fn bundle_dir(kind: &str) -> Result<PathBuf, String> {
    let versions = root().join("dist/widget/v");
    std::fs::read_dir(&versions)
        .map_err(|e| format!("{}: {e} (build the widget first)", versions.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().and_then(|n| n.to_str()).and_then(|n| n.rsplit_once('-')).is_some_and(|(k, _)| k == kind))
        .ok_or_else(|| format!("no published bundle for {kind}"))
}

/// Bundles one compiled wasm (into a staging directory under the target directory) and
/// copies it to its content-hashed directory; answers that directory's name.
fn publish(tools: &Tools, kind: &str, wasm: &Path) -> Result<String, String> {
    let stage = target_dir().join("allot-widget-stage").join(kind);
    bundle(tools, wasm, &stage)?;
    let files = bundle_files(&stage)?;
    let name = format!("{kind}-{}", content_hash(&files));
    let out = root().join("dist/widget/v").join(&name);
    if !out.join("allot_core_bg.wasm").exists() {
        let _ = std::fs::remove_dir_all(&out);
        for (relative, bytes) in &files {
            let path = out.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(name)
}

/// A bundle's files (glue, wasm, snippets) by path relative to its directory, sorted:
/// the order [`content_hash`] reads them in.
fn bundle_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    fn walk(base: &Path, dir: &Path, into: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
        for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                walk(base, &path, into)?;
            } else if path.extension().is_some_and(|x| x == "js" || x == "wasm") {
                let relative = path.strip_prefix(base).map_err(|e| e.to_string())?.to_string_lossy().replace('\\', "/");
                into.push((relative, std::fs::read(&path).map_err(|e| e.to_string())?));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    files.sort();
    Ok(files)
}

/// The first 16 hex digits of SHA-256 over each file's relative path, a NUL, its length
/// in decimal, a NUL and its bytes, in path order. `tests/browser/embed.test.mjs`
/// recomputes it from what the server serves: a path names exactly one content.
pub fn content_hash(files: &[(String, Vec<u8>)]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for (path, bytes) in files {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(bytes.len().to_string().as_bytes());
        hasher.update([0]);
        hasher.update(bytes);
    }
    hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Removes what an earlier build published and this one did not (old versions, and the
/// unhashed layout of before), so `dist/` holds what `wrangler deploy` should ship.
fn remove_unpublished(widget: &Path, published: &[(String, String)]) -> Result<(), String> {
    for entry in std::fs::read_dir(widget.join("v")).map_err(|e| e.to_string())?.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !published.iter().any(|(_, dir)| *dir == name) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    for old in KINDS.iter().copied().chain(["snippets"]) {
        let _ = std::fs::remove_dir_all(widget.join(old));
    }
    for old in ["allot_core.js", "allot_core_bg.wasm", ".input-hash"] {
        let _ = std::fs::remove_file(widget.join(old));
    }
    Ok(())
}

/// wasm-bindgen and wasm-opt of one compiled wasm into `out`, skipped when the input is
/// unchanged since the last time (wasm-opt through Node takes a while).
fn bundle(tools: &Tools, input: &Path, out: &Path) -> Result<(), String> {
    let bytes = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    let stamp = format!("{:x}", hasher.finish());
    let stamp_file = out.join(".input-hash");
    let wasm = out.join("allot_core_bg.wasm");
    if std::fs::read_to_string(&stamp_file).ok().as_deref() == Some(stamp.as_str()) && wasm.exists() {
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(out);
    run(Command::new(&tools.wasm_bindgen).arg(input).args(["--target", "web", "--no-typescript", "--out-name", "allot_core", "--out-dir"]).arg(out))?;
    eprintln!("xtask: wasm-opt -Oz on {}", out.display());
    run(Command::new(&tools.node).arg(&tools.wasm_opt).arg("-Oz").arg("--enable-bulk-memory").arg("--enable-nontrapping-float-to-int").arg(&wasm).arg("-o").arg(&wasm))?;
    // The glue is downloaded with the wasm: minified it is ~1.7 KB brotli smaller (38 KB
    // raw → 17 KB for <allot-customers>). Exports and the wasm's import names stay as
    // they are (property names are never renamed).
    let glue = out.join("allot_core.js");
    run(Command::new(&tools.esbuild).arg(&glue).args(["--minify", "--format=esm", "--log-level=warning", "--allow-overwrite"]).arg(format!("--outfile={}", glue.display())))?;
    std::fs::write(&stamp_file, stamp).map_err(|e| e.to_string())
}

/// The one module a host page imports, naming the current bundle directories.
fn loader(published: &[(String, String)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = published.iter().map(|(kind, dir)| (kind.clone(), serde_json::Value::String(format!("v/{dir}/")))).collect();
    LOADER
        .replace("__BUNDLES__", &serde_json::Value::Object(map).to_string())
        .replace("__KINDS__", &serde_json::json!(KINDS).to_string())
        .replace("__STANDALONE__", &serde_json::json!(STANDALONE).to_string())
}

/// The loader. It defines the Allot elements the page uses: a page with one or two
/// kinds loads only their code, three or more the full bundle — except the standalone
/// kinds (the admin console), which are never in it and always load alone; elements added later
/// (single-page portals) load when they appear. Each bundle's wasm is fetched alongside
/// its glue module rather than after it: one round trip less before the first paint.
const LOADER: &str = r#"// Allot widget: importing this module defines <allot-customers> and friends.
// Served short-lived; the bundles it names live under content-hashed paths, cached for good.
const base = new URL('./', import.meta.url);
const BUNDLES = __BUNDLES__;
const KINDS = __KINDS__;
// Never in the `all` bundle: loaded alone whatever else the page holds.
const STANDALONE = __STANDALONE__;
const started = new Map();
function load(kind) {
  const dir = BUNDLES[kind];
  if (!started.has(dir)) {
    const wasm = fetch(new URL(`${dir}allot_core_bg.wasm`, base));
    started.set(dir, (async () => {
      const m = await import(new URL(`${dir}allot_core.js`, base));
      await m.default({ module_or_path: wasm });
      m.define();
    })());
  }
  return started.get(dir);
}
// Kinds not loaded yet; the observer stops once every kind is.
const pending = new Set(KINDS);
const present = (node) => [...pending].filter((k) => node.localName === `allot-${k}` || node.querySelector?.(`allot-${k}`));
function define(kinds) {
  if (!kinds.length) return;
  for (const k of kinds) pending.delete(k);
  const alone = kinds.filter((k) => STANDALONE.includes(k));
  const bundled = kinds.filter((k) => !STANDALONE.includes(k));
  if (started.has(BUNDLES.all) || bundled.length >= 3) {
    for (const k of KINDS) if (!STANDALONE.includes(k)) pending.delete(k);
    return Promise.all([load('all'), ...alone.map((k) => load(k))]);
  }
  return Promise.all(kinds.map((k) => load(k)));
}
await define(present(document.documentElement));
// Elements added later (a single-page portal switching views): look only at what was
// added, so a busy host page pays nothing for the other mutations.
const observer = new MutationObserver((records) => {
  const kinds = new Set();
  for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) present(n).forEach((k) => kinds.add(k));
  define([...kinds]);
  if (!pending.size) observer.disconnect();
});
if (pending.size) observer.observe(document.documentElement, { childList: true, subtree: true });
// For hosts that render Allot elements inside their own shadow roots, where neither the
// first look nor the observer can see them: `(await import('/widget/allot.js')).use('board')`.
export function use(...kinds) {
  const unknown = kinds.filter((k) => !KINDS.includes(k));
  if (unknown.length) throw new Error(`unknown Allot element kinds: ${unknown.join(', ')} (known: ${KINDS.join(', ')})`);
  return define(kinds.filter((k) => pending.has(k))) ?? Promise.resolve();
}
// An element that needs another kind's code only later asks for it with a composed
// `allot:use` event, whose detail is the kind: <allot-customers> its bulk bar
// (<allot-bulk>, a standalone bundle) when a first row is picked.
document.addEventListener('allot:use', (e) => { if (KINDS.includes(e.detail)) use(e.detail); });
"#;

/// Response headers of the static files (Workers static assets read `_headers` at the
/// root of the assets directory; `wrangler dev` too). The widget's files are public
/// code, loaded by portals on any origin: module scripts and the wasm fetch are CORS
/// requests. Hashed bundles never change; `allot.js` keeps the default
/// `public, max-age=0, must-revalidate`, so a deploy reaches every page view at once.
const HEADERS: &str = "/widget/*
  Access-Control-Allow-Origin: *
  Cross-Origin-Resource-Policy: cross-origin
  X-Content-Type-Options: nosniff
/widget/v/*
  Cache-Control: public, max-age=31536000, immutable
/m/*
  Content-Security-Policy: default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'; img-src 'self' data:; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'
  Referrer-Policy: no-referrer
  X-Content-Type-Options: nosniff
  Cache-Control: no-cache
/embed/*
  Content-Security-Policy: default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors *
  Referrer-Policy: no-referrer
  X-Content-Type-Options: nosniff
";

/// Copies the demo portal (`index.html` and its assets) next to the widget; `published`
/// names each kind's bundle directory, for the pages' preload hints.
pub fn portal(published: &[(String, String)]) -> Result<(), String> {
    let root = root();
    let dist = root.join("dist");
    let preloads = crate::pages::Preloads::new(published);
    std::fs::create_dir_all(&dist).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("index.html"), dist.join("index.html")).map_err(|e| format!("index.html: {e}"))?;
    std::fs::write(dist.join("_headers"), HEADERS).map_err(|e| format!("_headers: {e}"))?;
    for asset in ["portal.css", "portal.js", "board.js", "admin.js"] {
        std::fs::copy(root.join("portal").join(asset), dist.join(asset)).map_err(|e| format!("portal/{asset}: {e}"))?;
    }
    for page in ["board.html", "admin.html"] {
        preloads.copy_page(&root.join("portal").join(page), &dist.join(page))?;
    }
    // A page per kind a host may use: not the ones drawn only inside another element.
    let pages: Vec<&str> = KINDS.iter().copied().filter(|k| !NESTED.contains(k)).collect();
    crate::pages::embed(&root, &dist, &pages, &preloads)?;
    crate::pages::mobile(&root, &dist, &preloads)
}

/// Writes the tokens the demo portal uses (a module, not inline script: strict CSP).
pub fn write_demo_config(tokens: &[(&str, &str, String)]) -> Result<(), String> {
    let entries: Vec<serde_json::Value> = tokens.iter().map(|(label, role, token)| serde_json::json!({"label": label, "role": role, "token": token})).collect();
    let body = format!("// Written by `cargo xtask dev` / `test`: demo users and their short-lived tokens.\nexport const users = {};\n", serde_json::Value::Array(entries));
    std::fs::write(root().join("dist/demo-config.js"), body).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    //! What cargo reads cannot be generated from `KINDS`: these tests hold it equal.

    use super::{ALL, KINDS, NESTED, STANDALONE};
    use allot_tests::root;

    fn read(path: &str) -> String {
        std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The quoted words of a `name = [...]` line in a manifest.
    fn list(manifest: &str, name: &str) -> Vec<String> {
        let line = manifest.lines().find(|l| l.split('=').next().is_some_and(|k| k.trim() == name)).unwrap_or_else(|| panic!("no `{name} = [...]`"));
        line.split('"').skip(1).step_by(2).map(String::from).collect()
    }

    #[test]
    fn widget_features_are_the_kinds() {
        let manifest = read("widget/Cargo.toml");
        let features = manifest.split("[features]").nth(1).expect("a [features] table").split("\n[").next().unwrap_or_default();
        let declared: Vec<&str> = features.lines().filter_map(|l| l.split_once('=')).map(|(k, _)| k.trim()).filter(|k| !["default", "every-element"].contains(k)).collect();
        assert_eq!(declared, KINDS, "one feature per kind, in order");
        // The `all` bundle: every kind but the standalone ones, which only the default
        // build (the widget's tests) adds.
        let bundled: Vec<&str> = KINDS.iter().copied().filter(|k| !STANDALONE.contains(k)).collect();
        assert_eq!(list(features, "every-element"), bundled);
        let default: Vec<&str> = ["every-element"].into_iter().chain(STANDALONE).collect();
        assert_eq!(list(features, "default"), default);
    }

    #[test]
    fn one_bundle_crate_per_kind() {
        let mut crates: Vec<String> =
            std::fs::read_dir(root().join("widget/elements")).unwrap().filter_map(Result::ok).filter(|e| e.path().is_dir()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        crates.sort();
        let mut expected: Vec<String> = KINDS.iter().chain([&ALL]).map(|k| k.to_string()).collect();
        expected.sort();
        assert_eq!(crates, expected);
        for kind in KINDS {
            let manifest = read(&format!("widget/elements/{kind}/Cargo.toml"));
            assert!(manifest.contains(&format!("name = \"allot-widget-{kind}\"")), "{kind}: package name");
            let dependency = manifest.lines().find(|l| l.starts_with("allot-widget ")).unwrap_or_else(|| panic!("{kind}: no allot-widget dependency"));
            assert!(dependency.contains("default-features = false") && dependency.contains(&format!("features = [\"{kind}\"]")), "{kind}: only its own feature: {dependency}");
        }
        assert_eq!(list(&read("widget/elements/all/Cargo.toml"), "every-element"), ["allot-widget/every-element"]);
    }

    #[test]
    fn the_element_table_has_each_kind_behind_its_feature() {
        let source = read("widget/src/element.rs");
        let gated: Vec<&str> = source.lines().filter_map(|l| l.trim().strip_prefix("#[cfg(feature = \"")).filter_map(|l| l.split('"').next()).collect();
        assert_eq!(gated, KINDS);
    }

    #[test]
    fn the_loader_knows_every_kind() {
        let js = super::loader(&[("all".into(), "all-0".into())]);
        assert!(js.contains(&format!("const KINDS = {};", serde_json::json!(KINDS))));
        assert!(js.contains(&format!("const STANDALONE = {};", serde_json::json!(STANDALONE))));
        assert!(STANDALONE.iter().all(|k| KINDS.contains(k)), "a standalone kind is a kind");
    }

    /// `<allot-customers>` asks for its bulk bar with `allot:use` (`customers/mod.rs`): the
    /// loader hears it on the document and loads that kind, which is a standalone bundle
    /// (never in `all`, so the list's first load, alone or in `all`, does not carry it) and
    /// has no page of its own.
    #[test]
    fn the_bulk_bar_is_asked_for_and_loaded_alone() {
        let js = super::loader(&[("all".into(), "all-0".into())]);
        assert!(js.contains("document.addEventListener('allot:use', (e) => { if (KINDS.includes(e.detail)) use(e.detail); });"));
        assert!(KINDS.contains(&"bulk") && STANDALONE.contains(&"bulk") && NESTED.contains(&"bulk"));
        assert!(NESTED.iter().all(|k| STANDALONE.contains(k)), "a nested kind is loaded when asked for, alone");
        let customers = read("widget/src/customers/mod.rs");
        assert!(customers.contains(r#"create_element("allot-bulk")"#) && customers.contains(r#"new_with_event_init_dict("allot:use""#));
    }
}
