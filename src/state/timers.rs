//! The incident's clocks as data: what `clocks::timers` lists (whom to
//! page, response, escalations, deadlines, phase time boxes, comms
//! cadence), kept in `Derived` so the panes and the clock tick do not list
//! them again.

use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Whom to page, due at the declaration or when the severity is raised.
    Page,
    Response,
    Escalation,
    Deadline,
    Phase,
    Cadence,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Response => "response",
            Kind::Escalation => "escalation",
            Kind::Deadline => "deadline",
            Kind::Phase => "phase",
            Kind::Cadence => "comms",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timer {
    /// Stable id: recorded when due and when acknowledged.
    pub id: String,
    pub kind: Kind,
    pub label: String,
    pub due: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Upcoming,
    Due,
    Acknowledged,
}
