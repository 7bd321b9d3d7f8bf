//! Starting a session: resolve the drill's scenario and playbook, declare
//! the incident in a new timeline, and build the first state. Shared by the
//! binary and the tests so both start the same way.

use crate::drill::{Scenario, load_bundled_scenario, load_scenario_file};
use crate::playbook::{Playbook, load_bundled, load_file};
use crate::state::{Context, Incident, Observed, State};
use crate::timeline::{Event, Record, Status};
use anyhow::{Result, anyhow};
use chrono::{DateTime, Utc};
use std::path::Path;
use std::sync::Arc;

/// The scenario `drill` runs when none is named.
pub const DEFAULT_SCENARIO: &str = "api-outage";

/// A drill by bundled name or file path, with its playbook.
pub fn resolve_drill(
    which: Option<&str>,
    playbook_override: Option<&Path>,
) -> Result<(Scenario, Playbook)> {
    let which = which.unwrap_or(DEFAULT_SCENARIO);
    let (scenario, base) = match load_bundled_scenario(which) {
        Some(res) => (res.map_err(|e| anyhow!("{e}"))?, None),
        None => {
            let path = Path::new(which);
            if !path.exists() {
                let names: Vec<&str> = crate::drill::scenario::BUNDLED
                    .iter()
                    .map(|(n, _)| *n)
                    .collect();
                return Err(anyhow!(
                    "no drill scenario {which:?}: not a bundled scenario ({}) and no such file",
                    names.join(", ")
                ));
            }
            (
                load_scenario_file(path).map_err(|e| anyhow!("{e}"))?,
                path.parent().map(Path::to_path_buf),
            )
        }
    };
    let playbook = match playbook_override {
        Some(p) => load_file(p).map_err(|e| anyhow!("{e}"))?,
        None => {
            let local = base
                .map(|b| b.join(&scenario.playbook))
                .filter(|p| p.exists());
            match local {
                Some(p) => load_file(&p).map_err(|e| anyhow!("{e}"))?,
                None => load_bundled(&scenario.playbook).map_err(|e| anyhow!("{e}"))?,
            }
        }
    };
    check_refs(&scenario, &playbook)?;
    Ok((scenario, playbook))
}

/// The scenario must name a procedure and severity the playbook has.
fn check_refs(s: &Scenario, pb: &Playbook) -> Result<()> {
    if pb.procedure(&s.procedure.value).is_none() {
        let ids: Vec<&str> = pb.procedures.iter().map(|p| p.id.value.as_str()).collect();
        return Err(anyhow!(
            "scenario {}:{}:{}: procedure {:?} is not in playbook {} (it has: {})",
            s.name,
            s.procedure.line,
            s.procedure.col,
            s.procedure.value,
            pb.name.value,
            ids.join(", ")
        ));
    }
    if pb.severity(&s.severity.value).is_none() {
        let ids: Vec<&str> = pb.severities.iter().map(|p| p.id.value.as_str()).collect();
        return Err(anyhow!(
            "scenario {}:{}:{}: severity {:?} is not in playbook {} (it has: {})",
            s.name,
            s.severity.line,
            s.severity.col,
            s.severity.value,
            pb.name.value,
            ids.join(", ")
        ));
    }
    Ok(())
}

pub fn drill_incident_id(now: DateTime<Utc>, scenario: &Scenario) -> String {
    let slug: String = scenario
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("drill-{}-{slug}", now.format("%Y%m%d-%H%M%S"))
}

/// The first record of a drill.
pub fn drill_declaration(id: &str, s: &Scenario, pb: &Playbook, seat: &str) -> Event {
    Event::Declared {
        id: id.to_string(),
        title: s.title.clone(),
        severity: s.severity.value.clone(),
        status: Status::Investigating,
        ic: s.ic.clone().unwrap_or_else(|| seat.to_string()),
        playbook: pb.name.value.clone(),
        procedure: s.procedure.value.clone(),
        drill: true,
    }
}

/// The cluster, alerts and figures the scenario starts with.
pub fn initial_observed(s: &Scenario, now: DateTime<Utc>) -> Observed {
    let mut o = Observed::default();
    for p in &s.pods {
        o.apply_pod(p, now);
    }
    for a in &s.alerts {
        o.fire_alert(a, now);
    }
    o.set_figures(&s.figures);
    o
}

/// The state a drill starts in, once its declaration is durable.
pub fn drill_state(
    scenario: &Scenario,
    playbook: Arc<Playbook>,
    seat: &str,
    declared: &[Record],
    now: DateTime<Utc>,
) -> State {
    let ctx = Context {
        playbook,
        procedure: scenario.procedure.value.clone(),
        seat: seat.to_string(),
        tz: crate::time::local_offset(),
        drill: true,
        read_only: false,
        canned: Arc::new(scenario.commands.clone()),
        started: now,
        watch: Default::default(),
        observes_pods: true,
        observes_alerts: true,
    };
    let ctx = Context {
        watch: ctx.playbook.watch.clone(),
        ..ctx
    };
    let mut st = State::new(ctx, Incident::replay(declared), now);
    st.observed = initial_observed(scenario, now);
    st
}

/// `user@host` for this seat.
pub fn seat_identity() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(user_from_passwd)
        .unwrap_or_else(|| "unknown".into());
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    format!("{user}@{host}")
}

/// The login name of this process's uid, from /etc/passwd (when `$USER`
/// is not set, as under some service managers and containers).
fn user_from_passwd() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let _pw = f.next()?;
        (f.next()?.parse::<u32>().ok()? == uid).then(|| name.to_string())
    })
}

/// What `open` declares.
pub struct LiveSpec {
    pub procedure: Option<String>,
    pub severity: Option<String>,
    pub title: Option<String>,
    pub ic: Option<String>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub selector: Option<String>,
    pub read_only: bool,
}

/// Checks the choices against the playbook; returns the procedure id,
/// severity id and title.
pub fn resolve_live(pb: &Playbook, spec: &LiveSpec) -> Result<(String, String, String)> {
    let ids = |v: Vec<&str>| v.join(", ");
    let proc_ = match &spec.procedure {
        Some(p) => pb.procedure(p).ok_or_else(|| {
            anyhow!(
                "no procedure {p:?} in playbook {} (it has: {})",
                pb.name.value,
                ids(pb.procedures.iter().map(|x| x.id.value.as_str()).collect())
            )
        })?,
        None => pb
            .procedures
            .first()
            .ok_or_else(|| anyhow!("playbook {} has no procedures", pb.name.value))?,
    };
    let severity = spec
        .severity
        .clone()
        .or_else(|| proc_.severity.as_ref().map(|s| s.value.clone()))
        .or_else(|| pb.severities.first().map(|s| s.id.value.clone()))
        .ok_or_else(|| {
            anyhow!(
                "playbook {} defines no severities: pass --severity",
                pb.name.value
            )
        })?;
    if pb.severity(&severity).is_none() {
        return Err(anyhow!(
            "no severity {severity:?} in playbook {} (it has: {})",
            pb.name.value,
            ids(pb.severities.iter().map(|x| x.id.value.as_str()).collect())
        ));
    }
    let title = spec
        .title
        .clone()
        .unwrap_or_else(|| format!("{}: {}", pb.title, proc_.name));
    Ok((proc_.id.value.clone(), severity, title))
}

pub fn live_incident_id(now: DateTime<Utc>, procedure: &str) -> String {
    let slug: String = procedure
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{}-{slug}", now.format("%Y%m%d-%H%M%S"))
}

/// The state of a live incident once its declaration is durable.
pub fn live_state(
    playbook: Arc<Playbook>,
    procedure: &str,
    spec: &LiveSpec,
    seat: &str,
    declared: &[Record],
    now: DateTime<Utc>,
) -> State {
    let mut watch = playbook.watch.clone();
    if let Some(c) = &spec.context {
        watch.context = Some(c.clone());
    }
    if let Some(n) = &spec.namespace {
        watch.namespace = Some(n.clone());
    }
    if let Some(s) = &spec.selector {
        watch.selector = Some(s.clone());
    }
    // Pods are watched when there is a namespace to watch.
    let kube = watch
        .namespace
        .as_deref()
        .map(|ns| crate::state::kube::KubeView::new(watch_label(ns, watch.selector.as_deref())));
    let ctx = Context {
        playbook,
        procedure: procedure.to_string(),
        seat: seat.to_string(),
        tz: crate::time::local_offset(),
        drill: false,
        read_only: spec.read_only,
        canned: Arc::new(Vec::new()),
        started: now,
        watch,
        observes_pods: kube.is_some(),
        observes_alerts: false,
    };
    let mut st = State::new(ctx, Incident::replay(declared), now);
    st.observed.kube = kube;
    st
}

/// What the pods pane watches, for people: `identity-platform app=api`.
pub fn watch_label(namespace: &str, selector: Option<&str>) -> String {
    match selector.filter(|s| !s.trim().is_empty()) {
        Some(sel) => format!("{namespace} {sel}"),
        None => namespace.to_string(),
    }
}
