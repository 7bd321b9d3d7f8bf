//! Driving the built binary in a real tmux, shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_incident-cockpit");

pub struct Tmux {
    pub sock: PathBuf,
    pub dir: tempfile::TempDir,
    pub state: PathBuf,
}

impl Tmux {
    pub fn start(cols: u16, rows: u16, args: &str) -> Tmux {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        Self::start_in(dir, &state, cols, rows, args)
    }

    /// A seat on a given state directory (several seats share one).
    pub fn start_in(
        dir: tempfile::TempDir,
        state: &Path,
        cols: u16,
        rows: u16,
        args: &str,
    ) -> Tmux {
        Self::start_wrapped(dir, state, cols, rows, ("", ""), args)
    }

    /// A seat whose files may not grow past `bytes` (a multiple of 512):
    /// a write past it fails with EFBIG, as on a full disk (SIGXFSZ is
    /// ignored, so the write fails instead of killing the cockpit).
    pub fn start_file_limited(cols: u16, rows: u16, bytes: u64, args: &str) -> Tmux {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let wrap = format!(
            "sh -c 'trap \"\" XFSZ; ulimit -f {}; exec \"$@\"' sh",
            bytes / 512
        );
        Self::start_wrapped(dir, &state, cols, rows, ("", &wrap), args)
    }

    /// A seat whose pane's shell outlives a hang-up (`trap '' HUP`), so
    /// the cockpit's exit status is still written when the terminal goes
    /// (`tmux kill-server`: a dropped SSH link). `wrap` goes before the
    /// binary, as in `start_file_limited`.
    pub fn start_surviving_hangup(cols: u16, rows: u16, wrap: &str, args: &str) -> Tmux {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        Self::start_wrapped(dir, &state, cols, rows, ("trap '' HUP; ", wrap), args)
    }

    /// `shell`: said first by the pane's shell; `wrap`: before the binary.
    fn start_wrapped(
        dir: tempfile::TempDir,
        state: &Path,
        cols: u16,
        rows: u16,
        (shell, wrap): (&str, &str),
        args: &str,
    ) -> Tmux {
        let sock = dir.path().join("tmux.sock");
        // The shell stays after the cockpit exits, so the pane can be
        // inspected (a dead pane reports no cursor state).
        // No cluster from the machine's kubeconfig or service account: a
        // test names its own with KUBECONFIG in `args` (`env K=V ...`).
        let cmd = format!(
            "{shell}env -u KUBERNETES_SERVICE_HOST INCIDENT_COCKPIT_STATE_DIR='{}' KUBECONFIG='{}' TERM=xterm-256color {wrap} {} ; {}",
            state.display(),
            dir.path().join("no-kubeconfig").display(),
            command_line(args),
            after_exit(dir.path()),
        );
        let t = Tmux {
            sock,
            dir,
            state: state.to_path_buf(),
        };
        let ok = Command::new("tmux")
            .args(["-S"])
            .arg(&t.sock)
            .args(["-f", "/dev/null", "new-session", "-d", "-x", &cols.to_string(), "-y", &rows.to_string()])
            .args(["sh", "-c", &cmd])
            .status()
            .expect("tmux is needed for the end-to-end tests: apt-get install tmux (scripts/test installs it)");
        assert!(ok.success(), "tmux could not start a session");
        t
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.sock)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn pane(&self, fmt: &str) -> String {
        self.tmux(&["display-message", "-p", fmt])
            .trim()
            .to_string()
    }

    /// Waits for the cockpit to exit; returns its exit status (from a
    /// file: on a screen the cockpit left as it was, `EXIT:137` may wrap).
    pub fn wait_exit(&self) -> String {
        let file = self.dir.path().join("exit");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(rc) = std::fs::read_to_string(&file)
                && rc.ends_with('\n')
            {
                return rc.trim().to_string();
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for the cockpit to exit; screen:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The cockpit's pid: the child of the pane's shell.
    pub fn pid(&self) -> String {
        let sh = self.pane("#{pane_pid}");
        let out = Command::new("pgrep")
            .args(["-P", &sh])
            .output()
            .expect("pgrep is needed: apt-get install procps (scripts/test installs it)");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The timelines of incidents and drills under this seat's state.
    pub fn timelines(&self) -> Vec<PathBuf> {
        let mut v = timelines_in(&self.state.join("incidents"));
        v.extend(timelines_in(&self.state.join("drills")));
        v
    }
}

/// The timeline files under a folder (`<state>/incidents`, `<state>/drills`).
pub fn timelines_in(root: &Path) -> Vec<PathBuf> {
    {
        let mut v: Vec<PathBuf> = std::fs::read_dir(root)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.path().join("timeline.jsonl"))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}

/// What the pane's shell does when the cockpit ends: its exit status on
/// screen and in `DIR/exit`; then the pane stays, to be inspected.
pub fn after_exit(dir: &Path) -> String {
    format!(
        "rc=$?; echo \"EXIT:$rc\"; echo $rc > '{}'; exec sleep 600",
        dir.join("exit").display()
    )
}

/// `[env K=V ...] ARGS` → the binary with those args, after the env.
fn command_line(args: &str) -> String {
    match args.strip_prefix("env ") {
        Some(rest) => {
            let words: Vec<&str> = rest.split(' ').collect();
            let n = words.iter().take_while(|w| w.contains('=')).count();
            format!("{} '{BIN}' {}", words[..n].join(" "), words[n..].join(" "))
        }
        None => format!("'{BIN}' {args}"),
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.sock)
            .arg("kill-server")
            .status();
    }
}

pub fn read_records(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every timeline line parses as JSON"))
        .collect()
}
pub mod alertmanager;
pub mod nats;
pub mod sync_plan;

impl Tmux {
    /// Quits an open incident the way a person does (`q`, then `y` to
    /// "still open?") and waits for a clean exit.
    pub fn quit_open(&self) {
        self.keys(&["q"]);
        self.wait_for("the quit question", |s| s.contains("still open"));
        self.keys(&["y"]);
        assert_eq!(self.wait_exit(), "0", "exit status");
    }
}

/// The first `command_finished` record of a seat's timeline.
pub fn command_finished(t: &Tmux) -> serde_json::Value {
    read_records(&t.timelines()[0])
        .into_iter()
        .find(|r| r["kind"] == "command_finished")
        .expect("the end is recorded")
}
