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
pub fn list(
    state_dir: &Path,
    all: bool,
    drills: bool,
    shared: Option<&crate::store::StoreConfig>,
) -> Result<ExitCode> {
    // What the store has that this host has not seen: said, with how to
    // join it (never silently left out; a store that does not answer is
    // said too).
    if let Some(cfg) = shared {
        match super::shared::remote_only(cfg, state_dir) {
            Ok(ids) => {
                let ids: Vec<String> = ids
                    .into_iter()
                    .filter(|id| drills || !id.starts_with("drill-"))
                    .collect();
                if !ids.is_empty() {
                    println!(
                        "On the store, not yet on this host (incident-cockpit join ID):\n  {}",
                        ids.iter()
                            .map(|i| crate::sanitize::clean_text(i))
                            .collect::<Vec<_>>()
                            .join("\n  ")
                    );
                }
            }
            Err(e) => eprintln!(
                "incident-cockpit: the store's incidents are not listed: {}",
                crate::sanitize::clean_text(&format!("{e:#}"))
            ),
        }
    }
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
    shared: Option<&crate::store::StoreConfig>,
    ui: Option<&super::UiSettings>,
) -> Result<ExitCode> {
    super::shared::fetch(shared, state_dir, id)?;
    let chosen = incidents::choose(state_dir, id)?;
    let seat_id = session::seat_identity();
    let kind = match seat {
        Seat::Viewer => super::shared::SeatKind::Viewer,
        Seat::Facilitator => super::shared::SeatKind::Facilitator,
        _ if chosen.incident.ic == seat_id => super::shared::SeatKind::Ic,
        _ => super::shared::SeatKind::Seat,
    };
    let (store, read) =
        super::shared::open(shared, &chosen.id, &chosen.path, Some((&seat_id, kind)))?;
    if seat != Seat::Viewer {
        refuse_damage(&chosen, &read.damaged)?;
    }
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
    let path = chosen.path.clone();
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
    let rollouts = kube
        .as_ref()
        .map(|t| sources::kube::rollouts::Wanted {
            context: t.context.clone(),
            namespace: t.namespace.clone(),
            names: crate::view::verify::rollouts_named(&state),
        })
        .filter(|w| !w.names.is_empty());
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
            prometheus: None,
            read_only: false,
        },
    )?;
    // The service's figures from Prometheus (live incidents; a drill's
    // scenario has its own).
    let prometheus = if state.ctx.drill {
        None
    } else {
        session::prometheus_config(&state.ctx.playbook, &session::LiveSpec::default())?
    };
    let script = sources::drill::Script::of(&state);
    // Records found out of the chain on opening: said and recorded like
    // those found later.
    let broken = read.broken;
    let ended = crate::commands::run_cockpit(
        state,
        store,
        path.parent().map(Path::to_path_buf),
        seat_id,
        alertmanager,
        move |tx| {
            for b in broken {
                let _ = tx.send(crate::msg::Msg::ChainBroken {
                    seq: b.seq,
                    what: b.what,
                });
            }
            if let Some(cfg) = prometheus {
                let _ = sources::prometheus::spawn(cfg, tx.clone());
            }
            if let Some(wanted) = rollouts {
                sources::kube::rollouts::spawn(wanted, tx.clone());
            }
            if let Some(target) = kube {
                sources::kube::spawn(target, tx.clone());
            }
            script.map(|sc| sc.spawn(tx))
        },
        ui,
    );
    // Said also when the cockpit ended on an error (a terminal gone).
    if chosen.is_drill() {
        super::say(format_args!(
            "Drill {} is recorded in {}",
            chosen.id,
            path.display()
        ));
        if seat != Seat::Viewer {
            super::drill::report_after_action(&path);
        }
    } else {
        super::say(format_args!(
            "Incident {} is recorded in {}",
            chosen.id,
            path.display()
        ));
    }
    ended?;
    Ok(ExitCode::SUCCESS)
}

/// `note [ID] TEXT...`: a note from a script, with the same lock and fsync.
pub fn note(
    state_dir: &Path,
    args: &[String],
    shared: Option<&crate::store::StoreConfig>,
) -> Result<ExitCode> {
    // An id this host has not seen may be on the store.
    if let Some(first) = args.first().filter(|_| args.len() > 1) {
        let _ = super::shared::fetch(shared, state_dir, Some(first));
    }
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
    match super::shared::for_incident(shared, &chosen.path) {
        None => {
            let (mut store, read) = FileStore::open(&chosen.path)?;
            refuse_damage(&chosen, &read.damaged)?;
            let a = store.append(Utc::now(), &session::seat_identity(), Event::Note { text })?;
            let rec = a
                .record
                .ok_or_else(|| anyhow!("the note was not written"))?;
            println!("noted as record {} of incident {}", rec.seq, chosen.id);
        }
        Some(cfg) => {
            let (mut store, read) =
                crate::store::replica::Replica::open(cfg, &chosen.id, &chosen.path)?;
            refuse_damage(&chosen, &read.damaged)?;
            let a = store.append(Utc::now(), &session::seat_identity(), Event::Note { text })?;
            let rec = a
                .record
                .ok_or_else(|| anyhow!("the note was not written"))?;
            // Shared before returning when the store answers.
            let pending = store.flush(cfg.timeout);
            if pending == 0 {
                let seq = store
                    .read_from(0)?
                    .records
                    .iter()
                    .find(|r| r.share.id == rec.share.id)
                    .map_or(rec.seq, |r| r.seq);
                println!("noted as record {seq} of incident {} (shared)", chosen.id);
            } else {
                println!(
                    "noted in incident {} on this host; NOT YET SHARED: the store cannot be \
                     reached ({}); it is published when a seat of this host next reaches it",
                    chosen.id,
                    store
                        .sharing()
                        .and_then(|s| s.error)
                        .map(|e| crate::sanitize::clean_text(&e))
                        .unwrap_or_default()
                );
            }
        }
    }
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
