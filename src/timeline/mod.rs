//! The incident's record: an append-only JSONL timeline, one record a line.
//! `record` is the vocabulary, `store` the durable log, `replay` the fold
//! that rebuilds an incident from it.

pub mod chain;
pub mod record;
pub mod store;

pub use record::{ClockChange, Event, Mark, Record, Share, Status, StorePos};
pub use store::{FileStore, Present, Sharing, Store};
