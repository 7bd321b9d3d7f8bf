//! Real NATS servers for the store tests: Debian's `nats-server` (2.9.10
//! here), a 3-node JetStream cluster on free loopback ports in a temp dir,
//! killed on drop; a node can be killed with SIGKILL and restarted on the
//! same ports and storage, or frozen (SIGSTOP) and thawed; a TCP proxy between a "host" and a node can be
//! stopped and started again to cut that host off.
//!
//! Without the binary these tests fail and say what to install.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The tests that disturb a cluster (a leader killed, a host cut off) take
/// it for writing, the other cluster tests for reading: the store tests of
/// every module (`nats_store`, `shared_incident`) share it, as they share
/// one test binary.
pub static EXCLUSIVE: RwLock<()> = RwLock::new(());

pub const INSTALL: &str = "the store tests need nats-server: apt-get install nats-server \
     (scripts/test installs it)";

/// The nats-server binary, or a failure that says what to install.
pub fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("NATS_SERVER_BIN") {
        return PathBuf::from(p);
    }
    for p in [
        "/usr/sbin/nats-server",
        "/usr/bin/nats-server",
        "/usr/local/bin/nats-server",
    ] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("{INSTALL}");
}

/// A free loopback port, never the same twice in this test process
/// (clusters start side by side: one must not take another's port between
/// the check and the server's bind).
pub fn free_port() -> u16 {
    static GIVEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("binding a free loopback port")
            .local_addr()
            .expect("a bound port")
            .port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

pub struct Node {
    pub name: String,
    pub port: u16,
    pub cluster_port: u16,
    pub monitor_port: u16,
    conf: PathBuf,
    log: PathBuf,
    env: Vec<(String, String)>,
    child: Option<Child>,
}

impl Node {
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn spawn(&mut self) {
        let bin = binary();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("creating a server log in the temp dir");
        let child = Command::new(&bin)
            .arg("-c")
            .arg(&self.conf)
            .envs(self.env.iter().cloned())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL}", bin.display()));
        self.child = Some(child);
    }

    /// SIGKILL (kill -9) and wait for it to be gone.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// SIGSTOP: the server hangs without a word (no connection closed, no
    /// answer, no error to anyone) until [`Node::thaw`], like a server
    /// wedged or cut off behind a partition that drops packets.
    pub fn freeze(&mut self) {
        self.signal(nix::sys::signal::Signal::SIGSTOP);
    }

    /// SIGCONT after [`Node::freeze`].
    pub fn thaw(&mut self) {
        self.signal(nix::sys::signal::Signal::SIGCONT);
    }

    fn signal(&self, sig: nix::sys::signal::Signal) {
        if let Some(c) = &self.child {
            let pid = nix::unistd::Pid::from_raw(c.id() as i32);
            nix::sys::signal::kill(pid, sig)
                .unwrap_or_else(|e| panic!("{sig} to nats-server {}: {e}", self.name));
        }
    }

    fn healthy(&self) -> bool {
        // /healthz: 200 once the server (and its JetStream) is ready.
        http_get(self.monitor_port, "/healthz")
            .map(|r| r.starts_with("HTTP/1.1 200") || r.starts_with("HTTP/1.0 200"))
            .unwrap_or(false)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A cluster of `n` nodes (1: a single server, no cluster block).
pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub nodes: Vec<Node>,
}

/// What the servers require of clients (an `authorization` block).
#[derive(Clone)]
pub enum ServerAuth {
    UserPass {
        user: String,
        password: String,
    },
    Token(String),
    /// A user's public nkey (`U...`).
    Nkey(String),
    /// A config file of accounts and users (the sample deployment's), and
    /// the environment it reads passwords from.
    Include {
        file: PathBuf,
        env: Vec<(String, String)>,
    },
}

impl ServerAuth {
    fn block(&self) -> String {
        match self {
            ServerAuth::UserPass { user, password } => {
                format!("authorization {{\n  user: \"{user}\"\n  password: \"{password}\"\n}}\n")
            }
            ServerAuth::Token(t) => format!("authorization {{\n  token: \"{t}\"\n}}\n"),
            ServerAuth::Nkey(k) => {
                format!("authorization {{\n  users: [\n    {{ nkey: {k} }}\n  ]\n}}\n")
            }
            // Copied beside the node's config (`start_in`): nats-server
            // takes include paths relative to the including file.
            ServerAuth::Include { .. } => "include \"accounts.conf\"\n".into(),
        }
    }
}

impl Cluster {
    pub fn start(n: usize) -> Cluster {
        Cluster::start_with(n, None)
    }

    pub fn start_with(n: usize, auth: Option<ServerAuth>) -> Cluster {
        let dir = tempfile::tempdir().expect("a temp dir for the cluster");
        Cluster::start_in(dir, n, auth, None)
    }

    /// Servers that speak TLS only and require a client certificate
    /// signed by `tls`'s CA.
    pub fn start_tls(n: usize, dir: tempfile::TempDir, tls: &TlsFiles) -> Cluster {
        Cluster::start_in(dir, n, None, Some(tls))
    }

    fn start_in(
        dir: tempfile::TempDir,
        n: usize,
        auth: Option<ServerAuth>,
        tls: Option<&TlsFiles>,
    ) -> Cluster {
        let ports: Vec<(u16, u16, u16)> = (0..n)
            .map(|_| (free_port(), free_port(), free_port()))
            .collect();
        if let Some(ServerAuth::Include { file, .. }) = &auth {
            std::fs::copy(file, dir.path().join("accounts.conf"))
                .unwrap_or_else(|e| panic!("copying {}: {e}", file.display()));
        }
        let routes: Vec<String> = ports
            .iter()
            .map(|(_, c, _)| format!("nats-route://127.0.0.1:{c}"))
            .collect();
        let mut nodes = Vec::new();
        for (i, (port, cport, mport)) in ports.iter().enumerate() {
            let name = format!("n{}", i + 1);
            let store = dir.path().join(&name);
            let mut conf = format!(
                "server_name: {name}\nlisten: 127.0.0.1:{port}\nhttp: 127.0.0.1:{mport}\n\
                 jetstream {{\n  store_dir: \"{}\"\n}}\n",
                store.display()
            );
            if n > 1 {
                conf.push_str(&format!(
                    "cluster {{\n  name: cockpit-test\n  listen: 127.0.0.1:{cport}\n  routes: [\n    {}\n  ]\n}}\n",
                    routes.join("\n    ")
                ));
            }
            if let Some(a) = &auth {
                conf.push_str(&a.block());
            }
            if let Some(t) = tls {
                conf.push_str(&format!(
                    "tls {{\n  cert_file: \"{}\"\n  key_file: \"{}\"\n  ca_file: \"{}\"\n  verify: true\n}}\n",
                    t.server_cert.display(),
                    t.server_key.display(),
                    t.ca.display()
                ));
            }
            let path = dir.path().join(format!("{name}.conf"));
            std::fs::write(&path, conf).expect("writing a server config");
            nodes.push(Node {
                name,
                port: *port,
                cluster_port: *cport,
                monitor_port: *mport,
                conf: path,
                log: dir.path().join(format!("n{}.log", i + 1)),
                env: match &auth {
                    Some(ServerAuth::Include { env, .. }) => env.clone(),
                    _ => Vec::new(),
                },
                child: None,
            });
        }
        for node in &mut nodes {
            node.spawn();
        }
        let c = Cluster { dir, nodes };
        c.wait_healthy(Duration::from_secs(30));
        c
    }

    /// Waits until every running node answers /healthz with 200.
    pub fn wait_healthy(&self, within: Duration) {
        let deadline = Instant::now() + within;
        for node in self.nodes.iter().filter(|n| n.is_running()) {
            while !node.healthy() {
                if Instant::now() > deadline {
                    panic!(
                        "nats-server {} did not become healthy within {within:?}; its log:\n{}",
                        node.name,
                        node.log()
                    );
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// All client URLs, comma-separated, starting with node `first`.
    pub fn urls_from(&self, first: usize) -> String {
        let n = self.nodes.len();
        (0..n)
            .map(|i| self.nodes[(first + i) % n].url())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    pub fn kill9(&mut self, i: usize) {
        self.nodes[i].kill9();
    }

    /// Starts a killed node again on the same ports and storage and waits
    /// for it to be healthy.
    pub fn restart(&mut self, i: usize) {
        self.nodes[i].spawn();
        self.wait_healthy(Duration::from_secs(30));
    }

    pub fn logs(&self) -> String {
        self.nodes
            .iter()
            .map(|n| format!("== {}\n{}", n.name, n.log()))
            .collect()
    }
}

fn http_get(port: u16, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    Ok(out)
}

/// A TCP proxy on a loopback port to one upstream port. `stop` closes the
/// listener and every connection through it (the host behind it is cut
/// off); `start` listens again on the same port. It can also hold the
/// host's first write that holds a marker until the test lets it go
/// ([`Proxy::hold_at`]: another host writes first meanwhile), and drop
/// every answer after such a write ([`Proxy::mute_replies_at`]: the
/// server stores it, the host never hears).
pub struct Proxy {
    pub port: u16,
    upstream: u16,
    running: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
    thread: Option<JoinHandle<()>>,
    hooks: Arc<Hooks>,
}

/// A marker, whom to tell it has come, and when to let it go.
type Hold = (
    Vec<u8>,
    std::sync::mpsc::Sender<()>,
    std::sync::mpsc::Receiver<()>,
);

/// What the proxy watches the host's writes for.
#[derive(Default)]
pub struct Hooks {
    /// Hold the first write holding this marker: say so on the first
    /// sender, forward it when the second channel says.
    hold: Mutex<Option<Hold>>,
    /// After a write holding this marker, drop what the server sends.
    mute_at: Mutex<Option<Vec<u8>>>,
    muted: AtomicBool,
    /// The last marker watched for, and how many writes held it so far.
    counted: Mutex<Option<Vec<u8>>>,
    pub seen: std::sync::atomic::AtomicUsize,
}

/// A write the proxy holds ([`Proxy::hold_at`]).
pub struct Held {
    /// Says when the write has reached the proxy (and is held).
    pub reached: std::sync::mpsc::Receiver<()>,
    /// Lets it go on to the server.
    pub release: std::sync::mpsc::Sender<()>,
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

impl Hooks {
    /// Called with each write from the host before it is forwarded.
    fn upstream(&self, chunk: &[u8]) {
        if let Some(m) = self.counted.lock().expect("proxy hooks").as_ref()
            && contains(chunk, m)
        {
            self.seen.fetch_add(1, Ordering::SeqCst);
        }
        let held = {
            let mut h = self.hold.lock().expect("proxy hooks");
            match h.as_ref() {
                Some((m, _, _)) if contains(chunk, m) => h.take(),
                _ => None,
            }
        };
        if let Some((_, reached, release)) = held {
            let _ = reached.send(());
            let _ = release.recv_timeout(Duration::from_secs(30));
            return;
        }
        let mute = self.mute_at.lock().expect("proxy hooks");
        if let Some(m) = mute.as_ref()
            && contains(chunk, m)
        {
            self.muted.store(true, Ordering::SeqCst);
        }
    }
}

impl Proxy {
    pub fn start(upstream: u16) -> Proxy {
        let mut p = Proxy {
            port: free_port(),
            upstream,
            running: Arc::new(AtomicBool::new(false)),
            conns: Arc::new(Mutex::new(Vec::new())),
            thread: None,
            hooks: Arc::default(),
        };
        p.resume();
        p
    }

    /// Holds the host's first write holding `marker` until
    /// `Held::release` says (or 30 s pass).
    pub fn hold_at(&self, marker: &str) -> Held {
        let (reached_tx, reached) = std::sync::mpsc::channel();
        let (release, release_rx) = std::sync::mpsc::channel();
        *self.hooks.hold.lock().expect("proxy hooks") =
            Some((marker.as_bytes().to_vec(), reached_tx, release_rx));
        *self.hooks.counted.lock().expect("proxy hooks") = Some(marker.as_bytes().to_vec());
        Held { reached, release }
    }

    /// From the host's first write holding `marker` on (forwarded), drops
    /// whatever the server sends back, until [`Proxy::stop`].
    pub fn mute_replies_at(&self, marker: &str) {
        *self.hooks.mute_at.lock().expect("proxy hooks") = Some(marker.as_bytes().to_vec());
        *self.hooks.counted.lock().expect("proxy hooks") = Some(marker.as_bytes().to_vec());
    }

    /// Whether replies are being dropped now.
    pub fn muted(&self) -> bool {
        self.hooks.muted.load(Ordering::SeqCst)
    }

    /// How many writes held the last marker watched for.
    pub fn marked(&self) -> usize {
        self.hooks.seen.load(Ordering::SeqCst)
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Listens again (same port).
    pub fn resume(&mut self) {
        assert!(self.thread.is_none(), "the proxy is already running");
        let deadline = Instant::now() + Duration::from_secs(10);
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", self.port)) {
                Ok(l) => break l,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("the proxy cannot listen on {} again: {e}", self.port),
            }
        };
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        self.running.store(true, Ordering::SeqCst);
        let running = self.running.clone();
        let conns = self.conns.clone();
        let upstream = self.upstream;
        let hooks = self.hooks.clone();
        self.thread = Some(std::thread::spawn(move || {
            while running.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((down, _)) => {
                        let Ok(up) = TcpStream::connect(("127.0.0.1", upstream)) else {
                            continue;
                        };
                        let _ = down.set_nonblocking(false);
                        let _ = down.set_nodelay(true);
                        let _ = up.set_nodelay(true);
                        let (Ok(d2), Ok(u2)) = (down.try_clone(), up.try_clone()) else {
                            continue;
                        };
                        {
                            let mut c = conns.lock().expect("proxy connections");
                            if let (Ok(a), Ok(b)) = (down.try_clone(), up.try_clone()) {
                                c.push(a);
                                c.push(b);
                            }
                        }
                        let (h1, h2) = (hooks.clone(), hooks.clone());
                        std::thread::spawn(move || pipe(down, u2, h1, true));
                        std::thread::spawn(move || pipe(up, d2, h2, false));
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        }));
    }

    /// Cuts the host off: no new connections, existing ones closed.
    pub fn stop(&mut self) {
        self.running.store(false, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        for c in self.conns.lock().expect("proxy connections").drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
        *self.hooks.mute_at.lock().expect("proxy hooks") = None;
        self.hooks.muted.store(false, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop();
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream, hooks: Arc<Hooks>, from_host: bool) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if from_host {
                    hooks.upstream(&buf[..n]);
                } else if hooks.muted.load(Ordering::SeqCst) {
                    continue;
                }
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

/// A test CA, a server certificate for 127.0.0.1 and a client certificate,
/// made with the openssl command (EC P-256, valid a day).
pub struct TlsFiles {
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("the TLS test needs the openssl command ({e}): apt-get install openssl")
        });
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl TlsFiles {
    pub fn make(dir: &Path) -> TlsFiles {
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        let mut a = vec!["req", "-x509"];
        a.extend(ec);
        a.extend([
            "-keyout",
            "ca-key.pem",
            "-out",
            "ca.pem",
            "-days",
            "1",
            "-subj",
            "/CN=cockpit test CA",
        ]);
        openssl(dir, &a);
        for (who, ext) in [
            (
                "server",
                "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
            ),
            ("client", "extendedKeyUsage=clientAuth\n"),
        ] {
            std::fs::write(dir.join(format!("{who}.ext")), ext)
                .expect("writing an openssl ext file");
            let key = format!("{who}-key.pem");
            let csr = format!("{who}.csr");
            let cn = format!("/CN={who}");
            let mut a = vec!["req"];
            a.extend(ec);
            a.extend(["-keyout", &key, "-out", &csr, "-subj", &cn]);
            openssl(dir, &a);
            let pem = format!("{who}.pem");
            let ext = format!("{who}.ext");
            openssl(
                dir,
                &[
                    "x509",
                    "-req",
                    "-in",
                    &csr,
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca-key.pem",
                    "-CAcreateserial",
                    "-out",
                    &pem,
                    "-days",
                    "1",
                    "-extfile",
                    &ext,
                ],
            );
        }
        TlsFiles {
            ca: dir.join("ca.pem"),
            server_cert: dir.join("server.pem"),
            server_key: dir.join("server-key.pem"),
            client_cert: dir.join("client.pem"),
            client_key: dir.join("client-key.pem"),
        }
    }
}
