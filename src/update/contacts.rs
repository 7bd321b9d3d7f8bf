//! `Ctx::Help` keys in the contacts overlay (`@`): scroll, close. What it
//! lists is `playbook::contacts::directory`, drawn by `ui::contacts`.

use super::scroll_down;
use crate::keys::{Action, Ctx};
use crate::state::{Modal, State};
use crossterm::event::{KeyCode, KeyEvent};

pub fn open(s: &mut State) {
    s.ui.modal = Some(Modal::Contacts { scroll: 0 });
}

/// Keys in the open overlay, which scrolls in place.
pub fn on_key(s: &mut State, key: KeyEvent) {
    let action = s.ctx.keymap.lookup(&[Ctx::Help], &key);
    let Some(Modal::Contacts { scroll }) = &s.ui.modal else {
        return;
    };
    let next = match action {
        Some(Action::Cancel) => None,
        Some(Action::Down) => Some(scroll_down(s, *scroll)),
        Some(Action::Up) => Some(scroll.saturating_sub(1)),
        // `@` again closes it, as `?` closes help.
        _ if key.code == KeyCode::Char('@') => None,
        _ => Some(*scroll),
    };
    match (next, &mut s.ui.modal) {
        (None, _) => s.ui.modal = None,
        (Some(to), Some(Modal::Contacts { scroll })) => *scroll = to,
        _ => {}
    }
}
