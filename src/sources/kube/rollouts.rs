//! The rollouts `verify:` conditions name (`deployment/NAME`,
//! `statefulset/NAME`), watched through kube like the pods: one LIST, then
//! a WATCH from its resourceVersion, with backoff on failure. Only the
//! kinds a condition names are watched, and only in the watched
//! namespace; one name of a kind is asked for by a field selector
//! (`metadata.name=NAME`), several by listing the kind and keeping the
//! named ones. Each object is read as the few fields a rollout condition
//! needs (generation, observedGeneration, the desired, updated, ready and
//! available replicas, and a Deployment's `Progressing` condition when it
//! says the rollout stalled); the rest is skipped while reading.
//!
//! The task sends owned `Msg::Checks` and never shares state.

use super::config;
use crate::msg::Msg;
use crate::playbook::verify::RolloutKind;
use crate::state::verify::{CheckUpdate, Rollout};
use futures::StreamExt;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::runtime::utils::Backoff;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client};
use serde::Deserialize;
use std::borrow::Cow;
use std::marker::PhantomData;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// What to watch: the namespace, the kube context, and the named objects.
#[derive(Clone, Debug)]
pub struct Wanted {
    pub context: Option<String>,
    pub namespace: String,
    pub names: Vec<(RolloutKind, String)>,
}

/// Starts one task for each kind named (none when nothing is named).
pub fn spawn(wanted: Wanted, tx: UnboundedSender<Msg>) {
    for kind in [RolloutKind::Deployment, RolloutKind::StatefulSet] {
        let names: Vec<String> = wanted
            .names
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, n)| n.clone())
            .collect();
        if names.is_empty() {
            continue;
        }
        tokio::spawn(run(
            kind,
            names,
            wanted.clone(),
            tx.clone(),
            super::Options::default(),
        ));
    }
}

/// One kind's source, again and again until the cockpit is gone.
pub async fn run(
    kind: RolloutKind,
    names: Vec<String>,
    wanted: Wanted,
    tx: UnboundedSender<Msg>,
    opts: super::Options,
) {
    let mut backoff = (opts.backoff)();
    loop {
        if tx.is_closed() {
            return;
        }
        let loaded = match config::load(&opts.env, wanted.context.as_deref()).await {
            Ok(l) => l,
            Err(e) => {
                if fail(&tx, &mut backoff, kind, e).await.is_err() {
                    return;
                }
                continue;
            }
        };
        let server = loaded.server.clone();
        let client = match Client::try_from(loaded.config) {
            Ok(c) => c,
            Err(e) => {
                let error = format!("client for {server}: {}", config::chain(&e));
                if fail(&tx, &mut backoff, kind, error).await.is_err() {
                    return;
                }
                continue;
            }
        };
        let done = match kind {
            RolloutKind::Deployment => {
                let api: Api<Object<Deployment>> = Api::namespaced(client, &wanted.namespace);
                watch_kind(api, kind, &names, &server, &tx, &mut backoff).await
            }
            RolloutKind::StatefulSet => {
                let api: Api<Object<StatefulSet>> = Api::namespaced(client, &wanted.namespace);
                watch_kind(api, kind, &names, &server, &tx, &mut backoff).await
            }
        };
        if done.is_err() {
            return;
        }
    }
}

/// Says why (with the kind), then waits for the next try. Err when the
/// cockpit is gone.
async fn fail(
    tx: &UnboundedSender<Msg>,
    backoff: &mut Box<dyn Backoff>,
    kind: RolloutKind,
    error: String,
) -> Result<(), ()> {
    let retry_in = backoff.next().unwrap_or(Duration::from_secs(30));
    let why = crate::sanitize::clean(&format!(
        "{}s: {error} (retrying in {})",
        kind.name(),
        crate::time::human(retry_in)
    ))
    .into_owned();
    tx.send(Msg::Checks(CheckUpdate::RolloutsFailed(why)))
        .map_err(|_| ())?;
    tokio::select! {
        _ = tokio::time::sleep(retry_in) => Ok(()),
        _ = tx.closed() => Err(()),
    }
}

async fn watch_kind<K>(
    api: Api<Object<K>>,
    kind: RolloutKind,
    names: &[String],
    server: &str,
    tx: &UnboundedSender<Msg>,
    backoff: &mut Box<dyn Backoff>,
) -> Result<(), ()>
where
    K: kube::Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + std::fmt::Debug
        + Send
        + Sync
        + 'static,
{
    let mut cfg = watcher::Config::default();
    if let [one] = names {
        cfg = cfg.fields(&format!("metadata.name={one}"));
    }
    let send = |u: CheckUpdate| tx.send(Msg::Checks(u)).map_err(|_| ());
    let key = |name: &str| format!("{}/{name}", kind.name());
    let named = |o: &Object<K>| {
        o.metadata
            .name
            .as_deref()
            .filter(|n| names.iter().any(|x| x == n))
            .map(str::to_string)
    };
    let stream = watcher::watcher(api, cfg);
    let mut stream = std::pin::pin!(stream);
    let mut listing: Vec<(String, Rollout)> = Vec::new();
    loop {
        let item = tokio::select! {
            item = stream.next() => item,
            _ = tx.closed() => return Err(()),
        };
        match item {
            Some(Ok(Event::Init)) => listing.clear(),
            Some(Ok(Event::InitApply(o))) => {
                if let Some(n) = named(&o) {
                    listing.push((key(&n), o.rollout()));
                }
            }
            Some(Ok(Event::InitDone)) => {
                backoff.reset();
                send(CheckUpdate::RolloutsSynced {
                    kind: kind.name().to_string(),
                    items: std::mem::take(&mut listing),
                })?;
            }
            Some(Ok(Event::Apply(o))) => {
                backoff.reset();
                if let Some(n) = named(&o) {
                    send(CheckUpdate::RolloutApplied {
                        key: key(&n),
                        rollout: o.rollout(),
                    })?;
                }
            }
            Some(Ok(Event::Delete(o))) => {
                backoff.reset();
                if let Some(n) = named(&o) {
                    send(CheckUpdate::RolloutDeleted { key: key(&n) })?;
                }
            }
            Some(Err(e)) => fail(tx, backoff, kind, super::explain(&e, server)).await?,
            None => return Ok(()),
        }
    }
}

type Deployment = k8s_openapi::api::apps::v1::Deployment;
type StatefulSet = k8s_openapi::api::apps::v1::StatefulSet;

/// A Deployment or StatefulSet as read: the fields a rollout needs.
#[derive(Clone, Debug, Deserialize)]
#[serde(bound = "")]
pub struct Object<K> {
    #[serde(default, deserialize_with = "super::pod_object::slim_meta")]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: Option<Spec>,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(skip)]
    kind: PhantomData<fn() -> K>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    /// Absent means 1, as the API defaults it.
    pub replicas: Option<i32>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    #[serde(default)]
    pub observed_generation: Option<i64>,
    #[serde(default)]
    pub updated_replicas: Option<i32>,
    #[serde(default)]
    pub ready_replicas: Option<i32>,
    #[serde(default)]
    pub available_replicas: Option<i32>,
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Condition {
    #[serde(rename = "type", default)]
    pub type_: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

impl<K> Object<K> {
    /// The rollout as a condition reads it. A Deployment whose
    /// `Progressing` condition is False with `ProgressDeadlineExceeded`
    /// has stalled (what `kubectl rollout status` fails on).
    pub fn rollout(&self) -> Rollout {
        let st = self.status.clone().unwrap_or_default();
        let stalled = st
            .conditions
            .iter()
            .find(|c| {
                c.type_ == "Progressing"
                    && c.status == "False"
                    && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
            })
            .map(|c| {
                let mut why = "ProgressDeadlineExceeded".to_string();
                if let Some(m) = c.message.as_deref().filter(|m| !m.is_empty()) {
                    why.push_str(": ");
                    why.push_str(m);
                }
                crate::sanitize::clean(&why).into_owned()
            });
        Rollout {
            generation: self.metadata.generation.unwrap_or(0),
            observed_generation: st.observed_generation.unwrap_or(0),
            replicas: self.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
            updated: st.updated_replicas.unwrap_or(0),
            available: st.available_replicas.unwrap_or(0),
            ready: st.ready_replicas.unwrap_or(0),
            stalled,
        }
    }
}

/// The same resource as `k8s_openapi`'s (`/apis/apps/v1/.../deployments`).
impl<K> kube::Resource for Object<K>
where
    K: kube::Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>,
{
    type DynamicType = ();
    type Scope = k8s_openapi::NamespaceResourceScope;

    fn kind(dt: &()) -> Cow<'_, str> {
        K::kind(dt)
    }
    fn group(dt: &()) -> Cow<'_, str> {
        K::group(dt)
    }
    fn version(dt: &()) -> Cow<'_, str> {
        K::version(dt)
    }
    fn api_version(dt: &()) -> Cow<'_, str> {
        K::api_version(dt)
    }
    fn plural(dt: &()) -> Cow<'_, str> {
        K::plural(dt)
    }
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_only_what_a_rollout_needs_and_a_stall() {
        let o: Object<Deployment> = serde_json::from_value(json!({
            "metadata": {"name": "api", "generation": 3, "resourceVersion": "7",
                         "managedFields": [{"x": 1}], "labels": {"app": "api"}},
            "spec": {"replicas": 3, "template": {"spec": {"containers": []}}},
            "status": {"observedGeneration": 3, "replicas": 4, "updatedReplicas": 2,
                       "readyReplicas": 3, "availableReplicas": 3,
                       "conditions": [{"type": "Progressing", "status": "False",
                                       "reason": "ProgressDeadlineExceeded",
                                       "message": "ReplicaSet \"api-2\" has timed out progressing.\u{1b}[2J"}]}
        }))
        .unwrap();
        let r = o.rollout();
        assert_eq!(
            (r.generation, r.observed_generation, r.replicas, r.updated),
            (3, 3, 3, 2)
        );
        assert!(!r.complete());
        let why = r.stalled.unwrap();
        assert!(
            why.starts_with("ProgressDeadlineExceeded: ReplicaSet"),
            "{why}"
        );
        assert!(!why.contains('\u{1b}'), "sanitised: {why:?}");
        // A StatefulSet without a status yet: nothing observed, 1 replica.
        let s: Object<StatefulSet> =
            serde_json::from_value(json!({"metadata": {"name": "db", "generation": 1}})).unwrap();
        let r = s.rollout();
        assert_eq!((r.replicas, r.observed_generation), (1, 0));
        assert!(!r.complete());
        assert_eq!(
            <Object<StatefulSet> as kube::Resource>::plural(&()),
            "statefulsets"
        );
        assert_eq!(<Object<Deployment> as kube::Resource>::group(&()), "apps");
    }
}
