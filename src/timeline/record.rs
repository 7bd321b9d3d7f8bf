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
    /// The ready count of the watched pods dropped, or recovered (every pod
    /// ready again).
    ReadyChanged {
        /// What is watched: `namespace selector`.
        pods: String,
        from_ready: u32,
        from_total: u32,
        ready: u32,
        total: u32,
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
            Event::ReadyChanged { .. } => "ready_changed",
            Event::AlertFiring { .. } => "alert_firing",
            Event::AlertResolved { .. } => "alert_resolved",
            Event::Message { .. } => "message",
            Event::CommandStarted { .. } => "command_started",
            Event::CommandFinished { .. } => "command_finished",
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
            Event::ReadyChanged {
                pods,
                from_ready,
                from_total,
                ready,
                total,
            } => format!(
                "{} ready {pods}: {from_ready}/{from_total} → {ready}/{total}",
                if *total > 0 && ready == total {
                    "recovered:"
                } else {
                    "DROPPED:"
                }
            ),
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
