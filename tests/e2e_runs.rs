//! End to end: guarded commands in the release binary, in tmux. A flood
//! does not stop the keys; quitting cancels running commands and records
//! their end; a drill never executes anything.

use crate::common;

use common::{Tmux, command_finished, read_records};

const PLAYBOOK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/live-commands.yaml"
);

fn kinds(recs: &[serde_json::Value]) -> Vec<String> {
    recs.iter()
        .map(|r| r["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn keys_still_work_while_a_command_floods_and_its_end_is_recorded() {
    let t = Tmux::start(120, 40, &format!("open --playbook {PLAYBOOK}"));
    t.wait_for("the cockpit", |s| s.contains("Print forever"));
    t.keys(&["Enter"]);
    t.wait_for("the run dialog", |s| {
        s.contains("This exact command will run")
    });
    t.keys(&["Enter"]);
    t.wait_for("the flood", |s| {
        s.contains("1 running") && s.contains("flood")
    });
    // While it floods: a note, typed and saved.
    t.keys(&["n"]);
    t.wait_for("the note editor", |s| s.contains("Ctrl-S save"));
    t.text("typed during the flood");
    t.keys(&["C-s"]);
    let s = t.wait_for("the note", |s| s.contains("note: typed during the flood"));
    assert!(
        s.contains("1 running"),
        "the note landed while the flood ran:\n{s}"
    );
    t.wait_for("the timeout", |s| s.contains("timed out"));
    t.quit_open();
    let recs = read_records(&t.timelines()[0]);
    let k = kinds(&recs);
    let started = k.iter().position(|x| x == "command_started").unwrap();
    let note = k.iter().position(|x| x == "note").unwrap();
    let finished = k.iter().position(|x| x == "command_finished").unwrap();
    assert!(started < note && note < finished, "{k:?}");
    assert_eq!(recs[started]["argv"], serde_json::json!(["yes", "flood"]));
    assert_eq!(recs[started]["confirmation"], "enter");
    assert_eq!(recs[finished]["outcome"], "timed out");
    assert_eq!(recs[finished]["last_lines"][0], "flood");
}

#[test]
fn quitting_cancels_running_commands_and_records_their_end() {
    let t = Tmux::start(100, 30, &format!("open --playbook {PLAYBOOK}"));
    t.wait_for("the cockpit", |s| s.contains("Wait a long time"));
    t.keys(&["j", "Enter"]);
    t.wait_for("the run dialog", |s| s.contains("sleep 100"));
    t.keys(&["Enter"]);
    t.wait_for("the run", |s| s.contains("1 running"));
    t.quit_open();
    let fin = command_finished(&t);
    assert_eq!(fin["outcome"], "cancelled");
}

#[test]
fn a_change_is_refused_without_y_and_a_drill_never_executes() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("marker");
    // Live: the change is refused without y, then runs with y.
    let t = Tmux::start(120, 40, &format!("open --playbook {PLAYBOOK}"));
    t.wait_for("the cockpit", |s| s.contains("Touch the marker"));
    t.keys(&["j", "j", "Enter"]);
    t.wait_for("the run dialog", |s| {
        s.contains("touch /nonexistent/marker")
    });
    t.keys(&["C-u"]);
    t.text(&marker.display().to_string());
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", |s| s.contains("Press y to run it"));
    t.keys(&["n"]);
    t.wait_for("the refusal", |s| s.contains("nothing was run"));
    assert!(!marker.exists(), "ran without y");
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", |s| s.contains("Press y to run it"));
    t.keys(&["y"]);
    t.wait_for("the run", |s| s.contains("exit 0"));
    assert!(marker.exists(), "ran with y");
    std::fs::remove_file(&marker).unwrap();
    t.keys(&["q", "y"]);
    assert_eq!(t.wait_exit(), "0");

    // The same playbook in a drill: confirmed, recorded, never executed.
    let scenario = dir.path().join("drill.yaml");
    std::fs::write(
        &scenario,
        format!(
            "name: test\ntitle: Test drill\nplaybook: {PLAYBOOK}\nprocedure: test\nseverity: P1\n"
        ),
    )
    .unwrap();
    let t = Tmux::start(120, 40, &format!("drill {}", scenario.display()));
    t.wait_for("the drill", |s| {
        s.contains("DRILL") && s.contains("Touch the marker")
    });
    t.keys(&["j", "j", "Enter"]);
    t.wait_for("the run dialog", |s| s.contains("nothing is executed"));
    t.keys(&["C-u"]);
    t.text(&marker.display().to_string());
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", |s| s.contains("Press y to run it"));
    t.keys(&["y"]);
    t.wait_for("the drill run", |s| s.contains("[drill] not executed"));
    t.keys(&["q", "y"]);
    assert_eq!(t.wait_exit(), "0");
    assert!(!marker.exists(), "a drill executed a command");
    let recs = read_records(&t.timelines()[0]);
    let started = recs
        .iter()
        .find(|r| r["kind"] == "command_started")
        .unwrap();
    assert_eq!(started["drill"], true);
}

/// `--read-only` as a user types it: a change is refused in the dialog and
/// never runs, a read runs and is recorded.
#[test]
fn read_only_from_the_command_line_refuses_changes_and_runs_reads() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("marker");
    let t = Tmux::start(120, 40, &format!("open --read-only --playbook {PLAYBOOK}"));
    t.wait_for("the cockpit", |s| s.contains("Touch the marker"));
    t.keys(&["j", "j", "Enter"]);
    t.wait_for("the run dialog", |s| {
        s.contains("touch /nonexistent/marker")
    });
    t.keys(&["C-u"]);
    t.text(&marker.display().to_string());
    t.wait_for("the refusal in the keys line", |s| {
        s.contains("refused: --read-only")
    });
    t.keys(&["Enter"]);
    t.wait_for("the refusal", |s| {
        s.contains("Refused: the cockpit is --read-only")
    });
    t.keys(&["y"]);
    t.wait_for("nothing run", |s| {
        s.contains("Not confirmed: nothing was run")
    });
    t.keys(&["Escape"]);
    t.wait_for("the checklist", |s| !s.contains("touch /"));
    t.keys(&["j", "Enter"]);
    t.wait_for("the read's dialog", |s| s.contains("echo hello"));
    t.keys(&["Enter"]);
    t.wait_for("the read's run", |s| s.contains("exit 0"));
    t.quit_open();
    assert!(!marker.exists(), "a --read-only seat ran a change");
    let recs = read_records(&t.timelines()[0]);
    let started: Vec<_> = recs
        .iter()
        .filter(|r| r["kind"] == "command_started")
        .collect();
    assert_eq!(started.len(), 1, "{recs:?}");
    assert_eq!(started[0]["step"], "hello");
}
