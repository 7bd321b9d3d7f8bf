//! Alerts, grouped by alertname with counts, the most severe group first;
//! each alert's severity (coloured and written), state, since and summary.
//! Or the silences, with time left. The source's state (connected, or
//! stale since when, the error, when it retries) is the pane's last line.

use super::{fit, pane_block, theme};
use crate::sanitize::clean;
use crate::state::observed::AlertState;
use crate::state::{AlertGroup, AlertRow, AlertsView, State};
use crate::time::{countdown, since};
use crate::view::alerts::short_id;
use crate::view::{Horizon, expiring_soon, health_line};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

/// How many rows the pane wants (for the layout): rows, heading, notices.
pub fn wanted_rows(s: &State) -> usize {
    let notices = notices(s).len();
    let rows = match s.ui.alerts_view {
        AlertsView::Alerts => s.derived.alert_rows.len(),
        AlertsView::Silences => s.observed.feed.silences.len(),
    };
    rows.max(1) + notices
}

/// Lines above the list: the last error, and silences of ours ending soon.
fn notices(s: &State) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let h = &s.observed.feed.health;
    if let (Some(_), Some(e)) = (&h.stale_since, &h.last_error) {
        out.push(Line::styled(
            format!("✖ {}", clean(e)),
            theme::bad(s.ctx.theme),
        ));
    }
    for a in crate::view::acks::lapsing_soon(s) {
        out.push(Line::styled(
            // The time and owner first: a long target is what is cut.
            format!(
                "⚠ ack by {} lapses in {}: {}",
                clean(&a.owner),
                countdown(a.until - s.now),
                clean(&a.target)
            ),
            theme::warn(s.ctx.theme),
        ));
    }
    for x in expiring_soon(s) {
        let left = x.ends_at - s.now;
        out.push(Line::styled(
            format!(
                "⚠ our silence {} ends in {} ({})",
                clean(short_id(&x.id)),
                countdown(left),
                clean(&x.matchers.join(", "))
            ),
            theme::bad(s.ctx.theme),
        ));
    }
    out
}

/// What the pane shows that moves with the time (`ui::cache`): the
/// notices (silences ending), the source's line, each row's age that the
/// pane may show in `area`, or the silences' time left. `hz`: when any
/// of it next moves.
pub fn time_key(s: &State, area: Rect, h: &mut impl std::hash::Hasher, hz: &mut Horizon) {
    use std::hash::Hash;
    for l in notices(s) {
        for sp in &l.spans {
            sp.content.hash(h);
        }
    }
    // Our silences' notice: it opens ten minutes before the end, then
    // counts seconds.
    for x in &s.observed.feed.silences {
        let warn = x.ends_at - crate::view::EXPIRY_WARNING;
        if warn <= s.now {
            hz.every_frame();
        }
        hz.at(warn);
    }
    if s.ctx.alertmanager.is_some() {
        let health = &s.observed.feed.health;
        health_line(health, s.now, s.ctx.tz).hash(h);
        match (health.stale_since, health.last_ok) {
            // A retry counting its seconds.
            (Some(_), _) => hz.every_frame(),
            (None, Some(ok)) => hz.counting(ok, crate::time::age_step(s.now - ok)),
            (None, None) => {}
        }
    }
    for a in s.incident.acks.values() {
        crate::view::acks::cell(s, a).hash(h);
    }
    crate::view::acks::horizon(s, hz);
    match s.ui.alerts_view {
        AlertsView::Alerts => {
            let groups = &s.derived.alert_groups;
            let alerts = &s.observed.alerts;
            let rows = &s.derived.alert_rows;
            let selected = s.ui.alert.min(alerts.len().saturating_sub(1));
            let selected_row = rows
                .iter()
                .position(|r| *r == AlertRow::Alert(selected))
                .unwrap_or(0);
            for r in &rows[super::around(rows.len(), selected_row, area.height as usize)] {
                let at = match *r {
                    AlertRow::Group(gi) => groups.get(gi).map(|g| g.since),
                    AlertRow::Alert(ai) => alerts.get(ai).map(|a| a.since),
                };
                at.map(|at| since(s.now - at)).hash(h);
                if let Some(at) = at {
                    hz.counting(at, crate::time::since_step(s.now - at));
                }
            }
        }
        AlertsView::Silences => {
            if !s.observed.feed.silences.is_empty() {
                hz.every_frame();
            }
            for x in &s.observed.feed.silences {
                countdown(x.starts_at - s.now).hash(h);
                countdown(x.ends_at - s.now).hash(h);
                (x.ends_at - s.now <= crate::view::EXPIRY_WARNING).hash(h);
            }
        }
    }
}

fn state_text(st: AlertState, narrow: bool) -> &'static str {
    match (st, narrow) {
        (AlertState::Active, _) => "active",
        (AlertState::Suppressed, false) => "suppressed",
        (AlertState::Suppressed, true) => "suppr.",
        (AlertState::Unprocessed, false) => "unprocessed",
        (AlertState::Unprocessed, true) => "unproc",
    }
}

fn state_style(k: theme::Kind, st: AlertState) -> Style {
    match st {
        AlertState::Active => Style::default(),
        AlertState::Suppressed | AlertState::Unprocessed => theme::dim(k),
    }
}

pub fn render(s: &State, f: &mut Frame, area: Rect, focused: bool) {
    let alerts = &s.observed.alerts;
    let groups = &s.derived.alert_groups;
    let title = match s.ui.alerts_view {
        AlertsView::Alerts => {
            let suppressed = groups.iter().map(|g| g.suppressed).sum::<usize>();
            let mut t = format!(" Alerts {} firing ", alerts.len());
            if groups.len() != alerts.len() {
                t.push_str(&format!("· {} groups ", groups.len()));
            }
            if suppressed > 0 {
                t.push_str(&format!("· {suppressed} suppressed "));
            }
            t
        }
        AlertsView::Silences => {
            format!(" Silences {} ", s.observed.feed.silences.len())
        }
    };
    let mut block = pane_block(s.ctx.theme, title, focused);
    if s.ctx.alertmanager.is_some() {
        let (text, bad) = health_line(&s.observed.feed.health, s.now, s.ctx.tz);
        let w = area.width.saturating_sub(4) as usize;
        block = block.title_bottom(Line::styled(
            format!(" {} ", fit(&text, w.saturating_sub(2))),
            if bad {
                theme::bad(s.ctx.theme)
            } else {
                theme::dim(s.ctx.theme)
            },
        ));
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    let notes = notices(s);
    let [top, list] = Layout::vertical([
        Constraint::Length((notes.len() as u16).min(inner.height / 2)),
        Constraint::Min(0),
    ])
    .areas(inner);
    if !notes.is_empty() {
        let w = top.width as usize;
        let notes: Vec<Line> = notes
            .into_iter()
            .map(|l| {
                let text: String = l.spans.iter().map(|sp| sp.content.as_ref()).collect();
                Line::styled(fit(&text, w), l.style)
            })
            .collect();
        f.render_widget(Paragraph::new(notes), top);
    }
    match s.ui.alerts_view {
        AlertsView::Alerts => alert_table(s, f, list, focused, groups),
        AlertsView::Silences => silence_table(s, f, list, focused),
    }
}

fn alert_table(s: &State, f: &mut Frame, area: Rect, focused: bool, groups: &[AlertGroup]) {
    let alerts = &s.observed.alerts;
    if alerts.is_empty() {
        let stale = s.observed.feed.health.stale_since.is_some();
        let (text, style) = if stale {
            (
                "nothing known: Alertmanager cannot be read",
                theme::warn(s.ctx.theme),
            )
        } else if s.ctx.alertmanager.is_some() && s.observed.feed.health.last_ok.is_none() {
            ("asking Alertmanager…", theme::dim(s.ctx.theme))
        } else {
            ("✓ nothing firing", theme::good(s.ctx.theme))
        };
        f.render_widget(Paragraph::new(text).style(style), area);
        return;
    }
    let w = area.width as usize;
    let narrow = w < 60;
    let sev_w = 10;
    // When every alert is active and room is short, the state column
    // goes (the title says "firing"); otherwise the state is written.
    let all_active = alerts.iter().all(|a| a.state == AlertState::Active);
    let state_w = if all_active && w < 70 {
        0
    } else if narrow {
        6
    } else {
        11
    };
    // `23h59m`: the longest age under a hundred days.
    let since_w = 6;
    let name_w = if narrow {
        14.min(w / 3).max(8)
    } else {
        24.min(w / 3)
    };
    let gaps = if state_w == 0 { 3 } else { 4 };
    let summary_w = w.saturating_sub(sev_w + name_w + state_w + since_w + gaps);
    let sev_cell = |sev: &str| {
        Cell::from(Line::styled(
            fit(
                &format!("{} {}", theme::alert_symbol(sev), clean(sev)),
                sev_w,
            ),
            theme::alert_severity(s.ctx.theme, sev),
        ))
    };
    let rows_idx = &s.derived.alert_rows;
    let selected = s.ui.alert.min(alerts.len() - 1);
    let selected_row = rows_idx
        .iter()
        .position(|r| *r == AlertRow::Alert(selected))
        .unwrap_or(0);
    // Only the rows on screen are built (the header takes one row); the
    // labels that tell a group's alerts apart come from the view.
    let shown = super::window(
        rows_idx.len(),
        selected_row,
        area.height.saturating_sub(1) as usize,
    );
    let rows: Vec<Vec<Cell>> = rows_idx[shown.clone()]
        .iter()
        .map(|r| match *r {
            AlertRow::Group(gi) => {
                let g = &groups[gi];
                let extra = if g.suppressed > 0 && narrow {
                    format!("{} sup.", g.suppressed)
                } else if g.suppressed > 0 {
                    format!("{} suppr.", g.suppressed)
                } else {
                    String::new()
                };
                vec![
                    sev_cell(&g.severity),
                    Cell::from(Line::styled(
                        fit(&format!("{} ×{}", clean(&g.alertname), g.len), name_w),
                        theme::alert_severity(s.ctx.theme, &g.severity)
                            .patch(theme::heading(s.ctx.theme)),
                    )),
                    Cell::from(Line::styled(fit(&extra, state_w), theme::dim(s.ctx.theme))),
                    Cell::from(since(s.now - g.since)),
                    match crate::view::acks::group_ack(s, &g.alertname) {
                        Some(a) => Cell::from(Line::styled(
                            fit(&clean(&crate::view::acks::cell(s, a)), summary_w),
                            theme::good(s.ctx.theme),
                        )),
                        None => Cell::from(""),
                    },
                ]
            }
            AlertRow::Alert(ai) => {
                let a = &alerts[ai];
                let gi = groups.partition_point(|g| g.start <= ai).saturating_sub(1);
                let name = match groups.get(gi) {
                    Some(g) if g.len > 1 => {
                        let diff = s.derived.alert_tags.get(gi).map_or(&[][..], Vec::as_slice);
                        // One label tells them apart: its value says it.
                        let tag: Vec<String> = diff
                            .iter()
                            .filter_map(|k| {
                                a.labels.get(k).map(|v| {
                                    if diff.len() == 1 {
                                        v.clone()
                                    } else {
                                        format!("{k}={v}")
                                    }
                                })
                            })
                            .collect();
                        format!(" └ {}", clean(&tag.join(" ")))
                    }
                    _ => clean(&a.alertname).into_owned(),
                };
                let style = theme::alert_severity(s.ctx.theme, &a.severity);
                let style = if a.state == AlertState::Active {
                    style
                } else {
                    style.patch(theme::dim(s.ctx.theme))
                };
                vec![
                    sev_cell(&a.severity),
                    Cell::from(Line::styled(fit(&name, name_w), style)),
                    Cell::from(Line::styled(
                        state_text(a.state, narrow),
                        state_style(s.ctx.theme, a.state),
                    )),
                    Cell::from(since(s.now - a.since)),
                    match crate::view::acks::ack_of(s, a) {
                        Some(x) => {
                            let who = clean(&crate::view::acks::cell(s, x)).into_owned();
                            let w = unicode_width::UnicodeWidthStr::width(who.as_str()) + 1;
                            Cell::from(Line::from(vec![
                                Span::styled(format!("{who} "), theme::good(s.ctx.theme)),
                                Span::raw(fit(&clean(&a.summary), summary_w.saturating_sub(w))),
                            ]))
                        }
                        None => Cell::from(fit(&clean(&a.summary), summary_w)),
                    },
                ]
            }
        })
        .collect();
    let (rows, header, widths) = if state_w == 0 {
        // Drop the state column.
        let rows: Vec<Row> = rows
            .into_iter()
            .map(|mut r| {
                r.remove(2);
                Row::new(r)
            })
            .collect();
        (
            rows,
            Row::new(["SEVERITY", "ALERTNAME", "SINCE", "SUMMARY"]),
            vec![
                Constraint::Length(sev_w as u16),
                Constraint::Length(name_w as u16),
                Constraint::Length(since_w as u16),
                Constraint::Min(0),
            ],
        )
    } else {
        (
            rows.into_iter().map(Row::new).collect(),
            Row::new(["SEVERITY", "ALERTNAME", "STATE", "SINCE", "SUMMARY"]),
            vec![
                Constraint::Length(sev_w as u16),
                Constraint::Length(name_w as u16),
                Constraint::Length(state_w as u16),
                Constraint::Length(since_w as u16),
                Constraint::Min(0),
            ],
        )
    };
    let table = Table::new(rows, widths)
        .header(header.style(theme::heading(s.ctx.theme)))
        .row_highlight_style(theme::selected(s.ctx.theme, focused));
    let mut ts = TableState::default().with_selected(Some(selected_row - shown.start));
    f.render_stateful_widget(table, area, &mut ts);
}

fn silence_table(s: &State, f: &mut Frame, area: Rect, focused: bool) {
    let list = &s.observed.feed.silences;
    if list.is_empty() {
        f.render_widget(
            Paragraph::new("no active silences").style(theme::dim(s.ctx.theme)),
            area,
        );
        return;
    }
    let w = area.width as usize;
    let rows: Vec<Row> = list
        .iter()
        .map(|x| {
            let ours = s.incident.silences.contains_key(&x.id);
            let left = if x.state == "pending" {
                format!("starts {}", countdown(x.starts_at - s.now))
            } else {
                countdown(x.ends_at - s.now)
            };
            let soon = ours && x.ends_at - s.now <= crate::view::EXPIRY_WARNING;
            let what = format!(
                "{} · {} · {}",
                x.comment,
                x.created_by,
                x.matchers.join(", ")
            );
            Row::new(vec![
                Cell::from(format!(
                    "{}{}",
                    if ours { "★" } else { " " },
                    clean(short_id(&x.id))
                )),
                Cell::from(Line::styled(
                    left,
                    if soon {
                        theme::bad(s.ctx.theme)
                    } else {
                        Style::default()
                    },
                )),
                Cell::from(fit(&clean(&what), w.saturating_sub(9 + 10 + 2))),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(9),
            Constraint::Length(10),
            Constraint::Min(0),
        ],
    )
    .header(Row::new(["ID", "LEFT", "COMMENT · BY · MATCHERS"]).style(theme::heading(s.ctx.theme)))
    .row_highlight_style(theme::selected(s.ctx.theme, focused));
    let mut ts =
        TableState::default().with_selected(Some(s.ui.silence.min(list.len().saturating_sub(1))));
    f.render_stateful_widget(table, area, &mut ts);
}

/// The `Enter` overlay: everything Alertmanager says about one alert.
pub fn detail(
    s: &State,
    f: &mut Frame,
    area: Rect,
    fingerprint: &str,
    alertname: &str,
    scroll: u16,
) {
    let r = super::layout::centered(
        area,
        (area.width * 9 / 10).max(40),
        area.height.saturating_sub(2),
    );
    f.render_widget(ratatui::widgets::Clear, r);
    let found = s
        .observed
        .alerts
        .iter()
        .find(|a| a.fingerprint == fingerprint && a.alertname == alertname);
    let mut lines: Vec<Line> = Vec::new();
    match found {
        None => lines.push(Line::styled(
            "This alert is no longer listed (resolved).",
            theme::good(s.ctx.theme),
        )),
        Some(a) => {
            lines.push(Line::from(vec![
                Span::styled(
                    clean(&a.alertname).into_owned(),
                    theme::heading(s.ctx.theme),
                ),
                Span::raw("  "),
                Span::styled(
                    format!(
                        "{} {}",
                        theme::alert_symbol(&a.severity),
                        clean(&a.severity)
                    ),
                    theme::alert_severity(s.ctx.theme, &a.severity),
                ),
                Span::raw(format!(
                    "  {}  since {} ({} ago)",
                    a.state.name(),
                    a.since.with_timezone(&s.ctx.tz).format("%Y-%m-%d %H:%M:%S"),
                    since(s.now - a.since)
                )),
            ]));
            if !a.fingerprint.is_empty() {
                lines.push(Line::styled(
                    format!("fingerprint {}", clean(&a.fingerprint)),
                    theme::dim(s.ctx.theme),
                ));
            }
            let section = |lines: &mut Vec<Line>, title: &str| {
                lines.push(Line::from(""));
                lines.push(Line::styled(title.to_string(), theme::heading(s.ctx.theme)));
            };
            section(&mut lines, "Labels");
            let labels = crate::view::alert_labels(a);
            for (k, v) in &labels {
                lines.push(Line::raw(format!("  {} = {}", clean(k), clean(v))));
            }
            section(&mut lines, "Annotations");
            if a.annotations.is_empty() {
                lines.push(Line::styled("  (none)", theme::dim(s.ctx.theme)));
            }
            for (k, v) in &a.annotations {
                lines.push(Line::raw(format!("  {} = {}", clean(k), clean(v))));
            }
            section(&mut lines, "Generator URL");
            lines.push(Line::raw(format!(
                "  {}",
                if a.generator_url.is_empty() {
                    "(none)".into()
                } else {
                    clean(&a.generator_url)
                }
            )));
            if !a.silenced_by.is_empty() {
                section(&mut lines, "Silenced by");
                for id in &a.silenced_by {
                    let ours = if s.incident.silences.contains_key(id) {
                        " (this incident)"
                    } else {
                        ""
                    };
                    lines.push(Line::raw(format!("  {}{ours}", clean(id))));
                }
            }
            if !a.inhibited_by.is_empty() {
                section(&mut lines, "Inhibited by");
                for id in &a.inhibited_by {
                    lines.push(Line::raw(format!("  {}", clean(id))));
                }
            }
        }
    }
    let keys = |a| s.ctx.keymap.keys_for(crate::keys::Ctx::AlertDetail, a);
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(theme::border(s.ctx.theme, true))
        .title(format!(" Alert {} ", clean(alertname)))
        .title_bottom(format!(
            " {} close · {} scroll · x/X in the pane: silence ",
            keys(crate::keys::Action::Cancel),
            keys(crate::keys::Action::Down)
        ));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((scroll, 0)),
        r,
    );
}
