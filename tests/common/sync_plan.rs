//! The journal tests' model of offline-first publishing: which local
//! records to publish, in which order, at which place in the shared order.
//! Pure; no server. The cockpit's own loop is `store::replica::Replica`
//! (its module doc); this states the same rule for tests/nats_store.rs,
//! which drives `store::nats::Journal` directly.
//!
//! # The algorithm
//! The shared subject's order is authoritative: the n-th message on an
//! incident's subject is the incident's record with seq n, whatever any
//! host wrote locally. A host's local journal is its outbox as well as its
//! record: a record is *pending* until a message with its id is on the
//! subject.
//!
//! Each pending record has a message id fixed when it was written (online:
//! `store::msg_id`; offline: `store::origin_msg_id`, the journal and
//! local seq it was written under). When the link returns, or after a
//! compare-and-set refusal, the seat:
//! 1. reads the subject from the last message it knew (`known`) to the
//!    head: the *tail*;
//! 2. calls `plan`: a pending record whose id is in the tail is already
//!    shared (its ack was lost, or another seat of the same host published
//!    it): it takes the place it has there and is never published again;
//! 3. publishes the others in their local order, each with the next seq
//!    after the shared head, the subject's last stream sequence as the
//!    expected last (compare-and-set), and its own unchanged id;
//! 4. on a compare-and-set refusal (someone else appended meanwhile) goes
//!    back to 1 from the last message it knew; on a retryable error
//!    retries the same publish.
//!
//! Exactly once: a publish that landed is either de-duplicated by the
//! server (same id within the stream's duplicate window) or, refused as
//! stale, found by id in the tail at step 2 (after any time). Nothing is
//! skipped: a record leaves the pending list only when its id is seen on
//! the subject.
//!
//! A record written offline keeps its own `at` (the caller only re-encodes
//! its seq) and is published marked offline (`Cockpit-Offline`); its seq in
//! the shared order is the one `plan` gives it, after whatever the other
//! hosts wrote meanwhile.
//!
//! # Limitations
//! - Offline records go after the records other hosts published while
//!   this one was cut off, even if written earlier: the order is the order
//!   of publication, the `at` times tell when things happened.
//! - The tail must start at a message this seat already placed; a seat
//!   that knows nothing reads the whole subject (`known` = 0).
//! - Pending records are published one at a time (each needs the previous
//!   one's stream sequence for compare-and-set): a long outage publishes at
//!   the rate of one round trip per record.

use std::collections::HashMap;

/// The last message on the subject a seat has placed: its stream sequence
/// (0: none) and the incident seq it holds (0: none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Head {
    pub stream_seq: u64,
    pub incident_seq: u64,
}

/// A message on the subject after the seat's [`Head`], in stream order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared {
    pub stream_seq: u64,
    pub msg_id: Option<String>,
}

/// A local record not known to be shared, in local order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Its seq in the local journal.
    pub local_seq: u64,
    /// The id it is (or was) published under; never changes.
    pub msg_id: String,
    /// Written while the host was cut off.
    pub offline: bool,
}

/// A pending record found on the subject: where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub local_seq: u64,
    pub stream_seq: u64,
    pub incident_seq: u64,
}

/// A pending record to publish, in this order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publish {
    pub local_seq: u64,
    pub msg_id: String,
    /// Its seq in the shared order (the caller re-encodes the record with it).
    pub incident_seq: u64,
    pub offline: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The subject's head after the tail: the first publish expects its
    /// stream sequence as the subject's last.
    pub head: Head,
    /// Pending records already on the subject: no longer pending.
    pub placed: Vec<Placed>,
    /// The rest, to publish in this order with these seqs.
    pub publish: Vec<Publish>,
    /// Messages of the tail with no id, or an id seen twice: not the
    /// cockpit's own, worth a warning (they still count in the order).
    pub foreign: Vec<u64>,
}

/// Where the pending records go, given what the subject holds after the
/// seat's head (see the module doc).
pub fn plan(known: Head, tail: &[Shared], pending: &[Pending]) -> Plan {
    let wanted: HashMap<&str, &Pending> = pending.iter().map(|p| (p.msg_id.as_str(), p)).collect();
    let mut seen: HashMap<&str, ()> = HashMap::new();
    let mut head = known;
    let mut placed = Vec::new();
    let mut foreign = Vec::new();
    for m in tail {
        head = Head {
            stream_seq: m.stream_seq,
            incident_seq: head.incident_seq + 1,
        };
        match m.msg_id.as_deref() {
            None => foreign.push(m.stream_seq),
            Some(id) => {
                if seen.insert(id, ()).is_some() {
                    foreign.push(m.stream_seq);
                    continue;
                }
                if let Some(p) = wanted.get(id) {
                    placed.push(Placed {
                        local_seq: p.local_seq,
                        stream_seq: m.stream_seq,
                        incident_seq: head.incident_seq,
                    });
                }
            }
        }
    }
    let done: HashMap<u64, ()> = placed.iter().map(|p| (p.local_seq, ())).collect();
    let mut next = head.incident_seq;
    let mut publish = Vec::new();
    let mut ids: HashMap<&str, ()> = HashMap::new();
    for p in pending {
        // The same id twice in the outbox is one record.
        if done.contains_key(&p.local_seq) || ids.insert(p.msg_id.as_str(), ()).is_some() {
            continue;
        }
        next += 1;
        publish.push(Publish {
            local_seq: p.local_seq,
            msg_id: p.msg_id.clone(),
            incident_seq: next,
            offline: p.offline,
        });
    }
    Plan {
        head,
        placed,
        publish,
        foreign,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(seq: u64, id: &str) -> Shared {
        Shared {
            stream_seq: seq,
            msg_id: Some(id.into()),
        }
    }

    fn pending(local: u64, id: &str, offline: bool) -> Pending {
        Pending {
            local_seq: local,
            msg_id: id.into(),
            offline,
        }
    }

    #[test]
    fn offline_records_go_after_what_others_published_keeping_their_order() {
        // This host knew seq 10 (stream 40); wrote 11, 12 offline; host B
        // published two records meanwhile (stream 41 and 45: other
        // incidents share the stream).
        let known = Head {
            stream_seq: 40,
            incident_seq: 10,
        };
        let tail = [shared(41, "b1"), shared(45, "b2")];
        let p = plan(
            known,
            &tail,
            &[pending(11, "a11", true), pending(12, "a12", true)],
        );
        assert_eq!(
            p.head,
            Head {
                stream_seq: 45,
                incident_seq: 12
            }
        );
        assert!(p.placed.is_empty());
        assert_eq!(
            p.publish,
            vec![
                Publish {
                    local_seq: 11,
                    msg_id: "a11".into(),
                    incident_seq: 13,
                    offline: true
                },
                Publish {
                    local_seq: 12,
                    msg_id: "a12".into(),
                    incident_seq: 14,
                    offline: true
                },
            ]
        );
        assert!(p.foreign.is_empty());
    }

    #[test]
    fn a_record_whose_ack_was_lost_is_placed_not_published_again() {
        let known = Head::default();
        // a1 landed (ack lost), then b1 from another host.
        let tail = [shared(1, "a1"), shared(2, "b1")];
        let p = plan(
            known,
            &tail,
            &[pending(1, "a1", false), pending(2, "a2", false)],
        );
        assert_eq!(
            p.placed,
            vec![Placed {
                local_seq: 1,
                stream_seq: 1,
                incident_seq: 1
            }]
        );
        assert_eq!(p.publish.len(), 1);
        assert_eq!(p.publish[0].msg_id, "a2");
        assert_eq!(p.publish[0].incident_seq, 3);
        assert_eq!(p.head.stream_seq, 2);
    }

    #[test]
    fn planning_again_after_publishing_publishes_nothing() {
        let pend = [pending(5, "x5", true), pending(6, "x6", true)];
        let first = plan(Head::default(), &[], &pend);
        // Publish as planned (stream seqs 1 and 2), then plan again from
        // scratch: everything is placed, nothing to publish, same seqs.
        let tail: Vec<Shared> = first
            .publish
            .iter()
            .enumerate()
            .map(|(i, s)| shared(i as u64 + 1, &s.msg_id))
            .collect();
        let again = plan(Head::default(), &tail, &pend);
        assert!(again.publish.is_empty());
        let seqs: Vec<u64> = again.placed.iter().map(|p| p.incident_seq).collect();
        let planned: Vec<u64> = first.publish.iter().map(|p| p.incident_seq).collect();
        assert_eq!(seqs, planned);
    }

    #[test]
    fn foreign_messages_count_in_the_order_and_are_reported() {
        let tail = [
            Shared {
                stream_seq: 3,
                msg_id: None,
            },
            shared(4, "b1"),
            shared(5, "b1"),
        ];
        let p = plan(Head::default(), &tail, &[pending(1, "a1", false)]);
        assert_eq!(p.foreign, vec![3, 5]);
        assert_eq!(p.publish[0].incident_seq, 4);
    }

    #[test]
    fn the_same_id_twice_in_the_outbox_is_published_once() {
        let p = plan(
            Head::default(),
            &[],
            &[pending(1, "a1", false), pending(1, "a1", false)],
        );
        assert_eq!(p.publish.len(), 1);
    }
}
