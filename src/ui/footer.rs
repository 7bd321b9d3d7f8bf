//! The footer: the most used keys (from the keymap), or a message.

use super::keymap::{Action, Ctx, keys_for};
use super::theme;
use crate::sanitize::clean;
use crate::state::{Modal, Pane, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    if let Some(fl) = &s.ui.flash {
        let style = if fl.error {
            theme::bad()
        } else {
            theme::warn()
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
            (keys_for(Ctx::PodFilter, Action::Choose), "keep"),
            (keys_for(Ctx::PodFilter, Action::Cancel), "clear"),
        ]
    } else {
        let mut h = vec![(keys_for(Ctx::Global, Action::Help), "help")];
        match s.ui.focus {
            Pane::Checklist => h.push((keys_for(Ctx::Checklist, Action::Toggle), "tick")),
            Pane::Pods => h.extend([
                (keys_for(Ctx::Pods, Action::Filter), "filter"),
                (keys_for(Ctx::Pods, Action::Sort), "sort"),
            ]),
            _ => {}
        }
        if s.ctx.facilitator {
            let paused = s.incident.drill_clock.is_some_and(|c| c.paused);
            h.extend([
                (
                    keys_for(Ctx::Facilitator, Action::DrillPause),
                    if paused { "resume" } else { "pause" },
                ),
                (keys_for(Ctx::Facilitator, Action::DrillFaster), "faster"),
                (keys_for(Ctx::Facilitator, Action::DrillJump), "next inject"),
                (
                    keys_for(Ctx::Facilitator, Action::DrillInject),
                    "ad hoc inject",
                ),
            ]);
        }
        h.extend([
            (keys_for(Ctx::Global, Action::Note), "note"),
            (keys_for(Ctx::Global, Action::Severity), "severity"),
            (keys_for(Ctx::Global, Action::Status), "status"),
            (keys_for(Ctx::Global, Action::FocusNext), "focus"),
            ("j/k".to_string(), "move"),
            (keys_for(Ctx::Global, Action::Quit), "quit"),
        ]);
        h
    };
    let roomy = area.width >= 100;
    let mut spans = Vec::new();
    for (k, what) in hints {
        if roomy {
            spans.push(Span::styled(
                format!(" {k} "),
                theme::heading().add_modifier(ratatui::style::Modifier::REVERSED),
            ));
            spans.push(Span::raw(format!(" {what} ")));
        } else {
            spans.push(Span::styled(k, theme::heading()));
            spans.push(Span::raw(format!(" {what} ")));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
