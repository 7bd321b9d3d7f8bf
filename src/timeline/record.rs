//! What a timeline line holds: `seq`, `at` (UTC, RFC 3339 with
//! milliseconds), `by` (user@host), `kind` and the kind's payload.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Where an incident stands, as status pages say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Investigating,
        Status::Identified,
        Status::Monitoring,
        Status::Resolved,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Investigating => "Investigating",
            Status::Identified => "Identified",
            Status::Monitoring => "Monitoring",
            Status::Resolved => "Resolved",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the facilitator changed a drill's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockChange {
    Paused,
    Resumed,
    /// A new speed (`speed`: 1, 2, 5, 10).
    Speed,
    /// Drill time jumped forward (to `to_ms`), to the next inject.
    Jumped,
}

/// Everything that matters to the record. Observations that do not matter
/// (every pod watch event, every CPU sample) never land here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// The first record of every incident.
    Declared {
        id: String,
        title: String,
        severity: String,
        status: Status,
        ic: String,
        playbook: String,
        procedure: String,
        #[serde(default)]
        drill: bool,
        /// Where the playbook came from: a file path, or `bundled:NAME`,
        /// so other seats can join with the same playbook.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        /// The drill's scenario (a bundled name or a file path).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scenario: Option<String>,
        /// What is watched: context, namespace, selector, alertmanager.
        #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        watch: std::collections::BTreeMap<String, String>,
    },
    StepChecked {
        step: String,
        title: String,
    },
    StepUnchecked {
        step: String,
        title: String,
    },
    Note {
        text: String,
    },
    SeverityChanged {
        from: String,
        to: String,
    },
    StatusChanged {
        from: Status,
        to: Status,
    },
    /// A pod entered a state that matters (CrashLoopBackOff, OOMKilled...),
    /// was restarted, created or deleted.
    PodChanged {
        pod: String,
        from: String,
        to: String,
    },
    AlertFiring {
        alertname: String,
        severity: String,
        summary: String,
    },
    AlertResolved {
        alertname: String,
    },
    /// A message from a stakeholder (in a drill: a scripted inject).
    Message {
        from: String,
        text: String,
    },
    /// A command was confirmed and is about to run. Written (and fsynced)
    /// before the process starts.
    CommandStarted {
        run: String,
        step: String,
        /// The resolved command line, secrets redacted.
        command: String,
        /// The resolved argv, secrets redacted.
        argv: Vec<String>,
        risk: String,
        /// The confirmation given: `enter`, `y`, `typed <target>`.
        confirmation: String,
        #[serde(default)]
        shell: bool,
        #[serde(default)]
        drill: bool,
        #[serde(default)]
        dry_run: bool,
    },
    /// A moment the IC marks for the post-mortem: `detected`, `paged`,
    /// `root_cause_identified`, `fix_implemented`, ... (see `Mark`).
    Marked {
        mark: String,
        #[serde(default)]
        text: String,
    },
    /// A role of the playbook given to someone (or handed over).
    RoleAssigned {
        role: String,
        person: String,
    },
    /// The IC declares a playbook condition true ("data breach confirmed");
    /// escalation rules and deadlines start on it.
    ConditionSet {
        condition: String,
    },
    /// A clock fell due (response time, phase time box, escalation,
    /// deadline, comms cadence). Recorded once per timer.
    TimerDue {
        timer: String,
        label: String,
    },
    /// The IC acknowledged a due timer.
    TimerAcknowledged {
        timer: String,
        label: String,
    },
    /// A communication went out (resets the cadence clock).
    CommsSent {
        template: String,
        #[serde(default)]
        file: Option<String>,
        /// The text as sent.
        text: String,
    },
    /// The facilitator changed a drill's clock; drill time is a fold of
    /// these (see `drill::clock`).
    DrillClock {
        change: ClockChange,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        speed: Option<u32>,
        /// Jumped: the drill time it jumped to, in milliseconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_ms: Option<u64>,
    },
    /// A drill inject fired: a scripted one (its number in the scenario's
    /// firing order, from 0) or one the facilitator typed on the spot. What
    /// it does follows as its own records (pod and alert changes, a
    /// message); every seat applies the inject when it sees this record.
    InjectFired {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        inject: Option<u32>,
        /// The drill time it fired at, in milliseconds.
        drill_ms: u64,
        /// What it does, in one line.
        summary: String,
        /// An ad hoc message: who it is from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        /// An ad hoc message: its text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    CommandFinished {
        run: String,
        /// `exit 0`, `killed by SIGKILL`, `timed out`, `cancelled`, ...
        outcome: String,
        exit: Option<i32>,
        signal: Option<String>,
        duration_ms: u64,
        first_lines: Vec<String>,
        last_lines: Vec<String>,
        #[serde(default)]
        drill: bool,
    },
}

impl Event {
    /// The short kind name, as written in the `kind` field.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Declared { .. } => "declared",
            Event::StepChecked { .. } => "step_checked",
            Event::StepUnchecked { .. } => "step_unchecked",
            Event::Note { .. } => "note",
            Event::SeverityChanged { .. } => "severity_changed",
            Event::StatusChanged { .. } => "status_changed",
            Event::PodChanged { .. } => "pod_changed",
            Event::AlertFiring { .. } => "alert_firing",
            Event::AlertResolved { .. } => "alert_resolved",
            Event::Message { .. } => "message",
            Event::CommandStarted { .. } => "command_started",
            Event::Marked { .. } => "marked",
            Event::RoleAssigned { .. } => "role_assigned",
            Event::ConditionSet { .. } => "condition_set",
            Event::TimerDue { .. } => "timer_due",
            Event::TimerAcknowledged { .. } => "timer_acknowledged",
            Event::CommsSent { .. } => "comms_sent",
            Event::CommandFinished { .. } => "command_finished",
            Event::DrillClock { .. } => "drill_clock",
            Event::InjectFired { .. } => "inject_fired",
        }
    }

    /// One line for the timeline pane and exports (not yet sanitised).
    pub fn summary(&self) -> String {
        match self {
            Event::Declared {
                title,
                severity,
                ic,
                drill,
                ..
            } => format!(
                "{}declared {severity}: {title} (IC {ic})",
                if *drill { "DRILL " } else { "" }
            ),
            Event::StepChecked { step, title } => format!("✔ {title} [{step}]"),
            Event::StepUnchecked { step, title } => format!("✘ unticked {title} [{step}]"),
            Event::Note { text } => format!("note: {text}"),
            Event::SeverityChanged { from, to } => format!("severity {from} → {to}"),
            Event::StatusChanged { from, to } => format!("status {from} → {to}"),
            Event::PodChanged { pod, from, to } => format!("pod {pod}: {from} → {to}"),
            Event::AlertFiring {
                alertname,
                severity,
                summary,
            } => format!("alert firing {alertname} ({severity}): {summary}"),
            Event::AlertResolved { alertname } => format!("alert resolved {alertname}"),
            Event::Message { from, text } => format!("message from {from}: {text}"),
            Event::CommandStarted {
                command,
                risk,
                confirmation,
                drill,
                dry_run,
                ..
            } => format!(
                "{}{}$ {command} ({risk}, {confirmation})",
                if *drill { "[drill, not executed] " } else { "" },
                if *dry_run { "dry run " } else { "" }
            ),
            Event::Marked { mark, text } => {
                let t = if text.is_empty() {
                    String::new()
                } else {
                    format!(": {text}")
                };
                format!("◆ {}{t}", Mark::label_of(mark))
            }
            Event::RoleAssigned { role, person } => format!("role {role} → {person}"),
            Event::ConditionSet { condition } => format!("condition set: {condition}"),
            Event::TimerDue { label, .. } => format!("⚑ DUE: {label}"),
            Event::TimerAcknowledged { label, .. } => format!("acknowledged: {label}"),
            Event::CommsSent { template, file, .. } => format!(
                "comms sent: {template}{}",
                file.as_ref().map(|f| format!(" ({f})")).unwrap_or_default()
            ),
            Event::DrillClock {
                change,
                speed,
                to_ms,
            } => match change {
                ClockChange::Paused => "⏸ drill clock paused".to_string(),
                ClockChange::Resumed => "▶ drill clock resumed".to_string(),
                ClockChange::Speed => format!("drill clock at {}x", speed.unwrap_or(1)),
                ClockChange::Jumped => format!(
                    "⏭ drill clock jumped to {}",
                    crate::drill::clock::stamp_ms(to_ms.unwrap_or(0))
                ),
            },
            Event::InjectFired {
                inject,
                drill_ms,
                summary,
                ..
            } => match inject {
                Some(n) => format!(
                    "↯ inject {} at {}: {summary}",
                    n + 1,
                    crate::drill::clock::stamp_ms(*drill_ms)
                ),
                None => format!(
                    "↯ ad hoc inject at {}: {summary}",
                    crate::drill::clock::stamp_ms(*drill_ms)
                ),
            },
            Event::CommandFinished {
                outcome,
                duration_ms,
                last_lines,
                ..
            } => {
                let last = last_lines
                    .last()
                    .map(|l| format!(": {l}"))
                    .unwrap_or_default();
                format!(
                    "→ {outcome} in {}{last}",
                    crate::time::human_ms(*duration_ms)
                )
            }
        }
    }
}

/// The post-mortem timeline's moments (seed 002, section 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Detected,
    Paged,
    RootCauseIdentified,
    FixImplemented,
}

impl Mark {
    pub const ALL: [Mark; 4] = [
        Mark::Detected,
        Mark::Paged,
        Mark::RootCauseIdentified,
        Mark::FixImplemented,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Mark::Detected => "detected",
            Mark::Paged => "paged",
            Mark::RootCauseIdentified => "root_cause_identified",
            Mark::FixImplemented => "fix_implemented",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Mark::Detected => "Detection",
            Mark::Paged => "Page sent",
            Mark::RootCauseIdentified => "Root cause identified",
            Mark::FixImplemented => "Fix implemented",
        }
    }

    /// The label of a mark id (unknown ids as written).
    pub fn label_of(id: &str) -> String {
        Mark::ALL
            .iter()
            .find(|m| m.id() == id)
            .map_or_else(|| id.to_string(), |m| m.label().to_string())
    }
}

/// One line of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    #[serde(serialize_with = "ser_at", deserialize_with = "de_at")]
    pub at: DateTime<Utc>,
    pub by: String,
    #[serde(flatten)]
    pub event: Event,
}

fn ser_at<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Millis, true))
}

fn de_at<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let s = String::deserialize(d)?;
    DateTime::parse_from_rfc3339(&s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| serde::de::Error::custom(format!("bad timestamp {s:?}: {e}")))
}

/// Truncates to whole milliseconds, the precision a record keeps, so a
/// record read back equals the one written.
pub fn at_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    let ms = t.timestamp_millis();
    DateTime::from_timestamp_millis(ms).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_one_flat_json_line() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T13:21:31.123Z")
            .unwrap()
            .with_timezone(&Utc);
        let rec = Record {
            seq: 3,
            at,
            by: "ana@bastion".into(),
            event: Event::Note {
                text: "rolled back".into(),
            },
        };
        let line = serde_json::to_string(&rec).unwrap();
        assert_eq!(
            line,
            r#"{"seq":3,"at":"2026-11-22T13:21:31.123Z","by":"ana@bastion","kind":"note","text":"rolled back"}"#
        );
        let back: Record = serde_json::from_str(&line).unwrap();
        assert_eq!(back, rec);
    }
}
