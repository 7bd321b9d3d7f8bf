//! The timeline writer and follower: one thread owns the store. It appends
//! in order (under the store's lock; whatever is queued together goes in
//! one write and one fsync), and only then reports `Recorded`, so nothing is shown as done before it is durable. Between
//! appends it reads what other seats appended and reports it as `Followed`
//! within a fraction of a second.

use crate::msg::Msg;
use crate::timeline::{Event, Store};
use chrono::Utc;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// How often other seats' records are looked for.
pub const FOLLOW_EVERY: Duration = Duration::from_millis(250);

pub struct Recorder {
    tx: std_mpsc::Sender<Event>,
    handle: Option<std::thread::JoinHandle<()>>,
}

fn deliver(
    out: &UnboundedSender<Msg>,
    records: Vec<crate::timeline::Record>,
    warnings: Vec<String>,
) {
    for r in records {
        let _ = out.send(Msg::Followed(Box::new(r)));
    }
    for w in warnings {
        let _ = out.send(Msg::StoreWarning(w));
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
            deliver(out, batch.others, Vec::new());
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

impl Recorder {
    pub fn spawn(
        mut store: Box<dyn Store>,
        seat: String,
        out: UnboundedSender<Msg>,
    ) -> std::io::Result<Self> {
        let (tx, rx) = std_mpsc::channel::<Event>();
        let handle = std::thread::Builder::new()
            .name("recorder".into())
            .spawn(move || {
                loop {
                    match rx.recv_timeout(FOLLOW_EVERY) {
                        Ok(event) => {
                            // Whatever else is queued goes in the same
                            // write and fsync (an alert storm, a burst of
                            // keys), in order.
                            let mut events = vec![event];
                            while events.len() < MAX_BATCH {
                                match rx.try_recv() {
                                    Ok(e) => events.push(e),
                                    Err(_) => break,
                                }
                            }
                            for msg in write(store.as_mut(), &seat, events, &out) {
                                let _ = out.send(msg);
                            }
                        }
                        Err(std_mpsc::RecvTimeoutError::Timeout) => match store.read_new() {
                            Ok(new) => deliver(&out, new.records, new.warnings),
                            Err(e) => {
                                let _ = out.send(Msg::StoreWarning(format!(
                                    "cannot read the timeline: {e:#}"
                                )));
                            }
                        },
                        Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
            })?;
        Ok(Self {
            tx,
            handle: Some(handle),
        })
    }

    /// Queues an append; gives the event back if the writer has stopped.
    pub fn append(&self, event: Event) -> Result<(), Box<Event>> {
        self.tx.send(event).map_err(|e| Box::new(e.0))
    }

    /// Waits until every append sent so far is durable.
    pub fn finish(mut self) {
        let (tx, _) = std_mpsc::channel();
        drop(std::mem::replace(&mut self.tx, tx));
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
