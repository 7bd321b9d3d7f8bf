//! What a run is, as data: its spec (the resolved program, its
//! environment, timeout and redactor), its output lines and how it ended.
//! Spawning and streaming are `runner`'s; these types are shared by
//! `runner`, the messages and the state.

use super::redact::Redactor;
use super::resolve::Program;
use nix::sys::signal::Signal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The most lines a run keeps (and a batch carries).
pub const CAP: usize = 10_000;
/// Longer lines are cut.
pub const MAX_LINE: usize = 4096;
/// Between SIGTERM and SIGKILL.
pub const GRACE: Duration = Duration::from_secs(3);
/// When a step gives no timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// The first lines of a run's output kept for its record.
pub const FIRST_LINES: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub stream: Stream,
    pub text: String,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Exited(i32),
    Signalled(i32),
    /// Ended by the cockpit, with how the process ended (its exit code, or
    /// the signal that took it: SIGTERM, or SIGKILL after the grace).
    TimedOut {
        exit: Option<i32>,
        signal: Option<i32>,
    },
    Cancelled {
        exit: Option<i32>,
        signal: Option<i32>,
    },
    FailedToStart(String),
}

impl Outcome {
    pub fn describe(&self) -> String {
        match self {
            Outcome::Exited(c) => format!("exit {c}"),
            Outcome::Signalled(s) => format!("killed by {}", signal_name(*s)),
            Outcome::TimedOut { .. } => "timed out".into(),
            Outcome::Cancelled { .. } => "cancelled".into(),
            Outcome::FailedToStart(e) => format!("failed to start: {e}"),
        }
    }

    pub fn ok(&self) -> bool {
        *self == Outcome::Exited(0)
    }
}

pub fn signal_name(s: i32) -> String {
    Signal::try_from(s).map_or_else(|_| format!("signal {s}"), |sig| sig.as_str().to_string())
}

pub struct Spec {
    pub run: String,
    pub program: Program,
    pub env: Vec<(String, String)>,
    pub workdir: Option<PathBuf>,
    pub timeout: Duration,
    pub redactor: Arc<Redactor>,
}

/// Only what it runs: never its environment or the redactor's secrets.
impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spec")
            .field("run", &self.run)
            .field("program", &self.program)
            .finish()
    }
}

/// Carried by a batch of output: when the loop has applied the batch (and
/// dropped the message), the run may send its next one.
pub struct Taken(Option<Arc<AtomicBool>>);

impl Taken {
    /// A token that frees nothing (for messages made up in tests).
    pub fn none() -> Self {
        Taken(None)
    }

    /// A token that clears `in_flight` when the batch has been applied.
    pub fn new(in_flight: Arc<AtomicBool>) -> Self {
        Taken(Some(in_flight))
    }
}

impl Drop for Taken {
    fn drop(&mut self) {
        if let Some(in_flight) = &self.0 {
            in_flight.store(false, Ordering::Release);
        }
    }
}

impl std::fmt::Debug for Taken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Taken")
    }
}
