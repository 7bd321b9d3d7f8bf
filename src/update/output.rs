//! `Ctx::Output`: the command output pane: cancel the selected run, the
//! previous and next run, scrolling.

use super::clamp_move;
use crate::keys::Action;
use crate::msg::Effect;
use crate::state::State;

pub fn on_action(s: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::CancelRun => super::run::cancel_selected(s, fx),
        Action::PrevRun => {
            s.runs.selected = s.runs.selected.saturating_sub(1);
            s.runs.scroll = 0;
        }
        Action::NextRun => {
            s.runs.selected = (s.runs.selected + 1).min(s.runs.list.len().saturating_sub(1));
            s.runs.scroll = 0;
        }
        _ => {}
    }
}

/// Scrolling up moves away from the newest line.
pub fn move_by(s: &mut State, delta: isize) {
    let n = s.runs.selected().map_or(0, |r| r.output.len());
    s.runs.scroll = clamp_move(s.runs.scroll, -delta, n.max(1));
}
