//! The runner with real processes: hostile parameter values never execute,
//! cancel kills the whole tree, timeouts, floods stay within the cap, exit
//! codes and signals are reported.

use incident_cockpit::command::redact::Redactor;
use incident_cockpit::command::resolve::{Program, resolve};
use incident_cockpit::msg::Msg;
use incident_cockpit::playbook::model::{At, Command, Param};
use incident_cockpit::runner::process::{self, CAP, Outcome, Spec, Stream};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

fn cmd(run: &str, shell: bool, params: &[&str]) -> Command {
    Command {
        run: At::new(run.into()),
        risk: None,
        params: params
            .iter()
            .map(|n| (n.to_string(), Param::default()))
            .collect(),
        timeout: None,
        shell,
        workdir: None,
    }
}

fn spec(program: Program, timeout: Duration) -> Spec {
    Spec {
        run: "r1".into(),
        program,
        env: vec![("INCIDENT_ID".into(), "inc-test".into())],
        workdir: None,
        timeout,
        redactor: Arc::new(Redactor::default()),
    }
}

struct Finished {
    lines: Vec<(Stream, String)>,
    batches: Vec<usize>,
    dropped: u64,
    outcome: Outcome,
    duration: Duration,
}

/// A shell script run to the end, with a timeout of `secs`.
async fn run_shell(script: &str, secs: u64) -> Finished {
    run(
        spec(Program::Shell(script.into()), Duration::from_secs(secs)),
        None,
    )
    .await
}

/// Runs to the end; `cancel_on` cancels once the command printed that
/// line (so it has done what it must before the cancel: set a trap, say).
async fn run(spec: Spec, cancel_on: Option<&str>) -> Finished {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut handle = process::spawn(spec, tx);
    let start = Instant::now();
    let mut f = Finished {
        lines: vec![],
        batches: vec![],
        dropped: 0,
        outcome: Outcome::Exited(-99),
        duration: Duration::ZERO,
    };
    let mut cancelled = false;
    loop {
        // Checked on every message, not only when none came: a command
        // whose kill failed and that prints without end (`yes`) must fail
        // the test, not keep it running.
        assert!(start.elapsed() < Duration::from_secs(30), "run never ended");
        let msg = tokio::time::timeout(Duration::from_millis(100), rx.recv()).await;
        match msg {
            Ok(Some(Msg::RunOutput { lines, dropped, .. })) => {
                f.batches.push(lines.len());
                f.dropped += dropped;
                f.lines
                    .extend(lines.into_iter().map(|l| (l.stream, l.text)));
                if !cancelled && cancel_on.is_some_and(|c| f.lines.iter().any(|(_, l)| l == c)) {
                    handle.cancel();
                    cancelled = true;
                }
            }
            Ok(Some(Msg::RunExited {
                outcome, duration, ..
            })) => {
                f.outcome = outcome;
                f.duration = duration;
                return f;
            }
            Ok(Some(_)) => {}
            Ok(None) => panic!("channel closed before the run ended"),
            Err(_) => {}
        }
    }
}

const HOSTILE: &[&str] = &[
    "x; touch {M}",
    "$(touch {M})",
    "`touch {M}`",
    "x' ; touch {M} ; echo '",
    "x\" ; touch {M} ; echo \"",
    "x\ntouch {M}",
    "x && touch {M}",
    "| touch {M}",
];

#[tokio::test]
async fn hostile_values_never_execute_in_argv_or_shell_steps() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pwned");
    let m = marker.display().to_string();
    for shell in [false, true] {
        let c = if shell {
            cmd("echo <v> | cat", true, &["v"])
        } else {
            cmd("echo <v>", false, &["v"])
        };
        for h in HOSTILE {
            let value = h.replace("{M}", &m);
            let values: BTreeMap<String, String> = [("v".to_string(), value.clone())].into();
            let r = resolve(&c, &values, "s").unwrap();
            let f = run(spec(r.program, Duration::from_secs(10)), None).await;
            assert_eq!(f.outcome, Outcome::Exited(0), "{value:?} shell={shell}");
            let printed: Vec<&str> = f.lines.iter().map(|(_, l)| l.as_str()).collect();
            assert_eq!(
                printed.join("\n"),
                value,
                "echo prints the value as one literal argument"
            );
            assert!(
                !Path::new(&marker).exists(),
                "{value:?} executed (shell={shell})"
            );
        }
    }
}

/// Live (not zombie) processes of a process group.
/// Live (not zombie) processes of a process group, read from /proc (the
/// group is the field after the parent's pid in /proc/PID/stat). `ps -g`
/// would select by session with procps-ng, and find nothing here.
fn group_alive(pgid: &str) -> Vec<String> {
    let mut alive = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        panic!("cannot read /proc: these tests need a Linux /proc");
    };
    for e in entries.flatten() {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...: comm may hold spaces.
        let Some(rest) = stat.rsplit_once(") ").map(|(_, r)| r) else {
            continue;
        };
        let f: Vec<&str> = rest.split_whitespace().collect();
        if f.len() > 2 && f[2] == pgid && f[0] != "Z" {
            alive.push(stat.trim().to_string());
        }
    }
    alive
}

#[tokio::test]
async fn cancel_kills_the_whole_tree() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pgid");
    let script = format!(
        "echo $$ > {}; sleep 100 & echo ready; sleep 100",
        pidfile.display()
    );
    let f = run(
        spec(Program::Shell(script), Duration::from_secs(60)),
        Some("ready"),
    )
    .await;
    // How it ended is recorded: the shell took the SIGTERM.
    assert_eq!(
        f.outcome,
        Outcome::Cancelled {
            exit: None,
            signal: Some(15)
        }
    );
    // A correctness bound: the cancel ended it (`sleep 100` alone would not).
    assert!(f.duration < Duration::from_secs(10), "{:?}", f.duration);
    let pgid = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .to_string();
    // The check sees a live group: this test's own.
    let own = nix::unistd::getpgrp().to_string();
    assert!(
        !group_alive(&own).is_empty(),
        "the check finds nothing alive"
    );
    // Killed processes take a moment to go: wait, but not forever.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut alive = group_alive(&pgid);
    while !alive.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        alive = group_alive(&pgid);
    }
    assert!(alive.is_empty(), "survived the cancel: {alive:?}");
}

#[tokio::test]
async fn a_process_ignoring_sigterm_is_killed_after_the_grace_period() {
    let script = "trap '' TERM; echo ready; sleep 100".to_string();
    let f = run(
        spec(Program::Shell(script), Duration::from_secs(60)),
        Some("ready"),
    )
    .await;
    assert_eq!(
        f.outcome,
        Outcome::Cancelled {
            exit: None,
            signal: Some(9)
        },
        "SIGKILL after the grace"
    );
    assert!(f.duration >= process::GRACE, "{:?}", f.duration);
    assert!(
        f.duration < process::GRACE + Duration::from_secs(5),
        "{:?}",
        f.duration
    );
}

#[tokio::test]
async fn timeout_ends_the_run() {
    let f = run(
        spec(
            Program::Argv(vec!["sleep".into(), "100".into()]),
            Duration::from_millis(400),
        ),
        None,
    )
    .await;
    assert_eq!(
        f.outcome,
        Outcome::TimedOut {
            exit: None,
            signal: Some(15)
        }
    );
    // A correctness bound, not a budget: the 400 ms timeout ended it (the
    // command alone would run 100 s).
    assert!(f.duration < Duration::from_secs(5), "{:?}", f.duration);
}

#[tokio::test]
async fn a_flood_stays_within_the_cap() {
    let f = run(
        spec(
            Program::Argv(vec!["yes".into(), "flood".into()]),
            Duration::from_secs(2),
        ),
        None,
    )
    .await;
    assert!(
        matches!(f.outcome, Outcome::TimedOut { .. }),
        "{:?}",
        f.outcome
    );
    assert!(
        f.batches.iter().all(|b| *b <= CAP),
        "a batch over the cap: {:?}",
        f.batches.iter().max()
    );
    assert!(f.lines.len() > CAP, "yes printed plenty: {}", f.lines.len());
    // A very long line is cut, not held whole.
    let f = run_shell("head -c 100000 /dev/zero | tr '\\0' 'a'", 10).await;
    assert!(f.lines.iter().all(|(_, l)| l.len() <= process::MAX_LINE));
    assert_eq!(f.lines.iter().map(|(_, l)| l.len()).sum::<usize>(), 100_000);
}

/// A loop that does not apply the output (its writes to a stalled
/// terminal block) is sent at most one batch at a time, plus the first
/// lines: everything else waits in the runner, capped, the oldest dropped
/// and counted. Without this a flood piles up in the channel for as long
/// as the terminal stalls. The first lines of a flood are never dropped,
/// even when the first of them went alone in a batch the loop holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loop_that_does_not_keep_up_is_sent_one_batch_at_a_time() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _handle = process::spawn(
        spec(
            Program::Shell(
                "echo 1; sleep 0.3; echo 2; echo 3; echo 4; echo 5; exec yes flood".into(),
            ),
            Duration::from_secs(4),
        ),
        tx,
    );
    // Hold every message, as a loop blocked in a write would.
    let mut held = Vec::new();
    let until = tokio::time::Instant::now() + Duration::from_millis(1500);
    while let Ok(Some(m)) = tokio::time::timeout_at(until, rx.recv()).await {
        held.push(m);
    }
    let batches: Vec<(&Vec<process::Line>, u64)> = held
        .iter()
        .filter_map(|m| match m {
            Msg::RunOutput { lines, dropped, .. } => Some((lines, *dropped)),
            _ => None,
        })
        .collect();
    assert!(
        !batches.is_empty() && batches.len() <= 2,
        "{} batches sent to a loop that took none",
        batches.len()
    );
    let first: Vec<&str> = batches
        .iter()
        .flat_map(|(l, _)| l.iter().map(|l| l.text.as_str()))
        .take(5)
        .collect();
    assert_eq!(first, ["1", "2", "3", "4", "5"]);
    assert!(
        batches.iter().all(|(_, dropped)| *dropped == 0),
        "nothing dropped before the first lines"
    );
    drop(batches);
    // Taken: the next batch comes, with what was dropped meanwhile.
    drop(held);
    let mut dropped = 0;
    // The 4 s timeout ends it; a kill that failed leaves `yes` flooding,
    // which must fail here rather than run forever.
    let end = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        match tokio::time::timeout_at(end, rx.recv()).await {
            Ok(Some(Msg::RunOutput {
                lines, dropped: d, ..
            })) => {
                assert!(lines.len() <= CAP);
                dropped += d;
            }
            Ok(Some(Msg::RunExited { outcome, .. })) => {
                assert!(matches!(outcome, Outcome::TimedOut { .. }), "{outcome:?}");
                break;
            }
            Ok(Some(_)) => {}
            other => panic!("the run did not end: {other:?}"),
        }
    }
    assert!(dropped > 0, "yes printed more than the cap meanwhile");
}

/// A command that prints nothing for a while sends nothing meanwhile: no
/// empty batch every flush (each one would wake the loop for nothing).
#[tokio::test]
async fn a_quiet_command_sends_no_empty_batches() {
    let f = run_shell("echo a; sleep 1; echo b", 20).await;
    assert_eq!(f.outcome, Outcome::Exited(0));
    let lines: Vec<&str> = f.lines.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(lines, ["a", "b"]);
    assert!(
        f.batches.iter().all(|n| *n > 0),
        "empty batches: {:?}",
        f.batches
    );
    assert!(f.batches.len() <= 2, "{:?}", f.batches);
}

#[tokio::test]
async fn exit_codes_signals_streams_and_environment() {
    let f = run_shell("echo out; echo err >&2; exit 3", 10).await;
    assert_eq!(f.outcome, Outcome::Exited(3));
    assert!(f.lines.contains(&(Stream::Out, "out".into())));
    assert!(f.lines.contains(&(Stream::Err, "err".into())));
    let f = run_shell("kill -KILL $$", 10).await;
    assert_eq!(f.outcome, Outcome::Signalled(9));
    assert_eq!(f.outcome.describe(), "killed by SIGKILL");
    let f = run(
        spec(
            Program::Argv(vec!["no-such-program-xyz".into()]),
            Duration::from_secs(10),
        ),
        None,
    )
    .await;
    assert!(
        matches!(f.outcome, Outcome::FailedToStart(ref e) if e.contains("no-such-program-xyz"))
    );
    let f = run_shell("echo $INCIDENT_ID", 10).await;
    assert_eq!(f.lines, vec![(Stream::Out, "inc-test".to_string())]);
}

#[tokio::test]
async fn output_is_redacted_before_it_leaves_the_runner() {
    let mut s = spec(
        Program::Shell("echo password=hunter2; echo the s3cret-value; printf -- '-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n'".into()),
        Duration::from_secs(10),
    );
    s.redactor = Arc::new(Redactor::new(["s3cret-value".to_string()], &[]));
    let f = run(s, None).await;
    let text: Vec<&str> = f.lines.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        text,
        vec![
            "password=[redacted]",
            "the [redacted]",
            "-----BEGIN PRIVATE KEY----- [redacted]",
            "[redacted]",
            "-----END PRIVATE KEY-----"
        ]
    );
}
