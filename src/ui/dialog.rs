//! Small dialogs: pickers (severity, status, roles, conditions, marks,
//! templates), a text prompt, the quit confirmation.

use super::{layout, theme};
use crate::edit::Text;
use crate::keys::{Action, Ctx};
use crate::sanitize::clean;
use crate::state::State;
use crate::state::ui::PickKind;
use crate::view::{picker_items, picker_label};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

pub fn picker(s: &State, f: &mut Frame, area: Rect, kind: PickKind, selected: usize) {
    let items = picker_items(s, kind);
    let (title, current) = match kind {
        PickKind::Severity => (" Severity ", s.incident.severity.clone()),
        PickKind::Status => (
            " Status ",
            s.incident
                .status
                .map(|x| x.name().to_string())
                .unwrap_or_default(),
        ),
        PickKind::Role => (" Assign a role ", String::new()),
        PickKind::Condition => (
            " Set a condition (starts its escalations and deadlines) ",
            String::new(),
        ),
        PickKind::Mark => (" Mark this moment for the post-mortem ", String::new()),
        PickKind::Template => (" Communication ", String::new()),
        PickKind::Procedure => (
            " Add a procedure to the checklist (recorded) ",
            String::new(),
        ),
    };
    let rows: Vec<ListItem> = items
        .iter()
        .map(|id| {
            let label = match kind {
                PickKind::Severity => match s.ctx.playbook.severity(id) {
                    Some(sev) => format!("{id} {} (response {})", sev.name, sev.response.value),
                    None => id.clone(),
                },
                PickKind::Status => id.clone(),
                other => picker_label(s, other, id),
            };
            let mark = if *id == current { "● " } else { "  " };
            let style = match kind {
                PickKind::Severity => theme::severity(s.ctx.theme, id),
                _ => ratatui::style::Style::default(),
            };
            ListItem::new(Line::from(vec![
                Span::raw(mark),
                Span::styled(clean(&label).into_owned(), style),
            ]))
        })
        .collect();
    let width = (items
        .iter()
        .map(|id| match kind {
            PickKind::Severity | PickKind::Status => 40,
            other => picker_label(s, other, id).chars().count() + 8,
        })
        .max()
        .unwrap_or(40)
        .max(title.len() + 4) as u16)
        .max(46)
        .min(area.width.saturating_sub(4).max(20));
    // The roles picker also says who is on the incident (a shared store's
    // presence), so the IC sees whom a role can go to.
    let present: Vec<Line> = match (kind, &s.observed.sharing) {
        (PickKind::Role, Some(sh)) if !sh.present.is_empty() => std::iter::once(Line::from(
            Span::styled(" On this incident now:", theme::dim(s.ctx.theme)),
        ))
        .chain(sh.present.iter().map(|p| {
            Line::from(format!(
                "   {} ({}, seen {})",
                clean(&p.seat),
                clean(&p.kind),
                crate::time::local_hms(p.last_seen, s.ctx.tz)
                    .get(..5)
                    .unwrap_or("")
            ))
        }))
        .collect(),
        _ => Vec::new(),
    };
    let r = layout::centered(area, width, items.len() as u16 + 3 + present.len() as u16);
    f.render_widget(Clear, r);
    let hint = format!(
        " {} choose · {} cancel ",
        s.ctx.keymap.keys_for(Ctx::Picker, Action::Choose),
        s.ctx.keymap.keys_for(Ctx::Picker, Action::Cancel)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(s.ctx.theme, true))
        .title(title)
        .title_bottom(hint);
    let list = List::new(rows)
        .block(block)
        .highlight_style(theme::selected(s.ctx.theme, true))
        .highlight_symbol("▶ ");
    let mut ls = ListState::default().with_selected(Some(selected));
    f.render_stateful_widget(list, r, &mut ls);
    if !present.is_empty() {
        let h = present.len() as u16;
        let below = Rect {
            x: r.x + 1,
            y: (r.y + r.height).saturating_sub(h + 1),
            width: r.width.saturating_sub(2),
            height: h.min(r.height.saturating_sub(2)),
        };
        f.render_widget(ratatui::widgets::Paragraph::new(present), below);
    }
}

/// One line of text to type.
pub fn prompt(s: &State, f: &mut Frame, area: Rect, title: &str, value: &Text) {
    let r = layout::centered(area, 60, 4);
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(s.ctx.theme, true))
        .title(format!(" {} ", clean(title)))
        .title_bottom(format!(
            " {} done · {} cancel ",
            s.ctx.keymap.keys_for(Ctx::Prompt, Action::Choose),
            s.ctx.keymap.keys_for(Ctx::Prompt, Action::Cancel)
        ));
    let width = r.width.saturating_sub(2 + 2) as usize;
    let mut line = vec![Span::styled("> ", theme::heading(s.ctx.theme))];
    line.extend(super::editor::one_line(
        value,
        width,
        theme::selected(s.ctx.theme, true),
    ));
    f.render_widget(Paragraph::new(Line::from(line)).block(block), r);
}

pub fn confirm_quit(s: &State, f: &mut Frame, area: Rect) {
    let status = s.incident.status.map(|x| x.name()).unwrap_or("open");
    let running = s.runs.running();
    let mut text = vec![
        Line::styled(
            format!("The incident is still open ({status})."),
            theme::heading(s.ctx.theme),
        ),
        Line::from("Quit the cockpit? Everything is already recorded;"),
        Line::from("the incident stays open."),
    ];
    if running > 0 {
        text.push(Line::styled(
            format!("{running} running command(s) will be cancelled; their end is recorded."),
            theme::warn(s.ctx.theme),
        ));
    }
    text.push(Line::from(""));
    text.push(Line::from(vec![
        Span::styled(
            format!(" {} ", s.ctx.keymap.keys_for(Ctx::Confirm, Action::Confirm)),
            theme::selected(s.ctx.theme, true),
        ),
        Span::raw(" quit   "),
        Span::styled(
            format!(" {} ", s.ctx.keymap.keys_for(Ctx::Confirm, Action::Cancel)),
            theme::selected(s.ctx.theme, true),
        ),
        Span::raw(" stay"),
    ]));
    // As high as the text once wrapped, so its keys are never cut off.
    let width = 60.min(area.width);
    let rows = super::wrapped_rows(&text, width.saturating_sub(2) as usize);
    let r = layout::centered(area, width, rows as u16 + 2);
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::bad(s.ctx.theme))
        .title(" Quit? ");
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(block),
        r,
    );
}
