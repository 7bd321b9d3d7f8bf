//! The terminal: raw mode and the alternate screen on the way in, and
//! always restored on the way out (normal exit, signals, panic).

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::style::{Attribute, SetAttribute};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

pub mod lean;

pub type Term = Terminal<lean::Lean<Stdout>>;

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Restores the terminal; safe to call more than once.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        // The frames leave the pen as their last cell had it.
        let _ = execute!(
            io::stdout(),
            SetAttribute(Attribute::Reset),
            DisableMouseCapture,
            DisableBracketedPaste,
            LeaveAlternateScreen,
            Show
        );
    }
}

/// Keeps the terminal in cockpit mode while alive.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Whether there is a terminal to draw on and read keys from, asked before
/// anything is declared: a cockpit started from a script (cron, a chat
/// bot, `ssh host cmd` without -t) must not leave a declared incident
/// behind when it cannot start.
pub fn check() -> Result<(), String> {
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        return Err("its standard output is not a terminal".into());
    }
    if !io::stdin().is_terminal()
        && std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .is_err()
    {
        return Err("there is no terminal to read keys from".into());
    }
    Ok(())
}

pub fn setup(mouse: bool) -> io::Result<(Term, Guard)> {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        prev(info);
    }));
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = Guard;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        Hide
    )?;
    if mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    // A fixed viewport, resized when the terminal says so (a resize event),
    // not asked for its size on every frame: that was an open, an ioctl
    // and a close of /dev/tty per frame, most of an idle second's cost.
    let (w, h) = crossterm::terminal::size()?;
    let term = Terminal::with_options(
        lean::Lean::new(io::stdout()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )?;
    Ok((term, guard))
}
