//! `playbook lint`, `schema` and `show` as a user runs them, and every
//! shipped playbook validated against the published schema by an
//! independent JSON Schema implementation.

use incident_cockpit::playbook::load::BUNDLED;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_incident-cockpit");

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn schema_json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("the schema is JSON")
}

#[test]
fn every_shipped_playbook_and_policy_validates_against_the_schema() {
    let playbook = jsonschema::validator_for(&schema_json(&["playbook", "schema"])).unwrap();
    let policy =
        jsonschema::validator_for(&schema_json(&["playbook", "schema", "--policy"])).unwrap();
    let mut checked = 0;
    for (name, text) in BUNDLED {
        let doc: serde_json::Value = serde_saphyr::from_str(text).unwrap();
        let v = if name.starts_with("policy/") {
            &policy
        } else {
            &playbook
        };
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        checked += 1;
    }
    assert!(checked >= 2);
    // The schema can fail: an unknown field and a wrong type are caught.
    let bad: serde_json::Value =
        serde_saphyr::from_str("name: x\ntitle: y\nbogus: 1\nprocedures: 3\n").unwrap();
    let errs: Vec<String> = playbook.iter_errors(&bad).map(|e| e.to_string()).collect();
    assert!(errs.iter().any(|e| e.contains("bogus")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("3")), "{errs:?}");
}

#[test]
fn lint_reports_every_problem_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "name: x\ntitle: y\nprocedures:\n  - id: a\n    name: A\n    severity: P7\n    phases:\n      - id: p\n        name: P\n        timebox: 5 fortnights\n        steps:\n          - id: s\n            title: S\n            command: {run: kubectl delete pod <pod>, risk: read}\n",
    )
    .unwrap();
    let good = dir.path().join("good.yaml");
    std::fs::write(
        &good,
        "name: g\ntitle: G\nprocedures:\n  - id: a\n    name: A\n    phases:\n      - id: p\n        name: P\n        steps:\n          - {id: s, title: S}\n",
    )
    .unwrap();
    let (code, out, err) = run(&[
        "playbook",
        "lint",
        bad.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let b = bad.display().to_string();
    assert!(
        out.contains(&format!("{b}:6:15: unknown severity \"P7\"")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{b}:10:18: bad time box \"5 fortnights\"")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "{b}:14:28: placeholder <pod> is used but not declared"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("{b}:14:60: risk \"read\" is lower")),
        "{out}"
    );
    assert!(out.contains(&format!("{}: ok", good.display())), "{out}");
    // In the order they stand in the file.
    let pos = |needle: &str| out.find(needle).unwrap();
    assert!(pos("14:28:") < pos("14:60:"), "{out}");
    assert!(err.contains("1 of 2 files have problems"), "{err}");

    let (code, out, _) = run(&["playbook", "lint", good.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn lint_and_show_take_bundled_names() {
    let (code, out, _) = run(&["playbook", "lint", "dicps"]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run(&["playbook", "show", "dicps"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Procedure api-outage: API Outage [P0]"),
        "{out}"
    );
    assert!(
        out.contains("$ kubectl delete pod -n identity-platform -l app=dicps-api"),
        "{out}"
    );
    assert!(out.contains("risk: destructive"), "{out}");
    // The detection signs are checklist items of a Detection phase,
    // before the procedure's own phases.
    assert!(
        out.contains("Procedure api-outage: API Outage [P0]\n  Detection\n    [ ] Alertmanager fires `APIDown` alert  (detect-alertmanager-fires-apidown-alert)\n"),
        "{out}"
    );
    // Who to call: roles' primary and backup with their contacts, the
    // contacts, the SOC 2 obligation at P0/P1 only, and each step's owner.
    assert!(
        out.contains("  Incident Commander (ic): On-call SRE Lead / backup Engineering Manager\n    Primary: +1-XXX-XXX-XXXX (PagerDuty)\n"),
        "{out}"
    );
    assert!(
        out.contains("\n  Executive Escalation: CEO: +1-XXX-XXX-XXXX, ceo@dicps.example.com\n"),
        "{out}"
    );
    assert!(
        out.contains("  SOC 2 incident logging (all P0/P1): no time limit given (at P0, P1)\n"),
        "{out}"
    );
    let (_, zkp, _) = run(&["playbook", "show", "zkp-ledger"]);
    assert!(
        zkp.contains("    [ ] Communicate  (communicate)  owner: Communications Lead\n"),
        "{zkp}"
    );
    // Which procedures go with which.
    assert!(
        zkp.contains("Procedure data-corruption: Data Corruption")
            && zkp.contains(
                "  with: initial-response, technical-investigation, service-recovery (one checklist)\n"
            ),
        "{zkp}"
    );
    let (code, _, err) = run(&["playbook", "show", "nope"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("not a bundled playbook (bundled: dicps.yaml"),
        "{err}"
    );
}

#[test]
fn the_cockpit_refuses_an_invalid_playbook_with_the_same_messages() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "name: x\ntitle: y\nprocedures:\n  - id: api-outage\n    name: A\n    phases:\n      - id: p\n        name: P\n        steps:\n          - {id: s, title: S, role: nobody}\n",
    )
    .unwrap();
    let (_, lint_out, _) = run(&["playbook", "lint", bad.to_str().unwrap()]);
    let out = Command::new(BIN)
        .args(["drill", "--playbook", bad.to_str().unwrap()])
        .env("INCIDENT_COCKPIT_STATE_DIR", dir.path().join("state"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let msg = lint_out.lines().next().unwrap();
    assert!(msg.contains("unknown role \"nobody\""), "{lint_out}");
    assert!(err.contains(msg), "drill says: {err}\nlint says: {msg}");
}

#[test]
fn lint_places_verify_problems_and_checks_they_refer_to_what_is_watched() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("verify.yaml");
    std::fs::write(
        &bad,
        "name: v
title: V
watch:
  namespace: ns
  selector: app=api
procedures:
  - id: a
    name: A
    phases:
      - id: p
        name: P
        steps:
          - id: s
            title: S
            verify:
              - {pods: app=web, for: 2m}
              - {alert: APIDown}
              - {figure: latency, below: 1}
              - {http: \"ftp://x/\"}
              - {rollout: job/x}
              - {pods: app=api, for: soon}
              - {pods: app=api, alert: X}
          - id: t
            title: T
            verify:
              - {pods: app=api, ready: 2, for: 1m}
              - {rollout: deployment/api}
              - {figure: cpu, below: 80}
              - {http: \"http://127.0.0.1:1/health\", timeout: 2s}
",
    )
    .unwrap();
    let (code, out, err) = run(&["playbook", "lint", bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    let b = bad.display().to_string();
    for want in [
        "16:24: verify pods: selector \"app=web\" reaches beyond the watched pods (\"app=api\"): add app=api",
        "17:25: verify alert: the playbook watches no alerts",
        "18:26: verify figure: \"latency\" is not a figure the playbook watches",
        "19:24: verify http: bad URL \"ftp://x/\": the scheme must be http or https",
        "20:27: verify rollout: \"job/x\" (expected deployment/NAME or statefulset/NAME)",
        "21:38: verify for: bad duration",
        "22:24: a verify condition needs exactly one of pods, rollout, alert, figure, http (found 2)",
    ] {
        assert!(out.contains(&format!("{b}:{want}")), "{want}\n{out}");
    }
    // Step t's conditions are all fine.
    assert_eq!(out.lines().filter(|l| l.contains(&b)).count(), 7, "{out}");
}
