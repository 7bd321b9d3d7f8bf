//! A command line cut into simple commands, roughly as a shell reads it:
//! words with their quotes removed, redirections, here-documents and
//! here-strings, and the text of every `$(…)`, backquote and `<(…)`
//! substitution (analysed on its own). Never fails: unbalanced quotes end
//! at the end of the text.

/// One simple command.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Simple {
    pub words: Vec<String>,
    /// `(operator, target)`: `(">", "out.txt")`, `("<", "dump.sql")`,
    /// `(">&", "1")`.
    pub redirs: Vec<(String, String)>,
    /// The bodies of its here-documents and here-strings: what it reads
    /// on its standard input.
    pub stdin: Vec<String>,
}

/// Simple commands of `line`, and the texts of its substitutions.
pub fn lex(line: &str) -> (Vec<Simple>, Vec<String>) {
    let mut l = Lexer {
        chars: line.chars().collect(),
        pos: 0,
        out: Vec::new(),
        subs: Vec::new(),
        cur: Simple::default(),
        word: String::new(),
        in_word: false,
        pending_redir: None,
        heredocs: Vec::new(),
    };
    l.run();
    (l.out, l.subs)
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    out: Vec<Simple>,
    subs: Vec<String>,
    cur: Simple,
    word: String,
    in_word: bool,
    /// The operator whose target is the next word.
    pending_redir: Option<String>,
    /// Here-docs opened on this line: (index of the command, delimiter,
    /// strip leading tabs).
    heredocs: Vec<(usize, String, bool)>,
}

impl Lexer {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    fn end_word(&mut self) {
        if !self.in_word {
            return;
        }
        let w = std::mem::take(&mut self.word);
        self.in_word = false;
        match self.pending_redir.take() {
            Some(op) if op == "<<" || op == "<<-" => {
                self.heredocs.push((self.out.len(), w.clone(), op == "<<-"));
                self.cur.redirs.push((op, w));
            }
            Some(op) if op == "<<<" => {
                self.cur.stdin.push(w.clone());
                self.cur.redirs.push((op, w));
            }
            Some(op) => self.cur.redirs.push((op, w)),
            None => self.cur.words.push(w),
        }
    }

    fn end_command(&mut self) {
        self.end_word();
        self.pending_redir = None;
        let c = std::mem::take(&mut self.cur);
        if !c.words.is_empty() || !c.redirs.is_empty() {
            self.out.push(c);
        } else {
            // Keep indices of here-docs right: they point at `out.len()`
            // when opened, and an empty command is never pushed.
        }
    }

    /// Text up to the `close` matching an already consumed opener,
    /// respecting quotes and nesting; the position ends after it.
    fn balanced(&mut self, open: char, close: char) -> String {
        let mut depth = 1;
        let mut s = String::new();
        let (mut sq, mut dq) = (false, false);
        while let Some(c) = self.peek(0) {
            self.pos += 1;
            if sq {
                sq = c != '\'';
            } else if c == '\\' {
                s.push(c);
                if let Some(n) = self.peek(0) {
                    s.push(n);
                    self.pos += 1;
                }
                continue;
            } else if dq {
                dq = c != '"';
            } else if c == '\'' {
                sq = true;
            } else if c == '"' {
                dq = true;
            } else if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return s;
                }
            }
            s.push(c);
        }
        s
    }

    fn backquoted(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek(0) {
            self.pos += 1;
            match c {
                '`' => break,
                '\\' => {
                    if let Some(n) = self.peek(0) {
                        s.push(n);
                        self.pos += 1;
                    }
                }
                _ => s.push(c),
            }
        }
        s
    }

    /// `$…` at the current position (the `$` not consumed yet).
    fn dollar(&mut self) {
        match (self.peek(1), self.peek(2)) {
            (Some('('), Some('(')) => {
                self.pos += 3;
                let inner = self.balanced('(', ')');
                // `$(( … ))`: the second `)`.
                if self.peek(0) == Some(')') {
                    self.pos += 1;
                }
                self.word.push_str(&format!("$(({inner}))"));
            }
            (Some('('), _) => {
                self.pos += 2;
                let inner = self.balanced('(', ')');
                self.word.push_str(&format!("$({inner})"));
                self.subs.push(inner);
            }
            (Some('{'), _) => {
                self.pos += 2;
                let inner = self.balanced('{', '}');
                self.word.push_str(&format!("${{{inner}}}"));
                // `${X:-$(rm -rf /data)}` runs its default: the text is
                // analysed as a quoted word (its `$(…)` and backquotes
                // are commands; a `|` or `;` in it is not).
                if inner.contains(['$', '`']) {
                    self.subs.push(format!("echo \"{inner}\""));
                }
            }
            _ => {
                self.pos += 1;
                self.word.push('$');
            }
        }
        self.in_word = true;
    }

    fn double_quoted(&mut self) {
        self.in_word = true;
        while let Some(c) = self.peek(0) {
            match c {
                '"' => {
                    self.pos += 1;
                    return;
                }
                '\\' => {
                    match self.peek(1) {
                        Some(n @ ('"' | '\\' | '$' | '`')) => self.word.push(n),
                        Some('\n') => {}
                        Some(n) => {
                            self.word.push('\\');
                            self.word.push(n);
                        }
                        None => self.word.push('\\'),
                    }
                    self.pos += 2;
                }
                '$' => self.dollar(),
                '`' => {
                    self.pos += 1;
                    let inner = self.backquoted();
                    self.word.push_str(&format!("`{inner}`"));
                    self.subs.push(inner);
                }
                _ => {
                    self.word.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// After a newline: the bodies of the here-docs opened on the line.
    fn heredoc_bodies(&mut self) {
        for (idx, delim, strip) in std::mem::take(&mut self.heredocs) {
            let mut body = String::new();
            loop {
                if self.pos >= self.chars.len() {
                    break;
                }
                let start = self.pos;
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
                let line: String = self.chars[start..self.pos].iter().collect();
                if self.peek(0) == Some('\n') {
                    self.pos += 1;
                }
                let cmp = if strip {
                    line.trim_start_matches('\t')
                } else {
                    line.as_str()
                };
                if cmp.trim_end() == delim {
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            // The command that opened it, or the one still open.
            match self.out.get_mut(idx) {
                Some(c) => c.stdin.push(body),
                None => self.cur.stdin.push(body),
            }
        }
    }

    fn redirection(&mut self, op: String) {
        self.end_word();
        self.pending_redir = Some(op);
    }

    fn run(&mut self) {
        while let Some(c) = self.peek(0) {
            match c {
                '\'' => {
                    self.pos += 1;
                    self.in_word = true;
                    while let Some(q) = self.peek(0) {
                        self.pos += 1;
                        if q == '\'' {
                            break;
                        }
                        self.word.push(q);
                    }
                }
                '"' => {
                    self.pos += 1;
                    self.double_quoted();
                }
                '\\' => {
                    match self.peek(1) {
                        Some('\n') => {}
                        Some(n) => {
                            self.word.push(n);
                            self.in_word = true;
                        }
                        None => {}
                    }
                    self.pos += 2;
                }
                '$' => self.dollar(),
                '`' => {
                    self.pos += 1;
                    let inner = self.backquoted();
                    self.word.push_str(&format!("`{inner}`"));
                    self.in_word = true;
                    self.subs.push(inner);
                }
                '#' if !self.in_word => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                ' ' | '\t' | '\r' => {
                    self.end_word();
                    self.pos += 1;
                }
                '\n' => {
                    self.end_command();
                    self.pos += 1;
                    self.heredoc_bodies();
                }
                ';' | '|' | '&' | '(' | ')' | '{' | '}'
                    if !(matches!(c, '{' | '}') && self.in_word) =>
                {
                    if c == '&' && self.peek(1) == Some('>') {
                        // `&>` and `&>>`: both streams to a file.
                        self.pos += 2;
                        let op = if self.peek(0) == Some('>') {
                            self.pos += 1;
                            "&>>"
                        } else {
                            "&>"
                        };
                        self.redirection(op.to_string());
                        continue;
                    }
                    if matches!(c, '{' | '}')
                        && !self.peek(1).is_none_or(|n| n.is_whitespace() || n == ';')
                    {
                        // `{a,b}` brace expansion or `{}` (find, xargs).
                        self.word.push(c);
                        self.in_word = true;
                        self.pos += 1;
                        continue;
                    }
                    self.end_command();
                    self.pos += 1;
                }
                '<' | '>' => {
                    if c == '<' && self.peek(1) == Some('(')
                        || c == '>' && self.peek(1) == Some('(')
                    {
                        // Process substitution.
                        self.pos += 2;
                        let inner = self.balanced('(', ')');
                        self.word.push_str(&format!("{c}({inner})"));
                        self.in_word = true;
                        self.subs.push(inner);
                        continue;
                    }
                    // A number right before is the descriptor (`2>`).
                    let fd = self.in_word
                        && !self.word.is_empty()
                        && self.word.chars().all(|d| d.is_ascii_digit());
                    if fd {
                        self.word.clear();
                        self.in_word = false;
                    }
                    let mut op = String::from(c);
                    self.pos += 1;
                    if c == '<' {
                        if self.peek(0) == Some('<') {
                            op.push('<');
                            self.pos += 1;
                            if self.peek(0) == Some('<') {
                                op.push('<');
                                self.pos += 1;
                            } else if self.peek(0) == Some('-') {
                                op.push('-');
                                self.pos += 1;
                            }
                        } else if self.peek(0) == Some('&') {
                            op.push('&');
                            self.pos += 1;
                        }
                    } else if matches!(self.peek(0), Some('>' | '|' | '&')) {
                        op.push(self.peek(0).unwrap_or('>'));
                        self.pos += 1;
                    }
                    self.redirection(op);
                }
                _ => {
                    self.word.push(c);
                    self.in_word = true;
                    self.pos += 1;
                }
            }
        }
        self.end_command();
        // Here-docs never closed: their bodies are what is left (none).
        self.heredocs.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Vec<String>> {
        lex(line).0.into_iter().map(|s| s.words).collect()
    }

    #[test]
    fn cuts_at_operators_and_keeps_quoted_words_whole() {
        assert_eq!(
            words("kubectl get pods -l 'app=a b' | grep -v \"x|y\" && echo ok; ls"),
            vec![
                vec!["kubectl", "get", "pods", "-l", "app=a b"],
                vec!["grep", "-v", "x|y"],
                vec!["echo", "ok"],
                vec!["ls"],
            ]
        );
    }

    #[test]
    fn substitutions_redirections_and_here_docs() {
        let (cmds, subs) =
            lex("kubectl delete pod $(kubectl get pods -o name | head -1) 2>&1 >out.txt");
        assert_eq!(subs, vec!["kubectl get pods -o name | head -1"]);
        assert_eq!(
            cmds[0].redirs,
            vec![
                (">&".to_string(), "1".to_string()),
                (">".into(), "out.txt".into())
            ]
        );
        let (cmds, _) = lex("psql -U app <<'SQL'\nDELETE FROM jobs;\nSQL\necho done");
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].stdin, vec!["DELETE FROM jobs;\n"]);
        assert_eq!(cmds[1].words, vec!["echo", "done"]);
        let (cmds, _) = lex("find . -name '*.log' -exec rm {} \\;");
        assert_eq!(
            cmds[0].words,
            vec!["find", ".", "-name", "*.log", "-exec", "rm", "{}", ";"]
        );
    }

    fn subs(line: &str) -> Vec<String> {
        lex(line).1
    }

    #[test]
    fn a_substitution_ends_at_its_own_closing_parenthesis() {
        // Not at one in quotes, escaped or closing a nested one: what
        // follows is still inside, and analysed.
        assert_eq!(
            subs("echo $(printf 'a)'; rm -rf /x) done"),
            ["printf 'a)'; rm -rf /x"]
        );
        assert_eq!(
            subs("echo $(printf \"a)\"; rm -rf /x) done"),
            ["printf \"a)\"; rm -rf /x"]
        );
        assert_eq!(
            subs("echo $(printf \\); rm -rf /x) done"),
            ["printf \\); rm -rf /x"]
        );
        assert_eq!(
            subs("echo $(cat $(ls); rm -rf /x) done"),
            ["cat $(ls); rm -rf /x"]
        );
        assert_eq!(words("echo $(ls) done"), [["echo", "$(ls)", "done"]]);
    }

    #[test]
    fn backquotes_end_at_the_next_unescaped_backquote() {
        let (cmds, found) = lex("echo `date`; rm -rf /x");
        assert_eq!(found, ["date"]);
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[1].words, ["rm", "-rf", "/x"]);
        // An escaped backquote is a nested one, in the text analysed.
        assert_eq!(subs("echo `echo \\`date\\``; ls"), ["echo `date`"]);
    }

    #[test]
    fn a_parameter_is_one_word_and_its_default_is_analysed() {
        let (cmds, found) = lex("grep -E ${PATTERNS//,/|} app.log; ls ${DIR:-a b}");
        assert_eq!(
            cmds.iter().map(|c| c.words.clone()).collect::<Vec<_>>(),
            [
                vec!["grep", "-E", "${PATTERNS//,/|}", "app.log"],
                vec!["ls", "${DIR:-a b}"]
            ]
        );
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(subs("echo ${X:-$(date)}"), ["echo \"X:-$(date)\""]);
    }

    #[test]
    fn double_quotes_keep_escaped_quotes_and_find_substitutions() {
        let (cmds, found) = lex(r#"echo "a\"; rm -rf /x" "`date`" "$(id)" done"#);
        assert_eq!(cmds.len(), 1);
        assert_eq!(
            cmds[0].words,
            ["echo", "a\"; rm -rf /x", "`date`", "$(id)", "done"]
        );
        assert_eq!(found, ["date", "id"]);
    }

    fn redirs(line: &str) -> Vec<(String, String)> {
        lex(line)
            .0
            .into_iter()
            .flat_map(|c| c.redirs)
            .collect::<Vec<_>>()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn every_redirection_operator_and_its_target() {
        assert_eq!(
            redirs("a >o1 >>o2 >|o3 >&2 2>o4 &>o5 &>>o6 <i1 <&3 <<<s 12x>o7"),
            pairs(&[
                (">", "o1"),
                (">>", "o2"),
                (">|", "o3"),
                (">&", "2"),
                (">", "o4"),
                ("&>", "o5"),
                ("&>>", "o6"),
                ("<", "i1"),
                ("<&", "3"),
                ("<<<", "s"),
                (">", "o7"),
            ])
        );
        // `2>` is a descriptor; `12x>` is a word before a redirection.
        assert_eq!(words("a 2>o 12x>p"), [["a", "12x"]]);
        assert_eq!(words("a 2>/dev/null b"), [["a", "b"]]);
        // An empty quoted word before `>` is a word, not a descriptor.
        assert_eq!(words("echo ''>x"), [["echo", ""]]);
        // Process substitutions are words, and analysed.
        let (cmds, found) = lex("diff <(ls a) >(tee b) c");
        assert_eq!(cmds[0].words, ["diff", "<(ls a)", ">(tee b)", "c"]);
        assert_eq!(found, ["ls a", "tee b"]);
        assert!(cmds[0].redirs.is_empty());
    }

    #[test]
    fn comments_escapes_and_braces() {
        assert_eq!(
            words("ls # rm -rf /\necho a#b"),
            vec![vec!["ls"], vec!["echo", "a#b"]]
        );
        // Outside quotes a backslash keeps the next character; before a
        // newline it joins the lines; at the end it is nothing.
        assert_eq!(words(r"echo a\ b \; c\\d"), [["echo", "a b", ";", r"c\d"]]);
        assert_eq!(words("echo a\\\nb"), [["echo", "ab"]]);
        assert_eq!(words(r"echo a\"), [["echo", "a"]]);
        // In double quotes a backslash escapes only `"`, `\`, `$`, a
        // backquote and a newline.
        assert_eq!(
            words(
                r#"echo "x\"y\\z\$w\`v\q" "a\
b" "end\"#
            ),
            [["echo", r#"x"y\z$w`v\q"#, "ab", r"end\"]]
        );
        assert_eq!(
            words("{ ls; rm x; } && echo {a,b} {} x{y}z"),
            vec![
                vec!["ls"],
                vec!["rm", "x"],
                vec!["echo", "{a,b}", "{}", "x{y}z"]
            ]
        );
        assert_eq!(
            words("a;b|c&d&&e||f(g)h"),
            [["a"], ["b"], ["c"], ["d"], ["e"], ["f"], ["g"], ["h"]]
        );
        assert_eq!(words("a\tb\r\tc"), [["a", "b", "c"]]);
        assert_eq!(words("echo 'a b' c'd'e"), [["echo", "a b", "cde"]]);
    }

    #[test]
    fn arithmetic_is_no_command() {
        let (cmds, found) = lex("echo $((2*(3+1))) done");
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(cmds[0].words, ["echo", "$((2*(3+1)))", "done"]);
    }

    #[test]
    fn only_here_strings_and_here_documents_are_standard_input() {
        let (cmds, _) = lex("psql -c 'select 1' > drop.txt 2>/dev/null <<< 'SELECT 2'");
        assert_eq!(cmds[0].stdin, ["SELECT 2"]);
        assert_eq!(
            cmds[0].redirs,
            [
                (">".to_string(), "drop.txt".to_string()),
                (">".into(), "/dev/null".into()),
                ("<<<".into(), "SELECT 2".into())
            ]
        );
    }

    #[test]
    fn tabs_before_the_delimiter_end_a_here_document_only_with_the_dash() {
        let (cmds, _) = lex("cat <<-EOF\n\tline\n\tEOF\nrm x");
        assert_eq!(cmds[0].stdin, ["\tline\n"]);
        assert_eq!(cmds[1].words, ["rm", "x"]);
        let (cmds, _) = lex("cat <<EOF\n\tEOF\nEOF\nrm x");
        assert_eq!(cmds[0].stdin, ["\tEOF\n"]);
        assert_eq!(cmds[1].words, ["rm", "x"]);
    }
}
