//! `Ctx::Note`: the multi-line editors: a note to the timeline (`n`) and
//! a communication filled from its template (`c`). They edit in place;
//! saving or cancelling closes them.

use super::{append, flash};
use crate::edit::Text;
use crate::keys::{Action, Ctx, Keymap};
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::Modal;
use crate::timeline::Event;
use crossterm::event::KeyEvent;

/// The note editor, titled with its own keys from the keymap.
pub fn new_note_editor(keymap: &Keymap) -> Text {
    Text::multiline(format!(
        " Note to the timeline: {} save · {} cancel ",
        keymap.keys_for(Ctx::Note, Action::Save),
        keymap.keys_for(Ctx::Note, Action::Cancel)
    ))
    .with_placeholder("What happened, what was decided, who is doing what…")
}

pub fn open_note(s: &mut State) {
    s.ui.modal = Some(Modal::Note(Box::new(new_note_editor(&s.ctx.keymap))));
}

/// Keys in an open editor (`Modal::Note`, `Modal::Comms`).
pub fn on_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    match s.ui.modal {
        Some(Modal::Note(_)) => note_key(s, key, fx),
        Some(Modal::Comms { .. }) => comms_key(s, key, fx),
        _ => {}
    }
}

fn note_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = s.ctx.keymap.lookup(&[Ctx::Note], &key);
    let Some(Modal::Note(area)) = &mut s.ui.modal else {
        return;
    };
    match action {
        Some(Action::Save) => {
            let text = area.text().trim().to_string();
            s.ui.modal = None;
            if text.is_empty() {
                flash(s, "Empty note: nothing recorded");
            } else {
                append(s, Event::Note { text }, fx);
            }
        }
        Some(Action::Cancel) => {
            s.ui.modal = None;
            flash(s, "Note discarded");
        }
        _ => {
            area.input(&key);
        }
    }
}

fn comms_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = s.ctx.keymap.lookup(&[Ctx::Note], &key);
    let Some(Modal::Comms { template, editor }) = &mut s.ui.modal else {
        return;
    };
    match action {
        Some(Action::Save) => {
            let text = editor.text().trim().to_string();
            let template = template.clone();
            // Fields a person must fill, still as the template wrote them:
            // said before anything goes out; the same text sent again goes.
            let left = s
                .ctx
                .playbook
                .templates
                .iter()
                .find(|t| t.id.value == template)
                .map(|t| crate::comms::unfilled(&text, &crate::comms::placeholders(s, t)))
                .unwrap_or_default();
            if text.is_empty() {
                s.ui.modal = None;
                flash(s, "Empty: nothing sent");
            } else if !left.is_empty() && s.ui.comms_warned.as_deref() != Some(text.as_str()) {
                let more = if left.len() > 3 {
                    format!(" and {} more", left.len() - 3)
                } else {
                    String::new()
                };
                let shown: Vec<&str> = left.iter().take(3).map(String::as_str).collect();
                // The editor stays open, as it was.
                s.ui.flash = Some(crate::state::ui::Flash {
                    text: format!(
                        "NOT SENT: unfilled {}{more}; fill them, or {} again to send it as it is",
                        shown.join(", "),
                        s.ctx.keymap.keys_for(Ctx::Note, Action::Save)
                    ),
                    error: true,
                    at: s.now,
                });
                s.ui.comms_warned = Some(text);
            } else {
                s.ui.modal = None;
                s.ui.comms_warned = None;
                fx.push(Effect::SendComms { template, text });
            }
        }
        Some(Action::Cancel) => {
            s.ui.modal = None;
            flash(s, "Communication discarded");
        }
        _ => {
            editor.input(&key);
        }
    }
}
