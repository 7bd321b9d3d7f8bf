//! `update`: the only place state changes. It takes one message (and the
//! time it is applied at) and
//! returns the effects the loop must carry out (appending to the timeline,
//! quitting) as values, so every path is testable without a terminal.

use crate::edit::Text;
use crate::keys::{Action, Ctx};
use crate::msg::{Effect, Msg};
use crate::state::State;
use crate::state::ui::{AlertsView, Flash, Modal, Pane, PickKind, PodSort};
use crate::timeline::{Event, Status};
pub use crate::view::{picker_items, pods_shown, unacknowledged};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, KeyEventKind};

const PAGE: usize = 10;
/// The longest pods filter (a part of a name, status or node).
const POD_FILTER_MAX: usize = 64;

pub fn update(s: &mut State, msg: Msg, now: DateTime<Utc>) -> Vec<Effect> {
    // Clocks never go backwards, even if the wall clock does.
    if now > s.now {
        s.now = now;
    }
    let touches = Touches::of(&msg);
    let focus = s.ui.focus;
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
    );
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) => on_key(s, key, &mut fx),
        Msg::Paste(text) => match s.ui.modal.take() {
            Some(Modal::Note(mut area)) => {
                area.insert_str(&text);
                s.ui.modal = Some(Modal::Note(area));
            }
            Some(Modal::Comms {
                template,
                mut editor,
            }) => {
                editor.insert_str(&text);
                s.ui.modal = Some(Modal::Comms { template, editor });
            }
            Some(Modal::Prompt {
                title,
                mut value,
                kind,
            }) => {
                value.insert_str(&text);
                s.ui.modal = Some(Modal::Prompt { title, value, kind });
            }
            Some(Modal::Run(mut d)) => {
                if let crate::state::ui::RunStage::Propose { reason, .. } = &mut d.stage {
                    approval::paste_reason(reason, &text);
                } else {
                    run::paste(s, &mut d, &text);
                }
                s.ui.modal = Some(Modal::Run(d));
            }
            Some(Modal::Decide(mut d)) => {
                approval::paste_decide(s, &mut d, &text);
                s.ui.modal = Some(Modal::Decide(d));
            }
            Some(Modal::Silence(mut d)) => {
                alerts::paste(&mut d, &text);
                s.ui.modal = Some(Modal::Silence(d));
            }
            Some(Modal::PodFilter) => {
                let line = text.lines().next().unwrap_or_default();
                s.ui.pod_filter.insert_str(line);
                s.ui.pod_filter.truncate_chars(POD_FILTER_MAX);
                s.ui.pod = 0;
                s.ui.modal = Some(Modal::PodFilter);
            }
            other => s.ui.modal = other,
        },
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
            clamp_pod(s);
        }
        Msg::Host(h) => alerts::host(s, h, &mut fx),
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
                    let editor = new_note_editor(&s.ctx.keymap).with_text(note).at_end();
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
    if reverify {
        verify::check(s, &mut fx);
    }
    // What the panes show follows what changed (cheap when nothing did).
    crate::view::refresh(s);
    // What the render cache must draw again.
    let touches = if fx.is_empty() && s.ui.focus == focus {
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
    match s.ui.modal.take() {
        Some(modal) => on_modal_key(s, modal, key, fx),
        None => on_pane_key(s, key, fx),
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

fn on_modal_key(s: &mut State, modal: Modal, key: KeyEvent, fx: &mut Vec<Effect>) {
    match modal {
        Modal::Help { scroll } => match s.ctx.keymap.lookup(&[Ctx::Help], &key) {
            Some(Action::Cancel) => {}
            Some(Action::Down) => {
                s.ui.modal = Some(Modal::Help {
                    scroll: scroll_down(s, scroll),
                })
            }
            Some(Action::Up) => {
                s.ui.modal = Some(Modal::Help {
                    scroll: scroll.saturating_sub(1),
                })
            }
            _ => s.ui.modal = Some(Modal::Help { scroll }),
        },
        Modal::Note(mut area) => match s.ctx.keymap.lookup(&[Ctx::Note], &key) {
            Some(Action::Save) => {
                let text = area.text().trim().to_string();
                if text.is_empty() {
                    flash(s, "Empty note: nothing recorded");
                } else {
                    append(s, Event::Note { text }, fx);
                }
            }
            Some(Action::Cancel) => flash(s, "Note discarded"),
            _ => {
                area.input(&key);
                s.ui.modal = Some(Modal::Note(area));
            }
        },
        Modal::Pick { kind, selected } => {
            let len = picker_items(s, kind).len();
            match s.ctx.keymap.lookup(&[Ctx::Picker], &key) {
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
        Modal::Approvals { selected } => approval::queue_key(s, selected, key, fx),
        Modal::Decide(d) => approval::decide_key(s, d, key, fx),
        Modal::Prompt { title, value, kind } => record::prompt_key(s, title, value, kind, key, fx),
        Modal::Comms { template, editor } => record::comms_key(s, template, editor, key, fx),
        Modal::Timers { scroll } => match s.ctx.keymap.lookup(&[Ctx::Help], &key) {
            Some(Action::Cancel) => {}
            Some(Action::Down) => {
                s.ui.modal = Some(Modal::Timers {
                    scroll: scroll_down(s, scroll),
                })
            }
            Some(Action::Up) => {
                s.ui.modal = Some(Modal::Timers {
                    scroll: scroll.saturating_sub(1),
                })
            }
            _ => s.ui.modal = Some(Modal::Timers { scroll }),
        },
        Modal::Contacts { scroll } => contacts::on_key(s, scroll, key),
        Modal::Record { seq, scroll } => match s.ctx.keymap.lookup(&[Ctx::Help], &key) {
            Some(Action::Cancel) => {}
            Some(Action::Down) => {
                s.ui.modal = Some(Modal::Record {
                    seq,
                    scroll: scroll_down(s, scroll),
                })
            }
            Some(Action::Up) => {
                s.ui.modal = Some(Modal::Record {
                    seq,
                    scroll: scroll.saturating_sub(1),
                })
            }
            // Enter closes it too: it is what opened it.
            _ if key.code == crossterm::event::KeyCode::Enter => {}
            _ => s.ui.modal = Some(Modal::Record { seq, scroll }),
        },
        Modal::AlertDetail {
            fingerprint,
            alertname,
            scroll,
        } => alerts::detail_key(s, fingerprint, alertname, scroll, key),
        Modal::Silence(d) => alerts::silence_key(s, d, key, fx),
        Modal::ExpireSilence { id } => alerts::expire_key(s, id, key, fx),
        Modal::PodFilter => match s.ctx.keymap.lookup(&[Ctx::PodFilter], &key) {
            Some(Action::Choose) => {}
            Some(Action::Cancel) => {
                s.ui.pod_filter.clear();
                s.ui.pod = 0;
            }
            _ => {
                s.ui.pod_filter.input(&key);
                s.ui.pod_filter.truncate_chars(POD_FILTER_MAX);
                s.ui.pod = 0;
                s.ui.modal = Some(Modal::PodFilter);
            }
        },
        Modal::ConfirmQuit => match s.ctx.keymap.lookup(&[Ctx::Confirm], &key) {
            Some(Action::Confirm) => fx.push(Effect::Quit),
            Some(Action::Cancel) => {}
            _ => s.ui.modal = Some(Modal::ConfirmQuit),
        },
    }
}

/// One row further down an overlay, no further than its last row as
/// drawn (the frame says where that is: `Placed::scroll_max`).
fn scroll_down(s: &State, scroll: u16) -> u16 {
    let next = scroll.saturating_add(1);
    s.ui.placed.scroll_max.map_or(next, |max| next.min(max))
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

/// Keeps the pod selection on the list after it changed.
fn clamp_pod(s: &mut State) {
    crate::view::refresh(s);
    let n = s.derived.pods.len();
    s.ui.pod = s.ui.pod.min(n.saturating_sub(1));
}

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
    let Some(action) = s.ctx.keymap.lookup(&ctxs, &key) else {
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
        Action::FocusNext => s.ui.focus = s.ui.focus.cycle(true, &s.ui.placed.focus_order()),
        Action::FocusPrev => s.ui.focus = s.ui.focus.cycle(false, &s.ui.placed.focus_order()),
        Action::Layout => {
            // auto → each layout in turn → auto; the facilitator's layout
            // only on the facilitator's seat (a player's has no injects to
            // show in it).
            let n = s.ctx.layouts.len();
            let offered = |i: usize| s.ctx.facilitator || s.ctx.layouts[i].name != "facilitator";
            let mut next = s.ui.layout.map_or(0, |i| i + 1);
            while next < n && !offered(next) {
                next += 1;
            }
            s.ui.layout = (next < n).then_some(next);
            let name =
                s.ui.layout
                    .map_or("auto".to_string(), |i| s.ctx.layouts[i].name.clone());
            // The focus moves to a pane of the new layout when the frame
            // drawn with it comes back (`Msg::Drawn`).
            flash(s, format!("Layout: {name}"));
        }
        Action::Zoom => s.ui.zoom = !s.ui.zoom,
        Action::Acknowledge => record::acknowledge(s, fx),
        Action::Timers => s.ui.modal = Some(Modal::Timers { scroll: 0 }),
        Action::Contacts => s.ui.modal = Some(Modal::Contacts { scroll: 0 }),
        Action::Roles => record::open_picker(s, PickKind::Role),
        Action::Conditions => record::open_picker(s, PickKind::Condition),
        Action::Mark => record::open_picker(s, PickKind::Mark),
        Action::Comms => record::open_picker(s, PickKind::Template),
        Action::Run => run::open(s),
        Action::Approvals => approval::open_queue(s),
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
        Action::Note | Action::Severity | Action::Status if s.ctx.viewer => {
            // Refused before anything is typed or picked, not after.
            flash(
                s,
                "Viewer seat: notes, severity and status are recorded from the other seats (join without --viewer to write)",
            )
        }
        Action::Note => s.ui.modal = Some(Modal::Note(Box::new(new_note_editor(&s.ctx.keymap)))),
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
        Action::DrillPause => drill::toggle_pause(s, fx),
        Action::DrillFaster => drill::change_speed(s, true, fx),
        Action::DrillSlower => drill::change_speed(s, false, fx),
        Action::DrillJump => drill::jump(s, fx),
        Action::DrillInject => drill::open_adhoc(s),
        Action::Up => move_by(s, -1),
        Action::Down => move_by(s, 1),
        Action::PageUp => move_by(s, -(PAGE as isize)),
        Action::PageDown => move_by(s, PAGE as isize),
        Action::Top => move_by(s, isize::MIN / 2),
        Action::Bottom => move_by(s, isize::MAX / 2),
        Action::Detail if s.ui.focus == Pane::Timeline => {
            if let Some(seq) = crate::view::timeline_at_bottom(s) {
                s.ui.modal = Some(Modal::Record { seq, scroll: 0 });
            }
        }
        Action::Detail
        | Action::SilenceAlert
        | Action::SilenceGroup
        | Action::ToggleSilences
        | Action::ExpireSilence => alerts::on_pane_action(s, action),
        Action::AckAlert => ack::open(s, false),
        Action::AckGroup => ack::open(s, true),
        Action::Unack => ack::unack(s, fx),
        Action::HandOver => ack::hand_over(s),
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
        Action::Save
        | Action::Cancel
        | Action::Confirm
        | Action::Choose
        | Action::DryRun
        | Action::Approve
        | Action::Reject
        | Action::Withdraw => {}
    }
}

/// The note editor, titled with its own keys from the keymap.
pub fn new_note_editor(keymap: &crate::keys::Keymap) -> Text {
    Text::multiline(format!(
        " Note to the timeline: {} save · {} cancel ",
        keymap.keys_for(Ctx::Note, Action::Save),
        keymap.keys_for(Ctx::Note, Action::Cancel)
    ))
    .with_placeholder("What happened, what was decided, who is doing what…")
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

fn move_by(s: &mut State, delta: isize) {
    match s.ui.focus {
        Pane::Checklist => {
            let n = s.ctx.procedure().steps().count();
            s.ui.step = clamp_move(s.ui.step, delta, n);
        }
        Pane::Pods => s.ui.pod = clamp_move(s.ui.pod, delta, s.derived.pods.len()),
        Pane::Alerts => alerts::move_by(s, delta),
        Pane::Timeline => {
            // Scrolling up moves away from the newest record.
            let n = s.incident.records.len();
            s.ui.timeline_scroll = clamp_move(s.ui.timeline_scroll, -delta, n.max(1));
        }
        Pane::Output => {
            let n = s.runs.selected().map_or(0, |r| r.output.len());
            s.runs.scroll = clamp_move(s.runs.scroll, -delta, n.max(1));
        }
        Pane::Timers | Pane::Resources => {}
    }
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

mod ack;
pub mod alerts;
mod approval;
mod contacts;
mod drill;
mod record;
mod run;
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
