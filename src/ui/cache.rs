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

use super::{Plan, Slot, plan, render_slot};
use crate::state::ui::Placed;
use crate::state::{Pane, State};
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
    /// The header's elapsed time as drawn (the header's key leaves it out).
    clock: Option<super::header::ClockCells>,
}

/// What the last frame was drawn from.
#[derive(Clone, Debug, Default)]
pub struct Cache {
    /// The terminal's area, when the last frame was drawn from panes
    /// alone with nothing over them (`None`: draw the next one whole).
    area: Option<Rect>,
    entries: Vec<Entry>,
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
/// which the key holds anyway). The header's key is what it shows but its
/// elapsed time, whose cells come beside it.
fn key(s: &State, slot: Slot, area: Rect, last: Option<&Entry>) -> Key {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (slot, area, s.marks.any).hash(&mut h);
    match slot {
        // Its lines are cheap beside drawing them: they are the key.
        Slot::Header => {
            let d = super::header::lines(s, area);
            d.key(&mut h);
            return Key {
                key: Some(h.finish()),
                clock: d.clock(area),
            };
        }
        // The clocks: they move every second.
        Slot::Bigclock | Slot::Injects | Slot::Tabbar(_) => return Key::default(),
        Slot::Footer | Slot::Progress | Slot::Empty => {}
        Slot::Pane(p, _) => match p {
            Pane::Checklist => {
                let shown = last.map(|e| e.steps.as_slice());
                super::checklist::time_key(s, shown, &mut h)
            }
            Pane::Timeline => {}
            Pane::Output => {
                s.marks.runs.hash(&mut h);
                super::output::time_key(s, &mut h);
            }
            Pane::Pods => {
                s.marks.pods.hash(&mut h);
                super::pods::time_key(s, area, &mut h);
            }
            Pane::Alerts => super::alerts::time_key(s, area, &mut h),
            Pane::Timers => super::timers::time_key(s, &mut h),
            Pane::Resources => {
                s.marks.host.hash(&mut h);
                super::resources::time_key(s, &mut h);
            }
        },
    }
    Key {
        key: Some(h.finish()),
        clock: None,
    }
}

/// A place's key, and the header's elapsed time.
#[derive(Clone, Debug, Default)]
struct Key {
    /// `None`: drawn every frame.
    key: Option<u64>,
    clock: Option<super::header::ClockCells>,
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
        let Some(plan) = plan(s, area) else {
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
            self.entries.push(Entry {
                slot: *slot,
                area: *r,
                key: key.key,
                steps: drawn,
                clock: key.clock.clone(),
            });
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
            if e.slot == *slot && key.key.is_some() && e.key == key.key {
                steps.extend(e.steps.iter().copied());
                // Only the header's elapsed time moved: its cells alone.
                if let Some(c) = &key.clock
                    && e.clock.as_ref() != Some(c)
                {
                    super::header::write_clock(f, c);
                    areas.push(Rect::new(c.x, c.y, c.text.len() as u16, 1).intersection(*r));
                    e.clock = Some(c.clone());
                }
                continue;
            }
            clear(f.buffer_mut(), *r);
            let drawn = render_slot(s, f, plan, *slot, *r);
            crate::sanitize::inert_cells_in(f.buffer_mut(), *r);
            steps.extend(drawn.iter().copied());
            *e = Entry {
                slot: *slot,
                area: *r,
                key: key.key,
                steps: drawn,
                clock: key.clock.clone(),
            };
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
