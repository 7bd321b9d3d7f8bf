//! `Ctx::Pods`: filter (`/`), sort, clear the filter; `Ctx::PodFilter`:
//! typing the filter (the list follows every key); moving the selection.

use super::clamp_move;
use crate::keys::{Action, Ctx};
use crate::state::State;
use crate::state::ui::{Modal, PodSort};
use crossterm::event::KeyEvent;

/// The longest pods filter (a part of a name, status or node).
const POD_FILTER_MAX: usize = 64;

pub fn on_action(s: &mut State, action: Action) {
    match action {
        Action::Filter => s.ui.modal = Some(Modal::PodFilter),
        Action::ClearFilter => {
            s.ui.pod_filter.clear();
            clamp_pod(s);
        }
        Action::Sort => {
            s.ui.pod_sort = match s.ui.pod_sort {
                PodSort::Status => PodSort::Restarts,
                PodSort::Restarts => PodSort::Status,
            };
            s.ui.pod = 0;
        }
        _ => {}
    }
}

pub fn move_by(s: &mut State, delta: isize) {
    s.ui.pod = clamp_move(s.ui.pod, delta, s.derived.pods.len());
}

/// Keeps the pod selection on the list after it changed.
pub fn clamp_pod(s: &mut State) {
    crate::view::refresh(s);
    let n = s.derived.pods.len();
    s.ui.pod = s.ui.pod.min(n.saturating_sub(1));
}

/// Typing the filter (`Modal::PodFilter`).
pub fn filter_key(s: &mut State, key: KeyEvent) {
    match s.ctx.keymap.lookup(&[Ctx::PodFilter], &key) {
        Some(Action::Choose) => s.ui.modal = None,
        Some(Action::Cancel) => {
            s.ui.modal = None;
            s.ui.pod_filter.clear();
            s.ui.pod = 0;
        }
        _ => {
            s.ui.pod_filter.input(&key);
            s.ui.pod_filter.truncate_chars(POD_FILTER_MAX);
            s.ui.pod = 0;
        }
    }
}

/// Pasted text goes into the filter (its first line).
pub fn paste_filter(s: &mut State, text: &str) {
    let line = text.lines().next().unwrap_or_default();
    s.ui.pod_filter.insert_str(line);
    s.ui.pod_filter.truncate_chars(POD_FILTER_MAX);
    s.ui.pod = 0;
}
