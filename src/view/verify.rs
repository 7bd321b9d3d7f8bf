//! Evaluating `verify:` conditions over what the state observes: the
//! pods (by selector), the alerts, the figures (host and service), the
//! rollouts and HTTP answers. Pure: the same in a drill (the scenario's
//! pods, alerts and figures) as live. `update` calls `refresh` when the
//! inputs may have changed and on the clock, and ticks the steps whose
//! conditions all held for their time.

use crate::playbook::verify::{Compile, Cond, Condition, PodsWant};
use crate::state::observed::{Observed, is_alarming, is_ready};
use crate::state::verify::{CondState, Live, StepConds, Verify};
use crate::state::{Marks, State};
use chrono::{DateTime, TimeDelta, Utc};

/// What a condition sees now.
#[derive(Clone, Debug, PartialEq)]
pub enum Truth {
    /// True: what is seen (`3/3 ready`).
    Yes(String),
    /// Not (yet) true: what is seen.
    No(String),
    /// Observed failing: what.
    Failed(String),
}

/// What a condition is evaluated against, beside the observations.
pub struct Inputs<'a> {
    pub observed: &'a Observed,
    /// The watched selector's requirements: a pod whose labels are not
    /// known (the live source keeps none) is among the watched pods.
    pub watched: &'a [(String, String)],
    pub observes_pods: bool,
    pub observes_alerts: bool,
    /// The playbook's Prometheus figures: a figure it measures is never
    /// read from the bastion's host instead.
    pub prometheus: Option<&'a crate::playbook::model::Prometheus>,
}

fn pod_matches(inp: &Inputs, name: &str, selector: &[(String, String)]) -> bool {
    match inp.observed.labels.get(name) {
        Some(labels) => selector
            .iter()
            .all(|(k, v)| labels.get(k).is_some_and(|x| x == v)),
        // Labels unknown: the pod is one of the watched pods, so it
        // matches a selector that asks no more than the watched one.
        None => selector.iter().all(|r| inp.watched.contains(r)),
    }
}

/// Evaluates one condition now.
pub fn evaluate(c: &Condition, inp: &Inputs) -> Truth {
    let o = inp.observed;
    match &c.cond {
        Cond::Pods { selector, want } => {
            if !inp.observes_pods {
                return Truth::No("pods are not observed".into());
            }
            let pods: Vec<_> = o
                .pods
                .iter()
                .filter(|p| pod_matches(inp, &p.name, selector))
                .collect();
            let total = pods.len();
            let ready = pods.iter().filter(|p| is_ready(&p.ready)).count();
            let failing = pods.iter().find(|p| is_alarming(&p.status));
            if total == 0 {
                return Truth::No("no pods".into());
            }
            if let Some(p) = failing {
                return Truth::Failed(format!("{} {}", p.name, p.status));
            }
            match want {
                PodsWant::AllReady if ready == total => {
                    Truth::Yes(format!("{ready}/{total} ready"))
                }
                PodsWant::AllReady => Truth::No(format!("{ready}/{total} ready")),
                PodsWant::AtLeast(n) if ready >= *n as usize => {
                    Truth::Yes(format!("{ready}/{total} ready"))
                }
                PodsWant::AtLeast(n) => Truth::No(format!("{ready}/{total} ready, want {n}")),
                PodsWant::NoneFailing => Truth::Yes(format!("{total} pods, none failing")),
            }
        }
        Cond::Alert { matchers } => {
            if !inp.observes_alerts {
                return Truth::No("alerts are not observed".into());
            }
            if o.feed.health.stale_since.is_some() {
                return Truth::No("Alertmanager is not answering".into());
            }
            let firing: Vec<_> = o
                .alerts
                .iter()
                .filter(|a| {
                    let labels = crate::alerts::silence::all_labels(a);
                    matchers.iter().all(|m| m.matches(&labels))
                })
                .collect();
            match firing.len() {
                0 => Truth::Yes("not firing".into()),
                1 => Truth::No(format!("{} firing", firing[0].alertname)),
                n => Truth::No(format!("{n} firing")),
            }
        }
        Cond::Figure { name, above, below } => {
            let value = o
                .figures
                .iter()
                .find(|f| f.name.eq_ignore_ascii_case(name))
                .map(|f| (f.value, f.unit.clone(), f.stale.clone()))
                .or_else(|| {
                    if inp.prometheus.is_some_and(|p| p.figure(name).is_some()) {
                        return None;
                    }
                    o.host
                        .as_ref()
                        .and_then(|h| h.metric(name))
                        .map(|v| (v, String::new(), None))
                });
            let Some((v, unit, stale)) = value else {
                return Truth::No(format!("no {name} figure yet"));
            };
            if let Some(why) = stale {
                // A value whose source failed is not evidence of anything.
                return Truth::No(format!("{v:.1}{unit} stale: {why}"));
            }
            let seen = format!("{v:.1}{unit}");
            let ok = above.is_none_or(|a| v > a) && below.is_none_or(|b| v < b);
            if ok {
                Truth::Yes(seen)
            } else {
                Truth::No(seen)
            }
        }
        Cond::Rollout { kind, name } => {
            let key = format!("{}/{name}", kind.name());
            match o.checks.rollouts.get(&key) {
                None => Truth::No(
                    o.checks
                        .rollouts_error
                        .clone()
                        .unwrap_or_else(|| "not seen yet".into()),
                ),
                Some(r) if r.complete() => Truth::Yes(r.describe()),
                Some(r) => match &r.stalled {
                    Some(why) => Truth::Failed(format!("stalled: {why}")),
                    None => Truth::No(r.describe()),
                },
            }
        }
        Cond::Http { url, .. } => match o.checks.http.get(url) {
            None => Truth::No("not asked yet".into()),
            Some(a) => match (a.status, &a.error) {
                (Some(code), _) if (200..300).contains(&code) => {
                    Truth::Yes(format!("{code} in {} ms", a.took_ms))
                }
                (Some(code), _) => Truth::Failed(format!("answered {code}")),
                (None, Some(e)) => Truth::Failed(e.clone()),
                (None, None) => Truth::Failed("no answer".into()),
            },
        },
    }
}

/// What a condition saw when its live state was last advanced.
fn seen(live: &Live) -> Truth {
    match live {
        Live::Waiting(seen) => Truth::No(seen.clone()),
        Live::Holding { seen, .. } | Live::Met { seen, .. } => Truth::Yes(seen.clone()),
        Live::Failed(why) => Truth::Failed(why.clone()),
    }
}

/// The next live state of a condition from its last one and what it sees.
pub fn advance(before: &Live, truth: Truth, hold: std::time::Duration, now: DateTime<Utc>) -> Live {
    match truth {
        Truth::Yes(seen) => {
            let since = match before {
                Live::Holding { since, .. } | Live::Met { since, .. } => *since,
                _ => now,
            };
            let held = now - since >= TimeDelta::from_std(hold).unwrap_or(TimeDelta::MAX);
            if held {
                Live::Met { since, seen }
            } else {
                Live::Holding { since, hold, seen }
            }
        }
        Truth::No(seen) => Live::Waiting(seen),
        Truth::Failed(why) => Live::Failed(why),
    }
}

/// Compiles the procedure's conditions (once; a condition that does not
/// compile was refused when the playbook loaded).
fn compile(s: &State) -> Verify {
    let steps = s
        .ctx
        .procedure()
        .steps()
        .filter(|st| !st.verify.is_empty())
        .map(|st| StepConds {
            step: st.id.value.clone(),
            title: st.title.clone(),
            conds: st
                .verify
                .iter()
                .filter_map(|c| c.compile().ok())
                .map(|cond| CondState {
                    cond,
                    live: Live::Waiting("not evaluated yet".into()),
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    let reads_figures = steps
        .iter()
        .flat_map(|st| &st.conds)
        .any(|c| matches!(c.cond.cond, Cond::Figure { .. }));
    Verify {
        steps,
        compiled: true,
        evaluated_at: None,
        reads_figures,
    }
}

/// The clock conditions hold on: the wall clock, or in a drill the drill
/// clock (from the declaration), so a hold counts drill time when the
/// facilitator pauses, speeds up or jumps.
pub fn clock(s: &State) -> DateTime<Utc> {
    match (s.incident.drill_clock, s.incident.declared_at) {
        (Some(_), Some(at)) => at + s.incident.drill_time(s.now),
        _ => s.now,
    }
}

/// Compiles the procedure's conditions if that was not done yet.
pub fn ensure(s: &mut State) {
    if !s.verify.compiled {
        s.verify = compile(s);
    }
}

/// The rollouts the procedure's conditions name (`deployment/api`), once
/// each: what the rollout source watches.
pub fn rollouts_named(s: &State) -> Vec<(crate::playbook::verify::RolloutKind, String)> {
    let mut out = Vec::new();
    for st in s.ctx.procedure().steps() {
        for c in st.verify.iter().filter_map(|c| c.compile().ok()) {
            if let Cond::Rollout { kind, name } = c.cond
                && !out.contains(&(kind, name.clone()))
            {
                out.push((kind, name));
            }
        }
    }
    out
}

/// What evaluating the conditions again found.
#[derive(Debug, Default)]
pub struct Refreshed {
    /// The steps (index into `s.verify.steps`) whose conditions all hold.
    pub met: Vec<usize>,
    /// Whether any condition's state moved (the checklist shows another
    /// thing).
    pub moved: bool,
}

/// Evaluates every condition again.
/// `only_time`: the message applied moved only the clock; the
/// observations are then as they were when last evaluated unless a change
/// counter (`state::Marks`) moved since.
pub fn refresh(s: &mut State, only_time: bool) -> Refreshed {
    ensure(s);
    if s.verify.steps.is_empty() {
        return Refreshed::default();
    }
    // What the conditions look at changes with a message that is not a
    // tick, which moves a change counter (`state::Marks`, as the render
    // cache relies on) after it is applied: on a tick with the counters
    // as they were at the last evaluation only the time moved, and each
    // condition sees what its live state says it saw (a hold counts on).
    // The counters the conditions read: `any`, and the figures' when one
    // looks at a figure.
    let figures = s.verify.reads_figures;
    let read = |m: Marks| {
        if figures {
            Marks { runs: 0, ..m }
        } else {
            Marks {
                any: m.any,
                ..Marks::default()
            }
        }
    };
    let fresh = !only_time || s.verify.evaluated_at.map(read) != Some(read(s.marks));
    s.verify.evaluated_at = Some(s.marks);
    let watched = if fresh {
        s.ctx
            .watch
            .selector
            .as_deref()
            .and_then(|w| crate::playbook::verify::parse_selector(w).ok())
            .unwrap_or_default()
    } else {
        Default::default()
    };
    let inp = Inputs {
        observed: &s.observed,
        watched: &watched,
        observes_pods: s.ctx.observes_pods,
        observes_alerts: s.ctx.observes_alerts,
        prometheus: s.ctx.watch.prometheus.as_ref(),
    };
    let now = clock(s);
    let mut met = Vec::new();
    let mut moved = false;
    for (i, step) in s.verify.steps.iter_mut().enumerate() {
        for c in &mut step.conds {
            let truth = if fresh {
                evaluate(&c.cond, &inp)
            } else {
                seen(&c.live)
            };
            let live = advance(&c.live, truth, c.cond.hold, now);
            moved |= live != c.live;
            c.live = live;
        }
        if step.all_met() {
            met.push(i);
        }
    }
    Refreshed { met, moved }
}

/// The evidence a step that ticked itself records: each condition, what
/// it saw, and since when it has held (UTC, as the record is).
pub fn evidence(step: &StepConds) -> Vec<String> {
    step.conds
        .iter()
        .map(|c| match &c.live {
            Live::Met { since, seen } => format!(
                "{}: {seen}, since {} UTC",
                c.cond.text,
                since.format("%H:%M:%S")
            ),
            other => format!("{}: {other:?}", c.cond.text),
        })
        .collect()
}

/// A step's conditions in a few cells, beside it in the checklist: the
/// least advanced condition decides (`✗ FAILED`, `… waiting`, `◷ 40s/2m`,
/// `✓ met`).
pub fn summary(st: &StepConds, now: DateTime<Utc>) -> (String, Level) {
    if st.conds.iter().any(|c| matches!(c.live, Live::Failed(_))) {
        return ("✗ failed".into(), Level::Bad);
    }
    if st.conds.iter().any(|c| matches!(c.live, Live::Waiting(_))) {
        return ("… waiting".into(), Level::Plain);
    }
    let holding = st
        .conds
        .iter()
        .filter_map(|c| match &c.live {
            Live::Holding { since, hold, .. } => Some((
                (now - *since).to_std().unwrap_or_default().min(*hold),
                *hold,
            )),
            _ => None,
        })
        .min_by_key(|(held, hold)| hold.saturating_sub(*held));
    match holding {
        Some((held, hold)) => (
            format!(
                "◷ {}/{}",
                crate::time::human(std::time::Duration::from_secs(held.as_secs())),
                crate::time::human(hold)
            ),
            Level::Warn,
        ),
        None if st.conds.is_empty() => (String::new(), Level::Plain),
        None => ("✓ met".into(), Level::Good),
    }
}

/// How a condition's state reads: the colour the checklist gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    Plain,
    Warn,
    Good,
    Bad,
}

pub fn level(live: &Live) -> Level {
    match live {
        Live::Waiting(_) => Level::Plain,
        Live::Holding { .. } => Level::Warn,
        Live::Met { .. } => Level::Good,
        Live::Failed(_) => Level::Bad,
    }
}

/// How the checklist says a condition stands: `waiting: 2/3 ready`,
/// `holding 40s of 2m`, `met`, `FAILED: api-1 CrashLoopBackOff`.
pub fn label(live: &Live, now: DateTime<Utc>) -> String {
    match live {
        Live::Waiting(seen) => format!("waiting: {seen}"),
        Live::Holding { since, hold, .. } => format!(
            "holding {} of {}",
            crate::time::human((now - *since).to_std().unwrap_or_default().min(*hold)),
            crate::time::human(*hold)
        ),
        Live::Met { seen, .. } => format!("met: {seen}"),
        Live::Failed(why) => format!("FAILED: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::model::At;
    use crate::playbook::verify::Check;
    use crate::state::observed::{Alert, Figure};
    use crate::state::verify::{HttpAnswer, Rollout};
    use std::collections::BTreeMap;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap()
    }

    fn at(s: &str) -> Option<At<String>> {
        Some(At::new(s.to_string()))
    }

    use crate::testkit::pod;

    fn eval(c: Check, o: &Observed, watched: &[(String, String)]) -> Truth {
        let cond = c.compile().unwrap();
        evaluate(
            &cond,
            &Inputs {
                observed: o,
                watched,
                observes_pods: true,
                observes_alerts: true,
                prometheus: None,
            },
        )
    }

    #[test]
    fn pods_by_selector_ready_at_least_and_failing() {
        let mut o = Observed {
            pods: vec![
                pod("api-1", "1/1", "Running"),
                pod("api-2", "0/1", "Running"),
                pod("db-1", "1/1", "Running"),
            ],
            ..Default::default()
        };
        let lab = |app: &str| BTreeMap::from([("app".to_string(), app.to_string())]);
        o.labels.insert("api-1".into(), lab("api"));
        o.labels.insert("api-2".into(), lab("api"));
        o.labels.insert("db-1".into(), lab("db"));
        let all = || Check {
            pods: at("app=api"),
            ..Default::default()
        };
        assert_eq!(eval(all(), &o, &[]), Truth::No("1/2 ready".into()));
        let one = Check {
            pods: at("app=api"),
            ready: at("1"),
            ..Default::default()
        };
        assert_eq!(eval(one, &o, &[]), Truth::Yes("1/2 ready".into()));
        o.pods[1].ready = "1/1".into();
        assert_eq!(eval(all(), &o, &[]), Truth::Yes("2/2 ready".into()));
        o.pods[1].status = "CrashLoopBackOff".into();
        assert_eq!(
            eval(all(), &o, &[]),
            Truth::Failed("api-2 CrashLoopBackOff".into())
        );
        let none_failing = Check {
            pods: at("app=db"),
            none_failing: true,
            ..Default::default()
        };
        assert_eq!(
            eval(none_failing, &o, &[]),
            Truth::Yes("1 pods, none failing".into())
        );
        // A selector nothing matches waits.
        let other = Check {
            pods: at("app=web"),
            ..Default::default()
        };
        assert_eq!(eval(other, &o, &[]), Truth::No("no pods".into()));
        // Live pods carry no labels: they are the watched ones.
        o.labels.clear();
        let watched = vec![("app".to_string(), "api".to_string())];
        let narrower = Check {
            pods: at("app=api,tier=x"),
            ..Default::default()
        };
        assert_eq!(eval(narrower, &o, &watched), Truth::No("no pods".into()));
    }

    #[test]
    fn alerts_resolve_figures_compare_rollouts_and_http_answer() {
        let mut o = Observed::default();
        o.alerts.push(Alert {
            alertname: "APIDown".into(),
            labels: BTreeMap::from([("service".to_string(), "api".to_string())]),
            ..Default::default()
        });
        let alert = |a: &str| Check {
            alert: at(a),
            ..Default::default()
        };
        assert_eq!(
            eval(alert("APIDown"), &o, &[]),
            Truth::No("APIDown firing".into())
        );
        assert_eq!(
            eval(alert(r#"alertname="APIDown",service="web""#), &o, &[]),
            Truth::Yes("not firing".into())
        );
        o.alerts.clear();
        assert_eq!(
            eval(alert("APIDown"), &o, &[]),
            Truth::Yes("not firing".into())
        );

        o.figures.push(Figure {
            name: "Error rate".into(),
            value: 4.0,
            unit: "%".into(),
            stale: None,
        });
        let below = || Check {
            figure: at("error rate"),
            below: Some(1.0),
            ..Default::default()
        };
        assert_eq!(eval(below(), &o, &[]), Truth::No("4.0%".into()));
        o.figures[0].value = 0.5;
        assert_eq!(eval(below(), &o, &[]), Truth::Yes("0.5%".into()));

        let rollout = || Check {
            rollout: at("deployment/api"),
            ..Default::default()
        };
        assert_eq!(eval(rollout(), &o, &[]), Truth::No("not seen yet".into()));
        let mut r = Rollout {
            generation: 2,
            observed_generation: 2,
            replicas: 3,
            updated: 1,
            available: 3,
            ready: 3,
            stalled: None,
        };
        o.checks.rollouts.insert("deployment/api".into(), r.clone());
        assert_eq!(
            eval(rollout(), &o, &[]),
            Truth::No("1/3 updated, 3 available".into())
        );
        r.stalled = Some("ProgressDeadlineExceeded".into());
        o.checks.rollouts.insert("deployment/api".into(), r.clone());
        assert!(matches!(eval(rollout(), &o, &[]), Truth::Failed(_)));
        r.updated = 3;
        r.stalled = None;
        o.checks.rollouts.insert("deployment/api".into(), r);
        assert!(matches!(eval(rollout(), &o, &[]), Truth::Yes(_)));

        let http = || Check {
            http: at("http://x/health"),
            ..Default::default()
        };
        assert_eq!(eval(http(), &o, &[]), Truth::No("not asked yet".into()));
        let answer = |status, error: Option<&str>| HttpAnswer {
            status,
            error: error.map(str::to_string),
            took_ms: 12,
            at: t(0),
        };
        o.checks
            .http
            .insert("http://x/health".into(), answer(Some(503), None));
        assert_eq!(eval(http(), &o, &[]), Truth::Failed("answered 503".into()));
        o.checks
            .http
            .insert("http://x/health".into(), answer(None, Some("timed out")));
        assert_eq!(eval(http(), &o, &[]), Truth::Failed("timed out".into()));
        o.checks
            .http
            .insert("http://x/health".into(), answer(Some(204), None));
        assert_eq!(eval(http(), &o, &[]), Truth::Yes("204 in 12 ms".into()));
    }

    #[test]
    fn a_condition_holds_for_its_time_then_is_met_and_starts_over_when_it_breaks() {
        let hold = std::time::Duration::from_secs(120);
        let w = Live::Waiting("x".into());
        let h = advance(&w, Truth::Yes("ok".into()), hold, t(0));
        assert!(matches!(h, Live::Holding { since, .. } if since == t(0)));
        assert_eq!(label(&h, t(40)), "holding 40s of 2m");
        let h = advance(&h, Truth::Yes("ok".into()), hold, t(119));
        assert!(matches!(h, Live::Holding { .. }));
        let m = advance(&h, Truth::Yes("ok".into()), hold, t(120));
        assert!(matches!(m, Live::Met { since, .. } if since == t(0)));
        let broke = advance(&m, Truth::No("2/3".into()), hold, t(121));
        assert_eq!(label(&broke, t(121)), "waiting: 2/3");
        let again = advance(&broke, Truth::Yes("ok".into()), hold, t(122));
        assert!(matches!(again, Live::Holding { since, .. } if since == t(122)));
        // No hold time: met at once.
        let now = advance(&w, Truth::Yes("ok".into()), std::time::Duration::ZERO, t(5));
        assert!(now.is_met());
        let f = advance(&now, Truth::Failed("503".into()), hold, t(6));
        assert_eq!(label(&f, t(6)), "FAILED: 503");
    }
}
