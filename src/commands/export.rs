//! `incident-cockpit export [ID] [--format markdown|json] [-o FILE [--force]]`:
//! the post-mortem of an incident under the state directory (the most
//! recently declared one by default, never a drill), from its timeline and
//! the playbook its declaration names. A drill is exported by its id.

use crate::export::{Format, facts, render};
use crate::playbook::Playbook;
use crate::timeline::store::{DRILLS, INCIDENTS, validate_id};
use crate::timeline::{Event, FileStore, Record};
use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use std::io::{BufRead, ErrorKind, Write};
use std::path::Path;
use std::process::ExitCode;

/// How many known incidents an error lists.
const LISTED: usize = 10;

/// An incident found under the state directory.
#[derive(Clone, Debug, PartialEq)]
pub struct Known {
    pub id: String,
    /// When its first record (the declaration) was written, if readable.
    pub declared: Option<DateTime<Utc>>,
}

/// The incidents under `state_dir`, most recently declared first (those
/// whose declaration cannot be read last). Drills are not incidents.
pub fn known_incidents(state_dir: &Path) -> Result<Vec<Known>> {
    known_in(state_dir, INCIDENTS)
}

/// The drills under `state_dir`, most recently declared first.
pub fn known_drills(state_dir: &Path) -> Result<Vec<Known>> {
    known_in(state_dir, DRILLS)
}

fn known_in(state_dir: &Path, folder: &str) -> Result<Vec<Known>> {
    let dir = state_dir.join(folder);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot list {}", dir.display())),
    };
    let mut known = Vec::new();
    for entry in entries.flatten() {
        let id = entry.file_name().to_string_lossy().into_owned();
        if validate_id(&id).is_err() {
            continue;
        }
        let path = FileStore::path_in(state_dir, folder, &id);
        if !path.is_file() {
            continue;
        }
        let first = first_record(&path);
        let is_drill = matches!(
            first.as_ref().map(|r| &r.event),
            Some(Event::Declared { drill: true, .. })
        );
        // A drill an older version recorded among incidents is a drill.
        if is_drill != (folder == DRILLS) {
            continue;
        }
        known.push(Known {
            declared: first.and_then(|r| match r.event {
                Event::Declared { .. } => Some(r.at),
                _ => None,
            }),
            id,
        });
    }
    known.sort_by(|a, b| {
        b.declared
            .is_some()
            .cmp(&a.declared.is_some())
            .then(b.declared.cmp(&a.declared))
            .then(b.id.cmp(&a.id))
    });
    Ok(known)
}

/// The first line of a timeline, if it reads as a record.
fn first_record(path: &Path) -> Option<Record> {
    let file = std::fs::File::open(path).ok()?;
    let mut line = String::new();
    std::io::BufReader::new(file).read_line(&mut line).ok()?;
    serde_json::from_str(&line).ok()
}

/// What to export: its id and timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Chosen {
    pub id: String,
    pub path: std::path::PathBuf,
}

/// Which incident to export: the incident or drill named (it must exist),
/// else the most recently declared incident (never a drill).
pub fn choose(state_dir: &Path, id: Option<&str>) -> Result<Chosen> {
    let known = known_incidents(state_dir)?;
    if let Some(id) = id
        && validate_id(id).is_ok()
    {
        if known.iter().any(|k| k.id == id) {
            return Ok(Chosen {
                id: id.to_string(),
                path: FileStore::path_for(state_dir, id),
            });
        }
        if known_drills(state_dir)?.iter().any(|k| k.id == id) {
            return Ok(Chosen {
                id: id.to_string(),
                path: FileStore::drill_path_for(state_dir, id),
            });
        }
        // A drill an older version recorded among incidents.
        let legacy = FileStore::path_for(state_dir, id);
        if matches!(
            first_record(&legacy).map(|r| r.event),
            Some(Event::Declared { drill: true, .. })
        ) {
            return Ok(Chosen {
                id: id.to_string(),
                path: legacy,
            });
        }
    }
    let listing = || {
        let mut ids: Vec<&str> = known.iter().take(LISTED).map(|k| k.id.as_str()).collect();
        if known.len() > LISTED {
            ids.push("…");
        }
        ids.join(", ")
    };
    match id {
        Some(id) if known.is_empty() => bail!(
            "no incident {id:?} under {}: there are no incidents there (pass --state-dir to look elsewhere)",
            state_dir.display()
        ),
        Some(id) => bail!(
            "no incident {id:?} under {}; known incidents, most recent first: {}",
            state_dir.display(),
            listing()
        ),
        None => known
            .first()
            .map(|k| Chosen {
                id: k.id.clone(),
                path: FileStore::path_for(state_dir, &k.id),
            })
            .ok_or_else(|| {
                anyhow!(
                    "no incident has been declared under {} (declare one with `incident-cockpit open`, \
                     or pass --state-dir; a drill is exported by its id)",
                    state_dir.display()
                )
            }),
    }
}

/// The playbook a declaration names, or why it could not be loaded.
pub fn playbook_of(records: &[Record]) -> (Option<Playbook>, Option<String>) {
    let Some(Event::Declared {
        playbook, source, ..
    }) = records.first().map(|r| &r.event)
    else {
        return (None, None);
    };
    let source = source
        .clone()
        .unwrap_or_else(|| format!("bundled:{playbook}.yaml"));
    match crate::session::load_source(&source) {
        Ok(pb) if pb.name.value != *playbook => {
            let warning = format!(
                "the playbook loaded from {source} is now named {:?}, not {playbook:?} as declared; \
                 its procedure and follow-ups may have changed since",
                pb.name.value
            );
            (Some(pb), Some(warning))
        }
        Ok(pb) => (Some(pb), None),
        Err(e) => {
            let why = e.to_string().replace('\n', "; ");
            (
                None,
                Some(format!(
                    "the playbook {source} could not be loaded ({why}): the post-incident \
                     follow-ups are not listed and the steps have no total"
                )),
            )
        }
    }
}

pub fn run(
    state_dir: &Path,
    id: Option<&str>,
    format: Format,
    output: Option<Option<&Path>>,
    force: bool,
    shared: Option<&crate::store::StoreConfig>,
) -> Result<(ExitCode, Option<std::path::PathBuf>)> {
    super::shared::fetch(shared, state_dir, id)?;
    let Chosen { id, path } = choose(state_dir, id)?;
    // A shared incident is exported as the store has it now (this host's
    // copy brought up to date; what it has not shared yet is said).
    if let Some(cfg) = super::shared::for_incident(shared, &path) {
        let (mut r, _) = crate::store::replica::Replica::open(cfg, &id, &path)?;
        let pending = r.flush(cfg.timeout);
        if pending > 0 {
            eprintln!(
                "incident-cockpit: warning: {pending} record(s) written on this host are not on \
                 the store yet and not in this export (`incident-cockpit store status {id}`)"
            );
        }
    }
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let read = crate::timeline::store::parse(&path, &bytes);
    let chain = crate::timeline::chain::verify(&crate::timeline::chain::incident_of(&path), &bytes);
    let (playbook, warning) = playbook_of(&read.records);
    let mut f = facts(
        &read.records,
        playbook.as_ref(),
        crate::time::local_offset(),
    )
    .with_context(|| format!("cannot export {}", path.display()))?;
    f.warnings.extend(warning);
    f.warnings.extend(read.warnings);
    f.record = Some(chain.facts());
    for w in &f.warnings {
        eprintln!("incident-cockpit: warning: {}", crate::sanitize::clean(w));
    }
    // A drill's markdown is its after-action report.
    let doc = if f.incident.drill && format == Format::Markdown {
        let mut doc = super::drill::after_action(&read.records, playbook.as_ref())?;
        for w in &f.warnings {
            doc.push_str(&format!(
                "> Warning: {}\n\n",
                crate::export::markdown::text(w)
            ));
        }
        doc
    } else {
        render(&f, format)
    };
    let doc = match format {
        Format::Markdown => doc + &record_section(&id, &chain),
        Format::Json => doc,
    };

    // `-o` alone: the incident report file (seed 002's
    // `incidents/YYYY-MM-DD-….md`), its folder made if need be.
    let report;
    let output = match output {
        Some(None) => {
            report = report_path(&f, playbook.as_ref(), format)?;
            if let Some(dir) = report.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create the folder {}", dir.display()))?;
            }
            Some(report.as_path())
        }
        Some(Some(p)) => Some(p),
        None => None,
    };
    let Some(out) = output else {
        let mut stdout = std::io::stdout().lock();
        return match stdout
            .write_all(doc.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e).context("cannot write to stdout"),
            _ => Ok((ExitCode::SUCCESS, None)),
        };
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if force {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    let mut file = match opts.open(out) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => bail!(
            "{} already exists; not overwriting it (pass --force to replace it, or choose another -o)",
            out.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", out.display())),
    };
    file.write_all(doc.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!(
        "{}: the {} of {id} ({} records)",
        out.display(),
        if f.incident.drill && format == Format::Markdown {
            "after-action report"
        } else {
            "post-mortem"
        },
        f.records.len()
    );
    Ok((ExitCode::SUCCESS, Some(out.to_path_buf())))
}

/// The report file of `-o` alone: the playbook's `postmortem.file`
/// template (default `incidents/{date}-{slug}.md`) filled from the
/// declaration; `.json` instead of `.md` for the JSON document.
fn report_path(
    f: &crate::export::Facts,
    playbook: Option<&Playbook>,
    format: Format,
) -> Result<std::path::PathBuf> {
    let template = playbook
        .and_then(|pb| pb.postmortem.as_ref())
        .and_then(|pm| pm.file.as_deref());
    let path = crate::playbook::report::file_name(
        template,
        f.incident.declared_at.0,
        &f.incident.title,
        &f.incident.id,
    )
    .map_err(|e| {
        anyhow!(
            "the playbook's postmortem.file {:?} {e} (fix it in the playbook, or name the file: -o FILE)",
            template.unwrap_or(crate::playbook::report::DEFAULT_FILE)
        )
    })?;
    Ok(match format {
        Format::Json if path.extension().is_some_and(|e| e == "md") => path.with_extension("json"),
        _ => path,
    })
}

/// The export's last section: how the timeline stands against its hash
/// chain, with the head a later check holds it to.
fn record_section(id: &str, chain: &crate::timeline::chain::Report) -> String {
    use crate::timeline::chain::Verdict;
    let how = crate::export::markdown::text(&chain.describe());
    let mut o = String::from("## The record\n\n");
    match &chain.verdict {
        Verdict::Intact { head, .. } => o.push_str(&format!(
            "The timeline is a hash chain: {how}\n\nHead: `{head}`. Check it with \
             `incident-cockpit verify {id}`.\n"
        )),
        Verdict::Broken { .. } => o.push_str(&format!(
            "> **The timeline is not as it was written:** {how} Check it with \
             `incident-cockpit verify {id}`.\n"
        )),
        Verdict::Predates { .. } => o.push_str(&format!("The timeline: {how}\n")),
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Store;

    fn declare(dir: &Path, id: &str, at: &str) {
        let mut s = FileStore::create(dir, id).unwrap();
        let at = DateTime::parse_from_rfc3339(at)
            .unwrap()
            .with_timezone(&Utc);
        s.append(at, "ana@h", crate::testkit::declared(id, false))
            .unwrap();
    }

    #[test]
    fn the_most_recent_declaration_is_chosen_and_unknown_ids_list_the_known() {
        let dir = tempfile::tempdir().unwrap();
        let err = choose(dir.path(), None).unwrap_err().to_string();
        assert!(err.contains("no incident has been declared under"), "{err}");
        assert!(err.contains(&dir.path().display().to_string()));

        // Names do not sort like declarations: "zz" is the oldest.
        declare(dir.path(), "zz", "2026-01-01T00:00:00Z");
        declare(dir.path(), "aa", "2026-03-01T00:00:00Z");
        declare(dir.path(), "mm", "2026-02-01T00:00:00Z");
        // A directory whose timeline cannot be read comes last.
        let broken = FileStore::path_for(dir.path(), "broken");
        std::fs::create_dir_all(broken.parent().unwrap()).unwrap();
        std::fs::write(&broken, "not json\n").unwrap();
        assert_eq!(choose(dir.path(), None).unwrap().id, "aa");
        assert_eq!(choose(dir.path(), Some("mm")).unwrap().id, "mm");
        let err = choose(dir.path(), Some("nope")).unwrap_err().to_string();
        assert!(
            err.ends_with("known incidents, most recent first: aa, mm, zz, broken"),
            "{err}"
        );
        let err = choose(dir.path(), Some("../aa")).unwrap_err().to_string();
        assert!(err.contains("no incident \"../aa\""), "{err}");

        for i in 0..12 {
            declare(dir.path(), &format!("n{i:02}"), "2025-01-01T00:00:00Z");
        }
        let err = choose(dir.path(), Some("nope")).unwrap_err().to_string();
        let listed = err.rsplit(": ").next().unwrap();
        assert_eq!(listed.split(", ").count(), LISTED + 1, "{err}");
        assert!(listed.starts_with("aa, mm, zz, n11") && listed.ends_with(", …"));
    }

    #[test]
    fn a_drill_is_exported_by_its_id_and_never_by_default() {
        let dir = tempfile::tempdir().unwrap();
        declare(dir.path(), "real", "2026-01-01T00:00:00Z");
        let mut d = FileStore::create_drill(dir.path(), "drill-x").unwrap();
        d.append(
            DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            "ana@h",
            crate::testkit::declared("drill-x", true),
        )
        .unwrap();
        assert_eq!(
            choose(dir.path(), None).unwrap().id,
            "real",
            "the newer drill is not the default"
        );
        let c = choose(dir.path(), Some("drill-x")).unwrap();
        assert_eq!(c.path, FileStore::drill_path_for(dir.path(), "drill-x"));
        // A drill an older version recorded among incidents.
        let mut legacy = FileStore::create(dir.path(), "drill-legacy").unwrap();
        legacy
            .append(
                DateTime::parse_from_rfc3339("2026-07-01T00:00:00Z")
                    .unwrap()
                    .with_timezone(&Utc),
                "ana@h",
                crate::testkit::declared("drill-legacy", true),
            )
            .unwrap();
        assert_eq!(choose(dir.path(), None).unwrap().id, "real");
        assert_eq!(
            choose(dir.path(), Some("drill-legacy")).unwrap().path,
            FileStore::path_for(dir.path(), "drill-legacy")
        );
        let empty = tempfile::tempdir().unwrap();
        FileStore::create_drill(empty.path(), "drill-y").unwrap();
        assert!(
            choose(empty.path(), None).is_err(),
            "only a drill: nothing to export by default"
        );
    }
}
