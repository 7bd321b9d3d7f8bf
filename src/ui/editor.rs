//! Draws a text being typed (`edit::Text`): a frame titled with what it is
//! for, the lines scrolled so the cursor is on screen, the cursor as a
//! reversed cell, and the placeholder while it is empty.

use super::theme;
use crate::edit::Text;
use crate::sanitize::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthChar;

pub fn render(k: theme::Kind, f: &mut Frame, area: Rect, t: &Text) {
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(k, true))
        .title(super::fit(
            &clean(&t.title),
            area.width.saturating_sub(2) as usize,
        ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let (h, w) = (inner.height as usize, inner.width as usize);
    if h == 0 || w == 0 {
        return;
    }
    let (row, col) = t.cursor();
    let cursor = theme::selected(k, true).add_modifier(Modifier::REVERSED);
    if t.is_empty() && !t.placeholder.is_empty() {
        let p = super::fit(&clean(&t.placeholder), w.saturating_sub(1));
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(" ", cursor),
                Span::styled(p, theme::dim(k)),
            ])),
            inner,
        );
        return;
    }
    let top = (row + 1).saturating_sub(h);
    let lines: Vec<Line> = t
        .lines()
        .iter()
        .enumerate()
        .skip(top)
        .take(h)
        .map(|(i, l)| {
            let chars: Vec<char> = l.chars().collect();
            if i != row {
                return Line::raw(super::fit(&clean(l), w));
            }
            // The cursor's line scrolls sideways to keep the cursor in view.
            let width = |cs: &[char]| cs.iter().map(|c| c.width().unwrap_or(0)).sum::<usize>();
            let mut start = 0;
            while start < col && width(&chars[start..col]) + 1 > w {
                start += 1;
            }
            let before: String = chars[start..col].iter().collect();
            let at: String = chars.get(col).map_or(" ".to_string(), |c| c.to_string());
            let after: String = chars.iter().skip(col + 1).collect();
            Line::from(vec![
                Span::raw(clean(&before).into_owned()),
                Span::styled(clean(&at).into_owned(), cursor),
                Span::raw(clean(&after).into_owned()),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// A one-line text as spans `width` columns wide at most: scrolled so the
/// cursor (a thin bar) stays in view, in `style`.
pub fn one_line(t: &Text, width: usize, style: Style) -> Vec<Span<'static>> {
    let chars: Vec<char> = t
        .lines()
        .first()
        .map_or(Vec::new(), |l| l.chars().collect());
    let col = t.cursor().1.min(chars.len());
    let w = |cs: &[char]| cs.iter().map(|c| c.width().unwrap_or(0)).sum::<usize>();
    // The bar takes a column; what is before the cursor gets the rest.
    let room = width.saturating_sub(1).max(1);
    let mut start = 0;
    while start < col && w(&chars[start..col]) > room {
        start += 1;
    }
    let before: String = chars[start..col].iter().collect();
    let mut after = String::new();
    let mut used = w(&chars[start..col]) + 1;
    for c in &chars[col..] {
        let cw = c.width().unwrap_or(0);
        if used + cw > width {
            break;
        }
        after.push(*c);
        used += cw;
    }
    vec![Span::styled(
        format!("{}▏{}", clean(&before), clean(&after)),
        style,
    )]
}
