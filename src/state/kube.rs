//! The live Kubernetes view: what the pod source last said, the pods' CPU
//! and memory, and which changes have already gone to the record. The
//! source sends owned `KubeUpdate`s; `update` hands them to `apply_kube`, which
//! returns the timeline events worth recording, once each:
//!
//! - a pod created or deleted after the first sync (never the pods that
//!   were already there when the cockpit started);
//! - a pod entering CrashLoopBackOff, OOMKilled, Error, Evicted... or the
//!   Failed phase: once per pod and state, however often it flaps back;
//! - the selector's ready count dropping below the last recorded level,
//!   or recovering (every pod ready for `RECOVERY_HOLD`).

use super::observed::{Mark, Memo, Observed, Pod, is_alarming, is_ready};
use crate::timeline::Event;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// All pods must stay ready this long before a recovery is recorded, so a
/// crash-looping pod that is briefly ready does not record a recovery (and
/// a new drop) on every restart.
pub const RECOVERY_HOLD: TimeDelta = TimeDelta::seconds(30);

/// A message from the pod source.
#[derive(Clone, Debug, PartialEq)]
pub enum KubeUpdate {
    /// A kubeconfig was read; connecting to this API server.
    Connecting { context: String, server: String },
    /// The complete set of pods after a LIST (the first sync, or a re-list
    /// after the watch fell too far behind).
    Synced(Vec<Pod>),
    /// A watch was established (the server answered the WATCH request).
    Watching,
    /// A pod was added or modified.
    Applied(Pod),
    /// A pod is gone.
    Deleted(String),
    /// The source failed; it tries again in `retry_in`.
    Failed { error: String, retry_in: Duration },
    /// Pod CPU and memory from metrics.k8s.io, by pod name.
    Metrics(Vec<(String, Usage)>),
    /// The metrics API cannot be read (why).
    MetricsUnavailable(String),
}

/// A pod's CPU and memory use, summed over its containers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// CPU in nanocores.
    pub cpu_nano: u128,
    pub mem_bytes: u128,
}

impl Usage {
    /// As `kubectl top pod` prints CPU: millicores, rounded up.
    pub fn cpu_cell(&self) -> String {
        format!("{}m", self.cpu_nano.div_ceil(1_000_000))
    }

    /// As `kubectl top pod` prints memory: whole MiB, rounded down.
    pub fn mem_cell(&self) -> String {
        format!("{}Mi", self.mem_bytes / (1024 * 1024))
    }
}

/// Where the source stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Link {
    /// Reading the kubeconfig.
    #[default]
    Starting,
    Connecting {
        context: String,
        server: String,
    },
    /// Listed and watching.
    Live {
        context: String,
        server: String,
        since: DateTime<Utc>,
    },
    Failing {
        error: String,
        retry_at: DateTime<Utc>,
    },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct KubeView {
    /// What is watched, for people: `identity-platform app=dicps-api`.
    pub target: String,
    pub link: Link,
    /// Context and server of the last connection attempt.
    pub context: Option<String>,
    pub server: Option<String>,
    /// The pod list is complete as of this time; the pods shown are stale
    /// from here while the link is failing. `None` until the first sync.
    pub synced_at: Option<DateTime<Utc>>,
    /// The last time the source said anything good.
    pub last_ok: Option<DateTime<Utc>>,
    /// When a working watch broke: the pods shown are as of then.
    pub stale_since: Option<DateTime<Utc>>,
    pub metrics: BTreeMap<String, Usage>,
    pub metrics_at: Option<DateTime<Utc>>,
    /// Why there are no metrics, when there are none.
    pub metrics_note: Option<String>,
    ready: ReadyTrack,
    /// Alarming states already recorded, by pod.
    alarmed: BTreeMap<String, BTreeSet<String>>,
}

/// The ready count as last recorded (or first seen), and since when every
/// pod has been ready.
#[derive(Clone, Debug, Default, PartialEq)]
struct ReadyTrack {
    level: Option<(u32, u32)>,
    all_ready_since: Option<DateTime<Utc>>,
}

impl KubeView {
    pub fn new(target: String) -> Self {
        Self {
            target,
            ..Default::default()
        }
    }
}

/// `(ready, total)` of the pods.
pub fn ready_count(pods: &[Pod]) -> (u32, u32) {
    let ready = pods.iter().filter(|p| is_ready(&p.ready)).count() as u32;
    (ready, pods.len() as u32)
}

/// The states of a pod that are recorded when it enters them.
fn alarm_keys(p: &Pod) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    if is_alarming(&p.status) {
        keys.insert(p.status.clone());
    }
    if p.phase.as_deref() == Some("Failed") {
        keys.insert("Failed".to_string());
    }
    keys
}

/// What a pod is called in a record: its status, with the Failed phase
/// when the status does not already say so.
fn shown_state(p: &Pod) -> String {
    if p.phase.as_deref() == Some("Failed") && !is_alarming(&p.status) && p.status != "Failed" {
        format!("{} (Failed)", p.status)
    } else {
        p.status.clone()
    }
}

/// Pods in trouble first, then by name.
fn live_order(a: &Pod, b: &Pod) -> std::cmp::Ordering {
    super::observed::pod_rank(a)
        .cmp(&super::observed::pod_rank(b))
        .then(a.name.cmp(&b.name))
}

/// Where the pod of that name is among pods in live order: a binary
/// search under each rank (four at most).
fn live_position(pods: &[Pod], name: &str) -> Option<usize> {
    (0..=3u8).find_map(|r| {
        pods.binary_search_by(|p| {
            super::observed::pod_rank(p)
                .cmp(&r)
                .then_with(|| p.name.as_str().cmp(name))
        })
        .ok()
    })
}

/// What to record when a pod appears (`before` is None) or changes: its
/// creation, or its entering an alarming state it was not recorded in.
fn live_change(view: &mut KubeView, before: Option<&Pod>, after: &Pod) -> Option<Event> {
    let keys = alarm_keys(after);
    let seen = view.alarmed.entry(after.name.clone()).or_default();
    let new_alarm = keys.iter().any(|k| !seen.contains(k));
    seen.extend(keys);
    match before {
        None => Some(Event::PodChanged {
            pod: after.name.clone(),
            from: "(none)".into(),
            to: shown_state(after),
        }),
        Some(old) if new_alarm => Some(Event::PodChanged {
            pod: after.name.clone(),
            from: old.status.clone(),
            to: shown_state(after),
        }),
        Some(_) => None,
    }
}

impl Observed {
    /// Applies a message of the pod source; returns what to record.
    pub fn apply_kube(&mut self, u: KubeUpdate, now: DateTime<Utc>) -> Vec<Event> {
        let Some(view) = self.kube.as_mut() else {
            return Vec::new();
        };
        // (`delete_pod` counts a deletion itself.)
        if matches!(u, KubeUpdate::Synced(_) | KubeUpdate::Applied(_)) {
            self.pods_rev += 1;
        }
        let mut events = Vec::new();
        match u {
            KubeUpdate::Connecting { context, server } => {
                view.context = Some(context.clone());
                view.server = Some(server.clone());
                // Keep showing a failure until the connection proves good.
                if !matches!(view.link, Link::Failing { .. }) {
                    view.link = Link::Connecting { context, server };
                }
            }
            KubeUpdate::Failed { error, retry_in } => {
                // A quiet watch was still right until it broke: stale from
                // the first failure, not from the last event.
                if matches!(view.link, Link::Live { .. }) {
                    view.stale_since = Some(now);
                }
                let retry = TimeDelta::from_std(retry_in).unwrap_or(TimeDelta::MAX);
                view.link = Link::Failing {
                    error,
                    retry_at: now.checked_add_signed(retry).unwrap_or(now),
                };
            }
            KubeUpdate::Synced(pods) => {
                let first = view.synced_at.is_none();
                view.synced_at = Some(now);
                self.mark_live(now);
                events.extend(self.replace_pods(pods, first));
            }
            KubeUpdate::Watching => {
                // Only after a first list: before it there is nothing to show.
                if view.synced_at.is_some() {
                    self.mark_live(now);
                }
            }
            KubeUpdate::Applied(pod) => {
                self.mark_live(now);
                events.extend(self.upsert_live_pod(pod));
            }
            KubeUpdate::Deleted(name) => {
                self.mark_live(now);
                if let Some(view) = self.kube.as_mut() {
                    view.alarmed.remove(&name);
                    view.metrics.remove(&name);
                }
                let was = live_position(&self.pods, &name).map(|i| is_ready(&self.pods[i].ready));
                let ev = self.delete_pod(&name);
                if ev.is_some() == was.is_some() {
                    self.carry_ready(was, None);
                }
                events.extend(ev);
            }
            KubeUpdate::Metrics(list) => {
                view.metrics = list.into_iter().collect();
                view.metrics_at = Some(now);
                view.metrics_note = None;
            }
            KubeUpdate::MetricsUnavailable(why) => {
                view.metrics.clear();
                view.metrics_at = None;
                view.metrics_note = Some(why);
            }
        }
        events.extend(self.check_ready(now));
        events
    }

    fn mark_live(&mut self, now: DateTime<Utc>) {
        let Some(view) = self.kube.as_mut() else {
            return;
        };
        view.last_ok = Some(now);
        view.stale_since = None;
        if !matches!(view.link, Link::Live { .. }) {
            view.link = Link::Live {
                context: view.context.clone().unwrap_or_default(),
                server: view.server.clone().unwrap_or_default(),
                since: now,
            };
        }
    }

    /// A full list: the first one is taken as it is; a later one (after a
    /// reconnect) records what changed while the watch was away. Linear in
    /// the pods, plus one sort.
    fn replace_pods(&mut self, mut pods: Vec<Pod>, first: bool) -> Vec<Event> {
        let mut events = Vec::new();
        let Some(view) = self.kube.as_mut() else {
            return events;
        };
        if first {
            // Already in trouble when we arrived: not "entering" it.
            view.alarmed = pods
                .iter()
                .map(|p| (p.name.clone(), alarm_keys(p)))
                .collect();
        } else {
            let mut old: std::collections::HashMap<String, Pod> = std::mem::take(&mut self.pods)
                .into_iter()
                .map(|p| (p.name.clone(), p))
                .collect();
            for p in &pods {
                let before = old.remove(&p.name);
                events.extend(live_change(view, before.as_ref(), p));
            }
            let mut gone: Vec<Pod> = old.into_values().collect();
            gone.sort_by(|a, b| a.name.cmp(&b.name));
            for p in gone {
                view.alarmed.remove(&p.name);
                view.metrics.remove(&p.name);
                events.push(Event::PodChanged {
                    pod: p.name,
                    from: p.status,
                    to: "deleted".into(),
                });
            }
        }
        pods.sort_by(live_order);
        self.pods = pods;
        self.in_order = Mark(Some(self.pods_rev));
        events
    }

    /// A pod added or modified by the watch: put in its place (no full
    /// sort, and no walk over every name: the pods are in live order, so
    /// the pod is found by a binary search and moved by rotating only the
    /// rows between its old and new place; a change that keeps its place
    /// replaces it where it is).
    fn upsert_live_pod(&mut self, pod: Pod) -> Option<Event> {
        let old = live_position(&self.pods, &pod.name);
        let view = self.kube.as_mut()?;
        let ev = live_change(view, old.map(|i| &self.pods[i]), &pod);
        let (was, is) = (
            old.map(|i| is_ready(&self.pods[i].ready)),
            is_ready(&pod.ready),
        );
        let at = self
            .pods
            .partition_point(|p| live_order(p, &pod) == std::cmp::Ordering::Less);
        match old {
            None => self.pods.insert(at, pod),
            Some(i) => {
                // `at` counts the old row when it sorts before the new one.
                let to = if i < at { at - 1 } else { at };
                if i < to {
                    self.pods[i..=to].rotate_left(1);
                } else {
                    self.pods[to..=i].rotate_right(1);
                }
                self.pods[to] = pod;
            }
        }
        self.carry_ready(was, Some(is));
        // Put in its place: still in order.
        if self.in_order.0 == Some(self.pods_rev - 1) {
            self.in_order = Mark(Some(self.pods_rev));
        }
        ev
    }

    /// Keeps the remembered ready count (`ready_at`) current through one
    /// pod change, so it is not counted again over every pod after each
    /// watch event: `was` and `is` say whether the pod that left and the
    /// one that came are ready. Called after the change (`pods_rev` moved
    /// on by one); a count remembered at an older revision is left to be
    /// counted again.
    fn carry_ready(&mut self, was: Option<bool>, is: Option<bool>) {
        if let Memo(Some((rev, n))) = self.ready_at
            && rev + 1 == self.pods_rev
        {
            let n = (n + u32::from(is == Some(true))).saturating_sub(u32::from(was == Some(true)));
            self.ready_at = Memo(Some((self.pods_rev, n)));
        }
    }

    /// Records the ready count dropping below the last recorded level, or
    /// recovering once every pod has been ready for `RECOVERY_HOLD`. Called
    /// after every source message and on the clock.
    pub fn check_ready(&mut self, now: DateTime<Utc>) -> Option<Event> {
        let (ready, total) = (self.ready(), self.pods.len() as u32);
        let view = self.kube.as_mut()?;
        view.synced_at?;
        let all = total > 0 && ready == total;
        if !all {
            view.ready.all_ready_since = None;
        } else if view.ready.all_ready_since.is_none() {
            view.ready.all_ready_since = Some(now);
        }
        let Some((r0, t0)) = view.ready.level else {
            // The first sync sets the level; nothing to record.
            view.ready.level = Some((ready, total));
            return None;
        };
        let was_all = t0 > 0 && r0 == t0;
        let change = |from: (u32, u32)| Event::ReadyChanged {
            pods: view.target.clone(),
            from_ready: from.0,
            from_total: from.1,
            ready,
            total,
        };
        if all && was_all {
            // Healthy before and after (scaled, or a pod replaced by a
            // ready one): follow quietly.
            view.ready.level = Some((ready, total));
            return None;
        }
        if !all && ready < r0 {
            let ev = change((r0, t0));
            view.ready.level = Some((ready, total));
            return Some(ev);
        }
        if all
            && view
                .ready
                .all_ready_since
                .is_some_and(|since| now - since >= RECOVERY_HOLD)
        {
            let ev = change((r0, t0));
            view.ready.level = Some((ready, total));
            return Some(ev);
        }
        None
    }
}

#[cfg(test)]
mod tests;
