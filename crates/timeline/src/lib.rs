//! The incident's record: an append-only JSONL timeline, one record a line.
//! `record` is the vocabulary, `store` the durable log (append, the
//! cross-process lock, fsync), `chain` the hash chain that holds it; the
//! fold that rebuilds an incident from it is the cockpit's (`state`).
//!
//! A crate of its own (re-exported by the cockpit as `timeline`): it knows
//! nothing of the cockpit, and mutation testing rebuilds only it.

pub mod chain;
pub mod record;
pub mod store;

pub use record::{ClockChange, Event, Mark, Record, Share, Status, StorePos};
pub use store::{FileStore, Present, Sharing, Store};

/// Records for tests, here and in the cockpit's (its `testkit` re-exports
/// them): built only for tests and with the `testkit` feature.
#[cfg(any(test, feature = "testkit"))]
pub mod testkit {
    use crate::{Event, Status};

    /// A declaration for unit tests: P0, IC ana, the DICPS api-outage procedure.
    pub fn declared(id: &str, drill: bool) -> Event {
        Event::Declared {
            id: id.into(),
            title: "t".into(),
            severity: "P0".into(),
            status: Status::Investigating,
            ic: "ana".into(),
            playbook: "dicps".into(),
            procedure: "api-outage".into(),
            drill,
            source: None,
            scenario: None,
            watch: Default::default(),
        }
    }
}
