//! End to end across hosts: the release binary in tmux on two "hosts"
//! (two state directories) sharing one incident through a real 3-node NATS
//! JetStream cluster; host B reaches it through a TCP proxy that is
//! stopped to cut it off. Without tmux or nats-server these fail and say
//! what to install.

use crate::common;
use crate::common::nats;

use common::{BIN, Tmux, timelines_in};
use nats::{Cluster, Proxy};
use std::process::Command;
use std::time::{Duration, Instant};

/// A config file for a host: the store's servers and, behind a proxy, only
/// those (the cluster's advertised addresses are not this host's route).
fn config(dir: &std::path::Path, servers: &str, behind_proxy: bool) -> std::path::PathBuf {
    let path = dir.join("config.yaml");
    let list: Vec<String> = servers.split(',').map(|s| format!("    - {s}\n")).collect();
    std::fs::write(
        &path,
        format!(
            "store:\n  servers:\n{}  ignore_discovered_servers: {behind_proxy}\n  timeout_secs: 2\n",
            list.concat()
        ),
    )
    .unwrap();
    path
}

fn within(t: &Tmux, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> Duration {
    let start = Instant::now();
    loop {
        let s = t.screen();
        if pred(&s) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "{what}: not within {limit:?}; screen:\n{s}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn two_hosts_share_an_incident_and_a_cut_off_host_catches_up() {
    let c = Cluster::start(3);
    c.wait_healthy(Duration::from_secs(30));
    let mut proxy = Proxy::start(c.nodes[0].port);
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a_conf = config(a_dir.path(), &c.urls_from(0), false);
    let b_conf = config(b_dir.path(), &proxy.url(), true);
    let a_state = a_dir.path().join("state");
    let b_state = b_dir.path().join("state");

    let a = Tmux::start_in(
        tempfile::tempdir().unwrap(),
        &a_state,
        120,
        40,
        &format!("--config {} open --playbook dicps", a_conf.display()),
    );
    a.wait_for("host A's cockpit, shared", |s| s.contains("⇄ shared"));
    let timeline = timelines_in(&a_state.join("incidents"))
        .pop()
        .expect("host A's incident");
    let id = timeline
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap()
        .to_string();

    // Host B has never seen it: join fetches it from the store.
    let b = Tmux::start_in(
        tempfile::tempdir().unwrap(),
        &b_state,
        120,
        40,
        &format!("--config {} join {id}", b_conf.display()),
    );
    b.wait_for("host B's cockpit on A's incident", |s| {
        s.contains("⇄ shared") && s.contains("Checklist")
    });

    // A note on A is on B's screen within a second: issue 20's promise
    // to the people on the two hosts, asserted as a correctness bound
    // (the propagation itself is ~2 ms at the median, BENCHMARKS.md; the
    // second is for two tmux screens and a loaded machine).
    a.keys(&["n"]);
    a.wait_for("the note editor", |s| s.contains("Ctrl-S save"));
    a.text("from-host-a");
    a.keys(&["C-s"]);
    a.wait_for("the note on A", |s| s.contains("note: from-host-a"));
    let took = within(&b, "A's note on B", Duration::from_secs(1), |s| {
        s.contains("note: from-host-a")
    });
    eprintln!("A's note on B's screen after {took:?}");

    // B is cut off: it keeps working and says so.
    proxy.stop();
    b.keys(&["n"]);
    b.wait_for("the note editor", |s| s.contains("Ctrl-S save"));
    b.text("from-cut-off-b");
    b.keys(&["C-s"]);
    // The note is marked pending, and the header counts exactly the
    // records marked so, all in the one screen waited for. The note may
    // not be alone: the page clock falls due a second after the
    // declaration, about when B is cut off here, and B records it too if
    // A's record of it has not reached B yet (each host does: a run that
    // waited for "1 not shared" once timed out on "2 not shared"). A
    // record and the count it changes reach the screen by two messages
    // (the record, then the sharing state), so the count is part of the
    // wait, never asserted on a screen read once.
    let counted = |s: &str| {
        let marked = s.matches("⧗").count();
        marked >= 1 && s.contains(&format!("· {marked} not shared"))
    };
    let s = b.wait_for("B's note, marked and counted as not shared", |s| {
        s.contains("OFFLINE")
            && s.lines()
                .any(|l| l.contains("note: from-cut-off-b") && l.contains("⧗"))
            && counted(s)
    });
    if s.matches("⧗").count() != 1 {
        eprintln!("more than the note pending on B:\n{s}");
    }
    // Meanwhile A writes too, and does not see B's.
    a.keys(&["n"]);
    a.wait_for("the note editor", |s| s.contains("Ctrl-S save"));
    a.text("while-b-is-away");
    a.keys(&["C-s"]);
    a.wait_for("A's second note", |s| s.contains("note: while-b-is-away"));
    assert!(!a.screen().contains("from-cut-off-b"));

    // The link returns: both converge, B's note marked written offline.
    proxy.resume();
    let took = within(&a, "B's note on A", Duration::from_secs(10), |s| {
        s.contains("note: from-cut-off-b (written offline)")
    });
    eprintln!("converged {took:?} after the link returned");
    within(&b, "B shared again", Duration::from_secs(10), |s| {
        s.contains("⇄ shared")
            && s.contains("note: while-b-is-away")
            && s.contains("note: from-cut-off-b (written offline)")
            && !s.contains("⧗")
    });

    // A hostile note from host B's command line is inert on A's screen.
    let out = Command::new(BIN)
        .args(["--config", b_conf.to_str().unwrap(), "note", &id])
        .arg("x-hostile\u{1b}[2J\u{1b}]0;owned\u{7}\u{1b}[31m-end")
        .env("INCIDENT_COCKPIT_STATE_DIR", &b_state)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = a.wait_for("the hostile note on A", |s| s.contains("x-hostile"));
    assert!(
        s.contains("Checklist") && s.contains("IC "),
        "the screen was not cleared:\n{s}"
    );
    let title = a.pane("#{pane_title}");
    assert!(!title.contains("owned"), "the title was set: {title}");

    // Both hosts' files hold the same timeline (B's follow may still be
    // writing the hostile note A shows: waited for, not slept on).
    a.keys(&["q"]);
    b.keys(&["q"]);
    let b_timeline = timelines_in(&b_state.join("incidents"))
        .pop()
        .expect("host B's copy");
    let read = || {
        (
            std::fs::read_to_string(&timeline).unwrap(),
            std::fs::read_to_string(&b_timeline).unwrap(),
        )
    };
    let start = Instant::now();
    let (fa, fb) = loop {
        let (fa, fb) = read();
        if fa == fb || start.elapsed() > Duration::from_secs(5) {
            break (fa, fb);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(fa, fb);
}
