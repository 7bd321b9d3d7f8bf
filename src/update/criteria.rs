//! Severity criteria: after the figures change (a Prometheus poll, a
//! drill's inject), a criterion newly met for a severity higher than the
//! incident's is suggested once per crossing: a flash on this seat and a
//! `severity_suggested` record (the post-mortem shows it). The IC raises
//! the severity with the usual key; nothing changes it by itself. The
//! header keeps saying it while the criterion holds and the incident is
//! below it.

use super::append;
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::Flash;
use crate::timeline::Event;
use crate::view::criteria;

pub fn judge(s: &mut State, fx: &mut Vec<Effect>) {
    let now_met = criteria::met(&s.ctx.playbook, &s.observed.figures);
    let new: Vec<_> = now_met
        .iter()
        .filter(|(k, _)| !s.observed.criteria.contains_key(*k))
        .map(|(_, c)| c)
        .collect();
    let pick = criteria::worst_above(&s.ctx.playbook, &s.incident.severity, new).cloned();
    s.observed.criteria = now_met;
    let Some(c) = pick else { return };
    s.ui.flash = Some(Flash {
        text: format!(
            "{} ({}) · s raises the severity",
            crate::sanitize::clean(&criteria::say(&c)),
            crate::sanitize::clean(&c.text)
        ),
        error: true,
        at: s.now,
    });
    if s.ctx.viewer || !s.ctx.records_observations || !s.incident.is_open() {
        return;
    }
    append(
        s,
        Event::SeveritySuggested {
            severity: c.severity.clone(),
            figure: c.figure.clone(),
            value: (c.value * 10.0).round() / 10.0,
            criterion: format!("{}: {}", c.text, c.bound),
        },
        fx,
    );
}
