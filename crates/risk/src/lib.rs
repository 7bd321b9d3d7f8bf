//! The one risk classifier of the project: `read`, `change` or
//! `destructive` for a command line. `playbook import` gives its steps
//! this risk, `playbook lint` refuses a step declared lower than what it
//! finds, and the run dialog's guard never asks less than it says.
//!
//! A command line is read as a shell reads it ([`lex`]): simple commands
//! cut at `|`, `;`, `&&`, `||` and newlines, with their redirections and
//! here-documents; `$(…)`, backquotes and `<(…)` are classified too. Each
//! simple command is classified by its program and sub-command, looking
//! through wrappers (`sudo`, `env`, `watch`, `timeout`, `nice`, `xargs`,
//! `ssh HOST CMD`, `kubectl exec … --`, `sh -c`…) to the command inside
//! ([`rules`]); the line takes the highest risk. Writing a file (`>`,
//! `tee`, `sed -i`…) is at least `change`; SQL fed to a database client
//! is classified by its statements.
//!
//! A program the rules do not know is `change`, never `read`, unless a
//! playbook declares its risk: the author knows their own tools
//! (`zkp-ledger health-check`), while a known command (`kubectl delete`)
//! can never be declared lower than it is.

//!
//! This crate is the classifier alone, with the [`Risk`] it gives (the
//! cockpit re-exports both as `playbook::model::Risk` and
//! `playbook::risk`); it knows nothing of placeholders: the cockpit's
//! `playbook::risk::analyse` finds them and hands their places to
//! [`analyse_masked`].

mod lex;
mod rules;
#[cfg(test)]
mod tests;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

// How much a command can do: the guard's confirmation follows it. (A
// plain comment: a doc comment would be a description in the playbook's
// JSON schema, which has none for it.)
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, Hash, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Read,
    Change,
    Destructive,
}

impl Risk {
    pub fn name(self) -> &'static str {
        match self {
            Risk::Read => "read",
            Risk::Change => "change",
            Risk::Destructive => "destructive",
        }
    }
}

/// What the rules know about a command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inferred {
    /// The highest risk of the simple commands the rules know (a floor no
    /// declaration can lower).
    pub known: Risk,
    /// Some simple command uses a program the rules do not know.
    pub unknown: bool,
}

impl Inferred {
    const READ: Inferred = Inferred {
        known: Risk::Read,
        unknown: false,
    };

    fn of(r: Risk) -> Self {
        Inferred {
            known: r,
            unknown: false,
        }
    }

    fn unknown() -> Self {
        Inferred {
            known: Risk::Read,
            unknown: true,
        }
    }

    fn max(self, o: Inferred) -> Inferred {
        Inferred {
            known: self.known.max(o.known),
            unknown: self.unknown || o.unknown,
        }
    }

    fn at_least(self, r: Risk) -> Inferred {
        Inferred {
            known: self.known.max(r),
            unknown: self.unknown,
        }
    }

    /// The risk that decides the guard: the declared one, never below the
    /// known floor; with nothing declared, unknown programs count as
    /// `change`.
    pub fn effective(self, declared: Option<Risk>) -> Risk {
        let default = if self.unknown {
            Risk::Change
        } else {
            Risk::Read
        };
        declared.unwrap_or(default).max(self.known)
    }
}

/// The risk of a command line (without placeholders) with nothing
/// declared.
pub fn infer(line: &str) -> Risk {
    analyse(line).effective(None)
}

/// Whether the rules know `program` (its name, without a path).
pub fn knows(program: &str) -> bool {
    !rules::command(&[program], &[], 0).unknown
}

/// How deep wrappers and substitutions are followed (`sh -c "sh -c …"`).
const MAX_DEPTH: usize = 8;

/// The known floor and whether unknown programs are involved, for a line
/// without placeholders.
pub fn analyse(line: &str) -> Inferred {
    analyse_at(line, 0)
}

/// [`analyse`] with the placeholders at these byte ranges of `line` (in
/// order, not overlapping) each read as one plain word: `<pod>` is a
/// placeholder, not a redirection.
pub fn analyse_masked(line: &str, placeholders: &[std::ops::Range<usize>]) -> Inferred {
    let mut s = line.to_string();
    for r in placeholders.iter().rev() {
        // A range outside the line (or inside a character) is no place.
        if s.get(r.clone()).is_some() {
            s.replace_range(r.clone(), "PLACEHOLDER");
        }
    }
    analyse_at(&s, 0)
}

fn analyse_at(line: &str, depth: usize) -> Inferred {
    if depth > MAX_DEPTH {
        return Inferred::unknown().at_least(Risk::Change);
    }
    let (cmds, subs) = lex::lex(line);
    let mut acc = Inferred::READ;
    for s in &subs {
        acc = acc.max(analyse_at(s, depth + 1));
    }
    for c in &cmds {
        acc = acc.max(rules::simple(c, depth));
    }
    acc
}
