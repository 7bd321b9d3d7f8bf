//! Adding a procedure to the incident's checklist mid-incident (`P`): the
//! record says which, so every seat, a resume, a join and the export
//! rebuild the same checklist (`playbook::checklist`).

use super::{append, flash};
use crate::msg::Effect;
use crate::state::State;
use crate::timeline::Event;

pub fn add(s: &mut State, id: &str, fx: &mut Vec<Effect>) {
    let Some(p) = s.ctx.playbook.procedure(id) else {
        flash(s, format!("The playbook has no procedure {id}"));
        return;
    };
    if s.ctx.checklist.parts.iter().any(|x| x.id == id) || s.incident.added.iter().any(|a| a == id)
    {
        flash(s, format!("{} is already in the checklist", p.name));
        return;
    }
    let name = p.name.clone();
    append(
        s,
        Event::ProcedureAdded {
            procedure: id.to_string(),
            name,
        },
        fx,
    );
}
