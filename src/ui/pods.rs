//! Pods: NAME, READY, STATUS, RESTARTS, AGE as `kubectl get pods` prints
//! them, CPU and memory when the metrics API answers, NODE when the pane is
//! wide enough; pods in trouble first (or most restarted first), filtered
//! with `/`. A live source says how it is doing on the first line.

use super::{fit, fit_middle, pane_block, theme};
use crate::sanitize::clean;
use crate::state::kube::{KubeView, Link};
use crate::state::ui::{Modal, PodSort};
use crate::state::{Pod, PodColumns, State};
use crate::time::{age, local_hms};
use crate::view::Horizon;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr;

/// The gap ratatui leaves between columns.
const GAP: usize = 1;

pub fn render(s: &State, f: &mut Frame, area: Rect, focused: bool) {
    let all = &s.observed.pods;
    let ready = s.derived.pods_ready;
    let pods = &s.derived.pods;
    let mut title = format!(" Pods {ready}/{} ready ", all.len());
    if s.ctx.drill {
        title.push_str("(drill) ");
    }
    if let Some(v) = &s.observed.kube {
        title.push_str(&format!("· {} ", clean(&v.target)));
    }
    let editing = matches!(s.ui.modal, Some(Modal::PodFilter));
    if editing || !s.ui.pod_filter.is_empty() {
        title.push_str(&format!(
            "· /{} {} shown ",
            clean(&if editing {
                s.ui.pod_filter.with_cursor()
            } else {
                s.ui.pod_filter.as_str().to_string()
            }),
            pods.len()
        ));
    }
    if s.ui.pod_sort == PodSort::Restarts {
        title.push_str("· by restarts ");
    }
    let block = pane_block(s.ctx.theme, title, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let table_area = match &s.observed.kube {
        Some(view) => {
            let lines = status_lines(s, view, inner.width as usize);
            let [a, b] =
                Layout::vertical([Constraint::Length(lines.len() as u16), Constraint::Min(0)])
                    .areas(inner);
            f.render_widget(Paragraph::new(lines), a);
            b
        }
        None => inner,
    };
    if pods.is_empty() {
        let text = if all.is_empty() {
            match &s.observed.kube {
                Some(v) if v.synced_at.is_none() => "no pods yet",
                Some(_) => "no pods match the selector",
                None => "no pods",
            }
        } else {
            "no pods match the filter"
        };
        f.render_widget(
            Paragraph::new(text).style(theme::dim(s.ctx.theme)),
            table_area,
        );
        return;
    }
    // Only the rows on screen are built (the header takes one row).
    let selected = s.ui.pod.min(pods.len() - 1);
    let shown = super::window(
        pods.len(),
        selected,
        table_area.height.saturating_sub(1) as usize,
    );
    let rows: Vec<&Pod> = pods[shown.clone()]
        .iter()
        .filter_map(|i| all.get(*i))
        .collect();
    let table = pod_table(s, &rows, table_area.width as usize, focused);
    let mut ts = TableState::default().with_selected(Some(selected - shown.start));
    f.render_stateful_widget(table, table_area, &mut ts);
}

/// What the pane shows that moves with the time (`ui::cache`): the ages
/// and restarts of the rows it may show in `area`, and a failing source's
/// retry countdown (to the second: its key is the time itself). `hz`:
/// when any of it next moves.
pub fn time_key(s: &State, area: Rect, h: &mut impl std::hash::Hasher, hz: &mut Horizon) {
    use std::hash::Hash;
    if let Some(v) = &s.observed.kube
        && matches!(v.link, Link::Failing { .. })
    {
        s.now.hash(h);
        hz.every_frame();
    }
    let pods = &s.derived.pods;
    for i in &pods[super::around(pods.len(), s.ui.pod, area.height as usize)] {
        if let Some(p) = s.observed.pods.get(*i) {
            age(s.now - p.created).hash(h);
            hz.counting(p.created, crate::time::age_step(s.now - p.created));
            crate::view::restarts_cell(p.restarts, p.last_restart, s.now).hash(h);
            if let Some(at) = p.last_restart.filter(|_| p.restarts != 0) {
                hz.counting(at, crate::time::age_step(s.now - at));
            }
        }
    }
}

/// The width of the status line when it may take two lines (an error),
/// else 0: what the layout needs to size the pane (`layout::status_rows`).
pub fn status_width(s: &State, v: &KubeView) -> usize {
    if matches!(v.link, Link::Failing { .. }) {
        clean(&status_text(s, v).0).width()
    } else {
        0
    }
}

/// The live source's state: connected, stale since, last error, retry in
/// N s; and whether metrics are there. One line, two when an error needs
/// the room.
pub fn status_lines(s: &State, v: &KubeView, width: usize) -> Vec<Line<'static>> {
    let (text, style) = status_text(s, v);
    let text = clean(&text).into_owned();
    if super::layout::status_rows(status_width(s, v), width) == 1 {
        return vec![Line::from(Span::styled(fit(&text, width), style))];
    }
    split_status(text, style, width)
}

fn status_text(s: &State, v: &KubeView) -> (String, Style) {
    let tz = s.ctx.tz;
    match &v.link {
        Link::Starting => ("◌ reading the kubeconfig…".into(), theme::warn(s.ctx.theme)),
        Link::Connecting { context, server } => (
            format!(
                "◌ connecting to {server} (context {context}) for {}…",
                v.target
            ),
            theme::warn(s.ctx.theme),
        ),
        Link::Live { context, since, .. } => {
            let mut t = format!("● live since {} · context {context}", local_hms(*since, tz));
            match (&v.metrics_note, v.metrics_at) {
                (Some(note), _) => t.push_str(&format!(" · {note}")),
                (None, Some(at)) => t.push_str(&format!(" · CPU/memory {}", local_hms(at, tz))),
                (None, None) => {}
            }
            (t, theme::good(s.ctx.theme))
        }
        Link::Failing { error, retry_at } => {
            let stale = match v.stale_since.or(v.last_ok) {
                Some(at) => format!("stale since {}", local_hms(at, tz)),
                None => "no data yet".to_string(),
            };
            // Rounded up: "retry in 0s" would be a lie until it happens.
            let left = ((*retry_at - s.now).num_milliseconds().max(0) + 999) / 1000;
            (
                format!("✖ {stale} · retry in {left}s · {error}"),
                theme::bad(s.ctx.theme),
            )
        }
    }
}

/// Two lines: up to the last space that fits, and the rest (cut).
fn split_status(text: String, style: Style, width: usize) -> Vec<Line<'static>> {
    // Split at the last space that fits, the rest on a second line.
    let mut cut = 0;
    let mut w = 0;
    for (i, c) in text.char_indices() {
        w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w > width {
            break;
        }
        if c == ' ' {
            cut = i;
        }
    }
    if cut == 0 {
        cut = text
            .char_indices()
            .scan(0, |acc, (i, c)| {
                *acc += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                Some((i + c.len_utf8(), *acc))
            })
            .take_while(|(_, acc)| *acc <= width)
            .last()
            .map_or(0, |(end, _)| end);
    }
    let (a, b) = text.split_at(cut);
    vec![
        Line::from(Span::styled(a.trim_end().to_string(), style)),
        Line::from(Span::styled(fit(b.trim_start(), width), style)),
    ]
}

struct Widths {
    name: usize,
    status: usize,
    restarts: usize,
    metrics: bool,
    node: usize,
}

fn widest<'a>(header: &str, cells: impl Iterator<Item = &'a str>) -> usize {
    cells
        .map(crate::view::pods::cell_width)
        .chain([header.width()])
        .max()
        .unwrap_or(0)
}

/// Column widths for the room there is: NAME gets what the others leave,
/// at least `NAME_MIN`; CPU/MEM and then NODE are added only when NAME
/// keeps that much.
fn widths(cols: &PodColumns, restarts: &[String], has_metrics: bool, width: usize) -> Widths {
    // NAME, STATUS and NODE are measured on every pod shown (when they
    // change, by `view::pods`), so columns do not move while scrolling;
    // RESTARTS (which depends on the time) on the rows on screen.
    const NAME_MIN: usize = 16;
    const READY: usize = 5;
    const AGE: usize = 6;
    // At least as wide as CrashLoopBackOff, so columns do not jump when a
    // pod starts crash-looping.
    let status = cols.status.max("STATUS".width()).clamp(16, 26);
    let restarts = widest("RESTARTS", restarts.iter().map(String::as_str)).min(16);
    let base = READY + status + restarts + AGE + 4 * GAP;
    let name_want = cols.name.max("NAME".width());
    let room = |used: usize| width.saturating_sub(used);
    let metrics_w = 5 + 7 + 2 * GAP;
    let metrics = has_metrics && room(base + metrics_w) >= NAME_MIN;
    let used = base + if metrics { metrics_w } else { 0 };
    let node_want = cols.node.max("NODE".width()).min(24);
    let any_node = cols.any_node;
    // NODE only while NAME keeps most of its room.
    let node = if any_node && room(used + node_want + GAP) >= name_want.clamp(NAME_MIN, 24) {
        node_want
    } else {
        0
    };
    let used = used + if node > 0 { node + GAP } else { 0 };
    Widths {
        name: room(used).max(NAME_MIN.min(width)),
        status,
        restarts,
        metrics,
        node,
    }
}

/// The table of the pods on screen (`pods`: only those rows).
fn pod_table<'a>(s: &'a State, pods: &[&Pod], width: usize, focused: bool) -> Table<'a> {
    let metrics = s.observed.kube.as_ref().map(|k| &k.metrics);
    let has_metrics = metrics.is_some_and(|m| !m.is_empty());
    let restarts: Vec<String> = pods
        .iter()
        .map(|p| crate::view::restarts_cell(p.restarts, p.last_restart, s.now))
        .collect();
    let w = widths(&s.derived.pods_cols, &restarts, has_metrics, width);
    let mut header = vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
    let mut cols = vec![
        Constraint::Length(w.name as u16),
        Constraint::Length(5),
        Constraint::Length(w.status as u16),
        Constraint::Length(w.restarts as u16),
        Constraint::Length(6),
    ];
    if w.metrics {
        header.extend(["CPU", "MEMORY"]);
        cols.extend([Constraint::Length(5), Constraint::Length(7)]);
    }
    if w.node > 0 {
        header.push("NODE");
        cols.push(Constraint::Length(w.node as u16));
    }
    let rows: Vec<Row> = pods
        .iter()
        .zip(restarts)
        .map(|(p, restarts)| {
            let mut cells = vec![
                Cell::from(fit_middle(&clean(&p.name), w.name)),
                Cell::from(clean(&p.ready).into_owned()),
                Cell::from(Line::styled(
                    fit(&clean(&p.status), w.status),
                    theme::pod_status(s.ctx.theme, &p.status),
                )),
                Cell::from(fit(&restarts, w.restarts)),
                Cell::from(age(s.now - p.created)),
            ];
            if w.metrics {
                let u = metrics.and_then(|m| m.get(&p.name));
                cells.push(Cell::from(u.map_or("-".into(), |u| u.cpu_cell())));
                cells.push(Cell::from(u.map_or("-".into(), |u| u.mem_cell())));
            }
            if w.node > 0 {
                let node = p.node.as_deref().map_or("<none>".into(), clean);
                cells.push(Cell::from(fit(&node, w.node)));
            }
            Row::new(cells)
        })
        .collect();
    Table::new(rows, cols)
        .header(Row::new(header).style(theme::heading(s.ctx.theme)))
        .column_spacing(GAP as u16)
        .row_highlight_style(theme::selected(s.ctx.theme, focused))
}
