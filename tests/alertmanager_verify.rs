//! `verify: alert` conditions against a real Alertmanager (Debian's
//! `prometheus-alertmanager`, started here on a free loopback port): the
//! step whose alert resolves ticks itself with the evidence; the step
//! whose alert keeps firing does not, poll after poll.

use crate::common;

use common::alertmanager::{Am, Cockpit, alert_json};
use incident_cockpit::msg::Msg;
use incident_cockpit::playbook::model::At;
use incident_cockpit::playbook::verify::Check;
use incident_cockpit::state::verify::Live;
use incident_cockpit::timeline::Event;
use std::sync::Arc;
use std::time::Duration;

/// The fixture playbook with two steps that verify an alert resolved.
fn with_alert_steps(c: &mut Cockpit) {
    let mut pb = (*c.state.ctx.playbook).clone();
    let steps = &mut pb.procedures[0].phases[0].steps;
    let base = steps[0].clone();
    for (id, alert) in [("api-clears", "APIDown"), ("latency-clears", "HighLatency")] {
        let mut st = base.clone();
        st.id = At::new(id.to_string());
        st.title = format!("{alert} clears");
        st.verify = vec![Check {
            alert: Some(At::new(alert.to_string())),
            ..Default::default()
        }];
        steps.push(st);
    }
    c.state.ctx.playbook = Arc::new(pb);
    c.state.verify = Default::default();
}

fn ticked(c: &Cockpit, step: &str) -> Option<Vec<String>> {
    c.records().into_iter().find_map(|r| match r.event {
        Event::StepChecked {
            step: s, evidence, ..
        } if s == step => Some(evidence),
        _ => None,
    })
}

fn live(c: &Cockpit, step: &str) -> Live {
    c.state.verify.step(step).unwrap().conds[0].live.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_ticks_when_its_alert_resolves_and_not_while_it_fires() {
    let am = Am::start();
    am.post_alerts(&format!(
        "[{},{}]",
        alert_json("APIDown", "a:80", "critical", "dicps-api", false),
        alert_json("HighLatency", "a:80", "warning", "dicps-api", false),
    ));
    let mut c = Cockpit::open(&am.url(), |_| {});
    with_alert_steps(&mut c);
    c.until("both alerts seen", 10, |c| {
        c.state.verify.compiled
            && live(c, "api-clears") == Live::Waiting("APIDown firing".into())
            && live(c, "latency-clears") == Live::Waiting("HighLatency firing".into())
    })
    .await;
    assert!(ticked(&c, "api-clears").is_none());

    am.post_alerts(&format!(
        "[{}]",
        alert_json("APIDown", "a:80", "critical", "dicps-api", true)
    ));
    c.until("the APIDown step ticked", 10, |c| {
        ticked(c, "api-clears").is_some()
    })
    .await;
    let evidence = ticked(&c, "api-clears").unwrap();
    assert!(
        evidence[0].starts_with("alert APIDown resolved: not firing, since "),
        "{evidence:?}"
    );

    // HighLatency keeps firing: three more polls, and its step waits.
    let mut polls = 0;
    while polls < 3 {
        let msg = tokio::time::timeout(Duration::from_secs(10), c.rx.recv())
            .await
            .expect("a poll")
            .unwrap();
        if matches!(msg, Msg::AlertsPolled(_)) {
            polls += 1;
        }
        c.apply(msg);
    }
    assert_eq!(
        live(&c, "latency-clears"),
        Live::Waiting("HighLatency firing".into())
    );
    assert!(ticked(&c, "latency-clears").is_none());
    let ticks = c
        .records()
        .iter()
        .filter(|r| matches!(r.event, Event::StepChecked { .. }))
        .count();
    assert_eq!(ticks, 1, "{:?}", c.kinds());
}
