//! The render cache draws what a whole frame draws: random sequences of
//! messages (keys, ticks of a few ms to a day, injects, host samples, pod
//! events and metrics, alert polls, command output, resizes) on a drill,
//! a facilitator's seat and live incidents, drawn through the cache and
//! the terminal writer (`app::Painted`) as the loop does (not after every
//! message: batches), compared cell by cell, and where things were
//! placed, with a frame drawn whole from scratch after every step.
//!
//! `CACHE_CASES=N` runs N sequences per seat instead of the default.

use crate::app::Painted;
use crate::app::effects::{Direct, apply};
use crate::command::run::{Line, Outcome, Stream, Taken};
use crate::msg::{Effect, Msg};
use crate::state::kube::{KubeUpdate, Usage};
use crate::state::ui::Placed;
use crate::state::{AlertState, Pod};
use crate::testkit::{Harness, am_alert, am_poll, host, t0};
use crate::update::update;
use chrono::TimeDelta;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// xorshift64*: reproducible from the seed printed on a failure.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

const SIZES: &[(u16, u16)] = &[
    (120, 40),
    (80, 24),
    (200, 60),
    (100, 30),
    (160, 45),
    (60, 20),
    (120, 40),
];

const CHARS: &str = "jjjkkkgGJK /?nstLLzzTaxXSeiIpfF[]rcdm1y";

fn key(rng: &mut Rng) -> Msg {
    let code = match rng.below(4) {
        0 => rng.pick(&[
            KeyCode::Tab,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Esc,
            KeyCode::Esc,
            KeyCode::Enter,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::PageDown,
            KeyCode::PageUp,
            KeyCode::Home,
            KeyCode::End,
        ]),
        _ => {
            let cs: Vec<char> = CHARS.chars().collect();
            KeyCode::Char(rng.pick(&cs))
        }
    };
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn pod(rng: &mut Rng, i: usize) -> Pod {
    let status = rng.pick(&["Running", "Running", "CrashLoopBackOff", "Pending", "Error"]);
    let restarts = rng.below(4) as u32;
    Pod {
        name: format!("dicps-api-7d9f8b6c5-{i:05}"),
        ready: if status == "Running" { "1/1" } else { "0/1" }.into(),
        status: status.into(),
        restarts,
        last_restart: (restarts > 0).then(|| t0() + TimeDelta::seconds(rng.below(900) as i64)),
        created: t0() - TimeDelta::seconds(rng.pick(&[0, 30, 500, 4000, 90_000])),
        node: Some(format!("node-{}", i % 3)),
        phase: Some("Running".into()),
    }
}

/// A message an idle seat gets: mostly ticks, some samples and output.
fn idle(rng: &mut Rng, h: &Harness, running: &[String]) -> Msg {
    match rng.below(20) {
        0..=1 => message(rng, h, running, 10),
        2 => message(rng, h, running, 11),
        3..=5 if !running.is_empty() => message(rng, h, running, 14),
        _ => Msg::Tick,
    }
}

/// A message the seat could get (`kind`: which, or any if out of range).
fn message(rng: &mut Rng, h: &Harness, running: &[String], kind: usize) -> Msg {
    let kind = if kind < 20 { kind } else { rng.below(20) };
    match kind {
        0..=8 => key(rng),
        9 => Msg::InjectDue(rng.below(h.state.ctx.injects.len().max(1)) as u32),
        10 => {
            let mut x = host();
            x.cpu_percent = rng.below(1000) as f32 / 10.0;
            x.cores = vec![x.cpu_percent, rng.below(100) as f32];
            x.mem_used = x.mem_total / 100 * rng.below(100) as u64;
            Msg::Host(x)
        }
        11 => match if h.state.observed.kube.is_some() && rng.below(2) == 0 {
            5
        } else {
            rng.below(7)
        } {
            0 => Msg::Kube(KubeUpdate::Synced(
                (0..rng.below(40)).map(|i| pod(rng, i)).collect(),
            )),
            1 | 2 => {
                let i = rng.below(40);
                Msg::Kube(KubeUpdate::Applied(pod(rng, i)))
            }
            3 => Msg::Kube(KubeUpdate::Deleted(format!(
                "dicps-api-7d9f8b6c5-{:05}",
                rng.below(40)
            ))),
            4 => Msg::Kube(KubeUpdate::Failed {
                error: "connection refused".into(),
                retry_in: std::time::Duration::from_millis(rng.below(9000) as u64),
            }),
            5 => Msg::Kube(KubeUpdate::Metrics(
                (0..40)
                    .map(|i| {
                        (
                            format!("dicps-api-7d9f8b6c5-{i:05}"),
                            Usage {
                                cpu_nano: rng.below(2_000_000_000) as u128,
                                mem_bytes: rng.below(1 << 30) as u128,
                            },
                        )
                    })
                    .collect(),
            )),
            _ => Msg::Kube(KubeUpdate::MetricsUnavailable("no metrics API".into())),
        },
        12 => {
            let mut poll = am_poll();
            poll.alerts.truncate(rng.below(5));
            if rng.below(2) == 0 {
                poll.alerts.push(am_alert(
                    "DiskFull",
                    "db-1:9100",
                    "warning",
                    AlertState::Active,
                    rng.below(4000) as i64,
                ));
            }
            Msg::AlertsPolled(Box::new(poll))
        }
        13 => Msg::AlertsFailed {
            error: "timed out".into(),
            retry_in: std::time::Duration::from_secs(rng.below(20) as u64),
        },
        14 if !running.is_empty() => Msg::RunOutput {
            run: running[rng.below(running.len())].clone(),
            lines: (0..rng.below(30))
                .map(|i| Line {
                    stream: if i % 5 == 0 { Stream::Err } else { Stream::Out },
                    text: format!("line {i} of output"),
                })
                .collect(),
            dropped: 0,
            taken: Taken::none(),
        },
        15 if !running.is_empty() => Msg::RunExited {
            run: running[rng.below(running.len())].clone(),
            outcome: Outcome::Exited(rng.below(3) as i32),
            duration: std::time::Duration::from_millis(rng.below(5000) as u64),
        },
        _ => Msg::Tick,
    }
}

/// A frame drawn whole, from nothing.
fn whole(h: &Harness) -> (Buffer, Placed) {
    let (w, ht) = h.state.ui.size;
    let mut term = Terminal::new(TestBackend::new(w, ht)).unwrap();
    let mut placed = Placed::default();
    term.draw(|f| placed = crate::ui::draw(&h.state, f))
        .unwrap();
    (term.backend().buffer().clone(), placed)
}

/// The buffer as a terminal shows it: a wide character covers the cell
/// after it, whatever `TestBackend` left there (it writes cells one by
/// one; a terminal printing the wide character blanks its second cell).
fn as_shown(b: &Buffer) -> Buffer {
    let mut out = b.clone();
    let w = b.area.width as usize;
    for row in out.content.chunks_mut(w) {
        let mut covered = 0;
        for cell in row {
            if covered > 0 {
                covered -= 1;
                cell.reset();
                continue;
            }
            covered = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
        }
    }
    out
}

fn text(b: &Buffer) -> String {
    let w = b.area.width as usize;
    b.content
        .chunks(w)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Plays one random sequence; panics at the first frame that differs.
fn play(seat: &str, mut h: Harness, seed: u64, steps: usize) {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let (w, ht) = h.state.ui.size;
    let mut screen = Painted::new(Terminal::new(TestBackend::new(w, ht)).unwrap());
    let mut running: Vec<String> = Vec::new();
    let mut log: Vec<String> = Vec::new();
    // A seat on a live incident runs a command first (its step's Enter,
    // then Enter or y through the dialog).
    if !h.state.ctx.drill {
        for code in [
            KeyCode::Enter,
            KeyCode::Enter,
            KeyCode::Char('y'),
            KeyCode::Enter,
        ] {
            let seat_name = h.state.ctx.seat.clone();
            let mut fx = Direct::new(&mut h.store, &seat_name, h.now);
            apply(
                &mut h.state,
                Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
                h.now,
                &mut fx,
            );
            for e in &fx.done {
                if let Effect::Spawn(spec) = e {
                    running.push(spec.run.clone());
                }
            }
        }
    }
    // Busy and idle stretches.
    let mut quiet = 0;
    for step in 0..steps {
        // The time moves on, from a few ms to a day.
        let ms = rng.pick(&[
            0, 3, 400, 999, 1000, 1000, 1000, 1001, 7000, 61_000, 3_600_000,
        ]);
        let ms = if rng.below(40) == 0 { 86_400_000 } else { ms };
        h.now += TimeDelta::milliseconds(ms);
        let msg = if rng.below(25) == 0 {
            let (w, ht) = rng.pick(SIZES);
            screen.term.backend_mut().resize(w, ht);
            screen.resize(Rect::new(0, 0, w, ht)).unwrap();
            Msg::Resize(w, ht)
        } else if quiet > 0 {
            quiet -= 1;
            idle(&mut rng, &h, &running)
        } else {
            if rng.below(8) == 0 {
                // An idle stretch: whatever dialog was open is closed.
                quiet = 5 + rng.below(30);
                Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))
            } else {
                message(&mut rng, &h, &running, usize::MAX)
            }
        };
        log.push(format!("{step}: +{ms}ms {msg:?}"));
        if let Msg::RunExited { run, .. } = &msg {
            running.retain(|r| r != run);
        }
        let seat_name = h.state.ctx.seat.clone();
        let mut fx = Direct::new(&mut h.store, &seat_name, h.now);
        apply(&mut h.state, msg, h.now, &mut fx);
        for e in &fx.done {
            if let Effect::Spawn(spec) = e {
                running.push(spec.run.clone());
            }
        }
        // Drawn after a batch, as the loop does: not after every message.
        if rng.below(4) == 0 {
            continue;
        }
        for _ in 0..2 {
            let placed = screen.draw(&h.state).unwrap();
            let (want, want_placed) = whole(&h);
            let (got, want) = (&as_shown(screen.term.backend().buffer()), as_shown(&want));
            if *got != want || placed != want_placed {
                let tail = log[log.len().saturating_sub(12)..].join("\n");
                panic!(
                    "{seat}, seed {seed}, step {step}: the cached frame differs \
                     (placed equal: {})\nlast messages:\n{tail}\n\
                     cached:\n{}\n\nwhole:\n{}",
                    placed == want_placed,
                    text(got),
                    text(&want)
                );
            }
            let focus = h.state.ui.focus;
            update(&mut h.state, Msg::Drawn(Box::new(placed)), h.now);
            if h.state.ui.focus == focus {
                break;
            }
        }
    }
}

fn cases(default: u64) -> u64 {
    std::env::var("CACHE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn the_cached_frame_is_the_whole_frame_on_a_drill() {
    for seed in 0..cases(6) {
        let mut h = Harness::drill();
        h.run_injects_until(rng_secs(seed));
        play("drill", h, seed, 150);
    }
}

#[test]
fn the_cached_frame_is_the_whole_frame_on_a_facilitators_seat() {
    for seed in 0..cases(4) {
        play("facilitator", Harness::facilitator(), 100 + seed, 150);
    }
}

#[test]
fn the_cached_frame_is_the_whole_frame_on_a_live_incident() {
    for seed in 0..cases(4) {
        play("live kube", Harness::live_kube(), 200 + seed, 150);
        play("live alertmanager", Harness::live("dicps"), 300 + seed, 150);
        play(
            "live thresholds",
            Harness::live("zkp-ledger"),
            400 + seed,
            150,
        );
    }
}

/// Where a drill sequence starts: at the start, or injects in.
fn rng_secs(seed: u64) -> u64 {
    [0, 0, 90, 300, 900, 3600][seed as usize % 6]
}

/// An idle drill's tick writes the header's elapsed time (its 8 cells)
/// and nothing else, but once a minute (the panes' minutes move). A condition holding on a
/// step out of sight draws nothing (the checklist drew every second while
/// any condition anywhere counted its hold).
#[test]
fn an_idle_drill_tick_draws_the_header_alone() {
    let mut h = Harness::drill();
    update(&mut h.state, Msg::Resize(120, 40), h.now);
    // The page reminder due at the declaration acknowledged: an
    // unacknowledged due clock counts its seconds in the clocks pane.
    h.advance(1);
    h.keys("a");
    assert!(crate::view::unacknowledged(&h.state).is_empty());
    let mut cache = crate::ui::cache::Cache::default();
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut whole_panes = Vec::new();
    for sec in 0..120 {
        h.now += TimeDelta::seconds(1);
        let seat = h.state.ctx.seat.clone();
        let mut fx = Direct::new(&mut h.store, &seat, h.now);
        apply(&mut h.state, Msg::Tick, h.now, &mut fx);
        let mut drawn = None;
        term.draw(|f| drawn = Some(cache.draw(&h.state, f)))
            .unwrap();
        let drawn = drawn.unwrap();
        let clock_alone = matches!(drawn.areas.as_slice(),
            [a] if a.y == 0 && a.height == 1 && a.width == 8);
        if sec > 1 && !clock_alone {
            whole_panes.push((sec, drawn.areas.clone()));
        }
        update(&mut h.state, Msg::Drawn(Box::new(drawn.placed)), h.now);
    }
    assert!(
        whole_panes.len() <= 4,
        "ticks that drew more than the header's clock: {whole_panes:?}"
    );
}

/// A seat ticking one second at a time: the frame as the terminal shows
/// it, and beside it the same cache's decisions (the areas drawn again).
struct Ticking {
    h: Harness,
    screen: Painted<TestBackend>,
    cache: crate::ui::cache::Cache,
    term: Terminal<TestBackend>,
}

impl Ticking {
    fn new(mut h: Harness) -> Self {
        update(&mut h.state, Msg::Resize(120, 40), h.now);
        Self {
            h,
            screen: Painted::new(Terminal::new(TestBackend::new(120, 40)).unwrap()),
            cache: crate::ui::cache::Cache::default(),
            term: Terminal::new(TestBackend::new(120, 40)).unwrap(),
        }
    }

    /// One second on, an idle tick: panics if the frame differs from one
    /// drawn whole (a stale cell); returns the areas drawn again and the
    /// frame's text.
    fn tick(&mut self) -> (Vec<Rect>, String) {
        let h = &mut self.h;
        h.now += TimeDelta::seconds(1);
        let seat = h.state.ctx.seat.clone();
        let mut fx = Direct::new(&mut h.store, &seat, h.now);
        apply(&mut h.state, Msg::Tick, h.now, &mut fx);
        let mut areas = None;
        self.term
            .draw(|f| areas = Some(self.cache.draw(&h.state, f).areas))
            .unwrap();
        let placed = self.screen.draw(&h.state).unwrap();
        let (want, _) = whole(h);
        let (got, want) = (
            &as_shown(self.screen.term.backend().buffer()),
            as_shown(&want),
        );
        let shown = text(got);
        assert_eq!(shown, text(&want), "at {}", h.now);
        assert_eq!(*got, want, "at {}: styles", h.now);
        update(&mut h.state, Msg::Drawn(Box::new(placed)), h.now);
        (areas.unwrap(), shown)
    }
}

/// The header's key is what moves with the time, not its lines: the
/// response clock counting down in minutes, then in seconds, then
/// overdue, is drawn as it moves (every frame equals a whole one), while
/// the ticks between draw the elapsed time's cells alone.
#[test]
fn the_headers_response_clock_moves_on_screen() {
    let mut t = Ticking::new(Harness::drill());
    t.h.advance(1);
    t.h.keys("a");
    let mut said = Vec::new();
    let mut header_drawn = 0;
    for _ in 0..20 * 60 {
        let (areas, shown) = t.tick();
        let first = shown.lines().next().unwrap_or("").to_string();
        let resp = first
            .split("  ")
            .find(|p| p.contains("response") || p.contains("RESPONSE"))
            .unwrap_or("")
            .to_string();
        if said.last() != Some(&resp) {
            said.push(resp);
        }
        if areas.iter().any(|a| a.y == 0 && a.width > 8) {
            header_drawn += 1;
        }
    }
    // Minutes, then the seconds of the last three, then overdue.
    assert!(
        said.len() > 180,
        "the response clock moved {} times: {said:?}",
        said.len()
    );
    assert!(said.iter().any(|x| x.contains("OVERDUE")), "{said:?}");
    // Drawn whole when it moved: once a minute, every second of the
    // last three and of the overdue count, not every tick.
    assert!(
        header_drawn < said.len() + 5,
        "{header_drawn} header frames"
    );
}

/// A clock that fell due counts its seconds in the clocks pane (`DUE
/// +00:09`): an idle tick writes those cells and the header's elapsed
/// time, not the pane, and every frame is the whole frame (a stale count
/// would differ from it).
#[test]
fn a_due_clock_counts_its_seconds_in_its_cells_alone() {
    let mut t = Ticking::new(Harness::drill());
    t.h.advance(1);
    // The page reminder due at the declaration, not acknowledged.
    assert!(!crate::view::unacknowledged(&t.h.state).is_empty());
    let mut counted = Vec::new();
    let mut whole_panes = Vec::new();
    for sec in 0..30 {
        let (areas, shown) = t.tick();
        let due = shown
            .lines()
            .flat_map(|l| l.split("DUE +").skip(1).map(|x| x[..5].to_string()))
            .collect::<Vec<_>>();
        assert!(!due.is_empty(), "no DUE count on screen:\n{shown}");
        counted.push(due);
        if sec > 1 && !areas.iter().all(|a| a.height == 1 && a.width <= 12) {
            whole_panes.push((sec, areas));
        }
    }
    // The count moved every second.
    for w in counted.windows(2) {
        assert_ne!(
            w[0], w[1],
            "the clocks pane's count did not move: {counted:?}"
        );
    }
    assert!(
        whole_panes.len() <= 2,
        "ticks that drew more than counting cells: {whole_panes:?}"
    );
}

/// The owner's warning that an acknowledgement lapses in five minutes is
/// a flash a tick sets (no record, no effect): the footer shows it on the
/// tick it is set, as a whole frame would, the second ack's too (the
/// header's lapsing line is there already: nothing else moves).
#[test]
fn an_acks_lapse_warning_set_by_a_tick_is_drawn() {
    let mut t = Ticking::new(Harness::drill());
    t.h.advance(1);
    t.h.state.ui.focus = crate::state::Pane::Alerts;
    for alert in 0..2 {
        t.h.state.ui.alert = alert;
        t.h.key(KeyCode::Char('W'));
        t.h.key(KeyCode::Enter);
        for _ in 0..60 {
            t.tick();
        }
    }
    assert_eq!(t.h.state.incident.acks.len(), 2);
    let mut warned = Vec::new();
    for _ in 0..27 * 60 {
        let (_, shown) = t.tick();
        let footer = shown.lines().last().unwrap_or("").to_string();
        if footer.contains("Your acknowledgement of") && !warned.contains(&footer) {
            warned.push(footer);
        }
    }
    assert_eq!(warned.len(), 2, "{warned:?}");
}

/// On a drill clock run faster, paused and resumed, what follows the
/// incident's clock (the response clock, the time boxes, the clocks) is
/// drawn as it moves on the facilitator's seat and on a seat that joined
/// (which records no clock falling due: its time boxes run out on the
/// time alone): every tick's frame is the whole frame, while the panes'
/// keys are kept between the moments their texts change.
#[test]
fn a_drill_clock_run_faster_paused_and_resumed_is_drawn_as_it_moves() {
    let mut h = Harness::facilitator();
    h.advance(1);
    h.keys("a>>>");
    assert_eq!(h.state.incident.drill_clock.map(|c| c.speed), Some(10));
    let joined = h.join("bob@bastion-2", crate::session::Seat::Join);
    for mut t in [Ticking::new(h), Ticking::new(joined)] {
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..150 {
            let (_, shown) = t.tick();
            seen.extend(shown.lines().map(str::to_string));
        }
        // At 10x for 150 s the 15 minutes of response and the first
        // time box ran out.
        assert!(seen.iter().any(|l| l.contains("OVERDUE +")), "{seen:#?}");
        assert!(seen.iter().any(|l| l.contains("⚑ OVERDUE")), "{seen:#?}");
        if t.h.state.ctx.facilitator {
            t.h.keys("p");
            for _ in 0..20 {
                t.tick();
            }
            t.h.keys("p<");
            for _ in 0..100 {
                t.tick();
            }
        }
    }
}
