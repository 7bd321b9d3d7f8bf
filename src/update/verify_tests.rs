//! Steps that verify themselves: auto-tick with evidence after the hold
//! time, the override's reason, and no tick again after a reasoned untick.

use super::*;
use crate::playbook::model::At;
use crate::playbook::verify::Check;
use crate::testkit::Harness;
use crossterm::event::KeyCode;
use std::sync::Arc;

/// The drill with `verify:` on the API outage's rollout-status step: all
/// API pods ready for 1m and APIDown resolved.
fn drill_with_verify() -> Harness {
    drill_verifying(vec![
        Check {
            pods: Some(At::new("app=dicps-api".into())),
            hold: Some(At::new("1m".into())),
            ..Default::default()
        },
        Check {
            alert: Some(At::new("APIDown".into())),
            ..Default::default()
        },
    ])
}

/// The drill with `checks` on the API outage's rollout-status step alone.
fn drill_verifying(checks: Vec<Check>) -> Harness {
    let mut h = Harness::drill();
    let mut pb = (*h.state.ctx.playbook).clone();
    let proc_ = pb
        .procedures
        .iter_mut()
        .find(|p| p.id.value == "api-outage")
        .unwrap();
    for ph in &mut proc_.phases {
        for st in &mut ph.steps {
            st.verify.clear();
            if st.id.value == "rollout-status" {
                st.verify = checks.clone();
            }
        }
    }
    h.state.ctx.playbook = Arc::new(pb);
    h.state.verify = Default::default();
    h
}

fn step_records(h: &Harness) -> Vec<Event> {
    h.records()
        .into_iter()
        .map(|r| r.event)
        .filter(|e| matches!(e, Event::StepChecked { .. } | Event::StepUnchecked { .. }))
        .collect()
}

#[test]
fn a_step_ticks_itself_when_its_conditions_held_with_the_evidence() {
    let mut h = drill_with_verify();
    h.advance(1);
    let st = h.state.verify.step("rollout-status").unwrap();
    // APIDown fires at the start: waiting.
    assert!(!st.all_met());
    assert_eq!(crate::view::verify::summary(st, h.state.now).0, "… waiting");
    // The rollback at 8m replaces the pods; APIDown resolves at 10m.
    h.run_injects_until(600);
    let st = h.state.verify.step("rollout-status").unwrap();
    assert!(
        matches!(st.conds[0].live, crate::state::verify::Live::Met { .. }),
        "{:?}",
        st.conds
    );
    let ticks = step_records(&h);
    assert_eq!(ticks.len(), 1, "{ticks:?}");
    let Event::StepChecked {
        step,
        evidence,
        reason,
        ..
    } = &ticks[0]
    else {
        panic!("{ticks:?}")
    };
    assert_eq!(step, "rollout-status");
    assert!(reason.is_none());
    assert!(
        evidence[0]
            .starts_with("pods app=dicps-api all ready for 1m: 3/3 ready, since 13:08:00 UTC"),
        "{evidence:?}"
    );
    assert!(
        evidence[1].starts_with("alert APIDown resolved: not firing"),
        "{evidence:?}"
    );
    assert!(h.state.incident.verified.contains_key("rollout-status"));
    // Once: more ticks record nothing more.
    h.advance(5);
    assert_eq!(step_records(&h).len(), 1);
}

#[test]
fn a_condition_holds_before_it_counts() {
    let mut h = drill_with_verify();
    // Pods all ready at 8m, but the hold is 1m and APIDown fires until 10m:
    // at 8m30s the pods hold, nothing is ticked.
    h.run_injects_until(480);
    h.advance(30);
    let st = h.state.verify.step("rollout-status").unwrap();
    assert_eq!(
        crate::view::verify::label(&st.conds[0].live, h.state.now),
        "holding 30s of 1m"
    );
    assert!(step_records(&h).is_empty());
}

#[test]
fn ticking_by_hand_while_conditions_fail_asks_why_and_records_it() {
    let mut h = drill_with_verify();
    h.advance(1);
    h.select_step("rollout-status");
    h.key(KeyCode::Char(' '));
    assert!(matches!(
        h.state.ui.modal,
        Some(Modal::Prompt {
            kind: crate::state::ui::PromptKind::Override { tick: true, .. },
            ..
        })
    ));
    // Esc: nothing recorded.
    h.key(KeyCode::Esc);
    assert!(step_records(&h).is_empty());
    h.key(KeyCode::Char(' '));
    h.keys("checked by hand in grafana");
    h.key(KeyCode::Enter);
    let ticks = step_records(&h);
    assert!(
        matches!(&ticks[..], [Event::StepChecked { reason: Some(r), evidence, .. }] if r == "checked by hand in grafana" && evidence.is_empty()),
        "{ticks:?}"
    );
    let line = ticks[0].summary();
    assert!(line.contains("by hand, overriding verify"), "{line}");
}

#[test]
fn an_untick_with_a_reason_stops_the_step_ticking_itself() {
    let mut h = drill_with_verify();
    h.run_injects_until(600);
    assert!(h.state.incident.checked.contains_key("rollout-status"));
    h.select_step("rollout-status");
    h.key(KeyCode::Char(' '));
    h.keys("error rate still high");
    h.key(KeyCode::Enter);
    assert!(!h.state.incident.checked.contains_key("rollout-status"));
    assert!(h.state.incident.overridden.contains("rollout-status"));
    h.advance(120);
    let ticks = step_records(&h);
    assert_eq!(ticks.len(), 2, "{ticks:?}");
    // A hand tick of a step whose conditions hold needs no reason.
    h.key(KeyCode::Char(' '));
    assert!(h.state.ui.modal.is_none());
    assert!(h.state.incident.checked.contains_key("rollout-status"));
    assert!(!h.state.incident.overridden.contains("rollout-status"));
}

#[test]
fn a_viewer_or_a_seat_that_does_not_record_observations_never_ticks() {
    let mut h = drill_with_verify();
    h.state.ctx.records_observations = false;
    h.run_injects_until(600);
    h.advance(60);
    assert!(step_records(&h).is_empty());
    // It still shows the conditions met.
    assert!(h.state.verify.step("rollout-status").unwrap().all_met());
}

/// A live DICPS incident whose verify-outage step has an HTTP condition.
fn live_with_http() -> Harness {
    let mut h = Harness::live_kube();
    let mut pb = (*h.state.ctx.playbook).clone();
    for p in &mut pb.procedures {
        for ph in &mut p.phases {
            for st in &mut ph.steps {
                st.verify.clear();
                if st.id.value == "verify-outage" {
                    st.verify = vec![Check {
                        http: Some(At::new("http://127.0.0.1:9/health".into())),
                        timeout: Some(At::new("2s".into())),
                        ..Default::default()
                    }];
                }
            }
        }
    }
    h.state.ctx.playbook = Arc::new(pb);
    h.state.verify = Default::default();
    h
}

fn gets(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::HttpGet { url, timeout } => {
                assert_eq!(*timeout, std::time::Duration::from_secs(2));
                Some(url.clone())
            }
            _ => None,
        })
        .collect()
}

fn answer(h: &mut Harness, status: Option<u16>) -> Vec<Effect> {
    let at = h.now;
    h.send(Msg::Checks(crate::state::verify::CheckUpdate::Http {
        url: "http://127.0.0.1:9/health".into(),
        answer: crate::state::verify::HttpAnswer {
            status,
            error: status.is_none().then(|| "connection refused".into()),
            took_ms: 3,
            at,
        },
    }))
}

#[test]
fn an_open_steps_http_condition_is_asked_on_the_clock_one_get_at_a_time() {
    let mut h = live_with_http();
    h.now += chrono::TimeDelta::seconds(1);
    let fx = h.send(Msg::Tick);
    assert_eq!(gets(&fx), vec!["http://127.0.0.1:9/health"]);
    // Not again while it is out (until its timeout and a margin).
    h.now += chrono::TimeDelta::seconds(1);
    assert!(gets(&h.send(Msg::Tick)).is_empty());
    // A 500: failed, asked again 15 s after the answer, not sooner.
    answer(&mut h, Some(500));
    let st = h.state.verify.step("verify-outage").unwrap();
    assert_eq!(
        st.conds[0].live,
        crate::state::verify::Live::Failed("answered 500".into())
    );
    h.now += chrono::TimeDelta::seconds(14);
    assert!(gets(&h.send(Msg::Tick)).is_empty());
    h.now += chrono::TimeDelta::seconds(1);
    assert_eq!(gets(&h.send(Msg::Tick)).len(), 1);
    // A redirect is an answer, not a 2xx: still failed, no tick.
    answer(&mut h, Some(302));
    assert!(!h.state.incident.checked.contains_key("verify-outage"));
    // A 200: the step ticks itself with the evidence...
    h.now += chrono::TimeDelta::seconds(15);
    assert_eq!(gets(&h.send(Msg::Tick)).len(), 1);
    answer(&mut h, Some(200));
    let ticked = step_records(&h);
    assert!(
        matches!(&ticked[..], [Event::StepChecked { step, evidence, .. }]
            if step == "verify-outage" && evidence[0].contains("200 in 3 ms")),
        "{ticked:?}"
    );
    // ...and is not asked again once ticked.
    h.now += chrono::TimeDelta::seconds(60);
    assert!(gets(&h.send(Msg::Tick)).is_empty());
}

#[test]
fn a_drill_never_sends_an_http_get() {
    let mut h = live_with_http();
    h.state.ctx.drill = true;
    h.now += chrono::TimeDelta::seconds(1);
    assert!(gets(&h.send(Msg::Tick)).is_empty());
}

/// The bundled API-outage drill as shipped: the rollout-status step
/// verifies itself through the scenario's rollout (rolling at 8m,
/// complete at 9m), its pods and APIDown resolving at 10m.
#[test]
fn the_bundled_drill_step_verifies_itself_through_the_scenarios_rollout() {
    let mut h = Harness::drill();
    h.advance(1);
    let live = |h: &Harness| {
        let st = h.state.verify.step("rollout-status").unwrap();
        assert_eq!(
            st.conds[0].cond.text,
            "rollout deployment/dicps-api complete"
        );
        st.conds[0].live.clone()
    };
    assert_eq!(
        live(&h),
        crate::state::verify::Live::Waiting("not seen yet".into())
    );
    h.run_injects_until(480);
    assert_eq!(
        live(&h),
        crate::state::verify::Live::Waiting("3/3 updated, 1 available".into())
    );
    h.run_injects_until(540);
    assert!(live(&h).is_met(), "{:?}", live(&h));
    assert!(step_records(&h).is_empty(), "APIDown still fires");
    h.run_injects_until(600);
    let ticks = step_records(&h);
    let [Event::StepChecked { step, evidence, .. }] = &ticks[..] else {
        panic!("{ticks:?}")
    };
    assert_eq!(step, "rollout-status");
    assert!(
        evidence[0].starts_with(
            "rollout deployment/dicps-api complete: 3/3 updated, 3 available, since 13:09:00 UTC"
        ),
        "{evidence:?}"
    );
}

/// A scenario can make a rollout never complete (stalled) and an HTTP
/// GET answer what it likes; neither ticks.
#[test]
fn a_scenario_sets_rollouts_and_http_answers() {
    use crate::drill::scenario::Inject;
    let inj: Inject = crate::playbook::load::parse_yaml(
        "t.yaml",
        "at: 1m\nworkloads:\n  - {workload: deploy/api, replicas: 3, updated: 1, stalled: ProgressDeadlineExceeded}\nhttp:\n  - {url: 'http://x/health', status: 503}\n",
    )
    .unwrap();
    assert_eq!(
        inj.summary(),
        "deploy/api 1/3 updated, stalled; http://x/health answers 503"
    );
    let mut o = crate::state::Observed::default();
    let _ = inj.apply(&mut o, crate::testkit::t0());
    let r = &o.checks.rollouts["deployment/api"];
    assert!(!r.complete());
    assert_eq!(r.stalled.as_deref(), Some("ProgressDeadlineExceeded"));
    assert_eq!(o.checks.http["http://x/health"].status, Some(503));
}

/// The bundled drills of seed 000's Data Recovery and of its Technical and
/// Security Investigation (joined with the Service Recovery Checklist)
/// reach a step that ticks itself: the pods ready for their hold and
/// ServiceDown resolved, on drill time.
#[test]
fn the_recovery_steps_of_the_newer_bundled_drills_verify_themselves() {
    for (name, step) in [
        ("data-recovery", "db-start"),
        ("technical-investigation", "service-recovery/restore"),
        ("security-investigation", "service-recovery/restore"),
    ] {
        let mut h = Harness::drill_of(name);
        h.advance(1);
        h.run_injects_until(20 * 60);
        h.advance(180);
        let ticks = step_records(&h);
        assert!(
            ticks.iter().any(
                |e| matches!(e, Event::StepChecked { step: s, evidence, .. } if s.ends_with(step) && !evidence.is_empty())
            ),
            "{name}: {ticks:?}"
        );
    }
}

/// A condition on the host's CPU follows the host's samples: a sample
/// moves the host's change counter alone, and the next tick evaluates the
/// conditions again (those of a procedure that looks at no figure are not
/// evaluated again for it).
#[test]
fn a_condition_on_a_host_figure_follows_its_samples() {
    let mut h = drill_verifying(vec![Check {
        figure: Some(At::new("cpu".into())),
        below: Some(30.0),
        ..Default::default()
    }]);
    // Below any threshold that would record something (and move `any`).
    let mut busy = crate::testkit::host();
    busy.cpu_percent = 31.0;
    let mut idle = busy.clone();
    idle.cpu_percent = 29.0;
    let met = |h: &Harness| {
        h.state
            .verify
            .step("rollout-status")
            .is_some_and(|st| st.all_met())
    };
    h.send(Msg::Host(busy.clone()));
    h.advance(1);
    assert!(!met(&h));
    // Ticks with nothing else moving: the conditions stand.
    h.advance(1);
    h.advance(1);
    h.send(Msg::Host(idle));
    h.advance(1);
    assert!(met(&h), "{:?}", h.state.verify.step("rollout-status"));
    h.advance(1);
    h.advance(1);
    h.send(Msg::Host(busy));
    h.advance(1);
    assert!(!met(&h));
}
