//! Who to call (`@`): the playbook's roles (primary, backup, who holds
//! each in this incident, how to reach them) and its contacts group by
//! group (channels and external firms included), word-wrapped and
//! scrollable. The list is derived by `view::contacts`.

use super::{layout, pane_block, theme};
use crate::sanitize::clean;
use crate::state::{ContactLine as Kind, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// The overlay's lines, cleaned for the terminal.
pub fn lines(s: &State) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (kind, text) in &s.derived.contacts {
        let text = clean(text).into_owned();
        if *kind == Kind::Heading && !out.is_empty() {
            out.push(Line::from(""));
        }
        out.push(match kind {
            Kind::Heading => Line::styled(text, theme::heading(s.ctx.theme)),
            Kind::Item => Line::from(text),
            Kind::Detail => Line::styled(format!("  {text}"), theme::dim(s.ctx.theme)),
        });
    }
    if out.is_empty() {
        out.push(Line::styled(
            "The playbook names no roles and no contacts (add roles: and contacts:).",
            theme::dim(s.ctx.theme),
        ));
    }
    out
}

/// Draws the overlay; returns the last row it may be scrolled to.
pub fn overlay(s: &State, f: &mut Frame, area: Rect, scroll: u16) -> u16 {
    let r = layout::centered(area, 100, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    let width = r.width.saturating_sub(2) as usize;
    let lines = lines(s);
    let height = r.height.saturating_sub(2) as usize;
    let max = super::wrapped_rows(&lines, width)
        .saturating_sub(height)
        .min(u16::MAX as usize) as u16;
    let scroll = scroll.min(max);
    let keys = |a| s.ctx.keymap.keys_for(crate::keys::Ctx::Help, a);
    let more = if max > 0 {
        format!(
            " · {}/{} scroll",
            keys(crate::keys::Action::Down),
            keys(crate::keys::Action::Up)
        )
    } else {
        String::new()
    };
    let title = format!(
        " Who to call: {} close{more} ",
        keys(crate::keys::Action::Cancel)
    );
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(pane_block(s.ctx.theme, super::fit(&title, width), true))
            .scroll((scroll, 0)),
        r,
    );
    max
}

/// The owner beside a step in the checklist (` @tech-lead`), when the
/// step names one and `room` columns are left after it for the title's
/// first 24: at narrow widths the owner goes before the title is cut.
pub fn owner_tag(s: &State, step_id: &str, room: usize) -> Option<String> {
    use unicode_width::UnicodeWidthStr;
    let tag = format!(
        " @{}",
        clean(&crate::view::contacts::owner(s, step_id)?.role)
    );
    (room >= tag.width() + 24).then_some(tag)
}

/// The selected step's owner in its detail: the role, who holds it in
/// this incident and how to reach them.
pub fn owner_line(s: &State, step_id: &str) -> Option<Line<'static>> {
    let o = crate::view::contacts::owner(s, step_id)?;
    Some(Line::styled(
        clean(&o.line).into_owned(),
        theme::dim(s.ctx.theme),
    ))
}
