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
            condition: None,
        },
        fx,
    );
}

/// The procedures a condition `starts:` join the checklist when the IC
/// sets it, each recorded after the condition (naming it), unless it is
/// already in the checklist. Only the seat that sets the condition adds
/// them: every other seat, a resume and a replay read the records.
pub fn started_by(s: &mut State, condition: &str, fx: &mut Vec<Effect>) {
    let Some(k) = s
        .ctx
        .playbook
        .conditions
        .iter()
        .find(|k| k.id.value == condition)
        .cloned()
    else {
        return;
    };
    let mut added = Vec::new();
    for st in &k.starts {
        let id = st.value.as_str();
        let Some(p) = s.ctx.playbook.procedure(id) else {
            continue;
        };
        let present = s.ctx.checklist.parts.iter().any(|x| x.id == id)
            || s.incident.added.iter().any(|a| a == id)
            || added.iter().any(|(a, _): &(String, String)| a == id);
        if !present {
            added.push((id.to_string(), p.name.clone()));
        }
    }
    if added.is_empty() {
        return;
    }
    let names: Vec<String> = added.iter().map(|(_, n)| n.clone()).collect();
    for (procedure, name) in added {
        append(
            s,
            Event::ProcedureAdded {
                procedure,
                name,
                condition: Some(condition.to_string()),
            },
            fx,
        );
    }
    flash(
        s,
        format!(
            "{} set: added {} to the checklist",
            k.name,
            names.join(", ")
        ),
    );
}
