//! The loop: wait for a message (a signal is one: `sources::signals`) or
//! the next visible second; apply everything pending; draw once. No
//! fixed-rate redraw.
//!
//! What to apply, when to draw and what to cancel at the end are decided in
//! [`cycle`], without a terminal; the effects are carried out behind the
//! [`effects::Effects`] trait ([`effects::Live`] here, [`effects::Direct`]
//! in the tests). This file is the waiting and the terminal.

pub mod cycle;
pub mod effects;
pub mod paint;
#[cfg(test)]
mod tests;
pub mod ticker;

use crate::msg::Msg;
use crate::runner::process;
use crate::state::State;
use crate::state::ui::Placed;
use anyhow::Result;
use cycle::{Cycle, Screen};
use effects::{Effects, Live};
pub use paint::Painted;
use std::io::Write;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

pub struct Loop<E> {
    pub cycle: Cycle<E>,
    pub rx: UnboundedReceiver<Msg>,
    /// Messages that can wait for the next tick (the host's samples, every
    /// few seconds): sending them does not wake the loop, which takes them
    /// with whatever wakes it next, at the latest the tick.
    pub paced: Option<std::sync::mpsc::Receiver<Msg>>,
}

/// The terminal, drawn through the render cache.
pub type TermScreen = Painted<crate::term::lean::Lean<std::io::Stdout>>;

impl Screen for TermScreen {
    fn size(&mut self) -> Result<(u16, u16)> {
        let size = self.term.size()?;
        Ok((size.width, size.height))
    }

    fn resize(&mut self, w: u16, h: u16) {
        // The viewport is fixed (no size query per frame): it follows the
        // terminal's resize events, cleared so nothing stale stays. A
        // terminal that cannot be written to fails the next draw, which
        // ends the loop with the error.
        let _ = Painted::resize(self, ratatui::layout::Rect::new(0, 0, w, h));
    }

    fn draw(&mut self, state: &State) -> Result<Placed> {
        // The backend writes the frame at once, in a synchronized update
        // when it is big (`term::lean`).
        Ok(Painted::draw(self, state)?)
    }

    /// OSC 52: works over SSH and in tmux.
    fn copy(&mut self, text: &str) {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        let _ = write!(self.term.backend_mut(), "\x1b]52;c;{b64}\x07");
        let _ = self.term.backend_mut().flush();
    }
}

impl<E: Effects> Loop<E> {
    pub fn new(state: State, fx: E, rx: UnboundedReceiver<Msg>) -> Self {
        Self {
            cycle: Cycle::new(state, fx),
            rx,
            paced: None,
        }
    }

    /// With a channel for messages that can wait for the tick.
    pub fn with_paced(mut self, paced: std::sync::mpsc::Receiver<Msg>) -> Self {
        self.paced = Some(paced);
        self
    }

    /// Runs until a quit: waits, applies a batch, draws when a frame is
    /// due; at the end cancels the commands still running and waits (a
    /// while) for what is still owed, so their end is recorded. A frame
    /// that cannot be written (the terminal is gone: a dropped SSH link
    /// whose hang-up did not reach us) ends it the same way, with the
    /// error.
    pub async fn drive(&mut self, screen: &mut impl Screen) -> Result<()> {
        self.cycle.start(screen, std::time::Instant::now())?;
        let mut ticker = ticker::Ticker::new();
        let mut lost = None;
        loop {
            let wait = self.cycle.wait(std::time::Instant::now());
            let first = tokio::select! {
                m = self.rx.recv() => m.unwrap_or(Msg::Terminate("channel closed")),
                _ = ticker.sleep(wait) => Msg::Tick,
            };
            let (rx, paced) = (&mut self.rx, &self.paced);
            let more = || {
                rx.try_recv()
                    .ok()
                    .or_else(|| paced.as_ref()?.try_recv().ok())
            };
            if self.cycle.batch(first, more, screen) {
                break;
            }
            if let Err(e) = self.cycle.frame(screen, std::time::Instant::now()) {
                lost = Some(e.context("the terminal cannot be written to"));
                break;
            }
        }
        self.cycle.cancel_running();
        if self.cycle.outstanding() {
            let deadline = tokio::time::Instant::now() + process::GRACE + Duration::from_secs(2);
            while self.cycle.outstanding() {
                match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                    Ok(Some(msg)) => {
                        self.cycle.apply(msg, screen);
                    }
                    _ => break,
                }
            }
            self.cycle.give_up_running(screen);
        }
        lost.map_or(Ok(()), Err)
    }
}

impl Loop<Live> {
    /// The cockpit on the terminal, until a quit or a signal; every append
    /// is durable when it returns, an error's too.
    pub async fn run(mut self, term: &mut TermScreen) -> Result<()> {
        let ended = self.drive(term).await;
        self.cycle.fx.finish();
        ended
    }
}
