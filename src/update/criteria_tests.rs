//! Severity criteria through `update`: a figure crossing the criterion of
//! a higher severity is suggested once per crossing (a flash and a
//! `severity_suggested` record), never for the incident's own or a lower
//! severity, never on a stale figure; the header says it while it holds.

use super::*;
use crate::state::figures::{FigureAnswer, FigureUpdate};
use crate::testkit::Harness;

fn figures(answers: &[(&str, Result<f64, &str>)]) -> Msg {
    Msg::Figures(FigureUpdate {
        answers: answers
            .iter()
            .map(|(n, r)| FigureAnswer {
                name: n.to_string(),
                unit: "%".into(),
                result: r.map_err(str::to_string),
            })
            .collect(),
        took_ms: 1,
        retry_in: None,
    })
}

fn suggested(h: &Harness) -> Vec<String> {
    h.records()
        .iter()
        .filter_map(|r| match &r.event {
            Event::SeveritySuggested {
                severity,
                figure,
                value,
                ..
            } => Some(format!("{severity} {figure} {value}")),
            _ => None,
        })
        .collect()
}

fn at_severity(h: &mut Harness, to: &str) {
    let from = h.state.incident.severity.clone();
    h.record(Event::SeverityChanged {
        from,
        to: to.into(),
    });
    assert_eq!(h.state.incident.severity, to);
}

#[test]
fn a_crossing_is_suggested_once_and_again_after_it_went_back() {
    let mut h = Harness::live("dicps");
    at_severity(&mut h, "P3");
    h.send(figures(&[("Error rate", Ok(12.0))]));
    assert!(suggested(&h).is_empty(), "under 50 %: nothing");
    h.send(figures(&[("Error rate", Ok(58.2))]));
    assert_eq!(suggested(&h), vec!["P1 Error rate 58.2"]);
    let flash = h.state.ui.flash.clone().unwrap().text;
    assert!(
        flash.starts_with("Suggest P1: Error rate 58.2% > 50 (Partial service degradation")
            && flash.ends_with("s raises the severity"),
        "{flash}"
    );
    // Still over: not twice.
    h.advance(15);
    h.send(figures(&[("Error rate", Ok(61.0))]));
    assert_eq!(suggested(&h).len(), 1);
    // A stale figure is no crossing, and no end of one either.
    h.send(figures(&[("Error rate", Err("HTTP 503"))]));
    assert_eq!(suggested(&h).len(), 1);
    assert!(crate::view::criteria::suggestion(&h.state).is_none());
    h.send(figures(&[("Error rate", Ok(3.0))]));
    h.send(figures(&[("Error rate", Ok(70.0))]));
    assert_eq!(
        suggested(&h),
        vec!["P1 Error rate 58.2", "P1 Error rate 70"],
        "a new crossing after it went back is suggested again"
    );
}

#[test]
fn the_worst_severity_met_is_suggested_and_never_the_incidents_own_or_lower() {
    let mut h = Harness::live("dicps");
    at_severity(&mut h, "P3");
    // P2 (latency +20 %) and P1 (error rate) at once: P1 is suggested.
    h.send(figures(&[
        ("p99 latency increase", Ok(35.0)),
        ("Error rate", Ok(55.0)),
    ]));
    assert_eq!(suggested(&h), vec!["P1 Error rate 55"]);
    // Below 7 days of certificate: P2, lower than P1 but above P3.
    let mut h = Harness::live("dicps");
    at_severity(&mut h, "P3");
    h.send(figures(&[("Certificate days left", Ok(5.0))]));
    assert_eq!(suggested(&h), vec!["P2 Certificate days left 5"]);
    // At P1 a P1 or P2 criterion is no suggestion.
    let mut h = Harness::live("dicps");
    at_severity(&mut h, "P1");
    h.send(figures(&[
        ("Error rate", Ok(80.0)),
        ("p99 latency increase", Ok(40.0)),
    ]));
    assert!(suggested(&h).is_empty());
    assert!(crate::view::criteria::suggestion(&h.state).is_none());
}

#[test]
fn the_suggestion_stands_until_the_ic_raises_the_severity() {
    let mut h = Harness::live("dicps");
    at_severity(&mut h, "P2");
    h.send(figures(&[("Error rate", Ok(58.2))]));
    let c = crate::view::criteria::suggestion(&h.state).unwrap();
    assert_eq!(c.severity, "P1");
    at_severity(&mut h, "P1");
    assert!(crate::view::criteria::suggestion(&h.state).is_none());
    assert_eq!(suggested(&h).len(), 1, "raising records no new suggestion");
}

#[test]
fn the_api_outage_drills_58_percent_error_rate_is_flagged() {
    let mut h = Harness::drill();
    // The IC first took it for a minor degradation.
    at_severity(&mut h, "P2");
    h.run_injects_until(19);
    assert!(suggested(&h).is_empty(), "0.4 % at the start");
    h.run_injects_until(20);
    assert_eq!(suggested(&h), vec!["P1 Error rate 58.2"]);
    let rec = h
        .records()
        .into_iter()
        .find(|r| r.event.kind() == "severity_suggested")
        .unwrap();
    assert_eq!(
        rec.event.summary(),
        "severity P1 suggested: Error rate 58.2 meets Partial service degradation (> 50% error rate): > 50"
    );
    // Declared P0, as the scenario does: nothing higher to suggest.
    let mut h = Harness::drill();
    h.run_injects_until(60);
    assert!(suggested(&h).is_empty());
}

/// A seat that resumes (or joins) while the figure still stands over a
/// criterion the timeline already suggested does not suggest it again:
/// which crossings were suggested comes from the record, not memory. It
/// does once it has seen the figure go back and cross again.
#[test]
fn a_resumed_seat_does_not_suggest_a_recorded_crossing_again() {
    let mut h = Harness::live("dicps");
    at_severity(&mut h, "P3");
    h.send(figures(&[("Error rate", Ok(58.2))]));
    assert_eq!(suggested(&h), vec!["P1 Error rate 58.2"]);
    for who in [crate::session::Seat::Resume, crate::session::Seat::Join] {
        let mut other = h.join("bo@bastion-2", who);
        other.state.ctx.records_observations = true;
        other.send(figures(&[("Error rate", Ok(61.0))]));
        assert_eq!(suggested(&other), vec!["P1 Error rate 58.2"], "{who:?}");
        // The header still says it: the suggestion stands.
        assert!(
            crate::view::criteria::suggestion(&other.state).is_some(),
            "{who:?}"
        );
    }
    // Back under, then over again: a new crossing, suggested again.
    let mut other = h.join("bo@bastion-2", crate::session::Seat::Resume);
    other.state.ctx.records_observations = true;
    other.send(figures(&[("Error rate", Ok(61.0))]));
    other.send(figures(&[("Error rate", Ok(12.0))]));
    other.send(figures(&[("Error rate", Ok(70.0))]));
    assert_eq!(
        suggested(&other),
        vec!["P1 Error rate 58.2", "P1 Error rate 70"]
    );
}
