//! One file per subcommand; `run` dispatches.

pub mod drill;
pub mod export;
pub mod incidents;
pub mod open;
pub mod playbook;
pub mod playbook_import;
pub mod shared;
pub mod verify;

use crate::cli::{Cli, Command, ConfigCommand, PlaybookCommand, StoreCommand, UiFlags};
use std::process::ExitCode;

/// A line on standard output once the cockpit has ended (where the
/// incident is recorded). The terminal may be gone by then: a dropped SSH
/// link ends the cockpit with SIGHUP and its writes fail with EIO, where
/// `println!` would panic and skip what follows (the after-action
/// report). A line that cannot be written is dropped.
pub fn say(line: std::fmt::Arguments) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// The same on standard error.
pub fn say_err(line: std::fmt::Arguments) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let state_dir = cli.state_dir();
    let flags = cli.ui.clone();
    // The config and layout are checked before anything is declared.
    let settings = if matches!(
        cli.command,
        Command::Drill { list: false, .. }
            | Command::Open { .. }
            | Command::Join { .. }
            | Command::Resume { .. }
    ) {
        Some(ui_settings(&flags)?)
    } else {
        None
    };
    let ui = settings.as_ref();
    // The shared store, when one is configured; checked before anything
    // is declared. Commands that never touch a timeline do not read it.
    let shared = if matches!(
        cli.command,
        Command::Playbook(_) | Command::Config(_) | Command::Drill { list: true, .. }
    ) {
        None
    } else {
        shared::config(cli.store.as_deref(), flags.config.as_deref())?
    };
    let shared = shared.as_ref();
    match cli.command {
        Command::Drill {
            scenario,
            playbook,
            list,
            facilitator,
            from_incident,
            output,
            schema,
        } => {
            if schema {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&crate::drill::scenario::schema())?
                );
                return Ok(ExitCode::SUCCESS);
            }
            if list {
                drill::list()?;
                return Ok(ExitCode::SUCCESS);
            }
            if let Some(id) = from_incident {
                return drill::from_incident(&state_dir, &id, output.as_deref());
            }
            if facilitator {
                return drill::facilitate(
                    &state_dir,
                    scenario.as_deref(),
                    playbook.as_deref(),
                    shared,
                    ui,
                );
            }
            drill::run(
                &state_dir,
                scenario.as_deref(),
                playbook.as_deref(),
                false,
                shared,
                ui,
            )
        }
        Command::Open {
            playbook: pb,
            procedure,
            severity,
            title,
            ic,
            context,
            namespace,
            selector,
            alertmanager,
            prometheus,
            read_only,
        } => open::run(
            &state_dir,
            &pb,
            crate::session::LiveSpec {
                procedure,
                severity,
                title,
                ic,
                context,
                namespace,
                selector,
                alertmanager,
                prometheus,
                read_only,
            },
            shared,
            ui,
        ),
        Command::List { all, drills } => incidents::list(&state_dir, all, drills, shared),
        Command::Store(StoreCommand::Status { id }) => {
            shared::status(shared, &state_dir, id.as_deref())
        }
        Command::Join { id, viewer } => incidents::join(
            &state_dir,
            id.as_deref(),
            if viewer {
                crate::session::Seat::Viewer
            } else {
                crate::session::Seat::Join
            },
            shared,
            ui,
        ),
        Command::Resume { id } => incidents::join(
            &state_dir,
            id.as_deref(),
            crate::session::Seat::Resume,
            shared,
            ui,
        ),
        Command::Note { args } => incidents::note(&state_dir, &args, shared),
        Command::Export {
            id,
            format,
            output,
            force,
            sign,
            key,
        } => {
            let (code, written) = export::run(
                &state_dir,
                id.as_deref(),
                format,
                output.as_ref().map(|o| o.as_deref()),
                force,
                shared,
            )?;
            match written.filter(|_| sign) {
                Some(out) => verify::sign(&out, key.as_deref()),
                None => Ok(code),
            }
        }
        Command::Verify {
            signature: Some(sig),
            allowed_signers: Some(allowed),
            file,
            ..
        } => verify::signature(&sig, &allowed, file.as_deref()),
        Command::Verify { id, .. } => verify::chain(&state_dir, id.as_deref()),
        Command::Config(ConfigCommand::Defaults) => {
            print!("{}", crate::config::defaults_text());
            Ok(ExitCode::SUCCESS)
        }
        Command::Config(ConfigCommand::Check) => {
            let path = flags.config.clone().or_else(crate::config::default_path);
            match crate::config::load(path.as_deref()) {
                Ok(_) => {
                    match &path {
                        Some(p) if p.exists() => println!("{}: ok", p.display()),
                        Some(p) => println!("{}: no such file (the defaults apply)", p.display()),
                        None => println!(
                            "no config file location (HOME is not set): the defaults apply"
                        ),
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("{}", crate::sanitize::clean_text(&e.to_string()));
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Playbook(PlaybookCommand::Lint { files }) => Ok(playbook::lint(&files)),
        Command::Playbook(PlaybookCommand::Schema { policy }) => playbook::schema(policy),
        Command::Playbook(PlaybookCommand::Show { file }) => playbook::show(&file),
        Command::Playbook(PlaybookCommand::Import { runbook, output }) => {
            playbook_import::run(&runbook, output.as_deref())
        }
    }
}

/// Refuses to declare an incident or a drill when the cockpit could not
/// start afterwards (no terminal): nothing is written.
pub fn need_terminal(what: &str) -> anyhow::Result<()> {
    crate::term::check().map_err(|why| {
        anyhow::anyhow!(
            "the cockpit needs a terminal and {why}: no {what} was declared. Run it in a \
             terminal (tmux, or `ssh -t` from another host); from a script, use `note`, `list` \
             and `export`"
        )
    })
}

/// Runs the cockpit on a state whose declaration is already durable: the
/// terminal, the recorder, input and host sources, plus `extra` sources
/// (which may return a drill script's control channel).
pub fn run_cockpit(
    state: crate::state::State,
    store: Box<dyn crate::timeline::Store>,
    incident_dir: Option<std::path::PathBuf>,
    seat: String,
    alertmanager: Option<crate::sources::alertmanager::Config>,
    extra: impl FnOnce(
        tokio::sync::mpsc::UnboundedSender<crate::msg::Msg>,
    ) -> Option<tokio::sync::mpsc::UnboundedSender<crate::drill::clock::Clock>>
    + Send
    + 'static,
    ui: Option<&UiSettings>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    let mut state = state;
    let settings = match ui {
        Some(s) => s.clone(),
        None => ui_settings(&UiFlags::default())?,
    };
    let mouse = settings.apply(&mut state);
    // Two runtimes: the sources, commands and requests on two workers;
    // the loop alone on this thread, on a runtime of its own whose poller
    // waits on the tick's timer, so an idle tick wakes this thread and no
    // other (a worker woken by the timer would wake this thread in turn).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let local = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let (paced_tx, paced_rx) = std::sync::mpsc::channel();
    let started = {
        // What starts here is spawned on the sources' runtime.
        let _sources = rt.enter();
        (|| -> anyhow::Result<_> {
            let recorder = crate::recorder::Recorder::spawn(store, seat, tx.clone())?;
            let (term, guard) = crate::term::setup(mouse).context("cannot set up the terminal")?;
            let term = crate::app::Painted::new(term);
            crate::sources::signals::spawn(tx.clone())
                .context("cannot listen for SIGTERM, SIGHUP and SIGINT")?;
            crate::sources::input::spawn(tx.clone());
            // Every few seconds, and shown at the next tick anyway: sent
            // without waking the loop.
            crate::sources::host::spawn(paced_tx);
            let alertmanager = match alertmanager {
                Some(cfg) => Some(
                    crate::sources::alertmanager::spawn(cfg, tx.clone())
                        .map_err(|e| anyhow::anyhow!(e))?,
                ),
                None => None,
            };
            let drill = extra(tx.clone());
            let fx = crate::app::effects::Live::new(
                recorder,
                tx,
                incident_dir.map(|d| d.join("comms")),
                alertmanager,
                drill,
                rt.handle().clone(),
            );
            Ok((term, guard, fx))
        })()
    };
    let result = started.and_then(|(mut term, guard, fx)| {
        let main = crate::app::Loop::new(state, fx, rx).with_paced(paced_rx);
        let res = local.block_on(main.run(&mut term));
        drop(guard);
        res
    });
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    result
}

/// The look of the cockpit, from the config file and the flags (flags win).
#[derive(Clone)]
pub struct UiSettings {
    theme: crate::config::Theme,
    low_bandwidth: bool,
    mouse: bool,
    layout: Option<crate::layout::Spec>,
    keymap: std::sync::Arc<crate::keys::Keymap>,
    /// Risks this seat's config adds to the two-person rule.
    approval: Vec<crate::playbook::model::Risk>,
}

/// Reads the config file and the chosen layout, and installs the keymap;
/// any problem stops here, before an incident is declared.
pub fn ui_settings(flags: &UiFlags) -> anyhow::Result<UiSettings> {
    let (cfg, keymap) = crate::config::load(flags.config.as_deref()).map_err(|e| {
        crate::session::refused(
            e,
            "The config file",
            "`incident-cockpit config check` checks it; --config FILE uses another",
        )
    })?;
    let no_color = flags.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = if no_color {
        crate::config::Theme::Mono
    } else {
        flags.theme.or(cfg.theme).unwrap_or_default()
    };
    let layout = match flags.layout.clone().or(cfg.layout).filter(|l| l != "auto") {
        Some(which) => Some(crate::layout::load(&which).map_err(|e| {
            crate::session::refused(
                e,
                "The layout",
                &format!(
                    "or use a bundled one: --layout {}",
                    crate::layout::BUNDLED
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join("|")
                ),
            )
        })?),
        None => None,
    };
    Ok(UiSettings {
        theme,
        low_bandwidth: flags.low_bandwidth || cfg.low_bandwidth.unwrap_or(false),
        mouse: flags.mouse || cfg.mouse.unwrap_or(false),
        layout,
        keymap: std::sync::Arc::new(keymap),
        approval: cfg.approval.map(|a| a.two_person).unwrap_or_default(),
    })
}

impl UiSettings {
    /// Applies to a session about to start; returns whether the mouse is wanted.
    fn apply(&self, state: &mut crate::state::State) -> bool {
        state.ctx.theme = self.theme;
        state.ctx.keymap = self.keymap.clone();
        state.ctx.low_bandwidth = self.low_bandwidth;
        state.ctx.approval = state.ctx.approval.clone().tightened(&self.approval);
        if let Some(spec) = &self.layout {
            let mut specs = (*state.ctx.layouts).clone();
            let i = match specs.iter().position(|s| s.name == spec.name) {
                Some(i) => {
                    specs[i] = spec.clone();
                    i
                }
                None => {
                    specs.push(spec.clone());
                    specs.len() - 1
                }
            };
            state.ctx.layouts = std::sync::Arc::new(specs);
            state.ui.layout = Some(i);
        }
        self.mouse
    }
}
