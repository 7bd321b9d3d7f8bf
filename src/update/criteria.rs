//! Severity criteria: after the figures change (a Prometheus poll, a
//! drill's inject), a criterion newly met for a severity higher than the
//! incident's is suggested once per crossing: a flash on this seat and a
//! `severity_suggested` record (the post-mortem shows it). The IC raises
//! the severity with the usual key; nothing changes it by itself. The
//! header keeps saying it while the criterion holds and the incident is
//! below it.
//!
//! Which crossings were already suggested comes from the record too: a
//! seat that resumes or joins while a figure stands over a criterion the
//! timeline has a `severity_suggested` for does not suggest it again; it
//! does once it has seen the figure go back and cross again.

use super::append;
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::Flash;
use crate::timeline::Event;
use crate::view::criteria;

pub fn judge(s: &mut State, fx: &mut Vec<Effect>) {
    let now_met = criteria::met(&s.ctx.playbook, &s.observed.figures);
    for k in judged(s) {
        if !now_met.contains_key(&k) {
            s.ui.criteria_clear.insert(k);
        }
    }
    let new: Vec<_> = now_met
        .iter()
        .filter(|(k, _)| !s.observed.criteria.contains_key(*k))
        .filter(|(k, c)| {
            s.ui.criteria_clear.contains(*k)
                || !s
                    .incident
                    .suggested
                    .contains(&(c.severity.clone(), recorded(c)))
        })
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
            criterion: recorded(&c),
        },
        fx,
    );
}

/// The criterion as a `severity_suggested` record says it.
fn recorded(c: &crate::state::figures::Crossing) -> String {
    format!("{}: {}", c.text, c.bound)
}

/// The criteria (keyed as `criteria::met` keys them) whose figure is
/// current: judged now, met or not.
fn judged(s: &State) -> Vec<String> {
    let mut out = Vec::new();
    for sev in &s.ctx.playbook.severities {
        for (i, c) in sev.criteria.iter().enumerate() {
            let Some(name) = &c.figure else { continue };
            let current = s
                .observed
                .figures
                .iter()
                .any(|f| f.stale.is_none() && f.name.eq_ignore_ascii_case(name.value.trim()));
            if current && (c.above.is_some() || c.below.is_some()) {
                out.push(format!("{}/{i}", sev.id.value));
            }
        }
    }
    out
}
