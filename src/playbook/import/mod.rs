//! `playbook import`: a markdown runbook becomes a playbook.
//!
//! The runbook is read with pulldown-cmark into blocks (headings,
//! paragraphs, lists, fenced code, tables), and the blocks into a tree of
//! sections. A paragraph that is only bold text ending with `:`
//! (`**Immediate Actions (0-15 min):**`, `**Detection**:`) is a heading
//! one level below the heading it sits under.
//!
//! Where things go:
//! - **title**: the first H1, else the file stem; `name` is its slug.
//! - **steps**: list items and `- [ ]` / `- [x]` checkboxes are manual
//!   steps (the item's text, inline code kept as `` `code` ``). Nested
//!   items are the parent's `detail` (`- child` lines), except nested
//!   checkboxes, which are steps of their own. Every command of a shell
//!   block (`bash`, `sh`, `shell`, `zsh`, `console`, or no language when
//!   the lines look like commands) is a command step: the `# comment`
//!   directly above is its title (earlier lines of that comment are its
//!   detail), else the item or the `...:` paragraph that introduces the
//!   block, else the command's first words. `\` continuations are joined,
//!   here-docs and `for`/`while`/`if`/`case` constructs stay one multi-line
//!   command, `$ ` and `# ` prompts of console blocks are stripped and
//!   their output dropped, a bare `cd DIR` becomes the `workdir` of the
//!   block's later commands, and `export NAME=value` the default of the
//!   `$NAME` parameter of later commands.
//! - **phases and procedures** (the heading rule): a section that directly
//!   holds steps is a phase, and its parent section is the procedure. A
//!   procedure nested right under another procedure adds its phases to the
//!   outer one when it holds steps itself or is named "... Phase"/"...
//!   Stage"; otherwise it is a procedure of its own. When the sections
//!   holding steps are all numbered leaves (`### Step 2: Check the logs`,
//!   `### 2. Check the logs`), each is a step, and their parent a
//!   procedure with one phase. Steps right under the title make a
//!   procedure named after the title.
//! - **names**: numbering (`3.1`, `2.`, `Step 2:`) is stripped, time boxes
//!   (`(0-15 min)`, `(First 15 minutes)`, `(30 min - 4 hours)`) become the
//!   phase's `timebox`, a severity (`(P0)`) the procedure's `severity`,
//!   and ALL-CAPS words are recased.
//! - **severities**: tables with a severity and a response column, and
//!   headings such as `#### P0 - CRITICAL` (with `**Response Time:** ...`
//!   below) or `#### Critical (P0) - 15 minutes response time`.
//! - **templates**: fenced `markdown`/`text`/plain blocks under a heading
//!   about templates, notifications or communication, or starting with
//!   `Subject:` or `To:`.
//! - **detection**: the lists of a "Detection"/"Symptoms"/"Monitoring
//!   Thresholds" section go to its procedure's `detection`.
//! - **follow-ups**: under a post-incident heading, lists under "Within 24
//!   hours"-style headings.
//! - tools, drills and the overview go to `tools`, `drills` and `notes`;
//!   contact, team, role, escalation and appendix sections are skipped
//!   (their shell blocks are still imported).
//!
//! Every command step has the risk [`risk::infer`] gives (raised, never
//! lowered, for SQL fed to a database client by a here-doc), `shell: true`
//! when it needs a shell, and a parameter for each placeholder
//! ([`placeholders::find`]) and each `name-xxx` sample pod name.

use super::model::{
    At, Command, Followup, Param, Phase, Playbook, Postmortem, Procedure, Risk, Severity, Step,
    Template, Watch,
};
use super::{placeholders, risk};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

/// Why a runbook could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Nothing in the runbook can become a step.
    NoSteps { source: String },
    /// The playbook made breaks a playbook rule (a bug in the importer).
    Invalid {
        source: String,
        problems: Vec<String>,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::NoSteps { source } => write!(
                f,
                "{source}: nothing to import: no list, checklist or shell block under any heading"
            ),
            ImportError::Invalid { source, problems } => write!(
                f,
                "{source}: the imported playbook is not valid (an importer bug): {}",
                problems.join("; ")
            ),
        }
    }
}

impl std::error::Error for ImportError {}

/// Imports a markdown runbook. `source_name` names it in errors and, when
/// the runbook has no H1, gives the title (its file stem).
pub fn import(markdown: &str, source_name: &str) -> Result<Playbook, ImportError> {
    let mut root = sections(parse_markdown(markdown));
    let stem = Path::new(source_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "runbook".into());
    let title = match root.children.iter().position(|s| s.level == 1 && !s.pseudo) {
        Some(i) => {
            let title = clean_heading(&root.children[i].title).full;
            let h1s = root
                .children
                .iter()
                .filter(|s| s.level == 1 && !s.pseudo)
                .count();
            if h1s == 1 {
                // One H1: its sections are the document's.
                let h1 = root.children.remove(i);
                let tail = root.children.split_off(i);
                root.blocks.extend(h1.blocks);
                root.children.extend(h1.children);
                root.children.extend(tail);
            }
            title
        }
        None => stem.clone(),
    };
    let title = if title.trim().is_empty() { stem } else { title };

    let mut im = Importer::default();
    let info = im.visit(&root, &Ctx::default(), true);
    let mut drafts = Vec::new();
    walk(&info, true, &title, &mut drafts);
    if drafts.is_empty() {
        return Err(ImportError::NoSteps {
            source: source_name.to_string(),
        });
    }
    let pb = im.finish(&title, drafts);
    let problems = check(&pb);
    if problems.is_empty() {
        Ok(pb)
    } else {
        Err(ImportError::Invalid {
            source: source_name.to_string(),
            problems,
        })
    }
}

/// The playbook as YAML (serde-saphyr); `load::parse_yaml` reads it back.
pub fn to_yaml(pb: &Playbook) -> String {
    // A playbook is strings, lists and maps: it always serialises.
    let yaml = serde_saphyr::to_string(pb).expect("a playbook serialises to YAML");
    // The YAML writer escapes controls in quoted strings but writes bidi
    // overrides and invisible characters raw: shown as <U+XXXX>, so the
    // file (or the terminal it is printed to) is inert and a reviewer sees
    // them in a command.
    crate::sanitize::clean_text(&yaml)
}

// ---------------------------------------------------------------------------
// Markdown to blocks

/// One line of a paragraph: its text, and the bold text it starts with.
#[derive(Clone, Debug, Default)]
struct Line {
    text: String,
    lead: Option<String>,
    after: String,
}

#[derive(Clone, Debug)]
enum Block {
    Heading(u8, String),
    Para(Vec<Line>),
    List(Vec<Item>),
    Code {
        info: String,
        text: String,
    },
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

#[derive(Clone, Debug)]
struct Item {
    task: Option<bool>,
    blocks: Vec<Block>,
}

/// Inline events gathered into lines of (text, bold) runs.
#[derive(Default)]
struct Inline {
    lines: Vec<Vec<(String, bool)>>,
    strong: usize,
}

impl Inline {
    fn is_empty(&self) -> bool {
        self.lines
            .iter()
            .all(|l| l.iter().all(|(t, _)| t.trim().is_empty()))
    }

    fn push(&mut self, t: &str) {
        let strong = self.strong > 0;
        match self.lines.last_mut() {
            Some(l) => l.push((t.to_string(), strong)),
            None => self.lines.push(vec![(t.to_string(), strong)]),
        }
    }

    /// Takes an inline event; false when it is not one.
    fn feed(&mut self, ev: &Event) -> bool {
        match ev {
            Event::Text(t) => self.push(t),
            Event::Code(c) => self.push(&format!("`{c}`")),
            // `<compromised-pod>` in prose reads as inline HTML.
            Event::InlineHtml(h) | Event::InlineMath(h) => self.push(h),
            Event::SoftBreak | Event::HardBreak => self.lines.push(Vec::new()),
            Event::FootnoteReference(_) => {}
            Event::Start(Tag::Strong) => self.strong += 1,
            Event::End(TagEnd::Strong) => self.strong = self.strong.saturating_sub(1),
            Event::Start(
                Tag::Emphasis
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. },
            ) => {}
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            _ => return false,
        }
        true
    }

    fn take(&mut self) -> Vec<Line> {
        self.strong = 0;
        std::mem::take(&mut self.lines)
            .into_iter()
            .map(|segs| {
                let text: String = segs.iter().map(|(t, _)| t.as_str()).collect();
                let mut i = 0;
                while i < segs.len() && !segs[i].1 && segs[i].0.trim().is_empty() {
                    i += 1;
                }
                let mut lead = String::new();
                while i < segs.len() && segs[i].1 {
                    lead.push_str(&segs[i].0);
                    i += 1;
                }
                let after: String = segs[i..].iter().map(|(t, _)| t.as_str()).collect();
                let lead = lead.trim().to_string();
                Line {
                    text: text.trim().to_string(),
                    lead: (!lead.is_empty()).then_some(lead),
                    after: after.trim().to_string(),
                }
            })
            .filter(|l| !l.text.is_empty())
            .collect()
    }
}

fn parse_markdown(md: &str) -> Vec<Block> {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    let mut it = Parser::new_ext(md, opts);
    blocks(&mut it, &mut None)
}

/// Blocks up to the end of the enclosing container (or of the document).
fn blocks(it: &mut Parser<'_>, task: &mut Option<bool>) -> Vec<Block> {
    let mut out = Vec::new();
    // Inline content straight in a tight list item.
    let mut loose = Inline::default();
    fn flush(loose: &mut Inline, out: &mut Vec<Block>) {
        if loose.is_empty() {
            loose.take();
        } else {
            out.push(Block::Para(loose.take()));
        }
    }
    while let Some(ev) = it.next() {
        if loose.feed(&ev) {
            continue;
        }
        match ev {
            Event::TaskListMarker(done) => *task = Some(done),
            Event::Start(tag) => {
                flush(&mut loose, &mut out);
                match tag {
                    Tag::Paragraph => out.push(Block::Para(inline(it))),
                    Tag::Heading { level, .. } => {
                        let text = join_lines(&inline(it));
                        out.push(Block::Heading(level as u8, text));
                    }
                    Tag::List(_) => out.push(Block::List(items(it))),
                    Tag::CodeBlock(kind) => {
                        let info = match kind {
                            CodeBlockKind::Fenced(i) => i.to_string(),
                            CodeBlockKind::Indented => String::new(),
                        };
                        out.push(Block::Code {
                            info,
                            text: code(it),
                        });
                    }
                    Tag::Table(_) => out.push(table(it)),
                    _ => skip(it),
                }
            }
            Event::End(_) => break,
            _ => {}
        }
    }
    flush(&mut loose, &mut out);
    out
}

/// Inline content up to the end of the paragraph, heading or cell.
fn inline(it: &mut Parser<'_>) -> Vec<Line> {
    let mut acc = Inline::default();
    let mut depth = 0;
    for ev in it.by_ref() {
        if acc.feed(&ev) {
            continue;
        }
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    acc.take()
}

fn items(it: &mut Parser<'_>) -> Vec<Item> {
    let mut out = Vec::new();
    while let Some(ev) = it.next() {
        match ev {
            Event::Start(Tag::Item) => {
                let mut task = None;
                let blocks = blocks(it, &mut task);
                out.push(Item { task, blocks });
            }
            Event::End(_) => break,
            _ => {}
        }
    }
    out
}

fn code(it: &mut Parser<'_>) -> String {
    let mut s = String::new();
    for ev in it.by_ref() {
        match ev {
            Event::Text(t) => s.push_str(&t),
            Event::End(_) => break,
            _ => {}
        }
    }
    s
}

fn table(it: &mut Parser<'_>) -> Block {
    let mut head = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut in_head = false;
    while let Some(ev) = it.next() {
        match ev {
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => {
                let t = join_lines(&inline(it));
                if in_head {
                    head.push(t);
                } else if let Some(r) = rows.last_mut() {
                    r.push(t);
                }
            }
            Event::End(TagEnd::Table) => break,
            _ => {}
        }
    }
    Block::Table { head, rows }
}

fn skip(it: &mut Parser<'_>) {
    let mut depth = 1;
    for ev in it.by_ref() {
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
}

fn join_lines(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// Blocks to sections

#[derive(Debug, Default)]
struct Section {
    title: String,
    level: u8,
    /// A bold paragraph acting as a heading.
    pseudo: bool,
    blocks: Vec<Block>,
    children: Vec<Section>,
}

/// `**Immediate Actions (0-15 min):**` or `**Detection**:` alone.
fn pseudo_heading(lines: &[Line]) -> Option<String> {
    let [l] = lines else { return None };
    let lead = l.lead.as_ref()?;
    let is_heading = (l.after.is_empty() && lead.ends_with(':')) || l.after == ":";
    is_heading.then(|| lead.trim_end_matches(':').trim().to_string())
}

fn sections(blocks: Vec<Block>) -> Section {
    let mut stack = vec![Section::default()];
    fn close(stack: &mut Vec<Section>) {
        if let Some(s) = stack.pop()
            && let Some(parent) = stack.last_mut()
        {
            parent.children.push(s);
        }
    }
    for b in blocks {
        let (level, title, pseudo) = match &b {
            Block::Heading(l, t) => (*l, t.clone(), false),
            Block::Para(lines) if pseudo_heading(lines).is_some() => {
                let real = stack
                    .iter()
                    .rev()
                    .find(|s| !s.pseudo)
                    .map_or(0, |s| s.level);
                (real + 1, pseudo_heading(lines).unwrap_or_default(), true)
            }
            _ => {
                if let Some(top) = stack.last_mut() {
                    top.blocks.push(b);
                }
                continue;
            }
        };
        while stack.len() > 1 && stack.last().is_some_and(|s| s.level >= level) {
            close(&mut stack);
        }
        stack.push(Section {
            title,
            level,
            pseudo,
            ..Default::default()
        });
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Sections to playbook parts

/// What the ancestors of a section say about it.
#[derive(Clone, Debug, Default)]
struct Ctx {
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

fn words(s: &str) -> Vec<String> {
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
struct Draft {
    title: String,
    detail: Option<String>,
    command: Option<Command>,
    /// The title was made from the command's words.
    auto_title: bool,
}

impl Draft {
    fn manual(title: &str, detail: Vec<String>) -> Self {
        Draft {
            title: title.trim().to_string(),
            detail: (!detail.is_empty()).then(|| detail.join("\n")),
            command: None,
            auto_title: false,
        }
    }
}

/// What one section gave, mirroring the section tree.
#[derive(Debug, Default)]
struct Info {
    head: Head,
    steps: Vec<Draft>,
    paras: Vec<String>,
    detection: Vec<String>,
    templates: Vec<String>,
    severity_key: Option<String>,
    children: Vec<Info>,
    leaf: bool,
    skip: bool,
    /// Its steps came from numbered sub-headings: a procedure of its own.
    collapsed: bool,
}

#[derive(Default)]
struct Importer {
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
    fn visit(&mut self, s: &Section, parent: &Ctx, root: bool) -> Info {
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
                    _ if ctx.skip || kind == Kind::Overview => {}
                    _ => info.steps.extend(list_steps(items)),
                },
                Block::Code { info: lang, text } => match code_kind(lang, text, ctx.templates()) {
                    CodeKind::Shell(mode) => {
                        let mut drafts = shell_drafts(text, mode);
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
                    CodeKind::Other => {}
                },
                Block::Table { head: h, rows } => {
                    if !lower.contains("escalation") {
                        self.severity_table(h, rows);
                    }
                }
                Block::Para(lines) => {
                    let keyed = self.key_lines(lines, &mut info);
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
        });
    }

    fn severity_table(&mut self, head: &[String], rows: &[Vec<String>]) {
        let col = |pred: &dyn Fn(&str) -> bool| head.iter().position(|h| pred(&h.to_lowercase()));
        let Some(sev_c) = col(&|h| {
            h.contains("severity")
                || h.contains("priority")
                || h == "sev"
                || h == "level"
                || h == "id"
        }) else {
            return;
        };
        let Some(resp_c) =
            col(&|h| h.contains("response time") || h.contains("time to") || h == "sla")
                .or_else(|| col(&|h| h.contains("response")))
        else {
            return;
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
            });
        }
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
            let sections: Vec<String> = lines
                .iter()
                .filter_map(|l| l.trim().strip_prefix("## "))
                .map(|s| s.trim().to_string())
                .collect();
            if !sections.is_empty() {
                self.postmortem = Some(Postmortem {
                    within: None,
                    file: None,
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

    fn finish(self, title: &str, drafts: Vec<ProcDraft>) -> Playbook {
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

/// List items as steps (see the module doc for nested items).
fn list_steps(items: &[Item]) -> Vec<Draft> {
    let mut out = Vec::new();
    for item in items {
        let mut title = String::new();
        let mut detail = Vec::new();
        let mut cmds: Vec<Draft> = Vec::new();
        let mut subtasks = Vec::new();
        for (i, b) in item.blocks.iter().enumerate() {
            match b {
                Block::Para(lines) if i == 0 => title = join_lines(lines),
                Block::Para(lines) => detail.push(join_lines(lines)),
                Block::List(sub) if sub.iter().any(|s| s.task.is_some()) => {
                    subtasks.extend(list_steps(sub))
                }
                Block::List(sub) => detail.extend(detail_lines(sub, 0)),
                Block::Code { info, text } => match code_kind(info, text, false) {
                    CodeKind::Shell(mode) => cmds.extend(shell_drafts(text, mode)),
                    _ => detail.push(text.trim_end().to_string()),
                },
                Block::Table { .. } | Block::Heading(..) => {}
            }
        }
        if cmds.is_empty()
            && let Some(code) = sole_code(&title)
            && looks_like_command_line(code)
        {
            cmds = shell_drafts(code, shell::Mode::Script);
            title.clear();
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
            out.push(Draft::manual(&title, detail));
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
            info.steps.push(Draft::manual(&title, detail));
        }
    }
    info.collapsed = true;
}

// ---------------------------------------------------------------------------
// Procedures and phases

#[derive(Debug)]
struct ProcDraft {
    name: String,
    severity: Option<String>,
    detection: Vec<String>,
    phases: Vec<PhaseDraft>,
    templates: Vec<String>,
}

#[derive(Debug)]
struct PhaseDraft {
    name: String,
    timebox: Option<String>,
    steps: Vec<Draft>,
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

fn walk(info: &Info, root: bool, title: &str, out: &mut Vec<ProcDraft>) {
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
fn infer_watch(procs: &[Procedure]) -> Watch {
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
            let ok =
                |v: &str| !v.is_empty() && placeholders::find(v).is_empty() && !v.contains('$');
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

// ---------------------------------------------------------------------------
// Headings

#[derive(Clone, Debug, Default)]
struct Head {
    /// Numbering, time box and severity stripped, recased.
    name: String,
    /// Numbering stripped, recased, parentheses kept.
    full: String,
    timebox: Option<String>,
    /// The time box when it is only an end ("Within 24 hours").
    within: Option<String>,
    severity: Option<String>,
    numbered: bool,
    name_is_timing: bool,
}

static PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*(?:\(([^()]*)\)|\[([^\[\]]*)\])").expect("regex"));
static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?i:step)\s*\d+\s*[.:)\-–—]?\s+|\d+(?:\.\d+)+\.?\s+|\d+[.)]\s+)")
        .expect("regex")
});
/// Where a heading's trailing part starts: ` - `, ` — `, ` | `, `: `.
static TRAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+[-–—|]\s+|:\s+").expect("regex"));
const SEV_ID: &str = r"(?i:P[0-5]|SEV[- ]?[0-5])";
static SEV_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^{SEV_ID}$")).expect("regex"));
static SEV_ANY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"\b{SEV_ID}\b")).expect("regex"));

fn strip_numbering(t: &str) -> (&str, bool) {
    match NUMBERING.find(t) {
        Some(m) => (&t[m.end()..], true),
        None => (t, false),
    }
}

fn normalize_sev(s: &str) -> String {
    s.to_uppercase().replace(['-', ' '], "")
}

fn clean_heading(raw: &str) -> Head {
    let t = raw.trim().trim_end_matches(':').trim();
    let (t, numbered) = strip_numbering(t);
    let full = recase(t, true);
    let mut head = Head {
        numbered,
        full: full.clone(),
        ..Default::default()
    };
    let apply = |head: &mut Head, tm: Timing| match tm {
        Timing::Range(s) => head.timebox = Some(s),
        Timing::Within(s) => {
            head.timebox = timebox_ok(&s).then(|| s.clone());
            head.within = Some(s);
        }
    };
    if let Some(tm) = parse_timing(t) {
        apply(&mut head, tm);
        head.name = full;
        head.name_is_timing = true;
        return head;
    }
    let mut name = String::new();
    let mut last = 0;
    for c in PAREN.captures_iter(t) {
        let whole = c.get(0).expect("match");
        let inner = c.get(1).or(c.get(2)).map_or("", |m| m.as_str()).trim();
        let keep = if SEV_ONLY.is_match(inner) {
            head.severity.get_or_insert(normalize_sev(inner));
            false
        } else if let Some(tm) = parse_timing(inner) {
            apply(&mut head, tm);
            false
        } else {
            true
        };
        name.push_str(&t[last..whole.start()]);
        if keep {
            name.push_str(whole.as_str());
        }
        last = whole.end();
    }
    name.push_str(&t[last..]);
    // "Fail over - P1", "Triage — 0-10 min"
    if let Some(m) = TRAIL.find_iter(&name).last() {
        let tail = name[m.end()..].trim().to_string();
        let start = m.start();
        if SEV_ONLY.is_match(&tail) {
            head.severity.get_or_insert(normalize_sev(&tail));
            name.truncate(start);
        } else if let Some(Timing::Range(s)) = parse_timing(&tail) {
            head.timebox = Some(s);
            name.truncate(start);
        }
    }
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = name.trim_matches(|c: char| matches!(c, ':' | '-' | '–' | '—' | '|' | ',' | ' '));
    head.name = if name.is_empty() {
        full
    } else {
        recase(name, true)
    };
    head
}

/// A severity heading: `P0 - CRITICAL`, `Critical (P0) - 15 minutes
/// response time`, `SEV2 (Major)`.
#[derive(Debug, PartialEq)]
struct SevHead {
    id: String,
    name: String,
    response: Option<String>,
}

static SEV_A: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^({SEV_ID})\s*(?:[-–—:|]\s*(.+))?$")).expect("regex"));
static SEV_B: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(.+?)\s*[(\[]({SEV_ID})[)\]]\s*(?:[-–—:|]\s*(.+))?$"
    ))
    .expect("regex")
});
static SEV_C: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^({SEV_ID})\s*\(([^)]+)\)\s*(?:[-–—:|]\s*(.+))?$"
    ))
    .expect("regex")
});

fn is_severity_word(name: &str) -> bool {
    const W: &[&str] = &[
        "critical",
        "high",
        "medium",
        "moderate",
        "low",
        "major",
        "minor",
        "urgent",
        "emergency",
        "severe",
        "warning",
        "info",
        "informational",
        "blocker",
        "trivial",
        "normal",
        "elevated",
    ];
    let w = words(name);
    !w.is_empty() && w.iter().all(|x| W.contains(&x.as_str()))
}

fn severity_heading(title: &str, in_severity: bool) -> Option<SevHead> {
    let (t, _) = strip_numbering(title.trim().trim_end_matches(':').trim());
    let (id, name, rest) = if let Some(c) = SEV_C.captures(t) {
        (c[1].to_string(), c[2].to_string(), c.get(3))
    } else if let Some(c) = SEV_A.captures(t) {
        let tail = c.get(2).map_or("", |m| m.as_str());
        // "P0 - CRITICAL" or "P0 - Critical - 15 minutes"
        let (name, rest) = match tail.split_once(" - ") {
            Some((n, r)) => (n, Some(r)),
            None => (tail, None),
        };
        return finish_sev(&c[1], name, rest, in_severity);
    } else if let Some(c) = SEV_B.captures(t) {
        (c[2].to_string(), c[1].to_string(), c.get(3))
    } else {
        return None;
    };
    finish_sev(&id, &name, rest.map(|m| m.as_str()), in_severity)
}

fn finish_sev(id: &str, name: &str, rest: Option<&str>, in_severity: bool) -> Option<SevHead> {
    let name = name.trim();
    if !(in_severity || is_severity_word(name)) {
        return None;
    }
    let id = normalize_sev(id);
    Some(SevHead {
        name: if name.is_empty() {
            id.clone()
        } else if is_severity_word(name) {
            capitalize_parts(&name.to_lowercase(), true)
        } else {
            recase(name, true)
        },
        id,
        response: rest.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
    })
}

// ---------------------------------------------------------------------------
// Times

#[derive(Clone, Debug, PartialEq, Eq)]
enum Timing {
    /// `0-15m`, `15m-30m`
    Range(String),
    /// Only an end: `24h`
    Within(String),
}

const UNIT: &str =
    r"(seconds?|secs?|s|minutes?|mins?|months?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)";
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:t\s*\+\s*)?(\d+)\s*{UNIT}?\s*(?:-|to)\s*(?:t\s*\+\s*)?(\d+)\s*{UNIT}$"
    ))
    .expect("regex")
});
static FIRST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^(?:the\s+)?first\s+(\d+)?\s*{UNIT}$")).expect("regex"));
static WITHIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:within|<|≤|<=|under|up to|less than|max|by)?\s*(\d+)\s*{UNIT}$"
    ))
    .expect("regex")
});
static ANY_DURATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(\d+(?:\.\d+)?)\s*{UNIT}\b")).expect("regex"));
static CADENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)updates?\s+every\s+(\d+)\s*(minutes?|mins?|hours?|hrs?)\b").expect("regex")
});

/// `15` `minutes` → `15m`; months are 30 days.
/// `15 min` → `15m`, when that is a duration lint accepts (a runbook's
/// 18446744073709551615 hours is not).
fn unit_duration(n: &str, unit: &str) -> Option<String> {
    written_duration(n, unit).filter(|d| duration_ok(d))
}

fn written_duration(n: &str, unit: &str) -> Option<String> {
    let u = unit.to_lowercase();
    let (mult, letter) = if u.starts_with("mo") {
        (30.0, 'd')
    } else {
        match u.chars().next()? {
            's' => (1.0, 's'),
            'm' => (1.0, 'm'),
            'h' => (1.0, 'h'),
            'd' => (1.0, 'd'),
            'w' => (1.0, 'w'),
            _ => return None,
        }
    };
    let n: f64 = n.parse().ok()?;
    let v = n * mult;
    if v.fract() == 0.0 {
        return Some(format!("{}{letter}", v as u64));
    }
    // 1.5h → 90m
    let (smaller, factor) = match letter {
        'w' => ('d', 7.0),
        'd' => ('h', 24.0),
        'h' => ('m', 60.0),
        _ => ('s', 60.0),
    };
    Some(format!("{}{smaller}", (v * factor).round() as u64))
}

fn parse_timing(text: &str) -> Option<Timing> {
    let t = text
        .trim()
        .to_lowercase()
        .replace(['–', '—'], "-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(c) = FIRST.captures(&t) {
        let n = c.get(1).map_or("1", |m| m.as_str());
        return Some(Timing::Range(format!("0-{}", unit_duration(n, &c[2])?)));
    }
    if let Some(c) = RANGE.captures(&t) {
        let end_unit = &c[4];
        let start_unit = c.get(2).map_or(end_unit, |m| m.as_str());
        let end = unit_duration(&c[3], end_unit)?;
        let start: u64 = c[1].parse().ok()?;
        let range = if start == 0 {
            format!("0-{end}")
        } else {
            format!("{}-{end}", unit_duration(&c[1], start_unit)?)
        };
        // `T+92 to T+45 min` ends before it starts: not a time box.
        return timebox_ok(&range).then_some(Timing::Range(range));
    }
    if let Some(c) = WITHIN.captures(&t) {
        return Some(Timing::Within(unit_duration(&c[1], &c[2])?));
    }
    None
}

/// A severity's response time: `15m`, `1h`, or `next business day`.
fn parse_response(text: &str) -> Option<String> {
    let l = text.to_lowercase();
    if l.contains("business day") || l.contains("next day") {
        return Some("next business day".into());
    }
    if let Some(c) = ANY_DURATION.captures(&l) {
        return unit_duration(&c[1], &c[2]);
    }
    l.contains("immediate").then(|| "0m".into())
}

// ---------------------------------------------------------------------------
// Names and ids

/// ALL-CAPS text recased: `IMMEDIATE ACTIONS` → `Immediate Actions`
/// (`title`) or `Immediate actions`. Short all-caps words (`RDS`, `API`,
/// `P0`) are kept; mixed-case words (`DDoS`) too.
fn recase(s: &str, title: bool) -> String {
    const SHORT: &[&str] = &[
        "THE", "AND", "FOR", "NEW", "ALL", "OFF", "OUT", "GET", "SET", "RUN", "USE", "NOT", "ANY",
        "PER", "VIA", "NOW", "TOP", "TO", "OF", "IN", "ON", "AT", "A", "AN", "OR", "IF", "BY",
        "IS", "BE", "UP", "NO", "ADD", "FIX", "LOG", "ONE", "TWO", "KEY", "CAN", "OWN", "HOW",
        "WHO", "WHY", "OLD", "BAD", "END", "DAY", "ASK", "BUT", "ITS", "OUR", "YOU", "ARE", "WAS",
        "HAS", "LET", "PUT", "TRY", "SEE", "MAY", "FEW", "LOW", "DO", "GO", "AS", "IT", "WE", "MY",
        "SO",
    ];
    const SMALL: &[&str] = &[
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
        "to", "with", "via", "vs",
    ];
    let caps_word = |w: &str| {
        let letters: String = w.chars().filter(|c| c.is_alphabetic()).collect();
        !letters.is_empty()
            && letters.chars().all(|c| c.is_uppercase())
            && (letters.chars().count() > 3 || SHORT.contains(&letters.as_str()))
    };
    let letters: String = s.chars().filter(|c| c.is_alphabetic()).collect();
    // One all-caps word of up to 4 letters is an acronym (`GDPR`), unless
    // it is a common word.
    let all_caps = !letters.is_empty()
        && letters.chars().all(|c| c.is_uppercase())
        && (letters.chars().count() > 4 || SHORT.contains(&letters.as_str()));
    let shouting = all_caps || s.split_whitespace().filter(|w| caps_word(w)).count() >= 2;
    if !shouting {
        return s.to_string();
    }
    let mut out = Vec::new();
    let mut first = true;
    for w in s.split(' ') {
        if !caps_word(w) {
            if w.chars().any(char::is_alphabetic) {
                first = false;
            }
            out.push(w.to_string());
            continue;
        }
        let lower = w.to_lowercase();
        let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
        let word = if first {
            capitalize_parts(&lower, title)
        } else if title && !SMALL.contains(&bare) {
            capitalize_parts(&lower, true)
        } else {
            lower
        };
        first = false;
        out.push(word);
    }
    out.join(" ")
}

/// `post-incident` → `Post-Incident` (every part) or `Post-incident`.
fn capitalize_parts(w: &str, every: bool) -> String {
    let mut out = String::new();
    let mut up = true;
    for c in w.chars() {
        if up && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
        if every && (c == '-' || c == '/') {
            up = true;
        }
    }
    out
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            continue;
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.len() <= 40 {
        return out.to_string();
    }
    let cut = &out[..40];
    match cut.rfind('-') {
        Some(i) if i >= 12 => cut[..i].to_string(),
        _ => cut.trim_end_matches('-').to_string(),
    }
}

/// Ids unique in one scope: `x`, `x-2`, `x-3`.
#[derive(Default)]
struct Ids(HashSet<String>);

impl Ids {
    fn take(&mut self, base: &str, fallback: &str) -> String {
        let base = if base.is_empty() { fallback } else { base };
        let mut id = base.to_string();
        let mut n = 2;
        while !self.0.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// A title from the command itself: its first line, cut near 60 chars.
fn auto_title(run: &str) -> String {
    let first = run.lines().next().unwrap_or("");
    let line = first.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= 60 && !run.contains('\n') {
        return line;
    }
    let mut out = String::new();
    for w in line.split(' ') {
        if out.chars().count() + w.chars().count() + 1 > 60 && !out.is_empty() {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.push('…');
    out
}

// ---------------------------------------------------------------------------
// Code blocks

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CodeKind {
    Shell(shell::Mode),
    Template,
    Other,
}

fn code_kind(info: &str, text: &str, template_ctx: bool) -> CodeKind {
    let lang = info
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '{' | '}'))
        .map(|w| w.trim_start_matches('.'))
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_lowercase();
    match lang.as_str() {
        "bash" | "sh" | "shell" | "zsh" | "ksh" | "console" | "shell-session" | "shellsession"
        | "sh-session" | "terminal" => CodeKind::Shell(shell_mode(&lang, text)),
        "" => {
            if has_headers(text) {
                CodeKind::Template
            } else if looks_like_commands(text) {
                CodeKind::Shell(shell_mode("", text))
            } else if template_ctx {
                CodeKind::Template
            } else {
                CodeKind::Other
            }
        }
        "markdown" | "md" | "text" | "txt" | "plain" | "plaintext" | "email" | "mail" => {
            if template_ctx || has_headers(text) {
                CodeKind::Template
            } else {
                CodeKind::Other
            }
        }
        _ => CodeKind::Other,
    }
}

fn shell_mode(lang: &str, text: &str) -> shell::Mode {
    if matches!(
        lang,
        "console" | "shell-session" | "shellsession" | "sh-session" | "terminal"
    ) {
        shell::Mode::Console { hash_prompt: true }
    } else if text.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with("$ ") || t == "$"
    }) {
        shell::Mode::Console { hash_prompt: false }
    } else {
        shell::Mode::Script
    }
}

/// A message: it starts with `Subject:` or `To:`.
fn has_headers(text: &str) -> bool {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .any(|l| {
            let l = l.trim().to_lowercase();
            l.starts_with("subject:") || l.starts_with("to:")
        })
}

const PROGRAMS: &[&str] = &[
    "kubectl",
    "oc",
    "helm",
    "docker",
    "podman",
    "systemctl",
    "service",
    "journalctl",
    "curl",
    "wget",
    "aws",
    "gcloud",
    "az",
    "psql",
    "mysql",
    "redis-cli",
    "mongo",
    "mongosh",
    "git",
    "ssh",
    "scp",
    "rsync",
    "cat",
    "grep",
    "tail",
    "head",
    "less",
    "ls",
    "ps",
    "top",
    "df",
    "du",
    "free",
    "netstat",
    "ss",
    "lsof",
    "dig",
    "nslookup",
    "ping",
    "traceroute",
    "mtr",
    "sudo",
    "cd",
    "export",
    "echo",
    "for",
    "while",
    "if",
    "kill",
    "pkill",
    "pgrep",
    "terraform",
    "ansible",
    "ansible-playbook",
    "vault",
    "consul",
    "nomad",
    "npm",
    "npx",
    "yarn",
    "make",
    "python",
    "python3",
    "pip",
    "go",
    "cargo",
    "java",
    "tcpdump",
    "openssl",
    "iptables",
    "ufw",
    "nginx",
    "tar",
    "cp",
    "mv",
    "rm",
    "mkdir",
    "chmod",
    "chown",
    "find",
    "sed",
    "awk",
    "xargs",
    "jq",
    "yq",
    "watch",
    "uptime",
    "dmesg",
    "iostat",
    "vmstat",
    "sar",
    "strace",
    "htop",
    "pg_dump",
    "pg_restore",
    "pg_basebackup",
    "mysqldump",
    "etcdctl",
    "ip",
    "ifconfig",
    "nc",
    "telnet",
    "http",
    "stat",
    "touch",
    "tee",
    "sort",
    "wc",
    "env",
    "source",
    "sha256sum",
    "openssl",
    "crictl",
    "istioctl",
    "argocd",
    "flux",
    "kubectx",
    "kubens",
    "stern",
    "k9s",
    "gsutil",
    "s3cmd",
];

fn looks_like_command_line(line: &str) -> bool {
    let t = line.trim();
    let t = t.strip_prefix("$ ").unwrap_or(t);
    let mut w = t.split_whitespace();
    let Some(mut first) = w.next() else {
        return false;
    };
    if first == "sudo" {
        first = w.next().unwrap_or("");
    }
    PROGRAMS.contains(&first)
        || first.starts_with("./")
        || (first.starts_with('/') && first.len() > 1 && !first.ends_with('/'))
}

/// Most lines start with a known program.
fn looks_like_commands(text: &str) -> bool {
    let mut total = 0;
    let mut known = 0;
    let mut continued = false;
    for l in text.lines() {
        let t = l.trim();
        let was_continued = continued;
        continued = t.ends_with('\\');
        if t.is_empty() || t.starts_with('#') || was_continued {
            continue;
        }
        total += 1;
        if looks_like_command_line(t) {
            known += 1;
        }
    }
    known > 0 && known * 2 >= total
}

fn shell_drafts(text: &str, mode: shell::Mode) -> Vec<Draft> {
    shell::split(text, mode)
        .into_iter()
        .map(|it| match it {
            shell::Item::Cmd(c) => Draft {
                auto_title: c.title.is_none(),
                title: c.title.unwrap_or_else(|| auto_title(&c.run)),
                detail: c.detail,
                command: Some(make_command(c.run, c.workdir, &c.defaults)),
            },
            shell::Item::Note { title, detail } => Draft {
                title,
                detail,
                command: None,
                auto_title: false,
            },
        })
        .collect()
}

fn make_command(
    run: String,
    workdir: Option<String>,
    defaults: &BTreeMap<String, String>,
) -> Command {
    Command {
        risk: Some(At::new(step_risk(&run))),
        params: params_for(&run, defaults),
        timeout: None,
        shell: needs_shell(&run),
        workdir,
        run: At::new(run),
    }
}

/// [`risk::infer`], raised for SQL a here-doc feeds to a database client.
fn step_risk(run: &str) -> Risk {
    let r = risk::infer(run);
    let mut lines = run.lines();
    let first = lines.next().unwrap_or("");
    let db_client = first.split_whitespace().any(|w| {
        let p = w.rsplit('/').next().unwrap_or(w);
        matches!(
            p,
            "psql" | "mysql" | "mongo" | "mongosh" | "sqlite3" | "cqlsh"
        )
    });
    if !(first.contains("<<") && db_client) {
        return r;
    }
    let body = lines.collect::<Vec<_>>().join("\n").to_uppercase();
    let has = |w: &str| {
        body.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .any(|t| t == w)
    };
    if has("DROP") || has("TRUNCATE") || has("DELETE") {
        r.max(Risk::Destructive)
    } else if ["UPDATE", "INSERT", "ALTER", "CREATE", "GRANT", "REVOKE"]
        .iter()
        .any(|w| has(w))
    {
        r.max(Risk::Change)
    } else {
        r
    }
}

/// Pipes, lists, redirections, substitutions, expansions and globs need
/// `sh -c`; placeholders do not (the runner fills them).
fn needs_shell(run: &str) -> bool {
    if run.contains('\n') {
        return true;
    }
    let mut s = run.to_string();
    for f in placeholders::find(run).iter().rev() {
        s.replace_range(f.start..f.start + f.text.len(), "X");
    }
    let first = s.split_whitespace().next().unwrap_or("");
    if matches!(
        first,
        "cd" | "export"
            | "source"
            | "."
            | "set"
            | "unset"
            | "alias"
            | "ulimit"
            | "umask"
            | "for"
            | "if"
            | "while"
            | "until"
            | "case"
            | "eval"
            | "function"
    ) || (first.contains('=') && !first.starts_with('-'))
    {
        return true;
    }
    let chars: Vec<char> = s.chars().collect();
    let (mut sq, mut dq, mut prev_ws) = (false, false, true);
    let expands = |c: Option<&char>| {
        c.is_some_and(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '{' | '(' | '?' | '@' | '*' | '#' | '!')
        })
    };
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        if sq {
            sq = c != '\'';
        } else if c == '\\' {
            k += 1;
        } else if dq {
            match c {
                '"' => dq = false,
                '`' => return true,
                '$' if expands(chars.get(k + 1)) => return true,
                _ => {}
            }
        } else {
            match c {
                '\'' => sq = true,
                '"' => dq = true,
                '|' | ';' | '&' | '>' | '<' | '`' | '*' | '?' | '(' | ')' | '[' => return true,
                '$' if expands(chars.get(k + 1)) => return true,
                '~' if prev_ws => return true,
                _ => {}
            }
        }
        prev_ws = c.is_whitespace();
        k += 1;
    }
    false
}

const POD_PATTERN: &str = "[a-z0-9]([-a-z0-9.]*[a-z0-9])?";
static SAMPLE_POD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9][a-z0-9.-]*-x{3,}$").expect("regex"));

/// A parameter for every placeholder, and for `name-xxx` sample pod names
/// in kubectl commands.
fn params_for(run: &str, defaults: &BTreeMap<String, String>) -> BTreeMap<String, Param> {
    let mut out = BTreeMap::new();
    for f in placeholders::find(run) {
        if out.contains_key(&f.name) {
            continue;
        }
        let lower = f.name.to_lowercase().replace('_', "-");
        let pod = lower == "pod" || lower.ends_with("-pod") || lower == "pod-name";
        let from = if pod {
            Some("pod")
        } else if matches!(lower.as_str(), "namespace" | "ns") {
            Some("namespace")
        } else if matches!(lower.as_str(), "context" | "kube-context") {
            Some("context")
        } else if lower == "selector" {
            Some("selector")
        } else {
            None
        };
        let secret = ["password", "passwd", "secret", "token", "api-key", "apikey"]
            .iter()
            .any(|w| lower.contains(w));
        out.insert(
            f.name.clone(),
            Param {
                description: Some(format!("value for {}", f.text)),
                default: defaults.get(&f.name).cloned(),
                pattern: pod.then(|| At::new(POD_PATTERN.to_string())),
                secret,
                from: from.map(String::from),
                token: None,
            },
        );
    }
    if run.contains("kubectl") || run.starts_with("oc ") {
        for w in run.split_whitespace() {
            let w = w.trim_matches(|c| c == '"' || c == '\'');
            if !SAMPLE_POD.is_match(w) || out.values().any(|p| p.token.as_deref() == Some(w)) {
                continue;
            }
            let mut name = "pod".to_string();
            let mut n = 2;
            while out.contains_key(&name) {
                name = format!("pod-{n}");
                n += 1;
            }
            out.insert(
                name,
                Param {
                    description: Some(format!("the pod the runbook calls {w}")),
                    default: None,
                    pattern: Some(At::new(POD_PATTERN.to_string())),
                    secret: false,
                    from: Some("pod".into()),
                    token: Some(w.to_string()),
                },
            );
        }
    }
    out
}

fn template_kind(name: &str, subject: Option<&str>) -> Option<String> {
    const RULES: &[(&str, &str)] = &[
        ("status page", "status-page"),
        ("status-page", "status-page"),
        ("statuspage", "status-page"),
        ("post-mortem", "postmortem"),
        ("postmortem", "postmortem"),
        ("post mortem", "postmortem"),
        ("post-incident review", "postmortem"),
        ("regulat", "regulator"),
        ("gdpr", "regulator"),
        ("hipaa", "regulator"),
        ("supervisory", "regulator"),
        ("customer", "customer"),
        ("internal", "internal"),
        ("slack", "internal"),
        ("resolution", "resolution"),
        ("resolved", "resolution"),
        ("initial", "initial"),
    ];
    [Some(name), subject].into_iter().flatten().find_map(|t| {
        let t = t.to_lowercase();
        RULES
            .iter()
            .find(|(k, _)| t.contains(k))
            .map(|(_, v)| v.to_string())
    })
}

// ---------------------------------------------------------------------------
// Rules every imported playbook keeps

/// `{field}`s that are not template fields written as the cockpit shows
/// them, `[field]`, for people to fill in (lint refuses unknown fields).
fn bracket_unknown(text: &str) -> String {
    let mut out = text.to_string();
    for f in super::lint::template_fields(text) {
        if !super::lint::TEMPLATE_FIELDS.contains(&f.as_str()) {
            out = out.replace(&format!("{{{f}}}"), &format!("[{f}]"));
        }
    }
    out
}

/// A time box lint accepts (`within 0 min` is none).
fn timebox_ok(s: &str) -> bool {
    super::lint::parse_timebox(s).is_ok()
}

fn duration_ok(s: &str) -> bool {
    s == "0" || crate::time::parse_duration(s).is_ok()
}

/// Problems with an imported playbook: duplicate ids, empty procedures or
/// phases, undeclared or unused parameters, dangling references, bad times.
fn check(pb: &Playbook) -> Vec<String> {
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

// ---------------------------------------------------------------------------
// Shell blocks to commands

mod shell {
    use super::recase;
    use regex::Regex;
    use std::collections::{BTreeMap, VecDeque};
    use std::sync::LazyLock;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Mode {
        /// A script: every line is shell.
        Script,
        /// A terminal session: lines after a prompt are commands, the rest
        /// is output. `# ` is a root prompt when `hash_prompt`, else a
        /// comment.
        Console { hash_prompt: bool },
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Cmd {
        pub run: String,
        pub title: Option<String>,
        pub detail: Option<String>,
        pub workdir: Option<String>,
        pub defaults: BTreeMap<String, String>,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Item {
        Cmd(Cmd),
        /// A numbered comment with no command under it ("# 4. ENABLE
        /// CLOUDFLARE"): a manual step.
        Note {
            title: String,
            detail: Option<String>,
        },
    }

    enum Raw {
        Item(Item),
        /// `cd DIR`: kept only when no command follows.
        Cd(Cmd),
        /// `export NAME=value`: kept only when no later command uses it.
        Assign(Cmd, String),
    }

    struct Phys {
        text: String,
        /// Read by the shell (not output).
        cmd: bool,
    }

    static PROMPT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^\s*(?:\([^)]*\)\s*)?(?:\[[^\]]*\]|[\w.-]+@[\w.-]+(?::\S*?)?)?\s*([$#%])(?:\s|$)",
        )
        .expect("regex")
    });
    static NUMBERED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?i:step\s*)?\d+[.):]\s*").expect("regex"));
    static ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:export\s+)?([A-Z_][A-Z0-9_]*)=(\S+|'[^']*'|\x22[^\x22]*\x22)$")
            .expect("regex")
    });

    fn physical(text: &str, mode: Mode) -> Vec<Phys> {
        let lines: Vec<&str> = text.lines().collect();
        let indent = lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())
            .min()
            .unwrap_or(0);
        lines
            .iter()
            .map(|l| {
                let l = if l.len() >= indent && l.is_char_boundary(indent) {
                    &l[indent..]
                } else {
                    l.trim_start()
                };
                match mode {
                    Mode::Script => Phys {
                        text: l.to_string(),
                        cmd: true,
                    },
                    Mode::Console { hash_prompt } => match PROMPT.captures(l) {
                        Some(c) if &c[1] == "$" || hash_prompt => Phys {
                            text: l[c.get(0).expect("match").end()..].to_string(),
                            cmd: true,
                        },
                        // A comment in a bash block that uses `$ ` prompts.
                        _ if !hash_prompt && l.trim_start().starts_with('#') => Phys {
                            text: l.to_string(),
                            cmd: true,
                        },
                        _ => Phys {
                            text: l.to_string(),
                            cmd: false,
                        },
                    },
                }
            })
            .collect()
    }

    /// `1. ISOLATE AFFECTED SYSTEMS:` → `Isolate affected systems`.
    pub fn clean_title(comment: &str) -> String {
        let t = NUMBERED.replace(comment.trim(), "");
        recase(t.trim().trim_end_matches(':').trim(), false)
    }

    pub fn split(text: &str, mode: Mode) -> Vec<Item> {
        let phys = physical(text, mode);
        let console = mode != Mode::Script;
        let mut raw: Vec<Raw> = Vec::new();
        let mut comments: Vec<String> = Vec::new();
        let mut workdir: Option<String> = None;
        let mut defaults: BTreeMap<String, String> = BTreeMap::new();
        let flush = |comments: &mut Vec<String>, raw: &mut Vec<Raw>| {
            if let Some(first) = comments.first()
                && NUMBERED.is_match(first)
            {
                let rest: Vec<String> = comments[1..].iter().map(|c| clean_title(c)).collect();
                raw.push(Raw::Item(Item::Note {
                    title: clean_title(first),
                    detail: (!rest.is_empty()).then(|| rest.join("\n")),
                }));
            }
            comments.clear();
        };
        let mut i = 0;
        while i < phys.len() {
            let p = &phys[i];
            let t = p.text.trim();
            if !p.cmd || t.is_empty() {
                flush(&mut comments, &mut raw);
                i += 1;
                continue;
            }
            if t.starts_with('#') && !t.starts_with("#!") {
                comments.push(t.trim_start_matches('#').trim().to_string());
                i += 1;
                continue;
            }
            let (lines, next) = read_command(&phys, i, console);
            i = next;
            let mut run = lines.join("\n");
            let mut inline_comment = None;
            if lines.len() == 1 {
                let (code, c) = split_comment(&run);
                run = code;
                inline_comment = c.filter(|c| !c.is_empty());
            }
            let run = run.trim().to_string();
            if run.is_empty() {
                continue;
            }
            let mut title = comments.last().map(|c| clean_title(c));
            let mut detail: Vec<String> = comments[..comments.len().saturating_sub(1)]
                .iter()
                .map(|c| clean_title(c))
                .collect();
            if let Some(c) = inline_comment {
                match title {
                    None => title = Some(clean_title(&c)),
                    Some(_) => detail.push(c),
                }
            }
            let cmd = Cmd {
                title: title.filter(|t| !t.is_empty()),
                detail: (!detail.is_empty()).then(|| detail.join("\n")),
                workdir: workdir.clone(),
                defaults: defaults.clone(),
                run: run.clone(),
            };
            if let Some(dir) = cd_target(&run) {
                workdir = Some(match &workdir {
                    Some(w) if !dir.starts_with('/') => {
                        format!("{}/{dir}", w.trim_end_matches('/'))
                    }
                    _ => dir.to_string(),
                });
                // The comment above `cd` titles the command after it.
                raw.push(Raw::Cd(cmd));
                continue;
            }
            if let Some(c) = ASSIGN.captures(&run) {
                let value = shell_words::split(&c[2])
                    .ok()
                    .and_then(|v| v.into_iter().next())
                    .unwrap_or_default();
                defaults.insert(c[1].to_string(), value);
                raw.push(Raw::Assign(cmd, c[1].to_string()));
                comments.clear();
                continue;
            }
            raw.push(Raw::Item(Item::Cmd(cmd)));
            comments.clear();
        }
        flush(&mut comments, &mut raw);

        let mut out = Vec::new();
        for (k, r) in raw.iter().enumerate() {
            let later = || {
                raw[k + 1..].iter().filter_map(|r| match r {
                    Raw::Item(Item::Cmd(c)) => Some(c),
                    _ => None,
                })
            };
            match r {
                Raw::Item(it) => out.push(it.clone()),
                Raw::Cd(c) if later().next().is_none() => out.push(Item::Cmd(c.clone())),
                Raw::Cd(_) => {}
                Raw::Assign(c, name) => {
                    let used = later().any(|l| {
                        super::placeholders::find(&l.run)
                            .iter()
                            .any(|f| &f.name == name)
                    });
                    if !used {
                        out.push(Item::Cmd(c.clone()));
                    }
                }
            }
        }
        out
    }

    /// `cd DIR` with a plain directory.
    fn cd_target(run: &str) -> Option<&str> {
        let rest = run.strip_prefix("cd ")?.trim();
        let plain = !rest.is_empty()
            && rest != "-"
            && !rest.contains(char::is_whitespace)
            && !rest.contains(['$', '<', '>', '`', '~', '{', '*', ';', '&', '|']);
        plain.then_some(rest)
    }

    /// Splits a trailing `# comment` off a command line.
    pub fn split_comment(line: &str) -> (String, Option<String>) {
        let (mut sq, mut dq, mut esc, mut prev_ws) = (false, false, false, true);
        for (i, c) in line.char_indices() {
            if esc {
                esc = false;
                prev_ws = false;
                continue;
            }
            match c {
                '\\' if !sq => esc = true,
                '\'' if !dq => sq = !sq,
                '"' if !sq => dq = !dq,
                '#' if !sq && !dq && prev_ws && i > 0 => {
                    let comment = line[i..].trim_start_matches('#').trim().to_string();
                    return (line[..i].trim_end().to_string(), Some(comment));
                }
                _ => {}
            }
            prev_ws = c.is_whitespace();
        }
        (line.to_string(), None)
    }

    fn ends_with_operator(line: &str) -> bool {
        let (code, _) = split_comment(line);
        let t = code.trim_end();
        t.ends_with('|') || t.ends_with("&&")
    }

    /// Drops the `\` of a continued line.
    fn strip_continuation(line: &str) -> Option<String> {
        let n = line.len() - line.trim_end_matches('\\').len();
        (n % 2 == 1).then(|| line[..line.len() - 1].trim_end().to_string())
    }

    /// Quotes, compound commands and here-docs still open.
    #[derive(Clone, Debug, Default)]
    struct Scan {
        sq: bool,
        dq: bool,
        depth: i32,
        heredocs: VecDeque<String>,
    }

    impl Scan {
        fn in_quote(&self) -> bool {
            self.sq || self.dq
        }

        fn complete(&self) -> bool {
            !self.in_quote() && self.depth <= 0 && self.heredocs.is_empty()
        }

        fn end_word(&mut self, word: &mut String, cmd_pos: &mut bool) {
            if word.is_empty() {
                return;
            }
            if *cmd_pos {
                match word.as_str() {
                    "for" | "while" | "until" | "select" | "if" | "case" | "{" => self.depth += 1,
                    "done" | "fi" | "esac" | "}" => self.depth -= 1,
                    _ => {}
                }
                *cmd_pos = matches!(
                    word.as_str(),
                    "then" | "do" | "else" | "elif" | "{" | "!" | "time"
                );
            }
            word.clear();
        }

        fn scan(&mut self, line: &str) {
            let chars: Vec<char> = line.chars().collect();
            let mut word = String::new();
            let mut cmd_pos = true;
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                if self.sq {
                    self.sq = c != '\'';
                    word.push(c);
                    k += 1;
                    continue;
                }
                if self.dq {
                    if c == '\\' {
                        k += 2;
                        continue;
                    }
                    self.dq = c != '"';
                    word.push(c);
                    k += 1;
                    continue;
                }
                match c {
                    '\\' => {
                        word.push(c);
                        if let Some(n) = chars.get(k + 1) {
                            word.push(*n);
                        }
                        k += 1;
                    }
                    '\'' => {
                        self.sq = true;
                        word.push(c);
                    }
                    '"' => {
                        self.dq = true;
                        word.push(c);
                    }
                    '#' if word.is_empty() => break,
                    ' ' | '\t' => self.end_word(&mut word, &mut cmd_pos),
                    ';' | '&' | '|' | '(' | ')' | '`' => {
                        self.end_word(&mut word, &mut cmd_pos);
                        cmd_pos = true;
                    }
                    '<' if chars.get(k + 1) == Some(&'<') && chars.get(k + 2) != Some(&'<') => {
                        self.end_word(&mut word, &mut cmd_pos);
                        k += 2;
                        if chars.get(k) == Some(&'-') {
                            k += 1;
                        }
                        while chars.get(k) == Some(&' ') {
                            k += 1;
                        }
                        let mut d = String::new();
                        while let Some(&ch) = chars.get(k) {
                            if ch.is_whitespace() || matches!(ch, ';' | '|' | '&' | ')' | '<' | '>')
                            {
                                break;
                            }
                            if !matches!(ch, '\'' | '"' | '\\') {
                                d.push(ch);
                            }
                            k += 1;
                        }
                        if !d.is_empty() {
                            self.heredocs.push_back(d);
                        }
                        continue;
                    }
                    '<' | '>' => self.end_word(&mut word, &mut cmd_pos),
                    _ => word.push(c),
                }
                k += 1;
            }
            self.end_word(&mut word, &mut cmd_pos);
        }
    }

    /// The lines of the command starting at `start`, and the line after it.
    fn read_command(phys: &[Phys], start: usize, console: bool) -> (Vec<String>, usize) {
        let mut out: Vec<String> = Vec::new();
        let mut st = Scan::default();
        let mut cur: Option<String> = None;
        let mut j = start;
        while j < phys.len() {
            let p = &phys[j];
            let mut line = p.text.as_str();
            if j > start && console {
                if p.cmd && cur.is_none() && st.heredocs.is_empty() && !st.in_quote() {
                    // A new prompt: the open construct never closed.
                    break;
                }
                line = line.strip_prefix("> ").unwrap_or(line);
            }
            j += 1;
            if let Some(delim) = st.heredocs.front() {
                let done = line.trim() == delim;
                out.push(line.trim_end().to_string());
                if done {
                    st.heredocs.pop_front();
                    if st.complete() {
                        break;
                    }
                }
                continue;
            }
            let piece = match cur.take() {
                Some(mut c) => {
                    let t = line.trim();
                    if !t.is_empty() {
                        c.push(' ');
                        c.push_str(t);
                    }
                    c
                }
                None => line.trim_end().to_string(),
            };
            if piece.trim().is_empty() {
                if st.in_quote() {
                    out.push(String::new());
                }
                continue;
            }
            if let Some(joined) = strip_continuation(&piece) {
                cur = Some(joined);
                continue;
            }
            if !st.in_quote() && ends_with_operator(&piece) {
                cur = Some(piece);
                continue;
            }
            st.scan(&piece);
            out.push(piece);
            if st.complete() {
                break;
            }
        }
        if let Some(c) = cur {
            out.push(c);
        }
        if let Some(f) = out.first_mut() {
            *f = f.trim_start().to_string();
        }
        (out, j)
    }
}

#[cfg(test)]
mod tests {
    use super::shell::{Cmd, Item, Mode, split};
    use super::*;

    fn runs(text: &str, mode: Mode) -> Vec<String> {
        split(text, mode)
            .into_iter()
            .filter_map(|i| match i {
                Item::Cmd(c) => Some(c.run),
                Item::Note { .. } => None,
            })
            .collect()
    }

    fn cmds(text: &str, mode: Mode) -> Vec<Cmd> {
        split(text, mode)
            .into_iter()
            .filter_map(|i| match i {
                Item::Cmd(c) => Some(c),
                Item::Note { .. } => None,
            })
            .collect()
    }

    #[test]
    fn bidi_and_invisible_characters_in_a_runbook_are_shown_in_the_yaml() {
        let pb = import(
            "# Disk\u{202E} full\n\n## Check\n\n```bash\ndf -h /var\u{200B}\n```\n",
            "r.md",
        )
        .unwrap();
        let yaml = to_yaml(&pb);
        assert!(
            !yaml
                .chars()
                .any(|c| c != '\n' && crate::sanitize::is_dangerous(c)),
            "{yaml}"
        );
        assert!(
            yaml.contains("<U+202E>") && yaml.contains("<U+200B>"),
            "{yaml}"
        );
        crate::playbook::load::parse_yaml::<Playbook>("r.yaml", &yaml).unwrap();
    }

    #[test]
    fn timeboxes_from_headings() {
        for (heading, name, timebox) in [
            (
                "Immediate Actions (0-15 min):",
                "Immediate Actions",
                "0-15m",
            ),
            ("Investigation (15-30 min)", "Investigation", "15m-30m"),
            (
                "INVESTIGATION (30 min - 4 hours):",
                "Investigation",
                "30m-4h",
            ),
            (
                "Initial Response (First 15 minutes)",
                "Initial Response",
                "0-15m",
            ),
            ("IMMEDIATE ACTIONS (0-5 min)", "Immediate Actions", "0-5m"),
            ("CONTAINMENT (5-30 min)", "Containment", "5m-30m"),
            ("Recover (T+15 to T+45 min)", "Recover", "15m-45m"),
            ("Triage (0–10 min)", "Triage", "0-10m"),
            ("Triage — 0-10 min", "Triage", "0-10m"),
            ("Stabilise (first hour)", "Stabilise", "0-1h"),
            ("Immediate (Within 24 hours)", "Immediate", "24h"),
        ] {
            let h = clean_heading(heading);
            assert_eq!(h.name, name, "{heading}");
            assert_eq!(h.timebox.as_deref(), Some(timebox), "{heading}");
        }
        let h = clean_heading("Within 1 month");
        assert_eq!((h.within.as_deref(), h.name_is_timing), (Some("30d"), true));
        assert_eq!(clean_heading("Resolution Steps").timebox, None);
        // Unrecognised parentheses stay in the name.
        assert_eq!(
            clean_heading("HIPAA (60 days for < 500 individuals)").name,
            "HIPAA (60 days for < 500 individuals)"
        );
    }

    #[test]
    fn numbering_and_severity_leave_the_name() {
        let h = clean_heading("3.1 API Outage (P0)");
        assert_eq!(
            (h.name.as_str(), h.severity.as_deref()),
            ("API Outage", Some("P0"))
        );
        assert!(h.numbered);
        let h = clean_heading("1. INCIDENT CLASSIFICATION");
        assert_eq!(h.name, "Incident Classification");
        let h = clean_heading("Step 2: Look at the logs");
        assert_eq!((h.name.as_str(), h.numbered), ("Look at the logs", true));
        let h = clean_heading("Database failover - SEV-1");
        assert_eq!(
            (h.name.as_str(), h.severity.as_deref()),
            ("Database failover", Some("SEV1"))
        );
        assert!(!clean_heading("2FA resets").numbered);
        assert_eq!(
            clean_heading("2. TOOLS AND ACCESS").name,
            "Tools and Access"
        );
    }

    #[test]
    fn recasing_keeps_acronyms_and_mixed_case() {
        assert_eq!(
            recase("ENABLE DDoS PROTECTION", false),
            "Enable DDoS protection"
        );
        assert_eq!(recase("CHECK RDS STATUS", false), "Check RDS status");
        assert_eq!(
            recase("RE-ENABLE PROOF GENERATION", true),
            "Re-Enable Proof Generation"
        );
        assert_eq!(
            recase("POST-INCIDENT PROCEDURES", true),
            "Post-Incident Procedures"
        );
        assert_eq!(recase("GDPR", true), "GDPR");
        assert_eq!(recase("RECOVERY", true), "Recovery");
        assert_eq!(
            recase("Check Grafana dashboards", false),
            "Check Grafana dashboards"
        );
    }

    #[test]
    fn severity_headings() {
        let s = severity_heading("P0 - CRITICAL", true).unwrap();
        assert_eq!(
            (s.id.as_str(), s.name.as_str(), s.response),
            ("P0", "Critical", None)
        );
        let s = severity_heading("Critical (P0) - 15 minutes response time", false).unwrap();
        assert_eq!((s.id.as_str(), s.name.as_str()), ("P0", "Critical"));
        assert_eq!(
            parse_response(s.response.as_deref().unwrap()).as_deref(),
            Some("15m")
        );
        let s = severity_heading("Low (P3) - Next business day response time", true).unwrap();
        assert_eq!(
            parse_response(s.response.as_deref().unwrap()).as_deref(),
            Some("next business day")
        );
        let s = severity_heading("SEV2 (Major)", false).unwrap();
        assert_eq!((s.id.as_str(), s.name.as_str()), ("SEV2", "Major"));
        // A procedure marked with a severity is not a severity.
        assert_eq!(severity_heading("3.1 API Outage (P0)", false), None);
        assert_eq!(severity_heading("Severity Levels", true), None);
    }

    #[test]
    fn response_times() {
        for (text, want) in [
            ("Immediate (< 15 minutes)", Some("15m")),
            ("< 1 hour", Some("1h")),
            ("< 4 hours", Some("4h")),
            ("Next business day", Some("next business day")),
            ("1.5 hours", Some("90m")),
            ("Security Team", None),
        ] {
            assert_eq!(parse_response(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn continuations_are_joined_with_single_spaces() {
        let text = "kubectl annotate networkpolicy dicps-api-network-policy \\\n  override=\"deny-all\"\n\
                    aws wafv2 update-web-acl \\\n  --scope REGIONAL \\\n  --id <acl-id>\n";
        assert_eq!(
            runs(text, Mode::Script),
            [
                "kubectl annotate networkpolicy dicps-api-network-policy override=\"deny-all\"",
                "aws wafv2 update-web-acl --scope REGIONAL --id <acl-id>",
            ]
        );
        // A trailing pipe continues too.
        assert_eq!(
            runs("cat log |\n  grep x\n", Mode::Script),
            ["cat log | grep x"]
        );
    }

    #[test]
    fn comments_title_the_command_below() {
        let text = "# 1. ISOLATE AFFECTED SYSTEMS\n# Deny all traffic to compromised pods\n\
                    kubectl label pod <compromised-pod> quarantine=true\nkubectl get pods\n\n\
                    # [a note followed by a blank line]\n\nls  # list files\n";
        let c = cmds(text, Mode::Script);
        assert_eq!(
            c[0].title.as_deref(),
            Some("Deny all traffic to compromised pods")
        );
        assert_eq!(c[0].detail.as_deref(), Some("Isolate affected systems"));
        assert_eq!(c[1].title, None);
        assert_eq!(
            (c[2].run.as_str(), c[2].title.as_deref()),
            ("ls", Some("list files"))
        );
    }

    #[test]
    fn a_numbered_comment_without_a_command_is_a_manual_step() {
        let text = "# 4. ENABLE CLOUDFLARE / AKAMAI\n# Update DNS to route through DDoS mitigation service\n";
        assert_eq!(
            split(text, Mode::Script),
            [Item::Note {
                title: "Enable cloudflare / akamai".into(),
                detail: Some("Update DNS to route through DDoS mitigation service".into()),
            }]
        );
    }

    #[test]
    fn loops_conditionals_and_here_docs_stay_one_command() {
        let text = "for ip in $(cat attacker_ips.txt); do\n  kubectl exec -n x nginx-xxx -- \\\n    nginx -s reload \\\n    -g \"deny $ip;\"\ndone\n\
                    if [ -f /x ]; then\n  echo yes\nfi\n\
                    psql app <<'SQL'\nDELETE FROM t;\n\nSQL\n\
                    cat <<-EOF | kubectl apply -f -\n\tkind: X\n\tEOF\n\
                    echo done\n";
        let r = runs(text, Mode::Script);
        assert_eq!(
            r[0],
            "for ip in $(cat attacker_ips.txt); do\n  kubectl exec -n x nginx-xxx -- nginx -s reload -g \"deny $ip;\"\ndone"
        );
        assert_eq!(r[1], "if [ -f /x ]; then\n  echo yes\nfi");
        assert_eq!(r[2], "psql app <<'SQL'\nDELETE FROM t;\n\nSQL");
        assert_eq!(r[3], "cat <<-EOF | kubectl apply -f -\n\tkind: X\n\tEOF");
        assert_eq!(r[4], "echo done");
        assert_eq!(r.len(), 5);
    }

    #[test]
    fn a_multi_line_quoted_string_stays_one_command() {
        let r = runs("psql -c \"\nSELECT 1\n\"\nls\n", Mode::Script);
        assert_eq!(r, ["psql -c \"\nSELECT 1\n\"", "ls"]);
    }

    #[test]
    fn console_prompts_are_stripped_and_output_dropped() {
        let text = "$ df -h /\nFilesystem Size\n/dev/sda 10G\nuser@host:~/x$ ls \\\n> -la\ntotal 0\n# systemctl restart x\n";
        assert_eq!(
            runs(text, Mode::Console { hash_prompt: true }),
            ["df -h /", "ls -la", "systemctl restart x"]
        );
        // In a bash block that uses `$ `, `#` lines are comments.
        let c = cmds(
            "# check disk\n$ df -h\nout\n",
            Mode::Console { hash_prompt: false },
        );
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].run.as_str(), c[0].title.as_deref()),
            ("df -h", Some("check disk"))
        );
    }

    #[test]
    fn cd_becomes_the_workdir_and_export_a_default() {
        let c = cmds(
            "# 2. VERIFY\ncd circuits/build\nsha256sum -c checksums.txt\ncd sub\nls\n\
             export REPLICAS=12\nkubectl scale deploy x --replicas=$REPLICAS\nexport UNUSED=1\n",
            Mode::Script,
        );
        let runs: Vec<&str> = c.iter().map(|c| c.run.as_str()).collect();
        assert_eq!(
            runs,
            [
                "sha256sum -c checksums.txt",
                "ls",
                "kubectl scale deploy x --replicas=$REPLICAS",
                "export UNUSED=1"
            ]
        );
        assert_eq!(c[0].title.as_deref(), Some("Verify"));
        assert_eq!(c[0].workdir.as_deref(), Some("circuits/build"));
        assert_eq!(c[1].workdir.as_deref(), Some("circuits/build/sub"));
        assert_eq!(
            c[2].defaults.get("REPLICAS").map(String::as_str),
            Some("12")
        );
        // A `cd` with nothing after it is kept.
        assert_eq!(runs_of_script("cd /tmp\n"), ["cd /tmp"]);
    }

    fn runs_of_script(text: &str) -> Vec<String> {
        runs(text, Mode::Script)
    }

    #[test]
    fn what_needs_a_shell() {
        for run in [
            "kubectl exec x -- env | grep DB_",
            "top -p $(pgrep zkp-ledger)",
            "pg_dump db > /backup/x.sql",
            "psql db < /backup/x.sql",
            "a && b",
            "echo `date`",
            "ls /var/log/*.log",
            "echo $home",
            "FOO=1 make",
            "cd /tmp",
            "for i in 1; do echo $i; done",
            "ls ~/x",
        ] {
            assert!(needs_shell(run), "{run}");
        }
        for run in [
            "kubectl get pods -n identity-platform -l app=dicps-api",
            "kubectl label pod <compromised-pod> quarantine=true",
            "pg_restore -h $DB_HOST -U dicps",
            "kubectl logs {{ pod }} -n ${NAMESPACE}",
            "kubectl auth can-i '*' '*' -n x",
            "psql -c \"SELECT * FROM t WHERE a LIKE '%x%'\"",
            "aws wafv2 update-web-acl --default-action Block={}",
            "kubectl get events --sort-by='.lastTimestamp'",
        ] {
            assert!(!needs_shell(run), "{run}");
        }
    }

    #[test]
    fn here_doc_sql_raises_the_risk() {
        assert_eq!(
            step_risk("psql app <<'SQL'\nDELETE FROM t;\nSQL"),
            Risk::Destructive
        );
        assert_eq!(
            step_risk("psql app <<SQL\nUPDATE t SET a = 1;\nSQL"),
            Risk::Change
        );
        assert_eq!(step_risk("kubectl get pods"), Risk::Read);
        assert_eq!(step_risk("kubectl delete pod x"), Risk::Destructive);
    }

    #[test]
    fn placeholders_become_parameters() {
        let p = params_for(
            "kubectl label pod <compromised-pod> quarantine=true",
            &BTreeMap::new(),
        );
        let pod = &p["compromised-pod"];
        assert_eq!(
            pod.description.as_deref(),
            Some("value for <compromised-pod>")
        );
        assert_eq!(pod.from.as_deref(), Some("pod"));
        assert_eq!(
            pod.pattern.as_ref().map(|a| a.value.as_str()),
            Some(POD_PATTERN)
        );
        assert_eq!(pod.default, None);
        let p = params_for(
            "pg_restore -h $DB_HOST -U x --password $DB_PASSWORD",
            &BTreeMap::new(),
        );
        assert_eq!(p["DB_HOST"].from, None);
        assert!(p["DB_PASSWORD"].secret);
        assert!(!p["DB_HOST"].secret);
        let p = params_for("kubectl exec -n x dicps-api-xxx -- env", &BTreeMap::new());
        assert_eq!(p["pod"].token.as_deref(), Some("dicps-api-xxx"));
        assert!(params_for("for ip in $(cat x); do echo $ip; done", &BTreeMap::new()).is_empty());
    }

    #[test]
    fn no_language_blocks_are_commands_or_templates_by_their_lines() {
        assert!(matches!(
            code_kind("", "kubectl get pods\n# x\nzkp-ledger fsck\n", false),
            CodeKind::Shell(Mode::Script)
        ));
        assert_eq!(
            code_kind("", "Subject: Down\n\nWe are down.\n", false),
            CodeKind::Template
        );
        assert_eq!(code_kind("", "We are down.\n", true), CodeKind::Template);
        assert_eq!(code_kind("", "We are down.\n", false), CodeKind::Other);
        assert_eq!(code_kind("yaml", "kubectl: x\n", false), CodeKind::Other);
        assert_eq!(
            code_kind("console", "$ ls\n", false),
            CodeKind::Shell(Mode::Console { hash_prompt: true })
        );
        assert_eq!(
            code_kind("bash", "$ ls\n", false),
            CodeKind::Shell(Mode::Console { hash_prompt: false })
        );
    }

    #[test]
    fn ids_are_slugs_unique_in_their_scope() {
        assert_eq!(slug("3.1 API Outage (P0)"), "3-1-api-outage-p0");
        assert_eq!(
            slug("Look at one consumer's logs"),
            "look-at-one-consumers-logs"
        );
        assert!(slug(&"word ".repeat(30)).len() <= 40);
        let mut ids = Ids::default();
        assert_eq!(ids.take("recovery", "phase"), "recovery");
        assert_eq!(ids.take("recovery", "phase"), "recovery-2");
        assert_eq!(ids.take("recovery", "phase"), "recovery-3");
        assert_eq!(ids.take("", "phase"), "phase");
    }

    #[test]
    fn bold_paragraphs_ending_with_a_colon_are_headings() {
        let root = sections(parse_markdown(
            "### 3.1 API Outage (P0)\n\n**Detection:**\n- a\n\n**Immediate Actions (0-15 min):**\n```bash\nls\n```\n\n**Impact:** not a heading\n",
        ));
        let outage = &root.children[0];
        let titles: Vec<&str> = outage.children.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Detection", "Immediate Actions (0-15 min)"]);
        assert!(outage.children.iter().all(|s| s.pseudo && s.level == 4));
        // `**Impact:** value` is a key line inside the last phase.
        assert_eq!(outage.children[1].blocks.len(), 2);
    }

    #[test]
    fn nested_items_are_detail_and_nested_checkboxes_steps() {
        let pb = import(
            "# R\n\n## Do\n\n1. Parent\n   - child a\n   - child b\n2. Group\n   - [ ] task a\n   - [x] task b\n",
            "r.md",
        )
        .unwrap();
        let titles: Vec<&str> = pb.procedures[0].steps().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Parent", "Group", "task a", "task b"]);
        let parent = pb.procedures[0].steps().next().unwrap();
        assert_eq!(parent.detail.as_deref(), Some("- child a\n- child b"));
    }

    #[test]
    fn the_heading_rule() {
        // Phases under the title: one procedure named after the title.
        let pb = import("# Disk full\n## Check\n- a\n## Fix\n- b\n", "x.md").unwrap();
        assert_eq!(pb.procedures.len(), 1);
        assert_eq!(pb.procedures[0].id.value, "disk-full");
        let phases: Vec<&str> = pb.procedures[0]
            .phases
            .iter()
            .map(|p| p.id.value.as_str())
            .collect();
        assert_eq!(phases, ["check", "fix"]);
        // Sections of procedures.
        let pb = import(
            "# Book\n## API down\n### Check\n- a\n## DB down\n### Check\n- b\n### Fix phase\n#### Now\n- c\n",
            "x.md",
        )
        .unwrap();
        let procs: Vec<&str> = pb.procedures.iter().map(|p| p.id.value.as_str()).collect();
        assert_eq!(procs, ["api-down", "db-down"]);
        let db: Vec<&str> = pb.procedures[1]
            .phases
            .iter()
            .map(|p| p.id.value.as_str())
            .collect();
        assert_eq!(
            db,
            ["check", "now"],
            "a '... phase' section folds into its procedure"
        );
        // A nested procedure without steps of its own stays separate.
        let pb = import(
            "# Book\n## Triage\n- a\n## API down\n### Fix\n- x\n",
            "x.md",
        )
        .unwrap();
        let procs: Vec<&str> = pb.procedures.iter().map(|p| p.id.value.as_str()).collect();
        assert_eq!(procs, ["book", "api-down"]);
        // Steps straight under the title.
        let pb = import("- [ ] only step\n", "tiny-runbook.md").unwrap();
        assert_eq!(pb.title, "tiny-runbook");
        assert_eq!(pb.procedures[0].phases[0].name, "Steps");
    }

    #[test]
    fn nothing_to_import_is_an_error() {
        assert_eq!(
            import("# Words\n\nOnly prose.\n\n```yaml\na: 1\n```\n", "w.md").unwrap_err(),
            ImportError::NoSteps {
                source: "w.md".into()
            }
        );
    }

    #[test]
    fn severity_tables() {
        let pb = import(
            "# X\n\n| Priority | Response Time | Description |\n|---|---|---|\n| Critical (P0) | 15 min | all down |\n| P1 | 1 hour | |\n| P5 | whenever | |\n\n## Do\n- a\n",
            "x.md",
        )
        .unwrap();
        let sev: Vec<(&str, &str, &str)> = pb
            .severities
            .iter()
            .map(|s| {
                (
                    s.id.value.as_str(),
                    s.name.as_str(),
                    s.response.value.as_str(),
                )
            })
            .collect();
        assert_eq!(sev, [("P0", "Critical", "15m"), ("P1", "P1", "1h")]);
        assert_eq!(pb.severities[0].impact.as_deref(), Some("all down"));
    }
}
