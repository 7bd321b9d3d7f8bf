//! The one message type every source sends on the one channel, and the
//! effects `update` asks the loop to carry out.

use crate::drill::Inject;
use crate::state::HostSnapshot;
use crate::timeline::{Event, Record};
use crossterm::event::KeyEvent;

#[derive(Debug)]
pub enum Msg {
    /// A key from the terminal.
    Key(KeyEvent),
    /// Bracketed paste (goes to the note editor when it is open).
    Paste(String),
    Resize(u16, u16),
    /// The clock moved (a visible second changed).
    Tick,
    /// A host resource sample.
    Host(HostSnapshot),
    /// Host figures cannot be read on this machine.
    HostUnavailable(String),
    /// The Kubernetes pod source: pods, metrics, or how it is doing.
    Kube(crate::state::kube::KubeUpdate),
    /// A drill inject fell due.
    Drill(Box<Inject>),
    /// A record is durable in the timeline (fsynced).
    Recorded(Box<Record>),
    /// An append failed: nothing was recorded.
    NotRecorded {
        event: Box<Event>,
        error: String,
    },
    /// New output of a running command (redacted, at most the cap).
    RunOutput {
        run: String,
        lines: Vec<crate::runner::process::Line>,
        /// Lines that went past the cap before they could be sent.
        dropped: u64,
    },
    /// A command ended.
    RunExited {
        run: String,
        outcome: crate::runner::process::Outcome,
        duration: std::time::Duration,
    },
    /// SIGTERM, SIGHUP, SIGINT: leave cleanly.
    Terminate(&'static str),
}

#[derive(Debug)]
pub enum Effect {
    /// Append to the timeline; the loop answers with `Recorded`.
    Append(Event),
    /// Start a confirmed command (its start is already recorded).
    Spawn(Box<crate::runner::process::Spec>),
    /// Cancel a running command.
    Cancel(String),
    Quit,
}

impl PartialEq for Effect {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Effect::Append(a), Effect::Append(b)) => a == b,
            (Effect::Spawn(a), Effect::Spawn(b)) => a.run == b.run && a.program == b.program,
            (Effect::Cancel(a), Effect::Cancel(b)) => a == b,
            (Effect::Quit, Effect::Quit) => true,
            _ => false,
        }
    }
}
