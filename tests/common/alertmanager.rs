//! A real Alertmanager (Debian's `prometheus-alertmanager`) on a free
//! loopback port, for the tests; and a headless cockpit that carries out
//! `update`'s effects the way the loop does.

use incident_cockpit::app::effects::{Direct, Effects};
use incident_cockpit::msg::{AmCommand, Effect, Msg};
use incident_cockpit::sources::alertmanager;
use incident_cockpit::state::State;
use incident_cockpit::timeline::{FileStore, Record, Store};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

pub const INSTALL: &str = "the Alertmanager tests need prometheus-alertmanager: \
     apt-get install prometheus-alertmanager (scripts/test installs it)";

/// The Alertmanager binary, or a failure that says what to install.
pub fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("ALERTMANAGER_BIN") {
        return PathBuf::from(p);
    }
    for p in [
        "/usr/bin/prometheus-alertmanager",
        "/usr/local/bin/alertmanager",
    ] {
        if std::path::Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("{INSTALL}");
}

pub struct Am {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Option<Child>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Am {
    pub fn start() -> Am {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("am.yml"),
            "route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n",
        )
        .unwrap();
        let mut am = Am {
            port: free_port(),
            dir,
            child: None,
        };
        am.spawn();
        am
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts (again) on the same port with the same storage.
    pub fn spawn(&mut self) {
        let bin = binary();
        let child = Command::new(&bin)
            .arg(format!("--web.listen-address=127.0.0.1:{}", self.port))
            .arg("--cluster.listen-address=")
            .arg(format!(
                "--storage.path={}",
                self.dir.path().join("data").display()
            ))
            .arg(format!(
                "--config.file={}",
                self.dir.path().join("am.yml").display()
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(self.dir.path().join("am.log")).unwrap(),
            ))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL}", bin.display()));
        self.child = Some(child);
        self.wait_ready();
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(body) = http("GET", self.port, "/-/ready", "")
                && body.contains("OK")
            {
                return;
            }
            if Instant::now() > deadline {
                let log =
                    std::fs::read_to_string(self.dir.path().join("am.log")).unwrap_or_default();
                panic!(
                    "Alertmanager did not become ready on port {}:\n{log}",
                    self.port
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops it (SIGKILL to its own pid) and waits for it to be gone.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// POST /api/v2/alerts.
    pub fn post_alerts(&self, json: &str) {
        http("POST", self.port, "/api/v2/alerts", json).expect("posting alerts");
    }
}

impl Drop for Am {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A minimal HTTP/1.1 exchange (no client of the crate under test).
pub fn http(method: &str, port: u16, path: &str, body: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    if !out.starts_with("HTTP/1.1 2") {
        return Err(std::io::Error::other(out));
    }
    Ok(out)
}

/// One alert for POST /api/v2/alerts; `ends` resolves it.
pub fn alert_json(name: &str, instance: &str, severity: &str, service: &str, ends: bool) -> String {
    let ends_at = if ends {
        format!(
            r#","endsAt":"{}""#,
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        )
    } else {
        String::new()
    };
    format!(
        r#"{{"labels":{{"alertname":"{name}","instance":"{instance}","severity":"{severity}","service":"{service}"}},"annotations":{{"summary":"{name} on {instance}","runbook_url":"https://runbooks.example/{name}"}},"generatorURL":"http://prometheus.example/graph?g0.expr=up"{ends_at}}}"#
    )
}

/// A live incident's cockpit without a terminal: the source, `update`,
/// and a real timeline file, wired the way the loop wires them.
pub struct Cockpit {
    pub state: State,
    pub store: FileStore,
    pub rx: UnboundedReceiver<Msg>,
    pub tx: UnboundedSender<Msg>,
    pub am: UnboundedSender<AmCommand>,
    pub _dir: tempfile::TempDir,
}

/// The loop's effects for this cockpit: appends straight to the file (the
/// tests' `Direct`), silence actions to the running source; nothing else
/// is expected.
struct Fx<'a> {
    direct: Direct<'a>,
    am: &'a UnboundedSender<AmCommand>,
}

impl Effects for Fx<'_> {
    fn carry_out(&mut self, fx: Effect) {
        match fx {
            Effect::Append(_) => self.direct.carry_out(fx),
            Effect::Alertmanager(cmd) => self.am.send(cmd).unwrap(),
            other => panic!("unexpected effect {other:?}"),
        }
    }

    fn answer(&mut self) -> Option<Msg> {
        self.direct.answer()
    }
}

pub const PLAYBOOK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/alerts-playbook.yaml"
);

impl Cockpit {
    /// Declares an incident and starts polling `url` with fast settings.
    pub fn open(url: &str, tune: impl FnOnce(&mut alertmanager::Config)) -> Cockpit {
        use incident_cockpit::session::{self, LiveSpec};
        use std::sync::Arc;
        let pb = incident_cockpit::playbook::load_file(std::path::Path::new(PLAYBOOK)).unwrap();
        let spec = LiveSpec {
            procedure: None,
            severity: None,
            title: None,
            ic: None,
            context: None,
            namespace: None,
            selector: None,
            alertmanager: Some(url.to_string()),
            prometheus: None,
            read_only: false,
        };
        let (procedure, severity, title) = session::resolve_live(&pb, &spec).unwrap();
        let mut cfg = session::alertmanager_config(&pb, &spec).unwrap().unwrap();
        cfg.interval = Duration::from_millis(200);
        cfg.timeout = Duration::from_secs(2);
        cfg.backoff_min = Duration::from_millis(200);
        cfg.backoff_max = Duration::from_millis(800);
        cfg.resend_grace = Duration::ZERO;
        tune(&mut cfg);
        let dir = tempfile::tempdir().unwrap();
        let now = chrono::Utc::now();
        let seat = "ana@bastion-1";
        let mut store = FileStore::create(dir.path(), "test-incident").unwrap();
        let declared = store
            .append(
                now,
                seat,
                incident_cockpit::timeline::Event::Declared {
                    id: "test-incident".into(),
                    title,
                    severity,
                    status: incident_cockpit::timeline::Status::Investigating,
                    ic: seat.into(),
                    playbook: pb.name.value.clone(),
                    procedure: procedure.clone(),
                    drill: false,
                    source: None,
                    scenario: None,
                    watch: Default::default(),
                },
            )
            .unwrap()
            .record
            .unwrap();
        let mut state =
            session::live_state(Arc::new(pb), &procedure, &spec, seat, &[declared], now);
        // A terminal as the loop sees it after its first resize event.
        state.ui.size = (120, 40);
        let (tx, rx) = unbounded_channel();
        let am = alertmanager::spawn(cfg, tx.clone()).unwrap();
        Cockpit {
            state,
            store,
            rx,
            tx,
            am,
            _dir: dir,
        }
    }

    /// Applies one message and carries out its effects.
    pub fn apply(&mut self, msg: Msg) {
        // What is on screen when the message comes, as in the loop.
        self.draw();
        let now = chrono::Utc::now();
        let mut fx = Fx {
            direct: Direct::new(&mut self.store, "ana@bastion-1", now),
            am: &self.am,
        };
        incident_cockpit::app::effects::apply(&mut self.state, msg, now, &mut fx);
    }

    /// Handles messages until `pred` holds (or fails after `secs`).
    pub async fn until(&mut self, what: &str, secs: u64, pred: impl Fn(&Cockpit) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        while !pred(self) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(m)) => self.apply(m),
                _ => panic!(
                    "timed out waiting for {what}; records: {:#?}\nhealth: {:?}\nalerts: {:?}",
                    self.kinds(),
                    self.state.observed.feed.health,
                    self.state
                        .observed
                        .alerts
                        .iter()
                        .map(|a| (&a.alertname, &a.fingerprint, a.state))
                        .collect::<Vec<_>>()
                ),
            }
        }
    }

    /// Draws the state at its size and hands where things were placed
    /// back to `update`, as the loop does after every batch.
    fn draw(&mut self) {
        let (w, h) = self.state.ui.size;
        if w == 0 || h == 0 {
            return;
        }
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        let mut placed = Default::default();
        term.draw(|f| placed = incident_cockpit::ui::draw(&self.state, f))
            .unwrap();
        let _ = incident_cockpit::update::update(
            &mut self.state,
            Msg::Drawn(Box::new(placed)),
            chrono::Utc::now(),
        );
    }

    /// Handles whatever arrives for `ms` milliseconds.
    pub async fn run_for(&mut self, ms: u64) {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
        while let Ok(Some(m)) = tokio::time::timeout_at(deadline, self.rx.recv()).await {
            self.apply(m);
        }
    }

    pub fn key(&mut self, code: crossterm::event::KeyCode) {
        self.apply(Msg::Key(crossterm::event::KeyEvent::from(code)));
    }

    pub fn text(&mut self, s: &str) {
        for c in s.chars() {
            self.key(crossterm::event::KeyCode::Char(c));
        }
    }

    pub fn records(&self) -> Vec<Record> {
        self.store.read_from(1).unwrap().records
    }

    pub fn kinds(&self) -> Vec<String> {
        self.records()
            .iter()
            .map(|r| r.event.kind().to_string())
            .collect()
    }

    /// The screen as text, at this size.
    pub fn screen(&self, w: u16, h: u16) -> String {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        term.draw(|f| {
            incident_cockpit::ui::draw(&self.state, f);
        })
        .unwrap();
        let buf = term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }
}
