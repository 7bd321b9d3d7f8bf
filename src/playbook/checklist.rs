//! Several procedures as one checklist. An incident works its declared
//! procedure, the procedures the playbook says go with it (`with:`), and
//! any the IC adds mid-incident (`procedure_added` records), in the
//! playbook's order of procedures, each phase keeping its time box.
//!
//! Steps are ticked by id, so ids must stay unique across the joined
//! procedures: the declared procedure's steps keep their own ids (older
//! timelines, which knew one procedure, read as they did), the others'
//! are `procedure/step` (and their phases `procedure/phase`).
//!
//! A procedure's `detection:` list (the signs that tell this incident
//! apart) is checked like any step: each sign is a step of a Detection
//! phase shown before the procedure's own phases (or at the start of its
//! own phase named Detection, when it has one), without a command. Its id
//! is `detect-` and the sign's words (`detect-replica-lag-alert`), so a
//! record of it reads the same on every seat, after a resume and in the
//! export; joined like any step (`procedure/detect-…` when the procedure
//! is not the declared one).

use super::model::{At, Phase, Playbook, Procedure, Step};

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

/// A detection sign of a procedure, as a step of the checklist.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sign {
    /// The procedure whose `detection:` list says it.
    pub procedure: String,
    /// The sign as the playbook writes it.
    pub text: String,
    /// The id it is ticked by in the joined checklist.
    pub step: String,
}

/// The id of a Detection phase the checklist makes for a procedure that
/// has none.
pub const DETECTION_PHASE: &str = "detection";

/// The step ids of a procedure's detection signs, in its list's order:
/// `detect-` and the sign's words (lowercase ASCII letters and digits,
/// dashes), made unique within the procedure by `-2`, `-3`...; a sign
/// without a letter or digit is `detect-N` (its place, from 1).
pub fn sign_ids(p: &Procedure) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, d) in p.detection.iter().enumerate() {
        let base = if d.chars().any(|c| c.is_ascii_alphanumeric()) {
            format!("detect-{}", super::report::slug(d))
        } else {
            format!("detect-{}", i + 1)
        };
        let taken = |id: &str| out.iter().any(|o| o == id) || p.step(id).is_some();
        let mut id = base.clone();
        let mut n = 2;
        while taken(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        out.push(id);
    }
    out
}

/// A procedure's phases as the checklist shows them: its detection signs
/// first, as the steps of a Detection phase (its own phase with id
/// `detection` or named Detection..., else one made before its phases).
pub fn phases_with_detection(p: &Procedure) -> Vec<Phase> {
    let mut phases = p.phases.clone();
    if p.detection.is_empty() {
        return phases;
    }
    let signs: Vec<Step> = p
        .detection
        .iter()
        .zip(sign_ids(p))
        .map(|(text, id)| Step {
            id: At::new(id),
            title: text.clone(),
            detail: Some(
                "A detection sign of this procedure: tick it when it was seen.".to_string(),
            ),
            command: None,
            expect: None,
            role: None,
            approval: None,
            verify: Vec::new(),
        })
        .collect();
    let own = phases.iter().position(|ph| {
        ph.id.value.eq_ignore_ascii_case(DETECTION_PHASE)
            || ph.name.trim().to_lowercase().starts_with("detection")
    });
    match own {
        Some(i) => {
            phases[i].steps.splice(0..0, signs);
        }
        None => phases.insert(
            0,
            Phase {
                id: At::new(DETECTION_PHASE.to_string()),
                name: "Detection".to_string(),
                timebox: None,
                steps: signs,
            },
        ),
    }
    phases
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
    /// Every procedure's detection signs, in checklist order.
    pub signs: Vec<Sign>,
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
    let mut signs = Vec::new();
    for (p, why) in procs {
        let first_phase = joined.phases.len();
        for (text, id) in p.detection.iter().zip(sign_ids(p)) {
            signs.push(Sign {
                procedure: p.id.value.clone(),
                text: text.clone(),
                step: step_id(&main.id.value, &p.id.value, &id),
            });
        }
        let phases = phases_with_detection(p);
        for mut ph in phases.iter().cloned() {
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
            phases: phases.len(),
            why,
        });
    }
    Checklist {
        primary: primary.to_string(),
        added: added.to_vec(),
        parts,
        joined,
        playbook: None,
        signs,
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
            signs: Vec::new(),
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

    /// Whether a step (by its id in the joined checklist) is a detection
    /// sign.
    pub fn is_sign(&self, step: &str) -> bool {
        self.signs.iter().any(|s| s.step == step)
    }

    /// Where the cursor starts: the first step that is not a detection
    /// sign (the first thing to do; the signs above are ticked as they
    /// are confirmed), else the first.
    pub fn first_action(&self) -> usize {
        self.joined
            .steps()
            .position(|s| !self.is_sign(&s.id.value))
            .unwrap_or(0)
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

    #[test]
    fn detection_signs_are_the_steps_of_a_detection_phase_before_the_procedures_own() {
        let pb = crate::playbook::load_bundled("dicps.yaml").expect("bundled dicps");
        let c = build(&pb, "api-outage", &[]);
        let first = &c.joined.phases[0];
        assert_eq!(first.id.value, "detection");
        assert_eq!(first.name, "Detection");
        assert!(first.timebox.is_none());
        let ids: Vec<_> = first.steps.iter().map(|s| s.id.value.as_str()).collect();
        assert_eq!(
            ids,
            [
                "detect-alertmanager-fires-apidown-alert",
                "detect-health-check-failures-3-consecutive-checks",
                "detect-customer-reports"
            ]
        );
        assert_eq!(first.steps[0].title, "Alertmanager fires `APIDown` alert");
        assert!(first.steps.iter().all(|s| s.command.is_none()));
        // The procedure's own phases follow, unchanged.
        let own = pb.procedure("api-outage").unwrap();
        assert_eq!(c.joined.phases.len(), own.phases.len() + 1);
        assert_eq!(c.joined.phases[1].id.value, own.phases[0].id.value);
        assert_eq!(c.parts[0].phases, own.phases.len() + 1);
        assert_eq!(c.signs.len(), 3);
        assert_eq!(c.signs[2].step, "detect-customer-reports");
        assert_eq!(c.signs[2].procedure, "api-outage");
        assert!(c.is_sign("detect-customer-reports"));
        // The cursor starts on the first thing to do, below the signs.
        assert_eq!(c.first_action(), 3);
        assert_eq!(build(&zkp(), "data-corruption", &[]).first_action(), 0);
        // The same ids every time: another seat, a resume, the export.
        let again = build(&pb, "api-outage", &[]);
        assert_eq!(again.signs, c.signs);
    }

    #[test]
    fn a_joined_or_added_procedures_signs_are_qualified_like_its_steps() {
        let pb = zkp();
        let c = build(&pb, "data-corruption", &["supply-chain-compromise".into()]);
        let part = c.parts.iter().find(|p| p.id == "data-corruption").unwrap();
        let det = &c.joined.phases[part.first_phase];
        assert_eq!(det.id.value, "detection");
        assert_eq!(
            det.steps[0].id.value,
            "detect-merkle-tree-verification-failures"
        );
        assert_eq!(
            c.part_of_phase(part.first_phase).unwrap().id,
            "data-corruption"
        );
        let sc = c
            .parts
            .iter()
            .find(|p| p.id == "supply-chain-compromise")
            .unwrap();
        let det = &c.joined.phases[sc.first_phase];
        assert_eq!(det.id.value, "supply-chain-compromise/detection");
        assert_eq!(
            det.steps[0].id.value,
            "supply-chain-compromise/detect-dependency-vulnerability-alerts"
        );
        assert!(
            c.signs
                .iter()
                .any(|s| s.step == "supply-chain-compromise/detect-build-system-anomalies")
        );
        // General procedures without a detection list bring no phase.
        let ir = c.parts.iter().find(|p| p.id == "initial-response").unwrap();
        assert_eq!(
            ir.phases,
            pb.procedure("initial-response").unwrap().phases.len()
        );
        let ids: Vec<_> = c.joined.steps().map(|s| s.id.value.clone()).collect();
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "step ids are unique");
    }

    #[test]
    fn signs_join_the_procedures_own_detection_phase_and_stay_unique() {
        let mut p = zkp().procedure("data-corruption").unwrap().clone();
        p.detection = vec![
            "Replica lag alert".into(),
            "replica lag ALERT!".into(),
            "→ ←".into(),
        ];
        assert_eq!(
            sign_ids(&p),
            [
                "detect-replica-lag-alert",
                "detect-replica-lag-alert-2",
                "detect-3"
            ]
        );
        p.phases[1].name = "Detection and triage".into();
        let phases = phases_with_detection(&p);
        assert_eq!(phases.len(), p.phases.len());
        let ids: Vec<_> = phases[1]
            .steps
            .iter()
            .map(|s| s.id.value.as_str())
            .collect();
        assert_eq!(
            ids,
            [
                "detect-replica-lag-alert",
                "detect-replica-lag-alert-2",
                "detect-3",
                "backup-state"
            ]
        );
        p.detection.clear();
        assert_eq!(phases_with_detection(&p).len(), p.phases.len());
    }
}
