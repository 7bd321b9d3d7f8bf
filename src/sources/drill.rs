//! The drill's script: proposes each scripted inject when it falls due on
//! the drill clock. The clock comes from the record (pause, speed, jump are
//! records); every change reaches this task on its control channel and the
//! wait is recomputed. The task only proposes: `update` records the inject
//! once, and every seat applies it from the record.

use crate::drill::clock::Clock;
use crate::msg::Msg;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::BTreeSet;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

/// What the script does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Propose this inject now.
    Fire(u32),
    /// Wait this long (wall time), unless the clock changes.
    Wait(TimeDelta),
    /// The clock is paused: wait for it to change.
    Paused,
    /// Every inject has been proposed.
    Done,
}

/// The next step of the script: pure, from the injects' offsets (firing
/// order), those already proposed or fired, the clock and the time.
pub fn next(
    offsets: &[TimeDelta],
    sent: &BTreeSet<u32>,
    clock: &Clock,
    now: DateTime<Utc>,
) -> Next {
    let Some(i) = (0..offsets.len() as u32).find(|i| !sent.contains(i)) else {
        return Next::Done;
    };
    match clock.wall_until(offsets[i as usize], now) {
        Some(d) if d <= TimeDelta::zero() => Next::Fire(i),
        Some(d) => Next::Wait(d),
        None => Next::Paused,
    }
}

/// What a seat's script starts from: the scenario's injects, the clock and
/// what has fired, as the record says.
pub struct Script {
    pub offsets: Vec<TimeDelta>,
    pub clock: Clock,
    pub fired: BTreeSet<u32>,
}

impl Script {
    /// The script of a drill seat that records (not a viewer), if any.
    pub fn of(s: &crate::state::State) -> Option<Script> {
        if !s.ctx.drill || s.ctx.viewer {
            return None;
        }
        Some(Script {
            offsets: s
                .ctx
                .injects
                .iter()
                .map(|i| TimeDelta::from_std(i.offset()).unwrap_or_default())
                .collect(),
            clock: s.incident.drill_clock?,
            fired: s.incident.fired.keys().copied().collect(),
        })
    }

    pub fn spawn(self, tx: UnboundedSender<Msg>) -> UnboundedSender<Clock> {
        spawn(self.offsets, self.clock, self.fired, tx)
    }
}

/// Starts the script; returns the control channel the loop sends clock
/// changes on. `fired`: injects the record says have fired.
pub fn spawn(
    offsets: Vec<TimeDelta>,
    clock: Clock,
    fired: BTreeSet<u32>,
    tx: UnboundedSender<Msg>,
) -> UnboundedSender<Clock> {
    let (ctl, mut rx) = unbounded_channel::<Clock>();
    tokio::spawn(async move {
        let mut clock = clock;
        let mut sent = fired;
        loop {
            match next(&offsets, &sent, &clock, Utc::now()) {
                Next::Done => return,
                Next::Fire(i) => {
                    sent.insert(i);
                    if tx.send(Msg::InjectDue(i)).is_err() {
                        return;
                    }
                }
                Next::Wait(d) => {
                    let d = d.to_std().unwrap_or_default();
                    tokio::select! {
                        _ = tokio::time::sleep(d) => {}
                        c = rx.recv() => match c {
                            Some(c) => clock = c,
                            None => return,
                        },
                    }
                }
                Next::Paused => match rx.recv().await {
                    Some(c) => clock = c,
                    None => return,
                },
            }
        }
    });
    ctl
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::ClockChange;

    fn t(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + TimeDelta::milliseconds(ms)
    }

    #[test]
    fn the_script_follows_the_clock() {
        let offs = vec![TimeDelta::seconds(10), TimeDelta::seconds(30)];
        let mut clock = Clock::start(t(0));
        let mut sent = BTreeSet::new();
        assert_eq!(
            next(&offs, &sent, &clock, t(0)),
            Next::Wait(TimeDelta::seconds(10))
        );
        assert_eq!(next(&offs, &sent, &clock, t(10_000)), Next::Fire(0));
        sent.insert(0);
        clock.apply(ClockChange::Speed, Some(10), None, t(10_000));
        assert_eq!(
            next(&offs, &sent, &clock, t(10_000)),
            Next::Wait(TimeDelta::seconds(2))
        );
        clock.apply(ClockChange::Paused, None, None, t(11_000));
        assert_eq!(next(&offs, &sent, &clock, t(50_000)), Next::Paused);
        clock.apply(ClockChange::Jumped, None, Some(30_000), t(50_000));
        assert_eq!(next(&offs, &sent, &clock, t(50_000)), Next::Fire(1));
        sent.insert(1);
        assert_eq!(next(&offs, &sent, &clock, t(50_000)), Next::Done);
    }

    #[tokio::test]
    async fn a_paused_script_waits_for_its_control_channel() {
        let (tx, mut rx) = unbounded_channel();
        let now = Utc::now();
        let mut clock = Clock::start(now);
        clock.apply(ClockChange::Paused, None, None, now);
        let offs = vec![TimeDelta::milliseconds(50), TimeDelta::seconds(3600)];
        let ctl = spawn(offs, clock, BTreeSet::new(), tx);
        let quiet = tokio::time::timeout(std::time::Duration::from_millis(200), rx.recv()).await;
        assert!(quiet.is_err(), "nothing while paused");
        clock.apply(ClockChange::Jumped, None, Some(3_600_000), Utc::now());
        ctl.send(clock).unwrap();
        for want in [0, 1] {
            let got = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
                .await
                .expect("the jump makes both due")
                .unwrap();
            assert!(matches!(got, Msg::InjectDue(n) if n == want), "{got:?}");
        }
    }
}
