//! The incident as its timeline says it is. `apply` folds one record;
//! replaying the whole log gives exactly the state lived through.

use crate::command::approval::{self, Closed, Decision, Proposal};
use crate::timeline::{Event, Record, Status};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Incident {
    pub id: String,
    pub title: String,
    pub severity: String,
    /// When the current severity was set.
    pub severity_since: Option<DateTime<Utc>>,
    /// Every severity change: when, from, to (`response_start` reads it).
    pub severity_changes: Vec<(DateTime<Utc>, String, String)>,
    pub status: Option<Status>,
    pub declared_at: Option<DateTime<Utc>>,
    /// First time the status left Investigating: the response clock stops.
    pub identified_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// When the problem was detected: the IC's `detected` mark (the time
    /// it names, or its record's), else the first alert's start.
    pub detected_at: Option<DateTime<Utc>>,
    /// Whether `detected_at` comes from the IC's mark (not an alert).
    pub detected_marked: bool,
    pub ic: String,
    pub playbook: String,
    pub procedure: String,
    /// Procedures added mid-incident (`procedure_added`), in order.
    pub added: Vec<String>,
    pub drill: bool,
    /// Ticked steps: step id → (when, by whom).
    pub checked: BTreeMap<String, (DateTime<Utc>, String)>,
    pub records: Vec<Record>,
    /// Commands run, by run id, as recorded.
    pub runs: BTreeMap<String, RunRecord>,
    /// Who holds each role (role id → person).
    pub roles: BTreeMap<String, String>,
    /// Conditions the IC set, and when.
    pub conditions: BTreeMap<String, DateTime<Utc>>,
    /// Post-mortem marks, first time each was set.
    pub marks: BTreeMap<String, DateTime<Utc>>,
    /// Timers that fell due, and when.
    pub due: BTreeMap<String, DateTime<Utc>>,
    /// What each due timer was about (its label).
    pub due_labels: BTreeMap<String, String>,
    /// Due timers the IC acknowledged, and when.
    pub acknowledged: BTreeMap<String, DateTime<Utc>>,
    /// The last time each template went out.
    pub comms: BTreeMap<String, DateTime<Utc>>,
    /// Alerts recorded as firing and not yet resolved: fingerprint →
    /// alertname (drill alerts, which have no fingerprint, are not here).
    pub alerts_firing: BTreeMap<String, String>,
    /// Silences this incident created, by id.
    pub silences: BTreeMap<String, SilenceRecord>,
    /// Host metrics recorded over their threshold and not yet back.
    pub thresholds_crossed: std::collections::BTreeSet<String>,
    /// Severity suggestions recorded (`severity_suggested`): (severity,
    /// criterion as recorded). A resumed seat does not suggest them again
    /// until it sees the figure go back.
    pub suggested: std::collections::BTreeSet<(String, String)>,
    /// The watched pods' ready count as last recorded, `(ready, total)`.
    pub pods_ready: Option<(u32, u32)>,
    /// The lowest ready count recorded, and when.
    pub lowest_ready: Option<((u32, u32), DateTime<Utc>)>,
    /// A drill's clock (a fold of its `drill_clock` records).
    pub drill_clock: Option<crate::drill::clock::Clock>,
    /// Every state the drill clock was in, oldest first (the start, then
    /// after each change): where any moment of the drill falls on drill
    /// time (`on_clock`).
    pub drill_clocks: Vec<crate::drill::clock::Clock>,
    /// A drill's scripted injects that fired (number → when).
    pub fired: BTreeMap<u32, DateTime<Utc>>,
    /// Two-person rule: every proposal, in the order proposed, with its
    /// decision and end as the records tell them.
    pub approvals: Vec<Proposal>,
    /// Steps that ticked themselves: the evidence recorded.
    pub verified: BTreeMap<String, Vec<String>>,
    /// Steps of a `verify:` unticked by hand with a reason: they do not
    /// tick themselves again until ticked by hand.
    pub overridden: std::collections::BTreeSet<String>,
    /// Acknowledgements standing, by what they acknowledge
    /// (`group:ALERTNAME` or an alert's key).
    pub acks: BTreeMap<String, Ack>,
}

/// Someone on an alert or a group, as the record says.
#[derive(Clone, Debug, PartialEq)]
pub struct Ack {
    pub target: String,
    pub owner: String,
    pub note: String,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SilenceRecord {
    pub matchers: Vec<String>,
    pub ends_at: DateTime<Utc>,
    pub by: String,
    pub expired: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    pub step: String,
    pub command: String,
    pub by: String,
    pub started: DateTime<Utc>,
    /// `None` while running (or if the cockpit died mid-run).
    pub outcome: Option<String>,
}

/// The response-time clock of the current severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseClock {
    /// No response time (e.g. "next business day") or nothing declared.
    None,
    Counting {
        left: TimeDelta,
    },
    Overdue {
        by: TimeDelta,
    },
    /// Stopped when the status moved past Investigating.
    Met {
        after: TimeDelta,
    },
    Missed {
        after: TimeDelta,
    },
}

impl Incident {
    pub fn replay(records: &[Record]) -> Self {
        let mut i = Incident::default();
        for r in records {
            i.apply(r);
        }
        i
    }

    /// `replay` keeping the records themselves (a resume of 100,000
    /// records copies none).
    pub fn replay_owned(records: Vec<Record>) -> Self {
        let mut i = Incident::default();
        i.records.reserve(records.len());
        for r in records {
            i.push(r);
        }
        i
    }

    pub fn apply(&mut self, r: &Record) {
        self.fold(r);
        self.records.push(r.clone());
    }

    /// `apply` for a record the caller gives away.
    pub fn push(&mut self, r: Record) {
        self.fold(&r);
        self.records.push(r);
    }

    fn fold(&mut self, r: &Record) {
        match &r.event {
            Event::Declared {
                id,
                title,
                severity,
                status,
                ic,
                playbook,
                procedure,
                drill,
                ..
            } => {
                self.id = id.clone();
                self.title = title.clone();
                self.severity = severity.clone();
                self.severity_since = Some(r.at);
                self.status = Some(*status);
                self.declared_at = Some(r.at);
                self.ic = ic.clone();
                self.roles.insert("ic".into(), ic.clone());
                self.playbook = playbook.clone();
                self.procedure = procedure.clone();
                self.drill = *drill;
                self.drill_clock = drill.then(|| crate::drill::clock::Clock::start(r.at));
                self.drill_clocks = self.drill_clock.into_iter().collect();
                self.note_status(*status, r.at);
            }
            Event::StepChecked { step, evidence, .. } => {
                self.checked.insert(step.clone(), (r.at, r.by.clone()));
                self.overridden.remove(step);
                if evidence.is_empty() {
                    self.verified.remove(step);
                } else {
                    self.verified.insert(step.clone(), evidence.clone());
                }
            }
            Event::AlertAcked {
                ack,
                target,
                owner,
                note,
                until,
                ..
            } => {
                self.acks.insert(
                    ack.clone(),
                    Ack {
                        target: target.clone(),
                        owner: owner.clone(),
                        note: note.clone(),
                        since: r.at,
                        until: *until,
                    },
                );
            }
            Event::AlertUnacked { ack, reason, .. } => {
                // A lapse ends only an ack whose time ran out (not a re-ack
                // recorded meanwhile).
                if reason != "lapsed" || self.acks.get(ack).is_some_and(|a| a.until <= r.at) {
                    self.acks.remove(ack);
                }
            }
            Event::StepUnchecked { step, reason, .. } => {
                self.checked.remove(step);
                self.verified.remove(step);
                if reason.is_some() {
                    self.overridden.insert(step.clone());
                }
            }
            Event::SeverityChanged { from, to } => {
                self.severity = to.clone();
                self.severity_since = Some(r.at);
                self.severity_changes.push((r.at, from.clone(), to.clone()));
            }
            Event::StatusChanged { to, .. } => {
                self.status = Some(*to);
                self.note_status(*to, r.at);
            }
            Event::CommandStarted {
                run,
                step,
                command,
                approval,
                ..
            } => {
                // The record says the seat (`by`), not its OS user: the
                // seat checked that before it ran.
                if let Some(p) = approval.as_ref().and_then(|id| self.proposal_mut(id))
                    && matches!(p.stage(r.at), approval::Stage::Approved { .. })
                    && p.by == r.by
                    && p.step == *step
                {
                    p.closed = Some(Closed::Ran {
                        at: r.at,
                        run: run.clone(),
                    });
                }
                self.runs.insert(
                    run.clone(),
                    RunRecord {
                        step: step.clone(),
                        command: command.clone(),
                        by: r.by.clone(),
                        started: r.at,
                        outcome: None,
                    },
                );
            }
            Event::CommandFinished { run, outcome, .. } => {
                if let Some(rr) = self.runs.get_mut(run) {
                    rr.outcome = Some(outcome.clone());
                }
            }
            Event::Marked { mark, when, .. } => {
                self.marks.entry(mark.clone()).or_insert(r.at);
                // The IC's latest word on the detection stands.
                if mark == crate::timeline::Mark::Detected.id() {
                    self.detected_at = Some(when.unwrap_or(r.at));
                    self.detected_marked = true;
                }
            }
            Event::RoleAssigned { role, person } => {
                self.roles.insert(role.clone(), person.clone());
                if role == "ic" {
                    self.ic = person.clone();
                }
            }
            Event::ConditionSet { condition } => {
                self.conditions.entry(condition.clone()).or_insert(r.at);
            }
            Event::ProcedureAdded { procedure, .. } => {
                if !self.added.contains(procedure) {
                    self.added.push(procedure.clone());
                }
            }
            Event::TimerDue { timer, label } => {
                self.due.entry(timer.clone()).or_insert(r.at);
                self.due_labels
                    .entry(timer.clone())
                    .or_insert_with(|| label.clone());
            }
            Event::TimerAcknowledged { timer, .. } => {
                self.acknowledged.entry(timer.clone()).or_insert(r.at);
            }
            Event::CommsSent { template, .. } => {
                self.comms.insert(template.clone(), r.at);
            }
            Event::AlertFiring {
                alertname,
                fingerprint,
                since,
                ..
            } if !fingerprint.is_empty() => {
                self.note_alert(since.unwrap_or(r.at));
                self.alerts_firing
                    .insert(fingerprint.clone(), alertname.clone());
            }
            Event::AlertResolved { fingerprint, .. } if !fingerprint.is_empty() => {
                self.alerts_firing.remove(fingerprint);
            }
            Event::SilenceCreated {
                id,
                matchers,
                ends_at,
                extends,
                ..
            } => {
                // An extension replaced the silence it extends: Alertmanager
                // expired that one as it created this one.
                // (Updated in place, it keeps its id: the insert below.)
                if let Some(old) = extends.as_ref().and_then(|x| self.silences.get_mut(x)) {
                    old.expired = true;
                }
                self.silences.insert(
                    id.clone(),
                    SilenceRecord {
                        matchers: matchers.clone(),
                        ends_at: *ends_at,
                        by: r.by.clone(),
                        expired: false,
                    },
                );
            }
            Event::SilenceExpired { id, .. } => {
                if let Some(s) = self.silences.get_mut(id) {
                    s.expired = true;
                }
            }
            Event::ThresholdCrossed { metric, .. } => {
                self.thresholds_crossed.insert(metric.clone());
            }
            Event::ThresholdRecovered { metric, .. } => {
                self.thresholds_crossed.remove(metric);
            }
            Event::ReadyChanged { ready, total, .. } => {
                self.pods_ready = Some((*ready, *total));
                if self.lowest_ready.is_none_or(|((r, _), _)| *ready < r) {
                    self.lowest_ready = Some(((*ready, *total), r.at));
                }
            }
            Event::ChainBroken { .. } => {}
            // A suggestion changes nothing: the IC decides.
            Event::SeveritySuggested {
                severity,
                criterion,
                ..
            } => {
                self.suggested.insert((severity.clone(), criterion.clone()));
            }
            Event::DrillClock { .. } => {
                if let Some(c) = &mut self.drill_clock {
                    c.apply_record(r);
                    self.drill_clocks.push(*c);
                }
            }
            Event::InjectFired {
                inject: Some(n), ..
            } => {
                self.fired.entry(*n).or_insert(r.at);
            }
            Event::ApprovalProposed {
                proposal,
                step,
                title,
                command,
                argv,
                shell,
                params,
                risk,
                target,
                reason,
                user,
                lapses_at,
                drill,
            } => {
                // An id already taken proposes nothing new.
                if self.proposal(proposal).is_none() {
                    self.approvals.push(Proposal {
                        id: proposal.clone(),
                        step: step.clone(),
                        title: title.clone(),
                        command: command.clone(),
                        argv: argv.clone(),
                        shell: *shell,
                        params: params.clone(),
                        risk: risk.clone(),
                        target: target.clone(),
                        reason: reason.clone(),
                        by: r.by.clone(),
                        user: user.clone(),
                        at: r.at,
                        lapses_at: *lapses_at,
                        drill: *drill,
                        decision: None,
                        closed: None,
                    });
                }
            }
            Event::ApprovalGranted {
                proposal,
                user,
                reason,
                ..
            }
            | Event::ApprovalRejected {
                proposal,
                user,
                reason,
            } => {
                let d = Decision {
                    approved: matches!(r.event, Event::ApprovalGranted { .. }),
                    by: r.by.clone(),
                    user: user.clone(),
                    at: r.at,
                    reason: reason.clone(),
                };
                // A decision that breaks the rule (the proposer's own, too
                // late, a second one) decides nothing.
                if let Some(p) = self.proposal_mut(proposal)
                    && approval::decision_stands(p, &d)
                {
                    p.decision = Some(d);
                }
            }
            Event::ApprovalLapsed { proposal } => {
                if let Some(p) = self.proposal_mut(proposal)
                    && p.closed.is_none()
                {
                    p.closed = Some(Closed::Lapsed { at: r.at });
                }
            }
            Event::ApprovalVoided { proposal, reason } => {
                // Only the proposer voids its proposal.
                if let Some(p) = self.proposal_mut(proposal)
                    && p.closed.is_none()
                    && p.by == r.by
                {
                    p.closed = Some(Closed::Voided {
                        at: r.at,
                        reason: reason.clone(),
                    });
                }
            }
            Event::AlertFiring { since, .. } => self.note_alert(since.unwrap_or(r.at)),
            Event::InjectFired { inject: None, .. }
            | Event::Note { .. }
            | Event::PodChanged { .. }
            | Event::AlertResolved { .. }
            | Event::SilenceRequested { .. }
            | Event::SilenceExpireRequested { .. }
            | Event::SilenceFailed { .. }
            | Event::Message { .. } => {}
        }
    }

    /// The first alert's start is the detection until the IC marks one.
    fn note_alert(&mut self, since: DateTime<Utc>) {
        if !self.detected_marked && self.detected_at.is_none() {
            self.detected_at = Some(since);
        }
    }

    fn note_status(&mut self, s: Status, at: DateTime<Utc>) {
        if s != Status::Investigating && self.identified_at.is_none() {
            self.identified_at = Some(at);
        }
        if s == Status::Resolved {
            self.resolved_at = Some(at);
        } else {
            self.resolved_at = None;
        }
    }

    /// A proposal by its id.
    pub fn proposal(&self, id: &str) -> Option<&Proposal> {
        self.approvals.iter().find(|p| p.id == id)
    }

    fn proposal_mut(&mut self, id: &str) -> Option<&mut Proposal> {
        self.approvals.iter_mut().find(|p| p.id == id)
    }

    /// Drill time at `now` (zero for a real incident).
    pub fn drill_time(&self, now: DateTime<Utc>) -> TimeDelta {
        self.drill_clock.map_or(TimeDelta::zero(), |c| c.at(now))
    }

    /// Drill time at any moment of the drill (a record's time, now): the
    /// clock as the record had it then, so a later pause or jump does not
    /// move where an earlier moment fell. Zero for a real incident.
    pub fn drill_time_at(&self, at: DateTime<Utc>) -> TimeDelta {
        // The clock's changes take effect in time order (`drill::clock`):
        // the last one made by `at` holds.
        let i = self.drill_clocks.partition_point(|c| c.since <= at);
        self.drill_clocks
            .get(i.saturating_sub(1))
            .map_or(TimeDelta::zero(), |c| c.at(at))
    }

    /// Where a moment falls on the incident's clocks (response, time
    /// boxes, escalations, deadlines, comms cadence): in a drill they
    /// follow the drill clock, so it is the declaration plus the drill
    /// time then (paused, it stands still; at 10x it runs ten times as
    /// fast; a jump moves it); in a real incident the moment itself.
    /// The elapsed time (`elapsed`) keeps wall time: it measures the team.
    pub fn on_clock(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        match (self.drill_clock, self.declared_at) {
            (Some(_), Some(declared)) => declared + self.drill_time_at(at),
            _ => at,
        }
    }

    /// When the disruption began as far as the record knows: the
    /// detection when it came before the declaration, else the declaration.
    pub fn began_at(&self) -> Option<DateTime<Utc>> {
        let declared = self.declared_at?;
        Some(self.detected_at.map_or(declared, |d| d.min(declared)))
    }

    pub fn is_open(&self) -> bool {
        self.status != Some(Status::Resolved)
    }

    pub fn last_seq(&self) -> u64 {
        self.records.last().map_or(0, |r| r.seq)
    }

    /// Time since declared; stops when resolved.
    pub fn elapsed(&self, now: DateTime<Utc>) -> TimeDelta {
        match self.declared_at {
            Some(d) => self.resolved_at.unwrap_or(now) - d,
            None => TimeDelta::zero(),
        }
    }

    /// When the response clock of the current severity started: at the
    /// declaration, and again at each raise (a worse severity has its own,
    /// shorter, time from the moment it is known). Lowering the severity
    /// does not restart it: the response already under way keeps its
    /// start. `rank` places a severity in the playbook's order (0: the
    /// worst); a change it cannot place restarts the clock.
    pub fn response_start(&self, rank: impl Fn(&str) -> Option<usize>) -> Option<DateTime<Utc>> {
        let mut start = self.declared_at?;
        for (at, from, to) in &self.severity_changes {
            match (rank(from), rank(to)) {
                (Some(f), Some(t)) if t >= f => {}
                _ => start = *at,
            }
        }
        Some(start)
    }

    /// The response clock at `now`, counted on the incident's clock
    /// (`on_clock`: drill time in a drill); `start` and `now` are wall
    /// times.
    pub fn response_clock(
        &self,
        start: Option<DateTime<Utc>>,
        response: Option<Duration>,
        now: DateTime<Utc>,
    ) -> ResponseClock {
        let (Some(start), Some(resp)) = (start, response) else {
            return ResponseClock::None;
        };
        let Ok(resp) = TimeDelta::from_std(resp) else {
            return ResponseClock::None;
        };
        // On the incident's clock: drill time in a drill.
        let (start, now) = (self.on_clock(start), self.on_clock(now));
        if let Some(done) = self.identified_at.map(|d| self.on_clock(d)) {
            let after = (done - start).max(TimeDelta::zero());
            return if after <= resp {
                ResponseClock::Met { after }
            } else {
                ResponseClock::Missed { after }
            };
        }
        let left = start + resp - now;
        if left >= TimeDelta::zero() {
            ResponseClock::Counting { left }
        } else {
            ResponseClock::Overdue { by: -left }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(seq: u64, secs: i64, event: Event) -> Record {
        Record {
            share: Default::default(),
            seq,
            at: DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap(),
            by: "ana@h".into(),
            event,
        }
    }

    fn declared() -> Event {
        Event::Declared {
            id: "i".into(),
            title: "API down".into(),
            severity: "P0".into(),
            status: Status::Investigating,
            ic: "ana".into(),
            playbook: "dicps".into(),
            procedure: "api-outage".into(),
            drill: true,
            source: None,
            scenario: None,
            watch: Default::default(),
        }
    }

    #[test]
    fn fold_ticks_severity_and_status() {
        let recs = vec![
            rec(1, 0, declared()),
            rec(
                2,
                10,
                Event::StepChecked {
                    step: "a".into(),
                    title: "A".into(),
                    evidence: Vec::new(),
                    reason: None,
                },
            ),
            rec(
                3,
                20,
                Event::StepChecked {
                    step: "b".into(),
                    title: "B".into(),
                    evidence: Vec::new(),
                    reason: None,
                },
            ),
            rec(
                4,
                30,
                Event::StepUnchecked {
                    step: "a".into(),
                    title: "A".into(),
                    evidence: Vec::new(),
                    reason: None,
                },
            ),
            rec(
                5,
                40,
                Event::SeverityChanged {
                    from: "P0".into(),
                    to: "P1".into(),
                },
            ),
            rec(
                6,
                50,
                Event::StatusChanged {
                    from: Status::Investigating,
                    to: Status::Resolved,
                },
            ),
        ];
        let i = Incident::replay(&recs);
        assert_eq!(i.checked.keys().collect::<Vec<_>>(), vec!["b"]);
        assert_eq!(i.severity, "P1");
        assert!(!i.is_open());
        assert_eq!(
            i.elapsed(recs[0].at + TimeDelta::hours(5)),
            TimeDelta::seconds(50)
        );
        assert_eq!(i.last_seq(), 6);
    }

    #[test]
    fn lowering_the_severity_keeps_the_response_clock_raising_restarts_it() {
        // P0 at 0 s; lowered to P1 at 45 s; identified at 48 s.
        let rank = |id: &str| ["P0", "P1", "P2", "P3"].iter().position(|s| *s == id);
        let mut i = Incident::replay(&[rec(1, 0, declared())]);
        let t0 = i.declared_at.unwrap();
        let change = |from: &str, to: &str| Event::SeverityChanged {
            from: from.into(),
            to: to.into(),
        };
        i.apply(&rec(2, 45, change("P0", "P1")));
        assert_eq!(
            i.response_start(rank),
            Some(t0),
            "lowered: the clock keeps its start"
        );
        i.apply(&rec(
            3,
            48,
            Event::StatusChanged {
                from: Status::Investigating,
                to: Status::Identified,
            },
        ));
        let hour = Some(Duration::from_secs(3600));
        assert_eq!(
            i.response_clock(i.response_start(rank), hour, t0 + TimeDelta::seconds(60)),
            ResponseClock::Met {
                after: TimeDelta::seconds(48)
            },
            "responded 48 s after the declaration, not 3 s after the change"
        );
        // Raised again: the worse severity's clock starts when it is known.
        i.apply(&rec(4, 100, change("P1", "P0")));
        assert_eq!(i.response_start(rank), Some(t0 + TimeDelta::seconds(100)));
        // A severity the playbook does not know restarts it too.
        i.apply(&rec(5, 200, change("P0", "SEV9")));
        assert_eq!(i.response_start(rank), Some(t0 + TimeDelta::seconds(200)));
    }

    #[test]
    fn response_clock_counts_down_then_overdue_then_met() {
        let mut i = Incident::replay(&[rec(1, 0, declared())]);
        let t0 = i.declared_at.unwrap();
        let fifteen = Some(Duration::from_secs(900));
        assert_eq!(
            i.response_clock(i.declared_at, fifteen, t0 + TimeDelta::seconds(60)),
            ResponseClock::Counting {
                left: TimeDelta::seconds(840)
            }
        );
        assert_eq!(
            i.response_clock(i.declared_at, fifteen, t0 + TimeDelta::seconds(1000)),
            ResponseClock::Overdue {
                by: TimeDelta::seconds(100)
            }
        );
        assert_eq!(
            i.response_clock(i.declared_at, None, t0),
            ResponseClock::None
        );
        i.apply(&rec(
            2,
            300,
            Event::StatusChanged {
                from: Status::Investigating,
                to: Status::Identified,
            },
        ));
        assert_eq!(
            i.response_clock(i.declared_at, fifteen, t0 + TimeDelta::seconds(5000)),
            ResponseClock::Met {
                after: TimeDelta::seconds(300)
            }
        );
    }

    #[test]
    fn ready_changes_fold_into_the_last_and_lowest_count() {
        let ready = |seq, secs, from: (u32, u32), to: (u32, u32)| {
            rec(
                seq,
                secs,
                Event::ReadyChanged {
                    pods: "shop app=web".into(),
                    from_ready: from.0,
                    from_total: from.1,
                    ready: to.0,
                    total: to.1,
                },
            )
        };
        let recs = [
            rec(1, 0, declared()),
            ready(2, 10, (5, 5), (3, 5)),
            ready(3, 20, (3, 5), (1, 5)),
            ready(4, 90, (1, 5), (5, 5)),
        ];
        // Through JSON, as replay reads it.
        let lines: Vec<String> = recs
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        assert!(lines[1].contains(r#""kind":"ready_changed","pods":"shop app=web","from_ready":5,"from_total":5,"ready":3,"total":5"#), "{}", lines[1]);
        let back: Vec<Record> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let i = Incident::replay(&back);
        assert_eq!(i.pods_ready, Some((5, 5)));
        assert_eq!(i.lowest_ready, Some(((1, 5), recs[2].at)));
    }
}
