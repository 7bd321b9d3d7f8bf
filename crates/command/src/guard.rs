//! The confirmation a command needs, by risk: `read` runs on Enter,
//! `change` needs an explicit `y`, `destructive` needs its target typed
//! back exactly. `--read-only` refuses everything but `read`.

use crate::model::Risk;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Guard {
    Enter,
    Yes,
    TypeBack(String),
    /// Refused by `--read-only`.
    Refused,
}

pub fn guard_for(risk: Risk, target: &str, read_only: bool) -> Guard {
    match risk {
        Risk::Read => Guard::Enter,
        _ if read_only => Guard::Refused,
        Risk::Change => Guard::Yes,
        Risk::Destructive => Guard::TypeBack(target.to_string()),
    }
}

impl Guard {
    /// Whether what the user gave (the key `y`, or the typed text) passes.
    pub fn passes(&self, given: &str) -> bool {
        match self {
            Guard::Enter => true,
            Guard::Yes => given == "y",
            Guard::TypeBack(t) => given == t,
            Guard::Refused => false,
        }
    }

    /// How the confirmation is written into the record.
    pub fn describe(&self) -> String {
        match self {
            Guard::Enter => "enter".into(),
            Guard::Yes => "y".into(),
            Guard::TypeBack(t) => format!("typed {t}"),
            Guard::Refused => "refused".into(),
        }
    }

    /// What the dialog asks.
    pub fn prompt(&self) -> String {
        match self {
            Guard::Enter => "Enter runs it".into(),
            Guard::Yes => "This changes things. Press y to run it, Esc to go back".into(),
            Guard::TypeBack(t) => {
                format!("DESTRUCTIVE. Type {t} and press Enter to run it, Esc to go back")
            }
            Guard::Refused => {
                "Refused: the cockpit is --read-only and this command is not read-only".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_guard_refuses_without_the_right_confirmation() {
        let g = guard_for(Risk::Read, "t", false);
        assert!(g.passes(""));
        let g = guard_for(Risk::Change, "t", false);
        assert!(!g.passes("") && !g.passes("n") && !g.passes("Y ") && g.passes("y"));
        let g = guard_for(Risk::Destructive, "dicps-database", false);
        assert!(!g.passes("y") && !g.passes("dicps-databas") && !g.passes("DICPS-DATABASE"));
        assert!(g.passes("dicps-database"));
        for r in [Risk::Change, Risk::Destructive] {
            let g = guard_for(r, "t", true);
            assert_eq!(g, Guard::Refused);
            assert!(!g.passes("y") && !g.passes("t"));
        }
        assert_eq!(guard_for(Risk::Read, "t", true), Guard::Enter);
    }

    /// The record says which confirmation let a command run, and the
    /// dialog says what to press or type: the target to type back, `y`,
    /// or that `--read-only` refuses it.
    #[test]
    fn each_guard_says_what_it_asks_and_records_what_it_got() {
        let g = guard_for(Risk::Destructive, "dicps-database", false);
        assert_eq!(g.describe(), "typed dicps-database");
        assert_eq!(
            g.prompt(),
            "DESTRUCTIVE. Type dicps-database and press Enter to run it, Esc to go back"
        );
        let g = guard_for(Risk::Change, "t", false);
        assert_eq!(g.describe(), "y");
        assert_eq!(
            g.prompt(),
            "This changes things. Press y to run it, Esc to go back"
        );
        let g = guard_for(Risk::Read, "t", false);
        assert_eq!(g.describe(), "enter");
        assert_eq!(g.prompt(), "Enter runs it");
        let g = guard_for(Risk::Change, "t", true);
        assert_eq!(g.describe(), "refused");
        assert_eq!(
            g.prompt(),
            "Refused: the cockpit is --read-only and this command is not read-only"
        );
    }
}
