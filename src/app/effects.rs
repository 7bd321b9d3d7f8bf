//! Carrying out what `update` asks for. `update` returns effects as
//! values; one small trait does them, so the loop and the tests share the
//! code that applies messages and hands effects on:
//!
//! - [`Live`], the loop's: the recorder thread, processes, the sources'
//!   channels, and a thread of its own for each communication's file. Its
//!   answers come back on the loop's channel.
//! - [`Direct`], the tests' (and any headless use): appends go straight to
//!   a store and their answers (`Recorded`, `Followed`, `Deduplicated`,
//!   `NotRecorded`) are handed back at once; every other effect is kept,
//!   in order, for the test to look at.

use crate::msg::{AmCommand, Effect, Msg};
use crate::recorder::Recorder;
use crate::runner::process::{self, Handle};
use crate::timeline::Store;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use tokio::sync::mpsc::UnboundedSender;

/// Whatever carries out `update`'s effects.
pub trait Effects {
    /// Carries out one effect. `Quit` is the loop's to act on; here it is
    /// only seen.
    fn carry_out(&mut self, fx: Effect);

    /// The next answer that came at once, to apply before anything else
    /// (an append made on the spot). The loop's come on its channel.
    fn answer(&mut self) -> Option<Msg> {
        None
    }

    /// A command ended (its `RunExited` is being applied): what would
    /// cancel it can go.
    fn run_ended(&mut self, _run: &str) {}
}

/// The loop's effects: real appends, processes and channels.
pub struct Live {
    recorder: Recorder,
    tx: UnboundedSender<Msg>,
    /// Where communications are written (the incident's `comms/`).
    comms_dir: Option<PathBuf>,
    /// Where silence actions go, when Alertmanager is watched.
    alertmanager: Option<UnboundedSender<AmCommand>>,
    /// A drill's script: clock changes are sent to it.
    drill: Option<UnboundedSender<crate::drill::clock::Clock>>,
    /// Commands running, by run id. A handle dropped cancels its command,
    /// so each is kept until its command has ended.
    handles: HashMap<String, Handle>,
    /// The runtime that runs commands and requests: the sources' one, not
    /// the loop's. The loop runs alone on its thread, so a tick wakes that
    /// thread alone, and a command's output is read while a frame is
    /// written to a slow terminal.
    tasks: tokio::runtime::Handle,
}

impl Live {
    pub fn new(
        recorder: Recorder,
        tx: UnboundedSender<Msg>,
        comms_dir: Option<PathBuf>,
        alertmanager: Option<UnboundedSender<AmCommand>>,
        drill: Option<UnboundedSender<crate::drill::clock::Clock>>,
        tasks: tokio::runtime::Handle,
    ) -> Self {
        Self {
            recorder,
            tx,
            comms_dir,
            alertmanager,
            drill,
            handles: HashMap::new(),
            tasks,
        }
    }

    /// Waits until every append sent so far is durable.
    pub fn finish(self) {
        self.recorder.finish();
    }
}

impl Effects for Live {
    fn carry_out(&mut self, fx: Effect) {
        // What is spawned here (a command, a request) runs on the tasks'
        // runtime.
        let _tasks = self.tasks.enter();
        match fx {
            Effect::Append(ev) => {
                if let Err(ev) = self.recorder.append(ev) {
                    let _ = self.tx.send(Msg::NotRecorded {
                        event: ev,
                        error: "the timeline writer has stopped".into(),
                    });
                }
            }
            Effect::Spawn(spec) => {
                let id = spec.run.clone();
                self.handles
                    .insert(id, process::spawn(*spec, self.tx.clone()));
            }
            Effect::Cancel(id) => {
                if let Some(h) = self.handles.get_mut(&id) {
                    h.cancel();
                }
            }
            Effect::SendComms { template, text } => {
                // Off the loop's thread: a slow or stuck disk cannot
                // freeze the screen. The answer comes on the channel.
                let dir = self.comms_dir.clone();
                let tx = self.tx.clone();
                let stamp = Utc::now();
                let (t, x) = (template.clone(), text.clone());
                let started = std::thread::Builder::new()
                    .name("comms".into())
                    .spawn(move || {
                        let _ = tx.send(write_comms(dir.as_deref(), stamp, t, x));
                    });
                if let Err(e) = started {
                    let _ = self.tx.send(Msg::CommsWritten {
                        template,
                        text,
                        file: None,
                        error: Some(format!("cannot write the communication: {e}")),
                    });
                }
            }
            Effect::Alertmanager(cmd) => {
                let request = cmd.request().to_string();
                let sent = self
                    .alertmanager
                    .as_ref()
                    .is_some_and(|am| am.send(cmd).is_ok());
                if !sent {
                    let _ = self.tx.send(Msg::SilenceDone {
                        request,
                        result: Err("the Alertmanager source is not running".into()),
                    });
                }
            }
            Effect::DrillClock(c) => {
                if let Some(d) = &self.drill {
                    let _ = d.send(c);
                }
            }
            Effect::HttpGet { url, timeout } => {
                crate::sources::http::spawn(url, timeout, self.tx.clone());
            }
            Effect::Quit => {}
        }
    }

    fn run_ended(&mut self, run: &str) {
        self.handles.remove(run);
    }
}

/// Writes a communication to `dir` (the incident's `comms/`), named by
/// `stamp` and its template; the answer for `update`. Without a directory
/// nothing is written (and that is no error).
pub fn write_comms(
    dir: Option<&Path>,
    stamp: DateTime<Utc>,
    template: String,
    text: String,
) -> Msg {
    let written = dir.map(|dir| {
        let path = dir.join(format!("{}-{template}.md", stamp.format("%Y%m%d-%H%M%S")));
        std::fs::create_dir_all(dir)
            .and_then(|_| {
                // A file people `cat`: no terminal controls in it.
                std::fs::write(&path, format!("{}\n", crate::sanitize::clean_text(&text)))
            })
            .map(|_| path.display().to_string())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    });
    let (file, error) = match written {
        Some(Ok(file)) => (Some(file), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    Msg::CommsWritten {
        template,
        text,
        file,
        error,
    }
}

/// The tests' effects: appends go straight to a store, stamped `now`, and
/// are answered at once, in order, the way the recorder answers; the other
/// effects are kept in `done`.
pub struct Direct<'a> {
    store: &'a mut dyn Store,
    seat: String,
    /// When appends are stamped.
    pub now: DateTime<Utc>,
    answers: VecDeque<Msg>,
    /// Every effect but the appends, in the order they came.
    pub done: Vec<Effect>,
}

impl<'a> Direct<'a> {
    pub fn new(store: &'a mut dyn Store, seat: &str, now: DateTime<Utc>) -> Self {
        Self {
            store,
            seat: seat.to_string(),
            now,
            answers: VecDeque::new(),
            done: Vec::new(),
        }
    }
}

impl Effects for Direct<'_> {
    fn carry_out(&mut self, fx: Effect) {
        match fx {
            Effect::Append(ev) => match self.store.append(self.now, &self.seat, ev.clone()) {
                Ok(a) => {
                    self.answers
                        .extend(a.others.into_iter().map(|r| Msg::Followed(Box::new(r))));
                    self.answers.push_back(match a.record {
                        Some(rec) => Msg::Recorded(Box::new(rec)),
                        None => Msg::Deduplicated(Box::new(ev)),
                    });
                }
                Err(e) => self.answers.push_back(Msg::NotRecorded {
                    event: Box::new(ev),
                    error: format!("{e:#}"),
                }),
            },
            other => self.done.push(other),
        }
    }

    fn answer(&mut self) -> Option<Msg> {
        self.answers.pop_front()
    }
}

/// Applies `msg` with `update` and hands each effect to `fx`, then what
/// answered at once, in order, the same way: what the loop does with one
/// message, without the terminal. The time is `now` throughout.
pub fn apply(state: &mut crate::state::State, msg: Msg, now: DateTime<Utc>, fx: &mut dyn Effects) {
    let mut next = Some(msg);
    while let Some(m) = next.take() {
        for e in crate::update::update(state, m, now) {
            fx.carry_out(e);
        }
        next = fx.answer();
    }
}
