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
        "markdown" | "md" | "text" | "txt" | "plain" | "plaintext" | "email" | "mail" => {
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
    if matches!(
        lang,
        "console" | "shell-session" | "shellsession" | "sh-session" | "terminal"
    ) {
        shell::Mode::Console { hash_prompt: true }
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

const PROGRAMS: &[&str] = &[
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
    let mut w = t.split_whitespace();
    let Some(mut first) = w.next() else {
        return false;
    };
    if first == "sudo" {
        first = w.next().unwrap_or("");
    }
    PROGRAMS.contains(&first)
        || first.starts_with("./")
        || (first.starts_with('/') && first.len() > 1 && !first.ends_with('/'))
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

pub(super) fn shell_drafts(text: &str, mode: shell::Mode) -> Vec<Draft> {
    shell::split(text, mode)
        .into_iter()
        .map(|it| match it {
            shell::Item::Cmd(c) => Draft {
                auto_title: c.title.is_none(),
                title: c.title.unwrap_or_else(|| auto_title(&c.run)),
                detail: c.detail,
                command: Some(make_command(c.run, c.workdir, &c.defaults)),
            },
            shell::Item::Note { title, detail } => Draft {
                title,
                detail,
                command: None,
                auto_title: false,
            },
        })
        .collect()
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

/// [`risk::infer`], raised for SQL a here-doc feeds to a database client.
pub(super) fn step_risk(run: &str) -> Risk {
    let r = risk::infer(run);
    let mut lines = run.lines();
    let first = lines.next().unwrap_or("");
    let db_client = first.split_whitespace().any(|w| {
        let p = w.rsplit('/').next().unwrap_or(w);
        matches!(
            p,
            "psql" | "mysql" | "mongo" | "mongosh" | "sqlite3" | "cqlsh"
        )
    });
    if !(first.contains("<<") && db_client) {
        return r;
    }
    let body = lines.collect::<Vec<_>>().join("\n").to_uppercase();
    let has = |w: &str| {
        body.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .any(|t| t == w)
    };
    if has("DROP") || has("TRUNCATE") || has("DELETE") {
        r.max(Risk::Destructive)
    } else if ["UPDATE", "INSERT", "ALTER", "CREATE", "GRANT", "REVOKE"]
        .iter()
        .any(|w| has(w))
    {
        r.max(Risk::Change)
    } else {
        r
    }
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
