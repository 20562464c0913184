//! The source tree's layout (docs/decisions/0040): the crates depend one way, and no two modules
//! of a crate import each other, directly or in a ring. Read from the sources, not over HTTP.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Each crate and the workspace crates it may depend on (never the other way).
const LAYERS: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("persistence", &["domain"]),
    ("app", &["domain", "persistence"]),
    ("http", &["domain", "persistence", "app"]),
    ("server", &["domain", "persistence", "app", "http"]),
    ("devtools", &["domain", "persistence", "app", "server"]),
];

#[test]
fn crates_depend_one_way() {
    for (name, allowed) in LAYERS {
        let manifest = std::fs::read_to_string(Path::new(ROOT).join("crates").join(name).join("Cargo.toml")).unwrap();
        let dependencies = manifest.split("[dependencies]").nth(1).unwrap_or("").split("\n[").next().unwrap_or("");
        for line in dependencies.lines() {
            if let Some(dep) =
                line.trim().strip_prefix("clientdesk-").and_then(|rest| rest.split(['.', ' ', '=']).next())
            {
                assert!(allowed.contains(&dep), "crates/{name} depends on clientdesk-{dep}");
            }
        }
    }
}

#[test]
fn no_module_imports_another_that_imports_it_back() {
    for (name, _) in LAYERS {
        let src = Path::new(ROOT).join("crates").join(name).join("src");
        let graph = imports(&src);
        if let Some(ring) = find_ring(&graph) {
            panic!("crates/{name}: modules import each other: {}", ring.join(" -> "));
        }
    }
}

/// Every `.rs` file under `dir`.
fn files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// A file's module path (`routes::tickets::access`; `lib.rs` is the crate root, `""`).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let mut parts: Vec<String> =
        file.strip_prefix(src).unwrap().with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// Which modules each module imports (`crate::...` and `super::...` paths, outside test code),
/// leaving out its own ancestors: a module using what its parent holds is how modules nest.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut paths = Vec::new();
    files(src, &mut paths);
    let modules: BTreeSet<Vec<String>> = paths.iter().map(|p| module_of(src, p)).collect();
    let mut graph = BTreeMap::new();
    for path in &paths {
        let module = module_of(src, path);
        let text = std::fs::read_to_string(path).unwrap();
        // Unit tests sit in a `#[cfg(test)] mod tests` at the end of a file.
        let code = match text.find("#[cfg(test)]\nmod ") {
            Some(end) => &text[..end],
            None => &text,
        };
        let mut targets = BTreeSet::new();
        for line in code.lines().map(|l| l.split("//").next().unwrap_or("")) {
            for (base, rest) in references(line) {
                let mut full = match base {
                    "crate" => Vec::new(),
                    // `super` is the parent module, for `a/b.rs` and `a/b/mod.rs` alike.
                    _ => module[..module.len().saturating_sub(1)].to_vec(),
                };
                full.extend(rest);
                // The longest known module the path names.
                while !full.is_empty() && !modules.contains(&full) {
                    full.pop();
                }
                let ancestor = module.starts_with(&full);
                if !full.is_empty() && !ancestor {
                    targets.insert(full.join("::"));
                }
            }
        }
        graph.insert(module.join("::"), targets);
    }
    graph
}

/// The `crate::a::b` / `super::a::{b, c}` paths of a line, as (base, segments), one per name in
/// braces.
fn references(line: &str) -> Vec<(&'static str, Vec<String>)> {
    let mut found = Vec::new();
    for base in ["crate", "super"] {
        let needle = format!("{base}::");
        let mut at = 0;
        while let Some(i) = line[at..].find(&needle) {
            let start = at + i;
            at = start + needle.len();
            let before = line[..start].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest = &line[at..];
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
            let mut segments: Vec<String> =
                rest[..end].split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
            let b: &'static str = if base == "crate" { "crate" } else { "super" };
            if rest[end..].starts_with('{') {
                let inner = rest[end + 1..].split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let first = item.trim().split("::").next().unwrap_or("").split(' ').next().unwrap_or("");
                    if !first.is_empty() && first != "self" {
                        let mut path = segments.clone();
                        path.push(first.to_owned());
                        found.push((b, path));
                    }
                }
                if inner.split(',').any(|i| i.trim() == "self") {
                    found.push((b, segments.clone()));
                }
            } else {
                segments.retain(|s| !s.is_empty());
                found.push((b, segments));
            }
        }
    }
    found
}

/// A ring of imports, if any: depth-first search for an edge back to a module on the path.
fn find_ring(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut ring = path[i..].to_vec();
            ring.push(node.to_owned());
            return Some(ring);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(ring) = visit(next, graph, path, done) {
                return Some(ring);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}
