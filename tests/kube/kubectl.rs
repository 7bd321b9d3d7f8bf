//! The real kubectl against the fake API server.
//!
//! What kubectl computes itself is compared with the cockpit directly:
//! AGE (`--server-print=false` prints NAME and AGE from the pod objects),
//! `kubectl top pod` (CPU and memory from PodMetrics) and which cluster a
//! kubeconfig list and `--context` select.
//!
//! READY, STATUS and RESTARTS are not computed by kubectl: the API server
//! computes them (its `printPod`) and kubectl prints the Table it gets;
//! with `--server-print=false` kubectl prints only NAME and AGE. So the
//! fake server's Table carries the values written by hand for each fixture
//! in tests/fixtures/kube/pods.yaml, kubectl must print exactly those, and
//! the cockpit, fed the same pods through its watcher, must show the same.

use super::Watcher;
use super::fake::{Fake, metrics_item};
use super::{is_synced, options, target};
use chrono::{DateTime, TimeDelta, Utc};
use incident_cockpit::sources::kube::config::{Env, load};
use incident_cockpit::state::kube::KubeUpdate;
use incident_cockpit::view::restarts_cell;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

fn anchor() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T13:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// kubectl with its own kubeconfig, cache and HOME; stdout, or a panic
/// with stderr.
fn kubectl(home: &Path, kubeconfig: Option<&Path>, args: &[&str]) -> String {
    let mut cmd = Command::new("kubectl");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .arg("--cache-dir")
        .arg(home.join("kube-cache"))
        .arg("--request-timeout=10s");
    if let Some(kc) = kubeconfig {
        cmd.arg("--kubeconfig").arg(kc);
    }
    let out = cmd.args(args).output().expect(
        "kubectl is needed for these tests: apt-get install kubernetes-client (scripts/test installs it)",
    );
    assert!(
        out.status.success(),
        "kubectl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// kubectl's column output as rows of `header → cell`, cut at the
/// header's column starts (cells may contain single spaces).
fn columns(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().expect("a header line");
    let mut starts = Vec::new();
    let mut prev = ' ';
    for (i, c) in header.char_indices() {
        if c != ' ' && prev == ' ' {
            starts.push(i);
        }
        prev = c;
    }
    let names: Vec<String> = header.split_whitespace().map(String::from).collect();
    // Multi-word headers ("NOMINATED NODE") are not used here.
    lines
        .map(|l| {
            let mut row = BTreeMap::new();
            for (k, s) in starts.iter().enumerate() {
                let end = starts.get(k + 1).copied().unwrap_or(l.len()).min(l.len());
                let cell = l.get(*s..end).unwrap_or("").trim().to_string();
                if let Some(n) = names.get(k) {
                    row.insert(n.clone(), cell);
                }
            }
            row
        })
        .collect()
}

/// Every RFC 3339 timestamp in the value moved by `by`.
fn shift(v: &mut Value, by: TimeDelta) {
    match v {
        Value::String(s) => {
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                *s =
                    (t.with_timezone(&Utc) + by).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| shift(x, by)),
        Value::Object(o) => o.values_mut().for_each(|x| shift(x, by)),
        _ => {}
    }
}

struct Fixture {
    pod: Value,
    ready: String,
    status: String,
    restarts: String,
}

/// The fixtures, their times moved so that the anchor is now.
fn fixtures(now: DateTime<Utc>) -> Vec<Fixture> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/kube/pods.yaml"
    ))
    .unwrap();
    let list: Vec<Value> = serde_saphyr::from_str(&text).unwrap();
    list.into_iter()
        .map(|mut f| {
            let mut pod = f["pod"].take();
            shift(&mut pod, now - anchor());
            pod["metadata"]["labels"] = json!({"app": "fixture"});
            let e = &f["expect"];
            Fixture {
                pod,
                ready: e["ready"].as_str().unwrap().into(),
                status: e["status"].as_str().unwrap().into(),
                restarts: e["restarts"].as_str().unwrap().into(),
            }
        })
        .collect()
}

#[tokio::test]
async fn kubectl_and_the_cockpit_agree_on_every_pods_ready_status_and_restarts() {
    let now = Utc::now();
    let fake = Fake::start("shop").await;
    let fx = fixtures(now);
    assert!(fx.len() >= 20);
    let mut expected = BTreeMap::new();
    for f in &fx {
        let name = f.pod["metadata"]["name"].as_str().unwrap().to_string();
        expected.insert(
            name,
            (f.ready.clone(), f.status.clone(), f.restarts.clone()),
        );
        fake.apply(f.pod.clone());
    }
    // The Table the API server would send: the hand-written columns.
    let table = expected.clone();
    fake.set_table(Arc::new(move |p: &Value| {
        let name = p["metadata"]["name"].as_str().unwrap();
        let (ready, status, restarts) = table[name].clone();
        let node = p["spec"]["nodeName"].as_str().unwrap_or("<none>");
        vec![
            json!(ready),
            json!(status),
            json!(restarts),
            json!("1d"),
            json!("<none>"),
            json!(node),
        ]
    }));
    let dir = tempfile::tempdir().unwrap();
    let kc = fake.kubeconfig(dir.path());
    let out = tokio::task::spawn_blocking({
        let (home, kc) = (dir.path().to_path_buf(), kc.clone());
        move || {
            kubectl(
                &home,
                Some(&kc),
                &[
                    "get",
                    "pods",
                    "-n",
                    "shop",
                    "-l",
                    "app=fixture",
                    "-o",
                    "wide",
                ],
            )
        }
    })
    .await
    .unwrap();
    let rows = columns(&out);
    assert_eq!(rows.len(), fx.len(), "{out}");

    // The cockpit, through its own watcher, on the same server.
    let mut w = Watcher::start(target("shop", Some("app=fixture")), options(Some(kc)));
    let KubeUpdate::Synced(pods) = w.until("the list", is_synced).await else {
        unreachable!()
    };
    let at = Utc::now();
    let mut wrong = Vec::new();
    for row in &rows {
        let name = &row["NAME"];
        let pod = pods.iter().find(|p| &p.name == name).expect("same pods");
        let kubectl_says = (
            row["READY"].clone(),
            row["STATUS"].clone(),
            row["RESTARTS"].clone(),
            row["NODE"].clone(),
        );
        assert_eq!(
            (&kubectl_says.0, &kubectl_says.1, &kubectl_says.2),
            (&expected[name].0, &expected[name].1, &expected[name].2),
            "kubectl prints the server's Table"
        );
        let cockpit_says = (
            pod.ready.clone(),
            pod.status.clone(),
            restarts_cell(pod.restarts, pod.last_restart, at),
            pod.node.clone().unwrap_or_else(|| "<none>".into()),
        );
        if cockpit_says != kubectl_says {
            wrong.push(format!(
                "{name}: kubectl {kubectl_says:?}, cockpit {cockpit_says:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every status the pods pane names is among them.
    for s in incident_cockpit::sources::kube::pod_status::NAMED_STATUSES {
        assert!(rows.iter().any(|r| r["STATUS"] == *s), "no pod {s}");
    }
}

#[tokio::test]
async fn kubectl_computes_age_as_the_cockpit_does() {
    let fake = Fake::start("shop").await;
    let offsets: &[i64] = &[
        45,
        150,
        601,
        3 * 3600 + 5 * 60,
        9 * 3600,
        2 * 86_400 + 5 * 3600,
        9 * 86_400,
        400 * 86_400,
        800 * 86_400,
        9 * 365 * 86_400,
    ];
    let start = Utc::now();
    for (i, off) in offsets.iter().enumerate() {
        let created = start - TimeDelta::seconds(*off);
        fake.apply(
            json!({"metadata": {"name": format!("age-{i}"), "labels": {"app": "age"},
            "creationTimestamp": created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)},
            "spec": {"containers": [{"name": "a"}]}, "status": {"phase": "Running"}}),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let kc = fake.kubeconfig(dir.path());
    let before = Utc::now();
    let out = tokio::task::spawn_blocking({
        let (home, kc) = (dir.path().to_path_buf(), kc.clone());
        move || {
            kubectl(
                &home,
                Some(&kc),
                &["get", "pods", "-n", "shop", "--server-print=false"],
            )
        }
    })
    .await
    .unwrap();
    let after = Utc::now();
    let rows = columns(&out);
    assert_eq!(rows.len(), offsets.len(), "{out}");
    assert!(
        !out.contains("STATUS"),
        "without the server's Table kubectl has no STATUS: {out}"
    );
    let mut w = Watcher::start(target("shop", Some("app=age")), options(Some(kc)));
    let KubeUpdate::Synced(pods) = w.until("the list", is_synced).await else {
        unreachable!()
    };
    for row in rows {
        let pod = pods.iter().find(|p| p.name == row["NAME"]).unwrap();
        // kubectl ran between `before` and `after`: a seconds-precise age
        // may be either.
        let candidates = [
            incident_cockpit::time::age(before - pod.created),
            incident_cockpit::time::age(after - pod.created),
            incident_cockpit::time::age(after + TimeDelta::seconds(1) - pod.created),
        ];
        assert!(
            candidates.contains(&row["AGE"]),
            "{}: kubectl {} cockpit {candidates:?}",
            row["NAME"],
            row["AGE"]
        );
    }
}

#[tokio::test]
async fn kubectl_top_and_the_cockpit_agree_on_cpu_and_memory() {
    let fake = Fake::start("shop").await;
    for n in ["web-1", "web-2", "web-3"] {
        fake.apply(super::running_pod(n, json!({"app": "web"}), true));
    }
    fake.set_metrics(Some(vec![
        metrics_item(
            "web-1",
            &[("app", "120m", "200Mi"), ("proxy", "5m", "30Mi")],
        ),
        metrics_item("web-2", &[("app", "1500003n", "129024Ki")]),
        metrics_item("web-3", &[("app", "2", "1.5Gi")]),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let kc = fake.kubeconfig(dir.path());
    let out = tokio::task::spawn_blocking({
        let (home, kc) = (dir.path().to_path_buf(), kc.clone());
        move || {
            kubectl(
                &home,
                Some(&kc),
                &["top", "pod", "-n", "shop", "-l", "app=web"],
            )
        }
    })
    .await
    .unwrap();
    let rows = columns(&out);
    assert_eq!(rows.len(), 3, "{out}");
    let mut w = Watcher::start(target("shop", Some("app=web")), options(Some(kc)));
    let KubeUpdate::Metrics(m) = w
        .until("metrics", |u| matches!(u, KubeUpdate::Metrics(_)))
        .await
    else {
        unreachable!()
    };
    for row in rows {
        let (_, u) = m.iter().find(|(n, _)| *n == row["NAME"]).unwrap();
        assert_eq!(
            (u.cpu_cell(), u.mem_cell()),
            (row["CPU(cores)"].clone(), row["MEMORY(bytes)"].clone()),
            "{}",
            row["NAME"]
        );
    }
}

#[tokio::test]
async fn kubectl_and_the_cockpit_pick_the_same_cluster_from_a_kubeconfig_list() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, current: Option<&str>, ctxs: &[(&str, &str)]| {
        let mut s = String::from("apiVersion: v1\nkind: Config\n");
        if let Some(c) = current {
            s.push_str(&format!("current-context: {c}\n"));
        }
        s.push_str("clusters:\n");
        for (n, url) in ctxs {
            s.push_str(&format!("- name: {n}\n  cluster: {{server: \"{url}\"}}\n"));
        }
        s.push_str("users:\n- name: u\n  user: {}\ncontexts:\n");
        for (n, _) in ctxs {
            s.push_str(&format!(
                "- name: {n}\n  context: {{cluster: {n}, user: u}}\n"
            ));
        }
        let p = dir.path().join(name);
        std::fs::write(&p, s).unwrap();
        p
    };
    let a = write(
        "a",
        None,
        &[("dev", "https://dev.a:6443"), ("prod", "https://prod.a")],
    );
    let b = write(
        "b",
        Some("prod"),
        &[("prod", "https://prod.b"), ("stage", "https://stage.b")],
    );
    let missing = dir.path().join("missing");
    let list = std::env::join_paths([&missing, &a, &b]).unwrap();
    for ctx in [None, Some("dev"), Some("prod"), Some("stage")] {
        let mut cmd = Command::new("kubectl");
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("KUBECONFIG", &list)
            .args(["config", "view", "--minify", "-o"])
            .arg("jsonpath={.contexts[0].name} {.clusters[0].cluster.server}");
        if let Some(c) = ctx {
            cmd.args(["--context", c]);
        }
        let out = cmd.output().expect("kubectl");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let kubectl_says = String::from_utf8(out.stdout).unwrap();
        let env = Env {
            kubeconfig: Some(list.clone()),
            home: Some(dir.path().to_path_buf()),
            in_cluster: false,
        };
        let l = load(&env, ctx).await.unwrap();
        assert_eq!(
            format!("{} {}", l.context, l.server),
            kubectl_says.trim(),
            "context {ctx:?}"
        );
    }
}
