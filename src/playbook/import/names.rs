//! Names and ids.

use std::collections::HashSet;

/// ALL-CAPS text recased: `IMMEDIATE ACTIONS` → `Immediate Actions`
/// (`title`) or `Immediate actions`. Short all-caps words (`RDS`, `API`,
/// `P0`) are kept; mixed-case words (`DDoS`) too.
pub(super) fn recase(s: &str, title: bool) -> String {
    const SHORT: &[&str] = &[
        "THE", "AND", "FOR", "NEW", "ALL", "OFF", "OUT", "GET", "SET", "RUN", "USE", "NOT", "ANY",
        "PER", "VIA", "NOW", "TOP", "TO", "OF", "IN", "ON", "AT", "A", "AN", "OR", "IF", "BY",
        "IS", "BE", "UP", "NO", "ADD", "FIX", "LOG", "ONE", "TWO", "KEY", "CAN", "OWN", "HOW",
        "WHO", "WHY", "OLD", "BAD", "END", "DAY", "ASK", "BUT", "ITS", "OUR", "YOU", "ARE", "WAS",
        "HAS", "LET", "PUT", "TRY", "SEE", "MAY", "FEW", "LOW", "DO", "GO", "AS", "IT", "WE", "MY",
        "SO",
    ];
    const SMALL: &[&str] = &[
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
        "to", "with", "via", "vs",
    ];
    let caps_word = |w: &str| {
        let letters: String = w.chars().filter(|c| c.is_alphabetic()).collect();
        !letters.is_empty()
            && letters.chars().all(|c| c.is_uppercase())
            && (letters.chars().count() > 3 || SHORT.contains(&letters.as_str()))
    };
    let letters: String = s.chars().filter(|c| c.is_alphabetic()).collect();
    // One all-caps word of up to 4 letters is an acronym (`GDPR`), unless
    // it is a common word.
    let all_caps = !letters.is_empty()
        && letters.chars().all(|c| c.is_uppercase())
        && (letters.chars().count() > 4 || SHORT.contains(&letters.as_str()));
    let shouting = all_caps || s.split_whitespace().filter(|w| caps_word(w)).count() >= 2;
    if !shouting {
        return s.to_string();
    }
    let mut out = Vec::new();
    let mut first = true;
    for w in s.split(' ') {
        if !caps_word(w) {
            if w.chars().any(char::is_alphabetic) {
                first = false;
            }
            out.push(w.to_string());
            continue;
        }
        let lower = w.to_lowercase();
        let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
        let word = if first {
            capitalize_parts(&lower, title)
        } else if title && !SMALL.contains(&bare) {
            capitalize_parts(&lower, true)
        } else {
            lower
        };
        first = false;
        out.push(word);
    }
    out.join(" ")
}

/// `post-incident` → `Post-Incident` (every part) or `Post-incident`.
pub(super) fn capitalize_parts(w: &str, every: bool) -> String {
    let mut out = String::new();
    let mut up = true;
    for c in w.chars() {
        if up && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
        if every && (c == '-' || c == '/') {
            up = true;
        }
    }
    out
}

pub(super) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            continue;
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.len() <= 40 {
        return out.to_string();
    }
    let cut = &out[..40];
    match cut.rfind('-') {
        Some(i) if i >= 12 => cut[..i].to_string(),
        _ => cut.trim_end_matches('-').to_string(),
    }
}

/// Ids unique in one scope: `x`, `x-2`, `x-3`.
#[derive(Default)]
pub(super) struct Ids(HashSet<String>);

impl Ids {
    pub(super) fn take(&mut self, base: &str, fallback: &str) -> String {
        let base = if base.is_empty() { fallback } else { base };
        let mut id = base.to_string();
        let mut n = 2;
        while !self.0.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// A title from the command itself: its first line, cut near 60 chars.
pub(super) fn auto_title(run: &str) -> String {
    let first = run.lines().next().unwrap_or("");
    let line = first.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= 60 && !run.contains('\n') {
        return line;
    }
    let mut out = String::new();
    for w in line.split(' ') {
        if out.chars().count() + w.chars().count() + 1 > 60 && !out.is_empty() {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.push('…');
    out
}
