//! What the run dialog shows: the guard its command's risk asks for, and
//! the redactor for what it displays.

use crate::command::guard::{Guard, guard_for};
use crate::command::redact::Redactor;
use crate::state::State;
use crate::state::ui::RunDialog;

/// The redactor for a run: its secret values and the playbook's patterns.
pub fn redactor(s: &State, d: &RunDialog) -> Redactor {
    s.ctx.redactor.with_secrets(
        d.params
            .iter()
            .filter(|p| p.secret)
            .map(|p| p.value.as_str().to_string()),
    )
}

pub fn guard(s: &State, d: &RunDialog) -> Option<Guard> {
    d.resolved
        .as_ref()
        .ok()
        .map(|r| guard_for(r.risk, &r.target, s.ctx.read_only))
}
