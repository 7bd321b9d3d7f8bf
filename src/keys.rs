//! The keymap: one table that `update` dispatches on and the `?` help
//! overlay is generated from, so the two cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies. Dialog contexts capture every key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    Global,
    Checklist,
    Timeline,
    Lists,
    Alerts,
    Silences,
    Pods,
    PodFilter,
    Output,
    RunEdit,
    RunConfirm,
    Prompt,
    Note,
    Picker,
    Confirm,
    Help,
    AlertDetail,
    SilenceEdit,
    SilenceConfirm,
    ExpireConfirm,
    /// A drill facilitator's seat (only there).
    Facilitator,
    /// The approvals queue (two-person rule).
    Approvals,
    /// Approving or rejecting a proposal: the reason, the target typed.
    Decide,
    /// Proposing a command that needs a second person: the reason.
    RunPropose,
}

impl Ctx {
    /// The file whose handler carries out this context's actions: from a
    /// key in the `?` help (under its context's title) to the code that
    /// handles it in one hop. `update.rs` only routes: an open dialog
    /// first, then the focused pane's contexts, then `Global`.
    pub fn handler(self) -> &'static str {
        match self {
            Ctx::Global | Ctx::Confirm => "src/update/global.rs",
            Ctx::Checklist => "src/update/checklist.rs",
            Ctx::Timeline => "src/update/timeline.rs",
            // No keys of its own: a place for the config's overrides on
            // both lists; what it finds goes to the focused pane.
            Ctx::Lists => "src/update.rs",
            Ctx::Pods | Ctx::PodFilter => "src/update/pods.rs",
            Ctx::Alerts
            | Ctx::Silences
            | Ctx::AlertDetail
            | Ctx::SilenceEdit
            | Ctx::SilenceConfirm
            | Ctx::ExpireConfirm => "src/update/alerts.rs",
            Ctx::Output => "src/update/output.rs",
            Ctx::RunEdit | Ctx::RunConfirm => "src/update/run.rs",
            Ctx::RunPropose | Ctx::Approvals | Ctx::Decide => "src/update/approval.rs",
            Ctx::Note => "src/update/editor.rs",
            Ctx::Prompt => "src/update/prompt.rs",
            Ctx::Picker => "src/update/picker.rs",
            Ctx::Help => "src/update/help.rs",
            Ctx::Facilitator => "src/update/drill.rs",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Ctx::Global => "Everywhere",
            Ctx::Checklist => "Checklist",
            Ctx::Timeline => "Timeline",
            Ctx::Lists => "Pods and alerts",
            Ctx::Alerts => "Alerts pane",
            Ctx::Silences => "Alerts pane: silences",
            Ctx::AlertDetail => "Alert detail",
            Ctx::SilenceEdit => "Silence dialog",
            Ctx::SilenceConfirm => "Silence dialog: confirmation",
            Ctx::ExpireConfirm => "Expire a silence: confirmation",
            Ctx::Pods => "Pods",
            Ctx::PodFilter => "Pod filter (type a part of a name, status or node)",
            Ctx::Output => "Command output",
            Ctx::RunEdit => "Run dialog: parameters",
            Ctx::RunConfirm => "Run dialog: confirmation",
            Ctx::Note => "Editor (notes and communications)",
            Ctx::Prompt => "Text prompt",
            Ctx::Picker => "Severity / status picker",
            Ctx::Confirm => "Quit confirmation",
            Ctx::Help => "Help",
            Ctx::Facilitator => "Drill facilitator (this seat only)",
            Ctx::Approvals => "Approvals queue (two-person rule)",
            Ctx::Decide => "Approve or reject a proposal",
            Ctx::RunPropose => "Run dialog: proposing to a second person",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    ForceQuit,
    FocusNext,
    FocusPrev,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Toggle,
    Note,
    Severity,
    Status,
    Help,
    Save,
    Cancel,
    Confirm,
    Choose,
    Run,
    Zoom,
    CancelRun,
    PrevRun,
    NextRun,
    DryRun,
    Acknowledge,
    Roles,
    Conditions,
    Mark,
    Comms,
    Timers,
    Layout,
    Detail,
    SilenceAlert,
    SilenceGroup,
    ToggleSilences,
    ExpireSilence,
    ExtendSilence,
    Filter,
    ClearFilter,
    Sort,
    DrillPause,
    DrillFaster,
    DrillSlower,
    DrillJump,
    DrillInject,
    Approvals,
    Approve,
    Reject,
    Withdraw,
    AckAlert,
    AckGroup,
    Unack,
    HandOver,
    AddProcedure,
    Contacts,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}
const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

pub struct Binding {
    pub ctx: Ctx,
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
}

const fn b(ctx: Ctx, keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding {
        ctx,
        keys,
        action,
        help,
    }
}

use Action as A;
use Ctx as C;

/// Every binding: `b(context, keys, action, help)`. The `?` help lists
/// them under their context's title, in this order; `config defaults`
/// prints them in this order too.
///
/// A new key: one `b(C::Ctx, &[k('x')], A::Action, "what it does")` line
/// here (and the `Action` variant if it is new), then its arm in the
/// handler of the file `Ctx::handler` names for that context (a pane's
/// `on_action`, a dialog's `on_key`). A new context: its variant, its
/// `title`, `id`, `handler`, its place in `Ctx::ALL` and the help's
/// order, and its route in `update.rs` (`pane_ctx` or `on_modal_key`).
pub const KEYMAP: &[Binding] = &[
    b(
        C::Global,
        &[ctrl('c')],
        A::ForceQuit,
        "quit now (the record is already saved)",
    ),
    b(
        C::Global,
        &[k('q')],
        A::Quit,
        "quit (asks first while the incident is open)",
    ),
    b(
        C::Global,
        &[code(KeyCode::Tab)],
        A::FocusNext,
        "focus the next pane",
    ),
    b(
        C::Global,
        &[code(KeyCode::BackTab)],
        A::FocusPrev,
        "focus the previous pane",
    ),
    b(C::Global, &[k('?')], A::Help, "show or hide this help"),
    b(
        C::Global,
        &[k('n')],
        A::Note,
        "write a note to the timeline",
    ),
    b(C::Global, &[k('s')], A::Severity, "change severity"),
    b(C::Global, &[k('t')], A::Status, "change status"),
    b(C::Global, &[k('k'), code(KeyCode::Up)], A::Up, "move up"),
    b(
        C::Global,
        &[k('j'), code(KeyCode::Down)],
        A::Down,
        "move down",
    ),
    b(
        C::Global,
        &[code(KeyCode::PageUp), ctrl('u')],
        A::PageUp,
        "page up",
    ),
    b(
        C::Global,
        &[code(KeyCode::PageDown), ctrl('d')],
        A::PageDown,
        "page down",
    ),
    b(
        C::Global,
        &[k('g'), code(KeyCode::Home)],
        A::Top,
        "go to the top",
    ),
    b(
        C::Global,
        &[k('G'), code(KeyCode::End)],
        A::Bottom,
        "go to the bottom (timeline: follow)",
    ),
    b(
        C::Checklist,
        &[k(' ')],
        A::Toggle,
        "tick or untick the selected step",
    ),
    b(
        C::Global,
        &[k('z')],
        A::Zoom,
        "zoom the focused pane to the whole screen, or back",
    ),
    b(
        C::Global,
        &[k('a')],
        A::Acknowledge,
        "acknowledge the clock that fell due",
    ),
    b(
        C::Global,
        &[k('L')],
        A::Layout,
        "next layout (default, split, compact, wallboard, auto)",
    ),
    b(
        C::Global,
        &[k('T')],
        A::Timers,
        "all clocks: escalations, deadlines, time boxes, comms",
    ),
    b(C::Global, &[k('r')], A::Roles, "assign or hand over a role"),
    b(
        C::Global,
        &[k('C')],
        A::Conditions,
        "set a condition (data breach confirmed...): starts its clocks, procedures",
    ),
    b(
        C::Global,
        &[k('m')],
        A::Mark,
        "mark a moment for the post-mortem (detection, root cause...)",
    ),
    b(
        C::Global,
        &[k('c')],
        A::Comms,
        "write a communication from a template",
    ),
    b(
        C::Global,
        &[k('@')],
        A::Contacts,
        "who to call: roles (primary, backup), contacts, channels, external firms",
    ),
    b(
        C::Global,
        &[k('A')],
        A::Approvals,
        "approvals: commands waiting for a second person (two-person rule)",
    ),
    b(
        C::Global,
        &[k('P')],
        A::AddProcedure,
        "add another procedure to the checklist (recorded)",
    ),
    b(C::Prompt, &[code(KeyCode::Enter)], A::Choose, "done"),
    b(C::Prompt, &[code(KeyCode::Esc)], A::Cancel, "cancel"),
    b(
        C::Checklist,
        &[code(KeyCode::Enter)],
        A::Run,
        "run the selected step's command (asks first)",
    ),
    b(
        C::Output,
        &[k('x')],
        A::CancelRun,
        "cancel the selected run (SIGTERM, then SIGKILL)",
    ),
    b(
        C::Pods,
        &[k('/')],
        A::Filter,
        "filter pods: type a part of a name, status or node",
    ),
    b(
        C::Pods,
        &[k('o')],
        A::Sort,
        "sort pods by status (trouble first) or by restarts",
    ),
    b(
        C::Pods,
        &[code(KeyCode::Esc)],
        A::ClearFilter,
        "clear the pod filter",
    ),
    b(
        C::PodFilter,
        &[code(KeyCode::Enter)],
        A::Choose,
        "keep the filter and go back to the list",
    ),
    b(
        C::PodFilter,
        &[code(KeyCode::Esc)],
        A::Cancel,
        "clear the filter and close it",
    ),
    b(C::Output, &[k('[')], A::PrevRun, "show the previous run"),
    b(C::Output, &[k(']')], A::NextRun, "show the next run"),
    b(
        C::Timeline,
        &[code(KeyCode::Enter)],
        A::Detail,
        "show the record at the bottom in full, wrapped (k/j choose it)",
    ),
    b(
        C::Alerts,
        &[code(KeyCode::Enter)],
        A::Detail,
        "show the selected alert: every label, annotation, generator URL",
    ),
    b(
        C::Alerts,
        &[k('x')],
        A::SilenceAlert,
        "silence the selected alert (asks first; recorded)",
    ),
    b(
        C::Alerts,
        &[k('X')],
        A::SilenceGroup,
        "silence the selected alert's whole group (asks first; recorded)",
    ),
    b(
        C::Alerts,
        &[k('w')],
        A::AckAlert,
        "ack the alert: you are on it, 30m (not a silence)",
    ),
    b(
        C::Alerts,
        &[k('W')],
        A::AckGroup,
        "ack the alert's group (again: renew)",
    ),
    b(
        C::Alerts,
        &[k('u')],
        A::Unack,
        "end the ack of the alert or its group",
    ),
    b(
        C::Alerts,
        &[k('h')],
        A::HandOver,
        "hand the ack over to another seat",
    ),
    b(
        C::Alerts,
        &[k('S')],
        A::ToggleSilences,
        "list the silences (time left, who, why)",
    ),
    b(
        C::Silences,
        &[k('S')],
        A::ToggleSilences,
        "back to the alerts",
    ),
    b(
        C::Silences,
        &[k('e')],
        A::ExpireSilence,
        "expire the selected silence (asks first; recorded)",
    ),
    b(
        C::Silences,
        &[k('+')],
        A::ExtendSilence,
        "extend the selected silence of this incident (asks first; recorded)",
    ),
    b(
        C::AlertDetail,
        &[code(KeyCode::Esc), k('q'), code(KeyCode::Enter)],
        A::Cancel,
        "close the detail",
    ),
    b(
        C::AlertDetail,
        &[k('j'), code(KeyCode::Down)],
        A::Down,
        "scroll down",
    ),
    b(
        C::AlertDetail,
        &[k('k'), code(KeyCode::Up)],
        A::Up,
        "scroll up",
    ),
    b(
        C::SilenceEdit,
        &[code(KeyCode::Tab)],
        A::FocusNext,
        "next field (matchers, duration, comment)",
    ),
    b(
        C::SilenceEdit,
        &[code(KeyCode::BackTab)],
        A::FocusPrev,
        "previous field",
    ),
    b(
        C::SilenceEdit,
        &[code(KeyCode::Enter)],
        A::Choose,
        "check the silence and ask to confirm",
    ),
    b(
        C::SilenceEdit,
        &[code(KeyCode::Esc)],
        A::Cancel,
        "close without silencing",
    ),
    b(
        C::SilenceConfirm,
        &[k('y')],
        A::Confirm,
        "create the silence",
    ),
    b(
        C::SilenceConfirm,
        &[code(KeyCode::Esc)],
        A::Cancel,
        "back to the fields",
    ),
    b(
        C::ExpireConfirm,
        &[k('y')],
        A::Confirm,
        "expire the silence now",
    ),
    b(
        C::ExpireConfirm,
        &[code(KeyCode::Esc), k('n')],
        A::Cancel,
        "keep it",
    ),
    b(
        C::RunEdit,
        &[code(KeyCode::Tab)],
        A::FocusNext,
        "next parameter",
    ),
    b(
        C::RunEdit,
        &[code(KeyCode::BackTab)],
        A::FocusPrev,
        "previous parameter",
    ),
    b(
        C::RunEdit,
        &[code(KeyCode::Enter)],
        A::Choose,
        "go on: run a read command, or ask to confirm",
    ),
    b(
        C::RunEdit,
        &[ctrl('d')],
        A::DryRun,
        "dry run: kubectl --dry-run=server, or show the exact argv",
    ),
    b(
        C::RunEdit,
        &[code(KeyCode::Esc)],
        A::Cancel,
        "close without running",
    ),
    b(
        C::RunPropose,
        &[code(KeyCode::Enter)],
        A::Choose,
        "propose it with the reason typed: another person approves or rejects",
    ),
    b(
        C::RunPropose,
        &[code(KeyCode::Esc)],
        A::Cancel,
        "back to the parameters (nothing proposed)",
    ),
    b(
        C::Approvals,
        &[k('j'), code(KeyCode::Down)],
        A::Down,
        "next proposal",
    ),
    b(
        C::Approvals,
        &[k('k'), code(KeyCode::Up)],
        A::Up,
        "previous proposal",
    ),
    b(
        C::Approvals,
        &[k('a')],
        A::Approve,
        "approve the selected proposal (someone else's; asks a reason)",
    ),
    b(
        C::Approvals,
        &[k('x')],
        A::Reject,
        "reject the selected proposal (asks a reason)",
    ),
    b(
        C::Approvals,
        &[k('w')],
        A::Withdraw,
        "withdraw your own proposal",
    ),
    b(
        C::Approvals,
        &[code(KeyCode::Esc), k('q'), k('A')],
        A::Cancel,
        "close the queue",
    ),
    b(
        C::Decide,
        &[code(KeyCode::Tab)],
        A::FocusNext,
        "next field (reason, target)",
    ),
    b(
        C::Decide,
        &[code(KeyCode::BackTab)],
        A::FocusPrev,
        "previous field",
    ),
    b(
        C::Decide,
        &[code(KeyCode::Enter)],
        A::Choose,
        "record the decision (recorded with who and why)",
    ),
    b(
        C::Decide,
        &[code(KeyCode::Esc)],
        A::Cancel,
        "back to the queue (nothing decided)",
    ),
    b(C::RunConfirm, &[k('y')], A::Confirm, "run a change"),
    b(
        C::RunConfirm,
        &[code(KeyCode::Enter)],
        A::Choose,
        "run a destructive command once its target is typed",
    ),
    b(
        C::RunConfirm,
        &[code(KeyCode::Esc)],
        A::Cancel,
        "back to the parameters",
    ),
    b(
        C::Note,
        &[ctrl('s')],
        A::Save,
        "save the note / send the communication (file, clipboard, timeline)",
    ),
    b(
        C::Note,
        &[code(KeyCode::Esc)],
        A::Cancel,
        "cancel (the note is discarded)",
    ),
    b(C::Picker, &[k('k'), code(KeyCode::Up)], A::Up, "move up"),
    b(
        C::Picker,
        &[k('j'), code(KeyCode::Down)],
        A::Down,
        "move down",
    ),
    b(C::Picker, &[code(KeyCode::Enter)], A::Choose, "choose"),
    b(
        C::Picker,
        &[code(KeyCode::Esc), k('q')],
        A::Cancel,
        "cancel",
    ),
    b(C::Confirm, &[k('y'), k('Y')], A::Confirm, "yes, quit"),
    b(
        C::Confirm,
        &[k('n'), k('N'), code(KeyCode::Esc)],
        A::Cancel,
        "no, stay",
    ),
    b(
        C::Help,
        &[k('?'), code(KeyCode::Esc), k('q')],
        A::Cancel,
        "close help",
    ),
    b(
        C::Help,
        &[k('j'), code(KeyCode::Down)],
        A::Down,
        "scroll down",
    ),
    b(C::Help, &[k('k'), code(KeyCode::Up)], A::Up, "scroll up"),
    b(
        C::Facilitator,
        &[k('p')],
        A::DrillPause,
        "pause or resume the drill clock",
    ),
    b(
        C::Facilitator,
        &[k('>')],
        A::DrillFaster,
        "drill clock faster: 1x, 2x, 5x, 10x",
    ),
    b(
        C::Facilitator,
        &[k('<')],
        A::DrillSlower,
        "drill clock slower",
    ),
    b(
        C::Facilitator,
        &[k('J')],
        A::DrillJump,
        "jump the drill clock to the next inject (it fires at once)",
    ),
    b(
        C::Facilitator,
        &[k('i')],
        A::DrillInject,
        "fire an ad hoc inject: a stakeholder message typed now",
    ),
];

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Key {
        Key {
            code: ev.code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
        }
    }

    /// How the key is written in help and titles: `Ctrl-S`, `Space`, `j`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }
}

/// One binding of the keymap in use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    pub ctx: Ctx,
    pub keys: Vec<Key>,
    pub action: Action,
    pub help: &'static str,
}

/// The keymap in use: the defaults, with the user's overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    pub bindings: Vec<Bound>,
}

impl Keymap {
    pub fn defaults() -> Self {
        Self {
            bindings: KEYMAP
                .iter()
                .map(|b| Bound {
                    ctx: b.ctx,
                    keys: b.keys.to_vec(),
                    action: b.action,
                    help: b.help,
                })
                .collect(),
        }
    }
}

impl Default for Keymap {
    fn default() -> Self {
        Self::defaults()
    }
}

impl Keymap {
    /// The action bound to a key in the first context that has one.
    pub fn lookup(&self, ctxs: &[Ctx], ev: &KeyEvent) -> Option<Action> {
        self.lookup_in(ctxs, ev).map(|(_, action)| action)
    }

    /// The action bound to a key, and the context it was found in (the
    /// one whose handler, `Ctx::handler`, carries it out).
    pub fn lookup_in(&self, ctxs: &[Ctx], ev: &KeyEvent) -> Option<(Ctx, Action)> {
        // No binding uses Alt: an Alt key is most often Esc and a key read
        // together (see `update::misread_escape`), never an action.
        if ev.modifiers.contains(KeyModifiers::ALT) {
            return None;
        }
        let key = Key::from_event(ev);
        ctxs.iter().find_map(|ctx| {
            self.bindings
                .iter()
                .find(|bind| bind.ctx == *ctx && bind.keys.contains(&key))
                .map(|bind| (*ctx, bind.action))
        })
    }

    /// The keys bound to an action in a context, joined for display.
    pub fn keys_for(&self, ctx: Ctx, action: Action) -> String {
        self.bindings
            .iter()
            .filter(|bind| bind.ctx == ctx && bind.action == action)
            .flat_map(|bind| bind.keys.iter().map(Key::label))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// A dialog's key hints, `KEYS what` each, as this keymap binds them.
    pub fn hints(&self, ctx: Ctx, what: &[(Action, &str)]) -> Vec<String> {
        what.iter()
            .map(|(action, label)| format!("{} {label}", self.keys_for(ctx, *action)))
            .collect()
    }
}

impl Ctx {
    pub const ALL: [Ctx; 24] = [
        Ctx::Global,
        Ctx::Facilitator,
        Ctx::Checklist,
        Ctx::Timeline,
        Ctx::Lists,
        Ctx::Pods,
        Ctx::PodFilter,
        Ctx::Alerts,
        Ctx::Silences,
        Ctx::AlertDetail,
        Ctx::SilenceEdit,
        Ctx::SilenceConfirm,
        Ctx::ExpireConfirm,
        Ctx::Output,
        Ctx::RunEdit,
        Ctx::RunConfirm,
        Ctx::RunPropose,
        Ctx::Approvals,
        Ctx::Decide,
        Ctx::Prompt,
        Ctx::Note,
        Ctx::Picker,
        Ctx::Confirm,
        Ctx::Help,
    ];

    /// The name used in the config file.
    pub fn id(self) -> &'static str {
        match self {
            Ctx::Global => "global",
            Ctx::Facilitator => "facilitator",
            Ctx::Checklist => "checklist",
            Ctx::Timeline => "timeline",
            Ctx::Lists => "lists",
            Ctx::Pods => "pods",
            Ctx::PodFilter => "pod_filter",
            Ctx::Alerts => "alerts",
            Ctx::Silences => "silences",
            Ctx::AlertDetail => "alert_detail",
            Ctx::SilenceEdit => "silence",
            Ctx::SilenceConfirm => "confirm_silence",
            Ctx::ExpireConfirm => "confirm_expire",
            Ctx::Output => "output",
            Ctx::RunEdit => "run",
            Ctx::RunConfirm => "confirm_run",
            Ctx::Prompt => "prompt",
            Ctx::Note => "editor",
            Ctx::Picker => "picker",
            Ctx::Confirm => "confirm_quit",
            Ctx::Help => "help",
            Ctx::Approvals => "approvals",
            Ctx::Decide => "decide",
            Ctx::RunPropose => "propose",
        }
    }
}

impl Action {
    /// The name used in the config file (`note`, `focus_next`).
    pub fn id(self) -> String {
        let dbg = format!("{self:?}");
        let mut out = String::new();
        for (i, c) in dbg.chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }
}

impl Key {
    /// Parses `q`, `Space`, `Enter`, `Esc`, `Tab`, `Shift-Tab`, `Up`,
    /// `PgDn`, `Ctrl-S`, `F1`...
    pub fn parse(s: &str) -> Result<Key, String> {
        let t = s.trim();
        let (ctrl, rest) = match t
            .strip_prefix("Ctrl-")
            .or_else(|| t.strip_prefix("ctrl-"))
            .or_else(|| t.strip_prefix("C-"))
        {
            Some(r) => (true, r),
            None => (false, t),
        };
        let code = match rest {
            "Space" | "space" => KeyCode::Char(' '),
            "Enter" | "enter" | "Return" => KeyCode::Enter,
            "Esc" | "esc" | "Escape" => KeyCode::Esc,
            "Tab" | "tab" => KeyCode::Tab,
            "Shift-Tab" | "BackTab" => KeyCode::BackTab,
            "Up" | "↑" => KeyCode::Up,
            "Down" | "↓" => KeyCode::Down,
            "Left" | "←" => KeyCode::Left,
            "Right" | "→" => KeyCode::Right,
            "PgUp" | "PageUp" => KeyCode::PageUp,
            "PgDn" | "PageDown" => KeyCode::PageDown,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "Backspace" => KeyCode::Backspace,
            f if f.len() >= 2
                && f.starts_with('F')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            c if c.chars().count() == 1 => {
                let ch = c.chars().next().unwrap_or(' ');
                KeyCode::Char(if ctrl { ch.to_ascii_lowercase() } else { ch })
            }
            _ => {
                return Err(format!(
                    "unknown key {s:?} (expected a character, Space, Enter, Esc, Tab, Shift-Tab, Up, Down, Left, Right, PgUp, PgDn, Home, End, Backspace, F1-F12, or Ctrl- with one of them)"
                ));
            }
        };
        Ok(Key { code, ctrl })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn first_context_wins_and_dialogs_capture() {
        let space = key(KeyCode::Char(' '), KeyModifiers::NONE);
        assert_eq!(
            Keymap::default().lookup(&[C::Checklist, C::Global], &space),
            Some(A::Toggle)
        );
        assert_eq!(
            Keymap::default().lookup(&[C::Timeline, C::Global], &space),
            None
        );
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(Keymap::default().lookup(&[C::Picker], &q), Some(A::Cancel));
        assert_eq!(Keymap::default().lookup(&[C::Global], &q), Some(A::Quit));
    }

    #[test]
    fn ctrl_and_shift_tab() {
        let cc = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            Keymap::default().lookup(&[C::Global], &cc),
            Some(A::ForceQuit)
        );
        let bt = key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            Keymap::default().lookup(&[C::Global], &bt),
            Some(A::FocusPrev)
        );
        assert_eq!(Keymap::default().keys_for(C::Note, A::Save), "Ctrl-S");
    }

    #[test]
    fn facilitator_keys_shadow_nothing_the_panes_use() {
        for f in KEYMAP.iter().filter(|b| b.ctx == C::Facilitator) {
            for other in KEYMAP.iter().filter(|b| {
                matches!(
                    b.ctx,
                    C::Global | C::Checklist | C::Timeline | C::Lists | C::Output
                )
            }) {
                for key in f.keys {
                    assert!(
                        !other.keys.contains(key),
                        "{key:?} is both {:?} and {:?}",
                        f.action,
                        other.action
                    );
                }
            }
        }
    }

    /// The one hop from a key to its code: every context names a file
    /// that exists and dispatches on that context.
    #[test]
    fn every_context_names_the_handler_that_dispatches_on_it() {
        for ctx in Ctx::ALL {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(ctx.handler());
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{ctx:?}: {}: {e}", path.display()));
            assert!(
                text.contains(&format!("Ctx::{ctx:?}")),
                "{ctx:?}: {} does not dispatch on it",
                ctx.handler()
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in KEYMAP.iter().enumerate() {
            for bnd in &KEYMAP[i + 1..] {
                if a.ctx == bnd.ctx {
                    for key in a.keys {
                        assert!(
                            !bnd.keys.contains(key),
                            "{:?} bound twice in {:?}",
                            key,
                            a.ctx
                        );
                    }
                }
            }
        }
    }
}
