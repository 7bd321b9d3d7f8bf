//! The post-mortem from an incident's timeline. Pure: `facts` folds the
//! records (with the playbook when it could be loaded, for the procedure,
//! severities and post-incident follow-ups) into `Facts`; `markdown`
//! renders them in the playbook's post-mortem template and `json` as a
//! machine-readable document. No clock, no files: the command reads the
//! timeline and writes the result.

pub mod acks;
pub mod after_action;
pub mod contacts;
pub mod json;
pub mod markdown;
pub mod scenario;
pub mod template;

use crate::playbook::Playbook;
use crate::state::Incident;
use crate::timeline::{Event, Mark, Record, Status};
use anyhow::{Result, bail};
use chrono::{DateTime, FixedOffset, SecondsFormat, TimeDelta, Utc};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// What `export --format` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Json,
}

/// Renders the post-mortem of `records` in `format`.
pub fn render(facts: &Facts, format: Format) -> String {
    match format {
        Format::Markdown => markdown::render(facts),
        Format::Json => json::render(facts),
    }
}

/// The version of the JSON document's shape.
pub const JSON_FORMAT: &str = "incident-cockpit.postmortem.v1";

/// A UTC instant, written as the timeline writes it (RFC 3339, ms, `Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ts(pub DateTime<Utc>);

impl Serialize for Ts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

/// Everything the post-mortem says, in both formats.
#[derive(Clone, Debug, Serialize)]
pub struct Facts {
    pub format: &'static str,
    /// The offset local times are shown in (`+00:00`).
    pub time_zone: String,
    pub incident: IncidentFacts,
    /// The post-mortem's key moments (seed 002, section 4).
    pub moments: Moments,
    pub metrics: Metrics,
    pub steps: Steps,
    pub commands: Vec<CommandRun>,
    /// Two-person rule: every proposal, its decision and how it ended.
    pub approvals: Vec<ApprovalFact>,
    pub notes: Vec<NoteFact>,
    pub timers: Vec<TimerFact>,
    /// Regulatory deadlines that hold and whose notice was not sent at the
    /// end of the record (a customer notification not sent, SOC 2 logging).
    pub open_deadlines: Vec<OpenDeadline>,
    pub comms: Vec<CommsFact>,
    /// Every acknowledgement and how it ended; how long each alert that
    /// fired went unowned while firing.
    pub acks: acks::AckFacts,
    /// Who was to be called and for which role (from the playbook).
    pub who_to_call: contacts::WhoToCall,
    /// The playbook's post-incident follow-ups, one per item; `null` when
    /// the playbook could not be loaded.
    pub action_items: Option<Vec<ActionItem>>,
    /// When the playbook says the post-mortem is due.
    pub postmortem: Option<PostmortemDue>,
    /// What the export could not do (a playbook that did not load, lines
    /// of the timeline that could not be read).
    pub warnings: Vec<String>,
    /// How the timeline file stands against its hash chain (set by the
    /// command that read the file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<crate::timeline::chain::Facts>,
    /// The timeline, record for record as written.
    pub records: Vec<Record>,
    #[serde(skip)]
    pub tz: FixedOffset,
    /// The post-mortem's title, header lines and sections: the playbook's
    /// template, or the plain default.
    #[serde(skip)]
    pub shape: template::Shape,
}

/// A procedure the incident worked, and why it was in the checklist.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProcedureFact {
    pub id: String,
    pub name: Option<String>,
    /// `declared`, `with` (the playbook joins it) or `added`.
    pub why: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct IncidentFacts {
    pub id: String,
    pub title: String,
    pub drill: bool,
    pub playbook: String,
    pub playbook_title: Option<String>,
    pub playbook_source: Option<String>,
    pub scenario: Option<String>,
    pub procedure: String,
    pub procedure_name: Option<String>,
    /// Every procedure the incident worked, in checklist order: the
    /// declared one, those the playbook joins to it (`with`) and those
    /// added mid-incident (`added`). Without the playbook: the declared
    /// one and the added ones, as the record says.
    pub procedures: Vec<ProcedureFact>,
    /// The incident commander at the end of the record.
    pub ic: String,
    /// Who held each role at the end of the record (role id → person).
    pub roles: BTreeMap<String, String>,
    pub severity: SeverityFacts,
    pub status: Status,
    pub declared_at: Ts,
    pub resolved_at: Option<Ts>,
    /// Declared → resolved; `null` while ongoing.
    pub duration_seconds: Option<i64>,
    pub conditions: Vec<ConditionFact>,
    /// Seed 002's incident channel, `#incident-YYYY-MM-DD` (the
    /// declaration's day, UTC).
    pub channel: String,
    /// Where `export ID -o` writes the markdown report (the playbook's
    /// `postmortem.file`, default `incidents/YYYY-MM-DD-<slug>.md`);
    /// `null` when the playbook's template is not a safe path.
    pub report_file: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SeverityFacts {
    pub declared: String,
    pub current: String,
    /// The highest reached (the playbook's order, most severe first; without
    /// the playbook, the smallest id: P0 before P1).
    pub highest: String,
    /// Names of these severities from the playbook (id → name).
    pub names: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConditionFact {
    pub condition: String,
    pub at: Ts,
    pub by: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Moment {
    pub seq: u64,
    pub at: Ts,
    pub by: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Moments {
    pub detected: Option<Moment>,
    pub paged: Option<Moment>,
    pub declared: Moment,
    pub root_cause_identified: Option<Moment>,
    pub fix_implemented: Option<Moment>,
    pub resolved: Option<Moment>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Metrics {
    /// Time to detect (MTTD): detection → declared. The detection is the
    /// IC's `detected` mark (the time it names) or else the first alert's
    /// start; `null` when neither, or when it came after the declaration.
    pub time_to_detect_seconds: Option<i64>,
    /// Declared → the first team action (a tick, note, command, severity,
    /// status or role change).
    pub time_to_acknowledge_seconds: Option<i64>,
    pub first_action: Option<FirstAction>,
    /// Declared → resolved.
    pub time_to_resolve_seconds: Option<i64>,
    /// The current severity's response time against when the status first
    /// left Investigating.
    pub response: Option<ResponseFact>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FirstAction {
    pub seq: u64,
    pub kind: &'static str,
    pub at: Ts,
    pub by: String,
    pub summary: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ResponseFact {
    pub severity: String,
    pub target_seconds: i64,
    /// `null` while still investigating.
    pub after_seconds: Option<i64>,
    pub met: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Steps {
    /// Steps ticked at the end of the record.
    pub done: usize,
    /// Steps in the procedure; `null` without the playbook.
    pub total: Option<usize>,
    /// The procedures' detection signs (each a step of its Detection
    /// phase), confirmed or not at the end of the record; empty without
    /// the playbook.
    pub detection: Vec<SignFact>,
}

/// A detection sign and whether the team confirmed it (ticked its step).
#[derive(Clone, Debug, Serialize)]
pub struct SignFact {
    pub procedure: String,
    pub sign: String,
    pub step: String,
    /// When it was ticked (the tick that stands at the end of the record).
    pub confirmed_at: Option<Ts>,
    pub by: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CommandRun {
    pub run: String,
    pub seq: u64,
    pub started_at: Ts,
    pub by: String,
    pub step: String,
    /// As recorded: secrets already redacted.
    pub command: String,
    pub argv: Vec<String>,
    pub risk: String,
    pub confirmation: String,
    pub shell: bool,
    pub drill: bool,
    pub dry_run: bool,
    /// The approved proposal it ran under (two-person rule), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<String>,
    pub finished_at: Option<Ts>,
    /// `null` when no end was recorded.
    pub outcome: Option<String>,
    pub exit: Option<i32>,
    pub signal: Option<String>,
    pub duration_ms: Option<u64>,
}

impl CommandRun {
    /// Ended with exit 0 (a drill's canned run counts as it says).
    pub fn succeeded(&self) -> bool {
        self.exit == Some(0)
    }
}

/// One proposal under the two-person rule.
#[derive(Clone, Debug, Serialize)]
pub struct ApprovalFact {
    pub proposal: String,
    pub step: String,
    /// As recorded: secrets already redacted.
    pub command: String,
    pub params: BTreeMap<String, String>,
    pub risk: String,
    pub reason: String,
    pub proposed_at: Ts,
    /// The proposing seat (`user@host`) and its OS user.
    pub by: String,
    pub user: String,
    pub lapses_at: Ts,
    pub drill: bool,
    /// `null` while nobody decided.
    pub decision: Option<DecisionFact>,
    /// `open`, `rejected`, `lapsed`, `voided` or `ran`.
    pub end: &'static str,
    pub ended_at: Option<Ts>,
    /// Why it was voided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voided_because: Option<String>,
    /// The run it ended in, and that run's outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DecisionFact {
    pub approved: bool,
    pub by: String,
    pub user: String,
    pub at: Ts,
    pub reason: String,
}

/// The proposals of the record, as `Incident` folds them (a decision that
/// broke the rule is not one).
fn approval_facts(inc: &Incident, commands: &[CommandRun]) -> Vec<ApprovalFact> {
    use crate::command::approval::Closed;
    inc.approvals
        .iter()
        .map(|p| {
            let (end, ended_at, voided_because, run) = match &p.closed {
                Some(Closed::Lapsed { at }) => ("lapsed", Some(Ts(*at)), None, None),
                Some(Closed::Voided { at, reason }) => {
                    ("voided", Some(Ts(*at)), Some(reason.clone()), None)
                }
                Some(Closed::Ran { at, run }) => ("ran", Some(Ts(*at)), None, Some(run.clone())),
                None => match &p.decision {
                    Some(d) if !d.approved => ("rejected", Some(Ts(d.at)), None, None),
                    _ => ("open", None, None, None),
                },
            };
            let outcome = run.as_ref().and_then(|id| {
                commands
                    .iter()
                    .find(|c| c.run == *id)
                    .and_then(|c| c.outcome.clone())
            });
            ApprovalFact {
                proposal: p.id.clone(),
                step: p.step.clone(),
                command: p.command.clone(),
                params: p.params.clone(),
                risk: p.risk.clone(),
                reason: p.reason.clone(),
                proposed_at: Ts(p.at),
                by: p.by.clone(),
                user: p.user.clone(),
                lapses_at: Ts(p.lapses_at),
                drill: p.drill,
                decision: p.decision.as_ref().map(|d| DecisionFact {
                    approved: d.approved,
                    by: d.by.clone(),
                    user: d.user.clone(),
                    at: Ts(d.at),
                    reason: d.reason.clone(),
                }),
                end,
                ended_at,
                voided_because,
                run,
                outcome,
            }
        })
        .collect()
}

#[derive(Clone, Debug, Serialize)]
pub struct NoteFact {
    pub seq: u64,
    pub at: Ts,
    pub by: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimerFact {
    pub timer: String,
    pub label: String,
    pub due_at: Ts,
    pub acknowledged_at: Option<Ts>,
    pub acknowledged_by: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct OpenDeadline {
    pub deadline: String,
    pub name: String,
    /// When it is due; `null` when the playbook gives no time limit.
    pub due_at: Option<Ts>,
    /// The template whose sending meets it.
    pub template: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CommsFact {
    pub seq: u64,
    pub at: Ts,
    pub by: String,
    pub template: String,
    pub file: Option<String>,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionItem {
    /// The follow-up group ("Within 24 Hours").
    pub group: Option<String>,
    /// As the playbook writes it (`24h`, `1w`).
    pub within: String,
    pub item: String,
    /// Resolved + within; `null` while unresolved (or if `within` does not
    /// parse).
    pub due: Option<Ts>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PostmortemDue {
    pub within: String,
    pub due: Option<Ts>,
}

/// The kinds that count as the team acting on the incident.
fn is_team_action(e: &Event) -> bool {
    matches!(
        e,
        Event::StepChecked { .. }
            | Event::StepUnchecked { .. }
            | Event::Note { .. }
            | Event::CommandStarted { .. }
            | Event::SeverityChanged { .. }
            | Event::StatusChanged { .. }
            | Event::RoleAssigned { .. }
    )
}

/// Folds the records into the post-mortem's facts. The first record must
/// be the declaration. Without the playbook, steps have no total and there
/// are no action items (the caller says why in `warnings`).
pub fn facts(records: &[Record], playbook: Option<&Playbook>, tz: FixedOffset) -> Result<Facts> {
    let Some(first) = records.first() else {
        bail!("the timeline holds no records");
    };
    let Event::Declared {
        id,
        title,
        severity: declared_severity,
        playbook: playbook_name,
        procedure,
        drill,
        source,
        scenario,
        ..
    } = &first.event
    else {
        bail!(
            "the timeline's first record (seq {}) is a {}, not the declaration",
            first.seq,
            first.event.kind()
        );
    };
    let inc = Incident::replay(records);
    let declared_at = first.at;
    // The checklist the incident worked: its procedures joined.
    let checklist = playbook.map(|pb| crate::playbook::checklist::build(pb, procedure, &inc.added));
    let proc_ = checklist.as_ref().map(|c| &c.joined);
    let procedures: Vec<ProcedureFact> = match &checklist {
        Some(c) => c
            .parts
            .iter()
            .map(|p| ProcedureFact {
                id: p.id.clone(),
                name: Some(p.name.clone()),
                why: p.why.to_string(),
            })
            .collect(),
        None => std::iter::once((procedure.clone(), "declared"))
            .chain(inc.added.iter().map(|a| (a.clone(), "added")))
            .map(|(id, why)| ProcedureFact {
                id,
                name: None,
                why: why.into(),
            })
            .collect(),
    };

    // Severities: every one the incident was at, the highest by the
    // playbook's order (most severe first), else by id.
    let mut seen = vec![declared_severity.clone()];
    for r in records {
        if let Event::SeverityChanged { to, .. } = &r.event {
            seen.push(to.clone());
        }
    }
    let rank = |s: &String| {
        let idx = playbook
            .and_then(|pb| pb.severities.iter().position(|x| &x.id.value == s))
            .unwrap_or(usize::MAX);
        (idx, s.clone())
    };
    let highest = seen
        .iter()
        .min_by_key(|s| rank(s))
        .cloned()
        .unwrap_or_default();
    let mut names = BTreeMap::new();
    for s in [declared_severity, &inc.severity, &highest] {
        if let Some(sev) = playbook.and_then(|pb| pb.severity(s)) {
            names.insert(s.clone(), sev.name.clone());
        }
    }

    // Key moments: the first of each mark; declared; the standing resolution.
    let mark = |m: Mark| {
        records.iter().find_map(|r| match &r.event {
            Event::Marked { mark, text, when } if mark == m.id() => Some(Moment {
                seq: r.seq,
                at: Ts(when.unwrap_or(r.at)),
                by: r.by.clone(),
                text: text.clone(),
            }),
            _ => None,
        })
    };
    // The detection: the IC's latest word on it (the time it names), else
    // the first alert's start at its source.
    let detected = records
        .iter()
        .rev()
        .find_map(|r| match &r.event {
            Event::Marked { mark, text, when } if mark == Mark::Detected.id() => Some(Moment {
                seq: r.seq,
                at: Ts(when.unwrap_or(r.at)),
                by: r.by.clone(),
                text: text.clone(),
            }),
            _ => None,
        })
        .or_else(|| {
            records.iter().find_map(|r| match &r.event {
                Event::AlertFiring {
                    alertname, since, ..
                } => Some(Moment {
                    seq: r.seq,
                    at: Ts(since.unwrap_or(r.at)),
                    by: r.by.clone(),
                    text: format!("first alert {alertname} (no detection marked)"),
                }),
                _ => None,
            })
        });
    let resolved = inc.resolved_at.and_then(|at| {
        records.iter().rev().find_map(|r| match &r.event {
            Event::StatusChanged {
                to: Status::Resolved,
                ..
            }
            | Event::Declared {
                status: Status::Resolved,
                ..
            } if r.at == at => Some(Moment {
                seq: r.seq,
                at: Ts(r.at),
                by: r.by.clone(),
                text: String::new(),
            }),
            _ => None,
        })
    });
    let moments = Moments {
        detected,
        paged: mark(Mark::Paged),
        declared: Moment {
            seq: first.seq,
            at: Ts(declared_at),
            by: first.by.clone(),
            text: String::new(),
        },
        root_cause_identified: mark(Mark::RootCauseIdentified),
        fix_implemented: mark(Mark::FixImplemented),
        resolved,
    };

    // Metrics.
    let secs = |d: TimeDelta| d.num_seconds();
    let time_to_detect_seconds = moments
        .detected
        .as_ref()
        .map(|m| declared_at - m.at.0)
        .filter(|d| *d >= TimeDelta::zero())
        .map(secs);
    let first_action = records[1..]
        .iter()
        .find(|r| is_team_action(&r.event))
        .map(|r| FirstAction {
            seq: r.seq,
            kind: r.event.kind(),
            at: Ts(r.at),
            by: r.by.clone(),
            summary: r.event.summary(),
        });
    let time_to_resolve_seconds = inc.resolved_at.map(|at| secs(at - declared_at));
    let response = playbook
        .and_then(|pb| pb.severity(&inc.severity))
        .and_then(|sev| Some((sev, sev.response_time()?)))
        .and_then(|(sev, resp)| {
            let target = TimeDelta::from_std(resp).ok()?;
            let start = inc.response_start(|id| playbook.and_then(|pb| pb.severity_rank(id)))?;
            // On the incident's clock (drill time in a drill), as the
            // response clock counted it.
            let after = inc
                .identified_at
                .map(|done| (inc.on_clock(done) - inc.on_clock(start)).max(TimeDelta::zero()));
            Some(ResponseFact {
                severity: sev.id.value.clone(),
                target_seconds: secs(target),
                after_seconds: after.map(secs),
                met: after.map(|a| a <= target),
            })
        });
    let metrics = Metrics {
        time_to_detect_seconds,
        time_to_acknowledge_seconds: first_action.as_ref().map(|a| secs(a.at.0 - declared_at)),
        first_action,
        time_to_resolve_seconds,
        response,
    };

    let steps = Steps {
        done: match proc_ {
            Some(p) => p
                .steps()
                .filter(|s| inc.checked.contains_key(&s.id.value))
                .count(),
            None => inc.checked.len(),
        },
        total: proc_.map(|p| p.steps().count()),
        detection: checklist
            .as_ref()
            .map(|c| {
                c.signs
                    .iter()
                    .map(|sg| {
                        let ticked = inc.checked.get(&sg.step);
                        SignFact {
                            procedure: sg.procedure.clone(),
                            sign: sg.text.clone(),
                            step: sg.step.clone(),
                            confirmed_at: ticked.map(|(t, _)| Ts(*t)),
                            by: ticked.map(|(_, b)| b.clone()),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };

    // Open deadlines, as the record leaves them.
    let open_deadlines = playbook
        .map(|pb| {
            let running = crate::clocks::timers(
                pb,
                proc_.unwrap_or(&crate::playbook::model::Procedure::empty()),
                &inc,
            );
            crate::clocks::obligations(pb, &inc)
                .into_iter()
                .map(|d| OpenDeadline {
                    deadline: d.id.value.clone(),
                    name: d.name.clone(),
                    due_at: running
                        .iter()
                        .find(|t| t.id == format!("deadline-{}", d.id.value))
                        .map(|t| Ts(t.due)),
                    template: d.template.as_ref().map(|t| t.value.clone()),
                })
                .collect()
        })
        .unwrap_or_default();

    // Commands, notes, clocks, comms, conditions.
    let mut commands: Vec<CommandRun> = Vec::new();
    let mut notes = Vec::new();
    let mut timers: Vec<TimerFact> = Vec::new();
    let mut comms = Vec::new();
    let mut conditions = Vec::new();
    for r in records {
        match &r.event {
            Event::CommandStarted {
                run,
                step,
                command,
                argv,
                risk,
                confirmation,
                shell,
                drill,
                dry_run,
                approval,
            } => commands.push(CommandRun {
                run: run.clone(),
                seq: r.seq,
                started_at: Ts(r.at),
                by: r.by.clone(),
                step: step.clone(),
                command: command.clone(),
                argv: argv.clone(),
                risk: risk.clone(),
                confirmation: confirmation.clone(),
                shell: *shell,
                drill: *drill,
                dry_run: *dry_run,
                approval: approval.clone(),
                finished_at: None,
                outcome: None,
                exit: None,
                signal: None,
                duration_ms: None,
            }),
            Event::CommandFinished {
                run,
                outcome,
                exit,
                signal,
                duration_ms,
                ..
            } => {
                if let Some(c) = commands
                    .iter_mut()
                    .rev()
                    .find(|c| &c.run == run && c.outcome.is_none())
                {
                    c.finished_at = Some(Ts(r.at));
                    c.outcome = Some(outcome.clone());
                    c.exit = *exit;
                    c.signal = signal.clone();
                    c.duration_ms = Some(*duration_ms);
                }
            }
            Event::Note { text } => notes.push(NoteFact {
                seq: r.seq,
                at: Ts(r.at),
                by: r.by.clone(),
                text: text.clone(),
            }),
            Event::TimerDue { timer, label } => timers.push(TimerFact {
                timer: timer.clone(),
                label: label.clone(),
                due_at: Ts(r.at),
                acknowledged_at: None,
                acknowledged_by: None,
            }),
            Event::TimerAcknowledged { timer, .. } => {
                if let Some(t) = timers
                    .iter_mut()
                    .find(|t| &t.timer == timer && t.acknowledged_at.is_none())
                {
                    t.acknowledged_at = Some(Ts(r.at));
                    t.acknowledged_by = Some(r.by.clone());
                }
            }
            Event::CommsSent {
                template,
                file,
                text,
            } => comms.push(CommsFact {
                seq: r.seq,
                at: Ts(r.at),
                by: r.by.clone(),
                template: template.clone(),
                file: file.clone(),
                text: text.clone(),
            }),
            Event::ConditionSet { condition }
                if !conditions
                    .iter()
                    .any(|c: &ConditionFact| &c.condition == condition) =>
            {
                conditions.push(ConditionFact {
                    condition: condition.clone(),
                    at: Ts(r.at),
                    by: r.by.clone(),
                });
            }
            _ => {}
        }
    }

    // Follow-ups: due from the resolution.
    let due_after = |within: &str| {
        let resolved = inc.resolved_at?;
        let d = crate::time::parse_duration(within).ok()?;
        Some(Ts(resolved + TimeDelta::from_std(d).ok()?))
    };
    let action_items = playbook.map(|pb| {
        pb.followups
            .iter()
            .flat_map(|f| {
                f.items.iter().map(|item| ActionItem {
                    group: f.name.clone(),
                    within: f.within.value.clone(),
                    item: item.clone(),
                    due: due_after(&f.within.value),
                })
            })
            .collect()
    });
    let pm = playbook.and_then(|pb| pb.postmortem.as_ref());
    let postmortem = pm.and_then(|pm| pm.within.as_ref()).map(|w| PostmortemDue {
        within: w.value.clone(),
        due: due_after(&w.value),
    });

    Ok(Facts {
        format: JSON_FORMAT,
        time_zone: tz.to_string(),
        incident: IncidentFacts {
            id: id.clone(),
            title: title.clone(),
            drill: *drill,
            playbook: playbook_name.clone(),
            playbook_title: playbook.map(|pb| pb.title.clone()),
            playbook_source: source.clone(),
            scenario: scenario.clone(),
            procedure: procedure.clone(),
            procedure_name: proc_.map(|p| p.name.clone()),
            procedures,
            ic: inc.ic.clone(),
            roles: inc.roles.clone(),
            severity: SeverityFacts {
                declared: declared_severity.clone(),
                current: inc.severity.clone(),
                highest,
                names,
            },
            status: inc.status.unwrap_or(Status::Investigating),
            declared_at: Ts(declared_at),
            resolved_at: inc.resolved_at.map(Ts),
            duration_seconds: time_to_resolve_seconds,
            conditions,
            channel: crate::playbook::report::channel(declared_at),
            report_file: crate::playbook::report::file_name(
                pm.and_then(|pm| pm.file.as_deref()),
                declared_at,
                title,
                id,
            )
            .ok()
            .map(|p| p.display().to_string()),
        },
        moments,
        metrics,
        steps,
        approvals: approval_facts(&inc, &commands),
        commands,
        notes,
        timers,
        open_deadlines,
        comms,
        acks: acks::ack_facts(
            records,
            inc.resolved_at
                .unwrap_or_else(|| records.last().map_or(declared_at, |r| r.at)),
        ),
        who_to_call: playbook
            .map(|pb| contacts::who_to_call(pb, &inc.roles, &seen))
            .unwrap_or_default(),
        action_items,
        postmortem,
        warnings: Vec::new(),
        record: None,
        records: records.to_vec(),
        tz,
        shape: template::shape(playbook),
    })
}

#[cfg(test)]
mod tests;
