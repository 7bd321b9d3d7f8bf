//! The active procedure's checklist: phases with progress, steps with
//! ticks, and the selected step's detail (its command and risk).

use super::{fit, pane_block, theme};
use crate::sanitize::clean;
use crate::state::State;
use crate::view::verify::Level;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Borders, List, ListItem, ListState, Paragraph, Wrap};

/// A time box that ran out with steps still open says so (`view`: it
/// follows the drill clock in a drill).
fn overdue(s: &State, phase: &crate::playbook::model::Phase) -> bool {
    crate::view::timeboxes::overdue(s, phase)
}

/// What the pane shows that moves with the time (`ui::cache`): each
/// phase's time box running out, and the conditions' state (a hold counts
/// seconds) of the steps on screen (`shown`: the rows the last frame drew,
/// as `render` returns them; `None`: every step's) and of the selected
/// step's detail. A hold counting on a step scrolled out of sight draws
/// nothing. `hz`: when any of it next moves (a time box's end, every
/// frame while a hold counts).
pub fn time_key(
    s: &State,
    shown: Option<&[(u16, usize)]>,
    h: &mut impl std::hash::Hasher,
    hz: &mut crate::view::Horizon,
) {
    use std::hash::Hash;
    for phase in &s.ctx.procedure().phases {
        overdue(s, phase).hash(h);
    }
    crate::view::timeboxes::horizon(s, hz);
    let now = crate::view::verify::clock(s);
    // A step's conditions as shown: a hold counts its seconds (a hold
    // met moves a change counter).
    let mut step = |st: &crate::state::verify::StepConds, h: &mut _| {
        crate::view::verify::summary(st, now).0.hash(h);
        if st.conds.iter().any(|c| c.live.is_holding()) {
            hz.every_frame();
        }
    };
    let conds = |i: usize| {
        s.ctx
            .procedure()
            .steps()
            .nth(i)
            .and_then(|st| s.verify.step(&st.id.value))
    };
    match shown {
        Some(rows) => {
            for &(row, i) in rows {
                (row, i).hash(h);
                if let Some(st) = conds(i) {
                    step(st, h);
                }
            }
        }
        None => {
            for st in &s.verify.steps {
                step(st, h);
            }
        }
    }
    if let Some(st) = conds(s.ui.step) {
        step(st, h);
        for c in &st.conds {
            crate::view::verify::label(&c.live, now).hash(h);
        }
    }
}

fn level_style(s: &State, l: Level) -> ratatui::style::Style {
    match l {
        Level::Plain => theme::dim(s.ctx.theme),
        Level::Warn => theme::warn(s.ctx.theme),
        Level::Good => theme::good(s.ctx.theme),
        Level::Bad => theme::bad(s.ctx.theme),
    }
}

/// Draws the checklist; returns its step rows on screen (row, step index)
/// for the mouse.
pub fn render(s: &State, f: &mut Frame, area: Rect, focused: bool) -> Vec<(u16, usize)> {
    let proc_ = s.ctx.procedure();
    let total = proc_.steps().count();
    let done = proc_
        .steps()
        .filter(|st| s.incident.checked.contains_key(&st.id.value))
        .count();
    // Several procedures joined: each is a heading over its phases.
    let parts = crate::view::joined_parts(s);
    let title = if parts.len() > 1 {
        format!(
            " Checklist: {} + {} procedures {done}/{total} ",
            clean(&proc_.name),
            parts.len() - 1
        )
    } else {
        format!(" Checklist: {} {done}/{total} ", clean(&proc_.name))
    };
    let block = pane_block(s.ctx.theme, title, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);

    let base = if inner.height >= 14 { 5 } else { 2 };
    // A step that verifies itself shows its conditions too.
    let conds = proc_
        .steps()
        .nth(s.ui.step)
        .and_then(|st| s.verify.step(&st.id.value))
        .map_or(0, |st| st.conds.len() as u16);
    let detail_h = (base + conds).min(inner.height / 2).max(base);
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(detail_h)]).areas(inner);
    let width = list_area.width as usize;

    let mut items: Vec<ListItem> = Vec::new();
    // Each list row's step (none for a phase's heading).
    let mut row_steps: Vec<Option<usize>> = Vec::new();
    let mut selected_row = 0;
    let mut idx = 0;
    for (pi, phase) in proc_.phases.iter().enumerate() {
        if let Some(part) = parts.iter().find(|p| p.first_phase == pi && p.phases > 0) {
            let why = match part.why {
                "added" => " (added)",
                "declared" => " (declared)",
                _ => "",
            };
            items.push(ListItem::new(Line::styled(
                fit(&format!("■ {}{why}", clean(&part.name)), width),
                theme::heading(s.ctx.theme).add_modifier(Modifier::BOLD),
            )));
            row_steps.push(None);
        }
        let pdone = phase
            .steps
            .iter()
            .filter(|st| s.incident.checked.contains_key(&st.id.value))
            .count();
        let timebox = phase
            .timebox
            .as_ref()
            .map(|t| format!(" ({})", clean(&t.value)))
            .unwrap_or_default();
        let timebox = if overdue(s, phase) {
            format!("{timebox} ⚑ OVERDUE")
        } else {
            timebox
        };
        let head = format!("▸ {}{timebox}", clean(&phase.name));
        let count = format!(" {pdone}/{}", phase.steps.len());
        let style = if pdone == phase.steps.len() {
            theme::good(s.ctx.theme)
        } else {
            theme::heading(s.ctx.theme)
        };
        items.push(ListItem::new(Line::from(vec![
            Span::styled(fit(&head, width.saturating_sub(count.len())), style),
            Span::styled(count, theme::dim(s.ctx.theme)),
        ])));
        row_steps.push(None);
        for step in &phase.steps {
            let id = &step.id.value;
            let (mark, style) = if s.ui.pending_steps.contains(id) {
                ("[…]", theme::warn(s.ctx.theme))
            } else if s.incident.checked.contains_key(id) {
                ("[x]", theme::good(s.ctx.theme))
            } else {
                ("[ ]", ratatui::style::Style::default())
            };
            let cmd = if step.command.is_some() { " $" } else { "" };
            if idx == s.ui.step {
                selected_row = items.len();
            }
            // The conditions' state, beside a step that verifies itself.
            let conds = s
                .verify
                .step(id)
                .map(|st| crate::view::verify::summary(st, crate::view::verify::clock(s)))
                .filter(|(t, _)| !t.is_empty())
                .map(|(t, l)| (format!(" {t}"), l));
            let conds_w = conds.as_ref().map_or(0, |(t, _)| {
                unicode_width::UnicodeWidthStr::width(t.as_str())
            });
            // The owner, ranked to go first when narrow.
            let room = width.saturating_sub(6 + cmd.len() + conds_w);
            let owner = super::contacts::owner_tag(s, &step.id.value, room);
            let owner_w = owner
                .as_ref()
                .map_or(0, |o| unicode_width::UnicodeWidthStr::width(o.as_str()));
            let text = fit(&clean(&step.title), room.saturating_sub(owner_w));
            let mut spans = vec![Span::styled(format!("  {mark} "), style), Span::raw(text)];
            if let Some(o) = owner {
                spans.push(Span::styled(o, theme::dim(s.ctx.theme)));
            }
            if !cmd.is_empty() {
                spans.push(Span::styled(cmd, theme::dim(s.ctx.theme)));
            }
            if let Some((t, l)) = conds {
                spans.push(Span::styled(t, level_style(s, l)));
            }
            if s.incident.checked.contains_key(id) {
                spans[1] = spans[1]
                    .clone()
                    .style(theme::dim(s.ctx.theme).add_modifier(Modifier::CROSSED_OUT));
            }
            items.push(ListItem::new(Line::from(spans)));
            row_steps.push(Some(idx));
            idx += 1;
        }
    }
    let list = List::new(items).highlight_style(theme::selected(s.ctx.theme, focused));
    let mut ls = ListState::default().with_selected(Some(selected_row));
    f.render_stateful_widget(list, list_area, &mut ls);
    let rows: Vec<(u16, usize)> = (0..list_area.height)
        .filter_map(|r| {
            row_steps
                .get(ls.offset() + r as usize)
                .copied()
                .flatten()
                .map(|step| (list_area.y + r, step))
        })
        .collect();

    // Detail of the selected step.
    let mut lines: Vec<Line> = Vec::new();
    if let Some(step) = proc_.steps().nth(s.ui.step) {
        // Secrets are hidden here as everywhere else they are shown.
        let red = crate::view::step_redactor(s, step);
        if let Some(cmd) = &step.command {
            let risk = cmd
                .risk
                .as_ref()
                .map(|r| r.value.name())
                .unwrap_or("unknown");
            let risk_style = match risk {
                "read" => theme::good(s.ctx.theme),
                "change" => theme::warn(s.ctx.theme),
                _ => theme::bad(s.ctx.theme),
            };
            let run = red.line(&clean(&cmd.run.value));
            let run = if detail_h > 2 {
                run
            } else {
                fit(&run, width.saturating_sub(2))
            };
            lines.push(Line::from(vec![
                Span::styled("$ ", theme::dim(s.ctx.theme)),
                Span::styled(run, theme::heading(s.ctx.theme)),
            ]));
            let mut info = vec![Span::styled(format!("risk: {risk}"), risk_style)];
            if cmd.shell {
                info.push(Span::styled("  via sh -c", theme::warn(s.ctx.theme)));
            }
            lines.push(Line::from(info));
        }
        // The owner: beside the risk for a command, after the detail
        // for a manual step.
        let mut owner = super::contacts::owner_line(s, &step.id.value);
        if let (Some(o), Some(info)) = (&owner, lines.last_mut())
            && step.command.is_some()
        {
            info.spans.push(Span::raw("  "));
            info.spans.extend(o.spans.iter().cloned());
            owner = None;
        }
        if let Some(d) = &step.detail {
            lines.push(Line::styled(red.line(&clean(d)), theme::dim(s.ctx.theme)));
        }
        lines.extend(owner);
        if let Some(e) = &step.expect {
            lines.push(Line::styled(
                format!("expect: {}", red.line(&clean(e))),
                theme::dim(s.ctx.theme),
            ));
        }
        if let Some((at, by)) = s.incident.checked.get(&step.id.value) {
            let how = if s.incident.verified.contains_key(&step.id.value) {
                "ticked itself (verified)"
            } else {
                "ticked"
            };
            lines.push(Line::styled(
                format!(
                    "{how} {} by {}",
                    crate::time::local_hms(*at, s.ctx.tz),
                    clean(by)
                ),
                theme::good(s.ctx.theme),
            ));
        }
        if let Some(st) = s.verify.step(&step.id.value) {
            if s.incident.overridden.contains(&step.id.value) {
                lines.push(Line::styled(
                    "unticked by hand: does not tick itself until ticked again",
                    theme::warn(s.ctx.theme),
                ));
            }
            for c in &st.conds {
                let l = crate::view::verify::level(&c.live);
                lines.push(Line::from(vec![
                    Span::styled("verify ", theme::dim(s.ctx.theme)),
                    Span::raw(clean(&c.cond.text).into_owned()),
                    Span::styled(
                        format!(
                            " · {}",
                            clean(&crate::view::verify::label(
                                &c.live,
                                crate::view::verify::clock(s)
                            ))
                        ),
                        level_style(s, l),
                    ),
                ]));
            }
        }
        if lines.is_empty() {
            lines.push(Line::styled(
                "manual step: tick it with Space when done",
                theme::dim(s.ctx.theme),
            ));
        }
    }
    let mut detail = Paragraph::new(lines).wrap(Wrap { trim: false });
    if detail_h > 2 {
        detail = detail.block(
            ratatui::widgets::Block::default()
                .borders(Borders::TOP)
                .border_style(theme::dim(s.ctx.theme)),
        );
    }
    f.render_widget(detail, detail_area);
    rows
}
