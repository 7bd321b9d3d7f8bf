//! Where the panes go. Two arrangements: wide (110x30 and up) and narrow
//! (80x24), both with every pane on one screen. Panes that observe nothing
//! (no pods, no alerts) give their room to the others.

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

pub fn is_wide(area: Rect) -> bool {
    area.width >= 110 && area.height >= 30
}

/// What the layout has to place; sizes follow the content.
#[derive(Clone, Copy, Debug, Default)]
pub struct Content {
    pub pods: usize,
    /// Rows the alerts pane wants (alerts, group headings, notices).
    pub alerts: usize,
    pub figures: usize,
    /// Lines the resources pane's full form needs.
    pub resources: usize,
    /// The pods pane is shown.
    pub show_pods: bool,
    /// The alerts pane is shown.
    pub show_alerts: bool,
    /// Something ran: show its output.
    pub output: bool,
}

pub fn areas(area: Rect, c: Content) -> Areas {
    if !c.show_pods && !c.show_alerts {
        return without_cluster(area, c);
    }
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let none = Rect::new(0, 0, 0, 0);
    if is_wide(area) {
        // Wide: the live view and the timeline on the left (timeline lines
        // want the width), the checklist and resources on the right.
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(body);
        let pods_h = if c.show_pods {
            (c.pods as u16 + 3).clamp(5, left.height / 3)
        } else {
            0
        };
        let alerts_max = if c.show_pods {
            left.height / 4
        } else {
            left.height / 3
        };
        let alerts_h = if c.show_alerts {
            (c.alerts as u16 + 3).clamp(5, alerts_max.max(5))
        } else {
            0
        };
        let [pods, alerts, timeline] = Layout::vertical([
            Constraint::Length(pods_h),
            Constraint::Length(alerts_h),
            Constraint::Min(5),
        ])
        .areas(left);
        let [checklist, resources] = Layout::vertical([
            Constraint::Min(8),
            Constraint::Length(resources_height(&c, right.height)),
        ])
        .areas(right);
        let (timeline, output) = split_output(timeline, c.output, true);
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
            (c.pods as u16 + 3).clamp(4, (h / 4 + 1).max(4))
        } else {
            0
        };
        let alert_rows = if c.show_alerts { c.alerts + 1 } else { 0 };
        let cap = if c.show_pods { h / 4 + 1 } else { h / 2 };
        let mid_h = (alert_rows.max(2 + c.figures.div_ceil(2)) as u16 + 2).clamp(4, cap.max(4));
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
        let (timeline, output) = split_output(timeline, c.output, false);
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

/// The resources pane in the wide arrangement: its full form when it fits
/// in half the column, else what the compact form needs.
fn resources_height(c: &Content, column: u16) -> u16 {
    let full = c.resources as u16 + 2;
    if full <= column / 2 {
        full
    } else {
        (4 + c.figures.div_ceil(2) as u16).min(column / 3)
    }
}

/// No pods or alerts to show: the timeline and output take their place.
fn without_cluster(area: Rect, c: Content) -> Areas {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let wide = is_wide(area);
    let [left, right] = if wide {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body)
    } else {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body)
    };
    let res_h = if wide {
        resources_height(&c, right.height)
    } else {
        (5 + c.figures.div_ceil(2) as u16).min(right.height / 3)
    };
    let [checklist, resources] =
        Layout::vertical([Constraint::Min(6), Constraint::Length(res_h)]).areas(right);
    let (timeline, output) = split_output(left, c.output, wide);
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
