//! The loop: wait for a message, a signal or the next visible second;
//! apply everything pending; draw once. No fixed-rate redraw.

use crate::msg::{Effect, Msg};
use crate::recorder::Recorder;
use crate::runner::process::{self, Handle};
use crate::state::State;
use crate::term::Term;
use crate::update::update;
use anyhow::Result;
use chrono::Utc;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// At most this many messages are applied between two frames, so a flood
/// (a command's output, a burst of watch events) cannot starve the screen.
const MAX_BATCH: usize = 4096;

pub struct Loop {
    pub state: State,
    pub recorder: Recorder,
    pub rx: UnboundedReceiver<Msg>,
    pub tx: UnboundedSender<Msg>,
    /// Where communications are written (the incident's directory).
    pub comms_dir: Option<std::path::PathBuf>,
    /// Where silence actions go, when Alertmanager is watched.
    pub alertmanager: Option<UnboundedSender<crate::msg::AmCommand>>,
    /// A drill's script: clock changes are sent to it.
    pub drill: Option<UnboundedSender<crate::drill::clock::Clock>>,
}

/// Draws a frame and hands where it placed things back to `update`; a
/// second frame follows only when that moved the focus (a layout without
/// the focused pane).
fn draw(term: &mut Term, state: &mut State) -> Result<()> {
    for _ in 0..2 {
        crossterm::queue!(term.backend_mut(), BeginSynchronizedUpdate)?;
        let mut placed = Default::default();
        term.draw(|f| placed = crate::ui::draw(state, f))?;
        crossterm::queue!(term.backend_mut(), EndSynchronizedUpdate)?;
        term.backend_mut().flush()?;
        let focus = state.ui.focus;
        // Geometry only: it asks for no effect.
        let _ = update(state, Msg::Drawn(Box::new(placed)), Utc::now());
        if state.ui.focus == focus {
            break;
        }
    }
    Ok(())
}

/// How long until the elapsed clock shows the next second.
/// How long until the clocks should move on screen: the next second, or
/// with `--low-bandwidth` the next fifth second.
fn until_next_second(state: &State) -> std::time::Duration {
    let now = Utc::now();
    let base = state.incident.declared_at.unwrap_or(now);
    let period: i64 = if state.ctx.low_bandwidth { 5000 } else { 1000 };
    let ms = (now - base).num_milliseconds().rem_euclid(period);
    // A few ms late rather than early, so the second has surely turned.
    std::time::Duration::from_millis((period - ms) as u64 + 5)
}

/// With `--low-bandwidth`, frames at most this often.
const LOW_BANDWIDTH_GAP: Duration = Duration::from_secs(1);

impl Loop {
    /// Applies one message and carries out its effects; true to quit.
    fn apply(&mut self, msg: Msg, handles: &mut HashMap<String, Handle>, term: &mut Term) -> bool {
        if let Msg::RunExited { run, .. } = &msg {
            handles.remove(run);
        }
        if let Msg::Resize(w, h) = msg {
            // The viewport is fixed (no size query per frame): it follows
            // the terminal's resize events, cleared so nothing stale stays.
            // An event for the size it already has (some terminals repeat
            // them) costs nothing: no clear, no full redraw on a slow link.
            // A terminal that cannot be written to fails the next draw,
            // which ends the loop with the error.
            let area = ratatui::layout::Rect::new(0, 0, w, h);
            if term.get_frame().area() != area {
                let _ = term.resize(area);
            }
        }
        let mut quit = false;
        for fx in update(&mut self.state, msg, Utc::now()) {
            match fx {
                Effect::Append(ev) => {
                    if let Err(ev) = self.recorder.append(ev) {
                        let _ = self.tx.send(Msg::NotRecorded {
                            event: ev,
                            error: "the timeline writer has stopped".into(),
                        });
                    }
                }
                Effect::Spawn(spec) => {
                    let id = spec.run.clone();
                    handles.insert(id, process::spawn(*spec, self.tx.clone()));
                }
                Effect::Cancel(id) => {
                    if let Some(h) = handles.get_mut(&id) {
                        h.cancel();
                    }
                }
                Effect::SendComms { template, text } => {
                    let msg = self.send_comms(template, text, term);
                    let _ = self.tx.send(msg);
                }
                Effect::Alertmanager(cmd) => {
                    let request = cmd.request().to_string();
                    let sent = self
                        .alertmanager
                        .as_ref()
                        .is_some_and(|am| am.send(cmd).is_ok());
                    if !sent {
                        let _ = self.tx.send(Msg::SilenceDone {
                            request,
                            result: Err("the Alertmanager source is not running".into()),
                        });
                    }
                }
                Effect::DrillClock(c) => {
                    if let Some(d) = &self.drill {
                        let _ = d.send(c);
                    }
                }
                Effect::Quit => quit = true,
            }
        }
        quit
    }

    /// Writes a communication to the incident's `comms/` directory and
    /// copies it to the clipboard with OSC 52 (works over SSH and in tmux).
    fn send_comms(&self, template: String, text: String, term: &mut Term) -> Msg {
        let stamp = Utc::now().format("%Y%m%d-%H%M%S");
        let written = self.comms_dir.as_ref().map(|dir| {
            let path = dir.join(format!("{stamp}-{template}.md"));
            std::fs::create_dir_all(dir)
                .and_then(|_| {
                    // A file people `cat`: no terminal controls in it.
                    std::fs::write(&path, format!("{}\n", crate::sanitize::clean_text(&text)))
                })
                .map(|_| path.display().to_string())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        });
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        let _ = write!(term.backend_mut(), "\x1b]52;c;{b64}\x07");
        let _ = term.backend_mut().flush();
        match written {
            Some(Ok(file)) => Msg::CommsWritten {
                template,
                text,
                file: Some(file),
                error: None,
            },
            Some(Err(e)) => Msg::CommsWritten {
                template,
                text,
                file: None,
                error: Some(e),
            },
            None => Msg::CommsWritten {
                template,
                text,
                file: None,
                error: None,
            },
        }
    }

    pub async fn run(mut self, term: &mut Term) -> Result<()> {
        let mut sigterm = signal(SignalKind::terminate())?;
        let mut sighup = signal(SignalKind::hangup())?;
        let mut sigint = signal(SignalKind::interrupt())?;
        let mut handles: HashMap<String, Handle> = HashMap::new();
        // The size now, in case it changed while starting; from here on,
        // resize events keep the viewport right.
        let size = term.size()?;
        self.apply(Msg::Resize(size.width, size.height), &mut handles, term);
        draw(term, &mut self.state)?;
        let mut quit = false;
        let mut last_draw = tokio::time::Instant::now();
        let mut pending_draw = false;
        while !quit {
            let wait = if pending_draw {
                (last_draw + LOW_BANDWIDTH_GAP)
                    .saturating_duration_since(tokio::time::Instant::now())
            } else {
                until_next_second(&self.state)
            };
            let first = tokio::select! {
                m = self.rx.recv() => m.unwrap_or(Msg::Terminate("channel closed")),
                _ = tokio::time::sleep(wait) => Msg::Tick,
                _ = sigterm.recv() => Msg::Terminate("SIGTERM"),
                _ = sighup.recv() => Msg::Terminate("SIGHUP"),
                _ = sigint.recv() => Msg::Terminate("SIGINT"),
            };
            let mut next = Some(first);
            let mut n = 0;
            let mut urgent = pending_draw;
            while let Some(msg) = next.take() {
                urgent |= !msg.can_wait_for_tick();
                quit |= self.apply(msg, &mut handles, term);
                n += 1;
                if n < MAX_BATCH && !quit {
                    next = self.rx.try_recv().ok();
                }
            }
            if !quit && urgent {
                let now = tokio::time::Instant::now();
                if self.state.ctx.low_bandwidth && now < last_draw + LOW_BANDWIDTH_GAP {
                    pending_draw = true;
                } else {
                    draw(term, &mut self.state)?;
                    last_draw = now;
                    pending_draw = false;
                }
            }
        }
        // Commands still running are cancelled, and their end recorded.
        if !handles.is_empty() {
            for h in handles.values_mut() {
                h.cancel();
            }
            let deadline = tokio::time::Instant::now() + process::GRACE + Duration::from_secs(2);
            while !handles.is_empty() {
                match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                    Ok(Some(msg)) => {
                        self.apply(msg, &mut handles, term);
                    }
                    _ => break,
                }
            }
        }
        self.recorder.finish();
        Ok(())
    }
}
