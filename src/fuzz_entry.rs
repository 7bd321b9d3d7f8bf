//! The bodies of the fuzz targets (`fuzz/`, cargo-fuzz), one function per
//! target taking the fuzzer's bytes. The test suite runs the same bodies
//! over the committed seeds and every input a fuzzer once broke
//! (`fuzz/seeds/<target>/`, `fuzz/regressions/<target>/`).
//!
//! Each body feeds the bytes through what a user's file goes through and
//! panics only where the program would (a bug) or where an invariant is
//! broken: an error that says nothing or not where, an imported playbook
//! that does not load, a parameter value that escapes its word.

use crate::command::resolve::{Program, resolve};
use crate::drill::scenario::{Scenario, parse_scenario};
use crate::playbook::load::{LoadError, load_bundled, load_with_reader};
use crate::playbook::model::{At, Command, Param, Playbook};
use crate::state::Incident;
use crate::timeline::{Event, Record, Status};
use chrono::{DateTime, FixedOffset, Utc};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target by name (the `fuzz/fuzz_targets/<name>.rs` and the
/// folders of its inputs).
pub const TARGETS: &[(&str, Target)] = &[
    ("playbook", playbook),
    ("scenario", scenario),
    ("timeline", timeline),
    ("import", import),
    ("command", command),
];

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_870_800, 0).unwrap_or_default()
}

/// The bundled playbooks, loaded once (`dicps.yaml`, ...).
fn bundled(name: &str) -> Option<&'static Playbook> {
    static ALL: OnceLock<Vec<(&str, Playbook)>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        crate::playbook::load::BUNDLED
            .iter()
            .filter_map(|(n, _)| Some((*n, load_bundled(n).ok()?)))
            .collect()
    });
    all.iter().find(|(n, _)| *n == name).map(|(_, pb)| pb)
}

fn dicps() -> Option<&'static Playbook> {
    bundled("dicps.yaml")
}

/// The bundled scenarios, loaded once.
fn bundled_scenario(name: &str) -> Option<&'static Scenario> {
    static ALL: OnceLock<Vec<(&str, Scenario)>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        crate::drill::scenario::BUNDLED
            .iter()
            .filter_map(|(n, _)| {
                Some((*n, crate::drill::scenario::load_bundled_scenario(n)?.ok()?))
            })
            .collect()
    });
    all.iter().find(|(n, _)| *n == name).map(|(_, s)| s)
}

/// What [`crate::session::load_declared`] loads, from the bundled files
/// only (loaded once: the fuzzer runs this many times a second).
fn load_bundled_declared(
    drill: bool,
    source: Option<&str>,
    scenario: Option<&str>,
) -> anyhow::Result<(Playbook, Option<Scenario>)> {
    let unknown = || anyhow::anyhow!("not bundled");
    if drill {
        let sc = bundled_scenario(scenario.ok_or_else(unknown)?).ok_or_else(unknown)?;
        let pb = bundled(&sc.playbook).ok_or_else(unknown)?;
        return Ok((pb.clone(), Some(sc.clone())));
    }
    let name = source
        .and_then(|s| s.strip_prefix("bundled:"))
        .ok_or_else(unknown)?;
    Ok((bundled(name).ok_or_else(unknown)?.clone(), None))
}

/// An error says something, and where: each problem starts with its file.
fn assert_placed(err: &LoadError, file: &str) {
    assert!(!err.problems.is_empty(), "an error with no problem");
    for p in &err.problems {
        assert!(
            p.starts_with(&format!("{file}:")),
            "not placed in {file}: {p}"
        );
    }
}

/// A playbook file, then (after a NUL byte) the policy file that every
/// `include:` reads: YAML → located tree → schema → model → lint with the
/// policy. A playbook that loads has its clocks counted and every
/// command resolved with its defaults, as the cockpit does.
pub fn playbook(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (main, policy) = match text.split_once('\0') {
        Some((m, p)) => (m, Some(p)),
        None => (&*text, None),
    };
    let path = Path::new("fuzz.yaml");
    let read = |p: &Path| match policy {
        _ if p == path => Ok(main.to_string()),
        Some(t) => Ok(t.to_string()),
        None => Err(format!("{}: no such file", p.display())),
    };
    let pb = match load_with_reader(path, read) {
        Ok(pb) => pb,
        Err(e) if policy.is_none() => return assert_placed(&e, "fuzz.yaml"),
        Err(_) => return,
    };
    let declared = Record {
        share: Default::default(),
        seq: 1,
        at: t0(),
        by: "fuzz".into(),
        event: Event::Declared {
            id: "fuzz".into(),
            title: pb.title.clone(),
            severity: pb
                .severities
                .first()
                .map(|s| s.id.value.clone())
                .unwrap_or_default(),
            status: Status::Investigating,
            ic: "ic".into(),
            playbook: pb.name.value.clone(),
            procedure: String::new(),
            drill: false,
            source: None,
            scenario: None,
            watch: BTreeMap::new(),
        },
    };
    let inc = Incident::replay(&[declared]);
    for proc_ in &pb.procedures {
        let timers = crate::clocks::timers(&pb, proc_, &inc);
        crate::clocks::newly_due(&timers, &inc, t0());
        for step in proc_.steps() {
            if let Some(cmd) = &step.command {
                let values = cmd
                    .params
                    .iter()
                    .map(|(n, p)| (n.clone(), p.default.clone().unwrap_or_else(|| "x".into())))
                    .collect();
                let _ = resolve(cmd, &values, &step.id.value);
            }
        }
    }
}

/// A scenario file: YAML → schema → the format's checks (durations,
/// patterns, the script played through); one that loads is checked
/// against the bundled playbook and played as a drill plays it.
pub fn scenario(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let s = match parse_scenario("fuzz.yaml", &text) {
        Ok(s) => s,
        Err(e) => return assert_placed(&e, "fuzz.yaml"),
    };
    if let Some(pb) = dicps()
        && let Err(e) = s.check_playbook(pb)
    {
        assert_placed(&e, "fuzz.yaml");
    }
    let mut o = crate::session::initial_observed(&s, t0());
    for inj in s.timed_injects() {
        inj.apply(&mut o, t0() + inj.offset());
        inj.summary();
        Scenario::canned_for(&s.commands, "kubectl get pods", inj.offset());
    }
}

/// A `timeline.jsonl` of any bytes: records read (torn and bad lines
/// skipped with their place), folded into the incident, resumed as a
/// seat does (with the bundled playbooks and scenarios: no disk) and
/// drawn, exported, and replayed as a drill scenario that must load.
pub fn timeline(data: &[u8]) {
    let read = crate::timeline::store::parse(Path::new("timeline.jsonl"), data);
    for w in &read.warnings {
        assert!(w.starts_with("timeline.jsonl:"), "not placed: {w}");
    }
    let records = &read.records;
    let inc = Incident::replay(records);
    let now = records.last().map_or_else(t0, |r| r.at);
    inc.elapsed(now);
    inc.drill_time(now);
    inc.response_clock(
        inc.response_start(|_| None),
        Some(std::time::Duration::from_secs(900)),
        now,
    );

    if let Ok(st) = crate::session::existing_state_with(
        records.to_vec(),
        "fuzz@seat",
        crate::session::Seat::Resume,
        now,
        &load_bundled_declared,
    ) && let Ok(mut term) = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40))
    {
        let _ = term.draw(|f| {
            crate::ui::draw(&st, f);
        });
    }

    let utc = FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!());
    if let Ok(f) = crate::export::facts(records, dicps(), utc) {
        crate::export::markdown::render(&f);
        crate::export::json::render(&f);
        if f.incident.drill {
            let _ = crate::export::after_action::render(records, dicps(), None, utc);
        }
    }
    if let Ok(s) = crate::export::scenario::scenario_from(records) {
        let yaml = crate::export::scenario::to_yaml(&s, "fuzz");
        if let Err(e) = parse_scenario("replay.yaml", &yaml) {
            panic!("the replayed scenario does not load: {e}\n{yaml}");
        }
    }
}

/// A markdown runbook: imported, written as YAML and loaded back through
/// schema and lint, as `playbook import` then the cockpit do. The import
/// either says there is nothing to import or makes a playbook that loads.
pub fn import(data: &[u8]) {
    use crate::playbook::import::{ImportError, import, to_yaml};
    let md = String::from_utf8_lossy(data);
    let pb = match import(&md, "fuzz.md") {
        Ok(pb) => pb,
        Err(ImportError::NoSteps { .. } | ImportError::TooLarge { .. }) => return,
        Err(e) => panic!("{e}"),
    };
    let yaml = to_yaml(&pb);
    if let Err(e) = load_with_reader(Path::new("imported.yaml"), |_| Ok(yaml.clone())) {
        panic!("the imported playbook does not load: {e}\n{yaml}");
    }
}

/// A command template and its parameters: the first byte's low bit says
/// `shell: true`; the rest, split at NUL bytes, is the template, then
/// pairs of a parameter (`name` or `name=token`) and its value. Resolved
/// as the runner does. Without a shell, the words shown paste back as the
/// same words; with one, `sh -c` gets the very words exec would: every
/// value literal, where its placeholder stands, inside its word.
pub fn command(data: &[u8]) {
    let Some((flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let run = parts.next().unwrap_or_default();
    let mut params = BTreeMap::new();
    let mut values = BTreeMap::new();
    while let (Some(spec), Some(value)) = (parts.next(), parts.next()) {
        let (name, token) = match spec.split_once('=') {
            Some((n, t)) => (n, Some(t.to_string())),
            None => (spec, None),
        };
        let param = Param {
            description: None,
            default: None,
            pattern: None,
            secret: false,
            from: None,
            token,
        };
        params.insert(name.to_string(), param);
        values.insert(name.to_string(), value.to_string());
    }
    let mut cmd = Command {
        run: At::new(run.to_string()),
        risk: None,
        params,
        timeout: None,
        shell: false,
        workdir: None,
    };
    let argv = match resolve(&cmd, &values, "step").map(|r| r.program) {
        Ok(Program::Argv(argv)) => Some(argv),
        _ => None,
    };
    if let Some(argv) = &argv {
        let display = Program::Argv(argv.clone()).display();
        assert_eq!(
            shell_words::split(&display).ok().as_ref(),
            Some(argv),
            "the command as shown does not paste back: {display}"
        );
    }
    if flags & 1 == 0 {
        return;
    }
    cmd.shell = true;
    let Ok(Program::Shell(script)) = resolve(&cmd, &values, "step").map(|r| r.program) else {
        return;
    };
    // shell-words reads no here-document, backquote or `$(…)` (whose
    // quotes are its own, even inside double quotes), nor a `#` right
    // after an operator as a comment: those templates are left to a unit
    // test of `resolve` that runs them through sh.
    let sh_only = ["<<", "`", "$(", ";#", "&#", "|#", "(#", ")#"];
    if let Some(argv) = argv.filter(|_| !sh_only.iter().any(|p| run.contains(p))) {
        assert_eq!(
            shell_words::split(&script).ok(),
            Some(argv),
            "with a shell a value escaped its word: {script}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::TARGETS;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::path::Path;

    /// Every committed seed and every input a fuzzer once broke, through
    /// its target's body: a regression fails here, naming the file.
    #[test]
    fn every_seed_and_regression_passes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let mut failed = Vec::new();
        for (name, body) in TARGETS {
            let mut seen = 0;
            for kind in ["seeds", "regressions"] {
                let Ok(dir) = std::fs::read_dir(root.join(kind).join(name)) else {
                    continue;
                };
                for entry in dir.flatten() {
                    let path = entry.path();
                    let bytes = std::fs::read(&path).unwrap();
                    seen += 1;
                    if catch_unwind(AssertUnwindSafe(|| body(&bytes))).is_err() {
                        failed.push(path.display().to_string());
                    }
                }
            }
            assert!(seen > 0, "no seeds for fuzz target {name}");
        }
        assert!(failed.is_empty(), "inputs that fail: {failed:#?}");
    }
}
