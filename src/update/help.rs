//! `Ctx::Help`: the overlays that only scroll and close: the `?` help,
//! every clock (`T`), and a record in full (Enter on the timeline).

use super::scroll_down;
use crate::keys::{Action, Ctx};
use crate::state::State;
use crate::state::ui::Modal;
use crossterm::event::{KeyCode, KeyEvent};

pub fn open(s: &mut State) {
    s.ui.modal = Some(Modal::Help { scroll: 0 });
}

pub fn open_timers(s: &mut State) {
    s.ui.modal = Some(Modal::Timers { scroll: 0 });
}

/// Keys in an open overlay, which scrolls in place.
pub fn on_key(s: &mut State, key: KeyEvent) {
    let action = s.ctx.keymap.lookup(&[Ctx::Help], &key);
    let down = |scroll: u16| scroll_down(s, scroll);
    let record = matches!(s.ui.modal, Some(Modal::Record { .. }));
    let Some(Modal::Help { scroll } | Modal::Timers { scroll } | Modal::Record { scroll, .. }) =
        &s.ui.modal
    else {
        return;
    };
    let next = match action {
        Some(Action::Cancel) => None,
        Some(Action::Down) => Some(down(*scroll)),
        Some(Action::Up) => Some(scroll.saturating_sub(1)),
        // Enter closes a record too: it is what opened it.
        _ if record && key.code == KeyCode::Enter => None,
        _ => Some(*scroll),
    };
    match (next, &mut s.ui.modal) {
        (None, _) => s.ui.modal = None,
        (
            Some(to),
            Some(Modal::Help { scroll } | Modal::Timers { scroll } | Modal::Record { scroll, .. }),
        ) => *scroll = to,
        _ => {}
    }
}
