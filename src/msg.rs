//! The one message type every source sends on the one channel, and the
//! effects `update` asks the loop to carry out.

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
    /// A drill's scripted inject (its number) fell due on the drill clock.
    InjectDue(u32),
    /// A record is durable in the timeline (fsynced).
    Recorded(Box<Record>),
    /// A record another seat appended.
    Followed(Box<Record>),
    /// An append was not written: an equal record (from another seat)
    /// already says it.
    Deduplicated(Box<Event>),
    /// Something about the log a person should know (a torn line skipped).
    StoreWarning(String),
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

#[derive(Debug)]
pub enum Effect {
    /// Append to the timeline; the loop answers with `Recorded`.
    Append(Event),
    /// Start a confirmed command (its start is already recorded).
    Spawn(Box<crate::runner::process::Spec>),
    /// Cancel a running command.
    Cancel(String),
    /// Write a communication to a file and copy it (OSC 52); the loop
    /// answers with `CommsWritten`.
    SendComms {
        template: String,
        text: String,
    },
    /// The drill clock changed: the drill source reschedules.
    DrillClock(crate::drill::clock::Clock),
    Quit,
}

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
            (Effect::Quit, Effect::Quit) => true,
            (Effect::DrillClock(a), Effect::DrillClock(b)) => a == b,
            _ => false,
        }
    }
}
