//! The loop without a terminal: a test screen that counts frames, and the
//! tests' effects (`Direct`) over a real file store.

use super::Loop;
use super::cycle::{Cycle, LOW_BANDWIDTH_GAP, MAX_BATCH, Screen, until_next_second};
use super::effects::{Direct, Effects, Live};
use crate::command::run::Outcome;
use crate::msg::{Effect, Msg};
use crate::state::State;
use crate::state::ui::Placed;
use crate::testkit::{Harness, host, t0};
use crate::timeline::Event;
use chrono::TimeDelta;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

/// A terminal in memory: what was drawn, resized and copied.
struct TestScreen {
    term: Terminal<TestBackend>,
    frames: usize,
    resizes: Vec<(u16, u16)>,
    copied: Vec<String>,
    /// Frames and copies, in the order they reached the terminal.
    writes: Vec<String>,
    /// The terminal goes away after this many frames: the next one fails.
    gone_after: Option<usize>,
}

impl TestScreen {
    fn new(w: u16, h: u16) -> Self {
        Self {
            term: Terminal::new(TestBackend::new(w, h)).expect("a test terminal"),
            frames: 0,
            resizes: Vec::new(),
            copied: Vec::new(),
            writes: Vec::new(),
            gone_after: None,
        }
    }
}

impl Screen for TestScreen {
    fn size(&mut self) -> anyhow::Result<(u16, u16)> {
        let s = self.term.size()?;
        Ok((s.width, s.height))
    }
    fn resize(&mut self, w: u16, h: u16) {
        self.resizes.push((w, h));
        self.term.backend_mut().resize(w, h);
        let _ = self.term.resize(ratatui::layout::Rect::new(0, 0, w, h));
    }
    fn draw(&mut self, state: &State) -> anyhow::Result<Placed> {
        if self.gone_after.is_some_and(|n| self.frames >= n) {
            return Err(std::io::Error::from_raw_os_error(5).into()); // EIO
        }
        let mut placed = Default::default();
        self.term.draw(|f| placed = crate::ui::draw(state, f))?;
        self.frames += 1;
        self.writes.push(format!("frame {}", self.frames));
        Ok(placed)
    }
    fn copy(&mut self, text: &str) {
        self.copied.push(text.to_string());
        self.writes.push(format!("copy {text}"));
    }
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// A cycle on the harness's state, its effects on the harness's store,
/// started (one frame drawn) at `now`.
fn started<'a>(h: &'a mut Harness, screen: &mut TestScreen, now: Instant) -> Cycle<Direct<'a>> {
    let state = h.state.clone();
    let seat = state.ctx.seat.clone();
    let mut c = Cycle::new(state, Direct::new(&mut h.store, &seat, h.now));
    c.start(screen, now).expect("the first frame");
    c
}

/// Applies messages as one batch (as if all were pending) and then asks
/// for a frame at `now`; whether it quit.
fn batch(c: &mut Cycle<Direct<'_>>, msgs: Vec<Msg>, screen: &mut TestScreen, now: Instant) -> bool {
    let mut rest = msgs.into_iter();
    let first = rest.next().expect("a message");
    let quit = c.batch(first, || rest.next(), screen);
    if !quit {
        c.frame(screen, now).expect("a frame");
    }
    quit
}

#[test]
fn the_first_frame_is_drawn_at_the_terminal_size() {
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(100, 30);
    let c = started(&mut h, &mut screen, Instant::now());
    assert_eq!(screen.frames, 1);
    assert_eq!(screen.resizes, vec![(100, 30)]);
    assert_eq!(c.state.ui.size, (100, 30));
}

#[test]
fn a_batch_of_messages_draws_once() {
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(120, 40);
    let t = Instant::now();
    let mut c = started(&mut h, &mut screen, t);
    // Help open, moved about, closed: ten messages, one frame.
    let mut msgs = vec![key('?')];
    msgs.extend((0..8).map(|_| code(KeyCode::Down)));
    msgs.push(code(KeyCode::Esc));
    assert!(!batch(&mut c, msgs, &mut screen, t));
    assert_eq!(screen.frames, 2);
    // Nothing pending: no frame.
    assert!(!c.frame(&mut screen, t).expect("a frame"));
    assert_eq!(screen.frames, 2);
}

#[test]
fn a_batch_stops_at_the_cap_and_the_rest_waits() {
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(120, 40);
    let t = Instant::now();
    let mut c = started(&mut h, &mut screen, t);
    let mut left = MAX_BATCH + 10;
    c.batch(
        Msg::Tick,
        || {
            left -= 1;
            Some(Msg::Tick)
        },
        &mut screen,
    );
    // The first came without asking; MAX_BATCH - 1 more were taken.
    assert_eq!(left, 11);
}

#[test]
fn a_message_that_can_wait_for_the_tick_does_not_draw() {
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(120, 40);
    let t = Instant::now();
    let mut c = started(&mut h, &mut screen, t);
    let mut sample = host();
    sample.cpu_percent = 55.0;
    assert!(!batch(&mut c, vec![Msg::Host(sample)], &mut screen, t));
    assert_eq!(screen.frames, 1, "a host sample waits for the tick");
    assert_eq!(
        c.state.observed.host.as_ref().map(|h| h.cpu_percent),
        Some(55.0)
    );
    // The tick draws it.
    batch(&mut c, vec![Msg::Tick], &mut screen, t);
    assert_eq!(screen.frames, 2);
    // With something urgent in the same batch, it is drawn at once.
    batch(&mut c, vec![Msg::Host(host()), key('?')], &mut screen, t);
    assert_eq!(screen.frames, 3);
}

#[test]
fn the_low_bandwidth_gap_holds_frames_back() {
    let mut h = Harness::drill();
    h.state.ctx.low_bandwidth = true;
    let mut screen = TestScreen::new(120, 40);
    let t = Instant::now();
    let mut c = started(&mut h, &mut screen, t);
    // A key 200 ms after the last frame: held back, and the loop wakes
    // when the gap is over rather than at the next clock second.
    let soon = t + Duration::from_millis(200);
    batch(&mut c, vec![key('?')], &mut screen, soon);
    assert_eq!(screen.frames, 1, "held back");
    assert_eq!(c.wait(soon), Duration::from_millis(800));
    // Another key still within the gap: still one frame owed.
    batch(
        &mut c,
        vec![code(KeyCode::Esc)],
        &mut screen,
        t + Duration::from_millis(900),
    );
    assert_eq!(screen.frames, 1);
    // The wake-up at the end of the gap draws what is owed, once.
    assert!(
        c.frame(&mut screen, t + LOW_BANDWIDTH_GAP)
            .expect("a frame")
    );
    assert_eq!(screen.frames, 2);
    assert!(
        !c.frame(&mut screen, t + LOW_BANDWIDTH_GAP)
            .expect("a frame")
    );
    // Without the flag, every urgent batch draws at once.
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(120, 40);
    let mut c = started(&mut h, &mut screen, t);
    batch(&mut c, vec![key('?')], &mut screen, soon);
    batch(&mut c, vec![code(KeyCode::Esc)], &mut screen, soon);
    assert_eq!(screen.frames, 3);
}

#[test]
fn the_wait_is_until_the_next_visible_second() {
    let h = Harness::drill();
    let at = |ms: i64| t0() + TimeDelta::milliseconds(ms);
    assert_eq!(
        until_next_second(&h.state, at(0)),
        Duration::from_millis(1005)
    );
    assert_eq!(
        until_next_second(&h.state, at(2300)),
        Duration::from_millis(705)
    );
    let mut low = h.state.clone();
    low.ctx.low_bandwidth = true;
    assert_eq!(
        until_next_second(&low, at(2300)),
        Duration::from_millis(2705)
    );
}

#[test]
fn a_quit_effect_ends_the_batch() {
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(120, 40);
    let t = Instant::now();
    let mut c = started(&mut h, &mut screen, t);
    let mut after = vec![key('?')].into_iter();
    let quit = c.batch(Msg::Terminate("SIGTERM"), || after.next(), &mut screen);
    assert!(quit);
    assert_eq!(after.len(), 1, "nothing is applied after a quit");
    assert!(c.fx.done.contains(&Effect::Quit));
    assert_eq!(screen.frames, 1, "no frame after a quit");
}

/// The loop over the harness's state and store, and its channel.
fn loop_of(h: &mut Harness) -> (Loop<Direct<'_>>, tokio::sync::mpsc::UnboundedSender<Msg>) {
    let state = h.state.clone();
    let seat = state.ctx.seat.clone();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    (
        Loop::new(state, Direct::new(&mut h.store, &seat, h.now), rx),
        tx,
    )
}

/// Drives the loop until it ends, within 5 s, without an error.
async fn drive_to_end<E: Effects>(l: &mut Loop<E>, screen: &mut TestScreen) {
    tokio::time::timeout(Duration::from_secs(5), l.drive(screen))
        .await
        .expect("the loop ends")
        .expect("without an error");
}

#[tokio::test]
async fn a_quit_ends_the_loop_and_leaves_the_rest() {
    let mut h = Harness::drill();
    let (mut l, tx) = loop_of(&mut h);
    tx.send(key('?')).expect("the loop's channel");
    tx.send(Msg::Terminate("SIGTERM"))
        .expect("the loop's channel");
    tx.send(code(KeyCode::Esc)).expect("the loop's channel");
    let mut screen = TestScreen::new(120, 40);
    drive_to_end(&mut l, &mut screen).await;
    assert!(l.cycle.state.ui.modal.is_some(), "the help opened");
    assert_eq!(screen.frames, 1, "the quit's batch is not drawn");
    assert!(matches!(l.rx.try_recv(), Ok(Msg::Key(_))), "Esc is left");
}

/// A host sample on the paced channel wakes nothing: the loop takes it
/// with what wakes it next, at the latest the next tick (within a
/// second), and shows it in that tick's frame.
#[tokio::test]
async fn a_paced_message_is_applied_by_the_next_tick() {
    let mut h = Harness::drill();
    let (paced_tx, paced_rx) = std::sync::mpsc::channel();
    let (l, tx) = loop_of(&mut h);
    let mut l = l.with_paced(paced_rx);
    let sample = crate::state::HostSnapshot {
        hostname: "paced-sample".into(),
        ..host()
    };
    paced_tx.send(Msg::Host(sample)).expect("the paced channel");
    // Ends the loop after the next tick, and no sooner than a second
    // (the tick is at most a second away).
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1300)).await;
        let _ = tx.send(Msg::Terminate("SIGTERM"));
    });
    let mut screen = TestScreen::new(120, 40);
    drive_to_end(&mut l, &mut screen).await;
    let applied = l
        .cycle
        .state
        .observed
        .host
        .as_ref()
        .map(|h| h.hostname.as_str());
    assert_eq!(applied, Some("paced-sample"), "the sample was applied");
    assert!(screen.frames >= 2, "and drawn: {} frames", screen.frames);
}

#[tokio::test]
async fn a_closed_channel_ends_the_loop() {
    let mut h = Harness::drill();
    let (mut l, tx) = loop_of(&mut h);
    drop(tx);
    let mut screen = TestScreen::new(120, 40);
    drive_to_end(&mut l, &mut screen).await;
}

/// A live (not drill) incident with `kubectl get pods` started from the
/// checklist: the cycle and the run's id.
fn with_a_run<'a>(
    h: &'a mut Harness,
    screen: &mut TestScreen,
    t: Instant,
) -> (Cycle<Direct<'a>>, String) {
    h.state.ctx.drill = false;
    h.select_step("pod-status");
    let mut c = started(h, screen, t);
    batch(
        &mut c,
        vec![code(KeyCode::Enter), code(KeyCode::Enter)],
        screen,
        t,
    );
    let spawned: Vec<String> =
        c.fx.done
            .iter()
            .filter_map(|f| match f {
                Effect::Spawn(s) => Some(s.run.clone()),
                _ => None,
            })
            .collect();
    assert_eq!(spawned.len(), 1, "{:?}", c.fx.done);
    (c, spawned[0].clone())
}

#[test]
fn running_commands_are_cancelled_at_quit_and_their_end_recorded() {
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(120, 40);
    let t = Instant::now();
    let (mut c, id) = with_a_run(&mut h, &mut screen, t);
    assert!(c.outstanding());
    assert!(batch(
        &mut c,
        vec![Msg::Terminate("SIGHUP")],
        &mut screen,
        t
    ));
    c.cancel_running();
    assert_eq!(c.fx.done.last(), Some(&Effect::Cancel(id.clone())));
    // Its end comes back (as the runner sends it) and is recorded.
    c.apply(cancelled_end(&id), &mut screen);
    assert!(!c.outstanding());
    drop(c);
    let last = h.records().pop().expect("records");
    assert!(
        matches!(&last.event, Event::CommandFinished { run, outcome, .. } if *run == id && outcome == "cancelled"),
        "{last:?}"
    );
}

#[test]
fn a_command_that_ended_is_not_cancelled() {
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(120, 40);
    let t = Instant::now();
    let (mut c, id) = with_a_run(&mut h, &mut screen, t);
    c.apply(
        Msg::RunExited {
            run: id,
            outcome: Outcome::Exited(0),
            duration: Duration::from_millis(300),
        },
        &mut screen,
    );
    assert!(!c.outstanding());
    let before = c.fx.done.len();
    c.cancel_running();
    assert_eq!(c.fx.done.len(), before, "{:?}", c.fx.done);
}

/// The loop over a cycle (a run started), and its channel.
fn loop_on(c: Cycle<Direct<'_>>) -> (Loop<Direct<'_>>, tokio::sync::mpsc::UnboundedSender<Msg>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    (
        Loop {
            cycle: c,
            rx,
            paced: None,
        },
        tx,
    )
}

/// The loop over a live run, a SIGTERM waiting in its channel: the
/// loop, its channel and the run's id.
fn quit_with_a_run<'a>(
    h: &'a mut Harness,
    screen: &mut TestScreen,
) -> (
    Loop<Direct<'a>>,
    tokio::sync::mpsc::UnboundedSender<Msg>,
    String,
) {
    let (c, id) = with_a_run(h, screen, Instant::now());
    let (l, tx) = loop_on(c);
    tx.send(Msg::Terminate("SIGTERM"))
        .expect("the loop's channel");
    (l, tx, id)
}

/// A run's end as the runner sends it once cancelled.
fn cancelled_end(run: &str) -> Msg {
    Msg::RunExited {
        run: run.to_string(),
        outcome: Outcome::Cancelled {
            exit: None,
            signal: None,
        },
        duration: Duration::from_millis(300),
    }
}

/// The last record is the end of `id`.
fn last_is_the_end_of(h: &Harness, id: &str) {
    let last = h.records().pop().expect("records");
    assert!(
        matches!(&last.event, Event::CommandFinished { run, .. } if run == id),
        "{last:?}"
    );
}

#[tokio::test]
async fn the_loop_waits_at_the_end_for_a_cancelled_command_to_end() {
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(120, 40);
    let (mut l, tx, id) = quit_with_a_run(&mut h, &mut screen);
    tx.send(cancelled_end(&id)).expect("the loop's channel");
    // It ends once the run has.
    drive_to_end(&mut l, &mut screen).await;
    assert!(l.cycle.fx.done.contains(&Effect::Cancel(id.clone())));
    drop(l);
    last_is_the_end_of(&h, &id);
}

/// A cancelled command whose end never comes (stuck in the kernel, or a
/// machine too loaded to reap it within the wait): at the end of the wait
/// it is recorded as cancelled with its exit unknown, not left without an
/// end. (The clock is paused: the wait passes at once.)
#[tokio::test(start_paused = true)]
async fn a_cancelled_command_whose_end_never_comes_is_recorded_as_cancelled() {
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(120, 40);
    let (mut l, _tx, id) = quit_with_a_run(&mut h, &mut screen);
    drive_to_end(&mut l, &mut screen).await;
    assert!(l.cycle.fx.done.contains(&Effect::Cancel(id.clone())));
    assert!(!l.cycle.outstanding());
    drop(l);
    last_is_the_end_of(&h, &id);
    let last = h.records().pop().expect("records");
    assert!(
        matches!(&last.event, Event::CommandFinished { outcome, exit: None, signal: None, .. } if outcome == "cancelled"),
        "{last:?}"
    );
}

/// The terminal goes away (a frame cannot be written: EIO after a dropped
/// link whose hang-up never came): the loop ends with the error, but as a
/// quit does, the running command cancelled and its end recorded.
#[tokio::test]
async fn a_terminal_that_is_gone_ends_the_loop_as_a_quit_does() {
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(120, 40);
    let t = Instant::now();
    let (c, id) = with_a_run(&mut h, &mut screen, t);
    let (mut l, tx) = loop_on(c);
    // The loop's first frame is written; the one after the key is not.
    screen.gone_after = Some(screen.frames + 1);
    tx.send(key('?')).expect("the loop's channel");
    // The run's end, once cancelled (after the key's batch).
    let end = cancelled_end(&id);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let _ = tx.send(end);
    });
    let ended = tokio::time::timeout(Duration::from_secs(5), l.drive(&mut screen))
        .await
        .expect("the loop ends");
    let err = format!("{:#}", ended.expect_err("the terminal's error"));
    assert!(err.contains("terminal cannot be written"), "{err}");
    assert!(l.cycle.fx.done.contains(&Effect::Cancel(id.clone())));
    drop(l);
    last_is_the_end_of(&h, &id);
}

/// Opens the comms editor on the status-page template and sends it.
fn send_status_page(c: &mut Cycle<Direct<'_>>, screen: &mut TestScreen, t: Instant) {
    batch(c, vec![key('c')], screen, t);
    let Some(crate::state::ui::Modal::Pick { kind, .. }) = &c.state.ui.modal else {
        panic!("no picker: {:?}", c.state.ui.flash)
    };
    let items = crate::view::picker_items(&c.state, *kind);
    let i = items
        .iter()
        .position(|x| x == "status-page")
        .unwrap_or_else(|| panic!("no status-page in {items:?}"));
    let mut msgs: Vec<Msg> = (0..i).map(|_| code(KeyCode::Down)).collect();
    msgs.push(code(KeyCode::Enter));
    batch(c, msgs, screen, t);
    // The first Ctrl-S says `[impact]` is unfilled; the second sends it as
    // it is.
    for _ in 0..2 {
        batch(
            c,
            vec![Msg::Key(KeyEvent::new(
                KeyCode::Char('s'),
                KeyModifiers::CONTROL,
            ))],
            screen,
            t,
        );
    }
}

#[test]
fn a_communication_is_copied_through_the_screen_in_order_with_frames() {
    let mut h = Harness::drill();
    let mut screen = TestScreen::new(120, 40);
    let t = Instant::now();
    let mut c = started(&mut h, &mut screen, t);
    send_status_page(&mut c, &mut screen, t);
    let Some(Effect::SendComms { template, text }) = c.fx.done.last() else {
        panic!("{:?}", c.fx.done)
    };
    assert_eq!(template, "status-page");
    assert_eq!(screen.copied, vec![text.clone()]);
    // Copied while the batch was applied, before its frame.
    let n = screen.writes.len();
    assert!(
        screen.writes[n - 2].starts_with("copy "),
        "{:?}",
        screen.writes
    );
    assert!(
        screen.writes[n - 1].starts_with("frame "),
        "{:?}",
        screen.writes
    );
    // Its file is owed until the answer comes.
    assert!(c.outstanding());
    let (template, text) = (template.clone(), text.clone());
    c.apply(
        Msg::CommsWritten {
            template,
            text,
            file: Some("/x/comms/1-status-page.md".into()),
            error: None,
        },
        &mut screen,
    );
    assert!(!c.outstanding());
    drop(c);
    assert!(h.records().iter().any(|r| r.event.kind() == "comms_sent"));
}

/// The loop's effects on a store in `dir`, writing comms to `comms`,
/// spawning on `tasks`.
fn live(
    dir: &std::path::Path,
    comms: Option<std::path::PathBuf>,
    tasks: &tokio::runtime::Runtime,
) -> (Live, tokio::sync::mpsc::UnboundedReceiver<Msg>) {
    let store = crate::timeline::FileStore::create(dir, "fx-test").expect("a store");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let recorder = crate::recorder::Recorder::spawn(Box::new(store), "ana".into(), tx.clone())
        .expect("the recorder");
    let fx = Live::new(recorder, tx, comms, None, None, tasks.handle().clone());
    (fx, rx)
}

/// The sources' runtime as the cockpit makes it (two workers).
fn tasks() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// The loop runs alone on a runtime of its own; a command it starts runs
/// on the tasks' runtime: its output and its end come while the loop's
/// thread is busy (a frame to a slow terminal) and polls nothing. Spawned
/// on the loop's runtime, the command would not even start until the
/// loop waited again.
#[test]
fn a_command_runs_on_the_tasks_runtime_while_the_loop_is_busy() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let tasks = tasks();
    let (mut fx, mut rx) = live(dir.path(), None, &tasks);
    let looping = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let got = looping.block_on(async {
        fx.carry_out(Effect::Spawn(Box::new(crate::command::run::Spec {
            run: "r1".into(),
            program: crate::command::resolve::Program::Argv(vec!["echo".into(), "hi".into()]),
            env: vec![],
            workdir: None,
            timeout: Duration::from_secs(10),
            redactor: Default::default(),
        })));
        // Busy, not awaiting: nothing of this runtime's is polled.
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut got = Vec::new();
        while Instant::now() < deadline {
            match rx.try_recv() {
                Ok(m @ Msg::RunExited { .. }) => {
                    got.push(m);
                    break;
                }
                Ok(m @ Msg::RunOutput { .. }) => got.push(m),
                Ok(_) => {}
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        got
    });
    let output = got
        .iter()
        .any(|m| matches!(m, Msg::RunOutput { lines, .. } if lines.iter().any(|l| l.text == "hi")));
    assert!(output, "the output came while the loop was busy: {got:?}");
    assert!(
        matches!(
            got.last(),
            Some(Msg::RunExited {
                outcome: Outcome::Exited(0),
                ..
            })
        ),
        "and its end: {got:?}"
    );
    fx.finish();
}

/// The next message that is not the recorder's, within 5 s.
fn next_answer(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>) -> Msg {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match rx.try_recv() {
            Ok(Msg::Followed(_) | Msg::StoreWarning(_)) => {}
            Ok(m) => return m,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("no answer within 5 s: {e}"),
        }
    }
}

#[test]
fn send_comms_answers_with_comms_written_and_the_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let comms = dir.path().join("inc").join("comms");
    let tasks = tasks();
    let (mut fx, mut rx) = live(dir.path(), Some(comms.clone()), &tasks);
    fx.carry_out(Effect::SendComms {
        template: "status-page".into(),
        text: "Status: Investigating \x1b[2J".into(),
    });
    let Msg::CommsWritten {
        template,
        text,
        file: Some(file),
        error: None,
    } = next_answer(&mut rx)
    else {
        panic!("not written")
    };
    assert_eq!(template, "status-page");
    assert_eq!(text, "Status: Investigating \x1b[2J", "the text as sent");
    assert!(file.starts_with(&comms.display().to_string()), "{file}");
    assert!(file.ends_with("-status-page.md"), "{file}");
    let written = std::fs::read_to_string(&file).expect("the file");
    assert!(
        !written.contains('\x1b'),
        "no terminal controls: {written:?}"
    );
    assert!(written.starts_with("Status: Investigating"), "{written:?}");
    fx.finish();
}

#[test]
fn a_comms_write_to_an_unwritable_directory_answers_with_the_error() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // Below a plain file: no directory can be made there, even by root.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").expect("a file");
    let comms = blocker.join("comms");
    let tasks = tasks();
    let (mut fx, mut rx) = live(dir.path(), Some(comms.clone()), &tasks);
    fx.carry_out(Effect::SendComms {
        template: "status-page".into(),
        text: "hello".into(),
    });
    let Msg::CommsWritten {
        file: None,
        error: Some(error),
        ..
    } = next_answer(&mut rx)
    else {
        panic!("no error")
    };
    assert!(
        error.starts_with(&format!("cannot write {}/", comms.display())),
        "{error}"
    );
    assert!(error.contains("-status-page.md: "), "{error}");
    fx.finish();
}

#[test]
fn without_a_comms_directory_nothing_is_written_and_that_is_no_error() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let tasks = tasks();
    let (mut fx, mut rx) = live(dir.path(), None, &tasks);
    fx.carry_out(Effect::SendComms {
        template: "status-page".into(),
        text: "hello".into(),
    });
    assert!(matches!(
        next_answer(&mut rx),
        Msg::CommsWritten {
            file: None,
            error: None,
            ..
        }
    ));
    fx.finish();
}

#[test]
fn a_silence_without_alertmanager_answers_that_it_is_not_running() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let tasks = tasks();
    let (mut fx, mut rx) = live(dir.path(), None, &tasks);
    let cmd = crate::msg::AmCommand::ExpireSilence {
        request: "r1".into(),
        id: "s1".into(),
    };
    fx.carry_out(Effect::Alertmanager(cmd));
    let Msg::SilenceDone { request, result } = next_answer(&mut rx) else {
        panic!("no answer")
    };
    assert_eq!(request, "r1");
    assert_eq!(result, Err("the Alertmanager source is not running".into()));
    fx.finish();
}

#[test]
fn direct_appends_at_once_and_keeps_the_rest() {
    let mut h = Harness::drill();
    let before = h.records().len();
    let seat = h.state.ctx.seat.clone();
    let mut fx = Direct::new(&mut h.store, &seat, t0());
    fx.carry_out(Effect::Append(Event::Note {
        text: "hello".into(),
    }));
    fx.carry_out(Effect::Quit);
    assert!(matches!(fx.answer(), Some(Msg::Recorded(_))));
    assert!(fx.answer().is_none());
    assert_eq!(fx.done, vec![Effect::Quit]);
    assert_eq!(h.records().len(), before + 1);
}

#[test]
fn a_comms_write_that_blocks_does_not_hold_the_loop() {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let comms = dir.path().join("comms");
    std::fs::create_dir(&comms).expect("the comms directory");
    // The file it will write is a FIFO with no reader (for this second
    // and the next few): writing it blocks until one comes.
    let now = chrono::Utc::now();
    let fifos: Vec<_> = (0..5)
        .map(|s| {
            let stamp = (now + TimeDelta::seconds(s)).format("%Y%m%d-%H%M%S");
            let p = comms.join(format!("{stamp}-status-page.md"));
            nix::unistd::mkfifo(&p, nix::sys::stat::Mode::S_IRWXU).expect("a FIFO");
            p
        })
        .collect();
    let tasks = tasks();
    let (mut fx, mut rx) = live(dir.path(), Some(comms), &tasks);
    // A reader comes after a second (so a write on this thread would
    // hold `carry_out` that long, not for ever).
    let paths = fifos.clone();
    let readers = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        paths
            .iter()
            .map(|p| {
                std::fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(nix::libc::O_NONBLOCK)
                    .open(p)
                    .expect("a reader")
            })
            .collect::<Vec<_>>()
    });
    let t = Instant::now();
    fx.carry_out(Effect::SendComms {
        template: "status-page".into(),
        text: "hello".into(),
    });
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "carry_out waited for the write: {:?}",
        t.elapsed()
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !matches!(rx.try_recv(), Ok(Msg::CommsWritten { .. })),
        "the write is still blocked"
    );
    // Once the reader has come, the write ends and is answered.
    let Msg::CommsWritten {
        file: Some(file),
        error: None,
        ..
    } = next_answer(&mut rx)
    else {
        panic!("not written")
    };
    assert!(
        fifos.iter().any(|p| p.display().to_string() == file),
        "{file}"
    );
    drop(readers.join().expect("the readers"));
    fx.finish();
}
