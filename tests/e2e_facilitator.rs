//! End to end: a tabletop drill with a player's seat and a facilitator's
//! seat in two terminals on one state directory. The facilitator pauses
//! the drill clock, fires an ad hoc stakeholder message the player sees,
//! and jumps to the next inject; the player's seat never shows what comes
//! next and cannot touch the clock. Both seats quit; the record holds the
//! clock changes and injects, and the after-action report is written.

use crate::common;

use common::{Tmux, read_records, timelines_in};

fn seat(state: &std::path::Path, args: &str) -> Tmux {
    Tmux::start_in(tempfile::tempdir().unwrap(), state, 100, 30, args)
}

#[test]
fn the_facilitator_pauses_injects_and_jumps_while_players_only_see_the_effects() {
    let shared = tempfile::tempdir().unwrap();
    let state = shared.path().join("state");
    let player = seat(&state, "drill");
    player.wait_for("the player's seat", |s| {
        s.contains("DRILL") && s.contains("Checklist")
    });
    // `drill --facilitator` joins the open drill.
    let fac = seat(&state, "drill --facilitator");
    fac.wait_for("the facilitator's seat", |s| s.contains("Upcoming injects"));
    let s = player.screen();
    assert!(
        !s.contains("Upcoming"),
        "players see no upcoming injects:\n{s}"
    );

    // Pause: every seat's clock stops.
    fac.keys(&["p"]);
    fac.wait_for("paused on the facilitator", |s| s.contains("⏸ paused"));
    let s = player.wait_for("paused on the player", |s| {
        s.contains("⏸ paused") && s.contains("drill clock paused")
    });
    assert!(
        !s.contains("CrashLoopBackOff"),
        "paused before the first inject:\n{s}"
    );
    // Read after the pause reached it: the player's screen is current.
    assert!(
        !s.contains("Upcoming"),
        "players see no upcoming injects:\n{s}"
    );

    // An ad hoc message, typed on the spot.
    fac.keys(&["i"]);
    fac.wait_for("the sender prompt", |s| s.contains("a message from whom"));
    fac.text("Legal");
    fac.keys(&["Enter"]);
    fac.wait_for("the text prompt", |s| s.contains("what does Legal say"));
    fac.text("Do we notify the regulator?");
    fac.keys(&["Enter"]);
    player.wait_for("the ad hoc message on the player", |s| {
        s.contains("message from Legal: Do we notify")
    });

    // The player's seat cannot drive the clock.
    player.keys(&["p", "J", ">"]);

    // Jump to the next inject: it fires at once, though the clock is paused.
    fac.keys(&["J"]);
    let s = player.wait_for("the first inject on the player", |s| {
        s.contains("CrashLoopBackOff") && s.contains("T+00:15")
    });
    assert!(!s.contains("Upcoming"), "{s}");
    assert!(
        !s.contains("↯"),
        "players see what an inject did, not the inject:\n{s}"
    );
    fac.wait_for("the facilitator's list moves on", |s| {
        s.contains("Upcoming injects 12/13") && s.contains("↯ inject 1 at T+00:15")
    });

    for t in [&fac, &player] {
        t.keys(&["C-c"]);
        assert_eq!(t.wait_exit(), "0");
    }
    let s = fac.screen();
    assert!(s.contains("After-action report:"), "{s}");

    let files = timelines_in(&state.join("drills"));
    assert_eq!(files.len(), 1);
    let recs = read_records(&files[0]);
    let kinds: Vec<&str> = recs.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    let clock: Vec<&str> = recs
        .iter()
        .filter(|r| r["kind"] == "drill_clock")
        .map(|r| r["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        clock,
        ["paused", "jumped"],
        "only the facilitator's: {kinds:?}"
    );
    let fired: Vec<&serde_json::Value> = recs
        .iter()
        .filter(|r| r["kind"] == "inject_fired")
        .collect();
    assert_eq!(fired.len(), 2, "{kinds:?}");
    assert!(fired[0]["inject"].is_null(), "the ad hoc one first");
    assert_eq!(fired[0]["from"], "Legal");
    assert_eq!(fired[1]["inject"], 0);
    assert_eq!(fired[1]["drill_ms"], 15_000);
    let crash = recs
        .iter()
        .filter(|r| r["kind"] == "pod_changed" && r["to"] == "CrashLoopBackOff")
        .count();
    assert_eq!(crash, 1, "recorded once: {kinds:?}");
    let md = std::fs::read_to_string(files[0].parent().unwrap().join("after-action.md")).unwrap();
    assert!(md.contains("| ad hoc |"), "{md}");
    // The drill clock's table: the pause and the jump, in that order.
    let clock_rows: Vec<&str> = md
        .lines()
        .filter(|l| l.ends_with("| paused |") || l.contains("| jumped to T+00:15 |"))
        .collect();
    assert_eq!(clock_rows.len(), 2, "{md}");
    assert!(clock_rows[0].ends_with("| paused |"), "{md}");
}

#[test]
fn a_facilitator_starts_the_drill_and_a_player_joins_it_by_id() {
    let shared = tempfile::tempdir().unwrap();
    let state = shared.path().join("state");
    let fac = seat(&state, "drill --facilitator ddos");
    fac.wait_for("the facilitator's seat", |s| {
        s.contains("Upcoming injects 13/13") || s.contains("Upcoming injects 12/13")
    });
    let id = timelines_in(&state.join("drills"))[0]
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(id.ends_with("-ddos"), "{id}");
    // `join` without an id never picks a drill.
    let lost = seat(&state, "join");
    assert_eq!(lost.wait_exit(), "2");
    assert!(
        lost.screen().contains("only chosen by their"),
        "{}",
        lost.screen()
    );
    let player = seat(&state, &format!("join {id}"));
    let s = player.wait_for("the player's seat", |s| s.contains("DDoS"));
    assert!(!s.contains("Upcoming"), "{s}");
    fac.keys(&["J"]);
    player.wait_for("the first inject's figures", |s| s.contains("48200"));
    for t in [&fac, &player] {
        t.keys(&["C-c"]);
        assert_eq!(t.wait_exit(), "0");
    }
}
