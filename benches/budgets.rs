//! The in-process budgets of BENCHMARKS.md: how long `update` and a frame
//! take on big incidents (10,000 pods, 5,000 alerts, 100,000 records), how
//! long a replay takes, and what a key costs while a command floods.
//!
//! `cargo bench --features testkit --bench budgets` (release profile).
//! Frames are rendered into ratatui's `TestBackend` at 120x40, so the
//! figures are the cockpit's own work, without the terminal's. Each figure
//! is reported as median, 99th percentile and maximum: the budgets are
//! about any frame, not the average one.

use chrono::TimeDelta;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use incident_cockpit::command::run::{Line, Stream};
use incident_cockpit::msg::Msg;
use incident_cockpit::state::kube::KubeUpdate;
use incident_cockpit::state::{AlertState, Pod};
use incident_cockpit::testkit::{Harness, am_alert, t0};
use incident_cockpit::timeline::{Event, Record, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::io::Write;
use std::time::{Duration, Instant};

const FRAMES: usize = 300;

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Stats {
        p50: at(0.5),
        p99: at(0.99),
        max: v[v.len() - 1],
    }
}

fn row(what: &str, s: &Stats, budget: &str) {
    let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1e3);
    println!(
        "| {what} | {} | {} | {} | {budget} |",
        ms(s.p50),
        ms(s.p99),
        ms(s.max)
    );
}

fn once(what: &str, d: Duration, budget: &str) {
    println!("| {what} | {:.1} | | | {budget} |", d.as_secs_f64() * 1e3);
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).expect("a test terminal")
}

fn draw(h: &Harness, term: &mut Terminal<TestBackend>) -> Duration {
    let t = Instant::now();
    term.draw(|f| {
        incident_cockpit::ui::draw(&h.state, f);
    })
    .expect("a frame");
    t.elapsed()
}

/// Frames with the clock moving one second between them (every clock on
/// screen changes, as when the incident is idle).
fn frames(h: &mut Harness, term: &mut Terminal<TestBackend>) -> Stats {
    let mut v = Vec::with_capacity(FRAMES);
    for _ in 0..FRAMES {
        h.advance(1);
        v.push(draw(h, term));
    }
    stats(v)
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn pod(i: usize, status: &str) -> Pod {
    Pod {
        name: format!("dicps-api-7d9f8b6c5-{i:05}"),
        ready: if status == "Running" { "1/1" } else { "0/1" }.into(),
        status: status.into(),
        restarts: (i % 7) as u32,
        last_restart: (!i.is_multiple_of(7)).then(|| t0() - TimeDelta::minutes((i % 50) as i64)),
        created: t0() - TimeDelta::days((i % 30) as i64 + 1),
        node: Some(format!("node-{:03}", i % 120)),
        phase: Some("Running".into()),
    }
}

fn drill_idle() {
    let mut h = Harness::drill();
    h.run_injects_until(300);
    let mut term = terminal();
    draw(&h, &mut term);
    row(
        "drill, idle: frame (120x40)",
        &frames(&mut h, &mut term),
        "< 2 ms",
    );
}

/// An idle drill's clock tick, drawn whole (`ui::draw`, ratatui's diff
/// of the whole screen) and through the render cache (`app::Painted`:
/// only the panes whose key changed, only their areas compared).
fn idle_tick() {
    let mut h = Harness::drill();
    h.run_injects_until(300);
    let mut term = terminal();
    draw(&h, &mut term);
    let mut whole = Vec::with_capacity(FRAMES);
    for _ in 0..FRAMES {
        h.advance(1);
        whole.push(draw(&h, &mut term));
    }
    let mut h = Harness::drill();
    h.run_injects_until(300);
    let mut painted = incident_cockpit::app::Painted::new(terminal());
    painted.draw(&h.state).expect("a frame");
    let mut cached = Vec::with_capacity(FRAMES);
    for _ in 0..FRAMES {
        h.advance(1);
        let t = Instant::now();
        painted.draw(&h.state).expect("a frame");
        cached.push(t.elapsed());
    }
    row(
        "drill, idle tick: frame drawn whole (120x40)",
        &stats(whole),
        "",
    );
    row(
        "drill, idle tick: frame through the render cache (120x40)",
        &stats(cached),
        "< 0.3 ms a tick in all",
    );
}

fn pods_10k() {
    let before = rss_mib();
    let mut h = Harness::live_kube();
    let mut term = terminal();
    draw(&h, &mut term);
    let pods: Vec<Pod> = (0..10_000).map(|i| pod(i, "Running")).collect();
    let t = Instant::now();
    h.send(Msg::Kube(KubeUpdate::Synced(pods)));
    draw(&h, &mut term);
    once(
        "10,000 pods: first LIST applied and drawn",
        t.elapsed(),
        "< 1 s (with the API server: see below)",
    );
    h.send(Msg::Kube(KubeUpdate::Watching));
    row("10,000 pods: frame", &frames(&mut h, &mut term), "< 2 ms");
    let mut v = Vec::new();
    for i in 0..FRAMES {
        let t = Instant::now();
        let status = if i % 2 == 0 {
            "CrashLoopBackOff"
        } else {
            "Running"
        };
        // Appends are the recorder thread's (held back here, as in the loop).
        h.send_held(Msg::Kube(KubeUpdate::Applied(pod(i * 31 % 10_000, status))));
        draw(&h, &mut term);
        v.push(t.elapsed());
    }
    row(
        "10,000 pods: one pod changes, update + frame",
        &stats(v),
        "< 100 ms to screen",
    );
    println!(
        "| 10,000 pods: resident memory added (this process) | {:.1} MiB | | | < 60 MiB in all |",
        rss_mib() - before
    );
}

fn alerts_5k() {
    let mut h = Harness::live("dicps");
    let mut term = terminal();
    draw(&h, &mut term);
    let mut poll = incident_cockpit::testkit::am_poll();
    poll.alerts = (0..5_000)
        .map(|i| {
            let severity = ["critical", "warning", "info"][i % 3];
            let state = if i % 10 == 0 {
                AlertState::Suppressed
            } else {
                AlertState::Active
            };
            am_alert(
                ["APIDown", "HighErrorRate", "PodCrashLooping", "DiskFull"][i % 4],
                &format!("10.0.{}.{}:8080", i / 250, i % 250),
                severity,
                state,
                (i * 7 % 3600) as i64,
            )
        })
        .collect();
    let t = Instant::now();
    let fx = h.send_held(Msg::AlertsPolled(Box::new(poll.clone())));
    draw(&h, &mut term);
    once(
        "5,000 alerts: first poll applied and drawn",
        t.elapsed(),
        "",
    );
    // Its 5,000 "firing" records, written as the recorder does: what is
    // queued together shares one write and one fsync.
    let events: Vec<Event> = fx
        .into_iter()
        .filter_map(|e| match e {
            incident_cockpit::msg::Effect::Append(ev) => Some(ev),
            _ => None,
        })
        .collect();
    let n = events.len();
    let t = Instant::now();
    let mut left = events;
    while !left.is_empty() {
        let rest = left.split_off(left.len().min(incident_cockpit::recorder::MAX_BATCH));
        h.store
            .append_many(t0(), "ana@bastion-1", left)
            .expect("appended");
        left = rest;
    }
    once(
        &format!("5,000 alerts: their {n} records made durable"),
        t.elapsed(),
        "",
    );
    let t = Instant::now();
    h.send(Msg::AlertsPolled(Box::new(poll)));
    once("5,000 alerts: a poll with no change", t.elapsed(), "");
    row("5,000 alerts: frame", &frames(&mut h, &mut term), "< 2 ms");
}

fn records_100k() {
    let h = Harness::live_kube();
    let path = h.store.path().to_path_buf();
    let mut out = std::io::BufWriter::new(
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("the timeline"),
    );
    let steps = ["verify-outage", "pod-status", "recent-deploys", "pod-logs"];
    for seq in 2..=100_001u64 {
        let at = t0() + TimeDelta::milliseconds(seq as i64 * 250);
        let step = steps[(seq / 5) as usize % steps.len()].to_string();
        let event = match seq % 5 {
            0 => Event::Note {
                text: format!("note {seq}: error rate back to {}%", seq % 9),
            },
            1 => Event::StepChecked {
                title: format!("step {step}"),
                step,
                evidence: Vec::new(),
                reason: None,
            },
            2 => Event::StepUnchecked {
                title: format!("step {step}"),
                step,
                evidence: Vec::new(),
                reason: None,
            },
            3 => Event::PodChanged {
                pod: format!("dicps-api-7d9f8b6c5-{:05}", seq % 10_000),
                from: "Running".into(),
                to: "CrashLoopBackOff".into(),
            },
            _ => Event::AlertFiring {
                alertname: "APIDown".into(),
                severity: "critical".into(),
                summary: format!("instance 10.0.0.{} down", seq % 250),
                fingerprint: format!("{seq:016x}"),
                since: None,
            },
        };
        let rec = Record {
            share: Default::default(),
            seq,
            at,
            by: format!("seat{}@bastion-1", seq % 4),
            event,
        };
        serde_json::to_writer(&mut out, &rec).expect("a record");
        out.write_all(b"\n").expect("a line");
    }
    out.flush().expect("written");
    drop(out);
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    let mut v = Vec::new();
    let mut state = None;
    for _ in 0..5 {
        let t = Instant::now();
        let (_store, read) =
            incident_cockpit::timeline::FileStore::open(&path).expect("the timeline opens");
        let s = incident_cockpit::session::existing_state(
            read.records,
            "ana@bastion-1",
            incident_cockpit::session::Seat::Resume,
            t0() + TimeDelta::hours(8),
        )
        .expect("a state");
        v.push(t.elapsed());
        state = Some(s);
    }
    row(
        &format!(
            "100,000 records ({:.1} MB): replay (read, parse, fold)",
            bytes as f64 / 1e6
        ),
        &stats(v),
        "< 300 ms",
    );
    let mut h = h;
    if let Some(mut s) = state {
        s.ctx.tz = h.state.ctx.tz;
        s.ui.size = (120, 40);
        h.state = s;
    }
    h.now = t0() + TimeDelta::hours(8);
    let mut term = terminal();
    draw(&h, &mut term);
    row(
        "100,000 records: frame",
        &frames(&mut h, &mut term),
        "< 2 ms",
    );
}

fn typing_while_flooding() {
    let mut h = Harness::live_kube();
    let mut term = terminal();
    // Run a read step (the harness keeps it from spawning) and flood it.
    h.state.ui.focus = incident_cockpit::state::Pane::Checklist;
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    let Some(run) = h.state.runs.list.first().map(|r| r.id.clone()) else {
        println!("| typing while a command floods | no run started | | | |");
        return;
    };
    h.key(KeyCode::Char('n'));
    let mut v = Vec::new();
    for i in 0..FRAMES {
        // What a flooding command sends between two frames.
        let lines = (0..2_000)
            .map(|j| Line {
                stream: Stream::Out,
                text: format!("{i}-{j} y y y y y y y y y y y y y y y y y y y y y y y y"),
            })
            .collect();
        h.send(Msg::RunOutput {
            run: run.clone(),
            lines,
            dropped: 0,
            taken: incident_cockpit::command::run::Taken::none(),
        });
        let t = Instant::now();
        h.send(Msg::Key(KeyEvent::new(
            KeyCode::Char('x'),
            KeyModifiers::NONE,
        )));
        draw(&h, &mut term);
        v.push(t.elapsed());
    }
    row(
        "note editor while a command floods: key + frame",
        &stats(v),
        "< 50 ms key to screen",
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a filter picks one group.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let groups: [(&str, fn()); 6] = [
        ("drill", drill_idle),
        ("tick", idle_tick),
        ("pods", pods_10k),
        ("alerts", alerts_5k),
        ("records", records_100k),
        ("typing", typing_while_flooding),
    ];
    println!("| figure | median ms | p99 ms | max ms | budget |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, run) in groups {
        if filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str())) {
            run();
        }
    }
}
