//! What the pickers offer and how they label it, and the clocks due and
//! not yet acknowledged.

use crate::state::State;
use crate::state::ui::PickKind;
use crate::timeline::{Mark, Status};

/// The choices a picker offers: severity ids, or statuses.
pub fn picker_items(s: &State, kind: PickKind) -> Vec<String> {
    match kind {
        PickKind::Severity => s
            .ctx
            .playbook
            .severities
            .iter()
            .map(|sev| sev.id.value.clone())
            .collect(),
        PickKind::Status => Status::ALL.iter().map(|st| st.name().to_string()).collect(),
        other => items(s, other),
    }
}

/// The ids a picker offers for the record-keeping kinds.
pub fn items(s: &State, kind: PickKind) -> Vec<String> {
    let pb = &s.ctx.playbook;
    match kind {
        PickKind::Role => pb.roles.iter().map(|r| r.id.value.clone()).collect(),
        PickKind::Condition => pb.conditions.iter().map(|c| c.id.value.clone()).collect(),
        PickKind::Mark => Mark::ALL.iter().map(|m| m.id().to_string()).collect(),
        PickKind::Template => pb.templates.iter().map(|t| t.id.value.clone()).collect(),
        PickKind::Procedure => s
            .ctx
            .checklist
            .addable(pb)
            .into_iter()
            .map(|p| p.id.value.clone())
            .collect(),
        PickKind::Severity | PickKind::Status => Vec::new(),
    }
}

/// How a picker shows an id.
pub fn label(s: &State, kind: PickKind, id: &str) -> String {
    let pb = &s.ctx.playbook;
    let inc = &s.incident;
    let at = |t: chrono::DateTime<chrono::Utc>| crate::time::local_hms(t, s.ctx.tz);
    match kind {
        PickKind::Role => {
            let name = pb
                .roles
                .iter()
                .find(|r| r.id.value == id)
                .map_or(id, |r| r.name.as_str());
            match inc.roles.get(id) {
                Some(p) => format!("{name}: {p}"),
                None => format!("{name}: (unassigned)"),
            }
        }
        PickKind::Condition => {
            let name = pb
                .conditions
                .iter()
                .find(|c| c.id.value == id)
                .map_or(id, |c| c.name.as_str());
            match inc.conditions.get(id) {
                Some(t) => format!("{name} (set {})", at(*t)),
                None => name.to_string(),
            }
        }
        PickKind::Mark => {
            let name = Mark::label_of(id);
            match inc.marks.get(id) {
                Some(t) => format!("{name} (marked {})", at(*t)),
                None => name,
            }
        }
        PickKind::Template => {
            let t = pb.templates.iter().find(|t| t.id.value == id);
            let name = t.map_or(id, |t| t.name.as_str());
            match inc.comms.get(id) {
                Some(t) => format!("{name} (last sent {})", at(*t)),
                None => name.to_string(),
            }
        }
        PickKind::Procedure => {
            let Some(p) = pb.procedure(id) else {
                return id.to_string();
            };
            let steps = p.steps().count();
            let timebox = p
                .phases
                .iter()
                .find_map(|ph| ph.timebox.as_ref())
                .map(|t| format!(", {}", t.value))
                .unwrap_or_default();
            format!("{} ({steps} steps{timebox})", p.name)
        }
        PickKind::Severity | PickKind::Status => id.to_string(),
    }
}

/// Due and not acknowledged, oldest first.
pub fn unacknowledged(s: &State) -> Vec<(String, String)> {
    let mut v: Vec<(chrono::DateTime<chrono::Utc>, String, String)> = s
        .incident
        .due
        .iter()
        .filter(|(id, _)| !s.incident.acknowledged.contains_key(*id))
        .map(|(id, at)| {
            let label = s
                .incident
                .due_labels
                .get(id)
                .cloned()
                .unwrap_or_else(|| id.clone());
            (*at, id.clone(), label)
        })
        .collect();
    // Oldest first; at the same moment, whom to page, then the response
    // clock before escalations, deadlines, time boxes and comms.
    let rank = |id: &str| {
        [
            "page-",
            "response",
            "escalation",
            "deadline",
            "phase",
            "cadence",
        ]
        .iter()
        .position(|p| id.starts_with(p))
        .unwrap_or(9)
    };
    v.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(rank(&a.1).cmp(&rank(&b.1)))
            .then(a.1.cmp(&b.1))
    });
    v.into_iter().map(|(_, id, l)| (id, l)).collect()
}
