//! Command runs: the list (running and finished, with exit code or signal
//! and duration) and the selected run's output, following the end unless
//! scrolled.

use super::{fit, pane_block, theme};
use crate::sanitize::clean;
use crate::state::State;
use crate::state::runs::RunStatus;
use crate::state::runs::Stream;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn status(
    k: theme::Kind,
    r: &crate::state::runs::Run,
    now: chrono::DateTime<chrono::Utc>,
) -> (String, ratatui::style::Style) {
    match &r.status {
        RunStatus::Starting => ("… recording".into(), theme::warn(k)),
        RunStatus::Running => (
            format!("● running {}", crate::time::age(now - r.started)),
            theme::warn(k),
        ),
        RunStatus::Done(o) => {
            let d = r
                .duration
                .map(|d| crate::time::human_ms(d.as_millis() as u64))
                .unwrap_or_default();
            let mark = if o.ok() { "✔" } else { "✘" };
            (
                format!("{mark} {} {d}", o.describe()),
                if o.ok() {
                    theme::good(k)
                } else {
                    theme::bad(k)
                },
            )
        }
    }
}

/// What the pane shows that moves with the time (`ui::cache`): how long
/// each running command has run. `hz`: when that next moves.
pub fn time_key(s: &State, h: &mut impl std::hash::Hasher, hz: &mut crate::view::Horizon) {
    use std::hash::Hash;
    for r in &s.runs.list {
        if r.status == RunStatus::Running {
            crate::time::age(s.now - r.started).hash(h);
            hz.counting(r.started, crate::time::age_step(s.now - r.started));
        }
    }
}

pub fn render(s: &State, f: &mut Frame, area: Rect, focused: bool) {
    let runs = &s.runs;
    let running = runs.running();
    let title = format!(" Output: {} runs, {running} running ", runs.list.len());
    let block = pane_block(s.ctx.theme, title, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let list_h = (runs.list.len() as u16).min(3).min(inner.height / 3).max(1);
    let [list_area, out_area] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Min(0)]).areas(inner);
    let w = inner.width as usize;

    // The runs around the selected one.
    let start = runs.selected.saturating_sub(list_h as usize - 1);
    let mut lines = Vec::new();
    for (i, r) in runs
        .list
        .iter()
        .enumerate()
        .skip(start)
        .take(list_h as usize)
    {
        let (st, style) = status(s.ctx.theme, r, s.now);
        let mark = if i == runs.selected { "▶" } else { " " };
        let tag = if r.drill {
            "[drill] "
        } else if r.dry_run {
            "[dry run] "
        } else {
            ""
        };
        let text = format!("{mark} {st}  {tag}{}", clean(&r.display));
        lines.push(Line::styled(
            fit(&text, w),
            if i == runs.selected {
                style.add_modifier(ratatui::style::Modifier::BOLD)
            } else {
                style
            },
        ));
    }
    f.render_widget(Paragraph::new(lines), list_area);

    let Some(r) = runs.selected() else {
        return;
    };
    let h = out_area.height as usize;
    let n = r.output.len();
    let scroll = runs.scroll.min(n.saturating_sub(1));
    let end = n - scroll.min(n);
    let begin = end.saturating_sub(h);
    let mut out: Vec<Line> = Vec::new();
    if r.dropped > 0 && begin == 0 {
        out.push(Line::styled(
            format!("… {} earlier lines not kept", r.dropped),
            theme::dim(s.ctx.theme),
        ));
    }
    for l in r.output.range(begin..end) {
        let style = if l.stream == Stream::Err {
            theme::warn(s.ctx.theme)
        } else {
            ratatui::style::Style::default()
        };
        out.push(Line::from(Span::styled(fit(&clean(&l.text), w), style)));
    }
    if n == 0 {
        out.push(Line::styled("(no output yet)", theme::dim(s.ctx.theme)));
    }
    let start = out.len().saturating_sub(h);
    f.render_widget(Paragraph::new(out.split_off(start)), out_area);
}
