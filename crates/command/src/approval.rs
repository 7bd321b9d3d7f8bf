//! The two-person rule as pure code: which commands need a second
//! person, what a proposal is and where it stands at a given time, who
//! may decide it, and whether a command about to run is exactly the one
//! approved. The records (`approval_*`) are folded into proposals by the
//! incident's state; `update` asks these functions before it writes
//! anything, and the fold asks them again, so a record that breaks the
//! rule (written by hand, or by a seat that raced another) approves
//! nothing.

use crate::model::{Approval, Playbook, Risk};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// How long a proposal waits, and an approval stands, by default.
pub const DEFAULT_LAPSE: Duration = Duration::from_secs(600);

/// Which commands need a second person, and for how long a proposal and
/// an approval stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub risks: BTreeSet<Risk>,
    pub lapse: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            risks: [Risk::Destructive].into(),
            lapse: DEFAULT_LAPSE,
        }
    }
}

impl Policy {
    /// The playbook's policy (its own `approval`, else its policy file's),
    /// with the defaults where it says nothing.
    pub fn of(pb: &Playbook) -> Policy {
        let d = Policy::default();
        let Some(a) = &pb.approval else {
            return d;
        };
        Policy {
            risks: a
                .two_person
                .as_ref()
                .map_or(d.risks, |r| r.iter().copied().collect()),
            lapse: a
                .lapse
                .as_ref()
                .and_then(|l| incident_cockpit_time::parse_duration(&l.value).ok())
                .unwrap_or(d.lapse),
        }
    }

    /// A seat's config may ask a second person for more risks, never for
    /// fewer.
    pub fn tightened(mut self, more: &[Risk]) -> Policy {
        self.risks.extend(more.iter().copied());
        self
    }

    /// A policy no command needs (for tests of the guards alone).
    pub fn nobody() -> Policy {
        Policy {
            risks: BTreeSet::new(),
            lapse: DEFAULT_LAPSE,
        }
    }

    /// Whether a command of `risk` on a step that asks `step` needs a
    /// second person.
    pub fn needs_two(&self, step: Option<Approval>, risk: Risk) -> bool {
        step == Some(Approval::TwoPerson) || self.risks.contains(&risk)
    }
}

/// The OS user of a seat identity `user@host` (everything before the
/// last `@`).
pub fn user_of(seat: &str) -> &str {
    seat.rsplit_once('@').map_or(seat, |(u, _)| u)
}

/// A decision on a proposal.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub approved: bool,
    /// The deciding seat (`user@host`) and its OS user.
    pub by: String,
    pub user: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// How a proposal ended, once it did.
#[derive(Clone, Debug, PartialEq)]
pub enum Closed {
    /// Nobody decided in time, or the approval was not used in time.
    Lapsed { at: DateTime<Utc> },
    /// Withdrawn by the proposer, or a parameter changed.
    Voided { at: DateTime<Utc>, reason: String },
    /// The approved command ran (once): its run id.
    Ran { at: DateTime<Utc>, run: String },
}

/// A proposal as the timeline tells it.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub id: String,
    pub step: String,
    pub title: String,
    /// The resolved command line and argv, secrets redacted.
    pub command: String,
    pub argv: Vec<String>,
    pub shell: bool,
    /// Each parameter's value (a secret as `***`).
    pub params: BTreeMap<String, String>,
    pub risk: String,
    /// What a destructive command's approver types back.
    pub target: String,
    pub reason: String,
    /// The proposing seat (`user@host`) and its OS user.
    pub by: String,
    pub user: String,
    pub at: DateTime<Utc>,
    pub lapses_at: DateTime<Utc>,
    pub drill: bool,
    pub decision: Option<Decision>,
    pub closed: Option<Closed>,
}

/// Where a proposal stands at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for a second person.
    Pending,
    /// Approved and not yet run: may run until then.
    Approved {
        until: DateTime<Utc>,
    },
    Rejected,
    /// Past its time (recorded or not yet).
    Lapsed,
    Voided,
    Ran,
}

impl Stage {
    pub fn name(&self) -> &'static str {
        match self {
            Stage::Pending => "waiting",
            Stage::Approved { .. } => "approved",
            Stage::Rejected => "rejected",
            Stage::Lapsed => "lapsed",
            Stage::Voided => "voided",
            Stage::Ran => "ran",
        }
    }

    /// Still in play: waiting for a decision, or approved and unused.
    pub fn open(&self) -> bool {
        matches!(self, Stage::Pending | Stage::Approved { .. })
    }
}

impl Proposal {
    /// How long the proposal stands (and an approval after it is given).
    pub fn lapse(&self) -> TimeDelta {
        self.lapses_at - self.at
    }

    pub fn stage(&self, now: DateTime<Utc>) -> Stage {
        match (&self.closed, &self.decision) {
            (Some(Closed::Lapsed { .. }), _) => Stage::Lapsed,
            (Some(Closed::Voided { .. }), _) => Stage::Voided,
            (Some(Closed::Ran { .. }), _) => Stage::Ran,
            (None, Some(d)) if !d.approved => Stage::Rejected,
            (None, Some(d)) => {
                let until = d.at + self.lapse();
                if now > until {
                    Stage::Lapsed
                } else {
                    Stage::Approved { until }
                }
            }
            (None, None) if now > self.lapses_at => Stage::Lapsed,
            (None, None) => Stage::Pending,
        }
    }

    /// When it lapses if nothing happens: the proposal's time, or the
    /// approval's.
    pub fn deadline(&self) -> DateTime<Utc> {
        match &self.decision {
            Some(d) if d.approved => d.at + self.lapse(),
            _ => self.lapses_at,
        }
    }

    /// Past its time and not yet recorded as lapsed: a seat records it.
    pub fn lapse_due(&self, now: DateTime<Utc>) -> bool {
        self.closed.is_none() && self.stage(now) == Stage::Lapsed
    }
}

/// Why a seat may not decide a proposal, in words for the person.
pub fn may_decide(
    p: &Proposal,
    user: &str,
    viewer: bool,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if viewer {
        return Err("Viewer seat: it sees the queue but cannot approve or reject".into());
    }
    match p.stage(now) {
        Stage::Pending => {}
        other => return Err(format!("This proposal is {} already", other.name())),
    }
    if user == p.user {
        return Err(format!(
            "{user} proposed it: another person (another OS user) must decide"
        ));
    }
    Ok(())
}

/// Whether a decision record may stand, as the fold sees it: the proposal
/// is waiting, the decider is another OS user, and it came in time.
pub fn decision_stands(p: &Proposal, d: &Decision) -> bool {
    p.closed.is_none() && p.decision.is_none() && d.user != p.user && d.at <= p.lapses_at
}

/// Whether a seat may run the approved proposal: the proposer's seat, in
/// time, approved and never run.
pub fn may_run(p: &Proposal, seat: &str, user: &str, now: DateTime<Utc>) -> bool {
    matches!(p.stage(now), Stage::Approved { .. }) && p.by == seat && p.user == user
}

/// What a command about to run is, to compare with a proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exact<'a> {
    pub step: &'a str,
    /// The argv as recorded (redacted).
    pub argv: &'a [String],
    pub shell: bool,
    pub params: &'a BTreeMap<String, String>,
    /// Whether redaction hid something in the argv (a secret, a password):
    /// then the record alone cannot tell a change.
    pub hidden: bool,
    /// The exact argv, unredacted, as this seat proposed it, if it did in
    /// this session.
    pub proposed_raw: Option<&'a [String]>,
    pub raw: &'a [String],
}

/// Whether `now` is exactly the command proposed; if not, what changed
/// (for the record that voids the approval).
pub fn same_command(p: &Proposal, now: &Exact) -> Result<(), String> {
    let changed: Vec<&str> = p
        .params
        .iter()
        .filter(|(k, v)| now.params.get(*k) != Some(*v))
        .map(|(k, _)| k.as_str())
        .chain(
            now.params
                .keys()
                .filter(|k| !p.params.contains_key(*k))
                .map(String::as_str),
        )
        .collect();
    if !changed.is_empty() {
        return Err(format!("parameters changed: {}", changed.join(", ")));
    }
    if p.step != now.step || p.argv != now.argv || p.shell != now.shell {
        return Err("the command changed".into());
    }
    if now.hidden {
        match now.proposed_raw {
            Some(raw) if raw == now.raw => {}
            Some(_) => return Err("a hidden value changed".into()),
            None => {
                return Err(
                    "a hidden value cannot be checked against the approval after a restart".into(),
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn proposal() -> Proposal {
        Proposal {
            id: "p1".into(),
            step: "restart-pods".into(),
            title: "Restart".into(),
            command: "kubectl delete pod -n ns web-1".into(),
            argv: vec![
                "kubectl".into(),
                "delete".into(),
                "pod".into(),
                "-n".into(),
                "ns".into(),
                "web-1".into(),
            ],
            shell: false,
            params: [("pod".to_string(), "web-1".to_string())].into(),
            risk: "destructive".into(),
            target: "web-1".into(),
            reason: "crash loop".into(),
            by: "ana@bastion-1".into(),
            user: "ana".into(),
            at: t(0),
            lapses_at: t(600),
            drill: false,
            decision: None,
            closed: None,
        }
    }

    fn decision(user: &str, at: i64, approved: bool) -> Decision {
        Decision {
            approved,
            by: format!("{user}@bastion-2"),
            user: user.into(),
            at: t(at),
            reason: "ok".into(),
        }
    }

    #[test]
    fn the_default_policy_asks_a_second_person_for_destructive_commands_only() {
        let p = Policy::default();
        assert!(p.needs_two(None, Risk::Destructive));
        assert!(!p.needs_two(None, Risk::Change));
        assert!(!p.needs_two(None, Risk::Read));
        // A step asks for it whatever its risk.
        assert!(p.needs_two(Some(Approval::TwoPerson), Risk::Read));
        // A config adds risks, never removes one.
        let q = Policy::default().tightened(&[Risk::Change]);
        assert!(q.needs_two(None, Risk::Change) && q.needs_two(None, Risk::Destructive));
        assert!(!Policy::nobody().needs_two(None, Risk::Destructive));
        assert_eq!(p.lapse, Duration::from_secs(600));
    }

    #[test]
    fn a_policy_comes_from_the_playbook() {
        let pb: Playbook = serde_saphyr::from_str(
            "name: x\ntitle: y\napproval: {two_person: [change, destructive], lapse: 5m}\nprocedures: []\n",
        )
        .unwrap();
        let p = Policy::of(&pb);
        assert!(p.needs_two(None, Risk::Change));
        assert_eq!(p.lapse, Duration::from_secs(300));
        let pb: Playbook = serde_saphyr::from_str(
            "name: x\ntitle: y\napproval: {two_person: []}\nprocedures: []\n",
        )
        .unwrap();
        assert!(!Policy::of(&pb).needs_two(None, Risk::Destructive));
    }

    #[test]
    fn only_another_os_user_may_decide_and_only_while_it_waits() {
        let p = proposal();
        assert!(may_decide(&p, "bob", false, t(10)).is_ok());
        // The proposer, from any seat or host, may not.
        let e = may_decide(&p, "ana", false, t(10)).unwrap_err();
        assert!(e.contains("another person"), "{e}");
        // A viewer sees it but may not decide.
        assert!(
            may_decide(&p, "bob", true, t(10))
                .unwrap_err()
                .contains("Viewer")
        );
        // Past its time nobody may.
        assert!(
            may_decide(&p, "bob", false, t(601))
                .unwrap_err()
                .contains("lapsed")
        );
        let mut decided = p.clone();
        decided.decision = Some(decision("bob", 10, true));
        assert!(may_decide(&decided, "carol", false, t(20)).is_err());
    }

    #[test]
    fn the_fold_lets_no_decision_stand_that_breaks_the_rule() {
        let p = proposal();
        assert!(decision_stands(&p, &decision("bob", 10, true)));
        assert!(
            !decision_stands(&p, &decision("ana", 10, true)),
            "same user"
        );
        assert!(
            !decision_stands(&p, &decision("bob", 601, true)),
            "too late"
        );
        let mut q = p.clone();
        q.decision = Some(decision("bob", 10, false));
        assert!(
            !decision_stands(&q, &decision("carol", 20, true)),
            "decided"
        );
        let mut q = p.clone();
        q.closed = Some(Closed::Voided {
            at: t(5),
            reason: "withdrawn".into(),
        });
        assert!(!decision_stands(&q, &decision("bob", 10, true)), "voided");
    }

    #[test]
    fn a_proposal_lapses_and_an_approval_lapses_unused() {
        let mut p = proposal();
        assert_eq!(p.stage(t(600)), Stage::Pending);
        assert_eq!(p.stage(t(601)), Stage::Lapsed);
        assert!(p.lapse_due(t(601)) && !p.lapse_due(t(599)));
        // Approved at 5 min: it may run for the lapse time from then.
        p.decision = Some(decision("bob", 300, true));
        assert_eq!(p.stage(t(700)), Stage::Approved { until: t(900) });
        assert_eq!(p.deadline(), t(900));
        assert_eq!(p.stage(t(901)), Stage::Lapsed);
        assert!(p.lapse_due(t(901)));
        p.closed = Some(Closed::Lapsed { at: t(901) });
        assert!(!p.lapse_due(t(1000)), "recorded once");
        let mut r = proposal();
        r.decision = Some(decision("bob", 10, false));
        assert_eq!(r.stage(t(20)), Stage::Rejected);
        assert!(!r.lapse_due(t(10_000)), "a rejection never lapses");
    }

    /// An approval may be used up to and including its last second, not
    /// after; a rejection's deadline is the proposal's, not an approval's
    /// lapse from the rejection; only a waiting or approved proposal is
    /// still in play.
    #[test]
    fn an_approval_holds_to_its_last_second_and_only_open_ones_are_in_play() {
        let mut p = proposal();
        assert_eq!(p.deadline(), t(600));
        assert!(p.stage(t(0)).open());
        p.decision = Some(decision("bob", 300, true));
        assert_eq!(p.stage(t(900)), Stage::Approved { until: t(900) });
        assert!(p.stage(t(900)).open() && !p.lapse_due(t(900)));
        assert!(!p.stage(t(901)).open());
        let mut r = proposal();
        r.decision = Some(decision("bob", 10, false));
        assert_eq!(r.deadline(), t(600), "not 10 s + the lapse");
        assert!(!r.stage(t(20)).open());
        for closed in [
            Closed::Lapsed { at: t(601) },
            Closed::Voided {
                at: t(20),
                reason: "pod changed".into(),
            },
            Closed::Ran {
                at: t(20),
                run: "r1".into(),
            },
        ] {
            let mut c = proposal();
            c.closed = Some(closed);
            assert!(!c.stage(t(30)).open(), "{:?}", c.closed);
        }
    }

    #[test]
    fn it_runs_once_on_the_proposers_seat() {
        let mut p = proposal();
        assert!(!may_run(&p, "ana@bastion-1", "ana", t(10)), "not approved");
        p.decision = Some(decision("bob", 10, true));
        assert!(may_run(&p, "ana@bastion-1", "ana", t(20)));
        assert!(!may_run(&p, "ana@bastion-2", "ana", t(20)), "another host");
        assert!(!may_run(&p, "bob@bastion-2", "bob", t(20)), "the approver");
        assert!(
            !may_run(&p, "ana@bastion-1", "mallory", t(20)),
            "$USER says ana, the OS user is another"
        );
        assert!(!may_run(&p, "ana@bastion-1", "ana", t(611)), "lapsed");
        p.closed = Some(Closed::Ran {
            at: t(30),
            run: "r1".into(),
        });
        assert!(!may_run(&p, "ana@bastion-1", "ana", t(40)), "once");
    }

    #[test]
    fn any_parameter_change_voids_the_approval() {
        let p = proposal();
        let params = p.params.clone();
        let exact = Exact {
            step: "restart-pods",
            argv: &p.argv,
            shell: false,
            params: &params,
            hidden: false,
            proposed_raw: None,
            raw: &p.argv,
        };
        assert!(same_command(&p, &exact).is_ok());
        let other: BTreeMap<String, String> = [("pod".to_string(), "web-2".to_string())].into();
        let mut argv = p.argv.clone();
        argv[5] = "web-2".into();
        let e = same_command(
            &p,
            &Exact {
                params: &other,
                argv: &argv,
                raw: &argv,
                ..exact.clone()
            },
        )
        .unwrap_err();
        assert_eq!(e, "parameters changed: pod");
        assert!(
            same_command(
                &p,
                &Exact {
                    argv: &argv,
                    raw: &argv,
                    ..exact.clone()
                }
            )
            .is_err(),
            "a different argv"
        );
        assert!(
            same_command(
                &p,
                &Exact {
                    shell: true,
                    ..exact.clone()
                }
            )
            .is_err()
        );
        assert!(
            same_command(
                &p,
                &Exact {
                    step: "other",
                    ..exact.clone()
                }
            )
            .is_err()
        );
        // A hidden value: only the seat that proposed it can tell.
        let raw = vec!["x".to_string()];
        let raw2 = vec!["y".to_string()];
        let hidden = Exact {
            hidden: true,
            raw: &raw,
            ..exact.clone()
        };
        assert!(same_command(&p, &hidden).unwrap_err().contains("restart"));
        assert!(
            same_command(
                &p,
                &Exact {
                    proposed_raw: Some(&raw),
                    ..hidden.clone()
                }
            )
            .is_ok()
        );
        assert!(
            same_command(
                &p,
                &Exact {
                    proposed_raw: Some(&raw2),
                    ..hidden.clone()
                }
            )
            .is_err()
        );
    }

    #[test]
    fn the_user_of_a_seat() {
        assert_eq!(user_of("ana@bastion-1"), "ana");
        assert_eq!(user_of("odd@name@host"), "odd@name");
        assert_eq!(user_of("nobody"), "nobody");
    }
}
