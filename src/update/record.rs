//! The IC's record-keeping actions: roles, conditions, post-mortem marks,
//! communications from templates, and the clocks (recording what falls due,
//! acknowledging it).

use super::{append, flash};
use crate::clocks;
use crate::edit::Text;
use crate::keys::{Action, Ctx};
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::{Modal, PickKind, PromptKind};
use crate::timeline::Event;
use crate::view::pickers::{items, unacknowledged};

pub fn open_picker(s: &mut State, kind: PickKind) {
    if s.ctx.viewer {
        flash(s, "Viewer seat: nothing is recorded from here");
        return;
    }
    if items(s, kind).is_empty() {
        let what = match kind {
            PickKind::Role => "roles",
            PickKind::Condition => "conditions",
            PickKind::Template => "communication templates",
            PickKind::Procedure => "other procedures (all are in the checklist)",
            _ => "choices",
        };
        flash(s, format!("The playbook defines no {what}"));
        return;
    }
    s.ui.modal = Some(Modal::Pick { kind, selected: 0 });
}

pub fn choose(s: &mut State, kind: PickKind, id: String, fx: &mut Vec<Effect>) {
    match kind {
        PickKind::Role => {
            let name = s
                .ctx
                .playbook
                .roles
                .iter()
                .find(|r| r.id.value == id)
                .map_or(id.clone(), |r| r.name.clone());
            let value = s.incident.roles.get(&id).cloned().unwrap_or_default();
            s.ui.modal = Some(Modal::Prompt {
                title: format!("Who is {name} now?"),
                value: Box::new(Text::line("").with_text(&value).at_end()),
                kind: PromptKind::RoleHolder(id),
            });
        }
        PickKind::Condition => {
            if s.incident.conditions.contains_key(&id) {
                flash(s, "That condition is already set");
            } else {
                append(
                    s,
                    Event::ConditionSet {
                        condition: id.clone(),
                    },
                    fx,
                );
                super::procedures::started_by(s, &id, fx);
            }
        }
        PickKind::Mark if id == crate::timeline::Mark::Detected.id() => {
            // Detection came before the declaration: ask when, offering
            // the first alert's start (or now).
            let at = s.incident.detected_at.unwrap_or(s.now);
            let value = at.with_timezone(&s.ctx.tz).format("%H:%M").to_string();
            s.ui.modal = Some(Modal::Prompt {
                title: "When was it detected? (HH:MM, 15m ago, now)".into(),
                value: Box::new(Text::line("").with_text(&value).at_end()),
                kind: PromptKind::DetectedAt,
            });
        }
        PickKind::Mark => append(
            s,
            Event::Marked {
                mark: id,
                text: String::new(),
                when: None,
            },
            fx,
        ),
        PickKind::Template => {
            let Some(t) = s
                .ctx
                .playbook
                .templates
                .iter()
                .find(|t| t.id.value == id)
                .cloned()
            else {
                return;
            };
            let text = crate::comms::compose(s, &t);
            let editor = Text::multiline(format!(
                " {} send (file, clipboard, timeline) · {} cancel · {}: fill the [fields] ",
                s.ctx.keymap.keys_for(Ctx::Note, Action::Save),
                s.ctx.keymap.keys_for(Ctx::Note, Action::Cancel),
                t.name,
            ))
            .with_text(&text);
            s.ui.modal = Some(Modal::Comms {
                template: id,
                editor: Box::new(editor),
            });
        }
        PickKind::Procedure => super::procedures::add(s, &id, fx),
        PickKind::Severity | PickKind::Status => {}
    }
}

/// The communication is on disk (and in the clipboard): record it.
pub fn comms_written(
    s: &mut State,
    template: String,
    text: String,
    file: Option<String>,
    error: Option<String>,
    fx: &mut Vec<Effect>,
) {
    if let Some(e) = error {
        s.ui.flash = Some(crate::state::ui::Flash {
            text: format!("Communication not written: {e} (nothing recorded; try again)"),
            error: true,
            at: s.now,
        });
        return;
    }
    append(
        s,
        Event::CommsSent {
            template,
            file,
            text,
        },
        fx,
    );
}

/// Records every clock that fell due (once; the store dedupes seats).
pub fn check_timers(s: &mut State, fx: &mut Vec<Effect>) {
    if s.ctx.viewer || !s.ctx.records_observations {
        return;
    }
    crate::view::timers(s);
    let all = &s.derived.timers;
    let due: Vec<(String, String)> = clocks::newly_due(all, &s.incident, s.now)
        .into_iter()
        .filter(|t| !s.ui.due_requested.contains(&t.id))
        .map(|t| (t.id.clone(), t.label.clone()))
        .collect();
    for (timer, label) in due {
        s.ui.due_requested.insert(timer.clone());
        append(s, Event::TimerDue { timer, label }, fx);
    }
}

pub fn acknowledge(s: &mut State, fx: &mut Vec<Effect>) {
    match unacknowledged(s).into_iter().next() {
        Some((timer, label)) => append(s, Event::TimerAcknowledged { timer, label }, fx),
        None => flash(s, "Nothing is due"),
    }
}
