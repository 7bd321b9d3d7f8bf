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

/// What the pane shows that moves with the time (`ui::cache`): when each
/// clock is due (its state is in the words).
pub fn time_key(s: &State, h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    for t in &s.derived.timers {
        when(s, t).0.hash(h);
    }
}

/// One line a clock.
pub fn lines(s: &State, width: usize) -> Vec<Line<'static>> {
    let all = &s.derived.timers;
    let mut out = Vec::new();
    for t in all {
        let (when, style) = when(s, t);
        let kind = t.kind.name();
        let text = format!("{when:>12} {kind:<10} {}", clean(&t.label));
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
