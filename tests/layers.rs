//! The library's top-level modules import one another one way only: this test reads
//! src/**/*.rs (the library: not main.rs and cli/, the binary), collects each
//! module's `crate::X` and `super::X` paths outside `#[cfg(test)]` items, and fails
//! with the cycle when two top-level modules reach each other. Comments and strings are
//! skipped, so a doc link does not count as an import.
//!
//! `cargo test --test layers -- --nocapture` also prints the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The name of the crate root (lib.rs) in the graph.
const ROOT: &str = "(lib)";

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Punct(char),
}

/// One token with its line.
type Token = (Tok, usize);

/// Splits Rust source into identifiers and punctuation, leaving out comments, string
/// and character literals and numbers (enough for paths and braces).
fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if ch == 'r' && (at(i + 1) == '"' || (at(i + 1) == '#' && at(i + 2) != '[')) {
            // A raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            if at(j) != '"' {
                out.push((Tok::Ident("r".into()), line));
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '\n' {
                    line += 1;
                }
                if c[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#') {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
        } else if ch == '"' || (ch == 'b' && at(i + 1) == '"') {
            i += if ch == 'b' { 2 } else { 1 };
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                if at(i) == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 1;
        } else if ch == '\'' {
            // A character literal ('a', '\n', '\u{..}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let s = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(c[s..i].iter().collect()), line));
        } else if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '.') {
                if c[i] == '.' && !at(i + 1).is_ascii_digit() {
                    break;
                }
                i += 1;
            }
        } else {
            if !ch.is_whitespace() {
                out.push((Tok::Punct(ch), line));
            }
            i += 1;
        }
    }
    out
}

fn is_punct(t: Option<&Token>, p: char) -> bool {
    matches!(t, Some((Tok::Punct(q), _)) if *q == p)
}

fn ident(t: Option<&Token>) -> Option<&str> {
    match t {
        Some((Tok::Ident(s), _)) => Some(s),
        _ => None,
    }
}

/// The index after the item starting at `i`: after its `;` at depth 0, or after the
/// brace that closes its first block.
fn skip_item(toks: &[Token], mut i: usize) -> usize {
    let mut depth = 0i32;
    while i < toks.len() {
        match &toks[i].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            Tok::Punct(';') if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// Whether `#[cfg(test)]` starts at `i`; returns the index after it.
fn cfg_test(toks: &[Token], i: usize) -> Option<usize> {
    let want = ["#", "[", "cfg", "(", "test", ")", "]"];
    for (k, w) in want.iter().enumerate() {
        let ok = match toks.get(i + k).map(|t| &t.0) {
            Some(Tok::Ident(s)) => s == w,
            Some(Tok::Punct(p)) => w.len() == 1 && w.starts_with(*p),
            None => false,
        };
        if !ok {
            return None;
        }
    }
    Some(i + want.len())
}

/// One file of the library: its module path (`["decode", "jpeg"]`) and tokens.
struct File {
    path: PathBuf,
    /// The path from the crate's folder (`src/batch.rs`), for messages.
    rel: PathBuf,
    module: Vec<String>,
    toks: Vec<Token>,
}

/// A reference from one top-level module to another, with where it was found.
struct Edge {
    from: String,
    to: String,
    at: String,
}

fn library_files(src: &Path) -> Vec<File> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let rel = p.strip_prefix(src).unwrap();
            let mut module: Vec<String> = rel
                .iter()
                .map(|s| s.to_str().unwrap().trim_end_matches(".rs").to_string())
                .collect();
            if module.first().map(String::as_str) == Some("cli") || rel == Path::new("main.rs") {
                continue;
            }
            if module.last().map(String::as_str) == Some("mod") || rel == Path::new("lib.rs") {
                module.pop();
            }
            let toks = lex(&fs::read_to_string(&p).unwrap());
            files.push(File {
                rel: Path::new("src").join(rel),
                path: p.clone(),
                module,
                toks,
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The names lib.rs re-exports (`pub use check::{check, CheckRecord}`), by the module
/// they come from, and the items lib.rs defines itself.
fn root_names(root: &File) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let t = &root.toks;
    let mut i = 0;
    while i < t.len() {
        if ident(t.get(i)) == Some("pub") && ident(t.get(i + 1)) == Some("use") {
            let module = ident(t.get(i + 2)).unwrap_or_default().to_string();
            let end = skip_item(t, i);
            for tok in &t[i + 3..end] {
                if let Tok::Ident(s) = &tok.0 {
                    names.insert(s.clone(), module.clone());
                }
            }
            i = end;
        } else if ident(t.get(i)) == Some("fn") {
            if let Some(name) = ident(t.get(i + 1)) {
                names.insert(name.to_string(), ROOT.to_string());
            }
            i += 1;
        } else {
            i += 1;
        }
    }
    names
}

/// The first segments of the paths a `crate::`/`super::` prefix leads to at `i`: one for
/// `crate::a::b`, several for `crate::{a::b, c}`.
fn heads(t: &[Token], i: usize) -> Vec<String> {
    if let Some(s) = ident(t.get(i)) {
        return vec![s.to_string()];
    }
    if !is_punct(t.get(i), '{') {
        return vec![];
    }
    let mut out = Vec::new();
    let (mut depth, mut j, mut expect) = (0, i, true);
    while j < t.len() {
        match &t[j].0 {
            Tok::Punct('{') => {
                depth += 1;
                expect = depth == 1;
            }
            Tok::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Tok::Punct(',') if depth == 1 => expect = true,
            Tok::Ident(s) if depth == 1 && expect => {
                out.push(s.clone());
                expect = false;
            }
            _ => {}
        }
        j += 1;
    }
    out
}

/// The top-level modules each file refers to, outside `#[cfg(test)]` items.
fn edges(files: &[File], top: &BTreeSet<String>, root: &BTreeMap<String, String>) -> Vec<Edge> {
    // Files declared `#[cfg(test)] mod x;` are tests whole.
    let mut test_modules: Vec<Vec<String>> = Vec::new();
    for f in files {
        let t = &f.toks;
        for i in 0..t.len() {
            if let Some(j) = cfg_test(t, i) {
                if ident(t.get(j)) == Some("mod") && is_punct(t.get(j + 2), ';') {
                    let mut m = f.module.clone();
                    m.push(ident(t.get(j + 1)).unwrap().to_string());
                    test_modules.push(m);
                }
            }
        }
    }
    let mut out = Vec::new();
    for f in files {
        if test_modules.iter().any(|m| f.module.starts_with(m)) {
            continue;
        }
        let from = f
            .module
            .first()
            .cloned()
            .unwrap_or_else(|| ROOT.to_string());
        let t = &f.toks;
        // The inline modules the scan is in: (name, brace depth inside it).
        let mut inline: Vec<(String, i32)> = Vec::new();
        let mut depth = 0i32;
        let mut i = 0;
        let mut target = |name: &str, i: usize| {
            let to = if top.contains(name) {
                name.to_string()
            } else if let Some(m) = root.get(name) {
                m.clone()
            } else {
                return;
            };
            if to != from {
                let at = format!("{}:{}", f.rel.display(), t[i].1);
                out.push(Edge {
                    from: from.clone(),
                    to,
                    at,
                });
            }
        };
        while i < t.len() {
            if let Some(j) = cfg_test(t, i) {
                i = skip_item(t, j);
                continue;
            }
            match &t[i].0 {
                Tok::Punct('{') => depth += 1,
                Tok::Punct('}') => {
                    if inline.last().is_some_and(|(_, d)| *d == depth) {
                        inline.pop();
                    }
                    depth -= 1;
                }
                Tok::Ident(s) if s == "mod" && is_punct(t.get(i + 2), '{') => {
                    inline.push((ident(t.get(i + 1)).unwrap().to_string(), depth + 1));
                }
                Tok::Ident(s)
                    if (s == "crate" || s == "super")
                        && is_punct(t.get(i + 1), ':')
                        && is_punct(t.get(i + 2), ':')
                        && !is_punct(t.get(i.wrapping_sub(1)), '$') =>
                {
                    // Where the path starts: crate:: is the root; each super:: goes up.
                    let mut level = if s == "crate" {
                        0
                    } else {
                        (f.module.len() + inline.len()).saturating_sub(1)
                    };
                    let mut j = i + 3;
                    while ident(t.get(j)) == Some("super")
                        && is_punct(t.get(j + 1), ':')
                        && is_punct(t.get(j + 2), ':')
                    {
                        level = level.saturating_sub(1);
                        j += 3;
                    }
                    if level == 0 {
                        for h in heads(t, j) {
                            target(&h, i);
                        }
                    }
                    i = j;
                    continue;
                }
                // lib.rs names its modules without a prefix.
                Tok::Ident(s)
                    if f.module.is_empty()
                        && top.contains(s.as_str())
                        && is_punct(t.get(i + 1), ':')
                        && !is_punct(t.get(i.wrapping_sub(1)), ':') =>
                {
                    target(s, i);
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// Strongly connected components (Tarjan), each sorted, largest first.
fn components(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            comp.sort();
            s.out.push(comp);
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out.sort_by_key(|c| std::cmp::Reverse(c.len()));
    s.out
}

/// A shortest cycle through `start` inside `comp` (breadth first), as module names.
fn cycle_through(
    graph: &BTreeMap<String, BTreeSet<String>>,
    comp: &[String],
    start: &str,
) -> Vec<String> {
    let mut prev: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.to_string()]);
    while let Some(v) = queue.pop_front() {
        for w in &graph[&v] {
            if !comp.contains(w) {
                continue;
            }
            if w == start {
                let mut path = vec![v.clone()];
                while let Some(p) = prev.get(path.last().unwrap()) {
                    path.push(p.clone());
                }
                path.reverse();
                path.push(start.to_string());
                return path;
            }
            if !prev.contains_key(w) && w != start {
                prev.insert(w.clone(), v.clone());
                queue.push_back(w.clone());
            }
        }
    }
    vec![]
}

#[test]
fn top_level_modules_import_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = library_files(&src);
    let root = files.iter().find(|f| f.module.is_empty()).expect("lib.rs");
    let top: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.module.first().cloned())
        .collect();
    assert!(top.len() > 10, "found the modules: {top:?}");
    let names = root_names(root);
    let edges = edges(&files, &top, &names);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut first_at: BTreeMap<(String, String), String> = BTreeMap::new();
    for m in top.iter().chain([&ROOT.to_string()]) {
        graph.entry(m.clone()).or_default();
    }
    for e in &edges {
        graph.get_mut(&e.from).unwrap().insert(e.to.clone());
        first_at
            .entry((e.from.clone(), e.to.clone()))
            .or_insert_with(|| e.at.clone());
    }
    for (m, to) in &graph {
        println!(
            "{m} -> {}",
            to.iter().cloned().collect::<Vec<_>>().join(" ")
        );
    }
    let comps = components(&graph);
    let cycles: Vec<&Vec<String>> = comps.iter().filter(|c| c.len() > 1).collect();
    println!(
        "{} modules, {} imports between them, largest cycle: {} modules",
        graph.len(),
        graph.values().map(BTreeSet::len).sum::<usize>(),
        comps
            .first()
            .map_or(0, |c| if c.len() > 1 { c.len() } else { 0 })
    );
    let mut why = String::new();
    for comp in &cycles {
        why += &format!(
            "\nthese {} modules import one another: {}\n",
            comp.len(),
            comp.join(", ")
        );
        let cycle = cycle_through(&graph, comp, &comp[0]);
        why += &format!("  for one: {}\n", cycle.join(" → "));
        for pair in cycle.windows(2) {
            let at = &first_at[&(pair[0].clone(), pair[1].clone())];
            why += &format!("    {} → {} at {at}\n", pair[0], pair[1]);
        }
        why += "  every import inside it:\n";
        for m in comp.iter() {
            for to in graph[m].iter().filter(|to| comp.contains(to)) {
                let at = &first_at[&(m.clone(), to.clone())];
                why += &format!("    {m} → {to} at {at}\n");
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "import cycles between top-level modules (imports must point down the layers):{why}"
    );
}

/// The scanner sees the paths this test relies on, and not the ones it must skip.
#[test]
fn the_scanner_finds_paths_and_skips_tests_and_comments() {
    let src = r#"
        //! [`crate::hidden`] in a doc comment
        use crate::{alpha::A, beta};
        use super::gamma::G;
        fn f() { let s = "crate::quoted"; crate::delta::go(); let c = '{'; }
        mod inner { use super::super::epsilon; }
        #[cfg(test)]
        mod tests { use crate::zeta; }
    "#;
    let file = File {
        path: PathBuf::from("src/me.rs"),
        rel: PathBuf::from("src/me.rs"),
        module: vec!["me".into()],
        toks: lex(src),
    };
    let top: BTreeSet<String> = [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "hidden", "quoted", "me",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let found: BTreeSet<String> = edges(&[file], &top, &BTreeMap::new())
        .into_iter()
        .map(|e| e.to)
        .collect();
    let want: BTreeSet<String> = ["alpha", "beta", "gamma", "delta", "epsilon"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, want);
}
