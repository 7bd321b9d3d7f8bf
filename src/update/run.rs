//! The run dialog and the life of a run: parameters filled from the
//! incident or typed, validated; the command resolved and shown exactly;
//! the risk's confirmation; the start recorded before anything runs; output
//! and the end recorded. In a drill nothing is executed.
//!
//! Keys: `Ctx::RunEdit` and `Ctx::RunConfirm` (`on_key`; the proposing
//! stage, `Ctx::RunPropose`, is `approval`'s). The dialog works in place;
//! running closes it.

use super::{append, flash};
use crate::command::guard::Guard;
use crate::command::resolve::{self, Program};
use crate::command::run::{self as process, Line, Outcome, Spec, Stream};
use crate::edit::Text;
use crate::keys::{Action, Ctx};
use crate::msg::Effect;
use crate::playbook::model::Risk;
use crate::state::State;
use crate::state::runs::{Run, RunStatus};
use crate::state::ui::{Modal, ParamField, RunDialog, RunStage};
use crate::timeline::Event;
use crate::view::approvals::needs_two;
use crate::view::run::{guard, redactor};
use crossterm::event::{KeyCode, KeyEvent};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where a parameter's value comes from in the incident.
fn from_incident(s: &State, from: &str) -> Option<String> {
    let w = &s.ctx.watch;
    match from {
        "pod" => super::pods_shown(s).get(s.ui.pod).map(|p| p.name.clone()),
        "namespace" => w.namespace.clone(),
        "selector" => w.selector.clone(),
        "context" => w.context.clone(),
        other => {
            let label = other.strip_prefix("alert.")?;
            s.observed
                .alerts
                .get(s.ui.alert)
                .and_then(|a| a.label(label))
                .map(str::to_string)
        }
    }
}

fn values(d: &RunDialog) -> BTreeMap<String, String> {
    d.params
        .iter()
        .map(|p| (p.name.clone(), p.value.as_str().to_string()))
        .collect()
}

/// The open run dialog, to change in place.
fn dialog(s: &mut State) -> Option<&mut RunDialog> {
    match &mut s.ui.modal {
        Some(Modal::Run(d)) => Some(d),
        _ => None,
    }
}

/// Validates every field of the open dialog and resolves the command
/// with the values.
fn refresh(s: &mut State) {
    let Some(Modal::Run(d)) = &s.ui.modal else {
        return;
    };
    let checked = check(s, d);
    let Some(d) = dialog(s) else {
        return;
    };
    // An approval is matched again on Enter, against the values then.
    d.approval = None;
    let Some((errors, resolved)) = checked else {
        d.resolved = Err("the step has no command".into());
        return;
    };
    for (f, error) in d.params.iter_mut().zip(errors) {
        f.error = error;
    }
    d.resolved = resolved;
}

/// Each field's problem, and the command resolved with the values (or
/// why not); `None` when the step has no command.
#[allow(clippy::type_complexity)]
fn check(
    s: &State,
    d: &RunDialog,
) -> Option<(
    Vec<Option<String>>,
    Result<crate::command::Resolved, String>,
)> {
    let cmd = s
        .ctx
        .procedure()
        .step(&d.step)
        .and_then(|st| st.command.as_ref())?;
    let errors: Vec<Option<String>> = d
        .params
        .iter()
        .map(|f| {
            cmd.params
                .get(&f.name)
                .and_then(|p| resolve::validate_value(&f.name, p, f.value.as_str()).err())
        })
        .collect();
    let resolved = if errors.iter().all(Option::is_none) {
        resolve::resolve(cmd, &values(d), &d.step)
    } else {
        Err("fill in the parameters".into())
    };
    Some((errors, resolved))
}

/// Enter on a checklist step: open its run dialog.
pub fn open(s: &mut State) {
    if s.ctx.viewer {
        flash(s, "Viewer seat: commands run from the other seats");
        return;
    }
    let Some(step) = s.ctx.procedure().steps().nth(s.ui.step) else {
        return;
    };
    let Some(cmd) = &step.command else {
        flash(s, "This step has no command: tick it with Space when done");
        return;
    };
    let params = cmd
        .params
        .iter()
        .map(|(name, p)| {
            let (value, source) = match p
                .from
                .as_deref()
                .and_then(|f| from_incident(s, f).map(|v| (v, f)))
            {
                Some((v, f)) => (v, Some(f.to_string())),
                None => match &p.default {
                    Some(d) => (d.clone(), Some("default".into())),
                    None => (String::new(), None),
                },
            };
            ParamField {
                name: name.clone(),
                value: Text::line("").with_text(&value).at_end(),
                description: p.description.clone().unwrap_or_default(),
                secret: p.secret,
                source,
                error: None,
            }
        })
        .collect();
    let d = RunDialog {
        step: step.id.value.clone(),
        title: step.title.clone(),
        params,
        focus: 0,
        stage: RunStage::Edit,
        resolved: Err(String::new()),
        approval: None,
    };
    s.ui.modal = Some(Modal::Run(Box::new(d)));
    refresh(s);
}

/// `kubectl` verbs that accept `--dry-run=server`.
fn server_dry_run(program: &Program, risk: Risk) -> Option<Vec<String>> {
    let Program::Argv(argv) = program else {
        return None;
    };
    if risk == Risk::Read || argv.first().map(String::as_str) != Some("kubectl") {
        return None;
    }
    let verb = argv.iter().skip(1).find(|w| !w.starts_with('-'))?;
    let ok = matches!(
        verb.as_str(),
        "apply"
            | "create"
            | "delete"
            | "patch"
            | "replace"
            | "scale"
            | "set"
            | "label"
            | "annotate"
            | "rollout"
            | "expose"
            | "drain"
            | "cordon"
            | "uncordon"
            | "taint"
    );
    ok.then(|| {
        let mut v = argv.clone();
        v.push("--dry-run=server".into());
        v
    })
}

/// Keys in the run dialog (`Modal::Run`), by its stage.
pub fn on_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Modal::Run(d)) = &s.ui.modal else {
        return;
    };
    match d.stage {
        RunStage::Edit => edit_key(s, key, fx),
        RunStage::Propose { .. } => super::approval::propose_key(s, key, fx),
        RunStage::Preview => {
            // Any key goes back to the parameters.
            if let Some(d) = dialog(s) {
                d.stage = RunStage::Edit;
            }
        }
        RunStage::Confirm { .. } => confirm_key(s, key, fx),
    }
}

/// The open run dialog's stage, to change in place.
fn stage(s: &mut State) -> Option<&mut RunStage> {
    dialog(s).map(|d| &mut d.stage)
}

/// The dialog goes on to the risk's confirmation.
fn to_confirm(s: &mut State) {
    if let Some(d) = dialog(s) {
        d.stage = RunStage::Confirm {
            typed: Text::default(),
            error: None,
        };
    }
}

/// Closes the dialog and runs its command (once recorded).
fn close_and_start(s: &mut State, g: Guard, fx: &mut Vec<Effect>) {
    if let Some(Modal::Run(d)) = s.ui.modal.take() {
        start(s, &d, g, false, fx);
    }
}

fn edit_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Modal::Run(d)) = &s.ui.modal else {
        return;
    };
    let n = d.params.len();
    match s.ctx.keymap.lookup(&[Ctx::RunEdit], &key) {
        Some(Action::Cancel) => s.ui.modal = None,
        Some(Action::FocusNext) if n > 0 => {
            if let Some(d) = dialog(s) {
                d.focus = (d.focus + 1) % n;
            }
        }
        Some(Action::FocusPrev) if n > 0 => {
            if let Some(d) = dialog(s) {
                d.focus = (d.focus + n - 1) % n;
            }
        }
        Some(Action::Choose) if d.resolved.is_ok() && needs_two(s, d) => {
            match super::approval::gate(s, fx) {
                super::approval::Gate::Stay => {}
                super::approval::Gate::Run(id) => {
                    if let Some(d) = dialog(s) {
                        d.approval = Some(id);
                    }
                    let Some(Modal::Run(d)) = &s.ui.modal else {
                        return;
                    };
                    match guard(s, d) {
                        Some(Guard::Enter) => close_and_start(s, Guard::Enter, fx),
                        _ => to_confirm(s),
                    }
                }
            }
        }
        Some(Action::Choose) => match (&d.resolved, guard(s, d)) {
            (Err(e), _) => {
                let why = format!("Cannot run yet: {e}");
                flash(s, why);
            }
            (Ok(_), Some(Guard::Enter)) => close_and_start(s, Guard::Enter, fx),
            (Ok(_), _) => to_confirm(s),
        },
        Some(Action::DryRun) => match &d.resolved {
            Err(e) => {
                let why = format!("Cannot run yet: {e}");
                flash(s, why);
            }
            Ok(r) => {
                if let Some(argv) = server_dry_run(&r.program, r.risk) {
                    let mut dry = (**d).clone();
                    if let Ok(res) = &mut dry.resolved {
                        res.program = Program::Argv(argv);
                        res.risk = Risk::Read;
                    }
                    start(s, &dry, Guard::Enter, true, fx);
                    // Stay in the dialog to run it for real afterwards.
                } else if let Some(d) = dialog(s) {
                    d.stage = RunStage::Preview;
                }
            }
        },
        _ => edit_field(s, key),
    }
}

fn confirm_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Modal::Run(d)) = &s.ui.modal else {
        return;
    };
    let RunStage::Confirm { typed, .. } = &d.stage else {
        return;
    };
    let g = guard(s, d).unwrap_or(Guard::Refused);
    let typing = matches!(g, Guard::TypeBack(_));
    let action = match key.code {
        KeyCode::Enter => Some(Action::Choose),
        KeyCode::Esc => Some(Action::Cancel),
        _ if typing => None,
        _ => s.ctx.keymap.lookup(&[Ctx::RunConfirm], &key),
    };
    match action {
        Some(Action::Cancel) => {
            if let Some(st) = stage(s) {
                *st = RunStage::Edit;
            }
        }
        Some(Action::Confirm) if g == Guard::Yes => close_and_start(s, g, fx),
        Some(Action::Choose) if typing => {
            if g.passes(typed.as_str()) {
                return close_and_start(s, g, fx);
            }
            if let Some(RunStage::Confirm { error, .. }) = stage(s) {
                *error = Some("That does not match the target: nothing was run".into());
            }
        }
        _ if typing => {
            if let Some(RunStage::Confirm { typed, error }) = stage(s) {
                typed.input(&key);
                *error = None;
            }
        }
        _ => {
            // Anything but the confirmation refuses: nothing runs.
            if let Some(st) = stage(s) {
                *st = RunStage::Edit;
            }
            flash(s, "Not confirmed: nothing was run");
        }
    }
}

fn edit_field(s: &mut State, key: KeyEvent) {
    let Some(d) = dialog(s) else {
        return;
    };
    let Some(f) = d.params.get_mut(d.focus) else {
        return;
    };
    if !f.value.input(&key) {
        return;
    }
    f.source = None;
    refresh(s);
}

/// Pasted text goes into the focused parameter.
pub fn paste(s: &mut State, text: &str) {
    let Some(d) = dialog(s) else {
        return;
    };
    if let (RunStage::Edit, Some(f)) = (&d.stage, d.params.get_mut(d.focus)) {
        f.value.insert_str(text);
        f.source = None;
        refresh(s);
    }
}

/// Records the start; the process starts only once that is durable.
fn start(s: &mut State, d: &RunDialog, g: Guard, dry_run: bool, fx: &mut Vec<Effect>) {
    let Ok(res) = &d.resolved else {
        return;
    };
    // Two-person rule, checked again at the last moment: the approval
    // may have lapsed (or been used) while the confirmation was typed.
    if !dry_run && needs_two(s, d) {
        let ok = d.approval.as_ref().is_some_and(|id| {
            s.incident.proposal(id).is_some_and(|p| {
                crate::command::approval::may_run(p, &s.ctx.seat, &s.ctx.os_user, s.now)
            })
        });
        if !ok {
            flash(
                s,
                "Not run: it needs a second person's approval, and none stands now (propose it again)",
            );
            return;
        }
    }
    let Some(cmd) = s
        .ctx
        .procedure()
        .step(&d.step)
        .and_then(|st| st.command.clone())
    else {
        return;
    };
    s.runs.counter += 1;
    let id = format!("r{}-{}", s.now.format("%H%M%S"), s.runs.counter);
    let red = Arc::new(redactor(s, d));
    let display = red.line(&res.program.display());
    let argv: Vec<String> = res.program.argv().iter().map(|w| red.line(w)).collect();
    let w = &s.ctx.watch;
    let mut env = vec![
        ("INCIDENT_ID".to_string(), s.incident.id.clone()),
        ("INCIDENT_SEVERITY".to_string(), s.incident.severity.clone()),
    ];
    if let Some(ns) = &w.namespace {
        env.push(("INCIDENT_NAMESPACE".into(), ns.clone()));
    }
    if let Some(c) = &w.context {
        env.push(("INCIDENT_CONTEXT".into(), c.clone()));
    }
    let timeout = cmd
        .timeout
        .as_ref()
        .and_then(|t| crate::time::parse_duration(&t.value).ok())
        .unwrap_or(process::DEFAULT_TIMEOUT);
    let spec = (!s.ctx.drill).then(|| {
        Box::new(Spec {
            run: id.clone(),
            program: res.program.clone(),
            env,
            workdir: cmd.workdir.as_ref().map(Into::into),
            timeout,
            redactor: red.clone(),
        })
    });
    s.runs.list.push(Run {
        id: id.clone(),
        step: d.step.clone(),
        title: d.title.clone(),
        display: display.clone(),
        risk: res.risk,
        drill: s.ctx.drill,
        dry_run,
        status: RunStatus::Starting,
        started: s.now,
        duration: None,
        output: Default::default(),
        first_lines: Vec::new(),
        dropped: 0,
        spec,
    });
    // The output pane shows the new run; focus stays where the IC works.
    s.runs.selected = s.runs.list.len() - 1;
    s.runs.scroll = 0;
    append(
        s,
        Event::CommandStarted {
            run: id,
            step: d.step.clone(),
            command: display,
            argv,
            risk: res.risk.name().to_string(),
            confirmation: if dry_run {
                "dry-run".into()
            } else {
                g.describe()
            },
            shell: matches!(res.program, Program::Shell(_)),
            drill: s.ctx.drill,
            dry_run,
            approval: if dry_run { None } else { d.approval.clone() },
        },
        fx,
    );
}

/// The start is durable: run it (or, in a drill, show the canned output).
pub fn started(s: &mut State, run: &str, fx: &mut Vec<Effect>) {
    let drill = s.ctx.drill;
    // Canned output follows the drill clock (paused, sped up, jumped).
    let elapsed = s.incident.drill_time(s.now).to_std().unwrap_or_default();
    let canned = s.ctx.canned.clone();
    let Some(r) = s.runs.get_mut(run) else {
        return;
    };
    if r.status != RunStatus::Starting {
        return;
    }
    if drill {
        let (lines, exit) = match crate::drill::Scenario::canned_for(&canned, &r.display, elapsed) {
            Some(c) => (
                c.output
                    .lines()
                    .map(|l| Line {
                        stream: Stream::Out,
                        text: l.to_string(),
                    })
                    .collect(),
                c.exit,
            ),
            None => (
                vec![Line {
                    stream: Stream::Err,
                    text: "[drill] not executed: the scenario has no output for this command"
                        .into(),
                }],
                0,
            ),
        };
        r.push(lines, 0);
        finish(s, run, Outcome::Exited(exit), std::time::Duration::ZERO, fx);
        return;
    }
    if let Some(spec) = r.spec.take() {
        r.status = RunStatus::Running;
        fx.push(Effect::Spawn(spec));
    }
}

/// The start could not be recorded: the command never runs.
pub fn not_started(s: &mut State, run: &str) {
    if let Some(r) = s.runs.get_mut(run) {
        r.spec = None;
        r.status = RunStatus::Done(Outcome::FailedToStart(
            "its start could not be recorded".into(),
        ));
    }
}

pub fn output(s: &mut State, run: &str, lines: Vec<Line>, dropped: u64) {
    if let Some(r) = s.runs.get_mut(run) {
        r.push(lines, dropped);
    }
}

pub fn finish(
    s: &mut State,
    run: &str,
    outcome: Outcome,
    duration: std::time::Duration,
    fx: &mut Vec<Effect>,
) {
    let Some(r) = s.runs.get_mut(run) else {
        return;
    };
    r.status = RunStatus::Done(outcome.clone());
    r.duration = Some(duration);
    let (exit, signal) = match &outcome {
        Outcome::Exited(c) => (Some(*c), None),
        Outcome::Signalled(sig) => (None, Some(process::signal_name(*sig))),
        Outcome::Cancelled { exit, signal } | Outcome::TimedOut { exit, signal } => {
            (*exit, signal.map(process::signal_name))
        }
        _ => (None, None),
    };
    let ev = Event::CommandFinished {
        run: run.to_string(),
        outcome: outcome.describe(),
        exit,
        signal,
        duration_ms: duration.as_millis() as u64,
        first_lines: r.first_lines.clone(),
        last_lines: r.last_lines(),
        drill: r.drill,
    };
    append(s, ev, fx);
}

/// Cancels the selected run if it is running.
pub fn cancel_selected(s: &mut State, fx: &mut Vec<Effect>) {
    match s.runs.selected() {
        Some(r) if r.status == RunStatus::Running => fx.push(Effect::Cancel(r.id.clone())),
        Some(_) => flash(s, "That run is not running"),
        None => {}
    }
}
