//! The timeline writer: one thread owns the store, appends in order,
//! fsyncs, and only then reports `Recorded`, so nothing is shown as done
//! before it is durable.

use crate::msg::Msg;
use crate::timeline::{Event, Store};
use chrono::Utc;
use std::sync::mpsc as std_mpsc;
use tokio::sync::mpsc::UnboundedSender;

pub struct Recorder {
    tx: std_mpsc::Sender<Event>,
    handle: Option<std::thread::JoinHandle<()>>,
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
                while let Ok(event) = rx.recv() {
                    let msg = match store.append(Utc::now(), &seat, event.clone()) {
                        Ok(rec) => Msg::Recorded(Box::new(rec)),
                        Err(e) => Msg::NotRecorded {
                            event: Box::new(event),
                            error: format!("{e:#}"),
                        },
                    };
                    let _ = out.send(msg);
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
