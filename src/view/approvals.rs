//! The two-person rule as the panes show it and the keys act on it: the
//! queue in its order, the header's banner, and where the run dialog's
//! command stands (needs a proposal, waits, approved, changed since).

/// The OS user of a seat (`ana` of `ana@bastion-1`).
pub use crate::command::approval::user_of;
use crate::command::approval::{self, Exact, Proposal, Stage};
use crate::command::resolve::Program;
use crate::state::State;
use crate::state::ui::RunDialog;
use std::collections::BTreeMap;

/// How many ended proposals the queue still lists under the open ones.
pub const ENDED_SHOWN: usize = 20;

/// The queue: open proposals first (oldest first: the one lapsing soonest
/// on top), then the ended ones, the latest first.
pub fn queue(s: &State) -> Vec<&Proposal> {
    let now = s.now;
    let mut open: Vec<&Proposal> = s
        .incident
        .approvals
        .iter()
        .filter(|p| p.stage(now).open())
        .collect();
    open.sort_by_key(|p| p.deadline());
    let ended = s
        .incident
        .approvals
        .iter()
        .rev()
        .filter(|p| !p.stage(now).open())
        .take(ENDED_SHOWN);
    open.into_iter().chain(ended).collect()
}

/// Proposals waiting for a decision that this seat may give, and this
/// seat's own that wait or may run: what the header's banner says.
pub struct Banner<'a> {
    /// Waiting for someone other than this seat's user.
    pub for_me: Vec<&'a Proposal>,
    /// This seat's own, waiting.
    pub mine_waiting: Vec<&'a Proposal>,
    /// This seat's own, approved and not run.
    pub mine_approved: Vec<&'a Proposal>,
}

pub fn banner(s: &State) -> Banner<'_> {
    let now = s.now;
    let mut b = Banner {
        for_me: Vec::new(),
        mine_waiting: Vec::new(),
        mine_approved: Vec::new(),
    };
    for p in queue(s) {
        let mine = p.user == s.ctx.os_user;
        match p.stage(now) {
            Stage::Pending if !mine => b.for_me.push(p),
            Stage::Pending => b.mine_waiting.push(p),
            Stage::Approved { .. } if mine && p.by == s.ctx.seat => b.mine_approved.push(p),
            _ => {}
        }
    }
    b
}

/// Whether the run dialog's command needs a second person: known before
/// its parameters are filled (the risk is the command's, whatever the
/// values).
pub fn needs_two(s: &State, d: &RunDialog) -> bool {
    let Some(step) = s.ctx.procedure().step(&d.step) else {
        return false;
    };
    let Some(cmd) = &step.command else {
        return false;
    };
    let risk = crate::playbook::risk::analyse(&cmd.run.value)
        .effective(cmd.risk.as_ref().map(|r| r.value));
    s.ctx
        .approval
        .needs_two(step.approval.as_ref().map(|a| a.value), risk)
}

/// The run dialog's command as the record would say it: redacted argv,
/// parameters (a secret as `***`), whether redaction hid something, and
/// the exact argv.
pub struct Current {
    pub argv: Vec<String>,
    pub raw: Vec<String>,
    pub shell: bool,
    pub params: BTreeMap<String, String>,
    pub hidden: bool,
    pub command: String,
    pub target: String,
}

pub fn current(s: &State, d: &RunDialog) -> Option<Current> {
    let r = d.resolved.as_ref().ok()?;
    let red = super::run::redactor(s, d);
    let raw = r.program.argv();
    let argv: Vec<String> = raw.iter().map(|w| red.line(w)).collect();
    let params = d
        .params
        .iter()
        .map(|p| {
            let v = if p.secret {
                "***".to_string()
            } else {
                red.line(p.value.as_str())
            };
            (p.name.clone(), v)
        })
        .collect();
    Some(Current {
        hidden: argv != raw,
        shell: matches!(r.program, Program::Shell(_)),
        command: red.line(&r.program.display()),
        target: red.line(&r.target),
        argv,
        raw,
        params,
    })
}

/// Where the run dialog's command stands under the two-person rule.
#[derive(Debug, PartialEq)]
pub enum ForDialog<'a> {
    /// It needs no second person.
    NotNeeded,
    /// Nothing proposed for it from this seat: Enter proposes it.
    Propose,
    /// Proposed from this seat, exactly this; waiting.
    Waiting(&'a Proposal),
    /// Approved, exactly this: Enter runs it (once).
    Approved(&'a Proposal),
    /// This seat's open proposal for the step, but the command is not the
    /// one proposed: Enter voids it (with why) and proposes anew.
    Changed(&'a Proposal, String),
}

pub fn for_dialog<'a>(s: &'a State, d: &RunDialog) -> ForDialog<'a> {
    if !needs_two(s, d) {
        return ForDialog::NotNeeded;
    }
    let Some(cur) = current(s, d) else {
        return ForDialog::Propose;
    };
    let now = s.now;
    let mine = s.incident.approvals.iter().rev().find(|p| {
        p.step == d.step
            && p.by == s.ctx.seat
            && p.user == s.ctx.os_user
            && p.stage(now).open()
            && p.closed.is_none()
    });
    let Some(p) = mine else {
        return ForDialog::Propose;
    };
    let exact = Exact {
        step: &d.step,
        argv: &cur.argv,
        shell: cur.shell,
        params: &cur.params,
        hidden: cur.hidden,
        proposed_raw: s.ui.proposed_raw.get(&p.id).map(Vec::as_slice),
        raw: &cur.raw,
    };
    match approval::same_command(p, &exact) {
        Err(why) => ForDialog::Changed(p, why),
        Ok(()) => match p.stage(now) {
            Stage::Approved { .. } if approval::may_run(p, &s.ctx.seat, &s.ctx.os_user, now) => {
                ForDialog::Approved(p)
            }
            _ => ForDialog::Waiting(p),
        },
    }
}

/// Who a proposal is from, as shown: `ana@bastion-1`, with the OS user
/// when `$USER` said another name.
pub fn who(by: &str, user: &str) -> String {
    if approval::user_of(by) == user {
        by.to_string()
    } else {
        format!("{by} (OS user {user})")
    }
}
