//! Every clock an incident runs on, computed purely from the playbook, the
//! incident's record and the time: whom to page (due at the declaration
//! and at each raise of the severity), the response time of the current
//! severity, phase time boxes, escalation rules (after a duration at a
//! severity, or on a condition the IC sets), regulatory deadlines started by
//! a condition, and the comms cadence. Nothing here reads the real clock.
//!
//! A clock's `due` is on the incident's clock (`Incident::on_clock`): the
//! wall time in a real incident; in a drill the declaration plus the drill
//! time it falls due at, so the clocks pause, speed up and jump with the
//! drill clock and every seat (a resumed one too) agrees. Compare it with
//! `Incident::on_clock(now)`, never with `now`. Ids keep the wall times
//! they always had (a record of one stays valid).

use crate::playbook::lint::parse_timebox;
use crate::playbook::model::{Deadline, Playbook, Procedure};
use crate::state::Incident;
use crate::time::parse_duration;
use chrono::{DateTime, TimeDelta, Utc};

pub use crate::state::timers::{Kind, State, Timer};

impl Timer {
    pub fn state(&self, inc: &Incident, now: DateTime<Utc>) -> State {
        if inc.acknowledged.contains_key(&self.id) {
            State::Acknowledged
        } else if self.due <= inc.on_clock(now) {
            State::Due
        } else {
            State::Upcoming
        }
    }
}

fn dur(s: &str) -> Option<TimeDelta> {
    parse_duration(s)
        .ok()
        .and_then(|d| TimeDelta::from_std(d).ok())
}

/// The paging reminders: the declared severity's and each raised one's
/// `page` list and initial escalation (`playbook::contacts::to_page`),
/// with how to reach them.
fn pages(pb: &Playbook, inc: &Incident, declared: DateTime<Utc>) -> Vec<Timer> {
    let first = inc
        .severity_changes
        .first()
        .map_or(inc.severity.clone(), |(_, from, _)| from.clone());
    let mut at = vec![(declared, first, "declared")];
    for (when, from, to) in &inc.severity_changes {
        let raised = match (pb.severity_rank(from), pb.severity_rank(to)) {
            (Some(f), Some(t)) => t < f,
            _ => true,
        };
        if raised {
            at.push((*when, to.clone(), "raised"));
        }
    }
    at.into_iter()
        .filter_map(|(when, sev, how_come)| {
            let who = crate::playbook::contacts::to_page(pb, &sev);
            if who.is_empty() {
                return None;
            }
            let how = crate::playbook::contacts::reminder(pb, &who);
            let how = if how.is_empty() {
                how
            } else {
                format!(" · {how}")
            };
            Some(Timer {
                id: format!("page-{sev}-{}", when.timestamp()),
                kind: Kind::Page,
                label: format!("Page {} ({sev} {how_come}){how}", who.join(", ")),
                due: when,
            })
        })
        .collect()
}

/// A "next business day" response: when the next business day starts
/// (`playbook::business_day`), and how the label says it.
fn next_business_day(
    pb: &Playbook,
    response: &str,
    since: DateTime<Utc>,
) -> Option<(DateTime<Utc>, String)> {
    use crate::playbook::business_day as b;
    if !b::is_next_business_day(response) {
        return None;
    }
    let (start, offset) = b::settings(pb.business_day.as_ref());
    let due = b::next_start(since, start, offset);
    let local = due.with_timezone(&offset);
    Some((
        due,
        format!("{response}: {} {offset}", local.format("%a %H:%M")),
    ))
}

/// Every running clock, soonest first. Clocks that have stopped (the
/// response met, a phase done, a deadline's notice sent, the incident
/// resolved) are not listed.
pub fn timers(pb: &Playbook, procedure: &Procedure, inc: &Incident) -> Vec<Timer> {
    let Some(declared) = inc.declared_at else {
        return Vec::new();
    };
    let open = inc.is_open();
    let mut out = Vec::new();
    // A moment of the record on the incident's clock (drill time in a
    // drill); the declaration is where both start.
    let clock = |at: DateTime<Utc>| inc.on_clock(at);

    // Whom to page: at the declaration and at each raise, until the
    // reminder is acknowledged (it falls due at once, into the record).
    if open {
        out.extend(pages(pb, inc, declared));
    }

    // The response time of the current severity.
    if open
        && inc.identified_at.is_none()
        && let (Some(sev), Some(since)) = (
            pb.severity(&inc.severity),
            inc.response_start(|id| pb.severity_rank(id)),
        )
    {
        let due = match dur(&sev.response.value) {
            Some(d) => Some((clock(since) + d, sev.response.value.clone())),
            None => next_business_day(pb, &sev.response.value, clock(since)),
        };
        if let Some((due, what)) = due {
            out.push(Timer {
                id: format!("response-{}-{}", sev.id.value, since.timestamp()),
                kind: Kind::Response,
                label: format!("{} response time ({what})", sev.id.value),
                due,
            });
        }
    }

    // Escalation rules.
    for (i, e) in pb.escalation.iter().enumerate() {
        if !open {
            break;
        }
        let who = e.notify.join(", ");
        // Whom to reach and how, from the playbook's contacts and roles.
        let how = crate::playbook::contacts::reminder(pb, &e.notify);
        let how = if how.is_empty() {
            how
        } else {
            format!(" · {how}")
        };
        if let Some(cond) = &e.when {
            if let Some(at) = inc.conditions.get(&cond.value) {
                let name = pb
                    .conditions
                    .iter()
                    .find(|c| c.id.value == cond.value)
                    .map_or(cond.value.as_str(), |c| c.name.as_str());
                let delay = e
                    .after
                    .as_ref()
                    .and_then(|a| dur(&a.value))
                    .unwrap_or_default();
                out.push(Timer {
                    id: format!("escalation-{i}-{}", cond.value),
                    kind: Kind::Escalation,
                    label: format!("Notify {who} ({name}){how}"),
                    due: clock(*at) + delay,
                });
            }
            continue;
        }
        let Some(after) = e.after.as_ref().and_then(|a| dur(&a.value)) else {
            continue;
        };
        let (start, at_sev) = match &e.severity {
            Some(s) if s.value != inc.severity => continue,
            Some(s) => (
                inc.severity_since.unwrap_or(declared),
                format!("{} ", s.value),
            ),
            None => (declared, String::new()),
        };
        let level = e
            .level
            .as_ref()
            .map(|l| format!(" [{l}]"))
            .unwrap_or_default();
        out.push(Timer {
            id: format!("escalation-{i}-{}-{}", inc.severity, start.timestamp()),
            kind: Kind::Escalation,
            label: format!(
                "Escalate to {who}{level} ({at_sev}unresolved {}){how}",
                crate::time::human(after.to_std().unwrap_or_default())
            ),
            due: clock(start) + after,
        });
    }

    // Regulatory deadlines: from their condition (or the declaration); they
    // go on after resolution, until the notice they call for is sent.
    for d in &pb.deadlines {
        let start = match &d.when {
            Some(c) => match inc.conditions.get(&c.value) {
                Some(at) => *at,
                None => continue,
            },
            None => declared,
        };
        if !d.applies_at(&inc.severity) {
            continue;
        }
        let Some((within, within_text)) = d
            .within
            .as_ref()
            .and_then(|w| Some((dur(&w.value)?, w.value.as_str())))
        else {
            continue;
        };
        let sent = d
            .template
            .as_ref()
            .and_then(|t| inc.comms.get(&t.value))
            .is_some_and(|at| *at >= start);
        if sent {
            continue;
        }
        out.push(Timer {
            id: format!("deadline-{}", d.id.value),
            kind: Kind::Deadline,
            label: format!("{} (within {within_text})", d.name),
            due: clock(start) + within,
        });
    }

    // Phase time boxes, counted from the declaration.
    for ph in &procedure.phases {
        if !open {
            break;
        }
        let Some(end) = ph
            .timebox
            .as_ref()
            .and_then(|t| parse_timebox(&t.value).ok())
            .map(|(_, e)| e)
        else {
            continue;
        };
        let done = ph
            .steps
            .iter()
            .all(|s| inc.checked.contains_key(&s.id.value));
        if done {
            continue;
        }
        out.push(Timer {
            id: format!("phase-{}", ph.id.value),
            kind: Kind::Phase,
            label: format!(
                "{} time box ({})",
                ph.name,
                ph.timebox.as_ref().map_or("", |t| t.value.as_str())
            ),
            due: clock(declared) + TimeDelta::from_std(end).unwrap_or_default(),
        });
    }

    // Comms cadence: the procedure's templates, or all with a cadence.
    for t in &pb.templates {
        if !open {
            break;
        }
        let Some(cad) = t.cadence.as_ref().and_then(|c| dur(&c.value)) else {
            continue;
        };
        let used = procedure.templates.is_empty()
            || procedure.templates.iter().any(|x| x.value == t.id.value);
        if !used {
            continue;
        }
        let last = inc.comms.get(&t.id.value).copied().unwrap_or(declared);
        out.push(Timer {
            id: format!("cadence-{}-{}", t.id.value, last.timestamp()),
            kind: Kind::Cadence,
            label: format!(
                "{} update (every {})",
                t.name,
                t.cadence.as_ref().map_or("", |c| c.value.as_str())
            ),
            due: clock(last) + cad,
        });
    }

    out.sort_by(|a, b| a.due.cmp(&b.due).then(a.kind.cmp(&b.kind)));
    out
}

/// The deadlines that hold for the incident now (their severity, their
/// condition set) and whose notice is not sent: with a time limit they are
/// also clocks; without one (seed 002's SOC 2 logging) they are only
/// listed, at the declaration and in the export.
pub fn obligations<'a>(pb: &'a Playbook, inc: &Incident) -> Vec<&'a Deadline> {
    let Some(declared) = inc.declared_at else {
        return Vec::new();
    };
    pb.deadlines
        .iter()
        .filter(|d| d.applies_at(&inc.severity))
        .filter_map(|d| {
            let start = match &d.when {
                Some(c) => *inc.conditions.get(&c.value)?,
                None => declared,
            };
            let sent = d
                .template
                .as_ref()
                .and_then(|t| inc.comms.get(&t.value))
                .is_some_and(|at| *at >= start);
            (!sent).then_some(d)
        })
        .collect()
}

/// Timers due and not yet recorded as due: what to record now.
pub fn newly_due<'a>(all: &'a [Timer], inc: &Incident, now: DateTime<Utc>) -> Vec<&'a Timer> {
    let now = inc.on_clock(now);
    all.iter()
        .filter(|t| t.due <= now && !inc.due.contains_key(&t.id))
        .collect()
}

/// Time left until a clock falls due, on the incident's clock (drill time
/// in a drill); negative once it is past due.
pub fn left(t: &Timer, inc: &Incident, now: DateTime<Utc>) -> TimeDelta {
    t.due - inc.on_clock(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Event, Record, Status};

    fn pb() -> Playbook {
        crate::playbook::load_bundled("dicps.yaml").unwrap()
    }

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn rec(seq: u64, secs: i64, event: Event) -> Record {
        Record {
            share: Default::default(),
            seq,
            at: t(secs),
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
            drill: false,
            source: None,
            scenario: None,
            watch: Default::default(),
        }
    }

    fn labels(ts: &[Timer]) -> Vec<String> {
        ts.iter().map(|x| x.label.clone()).collect()
    }

    #[test]
    fn a_p0_api_outage_runs_response_escalation_phase_and_cadence_clocks() {
        let pb = pb();
        let proc_ = pb.procedure("api-outage").unwrap();
        let inc = Incident::replay(&[rec(1, 0, declared())]);
        let ts = timers(&pb, proc_, &inc);
        // Whom to page first (due at once), then the response time.
        assert_eq!(ts[0].kind, Kind::Page);
        let first = &ts[1];
        assert_eq!(first.kind, Kind::Response);
        assert_eq!(first.due, t(900));
        let l = labels(&ts);
        assert!(
            l.iter().any(|x| x.contains("Escalate to VP Engineering")),
            "{l:#?}"
        );
        assert!(l.iter().any(|x| x.contains("Escalate to CTO")), "{l:#?}");
        assert!(
            l.iter()
                .any(|x| x.starts_with("Immediate Actions time box")),
            "{l:#?}"
        );
        assert!(
            l.iter().any(|x| x.starts_with("Status Page Update update")),
            "{l:#?}"
        );
        let vp = ts
            .iter()
            .find(|x| x.label.contains("VP Engineering"))
            .unwrap();
        assert_eq!(vp.due, t(3600));
        // SOC 2 logging has no time limit in the seed: no clock, an
        // obligation (see `obligations`).
        assert!(!l.iter().any(|x| x.contains("SOC 2")), "{l:#?}");
        let o: Vec<_> = obligations(&pb, &inc)
            .iter()
            .map(|d| d.id.value.clone())
            .collect();
        assert_eq!(o, ["soc2-logging"]);
        // GDPR waits for its condition.
        assert!(!l.iter().any(|x| x.contains("GDPR")), "{l:#?}");
    }

    #[test]
    fn conditions_start_escalations_and_deadlines_and_comms_stop_them() {
        let pb = pb();
        let proc_ = pb.procedure("api-outage").unwrap();
        let mut inc = Incident::replay(&[rec(1, 0, declared())]);
        inc.apply(&rec(
            2,
            600,
            Event::ConditionSet {
                condition: "data-breach-confirmed".into(),
            },
        ));
        inc.apply(&rec(
            3,
            700,
            Event::ConditionSet {
                condition: "personal-data-breach".into(),
            },
        ));
        let ts = timers(&pb, proc_, &inc);
        let notify = ts
            .iter()
            .find(|x| x.label.contains("Notify CEO, Legal, PR"))
            .unwrap();
        assert_eq!(notify.due, t(600));
        let gdpr = ts
            .iter()
            .find(|x| x.id == "deadline-gdpr-notification")
            .unwrap();
        assert_eq!(gdpr.due, t(700 + 72 * 3600));
        // Sending the regulator notice stops the GDPR clock.
        inc.apply(&rec(
            4,
            800,
            Event::CommsSent {
                template: "gdpr-notice".into(),
                file: None,
                text: String::new(),
            },
        ));
        assert!(
            !timers(&pb, proc_, &inc)
                .iter()
                .any(|x| x.id == "deadline-gdpr-notification")
        );
        // Due, then acknowledged.
        let now = t(1000);
        let due = newly_due(&ts, &inc, now);
        assert!(due.iter().any(|x| x.id == notify.id));
        assert_eq!(notify.state(&inc, now), State::Due);
        inc.apply(&rec(
            5,
            1001,
            Event::TimerAcknowledged {
                timer: notify.id.clone(),
                label: notify.label.clone(),
            },
        ));
        assert_eq!(notify.state(&inc, now), State::Acknowledged);
    }

    #[test]
    fn severity_changes_move_the_clocks_and_resolution_stops_them() {
        let pb = pb();
        let proc_ = pb.procedure("api-outage").unwrap();
        let mut inc = Incident::replay(&[rec(1, 0, declared())]);
        inc.apply(&rec(
            2,
            1200,
            Event::SeverityChanged {
                from: "P0".into(),
                to: "P1".into(),
            },
        ));
        let ts = timers(&pb, proc_, &inc);
        let resp = ts.iter().find(|x| x.kind == Kind::Response).unwrap();
        // Lowered: P1's hour runs from the declaration (the response under
        // way keeps its start; issue 14: it used to restart at the change).
        assert_eq!(resp.due, t(3600), "P1's hour from the declaration");
        assert!(
            !ts.iter().any(|x| x.label.contains("VP Engineering")),
            "P0 rules no longer apply"
        );
        // The comms cadence restarts when an update goes out.
        inc.apply(&rec(
            3,
            1300,
            Event::CommsSent {
                template: "status-page".into(),
                file: None,
                text: String::new(),
            },
        ));
        let cad = timers(&pb, proc_, &inc)
            .into_iter()
            .find(|x| x.kind == Kind::Cadence)
            .unwrap();
        assert_eq!(cad.due, t(1300 + 900));
        inc.apply(&rec(
            4,
            1400,
            Event::StatusChanged {
                from: Status::Investigating,
                to: Status::Resolved,
            },
        ));
        let left = timers(&pb, proc_, &inc);
        assert!(
            left.iter().all(|x| x.kind == Kind::Deadline),
            "{:#?}",
            labels(&left)
        );
    }

    #[test]
    fn a_phase_done_stops_its_time_box() {
        let pb = pb();
        let proc_ = pb.procedure("api-outage").unwrap();
        let mut inc = Incident::replay(&[rec(1, 0, declared())]);
        for (i, s) in proc_.phases[0].steps.iter().enumerate() {
            inc.apply(&rec(
                2 + i as u64,
                10,
                Event::StepChecked {
                    step: s.id.value.clone(),
                    title: s.title.clone(),
                    evidence: Vec::new(),
                    reason: None,
                },
            ));
        }
        assert!(
            !timers(&pb, proc_, &inc)
                .iter()
                .any(|x| x.id == format!("phase-{}", proc_.phases[0].id.value))
        );
    }

    #[test]
    fn soc2_logging_holds_for_p0_and_p1_only_and_never_runs_a_clock() {
        let pb = pb();
        let proc_ = pb.procedure("api-outage").unwrap();
        for (sev, holds) in [("P0", true), ("P1", true), ("P2", false), ("P3", false)] {
            let mut inc = Incident::replay(&[rec(1, 0, declared())]);
            if sev != "P0" {
                inc.apply(&rec(
                    2,
                    1,
                    Event::SeverityChanged {
                        from: "P0".into(),
                        to: sev.into(),
                    },
                ));
            }
            let o = obligations(&pb, &inc);
            assert_eq!(
                o.iter().any(|d| d.id.value == "soc2-logging"),
                holds,
                "{sev}"
            );
            assert!(
                !timers(&pb, proc_, &inc)
                    .iter()
                    .any(|t| t.label.contains("SOC 2")),
                "{sev}"
            );
        }
    }

    #[test]
    fn an_escalation_says_whom_to_reach_and_how() {
        let pb = pb();
        let proc_ = pb.procedure("api-outage").unwrap();
        let inc = Incident::replay(&[rec(1, 0, declared())]);
        let l = labels(&timers(&pb, proc_, &inc));
        assert!(
            l.iter()
                .any(|x| x
                    == "Escalate to VP Engineering (P0 unresolved 1h) · vp-eng@dicps.example.com"),
            "{l:#?}"
        );
    }

    fn declared_at(severity: &str) -> Event {
        match declared() {
            Event::Declared {
                id,
                title,
                status,
                ic,
                playbook,
                procedure,
                drill,
                source,
                scenario,
                watch,
                ..
            } => Event::Declared {
                id,
                title,
                severity: severity.into(),
                status,
                ic,
                playbook,
                procedure,
                drill,
                source,
                scenario,
                watch,
            },
            other => other,
        }
    }

    fn pages_of(pb: &Playbook, inc: &Incident) -> Vec<Timer> {
        let proc_ = pb.procedure("api-outage").unwrap();
        timers(pb, proc_, inc)
            .into_iter()
            .filter(|t| t.kind == Kind::Page)
            .collect()
    }

    #[test]
    fn a_declared_p0_reminds_whom_to_page_and_how_at_once() {
        let pb = pb();
        let inc = Incident::replay(&[rec(1, 0, declared())]);
        let p = pages_of(&pb, &inc);
        assert_eq!(p.len(), 1, "{:#?}", labels(&p));
        assert_eq!(p[0].due, t(0), "due at the declaration");
        assert_eq!(p[0].state(&inc, t(0)), State::Due);
        let l = &p[0].label;
        assert!(
            l.starts_with("Page On-call engineer, Security team, Exec team (P0 declared) · "),
            "{l}"
        );
        // How to reach each, from the playbook's paging contacts.
        assert!(l.contains("PagerDuty"), "{l}");
        assert!(l.contains("security@dicps.example.com"), "{l}");
        assert!(l.contains("CEO"), "{l}");
        // Soonest first: the page comes before the response time.
        let proc_ = pb.procedure("api-outage").unwrap();
        assert_eq!(timers(&pb, proc_, &inc)[0].kind, Kind::Page);
        // Falls due once, then acknowledged like every clock.
        let all = timers(&pb, proc_, &inc);
        assert!(newly_due(&all, &inc, t(1)).iter().any(|x| x.id == p[0].id));
        let mut inc = inc;
        inc.apply(&rec(
            2,
            1,
            Event::TimerDue {
                timer: p[0].id.clone(),
                label: p[0].label.clone(),
            },
        ));
        let all = timers(&pb, proc_, &inc);
        assert!(!newly_due(&all, &inc, t(2)).iter().any(|x| x.id == p[0].id));
        inc.apply(&rec(
            3,
            2,
            Event::TimerAcknowledged {
                timer: p[0].id.clone(),
                label: p[0].label.clone(),
            },
        ));
        assert_eq!(
            pages_of(&pb, &inc)[0].state(&inc, t(3)),
            State::Acknowledged
        );
    }

    #[test]
    fn a_raised_severity_reminds_again_and_a_lowered_one_does_not() {
        let pb = pb();
        let mut inc = Incident::replay(&[rec(1, 0, declared_at("P2"))]);
        let p = pages_of(&pb, &inc);
        assert_eq!(
            labels(&p),
            ["Page On-call engineer (P2 declared) · +1-XXX-XXX-XXXX (PagerDuty)"]
        );
        inc.apply(&rec(
            2,
            600,
            Event::SeverityChanged {
                from: "P2".into(),
                to: "P1".into(),
            },
        ));
        let p = pages_of(&pb, &inc);
        assert_eq!(p.len(), 2, "{:#?}", labels(&p));
        assert_eq!(p[1].due, t(600));
        assert!(
            p[1].label
                .starts_with("Page On-call engineer, Security team (P1 raised) · "),
            "{}",
            p[1].label
        );
        assert_ne!(p[0].id, p[1].id);
        // Lowered: nothing new to page.
        inc.apply(&rec(
            3,
            900,
            Event::SeverityChanged {
                from: "P1".into(),
                to: "P3".into(),
            },
        ));
        assert_eq!(pages_of(&pb, &inc).len(), 2);
        // Resolved: no reminder left.
        inc.apply(&rec(
            4,
            1000,
            Event::StatusChanged {
                from: Status::Investigating,
                to: Status::Resolved,
            },
        ));
        assert!(pages_of(&pb, &inc).is_empty());
    }

    #[test]
    fn a_playbook_without_page_lists_reminds_nothing() {
        let mut pb = pb();
        for s in &mut pb.severities {
            s.page.clear();
        }
        let mut inc = Incident::replay(&[rec(1, 0, declared_at("P2"))]);
        inc.apply(&rec(
            2,
            60,
            Event::SeverityChanged {
                from: "P2".into(),
                to: "P0".into(),
            },
        ));
        assert!(pages_of(&pb, &inc).is_empty());
    }

    #[test]
    fn the_zkp_ledger_initial_response_is_paged_with_its_severity() {
        let pb = crate::playbook::load_bundled("zkp-ledger.yaml").unwrap();
        let proc_ = &pb.procedures[0];
        let mut d = declared_at("P1");
        if let Event::Declared {
            playbook,
            procedure,
            ..
        } = &mut d
        {
            *playbook = "zkp-ledger".into();
            *procedure = proc_.id.value.clone();
        }
        let inc = Incident::replay(&[rec(1, 0, d)]);
        let p: Vec<Timer> = timers(&pb, proc_, &inc)
            .into_iter()
            .filter(|t| t.kind == Kind::Page)
            .collect();
        assert_eq!(
            labels(&p),
            ["Page Technical Lead (P1 declared) · +1-555-ENGINEER, development@terragon.ai"]
        );
    }

    #[test]
    fn p3_counts_down_to_the_next_business_day_and_falls_due() {
        let pb = pb();
        let proc_ = pb.procedure("api-outage").unwrap();
        let mut inc = Incident::replay(&[rec(1, 0, declared())]);
        inc.apply(&rec(
            2,
            1,
            Event::SeverityChanged {
                from: "P0".into(),
                to: "P3".into(),
            },
        ));
        let ts = timers(&pb, proc_, &inc);
        let resp = ts.iter().find(|x| x.kind == Kind::Response).unwrap();
        // t(0) is 2027-01-15 08:00 UTC, a Friday: due Monday 09:00 UTC.
        assert_eq!(t(0).to_rfc3339(), "2027-01-15T08:00:00+00:00");
        assert_eq!(resp.due.to_rfc3339(), "2027-01-18T09:00:00+00:00");
        assert_eq!(
            resp.label,
            "P3 response time (next business day: Mon 09:00 +00:00)"
        );
        assert_eq!(
            resp.state(&inc, resp.due - TimeDelta::seconds(1)),
            State::Upcoming
        );
        assert_eq!(resp.state(&inc, resp.due), State::Due);
    }

    fn drill_of(playbook: &str, procedure: &str) -> Event {
        Event::Declared {
            id: "d".into(),
            title: "drill".into(),
            severity: "P0".into(),
            status: Status::Investigating,
            ic: "ana".into(),
            playbook: playbook.into(),
            procedure: procedure.into(),
            drill: true,
            source: None,
            scenario: None,
            watch: Default::default(),
        }
    }

    fn drill_clock(
        change: crate::timeline::ClockChange,
        speed: Option<u32>,
        to_ms: Option<u64>,
    ) -> Event {
        Event::DrillClock {
            change,
            speed,
            to_ms,
        }
    }

    /// The zkp-ledger playbook's P0 escalation to the CTO after 30 min.
    fn cto(pb: &Playbook, inc: &Incident) -> Timer {
        let proc_ = pb.procedure("data-corruption").unwrap();
        timers(pb, proc_, inc)
            .into_iter()
            .find(|x| x.label.starts_with("Escalate to CTO"))
            .unwrap()
    }

    #[test]
    fn a_paused_drill_brings_no_escalation_due() {
        use crate::timeline::ClockChange;
        let pb = crate::playbook::load_bundled("zkp-ledger.yaml").unwrap();
        let inc = Incident::replay(&[
            rec(1, 0, drill_of("zkp-ledger", "data-corruption")),
            rec(2, 60, drill_clock(ClockChange::Paused, None, None)),
        ]);
        let esc = cto(&pb, &inc);
        // Three wall hours later the drill still stands at one minute.
        let later = t(3 * 3600);
        assert_eq!(esc.state(&inc, later), State::Upcoming);
        assert!(newly_due(std::slice::from_ref(&esc), &inc, later).is_empty());
        assert_eq!(left(&esc, &inc, later), TimeDelta::minutes(29));
        // The elapsed time keeps wall time: it measures the team.
        assert_eq!(inc.elapsed(later), TimeDelta::hours(3));
    }

    #[test]
    fn at_10x_a_30_minute_escalation_is_due_after_3_wall_minutes() {
        use crate::timeline::ClockChange;
        let pb = crate::playbook::load_bundled("zkp-ledger.yaml").unwrap();
        let inc = Incident::replay(&[
            rec(1, 0, drill_of("zkp-ledger", "data-corruption")),
            rec(2, 0, drill_clock(ClockChange::Speed, Some(10), None)),
        ]);
        let esc = cto(&pb, &inc);
        assert_eq!(esc.state(&inc, t(179)), State::Upcoming);
        assert_eq!(esc.state(&inc, t(180)), State::Due);
        let all = timers(&pb, pb.procedure("data-corruption").unwrap(), &inc);
        assert!(newly_due(&all, &inc, t(180)).iter().any(|x| x.id == esc.id));
        // The P0 response clock (15 min) fell due at 90 s of wall time.
        let resp = all.iter().find(|x| x.kind == Kind::Response).unwrap();
        assert_eq!(resp.state(&inc, t(89)), State::Upcoming);
        assert_eq!(resp.state(&inc, t(90)), State::Due);
        assert_eq!(
            inc.response_clock(
                inc.declared_at,
                Some(std::time::Duration::from_secs(900)),
                t(60)
            ),
            crate::state::ResponseClock::Counting {
                left: TimeDelta::minutes(5)
            },
            "the header's response clock counts drill time too"
        );
        // A real incident's clocks keep wall time.
        let real = Incident::replay(&[rec(1, 0, declared())]);
        let all = timers(&pb, pb.procedure("data-corruption").unwrap(), &real);
        // (Only the page reminder, due at the declaration, is.)
        assert!(
            newly_due(&all, &real, t(180))
                .iter()
                .all(|t| t.kind == Kind::Page),
            "{:?}",
            newly_due(&all, &real, t(180))
        );
    }

    #[test]
    fn a_jump_moves_the_escalation_and_every_seat_agrees() {
        use crate::timeline::ClockChange;
        let pb = crate::playbook::load_bundled("zkp-ledger.yaml").unwrap();
        let recs = vec![
            rec(1, 0, drill_of("zkp-ledger", "data-corruption")),
            // At 10 s of wall time the facilitator jumps to 25:00.
            rec(
                2,
                10,
                drill_clock(ClockChange::Jumped, None, Some(25 * 60 * 1000)),
            ),
        ];
        let inc = Incident::replay(&recs);
        let esc = cto(&pb, &inc);
        assert_eq!(esc.state(&inc, t(10 + 299)), State::Upcoming);
        assert_eq!(esc.state(&inc, t(10 + 300)), State::Due);
        // Jumping past it brings it due at once.
        let mut past = recs.clone();
        past.push(rec(
            3,
            20,
            drill_clock(ClockChange::Jumped, None, Some(40 * 60 * 1000)),
        ));
        let inc2 = Incident::replay(&past);
        assert_eq!(cto(&pb, &inc2).state(&inc2, t(20)), State::Due);
        // A condition set after the jump starts its clock at the drill
        // time it was set at (the GDPR clock from dicps at 25:10).
        let dicps = self::pb();
        let mut cond = vec![rec(1, 0, drill_of("dicps", "data-breach"))];
        cond.push(rec(
            2,
            10,
            drill_clock(ClockChange::Jumped, None, Some(25 * 60 * 1000)),
        ));
        cond.push(rec(
            3,
            20,
            Event::ConditionSet {
                condition: "data-breach-confirmed".into(),
            },
        ));
        // A later pause does not move where the condition fell.
        cond.push(rec(4, 30, drill_clock(ClockChange::Paused, None, None)));
        let inc3 = Incident::replay(&cond);
        let notify = timers(&dicps, dicps.procedure("data-breach").unwrap(), &inc3)
            .into_iter()
            .find(|x| x.id == "deadline-customer-notification")
            .unwrap();
        assert_eq!(notify.due, t(25 * 60 + 10 + 72 * 3600));
        // A seat that resumes from the record computes the same clocks.
        let resumed = Incident::replay(&inc3.records);
        assert_eq!(
            timers(&dicps, dicps.procedure("data-breach").unwrap(), &resumed),
            timers(&dicps, dicps.procedure("data-breach").unwrap(), &inc3)
        );
    }
}
