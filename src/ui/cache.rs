//! The render cache: a pane whose inputs did not change since the last
//! frame is not rendered again; its cells stay as they are in the buffer,
//! which holds the last frame. An idle clock tick renders the header's
//! clock and little else.
//!
//! A pane's key is what it was drawn from: its place and focus, the
//! state's change counters it reads (`state::Marks`, bumped by `update`)
//! and what it shows that moves with the time, at the granularity it
//! shows it (each pane's `time_key`, beside its drawing: ages in seconds,
//! minutes or days as they are written). A pane is drawn again when its
//! key changed; the whole frame when the terminal's size or the layout's
//! geometry changed, a dialog is or was open, or the terminal is too
//! small. `draw` stays a pure read of the state; the cache is the loop's
//! value, handed in with the frame.
//!
//! Checked by `tests`: after every step of random sequences of messages,
//! keys, ticks and resizes, the cached frame equals one drawn whole.

use super::{Plan, Slot, layout, plan_with, render_slot};
use crate::state::ui::Placed;
use crate::state::{Marks, Pane, State};
use crate::view::Horizon;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::hash::{Hash, Hasher};

/// One place as the last frame drew it.
#[derive(Clone, Debug)]
struct Entry {
    slot: Slot,
    area: Rect,
    /// `None`: drawn every frame.
    key: Option<u64>,
    /// The checklist's step rows, for the mouse.
    steps: Vec<(u16, usize)>,
    /// The counting cells as drawn (the key leaves their text out).
    cells: Vec<Cells>,
    /// The change counters and the time the key was computed at, and
    /// until when it holds (`Horizon`).
    marks: Marks,
    from: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
}

impl Entry {
    fn new(s: &State, slot: Slot, area: Rect, key: &Key, steps: Vec<(u16, usize)>) -> Self {
        Self {
            slot,
            area,
            key: key.key,
            steps,
            cells: key.cells.clone(),
            marks: read(slot, &s.marks),
            from: s.now,
            until: key.until,
        }
    }

    /// The key just found equal to this one: it holds from now until its
    /// own horizon.
    fn renew(&mut self, s: &State, key: &Key) {
        self.marks = read(self.slot, &s.marks);
        self.from = s.now;
        self.until = key.until;
    }

    /// The key as computed last, when it still holds: no change counter
    /// moved, the time did not go back, and nothing the pane shows from
    /// the clock moved (`until`). The counting cells are written anew: the
    /// header's elapsed time when its width is the same, the clocks' times
    /// when they still fit their column in the same style.
    fn kept(&self, s: &State) -> Option<Key> {
        let holds = self.key.is_some()
            && self.marks == read(self.slot, &s.marks)
            && self.from <= s.now
            && self.until.is_none_or(|u| s.now < u);
        if !holds {
            return None;
        }
        let cells = match self.slot {
            _ if self.cells.is_empty() => Vec::new(),
            Slot::Header => {
                let elapsed = super::header::elapsed(s);
                if self.cells.iter().any(|c| c.text.len() != elapsed.len()) {
                    return None;
                }
                self.cells
                    .iter()
                    .map(|c| Cells {
                        text: elapsed.clone(),
                        ..c.clone()
                    })
                    .collect()
            }
            // The clocks counting their seconds, each on its row.
            Slot::Pane(Pane::Timers, _) => self
                .cells
                .iter()
                .map(|c| {
                    let row = c.y.checked_sub(self.area.y + 1)? as usize;
                    Some(Cells {
                        text: super::timers::counted_text(s, row, c.style)?,
                        ..c.clone()
                    })
                })
                .collect::<Option<Vec<_>>>()?,
            _ => return None,
        };
        Some(Key {
            key: self.key,
            cells,
            until: self.until,
        })
    }
}

/// Cells a pane writes alone when only they moved: the header's elapsed
/// time, a clock counting in the clocks pane. Where they start
/// (absolute), what they show, in what style. A pane's key holds their
/// place, width and style, never their text: with the key unchanged the
/// pane is as drawn but for these cells, written over it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cells {
    pub x: u16,
    pub y: u16,
    pub text: String,
    pub style: ratatui::style::Style,
}

impl Cells {
    /// Writes the cells over a pane drawn with the same key (their style
    /// is the one drawn there: it is in the key); returns where, within
    /// `area`.
    fn write(&self, f: &mut Frame, area: Rect) -> Rect {
        let width = unicode_width::UnicodeWidthStr::width(self.text.as_str());
        f.buffer_mut()
            .set_stringn(self.x, self.y, &self.text, width, self.style);
        Rect::new(self.x, self.y, width as u16, 1).intersection(area)
    }
}

/// What the last frame was drawn from.
#[derive(Clone, Debug, Default)]
pub struct Cache {
    /// The terminal's area, when the last frame was drawn from panes
    /// alone with nothing over them (`None`: draw the next one whole).
    area: Option<Rect>,
    entries: Vec<Entry>,
    /// The last layout placed: placed again only when what it is placed
    /// from changed.
    placed: layout::Memo,
}

/// A frame drawn through the cache.
#[derive(Clone, Debug, Default)]
pub struct Drawn {
    /// Where things were placed (as `ui::draw` returns it).
    pub placed: Placed,
    /// The areas drawn again (none overlaps another): the others are as
    /// the last frame left them.
    pub areas: Vec<Rect>,
}

/// A place's key: `None` when it is drawn every frame. `last`: how the
/// last frame drew this place, if it drew the same slot there (the rows
/// on screen then are the rows on screen now unless `marks.any` moved,
/// which the key holds anyway). A pane whose counting cells come beside
/// its key (the header's elapsed time, the clocks) keys all it shows but
/// their text. The last key is kept while it holds (`Entry::kept`).
fn key(s: &State, slot: Slot, area: Rect, last: Option<&Entry>) -> Key {
    if let Some(k) = last.and_then(|e| e.kept(s)) {
        return k;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut hz = Horizon::new(s.now);
    (slot, area, s.marks.any).hash(&mut h);
    match slot {
        // What moves with the time, but the elapsed time's digits: with
        // the key unchanged, those digits are written where the last
        // frame placed them; the lines are built only to place them anew.
        Slot::Header => {
            let elapsed = super::header::elapsed(s);
            super::header::time_key(s, area, &elapsed, &mut h, &mut hz);
            let key = h.finish();
            let cells = match last {
                Some(e) if e.key == Some(key) => e
                    .cells
                    .iter()
                    .map(|c| Cells {
                        text: elapsed.clone(),
                        ..c.clone()
                    })
                    .collect(),
                _ => super::header::lines(s, area)
                    .clock(area)
                    .into_iter()
                    .collect(),
            };
            return Key {
                key: Some(key),
                cells,
                until: hz.until(),
            };
        }
        // The clocks: they move every second.
        Slot::Bigclock | Slot::Injects | Slot::Tabbar(_) => return Key::default(),
        Slot::Footer | Slot::Progress | Slot::Empty => {}
        Slot::Pane(p, _) => match p {
            Pane::Checklist => {
                let shown = last.map(|e| e.steps.as_slice());
                super::checklist::time_key(s, shown, &mut h, &mut hz)
            }
            Pane::Timeline => {}
            Pane::Output => {
                s.marks.runs.hash(&mut h);
                super::output::time_key(s, &mut h, &mut hz);
            }
            Pane::Pods => {
                s.marks.pods.hash(&mut h);
                super::pods::time_key(s, area, &mut h, &mut hz);
            }
            Pane::Alerts => super::alerts::time_key(s, area, &mut h, &mut hz),
            Pane::Timers => {
                let cells = super::timers::time_key(s, area, &mut h, &mut hz);
                return Key {
                    key: Some(h.finish()),
                    cells,
                    until: hz.until(),
                };
            }
            Pane::Resources => {
                s.marks.host.hash(&mut h);
                super::resources::time_key(s, &mut h, &mut hz);
            }
        },
    }
    Key {
        key: Some(h.finish()),
        cells: Vec::new(),
        until: hz.until(),
    }
}

/// The change counters a place's key reads: `any`, and the one of the
/// pane's own frequent inputs (a host sample, pod metrics, a command's
/// output); the header reads them all (the severity it suggests follows
/// the figures).
fn read(slot: Slot, m: &Marks) -> Marks {
    let mut r = Marks {
        any: m.any,
        ..Marks::default()
    };
    match slot {
        Slot::Header => return *m,
        Slot::Pane(Pane::Resources, _) => r.host = m.host,
        Slot::Pane(Pane::Pods, _) => r.pods = m.pods,
        Slot::Pane(Pane::Output, _) => r.runs = m.runs,
        _ => {}
    }
    r
}

/// A place's key, and the cells it writes alone.
#[derive(Clone, Debug, Default)]
struct Key {
    /// `None`: drawn every frame.
    key: Option<u64>,
    cells: Vec<Cells>,
    /// Until when it holds (`Horizon`; `None`: while the counters stand).
    until: Option<DateTime<Utc>>,
}

/// Whether two places overlap.
fn overlap(a: Rect, b: Rect) -> bool {
    !a.intersection(b).is_empty()
}

impl Cache {
    /// Forgets the last frame: the next one is drawn whole.
    pub fn clear(&mut self) {
        self.area = None;
        self.entries.clear();
    }

    /// Draws the state into `f`, whose buffer holds the frame this cache
    /// drew last (the caller keeps it so; anything else, after `clear`).
    /// Returns where things were placed and the rows drawn again.
    pub fn draw(&mut self, s: &State, f: &mut Frame) -> Drawn {
        let area = f.area();
        let Some(plan) = plan_with(s, area, &mut self.placed) else {
            self.clear();
            f.buffer_mut().reset();
            let placed = super::draw(s, f);
            return Drawn {
                placed,
                areas: vec![area],
            };
        };
        let keys: Vec<Key> = plan
            .slots
            .iter()
            .enumerate()
            .map(|(i, (slot, r))| {
                let last = self
                    .entries
                    .get(i)
                    .filter(|e| e.slot == *slot && e.area == *r && self.area == Some(area));
                key(s, *slot, *r, last)
            })
            .collect();
        let overlaid = super::overlaid(s);
        // Drawn in part only over the same geometry, nothing over it now
        // or then, and no two places overlapping.
        let same_geometry = self.area == Some(area)
            && self.entries.len() == plan.slots.len()
            && self
                .entries
                .iter()
                .zip(&plan.slots)
                .all(|(e, (_, r))| e.area == *r);
        let disjoint = plan.slots.iter().enumerate().all(|(i, (_, a))| {
            plan.slots[i + 1..]
                .iter()
                .all(|(_, b)| a.is_empty() || b.is_empty() || !overlap(*a, *b))
        });
        let drawn = if same_geometry && disjoint && !overlaid {
            self.draw_changed(s, f, &plan, &keys)
        } else {
            self.draw_whole(s, f, &plan, &keys)
        };
        self.area = (!overlaid).then_some(area);
        drawn
    }

    /// Every place, and the dialog over them.
    fn draw_whole(&mut self, s: &State, f: &mut Frame, plan: &Plan, keys: &[Key]) -> Drawn {
        let area = f.area();
        f.buffer_mut().reset();
        self.entries.clear();
        let mut steps = Vec::new();
        for ((slot, r), key) in plan.slots.iter().zip(keys) {
            let drawn = render_slot(s, f, plan, *slot, *r);
            steps.extend(drawn.iter().copied());
            self.entries.push(Entry::new(s, *slot, *r, key, drawn));
        }
        let scroll_max = super::overlay(s, f, area, &mut steps);
        crate::sanitize::inert_cells(f.buffer_mut());
        Drawn {
            placed: super::placed(s, &plan.placement, steps, scroll_max),
            areas: vec![area],
        }
    }

    /// Only the places whose key changed, over the last frame.
    fn draw_changed(&mut self, s: &State, f: &mut Frame, plan: &Plan, keys: &[Key]) -> Drawn {
        let mut steps = Vec::new();
        let mut areas: Vec<Rect> = Vec::new();
        for ((e, (slot, r)), key) in self.entries.iter_mut().zip(&plan.slots).zip(keys) {
            if e.slot == *slot
                && key.key.is_some()
                && e.key == key.key
                && e.cells.len() == key.cells.len()
            {
                steps.extend(e.steps.iter().copied());
                e.renew(s, key);
                // Only counting cells moved: they alone.
                for (c, was) in key.cells.iter().zip(&mut e.cells) {
                    if c != was {
                        areas.push(c.write(f, *r));
                        *was = c.clone();
                    }
                }
                continue;
            }
            clear(f.buffer_mut(), *r);
            let drawn = render_slot(s, f, plan, *slot, *r);
            crate::sanitize::inert_cells_in(f.buffer_mut(), *r);
            steps.extend(drawn.iter().copied());
            *e = Entry::new(s, *slot, *r, key, drawn);
            areas.push(*r);
        }
        // The pods filter is typed in place (nothing over the panes), but
        // a click reaches no step under it either, as in a whole frame.
        if !super::steps_clickable(s) {
            steps.clear();
        }
        Drawn {
            placed: super::placed(s, &plan.placement, steps, None),
            areas,
        }
    }
}

/// Resets the cells of `area` (as a new frame's are).
fn clear(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        let start = buf.index_of(area.x, y);
        for cell in &mut buf.content[start..start + area.width as usize] {
            cell.reset();
        }
    }
}

#[cfg(test)]
mod tests;
