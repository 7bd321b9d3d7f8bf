//! Strings from outside (pod names, alert labels, command output, playbook
//! text, other seats' notes) must never reach the terminal with control
//! sequences. `clean` neutralises them: C0 and C1 controls (ESC, CSI, OSC,
//! BEL...), DEL and bidirectional overrides become visible `�`-free
//! placeholders, so nothing is hidden and nothing is interpreted.

use std::borrow::Cow;

fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200E}' | '\u{200F}' |            // LRM, RLM
            '\u{202A}'..='\u{202E}' |            // LRE, RLE, PDF, LRO, RLO
            '\u{2066}'..='\u{2069}' |            // LRI, RLI, FSI, PDI
            '\u{061C}'                           // Arabic letter mark
        )
}

/// One line of display text: every control character, including newlines
/// and tabs, is replaced (tab by a space, others by a visible escape).
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            '\n' | '\r' => out.push('⏎'),
            c if is_dangerous(c) => {
                if (c as u32) < 0x80 || c.is_control() {
                    // Visible and inert: ESC becomes "^[", BEL "^G", C1 "<U+009B>".
                    let v = c as u32;
                    if v < 0x20 {
                        out.push('^');
                        out.push(char::from_u32(v + 0x40).unwrap_or('?'));
                    } else if v == 0x7f {
                        out.push_str("^?");
                    } else {
                        out.push_str(&format!("<U+{v:04X}>"));
                    }
                } else {
                    out.push_str(&format!("<U+{:04X}>", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Multi-line text (notes, messages): split into lines, each cleaned.
pub fn clean_lines(s: &str) -> impl Iterator<Item = Cow<'_, str>> {
    s.split('\n')
        .map(|l| clean(l.strip_suffix('\r').unwrap_or(l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(clean("dicps-api-7d9f"), Cow::Borrowed(_)));
    }

    #[test]
    fn osc52_and_screen_clear_are_inert() {
        let hostile = "ok\x1b]52;c;ZXZpbA==\x07 then \x1b[2J done";
        let shown = clean(hostile);
        assert!(!shown.contains('\x1b'));
        assert!(!shown.contains('\x07'));
        assert_eq!(shown, "ok^[]52;c;ZXZpbA==^G then ^[[2J done");
    }

    #[test]
    fn c1_and_bidi_are_neutralised() {
        let shown = clean("a\u{9b}31mb\u{202E}evil");
        assert_eq!(shown, "a<U+009B>31mb<U+202E>evil");
    }

    #[test]
    fn newlines_and_tabs() {
        assert_eq!(clean("a\tb\nc"), "a b⏎c");
        let lines: Vec<_> = clean_lines("one\r\ntwo\x1b").collect();
        assert_eq!(lines, vec!["one", "two^["]);
    }
}
