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
