//! The silence dialog (matchers, duration, a required comment; how many
//! firing alerts it would cover; then its confirmation) and the question
//! before a silence is expired.

use super::{fit, layout, theme};
use crate::keys::{Action, Ctx};
use crate::sanitize::clean;
use crate::state::State;
use crate::state::ui::SilenceDialog;
use crate::view::alerts::short_id;
use crate::view::silence_check as check;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn render(s: &State, f: &mut Frame, area: Rect, d: &SilenceDialog) {
    let width = (area.width * 9 / 10).clamp(40, 100);
    let r = layout::centered(area, width, 14);
    f.render_widget(Clear, r);
    let w = r.width.saturating_sub(4) as usize;
    let label_w = 10;
    let mut lines: Vec<Line> = Vec::new();
    for (i, label) in SilenceDialog::LABELS.iter().enumerate() {
        let focused = i == d.focus && !d.confirm;
        let value = clean(d.fields[i].as_str()).into_owned();
        let shown = if value.is_empty() {
            "(empty)".to_string()
        } else {
            value
        };
        let bad = d.error.as_ref().is_some_and(|(f, _)| *f == i);
        let style = if bad {
            theme::bad(s.ctx.theme)
        } else if focused {
            theme::selected(s.ctx.theme, true)
        } else {
            ratatui::style::Style::default()
        };
        // The focused field scrolls to keep its cursor in view.
        let room = w.saturating_sub(label_w);
        let mut line = vec![Span::styled(
            format!("{label:<label_w$}"),
            theme::heading(s.ctx.theme),
        )];
        if focused {
            line.extend(super::editor::one_line(&d.fields[i], room, style));
        } else {
            line.push(Span::styled(fit(&shown, room), style));
        }
        lines.push(Line::from(line));
    }
    lines.push(Line::styled(
        format!("created by {}", clean(&s.ctx.seat)),
        theme::dim(s.ctx.theme),
    ));
    if let Some(x) = d
        .extends
        .as_ref()
        .and_then(|id| s.observed.feed.silences.iter().find(|x| &x.id == id))
    {
        lines.push(Line::styled(
            format!(
                "it ends now at {} (in {})",
                x.ends_at.with_timezone(&s.ctx.tz).format("%H:%M"),
                crate::time::countdown(x.ends_at - s.now)
            ),
            theme::dim(s.ctx.theme),
        ));
    }
    match check(s, d) {
        Ok(new) => {
            let covered = s.observed.alerts.iter().filter(|a| new.covers(a)).count();
            lines.push(Line::raw(format!(
                "covers {covered} of {} firing alerts · until {}",
                s.observed.alerts.len(),
                new.ends_at
                    .with_timezone(&s.ctx.tz)
                    .format("%Y-%m-%d %H:%M")
            )));
        }
        Err((_, e)) if d.error.is_none() => lines.push(Line::styled(
            fit(&format!("· {}", clean(&e)), w),
            theme::dim(s.ctx.theme),
        )),
        Err(_) => {}
    }
    if let Some((_, e)) = &d.error {
        lines.push(Line::styled(
            format!("✖ {}", clean(e)),
            theme::bad(s.ctx.theme),
        ));
    }
    lines.push(Line::from(""));
    if d.confirm {
        let (ask, verb, then) = if d.extends.is_some() {
            (
                "Extend it?",
                "extend",
                "Recorded first; Alertmanager then replaces it with a new one.",
            )
        } else {
            (
                "Create this silence?",
                "create",
                "It is recorded in the timeline before it is sent.",
            )
        };
        lines.push(Line::styled(
            format!(
                "{ask} {} {verb} · {} back",
                s.ctx.keymap.keys_for(Ctx::SilenceConfirm, Action::Confirm),
                s.ctx.keymap.keys_for(Ctx::SilenceConfirm, Action::Cancel)
            ),
            theme::warn(s.ctx.theme),
        ));
        lines.push(Line::styled(then, theme::dim(s.ctx.theme)));
    }
    // The keys of the stage the dialog is in.
    let hint = if d.confirm {
        format!(
            " {} {} · {} back ",
            s.ctx.keymap.keys_for(Ctx::SilenceConfirm, Action::Confirm),
            if d.extends.is_some() {
                "extend"
            } else {
                "create"
            },
            s.ctx.keymap.keys_for(Ctx::SilenceConfirm, Action::Cancel)
        )
    } else {
        format!(
            " {} field · {} check · {} cancel ",
            s.ctx.keymap.keys_for(Ctx::SilenceEdit, Action::FocusNext),
            s.ctx.keymap.keys_for(Ctx::SilenceEdit, Action::Choose),
            s.ctx.keymap.keys_for(Ctx::SilenceEdit, Action::Cancel)
        )
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(s.ctx.theme, true))
        .title(match &d.extends {
            Some(_) => format!(" Extend {} from now ", clean(&d.target)),
            None => format!(" Silence {} ", clean(&d.target)),
        })
        .title_bottom(hint);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}

pub fn expire(s: &State, f: &mut Frame, area: Rect, id: &str) {
    let r = layout::centered(area, (area.width * 4 / 5).clamp(40, 90), 9);
    f.render_widget(Clear, r);
    let mut lines = vec![Line::styled(
        format!("Expire silence {} now?", clean(short_id(id))),
        theme::heading(s.ctx.theme),
    )];
    if let Some(x) = s.observed.feed.silences.iter().find(|x| x.id == id) {
        lines.push(Line::raw(clean(&x.matchers.join(", ")).into_owned()));
        lines.push(Line::styled(
            format!(
                "by {} · {} · {} left",
                clean(&x.created_by),
                clean(&x.comment),
                crate::time::countdown(x.ends_at - s.now)
            ),
            theme::dim(s.ctx.theme),
        ));
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        "The alerts it covers will notify again.",
        theme::warn(s.ctx.theme),
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(s.ctx.theme, true))
        .title(" Expire silence ")
        .title_bottom(format!(
            " {} expire · {} keep ",
            s.ctx.keymap.keys_for(Ctx::ExpireConfirm, Action::Confirm),
            s.ctx.keymap.keys_for(Ctx::ExpireConfirm, Action::Cancel)
        ));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}
