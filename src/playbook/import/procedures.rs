//! Procedures and phases.

use super::importer::{Draft, Info, words};
use crate::playbook::model::{Procedure, Watch};
use crate::playbook::placeholders;

#[derive(Debug)]
pub(super) struct ProcDraft {
    pub(super) name: String,
    pub(super) severity: Option<String>,
    pub(super) detection: Vec<String>,
    pub(super) phases: Vec<PhaseDraft>,
    pub(super) templates: Vec<String>,
}

#[derive(Debug)]
pub(super) struct PhaseDraft {
    pub(super) name: String,
    pub(super) timebox: Option<String>,
    pub(super) steps: Vec<Draft>,
}

fn has_steps(i: &Info) -> bool {
    !i.steps.is_empty()
}

/// A procedure: its own numbered steps, or children that are phases.
fn is_proc(i: &Info) -> bool {
    i.collapsed || i.children.iter().any(|c| has_steps(c) && !c.collapsed)
}

fn phase_word(i: &Info) -> bool {
    words(&i.head.name)
        .iter()
        .any(|w| matches!(w.as_str(), "phase" | "phases" | "stage" | "stages"))
}

fn phase_of(i: &Info, name: Option<&str>) -> PhaseDraft {
    PhaseDraft {
        name: name.unwrap_or(&i.head.name).to_string(),
        timebox: i.head.timebox.clone(),
        steps: i.steps.clone(),
    }
}

pub(super) fn walk(info: &Info, root: bool, title: &str, out: &mut Vec<ProcDraft>) {
    if is_proc(info) || (root && has_steps(info)) {
        let at = out.len();
        let mut p = ProcDraft {
            name: if root {
                title.to_string()
            } else {
                info.head.name.clone()
            },
            severity: info.head.severity.clone().or(info.severity_key.clone()),
            detection: info.detection.clone(),
            phases: Vec::new(),
            templates: info.templates.clone(),
        };
        if has_steps(info) {
            p.phases.push(phase_of(info, Some("Steps")));
        }
        for c in &info.children {
            absorb(c, &mut p, out);
        }
        out.insert(at, p);
    } else {
        for c in &info.children {
            walk(c, false, title, out);
        }
    }
}

/// A section under procedure `p`: its phases join `p`, unless it is a
/// procedure of its own.
fn absorb(c: &Info, p: &mut ProcDraft, out: &mut Vec<ProcDraft>) {
    if c.collapsed || (is_proc(c) && !has_steps(c) && !phase_word(c)) {
        walk(c, false, "", out);
        return;
    }
    p.detection.extend(c.detection.iter().cloned());
    p.templates.extend(c.templates.iter().cloned());
    if has_steps(c) {
        p.phases.push(phase_of(c, None));
    }
    for g in &c.children {
        absorb(g, p, out);
    }
}

/// The namespace and selector most kubectl commands use.
pub(super) fn infer_watch(procs: &[Procedure]) -> Watch {
    let mut ns: Vec<(String, usize)> = Vec::new();
    let mut sel: Vec<(String, usize)> = Vec::new();
    fn bump(v: &mut Vec<(String, usize)>, k: &str) {
        match v.iter_mut().find(|(x, _)| x == k) {
            Some((_, n)) => *n += 1,
            None => v.push((k.to_string(), 1)),
        }
    }
    for step in procs.iter().flat_map(|p| p.steps()) {
        let Some(c) = &step.command else { continue };
        let run = &c.run.value;
        if !run.contains("kubectl") {
            continue;
        }
        let w: Vec<&str> = run.split_whitespace().collect();
        for (i, x) in w.iter().enumerate() {
            let value = |flag: &str| -> Option<&str> {
                if *x == flag {
                    w.get(i + 1).copied()
                } else {
                    x.strip_prefix(&format!("{flag}="))
                }
            };
            // A Kubernetes name or selector: never a control character.
            let ok = |v: &str| {
                !v.is_empty()
                    && placeholders::find(v).is_empty()
                    && !v.contains('$')
                    && v.chars().all(|c| {
                        c.is_ascii_alphanumeric()
                            || matches!(c, '-' | '.' | '_' | '=' | ',' | '!' | '/')
                    })
                    && v.len() <= 253
            };
            if let Some(v) = value("-n").or_else(|| value("--namespace"))
                && ok(v)
            {
                bump(&mut ns, v);
            }
            if let Some(v) = value("-l").or_else(|| value("--selector"))
                && ok(v)
            {
                bump(&mut sel, v);
            }
        }
    }
    let best = |v: Vec<(String, usize)>| {
        let max = v.iter().map(|(_, n)| *n).max()?;
        v.into_iter().find(|(_, n)| *n == max).map(|(k, _)| k)
    };
    Watch {
        namespace: best(ns),
        selector: best(sel),
        ..Default::default()
    }
}
