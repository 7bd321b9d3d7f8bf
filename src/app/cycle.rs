//! The loop's decisions, without a terminal or a clock of its own: apply a
//! batch of messages and hand their effects on, decide whether a frame is
//! due (something that cannot wait changed; with `--low-bandwidth`, not
//! within a second of the last frame), how long to wait, and what is still
//! outstanding at the end (commands to cancel, files being written).
//!
//! The terminal is a [`Screen`]; the effects go to an
//! [`Effects`](super::effects::Effects). Both are traits so the tests run
//! all of this with a test backend and a store in a temporary directory.

use super::effects::Effects;
use crate::msg::{Effect, Msg};
use crate::state::State;
use crate::state::ui::Placed;
use crate::update::update;
use anyhow::Result;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// At most this many messages are applied between two frames, so a flood
/// (a command's output, a burst of watch events) cannot starve the screen.
pub const MAX_BATCH: usize = 4096;

/// With `--low-bandwidth`, frames at most this often.
pub const LOW_BANDWIDTH_GAP: Duration = Duration::from_secs(1);

/// The terminal, as the loop uses it.
pub trait Screen {
    /// Its size now.
    fn size(&mut self) -> Result<(u16, u16)>;
    /// It was resized (a resize event): the next frame is drawn at `w`×`h`.
    fn resize(&mut self, w: u16, h: u16);
    /// Draws a frame of the state; where it placed things.
    fn draw(&mut self, state: &State) -> Result<Placed>;
    /// Copies text to the clipboard (OSC 52), in order with the frames.
    fn copy(&mut self, text: &str);
}

/// The state, the effects, and what the loop needs to remember between
/// batches.
pub struct Cycle<E> {
    pub state: State,
    pub fx: E,
    /// Commands started and not yet ended: cancelled at the end.
    running: BTreeSet<String>,
    /// Communications being written: their answer is awaited at the end,
    /// so what they record is not lost.
    writing: usize,
    /// Something changed that the screen does not show yet.
    dirty: bool,
    last_draw: Option<Instant>,
}

impl<E: Effects> Cycle<E> {
    pub fn new(state: State, fx: E) -> Self {
        Self {
            state,
            fx,
            running: BTreeSet::new(),
            writing: 0,
            dirty: false,
            last_draw: None,
        }
    }

    /// The first frame, at the terminal's size now (it may have changed
    /// while starting; from here on, resize events keep it right).
    pub fn start(&mut self, screen: &mut impl Screen, now: Instant) -> Result<()> {
        let (w, h) = screen.size()?;
        self.apply(Msg::Resize(w, h), screen);
        self.draw(screen)?;
        self.last_draw = Some(now);
        self.dirty = false;
        Ok(())
    }

    /// Applies one message and carries out its effects, then what answered
    /// at once; true to quit.
    pub fn apply(&mut self, msg: Msg, screen: &mut impl Screen) -> bool {
        let mut quit = false;
        let mut next = Some(msg);
        while let Some(msg) = next.take() {
            match &msg {
                Msg::RunExited { run, .. } => {
                    self.running.remove(run);
                    self.fx.run_ended(run);
                }
                Msg::CommsWritten { .. } => self.writing = self.writing.saturating_sub(1),
                // The viewport follows the terminal's resize events.
                Msg::Resize(w, h) => screen.resize(*w, *h),
                _ => {}
            }
            for fx in update(&mut self.state, msg, Utc::now()) {
                match &fx {
                    Effect::Quit => quit = true,
                    Effect::Spawn(spec) => {
                        self.running.insert(spec.run.clone());
                    }
                    Effect::SendComms { text, .. } => {
                        // The clipboard is the terminal's; the file is the
                        // effect's.
                        screen.copy(text);
                        self.writing += 1;
                    }
                    _ => {}
                }
                self.fx.carry_out(fx);
            }
            next = self.fx.answer();
        }
        quit
    }

    /// Applies `first` and what is pending after it (`more`), at most
    /// `MAX_BATCH` messages and none after a quit; true to quit. A frame
    /// becomes due when a message that cannot wait for the tick came.
    pub fn batch(
        &mut self,
        first: Msg,
        mut more: impl FnMut() -> Option<Msg>,
        screen: &mut impl Screen,
    ) -> bool {
        let mut next = Some(first);
        let mut n = 0;
        let mut quit = false;
        while let Some(msg) = next.take() {
            self.dirty |= !msg.can_wait_for_tick();
            quit |= self.apply(msg, screen);
            n += 1;
            if n < MAX_BATCH && !quit {
                next = more();
            }
        }
        quit
    }

    /// Draws if a frame is due and the low-bandwidth gap allows it at
    /// `now`; whether it drew.
    pub fn frame(&mut self, screen: &mut impl Screen, now: Instant) -> Result<bool> {
        if !self.dirty {
            return Ok(false);
        }
        let held = self.state.ctx.low_bandwidth
            && self.last_draw.is_some_and(|t| now < t + LOW_BANDWIDTH_GAP);
        if held {
            return Ok(false);
        }
        self.draw(screen)?;
        self.last_draw = Some(now);
        self.dirty = false;
        Ok(true)
    }

    /// How long to wait for a message from `now` before the clock moves on
    /// (a tick), or a frame held back by the low-bandwidth gap is due.
    pub fn wait(&self, now: Instant) -> Duration {
        match self.last_draw {
            Some(t) if self.dirty => (t + LOW_BANDWIDTH_GAP).saturating_duration_since(now),
            _ => until_next_second(&self.state, Utc::now()),
        }
    }

    /// Draws a frame and hands where it placed things back to `update`
    /// when they moved (a tick's frame places everything where it was:
    /// nothing to hand on); a second frame follows only when that moved
    /// the focus (a layout without the focused pane).
    fn draw(&mut self, screen: &mut impl Screen) -> Result<()> {
        for _ in 0..2 {
            let placed = screen.draw(&self.state)?;
            if placed == self.state.ui.placed {
                break;
            }
            let focus = self.state.ui.focus;
            // Geometry only: it asks for no effect.
            let _ = update(&mut self.state, Msg::Drawn(Box::new(placed)), Utc::now());
            if self.state.ui.focus == focus {
                break;
            }
        }
        Ok(())
    }

    /// At the end: cancels the commands still running (their end comes as
    /// `RunExited`, and is recorded).
    pub fn cancel_running(&mut self) {
        for id in self.running.clone() {
            self.fx.carry_out(Effect::Cancel(id));
        }
    }

    /// At the very end: a cancelled command whose end did not come within
    /// the wait (a process stuck in the kernel, a machine too loaded to
    /// reap it in time) is recorded as what it was, cancelled by the
    /// cockpit with its exit unknown, so no run is left without an end.
    pub fn give_up_running(&mut self, screen: &mut impl Screen) {
        for run in self.running.clone() {
            let duration = self
                .state
                .runs
                .list
                .iter()
                .find(|r| r.id == run)
                .and_then(|r| (Utc::now() - r.started).to_std().ok())
                .unwrap_or_default();
            let outcome = crate::command::run::Outcome::Cancelled {
                exit: None,
                signal: None,
            };
            self.apply(
                Msg::RunExited {
                    run,
                    outcome,
                    duration,
                },
                screen,
            );
        }
    }

    /// Whether answers are still owed: commands running, files being
    /// written.
    pub fn outstanding(&self) -> bool {
        !self.running.is_empty() || self.writing > 0
    }
}

/// How long until the clocks should move on screen: the next second, or
/// with `--low-bandwidth` the next fifth second.
pub fn until_next_second(state: &State, now: DateTime<Utc>) -> Duration {
    let base = state.incident.declared_at.unwrap_or(now);
    let period: i64 = if state.ctx.low_bandwidth { 5000 } else { 1000 };
    let ms = (now - base).num_milliseconds().rem_euclid(period);
    // A few ms late rather than early, so the second has surely turned.
    Duration::from_millis((period - ms) as u64 + 5)
}
