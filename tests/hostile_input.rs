//! End to end: text from outside that carries terminal control sequences
//! (an OSC 52 clipboard write, a screen clear, a C1 CSI, a bidi override)
//! reaches the screen, the timeline file and the export inert. The cockpit
//! runs in a real tmux with `set-clipboard on`, so a real OSC 52 would land
//! in a tmux paste buffer, and every byte it writes is kept (`pipe-pane`).
//! Three ways in: a real Alertmanager's alert, another seat's note, and a
//! command's output.

use crate::common;

use common::alertmanager::{Am, PLAYBOOK};
use common::{BIN, Tmux, read_records, timelines_in};
use std::path::{Path, PathBuf};
use std::process::Command;

/// base64 of "hacked": what the OSC 52 would put on the clipboard.
const OSC52: &str = "\x1b]52;c;aGFja2Vk\x07";
const CLEAR: &str = "\x1b[2J";
/// The 8-bit CSI (U+009B) and RIGHT-TO-LEFT OVERRIDE (U+202E).
const C1_CSI: char = '\u{9b}';
const RLO: char = '\u{202e}';

/// Turns on tmux's clipboard (an OSC 52 from the pane becomes a paste
/// buffer) and keeps every byte the pane's program writes from now on.
fn watch_output(t: &Tmux) -> PathBuf {
    t.tmux(&["set", "-s", "set-clipboard", "on"]);
    let raw = t.dir.path().join("pane-output.raw");
    std::fs::write(&raw, b"").unwrap();
    t.tmux(&["pipe-pane", "-o", &format!("cat >> '{}'", raw.display())]);
    raw
}

/// What the pane wrote must hold none of the hostile sequences.
fn assert_nothing_hostile_written(t: &Tmux, raw: &Path) {
    let buffers = t.tmux(&["list-buffers"]);
    assert_eq!(buffers.trim(), "", "a clipboard write reached tmux");
    let bytes = std::fs::read(raw).unwrap();
    assert!(!bytes.is_empty(), "pipe-pane recorded the cockpit's output");
    let find = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(!find(b"\x1b]52"), "an OSC 52 was written to the terminal");
    assert!(!find(CLEAR.as_bytes()), "a screen clear was written");
    assert!(!bytes.contains(&0x07), "a BEL was written");
    assert!(!find(C1_CSI.to_string().as_bytes()), "a C1 CSI was written");
    assert!(
        !find(RLO.to_string().as_bytes()),
        "a bidi override was written"
    );
}

/// Proves the two traps work here: an OSC 52 written by a program in this
/// tmux server does become a paste buffer.
fn assert_the_clipboard_trap_works(t: &Tmux) {
    t.tmux(&[
        "new-window",
        "-d",
        "printf '\\033]52;c;Y29udHJvbA==\\007'; sleep 30",
    ]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let b = t.tmux(&["list-buffers"]);
        if b.contains("control") {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "tmux never turned an OSC 52 into a buffer: the test cannot see one ({b:?})"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A file's bytes hold no raw control, C1 or bidi character (newlines
/// between lines aside).
fn assert_file_inert(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap();
    let bad: Vec<String> = text
        .chars()
        .filter(|c| *c != '\n' && incident_cockpit::sanitize::is_dangerous(*c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(bad.is_empty(), "{what} holds raw {bad:?}:\n{text}");
}

#[test]
fn an_alert_with_an_osc52_and_a_screen_clear_is_shown_recorded_and_exported_inert() {
    let am = Am::start();
    // 120x40 as in e2e_alerts: its focus order (checklist, timeline, alerts).
    let t = Tmux::start(
        120,
        40,
        &format!("open --playbook {PLAYBOOK} --alertmanager {}", am.url()),
    );
    let before = t.wait_for("the cockpit, polling", |s| {
        s.contains("● connected") && s.contains("Checklist: Test")
    });
    assert!(before.contains("Look at the alerts"), "{before}");
    let raw = watch_output(&t);

    let summary = format!("copy {OSC52} {CLEAR}{C1_CSI}31m{RLO}gpj");
    let team = format!("ops{C1_CSI}1;1H{RLO}evil");
    let alert = serde_json::json!([{
        "labels": {
            "alertname": "Hostile",
            "severity": "critical",
            "service": "dicps-api",
            "team": team,
        },
        "annotations": {
            "summary": summary,
            "description": format!("{OSC52}{CLEAR}"),
        },
        "generatorURL": "http://prometheus.example/graph",
    }]);
    am.post_alerts(&alert.to_string());

    // Listed and recorded; what was drawn before is still there (a screen
    // clear would have wiped it, and only changed cells are redrawn).
    t.wait_for("the alert and its firing, the checklist drawn", |s| {
        s.contains("Hostile")
            && s.contains("alert firing Hostile")
            && s.contains("Checklist: Test")
            && s.contains("Look at the alerts")
    });
    // The timeline zoomed to the whole width: the recorded firing, inert.
    t.keys(&["BTab", "z"]);
    t.wait_for("the firing, inert", |s| {
        s.contains(
            "alert firing Hostile (critical): copy ^[]52;c;aGFja2Vk^G ^[[2J<U+009B>31m<U+202E>gpj",
        )
    });
    t.keys(&["z"]);
    t.wait_for("the panes again", |s| s.contains("Checklist: Test"));

    // The detail: every label and annotation, whole and inert.
    t.keys(&["BTab"]); // timeline → alerts
    t.keys(&["Enter"]);
    let d = t.wait_for("the alert's detail", |s| s.contains("Annotations"));
    assert!(
        d.contains("summary = copy ^[]52;c;aGFja2Vk^G ^[[2J<U+009B>31m<U+202E>gpj"),
        "{d}"
    );
    assert!(d.contains("description = ^[]52;c;aGFja2Vk^G^[[2J"), "{d}");
    assert!(d.contains("team = ops<U+009B>1;1H<U+202E>evil"), "{d}");
    t.keys(&["Escape"]);
    t.wait_for("the detail closed", |s| !s.contains("Annotations"));

    assert_nothing_hostile_written(&t, &raw);
    t.quit_open();

    // The record on disk: no raw control bytes, yet the text exactly.
    let file = &t.timelines()[0];
    assert_file_inert("the timeline", &std::fs::read(file).unwrap());
    let recs = read_records(file);
    let firing = recs
        .iter()
        .find(|r| r["kind"] == "alert_firing")
        .expect("the firing is recorded");
    assert_eq!(firing["summary"], summary.as_str(), "recorded faithfully");

    // The exports: markdown and JSON, inert too.
    let export = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(["--state-dir", t.state.to_str().unwrap(), "export"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let md = export(&[]);
    assert_file_inert("the markdown export", &md);
    let md = String::from_utf8(md).unwrap();
    assert!(
        md.contains(r"copy ^\[\]52;c;aGFja2Vk^G ^\[\[2J\<U+009B\>31m\<U+202E\>gpj"),
        "{md}"
    );
    let json = export(&["--format", "json"]);
    assert_file_inert("the JSON export", &json);
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let rec = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "alert_firing")
        .unwrap();
    assert_eq!(rec["summary"], summary.as_str());

    assert_the_clipboard_trap_works(&t);
}

#[test]
fn another_seats_note_with_control_sequences_is_inert_on_a_joined_seat() {
    let shared = tempfile::tempdir().unwrap();
    let state = shared.path().join("state");
    let a = Tmux::start_in(tempfile::tempdir().unwrap(), &state, 200, 45, "drill");
    a.wait_for("the drill", |s| s.contains("DRILL"));
    let file = timelines_in(&state.join("drills"))[0].clone();
    let id = file
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let b = Tmux::start_in(
        tempfile::tempdir().unwrap(),
        &state,
        200,
        45,
        &format!("join {id}"),
    );
    b.wait_for("the joined seat", |s| s.contains("Checklist"));
    let raw = watch_output(&b);

    // As a script would: incident-cockpit note ID $'…\e]52;c;…\a…\e[2J…'
    let note = format!("n1 {OSC52} {CLEAR} {C1_CSI}2J {RLO}kcab");
    let out = Command::new(BIN)
        .args(["--state-dir", state.to_str().unwrap(), "note", &id, &note])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = "note: n1 ^[]52;c;aGFja2Vk^G ^[[2J <U+009B>2J <U+202E>kcab";
    let s = b.wait_for("the note on the joined seat", |s| s.contains(want));
    assert!(s.contains("Checklist"), "still drawn:\n{s}");
    a.wait_for("the note on the first seat", |s| s.contains(want));
    assert_nothing_hostile_written(&b, &raw);

    for t in [&a, &b] {
        t.keys(&["C-c"]);
        assert_eq!(t.wait_exit(), "0");
    }
    let bytes = std::fs::read(&file).unwrap();
    assert_file_inert("the timeline", &bytes);
    let recs = read_records(&file);
    assert!(
        recs.iter()
            .any(|r| r["kind"] == "note" && r["text"] == note.as_str()),
        "the note is recorded faithfully"
    );
    assert_the_clipboard_trap_works(&b);
}

#[test]
fn a_commands_hostile_output_is_inert_in_the_output_pane_and_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let playbook = dir.path().join("hostile.yaml");
    // printf turns the octal escapes into the real bytes: ESC ] 52 ... BEL,
    // ESC [ 2 J, U+009B (C2 9B) and U+202E (E2 80 AE).
    std::fs::write(
        &playbook,
        r#"name: hostile
title: Hostile output
severities:
  - {id: P1, name: High, response: 1h}
procedures:
  - id: test
    name: Test
    severity: P1
    phases:
      - id: p
        name: P
        steps:
          - id: evil
            title: Print something hostile
            command:
              risk: read
              run: |-
                printf 'out \033]52;c;aGFja2Vk\007 \033[2J \302\2332J \342\200\256kcab end\n'
"#,
    )
    .unwrap();
    let t = Tmux::start(160, 45, &format!("open --playbook {}", playbook.display()));
    t.wait_for("the cockpit", |s| s.contains("Print something hostile"));
    let raw = watch_output(&t);
    t.keys(&["Enter"]);
    t.wait_for("the run dialog", |s| {
        s.contains("This exact command will run")
    });
    t.keys(&["Enter"]);
    let s = t.wait_for("the output, inert", |s| {
        s.contains("out ^[]52;c;aGFja2Vk^G ^[[2J <U+009B>2J <U+202E>kcab end")
            && s.contains("exit 0")
    });
    assert!(s.contains("Checklist: Test"), "still drawn:\n{s}");
    assert_nothing_hostile_written(&t, &raw);
    t.keys(&["C-c"]);
    assert_eq!(t.wait_exit(), "0");

    let file = &t.timelines()[0];
    assert_file_inert("the timeline", &std::fs::read(file).unwrap());
    let recs = read_records(file);
    let finished = recs
        .iter()
        .find(|r| r["kind"] == "command_finished")
        .expect("the end is recorded");
    assert_eq!(
        finished["last_lines"][0],
        format!("out {OSC52} {CLEAR} {C1_CSI}2J {RLO}kcab end").as_str(),
        "recorded faithfully"
    );
    assert_the_clipboard_trap_works(&t);
}
