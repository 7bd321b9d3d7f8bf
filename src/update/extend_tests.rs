//! Extending a silence of the incident (`+` in the silences list): asked
//! like the silence dialog, recorded before it is sent, sent as a post
//! with the old silence's id (Alertmanager replaces it), the outcome
//! recorded; refused on a read-only seat and for a silence not ours.

use super::*;
use crate::msg::AmCommand;
use crate::testkit::{Harness, am_poll};
use crate::timeline::Store;
use chrono::TimeDelta;
use crossterm::event::KeyCode;

const OURS: &str = "5f2c9a4e-1111-2222-3333-444455556666";
const THEIRS: &str = "0b0b0b0b-9999-8888-7777-666655554444";

fn silence(
    id: &str,
    by: &str,
    ends_in: TimeDelta,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::alerts::silence::Silence {
    crate::alerts::silence::Silence {
        id: id.into(),
        matchers: vec![
            "alertname=\"APIDown\"".into(),
            "service=\"dicps-api\"".into(),
        ],
        starts_at: now - TimeDelta::minutes(10),
        ends_at: now + ends_in,
        created_by: by.into(),
        comment: "rolling back".into(),
        state: "active".into(),
    }
}

/// An incident that created `OURS` for 45m (10 minutes ago, 35 left),
/// with Alertmanager also listing `THEIRS`; the silences list open, ours
/// selected.
fn with_silences() -> Harness {
    let mut h = Harness::live("dicps");
    h.record(Event::SilenceRequested {
        request: "s1".into(),
        target: "group APIDown (2)".into(),
        matchers: vec![
            "alertname=\"APIDown\"".into(),
            "service=\"dicps-api\"".into(),
        ],
        ends_at: h.now + TimeDelta::minutes(35),
        duration: "45m".into(),
        comment: "rolling back".into(),
        created_by: "ana@bastion-1".into(),
        extends: None,
    });
    h.record(Event::SilenceCreated {
        request: "s1".into(),
        id: OURS.into(),
        matchers: vec![
            "alertname=\"APIDown\"".into(),
            "service=\"dicps-api\"".into(),
        ],
        ends_at: h.now + TimeDelta::minutes(35),
        extends: None,
    });
    let mut p = am_poll();
    p.silences = vec![
        silence(OURS, "ana@bastion-1", TimeDelta::minutes(35), h.now),
        silence(THEIRS, "bo@elsewhere", TimeDelta::hours(3), h.now),
    ];
    h.send(Msg::AlertsPolled(Box::new(p)));
    h.state.ui.focus = Pane::Alerts;
    h.key(KeyCode::Char('S'));
    h.state.ui.silence = 0;
    h
}

fn flash(h: &Harness) -> String {
    h.state
        .ui
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

#[test]
fn extending_asks_records_then_sends_a_replacement_and_records_the_new_id() {
    let mut h = with_silences();
    h.key(KeyCode::Char('+'));
    let Some(Modal::Silence(d)) = &h.state.ui.modal else {
        panic!("no dialog: {}", flash(&h))
    };
    assert_eq!(d.extends.as_deref(), Some(OURS));
    assert_eq!(d.target, "silence 5f2c9a4e");
    assert_eq!(d.fields[1].as_str(), "45m", "its original length");
    assert_eq!(d.fields[2].as_str(), "rolling back");
    assert_eq!(d.focus, 1, "the duration is what to change");
    // The matchers are not a field: Tab goes between duration and comment.
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    assert!(matches!(&h.state.ui.modal, Some(Modal::Silence(d)) if d.focus == 1));
    // A duration that ends before the silence does now is refused.
    h.ctrl('u');
    h.keys("30m");
    h.key(KeyCode::Enter);
    assert!(
        matches!(&h.state.ui.modal, Some(Modal::Silence(d))
            if !d.confirm && d.error.as_ref().is_some_and(|e| e.0 == 1 && e.1.contains("end before"))),
        "{:?}",
        h.state.ui.modal
    );
    h.ctrl('u');
    h.keys("2h");
    h.key(KeyCode::Enter);
    assert!(matches!(&h.state.ui.modal, Some(Modal::Silence(d)) if d.confirm));
    // Confirmed: the request only, nothing sent yet.
    let fx = h.send_held(Msg::Key(KeyEvent::from(KeyCode::Char('y'))));
    let [Effect::Append(ev)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let Event::SilenceRequested {
        extends,
        matchers,
        comment,
        ends_at,
        duration,
        ..
    } = ev
    else {
        panic!("{ev:?}")
    };
    assert_eq!(extends.as_deref(), Some(OURS));
    assert_eq!(
        matchers,
        &vec![
            "alertname=\"APIDown\"".to_string(),
            "service=\"dicps-api\"".into()
        ]
    );
    assert_eq!(comment, &format!("rolling back (extends {OURS})"));
    assert_eq!(*ends_at, h.now + TimeDelta::hours(2));
    assert_eq!(duration, "2h");
    // Durable: the replacement is sent, with the old id to replace.
    let rec = h
        .store
        .append(h.now, "ana@bastion-1", ev.clone())
        .unwrap()
        .record
        .unwrap();
    let fx = h.send_held(Msg::Recorded(Box::new(rec)));
    let [Effect::Alertmanager(AmCommand::CreateSilence { request, silence })] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(silence.replaces.as_deref(), Some(OURS));
    assert_eq!(silence.starts_at, h.now);
    assert_eq!(silence.ends_at, h.now + TimeDelta::hours(2));
    let request = request.clone();
    let new_id = "77aa0000-2222-3333-4444-555566667777";
    h.send(Msg::SilenceDone {
        request,
        result: Ok(new_id.into()),
    });
    let last = h.records().last().unwrap().event.clone();
    let Event::SilenceCreated {
        id,
        extends,
        ends_at,
        ..
    } = last
    else {
        panic!("{last:?}")
    };
    assert_eq!((id.as_str(), extends.as_deref()), (new_id, Some(OURS)));
    assert_eq!(ends_at, h.now + TimeDelta::hours(2));
    // The incident's fold: the new one is ours, the old one is gone.
    assert!(h.state.incident.silences[OURS].expired);
    assert!(!h.state.incident.silences[new_id].expired);
    assert!(flash(&h).contains("extended until"), "{}", flash(&h));
    // Another seat on the incident sees the same from the record.
    let other = h.join("bo@bastion-2", crate::session::Seat::Join);
    assert!(other.state.incident.silences[OURS].expired);
    assert_eq!(
        other.state.incident.silences[new_id].ends_at,
        h.now + TimeDelta::hours(2)
    );
}

#[test]
fn a_failed_extension_is_recorded_as_such() {
    let mut h = with_silences();
    h.key(KeyCode::Char('+'));
    h.ctrl('u');
    h.keys("1h");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('y'));
    let request = h.inflight();
    h.send(Msg::SilenceDone {
        request,
        result: Err("HTTP 404: silence not found".into()),
    });
    let last = h.records().last().unwrap().event.clone();
    assert!(
        matches!(&last, Event::SilenceFailed { action, .. } if action == "extend"),
        "{last:?}"
    );
    assert!(!h.state.incident.silences[OURS].expired);
}

#[test]
fn a_silence_not_ours_is_not_extended_and_says_why() {
    let mut h = with_silences();
    h.state.ui.silence = 1;
    let fx = h.key(KeyCode::Char('+'));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(h.state.ui.modal.is_none());
    assert!(
        flash(&h).contains("not created in this incident"),
        "{}",
        flash(&h)
    );
}

#[test]
fn a_read_only_seat_cannot_extend() {
    let mut h = with_silences();
    h.state.ctx.read_only = true;
    let fx = h.key(KeyCode::Char('+'));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(h.state.ui.modal.is_none());
    assert!(flash(&h).contains("--read-only"), "{}", flash(&h));
}

#[test]
fn without_its_request_on_record_the_offer_is_an_hour() {
    let mut h = with_silences();
    h.state
        .incident
        .records
        .retain(|r| r.event.kind() != "silence_requested");
    h.key(KeyCode::Char('+'));
    assert!(matches!(&h.state.ui.modal, Some(Modal::Silence(d)) if d.fields[1].as_str() == "1h"));
}

#[test]
fn updated_in_place_the_silence_keeps_its_id_and_stands() {
    // Alertmanager updates a silence in place (same id) when the
    // extension starts within the second the silence did.
    let mut h = with_silences();
    h.key(KeyCode::Char('+'));
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('y'));
    let request = h.inflight();
    h.send(Msg::SilenceDone {
        request,
        result: Ok(OURS.into()),
    });
    assert!(!h.state.incident.silences[OURS].expired);
    assert_eq!(
        h.state.incident.silences[OURS].ends_at,
        h.now + TimeDelta::minutes(45)
    );
    assert!(
        h.records()
            .last()
            .unwrap()
            .event
            .summary()
            .contains("extended in place")
    );
}
