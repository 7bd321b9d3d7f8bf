//! What the cockpit sees of each step's `verify:` conditions: plain data,
//! kept up to date by `update` (`view::verify::refresh`) when what they
//! look at changes or the clock moves, never computed while drawing.
//! Also the observations only conditions use: rollouts and HTTP answers.

use crate::playbook::verify::Condition;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::time::Duration;

/// One condition's live state, as the checklist shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Live {
    /// Not true yet (or nothing observed yet): what is seen.
    Waiting(String),
    /// True since `since`, not yet for its hold time.
    Holding {
        since: DateTime<Utc>,
        hold: Duration,
        seen: String,
    },
    /// True for its hold time: since when it has been true.
    Met { since: DateTime<Utc>, seen: String },
    /// Observed failing (a pod crash-looping, a rollout stalled, an HTTP
    /// error): what.
    Failed(String),
}

impl Live {
    pub fn is_holding(&self) -> bool {
        matches!(self, Live::Holding { .. })
    }

    pub fn is_met(&self) -> bool {
        matches!(self, Live::Met { .. })
    }
}

/// A condition and where it stands.
#[derive(Clone, Debug, PartialEq)]
pub struct CondState {
    pub cond: Condition,
    pub live: Live,
}

/// A step's conditions.
#[derive(Clone, Debug, PartialEq)]
pub struct StepConds {
    pub step: String,
    pub title: String,
    pub conds: Vec<CondState>,
}

impl StepConds {
    pub fn all_met(&self) -> bool {
        !self.conds.is_empty() && self.conds.iter().all(|c| c.live.is_met())
    }
}

/// Every step of the procedure that has conditions, in checklist order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verify {
    pub steps: Vec<StepConds>,
    /// The conditions were compiled from the procedure.
    pub compiled: bool,
    /// The change counters when the conditions were last evaluated: with
    /// the same counters only the time moved (`view::verify::refresh`).
    pub evaluated_at: Option<super::Marks>,
    /// Some condition looks at a figure (which a host sample or pod
    /// metrics move without moving `any`).
    pub reads_figures: bool,
}

impl Verify {
    pub fn step(&self, id: &str) -> Option<&StepConds> {
        self.steps.iter().find(|s| s.step == id)
    }
}

/// A Deployment's or StatefulSet's rollout as last observed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rollout {
    pub generation: i64,
    pub observed_generation: i64,
    /// Desired replicas.
    pub replicas: i32,
    pub updated: i32,
    pub available: i32,
    pub ready: i32,
    /// Why it does not progress (`ProgressDeadlineExceeded`: ...), when
    /// the controller says so.
    pub stalled: Option<String>,
}

impl Rollout {
    /// `kubectl rollout status`'s test: the controller saw the latest
    /// spec, and every desired replica is updated and available.
    pub fn complete(&self) -> bool {
        self.observed_generation >= self.generation
            && self.updated >= self.replicas
            && self.available >= self.replicas
            && self.ready >= self.replicas
    }

    /// `3/3 updated, 3 available`.
    pub fn describe(&self) -> String {
        let gen_ = if self.observed_generation < self.generation {
            " (spec not yet observed)"
        } else {
            ""
        };
        format!(
            "{}/{} updated, {} available{gen_}",
            self.updated, self.replicas, self.available
        )
    }
}

/// An HTTP GET's last answer.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpAnswer {
    /// The status code, when the server answered.
    pub status: Option<u16>,
    /// Why there is no answer (timeout, refused...), sanitised.
    pub error: Option<String>,
    pub took_ms: u64,
    pub at: DateTime<Utc>,
}

/// What only conditions look at: rollouts by `kind/name`, HTTP answers by
/// URL, and why a source of them is failing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checks {
    pub rollouts: BTreeMap<String, Rollout>,
    pub http: BTreeMap<String, HttpAnswer>,
    /// The rollout source's last error (cleared by a good answer).
    pub rollouts_error: Option<String>,
    /// URLs whose GET was asked for and not yet answered, with when it
    /// was asked (no second GET of a URL while one is out).
    pub http_asking: BTreeMap<String, DateTime<Utc>>,
}

/// What the rollout and HTTP sources (and a drill's scenario) send about
/// the things only conditions look at.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckUpdate {
    /// Every watched object of one kind after a LIST (`deployment`,
    /// `statefulset`): replaces what was seen of that kind.
    RolloutsSynced {
        kind: String,
        items: Vec<(String, Rollout)>,
    },
    /// One object added or changed, by `kind/name`.
    RolloutApplied { key: String, rollout: Rollout },
    /// One object gone, by `kind/name`.
    RolloutDeleted { key: String },
    /// The rollout source failed (why, sanitised); it retries.
    RolloutsFailed(String),
    /// An HTTP GET was answered (or not), by URL.
    Http { url: String, answer: HttpAnswer },
}

impl Checks {
    /// Applies what a source sent.
    pub fn apply(&mut self, u: CheckUpdate) {
        match u {
            CheckUpdate::RolloutsSynced { kind, items } => {
                let prefix = format!("{kind}/");
                self.rollouts.retain(|k, _| !k.starts_with(&prefix));
                self.rollouts.extend(items);
                self.rollouts_error = None;
            }
            CheckUpdate::RolloutApplied { key, rollout } => {
                self.rollouts.insert(key, rollout);
                self.rollouts_error = None;
            }
            CheckUpdate::RolloutDeleted { key } => {
                self.rollouts.remove(&key);
            }
            CheckUpdate::RolloutsFailed(why) => self.rollouts_error = Some(why),
            CheckUpdate::Http { url, answer } => {
                self.http_asking.remove(&url);
                self.http.insert(url, answer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(updated: i32) -> Rollout {
        Rollout {
            generation: 2,
            observed_generation: 2,
            replicas: 3,
            updated,
            available: updated,
            ready: updated,
            stalled: None,
        }
    }

    #[test]
    fn a_list_replaces_its_kind_only_and_events_change_one() {
        let mut c = Checks::default();
        c.apply(CheckUpdate::RolloutsFailed("refused".into()));
        c.apply(CheckUpdate::RolloutApplied {
            key: "statefulset/db".into(),
            rollout: r(1),
        });
        assert_eq!(c.rollouts_error, None, "a good answer clears the error");
        c.apply(CheckUpdate::RolloutsSynced {
            kind: "deployment".into(),
            items: vec![("deployment/api".into(), r(1))],
        });
        c.apply(CheckUpdate::RolloutsSynced {
            kind: "deployment".into(),
            items: vec![("deployment/web".into(), r(3))],
        });
        let keys: Vec<_> = c.rollouts.keys().cloned().collect();
        assert_eq!(keys, vec!["deployment/web", "statefulset/db"]);
        assert!(c.rollouts["deployment/web"].complete());
        assert!(!c.rollouts["statefulset/db"].complete());
        c.apply(CheckUpdate::RolloutDeleted {
            key: "statefulset/db".into(),
        });
        assert_eq!(c.rollouts.len(), 1);
    }
}
