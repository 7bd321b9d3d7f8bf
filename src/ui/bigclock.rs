//! The wallboard's big clocks: severity, elapsed time and the response
//! clock in digits five lines high, readable from across a room.

use super::theme;
use crate::state::{ResponseClock, State};
use crate::time::{countdown, hms};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// A 3x5 font for the characters clocks need.
fn glyph(c: char) -> [&'static str; 5] {
    match c {
        '0' => ["███", "█ █", "█ █", "█ █", "███"],
        '1' => [" █ ", "██ ", " █ ", " █ ", "███"],
        '2' => ["███", "  █", "███", "█  ", "███"],
        '3' => ["███", "  █", "███", "  █", "███"],
        '4' => ["█ █", "█ █", "███", "  █", "  █"],
        '5' => ["███", "█  ", "███", "  █", "███"],
        '6' => ["███", "█  ", "███", "█ █", "███"],
        '7' => ["███", "  █", "  █", "  █", "  █"],
        '8' => ["███", "█ █", "███", "█ █", "███"],
        '9' => ["███", "█ █", "███", "  █", "███"],
        ':' => ["   ", " █ ", "   ", " █ ", "   "],
        '+' => ["   ", " █ ", "███", " █ ", "   "],
        '-' => ["   ", "   ", "███", "   ", "   "],
        'P' => ["███", "█ █", "███", "█  ", "█  "],
        _ => ["   ", "   ", "   ", "   ", "   "],
    }
}

/// Text in the big font, as five lines.
pub fn big(text: &str) -> [String; 5] {
    let mut rows: [String; 5] = Default::default();
    for c in text.chars() {
        let g = glyph(c);
        for (row, part) in rows.iter_mut().zip(g) {
            row.push_str(part);
            row.push(' ');
        }
    }
    rows
}

/// One figure: its label (cut with `…`, a column short of the next
/// figure's unless it is the last) over its big digits.
fn block(f: &mut Frame, area: Rect, label: &str, text: &str, style: Style, last: bool) {
    let gap = u16::from(!last);
    let room = usize::from(area.width.saturating_sub(gap));
    let mut lines = vec![Line::styled(
        super::fit(label, room),
        style.add_modifier(ratatui::style::Modifier::BOLD),
    )];
    let rows = big(text);
    let fits = rows[0].chars().count() as u16 <= area.width;
    if fits && area.height >= 6 {
        lines.extend(rows.iter().map(|r| Line::styled(r.clone(), style)));
    } else {
        lines.push(Line::styled(text.to_string(), style));
    }
    f.render_widget(Paragraph::new(lines), area);
}

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let inc = &s.incident;
    let sev = s.ctx.playbook.severity(&inc.severity);
    let [a, b, c] = Layout::horizontal([
        Constraint::Percentage(25),
        Constraint::Percentage(40),
        Constraint::Percentage(35),
    ])
    .areas(area);
    let drill = if s.ctx.drill { "DRILL " } else { "" };
    let name = sev.map_or("", |x| x.name.as_str());
    let severity = crate::sanitize::clean(&inc.severity);
    block(
        f,
        a,
        &format!("{drill}{severity} {}", crate::sanitize::clean(name)),
        &severity,
        theme::severity(s.ctx.theme, &inc.severity),
        false,
    );
    block(
        f,
        b,
        &format!(
            "ELAPSED · {} · IC {}",
            inc.status.map_or("-", |x| x.name()),
            crate::sanitize::clean(&inc.ic)
        ),
        &hms(inc.elapsed(s.now)),
        theme::heading(s.ctx.theme),
        false,
    );
    let start = inc.response_start(|id| s.ctx.playbook.severity_rank(id));
    let (label, text, style) =
        match inc.response_clock(start, sev.and_then(|x| x.response_time()), s.now) {
            ResponseClock::Counting { left } => (
                "RESPONSE LEFT".to_string(),
                countdown(left),
                theme::heading(s.ctx.theme),
            ),
            ResponseClock::Overdue { by } => (
                "RESPONSE OVERDUE".to_string(),
                format!("+{}", countdown(by)),
                theme::bad(s.ctx.theme),
            ),
            ResponseClock::Met { after } => (
                "RESPONDED IN".to_string(),
                countdown(after),
                theme::good(s.ctx.theme),
            ),
            ResponseClock::Missed { after } => (
                "RESPONSE MISSED".to_string(),
                countdown(after),
                theme::bad(s.ctx.theme),
            ),
            ResponseClock::None => (
                "RESPONSE".to_string(),
                "-".to_string(),
                theme::dim(s.ctx.theme),
            ),
        };
    block(f, c, &label, &text, style, true);
}

#[cfg(test)]
mod tests {
    use crate::testkit::Harness;

    /// The three labels never run into each other, at any width.
    #[test]
    fn labels_are_cut_apart_at_every_width() {
        let h = Harness::drill();
        for w in 30..=140u16 {
            let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, 6)).unwrap();
            t.draw(|f| super::render(&h.state, f, f.area())).unwrap();
            let buf = t.backend().buffer();
            let row: String = (0..w).map(|x| buf[(x, 0)].symbol().to_string()).collect();
            // Each figure's area starts where the layout puts it; the
            // column before it is blank (or the label was cut with `…`
            // before it).
            let [_, b, c] = ratatui::layout::Layout::horizontal([
                ratatui::layout::Constraint::Percentage(25),
                ratatui::layout::Constraint::Percentage(40),
                ratatui::layout::Constraint::Percentage(35),
            ])
            .areas(ratatui::layout::Rect::new(0, 0, w, 6));
            for start in [b.x, c.x] {
                let before = buf[(start - 1, 0)].symbol();
                assert_eq!(before, " ", "{w} columns: {row:?}");
            }
        }
    }

    #[test]
    fn digits_are_five_lines_high() {
        let rows = super::big("P0 12:05");
        assert_eq!(rows[0], "███ ███      █  ███     ███ ███ ");
        assert!(
            rows.iter()
                .all(|r| r.chars().count() == rows[0].chars().count())
        );
    }
}
