//! The `?` overlay, generated from the keymap table the code dispatches on.

use super::{layout, theme};
use crate::keys::{Ctx, Keymap};
use crate::state::State;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Every binding, grouped by where it applies, as lines of text (the
/// facilitator's keys only on the facilitator's seat).
///
/// `width` columns: a key's words wrap under its description, never cut
/// (narrow, the keys go on a line of their own).
pub fn lines(
    k: theme::Kind,
    keymap: &Keymap,
    facilitator: bool,
    width: usize,
) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthStr;
    let order = [
        Ctx::Facilitator,
        Ctx::Global,
        Ctx::Checklist,
        Ctx::Timeline,
        Ctx::Lists,
        Ctx::Alerts,
        Ctx::Silences,
        Ctx::AlertDetail,
        Ctx::Pods,
        Ctx::PodFilter,
        Ctx::Output,
        Ctx::RunEdit,
        Ctx::RunConfirm,
        Ctx::RunPropose,
        Ctx::Approvals,
        Ctx::Decide,
        Ctx::SilenceEdit,
        Ctx::SilenceConfirm,
        Ctx::ExpireConfirm,
        Ctx::Note,
        Ctx::Prompt,
        Ctx::Picker,
        Ctx::Confirm,
        Ctx::Help,
    ];
    let mut out = Vec::new();
    for ctx in order {
        if ctx == Ctx::Facilitator && !facilitator {
            continue;
        }
        let binds: Vec<_> = keymap.bindings.iter().filter(|b| b.ctx == ctx).collect();
        if binds.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Line::from(""));
        }
        out.push(Line::styled(ctx.title().to_string(), theme::heading(k)));
        for b in binds {
            let keys = b
                .keys
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ");
            let words: Vec<String> = b.help.split(' ').map(str::to_string).collect();
            if width >= 44 && keys.width() <= 18 {
                let rows = super::pack(&words, " ", width - 20);
                for (i, row) in rows.into_iter().enumerate() {
                    let lead = if i == 0 {
                        format!("  {keys:<18}")
                    } else {
                        " ".repeat(20)
                    };
                    out.push(Line::from(vec![
                        Span::styled(lead, theme::warn(k)),
                        Span::raw(row),
                    ]));
                }
            } else {
                out.push(Line::styled(format!("  {keys}"), theme::warn(k)));
                for row in super::pack(&words, " ", width.saturating_sub(4).max(1)) {
                    out.push(Line::raw(format!("    {row}")));
                }
            }
        }
    }
    out
}

/// Returns the last row it may be scrolled to.
pub fn render(s: &State, f: &mut Frame, area: Rect, scroll: u16) -> u16 {
    let r = layout::centered(area, 96, area.height.saturating_sub(2));
    let lines = lines(
        s.ctx.theme,
        &s.ctx.keymap,
        s.ctx.facilitator,
        r.width.saturating_sub(2) as usize,
    );
    // Rows past the end are never shown: the last screen stays full.
    let max = lines
        .len()
        .saturating_sub(r.height.saturating_sub(2) as usize)
        .min(u16::MAX as usize) as u16;
    let scroll = scroll.min(max);
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(s.ctx.theme, true))
        .title(" Keys ")
        .title_bottom(format!(
            " {} close · {} scroll ",
            s.ctx
                .keymap
                .keys_for(Ctx::Help, crate::keys::Action::Cancel),
            s.ctx.keymap.keys_for(Ctx::Help, crate::keys::Action::Down)
        ));
    f.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), r);
    max
}
