//! Firing alerts, most severe and newest first.

use super::{fit, pane_block, theme};
use crate::sanitize::clean;
use crate::state::State;
use crate::time::age;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

pub fn render(s: &State, f: &mut Frame, area: Rect, focused: bool) {
    let alerts = &s.observed.alerts;
    let block = pane_block(format!(" Alerts {} firing ", alerts.len()), focused);
    if alerts.is_empty() {
        f.render_widget(
            Paragraph::new("✓ nothing firing")
                .style(theme::good())
                .block(block),
            area,
        );
        return;
    }
    let inner_w = area.width.saturating_sub(2) as usize;
    let name_w = 22.min(inner_w / 3).max(8);
    let sev_w = 10;
    let since_w = 5;
    let summary_w = inner_w.saturating_sub(name_w + sev_w + since_w + 3);
    let rows: Vec<Row> = alerts
        .iter()
        .map(|a| {
            let style = theme::alert_severity(&a.severity);
            Row::new(vec![
                Cell::from(Line::styled(
                    fit(
                        &format!(
                            "{} {}",
                            theme::alert_symbol(&a.severity),
                            clean(&a.severity)
                        ),
                        sev_w,
                    ),
                    style,
                )),
                Cell::from(Line::styled(fit(&clean(&a.alertname), name_w), style)),
                Cell::from(age(s.now - a.since)),
                Cell::from(fit(&clean(&a.summary), summary_w)),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(sev_w as u16),
            Constraint::Length(name_w as u16),
            Constraint::Length(since_w as u16),
            Constraint::Min(0),
        ],
    )
    .header(Row::new(["SEVERITY", "ALERTNAME", "SINCE", "SUMMARY"]).style(theme::heading()))
    .block(block)
    .row_highlight_style(theme::selected(focused));
    let mut ts = TableState::default().with_selected(Some(s.ui.alert.min(alerts.len() - 1)));
    f.render_stateful_widget(table, area, &mut ts);
}
