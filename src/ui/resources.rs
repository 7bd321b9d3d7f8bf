//! Resources: the real host (CPU in total and per core, memory, swap,
//! load, disks, network rates, from sysinfo; a container's cgroup limits)
//! and the service's figures (simulated in a drill), marked when over a
//! playbook threshold, with how long they have been over.

use super::{fit, pane_block, theme};
use crate::sanitize::clean;
use crate::state::State;
use crate::state::observed::{HostSnapshot, percent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// At most this many cores get a number each; more get one bar each.
const NUMBERED_CORES: usize = 16;

/// The playbook's threshold for a metric, if any.
fn threshold(s: &State, metric: &str) -> Option<f64> {
    s.ctx
        .watch
        .thresholds
        .iter()
        .find(|t| t.metric.trim().eq_ignore_ascii_case(metric))
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

/// A host row's threshold: none when Prometheus measures the metric
/// (the threshold is the service's, not the bastion's).
fn host_over(s: &State, metric: &str, value: f64) -> Option<f64> {
    if s.ctx.watch.measures(metric) {
        None
    } else {
        over(s, metric, value)
    }
}

/// What the service line says of Prometheus when it is not answering.
fn prometheus_note(s: &State) -> Option<String> {
    let h = &s.observed.prometheus.health;
    let since = h.stale_since?;
    Some(format!(
        "stale {}: {}",
        crate::time::age(s.now - since),
        clean(h.last_error.as_deref().unwrap_or("no answer"))
    ))
}

/// `▲ >90% 3m` (over for 3 minutes): the marker that says the same as
/// the colour.
fn over_text(s: &State, metric: &str, t: f64, unit: &str) -> String {
    let since = s
        .observed
        .thresholds
        .over_since
        .get(metric)
        .map(|t0| format!(" {}", crate::time::age(s.now - *t0)))
        .unwrap_or_default();
    format!(" ▲ >{}{unit}{since}", trim_float(t))
}

/// What the pane shows that moves with the time (`ui::cache`): how long
/// each metric has been over its threshold, and how long Prometheus has
/// not answered. `hz`: when that next moves.
pub fn time_key(s: &State, h: &mut impl std::hash::Hasher, hz: &mut crate::view::Horizon) {
    use std::hash::Hash;
    if let Some(since) = s.observed.prometheus.health.stale_since {
        crate::time::age(s.now - since).hash(h);
        hz.counting(since, crate::time::age_step(s.now - since));
    }
    for (metric, t0) in &s.observed.thresholds.over_since {
        metric.hash(h);
        crate::time::age(s.now - *t0).hash(h);
        hz.counting(*t0, crate::time::age_step(s.now - *t0));
    }
}

/// Bytes as people read them: `512M`, `6.0G`.
fn size(b: u64) -> String {
    let g = b as f64 / GIB;
    if g >= 100.0 {
        format!("{g:.0}G")
    } else if g >= 1.0 {
        format!("{g:.1}G")
    } else {
        format!("{:.0}M", b as f64 / 1024.0 / 1024.0)
    }
}

/// A rate: `850 B/s`, `12.3 kB/s`, `1.2 MB/s`.
fn rate(bps: f64) -> String {
    if bps >= 1e6 {
        format!("{:.1} MB/s", bps / 1e6)
    } else if bps >= 1e3 {
        format!("{:.1} kB/s", bps / 1e3)
    } else {
        format!("{bps:.0} B/s")
    }
}

/// A labelled bar; `metric` names the threshold that applies, if any.
fn gauge_line(
    s: &State,
    label: &str,
    metric: Option<&str>,
    percent: f64,
    detail: String,
    width: usize,
) -> Line<'static> {
    let hot = metric.and_then(|m| host_over(s, m, percent).map(|t| (m, t)));
    let style = match hot {
        Some(_) => theme::bad(s.ctx.theme),
        None if percent >= 90.0 => theme::warn(s.ctx.theme),
        None => Style::default(),
    };
    let bar_w = if width >= 44 && !s.ctx.low_bandwidth {
        10
    } else {
        0
    };
    let mut spans = vec![Span::styled(
        format!("{label:<4} "),
        theme::heading(s.ctx.theme),
    )];
    if bar_w > 0 {
        spans.push(Span::styled(bar(percent, bar_w), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(format!("{percent:>5.1}%"), style));
    let mut used = 5 + bar_w + usize::from(bar_w > 0) + 6;
    if let Some((metric, t)) = hot {
        let text = over_text(s, metric, t, "%");
        used += text.chars().count();
        spans.push(Span::styled(text, theme::bad(s.ctx.theme)));
    }
    spans.push(Span::styled(
        fit(&format!(" {detail}"), width.saturating_sub(used)),
        theme::dim(s.ctx.theme),
    ));
    Line::from(spans)
}

/// Per-core use: numbers for a few cores, one bar character each for many.
fn core_lines(k: theme::Kind, h: &HostSnapshot, width: usize) -> Vec<Line<'static>> {
    if h.cores.len() < 2 {
        return Vec::new();
    }
    let room = width.saturating_sub(5).max(4);
    let mut out = Vec::new();
    let label = |first: bool| {
        Span::styled(
            if first { "CORE " } else { "     " }.to_string(),
            theme::heading(k),
        )
    };
    let style = |p: f32| {
        if p >= 90.0 {
            theme::bad(k)
        } else if p >= 70.0 {
            theme::warn(k)
        } else {
            Style::default()
        }
    };
    if h.cores.len() <= NUMBERED_CORES {
        let per_line = (room / 5).max(1);
        for (i, chunk) in h.cores.chunks(per_line).enumerate() {
            let mut spans = vec![label(i == 0)];
            for c in chunk {
                spans.push(Span::styled(format!("{:>3.0}% ", c), style(*c)));
            }
            out.push(Line::from(spans));
        }
    } else {
        const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        for (i, chunk) in h.cores.chunks(room).enumerate() {
            let mut spans = vec![label(i == 0)];
            for c in chunk {
                let lvl = ((c / 100.0) * 7.0).round().clamp(0.0, 7.0) as usize;
                spans.push(Span::styled(LEVELS[lvl].to_string(), style(*c)));
            }
            out.push(Line::from(spans));
        }
    }
    out
}

/// The host in full: one line a figure, per-core CPU, every disk.
fn host_lines(s: &State, h: &HostSnapshot, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let cg = h.cgroup.as_ref();
    let cpu_detail = match cg.and_then(|c| c.cpu_limit) {
        Some(limit) => format!(
            "of {} cores (cgroup) · host {:.0}% of {}",
            trim_float(limit),
            h.cpu_percent,
            h.cpus
        ),
        None => format!("{} cores", h.cpus),
    };
    lines.push(gauge_line(
        s,
        "CPU",
        Some("cpu"),
        h.cpu_effective(),
        cpu_detail,
        width,
    ));
    lines.extend(core_lines(s.ctx.theme, h, width));
    let mem_detail = match cg.and_then(|c| c.memory_max.zip(c.memory_current)) {
        Some((max, cur)) => format!(
            "{}/{} (cgroup) · host {}/{}",
            size(cur),
            size(max),
            size(h.mem_used),
            size(h.mem_total)
        ),
        None => format!("{}/{}", size(h.mem_used), size(h.mem_total)),
    };
    lines.push(gauge_line(
        s,
        "MEM",
        Some("memory"),
        h.memory_effective(),
        mem_detail,
        width,
    ));
    if h.swap_total > 0 {
        lines.push(gauge_line(
            s,
            "SWAP",
            Some("swap"),
            percent(h.swap_used, h.swap_total),
            format!("{}/{}", size(h.swap_used), size(h.swap_total)),
            width,
        ));
    }
    let load_hot = host_over(s, "load", h.load[0]);
    let mut load = vec![
        Span::styled("LOAD ", theme::heading(s.ctx.theme)),
        Span::styled(
            format!("{:.2} {:.2} {:.2}", h.load[0], h.load[1], h.load[2]),
            if load_hot.is_some() {
                theme::bad(s.ctx.theme)
            } else {
                Style::default()
            },
        ),
    ];
    if let Some(t) = load_hot {
        load.push(Span::styled(
            over_text(s, "load", t, ""),
            theme::bad(s.ctx.theme),
        ));
    }
    lines.push(Line::from(load));
    let fullest = h.fullest_disk().map(|d| d.mount.clone());
    for (i, d) in h.disks.iter().enumerate() {
        // The threshold is on the fullest disk; the others are shown plain.
        let metric = (Some(&d.mount) == fullest.as_ref()).then_some("disk");
        let mut line = gauge_line(
            s,
            "DISK",
            metric,
            d.percent(),
            format!("{} {}/{}", clean(&d.mount), size(d.used), size(d.total)),
            width,
        );
        if i > 0 {
            line.spans[0] = Span::styled("     ", theme::heading(s.ctx.theme));
        }
        lines.push(line);
    }
    if let (Some(rx), Some(tx)) = (h.net_rx, h.net_tx) {
        lines.push(Line::from(vec![
            Span::styled("NET  ", theme::heading(s.ctx.theme)),
            Span::raw(format!("↓ {}  ↑ {}", rate(rx), rate(tx))),
        ]));
    }
    lines
}

/// How many lines `host_lines` makes, counted without writing them (the
/// layout asks every frame).
fn host_line_count(h: &HostSnapshot, width: usize) -> usize {
    let cores = if h.cores.len() < 2 {
        0
    } else {
        let room = width.saturating_sub(5).max(4);
        let per_line = if h.cores.len() <= NUMBERED_CORES {
            (room / 5).max(1)
        } else {
            room
        };
        h.cores.len().div_ceil(per_line)
    };
    // CPU, the cores, MEM, SWAP, LOAD, each disk, NET.
    1 + cores
        + 1
        + usize::from(h.swap_total > 0)
        + 1
        + h.disks.len()
        + usize::from(h.net_rx.is_some() && h.net_tx.is_some())
}

/// How many lines the full form needs (the layout sizes the pane by it).
pub fn full_height(s: &State, width: usize) -> usize {
    let host = match &s.observed.host {
        Some(h) => host_line_count(h, width),
        None => 1,
    };
    let figures = s.observed.figures.len();
    host + if figures > 0 { figures + 1 } else { 0 }
}

pub fn render(s: &State, f: &mut Frame, area: Rect, focused: bool) {
    let width = area.width.saturating_sub(2) as usize;
    let height = area.height.saturating_sub(2) as usize;
    if height < full_height(s, width) {
        return compact(s, f, area, width, focused);
    }
    let mut lines: Vec<Line> = Vec::new();
    match &s.observed.host {
        None => match &s.observed.host_error {
            Some(e) => lines.push(Line::styled(
                format!("host: {}", clean(e)),
                theme::warn(s.ctx.theme),
            )),
            None => lines.push(Line::styled("host: sampling…", theme::dim(s.ctx.theme))),
        },
        Some(h) => lines.extend(host_lines(s, h, width)),
    }
    if !s.observed.figures.is_empty() {
        let label = if s.ctx.drill {
            "service (simulated)".to_string()
        } else {
            match prometheus_note(s) {
                Some(note) => format!("service · Prometheus {note}"),
                None => "service".to_string(),
            }
        };
        lines.push(Line::styled(fit(&label, width), theme::dim(s.ctx.theme)));
        let name_w = s
            .observed
            .figures
            .iter()
            .map(|x| x.name.chars().count())
            .max()
            .unwrap_or(0)
            .min(width / 2);
        for fig in &s.observed.figures {
            // A stale value is shown as such, never judged against a
            // threshold.
            let hot = over(s, &fig.name, fig.value).filter(|_| fig.stale.is_none());
            let style = if fig.stale.is_some() {
                theme::dim(s.ctx.theme)
            } else if hot.is_some() {
                theme::bad(s.ctx.theme)
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
                spans.push(Span::styled(
                    format!(" ▲ over {t}"),
                    theme::bad(s.ctx.theme),
                ));
            }
            if let Some(why) = &fig.stale {
                spans.push(Span::styled(
                    format!(" stale: {}", clean(why)),
                    theme::warn(s.ctx.theme),
                ));
            }
            lines.push(Line::from(spans));
        }
    }
    f.render_widget(Paragraph::new(lines).block(block(s, false, focused)), area);
}

fn block(s: &State, compact: bool, focused: bool) -> ratatui::widgets::Block<'static> {
    let host = s
        .observed
        .host
        .as_ref()
        .map(|h| h.hostname.as_str())
        .unwrap_or("");
    let cg = if s.observed.host.as_ref().is_some_and(|h| h.cgroup.is_some()) {
        "· cgroup limits "
    } else {
        ""
    };
    let sim = if compact && s.ctx.drill && !s.observed.figures.is_empty() {
        "· service simulated "
    } else {
        ""
    };
    pane_block(
        s.ctx.theme,
        format!(" Resources {} {cg}{sim}", clean(host)),
        focused,
    )
}

/// Few lines: the host in two lines, figures two to a line.
fn compact(s: &State, f: &mut Frame, area: Rect, width: usize, focused: bool) {
    let mut lines: Vec<Line> = Vec::new();
    let styled = |metric: &str, v: f64, text: String| {
        let hot = host_over(s, metric, v).is_some();
        let style = if hot {
            theme::bad(s.ctx.theme)
        } else {
            Style::default()
        };
        Span::styled(if hot { format!("▲{text}") } else { text }, style)
    };
    match &s.observed.host {
        None => lines.push(Line::styled(
            s.observed
                .host_error
                .as_deref()
                .map_or("host: sampling…".to_string(), |e| {
                    format!("host: {}", clean(e))
                }),
            theme::dim(s.ctx.theme),
        )),
        Some(h) => {
            let cpu = h.cpu_effective();
            let mem = h.memory_effective();
            let mut first = vec![
                Span::styled("CPU ", theme::heading(s.ctx.theme)),
                styled("cpu", cpu, format!("{cpu:.1}%  ")),
                Span::styled("MEM ", theme::heading(s.ctx.theme)),
                styled("memory", mem, format!("{mem:.1}%  ")),
            ];
            if h.swap_total > 0 {
                first.push(Span::styled("SWP ", theme::heading(s.ctx.theme)));
                first.push(Span::raw(format!(
                    "{:.0}%",
                    percent(h.swap_used, h.swap_total)
                )));
            }
            lines.push(Line::from(first));
            let mut second = Vec::new();
            if let Some(d) = h.fullest_disk() {
                let disk = d.percent();
                second.push(Span::styled("DISK ", theme::heading(s.ctx.theme)));
                second.push(styled("disk", disk, format!("{disk:.1}%  ")));
            }
            second.push(Span::styled("LOAD ", theme::heading(s.ctx.theme)));
            second.push(styled("load", h.load[0], format!("{:.2}", h.load[0])));
            let mut net_line = None;
            if let (Some(rx), Some(tx)) = (h.net_rx, h.net_tx) {
                let net = format!("  ↓{} ↑{}", rate(rx), rate(tx));
                let used: usize = second.iter().map(|sp| sp.content.chars().count()).sum();
                if used + net.chars().count() <= width {
                    second.push(Span::raw(net));
                } else {
                    net_line = Some(Line::from(vec![
                        Span::styled("NET ", theme::heading(s.ctx.theme)),
                        Span::raw(format!("↓{} ↑{}", rate(rx), rate(tx))),
                    ]));
                }
            }
            lines.push(Line::from(second));
            // A third line when the pane has one and no figures need it.
            if let Some(l) = net_line
                && s.observed.figures.is_empty()
                && area.height >= 5
            {
                lines.push(l);
            }
        }
    }
    let half = width.saturating_sub(2) / 2;
    for pair in s.observed.figures.chunks(2) {
        let mut spans = Vec::new();
        for (i, fig) in pair.iter().enumerate() {
            let hot = over(s, &fig.name, fig.value).is_some() && fig.stale.is_none();
            // The figure is what matters: a long name is cut, its value
            // never (`API availab… 41%`); a stale one is marked `?`.
            let value = format!(
                "{}{}{}",
                if hot {
                    "▲"
                } else if fig.stale.is_some() {
                    "?"
                } else {
                    ""
                },
                trim_float(fig.value),
                clean(&fig.unit)
            );
            let room = half.saturating_sub(value.chars().count() + 1);
            let text = if room == 0 {
                fit(&value, half)
            } else {
                format!("{} {value}", fit(&clean(&fig.name), room))
            };
            spans.push(Span::styled(
                format!("{text:<half$}"),
                if hot {
                    theme::bad(s.ctx.theme)
                } else {
                    Style::default()
                },
            ));
            if i == 0 {
                spans.push(Span::raw("  "));
            }
        }
        lines.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(lines).block(block(s, true, focused)), area);
}

/// `41` rather than `41.0`, `58.2` as is.
fn trim_float(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod count_tests {
    use super::*;

    #[test]
    fn the_host_lines_are_counted_as_they_are_written() {
        let h = crate::testkit::Harness::drill();
        let mut host = crate::testkit::host();
        for cores in [0, 1, 2, 3, 8, 16, 17, 40, 130] {
            host.cores = (0..cores).map(|i| (i * 7 % 100) as f32).collect();
            for swap in [0, 1 << 30] {
                host.swap_total = swap;
                for disks in 0..3 {
                    host.disks = (0..disks)
                        .map(|i| crate::state::observed::DiskUse {
                            mount: format!("/d{i}"),
                            used: 1 << 30,
                            total: 4 << 30,
                        })
                        .collect();
                    for net in [None, Some(10.0)] {
                        host.net_rx = net;
                        host.net_tx = net;
                        for width in [0, 3, 9, 10, 20, 44, 52, 80, 200] {
                            assert_eq!(
                                host_line_count(&host, width),
                                host_lines(&h.state, &host, width).len(),
                                "{cores} cores, swap {swap}, {disks} disks, net {net:?}, width {width}"
                            );
                        }
                    }
                }
            }
        }
    }
}
