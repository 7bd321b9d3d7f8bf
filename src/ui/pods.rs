//! Pods: NAME, READY, STATUS, RESTARTS, AGE (and NODE when wide), pods in
//! trouble first.

use super::{fit, pane_block, theme};
use crate::sanitize::clean;
use crate::state::State;
use crate::time::age;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table, TableState};

pub fn render(s: &State, f: &mut Frame, area: Rect, focused: bool) {
    let pods = &s.observed.pods;
    let ready = pods
        .iter()
        .filter(|p| crate::state::observed::is_ready(&p.ready))
        .count();
    let mut title = format!(" Pods {ready}/{} ready ", pods.len());
    if s.ctx.drill {
        title.push_str("(drill) ");
    }
    let block = pane_block(title, focused);
    let inner_w = area.width.saturating_sub(2) as usize;
    let fixed = 5 + 16 + 8 + 6 + 4; // READY STATUS RESTARTS AGE + gaps
    let name_w = inner_w.saturating_sub(fixed).max(8);
    let header = Row::new(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]).style(theme::heading());
    let rows: Vec<Row> = pods
        .iter()
        .map(|p| {
            Row::new(vec![
                Cell::from(fit(&clean(&p.name), name_w)),
                Cell::from(clean(&p.ready).into_owned()),
                Cell::from(Line::styled(
                    clean(&p.status).into_owned(),
                    theme::pod_status(&p.status),
                )),
                Cell::from(p.restarts.to_string()),
                Cell::from(age(s.now - p.created)),
            ])
        })
        .collect();
    if rows.is_empty() {
        let empty = ratatui::widgets::Paragraph::new("no pods")
            .style(theme::dim())
            .block(block);
        f.render_widget(empty, area);
        return;
    }
    let table = Table::new(
        rows,
        [
            Constraint::Length(name_w as u16),
            Constraint::Length(5),
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(6),
        ],
    )
    .header(header)
    .block(block)
    .row_highlight_style(theme::selected(focused));
    let mut ts = TableState::default().with_selected(Some(s.ui.pod.min(pods.len() - 1)));
    f.render_stateful_widget(table, area, &mut ts);
}
