//! Text being typed, as plain data: the lines, the cursor, and what each
//! editing key does to them. The note and communication editors hold one
//! (in `state`), `update` gives it the keys, `ui::editor` draws it. No
//! widget, no terminal: every key is a pure function tested here.
//!
//! Keys, as in a shell's line editor: arrows, Home/End (Ctrl-A/Ctrl-E),
//! Backspace/Delete, Ctrl-W and Alt-Backspace delete a word back, Ctrl-K
//! and Ctrl-U delete to the end and the start of the line, Enter breaks
//! the line (in a multi-line text), Tab inserts spaces.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Text with a cursor. `row` indexes `lines`; `col` counts chars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    lines: Vec<String>,
    row: usize,
    col: usize,
    /// Enter breaks the line; a one-line text ignores it.
    multiline: bool,
    /// The frame around it says what it is for.
    pub title: String,
    /// Shown dimmed while the text is empty.
    pub placeholder: String,
}

impl Default for Text {
    /// An empty one-line text.
    fn default() -> Self {
        Self::line("")
    }
}

impl Text {
    /// An empty multi-line text.
    pub fn multiline(title: impl Into<String>) -> Self {
        Self {
            lines: vec![String::new()],
            row: 0,
            col: 0,
            multiline: true,
            title: title.into(),
            placeholder: String::new(),
        }
    }

    /// An empty one-line text (Enter is left to the caller).
    pub fn line(title: impl Into<String>) -> Self {
        Self {
            multiline: false,
            ..Self::multiline(title)
        }
    }

    /// Filled with `text`, the cursor at its start.
    pub fn with_text(mut self, text: &str) -> Self {
        self.lines = if self.multiline {
            text.split('\n').map(str::to_string).collect()
        } else {
            vec![text.replace(['\n', '\r'], " ")]
        };
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.row = 0;
        self.col = 0;
        self
    }

    /// The cursor after the last character (to edit what is there).
    pub fn at_end(mut self) -> Self {
        self.row = self.lines.len() - 1;
        self.col = self.line_len();
        self
    }

    pub fn with_placeholder(mut self, p: impl Into<String>) -> Self {
        self.placeholder = p.into();
        self
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The first (for a one-line text, the only) line.
    pub fn as_str(&self) -> &str {
        self.lines.first().map_or("", String::as_str)
    }

    /// Empties the text.
    pub fn clear(&mut self) {
        self.lines = vec![String::new()];
        self.row = 0;
        self.col = 0;
    }

    /// Keeps at most `n` characters of each line.
    pub fn truncate_chars(&mut self, n: usize) {
        for l in &mut self.lines {
            if let Some((at, _)) = l.char_indices().nth(n) {
                l.truncate(at);
            }
        }
        self.col = self.col.min(self.line_len());
    }

    /// The same text as dots (a secret), the cursor in the same place.
    pub fn masked(&self) -> Text {
        let mut t = self.clone();
        t.lines = self
            .lines
            .iter()
            .map(|l| "•".repeat(l.chars().count()))
            .collect();
        t
    }

    /// What the text shows while it is typed: a thin bar at the cursor.
    pub fn with_cursor(&self) -> String {
        let l = &self.lines[self.row];
        let at = self.byte_at(self.col);
        format!("{}▏{}", &l[..at], &l[at..])
    }

    /// The whole text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(String::is_empty)
    }

    /// The cursor: (line, char column).
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    fn line_len(&self) -> usize {
        self.lines[self.row].chars().count()
    }

    /// Byte index of char column `col` in the current line.
    fn byte_at(&self, col: usize) -> usize {
        let l = &self.lines[self.row];
        l.char_indices().nth(col).map_or(l.len(), |(i, _)| i)
    }

    pub fn insert_char(&mut self, c: char) {
        if c == '\n' {
            self.newline();
            return;
        }
        if c.is_control() {
            return;
        }
        let at = self.byte_at(self.col);
        self.lines[self.row].insert(at, c);
        self.col += 1;
    }

    /// Inserts pasted text; a one-line text takes its lines joined by spaces.
    pub fn insert_str(&mut self, s: &str) {
        let s = s.replace("\r\n", "\n").replace('\r', "\n");
        let s = if self.multiline {
            s
        } else {
            s.replace('\n', " ")
        };
        for c in s.chars() {
            if c == '\t' {
                self.insert_char(' ');
            } else {
                self.insert_char(c);
            }
        }
    }

    fn newline(&mut self) {
        if !self.multiline {
            return;
        }
        let at = self.byte_at(self.col);
        let rest = self.lines[self.row].split_off(at);
        self.lines.insert(self.row + 1, rest);
        self.row += 1;
        self.col = 0;
    }

    pub fn backspace(&mut self) {
        if self.col > 0 {
            let at = self.byte_at(self.col - 1);
            self.lines[self.row].remove(at);
            self.col -= 1;
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.line_len();
            self.lines[self.row].push_str(&line);
        }
    }

    pub fn delete(&mut self) {
        if self.col < self.line_len() {
            let at = self.byte_at(self.col);
            self.lines[self.row].remove(at);
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].push_str(&next);
        }
    }

    /// Deletes back to the start of the word before the cursor.
    pub fn delete_word_back(&mut self) {
        if self.col == 0 {
            self.backspace();
            return;
        }
        let chars: Vec<char> = self.lines[self.row].chars().collect();
        let mut start = self.col;
        while start > 0 && chars[start - 1].is_whitespace() {
            start -= 1;
        }
        while start > 0 && !chars[start - 1].is_whitespace() {
            start -= 1;
        }
        let (a, b) = (self.byte_at(start), self.byte_at(self.col));
        self.lines[self.row].replace_range(a..b, "");
        self.col = start;
    }

    pub fn delete_to_end(&mut self) {
        let at = self.byte_at(self.col);
        self.lines[self.row].truncate(at);
    }

    pub fn delete_to_start(&mut self) {
        let at = self.byte_at(self.col);
        self.lines[self.row].replace_range(..at, "");
        self.col = 0;
    }

    pub fn left(&mut self) {
        if self.col > 0 {
            self.col -= 1;
        } else if self.row > 0 {
            self.row -= 1;
            self.col = self.line_len();
        }
    }

    pub fn right(&mut self) {
        if self.col < self.line_len() {
            self.col += 1;
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        }
    }

    pub fn up(&mut self) {
        if self.row > 0 {
            self.row -= 1;
            self.col = self.col.min(self.line_len());
        }
    }

    pub fn down(&mut self) {
        if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = self.col.min(self.line_len());
        }
    }

    pub fn home(&mut self) {
        self.col = 0;
    }

    pub fn end(&mut self) {
        self.col = self.line_len();
    }

    /// Applies an editing key; false when the key is not one (the caller
    /// may give it another meaning).
    pub fn input(&mut self, key: &KeyEvent) -> bool {
        if key.kind == KeyEventKind::Release {
            return false;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char('a') if ctrl => self.home(),
            KeyCode::Char('e') if ctrl => self.end(),
            KeyCode::Char('b') if ctrl => self.left(),
            KeyCode::Char('f') if ctrl => self.right(),
            KeyCode::Char('h') if ctrl => self.backspace(),
            KeyCode::Char('d') if ctrl => self.delete(),
            KeyCode::Char('k') if ctrl => self.delete_to_end(),
            KeyCode::Char('u') if ctrl => self.delete_to_start(),
            KeyCode::Char('w') if ctrl => self.delete_word_back(),
            KeyCode::Char('j' | 'm') if ctrl && self.multiline => self.newline(),
            KeyCode::Char(_) if ctrl || alt => return false,
            KeyCode::Char(c) => self.insert_char(c),
            KeyCode::Backspace if alt => self.delete_word_back(),
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => self.delete(),
            KeyCode::Enter if self.multiline => self.newline(),
            KeyCode::Tab => self.insert_str("    "),
            KeyCode::Left => self.left(),
            KeyCode::Right => self.right(),
            KeyCode::Up if self.multiline => self.up(),
            KeyCode::Down if self.multiline => self.down(),
            KeyCode::Home => self.home(),
            KeyCode::End => self.end(),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(t: &mut Text, s: &str) {
        for c in s.chars() {
            let k = if c == '\n' {
                key(KeyCode::Enter)
            } else {
                key(KeyCode::Char(c))
            };
            assert!(t.input(&k));
        }
    }

    #[test]
    fn typing_breaking_lines_and_joining_them() {
        let mut t = Text::multiline("note");
        assert!(t.is_empty());
        typed(&mut t, "first line\nsecond");
        assert_eq!(t.text(), "first line\nsecond");
        assert_eq!(t.cursor(), (1, 6));
        t.home();
        t.backspace();
        assert_eq!(t.text(), "first linesecond");
        assert_eq!(t.cursor(), (0, 10));
        t.input(&key(KeyCode::Enter));
        assert_eq!(t.lines(), ["first line", "second"]);
        t.input(&key(KeyCode::Up));
        t.input(&key(KeyCode::End));
        t.delete();
        assert_eq!(t.text(), "first linesecond");
    }

    #[test]
    fn wide_and_multibyte_characters_move_by_char() {
        let mut t = Text::line("filter");
        typed(&mut t, "é漢x");
        t.left();
        t.backspace();
        assert_eq!(t.text(), "éx");
        t.home();
        t.delete();
        assert_eq!(t.text(), "x");
    }

    #[test]
    fn word_and_line_deletion() {
        let mut t = Text::line("x");
        typed(&mut t, "kubectl rollout  undo");
        t.input(&ctrl('w'));
        assert_eq!(t.text(), "kubectl rollout  ");
        t.input(&ctrl('w'));
        assert_eq!(t.text(), "kubectl ");
        t.input(&KeyEvent::new(KeyCode::Backspace, KeyModifiers::ALT));
        assert_eq!(t.text(), "");
        typed(&mut t, "abc def");
        t.input(&ctrl('a'));
        t.right();
        t.input(&ctrl('k'));
        assert_eq!(t.text(), "a");
        typed(&mut t, "bc");
        t.left();
        t.input(&ctrl('u'));
        assert_eq!(t.text(), "c");
        assert_eq!(t.cursor(), (0, 0));
    }

    #[test]
    fn a_one_line_text_never_breaks() {
        let mut t = Text::line("x");
        typed(&mut t, "a");
        assert!(!t.input(&key(KeyCode::Enter)), "Enter is the caller's");
        t.insert_str("b\nc\r\nd\te");
        assert_eq!(t.text(), "ab c d e");
        assert_eq!(t.lines().len(), 1);
        let t = Text::line("x").with_text("one\ntwo");
        assert_eq!(t.text(), "one two");
    }

    #[test]
    fn pasted_lines_keep_their_breaks_and_lose_controls() {
        let mut t = Text::multiline("x");
        t.insert_str("one\r\ntwo\u{1b}[2J\u{7}");
        assert_eq!(t.text(), "one\ntwo[2J");
        assert_eq!(t.cursor(), (1, 6));
    }

    #[test]
    fn cursor_moves_stay_in_the_text() {
        let mut t = Text::multiline("x").with_text("long line\nab");
        for _ in 0..20 {
            t.left();
            t.up();
        }
        assert_eq!(t.cursor(), (0, 0));
        t.end();
        t.down();
        assert_eq!(
            t.cursor(),
            (1, 2),
            "the column is clamped to the shorter line"
        );
        for _ in 0..20 {
            t.right();
            t.down();
        }
        assert_eq!(t.cursor(), (1, 2));
        t.backspace();
        t.backspace();
        t.backspace();
        assert_eq!(t.text(), "long line");
        assert_eq!(t.cursor(), (0, 9));
    }

    #[test]
    fn keys_that_are_not_editing_are_left_to_the_caller() {
        let mut t = Text::multiline("x");
        assert!(!t.input(&ctrl('s')), "Ctrl-S saves: the caller's");
        assert!(!t.input(&key(KeyCode::Esc)));
        assert!(!t.input(&KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT)));
        assert!(t.is_empty());
    }
}
