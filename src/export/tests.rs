//! The export over hand-built records, in UTC.

use super::*;
use crate::playbook::load::parse_yaml;
use crate::timeline::{Event, Record, Status};
use chrono::FixedOffset;
use pulldown_cmark::{Event as Md, HeadingLevel, Options, Parser, Tag, TagEnd};

const PLAYBOOK: &str = r#"
name: mini
title: Mini Service
severities:
  - {id: P0, name: Critical, response: 15m}
  - {id: P1, name: High, response: 1h}
  - {id: P2, name: Medium, response: 4h}
procedures:
  - id: outage
    name: Outage
    phases:
      - id: p
        name: P
        steps:
          - {id: a, title: A}
          - {id: b, title: B}
          - {id: c, title: C}
followups:
  - within: 24h
    name: Within 24 Hours
    items: [File incident report, "Update | status page"]
  - within: 1w
    items: [Update runbooks]
postmortem:
  within: 48h
  title: Post-Incident Review
  sections: [Summary, Timeline, Communication effectiveness]
"#;

fn playbook() -> Playbook {
    parse_yaml("mini.yaml", PLAYBOOK).unwrap()
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap()
}

use crate::testkit::at as t;

fn declared(title: &str, drill: bool) -> Event {
    Event::Declared {
        id: "inc-1".into(),
        title: title.into(),
        severity: "P1".into(),
        status: Status::Investigating,
        ic: "ana@h".into(),
        playbook: "mini".into(),
        procedure: "outage".into(),
        drill,
        source: Some("bundled:mini.yaml".into()),
        scenario: None,
        watch: Default::default(),
    }
}

fn mark(m: Mark, text: &str) -> Event {
    Event::Marked {
        mark: m.id().into(),
        text: text.into(),
        when: None,
    }
}

/// A whole incident: detection marked before the declaration, a tick, two
/// commands (one failing, with a pipe and backticks), a hostile note, a
/// clock, a message sent, severity up then down, resolved after 65 min.
fn records(title: &str, drill: bool) -> Vec<Record> {
    let evs: Vec<(i64, &str, Event)> = vec![
        (0, "ana@h", declared(title, drill)),
        (-240, "ana@h", mark(Mark::Detected, "pager alert")),
        (
            30,
            "alertmanager",
            Event::AlertFiring {
                alertname: "APIDown".into(),
                fingerprint: String::new(),
                severity: "critical".into(),
                summary: "down".into(),
                since: None,
            },
        ),
        (
            50,
            "bob@h",
            Event::StepChecked {
                step: "a".into(),
                title: "A".into(),
                evidence: Vec::new(),
                reason: None,
            },
        ),
        (60, "ana@h", mark(Mark::Paged, "")),
        (
            70,
            "ana@h",
            Event::SeverityChanged {
                from: "P1".into(),
                to: "P0".into(),
            },
        ),
        (
            90,
            "bob@h",
            Event::CommandStarted {
                run: "r1".into(),
                step: "b".into(),
                command: "kubectl get pods | grep api".into(),
                argv: vec![
                    "sh".into(),
                    "-c".into(),
                    "kubectl get pods | grep api".into(),
                ],
                risk: "read".into(),
                confirmation: "enter".into(),
                shell: true,
                drill: false,
                dry_run: false,
                approval: None,
            },
        ),
        (
            92,
            "bob@h",
            Event::CommandFinished {
                run: "r1".into(),
                outcome: "exit 0".into(),
                exit: Some(0),
                signal: None,
                duration_ms: 1500,
                first_lines: vec![],
                last_lines: vec![],
                drill: false,
            },
        ),
        (
            100,
            "bob@h",
            Event::CommandStarted {
                run: "r2".into(),
                step: "c".into(),
                command: "kubectl rollout undo `x`".into(),
                argv: vec!["kubectl".into()],
                risk: "change".into(),
                confirmation: "y".into(),
                shell: false,
                drill: false,
                dry_run: false,
                approval: None,
            },
        ),
        (
            130,
            "bob@h",
            Event::CommandFinished {
                run: "r2".into(),
                outcome: "exit 1".into(),
                exit: Some(1),
                signal: None,
                duration_ms: 30_000,
                first_lines: vec![],
                last_lines: vec![],
                drill: false,
            },
        ),
        (
            200,
            "cy@h",
            Event::Note {
                text: "Rolled back | v2\n# not a heading\n\x1b[2Jcleared".into(),
            },
        ),
        (
            300,
            "ana@h",
            Event::StatusChanged {
                from: Status::Investigating,
                to: Status::Identified,
            },
        ),
        (310, "ana@h", mark(Mark::RootCauseIdentified, "bad deploy")),
        (
            900,
            "cockpit",
            Event::TimerDue {
                timer: "response".into(),
                label: "Response time P0".into(),
            },
        ),
        (
            960,
            "ana@h",
            Event::TimerAcknowledged {
                timer: "response".into(),
                label: "Response time P0".into(),
            },
        ),
        (
            1000,
            "dee@h",
            Event::CommsSent {
                template: "status-page".into(),
                file: None,
                text: "We are investigating.\n```\nend".into(),
            },
        ),
        (1200, "ana@h", mark(Mark::FixImplemented, "")),
        (
            1500,
            "ana@h",
            Event::SeverityChanged {
                from: "P0".into(),
                to: "P2".into(),
            },
        ),
        (
            3900,
            "ana@h",
            Event::StatusChanged {
                from: Status::Identified,
                to: Status::Resolved,
            },
        ),
    ];
    crate::testkit::records_at(evs)
}

fn full() -> Facts {
    facts(&records("API down", false), Some(&playbook()), utc()).unwrap()
}

#[test]
fn metrics_from_marks_and_first_action() {
    let f = full();
    assert_eq!(f.metrics.time_to_detect_seconds, Some(240));
    assert_eq!(f.metrics.time_to_acknowledge_seconds, Some(50));
    let first = f.metrics.first_action.as_ref().unwrap();
    assert_eq!(
        (first.seq, first.kind, first.by.as_str()),
        (4, "step_checked", "bob@h")
    );
    assert_eq!(f.metrics.time_to_resolve_seconds, Some(3900));
    assert_eq!(f.incident.duration_seconds, Some(3900));
    assert_eq!(f.incident.status, Status::Resolved);
    assert_eq!(
        (
            f.incident.severity.declared.as_str(),
            f.incident.severity.highest.as_str(),
            f.incident.severity.current.as_str()
        ),
        ("P1", "P0", "P2")
    );
    assert_eq!((f.steps.done, f.steps.total), (1, Some(3)));
    assert_eq!(f.commands.len(), 2);
    assert_eq!(f.commands[1].exit, Some(1));
    assert_eq!(f.commands[1].duration_ms, Some(30_000));
    assert_eq!(f.timers[0].acknowledged_at, Some(Ts(t(960))));

    let md = markdown::render(&f);
    assert!(md.contains("- Duration: 01:05\n"), "{md}");
    assert!(
        md.contains("- Severity: P0 Critical (highest reached); now P2 Medium\n"),
        "{md}"
    );
    assert!(
        md.contains("- Time to detect (MTTD): 00:04:00 (detection 12:56 → declared 13:00)"),
        "{md}"
    );
    assert!(md.contains("- Time to acknowledge: 00:00:50 (first action at 13:00:50 by bob@h"));
    assert!(md.contains("- Time to resolve: 01:05:00\n"));
    assert!(md.contains("- Steps done: 1 of 3\n"));
    assert!(md.contains("- Commands run: 2 (1 did not exit 0)\n"));
}

#[test]
fn no_team_action_and_a_late_detection_mark_are_said_plainly() {
    let recs = vec![
        Record {
            share: Default::default(),
            seq: 1,
            at: t(0),
            by: "ana@h".into(),
            event: declared("x", false),
        },
        Record {
            share: Default::default(),
            seq: 2,
            at: t(120),
            by: "ana@h".into(),
            event: mark(Mark::Detected, ""),
        },
        Record {
            share: Default::default(),
            seq: 3,
            at: t(130),
            by: "am".into(),
            event: Event::AlertResolved {
                alertname: "A".into(),
                fingerprint: String::new(),
            },
        },
    ];
    let f = facts(&recs, Some(&playbook()), utc()).unwrap();
    assert_eq!(f.metrics.time_to_detect_seconds, None);
    assert_eq!(f.metrics.time_to_acknowledge_seconds, None);
    let md = markdown::render(&f);
    assert!(
        md.contains("not measured (detection at 13:02, after the declaration at 13:00)"),
        "{md}"
    );
    assert!(md.contains("- Time to acknowledge: no team action recorded"));
    assert!(md.contains("- Time to resolve: ongoing"));
    assert!(md.contains("still Investigating when exported"), "{md}");
}

#[test]
fn key_moments_in_the_seed_timeline() {
    let md = markdown::render(&full());
    let expected = "## Timeline\n\n\
        - [12:56] - Detection: pager alert\n\
        - [13:01] - Page sent\n\
        - [13:00] - Incident declared\n\
        - [13:05] - Root cause identified: bad deploy\n\
        - [13:20] - Fix implemented\n\
        - [14:05] - Incident resolved\n";
    assert!(md.contains(expected), "{md}");
    // Followed by every record, in order, with who and what.
    let full = md.split("### Full record\n\n").nth(1).unwrap();
    let lines: Vec<&str> = full.lines().take_while(|l| l.starts_with("- ")).collect();
    assert_eq!(lines.len(), 19);
    assert_eq!(
        lines[0],
        "- 13:00:00 — ana@h — declared P1: API down (IC ana@h)"
    );
    assert_eq!(lines[3], "- 13:00:50 — bob@h — ✔ A \\[a\\]");

    // Unset moments say so; an unresolved incident is ongoing.
    let mut recs = records("API down", false);
    recs.retain(|r| !matches!(r.event, Event::Marked { .. }));
    recs.pop();
    let f = facts(&recs, Some(&playbook()), utc()).unwrap();
    let md = markdown::render(&f);
    // No detection marked: the first alert's start stands for it.
    assert!(
        md.contains("- [13:00] - Detection: first alert APIDown (no detection marked)\n"),
        "{md}"
    );
    assert!(md.contains("- [--:--] - Page sent (not marked)\n"));
    assert!(md.contains("- [--:--] - Root cause identified (not marked)\n"));
    assert!(md.contains("- [--:--] - Fix implemented (not marked)\n"));
    assert!(md.contains("- [--:--] - Incident resolved (not resolved)\n"));
    assert!(md.contains("- Duration: ongoing\n"));
    // The alert came 30 s after the declaration: no time to detect.
    assert!(
        md.contains("- Time to detect (MTTD): not measured (detection at 13:00, after the declaration at 13:00)"),
        "{md}"
    );
    assert_eq!(f.moments.resolved.as_ref().map(|m| m.seq), None);
}

#[test]
fn a_moment_on_another_day_carries_its_date() {
    let mut recs = records("API down", false);
    recs.last_mut().unwrap().at = t(86_400 + 600);
    let f = facts(&recs, Some(&playbook()), utc()).unwrap();
    let md = markdown::render(&f);
    assert!(
        md.contains("- [2026-11-23 13:10] - Incident resolved\n"),
        "{md}"
    );
    assert!(md.contains("- Duration: 24:10\n"));
}

#[test]
fn a_drill_says_so_in_its_title() {
    let f = facts(&records("API down", true), Some(&playbook()), utc()).unwrap();
    let md = markdown::render(&f);
    assert!(
        md.starts_with("# Post-Incident Review: [DRILL] API down\n"),
        "{md}"
    );
    assert!(md.contains("> **DRILL.**"));
    let live = markdown::render(&full());
    assert!(live.starts_with("# Post-Incident Review: API down\n"));
    assert!(!live.contains("DRILL"));
}

#[test]
fn record_text_cannot_break_the_document() {
    let f = facts(
        &records("API | down\n## Injected\x1b]52;c;x\x07", false),
        Some(&playbook()),
        utc(),
    )
    .unwrap();
    let md = markdown::render(&f);
    assert!(!md.contains('\x1b') && !md.contains('\x07'), "{md}");
    let title = md.lines().next().unwrap();
    assert_eq!(
        title,
        "# Post-Incident Review: API \\| down⏎\\#\\# Injected^\\[\\]52;c;x^G"
    );
    // The note: its pipe escaped, its second line not a heading, the
    // screen-clear visible and inert.
    assert!(
        md.contains(
            "- 13:03:20 — cy@h: Rolled back \\| v2\\\n  \\# not a heading\\\n  ^\\[\\[2Jcleared\n"
        ),
        "{md}"
    );
    // Code spans outlast the backticks inside; pipes in cells are escaped.
    assert!(md.contains("| `kubectl get pods \\| grep api` |"), "{md}");
    assert!(md.contains("| `` kubectl rollout undo `x` `` |"), "{md}");
    // A message as sent is fenced by more backticks than it holds.
    assert!(
        md.contains("  ````text\n  We are investigating.\n  ```\n  end\n  ````\n"),
        "{md}"
    );
    assert_eq!(markdown::text("a*b_c<d>"), "a\\*b\\_c\\<d\\>");
    assert_eq!(markdown::code_cell("a|b"), "`a\\|b`");
}

#[test]
fn action_items_are_due_from_the_resolution() {
    let f = full();
    let items = f.action_items.as_ref().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].due, Some(Ts(t(3900 + 86_400))));
    assert_eq!(items[2].due, Some(Ts(t(3900 + 7 * 86_400))));
    assert_eq!(items[2].group, None);
    let md = markdown::render(&f);
    assert!(
        md.contains("| File incident report |  | 2026-11-23 |  |\n"),
        "{md}"
    );
    assert!(md.contains("| Update \\| status page |  | 2026-11-23 |  |\n"));
    assert!(md.contains("| Update runbooks |  | 2026-11-29 |  |\n"));
    assert!(md.contains("- Post-mortem due: 2026-11-24 (within 48h of resolution)"));

    // Unresolved: due after the resolution, whenever that is.
    let mut recs = records("API down", false);
    recs.pop();
    let f = facts(&recs, Some(&playbook()), utc()).unwrap();
    assert!(
        f.action_items
            .as_ref()
            .unwrap()
            .iter()
            .all(|a| a.due.is_none())
    );
    let md = markdown::render(&f);
    assert!(
        md.contains("| File incident report |  | within 24h after resolution |  |\n"),
        "{md}"
    );
    assert!(md.contains("| Update runbooks |  | within 1w after resolution |  |\n"));

    // In another time zone the date is local.
    let east = FixedOffset::east_opt(11 * 3600).unwrap();
    let f = facts(&records("API down", false), Some(&playbook()), east).unwrap();
    let md = markdown::render(&f);
    assert!(
        md.contains("| File incident report |  | 2026-11-24 |  |\n"),
        "{md}"
    );
    assert!(md.contains("- Date: 2026-11-23\n"));
}

#[test]
fn without_the_playbook_there_are_no_follow_ups_and_it_says_so() {
    let mut f = facts(&records("API down", false), None, utc()).unwrap();
    f.warnings
        .push("playbook bundled:mini.yaml: not found".into());
    assert!(f.action_items.is_none());
    assert_eq!(f.steps.total, None);
    // The highest severity by id when the playbook's order is unknown.
    assert_eq!(f.incident.severity.highest, "P0");
    let md = markdown::render(&f);
    assert!(md.contains("> **Export note:** playbook bundled:mini.yaml: not found"));
    assert!(
        md.contains("its post-incident follow-ups are not listed"),
        "{md}"
    );
    assert!(md.contains("- Steps done: 1 (total unknown"));
    let json: serde_json::Value = serde_json::from_str(&json::render(&f)).unwrap();
    assert!(json["action_items"].is_null());
    assert_eq!(json["warnings"][0], "playbook bundled:mini.yaml: not found");
}

#[test]
fn a_timeline_must_start_with_its_declaration() {
    assert!(facts(&[], None, utc()).is_err());
    let recs = records("x", false);
    let err = facts(&recs[1..], None, utc()).unwrap_err().to_string();
    assert!(err.contains("not the declaration"), "{err}");
}

#[test]
fn json_holds_the_same_facts_and_the_records_as_written() {
    let recs = records("API down", false);
    let f = facts(&recs, Some(&playbook()), utc()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json::render(&f)).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "format",
            "time_zone",
            "incident",
            "moments",
            "metrics",
            "steps",
            "commands",
            "approvals",
            "notes",
            "timers",
            "open_deadlines",
            "comms",
            "acks",
            "who_to_call",
            "action_items",
            "postmortem",
            "warnings",
            "records"
        ]
    );
    assert_eq!(v["format"], JSON_FORMAT);
    assert_eq!(v["incident"]["declared_at"], "2026-11-22T13:00:00.000Z");
    assert_eq!(v["incident"]["severity"]["highest"], "P0");
    assert_eq!(v["metrics"]["time_to_detect_seconds"], 240);
    assert_eq!(v["metrics"]["time_to_acknowledge_seconds"], 50);
    assert_eq!(v["metrics"]["time_to_resolve_seconds"], 3900);
    assert_eq!(v["moments"]["paged"]["at"], "2026-11-22T13:01:00.000Z");
    assert_eq!(v["commands"][0]["command"], "kubectl get pods | grep api");
    assert_eq!(v["commands"][1]["exit"], 1);
    assert_eq!(v["notes"][0]["by"], "cy@h");
    assert_eq!(v["action_items"][0]["due"], "2026-11-23T14:05:00.000Z");
    assert_eq!(v["action_items"][1]["item"], "Update | status page");
    // Never acked, still firing at the resolution: unowned 30 s → 3900 s.
    assert_eq!(v["acks"]["acks"], serde_json::json!([]));
    assert_eq!(v["acks"]["alerts"][0]["alertname"], "APIDown");
    assert_eq!(
        v["acks"]["alerts"][0]["resolved_at"],
        serde_json::Value::Null
    );
    assert_eq!(v["acks"]["alerts"][0]["firing_seconds"], 3870);
    assert_eq!(v["acks"]["alerts"][0]["unowned_seconds"], 3870);
    let as_written: Vec<serde_json::Value> = recs
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    assert_eq!(v["records"], serde_json::Value::Array(as_written));
}

/// Headings (level 2) and tables of a markdown document, as parsed.
pub(super) struct Parsed {
    pub title: String,
    pub h2: Vec<String>,
    pub h3: Vec<String>,
    /// Each table: its rows (the header first), each a list of cells.
    pub tables: Vec<Vec<Vec<String>>>,
}

pub(super) fn parse(md: &str) -> Parsed {
    let mut p = Parsed {
        title: String::new(),
        h2: Vec::new(),
        h3: Vec::new(),
        tables: Vec::new(),
    };
    let mut heading: Option<HeadingLevel> = None;
    let mut text = String::new();
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match ev {
            Md::Start(Tag::Heading { level, .. }) => {
                heading = Some(level);
                text.clear();
            }
            Md::End(TagEnd::Heading(_)) => {
                match heading.take() {
                    Some(HeadingLevel::H1) => p.title = text.clone(),
                    Some(HeadingLevel::H2) => p.h2.push(text.clone()),
                    Some(HeadingLevel::H3) => p.h3.push(text.clone()),
                    _ => {}
                }
                text.clear();
            }
            Md::Start(Tag::Table(_)) => p.tables.push(Vec::new()),
            Md::Start(Tag::TableHead | Tag::TableRow) => {
                p.tables.last_mut().unwrap().push(Vec::new());
            }
            Md::Start(Tag::TableCell) => text.clear(),
            Md::End(TagEnd::TableCell) => {
                let row = p.tables.last_mut().unwrap().last_mut().unwrap();
                row.push(text.trim().to_string());
                text.clear();
            }
            Md::Text(t) | Md::Code(t) => text.push_str(&t),
            Md::SoftBreak | Md::HardBreak => text.push('\n'),
            _ => {}
        }
    }
    p
}

#[test]
fn the_markdown_parses_into_the_templates_sections_and_tables() {
    let f = facts(&records("API | down `now`", true), Some(&playbook()), utc()).unwrap();
    let md = markdown::render(&f);
    let p = parse(&md);
    assert_eq!(p.title, "Post-Incident Review: [DRILL] API | down `now`");
    // The playbook's headings in its order, each filled from its words
    // (Communication effectiveness takes the messages sent); then what
    // no heading took, under its own.
    assert_eq!(
        p.h2,
        [
            "Summary",
            "Timeline",
            "Communication effectiveness",
            "Metrics",
            "Root Cause",
            "Impact",
            "Commands Run",
            "Notes",
            "Escalations and Clocks",
            "Acknowledgements",
            "Who to Call",
            "Action Items",
        ]
    );
    let comms = md
        .split("## Communication effectiveness\n")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    assert!(comms.contains("dee@h: status-page"), "{comms}");

    let table = |first: &str| {
        p.tables
            .iter()
            .find(|t| t[0][0] == first)
            .unwrap_or_else(|| panic!("no table headed {first}: {:?}", p.tables))
    };
    let cmds = table("Time");
    assert_eq!(
        cmds[0],
        [
            "Time",
            "Who",
            "Command",
            "Risk",
            "Confirmation",
            "Outcome",
            "Duration"
        ]
    );
    assert_eq!(cmds.len(), 3, "{cmds:?}");
    assert!(cmds.iter().all(|r| r.len() == 7), "{cmds:?}");
    assert_eq!(
        cmds[1],
        [
            "13:01:30",
            "bob@h",
            "kubectl get pods | grep api",
            "read",
            "enter",
            "exit 0",
            "1.5s"
        ]
    );
    assert_eq!(cmds[2][2], "kubectl rollout undo `x`");
    assert_eq!(cmds[2][4], "y");
    assert_eq!(cmds[2][5], "exit 1");
    assert_eq!(cmds[2][6], "30.0s");

    let items = table("Action");
    assert_eq!(items[0], ["Action", "Owner", "Deadline", "Priority"]);
    assert!(items.iter().all(|r| r.len() == 4), "{items:?}");
    let rows: Vec<(&str, &str)> = items[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("File incident report", "2026-11-23"),
            ("Update | status page", "2026-11-23"),
            ("Update runbooks", "2026-11-29"),
            ("[Fix]", "YYYY-MM-DD"),
        ]
    );

    let clocks = table("Fell due");
    assert_eq!(
        clocks[1],
        ["13:15:00", "Response time P0", "13:16:00 by ana@h"]
    );
}

/// Two-person rule: each proposal with who proposed it and why, who
/// decided and why, and how it ended (the run's outcome); a proposal that
/// lapsed and one whose self-approval decided nothing.
#[test]
fn the_export_lists_proposals_and_approvals() {
    let proposed = |id: &str, reason: &str| Event::ApprovalProposed {
        proposal: id.into(),
        step: "a".into(),
        title: "A".into(),
        command: "kubectl delete pod web-1".into(),
        argv: vec![
            "kubectl".into(),
            "delete".into(),
            "pod".into(),
            "web-1".into(),
        ],
        shell: false,
        params: [("pod".to_string(), "web-1".to_string())].into(),
        risk: "destructive".into(),
        target: "web-1".into(),
        reason: reason.into(),
        user: "ana".into(),
        lapses_at: t(700),
        drill: false,
    };
    let mut recs = records("API down", false);
    recs.truncate(3);
    let more: Vec<(i64, &str, Event)> = vec![
        (100, "ana@h", proposed("P1", "pods | wedged")),
        (
            110,
            "ana@h",
            Event::ApprovalGranted {
                proposal: "P1".into(),
                user: "ana".into(),
                reason: "self".into(),
                confirmation: "enter".into(),
            },
        ),
        (
            120,
            "bob@g",
            Event::ApprovalGranted {
                proposal: "P1".into(),
                user: "bob".into(),
                reason: "checked".into(),
                confirmation: "typed web-1".into(),
            },
        ),
        (
            130,
            "ana@h",
            Event::CommandStarted {
                run: "r1".into(),
                step: "a".into(),
                command: "kubectl delete pod web-1".into(),
                argv: vec![],
                risk: "destructive".into(),
                confirmation: "typed web-1".into(),
                shell: false,
                drill: false,
                dry_run: false,
                approval: Some("P1".into()),
            },
        ),
        (
            131,
            "ana@h",
            Event::CommandFinished {
                run: "r1".into(),
                outcome: "exit 0".into(),
                exit: Some(0),
                signal: None,
                duration_ms: 900,
                first_lines: vec![],
                last_lines: vec![],
                drill: false,
            },
        ),
        (200, "ana@h", proposed("P2", "again")),
        (
            801,
            "bob@g",
            Event::ApprovalLapsed {
                proposal: "P2".into(),
            },
        ),
    ];
    for (secs, by, event) in more {
        recs.push(Record {
            share: Default::default(),
            seq: recs.len() as u64 + 1,
            at: t(secs),
            by: by.into(),
            event,
        });
    }
    let f = facts(&recs, Some(&playbook()), utc()).unwrap();
    assert_eq!(f.approvals.len(), 2);
    let a = &f.approvals[0];
    assert_eq!(a.end, "ran");
    assert_eq!(a.outcome.as_deref(), Some("exit 0"));
    let d = a.decision.as_ref().unwrap();
    assert_eq!((d.user.as_str(), d.reason.as_str()), ("bob", "checked"));
    assert_eq!(f.approvals[1].end, "lapsed");
    assert!(f.approvals[1].decision.is_none());
    assert_eq!(f.commands[0].approval.as_deref(), Some("P1"));
    let md = markdown::render(&f);
    assert!(md.contains("### Two-person approvals"), "{md}");
    assert!(md.contains("pods \\| wedged"), "escaped in its cell:\n{md}");
    assert!(md.contains("approved by bob@g (bob)"), "{md}");
    assert!(md.contains("ran at 13:02:10 (exit 0)"), "{md}");
    assert!(md.contains("lapsed at 13:13:21"), "{md}");
    let json: serde_json::Value = serde_json::from_str(&json::render(&f)).unwrap();
    assert_eq!(json["approvals"][0]["decision"]["user"], "bob");
    assert_eq!(json["approvals"][1]["end"], "lapsed");
    assert_eq!(json["commands"][0]["approval"], "P1");
}

#[test]
fn the_detection_time_the_ic_gives_is_the_mttd() {
    let mut recs = records("API down", false);
    recs.retain(|r| !matches!(r.event, Event::Marked { .. }));
    // Recorded after the declaration, saying it was detected 7 min before.
    let seq = recs.last().unwrap().seq + 1;
    recs.push(Record {
        share: Default::default(),
        seq,
        at: t(600),
        by: "ana@h".into(),
        event: Event::Marked {
            mark: Mark::Detected.id().into(),
            text: String::new(),
            when: Some(t(-420)),
        },
    });
    let f = facts(&recs, Some(&playbook()), utc()).unwrap();
    assert_eq!(f.metrics.time_to_detect_seconds, Some(420));
    let md = markdown::render(&f);
    assert!(
        md.contains("- Time to detect (MTTD): 00:07:00 (detection 12:53 → declared 13:00)"),
        "{md}"
    );
    assert!(md.contains("- [12:53] - Detection\n"), "{md}");
    // The first alert's start at its source, when nothing is marked.
    let mut recs = records("API down", false);
    recs.retain(|r| !matches!(r.event, Event::Marked { .. }));
    for r in &mut recs {
        if let Event::AlertFiring { since, .. } = &mut r.event {
            *since = Some(t(-90));
        }
    }
    let f = facts(&recs, Some(&playbook()), utc()).unwrap();
    assert_eq!(f.metrics.time_to_detect_seconds, Some(90));
}

#[test]
fn open_deadlines_are_in_the_export() {
    // Resolved P2 with nothing sent: P2 is not P0/P1, SOC 2 does not hold.
    let dicps = crate::playbook::load_bundled("dicps.yaml").unwrap();
    let f = facts(&records("API down", false), Some(&dicps), utc()).unwrap();
    assert!(f.open_deadlines.is_empty(), "{:?}", f.open_deadlines);
    // Open at P1 with a breach confirmed: the customer notification is
    // owed within 72 h and SOC 2 logging has no time limit.
    let mut recs = records("API down", false);
    recs.truncate(2);
    recs.push(Record {
        share: Default::default(),
        seq: 3,
        at: t(60),
        by: "ana@h".into(),
        event: Event::ConditionSet {
            condition: "data-breach-confirmed".into(),
        },
    });
    let f = facts(&recs, Some(&dicps), utc()).unwrap();
    let names: Vec<_> = f
        .open_deadlines
        .iter()
        .map(|d| d.deadline.as_str())
        .collect();
    assert_eq!(names, ["customer-notification", "soc2-logging"]);
    let md = markdown::render(&f);
    assert!(
        md.contains(
            "- Customer notification: due 2026-11-25 13:01:00 (template breach-customer-notice)\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("- SOC 2 incident logging (all P0/P1): no time limit given\n"),
        "{md}"
    );
}

#[test]
fn the_page_reminders_due_and_acknowledged_are_in_the_export() {
    // The reminder the cockpit computes for a P0 declared on seed 002's
    // playbook, recorded when due and acknowledged, as the loop does.
    let dicps = crate::playbook::load_bundled("dicps.yaml").unwrap();
    let mut recs = records("API down", false);
    recs.truncate(1);
    if let Event::Declared {
        severity,
        playbook,
        procedure,
        source,
        ..
    } = &mut recs[0].event
    {
        *severity = "P0".into();
        *playbook = "dicps".into();
        *procedure = "api-outage".into();
        *source = None;
    }
    let inc = Incident::replay(&recs);
    let page = crate::clocks::timers(&dicps, dicps.procedure("api-outage").unwrap(), &inc)
        .into_iter()
        .find(|t| t.kind == crate::clocks::Kind::Page)
        .expect("a page reminder at the declaration");
    for (secs, by, event) in [
        (
            1,
            "cockpit",
            Event::TimerDue {
                timer: page.id.clone(),
                label: page.label.clone(),
            },
        ),
        (
            45,
            "ana@h",
            Event::TimerAcknowledged {
                timer: page.id.clone(),
                label: page.label.clone(),
            },
        ),
    ] {
        recs.push(Record {
            share: Default::default(),
            seq: recs.len() as u64 + 1,
            at: t(secs),
            by: by.into(),
            event,
        });
    }
    let f = facts(&recs, Some(&dicps), utc()).unwrap();
    assert_eq!(f.timers.len(), 1);
    assert_eq!(f.timers[0].timer, page.id);
    let md = markdown::render(&f);
    assert!(
        md.contains(
            "| 13:00:01 | Page On-call engineer, Security team, Exec team (P0 declared) · "
        ),
        "{md}"
    );
    assert!(md.contains(" | 13:00:45 by ana@h |\n"), "{md}");
}

/// The export of `records` with a bundled playbook, parsed.
fn export_with(pb: Option<&Playbook>) -> (String, Parsed) {
    let f = facts(&records("API down", false), pb, utc()).unwrap();
    let md = markdown::render(&f);
    let p = parse(&md);
    (md, p)
}

/// The text under a level-2 heading, up to the next one.
fn under<'a>(md: &'a str, heading: &str) -> &'a str {
    md.split(&format!("\n## {heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no ## {heading} in {md}"))
        .split("\n## ")
        .next()
        .unwrap()
}

#[test]
fn seed_002s_post_mortem_template_for_dicps() {
    let dicps = crate::playbook::load_bundled("dicps.yaml").unwrap();
    let (md, p) = export_with(Some(&dicps));
    assert_eq!(p.title, "Post-Incident Review: API down");
    assert_eq!(
        p.h2,
        [
            // Seed 002's template, in its order.
            "Summary",
            "Timeline",
            "Root Cause",
            "Impact",
            "What Went Well",
            "What Went Wrong",
            "Action Items",
            "Lessons Learned",
            // What the record knows and no heading took.
            "Commands Run",
            "Notes",
            "Escalations and Clocks",
            "Acknowledgements",
            "Who to Call",
            "Communications",
        ]
    );
    assert!(
        md.contains("- Duration: 01:05\n- Affected Users: [Count]\n"),
        "{md}"
    );
    // The template's lines first, then the facts.
    let summary = under(&md, "Summary");
    assert!(
        summary.starts_with("\n[2-3 sentence summary]\n\n- Procedure:"),
        "{summary}"
    );
    // The metrics go with the timeline, under their own sub-heading.
    let timeline = under(&md, "Timeline");
    assert!(
        timeline.contains("- [12:56] - Detection: pager alert"),
        "{timeline}"
    );
    assert!(
        timeline.contains("### Metrics\n\n- Time to detect (MTTD): 00:04:00"),
        "{timeline}"
    );
    assert!(p.h3.contains(&"Metrics".to_string()), "{:?}", p.h3);
    let root = under(&md, "Root Cause");
    assert!(
        root.contains("[Technical details]\n\nMarked at 13:05 by ana@h: bad deploy"),
        "{root}"
    );
    let impact = under(&md, "Impact");
    assert!(
        impact.contains("- SLA Impact: [%]\n\nAlerts that fired: APIDown"),
        "{impact}"
    );
    assert_eq!(under(&md, "What Went Well"), "\n1. [Item]\n2. [Item]\n");
    assert!(md.ends_with("## Communications\n\n- 13:16:40 — dee@h: status-page\n\n  ````text\n  We are investigating.\n  ```\n  end\n  ````\n"), "{md}");
}

#[test]
fn seed_000s_post_incident_headings_for_zkp_ledger() {
    let zkp = crate::playbook::load_bundled("zkp-ledger.yaml").unwrap();
    let (md, p) = export_with(Some(&zkp));
    assert_eq!(p.title, "Post-Mortem: API down");
    // Every fact but the acknowledgements has a place among seed 000's
    // headings.
    assert_eq!(
        p.h2,
        [
            "Timeline and actions taken",
            "Root cause analysis",
            "Impact",
            "Communication effectiveness",
            "Improvements and preventive measures",
            // Seed 000 says nothing of acknowledgements: appended.
            "Acknowledgements",
        ]
    );
    assert!(
        !md.contains("Affected Users"),
        "seed 002's header line: {md}"
    );
    assert!(!md.contains("What Went Well"), "{md}");
    let first = under(&md, "Timeline and actions taken");
    assert!(first.starts_with("\n- Procedure:"), "{first}");
    for sub in [
        "### Timeline",
        "### Metrics",
        "### Commands Run",
        "### Notes",
    ] {
        assert!(first.contains(&format!("\n{sub}\n")), "{sub}: {first}");
    }
    let comms = under(&md, "Communication effectiveness");
    assert!(
        comms.starts_with("\n[How the communication went"),
        "{comms}"
    );
    assert!(comms.contains("### Escalations and Clocks"), "{comms}");
    assert!(comms.contains("### Who to Call"), "{comms}");
    let items = under(&md, "Improvements and preventive measures");
    assert!(
        items.contains("| Action | Owner | Deadline | Priority |"),
        "{items}"
    );
}

#[test]
fn a_playbook_without_a_post_mortem_template_gets_the_plain_default() {
    let mut pb = playbook();
    pb.postmortem = None;
    let default: Vec<String> = template::default_sections()
        .into_iter()
        .map(|s| s.heading)
        .collect();
    for pb in [Some(&pb), None] {
        let (md, p) = export_with(pb);
        assert_eq!(p.title, "Post-Mortem: API down");
        assert_eq!(p.h2, default, "{md}");
        assert!(!md.contains("What Went Well"), "{md}");
        assert!(under(&md, "Lessons Learned").contains("[Key takeaways]"));
    }
}

#[test]
fn a_written_out_section_without_facts_is_left_for_the_author() {
    let mut pb = playbook();
    pb.postmortem = Some(
        parse_yaml(
            "pm.yaml",
            "sections:\n  - {heading: Customer outreach}\n  - {heading: Timeline, fill: [timeline, notes]}\n",
        )
        .unwrap(),
    );
    let (md, p) = export_with(Some(&pb));
    assert_eq!(p.h2[0], "Customer outreach");
    assert_eq!(under(&md, "Customer outreach"), "\n[To complete]\n");
    let t = under(&md, "Timeline");
    assert!(
        t.contains("### Notes\n\n- 13:03:20 — cy@h: Rolled back"),
        "{t}"
    );
    assert!(!p.h2.contains(&"Notes".to_string()), "{:?}", p.h2);
}

#[test]
fn the_export_says_which_detection_signs_were_confirmed_and_when() {
    let yaml = PLAYBOOK.replace(
        "    name: Outage\n",
        "    name: Outage\n    detection: [\"APIDown fires\", Customer reports]\n",
    );
    let pb = parse_yaml("mini.yaml", &yaml).unwrap();
    let recs = crate::testkit::records_at(vec![
        (0, "ana@h", declared("API down", false)),
        (
            40,
            "bob@h",
            Event::StepChecked {
                step: "detect-apidown-fires".into(),
                title: "APIDown fires".into(),
                evidence: Vec::new(),
                reason: None,
            },
        ),
    ]);
    let f = facts(&recs, Some(&pb), utc()).unwrap();
    // The signs are steps of the checklist (3 own + 2 signs).
    assert_eq!(f.steps.total, Some(5));
    assert_eq!(f.steps.done, 1);
    assert_eq!(f.steps.detection.len(), 2);
    assert_eq!(f.steps.detection[0].step, "detect-apidown-fires");
    assert_eq!(f.steps.detection[0].by.as_deref(), Some("bob@h"));
    assert!(f.steps.detection[1].confirmed_at.is_none());
    let md = markdown::render(&f);
    assert!(
        md.contains("- Detection signs confirmed: APIDown fires at 13:00 by bob@h\n"),
        "{md}"
    );
    assert!(
        md.contains("- Detection signs not confirmed: Customer reports\n"),
        "{md}"
    );
    let json: serde_json::Value = serde_json::from_str(&json::render(&f)).unwrap();
    let d = &json["steps"]["detection"][0];
    assert_eq!(d["sign"], "APIDown fires");
    assert_eq!(d["procedure"], "outage");
    assert_eq!(d["confirmed_at"], "2026-11-22T13:00:40.000Z");
    assert!(json["steps"]["detection"][1]["confirmed_at"].is_null());
}
