//! `incident-cockpit playbook import RUNBOOK.md [-o FILE]`: turn a markdown
//! runbook into a playbook YAML, on stdout or into a new file.

use crate::playbook::import::{import_with_report, to_yaml};
use crate::playbook::load::parse_yaml;
use crate::playbook::model::Playbook;
use anyhow::{Context, Result};
use std::io::{ErrorKind, Write};
use std::path::Path;
use std::process::ExitCode;

/// Imports `input`; writes the YAML to `output` (never over an existing
/// file: that exits 2) or to stdout. A summary goes to stderr, with every
/// block or line left out (`file:line: skipped ...`) for review.
pub fn run(input: &Path, output: Option<&Path>) -> Result<ExitCode> {
    let markdown = std::fs::read_to_string(input)
        .with_context(|| format!("cannot read the runbook {}", input.display()))?;
    let source = input.display().to_string();
    let (pb, report) = import_with_report(&markdown, &source)?;
    let skipped = report.lines(&source);
    let file_name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(source.clone());
    let yaml = format!(
        "# Imported from {file_name} by `incident-cockpit playbook import`.\n\
         # Check the steps, their risks and parameters before using it.\n{}",
        to_yaml(&pb)
    );
    // What is written must load.
    parse_yaml::<Playbook>("(the imported playbook's YAML)", &yaml).map_err(|e| {
        anyhow::anyhow!(
            "{source}: the imported playbook does not load back (an importer bug; please report it with the runbook): {e}"
        )
    })?;
    let report_skipped = || {
        for l in &skipped {
            eprintln!("{l}");
        }
        let notes = report
            .skipped
            .iter()
            .filter(|(_, w)| w.starts_with("note: "))
            .count();
        let left_out = skipped.len() - notes;
        if left_out > 0 {
            eprintln!(
                "{left_out} parts of {} were left out (above); check that none of them is a command",
                crate::sanitize::clean(&source)
            );
        }
        if notes > 0 {
            eprintln!("{notes} imported commands need a look (above)");
        }
    };

    let Some(out) = output else {
        report_skipped();
        let mut stdout = std::io::stdout().lock();
        match stdout
            .write_all(yaml.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Err(e) if e.kind() != ErrorKind::BrokenPipe => {
                return Err(e).context("cannot write to stdout");
            }
            _ => return Ok(ExitCode::SUCCESS),
        }
    };
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
    {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            eprintln!(
                "incident-cockpit: {} already exists; not overwriting it (remove it or choose another -o)",
                out.display()
            );
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", out.display())),
    };
    file.write_all(yaml.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", out.display()))?;
    report_skipped();
    eprintln!("{}: {}", out.display(), summary(&pb));
    Ok(ExitCode::SUCCESS)
}

/// "5 procedures, 61 steps (40 commands), 6 templates, 4 severities".
fn summary(pb: &Playbook) -> String {
    let steps: Vec<_> = pb.procedures.iter().flat_map(|p| p.steps()).collect();
    let commands = steps.iter().filter(|s| s.command.is_some()).count();
    format!(
        "{} procedures, {} steps ({commands} commands), {} templates, {} severities",
        pb.procedures.len(),
        steps.len(),
        pb.templates.len(),
        pb.severities.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUNBOOK: &str = "# Disk full\n\n## Check\n\n```bash\ndf -h /var\n```\n";

    #[test]
    fn writes_the_playbook_to_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("disk-full.md");
        std::fs::write(&input, RUNBOOK).unwrap();
        let out = dir.path().join("disk-full.yaml");
        let code = run(&input, Some(&out)).unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
        let yaml = std::fs::read_to_string(&out).unwrap();
        assert!(yaml.starts_with("# Imported from disk-full.md"), "{yaml}");
        let pb: Playbook = parse_yaml("disk-full.yaml", &yaml).unwrap();
        assert_eq!(pb.name.value, "disk-full");
        let step = pb.procedures[0].steps().next().unwrap();
        assert_eq!(step.command.as_ref().unwrap().run.value, "df -h /var");
    }

    #[test]
    fn refuses_to_overwrite_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("disk-full.md");
        std::fs::write(&input, RUNBOOK).unwrap();
        let out = dir.path().join("existing.yaml");
        std::fs::write(&out, "precious: true\n").unwrap();
        let code = run(&input, Some(&out)).unwrap();
        assert_eq!(code, ExitCode::from(2));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious: true\n");
    }

    #[test]
    fn an_unreadable_runbook_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("missing.md");
        let out = dir.path().join("out.yaml");
        let err = run(&input, Some(&out)).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("cannot read the runbook"), "{msg}");
        assert!(msg.contains("missing.md"), "{msg}");
        assert!(!out.exists(), "nothing is written");
    }

    #[test]
    fn a_runbook_without_steps_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("prose.md");
        std::fs::write(&input, "# Prose\n\nJust words.\n").unwrap();
        let out = dir.path().join("out.yaml");
        let err = run(&input, Some(&out)).unwrap_err();
        assert!(format!("{err:#}").contains("nothing to import"), "{err:#}");
        assert!(!out.exists());
    }
}
