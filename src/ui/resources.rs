//! Resources: the real host (CPU, memory, load, disk, from sysinfo) and the
//! service's figures (simulated in a drill), marked when over a playbook
//! threshold.

use super::{fit, pane_block, theme};
use crate::sanitize::clean;
use crate::state::State;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

fn pct(used: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        used as f64 * 100.0 / total as f64
    }
}

/// The playbook's threshold for a metric, if any.
fn threshold(s: &State, metric: &str) -> Option<f64> {
    s.ctx
        .playbook
        .watch
        .thresholds
        .iter()
        .find(|t| t.metric.eq_ignore_ascii_case(metric))
        .map(|t| t.above)
}

fn bar(percent: f64, width: usize) -> String {
    let filled = ((percent / 100.0) * width as f64)
        .round()
        .clamp(0.0, width as f64) as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

fn over(s: &State, metric: &str, value: f64) -> Option<f64> {
    threshold(s, metric).filter(|t| value > *t)
}

fn gauge_line(
    s: &State,
    label: &str,
    metric: &str,
    percent: f64,
    detail: String,
    width: usize,
) -> Line<'static> {
    let hot = over(s, metric, percent);
    let style = match hot {
        Some(_) => theme::bad(),
        None if percent >= 90.0 => theme::warn(),
        None => Style::default(),
    };
    let bar_w = if width >= 44 && !s.ctx.low_bandwidth {
        10
    } else {
        0
    };
    let mut spans = vec![Span::styled(format!("{label:<4} "), theme::heading())];
    if bar_w > 0 {
        spans.push(Span::styled(bar(percent, bar_w), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(format!("{percent:>5.1}%"), style));
    spans.push(Span::styled(format!(" {detail}"), theme::dim()));
    if let Some(t) = hot {
        spans.push(Span::styled(format!(" ▲ over {t}%"), theme::bad()));
    }
    Line::from(spans)
}

pub fn render(s: &State, f: &mut Frame, area: Rect, focused: bool) {
    let width = area.width.saturating_sub(2) as usize;
    let height = area.height.saturating_sub(2) as usize;
    let full = 4 + usize::from(!s.observed.figures.is_empty()) + s.observed.figures.len();
    if height < full {
        return compact(s, f, area, width, focused);
    }
    let mut lines: Vec<Line> = Vec::new();
    match &s.observed.host {
        None => match &s.observed.host_error {
            Some(e) => lines.push(Line::styled(format!("host: {}", clean(e)), theme::warn())),
            None => lines.push(Line::styled("host: sampling…", theme::dim())),
        },
        Some(h) => {
            lines.push(gauge_line(
                s,
                "CPU",
                "cpu",
                h.cpu_percent as f64,
                format!("{} cores", h.cpus),
                width,
            ));
            lines.push(gauge_line(
                s,
                "MEM",
                "memory",
                pct(h.mem_used, h.mem_total),
                format!(
                    "{:.1}/{:.1}G",
                    h.mem_used as f64 / GIB,
                    h.mem_total as f64 / GIB
                ),
                width,
            ));
            lines.push(gauge_line(
                s,
                "DISK",
                "disk",
                pct(h.disk_used, h.disk_total),
                format!(
                    "{} {:.0}/{:.0}G",
                    clean(&h.disk_mount),
                    h.disk_used as f64 / GIB,
                    h.disk_total as f64 / GIB
                ),
                width,
            ));
            let load_hot = threshold(s, "load").filter(|t| h.load[0] > *t);
            lines.push(Line::from(vec![
                Span::styled("LOAD ", theme::heading()),
                Span::styled(
                    format!("{:.2} {:.2} {:.2}", h.load[0], h.load[1], h.load[2]),
                    if load_hot.is_some() {
                        theme::bad()
                    } else {
                        Style::default()
                    },
                ),
            ]));
        }
    }
    if !s.observed.figures.is_empty() {
        let label = if s.ctx.drill {
            "service (simulated)"
        } else {
            "service"
        };
        lines.push(Line::styled(fit(label, width), theme::dim()));
        let name_w = s
            .observed
            .figures
            .iter()
            .map(|x| x.name.chars().count())
            .max()
            .unwrap_or(0)
            .min(width / 2);
        for fig in &s.observed.figures {
            let hot = over(s, &fig.name, fig.value);
            let style = if hot.is_some() {
                theme::bad()
            } else {
                Style::default()
            };
            let mut spans = vec![
                Span::raw(format!("{:<name_w$} ", fit(&clean(&fig.name), name_w))),
                Span::styled(
                    format!("{} {}", trim_float(fig.value), clean(&fig.unit)),
                    style,
                ),
            ];
            if let Some(t) = hot {
                spans.push(Span::styled(format!(" ▲ over {t}"), theme::bad()));
            }
            lines.push(Line::from(spans));
        }
    }
    let host = s
        .observed
        .host
        .as_ref()
        .map(|h| h.hostname.as_str())
        .unwrap_or("");
    let block = pane_block(format!(" Resources {} ", clean(host)), focused);
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// Few lines: the host in two lines, figures two to a line.
fn compact(s: &State, f: &mut Frame, area: Rect, width: usize, focused: bool) {
    let mut lines: Vec<Line> = Vec::new();
    let styled = |metric: &str, v: f64, text: String| {
        let style = if over(s, metric, v).is_some() {
            theme::bad()
        } else {
            Style::default()
        };
        Span::styled(text, style)
    };
    match &s.observed.host {
        None => lines.push(Line::styled(
            s.observed
                .host_error
                .as_deref()
                .map_or("host: sampling…".to_string(), |e| {
                    format!("host: {}", clean(e))
                }),
            theme::dim(),
        )),
        Some(h) => {
            let mem = pct(h.mem_used, h.mem_total);
            let disk = pct(h.disk_used, h.disk_total);
            lines.push(Line::from(vec![
                Span::styled("CPU ", theme::heading()),
                styled(
                    "cpu",
                    h.cpu_percent as f64,
                    format!("{:.1}%  ", h.cpu_percent),
                ),
                Span::styled("MEM ", theme::heading()),
                styled("memory", mem, format!("{mem:.1}%")),
            ]));
            lines.push(Line::from(vec![
                Span::styled("DISK ", theme::heading()),
                styled("disk", disk, format!("{disk:.1}%  ")),
                Span::styled("LOAD ", theme::heading()),
                styled("load", h.load[0], format!("{:.2}", h.load[0])),
            ]));
        }
    }
    let half = width.saturating_sub(2) / 2;
    for pair in s.observed.figures.chunks(2) {
        let mut spans = Vec::new();
        for (i, fig) in pair.iter().enumerate() {
            let text = format!(
                "{} {}{}",
                clean(&fig.name),
                trim_float(fig.value),
                clean(&fig.unit)
            );
            let hot = over(s, &fig.name, fig.value).is_some();
            let text = fit(&format!("{}{text}", if hot { "▲" } else { "" }), half);
            spans.push(Span::styled(
                format!("{text:<half$}"),
                if hot { theme::bad() } else { Style::default() },
            ));
            if i == 0 {
                spans.push(Span::raw("  "));
            }
        }
        lines.push(Line::from(spans));
    }
    let sim = if s.ctx.drill && !s.observed.figures.is_empty() {
        "· service simulated "
    } else {
        ""
    };
    let host = s
        .observed
        .host
        .as_ref()
        .map(|h| h.hostname.as_str())
        .unwrap_or("");
    let block = pane_block(format!(" Resources {} {sim}", clean(host)), focused);
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// `41` rather than `41.0`, `58.2` as is.
fn trim_float(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}
