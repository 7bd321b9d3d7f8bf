use clap::Parser;
use incident_cockpit::cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match incident_cockpit::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            incident_cockpit::term::restore();
            // Errors quote files and servers: shown inert, line by line.
            // The terminal may be gone (a dropped link): then unsaid, not
            // a panic.
            incident_cockpit::commands::say_err(format_args!(
                "incident-cockpit: {}",
                incident_cockpit::sanitize::clean_text(&format!("{e:#}"))
            ));
            ExitCode::from(2)
        }
    }
}
