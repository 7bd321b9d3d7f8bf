//! `incident-cockpit drill [SCENARIO]`: run a tabletop drill, on a player's
//! seat or (`--facilitator`) the facilitator's.

use crate::drill::scenario::{BUNDLED, parse_scenario};
use crate::incidents;
use crate::session::{self, Seat};
use crate::sources;
use crate::timeline::FileStore;
use anyhow::{Context, Result};
use chrono::Utc;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// `drill --list`: each bundled scenario, its title, and what the
/// facilitator tells the players before starting.
pub fn list() -> Result<()> {
    let mut out = String::new();
    for (name, text) in BUNDLED {
        match parse_scenario(name, text) {
            Ok(s) => {
                out.push_str(&format!("{name:<28} {}\n", s.title));
                if let Some(d) = &s.description {
                    for line in wrap(d, 72) {
                        out.push_str(&format!("{:<28} {line}\n", ""));
                    }
                }
            }
            Err(e) => out.push_str(&format!("{name:<28} (invalid: {e})\n")),
        }
    }
    to_stdout(&out)
}

/// Writes to standard output; a reader that went away (`| head`) is fine.
fn to_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to stdout")
        }
        _ => Ok(()),
    }
}

/// Words into lines of at most `width` columns (a longer word alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for w in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Starts a new drill; `facilitator` for the facilitator's seat.
pub fn run(
    state_dir: &Path,
    scenario: Option<&str>,
    playbook: Option<&Path>,
    facilitator: bool,
    shared: Option<&crate::store::StoreConfig>,
    ui: Option<&super::UiSettings>,
) -> Result<ExitCode> {
    let (scenario, playbook, origin) = session::resolve_drill(scenario, playbook)?;
    super::need_terminal("drill")?;
    let seat = session::seat_identity();
    let now = Utc::now();
    let (local, id) =
        FileStore::create_drill_unique(state_dir, &session::drill_incident_id(now, &scenario))?;
    let path = local.path().to_path_buf();
    let (store, declared) = super::shared::declare(
        shared,
        local,
        &id,
        now,
        &seat,
        if facilitator {
            super::shared::SeatKind::Facilitator
        } else {
            super::shared::SeatKind::Seat
        },
        session::drill_declaration(&id, &scenario, &playbook, &origin, &seat),
    )
    .context("cannot record the drill's declaration")?;
    let mut state = session::drill_state(&scenario, Arc::new(playbook), &seat, &[declared], now);
    state.ctx.facilitator = facilitator;
    let script = sources::drill::Script::of(&state);
    let ended = super::run_cockpit(
        state,
        store,
        path.parent().map(Path::to_path_buf),
        seat,
        None,
        move |tx| script.map(|sc| sc.spawn(tx)),
        ui,
    );
    // Written also when the cockpit ended on an error (a terminal gone):
    // the drill is recorded either way.
    super::say(format_args!("Drill {id} recorded in {}", path.display()));
    report_after_action(&path);
    ended?;
    Ok(ExitCode::SUCCESS)
}

/// The after-action report of a drill's records, with the playbook given
/// (else the declared one) and the declared scenario when it still loads.
pub fn after_action(
    records: &[crate::timeline::Record],
    playbook: Option<&crate::playbook::Playbook>,
) -> Result<String> {
    let loaded;
    let playbook = match playbook {
        Some(pb) => Some(pb),
        None => {
            loaded = super::export::playbook_of(records).0;
            loaded.as_ref()
        }
    };
    let scenario = match records.first().map(|r| &r.event) {
        Some(crate::timeline::Event::Declared {
            scenario: Some(sc),
            source,
            ..
        }) => {
            let pb = source
                .as_deref()
                .filter(|s| !s.starts_with("bundled:"))
                .map(std::path::PathBuf::from);
            session::resolve_drill(Some(sc), pb.as_deref())
                .ok()
                .map(|x| x.0)
        }
        _ => None,
    };
    crate::export::after_action::render(
        records,
        playbook,
        scenario.as_ref(),
        crate::time::local_offset(),
    )
}

/// Writes `<drill dir>/after-action.md` from the drill's timeline (replacing
/// an older one whole: written aside, then renamed).
pub fn write_after_action(timeline: &Path) -> Result<std::path::PathBuf> {
    let read = crate::timeline::store::read_file(timeline)?;
    let doc = after_action(&read.records, None)?;
    let dir = timeline.parent().context("the timeline has no directory")?;
    let out = dir.join("after-action.md");
    let tmp = dir.join(format!(".after-action.md.{}", std::process::id()));
    std::fs::write(&tmp, doc)
        .and_then(|()| std::fs::rename(&tmp, &out))
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(out)
}

/// Writes the after-action report when a drill seat quits, and says where.
pub fn report_after_action(timeline: &Path) {
    match write_after_action(timeline) {
        Ok(p) => super::say(format_args!("After-action report: {}", p.display())),
        Err(e) => super::say_err(format_args!(
            "incident-cockpit: no after-action report: {}",
            crate::sanitize::clean_text(&format!("{e:#}"))
        )),
    }
}

/// `drill --facilitator [SCENARIO|ID]`: joins the drill named by its id, or
/// the only open drill; else starts one (the scenario named, or the
/// default) on the facilitator's seat.
pub fn facilitate(
    state_dir: &Path,
    arg: Option<&str>,
    playbook: Option<&Path>,
    shared: Option<&crate::store::StoreConfig>,
    ui: Option<&super::UiSettings>,
) -> Result<ExitCode> {
    // A drill another host started: fetched by its id.
    if let Some(a) = arg.filter(|a| a.starts_with("drill-")) {
        super::shared::fetch(shared, state_dir, Some(a))?;
    }
    let named = match arg {
        Some(a) => incidents::choose_drill(state_dir, Some(a))?,
        None if playbook.is_none() => incidents::choose_drill(state_dir, None)?,
        None => None,
    };
    match named {
        Some(d) => super::incidents::join(state_dir, Some(&d.id), Seat::Facilitator, shared, ui),
        None => run(state_dir, arg, playbook, true, shared, ui).map_err(|e| match arg {
            Some(a) if !Path::new(a).exists() && !BUNDLED.iter().any(|(n, _)| n == &a) => {
                anyhow::anyhow!(
                    "{a:?} is neither a drill in {} nor a scenario: {e:#}",
                    state_dir.join("drills").display()
                )
            }
            _ => e,
        }),
    }
}

/// `drill --from-incident ID [-o FILE]`: a finished real incident as a
/// scenario, on standard output or in a new file.
pub fn from_incident(state_dir: &Path, id: &str, output: Option<&Path>) -> Result<ExitCode> {
    let Some(found) = incidents::all(state_dir)?.into_iter().find(|s| s.id == id) else {
        let known: Vec<String> = incidents::all(state_dir)?
            .into_iter()
            .filter(|s| !s.is_open())
            .take(10)
            .map(|s| s.id)
            .collect();
        anyhow::bail!(
            "no incident {id:?} in {} (finished incidents: {})",
            state_dir.display(),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
    };
    let read = crate::timeline::store::read_file(&found.path)?;
    // What could not be read is left out of the scenario: never silently.
    for w in &read.warnings {
        eprintln!(
            "incident-cockpit: warning: {}",
            crate::sanitize::clean_text(w)
        );
    }
    let scenario = crate::export::scenario::scenario_from(&read.records)?;
    let yaml = crate::export::scenario::to_yaml(&scenario, id);
    match output {
        None => to_stdout(&yaml)?,
        Some(out) => {
            use std::io::Write;
            let mut f = match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(out)
            {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => anyhow::bail!(
                    "{} already exists; not overwriting it (choose another -o)",
                    out.display()
                ),
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot create {}", out.display()));
                }
            };
            f.write_all(yaml.as_bytes())
                .and_then(|()| f.sync_all())
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!(
                "{}: a scenario replaying {id} ({} injects); rehearse it with `incident-cockpit drill {}`",
                out.display(),
                scenario.injects.len(),
                out.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
