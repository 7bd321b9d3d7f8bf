//! The store on NATS JetStream (async-nats, for a 2.9+ server): a
//! connection ([`Store`]), one incident's timeline ([`Journal`]: its own
//! stream; append with compare-and-set, replay, follow), presence
//! ([`Presence`], a KV bucket) and what `store status` shows
//! ([`StoreStatus`]).

use super::config::{Auth, StoreConfig};
use super::{StoreError, msg_id, name_from_token, subject_token};
use async_nats::jetstream::{
    self, consumer,
    context::{CreateStreamErrorKind, PublishErrorKind},
    kv,
    message::PublishMessage,
    stream,
};
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;
use tokio::sync::mpsc;

/// The incident's own seq the record carries (so a reader need not parse
/// the record to know it).
pub const HDR_SEQ: &str = "Cockpit-Seq";
/// Present (`true`) on a record written while its host was cut off.
pub const HDR_OFFLINE: &str = "Cockpit-Offline";
/// On a message holding several records (a batch): how many. Without it a
/// message is one record.
pub const HDR_BATCH: &str = "Cockpit-Batch";
const HDR_MSG_ID: &str = "Nats-Msg-Id";

/// The longest pull request of a follow and of the presence watch: what
/// an idle seat on the store wakes up for, the server's idle heartbeat
/// every 15 s (async-nats' ordered consumer asks for half the request's
/// life, at most 15 s) and a new request every 30 s (its longest) on
/// each. The client notices a consumer lost with its server only after
/// two missed heartbeats (30 s and more), so this is not what keeps a
/// follow honest: the replica's quiet look (every 10 s) reads the
/// subject's head, so another host's record is there within 10 s even
/// then (tests/shared_incident.rs,
/// `a_lost_follow_delays_another_hosts_record_by_a_quiet_look_at_most`).
pub const FOLLOW_EXPIRES: Duration = Duration::from_secs(30);

/// The longest stream name made for an incident.
pub const MAX_STREAM_NAME: usize = 200;

/// How long presence entries live without a heartbeat.
pub const PRESENCE_TTL: Duration = Duration::from_secs(600);

/// One message of an incident's subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its stream-wide sequence (the compare-and-set value).
    pub stream_seq: u64,
    /// Its `Nats-Msg-Id`, if it has one.
    pub msg_id: Option<String>,
    /// The seq its writer gave it (`Cockpit-Seq`), if any. The order on
    /// the subject is authoritative; this is a check.
    pub incident_seq: Option<u64>,
    /// Written offline (`Cockpit-Offline`).
    pub offline: bool,
    /// A batch of records (`Cockpit-Batch`): how many it says it holds
    /// (0 if that is not a number). `None`: one record.
    pub batch: Option<u64>,
    /// The record's bytes (a batch's, one a line), as another host wrote
    /// them: outside input.
    pub bytes: Vec<u8>,
}

/// What an append became.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ack {
    pub stream_seq: u64,
    /// The server had it already (same message id): not stored twice.
    pub duplicate: bool,
}

/// One message to publish: [`Journal::append`] builds it for an online
/// record; the offline sync gives its own id ([`super::origin_msg_id`]).
#[derive(Clone, Copy, Debug)]
pub struct Outgoing<'a> {
    /// One record's bytes, or a batch's (one record a line).
    pub bytes: &'a [u8],
    /// The (first) record's seq.
    pub incident_seq: u64,
    pub msg_id: &'a str,
    pub offline: bool,
    /// How many records `bytes` holds: 1 is a plain message; more is a
    /// batch (the `Cockpit-Batch` header), stored or refused as one.
    pub records: usize,
}

fn find_js<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a jetstream::Error> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(js) = err.downcast_ref::<jetstream::Error>() {
            return Some(js);
        }
        cur = err.source();
    }
    None
}

/// A JetStream API error: unavailable (503, 10008, a leader election) is
/// retryable; anything else is a refusal.
fn from_js(what: &str, e: &jetstream::Error) -> StoreError {
    let code = e.code();
    if code == 503 || code == 408 || e.error_code() == jetstream::ErrorCode(10008) {
        StoreError::Retryable(format!("{what}: {e}"))
    } else {
        StoreError::Refused(format!("{what}: {e}"))
    }
}

/// Any other client error: a JetStream error in its chain decides;
/// otherwise it is transport trouble (timeouts, no responders, a lost
/// connection), worth retrying.
fn classify(what: &str, e: &(dyn std::error::Error + 'static)) -> StoreError {
    match find_js(e) {
        Some(js) => from_js(what, js),
        None => StoreError::Retryable(format!("{what}: {e}")),
    }
}

/// A TLS failure (a certificate not trusted, a handshake refused) in an
/// error's chain: async-nats reports them as I/O errors.
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<async_nats::rustls::Error>() {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io
                .get_ref()
                .is_some_and(|inner| inner.is::<async_nats::rustls::Error>())
        {
            return true;
        }
        cur = err.source();
    }
    false
}

/// A connection to the cluster and the stream the incidents live in.
#[derive(Clone)]
pub struct Store {
    client: async_nats::Client,
    js: jetstream::Context,
    cfg: StoreConfig,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.cfg)
    }
}

/// Told when the client loses its link to the store (`false`) and when it
/// has it back (`true`).
pub type OnLink = std::sync::Arc<dyn Fn(bool) + Send + Sync>;

impl Store {
    /// Connects with the config's servers, auth and TLS. Touches no
    /// stream: [`Store::journal`] does.
    pub async fn connect(cfg: &StoreConfig) -> Result<Store, StoreError> {
        Self::connect_watched(cfg, None).await
    }

    /// [`Store::connect`], telling `on_link` when the client loses its
    /// link (`false`) and has it back (`true`), as the client learns it.
    pub async fn connect_watched(
        cfg: &StoreConfig,
        on_link: Option<OnLink>,
    ) -> Result<Store, StoreError> {
        cfg.validate()?;
        let mut opts = async_nats::ConnectOptions::new()
            .name("incident-cockpit")
            .connection_timeout(cfg.timeout)
            .request_timeout(Some(cfg.timeout))
            // Back within a second of a link's return (the default waits
            // up to 4 s between attempts).
            .reconnect_delay_callback(|attempts| {
                Duration::from_millis(50u64.saturating_mul(1 << attempts.min(5)))
                    .min(Duration::from_secs(1))
            });
        opts = match &cfg.auth {
            Auth::None => opts,
            Auth::UserPassword { user, password } => {
                opts.user_and_password(user.clone(), password.expose().to_string())
            }
            Auth::Token(t) => opts.token(t.expose().to_string()),
            Auth::NkeySeedFile(path) => {
                let seed = tokio::fs::read_to_string(path).await.map_err(|e| {
                    StoreError::Config(format!(
                        "cannot read the nkey seed file {}: {e}: check the path and that this \
                         user may read it",
                        path.display()
                    ))
                })?;
                opts.nkey(seed.trim().to_string())
            }
            Auth::CredsFile(path) => opts.credentials_file(path).await.map_err(|e| {
                // The io error names the file's problem, never its content.
                StoreError::Config(format!(
                    "cannot use the creds file {}: {}: check the path and that it is a .creds \
                     file (a user JWT and its seed)",
                    path.display(),
                    e.kind()
                ))
            })?,
        };
        if cfg.tls.required {
            opts = opts.require_tls(true);
        }
        if let Some(ca) = &cfg.tls.ca_file {
            opts = opts.add_root_certificates(ca.clone());
        }
        if let (Some(cert), Some(key)) = (&cfg.tls.cert_file, &cfg.tls.key_file) {
            opts = opts.add_client_certificate(cert.clone(), key.clone());
        }
        if cfg.ignore_discovered_servers {
            opts = opts.ignore_discovered_servers();
        }
        if let Some(on_link) = on_link {
            opts = opts.event_callback(move |event| {
                match event {
                    async_nats::Event::Connected => on_link(true),
                    async_nats::Event::Disconnected => on_link(false),
                    _ => {}
                }
                std::future::ready(())
            });
        }
        let servers = cfg.server_urls().join(",");
        let client = opts.connect(cfg.server_urls()).await.map_err(|e| {
            use async_nats::ConnectErrorKind as K;
            match e.kind() {
                K::AuthorizationViolation | K::Authentication => StoreError::AuthRefused(format!(
                    "{servers}: {e}: check the user and password (or token, nkey, creds file) \
                     in the store configuration"
                )),
                _ if e.kind() == K::Tls || is_tls(&e) => StoreError::Config(format!(
                    "TLS with {servers} failed: {e}: check the CA file, the client certificate \
                     and that the servers speak TLS"
                )),
                K::ServerParse => {
                    StoreError::Config(format!("the store URLs {servers} are not usable: {e}"))
                }
                _ => StoreError::Unreachable(format!(
                    "cannot connect to {servers}: {e}: check the URLs and the network; the \
                     cockpit keeps working on its local journal"
                )),
            }
        })?;
        let js = jetstream::ContextBuilder::new()
            .timeout(cfg.timeout)
            .build(client.clone());
        Ok(Store {
            client,
            js,
            cfg: cfg.clone(),
        })
    }

    pub fn config(&self) -> &StoreConfig {
        &self.cfg
    }

    /// The largest message the server takes (its `max_payload`; NATS'
    /// default, 1 MB, if it says none).
    pub fn max_payload(&self) -> usize {
        match self.client.server_info().max_payload {
            0 => 1024 * 1024,
            n => n,
        }
    }

    /// Connected now (the client reconnects by itself after a cut).
    pub fn is_connected(&self) -> bool {
        self.client.connection_state() == async_nats::connection::State::Connected
    }

    /// The stream of one incident: `<stream>_<token>`, taking only the
    /// incident's subject `<prefix>.<token>`.
    fn stream_config(&self, token: &str) -> stream::Config {
        stream::Config {
            name: format!("{}_{token}", self.cfg.stream),
            description: Some("incident-cockpit: one incident's timeline".into()),
            subjects: vec![format!("{}.{token}", self.cfg.subject_prefix)],
            storage: stream::StorageType::File,
            num_replicas: self.cfg.replicas,
            allow_direct: true,
            discard: stream::DiscardPolicy::Old,
            // Records are never deleted or purged by the cockpit.
            deny_delete: true,
            deny_purge: true,
            ..Default::default()
        }
    }

    /// The timeline of one incident: makes sure its stream exists (file
    /// storage, the configured replicas; one that exists is used as it is
    /// if it takes the incident's subject).
    pub async fn journal(&self, incident: &str) -> Result<Journal, StoreError> {
        let (j, config) = self.handle(incident)?;
        let (name, subject) = (j.stream.clone(), j.subject.clone());
        let what = format!("stream {name}");
        let info = match self.js.get_or_create_stream(config).await {
            Ok(mut s) => s.info().await.map_err(|e| classify(&what, &e))?.clone(),
            Err(e) => {
                return Err(match e.kind() {
                    CreateStreamErrorKind::JetStream(js) => from_js(&what, &js),
                    CreateStreamErrorKind::JetStreamUnavailable => StoreError::Refused(format!(
                        "{what}: JetStream is not enabled on the server: enable it (a \
                         jetstream {{ store_dir }} block) or use another server"
                    )),
                    _ => classify(&what, &e),
                });
            }
        };
        if info.config.subjects != [subject.clone()] {
            return Err(StoreError::Refused(format!(
                "{what} exists but takes {:?}, not only {subject}: configure another stream \
                 prefix",
                info.config.subjects
            )));
        }
        Ok(j)
    }

    /// The journal of an incident and its stream's config, without asking
    /// the server anything.
    fn handle(&self, incident: &str) -> Result<(Journal, stream::Config), StoreError> {
        let token = subject_token(incident)?;
        let config = self.stream_config(&token);
        if config.name.len() > MAX_STREAM_NAME {
            return Err(StoreError::BadName(format!(
                "an incident id makes a stream name of {} bytes: keep ids short (at most \
                 {MAX_STREAM_NAME} bytes with the stream prefix)",
                config.name.len()
            )));
        }
        let j = Journal {
            js: self.js.clone(),
            stream: config.name.clone(),
            subject: config.subjects.first().cloned().unwrap_or_default(),
            incident: incident.to_string(),
            token,
            known: 0,
            timeout: self.cfg.timeout,
        };
        Ok((j, config))
    }

    /// The incidents on the store (their streams' names decoded), in no
    /// particular order.
    pub async fn incidents(&self) -> Result<Vec<String>, StoreError> {
        let prefix = format!("{}_", self.cfg.stream);
        let mut names = self.js.stream_names();
        let mut out = Vec::new();
        while let Some(n) = names.next().await {
            let n = n.map_err(|e| classify("listing the incidents", &e))?;
            if let Some(id) = n.strip_prefix(&prefix).and_then(name_from_token) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Connects and opens one incident (its stream made if missing).
    pub async fn open(cfg: &StoreConfig, incident: &str) -> Result<(Store, Journal), StoreError> {
        Self::open_watched(cfg, incident, None).await
    }

    /// [`Store::open`], with [`Store::connect_watched`]'s `on_link`.
    pub async fn open_watched(
        cfg: &StoreConfig,
        incident: &str,
        on_link: Option<OnLink>,
    ) -> Result<(Store, Journal), StoreError> {
        let store = Store::connect_watched(cfg, on_link).await?;
        let j = store.journal(incident).await?;
        Ok((store, j))
    }

    /// The presence bucket, created if missing (history 1, entries expire
    /// after [`PRESENCE_TTL`] without a heartbeat).
    pub async fn presence(&self) -> Result<Presence, StoreError> {
        let bucket = self.cfg.presence_bucket.clone();
        let what = format!("presence bucket {bucket}");
        let kv = match self.js.get_key_value(bucket.clone()).await {
            Ok(kv) => kv,
            Err(_) => {
                // The bucket's stream, made here: async-nats'
                // `create_key_value` first asks for the account's info,
                // which it cannot parse from a 2.9 server. These are the
                // KV conventions (ADR-8) its `get_key_value` expects.
                let config = stream::Config {
                    name: format!("KV_{bucket}"),
                    description: Some("incident-cockpit: who is on which incident".into()),
                    subjects: vec![format!("$KV.{bucket}.>")],
                    max_messages_per_subject: 1,
                    max_age: PRESENCE_TTL,
                    storage: stream::StorageType::File,
                    num_replicas: self.cfg.replicas,
                    allow_rollup: true,
                    deny_delete: true,
                    allow_direct: true,
                    discard: stream::DiscardPolicy::New,
                    ..Default::default()
                };
                self.js
                    .get_or_create_stream(config)
                    .await
                    .map_err(|e| match e.kind() {
                        CreateStreamErrorKind::JetStream(js) => from_js(&what, &js),
                        _ => classify(&what, &e),
                    })?;
                self.js
                    .get_key_value(bucket.clone())
                    .await
                    .map_err(|e| classify(&what, &e))?
            }
        };
        Ok(Presence { kv })
    }

    /// What `store status` shows: the server connected to, the stream's
    /// replicas and leader, and how many of the incident's messages come
    /// after `seen` (the stream sequence of the last one this host has).
    pub async fn status(&self, incident: &str, seen: u64) -> Result<StoreStatus, StoreError> {
        let info = self.client.server_info();
        let (journal, _) = self.handle(incident)?;
        let what = format!("stream {}", journal.stream);
        let mut stream = self.js.get_stream(&journal.stream).await.map_err(|e| {
            use async_nats::jetstream::context::GetStreamErrorKind as K;
            match e.kind() {
                K::JetStream(js) if js.error_code() == jetstream::ErrorCode(10059) => {
                    StoreError::Refused(format!(
                        "no incident {incident:?} on the store ({what} does not exist): check \
                         the id with the list of incidents"
                    ))
                }
                K::JetStream(js) => from_js(&what, &js),
                _ => classify(&what, &e),
            }
        })?;
        let si = stream
            .info()
            .await
            .map_err(|e| classify(&what, &e))?
            .clone();
        let last = journal.last_subject_seq().await?;
        let behind = if last <= seen {
            0
        } else {
            let c = stream
                .create_consumer(consumer::pull::Config {
                    filter_subject: journal.subject.clone(),
                    deliver_policy: consumer::DeliverPolicy::ByStartSequence {
                        start_sequence: seen + 1,
                    },
                    ack_policy: consumer::AckPolicy::None,
                    inactive_threshold: Duration::from_secs(5),
                    memory_storage: true,
                    num_replicas: 1,
                    ..Default::default()
                })
                .await
                .map_err(|e| classify("counting the messages behind", &e))?;
            let n = c.cached_info().num_pending;
            let name = c.cached_info().name.clone();
            // It expires anyway (inactive threshold).
            let _ = stream.delete_consumer(&name).await;
            n
        };
        let cluster = si.cluster.clone();
        Ok(StoreStatus {
            connected: self.is_connected(),
            server: format!("{}:{}", info.host, info.port),
            server_name: info.server_name.clone(),
            server_version: info.version.clone(),
            stream: si.config.name.clone(),
            replicas: si.config.num_replicas,
            leader: cluster.as_ref().and_then(|c| c.leader.clone()),
            peers: cluster
                .map(|c| {
                    c.replicas
                        .into_iter()
                        .map(|p| Peer {
                            name: p.name,
                            current: p.current && !p.offline,
                            lag: p.lag.unwrap_or(0),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            subject_last: last,
            behind,
        })
    }
}

/// A replica other than the leader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub name: String,
    pub current: bool,
    pub lag: u64,
}

/// What `incident-cockpit store status` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreStatus {
    pub connected: bool,
    /// host:port the server reports for itself.
    pub server: String,
    pub server_name: String,
    pub server_version: String,
    pub stream: String,
    pub replicas: usize,
    pub leader: Option<String>,
    pub peers: Vec<Peer>,
    /// The stream sequence of the incident's last message (0: none).
    pub subject_last: u64,
    /// The incident's messages after the given `seen`.
    pub behind: u64,
}

/// One incident's timeline on the stream, for one seat. It remembers the
/// stream sequence of the subject's last message the seat knows
/// ([`Journal::known_last`]): an append expects it (compare-and-set).
/// The seat moves it with [`Journal::observe`] once it has placed a
/// message it read, and each acknowledged append moves it.
#[derive(Clone)]
pub struct Journal {
    js: jetstream::Context,
    stream: String,
    subject: String,
    incident: String,
    token: String,
    known: u64,
    timeout: Duration,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Journal({} on {}, known #{})",
            self.incident, self.subject, self.known
        )
    }
}

fn header(m: &async_nats::HeaderMap, name: &str) -> Option<String> {
    m.get(name).map(|v| v.as_str().to_string())
}

fn entry_from(stream_seq: u64, headers: Option<&async_nats::HeaderMap>, payload: &[u8]) -> Entry {
    let (msg_id, incident_seq, offline, batch) = match headers {
        Some(h) => (
            header(h, HDR_MSG_ID),
            header(h, HDR_SEQ).and_then(|s| s.parse().ok()),
            header(h, HDR_OFFLINE).is_some_and(|v| v == "true"),
            header(h, HDR_BATCH).map(|n| n.trim().parse().unwrap_or(0)),
        ),
        None => (None, None, false, None),
    };
    Entry {
        stream_seq,
        msg_id,
        incident_seq,
        offline,
        batch,
        bytes: payload.to_vec(),
    }
}

impl Journal {
    pub fn incident(&self) -> &str {
        &self.incident
    }
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// The incident id as a subject token (the message ids start with it).
    pub fn token(&self) -> &str {
        &self.token
    }
    /// The stream sequence of the subject's last message this seat knows
    /// (0: none): what the next append expects.
    pub fn known_last(&self) -> u64 {
        self.known
    }
    /// The seat has placed the message with this stream sequence.
    pub fn observe(&mut self, stream_seq: u64) {
        self.known = self.known.max(stream_seq);
    }
    /// The seat has placed the messages up to this one and no more (its
    /// copy is the truth, whatever this journal saw acknowledged).
    pub fn set_known(&mut self, stream_seq: u64) {
        self.known = stream_seq;
    }

    /// Appends a record online: message id [`msg_id`] (incident, seq,
    /// hash of the bytes), compare-and-set on [`Journal::known_last`].
    /// `Conflict`: catch up ([`Journal::tail`]), re-sequence, append
    /// again. `Retryable`: the same call again is safe.
    pub async fn append(&mut self, bytes: &[u8], incident_seq: u64) -> Result<u64, StoreError> {
        let id = msg_id(&self.token, incident_seq, bytes);
        self.publish(Outgoing {
            bytes,
            incident_seq,
            msg_id: &id,
            offline: false,
            records: 1,
        })
        .await
        .map(|a| a.stream_seq)
    }

    /// Publishes one message with compare-and-set on
    /// [`Journal::known_last`] and its own message id.
    pub async fn publish(&mut self, out: Outgoing<'_>) -> Result<Ack, StoreError> {
        let mut msg = PublishMessage::build()
            .payload(out.bytes.to_vec().into())
            .message_id(out.msg_id)
            .expected_last_subject_sequence(self.known)
            // The stream holds this subject only, so its last sequence is
            // the subject's: the same value. A clustered 2.9.10 server
            // checks the per-subject header before proposing only (two
            // stale appends can both pass: nats-server #4320, fixed in
            // 2.9.21); this one it checks again in the replicated order.
            .expected_last_sequence(self.known)
            .header(HDR_SEQ, out.incident_seq.to_string());
        if out.offline {
            msg = msg.header(HDR_OFFLINE, "true");
        }
        if out.records > 1 {
            msg = msg.header(HDR_BATCH, out.records.to_string());
        }
        let expected = self.known;
        let map = |e: jetstream::context::PublishError| -> StoreError {
            match e.kind() {
                PublishErrorKind::WrongLastSequence => StoreError::Conflict { expected },
                // The stream exists (Store::journal): no responders is a
                // stream without a leader for now.
                PublishErrorKind::TimedOut
                | PublishErrorKind::BrokenPipe
                | PublishErrorKind::StreamNotFound
                | PublishErrorKind::MaxAckPending => {
                    StoreError::Retryable(format!("appending to {}: {e}", self.subject))
                }
                PublishErrorKind::MaxPayloadExceeded => StoreError::Refused(format!(
                    "{} of {} bytes is larger than the server takes: {e}",
                    if out.records > 1 {
                        "a batch of records"
                    } else {
                        "a record"
                    },
                    out.bytes.len()
                )),
                _ => classify(&format!("appending to {}", self.subject), &e),
            }
        };
        let ack = self
            .js
            .send_publish(self.subject.clone(), msg)
            .await
            .map_err(map)?
            .await
            .map_err(map)?;
        self.observe(ack.sequence);
        Ok(Ack {
            stream_seq: ack.sequence,
            duplicate: ack.duplicate,
        })
    }

    /// The stream sequence of the subject's last message (0: none), from
    /// the stream's leader.
    pub async fn last_subject_seq(&self) -> Result<u64, StoreError> {
        let what = format!("the last message of {}", self.subject);
        let stream = self
            .js
            .get_stream_no_info(&self.stream)
            .await
            .map_err(|e| classify(&what, &e))?;
        match stream.get_last_raw_message_by_subject(&self.subject).await {
            Ok(m) => Ok(m.sequence),
            Err(e) => {
                use async_nats::jetstream::stream::LastRawMessageErrorKind as K;
                match e.kind() {
                    K::NoMessageFound => Ok(0),
                    K::JetStream(js) if js.error_code() == jetstream::ErrorCode(10037) => Ok(0),
                    K::JetStream(js) => Err(from_js(&what, &js)),
                    _ => Err(classify(&what, &e)),
                }
            }
        }
    }

    async fn ordered(&self, from: u64) -> Result<consumer::pull::Ordered, StoreError> {
        let what = format!("reading {}", self.subject);
        let stream = self
            .js
            .get_stream_no_info(&self.stream)
            .await
            .map_err(|e| classify(&what, &e))?;
        let c = stream
            .create_consumer(consumer::pull::OrderedConfig {
                filter_subject: self.subject.clone(),
                deliver_policy: consumer::DeliverPolicy::ByStartSequence {
                    start_sequence: from.max(1),
                },
                // Pull requests of FOLLOW_EXPIRES, the server's
                // heartbeat every half of it: the replica's quiet look,
                // not these, notices a consumer lost with its server.
                max_expires: FOLLOW_EXPIRES,
                ..Default::default()
            })
            .await
            .map_err(|e| match e.kind() {
                async_nats::jetstream::stream::ConsumerErrorKind::JetStream(js) => {
                    from_js(&what, &js)
                }
                _ => classify(&what, &e),
            })?;
        c.messages().await.map_err(|e| classify(&what, &e))
    }

    /// Every message of the incident from stream sequence `from` to the
    /// subject's last one now, in order (an ordered consumer).
    pub async fn replay_from(&self, from: u64) -> Result<Vec<Entry>, StoreError> {
        let last = self.last_subject_seq().await?;
        if last == 0 || last < from {
            return Ok(Vec::new());
        }
        let mut msgs = self.ordered(from).await?;
        let mut out = Vec::new();
        loop {
            let next = tokio::time::timeout(self.timeout * 2, msgs.next()).await;
            let m = match next {
                Err(_) => {
                    return Err(StoreError::Retryable(format!(
                        "replaying {}: no message for {:?} (#{} of #{last} read)",
                        self.subject,
                        self.timeout * 2,
                        out.last().map(|e: &Entry| e.stream_seq).unwrap_or(0)
                    )));
                }
                Ok(None) => {
                    return Err(StoreError::Retryable(format!(
                        "replaying {}: the consumer ended",
                        self.subject
                    )));
                }
                Ok(Some(Err(e))) => {
                    return Err(classify(&format!("replaying {}", self.subject), &e));
                }
                Ok(Some(Ok(m))) => m,
            };
            let seq = m
                .info()
                .map_err(|e| StoreError::Malformed(format!("a message without metadata: {e}")))?
                .stream_sequence;
            out.push(entry_from(seq, m.headers.as_ref(), &m.payload));
            if seq >= last {
                return Ok(out);
            }
        }
    }

    /// The messages after the last one this seat knows (to catch up after
    /// a `Conflict`), read one by one from the stream's leader (a few
    /// round trips, no consumer), or replayed if there are many. Does not
    /// move [`Journal::known_last`]: the seat observes what it placed.
    pub async fn tail(&self) -> Result<Vec<Entry>, StoreError> {
        self.tail_from(self.known + 1).await
    }

    /// [`Journal::tail`] from stream sequence `from` (a message the seat
    /// holds only part of is read again).
    pub async fn tail_from(&self, from: u64) -> Result<Vec<Entry>, StoreError> {
        const BY_GET: usize = 32;
        let what = format!("catching up on {}", self.subject);
        let stream = self
            .js
            .get_stream_no_info(&self.stream)
            .await
            .map_err(|e| classify(&what, &e))?;
        let mut out = Vec::new();
        let mut seq = from.max(1);
        loop {
            if out.len() >= BY_GET {
                out.extend(self.replay_from(seq).await?);
                return Ok(out);
            }
            let got = stream
                .raw_message_builder()
                .sequence(seq)
                .next_by_subject(self.subject.clone())
                .send()
                .await;
            match got {
                Ok(m) => {
                    seq = m.sequence + 1;
                    out.push(entry_from(m.sequence, Some(&m.headers), &m.payload));
                }
                Err(e) => {
                    use async_nats::jetstream::stream::RawMessageErrorKind as K;
                    return match e.kind() {
                        K::NoMessageFound => Ok(out),
                        K::JetStream(js) => Err(from_js(&what, &js)),
                        _ => Err(classify(&what, &e)),
                    };
                }
            }
        }
    }

    /// The incident live from stream sequence `from`: every message once,
    /// in order, as it arrives. Trouble (a lost server, a leader election)
    /// comes as an `Err` item and the follow goes on by itself from the
    /// next message; it ends when dropped.
    pub fn follow(&self, from: u64) -> Follow {
        let (tx, rx) = mpsc::channel(1024);
        let j = self.clone();
        let task = tokio::spawn(async move {
            let mut next = from.max(1);
            let mut backoff = Duration::from_millis(100);
            loop {
                match j.ordered(next).await {
                    Err(e) => {
                        if tx.send(Err(e)).await.is_err() {
                            return;
                        }
                    }
                    Ok(mut msgs) => {
                        while let Some(m) = msgs.next().await {
                            let item = match m {
                                Ok(m) => match m.info() {
                                    Ok(info) => {
                                        let seq = info.stream_sequence;
                                        if seq < next {
                                            continue;
                                        }
                                        next = seq + 1;
                                        backoff = Duration::from_millis(100);
                                        Ok(entry_from(seq, m.headers.as_ref(), &m.payload))
                                    }
                                    Err(e) => Err(StoreError::Malformed(format!(
                                        "a message without metadata: {e}"
                                    ))),
                                },
                                Err(e) => Err(classify(&format!("following {}", j.subject), &e)),
                            };
                            let failed = item.is_err();
                            if tx.send(item).await.is_err() {
                                return;
                            }
                            if failed {
                                break;
                            }
                        }
                    }
                }
                if tx.is_closed() {
                    return;
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
            }
        });
        Follow { rx, task }
    }
}

/// A live follow ([`Journal::follow`]); stops its task when dropped.
pub struct Follow {
    rx: mpsc::Receiver<Result<Entry, StoreError>>,
    task: tokio::task::JoinHandle<()>,
}

impl Stream for Follow {
    type Item = Result<Entry, StoreError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Who a seat is, as others see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeatKind {
    Ic,
    Seat,
    Viewer,
    Facilitator,
}

/// A seat's presence entry (JSON in the bucket).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub user: String,
    pub host: String,
    pub kind: SeatKind,
    pub last_seen: DateTime<Utc>,
}

/// A change in who is on an incident: `seen` is `None` when the seat left.
/// An entry that expires ([`PRESENCE_TTL`]) says nothing on a 2.9 server:
/// age entries by their `last_seen`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresenceUpdate {
    pub seat: String,
    pub seen: Option<Seen>,
}

/// The presence bucket: key `<incident>.<seat>` (both escaped as subject
/// tokens) → [`Seen`] as JSON.
#[derive(Clone)]
pub struct Presence {
    kv: kv::Store,
}

impl Presence {
    fn key(incident: &str, seat: &str) -> Result<String, StoreError> {
        Ok(format!(
            "{}.{}",
            subject_token(incident)?,
            subject_token(seat)?
        ))
    }

    /// This seat is here (call every few seconds; the entry expires after
    /// [`PRESENCE_TTL`] without one).
    pub async fn heartbeat(
        &self,
        incident: &str,
        seat: &str,
        seen: &Seen,
    ) -> Result<(), StoreError> {
        let key = Presence::key(incident, seat)?;
        let json = serde_json::to_vec(seen)
            .map_err(|e| StoreError::Malformed(format!("presence of {seat}: {e}")))?;
        self.kv
            .put(key, json.into())
            .await
            .map(|_| ())
            .map_err(|e| classify("presence heartbeat", &e))
    }

    /// This seat leaves.
    pub async fn leave(&self, incident: &str, seat: &str) -> Result<(), StoreError> {
        let key = Presence::key(incident, seat)?;
        self.kv
            .delete(key)
            .await
            .map_err(|e| classify("leaving presence", &e))
    }

    /// Who is on the incident now, then every change. A malformed entry
    /// (another host's bug or a hostile writer) is an `Err` item; the
    /// watch goes on. It ends when its consumer is lost (the caller
    /// watches again).
    ///
    /// An ordered *pull* consumer on the bucket's stream (the last entry of
    /// each of the incident's keys, then every change), not async-nats'
    /// KV watch: that one is a push consumer with a fixed 5 s heartbeat,
    /// a wake-up every 5 s on every idle seat; this one has the follow's
    /// ([`FOLLOW_EXPIRES`]). The entries are the KV conventions (ADR-8):
    /// subject `$KV.<bucket>.<key>`, a `KV-Operation` header `DEL` or
    /// `PURGE` on a removal.
    pub async fn watch(
        &self,
        incident: &str,
    ) -> Result<impl Stream<Item = Result<PresenceUpdate, StoreError>> + use<>, StoreError> {
        let what = "watching presence";
        let prefix = format!("{}{}.", self.kv.prefix, subject_token(incident)?);
        let c = self
            .kv
            .stream
            .create_consumer(consumer::pull::OrderedConfig {
                filter_subject: format!("{prefix}*"),
                deliver_policy: consumer::DeliverPolicy::LastPerSubject,
                max_expires: FOLLOW_EXPIRES,
                ..Default::default()
            })
            .await
            .map_err(|e| classify(what, &e))?;
        let msgs = c.messages().await.map_err(|e| classify(what, &e))?;
        Ok(msgs
            .take_while(|m| std::future::ready(m.is_ok()))
            .map(move |m| {
                let m = m.map_err(|e| classify(what, &e))?;
                let seat = m
                    .subject
                    .as_str()
                    .strip_prefix(&prefix)
                    .and_then(name_from_token)
                    .ok_or_else(|| {
                        StoreError::Malformed("a presence key that is not a seat".into())
                    })?;
                let removed = m
                    .headers
                    .as_ref()
                    .and_then(|h| header(h, "KV-Operation"))
                    .is_some_and(|op| op == "DEL" || op == "PURGE");
                let seen = if removed {
                    None
                } else {
                    Some(serde_json::from_slice::<Seen>(&m.payload).map_err(|err| {
                        StoreError::Malformed(format!("presence of a seat: {err}"))
                    })?)
                };
                Ok(PresenceUpdate { seat, seen })
            }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(code: u16, err_code: u16) -> jetstream::Error {
        serde_json::from_str(&format!(
            r#"{{"code":{code},"err_code":{err_code},"description":"x"}}"#
        ))
        .expect("a JetStream API error")
    }

    #[test]
    fn unavailable_is_retryable_and_the_rest_a_refusal() {
        assert!(from_js("a", &js(503, 10008)).is_retryable());
        assert!(from_js("a", &js(503, 0)).is_retryable());
        assert!(from_js("a", &js(408, 0)).is_retryable());
        let r = from_js("appending", &js(400, 10065));
        assert!(
            matches!(r, StoreError::Refused(ref m) if m.starts_with("appending: ")),
            "{r:?}"
        );
    }

    #[test]
    fn an_entry_reads_its_headers() {
        let mut h = async_nats::HeaderMap::new();
        h.insert(HDR_MSG_ID, "inc:3:00");
        h.insert(HDR_SEQ, "3");
        h.insert(HDR_OFFLINE, "true");
        let e = entry_from(42, Some(&h), b"{}");
        assert_eq!(e.stream_seq, 42);
        assert_eq!(e.msg_id.as_deref(), Some("inc:3:00"));
        assert_eq!(e.incident_seq, Some(3));
        assert!(e.offline);
        // A foreign message: no headers, a seq that is not a number.
        let mut bad = async_nats::HeaderMap::new();
        bad.insert(HDR_SEQ, "nine");
        let e = entry_from(43, Some(&bad), b"x");
        assert_eq!((e.msg_id, e.incident_seq, e.offline), (None, None, false));
        assert_eq!(entry_from(44, None, b"").incident_seq, None);
    }
}
