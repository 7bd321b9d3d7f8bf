//! Commands run from this seat: what each is, where it stands, and its
//! output (capped).

use crate::command::run::{CAP, Line, Outcome, Spec};
use crate::playbook::model::Risk;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq)]
pub enum RunStatus {
    /// Confirmed; waiting for its start record to be durable.
    Starting,
    Running,
    Done(Outcome),
}

/// Lines kept for the record at the start of a run's output.
pub use crate::command::run::{FIRST_LINES, Stream};
pub const LAST_LINES: usize = 5;

#[derive(Debug)]
pub struct Run {
    pub id: String,
    pub step: String,
    pub title: String,
    /// The resolved command line, redacted.
    pub display: String,
    pub risk: Risk,
    pub drill: bool,
    pub dry_run: bool,
    pub status: RunStatus,
    pub started: DateTime<Utc>,
    pub duration: Option<Duration>,
    pub output: VecDeque<Line>,
    pub first_lines: Vec<String>,
    /// Lines dropped past the cap.
    pub dropped: u64,
    /// What to start once the start record is durable (taken then).
    pub spec: Option<Box<Spec>>,
}

impl Clone for Run {
    fn clone(&self) -> Self {
        Run {
            id: self.id.clone(),
            step: self.step.clone(),
            title: self.title.clone(),
            display: self.display.clone(),
            risk: self.risk,
            drill: self.drill,
            dry_run: self.dry_run,
            status: self.status.clone(),
            started: self.started,
            duration: self.duration,
            output: self.output.clone(),
            first_lines: self.first_lines.clone(),
            dropped: self.dropped,
            spec: None,
        }
    }
}

impl Run {
    pub fn push(&mut self, lines: Vec<Line>, dropped: u64) {
        self.dropped += dropped;
        for l in lines {
            if self.first_lines.len() < FIRST_LINES && self.dropped == 0 {
                self.first_lines.push(l.text.clone());
            }
            self.output.push_back(l);
        }
        while self.output.len() > CAP {
            self.output.pop_front();
            self.dropped += 1;
        }
    }

    pub fn last_lines(&self) -> Vec<String> {
        let n = self.output.len();
        self.output
            .iter()
            .skip(n.saturating_sub(LAST_LINES))
            .map(|l| l.text.clone())
            .collect()
    }

    pub fn is_running(&self) -> bool {
        matches!(self.status, RunStatus::Starting | RunStatus::Running)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Runs {
    pub list: Vec<Run>,
    pub selected: usize,
    /// Lines scrolled up from the end of the selected run's output.
    pub scroll: usize,
    pub counter: u64,
}

impl Runs {
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Run> {
        self.list.iter_mut().find(|r| r.id == id)
    }

    pub fn selected(&self) -> Option<&Run> {
        self.list.get(self.selected)
    }

    pub fn running(&self) -> usize {
        self.list.iter().filter(|r| r.is_running()).count()
    }
}
