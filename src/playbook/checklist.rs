//! Several procedures as one checklist. An incident works its declared
//! procedure, the procedures the playbook says go with it (`with:`), and
//! any the IC adds mid-incident (`procedure_added` records), in the
//! playbook's order of procedures, each phase keeping its time box.
//!
//! Steps are ticked by id, so ids must stay unique across the joined
//! procedures: the declared procedure's steps keep their own ids (older
//! timelines, which knew one procedure, read as they did), the others'
//! are `procedure/step` (and their phases `procedure/phase`).

use super::model::{At, Playbook, Procedure};

/// One procedure's place in the checklist.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Part {
    pub id: String,
    pub name: String,
    /// Index of its first phase in the joined checklist.
    pub first_phase: usize,
    /// How many phases it brings.
    pub phases: usize,
    /// Why it is there: `declared`, `with` (the playbook), `added`.
    pub why: &'static str,
}

/// The joined checklist of an incident.
#[derive(Clone, Debug)]
pub struct Checklist {
    /// The declared procedure's id.
    pub primary: String,
    /// The procedures added mid-incident (from the record), in order.
    pub added: Vec<String>,
    /// The procedures, in checklist order.
    pub parts: Vec<Part>,
    /// Every phase and step, ids made unique: the declared procedure's
    /// name, severity and conditions; the templates of all.
    pub joined: Procedure,
    /// The playbook it was built from (`is_for` compares it).
    pub playbook: Option<std::sync::Arc<Playbook>>,
}

/// The id a step of `procedure` is ticked by in an incident declared with
/// `primary`.
pub fn step_id(primary: &str, procedure: &str, step: &str) -> String {
    if procedure == primary {
        step.to_string()
    } else {
        format!("{procedure}/{step}")
    }
}

/// The procedures an incident declared with `primary` works: itself, its
/// `with:` list and `added`, each once, in the playbook's order (unknown
/// ids are left out: lint reports them).
pub fn procedures<'a>(
    pb: &'a Playbook,
    primary: &str,
    added: &[String],
) -> Vec<(&'a Procedure, &'static str)> {
    let Some(main) = pb.procedure(primary) else {
        return Vec::new();
    };
    let why = |id: &str| -> Option<&'static str> {
        if id == primary {
            Some("declared")
        } else if main.with.iter().any(|w| w.value == id) {
            Some("with")
        } else if added.iter().any(|a| a == id) {
            Some("added")
        } else {
            None
        }
    };
    pb.procedures
        .iter()
        .filter_map(|p| why(&p.id.value).map(|w| (p, w)))
        .collect()
}

/// Joins the procedures of an incident declared with `primary` into one
/// checklist. An unknown `primary` gives the playbook's first procedure
/// alone (the session checks the procedure when it starts).
pub fn build(pb: &Playbook, primary: &str, added: &[String]) -> Checklist {
    let mut procs = procedures(pb, primary, added);
    if procs.is_empty()
        && let Some(first) = pb.procedures.first()
    {
        procs.push((first, "declared"));
    }
    let main = procs
        .iter()
        .find(|(_, w)| *w == "declared")
        .map(|(p, _)| *p)
        .cloned()
        .unwrap_or_else(Procedure::empty);
    let mut joined = Procedure {
        phases: Vec::new(),
        templates: Vec::new(),
        with: Vec::new(),
        ..main.clone()
    };
    let mut parts = Vec::new();
    for (p, why) in procs {
        let first_phase = joined.phases.len();
        for ph in &p.phases {
            let mut ph = ph.clone();
            if p.id.value != main.id.value {
                ph.id = requalify(&p.id.value, &ph.id);
                for st in &mut ph.steps {
                    st.id = requalify(&p.id.value, &st.id);
                }
            }
            joined.phases.push(ph);
        }
        for t in &p.templates {
            if !joined.templates.iter().any(|x| x.value == t.value) {
                joined.templates.push(t.clone());
            }
        }
        parts.push(Part {
            id: p.id.value.clone(),
            name: p.name.clone(),
            first_phase,
            phases: p.phases.len(),
            why,
        });
    }
    Checklist {
        primary: primary.to_string(),
        added: added.to_vec(),
        parts,
        joined,
        playbook: None,
    }
}

/// `build` for a session's playbook, remembered for `is_for`.
pub fn of(pb: &std::sync::Arc<Playbook>, primary: &str, added: &[String]) -> Checklist {
    Checklist {
        playbook: Some(pb.clone()),
        ..build(pb, primary, added)
    }
}

impl Default for Checklist {
    fn default() -> Self {
        Self {
            primary: String::new(),
            added: Vec::new(),
            parts: Vec::new(),
            joined: Procedure::empty(),
            playbook: None,
        }
    }
}

fn requalify(procedure: &str, id: &At<String>) -> At<String> {
    At {
        value: format!("{procedure}/{}", id.value),
        line: id.line,
        col: id.col,
    }
}

impl Checklist {
    /// Whether this checklist was built from this playbook for this
    /// declared procedure and these additions.
    pub fn is_for(&self, pb: &std::sync::Arc<Playbook>, primary: &str, added: &[String]) -> bool {
        self.primary == primary
            && self.added == added
            && !self.parts.is_empty()
            && self
                .playbook
                .as_ref()
                .is_some_and(|p| std::sync::Arc::ptr_eq(p, pb))
    }

    /// The part a phase (by index in the joined checklist) belongs to.
    pub fn part_of_phase(&self, phase: usize) -> Option<&Part> {
        self.parts
            .iter()
            .find(|p| phase >= p.first_phase && phase < p.first_phase + p.phases)
    }

    /// The procedures the playbook has that this checklist does not.
    pub fn addable<'a>(&self, pb: &'a Playbook) -> Vec<&'a Procedure> {
        pb.procedures
            .iter()
            .filter(|p| !self.parts.iter().any(|x| x.id == p.id.value))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zkp() -> Playbook {
        crate::playbook::load_bundled("zkp-ledger.yaml").expect("bundled zkp-ledger")
    }

    #[test]
    fn a_procedure_joins_its_with_list_in_playbook_order() {
        let pb = zkp();
        let c = build(&pb, "data-corruption", &[]);
        let ids: Vec<_> = c.parts.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "initial-response",
                "technical-investigation",
                "data-corruption",
                "service-recovery"
            ]
        );
        let whys: Vec<_> = c.parts.iter().map(|p| p.why).collect();
        assert_eq!(whys, ["with", "with", "declared", "with"]);
        assert_eq!(c.joined.name, "Data Corruption");
        // The declared procedure's steps keep their ids; the others' are
        // qualified, so every id is unique.
        let ids: Vec<_> = c.joined.steps().map(|s| s.id.value.clone()).collect();
        assert!(ids.contains(&"initial-response/acknowledge".to_string()));
        let own = pb.procedure("data-corruption").unwrap();
        for s in own.steps() {
            assert!(ids.contains(&s.id.value), "{}", s.id.value);
        }
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "step ids are unique");
        // Each part's phases are where it says.
        let ir = &c.parts[0];
        assert_eq!(
            c.joined.phases[ir.first_phase]
                .timebox
                .as_ref()
                .unwrap()
                .value,
            "0-15m"
        );
        assert_eq!(
            c.part_of_phase(ir.first_phase).unwrap().id,
            "initial-response"
        );
    }

    #[test]
    fn an_added_procedure_joins_and_leaves_the_addable_list() {
        let pb = zkp();
        let before = build(&pb, "data-corruption", &[]);
        assert!(
            before
                .addable(&pb)
                .iter()
                .any(|p| p.id.value == "data-recovery")
        );
        let c = build(&pb, "data-corruption", &["data-recovery".into()]);
        let p = c.parts.iter().find(|p| p.id == "data-recovery").unwrap();
        assert_eq!(p.why, "added");
        assert!(!c.addable(&pb).iter().any(|p| p.id.value == "data-recovery"));
        let pb = std::sync::Arc::new(pb);
        let c = of(&pb, "data-corruption", &["data-recovery".into()]);
        assert!(c.is_for(&pb, "data-corruption", &["data-recovery".into()]));
        assert!(!c.is_for(&pb, "data-corruption", &[]));
        let other = std::sync::Arc::new((*pb).clone());
        assert!(!c.is_for(&other, "data-corruption", &["data-recovery".into()]));
        assert_eq!(
            step_id("data-corruption", "data-recovery", "x"),
            "data-recovery/x"
        );
        assert_eq!(step_id("data-corruption", "data-corruption", "x"), "x");
    }

    #[test]
    fn an_unknown_procedure_gives_the_first_alone() {
        let pb = zkp();
        let c = build(&pb, "nope", &[]);
        assert_eq!(c.parts.len(), 1);
        assert_eq!(c.parts[0].id, pb.procedures[0].id.value);
    }
}
