//! `Ctx::Timeline` (also the keys of the clocks and resources panes):
//! Enter shows the record at the bottom in full (on the clocks pane, all
//! the clocks; on the resources pane, nothing); scrolling.

use super::clamp_move;
use crate::keys::Action;
use crate::state::State;
use crate::state::ui::{Modal, Pane};

pub fn on_action(s: &mut State, action: Action) {
    match action {
        Action::Detail if s.ui.focus == Pane::Timeline => {
            if let Some(seq) = crate::view::timeline_at_bottom(s) {
                s.ui.modal = Some(Modal::Record { seq, scroll: 0 });
            }
        }
        // The clocks and resources panes share these keys; Enter there is
        // about that pane, never another's: the clocks pane shows all
        // its clocks (as `T` does), the resources pane has no detail.
        Action::Detail if s.ui.focus == Pane::Timers => super::help::open_timers(s),
        _ => {}
    }
}

/// Scrolling up moves away from the newest record.
pub fn move_by(s: &mut State, delta: isize) {
    let n = s.incident.records.len();
    s.ui.timeline_scroll = clamp_move(s.ui.timeline_scroll, -delta, n.max(1));
}

#[cfg(test)]
mod tests {
    use crate::msg::Msg;
    use crate::state::ui::{Modal, Pane};
    use crate::testkit::{Harness, am_poll};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn enter() -> Msg {
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
    }

    /// A seat with firing alerts and one selected, on the default layout.
    fn with_alerts() -> Harness {
        let mut h = Harness::live("dicps");
        h.send(Msg::AlertsPolled(Box::new(am_poll())));
        assert!(!h.state.observed.alerts.is_empty());
        h
    }

    /// Enter is about the focused pane: on the clocks pane all the clocks
    /// (as `T`), on the resources pane nothing; never the selected alert's
    /// detail, which is the alerts pane's (an old oddity: both panes
    /// shared the timeline's keys and Enter fell through to the alerts').
    #[test]
    fn enter_on_the_clocks_or_resources_pane_is_about_that_pane() {
        // Through `update` alone, the state as the loop left it.
        let mut h = with_alerts();
        h.state.ui.focus = Pane::Timers;
        let fx = crate::update::update(&mut h.state, enter(), h.now);
        assert!(fx.is_empty(), "{fx:?}");
        assert!(
            matches!(h.state.ui.modal, Some(Modal::Timers { scroll: 0 })),
            "{:?}",
            h.state.ui.modal
        );
        let mut h = with_alerts();
        h.state.ui.focus = Pane::Resources;
        crate::update::update(&mut h.state, enter(), h.now);
        assert!(h.state.ui.modal.is_none(), "{:?}", h.state.ui.modal);

        // As keys, focus moved with Tab from the alerts pane, drawn after
        // each key as the loop does.
        let mut h = with_alerts();
        h.state.ui.focus = Pane::Alerts;
        h.key(KeyCode::Enter);
        assert!(
            matches!(h.state.ui.modal, Some(Modal::AlertDetail { .. })),
            "the alerts pane's own Enter still shows the alert: {:?}",
            h.state.ui.modal
        );
        h.key(KeyCode::Esc);
        assert!(h.state.ui.modal.is_none());
        for _ in 0..6 {
            if h.state.ui.focus != Pane::Timers {
                h.key(KeyCode::Tab);
            }
        }
        assert_eq!(h.state.ui.focus, Pane::Timers);
        h.key(KeyCode::Enter);
        assert!(
            matches!(h.state.ui.modal, Some(Modal::Timers { .. })),
            "{:?}",
            h.state.ui.modal
        );
        h.key(KeyCode::Esc);
        assert!(h.state.ui.modal.is_none());
        h.key(KeyCode::Tab);
        assert_eq!(h.state.ui.focus, Pane::Resources);
        h.key(KeyCode::Enter);
        assert!(h.state.ui.modal.is_none(), "{:?}", h.state.ui.modal);
    }
}
