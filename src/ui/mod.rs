//! Rendering: a pure function of the state. `draw` only reads; each pane
//! has its own file.

pub mod alerts;
pub mod checklist;
pub mod dialog;
pub mod footer;
pub mod header;
pub mod help;
pub mod injects;
pub mod keymap;
pub mod layout;
pub mod output;
pub mod pods;
pub mod resources;
pub mod run_dialog;
pub mod theme;
pub mod timeline;
pub mod timers;

use crate::state::{Modal, Pane, State};
use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw(s: &State, f: &mut Frame) {
    let area = f.area();
    if layout::too_small(area) {
        let mut lines = Vec::new();
        if s.ctx.drill || s.incident.drill {
            // Every frame says it is a drill, even this one.
            lines.push(Line::styled(" DRILL ", theme::drill_banner()));
        }
        let msg = Paragraph::new(
            lines
                .into_iter()
                .chain([
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
                .collect::<Vec<_>>(),
        )
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
        f.render_widget(msg, area);
        return;
    }
    let o = &s.observed;
    let a = layout::areas(
        area,
        layout::Content {
            pods: o.pods.len(),
            alerts: o.alerts.len(),
            // A facilitator's upcoming injects take the resources' place
            // and want as many lines.
            figures: if s.ctx.facilitator {
                o.figures.len().max(injects::upcoming(s).len() + 1)
            } else {
                o.figures.len()
            },
            cluster: s.ctx.observes_cluster,
            output: !s.runs.list.is_empty(),
            timers: crate::clocks::timers(&s.ctx.playbook, s.ctx.procedure(), &s.incident).len(),
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
        if s.ctx.observes_cluster {
            pods::render(s, f, a.pods, s.ui.focus == Pane::Pods);
            alerts::render(s, f, a.alerts, s.ui.focus == Pane::Alerts);
        }
        if s.ctx.facilitator {
            injects::render(s, f, a.resources);
        } else {
            resources::render(s, f, a.resources);
        }
        checklist::render(s, f, a.checklist, s.ui.focus == Pane::Checklist);
        timeline::render(s, f, a.timeline, s.ui.focus == Pane::Timeline);
        if let Some(out) = a.output {
            output::render(s, f, out, s.ui.focus == Pane::Output);
        }
        if let Some(t) = a.timers {
            timers::render(s, f, t);
        }
    }
    match &s.ui.modal {
        None => {}
        Some(Modal::Help { scroll }) => help::render(f, area, *scroll, s.ctx.facilitator),
        Some(Modal::Note(editor)) => {
            let r = layout::centered(area, (area.width * 4 / 5).max(40), (area.height / 2).max(8));
            f.render_widget(Clear, r);
            f.render_widget(editor.as_ref(), r);
        }
        Some(Modal::Pick { kind, selected }) => dialog::picker(s, f, area, *kind, *selected),
        Some(Modal::ConfirmQuit) => dialog::confirm_quit(s, f, area),
        Some(Modal::Run(d)) => run_dialog::render(s, f, area, d),
        Some(Modal::Prompt { title, value, .. }) => dialog::prompt(f, area, title, value),
        Some(Modal::Comms { editor, .. }) => {
            let r = layout::centered(
                area,
                (area.width * 9 / 10).max(40),
                (area.height * 3 / 4).max(10),
            );
            f.render_widget(Clear, r);
            f.render_widget(editor.as_ref(), r);
        }
        Some(Modal::Timers { scroll }) => timers::overlay(s, f, area, *scroll),
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

#[cfg(test)]
mod snapshots;
