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
    /// A drill inject fell due.
    Drill(Box<Inject>),
    /// A record is durable in the timeline (fsynced).
    Recorded(Box<Record>),
    /// An append failed: nothing was recorded.
    NotRecorded {
        event: Box<Event>,
        error: String,
    },
    /// SIGTERM, SIGHUP, SIGINT: leave cleanly.
    Terminate(&'static str),
}

#[derive(Debug, PartialEq)]
pub enum Effect {
    /// Append to the timeline; the loop answers with `Recorded`.
    Append(Event),
    Quit,
}
