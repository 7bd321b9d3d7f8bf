//! Who to call, derived when the playbook, the checklist or the record
//! changes: the contacts overlay's directory (`playbook::contacts`) and
//! each step's owner, so `ui` only reads them.

use crate::playbook::contacts as c;
use crate::state::{Owner, State};
use std::sync::Arc;

/// Brings `derived.contacts` and `derived.owners` up to date (cheap when
/// nothing they come from changed).
pub fn refresh(s: &mut State) {
    let from = (
        Arc::as_ptr(&s.ctx.playbook) as usize,
        Arc::as_ptr(&s.ctx.checklist) as usize,
        s.incident.records.len(),
    );
    if s.derived.contacts_from == Some(from) {
        return;
    }
    let pb = &s.ctx.playbook;
    let held = &s.incident.roles;
    s.derived.contacts = c::directory(pb, held);
    s.derived.owners = s
        .ctx
        .procedure()
        .steps()
        .filter_map(|step| {
            let role = &step.role.as_ref()?.value;
            Some((
                step.id.value.clone(),
                Owner {
                    role: role.clone(),
                    line: owner_line(pb, role, held),
                },
            ))
        })
        .collect();
    s.derived.contacts_from = Some(from);
}

/// `owner: Security Lead (alice) [primary …] · how to reach them`.
fn owner_line(
    pb: &crate::playbook::Playbook,
    role: &str,
    held: &std::collections::BTreeMap<String, String>,
) -> String {
    let mut text = format!("owner: {}", c::owner(pb, role, held));
    if let Some(r) = c::role(pb, role) {
        let holders = c::holders(r);
        if !holders.is_empty() {
            text.push_str(&format!(" [{holders}]"));
        }
        if let Some(how) = r.contacts.iter().map(c::how).find(|h| !h.is_empty()) {
            text.push_str(&format!(" · {how}"));
        }
    }
    text
}

/// A step's owner, if it names a role.
pub fn owner<'a>(s: &'a State, step_id: &str) -> Option<&'a Owner> {
    s.derived.owners.get(step_id)
}
