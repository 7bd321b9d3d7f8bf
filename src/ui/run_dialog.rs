//! The run dialog: the command exactly as it will run, its risk, whether a
//! shell is used, each parameter with where its value came from and why it
//! is refused, and the confirmation the risk needs.
//!
//! Long lines (a long command) are cut into rows here, so the dialog is as
//! tall as what it shows; when the terminal is too short for all of it,
//! the confirmation and the keys stay and the top part is cut.

use super::{fit, layout, theme};
use crate::keys::{Action, Ctx};
use crate::playbook::model::Risk;
use crate::sanitize::clean;
use crate::state::State;
use crate::state::ui::{RunDialog, RunStage};
use crate::view::run::{Guard, Program};
use crate::view::run_dialog_guard;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

fn risk_style(k: theme::Kind, r: Risk) -> Style {
    match r {
        Risk::Read => theme::good(k),
        Risk::Change => theme::warn(k).add_modifier(Modifier::BOLD),
        Risk::Destructive => theme::bad(k).add_modifier(Modifier::REVERSED),
    }
}

pub fn render(s: &State, f: &mut Frame, area: Rect, d: &RunDialog) {
    let width = area.width.saturating_sub(4).min(110);
    let inner_w = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let red = crate::view::run_dialog_redactor(s, d);
    if s.ctx.drill {
        lines.push(Line::styled(
            "DRILL: nothing is executed; the scenario's canned output is shown",
            theme::drill_banner(s.ctx.theme),
        ));
    }
    match &d.resolved {
        Ok(r) => {
            let shell = matches!(r.program, Program::Shell(_));
            lines.push(Line::from(vec![
                Span::styled(
                    format!(" {} ", r.risk.name().to_uppercase()),
                    risk_style(s.ctx.theme, r.risk),
                ),
                Span::raw(if shell {
                    "  runs with sh -c (values single-quoted)"
                } else {
                    "  runs without a shell"
                }),
            ]));
            lines.push(Line::styled(
                "This exact command will run:",
                theme::dim(s.ctx.theme),
            ));
            for l in red.line(&r.program.display()).lines() {
                lines.push(Line::from(vec![
                    Span::styled("$ ", theme::dim(s.ctx.theme)),
                    Span::styled(clean(l).into_owned(), theme::heading(s.ctx.theme)),
                ]));
            }
            if d.stage == RunStage::Preview {
                lines.push(Line::styled("argv, word by word:", theme::dim(s.ctx.theme)));
                for (i, w) in r.program.argv().iter().enumerate() {
                    lines.push(Line::raw(format!("  [{i}] {}", clean(&red.line(w)))));
                }
                if let Some(ws) = s
                    .ctx
                    .procedure()
                    .step(&d.step)
                    .and_then(|st| st.command.as_ref())
                    .and_then(|c| c.workdir.clone())
                {
                    lines.push(Line::raw(format!("  in {}", clean(&ws))));
                }
                lines.push(Line::styled("any key: back", theme::dim(s.ctx.theme)));
            }
        }
        Err(e) if !e.is_empty() => lines.push(Line::styled(
            format!("Not ready: {}", clean(e)),
            theme::warn(s.ctx.theme),
        )),
        Err(_) => {}
    }
    if !d.params.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::styled("Parameters", theme::heading(s.ctx.theme)));
    }
    for (i, p) in d.params.iter().enumerate() {
        let focused = i == d.focus && d.stage == RunStage::Edit;
        // A secret shows as dots, the cursor among them.
        let shown = match (p.secret, focused) {
            (true, true) => p.value.masked().with_cursor(),
            (true, false) => p.value.masked().as_str().to_string(),
            (false, true) => clean(&p.value.with_cursor()).into_owned(),
            (false, false) => clean(p.value.as_str()).into_owned(),
        };
        let src = p
            .source
            .as_ref()
            .map(|x| format!(" (from {})", clean(x)))
            .unwrap_or_default();
        let style = if focused {
            theme::selected(s.ctx.theme, true)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:>16} ", fit(&clean(&p.name), 16)),
                theme::heading(s.ctx.theme),
            ),
            Span::styled(shown, style),
            Span::styled(src, theme::dim(s.ctx.theme)),
        ]));
        let mut why = p.description.clone();
        if let Some(e) = &p.error {
            why = format!("✘ {e}");
        }
        if !why.is_empty() {
            let st = if p.error.is_some() {
                theme::bad(s.ctx.theme)
            } else {
                theme::dim(s.ctx.theme)
            };
            lines.push(Line::styled(
                format!(
                    "{:>16} {}",
                    "",
                    fit(&clean(&why), inner_w.saturating_sub(17))
                ),
                st,
            ));
        }
    }
    // From here on: what the dialog asks, kept on screen whatever the size.
    let asks = lines.len();
    lines.push(Line::from(""));
    let guard = run_dialog_guard(s, d);
    let two = crate::view::approvals::for_dialog(s, d);
    if let Some(l) = super::approvals::run_dialog_line(s, &two) {
        lines.push(l);
    }
    match (&d.stage, &guard) {
        (RunStage::Propose { reason, error }, _) => {
            lines.push(Line::styled(
                "Why it must run, for the second person (recorded):",
                theme::heading(s.ctx.theme),
            ));
            let mut line = vec![Span::styled("> ", theme::heading(s.ctx.theme))];
            line.extend(super::editor::one_line(
                reason,
                inner_w.saturating_sub(2),
                theme::selected(s.ctx.theme, true),
            ));
            lines.push(Line::from(line));
            if let Some(e) = error {
                lines.push(Line::styled(clean(e).into_owned(), theme::bad(s.ctx.theme)));
            }
            let keys = s.ctx.keymap.hints(
                Ctx::RunPropose,
                &[(Action::Choose, "propose"), (Action::Cancel, "back")],
            );
            for l in super::pack(&keys, " · ", inner_w) {
                lines.push(Line::styled(l, theme::dim(s.ctx.theme)));
            }
        }
        (RunStage::Confirm { typed, error }, Some(g)) => {
            lines.push(Line::styled(
                clean(&g.prompt()).into_owned(),
                risk_style(
                    s.ctx.theme,
                    d.resolved.as_ref().map_or(Risk::Change, |r| r.risk),
                ),
            ));
            if let Guard::TypeBack(_) = g {
                lines.push(Line::from(vec![
                    Span::styled("> ", theme::heading(s.ctx.theme)),
                    Span::styled(
                        clean(&typed.with_cursor()).into_owned(),
                        theme::selected(s.ctx.theme, true),
                    ),
                ]));
            }
            if let Some(e) = error {
                lines.push(Line::styled(clean(e).into_owned(), theme::bad(s.ctx.theme)));
            }
        }
        (RunStage::Edit, _) => {
            use crate::view::approvals::ForDialog;
            let next = match (&guard, &two) {
                (None, _) => "when the parameters are valid",
                (Some(Guard::Refused), _) => "(refused: --read-only)",
                (Some(_), _) if s.ctx.read_only && two != ForDialog::NotNeeded => {
                    "(refused: --read-only seats do not propose)"
                }
                (_, ForDialog::Propose) => "proposes it to a second person",
                (_, ForDialog::Changed(..)) => "voids it and proposes again",
                (_, ForDialog::Waiting(_)) => "(waiting for a second person)",
                (Some(Guard::Enter), _) => "runs it",
                (Some(_), _) => "asks to confirm",
            };
            // The keys break between keys, never inside one.
            let keys = s.ctx.keymap.hints(
                Ctx::RunEdit,
                &[
                    (Action::Choose, next),
                    (Action::DryRun, "dry run"),
                    (Action::FocusNext, "next field"),
                    (Action::Cancel, "close"),
                ],
            );
            for l in super::pack(&keys, " · ", inner_w) {
                lines.push(Line::styled(l, theme::dim(s.ctx.theme)));
            }
        }
        _ => {}
    }
    let tail = rows(lines.split_off(asks), inner_w);
    let mut body = rows(lines, inner_w);
    let room = area.height.saturating_sub(2) as usize;
    if body.len() + tail.len() > room {
        body.truncate(room.saturating_sub(tail.len()));
        if let Some(last) = body.last_mut() {
            *last = Line::styled("…", theme::dim(s.ctx.theme));
        }
    }
    body.extend(tail);
    let lines = body;
    let height = (lines.len() as u16 + 2).min(area.height);
    let r = layout::centered(area, width, height);
    f.render_widget(Clear, r);
    let risk = d.resolved.as_ref().map(|x| x.risk).unwrap_or(Risk::Read);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if risk == Risk::Read {
            theme::border(s.ctx.theme, true)
        } else {
            risk_style(s.ctx.theme, risk)
        })
        .title(format!(
            " Run: {} ",
            fit(&clean(&d.title), inner_w.saturating_sub(8))
        ));
    f.render_widget(Paragraph::new(lines).block(block), r);
}

/// Lines cut into rows of at most `width` columns (at any character: the
/// command is shown exactly), each piece keeping its style.
pub(super) fn rows(lines: Vec<Line<'_>>, width: usize) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthChar;
    let mut out = Vec::new();
    for line in lines {
        let mut row: Vec<Span<'static>> = Vec::new();
        let mut used = 0;
        for span in &line.spans {
            let mut piece = String::new();
            for c in span.content.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > width && used > 0 {
                    if !piece.is_empty() {
                        row.push(Span::styled(std::mem::take(&mut piece), span.style));
                    }
                    out.push(Line::from(std::mem::take(&mut row)).style(line.style));
                    used = 0;
                }
                piece.push(c);
                used += w;
            }
            if !piece.is_empty() {
                row.push(Span::styled(piece, span.style));
            }
        }
        out.push(Line::from(row).style(line.style));
    }
    out
}
