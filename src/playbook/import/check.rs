//! Rules every imported playbook keeps.

use crate::playbook::model::Playbook;
use crate::playbook::{placeholders, risk};
use std::collections::HashSet;

/// `{field}`s that are not template fields written as the cockpit shows
/// them, `[field]`, for people to fill in (lint refuses unknown fields).
pub(super) fn bracket_unknown(text: &str) -> String {
    let mut out = text.to_string();
    for f in crate::playbook::lint::template_fields(text) {
        if !crate::playbook::lint::TEMPLATE_FIELDS.contains(&f.as_str()) {
            out = out.replace(&format!("{{{f}}}"), &format!("[{f}]"));
        }
    }
    out
}

/// A time box lint accepts (`within 0 min` is none).
pub(super) fn timebox_ok(s: &str) -> bool {
    crate::playbook::lint::parse_timebox(s).is_ok()
}

pub(super) fn duration_ok(s: &str) -> bool {
    s == "0" || crate::time::parse_duration(s).is_ok()
}

/// Problems with an imported playbook: duplicate ids, empty procedures or
/// phases, undeclared or unused parameters, dangling references, bad times.
pub(super) fn check(pb: &Playbook) -> Vec<String> {
    let mut problems = Vec::new();
    let mut unique = |what: &str, ids: Vec<&str>| {
        let mut seen = HashSet::new();
        for id in ids {
            if !seen.insert(id) {
                problems.push(format!("duplicate {what} id {id:?}"));
            }
        }
    };
    unique(
        "procedure",
        pb.procedures.iter().map(|p| p.id.value.as_str()).collect(),
    );
    unique(
        "template",
        pb.templates.iter().map(|t| t.id.value.as_str()).collect(),
    );
    unique(
        "severity",
        pb.severities.iter().map(|s| s.id.value.as_str()).collect(),
    );
    for p in &pb.procedures {
        unique(
            "phase",
            p.phases.iter().map(|ph| ph.id.value.as_str()).collect(),
        );
        unique("step", p.steps().map(|s| s.id.value.as_str()).collect());
    }
    let templates: HashSet<&str> = pb.templates.iter().map(|t| t.id.value.as_str()).collect();
    for s in &pb.severities {
        let r = &s.response.value;
        if r != "next business day" && !duration_ok(r) {
            problems.push(format!("severity {}: bad response {r:?}", s.id.value));
        }
    }
    for f in &pb.followups {
        if !duration_ok(&f.within.value) {
            problems.push(format!("follow-up: bad within {:?}", f.within.value));
        }
    }
    for p in &pb.procedures {
        let pid = &p.id.value;
        if p.phases.is_empty() {
            problems.push(format!("procedure {pid} has no phase"));
        }
        if let Some(s) = &p.severity
            && pb.severity(&s.value).is_none()
        {
            problems.push(format!("procedure {pid}: unknown severity {}", s.value));
        }
        for t in &p.templates {
            if !templates.contains(t.value.as_str()) {
                problems.push(format!("procedure {pid}: unknown template {}", t.value));
            }
        }
        for ph in &p.phases {
            if ph.steps.is_empty() {
                problems.push(format!("phase {pid}/{} has no step", ph.id.value));
            }
            if let Some(tb) = &ph.timebox
                && !timebox_ok(&tb.value)
            {
                problems.push(format!(
                    "phase {pid}/{}: bad timebox {:?}",
                    ph.id.value, tb.value
                ));
            }
            for s in &ph.steps {
                let Some(c) = &s.command else { continue };
                let run = &c.run.value;
                for f in placeholders::find(run) {
                    if !c.params.contains_key(&f.name) {
                        problems.push(format!(
                            "step {pid}/{}: placeholder {} is not declared",
                            s.id.value, f.text
                        ));
                    }
                }
                for (name, param) in &c.params {
                    if placeholders::texts_for(run, name, param).is_empty() {
                        problems.push(format!(
                            "step {pid}/{}: parameter {name} is not used",
                            s.id.value
                        ));
                    }
                }
                if c.risk.as_ref().is_none_or(|r| r.value < risk::infer(run)) {
                    problems.push(format!("step {pid}/{}: risk below inferred", s.id.value));
                }
            }
        }
    }
    problems
}
