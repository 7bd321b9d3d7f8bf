//! What this seat is looking at: focus, selections, scroll, dialogs.

use chrono::{DateTime, Utc};
use ratatui_textarea::TextArea;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Checklist,
    Timeline,
    Pods,
    Alerts,
}

impl Pane {
    /// Focus order for Tab.
    pub const ORDER: [Pane; 4] = [Pane::Checklist, Pane::Timeline, Pane::Pods, Pane::Alerts];

    pub fn next(self) -> Pane {
        let i = Self::ORDER.iter().position(|p| *p == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }

    pub fn prev(self) -> Pane {
        let i = Self::ORDER.iter().position(|p| *p == self).unwrap_or(0);
        Self::ORDER[(i + Self::ORDER.len() - 1) % Self::ORDER.len()]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickKind {
    Severity,
    Status,
}

#[derive(Clone, Debug)]
pub enum Modal {
    Help { scroll: u16 },
    Note(Box<TextArea<'static>>),
    Pick { kind: PickKind, selected: usize },
    ConfirmQuit,
}

/// A message shown in the footer until the next key.
#[derive(Clone, Debug, PartialEq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default)]
pub struct Ui {
    pub focus: Pane,
    /// Index into the procedure's steps (phases flattened).
    pub step: usize,
    pub pod: usize,
    pub alert: usize,
    /// Lines scrolled up from the newest record (0 = follow the end).
    pub timeline_scroll: usize,
    pub modal: Option<Modal>,
    /// Steps whose tick was sent to the log and not yet acknowledged.
    pub pending_steps: BTreeSet<String>,
    /// Appends sent and not yet acknowledged.
    pub saving: usize,
    pub flash: Option<Flash>,
    pub size: (u16, u16),
}
