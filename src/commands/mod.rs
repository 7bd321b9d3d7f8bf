//! One file per subcommand; `run` dispatches.

pub mod drill;
pub mod playbook_import;

use crate::cli::{Cli, Command};
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
    }
}
