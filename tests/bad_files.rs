//! Bad files, as a user meets them with the real binary: a playbook, a
//! scenario, a layout, a config file or a timeline that is broken (YAML
//! syntax, a wrong type, an unknown field, a semantic error; for the
//! timeline a damaged line in the middle, a torn last line, a record of a
//! kind this version does not know, a line that is not UTF-8, an empty
//! file, a gap in the sequence numbers). Each gets an error that says what
//! is wrong, where (file:line:column) and what to do, before the terminal
//! is touched; and nothing already recorded is lost: a timeline is never
//! truncated or rewritten.

use crate::common;

use common::{BIN, Tmux};
use std::path::{Path, PathBuf};
use std::process::Command;

const ALERTS_PLAYBOOK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/alerts-playbook.yaml"
);

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The binary on a state directory, with its own (empty) config home and
/// no cluster, as a user would run it.
fn run(home: &Path, args: &[&str]) -> Out {
    let out = Command::new(BIN)
        .args(["--state-dir", home.join("state").to_str().unwrap()])
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("HOME", home)
        .env("KUBECONFIG", home.join("no-kubeconfig"))
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env_remove("INCIDENT_COCKPIT_ALERTMANAGER")
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Refused: exit 2, every `wanted` piece in the message, and the terminal
/// never touched (no raw mode, no alternate screen: nothing but text).
#[track_caller]
fn assert_refused(out: &Out, wanted: &[&str]) {
    assert_eq!(out.code, 2, "refused with exit 2:\n{}", out.stderr);
    for w in wanted {
        assert!(
            out.stderr.contains(w),
            "the message says {w:?}:\n{}",
            out.stderr
        );
    }
    assert!(
        !out.stdout.contains('\x1b') && !out.stderr.contains('\x1b'),
        "no terminal sequence was written: {:?}{:?}",
        out.stdout,
        out.stderr
    );
    assert!(
        !out.stderr.contains("cannot set up the terminal"),
        "refused before the terminal: {}",
        out.stderr
    );
}

/// Nothing was declared under the state directory.
#[track_caller]
fn assert_nothing_declared(home: &Path) {
    for folder in ["incidents", "drills"] {
        let d = home.join("state").join(folder);
        let n = std::fs::read_dir(&d).map(|e| e.count()).unwrap_or(0);
        assert_eq!(n, 0, "nothing declared in {}", d.display());
    }
}

/// The lines of a live incident `id` declared with the playbook at
/// `source`: the declaration, a tick and two notes (seq 1-4).
fn records(id: &str, source: &str) -> Vec<String> {
    vec![
        format!(
            r#"{{"seq":1,"at":"2026-11-22T13:00:00.000Z","by":"ana@bastion-1","kind":"declared","id":"{id}","title":"API down","severity":"P1","status":"investigating","ic":"ana@bastion-1","playbook":"alerts-test","procedure":"test","drill":false,"source":"{source}"}}"#
        ),
        r#"{"seq":2,"at":"2026-11-22T13:00:10.000Z","by":"ana@bastion-1","kind":"step_checked","step":"look","title":"Look at the alerts"}"#.to_string(),
        r#"{"seq":3,"at":"2026-11-22T13:00:20.000Z","by":"ana@bastion-1","kind":"note","text":"rolled back v2.4.1"}"#.to_string(),
        r#"{"seq":4,"at":"2026-11-22T13:00:30.000Z","by":"bo@bastion-2","kind":"note","text":"paged the DBA"}"#.to_string(),
    ]
}

/// Writes an incident's timeline from raw lines (each with its newline);
/// returns its path and bytes.
fn timeline(home: &Path, id: &str, lines: &[&[u8]]) -> (PathBuf, Vec<u8>) {
    let dir = home.join("state/incidents").join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("timeline.jsonl");
    let mut bytes = Vec::new();
    for l in lines {
        bytes.extend_from_slice(l);
        bytes.push(b'\n');
    }
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

/// A healthy incident of four records, declared with `source`.
fn healthy(home: &Path, id: &str, source: &str) -> (PathBuf, Vec<u8>) {
    let r = records(id, source);
    let lines: Vec<&[u8]> = r.iter().map(|l| l.as_bytes()).collect();
    timeline(home, id, &lines)
}

#[track_caller]
fn assert_unchanged(path: &Path, before: &[u8]) {
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "{} is byte for byte what it was",
        path.display()
    );
}

fn write(path: &Path, text: &str) -> String {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    path.display().to_string()
}

// ---------------------------------------------------------------- playbook

/// The alerts fixture with one change.
fn playbook_with(change: impl Fn(&str) -> String) -> String {
    change(&std::fs::read_to_string(ALERTS_PLAYBOOK).unwrap())
}

#[test]
fn a_bad_playbook_is_refused_with_each_problem_placed_and_nothing_declared() {
    let home = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "syntax",
            playbook_with(|s| s.replace("title: Alerts test", "title: [Alerts test")),
            ":3:6: illegal placement of ':' indicator",
        ),
        (
            "wrong type",
            playbook_with(|s| s.replace("    severity: P1", "    severity: [P1]")),
            ":14:15: ",
        ),
        (
            "unknown field",
            playbook_with(|s| s.replace("title: Alerts test", "title: Alerts test\ncolour: red")),
            ":3:1: ",
        ),
        (
            "semantic",
            playbook_with(|s| s.replace("    severity: P1", "    severity: P9")),
            ":14:15: unknown severity \"P9\" (expected one of: P1)",
        ),
    ];
    for (what, text, place) in cases {
        let f = write(&home.path().join(format!("{what}.yaml")), &text);
        let out = run(home.path(), &["open", "--playbook", &f]);
        assert_refused(
            &out,
            &[
                &format!("{f}{place}"),
                "The playbook has problems",
                &format!("`incident-cockpit playbook lint {f}` checks it"),
                "Nothing was recorded or changed",
            ],
        );
        assert_nothing_declared(home.path());
    }
}

#[test]
fn resuming_with_a_playbook_broken_since_refuses_and_leaves_the_record() {
    let home = tempfile::tempdir().unwrap();
    let pb = write(
        &home.path().join("mine.yaml"),
        &std::fs::read_to_string(ALERTS_PLAYBOOK).unwrap(),
    );
    let (path, before) = healthy(home.path(), "20261122-130000-test", &pb);
    // Edited during the incident, with a mistake.
    write(
        Path::new(&pb),
        &playbook_with(|s| s.replace("      - id: p\n", "      - id: p\n        timebox: soon\n")),
    );
    for args in [
        &["resume", "20261122-130000-test"][..],
        &["join", "20261122-130000-test"][..],
    ] {
        let out = run(home.path(), args);
        assert_refused(
            &out,
            &[
                "cannot rebuild incident 20261122-130000-test",
                &format!("{pb}:17:18: bad time box \"soon\""),
                &format!("The playbook this incident was declared with ({pb}) has problems"),
                &format!("`incident-cockpit playbook lint {pb}` checks it"),
            ],
        );
        assert_unchanged(&path, &before);
    }
}

// ---------------------------------------------------------------- scenario

const SCENARIO: &str = "name: mine
title: My drill
playbook: dicps.yaml
procedure: api-outage
severity: P0
alerts:
  - {alertname: APIDown, severity: critical, summary: down}
injects:
  - at: 15s
    message: {from: Support, text: tickets}
  - at: 30s
    alert_resolved: APIDown
";

#[test]
fn a_bad_scenario_is_refused_with_each_problem_placed_and_nothing_declared() {
    let home = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "syntax",
            SCENARIO.replace("title: My drill", "title: {My drill"),
            ":4:10: while parsing a flow mapping, did not find expected ',' or '}'",
        ),
        (
            "wrong type",
            SCENARIO.replace("  - at: 15s", "  - at: [15s]"),
            ":9:9: ",
        ),
        (
            "unknown field",
            SCENARIO.replace("    message:", "    mesage:"),
            ":10:5: ",
        ),
        (
            "semantic",
            SCENARIO.replace("alert_resolved: APIDown", "alert_resolved: DiskFull"),
            ":12:21: alert \"DiskFull\" is not firing at 30s",
        ),
    ];
    for (what, text, place) in cases {
        let f = write(&home.path().join(format!("{what}.yaml")), &text);
        let out = run(home.path(), &["drill", &f]);
        assert_refused(
            &out,
            &[
                &format!("{f}{place}"),
                "The scenario has problems",
                "`incident-cockpit drill --schema` gives the scenario format",
                "Nothing was recorded or changed",
            ],
        );
        assert_nothing_declared(home.path());
    }
    // Sanity: the scenario as written is good (the cases above are the
    // changes, not something else).
    let f = write(&home.path().join("good.yaml"), SCENARIO);
    let out = run(home.path(), &["drill", &f]);
    assert!(
        !out.stderr.contains("has problems"),
        "the base scenario loads: {}",
        out.stderr
    );
}

#[test]
fn resuming_a_drill_whose_scenario_broke_since_refuses_and_leaves_the_record() {
    let home = tempfile::tempdir().unwrap();
    let sc = write(&home.path().join("mine.yaml"), SCENARIO);
    let id = "drill-20261122-130000-mine";
    let dir = home.path().join("state/drills").join(id);
    let declared = format!(
        r#"{{"seq":1,"at":"2026-11-22T13:00:00.000Z","by":"ana@bastion-1","kind":"declared","id":"{id}","title":"My drill","severity":"P0","status":"investigating","ic":"ana@bastion-1","playbook":"dicps","procedure":"api-outage","drill":true,"source":"bundled:dicps.yaml","scenario":"{sc}"}}"#
    );
    let note = r#"{"seq":2,"at":"2026-11-22T13:00:20.000Z","by":"ana@bastion-1","kind":"note","text":"players briefed"}"#;
    let path = PathBuf::from(write(
        &dir.join("timeline.jsonl"),
        &format!("{declared}\n{note}\n"),
    ));
    let before = std::fs::read(&path).unwrap();
    write(
        Path::new(&sc),
        &SCENARIO.replace("  - at: 15s", "  - at: soon"),
    );
    for args in [&["resume", id][..], &["drill", "--facilitator", id][..]] {
        let out = run(home.path(), args);
        assert_refused(
            &out,
            &[
                &format!("cannot rebuild incident {id}"),
                &format!("{sc}:9:9: bad duration"),
                "The scenario has problems",
            ],
        );
        assert_unchanged(&path, &before);
    }
}

// ---------------------------------------------------------------- layout

const LAYOUT: &str = "name: mine
root:
  rows:
    - {pane: header, size: 2}
    - {pane: checklist, size: fill}
    - {pane: footer, size: 1}
";

fn bundled_layouts() -> &'static str {
    "--layout default|split|compact|wallboard|facilitator"
}

#[test]
fn a_bad_layout_is_refused_with_each_problem_placed_and_nothing_declared() {
    let home = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "syntax",
            LAYOUT.replace("{pane: header, size: 2}", "{pane: header, size: 2"),
            ":6:5: \"-\" is only valid inside a block",
        ),
        (
            "wrong type",
            LAYOUT.replace("size: fill", "size: [fill]"),
            ":5:31: ",
        ),
        (
            "unknown field",
            LAYOUT.replace("size: fill", "sise: fill"),
            ":5:25: ",
        ),
        (
            "semantic",
            LAYOUT.replace("size: fill", "size: big"),
            ":5:31: bad size \"big\"",
        ),
    ];
    for (what, text, place) in cases {
        let f = write(&home.path().join(format!("{what}.yaml")), &text);
        for args in [
            vec!["--layout", f.as_str(), "drill"],
            vec![
                "--layout",
                f.as_str(),
                "open",
                "--playbook",
                ALERTS_PLAYBOOK,
            ],
        ] {
            let out = run(home.path(), &args);
            assert_refused(
                &out,
                &[
                    &format!("{f}{place}"),
                    "The layout has problems",
                    bundled_layouts(),
                    "Nothing was recorded or changed",
                ],
            );
            assert_nothing_declared(home.path());
        }
    }
}

#[test]
fn resuming_with_a_bad_layout_refuses_and_leaves_the_record() {
    let home = tempfile::tempdir().unwrap();
    let (path, before) = healthy(home.path(), "20261122-130000-test", ALERTS_PLAYBOOK);
    let f = write(
        &home.path().join("mine.yaml"),
        &LAYOUT.replace("size: fill", "size: big"),
    );
    // Named on the command line, or by the config file.
    write(
        &home.path().join("config/incident-cockpit/config.yaml"),
        &format!("layout: {f}\n"),
    );
    for args in [
        &["--layout", f.as_str(), "resume", "20261122-130000-test"][..],
        &["resume", "20261122-130000-test"][..],
        &["join", "20261122-130000-test"][..],
    ] {
        let out = run(home.path(), args);
        assert_refused(
            &out,
            &[&format!("{f}:5:31: bad size \"big\""), bundled_layouts()],
        );
        assert_unchanged(&path, &before);
    }
}

// ---------------------------------------------------------------- config

const CONFIG: &str = "theme: dark
mouse: false
keys:
  note: [\"N\"]
";

#[test]
fn a_bad_config_is_refused_with_each_problem_placed_and_nothing_declared() {
    let home = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "syntax",
            CONFIG.replace("[\"N\"]", "[\"N\""),
            ":4:9: unclosed bracket '['",
        ),
        (
            "wrong type",
            CONFIG.replace("mouse: false", "mouse: maybe"),
            ":2:8: invalid YAML 1.1 bool: `maybe`",
        ),
        (
            "unknown field",
            CONFIG.replace("mouse: false", "mouse: false\ncolour: red"),
            ":3:1: unknown field \"colour\" in the config file",
        ),
        (
            "semantic",
            CONFIG.replace("[\"N\"]", "[q]"),
            ":4:3: key q is bound to both",
        ),
    ];
    for (what, text, place) in cases {
        let f = write(&home.path().join(format!("{what}.yaml")), &text);
        let out = run(home.path(), &["--config", &f, "drill"]);
        assert_refused(
            &out,
            &[
                &format!("{f}{place}"),
                "The config file has problems",
                "`incident-cockpit config check` checks it; --config FILE uses another",
                "Nothing was recorded or changed",
            ],
        );
        assert_nothing_declared(home.path());
        // `config check` says the same, exit 1.
        let out = run(home.path(), &["--config", &f, "config", "check"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            out.stderr.contains(&format!("{f}{place}")),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn resuming_or_joining_with_a_bad_config_refuses_and_leaves_the_record() {
    let home = tempfile::tempdir().unwrap();
    let (path, before) = healthy(home.path(), "20261122-130000-test", ALERTS_PLAYBOOK);
    // The config file in its usual place, broken.
    let f = write(
        &home.path().join("config/incident-cockpit/config.yaml"),
        "theme: purple\n",
    );
    for args in [
        &["resume", "20261122-130000-test"][..],
        &["join", "20261122-130000-test"][..],
        &["join", "--viewer", "20261122-130000-test"][..],
    ] {
        let out = run(home.path(), args);
        assert_refused(
            &out,
            &[
                &format!("{f}:1:8: "),
                "The config file has problems",
                "`incident-cockpit config check` checks it",
            ],
        );
        assert_unchanged(&path, &before);
    }
}

// ---------------------------------------------------------------- timeline

const ID: &str = "20261122-130000-test";

#[test]
fn a_damaged_line_in_the_middle_is_never_rewritten_and_writing_seats_refuse() {
    let r = records(ID, ALERTS_PLAYBOOK);
    // Each kind of damage as line 3, between records that are fine.
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "a hand edit gone wrong",
            br#"{"seq":3,"at":"2026-11-22T13:00:20.000Z","by":"ana@bastion-1","kind":"note","text":"rolled back" v2.4.1}"#.to_vec(),
            "timeline.jsonl:3:98: unreadable line: expected `,` or `}`; skipped",
        ),
        (
            "not UTF-8",
            [&r[2].as_bytes()[..80], b"\xff\xfe", &r[2].as_bytes()[80..]].concat(),
            "timeline.jsonl:3:81: not UTF-8 text (byte 0xff); skipped",
        ),
        (
            "a record from a newer version",
            br#"{"seq":3,"at":"2026-11-22T13:00:20.000Z","by":"ana@bastion-1","kind":"escalation_paged","who":"CTO"}"#.to_vec(),
            "timeline.jsonl:3: a record of kind \"escalation_paged\", which this version of incident-cockpit does not know (written by a newer version? use that one); skipped",
        ),
        (
            "out of order",
            r[0].as_bytes().to_vec(),
            "timeline.jsonl:3: record seq 1 does not follow seq 2 (out of order); skipped",
        ),
        (
            // Looks like a write cut short, but record 4 follows: it was cut
            // after it was written (issue 14: it was skipped as torn).
            "a record cut short in the middle",
            br#"{"seq":3,"at":"garbage here"#.to_vec(),
            "timeline.jsonl:3: a record cut short that the next record does not replace (record 4 follows record 2)",
        ),
    ];
    for (what, bad, said) in cases {
        let home = tempfile::tempdir().unwrap();
        let (path, before) = timeline(
            home.path(),
            ID,
            &[r[0].as_bytes(), r[1].as_bytes(), &bad, r[3].as_bytes()],
        );
        for args in [
            &["resume", ID][..],
            &["join", ID][..],
            &["note", ID, "still", "here"][..],
        ] {
            let out = run(home.path(), args);
            assert_refused(
                &out,
                &[
                    &format!("the timeline of {ID} has 1 line(s) that cannot be read"),
                    said,
                    "Nothing was changed: the file is kept exactly as it is",
                    &format!("sed -n '3p' {}", path.display()),
                    &format!("`incident-cockpit join --viewer {ID}` shows the rest"),
                ],
            );
            assert_unchanged(&path, &before);
        }
        // The export reads every other record, and says what it skipped.
        let out = run(home.path(), &["export", ID]);
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert!(out.stderr.contains(said), "{what}: {}", out.stderr);
        assert!(
            out.stdout.contains("paged the DBA"),
            "{what}: {}",
            out.stdout
        );
        assert_unchanged(&path, &before);
    }
}

#[test]
fn a_viewer_reads_a_damaged_timeline_says_where_and_changes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let r = records(ID, ALERTS_PLAYBOOK);
    let (path, before) = timeline(
        home.path(),
        ID,
        &[
            r[0].as_bytes(),
            r[1].as_bytes(),
            b"{\"seq\":3,garbage",
            r[3].as_bytes(),
        ],
    );
    let t = Tmux::start_in(
        tempfile::tempdir().unwrap(),
        &home.path().join("state"),
        200,
        40,
        &format!("join --viewer {ID}"),
    );
    // The footer says which line (waited for with the rest: a capture
    // taken mid-frame may not have the footer yet).
    t.wait_for("the viewer's seat saying the damaged line", |s| {
        s.contains("paged the DBA")
            && s.contains("timeline.jsonl:3:10: unreadable line: key must be a string; skipped")
            && s.contains("[x] Look at the alerts")
    });
    t.keys(&["C-c"]);
    assert_eq!(t.wait_exit(), "0");
    assert_unchanged(&path, &before);
}

#[test]
fn a_resume_refused_in_a_terminal_leaves_it_as_it_was() {
    let home = tempfile::tempdir().unwrap();
    let r = records(ID, ALERTS_PLAYBOOK);
    let (path, before) = timeline(
        home.path(),
        ID,
        &[r[0].as_bytes(), b"{\"seq\":2,garbage", r[2].as_bytes()],
    );
    let t = Tmux::start_in(
        tempfile::tempdir().unwrap(),
        &home.path().join("state"),
        120,
        40,
        &format!("resume {ID}"),
    );
    assert_eq!(t.wait_exit(), "2");
    let s = t.screen();
    assert!(s.contains("timeline.jsonl:2:10: unreadable line"), "{s}");
    assert_eq!(
        t.pane("#{alternate_on}"),
        "0",
        "never on the alternate screen"
    );
    assert_eq!(t.pane("#{cursor_flag}"), "1", "the cursor is shown");
    assert_unchanged(&path, &before);
}

#[test]
fn a_torn_last_line_is_reported_skipped_and_kept_and_the_next_record_starts_a_line() {
    let home = tempfile::tempdir().unwrap();
    let r = records(ID, ALERTS_PLAYBOOK);
    let torn = br#"{"seq":5,"at":"2026-11-22T13:00:40.000Z","by":"ana@bastion-1","kind":"no"#;
    let (path, mut before) = timeline(
        home.path(),
        ID,
        &[
            r[0].as_bytes(),
            r[1].as_bytes(),
            r[2].as_bytes(),
            r[3].as_bytes(),
        ],
    );
    // Power lost mid-write: no newline after it.
    before.extend_from_slice(torn);
    std::fs::write(&path, &before).unwrap();
    let t = Tmux::start_in(
        tempfile::tempdir().unwrap(),
        &home.path().join("state"),
        200,
        40,
        &format!("resume {ID}"),
    );
    // The footer says where (waited for with the rest of the frame).
    t.wait_for("the resumed seat saying the torn line", |s| {
        s.contains("paged the DBA")
            && s.contains("timeline.jsonl:5:")
            && s.contains("torn last line")
    });
    // A new record: a note.
    t.keys(&["n"]);
    t.wait_for("the note editor", |s| s.contains("Ctrl-S save"));
    t.text("after the crash");
    t.keys(&["C-s"]);
    t.wait_for("the note", |s| s.contains("note: after the crash"));
    t.keys(&["C-c"]);
    assert_eq!(t.wait_exit(), "0");
    let after = std::fs::read(&path).unwrap();
    assert!(
        after.starts_with(&before),
        "every byte that was there is still there, torn ones too"
    );
    let added = String::from_utf8(after[before.len()..].to_vec()).unwrap();
    assert!(
        added.starts_with('\n'),
        "the torn line is closed off: {added:?}"
    );
    let notes: Vec<serde_json::Value> = added
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["kind"] == "note")
        .collect();
    assert_eq!(notes.len(), 1, "{added}");
    assert_eq!(notes[0]["text"], "after the crash");
    assert!(notes[0]["seq"].as_u64().unwrap() >= 5, "{added}");
    // Read again, the closed-off torn line is no damage: resume still works.
    let out = run(home.path(), &["note", ID, "and", "again"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// The records of [`records`], linked into a hash chain as the store writes
/// them.
fn chained(id: &str, source: &str) -> Vec<String> {
    use incident_cockpit::timeline::chain;
    let mut prev = chain::genesis(id);
    records(id, source)
        .into_iter()
        .map(|l| {
            let l = format!("{},\"prev\":\"{prev}\"}}", l.trim_end_matches('}'));
            prev = chain::hash_line(l.as_bytes());
            l
        })
        .collect()
}

/// A record changed by hand after it was written: the seat that resumes
/// says so at once, records it (once), and works on.
#[test]
fn a_record_changed_by_hand_is_said_on_resume_and_recorded_once() {
    let home = tempfile::tempdir().unwrap();
    let mut r = chained(ID, ALERTS_PLAYBOOK);
    r[2] = r[2].replace("rolled back v2.4.1", "nothing was rolled back");
    let lines: Vec<&[u8]> = r.iter().map(|l| l.as_bytes()).collect();
    let (path, _) = timeline(home.path(), ID, &lines);
    for _ in 0..2 {
        let t = Tmux::start_in(
            tempfile::tempdir().unwrap(),
            &home.path().join("state"),
            200,
            40,
            &format!("resume {ID}"),
        );
        t.wait_for("the warning", |s| {
            s.contains("The record is not as written: record 4")
        });
        t.wait_for("the record of it", |s| {
            s.contains("⚠ the record is not as written")
        });
        t.keys(&["n"]);
        t.wait_for("the note editor", |s| s.contains("Ctrl-S save"));
        t.text("still working");
        t.keys(&["C-s"]);
        t.wait_for("the note", |s| s.contains("note: still working"));
        t.keys(&["C-c"]);
        assert_eq!(t.wait_exit(), "0");
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text.matches("\"kind\":\"chain_broken\",\"record\":4")
            .count(),
        1,
        "{text}"
    );
    // What the cockpit wrote after it is linked: the chain breaks only
    // where the hand did.
    let v = Command::new(BIN)
        .arg("--state-dir")
        .arg(home.path().join("state"))
        .args(["verify", ID])
        .output()
        .unwrap();
    assert_eq!(v.status.code(), Some(1));
    let out = String::from_utf8_lossy(&v.stdout);
    assert!(out.contains("NOT AS WRITTEN at record 4 (line 4)"), "{out}");
}

#[test]
fn a_gap_in_sequence_numbers_is_said_and_nothing_is_skipped() {
    let home = tempfile::tempdir().unwrap();
    let r = records(ID, ALERTS_PLAYBOOK);
    // Record 3 was removed from the file by hand.
    let (path, before) = timeline(
        home.path(),
        ID,
        &[r[0].as_bytes(), r[1].as_bytes(), r[3].as_bytes()],
    );
    let t = Tmux::start_in(
        tempfile::tempdir().unwrap(),
        &home.path().join("state"),
        200,
        40,
        &format!("resume {ID}"),
    );
    // Wait for the whole frame: a capture taken while the first frame is
    // still being painted has the timeline but not yet the status line.
    t.wait_for("the resumed seat saying the gap", |s| {
        s.contains("paged the DBA")
            && s.contains("timeline.jsonl:3: record seq 4 follows seq 2: record 3 is missing (removed from the file?)")
    });
    t.keys(&["C-c"]);
    assert_eq!(t.wait_exit(), "0");
    assert!(
        std::fs::read(&path).unwrap().starts_with(&before),
        "appended to, never rewritten"
    );
    let out = run(home.path(), &["export", ID]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("record 3 is missing"), "{}", out.stderr);
}

#[test]
fn an_empty_timeline_says_it_was_never_declared() {
    let home = tempfile::tempdir().unwrap();
    let (path, _) = timeline(home.path(), ID, &[]);
    std::fs::write(&path, b"").unwrap();
    for args in [
        &["resume", ID][..],
        &["join", ID][..],
        &["note", ID, "x"][..],
    ] {
        let out = run(home.path(), args);
        assert_refused(
            &out,
            &[
                &format!(
                    "{ID} was never declared: its timeline {} is empty",
                    path.display()
                ),
                "declare it again",
            ],
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"", "left as it is");
    }
    let out = run(home.path(), &["list", "--all"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("not listed: {ID} was never declared")),
        "{}",
        out.stderr
    );
}

/// From a script (no terminal): `drill` and `open` say what is missing and
/// declare nothing (issue 14: a ghost P0 was left open, and a later `note`
/// with no id landed in it).
#[test]
fn without_a_terminal_nothing_is_declared() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["drill"][..],
        &["drill", "--facilitator"][..],
        &["open", "--playbook", "dicps"][..],
    ] {
        let out = run(home.path(), args);
        assert_refused(&out, &["needs a terminal", "was declared", "note"]);
        assert_nothing_declared(home.path());
    }
    // And a script's note finds no incident to land in.
    let out = run(home.path(), &["note", "a", "note"]);
    assert_ne!(out.code, 0, "{}", out.stdout);
}
