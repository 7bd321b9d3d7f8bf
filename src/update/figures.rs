//! The service's figures from Prometheus: a poll updates them (a failed
//! answer marks a figure stale, never current), and the playbook's
//! thresholds on service figures are judged on them in a live incident,
//! as the host's are on the host (`alerts::host`).

use super::append;
use crate::msg::Effect;
use crate::playbook::model::Threshold;
use crate::state::figures::FigureUpdate;
use crate::state::{State, thresholds};
use crate::timeline::Event;

/// A poll of the figures' queries.
pub fn polled(s: &mut State, u: FigureUpdate, fx: &mut Vec<Effect>) {
    let now = s.now;
    s.observed.prometheus.apply(&mut s.observed.figures, u, now);
    if !s.ctx.drill {
        judge_thresholds(s, fx);
    }
}

/// The thresholds Prometheus measures, on its current figures (a stale
/// figure is not judged: its over-since clock and any record stay).
fn judge_thresholds(s: &mut State, fx: &mut Vec<Effect>) {
    let measured: Vec<(Threshold, f64)> = s
        .ctx
        .watch
        .thresholds
        .iter()
        .filter(|t| s.ctx.watch.measures(&t.metric))
        .filter_map(|t| {
            s.observed
                .figures
                .iter()
                .find(|f| f.stale.is_none() && f.name.eq_ignore_ascii_case(t.metric.trim()))
                .map(|f| (t.clone(), f.value))
        })
        .collect();
    for (t, value) in measured {
        if let Some(ev) = judge(s, &t, value) {
            append(s, ev, fx);
        }
    }
}

/// One threshold on one value now: the record to append, if a crossing
/// (or its recovery) is due and none is on its way.
pub fn judge(s: &mut State, t: &Threshold, value: f64) -> Option<Event> {
    let now = s.now;
    let metric = t.metric.trim().to_ascii_lowercase();
    let clocks = &mut s.observed.thresholds;
    let mut since = clocks.over_since.get(&metric).copied();
    let recorded = s.incident.thresholds_crossed.contains(&metric);
    let tr = thresholds::step(
        &mut since,
        recorded,
        value,
        t.above,
        thresholds::hold(t),
        now,
    );
    match since {
        Some(t0) => clocks.over_since.insert(metric.clone(), t0),
        None => clocks.over_since.remove(&metric),
    };
    let tr = tr?;
    if !clocks.pending.insert(metric.clone()) {
        return None;
    }
    let value = (value * 10.0).round() / 10.0;
    Some(match tr {
        thresholds::Transition::Crossed => Event::ThresholdCrossed {
            metric,
            value,
            above: t.above,
            for_: t.for_.as_ref().map(|f| f.value.clone()).unwrap_or_default(),
        },
        thresholds::Transition::Recovered => Event::ThresholdRecovered {
            metric,
            value,
            above: t.above,
        },
    })
}
