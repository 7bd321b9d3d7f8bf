//! What a schema cannot say: duplicate ids, references to severities,
//! roles, conditions and templates that do not exist, durations that do
//! not parse, placeholders used but not declared (or declared but unused),
//! patterns that do not compile, and risks declared lower than what the
//! command does. Every problem is placed `file:line:column`.

use super::model::{At, Command, Playbook, Policy};
use super::placeholders::{self, Style};
use super::risk;
use super::verify::Compile;
use crate::schema::Node;
use crate::time::parse_duration;
use std::collections::{BTreeMap, BTreeSet};

/// Fields a communication template may use.
pub const TEMPLATE_FIELDS: &[&str] = &[
    "title",
    "severity",
    "severity_name",
    "status",
    "impact",
    "ic",
    "started",
    "updated",
    "next_update",
    "date",
    "time",
    "incident_id",
    "duration",
    "root_cause",
    "resolution",
    "prevention",
    "affected",
    "channel",
    "service",
    "procedure",
    "start_date_utc",
    "start_time_utc",
    "end_time_utc",
];

/// Where a parameter may be filled from.
pub const PARAM_SOURCES: &[&str] = &["pod", "namespace", "selector", "context"];

struct Ctx<'a> {
    out: Vec<String>,
    file: &'a str,
}

impl Ctx<'_> {
    fn at<T>(&mut self, a: &At<T>, msg: impl AsRef<str>) {
        self.out.push(format!(
            "{}:{}:{}: {}",
            self.file,
            a.line,
            a.col,
            msg.as_ref()
        ));
    }
    fn node(&mut self, line: u64, col: u64, msg: impl AsRef<str>) {
        self.out
            .push(format!("{}:{line}:{col}: {}", self.file, msg.as_ref()));
    }
    fn duration(&mut self, d: &At<String>, what: &str) {
        if let Err(e) = parse_duration(&d.value) {
            self.at(d, format!("{what}: {e}"));
        }
    }
}

/// The post-mortem template's sections: each heading written and once,
/// each fill under one section only (the export would leave the second
/// empty).
fn postmortem_sections(c: &mut Ctx, pm: &super::model::Postmortem, node: Option<&Node>) {
    let sections = node.and_then(|n| n.get("sections"));
    let place = |i: usize, key: Option<&str>, j: Option<usize>| {
        let s = sections.and_then(|n| n.index(i));
        let at = match (key, j) {
            (Some(k), Some(j)) => s.and_then(|n| n.get(k)).and_then(|n| n.index(j)),
            (Some(k), None) => s.and_then(|n| n.get(k)),
            _ => None,
        };
        at.or(s).map_or((0, 0), |n| (n.line, n.col))
    };
    let mut headings: Vec<String> = Vec::new();
    let mut fills: Vec<(super::model::Fill, String)> = Vec::new();
    for (i, s) in pm.sections.iter().enumerate() {
        let heading = s.heading().trim();
        let key = matches!(s, super::model::PostmortemSection::Section(_)).then_some("heading");
        if heading.is_empty() {
            let (l, col) = place(i, key, None);
            c.node(
                l,
                col,
                "post-mortem section: the heading is empty; write the heading the report shows",
            );
            continue;
        }
        if headings.iter().any(|h| h.eq_ignore_ascii_case(heading)) {
            let (l, col) = place(i, key, None);
            c.node(
                l,
                col,
                format!("post-mortem section {heading:?} is listed twice; keep one"),
            );
        }
        headings.push(heading.to_string());
        let super::model::PostmortemSection::Section(t) = s else {
            continue;
        };
        for (j, f) in t.fill.iter().enumerate() {
            if let Some((_, first)) = fills.iter().find(|(g, _)| g == f) {
                let (l, col) = place(i, Some("fill"), Some(j));
                c.node(
                    l,
                    col,
                    format!(
                        "post-mortem section {heading:?}: fill {} is already under {first:?}; a fact goes under one heading",
                        f.id()
                    ),
                );
            } else {
                fills.push((*f, heading.to_string()));
            }
        }
    }
}

/// The ids a playbook and its policies define, for references.
#[derive(Default)]
struct Known {
    severities: BTreeSet<String>,
    roles: BTreeSet<String>,
    conditions: BTreeSet<String>,
    /// The playbook's procedures (a condition `starts:` them).
    procedures: BTreeSet<String>,
    templates: BTreeSet<String>,
}

fn list(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "none are defined".into()
    } else {
        format!(
            "expected one of: {}",
            set.iter().cloned().collect::<Vec<_>>().join(", ")
        )
    }
}

fn reference(c: &mut Ctx, r: &At<String>, kind: &str, set: &BTreeSet<String>) {
    if !set.contains(&r.value) {
        c.at(r, format!("unknown {kind} \"{}\" ({})", r.value, list(set)));
    }
}

/// `watch.prometheus`: its URL, interval, figures (named once, each with a
/// query), and the thresholds on service figures, which must name one of
/// its figures (a host metric not among them is the host's).
fn prometheus(c: &mut Ctx, pb: &Playbook, watch_node: Option<&Node>) {
    let Some(p) = &pb.watch.prometheus else {
        return;
    };
    if let Some(u) = &p.url
        && let Err(e) = crate::playbook::verify::check_http_url(&u.value)
    {
        c.at(
            u,
            format!("watch.prometheus.url: {e} (expected http://HOST:9090)"),
        );
    }
    if let Some(i) = &p.interval {
        c.duration(i, "watch.prometheus.interval");
    }
    let mut names = Seen::default();
    for f in &p.figures {
        names.check(c, "watch.prometheus figure", &f.name);
        if f.name.value.trim().is_empty() {
            c.at(&f.name, "watch.prometheus figure: the name is empty");
        }
        if f.query.value.trim().is_empty() {
            c.at(
                &f.query,
                format!(
                    "watch.prometheus figure \"{}\": the query is empty (a PromQL expression answering one number)",
                    f.name.value
                ),
            );
        }
    }
    let thresholds = watch_node.and_then(|w| w.get("thresholds"));
    for (i, t) in pb.watch.thresholds.iter().enumerate() {
        let host = super::verify::HOST_FIGURES
            .iter()
            .any(|m| m.eq_ignore_ascii_case(t.metric.trim()));
        if host || p.figure(&t.metric).is_some() {
            continue;
        }
        let (line, col) = thresholds
            .and_then(|n| n.index(i))
            .and_then(|n| n.get("metric"))
            .map_or((0, 0), |n| (n.line, n.col));
        let known: Vec<&str> = p.figures.iter().map(|f| f.name.value.as_str()).collect();
        c.node(
            line,
            col,
            format!(
                "threshold metric {:?} is neither a host metric (cpu, memory, disk, load) nor a query in watch.prometheus.figures ({})",
                t.metric,
                if known.is_empty() {
                    "none are defined".to_string()
                } else {
                    format!("expected one of: {}", known.join(", "))
                }
            ),
        );
    }
}

/// Severity criteria: one with a figure has a bound, and names a figure
/// the playbook measures (a `watch.prometheus` query, when it has one).
fn criteria(c: &mut Ctx, severities: &[super::model::Severity], watch: &super::model::Watch) {
    for sev in severities {
        for cr in &sev.criteria {
            let Some(f) = &cr.figure else {
                if cr.above.is_some() || cr.below.is_some() {
                    c.at(
                        &sev.id,
                        format!(
                            "severity \"{}\": criterion {:?} has a bound but no figure (add figure: NAME)",
                            sev.id.value, cr.text
                        ),
                    );
                }
                continue;
            };
            if cr.above.is_none() && cr.below.is_none() {
                c.at(
                    f,
                    format!(
                        "severity \"{}\": criterion on figure {:?} has no bound (add above: N or below: N)",
                        sev.id.value, f.value
                    ),
                );
            }
            if let Some(p) = &watch.prometheus
                && p.figure(&f.value).is_none()
            {
                let known: Vec<&str> = p.figures.iter().map(|x| x.name.value.as_str()).collect();
                c.at(
                    f,
                    format!(
                        "severity \"{}\": criterion figure {:?} is not a query in watch.prometheus.figures (expected one of: {})",
                        sev.id.value,
                        f.value,
                        known.join(", ")
                    ),
                );
            }
        }
    }
}

/// Duplicate ids across files: the first definition wins, later ones are
/// reported with where the first is.
#[derive(Default)]
struct Seen(BTreeMap<(String, String), String>);

impl Seen {
    fn check(&mut self, c: &mut Ctx, kind: &str, id: &At<String>) {
        let key = (kind.to_string(), id.value.clone());
        let here = format!("{}:{}", c.file, id.line);
        match self.0.get(&key) {
            Some(first) => c.at(
                id,
                format!(
                    "duplicate {kind} id \"{}\" (first defined at {first})",
                    id.value
                ),
            ),
            None => {
                self.0.insert(key, here);
            }
        }
    }
}

fn is_business_day(s: &str) -> bool {
    let s = s.trim().to_ascii_lowercase().replace('-', " ");
    s == "next business day" || s == "next working day"
}

/// `0-15m`, `15m-30m`, `30m-4h`, or an end alone (`15m`).
pub fn parse_timebox(s: &str) -> Result<(std::time::Duration, std::time::Duration), String> {
    let expect = "(expected a time box like 0-15m, 15m-30m or 30m-4h)";
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a.trim(), b.trim()),
        None => ("0m", s.trim()),
    };
    let end = parse_duration(b).map_err(|e| format!("bad time box {s:?}: {e} {expect}"))?;
    let start = if a == "0" {
        std::time::Duration::ZERO
    } else {
        // `15-30m`: the start takes the end's unit.
        parse_duration(a)
            .or_else(|_| {
                parse_duration(&format!(
                    "{a}{}",
                    b.trim_start_matches(|c: char| c.is_ascii_digit())
                ))
            })
            .map_err(|e| format!("bad time box {s:?}: {e} {expect}"))?
    };
    if start >= end {
        return Err(format!(
            "bad time box {s:?}: it ends before it starts {expect}"
        ));
    }
    Ok((start, end))
}

fn policy_parts(c: &mut Ctx, seen: &mut Seen, known: &Known, p: &Policy) {
    if let Some(l) = p.approval.as_ref().and_then(|a| a.lapse.as_ref()) {
        match parse_duration(&l.value) {
            Err(e) => c.at(l, format!("approval lapse: {e}")),
            Ok(d) if d.is_zero() => c.at(
                l,
                "approval lapse: 0 would lapse every proposal at once (expected a duration such as 10m)",
            ),
            Ok(_) => {}
        }
    }
    for s in &p.severities {
        seen.check(c, "severity", &s.id);
        if !is_business_day(&s.response.value) {
            c.duration(&s.response, "response time");
        }
    }
    for r in &p.roles {
        seen.check(c, "role", &r.id);
    }
    for k in &p.conditions {
        seen.check(c, "condition", &k.id);
        for st in &k.starts {
            reference(c, st, "procedure", &known.procedures);
        }
    }
    for e in &p.escalation {
        if let Some(s) = &e.severity {
            reference(c, s, "severity", &known.severities);
        }
        if let Some(w) = &e.when {
            reference(c, w, "condition", &known.conditions);
        }
        if let Some(a) = &e.after {
            c.duration(a, "escalation after");
        }
        if e.severity.is_none() && e.when.is_none() && e.after.is_none() {
            let first = e.notify.first().map(String::as_str).unwrap_or("?");
            c.out.push(format!(
                "{}: escalation rule notifying {first} has no trigger (expected severity, after or when)",
                c.file
            ));
        }
    }
    for d in &p.deadlines {
        seen.check(c, "deadline", &d.id);
        if let Some(w) = &d.within {
            c.duration(w, "deadline within");
        }
        for sev in &d.severities {
            reference(c, sev, "severity", &known.severities);
        }
        if let Some(w) = &d.when {
            reference(c, w, "condition", &known.conditions);
        }
        if let Some(t) = &d.template {
            reference(c, t, "template", &known.templates);
        }
    }
}

fn as_policy(pb: &Playbook) -> Policy {
    Policy {
        severities: pb.severities.clone(),
        roles: pb.roles.clone(),
        contacts: pb.contacts.clone(),
        conditions: pb.conditions.clone(),
        escalation: pb.escalation.clone(),
        deadlines: pb.deadlines.clone(),
        approval: pb.approval.clone(),
    }
}

fn command(c: &mut Ctx, cmd: &Command, params_node: Option<&Node>) {
    let run = &cmd.run.value;
    // Declared risk never lower than what the command does.
    let inferred = risk::analyse(run).known;
    if let Some(r) = &cmd.risk
        && r.value < inferred
    {
        c.at(
            r,
            format!(
                "risk \"{}\" is lower than what the command does (expected {} or higher for: {})",
                r.value.name(),
                inferred.name(),
                run.lines().next().unwrap_or("")
            ),
        );
    }
    // Output pasted as a command, or control characters in it.
    if super::import::looks_like_output(run) {
        c.at(
            &cmd.run,
            format!(
                "run looks like a tool's output, not a command: {} (expected a command line; remove the step or put the command it shows)",
                crate::sanitize::clean(run.lines().find(|l| !l.trim().is_empty()).unwrap_or(""))
            ),
        );
    }
    if let Some((i, ch)) = run
        .chars()
        .enumerate()
        .find(|(_, ch)| *ch != '\n' && *ch != '\t' && crate::sanitize::is_dangerous(*ch))
    {
        c.at(
            &cmd.run,
            format!(
                "run holds the control character U+{:04X} at character {} (terminal escape sequences and invisible characters have no place in a command; remove it)",
                ch as u32,
                i + 1
            ),
        );
    }
    if let Some(t) = &cmd.timeout {
        c.duration(t, "timeout");
    }
    // Placeholders used but not declared.
    let mut reported = BTreeSet::new();
    for f in placeholders::find(run) {
        if cmd.params.contains_key(&f.name) {
            continue;
        }
        // In a shell command an undeclared $VAR is the shell's own.
        if f.style == Style::Dollar && cmd.shell {
            continue;
        }
        if reported.insert(f.name.clone()) {
            c.at(
                &cmd.run,
                format!(
                    "placeholder {} is used but not declared (expected params: {{{}: {{description: ...}}}})",
                    f.text, f.name
                ),
            );
        }
    }
    // Declared but unused; patterns that do not compile.
    for (name, p) in &cmd.params {
        let key = params_node.and_then(|n| n.key(name));
        let (line, col) = key.map_or((cmd.run.line, cmd.run.col), |k| (k.line, k.col));
        if placeholders::texts_for(run, name, p).is_empty() {
            c.node(
                line,
                col,
                format!(
                    "parameter \"{name}\" is declared but not used in the command (expected <{name}>, {{{{{name}}}}}{} or its token in: {})",
                    if placeholders::is_env_name(name) { format!(", ${name}") } else { String::new() },
                    run.lines().next().unwrap_or("")
                ),
            );
        }
        if let Some(pat) = &p.pattern {
            match regex::Regex::new(&format!("^(?:{})$", pat.value)) {
                Err(e) => {
                    let first = e
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    c.at(
                        pat,
                        format!("pattern {:?} does not compile ({first})", pat.value),
                    );
                }
                Ok(re) => {
                    if let Some(d) = &p.default
                        && !re.is_match(d)
                    {
                        c.at(
                            pat,
                            format!(
                                "default {d:?} of \"{name}\" does not match its pattern {:?}",
                                pat.value
                            ),
                        );
                    }
                }
            }
        }
        if let Some(from) = &p.from
            && !PARAM_SOURCES.contains(&from.as_str())
            && !from.starts_with("alert.")
        {
            c.node(
                line,
                col,
                format!(
                    "parameter \"{name}\" is filled from unknown source {from:?} (expected one of: {}, alert.<label>)",
                    PARAM_SOURCES.join(", ")
                ),
            );
        }
    }
}

/// Checks a parsed playbook (its own entries), its policies and the
/// references between them.
pub fn check(file: &str, pb: &Playbook, tree: &Node, policies: &[(String, Policy)]) -> Vec<String> {
    let mut known = Known::default();
    let own = as_policy(pb);
    for p in std::iter::once(&own).chain(policies.iter().map(|(_, p)| p)) {
        known
            .severities
            .extend(p.severities.iter().map(|s| s.id.value.clone()));
        known
            .roles
            .extend(p.roles.iter().map(|s| s.id.value.clone()));
        known
            .conditions
            .extend(p.conditions.iter().map(|s| s.id.value.clone()));
    }
    known.templates = pb.templates.iter().map(|t| t.id.value.clone()).collect();
    known.procedures = pb.procedures.iter().map(|p| p.id.value.clone()).collect();

    let mut seen = Seen::default();
    let mut c = Ctx {
        out: Vec::new(),
        file,
    };
    policy_parts(&mut c, &mut seen, &known, &own);
    criteria(&mut c, &own.severities, &pb.watch);
    if let Some(b) = &pb.business_day {
        use super::business_day::{parse_offset, parse_start};
        if let Some(s) = &b.start
            && let Err(e) = parse_start(&s.value)
        {
            c.at(s, e);
        }
        if let Some(o) = &b.utc_offset
            && let Err(e) = parse_offset(&o.value)
        {
            c.at(o, e);
        }
    }
    let mut out = std::mem::take(&mut c.out);
    for (pfile, p) in policies {
        let mut pc = Ctx {
            out: Vec::new(),
            file: pfile,
        };
        policy_parts(&mut pc, &mut seen, &known, p);
        criteria(&mut pc, &p.severities, &pb.watch);
        out.extend(pc.out);
    }
    c.out = out;

    if pb.procedures.is_empty() {
        c.node(
            1,
            1,
            "no procedures (expected at least one under procedures:)",
        );
    }
    for t in &pb.templates {
        seen.check(&mut c, "template", &t.id);
        if let Some(cad) = &t.cadence {
            c.duration(cad, "template cadence");
        }
        for field in
            template_fields(&t.body).chain(t.subject.iter().flat_map(|s| template_fields(s)))
        {
            if !TEMPLATE_FIELDS.contains(&field.as_str()) {
                c.at(
                    &t.id,
                    format!(
                        "template \"{}\" uses unknown field {{{field}}} (expected one of: {})",
                        t.id.value,
                        TEMPLATE_FIELDS.join(", ")
                    ),
                );
            }
        }
    }
    for r in &pb.redact {
        if let Err(e) = regex::Regex::new(&r.value) {
            let first = e
                .to_string()
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .to_string();
            c.at(
                r,
                format!("redact pattern {:?} does not compile ({first})", r.value),
            );
        }
    }
    for f in &pb.followups {
        c.duration(&f.within, "follow-up within");
    }
    if let Some(pm) = &pb.postmortem
        && let Some(w) = &pm.within
    {
        c.duration(w, "post-mortem within");
    }
    if let Some(pm) = &pb.postmortem {
        postmortem_sections(&mut c, pm, tree.get("postmortem"));
        if let Some(file) = &pm.file
            && let Err(e) = super::report::check_template(file)
        {
            let (l, col) = tree
                .get("postmortem")
                .and_then(|n| n.get("file"))
                .map_or((0, 0), |n| (n.line, n.col));
            c.node(l, col, format!("postmortem.file {e}"));
        }
    }
    for t in &pb.watch.thresholds {
        if let Some(d) = &t.for_ {
            c.duration(d, "threshold for");
        }
    }
    // Alertmanager's matchers and URL, placed where they are written.
    let watch_node = tree.get("watch");
    for (i, m) in pb.watch.alerts.iter().enumerate() {
        if let Err(e) = crate::alerts::matcher::parse_one(m) {
            let (line, col) = watch_node
                .and_then(|w| w.get("alerts"))
                .and_then(|a| a.index(i))
                .map_or((0, 0), |n| (n.line, n.col));
            c.node(line, col, format!("watch.alerts: {e}"));
        }
    }
    prometheus(&mut c, pb, watch_node);
    if let Some(url) = &pb.watch.alertmanager
        && let Err(e) = crate::alerts::check_url(url)
    {
        let (line, col) = watch_node
            .and_then(|w| w.get("alertmanager"))
            .map_or((0, 0), |n| (n.line, n.col));
        c.node(line, col, format!("watch.alertmanager: {e}"));
    }
    let procs_node = tree.get("procedures");
    for (pi, proc_) in pb.procedures.iter().enumerate() {
        seen.check(&mut c, "procedure", &proc_.id);
        if let Some(s) = &proc_.severity {
            reference(&mut c, s, "severity", &known.severities);
        }
        for t in &proc_.templates {
            reference(&mut c, t, "template", &known.templates);
        }
        for k in &proc_.conditions {
            reference(&mut c, k, "condition", &known.conditions);
        }
        let procedures: BTreeSet<String> =
            pb.procedures.iter().map(|p| p.id.value.clone()).collect();
        for w in &proc_.with {
            if w.value == proc_.id.value {
                c.at(
                    w,
                    format!(
                        "procedure \"{}\" lists itself in with: (list the other procedures that go with it)",
                        w.value
                    ),
                );
            } else {
                reference(&mut c, w, "procedure", &procedures);
            }
        }
        if proc_.phases.is_empty() {
            c.at(
                &proc_.id,
                format!(
                    "procedure \"{}\" has no phases (expected at least one)",
                    proc_.id.value
                ),
            );
        }
        let mut phase_ids = Seen::default();
        let mut step_ids = Seen::default();
        let phases_node = procs_node
            .and_then(|n| n.index(pi))
            .and_then(|n| n.get("phases"));
        for (fi, phase) in proc_.phases.iter().enumerate() {
            phase_ids.check(&mut c, "phase", &phase.id);
            if let Some(tb) = &phase.timebox
                && let Err(e) = parse_timebox(&tb.value)
            {
                c.at(tb, e);
            }
            if phase.steps.is_empty() {
                c.at(
                    &phase.id,
                    format!(
                        "phase \"{}\" has no steps (expected at least one)",
                        phase.id.value
                    ),
                );
            }
            let steps_node = phases_node
                .and_then(|n| n.index(fi))
                .and_then(|n| n.get("steps"));
            for (si, step) in phase.steps.iter().enumerate() {
                step_ids.check(&mut c, "step", &step.id);
                if let Some(r) = &step.role {
                    reference(&mut c, r, "role", &known.roles);
                }
                if let (Some(a), None) = (&step.approval, &step.command) {
                    c.at(
                        a,
                        format!(
                            "step \"{}\" asks for approval but has no command (approval: two-person goes on a step with a command)",
                            step.id.value
                        ),
                    );
                }
                for check in &step.verify {
                    match check.compile() {
                        Ok(cond) => {
                            for (line, col, msg) in
                                super::verify::refers_to_watched(&cond, check, &pb.watch)
                            {
                                c.node(line, col, msg);
                            }
                        }
                        Err(problems) => {
                            for (line, col, msg) in problems {
                                c.node(line, col, msg);
                            }
                        }
                    }
                }
                if let Some(cmd) = &step.command {
                    let params_node = steps_node
                        .and_then(|n| n.index(si))
                        .and_then(|n| n.get("command"))
                        .and_then(|n| n.get("params"));
                    command(&mut c, cmd, params_node);
                }
            }
        }
    }
    sort_placed(&mut c.out);
    c.out
}

/// Sorts placed problems by file (in first-seen order), line and column.
pub fn sort_placed(problems: &mut [String]) {
    let mut files: Vec<String> = Vec::new();
    let key = |p: &String, files: &mut Vec<String>| {
        let mut parts = p.splitn(4, ':');
        let file = parts.next().unwrap_or("").to_string();
        let line = parts
            .next()
            .and_then(|x| x.parse::<u64>().ok())
            .unwrap_or(0);
        let col = parts
            .next()
            .and_then(|x| x.parse::<u64>().ok())
            .unwrap_or(0);
        let fi = files.iter().position(|f| *f == file).unwrap_or_else(|| {
            files.push(file);
            files.len() - 1
        });
        (fi, line, col)
    };
    let mut keyed: Vec<((usize, u64, u64), String)> = problems
        .iter()
        .map(|p| (key(p, &mut files), p.clone()))
        .collect();
    keyed.sort_by_key(|k| k.0);
    for (slot, (_, p)) in problems.iter_mut().zip(keyed) {
        *slot = p;
    }
}

/// `{name}` fields in a template text (`{}` and `{ x y }` are left alone).
pub fn template_fields(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split('{').skip(1).filter_map(|rest| {
        let end = rest.find('}')?;
        let name = &rest[..end];
        (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use crate::playbook::load_file;

    const BASE: &str = "name: t
title: T
severities:
  - {id: P0, name: Critical, response: 15m}
roles:
  - {id: ic, name: Incident Commander}
conditions:
  - {id: breach, name: Breach confirmed}
procedures:
  - id: outage
    name: Outage
    severity: P0
    phases:
      - id: first
        name: First
        timebox: 0-15m
        steps:
          - id: look
            title: Look
            role: ic
            command:
              run: kubectl get pods -n <ns>
              risk: read
              params:
                ns: {description: namespace, pattern: \"[a-z-]+\"}
";

    /// Lints `BASE` with `edit` applied; returns the problems.
    fn lint(edit: impl Fn(&str) -> String) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("t.yaml");
        std::fs::write(&f, edit(BASE)).unwrap();
        let prefix = format!("{}:", f.display());
        match load_file(&f) {
            Ok(_) => vec![],
            Err(e) => e
                .problems
                .into_iter()
                .map(|p| p.replace(&prefix, "t.yaml:"))
                .collect(),
        }
    }

    fn one(edit: impl Fn(&str) -> String) -> String {
        let p = lint(edit);
        assert_eq!(p.len(), 1, "{p:#?}");
        p[0].clone()
    }

    #[test]
    fn alert_matchers_and_the_alertmanager_url_are_checked_in_place() {
        let watch = |m: &str, url: &str| {
            let (m, url) = (m.to_string(), url.to_string());
            move |s: &str| {
                s.replace(
                    "severities:",
                    &format!("watch:\n  alertmanager: {url}\n  alerts:\n    - {m}\nseverities:"),
                )
            }
        };
        assert_eq!(
            lint(watch("'service=\"api\"'", "http://am:9093")),
            Vec::<String>::new()
        );
        let p = lint(watch("'service dicps'", "ftp://am"));
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(
            p[0].starts_with("t.yaml:4:17: watch.alertmanager:") && p[0].contains("http or https"),
            "{p:#?}"
        );
        assert!(
            p[1].starts_with("t.yaml:6:7: watch.alerts:") && p[1].contains("expected ="),
            "{p:#?}"
        );
    }

    /// BASE with a Prometheus section of one figure, a threshold and a
    /// `verify:` figure condition.
    fn with_prometheus(url: &str, threshold: &str, verify: &str) -> impl Fn(&str) -> String {
        let (url, threshold, verify) = (url.to_string(), threshold.to_string(), verify.to_string());
        move |s: &str| {
            s.replace(
                "severities:",
                &format!(
                    "watch:\n  prometheus:\n    url: {url}\n    figures:\n      - {{name: Error rate, query: 'sum(rate(errors_total[5m]))', unit: /s}}\n  thresholds:\n    - {{metric: {threshold}, above: 5}}\nseverities:"
                ),
            )
            .replace(
                "            role: ic\n",
                &format!("            role: ic\n            verify:\n              - {{figure: {verify}, below: 1}}\n"),
            )
        }
    }

    #[test]
    fn figure_conditions_and_thresholds_name_a_prometheus_query() {
        assert_eq!(
            lint(with_prometheus(
                "http://prometheus:9090",
                "error rate",
                "Error rate"
            )),
            Vec::<String>::new()
        );
        // Host metrics stay the host's.
        assert_eq!(
            lint(with_prometheus("http://prometheus:9090", "cpu", "memory")),
            Vec::<String>::new()
        );
        let p = lint(with_prometheus(
            "http://prometheus:9090",
            "latency",
            "p99 latency",
        ));
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(
            p[0].starts_with("t.yaml:9:16: threshold metric \"latency\"")
                && p[0].contains("expected one of: Error rate"),
            "{p:#?}"
        );
        assert!(
            p[1].starts_with("t.yaml:29:26: verify figure: \"p99 latency\" is not a query in watch.prometheus.figures"),
            "{p:#?}"
        );
    }

    #[test]
    fn the_prometheus_url_interval_and_figures_are_checked() {
        let p = one(with_prometheus("ftp://prometheus", "cpu", "cpu"));
        assert!(
            p.starts_with("t.yaml:5:10: watch.prometheus.url:") && p.contains("http or https"),
            "{p}"
        );
        let p = one(with_prometheus("http://u:pw@prometheus:9090", "cpu", "cpu"));
        assert!(p.contains("no credentials"), "{p}");
        let p = lint(|s| {
            with_prometheus("http://p:9090", "cpu", "cpu")(s).replace(
                "    figures:\n",
                "    interval: soon\n    figures:\n      - {name: Error rate, query: ' '}\n",
            )
        });
        assert_eq!(p.len(), 3, "{p:#?}");
        assert!(p[0].contains("watch.prometheus.interval"), "{p:#?}");
        assert!(p[1].contains("the query is empty"), "{p:#?}");
        assert!(
            p[2].contains("duplicate watch.prometheus figure id \"Error rate\""),
            "{p:#?}"
        );
    }

    #[test]
    fn severity_criteria_have_a_bound_and_name_a_prometheus_figure() {
        let crit = |c: &str| {
            let c = c.to_string();
            move |s: &str| {
                with_prometheus("http://p:9090", "cpu", "cpu")(s).replace(
                    "  - {id: P0, name: Critical, response: 15m}",
                    &format!("  - id: P0\n    name: Critical\n    response: 15m\n    criteria:\n      - {c}"),
                )
            }
        };
        assert_eq!(
            lint(crit(
                "{text: '> 50% errors', figure: Error rate, above: 50}"
            )),
            Vec::<String>::new()
        );
        assert_eq!(lint(crit("{text: Customer reports}")), Vec::<String>::new());
        let p = one(crit(
            "{text: '> 50% errors', figure: error ratio, above: 50}",
        ));
        assert!(
            p.starts_with("t.yaml:")
                && p.contains("criterion figure \"error ratio\" is not a query in watch.prometheus.figures (expected one of: Error rate)"),
            "{p}"
        );
        let p = one(crit("{text: '> 50% errors', figure: Error rate}"));
        assert!(p.contains("has no bound"), "{p}");
        let p = one(crit("{text: '> 50% errors', above: 50}"));
        assert!(p.contains("has a bound but no figure"), "{p}");
    }

    #[test]
    fn a_bad_post_mortem_section_is_placed() {
        let pm = |sections: &str| {
            let sections = sections.to_string();
            move |s: &str| format!("{s}postmortem:\n  sections:\n{sections}")
        };
        // Headings alone and written-out sections mix.
        assert_eq!(
            lint(pm(
                "    - Summary\n    - {heading: Timeline, fill: [timeline, metrics], text: \"[x]\"}\n"
            )),
            Vec::<String>::new()
        );
        // A fill the export does not know: the schema says where and what.
        let p = one(pm("    - {heading: Summary, fill: [summery]}\n"));
        assert!(p.starts_with("t.yaml:28:"), "{p}");
        assert!(p.contains("summery") || p.contains("sections"), "{p}");
        // A fact under two headings, a heading twice, an empty heading.
        let p = lint(pm(concat!(
            "    - {heading: Summary, fill: [summary, timeline]}\n",
            "    - {heading: Timeline, fill: [timeline]}\n",
            "    - summary\n",
            "    - {heading: \"\", text: x}\n",
        )));
        assert_eq!(
            p,
            [
                "t.yaml:29:34: post-mortem section \"Timeline\": fill timeline is already under \"Summary\"; a fact goes under one heading",
                "t.yaml:30:7: post-mortem section \"summary\" is listed twice; keep one",
                "t.yaml:31:17: post-mortem section: the heading is empty; write the heading the report shows",
            ]
        );
        // The report file must stay under where the export runs.
        let p = one(|s: &str| {
            format!("{s}postmortem:\n  file: \"../{{date}}-{{title}}.md\"\n  sections: [Summary]\n")
        });
        assert!(
            p.starts_with("t.yaml:27:9: postmortem.file uses {title}, which is not a field"),
            "{p}"
        );
    }

    #[test]
    fn the_base_is_clean() {
        assert_eq!(lint(|s| s.to_string()), Vec::<String>::new());
    }

    #[test]
    fn unknown_field() {
        assert_eq!(
            one(|s| s.replace(
                "            title: Look\n",
                "            title: Look\n            titel: x\n"
            )),
            "t.yaml:20:13: unknown field \"titel\" in step (expected one of: approval, command, detail, expect, id, role, title, verify)"
        );
    }

    #[test]
    fn wrong_type() {
        assert_eq!(
            one(|s| s.replace("risk: read", "risk: [read]")),
            "t.yaml:23:21: \"risk\" in command is a list (expected a string)"
        );
    }

    #[test]
    fn missing_field() {
        assert_eq!(
            one(|s| s.replace("            title: Look\n", "")),
            "t.yaml:18:13: missing field \"title\" in step"
        );
    }

    #[test]
    fn all_problems_not_only_the_first() {
        let p = lint(|s| {
            s.replace("            title: Look\n", "")
                .replace("risk: read", "risk: loud")
                .replace("title: T", "title: T\nbogus: 1")
        });
        assert_eq!(p.len(), 3, "{p:#?}");
    }

    #[test]
    fn duplicate_id() {
        assert_eq!(
            one(|s| s.replace(
                "  - {id: ic, name: Incident Commander}",
                "  - {id: ic, name: Incident Commander}\n  - {id: ic, name: Again}"
            )),
            "t.yaml:7:10: duplicate role id \"ic\" (first defined at t.yaml:6)"
        );
    }

    #[test]
    fn duplicate_step_id_in_a_procedure() {
        let p = one(|s| format!("{s}          - id: look\n            title: Again\n"));
        assert!(
            p.starts_with("t.yaml:26:17: duplicate step id \"look\""),
            "{p}"
        );
    }

    #[test]
    fn unknown_role_and_severity() {
        assert_eq!(
            one(|s| s.replace("role: ic", "role: cto")),
            "t.yaml:20:19: unknown role \"cto\" (expected one of: ic)"
        );
        assert_eq!(
            one(|s| s.replace("    severity: P0", "    severity: P9")),
            "t.yaml:12:15: unknown severity \"P9\" (expected one of: P0)"
        );
    }

    #[test]
    fn with_names_other_procedures_of_the_playbook() {
        assert_eq!(
            one(|s| s.replace(
                "    severity: P0\n",
                "    severity: P0\n    with: [recovery]\n"
            )),
            "t.yaml:13:12: unknown procedure \"recovery\" (expected one of: outage)"
        );
        assert_eq!(
            one(|s| s.replace(
                "    severity: P0\n",
                "    severity: P0\n    with: [outage]\n"
            )),
            "t.yaml:13:12: procedure \"outage\" lists itself in with: (list the other procedures that go with it)"
        );
    }

    #[test]
    fn a_condition_starts_procedures_of_the_playbook() {
        assert_eq!(
            one(|s| s.replace(
                "{id: breach, name: Breach confirmed}",
                "{id: breach, name: Breach confirmed, starts: [outage, forensics]}"
            )),
            "t.yaml:8:59: unknown procedure \"forensics\" (expected one of: outage)"
        );
        assert!(
            lint(|s| s.replace(
                "{id: breach, name: Breach confirmed}",
                "{id: breach, name: Breach confirmed, starts: [outage]}"
            ))
            .is_empty()
        );
    }

    #[test]
    fn unknown_condition_in_escalation() {
        assert_eq!(
            one(|s| format!("{s}escalation:\n  - {{when: leak, notify: [CEO]}}\n")),
            "t.yaml:27:12: unknown condition \"leak\" (expected one of: breach)"
        );
    }

    #[test]
    fn bad_duration_and_time_box() {
        assert_eq!(
            one(|s| s.replace("response: 15m", "response: 15 parsecs")),
            "t.yaml:4:40: response time: bad duration \"15 parsecs\" (unknown unit \"parsecs\"; expected s, m, h, d or w)"
        );
        assert_eq!(
            one(|s| s.replace("timebox: 0-15m", "timebox: 30m-15m")),
            "t.yaml:16:18: bad time box \"30m-15m\": it ends before it starts (expected a time box like 0-15m, 15m-30m or 30m-4h)"
        );
    }

    #[test]
    fn placeholder_used_but_not_declared() {
        assert_eq!(
            one(|s| s.replace("get pods -n <ns>", "get pods -n <ns> <pod>")),
            "t.yaml:22:20: placeholder <pod> is used but not declared (expected params: {pod: {description: ...}})"
        );
    }

    #[test]
    fn dollar_variables_need_declaring_unless_a_shell_runs_them() {
        assert!(
            one(|s| s.replace("get pods -n <ns>", "get pods -n <ns> --context $CTX"))
                .contains("placeholder $CTX is used but not declared")
        );
        assert_eq!(
            lint(|s| s
                .replace("get pods -n <ns>", "get pods -n <ns> | grep $CTX")
                .replace("risk: read", "risk: read\n              shell: true")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn parameter_declared_but_unused() {
        let p = one(|s| s.replace("get pods -n <ns>", "get pods -n default"));
        assert!(
            p.starts_with("t.yaml:25:17: parameter \"ns\" is declared but not used"),
            "{p}"
        );
    }

    #[test]
    fn pattern_does_not_compile() {
        let p = one(|s| s.replace("\"[a-z-]+\"", "\"[a-z\""));
        assert!(
            p.starts_with("t.yaml:25:55: pattern \"[a-z\" does not compile"),
            "{p}"
        );
    }

    #[test]
    fn risk_lower_than_the_command() {
        assert_eq!(
            one(|s| s.replace("kubectl get pods", "kubectl delete pods")),
            "t.yaml:23:21: risk \"read\" is lower than what the command does (expected destructive or higher for: kubectl delete pods -n <ns>)"
        );
    }

    #[test]
    fn output_and_control_characters_in_a_run() {
        let p = one(|s| s.replace("kubectl get pods -n <ns>", "'* Connected to x <ns>'"));
        assert!(
            p.starts_with("t.yaml:22:20: run looks like a tool's output"),
            "{p}"
        );
        let p = one(|s| {
            s.replace(
                "kubectl get pods -n <ns>",
                "\"kubectl get pods -n <ns>\\e[2J\"",
            )
        });
        assert!(
            p.starts_with("t.yaml:22:20: run holds the control character U+001B"),
            "{p}"
        );
    }

    #[test]
    fn template_fields_are_known() {
        let p = one(|s| {
            format!(
                "{s}templates:\n  - id: status\n    name: Status\n    body: \"{{title}} is {{stauts}}\"\n"
            )
        });
        assert!(
            p.starts_with("t.yaml:27:9: template \"status\" uses unknown field {stauts}"),
            "{p}"
        );
    }

    #[test]
    fn syntax_error_and_missing_include() {
        let p = one(|s| s.replace("name: Outage", "name: [Outage"));
        assert!(p.starts_with("t.yaml:"), "{p}");
        let p = one(|s| format!("{s}include: [nope.yaml]\n"));
        assert!(
            p.contains("t.yaml:26:11: cannot include \"nope.yaml\""),
            "{p}"
        );
    }

    #[test]
    fn timeboxes() {
        use super::parse_timebox;
        let m = |s| parse_timebox(s).map(|(a, b)| (a.as_secs() / 60, b.as_secs() / 60));
        assert_eq!(m("0-15m"), Ok((0, 15)));
        assert_eq!(m("15-30m"), Ok((15, 30)));
        assert_eq!(m("30m-4h"), Ok((30, 240)));
        assert_eq!(m("15m"), Ok((0, 15)));
        assert!(m("soon").is_err());
    }
}
