//! Durations as people write them in playbooks ("15m", "1h 30m", "2d") and
//! the clock formats the cockpit shows (elapsed, countdown, kubectl-style age).

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use std::time::Duration;

/// The longest duration any file may give (100 years): clocks add
/// durations to times, and those stay far inside what a time can hold.
pub const MAX_DURATION_SECS: u64 = 100 * 365 * 86_400;

/// Parses a duration such as `30s`, `15m`, `1h30m`, `1h 30m`, `2d`, `1w`,
/// `72h`, `15 min`, `2 hours`. Returns a message for people on failure.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration (expected a number and a unit, like 15m or 2h)".into());
    }
    let mut total: u64 = 0;
    let mut rest = s;
    let mut parts = 0;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err(format!(
                "bad duration {s:?} (expected a number and a unit, like 15m, 2h or 1d)"
            ));
        }
        let n: u64 = rest[..digits]
            .parse()
            .map_err(|_| format!("bad duration {s:?} (number too large)"))?;
        rest = rest[digits..].trim_start();
        let unit_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let secs = match unit.to_ascii_lowercase().as_str() {
            "s" | "sec" | "secs" | "second" | "seconds" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => 86_400,
            "w" | "week" | "weeks" => 7 * 86_400,
            "" => {
                return Err(format!(
                    "bad duration {s:?} (the number needs a unit: s, m, h, d or w)"
                ));
            }
            other => {
                return Err(format!(
                    "bad duration {s:?} (unknown unit {other:?}; expected s, m, h, d or w)"
                ));
            }
        };
        total = n
            .checked_mul(secs)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("bad duration {s:?} (too large)"))?;
        parts += 1;
    }
    if parts == 0 {
        return Err(format!("bad duration {s:?}"));
    }
    if total > MAX_DURATION_SECS {
        return Err(format!("bad duration {s:?} (too large: at most 100 years)"));
    }
    Ok(Duration::from_secs(total))
}

/// `HH:MM:SS` for elapsed times; days are folded into hours (`49:02:10`).
pub fn hms(d: chrono::TimeDelta) -> String {
    let secs = d.num_seconds().max(0);
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// `MM:SS` under an hour, `H:MM:SS` above; for countdowns.
pub fn countdown(d: chrono::TimeDelta) -> String {
    let secs = d.num_seconds().abs();
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60)
    } else {
        format!("{:02}:{:02}", secs / 60, secs % 60)
    }
}

/// A countdown among others (the clocks pane): `MM:SS` within ten minutes,
/// where seconds matter; beyond, whole minutes (`14m`, `1h05m`), rounded
/// down so it never shows more time left than there is. A pane of clocks
/// hours away then changes once a minute, not every second.
pub fn countdown_coarse(d: chrono::TimeDelta) -> String {
    if d.num_seconds().abs() < 600 {
        countdown(d)
    } else {
        minutes(d)
    }
}

/// How long an alert has fired, as k9s and Alertmanager write it: seconds
/// under a minute (`45s`), then whole minutes (`12m`), hours and minutes
/// (`1h05m`), days and hours (`2d3h`), always rounded down. A list of
/// alerts then changes once a minute at most after its first minute.
pub fn since(d: chrono::TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    let (m, h, days) = (s / 60, s / 3600, s / 86_400);
    if s < 60 {
        format!("{s}s")
    } else if m < 60 {
        format!("{m}m")
    } else if h < 24 {
        format!("{h}h{:02}m", m % 60)
    } else {
        format!("{days}d{}h", h % 24)
    }
}

/// Time left on the response clock: whole minutes (`14m`, `1h05m`,
/// rounded down) while more than three minutes are left, `MM:SS` in the
/// last three, where seconds matter.
pub fn response_left(d: chrono::TimeDelta) -> String {
    if d.num_seconds().abs() < RESPONSE_SECONDS_FROM {
        countdown(d)
    } else {
        minutes(d)
    }
}

/// Below this many seconds left the response clock shows seconds (and
/// the header warns).
pub const RESPONSE_SECONDS_FROM: i64 = 180;

/// Whole minutes, rounded down: `14m`, `1h05m`.
fn minutes(d: chrono::TimeDelta) -> String {
    let m = d.num_seconds().abs() / 60;
    if m < 60 {
        format!("{m}m")
    } else {
        format!("{}h{:02}m", m / 60, m % 60)
    }
}

/// A short human duration: `45s`, `12m`, `3h`, `2d`, exactly as kubectl
/// prints AGE (`2m5s` under ten minutes, `3h12m` under eight hours, `5d3h`
/// under eight days, `2y30d` under eight years).
pub fn age(d: chrono::TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    let (m, h, days) = (s / 60, s / 3600, s / 86_400);
    if s < 120 {
        format!("{s}s")
    } else if m < 10 {
        let rem = s % 60;
        if rem == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{rem}s")
        }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        let rem = m % 60;
        if rem == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{rem}m")
        }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 24 * 8 {
        let rem = h % 24;
        if rem == 0 {
            format!("{days}d")
        } else {
            format!("{days}d{rem}h")
        }
    } else if h < 24 * 365 * 2 {
        format!("{days}d")
    } else if h < 24 * 365 * 8 {
        let rem = days % 365;
        if rem == 0 {
            format!("{}y", days / 365)
        } else {
            format!("{}y{rem}d", days / 365)
        }
    } else {
        format!("{}y", days / 365)
    }
}

/// How a clock text moves: the smallest unit it shows at `d`, in seconds.
/// Each of `age`, `since`, `countdown_coarse`, `response_left`,
/// `countdown` and `hms` depends on its duration only through that
/// duration in whole steps (its regimes change at whole steps too), so
/// its text cannot change before the duration next crosses a multiple of
/// the step (`next_change`). What the render cache keeps a pane's key
/// until.
pub fn age_step(d: chrono::TimeDelta) -> i64 {
    match d.num_seconds() {
        s if s < 600 => 1,
        s if s < 28_800 => 60,
        s if s < 691_200 => 3600,
        _ => 86_400,
    }
}

/// `since`'s step (see `age_step`).
pub fn since_step(d: chrono::TimeDelta) -> i64 {
    match d.num_seconds() {
        s if s < 60 => 1,
        s if s < 86_400 => 60,
        _ => 3600,
    }
}

/// `countdown_coarse`'s step (see `age_step`).
pub fn countdown_coarse_step(d: chrono::TimeDelta) -> i64 {
    if d.num_seconds().abs() < 600 { 1 } else { 60 }
}

/// `response_left`'s step (see `age_step`).
pub fn response_left_step(d: chrono::TimeDelta) -> i64 {
    if d.num_seconds().abs() < RESPONSE_SECONDS_FROM {
        1
    } else {
        60
    }
}

/// The first moment after `now` at which a duration measured from `t0`
/// (`now - t0`, or `t0 - now`) crosses a multiple of `step` seconds:
/// until then a text of that duration at that step stays as it is. `now`
/// itself when it is on such a multiple (a countdown's text there is not
/// the one just after). `None` past what a time can hold.
pub fn next_change(t0: DateTime<Utc>, now: DateTime<Utc>, step: i64) -> Option<DateTime<Utc>> {
    let x = now - t0;
    let step = step.max(1);
    let whole = x.subsec_nanos() == 0;
    if whole && x.num_seconds() % step == 0 {
        return Some(now);
    }
    // Whole seconds, rounded down (`num_seconds` rounds towards zero).
    let floor = x.num_seconds() - i64::from(x.subsec_nanos() < 0);
    let k = floor.div_euclid(step).checked_add(1)?;
    t0.checked_add_signed(TimeDelta::try_seconds(k.checked_mul(step)?)?)
}

/// A compact duration for people: `15m`, `1h`, `1h30m`, `3d`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s == 0 {
        return "0s".into();
    }
    let units = [
        (604_800, "w"),
        (86_400, "d"),
        (3600, "h"),
        (60, "m"),
        (1, "s"),
    ];
    let mut out = String::new();
    let mut rest = s;
    for (size, name) in units {
        if rest >= size {
            out.push_str(&format!("{}{}", rest / size, name));
            rest %= size;
        }
    }
    out
}

/// `850ms`, `4.2s`, `3m5s`.
pub fn human_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", ms as f64 / 1000.0)
    } else {
        human(Duration::from_secs(ms / 1000))
    }
}

/// Local wall-clock time `HH:MM:SS` in the given offset.
pub fn local_hms(at: DateTime<Utc>, tz: FixedOffset) -> String {
    at.with_timezone(&tz).format("%H:%M:%S").to_string()
}

/// The machine's current offset from UTC (fixed for the session, so a render
/// never asks the OS anything).
pub fn local_offset() -> FixedOffset {
    *chrono::Local::now().offset()
}

/// `T+03:20` (`T+1:03:20` past an hour).
pub fn stamp(d: TimeDelta) -> String {
    format!("T+{}", countdown(d.max(TimeDelta::zero())))
}

/// `T+03:20` from milliseconds.
pub fn stamp_ms(ms: u64) -> String {
    stamp(TimeDelta::milliseconds(ms.min(i64::MAX as u64) as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarse_countdowns_and_alert_ages() {
        let s = TimeDelta::seconds;
        assert_eq!(countdown_coarse(s(599)), "09:59");
        assert_eq!(countdown_coarse(s(600)), "10m");
        assert_eq!(countdown_coarse(s(897)), "14m");
        assert_eq!(countdown_coarse(s(3599)), "59m");
        assert_eq!(countdown_coarse(s(4 * 3600 - 3)), "3h59m");
        assert_eq!(countdown_coarse(s(-725)), "12m");
    }

    #[test]
    fn alert_ages_at_each_boundary() {
        let s = TimeDelta::seconds;
        assert_eq!(since(s(-5)), "0s");
        assert_eq!(since(s(0)), "0s");
        assert_eq!(since(s(45)), "45s");
        assert_eq!(since(s(59)), "59s");
        assert_eq!(since(s(60)), "1m");
        assert_eq!(since(s(119)), "1m");
        assert_eq!(since(s(125)), "2m");
        assert_eq!(since(s(12 * 60 + 59)), "12m");
        assert_eq!(since(s(3599)), "59m");
        assert_eq!(since(s(3600)), "1h00m");
        assert_eq!(since(s(3600 + 5 * 60 + 59)), "1h05m");
        assert_eq!(since(s(86_399)), "23h59m");
        assert_eq!(since(s(86_400)), "1d0h");
        assert_eq!(since(s(2 * 86_400 + 3 * 3600 + 59 * 60)), "2d3h");
        assert_eq!(since(s(400 * 86_400)), "400d0h");
    }

    #[test]
    fn response_left_at_each_boundary() {
        let s = TimeDelta::seconds;
        assert_eq!(response_left(s(0)), "00:00");
        assert_eq!(response_left(s(59)), "00:59");
        assert_eq!(response_left(s(179)), "02:59");
        assert_eq!(response_left(s(180)), "3m");
        assert_eq!(response_left(s(239)), "3m");
        assert_eq!(response_left(s(240)), "4m");
        assert_eq!(response_left(s(14 * 60 + 59)), "14m");
        assert_eq!(response_left(s(3599)), "59m");
        assert_eq!(response_left(s(3600)), "1h00m");
        assert_eq!(response_left(s(3600 + 5 * 60 + 1)), "1h05m");
        assert_eq!(
            response_left(TimeDelta::milliseconds(179_999)),
            "02:59",
            "a second not yet whole is not counted"
        );
    }
    use chrono::TimeDelta;

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse_duration("15m").unwrap().as_secs(), 900);
        assert_eq!(parse_duration("1h30m").unwrap().as_secs(), 5400);
        assert_eq!(parse_duration("1h 30m").unwrap().as_secs(), 5400);
        assert_eq!(parse_duration("72h").unwrap().as_secs(), 259_200);
        assert_eq!(parse_duration("15 min").unwrap().as_secs(), 900);
        assert_eq!(parse_duration("2 days").unwrap().as_secs(), 172_800);
        assert_eq!(parse_duration("1w").unwrap().as_secs(), 604_800);
    }

    #[test]
    fn rejects_bad_forms_with_reasons() {
        assert!(parse_duration("").unwrap_err().contains("empty"));
        assert!(parse_duration("15").unwrap_err().contains("needs a unit"));
        assert!(
            parse_duration("5 fortnights")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(
            parse_duration("m5")
                .unwrap_err()
                .contains("expected a number")
        );
        assert!(parse_duration("99999999999999999999s").is_err());
        // Clocks add durations to times: nothing past 100 years.
        assert!(parse_duration("5200w").is_ok());
        assert!(
            parse_duration("5300w")
                .unwrap_err()
                .contains("at most 100 years")
        );
    }

    #[test]
    fn formats_like_kubectl_and_clocks() {
        assert_eq!(age(TimeDelta::seconds(45)), "45s");
        assert_eq!(age(TimeDelta::seconds(125)), "2m5s");
        assert_eq!(age(TimeDelta::seconds(600)), "10m");
        assert_eq!(age(TimeDelta::seconds(3 * 3600 + 120)), "3h2m");
        assert_eq!(age(TimeDelta::seconds(3 * 86_400)), "3d");
        assert_eq!(age(TimeDelta::seconds(3 * 86_400 + 5 * 3600)), "3d5h");
        assert_eq!(age(TimeDelta::seconds(400 * 86_400)), "400d");
        assert_eq!(age(TimeDelta::seconds(800 * 86_400)), "2y70d");
        assert_eq!(age(TimeDelta::seconds(730 * 86_400)), "2y");
        assert_eq!(age(TimeDelta::seconds(3000 * 86_400)), "8y");
        assert_eq!(hms(TimeDelta::seconds(3725)), "01:02:05");
        assert_eq!(countdown(TimeDelta::seconds(-75)), "01:15");
        assert_eq!(human(Duration::from_secs(5400)), "1h30m");
    }
}

/// When something happened, as the IC types it: `now`, a time ago (`15m`,
/// `-15m`, `15m ago`), a local clock time (`13:05`, the latest such time
/// not after `now`) or a local date and time (`2026-11-22 13:05`). Never
/// after `now`.
pub fn parse_when(
    text: &str,
    now: DateTime<Utc>,
    tz: FixedOffset,
) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    let ago = t
        .strip_suffix("ago")
        .map(str::trim)
        .or_else(|| t.strip_prefix('-'))
        .unwrap_or(t);
    if let Ok(d) = parse_duration(ago)
        && let Ok(d) = chrono::TimeDelta::from_std(d)
    {
        return Ok(now - d);
    }
    let local_now = now.with_timezone(&tz);
    if let Ok(hm) = chrono::NaiveTime::parse_from_str(t, "%H:%M") {
        let mut at = local_now.date_naive().and_time(hm);
        if at > local_now.naive_local() {
            at -= chrono::TimeDelta::days(1);
        }
        return at
            .and_local_timezone(tz)
            .single()
            .map(|x| x.with_timezone(&Utc))
            .ok_or_else(|| format!("{t:?}: no such local time"));
    }
    if let Ok(at) = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M") {
        let at = at
            .and_local_timezone(tz)
            .single()
            .map(|x| x.with_timezone(&Utc))
            .ok_or_else(|| format!("{t:?}: no such local time"))?;
        if at > now {
            return Err(format!("{t} is in the future"));
        }
        return Ok(at);
    }
    Err(format!(
        "{t:?}: expected now, a time ago (15m), HH:MM or YYYY-MM-DD HH:MM"
    ))
}

#[cfg(test)]
mod when_tests {
    use super::*;

    #[test]
    fn the_ic_says_when_in_their_own_words() {
        let tz = FixedOffset::east_opt(3600).unwrap();
        // 13:00 UTC is 14:00 local.
        let now = DateTime::parse_from_rfc3339("2026-11-22T13:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |s: &str| parse_when(s, now, tz).map(|d| d.to_rfc3339());
        assert_eq!(at("now").unwrap(), "2026-11-22T13:00:00+00:00");
        assert_eq!(at("15m").unwrap(), "2026-11-22T12:45:00+00:00");
        assert_eq!(at("-1h").unwrap(), "2026-11-22T12:00:00+00:00");
        assert_eq!(at("20m ago").unwrap(), "2026-11-22T12:40:00+00:00");
        assert_eq!(at("13:50").unwrap(), "2026-11-22T12:50:00+00:00");
        // A clock time later than now is yesterday's.
        assert_eq!(at("14:30").unwrap(), "2026-11-21T13:30:00+00:00");
        assert_eq!(at("2026-11-22 09:15").unwrap(), "2026-11-22T08:15:00+00:00");
        assert!(at("2026-11-23 09:15").unwrap_err().contains("future"));
        assert!(at("soon").is_err());
    }

    /// Each clock text stays as it is until its duration crosses the
    /// next multiple of its step (`next_change`), at every magnitude and
    /// to the millisecond, counting up and down: what the render cache
    /// relies on to keep a pane's key.
    #[test]
    fn a_clock_text_stays_until_its_next_change() {
        type Text = fn(TimeDelta) -> String;
        type Step = fn(TimeDelta) -> i64;
        let clocks: [(&str, Text, Step); 6] = [
            ("age", age, age_step),
            ("since", since, since_step),
            ("countdown_coarse", countdown_coarse, countdown_coarse_step),
            ("response_left", response_left, response_left_step),
            ("countdown", countdown, |_| 1),
            ("hms", hms, |_| 1),
        ];
        let t0 = DateTime::from_timestamp(1_800_000_000, 123_456_789).unwrap();
        // Magnitudes around every regime's edge, and a pseudo-random walk.
        let mut at: Vec<i64> = [
            0,
            59,
            60,
            119,
            120,
            179,
            180,
            599,
            600,
            3599,
            3600,
            10_799,
            10_800,
            28_799,
            28_800,
            86_399,
            86_400,
            172_799,
            172_800,
            691_199,
            691_200,
            63_071_999,
            63_072_000,
            252_287_999,
            252_288_000,
        ]
        .iter()
        .flat_map(|s| [s * 1000 - 1, s * 1000, s * 1000 + 1, s * 1000 + 999])
        .collect();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            at.push((x % 400_000_000_000) as i64 / [1, 1000, 100_000][(x % 3) as usize]);
        }
        for (name, text, step) in clocks {
            for &ms in &at {
                for sign in [1, -1] {
                    // Counting up from t0 (an age), or down to it.
                    let now = t0 + TimeDelta::milliseconds(sign * ms);
                    let d = |n: DateTime<Utc>| if sign == 1 { n - t0 } else { t0 - n };
                    let d = move |n| d(n);
                    let shown = text(d(now));
                    let next = next_change(t0, now, step(d(now))).unwrap();
                    assert!(next >= now, "{name} at {ms} ms");
                    for probe in [next - TimeDelta::nanoseconds(1), now + (next - now) / 2] {
                        if probe > now {
                            assert_eq!(
                                text(d(probe)),
                                shown,
                                "{name} at {ms} ms (sign {sign}): changed before {next}"
                            );
                        }
                    }
                }
            }
        }
    }
}
