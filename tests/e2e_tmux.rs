//! End to end: the built binary (release under the README's test command)
//! driven in a real tmux: start the drill, tick a step, write a note, quit;
//! the timeline holds both records in order and the terminal is restored.

use crate::common;

use common::{BIN, Tmux, read_records};
use std::process::Command;

#[test]
fn drill_tick_note_quit_leaves_an_ordered_timeline_and_a_restored_terminal() {
    let t = Tmux::start(120, 40, "drill");
    t.wait_for("the cockpit", |s| {
        s.contains("DRILL") && s.contains("Checklist")
    });
    assert_eq!(
        t.pane("#{alternate_on}"),
        "1",
        "the cockpit uses the alternate screen"
    );

    t.keys(&["Space"]);
    t.wait_for("the tick", |s| s.contains("[x] Verify the outage"));
    t.keys(&["n"]);
    t.wait_for("the note editor", |s| s.contains("Ctrl-S save"));
    t.text("Rolled back to v2.4.0; watching error rate");
    t.keys(&["C-s"]);
    t.wait_for("the note in the timeline", |s| {
        s.contains("note: Rolled back to v2.4.0")
    });

    t.quit_open();
    assert_eq!(t.pane("#{alternate_on}"), "0", "alternate screen left");
    assert_eq!(t.pane("#{cursor_flag}"), "1", "cursor shown again");
    assert!(
        t.screen().contains("recorded in"),
        "says where the record is:\n{}",
        t.screen()
    );

    let files = t.timelines();
    assert_eq!(files.len(), 1, "one incident directory");
    // The after-action report is written beside the drill's timeline.
    let report = files[0].parent().unwrap().join("after-action.md");
    assert!(
        t.screen().contains("After-action report:"),
        "says where the report is:\n{}",
        t.screen()
    );
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(md.starts_with("# After-Action Report: [DRILL]"), "{md}");
    let recs = read_records(&files[0]);
    let seqs: Vec<u64> = recs.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=recs.len() as u64).collect::<Vec<_>>(),
        "gap-free sequence"
    );
    let kinds: Vec<&str> = recs.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds[0], "declared");
    let tick = kinds
        .iter()
        .position(|k| *k == "step_checked")
        .expect("the tick is recorded");
    let note = kinds
        .iter()
        .position(|k| *k == "note")
        .expect("the note is recorded");
    assert!(tick < note, "tick before note: {kinds:?}");
    assert_eq!(recs[tick]["step"], "verify-outage");
    assert_eq!(
        recs[note]["text"],
        "Rolled back to v2.4.0; watching error rate"
    );
    for r in &recs {
        let at = r["at"].as_str().unwrap();
        assert!(
            at.ends_with('Z') && at.len() == 24,
            "UTC with milliseconds: {at}"
        );
        assert!(r["by"].as_str().unwrap().contains('@'), "by is user@host");
    }
}

#[test]
fn ctrl_c_quits_cleanly_even_in_the_editor() {
    let t = Tmux::start(80, 24, "drill");
    t.wait_for("the cockpit", |s| s.contains("DRILL"));
    t.keys(&["n"]);
    t.wait_for("the note editor", |s| s.contains("Ctrl-S save"));
    t.keys(&["C-c"]);
    assert_eq!(t.wait_exit(), "0");
    assert_eq!(t.pane("#{alternate_on}"), "0");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for sig in ["TERM", "HUP"] {
        let t = Tmux::start(80, 24, "drill");
        t.wait_for("the cockpit", |s| s.contains("DRILL"));
        let pid = t.pid();
        let ok = Command::new("kill")
            .args([&format!("-{sig}"), &pid])
            .status()
            .expect("kill is needed: apt-get install procps (scripts/test installs it)");
        assert!(ok.success());
        assert_eq!(t.wait_exit(), "0", "SIG{sig}: clean exit");
        assert_eq!(
            t.pane("#{alternate_on}"),
            "0",
            "SIG{sig}: alternate screen left"
        );
        assert_eq!(t.pane("#{cursor_flag}"), "1", "SIG{sig}: cursor shown");
    }
}

#[test]
fn a_bad_scenario_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(
        &f,
        "name: x\ntitle: t\nplaybook: dicps.yaml\nprocedure: api-outage\nseverity: P0\ninjects:\n  - at: soon\n    message: {from: a, text: b}\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["drill", f.to_str().unwrap()])
        .env("INCIDENT_COCKPIT_STATE_DIR", dir.path().join("state"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.yaml:7:9: bad duration"), "{err}");
    assert!(
        !dir.path().join("state/incidents").exists() && !dir.path().join("state/drills").exists(),
        "nothing recorded for a refused drill"
    );
}

#[test]
fn drill_list_names_the_bundled_scenarios() {
    let out = Command::new(BIN)
        .args(["drill", "--list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("api-outage"));
}
