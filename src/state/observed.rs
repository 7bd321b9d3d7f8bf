//! Live observations: what the cluster, the alert feed, the service figures
//! and the host look like now. Not the record: only significant changes are
//! turned into timeline events (see `significant_*`).

pub use crate::alerts::{Alert, AlertState, alert_rank};
use crate::drill::scenario::{AlertSpec, FigureSpec, PodSpec, World};
use crate::time::parse_duration;
use crate::timeline::Event;
use chrono::{DateTime, TimeDelta, Utc};

#[derive(Clone, Debug, PartialEq)]
pub struct Pod {
    pub name: String,
    pub ready: String,
    pub status: String,
    pub restarts: u32,
    /// When a container last ended before its restart (RESTARTS' "(5m ago)").
    pub last_restart: Option<DateTime<Utc>>,
    pub created: DateTime<Utc>,
    pub node: Option<String>,
    /// The pod's phase (`Running`, `Failed`...), when the source knows it.
    pub phase: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: String,
    /// Why the value is not current (its source's last answer failed):
    /// shown as stale, never judged.
    pub stale: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct HostSnapshot {
    pub hostname: String,
    /// All cores together, 0-100.
    pub cpu_percent: f32,
    pub cpus: usize,
    /// Each core, 0-100.
    pub cores: Vec<f32>,
    pub mem_used: u64,
    pub mem_total: u64,
    pub swap_used: u64,
    pub swap_total: u64,
    pub load: [f64; 3],
    /// Mounted disks (pseudo and duplicate file systems left out), fullest first.
    pub disks: Vec<DiskUse>,
    /// Bytes per second received and sent over all interfaces but loopback
    /// (`None` until two samples exist).
    pub net_rx: Option<f64>,
    pub net_tx: Option<f64>,
    /// The container's cgroup v2 limits, when it has any.
    pub cgroup: Option<CgroupUse>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct DiskUse {
    pub mount: String,
    pub used: u64,
    pub total: u64,
}

impl DiskUse {
    pub fn percent(&self) -> f64 {
        percent(self.used, self.total)
    }
}

/// What a container may really use: cgroup v2 `memory.max` and `cpu.max`,
/// and its use against them.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct CgroupUse {
    /// `memory.max` in bytes (`None`: "max", no limit).
    pub memory_max: Option<u64>,
    /// `memory.current`.
    pub memory_current: Option<u64>,
    /// `cpu.max` as cores (quota / period; `None`: "max").
    pub cpu_limit: Option<f64>,
    /// CPU used by the cgroup as a percentage of its limit, from
    /// `cpu.stat` usage between two samples.
    pub cpu_percent_of_limit: Option<f64>,
}

pub fn percent(used: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        used as f64 * 100.0 / total as f64
    }
}

impl HostSnapshot {
    /// CPU use against what this process may use: the cgroup's limit when
    /// there is one, else the whole machine.
    pub fn cpu_effective(&self) -> f64 {
        self.cgroup
            .as_ref()
            .and_then(|c| c.cpu_percent_of_limit)
            .unwrap_or(self.cpu_percent as f64)
    }

    /// Memory use against the cgroup's `memory.max` when there is one.
    pub fn memory_effective(&self) -> f64 {
        match &self.cgroup {
            Some(CgroupUse {
                memory_max: Some(max),
                memory_current: Some(cur),
                ..
            }) if *max > 0 => percent(*cur, *max),
            _ => percent(self.mem_used, self.mem_total),
        }
    }

    /// The fullest disk.
    pub fn fullest_disk(&self) -> Option<&DiskUse> {
        self.disks
            .iter()
            .max_by(|a, b| a.percent().total_cmp(&b.percent()))
    }

    /// The value a playbook threshold's metric names (`cpu`, `memory`,
    /// `disk`, `load`), as the pane shows it.
    pub fn metric(&self, name: &str) -> Option<f64> {
        match name.to_ascii_lowercase().as_str() {
            "cpu" => Some(self.cpu_effective()),
            "memory" | "mem" => Some(self.memory_effective()),
            "disk" => self.fullest_disk().map(DiskUse::percent),
            "load" => Some(self.load[0]),
            "swap" => Some(percent(self.swap_used, self.swap_total)),
            _ => None,
        }
    }
}

/// The state of the Alertmanager source, for the line in its pane.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceHealth {
    /// Where it polls (shown without credentials).
    pub url: String,
    /// The last successful poll.
    pub last_ok: Option<DateTime<Utc>>,
    /// The first failure since the last success.
    pub stale_since: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// When the next attempt is due after a failure.
    pub retry_at: Option<DateTime<Utc>>,
    pub took_ms: u64,
}

/// Alertmanager as the cockpit sees it, beside the alerts themselves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlertFeed {
    pub health: SourceHealth,
    /// Silences Alertmanager lists (active and pending; expired ones left
    /// out), soonest to end first.
    pub silences: Vec<crate::alerts::silence::Silence>,
    /// Fingerprints with a firing or resolved record on its way.
    pub pending: std::collections::BTreeSet<String>,
    /// Silence actions confirmed here, waiting for their request record to
    /// be durable before they are sent.
    pub ops: std::collections::BTreeMap<String, crate::alerts::silence::AmCommand>,
    /// Silence actions sent to Alertmanager, waiting for its answer.
    pub inflight: std::collections::BTreeMap<String, crate::alerts::silence::AmCommand>,
    /// Silences whose expiry warning was flashed already.
    pub warned: std::collections::BTreeSet<String>,
    /// Requests counter, for ids.
    pub counter: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    pub pods: Vec<Pod>,
    pub alerts: Vec<Alert>,
    pub figures: Vec<Figure>,
    pub host: Option<HostSnapshot>,
    pub host_error: Option<String>,
    pub feed: AlertFeed,
    /// The Prometheus source of the service's figures (live incidents).
    pub prometheus: super::figures::PromFeed,
    /// The severity criteria the figures meet now, by criterion
    /// (`P1/0`): a new one of a higher severity is suggested once.
    pub criteria: std::collections::BTreeMap<String, super::figures::Crossing>,
    /// The playbook's host thresholds: how long each has been over.
    pub thresholds: crate::state::thresholds::Clocks,
    /// The live Kubernetes source, when one watches the pods.
    pub kube: Option<super::kube::KubeView>,
    /// Pod labels by pod name (a drill's pods carry them; a rollout
    /// replaces the pods its selector matches).
    pub labels: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// Counts every change to `pods` (which, their order, their status or
    /// restarts), so what is derived from them is computed again only when
    /// it changed (`view::pods::refresh`).
    pub pods_rev: u64,
    /// The ready count at a pods revision (read on every clock tick).
    pub ready_at: Memo,
    /// The pods revision at which `pods` were last known to be in live
    /// order (pods in trouble first, then by name: what `sort_pods` and the
    /// live source keep), so the pane shows them as they are instead of
    /// sorting them again after every watch event.
    pub in_order: Mark,
    /// Counts every change to `alerts` (see `pods_rev`).
    pub alerts_rev: u64,
    /// How the timeline stands with the shared store (`None`: local files
    /// only).
    pub sharing: Option<crate::timeline::Sharing>,
    /// Rollouts and HTTP answers, which only `verify:` conditions use.
    pub checks: super::verify::Checks,
}

/// A value remembered so it is not computed again (the ready count at a
/// pods revision). Not part of what was observed: two seats that saw the
/// same are equal whatever each remembers.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memo(pub Option<(u64, u32)>);

impl PartialEq for Memo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A pods revision remembered (see `Observed::in_order`); like `Memo`, not
/// part of what was observed.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mark(pub Option<u64>);

impl PartialEq for Mark {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Observed {
    /// How many pods are ready: counted once per change of the pods.
    pub fn ready(&mut self) -> u32 {
        match self.ready_at.0 {
            Some((rev, n)) if rev == self.pods_rev => n,
            _ => {
                let n = self.pods.iter().filter(|p| is_ready(&p.ready)).count() as u32;
                self.ready_at = Memo(Some((self.pods_rev, n)));
                n
            }
        }
    }

    /// Applies a drill pod spec (create or patch); returns the timeline
    /// event when the change matters to the record.
    pub fn apply_pod(&mut self, spec: &PodSpec, now: DateTime<Utc>) -> Option<Event> {
        self.pods_rev += 1;
        if !spec.labels.is_empty() {
            self.labels
                .entry(spec.name.clone())
                .or_default()
                .extend(spec.labels.clone());
        }
        let age = spec
            .age
            .as_ref()
            .and_then(|a| parse_duration(&a.value).ok())
            .and_then(|d| TimeDelta::from_std(d).ok());
        match self.pods.iter_mut().find(|p| p.name == spec.name) {
            Some(pod) => {
                let before = pod.clone();
                if let Some(r) = &spec.ready {
                    pod.ready = r.clone();
                }
                if let Some(s) = &spec.status {
                    pod.status = s.clone();
                }
                if let Some(r) = spec.restarts {
                    pod.restarts = r;
                }
                if let Some(n) = &spec.node {
                    pod.node = Some(n.clone());
                }
                if let Some(a) = age {
                    pod.created = now - a;
                }
                let ev = significant_pod_change(&before, pod);
                self.sort_pods();
                ev
            }
            None => {
                let pod = Pod {
                    name: spec.name.clone(),
                    ready: spec.ready.clone().unwrap_or_else(|| "0/1".into()),
                    status: spec.status.clone().unwrap_or_else(|| "Pending".into()),
                    restarts: spec.restarts.unwrap_or(0),
                    last_restart: None,
                    created: now - age.unwrap_or_default(),
                    node: spec.node.clone(),
                    phase: None,
                };
                let ev = Event::PodChanged {
                    pod: pod.name.clone(),
                    from: "(none)".into(),
                    to: pod.status.clone(),
                };
                self.pods.push(pod);
                self.sort_pods();
                Some(ev)
            }
        }
    }

    pub fn delete_pod(&mut self, name: &str) -> Option<Event> {
        self.pods_rev += 1;
        let idx = self.pods.iter().position(|p| p.name == name)?;
        let pod = self.pods.remove(idx);
        // A removal keeps the order.
        if self.in_order.0 == Some(self.pods_rev - 1) {
            self.in_order = Mark(Some(self.pods_rev));
        }
        self.labels.remove(&pod.name);
        Some(Event::PodChanged {
            pod: pod.name,
            from: pod.status,
            to: "deleted".into(),
        })
    }

    /// Pods in trouble first, then by name, so the rows that matter are
    /// the ones a small pane shows.
    fn sort_pods(&mut self) {
        self.pods
            .sort_by(|a, b| pod_rank(a).cmp(&pod_rank(b)).then(a.name.cmp(&b.name)));
        self.in_order = Mark(Some(self.pods_rev));
    }

    /// Fires (or refreshes) an alert; returns an event when it is new.
    pub fn fire_alert(&mut self, spec: &AlertSpec, now: DateTime<Utc>) -> Option<Event> {
        self.alerts_rev += 1;
        let since = spec
            .since
            .as_ref()
            .and_then(|s| parse_duration(&s.value).ok())
            .and_then(|d| TimeDelta::from_std(d).ok())
            .map_or(now, |d| now - d);
        if let Some(a) = self
            .alerts
            .iter_mut()
            .find(|a| a.alertname == spec.alertname)
        {
            a.severity = spec.severity.clone();
            a.summary = spec.summary.clone();
            return None;
        }
        let mut annotations = std::collections::BTreeMap::new();
        if !spec.summary.is_empty() {
            annotations.insert("summary".to_string(), spec.summary.clone());
        }
        self.alerts.push(Alert {
            alertname: spec.alertname.clone(),
            severity: spec.severity.clone(),
            summary: spec.summary.clone(),
            since,
            labels: spec.labels.clone(),
            annotations,
            ..Alert::default()
        });
        crate::alerts::group::sort(&mut self.alerts);
        Some(Event::AlertFiring {
            alertname: spec.alertname.clone(),
            severity: spec.severity.clone(),
            summary: spec.summary.clone(),
            fingerprint: String::new(),
            since: None,
        })
    }

    pub fn resolve_alert(&mut self, alertname: &str) -> Option<Event> {
        self.alerts_rev += 1;
        let idx = self.alerts.iter().position(|a| a.alertname == alertname)?;
        self.alerts.remove(idx);
        Some(Event::AlertResolved {
            alertname: alertname.to_string(),
            fingerprint: String::new(),
        })
    }

    pub fn set_figures(&mut self, figures: &[FigureSpec]) {
        for f in figures {
            match self.figures.iter_mut().find(|x| x.name == f.name) {
                Some(x) => {
                    x.value = f.value;
                    x.stale = None;
                    if let Some(u) = &f.unit {
                        x.unit = u.clone();
                    }
                }
                None => self.figures.push(Figure {
                    name: f.name.clone(),
                    value: f.value,
                    unit: f.unit.clone().unwrap_or_default(),
                    stale: None,
                }),
            }
        }
    }
}

impl World for Observed {
    fn pod_names(&self) -> Vec<String> {
        self.pods.iter().map(|p| p.name.clone()).collect()
    }
    fn pod_labels(&self, pod: &str) -> Option<&std::collections::BTreeMap<String, String>> {
        self.labels.get(pod)
    }
    fn apply_pod(&mut self, spec: &PodSpec, at: DateTime<Utc>) -> Option<Event> {
        Observed::apply_pod(self, spec, at)
    }
    fn delete_pod(&mut self, name: &str) -> Option<Event> {
        Observed::delete_pod(self, name)
    }
    fn fire_alert(&mut self, spec: &AlertSpec, at: DateTime<Utc>) -> Option<Event> {
        Observed::fire_alert(self, spec, at)
    }
    fn resolve_alert(&mut self, alertname: &str) -> Option<Event> {
        Observed::resolve_alert(self, alertname)
    }
    fn set_figures(&mut self, figures: &[FigureSpec]) {
        Observed::set_figures(self, figures)
    }
    fn set_workload(&mut self, spec: &crate::drill::scenario::WorkloadSpec) {
        let Some(key) = spec.key() else { return };
        let n = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        self.checks.rollouts.insert(
            key,
            super::verify::Rollout {
                generation: 1,
                observed_generation: 1,
                replicas: n(spec.replicas),
                updated: n(spec.updated()),
                available: n(spec.available()),
                ready: n(spec.available()),
                stalled: spec.stalled.clone(),
            },
        );
    }
    fn set_http(&mut self, spec: &crate::drill::scenario::HttpSpec, at: DateTime<Utc>) {
        self.checks.http.insert(
            spec.url.value.clone(),
            super::verify::HttpAnswer {
                status: spec.status,
                error: spec.error.clone(),
                took_ms: 0,
                at,
            },
        );
    }
}

/// 0: alarming, 1: not running, 2: running but not ready, 3: healthy.
pub fn pod_rank(p: &Pod) -> u8 {
    if is_alarming(&p.status) {
        0
    } else if p.status != "Running" && p.status != "Completed" {
        1
    } else if !is_ready(&p.ready) {
        2
    } else {
        3
    }
}

/// `2/2` is ready, `1/2` is not.
pub fn is_ready(ready: &str) -> bool {
    match ready.split_once('/') {
        Some((a, b)) => a == b,
        None => false,
    }
}

/// Statuses that always matter to the record when a pod enters them.
pub fn is_alarming(status: &str) -> bool {
    matches!(
        status,
        "CrashLoopBackOff"
            | "OOMKilled"
            | "Failed"
            | "Evicted"
            | "Error"
            | "ImagePullBackOff"
            | "ErrImagePull"
            | "CreateContainerConfigError"
    ) || status.starts_with("Init:CrashLoopBackOff")
        || status.starts_with("Init:Error")
}

/// A pod change is recorded when its status changes or it was restarted
/// (a younger pod of the same name); readiness flaps and restart counts
/// alone are observations, not records.
pub fn significant_pod_change(before: &Pod, after: &Pod) -> Option<Event> {
    if before.status != after.status {
        return Some(Event::PodChanged {
            pod: after.name.clone(),
            from: before.status.clone(),
            to: after.status.clone(),
        });
    }
    if after.created > before.created {
        return Some(Event::PodChanged {
            pod: after.name.clone(),
            from: before.status.clone(),
            to: "restarted".into(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, status: Option<&str>, age: Option<&str>) -> PodSpec {
        PodSpec {
            name: name.into(),
            ready: None,
            status: status.map(Into::into),
            restarts: None,
            age: age.map(|a| crate::playbook::model::At::new(a.into())),
            node: None,
            labels: Default::default(),
        }
    }

    #[test]
    fn pod_entering_crashloop_is_recorded_once() {
        let now = Utc::now();
        let mut o = Observed::default();
        assert!(
            o.apply_pod(&spec("a", Some("Running"), Some("3d")), now)
                .is_some()
        );
        let ev = o.apply_pod(&spec("a", Some("CrashLoopBackOff"), None), now);
        assert_eq!(
            ev,
            Some(Event::PodChanged {
                pod: "a".into(),
                from: "Running".into(),
                to: "CrashLoopBackOff".into()
            })
        );
        assert_eq!(
            o.apply_pod(&spec("a", Some("CrashLoopBackOff"), None), now),
            None
        );
        assert!(is_alarming("CrashLoopBackOff"));
    }

    #[test]
    fn a_restart_is_recorded() {
        let now = Utc::now();
        let mut o = Observed::default();
        o.apply_pod(&spec("a", Some("Running"), Some("3d")), now);
        let ev = o.apply_pod(&spec("a", None, Some("0s")), now).unwrap();
        assert!(matches!(ev, Event::PodChanged { ref to, .. } if to == "restarted"));
        assert_eq!(o.pods[0].created, now);
    }

    #[test]
    fn alerts_most_severe_then_newest_first() {
        let now = Utc::now();
        let mut o = Observed::default();
        let a = |n: &str, s: &str, since: &str| AlertSpec {
            alertname: n.into(),
            severity: s.into(),
            summary: String::new(),
            since: Some(crate::playbook::model::At::new(since.into())),
            labels: Default::default(),
        };
        o.fire_alert(&a("Warn", "warning", "1m"), now);
        o.fire_alert(&a("OldCrit", "critical", "10m"), now);
        o.fire_alert(&a("NewCrit", "critical", "1m"), now);
        let names: Vec<_> = o.alerts.iter().map(|a| a.alertname.as_str()).collect();
        assert_eq!(names, vec!["NewCrit", "OldCrit", "Warn"]);
        assert!(
            o.fire_alert(&a("Warn", "warning", "1m"), now).is_none(),
            "refiring is not new"
        );
        assert!(o.resolve_alert("Warn").is_some());
        assert!(o.resolve_alert("Warn").is_none());
    }
}
