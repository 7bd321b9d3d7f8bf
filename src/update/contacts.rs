//! The contacts overlay's keys (`@`): scroll, close. What it lists is
//! `playbook::contacts::directory`, drawn by `ui::contacts`.

use super::scroll_down;
use crate::keys::{Action, Ctx};
use crate::state::{Modal, State};
use crossterm::event::KeyEvent;

/// The overlay is closed by the caller having taken it; a key that does
/// not close it puts it back, scrolled.
pub(super) fn on_key(s: &mut State, scroll: u16, key: KeyEvent) {
    let scroll = match s.ctx.keymap.lookup(&[Ctx::Help], &key) {
        Some(Action::Cancel) => return,
        Some(Action::Down) => scroll_down(s, scroll),
        Some(Action::Up) => scroll.saturating_sub(1),
        // `@` again closes it, as `?` closes help.
        _ if key.code == crossterm::event::KeyCode::Char('@') => return,
        _ => scroll,
    };
    s.ui.modal = Some(Modal::Contacts { scroll });
}
