//! Risk inferred from a command line: `read`, `change` or `destructive`.
//! The playbook import, lint and the guarded-command runner all use these
//! rules, so a declared risk can be checked against what the command does.
//!
//! A command line is cut into simple commands at `|`, `;`, `&&`, `||`,
//! `$(`, backticks and shell keywords; each is classified by its program
//! and sub-command, and the line takes the highest risk. A program the
//! rules do not know is `change` unless the playbook declares its risk:
//! the author knows their own tools (`zkp-ledger health-check`), while a
//! known command (`kubectl delete`) can never be declared lower than it is.

use super::model::Risk;

/// Programs that only read, whatever their arguments (with exceptions
/// handled below).
const READ_PROGRAMS: &[&str] = &[
    "cat",
    "grep",
    "egrep",
    "zgrep",
    "tail",
    "head",
    "less",
    "more",
    "ls",
    "ps",
    "top",
    "htop",
    "iostat",
    "vmstat",
    "mpstat",
    "free",
    "df",
    "du",
    "netstat",
    "ss",
    "lsof",
    "journalctl",
    "dmesg",
    "uptime",
    "whoami",
    "id",
    "hostname",
    "date",
    "echo",
    "printf",
    "awk",
    "sort",
    "uniq",
    "wc",
    "cut",
    "tr",
    "jq",
    "yq",
    "pgrep",
    "stat",
    "file",
    "which",
    "dig",
    "nslookup",
    "host",
    "ping",
    "traceroute",
    "mtr",
    "sha256sum",
    "sha1sum",
    "md5sum",
    "diff",
    "tcpdump",
    "openssl",
    "env",
    "printenv",
    "true",
    "test",
    "watch",
    "uname",
    "nproc",
    "lscpu",
    "lsblk",
    "ip",
    "ifconfig",
    "curl",
    "wget",
    "http",
    "sleep",
    "cd",
    "pwd",
    "find",
    "zcat",
    "xxd",
    "base64",
];

/// `kubectl` verbs that only read.
const KUBECTL_READ: &[&str] = &[
    "get",
    "describe",
    "logs",
    "top",
    "explain",
    "api-resources",
    "api-versions",
    "version",
    "cluster-info",
    "events",
    "auth",
    "diff",
    "wait",
];
/// `kubectl` verbs that destroy or replace.
const KUBECTL_DESTRUCTIVE: &[&str] = &["delete", "drain", "replace"];

fn aws_risk(words: &[&str]) -> Risk {
    // aws SERVICE OPERATION ...
    let op = words.iter().skip(1).find(|w| !w.starts_with('-')).copied();
    let op = words
        .iter()
        .skip(1)
        .filter(|w| !w.starts_with('-'))
        .nth(1)
        .or(op.as_ref())
        .copied()
        .unwrap_or("");
    if op.starts_with("describe") || op.starts_with("get") || op.starts_with("list") || op == "ls" {
        Risk::Read
    } else if op.starts_with("delete")
        || op.starts_with("terminate")
        || op.starts_with("failover")
        || op.starts_with("restore")
        || op == "rm"
    {
        Risk::Destructive
    } else {
        Risk::Change
    }
}

fn sql_risk(sql: &str) -> Risk {
    let up = sql.to_ascii_uppercase();
    let has = |w: &str| {
        up.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .any(|t| t == w)
    };
    if has("DROP") || has("TRUNCATE") || has("DELETE") {
        Risk::Destructive
    } else if has("UPDATE")
        || has("INSERT")
        || has("ALTER")
        || has("CREATE")
        || has("GRANT")
        || has("REVOKE")
    {
        Risk::Change
    } else {
        Risk::Read
    }
}

fn kubectl_risk(words: &[&str]) -> Risk {
    // Skip global flags to find the verb.
    let mut i = 1;
    while i < words.len() && words[i].starts_with('-') {
        // flags with a separate value
        if matches!(
            words[i],
            "-n" | "--namespace" | "--context" | "--kubeconfig" | "-l"
        ) {
            i += 1;
        }
        i += 1;
    }
    let verb = words.get(i).copied().unwrap_or("");
    let sub = words.get(i + 1).copied().unwrap_or("");
    if verb == "exec" {
        // What runs inside decides: kubectl exec POD -- CMD...
        return match words.iter().position(|w| *w == "--") {
            Some(p) if p + 1 < words.len() => {
                classify_simple(&words[p + 1..]).unwrap_or(Risk::Change)
            }
            _ => Risk::Change,
        };
    }
    if verb == "rollout" {
        return match sub {
            "history" | "status" => Risk::Read,
            _ => Risk::Change,
        };
    }
    if verb == "config" {
        return match sub {
            "view" | "get-contexts" | "current-context" => Risk::Read,
            _ => Risk::Change,
        };
    }
    if KUBECTL_READ.contains(&verb) {
        Risk::Read
    } else if KUBECTL_DESTRUCTIVE.contains(&verb) {
        Risk::Destructive
    } else {
        Risk::Change
    }
}

fn systemctl_risk(words: &[&str]) -> Risk {
    let verb = words
        .iter()
        .skip(1)
        .find(|w| !w.starts_with('-'))
        .copied()
        .unwrap_or("");
    match verb {
        "status" | "show" | "is-active" | "is-failed" | "is-enabled" | "list-units" | "cat" => {
            Risk::Read
        }
        _ => Risk::Change,
    }
}

/// One simple command: program and arguments. `None` for a program the
/// rules do not know.
fn classify_simple(words: &[&str]) -> Option<Risk> {
    // Leading wrappers and variable assignments do not decide.
    let mut w = words;
    while let Some(first) = w.first() {
        let is_assign = first.contains('=') && !first.starts_with('-') && !first.starts_with('=');
        if is_assign
            || matches!(
                *first,
                "sudo" | "time" | "nohup" | "nice" | "command" | "exec" | "xargs"
            )
        {
            w = &w[1..];
        } else {
            break;
        }
    }
    let Some(prog) = w.first() else {
        return Some(Risk::Read);
    };
    let prog = prog.rsplit('/').next().unwrap_or(prog);
    let has = |flag: &str| w.contains(&flag);
    Some(match prog {
        "kubectl" | "oc" => kubectl_risk(w),
        "systemctl" | "service" => systemctl_risk(w),
        "aws" => aws_risk(w),
        "psql" => {
            let sql = w
                .iter()
                .position(|x| *x == "-c" || *x == "--command")
                .and_then(|p| w.get(p + 1))
                .copied();
            match sql {
                Some(q) => sql_risk(q),
                None => Risk::Change,
            }
        }
        "pg_restore" | "dropdb" | "mkfs" | "dd" | "shred" | "wipefs" | "rm" | "rmdir"
        | "truncate" => Risk::Destructive,
        "git" => match w.get(1).copied().unwrap_or("") {
            "log" | "status" | "diff" | "show" | "blame" | "rev-parse" | "describe" | "fetch" => {
                Risk::Read
            }
            _ => Risk::Change,
        },
        "docker" | "podman" => match w.get(1).copied().unwrap_or("") {
            "ps" | "logs" | "inspect" | "images" | "stats" | "top" | "version" | "info" => {
                Risk::Read
            }
            "rm" | "rmi" | "kill" | "prune" => Risk::Destructive,
            _ => Risk::Change,
        },
        "helm" => match w.get(1).copied().unwrap_or("") {
            "list" | "ls" | "status" | "history" | "get" | "show" | "template" => Risk::Read,
            "uninstall" | "delete" => Risk::Destructive,
            _ => Risk::Change,
        },
        "find" if has("-delete") || has("-exec") || has("-execdir") => Risk::Change,
        "curl"
            if w.iter().any(|x| {
                matches!(
                    *x,
                    "-d" | "--data" | "--data-raw" | "-F" | "--form" | "-T" | "--upload-file"
                ) || x.starts_with("--data")
                    || (*x == "-X" || *x == "--request")
            }) =>
        {
            Risk::Change
        }
        "tcpdump" | "openssl" => Risk::Read,
        p if READ_PROGRAMS.contains(&p) => Risk::Read,
        "kill" | "pkill" | "killall" | "chown" | "chmod" | "cp" | "mv" | "rsync" | "ln"
        | "mkdir" | "touch" | "tee" | "sed" | "npx" | "npm" | "make" | "terraform" | "ansible"
        | "ansible-playbook" => Risk::Change,
        _ => return None,
    })
}

/// Splits a command line into simple commands (roughly as a shell would).
fn simple_commands(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let (mut sq, mut dq) = (false, false);
    while let Some(c) = chars.next() {
        match c {
            '\'' if !dq => {
                sq = !sq;
                cur.push(c);
            }
            '"' if !sq => {
                dq = !dq;
                cur.push(c);
            }
            '\\' if !sq => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '|' | ';' | '&' | '`' | '(' | ')' if !sq && !dq => {
                out.push(std::mem::take(&mut cur));
            }
            '$' if !sq && chars.peek() == Some(&'(') => {
                out.push(std::mem::take(&mut cur));
            }
            '\n' if !sq && !dq => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().filter(|s| !s.trim().is_empty()).collect()
}

const SHELL_KEYWORDS: &[&str] = &[
    "for", "in", "do", "done", "then", "if", "fi", "else", "while", "until", "!", "{", "}",
];

/// What the rules know about a command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inferred {
    /// The highest risk of the simple commands the rules know (a floor no
    /// declaration can lower).
    pub known: Risk,
    /// Some simple command uses a program the rules do not know.
    pub unknown: bool,
}

impl Inferred {
    /// The risk that decides the guard: the declared one, never below the
    /// known floor; with nothing declared, unknown programs count as
    /// `change`.
    pub fn effective(self, declared: Option<Risk>) -> Risk {
        let default = if self.unknown {
            Risk::Change
        } else {
            Risk::Read
        };
        declared.unwrap_or(default).max(self.known)
    }
}

/// The risk of a command line with nothing declared.
pub fn infer(line: &str) -> Risk {
    analyse(line).effective(None)
}

/// The known floor and whether unknown programs are involved: the highest
/// of its simple commands, and at least `change` when it writes a file
/// with `>` or feeds SQL with `<`.
pub fn analyse(line: &str) -> Inferred {
    let mut unknown = false;
    let mut risk = Risk::Read;
    for cmd in simple_commands(line) {
        let words: Vec<String> = shell_words::split(&cmd)
            .unwrap_or_else(|_| cmd.split_whitespace().map(String::from).collect());
        let mut refs: Vec<&str> = words.iter().map(String::as_str).collect();
        // `for ip in ...` and friends: skip to the command itself.
        if refs.first() == Some(&"for") {
            refs.clear();
        }
        while refs.first().is_some_and(|w| SHELL_KEYWORDS.contains(w)) {
            refs.remove(0);
        }
        let mut r = match classify_simple(&refs) {
            Some(r) => r,
            None => {
                unknown = true;
                Risk::Read
            }
        };
        // Output redirected to a file (not /dev/null) writes something.
        let redirect_out = refs.iter().enumerate().any(|(i, w)| {
            (*w == ">" || *w == ">>") && refs.get(i + 1).is_some_and(|t| *t != "/dev/null")
                || (w.starts_with('>')
                    && w.len() > 1
                    && !w.starts_with(">/dev/null")
                    && !w.starts_with(">&"))
        });
        if redirect_out {
            r = r.max(Risk::Change);
        }
        // Input fed to a database client restores or rewrites data.
        let prog = refs
            .first()
            .map(|p| p.rsplit('/').next().unwrap_or(p))
            .unwrap_or("");
        let redirect_in = refs
            .iter()
            .any(|w| *w == "<" || (w.starts_with('<') && w.len() > 1 && !w.starts_with("<<")));
        if redirect_in
            && matches!(
                prog,
                "psql" | "mysql" | "mongo" | "mongosh" | "sqlite3" | "redis-cli"
            )
        {
            r = Risk::Destructive;
        }
        risk = risk.max(r);
    }
    Inferred {
        known: risk,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Risk::*;

    #[test]
    fn seeds_read_commands_are_read() {
        for c in [
            "curl https://api.dicps.example.com/v1/health/live",
            "kubectl get pods -n identity-platform -l app=dicps-api",
            "kubectl rollout history deployment/dicps-api -n identity-platform",
            "kubectl logs -n identity-platform -l app=dicps-api --tail=100",
            "kubectl top pods -n identity-platform -l app=dicps-api",
            "kubectl exec -n identity-platform dicps-api-xxx -- env | grep DB_",
            "kubectl describe configmap zk-circuits -n identity-platform",
            "cat /var/log/dicps/audit.log | grep -A 10 \"UNAUTHORIZED\"",
            "psql -c \"SELECT * FROM pg_stat_statements WHERE query LIKE '%identity%'\"",
            "kubectl get events --all-namespaces --sort-by='.lastTimestamp'",
            "aws rds describe-db-instances --db-instance-identifier dicps-production",
            "systemctl status zkp-dataset-ledger",
            "journalctl -u zkp-dataset-ledger --since \"1 hour ago\"",
            "top -p $(pgrep zkp-ledger)",
            "netstat -tuln | grep LISTEN",
            "kubectl auth can-i '*' '*' -n identity-platform",
            "aws sts get-caller-identity",
            "git log --all --full-history -- circuits/",
            "sha256sum -c checksums.txt",
        ] {
            assert_eq!(infer(c), Read, "{c}");
        }
    }

    #[test]
    fn unknown_programs_take_the_declared_risk_known_ones_have_a_floor() {
        let a = analyse("zkp-ledger health-check --verbose");
        assert!(a.unknown);
        assert_eq!(a.effective(None), Change);
        assert_eq!(a.effective(Some(Read)), Read);
        let a = analyse("kubectl delete pod x");
        assert_eq!(a.effective(Some(Read)), Destructive);
        let a = analyse("zkp-ledger audit | kubectl delete pod x");
        assert_eq!(a.effective(Some(Read)), Destructive);
        assert_eq!(
            analyse("cd circuits/build && sha256sum -c checksums.txt").effective(None),
            Read
        );
    }

    #[test]
    fn seeds_changing_commands_are_never_read() {
        let cases = [
            (
                "kubectl rollout undo deployment/dicps-api -n identity-platform",
                Change,
            ),
            (
                "kubectl delete pod -n identity-platform -l app=dicps-api",
                Destructive,
            ),
            ("kubectl scale deployment dicps-api --replicas=3", Change),
            (
                "kubectl set env deployment/dicps-api -n identity-platform ENABLE_PROOF_GENERATION=false",
                Change,
            ),
            ("systemctl stop zkp-dataset-ledger", Change),
            (
                "rsync -av /backup/last-known-good/ /var/lib/zkp-ledger/",
                Change,
            ),
            (
                "pg_restore -h $DB_HOST -U dicps -d dicps /backups/latest.dump",
                Destructive,
            ),
            ("psql zkp_ledger < /backup/last-known-good.sql", Destructive),
            (
                "aws rds failover-db-cluster --db-cluster-identifier dicps-production",
                Destructive,
            ),
            (
                "aws wafv2 update-web-acl --scope REGIONAL --id <acl-id> --default-action Block={}",
                Change,
            ),
            ("pkill -f \"zkp-ledger benchmark\"", Change),
            (
                "kubectl create secret generic dicps-database --from-literal=password=$(openssl rand -base64 32)",
                Change,
            ),
            ("kubectl delete secret dicps-database", Destructive),
            ("pg_dump zkp_ledger > /backup/pre-recovery.sql", Change),
            ("zkp-ledger config set cache.emergency_mode=true", Change),
            (
                "for ip in $(cat attacker_ips.txt); do kubectl exec -n x nginx -- nginx -s reload; done",
                Change,
            ),
            ("sudo rm -rf /var/lib/x", Destructive),
            ("psql -c \"DELETE FROM proofs\"", Destructive),
            ("curl -X POST https://x/api", Change),
        ];
        for (c, want) in cases {
            assert_eq!(infer(c), want, "{c}");
        }
    }
}
