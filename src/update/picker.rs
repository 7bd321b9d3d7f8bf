//! `Ctx::Picker`: the severity, status, role, condition, mark and
//! template pickers: moving in place, choosing, cancelling.

use super::{append, record};
use crate::keys::{Action, Ctx};
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::{Modal, PickKind};
use crate::timeline::{Event, Status};
use crate::view::picker_items;
use crossterm::event::KeyEvent;

/// The severity or status picker, on the current value.
pub fn open(s: &mut State, kind: PickKind) {
    let selected = match kind {
        PickKind::Severity => picker_items(s, PickKind::Severity)
            .iter()
            .position(|id| *id == s.incident.severity)
            .unwrap_or(0),
        _ => s
            .incident
            .status
            .and_then(|st| Status::ALL.iter().position(|x| *x == st))
            .unwrap_or(0),
    };
    s.ui.modal = Some(Modal::Pick { kind, selected });
}

/// Keys in an open picker (`Modal::Pick`).
pub fn on_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(&Modal::Pick { kind, selected }) = s.ui.modal.as_ref() else {
        return;
    };
    let len = picker_items(s, kind).len();
    let to = match s.ctx.keymap.lookup(&[Ctx::Picker], &key) {
        Some(Action::Up) => selected.saturating_sub(1),
        Some(Action::Down) => (selected + 1).min(len.saturating_sub(1)),
        Some(Action::Choose) => {
            s.ui.modal = None;
            return choose(s, kind, selected, fx);
        }
        Some(Action::Cancel) => {
            s.ui.modal = None;
            return;
        }
        _ => return,
    };
    if let Some(Modal::Pick { selected, .. }) = &mut s.ui.modal {
        *selected = to;
    }
}

fn choose(s: &mut State, kind: PickKind, selected: usize, fx: &mut Vec<Effect>) {
    match kind {
        PickKind::Severity => {
            let Some(to) = picker_items(s, kind).into_iter().nth(selected) else {
                return;
            };
            if to != s.incident.severity {
                let from = s.incident.severity.clone();
                append(s, Event::SeverityChanged { from, to }, fx);
            }
        }
        PickKind::Status => {
            let Some(to) = Status::ALL.get(selected).copied() else {
                return;
            };
            let from = s.incident.status.unwrap_or(Status::Investigating);
            if to != from {
                append(s, Event::StatusChanged { from, to }, fx);
            }
        }
        other => {
            if let Some(id) = picker_items(s, other).into_iter().nth(selected) {
                record::choose(s, other, id, fx);
            }
        }
    }
}
