//! The header: DRILL banner, severity, status, elapsed time, the response
//! clock, the IC, and the incident's title.

use super::{fit, theme};
use crate::sanitize::clean;
use crate::state::{ResponseClock, State};
use crate::time::{RESPONSE_SECONDS_FROM, countdown, hms, response_left};
use crate::view::Horizon;
use ratatui::Frame;
use ratatui::buffer::CellWidth;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    lines(s, area).render(f, area);
}

/// The header as it is drawn in `area`: its two lines, and where its
/// elapsed time (⏱) is, which moves every second while the rest rarely
/// does: the render cache writes just those cells when nothing else in
/// the header changed (`ui::cache`).
pub struct Drawing {
    lines: Vec<Line<'static>>,
    /// The first line's span holding the elapsed time's digits, and its
    /// column from the area's left; `None` when it is not shown whole.
    clock: Option<(usize, u16)>,
}

impl Drawing {
    fn new(top: &Pieces, second: Vec<Span<'static>>, area: Rect) -> Self {
        let (first, clock) = top.line(area.width as usize);
        // The column as the paragraph places it: each grapheme's cells,
        // the ones wider than the area left out; the digits must fit whole.
        let clock = clock.and_then(|i| {
            let before = Line::from(first.spans[..i].to_vec());
            let x: usize = before
                .styled_graphemes(Style::default())
                .map(|g| g.symbol.cell_width() as usize)
                .filter(|w| *w <= area.width as usize)
                .sum();
            let digits = first.spans[i].width();
            (x + digits <= area.width as usize).then_some((i, x as u16))
        });
        Self {
            lines: vec![first, Line::from(second)],
            clock,
        }
    }

    pub fn render(self, f: &mut Frame, area: Rect) {
        f.render_widget(Paragraph::new(self.lines), area);
    }

    /// The elapsed time's cells in `area`, when shown whole.
    pub fn clock(&self, area: Rect) -> Option<super::cache::Cells> {
        let (i, x) = self.clock?;
        let span = &self.lines[0].spans[i];
        Some(super::cache::Cells {
            x: area.x + x,
            y: area.y,
            text: span.content.to_string(),
            style: span.style,
        })
    }
}

/// The header's lines (see `Drawing`).
pub fn lines(s: &State, area: Rect) -> Drawing {
    let inc = &s.incident;
    let wide = area.width >= 100;
    // The first line is pieces in order, each with a rank: when the line
    // is wider than the screen the lowest rank goes first (or becomes its
    // short form). Severity and the response clock go last.
    let mut top = Pieces::default();
    if s.ctx.drill || inc.drill {
        let text = if wide {
            " DRILL · NOT A REAL INCIDENT "
        } else {
            " DRILL "
        };
        // Wide, its long form goes to " DRILL " before the clocks go.
        top.push(
            6,
            vec![Span::styled(text, theme::drill_banner(s.ctx.theme))],
            wide.then(|| vec![Span::styled(" DRILL ", theme::drill_banner(s.ctx.theme))]),
        );
        // Drill time, on every seat: stopped or sped up by the facilitator.
        // Shown only when it says something ⏱ does not (paused, sped up,
        // or a second or more apart): otherwise ⏱ is the one clock that
        // ticks.
        if let Some(text) = drill_clock(s, wide) {
            // Paused or sped up: a facilitator's state stays after the
            // elapsed time goes.
            top.push(
                5,
                vec![Span::styled(text, theme::drill_banner(s.ctx.theme))],
                None,
            );
        }
        top.push(6, vec![Span::raw(" ")], None);
    }
    if s.ctx.viewer {
        // A viewer sees the incident and records nothing: said where
        // every seat looks first.
        let text = if wide {
            " VIEWER · read only "
        } else {
            " VIEWER "
        };
        top.push(
            7,
            vec![
                Span::styled(
                    text,
                    theme::warn(s.ctx.theme).add_modifier(Modifier::REVERSED),
                ),
                Span::raw(" "),
            ],
            None,
        );
    }
    let sev = s.ctx.playbook.severity(&inc.severity);
    let sev_name = sev.map(|x| x.name.as_str()).unwrap_or("");
    let sev_style = theme::severity(s.ctx.theme, &inc.severity);
    top.push(
        9,
        vec![Span::styled(
            format!(" {} {} ", clean(&inc.severity), clean(sev_name)),
            sev_style,
        )],
        Some(vec![Span::styled(
            format!(" {} ", clean(&inc.severity)),
            sev_style,
        )]),
    );
    let status = inc.status.map(|x| x.name()).unwrap_or("-");
    let status_style = match inc.status {
        Some(crate::state::Status::Resolved) => theme::good(s.ctx.theme),
        Some(crate::state::Status::Investigating) => {
            theme::warn(s.ctx.theme).add_modifier(Modifier::BOLD)
        }
        _ => Style::default()
            .fg(Color::Cyan)
            .add_modifier(Modifier::BOLD),
    };
    top.push(
        2,
        vec![
            Span::raw(" "),
            Span::styled(format!("● {status}"), status_style),
        ],
        None,
    );
    // The digits in a span of their own: the cache writes them alone.
    top.push_clock(
        4,
        vec![
            Span::raw("  "),
            Span::styled("⏱ ", theme::heading(s.ctx.theme)),
            Span::styled(elapsed(s), theme::heading(s.ctx.theme)),
        ],
    );
    let (label, short, style) = response(s, wide);
    top.push(
        8,
        vec![Span::raw("  "), Span::styled(label, style)],
        Some(vec![Span::raw(" "), Span::styled(short, style)]),
    );
    let ic = Span::styled(
        format!("IC {}", clean(&inc.ic)),
        theme::heading(s.ctx.theme),
    );
    let mut second = Vec::new();
    if wide {
        top.push(0, vec![Span::raw("  "), ic], None);
    } else {
        // Narrow: the IC leads the second line so it is never cut off.
        second.push(ic);
        second.push(Span::raw(" · "));
    }
    // A shared store's state leads the second line: a cut-off host must
    // see that what it records is not yet on the other hosts' screens.
    if let Some(sh) = &s.observed.sharing {
        second.extend(sharing_badge(s, sh, wide));
    }
    // A command waiting for a second person (or approved and ready to
    // run here) takes the line: someone must act before it lapses.
    let used: usize = second.iter().map(|sp| sp.width()).sum();
    if let Some(banner) =
        super::approvals::header_banner(s, (area.width as usize).saturating_sub(used))
    {
        second.push(banner);
        return Drawing::new(&top, second, area);
    }
    // An ack about to lapse is said on every seat, not only its owner's:
    // someone must renew it or take the alert over. It lasts five minutes
    // at most, so it goes before a clock that fell due (which stays until
    // acknowledged, and the first line still says the response is late).
    let lapsing = crate::view::acks::lapsing_soon(s);
    if let Some(a) = lapsing.first() {
        let more = if lapsing.len() > 1 {
            format!(" (+{} more)", lapsing.len() - 1)
        } else {
            String::new()
        };
        let user = a.owner.split('@').next().unwrap_or(&a.owner);
        let used: usize = second.iter().map(|sp| sp.width()).sum();
        second.push(Span::styled(
            fit(
                &format!(
                    " ⚠ ack {} ({}) lapses in {}{more} ",
                    clean(&a.target),
                    clean(user),
                    countdown(a.until - s.now)
                ),
                (area.width as usize).saturating_sub(used),
            ),
            theme::warn(s.ctx.theme).add_modifier(Modifier::REVERSED),
        ));
        return Drawing::new(&top, second, area);
    }
    // A clock that fell due and is not acknowledged takes the line.
    let due = crate::view::unacknowledged(s);
    if let Some((_, label)) = due.first() {
        let more = if due.len() > 1 {
            format!(" (+{} more)", due.len() - 1)
        } else {
            String::new()
        };
        second.push(Span::styled(
            fit(
                &format!(" ⚑ DUE: {}{more} · a acknowledge ", clean(label)),
                area.width as usize,
            ),
            theme::bad(s.ctx.theme).add_modifier(Modifier::REVERSED),
        ));
        return Drawing::new(&top, second, area);
    }
    // A figure meets the criterion of a higher severity: suggested (the
    // IC raises it with `s`) while it holds and the incident is below it.
    if let Some(c) = crate::view::criteria::suggestion(s) {
        let used: usize = second.iter().map(|sp| sp.width()).sum();
        second.push(Span::styled(
            fit(
                &format!(
                    " ▲ {} · s raises · {} ",
                    clean(&crate::view::criteria::say(c)),
                    clean(&c.text)
                ),
                (area.width as usize).saturating_sub(used),
            ),
            theme::warn(s.ctx.theme).add_modifier(Modifier::REVERSED),
        ));
        return Drawing::new(&top, second, area);
    }
    let used: usize = second.iter().map(|sp| sp.width()).sum();
    let room = (area.width as usize).saturating_sub(used);
    let title = clean(&inc.title);
    second.push(Span::styled(fit(&title, room), theme::heading(s.ctx.theme)));
    let rest = format!(
        "  · {} · {}",
        clean(&s.ctx.procedure().name),
        clean(&inc.id)
    );
    let room = room.saturating_sub(title.chars().count());
    if room > 4 {
        second.push(Span::styled(fit(&rest, room), theme::dim(s.ctx.theme)));
    }
    if s.ui.saving > 0 {
        second.push(Span::styled("  saving…", theme::warn(s.ctx.theme)));
    }
    Drawing::new(&top, second, area)
}

/// The response clock as the header says it: long and short forms, and
/// their style.
/// The response clock now.
fn response_clock(s: &State) -> ResponseClock {
    let inc = &s.incident;
    let response = s
        .ctx
        .playbook
        .severity(&inc.severity)
        .and_then(|x| x.response_time());
    let start = inc.response_start(|id| s.ctx.playbook.severity_rank(id));
    inc.response_clock(start, response, s.now)
}

/// When the response clock's text next moves: its next minute, or
/// second in the last three and overdue; never once met or missed.
fn response_horizon(s: &State, hz: &mut Horizon) {
    match response_clock(s) {
        ResponseClock::Counting { left } => {
            let deadline = s.incident.on_clock(s.now) + left;
            hz.counting_on_clock(&s.incident, deadline, crate::time::response_left_step(left));
        }
        ResponseClock::Overdue { .. } => hz.every_frame(),
        _ => {}
    }
}

fn response(s: &State, wide: bool) -> (String, String, Style) {
    let inc = &s.incident;
    let sev = s.ctx.playbook.severity(&inc.severity);
    match response_clock(s) {
        ResponseClock::None => {
            let r = clean(sev.map(|x| x.response.value.as_str()).unwrap_or("-"));
            (
                format!("response {r}"),
                format!("resp {r}"),
                theme::dim(s.ctx.theme),
            )
        }
        ResponseClock::Counting { left } => (
            if wide {
                format!("response {} left", response_left(left))
            } else {
                format!("resp {} left", response_left(left))
            },
            format!("{} left", response_left(left)),
            if left.num_seconds() < RESPONSE_SECONDS_FROM {
                theme::warn(s.ctx.theme)
            } else {
                Style::default()
            },
        ),
        ResponseClock::Overdue { by } => (
            if wide {
                format!("RESPONSE OVERDUE +{}", countdown(by))
            } else {
                format!("OVERDUE +{}", countdown(by))
            },
            format!("OVERDUE +{}", countdown(by)),
            Style::default()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD | Modifier::SLOW_BLINK),
        ),
        ResponseClock::Met { after } => (
            format!("responded in {}", countdown(after)),
            format!("resp {}", countdown(after)),
            theme::good(s.ctx.theme),
        ),
        ResponseClock::Missed { after } => (
            format!("response missed ({})", countdown(after)),
            format!("missed {}", countdown(after)),
            theme::bad(s.ctx.theme),
        ),
    }
}

/// The drill clock's text, when the header shows it (see `lines`).
fn drill_clock(s: &State, wide: bool) -> Option<String> {
    let c = s
        .incident
        .drill_clock
        .filter(|c| drill_clock_differs(c, &s.incident, s.now))?;
    let state = if c.paused {
        if wide { " ⏸ paused" } else { "⏸" }.to_string()
    } else if c.speed > 1 {
        format!(" {}x", c.speed)
    } else {
        String::new()
    };
    Some(format!("{}{state} ", crate::time::stamp(c.at(s.now))))
}

/// The elapsed time's digits (⏱).
pub fn elapsed(s: &State) -> String {
    hms(s.incident.elapsed(s.now))
}

/// What the header shows that moves with the time, but the elapsed
/// time's digits (their width is in: it places what follows), for the
/// render cache's key (`ui::cache`), beside the change counter `any` that
/// every key holds: the drill clock when shown, the response clock as
/// said, the acks lapsing soon, which proposals want attention, and the
/// severity suggested on the figures (a host sample moves them without
/// moving `any`). Everything else the header shows changes only with
/// `any`. Much cheaper than its lines: the cache builds those only when
/// this key moved. `hz`: when any of it next moves.
pub fn time_key(
    s: &State,
    area: Rect,
    elapsed: &str,
    h: &mut impl std::hash::Hasher,
    hz: &mut Horizon,
) {
    use std::hash::Hash;
    let wide = area.width >= 100;
    elapsed.len().hash(h);
    let drill = drill_clock(s, wide);
    // Shown, it counts seconds; hidden, it stays so while both clocks
    // run alike (not once resolved, nor before the clock's last change).
    if drill.is_some()
        || s.incident
            .drill_clock
            .is_some_and(|c| s.now <= c.since || s.incident.resolved_at.is_some())
    {
        hz.every_frame();
    }
    drill.hash(h);
    response(s, wide).hash(h);
    response_horizon(s, hz);
    let lapsing = crate::view::acks::lapsing_soon(s);
    lapsing.len().hash(h);
    if let Some(a) = lapsing.first() {
        countdown(a.until - s.now).hash(h);
        (&a.target, &a.owner).hash(h);
    }
    crate::view::acks::horizon(s, hz);
    let b = crate::view::approvals::banner(s);
    for list in [&b.for_me, &b.mine_approved, &b.mine_waiting] {
        (list.len(), list.first().map(|p| p.deadline())).hash(h);
    }
    // A proposal in play lapses with the time (one that ended stays so
    // but for a record).
    if s.incident.approvals.iter().any(|p| p.stage(s.now).open()) {
        hz.every_frame();
    }
    if let Some(c) = crate::view::criteria::suggestion(s) {
        (
            &c.severity,
            &c.figure,
            c.value.to_bits(),
            &c.unit,
            &c.text,
            &c.bound,
        )
            .hash(h);
    }
}

/// The header's first line as ranked pieces (see `render`).
#[derive(Default)]
struct Pieces {
    list: Vec<Piece>,
}

struct Piece {
    rank: u8,
    spans: Vec<Span<'static>>,
    /// The elapsed time's piece: its last span is the digits.
    clock: bool,
    /// A shorter form and its own (lower) rank, taken before the piece
    /// goes.
    short: Option<(u8, Vec<Span<'static>>)>,
}

impl Piece {
    fn rank(&self) -> u8 {
        self.short.as_ref().map_or(self.rank, |(r, _)| *r)
    }
}

/// The rank of a severity's or response clock's short form: they lose
/// their words before the elapsed time goes.
const SHORT: u8 = 3;

impl Pieces {
    fn push(&mut self, rank: u8, spans: Vec<Span<'static>>, short: Option<Vec<Span<'static>>>) {
        self.list.push(Piece {
            rank,
            spans,
            clock: false,
            short: short.map(|sp| (SHORT, sp)),
        });
    }

    /// The elapsed time's piece (no short form; its last span the digits).
    fn push_clock(&mut self, rank: u8, spans: Vec<Span<'static>>) {
        self.list.push(Piece {
            rank,
            spans,
            clock: true,
            short: None,
        });
    }

    /// The line in `width` columns: the lowest ranked piece shortened or
    /// left out, then the next, until it fits; and the index of the
    /// elapsed time's digits among its spans, if they are on it.
    fn line(&self, width: usize) -> (Line<'static>, Option<usize>) {
        let mut list: Vec<Piece> = self
            .list
            .iter()
            .map(|p| Piece {
                rank: p.rank,
                spans: p.spans.clone(),
                clock: p.clock,
                short: p.short.clone(),
            })
            .collect();
        let w =
            |l: &[Piece]| -> usize { l.iter().flat_map(|p| p.spans.iter()).map(Span::width).sum() };
        while w(&list) > width && !list.is_empty() {
            // The lowest rank; of equal ranks the last.
            let i = (0..list.len())
                .rev()
                .min_by_key(|&i| list[i].rank())
                .unwrap_or(0);
            match list[i].short.take() {
                Some((_, short)) => list[i].spans = short,
                None => {
                    list.remove(i);
                }
            }
        }
        let mut clock = None;
        let mut spans = Vec::new();
        for p in list {
            if p.clock && !p.spans.is_empty() {
                clock = Some(spans.len() + p.spans.len() - 1);
            }
            spans.extend(p.spans);
        }
        (Line::from(spans), clock)
    }
}

/// Whether the drill clock says something the incident's ⏱ does not:
/// paused, sped up, or a second or more apart from the elapsed time.
fn drill_clock_differs(
    c: &crate::state::DrillClock,
    inc: &crate::state::Incident,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    c.paused || c.speed > 1 || (c.at(now) - inc.elapsed(now)).abs() >= chrono::TimeDelta::seconds(1)
}

/// `⚠ OFFLINE since 12:03:04 · 3 not shared`, `⇅ 2 not shared yet`, or
/// (wide) `⇄ shared`.
fn sharing_badge(s: &State, sh: &crate::state::Sharing, wide: bool) -> Vec<Span<'static>> {
    let k = s.ctx.theme;
    let pending = match sh.pending {
        0 => String::new(),
        n => format!(" · {n} not shared"),
    };
    let span = if !sh.online {
        let since = sh
            .offline_since
            .map(|t| format!(" since {}", crate::time::local_hms(t, s.ctx.tz)))
            .unwrap_or_default();
        Span::styled(
            format!("⚠ OFFLINE{since}{pending}"),
            theme::bad(k).add_modifier(Modifier::BOLD),
        )
    } else if sh.pending > 0 {
        Span::styled(format!("⇅ {} not shared yet", sh.pending), theme::warn(k))
    } else if wide {
        // Who else is on it (the roles picker lists them).
        let here = match sh.present.len() {
            0 | 1 => String::new(),
            n => format!(" · {n} here"),
        };
        Span::styled(format!("⇄ shared{here}"), theme::dim(k))
    } else {
        return Vec::new();
    };
    vec![span, Span::raw(" · ")]
}

#[cfg(test)]
mod tests {
    use super::drill_clock_differs;
    use crate::drill::clock::Clock;
    use crate::state::Incident;
    use crate::timeline::ClockChange;
    use chrono::{DateTime, TimeDelta, Utc};

    #[test]
    fn the_drill_clock_is_shown_only_when_it_differs_from_elapsed() {
        let t0 = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        let inc = Incident {
            declared_at: Some(t0),
            ..Incident::default()
        };
        let at = |s: i64| t0 + TimeDelta::seconds(s);
        let mut c = Clock::start(t0);
        assert!(!drill_clock_differs(&c, &inc, at(0)));
        assert!(!drill_clock_differs(&c, &inc, at(3600)));
        // Declared a moment apart: under a second is the same clock.
        let late = Clock::start(t0 + TimeDelta::milliseconds(999));
        assert!(!drill_clock_differs(&late, &inc, at(50)));
        let later = Clock::start(t0 + TimeDelta::seconds(1));
        assert!(drill_clock_differs(&later, &inc, at(50)));
        // Paused: shown at once, and still after it is resumed behind.
        c.apply(ClockChange::Paused, None, None, at(10));
        assert!(drill_clock_differs(&c, &inc, at(10)));
        c.apply(ClockChange::Resumed, None, None, at(12));
        assert!(drill_clock_differs(&c, &inc, at(20)));
        // Sped up: shown even before the two part.
        let mut fast = Clock::start(t0);
        fast.apply(ClockChange::Speed, Some(10), None, at(5));
        assert!(drill_clock_differs(&fast, &inc, at(5)));
        // A jump puts drill time ahead.
        let mut jumped = Clock::start(t0);
        jumped.apply(ClockChange::Jumped, None, Some(900_000), at(5));
        assert!(drill_clock_differs(&jumped, &inc, at(6)));
        // A resolved incident's ⏱ stops; the drill clock runs on.
        let resolved = Incident {
            declared_at: Some(t0),
            resolved_at: Some(at(30)),
            ..Incident::default()
        };
        assert!(!drill_clock_differs(&Clock::start(t0), &resolved, at(30)));
        assert!(drill_clock_differs(&Clock::start(t0), &resolved, at(31)));
    }
}
