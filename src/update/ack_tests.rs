//! Acknowledgements: owner, note, expiry, seen by another seat, renewed,
//! handed over, ended by hand, lapsing with a record; never a silence.

use super::*;
use crate::session::Seat;
use crate::testkit::Harness;
use crossterm::event::KeyCode;

fn acks(h: &Harness) -> Vec<Event> {
    h.records()
        .into_iter()
        .map(|r| r.event)
        .filter(|e| matches!(e, Event::AlertAcked { .. } | Event::AlertUnacked { .. }))
        .collect()
}

/// The first three rows of the screen drawn at `size`.
fn header_text(s: &crate::state::State, size: (u16, u16)) -> String {
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(size.0, size.1)).unwrap();
    term.draw(|f| {
        crate::ui::draw(s, f);
    })
    .unwrap();
    let buf = term.backend().buffer().clone();
    (0..3)
        .map(|y| {
            (0..size.0)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn on_alerts(mut h: Harness) -> Harness {
    h.advance(1);
    h.state.ui.focus = Pane::Alerts;
    h.state.ui.alert = 0;
    h
}

#[test]
fn an_ack_has_an_owner_a_note_and_thirty_minutes_and_sends_nothing() {
    let mut h = on_alerts(Harness::drill());
    let name = h.state.observed.alerts[0].alertname.clone();
    h.key(KeyCode::Char('W'));
    assert!(matches!(
        h.state.ui.modal,
        Some(Modal::Prompt {
            kind: crate::state::ui::PromptKind::AckNote { .. },
            ..
        })
    ));
    h.keys("looking at the rollout");
    let fx = h.key(KeyCode::Enter);
    // Nothing for Alertmanager: only the record.
    assert!(fx.is_empty(), "{fx:?}");
    let a = acks(&h);
    let Event::AlertAcked {
        ack,
        target,
        owner,
        note,
        until,
        from,
    } = &a[0]
    else {
        panic!("{a:?}")
    };
    assert_eq!(ack, &format!("group:{name}"));
    assert_eq!(target, &format!("group {name}"));
    assert_eq!(owner, "ana@bastion-1");
    assert_eq!(note, "looking at the rollout");
    assert_eq!(*until, h.state.now + chrono::TimeDelta::minutes(30));
    assert!(from.is_none());
    // The alert is still there, and shows who is on it.
    assert_eq!(h.state.observed.alerts[0].alertname, name);
    let x = crate::view::acks::ack_of(&h.state, &h.state.observed.alerts[0]).unwrap();
    assert_eq!(crate::view::acks::cell(&h.state, x), "✋ana 30m");
    // An empty note is fine; a leading duration changes the expiry.
    h.state.ui.alert = 1;
    h.key(KeyCode::Char('w'));
    h.keys("45m db");
    h.key(KeyCode::Enter);
    let a = acks(&h);
    assert!(
        matches!(&a[1], Event::AlertAcked { note, until, ack, .. } if note == "db" && *until == h.state.now + chrono::TimeDelta::minutes(45) && ack.starts_with("alert:")),
        "{a:?}"
    );
}

#[test]
fn another_seat_sees_the_ack_and_it_lapses_with_a_record() {
    let mut h = on_alerts(Harness::drill());
    h.key(KeyCode::Char('W'));
    h.key(KeyCode::Enter);
    let mut b = h.join("bob@bastion-2", Seat::Join);
    b.follow();
    let a0 = b.state.observed.alerts.first().cloned();
    // The joining seat rebuilt from the record: the ack is there.
    assert_eq!(b.state.incident.acks.len(), 1);
    assert_eq!(
        b.state.incident.acks.values().next().unwrap().owner,
        "ana@bastion-1"
    );
    if let Some(a0) = a0 {
        assert!(crate::view::acks::ack_of(&b.state, &a0).is_some());
    }
    // 26 minutes on: the owner is warned, every seat's alerts pane says it.
    h.advance(26 * 60);
    let flash = h.state.ui.flash.clone().unwrap();
    assert!(flash.text.contains("lapses in 04:"), "{}", flash.text);
    assert_eq!(crate::view::acks::lapsing_soon(&h.state).len(), 1);
    // ...and the header of every seat, the owner's and another's, at
    // 80x24 too.
    b.now = h.now;
    b.advance(0);
    for seat in [&mut h, &mut b] {
        for size in [(120, 40), (80, 24)] {
            let header = header_text(&seat.state, size);
            assert!(
                header.contains("⚠ ack group ") && header.contains("(ana) lapses in 04:"),
                "{}: {header}",
                seat.state.ctx.seat
            );
        }
    }
    // The owner's seat is told in a flash; another seat is not.
    assert!(
        b.state
            .ui
            .flash
            .as_ref()
            .is_none_or(|f| !f.text.contains("lapses"))
    );
    // 30 minutes: lapsed, recorded once, unowned again.
    h.advance(4 * 60 + 1);
    let a = acks(&h);
    assert!(
        matches!(&a[1], Event::AlertUnacked { reason, .. } if reason == "lapsed"),
        "{a:?}"
    );
    assert!(h.state.incident.acks.is_empty());
    h.advance(5);
    assert_eq!(acks(&h).len(), 2);
}

#[test]
fn renew_hand_over_and_unack_are_one_key_each() {
    let mut h = on_alerts(Harness::drill());
    h.key(KeyCode::Char('W'));
    h.keys("first");
    h.key(KeyCode::Enter);
    h.advance(600);
    // Renew: the note is kept, thirty minutes from now.
    h.key(KeyCode::Char('W'));
    h.key(KeyCode::Enter);
    let a = acks(&h);
    assert!(
        matches!(&a[1], Event::AlertAcked { note, until, .. } if note == "first" && *until == h.state.now + chrono::TimeDelta::minutes(30)),
        "{a:?}"
    );
    h.key(KeyCode::Char('h'));
    h.keys("bob@bastion-2");
    h.key(KeyCode::Enter);
    let a = acks(&h);
    assert!(
        matches!(&a[2], Event::AlertAcked { owner, from, .. } if owner == "bob@bastion-2" && from.as_deref() == Some("ana@bastion-1")),
        "{a:?}"
    );
    assert!(a[2].summary().contains("handed over from ana@bastion-1"));
    h.key(KeyCode::Char('u'));
    let a = acks(&h);
    assert!(
        matches!(&a[3], Event::AlertUnacked { reason, .. } if reason == "by hand"),
        "{a:?}"
    );
    assert!(h.state.incident.acks.is_empty());
}

/// The owner's lapse warning is a flash a tick sets with nothing recorded:
/// the tick moves the change counter every pane's key reads, so the
/// footer is drawn again (the render cache keeps a key while the counters
/// stand).
#[test]
fn the_tick_that_warns_of_a_lapse_moves_the_change_counter() {
    let mut h = on_alerts(Harness::drill());
    h.key(KeyCode::Char('W'));
    h.key(KeyCode::Enter);
    // Up to the second before the warning: a tick moves no counter.
    h.advance(25 * 60 - 2);
    h.advance(1);
    let before = h.state.marks;
    h.advance(0);
    assert_eq!(h.state.marks, before, "an idle tick");
    assert!(h.state.ui.flash.is_none());
    h.advance(1);
    let flash = h.state.ui.flash.clone().expect("the warning");
    assert!(flash.text.contains("lapses in"), "{}", flash.text);
    assert_ne!(h.state.marks.any, before.any);
}
