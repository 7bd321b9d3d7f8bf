//! The terminal drawn through the render cache (`ui::cache`): a frame
//! renders only the panes whose inputs changed, over the last frame, and
//! only the rows drawn again are compared with what the terminal shows.
//! An idle clock tick renders and compares the header's rows, not 40.
//!
//! ratatui's `Terminal` is kept for its backend and its `Frame`; its own
//! two buffers and whole-screen diff are not used: `shown` is what the
//! terminal shows, `next` the frame being drawn.

use crate::state::State;
use crate::state::ui::Placed;
use crate::ui::cache::Cache;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use std::ops::Range;

pub struct Painted<B: Backend> {
    pub term: Terminal<B>,
    cache: Cache,
    /// What the terminal shows.
    shown: Buffer,
    /// The frame being drawn: what the terminal shows but for the rows
    /// drawn again.
    next: Buffer,
}

impl<B: Backend> Painted<B> {
    pub fn new(mut term: Terminal<B>) -> Self {
        let area = term.get_frame().area();
        Self {
            term,
            cache: Cache::default(),
            shown: Buffer::empty(area),
            next: Buffer::empty(area),
        }
    }

    /// The viewport follows the terminal's size: cleared, so nothing stale
    /// stays, and the next frame drawn whole. The same size again costs
    /// nothing (some terminals repeat resize events).
    pub fn resize(&mut self, area: Rect) -> Result<(), B::Error> {
        if self.term.get_frame().area() == area {
            return Ok(());
        }
        self.term.resize(area)?;
        self.shown = Buffer::empty(area);
        self.next = Buffer::empty(area);
        self.cache.clear();
        Ok(())
    }

    /// Draws a frame of the state: renders what changed, sends the cells
    /// that differ from the screen; where it placed things.
    pub fn draw(&mut self, s: &State) -> Result<Placed, B::Error> {
        std::mem::swap(self.term.current_buffer_mut(), &mut self.next);
        let drawn = self.cache.draw(s, &mut self.term.get_frame());
        std::mem::swap(self.term.current_buffer_mut(), &mut self.next);
        let updates = changes(&self.shown, &self.next, &drawn.rows);
        self.term
            .backend_mut()
            .draw(updates.iter().map(|(x, y, c)| (*x, *y, c)))?;
        for rows in &drawn.rows {
            let band = span(&self.next, rows);
            self.shown.content[band.clone()].clone_from_slice(&self.next.content[band]);
        }
        self.term.hide_cursor()?;
        self.term.backend_mut().flush()?;
        Ok(drawn.placed)
    }
}

/// The cells' indices of a band of rows.
fn span(buf: &Buffer, rows: &Range<u16>) -> Range<usize> {
    let w = buf.area.width as usize;
    let top = buf.area.y;
    let start = rows.start.clamp(top, buf.area.bottom()) - top;
    let end = rows.end.clamp(top, buf.area.bottom()) - top;
    start as usize * w..end as usize * w
}

/// A band of rows of a buffer, as a buffer of its own.
fn band(buf: &Buffer, rows: &Range<u16>) -> Buffer {
    let cells = span(buf, rows);
    let height = (cells.len() / (buf.area.width.max(1) as usize)) as u16;
    Buffer {
        area: Rect::new(
            buf.area.x,
            rows.start.max(buf.area.y),
            buf.area.width,
            height,
        ),
        content: buf.content[cells].to_vec(),
    }
}

/// What to send to turn `shown` into `next`, which differ only in `rows`:
/// ratatui's diff, row band by row band.
fn changes(shown: &Buffer, next: &Buffer, rows: &[Range<u16>]) -> Vec<(u16, u16, Cell)> {
    if shown.area != next.area {
        return next
            .content
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let p = next.pos_of(i);
                (p.0, p.1, c.clone())
            })
            .collect();
    }
    let whole = next.area.y..next.area.bottom();
    if rows.len() == 1 && rows[0] == whole {
        return shown
            .diff(next)
            .into_iter()
            .map(|(x, y, c)| (x, y, c.clone()))
            .collect();
    }
    let mut out = Vec::new();
    for r in rows {
        let (old, new) = (band(shown, r), band(next, r));
        out.extend(
            old.diff(&new)
                .into_iter()
                .map(|(x, y, c)| (x, y, c.clone())),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A band's diff is the whole diff's rows when the rest is equal.
    #[test]
    fn a_band_diff_is_the_whole_diff_there() {
        let area = Rect::new(0, 0, 12, 6);
        let mut a = Buffer::empty(area);
        let mut b = Buffer::empty(area);
        a.set_string(0, 0, "header 1", ratatui::style::Style::default());
        b.set_string(0, 0, "header 2", ratatui::style::Style::default());
        a.set_string(0, 3, "漢字 wide", ratatui::style::Style::default());
        b.set_string(0, 3, "a漢字 wide", ratatui::style::Style::default());
        a.set_string(0, 5, "same", ratatui::style::Style::default());
        b.set_string(0, 5, "same", ratatui::style::Style::default());
        let whole: Vec<_> = a
            .diff(&b)
            .into_iter()
            .map(|(x, y, c)| (x, y, c.clone()))
            .collect();
        assert_eq!(changes(&a, &b, &[0..1, 3..4]), whole);
        let all: Vec<Range<u16>> = std::iter::once(0..6).collect();
        assert_eq!(changes(&a, &b, &all), whole);
        assert_eq!(changes(&a, &b, &[0..2, 2..6]), whole);
    }
}
