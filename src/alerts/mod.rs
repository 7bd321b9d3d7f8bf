//! Alertmanager's alerts and silences, the pure parts: matchers, grouping,
//! silences, and deciding what a poll means for the record.
//!
//! An alert's firing is recorded once per fingerprint, and its resolving
//! once, when a successful poll no longer lists it. A failed poll never
//! resolves anything, and neither does a poll of an Alertmanager that was
//! (re)started too recently to have heard again from Prometheus.

pub mod group;
pub mod matcher;
pub mod model;
pub mod silence;

use crate::timeline::Event;
use chrono::{DateTime, Utc};
pub use model::{Alert, AlertState, alert_rank};
use std::collections::{BTreeMap, BTreeSet};

/// One successful poll of Alertmanager.
#[derive(Clone, Debug, PartialEq)]
pub struct Poll {
    /// Every alert the watch's matchers select: active, suppressed and
    /// unprocessed (resolved alerts are not listed).
    pub alerts: Vec<Alert>,
    pub silences: Vec<silence::Silence>,
    /// Absent alerts count as resolved only from this time on:
    /// Alertmanager's start plus the senders' resend interval (a restarted
    /// Alertmanager knows no alerts until they are sent again). `None`
    /// when its start is unknown.
    pub resolve_after: Option<DateTime<Utc>>,
    /// How long the poll took.
    pub took_ms: u64,
}

/// The records a poll calls for. `recorded` holds the fingerprints whose
/// firing is recorded and not yet resolved (the incident's fold);
/// `pending` those with a record on its way.
pub fn reconcile(
    recorded: &BTreeMap<String, String>,
    pending: &BTreeSet<String>,
    poll: &Poll,
    now: DateTime<Utc>,
) -> Vec<Event> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for a in &poll.alerts {
        if a.fingerprint.is_empty() || !seen.insert(a.fingerprint.as_str()) {
            continue;
        }
        if !recorded.contains_key(&a.fingerprint) && !pending.contains(&a.fingerprint) {
            out.push(Event::AlertFiring {
                alertname: a.alertname.clone(),
                severity: a.severity.clone(),
                summary: a.summary.clone(),
                fingerprint: a.fingerprint.clone(),
                since: Some(a.since),
            });
        }
    }
    let settled = poll.resolve_after.is_none_or(|t| now >= t);
    if settled {
        for (fp, name) in recorded {
            if !seen.contains(fp.as_str()) && !pending.contains(fp) {
                out.push(Event::AlertResolved {
                    alertname: name.clone(),
                    fingerprint: fp.clone(),
                });
            }
        }
    }
    out
}

/// Checks an Alertmanager URL as given on the command line or in a
/// playbook.
pub fn check_url(url: &str) -> Result<reqwest::Url, String> {
    let u = reqwest::Url::parse(url.trim())
        .map_err(|e| format!("bad Alertmanager URL {url:?}: {e} (expected http://HOST:9093)"))?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err(format!(
            "bad Alertmanager URL {url:?}: the scheme must be http or https"
        ));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(format!("bad Alertmanager URL {url:?}: no host"));
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::AlertState;
    use chrono::TimeDelta;

    fn alert(fp: &str) -> Alert {
        Alert {
            fingerprint: fp.into(),
            alertname: format!("A{fp}"),
            severity: "critical".into(),
            summary: "s".into(),
            since: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
            labels: Default::default(),
            annotations: Default::default(),
            state: AlertState::Active,
            silenced_by: vec![],
            inhibited_by: vec![],
            generator_url: String::new(),
        }
    }

    fn poll(fps: &[&str], resolve_after: Option<DateTime<Utc>>) -> Poll {
        Poll {
            alerts: fps.iter().map(|f| alert(f)).collect(),
            silences: vec![],
            resolve_after,
            took_ms: 1,
        }
    }

    fn kinds(evs: &[Event]) -> Vec<String> {
        evs.iter()
            .map(|e| match e {
                Event::AlertFiring { fingerprint, .. } => format!("+{fingerprint}"),
                Event::AlertResolved { fingerprint, .. } => format!("-{fingerprint}"),
                other => other.kind().to_string(),
            })
            .collect()
    }

    #[test]
    fn new_alerts_fire_once_and_absent_ones_resolve_once() {
        let now = DateTime::from_timestamp(1_800_000_100, 0).unwrap();
        let none = BTreeSet::new();
        // First poll: both already firing are recorded as firing.
        let evs = reconcile(&BTreeMap::new(), &none, &poll(&["a", "b"], None), now);
        assert_eq!(kinds(&evs), vec!["+a", "+b"]);
        let recorded: BTreeMap<String, String> =
            [("a".into(), "Aa".into()), ("b".into(), "Ab".into())].into();
        // Same poll again: nothing.
        assert!(reconcile(&recorded, &none, &poll(&["a", "b"], None), now).is_empty());
        // b gone: resolved; c new: firing.
        let evs = reconcile(&recorded, &none, &poll(&["a", "c"], None), now);
        assert_eq!(kinds(&evs), vec!["+c", "-b"]);
        // A record already on its way is not asked for twice.
        let pending: BTreeSet<String> = ["b".into(), "c".into()].into();
        assert!(reconcile(&recorded, &pending, &poll(&["a", "c"], None), now).is_empty());
    }

    #[test]
    fn a_freshly_restarted_alertmanager_resolves_nothing_yet() {
        let now = DateTime::from_timestamp(1_800_000_100, 0).unwrap();
        let recorded: BTreeMap<String, String> = [("a".into(), "Aa".into())].into();
        let soon = Some(now + TimeDelta::seconds(30));
        assert!(reconcile(&recorded, &BTreeSet::new(), &poll(&[], soon), now).is_empty());
        let past = Some(now - TimeDelta::seconds(1));
        assert_eq!(
            kinds(&reconcile(
                &recorded,
                &BTreeSet::new(),
                &poll(&[], past),
                now
            )),
            vec!["-a"]
        );
    }
}
