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
pub fn lines(k: theme::Kind, keymap: &Keymap, facilitator: bool) -> Vec<Line<'static>> {
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
            out.push(Line::from(vec![
                Span::styled(format!("  {keys:<18}"), theme::warn(k)),
                Span::raw(b.help),
            ]));
        }
    }
    out
}

pub fn render(s: &State, f: &mut Frame, area: Rect, scroll: u16) {
    let r = layout::centered(area, 96, area.height.saturating_sub(2));
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
    f.render_widget(
        Paragraph::new(lines(s.ctx.theme, &s.ctx.keymap, s.ctx.facilitator))
            .block(block)
            .scroll((scroll, 0)),
        r,
    );
}
