//! Test fixtures: the bundled drill at a fixed time, and a harness that
//! carries out `update`'s effects against a real file store, the way the
//! loop does.

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

pub fn host() -> HostSnapshot {
    HostSnapshot {
        hostname: "bastion-1".into(),
        cpu_percent: 12.5,
        cpus: 2,
        mem_used: 6 * 1024 * 1024 * 1024,
        mem_total: 24 * 1024 * 1024 * 1024,
        load: [0.42, 0.31, 0.2],
        disk_used: 100 * 1024 * 1024 * 1024,
        disk_total: 252 * 1024 * 1024 * 1024,
        disk_mount: "/".into(),
    }
}

pub struct Harness {
    pub state: State,
    pub store: FileStore,
    pub now: DateTime<Utc>,
    _dir: tempfile::TempDir,
}

impl Harness {
    /// The bundled API-outage drill, declared at `t0`, in UTC.
    pub fn drill() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (scenario, playbook) = session::resolve_drill(None, None).unwrap();
        let seat = "ana@bastion-1";
        let id = session::drill_incident_id(t0(), &scenario);
        let mut store = FileStore::create(dir.path(), &id).unwrap();
        let declared = store
            .append(
                t0(),
                seat,
                session::drill_declaration(&id, &scenario, &playbook, seat),
            )
            .unwrap();
        let mut state =
            session::drill_state(&scenario, Arc::new(playbook), seat, &[declared], t0());
        state.ctx.tz = FixedOffset::east_opt(0).unwrap();
        state.observed.host = Some(host());
        Self {
            state,
            store,
            now: t0(),
            _dir: dir,
        }
    }

    /// A live incident on the bundled DICPS playbook, whose `watch` names
    /// namespace identity-platform and selector app=dicps-api, declared at
    /// `t0`, in UTC. No source runs: tests send its messages.
    pub fn live() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let playbook = crate::playbook::load_bundled("dicps.yaml").unwrap();
        let spec = session::LiveSpec {
            procedure: None,
            severity: None,
            title: None,
            ic: None,
            context: None,
            namespace: None,
            selector: None,
            read_only: false,
        };
        let seat = "ana@bastion-1";
        let (procedure, severity, title) = session::resolve_live(&playbook, &spec).unwrap();
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
                    playbook: playbook.name.value.clone(),
                    procedure: procedure.clone(),
                    drill: false,
                },
            )
            .unwrap();
        let mut state = session::live_state(
            Arc::new(playbook),
            &procedure,
            &spec,
            seat,
            &[declared],
            t0(),
        );
        state.ctx.tz = FixedOffset::east_opt(0).unwrap();
        state.observed.host = Some(host());
        Self {
            state,
            store,
            now: t0(),
            _dir: dir,
        }
    }

    pub fn advance(&mut self, secs: i64) {
        self.now += TimeDelta::seconds(secs);
        self.send(Msg::Tick);
    }

    /// Applies a message; appends go to the store and come back as
    /// `Recorded`, as in the loop. Returns the other effects.
    pub fn send(&mut self, msg: Msg) -> Vec<Effect> {
        let mut rest = Vec::new();
        let mut queue = vec![msg];
        while let Some(m) = queue.pop() {
            for fx in update(&mut self.state, m, self.now) {
                match fx {
                    Effect::Append(ev) => {
                        let rec = self
                            .store
                            .append(self.now, &self.state.ctx.seat.clone(), ev)
                            .unwrap();
                        queue.push(Msg::Recorded(Box::new(rec)));
                    }
                    other => rest.push(other),
                }
            }
        }
        rest
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

    /// Fires every scenario inject due by `secs` after the start.
    pub fn run_injects_until(&mut self, secs: u64) {
        let (scenario, _) = session::resolve_drill(None, None).unwrap();
        for inj in scenario.timed_injects() {
            if inj.offset().as_secs() <= secs {
                self.now = t0() + TimeDelta::seconds(inj.offset().as_secs() as i64);
                self.send(Msg::Drill(Box::new(inj)));
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
