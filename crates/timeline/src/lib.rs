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
