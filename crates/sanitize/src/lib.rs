//! Strings from outside (pod names, alert labels, command output, playbook
//! text, other seats' notes) must never reach the terminal with control
//! sequences. `clean` neutralises them: C0 and C1 controls (ESC, CSI, OSC,
//! BEL...), DEL, bidirectional overrides and the invisible format
//! characters that can hide or disguise text become visible placeholders
//! (`^[`, `<U+202E>`), so nothing is hidden and nothing is interpreted.
//!
//! What counts, and why:
//! - every control character (C0, DEL, C1): ESC starts CSI/OSC/DCS, the C1
//!   controls are their 8-bit forms (U+009B is a CSI by itself), BEL ends
//!   an OSC;
//! - bidirectional controls (LRE..RLO, LRI..PDI, LRM, RLM, ALM): they
//!   reorder what follows, so `rm -rf /tmp\u{202E}fdp.` shows a different
//!   command than the one there;
//! - U+2028 and U+2029 (line and paragraph separators): some terminals and
//!   tools break lines on them;
//! - invisible characters that make two different names look the same or
//!   hide text: soft hyphen, zero width space, word joiner and the
//!   invisible operators, the deprecated format controls (U+206A..F), the
//!   byte order mark, interlinear annotation marks, the Mongolian vowel
//!   separator, musical formatting marks, Hangul fillers, and tag
//!   characters (U+E0000..U+E007F: invisible ASCII, used to smuggle text)
//!   except inside an emoji tag sequence (the flags of England, Scotland,
//!   Wales: U+1F3F4 followed by tags).
//!
//! Kept on purpose: ZWNJ and ZWJ (U+200C, U+200D) and the variation
//! selectors. Emoji sequences (`👩‍💻`, `✔️`) and Persian and Indic writing
//! need them, and they only change how neighbouring glyphs join: they
//! cannot hide, reorder or run anything.
//!
//! The timeline file keeps the text exactly as it came, but writes every
//! such character as a `\uXXXX` escape (`json`), so `cat` or `tail -f` on
//! the file is as inert as the screen.

use std::borrow::Cow;

/// The emoji tag sequence base (WAVING BLACK FLAG).
const TAG_BASE: char = '\u{1F3F4}';

fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0000}'..='\u{E007F}')
}

/// A character that is never shown or written raw (see the module doc).
pub fn is_dangerous(c: char) -> bool {
    c.is_control()
        || is_tag(c)
        || matches!(c,
            '\u{200E}' | '\u{200F}' |            // LRM, RLM
            '\u{202A}'..='\u{202E}' |            // LRE, RLE, PDF, LRO, RLO
            '\u{2066}'..='\u{2069}' |            // LRI, RLI, FSI, PDI
            '\u{061C}' |                         // Arabic letter mark
            '\u{2028}' | '\u{2029}' |            // line, paragraph separator
            '\u{00AD}' |                         // soft hyphen
            '\u{180E}' |                         // Mongolian vowel separator
            '\u{200B}' |                         // zero width space
            '\u{2060}'..='\u{2064}' |            // word joiner, invisible operators
            '\u{206A}'..='\u{206F}' |            // deprecated format controls
            '\u{FEFF}' |                         // byte order mark / ZWNBSP
            '\u{FFF9}'..='\u{FFFB}' |            // interlinear annotation
            '\u{1D173}'..='\u{1D17A}' |          // musical formatting
            '\u{3164}' | '\u{FFA0}'              // Hangul fillers
        )
}

/// Whether `c`, a tag character, is part of an emoji tag sequence that
/// started with the flag base (the tags spell the flag: `gbeng`).
fn tag_allowed(in_flag: bool, c: char) -> bool {
    in_flag && matches!(c, '\u{E0020}'..='\u{E007F}')
}

/// Whether a string has anything `clean` would change.
pub fn is_clean(s: &str) -> bool {
    let mut in_flag = false;
    for c in s.chars() {
        if is_dangerous(c) && !tag_allowed(in_flag, c) {
            return false;
        }
        in_flag = c == TAG_BASE || (in_flag && is_tag(c) && c != '\u{E007F}');
    }
    true
}

/// One line of display text: every control character, including newlines
/// and tabs, is replaced (tab by a space, others by a visible escape).
pub fn clean(s: &str) -> Cow<'_, str> {
    if is_clean(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut in_flag = false;
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            '\n' | '\r' => out.push('⏎'),
            c if is_dangerous(c) && !tag_allowed(in_flag, c) => {
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
            }
            c => out.push(c),
        }
        in_flag = c == TAG_BASE || (in_flag && is_tag(c) && c != '\u{E007F}');
    }
    Cow::Owned(out)
}

/// Multi-line text (notes, messages): split into lines, each cleaned.
pub fn clean_lines(s: &str) -> impl Iterator<Item = Cow<'_, str>> {
    s.split('\n')
        .map(|l| clean(l.strip_suffix('\r').unwrap_or(l)))
}

/// Multi-line text for a terminal line by line (error messages that quote
/// a file, warnings): the newlines stay, every line is cleaned.
pub fn clean_text(s: &str) -> String {
    clean_lines(s).collect::<Vec<_>>().join("\n")
}

/// The last line of defence before the terminal: a rendered frame's cells
/// with anything dangerous a pane forgot to `clean` taken out (ratatui
/// already drops C0 and C1 controls, but appends zero-width characters such
/// as bidi overrides to the cell before them).
pub fn inert_cells(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        inert_cell(cell);
    }
}

/// `inert_cells` over the cells of `area` only (a pane drawn again).
pub fn inert_cells_in(buf: &mut ratatui::buffer::Buffer, area: ratatui::layout::Rect) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        let start = buf.index_of(area.x, y);
        for cell in &mut buf.content[start..start + area.width as usize] {
            inert_cell(cell);
        }
    }
}

fn inert_cell(cell: &mut ratatui::buffer::Cell) {
    let sym = cell.symbol();
    if !is_clean(sym) {
        let kept: String = sym.chars().filter(|c| !is_dangerous(*c)).collect();
        cell.set_symbol(if kept.is_empty() { " " } else { &kept });
    }
}

/// JSON whose text cannot drive a terminal: every character `is_dangerous`
/// finds is written as a `\uXXXX` escape (serde_json escapes C0 controls,
/// but writes DEL, C1 controls, bidi overrides and the rest raw). The data
/// is unchanged: it reads back identically.
pub mod json {
    use serde::Serialize;
    use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
    use std::io::{self, Write};

    /// A formatter that escapes what `is_dangerous` finds, around another.
    pub struct Inert<F>(pub F);

    fn escape(w: &mut (impl Write + ?Sized), c: char) -> io::Result<()> {
        let mut units = [0u16; 2];
        for u in c.encode_utf16(&mut units) {
            write!(w, "\\u{u:04x}")?;
        }
        Ok(())
    }

    impl<F: Formatter> Formatter for Inert<F> {
        fn write_string_fragment<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            fragment: &str,
        ) -> io::Result<()> {
            let mut start = 0;
            for (i, c) in fragment.char_indices() {
                if super::is_dangerous(c) {
                    w.write_all(&fragment.as_bytes()[start..i])?;
                    escape(w, c)?;
                    start = i + c.len_utf8();
                }
            }
            w.write_all(&fragment.as_bytes()[start..])
        }
        fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.begin_array(w)
        }
        fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.end_array(w)
        }
        fn begin_array_value<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> io::Result<()> {
            self.0.begin_array_value(w, first)
        }
        fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.end_array_value(w)
        }
        fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.begin_object(w)
        }
        fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.end_object(w)
        }
        fn begin_object_key<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> io::Result<()> {
            self.0.begin_object_key(w, first)
        }
        fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.end_object_key(w)
        }
        fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.begin_object_value(w)
        }
        fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.end_object_value(w)
        }
    }

    /// One line of JSON (a timeline record), inert.
    pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(128);
        let mut ser = serde_json::Serializer::with_formatter(&mut out, Inert(CompactFormatter));
        value.serialize(&mut ser)?;
        Ok(out)
    }

    /// Indented JSON (the exported facts), inert.
    pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
        let mut out = Vec::with_capacity(1024);
        let mut ser =
            serde_json::Serializer::with_formatter(&mut out, Inert(PrettyFormatter::new()));
        value.serialize(&mut ser)?;
        // Only valid UTF-8 is ever written (escapes are ASCII).
        String::from_utf8(out).map_err(serde::ser::Error::custom)
    }
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
        assert_eq!(clean_text("one\r\ntwo\x1b[2J"), "one\ntwo^[[2J");
    }

    #[test]
    fn separators_and_invisible_spoofers_are_shown() {
        assert_eq!(clean("a\u{2028}b\u{2029}c"), "a<U+2028>b<U+2029>c");
        assert_eq!(
            clean("pro\u{200B}d\u{00AD}\u{FEFF}\u{2060}"),
            "pro<U+200B>d<U+00AD><U+FEFF><U+2060>"
        );
        // Invisible ASCII smuggled in tag characters.
        assert_eq!(clean("ok\u{E0041}\u{E0042}"), "ok<U+E0041><U+E0042>");
    }

    #[test]
    fn emoji_sequences_stay_whole() {
        for legit in [
            "👩\u{200D}💻 on call", // ZWJ sequence
            "✔\u{FE0F} done",       // variation selector
            "می\u{200C}خواهم",      // ZWNJ in Persian
            "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} team", // flag of England
        ] {
            assert!(matches!(clean(legit), Cow::Borrowed(_)), "{legit}");
        }
        // Tags outside a flag, or after its cancel tag, are not.
        assert_eq!(
            clean("🏴\u{E0067}\u{E007F}\u{E0041}"),
            "🏴\u{E0067}\u{E007F}<U+E0041>"
        );
    }

    #[test]
    fn cells_lose_what_a_pane_forgot() {
        let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 6, 1));
        buf[(0, 0)].set_symbol("a\u{202E}");
        buf[(1, 0)].set_symbol("\u{1b}");
        buf[(2, 0)].set_symbol("b");
        inert_cells(&mut buf);
        assert_eq!(buf[(0, 0)].symbol(), "a");
        assert_eq!(buf[(1, 0)].symbol(), " ");
        assert_eq!(buf[(2, 0)].symbol(), "b");
    }

    #[test]
    fn a_redrawn_area_loses_what_a_pane_forgot_and_the_rest_is_left_alone() {
        // A 5x3 area at (2, 1) of an 8x4 buffer, clipped by nothing.
        let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 8, 4));
        for y in 0..4 {
            for x in 0..8 {
                buf[(x, y)].set_symbol("x\u{202E}");
            }
        }
        inert_cells_in(&mut buf, ratatui::layout::Rect::new(2, 1, 5, 3));
        for y in 0..4 {
            for x in 0..8 {
                let inside = (2..7).contains(&x) && (1..4).contains(&y);
                let want = if inside { "x" } else { "x\u{202E}" };
                assert_eq!(buf[(x, y)].symbol(), want, "cell ({x}, {y})");
            }
        }
        // An area reaching past the buffer is clipped to it.
        inert_cells_in(&mut buf, ratatui::layout::Rect::new(6, 0, 10, 10));
        assert_eq!(buf[(7, 0)].symbol(), "x");
        assert_eq!(buf[(5, 0)].symbol(), "x\u{202E}");
    }

    #[test]
    fn indented_json_is_laid_out_as_serde_json_lays_it_out() {
        // The inert formatter passes every layout call on: the same text
        // as serde_json's own, escapes aside.
        let v = serde_json::json!({ "a": [1, [2, {}], []], "b": { "c": "d", "e": [] } });
        assert_eq!(
            json::to_string_pretty(&v).unwrap(),
            serde_json::to_string_pretty(&v).unwrap()
        );
        assert_eq!(
            String::from_utf8(json::to_vec(&v).unwrap()).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
    }

    #[test]
    fn json_escapes_every_dangerous_character_and_reads_back_the_same() {
        let text = "a\x1b]52;c;eA==\x07 \x1b[2J \u{9b}31m \u{202E}rtl \u{7f} \u{2028} \u{E0041} é ✔ 👩\u{200D}💻";
        let line = json::to_vec(&serde_json::json!({ "text": text, "k\u{85}": 1 })).unwrap();
        let s = String::from_utf8(line.clone()).unwrap();
        assert!(s.chars().all(|c| !is_dangerous(c)), "{s}");
        assert!(s.contains(r"\u001b]52;c;eA==\u0007"), "{s}");
        assert!(s.contains(r"\u009b31m"), "{s}");
        assert!(s.contains(r"\u202ertl"), "{s}");
        assert!(s.contains(r"\u007f"), "{s}");
        assert!(s.contains(r"\udb40\udc41"), "a surrogate pair: {s}");
        assert!(s.contains(r"\u0085"), "keys too: {s}");
        assert!(s.contains("é ✔ 👩\u{200D}💻"), "{s}");
        let back: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(back["text"], text);
        assert_eq!(back["k\u{85}"], 1);
        let pretty = json::to_string_pretty(&serde_json::json!({ "a": [text] })).unwrap();
        assert!(pretty.contains("\n  \"a\": [\n"), "{pretty}");
        assert!(
            pretty.chars().all(|c| !is_dangerous(c) || c == '\n'),
            "{pretty}"
        );
        let back: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(back["a"][0], text);
    }
}
