//! The playbook format (`playbooks/*.yaml`). Every section of the seeds'
//! incident response plans has a place here: what to watch, severities,
//! roles, escalation, deadlines, procedures with phases and steps,
//! communication templates, follow-ups and the post-mortem template.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// A value with the place it was written (line and column), for lint.
pub type At<T> = Spanned<T>;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// Short id, used in incident ids and `--playbook` names.
    pub name: At<String>,
    /// What people call the service.
    pub title: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    /// Shared policy files (severities, roles, escalation, contacts) written
    /// once per team, relative to this playbook.
    #[serde(default)]
    pub include: Vec<At<String>>,
    #[serde(default)]
    pub watch: Watch,
    #[serde(default)]
    pub severities: Vec<Severity>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub conditions: Vec<Condition>,
    #[serde(default)]
    pub escalation: Vec<Escalation>,
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
    #[serde(default)]
    pub procedures: Vec<Procedure>,
    #[serde(default)]
    pub templates: Vec<Template>,
    #[serde(default)]
    pub followups: Vec<Followup>,
    #[serde(default)]
    pub postmortem: Option<Postmortem>,
    #[serde(default)]
    pub tools: Vec<String>,
    #[serde(default)]
    pub drills: Vec<String>,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A shared policy file: the parts a team writes once.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default)]
    pub severities: Vec<Severity>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub conditions: Vec<Condition>,
    #[serde(default)]
    pub escalation: Vec<Escalation>,
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Watch {
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub selector: Option<String>,
    /// Alertmanager matchers, such as `service="dicps-api"`.
    #[serde(default)]
    pub alerts: Vec<String>,
    #[serde(default)]
    pub thresholds: Vec<Threshold>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// `cpu`, `memory`, `disk`, `load`, or the name of a service figure.
    pub metric: String,
    pub above: f64,
    #[serde(default)]
    pub unit: Option<String>,
    /// How long it must stay above, e.g. `10m`.
    #[serde(default, rename = "for")]
    pub for_: Option<At<String>>,
    #[serde(default)]
    pub normal: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Severity {
    pub id: At<String>,
    pub name: String,
    /// A duration (`15m`) or `next business day`.
    pub response: At<String>,
    #[serde(default)]
    pub impact: Option<String>,
    #[serde(default)]
    pub page: Vec<String>,
    #[serde(default)]
    pub examples: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: At<String>,
    pub name: String,
    #[serde(default)]
    pub primary: Option<String>,
    #[serde(default)]
    pub backup: Option<String>,
    #[serde(default)]
    pub duties: Vec<String>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Only for some incident types ("for security incidents").
    #[serde(default)]
    pub when: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Something the IC declares true during an incident ("data breach
/// confirmed"); escalation rules and deadlines can start on it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub id: At<String>,
    pub name: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// At this severity...
    #[serde(default)]
    pub severity: Option<At<String>>,
    /// ...unresolved after this long...
    #[serde(default)]
    pub after: Option<At<String>>,
    /// ...or when the IC sets this condition...
    #[serde(default)]
    pub when: Option<At<String>>,
    /// `initial`, `escalation` or `executive`, as in an escalation matrix.
    #[serde(default)]
    pub level: Option<String>,
    /// ...tell these people (contact or role names).
    pub notify: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    pub id: At<String>,
    pub name: String,
    /// The condition that starts the clock.
    #[serde(default)]
    pub when: Option<At<String>>,
    pub within: At<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub template: Option<At<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    pub id: At<String>,
    pub name: String,
    #[serde(default)]
    pub severity: Option<At<String>>,
    #[serde(default)]
    pub detection: Vec<String>,
    pub phases: Vec<Phase>,
    /// Templates to use during this procedure.
    #[serde(default)]
    pub templates: Vec<At<String>>,
    /// Conditions that typically apply (set by the IC).
    #[serde(default)]
    pub conditions: Vec<At<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub id: At<String>,
    pub name: String,
    /// A time box from the start of the incident: `0-15m`, `15m-30m`,
    /// `30m-4h`, or just an end (`15m`).
    #[serde(default)]
    pub timebox: Option<At<String>>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: At<String>,
    pub title: String,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub command: Option<Command>,
    #[serde(default)]
    pub expect: Option<String>,
    /// The role expected to do it.
    #[serde(default)]
    pub role: Option<At<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Read,
    Change,
    Destructive,
}

impl Risk {
    pub fn name(self) -> &'static str {
        match self {
            Risk::Read => "read",
            Risk::Change => "change",
            Risk::Destructive => "destructive",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Command {
    /// The command as the runbook writes it, with `{param}` placeholders.
    pub run: At<String>,
    #[serde(default)]
    pub risk: Option<At<Risk>>,
    #[serde(default)]
    pub params: BTreeMap<String, Param>,
    #[serde(default)]
    pub timeout: Option<At<String>>,
    /// Pipes, `$(…)`, loops: run with `sh -c`, every value single-quoted.
    #[serde(default)]
    pub shell: bool,
    /// Where to run it (`cd circuits/build` in the seed).
    #[serde(default)]
    pub workdir: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub default: Option<String>,
    /// A regular expression the whole value must match.
    #[serde(default)]
    pub pattern: Option<At<String>>,
    #[serde(default)]
    pub secret: bool,
    /// Fill from the incident: `namespace`, `selector`, `context`, `pod`,
    /// `alert.<label>`.
    #[serde(default)]
    pub from: Option<String>,
    /// The literal text in `run` this parameter replaces, for runbooks
    /// that write a sample value (`dicps-api-xxx`). Without it the
    /// placeholders are `<name>`, `{{name}}`, `${name}` and `$name`.
    #[serde(default)]
    pub token: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: At<String>,
    pub name: String,
    /// `status-page`, `internal`, `initial`, `customer`, `resolution`,
    /// `regulator`, `postmortem`, or another word.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    pub body: String,
    /// How often to send an update while the incident is open (`15m`).
    #[serde(default)]
    pub cadence: Option<At<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Followup {
    /// Due this long after the incident is resolved (`24h`, `1w`).
    pub within: At<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub items: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Postmortem {
    #[serde(default)]
    pub within: Option<At<String>>,
    #[serde(default)]
    pub file: Option<String>,
    pub sections: Vec<String>,
}

impl Playbook {
    pub fn procedure(&self, id: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.id.value == id)
    }

    pub fn severity(&self, id: &str) -> Option<&Severity> {
        self.severities.iter().find(|s| s.id.value == id)
    }
}

impl Procedure {
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.phases.iter().flat_map(|p| p.steps.iter())
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps().find(|s| s.id.value == id)
    }
}

impl Severity {
    /// The response time, or `None` for "next business day" style answers.
    pub fn response_time(&self) -> Option<std::time::Duration> {
        crate::time::parse_duration(&self.response.value).ok()
    }
}
