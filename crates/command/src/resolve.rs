//! From a step's command and the values of its parameters to exactly what
//! will run. Without a shell the command line is split into argv words once
//! (shell-words rules) and values replace placeholders inside words, so no
//! value can become a second word, an operator or a substitution. With a
//! shell, every value is quoted for where its placeholder stands (bare,
//! in quotes, in `$(…)`, in a here-document), so the shell reads it back
//! literally.

use crate::model::{Command, Param, Risk};
use crate::{placeholders, risk};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    /// Executed directly: argv[0] and its arguments.
    Argv(Vec<String>),
    /// Executed as `sh -c SCRIPT`.
    Shell(String),
}

impl Program {
    /// The words handed to exec.
    pub fn argv(&self) -> Vec<String> {
        match self {
            Program::Argv(v) => v.clone(),
            Program::Shell(s) => vec!["sh".into(), "-c".into(), s.clone()],
        }
    }

    /// One line for people, each word quoted only where a shell would
    /// need it, so it reads like the runbook and pastes into a terminal.
    pub fn display(&self) -> String {
        match self {
            Program::Argv(v) => v
                .iter()
                .map(|w| display_word(w))
                .collect::<Vec<_>>()
                .join(" "),
            Program::Shell(s) => s.clone(),
        }
    }
}

fn display_word(w: &str) -> String {
    let plain = !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=+:,./@%^".contains(c));
    if plain { w.to_string() } else { sh_quote(w) }
}

/// A command ready to confirm and run.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub program: Program,
    /// The risk that decides the guard: declared, but never lower than
    /// what the command does.
    pub risk: Risk,
    /// What a destructive command must have typed back.
    pub target: String,
}

/// Why a value is refused, said for people.
pub fn validate_value(name: &str, param: &Param, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{name} is empty"));
    }
    if let Some(p) = &param.pattern {
        match regex::Regex::new(&format!("^(?:{})$", p.value)) {
            Ok(re) if re.is_match(value) => {}
            Ok(_) => return Err(format!("{name} must match {}", p.value)),
            Err(_) => return Err(format!("{name}: the playbook's pattern does not compile")),
        }
    }
    Ok(())
}

/// `'it'\''s'`: safe inside `sh -c` whatever the value holds.
pub fn sh_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', "'\\''"))
}

/// Replaces every placeholder text in `s`, left to right, in one pass: a
/// substituted value is never scanned again.
fn substitute(s: &str, pairs: &[(String, String)]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    'outer: while i < s.len() {
        for (text, value) in pairs {
            if !text.is_empty() && s[i..].starts_with(text.as_str()) {
                out.push_str(value);
                i += text.len();
                continue 'outer;
            }
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// A parameter's value and the marker standing for its placeholders.
struct Fill {
    marker: String,
    name: String,
    value: String,
}

/// The template with every placeholder replaced by a marker (a character
/// the template does not hold, the parameter's number, that character
/// again), so that a placeholder written with spaces or quotes
/// (`{{ pod }}`, a token) is one piece of one word wherever it stands.
fn mark(cmd: &Command, values: &BTreeMap<String, String>) -> Result<(String, Vec<Fill>), String> {
    let run = &cmd.run.value;
    let open = ('\u{E000}'..='\u{F8FF}')
        .find(|c| !run.contains(*c))
        .ok_or("the command holds every private-use character")?;
    let mut texts = Vec::new();
    let mut fills = Vec::new();
    for (i, (name, param)) in cmd.params.iter().enumerate() {
        let marker = format!("{open}{i}{open}");
        for text in placeholders::texts_for(run, name, param) {
            texts.push((text, marker.clone()));
        }
        let value = values.get(name).cloned().unwrap_or_default();
        fills.push(Fill {
            marker,
            name: name.clone(),
            value,
        });
    }
    texts.sort_by_key(|(t, _)| std::cmp::Reverse(t.len()));
    Ok((substitute(run, &texts), fills))
}

/// Where a placeholder stands in a shell script.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Quoting {
    /// Outside quotes, in `$(…)` or in backquotes.
    Bare,
    Backquoted,
    Single,
    Double,
    Comment,
    /// A here-document's lines; `expand` unless its delimiter is quoted.
    HereDoc {
        expand: bool,
    },
}

fn escape(v: &str, special: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if special.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A value written where it stands so the shell reads it back literally.
fn quote_for(q: Quoting, f: &Fill) -> Result<String, String> {
    let v = &f.value;
    Ok(match q {
        Quoting::Bare => sh_quote(v),
        // Backquotes drop a backslash before \ ` $ first.
        Quoting::Backquoted => sh_quote(&escape(v, "\\`$")),
        Quoting::Single => v.replace('\'', "'\\''"),
        Quoting::Double => escape(v, "\\`$\""),
        // Inert, but quoted all the same: a `#` after an operator starts
        // a comment for sh, not for every reader.
        Quoting::Comment => sh_quote(&v.replace('\n', " ")),
        Quoting::HereDoc { .. } if v.contains('\n') => {
            return Err(format!(
                "{} goes into a here-document: it cannot hold a line break",
                f.name
            ));
        }
        Quoting::HereDoc { expand: true } => escape(v, "\\`$"),
        Quoting::HereDoc { expand: false } => v.clone(),
    })
}

/// The fill whose marker `s` starts with.
fn at_marker<'a>(s: &str, fills: &'a [Fill]) -> Option<&'a Fill> {
    fills.iter().find(|f| s.starts_with(f.marker.as_str()))
}

/// Fills the markers of one line of a here-document. Where it expands, a
/// backslash escapes the next character, and one right before a value
/// stays a backslash.
fn fill_here_line(line: &str, fills: &[Fill], expand: bool) -> Result<String, String> {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.char_indices();
    while let Some((at, c)) = chars.next() {
        if let Some(f) = at_marker(&line[at..], fills) {
            out.push_str(&quote_for(Quoting::HereDoc { expand }, f)?);
            for _ in 1..f.marker.chars().count() {
                chars.next();
            }
            continue;
        }
        out.push(c);
        if expand && c == '\\' {
            if at_marker(&line[at + 1..], fills).is_some() {
                out.push('\\');
            } else if let Some((_, n)) = chars.next() {
                out.push(n);
            }
        }
    }
    Ok(out)
}

/// Fills the markers of a shell script, each value quoted for where it
/// stands: bare, in single or double quotes, in `$(…)` or backquotes
/// (nested in double quotes too), in a comment or a here-document.
fn fill_script(script: &str, fills: &[Fill]) -> Result<String, String> {
    let mut out = String::with_capacity(script.len());
    // Open quotes and substitutions; `$(` frames count their parentheses.
    let mut stack: Vec<(Quoting, u32)> = vec![(Quoting::Bare, 0)];
    // Here-documents opened on this line: delimiter, expands, strips tabs.
    let mut pending: Vec<(String, bool, bool)> = Vec::new();
    let mut prev = '\n';
    let mut i = 0;
    while i < script.len() {
        let rest = &script[i..];
        let (q, depth) = stack.last().copied().unwrap_or((Quoting::Bare, 0));
        if let Some(f) = at_marker(rest, fills) {
            out.push_str(&quote_for(q, f)?);
            i += f.marker.len();
            prev = 'x';
            continue;
        }
        let mut chars = rest.chars();
        let c = chars.next().unwrap_or('\n');
        let next = chars.next();
        out.push(c);
        i += c.len_utf8();
        let code = matches!(q, Quoting::Bare | Quoting::Backquoted);
        match c {
            // A backslash right before a placeholder escapes none of its
            // value: as exec's words read it, it is gone outside quotes
            // and itself in double quotes.
            '\\' if code && at_marker(&script[i..], fills).is_some() => {
                out.pop();
            }
            '\\' if q == Quoting::Double && at_marker(&script[i..], fills).is_some() => {
                out.push('\\');
            }
            '\\' if code || q == Quoting::Double => {
                if let Some(n) = next {
                    out.push(n);
                    i += n.len_utf8();
                }
            }
            '\'' if q == Quoting::Single => {
                stack.pop();
            }
            '\'' if code => stack.push((Quoting::Single, 0)),
            '"' if q == Quoting::Double => {
                stack.pop();
            }
            '"' if code => stack.push((Quoting::Double, 0)),
            '$' if next == Some('(') && (code || q == Quoting::Double) => {
                out.push('(');
                i += 1;
                stack.push((Quoting::Bare, 1));
            }
            '(' if q == Quoting::Bare && depth > 0 => {
                stack.pop();
                stack.push((q, depth + 1));
            }
            ')' if q == Quoting::Bare && depth > 0 => {
                stack.pop();
                if depth > 1 {
                    stack.push((q, depth - 1));
                }
            }
            '`' if q == Quoting::Backquoted => {
                stack.pop();
            }
            '`' if code || q == Quoting::Double => stack.push((Quoting::Backquoted, 0)),
            '#' if code && (prev.is_whitespace() || ";&|()".contains(prev)) => {
                stack.push((Quoting::Comment, 0));
            }
            '<' if code
                && prev != '<'
                && next == Some('<')
                && !script[i + 1..].starts_with('<') =>
            {
                out.push('<');
                i += 1;
                let strip = script[i..].starts_with('-');
                if strip {
                    out.push('-');
                    i += 1;
                }
                let word_at =
                    i + (script[i..].len() - script[i..].trim_start_matches([' ', '\t']).len());
                let len = script[word_at..]
                    .find(|c: char| c.is_whitespace() || ";&|<>()".contains(c))
                    .unwrap_or(script.len() - word_at);
                let word = &script[word_at..word_at + len];
                out.push_str(&script[i..word_at + len]);
                i = word_at + len;
                let delimiter: String = word.chars().filter(|c| !"'\"\\".contains(*c)).collect();
                let expand = word == delimiter;
                pending.push((delimiter, expand, strip));
            }
            '\n' if q == Quoting::Comment || code => {
                if q == Quoting::Comment {
                    stack.pop();
                }
                for (delimiter, expand, strip) in pending.drain(..) {
                    while i < script.len() {
                        let rest = &script[i..];
                        let line = &rest[..rest.find('\n').map_or(rest.len(), |n| n + 1)];
                        i += line.len();
                        let ends = |l: &str| {
                            let l = l.trim_end_matches('\n');
                            (if strip { l.trim_start_matches('\t') } else { l }) == delimiter
                        };
                        if ends(line) {
                            out.push_str(line);
                            break;
                        }
                        let filled = fill_here_line(line, fills, expand)?;
                        if ends(&filled) {
                            let f = fills.iter().find(|f| line.contains(&f.marker));
                            return Err(format!(
                                "{} would end the here-document: its line would read {delimiter:?}",
                                f.map_or("a value", |f| f.name.as_str())
                            ));
                        }
                        out.push_str(&filled);
                    }
                }
            }
            _ => {}
        }
        prev = c;
    }
    Ok(out)
}

/// Resolves a command with parameter values (already validated).
pub fn resolve(
    cmd: &Command,
    values: &BTreeMap<String, String>,
    step_id: &str,
) -> Result<Resolved, String> {
    let run = &cmd.run.value;
    let (marked, fills) = mark(cmd, values)?;
    let program = if cmd.shell {
        Program::Shell(fill_script(&marked, &fills)?)
    } else {
        let words = shell_words::split(&marked)
            .map_err(|e| format!("cannot split the command into words ({e}); mark the step `shell: true` if it needs a shell"))?;
        let pairs: Vec<(String, String)> = fills.into_iter().map(|f| (f.marker, f.value)).collect();
        let argv: Vec<String> = words.iter().map(|w| substitute(w, &pairs)).collect();
        if argv.is_empty() {
            return Err("the command is empty".into());
        }
        Program::Argv(argv)
    };
    let argv = program.argv();
    Ok(Resolved {
        target: target(&argv, step_id),
        risk: risk::analyse(run).effective(cmd.risk.as_ref().map(|r| r.value)),
        program,
    })
}

/// The resource a destructive command acts on, or the step id.
pub fn target(argv: &[String], step_id: &str) -> String {
    let words: Vec<&str> = argv.iter().map(String::as_str).collect();
    let prog = words
        .first()
        .map(|p| p.rsplit('/').next().unwrap_or(p))
        .unwrap_or("");
    let positional = |from: usize| -> Vec<&str> {
        let mut v = Vec::new();
        let mut i = from;
        while i < words.len() {
            let w = words[i];
            if matches!(
                w,
                "-n" | "--namespace"
                    | "-l"
                    | "--selector"
                    | "--context"
                    | "-c"
                    | "-h"
                    | "-U"
                    | "-d"
            ) {
                i += 2;
                continue;
            }
            if !w.starts_with('-') {
                v.push(w);
            }
            i += 1;
        }
        v
    };
    let found = match prog {
        "kubectl" | "oc" => {
            let pos = positional(1);
            // delete KIND NAME | delete KIND/NAME
            match pos.as_slice() {
                [verb, kind_name, ..]
                    if kind_name.contains('/') && matches!(*verb, "delete" | "drain") =>
                {
                    kind_name.split('/').nth(1).map(str::to_string)
                }
                [_verb, _kind, name, ..] => Some(name.to_string()),
                ["drain", node] => Some(node.to_string()),
                _ => None,
            }
        }
        "aws" => words
            .iter()
            .position(|w| w.starts_with("--") && w.ends_with("identifier"))
            .and_then(|i| words.get(i + 1))
            .map(|s| s.to_string()),
        "rm" | "rmdir" | "dropdb" | "shred" => positional(1).last().map(|s| s.to_string()),
        "pg_restore" => positional(1).last().map(|s| s.to_string()),
        _ => None,
    };
    found
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| step_id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::At;

    fn cmd(run: &str, shell: bool, params: &[(&str, Option<&str>)]) -> Command {
        Command {
            run: At::new(run.into()),
            risk: None,
            params: params
                .iter()
                .map(|(n, token)| {
                    (
                        n.to_string(),
                        Param {
                            token: token.map(Into::into),
                            ..Param::default()
                        },
                    )
                })
                .collect(),
            timeout: None,
            shell,
            workdir: None,
        }
    }

    fn vals(v: &[(&str, &str)]) -> BTreeMap<String, String> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    const HOSTILE: &[&str] = &[
        "x; rm -rf /",
        "$(touch /tmp/pwned)",
        "`touch /tmp/pwned`",
        "a'b\"c",
        "line1\nline2",
        "<other>",
        "--all",
        "a\\$b\\\\c`d\"e",
        "# not a comment",
        "EOF",
    ];

    #[test]
    fn argv_values_are_one_literal_word() {
        let c = cmd(
            "kubectl label pod <pod> quarantine=true",
            false,
            &[("pod", None)],
        );
        for h in HOSTILE {
            let r = resolve(&c, &vals(&[("pod", h)]), "s").unwrap();
            assert_eq!(
                r.program,
                Program::Argv(vec![
                    "kubectl".into(),
                    "label".into(),
                    "pod".into(),
                    h.to_string(),
                    "quarantine=true".into()
                ]),
                "{h}"
            );
        }
    }

    #[test]
    fn values_inside_words_and_tokens() {
        let c = cmd(
            "kubectl exec -n identity-platform dicps-api-xxx -- env DB=$DB_HOST",
            false,
            &[("pod", Some("dicps-api-xxx")), ("DB_HOST", None)],
        );
        let r = resolve(
            &c,
            &vals(&[("pod", "dicps-api-7d9f"), ("DB_HOST", "db.internal")]),
            "s",
        )
        .unwrap();
        assert_eq!(r.program.argv()[4], "dicps-api-7d9f");
        assert_eq!(r.program.argv().last().unwrap(), "DB=db.internal");
    }

    #[test]
    fn a_value_is_never_substituted_again() {
        let c = cmd("echo <a> <b>", false, &[("a", None), ("b", None)]);
        let r = resolve(&c, &vals(&[("a", "<b>"), ("b", "x")]), "s").unwrap();
        assert_eq!(r.program.argv(), vec!["echo", "<b>", "x"]);
    }

    #[test]
    fn shell_values_are_single_quoted() {
        let c = cmd(
            "kubectl exec <pod> -- env | grep DB_",
            true,
            &[("pod", None)],
        );
        let r = resolve(&c, &vals(&[("pod", "x'; touch /tmp/pwned; echo '")]), "s").unwrap();
        assert_eq!(
            r.program,
            Program::Shell(
                "kubectl exec 'x'\\''; touch /tmp/pwned; echo '\\''' -- env | grep DB_".into()
            )
        );
        assert_eq!(sh_quote("it's"), "'it'\\''s'");
    }

    /// What `sh -c` prints for a script, one line per printed word.
    fn sh(script: &str) -> String {
        let out = std::process::Command::new("sh")
            .args(["-c", script])
            .output()
            .unwrap();
        assert!(out.status.success(), "{script}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn shell_values_come_back_literally_wherever_they_stand() {
        // (template, what sh prints around the value)
        let templates = [
            ("printf '[%s]\\n' <v>", "[", "]"),
            ("printf '[%s]\\n' \"<v>\"", "[", "]"),
            ("printf '[%s]\\n' 'a <v> b'", "[a ", " b]"),
            ("printf '[%s]\\n' \"a $(printf %s <v>) b\"", "[a ", " b]"),
            ("printf '[%s]\\n' \"$(printf %s \"<v>\")\"", "[", "]"),
            ("printf '[%s]\\n' \"`printf %s <v>`\"", "[", "]"),
            ("printf '[%s]\\n' {{ v }} # <v>", "[", "]"),
            ("printf '[%s]\\n' \\<v>", "[", "]"),
            ("printf '[%s]\\n' \"\\<v>\"", "[\\", "]"),
            ("sed 's/^/[/; s/$/]/' <<EOF\n<v>\nEOF", "[", "]"),
            ("sed 's/^/[/; s/$/]/' <<EOF\n\\<v>\nEOF", "[\\", "]"),
            ("sed 's/^/[/; s/$/]/' <<'EOF'\n<v>\nEOF", "[", "]"),
            ("sed 's/^/[/; s/$/]/' <<-EOF\n\t<v>\n\tEOF", "[", "]"),
        ];
        for (t, before, after) in templates {
            let refused = |h: &str| {
                let ends = h == "EOF" && !t.contains("\\<v>");
                t.contains("<<") && (h.contains('\n') || ends)
            };
            comes_back(t, refused, |h| format!("{before}{h}{after}\n"));
        }
    }

    /// Resolves a shell template with each hostile value as `v` and checks
    /// what sh prints (`want` of the value), or, where `refused` says so,
    /// that the value is refused for a here-document.
    fn comes_back(t: &str, refused: impl Fn(&str) -> bool, want: impl Fn(&str) -> String) {
        let c = cmd(t, true, &[("v", None)]);
        for h in HOSTILE {
            let r = resolve(&c, &vals(&[("v", h)]), "s");
            if refused(h) {
                assert!(r.unwrap_err().contains("here-document"), "{t}");
                continue;
            }
            let Program::Shell(script) = r.unwrap().program else {
                panic!("{t}: not a shell")
            };
            assert_eq!(sh(&script), want(h), "{t} with {h:?}: {script}");
        }
    }

    /// Where a value stands is followed through the whole script: after
    /// each quote, escape, substitution, subshell and comment closes (or
    /// is no such thing where it stands), and past here-documents started
    /// on an earlier line, a value still comes back literally.
    #[test]
    fn values_come_back_literally_after_each_quote_and_substitution_closes() {
        // (template, what sh prints, `{v}` for the value)
        let p = "printf '[%s]\\n'";
        let templates = [
            (format!("{p} \"x\"<v>"), "[x{v}]\n"),
            (format!("{p} 'x'<v>"), "[x{v}]\n"),
            (format!("{p} \"it's <v>\""), "[it's {v}]\n"),
            (format!("{p} 'a\"b <v>'"), "[a\"b {v}]\n"),
            (format!("{p} 'a\\'<v>"), "[a\\{v}]\n"),
            (format!("{p} \\\"<v>"), "[\"{v}]\n"),
            (format!("{p} \"a\\\"<v>\""), "[a\"{v}]\n"),
            (format!("{p} \"$#\"<v>"), "[0{v}]\n"),
            (format!("{p} \"$(printf %s a)<v>\""), "[a{v}]\n"),
            (
                format!("{p} \"$( (printf %s a); printf %s <v>)\""),
                "[a{v}]\n",
            ),
            (
                format!("{p} \"$( (printf %s a); printf %s b)\"<v>"),
                "[ab{v}]\n",
            ),
            (format!("{p} \"`printf %s a`<v>\""), "[a{v}]\n"),
            (format!("{p} 'a`b <v>'"), "[a`b {v}]\n"),
            (format!("{p} \"a#b <v>\""), "[a#b {v}]\n"),
            (format!("{p} a#<v>"), "[a#{v}]\n"),
            (format!("{p} '<<EOF'\n{p} <v>"), "[<<EOF]\n[{v}]\n"),
            (format!("{p} a < /dev/null\n{p} <v>"), "[a]\n[{v}]\n"),
            (
                format!("cat <<EOF; {p} \"a\n<v>\"\nb\nEOF"),
                "b\n[a\n{v}]\n",
            ),
            ("sed 's/^/[/; s/$/]/' << E\n<v>\nE".to_string(), "[{v}]\n"),
            (format!("{p} <v> <<EOF"), "[{v}]\n"),
            (format!("{p} a # c\n{p} <v>"), "[a]\n[{v}]\n"),
            (format!("{p} \"a)<v>\""), "[a){v}]\n"),
            (format!("{p} 'a)<v>'"), "[a){v}]\n"),
            // A here-document ended by the end of the script (its last
            // line has no line break, nor has what sed prints).
            ("sed 's/^/[/; s/$/]/' <<EOF\n<v>".to_string(), "[{v}]"),
            (
                format!("sed 's/^/[/; s/$/]/' <<EOF\n<v>\nEOF\n{p} b"),
                "[{v}]\n[b]\n",
            ),
        ];
        for (t, want) in &templates {
            let here = t.contains("<< E\n") || t.contains("<<EOF\n<v>");
            let refused =
                |h: &str| here && (h.contains('\n') || (h == "EOF" && t.contains("<<EOF")));
            comes_back(t, refused, |h| want.replace("{v}", h));
        }
    }

    #[test]
    fn a_placeholder_with_spaces_is_one_piece_without_a_shell() {
        let c = cmd(
            "kubectl -n {{ ns }} logs \"app {{pod}}\"",
            false,
            &[("ns", None), ("pod", None)],
        );
        let r = resolve(&c, &vals(&[("ns", "a b"), ("pod", "x")]), "s").unwrap();
        assert_eq!(
            r.program.argv(),
            vec!["kubectl", "-n", "a b", "logs", "app x"]
        );
    }

    #[test]
    fn risk_is_never_lower_than_inferred_and_targets_are_found() {
        let mut c = cmd("kubectl delete secret dicps-database", false, &[]);
        c.risk = Some(At::new(Risk::Read));
        let r = resolve(&c, &BTreeMap::new(), "rotate").unwrap();
        assert_eq!(r.risk, Risk::Destructive);
        assert_eq!(r.target, "dicps-database");
        let t = |s: &str| target(&shell_words::split(s).unwrap(), "step-id");
        assert_eq!(
            t("kubectl delete pod -n identity-platform -l app=dicps-api"),
            "step-id"
        );
        assert_eq!(t("kubectl delete deployment/dicps-api -n x"), "dicps-api");
        assert_eq!(t("kubectl -n x delete pod web-1"), "web-1");
        assert_eq!(
            t("aws rds failover-db-cluster --db-cluster-identifier dicps-production"),
            "dicps-production"
        );
        // The name after `--…identifier`, not after an earlier option.
        assert_eq!(
            t("aws --region eu-west-1 rds delete-db-instance --db-instance-identifier dicps-db"),
            "dicps-db"
        );
        assert_eq!(t("kubectl drain node-7"), "node-7");
        assert_eq!(t("rm -rf /var/lib/x"), "/var/lib/x");
        assert_eq!(
            t("pg_restore -h db -U dicps -d dicps /backups/latest.dump"),
            "/backups/latest.dump"
        );
    }

    #[test]
    fn validation_says_why() {
        let mut p = cmd("x <a>", false, &[("a", None)])
            .params
            .remove("a")
            .unwrap();
        assert_eq!(validate_value("a", &p, ""), Err("a is empty".into()));
        p.pattern = Some(At::new("[a-z0-9-]+".into()));
        assert_eq!(validate_value("a", &p, "web-1"), Ok(()));
        assert_eq!(
            validate_value("a", &p, "web-1; rm"),
            Err("a must match [a-z0-9-]+".into())
        );
    }

    #[test]
    fn display_quotes_only_what_needs_it() {
        let p = Program::Argv(vec![
            "kubectl".into(),
            "-l".into(),
            "app=x".into(),
            "a b".into(),
            "it's".into(),
            "".into(),
        ]);
        assert_eq!(p.display(), "kubectl -l app=x 'a b' 'it'\\''s' ''");
    }

    #[test]
    fn unbalanced_quotes_without_a_shell_are_refused() {
        let c = cmd("echo 'oops", false, &[]);
        assert!(
            resolve(&c, &BTreeMap::new(), "s")
                .unwrap_err()
                .contains("shell: true")
        );
    }
}
