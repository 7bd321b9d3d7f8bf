//! The shared store: one incident's timeline on NATS JetStream, for seats
//! on several hosts (DESIGN.md, "Several hosts: one incident on a shared
//! store"). The app uses it through [`replica::Replica`], a
//! `timeline::Store` the recorder drives like the local files.
//!
//! # Design
//! - An incident is one subject, `<prefix>.<token>` (the token is the
//!   incident id escaped by [`subject_token`]), in a stream of its own,
//!   `<stream>_<token>` (file storage, R3 in a team's cluster).
//! - A message is one timeline record's bytes, as the local journal holds
//!   them, or a batch of records, one a line, with a `Cockpit-Batch: N`
//!   header ([`nats::HDR_BATCH`]; [`replica::records_of`] reads both).
//!   Headers carry what the store needs without parsing the record:
//!   `Nats-Msg-Id` (de-duplication, see [`msg_id`] and [`origin_msg_id`]),
//!   `Nats-Expected-Last-Subject-Sequence` and `Nats-Expected-Last-Sequence`
//!   (compare-and-set), `Cockpit-Seq` (the incident's own gap-free seq the
//!   record carries) and `Cockpit-Offline` (the record was written while
//!   the host was cut off and was given its place in the shared order
//!   later).
//! - Batches, not pipelining, make a long cut's records quick to share.
//!   Pipelining (sending the next append before the previous one's ack,
//!   expecting the sequence that one would get) is unsound here: if one
//!   append is refused because another host wrote first, the next one
//!   expects exactly the sequence the other host's message took and
//!   lands, out of order, before the record refused. A batch is one
//!   message: one compare-and-set, stored or refused whole, its id the
//!   first record's and the count (the same on a retry of the same
//!   records), bounded by [`replica::MAX_BATCH_RECORDS`] and the server's
//!   max payload. The price is that a stream sequence is no longer a
//!   record's seq: the mirror says where each record stands (`store_msg`).
//! - Every append is a compare-and-set on the stream sequence of the
//!   subject's last message this seat knows ([`nats::Journal`]). A stale
//!   seat is refused ([`StoreError::Conflict`]): it catches up and
//!   re-sequences. Timeouts, no responders and a leader election are
//!   [`StoreError::Retryable`]: retrying with the same message id is safe.
//! - Why a stream per incident, not one stream for all: a clustered
//!   nats-server before 2.9.21 (Debian's is 2.9.10) checks
//!   `Nats-Expected-Last-Subject-Sequence` only before proposing a message,
//!   so two seats appending at once can both pass with the same expected
//!   value (nats-server #4320; in tests/nats_store.rs, `four_writers_...`
//!   caught two records with seq 9, and without the stream-wide header
//!   `appends_racing_...` sees all four racing seats land). The stream-wide
//!   `Nats-Expected-Last-Sequence` is checked again in the replicated
//!   order, and with one subject per stream it is the same number. The
//!   price is a stream (a Raft group) per incident.
//! - Offline-first: the local journal stays the seat's own record; what was
//!   written while cut off is published later by the [`replica`] (the
//!   algorithm is in that module's doc), not by stream sourcing, which
//!   compare-and-set headers break (nats-server #5253, #5865).
//! - Presence: a KV bucket, key `<incident>.<seat>` ([`nats::Presence`]).
//!   Its stream is made here, not by async-nats' `create_key_value`, which
//!   cannot parse a 2.9 server's account info.
//! - Secrets never leave [`config`]: its `Debug`/`Display` redact them and
//!   no error here names one.
//!
//! # Import rule
//! `store` may know timeline record bytes (and at most the timeline's
//! types); it knows nothing of `ui`, `app`, `update` or `msg`. The app
//! will drive it from an effect, like any other outside source.
//!
//! # Using it
//! A seat keeps, per incident, the head it has placed (stream sequence and
//! incident seq). To append: give the record the next seq and an id fixed
//! at its first attempt (never changed on a retry or a re-sequencing),
//! [`nats::Journal::publish`]; on `Conflict` read [`nats::Journal::tail`],
//! place what it holds (a record whose id is there was shared already: a
//! lost ack) and retry with the next seq; on `Retryable` keep it pending
//! and retry. [`replica::Replica`] is that loop; tests/nats_store.rs drives
//! the journal with a pure statement of the same rule
//! (tests/common/sync_plan.rs).
//!
//! # Wiring
//! `commands/shared.rs` reads `--store` and the config file's `store:`
//! section and opens an incident on a [`replica::Replica`] (its module doc
//! has the files and the algorithm); the recorder reports [`crate::timeline::Sharing`] to the
//! header and the timeline pane; presence is in the header and the roles
//! picker ([`nats::Presence`]).

pub mod config;
pub mod nats;
pub mod replica;

pub use config::{Auth, ConfigError, Secret, StoreConfig, StoreFile};

use std::fmt;

/// What went wrong with the store, sorted by what the caller does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The configuration cannot be used (what is wrong, what to do),
    /// including TLS that fails (an untrusted server, a refused client
    /// certificate).
    Config(String),
    /// No server could be reached: the cockpit keeps working on its local
    /// journal and tries again.
    Unreachable(String),
    /// The servers refused the credentials: retrying will not help.
    AuthRefused(String),
    /// Compare-and-set refused: the subject's last message is not the one
    /// this seat knows (JetStream error 10071). Catch up, then retry.
    Conflict {
        /// The stream sequence the append expected as the subject's last.
        expected: u64,
    },
    /// A timeout, no responders, a leader election, a lost connection:
    /// retry with the same message id (de-duplicated if it did land).
    Retryable(String),
    /// The server refused for a reason retrying will not change
    /// (permissions, limits, a malformed request).
    Refused(String),
    /// An incident id or seat name that cannot be a subject token.
    BadName(String),
    /// A message on the store that is not what the cockpit writes.
    Malformed(String),
}

impl StoreError {
    /// Worth trying again as is (same message id, same expected sequence).
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Retryable(_) | StoreError::Unreachable(_))
    }
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Config(m) => write!(f, "store configuration: {m}"),
            StoreError::Unreachable(m) => write!(f, "store unreachable: {m}"),
            StoreError::AuthRefused(m) => write!(f, "store refused the credentials: {m}"),
            StoreError::Conflict { expected } => write!(
                f,
                "another seat appended first (the subject's last message is not #{expected}): \
                 catch up and append again"
            ),
            StoreError::Retryable(m) => write!(f, "store busy or unreachable, will retry: {m}"),
            StoreError::Refused(m) => write!(f, "store refused: {m}"),
            StoreError::BadName(m) => write!(f, "{m}"),
            StoreError::Malformed(m) => write!(f, "malformed message on the store: {m}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<ConfigError> for StoreError {
    fn from(e: ConfigError) -> Self {
        StoreError::Config(e.0)
    }
}

/// The longest incident id or seat name (before escaping).
pub const MAX_NAME: usize = 128;

/// An incident id or seat name as one subject token (and KV key part):
/// ASCII letters, digits, `-` and `_` are kept; any other byte becomes
/// `=XX` (hex), so the token never holds `.`, `*`, `>`, spaces or control
/// characters, and two names never share a token (`=` itself is escaped).
pub fn subject_token(name: &str) -> Result<String, StoreError> {
    if name.is_empty() {
        return Err(StoreError::BadName(
            "an empty incident id or seat name cannot be shared: give it a name".into(),
        ));
    }
    if name.len() > MAX_NAME {
        return Err(StoreError::BadName(format!(
            "an incident id or seat name of {} bytes cannot be shared: keep it under {MAX_NAME}",
            name.len()
        )));
    }
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push_str(&format!("={b:02X}"));
        }
    }
    Ok(out)
}

/// The name a [`subject_token`] came from, or `None` if it is not one.
pub fn name_from_token(token: &str) -> Option<String> {
    let b = token.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' => {
                let v = token
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())?;
                out.push(v);
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || c == b'-' || c == b'_' => {
                out.push(c);
                i += 1;
            }
            _ => return None,
        }
    }
    String::from_utf8(out).ok().filter(|s| !s.is_empty())
}

/// 64-bit FNV-1a: the same on every host and every build (std's hasher is
/// not), which a message id shared between hosts needs.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The message id of a record appended online: the incident, its seq and
/// a hash of its bytes. A retry of the same append (after a lost ack) has
/// the same id and is stored once; another seat's record for the same seq
/// has other bytes, so another id.
pub fn msg_id(incident_token: &str, incident_seq: u64, bytes: &[u8]) -> String {
    format!("{incident_token}:{incident_seq}:{:016x}", fnv1a64(bytes))
}

/// The message id of a record written offline and published later: the
/// journal (host) and seq it was written under, and a hash of the bytes
/// it was written with. It does not change when the record is given
/// another seq in the shared order, so publishing it again is a no-op.
pub fn origin_msg_id(
    incident_token: &str,
    journal: &str,
    local_seq: u64,
    original_bytes: &[u8],
) -> Result<String, StoreError> {
    Ok(format!(
        "{incident_token}:o:{}:{local_seq}:{:016x}",
        subject_token(journal)?,
        fnv1a64(original_bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_safe_and_reversible() {
        assert_eq!(
            subject_token("20261206-170000-db-down").unwrap(),
            "20261206-170000-db-down"
        );
        for hostile in ["a.b", "a*", ">", "a b", "a\u{1b}[2J", "a=2E", "é", "a\tb\n"] {
            let t = subject_token(hostile).unwrap();
            assert!(
                t.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'='),
                "{hostile:?} -> {t}"
            );
            assert_eq!(name_from_token(&t).as_deref(), Some(hostile));
        }
        assert_ne!(
            subject_token("a.b").unwrap(),
            subject_token("a=2Eb").unwrap()
        );
        assert!(subject_token("").is_err());
        assert!(subject_token(&"x".repeat(MAX_NAME + 1)).is_err());
        assert_eq!(name_from_token("a.b"), None);
        assert_eq!(name_from_token("a=zz"), None);
    }

    #[test]
    fn message_ids_are_deterministic_and_tell_records_apart() {
        // FNV-1a's published test vector: the id is the same on every host.
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        let a = msg_id("inc", 5, b"{\"seq\":5}");
        assert_eq!(a, msg_id("inc", 5, b"{\"seq\":5}"));
        assert_ne!(a, msg_id("inc", 5, b"{\"seq\":5,\"x\":1}"));
        assert_ne!(a, msg_id("inc", 6, b"{\"seq\":5}"));
        assert_ne!(a, msg_id("inc2", 5, b"{\"seq\":5}"));
        let o = origin_msg_id("inc", "host a", 7, b"r").unwrap();
        assert_eq!(o, origin_msg_id("inc", "host a", 7, b"r").unwrap());
        assert!(o.starts_with("inc:o:host=20a:7:"), "{o}");
        assert_ne!(o, origin_msg_id("inc", "host b", 7, b"r").unwrap());
    }
}
