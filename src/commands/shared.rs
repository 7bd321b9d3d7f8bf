//! The shared store from the command line: which store (`--store`, the
//! config file's `store:` section), opening an incident's timeline on it or
//! on local files, fetching an incident this host has not seen, and
//! `store status`.

use crate::store::StoreConfig;
pub use crate::store::nats::SeatKind;
use crate::store::replica::{Replica, outbox_path};
use crate::timeline::store::ReadOutcome;
use crate::timeline::{FileStore, Store};
use anyhow::{Result, anyhow};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// The store configured by `--store` and the config file (`None`: local
/// files only, the default). The flag's servers win over the file's.
pub fn config(flag: Option<&str>, config_file: Option<&Path>) -> Result<Option<StoreConfig>> {
    let flag = flag.map(str::trim).filter(|f| !f.is_empty());
    let path = config_file
        .map(Path::to_path_buf)
        .or_else(crate::config::default_path);
    let (file, _) = crate::config::load(path.as_deref()).map_err(|e| {
        crate::session::refused(
            e,
            "The config file",
            "`incident-cockpit config check` checks it; --config FILE uses another",
        )
    })?;
    let what = path
        .as_deref()
        .map_or("the config file".into(), |p| p.display().to_string());
    let from_file = match &file.store {
        Some(f) if !f.servers.is_empty() || flag.is_none() => {
            Some(StoreConfig::from_file(f, &what).map_err(|e| anyhow!("{e}"))?)
        }
        Some(f) => {
            // The flag names the servers; the rest comes from the file.
            let mut f = f.clone();
            f.servers = vec!["nats://placeholder".into()];
            Some(StoreConfig::from_file(&f, &what).map_err(|e| anyhow!("{e}"))?)
        }
        None => None,
    };
    let cfg = match (flag, from_file) {
        (None, c) => c,
        (Some(urls), None) => {
            Some(StoreConfig::parse_urls(urls).map_err(|e| anyhow!("--store: {e}"))?)
        }
        (Some(urls), Some(mut c)) => {
            let f = StoreConfig::parse_urls(urls).map_err(|e| anyhow!("--store: {e}"))?;
            c.servers = f.servers;
            if f.auth != crate::store::Auth::None {
                c.auth = f.auth;
            }
            Some(c)
        }
    };
    if let Some(c) = &cfg {
        c.validate().map_err(|e| anyhow!("{e}"))?;
    }
    Ok(cfg)
}

/// Whether an incident of this host is on the shared store: it has an
/// outbox, or nothing yet (a new one, or one being fetched). One declared
/// without a store stays on this host's files.
pub fn is_shared(path: &Path) -> bool {
    outbox_path(path).exists() || std::fs::metadata(path).map_or(true, |m| m.len() == 0)
}

/// The store an incident uses: the configured one, unless the incident was
/// declared on this host without it.
pub fn for_incident<'a>(cfg: Option<&'a StoreConfig>, path: &Path) -> Option<&'a StoreConfig> {
    cfg.filter(|_| is_shared(path))
}

/// An incident's timeline: on local files, or this host's replica of the
/// shared store's (brought up to date if the store answers).
pub fn open(
    cfg: Option<&StoreConfig>,
    id: &str,
    path: &Path,
    me: Option<(&str, SeatKind)>,
) -> Result<(Box<dyn Store>, ReadOutcome)> {
    match for_incident(cfg, path) {
        None => {
            let (s, read) = FileStore::open(path)?;
            Ok((Box::new(s), read))
        }
        Some(cfg) => {
            let (mut r, read) = Replica::open(cfg, id, path)?;
            if let Some((seat, kind)) = me {
                r.announce(seat, kind);
            }
            Ok((Box::new(r), read))
        }
    }
}

/// Where an incident this host has not seen goes: drills apart.
pub fn local_path(state_dir: &Path, id: &str) -> std::path::PathBuf {
    let folder = if id.starts_with("drill-") {
        crate::timeline::store::DRILLS
    } else {
        crate::timeline::store::INCIDENTS
    };
    FileStore::path_in(state_dir, folder, id)
}

/// Brings an incident that is on the store and not on this host into the
/// state directory, so `join`, `resume`, `note` and `export` find it.
/// Nothing when the store is not configured or the incident is here.
pub fn fetch(cfg: Option<&StoreConfig>, state_dir: &Path, id: Option<&str>) -> Result<()> {
    let (Some(cfg), Some(id)) = (cfg, id) else {
        return Ok(());
    };
    if crate::incidents::find(state_dir, id)?.is_some() {
        return Ok(());
    }
    crate::timeline::store::validate_id(id)?;
    let path = local_path(state_dir, id);
    let (r, read) = Replica::open(cfg, id, &path)?;
    let online = r.sharing().is_some_and(|s| s.online);
    if read.records.is_empty() {
        drop(r);
        // Leave nothing behind for an id that is not there.
        if let Some(dir) = path.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
        return Err(if online {
            anyhow!(
                "no incident {id:?} on this host or on the store ({}): `incident-cockpit list` \
                 shows both",
                cfg.server_urls().join(",")
            )
        } else {
            anyhow!(
                "incident {id:?} is not on this host, and the store ({}) cannot be reached to \
                 fetch it: check the network, or run `incident-cockpit store status`",
                cfg.server_urls().join(",")
            )
        });
    }
    Ok(())
}

/// The incidents on the store that this host does not have.
pub fn remote_only(cfg: &StoreConfig, state_dir: &Path) -> Result<Vec<String>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let ids = rt
        .block_on(async {
            let store = crate::store::nats::Store::connect(cfg).await?;
            store.incidents().await
        })
        .map_err(|e| anyhow!("{e}"))?;
    let mut out = Vec::new();
    for id in ids {
        if crate::incidents::find(state_dir, &id)?.is_none() {
            out.push(id);
        }
    }
    out.sort();
    Ok(out)
}

/// `store status [ID]`: what this host is connected to, and for each
/// shared incident here (or the one named) the stream's replicas and
/// leader, how far behind this host is and what it has not shared yet.
pub fn status(cfg: Option<&StoreConfig>, state_dir: &Path, id: Option<&str>) -> Result<ExitCode> {
    let Some(cfg) = cfg else {
        println!(
            "No shared store is configured: incidents live on this host's files in {}.\n\
             Give one with --store nats://host:4222 (or INCIDENT_COCKPIT_STORE, or a store: \
             section in the config file; see the README's \"Several hosts\").",
            state_dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    };
    println!("store: {cfg}");
    let mut list: Vec<(String, std::path::PathBuf)> = Vec::new();
    match id {
        Some(id) => list.push((id.to_string(), local_path(state_dir, id))),
        None => {
            for s in crate::incidents::all(state_dir)?
                .into_iter()
                .chain(crate::incidents::drills(state_dir)?)
            {
                if outbox_path(&s.path).exists() {
                    list.push((s.id.clone(), s.path.clone()));
                }
            }
        }
    }
    if list.is_empty() {
        // Say whether the store answers at all.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let r = rt.block_on(crate::store::nats::Store::connect(cfg));
        return Ok(match r {
            Ok(s) => {
                println!("connected: yes; no shared incident on this host yet");
                drop(s);
                ExitCode::SUCCESS
            }
            Err(e) => {
                println!("connected: no: {e}");
                ExitCode::from(1)
            }
        });
    }
    let mut code = ExitCode::SUCCESS;
    for (id, path) in list {
        println!();
        println!("incident {id}");
        let (mut r, _) = Replica::open(cfg, &id, &path)?;
        let pending = r.flush(Duration::from_secs(2));
        match r.status() {
            Ok(st) => {
                println!(
                    "  connected to {} ({} {})",
                    st.server, st.server_name, st.server_version
                );
                println!(
                    "  stream {}: {} replica(s), leader {}",
                    st.stream,
                    st.replicas,
                    st.leader.as_deref().unwrap_or("none")
                );
                for p in &st.peers {
                    println!(
                        "    replica {}: {}{}",
                        p.name,
                        if p.current { "current" } else { "NOT CURRENT" },
                        if p.lag > 0 {
                            format!(", {} behind", p.lag)
                        } else {
                            String::new()
                        }
                    );
                }
                // A message is one record or a batch of them.
                println!(
                    "  messages on the store: {}; this host is {} message(s) behind",
                    st.subject_last, st.behind
                );
            }
            Err(e) => {
                println!("  connected: no: {e}");
                code = ExitCode::from(1);
            }
        }
        if pending > 0 {
            let since = r
                .sharing()
                .and_then(|s| s.pending_since)
                .map(|t| format!(" (the oldest written {})", t.to_rfc3339()))
                .unwrap_or_default();
            println!("  not shared yet from this host: {pending} record(s){since}");
            code = ExitCode::from(1);
        } else {
            println!("  not shared yet from this host: none");
        }
    }
    Ok(code)
}

/// Records a new incident's declaration in the store just made for it
/// (`local`, an empty file): on local files, or first on this host's
/// replica and then on the shared store. Returns the store the cockpit
/// goes on with and the declaration as recorded.
pub fn declare(
    cfg: Option<&StoreConfig>,
    local: FileStore,
    id: &str,
    at: chrono::DateTime<chrono::Utc>,
    seat: &str,
    kind: SeatKind,
    event: crate::timeline::Event,
) -> Result<(Box<dyn Store>, crate::timeline::Record)> {
    let mut store: Box<dyn Store> = match cfg {
        None => Box::new(local),
        Some(cfg) => {
            let path = local.path().to_path_buf();
            drop(local);
            let mut r = Replica::open(cfg, id, &path)?.0;
            r.announce(seat, kind);
            Box::new(r)
        }
    };
    let rec = store
        .append(at, seat, event)
        .map_err(|e| anyhow!("cannot record the declaration: {e:#}"))?
        .record
        .ok_or_else(|| anyhow!("the declaration was not written"))?;
    Ok((store, rec))
}
