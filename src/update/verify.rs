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
/// Returns whether any condition's state moved.
pub fn check(s: &mut State, only_time: bool, fx: &mut Vec<Effect>) -> bool {
    let crate::view::verify::Refreshed { met, moved } = crate::view::verify::refresh(s, only_time);
    if met.is_empty() || s.ctx.viewer || !s.ctx.records_observations || !s.incident.is_open() {
        return moved;
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
    moved
}

/// How often an open step's HTTP condition is asked again after its
/// last answer.
pub const HTTP_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

/// Asks for the HTTP GETs of the conditions of open (unticked) steps: a
/// URL not yet answered, or answered `HTTP_EVERY` ago, and not being
/// asked now (one GET of a URL at a time; one still out after its
/// timeout and a margin is asked again). Never in a drill (the scenario
/// says what answers) nor once the incident is closed.
pub fn ask_http(s: &mut State, fx: &mut Vec<Effect>) {
    crate::view::verify::ensure(s);
    if s.ctx.drill || !s.incident.is_open() {
        return;
    }
    let now = s.now;
    let mut wanted: Vec<(String, std::time::Duration)> = Vec::new();
    for st in &s.verify.steps {
        if s.incident.checked.contains_key(&st.step) {
            continue;
        }
        for c in &st.conds {
            if let crate::playbook::verify::Cond::Http { url, timeout } = &c.cond.cond
                && !wanted.iter().any(|(u, _)| u == url)
            {
                wanted.push((url.clone(), *timeout));
            }
        }
    }
    let checks = &mut s.observed.checks;
    for (url, timeout) in wanted {
        let since = |at: chrono::DateTime<chrono::Utc>| (now - at).to_std().unwrap_or_default();
        if let Some(asked) = checks.http_asking.get(&url)
            && since(*asked) < timeout + std::time::Duration::from_secs(5)
        {
            continue;
        }
        if let Some(a) = checks.http.get(&url)
            && since(a.at) < HTTP_EVERY
        {
            continue;
        }
        checks.http_asking.insert(url.clone(), now);
        fx.push(Effect::HttpGet { url, timeout });
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
