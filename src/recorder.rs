//! The timeline writer and follower: one thread owns the store. It appends
//! in order (under the store's lock; whatever is queued together goes in
//! one write and one fsync), and only then reports `Recorded`, so nothing is shown as done before it is durable. Between
//! appends it reads what other seats appended and reports it as `Followed`
//! within a fraction of a second.

use crate::msg::Msg;
use crate::timeline::{Event, Store};
use chrono::Utc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc::error::SendError;
use tokio::sync::mpsc::{UnboundedSender, WeakUnboundedSender};

/// How often other seats' records are looked for when the file system
/// cannot say when the file changed.
pub const FOLLOW_EVERY: Duration = Duration::from_millis(250);

pub struct Recorder {
    tx: UnboundedSender<Cmd>,
    handle: std::thread::JoinHandle<()>,
}

fn deliver(
    out: &UnboundedSender<Msg>,
    reload: Option<Vec<crate::timeline::Record>>,
    records: Vec<crate::timeline::Record>,
    warnings: Vec<String>,
    broken: Vec<crate::timeline::chain::Break>,
) {
    if let Some(all) = reload {
        let _ = out.send(Msg::Reloaded(all));
    }
    for r in records {
        let _ = out.send(Msg::Followed(Box::new(r)));
    }
    for w in warnings {
        let _ = out.send(Msg::StoreWarning(w));
    }
    for b in broken {
        let _ = out.send(Msg::ChainBroken {
            seq: b.seq,
            what: b.what,
        });
    }
}

/// At most this many events are written with one fsync.
pub const MAX_BATCH: usize = 1024;

/// Appends a batch; what to tell the loop about each event, in order.
fn write(
    store: &mut dyn Store,
    seat: &str,
    events: Vec<Event>,
    out: &UnboundedSender<Msg>,
) -> Vec<Msg> {
    match store.append_many(Utc::now(), seat, events.clone()) {
        Ok(batch) => {
            deliver(out, batch.reload, batch.others, Vec::new(), Vec::new());
            batch
                .written
                .into_iter()
                .map(|w| match w {
                    Ok(rec) => Msg::Recorded(Box::new(rec)),
                    Err(event) => Msg::Deduplicated(Box::new(event)),
                })
                .collect()
        }
        Err(e) => {
            let error = format!("{e:#}");
            events
                .into_iter()
                .map(|event| Msg::NotRecorded {
                    event: Box::new(event),
                    error: error.clone(),
                })
                .collect()
        }
    }
}

/// What the writer thread is asked to do.
enum Cmd {
    Append(Box<Event>),
    /// The file may have grown: read what other seats appended.
    Look,
}

/// The follower's wait between looks, the store's [`Store::look_every`]:
/// a new value ends a wait under way at once (a link just lost must be
/// looked at every 2 s from now, not after the 10 or 30 s wait the quiet
/// link had started).
struct Every {
    ms: AtomicU64,
    /// Written to when `ms` changes; the follower polls `woken` beside
    /// the files.
    poke: std::os::unix::net::UnixStream,
    woken: std::os::unix::net::UnixStream,
}

impl Every {
    fn new(d: Duration) -> std::io::Result<Every> {
        let (poke, woken) = std::os::unix::net::UnixStream::pair()?;
        poke.set_nonblocking(true)?;
        woken.set_nonblocking(true)?;
        Ok(Every {
            ms: AtomicU64::new(d.as_millis() as u64),
            poke,
            woken,
        })
    }

    fn set(&self, d: Duration) {
        use std::io::Write;
        let ms = d.as_millis() as u64;
        if self.ms.swap(ms, Ordering::Relaxed) != ms {
            // A full socket already has a poke waiting: nothing lost.
            let _ = (&self.poke).write(&[1]);
        }
    }

    fn get(&self) -> u64 {
        self.ms.load(Ordering::Relaxed)
    }

    /// Reads the pokes so far.
    fn drain(&self) {
        use std::io::Read;
        let mut buf = [0u8; 64];
        while matches!((&self.woken).read(&mut buf), Ok(n) if n > 0) {}
    }
}

/// Tells the writer to look at the files when they change (inotify), and
/// at least every `every` (the store's [`Store::look_every`]: a safety net
/// on a local disk, often on a network file system or with a shared store
/// that has a link to watch; a new interval takes effect at once). Without
/// inotify, every `FOLLOW_EVERY`. Ends with the writer.
fn watch(paths: Vec<std::path::PathBuf>, every: Arc<Every>, tx: WeakUnboundedSender<Cmd>) {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};
    use std::os::fd::AsFd;
    let inotify = (!paths.is_empty())
        .then(|| {
            let i = Inotify::init(InitFlags::IN_NONBLOCK | InitFlags::IN_CLOEXEC).ok()?;
            for p in &paths {
                i.add_watch(p, AddWatchFlags::IN_MODIFY).ok()?;
            }
            Some(i)
        })
        .flatten();
    loop {
        match &inotify {
            Some(i) => {
                let mut fds = [
                    PollFd::new(i.as_fd(), PollFlags::POLLIN),
                    PollFd::new(every.woken.as_fd(), PollFlags::POLLIN),
                ];
                let ms = every.get();
                let wait = PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX);
                let _ = poll(&mut fds, wait);
                let changed = fds[0].any().unwrap_or(true);
                let poked = fds[1].any().unwrap_or(false);
                // Drain: one look covers every change so far.
                while matches!(i.read_events(), Ok(ev) if !ev.is_empty()) {}
                if poked {
                    every.drain();
                    // A new interval: wait again with it (whoever changed
                    // it has just looked), unless a file changed too.
                    if !changed && tx.upgrade().is_some() {
                        continue;
                    }
                }
            }
            None => std::thread::sleep(FOLLOW_EVERY),
        }
        // Gone once the cockpit has dropped its sender (`finish`).
        match tx.upgrade() {
            Some(tx) if tx.send(Cmd::Look).is_ok() => {}
            _ => return,
        }
    }
}

impl Recorder {
    pub fn spawn(
        mut store: Box<dyn Store>,
        seat: String,
        out: UnboundedSender<Msg>,
    ) -> std::io::Result<Self> {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Cmd>();
        let paths = store.watched();
        let every = Arc::new(Every::new(store.look_every())?);
        let looks = tx.downgrade();
        let asks = tx.downgrade();
        store.set_waker(Box::new(move || {
            if let Some(tx) = asks.upgrade() {
                let _ = tx.send(Cmd::Look);
            }
        }));
        let every_w = every.clone();
        std::thread::Builder::new()
            .name("follower".into())
            .spawn(move || watch(paths, every_w, looks))?;
        let mut sharing = store.sharing();
        if let Some(s) = &sharing {
            let _ = out.send(Msg::Sharing(s.clone()));
        }
        let handle = std::thread::Builder::new()
            .name("recorder".into())
            .spawn(move || {
                // Ends once the cockpit has dropped its sender (`finish`)
                // and everything queued before is written.
                let mut pending: Option<Cmd> = None;
                loop {
                    let cmd = match pending.take() {
                        Some(c) => c,
                        None => match rx.blocking_recv() {
                            Some(c) => c,
                            None => return,
                        },
                    };
                    match cmd {
                        Cmd::Append(event) => {
                            // Whatever else is queued goes in the same
                            // write and fsync (an alert storm, a burst of
                            // keys), in order.
                            let mut events = vec![*event];
                            while events.len() < MAX_BATCH {
                                match rx.try_recv() {
                                    Ok(Cmd::Append(e)) => events.push(*e),
                                    Ok(look) => {
                                        pending = Some(look);
                                        break;
                                    }
                                    Err(_) => break,
                                }
                            }
                            for msg in write(store.as_mut(), &seat, events, &out) {
                                let _ = out.send(msg);
                            }
                        }
                        Cmd::Look => match store.read_new() {
                            Ok(new) => {
                                deliver(&out, new.reload, new.records, new.warnings, new.broken)
                            }
                            Err(e) => {
                                let _ = out.send(Msg::StoreWarning(format!(
                                    "cannot read the timeline: {e:#}"
                                )));
                            }
                        },
                    }
                    // The follower's wait, changed at once.
                    every.set(store.look_every());
                    // How the timeline stands with a shared store, when
                    // that changed.
                    let now = store.sharing();
                    if now != sharing {
                        if let Some(s) = &now {
                            let _ = out.send(Msg::Sharing(s.clone()));
                        }
                        sharing = now;
                    }
                }
            })?;
        Ok(Self { tx, handle })
    }

    /// Queues an append; gives the event back if the writer has stopped.
    pub fn append(&self, event: Event) -> Result<(), Box<Event>> {
        match self.tx.send(Cmd::Append(Box::new(event))) {
            Ok(()) => Ok(()),
            Err(SendError(Cmd::Append(ev))) => Err(ev),
            // Only appends are sent from here.
            Err(SendError(Cmd::Look)) => Ok(()),
        }
    }

    /// Waits until every append sent so far is durable.
    pub fn finish(self) {
        let Recorder { tx, handle } = self;
        drop(tx);
        let _ = handle.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::store::{Batch, ReadOutcome};
    use std::sync::{Condvar, Mutex};

    type Waker = Arc<Mutex<Option<Box<dyn Fn() + Send + Sync>>>>;

    /// A store that counts its looks and whose look interval the test sets.
    struct Fake {
        file: std::path::PathBuf,
        every: Arc<AtomicU64>,
        looks: Arc<(Mutex<usize>, Condvar)>,
        waker: Waker,
    }

    impl Store for Fake {
        fn append_many(
            &mut self,
            _at: chrono::DateTime<Utc>,
            _by: &str,
            _events: Vec<Event>,
        ) -> anyhow::Result<Batch> {
            anyhow::bail!("not in this test")
        }
        fn read_new(&mut self) -> anyhow::Result<ReadOutcome> {
            let (n, cv) = &*self.looks;
            *n.lock().unwrap() += 1;
            cv.notify_all();
            Ok(ReadOutcome::default())
        }
        fn read_from(&self, _from: u64) -> anyhow::Result<ReadOutcome> {
            Ok(ReadOutcome::default())
        }
        fn watched(&self) -> Vec<std::path::PathBuf> {
            vec![self.file.clone()]
        }
        fn look_every(&self) -> Duration {
            Duration::from_millis(self.every.load(Ordering::Relaxed))
        }
        fn set_waker(&mut self, wake: Box<dyn Fn() + Send + Sync>) {
            *self.waker.lock().unwrap() = Some(wake);
        }
    }

    /// A store that says "look often now" (a link just lost) is looked at
    /// that often from then on: the follower's wait under way (an hour
    /// here) ends at once. It used to read the new interval only when its
    /// wait was over.
    #[test]
    fn a_new_look_interval_takes_effect_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("timeline.jsonl");
        std::fs::write(&file, b"").unwrap();
        let every = Arc::new(AtomicU64::new(3_600_000));
        let looks = Arc::new((Mutex::new(0usize), Condvar::new()));
        let waker: Waker = Arc::default();
        let (out, _rx) = tokio::sync::mpsc::unbounded_channel();
        let rec = Recorder::spawn(
            Box::new(Fake {
                file,
                every: every.clone(),
                looks: looks.clone(),
                waker: waker.clone(),
            }),
            "ana@a".into(),
            out,
        )
        .unwrap();
        let wait_for = |want: usize| {
            let (n, cv) = &*looks;
            let (got, timed_out) = cv
                .wait_timeout_while(n.lock().unwrap(), Duration::from_secs(10), |n| *n < want)
                .unwrap();
            assert!(!timed_out.timed_out(), "{} looks of {want}", *got);
        };
        // Let the follower start its hour-long wait: nothing to look at.
        // The link is lost: the store now wants a look every 20 ms and
        // wakes the recorder, which looks once.
        every.store(20, Ordering::Relaxed);
        (waker.lock().unwrap().as_ref().expect("a waker"))();
        wait_for(1);
        // Then the follower looks every 20 ms, not in an hour.
        wait_for(6);
        rec.finish();
    }
}
