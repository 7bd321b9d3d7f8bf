//! Test fixtures: the bundled drill at a fixed time, and a harness that
//! carries out `update`'s effects against a real file store with the
//! loop's `Effects` trait (its `Direct` implementation).

use crate::app::effects::Direct;
use crate::msg::{Effect, Msg};
use crate::session;
use crate::state::{HostSnapshot, State};
use crate::timeline::{FileStore, Record, Store};
use crate::update::update;
use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T13:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// `secs` seconds after `t0`.
pub fn at(secs: i64) -> DateTime<Utc> {
    t0() + TimeDelta::seconds(secs)
}

/// Records numbered from 1, each `secs` after `t0`, by whom.
pub fn records_at(evs: Vec<(i64, &str, crate::timeline::Event)>) -> Vec<crate::timeline::Record> {
    evs.into_iter()
        .enumerate()
        .map(|(i, (secs, by, event))| crate::timeline::Record {
            share: Default::default(),
            seq: i as u64 + 1,
            at: at(secs),
            by: by.into(),
            event,
        })
        .collect()
}

pub fn host() -> HostSnapshot {
    HostSnapshot {
        hostname: "bastion-1".into(),
        cpu_percent: 12.5,
        cpus: 2,
        mem_used: 6 * 1024 * 1024 * 1024,
        mem_total: 24 * 1024 * 1024 * 1024,
        load: [0.42, 0.31, 0.2],
        cores: vec![10.0, 15.0],
        disks: vec![crate::state::observed::DiskUse {
            mount: "/".into(),
            used: 100 * 1024 * 1024 * 1024,
            total: 252 * 1024 * 1024 * 1024,
        }],
        ..Default::default()
    }
}

/// An alert as Alertmanager would list it.
pub fn am_alert(
    name: &str,
    instance: &str,
    severity: &str,
    state: crate::state::AlertState,
    since_secs: i64,
) -> crate::state::Alert {
    let labels: std::collections::BTreeMap<String, String> = [
        ("alertname", name),
        ("instance", instance),
        ("severity", severity),
        ("service", "dicps-api"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    crate::state::Alert {
        fingerprint: format!("{:016x}", {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (name, instance).hash(&mut h);
            h.finish()
        }),
        alertname: name.into(),
        severity: severity.into(),
        summary: format!("{name} on {instance}"),
        since: t0() - TimeDelta::seconds(since_secs),
        labels,
        annotations: [
            ("summary".to_string(), format!("{name} on {instance}")),
            (
                "runbook_url".to_string(),
                format!("https://runbooks.example/{name}"),
            ),
        ]
        .into(),
        state,
        silenced_by: if state == crate::state::AlertState::Suppressed {
            vec!["5f2c9a4e-1111-2222-3333-444455556666".into()]
        } else {
            vec![]
        },
        inhibited_by: vec![],
        generator_url: format!(
            "http://prometheus.example/graph?g0.expr=up%7Binstance%3D%22{instance}%22%7D"
        ),
    }
}

/// A pod as a test writes it: a name, `READY` and `STATUS`, nothing else.
pub fn pod(name: &str, ready: &str, status: &str) -> crate::state::Pod {
    crate::state::Pod {
        name: name.into(),
        ready: ready.into(),
        status: status.into(),
        restarts: 0,
        last_restart: None,
        created: Default::default(),
        node: None,
        phase: None,
    }
}

/// A poll of the usual four alerts: APIDown on two instances (one
/// silenced), HighErrorRate, and an unprocessed CertExpiring.
pub fn am_poll() -> crate::alerts::Poll {
    use crate::state::AlertState::*;
    crate::alerts::Poll {
        alerts: vec![
            am_alert("HighErrorRate", "lb-1:443", "warning", Active, 110),
            am_alert("APIDown", "api-1:8080", "critical", Active, 170),
            am_alert("APIDown", "api-2:8080", "critical", Suppressed, 150),
            am_alert("CertExpiring", "lb-1:443", "info", Unprocessed, 30),
        ],
        silences: vec![],
        resolve_after: None,
        took_ms: 12,
    }
}

pub struct Harness {
    pub state: State,
    pub store: FileStore,
    pub now: DateTime<Utc>,
    _dir: Arc<tempfile::TempDir>,
}

impl Harness {
    /// The bundled API-outage drill, declared at `t0`, in UTC.
    pub fn drill() -> Self {
        Self::drill_of(session::DEFAULT_SCENARIO)
    }

    /// A bundled drill by name, declared at `t0`, in UTC.
    pub fn drill_of(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (scenario, playbook, origin) = session::resolve_drill(Some(name), None).unwrap();
        let seat = "ana@bastion-1";
        let id = session::drill_incident_id(t0(), &scenario);
        let mut store = FileStore::create(dir.path(), &id).unwrap();
        let declared = store
            .append(
                t0(),
                seat,
                session::drill_declaration(&id, &scenario, &playbook, &origin, seat),
            )
            .unwrap()
            .record
            .unwrap();
        let mut state =
            session::drill_state(&scenario, Arc::new(playbook), seat, &[declared], t0());
        state.ctx.tz = FixedOffset::east_opt(0).unwrap();
        state.observed.host = Some(host());
        state.ui.size = (120, 40);
        Self {
            state,
            store,
            now: t0(),
            _dir: Arc::new(dir),
        }
    }

    /// The same drill on the facilitator's seat.
    pub fn facilitator() -> Self {
        let mut h = Self::drill();
        h.state.ctx.facilitator = true;
        h
    }

    /// Another seat on this harness's incident, rebuilt from its record
    /// as `join`/`resume` do, at this harness's time.
    pub fn join(&self, who: &str, seat: session::Seat) -> Self {
        let (store, read) = FileStore::open(self.store.path()).unwrap();
        let mut state = session::existing_state(read.records, who, seat, self.now).unwrap();
        state.ctx.tz = FixedOffset::east_opt(0).unwrap();
        state.observed.host = Some(host());
        if seat == session::Seat::Viewer {
            state.ctx.read_only = true;
        }
        Self {
            state,
            store,
            now: self.now,
            _dir: self._dir.clone(),
        }
    }

    /// What other seats appended since, delivered as the recorder does.
    pub fn follow(&mut self) {
        let new = self.store.read_new().unwrap();
        for r in new.records {
            self.send(Msg::Followed(Box::new(r)));
        }
    }

    /// A live incident on the bundled DICPS playbook, whose `watch` names
    /// namespace identity-platform and selector app=dicps-api, declared at
    /// `t0`, in UTC, without Alertmanager. No source runs: tests send its
    /// messages.
    pub fn live_kube() -> Self {
        let mut h = Self::live_with("dicps", None);
        h.state.observed.host = Some(host());
        h
    }

    /// A live incident from a bundled playbook, declared at `t0`, in UTC,
    /// watching a (fake) Alertmanager.
    pub fn live(playbook: &str) -> Self {
        Self::live_with(playbook, Some("http://alertmanager.test:9093"))
    }

    fn live_with(playbook: &str, alertmanager: Option<&str>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pb = crate::playbook::load_bundled(&format!("{playbook}.yaml")).unwrap();
        let seat = "ana@bastion-1";
        let spec = session::LiveSpec {
            procedure: None,
            severity: None,
            title: None,
            ic: None,
            context: None,
            namespace: None,
            selector: None,
            alertmanager: alertmanager.map(Into::into),
            prometheus: None,
            read_only: false,
        };
        let (procedure, severity, title) = session::resolve_live(&pb, &spec).unwrap();
        let id = session::live_incident_id(t0(), &procedure);
        let mut store = FileStore::create(dir.path(), &id).unwrap();
        let declared = store
            .append(
                t0(),
                seat,
                crate::timeline::Event::Declared {
                    id: id.clone(),
                    title,
                    severity,
                    status: crate::timeline::Status::Investigating,
                    ic: seat.into(),
                    playbook: pb.name.value.clone(),
                    procedure: procedure.clone(),
                    drill: false,
                    source: Some("bundled:dicps.yaml".into()),
                    scenario: None,
                    watch: Default::default(),
                },
            )
            .unwrap()
            .record
            .unwrap();
        let mut state =
            session::live_state(Arc::new(pb), &procedure, &spec, seat, &[declared], t0());
        state.ctx.tz = FixedOffset::east_opt(0).unwrap();
        state.ui.size = (120, 40);
        Self {
            state,
            store,
            now: t0(),
            _dir: Arc::new(dir),
        }
    }

    /// Appends a record as if this seat had (it comes back as `Recorded`).
    pub fn record(&mut self, ev: crate::timeline::Event) {
        let rec = self
            .store
            .append(self.now, &self.state.ctx.seat.clone(), ev)
            .unwrap()
            .record
            .unwrap();
        self.send(Msg::Recorded(Box::new(rec)));
    }

    /// The id of the first Alertmanager request in flight.
    pub fn inflight(&self) -> String {
        let first = self.state.observed.feed.inflight.keys().next();
        first.expect("a request in flight").clone()
    }

    pub fn advance(&mut self, secs: i64) {
        self.now += TimeDelta::seconds(secs);
        self.send(Msg::Tick);
    }

    /// Applies a message; appends go to the store and come back as
    /// `Recorded`, as in the loop. Returns the other effects.
    pub fn send(&mut self, msg: Msg) -> Vec<Effect> {
        // What is on screen when the message comes: the loop has drawn
        // the state (on start, and after every batch).
        self.draw();
        // The loop's effects answer through the recorder; these at once,
        // in the same order.
        let seat = self.state.ctx.seat.clone();
        let mut fx = Direct::new(&mut self.store, &seat, self.now);
        crate::app::effects::apply(&mut self.state, msg, self.now, &mut fx);
        let rest = fx.done;
        self.draw();
        rest
    }

    /// Draws the state at its size, as the loop does after applying
    /// messages, and hands where things were placed back to `update`.
    pub fn draw(&mut self) {
        let (w, h) = self.state.ui.size;
        if w == 0 || h == 0 {
            return;
        }
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h))
            .expect("a test terminal");
        let mut placed = Default::default();
        term.draw(|f| placed = crate::ui::draw(&self.state, f))
            .expect("a test frame");
        update(&mut self.state, Msg::Drawn(Box::new(placed)), self.now);
    }

    /// Applies a message but holds the appends back (as if fsync were slow).
    pub fn send_held(&mut self, msg: Msg) -> Vec<Effect> {
        update(&mut self.state, msg, self.now)
    }

    pub fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    pub fn ctrl(&mut self, c: char) -> Vec<Effect> {
        self.send(Msg::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )))
    }

    pub fn keys(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Fires every scenario inject due by `secs` after the start, as the
    /// drill source proposes them.
    pub fn run_injects_until(&mut self, secs: u64) {
        let injects = self.state.ctx.injects.clone();
        for (i, inj) in injects.iter().enumerate() {
            if inj.offset().as_secs() <= secs {
                self.now = t0() + TimeDelta::seconds(inj.offset().as_secs() as i64);
                self.send(Msg::InjectDue(i as u32));
            }
        }
        self.now = t0() + TimeDelta::seconds(secs as i64);
        self.send(Msg::Tick);
    }

    pub fn records(&self) -> Vec<Record> {
        self.store.read_from(1).unwrap().records
    }
}

impl Harness {
    /// Selects a step of the procedure by id.
    pub fn select_step(&mut self, id: &str) {
        self.state.ui.focus = crate::state::Pane::Checklist;
        self.state.ui.step = self
            .state
            .ctx
            .procedure()
            .steps()
            .position(|s| s.id.value == id)
            .unwrap_or_else(|| panic!("no step {id}"));
    }
}

/// A declaration for unit tests: P0, IC ana, the DICPS api-outage procedure.
pub use crate::timeline::testkit::declared;
