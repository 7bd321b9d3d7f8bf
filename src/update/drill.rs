//! A drill's script and clock. Every seat's drill source proposes the
//! scripted injects as they fall due on the drill clock; the first
//! `inject_fired` record written wins (the store writes each scripted
//! inject once), and every seat applies an inject when it sees that
//! record, so all seats observe the same pods, alerts and figures. The seat
//! whose record it is also records what the inject did (pod and alert
//! changes, the message). Clock changes are records too; each one is handed
//! to this seat's drill source so it reschedules.
//!
//! `Ctx::Facilitator`: the facilitator's keys (pause, speed, jump, an ad
//! hoc inject), on the facilitator's seat only.

use super::{append, flash};
use crate::drill::clock::SPEEDS;
use crate::edit::Text;
use crate::keys::Action;
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::{Modal, PromptKind};
use crate::timeline::{ClockChange, Event, Record};

/// A facilitator's key (`Ctx::Facilitator`).
pub fn on_action(s: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::DrillPause => toggle_pause(s, fx),
        Action::DrillFaster => change_speed(s, true, fx),
        Action::DrillSlower => change_speed(s, false, fx),
        Action::DrillJump => jump(s, fx),
        Action::DrillInject => open_adhoc(s),
        _ => {}
    }
}

/// The drill source says scripted inject `n` is due.
pub fn inject_due(s: &mut State, n: u32, fx: &mut Vec<Effect>) {
    if !s.ctx.drill || s.ctx.viewer {
        return;
    }
    if s.incident.fired.contains_key(&n) || s.ui.injects_pending.contains(&n) {
        return;
    }
    let Some(inj) = s.ctx.injects.get(n as usize) else {
        return;
    };
    let ev = Event::InjectFired {
        inject: Some(n),
        drill_ms: inj.offset().as_millis() as u64,
        summary: inj.summary(),
        from: None,
        text: None,
    };
    s.ui.injects_pending.insert(n);
    append(s, ev, fx);
}

/// A record was applied to the incident: `mine` when this seat wrote it.
pub fn after_record(s: &mut State, rec: &Record, mine: bool, fx: &mut Vec<Effect>) {
    match &rec.event {
        Event::DrillClock { .. } => {
            if let Some(c) = s.incident.drill_clock {
                fx.push(Effect::DrillClock(c));
            }
        }
        Event::InjectFired {
            inject, from, text, ..
        } => {
            let events = match inject {
                Some(n) => {
                    s.ui.injects_pending.remove(n);
                    match s.ctx.injects.get(*n as usize) {
                        Some(inj) => inj.clone().apply(&mut s.observed, rec.at),
                        None => Vec::new(),
                    }
                }
                None => match (from, text) {
                    (Some(from), Some(text)) => vec![Event::Message {
                        from: from.clone(),
                        text: text.clone(),
                    }],
                    _ => Vec::new(),
                },
            };
            if mine {
                for ev in events {
                    append(s, ev, fx);
                }
            }
        }
        _ => {}
    }
}

/// An append of ours did not land (deduplicated or failed).
pub fn not_written(s: &mut State, ev: &Event) {
    if let Event::DrillClock { .. } = ev {
        s.ui.clock_pending = false;
    }
    if let Event::InjectFired {
        inject: Some(n), ..
    } = ev
    {
        s.ui.injects_pending.remove(n);
    }
}

/// The next scripted inject that has not fired, with its number.
pub fn next_inject(s: &State) -> Option<(u32, &crate::drill::Inject)> {
    s.ctx
        .injects
        .iter()
        .enumerate()
        .map(|(i, inj)| (i as u32, inj))
        .find(|(i, _)| !s.incident.fired.contains_key(i) && !s.ui.injects_pending.contains(i))
}

fn facilitator_only(s: &mut State) -> bool {
    if s.ctx.facilitator && s.ctx.drill && !s.ctx.viewer {
        return true;
    }
    flash(s, "Only the facilitator's seat controls the drill");
    false
}

fn clock_change(
    s: &mut State,
    change: ClockChange,
    speed: Option<u32>,
    to_ms: Option<u64>,
    fx: &mut Vec<Effect>,
) {
    // Two quick presses would both start from the speed on screen and
    // record the same change twice (issue 14: "2x" twice).
    if s.ui.clock_pending {
        flash(s, "Still saving the last change to the drill clock…");
        return;
    }
    s.ui.clock_pending = !s.ctx.viewer;
    append(
        s,
        Event::DrillClock {
            change,
            speed,
            to_ms,
        },
        fx,
    );
}

/// Pause or resume the drill clock.
pub fn toggle_pause(s: &mut State, fx: &mut Vec<Effect>) {
    if !facilitator_only(s) {
        return;
    }
    let paused = s.incident.drill_clock.is_some_and(|c| c.paused);
    let change = if paused {
        ClockChange::Resumed
    } else {
        ClockChange::Paused
    };
    clock_change(s, change, None, None, fx);
}

/// The next speed up or down of 1x, 2x, 5x, 10x.
pub fn change_speed(s: &mut State, faster: bool, fx: &mut Vec<Effect>) {
    if !facilitator_only(s) {
        return;
    }
    let cur = s.incident.drill_clock.map_or(1, |c| c.speed);
    let next = if faster {
        SPEEDS.iter().copied().find(|v| *v > cur)
    } else {
        SPEEDS.iter().rev().copied().find(|v| *v < cur)
    };
    match next {
        Some(v) => clock_change(s, ClockChange::Speed, Some(v), None, fx),
        None => flash(s, format!("The drill clock is already at {cur}x")),
    }
}

/// Jump drill time to the next scripted inject (it fires at once).
pub fn jump(s: &mut State, fx: &mut Vec<Effect>) {
    if !facilitator_only(s) {
        return;
    }
    let Some((_, inj)) = next_inject(s) else {
        flash(s, "No scripted inject left to jump to");
        return;
    };
    let target = inj.offset().as_millis() as u64;
    let now_ms = s.incident.drill_time(s.now).num_milliseconds().max(0) as u64;
    clock_change(s, ClockChange::Jumped, None, Some(target.max(now_ms)), fx);
}

/// Start typing an ad hoc inject: a stakeholder message.
pub fn open_adhoc(s: &mut State) {
    if !facilitator_only(s) {
        return;
    }
    s.ui.modal = Some(Modal::Prompt {
        title: "Ad hoc inject: a message from whom? (Support, VP Engineering, a customer…)".into(),
        value: Box::new(Text::line("")),
        kind: PromptKind::InjectFrom,
    });
}

/// The prompt for an ad hoc inject was answered.
pub fn prompt_done(s: &mut State, kind: PromptKind, value: String, fx: &mut Vec<Effect>) {
    match kind {
        PromptKind::InjectFrom => {
            s.ui.modal = Some(Modal::Prompt {
                title: format!("Ad hoc inject: what does {value} say?"),
                value: Box::new(Text::line("")),
                kind: PromptKind::InjectText { from: value },
            });
        }
        PromptKind::InjectText { from } => {
            let drill_ms = s.incident.drill_time(s.now).num_milliseconds().max(0) as u64;
            append(
                s,
                Event::InjectFired {
                    inject: None,
                    drill_ms,
                    summary: format!("message from {from}: {value}"),
                    from: Some(from),
                    text: Some(value),
                },
                fx,
            );
        }
        PromptKind::RoleHolder(_)
        | PromptKind::DetectedAt
        | PromptKind::Override { .. }
        | PromptKind::AckNote { .. }
        | PromptKind::AckHandOver { .. } => {}
    }
}
