//! End to end: the built binary, `open --alertmanager`, against a real
//! Alertmanager, driven in tmux: the alerts show, a group is silenced with
//! the keys, Alertmanager suppresses it, and the timeline holds the firing
//! and the silence in order.

mod common;

use common::alertmanager::{Am, PLAYBOOK, alert_json};
use common::{Tmux, read_records};

#[test]
fn open_with_alertmanager_shows_silences_and_records() {
    let am = Am::start();
    am.post_alerts(&format!(
        "[{},{}]",
        alert_json("APIDown", "a:80", "critical", "dicps-api", false),
        alert_json("APIDown", "b:80", "critical", "dicps-api", false),
    ));
    let t = Tmux::start(
        120,
        40,
        &format!("open --playbook {PLAYBOOK} --alertmanager {}", am.url()),
    );
    t.wait_for("the alerts", |s| {
        s.contains("APIDown ×2") && s.contains("● connected")
    });
    t.wait_for("their firing recorded", |s| {
        s.matches("alert firing APIDown").count() == 2
    });
    // Focus the alerts pane, silence the group.
    t.keys(&["BTab", "BTab"]); // checklist → timeline → alerts (reading order)
    t.keys(&["X"]);
    t.wait_for("the silence dialog", |s| {
        s.contains("Silence group APIDown (2)")
    });
    t.text("e2e: draining");
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", |s| s.contains("Create this silence?"));
    t.keys(&["y"]);
    t.wait_for("the silence created", |s| s.contains("created, until"));
    t.wait_for("the alerts suppressed", |s| {
        s.contains("2 suppressed") || s.contains("2 suppr.")
    });
    t.quit_open();
    let files = t.timelines();
    let recs = read_records(&files[0]);
    let kinds: Vec<&str> = recs.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        vec![
            "declared",
            "alert_firing",
            "alert_firing",
            "silence_requested",
            "silence_created"
        ]
    );
    assert_eq!(recs[3]["comment"], "e2e: draining");
    assert!(recs[3]["created_by"].as_str().unwrap().contains('@'));
    assert_eq!(recs[4]["request"], recs[3]["request"]);
}
