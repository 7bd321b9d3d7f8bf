//! Sections to playbook parts.

use super::check::bracket_unknown;
use super::code::{
    CodeKind, code_kind, looks_like_command_line, shell_drafts, template_kind, whole_command,
};
use super::headings::{
    Head, PAREN, SEV_ANY, SevHead, clean_heading, normalize_sev, severity_heading,
};
use super::markdown::{Block, Item, Line, join_lines};
use super::names::{Ids, recase, slug};
use super::procedures::{ProcDraft, infer_watch};
use super::sections::Section;
use super::shell;
use super::times::{CADENCE, parse_response, unit_duration};
use crate::playbook::model::{
    At, Command, Followup, Phase, Playbook, Postmortem, PostmortemSection, Procedure, Severity,
    Step, Template,
};
use std::collections::HashSet;

/// What the ancestors of a section say about it.
#[derive(Clone, Debug, Default)]
pub(super) struct Ctx {
    titles: Vec<String>,
    skip: bool,
    severity: bool,
    post: bool,
}

impl Ctx {
    fn templates(&self) -> bool {
        const WORDS: &[&str] = &[
            "template",
            "notification",
            "notify",
            "communication",
            "email",
            "e-mail",
            "message",
            "announcement",
            "status page",
            "status update",
        ];
        self.titles
            .iter()
            .any(|t| WORDS.iter().any(|w| t.contains(w)))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Normal,
    Detection,
    Tools,
    Drills,
    Overview,
    Skip,
}

pub(super) fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

fn classify(name: &str) -> Kind {
    let bare = PAREN.replace_all(name, "").to_lowercase();
    let w = words(&bare);
    let first = w.first().map(String::as_str).unwrap_or("");
    let last = w.last().map(String::as_str).unwrap_or("");
    let has = |x: &str| w.iter().any(|y| y == x);
    const DETECTION: &[&str] = &[
        "detection",
        "detect",
        "symptom",
        "signs",
        "indicator",
        "monitoring threshold",
        "alert threshold",
        "thresholds",
        "how to detect",
        "how to recogni",
    ];
    if DETECTION.iter().any(|d| bare.trim().starts_with(d)) {
        Kind::Detection
    } else if has("tools") || has("tooling") {
        Kind::Tools
    } else if has("drill") || has("drills") || has("tabletop") {
        Kind::Drills
    } else if matches!(
        first,
        "overview" | "purpose" | "scope" | "introduction" | "background" | "about"
    ) && w.len() <= 3
    {
        Kind::Overview
    } else if matches!(
        first,
        "appendix"
            | "appendices"
            | "contact"
            | "contacts"
            | "escalation"
            | "roles"
            | "glossary"
            | "references"
            | "revision"
            | "changelog"
            | "links"
    ) || matches!(
        last,
        "contacts"
            | "roles"
            | "responsibilities"
            | "matrix"
            | "appendix"
            | "appendices"
            | "references"
            | "glossary"
            | "contents"
            | "channels"
            | "history"
            | "links"
    ) || (last == "team" && (has("response") || has("incident") || has("on-call")))
        || has("metrics")
        || bare.contains("contact information")
    {
        Kind::Skip
    } else {
        Kind::Normal
    }
}

fn is_post_incident(name: &str) -> bool {
    let l = name.to_lowercase();
    [
        "post-incident",
        "post incident",
        "postmortem",
        "post-mortem",
        "follow-up",
        "follow up",
        "followup",
        "after the incident",
        "lessons learned",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// A step being built (ids come last).
#[derive(Clone, Debug)]
pub(super) struct Draft {
    /// The markdown line it comes from.
    pub(super) line: usize,
    pub(super) title: String,
    pub(super) detail: Option<String>,
    pub(super) command: Option<Command>,
    /// The title was made from the command's words.
    pub(super) auto_title: bool,
}

impl Draft {
    fn manual(title: &str, detail: Vec<String>, line: usize) -> Self {
        Draft {
            line,
            title: title.trim().to_string(),
            detail: (!detail.is_empty()).then(|| detail.join("\n")),
            command: None,
            auto_title: false,
        }
    }
}

/// What one section gave, mirroring the section tree.
#[derive(Debug, Default)]
pub(super) struct Info {
    pub(super) head: Head,
    pub(super) steps: Vec<Draft>,
    paras: Vec<String>,
    pub(super) detection: Vec<String>,
    pub(super) templates: Vec<String>,
    pub(super) severity_key: Option<String>,
    pub(super) children: Vec<Info>,
    leaf: bool,
    skip: bool,
    /// Its steps came from numbered sub-headings: a procedure of its own.
    pub(super) collapsed: bool,
}

#[derive(Default)]
pub(super) struct Importer {
    /// What was left out, for the summary: (markdown line, what).
    pub(super) skipped: Vec<(usize, String)>,
    severities: Vec<Severity>,
    templates: Vec<Template>,
    template_ids: Ids,
    tools: Vec<String>,
    drills: Vec<String>,
    notes: Vec<String>,
    followups: Vec<Followup>,
    version: Option<String>,
    owner: Option<String>,
    postmortem: Option<Postmortem>,
}

impl Importer {
    pub(super) fn visit(&mut self, s: &Section, parent: &Ctx, root: bool) -> Info {
        let head = clean_heading(&s.title);
        let kind = if root {
            Kind::Normal
        } else {
            classify(&head.name)
        };
        let mut ctx = parent.clone();
        ctx.titles.push(s.title.to_lowercase());
        ctx.skip |= kind == Kind::Skip;
        ctx.post |= is_post_incident(&head.name);
        let lower = head.name.to_lowercase();
        ctx.severity |= ["severity", "severities", "classification", "priority"]
            .iter()
            .any(|w| lower.contains(w));
        let mut info = Info {
            leaf: s.children.is_empty(),
            skip: ctx.skip,
            ..Default::default()
        };

        if !root && let Some(sev) = severity_heading(&s.title, ctx.severity) {
            self.severity_section(sev, s);
            info.head = head;
            return info;
        }

        let followup = ctx.post && !root && head.within.is_some();
        let mut followup_items = Vec::new();
        let mut lead_in: Option<String> = None;
        for b in &s.blocks {
            let mut next_lead_in = None;
            match b {
                Block::List(items) => match kind {
                    Kind::Detection => info.detection.extend(item_texts(items)),
                    Kind::Tools => self.tools.extend(item_texts(items)),
                    Kind::Drills => self
                        .drills
                        .extend(item_texts(items).map(|t| format!("{}: {t}", head.name))),
                    _ if followup => followup_items.extend(item_texts(items)),
                    _ if ctx.skip || kind == Kind::Overview => {
                        // Their commands still count.
                        let mut cmds = list_steps(items, &mut self.skipped);
                        cmds.retain(|d| d.command.is_some());
                        if let Some(line) = list_line(items) {
                            self.skipped.push((
                                line,
                                format!("a list under \"{}\" (not steps)", head.name),
                            ));
                        }
                        info.steps.extend(cmds);
                    }
                    _ => info.steps.extend(list_steps(items, &mut self.skipped)),
                },
                Block::Code {
                    info: lang,
                    text,
                    line,
                } => match code_kind(lang, text, ctx.templates()) {
                    CodeKind::Shell(mode) => {
                        let (mut drafts, skipped) = shell_drafts(text, mode, *line);
                        self.skip_lines(text, *line, &skipped);
                        if let Some(t) = lead_in.take()
                            && let Some(first) = drafts.first_mut()
                            && first.auto_title
                        {
                            first.title = t;
                            first.auto_title = false;
                        }
                        info.steps.extend(drafts);
                    }
                    CodeKind::Template => {
                        let id = self.template(&head.full, text);
                        info.templates.push(id);
                    }
                    CodeKind::Other => {
                        let lang = lang.split_whitespace().next().unwrap_or("");
                        let what = if lang.is_empty() {
                            "a code block without a language that is not shell".to_string()
                        } else {
                            format!("a ```{lang} block (not shell)")
                        };
                        self.skipped.push((line.saturating_sub(1), what));
                    }
                },
                Block::Table {
                    head: h,
                    rows,
                    line,
                } => {
                    let used = !lower.contains("escalation") && self.severity_table(h, rows);
                    if !used {
                        let cols = h.join(" | ");
                        self.skipped
                            .push((*line, format!("a table ({cols}), not steps")));
                    }
                }
                Block::Para(lines) => {
                    let keyed = self.key_lines(lines, &mut info);
                    // Commands in prose: `$ cmd` lines and inline code that
                    // is a whole command.
                    if !keyed {
                        info.steps.extend(prose_commands(lines));
                    }
                    if !keyed {
                        let text = join_lines(lines);
                        if kind == Kind::Overview {
                            self.notes.push(text.clone());
                        }
                        if let Some(t) = text.strip_suffix(':') {
                            next_lead_in = Some(t.trim().to_string());
                        }
                        info.paras.push(text);
                    }
                }
                Block::Heading(..) => {}
            }
            lead_in = next_lead_in;
        }
        // A command holding control or invisible characters (an escape
        // sequence pasted with it) is written with them visible (`^[`,
        // `<U+200B>`), as it would be on screen, and noted for review.
        for d in &mut info.steps {
            let Some(c) = &mut d.command else { continue };
            if crate::sanitize::is_clean(&c.run.value.replace(['\n', '\t'], " ")) {
                continue;
            }
            c.run.value = crate::sanitize::clean_text(&c.run.value);
            self.skipped.push((
                d.line,
                "note: this command holds control or invisible characters, written visibly (^[, <U+…>): check it before use".to_string(),
            ));
        }
        if followup && !followup_items.is_empty() {
            self.followups.push(Followup {
                within: At::new(head.within.clone().unwrap_or_default()),
                name: (!head.name_is_timing).then(|| head.name.clone()),
                items: followup_items,
            });
        }
        info.head = head;
        for c in &s.children {
            let child = self.visit(c, &ctx, false);
            info.children.push(child);
        }
        collapse_numbered(&mut info);
        info
    }

    /// A note for the playbook (the front matter's description).
    pub(super) fn note(&mut self, text: String) {
        self.notes.push(text);
    }

    /// YAML nodes of what is not in procedures (an estimate).
    pub(super) fn fixed_nodes(&self) -> usize {
        40 + self.severities.len() * 12
            + self.templates.len() * 16
            + self.tools.len()
            + self.drills.len()
            + self.notes.len()
            + self
                .followups
                .iter()
                .map(|f| 6 + f.items.len())
                .sum::<usize>()
    }

    /// Output lines of a shell block, grouped into runs.
    fn skip_lines(&mut self, text: &str, first: usize, lines: &[usize]) {
        let all: Vec<&str> = text.lines().collect();
        let mut k = 0;
        while k < lines.len() {
            let mut end = k;
            while end + 1 < lines.len() && lines[end + 1] == lines[end] + 1 {
                end += 1;
            }
            let rel = lines[k] - first;
            let sample: String = all
                .get(rel)
                .map(|l| l.trim().chars().take(60).collect())
                .unwrap_or_default();
            let what = if end == k {
                format!("output, not a command: {sample}")
            } else {
                format!(
                    "{} lines of output (to line {}), not commands: {sample} …",
                    end - k + 1,
                    lines[end]
                )
            };
            self.skipped.push((lines[k], what));
            k = end + 1;
        }
    }

    /// `**Version:** 2.0`, `**Owner:** ...`, `**Severity:** P1` lines.
    /// True when every line of the paragraph is such a `key: value`.
    fn key_lines(&mut self, lines: &[Line], info: &mut Info) -> bool {
        let mut all = true;
        for l in lines {
            let Some((k, v)) = key_value(l) else {
                all = false;
                continue;
            };
            match k.as_str() {
                "version" if self.version.is_none() && !v.is_empty() => self.version = Some(v),
                "owner" | "document owner" if self.owner.is_none() && !v.is_empty() => {
                    self.owner = Some(v)
                }
                "severity" | "priority" => {
                    info.severity_key = SEV_ANY.find(&v).map(|m| normalize_sev(m.as_str()))
                }
                _ => {}
            }
        }
        all
    }

    fn severity_section(&mut self, h: SevHead, s: &Section) {
        let mut response = h.response.as_deref().and_then(parse_response);
        let mut impact = None;
        let mut page = Vec::new();
        let mut examples = Vec::new();
        let mut apply = |k: &str, v: &str| {
            if k.contains("response") || k.contains("respond") || k == "sla" || k == "ack" {
                response = response.clone().or_else(|| parse_response(v));
            } else if matches!(k, "impact" | "description" | "definition") && !v.is_empty() {
                impact = Some(v.to_string());
            } else if (k.contains("escalation") || k == "page" || k == "notify") && !v.is_empty() {
                page = parse_page(v);
            }
        };
        let mut stack = vec![s];
        while let Some(sec) = stack.pop() {
            for b in &sec.blocks {
                match b {
                    Block::Para(lines) => {
                        for l in lines {
                            if let Some((k, v)) = key_value(l).or_else(|| loose_key_value(&l.text))
                            {
                                apply(&k, &v);
                            }
                        }
                    }
                    Block::List(items) => {
                        for item in items {
                            let first = item.blocks.iter().find_map(|b| match b {
                                Block::Para(lines) => lines.first(),
                                _ => None,
                            });
                            match first.and_then(key_value) {
                                Some((k, v)) if !v.is_empty() => apply(&k, &v),
                                _ => examples.extend(item_texts(std::slice::from_ref(item))),
                            }
                        }
                    }
                    _ => {}
                }
            }
            stack.extend(sec.children.iter().rev());
        }
        let Some(response) = response else {
            self.notes.push(format!(
                "Severity {} ({}) has no response time in the runbook; not imported.",
                h.id, h.name
            ));
            return;
        };
        if self.severities.iter().any(|x| x.id.value == h.id) {
            return;
        }
        self.severities.push(Severity {
            id: At::new(h.id),
            name: h.name,
            response: At::new(response),
            impact,
            page,
            examples,
            criteria: Vec::new(),
        });
    }

    /// Severities from a table with a severity and a response column;
    /// false when it is not such a table.
    fn severity_table(&mut self, head: &[String], rows: &[Vec<String>]) -> bool {
        let col = |pred: &dyn Fn(&str) -> bool| head.iter().position(|h| pred(&h.to_lowercase()));
        let Some(sev_c) = col(&|h| {
            h.contains("severity")
                || h.contains("priority")
                || h == "sev"
                || h == "level"
                || h == "id"
        }) else {
            return false;
        };
        let Some(resp_c) =
            col(&|h| h.contains("response time") || h.contains("time to") || h == "sla")
                .or_else(|| col(&|h| h.contains("response")))
        else {
            return false;
        };
        let name_c = col(&|h| h == "name" || h == "label" || h == "title");
        let impact_c = col(&|h| {
            h.contains("impact")
                || h.contains("description")
                || h.contains("definition")
                || h.contains("criteria")
        });
        for row in rows {
            let cell = |c: usize| row.get(c).map(|s| s.trim()).unwrap_or("");
            let Some(m) = SEV_ANY.find(cell(sev_c)) else {
                continue;
            };
            let id = normalize_sev(m.as_str());
            let Some(response) = parse_response(cell(resp_c)) else {
                continue;
            };
            if self.severities.iter().any(|x| x.id.value == id) {
                continue;
            }
            let name = match name_c.map(cell) {
                Some(n) if !n.is_empty() => n.to_string(),
                _ => {
                    let rest = cell(sev_c).replace(m.as_str(), "");
                    let rest = PAREN.replace_all(&rest, "");
                    let rest = rest.trim_matches(|c: char| !c.is_alphanumeric());
                    if rest.is_empty() {
                        id.clone()
                    } else {
                        recase(rest, true)
                    }
                }
            };
            self.severities.push(Severity {
                id: At::new(id),
                name,
                response: At::new(response),
                impact: impact_c
                    .map(cell)
                    .filter(|s| !s.is_empty())
                    .map(String::from),
                page: Vec::new(),
                examples: Vec::new(),
                criteria: Vec::new(),
            });
        }
        true
    }

    fn template(&mut self, section: &str, body: &str) -> String {
        let lines: Vec<&str> = body.lines().collect();
        let first_heading = lines
            .iter()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| l.trim().strip_prefix("# "))
            .map(str::trim);
        let generic = matches!(
            section.to_lowercase().as_str(),
            "communications"
                | "communication"
                | "templates"
                | "template"
                | "communication templates"
                | "notifications"
                | "notification"
                | "messages"
        );
        let name = match first_heading {
            Some(h) if generic || section.is_empty() => h.to_string(),
            _ if section.is_empty() => "Template".to_string(),
            _ => section.to_string(),
        };
        let (mut subject, mut to) = (None, None);
        for l in lines
            .iter()
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| !l.trim().is_empty())
        {
            if let Some((k, v)) = l.split_once(':') {
                match k.trim().to_lowercase().as_str() {
                    "subject" if subject.is_none() => subject = Some(v.trim().to_string()),
                    "to" if to.is_none() => to = Some(v.trim().to_string()),
                    _ => {}
                }
            }
        }
        let kind = template_kind(&name, subject.as_deref());
        let cadence = CADENCE
            .captures(body)
            .and_then(|c| unit_duration(&c[1], &c[2]));
        let id = self.template_ids.take(&slug(&name), "template");
        if kind.as_deref() == Some("postmortem") && self.postmortem.is_none() {
            let sections: Vec<PostmortemSection> = lines
                .iter()
                .filter_map(|l| l.trim().strip_prefix("## "))
                .map(|s| PostmortemSection::Heading(s.trim().to_string()))
                .collect();
            if !sections.is_empty() {
                self.postmortem = Some(Postmortem {
                    within: None,
                    file: None,
                    title: None,
                    header: Vec::new(),
                    sections,
                });
            }
        }
        self.templates.push(Template {
            id: At::new(id.clone()),
            name,
            kind,
            to,
            subject: subject.as_deref().map(bracket_unknown),
            body: bracket_unknown(body),
            cadence: cadence.map(At::new),
        });
        id
    }

    pub(super) fn finish(self, title: &str, drafts: Vec<ProcDraft>) -> Playbook {
        let declared: HashSet<String> =
            self.severities.iter().map(|s| s.id.value.clone()).collect();
        let mut notes = self.notes;
        let mut proc_ids = Ids::default();
        let mut procedures = Vec::new();
        for pd in drafts {
            let (mut phase_ids, mut step_ids) = (Ids::default(), Ids::default());
            let phases = pd
                .phases
                .into_iter()
                .map(|ph| Phase {
                    id: At::new(phase_ids.take(&slug(&ph.name), "phase")),
                    name: ph.name,
                    timebox: ph.timebox.map(At::new),
                    steps: ph
                        .steps
                        .into_iter()
                        .map(|d| Step {
                            id: At::new(step_ids.take(&slug(&d.title), "step")),
                            title: d.title,
                            detail: d.detail,
                            command: d.command,
                            expect: None,
                            role: None,
                            approval: None,
                            verify: Vec::new(),
                        })
                        .collect(),
                })
                .collect();
            let severity = match pd.severity {
                Some(s) if declared.contains(&s) => Some(At::new(s)),
                Some(s) => {
                    notes.push(format!(
                        "Procedure {:?} is marked {s}, which the runbook does not define; left out.",
                        pd.name
                    ));
                    None
                }
                None => None,
            };
            procedures.push(Procedure {
                id: At::new(proc_ids.take(&slug(&pd.name), "procedure")),
                name: pd.name,
                severity,
                detection: dedup(pd.detection),
                phases,
                templates: dedup(pd.templates).into_iter().map(At::new).collect(),
                conditions: Vec::new(),
                with: Vec::new(),
            });
        }
        let watch = infer_watch(&procedures);
        Playbook {
            name: At::new(
                Some(slug(title))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "runbook".into()),
            ),
            title: title.to_string(),
            version: self.version,
            owner: self.owner,
            include: Vec::new(),
            watch,
            severities: self.severities,
            roles: Vec::new(),
            contacts: Vec::new(),
            conditions: Vec::new(),
            escalation: Vec::new(),
            deadlines: Vec::new(),
            procedures,
            templates: self.templates,
            followups: self.followups,
            postmortem: self.postmortem,
            tools: dedup(self.tools),
            drills: self.drills,
            notes,
            redact: Vec::new(),
            approval: None,
            business_day: None,
        }
    }
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    v.into_iter().filter(|x| seen.insert(x.clone())).collect()
}

/// `key: value` from a line that starts with bold text: `**Key:** value`
/// or `**Key**: value`.
fn key_value(l: &Line) -> Option<(String, String)> {
    let lead = l.lead.as_ref()?;
    if let Some(k) = lead.strip_suffix(':') {
        return Some((k.trim().to_lowercase(), l.after.clone()));
    }
    let v = l.after.strip_prefix(':')?;
    Some((lead.trim().to_lowercase(), v.trim().to_string()))
}

/// `Response: 30 minutes` without bold (severity sections only).
fn loose_key_value(text: &str) -> Option<(String, String)> {
    let (k, v) = text.split_once(':')?;
    (k.split_whitespace().count() <= 4).then(|| (k.trim().to_lowercase(), v.trim().to_string()))
}

/// "Page on-call engineer + security team" → the people to page.
fn parse_page(v: &str) -> Vec<String> {
    let v = v
        .strip_prefix("Page ")
        .or_else(|| v.strip_prefix("page "))
        .unwrap_or(v);
    v.split(" + ")
        .flat_map(|p| p.split(", "))
        .map(|p| p.trim().trim_end_matches('.'))
        .filter(|p| !p.is_empty())
        .map(capitalize)
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Each item's text, nested items flattened after it.
fn item_texts(items: &[Item]) -> impl Iterator<Item = String> + '_ {
    items.iter().flat_map(|item| {
        let mut out = Vec::new();
        for b in &item.blocks {
            match b {
                Block::Para(lines) if out.is_empty() => out.push(join_lines(lines)),
                Block::List(sub) => out.extend(item_texts(sub)),
                _ => {}
            }
        }
        out
    })
}

/// `- child` lines for the nested items of a step.
fn detail_lines(items: &[Item], depth: usize) -> Vec<String> {
    let indent = "  ".repeat(depth);
    let mut out = Vec::new();
    for item in items {
        let mut first = true;
        for b in &item.blocks {
            match b {
                Block::Para(lines) if first => {
                    let mark = match item.task {
                        Some(true) => "- [x] ",
                        Some(false) => "- [ ] ",
                        None => "- ",
                    };
                    out.push(format!("{indent}{mark}{}", join_lines(lines)));
                    first = false;
                }
                Block::Para(lines) => out.push(format!("{indent}  {}", join_lines(lines))),
                Block::List(sub) => out.extend(detail_lines(sub, depth + 1)),
                Block::Code { text, .. } => {
                    out.extend(text.lines().map(|l| format!("{indent}    {l}")));
                }
                _ => {}
            }
        }
    }
    out
}

/// The text of an item that is nothing but one inline code span.
fn sole_code(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('`')?.strip_suffix('`')?;
    (!inner.contains('`')).then_some(inner)
}

/// The markdown line of a list.
fn list_line(items: &[Item]) -> Option<usize> {
    items.iter().find_map(|i| {
        i.blocks.iter().find_map(|b| match b {
            Block::Para(lines) => lines.first().map(|l| l.line),
            Block::Code { line, .. } => Some(*line),
            _ => None,
        })
    })
}

/// Inline code spans of a text that are commands to run: a whole command
/// ([`whole_command`]) introduced as one (after `:`, `(`, "run" or "use",
/// or alone) and ending its sentence or clause, with no "do not" or
/// "never" before it. `kubectl rollout undo` in "(`kubectl rollout undo`
/// needs a revision)" or "Do not run `rm -rf /`" is not a step.
fn command_spans(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(a) = text[pos..].find('`') {
        let a = pos + a;
        let Some(b) = text[a + 1..].find('`') else {
            break;
        };
        let b = a + 1 + b;
        let code = &text[a + 1..b];
        pos = b + 1;
        if !whole_command(code) {
            continue;
        }
        let before = text[..a].trim_end();
        let lower = before.to_lowercase();
        let introduced = before.is_empty()
            || before.ends_with(':')
            || before.ends_with('(')
            || ["run", "use", "execute", "type", "with", "then", "or", "and"]
                .iter()
                .any(|w| lower.ends_with(&format!(" {w}")) || lower == *w);
        let after = text[b + 1..].trim_start();
        let ends = after.is_empty()
            || after.starts_with(['.', ',', ';', ':', ')'])
                && after[1..]
                    .trim_start()
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric() || c.is_uppercase());
        let negated = [
            "do not ",
            "don't ",
            "never ",
            "avoid ",
            "instead of ",
            "must not ",
        ]
        .iter()
        .any(|w| format!(" {lower} ").contains(w));
        if introduced && ends && !negated {
            out.push(code.trim().trim_start_matches("$ ").to_string());
        }
    }
    out
}

/// Links of lines as detail lines.
fn link_lines(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .flat_map(|l| l.links.iter())
        .map(|(text, url)| {
            if text.is_empty() || text == url {
                format!("link: {url}")
            } else {
                format!("link: {text} ({url})")
            }
        })
        .collect()
}

/// Commands written in a paragraph: `$ cmd` lines, and inline code that
/// is a whole command. Titled by the sentence when it is short.
fn prose_commands(lines: &[Line]) -> Vec<Draft> {
    let mut out = Vec::new();
    let text = join_lines(lines);
    for l in lines {
        let t = l.text.trim();
        let cmd = if let Some(c) = t.strip_prefix("$ ") {
            let c = c.trim().trim_matches('`');
            (super::code::command_start(c) != super::code::Start::No).then(|| c.to_string())
        } else {
            None
        };
        let cmds: Vec<String> = match cmd {
            Some(c) => vec![c],
            None => command_spans(t),
        };
        for c in cmds {
            let (mut drafts, _) = shell_drafts(&c, shell::Mode::Script, l.line);
            if let Some(first) = drafts.first_mut() {
                let sentence = text.trim().trim_end_matches([':', '.']).trim();
                if t.starts_with("$ ") || sentence.chars().count() > 100 {
                    first.detail = (!t.starts_with("$ ")).then(|| text.clone());
                } else {
                    first.title = sentence.to_string();
                    first.auto_title = false;
                }
                let links = link_lines(lines);
                if !links.is_empty() {
                    let mut d: Vec<String> = first.detail.take().into_iter().collect();
                    d.extend(links);
                    first.detail = Some(d.join("\n"));
                }
            }
            out.extend(drafts);
        }
    }
    out
}

/// List items as steps (see the module doc for nested items).
fn list_steps(items: &[Item], skipped: &mut Vec<(usize, String)>) -> Vec<Draft> {
    let mut out = Vec::new();
    for item in items {
        let mut title = String::new();
        let mut title_lines: &[Line] = &[];
        let mut detail = Vec::new();
        let mut cmds: Vec<Draft> = Vec::new();
        let mut subtasks = Vec::new();
        let mut line = 0;
        for (i, b) in item.blocks.iter().enumerate() {
            match b {
                Block::Para(lines) if i == 0 => {
                    title = join_lines(lines);
                    title_lines = lines;
                    line = lines.first().map_or(0, |l| l.line);
                    detail.extend(link_lines(lines));
                }
                Block::Para(lines) => {
                    detail.push(join_lines(lines));
                    detail.extend(link_lines(lines));
                }
                Block::List(sub) if sub.iter().any(|s| s.task.is_some()) => {
                    subtasks.extend(list_steps(sub, skipped))
                }
                Block::List(sub) => detail.extend(detail_lines(sub, 0)),
                Block::Code {
                    info,
                    text,
                    line: at,
                } => match code_kind(info, text, false) {
                    CodeKind::Shell(mode) => {
                        let (d, s) = shell_drafts(text, mode, *at);
                        cmds.extend(d);
                        for k in s {
                            let sample: String = text
                                .lines()
                                .nth(k - at)
                                .unwrap_or("")
                                .trim()
                                .chars()
                                .take(60)
                                .collect();
                            skipped.push((k, format!("output, not a command: {sample}")));
                        }
                    }
                    _ => detail.push(text.trim_end().to_string()),
                },
                Block::Table { .. } | Block::Heading(..) => {}
            }
        }
        if cmds.is_empty()
            && let Some(code) = sole_code(&title)
            && looks_like_command_line(code)
        {
            cmds = shell_drafts(code, shell::Mode::Script, line).0;
            title.clear();
        } else if cmds.is_empty() {
            // Inline code that is a whole command: the item runs it.
            for c in command_spans(&title) {
                cmds.extend(shell_drafts(&c, shell::Mode::Script, line).0);
            }
            let _ = title_lines;
        }
        let title = title.trim().trim_end_matches(':').trim().to_string();
        if let Some(first) = cmds.first_mut() {
            if !title.is_empty() {
                let mut d = Vec::new();
                if !first.auto_title {
                    d.push(first.title.clone());
                }
                d.extend(first.detail.take());
                d.extend(detail);
                first.title = title;
                first.auto_title = false;
                first.detail = (!d.is_empty()).then(|| d.join("\n"));
            }
            out.extend(cmds);
        } else if !title.is_empty() {
            out.push(Draft::manual(&title, detail, line));
        }
        out.extend(subtasks);
    }
    out
}

/// Numbered leaf headings holding steps are steps themselves.
fn collapse_numbered(info: &mut Info) {
    let with_steps = info.children.iter().filter(|k| !k.steps.is_empty()).count();
    let numbered = |k: &Info| k.leaf && k.head.numbered && !k.skip;
    if with_steps < 2
        || !info
            .children
            .iter()
            .filter(|k| !k.steps.is_empty())
            .all(numbered)
    {
        return;
    }
    let kids = std::mem::take(&mut info.children);
    for k in kids {
        if !numbered(&k) || (k.steps.is_empty() && k.paras.is_empty()) {
            info.children.push(k);
            continue;
        }
        info.detection.extend(k.detection);
        info.templates.extend(k.templates);
        let mut detail = k.paras;
        let mut cmds = Vec::new();
        for d in k.steps {
            if d.command.is_some() {
                cmds.push(d);
            } else {
                detail.push(format!("- {}", d.title));
                if let Some(x) = d.detail {
                    detail.extend(x.lines().map(|l| format!("  {l}")));
                }
            }
        }
        let title = k.head.name;
        if let Some(first) = cmds.first_mut() {
            if !first.auto_title {
                detail.insert(0, first.title.clone());
            }
            detail.extend(first.detail.take());
            first.title = title;
            first.auto_title = false;
            first.detail = (!detail.is_empty()).then(|| detail.join("\n"));
            info.steps.extend(cmds);
        } else {
            info.steps.push(Draft::manual(&title, detail, 0));
        }
    }
    info.collapsed = true;
}
