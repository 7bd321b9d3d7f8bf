//! Several procedures per incident: the playbook's `with:` list joins at
//! the declaration, `P` adds one mid-incident (recorded), every seat and
//! a resume rebuild the same checklist, and ticks stay with their step.

use super::*;
use crate::session::Seat;
use crate::state::ui::PickKind;
use crate::testkit::Harness;
use crossterm::event::KeyCode;

fn step_ids(h: &Harness) -> Vec<String> {
    h.state
        .ctx
        .procedure()
        .steps()
        .map(|s| s.id.value.clone())
        .collect()
}

fn parts(h: &Harness) -> Vec<String> {
    h.state
        .ctx
        .checklist
        .parts
        .iter()
        .map(|p| p.id.clone())
        .collect()
}

#[test]
fn the_playbook_joins_the_general_procedures_at_the_declaration() {
    let h = Harness::drill_of("data-corruption");
    assert_eq!(
        parts(&h),
        [
            "initial-response",
            "technical-investigation",
            "data-corruption",
            "service-recovery"
        ]
    );
    // One checklist, the initial response's time box first.
    let first = &h.state.ctx.procedure().phases[0];
    assert_eq!(first.timebox.as_ref().unwrap().value, "0-15m");
    assert_eq!(step_ids(&h)[0], "initial-response/acknowledge");
    // Its time box is a clock like the declared procedure's.
    assert!(
        h.state
            .derived
            .timers
            .iter()
            .any(|t| t.id == "phase-initial-response/first-15"),
        "{:#?}",
        h.state.derived.timers
    );
}

#[test]
fn p_adds_a_procedure_from_a_picker_and_the_record_says_so() {
    let mut h = Harness::drill_of("data-corruption");
    // The cursor's step stays selected when the checklist grows.
    h.select_step("stop-service");
    let before = step_ids(&h).len();
    h.key(KeyCode::Char('P'));
    let Some(Modal::Pick { kind, .. }) = &h.state.ui.modal else {
        panic!("no picker: {:?}", h.state.ui.modal);
    };
    assert_eq!(*kind, PickKind::Procedure);
    let offered = picker_items(&h.state, PickKind::Procedure);
    assert!(
        !offered.contains(&"initial-response".to_string()),
        "{offered:?}"
    );
    let at = offered.iter().position(|p| p == "data-recovery").unwrap();
    for _ in 0..at {
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Enter);
    let last = h.records().last().cloned().unwrap();
    assert_eq!(
        last.event,
        Event::ProcedureAdded {
            procedure: "data-recovery".into(),
            name: "Data Recovery Procedures".into(),
            condition: None,
        }
    );
    assert!(parts(&h).contains(&"data-recovery".to_string()));
    let ids = step_ids(&h);
    assert!(ids.len() > before);
    assert!(
        ids.iter().any(|i| i.starts_with("data-recovery/")),
        "{ids:?}"
    );
    let sel = h
        .state
        .ctx
        .procedure()
        .steps()
        .nth(h.state.ui.step)
        .unwrap();
    assert_eq!(sel.id.value, "stop-service");
    // It is no longer offered.
    assert!(!picker_items(&h.state, PickKind::Procedure).contains(&"data-recovery".into()));
}

#[test]
fn ticks_of_joined_steps_survive_a_resume_and_reach_other_seats() {
    let mut h = Harness::drill_of("data-corruption");
    h.record(Event::ProcedureAdded {
        procedure: "data-recovery".into(),
        name: "Data Recovery Procedures".into(),
        condition: None,
    });
    h.select_step("initial-response/acknowledge");
    h.key(KeyCode::Char(' '));
    h.select_step("data-recovery/db-stop");
    h.key(KeyCode::Char(' '));
    for who in [Seat::Resume, Seat::Join] {
        let other = h.join("bo@bastion-2", who);
        assert_eq!(parts(&other), parts(&h), "{who:?}");
        assert_eq!(step_ids(&other), step_ids(&h));
        assert!(
            other
                .state
                .incident
                .checked
                .contains_key("initial-response/acknowledge")
        );
        assert!(
            other
                .state
                .incident
                .checked
                .contains_key("data-recovery/db-stop")
        );
    }
}

#[test]
fn another_seat_sees_a_procedure_added_live() {
    let mut a = Harness::drill_of("data-corruption");
    let mut b = a.join("bo@bastion-2", Seat::Join);
    a.record(Event::ProcedureAdded {
        procedure: "data-recovery".into(),
        name: "Data Recovery Procedures".into(),
        condition: None,
    });
    b.follow();
    assert!(parts(&b).contains(&"data-recovery".to_string()));
}

#[test]
fn a_procedure_alone_keeps_its_step_ids() {
    // An incident declared with a procedure that joins nothing reads as
    // older timelines did: bare step ids, one procedure.
    let h = Harness::drill();
    assert_eq!(parts(&h), ["api-outage"]);
    assert!(step_ids(&h).iter().all(|i| !i.contains('/')));
}

#[test]
fn the_export_lists_the_procedures_worked() {
    let mut h = Harness::drill_of("data-corruption");
    h.record(Event::ProcedureAdded {
        procedure: "data-recovery".into(),
        name: "Data Recovery Procedures".into(),
        condition: None,
    });
    h.select_step("initial-response/acknowledge");
    h.key(KeyCode::Char(' '));
    let records = h.records();
    let pb = h.state.ctx.playbook.clone();
    let tz = chrono::FixedOffset::east_opt(0).unwrap();
    let f = crate::export::facts(&records, Some(&pb), tz).unwrap();
    let got: Vec<(&str, &str)> = f
        .incident
        .procedures
        .iter()
        .map(|p| (p.id.as_str(), p.why.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("initial-response", "with"),
            ("technical-investigation", "with"),
            ("data-corruption", "declared"),
            ("service-recovery", "with"),
            ("data-recovery", "added"),
        ]
    );
    assert_eq!(f.steps.done, 1, "a joined step's tick counts");
    assert_eq!(f.steps.total, Some(h.state.ctx.procedure().steps().count()));
    let md = crate::export::markdown::render(&f);
    assert!(
        md.contains(
            "- Procedures worked: Initial Response (initial-response, goes with the declared one); "
        ),
        "{md}"
    );
    assert!(md.contains("Data Recovery Procedures (data-recovery, added during the incident)"));
    // Without the playbook, the record still says which were added.
    let f = crate::export::facts(&records, None, tz).unwrap();
    let got: Vec<_> = f
        .incident
        .procedures
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(got, ["data-corruption", "data-recovery"]);
}

#[test]
fn a_detection_sign_is_ticked_like_a_step_and_recorded_by_its_stable_id() {
    let mut h = Harness::drill();
    // The API outage's signs come first, in their own Detection phase.
    let first = &h.state.ctx.procedure().phases[0];
    assert_eq!(first.name, "Detection");
    assert_eq!(step_ids(&h)[0], "detect-alertmanager-fires-apidown-alert");
    h.select_step("detect-customer-reports");
    h.key(KeyCode::Char(' '));
    let last = h.records().last().cloned().unwrap();
    let crate::timeline::Event::StepChecked { step, title, .. } = &last.event else {
        panic!("not a tick: {last:?}");
    };
    assert_eq!(step, "detect-customer-reports");
    assert_eq!(title, "Customer reports");
    assert!(
        h.state
            .incident
            .checked
            .contains_key("detect-customer-reports")
    );
    // Another seat reads the same checklist, the tick on the same sign.
    let other = h.join("bob@bastion-2", Seat::Join);
    assert_eq!(step_ids(&other), step_ids(&h));
    assert!(
        other
            .state
            .incident
            .checked
            .contains_key("detect-customer-reports")
    );
}

/// Picks `id` in the picker `key` opens.
fn pick(h: &mut Harness, key: char, id: &str) {
    h.key(KeyCode::Char(key));
    let Some(Modal::Pick { kind, .. }) = &h.state.ui.modal else {
        panic!("no picker for {key}: {:?}", h.state.ui.flash)
    };
    let items = picker_items(&h.state, *kind);
    let i = items
        .iter()
        .position(|x| x == id)
        .unwrap_or_else(|| panic!("{id} not in {items:?}"));
    for _ in 0..i {
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Enter);
}

fn added_by(r: &crate::timeline::Record) -> Option<(String, Option<String>)> {
    match &r.event {
        Event::ProcedureAdded {
            procedure,
            condition,
            ..
        } => Some((procedure.clone(), condition.clone())),
        _ => None,
    }
}

#[test]
fn a_condition_starts_the_procedures_it_names_once() {
    let mut h = Harness::drill_of("data-corruption");
    let n = h.records().len();
    // Data corruption: its procedure is the declared one, only the data
    // recovery procedure joins, recorded after the condition.
    pick(&mut h, 'C', "data-corruption");
    let recs = h.records();
    let kinds: Vec<_> = recs[n..].iter().map(|r| r.event.kind()).collect();
    assert_eq!(kinds, ["condition_set", "procedure_added"], "{recs:#?}");
    assert_eq!(
        added_by(&recs[n + 1]),
        Some(("data-recovery".into(), Some("data-corruption".into())))
    );
    assert!(parts(&h).contains(&"data-recovery".to_string()));
    assert!(
        h.state
            .ui
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("Data Recovery Procedures"),
        "{:?}",
        h.state.ui.flash
    );
    // A cryptographic vulnerability: its procedure and the security
    // investigation, in the order the condition names them.
    pick(&mut h, 'C', "crypto-vulnerability-confirmed");
    let added: Vec<_> = h.records().iter().filter_map(added_by).collect();
    assert_eq!(
        added,
        [
            ("data-recovery".into(), Some("data-corruption".into())),
            (
                "cryptographic-vulnerability".into(),
                Some("crypto-vulnerability-confirmed".into())
            ),
            (
                "security-investigation".into(),
                Some("crypto-vulnerability-confirmed".into())
            ),
        ]
    );
    // Data exposure starts the security investigation, already there:
    // the condition alone is recorded.
    let n = h.records().len();
    pick(&mut h, 'C', "data-exposure");
    let kinds: Vec<_> = h.records()[n..].iter().map(|r| r.event.kind()).collect();
    assert_eq!(kinds, ["condition_set"]);
    // Every seat and a resume read the same checklist from the record,
    // and replaying it adds nothing.
    for who in [Seat::Resume, Seat::Join] {
        let mut other = h.join("bo@bastion-2", who);
        assert_eq!(parts(&other), parts(&h), "{who:?}");
        other.advance(1);
        assert_eq!(
            other.records().iter().filter_map(added_by).count(),
            3,
            "{who:?}"
        );
    }
}
