//! The two-person rule on screen: the approvals queue (`A`), the dialog
//! that approves or rejects one proposal, the header's banner and the run
//! dialog's approval line. Every text from a record is cleaned; when the
//! terminal is short the keys stay and the top is cut.

use super::{fit, layout, theme};
use crate::keys::{Action, Ctx};
use crate::sanitize::clean;
use crate::state::State;
use crate::state::ui::DecideDialog;
use crate::state::{Closed, Proposal, ProposalStage as Stage};
use crate::view::approvals::{ForDialog, banner, queue, who};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

fn hms(s: &State, t: chrono::DateTime<chrono::Utc>) -> String {
    crate::time::local_hms(t, s.ctx.tz)
}

fn stage_style(s: &State, st: &Stage) -> Style {
    let k = s.ctx.theme;
    match st {
        Stage::Pending => theme::warn(k).add_modifier(Modifier::BOLD),
        Stage::Approved { .. } => theme::good(k).add_modifier(Modifier::BOLD),
        Stage::Ran => theme::good(k),
        Stage::Rejected | Stage::Voided => theme::bad(k),
        Stage::Lapsed => theme::dim(k),
    }
}

fn stage_label(st: &Stage) -> &'static str {
    match st {
        Stage::Pending => "WAITING ",
        Stage::Approved { .. } => "APPROVED",
        Stage::Rejected => "REJECTED",
        Stage::Lapsed => "LAPSED  ",
        Stage::Voided => "VOIDED  ",
        Stage::Ran => "RAN     ",
    }
}

fn risk_style(s: &State, risk: &str) -> Style {
    let k = s.ctx.theme;
    match risk {
        "read" => theme::good(k),
        "change" => theme::warn(k).add_modifier(Modifier::BOLD),
        _ => theme::bad(k).add_modifier(Modifier::REVERSED),
    }
}

/// What a proposal is, line by line: its command, risk, who and when,
/// why, its parameters, and its decision and end.
fn detail(s: &State, p: &Proposal, width: usize) -> Vec<Line<'static>> {
    let k = s.ctx.theme;
    let mut out = Vec::new();
    out.push(Line::from(vec![
        Span::styled(
            format!(" {} ", clean(&p.risk).to_uppercase()),
            risk_style(s, &p.risk),
        ),
        Span::raw(fit(
            &format!(
                " {}{} · {}",
                if p.drill { "DRILL · " } else { "" },
                clean(&p.id),
                clean(&p.title)
            ),
            width.saturating_sub(p.risk.chars().count() + 2),
        )),
    ]));
    for l in p.command.lines() {
        out.push(Line::from(vec![
            Span::styled("$ ", theme::dim(k)),
            Span::styled(clean(l).into_owned(), theme::heading(k)),
        ]));
    }
    out.push(Line::styled(
        format!(
            "proposed by {} at {} · lapses {}",
            clean(&who(&p.by, &p.user)),
            hms(s, p.at),
            hms(s, p.deadline())
        ),
        theme::dim(k),
    ));
    out.push(Line::from(format!("why: {}", clean(&p.reason))));
    if !p.params.is_empty() {
        let params: Vec<String> = p
            .params
            .iter()
            .map(|(n, v)| format!("{}={}", clean(n), clean(v)))
            .collect();
        out.push(Line::styled(
            format!("parameters: {}", params.join(" ")),
            theme::dim(k),
        ));
    }
    if let Some(d) = &p.decision {
        out.push(Line::styled(
            format!(
                "{} by {} at {}: {}",
                if d.approved { "approved" } else { "rejected" },
                clean(&who(&d.by, &d.user)),
                hms(s, d.at),
                clean(&d.reason)
            ),
            if d.approved {
                theme::good(k)
            } else {
                theme::bad(k)
            },
        ));
    }
    match &p.closed {
        Some(Closed::Lapsed { at }) => out.push(Line::styled(
            format!("lapsed at {}", hms(s, *at)),
            theme::dim(k),
        )),
        Some(Closed::Voided { at, reason }) => out.push(Line::styled(
            format!("voided at {}: {}", hms(s, *at), clean(reason)),
            theme::bad(k),
        )),
        Some(Closed::Ran { at, run }) => {
            let outcome = s
                .incident
                .runs
                .get(run)
                .and_then(|r| r.outcome.clone())
                .unwrap_or_else(|| "running".into());
            out.push(Line::styled(
                format!(
                    "ran at {} ({}): {}",
                    hms(s, *at),
                    clean(run),
                    clean(&outcome)
                ),
                theme::good(k),
            ))
        }
        None => {}
    }
    out
}

/// Cuts the body so the tail (what the dialog asks, its keys) stays, and
/// draws the lines in a bordered box centred in `area`.
fn boxed(
    f: &mut Frame,
    area: Rect,
    width: u16,
    block: Block<'static>,
    body: Vec<Line<'static>>,
    tail: Vec<Line<'static>>,
    dim: Style,
) {
    let inner_w = width.saturating_sub(2) as usize;
    let tail = super::run_dialog::rows(tail, inner_w);
    let mut body = super::run_dialog::rows(body, inner_w);
    let room = area.height.saturating_sub(2) as usize;
    if body.len() + tail.len() > room {
        body.truncate(room.saturating_sub(tail.len()));
        if let Some(last) = body.last_mut() {
            *last = Line::styled("…", dim);
        }
    }
    body.extend(tail);
    let height = (body.len() as u16 + 2).min(area.height);
    let r = layout::centered(area, width, height);
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(body).block(block), r);
}

/// A dialog's frame: its border style and title, cut to fit.
fn frame_block(width: u16, title: &str, border: Style) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(fit(title, width.saturating_sub(2) as usize))
}

/// The queue: every open proposal, then the ended ones; the selected
/// one's detail below; its keys.
pub fn render(s: &State, f: &mut Frame, area: Rect, selected: usize) {
    let k = s.ctx.theme;
    let width = area.width.saturating_sub(4).min(100);
    let inner_w = width.saturating_sub(2) as usize;
    let list = queue(s);
    let waiting = list
        .iter()
        .filter(|p| p.stage(s.now) == Stage::Pending)
        .count();
    let mut body = Vec::new();
    if list.is_empty() {
        body.push(Line::from("No proposals."));
        body.push(Line::styled(
            "A command that needs a second person is proposed from its run dialog (Enter on the step).",
            theme::dim(k),
        ));
    }
    let selected = selected.min(list.len().saturating_sub(1));
    // The rows around the selection that fit beside its detail.
    let rows_room = (area.height as usize).saturating_sub(14).clamp(2, 8);
    let shown = super::window(list.len(), selected, rows_room);
    for (i, p) in list.iter().enumerate().take(shown.end).skip(shown.start) {
        let st = p.stage(s.now);
        let mark = if i == selected { "▶ " } else { "  " };
        let row_style = if i == selected {
            theme::selected(k, true)
        } else {
            Style::default()
        };
        let when = match st {
            Stage::Pending | Stage::Approved { .. } => format!("lapses {}", hms(s, p.deadline())),
            _ => hms(s, p.at),
        };
        let rest = format!(
            " {} · {} · $ {}",
            clean(crate::view::approvals::user_of(&p.by)),
            when,
            clean(&p.command),
        );
        body.push(Line::from(vec![
            Span::styled(mark, row_style),
            Span::styled(stage_label(&st), stage_style(s, &st)),
            Span::styled(fit(&rest, inner_w.saturating_sub(10)), row_style),
        ]));
    }
    if let Some(p) = list.get(selected) {
        body.push(Line::from(""));
        body.extend(detail(s, p, inner_w));
    }
    let mut tail = vec![Line::from("")];
    let keys = s.ctx.keymap.hints(
        Ctx::Approvals,
        &[
            (Action::Approve, "approve"),
            (Action::Reject, "reject"),
            (Action::Withdraw, "withdraw yours"),
            (Action::Down, "move"),
            (Action::Cancel, "close"),
        ],
    );
    if s.ctx.viewer {
        tail.push(Line::styled(
            "Viewer seat: it sees the queue; approving is for the other seats",
            theme::warn(k),
        ));
    }
    for l in super::pack(&keys, " · ", inner_w) {
        tail.push(Line::styled(l, theme::dim(k)));
    }
    let title = if waiting > 0 {
        format!(" Approvals (two-person rule) · {waiting} waiting ")
    } else {
        " Approvals (two-person rule) ".to_string()
    };
    let border = if waiting > 0 {
        theme::warn(k)
    } else {
        theme::border(k, true)
    };
    boxed(
        f,
        area,
        width,
        frame_block(width, &title, border),
        body,
        tail,
        theme::dim(k),
    );
}

/// Approving or rejecting one proposal: what it is, the reason, and for
/// a destructive command its target typed back.
pub fn decide(s: &State, f: &mut Frame, area: Rect, d: &DecideDialog) {
    let k = s.ctx.theme;
    let width = area.width.saturating_sub(4).min(90);
    let inner_w = width.saturating_sub(2) as usize;
    let Some(p) = s.incident.proposal(&d.proposal) else {
        return;
    };
    let body = detail(s, p, inner_w);
    let field_style = |focused: bool| {
        if focused {
            theme::selected(k, true)
        } else {
            Style::default()
        }
    };
    let mut tail = vec![Line::from("")];
    tail.push(Line::styled(
        if d.approve {
            "Why you approve it (recorded with your name):"
        } else {
            "Why you reject it (recorded with your name):"
        },
        theme::heading(k),
    ));
    let mut line = vec![Span::styled("> ", theme::heading(k))];
    line.extend(super::editor::one_line(
        &d.reason,
        inner_w.saturating_sub(2),
        field_style(d.focus == 0),
    ));
    tail.push(Line::from(line));
    let typing = d.approve && p.risk == "destructive";
    if typing {
        tail.push(Line::styled(
            format!(
                "DESTRUCTIVE. Type {} to approve it",
                fit(&clean(&p.target), inner_w.saturating_sub(30))
            ),
            theme::bad(k).add_modifier(Modifier::REVERSED),
        ));
        let mut line = vec![Span::styled("> ", theme::heading(k))];
        line.extend(super::editor::one_line(
            &d.typed,
            inner_w.saturating_sub(2),
            field_style(d.focus == 1),
        ));
        tail.push(Line::from(line));
    }
    if let Some(e) = &d.error {
        tail.push(Line::styled(clean(e).into_owned(), theme::bad(k)));
    }
    let mut keys = vec![format!(
        "{} {}",
        s.ctx.keymap.keys_for(Ctx::Decide, Action::Choose),
        if d.approve { "approve" } else { "reject" }
    )];
    if typing {
        keys.push(format!(
            "{} next field",
            s.ctx.keymap.keys_for(Ctx::Decide, Action::FocusNext)
        ));
    }
    keys.push(format!(
        "{} back",
        s.ctx.keymap.keys_for(Ctx::Decide, Action::Cancel)
    ));
    for l in super::pack(&keys, " · ", inner_w) {
        tail.push(Line::styled(l, theme::dim(k)));
    }
    let title = format!(
        " {} {}? ",
        if d.approve { "Approve" } else { "Reject" },
        clean(&p.id)
    );
    let border = if d.approve {
        risk_style(s, &p.risk)
    } else {
        theme::bad(k)
    };
    boxed(
        f,
        area,
        width,
        frame_block(width, &title, border),
        body,
        tail,
        theme::dim(k),
    );
}

/// The header's banner, if a proposal wants attention: one waiting for
/// someone (this seat's user may decide it), this seat's own approved and
/// ready to run, or this seat's own waiting. `None` when there is none.
pub fn header_banner(s: &State, width: usize) -> Option<Span<'static>> {
    let b = banner(s);
    let k = s.ctx.theme;
    let more = |n: usize| {
        if n > 1 {
            format!(" (+{} more)", n - 1)
        } else {
            String::new()
        }
    };
    let queue_key = s.ctx.keymap.keys_for(Ctx::Global, Action::Approvals);
    let (text, style) = if let Some(p) = b.for_me.first() {
        (
            format!(
                " ⚖ APPROVAL WANTED{} by {} · lapses {} · {queue_key} {} · {} · $ {} ",
                more(b.for_me.len()),
                clean(crate::view::approvals::user_of(&p.by)),
                hms(s, p.deadline()),
                if s.ctx.viewer { "queue" } else { "review" },
                clean(&p.title),
                clean(&p.command),
            ),
            theme::warn(k).add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    } else if let Some(p) = b.mine_approved.first() {
        let d = p.decision.as_ref()?;
        (
            format!(
                " ⚖ APPROVED by {}{} · until {}: Enter on \"{}\" runs it once ",
                clean(&d.user),
                more(b.mine_approved.len()),
                hms(s, p.deadline()),
                clean(&p.title),
            ),
            theme::good(k).add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    } else if let Some(p) = b.mine_waiting.first() {
        (
            format!(
                " ⚖ waiting for a second person{} · lapses {} · {} ",
                more(b.mine_waiting.len()),
                hms(s, p.deadline()),
                clean(&p.title),
            ),
            theme::warn(k),
        )
    } else {
        return None;
    };
    Some(Span::styled(fit(&text, width), style))
}

/// The run dialog's line about the two-person rule, if its command needs
/// a second person.
pub fn run_dialog_line(s: &State, fd: &ForDialog) -> Option<Line<'static>> {
    let k = s.ctx.theme;
    Some(match fd {
        ForDialog::NotNeeded => return None,
        ForDialog::Propose => Line::styled(
            "⚖ TWO-PERSON RULE: another person approves this exact command first",
            theme::warn(k).add_modifier(Modifier::BOLD),
        ),
        ForDialog::Waiting(p) => Line::styled(
            format!(
                "⚖ {} proposed at {}: waiting for a second person (lapses {})",
                clean(&p.id),
                hms(s, p.at),
                hms(s, p.deadline())
            ),
            theme::warn(k),
        ),
        ForDialog::Approved(p) => {
            let d = p.decision.as_ref()?;
            Line::styled(
                format!(
                    "⚖ {} APPROVED by {}: \"{}\" · runs once, until {}",
                    clean(&p.id),
                    clean(&who(&d.by, &d.user)),
                    clean(&d.reason),
                    hms(s, p.deadline())
                ),
                theme::good(k).add_modifier(Modifier::BOLD),
            )
        }
        ForDialog::Changed(p, why) => Line::styled(
            format!(
                "⚖ Not what was proposed ({}): Enter voids {} and proposes it as it is now",
                clean(why),
                clean(&p.id)
            ),
            theme::bad(k).add_modifier(Modifier::BOLD),
        ),
    })
}
