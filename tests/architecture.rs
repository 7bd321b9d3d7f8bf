//! The import rules of the README's map of the code, checked on the
//! source: arrows point one way (sources → one channel → a pure `update`
//! → a pure `draw`), `state` is plain data, `ui` only reads, formats know
//! no screen and no source, and no two top-level modules import each
//! other, directly or round a cycle.
//!
//! Test code (`#[cfg(test)]` modules, the test kit) may reach anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What the app is made of, above the formats.
const APP: &[&str] = &[
    "app", "update", "ui", "view", "msg", "runner", "sources", "recorder", "session", "commands",
    "term", "cli",
];

/// Formats and pure libraries: they know no screen, no source, no state.
const FORMATS: &[&str] = &[
    "time", "sanitize", "schema", "keys", "timeline", "playbook", "layout", "config", "drill",
    "alerts", "command", "edit",
];

/// Modules each module must never import (besides the rules for formats).
fn forbidden() -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut m: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let above_state = ["view", "clocks", "comms", "export", "incidents"];
    // State is plain data: nothing of the app, nothing derived from it.
    m.insert("state", APP.iter().chain(&above_state).copied().collect());
    // The views read state; they never act.
    m.insert(
        "view",
        APP.iter().copied().filter(|x| *x != "view").collect(),
    );
    // `ui` reads state and the views and draws; it calls nothing that
    // acts or observes. What it shows of a guarded command, the record
    // and a drill's clock comes through `state` (their data) and `view`
    // (what is derived), never from `command`, `timeline`, `drill` or
    // `alerts` (the groups and rows are derived in `view`).
    m.insert(
        "ui",
        vec![
            "app", "update", "msg", "runner", "sources", "recorder", "session", "commands", "term",
            "cli", "export", "comms", "command", "timeline", "drill", "alerts",
        ],
    );
    // `update` is the only mutation; it never draws or does I/O.
    m.insert(
        "update",
        vec![
            "app", "ui", "runner", "sources", "recorder", "session", "commands", "term", "cli",
        ],
    );
    // The message type sits below everything that sends or applies it.
    m.insert(
        "msg",
        vec![
            "app", "update", "ui", "view", "runner", "sources", "recorder", "session", "commands",
            "term", "cli",
        ],
    );
    // Sources, the runner and the recorder only send messages.
    for io in ["sources", "runner", "recorder"] {
        m.insert(
            io,
            vec![
                "app", "update", "ui", "view", "session", "commands", "term", "cli", "sources",
                "runner", "recorder",
            ]
            .into_iter()
            .filter(|x| *x != io)
            .collect(),
        );
    }
    // The shared store knows records as bytes and formats, nothing else.
    m.insert(
        "store",
        APP.iter()
            .copied()
            .chain(["state", "clocks", "comms", "export", "incidents"])
            .collect(),
    );
    m.entry("runner").or_default().push("state");
    m.entry("recorder").or_default().push("state");
    for f in FORMATS {
        let mut v: Vec<&str> = APP.to_vec();
        v.extend(["state", "clocks", "comms", "export", "incidents"]);
        m.insert(f, v);
    }
    m
}

/// External crates a module must not use.
fn forbidden_crates() -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut m = BTreeMap::new();
    m.insert("state", vec!["ratatui", "ratatui_textarea", "tokio"]);
    m.insert("view", vec!["ratatui", "ratatui_textarea", "tokio"]);
    m.insert("ui", vec!["tokio", "nix", "reqwest", "kube"]);
    m.insert("update", vec!["tokio", "nix", "reqwest", "kube"]);
    for f in FORMATS {
        let mut v = vec!["tokio", "kube"];
        // The keymap's keys (the config's overrides of them, the editing
        // keys of a text) are crossterm's key events.
        if !matches!(*f, "keys" | "config" | "edit") {
            v.push("crossterm");
        }
        // The sanitiser's last pass works on a drawn frame's cells.
        if *f != "sanitize" {
            v.push("ratatui");
        }
        m.insert(*f, v);
    }
    m
}

/// What a module may name inside a module it may import, when not all of
/// it: `ui` reads the playbook's model (the plain data it shows: a step,
/// a phase, a risk), never its computations (`contacts`, `checklist`,
/// `verify`, `load`, `lint`, `report`…), which `view` derives when their
/// inputs change.
fn allowed_items() -> BTreeMap<(&'static str, &'static str), Vec<&'static str>> {
    let mut m = BTreeMap::new();
    m.insert(
        ("ui", "playbook"),
        vec![
            "model",
            "Command",
            "Phase",
            "Playbook",
            "Procedure",
            "Risk",
            "Severity",
            "Step",
        ],
    );
    m
}

/// The paths a use tree or an expression names after `crate::` at `i`
/// (`a::b`, `{a::b, c::{d, self}}`), each as its segments.
fn use_tree(s: &[char], i: &mut usize) -> Vec<Vec<String>> {
    let ws = |i: &mut usize| {
        while *i < s.len() && s[*i].is_whitespace() {
            *i += 1;
        }
    };
    ws(i);
    if s.get(*i) == Some(&'{') {
        *i += 1;
        let mut out = Vec::new();
        loop {
            ws(i);
            match s.get(*i) {
                None => break,
                Some('}') => {
                    *i += 1;
                    break;
                }
                Some(',') => *i += 1,
                Some(_) => {
                    let before = *i;
                    out.extend(use_tree(s, i));
                    if *i == before {
                        *i += 1;
                    }
                }
            }
        }
        return out;
    }
    let mut name = String::new();
    while *i < s.len() && (s[*i].is_alphanumeric() || s[*i] == '_') {
        name.push(s[*i]);
        *i += 1;
    }
    if name.is_empty() {
        return Vec::new();
    }
    let mut j = *i;
    while j < s.len() && s[j].is_whitespace() {
        j += 1;
    }
    if s.get(j) == Some(&':') && s.get(j + 1) == Some(&':') {
        *i = j + 2;
        let rest = use_tree(s, i);
        if rest.is_empty() {
            return vec![vec![name]];
        }
        return rest
            .into_iter()
            .map(|mut p| {
                p.insert(0, name.clone());
                p
            })
            .collect();
    }
    vec![vec![name]]
}

/// Every `crate::` path in the code, over several lines too: (segments,
/// line).
fn crate_paths(code: &str) -> Vec<(Vec<String>, usize)> {
    let s: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let pat: Vec<char> = "crate::".chars().collect();
    let mut i = 0;
    let mut line = 1;
    while i < s.len() {
        if s[i] == '\n' {
            line += 1;
        }
        let word_start = i == 0 || !(s[i - 1].is_alphanumeric() || s[i - 1] == '_');
        if word_start && s[i..].starts_with(&pat) {
            let mut j = i + pat.len();
            for p in use_tree(&s, &mut j) {
                out.push((p, line));
            }
            i += pat.len();
            continue;
        }
        i += 1;
    }
    out
}

/// Known exceptions, each with its reason; the test fails when one is no
/// longer true, so the list only shrinks. Empty: keep it so.
const KNOWN: &[(&str, &str, &str)] = &[];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src/ is readable") {
        let p = e.expect("a directory entry").path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source with comments, strings and char literals blanked out (so
/// braces and paths in them do not count).
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            continue;
        }
        if c == 'r' && (next == Some('#') || next == Some('"')) {
            let mut j = i + 1;
            let mut hashes = 0;
            while j < b.len() && b[j] == '#' {
                hashes += 1;
                j += 1;
            }
            if j < b.len() && b[j] == '"' && (i == 0 || !b[i - 1].is_alphanumeric()) {
                j += 1;
                loop {
                    if j >= b.len() {
                        break;
                    }
                    if b[j] == '"' && (1..=hashes).all(|k| b.get(j + k) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    if b[j] == '\n' {
                        out.push('\n');
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
                continue;
            }
        }
        if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                if i < b.len() && b[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
            continue;
        }
        if c == '\'' {
            // A char literal ('x', '\n', '\u{1b}'), not a lifetime.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
                continue;
            }
            if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The code without its `#[cfg(test)]` items.
fn without_tests(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        // The item ends at its `;` or at the brace that closes its body.
        let mut depth = 0usize;
        let mut end = after.len();
        for (k, ch) in after.char_indices().skip("#[cfg(test)]".len()) {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = k + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Files that only tests compile: `#[cfg(test)] mod x;` in their parent,
/// and the test kit.
fn test_only(all: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for f in all {
        let text = code_only(&std::fs::read_to_string(f).expect("a source file"));
        let dir = if f
            .file_name()
            .is_some_and(|n| n == "mod.rs" || n == "lib.rs")
        {
            f.parent().expect("a parent").to_path_buf()
        } else {
            f.with_extension("")
        };
        let mut lines = text.lines().peekable();
        while let Some(l) = lines.next() {
            let l = l.trim();
            if !(l.starts_with("#[cfg(test)]") || l.starts_with("#[cfg(any(test")) {
                continue;
            }
            while let Some(n) = lines.peek() {
                let n = n.trim();
                if n.starts_with("#[") {
                    lines.next();
                    continue;
                }
                let name = n
                    .trim_start_matches("pub ")
                    .strip_prefix("mod ")
                    .and_then(|m| m.strip_suffix(';'));
                if let Some(name) = name {
                    out.insert(dir.join(format!("{name}.rs")));
                    out.insert(dir.join(name).join("mod.rs"));
                    // Its own submodules too.
                    for g in all {
                        if g.starts_with(dir.join(name)) {
                            out.insert(g.clone());
                        }
                    }
                }
                break;
            }
        }
    }
    out
}

/// The top-level module a file belongs to.
fn top(f: &Path) -> String {
    let rel = f.strip_prefix(src()).expect("under src/");
    let first = rel.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

/// `crate::x` paths (also `crate::{x, y}`) in the code: (module, line).
fn crate_refs(code: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            if let Some(list) = after.strip_prefix('{') {
                let inner = list.split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let name: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.push((name, n + 1));
                    }
                }
            } else {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push((name, n + 1));
                }
            }
            rest = after;
        }
    }
    out
}

/// Whether the code names an external crate (`ratatui::`, `use ratatui`).
fn uses_crate(code: &str, krate: &str) -> Option<usize> {
    let pat = format!("{krate}::");
    code.lines()
        .position(|l| {
            l.match_indices(&pat).any(|(i, _)| {
                i == 0 || {
                    let before = l[..i].chars().next_back().unwrap_or(' ');
                    !(before.is_alphanumeric() || before == '_' || before == ':')
                }
            })
        })
        .map(|n| n + 1)
}

struct Source {
    file: PathBuf,
    module: String,
    code: String,
}

fn sources() -> Vec<Source> {
    let mut all = Vec::new();
    files(&src(), &mut all);
    all.sort();
    let tests = test_only(&all);
    all.into_iter()
        .filter(|f| !tests.contains(f))
        .filter(|f| {
            let m = top(f);
            m != "testkit" && m != "fuzz_entry" && m != "lib" && m != "main"
        })
        .map(|f| {
            let text = std::fs::read_to_string(&f).expect("a source file");
            Source {
                module: top(&f),
                code: without_tests(&code_only(&text)),
                file: f,
            }
        })
        .collect()
}

fn violations(sources: &[Source]) -> Vec<String> {
    let rules = forbidden();
    let crates = forbidden_crates();
    let items = allowed_items();
    let mut out = Vec::new();
    for s in sources {
        let rel = s.file.strip_prefix(src()).unwrap_or(&s.file).display();
        if let Some(bad) = rules.get(s.module.as_str()) {
            for (m, line) in crate_refs(&s.code) {
                if bad.contains(&m.as_str()) {
                    out.push(format!("src/{rel}:{line}: `{}` imports `{m}`", s.module));
                }
            }
        }
        for (path, line) in crate_paths(&s.code) {
            let Some(target) = path.first() else { continue };
            if let Some(ok) = items.get(&(s.module.as_str(), target.as_str())) {
                let item = path.get(1).map_or("", String::as_str);
                if !ok.contains(&item) {
                    out.push(format!(
                        "src/{rel}:{line}: `{}` names `{}` (of `{target}` it may name only {})",
                        s.module,
                        path.join("::"),
                        ok.join(", ")
                    ));
                }
            }
        }
        for k in crates.get(s.module.as_str()).into_iter().flatten() {
            if let Some(line) = uses_crate(&s.code, k) {
                out.push(format!(
                    "src/{rel}:{line}: `{}` uses the crate `{k}`",
                    s.module
                ));
            }
        }
    }
    out
}

#[test]
fn arrows_point_one_way() {
    let v = violations(&sources());
    assert!(
        v.is_empty(),
        "imports against the README's map of the code:\n{}",
        v.join("\n")
    );
}

#[test]
fn no_two_modules_import_each_other() {
    let srcs = sources();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let names: BTreeSet<String> = srcs.iter().map(|s| s.module.clone()).collect();
    for s in &srcs {
        for (m, _) in crate_refs(&s.code) {
            if m != s.module && names.contains(&m) {
                graph.entry(s.module.clone()).or_default().insert(m);
            }
        }
    }
    // A cycle is a module that reaches itself.
    let mut cycles = Vec::new();
    for start in graph.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in graph.get(&at).into_iter().flatten() {
                if next == start {
                    cycles.push(format!("{} → {start}", path.join(" → ")));
                } else if seen.insert(next.clone()) {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next.clone(), p));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn known_exceptions_still_hold() {
    let srcs = sources();
    for (module, krate, why) in KNOWN {
        assert!(
            srcs.iter()
                .any(|s| s.module == *module && uses_crate(&s.code, krate).is_some()),
            "`{module}` no longer uses `{krate}`: take it off the known exceptions ({why})"
        );
    }
}

/// The checker itself: a forbidden `use` added back is caught, test code
/// is not, and paths in strings and comments do not count.
#[test]
fn the_checker_catches_a_forbidden_use() {
    let code = |module: &str, text: &str| Source {
        file: src().join(format!("{module}/x.rs")),
        module: module.to_string(),
        code: without_tests(&code_only(text)),
    };
    let bad = [
        code("state", "use crate::ui::layout::Spec;\n"),
        code("ui", "fn f() { crate::update::pods_shown(s); }\n"),
        code("update", "use crate::{state::State, ui};\n"),
        code(
            "timeline",
            "use crate::drill::clock;\nuse crate::state::Incident;\n",
        ),
        code("state", "use ratatui::layout::Rect;\n"),
        code("state", "use ratatui_textarea::TextArea;\n"),
        code("sources", "use crate::update::update;\n"),
        code("ui", "use crate::command::run::Stream;\n"),
        code("ui", "use crate::command::{guard::Guard, resolve};\n"),
        code("ui", "fn f() { crate::command::approval::user_of(s) }\n"),
        code("ui", "use crate::timeline::{Event, Record};\n"),
        code("ui", "fn f() { crate::drill::clock::stamp(d) }\n"),
        code("ui", "use crate::alerts::group::{self, Row};\n"),
        code(
            "ui",
            "use crate::playbook::contacts::{Line as Kind, directory};\n",
        ),
        code("ui", "fn f() { crate::playbook::checklist::of(p, q, r) }\n"),
        code(
            "ui",
            "use crate::{\n    playbook::{Step, contacts},\n    state::State,\n};\n",
        ),
        code("ui", "use crate::playbook;\n"),
        code("ui", "use crate::playbook::{self, Step};\n"),
        code(
            "playbook",
            "fn f() { crate::sources::alertmanager::check_url(u) }\n",
        ),
    ];
    for b in &bad {
        assert!(
            !violations(std::slice::from_ref(b)).is_empty(),
            "not caught in {}: {}",
            b.module,
            b.code
        );
    }
    let fine = [
        code(
            "state",
            "// crate::ui is not imported here\nlet s = \"crate::ui\";\n",
        ),
        code(
            "state",
            "use crate::playbook::Playbook;\n#[cfg(test)]\nmod tests {\n    use crate::ui::draw;\n    fn f() { let c = '{'; }\n}\n",
        ),
        code("ui", "use crate::view::pods_shown;\nuse ratatui::Frame;\n"),
        code(
            "ui",
            "use crate::playbook::model::Risk;\nfn f(s: &crate::playbook::Step) {}\n",
        ),
        code(
            "ui",
            "use crate::{playbook::{Phase, model::Risk}, state::State};\n",
        ),
        code(
            "ui",
            "use crate::state::{Event, runs::Stream};\nuse crate::time::stamp;\n",
        ),
    ];
    for f in &fine {
        assert!(
            violations(std::slice::from_ref(f)).is_empty(),
            "flagged in {}: {:?}",
            f.module,
            violations(std::slice::from_ref(f))
        );
    }
}

/// The crates beside the cockpit (`crates/`) are leaves of the map: pure
/// libraries that never depend on the cockpit, on each other unless named
/// here, on an I/O crate or on the terminal (the sanitiser's last line of
/// defence reads a rendered buffer's cells, nothing more; the timeline's
/// store locks and fsyncs its file, with `nix` and no runtime). A crate
/// added to the workspace is added here, with what it may use.
#[test]
fn the_crates_beside_the_cockpit_depend_only_on_what_they_are_allowed() {
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        // Guarded commands and the playbook's model: the classifier and
        // the durations beside it; nix only for a run's signal names.
        (
            "command",
            &[
                "incident-cockpit-risk",
                "incident-cockpit-time",
                "serde",
                "serde-saphyr",
                "schemars",
                "shell-words",
                "regex",
                "chrono",
                "nix",
            ][..],
        ),
        ("risk", &["serde", "schemars"][..]),
        ("sanitize", &["ratatui", "serde", "serde_json"][..]),
        ("time", &["chrono"][..]),
        // The record and its store: the flock and statfs are nix's; no
        // runtime, no terminal.
        (
            "timeline",
            &[
                "incident-cockpit-sanitize",
                "incident-cockpit-time",
                "anyhow",
                "chrono",
                "nix",
                "serde",
                "serde_json",
                "sha2",
            ][..],
        ),
    ]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates");
    let mut found = BTreeSet::new();
    for e in std::fs::read_dir(&root).expect("crates/ is readable") {
        let dir = e.expect("crates/ lists").path();
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let path = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&path).expect("a crate's Cargo.toml is readable");
        let mut section = "";
        let mut deps = Vec::new();
        for line in text.lines() {
            let l = line.trim();
            if l.starts_with('[') {
                section = l;
            } else if section == "[dependencies]" && !l.is_empty() && !l.starts_with('#') {
                deps.push(l.split(['=', ' ']).next().unwrap_or("").to_string());
            }
        }
        let Some(ok) = allowed.get(name.as_str()) else {
            panic!(
                "{}: a crate this test does not know: add it to `allowed`",
                path.display()
            );
        };
        assert_eq!(
            deps,
            *ok,
            "{}: the {name} crate's dependencies",
            path.display()
        );
        found.insert(name);
    }
    let known: BTreeSet<String> = allowed.keys().map(|k| k.to_string()).collect();
    assert_eq!(found, known, "the crates in crates/");
}
