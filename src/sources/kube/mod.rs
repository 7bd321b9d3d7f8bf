//! The Kubernetes source of a live incident: the pods of a namespace that
//! match a selector, through kube's `watcher` (one LIST, then a WATCH from
//! its resourceVersion, resumed from bookmarks, re-listed only when the
//! server says 410 Gone), each pod kept as the few fields shown, with exponential backoff
//! on every failure; and their CPU and memory from the metrics API.
//!
//! The task owns its client and store. It sends owned `KubeUpdate`s on the
//! cockpit's channel (the full set after each LIST, then one pod per watch
//! event) and never shares state with the screen. Every failure (no
//! kubeconfig, an unknown context, an API server that does not answer) is
//! sent as a sentence with the time of the next try; the task retries for
//! as long as the cockpit runs.

pub mod config;
pub mod metrics;
pub mod pod_object;
pub mod pod_status;
pub mod rollouts;

use crate::msg::Msg;
use crate::state::kube::KubeUpdate;
use futures::StreamExt;
use kube::runtime::utils::Backoff;
use kube::runtime::watcher as watch;
use kube::runtime::watcher::{self, DefaultBackoff, Event};
use kube::{Api, Client};
use pod_object::Pod as KPod;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// What to watch.
#[derive(Clone, Debug)]
pub struct Target {
    pub context: Option<String>,
    pub namespace: String,
    pub selector: Option<String>,
}

/// How the source paces itself (tests make it quick).
pub struct Options {
    pub env: config::Env,
    pub metrics_every: Duration,
    /// A fresh backoff policy (the delays after consecutive failures).
    pub backoff: fn() -> Box<dyn Backoff>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            env: config::Env::from_process(),
            metrics_every: metrics::INTERVAL,
            backoff: || Box::new(DefaultBackoff::default()),
        }
    }
}

/// Starts the source on the current tokio runtime.
pub fn spawn(target: Target, tx: UnboundedSender<Msg>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(target, tx, Options::default()))
}

/// Sends, or reports that the cockpit is gone.
fn send(tx: &UnboundedSender<Msg>, u: KubeUpdate) -> Result<(), ()> {
    tx.send(Msg::Kube(u)).map_err(|_| ())
}

/// Says why, then waits for the next try. Err when the cockpit is gone.
async fn fail(
    tx: &UnboundedSender<Msg>,
    backoff: &mut Box<dyn Backoff>,
    error: String,
) -> Result<(), ()> {
    let retry_in = backoff.next().unwrap_or(Duration::from_secs(30));
    send(tx, KubeUpdate::Failed { error, retry_in })?;
    tokio::select! {
        _ = tokio::time::sleep(retry_in) => Ok(()),
        _ = tx.closed() => Err(()),
    }
}

/// A watcher error for people: what failed and the root cause.
fn explain(e: &watcher::Error, server: &str) -> String {
    let api = |s: &kube::core::Status| {
        let mut t = format!("API server answered {}", s.code);
        if !s.reason.is_empty() {
            t.push_str(&format!(" {}", s.reason));
        }
        if !s.message.is_empty() {
            t.push_str(&format!(": {}", s.message));
        }
        t
    };
    match e {
        watcher::Error::InitialListFailed(kube::Error::Api(s))
        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
        | watcher::Error::WatchFailed(kube::Error::Api(s)) => api(s),
        watcher::Error::WatchError(s) if s.code == 410 => {
            "watch expired (410 Gone): listing again".to_string()
        }
        watcher::Error::WatchError(s) => api(s),
        watcher::Error::InitialListFailed(inner) | watcher::Error::WatchStartFailed(inner) => {
            format!("cannot reach {server}: {}", root_cause(inner))
        }
        watcher::Error::WatchFailed(inner) => {
            format!("watch of {server} broke: {}", root_cause(inner))
        }
        watcher::Error::NoResourceVersion => {
            "the API server gave no resourceVersion (cannot watch)".to_string()
        }
    }
}

/// The innermost cause worth showing (`connection refused`), with the
/// chain when the innermost is too terse to stand alone.
fn root_cause(e: &kube::Error) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    let mut last = cur.to_string();
    while let Some(next) = cur.source() {
        cur = next;
        let t = cur.to_string();
        if !t.is_empty() {
            last = t;
        }
    }
    if last.len() < 8 {
        config::chain(e)
    } else {
        last
    }
}

/// The source: config, client, reflector and metrics, again and again
/// until the cockpit is gone.
pub async fn run(target: Target, tx: UnboundedSender<Msg>, opts: Options) {
    let mut backoff = (opts.backoff)();
    loop {
        if tx.is_closed() {
            return;
        }
        let loaded = match config::load(&opts.env, target.context.as_deref()).await {
            Ok(l) => l,
            Err(e) => {
                if fail(&tx, &mut backoff, e).await.is_err() {
                    return;
                }
                continue;
            }
        };
        let server = loaded.server.clone();
        if send(
            &tx,
            KubeUpdate::Connecting {
                context: loaded.context.clone(),
                server: server.clone(),
            },
        )
        .is_err()
        {
            return;
        }
        let client = match kube::client::ClientBuilder::try_from(loaded.config) {
            Ok(b) => b.with_layer(&WatchStarted { tx: tx.clone() }).build(),
            Err(e) => {
                let error = format!("client for {server}: {}", config::chain(&e));
                if fail(&tx, &mut backoff, error).await.is_err() {
                    return;
                }
                continue;
            }
        };
        let metrics = tokio::spawn(metrics::poll(
            client.clone(),
            target.namespace.clone(),
            target.selector.clone(),
            tx.clone(),
            opts.metrics_every,
        ));
        let done = watch_pods(client, &target, &server, &tx, &mut backoff).await;
        metrics.abort();
        if done.is_err() {
            return;
        }
    }
}

/// Runs the reflector until the cockpit is gone (Err). The watcher
/// recovers by itself from every error: this only paces it.
async fn watch_pods(
    client: Client,
    target: &Target,
    server: &str,
    tx: &UnboundedSender<Msg>,
    backoff: &mut Box<dyn Backoff>,
) -> Result<(), ()> {
    let api: Api<KPod> = Api::namespaced(client, &target.namespace);
    let mut cfg = watcher::Config::default();
    if let Some(sel) = target.selector.as_deref().filter(|s| !s.trim().is_empty()) {
        cfg = cfg.labels(sel);
    }
    // No reflector store, and each pod is turned into the few fields shown
    // while it is read (`pod_object::Pod`: the rest of the API's object is
    // skipped, not stored), so 100,000 pods cost their names and statuses,
    // not 100,000 full API objects. A (re)list is gathered here and sent
    // whole, once.
    let stream = watch(api, cfg);
    let mut stream = std::pin::pin!(stream);
    let mut listing: Vec<crate::state::Pod> = Vec::new();
    loop {
        let item = tokio::select! {
            item = stream.next() => item,
            _ = tx.closed() => return Err(()),
        };
        match item {
            Some(Ok(Event::Init)) => listing.clear(),
            Some(Ok(Event::InitApply(p))) => listing.push(p.shown),
            Some(Ok(Event::InitDone)) => {
                backoff.reset();
                let mut pods = std::mem::take(&mut listing);
                pods.sort_by(|a, b| a.name.cmp(&b.name));
                send(tx, KubeUpdate::Synced(pods))?;
            }
            Some(Ok(Event::Apply(p))) => {
                backoff.reset();
                send(tx, KubeUpdate::Applied(p.shown))?;
            }
            Some(Ok(Event::Delete(p))) => {
                backoff.reset();
                send(tx, KubeUpdate::Deleted(p.shown.name))?;
            }
            Some(Err(e)) => fail(tx, backoff, explain(&e, server)).await?,
            // The watcher never ends; if it did, start over.
            None => return Ok(()),
        }
    }
}

/// A layer on the client's stack: when a WATCH request is answered with
/// success the watch is established, which the watcher itself never says
/// (it only reports events and errors). The source tells the cockpit, so
/// "connected" is shown as soon as it is true, not at the next pod change.
#[derive(Clone)]
struct WatchStarted {
    tx: UnboundedSender<Msg>,
}

impl<S> tower::Layer<S> for WatchStarted {
    type Service = WatchStartedService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        WatchStartedService {
            inner,
            tx: self.tx.clone(),
        }
    }
}

struct WatchStartedService<S> {
    inner: S,
    tx: UnboundedSender<Msg>,
}

type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl<S, B> tower::Service<http::Request<kube::client::Body>> for WatchStartedService<S>
where
    S: tower::Service<http::Request<kube::client::Body>, Response = http::Response<B>>,
    S::Future: Send + 'static,
    S::Error: 'static,
    B: 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<S::Response, S::Error>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<kube::client::Body>) -> Self::Future {
        let watch = req
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|kv| kv == "watch=true"));
        let fut = self.inner.call(req);
        let tx = self.tx.clone();
        Box::pin(async move {
            let res = fut.await;
            if watch && res.as_ref().is_ok_and(|r| r.status().is_success()) {
                let _ = tx.send(Msg::Kube(KubeUpdate::Watching));
            }
            res
        })
    }
}
