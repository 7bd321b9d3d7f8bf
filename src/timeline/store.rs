//! The durable log. One small interface (`Store`: append, read from a
//! sequence number) so that another backend can share an incident later.
//! `FileStore` keeps `incidents/<id>/timeline.jsonl` under the state
//! directory; every append is written with one `write` on an `O_APPEND` file
//! and fsynced before it is acknowledged.

use super::record::{Event, Record, at_millis};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub trait Store: Send {
    /// Appends one record and makes it durable before returning it.
    fn append(&mut self, at: DateTime<Utc>, by: &str, event: Event) -> Result<Record>;
    /// Every readable record with `seq >= from`, and warnings about lines
    /// that could not be read (a torn last line after a crash, say).
    fn read_from(&self, from: u64) -> Result<ReadOutcome>;
}

#[derive(Debug, Default)]
pub struct ReadOutcome {
    pub records: Vec<Record>,
    pub warnings: Vec<String>,
}

pub struct FileStore {
    path: PathBuf,
    file: File,
    next_seq: u64,
}

impl FileStore {
    /// Where an incident's log lives under a state directory.
    pub fn path_for(state_dir: &Path, id: &str) -> PathBuf {
        state_dir.join("incidents").join(id).join("timeline.jsonl")
    }

    /// Creates a new, empty incident log; fails if the incident exists.
    pub fn create(state_dir: &Path, id: &str) -> Result<Self> {
        let path = Self::path_for(state_dir, id);
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
        // Make the new directory entry itself durable.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(Self {
            path,
            file,
            next_seq: 1,
        })
    }

    /// Opens an existing log for appending; returns it with what it holds.
    pub fn open(path: &Path) -> Result<(Self, ReadOutcome)> {
        let mut file = OpenOptions::new()
            .append(true)
            .read(true)
            .open(path)
            .with_context(|| format!("cannot open the timeline {}", path.display()))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", path.display()))?;
        // A torn last line (no newline) is closed off so the next record
        // starts on a line of its own; the torn bytes stay, never rewritten.
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            file.write_all(b"\n")?;
            file.sync_data()?;
        }
        let outcome = parse(path, &bytes);
        let next_seq = outcome.records.last().map_or(1, |r| r.seq + 1);
        Ok((
            Self {
                path: path.to_path_buf(),
                file,
                next_seq,
            },
            outcome,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Store for FileStore {
    fn append(&mut self, at: DateTime<Utc>, by: &str, event: Event) -> Result<Record> {
        let rec = Record {
            seq: self.next_seq,
            at: at_millis(at),
            by: by.to_string(),
            event,
        };
        let mut line = serde_json::to_vec(&rec)?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .with_context(|| format!("cannot write to {}", self.path.display()))?;
        self.file
            .sync_data()
            .with_context(|| format!("cannot fsync {}", self.path.display()))?;
        self.next_seq += 1;
        Ok(rec)
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

/// Parses log bytes. Never fails: a line that cannot be read is reported
/// with its place and skipped; every other line is kept.
pub fn parse(path: &Path, bytes: &[u8]) -> ReadOutcome {
    let mut out = ReadOutcome::default();
    let ends_clean = bytes.ends_with(b"\n");
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let n = lines.len();
    for (i, raw) in lines.into_iter().enumerate() {
        let last = i + 1 == n;
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Record>(raw) {
            Ok(rec) => {
                if let Some(prev) = out.records.last()
                    && rec.seq <= prev.seq
                {
                    out.warnings.push(format!(
                        "{}:{}: record seq {} does not follow seq {}; skipped",
                        path.display(),
                        i + 1,
                        rec.seq,
                        prev.seq
                    ));
                    continue;
                }
                out.records.push(rec);
            }
            Err(e) => {
                let what = if last && !ends_clean {
                    "torn last line (the cockpit was stopped mid-write)"
                } else {
                    "unreadable line"
                };
                out.warnings.push(format!(
                    "{}:{}:{}: {what}: {e}; skipped",
                    path.display(),
                    i + 1,
                    e.column()
                ));
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
    use crate::timeline::record::Status;

    fn declared() -> Event {
        Event::Declared {
            id: "x".into(),
            title: "t".into(),
            severity: "P0".into(),
            status: Status::Investigating,
            ic: "ana".into(),
            playbook: "dicps".into(),
            procedure: "api-outage".into(),
            drill: true,
            source: None,
            scenario: None,
            watch: Default::default(),
        }
    }

    #[test]
    fn append_then_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::create(dir.path(), "inc-1").unwrap();
        let a = s.append(Utc::now(), "ana@h", declared()).unwrap();
        let b = s
            .append(Utc::now(), "ana@h", Event::Note { text: "hi".into() })
            .unwrap();
        assert_eq!((a.seq, b.seq), (1, 2));
        let back = s.read_from(1).unwrap();
        assert_eq!(back.records, vec![a, b.clone()]);
        assert!(back.warnings.is_empty());
        assert_eq!(s.read_from(2).unwrap().records, vec![b]);
    }

    #[test]
    fn create_refuses_an_existing_incident() {
        let dir = tempfile::tempdir().unwrap();
        FileStore::create(dir.path(), "inc-1").unwrap();
        assert!(FileStore::create(dir.path(), "inc-1").is_err());
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
        let next = s
            .append(Utc::now(), "a@h", Event::Note { text: "two".into() })
            .unwrap();
        assert_eq!(next.seq, 3);
        let again = s.read_from(1).unwrap();
        assert_eq!(again.records.len(), 3);
        assert_eq!(again.records[2].event, Event::Note { text: "two".into() });
        assert!(again.warnings[0].contains("unreadable line"));
    }

    #[test]
    fn ids_must_be_safe_names() {
        assert!(validate_id("drill-20261122-132131").is_ok());
        assert!(validate_id("../etc").is_err());
        assert!(validate_id("a/b").is_err());
        assert!(validate_id("").is_err());
    }
}
