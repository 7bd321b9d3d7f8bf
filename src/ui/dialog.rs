//! Small dialogs: the severity and status pickers, the quit confirmation.

use super::keymap::{Action, Ctx, keys_for};
use super::{layout, theme};
use crate::sanitize::clean;
use crate::state::State;
use crate::state::ui::PickKind;
use crate::update::picker_items;
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
            };
            let mark = if *id == current { "● " } else { "  " };
            let style = match kind {
                PickKind::Severity => theme::severity(id),
                PickKind::Status => ratatui::style::Style::default(),
            };
            ListItem::new(Line::from(vec![
                Span::raw(mark),
                Span::styled(clean(&label).into_owned(), style),
            ]))
        })
        .collect();
    let width = 46;
    let r = layout::centered(area, width, items.len() as u16 + 3);
    f.render_widget(Clear, r);
    let hint = format!(
        " {} choose · {} cancel ",
        keys_for(Ctx::Picker, Action::Choose),
        keys_for(Ctx::Picker, Action::Cancel)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(title)
        .title_bottom(hint);
    let list = List::new(rows)
        .block(block)
        .highlight_style(theme::selected(true))
        .highlight_symbol("▶ ");
    let mut ls = ListState::default().with_selected(Some(selected));
    f.render_stateful_widget(list, r, &mut ls);
}

pub fn confirm_quit(s: &State, f: &mut Frame, area: Rect) {
    let status = s.incident.status.map(|x| x.name()).unwrap_or("open");
    let running = s.runs.running();
    let mut text = vec![
        Line::styled(
            format!("The incident is still open ({status})."),
            theme::heading(),
        ),
        Line::from("Quit the cockpit? Everything is already recorded;"),
        Line::from("the incident stays open."),
    ];
    if running > 0 {
        text.push(Line::styled(
            format!("{running} running command(s) will be cancelled; their end is recorded."),
            theme::warn(),
        ));
    }
    text.push(Line::from(""));
    text.push(Line::from(vec![
        Span::styled(
            format!(" {} ", keys_for(Ctx::Confirm, Action::Confirm)),
            theme::selected(true),
        ),
        Span::raw(" quit   "),
        Span::styled(
            format!(" {} ", keys_for(Ctx::Confirm, Action::Cancel)),
            theme::selected(true),
        ),
        Span::raw(" stay"),
    ]));
    let r = layout::centered(area, 60, text.len() as u16 + 2);
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::bad())
        .title(" Quit? ");
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(block),
        r,
    );
}
