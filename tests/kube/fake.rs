//! A fake Kubernetes API server on 127.0.0.1 for the tests: enough of the
//! API for kube's watcher and for the real kubectl.
//!
//! - discovery: `/version`, `/api`, `/apis`, `/api/v1`, and
//!   `/apis/metrics.k8s.io/v1beta1` when metrics are on;
//! - pods of a namespace: LIST (with `resourceVersion`, `limit` and
//!   `continue` pages,
//!   `labelSelector`), as JSON or as a `meta.k8s.io/v1` Table when asked
//!   (kubectl does), and WATCH from a resourceVersion: ADDED, MODIFIED,
//!   DELETED and BOOKMARK events as JSON lines; an ERROR 410 Gone event
//!   for a resourceVersion older than what the server keeps;
//! - PodMetrics (`metrics.k8s.io/v1beta1`);
//! - Deployments and StatefulSets (`apps/v1`, discovery only once one
//!   exists): LIST (`fieldSelector=metadata.name=`, `labelSelector`; no
//!   pages) and WATCH, their events kept apart from the pods' (history
//!   tagged `deployments:NAMESPACE`).
//!
//! Tests change pods, send bookmarks, drop watches, expire history and
//! make the next requests fail; every request is logged.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, broadcast};

/// A Table's cells for a pod: READY, STATUS, RESTARTS, AGE, IP, NODE.
pub type TableCells = Arc<dyn Fn(&Value) -> Vec<Value> + Send + Sync>;

#[derive(Default)]
struct Store {
    rv: u64,
    /// Watches from a resourceVersion below this get 410 Gone.
    oldest: u64,
    pods: BTreeMap<String, Value>,
    /// Each pod as JSON text, written once when it changes (a LIST of
    /// 100,000 pods copies text instead of cloning and serialising values).
    wire: HashMap<String, String>,
    /// Every change: (resourceVersion, namespace, event).
    history: Vec<(u64, String, Value)>,
    log: Vec<String>,
    fail_list: VecDeque<u16>,
    fail_watch: VecDeque<u16>,
    metrics: Option<Vec<Value>>,
    table: Option<TableCells>,
    /// The server's own page size: None honours the client's `limit`,
    /// Some(0) ignores it (everything in one answer), Some(n) answers at
    /// most n at a time.
    page: Option<usize>,
    /// The highest resourceVersion a watch stream has been handed (it
    /// reaches the client before the stream's end).
    forwarded: u64,
    /// Deployments and StatefulSets by (plural, name).
    apps: BTreeMap<(String, String), Value>,
}

#[derive(Clone)]
pub struct Fake {
    store: Arc<Mutex<Store>>,
    events: broadcast::Sender<(u64, String, Value)>,
    drop_watches: Arc<Notify>,
    pub addr: std::net::SocketAddr,
    pub namespace: String,
}

impl Fake {
    /// Serves on `port` (0: any free port) until the test ends.
    pub async fn start_on(port: u16, namespace: &str) -> Fake {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let (events, _) = broadcast::channel(1024);
        let fake = Fake {
            store: Arc::new(Mutex::new(Store {
                rv: 100,
                ..Default::default()
            })),
            events,
            drop_watches: Arc::new(Notify::new()),
            addr,
            namespace: namespace.to_string(),
        };
        let app = Router::new()
            .route("/version", get(version))
            .route("/api", get(api))
            .route("/apis", get(apis))
            .route("/api/v1", get(api_v1))
            .route("/apis/metrics.k8s.io/v1beta1", get(metrics_v1beta1))
            .route("/api/v1/namespaces/{ns}/pods", get(pods))
            .route("/apis/apps/v1", get(apps_v1))
            .route("/apis/apps/v1/namespaces/{ns}/{plural}", get(apps_objects))
            .route(
                "/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods",
                get(pod_metrics),
            )
            .fallback(not_found)
            .with_state(fake.clone());
        tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        fake
    }

    pub async fn start(namespace: &str) -> Fake {
        Self::start_on(0, namespace).await
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A kubeconfig file for this server, with one context `fake`.
    pub fn kubeconfig(&self, dir: &std::path::Path) -> std::path::PathBuf {
        let p = dir.join("kubeconfig");
        std::fs::write(
            &p,
            format!(
                "apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters:\n- name: fake\n  cluster: {{server: \"{}\"}}\nusers:\n- name: u\n  user: {{token: not-checked}}\ncontexts:\n- name: fake\n  context: {{cluster: fake, user: u, namespace: {}}}\n",
                self.url(),
                self.namespace
            ),
        )
        .unwrap();
        p
    }

    fn with<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.store.lock().unwrap())
    }

    /// Adds or replaces a pod (ADDED or MODIFIED to watchers). Fills in
    /// namespace, uid, resourceVersion and creationTimestamp.
    pub fn apply(&self, mut pod: Value) -> u64 {
        let ns = self.namespace.clone();
        let ev = self.with(|s| {
            s.rv += 1;
            let rv = s.rv;
            let name = pod["metadata"]["name"].as_str().unwrap().to_string();
            let meta = pod["metadata"].as_object_mut().unwrap();
            meta.insert("namespace".into(), json!(ns));
            meta.insert("resourceVersion".into(), json!(rv.to_string()));
            meta.entry("uid").or_insert(json!(format!("uid-{name}")));
            meta.entry("creationTimestamp")
                .or_insert(json!("2026-11-22T12:00:00Z"));
            pod["apiVersion"] = json!("v1");
            pod["kind"] = json!("Pod");
            let kind = if s.pods.contains_key(&name) {
                "MODIFIED"
            } else {
                "ADDED"
            };
            s.wire.insert(name.clone(), pod.to_string());
            s.pods.insert(name, pod.clone());
            let ev = json!({"type": kind, "object": pod});
            s.history.push((rv, ns.clone(), ev.clone()));
            (rv, ev)
        });
        let rv = ev.0;
        let _ = self.events.send((ev.0, ns, ev.1));
        rv
    }

    /// Adds or replaces a Deployment or StatefulSet (`plural`:
    /// `deployments`, `statefulsets`): ADDED or MODIFIED to its watchers.
    pub fn apply_app(&self, plural: &str, mut obj: Value) -> u64 {
        let ns = self.namespace.clone();
        let tag = format!("{plural}:{ns}");
        let kind = match plural {
            "deployments" => "Deployment",
            "statefulsets" => "StatefulSet",
            other => panic!("no such apps/v1 resource {other}"),
        };
        let (rv, ev) = self.with(|s| {
            s.rv += 1;
            let rv = s.rv;
            let name = obj["metadata"]["name"].as_str().unwrap().to_string();
            let meta = obj["metadata"].as_object_mut().unwrap();
            meta.insert("namespace".into(), json!(ns));
            meta.insert("resourceVersion".into(), json!(rv.to_string()));
            meta.entry("uid").or_insert(json!(format!("uid-{name}")));
            obj["apiVersion"] = json!("apps/v1");
            obj["kind"] = json!(kind);
            let key = (plural.to_string(), name);
            let ty = if s.apps.contains_key(&key) {
                "MODIFIED"
            } else {
                "ADDED"
            };
            s.apps.insert(key, obj.clone());
            let ev = json!({"type": ty, "object": obj});
            s.history.push((rv, tag.clone(), ev.clone()));
            (rv, ev)
        });
        let _ = self.events.send((rv, tag, ev));
        rv
    }

    pub fn delete(&self, name: &str) {
        let ns = self.namespace.clone();
        let ev = self.with(|s| {
            let mut pod = s.pods.remove(name).expect("no such pod");
            s.wire.remove(name);
            s.rv += 1;
            pod["metadata"]["resourceVersion"] = json!(s.rv.to_string());
            let ev = json!({"type": "DELETED", "object": pod});
            s.history.push((s.rv, ns.clone(), ev.clone()));
            (s.rv, ev)
        });
        let _ = self.events.send((ev.0, ns, ev.1));
    }

    /// A BOOKMARK at the current resourceVersion to every watch.
    pub fn bookmark(&self) -> u64 {
        let rv = self.with(|s| {
            s.rv += 1;
            s.rv
        });
        let ev = json!({"type": "BOOKMARK", "object": {"kind": "Pod", "apiVersion": "v1", "metadata": {"resourceVersion": rv.to_string(), "annotations": {}}}});
        let _ = self.events.send((rv, self.namespace.clone(), ev));
        rv
    }

    /// Waits until a watch stream has been handed the event at `rv` (a
    /// stream dropped after that delivers it before it ends).
    pub async fn forwarded(&self, rv: u64) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while self.with(|s| s.forwarded) < rv {
            assert!(
                std::time::Instant::now() < deadline,
                "the watch never got resourceVersion {rv}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    /// Ends every open watch stream (as a load balancer cutting idle
    /// connections does).
    pub fn drop_watches(&self) {
        self.drop_watches.notify_waiters();
    }

    /// Forgets history: watches from any resourceVersion seen so far get
    /// 410 Gone.
    pub fn expire(&self) {
        self.with(|s| {
            s.rv += 1;
            s.oldest = s.rv;
            s.history.clear();
        });
    }

    pub fn fail_next_lists(&self, codes: &[u16]) {
        self.with(|s| s.fail_list.extend(codes));
    }

    pub fn fail_next_watches(&self, codes: &[u16]) {
        self.with(|s| s.fail_watch.extend(codes));
    }

    /// PodMetrics items, or None: no metrics API at all (404).
    pub fn set_metrics(&self, m: Option<Vec<Value>>) {
        self.with(|s| s.metrics = m);
    }

    /// The server's page size (see `Store::page`).
    pub fn set_page(&self, page: Option<usize>) {
        self.with(|s| s.page = page);
    }

    pub fn set_table(&self, cells: TableCells) {
        self.with(|s| s.table = Some(cells));
    }

    pub fn log(&self) -> Vec<String> {
        self.with(|s| s.log.clone())
    }

    pub fn resource_version(&self) -> u64 {
        self.with(|s| s.rv)
    }
}

fn json_response(code: StatusCode, v: Value) -> Response {
    (
        code,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn status(code: u16, reason: &str, message: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": message, "reason": reason, "code": code})
}

fn fail(code: u16) -> Response {
    let reason = match code {
        500 => "InternalError",
        503 => "ServiceUnavailable",
        403 => "Forbidden",
        _ => "Unknown",
    };
    json_response(
        StatusCode::from_u16(code).unwrap(),
        status(
            code,
            reason,
            &format!("fake server told to fail with {code}"),
        ),
    )
}

async fn version() -> Response {
    json_response(
        StatusCode::OK,
        json!({"major": "1", "minor": "33", "gitVersion": "v1.33.0-fake", "platform": "linux/amd64"}),
    )
}

async fn api() -> Response {
    json_response(
        StatusCode::OK,
        json!({"kind": "APIVersions", "versions": ["v1"],
               "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
    )
}

async fn apis(State(f): State<Fake>) -> Response {
    let mut groups = Vec::new();
    if f.with(|s| s.metrics.is_some()) {
        groups.push(json!({"name": "metrics.k8s.io",
                "versions": [{"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}],
                "preferredVersion": {"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}}));
    }
    if f.with(|s| !s.apps.is_empty()) {
        groups.push(json!({"name": "apps",
                "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
                "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}));
    }
    json_response(
        StatusCode::OK,
        json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
    )
}

async fn api_v1() -> Response {
    json_response(
        StatusCode::OK,
        json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
            {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod",
             "verbs": ["get", "list", "watch"], "shortNames": ["po"], "categories": ["all"]},
            {"name": "namespaces", "singularName": "namespace", "namespaced": false,
             "kind": "Namespace", "verbs": ["get", "list"], "shortNames": ["ns"]}
        ]}),
    )
}

async fn apps_v1(State(f): State<Fake>) -> Response {
    if f.with(|s| s.apps.is_empty()) {
        return not_found().await;
    }
    json_response(
        StatusCode::OK,
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "apps/v1", "resources": [
            {"name": "deployments", "singularName": "deployment", "namespaced": true,
             "kind": "Deployment", "verbs": ["get", "list", "watch"], "shortNames": ["deploy"]},
            {"name": "statefulsets", "singularName": "statefulset", "namespaced": true,
             "kind": "StatefulSet", "verbs": ["get", "list", "watch"], "shortNames": ["sts"]}
        ]}),
    )
}

/// Deployments or StatefulSets of a namespace: LIST or WATCH.
async fn apps_objects(
    State(f): State<Fake>,
    Path((ns, plural)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut keys: Vec<_> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
    keys.sort();
    f.with(|s| s.log.push(format!("GET {plural} {ns} ?{}", keys.join("&"))));
    let kind = match plural.as_str() {
        "deployments" => "DeploymentList",
        "statefulsets" => "StatefulSetList",
        _ => return not_found().await,
    };
    if q.get("watch").map(String::as_str) == Some("true") {
        return watch(f, format!("{plural}:{ns}"), q).await;
    }
    if let Some(code) = f.with(|s| s.fail_list.pop_front()) {
        return fail(code);
    }
    let name = q
        .get("fieldSelector")
        .and_then(|fs| fs.strip_prefix("metadata.name="))
        .map(str::to_string);
    let selector = q.get("labelSelector");
    let (rv, items) = f.with(|s| {
        let items: Vec<Value> = s
            .apps
            .iter()
            .filter(|((p, n), o)| {
                *p == plural
                    && ns == f.namespace
                    && name.as_ref().is_none_or(|x| x == n)
                    && matches(selector, o)
            })
            .map(|(_, o)| o.clone())
            .collect();
        (s.rv, items)
    });
    json_response(
        StatusCode::OK,
        json!({"kind": kind, "apiVersion": "apps/v1",
               "metadata": {"resourceVersion": rv.to_string()}, "items": items}),
    )
}

async fn metrics_v1beta1(State(f): State<Fake>) -> Response {
    if f.with(|s| s.metrics.is_none()) {
        return not_found().await;
    }
    json_response(
        StatusCode::OK,
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "metrics.k8s.io/v1beta1",
               "resources": [{"name": "pods", "singularName": "", "namespaced": true,
                              "kind": "PodMetrics", "verbs": ["get", "list"]}]}),
    )
}

async fn not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
    )
}

/// `app=web,tier=api` (equality only, what the tests use).
fn matches(selector: Option<&String>, pod: &Value) -> bool {
    let Some(sel) = selector.filter(|s| !s.is_empty()) else {
        return true;
    };
    sel.split(',').all(|term| {
        let (k, v) = term.split_once('=').unwrap_or((term, ""));
        let v = v.trim_start_matches('=');
        pod["metadata"]["labels"][k.trim()].as_str() == Some(v.trim())
    })
}

async fn pods(
    State(f): State<Fake>,
    Path(ns): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let mut keys: Vec<_> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
    keys.sort();
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    f.with(|s| {
        s.log
            .push(format!("GET pods {ns} ?{} accept={accept}", keys.join("&")))
    });
    if ns != f.namespace {
        return json_response(
            StatusCode::OK,
            json!({"kind": "PodList", "apiVersion": "v1",
                   "metadata": {"resourceVersion": f.resource_version().to_string()}, "items": []}),
        );
    }
    if q.get("watch").map(String::as_str) == Some("true") {
        return watch(f, ns, q).await;
    }
    if let Some(code) = f.with(|s| s.fail_list.pop_front()) {
        return fail(code);
    }
    let selector = q.get("labelSelector");
    // Pages of `limit` pods, the next one named by `continue` (as a real
    // API server does; kube's watcher asks for 500 at a time). The token is
    // the last name served, so a page starts where the last ended without
    // walking the pods before it (O(page), not O(all) a page).
    let after = q.get("continue").cloned();
    let limit: usize = q
        .get("limit")
        .and_then(|l| l.parse().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let as_table = accept.contains("as=Table");
    let (rv, items, more, table) = f.with(|s| {
        let limit = match s.page {
            None => limit,
            Some(0) => usize::MAX,
            Some(n) => n.min(limit),
        };
        use std::ops::Bound::{Excluded, Unbounded};
        let start = after.map_or(Unbounded, Excluded);
        let mut matching = s
            .pods
            .range::<String, _>((start, Unbounded))
            .filter(|(_, p)| matches(selector, p));
        let items: Vec<(String, Option<Value>, String)> = matching
            .by_ref()
            .take(limit)
            .map(|(k, v)| {
                // The value for a Table, else the text ready to send.
                match as_table {
                    true => (k.clone(), Some(v.clone()), String::new()),
                    false => (k.clone(), None, s.wire.get(k).cloned().unwrap_or_default()),
                }
            })
            .collect();
        (s.rv, items, matching.next().is_some(), s.table.clone())
    });
    if as_table {
        let Some(cells) = table else {
            return json_response(
                StatusCode::NOT_ACCEPTABLE,
                status(406, "NotAcceptable", "no Table for this test"),
            );
        };
        let rows: Vec<Value> = items
            .iter()
            .filter_map(|(_, p, _)| p.as_ref())
            .map(|p| {
                let mut c = vec![p["metadata"]["name"].clone()];
                c.extend(cells(p));
                json!({"cells": c, "object": {"kind": "PartialObjectMetadata",
                        "apiVersion": "meta.k8s.io/v1", "metadata": p["metadata"]}})
            })
            .collect();
        let col = |name: &str, prio: u8| {
            json!({"name": name, "type": "string", "format": if name == "Name" {"name"} else {""},
                   "description": "", "priority": prio})
        };
        return json_response(
            StatusCode::OK,
            json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1",
                   "metadata": {"resourceVersion": rv.to_string()},
                   "columnDefinitions": [col("Name", 0), col("Ready", 0), col("Status", 0),
                       col("Restarts", 0), col("Age", 0), col("IP", 1), col("Node", 1)],
                   "rows": rows}),
        );
    }
    let mut metadata = json!({"resourceVersion": rv.to_string()});
    if more && let Some((last, _, _)) = items.last() {
        metadata["continue"] = json!(last);
    }
    let mut body =
        format!(r#"{{"kind":"PodList","apiVersion":"v1","metadata":{metadata},"items":["#);
    body.reserve(items.iter().map(|(_, _, t)| t.len() + 1).sum());
    for (i, (_, _, text)) in items.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(text);
    }
    body.push_str("]}");
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

async fn watch(f: Fake, ns: String, q: HashMap<String, String>) -> Response {
    if let Some(code) = f.with(|s| s.fail_watch.pop_front()) {
        return fail(code);
    }
    let from: u64 = q
        .get("resourceVersion")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let selector = q.get("labelSelector").cloned();
    let bookmarks = q.get("allowWatchBookmarks").map(String::as_str) == Some("true");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Bytes>();
    let line = |v: &Value| Bytes::from(format!("{v}\n"));
    // Under the lock: what was missed, then subscribe, so nothing falls
    // between the two.
    // Cut by `drop_watches` from here on (registered before the answer).
    let dropped = f.drop_watches.clone().notified_owned();
    let (gone, backlog, mut live) = f.with(|s| {
        if from < s.oldest {
            return (true, Vec::new(), f.events.subscribe());
        }
        let backlog: Vec<(u64, Value)> = s
            .history
            .iter()
            .filter(|(rv, n, _)| *rv > from && *n == ns)
            .map(|(rv, _, e)| (*rv, e.clone()))
            .collect();
        (false, backlog, f.events.subscribe())
    });
    if gone {
        let ev = json!({"type": "ERROR", "object": status(410, "Expired",
            &format!("too old resource version: {from} (fake history was expired)"))});
        let _ = tx.send(line(&ev));
        drop(tx);
    } else {
        tokio::spawn(async move {
            let mut last = from;
            let send = |ev: &Value, last: &mut u64, rv: u64| -> bool {
                *last = rv;
                let keep = ev["type"] == "BOOKMARK" || matches(selector.as_ref(), &ev["object"]);
                let sent = !keep || tx.send(line(ev)).is_ok();
                if sent {
                    f.with(|s| s.forwarded = s.forwarded.max(rv));
                }
                sent
            };
            for (rv, ev) in backlog {
                if !send(&ev, &mut last, rv) {
                    return;
                }
            }
            tokio::pin!(dropped);
            loop {
                tokio::select! {
                    biased;
                    _ = &mut dropped => return,
                    ev = live.recv() => match ev {
                        Ok((rv, n, ev)) if n == ns && rv > last => {
                            if ev["type"] == "BOOKMARK" && !bookmarks {
                                continue;
                            }
                            if !send(&ev, &mut last, rv) {
                                return;
                            }
                        }
                        Ok(_) => {}
                        Err(_) => return,
                    }
                }
            }
        });
    }
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<Bytes, std::convert::Infallible>(b), rx))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(stream))
        .unwrap()
}

async fn pod_metrics(
    State(f): State<Fake>,
    Path(ns): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    f.with(|s| s.log.push(format!("GET podmetrics {ns}")));
    let selector = q.get("labelSelector");
    // The pods are read in place (not copied: 100,000 of them would hold
    // the lock, and the LISTs, for seconds).
    let Some(items) = f.with(|s| {
        let items = s.metrics.as_ref()?;
        Some(
            items
                .iter()
                .filter(|m| {
                    let name = m["metadata"]["name"].as_str().unwrap_or("");
                    s.pods.get(name).is_none_or(|p| matches(selector, p))
                })
                .cloned()
                .collect::<Vec<Value>>(),
        )
    }) else {
        return not_found().await;
    };
    let items: Vec<Value> = items
        .into_iter()
        .map(|mut m| {
            m["metadata"]["namespace"] = json!(ns);
            m
        })
        .collect();
    json_response(
        StatusCode::OK,
        json!({"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1",
               "metadata": {}, "items": items}),
    )
}

/// A PodMetrics item.
pub fn metrics_item(pod: &str, containers: &[(&str, &str, &str)]) -> Value {
    json!({"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
           "metadata": {"name": pod, "creationTimestamp": "2026-11-22T13:00:00Z"},
           "timestamp": "2026-11-22T13:00:00Z", "window": "15s",
           "containers": containers.iter().map(|(n, cpu, mem)| json!({"name": n, "usage": {"cpu": cpu, "memory": mem}})).collect::<Vec<_>>()})
}

/// A running pod with one container.
pub fn running_pod(name: &str, labels: Value, ready: bool) -> Value {
    json!({"metadata": {"name": name, "labels": labels},
           "spec": {"nodeName": "node-a", "containers": [{"name": "app", "image": "web:1"}]},
           "status": {"phase": "Running",
               "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}}],
               "containerStatuses": [{"name": "app", "image": "web:1", "imageID": "", "ready": ready,
                   "restartCount": 0, "started": true, "state": {"running": {"startedAt": "2026-11-22T12:00:05Z"}}}]}})
}

/// The same pod crash-looping.
pub fn crashlooping_pod(name: &str, labels: Value, restarts: u32) -> Value {
    json!({"metadata": {"name": name, "labels": labels},
           "spec": {"nodeName": "node-a", "containers": [{"name": "app", "image": "web:2"}]},
           "status": {"phase": "Running",
               "containerStatuses": [{"name": "app", "image": "web:2", "imageID": "", "ready": false,
                   "restartCount": restarts, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                   "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2026-11-22T12:55:00Z"}}}]}})
}

/// A Deployment: `generation` of its spec, `replicas` desired; its status
/// as the controller last wrote it (observed generation, updated, ready
/// and available replicas).
pub fn deployment(
    name: &str,
    generation: i64,
    replicas: i32,
    status: (i64, i32, i32, i32),
) -> Value {
    let (observed, updated, ready, available) = status;
    json!({"metadata": {"name": name, "generation": generation, "labels": {"app": name}},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}},
                                 "spec": {"containers": [{"name": "app", "image": format!("{name}:{generation}")}]}}},
           "status": {"observedGeneration": observed, "replicas": replicas,
                      "updatedReplicas": updated, "readyReplicas": ready, "availableReplicas": available,
                      "conditions": [{"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"}]}})
}

/// The same Deployment past its progress deadline.
pub fn stalled_deployment(name: &str, generation: i64, replicas: i32, updated: i32) -> Value {
    let mut d = deployment(
        name,
        generation,
        replicas,
        (generation, updated, replicas - 1, replicas - 1),
    );
    d["status"]["conditions"] = json!([{"type": "Progressing", "status": "False",
        "reason": "ProgressDeadlineExceeded",
        "message": format!("ReplicaSet \"{name}-{generation}\" has timed out progressing.")}]);
    d
}

/// A StatefulSet, like `deployment`.
pub fn statefulset(
    name: &str,
    generation: i64,
    replicas: i32,
    status: (i64, i32, i32, i32),
) -> Value {
    let (observed, updated, ready, available) = status;
    json!({"metadata": {"name": name, "generation": generation},
           "spec": {"replicas": replicas, "serviceName": name, "selector": {"matchLabels": {"app": name}}},
           "status": {"observedGeneration": observed, "replicas": replicas, "currentReplicas": replicas,
                      "updatedReplicas": updated, "readyReplicas": ready, "availableReplicas": available}})
}
