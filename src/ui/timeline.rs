//! The timeline: every record with its local time, newest at the bottom,
//! scrollable. Only the records that fit are turned into lines, so a long
//! incident costs no more to draw than a short one.

use super::{fit, pane_block, theme};
use crate::sanitize::clean_lines;
use crate::state::State;
use crate::state::{Event, Record};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn style_for(k: theme::Kind, ev: &Event) -> Style {
    match ev {
        Event::Declared { .. } | Event::SeverityChanged { .. } | Event::StatusChanged { .. } => {
            theme::heading(k)
        }
        Event::StepChecked { .. } => theme::good(k),
        Event::StepUnchecked { .. } => theme::warn(k),
        Event::AlertFiring { severity, .. } => theme::alert_severity(k, severity),
        Event::AlertResolved { .. } => theme::good(k),
        Event::PodChanged { to, .. } => theme::pod_status(k, to),
        Event::ReadyChanged { ready, total, .. } => {
            if *total > 0 && ready == total {
                theme::good(k)
            } else {
                theme::bad(k)
            }
        }
        Event::Message { .. } => theme::warn(k),
        Event::TimerDue { .. } => theme::bad(k),
        Event::Marked { .. }
        | Event::RoleAssigned { .. }
        | Event::ConditionSet { .. }
        | Event::ProcedureAdded { .. } => theme::heading(k),
        Event::TimerAcknowledged { .. } | Event::CommsSent { .. } | Event::AlertAcked { .. } => {
            theme::good(k)
        }
        Event::CommandStarted { risk, .. } => match risk.as_str() {
            "read" => Style::default().fg(ratatui::style::Color::Cyan),
            "change" => theme::warn(k),
            _ => theme::bad(k),
        },
        Event::CommandFinished { exit, .. } => {
            if *exit == Some(0) {
                theme::good(k)
            } else {
                theme::bad(k)
            }
        }
        Event::SilenceRequested { .. }
        | Event::SilenceExpireRequested { .. }
        | Event::SilenceCreated { .. }
        | Event::SilenceExpired { .. } => theme::warn(k),
        Event::SilenceFailed { .. }
        | Event::ThresholdCrossed { .. }
        | Event::ChainBroken { .. } => theme::bad(k),
        Event::ThresholdRecovered { .. } => theme::good(k),
        Event::SeveritySuggested { .. } => theme::warn(k),
        Event::Note { .. } => Style::default(),
        Event::DrillClock { .. } => theme::heading(k),
        Event::InjectFired { .. } => theme::warn(k),
        Event::ApprovalProposed { .. } | Event::ApprovalLapsed { .. } => theme::warn(k),
        Event::ApprovalGranted { .. } => theme::good(k),
        Event::ApprovalRejected { .. } | Event::ApprovalVoided { .. } => theme::bad(k),
        Event::AlertUnacked { .. } => theme::warn(k),
    }
}

fn record_lines(s: &State, r: &Record, width: usize) -> Vec<Line<'static>> {
    let time = crate::time::local_hms(r.at, s.ctx.tz);
    // Who did it, when there is room for it.
    let prefix = if width >= 50 {
        let who = r.by.split('@').next().unwrap_or(&r.by);
        format!("{time} {} ", fit(&crate::sanitize::clean(who), 10))
    } else {
        format!("{time} ")
    };
    // Not yet on the shared store (this host is cut off, or it is on its
    // way), or written offline and shared later: said on the record.
    let pending = s
        .observed
        .sharing
        .as_ref()
        .and_then(|sh| sh.first_pending)
        .is_some_and(|first| r.seq >= first);
    let prefix = if pending {
        format!("{prefix}⧗ ")
    } else {
        prefix
    };
    let indent = " ".repeat(prefix.chars().count());
    let mut text = r.event.summary();
    if r.share.offline {
        text.push_str(" (written offline)");
    }
    let style = style_for(s.ctx.theme, &r.event);
    let room = width.saturating_sub(prefix.chars().count());
    clean_lines(&text)
        .enumerate()
        .map(|(i, l)| {
            let lead = if i == 0 {
                Span::styled(prefix.clone(), theme::dim(s.ctx.theme))
            } else {
                Span::raw(indent.clone())
            };
            Line::from(vec![lead, Span::styled(fit(&l, room), style)])
        })
        .collect()
}

/// Whether this seat's timeline shows a record: a drill's players see what
/// an inject did (a pod crashing, a message), not the inject itself; the
/// facilitator sees both.
pub fn shown(s: &State, r: &Record) -> bool {
    crate::view::timeline_shows(s, r)
}

pub fn render(s: &State, f: &mut Frame, area: Rect, focused: bool) {
    // Counted, not collected: a long incident has 100,000 records.
    let count = s.incident.records.iter().filter(|r| shown(s, r)).count();
    let height = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2) as usize;
    let scroll = s.ui.timeline_scroll.min(count.saturating_sub(1));
    let mut title = format!(" Timeline {count} records ");
    if scroll > 0 {
        title.push_str(&format!("↑{scroll} (G to follow) "));
    }
    // Walk back from the newest record not scrolled past until the pane is full.
    let mut lines: Vec<Line> = Vec::new();
    let newest_first = s.incident.records.iter().rev().filter(|r| shown(s, r));
    for (i, r) in newest_first.skip(scroll).enumerate() {
        let mut l = record_lines(s, r, width);
        // Focused, the bottom record's time is marked: Enter shows it.
        if i == 0
            && focused
            && let Some(lead) = l.first_mut().and_then(|x| x.spans.first_mut())
        {
            lead.style = lead.style.add_modifier(ratatui::style::Modifier::REVERSED);
        }
        l.append(&mut lines);
        lines = l;
        if lines.len() >= height {
            break;
        }
    }
    let start = lines.len().saturating_sub(height);
    let shown: Vec<Line> = lines.into_iter().skip(start).collect();
    f.render_widget(
        Paragraph::new(shown).block(pane_block(s.ctx.theme, title, focused)),
        area,
    );
}

/// One record in full over the panes (Enter on the timeline): when, who,
/// its number and kind, then every line of it wrapped, scrollable. Returns
/// the last row it may be scrolled to.
pub fn record(s: &State, f: &mut Frame, area: Rect, seq: u64, scroll: u16) -> u16 {
    use ratatui::widgets::{Clear, Wrap};
    let r = super::layout::centered(area, 100, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    let width = r.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let rec = s.incident.records.iter().find(|x| x.seq == seq);
    if let Some(rec) = rec {
        let date = rec
            .at
            .with_timezone(&s.ctx.tz)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
        lines.push(Line::styled(
            format!(
                "{date} · {} · record {} · {}",
                crate::sanitize::clean(&rec.by),
                rec.seq,
                rec.event.kind()
            ),
            theme::dim(s.ctx.theme),
        ));
        lines.push(Line::from(""));
        let mut text = rec.event.summary();
        if rec.share.offline {
            text.push_str(" (written offline)");
        }
        let style = style_for(s.ctx.theme, &rec.event);
        lines.extend(clean_lines(&text).map(|l| Line::styled(l.into_owned(), style)));
    } else {
        lines.push(Line::styled("no such record", theme::dim(s.ctx.theme)));
    }
    let height = r.height.saturating_sub(2) as usize;
    let max = super::wrapped_rows(&lines, width)
        .saturating_sub(height)
        .min(u16::MAX as usize) as u16;
    let scroll = scroll.min(max);
    let keys = |a| s.ctx.keymap.keys_for(crate::keys::Ctx::Help, a);
    let title = format!(
        " Record: {} close · {} scroll ",
        keys(crate::keys::Action::Cancel),
        keys(crate::keys::Action::Down)
    );
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(pane_block(s.ctx.theme, fit(&title, width), true)),
        r,
    );
    max
}
