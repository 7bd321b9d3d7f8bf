//! Where the panes go. Two arrangements for now: wide (120x40 and up) and
//! narrow (80x24), both with every pane on one screen.

use ratatui::layout::{Constraint, Layout, Rect};

pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub pods: Rect,
    pub alerts: Rect,
    pub resources: Rect,
    pub checklist: Rect,
    pub timeline: Rect,
    /// Command output, once something ran.
    pub output: Option<Rect>,
    pub footer: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Sizes follow the content: the counts of pods, alerts and figures.
/// What the layout has to place.
#[derive(Clone, Copy, Debug, Default)]
pub struct Content {
    pub pods: usize,
    pub alerts: usize,
    pub figures: usize,
    /// The pods pane is shown (something observes pods).
    pub show_pods: bool,
    /// The alerts pane is shown (something observes alerts).
    pub show_alerts: bool,
    /// Something ran: show its output.
    pub output: bool,
}

pub fn areas(area: Rect, c: Content) -> Areas {
    let (pod_count, alert_count, figure_count, has_output) =
        (c.pods, c.alerts, c.figures, c.output);
    if !c.show_pods && !c.show_alerts {
        return without_cluster(area, figure_count, has_output);
    }
    let none = Rect::new(0, 0, 0, 0);
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    if area.width >= 110 && area.height >= 30 {
        // Wide: the live view and the timeline on the left (timeline lines
        // want the width), the checklist and resources on the right.
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(body);
        // A list alone gets the room of both.
        let (pods_max, alerts_max) = match (c.show_pods, c.show_alerts) {
            (true, true) => (left.height / 3, left.height / 4),
            (true, false) => (left.height / 2, 0),
            _ => (0, left.height / 2),
        };
        let pods_h = if c.show_pods {
            (pod_count as u16 + 3).clamp(5, pods_max.max(5))
        } else {
            0
        };
        let alerts_h = if c.show_alerts {
            (alert_count as u16 + 3).clamp(5, alerts_max.max(5))
        } else {
            0
        };
        let [pods, alerts, timeline] = Layout::vertical([
            Constraint::Length(pods_h),
            Constraint::Length(alerts_h),
            Constraint::Min(5),
        ])
        .areas(left);
        let res_h = (figure_count as u16 + 7).min(right.height / 3);
        let [checklist, resources] =
            Layout::vertical([Constraint::Min(8), Constraint::Length(res_h)]).areas(right);
        let (timeline, output) = split_output(timeline, has_output, true);
        Areas {
            header,
            pods: if c.show_pods { pods } else { none },
            alerts: if c.show_alerts { alerts } else { none },
            resources,
            checklist,
            timeline,
            output,
            footer,
        }
    } else {
        // Narrow: pods across the full width (names need it), then alerts
        // beside resources, then checklist beside timeline.
        let h = body.height;
        let pods_h = if c.show_pods {
            let room = if c.show_alerts { h / 4 + 1 } else { h / 3 + 1 };
            (pod_count as u16 + 3).clamp(4, room.max(4))
        } else {
            0
        };
        let mid_rows = if c.show_alerts {
            (alert_count + 1).max(2 + figure_count.div_ceil(2))
        } else {
            2 + figure_count.div_ceil(2)
        };
        let mid_h = (mid_rows as u16 + 2).clamp(4, (h / 4 + 1).max(4));
        let [pods, mid, bottom] = Layout::vertical([
            Constraint::Length(pods_h),
            Constraint::Length(mid_h),
            Constraint::Min(0),
        ])
        .areas(body);
        let (alerts, resources) = if c.show_alerts {
            let [a, r] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(mid);
            (a, r)
        } else {
            (none, mid)
        };
        let [checklist, timeline] =
            Layout::horizontal([Constraint::Percentage(52), Constraint::Percentage(48)])
                .areas(bottom);
        let (timeline, output) = split_output(timeline, has_output, false);
        Areas {
            header,
            pods: if c.show_pods { pods } else { none },
            alerts,
            resources,
            checklist,
            timeline,
            output,
            footer,
        }
    }
}

/// No pods or alerts to show: the timeline and output take their place.
fn without_cluster(area: Rect, figure_count: usize, has_output: bool) -> Areas {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let wide = area.width >= 110 && area.height >= 30;
    let [left, right] = if wide {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body)
    } else {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body)
    };
    let res_h = if wide {
        figure_count as u16 + 7
    } else {
        4 + figure_count.div_ceil(2) as u16
    };
    let [checklist, resources] = Layout::vertical([
        Constraint::Min(6),
        Constraint::Length(res_h.min(right.height / 3)),
    ])
    .areas(right);
    let (timeline, output) = split_output(left, has_output, wide);
    let none = Rect::new(0, 0, 0, 0);
    Areas {
        header,
        pods: none,
        alerts: none,
        resources,
        checklist,
        timeline,
        output,
        footer,
    }
}

/// Once a command ran, its output shares the timeline's place.
fn split_output(timeline: Rect, has_output: bool, wide: bool) -> (Rect, Option<Rect>) {
    if !has_output {
        return (timeline, None);
    }
    let share = if wide { 60 } else { 50 };
    let [t, o] = Layout::vertical([
        Constraint::Percentage(100 - share),
        Constraint::Percentage(share),
    ])
    .areas(timeline);
    (t, Some(o))
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

    fn content(pods: bool, alerts: bool) -> Content {
        Content {
            pods: 4,
            alerts: 2,
            figures: 3,
            show_pods: pods,
            show_alerts: alerts,
            output: false,
        }
    }

    #[test]
    fn pods_and_alerts_are_placed_only_when_observed() {
        for area in [Rect::new(0, 0, 120, 40), Rect::new(0, 0, 80, 24)] {
            for (p, a) in [(true, true), (true, false), (false, true), (false, false)] {
                let r = areas(area, content(p, a));
                assert_eq!(r.pods.area() > 0, p, "{area:?} pods={p} alerts={a}");
                assert_eq!(r.alerts.area() > 0, a, "{area:?} pods={p} alerts={a}");
                for pane in [r.checklist, r.timeline, r.resources] {
                    assert!(pane.area() > 0, "{area:?} pods={p} alerts={a}");
                }
                if p && a {
                    assert!(!r.pods.intersects(r.alerts));
                }
            }
        }
    }
}
