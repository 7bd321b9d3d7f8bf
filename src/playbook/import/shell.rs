//! Shell blocks to commands.

use super::names::recase;
use regex::Regex;
use std::collections::{BTreeMap, VecDeque};
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A script (a `bash` block): every line is shell, except lines that
    /// cannot start a command (output pasted in: `* Connected`,
    /// `NAME  READY  STATUS`).
    Script,
    /// An unprompted terminal session: only lines that start with a known
    /// or path-like program are commands, the rest is output.
    Loose,
    /// A terminal session: lines after a prompt are commands, the rest
    /// is output. `# ` is a root prompt when `hash_prompt`, else a
    /// comment.
    Console { hash_prompt: bool },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cmd {
    /// The line of the block it starts on (0-based).
    pub line: usize,
    pub run: String,
    pub title: Option<String>,
    pub detail: Option<String>,
    pub workdir: Option<String>,
    pub defaults: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Cmd(Cmd),
    /// A numbered comment with no command under it ("# 4. ENABLE
    /// CLOUDFLARE"): a manual step.
    Note {
        title: String,
        detail: Option<String>,
    },
}

enum Raw {
    Item(Item),
    /// `cd DIR`: kept only when no command follows.
    Cd(Cmd),
    /// `export NAME=value`: kept only when no later command uses it.
    Assign(Cmd, String),
}

struct Phys {
    text: String,
    /// Read by the shell (not output).
    cmd: bool,
    /// The prompt it had (`$`, `#`, `%`).
    prompt: Option<char>,
}

static PROMPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\([^)]*\)\s*)?(?:\[[^\]]*\]|[\w.-]+@[\w.-]+(?::\S*?)?|[\w.-]+:[~/]\S*?)?\s*([$#%])(?:\s|$)")
        .expect("regex")
});
static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i:step\s*)?\d+[.):]\s*").expect("regex"));
static ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:export\s+)?([A-Z_][A-Z0-9_]*)=(\S+|'[^']*'|\x22[^\x22]*\x22)$").expect("regex")
});

fn physical(text: &str, mode: Mode) -> Vec<Phys> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| {
            let l = if l.len() >= indent && l.is_char_boundary(indent) {
                &l[indent..]
            } else {
                l.trim_start()
            };
            match mode {
                Mode::Script | Mode::Loose => Phys {
                    text: l.to_string(),
                    cmd: true,
                    prompt: None,
                },
                Mode::Console { hash_prompt } => match PROMPT.captures(l) {
                    Some(c) if &c[1] == "$" || hash_prompt => Phys {
                        text: l[c.get(0).map_or(0, |m| m.end())..].to_string(),
                        cmd: true,
                        prompt: c[1].chars().next(),
                    },
                    // A comment in a bash block that uses `$ ` prompts.
                    _ if !hash_prompt && l.trim_start().starts_with('#') => Phys {
                        text: l.to_string(),
                        cmd: true,
                        prompt: None,
                    },
                    _ => Phys {
                        text: l.to_string(),
                        cmd: false,
                        prompt: None,
                    },
                },
            }
        })
        .collect()
}

/// `1. ISOLATE AFFECTED SYSTEMS:` → `Isolate affected systems`.
pub fn clean_title(comment: &str) -> String {
    let t = NUMBERED.replace(comment.trim(), "");
    recase(t.trim().trim_end_matches(':').trim(), false)
}

#[cfg(test)]
pub fn split(text: &str, mode: Mode) -> Vec<Item> {
    split_report(text, mode).0
}

/// The items of a block, and the lines (0-based) left out as output.
pub fn split_report(text: &str, mode: Mode) -> (Vec<Item>, Vec<usize>) {
    use super::code::{Start, command_start};
    let phys = physical(text, mode);
    let mut skipped = Vec::new();
    let console = matches!(mode, Mode::Console { .. });
    let mut raw: Vec<Raw> = Vec::new();
    let mut comments: Vec<String> = Vec::new();
    let mut workdir: Option<String> = None;
    let mut defaults: BTreeMap<String, String> = BTreeMap::new();
    let flush = |comments: &mut Vec<String>, raw: &mut Vec<Raw>| {
        if let Some(first) = comments.first()
            && NUMBERED.is_match(first)
        {
            let rest: Vec<String> = comments[1..].iter().map(|c| clean_title(c)).collect();
            raw.push(Raw::Item(Item::Note {
                title: clean_title(first),
                detail: (!rest.is_empty()).then(|| rest.join("\n")),
            }));
        }
        comments.clear();
    };
    let mut i = 0;
    while i < phys.len() {
        let p = &phys[i];
        let t = p.text.trim();
        if !p.cmd || t.is_empty() {
            if !t.is_empty() {
                skipped.push(i);
            }
            flush(&mut comments, &mut raw);
            i += 1;
            continue;
        }
        if t.starts_with('#') && !t.starts_with("#!") {
            comments.push(t.trim_start_matches('#').trim().to_string());
            i += 1;
            continue;
        }
        // Output is never a command.
        let start = command_start(t);
        let takes = match (mode, p.prompt) {
            (Mode::Script, _) | (Mode::Console { .. }, Some('$')) => start != Start::No,
            _ => start == Start::Known,
        };
        if !takes {
            skipped.push(i);
            flush(&mut comments, &mut raw);
            i += 1;
            continue;
        }
        let first_line = i;
        let (lines, next) = read_command(&phys, i, console);
        i = next;
        let mut run = lines.join("\n");
        let mut inline_comment = None;
        if lines.len() == 1 {
            let (code, c) = split_comment(&run);
            run = code;
            inline_comment = c.filter(|c| !c.is_empty());
        }
        let run = run.trim().to_string();
        if run.is_empty() {
            continue;
        }
        let mut title = comments.last().map(|c| clean_title(c));
        let mut detail: Vec<String> = comments[..comments.len().saturating_sub(1)]
            .iter()
            .map(|c| clean_title(c))
            .collect();
        if let Some(c) = inline_comment {
            match title {
                None => title = Some(clean_title(&c)),
                Some(_) => detail.push(c),
            }
        }
        let cmd = Cmd {
            line: first_line,
            title: title.filter(|t| !t.is_empty()),
            detail: (!detail.is_empty()).then(|| detail.join("\n")),
            workdir: workdir.clone(),
            defaults: defaults.clone(),
            run: run.clone(),
        };
        if let Some(dir) = cd_target(&run) {
            workdir = Some(match &workdir {
                Some(w) if !dir.starts_with('/') => {
                    format!("{}/{dir}", w.trim_end_matches('/'))
                }
                _ => dir.to_string(),
            });
            // The comment above `cd` titles the command after it.
            raw.push(Raw::Cd(cmd));
            continue;
        }
        if let Some(c) = ASSIGN.captures(&run) {
            let value = shell_words::split(&c[2])
                .ok()
                .and_then(|v| v.into_iter().next())
                .unwrap_or_default();
            defaults.insert(c[1].to_string(), value);
            raw.push(Raw::Assign(cmd, c[1].to_string()));
            comments.clear();
            continue;
        }
        raw.push(Raw::Item(Item::Cmd(cmd)));
        comments.clear();
    }
    flush(&mut comments, &mut raw);
    (finish(raw), skipped)
}

fn finish(raw: Vec<Raw>) -> Vec<Item> {
    let mut out = Vec::new();
    for (k, r) in raw.iter().enumerate() {
        let later = || {
            raw[k + 1..].iter().filter_map(|r| match r {
                Raw::Item(Item::Cmd(c)) => Some(c),
                _ => None,
            })
        };
        match r {
            Raw::Item(it) => out.push(it.clone()),
            Raw::Cd(c) if later().next().is_none() => out.push(Item::Cmd(c.clone())),
            Raw::Cd(_) => {}
            Raw::Assign(c, name) => {
                let used = later().any(|l| {
                    crate::playbook::placeholders::find(&l.run)
                        .iter()
                        .any(|f| &f.name == name)
                });
                if !used {
                    out.push(Item::Cmd(c.clone()));
                }
            }
        }
    }
    out
}

/// `cd DIR` with a plain directory.
fn cd_target(run: &str) -> Option<&str> {
    let rest = run.strip_prefix("cd ")?.trim();
    let plain = !rest.is_empty()
        && rest != "-"
        && !rest.contains(char::is_whitespace)
        && !rest.contains(['$', '<', '>', '`', '~', '{', '*', ';', '&', '|']);
    plain.then_some(rest)
}

/// Splits a trailing `# comment` off a command line.
pub fn split_comment(line: &str) -> (String, Option<String>) {
    let (mut sq, mut dq, mut esc, mut prev_ws) = (false, false, false, true);
    for (i, c) in line.char_indices() {
        if esc {
            esc = false;
            prev_ws = false;
            continue;
        }
        match c {
            '\\' if !sq => esc = true,
            '\'' if !dq => sq = !sq,
            '"' if !sq => dq = !dq,
            '#' if !sq && !dq && prev_ws && i > 0 => {
                let comment = line[i..].trim_start_matches('#').trim().to_string();
                return (line[..i].trim_end().to_string(), Some(comment));
            }
            _ => {}
        }
        prev_ws = c.is_whitespace();
    }
    (line.to_string(), None)
}

fn ends_with_operator(line: &str) -> bool {
    let (code, _) = split_comment(line);
    let t = code.trim_end();
    t.ends_with('|') || t.ends_with("&&")
}

/// Drops the `\` of a continued line.
fn strip_continuation(line: &str) -> Option<String> {
    let n = line.len() - line.trim_end_matches('\\').len();
    (n % 2 == 1).then(|| line[..line.len() - 1].trim_end().to_string())
}

/// Quotes, compound commands and here-docs still open.
#[derive(Clone, Debug, Default)]
struct Scan {
    sq: bool,
    dq: bool,
    depth: i32,
    heredocs: VecDeque<String>,
}

impl Scan {
    fn in_quote(&self) -> bool {
        self.sq || self.dq
    }

    fn complete(&self) -> bool {
        !self.in_quote() && self.depth <= 0 && self.heredocs.is_empty()
    }

    fn end_word(&mut self, word: &mut String, cmd_pos: &mut bool) {
        if word.is_empty() {
            return;
        }
        if *cmd_pos {
            match word.as_str() {
                "for" | "while" | "until" | "select" | "if" | "case" | "{" => self.depth += 1,
                "done" | "fi" | "esac" | "}" => self.depth -= 1,
                _ => {}
            }
            *cmd_pos = matches!(
                word.as_str(),
                "then" | "do" | "else" | "elif" | "{" | "!" | "time"
            );
        }
        word.clear();
    }

    fn scan(&mut self, line: &str) {
        let chars: Vec<char> = line.chars().collect();
        let mut word = String::new();
        let mut cmd_pos = true;
        let mut k = 0;
        while k < chars.len() {
            let c = chars[k];
            if self.sq {
                self.sq = c != '\'';
                word.push(c);
                k += 1;
                continue;
            }
            if self.dq {
                if c == '\\' {
                    k += 2;
                    continue;
                }
                self.dq = c != '"';
                word.push(c);
                k += 1;
                continue;
            }
            match c {
                '\\' => {
                    word.push(c);
                    if let Some(n) = chars.get(k + 1) {
                        word.push(*n);
                    }
                    k += 1;
                }
                '\'' => {
                    self.sq = true;
                    word.push(c);
                }
                '"' => {
                    self.dq = true;
                    word.push(c);
                }
                '#' if word.is_empty() => break,
                ' ' | '\t' => self.end_word(&mut word, &mut cmd_pos),
                ';' | '&' | '|' | '(' | ')' | '`' => {
                    self.end_word(&mut word, &mut cmd_pos);
                    cmd_pos = true;
                }
                '<' if chars.get(k + 1) == Some(&'<') && chars.get(k + 2) != Some(&'<') => {
                    self.end_word(&mut word, &mut cmd_pos);
                    k += 2;
                    if chars.get(k) == Some(&'-') {
                        k += 1;
                    }
                    while chars.get(k) == Some(&' ') {
                        k += 1;
                    }
                    let mut d = String::new();
                    while let Some(&ch) = chars.get(k) {
                        if ch.is_whitespace() || matches!(ch, ';' | '|' | '&' | ')' | '<' | '>') {
                            break;
                        }
                        if !matches!(ch, '\'' | '"' | '\\') {
                            d.push(ch);
                        }
                        k += 1;
                    }
                    if !d.is_empty() {
                        self.heredocs.push_back(d);
                    }
                    continue;
                }
                '<' | '>' => self.end_word(&mut word, &mut cmd_pos),
                _ => word.push(c),
            }
            k += 1;
        }
        self.end_word(&mut word, &mut cmd_pos);
    }
}

/// The lines of the command starting at `start`, and the line after it.
fn read_command(phys: &[Phys], start: usize, console: bool) -> (Vec<String>, usize) {
    let mut out: Vec<String> = Vec::new();
    let mut st = Scan::default();
    let mut cur: Option<String> = None;
    let mut j = start;
    while j < phys.len() {
        let p = &phys[j];
        let mut line = p.text.as_str();
        if j > start && console {
            let open = cur.is_some() || !st.heredocs.is_empty() || st.in_quote();
            if !open && (p.cmd || !line.starts_with('>')) {
                // A new prompt, or output: the open construct never
                // closed.
                break;
            }
            line = line.strip_prefix("> ").unwrap_or(line);
        }
        j += 1;
        if let Some(delim) = st.heredocs.front() {
            let done = line.trim() == delim;
            out.push(line.trim_end().to_string());
            if done {
                st.heredocs.pop_front();
                if st.complete() {
                    break;
                }
            }
            continue;
        }
        let piece = match cur.take() {
            Some(mut c) => {
                let t = line.trim();
                if !t.is_empty() {
                    c.push(' ');
                    c.push_str(t);
                }
                c
            }
            None => line.trim_end().to_string(),
        };
        if piece.trim().is_empty() {
            if st.in_quote() {
                out.push(String::new());
            }
            continue;
        }
        if let Some(joined) = strip_continuation(&piece) {
            cur = Some(joined);
            continue;
        }
        if !st.in_quote() && ends_with_operator(&piece) {
            cur = Some(piece);
            continue;
        }
        st.scan(&piece);
        out.push(piece);
        if st.complete() {
            break;
        }
    }
    if let Some(c) = cur {
        out.push(c);
    }
    if let Some(f) = out.first_mut() {
        *f = f.trim_start().to_string();
    }
    (out, j)
}
