//! Extending a silence against a real Alertmanager (Debian's
//! `prometheus-alertmanager`, started here on a free loopback port): a
//! silence made with the cockpit's keys, then `+` in the silences list
//! with a longer duration. Alertmanager has no "extend": the cockpit posts
//! the same matchers with the old silence's id, a start of now and the new
//! end, and Alertmanager expires the old one as it creates the new one, so
//! exactly one stays active. The request is recorded before it is sent,
//! the new id after.
//!
//! Without the binary this test fails and says what to install.

use crate::common;

use chrono::{DateTime, TimeDelta, Utc};
use common::alertmanager::{Am, Cockpit, alert_json};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use incident_cockpit::msg::Msg;
use incident_cockpit::state::Pane;
use incident_cockpit::timeline::Event;

fn count(c: &Cockpit, kind: &str) -> usize {
    c.kinds().iter().filter(|k| *k == kind).count()
}

/// Alertmanager's own list: id → (state, endsAt, comment).
async fn silences(am: &Am) -> Vec<(String, String, DateTime<Utc>, String)> {
    let v: serde_json::Value = reqwest::get(format!("{}/api/v2/silences", am.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["status"]["state"].as_str().unwrap().to_string(),
                s["endsAt"].as_str().unwrap().parse().unwrap(),
                s["comment"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extending_a_silence_leaves_one_active_with_the_new_end_and_records_it() {
    let am = Am::start();
    am.post_alerts(&format!(
        "[{},{}]",
        alert_json("APIDown", "a:80", "critical", "dicps-api", false),
        alert_json("APIDown", "b:80", "critical", "dicps-api", false),
    ));
    let mut c = Cockpit::open(&am.url(), |_| {});
    c.until("two alerts", 10, |c| c.state.observed.alerts.len() == 2)
        .await;
    while c.state.ui.focus != Pane::Alerts {
        c.key(KeyCode::Tab);
    }
    // A silence of the group for 2h: X, a comment, Enter, y.
    c.key(KeyCode::Char('X'));
    c.text("rolling back v2.4.1");
    c.key(KeyCode::Enter);
    c.key(KeyCode::Char('y'));
    c.until("the silence created", 10, |c| {
        count(c, "silence_created") == 1
    })
    .await;
    let old = c
        .records()
        .iter()
        .find_map(|r| match &r.event {
            Event::SilenceCreated { id, .. } => Some(id.clone()),
            _ => None,
        })
        .unwrap();
    c.until("it listed", 10, |c| {
        c.state.observed.feed.silences.iter().any(|s| s.id == old)
    })
    .await;
    // Asked within the second the silence started, Alertmanager would
    // update it in place (same id, also one active silence): the
    // extension is asked in a later second, as it is in an incident.
    let started = c
        .state
        .observed
        .feed
        .silences
        .iter()
        .find(|s| s.id == old)
        .unwrap()
        .starts_at;
    while Utc::now().timestamp() <= started.timestamp() {
        c.run_for(50).await;
    }

    // Extend it: S, select it, +, 3h instead of the offered 2h, Enter, y.
    c.key(KeyCode::Char('S'));
    c.state.ui.silence = c
        .state
        .observed
        .feed
        .silences
        .iter()
        .position(|s| s.id == old)
        .unwrap();
    c.key(KeyCode::Char('+'));
    let dialog = c.screen(120, 40);
    assert!(dialog.contains("Extend silence"), "{dialog}");
    assert!(
        dialog.contains("2h"),
        "the original length is offered:\n{dialog}"
    );
    c.apply(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    c.text("3h");
    c.key(KeyCode::Enter);
    let confirm = c.screen(120, 40);
    assert!(confirm.contains("Extend it?"), "{confirm}");
    let asked = Utc::now();
    c.key(KeyCode::Char('y'));
    c.until("the extension created", 10, |c| {
        count(c, "silence_created") == 2
    })
    .await;

    // The record: the request (with what it extends) before the result.
    let recs = c.records();
    let req = recs
        .iter()
        .rposition(|r| r.event.kind() == "silence_requested")
        .unwrap();
    let created = recs
        .iter()
        .rposition(|r| r.event.kind() == "silence_created")
        .unwrap();
    assert!(req < created, "the request is recorded before it is sent");
    let Event::SilenceRequested {
        extends, comment, ..
    } = &recs[req].event
    else {
        unreachable!()
    };
    assert_eq!(extends.as_deref(), Some(old.as_str()));
    assert_eq!(comment, &format!("rolling back v2.4.1 (extends {old})"));
    let Event::SilenceCreated {
        id: new,
        extends,
        ends_at,
        ..
    } = &recs[created].event
    else {
        unreachable!()
    };
    assert_eq!(extends.as_deref(), Some(old.as_str()));
    assert_ne!(new, &old, "Alertmanager gives the replacement a new id");
    let want = asked + TimeDelta::hours(3);
    assert!(
        (*ends_at - want).num_seconds().abs() <= 5,
        "{ends_at} vs {want}"
    );

    // Alertmanager: the new one active until the new end, the old one
    // expired, exactly one active.
    let listed = silences(&am).await;
    let find = |id: &str| listed.iter().find(|s| s.0 == id).unwrap().clone();
    let (_, state, end, comment) = find(new);
    assert_eq!(state, "active");
    assert!((end - *ends_at).num_milliseconds().abs() < 1000, "{end}");
    assert_eq!(comment, format!("rolling back v2.4.1 (extends {old})"));
    assert_eq!(find(&old).1, "expired");
    assert_eq!(
        listed.iter().filter(|s| s.1 == "active").count(),
        1,
        "{listed:?}"
    );

    // This seat: the old one is no longer ours-and-standing, the new one
    // is listed with its new end (about three hours left), marked ours.
    assert!(c.state.incident.silences[&old].expired);
    c.until("the new one listed", 10, |c| {
        c.state.observed.feed.silences.iter().any(|s| &s.id == new)
            && !c.state.observed.feed.silences.iter().any(|s| s.id == old)
    })
    .await;
    let screen = c.screen(120, 40);
    assert!(screen.contains(&format!("★{}", &new[..8])), "{screen}");
    assert!(
        screen.contains("2:59:"),
        "about three hours left:\n{screen}"
    );
}
