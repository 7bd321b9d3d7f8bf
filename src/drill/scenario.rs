//! The scenario format (`assets/scenarios/*.yaml`): which playbook and
//! procedure, the starting pods, alerts and service figures, a timed script
//! of injects, and what the team's commands "print" (nothing is executed).
//!
//! A scenario is read like a playbook: the YAML is validated against the
//! format's JSON Schema over a located tree (every problem as
//! `file:line:column`), then checked for what a schema cannot say
//! (durations, regular expressions, an inject that does nothing, a pod or
//! alert an inject names that does not exist at that moment), and, once its
//! playbook is known, against the playbook (procedure and severity).

use crate::playbook::Playbook;
use crate::playbook::load::{LoadError, read_against};
use crate::playbook::model::At;
use crate::time::parse_duration;
use crate::timeline::Event;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

/// The scenarios compiled into the binary, by name.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "api-outage",
        include_str!("../../assets/scenarios/api-outage.yaml"),
    ),
    (
        "data-breach",
        include_str!("../../assets/scenarios/data-breach.yaml"),
    ),
    (
        "zk-circuit-compromise",
        include_str!("../../assets/scenarios/zk-circuit-compromise.yaml"),
    ),
    ("ddos", include_str!("../../assets/scenarios/ddos.yaml")),
    (
        "database-failure",
        include_str!("../../assets/scenarios/database-failure.yaml"),
    ),
    (
        "data-corruption",
        include_str!("../../assets/scenarios/data-corruption.yaml"),
    ),
    (
        "service-recovery",
        include_str!("../../assets/scenarios/service-recovery.yaml"),
    ),
    (
        "cryptographic-vulnerability",
        include_str!("../../assets/scenarios/cryptographic-vulnerability.yaml"),
    ),
    (
        "performance-degradation",
        include_str!("../../assets/scenarios/performance-degradation.yaml"),
    ),
    (
        "supply-chain-compromise",
        include_str!("../../assets/scenarios/supply-chain-compromise.yaml"),
    ),
    (
        "initial-response",
        include_str!("../../assets/scenarios/initial-response.yaml"),
    ),
    (
        "access-verification",
        include_str!("../../assets/scenarios/access-verification.yaml"),
    ),
    (
        "technical-investigation",
        include_str!("../../assets/scenarios/technical-investigation.yaml"),
    ),
    (
        "security-investigation",
        include_str!("../../assets/scenarios/security-investigation.yaml"),
    ),
    (
        "data-recovery",
        include_str!("../../assets/scenarios/data-recovery.yaml"),
    ),
];

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short id (`api-outage`); part of the drill's id.
    pub name: String,
    pub title: String,
    /// What the facilitator tells the players before the clock starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A bundled playbook name (`dicps.yaml`) or a path relative to the
    /// scenario file.
    pub playbook: String,
    /// The playbook's procedure the team works.
    pub procedure: At<String>,
    /// The severity the drill is declared at (a playbook severity id).
    pub severity: At<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ic: Option<String>,
    /// Service figures at the start (simulated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<FigureSpec>,
    /// Pods at the start.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pods: Vec<PodSpec>,
    /// Alerts firing at the start.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<AlertSpec>,
    /// What happens, when (drill time from the start).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub injects: Vec<Inject>,
    /// Canned output for commands the team runs (nothing is executed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<Canned>,
    /// Where the scenario was read from (for messages).
    #[serde(skip)]
    pub file: String,
}

/// What a command "prints" in a drill.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CannedOutput")]
pub struct Canned {
    /// A regular expression searched in the command line as resolved
    /// (parameters filled in, secrets redacted).
    #[serde(rename = "match")]
    pub pattern: At<String>,
    #[serde(default)]
    pub output: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub exit: i32,
    /// Only from this drill time on (`90s`): output changes after an
    /// inject, as `kubectl get pods` does after a rollback. The last entry
    /// that matches and is due wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<At<String>>,
}

fn is_zero(v: &i32) -> bool {
    *v == 0
}

impl Scenario {
    /// The canned answer for a command at a drill time: the last entry that
    /// matches and is due.
    pub fn canned_for<'a>(
        canned: &'a [Canned],
        command: &str,
        elapsed: Duration,
    ) -> Option<&'a Canned> {
        canned
            .iter()
            .rev()
            .filter(|c| {
                c.after
                    .as_ref()
                    .and_then(|a| parse_duration(&a.value).ok())
                    .is_none_or(|a| a <= elapsed)
            })
            .find(|c| regex::Regex::new(&c.pattern.value).is_ok_and(|re| re.is_match(command)))
    }
}

/// A service figure (`Error rate 58.2 %`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Figure")]
pub struct FigureSpec {
    pub name: String,
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// A pod as the drill shows it. In an inject, only `name` is required:
/// the fields given change, `age` restarts the pod's clock; a name not
/// seen before makes a new pod.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Pod")]
pub struct PodSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restarts: Option<u32>,
    /// How old the pod is (`3d`); in an inject, `0s` is a restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The pod's labels (`app: dicps-api`); a rollout replaces the pods
    /// its selector matches.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Alert")]
pub struct AlertSpec {
    pub alertname: String,
    #[serde(default = "default_severity")]
    pub severity: String,
    #[serde(default)]
    pub summary: String,
    /// How long it has been firing at the start (initial alerts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<At<String>>,
    /// More labels (namespace, pod, service...), for commands that use
    /// `from: alert.<label>`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

fn default_severity() -> String {
    "warning".into()
}

/// A message from a stakeholder (support, an executive, a customer).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub from: String,
    pub text: String,
}

/// A new ReplicaSet replacing the pods a selector matches: the matching
/// pods go, `replicas` new pods named `NAME-xxxxx` come (the suffix is
/// derived from the name, so every seat shows the same pods).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rollout {
    /// Which pods the rollout replaces: `app=dicps-api` (labels, comma
    /// separated, all must match).
    pub selector: At<String>,
    /// The new ReplicaSet's name (`dicps-api-5f7c9b8d4`).
    pub name: String,
    pub replicas: u32,
    /// The new pods' readiness (default `1/1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<String>,
    /// The new pods' status (default `Running`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Labels beyond the selector's (`version: v2.4.0`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// A Deployment's or StatefulSet's rollout as a drill makes it observed,
/// for `verify: rollout` conditions: `{workload: deployment/dicps-api,
/// replicas: 3, updated: 3}` is complete; fewer updated, or `stalled`,
/// is not.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSpec {
    /// `deployment/NAME` or `statefulset/NAME`.
    pub workload: At<String>,
    pub replicas: u32,
    /// Updated replicas (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<u32>,
    /// Available (and ready) replicas (default: as updated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<u32>,
    /// Why the rollout does not progress (`ProgressDeadlineExceeded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stalled: Option<String>,
}

impl WorkloadSpec {
    pub fn updated(&self) -> u32 {
        self.updated.unwrap_or(self.replicas)
    }
    pub fn available(&self) -> u32 {
        self.available.unwrap_or(self.updated())
    }
    /// `deployment/dicps-api`, as conditions name it (None: not a
    /// workload; refused when the scenario loads).
    pub fn key(&self) -> Option<String> {
        crate::playbook::verify::parse_rollout(&self.workload.value)
            .map(|(k, n)| format!("{}/{n}", k.name()))
    }
}

/// What an HTTP GET of a `verify: http` condition answers in a drill
/// (nothing is sent): a status, or an error (`timed out`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpSpec {
    pub url: At<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What happens at one moment of the drill; several things may happen at
/// once.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    /// When, in drill time from the start (`45s`, `2m`, `12m30s`).
    pub at: At<String>,
    /// A pod changes (or appears).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<PodSpec>,
    /// A pod goes away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_deleted: Option<At<String>>,
    /// A rollout replaces pods with new ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
    /// An alert fires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<AlertSpec>,
    /// An alert resolves (by alertname).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_resolved: Option<At<String>>,
    /// Figures change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<FigureSpec>,
    /// A stakeholder message arrives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    /// Deployments' or StatefulSets' rollouts as now observed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<WorkloadSpec>,
    /// What HTTP GETs answer from now on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub http: Vec<HttpSpec>,
}

/// `app=x,tier=api` as pairs.
pub fn parse_selector(sel: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in sel.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once("==")
            .or_else(|| part.split_once('='))
            .ok_or_else(|| format!("selector {sel:?}: {part:?} is not label=value"))?;
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() || k.contains(['!', ' ']) {
            return Err(format!("selector {sel:?}: {part:?} is not label=value"));
        }
        out.push((k.to_string(), v.to_string()));
    }
    if out.is_empty() {
        return Err(format!(
            "selector {sel:?} is empty (expected label=value,...)"
        ));
    }
    Ok(out)
}

/// Whether labels carry every pair of a selector.
pub fn selector_matches(pairs: &[(String, String)], labels: &BTreeMap<String, String>) -> bool {
    pairs.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// A pod-name suffix as a ReplicaSet makes them (five characters from
/// kube's alphabet), derived from the name and the replica's index.
fn pod_suffix(name: &str, i: u32) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    // FNV-1a: stable across builds and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{name}#{i}").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..5)
        .map(|_| {
            let c = ALPHABET[(h % ALPHABET.len() as u64) as usize] as char;
            h /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

impl Rollout {
    /// The new pods, named and labelled.
    pub fn pods(&self) -> Vec<PodSpec> {
        let mut labels: BTreeMap<String, String> = parse_selector(&self.selector.value)
            .unwrap_or_default()
            .into_iter()
            .collect();
        labels.extend(self.labels.clone());
        let mut names: Vec<String> = Vec::new();
        let mut salt = 0;
        while names.len() < self.replicas as usize {
            let n = format!(
                "{}-{}",
                self.name,
                pod_suffix(&self.name, names.len() as u32 + salt)
            );
            if names.contains(&n) {
                salt += 1000;
                continue;
            }
            names.push(n);
        }
        names
            .into_iter()
            .map(|name| PodSpec {
                name,
                ready: Some(self.ready.clone().unwrap_or_else(|| "1/1".into())),
                status: Some(self.status.clone().unwrap_or_else(|| "Running".into())),
                restarts: Some(0),
                age: Some(At::new("0s".into())),
                node: None,
                labels: labels.clone(),
            })
            .collect()
    }
}

fn trim_float(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

impl Inject {
    pub fn offset(&self) -> Duration {
        parse_duration(&self.at.value).unwrap_or_default()
    }

    fn does_nothing(&self) -> bool {
        self.pod.is_none()
            && self.pod_deleted.is_none()
            && self.rollout.is_none()
            && self.alert.is_none()
            && self.alert_resolved.is_none()
            && self.figures.is_empty()
            && self.message.is_none()
            && self.workloads.is_empty()
            && self.http.is_empty()
    }

    /// What it does, in one line (for the facilitator and the report).
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = &self.rollout {
            parts.push(format!(
                "rollout {} ({} pods) replaces {}",
                r.name, r.replicas, r.selector.value
            ));
        }
        if let Some(p) = &self.pod_deleted {
            parts.push(format!("pod {} deleted", p.value));
        }
        if let Some(p) = &self.pod {
            let mut what = Vec::new();
            if let Some(s) = &p.status {
                what.push(s.clone());
            }
            if let Some(r) = &p.ready {
                what.push(format!("ready {r}"));
            }
            if let Some(r) = p.restarts {
                what.push(format!("restarts {r}"));
            }
            if p.age.as_ref().is_some_and(|a| a.value.trim() == "0s") {
                what.push("restarted".into());
            }
            parts.push(format!("pod {}: {}", p.name, what.join(", ")));
        }
        if let Some(a) = &self.alert {
            parts.push(format!("alert {} ({}) fires", a.alertname, a.severity));
        }
        if let Some(a) = &self.alert_resolved {
            parts.push(format!("alert {} resolves", a.value));
        }
        if !self.figures.is_empty() {
            let figs: Vec<String> = self
                .figures
                .iter()
                .map(|f| {
                    format!(
                        "{} {}{}",
                        f.name,
                        trim_float(f.value),
                        f.unit.as_deref().unwrap_or("")
                    )
                })
                .collect();
            parts.push(format!("figures: {}", figs.join(", ")));
        }
        for w in &self.workloads {
            let mut t = format!(
                "{} {}/{} updated",
                w.workload.value,
                w.updated(),
                w.replicas
            );
            if w.stalled.is_some() {
                t.push_str(", stalled");
            }
            parts.push(t);
        }
        for h in &self.http {
            parts.push(match (h.status, &h.error) {
                (Some(code), _) => format!("{} answers {code}", h.url.value),
                (None, Some(e)) => format!("{}: {e}", h.url.value),
                (None, None) => format!("{}: no answer", h.url.value),
            });
        }
        if let Some(m) = &self.message {
            parts.push(format!("message from {}: {}", m.from, m.text));
        }
        parts.join("; ")
    }

    /// Applies the inject to what the cockpit observes at `at`; returns
    /// what matters to the record (pod and alert changes, the message).
    pub fn apply<W: World>(&self, o: &mut W, at: DateTime<Utc>) -> Vec<Event> {
        let mut events = Vec::new();
        if let Some(r) = &self.rollout {
            let pairs = parse_selector(&r.selector.value).unwrap_or_default();
            let old: Vec<String> = o
                .pod_names()
                .into_iter()
                .filter(|p| o.pod_labels(p).is_some_and(|l| selector_matches(&pairs, l)))
                .collect();
            for name in old {
                events.extend(o.delete_pod(&name));
            }
            for p in r.pods() {
                events.extend(o.apply_pod(&p, at));
            }
        }
        if let Some(name) = &self.pod_deleted {
            events.extend(o.delete_pod(&name.value));
        }
        if let Some(p) = &self.pod {
            events.extend(o.apply_pod(p, at));
        }
        if let Some(a) = &self.alert {
            events.extend(o.fire_alert(a, at));
        }
        if let Some(name) = &self.alert_resolved {
            events.extend(o.resolve_alert(&name.value));
        }
        o.set_figures(&self.figures);
        for w in &self.workloads {
            o.set_workload(w);
        }
        for h in &self.http {
            o.set_http(h, at);
        }
        if let Some(m) = &self.message {
            events.push(Event::Message {
                from: m.from.clone(),
                text: m.text.clone(),
            });
        }
        events
    }
}

/// What an inject changes: the pods, alerts and figures a seat observes.
/// The cockpit's is `state::Observed`; `play_through` checks a script on a
/// bare one of its own (`Sim`), so the format knows no state.
pub trait World {
    /// The pods there now.
    fn pod_names(&self) -> Vec<String>;
    /// A pod's labels, as the scenario gave them.
    fn pod_labels(&self, pod: &str) -> Option<&BTreeMap<String, String>>;
    /// Creates or patches a pod; the event when it matters to the record.
    fn apply_pod(&mut self, spec: &PodSpec, at: DateTime<Utc>) -> Option<Event>;
    fn delete_pod(&mut self, name: &str) -> Option<Event>;
    /// Fires or refreshes an alert; the event when it is new.
    fn fire_alert(&mut self, spec: &AlertSpec, at: DateTime<Utc>) -> Option<Event>;
    fn resolve_alert(&mut self, alertname: &str) -> Option<Event>;
    fn set_figures(&mut self, figures: &[FigureSpec]);
    /// A rollout as now observed (only `verify:` conditions look).
    fn set_workload(&mut self, _spec: &WorkloadSpec) {}
    /// What an HTTP GET answers from now on.
    fn set_http(&mut self, _spec: &HttpSpec, _at: DateTime<Utc>) {}
}

/// Which pods (with their labels) and alerts a script has made so far.
#[derive(Default)]
struct Sim {
    pods: BTreeMap<String, BTreeMap<String, String>>,
    alerts: std::collections::BTreeSet<String>,
}

impl World for Sim {
    fn pod_names(&self) -> Vec<String> {
        self.pods.keys().cloned().collect()
    }
    fn pod_labels(&self, pod: &str) -> Option<&BTreeMap<String, String>> {
        self.pods.get(pod)
    }
    fn apply_pod(&mut self, spec: &PodSpec, _: DateTime<Utc>) -> Option<Event> {
        self.pods
            .entry(spec.name.clone())
            .or_default()
            .extend(spec.labels.clone());
        None
    }
    fn delete_pod(&mut self, name: &str) -> Option<Event> {
        self.pods.remove(name);
        None
    }
    fn fire_alert(&mut self, spec: &AlertSpec, _: DateTime<Utc>) -> Option<Event> {
        self.alerts.insert(spec.alertname.clone());
        None
    }
    fn resolve_alert(&mut self, alertname: &str) -> Option<Event> {
        self.alerts.remove(alertname);
        None
    }
    fn set_figures(&mut self, _: &[FigureSpec]) {}
}

/// The JSON Schema of the scenario format.
pub fn schema() -> schemars::Schema {
    schemars::schema_for!(Scenario)
}

fn schema_json() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::to_value(schema()).unwrap_or_default())
}

/// The most pods one rollout makes.
pub const MAX_REPLICAS: u32 = 100;

fn placed<T>(file: &str, at: &At<T>, msg: impl std::fmt::Display) -> String {
    format!("{file}:{}:{}: {msg}", at.line, at.col)
}

impl Scenario {
    /// Checks what the schema cannot: durations, regular expressions,
    /// selectors, an inject that does nothing, and (playing the script)
    /// an inject that names a pod or alert not there at that moment.
    fn check(&self) -> Result<(), LoadError> {
        let file = self.file.as_str();
        let mut problems = Vec::new();
        let duration = |at: &At<String>, problems: &mut Vec<String>| {
            if let Err(e) = parse_duration(&at.value) {
                problems.push(placed(file, at, e));
            }
        };
        for p in &self.pods {
            if let Some(a) = &p.age {
                duration(a, &mut problems);
            }
        }
        for a in &self.alerts {
            if let Some(s) = &a.since {
                duration(s, &mut problems);
            }
        }
        for inj in &self.injects {
            duration(&inj.at, &mut problems);
            if inj.does_nothing() {
                problems.push(placed(
                    file,
                    &inj.at,
                    "this inject does nothing (expected one of pod, pod_deleted, rollout, alert, alert_resolved, figures, message, workloads, http)",
                ));
            }
            for w in &inj.workloads {
                if w.key().is_none() {
                    problems.push(placed(
                        file,
                        &w.workload,
                        format!(
                            "workload {:?}: expected deployment/NAME or statefulset/NAME",
                            w.workload.value
                        ),
                    ));
                } else if w.updated() > w.replicas || w.available() > w.replicas {
                    problems.push(placed(
                        file,
                        &w.workload,
                        "workload: more updated or available replicas than replicas",
                    ));
                }
            }
            for h in &inj.http {
                if h.status.is_none() == h.error.is_none() {
                    problems.push(placed(
                        file,
                        &h.url,
                        "http: give exactly one of status (200) or error (\"timed out\")",
                    ));
                }
                if h.status.is_some_and(|c| !(100..=599).contains(&c)) {
                    problems.push(placed(file, &h.url, "http: status must be 100-599"));
                }
            }
            if let Some(a) = inj.pod.as_ref().and_then(|p| p.age.as_ref()) {
                duration(a, &mut problems);
            }
            if let Some(a) = inj.alert.as_ref().and_then(|a| a.since.as_ref()) {
                duration(a, &mut problems);
            }
            if let Some(r) = &inj.rollout {
                if let Err(e) = parse_selector(&r.selector.value) {
                    problems.push(placed(file, &r.selector, e));
                }
                if r.replicas == 0 || r.replicas > MAX_REPLICAS {
                    problems.push(placed(
                        file,
                        &r.selector,
                        format!(
                            "a rollout of {} replicas (expected 1 to {MAX_REPLICAS}: every seat shows each pod)",
                            r.replicas
                        ),
                    ));
                }
            }
        }
        for c in &self.commands {
            if let Err(e) = regex::Regex::new(&c.pattern.value) {
                let first = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                problems.push(placed(
                    file,
                    &c.pattern,
                    format!(
                        "match pattern {:?} does not compile ({first})",
                        c.pattern.value
                    ),
                ));
            }
            if let Some(a) = &c.after {
                duration(a, &mut problems);
            }
        }
        if problems.is_empty() {
            problems = self.play_through();
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(LoadError { problems })
        }
    }

    /// Plays the script on an empty cluster: what an inject deletes or
    /// resolves must be there when it fires.
    fn play_through(&self) -> Vec<String> {
        let file = self.file.as_str();
        let t = DateTime::<Utc>::UNIX_EPOCH;
        let mut problems = Vec::new();
        let mut o = Sim::default();
        for p in &self.pods {
            o.apply_pod(p, t);
        }
        for a in &self.alerts {
            o.fire_alert(a, t);
        }
        for inj in self.timed_injects() {
            if let Some(p) = &inj.pod_deleted {
                let gone_by_rollout = inj.rollout.as_ref().is_some_and(|r| {
                    let pairs = parse_selector(&r.selector.value).unwrap_or_default();
                    o.pod_labels(&p.value)
                        .is_some_and(|l| selector_matches(&pairs, l))
                });
                if gone_by_rollout || !o.pods.contains_key(&p.value) {
                    problems.push(placed(
                        file,
                        p,
                        format!("pod {:?} is not there at {}", p.value, inj.at.value),
                    ));
                }
            }
            if let Some(a) = &inj.alert_resolved
                && !o.alerts.contains(&a.value)
            {
                problems.push(placed(
                    file,
                    a,
                    format!("alert {:?} is not firing at {}", a.value, inj.at.value),
                ));
            }
            inj.apply(&mut o, t + inj.offset());
        }
        problems
    }

    /// The scenario's procedure and severity must be the playbook's.
    pub fn check_playbook(&self, pb: &Playbook) -> Result<(), LoadError> {
        let mut problems = Vec::new();
        if pb.procedure(&self.procedure.value).is_none() {
            let ids: Vec<&str> = pb.procedures.iter().map(|p| p.id.value.as_str()).collect();
            problems.push(placed(
                &self.file,
                &self.procedure,
                format!(
                    "procedure {:?} is not in playbook {} (it has: {})",
                    self.procedure.value,
                    pb.name.value,
                    ids.join(", ")
                ),
            ));
        }
        if pb.severity(&self.severity.value).is_none() {
            let ids: Vec<&str> = pb.severities.iter().map(|p| p.id.value.as_str()).collect();
            problems.push(placed(
                &self.file,
                &self.severity,
                format!(
                    "severity {:?} is not in playbook {} (it has: {})",
                    self.severity.value,
                    pb.name.value,
                    ids.join(", ")
                ),
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(LoadError { problems })
        }
    }

    /// Injects in the order they fire (stable: equal times keep the file's
    /// order). An inject's place in this list is its number in the record.
    pub fn timed_injects(&self) -> Vec<Inject> {
        let mut v = self.injects.clone();
        v.sort_by_key(Inject::offset);
        v
    }
}

/// Every duration of a scenario (`at`, `age`, `since`, `after`) that does
/// not read, on the located tree.
fn durations(file: &str, n: &crate::schema::Node, problems: &mut Vec<String>) {
    use crate::schema::tree::Value;
    match &n.value {
        Value::Map(m) => {
            for (k, v) in m {
                if let ("at" | "age" | "since" | "after", Value::Str(x)) =
                    (k.name.as_str(), &v.value)
                    && let Err(e) = parse_duration(x)
                {
                    problems.push(format!("{file}:{}:{}: {e}", v.line, v.col));
                }
                durations(file, v, problems);
            }
        }
        Value::Seq(items) => {
            for i in items {
                durations(file, i, problems);
            }
        }
        _ => {}
    }
}

/// Reads a scenario: schema problems, then the format's own checks, each
/// placed `file:line:column`.
pub fn parse_scenario(file: &str, text: &str) -> Result<Scenario, LoadError> {
    let (mut s, _tree): (Scenario, _) =
        read_against(file, text, schema_json()).map_err(|mut problems| {
            // The schema's problems, and beside them the durations it
            // cannot check: every problem of the file at once.
            if let Ok(tree) = crate::schema::parse(file, text) {
                durations(file, &tree, &mut problems);
            }
            crate::playbook::lint::sort_placed(&mut problems);
            problems.dedup();
            LoadError { problems }
        })?;
    s.file = file.to_string();
    s.check()?;
    Ok(s)
}

pub fn load_scenario_file(path: &Path) -> Result<Scenario, LoadError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        problems: vec![format!("{name}: cannot read: {e}")],
    })?;
    parse_scenario(&name, &text)
}

pub fn load_bundled_scenario(name: &str) -> Option<Result<Scenario, LoadError>> {
    BUNDLED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, t)| parse_scenario(&format!("assets/scenarios/{n}.yaml"), t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Observed;

    const HEAD: &str =
        "name: x\ntitle: t\nplaybook: dicps.yaml\nprocedure: api-outage\nseverity: P0\n";

    #[test]
    fn bundled_api_outage_parses() {
        let s = load_bundled_scenario("api-outage").unwrap().unwrap();
        assert_eq!(s.procedure.value, "api-outage");
        assert!(s.pods.len() >= 3);
        let inj = s.timed_injects();
        assert!(inj.windows(2).all(|w| w[0].offset() <= w[1].offset()));
        assert!(inj.iter().any(|i| {
            i.pod
                .as_ref()
                .is_some_and(|p| p.status.as_deref() == Some("CrashLoopBackOff"))
        }));
    }

    #[test]
    fn canned_output_changes_as_the_drill_goes() {
        let s = load_bundled_scenario("api-outage").unwrap().unwrap();
        let cmd = "kubectl get pods -n identity-platform -l app=dicps-api";
        let early = Scenario::canned_for(&s.commands, cmd, Duration::from_secs(5)).unwrap();
        assert!(!early.output.contains("CrashLoopBackOff"));
        let late = Scenario::canned_for(&s.commands, cmd, Duration::from_secs(60)).unwrap();
        assert!(late.output.contains("CrashLoopBackOff"));
        assert!(Scenario::canned_for(&s.commands, "rm -rf /", Duration::ZERO).is_none());
    }

    #[test]
    fn bad_inject_is_placed() {
        let text = format!(
            "{HEAD}injects:\n  - at: 5 parsecs\n    message: {{from: a, text: b}}\n  - at: 10s\n"
        );
        let err = parse_scenario("s.yaml", &text).unwrap_err();
        assert!(
            err.problems[0].starts_with("s.yaml:7:9: bad duration"),
            "{err}"
        );
        assert!(
            err.problems[1].contains("s.yaml:9:9: this inject does nothing"),
            "{err}"
        );
    }

    #[test]
    fn every_structural_problem_is_placed() {
        let text = format!(
            "{HEAD}bogus: 1\npods:\n  - {{name: a, restarts: lots}}\ninjects:\n  - at: 10s\n    pod: {{status: Running}}\n    mesage: {{from: a, text: b}}\ncommands:\n  - match: x\n    exit: one\n"
        );
        let err = parse_scenario("s.yaml", &text).unwrap_err();
        assert_eq!(
            err.problems,
            vec![
                "s.yaml:6:1: unknown field \"bogus\" in scenario (expected one of: alerts, commands, description, figures, ic, injects, name, playbook, pods, procedure, severity, title)",
                "s.yaml:8:25: \"restarts\" in pod is a string (expected a whole number)",
                "s.yaml:11:10: missing field \"name\" in pod",
                "s.yaml:12:5: unknown field \"mesage\" in inject (expected one of: alert, alert_resolved, at, figures, http, message, pod, pod_deleted, rollout, workloads)",
                "s.yaml:15:11: \"exit\" in canned output is a string (expected a whole number)",
            ]
        );
    }

    /// Issue 14: the schema's problems and the durations it cannot check
    /// are said together, each placed, in the file's order.
    #[test]
    fn schema_and_duration_problems_are_said_together() {
        let text = format!(
            "{HEAD}bogus: 1\ninjects:\n  - at: 10x\n    alert: {{name: X}}\n  - at: 20s\n    nothing: here\n"
        );
        let err = parse_scenario("s.yaml", &text).unwrap_err();
        let p = &err.problems;
        assert!(
            p[0].starts_with("s.yaml:6:1: unknown field \"bogus\""),
            "{err}"
        );
        assert!(
            p.iter().any(|x| x.starts_with("s.yaml:8:9: bad duration")),
            "{err}"
        );
        assert!(
            p.iter()
                .any(|x| x.starts_with("s.yaml:11:5: unknown field \"nothing\"")),
            "{err}"
        );
        let mut sorted = p.clone();
        crate::playbook::lint::sort_placed(&mut sorted);
        assert_eq!(&sorted, p, "in the file's order");
    }

    #[test]
    fn semantic_problems_are_placed() {
        let text = format!(
            "{HEAD}pods:\n  - {{name: a, age: forever}}\ninjects:\n  - at: 10s\n    pod_deleted: b\n  - at: 20s\n    alert_resolved: Nope\n  - at: 30s\n    rollout: {{selector: 'app', name: x, replicas: 1}}\ncommands:\n  - match: '(['\n    after: soon\n"
        );
        let err = parse_scenario("s.yaml", &text).unwrap_err();
        let p = &err.problems;
        assert!(p[0].starts_with("s.yaml:7:20: bad duration"), "{err}");
        assert!(p[1].starts_with("s.yaml:14:25: selector \"app\""), "{err}");
        assert!(
            p[2].starts_with("s.yaml:16:12: match pattern \"([\" does not compile"),
            "{err}"
        );
        assert!(p[3].starts_with("s.yaml:17:12: bad duration"), "{err}");
        // Once those are fixed, the script is played through.
        let text = format!(
            "{HEAD}pods:\n  - {{name: a}}\ninjects:\n  - at: 10s\n    pod_deleted: b\n  - at: 20s\n    alert_resolved: Nope\n"
        );
        let err = parse_scenario("s.yaml", &text).unwrap_err();
        assert_eq!(
            err.problems,
            vec![
                "s.yaml:10:18: pod \"b\" is not there at 10s",
                "s.yaml:12:21: alert \"Nope\" is not firing at 20s",
            ]
        );
    }

    #[test]
    fn procedure_and_severity_are_checked_against_the_playbook() {
        let text = "name: x\ntitle: t\nplaybook: dicps.yaml\nprocedure: nope\nseverity: P9\n";
        let s = parse_scenario("s.yaml", text).unwrap();
        let pb = crate::playbook::load_bundled("dicps.yaml").unwrap();
        let err = s.check_playbook(&pb).unwrap_err();
        assert!(
            err.problems[0].starts_with(
                "s.yaml:4:12: procedure \"nope\" is not in playbook dicps (it has: api-outage"
            ),
            "{err}"
        );
        assert!(
            err.problems[1].starts_with("s.yaml:5:11: severity \"P9\" is not in playbook dicps"),
            "{err}"
        );
    }

    #[test]
    fn a_rollout_replaces_the_pods_its_selector_matches_the_same_way_everywhere() {
        let text = format!(
            "{HEAD}pods:\n  - {{name: api-old-1, labels: {{app: api}}}}\n  - {{name: api-old-2, labels: {{app: api}}}}\n  - {{name: db-0, labels: {{app: db}}}}\ninjects:\n  - at: 1m\n    rollout: {{selector: app=api, name: api-5f7c9b8d4, replicas: 3, labels: {{version: v2}}}}\n"
        );
        let s = parse_scenario("s.yaml", &text).unwrap();
        let inj = &s.timed_injects()[0];
        let t = DateTime::<Utc>::UNIX_EPOCH;
        let run = || {
            let mut o = Observed::default();
            for p in &s.pods {
                o.apply_pod(p, t);
            }
            let ev = inj.apply(&mut o, t);
            (o, ev)
        };
        let (o, ev) = run();
        let names: Vec<&str> = o.pods.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.len(), 4, "{names:?}");
        assert!(names.contains(&"db-0"));
        assert!(!names.iter().any(|n| n.starts_with("api-old")));
        let new: Vec<&&str> = names
            .iter()
            .filter(|n| n.starts_with("api-5f7c9b8d4-"))
            .collect();
        assert_eq!(new.len(), 3);
        assert!(new.iter().all(|n| n.len() == "api-5f7c9b8d4-".len() + 5));
        assert_eq!(o.labels[*new[0]]["version"], "v2");
        assert_eq!(o.labels[*new[0]]["app"], "api");
        // Two deletions, three creations, in the record.
        assert_eq!(ev.len(), 5, "{ev:?}");
        assert_eq!(run().0, o, "every seat makes the same pods");
        assert!(inj.summary().starts_with("rollout api-5f7c9b8d4 (3 pods)"));
    }
}
