//! The two-person rule through `update`, as people reach it: a seat
//! proposes from the run dialog, another OS user's seat approves or
//! rejects from the queue (`A`), the proposer runs it once; lapses,
//! voiding, viewers, `--read-only`, drills and resume.

use crate::command::approval::Stage;
use crate::msg::Effect;
use crate::session::Seat;
use crate::state::Modal;
use crate::state::ui::RunStage;
use crate::testkit::Harness;
use crate::timeline::Event;
use crossterm::event::KeyCode;

/// A live incident (the drill's playbook, nothing canned) on ana's seat.
fn ana() -> Harness {
    let mut h = Harness::drill();
    h.state.ctx.drill = false;
    h.state.ctx.os_user = "ana".into();
    h
}

/// Another seat on the same incident, of the OS user `user`.
fn seat_of(h: &Harness, seat: &str, user: &str, kind: Seat) -> Harness {
    let mut o = h.join(seat, kind);
    o.state.ctx.os_user = user.into();
    o.state.ctx.drill = h.state.ctx.drill;
    o
}

fn kinds(h: &Harness) -> Vec<&'static str> {
    h.records().iter().map(|r| r.event.kind()).collect()
}

fn count(h: &Harness, kind: &str) -> usize {
    kinds(h).iter().filter(|k| **k == kind).count()
}

fn spawned(fx: &[Effect]) -> usize {
    fx.iter().filter(|f| matches!(f, Effect::Spawn(_))).count()
}

fn stage(h: &Harness) -> RunStage {
    match &h.state.ui.modal {
        Some(Modal::Run(d)) => d.stage.clone(),
        other => panic!("no run dialog: {other:?}"),
    }
}

fn flash(h: &Harness) -> String {
    h.state
        .ui
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

/// `step`'s run dialog, Enter: the proposal's reason typed and Enter.
fn propose(h: &mut Harness, step: &str, reason: &str) -> String {
    h.select_step(step);
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    assert!(
        matches!(stage(h), RunStage::Propose { .. }),
        "Enter on a two-person command asks for a reason: {:?}",
        stage(h)
    );
    h.keys(reason);
    h.key(KeyCode::Enter);
    assert!(h.state.ui.modal.is_none(), "{}", flash(h));
    h.state.incident.approvals.last().unwrap().id.clone()
}

/// `A`, the selected proposal decided with `key` (`a` or `x`), the reason
/// and the typed target (if any) entered.
fn decide(h: &mut Harness, key: char, reason: &str, typed: Option<&str>) {
    h.follow();
    h.key(KeyCode::Char('A'));
    assert!(matches!(h.state.ui.modal, Some(Modal::Approvals { .. })));
    h.key(KeyCode::Char(key));
    assert!(
        matches!(h.state.ui.modal, Some(Modal::Decide(_))),
        "{}",
        flash(h)
    );
    h.keys(reason);
    if let Some(t) = typed {
        h.key(KeyCode::Tab);
        h.keys(t);
    }
    h.key(KeyCode::Enter);
    // Back in the queue; closed.
    h.key(KeyCode::Esc);
}

/// What a destructive proposal's approver types back.
fn target(h: &Harness) -> String {
    h.state.incident.approvals.last().unwrap().target.clone()
}

#[test]
fn a_destructive_command_is_proposed_not_run_and_another_user_approves_it() {
    let mut a = ana();
    a.select_step("restart-pods");
    a.key(KeyCode::Enter);
    // The dialog says it before anything is pressed.
    let fx = a.key(KeyCode::Enter);
    assert_eq!(spawned(&fx), 0);
    assert!(matches!(stage(&a), RunStage::Propose { .. }));
    // No reason, no proposal.
    a.key(KeyCode::Enter);
    assert!(matches!(
        stage(&a),
        RunStage::Propose { error: Some(_), .. }
    ));
    a.keys("pods wedged after the bad release");
    a.key(KeyCode::Enter);
    assert!(a.state.ui.modal.is_none());
    assert_eq!(count(&a, "approval_proposed"), 1);
    assert_eq!(count(&a, "command_started"), 0);
    let p = a.state.incident.approvals[0].clone();
    assert_eq!(p.user, "ana");
    assert_eq!(p.by, "ana@bastion-1");
    assert_eq!(p.reason, "pods wedged after the bad release");
    assert_eq!(p.risk, "destructive");
    assert_eq!(
        p.command,
        "kubectl delete pod -n identity-platform -l app=dicps-api"
    );
    assert_eq!(p.lapses_at, a.now + chrono::TimeDelta::minutes(10));

    // Enter again: waiting, nothing proposed twice, nothing run.
    a.select_step("restart-pods");
    a.key(KeyCode::Enter);
    let fx = a.key(KeyCode::Enter);
    assert_eq!(spawned(&fx), 0);
    assert!(
        flash(&a).contains("waiting for a second person"),
        "{}",
        flash(&a)
    );
    assert_eq!(count(&a, "approval_proposed"), 1);
    a.key(KeyCode::Esc);

    // Bob, on another host, approves: the target must be typed back.
    let mut b = seat_of(&a, "bob@bastion-2", "bob", Seat::Join);
    b.key(KeyCode::Char('A'));
    b.key(KeyCode::Char('a'));
    b.keys("agreed, rollback did not help");
    b.key(KeyCode::Enter);
    let Some(Modal::Decide(d)) = &b.state.ui.modal else {
        panic!("still deciding: {:?}", b.state.ui.modal)
    };
    assert!(
        d.error.as_ref().unwrap().contains("target"),
        "{:?}",
        d.error
    );
    assert_eq!(count(&b, "approval_granted"), 0);
    // The error put the cursor in the target's field.
    b.keys(&p.target);
    b.key(KeyCode::Enter);
    assert_eq!(count(&b, "approval_granted"), 1);
    let rec = b.records().into_iter().last().unwrap();
    assert_eq!(rec.by, "bob@bastion-2");
    assert!(
        matches!(&rec.event, Event::ApprovalGranted { user, confirmation, .. } if user == "bob" && *confirmation == format!("typed {}", p.target))
    );

    // Ana's seat: Enter now asks the risk's own confirmation, and runs it
    // once under the proposal.
    a.follow();
    assert!(matches!(
        a.state.incident.approvals[0].stage(a.now),
        Stage::Approved { .. }
    ));
    a.select_step("restart-pods");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Enter);
    assert!(matches!(stage(&a), RunStage::Confirm { .. }));
    a.keys(&p.target);
    let fx = a.key(KeyCode::Enter);
    assert_eq!(spawned(&fx), 1, "{}", flash(&a));
    let started = a
        .records()
        .into_iter()
        .find(|r| r.event.kind() == "command_started")
        .unwrap();
    assert!(
        matches!(&started.event, Event::CommandStarted { approval: Some(id), .. } if *id == p.id)
    );
    assert_eq!(a.state.incident.approvals[0].stage(a.now), Stage::Ran);

    // Once: Enter again proposes anew, nothing runs.
    a.select_step("restart-pods");
    a.key(KeyCode::Enter);
    let fx = a.key(KeyCode::Enter);
    assert_eq!(spawned(&fx), 0);
    assert!(matches!(stage(&a), RunStage::Propose { .. }));
    assert_eq!(count(&a, "command_started"), 1);
}

#[test]
fn the_proposer_and_a_second_seat_of_the_same_user_cannot_approve() {
    let mut a = ana();
    propose(&mut a, "restart-pods", "wedged");
    // Ana's own seat.
    a.key(KeyCode::Char('A'));
    a.key(KeyCode::Char('a'));
    assert!(matches!(a.state.ui.modal, Some(Modal::Approvals { .. })));
    assert!(flash(&a).contains("another person"), "{}", flash(&a));
    // A second seat of ana, even one that calls itself bob ($USER=bob):
    // the OS user decides.
    let mut a2 = seat_of(&a, "bob@bastion-1", "ana", Seat::Join);
    a2.key(KeyCode::Char('A'));
    a2.key(KeyCode::Char('a'));
    assert!(!matches!(a2.state.ui.modal, Some(Modal::Decide(_))));
    a2.key(KeyCode::Char('x'));
    assert!(!matches!(a2.state.ui.modal, Some(Modal::Decide(_))));
    // A viewer of another user sees it and cannot decide.
    let mut v = seat_of(&a, "carol@bastion-2", "carol", Seat::Viewer);
    v.state.ctx.viewer = true;
    v.key(KeyCode::Char('A'));
    assert!(matches!(v.state.ui.modal, Some(Modal::Approvals { .. })));
    v.key(KeyCode::Char('a'));
    assert!(flash(&v).contains("Viewer"), "{}", flash(&v));
    assert_eq!(
        count(&a, "approval_granted") + count(&a, "approval_rejected"),
        0
    );
    assert_eq!(a.state.incident.approvals[0].stage(a.now), Stage::Pending);
}

#[test]
fn a_decision_that_breaks_the_rule_in_the_record_decides_nothing() {
    let mut a = ana();
    let id = propose(&mut a, "restart-pods", "wedged");
    // Written by hand (or by a seat that did not check): ana approving
    // her own proposal.
    a.record(Event::ApprovalGranted {
        proposal: id.clone(),
        user: "ana".into(),
        reason: "me".into(),
        confirmation: "enter".into(),
    });
    assert_eq!(a.state.incident.approvals[0].stage(a.now), Stage::Pending);
    a.select_step("restart-pods");
    a.key(KeyCode::Enter);
    assert_eq!(spawned(&a.key(KeyCode::Enter)), 0);
    assert_eq!(count(&a, "command_started"), 0);
}

#[test]
fn a_rejection_is_recorded_with_who_and_why_and_nothing_runs() {
    let mut a = ana();
    let id = propose(&mut a, "restart-pods", "wedged");
    let mut b = seat_of(&a, "bob@bastion-2", "bob", Seat::Join);
    decide(&mut b, 'x', "not before the DB is checked", None);
    let rec = b.records().into_iter().last().unwrap();
    assert!(
        matches!(&rec.event, Event::ApprovalRejected { proposal, user, reason } if *proposal == id && user == "bob" && reason == "not before the DB is checked")
    );
    a.follow();
    assert_eq!(a.state.incident.approvals[0].stage(a.now), Stage::Rejected);
    // A second decision (carol, later) is not written: the store keeps one.
    let mut c = seat_of(&a, "carol@bastion-3", "carol", Seat::Join);
    c.key(KeyCode::Char('A'));
    c.key(KeyCode::Char('a'));
    assert!(flash(&c).contains("rejected"), "{}", flash(&c));
    // Ana proposes anew; the rejected one stays rejected.
    a.select_step("restart-pods");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Enter);
    assert!(matches!(stage(&a), RunStage::Propose { .. }));
}

#[test]
fn a_proposal_lapses_once_and_then_nobody_may_approve() {
    let mut a = ana();
    let id = propose(&mut a, "restart-pods", "wedged");
    let mut b = seat_of(&a, "bob@bastion-2", "bob", Seat::Join);
    a.advance(599);
    assert_eq!(count(&a, "approval_lapsed"), 0);
    a.advance(2);
    assert_eq!(count(&a, "approval_lapsed"), 1);
    a.advance(1);
    assert_eq!(count(&a, "approval_lapsed"), 1, "recorded once");
    // Bob's seat saw the time pass too: it proposes the lapse, the store
    // keeps the first.
    b.now = a.now;
    b.send(crate::msg::Msg::Tick);
    b.follow();
    assert_eq!(count(&a, "approval_lapsed"), 1);
    assert_eq!(
        b.state.incident.proposal(&id).unwrap().stage(b.now),
        Stage::Lapsed
    );
    b.key(KeyCode::Char('A'));
    b.key(KeyCode::Char('a'));
    assert!(flash(&b).contains("lapsed"), "{}", flash(&b));
    assert_eq!(count(&a, "approval_granted"), 0);
}

#[test]
fn an_approval_not_used_in_time_lapses_and_does_not_run() {
    let mut a = ana();
    propose(&mut a, "restart-pods", "wedged");
    let mut b = seat_of(&a, "bob@bastion-2", "bob", Seat::Join);
    b.advance(300);
    let t = target(&a);
    decide(&mut b, 'a', "ok", Some(&t));
    assert_eq!(count(&b, "approval_granted"), 1);
    a.follow();
    // Past the proposal's own time (10 min), but the approval, given at
    // 5 min, stands 10 min from then.
    a.advance(899);
    assert_eq!(count(&a, "approval_lapsed"), 0);
    a.advance(2);
    assert_eq!(count(&a, "approval_lapsed"), 1);
    a.select_step("restart-pods");
    a.key(KeyCode::Enter);
    assert_eq!(spawned(&a.key(KeyCode::Enter)), 0);
    assert!(matches!(stage(&a), RunStage::Propose { .. }));
}

#[test]
fn a_parameter_change_voids_the_approval() {
    let mut a = ana();
    a.state.ctx.procedure = "data-breach".into();
    a.select_step("restore-backup");
    a.key(KeyCode::Enter);
    a.keys("db-1.internal");
    a.key(KeyCode::Enter);
    a.keys("restore the clean copy");
    a.key(KeyCode::Enter);
    let id = a.state.incident.approvals[0].id.clone();
    assert_eq!(
        a.state.incident.approvals[0]
            .params
            .get("DB_HOST")
            .map(String::as_str),
        Some("db-1.internal")
    );
    let mut b = seat_of(&a, "bob@bastion-2", "bob", Seat::Join);
    b.state.ctx.procedure = "data-breach".into();
    let target = a.state.incident.approvals[0].target.clone();
    decide(&mut b, 'a', "checked the host", Some(&target));
    assert_eq!(count(&a, "approval_granted"), 1);
    a.follow();

    // Ana opens it again and changes the host: the dialog says so, and
    // Enter voids the approval (recorded, with what changed) instead of
    // running; it asks for a new proposal.
    a.select_step("restore-backup");
    a.key(KeyCode::Enter);
    a.keys("db-2.internal");
    let fx = a.key(KeyCode::Enter);
    assert_eq!(spawned(&fx), 0);
    assert!(matches!(stage(&a), RunStage::Propose { .. }));
    let rec = a
        .records()
        .into_iter()
        .find(|r| r.event.kind() == "approval_voided")
        .expect("the void is recorded");
    assert!(
        matches!(&rec.event, Event::ApprovalVoided { proposal, reason } if *proposal == id && reason.contains("DB_HOST")),
        "{rec:?}"
    );
    assert_eq!(a.state.incident.approvals[0].stage(a.now), Stage::Voided);
    // Setting the old value back does not bring the approval back.
    a.key(KeyCode::Esc);
    a.key(KeyCode::Esc);
    a.select_step("restore-backup");
    a.key(KeyCode::Enter);
    a.keys("db-1.internal");
    assert_eq!(spawned(&a.key(KeyCode::Enter)), 0);
    assert!(matches!(stage(&a), RunStage::Propose { .. }));
    assert_eq!(count(&a, "command_started"), 0);
}

#[test]
fn only_the_proposers_seat_runs_it() {
    let mut a = ana();
    propose(&mut a, "restart-pods", "wedged");
    let mut b = seat_of(&a, "bob@bastion-2", "bob", Seat::Join);
    let t = target(&a);
    decide(&mut b, 'a', "ok", Some(&t));
    // Bob approved; on his seat the step is still his to propose.
    b.select_step("restart-pods");
    b.key(KeyCode::Enter);
    assert_eq!(spawned(&b.key(KeyCode::Enter)), 0);
    assert!(matches!(stage(&b), RunStage::Propose { .. }));
    // Ana's other host (same user) does not run it either.
    let mut a2 = seat_of(&a, "ana@bastion-9", "ana", Seat::Join);
    a2.select_step("restart-pods");
    a2.key(KeyCode::Enter);
    assert_eq!(spawned(&a2.key(KeyCode::Enter)), 0);
    assert_eq!(count(&a, "command_started"), 0);
}

#[test]
fn the_proposer_withdraws_it() {
    let mut a = ana();
    let id = propose(&mut a, "restart-pods", "wedged");
    let mut b = seat_of(&a, "bob@bastion-2", "bob", Seat::Join);
    b.key(KeyCode::Char('A'));
    b.key(KeyCode::Char('w'));
    assert!(flash(&b).contains("Only the seat"), "{}", flash(&b));
    a.key(KeyCode::Char('A'));
    a.key(KeyCode::Char('w'));
    assert!(
        a.records().iter().any(|r| matches!(&r.event, Event::ApprovalVoided { proposal, reason } if *proposal == id && reason.contains("withdrawn")))
    );
    assert_eq!(a.state.incident.approvals[0].stage(a.now), Stage::Voided);
}

#[test]
fn a_read_only_seat_refuses_to_propose() {
    let mut a = ana();
    a.state.ctx.read_only = true;
    a.select_step("restart-pods");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Enter);
    assert!(flash(&a).contains("read-only"), "{}", flash(&a));
    assert_eq!(stage(&a), RunStage::Edit);
    assert_eq!(count(&a, "approval_proposed"), 0);
}

#[test]
fn a_step_asks_for_it_and_the_config_adds_risks() {
    use crate::playbook::model::{Approval, At, Risk};
    let mut a = ana();
    // `rollback` is a change: one person, by default.
    a.select_step("rollback");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Enter);
    assert!(matches!(stage(&a), RunStage::Confirm { .. }));
    a.key(KeyCode::Esc);
    a.key(KeyCode::Esc);
    // The config asks a second person for changes too.
    a.state.ctx.approval = a.state.ctx.approval.clone().tightened(&[Risk::Change]);
    a.select_step("rollback");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Enter);
    assert!(matches!(stage(&a), RunStage::Propose { .. }));
    a.key(KeyCode::Esc);
    a.key(KeyCode::Esc);
    // A read step that says `approval: two-person`.
    let mut pb = (*a.state.ctx.playbook).clone();
    for p in &mut pb.procedures {
        for ph in &mut p.phases {
            for st in &mut ph.steps {
                if st.id.value == "pod-status" {
                    st.approval = Some(At::new(Approval::TwoPerson));
                }
            }
        }
    }
    a.state.ctx.playbook = std::sync::Arc::new(pb);
    a.select_step("pod-status");
    a.key(KeyCode::Enter);
    assert_eq!(spawned(&a.key(KeyCode::Enter)), 0);
    assert!(matches!(stage(&a), RunStage::Propose { .. }));
}

#[test]
fn in_a_drill_the_whole_flow_runs_and_nothing_is_executed() {
    let mut a = Harness::drill();
    a.state.ctx.os_user = "ana".into();
    propose(&mut a, "restart-pods", "drill: wedged");
    assert!(a.state.incident.approvals[0].drill);
    let mut b = seat_of(&a, "bob@bastion-2", "bob", Seat::Join);
    let t = target(&a);
    decide(&mut b, 'a', "ok", Some(&t));
    a.follow();
    a.select_step("restart-pods");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Enter);
    a.keys(&t);
    let fx = a.key(KeyCode::Enter);
    assert_eq!(spawned(&fx), 0, "nothing executed");
    let recs = a.records();
    assert!(recs.iter().any(|r| matches!(
        &r.event,
        Event::CommandStarted {
            drill: true,
            approval: Some(_),
            ..
        }
    )));
    assert!(
        recs.iter()
            .any(|r| matches!(&r.event, Event::CommandFinished { drill: true, .. }))
    );
    // The after-action report lists it.
    let md = crate::export::after_action::render(
        &recs,
        Some(&a.state.ctx.playbook),
        None,
        chrono::FixedOffset::east_opt(0).unwrap(),
    )
    .unwrap();
    assert!(md.contains("### Two-person approvals"), "{md}");
    assert!(md.contains("approved by bob@bastion-2 (bob)"), "{md}");
    assert!(md.contains("ran at 13:00:00"), "{md}");
}

#[test]
fn the_queue_is_rebuilt_from_the_record_on_resume() {
    let mut a = ana();
    let id = propose(&mut a, "restart-pods", "wedged");
    let mut b = seat_of(&a, "bob@bastion-2", "bob", Seat::Join);
    let t = target(&a);
    decide(&mut b, 'a', "ok", Some(&t));
    a.follow();
    let back = seat_of(&a, "ana@bastion-1", "ana", Seat::Resume);
    assert_eq!(back.state.incident.approvals, a.state.incident.approvals);
    assert!(matches!(
        back.state.incident.proposal(&id).unwrap().stage(back.now),
        Stage::Approved { .. }
    ));
    // The resumed seat runs it (once), as the proposer's seat.
    let mut back = back;
    back.select_step("restart-pods");
    back.key(KeyCode::Enter);
    back.key(KeyCode::Enter);
    back.keys(&t);
    assert_eq!(spawned(&back.key(KeyCode::Enter)), 1);
}

#[test]
fn the_rule_is_known_before_the_parameters_are_filled() {
    let mut a = ana();
    a.state.ctx.procedure = "data-breach".into();
    a.select_step("restore-backup");
    a.key(KeyCode::Enter);
    let Some(Modal::Run(d)) = &a.state.ui.modal else {
        panic!("no run dialog")
    };
    assert!(d.resolved.is_err(), "DB_HOST is empty");
    assert!(crate::view::approvals::needs_two(&a.state, d));
    // A read step does not need it.
    a.key(KeyCode::Esc);
    a.state.ctx.procedure = "api-outage".into();
    a.select_step("pod-status");
    a.key(KeyCode::Enter);
    let Some(Modal::Run(d)) = &a.state.ui.modal else {
        panic!("no run dialog")
    };
    assert!(!crate::view::approvals::needs_two(&a.state, d));
}

#[test]
fn an_approval_that_lapses_while_the_target_is_typed_runs_nothing() {
    let mut a = ana();
    propose(&mut a, "restart-pods", "wedged");
    let t = target(&a);
    let mut b = seat_of(&a, "bob@bastion-2", "bob", Seat::Join);
    decide(&mut b, 'a', "ok", Some(&t));
    a.follow();
    a.select_step("restart-pods");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Enter);
    assert!(matches!(stage(&a), RunStage::Confirm { .. }));
    a.keys(&t);
    // Eleven minutes at the confirmation (no tick recorded the lapse).
    a.now += chrono::TimeDelta::minutes(11);
    let fx = a.key(KeyCode::Enter);
    assert_eq!(spawned(&fx), 0);
    assert!(flash(&a).contains("Not run"), "{}", flash(&a));
    assert_eq!(count(&a, "command_started"), 0);
}

#[test]
fn two_seats_proposing_under_one_id_at_once_record_one() {
    let mut a = ana();
    let mut a2 = seat_of(&a, "ana@bastion-1", "ana", Seat::Join);
    propose(&mut a, "restart-pods", "wedged");
    // The second seat has not seen it yet: the same second, the same id.
    a2.select_step("restart-pods");
    a2.key(KeyCode::Enter);
    a2.key(KeyCode::Enter);
    a2.keys("also wedged");
    a2.key(KeyCode::Enter);
    assert!(flash(&a2).contains("same id"), "{}", flash(&a2));
    assert_eq!(count(&a, "approval_proposed"), 1);
    a2.follow();
    assert_eq!(a2.state.incident.approvals.len(), 1);
    assert_eq!(a2.state.incident.approvals[0].reason, "wedged");
}
