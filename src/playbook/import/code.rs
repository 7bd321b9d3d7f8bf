//! Code blocks.

use super::importer::Draft;
use super::names::auto_title;
use super::shell;
use crate::playbook::model::{At, Command, Param, Risk};
use crate::playbook::{placeholders, risk};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CodeKind {
    Shell(shell::Mode),
    Template,
    Other,
}

pub(super) fn code_kind(info: &str, text: &str, template_ctx: bool) -> CodeKind {
    let lang = info
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '{' | '}'))
        .map(|w| w.trim_start_matches('.'))
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_lowercase();
    match lang.as_str() {
        "bash" | "sh" | "shell" | "zsh" | "ksh" | "console" | "shell-session" | "shellsession"
        | "sh-session" | "terminal" => CodeKind::Shell(shell_mode(&lang, text)),
        "" => {
            if has_headers(text) {
                CodeKind::Template
            } else if looks_like_commands(text) {
                CodeKind::Shell(shell_mode("", text))
            } else if template_ctx {
                CodeKind::Template
            } else {
                CodeKind::Other
            }
        }
        "markdown" | "md" | "text" | "txt" | "plain" | "plaintext" | "email" | "mail"
        | "output" | "log" | "logs" => {
            if template_ctx || has_headers(text) {
                CodeKind::Template
            } else {
                CodeKind::Other
            }
        }
        _ => CodeKind::Other,
    }
}

fn shell_mode(lang: &str, text: &str) -> shell::Mode {
    let session = matches!(
        lang,
        "console" | "shell-session" | "shellsession" | "sh-session" | "terminal"
    );
    let prompted = text.lines().any(|l| {
        let t = l.trim_start();
        (t.starts_with("$ ") || t == "$")
            || (session
                && (t.starts_with("# ") || t.starts_with("% "))
                && command_start(&t[2..]) == Start::Known)
            || PROMPTED.is_match(l)
    });
    if session && prompted {
        shell::Mode::Console { hash_prompt: true }
    } else if session {
        // A session without prompts: commands are the lines that start
        // with a program, everything else is output.
        shell::Mode::Loose
    } else if text.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with("$ ") || t == "$"
    }) {
        shell::Mode::Console { hash_prompt: false }
    } else {
        shell::Mode::Script
    }
}

/// A message: it starts with `Subject:` or `To:`.
fn has_headers(text: &str) -> bool {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .any(|l| {
            let l = l.trim().to_lowercase();
            l.starts_with("subject:") || l.starts_with("to:")
        })
}

/// `user@host:~$ cmd`, `[root@host ~]# cmd`.
static PROMPTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\[[^\]]*\]|[\w.-]+@[\w.-]+(?::\S*?)?|[\w.-]+:[~/]\S*?)\s*[$#%]\s")
        .expect("regex")
});

/// How a line can start a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Start {
    /// A program the importer or the risk rules know, a path (`./x`,
    /// `/usr/bin/x`) or shell syntax (`for`, `export`, `X=1`).
    Known,
    /// A lower-case word that could be a program (`zkp-ledger fsck`).
    Plausible,
    /// Output, prose or nothing: `* Connected`, `> Host:`, `NAME  READY`.
    No,
}

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((n, _)) => {
            n.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// Columns of output: words apart by two spaces or more (outside quotes
/// and before a `#` comment).
fn columns(line: &str) -> bool {
    let (code, _) = shell::split_comment(line);
    let t = code.trim();
    let (mut sq, mut dq, mut spaces) = (false, false, 0);
    for c in t.chars() {
        match c {
            '\'' if !dq => sq = !sq,
            '"' if !sq => dq = !dq,
            ' ' | '\t' if !sq && !dq => {
                spaces += if c == '\t' { 2 } else { 1 };
                continue;
            }
            _ => {}
        }
        if spaces >= 2 {
            return true;
        }
        spaces = 0;
    }
    false
}

/// A line that is plainly a tool's output, not a command: curl's verbose
/// lines (`* Connected`, `> Host:`, `< HTTP/1.1`), a `key:` or `Error:`
/// start, tree drawing and status bullets, a table header in capitals.
pub(super) fn output_like(line: &str) -> bool {
    let t = line.trim();
    let first = t.split_whitespace().next().unwrap_or("");
    let c0 = first.chars().next().unwrap_or(' ');
    matches!(
        c0,
        '*' | '>' | '<' | '|' | '●' | '○' | '└' | '├' | '│' | '─' | '✓' | '✗' | '×' | '→'
    ) || (first.len() > 1 && first.ends_with(':') && !first.contains("://"))
        || (first.len() > 1
            && first.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            && columns(t))
        || (first.chars().all(|c| c.is_ascii_digit() || c == '.')
            && !first.is_empty()
            && t.contains(' '))
}

/// Whether (and how) `line` starts a command: the test that keeps output,
/// prose and comments out of the steps.
pub(super) fn command_start(line: &str) -> Start {
    let t = line.trim();
    if output_like(t) {
        return Start::No;
    }
    let mut words = t.split_whitespace().peekable();
    let mut first = match words.next() {
        Some(w) => w,
        None => return Start::No,
    };
    loop {
        if is_assignment(first) {
            match words.next() {
                Some(w) => first = w,
                // `FOO=bar` alone sets a variable.
                None => return Start::Known,
            }
        } else if matches!(
            first,
            "sudo" | "time" | "!" | "then" | "do" | "else" | "{" | "("
        ) {
            match words.next() {
                Some(w) => first = w,
                None => {
                    return if first == "sudo" {
                        Start::Known
                    } else {
                        Start::No
                    };
                }
            }
        } else {
            break;
        }
    }
    let first = first.trim_start_matches('(');
    if columns(t) {
        return Start::No;
    }
    if matches!(
        first,
        "for"
            | "while"
            | "if"
            | "until"
            | "case"
            | "function"
            | "export"
            | "cd"
            | "source"
            | "."
            | "set"
            | "unset"
            | "alias"
            | "local"
            | "declare"
            | "echo"
            | "printf"
            | "["
            | "[["
    ) {
        return Start::Known;
    }
    let Some(c0) = first.chars().next() else {
        return Start::No;
    };
    if first.ends_with(':') || first.ends_with(',') || first.ends_with(';') {
        return Start::No;
    }
    if !(c0.is_ascii_alphanumeric() || matches!(c0, '_' | '.' | '/' | '~' | '$')) {
        return Start::No;
    }
    let path_like = (first.starts_with('/')
        || first.starts_with("./")
        || first.starts_with("../")
        || first.starts_with("~/"))
        && first.len() > 1
        && !first.ends_with('/');
    if path_like {
        return Start::Known;
    }
    if PROGRAMS.contains(&first) || risk::knows(first) {
        return Start::Known;
    }
    let plausible = c0.is_ascii_lowercase()
        && first.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | '+')
        })
        && !first.ends_with('.');
    if plausible {
        Start::Plausible
    } else {
        Start::No
    }
}

const PROGRAMS: &[&str] = &[
    "cf",
    "bosh",
    "monit",
    "chroot",
    "gitlab-ctl",
    "gitlab-rake",
    "gitlab-psql",
    "gitlab-redis-cli",
    "knife",
    "node",
    "ruby",
    "perl",
    "bash",
    "sh",
    "php",
    "dotnet",
    "kubectl",
    "oc",
    "helm",
    "docker",
    "podman",
    "systemctl",
    "service",
    "journalctl",
    "curl",
    "wget",
    "aws",
    "gcloud",
    "az",
    "psql",
    "mysql",
    "redis-cli",
    "mongo",
    "mongosh",
    "git",
    "ssh",
    "scp",
    "rsync",
    "cat",
    "grep",
    "tail",
    "head",
    "less",
    "ls",
    "ps",
    "top",
    "df",
    "du",
    "free",
    "netstat",
    "ss",
    "lsof",
    "dig",
    "nslookup",
    "ping",
    "traceroute",
    "mtr",
    "sudo",
    "cd",
    "export",
    "echo",
    "for",
    "while",
    "if",
    "kill",
    "pkill",
    "pgrep",
    "terraform",
    "ansible",
    "ansible-playbook",
    "vault",
    "consul",
    "nomad",
    "npm",
    "npx",
    "yarn",
    "make",
    "python",
    "python3",
    "pip",
    "go",
    "cargo",
    "java",
    "tcpdump",
    "openssl",
    "iptables",
    "ufw",
    "nginx",
    "tar",
    "cp",
    "mv",
    "rm",
    "mkdir",
    "chmod",
    "chown",
    "find",
    "sed",
    "awk",
    "xargs",
    "jq",
    "yq",
    "watch",
    "uptime",
    "dmesg",
    "iostat",
    "vmstat",
    "sar",
    "strace",
    "htop",
    "pg_dump",
    "pg_restore",
    "pg_basebackup",
    "mysqldump",
    "etcdctl",
    "ip",
    "ifconfig",
    "nc",
    "telnet",
    "http",
    "stat",
    "touch",
    "tee",
    "sort",
    "wc",
    "env",
    "source",
    "sha256sum",
    "crictl",
    "istioctl",
    "argocd",
    "flux",
    "kubectx",
    "kubens",
    "stern",
    "k9s",
    "gsutil",
    "s3cmd",
];

pub(super) fn looks_like_command_line(line: &str) -> bool {
    let t = line.trim();
    let t = t.strip_prefix("$ ").unwrap_or(t);
    command_start(t) == Start::Known
}

/// Inline code that is a whole command (`kubectl rollout restart
/// deploy/api`), not a name (`kubectl`, `APIDown`) or a fragment.
pub(super) fn whole_command(code: &str) -> bool {
    let t = code.trim();
    let t = t.strip_prefix("$ ").unwrap_or(t);
    if t.is_empty() || t.contains('\n') || command_start(t) != Start::Known {
        return false;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let first = words.first().copied().unwrap_or("");
    let path = first.starts_with('/') || first.starts_with("./");
    words.len() >= 3
        || (words.len() == 2 && (words[1].starts_with('-') || path))
        || (path && words.len() == 1)
}

/// Most lines start with a known program.
fn looks_like_commands(text: &str) -> bool {
    let mut total = 0;
    let mut known = 0;
    let mut continued = false;
    for l in text.lines() {
        let t = l.trim();
        let was_continued = continued;
        continued = t.ends_with('\\');
        if t.is_empty() || t.starts_with('#') || was_continued {
            continue;
        }
        total += 1;
        if looks_like_command_line(t) {
            known += 1;
        }
    }
    known > 0 && known * 2 >= total
}

/// The steps of a shell block starting at markdown line `line`, and the
/// markdown lines left out as output.
pub(super) fn shell_drafts(text: &str, mode: shell::Mode, line: usize) -> (Vec<Draft>, Vec<usize>) {
    let (items, skipped) = shell::split_report(text, mode);
    let drafts = items
        .into_iter()
        .map(|it| match it {
            shell::Item::Cmd(c) => Draft {
                line: line + c.line,
                auto_title: c.title.is_none(),
                title: c.title.unwrap_or_else(|| auto_title(&c.run)),
                detail: c.detail,
                command: Some(make_command(c.run, c.workdir, &c.defaults)),
            },
            shell::Item::Note { title, detail } => Draft {
                line,
                title,
                detail,
                command: None,
                auto_title: false,
            },
        })
        .collect();
    (drafts, skipped.into_iter().map(|k| line + k).collect())
}

fn make_command(
    run: String,
    workdir: Option<String>,
    defaults: &BTreeMap<String, String>,
) -> Command {
    Command {
        risk: Some(At::new(step_risk(&run))),
        params: params_for(&run, defaults),
        timeout: None,
        shell: needs_shell(&run),
        workdir,
        run: At::new(run),
    }
}

/// The one classifier's risk ([`risk::infer`]): here-documents and
/// wrappers included.
pub(super) fn step_risk(run: &str) -> Risk {
    risk::infer(run)
}

/// Pipes, lists, redirections, substitutions, expansions and globs need
/// `sh -c`; placeholders do not (the runner fills them).
pub(super) fn needs_shell(run: &str) -> bool {
    if run.contains('\n') {
        return true;
    }
    let mut s = run.to_string();
    for f in placeholders::find(run).iter().rev() {
        s.replace_range(f.start..f.start + f.text.len(), "X");
    }
    let first = s.split_whitespace().next().unwrap_or("");
    if matches!(
        first,
        "cd" | "export"
            | "source"
            | "."
            | "set"
            | "unset"
            | "alias"
            | "ulimit"
            | "umask"
            | "for"
            | "if"
            | "while"
            | "until"
            | "case"
            | "eval"
            | "function"
    ) || (first.contains('=') && !first.starts_with('-'))
    {
        return true;
    }
    let chars: Vec<char> = s.chars().collect();
    let (mut sq, mut dq, mut prev_ws) = (false, false, true);
    let expands = |c: Option<&char>| {
        c.is_some_and(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '{' | '(' | '?' | '@' | '*' | '#' | '!')
        })
    };
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        if sq {
            sq = c != '\'';
        } else if c == '\\' {
            k += 1;
        } else if dq {
            match c {
                '"' => dq = false,
                '`' => return true,
                '$' if expands(chars.get(k + 1)) => return true,
                _ => {}
            }
        } else {
            match c {
                '\'' => sq = true,
                '"' => dq = true,
                '|' | ';' | '&' | '>' | '<' | '`' | '*' | '?' | '(' | ')' | '[' => return true,
                '$' if expands(chars.get(k + 1)) => return true,
                '~' if prev_ws => return true,
                _ => {}
            }
        }
        prev_ws = c.is_whitespace();
        k += 1;
    }
    false
}

pub(super) const POD_PATTERN: &str = "[a-z0-9]([-a-z0-9.]*[a-z0-9])?";
static SAMPLE_POD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9][a-z0-9.-]*-x{3,}$").expect("regex"));

/// A parameter for every placeholder, and for `name-xxx` sample pod names
/// in kubectl commands.
pub(super) fn params_for(
    run: &str,
    defaults: &BTreeMap<String, String>,
) -> BTreeMap<String, Param> {
    let mut out = BTreeMap::new();
    for f in placeholders::find(run) {
        if out.contains_key(&f.name) {
            continue;
        }
        let lower = f.name.to_lowercase().replace('_', "-");
        let pod = lower == "pod" || lower.ends_with("-pod") || lower == "pod-name";
        let from = if pod {
            Some("pod")
        } else if matches!(lower.as_str(), "namespace" | "ns") {
            Some("namespace")
        } else if matches!(lower.as_str(), "context" | "kube-context") {
            Some("context")
        } else if lower == "selector" {
            Some("selector")
        } else {
            None
        };
        let secret = ["password", "passwd", "secret", "token", "api-key", "apikey"]
            .iter()
            .any(|w| lower.contains(w));
        out.insert(
            f.name.clone(),
            Param {
                description: Some(format!("value for {}", f.text)),
                default: defaults.get(&f.name).cloned(),
                pattern: pod.then(|| At::new(POD_PATTERN.to_string())),
                secret,
                from: from.map(String::from),
                token: None,
            },
        );
    }
    if run.contains("kubectl") || run.starts_with("oc ") {
        for w in run.split_whitespace() {
            let w = w.trim_matches(|c| c == '"' || c == '\'');
            if !SAMPLE_POD.is_match(w) || out.values().any(|p| p.token.as_deref() == Some(w)) {
                continue;
            }
            let mut name = "pod".to_string();
            let mut n = 2;
            while out.contains_key(&name) {
                name = format!("pod-{n}");
                n += 1;
            }
            out.insert(
                name,
                Param {
                    description: Some(format!("the pod the runbook calls {w}")),
                    default: None,
                    pattern: Some(At::new(POD_PATTERN.to_string())),
                    secret: false,
                    from: Some("pod".into()),
                    token: Some(w.to_string()),
                },
            );
        }
    }
    out
}

pub(super) fn template_kind(name: &str, subject: Option<&str>) -> Option<String> {
    const RULES: &[(&str, &str)] = &[
        ("status page", "status-page"),
        ("status-page", "status-page"),
        ("statuspage", "status-page"),
        ("post-mortem", "postmortem"),
        ("postmortem", "postmortem"),
        ("post mortem", "postmortem"),
        ("post-incident review", "postmortem"),
        ("regulat", "regulator"),
        ("gdpr", "regulator"),
        ("hipaa", "regulator"),
        ("supervisory", "regulator"),
        ("customer", "customer"),
        ("internal", "internal"),
        ("slack", "internal"),
        ("resolution", "resolution"),
        ("resolved", "resolution"),
        ("initial", "initial"),
    ];
    [Some(name), subject].into_iter().flatten().find_map(|t| {
        let t = t.to_lowercase();
        RULES
            .iter()
            .find(|(k, _)| t.contains(k))
            .map(|(_, v)| v.to_string())
    })
}
