//! The config file as a user meets it: `config defaults` is a valid file,
//! `config check` places problems, and the cockpit refuses a bad one (or a
//! bad layout) before touching the terminal.

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

#[test]
fn defaults_round_trip_and_problems_are_placed() {
    let dir = tempfile::tempdir().unwrap();
    let (code, defaults, _) = run(&["config", "defaults"]);
    assert_eq!(code, 0);
    assert!(defaults.contains("  note: [\"n\"]"), "{defaults}");
    let good = dir.path().join("good.yaml");
    std::fs::write(&good, &defaults).unwrap();
    let (code, out, err) = run(&["--config", good.to_str().unwrap(), "config", "check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(": ok"), "{out}");

    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "theme: dark\nkeys:\n  quit: [Q]\n  not_an_action: [x]\n",
    )
    .unwrap();
    let (code, _, err) = run(&["--config", bad.to_str().unwrap(), "config", "check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "{}:4:3: unknown action \"not_an_action\"",
            bad.display()
        )),
        "{err}"
    );

    let (code, _, err) = run(&[
        "--config",
        bad.to_str().unwrap(),
        "--state-dir",
        dir.path().to_str().unwrap(),
        "drill",
    ]);
    assert_eq!(code, 2, "the cockpit refuses a bad config: {err}");
    assert!(err.contains("unknown action"), "{err}");
}

#[test]
fn a_bad_layout_file_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("mine.yaml");
    std::fs::write(&layout, "name: mine\nroot:\n  rows:\n    - {pane: header, size: 2}\n    - {pane: checklst, size: fill}\n").unwrap();
    let (code, _, err) = run(&[
        "--layout",
        layout.to_str().unwrap(),
        "--state-dir",
        dir.path().to_str().unwrap(),
        "drill",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "{}:5:14: \"pane\" in node is \"checklst\"",
            layout.display()
        )),
        "{err}"
    );
    let (code, _, err) = run(&[
        "--layout",
        "nope",
        "--state-dir",
        dir.path().to_str().unwrap(),
        "drill",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("not a bundled layout (default, split, compact, wallboard, facilitator)"),
        "{err}"
    );
}
