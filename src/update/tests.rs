use super::*;
use crate::state::Incident;
use crate::state::ResponseClock;
use crate::testkit::Harness;
use crossterm::event::{KeyCode, KeyModifiers};

fn kinds(h: &Harness) -> Vec<&'static str> {
    h.records().iter().map(|r| r.event.kind()).collect()
}

#[test]
fn space_ticks_and_unticks_the_selected_step() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char(' '));
    let step = h
        .state
        .ctx
        .procedure()
        .steps()
        .nth(h.state.ui.step)
        .unwrap()
        .id
        .value
        .clone();
    assert!(h.state.incident.checked.contains_key(&step));
    h.key(KeyCode::Char(' '));
    assert!(!h.state.incident.checked.contains_key(&step));
    assert_eq!(
        kinds(&h),
        vec!["declared", "step_checked", "step_unchecked"]
    );
}

#[test]
fn a_tick_shows_as_done_only_once_it_is_durable() {
    let mut h = Harness::drill();
    let fx = h.send_held(Msg::Key(KeyEvent::from(KeyCode::Char(' '))));
    assert!(matches!(
        fx.as_slice(),
        [Effect::Append(Event::StepChecked { .. })]
    ));
    assert!(
        h.state.incident.checked.is_empty(),
        "not shown as done before it is recorded"
    );
    assert_eq!(h.state.ui.pending_steps.len(), 1);
    assert_eq!(h.state.ui.saving, 1);
    // A second press while it is in flight does not append again.
    let again = h.send_held(Msg::Key(KeyEvent::from(KeyCode::Char(' '))));
    assert!(again.is_empty());
    assert!(h.state.ui.flash.is_some());
}

#[test]
fn a_failed_append_is_said_and_nothing_is_ticked() {
    let mut h = Harness::drill();
    let fx = h.send_held(Msg::Key(KeyEvent::from(KeyCode::Char(' '))));
    let Effect::Append(ev) = fx.into_iter().next().unwrap() else {
        panic!("expected an append")
    };
    h.send(Msg::NotRecorded {
        event: Box::new(ev),
        error: "disk full".into(),
    });
    let flash = h.state.ui.flash.clone().unwrap();
    assert!(flash.error && flash.text.contains("NOT RECORDED") && flash.text.contains("disk full"));
    assert!(h.state.ui.pending_steps.is_empty());
    assert!(h.state.incident.checked.is_empty());
}

/// A note the disk refused is back in the editor, whole, to save again.
#[test]
fn a_note_that_was_not_recorded_is_back_in_the_editor() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('n'));
    h.keys("the disk was full");
    let fx = h.send_held(Msg::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    assert!(h.state.ui.modal.is_none());
    let Some(Effect::Append(ev)) = fx.into_iter().next() else {
        panic!("expected an append")
    };
    h.send(Msg::NotRecorded {
        event: Box::new(ev),
        error: "cannot write to x: File too large".into(),
    });
    let Some(Modal::Note(area)) = &h.state.ui.modal else {
        panic!("the editor is open again: {:?}", h.state.ui.modal)
    };
    assert_eq!(area.text(), "the disk was full");
    let flash = h.state.ui.flash.clone().unwrap();
    assert!(
        flash.error && flash.text.contains("back in the editor"),
        "{}",
        flash.text
    );
    h.ctrl('s');
    assert_eq!(kinds(&h), vec!["declared", "note"]);
}

#[test]
fn note_editor_saves_cancels_and_ignores_empty() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('n'));
    assert!(matches!(h.state.ui.modal, Some(Modal::Note(_))));
    h.keys("rolled back v2.3; q and s are text here");
    h.ctrl('s');
    assert!(h.state.ui.modal.is_none());
    let recs = h.records();
    assert_eq!(
        recs.last().unwrap().event,
        Event::Note {
            text: "rolled back v2.3; q and s are text here".into()
        }
    );
    // Esc discards.
    h.key(KeyCode::Char('n'));
    h.keys("never mind");
    h.key(KeyCode::Esc);
    // Empty is not recorded.
    h.key(KeyCode::Char('n'));
    h.ctrl('s');
    assert_eq!(kinds(&h), vec!["declared", "note"]);
}

#[test]
fn paste_goes_into_the_note() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('n'));
    h.send(Msg::Paste("from the chat".into()));
    h.ctrl('s');
    assert_eq!(
        h.records().last().unwrap().event,
        Event::Note {
            text: "from the chat".into()
        }
    );
}

#[test]
fn severity_and_status_pickers_record_changes() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('s'));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Enter);
    assert_eq!(h.state.incident.severity, "P1");
    h.advance(120);
    h.key(KeyCode::Char('t'));
    h.key(KeyCode::Down);
    h.key(KeyCode::Enter);
    assert_eq!(h.state.incident.status, Some(Status::Identified));
    let sev = h.state.ctx.playbook.severity("P1").unwrap().response_time();
    assert_eq!(
        h.state.incident.response_clock(
            h.state
                .incident
                .response_start(|id| h.state.ctx.playbook.severity_rank(id)),
            sev,
            h.now
        ),
        ResponseClock::Met {
            after: chrono::TimeDelta::seconds(120)
        }
    );
    // Choosing the current value records nothing. (The clock's tick
    // recorded the declaration's page reminder; lowering P0 to P1 pages
    // no one more.)
    h.key(KeyCode::Char('t'));
    h.key(KeyCode::Enter);
    assert_eq!(
        kinds(&h),
        vec![
            "declared",
            "severity_changed",
            "timer_due",
            "status_changed"
        ]
    );
}

#[test]
fn quit_asks_while_open_and_ctrl_c_always_quits() {
    let mut h = Harness::drill();
    assert!(h.key(KeyCode::Char('q')).is_empty());
    assert!(matches!(h.state.ui.modal, Some(Modal::ConfirmQuit)));
    assert!(h.key(KeyCode::Char('n')).is_empty());
    assert!(h.state.ui.modal.is_none());
    h.key(KeyCode::Char('q'));
    assert_eq!(h.key(KeyCode::Char('y')), vec![Effect::Quit]);

    let mut h = Harness::drill();
    h.key(KeyCode::Char('n'));
    assert_eq!(h.ctrl('c'), vec![Effect::Quit], "even in the editor");

    let mut h = Harness::drill();
    h.key(KeyCode::Char('t'));
    h.key(KeyCode::Char('G'));
    for _ in 0..3 {
        h.key(KeyCode::Char('j'));
    }
    h.key(KeyCode::Enter);
    assert!(!h.state.incident.is_open());
    assert_eq!(
        h.key(KeyCode::Char('q')),
        vec![Effect::Quit],
        "resolved: no question"
    );
}

#[test]
fn after_the_rollback_the_pods_are_the_ones_the_canned_output_shows() {
    let mut h = Harness::drill();
    h.run_injects_until(13 * 60);
    let api: Vec<&str> = h
        .state
        .observed
        .pods
        .iter()
        .map(|p| p.name.as_str())
        .filter(|n| n.starts_with("dicps-api-"))
        .collect();
    assert_eq!(api.len(), 3, "{api:?}");
    assert!(api.iter().all(|n| n.starts_with("dicps-api-6c8d7b9f5-")));
    let out = crate::drill::Scenario::canned_for(
        &h.state.ctx.canned,
        "kubectl get pods -n identity-platform -l app=dicps-api",
        std::time::Duration::from_secs(13 * 60),
    )
    .unwrap();
    for name in &api {
        assert!(out.output.contains(name), "{name} not in:\n{}", out.output);
    }
    assert!(
        !h.state
            .observed
            .alerts
            .iter()
            .any(|a| a.alertname == "APIDown" || a.alertname == "PodCrashLooping")
    );
    let k = kinds(&h);
    assert!(k.contains(&"alert_resolved"));
}

#[test]
fn terminate_quits() {
    let mut h = Harness::drill();
    assert_eq!(h.send(Msg::Terminate("SIGTERM")), vec![Effect::Quit]);
}

#[test]
fn injects_update_the_view_and_record_what_matters() {
    let mut h = Harness::drill();
    h.run_injects_until(300);
    let crash = &h.state.observed.pods[0];
    assert_eq!(
        crash.status, "CrashLoopBackOff",
        "pods in trouble sort first"
    );
    assert!(
        h.state
            .observed
            .alerts
            .iter()
            .any(|a| a.alertname == "PodCrashLooping")
    );
    assert_eq!(
        h.state.observed.alerts[0].alertname, "PodCrashLooping",
        "newest critical first"
    );
    let err = h
        .state
        .observed
        .figures
        .iter()
        .find(|f| f.name == "Error rate")
        .unwrap();
    assert_eq!(err.value, 58.2);
    let k = kinds(&h);
    assert!(k.contains(&"pod_changed"));
    assert!(k.contains(&"alert_firing"));
    assert!(k.contains(&"message"));
    // The restarted pod is recorded as restarted, once.
    let restarted = h
        .records()
        .iter()
        .filter(|r| matches!(&r.event, Event::PodChanged { to, .. } if to == "restarted"))
        .count();
    assert_eq!(restarted, 1);
}

#[test]
fn replay_gives_the_state_lived_through() {
    let mut h = Harness::drill();
    h.run_injects_until(50);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char('k'));
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char('n'));
    h.keys("first line");
    h.key(KeyCode::Enter);
    h.keys("second line");
    h.ctrl('s');
    h.key(KeyCode::Char('s'));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Enter);
    h.run_injects_until(200);
    h.key(KeyCode::Char('t'));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Enter);
    let replayed = Incident::replay(&h.records());
    assert_eq!(replayed, h.state.incident);
    assert!(replayed.records.len() > 8);
    assert_eq!(replayed.severity, "P1");
    assert_eq!(replayed.status, Some(Status::Monitoring));
    assert_eq!(replayed.checked.len(), 1);
    assert!(replayed.records.iter().any(|r| r.event
        == Event::Note {
            text: "first line\nsecond line".into()
        }));
}

#[test]
fn focus_and_movement_stay_in_bounds() {
    let mut h = Harness::drill();
    assert_eq!(h.state.ui.focus, Pane::Checklist);
    // Tab follows the layout's reading order: the default layout at 120x40.
    let order = crate::ui::focus_order(&h.state);
    assert_eq!(
        order,
        vec![
            Pane::Pods,
            Pane::Alerts,
            Pane::Timeline,
            Pane::Checklist,
            Pane::Timers,
            Pane::Resources
        ]
    );
    h.key(KeyCode::Tab);
    assert_eq!(h.state.ui.focus, Pane::Timers);
    h.key(KeyCode::BackTab);
    h.key(KeyCode::BackTab);
    assert_eq!(h.state.ui.focus, Pane::Timeline);
    h.key(KeyCode::Tab);
    h.key(KeyCode::End);
    let n = h.state.ctx.procedure().steps().count();
    assert_eq!(h.state.ui.step, n - 1);
    h.key(KeyCode::Char('j'));
    assert_eq!(h.state.ui.step, n - 1);
    h.key(KeyCode::Char('g'));
    assert_eq!(h.state.ui.step, 0);
    h.key(KeyCode::Char('k'));
    assert_eq!(h.state.ui.step, 0);
    // Timeline: up scrolls away from the newest, G follows again.
    for _ in 0..3 {
        h.key(KeyCode::Char('n'));
        h.keys("x");
        h.ctrl('s');
    }
    h.state.ui.focus = Pane::Timeline;
    h.key(KeyCode::Char('k'));
    h.key(KeyCode::Char('k'));
    assert_eq!(h.state.ui.timeline_scroll, 2);
    h.key(KeyCode::Char('G'));
    assert_eq!(h.state.ui.timeline_scroll, 0);
}

#[test]
fn help_opens_and_closes() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('?'));
    assert!(matches!(h.state.ui.modal, Some(Modal::Help { .. })));
    h.key(KeyCode::Char('j'));
    assert!(matches!(h.state.ui.modal, Some(Modal::Help { scroll: 1 })));
    h.key(KeyCode::Esc);
    assert!(h.state.ui.modal.is_none());
}

#[test]
fn enter_opens_the_run_dialog() {
    let mut h = Harness::drill();
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Enter);
    assert!(
        matches!(h.state.ui.modal, Some(Modal::Run(_))),
        "{:?}",
        h.state.ui.flash
    );
}

mod runs {
    use super::*;
    use crate::command::resolve::Program;
    use crate::state::runs::RunStatus;
    use crate::state::ui::RunStage;

    fn live() -> Harness {
        let mut h = Harness::drill();
        h.state.ctx.drill = false;
        h
    }

    fn spawned(fx: &[Effect]) -> Vec<Vec<String>> {
        fx.iter()
            .filter_map(|f| match f {
                Effect::Spawn(s) => Some(s.program.argv()),
                _ => None,
            })
            .collect()
    }

    fn started(h: &Harness) -> Vec<Event> {
        h.records()
            .into_iter()
            .filter(|r| r.event.kind() == "command_started")
            .map(|r| r.event)
            .collect()
    }

    fn stage(h: &Harness) -> RunStage {
        match &h.state.ui.modal {
            Some(Modal::Run(d)) => d.stage.clone(),
            other => panic!("no run dialog: {other:?}"),
        }
    }

    #[test]
    fn read_runs_on_enter_after_its_start_is_recorded() {
        let mut h = live();
        h.select_step("pod-status");
        assert!(
            h.key(KeyCode::Enter).is_empty(),
            "Enter on the step opens the dialog"
        );
        let fx = h.key(KeyCode::Enter);
        assert_eq!(
            spawned(&fx),
            vec![vec![
                "kubectl",
                "get",
                "pods",
                "-n",
                "identity-platform",
                "-l",
                "app=dicps-api"
            ]]
        );
        let ev = started(&h);
        assert!(
            matches!(&ev[0], Event::CommandStarted { confirmation, risk, drill: false, .. } if confirmation == "enter" && risk == "read")
        );
        assert_eq!(h.state.runs.list[0].status, RunStatus::Running);
        assert_eq!(
            h.state.ui.focus,
            Pane::Checklist,
            "focus stays on the checklist"
        );
    }

    #[test]
    fn change_needs_an_explicit_y() {
        let mut h = live();
        h.select_step("rollback");
        h.key(KeyCode::Enter);
        assert!(h.key(KeyCode::Enter).is_empty());
        assert!(matches!(stage(&h), RunStage::Confirm { .. }));
        assert!(h.key(KeyCode::Char('n')).is_empty(), "n refuses");
        assert_eq!(stage(&h), RunStage::Edit);
        h.key(KeyCode::Enter);
        assert!(h.key(KeyCode::Enter).is_empty(), "Enter is not y");
        h.key(KeyCode::Enter);
        let fx = h.key(KeyCode::Char('y'));
        assert_eq!(spawned(&fx).len(), 1);
        assert!(
            matches!(&started(&h)[0], Event::CommandStarted { confirmation, .. } if confirmation == "y")
        );
    }

    #[test]
    fn destructive_needs_the_target_typed_back() {
        let mut h = live();
        // The guard alone (the two-person rule has its own tests).
        h.state.ctx.approval = crate::command::approval::Policy::nobody();
        h.select_step("restart-pods");
        h.key(KeyCode::Enter);
        h.key(KeyCode::Enter);
        h.keys("y");
        assert!(h.key(KeyCode::Enter).is_empty(), "y is not the target");
        assert!(matches!(
            stage(&h),
            RunStage::Confirm { error: Some(_), .. }
        ));
        assert!(started(&h).is_empty());
        for _ in 0..3 {
            h.key(KeyCode::Backspace);
        }
        h.keys("restart-pods");
        let fx = h.key(KeyCode::Enter);
        assert_eq!(spawned(&fx).len(), 1);
        assert!(
            matches!(&started(&h)[0], Event::CommandStarted { confirmation, risk, .. } if confirmation == "typed restart-pods" && risk == "destructive")
        );
    }

    #[test]
    fn read_only_refuses_everything_but_read() {
        let mut h = live();
        h.state.ctx.read_only = true;
        for step in ["rollback", "restart-pods"] {
            h.select_step(step);
            h.key(KeyCode::Enter);
            h.key(KeyCode::Enter);
            h.keys("y");
            h.keys(step);
            assert!(h.key(KeyCode::Enter).is_empty());
            h.key(KeyCode::Esc);
            h.key(KeyCode::Esc);
        }
        assert!(started(&h).is_empty());
        h.select_step("pod-status");
        h.key(KeyCode::Enter);
        assert_eq!(spawned(&h.key(KeyCode::Enter)).len(), 1);
    }

    /// Decided: a `--read-only` seat may run a change as a server-side
    /// dry run (Ctrl-D): the API server checks it and persists nothing,
    /// which is what a seat that must not change anything is for. The
    /// change itself stays refused.
    #[test]
    fn read_only_seats_may_dry_run_a_change_on_the_server_and_nothing_more() {
        let mut h = live();
        h.state.ctx.read_only = true;
        h.select_step("rollback");
        h.key(KeyCode::Enter);
        let argv = spawned(&h.ctrl('d'));
        assert_eq!(argv.len(), 1);
        assert_eq!(argv[0].last().unwrap(), "--dry-run=server");
        h.key(KeyCode::Enter);
        h.keys("y");
        assert!(
            h.key(KeyCode::Enter).is_empty(),
            "the change itself is refused"
        );
        let started = started(&h);
        assert_eq!(started.len(), 1);
        assert!(matches!(
            &started[0],
            Event::CommandStarted { dry_run: true, .. }
        ));
    }

    #[test]
    fn a_drill_run_spawns_no_process_and_is_marked() {
        let mut h = Harness::drill();
        h.state.ctx.approval = crate::command::approval::Policy::nobody();
        for (step, confirm) in [
            ("pod-status", ""),
            ("rollback", "y"),
            ("restart-pods", "restart-pods"),
        ] {
            h.select_step(step);
            h.key(KeyCode::Enter);
            let mut fx = h.key(KeyCode::Enter);
            h.keys(confirm);
            if confirm.len() > 1 {
                fx.extend(h.key(KeyCode::Enter));
            }
            assert!(spawned(&fx).is_empty());
        }
        let recs = h.records();
        let kinds: Vec<_> = recs
            .iter()
            .map(|r| r.event.kind())
            .filter(|k| k.starts_with("command"))
            .collect();
        assert_eq!(kinds.len(), 6, "{kinds:?}");
        assert!(recs.iter().all(|r| match &r.event {
            Event::CommandStarted { drill, .. } | Event::CommandFinished { drill, .. } => *drill,
            _ => true,
        }));
        assert!(h.state.runs.list.iter().all(|r| r.spec.is_none()));
    }

    #[test]
    fn a_start_that_cannot_be_recorded_never_runs() {
        let mut h = live();
        h.select_step("pod-status");
        h.key(KeyCode::Enter);
        let fx = h.send_held(Msg::Key(KeyEvent::from(KeyCode::Enter)));
        let Some(Effect::Append(ev)) = fx.into_iter().next() else {
            panic!("expected the start record")
        };
        let fx = h.send(Msg::NotRecorded {
            event: Box::new(ev),
            error: "disk full".into(),
        });
        assert!(spawned(&fx).is_empty());
        assert!(matches!(h.state.runs.list[0].status, RunStatus::Done(_)));
        assert!(h.state.runs.list[0].spec.is_none());
    }

    /// The text of a frame of the state at 120x40, row by row.
    fn screen(h: &Harness) -> String {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
        term.draw(|f| {
            crate::ui::draw(&h.state, f);
        })
        .unwrap();
        let buf = term.backend().buffer();
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
                    + "\n"
            })
            .collect()
    }

    /// Nothing a run records or shows holds a secret: the value of a
    /// `secret: true` parameter and what the playbook's `redact:` patterns
    /// match are `[redacted]` in the dialog (its command and its argv word
    /// by word), in the recorded command and argv, and in the run the
    /// output pane lists; the process alone gets the real values, and its
    /// output goes through the same redactor.
    #[test]
    fn secrets_are_redacted_in_what_a_run_records_and_shows_but_not_in_what_runs() {
        let mut h = live();
        h.run_injects_until(20);
        // The playbook says: the pod's name is a secret, and so is
        // anything matching `identity-platform` (its namespace).
        let mut pb = (*h.state.ctx.playbook).clone();
        pb.redact
            .push(crate::playbook::model::At::new("identity-platform".into()));
        let mut marked = 0;
        for step in pb
            .procedures
            .iter_mut()
            .flat_map(|p| p.phases.iter_mut())
            .flat_map(|p| p.steps.iter_mut())
            .filter(|st| st.id.value == "db-env")
        {
            if let Some(p) = step.command.as_mut().and_then(|c| c.params.get_mut("pod")) {
                p.secret = true;
                marked += 1;
            }
        }
        assert!(marked > 0, "the playbook has the db-env step");
        h.state.ctx.redactor = crate::session::playbook_redactor(&pb);
        h.state.ctx.playbook = std::sync::Arc::new(pb);
        h.state.ui.pod = 0;
        let pod = h.state.observed.pods[0].name.clone();
        h.select_step("db-env");
        h.key(KeyCode::Enter);
        let Some(Modal::Run(d)) = &h.state.ui.modal else {
            panic!("no run dialog")
        };
        assert!(d.params[0].secret, "the dialog knows the value is secret");
        assert_eq!(d.params[0].value.as_str(), pod);
        // What a proposal under the two-person rule would show and record.
        let Some(cur) = crate::view::approvals::current(&h.state, d) else {
            panic!("the command resolves")
        };
        assert_eq!(cur.params["pod"], "***");
        assert!(cur.hidden, "says that something is hidden");
        for text in std::iter::once(&cur.command)
            .chain(&cur.argv)
            .chain(std::iter::once(&cur.target))
        {
            assert!(
                !text.contains(&pod) && !text.contains("identity-platform"),
                "a secret in the proposal: {text}"
            );
        }
        // The dialog's command, then its argv word by word (Ctrl-D).
        let shown = screen(&h);
        assert!(shown.contains("This exact command will run"), "{shown}");
        assert!(h.ctrl('d').is_empty());
        assert_eq!(stage(&h), RunStage::Preview);
        let preview = screen(&h);
        assert!(preview.contains("argv, word by word"), "{preview}");
        // The dialog's rows (the pods pane above it lists the pod, as it
        // should).
        let dialog = |s: &str| -> String {
            s.lines()
                .skip_while(|l| !l.contains("┌ Run:"))
                .take_while(|l| !l.contains("Esc close"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        for s in [&shown, &preview] {
            let d = dialog(s);
            assert!(d.contains("[redacted]"), "{s}");
            assert!(
                !d.contains(&pod) && !d.contains("identity-platform"),
                "a secret in the run dialog:\n{d}"
            );
        }
        // Any key leaves the preview for the parameters; Enter runs it.
        h.key(KeyCode::Enter);
        let fx = h.key(KeyCode::Enter);
        // What runs has the real values.
        let argv = spawned(&fx);
        assert_eq!(argv.len(), 1);
        assert!(
            argv[0]
                .iter()
                .any(|w| w.contains(&pod) && w.contains("identity-platform")),
            "{argv:?}"
        );
        // What is recorded, and listed, does not.
        let started = started(&h);
        let Some(Event::CommandStarted { command, argv, .. }) = started.first() else {
            panic!("no start recorded: {started:?}")
        };
        for text in std::iter::once(command)
            .chain(argv)
            .chain(std::iter::once(&h.state.runs.list[0].display))
        {
            assert!(
                !text.contains(&pod) && !text.contains("identity-platform"),
                "a secret recorded: {text}"
            );
        }
        assert!(command.contains("[redacted]"), "{command}");
        assert!(argv.iter().any(|w| w.contains("[redacted]")), "{argv:?}");
        // The run's output goes through the same redactor.
        let Some(spec) = fx.iter().find_map(|f| match f {
            Effect::Spawn(spec) => Some(spec),
            _ => None,
        }) else {
            panic!("the run is spawned")
        };
        let line = format!("connected to {pod} in identity-platform");
        assert_eq!(
            spec.redactor.line(&line),
            "connected to [redacted] in [redacted]"
        );
    }

    #[test]
    fn parameters_come_from_the_incident_and_are_validated() {
        let mut h = live();
        h.run_injects_until(20);
        // The selected pod fills `from: pod`.
        h.state.ui.pod = 0;
        let pod = h.state.observed.pods[0].name.clone();
        h.select_step("db-env");
        h.key(KeyCode::Enter);
        let Some(Modal::Run(d)) = &h.state.ui.modal else {
            panic!()
        };
        assert_eq!(d.params[0].value.as_str(), pod);
        assert_eq!(d.params[0].source.as_deref(), Some("pod"));
        let Ok(r) = &d.resolved else {
            panic!("{:?}", d.resolved)
        };
        assert_eq!(
            r.program,
            Program::Shell(format!(
                "kubectl exec -n identity-platform '{pod}' -- env | grep DB_"
            ))
        );
        // A value that breaks the pattern is refused with the reason.
        h.keys("; rm -rf /");
        let Some(Modal::Run(d)) = &h.state.ui.modal else {
            panic!()
        };
        assert!(d.params[0].error.as_deref().unwrap().contains("must match"));
        assert!(h.key(KeyCode::Enter).is_empty());
        assert!(
            h.state
                .ui
                .flash
                .as_ref()
                .unwrap()
                .text
                .contains("Cannot run yet")
        );
        assert!(started(&h).is_empty());
    }

    #[test]
    fn dry_run_offers_server_side_dry_run_for_kubectl_changes() {
        let mut h = live();
        h.select_step("rollback");
        h.key(KeyCode::Enter);
        let fx = h.ctrl('d');
        let argv = spawned(&fx);
        assert_eq!(argv[0].last().unwrap(), "--dry-run=server");
        assert!(
            matches!(&started(&h)[0], Event::CommandStarted { dry_run: true, risk, .. } if risk == "read")
        );
        // Still in the dialog, to run it for real afterwards.
        assert!(matches!(h.state.ui.modal, Some(Modal::Run(_))));
        // For other commands the dry-run key shows the argv.
        h.key(KeyCode::Esc);
        h.select_step("verify-outage");
        h.key(KeyCode::Enter);
        assert!(h.ctrl('d').is_empty());
        assert_eq!(stage(&h), RunStage::Preview);
    }

    #[test]
    fn output_and_the_end_are_recorded() {
        use crate::command::run::{Line, Outcome, Stream};
        let mut h = live();
        h.select_step("pod-status");
        h.key(KeyCode::Enter);
        h.key(KeyCode::Enter);
        let id = h.state.runs.list[0].id.clone();
        let lines = (0..20)
            .map(|i| Line {
                stream: Stream::Out,
                text: format!("line {i}"),
            })
            .collect();
        h.send(Msg::RunOutput {
            run: id.clone(),
            lines,
            dropped: 0,
            taken: crate::command::run::Taken::none(),
        });
        h.send(Msg::RunExited {
            run: id.clone(),
            outcome: Outcome::Exited(1),
            duration: std::time::Duration::from_millis(1500),
        });
        let last = h.records().pop().unwrap();
        let Event::CommandFinished {
            exit,
            duration_ms,
            first_lines,
            last_lines,
            outcome,
            ..
        } = last.event
        else {
            panic!("{last:?}")
        };
        assert_eq!(
            (exit, duration_ms, outcome.as_str()),
            (Some(1), 1500, "exit 1")
        );
        assert_eq!(first_lines.len(), 5);
        assert_eq!(last_lines.last().unwrap(), "line 19");
        assert_eq!(
            h.state.incident.runs[&id].outcome.as_deref(),
            Some("exit 1")
        );
        // Cancel asks the loop to stop only a running run.
        h.state.ui.focus = Pane::Output;
        assert!(h.key(KeyCode::Char('x')).is_empty());
    }
}

mod record_keeping {
    use super::*;
    use crate::state::ui::PickKind;

    fn pick(h: &mut Harness, key: char, id: &str) {
        h.key(KeyCode::Char(key));
        let Some(Modal::Pick { kind, .. }) = &h.state.ui.modal else {
            panic!("no picker for {key}: {:?}", h.state.ui.flash)
        };
        let items = picker_items(&h.state, *kind);
        let i = items
            .iter()
            .position(|x| x == id)
            .unwrap_or_else(|| panic!("{id} not in {items:?}"));
        for _ in 0..i {
            h.key(KeyCode::Down);
        }
        h.key(KeyCode::Enter);
    }

    #[test]
    fn clocks_fall_due_once_and_are_acknowledged() {
        let mut h = Harness::drill();
        h.advance(1);
        let due: Vec<_> = h
            .records()
            .into_iter()
            .filter(|r| r.event.kind() == "timer_due")
            .collect();
        // Whom to page falls due at the declaration.
        assert_eq!(due.len(), 1, "{due:?}");
        assert!(
            matches!(&due[0].event, Event::TimerDue { label, .. } if label.starts_with("Page ")),
            "{due:?}"
        );
        h.advance(14 * 60);
        assert_eq!(
            h.records()
                .iter()
                .filter(|r| r.event.kind() == "timer_due")
                .count(),
            1
        );
        h.advance(61);
        let due: Vec<_> = h
            .records()
            .into_iter()
            .filter(|r| r.event.kind() == "timer_due")
            .collect();
        // The response time, the first phase's time box, the status page cadence.
        assert_eq!(due.len(), 4, "{due:?}");
        h.advance(1);
        h.advance(1);
        assert_eq!(
            h.records()
                .iter()
                .filter(|r| r.event.kind() == "timer_due")
                .count(),
            4,
            "once each"
        );
        assert_eq!(unacknowledged(&h.state).len(), 4);
        h.key(KeyCode::Char('a'));
        assert_eq!(unacknowledged(&h.state).len(), 3);
        h.key(KeyCode::Char('a'));
        h.key(KeyCode::Char('a'));
        h.key(KeyCode::Char('a'));
        h.key(KeyCode::Char('a'));
        assert!(
            h.state
                .ui
                .flash
                .as_ref()
                .unwrap()
                .text
                .contains("Nothing is due")
        );
        assert_eq!(
            h.records()
                .iter()
                .filter(|r| r.event.kind() == "timer_acknowledged")
                .count(),
            4
        );
    }

    #[test]
    fn roles_are_assigned_and_the_ic_handed_over() {
        let mut h = Harness::drill();
        pick(&mut h, 'r', "ic");
        let Some(Modal::Prompt { value, .. }) = &h.state.ui.modal else {
            panic!()
        };
        assert_eq!(value.text(), "drill IC", "the current holder to edit");
        for _ in 0..8 {
            h.key(KeyCode::Backspace);
        }
        h.keys("Bo Chen");
        h.key(KeyCode::Enter);
        assert_eq!(h.state.incident.ic, "Bo Chen");
        pick(&mut h, 'r', "tech-lead");
        h.keys("Ana");
        h.key(KeyCode::Enter);
        assert_eq!(h.state.incident.roles["tech-lead"], "Ana");
        let kinds: Vec<_> = h.records().iter().map(|r| r.event.kind()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "role_assigned").count(), 2);
    }

    #[test]
    fn a_condition_starts_its_clocks_and_marks_are_recorded() {
        let mut h = Harness::drill();
        pick(&mut h, 'C', "data-breach-confirmed");
        assert!(
            h.state
                .incident
                .conditions
                .contains_key("data-breach-confirmed")
        );
        h.advance(1);
        let due: Vec<String> = h
            .records()
            .into_iter()
            .filter_map(|r| match r.event {
                Event::TimerDue { label, .. } => Some(label),
                _ => None,
            })
            .collect();
        assert!(
            due.iter().any(|l| l.contains("Notify CEO, Legal, PR")),
            "{due:?}"
        );
        pick(&mut h, 'C', "data-breach-confirmed");
        assert!(
            h.state
                .ui
                .flash
                .as_ref()
                .unwrap()
                .text
                .contains("already set")
        );
        pick(&mut h, 'm', "root_cause_identified");
        assert!(h.state.incident.marks.contains_key("root_cause_identified"));
    }

    #[test]
    fn the_ic_says_when_the_problem_was_detected() {
        let mut h = Harness::drill();
        h.advance(600);
        pick(&mut h, 'm', "detected");
        let Some(Modal::Prompt { value, .. }) = &h.state.ui.modal else {
            panic!("{:?}", h.state.ui.modal)
        };
        // No alert recorded yet: now is offered.
        assert_eq!(value.text(), "13:10");
        for _ in 0..5 {
            h.key(KeyCode::Backspace);
        }
        h.keys("soon");
        h.key(KeyCode::Enter);
        assert!(
            h.state
                .ui
                .flash
                .as_ref()
                .unwrap()
                .text
                .contains("expected now")
        );
        assert!(matches!(h.state.ui.modal, Some(Modal::Prompt { .. })));
        for _ in 0..4 {
            h.key(KeyCode::Backspace);
        }
        h.keys("12:52");
        h.key(KeyCode::Enter);
        let at = crate::testkit::t0() - chrono::TimeDelta::minutes(8);
        assert_eq!(h.state.incident.detected_at, Some(at));
        let last = h.records().pop().unwrap();
        assert!(
            matches!(last.event, Event::Marked { ref mark, when: Some(w), .. } if mark == "detected" && w == at),
            "{last:?}"
        );
        assert_eq!(last.event.summary(), "◆ Detection at 2026-11-22 12:52 UTC");
    }

    #[test]
    fn a_communication_is_filled_edited_sent_and_resets_the_cadence() {
        let mut h = Harness::drill();
        pick(&mut h, 'c', "status-page");
        let Some(Modal::Comms { editor, .. }) = &h.state.ui.modal else {
            panic!()
        };
        let text = editor.lines().join("\n");
        assert!(
            text.contains("Status: Investigating") && text.contains("[impact]"),
            "{text}"
        );
        // Unfilled: said first (issue 14); the same text again goes.
        assert!(h.ctrl('s').is_empty(), "not sent with [impact] unfilled");
        let flash = h.state.ui.flash.clone().unwrap();
        assert!(
            flash.text.contains("NOT SENT: unfilled [impact]"),
            "{}",
            flash.text
        );
        assert!(matches!(h.state.ui.modal, Some(Modal::Comms { .. })));
        let fx = h.ctrl('s');
        let [Effect::SendComms { template, text }] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        assert_eq!(template, "status-page");
        // The loop wrote it; the record follows.
        h.send(Msg::CommsWritten {
            template: template.clone(),
            text: text.clone(),
            file: Some("/x/comms/1-status-page.md".into()),
            error: None,
        });
        assert_eq!(h.state.incident.comms["status-page"], h.now);
        // A failed write records nothing and says so.
        h.send(Msg::CommsWritten {
            template: "status-page".into(),
            text: "x".into(),
            file: None,
            error: Some("disk full".into()),
        });
        assert!(h.state.ui.flash.as_ref().unwrap().error);
        assert_eq!(
            h.records()
                .iter()
                .filter(|r| r.event.kind() == "comms_sent")
                .count(),
            1
        );
        let _ = PickKind::Template;
    }

    /// A template's fields a person must fill are said before it goes out
    /// (issue 14: a status page went out with `Impact: [impact]`); filled,
    /// it goes at once; changed after the warning, it is checked again.
    #[test]
    fn unfilled_fields_are_said_before_a_communication_goes_out() {
        let mut h = Harness::drill();
        pick(&mut h, 'c', "status-page");
        let set = |h: &mut Harness, f: &dyn Fn(&str) -> String| {
            let Some(Modal::Comms { editor, .. }) = &mut h.state.ui.modal else {
                panic!()
            };
            let text = f(&editor.lines().join("\n"));
            **editor = Text::multiline("t").with_text(&text);
        };
        assert!(h.ctrl('s').is_empty());
        set(&mut h, &|t| format!("{t}\nOne more line"));
        assert!(h.ctrl('s').is_empty(), "changed: checked again");
        set(&mut h, &|t| {
            t.replace("[impact]", "logins fail for 30 % of users")
        });
        let fx = h.ctrl('s');
        let [Effect::SendComms { text, .. }] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        assert!(text.contains("logins fail"), "{text}");
        // The breach notice's own `[Specific data types]` counts; its
        // subject's `[RESOLVED]`-like tags do not.
        let t = h
            .state
            .ctx
            .playbook
            .templates
            .iter()
            .find(|t| t.body.contains("[Specific data types]"))
            .cloned()
            .expect("the breach notice");
        let ph = crate::comms::placeholders(&h.state, &t);
        assert!(ph.contains(&"[Specific data types]".to_string()), "{ph:?}");
        if let Some(resolved) = h.state.ctx.playbook.templates.iter().find(|t| {
            t.subject
                .as_deref()
                .is_some_and(|s| s.contains("[RESOLVED]"))
        }) {
            let ph = crate::comms::placeholders(&h.state, resolved);
            assert!(!ph.contains(&"[RESOLVED]".to_string()), "{ph:?}");
        }
    }

    #[test]
    fn a_viewer_cannot_record() {
        let mut h = Harness::drill();
        h.state.ctx.viewer = true;
        h.key(KeyCode::Char(' '));
        h.key(KeyCode::Char('r'));
        h.key(KeyCode::Char('a'));
        h.advance(20 * 60);
        assert_eq!(h.records().len(), 1, "only the declaration");
    }
}

#[test]
fn the_mouse_focuses_selects_and_scrolls() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut h = Harness::drill();
    let click = |kind, column, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let placed = crate::ui::placement(&h.state);
    let cl = placed.get(crate::ui::layout::PaneId::Checklist).unwrap();
    // The third row of the list is the second step (row 1 is a phase).
    h.state.ui.focus = Pane::Timeline;
    h.send(click(
        MouseEventKind::Down(MouseButton::Left),
        cl.x + 3,
        cl.y + 3,
    ));
    assert_eq!(h.state.ui.focus, Pane::Checklist);
    assert_eq!(h.state.ui.step, 1);
    let tl = placed.get(crate::ui::layout::PaneId::Timeline).unwrap();
    for _ in 0..3 {
        h.key(KeyCode::Char('n'));
        h.keys("x");
        h.ctrl('s');
    }
    h.send(click(MouseEventKind::ScrollUp, tl.x + 2, tl.y + 2));
    assert_eq!(
        h.state.ui.timeline_scroll, 3,
        "the wheel scrolls the pane under it"
    );
    assert_eq!(h.state.ui.focus, Pane::Checklist, "without taking focus");
}

mod live_pods {
    use super::*;
    use crate::state::Pod;
    use crate::state::kube::{KubeUpdate, Link};
    use crate::state::ui::PodSort;
    use chrono::TimeDelta;

    fn pod(name: &str, ready: &str, status: &str, restarts: u32) -> Pod {
        Pod {
            name: name.into(),
            ready: ready.into(),
            status: status.into(),
            restarts,
            last_restart: None,
            created: crate::testkit::t0() - TimeDelta::days(2),
            node: Some("node-a".into()),
            phase: Some("Running".into()),
        }
    }

    fn synced() -> Harness {
        let mut h = Harness::live_kube();
        h.send(Msg::Kube(KubeUpdate::Synced(vec![
            pod("api-1", "1/1", "Running", 0),
            pod("api-2", "1/1", "Running", 7),
            pod("api-3", "1/1", "Running", 2),
        ])));
        h
    }

    #[test]
    fn a_namespace_shows_the_pods_pane_and_not_the_alerts_pane() {
        let h = Harness::live_kube();
        let order = crate::ui::focus_order(&h.state);
        assert!(order.contains(&Pane::Pods));
        assert!(!order.contains(&Pane::Alerts), "alerts have their own flag");
        let v = h.state.observed.kube.as_ref().unwrap();
        assert_eq!(v.target, "identity-platform app=dicps-api");
        let d = Harness::drill();
        let order = crate::ui::focus_order(&d.state);
        assert!(order.contains(&Pane::Pods) && order.contains(&Pane::Alerts));
    }

    #[test]
    fn watch_events_reach_the_state_and_the_record_once() {
        let mut h = synced();
        assert_eq!(
            kinds(&h),
            vec!["declared"],
            "the first sync records nothing"
        );
        h.now += TimeDelta::seconds(5);
        h.send(Msg::Kube(KubeUpdate::Applied(pod(
            "api-1",
            "0/1",
            "CrashLoopBackOff",
            1,
        ))));
        assert_eq!(h.state.observed.pods[0].status, "CrashLoopBackOff");
        assert_eq!(kinds(&h), vec!["declared", "pod_changed", "ready_changed"]);
        // The same state again (a resync, a restart count) is not a record.
        h.send(Msg::Kube(KubeUpdate::Applied(pod(
            "api-1",
            "0/1",
            "CrashLoopBackOff",
            2,
        ))));
        assert_eq!(h.records().len(), 3);
        // Recovered for long enough: recorded on the clock.
        h.send(Msg::Kube(KubeUpdate::Applied(pod(
            "api-1", "1/1", "Running", 2,
        ))));
        h.advance(10);
        // The clock's first tick records whom to page (due since the
        // declaration); the recovery is not recorded yet.
        assert_eq!(
            kinds(&h),
            vec!["declared", "pod_changed", "ready_changed", "timer_due"]
        );
        h.advance(30);
        let last = h.records().last().unwrap().event.summary();
        assert_eq!(
            last,
            "recovered: ready identity-platform app=dicps-api: 2/3 → 3/3"
        );
        assert_eq!(h.state.incident.pods_ready, Some((3, 3)));
        assert_eq!(h.state.incident.lowest_ready.map(|l| l.0), Some((2, 3)));
    }

    #[test]
    fn a_failure_is_shown_with_its_retry_time() {
        let mut h = synced();
        h.send(Msg::Kube(KubeUpdate::Failed {
            error: "cannot reach https://10.0.0.1:6443: connection refused".into(),
            retry_in: std::time::Duration::from_secs(8),
        }));
        let v = h.state.observed.kube.as_ref().unwrap();
        assert!(
            matches!(&v.link, Link::Failing { retry_at, .. } if *retry_at == h.now + TimeDelta::seconds(8))
        );
        assert_eq!(h.state.observed.pods.len(), 3, "the last known pods stay");
    }

    #[test]
    fn sort_by_restarts_and_filter_with_slash() {
        let mut h = synced();
        h.state.ui.focus = Pane::Pods;
        let names = |h: &Harness| -> Vec<String> {
            pods_shown(&h.state)
                .iter()
                .map(|p| p.name.clone())
                .collect()
        };
        assert_eq!(names(&h), vec!["api-1", "api-2", "api-3"]);
        h.key(KeyCode::Char('o'));
        assert_eq!(h.state.ui.pod_sort, PodSort::Restarts);
        assert_eq!(names(&h), vec!["api-2", "api-3", "api-1"]);
        h.key(KeyCode::Char('/'));
        h.keys("i-3");
        assert!(matches!(h.state.ui.modal, Some(Modal::PodFilter)));
        assert_eq!(names(&h), vec!["api-3"]);
        // Keys are text while typing: q does not quit.
        h.key(KeyCode::Char('q'));
        assert_eq!(h.state.ui.pod_filter.as_str(), "i-3q");
        assert!(names(&h).is_empty());
        h.key(KeyCode::Backspace);
        h.key(KeyCode::Enter);
        assert!(h.state.ui.modal.is_none());
        assert_eq!(names(&h), vec!["api-3"]);
        // The run dialog's `pod` placeholder takes the pod as shown.
        assert_eq!(pods_shown(&h.state)[h.state.ui.pod].name, "api-3");
        h.key(KeyCode::Esc);
        assert_eq!(names(&h).len(), 3, "Esc in the pane clears the filter");
        h.key(KeyCode::Char('/'));
        h.keys("running");
        h.key(KeyCode::Esc);
        assert!(h.state.ui.pod_filter.is_empty() && h.state.ui.modal.is_none());
        h.key(KeyCode::Char('o'));
        assert_eq!(h.state.ui.pod_sort, PodSort::Status);
    }

    #[test]
    fn selection_stays_on_the_list_when_pods_go() {
        let mut h = synced();
        h.state.ui.focus = Pane::Pods;
        h.key(KeyCode::Char('G'));
        assert_eq!(h.state.ui.pod, 2);
        h.send(Msg::Kube(KubeUpdate::Deleted("api-3".into())));
        assert_eq!(h.state.ui.pod, 1);
    }
}

mod drills {
    use super::*;
    use crate::session::Seat;
    use crate::timeline::ClockChange;
    use chrono::TimeDelta;

    fn count(h: &Harness, kind: &str) -> usize {
        h.records()
            .iter()
            .filter(|r| r.event.kind() == kind)
            .count()
    }

    #[test]
    fn a_due_inject_is_recorded_once_then_what_it_did() {
        let mut h = Harness::drill();
        h.now += TimeDelta::seconds(15);
        // Inject 0: a pod goes into CrashLoopBackOff.
        h.send(Msg::InjectDue(0));
        h.send(Msg::InjectDue(0));
        assert_eq!(kinds(&h), vec!["declared", "inject_fired", "pod_changed"]);
        assert_eq!(
            h.state.observed.pods[0].status, "CrashLoopBackOff",
            "observed from the record"
        );
        assert!(h.state.incident.fired.contains_key(&0));
        let rec = &h.records()[1];
        assert!(
            matches!(&rec.event, Event::InjectFired { inject: Some(0), drill_ms: 15_000, summary, .. } if summary.contains("CrashLoopBackOff")),
            "{rec:?}"
        );
    }

    #[test]
    fn two_seats_propose_the_same_inject_and_observe_the_same_thing() {
        let mut a = Harness::drill();
        let mut b = a.join("bo@bastion-2", Seat::Join);
        a.now += TimeDelta::seconds(15);
        b.now = a.now;
        b.send(Msg::InjectDue(0));
        a.send(Msg::InjectDue(0));
        b.follow();
        assert_eq!(count(&a, "inject_fired"), 1);
        assert_eq!(count(&a, "pod_changed"), 1, "what it did, once");
        assert_eq!(a.state.observed.pods, b.state.observed.pods);
        assert!(a.state.ui.injects_pending.is_empty());
        // A viewer proposes nothing but sees it all.
        let mut v = a.join("vi@bastion-3", Seat::Viewer);
        assert_eq!(v.state.observed.pods, a.state.observed.pods);
        v.send(Msg::InjectDue(1));
        assert_eq!(count(&a, "inject_fired"), 1);
    }

    #[test]
    fn a_joining_seat_rebuilds_what_the_script_did_from_the_record() {
        let mut a = Harness::drill();
        a.run_injects_until(200);
        let b = a.join("bo@bastion-2", Seat::Join);
        assert_eq!(b.state.observed.pods, a.state.observed.pods);
        assert_eq!(b.state.observed.alerts, a.state.observed.alerts);
        assert_eq!(b.state.observed.figures, a.state.observed.figures);
        assert_eq!(b.state.incident.fired, a.state.incident.fired);
    }

    #[test]
    fn only_the_facilitator_controls_the_clock() {
        let mut p = Harness::drill();
        p.keys("p>J");
        assert_eq!(kinds(&p), vec!["declared"], "players cannot");
        let mut f = Harness::facilitator();
        f.now += TimeDelta::seconds(10);
        let fx = f.key(KeyCode::Char('p'));
        let c = f.state.incident.drill_clock.unwrap();
        assert!(c.paused);
        assert_eq!(fx, vec![Effect::DrillClock(c)], "the source is told");
        f.now += TimeDelta::seconds(50);
        assert_eq!(f.state.incident.drill_time(f.now), TimeDelta::seconds(10));
        f.key(KeyCode::Char('p'));
        f.key(KeyCode::Char('>'));
        f.key(KeyCode::Char('>'));
        assert_eq!(f.state.incident.drill_clock.unwrap().speed, 5);
        f.key(KeyCode::Char('<'));
        assert_eq!(f.state.incident.drill_clock.unwrap().speed, 2);
        let changes: Vec<ClockChange> = f
            .records()
            .iter()
            .filter_map(|r| match &r.event {
                Event::DrillClock { change, .. } => Some(*change),
                _ => None,
            })
            .collect();
        use ClockChange::*;
        assert_eq!(changes, vec![Paused, Resumed, Speed, Speed, Speed]);
        // A player's seat follows the same clock.
        let mut p = f.join("pl@bastion-2", Seat::Join);
        p.now = f.now + TimeDelta::seconds(10);
        assert_eq!(p.state.incident.drill_time(p.now), TimeDelta::seconds(30));
    }

    #[test]
    fn jump_goes_to_the_next_inject_that_has_not_fired() {
        let mut f = Harness::facilitator();
        f.now += TimeDelta::seconds(16);
        f.send(Msg::InjectDue(0));
        f.key(KeyCode::Char('J'));
        let next = f.state.ctx.injects[1].offset();
        assert_eq!(
            f.state.incident.drill_time(f.now).to_std().unwrap(),
            next,
            "drill time is the next inject's"
        );
        assert!(matches!(
            f.records().last().unwrap().event,
            Event::DrillClock { change: ClockChange::Jumped, to_ms: Some(ms), .. } if ms == next.as_millis() as u64
        ));
    }

    #[test]
    fn an_ad_hoc_message_is_typed_and_recorded() {
        let mut f = Harness::facilitator();
        f.now += TimeDelta::seconds(42);
        f.key(KeyCode::Char('i'));
        f.keys("Legal");
        f.key(KeyCode::Enter);
        f.keys("Do we need to notify anyone?");
        f.key(KeyCode::Enter);
        let recs = f.records();
        let n = recs.len();
        assert!(matches!(
            &recs[n - 2].event,
            Event::InjectFired { inject: None, drill_ms: 42_000, from: Some(from), .. } if from == "Legal"
        ));
        assert_eq!(
            recs[n - 1].event,
            Event::Message {
                from: "Legal".into(),
                text: "Do we need to notify anyone?".into()
            }
        );
        // Players see the message, not the inject record.
        let p = f.join("pl@bastion-2", Seat::Join);
        assert!(crate::ui::timeline::shown(&p.state, &recs[n - 1]));
        assert!(!crate::ui::timeline::shown(&p.state, &recs[n - 2]));
        assert!(crate::ui::timeline::shown(&f.state, &recs[n - 2]));
    }

    /// The escalation matrix rehearsed: at 10x the playbook's first
    /// escalation (dicps P0: VP Engineering after 1 h) falls due after 6
    /// minutes of wall time and is recorded once, on drill time; a player
    /// who joins sees it due; paused, nothing more falls due.
    #[test]
    fn an_escalation_falls_due_on_drill_time() {
        let mut f = Harness::facilitator();
        f.keys(">>>");
        assert_eq!(f.state.incident.drill_clock.unwrap().speed, 10);
        let due = |h: &Harness| -> Vec<String> {
            h.records()
                .iter()
                .filter_map(|r| match &r.event {
                    // (The page reminder is due at the declaration.)
                    Event::TimerDue { label, .. } if !label.starts_with("Page ") => {
                        Some(label.clone())
                    }
                    _ => None,
                })
                .collect()
        };
        // The P0 response time (15 min) at 90 s of wall time.
        f.advance(89);
        assert!(due(&f).is_empty(), "{:?}", due(&f));
        f.advance(1);
        assert!(
            due(&f).iter().any(|l| l.starts_with("P0 response time")),
            "{:?}",
            due(&f)
        );
        // VP Engineering after an hour: 360 s of wall time.
        f.advance(269);
        assert!(!due(&f).iter().any(|l| l.contains("VP Engineering")));
        f.advance(1);
        let vp: Vec<String> = due(&f)
            .into_iter()
            .filter(|l| l.contains("Escalate to VP Engineering"))
            .collect();
        assert_eq!(vp.len(), 1, "{:?}", due(&f));
        assert_eq!(
            f.state.incident.drill_time(f.now),
            TimeDelta::hours(1),
            "at an hour of drill time"
        );
        f.advance(1);
        assert_eq!(
            due(&f)
                .iter()
                .filter(|l| l.contains("VP Engineering"))
                .count(),
            1,
            "recorded once"
        );
        // A player joining now sees it due, with the time past due in
        // drill time.
        let p = f.join("pl@bastion-2", Seat::Join);
        let t = p
            .state
            .derived
            .timers
            .iter()
            .find(|t| t.label.contains("VP Engineering"))
            .unwrap()
            .clone();
        assert_eq!(t.state(&p.state.incident, p.now), crate::clocks::State::Due);
        assert_eq!(
            crate::clocks::left(&t, &p.state.incident, p.now),
            TimeDelta::seconds(-10)
        );
        // Paused: the CTO's four hours never come.
        f.key(KeyCode::Char('p'));
        f.advance(3 * 3600);
        assert!(!due(&f).iter().any(|l| l.contains("CTO")), "{:?}", due(&f));
    }

    #[test]
    fn canned_output_follows_the_drill_clock() {
        let mut f = Harness::facilitator();
        f.now += TimeDelta::seconds(5);
        f.key(KeyCode::Char('p'));
        f.now += TimeDelta::seconds(120);
        f.select_step("pod-status");
        f.key(KeyCode::Enter);
        f.key(KeyCode::Enter);
        let out: Vec<String> = f.state.runs.list[0]
            .output
            .iter()
            .map(|l| l.text.clone())
            .collect();
        assert!(
            !out.join("\n").contains("CrashLoopBackOff"),
            "at drill time 5s, not wall time 125s: {out:?}"
        );
    }
}

/// `L` cycles through the layouts a seat can use: a player's seat never
/// lands on the facilitator's layout (a blank third of the screen there);
/// the facilitator's does.
#[test]
fn l_offers_the_facilitator_layout_to_the_facilitator_only() {
    let seen = |h: &mut Harness| {
        let mut names = Vec::new();
        for _ in 0..=h.state.ctx.layouts.len() {
            h.key(KeyCode::Char('L'));
            names.push(
                h.state
                    .ui
                    .layout
                    .map_or("auto".to_string(), |i| h.state.ctx.layouts[i].name.clone()),
            );
        }
        names
    };
    let mut player = Harness::drill();
    let names = seen(&mut player);
    assert!(!names.iter().any(|n| n == "facilitator"), "{names:?}");
    assert!(
        names.iter().any(|n| n == "auto") && names.iter().any(|n| n == "wallboard"),
        "{names:?}"
    );
    let mut facilitator = Harness::facilitator();
    let names = seen(&mut facilitator);
    assert!(names.iter().any(|n| n == "facilitator"), "{names:?}");
}

/// What went wrong with the shared store is said once when it changes; the
/// header keeps the state.
#[test]
fn a_store_error_is_flashed_once_when_it_changes() {
    use crate::timeline::Sharing;
    let mut h = crate::testkit::Harness::drill();
    let refused = |e: &str| Sharing {
        error: Some(e.into()),
        ..Default::default()
    };
    h.send(Msg::Sharing(refused("permission denied for incidents.x")));
    let f = h.state.ui.flash.take().expect("a flash");
    assert!(
        f.error && f.text.contains("Shared store: permission denied"),
        "{}",
        f.text
    );
    h.send(Msg::Sharing(refused("permission denied for incidents.x")));
    assert!(
        h.state.ui.flash.is_none(),
        "the same error again is not flashed"
    );
    h.send(Msg::Sharing(refused("not connected")));
    assert!(h.state.ui.flash.is_some());
    assert_eq!(
        h.state
            .observed
            .sharing
            .as_ref()
            .and_then(|s| s.error.as_deref()),
        Some("not connected")
    );
}

/// Esc and a key pressed quickly together arrive as Alt+key: it must
/// never run, confirm, tick or throw anything away (issue 14).
#[test]
fn an_escape_read_together_with_a_key_does_nothing() {
    let alt = |c: KeyCode| Msg::Key(KeyEvent::new(c, KeyModifiers::ALT));
    let mut h = runs_live();
    // On the checklist: no tick, no run dialog.
    assert!(h.send(alt(KeyCode::Char(' '))).is_empty());
    assert!(h.send(alt(KeyCode::Enter)).is_empty());
    assert!(h.state.ui.modal.is_none());
    assert_eq!(kinds(&h), vec!["declared"]);
    let flash = h.state.ui.flash.clone().expect("said");
    assert!(flash.text.contains("Alt-Enter"), "{}", flash.text);
    // A read step's dialog: Alt+Enter does not run it, and the dialog stays.
    h.select_step("pod-status");
    h.key(KeyCode::Enter);
    assert!(matches!(h.state.ui.modal, Some(Modal::Run(_))));
    assert!(h.send(alt(KeyCode::Enter)).is_empty(), "nothing run");
    assert!(h.send(alt(KeyCode::Char('y'))).is_empty(), "nothing run");
    assert!(matches!(h.state.ui.modal, Some(Modal::Run(_))));
    assert_eq!(kinds(&h), vec!["declared"]);
    h.key(KeyCode::Esc);
    // A changing step's confirmation: Alt+y is not yes.
    h.select_step("rollback");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    assert!(h.send(alt(KeyCode::Char('y'))).is_empty());
    assert!(h.send(alt(KeyCode::Enter)).is_empty());
    assert_eq!(kinds(&h), vec!["declared"]);
    h.key(KeyCode::Esc);
    h.key(KeyCode::Esc);
    // A note being written is not thrown away by Alt+x, and Alt+Backspace
    // still deletes a word.
    h.key(KeyCode::Char('n'));
    h.keys("rolled back");
    h.send(alt(KeyCode::Char('x')));
    h.send(alt(KeyCode::Backspace));
    match &h.state.ui.modal {
        Some(Modal::Note(t)) => assert_eq!(t.text(), "rolled "),
        other => panic!("the note is still open: {other:?}"),
    }
    // The quit question is not answered by Alt+y.
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('q'));
    assert!(h.send(alt(KeyCode::Char('y'))).is_empty());
    assert!(matches!(h.state.ui.modal, Some(Modal::ConfirmQuit)));
}

fn runs_live() -> Harness {
    let mut h = Harness::drill();
    h.state.ctx.drill = false;
    h
}

/// A key acts only on what the seat can see (issue 14: on the wallboard
/// Space ticked a step no pane showed): in every layout, at sizes that
/// hide panes and at the too-small size, Space and Enter record nothing
/// unless the checklist is on screen.
#[test]
fn keys_act_only_on_a_pane_on_screen() {
    for layout in 0..Harness::drill().state.ctx.layouts.len() {
        for size in [(40, 12), (80, 24), (120, 40), (200, 60), (30, 10)] {
            let mut h = Harness::drill();
            h.state.ui.layout = Some(layout);
            h.state.ui.size = size;
            h.draw();
            h.state.ui.focus = Pane::Checklist;
            let shown = h.state.ui.placed.focus_order().contains(&Pane::Checklist);
            h.send_held(Msg::Key(KeyEvent::from(KeyCode::Char(' '))));
            h.send_held(Msg::Key(KeyEvent::from(KeyCode::Enter)));
            let name = h.state.ctx.layouts[layout].name.clone();
            if !shown {
                assert!(
                    h.state.ui.pending_steps.is_empty(),
                    "{name} at {size:?} ticked a step it does not show"
                );
                assert!(h.state.ui.modal.is_none(), "{name} at {size:?}");
            }
        }
    }
}

/// The facilitator's `>` pressed twice before the first change is back
/// records one change, not the same "2x" twice (issue 14).
#[test]
fn a_second_clock_change_waits_for_the_first() {
    let mut h = Harness::facilitator();
    let fx = h.send_held(Msg::Key(KeyEvent::from(KeyCode::Char('>'))));
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Append(Event::DrillClock { speed: Some(2), .. })]
        ),
        "{fx:?}"
    );
    let again = h.send_held(Msg::Key(KeyEvent::from(KeyCode::Char('>'))));
    assert!(again.is_empty(), "{again:?}");
    assert!(h.state.ui.flash.is_some());
    // Once it is recorded, the next starts from it.
    h.record(Event::DrillClock {
        change: crate::timeline::ClockChange::Speed,
        speed: Some(2),
        to_ms: None,
    });
    h.send(Msg::Tick);
    let fx = h.send_held(Msg::Key(KeyEvent::from(KeyCode::Char('>'))));
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Append(Event::DrillClock { speed: Some(5), .. })]
        ),
        "{fx:?}"
    );
}
