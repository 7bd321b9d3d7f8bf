//! End to end: the built binary, `open --alertmanager`, against a real
//! Alertmanager, driven in tmux: the alerts show, a group is silenced with
//! the keys, Alertmanager suppresses it, and the timeline holds the firing
//! and the silence in order. Stopped and started under the running binary,
//! Alertmanager is shown stale, then connected, and nothing is recorded
//! twice.

use crate::common;

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

#[test]
fn alertmanager_stopped_and_started_under_the_binary_goes_stale_and_recovers_without_duplicates() {
    let mut am = Am::start();
    let both = format!(
        "[{},{}]",
        alert_json("APIDown", "a:80", "critical", "dicps-api", false),
        alert_json("APIDown", "b:80", "critical", "dicps-api", false),
    );
    am.post_alerts(&both);
    // The defaults a user gets: a poll every 5 s, a 90 s resend grace.
    let t = Tmux::start(
        120,
        40,
        &format!("open --playbook {PLAYBOOK} --alertmanager {}", am.url()),
    );
    t.wait_for("both firing recorded", |s| {
        s.matches("alert firing APIDown").count() == 2 && s.contains("● connected")
    });

    am.stop();
    // Why, and what was known stays on screen; nothing is taken as
    // resolved.
    t.wait_for(
        "the pane going stale, saying why, keeping the alerts",
        |s| s.contains("✖ stale since") && s.contains("cannot connect") && s.contains("APIDown ×2"),
    );

    // Back, and its senders send the alerts again (as Prometheus does).
    am.spawn();
    am.post_alerts(&both);
    let up = t.wait_for("the pane recovering", |s| {
        s.contains("● connected") && !s.contains("stale since")
    });
    assert!(up.contains("APIDown ×2"), "{up}");
    // A third alert, seen by a later poll: that poll (and the recovery's)
    // recorded only what is new, not the two known ones again.
    am.post_alerts(&format!(
        "[{}]",
        alert_json("APIDown", "c:80", "critical", "dicps-api", false)
    ));
    t.wait_for("the third alert", |s| s.contains("APIDown ×3"));
    t.quit_open();
    let recs = read_records(&t.timelines()[0]);
    let kinds: Vec<&str> = recs.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        vec!["declared", "alert_firing", "alert_firing", "alert_firing"]
    );
    let mut on: Vec<&str> = recs[1..]
        .iter()
        .map(|r| r["summary"].as_str().unwrap())
        .collect();
    on.sort();
    assert_eq!(
        on,
        vec!["APIDown on a:80", "APIDown on b:80", "APIDown on c:80"]
    );
}
