//! What the run dialog shows: the guard its command's risk asks for, and
//! the redactor for what it displays.

use crate::command::guard::guard_for;
use crate::command::redact::Redactor;
/// What the dialog's guard and program are, for the run dialog's drawing.
pub use crate::command::{guard::Guard, resolve::Program};
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

/// The redactor for what the checklist shows of a step: the playbook's
/// patterns and the values its secret parameters carry in the playbook
/// (a default, a sample `token` written in the command).
pub fn step_redactor(s: &State, step: &crate::playbook::model::Step) -> Redactor {
    let secrets = step.command.iter().flat_map(|c| {
        c.params
            .values()
            .filter(|p| p.secret)
            .flat_map(|p| p.default.iter().chain(p.token.iter()).cloned())
    });
    s.ctx.redactor.with_secrets(secrets.collect::<Vec<_>>())
}

pub fn guard(s: &State, d: &RunDialog) -> Option<Guard> {
    d.resolved
        .as_ref()
        .ok()
        .map(|r| guard_for(r.risk, &r.target, s.ctx.read_only))
}
