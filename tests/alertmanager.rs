//! Against a real Alertmanager (Debian's `prometheus-alertmanager`, started
//! here on a free loopback port): alerts seen through the cockpit's client
//! and grouped; a silence made with the cockpit's keys suppresses them and
//! is recorded; expiring it (keys again) un-suppresses them; a resolved
//! alert is recorded once. Stopped and started again, the source says so
//! and recovers, with no duplicate records.
//!
//! Without the binary these tests fail and say what to install.

use crate::common;

use common::alertmanager::{Am, Cockpit, alert_json};
use crossterm::event::KeyCode;
use incident_cockpit::msg::Msg;
use incident_cockpit::sources::alertmanager::Client;
use incident_cockpit::state::{AlertState, Pane};
use incident_cockpit::timeline::Event;
use std::collections::BTreeMap;
use std::time::Duration;

/// Firing and resolved records per fingerprint.
fn per_fingerprint(c: &Cockpit) -> BTreeMap<String, (usize, usize)> {
    let mut m: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in c.records() {
        match r.event {
            Event::AlertFiring { fingerprint, .. } => m.entry(fingerprint).or_default().0 += 1,
            Event::AlertResolved { fingerprint, .. } => m.entry(fingerprint).or_default().1 += 1,
            _ => {}
        }
    }
    m
}

fn count(c: &Cockpit, kind: &str) -> usize {
    c.kinds().iter().filter(|k| *k == kind).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_grouped_silenced_from_the_cockpit_expired_and_resolved_once() {
    let am = Am::start();
    am.post_alerts(&format!(
        "[{},{},{},{}]",
        alert_json("APIDown", "a:80", "critical", "dicps-api", false),
        alert_json("APIDown", "b:80", "critical", "dicps-api", false),
        alert_json("HighLatency", "a:80", "warning", "dicps-api", false),
        // Not the playbook's service: filtered out by its matcher.
        alert_json("DiskFull", "db:9100", "critical", "billing", false),
    ));

    // The cockpit's client sees them, the matcher applied.
    let client = Client::new(
        &am.url(),
        &["service=\"dicps-api\"".to_string()],
        Duration::from_secs(2),
    )
    .unwrap();
    let seen = client.alerts().await.unwrap();
    let mut names: Vec<&str> = seen.iter().map(|a| a.alertname.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["APIDown", "APIDown", "HighLatency"]);
    assert!(seen.iter().all(|a| a.fingerprint.len() >= 8));
    assert!(
        seen.iter()
            .all(|a| a.generator_url.starts_with("http://prometheus.example/"))
    );

    let mut c = Cockpit::open(&am.url(), |_| {});
    c.until("three alerts", 10, |c| c.state.observed.alerts.len() == 3)
        .await;
    c.until("their firing recorded", 5, |c| {
        count(c, "alert_firing") == 3
    })
    .await;
    // Grouped: APIDown ×2 first (critical), then HighLatency.
    let groups = incident_cockpit::alerts::group::groups(&c.state.observed.alerts);
    let g: Vec<(&str, usize)> = groups
        .iter()
        .map(|g| (g.alertname.as_str(), g.len))
        .collect();
    assert_eq!(g, vec![("APIDown", 2), ("HighLatency", 1)]);
    let screen = c.screen(120, 40);
    assert!(screen.contains("Alerts 3 firing · 2 groups"), "{screen}");
    assert!(screen.contains("APIDown ×2"), "{screen}");
    assert!(screen.contains("‼ critical"), "{screen}");
    assert!(screen.contains("● connected"), "{screen}");

    // The detail view of the selected alert: labels, annotations, URL.
    while c.state.ui.focus != Pane::Alerts {
        c.key(KeyCode::Tab);
    }
    c.key(KeyCode::Enter);
    let detail = c.screen(120, 40);
    assert!(
        detail.contains("runbook_url = https://runbooks.example/APIDown"),
        "{detail}"
    );
    assert!(
        detail.contains("http://prometheus.example/graph"),
        "{detail}"
    );
    assert!(detail.contains("service = dicps-api"), "{detail}");
    c.key(KeyCode::Esc);

    // A silence without a comment is refused, and nothing is recorded.
    c.key(KeyCode::Char('x'));
    c.key(KeyCode::Enter);
    assert!(
        c.screen(120, 40).contains("a comment is required"),
        "{}",
        c.screen(120, 40)
    );
    c.key(KeyCode::Esc);
    assert_eq!(count(&c, "silence_requested"), 0);

    // Silence the APIDown group from the cockpit: X, a comment, Enter, y.
    c.key(KeyCode::Char('X'));
    c.text("rolling back v2.4.1");
    c.key(KeyCode::Enter);
    assert!(c.screen(120, 40).contains("covers 2 of 3 firing alerts"));
    c.key(KeyCode::Char('y'));
    c.until("the silence created", 10, |c| {
        count(c, "silence_created") == 1
    })
    .await;
    let recs = c.records();
    let req = recs
        .iter()
        .position(|r| r.event.kind() == "silence_requested")
        .unwrap();
    let created = recs
        .iter()
        .position(|r| r.event.kind() == "silence_created")
        .unwrap();
    assert!(req < created, "the request is recorded before it is sent");
    let Event::SilenceRequested {
        matchers,
        comment,
        created_by,
        ..
    } = &recs[req].event
    else {
        unreachable!()
    };
    assert_eq!(
        matchers,
        &vec![
            "alertname=\"APIDown\"".to_string(),
            "service=\"dicps-api\"".into(),
            "severity=\"critical\"".into()
        ]
    );
    assert_eq!(comment, "rolling back v2.4.1");
    assert_eq!(created_by, "ana@bastion-1");
    let Event::SilenceCreated { id, .. } = &recs[created].event else {
        unreachable!()
    };
    let id = id.clone();
    assert!(c.state.incident.silences.contains_key(&id));

    // Alertmanager now suppresses both APIDown alerts, by that silence.
    c.until("APIDown suppressed", 10, |c| {
        c.state
            .observed
            .alerts
            .iter()
            .filter(|a| a.alertname == "APIDown")
            .all(|a| a.state == AlertState::Suppressed && a.silenced_by.contains(&id))
    })
    .await;
    let hl = c
        .state
        .observed
        .alerts
        .iter()
        .find(|a| a.alertname == "HighLatency")
        .unwrap();
    assert_eq!(hl.state, AlertState::Active);
    let hl_fp = hl.fingerprint.clone();
    let screen = c.screen(120, 40);
    assert!(screen.contains("suppressed"), "{screen}");
    // The client lists it, with the matchers it was given.
    let listed = client.silences().await.unwrap();
    let ours = listed.iter().find(|s| s.id == id).unwrap();
    assert_eq!(ours.created_by, "ana@bastion-1");
    assert_eq!(ours.comment, "rolling back v2.4.1");
    assert!(ours.is_active());

    // The silences view lists it with time left; expire it: e, y.
    c.key(KeyCode::Char('S'));
    let screen = c.screen(120, 40);
    assert!(screen.contains(&format!("★{}", &id[..8])), "{screen}");
    assert!(screen.contains("1:59:"), "about two hours left:\n{screen}");
    c.state.ui.silence = c
        .state
        .observed
        .feed
        .silences
        .iter()
        .position(|s| s.id == id)
        .unwrap();
    c.key(KeyCode::Char('e'));
    assert!(c.screen(120, 40).contains("Expire silence"));
    c.key(KeyCode::Char('y'));
    c.until("the silence expired", 10, |c| {
        count(c, "silence_expired") == 1
    })
    .await;
    c.until("APIDown active again", 10, |c| {
        c.state
            .observed
            .alerts
            .iter()
            .all(|a| a.state == AlertState::Active)
    })
    .await;
    assert!(c.state.incident.silences[&id].expired);
    c.key(KeyCode::Char('S'));

    // HighLatency resolves: recorded once, however many polls follow.
    am.post_alerts(&format!(
        "[{}]",
        alert_json("HighLatency", "a:80", "warning", "dicps-api", true)
    ));
    c.until("HighLatency resolved", 10, |c| {
        count(c, "alert_resolved") == 1
    })
    .await;
    c.run_for(1000).await;
    let per = per_fingerprint(&c);
    assert_eq!(per[&hl_fp], (1, 1), "{per:?}");
    // The alerts already firing at the first poll stay unresolved.
    assert_eq!(per.len(), 3);
    for (fp, counts) in &per {
        if *fp != hl_fp {
            assert_eq!(*counts, (1, 0), "{fp}: {per:?}");
        }
    }
    assert_eq!(c.state.observed.alerts.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alertmanager_down_is_said_and_recovery_records_nothing_twice() {
    let mut am = Am::start();
    let both = format!(
        "[{},{}]",
        alert_json("APIDown", "a:80", "critical", "dicps-api", false),
        alert_json("APIDown", "b:80", "critical", "dicps-api", false),
    );
    am.post_alerts(&both);
    // A restarted Alertmanager knows no alerts until they are sent again:
    // give the senders 2 s before absent alerts count as resolved.
    // (The harness backs off from 200 ms up to 800 ms.)
    let mut c = Cockpit::open(&am.url(), |cfg| cfg.resend_grace = Duration::from_secs(2));
    c.until("both firing recorded", 10, |c| {
        count(c, "alert_firing") == 2
    })
    .await;

    am.stop();
    c.until("the source says it is down", 10, |c| {
        c.state.observed.feed.health.stale_since.is_some()
    })
    .await;
    let h = c.state.observed.feed.health.clone();
    let err = h.last_error.clone().unwrap();
    assert!(err.contains("cannot connect"), "{err}");
    assert!(h.retry_at.is_some());
    let screen = c.screen(120, 40);
    assert!(screen.contains("✖ stale since"), "{screen}");
    assert!(screen.contains("retry in"), "{screen}");
    assert!(screen.contains("cannot connect"), "{screen}");
    // What was known stays on screen, and nothing is resolved.
    assert_eq!(c.state.observed.alerts.len(), 2);
    // Retries back off: each failure says when the next try is, the delay
    // doubles up to the cap, and the next try does not come sooner.
    let mut failures: Vec<(std::time::Instant, Duration)> = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while failures.len() < 4 {
        let Ok(Some(m)) = tokio::time::timeout_at(deadline, c.rx.recv()).await else {
            panic!("four failed polls in 20 s: {failures:?}");
        };
        if let Msg::AlertsFailed { retry_in, .. } = &m {
            failures.push((std::time::Instant::now(), *retry_in));
        }
        c.apply(m);
    }
    assert_eq!(failures[3].1, Duration::from_millis(800), "{failures:?}");
    for w in failures.windows(2) {
        let ((at, delay), (next_at, next_delay)) = (w[0], w[1]);
        assert_eq!(
            next_delay,
            (delay * 2).min(Duration::from_millis(800)),
            "{failures:?}"
        );
        // Received, not sent, times: allow the loop a little lateness.
        assert!(
            next_at - at + Duration::from_millis(100) >= delay,
            "retried after {:?}, before its {delay:?}",
            next_at - at
        );
    }
    assert_eq!(count(&c, "alert_resolved"), 0);

    // Back, empty (alerts are not kept across restarts): within the grace
    // nothing is resolved; then the alerts are sent again.
    am.spawn();
    c.until("recovered", 10, |c| {
        c.state.observed.feed.health.stale_since.is_none()
    })
    .await;
    assert!(c.state.observed.feed.health.last_error.is_none());
    assert!(c.screen(120, 40).contains("● connected"));
    c.run_for(500).await;
    assert_eq!(count(&c, "alert_resolved"), 0, "{:?}", c.kinds());
    am.post_alerts(&format!(
        "[{}]",
        alert_json("APIDown", "a:80", "critical", "dicps-api", false)
    ));
    c.until("a:80 back", 10, |c| c.state.observed.alerts.len() == 1)
        .await;
    // b:80 was not sent again: after the grace it really is resolved, once.
    c.until("b:80 resolved", 10, |c| count(c, "alert_resolved") == 1)
        .await;
    c.run_for(1000).await;
    let per = per_fingerprint(&c);
    let mut counts: Vec<(usize, usize)> = per.values().copied().collect();
    counts.sort();
    assert_eq!(counts, vec![(1, 0), (1, 1)], "{:?}", c.kinds());
    // And nothing else: the outage and the recovery record nothing.
    assert_eq!(
        c.kinds(),
        ["declared", "alert_firing", "alert_firing", "alert_resolved"]
    );
}

#[test]
fn open_refuses_a_bad_alertmanager_url_before_declaring() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(common::BIN)
        .args(["open", "--playbook", common::alertmanager::PLAYBOOK])
        .args(["--alertmanager", "ftp://am.example"])
        .env("INCIDENT_COCKPIT_STATE_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("scheme must be http or https"), "{err}");
    assert!(
        std::fs::read_dir(dir.path())
            .map(|d| d.count() == 0)
            .unwrap_or(true),
        "nothing declared"
    );
}
