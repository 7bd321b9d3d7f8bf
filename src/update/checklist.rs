//! `Ctx::Checklist`: ticking the selected step (Space) and opening its
//! run dialog (Enter); moving the selection.

use super::{append, clamp_move, flash, verify};
use crate::keys::Action;
use crate::msg::Effect;
use crate::state::State;
use crate::timeline::Event;

pub fn on_action(s: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::Toggle => toggle_step(s, fx),
        Action::Run => super::run::open(s),
        _ => {}
    }
}

pub fn move_by(s: &mut State, delta: isize) {
    let n = s.ctx.procedure().steps().count();
    s.ui.step = clamp_move(s.ui.step, delta, n);
}

fn toggle_step(s: &mut State, fx: &mut Vec<Effect>) {
    if s.ctx.viewer {
        flash(s, "Viewer seat: nothing is recorded from here");
        return;
    }
    let Some(step) = s.ctx.procedure().steps().nth(s.ui.step) else {
        return;
    };
    let (id, title) = (step.id.value.clone(), step.title.clone());
    if s.ui.pending_steps.contains(&id) {
        flash(s, "Still saving the last change to this step…");
        return;
    }
    let ticked = s.incident.checked.contains_key(&id);
    if verify::ask_override(s, &id, &title, !ticked) {
        return;
    }
    let ev = if ticked {
        Event::StepUnchecked {
            step: id.clone(),
            title,
            evidence: Vec::new(),
            reason: None,
        }
    } else {
        Event::StepChecked {
            step: id.clone(),
            title,
            evidence: Vec::new(),
            reason: None,
        }
    };
    s.ui.pending_steps.insert(id);
    append(s, ev, fx);
}
