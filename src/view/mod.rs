//! Derived data: what the panes show, computed from the state. `ui` reads
//! it and never computes it; `update` uses the same functions when a key
//! acts on what is shown, so the screen and the keys cannot disagree.
//!
//! May import `state` and the pure formats below it; never `update`,
//! `ui`, `runner`, `sources` or the loop.

pub mod acks;
pub mod alerts;
pub mod approvals;
pub mod contacts;
pub mod criteria;
mod horizon;
pub mod pickers;
pub mod pods;
pub mod run;
pub mod timeboxes;
pub mod verify;

pub use horizon::Horizon;

pub use crate::alerts::silence::all_labels as alert_labels;
pub use alerts::{EXPIRY_WARNING, check as silence_check, expiring_soon, health_line};
pub use pickers::{label as picker_label, picker_items, unacknowledged};
pub use pods::{pods_shown, refresh as refresh_pods, restarts_cell};

/// Brings every derived view up to date with the state: called by
/// `update` after each message (and by whoever builds a state), cheap when
/// nothing it depends on changed.
pub fn refresh(s: &mut crate::state::State) {
    checklist(s);
    pods::refresh(s);
    if s.derived.alerts_from != Some(s.observed.alerts_rev) {
        use crate::alerts::group;
        let groups = group::groups(&s.observed.alerts);
        s.derived.alert_rows = group::rows(&groups);
        s.derived.alert_tags = groups
            .iter()
            .map(|g| match g.len {
                0 | 1 => Vec::new(),
                _ => group::distinguishing(&s.observed.alerts[g.range()]),
            })
            .collect();
        s.derived.alert_groups = groups;
        s.derived.alerts_from = Some(s.observed.alerts_rev);
    }
    contacts::refresh(s);
    timers(s);
}

/// The clocks, brought up to date: they change with the record only
/// (their due times are fixed; whether one is due is a comparison with
/// the time at draw).
pub fn timers(s: &mut crate::state::State) {
    let records = s.incident.records.len();
    if s.derived.timers_from != Some(records) {
        s.derived.timers = crate::clocks::timers(&s.ctx.playbook, s.ctx.procedure(), &s.incident);
        s.derived.timers_from = Some(records);
    }
}
/// Joins a procedure added mid-incident (or a changed declared one) into
/// the checklist: the cursor stays on its step, and the steps' `verify:`
/// conditions keep where they stood.
fn checklist(s: &mut crate::state::State) {
    if s.ctx
        .checklist
        .is_for(&s.ctx.playbook, &s.ctx.procedure, &s.incident.added)
    {
        return;
    }
    let at = s
        .ctx
        .procedure()
        .steps()
        .nth(s.ui.step)
        .map(|st| st.id.value.clone());
    s.ctx.checklist = std::sync::Arc::new(crate::playbook::checklist::of(
        &s.ctx.playbook,
        &s.ctx.procedure,
        &s.incident.added,
    ));
    if let Some(at) = at
        && let Some(i) = s.ctx.procedure().steps().position(|st| st.id.value == at)
    {
        s.ui.step = i;
    }
    if s.verify.compiled {
        let old = std::mem::take(&mut s.verify);
        verify::ensure(s);
        for st in &mut s.verify.steps {
            if let Some(o) = old.steps.iter().find(|o| o.step == st.step) {
                st.conds = o.conds.clone();
            }
        }
    }
    // The clocks follow the checklist (its phases' time boxes).
    s.derived.timers_from = None;
}
pub use run::{guard as run_dialog_guard, redactor as run_dialog_redactor, step_redactor};

/// The procedures joined in the checklist shown (none when one alone).
pub fn joined_parts(s: &crate::state::State) -> &[crate::playbook::checklist::Part] {
    let c = &s.ctx.checklist;
    if c.is_for(&s.ctx.playbook, &s.ctx.procedure, &s.incident.added) && c.parts.len() > 1 {
        &c.parts
    } else {
        &[]
    }
}

/// Whether this seat's timeline shows a record: a drill's players see what
/// an inject did (a pod crashing, a message), not the inject itself; the
/// facilitator sees both.
pub fn timeline_shows(s: &crate::state::State, r: &crate::timeline::Record) -> bool {
    s.ctx.facilitator || !matches!(r.event, crate::timeline::Event::InjectFired { .. })
}

/// The record at the bottom of the timeline pane (the newest one not
/// scrolled past): the one Enter shows in full.
pub fn timeline_at_bottom(s: &crate::state::State) -> Option<u64> {
    s.incident
        .records
        .iter()
        .rev()
        .filter(|r| timeline_shows(s, r))
        .nth(s.ui.timeline_scroll)
        .or_else(|| s.incident.records.iter().find(|r| timeline_shows(s, r)))
        .map(|r| r.seq)
}
