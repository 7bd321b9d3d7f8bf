//! The two-person rule's keys and clock: proposing from the run dialog,
//! the approvals queue, approving or rejecting with a reason (a
//! destructive command's target typed back), withdrawing, and recording a
//! lapse once. What may happen is decided by `command::approval`; what
//! happened is only ever what the timeline says.
//!
//! Keys: `Ctx::RunPropose` (`propose_key`, the run dialog's last stage),
//! `Ctx::Approvals` (`queue_key`), `Ctx::Decide` (`decide_key`). Dialogs
//! work in place.

use super::{append, flash};
use crate::command::approval;
use crate::edit::Text;
use crate::keys::{Action, Ctx};
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::{DecideDialog, Modal, RunDialog, RunStage};
use crate::timeline::Event;
use crate::view::approvals::{ForDialog, current, for_dialog, queue};
use crossterm::event::KeyEvent;

/// The longest reason (one line; longer pastes are cut).
const REASON_MAX: usize = 500;

/// What Enter in the run dialog does with a command that needs a second
/// person.
pub enum Gate {
    /// Approved for exactly this command, from this seat: go on to the
    /// risk's confirmation, and run it under this proposal.
    Run(String),
    /// The dialog moved on (to proposing) or said why not.
    Stay,
}

/// Enter on a command that needs a second person.
pub fn gate(s: &mut State, fx: &mut Vec<Effect>) -> Gate {
    if s.ctx.read_only {
        flash(
            s,
            "Refused: a --read-only seat does not propose commands (this one needs a second person)",
        );
        return Gate::Stay;
    }
    let Some(Modal::Run(d)) = &s.ui.modal else {
        return Gate::Stay;
    };
    let (changed, why) = match for_dialog(s, d) {
        ForDialog::NotNeeded => return Gate::Stay,
        ForDialog::Approved(p) => return Gate::Run(p.id.clone()),
        ForDialog::Waiting(p) => {
            let msg = format!(
                "Proposed already: waiting for a second person (lapses {}; A shows the queue)",
                crate::time::local_hms(p.lapses_at, s.ctx.tz)
            );
            flash(s, msg);
            return Gate::Stay;
        }
        ForDialog::Propose => (None, None),
        ForDialog::Changed(p, why) => (Some(p.id.clone()), Some(why)),
    };
    if let (Some(id), Some(why)) = (changed, why) {
        // Any change voids: the approval (or the proposal) was for the
        // exact command; a new one is proposed.
        append(
            s,
            Event::ApprovalVoided {
                proposal: id.clone(),
                reason: why.clone(),
            },
            fx,
        );
        flash(
            s,
            format!("{id} voided ({why}): propose the command as it is now"),
        );
    }
    if let Some(Modal::Run(d)) = &mut s.ui.modal {
        d.stage = RunStage::Propose {
            reason: Text::line("").with_placeholder("why it must run, for the second person"),
            error: None,
        };
    }
    Gate::Stay
}

/// A new proposal's id: the time and the proposer, unique in the record.
fn new_id(s: &State) -> String {
    let user: String = s
        .ctx
        .os_user
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(16)
        .collect();
    let base = format!("P{}-{user}", s.now.format("%H%M%S"));
    let mut id = base.clone();
    let mut n = 1;
    while s.incident.proposal(&id).is_some() {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// The open run dialog's stage, to change in place.
fn stage(s: &mut State) -> Option<&mut RunStage> {
    match &mut s.ui.modal {
        Some(Modal::Run(d)) => Some(&mut d.stage),
        _ => None,
    }
}

/// Keys while the reason for a proposal is typed (`RunStage::Propose`).
pub fn propose_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Modal::Run(d)) = &s.ui.modal else {
        return;
    };
    let RunStage::Propose { reason, .. } = &d.stage else {
        return;
    };
    match s.ctx.keymap.lookup(&[Ctx::RunPropose], &key) {
        Some(Action::Cancel) => {
            if let Some(st) = stage(s) {
                *st = RunStage::Edit;
            }
        }
        Some(Action::Choose) => {
            let text = reason.as_str().trim().to_string();
            if text.is_empty() {
                if let Some(RunStage::Propose { error, .. }) = stage(s) {
                    *error = Some("Say why it must run: the second person decides on it".into());
                }
            } else if let Some(ev) = proposal(s, d, text) {
                if let (Event::ApprovalProposed { proposal, .. }, Some(cur)) = (&ev, current(s, d))
                {
                    s.ui.proposed_raw.insert(proposal.clone(), cur.raw);
                }
                let lapses = crate::time::local_hms(s.now + s.ctx.approval.lapse, s.ctx.tz);
                s.ui.modal = None;
                append(s, ev, fx);
                flash(
                    s,
                    format!(
                        "Proposed: another person approves it from their seat (A), until {lapses}; then Enter here runs it once"
                    ),
                );
            } else {
                if let Some(st) = stage(s) {
                    *st = RunStage::Edit;
                }
                flash(s, "Cannot propose yet: fill in the parameters");
            }
        }
        _ => {
            if let Some(RunStage::Propose { reason, error }) = stage(s) {
                reason.input(&key);
                reason.truncate_chars(REASON_MAX);
                *error = None;
            }
        }
    }
}

/// The proposal record for the dialog's command as it is now.
fn proposal(s: &State, d: &RunDialog, reason: String) -> Option<Event> {
    let r = d.resolved.as_ref().ok()?;
    let cur = current(s, d)?;
    Some(Event::ApprovalProposed {
        proposal: new_id(s),
        step: d.step.clone(),
        title: d.title.clone(),
        command: cur.command,
        argv: cur.argv,
        shell: cur.shell,
        params: cur.params,
        risk: r.risk.name().to_string(),
        target: cur.target,
        reason,
        user: s.ctx.os_user.clone(),
        lapses_at: crate::timeline::record::at_millis(s.now + s.ctx.approval.lapse),
        drill: s.ctx.drill,
    })
}

/// Pasted text goes into the reason (its first line).
pub fn paste_reason(t: &mut Text, text: &str) {
    t.insert_str(text.lines().next().unwrap_or_default());
    t.truncate_chars(REASON_MAX);
}

/// `A`: the queue.
pub fn open_queue(s: &mut State) {
    s.ui.modal = Some(Modal::Approvals { selected: 0 });
}

/// Keys in the queue (`Modal::Approvals`), which keeps its selection in
/// place.
pub fn queue_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(&Modal::Approvals { selected }) = s.ui.modal.as_ref() else {
        return;
    };
    let ids: Vec<String> = queue(s).iter().map(|p| p.id.clone()).collect();
    let selected = selected.min(ids.len().saturating_sub(1));
    let keep = |s: &mut State, to| {
        if let Some(Modal::Approvals { selected }) = &mut s.ui.modal {
            *selected = to;
        }
    };
    match s.ctx.keymap.lookup(&[Ctx::Approvals], &key) {
        Some(Action::Cancel) => s.ui.modal = None,
        Some(Action::Up) => keep(s, selected.saturating_sub(1)),
        Some(Action::Down) => keep(s, (selected + 1).min(ids.len().saturating_sub(1))),
        Some(a @ (Action::Approve | Action::Reject)) => {
            let Some(p) = ids.get(selected).and_then(|id| s.incident.proposal(id)) else {
                keep(s, selected);
                return;
            };
            match approval::may_decide(p, &s.ctx.os_user, s.ctx.viewer, s.now) {
                Err(why) => {
                    flash(s, why);
                    keep(s, selected);
                }
                Ok(()) => {
                    s.ui.modal = Some(Modal::Decide(Box::new(DecideDialog {
                        proposal: p.id.clone(),
                        approve: a == Action::Approve,
                        reason: Text::line("").with_placeholder("why (recorded with your name)"),
                        typed: Text::line(""),
                        focus: 0,
                        error: None,
                        selected,
                    })))
                }
            }
        }
        Some(Action::Withdraw) => {
            keep(s, selected);
            let Some(p) = ids.get(selected).and_then(|id| s.incident.proposal(id)) else {
                return;
            };
            if s.ctx.viewer || p.by != s.ctx.seat || p.user != s.ctx.os_user {
                flash(s, "Only the seat that proposed it withdraws it");
            } else if !p.stage(s.now).open() {
                flash(s, format!("It is {} already", p.stage(s.now).name()));
            } else {
                let id = p.id.clone();
                append(
                    s,
                    Event::ApprovalVoided {
                        proposal: id,
                        reason: "withdrawn by the proposer".into(),
                    },
                    fx,
                );
            }
        }
        _ => keep(s, selected),
    }
}

/// Whether a decision on `p` must have its target typed back.
fn types_target(p: &approval::Proposal, approve: bool) -> bool {
    approve && p.risk == "destructive"
}

/// The open decision, to change in place.
fn decision(s: &mut State) -> Option<&mut DecideDialog> {
    match &mut s.ui.modal {
        Some(Modal::Decide(d)) => Some(d),
        _ => None,
    }
}

/// Keys in the approve / reject dialog (`Modal::Decide`); leaving it goes
/// back to the queue, on the row it was opened from.
pub fn decide_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Modal::Decide(d)) = &s.ui.modal else {
        return;
    };
    let back = Modal::Approvals {
        selected: d.selected,
    };
    let Some(p) = s.incident.proposal(&d.proposal).cloned() else {
        s.ui.modal = Some(back);
        return;
    };
    let typing = types_target(&p, d.approve);
    match s.ctx.keymap.lookup(&[Ctx::Decide], &key) {
        Some(Action::Cancel) => s.ui.modal = Some(back),
        Some(Action::FocusNext | Action::FocusPrev) if typing => {
            if let Some(d) = decision(s) {
                d.focus = 1 - d.focus.min(1);
            }
        }
        Some(Action::Choose) => {
            // The proposal may have moved on while the dialog was open.
            if let Err(why) = approval::may_decide(&p, &s.ctx.os_user, s.ctx.viewer, s.now) {
                flash(s, format!("{why}: nothing recorded"));
                s.ui.modal = Some(back);
                return;
            }
            let reason = d.reason.as_str().trim().to_string();
            let (approve, matches) = (d.approve, d.typed.as_str() == p.target);
            if reason.is_empty() {
                if let Some(d) = decision(s) {
                    d.error = Some("Say why: the reason is recorded with your name".into());
                    d.focus = 0;
                }
            } else if typing && !matches {
                if let Some(d) = decision(s) {
                    d.error = Some("That does not match the target: nothing was approved".into());
                    d.focus = 1;
                }
            } else {
                let user = s.ctx.os_user.clone();
                let ev = if approve {
                    Event::ApprovalGranted {
                        proposal: p.id.clone(),
                        user,
                        reason,
                        confirmation: if typing {
                            format!("typed {}", p.target)
                        } else {
                            "enter".into()
                        },
                    }
                } else {
                    Event::ApprovalRejected {
                        proposal: p.id.clone(),
                        user,
                        reason,
                    }
                };
                append(s, ev, fx);
                flash(
                    s,
                    if approve {
                        format!(
                            "Approved: {} may run it once from its seat",
                            crate::sanitize::clean(&p.by)
                        )
                    } else {
                        "Rejected: it will not run".to_string()
                    },
                );
                s.ui.modal = Some(back);
            }
        }
        _ => {
            if let Some(d) = decision(s) {
                let field = if typing && d.focus == 1 {
                    &mut d.typed
                } else {
                    &mut d.reason
                };
                field.input(&key);
                field.truncate_chars(REASON_MAX);
                d.error = None;
            }
        }
    }
}

/// Pasted text goes into the focused field of the decision.
pub fn paste_decide(s: &mut State, text: &str) {
    let incident = &s.incident;
    let Some(Modal::Decide(d)) = &mut s.ui.modal else {
        return;
    };
    let typing = incident
        .proposal(&d.proposal)
        .is_some_and(|p| types_target(p, d.approve));
    if typing && d.focus == 1 {
        paste_reason(&mut d.typed, text);
    } else {
        paste_reason(&mut d.reason, text);
    }
}

/// On every tick: a proposal (or an approval) past its time is recorded
/// as lapsed, once (the store keeps one end per proposal).
pub fn check_lapses(s: &mut State, fx: &mut Vec<Effect>) {
    if s.ctx.viewer {
        return;
    }
    let now = s.now;
    let due: Vec<String> = s
        .incident
        .approvals
        .iter()
        .filter(|p| p.lapse_due(now) && !s.ui.lapse_requested.contains(&p.id))
        .map(|p| p.id.clone())
        .collect();
    for id in due {
        s.ui.lapse_requested.insert(id.clone());
        append(s, Event::ApprovalLapsed { proposal: id }, fx);
    }
}

/// A record the store did not write because another seat wrote its like
/// first.
pub fn not_written(s: &mut State, ev: &Event) {
    match ev {
        Event::ApprovalGranted { .. } | Event::ApprovalRejected { .. } => {
            flash(s, "Someone decided it first: nothing recorded")
        }
        Event::ApprovalProposed { proposal, .. } => {
            s.ui.proposed_raw.remove(proposal);
            flash(
                s,
                "Another seat proposed under the same id at the same moment: nothing proposed, propose it again",
            )
        }
        Event::CommandStarted {
            approval: Some(_), ..
        } => flash(
            s,
            "Not run: this approval was used, voided or lapsed already",
        ),
        _ => {}
    }
}
