//! The timeline as a hash chain: each record carries `prev`, the SHA-256
//! of the line before it as it is in the file (the bytes written, without
//! the newline); the first record's `prev` is [`genesis`] of the incident's
//! id. A record edited, removed or moved after it was written no longer
//! fits the record that follows it; the last record is held by the head
//! hash the export prints (and signs).
//!
//! Pure: the store links records as it writes them and checks them as it
//! reads them; [`verify`] checks a whole file for `incident-cockpit verify`.

use sha2::{Digest, Sha256};
use std::path::Path;

/// A SHA-256, as lowercase hex.
pub type Hash = String;

/// The `prev` of an incident's first record.
pub fn genesis(incident: &str) -> Hash {
    hash_bytes(format!("incident-cockpit timeline {incident}").as_bytes())
}

/// The hash of a record's line (without its newline).
pub fn hash_line(line: &[u8]) -> Hash {
    hash_bytes(line)
}

fn hash_bytes(b: &[u8]) -> Hash {
    let d = Sha256::digest(b);
    let mut s = String::with_capacity(64);
    for byte in d {
        s.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        s.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
    }
    s
}

/// The incident a timeline file belongs to: the name of its folder
/// (`incidents/<id>/timeline.jsonl`, `drills/<id>/…`).
pub fn incident_of(path: &Path) -> String {
    path.parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A record read that does not fit the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    pub seq: u64,
    pub what: String,
}

/// Where a reader of a file is in its chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// What the next record's `prev` must be: the hash of the last record
    /// line read (or written), or the genesis before the first.
    pub expect: Hash,
    /// A record with a `prev` was seen: from there on every record has one.
    pub started: bool,
}

impl Link {
    pub fn new(incident: &str) -> Self {
        Link {
            expect: genesis(incident),
            started: false,
        }
    }

    /// Takes the next record line, with its `prev`: what is wrong with its
    /// place in the chain, if anything. The chain moves on to this line
    /// either way, so one change is reported once, where it is.
    pub fn next(&mut self, seq: u64, prev: Option<&str>, line: &[u8]) -> Option<String> {
        let wrong = match prev {
            Some(p) if p == self.expect => None,
            Some(p) => Some(format!(
                "record {seq} does not fit the chain: it follows a line that hashed to {}, \
                 the line before it hashes to {} (that line was changed, or a record was \
                 removed or moved)",
                short(p),
                short(&self.expect)
            )),
            None if self.started => Some(format!(
                "record {seq} has no link to the record before it (written by hand, or by a \
                 version without the chain)"
            )),
            None => None,
        };
        self.started |= prev.is_some();
        self.expect = hash_line(line);
        wrong
    }
}

/// The first 12 hex digits, enough to tell hashes apart on screen.
pub fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// What `verify` found in a timeline file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every record fits: how many, the head (the last line's hash), and
    /// the first record of the chain when older records predate it.
    Intact {
        records: u64,
        head: Hash,
        since: u64,
    },
    /// No record has a link: written before the chain existed.
    Predates { records: u64 },
    /// The first record that does not fit.
    Broken { seq: u64, line: usize, what: String },
}

/// Everything `verify` says about a file: the verdict, and a torn last
/// line (a write that never finished is not tampering).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub verdict: Verdict,
    pub torn: Option<usize>,
}

impl Report {
    /// One sentence a person reads: how the record stands.
    pub fn describe(&self) -> String {
        let torn = self
            .torn
            .map(|l| {
                format!(
                    " Line {l} is torn (a write that never finished, never acknowledged); it is not part of the record."
                )
            })
            .unwrap_or_default();
        match &self.verdict {
            Verdict::Intact {
                records,
                head,
                since,
            } => format!(
                "intact, {records} records, head {head}{}.{torn}",
                if *since > 1 {
                    format!(
                        " (records 1-{} predate the chain: they are held by record {since}'s link only)",
                        since - 1
                    )
                } else {
                    String::new()
                }
            ),
            Verdict::Predates { records } => format!(
                "{records} records written before the hash chain existed: they cannot be checked.{torn}"
            ),
            Verdict::Broken { seq, line, what } => {
                format!("NOT AS WRITTEN at record {seq} (line {line}): {what}.{torn}")
            }
        }
    }

    /// The facts an export carries.
    pub fn facts(&self) -> Facts {
        match &self.verdict {
            Verdict::Intact {
                records,
                head,
                since,
            } => Facts {
                chain: "intact",
                records: Some(*records),
                head: Some(head.clone()),
                since: Some(*since),
                broken_at: None,
                what: None,
            },
            Verdict::Predates { records } => Facts {
                chain: "predates",
                records: Some(*records),
                head: None,
                since: None,
                broken_at: None,
                what: None,
            },
            Verdict::Broken { seq, what, .. } => Facts {
                chain: "broken",
                records: None,
                head: None,
                since: None,
                broken_at: Some(*seq),
                what: Some(what.clone()),
            },
        }
    }
}

/// How the record stands, as an export says it (`record` in the JSON).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Facts {
    /// `intact`, `broken` or `predates`.
    pub chain: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<u64>,
    /// The last line's SHA-256: what a signature or a later check holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<Hash>,
    /// The first record with a link (1 unless older records predate it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_at: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what: Option<String>,
}

/// Checks a whole timeline file's chain. `bytes` are the file; `incident`
/// its id (the genesis). Records are read as the store reads them: a torn
/// last line is reported apart; a line that is not a record, or a sequence
/// number out of order, breaks the chain where it is.
pub fn verify(incident: &str, bytes: &[u8]) -> Report {
    let mut link = Link::new(incident);
    let mut records = 0u64;
    let mut last_seq = 0u64;
    let mut since = None;
    let mut torn = None;
    // The piece after the last newline is empty (and skipped) when the
    // file ends clean: only a file that does not has a last line to tear.
    let ends_clean = bytes.ends_with(b"\n");
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let n = lines.len();
    for (i, raw) in lines.into_iter().enumerate() {
        let line = i + 1;
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed: Result<LinkFields, _> = serde_json::from_slice(raw);
        let Ok(f) = parsed else {
            if i + 1 == n && !ends_clean {
                torn = Some(line);
                continue;
            }
            if is_torn(raw) {
                // A write that never finished, closed off by a later one:
                // it was never a record (the next one takes its number).
                continue;
            }
            return broken(
                last_seq + 1,
                line,
                "the line is not a record (damaged or edited)",
                torn,
            );
        };
        if f.seq != last_seq + 1 {
            let what = if f.seq <= last_seq {
                format!(
                    "record {} comes after record {last_seq} (records reordered or repeated)",
                    f.seq
                )
            } else {
                format!(
                    "record {} follows record {last_seq}: {} missing (removed)",
                    f.seq,
                    missing(last_seq, f.seq)
                )
            };
            return broken(f.seq, line, what, torn);
        }
        if f.prev.is_some() && since.is_none() {
            since = Some(f.seq);
        }
        if let Some(what) = link.next(f.seq, f.prev.as_deref(), raw) {
            return broken(f.seq, line, what, torn);
        }
        records += 1;
        last_seq = f.seq;
    }
    let verdict = match since {
        Some(since) => Verdict::Intact {
            records,
            head: link.expect,
            since,
        },
        None => Verdict::Predates { records },
    };
    Report { verdict, torn }
}

/// The records between `before` and `after` (both read): `record 3 is`,
/// `records 3-5 are`.
pub fn missing(before: u64, after: u64) -> String {
    if after == before + 2 {
        format!("record {} is", before + 1)
    } else {
        format!("records {}-{} are", before + 1, after.saturating_sub(1))
    }
}

fn broken(seq: u64, line: usize, what: impl Into<String>, torn: Option<usize>) -> Report {
    Report {
        verdict: Verdict::Broken {
            seq,
            line,
            what: what.into(),
        },
        torn,
    }
}

/// The two fields the chain needs, read from any record line (of any kind,
/// even one this version does not know).
#[derive(serde::Deserialize)]
struct LinkFields {
    seq: u64,
    #[serde(default)]
    prev: Option<String>,
}

/// A prefix of a JSON value (a write cut short), maybe followed by zeros.
fn is_torn(raw: &[u8]) -> bool {
    let end = raw.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    end == 0 || serde_json::from_slice::<serde_json::Value>(&raw[..end]).is_err_and(|e| e.is_eof())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(seq: u64, prev: &str, text: &str) -> String {
        format!(
            r#"{{"seq":{seq},"at":"2026-12-06T10:00:00.000Z","by":"a@h","kind":"note","text":"{text}","prev":"{prev}"}}"#
        )
    }

    fn chain(n: u64) -> Vec<String> {
        let mut out = Vec::new();
        let mut prev = genesis("inc-1");
        for seq in 1..=n {
            let l = line(seq, &prev, &format!("note {seq}"));
            prev = hash_line(l.as_bytes());
            out.push(l);
        }
        out
    }

    fn file(lines: &[String]) -> Vec<u8> {
        let mut b = lines.join("\n").into_bytes();
        b.push(b'\n');
        b
    }

    #[test]
    fn an_intact_chain_gives_its_head() {
        let l = chain(5);
        let r = verify("inc-1", &file(&l));
        assert_eq!(
            r.verdict,
            Verdict::Intact {
                records: 5,
                head: hash_line(l[4].as_bytes()),
                since: 1
            }
        );
        assert_eq!(r.torn, None);
    }

    #[test]
    fn another_incident_id_does_not_fit_the_first_record() {
        let r = verify("inc-2", &file(&chain(3)));
        assert!(
            matches!(
                r.verdict,
                Verdict::Broken {
                    seq: 1,
                    line: 1,
                    ..
                }
            ),
            "{r:?}"
        );
    }

    #[test]
    fn an_edited_record_breaks_the_chain_at_the_next() {
        let mut l = chain(5);
        l[2] = l[2].replace("note 3", "note 3, edited");
        let r = verify("inc-1", &file(&l));
        match r.verdict {
            Verdict::Broken { seq, line, what } => {
                assert_eq!((seq, line), (4, 4));
                assert!(what.contains("does not fit"), "{what}");
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn a_removed_record_and_a_reordered_one_are_named() {
        let mut l = chain(5);
        l.remove(2);
        match verify("inc-1", &file(&l)).verdict {
            Verdict::Broken { seq, line, what } => {
                assert_eq!((seq, line), (4, 3));
                assert!(what.contains("record 3 is missing"), "{what}");
            }
            v => panic!("{v:?}"),
        }
        let mut l = chain(5);
        l.swap(1, 2);
        match verify("inc-1", &file(&l)).verdict {
            Verdict::Broken { seq, line, what } => {
                assert_eq!((seq, line), (3, 2));
                assert!(
                    what.contains("missing") || what.contains("reordered"),
                    "{what}"
                );
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn a_torn_last_line_is_torn_not_tampering() {
        let l = chain(3);
        let mut b = file(&l);
        b.extend_from_slice(br#"{"seq":4,"at":"2026-12"#);
        let r = verify("inc-1", &b);
        assert_eq!(r.torn, Some(4));
        assert!(
            matches!(r.verdict, Verdict::Intact { records: 3, .. }),
            "{r:?}"
        );
    }

    #[test]
    fn a_timeline_from_before_the_chain_predates_it_and_may_start_one() {
        let old =
            r#"{"seq":1,"at":"2026-12-06T10:00:00.000Z","by":"a@h","kind":"note","text":"x"}"#;
        assert_eq!(
            verify("inc-1", format!("{old}\n").as_bytes()).verdict,
            Verdict::Predates { records: 1 }
        );
        // Continued by a version with the chain: it starts at record 2.
        let second = line(2, &hash_line(old.as_bytes()), "y");
        let r = verify("inc-1", format!("{old}\n{second}\n").as_bytes());
        assert!(
            matches!(
                r.verdict,
                Verdict::Intact {
                    records: 2,
                    since: 2,
                    ..
                }
            ),
            "{r:?}"
        );
        // Once started, a record without a link breaks it.
        let third =
            r#"{"seq":3,"at":"2026-12-06T10:00:00.000Z","by":"a@h","kind":"note","text":"z"}"#;
        let r = verify("inc-1", format!("{old}\n{second}\n{third}\n").as_bytes());
        assert!(matches!(r.verdict, Verdict::Broken { seq: 3, .. }), "{r:?}");
    }

    /// A torn line in the middle (a prefix of a record, or the zeros a
    /// crash leaves) that the next record replaces is no tampering; a line
    /// that is whole but no record (valid JSON without a `seq`, or not JSON
    /// at all) breaks the chain where it is, even with a torn last line
    /// after it (which would be read as torn if damage were).
    #[test]
    fn a_line_that_is_no_record_breaks_the_chain_and_a_torn_one_does_not() {
        let l = chain(3);
        for torn in [
            r#"{"seq":3,"at":"2026-12"#,
            "\0\0\0\0",
            "{\"seq\":3,\"by\":\"a@\"\0\0",
        ] {
            let mut b = file(&l[..2]);
            b.extend_from_slice(torn.as_bytes());
            b.push(b'\n');
            b.extend_from_slice(&file(&l[2..]));
            let r = verify("inc-1", &b);
            assert!(
                matches!(r.verdict, Verdict::Intact { records: 3, .. }),
                "{torn:?}: {r:?}"
            );
            assert_eq!(r.torn, None);
        }
        for bad in [
            r#"{"note":"written by hand"}"#,
            r#"{"seq":3, not json"#,
            "not json at all",
        ] {
            for tail in ["", r#"{"seq":4,"at":"2026"#] {
                let mut b = file(&l[..2]);
                b.extend_from_slice(bad.as_bytes());
                b.push(b'\n');
                b.extend_from_slice(tail.as_bytes());
                let r = verify("inc-1", &b);
                match &r.verdict {
                    Verdict::Broken { seq, line, what } => {
                        assert_eq!((*seq, *line), (3, 3), "{bad:?}");
                        assert!(what.contains("not a record"), "{what}");
                    }
                    v => panic!("{bad:?} then {tail:?}: {v:?}"),
                }
                assert_eq!(r.torn, None, "{bad:?}: the read stops at the break");
            }
        }
    }

    #[test]
    fn the_missing_records_are_named() {
        assert_eq!(missing(1, 3), "record 2 is");
        assert_eq!(missing(3, 5), "record 4 is");
        assert_eq!(missing(2, 4), "record 3 is");
        assert_eq!(missing(2, 5), "records 3-4 are");
        assert_eq!(missing(0, 7), "records 1-6 are");
    }

    /// What `verify` and the export say, in a person's words: the head in
    /// full when intact, the records that predate the chain, a break with
    /// its place and the two hashes (twelve digits each) that differ, a
    /// torn last line apart.
    #[test]
    fn the_report_says_how_the_record_stands() {
        assert_eq!(short("0123456789abcdef0123"), "0123456789ab");
        assert_eq!(short("abc"), "abc", "shorter than twelve: whole");
        let l = chain(3);
        let head = hash_line(l[2].as_bytes());
        let r = verify("inc-1", &file(&l));
        assert_eq!(r.describe(), format!("intact, 3 records, head {head}."));
        assert_eq!(
            r.facts(),
            Facts {
                chain: "intact",
                records: Some(3),
                head: Some(head.clone()),
                since: Some(1),
                broken_at: None,
                what: None,
            }
        );
        let late = Report {
            verdict: Verdict::Intact {
                records: 5,
                head: head.clone(),
                since: 3,
            },
            torn: Some(6),
        };
        assert_eq!(
            late.describe(),
            format!(
                "intact, 5 records, head {head} (records 1-2 predate the chain: they are held \
                 by record 3's link only). Line 6 is torn (a write that never finished, never \
                 acknowledged); it is not part of the record."
            )
        );
        let old = Report {
            verdict: Verdict::Predates { records: 4 },
            torn: None,
        };
        assert_eq!(
            old.describe(),
            "4 records written before the hash chain existed: they cannot be checked."
        );
        assert_eq!(old.facts().chain, "predates");
        assert_eq!(old.facts().records, Some(4));
        let mut l = chain(3);
        l[1] = l[1].replace("note 2", "note 2, edited");
        let r = verify("inc-1", &file(&l));
        let was = short(&hash_line(chain(3)[1].as_bytes())).to_string();
        let now = short(&hash_line(l[1].as_bytes())).to_string();
        assert_eq!(
            r.describe(),
            format!(
                "NOT AS WRITTEN at record 3 (line 3): record 3 does not fit the chain: it \
                 follows a line that hashed to {was}, the line before it hashes to {now} (that \
                 line was changed, or a record was removed or moved)."
            )
        );
        let f = r.facts();
        assert_eq!((f.chain, f.broken_at), ("broken", Some(3)));
        assert!(f.what.is_some_and(|w| w.contains(&was)));
    }

    #[test]
    fn the_hash_is_sha256_hex() {
        assert_eq!(
            hash_line(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
