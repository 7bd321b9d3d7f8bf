//! The facilitator's pane: the drill clock and the scripted injects still
//! to come, soonest first, with the wall time to each and what it does.
//! Only a facilitator's seat draws it (players never see what comes next).

use super::{fit, pane_block, theme};
use crate::sanitize::clean;
use crate::state::State;
use crate::time::countdown;
use crate::time::stamp;
use chrono::TimeDelta;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The scripted injects not fired yet: (number, wall time to it or `None`
/// while paused, drill offset, what it does).
pub fn upcoming(s: &State) -> Vec<(u32, Option<TimeDelta>, TimeDelta, String)> {
    let Some(clock) = s.incident.drill_clock else {
        return Vec::new();
    };
    s.ctx
        .injects
        .iter()
        .enumerate()
        .filter(|(i, _)| !s.incident.fired.contains_key(&(*i as u32)))
        .map(|(i, inj)| {
            let off = TimeDelta::from_std(inj.offset()).unwrap_or_default();
            (i as u32, clock.wall_until(off, s.now), off, inj.summary())
        })
        .collect()
}

/// The pane's lines: the next inject in full, the rest one line each.
pub fn lines(s: &State, width: usize) -> Vec<Line<'static>> {
    let list = upcoming(s);
    let total = s.ctx.injects.len();
    let mut out = Vec::new();
    if list.is_empty() {
        out.push(Line::styled(
            format!("all {total} scripted injects fired"),
            theme::dim(s.ctx.theme),
        ));
        out.push(Line::styled(
            "i: an ad hoc inject (a stakeholder message)",
            theme::dim(s.ctx.theme),
        ));
        return out;
    }
    for (k, (n, wall, off, what)) in list.iter().enumerate() {
        let when = match wall {
            None => "paused".to_string(),
            Some(d) if *d <= TimeDelta::zero() => "now".to_string(),
            Some(d) => format!("in {}", countdown(*d)),
        };
        let head = format!("{when:>8} {} #{:<2} ", stamp(*off), n + 1);
        let what = clean(what).into_owned();
        if k == 0 {
            // The next one in full: the facilitator reads it out.
            out.push(Line::from(vec![
                Span::styled(head, theme::warn(s.ctx.theme)),
                Span::styled(what, theme::heading(s.ctx.theme)),
            ]));
        } else {
            let room = width.saturating_sub(head.chars().count());
            out.push(Line::from(vec![
                Span::styled(head, theme::dim(s.ctx.theme)),
                Span::raw(fit(&what, room)),
            ]));
        }
    }
    out
}

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(2) as usize;
    let clock = s.incident.drill_clock.map_or_else(String::new, |c| {
        let state = if c.paused {
            "⏸ paused".to_string()
        } else {
            format!("▶ {}x", c.speed)
        };
        format!(" · {} {state}", stamp(c.at(s.now)))
    });
    let left = upcoming(s).len();
    let title = format!(" Upcoming injects {left}/{}{clock} ", s.ctx.injects.len());
    let l = lines(s, width);
    // The first (next) inject wraps; the others are cut to one line.
    f.render_widget(
        Paragraph::new(l)
            .wrap(Wrap { trim: false })
            .block(pane_block(s.ctx.theme, title, false)),
        area,
    );
}
