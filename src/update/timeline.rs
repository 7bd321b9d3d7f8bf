//! `Ctx::Timeline` (also the keys of the clocks and resources panes):
//! Enter shows the record at the bottom in full; scrolling.

use super::clamp_move;
use crate::keys::Action;
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::{Modal, Pane};

pub fn on_action(s: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::Detail if s.ui.focus == Pane::Timeline => {
            if let Some(seq) = crate::view::timeline_at_bottom(s) {
                s.ui.modal = Some(Modal::Record { seq, scroll: 0 });
            }
        }
        // The clocks and resources panes share these keys; Enter there
        // acts as it always has, on the selected alert.
        Action::Detail => super::alerts::on_pane_action(s, action, fx),
        _ => {}
    }
}

/// Scrolling up moves away from the newest record.
pub fn move_by(s: &mut State, delta: isize) {
    let n = s.incident.records.len();
    s.ui.timeline_scroll = clamp_move(s.ui.timeline_scroll, -delta, n.max(1));
}
