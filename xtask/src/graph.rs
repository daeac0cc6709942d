//! `cargo xtask graph`: the module graph of each crate, and its import circles.
//!
//! A module that imports a sibling which imports it back cannot be read, tested or moved
//! alone; this check keeps every dependency between sibling modules pointing one way. It
//! reads each crate's `src/**/*.rs` as text (no rustc, no dependency), derives the module
//! each file is, collects the sibling modules its paths reach (`use crate::x`, `crate::x::`
//! paths in code, `super::` from nested modules, grouped `use crate::{a, b::c}`), and
//! reports the strongly connected components of more than one module: among a crate's
//! top-level modules and, inside each directory module, among its children.
//!
//! Test code is left out (`#[cfg(test)]` modules, inline or in their own file): a test
//! uses the module it tests, it is not something that module needs. Paths inside comments
//! and string literals are left out too. Limits, accepted because the codebase does not use
//! them: a non-test inline `mod x { … }` is read as part of its file, and a sibling named
//! without `crate::`/`super::` (possible only from the crate root) is not seen.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Crates whose import circles fail the check (all three: none has one); a crate in
/// [`CHECKED`] and not here would only be printed.
pub const ENFORCED: &[&str] = &["shared", "edge", "widget"];

/// Every crate the graph is drawn for (folder names under the workspace root).
pub const CHECKED: &[&str] = &["shared", "edge", "widget"];

/// A module's path from its crate root: `[]` is the root, `["pool", "due"]` is `pool::due`.
pub type ModulePath = Vec<String>;

/// One source file: the module it is and its code with test modules, comments and strings removed.
pub struct SourceFile {
    pub module: ModulePath,
    pub display: String,
    pub code: String,
}

/// An import circle: sibling modules under `parent` that reach each other, and one edge
/// per pair with the file that makes it.
#[derive(Debug, PartialEq, Eq)]
pub struct Cycle {
    pub parent: ModulePath,
    pub members: Vec<String>,
    pub edges: Vec<(String, String, String)>,
}

impl std::fmt::Display for Cycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parent = if self.parent.is_empty() { "crate".to_string() } else { self.parent.join("::") };
        writeln!(f, "  in {parent}: {{{}}}", self.members.join(", "))?;
        for (from, to, file) in &self.edges {
            writeln!(f, "    {from} -> {to}  ({file})")?;
        }
        Ok(())
    }
}

/// `cargo xtask graph`: prints every crate's circles; fails if an enforced crate has one.
pub fn run(_args: &[String]) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().ok_or("no workspace root")?;
    let mut failing = Vec::new();
    for krate in CHECKED {
        let cycles = crate_cycles(&root.join(krate).join("src"))?;
        let enforced = ENFORCED.contains(krate);
        println!("{krate}: {} import circle(s){}", cycles.len(), if enforced { "" } else { " (reported, not enforced)" });
        for cycle in &cycles {
            print!("{cycle}");
        }
        if enforced && !cycles.is_empty() {
            failing.push(*krate);
        }
    }
    if failing.is_empty() {
        Ok(())
    } else {
        Err(format!("import circles in {}", failing.join(", ")))
    }
}

/// Reads a crate's `src` directory and returns its import circles.
pub fn crate_cycles(src: &Path) -> Result<Vec<Cycle>, String> {
    Ok(cycles(&read_crate(src)?))
}

/// Every non-test source file under `src`, with the module it is.
pub fn read_crate(src: &Path) -> Result<Vec<SourceFile>, String> {
    let mut paths = Vec::new();
    walk(src, &mut paths)?;
    paths.sort();
    let mut files = Vec::new();
    let mut test_files = BTreeSet::new();
    for path in &paths {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let relative = path.strip_prefix(src).map_err(|e| e.to_string())?;
        let module = module_of(relative);
        let stripped = strip_comments_and_strings(&text);
        let (code, test_children) = strip_test_modules(&stripped);
        for child in test_children {
            let mut m = module.clone();
            m.push(child);
            test_files.insert(m);
        }
        files.push(SourceFile { module, display: relative.display().to_string(), code });
    }
    // A file is test code if it, or a module it is inside, is declared under `#[cfg(test)]`.
    files.retain(|f| !test_files.iter().any(|t| f.module.starts_with(t)));
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// `lib.rs`/`main.rs` → `[]`, `a.rs` → `[a]`, `a/mod.rs` → `[a]`, `a/b.rs` → `[a, b]`.
pub fn module_of(relative: &Path) -> ModulePath {
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.strip_suffix(".rs").unwrap_or(&file);
    let at_root = parts.is_empty();
    if !(stem == "mod" || (at_root && (stem == "lib" || stem == "main"))) {
        parts.push(stem.to_string());
    }
    parts
}

/// The circles among siblings, at every level, in a stable order.
pub fn cycles(files: &[SourceFile]) -> Vec<Cycle> {
    let modules: BTreeSet<ModulePath> = files.iter().map(|f| f.module.clone()).collect();
    // parent → (from child → (to child → the first file that makes the edge))
    let mut graphs: BTreeMap<ModulePath, BTreeMap<String, BTreeMap<String, String>>> = BTreeMap::new();
    for file in files {
        for target in references(&file.module, &file.code) {
            let target = known_prefix(&target, &modules);
            if let Some((parent, from, to)) = sibling_edge(&file.module, &target) {
                let edges = graphs.entry(parent).or_default().entry(from).or_default();
                edges.entry(to).or_insert_with(|| file.display.clone());
            }
        }
    }
    let mut found = Vec::new();
    for (parent, graph) in &graphs {
        for members in strongly_connected(graph) {
            let edges =
                members.iter().flat_map(|from| graph.get(from).into_iter().flatten().filter(|(to, _)| members.contains(*to)).map(move |(to, file)| (from.clone(), to.clone(), file.clone()))).collect();
            found.push(Cycle { parent: parent.clone(), members: members.into_iter().collect(), edges });
        }
    }
    found
}

/// The longest prefix of `path` that names a module of the crate (the rest names items).
fn known_prefix(path: &[String], modules: &BTreeSet<ModulePath>) -> ModulePath {
    (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| modules.contains(p)).unwrap_or_default()
}

/// Where the paths from `from` and to `to` part: the edge between the two siblings there.
/// None when one contains the other (a module and its own parent or child).
fn sibling_edge(from: &[String], to: &[String]) -> Option<(ModulePath, String, String)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    match (from.get(common), to.get(common)) {
        (Some(a), Some(b)) => Some((from[..common].to_vec(), a.clone(), b.clone())),
        _ => None,
    }
}

/// Tarjan's algorithm; only components of two or more modules are returned.
fn strongly_connected(graph: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<BTreeSet<String>> {
    struct Search<'g> {
        graph: &'g BTreeMap<String, BTreeMap<String, String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<BTreeSet<String>>,
    }
    impl<'g> Search<'g> {
        fn visit(&mut self, node: &'g str) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            for next in self.graph.get(node).into_iter().flat_map(BTreeMap::keys) {
                let next = next.as_str();
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.stack.contains(&next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = BTreeSet::new();
                while let Some(top) = self.stack.pop() {
                    component.insert(top.to_string());
                    if top == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.found.push(component);
                }
            }
        }
    }
    let mut search = Search { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for node in graph.keys() {
        if !search.index.contains_key(node.as_str()) {
            search.visit(node);
        }
    }
    search.found.sort();
    search.found
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Other(char),
}

fn tokens(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' || (c == '$' && chars.get(i + 1).is_some_and(|n| n.is_alphabetic())) {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
            continue;
        }
        match c {
            ':' if chars.get(i + 1) == Some(&':') => {
                out.push(Token::PathSep);
                i += 1;
            }
            '{' => out.push(Token::Open),
            '}' => out.push(Token::Close),
            ',' => out.push(Token::Comma),
            c if c.is_whitespace() => {}
            c => out.push(Token::Other(c)),
        }
        i += 1;
    }
    out
}

/// The absolute module paths (from the crate root) that `code`, the code of `module`, names
/// through `crate::`, `$crate::` or `super::`.
pub fn references(module: &[String], code: &str) -> Vec<ModulePath> {
    let tokens = tokens(code);
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let preceded_by_path = i > 0 && tokens[i - 1] == Token::PathSep;
        let base = match &tokens[i] {
            Token::Ident(word) if !preceded_by_path && (word == "crate" || word == "$crate") && tokens.get(i + 1) == Some(&Token::PathSep) => {
                i += 2;
                Some(Vec::new())
            }
            Token::Ident(word) if !preceded_by_path && word == "super" && tokens.get(i + 1) == Some(&Token::PathSep) => {
                let mut base = module.to_vec();
                while tokens.get(i) == Some(&Token::Ident("super".into())) && tokens.get(i + 1) == Some(&Token::PathSep) {
                    base.pop();
                    i += 2;
                }
                Some(base)
            }
            _ => None,
        };
        match base {
            Some(base) => i = path_tree(&tokens, i, base, &mut found),
            None => i += 1,
        }
    }
    found
}

/// Reads a path's tail from `tokens[i]` (`a::b`, `a::{b, c::d}`, `*`), pushing every full
/// path under `prefix`; returns the index after it.
fn path_tree(tokens: &[Token], mut i: usize, mut prefix: ModulePath, found: &mut Vec<ModulePath>) -> usize {
    loop {
        match tokens.get(i) {
            Some(Token::Ident(word)) => {
                if word != "self" {
                    prefix.push(word.clone());
                }
                i += 1;
                if tokens.get(i) == Some(&Token::PathSep) {
                    i += 1;
                    continue;
                }
                found.push(prefix);
                return i;
            }
            Some(Token::Open) => {
                i += 1;
                loop {
                    match tokens.get(i) {
                        Some(Token::Close) => return i + 1,
                        Some(Token::Comma) => i += 1,
                        None => return i,
                        Some(_) => {
                            let before = i;
                            i = path_tree(tokens, i, prefix.clone(), found);
                            // Skip what a path does not consume (`as name`), up to the next item.
                            while !matches!(tokens.get(i), Some(Token::Comma | Token::Close) | None) {
                                i += 1;
                            }
                            if i == before {
                                i += 1;
                            }
                        }
                    }
                }
            }
            _ => {
                // `*` or anything else: the path so far is what is named.
                found.push(prefix);
                return i;
            }
        }
    }
}

/// `code` with comments, string and char literals blanked (newlines kept).
pub fn strip_comments_and_strings(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied();
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == Some('*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == Some('/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if (c == 'r' || c == 'b') && raw_string_start(&chars, i).is_some() {
            let (hashes, body) = raw_string_start(&chars, i).unwrap_or_default();
            i = body;
            while i < chars.len() && !(chars[i] == '"' && (1..=hashes).all(|h| at(i + h) == Some('#'))) {
                i += 1;
            }
            i += 1 + hashes;
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && (at(i + 1) == Some('\\') || at(i + 2) == Some('\'')) {
            // A char literal; a lifetime (`'a`) has no closing quote right after one char.
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// At `r"`, `r#"`, `br"`…: the number of `#` and the index where the body starts.
fn raw_string_start(chars: &[char], mut i: usize) -> Option<(usize, usize)> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    if chars[i] == 'b' {
        i += 1;
    }
    if chars.get(i) != Some(&'r') {
        return None;
    }
    i += 1;
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    (chars.get(i) == Some(&'"')).then_some((hashes, i + 1))
}

/// Removes `#[cfg(test)] mod name { … }` blocks; returns the code left and the names of
/// test modules declared as files (`#[cfg(test)] mod name;`).
pub fn strip_test_modules(code: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(code.len());
    let mut file_modules = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        let Some(declaration) = trimmed.strip_prefix("mod ").or_else(|| trimmed.strip_prefix("pub mod ")).or_else(|| trimmed.strip_prefix("pub(crate) mod ")) else {
            // A test-only item that is not a module: keep it (it is still code of this file).
            rest = after;
            continue;
        };
        let name: String = declaration.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let body = declaration.trim_start()[name.len()..].trim_start();
        if let Some(semicolon) = body.strip_prefix(';') {
            file_modules.push(name);
            rest = semicolon;
        } else if body.starts_with('{') {
            let mut depth = 0;
            let mut end = body.len();
            for (i, c) in body.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &body[end..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    (out, file_modules)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, code: &str) -> SourceFile {
        let (code, _) = strip_test_modules(&strip_comments_and_strings(code));
        SourceFile { module: module_of(Path::new(path)), display: path.into(), code }
    }

    fn members(cycles: &[Cycle]) -> Vec<(String, Vec<String>)> {
        cycles.iter().map(|c| (c.parent.join("::"), c.members.clone())).collect()
    }

    #[test]
    fn module_paths() {
        assert_eq!(module_of(Path::new("lib.rs")), Vec::<String>::new());
        assert_eq!(module_of(Path::new("pool.rs")), vec!["pool"]);
        assert_eq!(module_of(Path::new("pool/mod.rs")), vec!["pool"]);
        assert_eq!(module_of(Path::new("pool/due.rs")), vec!["pool", "due"]);
    }

    #[test]
    fn paths_in_every_form() {
        let module: ModulePath = vec!["a".into(), "b".into()];
        let code = "use crate::{x, y::{z, w as v}}; fn f() { crate::q::g(); $crate::m::n!(); super::sib::h(); super::super::top::i(); }";
        let found = references(&module, code);
        let expect: Vec<ModulePath> =
            [&["x"][..], &["y", "z"], &["y", "w"], &["q", "g"], &["m", "n"], &["a", "sib", "h"], &["top", "i"]].iter().map(|p| p.iter().map(|s| s.to_string()).collect()).collect();
        assert_eq!(found, expect);
    }

    #[test]
    fn comments_strings_and_tests_are_not_code() {
        let code = "// crate::a\n/// `crate::b`\nlet s = \"crate::c\"; let r = r#\"crate::d\"#; let ch = '\"'; let l: &'static str = x;\n#[cfg(test)]\nmod tests { use crate::e; }\n#[cfg(test)]\nmod more;\nuse crate::f;";
        let (code, test_files) = strip_test_modules(&strip_comments_and_strings(code));
        assert_eq!(references(&[], &code), vec![vec!["f".to_string()]]);
        assert_eq!(test_files, vec!["more"]);
    }

    #[test]
    fn finds_a_circle_and_only_it() {
        let files = [
            file("lib.rs", "pub mod a; pub mod b; pub mod c; pub mod d;"),
            file("a.rs", "use crate::b::Thing;"),
            file("b.rs", "pub fn f() { crate::c::g() }"),
            file("c.rs", "use crate::{a::Other, d};"),
            file("d.rs", "pub struct Leaf;"),
        ];
        let found = cycles(&files);
        assert_eq!(members(&found), vec![(String::new(), vec!["a".into(), "b".into(), "c".into()])]);
        assert_eq!(found[0].edges.len(), 3);
    }

    #[test]
    fn circles_inside_a_directory_module_and_not_with_the_parent() {
        let files = [
            file("lib.rs", "pub mod p; pub mod leaf;"),
            file("p/mod.rs", "mod x; mod y; pub struct Shared; use x::X;"),
            file("p/x.rs", "use super::y::Y; use super::Shared; use crate::leaf::L;"),
            file("p/y.rs", "use super::{x::X, Shared};"),
            file("leaf.rs", "pub struct L;"),
        ];
        assert_eq!(members(&cycles(&files)), vec![("p".to_string(), vec!["x".into(), "y".into()])]);
    }

    #[test]
    fn a_one_way_graph_has_no_circle() {
        let files = [file("a.rs", "use crate::b::B;"), file("b.rs", "use crate::c::C;"), file("c.rs", "pub struct C;")];
        assert!(cycles(&files).is_empty());
    }

    /// The workspace's own crates: those in [`ENFORCED`] have no circle; the others are printed.
    #[test]
    fn workspace_crates_have_no_import_circles() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
        let mut failing = Vec::new();
        for krate in CHECKED {
            let found = crate_cycles(&root.join(krate).join("src")).expect("reads the crate");
            for cycle in &found {
                println!("{krate}:\n{cycle}");
            }
            if ENFORCED.contains(krate) && !found.is_empty() {
                failing.push(format!("{krate}: {}", found.iter().map(ToString::to_string).collect::<String>()));
            }
        }
        assert!(failing.is_empty(), "import circles:\n{}", failing.join("\n"));
    }
}
