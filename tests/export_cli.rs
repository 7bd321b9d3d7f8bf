//! `export` as a user runs it: the built binary against a state directory
//! written by a real `FileStore`; markdown and JSON, `-o` and its refusal
//! to overwrite, the default incident and the errors for unknown ones.

use chrono::{DateTime, TimeDelta, Utc};
use incident_cockpit::timeline::{Event, FileStore, Mark, Status, Store};
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_incident-cockpit");
const ID: &str = "20261122-130000-api-outage";

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T13:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + TimeDelta::seconds(secs)
}

fn declared(id: &str, source: &str) -> Event {
    Event::Declared {
        id: id.into(),
        title: "DICPS API: 5xx | everywhere".into(),
        severity: "P1".into(),
        status: Status::Investigating,
        ic: "ana@bastion".into(),
        playbook: "dicps".into(),
        procedure: "api-outage".into(),
        drill: false,
        source: Some(source.into()),
        scenario: None,
        watch: Default::default(),
    }
}

/// A resolved incident declared at 13:00 UTC, and an older one.
fn state_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut old = FileStore::create(dir.path(), "older").unwrap();
    old.append(t(-86_400), "bob@h", declared("older", "bundled:dicps.yaml"))
        .unwrap();

    let mut s = FileStore::create(dir.path(), ID).unwrap();
    let by = "ana@bastion";
    let events = [
        (0, declared(ID, "bundled:dicps.yaml")),
        (
            40,
            Event::StepChecked {
                step: "verify-outage".into(),
                title: "Verify the outage".into(),
                evidence: Vec::new(),
                reason: None,
            },
        ),
        (
            60,
            Event::CommandStarted {
                run: "r1".into(),
                step: "pod-status".into(),
                command: "kubectl get pods -n identity-platform | grep api".into(),
                argv: vec!["sh".into(), "-c".into(), "kubectl get pods".into()],
                risk: "read".into(),
                confirmation: "enter".into(),
                shell: true,
                drill: false,
                dry_run: false,
                approval: None,
            },
        ),
        (
            62,
            Event::CommandFinished {
                run: "r1".into(),
                outcome: "exit 0".into(),
                exit: Some(0),
                signal: None,
                duration_ms: 850,
                first_lines: vec![],
                last_lines: vec!["ok".into()],
                drill: false,
            },
        ),
        (
            120,
            Event::Note {
                text: "v2.4.1 rolled out at 12:58".into(),
            },
        ),
        (
            180,
            Event::Marked {
                mark: Mark::RootCauseIdentified.id().into(),
                text: "bad config in v2.4.1".into(),
                when: None,
            },
        ),
        (
            1800,
            Event::StatusChanged {
                from: Status::Investigating,
                to: Status::Resolved,
            },
        ),
    ];
    for (secs, ev) in events {
        s.append(t(secs), by, ev).unwrap();
    }
    dir
}

fn export(state: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("export")
        .args(args)
        .env("INCIDENT_COCKPIT_STATE_DIR", state)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn markdown_of_the_most_recent_incident_on_stdout() {
    let dir = state_dir();
    let (code, md, err) = export(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        md.starts_with("# Post-Incident Review: DICPS API: 5xx \\| everywhere\n"),
        "{md}"
    );
    assert!(md.contains(&format!("- Incident ID: {ID}\n")));
    assert!(md.contains("- Duration: 00:30\n"), "{md}");
    assert!(md.contains("- [13:03] - Root cause identified: bad config in v2.4.1\n"));
    assert!(md.contains("- Time to acknowledge: 00:00:40"));
    assert!(md.contains("- Steps done: 1 of 21\n"), "{md}");
    assert!(md.contains("| `kubectl get pods -n identity-platform \\| grep api` |"));
    assert!(md.contains("- 13:02:00 — ana@bastion: v2.4.1 rolled out at 12:58\n"));
    // The playbook's follow-ups, due from 13:30 on the 22nd.
    assert!(
        md.contains("| File incident report |  | 2026-11-23 |  |\n"),
        "{md}"
    );
    assert!(md.contains("| Update runbooks |  | 2026-11-29 |  |\n"));
    assert!(md.contains("| Test improvements |  | 2026-12-22 |  |\n"));
    // The same, by id.
    let (code, by_id, _) = export(dir.path(), &[ID, "--format", "markdown"]);
    assert_eq!(code, 0);
    assert_eq!(by_id, md);
    let (code, older, _) = export(dir.path(), &["older"]);
    assert_eq!(code, 0);
    assert!(older.contains("- Incident ID: older\n"));
}

#[test]
fn json_holds_the_facts_and_the_records() {
    let dir = state_dir();
    let (code, out, err) = export(dir.path(), &[ID, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["format"], "incident-cockpit.postmortem.v1");
    assert_eq!(v["incident"]["id"], ID);
    assert_eq!(v["incident"]["status"], "resolved");
    assert_eq!(v["incident"]["duration_seconds"], 1800);
    assert_eq!(v["metrics"]["time_to_acknowledge_seconds"], 40);
    assert_eq!(v["metrics"]["time_to_resolve_seconds"], 1800);
    assert!(v["metrics"]["time_to_detect_seconds"].is_null());
    // 15 steps and the API outage's 3 detection signs.
    assert_eq!(v["steps"]["total"], 21);
    assert_eq!(v["steps"]["detection"].as_array().unwrap().len(), 3);
    assert_eq!(
        v["steps"]["detection"][0]["step"],
        "detect-alertmanager-fires-apidown-alert"
    );
    assert!(v["steps"]["detection"][0]["confirmed_at"].is_null());
    assert_eq!(v["commands"][0]["outcome"], "exit 0");
    assert_eq!(v["notes"][0]["text"], "v2.4.1 rolled out at 12:58");
    assert_eq!(v["action_items"].as_array().unwrap().len(), 17);
    assert_eq!(v["action_items"][0]["due"], "2026-11-23T13:30:00.000Z");
    // The records exactly as the timeline holds them.
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(FileStore::path_for(dir.path(), ID))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    assert_eq!(v["records"], serde_json::Value::Array(lines));
}

#[test]
fn output_file_is_never_overwritten_without_force() {
    let dir = state_dir();
    let out = dir.path().join("pm.md");
    let o = out.to_str().unwrap();
    let (code, stdout, err) = export(dir.path(), &["-o", o]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    assert!(err.contains("pm.md"), "{err}");
    let (_, md, _) = export(dir.path(), &[]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), md);

    let (code, _, err) = export(dir.path(), &["--format", "json", "-o", o]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), md, "untouched");

    let (code, _, err) = export(dir.path(), &["--format", "json", "-o", o, "--force"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["incident"]["id"], ID);
}

#[test]
fn unknown_ids_and_empty_state_dirs_are_clear_errors() {
    let dir = state_dir();
    let (code, out, err) = export(dir.path(), &["nope"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains(&format!(
            "no incident \"nope\" under {}; known incidents, most recent first: {ID}, older",
            dir.path().display()
        )),
        "{err}"
    );

    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = export(empty.path(), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("no incident has been declared under"), "{err}");
    assert!(err.contains(&empty.path().display().to_string()), "{err}");
}

#[test]
fn a_playbook_that_cannot_be_loaded_leaves_out_the_follow_ups_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = FileStore::create(dir.path(), "gone").unwrap();
    s.append(
        t(0),
        "ana@h",
        declared("gone", "/nonexistent/playbook.yaml"),
    )
    .unwrap();
    let (code, md, err) = export(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning: the playbook /nonexistent/playbook.yaml could not be loaded"));
    assert!(md.contains("> **Export note:** the playbook /nonexistent/playbook.yaml"));
    assert!(md.contains("its post-incident follow-ups are not listed"));
    assert!(md.contains("- Duration: ongoing\n"));
    let (code, out, _) = export(dir.path(), &["--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["action_items"].is_null());
    assert!(
        v["warnings"][0]
            .as_str()
            .unwrap()
            .contains("could not be loaded")
    );
}

#[test]
fn a_drill_is_exported_by_id_as_its_after_action_report_never_by_default() {
    let dir = state_dir();
    let id = "drill-20261123-090000-api-outage";
    let mut d = FileStore::create_drill(dir.path(), id).unwrap();
    let by = "ana@bastion";
    let events = [
        (
            86_400,
            Event::Declared {
                id: id.into(),
                title: "DICPS API outage".into(),
                severity: "P0".into(),
                status: Status::Investigating,
                ic: "drill IC".into(),
                playbook: "dicps".into(),
                procedure: "api-outage".into(),
                drill: true,
                source: Some("bundled:dicps.yaml".into()),
                scenario: Some("api-outage".into()),
                watch: Default::default(),
            },
        ),
        (
            86_415,
            Event::InjectFired {
                inject: Some(0),
                drill_ms: 15_000,
                summary: "pod dicps-api-7d9f8b6c5-2xkqp: CrashLoopBackOff".into(),
                from: None,
                text: None,
            },
        ),
        (
            86_440,
            Event::StepChecked {
                step: "pod-status".into(),
                title: "Check pod status".into(),
                evidence: Vec::new(),
                reason: None,
            },
        ),
        (
            86_450,
            Event::Note {
                text: "v2.4.1 went out at 12:55".into(),
            },
        ),
        (
            86_460,
            Event::CommsSent {
                template: "status-page".into(),
                file: None,
                text: "We are investigating failed logins.".into(),
            },
        ),
    ];
    for (secs, ev) in events {
        d.append(t(secs), by, ev).unwrap();
    }
    // The newer drill is not the default: the incident is.
    let (code, md, _) = export(dir.path(), &[]);
    assert_eq!(code, 0);
    assert!(md.contains(&format!("- Incident ID: {ID}\n")), "{md}");
    let (code, md, err) = export(dir.path(), &[id]);
    assert_eq!(code, 0, "{err}");
    assert!(
        md.starts_with("# After-Action Report: [DRILL] DICPS API outage\n"),
        "{md}"
    );
    assert!(
        md.contains("| 1 | T+00:15 | 13:00:15 | pod dicps-api-7d9f8b6c5-2xkqp: CrashLoopBackOff | ticked Check pod status (ana@bastion) | 00:25 |"),
        "{md}"
    );
    assert!(md.contains("- Injects: 1 of 13 scripted fired"), "{md}");
    // A debrief: the notes, the communications as sent, the timeline.
    assert!(
        md.contains("## Notes\n\n- 13:00:50 — ana@bastion: v2.4.1 went out at 12:55\n"),
        "{md}"
    );
    assert!(
        md.contains("## Communications\n\n- 13:01:00 — ana@bastion: status-page\n"),
        "{md}"
    );
    assert!(
        md.contains("  We are investigating failed logins.\n"),
        "{md}"
    );
    assert!(md.contains("## Timeline\n"), "{md}");
    assert!(md.contains("### Full record\n"), "{md}");
    let (code, out, _) = export(dir.path(), &[id, "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["incident"]["drill"], true);
}

/// `export` run in `cwd` (where `-o` alone writes the report file).
fn export_in(state: &Path, cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("export")
        .args(args)
        .env("INCIDENT_COCKPIT_STATE_DIR", state)
        .env("TZ", "UTC")
        .current_dir(cwd)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn dash_o_alone_writes_the_incident_report_file_of_seed_002() {
    let dir = state_dir();
    let work = tempfile::tempdir().unwrap();
    let name = "incidents/2026-11-22-dicps-api-5xx-everywhere.md";
    let (code, stdout, err) = export_in(dir.path(), work.path(), &[ID, "-o"]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(err.contains(name), "{err}");
    let (_, md, _) = export(dir.path(), &[ID]);
    assert_eq!(
        std::fs::read_to_string(work.path().join(name)).unwrap(),
        md,
        "the folder made and the post-mortem in it"
    );
    // Never overwritten without --force.
    std::fs::write(work.path().join(name), "edited by hand").unwrap();
    let (code, _, err) = export_in(dir.path(), work.path(), &[ID, "-o"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(work.path().join(name)).unwrap(),
        "edited by hand"
    );
    let (code, _, err) = export_in(dir.path(), work.path(), &[ID, "-o", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(work.path().join(name)).unwrap(), md);
    // JSON goes beside it, and says the channel and the report file.
    let (code, _, err) = export_in(dir.path(), work.path(), &[ID, "--format", "json", "-o"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(work.path().join(name.replace(".md", ".json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(v["incident"]["channel"], "#incident-2026-11-22");
    assert_eq!(v["incident"]["report_file"], name);
}

#[test]
fn a_hostile_title_cannot_move_the_report_file() {
    let dir = tempfile::tempdir().unwrap();
    let id = "20261122-130000-hostile";
    let mut s = FileStore::create(dir.path(), id).unwrap();
    let mut d = declared(id, "bundled:dicps.yaml");
    if let Event::Declared { title, .. } = &mut d {
        *title = "../../etc/passwd\u{1b}[2J\u{7} Ünïcode /x".into();
    }
    s.append(t(0), "ana@bastion", d).unwrap();
    let work = tempfile::tempdir().unwrap();
    let (code, _, err) = export_in(dir.path(), work.path(), &[id, "-o"]);
    assert_eq!(code, 0, "{err}");
    let made: Vec<String> = std::fs::read_dir(work.path().join("incidents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(made, ["2026-11-22-etc-passwd-2j-n-code-x.md"]);
    assert!(!work.path().join("etc").exists());
    assert_eq!(
        std::fs::read_dir(work.path()).unwrap().count(),
        1,
        "only incidents/"
    );
}
