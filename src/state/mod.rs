//! The cockpit's state: pure data. `update` is the only place it changes;
//! `ui::draw` only reads it.
//!
//! - `incident`: the record, a fold over the timeline (replay rebuilds it)
//! - `observed`: live observations (pods, alerts, figures, host)
//! - `ui`: what this seat looks at (focus, selection, dialogs)
//! - `Context`: fixed for the session (playbook, seat identity, time zone)

pub mod figures;
pub mod incident;
pub mod kube;
pub mod observed;
pub mod runs;
pub mod thresholds;
pub mod timers;
pub mod ui;
pub mod verify;

use crate::playbook::{Playbook, Procedure};
use chrono::{DateTime, FixedOffset, Utc};
use std::sync::Arc;

pub use incident::{Incident, ResponseClock};
pub use observed::{Alert, AlertState, Figure, HostSnapshot, Observed, Pod};
pub use ui::{AlertsView, Modal, Pane, Ui};

// The record's data, as the state holds it: what `ui` names of it comes
// from here (the formats stay below the screen).
pub use crate::alerts::group::{Group as AlertGroup, Row as AlertRow};
pub use crate::command::approval::{Closed, Proposal, Stage as ProposalStage};
pub use crate::drill::clock::Clock as DrillClock;
pub use crate::playbook::contacts::Line as ContactLine;
pub use crate::timeline::{Event, Record, Sharing, Status};

/// Fixed for the whole session.
#[derive(Clone, Debug)]
pub struct Context {
    pub playbook: Arc<Playbook>,
    pub procedure: String,
    /// The declared procedure joined with the others the incident works
    /// (kept up to date by `view::refresh` when one is added).
    pub checklist: Arc<crate::playbook::checklist::Checklist>,
    /// `user@host`, written into every record this seat appends.
    pub seat: String,
    /// The OS user behind this seat (its uid's login name, not `$USER`):
    /// who proposes and who approves under the two-person rule.
    pub os_user: String,
    /// The two-person rule: which commands need a second person (the
    /// playbook's policy, tightened by the config), and for how long.
    pub approval: crate::command::approval::Policy,
    pub tz: FixedOffset,
    pub drill: bool,
    /// `--read-only`: only `read` commands run.
    pub read_only: bool,
    /// A drill's canned command output.
    pub canned: Arc<Vec<crate::drill::scenario::Canned>>,
    /// A drill's scripted injects, in the order they fire (an inject's
    /// number in the record is its place here).
    pub injects: Arc<Vec<crate::drill::Inject>>,
    /// The drill facilitator's seat: sees what comes next, controls the
    /// drill clock and fires ad hoc injects.
    pub facilitator: bool,
    /// When this session started (drill time is measured from here).
    pub started: DateTime<Utc>,
    /// What to watch: the playbook's `watch`, with command-line overrides.
    pub watch: crate::playbook::model::Watch,
    /// A `--viewer` seat: reads, never records.
    pub viewer: bool,
    /// This seat records what it observes (pod changes, alerts). A drill's
    /// other seats observe the same script without recording it again.
    pub records_observations: bool,
    /// The layouts `L` cycles through (bundled, plus `--layout FILE`).
    pub layouts: Arc<Vec<crate::layout::Spec>>,
    pub theme: crate::config::Theme,
    /// The keymap in use: the defaults with the config's overrides. The
    /// one table `update` dispatches on and the help is drawn from.
    pub keymap: Arc<crate::keys::Keymap>,
    /// The playbook's `redact` patterns, compiled once for the session;
    /// a run adds its secret values (`view::run::redactor`).
    pub redactor: crate::command::Redactor,
    /// `--low-bandwidth`: fewer frames, no bars.
    pub low_bandwidth: bool,
    /// Pods are observed (a drill's scenario, or a live source); without
    /// one their pane is not shown.
    pub observes_pods: bool,
    /// Alerts are observed (a drill's scenario, or Alertmanager).
    pub observes_alerts: bool,
    /// The Alertmanager polled, if any (`--alertmanager`, or the
    /// playbook's `watch.alertmanager`).
    pub alertmanager: Option<String>,
}

impl Context {
    /// The checklist the incident works: the declared procedure joined
    /// with the others (see `playbook::checklist`).
    pub fn procedure(&self) -> &Procedure {
        if self.checklist.primary == self.procedure
            && !self.checklist.parts.is_empty()
            && self
                .checklist
                .playbook
                .as_ref()
                .is_some_and(|p| Arc::ptr_eq(p, &self.playbook))
        {
            return &self.checklist.joined;
        }
        // The procedure is checked when the session starts.
        self.playbook
            .procedure(&self.procedure)
            .unwrap_or(&self.playbook.procedures[0])
    }
}

#[derive(Clone, Debug)]
pub struct State {
    pub ctx: Context,
    pub incident: Incident,
    pub observed: Observed,
    pub runs: runs::Runs,
    pub ui: Ui,
    /// What the panes show, derived from the rest and kept up to date by
    /// `update` (`view::refresh`) when its inputs change: never computed
    /// while drawing, so a frame costs the same with 100 or 100,000 pods.
    pub derived: Derived,
    /// What changed, counted by `update`, so that drawing renders again only
    /// the panes whose inputs moved (`ui::cache`).
    pub marks: Marks,
    /// Each step's `verify:` conditions and where they stand (kept up to
    /// date by `update`).
    pub verify: verify::Verify,
    pub now: DateTime<Utc>,
}

/// Change counters, bumped by `update` after each message. A message that
/// may change anything (a key, a record, an alert poll...) bumps `any`,
/// which every pane's key includes; the few frequent messages that change
/// only one pane's inputs bump that pane's counter instead (a host sample,
/// pod metrics, a command's output); a tick bumps nothing (only the time
/// moved, which each pane's key reads at the granularity it shows). Any
/// message that asked for an effect (an append...) counts as `any`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Marks {
    pub any: u64,
    /// `observed.host` and `host_error`, `observed.thresholds`.
    pub host: u64,
    /// `observed.kube` (its metrics).
    pub pods: u64,
    /// `runs` (a run's output).
    pub runs: u64,
}

/// The widest cells of the pods' columns, in terminal columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PodColumns {
    pub name: usize,
    pub status: usize,
    pub node: usize,
    pub any_node: bool,
}

/// Derived data (see `view`): plain values, computed by `view::refresh`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    /// The pods as the pane lists them: indices into `observed.pods`,
    /// filtered and sorted.
    pub pods: Vec<usize>,
    /// How many pods are ready.
    pub pods_ready: usize,
    /// The widest NAME, STATUS and NODE among the pods shown (their
    /// columns do not move while scrolling).
    pub pods_cols: PodColumns,
    /// What `pods` was computed from: the pods' revision, the sort and the
    /// filter.
    pub pods_from: Option<(u64, ui::PodSort, String)>,
    /// The alerts in groups (by alert name), as the pane lists them.
    pub alert_groups: Vec<AlertGroup>,
    /// The pane's rows in order: a heading for each group of several, then
    /// its alerts.
    pub alert_rows: Vec<AlertRow>,
    /// For each group, the labels whose values tell its alerts apart
    /// (empty for a group of one).
    pub alert_tags: Vec<Vec<String>>,
    /// The alerts' revision `alert_groups` was computed at.
    pub alerts_from: Option<u64>,
    /// Every running clock, soonest first (`clocks::timers`).
    pub timers: Vec<timers::Timer>,
    /// The record (its length) `timers` was listed from.
    pub timers_from: Option<usize>,
    /// Whom to call, as the contacts overlay lists it (unsanitised: `ui`
    /// cleans each line).
    pub contacts: Vec<(ContactLine, String)>,
    /// Each step's owner (by step id), for the steps that name a role.
    pub owners: std::collections::BTreeMap<String, Owner>,
    /// What `contacts` and `owners` were derived from: the playbook and
    /// the checklist (their addresses) and the record (its length: who
    /// holds a role changes only with a record).
    pub contacts_from: Option<(usize, usize, usize)>,
}

/// A step's owner, as the checklist shows it (unsanitised).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Owner {
    /// Its role's id, beside the step (` @tech-lead` where there is room).
    pub role: String,
    /// In the step's detail: the role, who holds it in this incident, its
    /// primary and backup, and how to reach them.
    pub line: String,
}

impl State {
    pub fn new(mut ctx: Context, incident: Incident, now: DateTime<Utc>) -> Self {
        if !ctx
            .checklist
            .is_for(&ctx.playbook, &ctx.procedure, &incident.added)
        {
            ctx.checklist = Arc::new(crate::playbook::checklist::of(
                &ctx.playbook,
                &ctx.procedure,
                &incident.added,
            ));
        }
        // The cursor starts on the first step to do, below the
        // procedure's detection signs.
        let ui = Ui {
            step: ctx.checklist.first_action(),
            ..Ui::default()
        };
        Self {
            ctx,
            incident,
            observed: Observed::default(),
            runs: runs::Runs::default(),
            ui,
            derived: Derived::default(),
            marks: Marks::default(),
            verify: verify::Verify::default(),
            now,
        }
    }
}
