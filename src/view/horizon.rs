//! Until when a pane's key holds (the render cache, `ui::cache`): the
//! first moment at which what it shows from the clock can change. A pane's `time_key` says, for
//! each text it shows from the clock, when that text next changes (an age
//! in minutes, the next minute of it; a time box, its end); the cache
//! keeps the pane's key without computing it again until then, or until a
//! change counter moves. What a pane does not describe is computed again
//! every frame (`every_frame`).

use crate::state::Incident;
use chrono::{DateTime, Utc};

/// The soonest change among those a pane said.
#[derive(Clone, Copy, Debug)]
pub struct Horizon {
    now: DateTime<Utc>,
    /// `None`: nothing the pane shows moves with the time.
    until: Option<DateTime<Utc>>,
}

impl Horizon {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { now, until: None }
    }

    /// Until when the key holds (`None`: while the counters stand).
    pub fn until(&self) -> Option<DateTime<Utc>> {
        self.until
    }

    /// What is shown may change at `t` (a deadline passing, a window
    /// opening); a moment past says nothing more, the present one that the
    /// next frame must look again.
    pub fn at(&mut self, t: DateTime<Utc>) {
        if t >= self.now {
            self.until = Some(self.until.map_or(t, |u| u.min(t)));
        }
    }

    /// What is shown may change at any moment: the key is computed again
    /// for the next frame.
    pub fn every_frame(&mut self) {
        self.at(self.now);
    }

    /// A text of the duration between now and `t0` (either way) at `step`
    /// seconds (`crate::time::age_step` and its kin).
    pub fn counting(&mut self, t0: DateTime<Utc>, step: i64) {
        match crate::time::next_change(t0, self.now, step) {
            Some(t) => self.at(t),
            None => self.every_frame(),
        }
    }

    /// `at` for a moment on the incident's clock (`Incident::on_clock`:
    /// drill time in a drill, which may be paused, run faster or change
    /// at a record stamped ahead of this seat's clock).
    pub fn on_clock(&mut self, inc: &Incident, t: DateTime<Utc>) {
        if inc.drill_clock.is_none() || inc.declared_at.is_none() {
            return self.at(t);
        }
        let now = self.now;
        // A change stamped after now takes effect then.
        if let Some(next) = inc.drill_clocks.iter().map(|c| c.since).find(|x| *x > now) {
            self.at(next);
        }
        let i = inc.drill_clocks.partition_point(|c| c.since <= now);
        let Some(c) = i.checked_sub(1).and_then(|i| inc.drill_clocks.get(i)) else {
            return;
        };
        if c.paused {
            return;
        }
        let on = inc.on_clock(now);
        if t >= on {
            // Rounded down: never later than the moment itself.
            self.at(now + (t - on) / c.speed.max(1) as i32);
        }
    }

    /// `counting` on the incident's clock.
    pub fn counting_on_clock(&mut self, inc: &Incident, t0: DateTime<Utc>, step: i64) {
        match crate::time::next_change(t0, inc.on_clock(self.now), step) {
            Some(t) => self.on_clock(inc, t),
            None => self.every_frame(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn the_soonest_change_holds_and_the_past_says_nothing() {
        let mut h = Horizon::new(t(100));
        assert_eq!(h.until(), None);
        h.at(t(50));
        assert_eq!(h.until(), None, "a moment past");
        h.at(t(200));
        h.at(t(150));
        h.at(t(300));
        assert_eq!(h.until(), Some(t(150)));
        // 2m30s counted in minutes: the next at 3m.
        h.counting(t(-50), 60);
        assert_eq!(h.until(), Some(t(130)));
        // On a whole minute: a countdown's text just after is not the
        // one now.
        h.counting(t(40), 60);
        assert_eq!(h.until(), Some(t(100)));
    }

    /// On a drill clock at 10x, a moment 100 s ahead on the incident's
    /// clock is 10 s ahead on the wall; paused, never, but for a change
    /// recorded ahead of now.
    #[test]
    fn the_drill_clock_maps_its_moments_to_the_wall() {
        let mut inc = Incident {
            declared_at: Some(t(0)),
            ..Default::default()
        };
        let mut c = crate::drill::clock::Clock::start(t(0));
        c.speed = 10;
        inc.drill_clock = Some(c);
        inc.drill_clocks = vec![c];
        let now = t(10);
        assert_eq!(inc.on_clock(now), t(100));
        let mut h = Horizon::new(now);
        h.on_clock(&inc, t(200));
        assert_eq!(h.until(), Some(t(20)));
        let mut h = Horizon::new(now);
        h.counting_on_clock(&inc, t(0), 60);
        assert_eq!(
            h.until(),
            Some(now + TimeDelta::seconds(2)),
            "120 on the clock"
        );
        let mut paused = c;
        paused.paused = true;
        inc.drill_clock = Some(paused);
        inc.drill_clocks = vec![paused];
        let mut h = Horizon::new(now);
        h.on_clock(&inc, t(200));
        assert_eq!(h.until(), None);
        let mut later = c;
        later.since = t(30);
        inc.drill_clocks.push(later);
        h.on_clock(&inc, t(200));
        assert_eq!(h.until(), Some(t(30)));
    }
}
