//! `list`, `join`, `resume` and `note`: working with incidents that exist.

use crate::incidents;
use crate::session::{self, Seat};
use crate::sources;
use crate::timeline::{Event, FileStore, Store};
use anyhow::{Context, Result, anyhow};
use chrono::Utc;
use std::path::Path;
use std::process::ExitCode;

/// `list [--all] [--drills]`: open incidents; with `--all` closed ones
/// too; with `--drills` drills too (never otherwise).
pub fn list(state_dir: &Path, all: bool, drills: bool) -> Result<ExitCode> {
    let mut list: Vec<_> = incidents::all(state_dir)?;
    if drills {
        list.extend(incidents::drills(state_dir)?);
        list.sort_by_key(|s| std::cmp::Reverse(s.incident.declared_at));
    }
    list.retain(|s| all || s.is_open());
    // Never silently: what cannot be listed is said on stderr.
    for why in incidents::unlisted(state_dir) {
        eprintln!(
            "incident-cockpit: not listed: {}",
            crate::sanitize::clean_text(&why)
        );
    }
    if list.is_empty() {
        println!(
            "No {}incidents{} in {}.",
            if all { "" } else { "open " },
            if drills { " or drills" } else { "" },
            state_dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", incidents::table(&list, Utc::now()));
    Ok(ExitCode::SUCCESS)
}

/// Opens the cockpit on an existing incident.
pub fn join(
    state_dir: &Path,
    id: Option<&str>,
    seat: Seat,
    ui: Option<&super::UiSettings>,
) -> Result<ExitCode> {
    let chosen = incidents::choose(state_dir, id)?;
    let (store, read) = FileStore::open(&chosen.path)?;
    if seat != Seat::Viewer {
        refuse_damage(&chosen, &read.damaged)?;
    }
    let seat_id = session::seat_identity();
    let now = Utc::now();
    let mut state = session::existing_state(read.records, &seat_id, seat, now)
        .with_context(|| format!("cannot rebuild incident {}", chosen.id))?;
    if !read.warnings.is_empty() {
        state.ui.flash = Some(crate::state::ui::Flash {
            text: read.warnings.join("; "),
            error: true,
            at: now,
        });
    }
    if seat == Seat::Viewer {
        state.ctx.read_only = true;
    }
    let path = store.path().to_path_buf();
    // A live incident's pods are watched from every seat.
    let kube = state
        .ctx
        .watch
        .namespace
        .clone()
        .filter(|_| !state.ctx.drill)
        .map(|namespace| sources::kube::Target {
            context: state.ctx.watch.context.clone(),
            namespace,
            selector: state.ctx.watch.selector.clone(),
        });
    let alertmanager = session::alertmanager_config(
        &state.ctx.playbook,
        &session::LiveSpec {
            procedure: None,
            severity: None,
            title: None,
            ic: None,
            context: None,
            namespace: None,
            selector: None,
            alertmanager: state.ctx.alertmanager.clone(),
            read_only: false,
        },
    )?;
    let script = sources::drill::Script::of(&state);
    crate::commands::run_cockpit(
        state,
        Box::new(store),
        path.parent().map(Path::to_path_buf),
        seat_id,
        alertmanager,
        move |tx| {
            if let Some(target) = kube {
                sources::kube::spawn(target, tx.clone());
            }
            script.map(|sc| sc.spawn(tx))
        },
        ui,
    )?;
    if chosen.is_drill() {
        println!("Drill {} is recorded in {}", chosen.id, path.display());
        if seat != Seat::Viewer {
            super::drill::report_after_action(&path);
        }
    } else {
        println!("Incident {} is recorded in {}", chosen.id, path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `note [ID] TEXT...`: a note from a script, with the same lock and fsync.
pub fn note(state_dir: &Path, args: &[String]) -> Result<ExitCode> {
    let (id, words) = match args.split_first() {
        Some((first, rest))
            if !rest.is_empty()
                && (incidents::find(state_dir, first)?.is_some()
                    || incidents::unreadable(state_dir, first).is_some()) =>
        {
            (Some(first.as_str()), rest)
        }
        _ => (None, args),
    };
    let text = words.join(" ");
    if text.trim().is_empty() {
        return Err(anyhow!(
            "the note is empty (usage: incident-cockpit note [ID] TEXT)"
        ));
    }
    let chosen = incidents::choose(state_dir, id)?;
    let (mut store, read) = FileStore::open(&chosen.path)?;
    refuse_damage(&chosen, &read.damaged)?;
    let a = store.append(Utc::now(), &session::seat_identity(), Event::Note { text })?;
    let rec = a
        .record
        .ok_or_else(|| anyhow!("the note was not written"))?;
    println!("noted as record {} of incident {}", rec.seq, chosen.id);
    Ok(ExitCode::SUCCESS)
}

/// A seat that writes never builds on a damaged timeline (see
/// `timeline::store::parse`): it says which lines, and what to do. Nothing
/// is changed: the file is never truncated or rewritten.
fn refuse_damage(chosen: &incidents::Summary, damaged: &[String]) -> Result<()> {
    let Some(first) = damaged.first() else {
        return Ok(());
    };
    let line = first
        .strip_prefix(&format!("{}:", chosen.path.display()))
        .and_then(|rest| rest.split(':').next())
        .unwrap_or("N");
    Err(anyhow!(
        "the timeline of {id} has {n} line(s) that cannot be read as the records they were:\n{lines}\n\
         Nothing was changed: the file is kept exactly as it is. A seat that skipped them would show, \
         and record on top of, a state that never was, so this one does not start.\n\
         To go on: look at the line (sed -n '{line}p' {path}); keep a copy of the file, then repair the line \
         into the record it was, or move it out into a note of its own; then run this again. \
         Meanwhile `incident-cockpit join --viewer {id}` shows the rest, and `incident-cockpit export {id}` exports it.",
        id = chosen.id,
        n = damaged.len(),
        lines = damaged
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n"),
        path = chosen.path.display(),
    ))
}
