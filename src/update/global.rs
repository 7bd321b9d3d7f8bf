//! `Ctx::Global`: the keys that work whatever pane has the focus (quit,
//! focus, layout, zoom, the dialogs that record, moving in the focused
//! pane), and `Ctx::Confirm`, the quit confirmation they may open.

use super::{PAGE, flash, move_by, record};
use crate::keys::{Action, Ctx};
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::{Modal, PickKind};
use crossterm::event::KeyEvent;

pub fn on_action(s: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::ForceQuit => fx.push(Effect::Quit),
        Action::Quit => {
            if s.incident.is_open() {
                s.ui.modal = Some(Modal::ConfirmQuit);
            } else {
                fx.push(Effect::Quit);
            }
        }
        Action::FocusNext => s.ui.focus = s.ui.focus.cycle(true, &s.ui.placed.focus_order()),
        Action::FocusPrev => s.ui.focus = s.ui.focus.cycle(false, &s.ui.placed.focus_order()),
        Action::Layout => next_layout(s),
        Action::Zoom => s.ui.zoom = !s.ui.zoom,
        Action::Acknowledge => record::acknowledge(s, fx),
        Action::Timers => super::help::open_timers(s),
        Action::Roles => record::open_picker(s, PickKind::Role),
        Action::Conditions => record::open_picker(s, PickKind::Condition),
        Action::Mark => record::open_picker(s, PickKind::Mark),
        Action::Comms => record::open_picker(s, PickKind::Template),
        Action::AddProcedure => record::open_picker(s, PickKind::Procedure),
        Action::Contacts => super::contacts::open(s),
        Action::Approvals => super::approval::open_queue(s),
        Action::Help => super::help::open(s),
        Action::Note | Action::Severity | Action::Status if s.ctx.viewer => {
            // Refused before anything is typed or picked, not after.
            flash(
                s,
                "Viewer seat: notes, severity and status are recorded from the other seats (join without --viewer to write)",
            )
        }
        Action::Note => super::editor::open_note(s),
        Action::Severity => super::picker::open(s, PickKind::Severity),
        Action::Status => super::picker::open(s, PickKind::Status),
        Action::Up => move_by(s, -1),
        Action::Down => move_by(s, 1),
        Action::PageUp => move_by(s, -(PAGE as isize)),
        Action::PageDown => move_by(s, PAGE as isize),
        Action::Top => move_by(s, isize::MIN / 2),
        Action::Bottom => move_by(s, isize::MAX / 2),
        _ => {}
    }
}

/// `L`: auto → each layout in turn → auto; the facilitator's layout only
/// on the facilitator's seat (a player's has no injects to show in it).
fn next_layout(s: &mut State) {
    let n = s.ctx.layouts.len();
    let offered = |i: usize| s.ctx.facilitator || s.ctx.layouts[i].name != "facilitator";
    let mut next = s.ui.layout.map_or(0, |i| i + 1);
    while next < n && !offered(next) {
        next += 1;
    }
    s.ui.layout = (next < n).then_some(next);
    let name =
        s.ui.layout
            .map_or("auto".to_string(), |i| s.ctx.layouts[i].name.clone());
    // The focus moves to a pane of the new layout when the frame drawn
    // with it comes back (`Msg::Drawn`).
    flash(s, format!("Layout: {name}"));
}

/// The quit confirmation (`Modal::ConfirmQuit`).
pub fn confirm_quit_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    match s.ctx.keymap.lookup(&[Ctx::Confirm], &key) {
        Some(Action::Confirm) => {
            s.ui.modal = None;
            fx.push(Effect::Quit);
        }
        Some(Action::Cancel) => s.ui.modal = None,
        _ => {}
    }
}
