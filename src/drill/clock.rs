//! The drill clock. Drill time starts at 0 when the drill is declared and
//! runs with wall time until the facilitator pauses it, changes its speed
//! (1x, 2x, 5x, 10x) or jumps it to the next inject. Every change is a
//! `drill_clock` record, so drill time is a pure function of the timeline
//! and the wall clock: every seat folds the same records and agrees.
//!
//! A change takes effect at its record's time (`at`). Records are folded in
//! sequence order; a record stamped earlier than the change before it (two
//! seats' clocks a few ms apart) takes effect at the later time, so drill
//! time never runs backwards.

use crate::timeline::{ClockChange, Event, Record};
use chrono::{DateTime, TimeDelta, Utc};

/// The speeds a facilitator can choose.
pub const SPEEDS: [u32; 4] = [1, 2, 5, 10];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// Wall time of the last change (the declaration at first).
    pub since: DateTime<Utc>,
    /// Drill time at `since`.
    pub base: TimeDelta,
    /// Drill seconds per wall second.
    pub speed: u32,
    pub paused: bool,
}

impl Clock {
    /// A clock at drill time 0, running at 1x from `at`.
    pub fn start(at: DateTime<Utc>) -> Self {
        Self {
            since: at,
            base: TimeDelta::zero(),
            speed: 1,
            paused: false,
        }
    }

    /// Drill time at wall time `now`.
    pub fn at(&self, now: DateTime<Utc>) -> TimeDelta {
        if self.paused || now <= self.since {
            return self.base;
        }
        let wall = now - self.since;
        self.base + wall * self.speed as i32
    }

    /// Applies one change recorded at `at`.
    pub fn apply(
        &mut self,
        change: ClockChange,
        speed: Option<u32>,
        to_ms: Option<u64>,
        at: DateTime<Utc>,
    ) {
        let at = at.max(self.since);
        self.base = self.at(at);
        self.since = at;
        match change {
            ClockChange::Paused => self.paused = true,
            ClockChange::Resumed => self.paused = false,
            ClockChange::Speed => self.speed = speed.unwrap_or(1).clamp(1, 100),
            ClockChange::Jumped => {
                let to = TimeDelta::milliseconds(to_ms.unwrap_or(0).min(i64::MAX as u64) as i64);
                self.base = self.base.max(to);
            }
        }
    }

    /// Folds one record (only `drill_clock` records change the clock).
    pub fn apply_record(&mut self, r: &Record) {
        if let Event::DrillClock {
            change,
            speed,
            to_ms,
        } = &r.event
        {
            self.apply(*change, *speed, *to_ms, r.at);
        }
    }

    /// Wall time from `now` until drill time reaches `offset`: zero when it
    /// already has, `None` while paused (it never will by itself).
    pub fn wall_until(&self, offset: TimeDelta, now: DateTime<Utc>) -> Option<TimeDelta> {
        let d = self.at(now);
        if d >= offset {
            return Some(TimeDelta::zero());
        }
        if self.paused {
            return None;
        }
        let drill_left = (offset - d).num_milliseconds();
        let speed = i64::from(self.speed.max(1));
        // Rounded up: at that wall time the drill time has surely arrived.
        Some(TimeDelta::milliseconds((drill_left + speed - 1) / speed))
    }
}

/// The drill clock after `records` (the first is the declaration).
pub fn fold(records: &[Record]) -> Option<Clock> {
    let first = records.first()?;
    let mut c = Clock::start(first.at);
    for r in &records[1..] {
        c.apply_record(r);
    }
    Some(c)
}

/// Drill time at `now`, from the records and the wall clock alone.
pub fn drill_time(records: &[Record], now: DateTime<Utc>) -> TimeDelta {
    fold(records).map_or(TimeDelta::zero(), |c| c.at(now))
}

pub use crate::time::{stamp, stamp_ms};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Status;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn rec(seq: u64, secs: i64, event: Event) -> Record {
        Record {
            share: Default::default(),
            seq,
            at: t(secs),
            by: "fac@h".into(),
            event,
        }
    }

    fn declared() -> Event {
        Event::Declared {
            id: "d".into(),
            title: "t".into(),
            severity: "P0".into(),
            status: Status::Investigating,
            ic: "ic".into(),
            playbook: "dicps".into(),
            procedure: "api-outage".into(),
            drill: true,
            source: None,
            scenario: None,
            watch: Default::default(),
        }
    }

    fn clock(change: ClockChange, speed: Option<u32>, to_ms: Option<u64>) -> Event {
        Event::DrillClock {
            change,
            speed,
            to_ms,
        }
    }

    #[test]
    fn drill_time_runs_with_wall_time_until_changed() {
        let recs = vec![rec(1, 0, declared())];
        assert_eq!(drill_time(&recs, t(0)), TimeDelta::zero());
        assert_eq!(drill_time(&recs, t(90)), TimeDelta::seconds(90));
        // Before the declaration (a skewed clock): zero, never negative.
        assert_eq!(drill_time(&recs, t(-5)), TimeDelta::zero());
        assert_eq!(drill_time(&[], t(5)), TimeDelta::zero());
    }

    #[test]
    fn pause_resume_speed_and_jump() {
        let recs = vec![
            rec(1, 0, declared()),
            rec(2, 60, clock(ClockChange::Paused, None, None)),
            // Notes and the like do not touch the clock.
            rec(3, 90, Event::Note { text: "n".into() }),
            rec(4, 120, clock(ClockChange::Resumed, None, None)),
            rec(5, 180, clock(ClockChange::Speed, Some(5), None)),
            rec(6, 200, clock(ClockChange::Jumped, None, Some(600_000))),
            rec(7, 210, clock(ClockChange::Speed, Some(1), None)),
        ];
        let at = |n: usize, secs: i64| drill_time(&recs[..n], t(secs));
        assert_eq!(at(2, 100), TimeDelta::seconds(60), "paused at 60");
        assert_eq!(at(4, 130), TimeDelta::seconds(70), "resumed at 120");
        assert_eq!(at(5, 190), TimeDelta::seconds(120 + 50), "5x from 180");
        assert_eq!(at(6, 200), TimeDelta::seconds(600), "jumped to 10:00");
        assert_eq!(at(6, 202), TimeDelta::seconds(610), "still 5x");
        assert_eq!(at(7, 220), TimeDelta::seconds(650 + 10), "1x again");
        let c = fold(&recs).unwrap();
        assert_eq!((c.speed, c.paused), (1, false));
    }

    #[test]
    fn a_jump_never_goes_back_and_a_late_stamp_never_rewinds() {
        let recs = vec![
            rec(1, 0, declared()),
            rec(2, 100, clock(ClockChange::Jumped, None, Some(30_000))),
        ];
        assert_eq!(drill_time(&recs, t(100)), TimeDelta::seconds(100));
        let recs = vec![
            rec(1, 0, declared()),
            rec(2, 100, clock(ClockChange::Paused, None, None)),
            // Another seat's record, stamped a little earlier.
            rec(3, 99, clock(ClockChange::Resumed, None, None)),
        ];
        assert_eq!(drill_time(&recs, t(100)), TimeDelta::seconds(100));
        assert_eq!(drill_time(&recs, t(110)), TimeDelta::seconds(110));
    }

    #[test]
    fn wall_time_until_an_inject() {
        let mut c = Clock::start(t(0));
        let ten = TimeDelta::seconds(10);
        assert_eq!(c.wall_until(ten, t(0)), Some(ten));
        assert_eq!(c.wall_until(ten, t(20)), Some(TimeDelta::zero()));
        c.apply(ClockChange::Speed, Some(10), None, t(0));
        assert_eq!(c.wall_until(ten, t(0)), Some(TimeDelta::seconds(1)));
        c.apply(ClockChange::Speed, Some(3), None, t(0));
        assert_eq!(
            c.wall_until(ten, t(0)),
            Some(TimeDelta::milliseconds(3334)),
            "rounded up"
        );
        c.apply(ClockChange::Paused, None, None, t(1));
        assert_eq!(c.wall_until(ten, t(5)), None);
        assert_eq!(
            c.wall_until(TimeDelta::seconds(2), t(5)),
            Some(TimeDelta::zero())
        );
    }

    #[test]
    fn stamps() {
        assert_eq!(stamp(TimeDelta::seconds(200)), "T+03:20");
        assert_eq!(stamp_ms(3_723_000), "T+1:02:03");
        assert_eq!(stamp(TimeDelta::seconds(-3)), "T+00:00");
    }
}
