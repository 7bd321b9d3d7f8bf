//! The post-mortem in the playbook's own template (`template::shape`: seed
//! 002's for dicps, seed 000's post-incident headings for zkp-ledger, a
//! plain default otherwise), filled with what the record knows; what only
//! people know keeps the template's placeholder lines. Everything taken
//! from records is made inert: terminal control characters become visible
//! (`sanitize::clean`), markdown punctuation is escaped, pipes cannot split
//! a table cell and a newline cannot end one.

use super::{CommandRun, Facts, Moment, Ts};
use crate::playbook::model::Fill;
use crate::sanitize::{clean, clean_lines};
use chrono::TimeDelta;
use std::fmt::Write;

/// One line of text from a record, safe inline: controls visible,
/// markdown punctuation escaped (`|` included, so it is safe in a cell).
pub fn text(s: &str) -> String {
    let s = clean(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Like `text`, for a line that starts a block (a continuation line of a
/// note): what would open a heading, quote, list, rule or setext heading
/// is escaped too.
fn line_start(s: &str) -> String {
    let t = text(s.trim_start());
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    match t.chars().next() {
        Some('-' | '+' | '=') => format!("\\{t}"),
        Some(_) if digits > 0 && matches!(t[digits..].chars().next(), Some('.' | ')')) => {
            format!("{}\\{}", &t[..digits], &t[digits..])
        }
        _ => t,
    }
}

/// A code span for a table cell: controls visible, a fence longer than any
/// backtick run inside, and pipes escaped (GFM unescapes them in cells).
pub fn code_cell(s: &str) -> String {
    let s = clean(s);
    let longest = s
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace('|', "\\|"))
}

/// A fenced block of verbatim text (a message as sent), indented for a
/// list item.
fn fenced(out: &mut String, indent: &str, s: &str) {
    let lines: Vec<String> = clean_lines(s).map(|l| l.into_owned()).collect();
    let longest = lines
        .iter()
        .flat_map(|l| l.split(|c| c != '`').map(str::len))
        .max()
        .unwrap_or_default();
    let fence = "`".repeat((longest + 1).max(3));
    let _ = writeln!(out, "{indent}{fence}text");
    for l in &lines {
        let _ = writeln!(out, "{indent}{l}");
    }
    let _ = writeln!(out, "{indent}{fence}");
}

/// `HH:MM:SS` with days folded into hours.
fn hms(secs: i64) -> String {
    crate::time::hms(TimeDelta::seconds(secs))
}

/// `HH:MM` with days folded into hours (the template's Duration).
fn hm(secs: i64) -> String {
    let s = secs.max(0);
    format!("{:02}:{:02}", s / 3600, (s / 60) % 60)
}

struct Clock<'a> {
    f: &'a Facts,
}

impl Clock<'_> {
    fn day(&self, t: Ts) -> String {
        t.0.with_timezone(&self.f.tz).format("%Y-%m-%d").to_string()
    }

    fn same_day(&self, t: Ts) -> bool {
        self.day(t) == self.day(self.f.incident.declared_at)
    }

    /// `HH:MM`, with the date when it is not the declaration's day.
    fn hm(&self, t: Ts) -> String {
        let local = t.0.with_timezone(&self.f.tz);
        if self.same_day(t) {
            local.format("%H:%M").to_string()
        } else {
            local.format("%Y-%m-%d %H:%M").to_string()
        }
    }

    /// `HH:MM:SS`, with the date when it is not the declaration's day.
    fn hms(&self, t: Ts) -> String {
        let local = t.0.with_timezone(&self.f.tz);
        if self.same_day(t) {
            local.format("%H:%M:%S").to_string()
        } else {
            local.format("%Y-%m-%d %H:%M:%S").to_string()
        }
    }
}

fn severity(f: &Facts, id: &str) -> String {
    match f.incident.severity.names.get(id) {
        Some(name) => format!("{} {}", text(id), text(name)),
        None => text(id),
    }
}

/// The whole document: the header, then the sections of the playbook's
/// post-mortem template in its order (`template::shape`), each with its
/// placeholder lines and what the record fills it with.
pub fn render(f: &Facts) -> String {
    let c = Clock { f };
    let i = &f.incident;
    let mut out = String::new();
    let o = &mut out;

    // Header.
    let drill = if i.drill { "[DRILL] " } else { "" };
    let _ = writeln!(o, "# {}: {drill}{}\n", text(&f.shape.title), text(&i.title));
    let _ = writeln!(o, "- Date: {}", c.day(i.declared_at));
    let _ = writeln!(o, "- Incident ID: {}", text(&i.id));
    let sev = &i.severity;
    let _ = if sev.current == sev.highest {
        writeln!(o, "- Severity: {}", severity(f, &sev.highest))
    } else {
        writeln!(
            o,
            "- Severity: {} (highest reached); now {}",
            severity(f, &sev.highest),
            severity(f, &sev.current)
        )
    };
    let _ = match i.duration_seconds {
        Some(d) => writeln!(o, "- Duration: {}", hm(d)),
        None => writeln!(o, "- Duration: ongoing"),
    };
    for h in &f.shape.header {
        for l in clean_lines(h) {
            let _ = writeln!(o, "- {}", l.trim());
        }
    }
    let _ = writeln!(o, "- Times: UTC{}", f.time_zone);
    if let Some(pm) = &f.postmortem {
        let _ = match pm.due {
            Some(due) => writeln!(
                o,
                "- Post-mortem due: {} (within {} of resolution)",
                c.day(due),
                text(&pm.within)
            ),
            None => writeln!(
                o,
                "- Post-mortem due: within {} after resolution",
                text(&pm.within)
            ),
        };
    }
    o.push('\n');
    if i.drill {
        let _ = writeln!(
            o,
            "> **DRILL.** A tabletop exercise: no command was executed.\n"
        );
    }
    for w in &f.warnings {
        let _ = writeln!(o, "> **Export note:** {}\n", text(w));
    }

    for s in &f.shape.sections {
        section(o, f, &c, s);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// One section: its heading, the template's lines, then each fill (the
/// second and later under their own sub-heading). A section the record
/// fills nothing of and the template gives no lines says it is to be
/// completed; an appended root cause or impact with nothing recorded is
/// left out.
fn section(o: &mut String, f: &Facts, c: &Clock, s: &super::template::Section) {
    let mut body = String::new();
    if let Some(t) = &s.text {
        for l in clean_lines(t) {
            let _ = writeln!(body, "{}", l.trim_end());
        }
        while body.ends_with("\n\n") {
            body.pop();
        }
        if !body.trim().is_empty() {
            body.push('\n');
        }
    }
    for (n, fill) in s.fill.iter().enumerate() {
        let mut part = String::new();
        fill_body(&mut part, f, c, *fill);
        if part.trim().is_empty() {
            continue;
        }
        if n > 0 && !body.is_empty() {
            let _ = writeln!(body, "### {}\n", fill.heading());
        }
        body.push_str(&part);
    }
    if body.trim().is_empty() {
        if s.appended {
            return;
        }
        body = format!("{}\n\n", super::template::TO_COMPLETE);
    }
    let _ = writeln!(o, "## {}\n", text(&s.heading));
    o.push_str(&body);
    if !o.ends_with("\n\n") {
        o.push('\n');
    }
}

/// What the record knows for one fill, without a heading; empty when it
/// knows nothing to say there (a root cause not marked, no alert).
fn fill_body(o: &mut String, f: &Facts, c: &Clock, fill: Fill) {
    match fill {
        Fill::Summary => summary(o, f, c),
        Fill::Timeline => timeline(o, f, c),
        Fill::Metrics => metrics(o, f, c),
        Fill::RootCause => {
            if let Some(m) = &f.moments.root_cause_identified
                && !m.text.is_empty()
            {
                let _ = writeln!(
                    o,
                    "Marked at {} by {}: {}\n",
                    c.hm(m.at),
                    text(&m.by),
                    text(&m.text)
                );
            }
        }
        Fill::Impact => impact(o, f),
        Fill::Commands => commands(o, f, c),
        Fill::Notes => notes(o, f, c),
        Fill::Clocks => clocks(o, f, c),
        Fill::Acks => {
            super::acks::markdown(o, &f.acks, f.moments.resolved.is_some(), &|t| c.hms(t))
        }
        Fill::Contacts => super::contacts::markdown(o, &f.who_to_call),
        Fill::Comms => communications(o, f, c),
        Fill::ActionItems => action_items(o, f, c),
    }
}

/// What a drill's debrief shares with the post-mortem, written by the same
/// code: the notes, the communications as sent and the timeline (the
/// after-action report ends with them).
pub(super) fn debrief(o: &mut String, f: &Facts) {
    let c = Clock { f };
    let _ = writeln!(o, "## Notes\n");
    notes(o, f, &c);
    let _ = writeln!(o, "## Communications\n");
    communications(o, f, &c);
    let _ = writeln!(o, "## Timeline\n");
    timeline(o, f, &c);
}

fn summary(o: &mut String, f: &Facts, c: &Clock) {
    let i = &f.incident;
    let procedure = match &i.procedure_name {
        Some(n) => format!("{} ({})", text(n), text(&i.procedure)),
        None => text(&i.procedure),
    };
    let playbook = match &i.playbook_title {
        Some(t) => format!("{} ({})", text(t), text(&i.playbook)),
        None => text(&i.playbook),
    };
    let _ = writeln!(o, "- Procedure: {procedure}, playbook {playbook}");
    if i.procedures.len() > 1 {
        let _ = writeln!(o, "- Procedures worked: {}", procedures_line(&i.procedures));
    }
    let _ = match &f.moments.resolved {
        Some(m) => writeln!(o, "- Status: {} at {}", i.status, c.hm(m.at)),
        None => writeln!(o, "- Status: {} (not resolved when exported)", i.status),
    };
    let _ = writeln!(o, "- Incident commander: {}", text(&i.ic));
    let others: Vec<String> = i
        .roles
        .iter()
        .filter(|(r, _)| r.as_str() != "ic")
        .map(|(r, p)| format!("{} → {}", text(r), text(p)))
        .collect();
    if !others.is_empty() {
        let _ = writeln!(o, "- Roles: {}", others.join(", "));
    }
    let _ = match f.steps.total {
        Some(t) => writeln!(o, "- Steps done: {} of {t}", f.steps.done),
        None => writeln!(
            o,
            "- Steps done: {} (total unknown: the playbook was not loaded)",
            f.steps.done
        ),
    };
    detection_signs(o, f);
    let failed = f
        .commands
        .iter()
        .filter(|r| !r.succeeded() && !r.drill)
        .count();
    let _ = match (f.commands.len(), failed) {
        (0, _) => writeln!(o, "- Commands run: none"),
        (n, 0) => writeln!(o, "- Commands run: {n}"),
        (n, k) => writeln!(o, "- Commands run: {n} ({k} did not exit 0)"),
    };
    o.push('\n');
}

/// The detection signs the team confirmed (ticked) and when, then those
/// not confirmed.
pub(super) fn detection_signs(o: &mut String, f: &Facts) {
    let c = Clock { f };
    let several = f
        .steps
        .detection
        .iter()
        .any(|d| d.procedure != f.steps.detection[0].procedure);
    let line = |d: &super::SignFact| {
        if several {
            format!("{} ({})", text(&d.sign), text(&d.procedure))
        } else {
            text(&d.sign)
        }
    };
    let confirmed: Vec<String> = f
        .steps
        .detection
        .iter()
        .filter_map(|d| {
            d.confirmed_at.map(|t| {
                let by = d.by.as_deref().map(text).unwrap_or_default();
                format!("{} at {} by {by}", line(d), c.hm(t))
            })
        })
        .collect();
    let not: Vec<String> = f
        .steps
        .detection
        .iter()
        .filter(|d| d.confirmed_at.is_none())
        .map(line)
        .collect();
    if f.steps.detection.is_empty() {
        return;
    }
    let _ = match confirmed.len() {
        0 => writeln!(o, "- Detection signs confirmed: none"),
        _ => writeln!(o, "- Detection signs confirmed: {}", confirmed.join("; ")),
    };
    if !not.is_empty() {
        let _ = writeln!(o, "- Detection signs not confirmed: {}", not.join("; "));
    }
}

fn moment_line(o: &mut String, c: &Clock, what: &str, m: Option<&Moment>, unset: &str) {
    let _ = match m {
        Some(m) if m.text.is_empty() => writeln!(o, "- [{}] - {what}", c.hm(m.at)),
        Some(m) => writeln!(o, "- [{}] - {what}: {}", c.hm(m.at), text(&m.text)),
        None => writeln!(o, "- [--:--] - {what} ({unset})"),
    };
}

fn timeline(o: &mut String, f: &Facts, c: &Clock) {
    let m = &f.moments;
    moment_line(o, c, "Detection", m.detected.as_ref(), "not marked");
    moment_line(o, c, "Page sent", m.paged.as_ref(), "not marked");
    moment_line(o, c, "Incident declared", Some(&m.declared), "");
    let rc = m.root_cause_identified.as_ref();
    moment_line(o, c, "Root cause identified", rc, "not marked");
    let fix = m.fix_implemented.as_ref();
    moment_line(o, c, "Fix implemented", fix, "not marked");
    moment_line(
        o,
        c,
        "Incident resolved",
        m.resolved.as_ref(),
        "not resolved",
    );
    let _ = writeln!(o, "\n### Full record\n");
    for r in &f.records {
        let _ = writeln!(
            o,
            "- {} — {} — {}",
            c.hms(Ts(r.at)),
            text(&r.by),
            text(&r.event.summary())
        );
    }
    o.push('\n');
}

fn metrics(o: &mut String, f: &Facts, c: &Clock) {
    let m = &f.metrics;
    let declared = f.moments.declared.at;
    let _ = match (&f.moments.detected, m.time_to_detect_seconds) {
        (Some(d), Some(s)) => writeln!(
            o,
            "- Time to detect (MTTD): {} (detection {} → declared {})",
            hms(s),
            c.hm(d.at),
            c.hm(declared)
        ),
        (Some(d), None) => writeln!(
            o,
            "- Time to detect (MTTD): not measured (detection at {}, after the declaration at {})",
            c.hm(d.at),
            c.hm(declared)
        ),
        (None, _) => writeln!(
            o,
            "- Time to detect (MTTD): not measured (detection not marked, no alert)"
        ),
    };
    let _ = match (&m.first_action, m.time_to_acknowledge_seconds) {
        (Some(a), Some(s)) => writeln!(
            o,
            "- Time to acknowledge: {} (first action at {} by {}: {})",
            hms(s),
            c.hms(a.at),
            text(&a.by),
            text(&a.summary)
        ),
        _ => writeln!(o, "- Time to acknowledge: no team action recorded"),
    };
    let _ = match m.time_to_resolve_seconds {
        Some(s) => writeln!(o, "- Time to resolve: {}", hms(s)),
        None => writeln!(o, "- Time to resolve: ongoing (not resolved)"),
    };
    if let Some(r) = &m.response {
        let target = crate::time::human(std::time::Duration::from_secs(
            r.target_seconds.max(0) as u64
        ));
        let _ = match (r.met, r.after_seconds) {
            (Some(true), Some(a)) => writeln!(
                o,
                "- Response time ({}, target {target}): met, status left Investigating after {}",
                text(&r.severity),
                hms(a)
            ),
            (Some(false), Some(a)) => writeln!(
                o,
                "- Response time ({}, target {target}): MISSED, status left Investigating after {}",
                text(&r.severity),
                hms(a)
            ),
            _ => writeln!(
                o,
                "- Response time ({}, target {target}): still Investigating when exported",
                text(&r.severity)
            ),
        };
    }
    o.push('\n');
}

fn impact(o: &mut String, f: &Facts) {
    let mut alerts: Vec<String> = Vec::new();
    let mut pods: Vec<String> = Vec::new();
    for r in &f.records {
        match &r.event {
            crate::timeline::Event::AlertFiring {
                alertname,
                severity,
                ..
            } => {
                let a = format!("{} ({})", text(alertname), text(severity));
                if !alerts.contains(&a) {
                    alerts.push(a);
                }
            }
            crate::timeline::Event::PodChanged { pod, .. } => {
                let p = text(pod);
                if !pods.contains(&p) {
                    pods.push(p);
                }
            }
            _ => {}
        }
    }
    if !alerts.is_empty() {
        let _ = writeln!(o, "Alerts that fired: {}.\n", alerts.join(", "));
    }
    if !pods.is_empty() {
        let _ = writeln!(o, "Pods that changed: {}.\n", pods.join(", "));
    }
}

fn outcome(r: &CommandRun) -> String {
    let mut s = match &r.outcome {
        Some(out) => {
            let mut s = text(out);
            if let Some(code) = r.exit
                && !out.contains(&code.to_string())
            {
                let _ = write!(s, " (exit {code})");
            }
            s
        }
        None => "no end recorded".into(),
    };
    if r.drill {
        s.push_str(", drill: not executed");
    } else if r.dry_run {
        s.push_str(", dry run");
    }
    s
}

fn commands(o: &mut String, f: &Facts, c: &Clock) {
    if f.commands.is_empty() {
        let _ = writeln!(o, "No command was run.\n");
    } else {
        command_table(o, f, c);
    }
    approvals(o, f, &|t| c.hms(t));
}

/// The two-person rule's proposals, under the commands (only when there
/// were some), their times written by `hms`. The drill's after-action
/// report lists them the same way.
pub(super) fn approvals(o: &mut String, f: &Facts, hms: &dyn Fn(super::Ts) -> String) {
    if f.approvals.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "### Two-person approvals\n\n| Proposed | By | Command | Why | Decision | End |\n|---|---|---|---|---|---|"
    );
    for a in &f.approvals {
        let decision = match &a.decision {
            Some(d) => format!(
                "{} by {} ({}) at {}: {}",
                if d.approved { "approved" } else { "rejected" },
                text(&d.by),
                text(&d.user),
                hms(d.at),
                text(&d.reason)
            ),
            None => "—".into(),
        };
        let at = a
            .ended_at
            .map(|t| format!(" at {}", hms(t)))
            .unwrap_or_default();
        let end = match a.end {
            "ran" => format!(
                "ran{at} ({})",
                text(a.outcome.as_deref().unwrap_or("no end recorded"))
            ),
            "voided" => format!(
                "voided{at}: {}",
                text(a.voided_because.as_deref().unwrap_or(""))
            ),
            other => format!("{other}{at}"),
        };
        let _ = writeln!(
            o,
            "| {} | {} ({}) | {} | {} | {} | {} |",
            hms(a.proposed_at),
            text(&a.by),
            text(&a.user),
            code_cell(&a.command),
            text(&a.reason),
            decision,
            end
        );
    }
    o.push('\n');
}

fn command_table(o: &mut String, f: &Facts, c: &Clock) {
    let _ = writeln!(
        o,
        "| Time | Who | Command | Risk | Confirmation | Outcome | Duration |\n|---|---|---|---|---|---|---|"
    );
    for r in &f.commands {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            c.hms(r.started_at),
            text(&r.by),
            code_cell(&r.command),
            text(&r.risk),
            text(&r.confirmation),
            outcome(r),
            r.duration_ms
                .map(crate::time::human_ms)
                .unwrap_or_else(|| "—".into())
        );
    }
    o.push('\n');
}

fn notes(o: &mut String, f: &Facts, c: &Clock) {
    if f.notes.is_empty() {
        let _ = writeln!(o, "No note was written.\n");
        return;
    }
    for n in &f.notes {
        let _ = write!(o, "- {} — {}: ", c.hms(n.at), text(&n.by));
        let mut first = true;
        let mut gap = false;
        for line in clean_lines(&n.text) {
            if line.trim().is_empty() {
                gap = !first;
                continue;
            }
            if first {
                o.push_str(&text(line.trim()));
                first = false;
            } else if gap {
                let _ = write!(o, "\n\n  {}", line_start(&line));
                gap = false;
            } else {
                let _ = write!(o, "\\\n  {}", line_start(&line));
            }
        }
        o.push('\n');
    }
    o.push('\n');
}

fn clocks(o: &mut String, f: &Facts, c: &Clock) {
    let conditions = &f.incident.conditions;
    if !f.open_deadlines.is_empty() {
        let _ = writeln!(o, "Open deadlines (notice not sent):\n");
        for d in &f.open_deadlines {
            let due = d.due_at.map_or("no time limit given".to_string(), |at| {
                format!("due {}", c.hms(at))
            });
            let with = d
                .template
                .as_ref()
                .map(|t| format!(" (template {})", text(t)))
                .unwrap_or_default();
            let _ = writeln!(o, "- {}: {due}{with}", text(&d.name));
        }
        o.push('\n');
    }
    if f.timers.is_empty() && conditions.is_empty() {
        let _ = writeln!(o, "No clock fell due and no condition was set.\n");
        return;
    }
    for k in conditions {
        let _ = writeln!(
            o,
            "- Condition set at {} by {}: {}",
            c.hms(k.at),
            text(&k.by),
            text(&k.condition)
        );
    }
    if !conditions.is_empty() {
        o.push('\n');
    }
    if f.timers.is_empty() {
        return;
    }
    let _ = writeln!(o, "| Fell due | Clock | Acknowledged |\n|---|---|---|");
    for t in &f.timers {
        let ack = match (t.acknowledged_at, &t.acknowledged_by) {
            (Some(at), Some(by)) => format!("{} by {}", c.hms(at), text(by)),
            _ => "not acknowledged".into(),
        };
        let _ = writeln!(o, "| {} | {} | {ack} |", c.hms(t.due_at), text(&t.label));
    }
    o.push('\n');
}

fn communications(o: &mut String, f: &Facts, c: &Clock) {
    if f.comms.is_empty() {
        let _ = writeln!(o, "No communication was recorded as sent.\n");
        return;
    }
    for m in &f.comms {
        let file = m
            .file
            .as_ref()
            .map(|p| format!(" ({})", text(p)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "- {} — {}: {}{file}\n",
            c.hms(m.at),
            text(&m.by),
            text(&m.template)
        );
        fenced(o, "  ", &m.text);
        o.push('\n');
    }
}

fn action_items(o: &mut String, f: &Facts, c: &Clock) {
    if f.action_items.is_none() {
        let _ = writeln!(
            o,
            "The playbook could not be loaded, so its post-incident follow-ups are not listed.\n"
        );
    }
    let _ = writeln!(
        o,
        "| Action | Owner | Deadline | Priority |\n|--------|-------|----------|----------|"
    );
    for a in f.action_items.iter().flatten() {
        let deadline = match a.due {
            Some(due) => c.day(due),
            None => format!("within {} after resolution", text(&a.within)),
        };
        let _ = writeln!(o, "| {} |  | {deadline} |  |", text(&a.item));
    }
    let _ = writeln!(o, "| [Fix] | @name | YYYY-MM-DD | P0 |\n");
}

/// The procedures an incident worked, in checklist order, each with why
/// (`Initial Response (initial-response, with the declared one)`).
pub fn procedures_line(ps: &[super::ProcedureFact]) -> String {
    ps.iter()
        .map(|p| {
            let why = match p.why.as_str() {
                "declared" => "declared",
                "with" => "goes with the declared one",
                "added" => "added during the incident",
                other => other,
            };
            match &p.name {
                Some(n) => format!("{} ({}, {why})", text(n), text(&p.id)),
                None => format!("{} ({why})", text(&p.id)),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}
