//! `update`: the only place state changes. It takes one message (and the
//! time it is applied at) and
//! returns the effects the loop must carry out (appending to the timeline,
//! quitting) as values, so every path is testable without a terminal.

use crate::msg::{Effect, Msg};
use crate::state::State;
use crate::state::ui::{Flash, Modal, Pane, PickKind, PodSort};
use crate::timeline::{Event, Status};
use crate::ui::keymap::{self, Action, Ctx};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::widgets::{Block, Borders};
use ratatui_textarea::TextArea;

const PAGE: usize = 10;

pub fn update(s: &mut State, msg: Msg, now: DateTime<Utc>) -> Vec<Effect> {
    // Clocks never go backwards, even if the wall clock does.
    if now > s.now {
        s.now = now;
    }
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) => on_key(s, key, &mut fx),
        Msg::Paste(text) => match s.ui.modal.take() {
            Some(Modal::Note(mut area)) => {
                area.insert_str(text);
                s.ui.modal = Some(Modal::Note(area));
            }
            Some(Modal::Run(mut d)) => {
                run::paste(s, &mut d, &text);
                s.ui.modal = Some(Modal::Run(d));
            }
            Some(Modal::PodFilter) => {
                let line = text.lines().next().unwrap_or_default();
                s.ui.pod_filter.push_str(line);
                s.ui.pod = 0;
                s.ui.modal = Some(Modal::PodFilter);
            }
            other => s.ui.modal = other,
        },
        Msg::RunOutput {
            run,
            lines,
            dropped,
        } => run::output(s, &run, lines, dropped),
        Msg::RunExited {
            run,
            outcome,
            duration,
        } => run::finish(s, &run, outcome, duration, &mut fx),
        Msg::Resize(w, h) => s.ui.size = (w, h),
        Msg::Tick => {
            let now = s.now;
            if let Some(ev) = s.observed.check_ready(now) {
                append(s, ev, &mut fx);
            }
        }
        Msg::Kube(u) => {
            let now = s.now;
            for ev in s.observed.apply_kube(u, now) {
                append(s, ev, &mut fx);
            }
            clamp_pod(s);
        }
        Msg::Host(h) => s.observed.host = Some(h),
        Msg::HostUnavailable(e) => s.observed.host_error = Some(e),
        Msg::Drill(inject) => {
            let now = s.now;
            let o = &mut s.observed;
            let mut events = Vec::new();
            if let Some(p) = &inject.pod {
                events.extend(o.apply_pod(p, now));
            }
            if let Some(name) = &inject.pod_deleted {
                events.extend(o.delete_pod(name));
            }
            if let Some(a) = &inject.alert {
                events.extend(o.fire_alert(a, now));
            }
            if let Some(name) = &inject.alert_resolved {
                events.extend(o.resolve_alert(name));
            }
            o.set_figures(&inject.figures);
            if let Some(m) = &inject.message {
                events.push(Event::Message {
                    from: m.from.clone(),
                    text: m.text.clone(),
                });
            }
            for ev in events {
                append(s, ev, &mut fx);
            }
        }
        Msg::Recorded(rec) => {
            if let Event::StepChecked { step, .. } | Event::StepUnchecked { step, .. } = &rec.event
            {
                s.ui.pending_steps.remove(step);
            }
            s.ui.saving = s.ui.saving.saturating_sub(1);
            s.incident.apply(&rec);
            if let Event::CommandStarted { run: id, .. } = &rec.event {
                run::started(s, id, &mut fx);
            }
        }
        Msg::NotRecorded { event, error } => {
            if let Event::StepChecked { step, .. } | Event::StepUnchecked { step, .. } = &*event {
                s.ui.pending_steps.remove(step);
            }
            if let Event::CommandStarted { run: id, .. } = &*event {
                run::not_started(s, id);
            }
            s.ui.saving = s.ui.saving.saturating_sub(1);
            s.ui.flash = Some(Flash {
                text: format!("NOT RECORDED ({}): {error}", event.kind()),
                error: true,
                at: s.now,
            });
        }
        Msg::Terminate(_) => fx.push(Effect::Quit),
    }
    fx
}

/// Asks the loop to append, and remembers that a write is in flight.
fn append(s: &mut State, ev: Event, fx: &mut Vec<Effect>) {
    s.ui.saving += 1;
    fx.push(Effect::Append(ev));
}

fn flash(s: &mut State, text: impl Into<String>) {
    s.ui.flash = Some(Flash {
        text: text.into(),
        error: false,
        at: s.now,
    });
}

fn on_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    // An error stays until the next key; then it has been seen.
    s.ui.flash = None;
    // Ctrl-C always quits, whatever is open.
    if keymap::lookup(&[Ctx::Global], &key) == Some(Action::ForceQuit) {
        fx.push(Effect::Quit);
        return;
    }
    match s.ui.modal.take() {
        Some(modal) => on_modal_key(s, modal, key, fx),
        None => on_pane_key(s, key, fx),
    }
}

fn on_modal_key(s: &mut State, modal: Modal, key: KeyEvent, fx: &mut Vec<Effect>) {
    match modal {
        Modal::Help { scroll } => match keymap::lookup(&[Ctx::Help], &key) {
            Some(Action::Cancel) => {}
            Some(Action::Down) => s.ui.modal = Some(Modal::Help { scroll: scroll + 1 }),
            Some(Action::Up) => {
                s.ui.modal = Some(Modal::Help {
                    scroll: scroll.saturating_sub(1),
                })
            }
            _ => s.ui.modal = Some(Modal::Help { scroll }),
        },
        Modal::Note(mut area) => match keymap::lookup(&[Ctx::Note], &key) {
            Some(Action::Save) => {
                let text = area.lines().join("\n").trim().to_string();
                if text.is_empty() {
                    flash(s, "Empty note: nothing recorded");
                } else {
                    append(s, Event::Note { text }, fx);
                }
            }
            Some(Action::Cancel) => flash(s, "Note discarded"),
            _ => {
                area.input(key);
                s.ui.modal = Some(Modal::Note(area));
            }
        },
        Modal::Pick { kind, selected } => {
            let len = picker_items(s, kind).len();
            match keymap::lookup(&[Ctx::Picker], &key) {
                Some(Action::Up) => {
                    s.ui.modal = Some(Modal::Pick {
                        kind,
                        selected: selected.saturating_sub(1),
                    })
                }
                Some(Action::Down) => {
                    s.ui.modal = Some(Modal::Pick {
                        kind,
                        selected: (selected + 1).min(len.saturating_sub(1)),
                    })
                }
                Some(Action::Choose) => choose(s, kind, selected, fx),
                Some(Action::Cancel) => {}
                _ => s.ui.modal = Some(Modal::Pick { kind, selected }),
            }
        }
        Modal::Run(d) => run::on_key(s, d, key, fx),
        Modal::PodFilter => match keymap::lookup(&[Ctx::PodFilter], &key) {
            Some(Action::Choose) => {}
            Some(Action::Cancel) => {
                s.ui.pod_filter.clear();
                s.ui.pod = 0;
            }
            _ => {
                match key.code {
                    KeyCode::Backspace => {
                        s.ui.pod_filter.pop();
                    }
                    KeyCode::Char(c)
                        if !key.modifiers.contains(KeyModifiers::CONTROL)
                            && !c.is_control()
                            && s.ui.pod_filter.chars().count() < 64 =>
                    {
                        s.ui.pod_filter.push(c)
                    }
                    _ => {}
                }
                s.ui.pod = 0;
                s.ui.modal = Some(Modal::PodFilter);
            }
        },
        Modal::ConfirmQuit => match keymap::lookup(&[Ctx::Confirm], &key) {
            Some(Action::Confirm) => fx.push(Effect::Quit),
            Some(Action::Cancel) => {}
            _ => s.ui.modal = Some(Modal::ConfirmQuit),
        },
    }
}

/// The choices a picker offers: severity ids, or statuses.
pub fn picker_items(s: &State, kind: PickKind) -> Vec<String> {
    match kind {
        PickKind::Severity => s
            .ctx
            .playbook
            .severities
            .iter()
            .map(|sev| sev.id.value.clone())
            .collect(),
        PickKind::Status => Status::ALL.iter().map(|st| st.name().to_string()).collect(),
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
    }
}

/// Whether a pane is on screen: output once something ran, pods and
/// alerts when something observes them.
pub fn shown(s: &State, p: Pane) -> bool {
    match p {
        Pane::Output => !s.runs.list.is_empty(),
        Pane::Pods => s.ctx.observes_pods,
        Pane::Alerts => s.ctx.observes_alerts,
        Pane::Checklist | Pane::Timeline => true,
    }
}

/// The keymap contexts of a pane, most specific first.
fn pane_ctxs(p: Pane) -> &'static [Ctx] {
    match p {
        Pane::Checklist => &[Ctx::Checklist, Ctx::Global],
        Pane::Timeline => &[Ctx::Timeline, Ctx::Global],
        Pane::Output => &[Ctx::Output, Ctx::Global],
        Pane::Pods => &[Ctx::Pods, Ctx::Lists, Ctx::Global],
        Pane::Alerts => &[Ctx::Lists, Ctx::Global],
    }
}

/// The pods as the pane lists them.
pub fn pods_shown(s: &State) -> Vec<&crate::state::Pod> {
    crate::state::observed::pod_view(&s.observed.pods, s.ui.pod_sort, &s.ui.pod_filter)
}

/// Keeps the pod selection on the list after it changed.
fn clamp_pod(s: &mut State) {
    let n = pods_shown(s).len();
    s.ui.pod = s.ui.pod.min(n.saturating_sub(1));
}

fn on_pane_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(action) = keymap::lookup(pane_ctxs(s.ui.focus), &key) else {
        return;
    };
    match action {
        Action::ForceQuit => fx.push(Effect::Quit),
        Action::Quit => {
            if s.incident.is_open() {
                s.ui.modal = Some(Modal::ConfirmQuit);
            } else {
                fx.push(Effect::Quit);
            }
        }
        Action::FocusNext => s.ui.focus = s.ui.focus.cycle(true, |p| shown(s, p)),
        Action::FocusPrev => s.ui.focus = s.ui.focus.cycle(false, |p| shown(s, p)),
        Action::Zoom => s.ui.zoom = !s.ui.zoom,
        Action::Run => run::open(s),
        Action::CancelRun => run::cancel_selected(s, fx),
        Action::PrevRun => {
            s.runs.selected = s.runs.selected.saturating_sub(1);
            s.runs.scroll = 0;
        }
        Action::NextRun => {
            s.runs.selected = (s.runs.selected + 1).min(s.runs.list.len().saturating_sub(1));
            s.runs.scroll = 0;
        }
        Action::Help => s.ui.modal = Some(Modal::Help { scroll: 0 }),
        Action::Note => s.ui.modal = Some(Modal::Note(Box::new(new_note_editor()))),
        Action::Severity => {
            let selected = picker_items(s, PickKind::Severity)
                .iter()
                .position(|id| *id == s.incident.severity)
                .unwrap_or(0);
            s.ui.modal = Some(Modal::Pick {
                kind: PickKind::Severity,
                selected,
            });
        }
        Action::Status => {
            let selected = s
                .incident
                .status
                .and_then(|st| Status::ALL.iter().position(|x| *x == st))
                .unwrap_or(0);
            s.ui.modal = Some(Modal::Pick {
                kind: PickKind::Status,
                selected,
            });
        }
        Action::Toggle => toggle_step(s, fx),
        Action::Up => move_by(s, -1),
        Action::Down => move_by(s, 1),
        Action::PageUp => move_by(s, -(PAGE as isize)),
        Action::PageDown => move_by(s, PAGE as isize),
        Action::Top => move_by(s, isize::MIN / 2),
        Action::Bottom => move_by(s, isize::MAX / 2),
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
        Action::Save | Action::Cancel | Action::Confirm | Action::Choose | Action::DryRun => {}
    }
}

/// The note editor, titled with its own keys from the keymap.
pub fn new_note_editor() -> TextArea<'static> {
    let mut area = TextArea::default();
    area.set_block(Block::default().borders(Borders::ALL).title(format!(
        " Note to the timeline: {} save · {} cancel ",
        keymap::keys_for(Ctx::Note, Action::Save),
        keymap::keys_for(Ctx::Note, Action::Cancel)
    )));
    area.set_placeholder_text("What happened, what was decided, who is doing what…");
    area
}

fn clamp_move(cur: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (cur as isize)
        .saturating_add(delta)
        .clamp(0, len as isize - 1) as usize
}

fn move_by(s: &mut State, delta: isize) {
    match s.ui.focus {
        Pane::Checklist => {
            let n = s.ctx.procedure().steps().count();
            s.ui.step = clamp_move(s.ui.step, delta, n);
        }
        Pane::Pods => s.ui.pod = clamp_move(s.ui.pod, delta, pods_shown(s).len()),
        Pane::Alerts => s.ui.alert = clamp_move(s.ui.alert, delta, s.observed.alerts.len()),
        Pane::Timeline => {
            // Scrolling up moves away from the newest record.
            let n = s.incident.records.len();
            s.ui.timeline_scroll = clamp_move(s.ui.timeline_scroll, -delta, n.max(1));
        }
        Pane::Output => {
            let n = s.runs.selected().map_or(0, |r| r.output.len());
            s.runs.scroll = clamp_move(s.runs.scroll, -delta, n.max(1));
        }
    }
}

fn toggle_step(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(step) = s.ctx.procedure().steps().nth(s.ui.step) else {
        return;
    };
    let (id, title) = (step.id.value.clone(), step.title.clone());
    if s.ui.pending_steps.contains(&id) {
        flash(s, "Still saving the last change to this step…");
        return;
    }
    let ev = if s.incident.checked.contains_key(&id) {
        Event::StepUnchecked {
            step: id.clone(),
            title,
        }
    } else {
        Event::StepChecked {
            step: id.clone(),
            title,
        }
    };
    s.ui.pending_steps.insert(id);
    append(s, ev, fx);
}

mod run;

pub use run::{guard as run_dialog_guard, redactor as run_dialog_redactor};

#[cfg(test)]
mod tests;
