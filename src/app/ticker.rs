//! The loop's clock: one timer file descriptor (`timerfd`) that the
//! runtime's poller waits on, so a tick wakes the process once.
//!
//! A `tokio::time::sleep` of about a second wakes the runtime two or three
//! times: its timer wheel parks until the coarse slot that holds the
//! deadline, moves the entry to a finer level, and parks again. On an
//! idle seat that was most of the process's wake-ups (issue 20's idle
//! budget). The kernel's timer has no levels. Where a timer file cannot
//! be made, the loop falls back to `tokio::time::sleep`.

use nix::sys::time::TimeSpec;
use nix::sys::timerfd::{ClockId, Expiration, TimerFd, TimerFlags, TimerSetTimeFlags};
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::time::Duration;
use tokio::io::unix::AsyncFd;

/// The timer file, owned: its descriptor is the same for its whole life.
struct Timer(TimerFd);

impl AsRawFd for Timer {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_fd().as_raw_fd()
    }
}

pub struct Ticker {
    fd: Option<AsyncFd<Timer>>,
}

impl Ticker {
    pub fn new() -> Self {
        let fd = TimerFd::new(
            ClockId::CLOCK_MONOTONIC,
            TimerFlags::TFD_NONBLOCK | TimerFlags::TFD_CLOEXEC,
        )
        .ok()
        // Without a runtime's reactor (never in the cockpit), the fallback.
        .filter(|_| tokio::runtime::Handle::try_current().is_ok())
        // SAFETY: `Timer` owns its descriptor (an `OwnedFd` inside
        // `TimerFd`, never replaced) and the `AsyncFd` owns the `Timer`: the
        // descriptor stays open and the same until the registration is
        // dropped, which is all `register` asks.
        .and_then(|t| unsafe { AsyncFd::register(Timer(t)) }.ok());
        Self { fd }
    }

    /// Whether the kernel's timer is in use (not the fallback).
    pub fn is_kernel(&self) -> bool {
        self.fd.is_some()
    }

    /// Waits `wait`. Cancel-safe: dropped before it ends, the next call
    /// sets the timer again (which clears an expiry not yet read).
    pub async fn sleep(&mut self, wait: Duration) {
        let Some(fd) = &self.fd else {
            return tokio::time::sleep(wait).await;
        };
        // A zero one-shot would disarm the timer: wait at least 1 µs.
        let wait = wait.max(Duration::from_micros(1));
        if fd
            .get_ref()
            .0
            .set(
                Expiration::OneShot(TimeSpec::from_duration(wait)),
                TimerSetTimeFlags::empty(),
            )
            .is_err()
        {
            return tokio::time::sleep(wait).await;
        }
        loop {
            let Ok(mut ready) = fd.readable().await else {
                return tokio::time::sleep(wait).await;
            };
            let mut expirations = [0u8; 8];
            match nix::unistd::read(fd.get_ref().0.as_fd(), &mut expirations) {
                // Read, the one-shot timer is spent until it is set again:
                // the readiness goes with it, so the next wait does not
                // begin with a read that finds nothing.
                Ok(_) => {
                    ready.clear_ready();
                    return;
                }
                // Readiness from an expiry that a new setting cleared.
                Err(nix::errno::Errno::EAGAIN) => ready.clear_ready(),
                Err(nix::errno::Errno::EINTR) => {}
                Err(_) => return tokio::time::sleep(wait).await,
            }
        }
    }
}

impl Default for Ticker {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// It waits at least as long as asked (never early: the loop's second
    /// must have turned), and a zero wait returns rather than hanging.
    #[test]
    fn waits_at_least_the_time_asked_and_zero_returns() {
        rt().block_on(async {
            let mut t = Ticker::new();
            assert!(t.is_kernel(), "timerfd is available on Linux");
            let start = Instant::now();
            t.sleep(Duration::from_millis(30)).await;
            assert!(start.elapsed() >= Duration::from_millis(30));
            t.sleep(Duration::ZERO).await;
        });
    }

    /// Cancelled before it fires (another branch of the loop's select
    /// won), the next wait is the new one: an old expiry does not end it
    /// early.
    #[test]
    fn a_cancelled_wait_does_not_end_the_next_one_early() {
        rt().block_on(async {
            let mut t = Ticker::new();
            let _ =
                tokio::time::timeout(Duration::from_millis(5), t.sleep(Duration::from_millis(10)))
                    .await;
            // Let the old deadline pass unread.
            std::thread::sleep(Duration::from_millis(20));
            let start = Instant::now();
            t.sleep(Duration::from_millis(40)).await;
            assert!(
                start.elapsed() >= Duration::from_millis(40),
                "{:?}",
                start.elapsed()
            );
        });
    }
}
