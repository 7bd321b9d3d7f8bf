//! The playbook's host thresholds (`watch.thresholds`: metric `cpu`,
//! `memory`, `disk` or `load`, `above`, `for`) against the samples: a
//! crossing is recorded once, when the metric has stayed over for the
//! whole `for`, and once more when it comes back under. Pure: the caller
//! gives the time.

use crate::playbook::model::Threshold;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// Host metrics a threshold can name.
pub const HOST_METRICS: &[&str] = &["cpu", "memory", "disk", "load"];

/// Since when each metric has been over its threshold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clocks {
    pub over_since: BTreeMap<String, DateTime<Utc>>,
    /// Metrics with a crossing or recovery record on its way.
    pub pending: BTreeSet<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Crossed,
    Recovered,
}

/// One sample of one metric. `recorded` says whether a crossing is
/// recorded and not yet recovered (the incident's fold).
pub fn step(
    over_since: &mut Option<DateTime<Utc>>,
    recorded: bool,
    value: f64,
    above: f64,
    hold: TimeDelta,
    now: DateTime<Utc>,
) -> Option<Transition> {
    if value > above {
        let since = *over_since.get_or_insert(now);
        (!recorded && now - since >= hold).then_some(Transition::Crossed)
    } else {
        *over_since = None;
        recorded.then_some(Transition::Recovered)
    }
}

/// A threshold's `for` (zero when absent or unreadable; lint reports it).
pub fn hold(t: &Threshold) -> TimeDelta {
    t.for_
        .as_ref()
        .and_then(|f| crate::time::parse_duration(&f.value).ok())
        .and_then(|d| TimeDelta::from_std(d).ok())
        .unwrap_or_default()
}

/// Whether a threshold names a host metric (others name service figures).
pub fn is_host_metric(t: &Threshold) -> bool {
    HOST_METRICS
        .iter()
        .any(|m| m.eq_ignore_ascii_case(t.metric.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake clock: seconds from a fixed start.
    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    /// Feeds samples every `every` seconds, carrying the record like the
    /// cockpit does; returns (second, transition) pairs.
    fn run(samples: &[f64], every: i64, hold_secs: i64) -> Vec<(i64, Transition)> {
        let mut clock = None;
        let mut recorded = false;
        let mut out = Vec::new();
        for (i, v) in samples.iter().enumerate() {
            let t = i as i64 * every;
            if let Some(tr) = step(
                &mut clock,
                recorded,
                *v,
                90.0,
                TimeDelta::seconds(hold_secs),
                at(t),
            ) {
                recorded = tr == Transition::Crossed;
                out.push((t, tr));
            }
        }
        out
    }

    #[test]
    fn crossing_needs_the_whole_duration_and_is_recorded_once() {
        // 10 minutes at 3 s samples: over from t=30 s.
        let mut samples = vec![50.0; 10];
        samples.extend(vec![95.0; 300]);
        let got = run(&samples, 3, 600);
        assert_eq!(got, vec![(30 + 600, Transition::Crossed)]);
    }

    #[test]
    fn a_dip_restarts_the_clock() {
        let mut samples = vec![95.0; 100]; // 0..297 s over
        samples.push(80.0); // 300 s: under
        samples.extend(vec![95.0; 150]); // 303..750 s: under 10 minutes
        let got = run(&samples, 3, 600);
        assert!(got.is_empty(), "never 10 minutes in a row: {got:?}");
    }

    #[test]
    fn recovery_is_recorded_once_and_a_new_crossing_again() {
        let mut samples = vec![95.0; 5];
        samples.extend(vec![50.0; 5]);
        samples.extend(vec![99.0; 5]);
        let got = run(&samples, 1, 2);
        assert_eq!(
            got,
            vec![
                (2, Transition::Crossed),
                (5, Transition::Recovered),
                (12, Transition::Crossed)
            ]
        );
    }

    #[test]
    fn without_for_it_crosses_at_the_first_sample_over_and_equal_is_not_over() {
        assert_eq!(run(&[90.0, 90.1], 3, 0), vec![(3, Transition::Crossed)]);
    }

    #[test]
    fn a_crossing_already_recorded_is_not_recorded_again_after_a_restart() {
        // The fold says crossed (before a restart); over again: nothing new.
        let mut clock = None;
        for s in 0..1000 {
            assert_eq!(
                step(&mut clock, true, 99.0, 90.0, TimeDelta::seconds(60), at(s)),
                None
            );
        }
        assert_eq!(
            step(
                &mut clock,
                true,
                10.0,
                90.0,
                TimeDelta::seconds(60),
                at(1000)
            ),
            Some(Transition::Recovered)
        );
    }
}
