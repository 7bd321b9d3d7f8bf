//! `update`: the only place state changes. It takes one message (and the
//! time it is applied at) and
//! returns the effects the loop must carry out (appending to the timeline,
//! quitting) as values, so every path is testable without a terminal.

use crate::keys::{Action, Ctx};
use crate::msg::{Effect, Msg};
use crate::state::State;
use crate::state::ui::{AlertsView, Flash, Modal, Pane, RunStage};
use crate::timeline::Event;
// What the tests (`use super::*`) name.
pub use crate::view::{picker_items, pods_shown, unacknowledged};
#[cfg(test)]
use crate::{edit::Text, timeline::Status};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, KeyEventKind};

const PAGE: usize = 10;

pub fn update(s: &mut State, msg: Msg, now: DateTime<Utc>) -> Vec<Effect> {
    // Clocks never go backwards, even if the wall clock does.
    if now > s.now {
        s.now = now;
    }
    let touches = Touches::of(&msg);
    let focus = s.ui.focus;
    // A message that moves no change counter of its own may still set a
    // flash (an ack's lapse warning on a tick).
    let flash = (touches != Touches::Any).then(|| s.ui.flash.clone());
    // `verify:` conditions are evaluated again when the clock moves (a
    // hold counts; the pods, host and figures are read at most once a
    // second) and when alerts, a drill's observations or the record
    // changed.
    let reverify = matches!(
        msg,
        Msg::Tick
            | Msg::AlertsPolled(_)
            | Msg::Recorded(_)
            | Msg::Followed(_)
            | Msg::Reloaded(_)
            | Msg::InjectDue(_)
            | Msg::Checks(_)
            | Msg::Figures(_)
    );
    // Severity criteria are judged again when the figures change.
    // (A drill's inject changes them once its record is durable.)
    let figures_changed = match &msg {
        Msg::Figures(_) | Msg::InjectDue(_) => true,
        Msg::Recorded(r) | Msg::Followed(r) => matches!(r.event, Event::InjectFired { .. }),
        _ => false,
    };
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) => on_key(s, key, &mut fx),
        Msg::Paste(text) => paste(s, &text),
        Msg::RunOutput {
            run,
            lines,
            dropped,
            taken,
        } => {
            run::output(s, &run, lines, dropped);
            // Applied: the run may send its next batch.
            drop(taken);
        }
        Msg::RunExited {
            run,
            outcome,
            duration,
        } => run::finish(s, &run, outcome, duration, &mut fx),
        Msg::Resize(w, h) => s.ui.size = (w, h),
        Msg::Drawn(placed) => {
            // A layout without the focused pane (after `L`, a resize, or
            // output that went away) moves the focus to its first pane.
            let order = placed.focus_order();
            if !order.is_empty() && !order.contains(&s.ui.focus) {
                s.ui.focus = order[0];
            }
            s.ui.placed = *placed;
        }
        Msg::Mouse(m) => {
            if s.ui.modal.is_none() {
                mouse(s, m);
            }
        }
        Msg::Tick => {
            record::check_timers(s, &mut fx);
            ack::check_lapses(s, &mut fx);
            verify::ask_http(s, &mut fx);
            approval::check_lapses(s, &mut fx);
            let now = s.now;
            if let Some(ev) = s.observed.check_ready(now) {
                append(s, ev, &mut fx);
            }
        }
        Msg::CommsWritten {
            template,
            text,
            file,
            error,
        } => record::comms_written(s, template, text, file, error, &mut fx),
        Msg::Kube(u) => {
            let now = s.now;
            for ev in s.observed.apply_kube(u, now) {
                append(s, ev, &mut fx);
            }
            pods::clamp_pod(s);
        }
        Msg::Checks(u) => s.observed.checks.apply(u),
        Msg::Host(h) => alerts::host(s, h, &mut fx),
        Msg::Figures(u) => figures::polled(s, u, &mut fx),
        Msg::HostUnavailable(e) => s.observed.host_error = Some(e),
        Msg::AlertsPolled(poll) => alerts::polled(s, *poll, &mut fx),
        Msg::AlertsFailed { error, retry_in } => alerts::failed(s, error, retry_in),
        Msg::SilenceDone { request, result } => alerts::silence_done(s, &request, result, &mut fx),
        Msg::InjectDue(n) => drill::inject_due(s, n, &mut fx),
        Msg::Followed(rec) => {
            // Another seat's record; ours come back as `Recorded`.
            if rec.seq > s.incident.last_seq() {
                s.incident.apply(&rec);
                drill::after_record(s, &rec, false, &mut fx);
            }
        }
        Msg::Reloaded(records) => {
            // Records this host wrote while cut off were placed after
            // other hosts': the incident is rebuilt in the shared order.
            // What the seat's drill or alerts did on the way stays done.
            s.incident = crate::state::Incident::replay_owned(records);
        }
        Msg::Sharing(sharing) => {
            // What went wrong with the store is said once, when it changes
            // (credentials refused, a permission, the link): the header
            // keeps saying OFFLINE meanwhile.
            let before = s.observed.sharing.as_ref().and_then(|x| x.error.clone());
            if let Some(e) = sharing
                .error
                .as_ref()
                .filter(|e| before.as_ref() != Some(*e))
            {
                s.ui.flash = Some(Flash {
                    text: format!(
                        "Shared store: {e} (records are kept here and shared when it answers)"
                    ),
                    error: true,
                    at: s.now,
                });
            }
            s.observed.sharing = Some(sharing);
        }
        Msg::Deduplicated(ev) => {
            drill::not_written(s, &ev);
            approval::not_written(s, &ev);
            if let Event::CommandStarted { run: id, .. } = &*ev {
                run::not_started(s, id);
            }
            if let Event::StepChecked { step, .. } | Event::StepUnchecked { step, .. } = &*ev {
                s.ui.pending_steps.remove(step);
            }
            s.ui.saving = s.ui.saving.saturating_sub(1);
        }
        Msg::ChainBroken { seq, what } => {
            s.ui.flash = Some(Flash {
                text: format!("The record is not as written: record {seq}: {what}"),
                error: true,
                at: s.now,
            });
            let known =
                s.incident.records.iter().any(
                    |r| matches!(&r.event, Event::ChainBroken { record, .. } if *record == seq),
                );
            if !known && !s.ctx.viewer {
                append(s, Event::ChainBroken { record: seq, what }, &mut fx);
            }
        }
        Msg::StoreWarning(w) => {
            s.ui.flash = Some(Flash {
                text: w,
                error: true,
                at: s.now,
            })
        }
        Msg::Recorded(rec) => {
            if let Event::DrillClock { .. } = &rec.event {
                s.ui.clock_pending = false;
            }
            if let Event::StepChecked { step, .. } | Event::StepUnchecked { step, .. } = &rec.event
            {
                s.ui.pending_steps.remove(step);
            }
            s.ui.saving = s.ui.saving.saturating_sub(1);
            if rec.seq > s.incident.last_seq() {
                s.incident.apply(&rec);
                drill::after_record(s, &rec, true, &mut fx);
            }
            if let Event::CommandStarted { run: id, .. } = &rec.event {
                run::started(s, id, &mut fx);
            }
            alerts::recorded(s, &rec, &mut fx);
        }
        Msg::NotRecorded { event, error } => {
            drill::not_written(s, &event);
            if let Event::StepChecked { step, .. } | Event::StepUnchecked { step, .. } = &*event {
                s.ui.pending_steps.remove(step);
            }
            if let Event::CommandStarted { run: id, .. } = &*event {
                run::not_started(s, id);
            }
            alerts::not_recorded(s, &event);
            s.ui.saving = s.ui.saving.saturating_sub(1);
            let mut text = format!("NOT RECORDED ({}): {error}", event.kind());
            // A note that did not land is not lost: it is back in the
            // editor (unless another dialog is open), to save again.
            if let Event::Note { text: note } = &*event {
                let empty_editor = match &s.ui.modal {
                    None => true,
                    Some(Modal::Note(area)) => area.is_empty(),
                    Some(_) => false,
                };
                if empty_editor {
                    let editor = editor::new_note_editor(&s.ctx.keymap)
                        .with_text(note)
                        .at_end();
                    s.ui.modal = Some(Modal::Note(Box::new(editor)));
                    text.push_str(" (the note is back in the editor)");
                }
            }
            s.ui.flash = Some(Flash {
                text,
                error: true,
                at: s.now,
            });
        }
        Msg::Terminate(_) => fx.push(Effect::Quit),
    }
    if figures_changed {
        criteria::judge(s, &mut fx);
    }
    // Whether the checklist's conditions moved (a hold met on a tick).
    let mut conditions_moved = false;
    if reverify {
        // After a message that only moves the clock (a tick), what the
        // conditions look at is as it was unless a change counter moved.
        conditions_moved = verify::check(s, touches == Touches::Time, &mut fx);
    }
    // What the panes show follows what changed (cheap when nothing did).
    crate::view::refresh(s);
    // What the render cache must draw again.
    let flash_moved = flash.is_some_and(|f| f != s.ui.flash);
    let touches = if fx.is_empty() && s.ui.focus == focus && !conditions_moved && !flash_moved {
        touches
    } else {
        Touches::Any
    };
    let m = &mut s.marks;
    match touches {
        Touches::Any => m.any += 1,
        Touches::Time => {}
        Touches::Host => m.host += 1,
        Touches::Pods => m.pods += 1,
        Touches::Runs => m.runs += 1,
    }
    fx
}

/// What a message may change on screen (`state::Marks`): anything, unless
/// it is one of the few frequent messages known to change only the time
/// or one pane's inputs. Any effect asked for, or a focus moved, makes it
/// anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Touches {
    Any,
    /// Only `now` (and what the checks it runs append, which are effects).
    Time,
    Host,
    Pods,
    Runs,
}

impl Touches {
    fn of(msg: &Msg) -> Self {
        use crate::state::kube::KubeUpdate;
        match msg {
            // Where the frame placed things (not drawn), and the focus
            // (compared after).
            Msg::Tick | Msg::Drawn(_) => Touches::Time,
            Msg::Host(_) | Msg::HostUnavailable(_) => Touches::Host,
            Msg::Kube(KubeUpdate::Metrics(_) | KubeUpdate::MetricsUnavailable(_)) => Touches::Pods,
            Msg::RunOutput { .. } => Touches::Runs,
            _ => Touches::Any,
        }
    }
}

/// Asks the loop to append, and remembers that a write is in flight. A
/// viewer seat records nothing.
fn append(s: &mut State, ev: Event, fx: &mut Vec<Effect>) {
    if s.ctx.viewer {
        flash(s, "Viewer seat: nothing is recorded from here");
        return;
    }
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

/// Pasted text goes where typing goes: the open dialog's field.
fn paste(s: &mut State, text: &str) {
    match &mut s.ui.modal {
        Some(Modal::Note(area)) => area.insert_str(text),
        Some(Modal::Comms { editor, .. }) => editor.insert_str(text),
        Some(Modal::Prompt { value, .. }) => value.insert_str(text),
        Some(Modal::Run(d)) => match &mut d.stage {
            RunStage::Propose { reason, .. } => approval::paste_reason(reason, text),
            _ => run::paste(s, text),
        },
        Some(Modal::Decide(_)) => approval::paste_decide(s, text),
        Some(Modal::Silence(d)) => alerts::paste(d, text),
        Some(Modal::PodFilter) => pods::paste_filter(s, text),
        _ => {}
    }
}

/// A key: the open dialog has it, else the focused pane's contexts, else
/// `Global`. Where each context's actions are carried out:
/// `keys::Ctx::handler` (one module per pane or dialog, beside this file).
fn on_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    // An error stays until the next key; then it has been seen.
    s.ui.flash = None;
    if misread_escape(s, &key) {
        return;
    }
    // Ctrl-C always quits, whatever is open.
    if s.ctx.keymap.lookup(&[Ctx::Global], &key) == Some(Action::ForceQuit) {
        fx.push(Effect::Quit);
        return;
    }
    if s.ui.modal.is_some() {
        on_modal_key(s, key, fx);
    } else {
        on_pane_key(s, key, fx);
    }
}

/// Esc pressed and another key quickly after it reach the cockpit as one
/// sequence, which the terminal reads as Alt+key. No binding uses Alt, so
/// an Alt key is taken as neither: nothing is run, confirmed, closed or
/// thrown away, and the flash says to press them again. Only a text
/// field's Alt+Backspace (delete a word) is left to the field.
fn misread_escape(s: &mut State, key: &KeyEvent) -> bool {
    use crossterm::event::{KeyCode, KeyModifiers};
    if !key.modifiers.contains(KeyModifiers::ALT) {
        return false;
    }
    let editing = matches!(
        s.ui.modal,
        Some(
            Modal::Note(_)
                | Modal::Comms { .. }
                | Modal::Prompt { .. }
                | Modal::Run(_)
                | Modal::Decide(_)
                | Modal::Silence(_)
                | Modal::PodFilter
        )
    );
    if editing && key.code == KeyCode::Backspace {
        return false;
    }
    let what = crate::keys::Key {
        code: key.code,
        ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
    }
    .label();
    flash(
        s,
        format!(
            "Esc and {what} came together (read as Alt-{what}): nothing done; press them again one at a time"
        ),
    );
    true
}

/// The open dialog's handler, which works on it in place (and closes it
/// by setting `s.ui.modal` to `None`).
fn on_modal_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(modal) = &s.ui.modal else {
        return;
    };
    match modal {
        // Ctx::Help
        Modal::Help { .. } | Modal::Timers { .. } | Modal::Record { .. } => help::on_key(s, key),
        // Ctx::Help too: the contacts overlay
        Modal::Contacts { .. } => contacts::on_key(s, key),
        // Ctx::Note
        Modal::Note(_) | Modal::Comms { .. } => editor::on_key(s, key, fx),
        // Ctx::Prompt
        Modal::Prompt { .. } => prompt::on_key(s, key, fx),
        // Ctx::Picker
        Modal::Pick { .. } => picker::on_key(s, key, fx),
        // Ctx::RunEdit, Ctx::RunConfirm (Ctx::RunPropose: `approval`)
        Modal::Run(_) => run::on_key(s, key, fx),
        // Ctx::Approvals, Ctx::Decide
        Modal::Approvals { .. } => approval::queue_key(s, key, fx),
        Modal::Decide(_) => approval::decide_key(s, key, fx),
        // Ctx::AlertDetail, Ctx::SilenceEdit, Ctx::SilenceConfirm,
        // Ctx::ExpireConfirm
        Modal::AlertDetail { .. } => alerts::detail_key(s, key),
        Modal::Silence(_) => alerts::silence_key(s, key, fx),
        Modal::ExpireSilence { .. } => alerts::expire_key(s, key, fx),
        // Ctx::PodFilter
        Modal::PodFilter => pods::filter_key(s, key),
        // Ctx::Confirm
        Modal::ConfirmQuit => global::confirm_quit_key(s, key, fx),
    }
}

/// One row further down an overlay, no further than its last row as
/// drawn (the frame says where that is: `Placed::scroll_max`).
fn scroll_down(s: &State, scroll: u16) -> u16 {
    let next = scroll.saturating_add(1);
    s.ui.placed.scroll_max.map_or(next, |max| next.min(max))
}

/// The key contexts of the focused pane, most specific first.
fn pane_ctx(s: &State) -> Vec<Ctx> {
    match s.ui.focus {
        Pane::Checklist => vec![Ctx::Checklist, Ctx::Global],
        Pane::Timeline => vec![Ctx::Timeline, Ctx::Global],
        Pane::Output => vec![Ctx::Output, Ctx::Global],
        Pane::Pods => vec![Ctx::Pods, Ctx::Lists, Ctx::Global],
        Pane::Alerts => match s.ui.alerts_view {
            AlertsView::Alerts => vec![Ctx::Alerts, Ctx::Lists, Ctx::Global],
            AlertsView::Silences => vec![Ctx::Silences, Ctx::Lists, Ctx::Global],
        },
        Pane::Timers | Pane::Resources => vec![Ctx::Timeline, Ctx::Global],
    }
}

/// No dialog open: the action bound to the key in the focused pane's
/// contexts goes to the handler of the context it was found in.
fn on_pane_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    // A drill's facilitator keys exist on the facilitator's seat only.
    let mut ctxs = pane_ctx(s);
    // A key acts only on what the seat can see (issue 14: Space on the
    // wallboard ticked a step no pane showed): a focused pane the frame
    // did not place has no keys of its own.
    let placed = &s.ui.placed;
    if placed.drawn && !placed.focus_order().contains(&s.ui.focus) {
        ctxs = vec![Ctx::Global];
    }
    if s.ctx.facilitator {
        ctxs.insert(ctxs.len() - 1, Ctx::Facilitator);
    }
    let Some((ctx, action)) = s.ctx.keymap.lookup_in(&ctxs, &key) else {
        return;
    };
    match ctx {
        Ctx::Checklist => checklist::on_action(s, action, fx),
        Ctx::Timeline => timeline::on_action(s, action),
        Ctx::Output => output::on_action(s, action, fx),
        Ctx::Pods => pods::on_action(s, action),
        Ctx::Alerts | Ctx::Silences => alerts::on_pane_action(s, action, fx),
        Ctx::Facilitator => drill::on_action(s, action, fx),
        // Ctx::Lists has no keys of its own (the config may give it some
        // of the global actions).
        _ => global::on_action(s, action, fx),
    }
}

/// Click to focus (and, in the checklist, select a step); the wheel
/// scrolls the pane under the pointer.
fn mouse(s: &mut State, m: crossterm::event::MouseEvent) {
    use crossterm::event::{MouseButton, MouseEventKind};
    let placed = &s.ui.placed;
    // A click on the compact layout's tab bar picks the tab.
    if let (MouseEventKind::Down(MouseButton::Left), Some(t)) = (m.kind, &placed.tabs)
        && t.bar.contains(m.column, m.row)
    {
        let mut x = t.bar.x;
        for (p, w) in &t.tabs {
            if m.column < x.saturating_add(*w) {
                s.ui.focus = *p;
                return;
            }
            x = x.saturating_add(*w);
        }
        return;
    }
    let mut hit = placed
        .panes
        .iter()
        .find(|(_, r)| r.contains(m.column, m.row))
        .map(|(p, _)| *p);
    if hit.is_none()
        && let Some(t) = &placed.tabs
        && t.body.contains(m.column, m.row)
    {
        hit = Some(s.ui.focus);
    }
    let Some(pane) = hit else { return };
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            s.ui.focus = pane;
            if pane == Pane::Checklist
                && let Some((_, step)) = s.ui.placed.steps.iter().find(|(row, _)| *row == m.row)
            {
                s.ui.step = *step;
            }
        }
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
            let before = s.ui.focus;
            s.ui.focus = pane;
            move_by(
                s,
                if m.kind == MouseEventKind::ScrollUp {
                    -3
                } else {
                    3
                },
            );
            s.ui.focus = before;
        }
        _ => {}
    }
}

fn clamp_move(cur: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (cur as isize)
        .saturating_add(delta)
        .clamp(0, len as isize - 1) as usize
}

/// Moves the focused pane's selection (or scroll) by `delta` rows.
fn move_by(s: &mut State, delta: isize) {
    match s.ui.focus {
        Pane::Checklist => checklist::move_by(s, delta),
        Pane::Pods => pods::move_by(s, delta),
        Pane::Alerts => alerts::move_by(s, delta),
        Pane::Timeline => timeline::move_by(s, delta),
        Pane::Output => output::move_by(s, delta),
        Pane::Timers | Pane::Resources => {}
    }
}

mod ack;
pub mod alerts;
mod approval;
mod checklist;
mod contacts;
mod criteria;
mod drill;
mod editor;
mod figures;
mod global;
mod help;
mod output;
mod picker;
mod pods;
mod procedures;
mod prompt;
mod record;
mod run;
mod timeline;
mod verify;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod alert_tests;

#[cfg(test)]
mod approval_tests;

#[cfg(test)]
mod verify_tests;

#[cfg(test)]
mod ack_tests;

#[cfg(test)]
mod extend_tests;

#[cfg(test)]
mod procedures_tests;

#[cfg(test)]
mod criteria_tests;
