//! Phase time boxes as the checklist shows them: a phase whose time box ran
//! out with steps still open is overdue. Read from the incident's clocks
//! (`Derived::timers`, a phase's clock listed while it is open and the
//! incident is), so in a drill a time box follows the drill clock like
//! every other clock.

use crate::state::State;
use crate::state::timers::Kind;

/// When a time box next runs out (`Horizon`), on the incident's clock.
pub fn horizon(s: &State, hz: &mut crate::view::Horizon) {
    for t in s.derived.timers.iter().filter(|t| t.kind == Kind::Phase) {
        hz.on_clock(&s.incident, t.due);
    }
}

/// Whether the phase's time box ran out with steps still open.
pub fn overdue(s: &State, phase: &crate::playbook::model::Phase) -> bool {
    let id = format!("phase-{}", phase.id.value);
    let now = s.incident.on_clock(s.now);
    s.derived
        .timers
        .iter()
        .any(|t| t.kind == Kind::Phase && t.id == id && t.due <= now)
}
