//! What this seat is looking at: focus, selections, scroll, dialogs.

use chrono::{DateTime, Utc};
use ratatui_textarea::TextArea;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Checklist,
    Timeline,
    Output,
    Pods,
    Alerts,
}

impl Pane {
    /// Focus order for Tab (Output only once something ran).
    pub const ORDER: [Pane; 5] = [
        Pane::Checklist,
        Pane::Timeline,
        Pane::Output,
        Pane::Pods,
        Pane::Alerts,
    ];

    /// The next (or previous) pane among those shown.
    pub fn cycle(self, forward: bool, shown: impl Fn(Pane) -> bool) -> Pane {
        let order: Vec<Pane> = Self::ORDER.iter().copied().filter(|p| shown(*p)).collect();
        if order.is_empty() {
            return self;
        }
        let i = order.iter().position(|p| *p == self).unwrap_or(0);
        let step = if forward { 1 } else { order.len() - 1 };
        order[(i + step) % order.len()]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickKind {
    Severity,
    Status,
    Role,
    Condition,
    Mark,
    Template,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// Who now holds this role.
    RoleHolder(String),
    /// An ad hoc drill inject: who the message is from.
    InjectFrom,
    /// An ad hoc drill inject: the message.
    InjectText { from: String },
}

#[derive(Clone, Debug)]
pub enum Modal {
    Help {
        scroll: u16,
    },
    Note(Box<TextArea<'static>>),
    Pick {
        kind: PickKind,
        selected: usize,
    },
    ConfirmQuit,
    Run(Box<RunDialog>),
    /// One line of text to type.
    Prompt {
        title: String,
        value: String,
        kind: PromptKind,
    },
    /// A communication, filled from its template, being edited.
    Comms {
        template: String,
        editor: Box<TextArea<'static>>,
    },
    /// Every running clock.
    Timers {
        scroll: u16,
    },
}

/// One parameter being filled in the run dialog.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamField {
    pub name: String,
    pub value: String,
    pub description: String,
    pub secret: bool,
    /// Where the value came from: `default`, `pod`, `alert.namespace`...
    pub source: Option<String>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RunStage {
    /// Filling parameters.
    Edit,
    /// Showing exactly what would run, word by word (the dry-run key).
    Preview,
    /// Asking for the risk's confirmation.
    Confirm {
        typed: String,
        error: Option<String>,
    },
}

/// The run dialog of a command step.
#[derive(Clone, Debug, PartialEq)]
pub struct RunDialog {
    pub step: String,
    pub title: String,
    pub params: Vec<ParamField>,
    pub focus: usize,
    pub stage: RunStage,
    /// The command resolved with the current values, or why not.
    pub resolved: Result<crate::runner::Resolved, String>,
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
    /// The focused pane fills the screen.
    pub zoom: bool,
    /// Timers whose falling due was sent to the log.
    pub due_requested: BTreeSet<String>,
    /// Scripted drill injects this seat proposed, not yet written.
    pub injects_pending: BTreeSet<u32>,
}
