//! Headings.

use super::check::timebox_ok;
use super::importer::words;
use super::names::{capitalize_parts, recase};
use super::times::{Timing, parse_timing};
use regex::Regex;
use std::sync::LazyLock;

#[derive(Clone, Debug, Default)]
pub(super) struct Head {
    /// Numbering, time box and severity stripped, recased.
    pub(super) name: String,
    /// Numbering stripped, recased, parentheses kept.
    pub(super) full: String,
    pub(super) timebox: Option<String>,
    /// The time box when it is only an end ("Within 24 hours").
    pub(super) within: Option<String>,
    pub(super) severity: Option<String>,
    pub(super) numbered: bool,
    pub(super) name_is_timing: bool,
}

pub(super) static PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*(?:\(([^()]*)\)|\[([^\[\]]*)\])").expect("regex"));
static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?i:step)\s*\d+\s*[.:)\-–—]?\s+|\d+(?:\.\d+)+\.?\s+|\d+[.)]\s+)")
        .expect("regex")
});
/// Where a heading's trailing part starts: ` - `, ` — `, ` | `, `: `.
static TRAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+[-–—|]\s+|:\s+").expect("regex"));
const SEV_ID: &str = r"(?i:P[0-5]|SEV[- ]?[0-5])";
static SEV_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^{SEV_ID}$")).expect("regex"));
pub(super) static SEV_ANY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"\b{SEV_ID}\b")).expect("regex"));

fn strip_numbering(t: &str) -> (&str, bool) {
    match NUMBERING.find(t) {
        Some(m) => (&t[m.end()..], true),
        None => (t, false),
    }
}

pub(super) fn normalize_sev(s: &str) -> String {
    s.to_uppercase().replace(['-', ' '], "")
}

pub(super) fn clean_heading(raw: &str) -> Head {
    let t = raw.trim().trim_end_matches(':').trim();
    let (t, numbered) = strip_numbering(t);
    let full = recase(t, true);
    let mut head = Head {
        numbered,
        full: full.clone(),
        ..Default::default()
    };
    let apply = |head: &mut Head, tm: Timing| match tm {
        Timing::Range(s) => head.timebox = Some(s),
        Timing::Within(s) => {
            head.timebox = timebox_ok(&s).then(|| s.clone());
            head.within = Some(s);
        }
    };
    if let Some(tm) = parse_timing(t) {
        apply(&mut head, tm);
        head.name = full;
        head.name_is_timing = true;
        return head;
    }
    let mut name = String::new();
    let mut last = 0;
    for c in PAREN.captures_iter(t) {
        let whole = c.get(0).expect("match");
        let inner = c.get(1).or(c.get(2)).map_or("", |m| m.as_str()).trim();
        let keep = if SEV_ONLY.is_match(inner) {
            head.severity.get_or_insert(normalize_sev(inner));
            false
        } else if let Some(tm) = parse_timing(inner) {
            apply(&mut head, tm);
            false
        } else {
            true
        };
        name.push_str(&t[last..whole.start()]);
        if keep {
            name.push_str(whole.as_str());
        }
        last = whole.end();
    }
    name.push_str(&t[last..]);
    // "Fail over - P1", "Triage — 0-10 min"
    if let Some(m) = TRAIL.find_iter(&name).last() {
        let tail = name[m.end()..].trim().to_string();
        let start = m.start();
        if SEV_ONLY.is_match(&tail) {
            head.severity.get_or_insert(normalize_sev(&tail));
            name.truncate(start);
        } else if let Some(Timing::Range(s)) = parse_timing(&tail) {
            head.timebox = Some(s);
            name.truncate(start);
        }
    }
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = name.trim_matches(|c: char| matches!(c, ':' | '-' | '–' | '—' | '|' | ',' | ' '));
    head.name = if name.is_empty() {
        full
    } else {
        recase(name, true)
    };
    head
}

/// A severity heading: `P0 - CRITICAL`, `Critical (P0) - 15 minutes
/// response time`, `SEV2 (Major)`.
#[derive(Debug, PartialEq)]
pub(super) struct SevHead {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) response: Option<String>,
}

static SEV_A: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^({SEV_ID})\s*(?:[-–—:|]\s*(.+))?$")).expect("regex"));
static SEV_B: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(.+?)\s*[(\[]({SEV_ID})[)\]]\s*(?:[-–—:|]\s*(.+))?$"
    ))
    .expect("regex")
});
static SEV_C: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^({SEV_ID})\s*\(([^)]+)\)\s*(?:[-–—:|]\s*(.+))?$"
    ))
    .expect("regex")
});

fn is_severity_word(name: &str) -> bool {
    const W: &[&str] = &[
        "critical",
        "high",
        "medium",
        "moderate",
        "low",
        "major",
        "minor",
        "urgent",
        "emergency",
        "severe",
        "warning",
        "info",
        "informational",
        "blocker",
        "trivial",
        "normal",
        "elevated",
    ];
    let w = words(name);
    !w.is_empty() && w.iter().all(|x| W.contains(&x.as_str()))
}

pub(super) fn severity_heading(title: &str, in_severity: bool) -> Option<SevHead> {
    let (t, _) = strip_numbering(title.trim().trim_end_matches(':').trim());
    let (id, name, rest) = if let Some(c) = SEV_C.captures(t) {
        (c[1].to_string(), c[2].to_string(), c.get(3))
    } else if let Some(c) = SEV_A.captures(t) {
        let tail = c.get(2).map_or("", |m| m.as_str());
        // "P0 - CRITICAL" or "P0 - Critical - 15 minutes"
        let (name, rest) = match tail.split_once(" - ") {
            Some((n, r)) => (n, Some(r)),
            None => (tail, None),
        };
        return finish_sev(&c[1], name, rest, in_severity);
    } else if let Some(c) = SEV_B.captures(t) {
        (c[2].to_string(), c[1].to_string(), c.get(3))
    } else {
        return None;
    };
    finish_sev(&id, &name, rest.map(|m| m.as_str()), in_severity)
}

fn finish_sev(id: &str, name: &str, rest: Option<&str>, in_severity: bool) -> Option<SevHead> {
    let name = name.trim();
    if !(in_severity || is_severity_word(name)) {
        return None;
    }
    let id = normalize_sev(id);
    Some(SevHead {
        name: if name.is_empty() {
            id.clone()
        } else if is_severity_word(name) {
            capitalize_parts(&name.to_lowercase(), true)
        } else {
            recase(name, true)
        },
        id,
        response: rest.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
    })
}
