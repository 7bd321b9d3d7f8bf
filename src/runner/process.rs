//! Running a resolved command as a source: its own process group, stdout
//! and stderr read as they come, output sent to the loop in batches at
//! most every 50 ms (only the newest lines past the cap), cancel and
//! timeout as SIGTERM to the whole group, SIGKILL after a grace period.
//!
//! Memory stays bounded whatever the command prints and however slowly
//! the loop takes it: lines are cut at `MAX_LINE` bytes, a batch holds at
//! most `CAP` lines, the pipes are read through a small bounded queue, and
//! a run has at most one batch on its way to the loop (`Taken`): while the
//! loop has not applied it (a terminal that stalls the loop's writes), new
//! lines wait here, the oldest past `CAP` dropped and counted. The run's
//! first lines are sent at once, so a flood never drops them.

pub use crate::command::run::{
    CAP, DEFAULT_TIMEOUT, FIRST_LINES, GRACE, Line, MAX_LINE, Outcome, Spec, Stream, Taken,
    signal_name,
};
use crate::msg::Msg;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{mpsc, oneshot};

const FLUSH: Duration = Duration::from_millis(50);

/// Cancels a running command.
pub struct Handle {
    cancel: Option<oneshot::Sender<()>>,
}

impl Handle {
    pub fn cancel(&mut self) {
        if let Some(tx) = self.cancel.take() {
            let _ = tx.send(());
        }
    }
}

/// Reads a pipe in chunks, cut into lines, into the run's queue.
async fn pump<R: AsyncRead + Unpin>(mut r: R, stream: Stream, tx: mpsc::Sender<Line>) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut partial: Vec<u8> = Vec::new();
    loop {
        let n = match r.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            if b == b'\n' || partial.len() >= MAX_LINE {
                let text = String::from_utf8_lossy(&partial).into_owned();
                partial.clear();
                if tx.send(Line { stream, text }).await.is_err() {
                    return;
                }
                if b == b'\n' {
                    continue;
                }
            }
            partial.push(b);
        }
    }
    if !partial.is_empty() {
        let _ = tx
            .send(Line {
                stream,
                text: String::from_utf8_lossy(&partial).into_owned(),
            })
            .await;
    }
}

fn signal_group(pgid: Option<u32>, sig: Signal) {
    if let Some(p) = pgid.and_then(|p| i32::try_from(p).ok()) {
        let _ = killpg(Pid::from_raw(p), sig);
    }
}

/// Starts the command; messages `RunOutput` and finally `RunExited`.
pub fn spawn(spec: Spec, tx: mpsc::UnboundedSender<Msg>) -> Handle {
    let (cancel_tx, cancel_rx) = oneshot::channel();
    tokio::spawn(run(spec, tx, cancel_rx));
    Handle {
        cancel: Some(cancel_tx),
    }
}

async fn run(spec: Spec, tx: mpsc::UnboundedSender<Msg>, mut cancel: oneshot::Receiver<()>) {
    let started = Instant::now();
    let argv = spec.program.argv();
    let mut cmd = tokio::process::Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(false);
    if let Some(d) = &spec.workdir {
        cmd.current_dir(d);
    }
    let id = spec.run.clone();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            let _ = tx.send(Msg::RunExited {
                run: id,
                outcome: Outcome::FailedToStart(format!("{}: {e}", argv[0])),
                duration: started.elapsed(),
            });
            return;
        }
    };
    let pgid = child.id();
    let (ltx, mut lrx) = mpsc::channel::<Line>(256);
    if let Some(out) = child.stdout.take() {
        tokio::spawn(pump(out, Stream::Out, ltx.clone()));
    }
    if let Some(err) = child.stderr.take() {
        tokio::spawn(pump(err, Stream::Err, ltx.clone()));
    }
    drop(ltx);

    let mut redact = spec.redactor.stream();
    let mut pending: Vec<Line> = Vec::new();
    let mut dropped: u64 = 0;
    let mut push = |pending: &mut Vec<Line>, dropped: &mut u64, l: Line| {
        let text = redact.line(&l.text);
        pending.push(Line {
            stream: l.stream,
            text,
        });
        // Over the cap (by one: a line comes at a time), the oldest go.
        let extra = pending.len().saturating_sub(CAP);
        pending.drain(..extra);
        *dropped += extra as u64;
    };
    // One batch on its way to the loop at a time, unless `force` (the
    // first lines, the last batch).
    let in_flight = Arc::new(AtomicBool::new(false));
    let send = |pending: &mut Vec<Line>, dropped: &mut u64, force: bool| {
        if pending.is_empty() && *dropped == 0 {
            return;
        }
        if in_flight.swap(true, Ordering::AcqRel) && !force {
            return;
        }
        let _ = tx.send(Msg::RunOutput {
            run: id.clone(),
            lines: std::mem::take(pending),
            dropped: std::mem::take(dropped),
            taken: Taken::new(in_flight.clone()),
        });
    };
    let mut seen: usize = 0;
    let mut flush = tokio::time::interval(FLUSH);
    let deadline = tokio::time::sleep(spec.timeout);
    tokio::pin!(deadline);
    let mut ended: Option<Outcome> = None;
    let mut kill_at: Option<tokio::time::Instant> = None;
    let mut pipes_open = true;

    // Until the leader exits.
    let status = loop {
        tokio::select! {
            line = lrx.recv(), if pipes_open => match line {
                Some(l) => {
                    push(&mut pending, &mut dropped, l);
                    seen += 1;
                    // The first lines go at once: the record keeps them.
                    if seen == FIRST_LINES {
                        send(&mut pending, &mut dropped, true);
                    }
                }
                None => pipes_open = false,
            },
            _ = flush.tick() => send(&mut pending, &mut dropped, false),
            st = child.wait() => break st,
            _ = &mut cancel, if ended.is_none() => {
                ended = Some(Outcome::Cancelled { exit: None, signal: None });
                signal_group(pgid, Signal::SIGTERM);
                kill_at = Some(tokio::time::Instant::now() + GRACE);
            }
            _ = &mut deadline, if ended.is_none() => {
                ended = Some(Outcome::TimedOut { exit: None, signal: None });
                signal_group(pgid, Signal::SIGTERM);
                kill_at = Some(tokio::time::Instant::now() + GRACE);
            }
            _ = tokio::time::sleep_until(kill_at.unwrap_or_else(tokio::time::Instant::now)), if kill_at.is_some() => {
                signal_group(pgid, Signal::SIGKILL);
                kill_at = None;
            }
        }
    };
    // A cancelled or timed-out run takes its whole group with it.
    if ended.is_some() {
        signal_group(pgid, Signal::SIGKILL);
    }
    // Read what is left; background children may hold the pipes open, so
    // only for a moment.
    let linger = tokio::time::sleep(Duration::from_millis(500));
    tokio::pin!(linger);
    while pipes_open {
        tokio::select! {
            line = lrx.recv() => match line {
                Some(l) => push(&mut pending, &mut dropped, l),
                None => pipes_open = false,
            },
            _ = &mut linger => break,
        }
    }
    let (code, sig) = match &status {
        Ok(s) => (s.code(), s.signal()),
        Err(_) => (None, None),
    };
    let outcome = match ended {
        // How it ended is part of the record (issue 14: `"signal": null`).
        Some(Outcome::Cancelled { .. }) => Outcome::Cancelled {
            exit: code,
            signal: sig,
        },
        Some(Outcome::TimedOut { .. }) => Outcome::TimedOut {
            exit: code,
            signal: sig,
        },
        Some(o) => o,
        None => match status {
            // wait(2) reports an exit code or the signal that ended it.
            Ok(_) => match code {
                Some(c) => Outcome::Exited(c),
                None => Outcome::Signalled(sig.unwrap_or_default()),
            },
            Err(e) => Outcome::FailedToStart(e.to_string()),
        },
    };
    send(&mut pending, &mut dropped, true);
    let _ = tx.send(Msg::RunExited {
        run: id,
        outcome,
        duration: started.elapsed(),
    });
}
