//! Firing alerts grouped by alertname: the most severe group first (then
//! the newest), and in a group the alerts that still page (active) before
//! the suppressed ones.

use crate::alerts::Alert;
use crate::alerts::{AlertState, alert_rank};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// One alertname's alerts: `alerts[start..start + len]` once sorted.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub alertname: String,
    pub start: usize,
    pub len: usize,
    /// The most severe severity in the group.
    pub severity: String,
    pub suppressed: usize,
    pub since: DateTime<Utc>,
}

impl Group {
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.start + self.len
    }
}

fn state_rank(s: AlertState) -> u8 {
    match s {
        AlertState::Active => 0,
        AlertState::Unprocessed => 1,
        AlertState::Suppressed => 2,
    }
}

/// Sorts alerts into display order: grouped, groups by their most severe
/// alert then newest, alerts in a group by state, severity, newest.
pub fn sort(alerts: &mut [Alert]) {
    let mut key: BTreeMap<&str, (u8, DateTime<Utc>)> = BTreeMap::new();
    for a in alerts.iter() {
        let e = key
            .entry(a.alertname.as_str())
            .or_insert((u8::MAX, DateTime::<Utc>::MIN_UTC));
        e.0 = e.0.min(alert_rank(&a.severity));
        e.1 = e.1.max(a.since);
    }
    let key: BTreeMap<String, (u8, DateTime<Utc>)> =
        key.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    alerts.sort_by(|a, b| {
        let (ka, kb) = (key[&a.alertname], key[&b.alertname]);
        ka.0.cmp(&kb.0)
            .then(kb.1.cmp(&ka.1))
            .then(a.alertname.cmp(&b.alertname))
            .then(state_rank(a.state).cmp(&state_rank(b.state)))
            .then(alert_rank(&a.severity).cmp(&alert_rank(&b.severity)))
            .then(b.since.cmp(&a.since))
            .then(a.fingerprint.cmp(&b.fingerprint))
    });
}

/// The groups of alerts already in display order.
pub fn groups(alerts: &[Alert]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for (i, a) in alerts.iter().enumerate() {
        match out.last_mut() {
            Some(g) if g.alertname == a.alertname => {
                g.len += 1;
                if alert_rank(&a.severity) < alert_rank(&g.severity) {
                    g.severity = a.severity.clone();
                }
                g.suppressed += usize::from(a.state == AlertState::Suppressed);
                g.since = g.since.max(a.since);
            }
            _ => out.push(Group {
                alertname: a.alertname.clone(),
                start: i,
                len: 1,
                severity: a.severity.clone(),
                suppressed: usize::from(a.state == AlertState::Suppressed),
                since: a.since,
            }),
        }
    }
    out
}

/// The labels whose values differ inside a group: what tells its alerts
/// apart on one line (`instance=a:80 pod=api-2`).
pub fn distinguishing(alerts: &[Alert]) -> Vec<String> {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for a in alerts {
        names.extend(a.labels.keys().map(String::as_str));
    }
    names
        .into_iter()
        .filter(|n| *n != "alertname")
        .filter(|n| {
            let mut vals = alerts.iter().map(|a| a.labels.get(*n));
            let first = vals.next().flatten();
            vals.any(|v| v != first)
        })
        .map(str::to_string)
        .collect()
}

/// A row of the alerts pane: a group's heading (only for groups of more
/// than one alert), or an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    Group(usize),
    Alert(usize),
}

/// The rows the pane shows, in order.
pub fn rows(groups: &[Group]) -> Vec<Row> {
    let mut out = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        if g.len > 1 {
            out.push(Row::Group(gi));
        }
        out.extend(g.range().map(Row::Alert));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn a(name: &str, sev: &str, fp: &str, mins_ago: i64, state: AlertState) -> Alert {
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        Alert {
            fingerprint: fp.into(),
            alertname: name.into(),
            severity: sev.into(),
            summary: String::new(),
            since: t0 - TimeDelta::minutes(mins_ago),
            labels: [
                ("alertname".to_string(), name.to_string()),
                ("instance".to_string(), fp.to_string()),
                ("service".to_string(), "api".to_string()),
            ]
            .into(),
            annotations: Default::default(),
            state,
            silenced_by: vec![],
            inhibited_by: vec![],
            generator_url: String::new(),
        }
    }

    #[test]
    fn groups_by_alertname_most_severe_first_with_counts() {
        use AlertState::*;
        let mut v = vec![
            a("HighLatency", "warning", "l1", 1, Active),
            a("APIDown", "critical", "d1", 10, Suppressed),
            a("DiskFull", "critical", "f1", 30, Active),
            a("APIDown", "critical", "d2", 5, Active),
            a("APIDown", "warning", "d3", 2, Unprocessed),
        ];
        sort(&mut v);
        let gs = groups(&v);
        let summary: Vec<(&str, usize, &str, usize)> = gs
            .iter()
            .map(|g| {
                (
                    g.alertname.as_str(),
                    g.len,
                    g.severity.as_str(),
                    g.suppressed,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("APIDown", 3, "critical", 1),
                ("DiskFull", 1, "critical", 0),
                ("HighLatency", 1, "warning", 0)
            ]
        );
        // Active, then unprocessed, then suppressed inside the group.
        let fps: Vec<&str> = v[gs[0].range()]
            .iter()
            .map(|x| x.fingerprint.as_str())
            .collect();
        assert_eq!(fps, vec!["d2", "d3", "d1"]);
        assert_eq!(distinguishing(&v[gs[0].range()]), vec!["instance"]);
        assert_eq!(
            rows(&gs),
            vec![
                Row::Group(0),
                Row::Alert(0),
                Row::Alert(1),
                Row::Alert(2),
                Row::Alert(3),
                Row::Alert(4)
            ]
        );
    }

    #[test]
    fn no_alerts_no_groups() {
        assert!(groups(&[]).is_empty());
        assert!(rows(&[]).is_empty());
    }
}
