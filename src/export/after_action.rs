//! A drill's after-action report: how the team did against the script and
//! the clocks. Pure: from the drill's records (with the playbook for the
//! phases and response times, and the scenario for the injects that never
//! fired, when they can be loaded) to markdown. Everything taken from
//! records is made inert as in the post-mortem.
//!
//! - for each inject (scripted or ad hoc): when it fired, what it did, the
//!   team's first response after it (a tick, a command, a note, a severity
//!   or status change) and how long that took (wall time);
//! - the response clock, the phase time boxes (met, missed, not reached),
//!   the escalations and other clocks that fell due and whether they were
//!   acknowledged: these followed the drill clock (`Incident::on_clock`),
//!   so each is judged on drill time and given in wall time too;
//! - the alert acknowledgements and how long each alert went unowned
//!   while firing (as in the post-mortem);
//! - the commands attempted (drill runs: nothing was executed);
//! - how the facilitator ran the drill clock;
//! - the debrief's material: the notes, the communications as sent and the
//!   timeline (the post-mortem's sections, `markdown::debrief`);
//! - a summary of all of it.

use super::markdown::{code_cell, text};
use super::{Facts, facts};
use crate::drill::Scenario;
use crate::drill::clock::{Clock, stamp, stamp_ms};
use crate::playbook::Playbook;
use crate::playbook::lint::parse_timebox;
use crate::time::countdown;
use crate::timeline::{ClockChange, Event, Record};
use anyhow::{Result, bail};
use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use std::fmt::Write;

/// The report's sections (level-2 headings), in order.
pub const SECTIONS: [&str; 10] = [
    "Summary",
    "Injects",
    "Clocks",
    "Escalations",
    "Acknowledgements",
    "Commands Attempted",
    "Drill Clock",
    "Notes",
    "Communications",
    "Timeline",
];

/// What counts as the team responding.
fn is_response(e: &Event) -> bool {
    matches!(
        e,
        Event::StepChecked { .. }
            | Event::CommandStarted { .. }
            | Event::Note { .. }
            | Event::SeverityChanged { .. }
            | Event::StatusChanged { .. }
    )
}

/// How a response reads in the report.
fn response_text(e: &Event) -> String {
    match e {
        Event::StepChecked { title, .. } => format!("ticked {title}"),
        Event::CommandStarted { command, .. } => format!("ran {command}"),
        Event::Note { text } => {
            let first = text.lines().next().unwrap_or("");
            format!("note: {first}")
        }
        Event::SeverityChanged { from, to } => format!("severity {from} → {to}"),
        Event::StatusChanged { from, to } => format!("status {from} → {to}"),
        other => other.summary(),
    }
}

/// One inject as it went.
#[derive(Clone, Debug, PartialEq)]
pub struct InjectOutcome {
    /// Its number in the script (from 1); `None` for an ad hoc inject.
    pub number: Option<u32>,
    pub at: DateTime<Utc>,
    pub drill_ms: u64,
    pub summary: String,
    /// The team's first response after it: when, who, what.
    pub response: Option<(DateTime<Utc>, String, String)>,
}

impl InjectOutcome {
    pub fn response_after(&self) -> Option<TimeDelta> {
        self.response.as_ref().map(|(t, _, _)| *t - self.at)
    }
}

/// Every inject that fired, with the team's first response after it.
pub fn injects(records: &[Record]) -> Vec<InjectOutcome> {
    let mut out = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let Event::InjectFired {
            inject,
            drill_ms,
            summary,
            ..
        } = &r.event
        else {
            continue;
        };
        let response = records[i + 1..]
            .iter()
            .find(|x| is_response(&x.event))
            .map(|x| (x.at, x.by.clone(), response_text(&x.event)));
        out.push(InjectOutcome {
            number: inject.map(|n| n + 1),
            at: r.at,
            drill_ms: *drill_ms,
            summary: summary.clone(),
            response,
        });
    }
    out
}

/// How a phase's time box went.
#[derive(Clone, Debug, PartialEq)]
pub enum Timebox {
    /// Every step ticked by the end of the time box (when the last was).
    Met(DateTime<Utc>),
    /// Finished after the time box ended, or not at all when it ended.
    Missed(Option<DateTime<Utc>>),
    /// The drill ended before the time box did, the phase not finished.
    NotReached,
}

/// One phase's time box in a drill: it follows the drill clock, so it ends
/// at a drill time, reached at some wall time (or never).
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseBox {
    pub name: String,
    pub timebox: String,
    /// Drill time the time box ends at.
    pub ends: TimeDelta,
    /// The wall time of the first record at or after the drill reached
    /// `ends` (the drill clock reached it between that record and the one
    /// before); `None` when the drill never did.
    pub reached: Option<DateTime<Utc>>,
    pub result: Timebox,
}

/// Each phase with a time box and how it went, on drill time.
pub fn timeboxes(records: &[Record], pb: &Playbook, procedure: &str) -> Vec<PhaseBox> {
    if records.is_empty() || pb.procedure(procedure).is_none() {
        return Vec::new();
    }
    let inc = crate::state::Incident::replay(records);
    let last = records
        .last()
        .map_or(TimeDelta::zero(), |r| inc.drill_time_at(r.at));
    // Every procedure of the checklist, each phase with its time box.
    let checklist = crate::playbook::checklist::build(pb, procedure, &inc.added);
    let proc_ = &checklist.joined;
    let mut out = Vec::new();
    for ph in &proc_.phases {
        let Some(tb) = &ph.timebox else { continue };
        let Ok((_, end)) = parse_timebox(&tb.value) else {
            continue;
        };
        let ends = TimeDelta::from_std(end).unwrap_or_default();
        let reached = records
            .iter()
            .find(|r| inc.drill_time_at(r.at) >= ends)
            .map(|r| r.at);
        let done = ph
            .steps
            .iter()
            .map(|s| inc.checked.get(&s.id.value).map(|(t, _)| *t))
            .collect::<Option<Vec<_>>>()
            .and_then(|v| v.into_iter().max());
        let result = match done {
            Some(t) if inc.drill_time_at(t) <= ends => Timebox::Met(t),
            Some(t) => Timebox::Missed(Some(t)),
            None if last >= ends => Timebox::Missed(None),
            None => Timebox::NotReached,
        };
        out.push(PhaseBox {
            name: ph.name.clone(),
            timebox: tb.value.clone(),
            ends,
            reached,
            result,
        });
    }
    out
}

fn mmss(d: TimeDelta) -> String {
    countdown(d.max(TimeDelta::zero()))
}

struct Doc<'a> {
    f: &'a Facts,
    /// Drill time at each record (by index).
    drill_at: Vec<TimeDelta>,
    /// The record folded: the drill clock at any moment, the response.
    inc: crate::state::Incident,
    playbook: Option<&'a Playbook>,
}

impl Doc<'_> {
    fn local(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.f.tz).format("%H:%M:%S").to_string()
    }

    /// Drill time at a wall time (the clock as the record had it then).
    fn drill_at_time(&self, t: DateTime<Utc>) -> TimeDelta {
        self.inc.drill_time_at(t)
    }
}

/// The after-action report of a drill's records.
pub fn render(
    records: &[Record],
    playbook: Option<&Playbook>,
    scenario: Option<&Scenario>,
    tz: FixedOffset,
) -> Result<String> {
    let f = facts(records, playbook, tz)?;
    if !f.incident.drill {
        bail!(
            "{} is a real incident, not a drill: it has a post-mortem, not an after-action report",
            f.incident.id
        );
    }
    let mut clock = Clock::start(records[0].at);
    let drill_at = records
        .iter()
        .map(|r| {
            clock.apply_record(r);
            clock.at(r.at)
        })
        .collect();
    let d = Doc {
        f: &f,
        drill_at,
        inc: crate::state::Incident::replay(records),
        playbook,
    };
    let fired = injects(records);
    let boxes = playbook
        .map(|pb| timeboxes(records, pb, &f.incident.procedure))
        .unwrap_or_default();

    let mut o = String::new();
    let i = &f.incident;
    let _ = writeln!(o, "# After-Action Report: [DRILL] {}\n", text(&i.title));
    let _ = writeln!(
        o,
        "Drill `{}`{} · {} · declared {} by {}\n",
        text(&i.id),
        i.scenario
            .as_ref()
            .map(|s| format!(" of scenario {}", code_cell(s)))
            .unwrap_or_default(),
        match (&i.procedure_name, &i.playbook_title) {
            (Some(p), Some(pb)) => format!("{} ({})", text(p), text(pb)),
            _ => format!("{} ({})", text(&i.procedure), text(&i.playbook)),
        },
        records[0]
            .at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M:%S %:z"),
        text(&records[0].by),
    );
    if i.procedures.len() > 1 {
        let _ = writeln!(
            o,
            "Procedures worked: {}\n",
            super::markdown::procedures_line(&i.procedures)
        );
    }
    summary(&mut o, &d, &fired, &boxes, scenario);
    injects_section(&mut o, &d, &fired, scenario);
    clocks_section(&mut o, &d, &boxes);
    escalations(&mut o, &d);
    let resolved = f.moments.resolved.is_some();
    let _ = writeln!(o, "## Acknowledgements\n");
    super::acks::markdown(&mut o, &f.acks, resolved, &|t| d.local(t.0));
    commands(&mut o, &d);
    drill_clock(&mut o, &d);
    // What the facilitator debriefs from: the notes, the communications as
    // sent and the timeline, as the post-mortem has them.
    super::markdown::debrief(&mut o, &f);
    for w in &f.warnings {
        let _ = writeln!(o, "> Warning: {}\n", text(w));
    }
    Ok(o)
}

fn summary(
    o: &mut String,
    d: &Doc,
    fired: &[InjectOutcome],
    boxes: &[PhaseBox],
    scenario: Option<&Scenario>,
) {
    let f = d.f;
    let first = &f.records[0];
    let last = f.records.last().unwrap_or(first);
    let _ = writeln!(o, "## Summary\n");
    let _ = writeln!(
        o,
        "- Ran {} of wall time (to the last record at {}), reaching drill time {}; status at the end: {}",
        mmss(last.at - first.at),
        d.local(last.at),
        stamp(d.drill_at.last().copied().unwrap_or_default()),
        f.incident.status
    );
    let scripted = fired.iter().filter(|x| x.number.is_some()).count();
    let adhoc = fired.len() - scripted;
    let of = scenario.map_or_else(String::new, |s| format!(" of {}", s.injects.len()));
    let answered: Vec<TimeDelta> = fired.iter().filter_map(|x| x.response_after()).collect();
    let mut line = format!("- Injects: {scripted}{of} scripted fired");
    if adhoc > 0 {
        let _ = write!(line, ", {adhoc} ad hoc");
    }
    let _ = write!(
        line,
        "; the team responded after {} of {}",
        answered.len(),
        fired.len()
    );
    if !answered.is_empty() {
        let mut sorted = answered.clone();
        sorted.sort();
        let median = sorted[sorted.len() / 2];
        let slowest = sorted[sorted.len() - 1];
        let _ = write!(
            line,
            " (median {}, slowest {})",
            mmss(median),
            mmss(slowest)
        );
    }
    let _ = writeln!(o, "{line}");
    let _ = writeln!(o, "- Response clock: {}", response_line(d));
    if !boxes.is_empty() {
        let count = |p: fn(&Timebox) -> bool| boxes.iter().filter(|b| p(&b.result)).count();
        let _ = writeln!(
            o,
            "- Phase time boxes: {} met, {} missed, {} not reached",
            count(|t| matches!(t, Timebox::Met(_))),
            count(|t| matches!(t, Timebox::Missed(_))),
            count(|t| matches!(t, Timebox::NotReached)),
        );
    }
    let esc: Vec<_> = f
        .timers
        .iter()
        .filter(|t| !t.timer.starts_with("phase-") && !t.timer.starts_with("response-"))
        .collect();
    let acked = esc.iter().filter(|t| t.acknowledged_at.is_some()).count();
    let _ = writeln!(
        o,
        "- Escalations and other clocks that fell due: {}, {} acknowledged, {} not",
        esc.len(),
        acked,
        esc.len() - acked
    );
    let nonzero = f.commands.iter().filter(|c| !c.succeeded()).count();
    let _ = writeln!(
        o,
        "- Commands attempted: {} (drill: none executed){}",
        f.commands.len(),
        if nonzero > 0 {
            format!(", {nonzero} answered with a failure")
        } else {
            String::new()
        }
    );
    let _ = match f.steps.total {
        Some(t) => writeln!(o, "- Steps done: {} of {t}", f.steps.done),
        None => writeln!(o, "- Steps done: {}", f.steps.done),
    };
    super::markdown::detection_signs(o, f);
    o.push('\n');
}

/// The response clock, judged on drill time (it followed the drill
/// clock), with the wall time it took beside it.
fn response_line(d: &Doc) -> String {
    let f = d.f;
    let Some(r) = &f.metrics.response else {
        return "no response time for this severity".into();
    };
    let target = TimeDelta::seconds(r.target_seconds);
    let inc = &d.inc;
    let start = inc.response_start(|id| d.playbook.and_then(|pb| pb.severity_rank(id)));
    let wall = start
        .zip(inc.identified_at)
        .map(|(s, done)| mmss(done - s))
        .unwrap_or_default();
    match (r.after_seconds, r.met) {
        (Some(a), Some(met)) => format!(
            "{} target {} {}: out of Investigating after {} of drill time ({wall} wall time)",
            text(&r.severity),
            mmss(target),
            if met { "met" } else { "missed" },
            mmss(TimeDelta::seconds(a))
        ),
        _ => {
            let last = f.records.last().map_or(f.records[0].at, |x| x.at);
            let reached = start.is_some_and(|s| inc.on_clock(last) - inc.on_clock(s) > target);
            if reached {
                format!(
                    "{} target {} missed: still Investigating at the end",
                    text(&r.severity),
                    mmss(target)
                )
            } else {
                format!(
                    "{} target {} not decided: still Investigating when the drill ended",
                    text(&r.severity),
                    mmss(target)
                )
            }
        }
    }
}

fn injects_section(o: &mut String, d: &Doc, fired: &[InjectOutcome], scenario: Option<&Scenario>) {
    let _ = writeln!(o, "## Injects\n");
    if fired.is_empty() {
        let _ = writeln!(o, "No inject fired.\n");
    } else {
        let _ = writeln!(
            o,
            "| # | Drill time | At | Inject | First response | After |\n|---|---|---|---|---|---|"
        );
        for x in fired {
            let (resp, after) = match &x.response {
                Some((_, by, what)) => (
                    format!("{} ({})", text(what), text(by)),
                    mmss(x.response_after().unwrap_or_default()),
                ),
                None => ("none".to_string(), "—".to_string()),
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} |",
                x.number.map_or("ad hoc".into(), |n| n.to_string()),
                stamp_ms(x.drill_ms),
                d.local(x.at),
                text(&x.summary),
                resp,
                after
            );
        }
        o.push('\n');
        let _ = writeln!(
            o,
            "Response times are wall time from the inject to the team's first tick, command, note, severity or status change after it.\n"
        );
    }
    if let Some(s) = scenario {
        let done: std::collections::BTreeSet<u32> = fired.iter().filter_map(|x| x.number).collect();
        let missing: Vec<String> = s
            .timed_injects()
            .iter()
            .enumerate()
            .filter(|(i, _)| !done.contains(&(*i as u32 + 1)))
            .map(|(i, inj)| {
                format!(
                    "- {} at {}: {}",
                    i + 1,
                    stamp(TimeDelta::from_std(inj.offset()).unwrap_or_default()),
                    text(&inj.summary())
                )
            })
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(o, "Not reached before the drill ended:\n");
            for m in missing {
                let _ = writeln!(o, "{m}");
            }
            o.push('\n');
        }
    }
}

fn clocks_section(o: &mut String, d: &Doc, boxes: &[PhaseBox]) {
    let _ = writeln!(o, "## Clocks\n");
    let _ = writeln!(
        o,
        "These clocks followed the drill clock: the response clock, the phase time boxes, the escalations, the regulatory deadlines and the comms cadence paused, sped up and jumped with it, so each is judged on drill time (`T+`) and its wall time is given beside it. The elapsed time and the team's response times are wall time.\n"
    );
    let _ = writeln!(o, "- Response clock: {}\n", response_line(d));
    if boxes.is_empty() {
        let _ = writeln!(o, "No phase of this procedure has a time box.\n");
        return;
    }
    let _ = writeln!(o, "| Phase | Time box | Ends | Result |\n|---|---|---|---|");
    for b in boxes {
        let at = |t: DateTime<Utc>| format!("{} ({})", stamp(d.drill_at_time(t)), d.local(t));
        let r = match &b.result {
            Timebox::Met(t) => format!("met: done at {}", at(*t)),
            Timebox::Missed(Some(t)) => format!("missed: done at {}", at(*t)),
            Timebox::Missed(None) => "missed: not done".into(),
            Timebox::NotReached => "not reached: the drill ended first".into(),
        };
        let ends = match b.reached {
            Some(t) => format!("{} (reached {})", stamp(b.ends), d.local(t)),
            None => stamp(b.ends),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            text(&b.name),
            text(&b.timebox),
            ends,
            r
        );
    }
    o.push('\n');
}

fn escalations(o: &mut String, d: &Doc) {
    let f = d.f;
    let _ = writeln!(o, "## Escalations\n");
    if f.timers.is_empty() {
        let _ = writeln!(o, "No clock fell due.\n");
        return;
    }
    let _ = writeln!(
        o,
        "| Fell due | Drill time | Clock | Acknowledged | After |\n|---|---|---|---|---|"
    );
    for t in &f.timers {
        let (ack, after) = match (t.acknowledged_at, &t.acknowledged_by) {
            (Some(at), by) => (
                format!(
                    "{}{}",
                    d.local(at.0),
                    by.as_ref()
                        .map(|b| format!(" by {}", text(b)))
                        .unwrap_or_default()
                ),
                mmss(at.0 - t.due_at.0),
            ),
            (None, _) => ("not acknowledged".into(), "—".into()),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            d.local(t.due_at.0),
            stamp(d.drill_at_time(t.due_at.0)),
            text(&t.label),
            ack,
            after
        );
    }
    o.push('\n');
}

fn commands(o: &mut String, d: &Doc) {
    let f = d.f;
    let _ = writeln!(o, "## Commands Attempted\n");
    if f.commands.is_empty() {
        let _ = writeln!(o, "No command was attempted.\n");
    } else {
        command_table(o, d);
    }
    // Two-person rule: what was proposed, decided, and how it ended.
    super::markdown::approvals(o, f, &|t| d.local(t.0));
}

fn command_table(o: &mut String, d: &Doc) {
    let f = d.f;
    let _ = writeln!(
        o,
        "| At | Drill time | Who | Step | Command | Canned answer |\n|---|---|---|---|---|---|"
    );
    for c in &f.commands {
        let outcome = match (&c.outcome, c.exit) {
            (Some(out), _) if c.drill => format!("{} (not executed)", text(out)),
            (Some(out), _) => text(out),
            (None, _) => "no end recorded".into(),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            d.local(c.started_at.0),
            stamp(d.drill_at_time(c.started_at.0)),
            text(&c.by),
            text(&c.step),
            code_cell(&c.command),
            outcome
        );
    }
    o.push('\n');
}

fn drill_clock(o: &mut String, d: &Doc) {
    let _ = writeln!(o, "## Drill Clock\n");
    let changes: Vec<(usize, &Record)> =
        d.f.records
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r.event, Event::DrillClock { .. }))
            .collect();
    if changes.is_empty() {
        let _ = writeln!(o, "The drill clock ran at 1x throughout.\n");
        return;
    }
    let _ = writeln!(o, "| At | Drill time | Who | Change |\n|---|---|---|---|");
    for (i, r) in changes {
        let what = match &r.event {
            Event::DrillClock {
                change: ClockChange::Jumped,
                to_ms,
                ..
            } => format!("jumped to {}", stamp_ms(to_ms.unwrap_or(0))),
            Event::DrillClock {
                change: ClockChange::Speed,
                speed,
                ..
            } => format!("speed {}x", speed.unwrap_or(1)),
            Event::DrillClock {
                change: ClockChange::Paused,
                ..
            } => "paused".into(),
            _ => "resumed".into(),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            d.local(r.at),
            stamp(d.drill_at[i]),
            text(&r.by),
            what
        );
    }
    o.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Status;

    use crate::testkit::at as t;

    fn utc() -> FixedOffset {
        FixedOffset::east_opt(0).unwrap()
    }

    fn fired(n: Option<u32>, ms: u64, summary: &str) -> Event {
        Event::InjectFired {
            inject: n,
            drill_ms: ms,
            summary: summary.into(),
            from: None,
            text: None,
        }
    }

    fn clock(change: ClockChange, speed: Option<u32>) -> Event {
        Event::DrillClock {
            change,
            speed,
            to_ms: None,
        }
    }

    /// A drill by hand: two scripted injects and an ad hoc one, a pause, a
    /// speed change, a drill run, a clock acknowledged and one not, the
    /// response clock missed.
    fn records() -> Vec<Record> {
        let ana = "ana@bastion";
        let fac = "fay@bastion";
        let evs: Vec<(i64, &str, Event)> = vec![
            (
                0,
                ana,
                Event::Declared {
                    id: "drill-1".into(),
                    title: "API | down".into(),
                    severity: "P0".into(),
                    status: Status::Investigating,
                    ic: "ana".into(),
                    playbook: "dicps".into(),
                    procedure: "api-outage".into(),
                    drill: true,
                    source: Some("bundled:dicps.yaml".into()),
                    scenario: Some("api-outage".into()),
                    watch: Default::default(),
                },
            ),
            (
                15,
                ana,
                fired(Some(0), 15_000, "pod api-1: CrashLoopBackOff"),
            ),
            (
                15,
                ana,
                Event::PodChanged {
                    pod: "api-1".into(),
                    from: "Running".into(),
                    to: "CrashLoopBackOff".into(),
                },
            ),
            (
                40,
                ana,
                Event::StepChecked {
                    step: "verify-outage".into(),
                    title: "Verify the outage".into(),
                    evidence: Vec::new(),
                    reason: None,
                },
            ),
            (50, fac, clock(ClockChange::Paused, None)),
            (
                60,
                fac,
                Event::InjectFired {
                    inject: None,
                    drill_ms: 50_000,
                    summary: "message from Legal: notify?".into(),
                    from: Some("Legal".into()),
                    text: Some("notify?".into()),
                },
            ),
            (
                60,
                fac,
                Event::Message {
                    from: "Legal".into(),
                    text: "notify?".into(),
                },
            ),
            (70, fac, clock(ClockChange::Resumed, None)),
            (80, fac, clock(ClockChange::Speed, Some(5))),
            (
                90,
                "bo@bastion",
                Event::CommandStarted {
                    run: "r1".into(),
                    step: "pod-status".into(),
                    command: "kubectl get pods -n identity-platform".into(),
                    argv: vec![],
                    risk: "read".into(),
                    confirmation: "enter".into(),
                    shell: false,
                    drill: true,
                    dry_run: false,
                    approval: None,
                },
            ),
            (
                90,
                "bo@bastion",
                Event::CommandFinished {
                    run: "r1".into(),
                    outcome: "exit 0".into(),
                    exit: Some(0),
                    signal: None,
                    duration_ms: 0,
                    first_lines: vec![],
                    last_lines: vec![],
                    drill: true,
                },
            ),
            (
                100,
                ana,
                fired(Some(1), 180_000, "figures: Error rate 58.2%"),
            ),
            (
                900,
                ana,
                Event::TimerDue {
                    timer: "response-P0-1".into(),
                    label: "P0 response time (15m)".into(),
                },
            ),
            (
                905,
                ana,
                Event::TimerDue {
                    timer: "escalation-0-P0-1".into(),
                    label: "Escalate to VP Engineering".into(),
                },
            ),
            (
                960,
                ana,
                Event::TimerAcknowledged {
                    timer: "response-P0-1".into(),
                    label: "P0 response time (15m)".into(),
                },
            ),
            (
                1100,
                ana,
                Event::StatusChanged {
                    from: Status::Investigating,
                    to: Status::Identified,
                },
            ),
        ];
        crate::testkit::records_at(evs)
    }

    fn playbook() -> Playbook {
        crate::playbook::load_bundled("dicps.yaml").unwrap()
    }

    #[test]
    fn each_inject_and_the_first_response_after_it() {
        let out = injects(&records());
        let got: Vec<(Option<u32>, Option<i64>)> = out
            .iter()
            .map(|x| (x.number, x.response_after().map(|d| d.num_seconds())))
            .collect();
        // #1 at 15 s: the tick at 40 s. The ad hoc one at 60 s: the drill
        // run at 90 s. #2 at 100 s: the status change at 1100 s.
        assert_eq!(
            got,
            vec![(Some(1), Some(25)), (None, Some(30)), (Some(2), Some(1000))]
        );
        assert_eq!(out[1].response.as_ref().unwrap().1, "bo@bastion");
    }

    fn rec_at(seq: usize, secs: i64, event: Event) -> Record {
        Record {
            share: Default::default(),
            seq: seq as u64,
            at: t(secs),
            by: "ana@bastion".into(),
            event,
        }
    }

    /// Every step of the first phase ticked, from `secs` a second apart.
    fn tick_first_phase(recs: &mut Vec<Record>, secs: i64) {
        let pb = playbook();
        let steps: Vec<_> = pb.procedure("api-outage").unwrap().phases[0]
            .steps
            .iter()
            .map(|s| s.id.value.clone())
            .collect();
        for (k, id) in steps.into_iter().enumerate() {
            let n = recs.len() + 1;
            recs.push(rec_at(
                n,
                secs + k as i64,
                Event::StepChecked {
                    step: id,
                    title: "x".into(),
                    evidence: Vec::new(),
                    reason: None,
                },
            ));
        }
    }

    #[test]
    fn time_boxes_follow_the_drill_clock() {
        let pb = playbook();
        let result = |recs: &[Record]| -> Vec<(String, Timebox)> {
            timeboxes(recs, &pb, "api-outage")
                .into_iter()
                .map(|b| (b.name, b.result))
                .collect()
        };
        // Paused 50-70 s, then 5x from 80 s: at the last record (1100 s of
        // wall time) the drill is at 86:00, past both time boxes.
        let recs = records();
        assert_eq!(
            result(&recs),
            vec![
                ("Immediate Actions".into(), Timebox::Missed(None)),
                ("Investigation".into(), Timebox::Missed(None)),
            ]
        );
        let boxes = timeboxes(&recs, &pb, "api-outage");
        assert_eq!(boxes[0].ends, TimeDelta::minutes(15));
        // Drill time 15:00 came at 248 s of wall time: the next record is
        // the one at 900 s.
        assert_eq!(boxes[0].reached, Some(t(900)));
        // Every immediate step ticked 10 wall minutes in is 44:20 of
        // drill time at 5x: missed, where the wall clock would say met.
        let mut late = recs.clone();
        tick_first_phase(&mut late, 600);
        assert_eq!(result(&late)[0].1, Timebox::Missed(Some(t(604))));
        // At 5x from the start, ticked 100 s in (drill 8:20): met.
        let mut fast = vec![
            recs[0].clone(),
            rec_at(2, 0, clock(ClockChange::Speed, Some(5))),
        ];
        tick_first_phase(&mut fast, 100);
        assert_eq!(result(&fast)[0].1, Timebox::Met(t(104)));
        // Paused at 10 s and left for an hour of wall time: the drill
        // never reached 15:00.
        let paused = vec![
            recs[0].clone(),
            rec_at(2, 10, clock(ClockChange::Paused, None)),
            rec_at(
                3,
                3600,
                Event::Note {
                    text: "lunch".into(),
                },
            ),
        ];
        assert_eq!(
            result(&paused),
            vec![
                ("Immediate Actions".into(), Timebox::NotReached),
                ("Investigation".into(), Timebox::NotReached),
            ]
        );
        assert_eq!(timeboxes(&paused, &pb, "api-outage")[0].reached, None);
    }

    #[test]
    fn the_report_parses_into_its_sections_and_tables() {
        let md = render(&records(), Some(&playbook()), None, utc()).unwrap();
        let p = crate::export::tests::parse(&md);
        assert_eq!(p.title, "After-Action Report: [DRILL] API | down");
        assert_eq!(p.h2, SECTIONS);
        let table = |first: &str| {
            p.tables
                .iter()
                .find(|t| t[0][0] == first)
                .unwrap_or_else(|| panic!("no table headed {first}:\n{md}"))
        };
        let inj = table("#");
        assert_eq!(inj.len(), 4, "{inj:?}");
        assert_eq!(
            inj[1],
            [
                "1",
                "T+00:15",
                "13:00:15",
                "pod api-1: CrashLoopBackOff",
                "ticked Verify the outage (ana@bastion)",
                "00:25"
            ]
        );
        assert_eq!(inj[2][0], "ad hoc");
        assert_eq!(inj[2][1], "T+00:50");
        assert!(inj[2][4].starts_with("ran kubectl get pods"), "{inj:?}");
        let esc = table("Fell due");
        assert_eq!(esc.len(), 3);
        assert_eq!(esc[1][2], "P0 response time (15m)");
        assert_eq!(esc[1][3], "13:16:00 by ana@bastion");
        assert_eq!(esc[1][4], "01:00");
        assert_eq!(esc[2][3], "not acknowledged");
        // Drill time: paused 50-70 s, 5x from 80 s: at 905 s wall,
        // 50 + 10 + 825 * 5.
        assert_eq!(
            esc[2][1],
            format!("T+{}", countdown(TimeDelta::seconds(50 + 10 + 825 * 5)))
        );
        let cmds = table("At");
        assert!(
            cmds.iter().any(|r| r
                .get(4)
                .is_some_and(|c| c == "kubectl get pods -n identity-platform")),
            "{cmds:?}"
        );
        assert_eq!(cmds[1][5], "exit 0 (not executed)");
        let boxes = table("Phase");
        assert_eq!(boxes[1][2], "T+15:00 (reached 13:15:00)");
        assert_eq!(boxes[1][3], "missed: not done");
        assert_eq!(boxes[2][3], "missed: not done");
        let clock = table("At");
        assert_eq!(clock[0].len(), 6, "the commands table comes first");
        let dc = p
            .tables
            .iter()
            .find(|t| t[0] == ["At", "Drill time", "Who", "Change"])
            .unwrap();
        let changes: Vec<&str> = dc[1..].iter().map(|r| r[3].as_str()).collect();
        assert_eq!(changes, ["paused", "resumed", "speed 5x"]);
        // The summary says it all in one place.
        assert!(md.contains("- Injects: 2 scripted fired, 1 ad hoc; the team responded after 3 of 3 (median 00:30, slowest 16:40)"), "{md}");
        assert!(
            md.contains(
                "- Response clock: P0 target 15:00 missed: out of Investigating after 1:26:00 of drill time (18:20 wall time)"
            ),
            "{md}"
        );
        assert!(
            md.contains("- Phase time boxes: 0 met, 2 missed, 0 not reached"),
            "{md}"
        );
        assert!(
            md.contains("- Escalations and other clocks that fell due: 1, 0 acknowledged, 1 not"),
            "{md}"
        );
        assert!(
            md.contains("- Commands attempted: 1 (drill: none executed)"),
            "{md}"
        );
    }

    /// The text of one section: from its heading to the next one.
    fn section<'a>(md: &'a str, name: &str) -> &'a str {
        let start = md
            .find(&format!("\n## {name}\n"))
            .unwrap_or_else(|| panic!("no section {name}:\n{md}"));
        let rest = &md[start + 1..];
        let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
        &rest[..end]
    }

    #[test]
    fn the_report_is_a_debrief_with_the_notes_comms_and_timeline() {
        let mut recs = records();
        let n = recs.len();
        recs.push(rec_at(
            n + 1,
            1200,
            Event::Note {
                text: "Rolled back to v2.4.0 at 13:18\nthen \x1b[2Jcleared".into(),
            },
        ));
        recs.push(rec_at(
            n + 2,
            1210,
            Event::CommsSent {
                template: "status-page".into(),
                file: None,
                text: "Subject: Investigating\n\nLogins fail\x1b]52;c;ZXZpbA==\x07 for some users.\nNext update 13:45 UTC."
                    .into(),
            },
        ));
        let md = render(&recs, Some(&playbook()), None, utc()).unwrap();
        let p = crate::export::tests::parse(&md);
        assert_eq!(p.h2, SECTIONS);
        // Inert: nothing from a record reaches a terminal that cats it.
        assert!(!md.contains('\x1b') && !md.contains('\x07'), "{md}");
        let notes = section(&md, "Notes");
        assert!(
            notes.contains("- 13:20:00 — ana@bastion: Rolled back to v2.4.0 at 13:18"),
            "{notes}"
        );
        assert!(notes.contains("then ^\\[\\[2Jcleared"), "{notes}");
        // The communication as sent, whole, in a fenced block.
        let comms = section(&md, "Communications");
        assert!(
            comms.contains("- 13:20:10 — ana@bastion: status-page"),
            "{comms}"
        );
        for line in [
            "  Subject: Investigating",
            "  Logins fail^[]52;c;ZXZpbA==^G for some users.",
            "  Next update 13:45 UTC.",
        ] {
            assert!(comms.contains(line), "{line:?} in:\n{comms}");
        }
        // The timeline: the moments, then every record.
        let tl = section(&md, "Timeline");
        assert!(tl.contains("Incident declared"), "{tl}");
        assert!(tl.contains("### Full record"), "{tl}");
        let full: Vec<&str> = tl.lines().filter(|l| l.starts_with("- 13:")).collect();
        assert_eq!(full.len(), recs.len(), "{tl}");
        assert!(
            full.iter().any(|l| l.contains("message from Legal")),
            "{tl}"
        );
    }

    #[test]
    fn with_the_scenario_the_injects_not_reached_are_listed() {
        let sc = crate::drill::load_bundled_scenario("api-outage")
            .unwrap()
            .unwrap();
        let md = render(&records(), Some(&playbook()), Some(&sc), utc()).unwrap();
        assert!(md.contains("- Injects: 2 of 13 scripted fired"), "{md}");
        assert!(md.contains("Not reached before the drill ended:"), "{md}");
        assert!(md.contains("- 3 at T+00:30: message from Support"), "{md}");
        assert!(!md.contains("- 1 at T+00:15"), "{md}");
    }

    #[test]
    fn a_real_incident_has_no_after_action_report() {
        let mut recs = records();
        if let Event::Declared { drill, .. } = &mut recs[0].event {
            *drill = false;
        }
        assert!(render(&recs, None, None, utc()).is_err());
    }
}
