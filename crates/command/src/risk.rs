//! The one risk classifier of the project, `read`, `change` or
//! `destructive` for a command line, lives in its own crate
//! (`crates/risk`, `incident_cockpit_risk`: the lexer, the rules and their
//! tests) so that mutation testing rebuilds only it. Here it meets the
//! playbook's placeholders: `<pod>` in a step's command is one word, not a
//! redirection.

use super::model::Risk;
pub use incident_cockpit_risk::{Inferred, knows};

/// The known floor and whether unknown programs are involved.
pub fn analyse(line: &str) -> Inferred {
    let places: Vec<_> = super::placeholders::find(line)
        .iter()
        .map(|f| f.start..f.start + f.text.len())
        .collect();
    incident_cockpit_risk::analyse_masked(line, &places)
}

/// The risk of a command line with nothing declared.
pub fn infer(line: &str) -> Risk {
    analyse(line).effective(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_words_not_redirections() {
        // Read as redirections, `<pod>` would write a file: `change`.
        assert_eq!(infer("kubectl logs <pod> -n <namespace>"), Risk::Read);
        assert_eq!(infer("cat <file>"), Risk::Read);
        // Spaced and multi-byte placeholders end where they end.
        assert_eq!(infer("kubectl get pod <Pod Name> -o yaml"), Risk::Read);
        assert_eq!(infer("kubectl delete pod <pod> -n prod"), Risk::Destructive);
        assert!(!analyse("kubectl describe <kind> <name>").unknown);
    }
}
