//! End to end: several seats on one incident, scripts' notes, viewers, and
//! kill -9 followed by resume.

use crate::common;

use common::{BIN, Tmux, read_records, timelines_in};
use std::process::Command;

fn seat(state: &std::path::Path, args: &str) -> Tmux {
    Tmux::start_in(tempfile::tempdir().unwrap(), state, 100, 30, args)
}

#[test]
fn seats_see_each_others_records_and_script_notes() {
    let shared = tempfile::tempdir().unwrap();
    let state = shared.path().join("state");
    let a = seat(&state, "drill");
    a.wait_for("seat a", |s| s.contains("DRILL"));
    // `list --drills` shows it (plain `list` shows incidents only); `join`
    // opens it by its id.
    let list = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(["--state-dir", state.to_str().unwrap(), "list"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let listed = list(&[]);
    assert!(!listed.contains("DRILL"), "{listed}");
    let listed = list(&["--drills"]);
    assert!(listed.contains("[DRILL] DICPS API outage"), "{listed}");
    let id = listed
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert!(id.starts_with("drill-"), "{listed}");
    let b = seat(&state, &format!("join {id}"));
    b.wait_for("seat b", |s| s.contains("DRILL") && s.contains("Checklist"));

    a.keys(&["Space"]);
    b.wait_for("a's tick on b", |s| s.contains("[x] Verify the outage"));
    b.keys(&["j", "Space"]);
    a.wait_for("b's tick on a", |s| s.contains("[x] Check pod status"));
    let out = Command::new(BIN)
        .args([
            "--state-dir",
            state.to_str().unwrap(),
            "note",
            &id,
            "deploy",
            "hook:",
            "v2.4.0",
            "rolled",
            "out",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    a.wait_for("the script's note on a", |s| {
        s.contains("deploy hook: v2.4.0 rolled out")
    });
    b.wait_for("the script's note on b", |s| {
        s.contains("deploy hook: v2.4.0 rolled out")
    });

    // A viewer sees it all and records nothing.
    let v = seat(&state, &format!("join --viewer {id}"));
    v.wait_for("the viewer", |s| s.contains("[x] Check pod status"));
    v.keys(&["j", "j", "Space"]);
    v.wait_for("the refusal", |s| s.contains("Viewer seat"));

    // The drill's pod crashes at T+15s: every seat sees it before quitting,
    // so the count below is of a crash that happened.
    for t in [&a, &b, &v] {
        t.wait_for("the scripted crash", |s| s.contains("CrashLoop"));
    }
    for t in [&a, &b, &v] {
        t.keys(&["C-c"]);
        assert_eq!(t.wait_exit(), "0");
    }
    assert!(
        !state.join("incidents").exists(),
        "a drill is not an incident"
    );
    let recs = read_records(&timelines_in(&state.join("drills"))[0]);
    let seqs: Vec<u64> = recs.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=recs.len() as u64).collect::<Vec<_>>(),
        "gap-free"
    );
    let ticks = recs.iter().filter(|r| r["kind"] == "step_checked").count();
    assert_eq!(ticks, 2, "the viewer recorded nothing");
    // The drill's script was recorded by the seat running it only, once.
    let crash = recs
        .iter()
        .filter(|r| r["kind"] == "pod_changed" && r["to"] == "CrashLoopBackOff")
        .count();
    assert_eq!(crash, 1, "recorded {crash} times");
}

#[test]
fn kill_9_then_resume_rebuilds_the_exact_state() {
    let t = Tmux::start(100, 30, "drill");
    t.wait_for("the drill", |s| s.contains("DRILL"));
    for _ in 0..4 {
        t.keys(&["Space", "j"]);
    }
    t.wait_for("four ticks", |s| s.contains("4/21"));
    let pid = t.pid();
    assert!(
        Command::new("kill")
            .args(["-9", &pid])
            .status()
            .expect("kill is needed: apt-get install procps (scripts/test installs it)")
            .success()
    );
    assert_eq!(t.wait_exit(), "137", "killed by SIGKILL");
    let path = t.timelines()[0].clone();
    let before = read_records(&path);
    // A torn line as a power cut would leave it.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .map(|mut f| std::io::Write::write_all(&mut f, br#"{"seq":99,"at":"2026-"#))
        .unwrap()
        .unwrap();

    let id = path
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let r = Tmux::start_in(
        tempfile::tempdir().unwrap(),
        &t.state,
        100,
        30,
        &format!("resume {id}"),
    );
    // The torn line is reported (waited for with the rest of the frame).
    r.wait_for("the resumed drill saying its torn line", |s| {
        s.contains("4/21") && s.contains("torn last line")
    });
    r.keys(&["j", "j", "j", "j", "Space"]);
    r.wait_for("a fifth tick", |s| s.contains("5/21"));
    r.keys(&["C-c"]);
    assert_eq!(r.wait_exit(), "0");
    let after = std::fs::read_to_string(&path).unwrap();
    let good: Vec<serde_json::Value> = after
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(
        &good[..before.len()],
        &before[..],
        "no earlier record changed or lost"
    );
    assert_eq!(
        good.last().unwrap()["seq"].as_u64().unwrap(),
        before.len() as u64 + 1,
        "seq continues"
    );
}
