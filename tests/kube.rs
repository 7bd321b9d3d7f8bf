//! The Kubernetes source against a fake API server on 127.0.0.1: the first
//! LIST, the WATCH that follows it, bookmarks, dropped watches, 410 Gone,
//! server errors and an unreachable server, metrics; and the real kubectl
//! against the same fake server, which keeps the fake honest and checks
//! that the cockpit shows pods as kubectl does.

use crate::common;
#[path = "kube/fake.rs"]
mod fake;
#[path = "kube/kubectl.rs"]
mod kubectl;
#[path = "kube/rollouts.rs"]
mod rollouts;

use fake::{Fake, crashlooping_pod, metrics_item, running_pod};
use incident_cockpit::msg::Msg;
use incident_cockpit::sources::kube::{self as source, Options, Target, config::Env};
use incident_cockpit::state::Observed;
use incident_cockpit::state::kube::{KubeUpdate, KubeView, Link};
use serde_json::json;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// Quick retries so a test sees several in well under a second.
struct Quick;
impl Iterator for Quick {
    type Item = Duration;
    fn next(&mut self) -> Option<Duration> {
        Some(Duration::from_millis(150))
    }
}
impl kube::runtime::utils::Backoff for Quick {
    fn reset(&mut self) {}
}

fn options(kubeconfig: Option<std::path::PathBuf>) -> Options {
    Options {
        env: Env {
            kubeconfig: Some(
                kubeconfig
                    .unwrap_or_else(|| "/nonexistent/kubeconfig".into())
                    .into_os_string(),
            ),
            home: None,
            in_cluster: false,
        },
        metrics_every: Duration::from_millis(200),
        backoff: || Box::new(Quick),
    }
}

fn target(ns: &str, selector: Option<&str>) -> Target {
    Target {
        context: None,
        namespace: ns.into(),
        selector: selector.map(Into::into),
    }
}

/// The source's messages, and an `Observed` they are applied to.
struct Watcher {
    rx: UnboundedReceiver<Msg>,
    pub seen: Vec<KubeUpdate>,
    pub observed: Observed,
    _task: tokio::task::JoinHandle<()>,
}

impl Watcher {
    fn start(t: Target, o: Options) -> Self {
        let (tx, rx) = unbounded_channel();
        let task = tokio::spawn(source::run(t, tx, o));
        Watcher {
            rx,
            seen: Vec::new(),
            observed: Observed {
                kube: Some(KubeView::new("test".into())),
                ..Default::default()
            },
            _task: task,
        }
    }

    /// Waits (at most 10 s) for an update that satisfies `pred`; returns it.
    async fn until(&mut self, what: &str, pred: impl Fn(&KubeUpdate) -> bool) -> KubeUpdate {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let msg = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}; seen: {:#?}", self.seen))
                .expect("the source stopped");
            let Msg::Kube(u) = msg else { continue };
            self.seen.push(u.clone());
            self.observed.apply_kube(u.clone(), chrono::Utc::now());
            if pred(&u) {
                return u;
            }
        }
    }

    fn status(&self, name: &str) -> Option<String> {
        self.observed
            .pods
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.status.clone())
    }
}

fn is_watch(l: &str) -> bool {
    l.starts_with("GET pods ") && l.contains("watch=true")
}

fn is_list(l: &str) -> bool {
    l.starts_with("GET pods ") && !l.contains("watch=true")
}

fn is_synced(u: &KubeUpdate) -> bool {
    matches!(u, KubeUpdate::Synced(_))
}

fn web() -> serde_json::Value {
    json!({"app": "web"})
}

async fn fake_with_pods() -> (Fake, tempfile::TempDir) {
    let fake = Fake::start("shop").await;
    fake.apply(running_pod("web-1", web(), true));
    fake.apply(running_pod("web-2", web(), true));
    fake.apply(running_pod("other-1", json!({"app": "other"}), true));
    let dir = tempfile::tempdir().unwrap();
    (fake, dir)
}

#[tokio::test]
async fn first_list_then_watch_events_reach_the_state() {
    let (fake, dir) = fake_with_pods().await;
    let kc = fake.kubeconfig(dir.path());
    let mut w = Watcher::start(target("shop", Some("app=web")), options(Some(kc)));
    let u = w
        .until("connecting", |u| matches!(u, KubeUpdate::Connecting { .. }))
        .await;
    assert_eq!(
        u,
        KubeUpdate::Connecting {
            context: "fake".into(),
            server: fake.url()
        }
    );
    let KubeUpdate::Synced(pods) = w.until("the first list", is_synced).await else {
        unreachable!()
    };
    let names: Vec<_> = pods.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["web-1", "web-2"], "the selector applies");
    assert_eq!(
        (pods[0].ready.as_str(), pods[0].status.as_str()),
        ("1/1", "Running")
    );
    w.until("the watch", |u| matches!(u, KubeUpdate::Watching))
        .await;
    assert!(matches!(
        w.observed.kube.as_ref().unwrap().link,
        Link::Live { .. }
    ));

    fake.apply(crashlooping_pod("web-2", web(), 3));
    w.until(
        "MODIFIED web-2",
        |u| matches!(u, KubeUpdate::Applied(p) if p.name == "web-2"),
    )
    .await;
    assert_eq!(w.status("web-2").as_deref(), Some("CrashLoopBackOff"));
    let p = w.observed.pods.iter().find(|p| p.name == "web-2").unwrap();
    assert_eq!(p.restarts, 3);
    assert!(p.last_restart.is_some(), "RESTARTS can say how long ago");

    fake.apply(running_pod("web-3", web(), false));
    w.until(
        "ADDED web-3",
        |u| matches!(u, KubeUpdate::Applied(p) if p.name == "web-3"),
    )
    .await;
    fake.delete("web-1");
    w.until(
        "DELETED web-1",
        |u| matches!(u, KubeUpdate::Deleted(n) if n == "web-1"),
    )
    .await;
    assert_eq!(w.observed.pods.len(), 2);
    // Other pods of the namespace never show up.
    fake.apply(running_pod("other-2", json!({"app": "other"}), true));
    fake.apply(running_pod("web-4", web(), true));
    w.until(
        "ADDED web-4",
        |u| matches!(u, KubeUpdate::Applied(p) if p.name == "web-4"),
    )
    .await;
    assert!(w.status("other-2").is_none());

    // One LIST (paged by 500) and one WATCH from its resourceVersion, with
    // bookmarks: not periodic full lists.
    let log = fake.log();
    let lists: Vec<_> = log.iter().filter(|l| is_list(l)).collect();
    let watches: Vec<_> = log.iter().filter(|l| is_watch(l)).collect();
    assert_eq!(lists.len(), 1, "{log:#?}");
    assert!(lists[0].contains("limit=500"), "{log:#?}");
    assert!(lists[0].contains("labelSelector=app=web"), "{log:#?}");
    assert_eq!(watches.len(), 1, "{log:#?}");
    assert!(watches[0].contains("allowWatchBookmarks=true"), "{log:#?}");
    assert!(watches[0].contains("resourceVersion=103"), "{log:#?}");
}

#[tokio::test]
async fn a_dropped_watch_resumes_from_the_last_bookmark_without_a_list() {
    let (fake, dir) = fake_with_pods().await;
    let mut w = Watcher::start(
        target("shop", Some("app=web")),
        options(Some(fake.kubeconfig(dir.path()))),
    );
    w.until("the first list", is_synced).await;
    w.until("the watch", |u| matches!(u, KubeUpdate::Watching))
        .await;
    // Changes to pods outside the selector move the resourceVersion; the
    // bookmark carries it to the watcher.
    fake.apply(running_pod("other-9", json!({"app": "other"}), true));
    let bm = fake.bookmark();
    fake.forwarded(bm).await;
    fake.drop_watches();
    w.until("the watch again", |u| matches!(u, KubeUpdate::Watching))
        .await;
    fake.apply(crashlooping_pod("web-1", web(), 1));
    w.until(
        "MODIFIED web-1",
        |u| matches!(u, KubeUpdate::Applied(p) if p.name == "web-1"),
    )
    .await;
    let log = fake.log();
    let watches: Vec<_> = log.iter().filter(|l| is_watch(l)).collect();
    assert_eq!(watches.len(), 2, "{log:#?}");
    assert!(
        watches[1].contains(&format!("resourceVersion={bm}")),
        "resumed from the bookmark: {log:#?}"
    );
    assert_eq!(
        log.iter().filter(|l| is_list(l)).count(),
        1,
        "no second LIST: {log:#?}"
    );
    assert!(
        !w.seen
            .iter()
            .any(|u| matches!(u, KubeUpdate::Failed { .. })),
        "a dropped watch is not a failure: {:#?}",
        w.seen
    );
    assert!(matches!(
        w.observed.kube.as_ref().unwrap().link,
        Link::Live { .. }
    ));
}

#[tokio::test]
async fn gone_410_lists_again_and_what_changed_meanwhile_is_seen() {
    let (fake, dir) = fake_with_pods().await;
    let mut w = Watcher::start(
        target("shop", Some("app=web")),
        options(Some(fake.kubeconfig(dir.path()))),
    );
    w.until("the first list", is_synced).await;
    w.until("the watch", |u| matches!(u, KubeUpdate::Watching))
        .await;
    // While the watch is away, the history it would resume from expires,
    // and the pods change.
    fake.expire();
    fake.drop_watches();
    fake.delete("web-1");
    fake.apply(running_pod("web-5", web(), true));
    let failed = w
        .until("410 Gone", |u| matches!(u, KubeUpdate::Failed { .. }))
        .await;
    let KubeUpdate::Failed { error, .. } = failed else {
        unreachable!()
    };
    assert!(error.contains("410 Gone"), "{error}");
    let KubeUpdate::Synced(pods) = w.until("a new list", is_synced).await else {
        unreachable!()
    };
    let names: Vec<_> = pods.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["web-2", "web-5"]);
    assert_eq!(w.observed.pods.len(), 2);
    assert_eq!(fake.log().iter().filter(|l| is_list(l)).count(), 2);
    // Recovered, without a restart: live, and watching again.
    assert!(matches!(
        w.observed.kube.as_ref().unwrap().link,
        Link::Live { .. }
    ));
    fake.apply(crashlooping_pod("web-5", web(), 1));
    w.until(
        "MODIFIED web-5 on the new watch",
        |u| matches!(u, KubeUpdate::Applied(p) if p.name == "web-5"),
    )
    .await;
    assert_eq!(w.status("web-5").as_deref(), Some("CrashLoopBackOff"));
}

#[tokio::test]
async fn server_errors_are_reported_and_retried_without_a_restart() {
    let (fake, dir) = fake_with_pods().await;
    fake.fail_next_lists(&[500]);
    fake.fail_next_watches(&[500, 500]);
    let mut w = Watcher::start(
        target("shop", Some("app=web")),
        options(Some(fake.kubeconfig(dir.path()))),
    );
    let KubeUpdate::Failed { error, retry_in } = w
        .until("the list failing", |u| {
            matches!(u, KubeUpdate::Failed { .. })
        })
        .await
    else {
        unreachable!()
    };
    assert!(error.contains("500"), "{error}");
    assert_eq!(retry_in, Duration::from_millis(150));
    assert!(matches!(
        w.observed.kube.as_ref().unwrap().link,
        Link::Failing { .. }
    ));
    w.until("the list", is_synced).await;
    let KubeUpdate::Failed { error, .. } = w
        .until("the watch failing", |u| {
            matches!(u, KubeUpdate::Failed { .. })
        })
        .await
    else {
        unreachable!()
    };
    assert!(error.contains("500"), "{error}");
    w.until("the watch", |u| matches!(u, KubeUpdate::Watching))
        .await;
    assert!(matches!(
        w.observed.kube.as_ref().unwrap().link,
        Link::Live { .. }
    ));
    fake.apply(crashlooping_pod("web-1", web(), 2));
    w.until(
        "MODIFIED web-1",
        |u| matches!(u, KubeUpdate::Applied(p) if p.name == "web-1"),
    )
    .await;
    let fails = w
        .seen
        .iter()
        .filter(|u| matches!(u, KubeUpdate::Failed { .. }))
        .count();
    assert_eq!(fails, 3, "{:#?}", w.seen);
}

/// A port nothing listens on (bound, then let go).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test]
async fn an_unreachable_server_is_reported_with_the_reason_and_retried_until_it_answers() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    std::fs::write(
        &kc,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: gone\nclusters:\n- name: gone\n  cluster: {{server: \"http://127.0.0.1:{port}\"}}\nusers:\n- name: u\n  user: {{}}\ncontexts:\n- name: gone\n  context: {{cluster: gone, user: u}}\n"
        ),
    )
    .unwrap();
    let mut w = Watcher::start(target("shop", None), options(Some(kc)));
    let KubeUpdate::Failed { error, .. } = w
        .until("a failure", |u| matches!(u, KubeUpdate::Failed { .. }))
        .await
    else {
        unreachable!()
    };
    assert!(
        error.contains(&format!("cannot reach http://127.0.0.1:{port}")),
        "{error}"
    );
    assert!(error.to_lowercase().contains("refused"), "{error}");
    w.until("a second failure (retried)", |u| {
        matches!(u, KubeUpdate::Failed { .. })
    })
    .await;
    // The server comes up on that port: the same source connects.
    let fake = Fake::start_on(port, "shop").await;
    fake.apply(running_pod("web-1", web(), true));
    let KubeUpdate::Synced(pods) = w.until("the list", is_synced).await else {
        unreachable!()
    };
    assert_eq!(pods.len(), 1);
}

#[tokio::test]
async fn no_kubeconfig_and_an_unknown_context_are_said() {
    let mut w = Watcher::start(target("shop", None), options(None));
    let KubeUpdate::Failed { error, .. } = w
        .until("a failure", |u| matches!(u, KubeUpdate::Failed { .. }))
        .await
    else {
        unreachable!()
    };
    assert!(error.starts_with("no kubeconfig"), "{error}");
    assert!(error.contains("/nonexistent/kubeconfig"), "{error}");

    let (fake, dir) = fake_with_pods().await;
    let mut t = target("shop", None);
    t.context = Some("staging".into());
    let mut w = Watcher::start(t, options(Some(fake.kubeconfig(dir.path()))));
    let KubeUpdate::Failed { error, .. } = w
        .until("a failure", |u| matches!(u, KubeUpdate::Failed { .. }))
        .await
    else {
        unreachable!()
    };
    assert!(
        error.contains("context \"staging\" is not in the kubeconfig"),
        "{error}"
    );
    assert!(error.contains("it has: fake"), "{error}");
    w.until("tried again", |u| matches!(u, KubeUpdate::Failed { .. }))
        .await;
}

#[tokio::test]
async fn pod_metrics_are_polled_and_their_absence_said_once() {
    let (fake, dir) = fake_with_pods().await;
    fake.set_metrics(Some(vec![
        metrics_item(
            "web-1",
            &[("app", "120m", "200Mi"), ("proxy", "5m", "30Mi")],
        ),
        metrics_item("other-1", &[("app", "1", "1Gi")]),
    ]));
    let mut w = Watcher::start(
        target("shop", Some("app=web")),
        options(Some(fake.kubeconfig(dir.path()))),
    );
    let KubeUpdate::Metrics(m) = w
        .until("metrics", |u| matches!(u, KubeUpdate::Metrics(_)))
        .await
    else {
        unreachable!()
    };
    assert_eq!(m.len(), 1, "the selector applies: {m:?}");
    assert_eq!(m[0].0, "web-1");
    assert_eq!(
        (m[0].1.cpu_cell(), m[0].1.mem_cell()),
        ("125m".into(), "230Mi".into())
    );
    // Polled again.
    w.until("metrics again", |u| matches!(u, KubeUpdate::Metrics(_)))
        .await;

    fake.set_metrics(None);
    let KubeUpdate::MetricsUnavailable(why) = w
        .until("no metrics", |u| {
            matches!(u, KubeUpdate::MetricsUnavailable(_))
        })
        .await
    else {
        unreachable!()
    };
    assert!(why.contains("no metrics API"), "{why}");
    // Three more polls reach the server: the first two have been answered
    // (one poll at a time) and would each have said it again.
    let polls = || {
        fake.log()
            .iter()
            .filter(|l| l.starts_with("GET podmetrics"))
            .count()
    };
    let seen = polls();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while polls() < seen + 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "metrics never polled again"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    fake.apply(running_pod("web-9", web(), true));
    w.until("a pod", |u| matches!(u, KubeUpdate::Applied(_)))
        .await;
    let said = w
        .seen
        .iter()
        .filter(|u| matches!(u, KubeUpdate::MetricsUnavailable(_)))
        .count();
    assert_eq!(said, 1, "said once, not every poll");
}

/// The binary in tmux against the fake server: pods on screen, a watch
/// change on screen and in the record; and with no server, the reason on
/// screen while the rest of the cockpit works.
mod end_to_end {
    use super::common::{Tmux, read_records};
    use super::*;

    const PLAYBOOK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/playbooks/dicps.yaml");

    async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        tokio::task::spawn_blocking(f).await.unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn live_pods_on_screen_and_a_crash_loop_in_the_record() {
        let (fake, dir) = fake_with_pods().await;
        let kc = fake.kubeconfig(dir.path());
        let t = Tmux::start(
            120,
            40,
            &format!(
                "env KUBECONFIG={} open --playbook {PLAYBOOK} --namespace shop --selector app=web",
                kc.display()
            ),
        );
        let t = blocking(move || {
            let s = t.wait_for("the pods", |s| {
                s.contains("web-2") && s.contains("● live since")
            });
            assert!(s.contains("Pods 2/2 ready · shop app=web"), "{s}");
            assert!(!s.contains("other-1"), "{s}");
            t
        })
        .await;
        fake.apply(crashlooping_pod("web-2", web(), 4));
        let t = blocking(move || {
            // RESTARTS says how long ago ("4 (").
            t.wait_for("the crash loop", |s| {
                s.contains("CrashLoopBackOff")
                    && s.contains("pod web-2: Running → CrashLo")
                    && s.contains("Pods 1/2 ready")
                    && s.contains("4 (")
            });
            t.quit_open();
            t
        })
        .await;
        let recs = read_records(&t.timelines()[0]);
        let kinds: Vec<&str> = recs.iter().map(|r| r["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            vec!["declared", "pod_changed", "ready_changed"],
            "{recs:#?}"
        );
        assert_eq!(recs[1]["to"], "CrashLoopBackOff");
        assert_eq!(
            (recs[2]["ready"].as_u64(), recs[2]["total"].as_u64()),
            (Some(1), Some(2))
        );
    }

    /// Waits (at most 20 s) for the fake server's request log to satisfy
    /// `pred`.
    async fn until_log(fake: &Fake, what: &str, pred: impl Fn(&[String]) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !pred(&fake.log()) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}: {:#?}",
                fake.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The binary's pods pane recovers from each fault of the API server,
    /// in one run (same process): a dropped watch, 410 Gone, and 500s.
    /// What changed meanwhile is seen and recorded, once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_pods_pane_recovers_from_a_dropped_watch_410_and_500s_without_a_restart() {
        let (fake, dir) = fake_with_pods().await;
        let kc = fake.kubeconfig(dir.path());
        let t = Tmux::start(
            120,
            40,
            &format!(
                "env KUBECONFIG={} open --playbook {PLAYBOOK} --namespace shop --selector app=web",
                kc.display()
            ),
        );
        let (t, pid) = blocking(move || {
            t.wait_for("the pods", |s| {
                s.contains("│web-2") && s.contains("● live since")
            });
            let pid = t.pid();
            (t, pid)
        })
        .await;
        let watches = |l: &[String]| l.iter().filter(|l| is_watch(l)).count();
        let lists = |l: &[String]| l.iter().filter(|l| is_list(l)).count();

        // A dropped watch (a load balancer cutting it): watched again.
        fake.drop_watches();
        until_log(&fake, "a second watch", |l| watches(l) == 2).await;
        fake.apply(crashlooping_pod("web-1", web(), 1));
        let t = blocking(move || {
            t.wait_for("web-1's crash loop", |s| {
                s.contains("pod web-1: Running → CrashLo") && s.contains("● live since")
            });
            t
        })
        .await;

        // 410 Gone: the history expired while the watch was away; listed
        // again, and what changed meanwhile is on screen.
        fake.expire();
        fake.drop_watches();
        fake.delete("web-2");
        fake.apply(running_pod("web-5", web(), true));
        until_log(&fake, "a second list", |l| lists(l) == 2).await;
        let t = blocking(move || {
            t.wait_for("the pods after the new list", |s| {
                s.contains("│web-5") && !s.contains("│web-2") && s.contains("● live since")
            });
            t
        })
        .await;

        // 500s: the next two watches fail; the pane says so, then is live
        // again and follows changes.
        fake.fail_next_watches(&[500, 500]);
        fake.drop_watches();
        let t = blocking(move || {
            // Says why; the last pods stay.
            t.wait_for("stale", |s| {
                s.contains("✖ stale since") && s.contains("500") && s.contains("│web-5")
            });
            t.wait_for("live again", |s| s.contains("● live since"));
            t
        })
        .await;
        fake.apply(crashlooping_pod("web-5", web(), 2));
        let recs = blocking(move || {
            t.wait_for("web-5's crash loop", |s| {
                s.contains("pod web-5: Running → CrashLo")
            });
            assert_eq!(t.pid(), pid, "the same process throughout");
            t.quit_open();
            read_records(&t.timelines()[0])
        })
        .await;
        assert!(fake.log().iter().filter(|l| is_watch(l)).count() >= 5);
        // Each change recorded once.
        let changes: Vec<(String, String)> = recs
            .iter()
            .filter(|r| r["kind"] == "pod_changed")
            .map(|r| {
                (
                    r["pod"].as_str().unwrap().to_string(),
                    r["to"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let mut unique = changes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), changes.len(), "{changes:?}");
        for want in [
            ("web-1", "CrashLoopBackOff"),
            ("web-2", "deleted"),
            ("web-5", "CrashLoopBackOff"),
        ] {
            assert!(
                changes.contains(&(want.0.to_string(), want.1.to_string())),
                "{want:?} not recorded: {changes:?}"
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_a_server_the_pane_says_why_and_the_cockpit_works() {
        let port = free_port();
        let dir = tempfile::tempdir().unwrap();
        let kc = dir.path().join("kc");
        std::fs::write(
            &kc,
            format!(
                "apiVersion: v1\nkind: Config\ncurrent-context: gone\nclusters:\n- name: gone\n  cluster: {{server: \"http://127.0.0.1:{port}\"}}\nusers:\n- name: u\n  user: {{}}\ncontexts:\n- name: gone\n  context: {{cluster: gone, user: u}}\n"
            ),
        )
        .unwrap();
        let t = Tmux::start(
            100,
            30,
            &format!(
                "env KUBECONFIG={} open --playbook {PLAYBOOK} --namespace shop",
                kc.display()
            ),
        );
        blocking(move || {
            let s = t.wait_for("the reason", |s| s.contains("cannot reach"));
            assert!(s.contains("✖ no data yet · retry in"), "{s}");
            // The rest of the cockpit answers at once.
            t.keys(&["?"]);
            t.wait_for("help", |s| s.contains("Keys") && s.contains("quit now"));
            // (q, not Escape: an Escape followed at once by another key
            // reads as Alt+key.)
            t.keys(&["q"]);
            t.wait_for("help closed", |s| !s.contains("filter pods"));
            t.keys(&["Space"]);
            t.wait_for("a ticked step", |s| s.contains("[x]"));
            t.quit_open();
        })
        .await;
    }
}

/// Not a test: serves the fake API server for measuring the binary (see
/// BENCHMARKS.md). `FAKE_KUBE_KUBECONFIG` (where to write the kubeconfig),
/// `FAKE_KUBE_PODS` (how many pods, app=web), `FAKE_KUBE_SECONDS` (how
/// long), `FAKE_KUBE_CHURN_MS` (one pod changes this often; 0: never).
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
#[ignore = "a server for benchmarks, run by hand"]
async fn serve_fake_for_measurement() {
    let var = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (pods, secs, churn) = (
        var("FAKE_KUBE_PODS", 200),
        var("FAKE_KUBE_SECONDS", 30),
        var("FAKE_KUBE_CHURN_MS", 0),
    );
    let fake = Fake::start("shop").await;
    // FAKE_KUBE_PAGE: the server's page size (0: all in one answer;
    // unset: the client's limit).
    if let Ok(p) = std::env::var("FAKE_KUBE_PAGE")
        && let Ok(p) = p.parse()
    {
        fake.set_page(Some(p));
    }
    for i in 0..pods {
        fake.apply(running_pod(&format!("web-{i:04}-7d9f8b6c5"), web(), true));
    }
    fake.set_metrics(Some(
        (0..pods)
            .map(|i| metrics_item(&format!("web-{i:04}-7d9f8b6c5"), &[("app", "12m", "64Mi")]))
            .collect(),
    ));
    let path = std::env::var("FAKE_KUBE_KUBECONFIG").unwrap_or("/tmp/fake-kubeconfig".into());
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fake.kubeconfig(dir.path()), &path).unwrap();
    eprintln!(
        "fake API server {} with {pods} pods; kubeconfig {path}",
        fake.url()
    );
    let end = tokio::time::Instant::now() + Duration::from_secs(secs);
    // One pod starts crash-looping this many seconds in; when, on stderr
    // in ms since the epoch (scripts/bench/pod-change.sh).
    let change_after = var("FAKE_KUBE_CHANGE_AFTER_S", 0);
    if change_after > 0 {
        tokio::time::sleep(Duration::from_secs(change_after)).await;
        fake.apply(crashlooping_pod("web-0007-7d9f8b6c5", web(), 1));
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        eprintln!("changed web-0007-7d9f8b6c5 at {ms}");
    }
    let mut n = 0u32;
    while tokio::time::Instant::now() < end {
        if churn == 0 {
            tokio::time::sleep_until(end).await;
            break;
        }
        tokio::time::sleep(Duration::from_millis(churn)).await;
        n += 1;
        let name = format!("web-{:04}-7d9f8b6c5", n as u64 % pods);
        if n.is_multiple_of(2) {
            fake.apply(running_pod(&name, web(), true));
        } else {
            fake.apply(crashlooping_pod(&name, web(), n));
        }
    }
}

/// https goes through rustls with its one crypto provider (aws-lc-rs):
/// building the client does not panic, and a server that does not speak
/// TLS is a reason on screen ("received corrupt message"), like any other.
#[tokio::test]
async fn tls_to_a_server_that_does_not_speak_it_is_a_reason_not_a_panic() {
    let fake = Fake::start("shop").await;
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kc");
    std::fs::write(
        &kc,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: tls\nclusters:\n- name: tls\n  cluster: {{server: \"https://{}\", insecure-skip-tls-verify: true}}\nusers:\n- name: u\n  user: {{token: t}}\ncontexts:\n- name: tls\n  context: {{cluster: tls, user: u}}\n",
            fake.addr
        ),
    )
    .unwrap();
    let mut w = Watcher::start(target("shop", None), options(Some(kc)));
    let KubeUpdate::Failed { error, .. } = w
        .until("a failure", |u| matches!(u, KubeUpdate::Failed { .. }))
        .await
    else {
        unreachable!()
    };
    assert!(
        error.starts_with(&format!("cannot reach https://{}", fake.addr)),
        "{error}"
    );
    assert!(error.contains("corrupt message"), "{error}");
}
