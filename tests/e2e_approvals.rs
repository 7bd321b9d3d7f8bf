//! End to end: the two-person rule with two seats of two different OS
//! users on one bastion (the test runs as root and makes a second user,
//! `icapprover`, if it is missing). A proposal that lapses; a seat of the
//! proposer's own OS user (calling itself someone else with `$USER`) that
//! cannot approve; an approval voided by a parameter change; an approval
//! used once, by the proposer's seat, and the command really run once.

use crate::common;

use common::{BIN, Tmux, read_records};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const APPROVER: &str = "icapprover";

/// The second OS user, made if missing. `None` (with why) when it cannot
/// be: not root, or no useradd.
fn second_user() -> Result<u32, String> {
    let uid = |name: &str| -> Option<u32> {
        let out = Command::new("id").args(["-u", name]).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
            .flatten()
    };
    if let Some(u) = uid(APPROVER) {
        return Ok(u);
    }
    let me = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| format!("cannot run id: {e}"))?;
    if String::from_utf8_lossy(&me.stdout).trim() != "0" {
        return Err(format!(
            "not root, and there is no user {APPROVER:?}: run as root, or `sudo useradd -M -s /bin/sh {APPROVER}` first"
        ));
    }
    let made = Command::new("useradd")
        .args(["--no-create-home", "--shell", "/bin/sh", APPROVER])
        .output()
        .map_err(|e| format!("cannot run useradd ({e}): install passwd"))?;
    if !made.status.success() {
        return Err(format!(
            "useradd {APPROVER} failed: {}",
            String::from_utf8_lossy(&made.stderr).trim()
        ));
    }
    uid(APPROVER).ok_or_else(|| format!("{APPROVER} was made but id does not know it"))
}

/// A seat in tmux: `as_user` runs it as that OS user (with `runuser`);
/// `user_env` is what `$USER` says.
fn seat(shared: &Path, state: &Path, as_user: Option<&str>, user_env: &str, args: &str) -> Tmux {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("tmux.sock");
    let run_as = as_user
        .map(|u| format!("runuser -u {u} -- "))
        .unwrap_or_default();
    let cmd = format!(
        "{run_as}env -u KUBERNETES_SERVICE_HOST USER={user_env} LOGNAME={user_env} HOME='{home}' XDG_CONFIG_HOME='{home}' INCIDENT_COCKPIT_STATE_DIR='{state}' KUBECONFIG='{home}/none' TERM=xterm-256color '{BIN}' {args}; {after}",
        home = shared.join("home").display(),
        state = state.display(),
        after = common::after_exit(dir.path()),
    );
    let ok = Command::new("tmux")
        .arg("-S")
        .arg(&sock)
        .args([
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "110",
            "-y",
            "32",
        ])
        .args(["sh", "-c", &cmd])
        .status()
        .expect("tmux is needed for the end-to-end tests: apt-get install tmux");
    assert!(ok.success());
    Tmux {
        sock,
        dir,
        state: state.to_path_buf(),
    }
}

/// A playbook whose one command is destructive and takes a parameter: it
/// creates `<marks>/ran-NAME`, so the test sees what really ran.
fn playbook(shared: &Path, marks: &Path) -> PathBuf {
    let p = shared.join("pb.yaml");
    std::fs::write(
        &p,
        format!(
            r#"name: e2e
title: E2E service
approval:
  lapse: 20s
severities:
  - {{id: P1, name: High, response: 1h}}
procedures:
  - id: outage
    name: Outage
    phases:
      - id: fix
        name: Fix
        steps:
          - id: wipe
            title: Wipe the cache
            command:
              run: touch {marks}/ran-{{{{name}}}}
              risk: destructive
              params:
                name:
                  description: which cache
                  pattern: "[a-z]+"
          - {{id: done, title: Check it}}
"#,
            marks = marks.display()
        ),
    )
    .unwrap();
    p
}

fn records_of(kind: &str, timeline: &Path) -> Vec<Value> {
    read_records(timeline)
        .into_iter()
        .filter(|r| r["kind"] == kind)
        .collect()
}

/// Waits until the timeline holds `n` records of `kind`.
fn wait_records(timeline: &Path, kind: &str, n: usize, secs: u64) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let found = records_of(kind, timeline);
        if found.len() >= n {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "no {n} {kind} record(s) within {secs} s:\n{}",
            std::fs::read_to_string(timeline).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// On the proposer's seat: Enter on the step, the parameter, Enter, the
/// reason, Enter. Returns the proposal's id.
fn propose(a: &Tmux, timeline: &Path, name: &str, reason: &str) -> String {
    let before = records_of("approval_proposed", timeline).len();
    a.keys(&["Enter"]);
    a.wait_for("the run dialog", |s| s.contains("TWO-PERSON RULE"));
    a.text(name);
    a.keys(&["Enter"]);
    a.wait_for("the reason", |s| s.contains("Why it must run"));
    a.text(reason);
    a.keys(&["Enter"]);
    let p = wait_records(timeline, "approval_proposed", before + 1, 10);
    p.last().unwrap()["proposal"].as_str().unwrap().to_string()
}

/// On the approver's seat: the queue, `a`, the reason, the target typed
/// back, Enter; back out of the queue.
fn approve(b: &Tmux, timeline: &Path, id: &str, reason: &str) {
    let target = records_of("approval_proposed", timeline)
        .into_iter()
        .find(|r| r["proposal"] == id)
        .unwrap()["target"]
        .as_str()
        .unwrap()
        .to_string();
    let before = records_of("approval_granted", timeline).len();
    b.wait_for("the banner", |s| s.contains("APPROVAL WANTED"));
    b.keys(&["A"]);
    b.wait_for("the queue", |s| s.contains("Approvals (two-person rule)"));
    b.keys(&["a"]);
    b.wait_for("the approval dialog", |s| s.contains("Why you approve it"));
    b.text(reason);
    b.keys(&["Tab"]);
    b.text(&target);
    b.keys(&["Enter"]);
    let granted = wait_records(timeline, "approval_granted", before + 1, 10);
    assert!(granted.iter().any(|g| g["proposal"] == id));
    close_queue(b);
}

#[test]
fn two_os_users_propose_approve_void_lapse_and_run_once() {
    let approver_uid = match second_user() {
        Ok(u) => u,
        Err(why) => {
            eprintln!("SKIPPED two_os_users_...: cannot make a second OS user: {why}");
            return;
        }
    };
    // A state directory both users write, as the README sets one up: the
    // approver's group, setgid, group-writable.
    let shared = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let state = shared.path().join("state");
    let marks = shared.path().join("marks");
    for d in [&state, &marks, &shared.path().join("home")] {
        std::fs::create_dir(d).unwrap();
    }
    let gid = {
        let out = Command::new("id").args(["-g", APPROVER]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let chgrp = Command::new("chgrp")
        .arg(&gid)
        .arg(&state)
        .status()
        .unwrap();
    assert!(chgrp.success());
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o2775)).unwrap();
    std::fs::set_permissions(&marks, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(
        shared.path().join("home"),
        std::fs::Permissions::from_mode(0o777),
    )
    .unwrap();
    let _ = approver_uid;
    let pb = playbook(shared.path(), &marks);

    let a = seat(
        shared.path(),
        &state,
        None,
        "root",
        &format!(
            "open --playbook {} --procedure outage --severity P1 --title approvals",
            pb.display()
        ),
    );
    a.wait_for("the proposer's seat", |s| s.contains("Checklist"));
    let timeline = wait_for_timeline(&state);
    let id_dir = timeline.parent().unwrap().file_name().unwrap();
    let id = id_dir.to_str().unwrap().to_string();
    let b = seat(
        shared.path(),
        &state,
        Some(APPROVER),
        APPROVER,
        &format!("join {id}"),
    );
    b.wait_for("the approver's seat", |s| s.contains("Checklist"));
    // A second seat of root that calls itself someone else.
    let m = seat(
        shared.path(),
        &state,
        None,
        "mallory",
        &format!("join {id}"),
    );
    m.wait_for("root's second seat", |s| s.contains("Checklist"));

    // 1. A proposal nobody decides lapses (20 s here), recorded once; then
    // nobody may approve it.
    let p1 = propose(&a, &timeline, "alpha", "lapse test");
    b.wait_for("the banner on the other user's seat", |s| {
        s.contains("APPROVAL WANTED by root")
    });
    a.wait_for("the proposer's own banner", |s| {
        s.contains("waiting for a second person")
    });
    let lapsed = wait_records(&timeline, "approval_lapsed", 1, 40);
    assert_eq!(lapsed[0]["proposal"], p1.as_str());
    b.wait_for("the banner gone", |s| !s.contains("APPROVAL WANTED"));
    b.keys(&["A"]);
    b.wait_for("the queue", |s| s.contains("LAPSED"));
    b.keys(&["a"]);
    b.wait_for("the refusal", |s| s.contains("lapsed already"));
    close_queue(&b);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(records_of("approval_lapsed", &timeline).len(), 1, "once");
    assert!(records_of("approval_granted", &timeline).is_empty());

    // 2. Root's second seat ($USER=mallory) cannot approve root's proposal.
    let p2 = propose(&a, &timeline, "beta", "void test");
    m.wait_for("root's own proposal, waiting", |s| {
        s.contains("waiting for a second person")
    });
    m.keys(&["A"]);
    m.wait_for("the queue", |s| s.contains("WAITING"));
    m.keys(&["a"]);
    m.wait_for("the refusal", |s| s.contains("another person"));
    close_queue(&m);

    // 3. The other user approves; the proposer changes the parameter: the
    // approval is voided (recorded, with what changed) and nothing runs.
    approve(&b, &timeline, &p2, "beta is safe to wipe");
    a.wait_for("the approval on the proposer's seat", |s| {
        s.contains(&format!("APPROVED by {APPROVER}"))
    });
    a.keys(&["Enter"]);
    a.wait_for("the run dialog", |s| s.contains("Run: Wipe the cache"));
    a.text("gamma");
    a.wait_for("the dialog says it changed", |s| {
        s.contains("Not what was proposed")
    });
    a.keys(&["Enter"]);
    let voided = wait_records(&timeline, "approval_voided", 1, 10);
    assert_eq!(voided[0]["proposal"], p2.as_str());
    assert!(
        voided[0]["reason"].as_str().unwrap().contains("name"),
        "{voided:?}"
    );
    a.wait_for("a new proposal asked", |s| s.contains("Why it must run"));
    close_run_dialog(&a);
    assert!(records_of("command_started", &timeline).is_empty());
    assert!(!marks.join("ran-beta").exists() && !marks.join("ran-gamma").exists());

    // 4. Approved, run once by the proposer's seat; the second time it
    // asks for a new proposal.
    let p3 = propose(&a, &timeline, "delta", "run once test");
    approve(&b, &timeline, &p3, "go");
    a.wait_for("the approval", |s| {
        s.contains(&format!("APPROVED by {APPROVER}"))
    });
    // The approver's seat cannot run it: Enter there proposes anew.
    b.keys(&["Enter"]);
    b.wait_for("the approver's run dialog", |s| {
        s.contains("TWO-PERSON RULE")
    });
    b.text("delta");
    b.keys(&["Enter"]);
    b.wait_for("it asks a proposal", |s| s.contains("Why it must run"));
    close_run_dialog(&b);
    a.keys(&["Enter"]);
    a.wait_for("the run dialog", |s| s.contains("Run: Wipe the cache"));
    a.text("delta");
    a.wait_for("the approval in the dialog", |s| s.contains("APPROVED by"));
    a.keys(&["Enter"]);
    a.wait_for("the risk's confirmation", |s| {
        s.contains("DESTRUCTIVE. Type")
    });
    let target = records_of("approval_proposed", &timeline)
        .into_iter()
        .find(|r| r["proposal"] == p3.as_str())
        .unwrap()["target"]
        .as_str()
        .unwrap()
        .to_string();
    a.text(&target);
    a.keys(&["Enter"]);
    let finished = wait_records(&timeline, "command_finished", 1, 20);
    assert_eq!(finished[0]["exit"], 0, "{finished:?}");
    let started = records_of("command_started", &timeline);
    assert_eq!(started.len(), 1);
    assert_eq!(started[0]["approval"], p3.as_str());
    assert!(marks.join("ran-delta").exists(), "it really ran");
    // Once.
    a.keys(&["Enter"]);
    a.wait_for("the run dialog", |s| s.contains("Run: Wipe the cache"));
    a.text("delta");
    a.keys(&["Enter"]);
    a.wait_for("a new proposal asked", |s| s.contains("Why it must run"));
    close_run_dialog(&a);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(records_of("command_started", &timeline).len(), 1, "once");

    // Who is who in the record: the OS users, from the uid.
    let proposed = records_of("approval_proposed", &timeline);
    assert!(proposed.iter().all(|p| p["user"] == "root"));
    let granted = records_of("approval_granted", &timeline);
    assert!(granted.iter().all(|g| g["user"] == APPROVER));
    assert!(granted.iter().all(|g| {
        g["by"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{APPROVER}@"))
    }));

    // The export lists them.
    let out = Command::new(BIN)
        .args(["--state-dir", state.to_str().unwrap(), "export", &id])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("### Two-person approvals"), "{md}");
    assert!(md.contains("lapsed at"), "{md}");
    assert!(md.contains("voided at"), "{md}");
    assert!(md.contains("ran at"), "{md}");

    for t in [&m, &b] {
        t.keys(&["C-c"]);
        assert_eq!(t.wait_exit(), "0");
    }
    a.keys(&["C-c"]);
    assert_eq!(a.wait_exit(), "0");
}

/// Esc out of the queue, and wait until it is closed (an Esc read with
/// the next key would be Alt and that key).
fn close_queue(t: &Tmux) {
    t.keys(&["Escape"]);
    t.wait_for("the queue closed", |s| {
        !s.contains("Approvals (two-person rule)")
    });
}

/// From the reason being typed: Esc back to the parameters, Esc closes.
/// (Two Escapes sent at once read as Alt-Esc.)
fn close_run_dialog(t: &Tmux) {
    t.keys(&["Escape"]);
    t.wait_for("the parameters again", |s| !s.contains("Why it must run"));
    t.keys(&["Escape"]);
    t.wait_for("the run dialog closed", |s| !s.contains("Run: Wipe"));
}

fn wait_for_timeline(state: &Path) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(t) = common::timelines_in(&state.join("incidents"))
            .into_iter()
            .find(|t| t.exists())
        {
            return t;
        }
        assert!(Instant::now() < deadline, "no incident was declared");
        std::thread::sleep(Duration::from_millis(100));
    }
}
