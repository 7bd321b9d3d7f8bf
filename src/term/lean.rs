//! A backend that writes less to the terminal than ratatui's crossterm
//! backend for the same frames: the same cells in the same colours, fewer
//! bytes around them. An idle clock tick changes a handful of cells, and
//! what surrounded them was most of what was sent:
//!
//! - the pen (colours and modifiers) is remembered from frame to frame
//!   instead of reset after each one, and a change of style is one SGR
//!   sequence, naming only what changed;
//! - the cursor is moved along the row (`CSI n C`) when that is shorter than
//!   an absolute move and the column is sure (only ASCII printed since the
//!   last absolute move);
//! - hiding a hidden cursor sends nothing; a frame with nothing changed
//!   sends nothing;
//! - synchronized output (so the terminal shows a frame whole) wraps only
//!   frames big enough to be seen being drawn: a few clock digits are one
//!   small write, shown at once anyway.
//!
//! The frame is gathered in memory and written with one write at the flush.

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::queue;
use crossterm::style::{Colored, Print};
use crossterm::terminal::{BeginSynchronizedUpdate, Clear, EndSynchronizedUpdate};
use ratatui::backend::{Backend, ClearType, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use std::io::{self, Write};

/// Frames that write more than this are wrapped in synchronized output.
pub const SYNC_OVER: usize = 256;

/// The terminal's current colours and modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Default for Pen {
    fn default() -> Self {
        Self {
            fg: Color::Reset,
            bg: Color::Reset,
            underline: Color::Reset,
            modifier: Modifier::empty(),
        }
    }
}

pub struct Lean<W: Write> {
    writer: W,
    /// What is to be written at the next flush.
    out: Vec<u8>,
    /// The pen as the terminal has it; `None` when unknown (at the start).
    pen: Option<Pen>,
    /// The last cell printed, and whether the cursor surely stands right
    /// after it (only ASCII printed since the last absolute move).
    last: Option<(u16, u16, bool)>,
    /// Whether the cursor is shown; `None` when unknown.
    cursor_shown: Option<bool>,
    /// The frame being written was opened with a synchronized update.
    in_sync: bool,
}

impl<W: Write> Lean<W> {
    pub fn new(writer: W) -> Self {
        Self {
            writer,
            out: Vec::new(),
            pen: None,
            last: None,
            cursor_shown: None,
            in_sync: false,
        }
    }

    /// Moves the cursor to `(x, y)` for the next cell; whether the cursor
    /// is then surely there.
    fn move_to(&mut self, x: u16, y: u16) -> io::Result<bool> {
        match self.last {
            // Right after the last cell: no move.
            Some((lx, ly, sure)) if ly == y && lx.checked_add(1) == Some(x) => Ok(sure),
            Some((lx, ly, true)) if ly == y && x > lx + 1 => {
                let n = x - lx - 1;
                let rel = 3 + digits(n) - usize::from(n == 1);
                let abs = 4 + digits(y + 1) + digits(x + 1);
                if rel < abs {
                    if n == 1 {
                        self.out.extend_from_slice(b"\x1b[C");
                    } else {
                        write!(self.out, "\x1b[{n}C")?;
                    }
                } else {
                    queue!(self.out, MoveTo(x, y))?;
                }
                Ok(true)
            }
            _ => {
                queue!(self.out, MoveTo(x, y))?;
                Ok(true)
            }
        }
    }

    /// Brings the pen to `to` with one SGR sequence.
    fn pen_to(&mut self, to: Pen) -> io::Result<()> {
        let from = self.pen.unwrap_or_default();
        let mut params: Vec<String> = Vec::new();
        if self.pen.is_none() {
            params.push("0".into());
        }
        modifier_params(from.modifier, to.modifier, &mut params);
        if to.fg != from.fg || self.pen.is_none() && to.fg != Color::Reset {
            params.push(Colored::ForegroundColor(to.fg.into_crossterm()).to_string());
        }
        if to.bg != from.bg || self.pen.is_none() && to.bg != Color::Reset {
            params.push(Colored::BackgroundColor(to.bg.into_crossterm()).to_string());
        }
        if to.underline != from.underline || self.pen.is_none() && to.underline != Color::Reset {
            params.push(Colored::UnderlineColor(to.underline.into_crossterm()).to_string());
        }
        if !params.is_empty() {
            write!(self.out, "\x1b[{}m", params.join(";"))?;
        }
        self.pen = Some(to);
        Ok(())
    }

    /// The pen back to the terminal's default, before something that uses
    /// it (a clear fills with the background colour).
    fn reset_pen(&mut self) {
        if self.pen != Some(Pen::default()) {
            self.out.extend_from_slice(b"\x1b[0m");
            self.pen = Some(Pen::default());
        }
    }

    /// Where the bytes go.
    pub fn writer(&self) -> &W {
        &self.writer
    }
}

fn digits(n: u16) -> usize {
    n.to_string().len()
}

/// The SGR parameters from one set of modifiers to another, as ratatui's
/// crossterm backend sends them (bold and dim share one reset).
fn modifier_params(from: Modifier, to: Modifier, p: &mut Vec<String>) {
    let mut push = |s: &str| p.push(s.to_string());
    let removed = from - to;
    if removed.contains(Modifier::REVERSED) {
        push("27");
    }
    let reset_intensity = removed.intersects(Modifier::BOLD | Modifier::DIM);
    if reset_intensity {
        push("22");
        if to.contains(Modifier::DIM) {
            push("2");
        }
        if to.contains(Modifier::BOLD) {
            push("1");
        }
    }
    if removed.contains(Modifier::ITALIC) {
        push("23");
    }
    if removed.contains(Modifier::UNDERLINED) {
        push("24");
    }
    if removed.contains(Modifier::CROSSED_OUT) {
        push("29");
    }
    if removed.contains(Modifier::HIDDEN) {
        push("28");
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        push("25");
    }
    let added = to - from;
    if added.contains(Modifier::REVERSED) {
        push("7");
    }
    if added.contains(Modifier::BOLD) && !reset_intensity {
        push("1");
    }
    if added.contains(Modifier::ITALIC) {
        push("3");
    }
    if added.contains(Modifier::UNDERLINED) {
        push("4");
    }
    if added.contains(Modifier::DIM) && !reset_intensity {
        push("2");
    }
    if added.contains(Modifier::CROSSED_OUT) {
        push("9");
    }
    if added.contains(Modifier::HIDDEN) {
        push("8");
    }
    if added.contains(Modifier::SLOW_BLINK) {
        push("5");
    }
    if added.contains(Modifier::RAPID_BLINK) {
        push("6");
    }
}

impl<W: Write> Write for Lean<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.in_sync {
            queue!(self.out, EndSynchronizedUpdate)?;
            self.in_sync = false;
        }
        if !self.out.is_empty() {
            self.writer.write_all(&self.out)?;
            self.out.clear();
        }
        self.writer.flush()
    }
}

impl<W: Write> Backend for Lean<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let start = self.out.len();
        for (x, y, cell) in content {
            let here = self.move_to(x, y)?;
            let pen = Pen {
                fg: cell.fg,
                bg: cell.bg,
                underline: cell.underline_color,
                modifier: cell.modifier,
            };
            if self.pen != Some(pen) {
                self.pen_to(pen)?;
            }
            let symbol = cell.symbol();
            queue!(self.out, Print(symbol))?;
            // One column for sure: a printable ASCII character. The width
            // of anything else is the terminal's to decide.
            let ascii = symbol.len() == 1 && (symbol.as_bytes()[0] as char).is_ascii_graphic()
                || symbol == " ";
            self.last = Some((x, y, here && ascii));
        }
        if self.out.len() - start > SYNC_OVER && !self.in_sync {
            let mut begin = Vec::new();
            queue!(begin, BeginSynchronizedUpdate)?;
            self.out.splice(start..start, begin);
            self.in_sync = true;
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown != Some(false) {
            queue!(self.out, Hide)?;
            self.cursor_shown = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown != Some(true) {
            queue!(self.out, Show)?;
            self.cursor_shown = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        crossterm::cursor::position()
            .map(|(x, y)| Position { x, y })
            .map_err(io::Error::other)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        self.last = None;
        queue!(self.out, MoveTo(x, y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.reset_pen();
        self.last = None;
        queue!(
            self.out,
            Clear(match clear_type {
                ClearType::All => crossterm::terminal::ClearType::All,
                ClearType::AfterCursor => crossterm::terminal::ClearType::FromCursorDown,
                ClearType::BeforeCursor => crossterm::terminal::ClearType::FromCursorUp,
                ClearType::CurrentLine => crossterm::terminal::ClearType::CurrentLine,
                ClearType::UntilNewLine => crossterm::terminal::ClearType::UntilNewLine,
            })
        )?;
        Write::flush(self)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.last = None;
        for _ in 0..n {
            queue!(self.out, Print("\n"))?;
        }
        Write::flush(self)
    }

    fn size(&self) -> io::Result<Size> {
        let (width, height) = crossterm::terminal::size()?;
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let crossterm::terminal::WindowSize {
            columns,
            rows,
            width,
            height,
        } = crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: columns,
                height: rows,
            },
            pixels: Size { width, height },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(self)
    }
}

#[cfg(test)]
mod tests;
