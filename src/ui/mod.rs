//! Rendering: a pure function of the state. `draw` only reads; each pane
//! has its own file.

pub mod alerts;
pub mod approvals;
pub mod bigclock;
pub mod cache;
pub mod checklist;
pub mod contacts;
pub mod dialog;
pub mod editor;
pub mod footer;
pub mod header;
pub mod help;
pub mod injects;
pub mod layout;
pub mod output;
pub mod pods;
pub mod progress;
pub mod resources;
pub mod run_dialog;
pub mod silence_dialog;
pub mod theme;
pub mod timeline;
pub mod timers;

use crate::state::ui::{Area, Placed, Tabs};
use crate::state::{Modal, Pane, State};
use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// What the layout has to place, from the state.
pub fn content(s: &State) -> layout::Content {
    let o = &s.observed;
    layout::Content {
        pods: o.pods.len(),
        pods_status: o.kube.as_ref().map(|v| pods::status_width(s, v)),
        alerts: alerts::wanted_rows(s),
        figures: o.figures.len(),
        resources: if s.ctx.facilitator {
            injects::upcoming(s).len().max(1) + 1
        } else {
            resources::full_height(s, 52)
        },
        timers: s.derived.timers.len(),
        phases: s.ctx.procedure().phases.len(),
        show_pods: s.ctx.observes_pods,
        show_alerts: s.ctx.observes_alerts,
        output: !s.runs.list.is_empty(),
    }
}

/// The layout in use: the one chosen (flag, config or `L`), else the
/// biggest that fits the terminal.
pub fn active_layout(s: &State) -> &layout::Spec {
    let (w, h) = s.ui.size;
    layout_for(s, w, h)
}

fn layout_for(s: &State, w: u16, h: u16) -> &layout::Spec {
    &s.ctx.layouts[layout_index(s, w, h)]
}

/// The index of `layout_for`'s layout in `ctx.layouts`.
fn layout_index(s: &State, w: u16, h: u16) -> usize {
    let specs = &s.ctx.layouts;
    // A facilitator's seat starts on the facilitator layout.
    let auto = || {
        specs
            .iter()
            .position(|l| l.name == "facilitator")
            .filter(|_| s.ctx.facilitator && w >= 80 && h >= 24)
            .unwrap_or_else(|| crate::layout::auto(specs, w, h))
    };
    let i = s.ui.layout.unwrap_or_else(auto);
    i.min(specs.len().saturating_sub(1))
}

/// Where everything goes at the state's terminal size.
pub fn placement(s: &State) -> layout::Placement {
    let (w, h) = s.ui.size;
    layout::place(
        active_layout(s),
        ratatui::layout::Rect::new(0, 0, w, h),
        &content(s),
    )
}

/// The focusable pane behind a layout pane.
pub fn focusable(p: layout::PaneId) -> Option<Pane> {
    use layout::PaneId as P;
    match p {
        P::Checklist => Some(Pane::Checklist),
        P::Timeline => Some(Pane::Timeline),
        P::Output => Some(Pane::Output),
        P::Pods => Some(Pane::Pods),
        P::Alerts => Some(Pane::Alerts),
        P::Timers => Some(Pane::Timers),
        P::Resources => Some(Pane::Resources),
        P::Header | P::Bigclock | P::Footer | P::Progress | P::Injects => None,
    }
}

/// The layout in use has its own place for the upcoming injects.
fn placed_injects(s: &State) -> bool {
    active_layout(s).root_has(layout::PaneId::Injects)
}

/// Panes Tab moves through, in reading order, at the state's size.
pub fn focus_order(s: &State) -> Vec<Pane> {
    placed(s, &placement(s), Vec::new(), None).focus_order()
}

fn area_of(r: ratatui::layout::Rect) -> Area {
    Area {
        x: r.x,
        y: r.y,
        width: r.width,
        height: r.height,
    }
}

/// Tab widths as the tab bar draws them.
fn tab_width(s: &State, p: Pane) -> u16 {
    (tab_label(s, p).chars().count() + 1) as u16
}

/// A layout's placement as `update` gets it back.
fn placed(
    s: &State,
    p: &layout::Placement,
    steps: Vec<(u16, usize)>,
    scroll_max: Option<u16>,
) -> Placed {
    Placed {
        drawn: true,
        scroll_max,
        panes: p
            .panes
            .iter()
            .filter_map(|(id, r)| focusable(*id).map(|f| (f, area_of(*r))))
            .collect(),
        tabs: p.tabs.as_ref().map(|(bar, tabs, body)| Tabs {
            bar: area_of(*bar),
            tabs: tabs
                .iter()
                .filter_map(|id| focusable(*id))
                .map(|f| (f, tab_width(s, f)))
                .collect(),
            body: area_of(*body),
        }),
        steps,
    }
}

/// Draws a frame; returns where it placed things, which the loop hands
/// back to `update` (`Msg::Drawn`) for the mouse and focus.
pub fn draw(s: &State, f: &mut Frame) -> Placed {
    let area = f.area();
    let placed = match plan(s, area) {
        None => {
            too_small(s, f, area);
            Placed {
                drawn: true,
                ..Placed::default()
            }
        }
        Some(plan) => {
            let mut steps = Vec::new();
            for (slot, r) in &plan.slots {
                steps.extend(render_slot(s, f, &plan, *slot, *r));
            }
            let scroll_max = overlay(s, f, area, &mut steps);
            self::placed(s, &plan.placement, steps, scroll_max)
        }
    };
    // Every pane cleans what it takes from outside; this catches what one
    // forgot, before anything reaches the terminal.
    crate::sanitize::inert_cells(f.buffer_mut());
    placed
}

/// What one place on the screen shows (a layout's pane as this seat
/// draws it): the unit the render cache keeps (`cache`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    Header,
    Footer,
    Bigclock,
    Progress,
    /// The facilitator's upcoming injects.
    Injects,
    /// A focusable pane, and whether it has the focus.
    Pane(Pane, bool),
    /// The compact layout's tabs, and the one shown.
    Tabbar(Pane),
    /// A place this seat leaves empty.
    Empty,
}

/// A frame's layout: the placement, and what each place shows, in the
/// order they are drawn (none overlaps another).
pub struct Plan {
    pub placement: layout::Placement,
    pub slots: Vec<(Slot, ratatui::layout::Rect)>,
}

/// The frame's plan at `area`; `None` when the terminal is too small.
pub fn plan(s: &State, area: ratatui::layout::Rect) -> Option<Plan> {
    plan_with(s, area, &mut layout::Memo::default())
}

/// `plan`, the layout placed again only if `memo` did not place the same
/// (the render cache's).
pub fn plan_with(s: &State, area: ratatui::layout::Rect, memo: &mut layout::Memo) -> Option<Plan> {
    if layout::too_small(area) {
        return None;
    }
    let i = layout_index(s, area.width, area.height);
    let placement = memo.place(&s.ctx.layouts, i, area, &content(s));
    let mut slots = Vec::new();
    let header = placement.get(layout::PaneId::Header);
    let footer = placement.get(layout::PaneId::Footer);
    if s.ui.zoom {
        // The focused pane alone, between the header and the footer.
        let top = header.map_or(0, |h| h.bottom());
        let bottom = footer.map_or(area.height, |f| f.y);
        let body = ratatui::layout::Rect::new(0, top, area.width, bottom.saturating_sub(top));
        slots.extend(header.map(|h| (Slot::Header, h)));
        slots.extend(footer.map(|f| (Slot::Footer, f)));
        slots.push((Slot::Pane(s.ui.focus, true), body));
    } else {
        for (id, r) in &placement.panes {
            slots.push((slot_of(s, *id), *r));
        }
        if let Some((bar, tabs, body)) = &placement.tabs {
            let shown = focusable_in(tabs, s.ui.focus).unwrap_or(
                tabs.first()
                    .copied()
                    .and_then(focusable)
                    .unwrap_or(Pane::Checklist),
            );
            slots.push((Slot::Tabbar(shown), *bar));
            slots.push((Slot::Pane(shown, true), *body));
        }
    }
    Some(Plan { placement, slots })
}

/// What a layout's pane shows on this seat.
fn slot_of(s: &State, id: layout::PaneId) -> Slot {
    use layout::PaneId as P;
    match id {
        P::Header => Slot::Header,
        P::Injects if s.ctx.facilitator => Slot::Injects,
        // Without the facilitator layout, the upcoming injects take the
        // resources' place on a facilitator's seat.
        P::Resources if s.ctx.facilitator && !placed_injects(s) => Slot::Injects,
        P::Injects => Slot::Empty,
        P::Footer => Slot::Footer,
        P::Bigclock => Slot::Bigclock,
        P::Progress => Slot::Progress,
        other => match focusable(other) {
            Some(p) => Slot::Pane(p, s.ui.focus == p),
            None => Slot::Empty,
        },
    }
}

/// Draws one place; the checklist's step rows if it is there.
pub fn render_slot(
    s: &State,
    f: &mut Frame,
    plan: &Plan,
    slot: Slot,
    r: ratatui::layout::Rect,
) -> Vec<(u16, usize)> {
    match slot {
        Slot::Header => header::render(s, f, r),
        Slot::Footer => footer::render(s, f, r),
        Slot::Bigclock => bigclock::render(s, f, r),
        Slot::Progress => progress::render(s, f, r),
        Slot::Injects => injects::render(s, f, r),
        Slot::Pane(p, focused) => return pane(s, f, p, r, focused),
        Slot::Tabbar(shown) => {
            if let Some((_, tabs, _)) = &plan.placement.tabs {
                tabbar(s, f, r, tabs, shown);
            }
        }
        Slot::Empty => {}
    }
    Vec::new()
}

/// A dialog over the panes draws over them (the pods filter is typed
/// into its pane's title).
pub fn overlaid(s: &State) -> bool {
    !matches!(s.ui.modal, None | Some(Modal::PodFilter))
}

/// The dialog, if one is open, over the panes; under it a click reaches no
/// step. Returns the last row a scrolled overlay may start at.
pub fn overlay(
    s: &State,
    f: &mut Frame,
    area: ratatui::layout::Rect,
    steps: &mut Vec<(u16, usize)>,
) -> Option<u16> {
    let mut scroll_max = None;
    match &s.ui.modal {
        None => {}
        Some(Modal::Help { scroll }) => scroll_max = Some(help::render(s, f, area, *scroll)),
        Some(Modal::Note(editor)) => {
            let r = layout::centered(area, (area.width * 4 / 5).max(40), (area.height / 2).max(8));
            editor::render(s.ctx.theme, f, r, editor);
        }
        Some(Modal::Pick { kind, selected }) => dialog::picker(s, f, area, *kind, *selected),
        Some(Modal::ConfirmQuit) => dialog::confirm_quit(s, f, area),
        Some(Modal::Run(d)) => run_dialog::render(s, f, area, d),
        Some(Modal::Prompt { title, value, .. }) => dialog::prompt(s, f, area, title, value),
        Some(Modal::Comms { editor, .. }) => {
            let r = layout::centered(
                area,
                (area.width * 9 / 10).max(40),
                (area.height * 3 / 4).max(10),
            );
            editor::render(s.ctx.theme, f, r, editor);
        }
        Some(Modal::Timers { scroll }) => {
            scroll_max = Some(timers::overlay(s, f, area, *scroll));
        }
        Some(Modal::Contacts { scroll }) => {
            scroll_max = Some(contacts::overlay(s, f, area, *scroll));
        }
        Some(Modal::Record { seq, scroll }) => {
            scroll_max = Some(timeline::record(s, f, area, *seq, *scroll));
        }
        Some(Modal::AlertDetail {
            fingerprint,
            alertname,
            scroll,
        }) => alerts::detail(s, f, area, fingerprint, alertname, *scroll),
        Some(Modal::Silence(d)) => silence_dialog::render(s, f, area, d),
        Some(Modal::ExpireSilence { id }) => silence_dialog::expire(s, f, area, id),
        // Typed into the pods pane's title; the footer says the keys.
        Some(Modal::PodFilter) => {}
        Some(Modal::Approvals { selected }) => approvals::render(s, f, area, *selected),
        Some(Modal::Decide(d)) => approvals::decide(s, f, area, d),
    }
    if !steps_clickable(s) {
        steps.clear();
    }
    scroll_max
}

/// Whether a click reaches the checklist's steps: not while any dialog is
/// open, the pods filter typed into its pane's title too.
pub fn steps_clickable(s: &State) -> bool {
    s.ui.modal.is_none()
}

/// The frame when the terminal is too small for any layout.
pub fn too_small(s: &State, f: &mut Frame, area: ratatui::layout::Rect) {
    let mut lines = Vec::new();
    if s.ctx.drill || s.incident.drill {
        // Every frame says it is a drill, even this one.
        lines.push(Line::styled(" DRILL ", theme::drill_banner(s.ctx.theme)));
    }
    let msg = Paragraph::new(
        lines
            .into_iter()
            .chain([
                Line::from("Terminal too small"),
                Line::from(format!(
                    "{}x{}, need {}x{}",
                    area.width,
                    area.height,
                    layout::MIN_WIDTH,
                    layout::MIN_HEIGHT
                )),
                Line::from("The record is safe; enlarge the window."),
            ])
            .collect::<Vec<_>>(),
    )
    .alignment(Alignment::Center)
    .wrap(Wrap { trim: true });
    f.render_widget(msg, area);
}

/// One focusable pane; the checklist's step rows when it is the one.
fn pane(
    s: &State,
    f: &mut Frame,
    p: Pane,
    area: ratatui::layout::Rect,
    focused: bool,
) -> Vec<(u16, usize)> {
    match p {
        Pane::Checklist => return checklist::render(s, f, area, focused),
        Pane::Timeline => timeline::render(s, f, area, focused),
        Pane::Output => output::render(s, f, area, focused),
        Pane::Pods => pods::render(s, f, area, focused),
        Pane::Alerts => alerts::render(s, f, area, focused),
        Pane::Timers => timers::render(s, f, area, focused),
        Pane::Resources => resources::render(s, f, area, focused),
    }
    Vec::new()
}

fn focusable_in(tabs: &[layout::PaneId], focus: Pane) -> Option<Pane> {
    tabs.iter()
        .filter_map(|t| focusable(*t))
        .find(|p| *p == focus)
}

/// The compact layout's tabs: every pane one Tab away.
fn tabbar(
    s: &State,
    f: &mut Frame,
    r: ratatui::layout::Rect,
    tabs: &[layout::PaneId],
    shown: Pane,
) {
    use ratatui::text::Span;
    let mut spans = Vec::new();
    for t in tabs {
        let Some(p) = focusable(*t) else { continue };
        let style = if p == shown {
            theme::selected(s.ctx.theme, true)
        } else {
            theme::dim(s.ctx.theme)
        };
        spans.push(Span::styled(tab_label(s, p), style));
        spans.push(Span::raw(" "));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

/// A tab's text: the pane's name and what is waiting in it.
fn tab_label(s: &State, p: Pane) -> String {
    let extra = match p {
        Pane::Alerts if !s.observed.alerts.is_empty() => {
            format!(" {}", s.observed.alerts.len())
        }
        Pane::Output if s.runs.running() > 0 => format!(" {}●", s.runs.running()),
        Pane::Timers if !crate::view::unacknowledged(s).is_empty() => " ⚑".to_string(),
        _ => String::new(),
    };
    format!(" {}{extra} ", p.title())
}

/// A bordered pane block with its title, highlighted when focused.
pub fn pane_block(k: theme::Kind, title: String, focused: bool) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(k, focused))
        .title(title)
}

/// The rows of a list a pane of `height` rows shows so that `selected` is
/// on screen: from the top, and once the selection goes past the first
/// screen with the selection on the last row (as ratatui's table scrolls).
/// Panes build only these rows, so a frame costs the same with 10 or
/// 10,000 pods, alerts or lines.
pub fn window(len: usize, selected: usize, height: usize) -> std::ops::Range<usize> {
    let height = height.max(1);
    let start = (selected.min(len.saturating_sub(1)) + 1).saturating_sub(height);
    start..(start + height).min(len)
}

/// The rows `window` may show for any height up to `height`: what a
/// pane's key reads of a long list (`cache`).
pub fn around(len: usize, selected: usize, height: usize) -> std::ops::Range<usize> {
    let selected = selected.min(len.saturating_sub(1));
    (selected + 1).saturating_sub(height.max(1))..(selected + 1).max(height).min(len)
}

/// Joins `parts` with `sep` into lines at most `width` columns wide,
/// breaking only between parts.
pub fn pack(parts: &[String], sep: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for p in parts {
        if !cur.is_empty() && cur.width() + sep.width() + p.width() > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push_str(sep);
        }
        cur.push_str(p);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The rows `lines` take once word-wrapped at `width` columns (as
/// `Paragraph` with `Wrap` does: a word longer than the line is broken).
pub fn wrapped_rows(lines: &[Line], width: usize) -> usize {
    use unicode_width::UnicodeWidthStr;
    let width = width.max(1);
    lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            let mut rows = 1;
            let mut used = 0;
            for word in text.split_inclusive(' ') {
                let mut w = word.width();
                // A word that does not fit the rest of the row starts a new
                // one (trailing spaces may hang past the edge).
                if used > 0 && used + word.trim_end().width() > width {
                    rows += 1;
                    used = 0;
                }
                while w > width {
                    rows += 1;
                    w -= width;
                }
                used += w;
            }
            rows
        })
        .sum()
}

/// Cuts a string to `width` columns, marking the cut with `…`.
pub fn fit(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Cuts a string to `width` columns in the middle, keeping its end: pod
/// names differ in their suffix (`api-7d9f8b6c5-2xkqp` → `api-7d…-2xkqp`).
pub fn fit_middle(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_string();
    }
    if width < 4 {
        return fit(s, width);
    }
    let tail_w = (width - 1) / 2;
    let head_w = width - 1 - tail_w;
    let mut head = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > head_w {
            break;
        }
        head.push(c);
        w += cw;
    }
    let mut tail: Vec<char> = Vec::new();
    let mut w = 0;
    for c in s.chars().rev() {
        let cw = c.width().unwrap_or(0);
        if w + cw > tail_w {
            break;
        }
        tail.push(c);
        w += cw;
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    head
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn a_window_keeps_the_selection_on_screen() {
        assert_eq!(window(100, 0, 10), 0..10);
        assert_eq!(window(100, 9, 10), 0..10);
        assert_eq!(window(100, 10, 10), 1..11);
        assert_eq!(window(100, 99, 10), 90..100);
        assert_eq!(window(5, 3, 10), 0..5);
        assert_eq!(window(0, 0, 10), 0..0);
        assert_eq!(window(100, 500, 10), 90..100);
    }

    #[test]
    fn around_holds_every_window_up_to_its_height() {
        for len in 0..30 {
            for selected in 0..35 {
                for height in 1..25 {
                    let all = around(len, selected, height);
                    for h in 1..=height {
                        let w = window(len, selected, h);
                        assert!(
                            w.is_empty() || all.start <= w.start && w.end <= all.end,
                            "{len} {selected} {height} {h}: {w:?} not in {all:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn middle_cut_keeps_the_suffix() {
        assert_eq!(
            fit_middle("dicps-api-7d9f8b6c5-2xkqp", 15),
            "dicps-a…5-2xkqp"
        );
        assert_eq!(fit_middle("short", 15), "short");
        assert_eq!(fit_middle("abcdefgh", 3), "ab…");
        assert_eq!(fit_middle("abcdefgh", 7).chars().count(), 7);
    }
}

#[cfg(test)]
mod every_size;
#[cfg(test)]
mod pane_snapshots;
#[cfg(test)]
mod snapshots;
