//! What this seat is looking at: focus, selections, scroll, dialogs.

use crate::edit::Text;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Pane {
    #[default]
    Checklist,
    Timeline,
    Output,
    Pods,
    Alerts,
    Timers,
    Resources,
}

impl Pane {
    pub fn title(self) -> &'static str {
        match self {
            Pane::Checklist => "Checklist",
            Pane::Timeline => "Timeline",
            Pane::Output => "Output",
            Pane::Pods => "Pods",
            Pane::Alerts => "Alerts",
            Pane::Timers => "Clocks",
            Pane::Resources => "Resources",
        }
    }

    /// The next (or previous) pane in `order` (the panes on screen).
    pub fn cycle(self, forward: bool, order: &[Pane]) -> Pane {
        if order.is_empty() {
            return self;
        }
        let i = order.iter().position(|p| *p == self);
        let n = order.len();
        match (i, forward) {
            (Some(i), true) => order[(i + 1) % n],
            (Some(i), false) => order[(i + n - 1) % n],
            (None, _) => order[0],
        }
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
    /// A procedure to add to the incident's checklist.
    Procedure,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// Who now holds this role.
    RoleHolder(String),
    /// When the problem was detected (the `detected` mark).
    DetectedAt,
    /// An ad hoc drill inject: who the message is from.
    InjectFrom,
    /// An ad hoc drill inject: the message.
    InjectText { from: String },
    /// Why a step with `verify:` conditions is ticked (though they do not
    /// hold) or unticked by hand.
    Override {
        step: String,
        title: String,
        tick: bool,
    },
    /// An acknowledgement's note (optional; a leading duration changes
    /// the 30m expiry).
    AckNote { ack: String, target: String },
    /// Whom an acknowledgement is handed over to.
    AckHandOver { ack: String },
}

#[derive(Clone, Debug)]
pub enum Modal {
    Help {
        scroll: u16,
    },
    Note(Box<Text>),
    Pick {
        kind: PickKind,
        selected: usize,
    },
    ConfirmQuit,
    Run(Box<RunDialog>),
    /// One line of text to type.
    Prompt {
        title: String,
        value: Box<Text>,
        kind: PromptKind,
    },
    /// A communication, filled from its template, being edited.
    Comms {
        template: String,
        editor: Box<Text>,
    },
    /// Every running clock.
    Timers {
        scroll: u16,
    },
    /// Who to call: roles, contacts, channels, external firms (`@`).
    Contacts {
        scroll: u16,
    },
    /// One record of the timeline in full, wrapped (Enter on the timeline).
    Record {
        seq: u64,
        scroll: u16,
    },
    /// Every label, annotation and the generator URL of one alert.
    AlertDetail {
        fingerprint: String,
        alertname: String,
        scroll: u16,
    },
    Silence(Box<SilenceDialog>),
    /// Asking before a silence is expired.
    ExpireSilence {
        id: String,
    },
    /// Typing the pods filter (`Ui::pod_filter` follows every key).
    PodFilter,
    /// The approvals queue (two-person rule): the selected row.
    Approvals {
        selected: usize,
    },
    /// Approving or rejecting one proposal.
    Decide(Box<DecideDialog>),
}

/// Approving or rejecting a proposal: why, and for a destructive command
/// its target typed back.
#[derive(Clone, Debug, PartialEq)]
pub struct DecideDialog {
    pub proposal: String,
    pub approve: bool,
    pub reason: Text,
    pub typed: Text,
    /// 0: the reason, 1: the target.
    pub focus: usize,
    pub error: Option<String>,
    /// The queue's selection to go back to.
    pub selected: usize,
}

/// What the alerts pane lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AlertsView {
    #[default]
    Alerts,
    Silences,
}

/// The silence dialog: matchers (editable), duration, a required comment.
#[derive(Clone, Debug, PartialEq)]
pub struct SilenceDialog {
    /// What it was opened on: `alert APIDown`, `group APIDown (3)`.
    pub target: String,
    /// Matchers, duration, comment.
    pub fields: [Text; 3],
    pub focus: usize,
    /// Showing the confirmation.
    pub confirm: bool,
    /// The first problem, and the field it is in (0-2).
    pub error: Option<(usize, String)>,
    /// Extending this silence of the incident (its id): the matchers are
    /// its own and cannot be changed.
    pub extends: Option<String>,
}

impl SilenceDialog {
    pub const LABELS: [&'static str; 3] = ["matchers", "duration", "comment"];
}

/// The order of the pods pane.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PodSort {
    /// Pods in trouble first, then by name.
    #[default]
    Status,
    /// Most restarts first.
    Restarts,
}

/// One parameter being filled in the run dialog.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamField {
    pub name: String,
    pub value: Text,
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
    Confirm { typed: Text, error: Option<String> },
    /// Two-person rule: the reason for the proposal being typed.
    Propose { reason: Text, error: Option<String> },
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
    pub resolved: Result<crate::command::Resolved, String>,
    /// The approved proposal this run will use (two-person rule), once
    /// Enter found it matches.
    pub approval: Option<String>,
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
    /// Index into the pods as shown (sorted and filtered).
    pub pod: usize,
    pub pod_sort: PodSort,
    /// Case-insensitive part of a pod's name, status or node.
    pub pod_filter: Text,
    pub alert: usize,
    /// Lines scrolled up from the newest record (0 = follow the end).
    pub timeline_scroll: usize,
    pub modal: Option<Modal>,
    /// Steps whose tick was sent to the log and not yet acknowledged.
    pub pending_steps: BTreeSet<String>,
    /// The severity criteria this seat judged not met on a current figure
    /// (`P1/0`): a crossing after that is new even if the record suggested
    /// it before (this seat's memory, not an observation seats share).
    pub criteria_clear: BTreeSet<String>,
    /// Appends sent and not yet acknowledged.
    pub saving: usize,
    pub flash: Option<Flash>,
    pub size: (u16, u16),
    /// The focused pane fills the screen.
    pub zoom: bool,
    /// Timers whose falling due was sent to the log.
    pub due_requested: BTreeSet<String>,
    /// The layout chosen with `L` or `--layout` (an index into the
    /// context's layouts); `None` picks by terminal size.
    pub layout: Option<usize>,
    pub alerts_view: AlertsView,
    /// The selected silence in the silences view.
    pub silence: usize,
    /// Scripted drill injects this seat proposed, not yet written.
    pub injects_pending: BTreeSet<u32>,
    /// Two-person rule: the exact argv (unredacted) of each proposal this
    /// seat made, so a hidden value's change is seen too.
    pub proposed_raw: std::collections::BTreeMap<String, Vec<String>>,
    /// Proposals whose lapse this seat sent to the log.
    pub lapse_requested: BTreeSet<String>,
    /// A communication sent with its unfilled fields said: sending the
    /// same text again sends it as it is.
    pub comms_warned: Option<String>,
    /// A change to the drill clock was sent to the log and is not back
    /// yet: the next is computed from it, so it waits.
    pub clock_pending: bool,
    /// Where the last frame placed things: the loop hands what `ui::draw`
    /// returns back here, for the mouse and for focus.
    pub placed: Placed,
}

/// A rectangle on the terminal, in cells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Area {
    pub fn contains(&self, column: u16, row: u16) -> bool {
        column >= self.x
            && row >= self.y
            && u32::from(column) < u32::from(self.x) + u32::from(self.width)
            && u32::from(row) < u32::from(self.y) + u32::from(self.height)
    }
}

/// A tab bar: its area, each tab's pane and width, and the area the shown
/// tab takes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tabs {
    pub bar: Area,
    pub tabs: Vec<(Pane, u16)>,
    pub body: Area,
}

/// Where a frame placed the panes a person can focus, and the rows of the
/// checklist: what the mouse hits and what Tab moves through.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placed {
    /// Focusable panes on screen, in reading order.
    pub panes: Vec<(Pane, Area)>,
    /// The compact layout's tab bar, if it has one.
    pub tabs: Option<Tabs>,
    /// The checklist's step rows on screen: (row, step index).
    pub steps: Vec<(u16, usize)>,
    /// The open overlay's last scroll row (help, clocks, a record) as
    /// drawn: scrolling stops there.
    pub scroll_max: Option<u16>,
    /// A frame was drawn (a state no frame has shown yet places nothing).
    pub drawn: bool,
}

impl Placed {
    /// Panes Tab moves through, in reading order.
    pub fn focus_order(&self) -> Vec<Pane> {
        let mut v: Vec<Pane> = self.panes.iter().map(|(p, _)| *p).collect();
        if let Some(t) = &self.tabs {
            v.extend(t.tabs.iter().map(|(p, _)| *p));
        }
        v
    }
}
