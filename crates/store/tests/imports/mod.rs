//! Reads the `crate::…` and `super::…` paths of a crate's source files and reports the
//! import cycles between its top-level modules (docs/architecture.md, "Layers and what each
//! may import"). Shared by the `architecture` tests of `dui-store` and `dui-web`.
//!
//! The crate root (`lib.rs`) counts as a module named `lib`; a path to a name the root
//! re-exports with `pub use module::…` counts as a path to that module. Comments and the
//! `#[cfg(test)]` module at the end of a file are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module → the top-level modules it imports (itself excluded).
pub type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file under `src` (`lib.rs` → `[]`, `a/mod.rs` → `[a]`).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

/// Source without comments, string literals and the trailing `#[cfg(test)]` module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        // Drop string literals (SQL, messages) so that their words are not read as paths.
        let mut in_str = false;
        let mut prev = ' ';
        for c in line.chars() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                out.push(c);
            }
            prev = c;
        }
        out.push('\n');
    }
    out
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The first segment of each path that follows `prefix` (`crate::a::b` → `a`;
/// `crate::{a::b, c}` → `a`, `c`).
fn first_segments(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let trimmed = rest.trim_start();
        if let Some(group) = trimmed.strip_prefix('{') {
            let mut depth = 1;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        out.push(ident(&group[j..]).to_string());
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(trimmed);
            if !name.is_empty() {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// The import graph between the top-level modules of the crate whose sources are in `src`.
pub fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let lib = code(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut modules = BTreeSet::new();
    for line in lib.lines() {
        let line = line.trim();
        if let Some(rest) = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("mod "))
            .or_else(|| line.strip_prefix("pub(crate) mod "))
        {
            modules.insert(ident(rest).to_string());
        }
    }
    // Names the root re-exports: `pub use module::{A, B};` or `pub use module::A;`.
    let mut reexports = BTreeMap::new();
    for stmt in lib.split(';') {
        let stmt = stmt.trim();
        let Some(path) = stmt
            .strip_prefix("pub use ")
            .or_else(|| stmt.strip_prefix("pub(crate) use "))
        else {
            continue;
        };
        let path = path
            .trim_start_matches("self::")
            .trim_start_matches("crate::");
        let module = ident(path).to_string();
        if !modules.contains(&module) {
            continue;
        }
        let names = match path.find('{') {
            Some(i) => path[i + 1..].trim_end_matches('}').to_string(),
            None => path.rsplit("::").next().unwrap_or("").to_string(),
        };
        for name in names.split(',') {
            let name = name.trim();
            let name = name.rsplit(" as ").next().unwrap_or(name);
            let name = name.rsplit("::").next().unwrap_or(name).trim();
            if !name.is_empty() {
                reexports.insert(name.to_string(), module.clone());
            }
        }
    }
    let resolve = |name: &str| -> String {
        if modules.contains(name) {
            name.to_string()
        } else if let Some(m) = reexports.get(name) {
            m.clone()
        } else {
            "lib".to_string()
        }
    };
    let mut graph = Graph::new();
    for file in &files {
        let path = module_path(src, file);
        let from = path.first().cloned().unwrap_or_else(|| "lib".to_string());
        let text = code(&std::fs::read_to_string(file).unwrap());
        let mut targets: Vec<String> = first_segments(&text, "crate::")
            .iter()
            .map(|n| resolve(n))
            .collect();
        if path.len() == 1 {
            // `super::` of a top-level module is the crate root.
            targets.extend(
                first_segments(&text, "super::")
                    .iter()
                    .filter(|n| n.as_str() != "*" && !n.is_empty())
                    .map(|n| resolve(n)),
            );
        }
        if path.is_empty() {
            // The root's own paths to its modules (`use`, calls); `mod` lines do not count.
            let bare: String = text
                .lines()
                .filter(|l| {
                    let l = l.trim();
                    !(l.starts_with("mod ")
                        || l.starts_with("pub mod ")
                        || l.starts_with("pub use "))
                })
                .collect::<Vec<_>>()
                .join("\n");
            for m in &modules {
                if bare.contains(&format!("{m}::")) {
                    targets.push(m.clone());
                }
            }
        }
        let entry = graph.entry(from.clone()).or_default();
        for t in targets {
            if t != from {
                entry.insert(t);
            }
        }
    }
    graph
}

/// Every import cycle between top-level modules, each as its strongly connected set.
pub fn cycles(graph: &Graph) -> Vec<BTreeSet<String>> {
    let nodes: BTreeSet<&String> = graph.keys().chain(graph.values().flatten()).collect();
    let reach = |start: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start.clone()];
        while let Some(n) = stack.pop() {
            for m in graph.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    stack.push(m.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut out: Vec<BTreeSet<String>> = Vec::new();
    for n in &nodes {
        if !reaches[n].contains(*n) {
            continue;
        }
        let scc: BTreeSet<String> = nodes
            .iter()
            .filter(|m| reaches[n].contains(**m) && reaches[*m].contains(*n))
            .map(|m| (*m).clone())
            .collect();
        if !out.contains(&scc) {
            out.push(scc);
        }
    }
    out
}

/// Fails with the cycles and the edges inside them.
pub fn assert_no_cycles(src: &Path) {
    let graph = graph(src);
    let cycles = cycles(&graph);
    if cycles.is_empty() {
        return;
    }
    let mut report = String::new();
    for scc in &cycles {
        report.push_str(&format!("cycle: {scc:?}\n"));
        for from in scc {
            for to in graph[from].iter().filter(|t| scc.contains(*t)) {
                report.push_str(&format!("  {from} -> {to}\n"));
            }
        }
    }
    panic!(
        "import cycles between top-level modules of {}:\n{report}",
        src.display()
    );
}
