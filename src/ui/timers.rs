//! Clocks: what is due next, with time left; what fell due and whether it
//! was acknowledged. A pane in the wide layout, an overlay (`T`) anywhere.

use super::{fit, layout, pane_block, theme};
use crate::clocks::State as TimerState;
use crate::sanitize::clean;
use crate::state::State;
use crate::time::countdown_coarse;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// When a clock is due, and its style.
fn when(s: &State, t: &crate::state::timers::Timer) -> (String, ratatui::style::Style) {
    // On the incident's clock: drill time in a drill (`Incident::on_clock`).
    let now = s.incident.on_clock(s.now);
    match t.state(&s.incident, s.now) {
        TimerState::Upcoming => (
            format!("in {}", countdown_coarse(t.due - now)),
            ratatui::style::Style::default(),
        ),
        TimerState::Due => (
            format!("DUE +{}", countdown_coarse(now - t.due)),
            theme::bad(s.ctx.theme),
        ),
        TimerState::Acknowledged => ("✓ ack".to_string(), theme::dim(s.ctx.theme)),
    }
}

/// The column of a clock's time (`in 04:10`, `DUE +00:09`), right-aligned.
const WHEN: usize = 12;

/// What the pane shows that moves with the time (`ui::cache`): for each
/// clock on screen whose time fits its column whole, its state, and its
/// time as cells the cache writes alone (a clock counting its seconds
/// does not draw the pane again); any other clock's time in the key.
/// `hz`: when a clock falls due, or a time in the key next moves (the
/// cells' text is written anew every frame: `counted_text`).
pub fn time_key(
    s: &State,
    area: Rect,
    h: &mut impl std::hash::Hasher,
    hz: &mut crate::view::Horizon,
) -> Vec<super::cache::Cells> {
    use std::hash::Hash;
    let inc = &s.incident;
    // Inside the pane's borders; a line cut short keeps its first
    // `WHEN` cells whole when the pane is wider than them.
    let inner = area.inner(ratatui::layout::Margin::new(1, 1));
    let mut cells = Vec::new();
    for (i, t) in s.derived.timers.iter().enumerate() {
        // A clock below the pane's last row is not on screen: no text is
        // built for it, only its state keyed (cheap, and safe should the
        // pane ever show a count of due clocks).
        hz.on_clock(inc, t.due);
        if i >= inner.height as usize {
            (t.state(inc, s.now) as u8).hash(h);
            continue;
        }
        let (when, style) = when(s, t);
        let counted = inner.width as usize > WHEN && when.chars().count() <= WHEN;
        (counted, t.state(&s.incident, s.now) as u8, style).hash(h);
        if counted {
            cells.push(super::cache::Cells {
                x: inner.x,
                y: inner.y + i as u16,
                text: format!("{when:>WHEN$}"),
                style,
            });
        } else {
            when.hash(h);
            let left = t.due - inc.on_clock(s.now);
            hz.counting_on_clock(inc, t.due, crate::time::countdown_coarse_step(left));
        }
    }
    cells
}

/// The text of the counting cells of the clock on row `i` now (the key
/// kept: `ui::cache`), or `None` when it no longer fits its column or its
/// style moved: the pane is then drawn again.
pub fn counted_text(s: &State, i: usize, style: ratatui::style::Style) -> Option<String> {
    let t = s.derived.timers.get(i)?;
    let (when, now_style) = when(s, t);
    (now_style == style && when.chars().count() <= WHEN).then(|| format!("{when:>WHEN$}"))
}

/// One line a clock.
pub fn lines(s: &State, width: usize) -> Vec<Line<'static>> {
    let all = &s.derived.timers;
    let mut out = Vec::new();
    for t in all {
        let (when, style) = when(s, t);
        let kind = t.kind.name();
        let text = format!("{when:>WHEN$} {kind:<10} {}", clean(&t.label));
        out.push(Line::from(Span::styled(fit(&text, width), style)));
    }
    if out.is_empty() {
        out.push(Line::styled("no clocks running", theme::dim(s.ctx.theme)));
    }
    out
}

pub fn render(s: &State, f: &mut Frame, area: Rect, focused: bool) {
    let due = crate::view::unacknowledged(s).len();
    let title = if due > 0 {
        format!(" Clocks: {due} due (a: acknowledge) ")
    } else {
        " Clocks ".to_string()
    };
    let width = area.width.saturating_sub(2) as usize;
    f.render_widget(
        Paragraph::new(lines(s, width)).block(pane_block(s.ctx.theme, title, focused || due > 0)),
        area,
    );
}

/// Returns the last row it may be scrolled to.
pub fn overlay(s: &State, f: &mut Frame, area: Rect, scroll: u16) -> u16 {
    let r = layout::centered(area, 100, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    let width = r.width.saturating_sub(2) as usize;
    let lines = lines(s, width);
    let max = lines
        .len()
        .saturating_sub(r.height.saturating_sub(2) as usize)
        .min(u16::MAX as usize) as u16;
    let scroll = scroll.min(max);
    let block = pane_block(
        s.ctx.theme,
        " Clocks: ?/Esc close · a acknowledges from the main view ".into(),
        true,
    );
    f.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), r);
    max
}
