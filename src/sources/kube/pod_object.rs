//! A pod as the watcher reads it: only the fields the pods pane and
//! `pod_status::pod_row` use. Everything else of the API's object (labels,
//! annotations, managedFields, the containers' images, env and mounts,
//! volumes...) is skipped while reading, so a page of pods costs its names
//! and states, not the full `k8s_openapi` objects (ten times the memory and
//! most of the parsing time at 100,000 pods).
//!
//! `Object` is the parsed pod; its names and shapes follow
//! `k8s_openapi::api::core::v1` so the status logic reads as kubectl's.
//! What the watcher holds is `Pod`: the row already computed from it while
//! reading (one `Object` at a time), so a LIST page of 100,000 pods holds
//! 100,000 rows, not 100,000 parsed objects.

use super::pod_status;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;

/// A pod as kube's watcher hands it on: what the pods pane shows, and the
/// metadata the watcher reads (name and resourceVersion only).
#[derive(Clone, Debug, PartialEq)]
pub struct Pod {
    pub metadata: ObjectMeta,
    pub shown: crate::state::Pod,
}

impl<'de> Deserialize<'de> for Pod {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Pod::from(Object::deserialize(d)?))
    }
}

impl From<Object> for Pod {
    fn from(o: Object) -> Self {
        let metadata = ObjectMeta {
            name: o.metadata.name.clone(),
            resource_version: o.metadata.resource_version.clone(),
            ..ObjectMeta::default()
        };
        Pod {
            metadata,
            shown: shown(o),
        }
    }
}

/// The cockpit's pod from the API's: kubectl's columns, and what the
/// record needs.
pub fn shown(p: Object) -> crate::state::Pod {
    let row = pod_status::pod_row(&p);
    let (spec, status) = (p.spec, p.status);
    crate::state::Pod {
        name: p.metadata.name.unwrap_or_default(),
        ready: row.ready_cell(),
        status: row.status,
        restarts: row.restarts,
        last_restart: row.last_restart,
        created: p
            .metadata
            .creation_timestamp
            .as_ref()
            .map(pod_status::to_utc)
            .unwrap_or_default(),
        node: spec.and_then(|s| s.node_name).filter(|n| !n.is_empty()),
        phase: status.and_then(|s| s.phase),
    }
}

/// A pod as read from the API: the fields used, the rest skipped.
/// `metadata` is a real `ObjectMeta` with only the few fields below filled.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Object {
    #[serde(default, deserialize_with = "slim_meta")]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: Option<PodSpec>,
    #[serde(default)]
    pub status: Option<PodStatus>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    /// Only counted.
    #[serde(default, deserialize_with = "or_default")]
    pub containers: Vec<IgnoredAny>,
    #[serde(default)]
    pub init_containers: Option<Vec<Container>>,
    #[serde(default)]
    pub node_name: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    #[serde(default, deserialize_with = "or_default")]
    pub name: String,
    #[serde(default)]
    pub restart_policy: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    #[serde(default)]
    pub phase: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub conditions: Option<Vec<PodCondition>>,
    #[serde(default)]
    pub init_container_statuses: Option<Vec<ContainerStatus>>,
    #[serde(default)]
    pub container_statuses: Option<Vec<ContainerStatus>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PodCondition {
    #[serde(rename = "type", default, deserialize_with = "or_default")]
    pub type_: String,
    #[serde(default, deserialize_with = "or_default")]
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStatus {
    #[serde(default, deserialize_with = "or_default")]
    pub name: String,
    #[serde(default, deserialize_with = "or_default")]
    pub ready: bool,
    #[serde(default, deserialize_with = "or_default")]
    pub restart_count: i32,
    #[serde(default)]
    pub started: Option<bool>,
    #[serde(default)]
    pub state: Option<ContainerState>,
    #[serde(default)]
    pub last_state: Option<ContainerState>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ContainerState {
    #[serde(default)]
    pub waiting: Option<ContainerStateWaiting>,
    /// Only whether it is there.
    #[serde(default)]
    pub running: Option<IgnoredAny>,
    #[serde(default)]
    pub terminated: Option<ContainerStateTerminated>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ContainerStateWaiting {
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStateTerminated {
    #[serde(default, deserialize_with = "or_default")]
    pub exit_code: i32,
    #[serde(default)]
    pub signal: Option<i32>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub finished_at: Option<Time>,
}

/// A value, with `null` read as the default (as Go's decoder does for
/// the fields the API declares required).
fn or_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The metadata fields kept (the rest is skipped, not stored): what the
/// pods and the rollouts (`rollouts.rs`) read.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlimMeta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    uid: Option<String>,
    #[serde(default)]
    resource_version: Option<String>,
    #[serde(default)]
    creation_timestamp: Option<Time>,
    #[serde(default)]
    deletion_timestamp: Option<Time>,
    #[serde(default)]
    generation: Option<i64>,
}

pub(super) fn slim_meta<'de, D: Deserializer<'de>>(d: D) -> Result<ObjectMeta, D::Error> {
    let Some(m) = Option::<SlimMeta>::deserialize(d)? else {
        return Ok(ObjectMeta::default());
    };
    Ok(ObjectMeta {
        name: m.name,
        namespace: m.namespace,
        uid: m.uid,
        resource_version: m.resource_version,
        creation_timestamp: m.creation_timestamp,
        deletion_timestamp: m.deletion_timestamp,
        generation: m.generation,
        ..ObjectMeta::default()
    })
}

type Full = k8s_openapi::api::core::v1::Pod;

/// The same resource as `k8s_openapi`'s Pod (`/api/v1/.../pods`).
impl kube::Resource for Pod {
    type DynamicType = ();
    type Scope = k8s_openapi::NamespaceResourceScope;

    fn kind(dt: &()) -> Cow<'_, str> {
        <Full as kube::Resource>::kind(dt)
    }
    fn group(dt: &()) -> Cow<'_, str> {
        <Full as kube::Resource>::group(dt)
    }
    fn version(dt: &()) -> Cow<'_, str> {
        <Full as kube::Resource>::version(dt)
    }
    fn api_version(dt: &()) -> Cow<'_, str> {
        <Full as kube::Resource>::api_version(dt)
    }
    fn plural(dt: &()) -> Cow<'_, str> {
        <Full as kube::Resource>::plural(dt)
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
    use kube::{Resource, ResourceExt};

    /// A pod as a real API server returns it (kubectl get -o json), with
    /// everything the cockpit does not read.
    const REAL: &str = r#"{
      "apiVersion": "v1", "kind": "Pod",
      "metadata": {
        "name": "web-7d9f8b6c5-x2x4q", "generateName": "web-7d9f8b6c5-",
        "namespace": "shop", "uid": "0b7c1c52-3d1e-4a8e-9d55-1f0c7f0f6a11",
        "resourceVersion": "123456", "creationTimestamp": "2026-11-22T12:00:00Z",
        "labels": {"app": "web", "pod-template-hash": "7d9f8b6c5"},
        "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-11-22T11:59:00Z"},
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d9f8b6c5",
          "uid": "9a", "controller": true, "blockOwnerDeletion": true}],
        "managedFields": [{"manager": "kube-controller-manager", "operation": "Update",
          "apiVersion": "v1", "time": "2026-11-22T12:00:00Z", "fieldsType": "FieldsV1",
          "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}}}]
      },
      "spec": {
        "volumes": [{"name": "kube-api-access", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}],
        "initContainers": [{"name": "proxy", "image": "envoy:1", "restartPolicy": "Always"}],
        "containers": [
          {"name": "app", "image": "web:2", "env": [{"name": "A", "value": "1"}],
           "resources": {"limits": {"cpu": "1"}}, "volumeMounts": [{"name": "kube-api-access", "mountPath": "/var/run"}]},
          {"name": "log", "image": "fluent:1"}
        ],
        "restartPolicy": "Always", "nodeName": "node-a", "serviceAccountName": "default",
        "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}]
      },
      "status": {
        "phase": "Running", "hostIP": "10.0.0.1", "podIP": "10.1.0.7", "qosClass": "Burstable",
        "startTime": "2026-11-22T12:00:01Z",
        "conditions": [
          {"type": "Initialized", "status": "True", "lastTransitionTime": "2026-11-22T12:00:02Z"},
          {"type": "Ready", "status": "False", "reason": "ContainersNotReady", "lastTransitionTime": null}
        ],
        "initContainerStatuses": [{"name": "proxy", "image": "envoy:1", "imageID": "sha", "ready": true,
          "started": true, "restartCount": 1, "state": {"running": {"startedAt": "2026-11-22T12:00:02Z"}},
          "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "finishedAt": "2026-11-22T12:30:00Z"}}}],
        "containerStatuses": [
          {"name": "app", "image": "web:2", "imageID": "sha", "containerID": "containerd://1",
           "ready": false, "started": false, "restartCount": 5,
           "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}},
           "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2026-11-22T12:55:00Z"}}},
          {"name": "log", "image": "fluent:1", "imageID": "sha", "ready": true, "restartCount": 0,
           "state": {"running": {"startedAt": "2026-11-22T12:00:03Z"}}, "lastState": {}}
        ]
      }
    }"#;

    #[test]
    fn a_real_pod_reads_into_the_few_fields_kept() {
        let p: Object = serde_json::from_str(REAL).expect("a real pod reads");
        assert_eq!(p.metadata.name.as_deref(), Some("web-7d9f8b6c5-x2x4q"));
        assert_eq!(p.metadata.namespace.as_deref(), Some("shop"));
        assert!(p.metadata.labels.is_none() && p.metadata.managed_fields.is_none());
        let spec = p.spec.as_ref().expect("spec");
        assert_eq!(spec.containers.len(), 2);
        assert_eq!(spec.node_name.as_deref(), Some("node-a"));
        let init = spec.init_containers.as_deref().unwrap_or_default();
        assert_eq!(init[0].restart_policy.as_deref(), Some("Always"));
        let st = p.status.as_ref().expect("status");
        assert_eq!(st.phase.as_deref(), Some("Running"));
        let cs = st.container_statuses.as_deref().unwrap_or_default();
        assert_eq!((cs[0].restart_count, cs[0].ready), (5, false));
        let waiting = cs[0].state.as_ref().and_then(|s| s.waiting.as_ref());
        assert_eq!(
            waiting.and_then(|w| w.reason.as_deref()),
            Some("CrashLoopBackOff")
        );
        assert!(cs[1].state.as_ref().is_some_and(|s| s.running.is_some()));
        let row = super::super::pod_status::pod_row(&p);
        assert_eq!(
            (row.ready_cell(), row.status.as_str(), row.restarts),
            ("2/3".to_string(), "CrashLoopBackOff", 6)
        );
        let last = row.last_restart.map(|t| t.to_rfc3339());
        assert_eq!(last.as_deref(), Some("2026-11-22T12:55:00+00:00"));
    }

    #[test]
    fn what_the_watcher_holds_is_the_row_and_the_resource_version() {
        let p: Pod = serde_json::from_str(REAL).expect("a real pod reads");
        assert_eq!(p.name_any(), "web-7d9f8b6c5-x2x4q");
        // What kube's watcher resumes from.
        assert_eq!(p.resource_version().as_deref(), Some("123456"));
        assert_eq!(p.metadata.namespace, None, "nothing else is kept");
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&chrono::Utc))
                .ok()
        };
        assert_eq!(
            p.shown,
            crate::state::Pod {
                name: "web-7d9f8b6c5-x2x4q".into(),
                ready: "2/3".into(),
                status: "CrashLoopBackOff".into(),
                restarts: 6,
                last_restart: at("2026-11-22T12:55:00Z"),
                created: at("2026-11-22T12:00:00Z").unwrap_or_default(),
                node: Some("node-a".into()),
                phase: Some("Running".into()),
            }
        );
        // An empty node name is no node; a pod without a spec or status
        // still reads.
        let bare: Pod =
            serde_json::from_str(r#"{"metadata": {"name": "x"}, "spec": {"nodeName": ""}}"#)
                .expect("a bare pod reads");
        assert_eq!((bare.shown.node, bare.shown.phase), (None, None));
        assert_eq!(bare.shown.ready, "0/0");
    }

    #[test]
    fn nulls_and_missing_fields_read_as_empty() {
        let p: Object = serde_json::from_str(
            r#"{"metadata": null, "spec": {"containers": null, "nodeName": null},
                "status": {"containerStatuses": [{"name": null, "ready": null, "restartCount": null,
                  "state": {"running": null, "terminated": {"exitCode": null}}}]}}"#,
        )
        .expect("nulls read");
        assert_eq!(p.metadata, ObjectMeta::default());
        assert!(p.spec.as_ref().is_some_and(|s| s.containers.is_empty()));
        let cs = &p
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.clone())
            .unwrap_or_default()[0];
        let st = cs.state.as_ref().expect("state");
        assert!(st.running.is_none());
        assert_eq!(st.terminated.as_ref().map(|t| t.exit_code), Some(0));
    }

    #[test]
    fn it_is_the_api_s_pod_resource() {
        use k8s_openapi::api::core::v1::Pod as Full;
        assert_eq!(
            Pod::url_path(&(), Some("shop")),
            Full::url_path(&(), Some("shop"))
        );
        assert_eq!(Pod::api_version(&()), "v1");
        assert_eq!(Pod::kind(&()), "Pod");
    }
}
