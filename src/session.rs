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
/// Where a session's playbook and scenario came from, recorded in the
/// declaration so another seat can join with the same ones.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Origin {
    /// A file path (absolute), or `bundled:NAME`.
    pub playbook: String,
    pub scenario: Option<String>,
}

/// The absolute form of a path that exists.
fn absolute(p: &Path) -> String {
    std::fs::canonicalize(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

/// A file the user gave or declared with has problems: each placed
/// (`file:line:column: what`), then what to do.
pub fn refused(problems: impl std::fmt::Display, what: &str, check: &str) -> anyhow::Error {
    anyhow!(
        "{problems}\n{what} has problems (each placed file:line:column above): fix them ({check}) and run this again. Nothing was recorded or changed."
    )
}

/// How to check a playbook file.
fn lint_hint(path: &str) -> String {
    format!("`incident-cockpit playbook lint {path}` checks it")
}

const SCENARIO_HINT: &str =
    "`incident-cockpit drill --schema` gives the scenario format for editors";

/// A playbook by its recorded source (`bundled:NAME` or a path).
pub fn load_source(source: &str) -> Result<Playbook> {
    match source.strip_prefix("bundled:") {
        Some(name) => load_bundled(name).map_err(|e| anyhow!("{e}")),
        None => load_file(Path::new(source)).map_err(|e| {
            refused(
                e,
                &format!("The playbook this incident was declared with ({source})"),
                &lint_hint(source),
            )
        }),
    }
}

/// A playbook by a name a user typed: a file, or a bundled name
/// (`dicps`, `dicps.yaml`); with its source.
pub fn load_named(arg: &str) -> Result<(Playbook, String), crate::playbook::LoadError> {
    let path = Path::new(arg);
    if path.exists() {
        return load_file(path).map(|pb| (pb, absolute(path)));
    }
    let bundled = if arg.ends_with(".yaml") {
        arg.to_string()
    } else {
        format!("{arg}.yaml")
    };
    if crate::playbook::load::BUNDLED
        .iter()
        .any(|(n, _)| *n == bundled)
    {
        return load_bundled(&bundled).map(|pb| (pb, format!("bundled:{bundled}")));
    }
    let names: Vec<&str> = crate::playbook::load::BUNDLED
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !n.starts_with("policy/"))
        .collect();
    Err(crate::playbook::LoadError {
        problems: vec![format!(
            "{arg}: no such file, and not a bundled playbook (bundled: {})",
            names.join(", ")
        )],
    })
}

/// A bundled playbook's file name from what a scenario writes: `dicps`
/// or `dicps.yaml`.
pub fn bundled_playbook_name(name: &str) -> String {
    let with_ext = format!("{name}.yaml");
    let known = |n: &str| crate::playbook::load::BUNDLED.iter().any(|(b, _)| *b == n);
    if !known(name) && known(&with_ext) {
        with_ext
    } else {
        name.to_string()
    }
}

pub fn resolve_drill(
    which: Option<&str>,
    playbook_override: Option<&Path>,
) -> Result<(Scenario, Playbook, Origin)> {
    let which = which.unwrap_or(DEFAULT_SCENARIO);
    let mut origin = Origin::default();
    let (scenario, base) = match load_bundled_scenario(which) {
        Some(res) => {
            origin.scenario = Some(which.to_string());
            (res.map_err(|e| anyhow!("{e}"))?, None)
        }
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
            origin.scenario = Some(absolute(path));
            (
                load_scenario_file(path).map_err(|e| refused(e, "The scenario", SCENARIO_HINT))?,
                path.parent().map(Path::to_path_buf),
            )
        }
    };
    let playbook = match playbook_override {
        Some(p) => {
            origin.playbook = absolute(p);
            load_file(p)
                .map_err(|e| refused(e, "The playbook", &lint_hint(&p.display().to_string())))?
        }
        None => {
            let local = base
                .map(|b| b.join(&scenario.playbook))
                .filter(|p| p.exists());
            match local {
                Some(p) => {
                    origin.playbook = absolute(&p);
                    load_file(&p).map_err(|e| {
                        refused(
                            e,
                            "The scenario's playbook",
                            &lint_hint(&p.display().to_string()),
                        )
                    })?
                }
                None => {
                    let name = bundled_playbook_name(&scenario.playbook);
                    origin.playbook = format!("bundled:{name}");
                    load_bundled(&name).map_err(|e| anyhow!("{e}"))?
                }
            }
        }
    };
    check_refs(&scenario, &playbook)?;
    Ok((scenario, playbook, origin))
}

/// The scenario must name a procedure and severity the playbook has.
fn check_refs(s: &Scenario, pb: &Playbook) -> Result<()> {
    s.check_playbook(pb).map_err(|e| {
        refused(
            e,
            "The scenario",
            "its procedure and severity must be the playbook's",
        )
    })
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
pub fn drill_declaration(
    id: &str,
    s: &Scenario,
    pb: &Playbook,
    origin: &Origin,
    seat: &str,
) -> Event {
    Event::Declared {
        id: id.to_string(),
        title: s.title.clone(),
        severity: s.severity.value.clone(),
        status: Status::Investigating,
        ic: s.ic.clone().unwrap_or_else(|| seat.to_string()),
        playbook: pb.name.value.clone(),
        procedure: s.procedure.value.clone(),
        drill: true,
        source: Some(origin.playbook.clone()),
        scenario: origin.scenario.clone(),
        watch: Default::default(),
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
    let redactor = playbook_redactor(&playbook);
    let approval = crate::command::approval::Policy::of(&playbook);
    let ctx = Context {
        playbook,
        procedure: scenario.procedure.value.clone(),
        checklist: Arc::default(),
        seat: seat.to_string(),
        os_user: os_user(),
        approval,
        tz: crate::time::local_offset(),
        drill: true,
        read_only: false,
        canned: Arc::new(scenario.commands.clone()),
        injects: Arc::new(scenario.timed_injects()),
        facilitator: false,
        started: now,
        watch: Default::default(),
        viewer: false,
        records_observations: true,
        layouts: Arc::new(crate::layout::bundled()),
        theme: crate::config::Theme::default(),
        keymap: Arc::default(),
        redactor,
        low_bandwidth: false,
        observes_pods: true,
        observes_alerts: true,
        alertmanager: None,
    };
    let ctx = Context {
        watch: ctx.playbook.watch.clone(),
        ..ctx
    };
    let mut st = State::new(ctx, Incident::replay(declared), now);
    st.observed = initial_observed(scenario, now);
    crate::view::refresh(&mut st);
    st
}

/// The playbook's `redact` patterns, compiled.
pub(crate) fn playbook_redactor(pb: &Playbook) -> crate::command::Redactor {
    let patterns: Vec<String> = pb.redact.iter().map(|r| r.value.clone()).collect();
    crate::command::Redactor::new(Vec::new(), &patterns)
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

/// The OS user behind this process: its uid's login name (`uid N` when
/// /etc/passwd does not name it). Unlike `$USER`, a seat cannot choose it:
/// the two-person rule tells people apart by it.
pub fn os_user() -> String {
    use std::os::unix::fs::MetadataExt;
    user_from_passwd().unwrap_or_else(|| {
        std::fs::metadata("/proc/self")
            .map_or_else(|_| "unknown".into(), |m| format!("uid {}", m.uid()))
    })
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
#[derive(Default)]
pub struct LiveSpec {
    pub procedure: Option<String>,
    pub severity: Option<String>,
    pub title: Option<String>,
    pub ic: Option<String>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub selector: Option<String>,
    /// Alertmanager's URL (overrides the playbook's `watch.alertmanager`).
    pub alertmanager: Option<String>,
    /// Prometheus' URL (overrides the playbook's `watch.prometheus.url`).
    pub prometheus: Option<String>,
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

/// The watch a live incident uses: the playbook's, overridden by flags.
pub fn effective_watch(pb: &Playbook, spec: &LiveSpec) -> crate::playbook::model::Watch {
    let mut watch = pb.watch.clone();
    if let Some(c) = &spec.context {
        watch.context = Some(c.clone());
    }
    if let Some(n) = &spec.namespace {
        watch.namespace = Some(n.clone());
    }
    if let Some(s) = &spec.selector {
        watch.selector = Some(s.clone());
    }
    if let Some(a) = &spec.alertmanager {
        watch.alertmanager = Some(a.clone());
    }
    if let Some(p) = spec.prometheus.as_ref().filter(|p| !p.trim().is_empty()) {
        watch.prometheus.get_or_insert_with(Default::default).url =
            Some(crate::playbook::model::At::new(p.trim().to_string()));
    }
    watch
}

/// The watch as recorded in a declaration.
pub fn watch_record(
    w: &crate::playbook::model::Watch,
) -> std::collections::BTreeMap<String, String> {
    let mut m = std::collections::BTreeMap::new();
    for (k, v) in [
        ("context", &w.context),
        ("namespace", &w.namespace),
        ("selector", &w.selector),
    ] {
        if let Some(v) = v {
            m.insert(k.to_string(), v.clone());
        }
    }
    m
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
    let watch = effective_watch(&playbook, spec);
    let alertmanager = watch.alertmanager.clone().filter(|u| !u.trim().is_empty());
    // Pods are watched when there is a namespace to watch.
    let kube = watch
        .namespace
        .as_deref()
        .map(|ns| crate::state::kube::KubeView::new(watch_label(ns, watch.selector.as_deref())));
    let redactor = playbook_redactor(&playbook);
    let approval = crate::command::approval::Policy::of(&playbook);
    let ctx = Context {
        playbook,
        procedure: procedure.to_string(),
        checklist: Arc::default(),
        seat: seat.to_string(),
        os_user: os_user(),
        approval,
        tz: crate::time::local_offset(),
        drill: false,
        read_only: spec.read_only,
        canned: Arc::new(Vec::new()),
        injects: Arc::new(Vec::new()),
        facilitator: false,
        started: now,
        watch,
        viewer: false,
        records_observations: true,
        layouts: Arc::new(crate::layout::bundled()),
        theme: crate::config::Theme::default(),
        keymap: Arc::default(),
        redactor,
        low_bandwidth: false,
        observes_pods: kube.is_some(),
        observes_alerts: alertmanager.is_some(),
        alertmanager,
    };
    let mut st = State::new(ctx, Incident::replay(declared), now);
    st.observed.kube = kube;
    if let Some(url) = &st.ctx.alertmanager {
        st.observed.feed.health.url = crate::sources::alertmanager::display_url(url);
    }
    st
}

/// The Alertmanager source's settings for a live incident, if it has
/// one: the URL (`--alertmanager`, else the playbook's) and the
/// playbook's matchers, both checked before anything is declared.
pub fn alertmanager_config(
    pb: &Playbook,
    spec: &LiveSpec,
) -> Result<Option<crate::sources::alertmanager::Config>> {
    let Some(url) = spec
        .alertmanager
        .clone()
        .or_else(|| pb.watch.alertmanager.clone())
        .filter(|u| !u.trim().is_empty())
    else {
        return Ok(None);
    };
    crate::sources::alertmanager::check_url(&url).map_err(|e| anyhow!(e))?;
    for m in &pb.watch.alerts {
        crate::alerts::matcher::parse_one(m)
            .map_err(|e| anyhow!("playbook {}: watch.alerts: {e}", pb.name.value))?;
    }
    Ok(Some(crate::sources::alertmanager::Config::new(
        url.trim(),
        &pb.watch.alerts,
    )))
}

/// The Prometheus source's settings for a live incident, if it has
/// one: the URL (`--prometheus`, else the playbook's
/// `watch.prometheus.url`) and the playbook's figure queries, checked
/// before anything is declared. A URL without figures to ask is refused.
pub fn prometheus_config(
    pb: &Playbook,
    spec: &LiveSpec,
) -> Result<Option<crate::sources::prometheus::Config>> {
    use crate::sources::prometheus;
    let section = pb.watch.prometheus.clone().unwrap_or_default();
    let Some(url) = spec
        .prometheus
        .clone()
        .or_else(|| section.url.as_ref().map(|u| u.value.clone()))
        .filter(|u| !u.trim().is_empty())
    else {
        return Ok(None);
    };
    prometheus::check_url(&url).map_err(|e| anyhow!(e))?;
    if section.figures.is_empty() {
        return Err(anyhow!(
            "playbook {}: Prometheus at {} but no figures to ask it for (add watch.prometheus.figures: [{{name, query, unit}}])",
            pb.name.value,
            crate::sources::alertmanager::display_url(&url)
        ));
    }
    let interval = match &section.interval {
        Some(i) => crate::time::parse_duration(&i.value)
            .map_err(|e| anyhow!("playbook {}: watch.prometheus.interval: {e}", pb.name.value))?,
        None => prometheus::INTERVAL,
    };
    let queries = section
        .figures
        .iter()
        .map(|f| prometheus::Query {
            name: f.name.value.trim().to_string(),
            query: f.query.value.clone(),
            unit: f.unit.clone().unwrap_or_default(),
        })
        .collect();
    Ok(Some(prometheus::Config::new(&url, queries, interval)))
}

/// How a seat comes to an existing incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seat {
    /// `join`: another seat on the incident.
    Join,
    /// `join --viewer`: reads only.
    Viewer,
    /// `resume`: the seat that ran it, back after a crash or a quit.
    Resume,
    /// `drill --facilitator ID`: a drill's facilitator, beside the players.
    Facilitator,
}

/// An existing incident's state, rebuilt from its records. A drill's
/// pods, alerts and figures are rebuilt by applying every inject the record
/// says fired, at the time it fired.
pub fn existing_state(
    records: Vec<Record>,
    seat_id: &str,
    seat: Seat,
    now: DateTime<Utc>,
) -> Result<State> {
    existing_state_with(records, seat_id, seat, now, &load_declared)
}

/// The playbook a declaration names (its `source`), and a drill's
/// scenario (its `scenario`, and the playbook the scenario names unless
/// the declaration's source overrides it).
pub fn load_declared(
    drill: bool,
    source: Option<&str>,
    scenario: Option<&str>,
) -> Result<(Playbook, Option<Scenario>)> {
    if drill {
        let which = scenario
            .ok_or_else(|| anyhow!("the drill's declaration does not say which scenario it ran"))?;
        let pb_override = source
            .filter(|s| !s.starts_with("bundled:"))
            .map(std::path::PathBuf::from);
        let (sc, pb, _) = resolve_drill(Some(which), pb_override.as_deref())?;
        return Ok((pb, Some(sc)));
    }
    let source = source
        .ok_or_else(|| anyhow!("the declaration does not say which playbook the incident uses"))?;
    Ok((load_source(source)?, None))
}

/// Loads a declaration's playbook and scenario from (drill, source,
/// scenario), as [`load_declared`] does.
pub type LoadDeclared =
    dyn Fn(bool, Option<&str>, Option<&str>) -> Result<(Playbook, Option<Scenario>)>;

/// [`existing_state`] with the declaration's playbook and scenario loaded
/// by `load` (as [`load_declared`] does).
pub fn existing_state_with(
    records: Vec<Record>,
    seat_id: &str,
    seat: Seat,
    now: DateTime<Utc>,
    load: &LoadDeclared,
) -> Result<State> {
    let Some(Record {
        event:
            Event::Declared {
                source,
                scenario,
                watch,
                procedure,
                drill,
                ..
            },
        at: declared_at,
        ..
    }) = records.first()
    else {
        return Err(anyhow!("the timeline does not start with a declaration"));
    };
    // The context is built from the declaration alone; the incident is
    // replayed once, at the end, from the records themselves (no copy).
    let declaration = &records[..1];
    if seat == Seat::Facilitator && !*drill {
        let id = match &records[0].event {
            Event::Declared { id, .. } => id.clone(),
            _ => String::new(),
        };
        return Err(anyhow!(
            "{id} is a real incident, not a drill: it has no facilitator"
        ));
    }
    let (pb, sc) = load(*drill, source.as_deref(), scenario.as_deref())?;
    let mut st = if let Some(sc) = sc.filter(|_| *drill) {
        let mut st = drill_state(&sc, Arc::new(pb), seat_id, declaration, *declared_at);
        // What the script did, observed again without recording it again.
        for r in &records {
            if let Event::InjectFired {
                inject: Some(n), ..
            } = &r.event
                && let Some(inj) = st.ctx.injects.get(*n as usize).cloned()
            {
                inj.apply(&mut st.observed, r.at);
            }
        }
        st
    } else {
        let source = source.as_deref().unwrap_or_default();
        let spec = LiveSpec {
            procedure: Some(procedure.clone()),
            severity: None,
            title: None,
            ic: None,
            context: watch.get("context").cloned(),
            namespace: watch.get("namespace").cloned(),
            selector: watch.get("selector").cloned(),
            alertmanager: watch.get("alertmanager").cloned(),
            prometheus: None,
            read_only: seat == Seat::Viewer,
        };
        if pb.procedure(procedure).is_none() {
            return Err(anyhow!(
                "playbook {source} no longer has procedure {procedure:?}"
            ));
        }
        live_state(
            Arc::new(pb),
            procedure,
            &spec,
            seat_id,
            declaration,
            *declared_at,
        )
    };
    let declared_at = *declared_at;
    let drill = *drill;
    st.incident = Incident::replay_owned(records);
    st.now = now;
    st.ctx.viewer = seat == Seat::Viewer;
    // A drill's script is recorded by the seat running it; live
    // observations by every seat (the store writes each once).
    st.ctx.records_observations = match seat {
        Seat::Resume => true,
        Seat::Join | Seat::Facilitator => !drill,
        Seat::Viewer => false,
    };
    st.ctx.facilitator = seat == Seat::Facilitator;
    st.ctx.started = declared_at;
    crate::view::refresh(&mut st);
    Ok(st)
}

/// What the pods pane watches, for people: `identity-platform app=api`.
pub fn watch_label(namespace: &str, selector: Option<&str>) -> String {
    match selector.filter(|s| !s.trim().is_empty()) {
        Some(sel) => format!("{namespace} {sel}"),
        None => namespace.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The session's redactor carries the playbook's `redact` patterns:
    /// what a run shows and records is masked by them.
    #[test]
    fn the_playbooks_redact_patterns_reach_the_session() {
        let mut pb = crate::playbook::load_bundled("dicps.yaml").expect("the bundled playbook");
        pb.redact.push(crate::playbook::model::At::new(
            "tok_[a-z0-9]{6}".to_string(),
        ));
        let spec = LiveSpec::default();
        let (procedure, _, _) = resolve_live(&pb, &spec).expect("a procedure");
        let st = live_state(Arc::new(pb), &procedure, &spec, "ana@h", &[], Utc::now());
        assert_eq!(
            st.ctx.redactor.line("curl -H 'X-Key: tok_ab12cd' host"),
            "curl -H 'X-Key: [redacted]' host"
        );
    }
}
