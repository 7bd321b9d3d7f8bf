//! One file per subcommand; `run` dispatches.

pub mod drill;
pub mod export;
pub mod incidents;
pub mod open;
pub mod playbook;
pub mod playbook_import;

use crate::cli::{Cli, Command, PlaybookCommand};
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let state_dir = cli.state_dir();
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
                return drill::facilitate(&state_dir, scenario.as_deref(), playbook.as_deref());
            }
            drill::run(&state_dir, scenario.as_deref(), playbook.as_deref(), false)
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
                read_only,
            },
        ),
        Command::List { all, drills } => incidents::list(&state_dir, all, drills),
        Command::Join { id, viewer } => incidents::join(
            &state_dir,
            id.as_deref(),
            if viewer {
                crate::session::Seat::Viewer
            } else {
                crate::session::Seat::Join
            },
        ),
        Command::Resume { id } => {
            incidents::join(&state_dir, id.as_deref(), crate::session::Seat::Resume)
        }
        Command::Note { args } => incidents::note(&state_dir, &args),
        Command::Export {
            id,
            format,
            output,
            force,
        } => export::run(&state_dir, id.as_deref(), format, output.as_deref(), force),
        Command::Playbook(PlaybookCommand::Lint { files }) => Ok(playbook::lint(&files)),
        Command::Playbook(PlaybookCommand::Schema { policy }) => playbook::schema(policy),
        Command::Playbook(PlaybookCommand::Show { file }) => playbook::show(&file),
        Command::Playbook(PlaybookCommand::Import { runbook, output }) => {
            playbook_import::run(&runbook, output.as_deref())
        }
    }
}

/// Runs the cockpit on a state whose declaration is already durable: the
/// terminal, the recorder, input and host sources, plus `extra` sources
/// (which may return a drill script's control channel).
pub fn run_cockpit(
    state: crate::state::State,
    store: Box<dyn crate::timeline::Store>,
    incident_dir: Option<std::path::PathBuf>,
    seat: String,
    extra: impl FnOnce(
        tokio::sync::mpsc::UnboundedSender<crate::msg::Msg>,
    ) -> Option<tokio::sync::mpsc::UnboundedSender<crate::drill::clock::Clock>>
    + Send
    + 'static,
) -> anyhow::Result<()> {
    use anyhow::Context;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = rt.block_on(async move {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let recorder = crate::sources::recorder::Recorder::spawn(store, seat, tx.clone())?;
        let (mut term, guard) = crate::term::setup().context("cannot set up the terminal")?;
        crate::sources::input::spawn(tx.clone());
        crate::sources::host::spawn(tx.clone());
        let drill = extra(tx.clone());
        let res = crate::app::Loop {
            state,
            recorder,
            rx,
            tx,
            comms_dir: incident_dir.map(|d| d.join("comms")),
            drill,
        }
        .run(&mut term)
        .await;
        drop(guard);
        res
    });
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    result
}
