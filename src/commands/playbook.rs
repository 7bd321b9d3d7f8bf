//! `incident-cockpit playbook lint|schema|show`.

use crate::playbook::{LoadError, Playbook};
use crate::sanitize::{clean, clean_text};
use crate::time::parse_duration;
use anyhow::Result;
use std::fmt::Write as _;
use std::process::ExitCode;

/// A path on disk, or the name of a bundled playbook (`dicps`,
/// `dicps.yaml`).
pub fn load_named(arg: &str) -> Result<Playbook, LoadError> {
    crate::session::load_named(arg).map(|(pb, _)| pb)
}

/// Lints every file; exit 1 if any has a problem.
pub fn lint(files: &[String]) -> ExitCode {
    let mut bad = 0;
    for f in files {
        match load_named(f) {
            Ok(pb) => {
                let steps: usize = pb.procedures.iter().map(|p| p.steps().count()).sum();
                println!(
                    "{}: ok ({} procedures, {steps} steps)",
                    clean(f),
                    pb.procedures.len()
                );
            }
            Err(e) => {
                bad += 1;
                for p in &e.problems {
                    println!("{}", clean_text(p));
                }
            }
        }
    }
    if bad > 0 {
        eprintln!("{bad} of {} files have problems", files.len());
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn schema(policy: bool) -> Result<ExitCode> {
    let s = if policy {
        schemars::schema_for!(crate::playbook::model::Policy)
    } else {
        crate::playbook::schema()
    };
    println!("{}", serde_json::to_string_pretty(&s)?);
    Ok(ExitCode::SUCCESS)
}

pub fn show(file: &str) -> Result<ExitCode> {
    match load_named(file) {
        Ok(pb) => {
            // The playbook's own text, shown inert.
            print!("{}", clean_text(&outline(&pb)));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}", clean_text(&e.to_string()));
            Ok(ExitCode::from(1))
        }
    }
}

/// A readable outline of a playbook, for review or printing.
pub fn outline(pb: &Playbook) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} ({})", pb.title, pb.name.value);
    if let Some(v) = &pb.version {
        let _ = writeln!(
            o,
            "version {v}{}",
            pb.owner
                .as_ref()
                .map(|w| format!(", owner {w}"))
                .unwrap_or_default()
        );
    }
    let w = &pb.watch;
    let mut watch = Vec::new();
    if let Some(c) = &w.context {
        watch.push(format!("context {c}"));
    }
    if let Some(n) = &w.namespace {
        watch.push(format!("namespace {n}"));
    }
    if let Some(s) = &w.selector {
        watch.push(format!("selector {s}"));
    }
    if !w.alerts.is_empty() {
        watch.push(format!("alerts {}", w.alerts.join(", ")));
    }
    if let Some(a) = &w.alertmanager {
        watch.push(format!(
            "alertmanager {}",
            crate::sources::alertmanager::display_url(a)
        ));
    }
    for t in &w.thresholds {
        watch.push(format!(
            "{} > {}{}{}",
            t.metric,
            t.above,
            t.unit.as_deref().unwrap_or(""),
            t.for_
                .as_ref()
                .map(|f| format!(" for {}", f.value))
                .unwrap_or_default()
        ));
    }
    if !watch.is_empty() {
        let _ = writeln!(o, "\nWatch: {}", watch.join("; "));
    }
    if !pb.severities.is_empty() {
        let _ = writeln!(o, "\nSeverities");
        for s in &pb.severities {
            let page = if s.page.is_empty() {
                String::new()
            } else {
                format!("; page {}", s.page.join(", "))
            };
            let _ = writeln!(
                o,
                "  {} {}: respond within {}{page}",
                s.id.value, s.name, s.response.value
            );
        }
    }
    if !pb.roles.is_empty() {
        let _ = writeln!(o, "\nRoles");
        for r in &pb.roles {
            let who = [r.primary.as_deref(), r.backup.as_deref()]
                .iter()
                .flatten()
                .copied()
                .collect::<Vec<_>>()
                .join(" / backup ");
            let _ = writeln!(
                o,
                "  {} ({}){}",
                r.name,
                r.id.value,
                if who.is_empty() {
                    String::new()
                } else {
                    format!(": {who}")
                }
            );
            for c in &r.contacts {
                let _ = writeln!(o, "    {}: {}", c.name, crate::playbook::contacts::how(c));
            }
        }
    }
    if !pb.contacts.is_empty() {
        let _ = writeln!(o, "\nContacts");
        for c in &pb.contacts {
            let group = c
                .group
                .as_ref()
                .map(|g| format!("{g}: "))
                .unwrap_or_default();
            let how = crate::playbook::contacts::how(c);
            let how = if how.is_empty() {
                "(no way to reach given)".to_string()
            } else {
                how
            };
            let _ = writeln!(o, "  {group}{}: {how}", c.name);
        }
    }
    if !pb.escalation.is_empty() {
        let _ = writeln!(o, "\nEscalation");
        for e in &pb.escalation {
            let mut when = Vec::new();
            if let Some(s) = &e.severity {
                when.push(s.value.clone());
            }
            if let Some(a) = &e.after {
                when.push(format!("unresolved after {}", a.value));
            }
            if let Some(c) = &e.when {
                when.push(format!("when {}", c.value));
            }
            let level = e
                .level
                .as_ref()
                .map(|l| format!(" [{l}]"))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {}{level}: notify {}",
                when.join(", "),
                e.notify.join(", ")
            );
        }
    }
    if !pb.deadlines.is_empty() {
        let _ = writeln!(o, "\nDeadlines");
        for d in &pb.deadlines {
            let when = d
                .when
                .as_ref()
                .map(|w| format!(" once {}", w.value))
                .unwrap_or_default();
            let within = d
                .within
                .as_ref()
                .map_or("no time limit given".to_string(), |w| {
                    format!("within {}", w.value)
                });
            let at = if d.severities.is_empty() {
                String::new()
            } else {
                let s: Vec<&str> = d.severities.iter().map(|s| s.value.as_str()).collect();
                format!(" (at {})", s.join(", "))
            };
            let _ = writeln!(o, "  {}: {within}{when}{at}", d.name);
        }
    }
    for p in &pb.procedures {
        let sev = p
            .severity
            .as_ref()
            .map(|s| format!(" [{}]", s.value))
            .unwrap_or_default();
        let _ = writeln!(o, "\nProcedure {}: {}{sev}", p.id.value, p.name);
        if !p.with.is_empty() {
            let with: Vec<&str> = p.with.iter().map(|w| w.value.as_str()).collect();
            let _ = writeln!(o, "  with: {} (one checklist)", with.join(", "));
        }
        // The detection signs are checked like steps, in a Detection phase.
        for ph in &crate::playbook::checklist::phases_with_detection(p) {
            let tb = ph
                .timebox
                .as_ref()
                .map(|t| format!(" ({})", t.value))
                .unwrap_or_default();
            let _ = writeln!(o, "  {}{tb}", ph.name);
            for st in &ph.steps {
                let owner = st
                    .role
                    .as_ref()
                    .map(|r| {
                        let name = crate::playbook::contacts::role(pb, &r.value)
                            .map_or(r.value.as_str(), |x| x.name.as_str());
                        format!("  owner: {name}")
                    })
                    .unwrap_or_default();
                let _ = writeln!(o, "    [ ] {}  ({}){owner}", st.title, st.id.value);
                if let Some(c) = &st.command {
                    let risk = c
                        .risk
                        .as_ref()
                        .map(|r| r.value)
                        .unwrap_or_else(|| crate::playbook::risk::infer(&c.run.value));
                    let shell = if c.shell { ", via sh -c" } else { "" };
                    for (i, line) in c.run.value.lines().enumerate() {
                        let lead = if i == 0 { "$" } else { " " };
                        let _ = writeln!(o, "        {lead} {line}");
                    }
                    let timeout = c
                        .timeout
                        .as_ref()
                        .map(|t| format!(", timeout {}", t.value))
                        .unwrap_or_default();
                    // The effective risk decides the two-person rule.
                    let effective = crate::playbook::risk::analyse(&c.run.value)
                        .effective(c.risk.as_ref().map(|r| r.value));
                    let two = if crate::command::approval::Policy::of(pb)
                        .needs_two(st.approval.as_ref().map(|a| a.value), effective)
                    {
                        ", needs a second person (two-person rule)"
                    } else {
                        ""
                    };
                    let _ = writeln!(o, "          risk: {}{shell}{timeout}{two}", risk.name());
                    for (name, prm) in &c.params {
                        let mut bits = Vec::new();
                        if let Some(d) = &prm.description {
                            bits.push(d.clone());
                        }
                        if let Some(d) = &prm.default {
                            bits.push(format!("default {d}"));
                        }
                        if prm.secret {
                            bits.push("secret".into());
                        }
                        let _ = writeln!(o, "          param {name}: {}", bits.join("; "));
                    }
                }
                if let Some(d) = &st.detail {
                    let _ = writeln!(o, "        {d}");
                }
                if let Some(e) = &st.expect {
                    let _ = writeln!(o, "        expect: {e}");
                }
            }
        }
    }
    if !pb.templates.is_empty() {
        let _ = writeln!(o, "\nTemplates");
        for t in &pb.templates {
            let cad = t
                .cadence
                .as_ref()
                .and_then(|c| parse_duration(&c.value).ok())
                .map(|d| format!(", every {}", crate::time::human(d)))
                .unwrap_or_default();
            let _ = writeln!(o, "  {} ({}){cad}", t.name, t.id.value);
        }
    }
    if !pb.followups.is_empty() {
        let _ = writeln!(o, "\nFollow-ups");
        for f in &pb.followups {
            let _ = writeln!(o, "  within {}", f.within.value);
            for i in &f.items {
                let _ = writeln!(o, "    [ ] {i}");
            }
        }
    }
    if let Some(pm) = &pb.postmortem {
        let within = pm
            .within
            .as_ref()
            .map(|w| format!(" (within {})", w.value))
            .unwrap_or_default();
        let headings: Vec<&str> = pm.sections.iter().map(|s| s.heading()).collect();
        let _ = writeln!(o, "\nPost-mortem{within}: {}", headings.join(", "));
    }
    o
}
