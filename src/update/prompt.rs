//! `Ctx::Prompt`: a line of text asked for (who holds a role, when it was
//! detected, a drill inject, why a step is ticked by hand, an ack's note,
//! whom an ack goes to). Typed in place; Enter hands the value to what
//! asked for it.

use super::{append, flash};
use crate::keys::{Action, Ctx};
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::{Modal, PromptKind};
use crate::timeline::Event;
use crossterm::event::KeyEvent;

/// Keys in an open prompt (`Modal::Prompt`).
pub fn on_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = s.ctx.keymap.lookup(&[Ctx::Prompt], &key);
    let Some(Modal::Prompt { value, kind, .. }) = &mut s.ui.modal else {
        return;
    };
    match action {
        Some(Action::Cancel) => s.ui.modal = None,
        Some(Action::Choose) => {
            let v = value.text().trim().to_string();
            let kind = kind.clone();
            done(s, kind, v, fx);
        }
        _ => {
            value.input(&key);
        }
    }
}

/// Enter: the prompt closes and its value goes where it was asked for
/// (a time that does not read keeps it open, with why).
fn done(s: &mut State, kind: PromptKind, v: String, fx: &mut Vec<Effect>) {
    if let PromptKind::AckNote { ack, target } = kind {
        // The note is optional.
        s.ui.modal = None;
        return super::ack::note_done(s, ack, target, v, fx);
    }
    if v.is_empty() {
        s.ui.modal = None;
        flash(s, "Nothing typed: nothing recorded");
        return;
    }
    if let PromptKind::DetectedAt = kind {
        return match crate::time::parse_when(&v, s.now, s.ctx.tz) {
            Ok(at) => {
                s.ui.modal = None;
                append(
                    s,
                    Event::Marked {
                        mark: crate::timeline::Mark::Detected.id().into(),
                        text: String::new(),
                        when: Some(at),
                    },
                    fx,
                );
            }
            Err(e) => flash(s, e),
        };
    }
    s.ui.modal = None;
    match kind {
        PromptKind::RoleHolder(role) => append(s, Event::RoleAssigned { role, person: v }, fx),
        PromptKind::Override { step, title, tick } => {
            super::verify::override_done(s, step, title, tick, v, fx)
        }
        PromptKind::AckHandOver { ack } => super::ack::hand_over_done(s, ack, v, fx),
        other => super::drill::prompt_done(s, other, v, fx),
    }
}
