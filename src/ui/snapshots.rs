//! Screen snapshots of the whole cockpit on ratatui's TestBackend.

use crate::testkit::Harness;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(h: &Harness, w: u16, height: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, height)).unwrap();
    term.draw(|f| super::draw(&h.state, f)).unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The drill 50 seconds in: a pod crash-looping, figures gone bad, a
/// stakeholder message, a step ticked and a note written.
fn busy_drill() -> Harness {
    let mut h = Harness::drill();
    h.run_injects_until(50);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('n'));
    h.keys("Rollout of v2.4.1 at 12:55; rolling back");
    h.ctrl('s');
    h
}

#[test]
fn drill_at_120x40() {
    insta::assert_snapshot!(screen(&busy_drill(), 120, 40));
}

#[test]
fn drill_at_80x24() {
    let h = busy_drill();
    let s = screen(&h, 80, 24);
    // Every pane present and legible at 80x24.
    for title in [
        "Pods",
        "Alerts",
        "Resources",
        "Checklist",
        "Timeline",
        "DRILL",
        "P0 Critical",
    ] {
        assert!(s.contains(title), "{title} missing at 80x24:\n{s}");
    }
    assert!(s.contains("CrashLoopBackOff"));
    insta::assert_snapshot!(s);
}

#[test]
fn help_overlay_lists_the_keymap() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('?'));
    let s = screen(&h, 110, 100);
    for b in super::keymap::KEYMAP {
        if b.ctx == super::keymap::Ctx::Facilitator {
            assert!(!s.contains(b.help), "a player's help shows {:?}", b.help);
        } else {
            assert!(s.contains(b.help), "help misses {:?}", b.help);
        }
    }
    insta::assert_snapshot!(s);
    let mut f = Harness::facilitator();
    f.key(KeyCode::Char('?'));
    let s = screen(&f, 110, 120);
    for b in super::keymap::KEYMAP {
        assert!(s.contains(b.help), "facilitator's help misses {:?}", b.help);
    }
}

/// The facilitator's seat 50 s in, the clock paused: upcoming injects
/// instead of resources; the players' seat shows none of it.
fn facilitated() -> (Harness, Harness) {
    let mut f = Harness::facilitator();
    f.run_injects_until(50);
    f.key(KeyCode::Char('p'));
    let mut p = f.join("ana@bastion-2", crate::session::Seat::Join);
    p.state.ui.size = (120, 40);
    (f, p)
}

#[test]
fn facilitator_sees_upcoming_injects_at_120x40() {
    let (f, p) = facilitated();
    let s = screen(&f, 120, 40);
    assert!(
        s.contains("Upcoming injects 8/12 · T+00:50 ⏸ paused"),
        "{s}"
    );
    assert!(s.contains("paused T+01:30 #6"), "{s}");
    assert!(s.contains(" p  resume "), "{s}");
    assert!(s.contains("↯ inject 1 at T+00:15"), "{s}");
    let ps = screen(&p, 120, 40);
    assert!(!ps.contains("Upcoming"), "{ps}");
    assert!(!ps.contains("↯"), "{ps}");
    assert!(
        ps.contains("T+00:50 ⏸ paused"),
        "every seat sees the clock:\n{ps}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn facilitator_at_80x24() {
    let (f, _) = facilitated();
    let s = screen(&f, 80, 24);
    assert!(s.contains("Upcoming injects 8/12"), "{s}");
    assert!(s.contains("DRILL T+00:50⏸"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn note_editor_shows_its_keys() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('n'));
    h.keys("Paged DB on-call");
    let s = screen(&h, 80, 24);
    assert!(s.contains("Ctrl-S save"));
    assert!(s.contains("Esc cancel"));
    insta::assert_snapshot!(s);
}

#[test]
fn overdue_response_clock_and_pickers() {
    let mut h = Harness::drill();
    h.advance(16 * 60 + 5);
    let s = screen(&h, 120, 40);
    assert!(s.contains("RESPONSE OVERDUE +01:05"), "{s}");
    h.key(KeyCode::Char('s'));
    insta::assert_snapshot!(screen(&h, 80, 24));
}

#[test]
fn quit_confirmation() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('q'));
    let s = screen(&h, 80, 24);
    assert!(s.contains("still open"));
    insta::assert_snapshot!(s);
}

#[test]
fn smallest_and_too_small() {
    let h = busy_drill();
    let s = screen(&h, 40, 12);
    assert!(s.contains("DRILL"));
    assert!(!s.contains("too small"));
    let tiny = screen(&h, 39, 11);
    assert!(tiny.contains("Terminal too small"), "{tiny}");
    assert!(
        tiny.contains("DRILL"),
        "every frame of a drill says so:\n{tiny}"
    );
}

#[test]
fn hostile_strings_reach_the_screen_inert() {
    let mut h = Harness::drill();
    let evil = crate::drill::Inject {
        at: crate::playbook::model::At::new("1s".into()),
        pod: None,
        pod_deleted: None,
        alert: Some(crate::drill::scenario::AlertSpec {
            alertname: "Evil\x1b[2J".into(),
            severity: "critical".into(),
            summary: "copy \x1b]52;c;ZXZpbA==\x07 me".into(),
            since: None,
            labels: Default::default(),
        }),
        alert_resolved: None,
        rollout: None,
        figures: vec![],
        message: None,
    };
    let mut injects = (*h.state.ctx.injects).clone();
    injects.insert(0, evil);
    h.state.ctx.injects = std::sync::Arc::new(injects);
    h.send(crate::msg::Msg::InjectDue(0));
    let s = screen(&h, 120, 40);
    assert!(!s.contains('\x1b') && !s.contains('\x07'));
    assert!(s.contains("Evil^[[2J"), "{s}");
}

#[test]
fn an_overdue_phase_is_shown() {
    let mut h = Harness::drill();
    let s = screen(&h, 120, 40);
    assert!(!s.contains("OVERDUE"));
    h.advance(15 * 60 + 1);
    let s = screen(&h, 120, 40);
    assert!(s.contains("Immediate Actions (0-15m) ⚑ OVERDUE"), "{s}");
    assert!(!s.contains("Investigation (15m-30m) ⚑ OVERDUE"), "{s}");
}

#[test]
fn every_bundled_scenario_plays_to_its_end_on_both_seats() {
    for (name, _) in crate::drill::scenario::BUNDLED {
        let mut f = Harness::drill_of(name);
        f.state.ctx.facilitator = true;
        let first = screen(&f, 120, 40);
        assert!(!first.contains("Upcoming injects 0/"), "{name}:\n{first}");
        f.run_injects_until(31 * 60);
        assert_eq!(
            f.state.incident.fired.len(),
            f.state.ctx.injects.len(),
            "{name}: every inject fired"
        );
        for (w, h) in [(120, 40), (80, 24)] {
            let s = screen(&f, w, h);
            assert!(s.contains("DRILL"), "{name} at {w}x{h}:\n{s}");
            assert!(s.contains("Upcoming injects 0/"), "{name} at {w}x{h}:\n{s}");
        }
        let p = f.join("pl@h", crate::session::Seat::Join);
        assert_eq!(p.state.observed, f.state.observed, "{name}: seats agree");
        let s = screen(&p, 80, 24);
        assert!(!s.contains("Upcoming"), "{name}:\n{s}");
    }
}
