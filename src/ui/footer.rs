//! The footer: the most used keys (from the keymap), or a message.

use super::theme;
use crate::keys::{Action, Ctx};
use crate::sanitize::clean;
use crate::state::{Modal, Pane, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    if let Some(fl) = &s.ui.flash {
        let style = if fl.error {
            theme::bad(s.ctx.theme)
        } else {
            theme::warn(s.ctx.theme)
        };
        f.render_widget(
            Paragraph::new(Line::styled(clean(&fl.text).into_owned(), style)),
            area,
        );
        return;
    }
    let hints: Vec<(String, &str)> = if matches!(s.ui.modal, Some(Modal::PodFilter)) {
        vec![
            ("type".to_string(), "filter pods"),
            (
                s.ctx.keymap.keys_for(Ctx::PodFilter, Action::Choose),
                "keep",
            ),
            (
                s.ctx.keymap.keys_for(Ctx::PodFilter, Action::Cancel),
                "clear",
            ),
        ]
    } else {
        let mut h = vec![(s.ctx.keymap.keys_for(Ctx::Global, Action::Help), "help")];
        match s.ui.focus {
            // A viewer ticks nothing: only what it may do is offered.
            Pane::Checklist if s.ctx.viewer => {}
            Pane::Checklist => h.push((
                s.ctx.keymap.keys_for(Ctx::Checklist, Action::Toggle),
                "tick",
            )),
            Pane::Pods => h.extend([
                (s.ctx.keymap.keys_for(Ctx::Pods, Action::Filter), "filter"),
                (s.ctx.keymap.keys_for(Ctx::Pods, Action::Sort), "sort"),
            ]),
            _ => {}
        }
        if s.ctx.facilitator && !s.ctx.viewer {
            let paused = s.incident.drill_clock.is_some_and(|c| c.paused);
            h.extend([
                (
                    s.ctx.keymap.keys_for(Ctx::Facilitator, Action::DrillPause),
                    if paused { "resume" } else { "pause" },
                ),
                (
                    s.ctx.keymap.keys_for(Ctx::Facilitator, Action::DrillFaster),
                    "faster",
                ),
                (
                    s.ctx.keymap.keys_for(Ctx::Facilitator, Action::DrillJump),
                    "next inject",
                ),
                (
                    s.ctx.keymap.keys_for(Ctx::Facilitator, Action::DrillInject),
                    "ad hoc inject",
                ),
            ]);
        }
        if !s.ctx.viewer {
            h.extend([
                (s.ctx.keymap.keys_for(Ctx::Global, Action::Note), "note"),
                (
                    s.ctx.keymap.keys_for(Ctx::Global, Action::Severity),
                    "severity",
                ),
                (s.ctx.keymap.keys_for(Ctx::Global, Action::Status), "status"),
            ]);
        }
        h.extend([
            (
                s.ctx.keymap.keys_for(Ctx::Global, Action::FocusNext),
                "focus",
            ),
            ("j/k".to_string(), "move"),
            (s.ctx.keymap.keys_for(Ctx::Global, Action::Quit), "quit"),
        ]);
        h
    };
    let roomy = area.width >= 100;
    let mut spans = Vec::new();
    for (k, what) in hints {
        if roomy {
            spans.push(Span::styled(
                format!(" {k} "),
                theme::heading(s.ctx.theme).add_modifier(ratatui::style::Modifier::REVERSED),
            ));
            spans.push(Span::raw(format!(" {what} ")));
        } else {
            spans.push(Span::styled(k, theme::heading(s.ctx.theme)));
            spans.push(Span::raw(format!(" {what} ")));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
