//! `incident-cockpit open`: declare a live incident and run its cockpit.

use crate::session::{self, LiveSpec};
use crate::sources::kube;
use crate::timeline::{Event, FileStore, Status};
use anyhow::{Result, anyhow};
use chrono::Utc;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(
    state_dir: &Path,
    playbook: &str,
    spec: LiveSpec,
    shared: Option<&crate::store::StoreConfig>,
    ui: Option<&super::UiSettings>,
) -> Result<ExitCode> {
    let (pb, source) = session::load_named(playbook).map_err(|e| {
        if std::path::Path::new(playbook).exists() {
            session::refused(
                e,
                "The playbook",
                &format!("`incident-cockpit playbook lint {playbook}` checks it"),
            )
        } else {
            anyhow!("{e}")
        }
    })?;
    let (procedure, severity, title) = session::resolve_live(&pb, &spec)?;
    let alertmanager = session::alertmanager_config(&pb, &spec)?;
    let prometheus = session::prometheus_config(&pb, &spec)?;
    super::need_terminal("incident")?;
    let seat = session::seat_identity();
    let now = Utc::now();
    let (local, id) =
        FileStore::create_unique(state_dir, &session::live_incident_id(now, &procedure))?;
    let path = local.path().to_path_buf();
    let (store, declared) = super::shared::declare(
        shared,
        local,
        &id,
        now,
        &seat,
        super::shared::SeatKind::Ic,
        Event::Declared {
            id: id.clone(),
            title,
            severity,
            status: Status::Investigating,
            ic: spec.ic.clone().unwrap_or_else(|| seat.clone()),
            playbook: pb.name.value.clone(),
            procedure: procedure.clone(),
            drill: false,
            source: Some(source),
            scenario: None,
            watch: session::watch_record(&session::effective_watch(&pb, &spec)),
        },
    )?;

    let state = session::live_state(Arc::new(pb), &procedure, &spec, &seat, &[declared], now);
    // Pods are watched when the playbook or --namespace names a namespace.
    let kube = state
        .ctx
        .watch
        .namespace
        .clone()
        .map(|namespace| kube::Target {
            context: state.ctx.watch.context.clone(),
            namespace,
            selector: state.ctx.watch.selector.clone(),
        });
    // The rollouts `verify:` names, in the same namespace.
    let rollouts = kube
        .as_ref()
        .map(|t| kube::rollouts::Wanted {
            context: t.context.clone(),
            namespace: t.namespace.clone(),
            names: crate::view::verify::rollouts_named(&state),
        })
        .filter(|w| !w.names.is_empty());
    let ended = super::run_cockpit(
        state,
        store,
        path.parent().map(Path::to_path_buf),
        seat,
        alertmanager,
        move |tx| {
            if let Some(cfg) = prometheus {
                // Checked before the declaration: it cannot fail here.
                let _ = crate::sources::prometheus::spawn(cfg, tx.clone());
            }
            if let Some(wanted) = rollouts {
                kube::rollouts::spawn(wanted, tx.clone());
            }
            if let Some(target) = kube {
                kube::spawn(target, tx);
            }
            None
        },
        ui,
    );
    super::say(format_args!("Incident {id} recorded in {}", path.display()));
    ended?;
    Ok(ExitCode::SUCCESS)
}
