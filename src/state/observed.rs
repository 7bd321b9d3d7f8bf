//! Live observations: what the cluster, the alert feed, the service figures
//! and the host look like now. Not the record: only significant changes are
//! turned into timeline events (see `significant_*`).

use crate::drill::scenario::{AlertSpec, FigureSpec, PodSpec};
use crate::time::parse_duration;
use crate::timeline::Event;
use chrono::{DateTime, TimeDelta, Utc};

#[derive(Clone, Debug, PartialEq)]
pub struct Pod {
    pub name: String,
    pub ready: String,
    pub status: String,
    pub restarts: u32,
    pub created: DateTime<Utc>,
    pub node: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    pub alertname: String,
    pub severity: String,
    pub summary: String,
    pub since: DateTime<Utc>,
    pub labels: std::collections::BTreeMap<String, String>,
}

impl Alert {
    /// A label's value; `alertname` and `severity` count as labels.
    pub fn label(&self, name: &str) -> Option<&str> {
        match name {
            "alertname" => Some(&self.alertname),
            "severity" => Some(&self.severity),
            other => self.labels.get(other).map(String::as_str),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: String,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct HostSnapshot {
    pub hostname: String,
    pub cpu_percent: f32,
    pub cpus: usize,
    pub mem_used: u64,
    pub mem_total: u64,
    pub load: [f64; 3],
    pub disk_used: u64,
    pub disk_total: u64,
    pub disk_mount: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    pub pods: Vec<Pod>,
    pub alerts: Vec<Alert>,
    pub figures: Vec<Figure>,
    pub host: Option<HostSnapshot>,
    pub host_error: Option<String>,
    /// Pod labels by pod name (a drill's pods carry them; a rollout
    /// replaces the pods its selector matches).
    pub labels: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
}

/// Alert severity labels, most severe first.
pub fn alert_rank(severity: &str) -> u8 {
    match severity.to_ascii_lowercase().as_str() {
        "critical" | "page" | "p0" | "emergency" => 0,
        "high" | "error" | "major" | "p1" => 1,
        "warning" | "warn" | "medium" | "p2" => 2,
        "info" | "low" | "minor" | "p3" => 3,
        _ => 4,
    }
}

impl Observed {
    /// Applies a drill pod spec (create or patch); returns the timeline
    /// event when the change matters to the record.
    pub fn apply_pod(&mut self, spec: &PodSpec, now: DateTime<Utc>) -> Option<Event> {
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
                    created: now - age.unwrap_or_default(),
                    node: spec.node.clone(),
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
        let idx = self.pods.iter().position(|p| p.name == name)?;
        let pod = self.pods.remove(idx);
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
    }

    /// Fires (or refreshes) an alert; returns an event when it is new.
    pub fn fire_alert(&mut self, spec: &AlertSpec, now: DateTime<Utc>) -> Option<Event> {
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
        self.alerts.push(Alert {
            alertname: spec.alertname.clone(),
            severity: spec.severity.clone(),
            summary: spec.summary.clone(),
            since,
            labels: spec.labels.clone(),
        });
        self.sort_alerts();
        Some(Event::AlertFiring {
            alertname: spec.alertname.clone(),
            severity: spec.severity.clone(),
            summary: spec.summary.clone(),
        })
    }

    pub fn resolve_alert(&mut self, alertname: &str) -> Option<Event> {
        let idx = self.alerts.iter().position(|a| a.alertname == alertname)?;
        self.alerts.remove(idx);
        Some(Event::AlertResolved {
            alertname: alertname.to_string(),
        })
    }

    /// Most severe first, then newest first.
    fn sort_alerts(&mut self) {
        self.alerts.sort_by(|a, b| {
            alert_rank(&a.severity)
                .cmp(&alert_rank(&b.severity))
                .then(b.since.cmp(&a.since))
                .then(a.alertname.cmp(&b.alertname))
        });
    }

    pub fn set_figures(&mut self, figures: &[FigureSpec]) {
        for f in figures {
            match self.figures.iter_mut().find(|x| x.name == f.name) {
                Some(x) => {
                    x.value = f.value;
                    if let Some(u) = &f.unit {
                        x.unit = u.clone();
                    }
                }
                None => self.figures.push(Figure {
                    name: f.name.clone(),
                    value: f.value,
                    unit: f.unit.clone().unwrap_or_default(),
                }),
            }
        }
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
