//! The terminal drawn through the render cache (`ui::cache`): a frame
//! renders only the panes whose inputs changed, over the last frame, and
//! only the rows drawn again are compared with what the terminal shows.
//! An idle clock tick writes and compares the header's elapsed time (8
//! cells), not 40 rows.
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
        let updates = changes(&mut self.shown, &self.next, &drawn.areas);
        self.term
            .backend_mut()
            .draw(updates.iter().map(|(x, y, c)| (*x, *y, c)))?;
        self.term.hide_cursor()?;
        self.term.backend_mut().flush()?;
        Ok(drawn.placed)
    }
}

/// An area of a buffer, as a buffer of its own.
fn part(buf: &Buffer, area: Rect) -> Buffer {
    let mut content = Vec::with_capacity(area.area() as usize);
    for y in area.top()..area.bottom() {
        let i = buf.index_of(area.x, y);
        content.extend_from_slice(&buf.content[i..i + area.width as usize]);
    }
    Buffer { area, content }
}

/// Moves the cells of `part` (an area of `buf`) into `buf`; returns the
/// cells that were there, as a buffer of their own.
fn swap_in(buf: &mut Buffer, mut part: Buffer) -> Buffer {
    let w = part.area.width as usize;
    for (row, y) in (part.area.top()..part.area.bottom()).enumerate() {
        let i = buf.index_of(part.area.x, y);
        buf.content[i..i + w].swap_with_slice(&mut part.content[row * w..(row + 1) * w]);
    }
    part
}

/// What to send to turn `shown` into `next`, which differ only in
/// `areas` (none overlapping another): ratatui's diff, area by area, in
/// the terminal's order. `shown` is `next` afterwards. A pane draws
/// inside its area, a wide character included, so an area's diff is the
/// whole diff there.
fn changes(shown: &mut Buffer, next: &Buffer, areas: &[Rect]) -> Vec<(u16, u16, Cell)> {
    let mut out = Vec::new();
    for a in areas {
        if *a == next.area && shown.area == next.area {
            out.extend(
                shown
                    .diff(next)
                    .into_iter()
                    .map(|(x, y, c)| (x, y, c.clone())),
            );
            shown.content.clone_from_slice(&next.content);
        } else {
            let a = a.intersection(next.area);
            let new = part(next, a);
            let old = swap_in(shown, Buffer::empty(a));
            out.extend(
                old.diff(&new)
                    .into_iter()
                    .map(|(x, y, c)| (x, y, c.clone())),
            );
            swap_in(shown, new);
        }
    }
    out.sort_by_key(|(x, y, _)| (*y, *x));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An area's diff is the whole diff there when the rest is equal.
    #[test]
    fn an_area_diff_is_the_whole_diff_there() {
        let area = Rect::new(0, 0, 12, 6);
        let mut a = Buffer::empty(area);
        let mut b = Buffer::empty(area);
        let st = ratatui::style::Style::default();
        a.set_string(0, 0, "header 1", st);
        b.set_string(0, 0, "header 2", st);
        a.set_string(2, 3, "漢字 wid", st);
        b.set_string(2, 3, "a漢字 wi", st);
        a.set_string(0, 5, "same", st);
        b.set_string(0, 5, "same", st);
        let whole: Vec<_> = a
            .diff(&b)
            .into_iter()
            .map(|(x, y, c)| (x, y, c.clone()))
            .collect();
        let parts = [Rect::new(2, 2, 10, 3), Rect::new(0, 0, 12, 1)];
        let mut shown = a.clone();
        assert_eq!(changes(&mut shown, &b, &parts), whole);
        assert_eq!(shown, b);
        let mut shown = a.clone();
        assert_eq!(changes(&mut shown, &b, &[area]), whole);
        assert_eq!(shown, b);
    }
}
