use super::*;

use crate::testkit::at as t;

fn pod(name: &str, ready: &str, status: &str) -> Pod {
    Pod {
        name: name.into(),
        ready: ready.into(),
        status: status.into(),
        restarts: 0,
        last_restart: None,
        created: t(-3600),
        node: Some("node-a".into()),
        phase: Some(
            if status == "Completed" {
                "Succeeded"
            } else {
                "Running"
            }
            .into(),
        ),
    }
}

fn live() -> Observed {
    Observed {
        kube: Some(KubeView::new("ns app=web".into())),
        ..Default::default()
    }
}

fn synced(pods: Vec<Pod>) -> Observed {
    let mut o = live();
    let ev = o.apply_kube(KubeUpdate::Synced(pods), t(0));
    assert!(ev.is_empty(), "the first sync records nothing: {ev:?}");
    o
}

fn pod_events(ev: &[Event]) -> Vec<(String, String, String)> {
    ev.iter()
        .filter_map(|e| match e {
            Event::PodChanged { pod, from, to } => Some((pod.clone(), from.clone(), to.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn pods_there_at_the_start_are_not_created_nor_entering_trouble() {
    let o = synced(vec![
        pod("a", "1/1", "Running"),
        pod("b", "0/1", "CrashLoopBackOff"),
    ]);
    assert_eq!(o.pods.len(), 2);
    assert_eq!(o.pods[0].name, "b", "trouble first");
    assert!(matches!(o.kube.as_ref().unwrap().link, Link::Live { .. }));
}

#[test]
fn created_and_deleted_after_the_sync_are_recorded() {
    let mut o = synced(vec![pod("a", "1/1", "Running")]);
    let ev = o.apply_kube(KubeUpdate::Applied(pod("c", "0/1", "Pending")), t(5));
    assert_eq!(
        pod_events(&ev),
        vec![("c".into(), "(none)".into(), "Pending".into())]
    );
    // Its progress to Running is an observation, not a record.
    let ev = o.apply_kube(
        KubeUpdate::Applied(pod("c", "0/1", "ContainerCreating")),
        t(6),
    );
    assert!(pod_events(&ev).is_empty());
    let ev = o.apply_kube(KubeUpdate::Applied(pod("c", "1/1", "Running")), t(7));
    assert!(pod_events(&ev).is_empty());
    let ev = o.apply_kube(KubeUpdate::Deleted("a".into()), t(8));
    assert_eq!(
        pod_events(&ev),
        vec![("a".into(), "Running".into(), "deleted".into())]
    );
    assert_eq!(o.pods.len(), 1);
}

#[test]
fn entering_trouble_is_recorded_once_per_pod_and_state() {
    let mut o = synced(vec![pod("a", "1/1", "Running"), pod("b", "1/1", "Running")]);
    let ev = o.apply_kube(KubeUpdate::Applied(pod("a", "0/1", "Error")), t(1));
    assert_eq!(
        pod_events(&ev),
        vec![("a".into(), "Running".into(), "Error".into())]
    );
    let ev = o.apply_kube(
        KubeUpdate::Applied(pod("a", "0/1", "CrashLoopBackOff")),
        t(2),
    );
    assert_eq!(
        pod_events(&ev),
        vec![("a".into(), "Error".into(), "CrashLoopBackOff".into())]
    );
    // The crash loop goes round: Running, Error, CrashLoopBackOff again.
    for (i, st) in [
        "Running",
        "Error",
        "CrashLoopBackOff",
        "Running",
        "OOMKilled",
    ]
    .iter()
    .enumerate()
    {
        let ready = if *st == "Running" { "1/1" } else { "0/1" };
        let ev = o.apply_kube(KubeUpdate::Applied(pod("a", ready, st)), t(10 + i as i64));
        let expect_new = *st == "OOMKilled";
        assert_eq!(!pod_events(&ev).is_empty(), expect_new, "{st}: {ev:?}");
    }
}

#[test]
fn failed_phase_and_eviction_are_recorded() {
    let mut o = synced(vec![pod("a", "1/1", "Running"), pod("j", "1/1", "Running")]);
    let mut evicted = pod("a", "0/1", "Evicted");
    evicted.phase = Some("Failed".into());
    let ev = o.apply_kube(KubeUpdate::Applied(evicted), t(1));
    assert_eq!(
        pod_events(&ev),
        vec![("a".into(), "Running".into(), "Evicted".into())]
    );
    let mut failed = pod("j", "0/1", "ExitCode:3");
    failed.phase = Some("Failed".into());
    let ev = o.apply_kube(KubeUpdate::Applied(failed), t(2));
    assert_eq!(
        pod_events(&ev),
        vec![("j".into(), "Running".into(), "ExitCode:3 (Failed)".into())]
    );
}

#[test]
fn a_relist_after_a_reconnect_records_what_changed_meanwhile() {
    let mut o = synced(vec![pod("a", "1/1", "Running"), pod("b", "1/1", "Running")]);
    o.apply_kube(
        KubeUpdate::Failed {
            error: "watch expired (410 Gone): listing again".into(),
            retry_in: Duration::from_secs(1),
        },
        t(10),
    );
    let ev = o.apply_kube(
        KubeUpdate::Synced(vec![
            pod("b", "0/1", "CrashLoopBackOff"),
            pod("c", "1/1", "Running"),
        ]),
        t(12),
    );
    let mut got = pod_events(&ev);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("a".into(), "Running".into(), "deleted".into()),
            ("b".into(), "Running".into(), "CrashLoopBackOff".into()),
            ("c".into(), "(none)".into(), "Running".into()),
        ]
    );
    assert_eq!(o.pods.len(), 2);
}

fn ready_events(ev: &[Event]) -> Vec<String> {
    ev.iter()
        .filter(|e| matches!(e, Event::ReadyChanged { .. }))
        .map(Event::summary)
        .collect()
}

#[test]
fn ready_count_drops_are_recorded_and_recovery_after_a_hold() {
    let mut o = synced(vec![
        pod("a", "1/1", "Running"),
        pod("b", "1/1", "Running"),
        pod("c", "1/1", "Running"),
    ]);
    let ev = o.apply_kube(KubeUpdate::Applied(pod("a", "0/1", "Running")), t(1));
    assert_eq!(
        ready_events(&ev),
        vec!["DROPPED: ready ns app=web: 3/3 → 2/3"]
    );
    // Back up and down again at the same level: nothing new.
    let ev = o.apply_kube(KubeUpdate::Applied(pod("a", "1/1", "Running")), t(2));
    assert!(ready_events(&ev).is_empty());
    let ev = o.apply_kube(KubeUpdate::Applied(pod("a", "0/1", "Running")), t(10));
    assert!(ready_events(&ev).is_empty());
    // Lower still: recorded.
    let ev = o.apply_kube(KubeUpdate::Applied(pod("b", "0/1", "Running")), t(11));
    assert_eq!(
        ready_events(&ev),
        vec!["DROPPED: ready ns app=web: 2/3 → 1/3"]
    );
    // All ready: the recovery is recorded only once it held.
    o.apply_kube(KubeUpdate::Applied(pod("a", "1/1", "Running")), t(20));
    let ev = o.apply_kube(KubeUpdate::Applied(pod("b", "1/1", "Running")), t(21));
    assert!(ready_events(&ev).is_empty());
    assert!(o.check_ready(t(40)).is_none());
    let ev = o.check_ready(t(51)).expect("recovered after the hold");
    assert_eq!(ev.summary(), "recovered: ready ns app=web: 1/3 → 3/3");
    assert!(o.check_ready(t(80)).is_none(), "once");
}

#[test]
fn healthy_scaling_and_replacement_are_quiet() {
    let mut o = synced(vec![pod("a", "1/1", "Running"), pod("b", "1/1", "Running")]);
    // A surge pod (not ready yet) does not lower the ready count.
    let ev = o.apply_kube(
        KubeUpdate::Applied(pod("c", "0/1", "ContainerCreating")),
        t(1),
    );
    assert!(ready_events(&ev).is_empty());
    let ev = o.apply_kube(KubeUpdate::Applied(pod("c", "1/1", "Running")), t(5));
    assert!(ready_events(&ev).is_empty());
    // The old pod goes: 2/2 again, all ready before and after.
    let ev = o.apply_kube(KubeUpdate::Deleted("a".into()), t(6));
    assert!(ready_events(&ev).is_empty(), "{ev:?}");
    // Every pod gone is a drop.
    o.apply_kube(KubeUpdate::Deleted("b".into()), t(7));
    let ev = o.apply_kube(KubeUpdate::Deleted("c".into()), t(8));
    assert_eq!(
        ready_events(&ev),
        vec!["DROPPED: ready ns app=web: 1/1 → 0/0"]
    );
}

#[test]
fn link_states_follow_the_source() {
    let mut o = live();
    assert_eq!(o.kube.as_ref().unwrap().link, Link::Starting);
    o.apply_kube(
        KubeUpdate::Failed {
            error: "no kubeconfig".into(),
            retry_in: Duration::from_secs(4),
        },
        t(0),
    );
    let v = o.kube.as_ref().unwrap();
    assert_eq!(
        v.link,
        Link::Failing {
            error: "no kubeconfig".into(),
            retry_at: t(4)
        }
    );
    assert_eq!(v.last_ok, None);
    o.apply_kube(
        KubeUpdate::Connecting {
            context: "kind".into(),
            server: "https://127.0.0.1:6443".into(),
        },
        t(5),
    );
    assert!(
        matches!(o.kube.as_ref().unwrap().link, Link::Failing { .. }),
        "a failure shows until the connection proves good"
    );
    // A watch starting before any list proves nothing yet.
    o.apply_kube(KubeUpdate::Watching, t(5));
    assert!(matches!(
        o.kube.as_ref().unwrap().link,
        Link::Failing { .. }
    ));
    o.apply_kube(KubeUpdate::Synced(vec![]), t(6));
    let v = o.kube.as_ref().unwrap();
    assert!(
        matches!(&v.link, Link::Live { context, since, .. } if context == "kind" && *since == t(6))
    );
    o.apply_kube(
        KubeUpdate::Failed {
            error: "watch broke".into(),
            retry_in: Duration::from_secs(1),
        },
        t(20),
    );
    assert_eq!(
        o.kube.as_ref().unwrap().stale_since,
        Some(t(20)),
        "stale from the failure, not from the last event (t(6))"
    );
    o.apply_kube(
        KubeUpdate::Failed {
            error: "again".into(),
            retry_in: std::time::Duration::from_secs(2),
        },
        t(21),
    );
    assert_eq!(o.kube.as_ref().unwrap().stale_since, Some(t(20)));
    o.apply_kube(KubeUpdate::Watching, t(22));
    let v = o.kube.as_ref().unwrap();
    assert_eq!(v.stale_since, None);
    assert!(matches!(v.link, Link::Live { since, .. } if since == t(22)));
    assert_eq!(v.last_ok, Some(t(22)));
}

#[test]
fn metrics_arrive_and_their_absence_is_said_once() {
    let mut o = synced(vec![pod("a", "1/1", "Running")]);
    o.apply_kube(
        KubeUpdate::MetricsUnavailable("no metrics API".into()),
        t(1),
    );
    assert_eq!(
        o.kube.as_ref().unwrap().metrics_note.as_deref(),
        Some("no metrics API")
    );
    let u = Usage {
        cpu_nano: 250_000_000,
        mem_bytes: 64 << 20,
    };
    o.apply_kube(KubeUpdate::Metrics(vec![("a".into(), u)]), t(15));
    let v = o.kube.as_ref().unwrap();
    assert_eq!(v.metrics_note, None);
    assert_eq!(
        v.metrics.get("a").map(Usage::cpu_cell).as_deref(),
        Some("250m")
    );
    assert_eq!(
        v.metrics.get("a").map(Usage::mem_cell).as_deref(),
        Some("64Mi")
    );
    o.apply_kube(KubeUpdate::Deleted("a".into()), t(16));
    assert!(o.kube.as_ref().unwrap().metrics.is_empty());
}

#[test]
fn a_drill_ignores_kube_updates() {
    let mut o = Observed::default();
    assert!(
        o.apply_kube(KubeUpdate::Applied(pod("a", "1/1", "Running")), t(0))
            .is_empty()
    );
    assert!(o.pods.is_empty());
}

#[test]
fn pods_stay_in_order_through_watch_events() {
    let mut o = synced(
        (0..50)
            .map(|i| pod(&format!("p{i:02}"), "1/1", "Running"))
            .collect(),
    );
    for i in (0..50).step_by(7) {
        o.apply_kube(
            KubeUpdate::Applied(pod(&format!("p{i:02}"), "0/1", "CrashLoopBackOff")),
            t(i),
        );
        o.apply_kube(
            KubeUpdate::Applied(pod(&format!("q{i:02}"), "0/1", "Pending")),
            t(i),
        );
    }
    o.apply_kube(KubeUpdate::Applied(pod("p00", "1/1", "Running")), t(60));
    let mut sorted = o.pods.clone();
    sorted.sort_by(live_order);
    assert_eq!(o.pods, sorted);
    assert_eq!(o.pods[0].status, "CrashLoopBackOff");
    assert_eq!(o.pods.len(), 58);
}

#[test]
fn watch_events_in_any_order_keep_the_pods_as_a_full_sort_would() {
    // A model (the latest pod of each name, sorted whole) against the
    // in-place moves, over pods that move up, down, stay, come and go.
    let states = [
        ("1/1", "Running"),
        ("0/1", "CrashLoopBackOff"),
        ("0/1", "Pending"),
        ("0/1", "Running"),
        ("1/1", "Running"),
        ("0/1", "OOMKilled"),
    ];
    let mut o = synced(
        (0..30)
            .map(|i| pod(&format!("p{i:02}"), "1/1", "Running"))
            .collect(),
    );
    let mut model: std::collections::BTreeMap<String, Pod> =
        o.pods.iter().map(|p| (p.name.clone(), p.clone())).collect();
    let mut x: u64 = 7;
    for step in 0..600 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let name = format!("p{:02}", (x >> 33) % 40);
        if (x >> 20).is_multiple_of(9) {
            o.apply_kube(KubeUpdate::Deleted(name.clone()), t(step));
            model.remove(&name);
        } else {
            let (ready, status) = states[((x >> 40) % states.len() as u64) as usize];
            let p = pod(&name, ready, status);
            o.apply_kube(KubeUpdate::Applied(p.clone()), t(step));
            model.insert(name, p);
        }
        let mut want: Vec<Pod> = model.values().cloned().collect();
        want.sort_by(live_order);
        assert_eq!(o.pods, want, "after step {step}");
        // The ready count carried through the event is the one counted.
        let carried = o.ready();
        o.ready_at = Default::default();
        assert_eq!(carried, o.ready(), "ready count after step {step}");
    }
}
