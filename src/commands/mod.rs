//! One file per subcommand; `run` dispatches.

pub mod drill;
pub mod playbook;

use crate::cli::{Cli, Command, PlaybookCommand};
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let state_dir = cli.state_dir();
    match cli.command {
        Command::Drill {
            scenario,
            playbook,
            list,
        } => {
            if list {
                drill::list();
                return Ok(ExitCode::SUCCESS);
            }
            drill::run(&state_dir, scenario.as_deref(), playbook.as_deref())
        }
        Command::Playbook(PlaybookCommand::Lint { files }) => Ok(playbook::lint(&files)),
        Command::Playbook(PlaybookCommand::Schema { policy }) => playbook::schema(policy),
        Command::Playbook(PlaybookCommand::Show { file }) => playbook::show(&file),
    }
}
