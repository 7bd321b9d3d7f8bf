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
//!   the lists of contact, team, role, escalation, metrics and appendix
//!   sections are not steps (their commands are still imported).
//! - **output is never a command**: in a prompted block only prompted
//!   lines (`$`, `user@host:~$`; `#` and `%` only before a known program)
//!   and their continuations are commands; in an unprompted `console`
//!   block only lines starting with a known or path-like program; in a
//!   `bash` block, lines that cannot start a command (`* Connected`,
//!   `> Host:`, `NAME  READY  STATUS`) are output; `text` and `output`
//!   blocks are output. A command holding control characters is left out.
//! - **commands in prose**: a `$ cmd` line, and inline code that is a
//!   whole command introduced as one (after `:` or "run", ending its
//!   clause, not after "do not"), are steps.
//! - everything left out is in the [`Report`] with its markdown line, for
//!   the summary `playbook import` prints.
//! - a front matter (`---` YAML or `+++` TOML) gives the title (when there
//!   is no H1) and a note (its description); links go to step details.
//! - a runbook whose playbook would pass [`NODE_BUDGET`] YAML nodes is
//!   refused at the markdown line where it does.
//!
//! Every command step has the risk [`risk::infer`] gives (the one
//! classifier: wrappers, here-documents and all), `shell: true` when it
//! needs a shell, and a parameter for each placeholder
//! ([`placeholders::find`]) and each `name-xxx` sample pod name.
//!
//! [`risk::infer`]: super::risk::infer
//! [`placeholders::find`]: super::placeholders::find

mod check;
mod code;
mod headings;
mod importer;
mod markdown;
mod names;
mod procedures;
mod sections;
mod shell;
mod times;

#[cfg(test)]
mod tests;

use super::model::Playbook;
use check::check;
use headings::clean_heading;
use importer::{Ctx, Importer};
use markdown::parse_markdown;
use procedures::walk;
use sections::sections;
use std::fmt;
use std::path::Path;

/// Why a runbook could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Nothing in the runbook can become a step.
    NoSteps { source: String },
    /// The playbook would be larger than a playbook file may be; `line`
    /// is the markdown line where it crosses the limit.
    TooLarge { source: String, line: usize },
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
            ImportError::TooLarge { source, line } => write!(
                f,
                "{source}:{line}: the runbook is too large to import: from this line on the playbook would hold more than {NODE_BUDGET} YAML nodes, which a playbook file may not (split the runbook into smaller ones, one per alert or procedure, and import each)"
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

/// What an import left out, for a person to review: the markdown line
/// and what is there (output in a shell block, a block in another
/// language, a list under a contacts heading...), and notes (`note: `) on
/// what was taken but needs a look.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub skipped: Vec<(usize, String)>,
}

impl Report {
    /// `file:line: what` lines, sorted by line, safe for a terminal.
    pub fn lines(&self, source: &str) -> Vec<String> {
        let mut v = self.skipped.clone();
        v.sort();
        v.dedup();
        v.into_iter()
            .map(|(line, what)| {
                let what = match what.strip_prefix("note: ") {
                    Some(note) => note.to_string(),
                    None => format!("skipped {what}"),
                };
                crate::sanitize::clean_text(&format!("{source}:{line}: {what}"))
            })
            .collect()
    }
}

/// YAML nodes a playbook file may hold (the YAML reader's budget is
/// 250,000; the estimate leaves room for what it does not count).
pub const NODE_BUDGET: usize = 200_000;

/// `title:` and `description:` of a front matter (`---` YAML or `+++`
/// TOML), and the markdown with the front matter blanked (lines kept, so
/// line numbers stay right).
fn front_matter(md: &str) -> (Option<String>, Option<String>, String) {
    let mut lines = md.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return (None, None, md.to_string());
    };
    let fence = first.trim_end();
    if fence != "---" && fence != "+++" {
        return (None, None, md.to_string());
    }
    let mut body = Vec::new();
    let mut closed = false;
    for l in lines.by_ref() {
        if l.trim_end() == fence {
            closed = true;
            break;
        }
        body.push(l);
    }
    if !closed {
        return (None, None, md.to_string());
    }
    let value = |key: &str| {
        body.iter()
            .find_map(|l| {
                let (k, v) = l.split_once([':', '='])?;
                (k.trim() == key)
                    .then(|| v.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
            })
            .filter(|v| !v.is_empty() && v != ">" && v != "|")
    };
    let (title, description) = (value("title"), value("description"));
    let rest: String = lines.collect();
    let blank = "\n".repeat(body.len() + 2);
    (title, description, format!("{blank}{rest}"))
}

/// Imports a markdown runbook. `source_name` names it in errors and, when
/// the runbook has no H1, gives the title (its file stem).
pub fn import(markdown: &str, source_name: &str) -> Result<Playbook, ImportError> {
    import_with_report(markdown, source_name).map(|(pb, _)| pb)
}

/// [`import`], with what was left out.
pub fn import_with_report(
    markdown: &str,
    source_name: &str,
) -> Result<(Playbook, Report), ImportError> {
    let (fm_title, fm_description, markdown) = front_matter(markdown);
    let mut root = sections(parse_markdown(&markdown));
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
        None => fm_title.clone().unwrap_or_else(|| stem.clone()),
    };
    let title = if title.trim().is_empty() { stem } else { title };

    let mut im = Importer::default();
    if let Some(d) = fm_description {
        im.note(d);
    }
    let info = im.visit(&root, &Ctx::default(), true);
    let mut drafts = Vec::new();
    walk(&info, true, &title, &mut drafts);
    if drafts.is_empty() {
        return Err(ImportError::NoSteps {
            source: source_name.to_string(),
        });
    }
    if let Some(line) = over_budget(&drafts, &im) {
        return Err(ImportError::TooLarge {
            source: source_name.to_string(),
            line,
        });
    }
    let report = Report {
        skipped: std::mem::take(&mut im.skipped),
    };
    let pb = im.finish(&title, drafts);
    let problems = check(&pb);
    if problems.is_empty() {
        Ok((pb, report))
    } else {
        Err(ImportError::Invalid {
            source: source_name.to_string(),
            problems,
        })
    }
}

/// A `run:` whose first line is plainly a tool's output (`* Connected`,
/// `> Host: x`, `Error: ...`): lint reports it.
pub fn looks_like_output(run: &str) -> bool {
    run.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(code::output_like)
}

/// YAML nodes of a value (keys count).
fn nodes(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Array(a) => 1 + a.iter().map(nodes).sum::<usize>(),
        serde_json::Value::Object(m) => 1 + m.values().map(|x| 1 + nodes(x)).sum::<usize>(),
        _ => 1,
    }
}

/// The markdown line of the step from which the playbook passes
/// [`NODE_BUDGET`].
fn over_budget(drafts: &[procedures::ProcDraft], im: &Importer) -> Option<usize> {
    let mut total = im.fixed_nodes();
    for p in drafts {
        total += 12 + p.detection.len() + p.templates.len();
        for ph in &p.phases {
            total += 8;
            for d in &ph.steps {
                total += 7 + usize::from(d.detail.is_some()) * 2;
                if let Some(c) = &d.command {
                    total += serde_json::to_value(c).map_or(10, |v| nodes(&v));
                }
                if total > NODE_BUDGET {
                    return Some(d.line.max(1));
                }
            }
        }
    }
    None
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
