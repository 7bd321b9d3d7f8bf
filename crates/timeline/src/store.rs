//! The durable log. One small interface (`Store`: append, read new
//! records, read from a sequence number) so that another backend can share
//! an incident across hosts later. `FileStore` keeps
//! `incidents/<id>/timeline.jsonl` under the state directory, and drills
//! apart from them in `drills/<id>/timeline.jsonl`.
//!
//! Several seats (processes) may append to one incident: each append takes
//! an exclusive `flock`, first reads whatever other seats appended, numbers
//! its records after the last one, writes them with one `write` on an
//! `O_APPEND` file and fsyncs once before the lock is released and the
//! records are acknowledged. Records never interleave and sequence numbers are
//! gap-free. Records that several seats could observe at once (a pod
//! entering CrashLoopBackOff, a clock falling due) carry a dedupe key and are
//! written once.

use super::record::{Event, Record, at_millis};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, TimeDelta, Utc};
use nix::fcntl::{Flock, FlockArg};
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What an append did.
#[derive(Debug)]
pub struct Appended {
    /// Records other seats appended since this store last read.
    pub others: Vec<Record>,
    /// This append's record; `None` when an equal record already existed
    /// (deduplicated).
    pub record: Option<Record>,
}

/// What appending several events did.
#[derive(Debug)]
pub struct Batch {
    /// Records other seats appended since this store last read.
    pub others: Vec<Record>,
    /// Each event's record, in order; the event back when an equal record
    /// already existed (deduplicated).
    pub written: Vec<std::result::Result<Record, Event>>,
    /// The whole timeline as it now stands, when it is not what was
    /// delivered so far plus `others` and `written` (a shared store placed
    /// records written while cut off after other hosts' records).
    pub reload: Option<Vec<Record>>,
}

pub trait Store: Send {
    /// Appends records for the events, in order, and makes them durable
    /// (one write, one fsync) before returning them, with what other seats
    /// appended meanwhile. On an error none of them is acknowledged.
    fn append_many(&mut self, at: DateTime<Utc>, by: &str, events: Vec<Event>) -> Result<Batch>;
    /// Appends one record and makes it durable before returning it, with
    /// what other seats appended meanwhile.
    fn append(&mut self, at: DateTime<Utc>, by: &str, event: Event) -> Result<Appended> {
        let batch = self.append_many(at, by, vec![event])?;
        Ok(Appended {
            others: batch.others,
            record: batch.written.into_iter().next().and_then(|r| r.ok()),
        })
    }
    /// Records appended (by anyone) since the last call or append.
    fn read_new(&mut self) -> Result<ReadOutcome>;
    /// Every readable record with `seq >= from`, and warnings about lines
    /// that could not be read (a torn last line after a crash, say).
    fn read_from(&self, from: u64) -> Result<ReadOutcome>;
    /// The local file behind the store, if any: the follower watches it
    /// for changes instead of polling.
    fn local_file(&self) -> Option<&Path> {
        None
    }
    /// Every local file whose changes are worth a look (the follower
    /// watches them all).
    fn watched(&self) -> Vec<PathBuf> {
        self.local_file()
            .map(Path::to_path_buf)
            .into_iter()
            .collect()
    }
    /// How the timeline stands with a shared store (`None`: local files
    /// only).
    fn sharing(&self) -> Option<Sharing> {
        None
    }
    /// How often the follower looks without being told of a change.
    /// Seldom where the file system reports every write (a local disk:
    /// the look is only a safety net), often where it may not (a network
    /// file system reports only this host's writes, and an unknown one
    /// may report none).
    fn look_every(&self) -> Duration {
        match self.local_file() {
            Some(path) if reports_changes(path) => LOOK_SAFETY_NET,
            _ => LOOK_OFTEN,
        }
    }
    /// Given once by the recorder: a store whose state changes with no
    /// file changing (a shared store's link lost or back) calls it to be
    /// looked at at once.
    fn set_waker(&mut self, _wake: Box<dyn Fn() + Send + Sync>) {}
}

/// The follower's look when the file system reports changes.
pub const LOOK_SAFETY_NET: Duration = Duration::from_secs(30);
/// The follower's look when it may not (or a shared store has a link to
/// watch and records to retry).
pub const LOOK_OFTEN: Duration = Duration::from_secs(2);

/// Whether inotify reports every write to a file on this file system: the
/// local disk file systems do; network and unknown ones are not trusted.
pub fn reports_changes(path: &Path) -> bool {
    use nix::sys::statfs as fs;
    let Ok(st) = fs::statfs(path) else {
        return false;
    };
    let t = st.filesystem_type();
    [
        fs::EXT4_SUPER_MAGIC, // also ext2 and ext3: one magic
        fs::XFS_SUPER_MAGIC,
        fs::BTRFS_SUPER_MAGIC,
        fs::TMPFS_MAGIC,
        fs::OVERLAYFS_SUPER_MAGIC,
        fs::F2FS_SUPER_MAGIC,
        fs::REISERFS_SUPER_MAGIC,
        fs::NILFS_SUPER_MAGIC,
    ]
    .contains(&t)
        || t.0 == 0x2fc1_2fc1 // ZFS (not among nix's names)
}

/// How a seat's timeline stands with the shared store, for the header and
/// the timeline pane.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sharing {
    /// The store's servers, as `store status` names them (no secrets).
    pub servers: String,
    /// The link works and the last exchange succeeded.
    pub online: bool,
    /// Since when it has not (`None` while online).
    pub offline_since: Option<DateTime<Utc>>,
    /// What went wrong last, for people (no secrets).
    pub error: Option<String>,
    /// Records written here and not yet on the store, from this seq on.
    pub pending: u64,
    pub first_pending: Option<u64>,
    /// When the oldest of them was written.
    pub pending_since: Option<DateTime<Utc>>,
    /// Who is on the incident from which host (this seat too), by seat.
    pub present: Vec<Present>,
}

/// A seat on the incident, as the store's presence says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Present {
    /// `user@host`.
    pub seat: String,
    /// `ic`, `seat`, `viewer` or `facilitator`.
    pub kind: String,
    /// Its last heartbeat, to the minute (seats beat every 20 s; one not
    /// heard from for 90 s is gone).
    pub last_seen: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub struct ReadOutcome {
    pub records: Vec<Record>,
    /// Every line that was not read as a record, and records missing
    /// between two that were, each as `file:line[:column]: what`.
    pub warnings: Vec<String>,
    /// The warnings about damage (see `parse`): a line in the middle that
    /// is not a record, a record of a kind this version does not know, a
    /// record out of order. A seat that writes refuses a timeline with any.
    pub damaged: Vec<String>,
    /// Records that do not fit the hash chain ([`super::chain`]): seq and
    /// what is wrong. Also in `warnings`; the record is read all the same.
    pub broken: Vec<super::chain::Break>,
    /// As in [`Batch::reload`].
    pub reload: Option<Vec<Record>>,
}

/// A step's tick (true) or untick.
fn tick_of(ev: &Event) -> Option<(&str, bool)> {
    match ev {
        Event::StepChecked { step, .. } => Some((step, true)),
        Event::StepUnchecked { step, .. } => Some((step, false)),
        _ => None,
    }
}

/// How long a record observed by several seats counts as the same.
const DEDUPE_WINDOW: TimeDelta = TimeDelta::minutes(2);

/// The key under which seats deduplicate a record, if it has one.
pub fn dedupe_key(ev: &Event) -> Option<(String, bool)> {
    // (key, exact): exact keys dedupe forever, others within the window.
    match ev {
        Event::TimerDue { timer, .. } => Some((format!("due:{timer}"), true)),
        Event::TimerAcknowledged { timer, .. } => Some((format!("ack:{timer}"), true)),
        Event::AlertFiring {
            alertname,
            fingerprint,
            ..
        } => Some((format!("firing:{alertname}:{fingerprint}"), false)),
        Event::AlertResolved {
            alertname,
            fingerprint,
        } => Some((format!("resolved:{alertname}:{fingerprint}"), false)),
        Event::PodChanged { pod, from, to } => Some((format!("pod:{pod}:{from}:{to}"), false)),
        // Every seat of a drill proposes its script's injects: one fires.
        Event::InjectFired {
            inject: Some(n), ..
        } => Some((format!("inject:{n}"), true)),
        Event::ChainBroken { record, .. } => Some((format!("chain:{record}"), true)),
        // An acknowledgement lapses once, whichever seat notices first.
        Event::AlertUnacked { ack, reason, .. } if reason == "lapsed" => {
            Some((format!("acklapse:{ack}"), false))
        }
        // Two-person rule: a proposal's id is taken once; one decision per
        // proposal, and one end (lapsed, voided, or its one run), whichever
        // seat is first.
        Event::ApprovalProposed { proposal, .. } => Some((format!("proposal:{proposal}"), true)),
        Event::ApprovalGranted { proposal, .. } | Event::ApprovalRejected { proposal, .. } => {
            Some((format!("decided:{proposal}"), true))
        }
        Event::ApprovalLapsed { proposal } | Event::ApprovalVoided { proposal, .. } => {
            Some((format!("closed:{proposal}"), true))
        }
        Event::CommandStarted {
            approval: Some(proposal),
            ..
        } => Some((format!("closed:{proposal}"), true)),
        _ => None,
    }
}

pub struct FileStore {
    path: PathBuf,
    file: File,
    /// Where appends are written and made durable: the same file (a
    /// test puts a failing disk in its place).
    out: Box<dyn LogFile>,
    /// Bytes of the file already read.
    offset: u64,
    /// The 1-based number of the line starting at `offset` (for messages),
    /// counted as lines are read so no read goes back to the start.
    line: usize,
    last_seq: u64,
    /// A shared store's mirror: where its last record stands in the
    /// store's subject ([`FileStore::store_head`]).
    head: Option<super::StorePos>,
    /// Dedupe keys seen, with the last time.
    keys: HashMap<String, DateTime<Utc>>,
    /// The offset of a torn tail already reported.
    torn_reported: Option<u64>,
    /// New records are marked written offline (a shared store's outbox).
    pub mark_offline: bool,
    /// Where the file's hash chain stands after what was read or written.
    link: super::chain::Link,
    /// Each step's last tick (true) or untick in the file: a tick of a
    /// step already ticked (two seats at the same moment) is not written.
    steps: HashMap<String, bool>,
}

/// The file behind a `FileStore`, as appends use it: a test puts a disk
/// that fails in its place.
trait LogFile: Send {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()>;
    fn make_durable(&mut self) -> std::io::Result<()>;
    /// Cuts the file back to `len` bytes.
    fn cut_back(&mut self, len: u64) -> std::io::Result<()>;
}

impl LogFile for File {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        Write::write_all(self, bytes)
    }
    fn make_durable(&mut self) -> std::io::Result<()> {
        File::sync_data(self)
    }
    fn cut_back(&mut self, len: u64) -> std::io::Result<()> {
        File::set_len(self, len)?;
        File::sync_data(self)
    }
}

/// The state directory's folder for real incidents.
pub const INCIDENTS: &str = "incidents";
/// The state directory's folder for drills, kept apart from incidents.
pub const DRILLS: &str = "drills";

impl FileStore {
    /// Where an incident's log lives under a state directory.
    pub fn path_for(state_dir: &Path, id: &str) -> PathBuf {
        Self::path_in(state_dir, INCIDENTS, id)
    }

    /// Where a drill's log lives under a state directory.
    pub fn drill_path_for(state_dir: &Path, id: &str) -> PathBuf {
        Self::path_in(state_dir, DRILLS, id)
    }

    /// `<state>/<folder>/<id>/timeline.jsonl`.
    pub fn path_in(state_dir: &Path, folder: &str, id: &str) -> PathBuf {
        state_dir.join(folder).join(id).join("timeline.jsonl")
    }

    /// Creates a new, empty incident log; fails if the incident exists.
    pub fn create(state_dir: &Path, id: &str) -> Result<Self> {
        Self::create_in(state_dir, INCIDENTS, id)
    }

    /// Creates a new, empty drill log; fails if the drill exists.
    pub fn create_drill(state_dir: &Path, id: &str) -> Result<Self> {
        Self::create_in(state_dir, DRILLS, id)
    }

    fn create_in(state_dir: &Path, folder: &str, id: &str) -> Result<Self> {
        validate_id(id)?;
        let path = Self::path_in(state_dir, folder, id);
        let dir = path.parent().context("incident path has no parent")?;
        fs::create_dir_all(dir).with_context(|| {
            format!(
                "cannot create the incident directory {} (check permissions, or pick another --state-dir)",
                dir.display()
            )
        })?;
        let file = OpenOptions::new()
            .append(true)
            .read(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        share_with_group(state_dir, &state_dir.join(folder), dir, &path);
        // Make the new directory entry itself durable.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(Self {
            path,
            out: Box::new(file.try_clone()?),
            file,
            offset: 0,
            line: 1,
            last_seq: 0,
            head: None,
            keys: HashMap::new(),
            torn_reported: None,
            mark_offline: false,
            link: super::chain::Link::new(id),
            steps: HashMap::new(),
        })
    }

    /// Creates a new incident under `base`, or `base-2`, `base-3`... when
    /// another was declared in the same second. Returns the id used.
    pub fn create_unique(state_dir: &Path, base: &str) -> Result<(Self, String)> {
        Self::create_unique_in(state_dir, INCIDENTS, base)
    }

    /// `create_unique` for a drill (under `drills/`).
    pub fn create_drill_unique(state_dir: &Path, base: &str) -> Result<(Self, String)> {
        Self::create_unique_in(state_dir, DRILLS, base)
    }

    fn create_unique_in(state_dir: &Path, folder: &str, base: &str) -> Result<(Self, String)> {
        for n in 1..100 {
            let id = if n == 1 {
                base.to_string()
            } else {
                format!("{base}-{n}")
            };
            match Self::create_in(state_dir, folder, &id) {
                Ok(s) => return Ok((s, id)),
                // Taken (before, or by another seat a moment ago): the
                // next name.
                Err(_) if Self::path_in(state_dir, folder, &id).exists() => {}
                Err(e) => return Err(e),
            }
        }
        bail!(
            "cannot find a free incident id for {base} in {}",
            state_dir.display()
        )
    }

    /// Opens an existing log; returns it with what it holds.
    pub fn open(path: &Path) -> Result<(Self, ReadOutcome)> {
        let file = OpenOptions::new()
            .append(true)
            .read(true)
            .open(path)
            .with_context(|| format!("cannot open the timeline {}", path.display()))?;
        let mut s = Self {
            path: path.to_path_buf(),
            out: Box::new(file.try_clone()?),
            file,
            offset: 0,
            line: 1,
            last_seq: 0,
            head: None,
            keys: HashMap::new(),
            torn_reported: None,
            mark_offline: false,
            link: super::chain::Link::new(&super::chain::incident_of(path)),
            steps: HashMap::new(),
        };
        let outcome = s.read_new()?;
        Ok((s, outcome))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last seq read or written.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// A shared store's mirror: where its last record stands in the
    /// store's subject (`None`: empty). Its message is held whole when
    /// [`StorePos::completes`](super::StorePos::completes).
    pub fn store_head(&self) -> Option<super::StorePos> {
        self.head
    }

    /// Appends records of a shared store's order after what the file
    /// holds, numbering them on: each says where it stands in the store's
    /// subject ([`super::Share::pos`]; without it, record n is message n).
    /// Under the lock, records at or before the file's last position are
    /// already there (another seat of this host imported them) and
    /// skipped; a record that would leave a gap is refused. Returns what
    /// other seats appended (read first) and what this call wrote, both
    /// durable.
    pub fn import(&mut self, records: &[Record]) -> Result<(Vec<Record>, Vec<Record>)> {
        let lock_file = self.file.try_clone()?;
        let _lock = Flock::lock(lock_file, FlockArg::LockExclusive)
            .map_err(|(_, e)| anyhow::anyhow!("cannot lock {}: {e}", self.path.display()))?;
        let others = self.read_tail()?.records;
        let len = self.file.metadata()?.len();
        let mut bytes = Vec::new();
        if len > self.offset {
            bytes.push(b'\n');
        }
        let mut seq = self.last_seq;
        let mut head = self.head;
        let mut written = Vec::new();
        let mut link = self.link.clone();
        for rec in records {
            let pos = rec.share.pos_of(rec.seq);
            if head.is_some_and(|h| (pos.msg, pos.part) <= (h.msg, h.part)) {
                continue;
            }
            let want = head.map_or(super::StorePos::single(1), |h| h.next());
            if (pos.msg, pos.part) != (want.msg, want.part) {
                bail!(
                    "{}: part {} of message {} would follow {}: the shared order has a gap",
                    self.path.display(),
                    pos.part + 1,
                    pos.msg,
                    head.map_or("nothing".to_string(), |h| format!(
                        "part {} of message {}",
                        h.part + 1,
                        h.msg
                    )),
                );
            }
            seq += 1;
            let mut rec = rec.clone();
            rec.seq = seq;
            rec.share.pos = pos.in_line(seq);
            bytes.extend(link_line(&mut link, &mut rec)?);
            bytes.push(b'\n');
            written.push(rec);
            head = Some(pos);
        }
        if written.is_empty() {
            return Ok((others, written));
        }
        self.commit(len, &bytes)?;
        self.offset = len + bytes.len() as u64;
        self.line += bytes.iter().filter(|b| **b == b'\n').count();
        self.link = link;
        for rec in &written {
            self.remember(rec);
        }
        Ok((others, written))
    }

    /// Writes `bytes` after the file's first `len` bytes and makes them
    /// durable, under the caller's exclusive lock. On an error nothing is
    /// acknowledged, and nothing of it stays in the file to be read back
    /// later as if it had been: the file is cut back to `len` (after a
    /// failed fsync the kernel may already have dropped the pages, so
    /// what it holds is not known to be on disk).
    fn commit(&mut self, len: u64, bytes: &[u8]) -> Result<()> {
        let written = self
            .out
            .put(bytes)
            .with_context(|| format!("cannot write to {}", self.path.display()))
            .and_then(|()| {
                self.out
                    .make_durable()
                    .with_context(|| format!("cannot fsync {}", self.path.display()))
            });
        if let Err(e) = written {
            return Err(match self.out.cut_back(len) {
                Ok(()) => e,
                Err(cut) => e.context(format!(
                    "the partial write could not be removed either ({cut}): \
                     the next read reports it"
                )),
            });
        }
        Ok(())
    }

    fn remember(&mut self, r: &Record) {
        if r.seq > self.last_seq {
            self.head = Some(r.share.pos_of(r.seq));
        }
        self.last_seq = self.last_seq.max(r.seq);
        if let Some((step, ticked)) = tick_of(&r.event) {
            self.steps.insert(step.to_string(), ticked);
        }
        if let Some((k, _)) = dedupe_key(&r.event) {
            self.keys.insert(k, r.at);
        }
    }

    fn is_duplicate(&self, ev: &Event, at: DateTime<Utc>) -> bool {
        match dedupe_key(ev) {
            Some((k, exact)) => self
                .keys
                .get(&k)
                .is_some_and(|seen| exact || at - *seen < DEDUPE_WINDOW),
            None => false,
        }
    }

    /// Reads complete lines past `offset`; a trailing partial line is left
    /// for later (another seat may be writing it) unless `final_read`.
    fn read_tail(&mut self) -> Result<ReadOutcome> {
        let mut f = &self.file;
        f.seek(SeekFrom::Start(self.offset))?;
        let size = self.file.metadata().map_or(0, |m| m.len());
        let mut bytes = Vec::with_capacity(size.saturating_sub(self.offset) as usize);
        f.read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", self.path.display()))?;
        let complete = match bytes.iter().rposition(|b| *b == b'\n') {
            Some(i) => i + 1,
            None => 0,
        };
        let out = parse_from(
            &self.path,
            &bytes[..complete],
            self.line,
            self.last_seq,
            &mut self.link,
        );
        self.offset += complete as u64;
        self.line += bytes[..complete].iter().filter(|b| **b == b'\n').count();
        for r in &out.records {
            self.remember(r);
        }
        Ok(out)
    }
}

/// On a bastion the state directory is group-writable (and setgid), so
/// seats of different Unix users can all append: a new incident's
/// directory and log are made group-writable too, whatever the umask.
fn share_with_group(state_dir: &Path, folder: &Path, dir: &Path, file: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let shared = fs::metadata(state_dir)
        .map(|m| m.permissions().mode() & 0o020 != 0)
        .unwrap_or(false);
    if !shared {
        return;
    }
    for (p, extra) in [
        (folder.to_path_buf(), 0o2070),
        (dir.to_path_buf(), 0o2070),
        (file.to_path_buf(), 0o060),
    ] {
        if let Ok(m) = fs::metadata(&p) {
            let mut perm = m.permissions();
            perm.set_mode(perm.mode() | extra);
            let _ = fs::set_permissions(&p, perm);
        }
    }
}

impl Store for FileStore {
    fn local_file(&self) -> Option<&Path> {
        Some(&self.path)
    }

    fn append_many(&mut self, at: DateTime<Utc>, by: &str, events: Vec<Event>) -> Result<Batch> {
        let lock_file = self.file.try_clone()?;
        let _lock = Flock::lock(lock_file, FlockArg::LockExclusive)
            .map_err(|(_, e)| anyhow::anyhow!("cannot lock {}: {e}", self.path.display()))?;
        let others = self.read_tail()?.records;
        let at = at_millis(at);
        // A torn last line (a seat killed mid-write) is closed off so this
        // record starts on a line of its own; the torn bytes stay.
        let len = self.file.metadata()?.len();
        let mut bytes = Vec::new();
        if len > self.offset {
            bytes.push(b'\n');
        }
        // Numbered and checked for duplicates here; remembered only once
        // durable, so a failed write leaves nothing half-known.
        let mut seq = self.last_seq;
        let mut link = self.link.clone();
        let mut batch_keys: HashMap<String, DateTime<Utc>> = HashMap::new();
        let mut written = Vec::with_capacity(events.len());
        let mut batch_steps: HashMap<String, bool> = HashMap::new();
        for event in events {
            let key = dedupe_key(&event);
            let in_batch = key
                .as_ref()
                .is_some_and(|(k, _)| batch_keys.contains_key(k));
            // A tick of a step that is ticked already (another seat ticked
            // it a moment before; this seat had not seen it yet): nothing
            // to record. The same for an untick.
            let tick = tick_of(&event);
            let no_change = tick.is_some_and(|(step, ticked)| {
                let now = batch_steps
                    .get(step)
                    .or_else(|| self.steps.get(step))
                    .copied()
                    .unwrap_or(false);
                now == ticked
            });
            if in_batch || no_change || self.is_duplicate(&event, at) {
                written.push(Err(event));
                continue;
            }
            if let Some((step, ticked)) = tick {
                batch_steps.insert(step.to_string(), ticked);
            }
            if let Some((k, _)) = key {
                batch_keys.insert(k, at);
            }
            seq += 1;
            let mut rec = Record {
                share: super::record::Share {
                    id: None,
                    offline: self.mark_offline,
                    prev: None,
                    pos: None,
                },
                seq,
                at,
                by: by.to_string(),
                event,
            };
            bytes.extend(link_line(&mut link, &mut rec)?);
            bytes.push(b'\n');
            written.push(Ok(rec));
        }
        if written.iter().all(|w| w.is_err()) {
            return Ok(Batch {
                others,
                written,
                reload: None,
            });
        }
        // One write and one fsync for the whole batch: an alert storm's
        // records do not queue a note behind thousands of fsyncs.
        self.commit(len, &bytes)?;
        self.link = link;
        self.offset = len + bytes.len() as u64;
        self.line += bytes.iter().filter(|b| **b == b'\n').count();
        for rec in written.iter().flatten() {
            self.remember(rec);
        }
        Ok(Batch {
            others,
            written,
            reload: None,
        })
    }

    fn read_new(&mut self) -> Result<ReadOutcome> {
        // Nothing new (the common case, four times a second): no lock.
        let len = self.file.metadata()?.len();
        if len == self.offset {
            return Ok(ReadOutcome::default());
        }
        // Only complete lines; shared lock so a write in progress finishes.
        let lock_file = self.file.try_clone()?;
        let _lock = Flock::lock(lock_file, FlockArg::LockShared)
            .map_err(|(_, e)| anyhow::anyhow!("cannot lock {}: {e}", self.path.display()))?;
        let mut out = self.read_tail()?;
        // Under the lock nobody is writing: a partial last line is torn.
        let len = self.file.metadata()?.len();
        if len > self.offset && self.torn_reported != Some(self.offset) {
            self.torn_reported = Some(self.offset);
            out.warnings.push(format!(
                "{}:{}: torn last line (a seat was stopped mid-write); skipped",
                self.path.display(),
                self.line
            ));
        }
        Ok(out)
    }

    fn read_from(&self, from: u64) -> Result<ReadOutcome> {
        let bytes =
            fs::read(&self.path).with_context(|| format!("cannot read {}", self.path.display()))?;
        let mut out = parse(&self.path, &bytes);
        out.records.retain(|r| r.seq >= from);
        Ok(out)
    }
}

/// Reads a whole timeline file.
pub fn read_file(path: &Path) -> Result<ReadOutcome> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(parse(path, &bytes))
}

/// Parses log bytes. Never fails: every line that cannot be read is
/// reported with its place and skipped; every other line is kept.
///
/// What a line that is not a record means decides what a seat may do:
/// - a torn line (a prefix of a record, or the zeros a crash can leave),
///   last or closed off by a later append: a write that never finished,
///   so never acknowledged nor shown as done. Reported, skipped, harmless.
/// - anything else (a damaged or hand-edited line, bytes that are not
///   UTF-8, a record of a kind this version does not know, a record out of
///   order) is damage (`damaged`): something that was recorded cannot be
///   read. The state is a fold over every record, so a seat that skipped it
///   would show a state that never was and record on top of it (and the
///   next sequence number could be the unreadable record's). Writing seats
///   refuse such a log; viewers and the export read the rest and say so.
/// - a sequence number that jumps (3 then 5) with no line between: a
///   record was removed from the file. Nothing readable is skipped, so it
///   is a warning only.
pub fn parse(path: &Path, bytes: &[u8]) -> ReadOutcome {
    let mut link = super::chain::Link::new(&super::chain::incident_of(path));
    parse_from(path, bytes, 1, 0, &mut link)
}

/// A record as its line, linked to the line before (`link`, which moves on
/// to it). Control and bidi characters as \u escapes: the file is as inert
/// as the screen (`cat`, `tail -f`), and reads back the same.
fn link_line(link: &mut super::chain::Link, rec: &mut Record) -> Result<Vec<u8>> {
    rec.share.prev = Some(link.expect.clone());
    let bytes = incident_cockpit_sanitize::json::to_vec(&*rec)?;
    link.next(rec.seq, rec.share.prev.as_deref(), &bytes);
    Ok(bytes)
}

/// What is wrong with a line that is not a record: whether it is damage,
/// the column, and what.
fn diagnose(raw: &[u8], err: &serde_json::Error) -> (bool, Option<usize>, String) {
    if let Err(e) = std::str::from_utf8(raw) {
        let at = e.valid_up_to();
        return (
            true,
            Some(at + 1),
            format!(
                "not UTF-8 text (byte 0x{:02x})",
                raw.get(at).copied().unwrap_or(0)
            ),
        );
    }
    // A write cut short: a prefix of a record, maybe followed by the zeros
    // a crash can leave in a file's last block.
    let end = raw.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    if end == 0
        || serde_json::from_slice::<serde_json::Value>(&raw[..end]).is_err_and(|e| e.is_eof())
    {
        return (
            false,
            None,
            "torn line (a write that never finished, so never acknowledged)".to_string(),
        );
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(raw)
        && let Some(kind) = v.get("kind").and_then(|k| k.as_str())
        && err
            .to_string()
            .contains(&format!("unknown variant `{kind}`"))
    {
        return (
            true,
            None,
            format!(
                "a record of kind {kind:?}, which this version of incident-cockpit does not know (written by a newer version? use that one)"
            ),
        );
    }
    let msg = err.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg);
    (true, Some(err.column()), format!("unreadable line: {msg}"))
}

/// Parses bytes that start at line `first_line`, after record `last_seq`.
fn parse_from(
    path: &Path,
    bytes: &[u8],
    first_line: usize,
    last_seq: u64,
    link: &mut super::chain::Link,
) -> ReadOutcome {
    let mut out = ReadOutcome::default();
    let mut prev_seq = last_seq;
    // A line that was not read since the last record: a jump in sequence
    // numbers after it is that line's doing, not a removed record.
    let mut unread_since = false;
    // A torn line closed off by a later append (its place): harmless only
    // if the next record takes its number, as the append that closed it did.
    let mut torn_before: Option<String> = None;
    let ends_clean = bytes.ends_with(b"\n");
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let n = lines.len();
    for (i, raw) in lines.into_iter().enumerate() {
        let last = i + 1 == n;
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let place = format!("{}:{}", path.display(), first_line + i);
        match serde_json::from_slice::<Record>(raw) {
            Ok(rec) => {
                if rec.seq <= prev_seq {
                    let w = format!(
                        "{place}: record seq {} does not follow seq {prev_seq} (out of order); skipped",
                        rec.seq
                    );
                    out.damaged.push(w.clone());
                    out.warnings.push(w);
                    unread_since = true;
                    continue;
                }
                if let Some(torn) = torn_before.take()
                    && rec.seq != prev_seq + 1
                {
                    let w = format!(
                        "{torn}: a record cut short that the next record does not replace \
                         (record {} follows record {prev_seq}): damaged after it was written, \
                         not a write that never finished",
                        rec.seq
                    );
                    out.damaged.push(w.clone());
                    out.warnings.push(w);
                }
                if rec.seq > prev_seq + 1 && !unread_since {
                    out.warnings.push(format!(
                        "{place}: record seq {} follows seq {prev_seq}: {} missing (removed from the file?)",
                        rec.seq,
                        super::chain::missing(prev_seq, rec.seq)
                    ));
                }
                if let Some(what) = link.next(rec.seq, rec.share.prev.as_deref(), raw) {
                    let w = format!("{place}: {what}");
                    out.broken.push(super::chain::Break { seq: rec.seq, what });
                    out.warnings.push(w);
                }
                prev_seq = rec.seq;
                unread_since = false;
                out.records.push(rec);
            }
            Err(e) => {
                unread_since = true;
                if last && !ends_clean {
                    out.warnings.push(format!(
                        "{place}:{}: torn last line (the cockpit was stopped mid-write); skipped",
                        e.column()
                    ));
                    continue;
                }
                let (damage, col, what) = diagnose(raw, &e);
                if !damage {
                    torn_before = Some(place.clone());
                }
                let w = match col {
                    Some(c) => format!("{place}:{c}: {what}; skipped"),
                    None => format!("{place}: {what}; skipped"),
                };
                if damage {
                    out.damaged.push(w.clone());
                }
                out.warnings.push(w);
            }
        }
    }
    out
}

/// Checks that an incident id is a safe directory name.
pub fn validate_id(id: &str) -> Result<()> {
    if id.is_empty()
        || id.len() > 128
        || id.starts_with('.')
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        bail!("bad incident id {id:?} (letters, digits, '-', '_' and '.' only)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StorePos;

    /// On a local disk the follower trusts inotify and looks only as a
    /// safety net; a file system that is not known to report every write
    /// (here /proc) is looked at often.
    #[test]
    fn the_follower_looks_seldom_only_where_the_file_system_reports_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::create(dir.path(), "x").unwrap();
        assert!(
            reports_changes(dir.path()),
            "the test's temporary directory is on a local disk"
        );
        assert_eq!(store.look_every(), LOOK_SAFETY_NET);
        assert!(!reports_changes(Path::new("/proc")));
        assert!(!reports_changes(Path::new("/no/such/dir")));
    }

    /// An incident's first record (a drill: nothing real is implied).
    fn declared() -> Event {
        crate::testkit::declared("x", true)
    }

    /// Every line the store writes is linked to the one before; a line
    /// another writer added off the chain is reported by a seat that reads
    /// it, and read all the same; the store's next line links to it.
    #[test]
    fn lines_are_chained_and_a_line_off_the_chain_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = FileStore::create(dir.path(), "inc").unwrap();
        let (mut b, _) = FileStore::open(&FileStore::path_for(dir.path(), "inc")).unwrap();
        a.append(Utc::now(), "a@h", declared()).unwrap();
        let n = a
            .append(Utc::now(), "a@h", Event::Note { text: "one".into() })
            .unwrap()
            .record
            .unwrap();
        let seen = b.read_new().unwrap();
        assert!(seen.broken.is_empty(), "{:?}", seen.broken);
        assert_eq!(seen.records[1], n, "read back as written, link and all");
        // A line written by hand, with a link that is not the last line's.
        let path = FileStore::path_for(dir.path(), "inc");
        let forged = format!(
            "{{\"seq\":3,\"at\":\"2026-12-06T10:00:00.000Z\",\"by\":\"x@h\",\"kind\":\"note\",\"text\":\"forged\",\"prev\":\"{}\"}}\n",
            "0".repeat(64)
        );
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(forged.as_bytes())
            .unwrap();
        let seen = b.read_new().unwrap();
        assert_eq!(seen.records.len(), 1);
        assert_eq!(seen.broken.len(), 1, "{:?}", seen.warnings);
        assert_eq!(seen.broken[0].seq, 3);
        assert!(seen.warnings[0].contains("timeline.jsonl:3: record 3 does not fit"));
        b.append(Utc::now(), "b@h", Event::Note { text: "two".into() })
            .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        match crate::chain::verify("inc", &bytes).verdict {
            crate::chain::Verdict::Broken { seq, .. } => assert_eq!(seq, 3),
            v => panic!("{v:?}"),
        }
        // Without the forged line's bad link the rest is one chain.
        let text = String::from_utf8(bytes).unwrap();
        let fixed = text.replace(
            &"0".repeat(64),
            &crate::chain::hash_line(text.lines().nth(1).unwrap().as_bytes()),
        );
        assert!(
            matches!(
                crate::chain::verify("inc", fixed.as_bytes()).verdict,
                crate::chain::Verdict::Broken { seq: 4, .. }
            ),
            "the line after the edited one no longer fits"
        );
    }

    /// Two seats tick the same step at the same moment (neither has seen
    /// the other's yet): one tick is recorded; the other seat's is said to
    /// be there already. Unticking then ticking again is recorded.
    #[test]
    fn a_step_ticked_by_two_seats_at_once_is_recorded_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = FileStore::create(dir.path(), "inc").unwrap();
        let (mut b, _) = FileStore::open(&FileStore::path_for(dir.path(), "inc")).unwrap();
        a.append(Utc::now(), "a@h", declared()).unwrap();
        let tick = || Event::StepChecked {
            step: "s1".into(),
            title: "Step one".into(),
            evidence: Vec::new(),
            reason: None,
        };
        let untick = || Event::StepUnchecked {
            step: "s1".into(),
            title: "Step one".into(),
            evidence: Vec::new(),
            reason: None,
        };
        assert!(
            a.append(Utc::now(), "a@h", tick())
                .unwrap()
                .record
                .is_some()
        );
        // b has not read a's tick: its own is not written.
        assert!(
            b.append(Utc::now(), "b@h", tick())
                .unwrap()
                .record
                .is_none()
        );
        assert!(
            b.append(Utc::now(), "b@h", untick())
                .unwrap()
                .record
                .is_some()
        );
        assert!(
            a.append(Utc::now(), "a@h", untick())
                .unwrap()
                .record
                .is_none()
        );
        // In one batch: tick, tick, untick, tick: three records.
        let batch = a
            .append_many(Utc::now(), "a@h", vec![tick(), tick(), untick(), tick()])
            .unwrap();
        let kinds: Vec<bool> = batch.written.iter().map(|w| w.is_ok()).collect();
        assert_eq!(kinds, [true, false, true, true]);
        // Never ticked: an untick changes nothing.
        let other = Event::StepUnchecked {
            step: "s2".into(),
            title: "Step two".into(),
            evidence: Vec::new(),
            reason: None,
        };
        assert!(a.append(Utc::now(), "a@h", other).unwrap().record.is_none());
    }

    /// A disk that fails when told to, in place of the log file: what it
    /// was asked to do is kept, in order.
    struct Faulty {
        file: File,
        calls: std::sync::Arc<std::sync::Mutex<Vec<&'static str>>>,
        /// Fail the next write after writing this many bytes of it.
        fail_write_after: Option<usize>,
        fail_sync: bool,
    }

    impl LogFile for Faulty {
        fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
            self.calls.lock().unwrap().push("write");
            if let Some(n) = self.fail_write_after.take() {
                Write::write_all(&mut self.file, &bytes[..n.min(bytes.len())])?;
                return Err(std::io::Error::from_raw_os_error(nix::libc::ENOSPC));
            }
            Write::write_all(&mut self.file, bytes)
        }
        fn make_durable(&mut self) -> std::io::Result<()> {
            self.calls.lock().unwrap().push("sync");
            if std::mem::take(&mut self.fail_sync) {
                return Err(std::io::Error::from_raw_os_error(nix::libc::EIO));
            }
            self.file.sync_data()
        }
        fn cut_back(&mut self, len: u64) -> std::io::Result<()> {
            self.calls.lock().unwrap().push("cut");
            self.file.cut_back(len)
        }
    }

    type Calls = std::sync::Arc<std::sync::Mutex<Vec<&'static str>>>;

    /// A store on `dir` whose appends go through a `Faulty` disk.
    fn on_faulty_disk(dir: &Path, write_after: Option<usize>, sync: bool) -> (FileStore, Calls) {
        let mut s = FileStore::create(dir, "inc").unwrap();
        s.append(Utc::now(), "a@h", declared()).unwrap();
        let calls = Calls::default();
        s.out = Box::new(Faulty {
            file: s.file.try_clone().unwrap(),
            calls: calls.clone(),
            fail_write_after: write_after,
            fail_sync: sync,
        });
        (s, calls)
    }

    /// After an append that failed: the next one takes sequence number
    /// `seq`, and the file reads back whole, without a warning, on an
    /// intact chain.
    fn the_next_append_follows(s: &mut FileStore, seq: u64) -> Record {
        let n = s
            .append(
                Utc::now(),
                "a@h",
                Event::Note {
                    text: "kept".into(),
                },
            )
            .unwrap()
            .record
            .unwrap();
        assert_eq!((n.seq, s.last_seq()), (seq, seq));
        let back = read_file(s.path()).unwrap();
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
        assert!(back.broken.is_empty(), "{:?}", back.broken);
        assert_eq!(back.records.len() as u64, seq);
        n
    }

    #[test]
    fn an_append_is_acknowledged_only_after_its_fsync() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, calls) = on_faulty_disk(dir.path(), None, false);
        let batch = s
            .append_many(
                Utc::now(),
                "a@h",
                vec![
                    Event::Note { text: "one".into() },
                    Event::Note { text: "two".into() },
                ],
            )
            .unwrap();
        assert_eq!(batch.written.len(), 2);
        // One write and one fsync for the batch, the fsync before the
        // records were handed back.
        assert_eq!(*calls.lock().unwrap(), vec!["write", "sync"]);
        s.import(&[]).unwrap();
        assert_eq!(
            *calls.lock().unwrap(),
            vec!["write", "sync"],
            "nothing to import"
        );
    }

    /// A failed fsync (EIO) or a write cut short (ENOSPC): the append is an
    /// error, and nothing of it is left in the file for another seat (or
    /// this one, later) to read back as recorded. The next append takes
    /// the same sequence number and the chain holds.
    #[test]
    fn a_failed_fsync_or_write_leaves_nothing_behind_and_the_next_append_follows() {
        for (write_after, sync, error) in [
            (None, true, "cannot fsync"),
            (Some(7), false, "cannot write"),
            (Some(0), false, "cannot write"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let (mut s, calls) = on_faulty_disk(dir.path(), write_after, sync);
            let path = FileStore::path_for(dir.path(), "inc");
            let (mut other, _) = FileStore::open(&path).unwrap();
            let before = fs::read(&path).unwrap();
            let e = s
                .append(
                    Utc::now(),
                    "a@h",
                    Event::Note {
                        text: "lost".into(),
                    },
                )
                .unwrap_err();
            assert!(format!("{e:#}").contains(error), "{e:#}");
            assert_eq!(calls.lock().unwrap().last(), Some(&"cut"));
            assert_eq!(
                fs::read(&path).unwrap(),
                before,
                "{error}: the file is as it was"
            );
            assert!(other.read_new().unwrap().records.is_empty());
            let n = the_next_append_follows(&mut s, 2);
            assert_eq!(other.read_new().unwrap().records, vec![n]);
        }
    }

    /// A seat reading while another writes waits for the writer's lock:
    /// half a record on disk under an exclusive lock is not read as a torn
    /// line; once the writer finishes and lets go, the reader gets it whole.
    #[test]
    fn a_reader_waits_for_a_write_in_progress() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = FileStore::create(dir.path(), "inc").unwrap();
        w.append(Utc::now(), "a@h", declared()).unwrap();
        let path = FileStore::path_for(dir.path(), "inc");
        // The writer's next record, as `append_many` would write it.
        let mut rec = Record {
            share: Default::default(),
            seq: 2,
            at: at_millis(Utc::now()),
            by: "a@h".into(),
            event: Event::Note {
                text: "whole".into(),
            },
        };
        let mut line = link_line(&mut w.link.clone(), &mut rec).unwrap();
        line.push(b'\n');
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        let lock = Flock::lock(f.try_clone().unwrap(), FlockArg::LockExclusive)
            .map_err(|(_, e)| e)
            .unwrap();
        Write::write_all(&mut f, &line[..10]).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn({
            let path = path.clone();
            move || {
                tx.send(nix::unistd::gettid()).unwrap();
                FileStore::open(&path).unwrap().1
            }
        });
        waits_in_flock("the reader", rx.recv().unwrap(), &reader);
        Write::write_all(&mut f, &line[10..]).unwrap();
        drop(lock);
        let read = reader.join().unwrap();
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
        assert_eq!(read.records.len(), 2);
        assert_eq!(
            read.records[1].event,
            Event::Note {
                text: "whole".into()
            }
        );
    }

    /// Returns once the thread `tid` (running `seat`) is blocked in
    /// `flock`; fails if it finishes first (it did not wait for the lock)
    /// or never blocks.
    fn waits_in_flock<T>(who: &str, tid: nix::unistd::Pid, seat: &std::thread::JoinHandle<T>) {
        let flock = nix::libc::SYS_flock.to_string();
        let in_flock = || {
            fs::read_to_string(format!("/proc/self/task/{tid}/syscall"))
                .is_ok_and(|s| s.split_whitespace().next() == Some(flock.as_str()))
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !in_flock() {
            assert!(!seat.is_finished(), "{who} did not wait for the lock");
            assert!(std::time::Instant::now() < deadline, "{who} never blocked");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// This test binary run again as a process of its own, running only
    /// the test `name` (which sees `env` and plays the other part).
    fn this_test_again(name: &str, env: &str, value: &Path) -> std::process::Command {
        let exe = std::env::current_exe().expect("the test binary's path");
        let mut c = std::process::Command::new(exe);
        c.args([name, "--exact", "--nocapture", "--test-threads=1"])
            .env(env, value);
        c
    }

    const HOLD_LOCK: &str = "INCIDENT_COCKPIT_TEST_HOLD_LOCK";

    /// Another seat is a process of its own: while it holds the file's
    /// exclusive lock, an append and an import wait for it (nothing is
    /// written meanwhile), then go on once it lets go, numbered after what
    /// the file holds.
    #[test]
    fn an_append_and_an_import_wait_for_a_lock_another_process_holds() {
        if let Some(path) = std::env::var_os(HOLD_LOCK) {
            // The other process: holds the lock until its stdin closes.
            let f = File::open(path).unwrap();
            let _lock = Flock::lock(f, FlockArg::LockExclusive)
                .map_err(|(_, e)| e)
                .unwrap();
            println!("holding the lock");
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
            return;
        }
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::create(dir.path(), "inc").unwrap();
        s.append(Utc::now(), "a@h", declared()).unwrap();
        let path = s.path().to_path_buf();
        for (n, import) in [(2, false), (3, true)] {
            let mut other = this_test_again(
                "store::tests::an_append_and_an_import_wait_for_a_lock_another_process_holds",
                HOLD_LOCK,
                &path,
            )
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
            let mut out = std::io::BufReader::new(other.stdout.take().unwrap());
            let mut said = String::new();
            // Its own line, or after libtest's `test … ` on the same one.
            while !said.trim_end().ends_with("holding the lock") {
                said.clear();
                let got = out.read_line(&mut said).unwrap();
                assert!(got > 0, "the other process ended without the lock");
            }
            let len = fs::metadata(&path).unwrap().len();
            let (tx, rx) = std::sync::mpsc::channel();
            let seat = std::thread::spawn(move || {
                tx.send(nix::unistd::gettid()).unwrap();
                let note = Event::Note {
                    text: format!("note {n}"),
                };
                let seq = if import {
                    let rec = Record {
                        share: Default::default(),
                        seq: n,
                        at: at_millis(Utc::now()),
                        by: "b@h".into(),
                        event: note,
                    };
                    s.import(&[rec]).unwrap().1[0].seq
                } else {
                    s.append(Utc::now(), "a@h", note)
                        .unwrap()
                        .record
                        .unwrap()
                        .seq
                };
                (s, seq)
            });
            waits_in_flock("the appending seat", rx.recv().unwrap(), &seat);
            assert_eq!(
                fs::metadata(&path).unwrap().len(),
                len,
                "written under the lock"
            );
            drop(other.stdin.take());
            assert!(other.wait().unwrap().success());
            let (back, seq) = seat.join().unwrap();
            s = back;
            assert_eq!(seq, n);
        }
        let read = read_file(&path).unwrap();
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
        assert_eq!(read.records.len(), 3);
    }

    const FILE_SIZE_LIMIT: &str = "INCIDENT_COCKPIT_TEST_FILE_SIZE_LIMIT";

    /// A write the kernel cuts short for real: the file may grow only 40
    /// bytes more (RLIMIT_FSIZE, in a process of its own; SIGXFSZ ignored
    /// so the write fails with EFBIG instead of killing it). The append is
    /// an error, the bytes that did land are cut back, and the next append
    /// (by another seat) takes the same sequence number on an intact chain.
    #[test]
    fn a_write_the_kernel_cuts_short_is_not_recorded_and_leaves_nothing() {
        if let Some(path) = std::env::var_os(FILE_SIZE_LIMIT) {
            use nix::sys::resource::{Resource, getrlimit, setrlimit};
            let (mut s, _) = FileStore::open(Path::new(&path)).unwrap();
            let len = fs::metadata(&path).unwrap().len();
            let (_, hard) = getrlimit(Resource::RLIMIT_FSIZE).unwrap();
            setrlimit(Resource::RLIMIT_FSIZE, len + 40, hard).unwrap();
            let text = "a note longer than what the disk still takes ".repeat(4);
            match s.append(Utc::now(), "a@h", Event::Note { text }) {
                Ok(a) => println!("outcome: recorded {:?}", a.record.map(|r| r.seq)),
                Err(e) => println!("outcome: {e:#}"),
            }
            println!("last seq: {}", s.last_seq());
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::create(dir.path(), "inc").unwrap();
        s.append(Utc::now(), "a@h", declared()).unwrap();
        let path = s.path().to_path_buf();
        let before = fs::read(&path).unwrap();
        let exe = std::env::current_exe().unwrap();
        let child = std::process::Command::new("sh")
            .args(["-c", "trap '' XFSZ; exec \"$0\" \"$@\""])
            .arg(exe)
            .args(this_test_again(
                "store::tests::a_write_the_kernel_cuts_short_is_not_recorded_and_leaves_nothing",
                FILE_SIZE_LIMIT,
                &path,
            )
            .get_args())
            .env(FILE_SIZE_LIMIT, &path)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&child.stdout);
        assert!(child.status.success(), "{said}");
        let outcome = said
            .lines()
            .find_map(|l| l.split_once("outcome: "))
            .map_or("", |(_, o)| o);
        assert!(
            outcome.contains("cannot write to") && outcome.contains("File too large"),
            "{said}"
        );
        assert!(!outcome.contains("could not be removed"), "{said}");
        assert!(said.contains("last seq: 1"), "nothing acknowledged: {said}");
        assert_eq!(
            fs::read(&path).unwrap(),
            before,
            "the partial write is gone"
        );
        the_next_append_follows(&mut s, 2);
    }

    /// A file the kernel will not fsync (a character device answers
    /// EINVAL, as a disk that failed answers EIO): the append is an error
    /// and nothing is acknowledged, whatever was written.
    #[test]
    fn a_record_the_kernel_does_not_fsync_is_not_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::create(dir.path(), "inc").unwrap();
        s.append(Utc::now(), "a@h", declared()).unwrap();
        s.out = Box::new(OpenOptions::new().append(true).open("/dev/null").unwrap());
        let e = s
            .append(
                Utc::now(),
                "a@h",
                Event::Note {
                    text: "lost".into(),
                },
            )
            .unwrap_err();
        let e = format!("{e:#}");
        assert!(
            e.contains("cannot fsync") && e.contains("Invalid argument"),
            "{e}"
        );
        assert!(e.contains("could not be removed either"), "{e}");
        assert_eq!(s.last_seq(), 1);
        s.out = Box::new(s.file.try_clone().unwrap());
        the_next_append_follows(&mut s, 2);
    }

    /// What several seats may each observe and propose has one key, so it
    /// is written once: exactly (a timer, an inject, a proposal's steps, a
    /// chain break) or within a window (alerts, pods, a lapsed ack).
    /// Everything else is each seat's own.
    #[test]
    fn what_several_seats_observe_is_keyed_once() {
        let key = |k: &str, exact: bool| Some((k.to_string(), exact));
        let s = |x: &str| x.to_string();
        let started = |approval: Option<&str>| Event::CommandStarted {
            run: s("r1"),
            step: s("s1"),
            command: s("kubectl get pods"),
            argv: vec![s("kubectl")],
            risk: s("read"),
            confirmation: s("enter"),
            shell: false,
            drill: false,
            dry_run: false,
            approval: approval.map(s),
        };
        let unacked = |reason: &str| Event::AlertUnacked {
            ack: s("group:APIDown"),
            target: s("group APIDown"),
            reason: s(reason),
        };
        let cases = [
            (
                Event::TimerDue {
                    timer: s("response"),
                    label: s("Response"),
                },
                key("due:response", true),
            ),
            (
                Event::TimerAcknowledged {
                    timer: s("response"),
                    label: s("Response"),
                },
                key("ack:response", true),
            ),
            (
                Event::AlertFiring {
                    alertname: s("APIDown"),
                    severity: s("critical"),
                    summary: s("down"),
                    fingerprint: s("f1"),
                    since: None,
                },
                key("firing:APIDown:f1", false),
            ),
            (
                Event::AlertResolved {
                    alertname: s("APIDown"),
                    fingerprint: s("f1"),
                },
                key("resolved:APIDown:f1", false),
            ),
            (
                Event::PodChanged {
                    pod: s("p"),
                    from: s("Running"),
                    to: s("Failed"),
                },
                key("pod:p:Running:Failed", false),
            ),
            (
                Event::InjectFired {
                    inject: Some(3),
                    drill_ms: 0,
                    summary: s("x"),
                    from: None,
                    text: None,
                },
                key("inject:3", true),
            ),
            (
                Event::InjectFired {
                    inject: None,
                    drill_ms: 0,
                    summary: s("x"),
                    from: None,
                    text: None,
                },
                None,
            ),
            (
                Event::ChainBroken {
                    record: 7,
                    what: s("edited"),
                },
                key("chain:7", true),
            ),
            (unacked("lapsed"), key("acklapse:group:APIDown", false)),
            (unacked("by hand"), None),
            (
                Event::ApprovalProposed {
                    proposal: s("p1"),
                    step: s("s1"),
                    title: s("t"),
                    command: s("c"),
                    argv: Vec::new(),
                    shell: false,
                    params: Default::default(),
                    risk: s("destructive"),
                    target: s("db"),
                    reason: s("why"),
                    user: s("ana"),
                    lapses_at: at_millis(Utc::now()),
                    drill: false,
                },
                key("proposal:p1", true),
            ),
            (
                Event::ApprovalGranted {
                    proposal: s("p1"),
                    user: s("bo"),
                    reason: s("ok"),
                    confirmation: s("enter"),
                },
                key("decided:p1", true),
            ),
            (
                Event::ApprovalRejected {
                    proposal: s("p1"),
                    user: s("bo"),
                    reason: s("no"),
                },
                key("decided:p1", true),
            ),
            (
                Event::ApprovalLapsed { proposal: s("p1") },
                key("closed:p1", true),
            ),
            (
                Event::ApprovalVoided {
                    proposal: s("p1"),
                    reason: s("changed"),
                },
                key("closed:p1", true),
            ),
            (started(Some("p1")), key("closed:p1", true)),
            (started(None), None),
            (Event::Note { text: s("n") }, None),
        ];
        for (ev, want) in cases {
            assert_eq!(dedupe_key(&ev), want, "{ev:?}");
        }
    }

    /// A record keyed within the window is the same observation for two
    /// minutes, to the millisecond: one at exactly two minutes is new.
    #[test]
    fn the_dedupe_window_is_two_minutes() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::create(dir.path(), "inc").unwrap();
        s.append(Utc::now(), "a@h", declared()).unwrap();
        let crash = || Event::PodChanged {
            pod: "p".into(),
            from: "Running".into(),
            to: "CrashLoopBackOff".into(),
        };
        let t = at_millis(Utc::now());
        assert!(s.append(t, "a@h", crash()).unwrap().record.is_some());
        let just_before = t + DEDUPE_WINDOW - TimeDelta::milliseconds(1);
        assert!(
            s.append(just_before, "a@h", crash())
                .unwrap()
                .record
                .is_none()
        );
        let at_two_minutes = t + DEDUPE_WINDOW;
        assert!(
            s.append(at_two_minutes, "a@h", crash())
                .unwrap()
                .record
                .is_some()
        );
    }

    /// The follower watches the store's one file, and there is no shared
    /// store; a file it cannot look at (gone, or on a file system it cannot
    /// name) is looked at often.
    #[test]
    fn the_follower_watches_the_file_and_looks_often_where_it_cannot_tell() {
        let dir = tempfile::tempdir().unwrap();
        let s = FileStore::create(dir.path(), "inc").unwrap();
        assert_eq!(s.watched(), vec![s.path().to_path_buf()]);
        assert_eq!(s.sharing(), None);
        fs::remove_dir_all(dir.path().join(INCIDENTS)).unwrap();
        assert_eq!(s.look_every(), LOOK_OFTEN);
    }

    /// Drills live apart from incidents, under `drills/`.
    #[test]
    fn drills_are_kept_apart_from_incidents() {
        let dir = tempfile::tempdir().unwrap();
        let d = FileStore::create_drill(dir.path(), "d-1").unwrap();
        assert_eq!(d.path(), dir.path().join("drills/d-1/timeline.jsonl"));
        assert_eq!(FileStore::drill_path_for(dir.path(), "d-1"), d.path());
        assert!(!FileStore::path_for(dir.path(), "d-1").exists());
        let (d2, id) = FileStore::create_drill_unique(dir.path(), "d-1").unwrap();
        assert_eq!(id, "d-1-2");
        assert_eq!(d2.path(), FileStore::drill_path_for(dir.path(), "d-1-2"));
        // The incident of the same name is another one.
        let (i, id) = FileStore::create_unique(dir.path(), "d-1").unwrap();
        assert_eq!(
            (i.path(), id.as_str()),
            (FileStore::path_for(dir.path(), "d-1").as_path(), "d-1")
        );
    }

    /// A base that is no safe name is refused as such, not reported as a
    /// lack of free ids.
    #[test]
    fn a_unique_id_from_a_bad_name_is_refused_for_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let Err(e) = FileStore::create_unique(dir.path(), "../x") else {
            panic!("a bad name was taken");
        };
        assert!(format!("{e:#}").contains("bad incident id"), "{e:#}");
    }

    /// A record of the shared order, `seq` there, in part `part` of the
    /// `of` records of message `msg`.
    fn shared(seq: u64, msg: u64, part: u32, of: u32, text: &str) -> Record {
        let pos = StorePos { msg, part, of };
        Record {
            share: crate::Share {
                id: Some(format!("m{msg}")),
                pos: pos.in_line(seq),
                ..Default::default()
            },
            seq,
            at: at_millis(Utc::now()),
            by: "b@other".into(),
            event: Event::Note { text: text.into() },
        }
    }

    /// A mirror imports the shared order after what its file holds: what
    /// another seat of the host imported first is read, not written again;
    /// a message's parts follow each other; a gap in the order is refused
    /// and leaves the file as it was. Every line is on the chain, on a line
    /// of its own, and the next append follows.
    #[test]
    fn a_mirror_imports_the_shared_order_once_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = FileStore::create(dir.path(), "inc").unwrap();
        let path = m.path().to_path_buf();
        let (mut b, _) = FileStore::open(&path).unwrap();
        let r1 = shared(1, 1, 0, 1, "one");
        let r2 = shared(2, 2, 0, 1, "two");
        let r3a = shared(3, 3, 0, 2, "three a");
        let r3b = shared(4, 3, 1, 2, "three b");
        let (others, written) = m.import(&[r1.clone(), r2.clone()]).unwrap();
        assert!(others.is_empty());
        let seqs = |rs: &[Record]| rs.iter().map(|r| r.seq).collect::<Vec<_>>();
        assert_eq!(seqs(&written), [1, 2]);
        assert_eq!(written[1].share.pos, None, "message 2 is record 2");
        assert_eq!(
            (m.last_seq(), m.store_head()),
            (2, Some(StorePos::single(2)))
        );
        // b has not read m's: it reads them, and writes only what is new.
        let (others, written) = b.import(&[r1.clone(), r2, r3a.clone()]).unwrap();
        assert_eq!(seqs(&others), [1, 2]);
        assert_eq!(seqs(&written), [3]);
        let part = StorePos {
            msg: 3,
            part: 0,
            of: 2,
        };
        assert_eq!(written[0].share.pos, Some(part));
        assert_eq!(b.store_head(), Some(part));
        let (others, written) = m.import(&[r3a, r3b]).unwrap();
        assert_eq!(seqs(&others), [3]);
        assert_eq!(seqs(&written), [4]);
        assert_eq!(
            m.store_head(),
            Some(StorePos {
                msg: 3,
                part: 1,
                of: 2
            })
        );
        // Nothing new: nothing written, not even a newline.
        let len = fs::metadata(&path).unwrap().len();
        assert!(m.import(&[r1]).unwrap().1.is_empty());
        let gap = shared(6, 6, 0, 1, "six");
        let e = m.import(&[gap]).unwrap_err();
        assert!(
            e.to_string().ends_with(
                "part 1 of message 6 would follow part 2 of message 3: the shared order has a gap"
            ),
            "{e}"
        );
        assert_eq!(fs::metadata(&path).unwrap().len(), len);
        let next = m
            .append(
                Utc::now(),
                "a@h",
                Event::Note {
                    text: "five".into(),
                },
            )
            .unwrap();
        assert!(next.others.is_empty());
        assert_eq!(next.record.unwrap().seq, 5);
        assert_eq!(seqs(&b.read_new().unwrap().records), [4, 5]);
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 5, "no blank line: {text}");
        let read = read_file(&path).unwrap();
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
        assert!(matches!(
            crate::chain::verify("inc", text.as_bytes()).verdict,
            crate::chain::Verdict::Intact { records: 5, .. }
        ));
    }

    /// The store counts the lines it writes itself (appends, imports), so
    /// a torn line after them is placed on its line; an import closes a
    /// torn line off as an append does.
    #[test]
    fn a_torn_line_after_a_seats_own_writes_is_placed_and_closed_off() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::create(dir.path(), "inc").unwrap();
        s.append(Utc::now(), "a@h", declared()).unwrap();
        s.append_many(
            Utc::now(),
            "a@h",
            vec![
                Event::Note { text: "one".into() },
                Event::Note { text: "two".into() },
            ],
        )
        .unwrap();
        s.import(&[shared(4, 4, 0, 1, "four")]).unwrap();
        let path = s.path().to_path_buf();
        let torn = |p: &Path| {
            let mut f = OpenOptions::new().append(true).open(p).unwrap();
            f.write_all(br#"{"seq":5,"at":"2026-1"#).unwrap();
        };
        torn(&path);
        let read = s.read_new().unwrap();
        assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
        assert!(
            read.warnings[0].ends_with(
                "timeline.jsonl:5: torn last line (a seat was stopped mid-write); skipped"
            ),
            "{}",
            read.warnings[0]
        );
        let (others, written) = s.import(&[shared(5, 5, 0, 1, "five")]).unwrap();
        assert!(others.is_empty());
        assert_eq!(written[0].seq, 5);
        let read = read_file(&path).unwrap();
        assert!(read.damaged.is_empty(), "{:?}", read.damaged);
        assert_eq!(read.records.len(), 5);
        assert!(
            read.warnings[0].contains(":5: torn line"),
            "{:?}",
            read.warnings
        );
        torn(&path);
        let read = s.read_new().unwrap();
        assert!(
            read.warnings[0].contains("timeline.jsonl:7: torn last line"),
            "{:?}",
            read.warnings
        );
    }

    #[test]
    fn append_then_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::create(dir.path(), "inc-1").unwrap();
        let a = s
            .append(Utc::now(), "ana@h", declared())
            .unwrap()
            .record
            .unwrap();
        let b = s
            .append(Utc::now(), "ana@h", Event::Note { text: "hi".into() })
            .unwrap()
            .record
            .unwrap();
        assert_eq!((a.seq, b.seq), (1, 2));
        let back = s.read_from(1).unwrap();
        assert_eq!(back.records, vec![a, b.clone()]);
        assert!(back.warnings.is_empty());
        assert_eq!(s.read_from(2).unwrap().records, vec![b]);
    }

    #[test]
    fn a_batch_is_numbered_in_order_deduplicated_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::create(dir.path(), "inc-1").unwrap();
        s.append(Utc::now(), "a@h", declared()).unwrap();
        let due = Event::TimerDue {
            timer: "response".into(),
            label: "Response time".into(),
        };
        let note = |t: &str| Event::Note { text: t.into() };
        let batch = s
            .append_many(
                Utc::now(),
                "a@h",
                vec![note("one"), due.clone(), due.clone(), note("two")],
            )
            .unwrap();
        let seqs: Vec<Option<u64>> = batch
            .written
            .iter()
            .map(|w| w.as_ref().ok().map(|r| r.seq))
            .collect();
        assert_eq!(seqs, vec![Some(2), Some(3), None, Some(4)]);
        // All duplicates: nothing is written, not even a newline.
        let len = fs::metadata(s.path()).unwrap().len();
        let again = s.append_many(Utc::now(), "a@h", vec![due]).unwrap();
        assert!(again.written[0].is_err());
        assert_eq!(fs::metadata(s.path()).unwrap().len(), len);
        let (_, read) = FileStore::open(s.path()).unwrap();
        let back: Vec<u64> = read.records.iter().map(|r| r.seq).collect();
        assert_eq!(back, vec![1, 2, 3, 4]);
        assert!(read.warnings.is_empty());
        let next = s.append(Utc::now(), "a@h", note("three")).unwrap();
        assert_eq!(next.record.unwrap().seq, 5);
    }

    #[test]
    fn create_refuses_an_existing_incident() {
        let dir = tempfile::tempdir().unwrap();
        FileStore::create(dir.path(), "inc-1").unwrap();
        assert!(FileStore::create(dir.path(), "inc-1").is_err());
        let (_, id) = FileStore::create_unique(dir.path(), "inc-1").unwrap();
        assert_eq!(id, "inc-1-2", "two incidents declared in the same second");
    }

    #[test]
    fn torn_last_line_is_reported_skipped_and_closed_off() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::create(dir.path(), "inc-1").unwrap();
        s.append(Utc::now(), "a@h", declared()).unwrap();
        s.append(Utc::now(), "a@h", Event::Note { text: "one".into() })
            .unwrap();
        let path = s.path().to_path_buf();
        drop(s);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"seq":3,"at":"2026-11-22T13:2"#).unwrap();
        drop(f);

        let (mut s, read) = FileStore::open(&path).unwrap();
        assert_eq!(read.records.len(), 2);
        assert_eq!(read.warnings.len(), 1);
        assert!(read.warnings[0].contains(":3:"), "{}", read.warnings[0]);
        assert!(read.warnings[0].contains("torn last line"));
        assert!(s.read_new().unwrap().warnings.is_empty(), "reported once");
        let next = s
            .append(Utc::now(), "a@h", Event::Note { text: "two".into() })
            .unwrap()
            .record
            .unwrap();
        assert_eq!(next.seq, 3);
        let again = s.read_from(1).unwrap();
        assert_eq!(again.records.len(), 3);
        assert_eq!(again.records[2].event, Event::Note { text: "two".into() });
        assert!(
            again.warnings[0].contains(":3: torn line"),
            "{:?}",
            again.warnings
        );
        assert!(
            again.damaged.is_empty(),
            "a closed-off torn line is not damage"
        );
    }

    /// A log of `lines` (each given whole, without its newline).
    fn log_of(lines: &[&[u8]]) -> (tempfile::TempDir, PathBuf, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("timeline.jsonl");
        let mut bytes = Vec::new();
        for l in lines {
            bytes.extend_from_slice(l);
            bytes.push(b'\n');
        }
        fs::write(&path, &bytes).unwrap();
        (dir, path, bytes)
    }

    const R1: &[u8] =
        br#"{"seq":1,"at":"2026-11-22T13:00:00.000Z","by":"a@h","kind":"note","text":"one"}"#;
    const R2: &[u8] =
        br#"{"seq":2,"at":"2026-11-22T13:00:01.000Z","by":"a@h","kind":"note","text":"two"}"#;
    const R3: &[u8] =
        br#"{"seq":3,"at":"2026-11-22T13:00:02.000Z","by":"a@h","kind":"note","text":"three"}"#;
    const R5: &[u8] =
        br#"{"seq":5,"at":"2026-11-22T13:00:04.000Z","by":"a@h","kind":"note","text":"five"}"#;

    #[test]
    fn damage_in_the_middle_is_placed_and_told_apart_from_a_torn_write() {
        let p = |w: &str| w.rsplit("timeline.jsonl:").next().unwrap().to_string();
        let cases: &[(&[u8], &str)] = &[
            (b"{\"seq\":2, this is not json", "2:11: unreadable line: key must be a string"),
            (b"{\"seq\":2,\"by\":\"a\xff\"}", "2:17: not UTF-8 text (byte 0xff)"),
            (
                br#"{"seq":2,"at":"2026-11-22T13:00:01.000Z","by":"a@h","kind":"escalation_paged","who":"x"}"#,
                "2: a record of kind \"escalation_paged\", which this version",
            ),
            (R3, "3: record seq 3 does not follow seq 3 (out of order)"),
        ];
        for (bad, want) in cases {
            let (_d, path, _) = log_of(&[R1, bad, R3]);
            let (_d2, path2, _) = log_of(&[R1, R3, bad]);
            let read = read_file(if *want == cases[3].1 { &path2 } else { &path }).unwrap();
            assert_eq!(read.damaged.len(), 1, "{want}: {:?}", read.warnings);
            assert!(p(&read.damaged[0]).starts_with(want), "{}", read.damaged[0]);
            assert_eq!(
                read.records.iter().map(|r| r.seq).collect::<Vec<_>>(),
                vec![1, 3],
                "every readable record is kept"
            );
        }
        // Torn writes closed off by a later append are not damage: a prefix
        // of a record, or the zeros a crash leaves.
        for torn in [&br#"{"seq":2,"at":"2026-11-22T13:0"#[..], &[0u8; 40][..]] {
            let (_d, path, _) = log_of(&[R1, torn, R2]);
            let read = read_file(&path).unwrap();
            assert!(read.damaged.is_empty(), "{:?}", read.damaged);
            assert!(
                read.warnings[0].contains(":2: torn line"),
                "{:?}",
                read.warnings
            );
            assert_eq!(read.records.len(), 2);
        }
        // A record in the middle cut short by hand (issue 14): the record
        // after it keeps its own number, so it was no unfinished write.
        let (_d, path, _) = log_of(&[R1, br#"{"seq":2,"at":"garbage here"#, R3]);
        let read = read_file(&path).unwrap();
        assert_eq!(read.damaged.len(), 1, "{:?}", read.warnings);
        assert!(
            p(&read.damaged[0]).starts_with("2: a record cut short that the next record does not replace (record 3 follows record 1)"),
            "{:?}",
            read.damaged
        );
    }

    #[test]
    fn a_gap_in_sequence_numbers_is_a_warning_with_its_place() {
        let (_d, path, _) = log_of(&[R1, R2, R5]);
        let read = read_file(&path).unwrap();
        assert!(read.damaged.is_empty());
        assert_eq!(read.records.len(), 3, "nothing readable is skipped");
        assert_eq!(read.warnings.len(), 1);
        assert!(
            read.warnings[0].ends_with(
                ":3: record seq 5 follows seq 2: records 3-4 are missing (removed from the file?)"
            ),
            "{}",
            read.warnings[0]
        );
    }

    #[test]
    fn hostile_text_is_written_inert_and_reads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::create(dir.path(), "inc-1").unwrap();
        let text = "copy \x1b]52;c;ZXZpbA==\x07 \x1b[2J \u{9b}31m \u{202E}gnp.exe \u{7f}\u{2028}";
        let by = "mallory\u{85}@h";
        let rec = s
            .append(Utc::now(), by, Event::Note { text: text.into() })
            .unwrap()
            .record
            .unwrap();
        let bytes = fs::read(s.path()).unwrap();
        let line = std::str::from_utf8(&bytes).unwrap();
        assert!(
            !line
                .chars()
                .any(|c| c != '\n' && incident_cockpit_sanitize::is_dangerous(c)),
            "{line:?}"
        );
        assert!(
            line.contains(
                r#"copy \u001b]52;c;ZXZpbA==\u0007 \u001b[2J \u009b31m \u202egnp.exe \u007f\u2028"#
            ),
            "{line}"
        );
        let back = s.read_from(1).unwrap();
        assert_eq!(back.records, vec![rec]);
        assert_eq!(back.records[0].by, by);
    }

    #[test]
    fn two_seats_interleave_without_gaps_and_see_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = FileStore::create(dir.path(), "inc-1").unwrap();
        a.append(Utc::now(), "a@h", declared()).unwrap();
        let (mut b, read) = FileStore::open(a.path()).unwrap();
        assert_eq!(read.records.len(), 1);
        let rb = b
            .append(
                Utc::now(),
                "b@h",
                Event::Note {
                    text: "from b".into(),
                },
            )
            .unwrap();
        assert_eq!(rb.record.unwrap().seq, 2);
        let ra = a
            .append(
                Utc::now(),
                "a@h",
                Event::Note {
                    text: "from a".into(),
                },
            )
            .unwrap();
        assert_eq!(ra.others.len(), 1, "a sees b's record first");
        assert_eq!(ra.others[0].by, "b@h");
        assert_eq!(ra.record.unwrap().seq, 3);
        let new = b.read_new().unwrap();
        assert_eq!(
            new.records.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![3]
        );
    }

    #[test]
    fn records_several_seats_observe_are_written_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = FileStore::create(dir.path(), "inc-1").unwrap();
        a.append(Utc::now(), "a@h", declared()).unwrap();
        let (mut b, _) = FileStore::open(a.path()).unwrap();
        let due = Event::TimerDue {
            timer: "response".into(),
            label: "Response time".into(),
        };
        assert!(
            a.append(Utc::now(), "a@h", due.clone())
                .unwrap()
                .record
                .is_some()
        );
        let again = b.append(Utc::now(), "b@h", due).unwrap();
        assert!(again.record.is_none(), "deduplicated");
        assert_eq!(again.others.len(), 1);
        let crash = Event::PodChanged {
            pod: "p".into(),
            from: "Running".into(),
            to: "CrashLoopBackOff".into(),
        };
        let t = Utc::now();
        assert!(a.append(t, "a@h", crash.clone()).unwrap().record.is_some());
        assert!(
            b.append(t + TimeDelta::seconds(5), "b@h", crash.clone())
                .unwrap()
                .record
                .is_none()
        );
        assert!(
            b.append(t + TimeDelta::minutes(10), "b@h", crash)
                .unwrap()
                .record
                .is_some(),
            "a new crash later"
        );
    }

    #[test]
    fn a_scripted_inject_fires_once_whichever_seats_propose_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = FileStore::create(dir.path(), "d-1").unwrap();
        a.append(Utc::now(), "a@h", declared()).unwrap();
        let (mut b, _) = FileStore::open(a.path()).unwrap();
        let fired = |n: Option<u32>| Event::InjectFired {
            inject: n,
            drill_ms: 30_000,
            summary: "message from Support: tickets".into(),
            from: None,
            text: None,
        };
        assert!(
            a.append(Utc::now(), "a@h", fired(Some(2)))
                .unwrap()
                .record
                .is_some()
        );
        let later = Utc::now() + TimeDelta::hours(1);
        assert!(
            b.append(later, "b@h", fired(Some(2)))
                .unwrap()
                .record
                .is_none(),
            "once, ever"
        );
        for _ in 0..2 {
            assert!(
                b.append(later, "b@h", fired(None))
                    .unwrap()
                    .record
                    .is_some(),
                "ad hoc injects are each their own"
            );
        }
    }

    #[test]
    fn a_group_writable_state_directory_makes_group_writable_incidents() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o2775)).unwrap();
        let s = FileStore::create(dir.path(), "inc-1").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode(s.path()) & 0o060, 0o060);
        assert_eq!(mode(s.path().parent().unwrap()) & 0o2070, 0o2070);
        let private = tempfile::tempdir().unwrap();
        fs::set_permissions(private.path(), fs::Permissions::from_mode(0o700)).unwrap();
        let p = FileStore::create(private.path(), "inc-2").unwrap();
        assert_eq!(
            mode(p.path()) & 0o020,
            0,
            "a private state directory stays private"
        );
    }

    #[test]
    fn ids_must_be_safe_names() {
        assert!(validate_id("drill-20261122-132131").is_ok());
        assert!(validate_id("inc_2.b").is_ok());
        assert!(validate_id(&"a".repeat(128)).is_ok());
        assert!(validate_id(&"a".repeat(129)).is_err());
        assert!(validate_id("../etc").is_err());
        assert!(validate_id(".hidden").is_err());
        assert!(validate_id("a/b").is_err());
        assert!(validate_id("a b").is_err());
        assert!(validate_id("").is_err());
        let e = validate_id("a/b").unwrap_err().to_string();
        assert_eq!(
            e,
            "bad incident id \"a/b\" (letters, digits, '-', '_' and '.' only)"
        );
    }

    /// Read whole (an export, `verify`, a viewer): a torn last line is a
    /// write that never finished, placed and skipped; a damaged line before
    /// it is damage all the same.
    #[test]
    fn a_whole_read_tells_a_torn_last_line_from_damage_before_it() {
        let torn = br#"{"seq":3,"at":"2026-11-22T13:0"#;
        let (_d, path, mut bytes) = log_of(&[R1, R2]);
        bytes.extend_from_slice(torn);
        fs::write(&path, &bytes).unwrap();
        let read = read_file(&path).unwrap();
        assert_eq!(read.records.len(), 2);
        assert!(read.damaged.is_empty(), "{:?}", read.damaged);
        assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
        assert!(
            read.warnings[0].ends_with(
                "timeline.jsonl:3:30: torn last line (the cockpit was stopped mid-write); skipped"
            ),
            "{}",
            read.warnings[0]
        );
        let (_d, path, mut bytes) = log_of(&[R1, b"{\"seq\":2, damaged", R3]);
        bytes.extend_from_slice(torn);
        fs::write(&path, &bytes).unwrap();
        let read = read_file(&path).unwrap();
        assert_eq!(read.damaged.len(), 1, "{:?}", read.warnings);
        assert!(
            read.damaged[0].contains("timeline.jsonl:2:"),
            "{:?}",
            read.damaged
        );
        assert!(
            read.warnings[1].contains("timeline.jsonl:4:30: torn last line"),
            "{:?}",
            read.warnings
        );
    }
}
