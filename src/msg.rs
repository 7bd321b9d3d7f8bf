//! The one message type every source sends on the one channel, and the
//! effects `update` asks the loop to carry out.

use crate::state::HostSnapshot;
use crate::timeline::{Event, Record};
use crossterm::event::KeyEvent;

#[derive(Debug)]
pub enum Msg {
    /// A key from the terminal.
    Key(KeyEvent),
    /// A click or the wheel (with `--mouse`).
    Mouse(crossterm::event::MouseEvent),
    /// Bracketed paste (goes to the note editor when it is open).
    Paste(String),
    Resize(u16, u16),
    /// Where the frame just drawn placed things (`ui::draw`'s answer),
    /// handed back by the loop for the mouse and focus.
    Drawn(Box<crate::state::ui::Placed>),
    /// The clock moved (a visible second changed).
    Tick,
    /// A host resource sample.
    Host(HostSnapshot),
    /// Host figures cannot be read on this machine.
    HostUnavailable(String),
    /// Alertmanager answered a poll.
    AlertsPolled(Box<crate::alerts::Poll>),
    /// A poll failed (timeout, refused, bad answer); the source retries in
    /// `retry_in`.
    AlertsFailed {
        error: String,
        retry_in: std::time::Duration,
    },
    /// Prometheus answered (or did not) the playbook's figure queries.
    Figures(crate::state::figures::FigureUpdate),
    /// A silence action ended: the new silence's id (create), or the
    /// expired one's (expire); or why it failed.
    SilenceDone {
        request: String,
        result: Result<String, String>,
    },
    /// The Kubernetes pod source: pods, metrics, or how it is doing.
    Kube(crate::state::kube::KubeUpdate),
    /// Rollouts watched and HTTP answers, for `verify:` conditions.
    Checks(crate::state::verify::CheckUpdate),
    /// A drill's scripted inject (its number) fell due on the drill clock.
    InjectDue(u32),
    /// A record is durable in the timeline (fsynced).
    Recorded(Box<Record>),
    /// A record another seat appended.
    Followed(Box<Record>),
    /// The whole timeline again: a shared store placed records this host
    /// wrote while cut off after other hosts' records.
    Reloaded(Vec<Record>),
    /// How the timeline stands with the shared store.
    Sharing(crate::timeline::Sharing),
    /// An append was not written: an equal record (from another seat)
    /// already says it.
    Deduplicated(Box<Event>),
    /// Something about the log a person should know (a torn line skipped).
    StoreWarning(String),
    /// A record read does not fit the timeline's hash chain: its seq, and
    /// what differs ([`crate::timeline::chain`]).
    ChainBroken {
        seq: u64,
        what: String,
    },
    /// An append failed: nothing was recorded.
    NotRecorded {
        event: Box<Event>,
        error: String,
    },
    /// New output of a running command (redacted, at most the cap).
    RunOutput {
        run: String,
        lines: Vec<crate::command::run::Line>,
        /// Lines that went past the cap before they could be sent.
        dropped: u64,
        /// Dropped once applied: the run may send its next batch.
        taken: crate::command::run::Taken,
    },
    /// A command ended.
    RunExited {
        run: String,
        outcome: crate::command::run::Outcome,
        duration: std::time::Duration,
    },
    /// A communication was written to its file (and the clipboard).
    CommsWritten {
        template: String,
        text: String,
        file: Option<String>,
        error: Option<String>,
    },
    /// SIGTERM, SIGHUP, SIGINT: leave cleanly.
    Terminate(&'static str),
}

impl Msg {
    /// A periodic sample whose frame can wait for the next clock tick (at
    /// most a second, or five with `--low-bandwidth`): the screen then
    /// changes once a second instead of once for the tick and once for the
    /// sample. What it records (a threshold crossed) is appended at once.
    pub fn can_wait_for_tick(&self) -> bool {
        matches!(
            self,
            Msg::Host(_) | Msg::Kube(crate::state::kube::KubeUpdate::Metrics(_))
        )
    }
}

#[derive(Debug)]
pub enum Effect {
    /// Append to the timeline; the loop answers with `Recorded`.
    Append(Event),
    /// Start a confirmed command (its start is already recorded).
    Spawn(Box<crate::command::run::Spec>),
    /// Cancel a running command.
    Cancel(String),
    /// Write a communication to a file and copy it (OSC 52); the loop
    /// answers with `CommsWritten`.
    SendComms {
        template: String,
        text: String,
    },
    /// Create or expire a silence (its request is already recorded).
    Alertmanager(AmCommand),
    /// The drill clock changed: the drill source reschedules.
    DrillClock(crate::drill::clock::Clock),
    /// Send an HTTP GET for a `verify:` condition (no body, redirects not
    /// followed); the answer comes back as `Msg::Checks`.
    HttpGet {
        url: String,
        timeout: std::time::Duration,
    },
    Quit,
}

pub use crate::alerts::silence::AmCommand;

impl PartialEq for Effect {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Effect::Append(a), Effect::Append(b)) => a == b,
            (Effect::Spawn(a), Effect::Spawn(b)) => a.run == b.run && a.program == b.program,
            (Effect::Cancel(a), Effect::Cancel(b)) => a == b,
            (
                Effect::SendComms {
                    template: a,
                    text: x,
                },
                Effect::SendComms {
                    template: b,
                    text: y,
                },
            ) => a == b && x == y,
            (Effect::Alertmanager(a), Effect::Alertmanager(b)) => a == b,
            (Effect::Quit, Effect::Quit) => true,
            (Effect::HttpGet { url: a, timeout: x }, Effect::HttpGet { url: b, timeout: y }) => {
                a == b && x == y
            }
            (Effect::DrillClock(a), Effect::DrillClock(b)) => a == b,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Msg;
    use crate::state::kube::KubeUpdate;

    #[test]
    fn only_periodic_samples_wait_for_the_tick() {
        assert!(Msg::Host(Default::default()).can_wait_for_tick());
        assert!(Msg::Kube(KubeUpdate::Metrics(vec![])).can_wait_for_tick());
        // A pod change has 100 ms to reach the screen; keys, alerts and
        // records are drawn at once.
        for urgent in [
            Msg::Kube(KubeUpdate::Deleted("api-1".into())),
            Msg::Kube(KubeUpdate::Synced(vec![])),
            Msg::Tick,
            Msg::Resize(80, 24),
            Msg::HostUnavailable("no /proc".into()),
            Msg::Paste("x".into()),
            Msg::InjectDue(1),
        ] {
            assert!(!urgent.can_wait_for_tick(), "{urgent:?}");
        }
    }
}
