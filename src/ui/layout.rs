//! Placing a layout (`crate::layout`) on a terminal: pure, so the same
//! function serves drawing, and its result is handed back to `update` for
//! mouse hit-testing and focus.

use crate::layout::amount;
pub use crate::layout::{MIN_HEIGHT, MIN_WIDTH, Node, PaneId, Spec, When};
use ratatui::layout::{Constraint, Layout, Rect};

/// What the layout places, and how much of it there is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Content {
    pub pods: usize,
    /// The live source's status line above the pods, if any: its width
    /// when it may take two lines, else 0 (see `status_rows`).
    pub pods_status: Option<usize>,
    pub alerts: usize,
    pub figures: usize,
    pub timers: usize,
    pub phases: usize,
    /// Lines the resources pane's full form needs.
    pub resources: usize,
    pub show_pods: bool,
    pub show_alerts: bool,
    pub output: bool,
}

/// Where each pane goes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placement {
    pub panes: Vec<(PaneId, Rect)>,
    /// A tab bar, the panes it offers, and the area they share.
    pub tabs: Option<(Rect, Vec<PaneId>, Rect)>,
}

impl Placement {
    pub fn get(&self, p: PaneId) -> Option<Rect> {
        self.panes.iter().find(|(q, _)| *q == p).map(|(_, r)| *r)
    }
}

/// The lines a status line of this width (0: one that never wraps) takes
/// in a pane this wide inside: one, or two when it does not fit.
pub fn status_rows(status_width: usize, inner_width: usize) -> usize {
    if status_width > inner_width && inner_width > 0 {
        2
    } else {
        1
    }
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

fn available(p: PaneId, c: &Content) -> bool {
    match p {
        PaneId::Pods => c.show_pods,
        PaneId::Alerts => c.show_alerts,
        PaneId::Output => c.output,
        _ => true,
    }
}

fn shown(n: &Node, c: &Content, term: Rect) -> bool {
    let when = match n.when {
        None => true,
        Some(When::Cluster) => c.show_pods || c.show_alerts,
        Some(When::Output) => c.output,
        Some(When::Timers) => c.timers > 0,
    };
    let big_enough = n
        .hide_below
        .is_none_or(|s| term.width >= s.width && term.height >= s.height);
    when && big_enough && n.pane.is_none_or(|p| available(p, c))
}

/// The lines a pane's content wants at a width.
fn content_height(p: PaneId, c: &Content, width: u16) -> u16 {
    let n = |x: usize| x.min(200) as u16;
    match p {
        PaneId::Header => 2,
        PaneId::Bigclock => 7,
        PaneId::Footer => 1,
        PaneId::Pods => {
            let status = c.pods_status.map_or(0, |w| {
                status_rows(w, width.saturating_sub(2) as usize) as u16
            });
            (n(c.pods) + status).max(1) + 3
        }
        PaneId::Alerts => n(c.alerts).max(1) + 3,
        PaneId::Timers => n(c.timers).max(1) + 2,
        PaneId::Progress => n(c.phases) + 3,
        PaneId::Resources => {
            if width >= 46 {
                n(c.resources) + 2
            } else {
                2 + n(c.figures.div_ceil(2)) + 2
            }
        }
        PaneId::Checklist | PaneId::Timeline | PaneId::Output | PaneId::Injects => 10,
    }
}

fn node_content(n: &Node, c: &Content, width: u16) -> u16 {
    if let Some(p) = n.pane {
        return content_height(p, c, width);
    }
    if let Some(rows) = &n.rows {
        return rows.iter().map(|r| node_content(r, c, width)).sum();
    }
    if let Some(cols) = &n.columns {
        let w = width / cols.len().max(1) as u16;
        return cols
            .iter()
            .map(|r| node_content(r, c, w))
            .max()
            .unwrap_or(0);
    }
    10
}

fn constraint(n: &Node, c: &Content, whole: u16, cross: u16, vertical: bool) -> Constraint {
    let size = n.size.as_ref().map_or("fill", |s| s.value.as_str());
    let max = n.max.as_ref().and_then(|m| amount(&m.value, whole));
    let min = n.min.unwrap_or(0);
    let clamp = |v: u16| v.max(min).min(max.unwrap_or(u16::MAX).max(min));
    match size {
        "fill" => {
            if min > 0 {
                Constraint::Min(min)
            } else {
                Constraint::Fill(1)
            }
        }
        "content" => {
            let want = if vertical {
                node_content(n, c, cross)
            } else {
                20
            };
            Constraint::Length(clamp(want))
        }
        s if s.ends_with('%') => {
            Constraint::Percentage(s.trim_end_matches('%').trim().parse().unwrap_or(50))
        }
        s => Constraint::Length(clamp(s.parse().unwrap_or(1))),
    }
}

fn place_node(n: &Node, area: Rect, c: &Content, term: Rect, out: &mut Placement) {
    if let Some(p) = n.pane {
        out.panes.push((p, area));
        return;
    }
    if let Some(tabs) = &n.tabs {
        let offered: Vec<PaneId> = tabs.iter().copied().filter(|p| available(*p, c)).collect();
        let [bar, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        out.tabs = Some((bar, offered, body));
        return;
    }
    let (kids, vertical) = match (&n.rows, &n.columns) {
        (Some(r), _) => (r, true),
        (None, Some(cl)) => (cl, false),
        _ => return,
    };
    let kids: Vec<&Node> = kids.iter().filter(|k| shown(k, c, term)).collect();
    if kids.is_empty() {
        return;
    }
    let whole = if vertical { area.height } else { area.width };
    let cross = if vertical { area.width } else { area.height };
    let cons: Vec<Constraint> = kids
        .iter()
        .map(|k| constraint(k, c, whole, cross, vertical))
        .collect();
    let rects = if vertical {
        Layout::vertical(cons).split(area)
    } else {
        Layout::horizontal(cons).split(area)
    };
    for (k, r) in kids.iter().zip(rects.iter()) {
        place_node(k, *r, c, term, out);
    }
}

/// Where every pane of `spec` goes in `area`.
pub fn place(spec: &Spec, area: Rect, c: &Content) -> Placement {
    let mut out = Placement::default();
    place_node(&spec.root, area, c, area, &mut out);
    out
}

/// The last placement and what it was placed from: the render cache
/// keeps one, so a layout is placed again only when the terminal, the
/// layout or what it places changed, not on every frame. `place` is a
/// pure function of these.
#[derive(Clone, Debug, Default)]
pub struct Memo {
    last: Option<Placed>,
}

/// The layouts (held, so their address is never another's), the one
/// placed, the terminal, the content, and where it placed things.
type Placed = (std::sync::Arc<Vec<Spec>>, usize, Rect, Content, Placement);

impl Memo {
    /// `specs[i]` placed on `area` with `c`: the last placement if it was
    /// made from the same.
    pub fn place(
        &mut self,
        specs: &std::sync::Arc<Vec<Spec>>,
        i: usize,
        area: Rect,
        c: &Content,
    ) -> Placement {
        if let Some((s, j, a, cc, p)) = &self.last
            && std::sync::Arc::ptr_eq(s, specs)
            && (*j, *a, cc) == (i, area, c)
        {
            return p.clone();
        }
        let p = place(&specs[i], area, c);
        self.last = Some((specs.clone(), i, area, *c, p.clone()));
        p
    }
}

/// A centred rectangle for dialogs.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{bundled, load};

    fn c() -> Content {
        Content {
            pods: 5,
            pods_status: None,
            alerts: 2,
            figures: 4,
            timers: 6,
            phases: 4,
            resources: 9,
            show_pods: true,
            show_alerts: true,
            output: false,
        }
    }

    #[test]
    fn places_every_pane_inside_and_without_overlap() {
        for spec in bundled() {
            for (w, h) in [(120, 40), (80, 24), (40, 12), (200, 60)] {
                let area = Rect::new(0, 0, w, h);
                let p = place(&spec, area, &c());
                for (i, (a, ra)) in p.panes.iter().enumerate() {
                    assert!(
                        area.contains(ra.as_position()) || ra.area() == 0,
                        "{} {a:?} outside at {w}x{h}",
                        spec.name
                    );
                    for (b, rb) in &p.panes[i + 1..] {
                        assert!(
                            !ra.intersects(*rb),
                            "{}: {a:?} overlaps {b:?} at {w}x{h}",
                            spec.name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn when_and_content_sizes() {
        let spec = load("default").unwrap();
        let area = Rect::new(0, 0, 120, 40);
        let mut content = c();
        let p = place(&spec, area, &content);
        assert!(
            p.get(PaneId::Output).is_none(),
            "no output until something ran"
        );
        assert_eq!(
            p.get(PaneId::Pods).unwrap().height,
            8,
            "5 pods + header + borders"
        );
        content.output = true;
        content.show_pods = false;
        content.show_alerts = false;
        let p = place(&spec, area, &content);
        assert!(p.get(PaneId::Output).is_some());
        assert!(p.get(PaneId::Pods).is_none());
    }

    /// The pods pane is 55% of 120 columns: a failing source's status
    /// line of 100 columns fits the terminal but takes two lines there, and
    /// the pane is sized for both (it used to be measured against the
    /// terminal's width, and a pod fell off the bottom).
    #[test]
    fn a_wrapped_status_line_is_counted_at_the_pane_width() {
        let spec = load("default").unwrap();
        let area = Rect::new(0, 0, 120, 40);
        let mut content = c();
        content.pods = 2;
        let height = |content: &Content| {
            place(&spec, area, content)
                .get(PaneId::Pods)
                .unwrap()
                .height
        };
        content.pods_status = Some(0);
        assert_eq!(height(&content), 6, "status + header + 2 pods + borders");
        content.pods_status = Some(50);
        assert_eq!(height(&content), 6, "fits on one line");
        content.pods_status = Some(100);
        assert_eq!(height(&content), 7, "two status lines");
    }

    /// The memo places again whenever the terminal, the layout or the
    /// content differs from the last placement's: never a stale place.
    #[test]
    fn the_memo_places_again_when_anything_it_places_from_changed() {
        let specs = std::sync::Arc::new(bundled());
        let mut memo = Memo::default();
        let area = Rect::new(0, 0, 120, 40);
        let mut content = c();
        let default = specs.iter().position(|s| s.name == "default").unwrap();
        let check = |memo: &mut Memo, specs: &std::sync::Arc<Vec<Spec>>, i, area, c: &Content| {
            assert_eq!(memo.place(specs, i, area, c), place(&specs[i], area, c));
        };
        check(&mut memo, &specs, default, area, &content);
        let before = memo.place(&specs, default, area, &content);
        // More pods: the pods pane grows.
        content.pods = 9;
        check(&mut memo, &specs, default, area, &content);
        assert_ne!(memo.place(&specs, default, area, &content), before);
        // Another terminal, another layout.
        check(
            &mut memo,
            &specs,
            default,
            Rect::new(0, 0, 80, 24),
            &content,
        );
        for i in 0..specs.len() {
            check(&mut memo, &specs, i, area, &content);
        }
        // Other layouts at the same index (a new list): placed anew.
        let mut other = bundled();
        other.swap(0, default);
        let other = std::sync::Arc::new(other);
        check(&mut memo, &specs, 0, area, &content);
        check(&mut memo, &other, 0, area, &content);
    }
}
