//! The playbook format (`playbooks/*.yaml`). Every section of the seeds'
//! incident response plans has a place here: what to watch, severities,
//! roles, escalation, deadlines, procedures with phases and steps,
//! communication templates, follow-ups and the post-mortem template.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// A value with the place it was written (line and column, 1-based; 0
/// when made in code), for lint and error messages. In YAML, JSON and the
/// schema it is just the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub line: u64,
    pub col: u64,
}

impl<T> At<T> {
    pub fn new(value: T) -> Self {
        Self {
            value,
            line: 0,
            col: 0,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for At<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Self {
            line: s.referenced.line(),
            col: s.referenced.column(),
            value: s.value,
        })
    }
}

impl<T: Serialize> Serialize for At<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: JsonSchema> JsonSchema for At<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(g)
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// Short id, used in incident ids and `--playbook` names.
    pub name: At<String>,
    /// What people call the service.
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Shared policy files (severities, roles, escalation, contacts) written
    /// once per team, relative to this playbook.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<At<String>>,
    #[serde(default, skip_serializing_if = "Watch::is_empty")]
    pub watch: Watch,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severities: Vec<Severity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalation: Vec<Escalation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<Deadline>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub procedures: Vec<Procedure>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<Template>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub followups: Vec<Followup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postmortem: Option<Postmortem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drills: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Regular expressions for more secrets to redact from commands and
    /// their output (built in: passwords, tokens, keys, PEM blocks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redact: Vec<At<String>>,
    /// The two-person rule: which commands need a second person's approval
    /// before they run, and how long a proposal stands. Without it, every
    /// `destructive` command does, and a proposal lapses after 10 minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalPolicy>,
    /// When a business day starts, for "next business day" response
    /// times (default 09:00 UTC, Monday to Friday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_day: Option<BusinessDay>,
}

/// When a business day starts: a time of day at an offset from UTC.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessDay {
    /// `HH:MM` (default `09:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<At<String>>,
    /// `+01:00`, `-05:00` or `UTC` (default UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utc_offset: Option<At<String>>,
}

/// A shared policy file: the parts a team writes once.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severities: Vec<Severity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalation: Vec<Escalation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<Deadline>,
    /// The two-person rule for every playbook that includes this file (a
    /// playbook's own `approval` wins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalPolicy>,
}

/// The two-person rule: which commands one person may not run alone.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalPolicy {
    /// The risks whose commands need a second person's approval (default:
    /// `[destructive]`; `[]` asks it only of steps that say `approval:
    /// two-person`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_person: Option<Vec<Risk>>,
    /// How long a proposal waits for a decision, and an approval for its
    /// run, before it lapses (default `10m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lapse: Option<At<String>>,
}

/// What a step asks before its command runs, beyond its risk's guard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Approval {
    /// A second person (another OS user) approves the exact command first.
    #[serde(rename = "two-person")]
    TwoPerson,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Watch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// Alertmanager matchers, such as `service="dicps-api"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<String>,
    /// Alertmanager's URL (`http://alertmanager:9093`); `open
    /// --alertmanager URL` overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alertmanager: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<Threshold>,
    /// The service's own figures from Prometheus' query API: `verify:`
    /// figure conditions, thresholds and severity criteria are judged on
    /// them in a live incident (a drill's scenario figures stand in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<Prometheus>,
}

/// A Prometheus server and the named queries whose answers are the
/// service's figures.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prometheus {
    /// Prometheus' base URL (`http://prometheus:9090`, or with a path
    /// prefix); `open --prometheus URL` overrides it. Without one, no
    /// figure is polled (a drill still has its scenario's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<At<String>>,
    /// Between two polls (default `15s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<At<String>>,
    /// The figures: each a PromQL instant query that answers one number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<PromFigure>,
}

/// One figure: a name (what conditions, thresholds and criteria call it),
/// the query and its unit.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromFigure {
    pub name: At<String>,
    /// A PromQL expression whose answer is one number (a scalar, or an
    /// instant vector of one series).
    pub query: At<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl Prometheus {
    /// The figure a name means (names compare without case).
    pub fn figure(&self, name: &str) -> Option<&PromFigure> {
        self.figures
            .iter()
            .find(|f| f.name.value.trim().eq_ignore_ascii_case(name.trim()))
    }
}

impl Watch {
    /// Whether Prometheus measures a figure of this name.
    pub fn measures(&self, name: &str) -> bool {
        self.prometheus
            .as_ref()
            .is_some_and(|p| p.figure(name).is_some())
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// `cpu`, `memory`, `disk`, `load`, or the name of a service figure.
    pub metric: String,
    pub above: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// How long it must stay above, e.g. `10m`.
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Severity {
    pub id: At<String>,
    pub name: String,
    /// A duration (`15m`) or `next business day`.
    pub response: At<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub page: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
    /// What makes an incident this severe, in words and, where the plan
    /// gives a number, on a service figure: when a figure crosses the
    /// criterion of a severity higher than the incident's, the cockpit
    /// suggests it (the IC raises it; nothing changes by itself).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<Criterion>,
}

/// One severity criterion: the plan's words, and the figure and number
/// that say it when it has one (`{text: "> 50% error rate", figure:
/// Error rate, above: 50}`).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub text: String,
    /// A service figure (a `watch.prometheus` query's name; a drill's
    /// scenario figure of the same name stands in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figure: Option<At<String>>,
    /// Met when the figure is above this...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    /// ...or below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
}

impl Criterion {
    /// Whether a value meets it (a criterion without a number never is).
    pub fn met_by(&self, value: f64) -> bool {
        (self.above.is_some() || self.below.is_some())
            && self.above.is_none_or(|a| value > a)
            && self.below.is_none_or(|b| value < b)
    }

    /// `> 50` / `< 7`, for people.
    pub fn bound(&self) -> String {
        let n = |v: f64| {
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v}")
            }
        };
        match (self.above, self.below) {
            (Some(a), Some(b)) => format!("> {} and < {}", n(a), n(b)),
            (Some(a), None) => format!("> {}", n(a)),
            (None, Some(b)) => format!("< {}", n(b)),
            (None, None) => String::new(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: At<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duties: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// Only for some incident types ("for security incidents").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Something the IC declares true during an incident ("data breach
/// confirmed"); escalation rules and deadlines can start on it, and the
/// procedures it `starts` join the checklist.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub id: At<String>,
    pub name: String,
    /// Procedures that setting it starts: each joins the incident's
    /// checklist (a `procedure_added` record naming the condition), unless
    /// it is already there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts: Vec<At<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// At this severity...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<At<String>>,
    /// ...unresolved after this long...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<At<String>>,
    /// ...or when the IC sets this condition...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<At<String>>,
    /// `initial`, `escalation` or `executive`, as in an escalation matrix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// ...tell these people (contact or role names).
    pub notify: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    pub id: At<String>,
    pub name: String,
    /// The condition that starts the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<At<String>>,
    /// Only at these severities (seed 002's SOC 2 logging: "All P0/P1");
    /// empty: at every severity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severities: Vec<At<String>>,
    /// The time limit; without one the obligation is listed (at the
    /// declaration, in the export) but no clock runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<At<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    pub id: At<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detection: Vec<String>,
    pub phases: Vec<Phase>,
    /// Templates to use during this procedure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<At<String>>,
    /// Conditions that typically apply (set by the IC).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<At<String>>,
    /// Other procedures that go with this one (seed 000's initial
    /// response, investigation and recovery beside the specific one): an
    /// incident declared with this procedure works them too, as one
    /// checklist in the playbook's order of procedures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<At<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub id: At<String>,
    pub name: String,
    /// A time box from the start of the incident: `0-15m`, `15m-30m`,
    /// `30m-4h`, or just an end (`15m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timebox: Option<At<String>>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: At<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Command>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<String>,
    /// The role expected to do it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<At<String>>,
    /// `two-person`: its command needs a second person's approval whatever
    /// its risk (the playbook's `approval.two_person` covers whole risks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<At<Approval>>,
    /// What "done" looks like: conditions on what the cockpit observes.
    /// When all hold for their time, the step ticks itself (see
    /// `playbook::verify`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verify: Vec<Check>,
}

/// One condition of a step's `verify:` as written (compiled and
/// evaluated by the cockpit's `playbook::verify`): exactly one of `pods`,
/// `rollout`, `alert`, `figure` or `http`, with what qualifies it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// The pods of this label selector (`app=dicps-api`, within the
    /// watched pods)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods: Option<At<String>>,
    /// ...`all` ready (the default), or at least this many (`3`)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "ready_schema")]
    pub ready: Option<At<String>>,
    /// ...or none in a failing state (CrashLoopBackOff, Error, OOMKilled,
    /// Failed...), instead of a ready count.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub none_failing: bool,
    /// A rollout complete in the watched namespace: `deployment/NAME` or
    /// `statefulset/NAME` (observed generation, updated and available
    /// replicas).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<At<String>>,
    /// An alert resolved: its name (`APIDown`) or Alertmanager matchers
    /// (`alertname="APIDown",service="dicps-api"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<At<String>>,
    /// A figure: `cpu`, `memory`, `disk`, `load`, `swap` (the host), or
    /// the name of a service figure (a `watch.prometheus` query's; a
    /// drill's scenario figure stands in)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figure: Option<At<String>>,
    /// ...above this value...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    /// ...or below it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// An HTTP GET answering 2xx: the URL (http or https, no credentials).
    /// The cockpit sends it itself: no body, redirects not followed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<At<String>>,
    /// The HTTP GET's timeout (default `5s`, at most `60s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<At<String>>,
    /// How long the condition must hold before it counts (`2m`; default:
    /// at once).
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub hold: Option<At<String>>,
}

/// `ready: all` or `ready: 3`.
fn ready_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "`all` (the default) or at least this many pods ready",
        "type": ["string", "integer", "null"]
    })
}

/// `read`, `change` or `destructive`: defined with the classifier, in its
/// own crate (`crates/risk`).
pub use incident_cockpit_risk::Risk;

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Command {
    /// The command as the runbook writes it; placeholders are `<name>`,
    /// `{{name}}`, `$NAME` or a parameter's `token`.
    pub run: At<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<At<Risk>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<At<String>>,
    /// Pipes, `$(…)`, loops: run with `sh -c`, every value single-quoted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shell: bool,
    /// Where to run it (`cd circuits/build` in the seed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workdir: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Param {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// A regular expression the whole value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<At<String>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    /// Fill from the incident: `namespace`, `selector`, `context`, `pod`,
    /// `alert.<label>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The literal text in `run` this parameter replaces, for runbooks
    /// that write a sample value (`dicps-api-xxx`). Without it the
    /// placeholders are `<name>`, `{{name}}`, `${name}` and `$name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: At<String>,
    pub name: String,
    /// `status-page`, `internal`, `initial`, `customer`, `resolution`,
    /// `regulator`, `postmortem`, or another word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub body: String,
    /// How often to send an update while the incident is open (`15m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<At<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Followup {
    /// Due this long after the incident is resolved (`24h`, `1w`).
    pub within: At<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub items: Vec<String>,
}

/// The playbook's post-mortem template: when it is due, where the report
/// goes, its title, the header lines the author fills and its sections in
/// order. The export writes these headings, puts what the record knows
/// under the section that `fill`s it, and appends what no section takes.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Postmortem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<At<String>>,
    /// The report file `export ID -o` writes when no file is named:
    /// `{date}` (the declaration's day, UTC), `{slug}` (from the title),
    /// `{id}`; a path relative to where the export runs (default
    /// `incidents/{date}-{slug}.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The document's title before the incident's (`Post-Incident Review`);
    /// default `Post-Mortem`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Header lines only people can fill (`Affected Users: [Count]`),
    /// after the date, id, severity and duration the record gives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header: Vec<String>,
    pub sections: Vec<PostmortemSection>,
}

/// A post-mortem section: a heading alone (what it is filled with is
/// found from its words: README, "Post-mortem template"), or written out.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PostmortemSection {
    Heading(String),
    Section(SectionTemplate),
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionTemplate {
    pub heading: String,
    /// What the record knows that goes under this heading, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fill: Vec<Fill>,
    /// The template's own lines under the heading, for the author to
    /// replace (`[2-3 sentence summary]`); written before the facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// What the cockpit knows of an incident, for a post-mortem section.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Fill {
    /// Procedure, status, incident commander, roles, steps and commands done.
    Summary,
    /// The key moments (detection, page, declaration, root cause, fix,
    /// resolution) and the full record.
    Timeline,
    /// Time to detect, acknowledge and resolve; the response time.
    Metrics,
    /// The root cause as marked.
    RootCause,
    /// The alerts that fired and the pods that changed.
    Impact,
    /// The commands run and the two-person approvals.
    Commands,
    Notes,
    /// Open deadlines, conditions set, clocks that fell due and their
    /// acknowledgements (pages reminded included).
    Clocks,
    /// Every acknowledgement of an alert or group, how it ended, and how
    /// long each alert went unowned while firing.
    Acks,
    /// Whom each severity paged and how to reach each role.
    Contacts,
    /// The messages sent.
    Comms,
    /// The playbook's follow-ups, due from the resolution.
    ActionItems,
}

impl Fill {
    pub const ALL: [Fill; 12] = [
        Fill::Summary,
        Fill::Timeline,
        Fill::Metrics,
        Fill::RootCause,
        Fill::Impact,
        Fill::Commands,
        Fill::Notes,
        Fill::Clocks,
        Fill::Acks,
        Fill::Contacts,
        Fill::Comms,
        Fill::ActionItems,
    ];

    /// Its name in the playbook (`action-items`).
    pub fn id(self) -> &'static str {
        match self {
            Fill::Summary => "summary",
            Fill::Timeline => "timeline",
            Fill::Metrics => "metrics",
            Fill::RootCause => "root-cause",
            Fill::Impact => "impact",
            Fill::Commands => "commands",
            Fill::Notes => "notes",
            Fill::Clocks => "clocks",
            Fill::Acks => "acks",
            Fill::Contacts => "contacts",
            Fill::Comms => "comms",
            Fill::ActionItems => "action-items",
        }
    }

    /// Its heading when no section of the playbook takes it.
    pub fn heading(self) -> &'static str {
        match self {
            Fill::Summary => "Summary",
            Fill::Timeline => "Timeline",
            Fill::Metrics => "Metrics",
            Fill::RootCause => "Root Cause",
            Fill::Impact => "Impact",
            Fill::Commands => "Commands Run",
            Fill::Notes => "Notes",
            Fill::Clocks => "Escalations and Clocks",
            Fill::Acks => "Acknowledgements",
            Fill::Contacts => "Who to Call",
            Fill::Comms => "Communications",
            Fill::ActionItems => "Action Items",
        }
    }

    /// What a heading alone is filled with, from its words: `Timeline
    /// and actions taken` takes the timeline and the commands.
    pub fn from_heading(heading: &str) -> Vec<Fill> {
        let h = heading.to_lowercase();
        let words: [(Fill, &[&str]); 12] = [
            (Fill::Summary, &["summary"]),
            (Fill::Timeline, &["timeline"]),
            (Fill::Metrics, &["metric", "mttd", "mttr"]),
            (Fill::RootCause, &["root cause"]),
            (Fill::Impact, &["impact"]),
            (Fill::Commands, &["command", "actions taken"]),
            (Fill::Notes, &["note"]),
            (Fill::Clocks, &["escalation", "clock", "deadline"]),
            (Fill::Acks, &["acknowledg", "ownership"]),
            (Fill::Contacts, &["who to call", "contact", "paging"]),
            (Fill::Comms, &["communication"]),
            (
                Fill::ActionItems,
                &["action item", "follow-up", "follow up", "improvement"],
            ),
        ];
        words
            .iter()
            .filter(|(_, ws)| ws.iter().any(|w| h.contains(w)))
            .map(|(f, _)| *f)
            .collect()
    }
}

impl PostmortemSection {
    pub fn heading(&self) -> &str {
        match self {
            PostmortemSection::Heading(h) => h,
            PostmortemSection::Section(s) => &s.heading,
        }
    }

    /// What it is filled with: its `fill`, else what its heading says
    /// (a section written out with neither `fill` nor `text` is read from
    /// its heading too).
    pub fn fills(&self) -> Vec<Fill> {
        match self {
            PostmortemSection::Section(s) if !s.fill.is_empty() || s.text.is_some() => {
                s.fill.clone()
            }
            other => Fill::from_heading(other.heading()),
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            PostmortemSection::Heading(_) => None,
            PostmortemSection::Section(s) => s.text.as_deref(),
        }
    }
}

impl Watch {
    pub fn is_empty(&self) -> bool {
        self.context.is_none()
            && self.namespace.is_none()
            && self.selector.is_none()
            && self.alerts.is_empty()
            && self.alertmanager.is_none()
            && self.thresholds.is_empty()
            && self.prometheus.is_none()
    }
}

impl Playbook {
    pub fn procedure(&self, id: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.id.value == id)
    }

    pub fn severity(&self, id: &str) -> Option<&Severity> {
        self.severities.iter().find(|s| s.id.value == id)
    }

    /// A severity's place in the playbook's order (0: the worst).
    pub fn severity_rank(&self, id: &str) -> Option<usize> {
        self.severities.iter().position(|s| s.id.value == id)
    }
}

impl Procedure {
    /// A procedure with no steps (for an incident whose procedure the
    /// playbook no longer has).
    pub fn empty() -> Self {
        Self {
            id: At::new(String::new()),
            name: String::new(),
            severity: None,
            detection: Vec::new(),
            phases: Vec::new(),
            templates: Vec::new(),
            conditions: Vec::new(),
            with: Vec::new(),
        }
    }

    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.phases.iter().flat_map(|p| p.steps.iter())
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps().find(|s| s.id.value == id)
    }
}

impl Deadline {
    /// Whether it applies at this severity.
    pub fn applies_at(&self, severity: &str) -> bool {
        self.severities.is_empty() || self.severities.iter().any(|s| s.value == severity)
    }
}

impl Severity {
    /// The response time, or `None` for "next business day" style answers.
    pub fn response_time(&self) -> Option<std::time::Duration> {
        incident_cockpit_time::parse_duration(&self.response.value).ok()
    }
}
