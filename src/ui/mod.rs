//! Rendering: a pure function of the state. `draw` only reads; each pane
//! has its own file.

pub mod alerts;
pub mod checklist;
pub mod dialog;
pub mod footer;
pub mod header;
pub mod help;
pub mod keymap;
pub mod layout;
pub mod output;
pub mod pods;
pub mod resources;
pub mod run_dialog;
pub mod theme;
pub mod timeline;

use crate::state::{Modal, Pane, State};
use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw(s: &State, f: &mut Frame) {
    let area = f.area();
    if layout::too_small(area) {
        let msg = Paragraph::new(vec![
            Line::from("Terminal too small"),
            Line::from(format!(
                "{}x{}, need {}x{}",
                area.width,
                area.height,
                layout::MIN_WIDTH,
                layout::MIN_HEIGHT
            )),
            Line::from("The record is safe; enlarge the window."),
        ])
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
        f.render_widget(msg, area);
        return;
    }
    let o = &s.observed;
    let a = layout::areas(
        area,
        layout::Content {
            // The live source's lines count as rows.
            pods: o.pods.len()
                + o.kube.as_ref().map_or(0, |v| {
                    let w = area.width.saturating_sub(2) as usize;
                    pods::status_lines(s, v, w).len()
                }),
            alerts: o.alerts.len(),
            figures: o.figures.len(),
            show_pods: s.ctx.observes_pods,
            show_alerts: s.ctx.observes_alerts,
            output: !s.runs.list.is_empty(),
        },
    );
    header::render(s, f, a.header);
    footer::render(s, f, a.footer);
    if s.ui.zoom {
        // The focused pane alone, over the whole body.
        let body = ratatui::layout::Rect {
            y: a.header.bottom(),
            height: a.footer.y.saturating_sub(a.header.bottom()),
            ..area
        };
        pane(s, f, s.ui.focus, body);
    } else {
        if s.ctx.observes_pods {
            pods::render(s, f, a.pods, s.ui.focus == Pane::Pods);
        }
        if s.ctx.observes_alerts {
            alerts::render(s, f, a.alerts, s.ui.focus == Pane::Alerts);
        }
        resources::render(s, f, a.resources);
        checklist::render(s, f, a.checklist, s.ui.focus == Pane::Checklist);
        timeline::render(s, f, a.timeline, s.ui.focus == Pane::Timeline);
        if let Some(out) = a.output {
            output::render(s, f, out, s.ui.focus == Pane::Output);
        }
    }
    match &s.ui.modal {
        None => {}
        Some(Modal::Help { scroll }) => help::render(f, area, *scroll),
        Some(Modal::Note(editor)) => {
            let r = layout::centered(area, (area.width * 4 / 5).max(40), (area.height / 2).max(8));
            f.render_widget(Clear, r);
            f.render_widget(editor.as_ref(), r);
        }
        Some(Modal::Pick { kind, selected }) => dialog::picker(s, f, area, *kind, *selected),
        Some(Modal::ConfirmQuit) => dialog::confirm_quit(s, f, area),
        Some(Modal::Run(d)) => run_dialog::render(s, f, area, d),
        // Typed into the pods pane's title; the footer says the keys.
        Some(Modal::PodFilter) => {}
    }
}

/// One pane by name, focused.
fn pane(s: &State, f: &mut Frame, p: Pane, area: ratatui::layout::Rect) {
    match p {
        Pane::Checklist => checklist::render(s, f, area, true),
        Pane::Timeline => timeline::render(s, f, area, true),
        Pane::Output => output::render(s, f, area, true),
        Pane::Pods => pods::render(s, f, area, true),
        Pane::Alerts => alerts::render(s, f, area, true),
    }
}

/// A bordered pane block with its title, highlighted when focused.
pub fn pane_block(title: String, focused: bool) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(focused))
        .title(title)
}

/// Cuts a string to `width` columns, marking the cut with `…`.
pub fn fit(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Cuts a string to `width` columns in the middle, keeping its end: pod
/// names differ in their suffix (`api-7d9f8b6c5-2xkqp` → `api-7d…-2xkqp`).
pub fn fit_middle(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_string();
    }
    if width < 4 {
        return fit(s, width);
    }
    let tail_w = (width - 1) / 2;
    let head_w = width - 1 - tail_w;
    let mut head = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > head_w {
            break;
        }
        head.push(c);
        w += cw;
    }
    let mut tail: Vec<char> = Vec::new();
    let mut w = 0;
    for c in s.chars().rev() {
        let cw = c.width().unwrap_or(0);
        if w + cw > tail_w {
            break;
        }
        tail.push(c);
        w += cw;
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    head
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn middle_cut_keeps_the_suffix() {
        assert_eq!(
            fit_middle("dicps-api-7d9f8b6c5-2xkqp", 15),
            "dicps-a…5-2xkqp"
        );
        assert_eq!(fit_middle("short", 15), "short");
        assert_eq!(fit_middle("abcdefgh", 3), "ab…");
        assert_eq!(fit_middle("abcdefgh", 7).chars().count(), 7);
    }
}

#[cfg(test)]
mod snapshots;
