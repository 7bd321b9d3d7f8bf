use super::*;
use crate::view::restarts_cell;
use serde::Deserialize;

#[derive(Deserialize)]
struct Expect {
    ready: String,
    status: String,
    restarts: String,
}

#[derive(Deserialize)]
struct Fixture {
    expect: Expect,
    pod: serde_json::Value,
}

fn anchor() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T13:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn fixtures() -> Vec<(Pod, Expect)> {
    let text = include_str!("../../../../tests/fixtures/kube/pods.yaml");
    let list: Vec<Fixture> = serde_saphyr::from_str(text).expect("fixtures parse");
    list.into_iter()
        .map(|f| {
            let pod: Pod = serde_json::from_value(f.pod).expect("a valid pod");
            (pod, f.expect)
        })
        .collect()
}

fn pod(yaml: &str) -> Pod {
    let v: serde_json::Value = serde_saphyr::from_str(yaml).unwrap();
    serde_json::from_value(v).unwrap()
}

#[test]
fn every_fixture_prints_as_kubectl_prints_it() {
    let all = fixtures();
    assert!(all.len() >= 20, "{} fixtures", all.len());
    let mut wrong = Vec::new();
    for (p, want) in &all {
        let row = pod_row(p);
        let got = (
            row.ready_cell(),
            row.status.clone(),
            restarts_cell(row.restarts, row.last_restart, anchor()),
        );
        let exp = (
            want.ready.clone(),
            want.status.clone(),
            want.restarts.clone(),
        );
        if got != exp {
            wrong.push(format!(
                "{}: got {got:?}, kubectl prints {exp:?}",
                p.metadata.name.as_deref().unwrap_or("?")
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_fixtures_cover_every_status_the_cockpit_names() {
    let statuses: Vec<String> = fixtures().into_iter().map(|(_, e)| e.status).collect();
    let extra = [
        "Running",
        "SchedulingGated",
        "ExitCode:3",
        "Signal:9",
        "Init:ExitCode:2",
        "Init:Signal:15",
    ];
    for s in super::NAMED_STATUSES.iter().chain(extra.iter()) {
        assert!(statuses.iter().any(|x| x == s), "no fixture prints {s}");
    }
}

#[test]
fn an_empty_pod_is_its_phase_or_nothing() {
    let row = pod_row(&Pod::default());
    assert_eq!(row.status, "");
    assert_eq!(row.ready_cell(), "0/0");
    assert_eq!(restarts_cell(row.restarts, row.last_restart, anchor()), "0");
}

#[test]
fn restarts_without_a_known_time_have_no_ago() {
    let p = pod(r#"
metadata: {name: p}
spec: {containers: [{name: a}]}
status:
  phase: Running
  containerStatuses:
    - {name: a, image: x, imageID: "", ready: true, restartCount: 4, state: {running: {}}}
"#);
    let row = pod_row(&p);
    assert_eq!(row.restarts, 4);
    assert_eq!(row.last_restart, None);
    assert_eq!(restarts_cell(4, None, anchor()), "4");
}

#[test]
fn restarts_ago_uses_the_latest_termination_of_any_container() {
    let p = pod(r#"
metadata: {name: p}
spec: {containers: [{name: a}, {name: b}]}
status:
  phase: Running
  containerStatuses:
    - {name: a, image: x, imageID: "", ready: true, restartCount: 1, state: {running: {}}, lastState: {terminated: {exitCode: 1, finishedAt: "2026-11-22T12:00:00Z"}}}
    - {name: b, image: x, imageID: "", ready: true, restartCount: 2, state: {running: {}}, lastState: {terminated: {exitCode: 1, finishedAt: "2026-11-22T12:55:00Z"}}}
"#);
    let row = pod_row(&p);
    assert_eq!(
        restarts_cell(row.restarts, row.last_restart, anchor()),
        "3 (5m ago)"
    );
    assert_eq!(row.ready_cell(), "2/2");
    assert_eq!(row.status, "Running");
}

#[test]
fn init_restarts_stop_counting_once_initialised() {
    // A plain init container's restarts count only while it is the one
    // holding the pod back; afterwards only app (and sidecar) restarts do.
    let p = pod(r#"
metadata: {name: p}
spec: {initContainers: [{name: i}], containers: [{name: a}]}
status:
  phase: Running
  conditions: [{type: Initialized, status: "True"}, {type: Ready, status: "True"}]
  initContainerStatuses:
    - {name: i, image: x, imageID: "", ready: false, restartCount: 6, state: {terminated: {exitCode: 0, reason: Completed}}}
  containerStatuses:
    - {name: a, image: x, imageID: "", ready: true, restartCount: 0, state: {running: {}}}
"#);
    let row = pod_row(&p);
    assert_eq!((row.restarts, row.status.as_str()), (0, "Running"));
}

#[test]
fn initialised_condition_lets_app_state_through_a_failed_init() {
    // An init container reported failed while the pod says it is
    // initialised (after a kubelet restart): the app containers decide.
    let p = pod(r#"
metadata: {name: p}
spec: {initContainers: [{name: i}], containers: [{name: a}]}
status:
  phase: Running
  conditions: [{type: Initialized, status: "True"}]
  initContainerStatuses:
    - {name: i, image: x, imageID: "", ready: false, restartCount: 0, state: {terminated: {exitCode: 1, reason: Error}}}
  containerStatuses:
    - {name: a, image: x, imageID: "", ready: false, restartCount: 0, state: {waiting: {reason: CrashLoopBackOff}}}
"#);
    assert_eq!(pod_row(&p).status, "CrashLoopBackOff");
}

#[test]
fn status_reason_overrides_phase_and_gate_overrides_both() {
    let p = pod(r#"
metadata: {name: p}
spec: {containers: [{name: a}]}
status:
  phase: Pending
  reason: Preempting
  conditions: [{type: PodScheduled, status: "False", reason: SchedulingGated}]
"#);
    assert_eq!(pod_row(&p).status, "SchedulingGated");
    let p = pod(r#"
metadata: {name: p}
spec: {containers: [{name: a}]}
status: {phase: Failed, reason: Shutdown}
"#);
    assert_eq!(pod_row(&p).status, "Shutdown");
}

#[test]
fn deleted_failed_pod_keeps_its_reason() {
    let p = pod(r#"
metadata: {name: p, deletionTimestamp: "2026-11-22T12:00:00Z"}
spec: {containers: [{name: a}]}
status: {phase: Failed, reason: Evicted}
"#);
    assert_eq!(pod_row(&p).status, "Evicted");
}

#[test]
fn sidecar_not_ready_still_counts_in_the_total() {
    let p = pod(r#"
metadata: {name: p}
spec:
  initContainers: [{name: s, restartPolicy: Always}, {name: plain}]
  containers: [{name: a}]
status:
  phase: Running
  conditions: [{type: Initialized, status: "True"}]
  initContainerStatuses:
    - {name: s, image: x, imageID: "", ready: false, started: true, restartCount: 0, state: {running: {}}}
    - {name: plain, image: x, imageID: "", ready: false, restartCount: 0, state: {terminated: {exitCode: 0}}}
  containerStatuses:
    - {name: a, image: x, imageID: "", ready: true, restartCount: 0, state: {running: {}}}
"#);
    let row = pod_row(&p);
    assert_eq!(row.ready_cell(), "1/2");
    assert_eq!(row.status, "Running");
}
