//! `incident-cockpit drill [SCENARIO]`: run a tabletop drill.

use crate::app::Loop;
use crate::drill::scenario::{BUNDLED, parse_scenario};
use crate::msg::Msg;
use crate::session;
use crate::sources::{self, recorder::Recorder};
use crate::timeline::{FileStore, Store};
use anyhow::{Context, Result};
use chrono::Utc;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

pub fn list() {
    for (name, text) in BUNDLED {
        let title = parse_scenario(name, text)
            .map(|s| s.title)
            .unwrap_or_else(|e| format!("(invalid: {e})"));
        println!("{name:<20} {title}");
    }
}

pub fn run(state_dir: &Path, scenario: Option<&str>, playbook: Option<&Path>) -> Result<ExitCode> {
    let (scenario, playbook) = session::resolve_drill(scenario, playbook)?;
    let seat = session::seat_identity();
    let now = Utc::now();
    let id = session::drill_incident_id(now, &scenario);
    let mut store = FileStore::create(state_dir, &id)?;
    let declared = store
        .append(
            now,
            &seat,
            session::drill_declaration(&id, &scenario, &playbook, &seat),
        )
        .context("cannot record the drill's declaration")?;
    let path = store.path().to_path_buf();
    let state = session::drill_state(&scenario, Arc::new(playbook), &seat, &[declared], now);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = rt.block_on(async move {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Msg>();
        let recorder = Recorder::spawn(Box::new(store), seat, tx.clone())?;
        let (mut term, guard) = crate::term::setup().context("cannot set up the terminal")?;
        sources::input::spawn(tx.clone());
        sources::host::spawn(tx.clone());
        sources::drill::spawn(&scenario, tx.clone());
        let res = Loop {
            state,
            recorder,
            rx,
            tx,
        }
        .run(&mut term)
        .await;
        drop(guard);
        res
    });
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    result?;
    println!("Drill {id} recorded in {}", path.display());
    Ok(ExitCode::SUCCESS)
}
