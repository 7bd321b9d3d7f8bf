//! `drill --from-incident`: a finished incident under a state directory
//! (written by a real `FileStore`) becomes a scenario file that loads as a
//! drill against its playbook.

use chrono::{DateTime, TimeDelta, Utc};
use incident_cockpit::timeline::{Event, FileStore, Status, Store};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_incident-cockpit");
const ID: &str = "20261122-130000-database-failure";

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T13:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + TimeDelta::seconds(secs)
}

fn state(resolved: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut s = FileStore::create(dir.path(), ID).unwrap();
    let mut events = vec![
        (
            0,
            Event::Declared {
                id: ID.into(),
                title: "RDS writer down".into(),
                severity: "P0".into(),
                status: Status::Investigating,
                ic: "ana@bastion".into(),
                playbook: "dicps".into(),
                procedure: "database-failure".into(),
                drill: false,
                source: Some("bundled:dicps.yaml".into()),
                scenario: None,
                watch: Default::default(),
            },
        ),
        (
            20,
            Event::AlertFiring {
                alertname: "DatabaseConnectionErrors".into(),
                fingerprint: String::new(),
                severity: "critical".into(),
                summary: "could not connect".into(),
                since: None,
            },
        ),
        (
            75,
            Event::PodChanged {
                pod: "dicps-api-7d9f8b6c5-2xkqp".into(),
                from: "Running".into(),
                to: "CrashLoopBackOff".into(),
            },
        ),
        (
            130,
            Event::Message {
                from: "Support".into(),
                text: "APAC customers cannot log in".into(),
            },
        ),
        (
            200,
            Event::CommandStarted {
                run: "r1".into(),
                step: "rds-status".into(),
                command: "aws rds describe-db-instances --db-instance-identifier dicps-production"
                    .into(),
                argv: vec![],
                risk: "read".into(),
                confirmation: "enter".into(),
                shell: false,
                drill: false,
                dry_run: false,
                approval: None,
            },
        ),
        (
            202,
            Event::CommandFinished {
                run: "r1".into(),
                outcome: "exit 0".into(),
                exit: Some(0),
                signal: None,
                duration_ms: 1500,
                first_lines: vec![
                    "{".into(),
                    "  \"DBInstanceStatus\": \"failed\"".into(),
                    "}".into(),
                ],
                last_lines: vec![
                    "{".into(),
                    "  \"DBInstanceStatus\": \"failed\"".into(),
                    "}".into(),
                ],
                drill: false,
            },
        ),
        (
            600,
            Event::AlertResolved {
                alertname: "DatabaseConnectionErrors".into(),
                fingerprint: String::new(),
            },
        ),
    ];
    if resolved {
        events.push((
            1500,
            Event::StatusChanged {
                from: Status::Investigating,
                to: Status::Resolved,
            },
        ));
    }
    for (secs, ev) in events {
        s.append(t(secs), "ana@bastion", ev).unwrap();
    }
    dir
}

fn run(state: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(["--state-dir", state.to_str().unwrap(), "drill"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_finished_incident_becomes_a_scenario_that_loads_as_a_drill() {
    let dir = state(true);
    let file = dir.path().join("replay.yaml");
    let f = file.to_str().unwrap();
    let (code, out, err) = run(dir.path(), &["--from-incident", ID, "-o", f]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("(4 injects)"), "{err}");
    let (scenario, pb, _) = incident_cockpit::session::resolve_drill(Some(f), None)
        .unwrap_or_else(|e| panic!("{e}\n{}", std::fs::read_to_string(&file).unwrap()));
    assert_eq!(pb.name.value, "dicps");
    assert_eq!(scenario.procedure.value, "database-failure");
    let at: Vec<String> = scenario
        .timed_injects()
        .iter()
        .map(|i| i.at.value.clone())
        .collect();
    assert_eq!(at, ["20s", "1m15s", "2m10s", "10m"]);
    assert_eq!(scenario.pods[0].name, "dicps-api-7d9f8b6c5-2xkqp");
    // Never overwritten; on stdout without -o.
    let (code, _, err) = run(dir.path(), &["--from-incident", ID, "-o", f]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    let (code, out, _) = run(dir.path(), &["--from-incident", ID]);
    assert_eq!(code, 0);
    assert_eq!(out, std::fs::read_to_string(&file).unwrap());
}

#[test]
fn an_open_incident_or_an_unknown_id_is_refused() {
    let dir = state(false);
    let (code, _, err) = run(dir.path(), &["--from-incident", ID]);
    assert_eq!(code, 2);
    assert!(err.contains("still open"), "{err}");
    let (code, _, err) = run(dir.path(), &["--from-incident", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("no incident \"nope\""), "{err}");
}
