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
    /// A step ticked: by hand, or by itself when its `verify:` conditions
    /// held (`evidence`: what held, since when).
    StepChecked {
        step: String,
        title: String,
        /// The conditions that held, each `what: seen, since HH:MM:SS UTC`
        /// (empty: ticked by hand).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        evidence: Vec<String>,
        /// A hand tick of a step whose conditions do not all hold: why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    StepUnchecked {
        step: String,
        title: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        evidence: Vec<String>,
        /// An untick of a step that verifies itself: why (it no longer
        /// ticks itself until ticked again by hand).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
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
    /// An alert started firing (once per firing, by fingerprint; drill
    /// alerts have none).
    AlertFiring {
        alertname: String,
        severity: String,
        summary: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        fingerprint: String,
        /// When the alert started firing at its source (Alertmanager's
        /// `startsAt`): the detection time when the IC marks none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        since: Option<DateTime<Utc>>,
    },
    AlertResolved {
        alertname: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        fingerprint: String,
    },
    /// A silence was confirmed in the cockpit; written (and fsynced)
    /// before it is sent to Alertmanager.
    SilenceRequested {
        request: String,
        /// What it was made from: `alert APIDown`, `group APIDown (3)`.
        target: String,
        matchers: Vec<String>,
        #[serde(serialize_with = "ser_at", deserialize_with = "de_at")]
        ends_at: DateTime<Utc>,
        duration: String,
        comment: String,
        created_by: String,
        /// An extension: the silence (this incident's) it replaces.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        extends: Option<String>,
    },
    /// Alertmanager created it.
    SilenceCreated {
        request: String,
        id: String,
        matchers: Vec<String>,
        #[serde(serialize_with = "ser_at", deserialize_with = "de_at")]
        ends_at: DateTime<Utc>,
        /// An extension: the silence it replaced (Alertmanager expired
        /// that one as it created this one).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        extends: Option<String>,
    },
    /// Expiring a silence was confirmed; written before it is sent.
    SilenceExpireRequested {
        request: String,
        id: String,
    },
    SilenceExpired {
        request: String,
        id: String,
    },
    /// Creating or expiring a silence failed (nothing changed).
    SilenceFailed {
        request: String,
        /// `create` or `expire`.
        action: String,
        error: String,
    },
    /// A host metric stayed over the playbook's threshold for its duration.
    ThresholdCrossed {
        metric: String,
        value: f64,
        above: f64,
        /// The threshold's `for` (`10m`), empty when immediate.
        #[serde(default, rename = "for", skip_serializing_if = "String::is_empty")]
        for_: String,
    },
    /// A service figure met the criterion of a severity higher than the
    /// incident's: the cockpit suggested that severity (the IC decides).
    SeveritySuggested {
        severity: String,
        figure: String,
        value: f64,
        /// The criterion's words and bound (`Partial service degradation
        /// (> 50% error rate): > 50`).
        criterion: String,
    },
    /// ...and came back under it.
    ThresholdRecovered {
        metric: String,
        value: f64,
        above: f64,
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
        /// The approved proposal this run uses (two-person rule): a
        /// proposal runs once.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        approval: Option<String>,
    },
    /// Two-person rule: a seat proposes a command that needs a second
    /// person, exactly as it would run, and why. Written before anyone
    /// can decide it.
    ApprovalProposed {
        proposal: String,
        step: String,
        title: String,
        /// The resolved command line and argv, secrets redacted.
        command: String,
        argv: Vec<String>,
        #[serde(default)]
        shell: bool,
        /// Each parameter's value (a secret as `***`).
        #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        params: std::collections::BTreeMap<String, String>,
        risk: String,
        /// What a destructive command's approver types back.
        target: String,
        reason: String,
        /// The proposer's OS user (from its uid; `by` says `$USER@host`).
        user: String,
        #[serde(serialize_with = "ser_at", deserialize_with = "de_at")]
        lapses_at: DateTime<Utc>,
        #[serde(default)]
        drill: bool,
    },
    /// Another OS user approved the proposal (the proposer's seat may run
    /// it once).
    ApprovalGranted {
        proposal: String,
        user: String,
        reason: String,
        /// `typed <target>` for a destructive command, else `enter`.
        confirmation: String,
    },
    ApprovalRejected {
        proposal: String,
        user: String,
        reason: String,
    },
    /// Nobody decided in time, or the approval was not used in time.
    ApprovalLapsed {
        proposal: String,
    },
    /// The proposer withdrew it, or changed a parameter of the approved
    /// command: the approval no longer holds.
    ApprovalVoided {
        proposal: String,
        reason: String,
    },
    /// A moment the IC marks for the post-mortem: `detected`, `paged`,
    /// `root_cause_identified`, `fix_implemented`, ... (see `Mark`).
    Marked {
        mark: String,
        #[serde(default)]
        text: String,
        /// When it happened, if not when it was recorded (the IC says
        /// when the problem was detected, before the declaration).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when: Option<DateTime<Utc>>,
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
    /// A procedure joined the incident's checklist mid-incident (beside
    /// the declared one and those the playbook joins to it): its steps are
    /// ticked as `procedure/step`.
    ProcedureAdded {
        procedure: String,
        /// Its name, as the playbook said when it was added.
        name: String,
        /// The condition whose setting started it (the playbook's
        /// `conditions: [{starts: …}]`); none when added by hand (`P`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<String>,
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
    /// A seat read a record that does not fit the hash chain (a line
    /// edited, removed or moved after it was written): which, and what
    /// differs. Recorded once per record, whichever seats notice.
    ChainBroken {
        /// The record that does not fit (`seq` is this record's own).
        record: u64,
        what: String,
    },
    /// Someone is on an alert or a group (an acknowledgement): who, why,
    /// until when. Nothing is sent to Alertmanager: the alert stays
    /// visible and notifying. A re-ack or a hand-over is a new one.
    AlertAcked {
        /// The acknowledged: `group:ALERTNAME`, or one alert's key.
        ack: String,
        /// For people: `group APIDown`, `alert APIDown {pod=api-1}`.
        target: String,
        /// The seat (`user@host`) who owns it.
        owner: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
        #[serde(serialize_with = "ser_at", deserialize_with = "de_at")]
        until: DateTime<Utc>,
        /// A hand-over: who owned it before.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    /// The acknowledgement ended: `by hand`, or `lapsed` (its time ran
    /// out): the alert is unowned again.
    AlertUnacked {
        ack: String,
        target: String,
        reason: String,
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
            Event::SilenceRequested { .. } => "silence_requested",
            Event::SilenceCreated { .. } => "silence_created",
            Event::SilenceExpireRequested { .. } => "silence_expire_requested",
            Event::SilenceExpired { .. } => "silence_expired",
            Event::SilenceFailed { .. } => "silence_failed",
            Event::ThresholdCrossed { .. } => "threshold_crossed",
            Event::ThresholdRecovered { .. } => "threshold_recovered",
            Event::SeveritySuggested { .. } => "severity_suggested",
            Event::Message { .. } => "message",
            Event::CommandStarted { .. } => "command_started",
            Event::Marked { .. } => "marked",
            Event::RoleAssigned { .. } => "role_assigned",
            Event::ConditionSet { .. } => "condition_set",
            Event::ProcedureAdded { .. } => "procedure_added",
            Event::TimerDue { .. } => "timer_due",
            Event::TimerAcknowledged { .. } => "timer_acknowledged",
            Event::CommsSent { .. } => "comms_sent",
            Event::CommandFinished { .. } => "command_finished",
            Event::AlertAcked { .. } => "alert_acked",
            Event::AlertUnacked { .. } => "alert_unacked",
            Event::ChainBroken { .. } => "chain_broken",
            Event::DrillClock { .. } => "drill_clock",
            Event::InjectFired { .. } => "inject_fired",
            Event::ApprovalProposed { .. } => "approval_proposed",
            Event::ApprovalGranted { .. } => "approval_granted",
            Event::ApprovalRejected { .. } => "approval_rejected",
            Event::ApprovalLapsed { .. } => "approval_lapsed",
            Event::ApprovalVoided { .. } => "approval_voided",
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
            Event::StepChecked {
                step,
                title,
                evidence,
                reason,
            } => {
                if !evidence.is_empty() {
                    format!("✔ {title} [{step}] verified: {}", evidence.join("; "))
                } else if let Some(r) = reason {
                    format!("✔ {title} [{step}] by hand, overriding verify: \"{r}\"")
                } else {
                    format!("✔ {title} [{step}]")
                }
            }
            Event::StepUnchecked {
                step,
                title,
                reason,
                ..
            } => match reason {
                Some(r) => format!("✘ unticked {title} [{step}], overriding verify: \"{r}\""),
                None => format!("✘ unticked {title} [{step}]"),
            },
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
                ..
            } => format!("alert firing {alertname} ({severity}): {summary}"),
            Event::AlertResolved { alertname, .. } => format!("alert resolved {alertname}"),
            Event::SilenceRequested {
                target,
                matchers,
                duration,
                comment,
                extends,
                ..
            } => format!(
                "silence {}requested for {target}, {duration}: {{{}}} \"{comment}\"",
                extends
                    .as_ref()
                    .map(|x| format!("extending {} ", short_id(x)))
                    .unwrap_or_default(),
                matchers.join(", ")
            ),
            Event::SilenceCreated {
                id,
                ends_at,
                extends,
                ..
            } => format!(
                "silence {} created, until {} UTC{}",
                short_id(id),
                ends_at.format("%H:%M"),
                match extends {
                    Some(x) if x == id => " (extended in place)".to_string(),
                    Some(x) => format!(" (extends {}, which it replaces)", short_id(x)),
                    None => String::new(),
                }
            ),
            Event::SilenceExpireRequested { id, .. } => {
                format!("silence {} expiry requested", short_id(id))
            }
            Event::SilenceExpired { id, .. } => format!("silence {} expired", short_id(id)),
            Event::SilenceFailed { action, error, .. } => {
                format!("silence {action} FAILED: {error}")
            }
            Event::ThresholdCrossed {
                metric,
                value,
                above,
                for_,
            } => {
                let dur = if for_.is_empty() {
                    String::new()
                } else {
                    format!(" for {for_}")
                };
                format!("threshold {metric} {value:.1} over {above}{dur}")
            }
            Event::ThresholdRecovered {
                metric,
                value,
                above,
            } => format!("threshold {metric} back to {value:.1} (≤ {above})"),
            Event::SeveritySuggested {
                severity,
                figure,
                value,
                criterion,
            } => format!("severity {severity} suggested: {figure} {value:.1} meets {criterion}"),
            Event::Message { from, text } => format!("message from {from}: {text}"),
            Event::CommandStarted {
                command,
                risk,
                confirmation,
                drill,
                dry_run,
                approval,
                ..
            } => format!(
                "{}{}$ {command} ({risk}, {confirmation}{})",
                if *drill { "[drill, not executed] " } else { "" },
                if *dry_run { "dry run " } else { "" },
                approval
                    .as_ref()
                    .map(|p| format!(", approved {p}"))
                    .unwrap_or_default()
            ),
            Event::ApprovalProposed {
                proposal,
                command,
                reason,
                ..
            } => format!("⚖ {proposal} proposed, needs a second person: $ {command} \"{reason}\""),
            Event::ApprovalGranted {
                proposal,
                user,
                reason,
                ..
            } => format!("⚖ {proposal} APPROVED by {user}: \"{reason}\""),
            Event::ApprovalRejected {
                proposal,
                user,
                reason,
            } => format!("⚖ {proposal} REJECTED by {user}: \"{reason}\""),
            Event::ApprovalLapsed { proposal } => format!("⚖ {proposal} lapsed"),
            Event::AlertAcked {
                target,
                owner,
                note,
                until,
                from,
                ..
            } => format!(
                "✋ {target} acknowledged by {owner}{} until {} UTC{}",
                from.as_ref()
                    .map(|f| format!(" (handed over from {f})"))
                    .unwrap_or_default(),
                until.format("%H:%M"),
                if note.is_empty() {
                    String::new()
                } else {
                    format!(": \"{note}\"")
                }
            ),
            Event::AlertUnacked { target, reason, .. } => {
                format!("✋ {target} no longer acknowledged ({reason}): unowned")
            }
            Event::ApprovalVoided { proposal, reason } => {
                format!("⚖ {proposal} voided: {reason}")
            }
            Event::Marked { mark, text, when } => {
                let t = if text.is_empty() {
                    String::new()
                } else {
                    format!(": {text}")
                };
                let w = when
                    .map(|w| format!(" at {}", w.format("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_default();
                format!("◆ {}{w}{t}", Mark::label_of(mark))
            }
            Event::RoleAssigned { role, person } => format!("role {role} → {person}"),
            Event::ConditionSet { condition } => format!("condition set: {condition}"),
            Event::ProcedureAdded {
                procedure,
                name,
                condition,
            } => match condition {
                Some(c) => format!("procedure added: {name} ({procedure}), as {c} was set"),
                None => format!("procedure added: {name} ({procedure})"),
            },
            Event::TimerDue { label, .. } => format!("⚑ DUE: {label}"),
            Event::ChainBroken { record, what } => {
                format!("⚠ the record is not as written at record {record}: {what}")
            }
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
                    incident_cockpit_time::stamp_ms(to_ms.unwrap_or(0))
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
                    incident_cockpit_time::stamp_ms(*drill_ms)
                ),
                None => format!(
                    "↯ ad hoc inject at {}: {summary}",
                    incident_cockpit_time::stamp_ms(*drill_ms)
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
                    incident_cockpit_time::human_ms(*duration_ms)
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

/// The first 8 characters of a silence id (a UUID), as the pane shows it.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
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
    /// Where the record stands on a shared store (empty on local files).
    #[serde(flatten)]
    pub share: Share,
}

/// A record's place: on a shared store, its message id and whether it was
/// written while its host was cut off and shared later (both left out of
/// the line when empty); in the file, its link to the line before.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// `msg_id` in the line: a declaration has an `id` of its own.
    #[serde(default, rename = "msg_id", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub offline: bool,
    /// The hash of the line before this one ([`super::chain`]): set by the
    /// store as it writes the line, never by whoever made the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// In a shared store's mirror, the message this record came in, when
    /// that is not simply "message n is record n" (a message holding a
    /// batch of records, and every record after one): set by the mirror
    /// as it writes the line, never taken from the record's writer.
    #[serde(default, rename = "store_msg", skip_serializing_if = "Option::is_none")]
    pub pos: Option<StorePos>,
}

/// Where a mirror's record stands in the store's subject: part `part` of
/// the `of` records of the message with stream sequence `msg`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StorePos {
    #[serde(rename = "seq")]
    pub msg: u64,
    pub part: u32,
    pub of: u32,
}

impl StorePos {
    /// A message holding one record.
    pub fn single(msg: u64) -> StorePos {
        StorePos {
            msg,
            part: 0,
            of: 1,
        }
    }

    /// The last of its message's records.
    pub fn completes(&self) -> bool {
        self.part + 1 >= self.of
    }

    /// Where the record after this one stands.
    pub fn next(&self) -> StorePos {
        if self.completes() {
            StorePos::single(self.msg + 1)
        } else {
            StorePos {
                part: self.part + 1,
                ..*self
            }
        }
    }

    /// What the line says for a record numbered `seq` at this position:
    /// nothing in the plain case (record n, message n, alone), which is
    /// also how a line without it is read ([`Share::pos_of`]).
    pub fn in_line(self, seq: u64) -> Option<StorePos> {
        (self.of != 1 || self.msg != seq).then_some(self)
    }
}

impl Share {
    /// Where the record numbered `seq` stands in the store's subject.
    pub fn pos_of(&self, seq: u64) -> StorePos {
        self.pos.unwrap_or(StorePos::single(seq))
    }
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
            share: Default::default(),
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

    #[test]
    fn alert_records_from_before_fingerprints_still_read() {
        let old = r#"{"seq":4,"at":"2026-11-22T13:01:00.000Z","by":"a@b","kind":"alert_firing","alertname":"APIDown","severity":"critical","summary":"down"}"#;
        let r: Record = serde_json::from_str(old).unwrap();
        assert!(
            matches!(r.event, Event::AlertFiring { ref fingerprint, .. } if fingerprint.is_empty())
        );
        let old = r#"{"seq":5,"at":"2026-11-22T13:02:00.000Z","by":"a@b","kind":"alert_resolved","alertname":"APIDown"}"#;
        let r: Record = serde_json::from_str(old).unwrap();
        // Written back, it is the same line: no empty fingerprint appears.
        assert_eq!(serde_json::to_string(&r).unwrap(), old);
    }

    #[test]
    fn silence_and_threshold_records_round_trip() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T15:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for ev in [
            Event::SilenceRequested {
                request: "s1".into(),
                target: "group APIDown (2)".into(),
                matchers: vec!["alertname=\"APIDown\"".into()],
                ends_at: at,
                duration: "2h".into(),
                comment: "rolling back".into(),
                created_by: "ana@bastion".into(),
                extends: None,
            },
            Event::SilenceCreated {
                request: "s1".into(),
                id: "5f2c9a4e-1111".into(),
                matchers: vec!["alertname=\"APIDown\"".into()],
                ends_at: at,
                extends: None,
            },
            Event::SilenceRequested {
                request: "s2".into(),
                target: "silence 5f2c9a4e".into(),
                matchers: vec!["alertname=\"APIDown\"".into()],
                ends_at: at,
                duration: "1h".into(),
                comment: "rolling back (extends 5f2c9a4e-1111)".into(),
                created_by: "ana@bastion".into(),
                extends: Some("5f2c9a4e-1111".into()),
            },
            Event::SilenceCreated {
                request: "s2".into(),
                id: "77aa0000-2222".into(),
                matchers: vec!["alertname=\"APIDown\"".into()],
                ends_at: at,
                extends: Some("5f2c9a4e-1111".into()),
            },
            Event::ThresholdCrossed {
                metric: "cpu".into(),
                value: 95.5,
                above: 90.0,
                for_: "10m".into(),
            },
        ] {
            let rec = Record {
                share: Default::default(),
                seq: 1,
                at,
                by: "ana@bastion".into(),
                event: ev,
            };
            let line = serde_json::to_string(&rec).unwrap();
            assert_eq!(
                serde_json::from_str::<Record>(&line).unwrap(),
                rec,
                "{line}"
            );
        }
    }
}
