//! Screen snapshots of the whole cockpit on ratatui's TestBackend.

use crate::testkit::Harness;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(h: &Harness, w: u16, height: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, height)).unwrap();
    term.draw(|f| {
        super::draw(&h.state, f);
    })
    .unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The drill 50 seconds in: a pod crash-looping, figures gone bad, a
/// stakeholder message, a step ticked and a note written.
fn busy_drill() -> Harness {
    let mut h = Harness::drill();
    h.run_injects_until(50);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('n'));
    h.keys("Rollout of v2.4.1 at 12:55; rolling back");
    h.ctrl('s');
    h
}

#[test]
fn drill_at_120x40() {
    insta::assert_snapshot!(screen(&busy_drill(), 120, 40));
}

#[test]
fn drill_at_80x24() {
    let h = busy_drill();
    let s = screen(&h, 80, 24);
    // Every pane present and legible at 80x24.
    for title in [
        "Pods",
        "Alerts",
        "Resources",
        "Checklist",
        "Timeline",
        "DRILL",
        "P0 Critical",
    ] {
        assert!(s.contains(title), "{title} missing at 80x24:\n{s}");
    }
    assert!(s.contains("CrashLoopBackOff"));
    insta::assert_snapshot!(s);
}

#[test]
fn help_overlay_lists_the_keymap() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('?'));
    let s = screen(&h, 110, 160);
    for b in crate::keys::KEYMAP {
        if b.ctx == crate::keys::Ctx::Facilitator {
            assert!(!s.contains(b.help), "a player's help shows {:?}", b.help);
        } else {
            assert!(s.contains(b.help), "help misses {:?}", b.help);
        }
    }
    insta::assert_snapshot!(s);
    let mut f = Harness::facilitator();
    f.key(KeyCode::Char('?'));
    let s = screen(&f, 110, 170);
    for b in crate::keys::KEYMAP {
        assert!(s.contains(b.help), "facilitator's help misses {:?}", b.help);
    }
}

/// The facilitator's seat 50 s in, the clock paused: upcoming injects
/// instead of resources; the players' seat shows none of it.
fn facilitated() -> (Harness, Harness) {
    let mut f = Harness::facilitator();
    f.run_injects_until(50);
    f.key(KeyCode::Char('p'));
    let mut p = f.join("ana@bastion-2", crate::session::Seat::Join);
    p.state.ui.size = (120, 40);
    (f, p)
}

#[test]
fn facilitator_sees_upcoming_injects_at_120x40() {
    let (f, p) = facilitated();
    let s = screen(&f, 120, 40);
    assert!(
        s.contains("Upcoming injects 9/13 · T+00:50 ⏸ paused"),
        "{s}"
    );
    assert!(s.contains("paused T+01:30 #6"), "{s}");
    assert!(s.contains(" p  resume "), "{s}");
    assert!(s.contains("↯ inject 1 at T+00:15"), "{s}");
    let ps = screen(&p, 120, 40);
    assert!(!ps.contains("Upcoming"), "{ps}");
    assert!(!ps.contains("↯"), "{ps}");
    assert!(
        ps.contains("T+00:50 ⏸ paused"),
        "every seat sees the clock:\n{ps}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn facilitator_at_80x24() {
    let (f, _) = facilitated();
    let s = screen(&f, 80, 24);
    assert!(s.contains("Upcoming injects 9/13"), "{s}");
    assert!(s.contains("DRILL T+00:50⏸"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn note_editor_shows_its_keys() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('n'));
    h.keys("Paged DB on-call");
    let s = screen(&h, 80, 24);
    assert!(s.contains("Ctrl-S save"));
    assert!(s.contains("Esc cancel"));
    insta::assert_snapshot!(s);
}

#[test]
fn overdue_response_clock_and_pickers() {
    let mut h = Harness::drill();
    h.advance(16 * 60 + 5);
    let s = screen(&h, 120, 40);
    assert!(s.contains("RESPONSE OVERDUE +01:05"), "{s}");
    h.key(KeyCode::Char('s'));
    insta::assert_snapshot!(screen(&h, 80, 24));
}

#[test]
fn quit_confirmation() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('q'));
    let s = screen(&h, 80, 24);
    assert!(s.contains("still open"));
    insta::assert_snapshot!(s);
}

#[test]
fn smallest_and_too_small() {
    let h = busy_drill();
    let s = screen(&h, 40, 12);
    assert!(s.contains("DRILL"));
    assert!(!s.contains("too small"));
    let tiny = screen(&h, 39, 11);
    assert!(tiny.contains("Terminal too small"), "{tiny}");
    assert!(
        tiny.contains("DRILL"),
        "every frame of a drill says so:\n{tiny}"
    );
}

#[test]
fn hostile_strings_reach_the_screen_inert() {
    let mut h = Harness::drill();
    let evil = crate::drill::Inject {
        at: crate::playbook::model::At::new("1s".into()),
        pod: None,
        pod_deleted: None,
        alert: Some(crate::drill::scenario::AlertSpec {
            alertname: "Evil\x1b[2J".into(),
            severity: "critical".into(),
            summary: "copy \x1b]52;c;ZXZpbA==\x07 me".into(),
            since: None,
            labels: Default::default(),
        }),
        alert_resolved: None,
        rollout: None,
        figures: vec![],
        message: None,
        workloads: vec![],
        http: vec![],
    };
    let mut injects = (*h.state.ctx.injects).clone();
    injects.insert(0, evil);
    h.state.ctx.injects = std::sync::Arc::new(injects);
    h.send(crate::msg::Msg::InjectDue(0));
    let s = screen(&h, 120, 40);
    assert!(!s.contains('\x1b') && !s.contains('\x07'));
    assert!(s.contains("Evil^[[2J"), "{s}");
}

#[test]
fn an_overdue_phase_is_shown() {
    let mut h = Harness::drill();
    let s = screen(&h, 120, 40);
    assert!(!s.contains("OVERDUE"));
    h.advance(15 * 60 + 1);
    let s = screen(&h, 120, 40);
    assert!(s.contains("Immediate Actions (0-15m) ⚑ OVERDUE"), "{s}");
    assert!(!s.contains("Investigation (15m-30m) ⚑ OVERDUE"), "{s}");
}

/// Every shipped layout at its target size and at the smallest supported.
#[test]
fn every_layout_at_its_size_and_at_40x12() {
    let targets = [
        ("default", 120, 40),
        ("split", 80, 24),
        ("compact", 80, 24),
        ("wallboard", 120, 40),
        ("facilitator", 120, 40),
    ];
    for (name, w, hgt) in targets {
        let mut h = busy_drill();
        h.state.ctx.facilitator = name == "facilitator";
        let i = h
            .state
            .ctx
            .layouts
            .iter()
            .position(|l| l.name == name)
            .unwrap();
        h.state.ui.layout = Some(i);
        let s = screen(&h, w, hgt);
        assert!(
            s.contains("DRILL"),
            "{name}: the DRILL banner on every frame\n{s}"
        );
        insta::assert_snapshot!(format!("layout_{name}_{w}x{hgt}"), s);
        let small = screen(&h, 40, 12);
        assert!(small.contains("DRILL"), "{name} at 40x12\n{small}");
        insta::assert_snapshot!(format!("layout_{name}_40x12"), small);
    }
}

#[test]
fn the_compact_layout_reaches_every_pane_with_tab() {
    let mut h = busy_drill();
    let i = h
        .state
        .ctx
        .layouts
        .iter()
        .position(|l| l.name == "compact")
        .unwrap();
    h.state.ui.layout = Some(i);
    h.state.ui.size = (80, 24);
    let order = crate::ui::focus_order(&h.state);
    assert_eq!(
        order.len(),
        6,
        "checklist, timeline, pods, alerts, clocks, resources: {order:?}"
    );
    let mut seen = Vec::new();
    for _ in 0..order.len() {
        h.key(KeyCode::Tab);
        let s = screen(&h, 80, 24);
        let title = h.state.ui.focus.title();
        assert!(s.contains(title), "{title} shown after Tab:\n{s}");
        seen.push(h.state.ui.focus);
    }
    seen.sort_by_key(|p| format!("{p:?}"));
    seen.dedup();
    assert_eq!(seen.len(), order.len());
}

#[test]
fn no_color_draws_without_colour() {
    use ratatui::style::Color;
    let mut h = busy_drill();
    h.state.ctx.theme = crate::ui::theme::Kind::Mono;
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| {
        super::draw(&h.state, f);
    })
    .unwrap();
    let buf = term.backend().buffer();
    for cell in buf.content() {
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::Reset, Color::Reset),
            "a coloured cell {:?}",
            cell.symbol()
        );
    }
}

/// A live incident watching Alertmanager, the alerts pane focused and its
/// second row selected.
fn live_alerts() -> Harness {
    let mut h = live_alerts_polled();
    h.state.ui.focus = crate::state::Pane::Alerts;
    h.key(KeyCode::Char('j'));
    h
}

/// A live incident watching Alertmanager: four alerts in three groups,
/// one of them silenced by a silence this incident made, which ends soon.
pub(super) fn live_alerts_polled() -> Harness {
    use crate::testkit::am_poll;
    let mut h = Harness::live("dicps");
    h.state.observed.host = Some(crate::testkit::host());
    h.record(crate::timeline::Event::SilenceCreated {
        request: "s125900-1".into(),
        id: "5f2c9a4e-1111-2222-3333-444455556666".into(),
        matchers: vec![
            "alertname=\"APIDown\"".into(),
            "instance=\"api-2:8080\"".into(),
        ],
        ends_at: crate::testkit::t0() + chrono::TimeDelta::minutes(6),
        extends: None,
    });
    let mut poll = am_poll();
    poll.silences = vec![crate::alerts::silence::Silence {
        id: "5f2c9a4e-1111-2222-3333-444455556666".into(),
        matchers: vec![
            "alertname=\"APIDown\"".into(),
            "instance=\"api-2:8080\"".into(),
        ],
        starts_at: crate::testkit::t0() - chrono::TimeDelta::minutes(54),
        ends_at: crate::testkit::t0() + chrono::TimeDelta::minutes(6),
        created_by: "ana@bastion-1".into(),
        comment: "api-2 drained for the rollback".into(),
        state: "active".into(),
    }];
    h.send(crate::msg::Msg::AlertsPolled(Box::new(poll)));
    h
}

#[test]
fn live_alerts_grouped_at_120x40() {
    let h = live_alerts();
    let s = screen(&h, 120, 40);
    for want in [
        "Alerts 4 firing · 3 groups · 1 suppressed",
        "APIDown ×2",
        "‼ critical",
        "▲ warning",
        "suppressed",
        "unprocessed",
        "● connected",
        "⚠ our silence 5f2c9a4e ends in 06:00",
        "alert firing APIDown",
    ] {
        assert!(s.contains(want), "{want:?} missing:\n{s}");
    }
    insta::assert_snapshot!(s);
}

#[test]
fn live_alerts_at_80x24_and_the_silences_view() {
    let mut h = live_alerts();
    let s = screen(&h, 80, 24);
    assert!(s.contains("suppr."), "{s}");
    insta::assert_snapshot!("live_alerts_at_80x24", s);
    h.key(KeyCode::Char('S'));
    let s = screen(&h, 120, 40);
    assert!(s.contains("★5f2c9a4e"), "{s}");
    assert!(s.contains("06:00"), "{s}");
    insta::assert_snapshot!("live_silences_at_120x40", s);
}

#[test]
fn alert_detail_view() {
    let mut h = live_alerts();
    h.key(KeyCode::Enter);
    let s = screen(&h, 100, 30);
    for want in [
        "fingerprint",
        "instance = api-2:8080",
        "5f2c9a4e-1111-2222-3333-444455556666 (this incident)",
        "runbook_url = https://runbooks.example/APIDown",
        "http://prometheus.example/graph",
    ] {
        assert!(s.contains(want), "{want:?} missing:\n{s}");
    }
    insta::assert_snapshot!(s);
}

#[test]
fn silence_dialog_from_a_group() {
    let mut h = live_alerts();
    h.key(KeyCode::Char('X'));
    h.keys("rolling back v2.4.1");
    let s = screen(&h, 100, 30);
    assert!(s.contains("covers 2 of 4 firing alerts"), "{s}");
    insta::assert_snapshot!(s);
}

/// A destructive command longer than the dialog is wide (the DICPS
/// snapshot restore) at 80x24: all of it is shown, and so are the keys and,
/// once asked, the confirmation and what is typed back. (The wrapped
/// command used to push them out of the dialog: typed blind.)
#[test]
fn a_long_command_keeps_its_confirmation_on_screen_at_80x24() {
    let mut h = Harness::live_kube();
    // The guard alone (no second person asked).
    h.state.ctx.approval = crate::command::approval::Policy::nobody();
    h.state.ctx.procedure = "database-failure".into();
    h.select_step("restore-snapshot");
    h.key(KeyCode::Enter);
    let s = screen(&h, 80, 24);
    // The dialog's rows inside its borders (columns 3 to 76), joined.
    let inside: String = s
        .lines()
        .skip_while(|l| !l.contains("$ aws"))
        .map(|l| l.chars().skip(3).take(74).collect::<String>())
        .collect();
    assert!(
        inside.contains(
            "$ aws rds restore-db-instance-from-db-snapshot --db-instance-identifier \
             dicps-production-restored --db-snapshot-identifier dicps-production-snapshot-latest"
        ),
        "{s}"
    );
    assert!(s.contains("Enter asks to confirm"), "{s}");
    h.key(KeyCode::Enter);
    h.keys("restore");
    let s = screen(&h, 80, 24);
    assert!(s.contains("DESTRUCTIVE. Type"), "{s}");
    assert!(s.contains("> restore▏"), "{s}");
    // Shorter than the dialog wants: the top is cut, never the question.
    let s = screen(&h, 80, 12);
    assert!(s.contains("> restore▏"), "{s}");
}

/// The resources of a bastion pod: 8 cores, cgroup limits (memory over
/// the playbook's 80 % for two minutes), swap, two disks, network.
fn live_resources() -> Harness {
    use crate::state::observed::{CgroupUse, DiskUse};
    const G: u64 = 1024 * 1024 * 1024;
    let mut h = Harness::live("zkp-ledger");
    h.state.ctx.alertmanager = None;
    h.state.ctx.observes_alerts = false;
    // The host's own thresholds: without Prometheus, memory and CPU are
    // the host's (with it, they are the ledger's figures).
    h.state.ctx.watch.prometheus = None;
    let snap = crate::state::HostSnapshot {
        hostname: "bastion-pod-7f9c".into(),
        cpu_percent: 43.5,
        cpus: 8,
        cores: vec![12.0, 85.0, 40.0, 93.0, 5.0, 30.0, 22.0, 61.0],
        mem_used: 9 * G,
        mem_total: 31 * G,
        swap_used: G / 2,
        swap_total: 2 * G,
        load: [2.41, 1.9, 1.2],
        disks: vec![
            DiskUse {
                mount: "/".into(),
                used: 81 * G,
                total: 100 * G,
            },
            DiskUse {
                mount: "/var/lib/incident".into(),
                used: 3 * G,
                total: 20 * G,
            },
        ],
        net_rx: Some(1.25e6),
        net_tx: Some(3.1e4),
        cgroup: Some(CgroupUse {
            memory_max: Some(2 * G),
            memory_current: Some(2 * G * 85 / 100),
            cpu_limit: Some(2.0),
            cpu_percent_of_limit: Some(61.0),
        }),
    };
    h.send(crate::msg::Msg::Host(snap.clone()));
    h.advance(120);
    h.send(crate::msg::Msg::Host(snap));
    h
}

/// A live incident ten minutes in: the pod source connected, pods in
/// several states, one restarted five minutes ago, CPU and memory known.
pub(super) fn live_cluster() -> Harness {
    use crate::state::Pod;
    use crate::state::kube::{KubeUpdate, Usage};
    use chrono::TimeDelta;
    let mut h = Harness::live_kube();
    h.advance(600);
    let now = h.now;
    let pod =
        |name: &str, ready: &str, status: &str, restarts: u32, ago: Option<i64>, node: &str| Pod {
            name: name.into(),
            ready: ready.into(),
            status: status.into(),
            restarts,
            last_restart: ago.map(|m| now - TimeDelta::minutes(m)),
            created: now - TimeDelta::days(3),
            node: Some(node.into()),
            phase: Some("Running".into()),
        };
    h.send(crate::msg::Msg::Kube(KubeUpdate::Connecting {
        context: "prod-eu".into(),
        server: "https://10.0.0.1:6443".into(),
    }));
    h.send(crate::msg::Msg::Kube(KubeUpdate::Synced(vec![
        pod(
            "dicps-api-7d9f8b6c5-2xkqp",
            "0/1",
            "CrashLoopBackOff",
            4,
            Some(5),
            "node-a",
        ),
        pod(
            "dicps-api-7d9f8b6c5-9mtrw",
            "1/1",
            "Running",
            0,
            None,
            "node-b",
        ),
        pod(
            "dicps-api-7d9f8b6c5-h4zzl",
            "1/1",
            "Running",
            1,
            Some(180),
            "node-c",
        ),
        pod(
            "dicps-api-7d9f8b6c5-kq7mn",
            "0/1",
            "Init:1/2",
            0,
            None,
            "node-a",
        ),
    ])));
    let u = |cpu_m: u128, mem_mi: u128| Usage {
        cpu_nano: cpu_m * 1_000_000,
        mem_bytes: mem_mi << 20,
    };
    h.send(crate::msg::Msg::Kube(KubeUpdate::Metrics(vec![
        ("dicps-api-7d9f8b6c5-9mtrw".into(), u(250, 310)),
        ("dicps-api-7d9f8b6c5-h4zzl".into(), u(1200, 1024)),
    ])));
    h
}

#[test]
fn resources_per_core_at_120x40() {
    let h = live_resources();
    let s = screen(&h, 120, 40);
    for want in [
        "CORE",
        "93%",
        "of 2 cores (cgroup)",
        "(cgroup) · host",
        "▲ >80% 2m",
        "SWAP",
        "/var/lib/incident",
        "NET  ↓ 1.2 MB/s  ↑ 31.0 kB/s",
        "threshold memory 85.0 over 80",
    ] {
        assert!(s.contains(want), "{want:?} missing:\n{s}");
    }
    insta::assert_snapshot!(s);
}

#[test]
fn live_pods_pane_with_restarts_ago_metrics_and_node() {
    let mut h = live_cluster();
    h.state.ui.focus = crate::state::Pane::Pods;
    let wide = screen(&h, 160, 40);
    assert!(wide.contains("4 (5m ago)"), "{wide}");
    assert!(wide.contains("1 (3h ago)"), "{wide}");
    assert!(wide.contains("NODE") && wide.contains("node-a"), "{wide}");
    assert!(wide.contains("250m") && wide.contains("1024Mi"), "{wide}");
    assert!(
        wide.contains("Pods 2/4 ready · identity-platform app=dicps-api"),
        "{wide}"
    );
    assert!(
        wide.contains("● live since 13:10:00 · context prod-eu"),
        "{wide}"
    );
    insta::assert_snapshot!("live_pods_160x40", wide);
    // At 80x24 NODE gives way to the names.
    let narrow = screen(&h, 80, 24);
    assert!(narrow.contains("4 (5m ago)"), "{narrow}");
    insta::assert_snapshot!("live_pods_80x24", narrow);
}

#[test]
fn live_source_failing_says_why_and_when_it_retries() {
    let mut h = live_cluster();
    h.send(crate::msg::Msg::Kube(crate::state::kube::KubeUpdate::Failed {
        error: "cannot reach https://10.0.0.1:6443: tcp connect error: Connection refused (os error 111)".into(),
        retry_in: std::time::Duration::from_secs(7),
    }));
    h.advance(2);
    let s = screen(&h, 120, 40);
    assert!(
        s.contains("✖ stale since 13:10:00 · retry in 5s · cannot reach"),
        "{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn resources_compact_at_80x24() {
    let h = live_resources();
    let s = screen(&h, 80, 24);
    assert!(s.contains("▲85.0%"), "{s}");
    assert!(s.contains("Resources bastion-pod-7f9c"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn live_without_metrics_api_says_so_once() {
    let mut h = live_cluster();
    h.send(crate::msg::Msg::Kube(
        crate::state::kube::KubeUpdate::MetricsUnavailable(
            "no metrics API (metrics.k8s.io not served: no metrics-server?)".into(),
        ),
    ));
    let s = screen(&h, 160, 40);
    assert_eq!(s.matches("no metrics API").count(), 1, "{s}");
    assert!(!s.contains("MEMORY"), "{s}");
}

#[test]
fn every_bundled_scenario_plays_to_its_end_on_both_seats() {
    for (name, _) in crate::drill::scenario::BUNDLED {
        let mut f = Harness::drill_of(name);
        f.state.ctx.facilitator = true;
        let first = screen(&f, 120, 40);
        assert!(!first.contains("Upcoming injects 0/"), "{name}:\n{first}");
        // The longest scenario runs two hours of drill time (its
        // playbook's first escalation).
        f.run_injects_until(2 * 3600 + 60);
        assert_eq!(
            f.state.incident.fired.len(),
            f.state.ctx.injects.len(),
            "{name}: every inject fired"
        );
        for (w, h) in [(120, 40), (80, 24)] {
            let s = screen(&f, w, h);
            assert!(s.contains("DRILL"), "{name} at {w}x{h}:\n{s}");
            assert!(s.contains("Upcoming injects 0/"), "{name} at {w}x{h}:\n{s}");
        }
        let p = f.join("pl@h", crate::session::Seat::Join);
        assert_eq!(p.state.observed, f.state.observed, "{name}: seats agree");
        let s = screen(&p, 80, 24);
        assert!(!s.contains("Upcoming"), "{name}:\n{s}");
    }
}

/// A figure crossed a higher severity's criterion: the header suggests it
/// (the API-outage drill, taken for a P2, at 20 s: 58.2 % errors).
#[test]
fn severity_suggestion_at_80x24() {
    let mut h = Harness::drill();
    let from = h.state.incident.severity.clone();
    h.record(crate::timeline::Event::SeverityChanged {
        from,
        to: "P2".into(),
    });
    h.run_injects_until(20);
    // The page reminder due at the declaration is acknowledged (a due
    // clock takes the header's line first).
    h.keys("a");
    let s = screen(&h, 80, 24);
    assert!(s.contains("▲ Suggest P1: Error rate 58.2% > 50"), "{s}");
    insta::assert_snapshot!(s);
}

/// Prometheus' figures under "service"; when its answer fails, the last
/// value stays, dimmed and marked stale with why (never as current).
#[test]
fn prometheus_figures_are_shown_and_a_failed_one_is_marked_stale() {
    use crate::state::figures::{FigureAnswer, FigureUpdate};
    let mut h = Harness::live("zkp-ledger");
    h.state.ctx.alertmanager = None;
    h.state.ctx.observes_alerts = false;
    let poll = |v: Result<f64, &str>, down: bool| {
        crate::msg::Msg::Figures(FigureUpdate {
            answers: vec![FigureAnswer {
                name: "API response time".into(),
                unit: "s".into(),
                result: v.map_err(str::to_string),
            }],
            took_ms: 1,
            retry_in: down.then(|| std::time::Duration::from_secs(4)),
        })
    };
    h.send(crate::msg::Msg::Host(crate::testkit::host()));
    h.send(poll(Ok(0.8), false));
    let pane = |h: &Harness, w: u16, hgt: u16| {
        let mut term = Terminal::new(TestBackend::new(w, hgt)).unwrap();
        term.draw(|f| super::resources::render(&h.state, f, f.area(), false))
            .unwrap();
        let buf = term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    };
    let s = pane(&h, 70, 20);
    assert!(s.contains("API response time 0.8 s"), "{s}");
    assert!(!s.contains("stale"), "{s}");
    h.advance(15);
    h.send(poll(Err("cannot connect: Connection refused"), true));
    h.advance(60);
    let s = pane(&h, 70, 20);
    assert!(
        s.contains("API response time 0.8 s stale: cannot connect"),
        "{s}"
    );
    assert!(
        s.contains("service · Prometheus stale 60s: API response time: cannot connect"),
        "{s}"
    );
    let s = pane(&h, 40, 5);
    assert!(s.contains("?0.8s"), "{s}");
}
