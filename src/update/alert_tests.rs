//! Alertmanager and host thresholds through `update`: what is recorded,
//! once, and what is sent only after its request is durable.

use super::*;
use crate::msg::AmCommand;
use crate::playbook::verify::Compile;
use crate::state::AlertState;
use crate::testkit::{Harness, am_poll};
use crate::timeline::Store;
use chrono::TimeDelta;
use crossterm::event::KeyCode;

fn kinds(h: &Harness) -> Vec<&'static str> {
    h.records().iter().map(|r| r.event.kind()).collect()
}

fn count(h: &Harness, kind: &str) -> usize {
    kinds(h).iter().filter(|k| **k == kind).count()
}

fn poll(h: &mut Harness, p: crate::alerts::Poll) -> Vec<Effect> {
    h.send(Msg::AlertsPolled(Box::new(p)))
}

#[test]
fn firing_is_recorded_once_per_fingerprint_and_failures_resolve_nothing() {
    let mut h = Harness::live("dicps");
    poll(&mut h, am_poll());
    assert_eq!(count(&h, "alert_firing"), 4);
    poll(&mut h, am_poll());
    assert_eq!(count(&h, "alert_firing"), 4, "the same poll again: nothing");
    // Down: stale, nothing resolved, the alerts stay on screen.
    h.advance(5);
    h.send(Msg::AlertsFailed {
        error: "cannot connect: Connection refused".into(),
        retry_in: std::time::Duration::from_secs(4),
    });
    let health = &h.state.observed.feed.health;
    assert_eq!(health.stale_since, Some(h.now));
    assert_eq!(health.retry_at, Some(h.now + TimeDelta::seconds(4)));
    assert_eq!(h.state.observed.alerts.len(), 4);
    h.advance(3);
    h.send(Msg::AlertsFailed {
        error: "timed out".into(),
        retry_in: std::time::Duration::from_secs(8),
    });
    assert_eq!(
        h.state.observed.feed.health.stale_since,
        Some(h.now - TimeDelta::seconds(3)),
        "stale since the first failure"
    );
    assert_eq!(count(&h, "alert_resolved"), 0);
    // Back without CertExpiring: that one, and only it, resolves, once.
    let mut p = am_poll();
    p.alerts.retain(|a| a.alertname != "CertExpiring");
    poll(&mut h, p.clone());
    poll(&mut h, p);
    assert!(h.state.observed.feed.health.stale_since.is_none());
    assert_eq!(count(&h, "alert_resolved"), 1);
    let last = h.records().last().unwrap().event.clone();
    assert!(
        matches!(last, Event::AlertResolved { ref alertname, .. } if alertname == "CertExpiring")
    );
}

#[test]
fn a_record_in_flight_is_not_asked_for_twice() {
    let mut h = Harness::live("dicps");
    let fx = h.send_held(Msg::AlertsPolled(Box::new(am_poll())));
    assert_eq!(fx.len(), 4);
    let again = h.send_held(Msg::AlertsPolled(Box::new(am_poll())));
    assert!(again.is_empty(), "{again:?}");
}

#[test]
fn resuming_an_incident_does_not_record_its_alerts_again() {
    let mut h = Harness::live("dicps");
    poll(&mut h, am_poll());
    // A second cockpit on the same timeline (or after a crash).
    let recs = h.records();
    let mut resumed = h.state.clone();
    resumed.incident = crate::state::Incident::replay(&recs);
    resumed.observed = Default::default();
    let fx = update(&mut resumed, Msg::AlertsPolled(Box::new(am_poll())), h.now);
    assert!(fx.is_empty(), "{fx:?}");
}

#[test]
fn a_restarted_alertmanager_resolves_nothing_within_the_grace() {
    let mut h = Harness::live("dicps");
    poll(&mut h, am_poll());
    let mut p = am_poll();
    p.alerts.clear();
    p.resolve_after = Some(h.now + TimeDelta::seconds(90));
    poll(&mut h, p.clone());
    assert_eq!(count(&h, "alert_resolved"), 0);
    h.advance(91);
    poll(&mut h, p);
    assert_eq!(count(&h, "alert_resolved"), 4);
}

/// Opens the silence dialog on the selected alert of the alerts pane.
fn silence_dialog(h: &mut Harness, key: char) {
    poll(h, am_poll());
    h.state.ui.focus = Pane::Alerts;
    h.key(KeyCode::Char(key));
}

#[test]
fn a_silence_is_sent_only_once_its_request_is_durable_and_its_outcome_recorded() {
    let mut h = Harness::live("dicps");
    silence_dialog(&mut h, 'x');
    let Some(Modal::Silence(d)) = &h.state.ui.modal else {
        panic!("no dialog")
    };
    assert_eq!(d.target, "alert APIDown");
    assert_eq!(
        d.fields[0].as_str(),
        r#"alertname="APIDown", instance="api-1:8080", service="dicps-api", severity="critical""#
    );
    assert_eq!(d.fields[1].as_str(), "2h");
    assert_eq!(d.focus, 2, "the comment is what must be typed");
    h.keys("draining api-1");
    h.key(KeyCode::Enter);
    assert!(matches!(&h.state.ui.modal, Some(Modal::Silence(d)) if d.confirm));
    // Confirmed: only the request is asked for; nothing is sent yet.
    let fx = h.send_held(Msg::Key(KeyEvent::from(KeyCode::Char('y'))));
    let [Effect::Append(ev)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(ev.kind(), "silence_requested");
    // Durable: now it is sent.
    let rec = h
        .store
        .append(h.now, "ana@bastion-1", ev.clone())
        .unwrap()
        .record
        .unwrap();
    let fx = h.send_held(Msg::Recorded(Box::new(rec)));
    let [Effect::Alertmanager(AmCommand::CreateSilence { request, silence })] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(silence.comment, "draining api-1");
    assert_eq!(silence.created_by, "ana@bastion-1");
    assert_eq!(silence.ends_at - silence.starts_at, TimeDelta::hours(2));
    let request = request.clone();
    h.send(Msg::SilenceDone {
        request: request.clone(),
        result: Ok("0c4d7e1a-aaaa-bbbb-cccc-ddddeeeeffff".into()),
    });
    assert_eq!(
        kinds(&h)[kinds(&h).len() - 2..],
        ["silence_requested", "silence_created"]
    );
    assert!(
        h.state
            .incident
            .silences
            .contains_key("0c4d7e1a-aaaa-bbbb-cccc-ddddeeeeffff")
    );
    // An answer for nothing in flight is ignored.
    assert!(
        h.send(Msg::SilenceDone {
            request,
            result: Ok("x".into())
        })
        .is_empty()
    );
    assert_eq!(count(&h, "silence_created"), 1);
}

#[test]
fn an_unrecorded_request_is_never_sent_and_a_failure_is_recorded() {
    let mut h = Harness::live("dicps");
    silence_dialog(&mut h, 'X');
    h.keys("x");
    h.key(KeyCode::Enter);
    let fx = h.send_held(Msg::Key(KeyEvent::from(KeyCode::Char('y'))));
    let [Effect::Append(ev)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let fx = h.send(Msg::NotRecorded {
        event: Box::new(ev.clone()),
        error: "disk full".into(),
    });
    assert!(fx.is_empty());
    assert!(h.state.observed.feed.ops.is_empty());
    assert!(
        h.state
            .ui
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("NOT RECORDED")
    );
    // A refused silence: the failure is recorded.
    silence_dialog(&mut h, 'x');
    h.keys("x");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('y'));
    let request = h.inflight();
    h.send(Msg::SilenceDone {
        request,
        result: Err("HTTP 400: bad matchers".into()),
    });
    let last = h.records().last().unwrap().event.clone();
    assert_eq!(
        last,
        Event::SilenceFailed {
            request: match &last {
                Event::SilenceFailed { request, .. } => request.clone(),
                _ => unreachable!(),
            },
            action: "create".into(),
            error: "HTTP 400: bad matchers".into()
        }
    );
    assert!(h.state.ui.flash.as_ref().unwrap().error);
}

#[test]
fn the_dialog_refuses_bad_input_and_other_keys_do_not_confirm() {
    let mut h = Harness::live("dicps");
    silence_dialog(&mut h, 'x');
    h.key(KeyCode::Enter);
    assert!(matches!(&h.state.ui.modal, Some(Modal::Silence(d))
        if !d.confirm && d.error.as_ref().is_some_and(|e| e.0 == 2)));
    h.keys("why");
    h.key(KeyCode::Tab); // matchers
    h.ctrl('u');
    h.keys("a=~\".*\"");
    h.key(KeyCode::Enter);
    assert!(matches!(&h.state.ui.modal, Some(Modal::Silence(d))
        if d.error.as_ref().is_some_and(|e| e.0 == 0 && e.1.contains("empty string"))));
    h.ctrl('u');
    h.keys("alertname=\"APIDown\"");
    h.key(KeyCode::Tab); // duration
    h.ctrl('u');
    h.keys("0m");
    h.key(KeyCode::Enter);
    assert!(matches!(&h.state.ui.modal, Some(Modal::Silence(d))
        if d.error.as_ref().is_some_and(|e| e.0 == 1)));
    h.ctrl('u');
    h.keys("30m");
    h.key(KeyCode::Enter);
    // Any key but y goes back, nothing recorded.
    h.key(KeyCode::Char('n'));
    assert!(matches!(&h.state.ui.modal, Some(Modal::Silence(d)) if !d.confirm));
    h.key(KeyCode::Esc);
    assert!(h.state.ui.modal.is_none());
    assert_eq!(count(&h, "silence_requested"), 0);
}

#[test]
fn read_only_seats_and_drills_cannot_silence() {
    let mut h = Harness::live("dicps");
    h.state.ctx.read_only = true;
    silence_dialog(&mut h, 'x');
    assert!(h.state.ui.modal.is_none());
    assert!(
        h.state
            .ui
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("--read-only")
    );
    let mut d = Harness::drill();
    d.state.ui.focus = Pane::Alerts;
    d.key(KeyCode::Char('x'));
    assert!(d.state.ui.modal.is_none());
    assert!(
        d.state
            .ui
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("--alertmanager")
    );
}

#[test]
fn expiring_is_guarded_recorded_and_ours_warn_before_they_end() {
    let mut h = Harness::live("dicps");
    let id = "5f2c9a4e-1111-2222-3333-444455556666";
    h.record(Event::SilenceCreated {
        request: "s1".into(),
        id: id.into(),
        matchers: vec!["alertname=\"APIDown\"".into()],
        ends_at: h.now + TimeDelta::minutes(30),
        extends: None,
    });
    let mut p = am_poll();
    p.silences = vec![crate::alerts::silence::Silence {
        id: id.into(),
        matchers: vec!["alertname=\"APIDown\"".into()],
        starts_at: h.now,
        ends_at: h.now + TimeDelta::minutes(30),
        created_by: "ana@bastion-1".into(),
        comment: "c".into(),
        state: "active".into(),
    }];
    poll(&mut h, p.clone());
    assert!(crate::view::expiring_soon(&h.state).is_empty());
    assert!(h.state.ui.flash.is_none());
    // 25 minutes on: 5 left, one warning.
    h.advance(25 * 60);
    poll(&mut h, p.clone());
    assert_eq!(crate::view::expiring_soon(&h.state).len(), 1);
    let flash = h.state.ui.flash.take().unwrap();
    assert!(
        flash.error && flash.text.contains("expires in 05:00"),
        "{flash:?}"
    );
    poll(&mut h, p);
    assert!(h.state.ui.flash.is_none(), "said once");
    // Expire it: S, e, y; the request first, then the command.
    h.state.ui.focus = Pane::Alerts;
    h.key(KeyCode::Char('S'));
    h.key(KeyCode::Char('e'));
    assert!(matches!(&h.state.ui.modal, Some(Modal::ExpireSilence { id: x }) if x == id));
    let fx = h.send_held(Msg::Key(KeyEvent::from(KeyCode::Char('y'))));
    let [Effect::Append(ev)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let rec = h
        .store
        .append(h.now, "ana@bastion-1", ev.clone())
        .unwrap()
        .record
        .unwrap();
    let fx = h.send_held(Msg::Recorded(Box::new(rec)));
    let [Effect::Alertmanager(AmCommand::ExpireSilence { request, id: x })] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(x, id);
    let request = request.clone();
    h.send(Msg::SilenceDone {
        request,
        result: Ok(id.into()),
    });
    assert_eq!(count(&h, "silence_expired"), 1);
    assert!(h.state.incident.silences[id].expired);
    assert!(crate::view::expiring_soon(&h.state).is_empty());
}

#[test]
fn selection_follows_the_alert_across_polls() {
    let mut h = Harness::live("dicps");
    poll(&mut h, am_poll());
    h.state.ui.focus = Pane::Alerts;
    h.key(KeyCode::Char('j'));
    let fp = h.state.observed.alerts[h.state.ui.alert]
        .fingerprint
        .clone();
    // A new, more severe group arrives first in the list.
    let mut p = am_poll();
    p.alerts.push(crate::testkit::am_alert(
        "DBDown",
        "pg-0",
        "critical",
        AlertState::Active,
        500,
    ));
    poll(&mut h, p);
    assert_eq!(h.state.observed.alerts[h.state.ui.alert].fingerprint, fp);
}

#[test]
fn host_thresholds_cross_once_after_their_duration_and_recover_once() {
    let mut h = Harness::live("zkp-ledger"); // cpu > 90 for 10m, memory > 80
    // Without Prometheus the host's own figures are judged.
    h.state.ctx.watch.prometheus = None;
    let sample = |cpu: f32| crate::state::HostSnapshot {
        cpu_percent: cpu,
        cpus: 2,
        mem_used: 1,
        mem_total: 100,
        ..Default::default()
    };
    for _ in 0..200 {
        // 3 s samples: 10 minutes is the 200th.
        h.send(Msg::Host(sample(95.0)));
        h.advance(3);
    }
    assert_eq!(count(&h, "threshold_crossed"), 0, "{:?}", kinds(&h));
    h.send(Msg::Host(sample(95.0)));
    assert_eq!(count(&h, "threshold_crossed"), 1);
    for _ in 0..50 {
        h.advance(3);
        h.send(Msg::Host(sample(97.0)));
    }
    assert_eq!(count(&h, "threshold_crossed"), 1);
    h.advance(3);
    h.send(Msg::Host(sample(20.0)));
    h.advance(3);
    h.send(Msg::Host(sample(20.0)));
    assert_eq!(count(&h, "threshold_recovered"), 1);
    let last = h.records().last().unwrap().event.clone();
    assert_eq!(
        last,
        Event::ThresholdRecovered {
            metric: "cpu".into(),
            value: 20.0,
            above: 90.0
        }
    );
}

#[test]
fn a_drill_records_no_host_thresholds() {
    let mut h = Harness::drill();
    h.state.ctx.watch.thresholds = crate::playbook::load_bundled("zkp-ledger.yaml")
        .unwrap()
        .watch
        .thresholds;
    let mut hot = crate::testkit::host();
    hot.mem_used = hot.mem_total;
    h.send(Msg::Host(hot));
    assert_eq!(count(&h, "threshold_crossed"), 0);
}

fn figures(answers: &[(&str, Result<f64, &str>)], down: bool) -> Msg {
    Msg::Figures(crate::state::figures::FigureUpdate {
        answers: answers
            .iter()
            .map(|(n, r)| crate::state::figures::FigureAnswer {
                name: n.to_string(),
                unit: "%".into(),
                result: r.map_err(str::to_string),
            })
            .collect(),
        took_ms: 2,
        retry_in: down.then(|| std::time::Duration::from_secs(1)),
    })
}

#[test]
fn the_ledgers_thresholds_are_judged_on_its_prometheus_figures_not_the_bastion() {
    let mut h = Harness::live("zkp-ledger"); // memory > 80 (Prometheus' figure)
    let mut hot = crate::testkit::host();
    hot.mem_used = hot.mem_total;
    h.send(Msg::Host(hot));
    assert_eq!(
        count(&h, "threshold_crossed"),
        0,
        "the bastion's memory is not the ledger's"
    );
    h.send(figures(
        &[("memory", Ok(60.0)), ("proof generation time", Ok(8.0))],
        false,
    ));
    assert_eq!(count(&h, "threshold_crossed"), 0);
    h.advance(15);
    h.send(figures(
        &[("memory", Ok(91.5)), ("proof generation time", Ok(42.0))],
        false,
    ));
    let crossed: Vec<String> = h
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            Event::ThresholdCrossed { metric, value, .. } => Some(format!("{metric} {value}")),
            _ => None,
        })
        .collect();
    assert_eq!(crossed, vec!["memory 91.5", "proof generation time 42"]);
    // A failed poll keeps the value, stale: nothing recovers or crosses on it.
    h.advance(15);
    h.send(figures(
        &[
            ("memory", Err("HTTP 503")),
            ("proof generation time", Err("HTTP 503")),
        ],
        true,
    ));
    let m = h
        .state
        .observed
        .figures
        .iter()
        .find(|f| f.name == "memory")
        .unwrap();
    assert_eq!((m.value, m.stale.as_deref()), (91.5, Some("HTTP 503")));
    assert_eq!(count(&h, "threshold_recovered"), 0);
    assert!(h.state.observed.prometheus.health.stale_since.is_some());
    h.advance(15);
    h.send(figures(
        &[("memory", Ok(50.0)), ("proof generation time", Ok(9.0))],
        false,
    ));
    assert_eq!(count(&h, "threshold_recovered"), 2);
    assert_eq!(h.state.observed.prometheus.health.stale_since, None);
}

#[test]
fn a_stale_figure_is_no_evidence_for_a_verify_condition() {
    let h = Harness::live("zkp-ledger");
    let mut o = h.state.observed.clone();
    // Prometheus measures memory: the bastion's memory must not stand in.
    o.host = Some(crate::testkit::host());
    o.figures.push(crate::state::Figure {
        name: "API response time".into(),
        value: 0.4,
        unit: "s".into(),
        stale: Some("cannot connect".into()),
    });
    let check = crate::playbook::verify::Check {
        figure: Some(crate::playbook::model::At::new("API response time".into())),
        below: Some(5.0),
        ..Default::default()
    };
    let cond = check.compile().unwrap();
    let inp = crate::view::verify::Inputs {
        observed: &o,
        watched: &[],
        observes_pods: true,
        observes_alerts: true,
        prometheus: h.state.ctx.watch.prometheus.as_ref(),
    };
    assert_eq!(
        crate::view::verify::evaluate(&cond, &inp),
        crate::view::verify::Truth::No("0.4s stale: cannot connect".into())
    );
    let mem = crate::playbook::verify::Check {
        figure: Some(crate::playbook::model::At::new("memory".into())),
        below: Some(99.0),
        ..Default::default()
    };
    assert_eq!(
        crate::view::verify::evaluate(&mem.compile().unwrap(), &inp),
        crate::view::verify::Truth::No("no memory figure yet".into())
    );
}
