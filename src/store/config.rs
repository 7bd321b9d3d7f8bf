//! Where the shared store is and how to reach it: server URLs, TLS, one way
//! to authenticate, and the stream's name, replicas and subject prefix.
//!
//! Pure: nothing here opens a file or a socket (a creds or seed file is a
//! path, read when connecting). Two ways in:
//! - [`StoreConfig::parse_urls`]: the `--store` argument,
//!   `nats://user:pass@h1:4222,nats://h2:4222` (`tls://` requires TLS;
//!   `nats://token@h` is a token, as for the `nats` tool);
//! - [`StoreConfig::from_file`]: the `store:` section of a config file
//!   ([`StoreFile`], a serde struct).
//!
//! Secrets (passwords, tokens) are held in [`Secret`], whose `Debug` is
//! `***` and which has no `Display`: neither the config's `Debug` nor its
//! `Display` ever shows one. Seeds and creds are files: only their paths
//! are kept.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_STREAM: &str = "INCIDENTS";
pub const DEFAULT_PREFIX: &str = "incidents";
pub const DEFAULT_REPLICAS: usize = 3;
pub const DEFAULT_PRESENCE_BUCKET: &str = "incident_presence";
pub const DEFAULT_PORT: u16 = 4222;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// A password or token. Never printed: `Debug` is `***`, there is no
/// `Display`; [`Secret::expose`] is for handing it to the client only.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// One way to authenticate, or none.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Auth {
    #[default]
    None,
    UserPassword {
        user: String,
        password: Secret,
    },
    Token(Secret),
    /// A file holding an nkey seed (`SU...`).
    NkeySeedFile(PathBuf),
    /// A `.creds` file (a user JWT and its seed).
    CredsFile(PathBuf),
}

impl Auth {
    fn describe(&self) -> String {
        match self {
            Auth::None => "no auth".into(),
            Auth::UserPassword { user, .. } => format!("user {user}, password ***"),
            Auth::Token(_) => "token ***".into(),
            Auth::NkeySeedFile(p) => format!("nkey seed file {}", p.display()),
            Auth::CredsFile(p) => format!("creds file {}", p.display()),
        }
    }
}

/// TLS with rustls: a CA to trust (else the system's roots), a client
/// certificate and key, and whether TLS is required.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Tls {
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub required: bool,
}

impl Tls {
    pub fn is_used(&self) -> bool {
        self.required || self.ca_file.is_some() || self.cert_file.is_some()
    }
}

/// One server: scheme, host and port, never credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    pub tls: bool,
    pub host: String,
    pub port: u16,
}

impl Server {
    /// The URL handed to the client (no credentials in it).
    pub fn url(&self) -> String {
        let scheme = if self.tls { "tls" } else { "nats" };
        format!("{scheme}://{}:{}", self.host, self.port)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreConfig {
    pub servers: Vec<Server>,
    pub auth: Auth,
    pub tls: Tls,
    /// The prefix of the incidents' stream names: an incident's stream is
    /// `<stream>_<token>` (see `store/mod.rs` for why one per incident).
    pub stream: String,
    /// Its replicas (3 in a team's 3-node cluster; 1 for a single server).
    pub replicas: usize,
    /// An incident's subject is `<prefix>.<token>`.
    pub subject_prefix: String,
    /// The KV bucket of who is on which incident.
    pub presence_bucket: String,
    /// Connect only to the configured servers, not to the ones the cluster
    /// advertises (behind a proxy or NAT, the advertised addresses are not
    /// reachable from here).
    pub ignore_discovered_servers: bool,
    /// How long a request or a publish acknowledgement may take.
    pub timeout: Duration,
}

/// A configuration that cannot be used: what is wrong and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

fn err<T>(msg: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError(msg.into()))
}

pub use crate::config::{StoreFile, TlsFile};

impl fmt::Debug for StoreFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets as *** (a config file's section may be logged by mistake).
        let hide = |s: &Option<String>| s.as_ref().map(|_| "***");
        f.debug_struct("StoreFile")
            .field(
                "servers",
                &self
                    .servers
                    .iter()
                    .map(|s| redact_url(s))
                    .collect::<Vec<_>>(),
            )
            .field("user", &self.user)
            .field("password", &hide(&self.password))
            .field("token", &hide(&self.token))
            .field("nkey_seed_file", &self.nkey_seed_file)
            .field("creds_file", &self.creds_file)
            .field("tls", &self.tls)
            .field("stream", &self.stream)
            .field("replicas", &self.replicas)
            .field("subject_prefix", &self.subject_prefix)
            .field("presence_bucket", &self.presence_bucket)
            .field("ignore_discovered_servers", &self.ignore_discovered_servers)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// A URL as given, with any credentials in it replaced by `***`: for
/// messages about a URL that may hold a password.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => (&url[..i + 3], &url[i + 3..]),
        None => ("", url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}***@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

fn percent_decode(s: &str, what: &str) -> Result<String, ConfigError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            let Some(v) = hex else {
                return err(format!(
                    "the {what} in a store URL has a bad %-escape: write a '%' as %25"
                ));
            };
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).or_else(|_| err(format!("the {what} in a store URL is not UTF-8")))
}

/// The parts of one URL: the server and the credentials found in it.
fn parse_one(url: &str) -> Result<(Server, Auth), ConfigError> {
    let shown = redact_url(url);
    let Some(i) = url.find("://") else {
        return err(format!(
            "store URL {shown:?} has no scheme: write nats://host:4222 (or tls://host:4222)"
        ));
    };
    let tls = match &url[..i] {
        "nats" => false,
        "tls" => true,
        other => {
            return err(format!(
                "store URL {shown:?}: scheme {other:?} is not supported: use nats:// or tls://"
            ));
        }
    };
    let mut rest = &url[i + 3..];
    if let Some(end) = rest.find(['/', '?', '#']) {
        if !rest[end..].trim_start_matches('/').is_empty() {
            return err(format!(
                "store URL {shown:?} has a path or query: give only nats://[user:pass@]host:port; \
                 other settings go in the config file's store section"
            ));
        }
        rest = &rest[..end];
    }
    let (userinfo, hostport) = match rest.rfind('@') {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    let auth = match userinfo {
        None => Auth::None,
        Some(ui) => match ui.split_once(':') {
            Some((u, p)) => {
                let user = percent_decode(u, "user")?;
                if user.is_empty() {
                    return err(format!(
                        "store URL {shown:?} has a password but no user: write nats://user:pass@host"
                    ));
                }
                Auth::UserPassword {
                    user,
                    password: Secret(percent_decode(p, "password")?),
                }
            }
            None if ui.is_empty() => {
                return err(format!(
                    "store URL {shown:?} has an empty user part before '@': remove the '@'"
                ));
            }
            None => Auth::Token(Secret(percent_decode(ui, "token")?)),
        },
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let Some((h, after)) = v6.split_once(']') else {
            return err(format!(
                "store URL {shown:?}: an IPv6 address needs its closing ']'"
            ));
        };
        (format!("[{h}]"), after.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (hostport.to_string(), None),
        }
    };
    if host.is_empty() || host == "[]" {
        return err(format!(
            "store URL {shown:?} has no host: write nats://host:4222"
        ));
    }
    if host
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == ',')
    {
        return err(format!(
            "store URL {shown:?}: the host has spaces or control characters"
        ));
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => {
                return err(format!(
                    "store URL {shown:?}: port {p:?} is not a port number (1-65535)"
                ));
            }
        },
    };
    Ok((Server { tls, host, port }, auth))
}

/// A name for a stream or bucket: letters, digits, `-` and `_`.
fn check_name(what: &str, s: &str) -> Result<(), ConfigError> {
    if s.is_empty()
        || s.len() > 64
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return err(format!(
            "the store's {what} {s:?} is not usable: use 1-64 letters, digits, '-' or '_'"
        ));
    }
    Ok(())
}

fn check_prefix(s: &str) -> Result<String, ConfigError> {
    let p = s.trim_end_matches('.');
    let ok = !p.is_empty()
        && p.split('.').all(|t| {
            !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    if !ok {
        return err(format!(
            "the store's subject prefix {s:?} is not usable: use dot-separated tokens of \
             letters, digits, '-' or '_' (like incidents or team.incidents)"
        ));
    }
    Ok(p.to_string())
}

impl StoreConfig {
    fn with_servers(servers: Vec<Server>, auth: Auth) -> StoreConfig {
        let tls = Tls {
            required: servers.iter().any(|s| s.tls),
            ..Tls::default()
        };
        StoreConfig {
            servers,
            auth,
            tls,
            stream: DEFAULT_STREAM.into(),
            replicas: DEFAULT_REPLICAS,
            subject_prefix: DEFAULT_PREFIX.into(),
            presence_bucket: DEFAULT_PRESENCE_BUCKET.into(),
            ignore_discovered_servers: false,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The `--store` argument: comma-separated URLs; credentials, if any,
    /// in one of them or the same in each.
    pub fn parse_urls(arg: &str) -> Result<StoreConfig, ConfigError> {
        let mut servers = Vec::new();
        let mut auth = Auth::None;
        for part in arg.split(',').map(str::trim) {
            if part.is_empty() {
                return err(format!(
                    "--store {:?} has an empty URL: separate URLs with single commas",
                    redact_url(arg)
                ));
            }
            let (server, a) = parse_one(part)?;
            if a != Auth::None {
                if auth != Auth::None && auth != a {
                    return err(
                        "--store has different credentials in different URLs: give them once \
                         (one user or token for the cluster)",
                    );
                }
                auth = a;
            }
            servers.push(server);
        }
        Ok(StoreConfig::with_servers(servers, auth))
    }

    /// The `store:` section of a config file. `what` names the file in
    /// errors.
    pub fn from_file(f: &StoreFile, what: &str) -> Result<StoreConfig, ConfigError> {
        if f.servers.is_empty() {
            return err(format!(
                "{what}: the store section has no servers: list them, like \
                 servers: [nats://h1:4222, nats://h2:4222]"
            ));
        }
        let mut servers = Vec::new();
        for s in &f.servers {
            let (server, a) =
                parse_one(s.trim()).map_err(|e| ConfigError(format!("{what}: {e}")))?;
            if a != Auth::None {
                return err(format!(
                    "{what}: store server {:?} has credentials in its URL: put them in the \
                     user/password, token, nkey_seed_file or creds_file fields",
                    redact_url(s)
                ));
            }
            servers.push(server);
        }
        let mut ways = Vec::new();
        if f.user.is_some() || f.password.is_some() {
            ways.push("user/password");
        }
        if f.token.is_some() {
            ways.push("token");
        }
        if f.nkey_seed_file.is_some() {
            ways.push("nkey_seed_file");
        }
        if f.creds_file.is_some() {
            ways.push("creds_file");
        }
        if ways.len() > 1 {
            return err(format!(
                "{what}: the store section has several ways to authenticate ({}): keep one",
                ways.join(", ")
            ));
        }
        let auth = match (&f.user, &f.password) {
            (Some(u), Some(p)) => Auth::UserPassword {
                user: u.clone(),
                password: Secret(p.clone()),
            },
            (Some(_), None) => {
                return err(format!(
                    "{what}: the store section has a user but no password: add password"
                ));
            }
            (None, Some(_)) => {
                return err(format!(
                    "{what}: the store section has a password but no user: add user"
                ));
            }
            (None, None) => {
                if let Some(t) = &f.token {
                    Auth::Token(Secret(t.clone()))
                } else if let Some(p) = &f.nkey_seed_file {
                    Auth::NkeySeedFile(p.clone())
                } else if let Some(p) = &f.creds_file {
                    Auth::CredsFile(p.clone())
                } else {
                    Auth::None
                }
            }
        };
        let mut cfg = StoreConfig::with_servers(servers, auth);
        cfg.tls = Tls {
            ca_file: f.tls.ca_file.clone(),
            cert_file: f.tls.cert_file.clone(),
            key_file: f.tls.key_file.clone(),
            required: f.tls.required || cfg.tls.required,
        };
        if let Some(s) = &f.stream {
            cfg.stream = s.clone();
        }
        if let Some(r) = f.replicas {
            cfg.replicas = r;
        }
        if let Some(p) = &f.subject_prefix {
            // `incidents.` as the design writes it is `incidents`.
            cfg.subject_prefix =
                check_prefix(p).map_err(|e| ConfigError(format!("{what}: {e}")))?;
        }
        if let Some(b) = &f.presence_bucket {
            cfg.presence_bucket = b.clone();
        }
        cfg.ignore_discovered_servers = f.ignore_discovered_servers;
        if let Some(t) = f.timeout_secs {
            cfg.timeout = Duration::from_secs(t);
        }
        cfg.validate()
            .map_err(|e| ConfigError(format!("{what}: {e}")))?;
        Ok(cfg)
    }

    /// Checks what parsing cannot: names, replicas, TLS files that go
    /// together. Call it after changing fields by hand.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.servers.is_empty() {
            return err("the store has no servers: give at least one nats://host:4222");
        }
        check_name("stream name", &self.stream)?;
        check_name("presence bucket", &self.presence_bucket)?;
        let prefix = check_prefix(&self.subject_prefix)?;
        if prefix != self.subject_prefix {
            return err(format!(
                "the store's subject prefix {:?} ends with '.': write {prefix:?}",
                self.subject_prefix
            ));
        }
        if !(1..=5).contains(&self.replicas) {
            return err(format!(
                "the store's replicas is {}: use 1 to 5 (3 for a 3-node cluster, 1 for one server)",
                self.replicas
            ));
        }
        match (&self.tls.cert_file, &self.tls.key_file) {
            (Some(_), None) => {
                return err("the store's TLS has a cert_file but no key_file: give both");
            }
            (None, Some(_)) => {
                return err("the store's TLS has a key_file but no cert_file: give both");
            }
            _ => {}
        }
        if let Auth::UserPassword { user, .. } = &self.auth
            && user.is_empty()
        {
            return err("the store's user is empty: give a user name");
        }
        if self.timeout.is_zero() {
            return err("the store's timeout is 0: give a few seconds (5 is the default)");
        }
        Ok(())
    }

    /// Every incident's subject: `<prefix>.>` (for permissions).
    pub fn all_subjects(&self) -> String {
        format!("{}.>", self.subject_prefix)
    }

    /// Servers as URLs for the client (no credentials).
    pub fn server_urls(&self) -> Vec<String> {
        self.servers.iter().map(Server::url).collect()
    }
}

impl fmt::Display for StoreConfig {
    /// One line, no secrets: `nats://h1:4222,nats://h2:4222 (user ana,
    /// password ***; TLS off) streams INCIDENTS_* R3 on incidents.>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tls = if self.tls.is_used() {
            let mut parts = vec!["TLS".to_string()];
            if let Some(ca) = &self.tls.ca_file {
                parts.push(format!("CA {}", ca.display()));
            }
            if let Some(c) = &self.tls.cert_file {
                parts.push(format!("client cert {}", c.display()));
            }
            parts.join(" ")
        } else {
            "TLS off".to_string()
        };
        write!(
            f,
            "{} ({}; {tls}) streams {}_* R{} on {}",
            self.server_urls().join(","),
            self.auth.describe(),
            self.stream,
            self.replicas,
            self.all_subjects()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_urls_with_credentials_in_one() {
        let c = StoreConfig::parse_urls("nats://ana:s3cr%40t@h1:4222, nats://h2:4223,nats://h3")
            .unwrap();
        assert_eq!(
            c.server_urls(),
            vec!["nats://h1:4222", "nats://h2:4223", "nats://h3:4222"]
        );
        assert_eq!(
            c.auth,
            Auth::UserPassword {
                user: "ana".into(),
                password: Secret::new("s3cr@t"),
            }
        );
        assert_eq!(c.stream, "INCIDENTS");
        assert_eq!(c.replicas, 3);
        assert_eq!(c.subject_prefix, "incidents");
        assert_eq!(c.all_subjects(), "incidents.>");
        assert!(!c.tls.required);
        c.validate().unwrap();
    }

    #[test]
    fn a_token_tls_and_ipv6() {
        let c = StoreConfig::parse_urls("tls://tok3n@[::1]:4443").unwrap();
        assert_eq!(c.auth, Auth::Token(Secret::new("tok3n")));
        assert!(c.tls.required);
        assert_eq!(c.server_urls(), vec!["tls://[::1]:4443"]);
    }

    #[test]
    fn bad_urls_say_what_is_wrong_and_what_to_do() {
        let cases = [
            ("h1:4222", "no scheme: write nats://"),
            ("http://h1", "use nats:// or tls://"),
            ("nats://h1:99999", "not a port number"),
            ("nats://h1:x", "not a port number"),
            ("nats://:4222", "no host"),
            ("nats://h1,,nats://h2", "empty URL"),
            ("nats://h1/path", "path or query"),
            ("nats://:pw@h1", "no user"),
            ("nats://a:b@h1,nats://c:d@h2", "different credentials"),
            ("nats://a:%zz@h1", "bad %-escape"),
        ];
        for (arg, want) in cases {
            let e = StoreConfig::parse_urls(arg).unwrap_err().to_string();
            assert!(e.contains(want), "{arg}: {e}");
        }
    }

    #[test]
    fn errors_about_a_url_never_show_its_password() {
        for arg in [
            "nats://ana:hunter2@h1:notaport",
            "nats://ana:hunter2@h1/x",
            "http://ana:hunter2@h1",
            "nats://ana:hunter2@h1,,",
        ] {
            let e = StoreConfig::parse_urls(arg).unwrap_err().to_string();
            assert!(!e.contains("hunter2"), "{e}");
        }
        assert_eq!(redact_url("nats://ana:pw@h:1"), "nats://***@h:1");
        assert_eq!(redact_url("nats://h:1"), "nats://h:1");
    }

    #[test]
    fn display_and_debug_redact_every_secret() {
        let mut c = StoreConfig::parse_urls("nats://ana:hunter2@h1").unwrap();
        for s in [format!("{c}"), format!("{c:?}"), format!("{c:#?}")] {
            assert!(!s.contains("hunter2"), "{s}");
            assert!(s.contains("***"), "{s}");
        }
        assert_eq!(
            c.to_string(),
            "nats://h1:4222 (user ana, password ***; TLS off) streams INCIDENTS_* R3 on incidents.>"
        );
        c.auth = Auth::Token(Secret::new("t0ken-value"));
        assert!(!format!("{c} {c:?}").contains("t0ken-value"));
        let f = StoreFile {
            servers: vec!["nats://h1".into()],
            password: Some("hunter2".into()),
            token: Some("t0ken-value".into()),
            ..StoreFile::default()
        };
        let d = format!("{f:?}");
        assert!(!d.contains("hunter2") && !d.contains("t0ken-value"), "{d}");
    }

    fn file(yaml: &str) -> Result<StoreConfig, ConfigError> {
        let f: StoreFile = serde_saphyr::from_str(yaml).map_err(|e| ConfigError(e.to_string()))?;
        StoreConfig::from_file(&f, "config.yaml")
    }

    #[test]
    fn a_config_file_section() {
        let c = file(
            "servers: [nats://h1:4222, tls://h2:4222]\nuser: ana\npassword: pw\n\
             tls: {ca_file: /etc/ca.pem, cert_file: /c.pem, key_file: /k.pem}\n\
             stream: TEAM\nreplicas: 1\nsubject_prefix: team.incidents.\n\
             ignore_discovered_servers: true\ntimeout_secs: 2\n",
        )
        .unwrap();
        assert_eq!(c.stream, "TEAM");
        assert_eq!(c.replicas, 1);
        assert_eq!(c.subject_prefix, "team.incidents");
        assert!(c.tls.required);
        assert_eq!(c.tls.ca_file, Some(PathBuf::from("/etc/ca.pem")));
        assert!(c.ignore_discovered_servers);
        assert_eq!(c.timeout, Duration::from_secs(2));
        let c = file("servers: [nats://h1]\ncreds_file: /x/ana.creds\n").unwrap();
        assert_eq!(c.auth, Auth::CredsFile(PathBuf::from("/x/ana.creds")));
        let c = file("servers: [nats://h1]\nnkey_seed_file: /x/seed\n").unwrap();
        assert_eq!(c.auth, Auth::NkeySeedFile(PathBuf::from("/x/seed")));
    }

    #[test]
    fn a_bad_config_file_section_says_what_to_do() {
        let cases = [
            ("user: a\npassword: b\n", "no servers"),
            ("servers: [nats://u:p@h1]\n", "user/password, token"),
            ("servers: [nats://h1]\nuser: a\n", "no password"),
            ("servers: [nats://h1]\npassword: a\n", "no user"),
            (
                "servers: [nats://h1]\ntoken: t\ncreds_file: /c\n",
                "keep one",
            ),
            ("servers: [nats://h1]\nreplicas: 7\n", "use 1 to 5"),
            ("servers: [nats://h1]\nstream: a.b\n", "stream name"),
            (
                "servers: [nats://h1]\nsubject_prefix: 'a.*'\n",
                "subject prefix",
            ),
            (
                "servers: [nats://h1]\ntls: {cert_file: /c}\n",
                "no key_file",
            ),
            ("servers: [nats://h1]\ntimeout_secs: 0\n", "timeout is 0"),
        ];
        for (yaml, want) in cases {
            let e = file(yaml).unwrap_err().to_string();
            assert!(e.contains(want), "{yaml}: {e}");
            assert!(e.starts_with("config.yaml: "), "{e}");
        }
        // A misspelt field is refused, not ignored.
        assert!(file("servers: [nats://h1]\nreplica: 1\n").is_err());
    }
}
