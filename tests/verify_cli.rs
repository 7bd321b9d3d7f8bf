//! `verify` and `export --sign` as a user runs them: the built binary on a
//! timeline a real `FileStore` wrote, then edited, reordered, cut and torn
//! by hand; a signed export checked with the system's ssh-keygen, and the
//! same export changed after signing refused.

use chrono::{DateTime, TimeDelta, Utc};
use incident_cockpit::timeline::{Event, FileStore, Status, Store};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_incident-cockpit");
const ID: &str = "20261206-090000-db-failover";

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-06T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + TimeDelta::seconds(secs)
}

/// An incident of six records; the path of its timeline.
fn incident(dir: &Path) -> PathBuf {
    let mut s = FileStore::create(dir, ID).unwrap();
    s.append(
        t(0),
        "ana@bastion",
        Event::Declared {
            id: ID.into(),
            title: "Primary database down".into(),
            severity: "P1".into(),
            status: Status::Investigating,
            ic: "ana@bastion".into(),
            playbook: "dicps".into(),
            procedure: "database-failure".into(),
            drill: false,
            source: Some("bundled:dicps.yaml".into()),
            scenario: None,
            watch: Default::default(),
        },
    )
    .unwrap();
    for i in 1..=5 {
        s.append(
            t(i * 60),
            "bob@bastion",
            Event::Note {
                text: format!("note {i}"),
            },
        )
        .unwrap();
    }
    FileStore::path_for(dir, ID)
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(state: &Path, args: &[&str]) -> Out {
    let o = Command::new(BIN)
        .arg("--state-dir")
        .arg(state)
        .args(args)
        .env("HOME", state)
        .output()
        .unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn write(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn an_intact_timeline_gives_its_head_and_the_export_carries_it() {
    let dir = tempfile::tempdir().unwrap();
    incident(dir.path());
    let v = run(dir.path(), &["verify", ID]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains("intact, 6 records, head "),
        "{}",
        v.stdout
    );
    let head = v
        .stdout
        .split("head ")
        .nth(1)
        .unwrap()
        .trim()
        .trim_end_matches('.')
        .to_string();
    assert_eq!(head.len(), 64, "{head}");
    // The default is the most recent incident.
    assert_eq!(run(dir.path(), &["verify"]).code, 0);
    let md = run(dir.path(), &["export", ID]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(md.stdout.contains("## The record"), "{}", md.stdout);
    assert!(
        md.stdout.contains(&format!("Head: `{head}`")),
        "{}",
        md.stdout
    );
    let json = run(dir.path(), &["export", ID, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["record"]["chain"], "intact");
    assert_eq!(v["record"]["head"], head.as_str());
}

#[test]
fn an_edited_record_is_found_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = incident(dir.path());
    let mut l = lines(&path);
    l[2] = l[2].replace("note 2", "note 2 (nothing happened)");
    write(&path, &l);
    let v = run(dir.path(), &["verify", ID]);
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains("NOT AS WRITTEN at record 4 (line 4)"),
        "{}",
        v.stdout
    );
    let md = run(dir.path(), &["export", ID]);
    assert!(
        md.stdout
            .contains("**The timeline is not as it was written:**"),
        "{}",
        md.stdout
    );
}

#[test]
fn a_reordered_and_a_removed_record_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = incident(dir.path());
    let orig = lines(&path);
    let mut l = orig.clone();
    l.swap(3, 4);
    write(&path, &l);
    let v = run(dir.path(), &["verify", ID]);
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(v.stdout.contains("at record 5 (line 4)"), "{}", v.stdout);

    let mut l = orig.clone();
    l.remove(3);
    write(&path, &l);
    let v = run(dir.path(), &["verify", ID]);
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(
        v.stdout.contains("record 4 is missing (removed)"),
        "{}",
        v.stdout
    );
}

#[test]
fn a_torn_last_line_is_torn_not_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let path = incident(dir.path());
    let mut b = std::fs::read(&path).unwrap();
    b.extend_from_slice(br#"{"seq":7,"at":"2026-12-06T09:"#);
    std::fs::write(&path, b).unwrap();
    let v = run(dir.path(), &["verify", ID]);
    assert_eq!(v.code, 0, "{}", v.stdout);
    assert!(v.stdout.contains("intact, 6 records"), "{}", v.stdout);
    assert!(v.stdout.contains("Line 7 is torn"), "{}", v.stdout);
}

#[test]
fn a_timeline_from_before_the_chain_opens_exports_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = incident(dir.path());
    // What an older version wrote: the same records without links.
    let old: Vec<String> = lines(&path)
        .iter()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("prev");
            v.to_string()
        })
        .collect();
    write(&path, &old);
    let v = run(dir.path(), &["verify", ID]);
    assert_eq!(v.code, 3, "{}", v.stdout);
    assert!(
        v.stdout.contains("written before the hash chain"),
        "{}",
        v.stdout
    );
    let md = run(dir.path(), &["export", ID]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(md.stdout.contains("written before the hash chain"));
    // A note from this version continues it with a link: intact from there.
    let n = run(dir.path(), &["note", ID, "after", "the", "upgrade"]);
    assert_eq!(n.code, 0, "{}", n.stderr);
    let v = run(dir.path(), &["verify", ID]);
    assert_eq!(v.code, 0, "{}", v.stdout);
    assert!(
        v.stdout.contains("records 1-6 predate the chain"),
        "{}",
        v.stdout
    );
}

#[test]
fn verify_of_an_unknown_incident_says_which_exist() {
    let dir = tempfile::tempdir().unwrap();
    incident(dir.path());
    let v = run(dir.path(), &["verify", "nope"]);
    assert_eq!(v.code, 2, "{}{}", v.stdout, v.stderr);
    assert!(v.stderr.contains(ID), "{}", v.stderr);
}

fn keygen(dir: &Path, name: &str, who: &str) -> PathBuf {
    let key = dir.join(name);
    let s = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", who, "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen is needed (apt-get install openssh-client)");
    assert!(s.success());
    key
}

fn allowed(dir: &Path, who: &str, key: &Path) -> PathBuf {
    let pubkey = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let mut parts = pubkey.split_whitespace();
    let line = format!(
        "{who} {} {}\n",
        parts.next().unwrap(),
        parts.next().unwrap()
    );
    let path = dir.join(format!("allowed-{who}"));
    std::fs::write(&path, line).unwrap();
    path
}

#[test]
fn a_signed_export_verifies_and_a_changed_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    incident(dir.path());
    let keys = tempfile::tempdir().unwrap();
    let ana = keygen(keys.path(), "ana", "ana@example.org");
    let mallory = keygen(keys.path(), "mallory", "mallory@example.org");
    let trusted = allowed(keys.path(), "ana@example.org", &ana);
    let pm = dir.path().join("pm.md");
    let pm_s = pm.display().to_string();

    let e = run(
        dir.path(),
        &[
            "export",
            ID,
            "-o",
            &pm_s,
            "--sign",
            "--key",
            &ana.display().to_string(),
        ],
    );
    assert_eq!(e.code, 0, "{}", e.stderr);
    let sig = format!("{pm_s}.sig");
    assert!(Path::new(&sig).is_file(), "{}", e.stderr);
    let args = ["verify", "--signature", &sig, "--allowed-signers"];
    let ok = run(
        dir.path(),
        &[&args[..], &[trusted.to_str().unwrap()]].concat(),
    );
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout.contains("Good signature") && ok.stdout.contains("ana@example.org"),
        "{}",
        ok.stdout
    );

    // One word changed after signing.
    let text = std::fs::read_to_string(&pm).unwrap();
    std::fs::write(&pm, text.replacen("note 2", "note 9", 1)).unwrap();
    let bad = run(
        dir.path(),
        &[&args[..], &[trusted.to_str().unwrap()]].concat(),
    );
    assert_eq!(bad.code, 1, "{}{}", bad.stdout, bad.stderr);
    assert!(bad.stdout.starts_with("BAD:"), "{}", bad.stdout);

    // Signed by someone not trusted.
    let e = run(
        dir.path(),
        &[
            "export",
            ID,
            "-o",
            &pm_s,
            "--force",
            "--sign",
            "--key",
            &mallory.display().to_string(),
        ],
    );
    assert_eq!(e.code, 0, "{}", e.stderr);
    let stranger = run(
        dir.path(),
        &[&args[..], &[trusted.to_str().unwrap()]].concat(),
    );
    assert_eq!(stranger.code, 1, "{}", stranger.stdout);
    assert!(
        stranger.stdout.contains("not signed by anyone"),
        "{}",
        stranger.stdout
    );
}

#[test]
fn signing_without_a_key_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    incident(dir.path());
    let pm = dir.path().join("pm.md");
    let e = run(
        dir.path(),
        &["export", ID, "-o", pm.to_str().unwrap(), "--sign"],
    );
    assert_ne!(e.code, 0);
    assert!(e.stderr.contains("no SSH key to sign with"), "{}", e.stderr);
    assert!(e.stderr.contains("--key"), "{}", e.stderr);
}
