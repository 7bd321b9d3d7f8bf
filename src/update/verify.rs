//! Steps that verify themselves: the conditions evaluated again when the
//! clock moves (`view::verify`), a step ticked with its evidence when all
//! of them held for their time, and the IC's override (a hand tick of a
//! step whose conditions do not hold, or an untick) asked a reason that
//! goes to the record.

use super::{append, flash};
use crate::edit::Text;
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::{Modal, PromptKind};
use crate::timeline::Event;

/// Evaluates the conditions; ticks each step whose conditions all hold
/// (once: not while its tick is being saved, not after the IC unticked it
/// with a reason). Only a seat that records what it observes ticks (in a
/// drill, one seat; live, seats that tick together record one tick).
pub fn check(s: &mut State, fx: &mut Vec<Effect>) {
    let met = crate::view::verify::refresh(s);
    if met.is_empty() || s.ctx.viewer || !s.ctx.records_observations || !s.incident.is_open() {
        return;
    }
    for i in met {
        let st = &s.verify.steps[i];
        let id = st.step.clone();
        if s.incident.checked.contains_key(&id)
            || s.incident.overridden.contains(&id)
            || s.ui.pending_steps.contains(&id)
        {
            continue;
        }
        let ev = Event::StepChecked {
            step: id.clone(),
            title: st.title.clone(),
            evidence: crate::view::verify::evidence(st),
            reason: None,
        };
        s.ui.pending_steps.insert(id);
        append(s, ev, fx);
    }
}

/// A hand tick or untick of a step with conditions: asks why (returns
/// true), unless it is a tick of a step whose conditions all hold.
pub fn ask_override(s: &mut State, id: &str, title: &str, tick: bool) -> bool {
    crate::view::verify::ensure(s);
    let Some(st) = s.verify.step(id) else {
        return false;
    };
    if tick && st.all_met() {
        return false;
    }
    let what = if tick {
        "Tick by hand although its conditions do not hold"
    } else {
        "Untick (it will not tick itself again until ticked by hand)"
    };
    s.ui.modal = Some(Modal::Prompt {
        title: format!("{what}: why?"),
        value: Box::new(Text::line("")),
        kind: PromptKind::Override {
            step: id.to_string(),
            title: title.to_string(),
            tick,
        },
    });
    true
}

/// The override's reason was typed: record the tick or untick with it.
pub fn override_done(
    s: &mut State,
    step: String,
    title: String,
    tick: bool,
    reason: String,
    fx: &mut Vec<Effect>,
) {
    if s.ui.pending_steps.contains(&step) {
        flash(s, "Still saving the last change to this step…");
        return;
    }
    // The step may have changed while the reason was typed.
    if s.incident.checked.contains_key(&step) == tick {
        flash(s, "The step changed meanwhile: nothing recorded");
        return;
    }
    let ev = if tick {
        Event::StepChecked {
            step: step.clone(),
            title,
            evidence: Vec::new(),
            reason: Some(reason),
        }
    } else {
        Event::StepUnchecked {
            step: step.clone(),
            title,
            evidence: Vec::new(),
            reason: Some(reason),
        }
    };
    s.ui.pending_steps.insert(step);
    append(s, ev, fx);
}
