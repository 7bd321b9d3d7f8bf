//! End to end (tmux, the release binary): a drill step that verifies
//! itself, and an acknowledgement seen by a second seat.

use crate::common;

use common::{BIN, Tmux, read_records};
use std::process::Command;

fn seat(state: &std::path::Path, args: &str) -> Tmux {
    Tmux::start_in(tempfile::tempdir().unwrap(), state, 100, 30, args)
}

fn drill_id(state: &std::path::Path) -> String {
    let out = Command::new(BIN)
        .args(["--state-dir", state.to_str().unwrap(), "list", "--drills"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    listed
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("{listed}"))
        .to_string()
}

/// Tab until the alerts pane has the focus: `W` then opens the ack prompt.
fn ack_group(t: &Tmux, note: &str) {
    for _ in 0..8 {
        t.keys(&["Tab"]);
        t.keys(&["W"]);
        std::thread::sleep(std::time::Duration::from_millis(300));
        if t.screen().contains("Acknowledge group") {
            t.text(note);
            t.keys(&["Enter"]);
            return;
        }
    }
    panic!("no ack prompt:\n{}", t.screen());
}

#[test]
fn an_ack_on_one_seat_shows_on_another_with_its_owner() {
    let shared = tempfile::tempdir().unwrap();
    let state = shared.path().join("state");
    let a = seat(&state, "drill");
    a.wait_for("seat a", |s| s.contains("DRILL"));
    let id = drill_id(&state);
    let b = seat(&state, &format!("join {id}"));
    b.wait_for("seat b", |s| s.contains("DRILL") && s.contains("Checklist"));
    ack_group(&a, "on the rollout");
    // b's timeline and alerts pane: who is on it.
    b.wait_for("a's ack on b", |s| {
        s.contains("acknowledged by") && s.contains("✋")
    });
    let path = common::timelines_in(&state.join("drills"))
        .into_iter()
        .next()
        .expect("a timeline");
    let recs = read_records(&path);
    let ack = recs
        .iter()
        .find(|r| r["kind"] == "alert_acked")
        .expect("an alert_acked record");
    assert_eq!(ack["note"], "on the rollout");
    assert!(ack["owner"].as_str().unwrap().contains('@'), "{ack}");
    // Nothing else: no silence was requested.
    assert!(!recs.iter().any(|r| r["kind"] == "silence_requested"));
}

#[test]
fn a_drill_step_verifies_itself_after_the_rollback() {
    let shared = tempfile::tempdir().unwrap();
    let state = shared.path().join("state");
    // The player's seat records (and ticks); the facilitator's jumps the
    // drill clock inject by inject to the rollback (8m), then to APIDown
    // resolving (10m): the rollout-status step's pods have held their
    // minute of drill time and the alert is gone: it ticks itself.
    let a = seat(&state, "drill");
    a.wait_for("the drill", |s| s.contains("DRILL"));
    let f = seat(&state, "drill --facilitator");
    f.wait_for("the facilitator", |s| s.contains("DRILL"));
    let path = || {
        common::timelines_in(&state.join("drills"))
            .into_iter()
            .next()
            .expect("a timeline")
    };
    let verified = || {
        read_records(&path()).into_iter().find(|r| {
            r["kind"] == "step_checked" && r["step"] == "rollout-status" && r["evidence"].is_array()
        })
    };
    for _ in 0..40 {
        if verified().is_some() {
            break;
        }
        f.keys(&["J"]);
        std::thread::sleep(std::time::Duration::from_millis(700));
    }
    let rec = verified().unwrap_or_else(|| panic!("no self-tick:\n{}", a.screen()));
    let ev: Vec<String> = rec["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    // The shipped step's conditions, in order: the scenario's rollout,
    // the pods, the alert.
    assert!(
        ev[0].starts_with("rollout deployment/dicps-api complete: 3/3 updated, 3 available, since"),
        "{ev:?}"
    );
    assert!(
        ev[1].starts_with("pods app=dicps-api all ready for 1m: 3/3 ready, since"),
        "{ev:?}"
    );
    assert!(
        ev[2].starts_with("alert APIDown resolved: not firing"),
        "{ev:?}"
    );
    a.wait_for("the tick on screen", |s| {
        s.contains("Checklist: API Outage 1/21") && s.contains("✔ Watch the rollback complete")
    });
    assert!(!f.screen().is_empty());
}
