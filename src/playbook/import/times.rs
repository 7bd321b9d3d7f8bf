//! Times.

use super::check::{duration_ok, timebox_ok};
use regex::Regex;
use std::sync::LazyLock;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Timing {
    /// `0-15m`, `15m-30m`
    Range(String),
    /// Only an end: `24h`
    Within(String),
}

const UNIT: &str =
    r"(seconds?|secs?|s|minutes?|mins?|months?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)";
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:t\s*\+\s*)?(\d+)\s*{UNIT}?\s*(?:-|to)\s*(?:t\s*\+\s*)?(\d+)\s*{UNIT}$"
    ))
    .expect("regex")
});
static FIRST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^(?:the\s+)?first\s+(\d+)?\s*{UNIT}$")).expect("regex"));
static WITHIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:within|<|≤|<=|under|up to|less than|max|by)?\s*(\d+)\s*{UNIT}$"
    ))
    .expect("regex")
});
static ANY_DURATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(\d+(?:\.\d+)?)\s*{UNIT}\b")).expect("regex"));
pub(super) static CADENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)updates?\s+every\s+(\d+)\s*(minutes?|mins?|hours?|hrs?)\b").expect("regex")
});

/// `15` `minutes` → `15m`; months are 30 days.
/// `15 min` → `15m`, when that is a duration lint accepts (a runbook's
/// 18446744073709551615 hours is not).
pub(super) fn unit_duration(n: &str, unit: &str) -> Option<String> {
    written_duration(n, unit).filter(|d| duration_ok(d))
}

fn written_duration(n: &str, unit: &str) -> Option<String> {
    let u = unit.to_lowercase();
    let (mult, letter) = if u.starts_with("mo") {
        (30.0, 'd')
    } else {
        match u.chars().next()? {
            's' => (1.0, 's'),
            'm' => (1.0, 'm'),
            'h' => (1.0, 'h'),
            'd' => (1.0, 'd'),
            'w' => (1.0, 'w'),
            _ => return None,
        }
    };
    let n: f64 = n.parse().ok()?;
    let v = n * mult;
    if v.fract() == 0.0 {
        return Some(format!("{}{letter}", v as u64));
    }
    // 1.5h → 90m
    let (smaller, factor) = match letter {
        'w' => ('d', 7.0),
        'd' => ('h', 24.0),
        'h' => ('m', 60.0),
        _ => ('s', 60.0),
    };
    Some(format!("{}{smaller}", (v * factor).round() as u64))
}

pub(super) fn parse_timing(text: &str) -> Option<Timing> {
    let t = text
        .trim()
        .to_lowercase()
        .replace(['–', '—'], "-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(c) = FIRST.captures(&t) {
        let n = c.get(1).map_or("1", |m| m.as_str());
        return Some(Timing::Range(format!("0-{}", unit_duration(n, &c[2])?)));
    }
    if let Some(c) = RANGE.captures(&t) {
        let end_unit = &c[4];
        let start_unit = c.get(2).map_or(end_unit, |m| m.as_str());
        let end = unit_duration(&c[3], end_unit)?;
        let start: u64 = c[1].parse().ok()?;
        let range = if start == 0 {
            format!("0-{end}")
        } else {
            format!("{}-{end}", unit_duration(&c[1], start_unit)?)
        };
        // `T+92 to T+45 min` ends before it starts: not a time box.
        return timebox_ok(&range).then_some(Timing::Range(range));
    }
    if let Some(c) = WITHIN.captures(&t) {
        return Some(Timing::Within(unit_duration(&c[1], &c[2])?));
    }
    None
}

/// A severity's response time: `15m`, `1h`, or `next business day`.
pub(super) fn parse_response(text: &str) -> Option<String> {
    let l = text.to_lowercase();
    if l.contains("business day") || l.contains("next day") {
        return Some("next business day".into());
    }
    if let Some(c) = ANY_DURATION.captures(&l) {
        return unit_duration(&c[1], &c[2]);
    }
    l.contains("immediate").then(|| "0m".into())
}
