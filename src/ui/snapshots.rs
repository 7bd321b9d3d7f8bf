//! Screen snapshots of the whole cockpit on ratatui's TestBackend.

use crate::testkit::Harness;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(h: &Harness, w: u16, height: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, height)).unwrap();
    term.draw(|f| super::draw(&h.state, f)).unwrap();
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
    let s = screen(&h, 110, 100);
    for b in super::keymap::KEYMAP {
        assert!(s.contains(b.help), "help misses {:?}", b.help);
    }
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
}

#[test]
fn hostile_strings_reach_the_screen_inert() {
    let mut h = Harness::drill();
    h.send(crate::msg::Msg::Drill(Box::new(crate::drill::Inject {
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
        figures: vec![],
        message: None,
    })));
    let s = screen(&h, 120, 40);
    assert!(!s.contains('\x1b') && !s.contains('\x07'));
    assert!(s.contains("Evil^[[2J"), "{s}");
}

/// A live incident ten minutes in: the pod source connected, pods in
/// several states, one restarted five minutes ago, CPU and memory known.
fn live_cluster() -> Harness {
    use crate::state::Pod;
    use crate::state::kube::{KubeUpdate, Usage};
    use chrono::TimeDelta;
    let mut h = Harness::live();
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
fn live_pods_pane_with_restarts_ago_metrics_and_node() {
    let mut h = live_cluster();
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    assert_eq!(h.state.ui.focus, crate::state::Pane::Pods);
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
