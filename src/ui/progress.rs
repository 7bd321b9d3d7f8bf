//! Checklist progress, phase by phase, for a screen people read from afar.

use super::{fit, pane_block, theme};
use crate::sanitize::clean;
use crate::state::State;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let proc_ = s.ctx.procedure();
    let width = area.width.saturating_sub(2) as usize;
    let name_w = (width / 2).max(10);
    let bar_w = width.saturating_sub(name_w + 8).max(4);
    let mut lines = Vec::new();
    let (mut done_all, mut all) = (0, 0);
    for ph in &proc_.phases {
        let done = ph
            .steps
            .iter()
            .filter(|st| s.incident.checked.contains_key(&st.id.value))
            .count();
        let n = ph.steps.len();
        done_all += done;
        all += n;
        let filled = (done * bar_w).checked_div(n).unwrap_or(0);
        let style = if done == n {
            theme::good(s.ctx.theme)
        } else {
            theme::heading(s.ctx.theme)
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<name_w$}", fit(&clean(&ph.name), name_w)), style),
            Span::styled(
                format!("{}{}", "█".repeat(filled), "░".repeat(bar_w - filled)),
                style,
            ),
            Span::raw(format!(" {done}/{n}")),
        ]));
    }
    let title = format!(" {}: {done_all}/{all} steps ", clean(&proc_.name));
    f.render_widget(
        Paragraph::new(lines).block(pane_block(s.ctx.theme, title, false)),
        area,
    );
}
