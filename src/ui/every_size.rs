//! No size makes the cockpit panic (issue 14: every picker panicked below
//! 50 columns). Every dialog and overlay a key opens, on every kind of
//! seat, in every layout, at every width and every height from the
//! minimum to 300x100 (and some below it), through the real `update`
//! (`Msg::Resize`, `Msg::Drawn`) and `draw` on a `TestBackend`, one size
//! after another as a window is resized under an open dialog. Then random
//! keys at random sizes (proptest).

use crate::keys::{Ctx, Key};
use crate::msg::Msg;
use crate::state::{Modal, Pane, State};
use crate::testkit::Harness;
use crate::update::update;
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Every width 40..=300 and every height 12..=100 at least once, the
/// corners, the usual sizes, and some below the minimum.
fn sizes() -> Vec<(u16, u16)> {
    let mut v = vec![
        (1, 1),
        (10, 5),
        (39, 11),
        (39, 60),
        (250, 11),
        (40, 12),
        (80, 24),
        (120, 40),
        (200, 60),
        (300, 100),
        (40, 100),
        (300, 12),
    ];
    for w in 40..=300u16 {
        v.push((w, 12 + (w - 40) * 7 % 89));
    }
    for h in 12..=100u16 {
        v.push((40 + (h - 12) * 13 % 261, h));
    }
    v
}

/// One frame at `w`x`h` through the loop's path: the resize applied,
/// drawn, and where things were placed handed back.
fn frame(s: &mut State, w: u16, h: u16, now: DateTime<Utc>) {
    update(s, Msg::Resize(w, h), now);
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("a test terminal");
    let mut placed = Default::default();
    term.draw(|f| placed = super::draw(s, f)).expect("a frame");
    update(s, Msg::Drawn(Box::new(placed)), now);
}

fn key(k: &Key) -> Msg {
    let m = if k.ctrl {
        KeyModifiers::CONTROL
    } else {
        KeyModifiers::NONE
    };
    Msg::Key(KeyEvent::new(k.code, m))
}

/// What kind of dialog is open, to keep one state of each.
fn kind(s: &State) -> String {
    match &s.ui.modal {
        None => format!("none zoom {}", s.ui.zoom),
        Some(Modal::Run(d)) => format!("run {:?}", std::mem::discriminant(&d.stage)),
        Some(Modal::Pick { kind, .. }) => format!("pick {kind:?}"),
        Some(m) => {
            // The variant's name: what its Debug form starts with.
            let d = format!("{m:?}");
            d.split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("")
                .to_string()
        }
    }
}

/// The seats: a drill's IC, its facilitator, a viewer, a live incident
/// (with pods, alerts and a run's output to show).
fn seats() -> Vec<(&'static str, Harness)> {
    let mut ic = Harness::drill();
    ic.run_injects_until(120);
    let mut fac = Harness::facilitator();
    fac.run_injects_until(60);
    let viewer = ic.join("cy@wallboard", crate::session::Seat::Viewer);
    let mut live = Harness::live("dicps");
    live.send(Msg::AlertsPolled(Box::new(crate::testkit::am_poll())));
    vec![
        ("drill IC", ic),
        ("facilitator", fac),
        ("viewer", viewer),
        ("live", live),
    ]
}

/// The states worth drawing at every size: each pane focused, zoomed,
/// and every dialog a key opens from a pane (and what Enter or Tab opens
/// from there: a run's confirmation, a template's editor).
fn states(h: &mut Harness) -> Vec<(String, State)> {
    let base = h.state.clone();
    let panes = [
        Pane::Checklist,
        Pane::Timeline,
        Pane::Output,
        Pane::Pods,
        Pane::Alerts,
        Pane::Timers,
        Pane::Resources,
    ];
    let ctxs = [
        Ctx::Global,
        Ctx::Facilitator,
        Ctx::Checklist,
        Ctx::Timeline,
        Ctx::Lists,
        Ctx::Pods,
        Ctx::Alerts,
        Ctx::Silences,
        Ctx::Output,
    ];
    let openers: Vec<Key> = base
        .ctx
        .keymap
        .bindings
        .iter()
        .filter(|b| ctxs.contains(&b.ctx))
        .filter_map(|b| b.keys.first().copied())
        .filter(|k| !(k.ctrl && k.code == KeyCode::Char('c')))
        .collect();
    let enter = Key {
        code: KeyCode::Enter,
        ctrl: false,
    };
    let tab = Key {
        code: KeyCode::Tab,
        ctrl: false,
    };
    let mut out: Vec<(String, State)> = Vec::new();
    let keep = |s: &State, out: &mut Vec<(String, State)>| {
        let k = kind(s);
        if !out.iter().any(|(x, _)| *x == k) {
            out.push((k, s.clone()));
        }
    };
    for p in panes {
        for then in [None, Some(enter), Some(tab)] {
            for k in &openers {
                h.state = base.clone();
                h.state.ui.focus = p;
                // A step with a command in the checklist.
                h.state.ui.step = h
                    .state
                    .ctx
                    .procedure()
                    .steps()
                    .position(|s| s.command.is_some())
                    .unwrap_or(0);
                h.send_held(key(k));
                if let Some(t) = then
                    && h.state.ui.modal.is_some()
                {
                    h.send_held(key(&t));
                }
                keep(&h.state, &mut out);
            }
        }
        h.state = base.clone();
        h.state.ui.focus = p;
        h.state.ui.zoom = true;
        keep(&h.state, &mut out);
    }
    h.state = base;
    out
}

#[test]
fn every_dialog_of_every_layout_at_every_size_draws_without_a_panic() {
    let sizes = sizes();
    let mut drawn = 0usize;
    let mut kinds = std::collections::BTreeSet::new();
    for (n, (seat, mut h)) in seats().into_iter().enumerate() {
        let now = h.now;
        // The drill IC's seat at every size; the other seats at a fourth.
        let every = if n == 0 { 1 } else { 4 };
        let layouts = h.state.ctx.layouts.len();
        for (what, state) in states(&mut h) {
            kinds.insert(what.split(' ').next().unwrap_or("").to_string());
            // Auto (by size) at every size; each layout by name at a
            // tenth of them, a different tenth each.
            for layout in std::iter::once(None).chain((0..layouts).map(Some)) {
                let mut s = state.clone();
                s.ui.layout = layout;
                for (i, (w, hgt)) in sizes.iter().copied().enumerate() {
                    if i % every != 0 {
                        continue;
                    }
                    if let Some(l) = layout
                        && (i / every + l) % 10 != 0
                    {
                        continue;
                    }
                    let r = catch_unwind(AssertUnwindSafe(|| frame(&mut s, w, hgt, now)));
                    if r.is_err() {
                        panic!("{seat}: {what} in layout {layout:?} panicked at {w}x{hgt}");
                    }
                    drawn += 1;
                }
            }
        }
    }
    // The sweep reached the dialogs (a broken opener list would pass
    // vacuously).
    for must in [
        "Help",
        "Note",
        "pick",
        "run",
        "Timers",
        "Record",
        "ConfirmQuit",
    ] {
        assert!(
            kinds.iter().any(|k| k.contains(must)),
            "{must} never opened: {kinds:?}"
        );
    }
    assert!(drawn > 8_000, "{drawn}");
}

/// A key a person may press: every key of the keymap, letters, and the
/// editing keys, sometimes with Ctrl or Alt (an Esc read with a key).
fn any_key() -> impl Strategy<Value = KeyEvent> {
    let mut codes: Vec<KeyCode> = crate::keys::KEYMAP
        .iter()
        .flat_map(|b| b.keys.iter().map(|k| k.code))
        .collect();
    codes.extend(
        [
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Char('y'),
            KeyCode::Char('x'),
            KeyCode::Char('1'),
            KeyCode::Char('-'),
        ]
        .iter(),
    );
    codes.sort_by_key(|c| format!("{c:?}"));
    codes.dedup();
    (
        proptest::sample::select(codes),
        prop_oneof![
            8 => Just(KeyModifiers::NONE),
            1 => Just(KeyModifiers::CONTROL),
            1 => Just(KeyModifiers::ALT),
            1 => Just(KeyModifiers::SHIFT),
        ],
    )
        .prop_map(|(c, m)| KeyEvent::new(c, m))
}

#[derive(Clone, Debug)]
enum Step {
    Key(KeyEvent),
    Resize(u16, u16),
    Tick(i64),
}

fn any_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => any_key().prop_map(Step::Key),
        3 => (1u16..=320, 1u16..=110).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => (1i64..=120).prop_map(Step::Tick),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random keys, resizes and time on each kind of seat never panic.
    #[test]
    fn random_keys_at_random_sizes_never_panic(
        seat in 0usize..4,
        start in (40u16..=300, 12u16..=100),
        steps in proptest::collection::vec(any_step(), 1..60),
    ) {
        let mut h = match seat {
            0 => Harness::drill(),
            1 => Harness::facilitator(),
            2 => Harness::drill().join("cy@wallboard", crate::session::Seat::Viewer),
            _ => Harness::live("dicps"),
        };
        h.state.ui.size = start;
        for st in steps {
            match st {
                Step::Key(k) => {
                    h.send(Msg::Key(k));
                }
                Step::Resize(w, hgt) => {
                    h.send(Msg::Resize(w, hgt));
                }
                Step::Tick(secs) => h.advance(secs),
            }
        }
    }
}
