//! The service's figures as Prometheus answers them: what the source
//! sends (`FigureUpdate`), and how the state keeps them (a figure whose
//! last answer failed keeps its last value, marked stale with why; it is
//! never shown, nor judged, as current).

use super::observed::{Figure, SourceHealth};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::BTreeMap;

/// A severity criterion a figure meets now (`view::criteria`).
#[derive(Clone, Debug, PartialEq)]
pub struct Crossing {
    pub severity: String,
    pub figure: String,
    pub value: f64,
    pub unit: String,
    /// The criterion's words.
    pub text: String,
    /// `> 50`.
    pub bound: String,
}

/// One figure's answer in a poll.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureAnswer {
    pub name: String,
    pub unit: String,
    /// The number, or why there is none (an HTTP error, several series, a
    /// value that is not a number).
    pub result: Result<f64, String>,
}

/// One poll of every figure.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureUpdate {
    pub answers: Vec<FigureAnswer>,
    pub took_ms: u64,
    /// Set when Prometheus itself did not answer (timeout, refused, an
    /// HTTP error): the source tries again after this long.
    pub retry_in: Option<std::time::Duration>,
}

/// The Prometheus source as the cockpit sees it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PromFeed {
    pub health: SourceHealth,
    /// Why a figure has no current value (a figure never answered is
    /// here and not among the figures).
    pub problems: BTreeMap<String, String>,
}

impl PromFeed {
    /// Applies a poll to the figures; returns whether any figure has a
    /// new current value.
    pub fn apply(
        &mut self,
        figures: &mut Vec<Figure>,
        u: FigureUpdate,
        now: DateTime<Utc>,
    ) -> bool {
        let mut fresh = false;
        let mut first_error = None;
        self.problems.clear();
        for a in u.answers {
            let slot = figures
                .iter_mut()
                .position(|f| f.name.eq_ignore_ascii_case(&a.name));
            match a.result {
                Ok(v) => {
                    fresh = true;
                    match slot {
                        Some(i) => {
                            let f = &mut figures[i];
                            f.value = v;
                            f.unit = a.unit;
                            f.stale = None;
                        }
                        None => figures.push(Figure {
                            name: a.name,
                            value: v,
                            unit: a.unit,
                            stale: None,
                        }),
                    }
                }
                Err(why) => {
                    if first_error.is_none() {
                        first_error = Some(format!("{}: {why}", a.name));
                    }
                    if let Some(i) = slot {
                        figures[i].stale = Some(why.clone());
                    }
                    self.problems.insert(a.name, why);
                }
            }
        }
        let h = &mut self.health;
        h.took_ms = u.took_ms;
        match first_error {
            None => {
                h.last_ok = Some(now);
                h.stale_since = None;
                h.last_error = None;
                h.retry_at = None;
            }
            Some(e) => {
                if h.stale_since.is_none() {
                    h.stale_since = Some(now);
                }
                let more = self.problems.len().saturating_sub(1);
                h.last_error = Some(if more > 0 {
                    format!("{e} (and {more} more)")
                } else {
                    e
                });
                h.retry_at = u
                    .retry_in
                    .map(|d| now + TimeDelta::from_std(d).unwrap_or_default());
            }
        }
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn answer(name: &str, r: Result<f64, &str>) -> FigureAnswer {
        FigureAnswer {
            name: name.into(),
            unit: "%".into(),
            result: r.map_err(str::to_string),
        }
    }

    fn poll(answers: Vec<FigureAnswer>, retry: bool) -> FigureUpdate {
        FigureUpdate {
            answers,
            took_ms: 3,
            retry_in: retry.then(|| std::time::Duration::from_secs(2)),
        }
    }

    #[test]
    fn a_failed_answer_keeps_the_value_but_marks_it_stale_and_a_new_one_clears_it() {
        let mut feed = PromFeed::default();
        let mut figs = Vec::new();
        assert!(feed.apply(
            &mut figs,
            poll(vec![answer("error_rate", Ok(4.0))], false),
            at(0)
        ));
        assert_eq!(figs[0].value, 4.0);
        assert_eq!(feed.health.last_ok, Some(at(0)));
        assert!(!feed.apply(
            &mut figs,
            poll(vec![answer("error_rate", Err("HTTP 503"))], true),
            at(5)
        ));
        assert_eq!(figs[0].stale.as_deref(), Some("HTTP 503"));
        assert_eq!(feed.health.stale_since, Some(at(5)));
        assert_eq!(feed.health.retry_at, Some(at(7)));
        assert_eq!(
            feed.health.last_error.as_deref(),
            Some("error_rate: HTTP 503")
        );
        // Still failing: stale since the first failure.
        feed.apply(
            &mut figs,
            poll(vec![answer("error_rate", Err("HTTP 503"))], true),
            at(9),
        );
        assert_eq!(feed.health.stale_since, Some(at(5)));
        feed.apply(
            &mut figs,
            poll(vec![answer("error_rate", Ok(6.5))], false),
            at(12),
        );
        assert_eq!(figs[0].value, 6.5);
        assert_eq!(figs[0].stale, None);
        assert_eq!(feed.health.stale_since, None);
        assert_eq!(feed.health.last_error, None);
    }

    #[test]
    fn a_figure_never_answered_is_not_shown_but_said() {
        let mut feed = PromFeed::default();
        let mut figs = Vec::new();
        feed.apply(
            &mut figs,
            poll(
                vec![
                    answer("error_rate", Err("3 series")),
                    answer("latency", Err("not a number")),
                ],
                false,
            ),
            at(0),
        );
        assert!(figs.is_empty());
        assert_eq!(feed.problems.len(), 2);
        assert_eq!(
            feed.health.last_error.as_deref(),
            Some("error_rate: 3 series (and 1 more)")
        );
        assert_eq!(feed.health.retry_at, None);
    }
}
