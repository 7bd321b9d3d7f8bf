//! End to end, what a new user tripped over (issue 14): a viewer seat that
//! looked like a seat, a note cut to one line with no way to read it
//! whole, and Esc followed quickly by a key read as Alt+key.

use crate::common;

use common::{Tmux, read_records, timelines_in};

fn kinds(t: &Tmux) -> Vec<String> {
    read_records(&timelines_in(&t.state.join("drills"))[0])
        .iter()
        .map(|r| r["kind"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_viewer_seat_says_so_and_opens_no_note_editor() {
    let shared = tempfile::tempdir().unwrap();
    let state = shared.path().join("state");
    let ic = Tmux::start_in(tempfile::tempdir().unwrap(), &state, 80, 24, "drill");
    ic.wait_for("the drill", |s| s.contains("DRILL"));
    // A drill is joined by its id.
    let out = std::process::Command::new(common::BIN)
        .args(["--state-dir", state.to_str().unwrap(), "list", "--drills"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    let id = listed
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("{listed}"))
        .to_string();
    let v = Tmux::start_in(
        tempfile::tempdir().unwrap(),
        &state,
        80,
        24,
        &format!("join --viewer {id}"),
    );
    let s = v.wait_for("the viewer", |s| s.contains("VIEWER"));
    let footer = s.lines().rfind(|l| l.contains("help")).unwrap_or("");
    for not in ["tick", "note", "severity", "status"] {
        assert!(!footer.contains(not), "{not} offered:\n{s}");
    }
    v.keys(&["n"]);
    let s = v.wait_for("the refusal", |s| s.contains("Viewer seat"));
    assert!(
        !s.contains("Note to the timeline"),
        "an editor opened:\n{s}"
    );
    v.text("typed for nothing");
    v.keys(&["C-s"]);
    v.keys(&["C-c"]);
    assert_eq!(v.wait_exit(), "0");
    ic.keys(&["C-c"]);
    assert_eq!(ic.wait_exit(), "0");
    let k: Vec<String> = read_records(&timelines_in(&state.join("drills"))[0])
        .iter()
        .map(|r| r["kind"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(!k.contains(&"note".to_string()), "{k:?}");
}

#[test]
fn enter_on_the_timeline_shows_a_whole_note_wrapped() {
    let t = Tmux::start(80, 24, "drill");
    t.wait_for("the drill", |s| s.contains("DRILL"));
    let note = "Rolled back v2.4.1 on every node; error rate is falling but the EU \
                pool still sees timeouts, so the database failover stays on hold until \
                the end of this sentence ENDMARK";
    t.keys(&["n"]);
    t.wait_for("the editor", |s| s.contains("Note to the timeline"));
    t.text(note);
    t.keys(&["C-s"]);
    // Cut to one line in the pane.
    t.wait_for("the note", |s| {
        s.contains("Rolled back") && !s.contains("ENDMARK")
    });
    // Tab to the timeline, Enter: the whole note, wrapped. (Enter on
    // another pane opens its own dialog: Esc closes it.)
    let mut shown = String::new();
    for _ in 0..8 {
        t.keys(&["Tab"]);
        t.keys(&["Enter"]);
        std::thread::sleep(std::time::Duration::from_millis(300));
        shown = t.screen();
        if shown.contains("Record:") {
            break;
        }
        t.keys(&["Escape"]);
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(shown.contains("Record:"), "no detail view:\n{shown}");
    let s = t.wait_for("the whole note", |s| s.contains("ENDMARK"));
    assert!(s.contains("note"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("closed", |s| !s.contains("Record:"));
    t.quit_open();
}

#[test]
fn esc_read_together_with_enter_runs_nothing() {
    let t = Tmux::start(100, 30, "drill");
    t.wait_for("the drill", |s| s.contains("DRILL"));
    // "Check pod status": a read step, which Enter runs from its dialog.
    t.keys(&["j", "Enter"]);
    t.wait_for("the run dialog", |s| s.contains("kubectl get pods"));
    // Esc and Enter in one write, as a quick hand sends them: read as
    // Alt+Enter.
    t.keys(&["-H", "1b", "0d"]);
    t.wait_for("said", |s| s.contains("came together"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !kinds(&t).contains(&"command_started".to_string()),
        "{:?}",
        kinds(&t)
    );
    // Pressed one at a time they are what they say.
    t.keys(&["Escape"]);
    t.keys(&["C-c"]);
    assert_eq!(t.wait_exit(), "0");
    assert!(!kinds(&t).contains(&"command_started".to_string()));
}
