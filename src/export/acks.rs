//! Acknowledgements in the export: every ack of the record (what, who,
//! the note, from when until when, and how it ended), and for every alert
//! that fired during the incident how long it went unowned while firing
//! (firing time covered by no ack of it or of its group). Pure: folded
//! from the records, up to the end of the incident (its resolution, or the
//! last record when it is not resolved).

use super::Ts;
use super::markdown::text;
use crate::timeline::{Event, Record};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use std::fmt::Write;

/// The `acks` field of the JSON document.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AckFacts {
    /// Every acknowledgement recorded, in the order recorded.
    pub acks: Vec<AckFact>,
    /// Every alert that fired, in the order it first fired.
    pub alerts: Vec<AlertOwnership>,
}

/// One acknowledgement and how it ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AckFact {
    /// The record that made it.
    pub seq: u64,
    /// What it acknowledged: `group:ALERTNAME` or one alert's key.
    pub ack: String,
    /// For people: `group APIDown`, `alert APIDown {pod=api-1}`.
    pub target: String,
    /// The seat (`user@host`) who owned it.
    pub owner: String,
    pub note: String,
    /// When it was recorded.
    pub from: Ts,
    /// Its expiry as recorded.
    pub until: Ts,
    /// A hand-over: who owned it before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handed_over_from: Option<String>,
    /// `unacked` (ended by hand), `handed_over`, `taken_over` (another
    /// seat acknowledged it anew), `renewed` (its owner acknowledged it
    /// again), `lapsed`, or `open` (still standing at the resolution, or
    /// at the last record when not resolved).
    pub end: &'static str,
    /// When it ended; `null` when open.
    pub ended_at: Option<Ts>,
    /// Who ended it: the seat that un-acked it, handed it over or took it
    /// over, or renewed it; `null` for a lapse and when open.
    pub ended_by: Option<String>,
    /// The new owner after a hand-over or a take-over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// One alert that fired, and how long nobody owned it while it fired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlertOwnership {
    pub alertname: String,
    /// Alertmanager's fingerprint (empty for a drill's alert).
    pub fingerprint: String,
    /// For people: an ack's target naming this alert, else its name (with
    /// its fingerprint's start when several alerts share the name).
    pub label: String,
    /// Its first firing record.
    pub fired_at: Ts,
    /// Its last resolving record; `null` when it was still firing at the
    /// end of the incident.
    pub resolved_at: Option<Ts>,
    /// Time firing during the incident (every firing of it, up to the
    /// resolution or the last record).
    pub firing_seconds: i64,
    /// Of that, time covered by no ack of the alert or of its group.
    pub unowned_seconds: i64,
    /// Whose acks covered it while it fired, in order, each once.
    pub owners: Vec<String>,
    /// The owner of the ack standing when it resolved, if one was.
    pub resolved_while_acked_by: Option<String>,
}

/// An ack's key as the alerts pane makes it: what it covers.
enum Covers<'a> {
    Group(&'a str),
    Fingerprint(&'a str),
    /// A drill's alert (no fingerprint): its name.
    Named(&'a str),
}

fn covers(key: &str) -> Option<Covers<'_>> {
    if let Some(name) = key.strip_prefix("group:") {
        return Some(Covers::Group(name));
    }
    let rest = key.strip_prefix("alert:")?;
    Some(match rest.split_once('{') {
        Some((name, _)) => Covers::Named(name),
        None => Covers::Fingerprint(rest),
    })
}

/// Whether the ack `key` covers the alert `(name, fingerprint)`.
fn covers_alert(key: &str, name: &str, fingerprint: &str) -> bool {
    match covers(key) {
        Some(Covers::Group(g)) => g == name,
        Some(Covers::Fingerprint(f)) => !fingerprint.is_empty() && f == fingerprint,
        Some(Covers::Named(n)) => fingerprint.is_empty() && n == name,
        None => false,
    }
}

/// An alert as the records tell it: its firings.
struct Firing {
    name: String,
    fingerprint: String,
    /// `(start, end)`; the last end is `None` while it still fires.
    spans: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

/// Folds the records; `end` is the end of the incident (its resolution,
/// else the last record).
pub fn ack_facts(records: &[Record], end: DateTime<Utc>) -> AckFacts {
    let mut acks: Vec<AckFact> = Vec::new();
    // The standing ack of each key: an index into `acks`.
    let mut standing: std::collections::BTreeMap<String, usize> = Default::default();
    let mut alerts: Vec<Firing> = Vec::new();
    let close = |a: &mut AckFact, how: &'static str, at, by: Option<String>, to| {
        a.end = how;
        a.ended_at = Some(Ts(at));
        a.ended_by = by;
        a.to = to;
    };
    for r in records {
        if r.at > end {
            break;
        }
        // An ack whose time ran out before this record lapsed then, said
        // or not.
        standing.retain(|_, i| {
            let a = &mut acks[*i];
            if a.until.0 < r.at {
                close(a, "lapsed", a.until.0, None, None);
                false
            } else {
                true
            }
        });
        match &r.event {
            Event::AlertAcked {
                ack,
                target,
                owner,
                note,
                until,
                from,
            } => {
                if let Some(i) = standing.remove(ack) {
                    let old = &mut acks[i];
                    let (how, to) = if from.is_some() {
                        ("handed_over", Some(owner.clone()))
                    } else if old.owner == *owner {
                        ("renewed", None)
                    } else {
                        ("taken_over", Some(owner.clone()))
                    };
                    close(old, how, r.at, Some(r.by.clone()), to);
                }
                standing.insert(ack.clone(), acks.len());
                acks.push(AckFact {
                    seq: r.seq,
                    ack: ack.clone(),
                    target: target.clone(),
                    owner: owner.clone(),
                    note: note.clone(),
                    from: Ts(r.at),
                    until: Ts(*until),
                    handed_over_from: from.clone(),
                    end: "open",
                    ended_at: None,
                    ended_by: None,
                    to: None,
                });
            }
            Event::AlertUnacked { ack, reason, .. } => {
                // As the incident's fold: a lapse ends only an ack whose
                // time ran out (not a re-ack recorded meanwhile).
                if let Some(&i) = standing.get(ack) {
                    let a = &mut acks[i];
                    if reason != "lapsed" {
                        close(a, "unacked", r.at, Some(r.by.clone()), None);
                        standing.remove(ack);
                    } else if a.until.0 <= r.at {
                        close(a, "lapsed", a.until.0, None, None);
                        standing.remove(ack);
                    }
                }
            }
            Event::AlertFiring {
                alertname,
                fingerprint,
                ..
            } => {
                let i = match alerts
                    .iter()
                    .position(|a| a.name == *alertname && a.fingerprint == *fingerprint)
                {
                    Some(i) => i,
                    None => {
                        alerts.push(Firing {
                            name: alertname.clone(),
                            fingerprint: fingerprint.clone(),
                            spans: Vec::new(),
                        });
                        alerts.len() - 1
                    }
                };
                let spans = &mut alerts[i].spans;
                if spans.last().is_none_or(|(_, e)| e.is_some()) {
                    spans.push((r.at, None));
                }
            }
            Event::AlertResolved {
                alertname,
                fingerprint,
            } => {
                if let Some(a) = alerts
                    .iter_mut()
                    .find(|a| a.name == *alertname && a.fingerprint == *fingerprint)
                    && let Some(last) = a.spans.last_mut()
                    && last.1.is_none()
                {
                    last.1 = Some(r.at);
                }
            }
            _ => {}
        }
    }
    // What still stands at the end: lapsed if its time ran out, else open.
    for i in standing.into_values() {
        let a = &mut acks[i];
        if a.until.0 <= end {
            close(a, "lapsed", a.until.0, None, None);
        }
    }

    let covered_span = |a: &AckFact| {
        let stop = a.ended_at.map_or(a.until.0.min(end), |t| t.0);
        (a.from.0, stop.max(a.from.0))
    };
    let ownership = alerts
        .iter()
        .map(|al| {
            let mine: Vec<&AckFact> = acks
                .iter()
                .filter(|a| covers_alert(&a.ack, &al.name, &al.fingerprint))
                .collect();
            let cover: Vec<(DateTime<Utc>, DateTime<Utc>)> =
                union(mine.iter().map(|a| covered_span(a)).collect());
            let mut firing = TimeDelta::zero();
            let mut owned = TimeDelta::zero();
            let mut owners: Vec<String> = Vec::new();
            for &(s, e) in &al.spans {
                let e = e.unwrap_or(end).min(end);
                if e <= s {
                    continue;
                }
                firing += e - s;
                for &(cs, ce) in &cover {
                    let (a, b) = (cs.max(s), ce.min(e));
                    if b > a {
                        owned += b - a;
                    }
                }
                for a in &mine {
                    let (cs, ce) = covered_span(a);
                    if ce.min(e) > cs.max(s) && !owners.contains(&a.owner) {
                        owners.push(a.owner.clone());
                    }
                }
            }
            let resolved_at = al.spans.last().and_then(|(_, e)| *e).filter(|e| *e <= end);
            let resolved_while_acked_by = resolved_at.and_then(|at| {
                mine.iter()
                    .filter(|a| {
                        let (s, e) = covered_span(a);
                        s <= at && at <= e && a.until.0 >= at
                    })
                    .max_by_key(|a| a.from)
                    .map(|a| a.owner.clone())
            });
            let label = mine
                .iter()
                .find(|a| a.ack.starts_with("alert:"))
                .map(|a| a.target.clone())
                .unwrap_or_else(|| {
                    let shared = alerts.iter().filter(|x| x.name == al.name).count() > 1;
                    if shared && !al.fingerprint.is_empty() {
                        format!(
                            "{} ({})",
                            al.name,
                            crate::timeline::record::short_id(&al.fingerprint)
                        )
                    } else {
                        al.name.clone()
                    }
                });
            AlertOwnership {
                alertname: al.name.clone(),
                fingerprint: al.fingerprint.clone(),
                label,
                fired_at: Ts(al.spans.first().map_or(end, |s| s.0)),
                resolved_at: resolved_at.map(Ts),
                firing_seconds: firing.num_seconds(),
                unowned_seconds: (firing - owned).num_seconds(),
                owners,
                resolved_while_acked_by,
            }
        })
        .collect();
    AckFacts {
        acks,
        alerts: ownership,
    }
}

/// The union of spans, sorted, without overlaps.
fn union(mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    spans.sort();
    let mut out: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// `HH:MM:SS` of a number of seconds.
fn hms(secs: i64) -> String {
    crate::time::hms(TimeDelta::seconds(secs))
}

/// How an ack ended, for people; `resolved`: whether the incident is.
fn ended(a: &AckFact, resolved: bool, at: &dyn Fn(Ts) -> String) -> String {
    let when = a.ended_at.map(at).unwrap_or_default();
    let by = a.ended_by.as_deref().map(text).unwrap_or_default();
    let to = a.to.as_deref().map(text).unwrap_or_default();
    match a.end {
        "unacked" => format!("un-acked by {by} at {when}"),
        "handed_over" => format!("handed over to {to} by {by} at {when}"),
        "taken_over" => format!("taken over by {to} at {when}"),
        "renewed" => format!("renewed at {when}"),
        "lapsed" => format!("lapsed at {when}"),
        _ if resolved => "still open at resolution".into(),
        _ => "still open (not resolved when exported)".into(),
    }
}

/// The markdown section (level 2, `Acknowledgements`), its times written
/// by `at`. The post-mortem and the drill's after-action report share it.
pub fn markdown(o: &mut String, f: &AckFacts, resolved: bool, at: &dyn Fn(Ts) -> String) {
    if f.acks.is_empty() && f.alerts.is_empty() {
        let _ = writeln!(o, "No alert fired and nothing was acknowledged.\n");
        return;
    }
    if f.acks.is_empty() {
        let _ = writeln!(o, "No alert or group was acknowledged.\n");
    } else {
        let _ = writeln!(
            o,
            "| Acknowledged | Alert or group | Owner | Note | Until | Ended |\n|---|---|---|---|---|---|"
        );
        for a in &f.acks {
            let owner = match &a.handed_over_from {
                Some(prev) => format!("{} (from {})", text(&a.owner), text(prev)),
                None => text(&a.owner),
            };
            let _ = writeln!(
                o,
                "| {} | {} | {owner} | {} | {} | {} |",
                at(a.from),
                text(&a.target),
                if a.note.is_empty() {
                    "—".into()
                } else {
                    text(&a.note)
                },
                at(a.until),
                ended(a, resolved, at)
            );
        }
        o.push('\n');
    }
    if f.alerts.is_empty() {
        let _ = writeln!(o, "No alert fired.\n");
        return;
    }
    let _ = writeln!(
        o,
        "### Unowned while firing\n\n| Alert | Fired | Resolved | Firing | Unowned | Owned by |\n|---|---|---|---|---|---|"
    );
    for a in &f.alerts {
        let resolved_at = match (a.resolved_at, &a.resolved_while_acked_by) {
            (Some(t), Some(by)) => format!("{} (acked by {})", at(t), text(by)),
            (Some(t), None) => at(t),
            (None, _) => "still firing".into(),
        };
        let owners = if a.owners.is_empty() {
            "nobody".to_string()
        } else {
            a.owners
                .iter()
                .map(|o| text(o))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            o,
            "| {} | {} | {resolved_at} | {} | {} | {owners} |",
            text(&a.label),
            at(a.fired_at),
            hms(a.firing_seconds),
            hms(a.unowned_seconds),
        );
    }
    o.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Status;

    use crate::testkit::at as t;

    fn firing(name: &str, fp: &str) -> Event {
        Event::AlertFiring {
            alertname: name.into(),
            severity: "critical".into(),
            summary: String::new(),
            fingerprint: fp.into(),
            since: None,
        }
    }

    fn resolved(name: &str, fp: &str) -> Event {
        Event::AlertResolved {
            alertname: name.into(),
            fingerprint: fp.into(),
        }
    }

    fn acked(key: &str, owner: &str, until: i64, from: Option<&str>) -> Event {
        let target = match key.strip_prefix("group:") {
            Some(g) => format!("group {g}"),
            None => format!("alert {key}"),
        };
        Event::AlertAcked {
            ack: key.into(),
            target,
            owner: owner.into(),
            note: "on it".into(),
            until: t(until),
            from: from.map(Into::into),
        }
    }

    fn unacked(key: &str, reason: &str) -> Event {
        Event::AlertUnacked {
            ack: key.into(),
            target: key.into(),
            reason: reason.into(),
        }
    }

    fn recs(evs: Vec<(i64, &str, Event)>) -> Vec<Record> {
        crate::testkit::records_at(evs)
    }

    fn alert<'a>(f: &'a AckFacts, fp: &str) -> &'a AlertOwnership {
        f.alerts.iter().find(|a| a.fingerprint == fp).unwrap()
    }

    #[test]
    fn overlapping_acks_of_an_alert_and_its_group_count_once() {
        // Fires at 0, resolves at 1000; its own ack 100-400, the group's
        // 300-600 (ended by hand): owned 100-600, unowned 500 s.
        let r = recs(vec![
            (0, "am", firing("APIDown", "fp1")),
            (100, "ana@h", acked("alert:fp1", "ana@h", 400, None)),
            (300, "bo@h", acked("group:APIDown", "bo@h", 2100, None)),
            (600, "bo@h", unacked("group:APIDown", "by hand")),
            (1000, "am", resolved("APIDown", "fp1")),
        ]);
        let f = ack_facts(&r, t(1000));
        let a = alert(&f, "fp1");
        assert_eq!(a.firing_seconds, 1000);
        assert_eq!(a.unowned_seconds, 500);
        assert_eq!(a.owners, ["ana@h", "bo@h"]);
        assert_eq!(a.resolved_at, Some(Ts(t(1000))));
        assert_eq!(a.resolved_while_acked_by, None);
        // The alert's own ack lapsed unrecorded at its time; the group's
        // was un-acked by hand.
        assert_eq!(f.acks[0].end, "lapsed");
        assert_eq!(f.acks[0].ended_at, Some(Ts(t(400))));
        assert_eq!(f.acks[0].ended_by, None);
        assert_eq!(f.acks[1].end, "unacked");
        assert_eq!(f.acks[1].ended_at, Some(Ts(t(600))));
        assert_eq!(f.acks[1].ended_by.as_deref(), Some("bo@h"));
        // Its label is the alert's own ack's target.
        assert_eq!(a.label, "alert alert:fp1");
    }

    #[test]
    fn a_hand_over_ends_one_ack_and_starts_the_next_without_a_gap() {
        let r = recs(vec![
            (0, "am", firing("DiskFull", "fp2")),
            (60, "ana@h", acked("group:DiskFull", "ana@h", 1860, None)),
            (
                600,
                "ana@h",
                acked("group:DiskFull", "bo@h", 2400, Some("ana@h")),
            ),
            (900, "am", resolved("DiskFull", "fp2")),
        ]);
        let f = ack_facts(&r, t(900));
        assert_eq!(f.acks.len(), 2);
        assert_eq!(f.acks[0].end, "handed_over");
        assert_eq!(f.acks[0].to.as_deref(), Some("bo@h"));
        assert_eq!(f.acks[0].ended_by.as_deref(), Some("ana@h"));
        assert_eq!(f.acks[0].ended_at, Some(Ts(t(600))));
        assert_eq!(f.acks[1].handed_over_from.as_deref(), Some("ana@h"));
        assert_eq!(f.acks[1].end, "open");
        let a = alert(&f, "fp2");
        assert_eq!((a.firing_seconds, a.unowned_seconds), (900, 60));
        assert_eq!(a.owners, ["ana@h", "bo@h"]);
        // Resolved while bo's ack stood.
        assert_eq!(a.resolved_while_acked_by.as_deref(), Some("bo@h"));
    }

    #[test]
    fn a_lapse_leaves_the_alert_unowned_until_someone_acks_again() {
        let r = recs(vec![
            (0, "am", firing("APIDown", "fp1")),
            (0, "ana@h", acked("alert:fp1", "ana@h", 300, None)),
            (305, "cockpit", unacked("alert:fp1", "lapsed")),
            (500, "ana@h", acked("alert:fp1", "ana@h", 2300, None)),
            (
                520,
                "ana@h",
                Event::StatusChanged {
                    from: Status::Investigating,
                    to: Status::Resolved,
                },
            ),
        ]);
        // The incident resolved at 520 with the alert still firing.
        let f = ack_facts(&r, t(520));
        assert_eq!(f.acks[0].end, "lapsed");
        assert_eq!(f.acks[0].ended_at, Some(Ts(t(300))), "lapsed at its time");
        assert_eq!(f.acks[1].end, "open");
        let a = alert(&f, "fp1");
        assert_eq!(a.resolved_at, None);
        assert_eq!((a.firing_seconds, a.unowned_seconds), (520, 200));
        let mut md = String::new();
        markdown(&mut md, &f, true, &|t| t.0.format("%H:%M:%S").to_string());
        assert!(md.contains("| lapsed at 13:05:00 |"), "{md}");
        assert!(md.contains("| still open at resolution |"), "{md}");
        assert!(
            md.contains("| still firing | 00:08:40 | 00:03:20 | ana@h |"),
            "{md}"
        );
    }

    #[test]
    fn a_renewal_and_a_lapse_record_after_it_leave_the_renewed_ack_standing() {
        let r = recs(vec![
            (0, "am", firing("APIDown", "fp1")),
            (0, "ana@h", acked("alert:fp1", "ana@h", 300, None)),
            (290, "ana@h", acked("alert:fp1", "ana@h", 2100, None)),
            // A seat that had not yet seen the renewal records the lapse:
            // it ends nothing (the incident's fold says the same).
            (310, "cockpit", unacked("alert:fp1", "lapsed")),
            (1000, "am", resolved("APIDown", "fp1")),
        ]);
        let f = ack_facts(&r, t(1000));
        assert_eq!(f.acks[0].end, "renewed");
        assert_eq!(f.acks[0].ended_by.as_deref(), Some("ana@h"));
        assert_eq!(f.acks[1].end, "open");
        let a = alert(&f, "fp1");
        assert_eq!(a.unowned_seconds, 0);
        assert_eq!(a.resolved_while_acked_by.as_deref(), Some("ana@h"));
    }

    #[test]
    fn an_alert_acked_only_through_its_group_and_one_never_acked() {
        let r = recs(vec![
            (0, "am", firing("APIDown", "fp1")),
            (0, "am", firing("APIDown", "fp9")),
            (10, "am", firing("CertExpiring", "fp3")),
            (100, "bo@h", acked("group:APIDown", "bo@h", 1900, None)),
            (700, "am", resolved("CertExpiring", "fp3")),
            (800, "am", resolved("APIDown", "fp1")),
            (900, "am", resolved("APIDown", "fp9")),
        ]);
        let f = ack_facts(&r, t(1000));
        let a = alert(&f, "fp1");
        assert_eq!((a.firing_seconds, a.unowned_seconds), (800, 100));
        assert_eq!(a.owners, ["bo@h"]);
        // Two alerts share the name: the fingerprint tells them apart.
        assert_eq!(a.label, "APIDown (fp1)");
        let b = alert(&f, "fp9");
        assert_eq!((b.firing_seconds, b.unowned_seconds), (900, 100));
        // Never acked: unowned its whole firing time.
        let c = alert(&f, "fp3");
        assert_eq!((c.firing_seconds, c.unowned_seconds), (690, 690));
        assert!(c.owners.is_empty());
        assert_eq!(c.label, "CertExpiring");
        assert_eq!(c.resolved_while_acked_by, None);
        let mut md = String::new();
        markdown(&mut md, &f, true, &|t| t.0.format("%H:%M:%S").to_string());
        assert!(
            md.contains("| CertExpiring | 13:00:10 | 13:11:40 | 00:11:30 | 00:11:30 | nobody |"),
            "{md}"
        );
        assert!(
            md.contains("| APIDown (fp1) | 13:00:00 | 13:13:20 (acked by bo@h) |"),
            "{md}"
        );
    }

    #[test]
    fn an_alert_that_fires_twice_counts_both_firings_only() {
        let r = recs(vec![
            (0, "am", firing("APIDown", "fp1")),
            (100, "am", resolved("APIDown", "fp1")),
            (500, "am", firing("APIDown", "fp1")),
            (550, "ana@h", acked("group:APIDown", "ana@h", 2350, None)),
            (600, "am", resolved("APIDown", "fp1")),
        ]);
        let f = ack_facts(&r, t(700));
        let a = alert(&f, "fp1");
        assert_eq!((a.firing_seconds, a.unowned_seconds), (200, 150));
        assert_eq!(a.fired_at, Ts(t(0)));
        assert_eq!(a.resolved_at, Some(Ts(t(600))));
    }

    #[test]
    fn a_drill_alert_is_matched_by_its_name() {
        // Drill alerts have no fingerprint: the alert's ack key carries
        // its name and labels.
        let r = recs(vec![
            (0, "drill", firing("APIDown", "")),
            (
                60,
                "ana@h",
                acked("alert:APIDown{service=api}", "ana@h", 1860, None),
            ),
            (
                120,
                "bo@h",
                acked("alert:APIDown{service=api}", "bo@h", 1920, None),
            ),
            (300, "drill", resolved("APIDown", "")),
        ]);
        let f = ack_facts(&r, t(300));
        assert_eq!(f.acks[0].end, "taken_over");
        assert_eq!(f.acks[0].to.as_deref(), Some("bo@h"));
        let a = alert(&f, "");
        assert_eq!((a.firing_seconds, a.unowned_seconds), (300, 60));
        assert_eq!(a.owners, ["ana@h", "bo@h"]);
    }

    #[test]
    fn nothing_fired_and_nothing_acked_is_said_plainly() {
        let f = ack_facts(&[], t(0));
        let mut md = String::new();
        markdown(&mut md, &f, false, &|t| t.0.to_string());
        assert_eq!(md, "No alert fired and nothing was acknowledged.\n\n");
    }

    #[test]
    fn record_text_cannot_break_the_table() {
        let mut ev = acked("group:A|B", "ana@h", 600, None);
        if let Event::AlertAcked { note, .. } = &mut ev {
            *note = "x | y\n# z\x1b[2J".into();
        }
        let r = recs(vec![(0, "ana@h", ev)]);
        let f = ack_facts(&r, t(100));
        let mut md = String::new();
        markdown(&mut md, &f, false, &|t| t.0.format("%H:%M").to_string());
        let row = md.lines().find(|l| l.starts_with("| 13:00 |")).unwrap();
        assert_eq!(row.matches(" | ").count(), 5, "{row}");
        assert!(!md.contains('\x1b'), "{md}");
        assert!(
            row.ends_with("| still open (not resolved when exported) |"),
            "{row}"
        );
    }
}

#[cfg(test)]
mod drill_tests {
    use super::*;
    use crate::timeline::Status;

    #[test]
    fn a_drills_after_action_report_keeps_its_acks() {
        let at = |s: i64| {
            DateTime::parse_from_rfc3339("2026-11-22T13:00:00Z")
                .unwrap()
                .with_timezone(&Utc)
                + TimeDelta::seconds(s)
        };
        let evs = vec![
            Event::Declared {
                id: "drill-1".into(),
                title: "API down".into(),
                severity: "P0".into(),
                status: Status::Investigating,
                ic: "ana@h".into(),
                playbook: "dicps".into(),
                procedure: "api-outage".into(),
                drill: true,
                source: None,
                scenario: Some("api-outage".into()),
                watch: Default::default(),
            },
            Event::AlertFiring {
                alertname: "APIDown".into(),
                severity: "critical".into(),
                summary: String::new(),
                fingerprint: String::new(),
                since: None,
            },
            Event::AlertAcked {
                ack: "group:APIDown".into(),
                target: "group APIDown".into(),
                owner: "ana@h".into(),
                note: "rolling back".into(),
                until: at(1860),
                from: None,
            },
            Event::AlertResolved {
                alertname: "APIDown".into(),
                fingerprint: String::new(),
            },
        ];
        let recs: Vec<Record> = evs
            .into_iter()
            .enumerate()
            .map(|(i, event)| Record {
                share: Default::default(),
                seq: i as u64 + 1,
                at: at(i as i64 * 60),
                by: "ana@h".into(),
                event,
            })
            .collect();
        let utc = chrono::FixedOffset::east_opt(0).unwrap();
        let md = super::super::after_action::render(&recs, None, None, utc).unwrap();
        assert!(md.contains("## Acknowledgements\n"), "{md}");
        assert!(
            md.contains(
                "| 13:02:00 | group APIDown | ana@h | rolling back | 13:31:00 | still open (not resolved when exported) |"
            ),
            "{md}"
        );
        assert!(
            md.contains(
                "| APIDown | 13:01:00 | 13:03:00 (acked by ana@h) | 00:02:00 | 00:01:00 | ana@h |"
            ),
            "{md}"
        );
    }
}
