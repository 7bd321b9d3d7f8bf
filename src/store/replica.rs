//! One host's copy of a shared incident: the timeline store a seat uses
//! when a shared store is configured ([`Replica`], a [`crate::timeline::Store`]).
//!
//! # Files, per incident, in its folder under the state directory
//! - `timeline.jsonl`, the *mirror*: the incident's subject, in its order,
//!   each message's records (one, or a batch's) numbered on. Until the
//!   first batch, record n is the subject's n-th message (one subject per
//!   stream, no deletes: its stream sequence is n); after it, each record
//!   says which message it came in and which part of it it is
//!   ([`crate::timeline::StorePos`]), which is how the mirror knows where
//!   to read on (a batch written only in part is read again). Only
//!   messages that are on the store are written here, so every host's
//!   mirror is the same file.
//!   Seats of the host follow it as they follow a local timeline.
//! - `outbox.jsonl`: what seats of this host wrote, in their order, each
//!   durable here before anything is shown. A record leaves nothing: it is
//!   *pending* until a message with its id is in the mirror. Seats of a
//!   host cut off from the store still share through it.
//! - `host`: this host's id in the message ids of what it writes.
//!
//! # What a seat sees
//! The mirror, then the pending records of the outbox numbered after it.
//! When the link returns, pending records are published in order, as
//! many as one message takes at a time ([`MAX_BATCH_RECORDS`], the
//! server's max payload), with compare-and-set on the subject's last
//! message and an id (a record's own, or a batch's: its first record's and
//! the count), so each lands exactly once: a lost acknowledgement or another seat of the
//! host publishing it too is a duplicate the server or the mirror drops.
//! If other hosts wrote meanwhile, the pending records land after theirs:
//! the seat's timeline is then delivered again, whole (`reload`). A record
//! that could not be shared when it was written (the link down, noticed
//! or not yet; the store unavailable) or that is published more than
//! [`OFFLINE_AFTER`] after it was written says it was written offline.
//!
//! # Threads
//! The recorder's thread calls the [`crate::timeline::Store`] methods; network
//! calls run on this replica's own small runtime with a time budget, so a
//! slow or dead link delays a record's sharing, never its durability. A
//! follow task imports what other hosts publish into the mirror as it
//! arrives; the recorder's file watch then reads it like another seat's.

use super::StoreError;
use super::config::StoreConfig;
use super::nats::{Entry, Journal, Outgoing, SeatKind, Seen, Store as Nats};
use crate::timeline::store::{Batch, ReadOutcome, Sharing};
use crate::timeline::{Event, FileStore, Record, Share, Store as _, StorePos};
use anyhow::{Context, Result};
use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt;
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A record published this long after it was written says it was written
/// offline.
pub const OFFLINE_AFTER: TimeDelta = TimeDelta::seconds(10);

/// The longest a sync may hold a seat's append (the record is durable in
/// the outbox already; it is shown as not yet shared after this).
const APPEND_BUDGET: Duration = Duration::from_millis(1500);

/// How often a seat with pending records tries the store again.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// The outbox beside an incident's mirror.
pub fn outbox_path(mirror: &Path) -> PathBuf {
    mirror.with_file_name("outbox.jsonl")
}

/// This host's id for an incident's folder: made once, kept in `host`.
fn host_id(dir: &Path) -> Result<String> {
    let path = dir.join("host");
    if let Ok(s) = std::fs::read_to_string(&path) {
        let s = s.trim();
        if !s.is_empty() {
            return Ok(s.to_string());
        }
    }
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    let salt = format!(
        "{name}{}{:?}{}",
        std::process::id(),
        std::time::SystemTime::now(),
        dir.display()
    );
    let id = format!(
        "{}-{:08x}",
        name.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(32)
            .collect::<String>(),
        super::fnv1a64(salt.as_bytes()) as u32
    );
    // Whoever links it first wins; the others read theirs. The file is
    // written whole before it takes the name, so no seat ever reads it
    // half-written (an empty id once made two seats of a host publish one
    // outbox under two ids: every record twice on the store).
    use std::io::Write;
    static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let tmp = dir.join(format!(
        ".host.{}.{}",
        std::process::id(),
        MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(id.as_bytes())?;
            f.sync_all()
        })
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(id),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let s = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let s = s.trim();
            if s.is_empty() {
                anyhow::bail!(
                    "{} is empty: this host's id for the incident is lost; if no record \
                     of this host is waiting to be shared (`store status`), remove the file",
                    path.display()
                );
            }
            Ok(s.to_string())
        }
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
}

/// The most records one message takes (a batch): what a pending record
/// waits for is one round trip per this many, not one each.
pub const MAX_BATCH_RECORDS: usize = 1000;

/// Room left in a message for its headers.
const HEADER_ROOM: usize = 4096;

/// A message of the subject as the mirror's record(s): what its writer
/// wrote, with the message's id (each record of a batch its own) and
/// offline mark, and where it stands in the subject (message, part, of);
/// the mirror numbers them as it imports them. A message that is not a
/// record or a batch of them (another version, another program, a
/// hostile host) becomes a note that says so, so the order keeps its
/// place; so does a line of a batch that is not a record. A message is
/// never nothing: the mirror's last record says how far it has read.
pub fn records_of(e: &Entry, now: DateTime<Utc>) -> Vec<Record> {
    let Some(n) = e.batch else {
        let mut r = to_record(e, now);
        r.share.pos = Some(StorePos::single(e.stream_seq));
        return vec![r];
    };
    let lines: Vec<&[u8]> = e.bytes.split(|b| *b == b'\n').collect();
    if n < 2 || n > MAX_BATCH_RECORDS as u64 || lines.len() as u64 != n {
        let mut r = unreadable(
            e,
            now,
            format!(
                "a batch that says it holds {n} records in {} lines (2 to {MAX_BATCH_RECORDS}, \
                 one a line)",
                lines.len()
            ),
        );
        r.share.pos = Some(StorePos::single(e.stream_seq));
        return vec![r];
    }
    let of = n as u32;
    let mut ids = std::collections::HashSet::new();
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let pos = StorePos {
                msg: e.stream_seq,
                part: i as u32,
                of,
            };
            let fallback = format!("stream:{}.{}", e.stream_seq, i + 1);
            match serde_json::from_slice::<Record>(line) {
                Ok(mut r) => {
                    // Each record's own id, if it is one: printable, short,
                    // once in the batch.
                    let id = r
                        .share
                        .id
                        .take()
                        .filter(|id| {
                            !id.is_empty()
                                && id.len() <= 256
                                && id.bytes().all(|b| b.is_ascii_graphic())
                                && ids.insert(id.clone())
                        })
                        .unwrap_or(fallback);
                    r.seq = e.stream_seq;
                    r.share = Share {
                        id: Some(id),
                        offline: r.share.offline,
                        prev: None,
                        pos: Some(pos),
                    };
                    r
                }
                Err(err) => {
                    let mut r = unreadable(e, now, format!("record {} of {n} in it: {err}", i + 1));
                    r.share.id = Some(fallback);
                    r.share.pos = Some(pos);
                    r
                }
            }
        })
        .collect()
}

/// A note in the place of a message (or a batch's line) that is not a
/// record.
fn unreadable(e: &Entry, now: DateTime<Utc>, why: String) -> Record {
    Record {
        seq: e.stream_seq,
        at: crate::timeline::record::at_millis(now),
        by: "store".into(),
        event: Event::Note {
            text: format!(
                "message {} of the shared store is not a record this cockpit can read ({why}); \
                 skipped",
                e.stream_seq
            ),
        },
        share: shared_as(e),
    }
}

/// How a message is shared: its id (or its place in the stream when it has
/// none) and its offline mark. The mirror links the record as it writes it
/// (`prev`); a batch's part sets `pos`.
fn shared_as(e: &Entry) -> Share {
    Share {
        id: Some(
            e.msg_id
                .clone()
                .unwrap_or_else(|| format!("stream:{}", e.stream_seq)),
        ),
        offline: e.offline,
        prev: None,
        pos: None,
    }
}

/// A message of one record as the mirror's record n: what its writer
/// wrote, numbered n, with the message's id and offline mark (see
/// [`records_of`], which takes batches too).
pub fn to_record(e: &Entry, now: DateTime<Utc>) -> Record {
    match serde_json::from_slice::<Record>(&e.bytes) {
        Ok(mut r) => {
            r.seq = e.stream_seq;
            r.share = shared_as(e);
            r
        }
        Err(err) => unreadable(e, now, err.to_string()),
    }
}

/// Where a mirror whose last record stands at `head` is in the subject:
/// the stream sequence of the subject's last message it knows (what an
/// append expects), and the first message to read (a message held only in
/// part is read again).
fn read_point(head: Option<StorePos>) -> (u64, u64) {
    match head {
        None => (0, 1),
        Some(h) if h.completes() => (h.msg, h.msg + 1),
        Some(h) => (h.msg, h.msg),
    }
}

struct Link {
    nats: Nats,
    journal: Journal,
}

/// One message to publish ([`Replica::next_message`]).
#[derive(Clone)]
struct Message {
    id: String,
    bytes: Vec<u8>,
    /// The first record's seq.
    seq: u64,
    offline: bool,
    records: usize,
}

pub struct Replica {
    rt: tokio::runtime::Runtime,
    cfg: StoreConfig,
    incident: String,
    token: String,
    host: String,
    link: Option<Link>,
    mirror: FileStore,
    outbox: FileStore,
    /// The mirror's records, and where each id sits in it.
    mirror_recs: Vec<Record>,
    at_seq: HashMap<String, u64>,
    /// The outbox's records, their ids set.
    outbox_recs: Vec<Record>,
    /// What was delivered so far: how many of the mirror's records, then
    /// the pending records' keys ([`key`]) in order.
    shown_mirror: usize,
    shown_pending: Vec<String>,
    /// The mirror or the outbox moved since the last delivery.
    dirty: bool,
    /// The outbox's records before this one are all shared (they are
    /// published in the outbox's order).
    unshared_from: usize,
    status: Sharing,
    /// Pending records a sync could not publish when tried: they were
    /// written while cut off, even before the seat knew it was.
    missed: std::collections::HashSet<String>,
    last_try: Option<Instant>,
    /// Records the last sync's reads of the store brought (the follow had
    /// not).
    tail_found: usize,
    follow: Option<tokio::task::JoinHandle<()>>,
    /// A connection being made in the background ([`Replica::reconnect`]).
    dialing: Option<tokio::task::JoinHandle<Result<(Nats, Journal), StoreError>>>,
    /// This seat, as presence announces it ([`Replica::announce`]).
    me: Option<(String, SeatKind)>,
    /// Who is on the incident, as the presence watch last said.
    present: Arc<Mutex<BTreeMap<String, Seen>>>,
    presence: Vec<tokio::task::JoinHandle<()>>,
    /// Asks the presence task to say this seat is here
    /// ([`Replica::beat_if_due`]), and when it last asked.
    beat: Option<tokio::sync::mpsc::Sender<()>>,
    last_beat: Option<Instant>,
    /// The client's word on its link, between looks.
    watch: Arc<LinkWatch>,
}

/// What the client says of its link as it happens (its events), and whom
/// to tell: the recorder, which then looks, so a seat with nothing to
/// write says OFFLINE as soon as the link is lost and shared when it is
/// back, without looking every second.
#[derive(Default)]
struct LinkWatch {
    /// Since when the link is lost (`None`: up, or never connected).
    lost_at: Mutex<Option<DateTime<Utc>>>,
    wake: std::sync::OnceLock<Box<dyn Fn() + Send + Sync>>,
}

impl LinkWatch {
    fn on_link(self: &Arc<Self>) -> super::nats::OnLink {
        let me = self.clone();
        Arc::new(move |up| {
            if let Ok(mut lost) = me.lost_at.lock() {
                *lost = match (up, *lost) {
                    (true, _) => None,
                    (false, Some(t)) => Some(t),
                    (false, None) => Some(Utc::now()),
                };
            }
            if let Some(wake) = me.wake.get() {
                wake();
            }
        })
    }

    fn lost_at(&self) -> Option<DateTime<Utc>> {
        self.lost_at.lock().ok().and_then(|l| *l)
    }
}

/// How often a seat on a quiet link looks (who else is there); a lost
/// link, a pending record or a connection being made look every
/// [`crate::timeline::store::LOOK_OFTEN`].
const LOOK_QUIET: Duration = Duration::from_secs(10);

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(f) = self.follow.take() {
            f.abort();
        }
        for t in self.presence.drain(..) {
            t.abort();
        }
        // Leave, if the store answers at once; else the entry ages out.
        if let (Some(link), Some((seat, _))) = (&self.link, &self.me) {
            let (nats, incident, seat) = (link.nats.clone(), self.incident.clone(), seat.clone());
            let _ = self.rt.block_on(async move {
                tokio::time::timeout(Duration::from_millis(300), async move {
                    if let Ok(p) = nats.presence().await {
                        let _ = p.leave(&incident, &seat).await;
                    }
                })
                .await
            });
        }
    }
}

/// How often a seat says it is there: on every second quiet look
/// ([`LOOK_QUIET`]), so the heartbeat needs no timer of its own (an idle
/// seat's store thread wakes for the look anyway).
const HEARTBEAT: Duration = Duration::from_secs(20);
/// A seat not heard from for this long is gone.
const GONE_AFTER: TimeDelta = TimeDelta::seconds(90);

impl Replica {
    /// Opens (or makes) this host's copy of an incident whose mirror is at
    /// `mirror_path`, and brings it up to date with the store if it can
    /// within the config's timeout. Returns the replica and the timeline a
    /// seat starts from (the mirror, then what is pending). Refuses only
    /// what waiting cannot fix (credentials, configuration, a subject that
    /// is not this incident's); an unreachable store is worked around.
    pub fn open(
        cfg: &StoreConfig,
        incident: &str,
        mirror_path: &Path,
    ) -> Result<(Self, ReadOutcome)> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("store")
            .enable_all()
            .build()
            .context("cannot start the store's runtime")?;
        let dir = mirror_path
            .parent()
            .context("an incident's timeline has a folder")?;
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let open_or_create = |p: &Path| -> Result<(FileStore, ReadOutcome)> {
            if !p.exists() {
                let _ = std::fs::OpenOptions::new()
                    .append(true)
                    .create_new(true)
                    .open(p);
            }
            FileStore::open(p)
        };
        let (mirror, mread) = open_or_create(mirror_path)?;
        let (outbox, oread) = open_or_create(&outbox_path(mirror_path))?;
        let token = super::subject_token(incident).map_err(|e| anyhow::anyhow!("{e}"))?;
        let host = host_id(dir)?;
        let mut r = Replica {
            rt,
            cfg: cfg.clone(),
            incident: incident.to_string(),
            token,
            host,
            link: None,
            mirror,
            outbox,
            mirror_recs: Vec::new(),
            at_seq: HashMap::new(),
            outbox_recs: Vec::new(),
            shown_mirror: 0,
            shown_pending: Vec::new(),
            dirty: true,
            unshared_from: 0,
            status: Sharing {
                servers: cfg.server_urls().join(","),
                ..Default::default()
            },
            missed: Default::default(),
            last_try: None,
            tail_found: 0,
            follow: None,
            dialing: None,
            me: None,
            present: Default::default(),
            presence: Vec::new(),
            beat: None,
            last_beat: None,
            watch: Arc::default(),
        };
        r.absorb_mirror(mread.records);
        r.absorb_outbox(oread.records);
        // What could not be fixed by waiting stops here, before anything
        // is shown.
        match r.connect(cfg.timeout) {
            Ok(()) => r.sync(cfg.timeout * 2),
            Err(e) if e.is_retryable() || matches!(e, StoreError::Unreachable(_)) => {
                r.went_offline(e.to_string())
            }
            Err(e) => return Err(anyhow::anyhow!("{e}")),
        }
        let records = r.view();
        r.delta();
        let mut warnings = mread.warnings;
        warnings.extend(oread.warnings);
        let mut damaged = mread.damaged;
        damaged.extend(oread.damaged);
        let mut broken = mread.broken;
        broken.extend(oread.broken);
        Ok((
            r,
            ReadOutcome {
                records,
                warnings,
                damaged,
                broken,
                reload: None,
            },
        ))
    }

    /// The message id of a record of this host's outbox.
    fn origin_id(&self, outbox_seq: u64) -> String {
        format!("{}:o:{}:{outbox_seq}", self.token, self.host)
    }

    fn absorb_mirror(&mut self, recs: Vec<Record>) {
        self.dirty |= !recs.is_empty();
        for r in recs {
            if let Some(id) = &r.share.id {
                self.at_seq.insert(id.clone(), r.seq);
            }
            self.mirror_recs.push(r);
        }
    }

    fn absorb_outbox(&mut self, recs: Vec<Record>) {
        self.dirty |= !recs.is_empty();
        for mut r in recs {
            r.share.id = Some(self.origin_id(r.seq));
            self.outbox_recs.push(r);
        }
    }

    fn pending(&self) -> impl Iterator<Item = &Record> {
        self.outbox_recs.iter().filter(|r| {
            r.share
                .id
                .as_ref()
                .is_some_and(|id| !self.at_seq.contains_key(id))
        })
    }

    /// The timeline a seat shows: the mirror, then the pending records
    /// numbered after it.
    fn view(&self) -> Vec<Record> {
        let mut out = self.mirror_recs.clone();
        out.extend(self.pending_view());
        out
    }

    fn pending_view(&self) -> Vec<Record> {
        let base = self.mirror.last_seq();
        self.pending()
            .enumerate()
            .map(|(i, r)| Record {
                seq: base + 1 + i as u64,
                ..r.clone()
            })
            .collect()
    }

    fn went_offline(&mut self, why: String) {
        if self.status.online || self.status.offline_since.is_none() {
            self.status.offline_since = Some(Utc::now());
        }
        self.status.online = false;
        self.status.error = Some(why);
    }

    /// Connects, waiting at most `budget` (when the replica opens).
    fn connect(&mut self, budget: Duration) -> Result<(), StoreError> {
        if self.link.is_some() {
            return Ok(());
        }
        let got = self.rt.block_on(Self::dial(
            self.cfg.clone(),
            self.incident.clone(),
            budget,
            self.watch.on_link(),
        ))?;
        self.linked(got);
        Ok(())
    }

    async fn dial(
        cfg: StoreConfig,
        incident: String,
        budget: Duration,
        on_link: super::nats::OnLink,
    ) -> Result<(Nats, Journal), StoreError> {
        match tokio::time::timeout(budget, Nats::open_watched(&cfg, &incident, Some(on_link))).await
        {
            Ok(r) => r,
            Err(_) => Err(StoreError::Unreachable(format!(
                "no answer from {} within {budget:?}; the cockpit keeps working on its local \
                 journal",
                cfg.server_urls().join(",")
            ))),
        }
    }

    fn linked(&mut self, (nats, journal): (Nats, Journal)) {
        self.link = Some(Link { nats, journal });
        self.start_follow();
        self.start_presence();
    }

    /// Later attempts run in the background: a seat that started cut off
    /// never waits on a link that does not answer (appends stay as quick
    /// as on local files). Ok once connected.
    fn reconnect(&mut self) -> Result<(), StoreError> {
        match self.dialing.take() {
            Some(h) if h.is_finished() => {
                let got = self
                    .rt
                    .block_on(h)
                    .map_err(|e| StoreError::Unreachable(format!("connecting: {e}")))??;
                self.linked(got);
                Ok(())
            }
            Some(h) => {
                self.dialing = Some(h);
                Err(StoreError::Unreachable(format!(
                    "connecting to {}",
                    self.status.servers
                )))
            }
            None => {
                let (cfg, incident) = (self.cfg.clone(), self.incident.clone());
                let budget = cfg.timeout;
                let on_link = self.watch.on_link();
                self.dialing = Some(self.rt.spawn(Self::dial(cfg, incident, budget, on_link)));
                Err(StoreError::Unreachable(format!(
                    "connecting to {}",
                    self.status.servers
                )))
            }
        }
    }

    /// Says who this seat is on the store's presence, every
    /// [`HEARTBEAT`] while the replica lives, and follows who else is.
    pub fn announce(&mut self, seat: &str, kind: SeatKind) {
        // Keyed by the process (and the replica in it) too: two seats of
        // one user on one host are two seats.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.me = Some((format!("{seat}/{}-{n}", std::process::id()), kind));
        self.start_presence();
    }

    fn start_presence(&mut self) {
        let (Some(link), Some((seat, kind))) = (&self.link, &self.me) else {
            return;
        };
        if !self.presence.is_empty() {
            return;
        }
        let (nats, incident, seat, kind) = (
            link.nats.clone(),
            self.incident.clone(),
            seat.clone(),
            *kind,
        );
        let who = seat.rsplit_once('/').map_or(seat.as_str(), |(w, _)| w);
        let (user, host) = match who.split_once('@') {
            Some((u, h)) => (u.to_string(), h.to_string()),
            None => (who.to_string(), String::new()),
        };
        let (n2, i2, present) = (nats.clone(), incident.clone(), self.present.clone());
        // Heartbeats when the recorder's look asks ([`Replica::beat_if_due`]),
        // not on a timer of this task's own.
        let (beat, mut beats) = tokio::sync::mpsc::channel::<()>(1);
        self.presence.push(self.rt.spawn(async move {
            let mut p = None;
            while beats.recv().await.is_some() {
                // A beat that fails (the bucket being made by another seat
                // at the same moment, a leader election) is tried again
                // 2 s later, a few times; then at the next beat.
                for _ in 0..5 {
                    if p.is_none() {
                        p = nats.presence().await.ok();
                    }
                    if let Some(bucket) = &p {
                        let seen = Seen {
                            user: user.clone(),
                            host: host.clone(),
                            kind,
                            last_seen: Utc::now(),
                        };
                        if bucket.heartbeat(&incident, &seat, &seen).await.is_ok() {
                            break;
                        }
                        p = None;
                    }
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        }));
        // The first at once.
        let _ = beat.try_send(());
        self.last_beat = Some(Instant::now());
        self.beat = Some(beat);
        self.presence.push(self.rt.spawn(async move {
            loop {
                if let Ok(p) = n2.presence().await
                    && let Ok(mut w) = p.watch(&i2).await
                {
                    // A malformed entry (another host's bug, a hostile
                    // writer) is skipped; the watch goes on.
                    while let Some(u) = w.next().await {
                        if let Ok(u) = u
                            && let Ok(mut map) = present.lock()
                        {
                            match u.seen {
                                Some(seen) => map.insert(u.seat, seen),
                                None => map.remove(&u.seat),
                            };
                        }
                    }
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }));
    }

    /// Says this seat is here if [`HEARTBEAT`] has (about) passed since
    /// it last did and the link is up: called on every look, so it rides
    /// the quiet look's wake-up (every second one) instead of a timer.
    fn beat_if_due(&mut self) {
        let (Some(beat), Some(link)) = (&self.beat, &self.link) else {
            return;
        };
        let due = self
            .last_beat
            .is_none_or(|t| t.elapsed() + LOOK_QUIET / 2 >= HEARTBEAT);
        if due && link.nats.is_connected() {
            // Full: a beat is waiting already.
            let _ = beat.try_send(());
            self.last_beat = Some(Instant::now());
        }
    }

    /// Imports what other hosts publish into the mirror as it arrives.
    fn start_follow(&mut self) {
        let Some(link) = &self.link else { return };
        let journal = link.journal.clone();
        let path = self.mirror.path().to_path_buf();
        let (_, from) = read_point(self.mirror.store_head());
        self.follow = Some(self.rt.spawn(async move {
            let Ok((mut mirror, _)) = FileStore::open(&path) else {
                return;
            };
            let mut live = journal.follow(from);
            while let Some(item) = live.next().await {
                if let Ok(e) = item {
                    let recs = records_of(&e, Utc::now());
                    // Another seat of the host may have it already; a gap
                    // is caught up by the next sync.
                    let _ = mirror.import(&recs);
                }
            }
        }));
    }

    /// Brings the mirror up to date and publishes what is pending, within
    /// `budget`. Never fails: trouble is the status's.
    fn sync(&mut self, budget: Duration) {
        self.tail_found = 0;
        self.last_try = Some(Instant::now());
        if self.link.is_none()
            && let Err(e) = self.reconnect()
        {
            // The first failure's reason stays (the attempts say less).
            if self.status.error.is_none() || !e.to_string().starts_with("connecting to") {
                self.went_offline(e.to_string());
            } else {
                self.status.online = false;
            }
            return;
        }
        let deadline = Instant::now() + budget;
        match self.exchange(deadline) {
            Ok(()) => {
                self.status.online = true;
                self.status.offline_since = None;
                self.status.error = None;
            }
            Err(e) => {
                let ids: Vec<String> = self.pending().map(id_of).collect();
                self.missed.extend(ids);
                self.went_offline(e)
            }
        }
    }

    /// Rounds of: read what the subject holds past the mirror and import
    /// it; publish the pending records that fit one message (a batch, all
    /// or nothing) with compare-and-set on the subject's last message.
    fn exchange(&mut self, deadline: Instant) -> Result<(), String> {
        const ROUNDS: usize = 64;
        for _ in 0..ROUNDS {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!(
                    "the store did not answer in time ({})",
                    self.status.servers
                ));
            }
            let Some(link) = self.link.as_mut() else {
                return Err("not connected".into());
            };
            if !link.nats.is_connected() {
                return Err(format!("not connected to {}", self.status.servers));
            }
            let (last, from) = read_point(self.mirror.store_head());
            link.journal.set_known(last);
            let tail = {
                let j = link.journal.clone();
                self.rt
                    .block_on(async move { tokio::time::timeout(left, j.tail_from(from)).await })
                    .map_err(|_| format!("reading the store timed out ({})", self.status.servers))?
                    .map_err(|e| e.to_string())?
            };
            let now = Utc::now();
            let recs: Vec<Record> = tail.iter().flat_map(|e| records_of(e, now)).collect();
            self.tail_found += self.import(&recs)?;
            let Some(out) = self.next_message(now)? else {
                return Ok(());
            };
            let (last, _) = read_point(self.mirror.store_head());
            let Some(link) = self.link.as_mut() else {
                return Err("not connected".into());
            };
            link.journal.set_known(last);
            let mut j = link.journal.clone();
            let left = deadline.saturating_duration_since(Instant::now());
            let sent = {
                let out = out.clone();
                self.rt.block_on(async move {
                    let r = tokio::time::timeout(
                        left,
                        j.publish(Outgoing {
                            bytes: &out.bytes,
                            incident_seq: out.seq,
                            msg_id: &out.id,
                            offline: out.offline,
                            records: out.records,
                        }),
                    )
                    .await;
                    (r, j)
                })
            };
            match sent {
                (Err(_), _) => {
                    return Err(format!("publishing timed out ({})", self.status.servers));
                }
                (Ok(Ok(ack)), j) => {
                    if let Some(link) = self.link.as_mut() {
                        link.journal = j;
                    }
                    if !ack.duplicate && ack.stream_seq == last + 1 {
                        // Ours as every host reads them from the message.
                        let e = Entry {
                            stream_seq: ack.stream_seq,
                            msg_id: Some(out.id),
                            incident_seq: Some(out.seq),
                            offline: out.offline,
                            batch: (out.records > 1).then_some(out.records as u64),
                            bytes: out.bytes,
                        };
                        self.import(&records_of(&e, now))?;
                        // Stored right after what the mirror held: the
                        // subject's head was read just before and is now
                        // ours. Read it again only to publish more (what
                        // others write after it, the follow brings): an
                        // append is two round trips, not three.
                        if self.pending().next().is_none() {
                            return Ok(());
                        }
                    }
                    // A duplicate: it is on the subject already, found by
                    // the next round's tail.
                }
                (Ok(Err(e)), _) if e.is_conflict() || e.is_retryable() => {
                    // Someone else appended (read on, place, try again), or
                    // a leader election (the same message again is safe).
                    if e.is_retryable() {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
                (Ok(Err(e)), _) => return Err(e.to_string()),
            }
        }
        Ok(())
    }

    /// The message that shares the next pending records, numbered after
    /// the mirror: one record as it always was, or as many as one message
    /// takes as a batch (one a line, the `Cockpit-Batch` header; its id is
    /// the first record's and how many, the same on a retry of the same
    /// records). `None`: nothing pending.
    fn next_message(&self, now: DateTime<Utc>) -> Result<Option<Message>, String> {
        let limit = self
            .link
            .as_ref()
            .map_or(1024 * 1024, |l| l.nats.max_payload())
            .saturating_sub(HEADER_ROOM)
            .max(HEADER_ROOM);
        let base = self.mirror.last_seq();
        let mut lines: Vec<Vec<u8>> = Vec::new();
        let mut size = 0;
        let mut first: Option<(String, u64)> = None;
        let mut offline_any = false;
        for (i, p) in self.pending().take(MAX_BATCH_RECORDS).enumerate() {
            let seq = base + 1 + i as u64;
            let id = id_of(p);
            let offline =
                p.share.offline || self.missed.contains(&id) || now - p.at > OFFLINE_AFTER;
            let rec = Record {
                seq,
                share: Share {
                    id: Some(id.clone()),
                    offline,
                    // The outbox's link means nothing on the store; the
                    // mirror links it where it lands.
                    prev: None,
                    pos: None,
                },
                ..p.clone()
            };
            let bytes = crate::sanitize::json::to_vec(&rec).map_err(|e| e.to_string())?;
            // One record too large for a message is sent alone (and
            // refused, said as such).
            if !lines.is_empty() && size + 1 + bytes.len() > limit {
                break;
            }
            size += bytes.len() + usize::from(!lines.is_empty());
            lines.push(bytes);
            first.get_or_insert((id, seq));
            offline_any |= offline;
        }
        let Some((first_id, seq)) = first else {
            return Ok(None);
        };
        let records = lines.len();
        Ok(Some(Message {
            id: if records == 1 {
                first_id
            } else {
                format!("{first_id}+{records}")
            },
            bytes: lines.join(&b'\n'),
            seq,
            offline: offline_any,
            records,
        }))
    }

    /// Writes records of the shared order into the mirror: how many it
    /// wrote (not what another seat of the host had written already).
    fn import(&mut self, recs: &[Record]) -> Result<usize, String> {
        let (others, written) = self.mirror.import(recs).map_err(|e| format!("{e:#}"))?;
        let n = written.len();
        self.absorb_mirror(others);
        self.absorb_mirror(written);
        Ok(n)
    }

    /// The status with what is pending now.
    fn current(&self) -> Sharing {
        let mut s = self.status.clone();
        // The client knows of a lost link before any exchange fails.
        if self.link.is_some()
            && let Some(t) = self.watch.lost_at()
        {
            s.online = false;
            s.offline_since = Some(s.offline_since.map_or(t, |o| o.min(t)));
            s.error
                .get_or_insert_with(|| format!("the link to {} is lost; reconnecting", s.servers));
        }
        let pending: Vec<&Record> = self.pending().collect();
        s.pending = pending.len() as u64;
        s.first_pending = (!pending.is_empty()).then(|| self.mirror.last_seq() + 1);
        s.pending_since = pending.first().map(|r| r.at);
        let now = Utc::now();
        if let Ok(map) = self.present.lock() {
            s.present = map
                .iter()
                .filter(|(_, seen)| now - seen.last_seen < GONE_AFTER)
                .map(|(_, seen)| crate::timeline::Present {
                    seat: if seen.host.is_empty() {
                        seen.user.clone()
                    } else {
                        format!("{}@{}", seen.user, seen.host)
                    },
                    kind: match seen.kind {
                        SeatKind::Ic => "IC",
                        SeatKind::Seat => "seat",
                        SeatKind::Viewer => "viewer",
                        SeatKind::Facilitator => "facilitator",
                    }
                    .into(),
                    last_seen: DateTime::from_timestamp(
                        seen.last_seen.timestamp().div_euclid(60) * 60,
                        0,
                    )
                    .unwrap_or(seen.last_seen),
                })
                .collect();
        }
        s
    }

    /// What to deliver after the mirror or the outbox moved: the records
    /// not delivered yet, or the whole timeline when what was delivered is
    /// no longer its beginning (pending records placed after other hosts'
    /// records, or found to be written offline). Costs what changed, not
    /// the whole timeline, unless it is delivered again.
    fn delta(&mut self) -> (Vec<Record>, Option<Vec<Record>>) {
        if !self.dirty {
            return (Vec::new(), None);
        }
        self.dirty = false;
        while self.unshared_from < self.outbox_recs.len()
            && self.outbox_recs[self.unshared_from]
                .share
                .id
                .as_ref()
                .is_some_and(|id| self.at_seq.contains_key(id))
        {
            self.unshared_from += 1;
        }
        let m = self.mirror_recs.len();
        let pending = self.pending_view();
        // The view past the mirror records delivered: more mirror records,
        // then the pending ones.
        let tail: Vec<&Record> = self.mirror_recs[self.shown_mirror.min(m)..]
            .iter()
            .chain(pending.iter())
            .collect();
        let same = self.shown_mirror <= m
            && tail.len() >= self.shown_pending.len()
            && tail
                .iter()
                .zip(&self.shown_pending)
                .all(|(r, k)| key(r) == *k);
        let out = if same {
            let new: Vec<Record> = tail[self.shown_pending.len()..]
                .iter()
                .map(|r| (*r).clone())
                .collect();
            (new, None)
        } else {
            (Vec::new(), Some(self.view()))
        };
        self.shown_mirror = m;
        self.shown_pending = pending.iter().map(key).collect();
        out
    }

    /// Time to try the store again: something to publish, or no link yet
    /// (a seat that started cut off must still come to follow the others).
    /// On a quiet link, each quiet look ([`LOOK_QUIET`]) reads the
    /// subject's head too (one request): a follow lost with its server
    /// (noticed by its heartbeats only after 20 s) delays another host's
    /// record by a look at most.
    fn due(&self) -> bool {
        let wait = try_again_after(
            self.link.is_some(),
            self.status.online,
            self.pending().next().is_some(),
        );
        self.last_try.is_none_or(|t| t.elapsed() >= wait)
    }
}

/// How long after a try the store is tried again: every [`RETRY_EVERY`]
/// while there is no link, something to publish, or the last try failed
/// (a look that failed on a link still up, in a leader election, shows
/// the seat offline: it must not stay so for a quiet look's ten seconds
/// once the store answers again); else at the quiet look, a little early
/// or not.
fn try_again_after(linked: bool, online: bool, pending: bool) -> Duration {
    if !linked || !online || pending {
        RETRY_EVERY
    } else {
        LOOK_QUIET.saturating_sub(Duration::from_millis(500))
    }
}

fn id_of(r: &Record) -> String {
    r.share.id.clone().unwrap_or_default()
}

/// A delivered record's identity: its id, and whether it says it was
/// written offline (one shared with another mark than it was shown with is
/// delivered again).
fn key(r: &Record) -> String {
    format!("{}{}", id_of(r), if r.share.offline { "~" } else { "" })
}

impl crate::timeline::Store for Replica {
    fn append_many(&mut self, at: DateTime<Utc>, by: &str, events: Vec<Event>) -> Result<Batch> {
        self.outbox.mark_offline = !self.status.online;
        let batch = self.outbox.append_many(at, by, events)?;
        self.absorb_outbox(batch.others);
        let mut written = batch.written;
        let mut ours = Vec::new();
        for r in written.iter_mut().flatten() {
            r.share.id = Some(self.origin_id(r.seq));
            ours.push(r.clone());
        }
        self.dirty |= !ours.is_empty();
        self.outbox_recs.extend(ours.iter().cloned());
        if self.link.is_some() || self.due() {
            self.sync(APPEND_BUDGET);
        }
        // Each of ours as the timeline now numbers it.
        let _ = self.mirror_read();
        let (new, reload) = self.delta();
        let view_seq: HashMap<String, Record> = match &reload {
            Some(all) => all.iter().map(|r| (id_of(r), r.clone())).collect(),
            None => new.iter().map(|r| (id_of(r), r.clone())).collect(),
        };
        for r in written.iter_mut().flatten() {
            if let Some(v) = view_seq.get(&id_of(r)) {
                *r = v.clone();
            }
        }
        let mine: std::collections::HashSet<String> = ours.iter().map(id_of).collect();
        let others: Vec<Record> = new
            .into_iter()
            .filter(|r| !mine.contains(&id_of(r)))
            .collect();
        // Others are delivered before ours: if one of theirs comes after
        // one of ours, deliver the whole timeline instead.
        let first_ours = written
            .iter()
            .filter_map(|w| w.as_ref().ok())
            .map(|r| r.seq)
            .min();
        let reload = match (reload, first_ours) {
            (None, Some(f)) if others.iter().any(|o| o.seq > f) => Some(self.view()),
            (r, _) => r,
        };
        Ok(Batch {
            others: if reload.is_some() { Vec::new() } else { others },
            written,
            reload,
        })
    }

    fn read_new(&mut self) -> Result<crate::timeline::store::ReadOutcome> {
        let (mut warnings, mut broken) = self.mirror_read()?;
        self.beat_if_due();
        let o = self.outbox.read_new()?;
        warnings.extend(o.warnings);
        broken.extend(o.broken);
        self.absorb_outbox(o.records);
        if self.due() {
            let quiet = self.link.is_some() && self.pending().next().is_none();
            self.sync(APPEND_BUDGET);
            if quiet && self.tail_found > 0 {
                // The follow should have brought them: lost with its
                // server, or stuck. A new one, from where the mirror is.
                if let Some(f) = self.follow.take() {
                    f.abort();
                }
                self.start_follow();
            }
        }
        let (records, reload) = self.delta();
        Ok(ReadOutcome {
            records,
            warnings,
            damaged: Vec::new(),
            broken,
            reload,
        })
    }

    fn read_from(&self, from: u64) -> Result<ReadOutcome> {
        let mut records = self.view();
        records.retain(|r| r.seq >= from);
        Ok(ReadOutcome {
            records,
            ..Default::default()
        })
    }

    fn local_file(&self) -> Option<&Path> {
        Some(self.mirror.path())
    }

    fn watched(&self) -> Vec<PathBuf> {
        vec![
            self.mirror.path().to_path_buf(),
            self.outbox.path().to_path_buf(),
        ]
    }

    fn sharing(&self) -> Option<Sharing> {
        Some(self.current())
    }

    /// Pending records are retried, and a connection made, on each look;
    /// on a quiet link a look only says who else is there (the client's
    /// events say when the link is lost: `LinkWatch`).
    fn look_every(&self) -> Duration {
        let quiet = self.link.is_some()
            && self.dialing.is_none()
            && self.status.online
            && self.watch.lost_at().is_none()
            && self.pending().next().is_none();
        if quiet {
            LOOK_QUIET
        } else {
            crate::timeline::store::LOOK_OFTEN
        }
    }

    fn set_waker(&mut self, wake: Box<dyn Fn() + Send + Sync>) {
        let _ = self.watch.wake.set(wake);
    }
}

impl Replica {
    /// Reads what the follow task or other seats put in the mirror: the
    /// warnings, and records that do not fit its chain.
    fn mirror_read(&mut self) -> Result<(Vec<String>, Vec<crate::timeline::chain::Break>)> {
        let m = self.mirror.read_new()?;
        self.absorb_mirror(m.records);
        Ok((m.warnings, m.broken))
    }

    /// Publishes what is pending and waits until it is shared or `budget`
    /// runs out (for `note` and the end of a session): how many records
    /// are still pending.
    pub fn flush(&mut self, budget: Duration) -> u64 {
        let deadline = Instant::now() + budget;
        while Instant::now() < deadline {
            let _ = self.mirror_read();
            self.sync(deadline.saturating_duration_since(Instant::now()));
            if self.pending().next().is_none() {
                return 0;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.pending().count() as u64
    }

    /// The store's view of this incident, for `store status`.
    pub fn status(&mut self) -> Result<super::nats::StoreStatus, StoreError> {
        let link = self
            .link
            .as_ref()
            .ok_or_else(|| StoreError::Unreachable(format!("not connected to {}", self.cfg)))?;
        let (nats, incident, seen) = (
            link.nats.clone(),
            self.incident.clone(),
            read_point(self.mirror.store_head()).1 - 1,
        );
        self.rt
            .block_on(async move { nats.status(&incident, seen).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A seat shown offline is tried again every second, link or not: a
    /// quiet look that failed during a leader election does not leave it
    /// offline for the next quiet look's ten seconds.
    #[test]
    fn a_failed_look_is_tried_again_every_second_not_at_the_next_quiet_look() {
        assert_eq!(try_again_after(true, false, false), RETRY_EVERY);
        assert_eq!(try_again_after(false, false, false), RETRY_EVERY);
        assert_eq!(try_again_after(true, true, true), RETRY_EVERY);
        assert_eq!(
            try_again_after(true, true, false),
            LOOK_QUIET - Duration::from_millis(500)
        );
    }

    fn entry(stream_seq: u64, batch: Option<u64>, bytes: &[u8]) -> Entry {
        Entry {
            stream_seq,
            msg_id: Some(format!("m{stream_seq}")),
            incident_seq: None,
            offline: false,
            batch,
            bytes: bytes.to_vec(),
        }
    }

    fn line(id: &str, text: &str, offline: bool) -> String {
        let off = if offline { r#","offline":true"# } else { "" };
        format!(
            r#"{{"seq":9,"at":"2026-12-07T11:00:00.000Z","by":"cy@c","kind":"note","text":"{text}","msg_id":"{id}"{off}}}"#
        )
    }

    /// A plain message is one record (as before batches); a batch is its
    /// records, each with its own id and offline mark and its place in
    /// the message; what does not add up is a note in its place.
    #[test]
    fn a_message_is_one_record_or_a_batch_of_them() {
        let now = Utc::now();
        let one = records_of(&entry(3, None, line("x", "one", false).as_bytes()), now);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].share.id.as_deref(), Some("m3"), "the message's id");
        assert_eq!(one[0].share.pos, Some(StorePos::single(3)));
        let batch = [
            line("i:o:h:1", "a", true),
            line("i:o:h:2", "b", false),
            line("i:o:h:1", "twice", false),
        ]
        .join("\n");
        let recs = records_of(&entry(4, Some(3), batch.as_bytes()), now);
        let ids: Vec<_> = recs.iter().map(|r| r.share.id.clone().unwrap()).collect();
        assert_eq!(ids, ["i:o:h:1", "i:o:h:2", "stream:4.3"], "an id once");
        assert_eq!(
            recs.iter().map(|r| r.share.offline).collect::<Vec<_>>(),
            [true, false, false]
        );
        for (i, r) in recs.iter().enumerate() {
            assert_eq!(
                r.share.pos,
                Some(StorePos {
                    msg: 4,
                    part: i as u32,
                    of: 3
                })
            );
        }
        // A line that is no record keeps its place as a note.
        let bad = format!("{}\n\u{1b}[2J", line("i:o:h:5", "a", false));
        let recs = records_of(&entry(5, Some(2), bad.as_bytes()), now);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].by, "store");
        assert!(
            recs[1].event.summary().contains("record 2 of 2"),
            "{:?}",
            recs[1]
        );
        // A count that does not add up, or out of bounds: one note.
        for (n, bytes) in [
            (3, batch.replace("\n", " ")),
            (0, batch.clone()),
            (5000, batch.clone()),
        ] {
            let recs = records_of(&entry(6, Some(n), bytes.as_bytes()), now);
            assert_eq!(recs.len(), 1, "{n}");
            assert!(recs[0].event.summary().contains("not a record"));
            assert_eq!(recs[0].share.pos, Some(StorePos::single(6)));
        }
    }

    /// The mirror numbers records on from its last one, knows where it
    /// stands in the store's subject, skips what it holds (another seat
    /// of the host imported it) and refuses a gap; a batch written only
    /// in part is completed.
    #[test]
    fn the_mirror_imports_by_place_in_the_subject() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x").join("timeline.jsonl");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"").unwrap();
        let now = Utc::now();
        let (mut m, _) = FileStore::open(&path).unwrap();
        let first = records_of(&entry(1, None, line("a", "one", false).as_bytes()), now);
        m.import(&first).unwrap();
        let batch = [
            line("b", "b1", false),
            line("c", "b2", false),
            line("d", "b3", false),
        ]
        .join("\n");
        let b = records_of(&entry(2, Some(3), batch.as_bytes()), now);
        // Part of it (a seat that stopped half-way), then all of it.
        m.import(&b[..1]).unwrap();
        assert_eq!(
            m.store_head(),
            Some(StorePos {
                msg: 2,
                part: 0,
                of: 3
            })
        );
        assert_eq!(
            read_point(m.store_head()),
            (2, 2),
            "message 2 is read again"
        );
        let (_, written) = m.import(&b).unwrap();
        assert_eq!(
            written.iter().map(|r| r.seq).collect::<Vec<_>>(),
            [3, 4],
            "only what was missing"
        );
        assert_eq!(read_point(m.store_head()), (2, 3));
        let after = records_of(&entry(3, None, line("e", "after", false).as_bytes()), now);
        let (_, written) = m.import(&after).unwrap();
        assert_eq!(written[0].seq, 5);
        assert_eq!(
            written[0].share.pos,
            Some(StorePos::single(3)),
            "said in the line"
        );
        let gap = records_of(&entry(5, None, line("f", "gap", false).as_bytes()), now);
        assert!(m.import(&gap).is_err());
        // Another seat's copy of the file reads the same place.
        let (again, read) = FileStore::open(&path).unwrap();
        assert_eq!(again.store_head(), m.store_head());
        assert_eq!(read.records.len(), 5);
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
        // The plain case says nothing of it in the line (as before batches).
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.lines().next().unwrap().contains("store_msg"),
            "{text}"
        );
    }

    /// Seats of one host opening an incident at the same moment agree on
    /// the host's id, and none reads it empty (a half-written `host` file
    /// once gave two seats two ids for one outbox).
    #[test]
    fn seats_starting_together_get_one_host_id() {
        for _ in 0..200 {
            let dir = tempfile::tempdir().unwrap();
            let go = std::sync::Barrier::new(6);
            let ids: Vec<String> = std::thread::scope(|s| {
                let hs: Vec<_> = (0..6)
                    .map(|_| {
                        s.spawn(|| {
                            go.wait();
                            host_id(dir.path())
                        })
                    })
                    .collect();
                hs.into_iter().map(|h| h.join().unwrap().unwrap()).collect()
            });
            assert!(!ids[0].is_empty());
            assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
            let leftovers: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(leftovers, ["host"]);
        }
    }
}
