//! What each program does with its arguments.

use super::Risk;
use super::lex::Simple;
use super::{Inferred, analyse_at};
use Risk::{Change, Destructive, Read};

/// Programs that only read, whatever their arguments (a few are looked
/// at more closely below before this list is consulted).
const READ_PROGRAMS: &[&str] = &[
    "cat",
    "bat",
    "tac",
    "nl",
    "grep",
    "egrep",
    "fgrep",
    "zgrep",
    "rg",
    "ag",
    "ack",
    "tail",
    "head",
    "less",
    "more",
    "most",
    "ls",
    "ll",
    "tree",
    "ps",
    "pstree",
    "top",
    "htop",
    "atop",
    "iotop",
    "iftop",
    "nload",
    "glances",
    "iostat",
    "vmstat",
    "mpstat",
    "pidstat",
    "sar",
    "numastat",
    "nstat",
    "free",
    "df",
    "du",
    "netstat",
    "ss",
    "lsof",
    "dmesg",
    "uptime",
    "whoami",
    "who",
    "w",
    "last",
    "lastlog",
    "id",
    "groups",
    "hostname",
    "date",
    "cal",
    "echo",
    "printf",
    "awk",
    "gawk",
    "mawk",
    "sort",
    "uniq",
    "wc",
    "cut",
    "tr",
    "paste",
    "join",
    "comm",
    "column",
    "fold",
    "fmt",
    "expand",
    "rev",
    "od",
    "hexdump",
    "xxd",
    "strings",
    "jq",
    "gron",
    "jless",
    "pgrep",
    "pidof",
    "stat",
    "file",
    "which",
    "whereis",
    "type",
    "locate",
    "dig",
    "nslookup",
    "host",
    "drill",
    "ping",
    "ping6",
    "traceroute",
    "tracepath",
    "mtr",
    "arping",
    "sha256sum",
    "sha1sum",
    "sha512sum",
    "md5sum",
    "cksum",
    "b2sum",
    "diff",
    "cmp",
    "colordiff",
    "tcpdump",
    "tshark",
    "ngrep",
    "openssl",
    "printenv",
    "true",
    "false",
    ":",
    "test",
    "[",
    "[[",
    "uname",
    "nproc",
    "lscpu",
    "lsblk",
    "lsmem",
    "lsmod",
    "lspci",
    "lsusb",
    "blkid",
    "findmnt",
    "dmidecode",
    "getconf",
    "getent",
    "ifconfig",
    "arp",
    "route",
    "sleep",
    "cd",
    "pwd",
    "pushd",
    "popd",
    "dirs",
    "zcat",
    "zless",
    "bzcat",
    "xzcat",
    "base64",
    "basename",
    "dirname",
    "realpath",
    "readlink",
    "seq",
    "expr",
    "bc",
    "man",
    "help",
    "history",
    "export",
    "set",
    "unset",
    "alias",
    "unalias",
    "read",
    "wait",
    "trap",
    "exit",
    "return",
    "break",
    "continue",
    "shift",
    "local",
    "declare",
    "typeset",
    "readonly",
    "let",
    "hash",
    "ulimit",
    "umask",
    "strace",
    "ltrace",
    "jstack",
    "jps",
    "jstat",
    "stern",
    "kubetail",
    "kubeconform",
    "kubeval",
    "promtool",
    "logcli",
    "curlie",
    "nmap",
    "whois",
    "iperf",
    "iperf3",
    "speedtest",
    "tput",
    "clear",
    "reset",
    "env-show",
    "lsns",
    "nsenter-show",
    "virt-what",
    "systemd-analyze",
    "systemd-cgls",
    "systemd-cgtop",
    "loginctl",
    "resolvectl",
    "nmcli-show",
    "watch-only",
    "yes",
    "time",
    "timedatectl-show",
    "sensors",
    "smartctl",
    "nvidia-smi",
    "perf",
    "bpftrace-list",
    "kubectl-neat",
    "k8sgpt",
    "popeye",
    "pluto",
    "trivy",
    "grype",
];

fn base(prog: &str) -> &str {
    prog.rsplit('/').next().unwrap_or(prog)
}

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// Where output goes that writes nothing.
fn harmless_target(t: &str) -> bool {
    matches!(
        t,
        "/dev/null" | "/dev/stdout" | "/dev/stderr" | "/dev/tty" | "-" | "/dev/fd/1" | "/dev/fd/2"
    ) || t.chars().all(|c| c.is_ascii_digit() || c == '-')
}

const DB_CLIENTS: &[&str] = &[
    "psql",
    "mysql",
    "mariadb",
    "mongo",
    "mongosh",
    "sqlite3",
    "redis-cli",
    "cqlsh",
    "clickhouse-client",
    "sqlcmd",
];

/// A simple command with its redirections.
pub(super) fn simple(c: &Simple, depth: usize) -> Inferred {
    let words: Vec<&str> = c.words.iter().map(String::as_str).collect();
    let mut w: &[&str] = &words;
    // Shell keywords before the command.
    while let Some(first) = w.first() {
        if matches!(
            *first,
            "if" | "then"
                | "else"
                | "elif"
                | "fi"
                | "do"
                | "done"
                | "while"
                | "until"
                | "!"
                | "{"
                | "}"
                | "esac"
                | ";;"
        ) {
            w = &w[1..];
        } else {
            break;
        }
    }
    if matches!(
        w.first().copied(),
        Some("for" | "case" | "select" | "function" | "in")
    ) {
        return Inferred::READ;
    }
    let mut acc = Inferred::READ;
    let mut input_file = false;
    let mut truncates = false;
    for (op, target) in &c.redirs {
        match op.as_str() {
            ">" | ">|" | "&>" | ">>" | "&>>" if !harmless_target(target) => {
                acc = acc.at_least(Change);
                truncates |= op != ">>" && op != "&>>";
            }
            ">&" if !harmless_target(target) => acc = acc.at_least(Change),
            "<" | "<&" if !harmless_target(target) => input_file = true,
            _ => {}
        }
    }
    let prog_words: Vec<&str> = w.iter().copied().skip_while(|x| is_assignment(x)).collect();
    if prog_words.is_empty() || matches!(prog_words[0], ":" | "true") && truncates {
        // `> file` or `: > file` empties a file.
        if truncates {
            return acc.at_least(Destructive);
        }
        return acc;
    }
    let prog = base(prog_words[0]);
    if input_file && DB_CLIENTS.contains(&prog) {
        // A dump or script fed to a database client rewrites data.
        acc = acc.at_least(Destructive);
    }
    acc.max(command(&prog_words, &c.stdin, depth))
}

/// The words after flags: `valued` flags take the next word as value
/// (unless written `--flag=value`); `--` ends the flags.
fn positionals<'a>(w: &[&'a str], valued: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < w.len() {
        let x = w[i];
        if x == "--" {
            out.extend_from_slice(&w[i + 1..]);
            break;
        }
        if x.starts_with('-') && x.len() > 1 {
            if valued.contains(&x) {
                i += 1;
            }
        } else {
            out.push(x);
        }
        i += 1;
    }
    out
}

/// The words from the `n`-th positional on (flags before it skipped):
/// the command of `docker exec CONTAINER CMD…` is from positional 1.
fn from_positional<'a, 'b>(w: &'b [&'a str], valued: &[&str], n: usize) -> &'b [&'a str] {
    let mut seen = 0;
    let mut i = 0;
    while i < w.len() {
        let x = w[i];
        if x == "--" {
            let rest = &w[i + 1..];
            return rest.get(n - seen..).unwrap_or(&[]);
        }
        if x.starts_with('-') && x.len() > 1 {
            if valued.contains(&x) {
                i += 1;
            }
        } else {
            if seen == n {
                return &w[i..];
            }
            seen += 1;
        }
        i += 1;
    }
    &[]
}

fn has(w: &[&str], flag: &str) -> bool {
    w.iter()
        .any(|x| *x == flag || x.strip_prefix(flag).is_some_and(|r| r.starts_with('=')))
}

/// The value of `flag` (`--flag v`, `--flag=v`, or `-fv` for a short one).
fn value<'a>(w: &[&'a str], flag: &str) -> Option<&'a str> {
    for (i, x) in w.iter().enumerate() {
        if *x == flag {
            return w.get(i + 1).copied();
        }
        if let Some(r) = x.strip_prefix(flag) {
            if let Some(v) = r.strip_prefix('=') {
                return Some(v);
            }
            if flag.len() == 2 && !flag.starts_with("--") && !r.is_empty() {
                return Some(r);
            }
        }
    }
    None
}

/// Short-flag clusters contain `letter` (`-sSXPOST` has `X`).
fn short_has(w: &[&str], letter: char) -> bool {
    w.iter().any(|x| {
        x.starts_with('-')
            && !x.starts_with("--")
            && x[1..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .any(|c| c == letter)
    })
}

fn line_of(w: &[&str], depth: usize) -> Inferred {
    analyse_at(&w.join(" "), depth + 1)
}

/// A program with its arguments (assignments already skipped).
pub(super) fn command(w: &[&str], stdin: &[String], depth: usize) -> Inferred {
    if depth > 64 {
        // `sudo sudo sudo …` past any real use: unknown, so never `read`.
        return Inferred::unknown().at_least(Change);
    }
    let w: Vec<&str> = w.iter().copied().skip_while(|x| is_assignment(x)).collect();
    let Some(&first) = w.first() else {
        return Inferred::READ;
    };
    let prog = base(first);
    let args = &w[1..];
    let pos = |valued: &[&str]| positionals(args, valued);
    let inner = |rest: &[&str]| -> Inferred {
        if rest.is_empty() {
            Inferred::READ
        } else {
            command(rest, stdin, depth + 1)
        }
    };
    let script = |text: &str| analyse_at(text, depth + 1);
    let stdin_script = || {
        stdin
            .iter()
            .fold(Inferred::READ, |a, b| a.max(analyse_at(b, depth + 1)))
    };
    let of = Inferred::of;
    match prog {
        // Wrappers: what runs inside decides.
        "sudo" | "doas" => {
            let rest = skip_flags(
                args,
                &[
                    "-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "--user", "--group",
                ],
            );
            if rest.is_empty() && (short_has(args, 'i') || short_has(args, 's')) {
                return of(Change);
            }
            inner(rest)
        }
        "nohup" | "command" | "exec" | "builtin" | "unbuffer" | "setsid" | "time"
        | "caffeinate" | "chronic" | "catchsegv" => inner(skip_flags(args, &[])),
        "nice" => inner(skip_flags(args, &["-n", "--adjustment"])),
        "ionice" => inner(skip_flags(args, &["-c", "-n", "--class", "--classdata"])),
        "stdbuf" => inner(skip_flags(args, &["-i", "-o", "-e"])),
        "taskset" => {
            let rest = skip_flags(args, &[]);
            inner(rest.get(1..).unwrap_or(&[]))
        }
        "chrt" => {
            let rest = skip_flags(args, &[]);
            inner(rest.get(1..).unwrap_or(&[]))
        }
        "env" => {
            if let Some(s) = value(args, "-S").or_else(|| value(args, "--split-string")) {
                return script(s);
            }
            let rest = skip_flags(args, &["-u", "--unset", "-C", "--chdir"]);
            let rest: Vec<&str> = rest
                .iter()
                .copied()
                .skip_while(|x| is_assignment(x))
                .collect();
            inner(&rest)
        }
        "timeout" => {
            let rest = skip_flags(args, &["-s", "--signal", "-k", "--kill-after"]);
            inner(rest.get(1..).unwrap_or(&[]))
        }
        "watch" => {
            let rest = skip_flags(args, &["-n", "--interval", "-d", "-q", "--equexit"]);
            let rest: Vec<&str> = rest
                .iter()
                .copied()
                .skip_while(|x| *x == "--differences=permanent")
                .collect();
            if has(args, "-x") || has(args, "--exec") {
                inner(&rest)
            } else {
                line_of(&rest, depth)
            }
        }
        "xargs" => {
            let rest = skip_flags(
                args,
                &[
                    "-I",
                    "-n",
                    "-P",
                    "-L",
                    "-l",
                    "-d",
                    "-a",
                    "-E",
                    "-e",
                    "-s",
                    "--max-args",
                    "--max-procs",
                    "--delimiter",
                    "--arg-file",
                    "--replace",
                ],
            );
            if rest.is_empty() {
                of(Read)
            } else {
                inner(rest)
            }
        }
        "flock" => {
            if let Some(c) = value(args, "-c").or_else(|| value(args, "--command")) {
                return script(c);
            }
            let rest = skip_flags(args, &["-w", "--timeout", "-E", "--conflict-exit-code"]);
            inner(rest.get(1..).unwrap_or(&[]))
        }
        "ssh" => {
            let rest = skip_flags(
                args,
                &[
                    "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O",
                    "-o", "-p", "-Q", "-R", "-S", "-W", "-w", "-B",
                ],
            );
            match rest.split_first() {
                Some((_, [])) | None if !stdin.is_empty() => stdin_script(),
                Some((_, [])) | None => of(Change),
                Some((_, cmd)) => line_of(cmd, depth),
            }
        }
        "su" => match value(args, "-c").or_else(|| value(args, "--command")) {
            Some(c) => script(c),
            None => of(Change),
        },
        "runuser" => {
            if let Some(c) = value(args, "-c").or_else(|| value(args, "--command")) {
                return script(c);
            }
            match args.iter().position(|x| *x == "--") {
                Some(p) => inner(&args[p + 1..]),
                None => of(Change),
            }
        }
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "busybox-sh" => {
            // `-c STRING` (also in a cluster: `-ec`, `-xc`).
            for (i, x) in args.iter().enumerate() {
                if x.starts_with('-') && !x.starts_with("--") && x.ends_with('c') {
                    return match args.get(i + 1) {
                        Some(s) => script(s),
                        None => of(Change),
                    };
                }
                if !x.starts_with('-') {
                    break;
                }
            }
            let files = positionals(args, &["-o", "-O"]);
            if files.is_empty() && !stdin.is_empty() {
                stdin_script()
            } else if files.is_empty() {
                // An interactive shell can do anything.
                of(Change)
            } else {
                Inferred::unknown()
            }
        }
        "eval" => line_of(args, depth),
        "kubectl" | "oc" | "kubecolor" => kubectl(prog, args, stdin, depth),
        "helm" => helm(args),
        "curl" => curl(args),
        "wget" => wget(args),
        "http" | "https" | "xh" | "xhs" => httpie(args),
        "redis-cli" | "valkey-cli" | "keydb-cli" => redis(args, stdin),
        "psql" => psql(args, stdin),
        "mysql" | "mariadb" => mysql(args, stdin),
        "mysqladmin" => {
            match pos(&["-h", "-u", "-P", "-S", "--host", "--user", "--port"]).first() {
                Some(
                    &("status" | "processlist" | "variables" | "extended-status" | "ping"
                    | "version"),
                ) => of(Read),
                Some(&("drop" | "shutdown")) => of(Destructive),
                _ => of(Change),
            }
        }
        "sqlite3" => {
            let p = pos(&["-cmd", "-separator", "-nullvalue"]);
            match p.get(1) {
                Some(q) if q.starts_with('.') => {
                    of(if q.starts_with(".restore") || q.starts_with(".import") {
                        Destructive
                    } else {
                        Read
                    })
                }
                Some(q) => of(sql(q)),
                None if !stdin.is_empty() => of(stdin.iter().map(|s| sql(s)).max().unwrap_or(Read)),
                None => of(Change),
            }
        }
        "clickhouse-client" | "clickhouse" => {
            match value(args, "--query").or_else(|| value(args, "-q")) {
                Some(q) => of(sql(q)),
                None if !stdin.is_empty() => of(stdin.iter().map(|s| sql(s)).max().unwrap_or(Read)),
                None => of(Change),
            }
        }
        "cqlsh" => match value(args, "-e").or_else(|| value(args, "--execute")) {
            Some(q) => of(sql(q)),
            None => of(Change),
        },
        "mongo" | "mongosh" => match value(args, "--eval") {
            Some(js) => of(mongo_js(js)),
            None if !stdin.is_empty() => {
                of(stdin.iter().map(|s| mongo_js(s)).max().unwrap_or(Read))
            }
            None => of(Change),
        },
        "pg_dump" | "pg_dumpall" | "mysqldump" | "mongodump" | "pg_basebackup" | "pg_isready"
        | "pg_controldata" | "pg_lsclusters" => of(Read),
        "pg_restore" | "dropdb" | "dropuser" | "mongorestore" | "pg_resetwal" => of(Destructive),
        "pg_ctl" | "pg_ctlcluster" => match pos(&["-D", "-m", "-l", "-o", "-w", "-t"]).last() {
            Some(&"status") => of(Read),
            Some(&("stop" | "restart"))
                if has(args, "-m") && value(args, "-m").is_some_and(|m| m.starts_with('i')) =>
            {
                of(Destructive)
            }
            _ => of(Change),
        },
        "createdb" | "createuser" | "vacuumdb" | "reindexdb" | "pg_upgrade"
        | "patronictl-change" => of(Change),
        "patronictl" => match pos(&["-c", "--config-file"]).first() {
            Some(&("list" | "history" | "show-config" | "topology" | "version" | "dsn")) => {
                of(Read)
            }
            Some(&("remove" | "reinit")) => of(Destructive),
            _ => of(Change),
        },
        "aws" => aws(args),
        "gcloud" | "az" => cloud_verbs(prog, args),
        "gsutil" => {
            let p = pos(&["-o", "-h"]);
            match p.first() {
                Some(&("ls" | "cat" | "du" | "stat" | "hash" | "version" | "ver" | "help")) => {
                    of(Read)
                }
                Some(&("rm" | "rb")) => of(Destructive),
                Some(&"rsync") if short_has(args, 'd') => of(Destructive),
                _ => of(Change),
            }
        }
        "s3cmd" => match pos(&["-c", "--config"]).first() {
            Some(&("ls" | "la" | "info" | "du")) => of(Read),
            Some(&("del" | "rm" | "rb" | "deleteobjects")) => of(Destructive),
            _ => of(Change),
        },
        "mc" => match pos(&["--config-dir", "-C"]).first() {
            Some(
                &("ls" | "cat" | "stat" | "du" | "find" | "diff" | "tree" | "head" | "version"
                | "ping"),
            ) => of(Read),
            Some(&("rm" | "rb")) => of(Destructive),
            Some(&"admin") => match pos(&[]).get(1) {
                Some(&("info" | "trace" | "top" | "heal-status" | "prometheus")) => of(Read),
                _ => of(Change),
            },
            _ => of(Change),
        },
        "systemctl" => systemctl(args),
        "service" => {
            if has(args, "--status-all") {
                return of(Read);
            }
            match pos(&[]).get(1) {
                Some(&"status") => of(Read),
                _ => of(Change),
            }
        }
        "journalctl" => {
            if args.iter().any(|x| x.starts_with("--vacuum")) {
                of(Destructive)
            } else if args.iter().any(|x| {
                matches!(
                    *x,
                    "--rotate" | "--flush" | "--sync" | "--relinquish-var" | "--setup-keys"
                )
            }) {
                of(Change)
            } else {
                of(Read)
            }
        }
        "reboot" | "poweroff" | "halt" | "init" | "telinit" | "kexec" => of(Destructive),
        "shutdown" if has(args, "-c") => of(Change),
        "shutdown" => of(Destructive),
        "docker" | "podman" | "nerdctl" => docker(args, stdin, depth),
        "docker-compose" | "podman-compose" => compose(args, stdin, depth),
        "crictl" => crictl(args, stdin, depth),
        "ctr" => {
            let p = pos(&["-n", "--namespace", "-a", "--address"]);
            match (p.first(), p.get(1)) {
                (Some(&("version" | "info" | "plugins")), _) => of(Read),
                (_, Some(&("ls" | "list" | "info" | "check" | "export"))) => of(Read),
                (_, Some(&("rm" | "delete" | "del" | "remove" | "kill" | "prune"))) => {
                    of(Destructive)
                }
                _ => of(Change),
            }
        }
        // Files.
        "rm" | "rmdir" | "shred" | "wipefs" | "unlink" | "truncate" | "blkdiscard" | "sgdisk"
        | "lvremove" | "vgremove" | "pvremove" | "srm" => of(Destructive),
        p if p.starts_with("mkfs") || p.starts_with("mke2fs") => of(Destructive),
        "dd" => match args.iter().find_map(|x| x.strip_prefix("of=")) {
            Some(t) if !harmless_target(t) => of(Destructive),
            _ => of(Read),
        },
        "fdisk" | "parted" | "gdisk" => {
            if has(args, "-l") || has(args, "--list") || args.contains(&"print") {
                of(Read)
            } else {
                of(Destructive)
            }
        }
        "mv"
        | "cp"
        | "install"
        | "ln"
        | "mkdir"
        | "touch"
        | "chmod"
        | "chown"
        | "chgrp"
        | "chattr"
        | "setfacl"
        | "unzip"
        | "zip"
        | "gzip"
        | "gunzip"
        | "bzip2"
        | "bunzip2"
        | "xz"
        | "unxz"
        | "zstd"
        | "patch"
        | "logrotate"
        | "growpart"
        | "resize2fs"
        | "xfs_growfs"
        | "lvextend"
        | "lvresize"
        | "lvreduce"
        | "pvresize"
        | "vgextend"
        | "lvcreate"
        | "scp"
        | "sftp"
        | "split"
        | "mktemp"
        | "sync"
        | "fstrim"
        | "e2fsck"
        | "fsck"
        | "xfs_repair"
        | "vi"
        | "vim"
        | "nvim"
        | "nano"
        | "emacs"
        | "ed"
        | "visudo"
        | "vipw"
        | "passwd"
        | "useradd"
        | "userdel"
        | "usermod"
        | "groupadd"
        | "ssh-keygen"
        | "ssh-copy-id"
        | "update-ca-certificates"
        | "ldconfig"
        | "modprobe"
        | "rmmod"
        | "insmod"
        | "swapoff"
        | "swapon"
        | "umount"
        | "tmux"
        | "screen"
        | "k9s"
        | "telnet"
        | "socat"
        | "kinit"
        | "nsenter" => {
            if prog == "swapon" && (has(args, "--show") || has(args, "-s")) {
                of(Read)
            } else {
                of(Change)
            }
        }
        "rsync" => {
            if args
                .iter()
                .any(|x| x.starts_with("--delete") || *x == "--remove-source-files")
            {
                of(Destructive)
            } else if has(args, "-n") || has(args, "--dry-run") || short_has(args, 'n') {
                of(Read)
            } else {
                of(Change)
            }
        }
        "tar" => {
            // The operation: a long option anywhere (`--list`, `--delete`),
            // or the letters of the first argument (`tzf`, `-tvf`). A long
            // option's letters are no operation: `--delete` and `--update`
            // hold a `t` and change the archive.
            let first = args.first().copied().unwrap_or("");
            let letters = if first.starts_with("--") {
                ""
            } else {
                first.trim_start_matches('-')
            };
            if has(args, "--delete") {
                of(Destructive)
            } else if has(args, "--list")
                || has(args, "--diff")
                || has(args, "--compare")
                || (letters.contains('t') && !letters.contains('x') && !letters.contains('c'))
            {
                of(Read)
            } else {
                of(Change)
            }
        }
        "sed" => {
            if args
                .iter()
                .any(|x| *x == "--in-place" || x.starts_with("--in-place="))
                || short_has(args, 'i')
            {
                of(Change)
            } else {
                of(Read)
            }
        }
        "perl" => {
            if short_has(args, 'i') {
                of(Change)
            } else {
                Inferred::unknown()
            }
        }
        "yq" => {
            if has(args, "-i") || has(args, "--inplace") || short_has(args, 'i') {
                of(Change)
            } else {
                of(Read)
            }
        }
        "tee" => {
            if pos(&[]).iter().any(|t| !harmless_target(t)) {
                of(Change)
            } else {
                of(Read)
            }
        }
        "find" => find(args, stdin, depth),
        // Processes.
        "kill" | "pkill" | "killall" | "skill" | "renice" | "gdb" => {
            if prog == "kill" && (has(args, "-l") || has(args, "-0")) {
                of(Read)
            } else {
                of(Change)
            }
        }
        // Network and system settings.
        "iptables" | "ip6tables" | "iptables-legacy" | "ebtables" => {
            let acts = ['A', 'D', 'I', 'R', 'F', 'Z', 'N', 'X', 'P', 'E'];
            let long = [
                "--append",
                "--delete",
                "--insert",
                "--replace",
                "--flush",
                "--zero",
                "--new-chain",
                "--delete-chain",
                "--policy",
                "--rename-chain",
            ];
            if args.iter().any(|x| long.contains(x)) || acts.iter().any(|a| short_has(args, *a)) {
                of(Change)
            } else {
                of(Read)
            }
        }
        "iptables-save" | "ip6tables-save" | "nft-list" => of(Read),
        "iptables-restore" | "ip6tables-restore" => of(Change),
        "nft" => match pos(&["-f", "--file"]).first() {
            Some(&"list") => of(Read),
            _ => of(Change),
        },
        "ufw" => match pos(&[]).first() {
            Some(&("status" | "show" | "version")) => of(Read),
            _ => of(Change),
        },
        "firewall-cmd" => {
            if args.iter().all(|x| {
                x.starts_with("--list")
                    || x.starts_with("--get")
                    || x.starts_with("--query")
                    || *x == "--state"
                    || x.starts_with("--zone")
                    || *x == "--permanent"
            }) {
                of(Read)
            } else {
                of(Change)
            }
        }
        "ip" => {
            let p = pos(&["-n", "-netns", "-f", "-family"]);
            if p.first() == Some(&"netns") && p.get(1) == Some(&"exec") {
                return inner(from_positional(args, &["-n", "-netns", "-f", "-family"], 3));
            }
            let changing = [
                "add", "del", "delete", "set", "flush", "replace", "change", "append", "prepend",
                "attach", "detach", "exec", "flush",
            ];
            if p.iter().skip(1).any(|x| changing.contains(x)) {
                of(Change)
            } else {
                of(Read)
            }
        }
        "tc" => {
            if pos(&[])
                .iter()
                .any(|x| matches!(*x, "add" | "del" | "delete" | "change" | "replace" | "link"))
            {
                of(Change)
            } else {
                of(Read)
            }
        }
        "conntrack" => {
            if ['D', 'F', 'U', 'I'].iter().any(|c| short_has(args, *c))
                || has(args, "--delete")
                || has(args, "--flush")
            {
                of(Change)
            } else {
                of(Read)
            }
        }
        "ethtool" => {
            if ['s', 'K', 'G', 'A', 'C', 'L', 'r']
                .iter()
                .any(|c| has(args, &format!("-{c}")))
                || args
                    .iter()
                    .any(|x| x.starts_with("--set") || *x == "--change")
            {
                of(Change)
            } else {
                of(Read)
            }
        }
        "sysctl" => {
            if has(args, "-w")
                || has(args, "-p")
                || has(args, "--system")
                || args.iter().any(|x| !x.starts_with('-') && x.contains('='))
            {
                of(Change)
            } else {
                of(Read)
            }
        }
        "hostnamectl" | "timedatectl" | "localectl" | "resolvectl" | "networkctl" | "loginctl"
        | "nmcli" => match pos(&[]).first() {
            None
            | Some(
                &("status" | "show" | "list" | "query" | "statistics" | "list-timezones" | "dns"
                | "domain" | "general" | "device" | "connection"),
            ) if pos(&[]).len() <= 2 => of(Read),
            _ => of(Change),
        },
        "mount" => {
            if pos(&["-t", "-o", "-O"]).is_empty() {
                of(Read)
            } else {
                of(Change)
            }
        }
        "crontab" => {
            if has(args, "-l") {
                of(Read)
            } else if has(args, "-r") {
                of(Destructive)
            } else {
                of(Change)
            }
        }
        "nc" | "ncat" | "netcat" => {
            if short_has(args, 'z') {
                of(Read)
            } else {
                of(Change)
            }
        }
        "nginx" | "apachectl" | "apache2ctl" | "httpd" | "haproxy" | "caddy" | "envoy" => {
            let testing = has(args, "-t")
                || has(args, "-T")
                || has(args, "-v")
                || has(args, "-V")
                || has(args, "-c") && prog == "haproxy"
                || args
                    .first()
                    .is_some_and(|a| matches!(*a, "configtest" | "-S" | "validate" | "version"));
            if testing { of(Read) } else { of(Change) }
        }
        "certbot" => match pos(&[]).first() {
            Some(&"certificates") => of(Read),
            Some(&("delete" | "revoke")) => of(Destructive),
            _ => of(Change),
        },
        // Tools with sub-commands.
        "git" => git(args),
        "terraform" | "tofu" | "terragrunt" => {
            let p = pos(&["-chdir"]);
            match (
                p.first().copied().unwrap_or(""),
                p.get(1).copied().unwrap_or(""),
            ) {
                (
                    "plan" | "show" | "output" | "validate" | "providers" | "version" | "graph"
                    | "console" | "fmt" | "init",
                    _,
                ) if p.first() != Some(&"fmt") || has(args, "-check") => {
                    of(if p.first() == Some(&"init") {
                        Change
                    } else {
                        Read
                    })
                }
                ("state", "list" | "show" | "pull") => of(Read),
                ("state", "rm") | ("destroy", _) => of(Destructive),
                ("apply", _) if has(args, "-destroy") => of(Destructive),
                _ => of(Change),
            }
        }
        "vault" => {
            let p = pos(&["-address", "-namespace", "-format", "-field", "-mount"]);
            let (a, b) = (
                p.first().copied().unwrap_or(""),
                p.get(1).copied().unwrap_or(""),
            );
            match (a, b) {
                ("read" | "list" | "status" | "version" | "print" | "path-help", _)
                | ("kv", "get" | "list")
                | ("policy", "read" | "list")
                | ("token", "lookup" | "capabilities")
                | ("secrets" | "auth" | "audit", "list")
                | ("operator", "members") => of(Read),
                ("kv", "metadata") if p.get(2) == Some(&"get") => of(Read),
                ("operator", "raft") if p.get(2) == Some(&"list-peers") => of(Read),
                ("delete", _)
                | ("kv", "delete" | "destroy" | "metadata")
                | ("lease" | "token", "revoke")
                | ("secrets" | "auth", "disable") => of(Destructive),
                ("operator", "raft") if p.get(2) == Some(&"remove-peer") => of(Destructive),
                _ => of(Change),
            }
        }
        "etcdctl" => {
            let p = pos(&[
                "--endpoints",
                "--cacert",
                "--cert",
                "--key",
                "-w",
                "--write-out",
                "--user",
                "--dial-timeout",
                "--command-timeout",
            ]);
            match (
                p.first().copied().unwrap_or(""),
                p.get(1).copied().unwrap_or(""),
            ) {
                (
                    "get" | "endpoint" | "version" | "check" | "watch" | "cluster-health" | "ls",
                    _,
                ) => of(Read),
                ("member" | "alarm" | "user" | "role" | "lease", "list" | "timetolive") => of(Read),
                ("snapshot", "status") => of(Read),
                // `snapshot save` writes a file: a change, as below.
                ("del" | "rm" | "rmdir", _) | ("snapshot", "restore") | ("member", "remove") => {
                    of(Destructive)
                }
                _ => of(Change),
            }
        }
        "consul" => {
            let p = pos(&["-http-addr", "-token", "-datacenter"]);
            match (
                p.first().copied().unwrap_or(""),
                p.get(1).copied().unwrap_or(""),
            ) {
                ("members" | "info" | "catalog" | "monitor" | "version" | "debug", _) => of(Read),
                ("kv", "get" | "export") | ("operator", "raft")
                    if p.get(2) != Some(&"remove-peer") =>
                {
                    of(Read)
                }
                ("kv", "delete") | ("leave" | "force-leave", _) => of(Destructive),
                ("operator", "raft") => of(Destructive),
                _ => of(Change),
            }
        }
        "nomad" => {
            let p = pos(&["-address", "-namespace", "-region", "-token"]);
            match (
                p.first().copied().unwrap_or(""),
                p.get(1).copied().unwrap_or(""),
            ) {
                ("status" | "logs" | "version" | "plan" | "validate" | "monitor", _) => of(Read),
                (
                    "job" | "node" | "alloc" | "deployment" | "eval" | "server" | "namespace",
                    "status" | "inspect" | "history" | "logs" | "members" | "list" | "fs" | "plan"
                    | "validate",
                ) => of(Read),
                ("operator", "raft") if p.get(2) == Some(&"list-peers") => of(Read),
                ("job", "stop") if has(args, "-purge") => of(Destructive),
                ("node", "drain") => of(Destructive),
                _ => of(Change),
            }
        }
        "argocd" => {
            let p = pos(&[
                "--server",
                "--auth-token",
                "-o",
                "--output",
                "--grpc-web-root-path",
            ]);
            match (
                p.first().copied().unwrap_or(""),
                p.get(1).copied().unwrap_or(""),
            ) {
                ("version" | "context", _) => of(Read),
                (
                    _,
                    "get" | "list" | "diff" | "history" | "logs" | "manifests" | "resources"
                    | "wait" | "get-user-info",
                ) => of(Read),
                (_, "delete" | "rm" | "delete-resource" | "remove") => of(Destructive),
                _ => of(Change),
            }
        }
        "flux" => match pos(&["-n", "--namespace", "--context"]).first() {
            Some(
                &("get" | "logs" | "tree" | "stats" | "check" | "diff" | "export" | "version"
                | "events" | "trace"),
            ) => of(Read),
            Some(&("delete" | "uninstall")) => of(Destructive),
            _ => of(Change),
        },
        "istioctl" => {
            let p = pos(&[
                "-n",
                "--namespace",
                "--context",
                "-i",
                "--istioNamespace",
                "-o",
                "--output",
            ]);
            match p.first().copied().unwrap_or("") {
                "" | "analyze" | "proxy-status" | "ps" | "proxy-config" | "pc" | "version"
                | "verify-install" | "bug-report" | "dashboard" | "describe" => of(Read),
                "x" | "experimental" if p.get(1) != Some(&"uninstall") => of(Read),
                "uninstall" | "x" | "experimental" => of(Destructive),
                _ => of(Change),
            }
        }
        "linkerd" => match pos(&["-n", "--namespace", "--context"]).first() {
            Some(&"uninstall") => of(Destructive),
            Some(&("install" | "upgrade" | "prune" | "multicluster" | "identity")) => of(Change),
            _ => of(Read),
        },
        "velero" => {
            let p = pos(&["-n", "--namespace", "--kubecontext"]);
            match (
                p.first().copied().unwrap_or(""),
                p.get(1).copied().unwrap_or(""),
            ) {
                ("version", _) | (_, "get" | "describe" | "logs") => of(Read),
                (_, "delete") => of(Destructive),
                _ => of(Change),
            }
        }
        "amtool" => {
            let p = pos(&["--alertmanager.url", "-o", "--output", "--config.file"]);
            match (
                p.first().copied().unwrap_or(""),
                p.get(1).copied().unwrap_or(""),
            ) {
                ("alert" | "a", "" | "query")
                | ("silence" | "s", "" | "query")
                | ("check-config" | "config" | "cluster", _) => of(Read),
                _ => of(Change),
            }
        }
        "kubectx" | "kubens" => {
            // No name (`-c`, `--current` or nothing): it prints.
            if pos(&[]).is_empty() {
                of(Read)
            } else {
                of(Change)
            }
        }
        "kustomize" => match pos(&[]).first() {
            Some(&("build" | "cfg" | "version")) => of(Read),
            _ => of(Change),
        },
        "helmfile" => {
            match pos(&["-f", "--file", "-e", "--environment", "-l", "--selector"]).first() {
                Some(&("diff" | "template" | "lint" | "list" | "status" | "build" | "version")) => {
                    of(Read)
                }
                Some(&("destroy" | "delete")) => of(Destructive),
                _ => of(Change),
            }
        }
        "kafka-topics" | "kafka-topics.sh" | "kafka-configs" | "kafka-configs.sh"
        | "kafka-acls" | "kafka-acls.sh" => {
            if has(args, "--delete") || has(args, "--remove") {
                of(Destructive)
            } else if has(args, "--list") || has(args, "--describe") {
                of(Read)
            } else {
                of(Change)
            }
        }
        "kafka-consumer-groups" | "kafka-consumer-groups.sh" => {
            if has(args, "--delete") || has(args, "--delete-offsets") {
                of(Destructive)
            } else if has(args, "--reset-offsets") && has(args, "--execute") {
                of(Change)
            } else {
                of(Read)
            }
        }
        "kafka-console-consumer"
        | "kafka-console-consumer.sh"
        | "kafka-log-dirs"
        | "kafka-log-dirs.sh"
        | "kcat-consume" => of(Read),
        "kafka-console-producer"
        | "kafka-console-producer.sh"
        | "kafka-reassign-partitions"
        | "kafka-reassign-partitions.sh"
        | "kafka-leader-election"
        | "kafka-leader-election.sh" => of(Change),
        "kcat" | "kafkacat" => {
            if short_has(args, 'P') {
                of(Change)
            } else {
                of(Read)
            }
        }
        "rabbitmqctl" | "rabbitmq-diagnostics" | "rabbitmq-plugins" | "rabbitmq-queues" => {
            if prog == "rabbitmq-diagnostics" {
                return of(Read);
            }
            match pos(&["-n", "-p", "--vhost", "--node"])
                .first()
                .copied()
                .unwrap_or("")
            {
                a if a.starts_with("list") => of(Read),
                "status" | "cluster_status" | "environment" | "report" | "ping"
                | "node_health_check" | "version" | "check_running" => of(Read),
                a if a.starts_with("delete")
                    || a.starts_with("purge")
                    || a.starts_with("forget") =>
                {
                    of(Destructive)
                }
                "reset" | "force_reset" | "force_boot" => of(Destructive),
                _ => of(Change),
            }
        }
        "nodetool" => match pos(&["-h", "-p", "-u", "-pw", "--host", "--port"])
            .first()
            .copied()
            .unwrap_or("")
        {
            "status"
            | "info"
            | "ring"
            | "tpstats"
            | "cfstats"
            | "tablestats"
            | "compactionstats"
            | "netstats"
            | "describecluster"
            | "gossipinfo"
            | "proxyhistograms"
            | "tablehistograms"
            | "cfhistograms"
            | "version"
            | "statusbinary"
            | "statusgossip"
            | "statushandoff"
            | "getcompactionthroughput"
            | "getendpoints"
            | "listsnapshots"
            | "describering" => of(Read),
            "decommission" | "removenode" | "assassinate" | "truncatehints" | "clearsnapshot" => {
                of(Destructive)
            }
            _ => of(Change),
        },
        "apt" | "apt-get" | "yum" | "dnf" | "zypper" | "apk" | "pip" | "pip3" | "gem" | "brew"
        | "snap" | "pacman" | "npm" | "yarn" | "pnpm" | "cargo" | "go" | "pipx" => {
            match pos(&["-o", "-c"]).first().copied().unwrap_or("") {
                "list" | "show" | "search" | "info" | "policy" | "version" | "--version"
                | "outdated" | "why" | "ls" | "check-update" | "repolist" | "history"
                    if prog != "cargo" && prog != "go" =>
                {
                    of(Read)
                }
                "remove" | "purge" | "autoremove" | "erase" | "uninstall" | "del" | "rm" => {
                    of(Destructive)
                }
                _ if prog == "pacman"
                    && (short_has(args, 'Q') || short_has(args, 'i') && !short_has(args, 'S')) =>
                {
                    of(Read)
                }
                _ if prog == "pacman" && short_has(args, 'R') => of(Destructive),
                _ => of(Change),
            }
        }
        "apt-cache" | "dpkg-query" | "rpm-query" | "apt-mark-showmanual" => of(Read),
        "dpkg" => {
            if short_has(args, 'r')
                || short_has(args, 'P')
                || has(args, "--remove")
                || has(args, "--purge")
            {
                of(Destructive)
            } else if short_has(args, 'i') || has(args, "--install") || has(args, "--configure") {
                of(Change)
            } else {
                of(Read)
            }
        }
        "rpm" => {
            if short_has(args, 'e') || has(args, "--erase") {
                of(Destructive)
            } else if short_has(args, 'q')
                || short_has(args, 'V')
                || has(args, "--query")
                || has(args, "--verify")
            {
                of(Read)
            } else {
                of(Change)
            }
        }
        "supervisorctl" => match pos(&["-c", "-s", "-u", "-p"]).first().copied() {
            Some("status" | "avail" | "pid" | "tail" | "version" | "help" | "fg-show") => of(Read),
            Some("shutdown") => of(Destructive),
            _ => of(Change),
        },
        "pm2" => match pos(&[]).first().copied() {
            Some(
                "list" | "ls" | "status" | "show" | "describe" | "logs" | "monit" | "jlist"
                | "prettylist" | "info",
            ) => of(Read),
            Some("delete" | "del" | "kill") => of(Destructive),
            _ => of(Change),
        },
        "ansible" | "ansible-playbook" => {
            if has(args, "--check")
                || has(args, "-C")
                || has(args, "--list-hosts")
                || has(args, "--syntax-check")
            {
                of(Read)
            } else {
                of(Change)
            }
        }
        "make" | "npx" | "terraform-apply" | "pulumi" | "skaffold" | "tilt" | "ansible-galaxy"
        | "chef-client" | "puppet" | "salt" => of(Change),
        // openssl, tcpdump and the other readers: READ_PROGRAMS.
        p if READ_PROGRAMS.contains(&p) => of(Read),
        // Also `source FILE` and `. FILE`: a script not on the line.
        _ => Inferred::unknown(),
    }
}

/// The words after the flags of a wrapper (and their values).
fn skip_flags<'a, 'b>(args: &'b [&'a str], valued: &[&str]) -> &'b [&'a str] {
    let mut i = 0;
    while i < args.len() {
        let x = args[i];
        if x == "--" {
            return &args[i + 1..];
        }
        if !x.starts_with('-') || x.len() == 1 {
            break;
        }
        if valued.contains(&x) {
            i += 1;
        }
        i += 1;
    }
    &args[i.min(args.len())..]
}

const KUBE_GLOBAL: &[&str] = &[
    "-n",
    "--namespace",
    "--context",
    "--kubeconfig",
    "--cluster",
    "--user",
    "-s",
    "--server",
    "--token",
    "--as",
    "--as-group",
    "--cache-dir",
    "--request-timeout",
    "-v",
    "-l",
    "--selector",
    "-o",
    "--output",
    "-c",
    "--container",
    "--field-selector",
];

fn kubectl(prog: &str, args: &[&str], stdin: &[String], depth: usize) -> Inferred {
    let of = Inferred::of;
    let p = positionals(args, KUBE_GLOBAL);
    let verb = p.first().copied().unwrap_or("");
    let sub = p.get(1).copied().unwrap_or("");
    let dry_run = args
        .iter()
        .any(|x| x.starts_with("--dry-run") && *x != "--dry-run=none");
    // The command inside `exec` decides.
    if matches!(verb, "exec" | "rsh") {
        let dash = args.iter().position(|x| *x == "--");
        let inner: Vec<&str> = match dash {
            Some(d) => args[d + 1..].to_vec(),
            // `oc rsh POD CMD` and the old `kubectl exec POD CMD`.
            None => {
                from_positional(args, &[KUBE_GLOBAL, &["-f", "--filename"]].concat(), 2).to_vec()
            }
        };
        if inner.is_empty() {
            // An interactive shell in the container.
            return of(Change);
        }
        return command(&inner, stdin, depth + 1);
    }
    if dry_run && verb != "exec" {
        return of(Read);
    }
    match verb {
        "" | "get" | "describe" | "logs" | "log" | "top" | "explain" | "api-resources"
        | "api-versions" | "version" | "cluster-info" | "events" | "diff" | "wait"
        | "port-forward" | "proxy" | "completion" | "whoami" | "status" | "projects"
        | "kustomize" | "process" | "options" | "help" | "observe" | "get-token" | "tree"
        | "neat" | "who-can" | "access-matrix" | "ctx" | "ns" | "view-secret" | "tail"
        | "stern" => {
            if verb == "ctx" || verb == "ns" {
                return of(if sub.is_empty() { Read } else { Change });
            }
            of(Read)
        }
        "auth" => of(if matches!(sub, "can-i" | "whoami") {
            Read
        } else {
            Change
        }),
        "config" => of(
            if matches!(
                sub,
                "view" | "get-contexts" | "current-context" | "get-clusters" | "get-users"
            ) {
                Read
            } else {
                Change
            },
        ),
        "rollout" => of(if matches!(sub, "history" | "status") {
            Read
        } else {
            Change
        }),
        "plugin" => of(if sub == "list" { Read } else { Change }),
        "image" if prog == "oc" && sub == "info" => of(Read),
        "project" => of(if sub.is_empty() { Read } else { Change }),
        "delete" | "drain" | "replace" => of(Destructive),
        "scale" => {
            let zero = value(args, "--replicas").is_some_and(|v| v == "0");
            of(if zero { Destructive } else { Change })
        }
        "adm" => {
            let third = p.get(2).copied().unwrap_or("");
            of(match sub {
                "drain" | "prune" => Destructive,
                "top" | "node-logs" | "inspect" => Read,
                "release" if third == "info" => Read,
                "policy" if third == "who-can" => Read,
                "upgrade"
                    if p.len() == 2
                        && !args
                            .iter()
                            .any(|x| x.starts_with("--to") || *x == "--clear") =>
                {
                    Read
                }
                _ => Change,
            })
        }
        // `debug`, `cp`, `apply`, `create`, `patch`, `edit`, `label`,
        // `annotate`, `set`, `cordon`, `uncordon`, `taint`, `expose`, `run`,
        // `autoscale`, `certificate`, `attach` and any verb not above.
        _ => of(Change),
    }
}

fn helm(args: &[&str]) -> Inferred {
    let of = Inferred::of;
    let p = positionals(
        args,
        &[
            "-n",
            "--namespace",
            "--kube-context",
            "--kubeconfig",
            "-f",
            "--values",
            "--set",
            "--version",
            "-o",
            "--output",
            "--repo",
            "--timeout",
        ],
    );
    let verb = p.first().copied().unwrap_or("");
    let sub = p.get(1).copied().unwrap_or("");
    if args.iter().any(|x| x.starts_with("--dry-run")) {
        return of(Read);
    }
    of(match verb {
        "" | "list" | "ls" | "status" | "history" | "hist" | "get" | "show" | "inspect"
        | "template" | "lint" | "search" | "version" | "env" | "verify" | "diff" | "help" => Read,
        "repo" | "dependency" | "dep" | "plugin" | "registry" if matches!(sub, "list" | "ls") => {
            Read
        }
        "uninstall" | "delete" | "del" | "un" => Destructive,
        _ => Change,
    })
}

/// A method's risk, given where it is sent.
fn method_risk(method: &str, urls: &[&str]) -> Risk {
    let m = method.to_ascii_uppercase();
    let lower: Vec<String> = urls.iter().map(|u| u.to_ascii_lowercase()).collect();
    // A path segment that deletes: `_delete_by_query`, `delete_series`.
    let deletes = lower.iter().any(|u| {
        u.split(['?', '#'])
            .next()
            .unwrap_or("")
            .split('/')
            .any(|s| {
                s.starts_with("_delete")
                    || s == "delete"
                    || s.starts_with("delete_")
                    || s.starts_with("delete-")
            })
    });
    match m.as_str() {
        "GET" | "HEAD" | "OPTIONS" | "TRACE" => Read,
        "DELETE" => Destructive,
        _ if deletes => Destructive,
        "POST" => {
            // Queries sent with POST only read.
            let reads = lower.iter().any(|u| {
                let path = u.split(['?', '#']).next().unwrap_or("");
                let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
                matches!(
                    last,
                    "_search"
                        | "_msearch"
                        | "_count"
                        | "_mget"
                        | "_field_caps"
                        | "_analyze"
                        | "_explain"
                        | "query"
                        | "query_range"
                        | "query_exemplars"
                        | "series"
                        | "labels"
                        | "_validate"
                ) || path.ends_with("/_validate/query")
            });
            if reads { Read } else { Change }
        }
        _ => Change,
    }
}

fn curl(args: &[&str]) -> Inferred {
    const VALUED_LONG: &[&str] = &[
        "--header",
        "--user",
        "--user-agent",
        "--referer",
        "--cookie",
        "--cookie-jar",
        "--write-out",
        "--proxy",
        "--cacert",
        "--capath",
        "--cert",
        "--key",
        "--max-time",
        "--connect-timeout",
        "--resolve",
        "--retry",
        "--config",
        "--url",
        "--oauth2-bearer",
        "--interface",
        "--limit-rate",
        "--max-filesize",
        "--netrc-file",
        "--proxy-user",
        "--retry-delay",
        "--retry-max-time",
        "--aws-sigv4",
        "--cert-type",
        "--key-type",
        "--unix-socket",
        "--dns-servers",
        "--connect-to",
        "--range",
        "--expect100-timeout",
    ];
    // Short flags taking a value (the rest of the cluster or the next word).
    const VALUED_SHORT: &str = "XdHuAebcwxEKmrCYyzUQtPoFT";
    let mut method: Option<String> = None;
    let (mut data, mut upload, mut head, mut get, mut output) = (false, false, false, false, false);
    let mut urls = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let x = args[i];
        let next = args.get(i + 1).copied();
        if let Some(long) = x.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let takes = |i: &mut usize| {
                if inline.is_none() {
                    *i += 1;
                }
            };
            match name {
                "request" => {
                    method = inline.or(next).map(String::from);
                    takes(&mut i);
                }
                n if n.starts_with("data") || n == "json" || n.starts_with("form") => {
                    data = true;
                    takes(&mut i);
                }
                "upload-file" => {
                    upload = true;
                    takes(&mut i);
                }
                "head" => head = true,
                "get" => get = true,
                "output" => {
                    let t = inline.or(next).unwrap_or("");
                    output |= !harmless_target(t);
                    takes(&mut i);
                }
                "remote-name" | "remote-name-all" => output = true,
                _ if VALUED_LONG.contains(&x) => i += 1,
                _ => {}
            }
        } else if x.starts_with('-') && x.len() > 1 {
            let chars: Vec<char> = x[1..].chars().collect();
            for (k, c) in chars.iter().enumerate() {
                if VALUED_SHORT.contains(*c) {
                    let rest: String = chars[k + 1..].iter().collect();
                    let v = if rest.is_empty() {
                        i += 1;
                        next.unwrap_or("").to_string()
                    } else {
                        rest
                    };
                    match c {
                        'X' => method = Some(v),
                        'd' | 'F' => data = true,
                        'T' => upload = true,
                        'o' => output |= !harmless_target(&v),
                        _ => {}
                    }
                    break;
                }
                match c {
                    'I' => head = true,
                    'G' => get = true,
                    'O' => output = true,
                    _ => {}
                }
            }
        } else {
            urls.push(x);
        }
        i += 1;
    }
    let method = method.unwrap_or_else(|| {
        if upload {
            "PUT".into()
        } else if data && !get {
            "POST".into()
        } else if head {
            "HEAD".into()
        } else {
            "GET".into()
        }
    });
    let mut r = method_risk(&method, &urls);
    if output {
        r = r.max(Change);
    }
    Inferred::of(r)
}

fn wget(args: &[&str]) -> Inferred {
    let mut method = value(args, "--method").map(String::from);
    let data = args.iter().any(|x| {
        ["--post-data", "--post-file", "--body-data", "--body-file"]
            .iter()
            .any(|f| x.starts_with(f))
    });
    // Where the page goes: a file unless `-O -`, `-qO-`, `--spider`.
    let mut to_file = !has(args, "--spider");
    let mut i = 0;
    let mut urls = Vec::new();
    while i < args.len() {
        let x = args[i];
        if let Some(v) = x.strip_prefix("--output-document=") {
            to_file &= !harmless_target(v);
        } else if x == "--output-document" {
            to_file &= !harmless_target(args.get(i + 1).copied().unwrap_or(""));
            i += 1;
        } else if x.starts_with('-') && !x.starts_with("--") {
            if let Some(k) = x.find('O') {
                let rest = &x[k + 1..];
                let v = if rest.is_empty() {
                    i += 1;
                    args.get(i).copied().unwrap_or("")
                } else {
                    rest
                };
                to_file &= !harmless_target(v);
            }
        } else if !x.starts_with('-') {
            urls.push(x);
        }
        i += 1;
    }
    if method.is_none() && data {
        method = Some("POST".into());
    }
    let mut r = method_risk(method.as_deref().unwrap_or("GET"), &urls);
    if to_file {
        r = r.max(Change);
    }
    Inferred::of(r)
}

fn httpie(args: &[&str]) -> Inferred {
    let p = positionals(
        args,
        &[
            "-a",
            "--auth",
            "-A",
            "--auth-type",
            "-o",
            "--output",
            "--verify",
            "--cert",
            "--cert-key",
            "--timeout",
            "--session",
            "-p",
            "--print",
        ],
    );
    const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    let (method, rest) = match p.first() {
        Some(m) if METHODS.contains(m) => (Some(m.to_string()), &p[1..]),
        _ => (None, &p[..]),
    };
    let items = rest.iter().skip(1).any(|x| {
        x.contains(":=")
            || x.contains("=@")
            || (x.contains('=') && !x.contains("=="))
            || x.contains('@')
    });
    let form = has(args, "--form") || has(args, "-f");
    let method = method.unwrap_or_else(|| {
        if items || form {
            "POST".into()
        } else {
            "GET".into()
        }
    });
    Inferred::of(method_risk(
        &method,
        rest.first().map(std::slice::from_ref).unwrap_or(&[]),
    ))
}

/// One redis command (its words).
fn redis_command(w: &[&str]) -> Risk {
    let cmd = w
        .first()
        .map(|c| c.to_ascii_uppercase())
        .unwrap_or_default();
    let sub = w.get(1).map(|c| c.to_ascii_uppercase()).unwrap_or_default();
    match cmd.as_str() {
        "GET" | "MGET" | "EXISTS" | "TTL" | "PTTL" | "TYPE" | "KEYS" | "SCAN" | "SSCAN"
        | "HSCAN" | "ZSCAN" | "INFO" | "PING" | "DBSIZE" | "ECHO" | "STRLEN" | "GETRANGE"
        | "HGET" | "HMGET" | "HGETALL" | "HKEYS" | "HVALS" | "HLEN" | "HEXISTS" | "LLEN"
        | "LRANGE" | "LINDEX" | "SMEMBERS" | "SCARD" | "SISMEMBER" | "SRANDMEMBER" | "ZRANGE"
        | "ZREVRANGE" | "ZRANGEBYSCORE" | "ZCARD" | "ZSCORE" | "ZRANK" | "ZCOUNT" | "XLEN"
        | "XRANGE" | "XREVRANGE" | "XINFO" | "XPENDING" | "PFCOUNT" | "BITCOUNT" | "GETBIT"
        | "ROLE" | "TIME" | "LASTSAVE" | "MONITOR" | "OBJECT" | "DUMP" | "RANDOMKEY"
        | "COMMAND" | "PUBSUB" | "SUBSCRIBE" | "PSUBSCRIBE" | "HELLO" | "AUTH" | "SELECT"
        | "READONLY" | "LOLWUT" | "MEMORY"
            if cmd != "MEMORY" || sub != "PURGE" =>
        {
            Read
        }
        "CLIENT" => match sub.as_str() {
            "LIST" | "INFO" | "GETNAME" | "ID" | "TRACKINGINFO" => Read,
            _ => Change,
        },
        "CONFIG" => {
            if sub == "GET" {
                Read
            } else {
                Change
            }
        }
        "SLOWLOG" | "LATENCY" => {
            if sub == "RESET" {
                Change
            } else {
                Read
            }
        }
        "CLUSTER" => match sub.as_str() {
            "INFO" | "NODES" | "SLOTS" | "SHARDS" | "MYID" | "COUNTKEYSINSLOT"
            | "GETKEYSINSLOT" | "KEYSLOT" | "LINKS" | "REPLICAS" | "SLAVES" => Read,
            "RESET" | "FORGET" | "FLUSHSLOTS" | "DELSLOTS" | "DELSLOTSRANGE" => Destructive,
            _ => Change,
        },
        "ACL" => match sub.as_str() {
            "LIST" | "WHOAMI" | "USERS" | "GETUSER" | "CAT" | "LOG" => Read,
            "DELUSER" => Destructive,
            _ => Change,
        },
        "SCRIPT" | "FUNCTION" => match sub.as_str() {
            "EXISTS" | "LIST" | "STATS" | "DUMP" => Read,
            "FLUSH" | "DELETE" => Destructive,
            _ => Change,
        },
        "MODULE" => {
            if sub == "LIST" {
                Read
            } else {
                Change
            }
        }
        "DEL" | "UNLINK" | "FLUSHALL" | "FLUSHDB" | "SHUTDOWN" | "DEBUG" => Destructive,
        _ => Change,
    }
}

fn redis(args: &[&str], stdin: &[String]) -> Inferred {
    let of = Inferred::of;
    let valued = [
        "-h",
        "-p",
        "-a",
        "-n",
        "-u",
        "-s",
        "--user",
        "--pass",
        "-r",
        "-i",
        "-d",
        "--cacert",
        "--cert",
        "--key",
        "--sni",
        "--pattern",
        "--count",
        "--rdb",
        "--functions-rdb",
        "--eval",
        "-t",
        "--cacertdir",
        "--tls-ciphers",
        "--tls-ciphersuites",
        "--memkeys-samples",
    ];
    if let Some(i) = args.iter().position(|x| *x == "--cluster") {
        let sub = args.get(i + 1).copied().unwrap_or("");
        return of(match sub {
            "check" | "info" | "help" => Read,
            "del-node" => Destructive,
            _ => Change,
        });
    }
    if has(args, "--eval") {
        return of(Change);
    }
    let p = positionals(args, &valued);
    if !p.is_empty() {
        return of(redis_command(&p));
    }
    if !stdin.is_empty() {
        let r = stdin
            .iter()
            .flat_map(|s| s.lines())
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                redis_command(&w)
            })
            .max()
            .unwrap_or(Read);
        return of(r);
    }
    let reads = [
        "--bigkeys",
        "--memkeys",
        "--hotkeys",
        "--stat",
        "--latency",
        "--latency-history",
        "--latency-dist",
        "--scan",
        "--intrinsic-latency",
        "--keystats",
    ];
    if args.iter().any(|x| reads.contains(x)) {
        of(Read)
    } else if has(args, "--rdb") {
        of(Change)
    } else {
        // An interactive session.
        of(Change)
    }
}

/// Strips `'…'` literals and `--` comments.
fn sql_code(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                }
                out.push_str(" '' ");
            }
            '-' if chars.peek() == Some(&'-') => {
                for q in chars.by_ref() {
                    if q == '\n' {
                        break;
                    }
                }
                out.push('\n');
            }
            _ => out.push(c),
        }
    }
    out
}

/// The risk of SQL text (several statements, psql meta-commands).
pub(super) fn sql(text: &str) -> Risk {
    let code = sql_code(text);
    let mut risk = Read;
    for stmt in code.split([';', '\n']) {
        let t = stmt.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(meta) = t.strip_prefix('\\') {
            let cmd = meta.split_whitespace().next().unwrap_or("");
            risk = risk.max(match cmd {
                "i" | "ir" | "include" | "copy" | "!" | "o" | "w" | "lo_import" | "lo_unlink" => {
                    Change
                }
                _ => Read,
            });
            continue;
        }
        let up = t.to_ascii_uppercase();
        let words: Vec<&str> = up
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .filter(|w| !w.is_empty())
            .collect();
        let any = |ws: &[&str]| words.iter().any(|w| ws.contains(w));
        let first = words.first().copied().unwrap_or("");
        let r = if any(&[
            "DROP",
            "TRUNCATE",
            "DELETE",
            "PURGE",
            "PG_DROP_REPLICATION_SLOT",
            "LO_UNLINK",
        ]) {
            Destructive
        } else if any(&[
            "UPDATE",
            "INSERT",
            "ALTER",
            "CREATE",
            "GRANT",
            "REVOKE",
            "VACUUM",
            "REINDEX",
            "CALL",
            "LOCK",
            "KILL",
            "FLUSH",
            "MERGE",
            "RENAME",
            "OPTIMIZE",
            "REFRESH",
            "CHECKPOINT",
            "UPSERT",
            "PG_TERMINATE_BACKEND",
            "PG_CANCEL_BACKEND",
            "PG_RELOAD_CONF",
            "PG_PROMOTE",
            "PG_SWITCH_WAL",
            "SETVAL",
            "NEXTVAL",
            "PG_ROTATE_LOGFILE",
            "PG_CREATE_PHYSICAL_REPLICATION_SLOT",
            "PG_CREATE_LOGICAL_REPLICATION_SLOT",
            "PG_WAL_REPLAY_PAUSE",
            "PG_WAL_REPLAY_RESUME",
        ]) {
            Change
        } else if matches!(
            first,
            "SELECT"
                | "SHOW"
                | "EXPLAIN"
                | "WITH"
                | "TABLE"
                | "VALUES"
                | "DESCRIBE"
                | "DESC"
                | "USE"
                | "BEGIN"
                | "COMMIT"
                | "ROLLBACK"
                | "END"
                | "START"
                | "STATUS"
                | "HELP"
        ) || (first == "SET" && !any(&["GLOBAL", "PERSIST"]))
        {
            if first == "START" && any(&["SLAVE", "REPLICA"]) {
                Change
            } else {
                Read
            }
        } else if matches!(first, "COPY") && any(&["FROM"]) {
            Change
        } else if first == "COPY" {
            Read
        } else {
            Change
        };
        risk = risk.max(r);
    }
    risk
}

fn mongo_js(js: &str) -> Risk {
    let l = js.to_ascii_lowercase();
    let has = |ws: &[&str]| ws.iter().any(|w| l.contains(w));
    if has(&[
        "deleteone",
        "deletemany",
        ".drop",
        "dropdatabase",
        ".remove(",
        "shutdownserver",
        "dropindex",
    ]) {
        Destructive
    } else if has(&[
        "insert",
        "update",
        "replace",
        "createindex",
        "renamecollection",
        "stepdown",
        "reconfig",
        "setparameter",
        "createuser",
        "findandmodify",
        "findoneandupdate",
        "findoneanddelete",
        "killop",
        "fsynclock",
        "bulkwrite",
        "save(",
    ]) {
        Change
    } else if has(&[
        "find",
        "count",
        "aggregate",
        "stats",
        "status",
        "serverstatus",
        "getsiblingdb",
        "printjson",
        "show",
        "currentop",
        "ismaster",
        "hello",
        "getindexes",
        "explain",
        "distinct",
        "version",
        "ping",
        "listdatabases",
        "getcollectionnames",
    ]) {
        Read
    } else {
        Change
    }
}

fn psql(args: &[&str], stdin: &[String]) -> Inferred {
    let of = Inferred::of;
    let mut risk: Option<Risk> = None;
    let mut i = 0;
    while i < args.len() {
        let x = args[i];
        let sql_here = if x == "-c" || x == "--command" {
            i += 1;
            args.get(i).copied()
        } else if let Some(v) = x.strip_prefix("--command=") {
            Some(v)
        } else {
            // `-cSQL` (a lone `-c` took the next argument above).
            x.strip_prefix("-c")
        };
        if let Some(q) = sql_here {
            risk = Some(risk.unwrap_or(Read).max(sql(q)));
        }
        i += 1;
    }
    if let Some(r) = risk {
        return of(r);
    }
    if let Some(f) = value(args, "-f").or_else(|| value(args, "--file")) {
        if f == "-" && !stdin.is_empty() {
            return of(stdin.iter().map(|s| sql(s)).max().unwrap_or(Read));
        }
        return of(Change);
    }
    if !stdin.is_empty() {
        return of(stdin.iter().map(|s| sql(s)).max().unwrap_or(Read));
    }
    if has(args, "-l") || has(args, "--list") || has(args, "--version") || has(args, "-V") {
        return of(Read);
    }
    // An interactive session.
    of(Change)
}

fn mysql(args: &[&str], stdin: &[String]) -> Inferred {
    let of = Inferred::of;
    let mut risk: Option<Risk> = None;
    let mut i = 0;
    while i < args.len() {
        let x = args[i];
        let q = if x == "--execute" {
            i += 1;
            args.get(i).copied()
        } else if let Some(v) = x.strip_prefix("--execute=") {
            Some(v)
        } else if let Some(letters) = x.strip_prefix('-').filter(|l| !l.starts_with('-')) {
            // `-e SQL`, `-eSQL`, `-Nse SQL` (a lone `-` has no `e`).
            if let Some(v) = letters.strip_prefix('e').filter(|v| !v.is_empty()) {
                Some(v)
            } else if letters.chars().all(|c| c.is_ascii_alphabetic()) && letters.ends_with('e') {
                i += 1;
                args.get(i).copied()
            } else {
                None
            }
        } else {
            None
        };
        if let Some(q) = q {
            risk = Some(risk.unwrap_or(Read).max(sql(q)));
        }
        i += 1;
    }
    if let Some(r) = risk {
        return of(r);
    }
    if !stdin.is_empty() {
        return of(stdin.iter().map(|s| sql(s)).max().unwrap_or(Read));
    }
    if has(args, "--version") || has(args, "-V") {
        return of(Read);
    }
    of(Change)
}

fn aws(args: &[&str]) -> Inferred {
    let of = Inferred::of;
    let p = positionals(
        args,
        &[
            "--region",
            "--profile",
            "--output",
            "--endpoint-url",
            "--query",
            "--color",
            "--ca-bundle",
            "--cli-read-timeout",
            "--cli-connect-timeout",
            "--cli-binary-format",
        ],
    );
    let service = p.first().copied().unwrap_or("");
    let op = p.get(1).copied().unwrap_or("");
    if has(args, "--dry-run") && service != "s3" {
        return of(Read);
    }
    if service == "s3" {
        return of(match op {
            "ls" | "presign" => Read,
            "rm" | "rb" => Destructive,
            "sync" if has(args, "--delete") => Destructive,
            "sync" | "cp" | "mv" if has(args, "--dryrun") => Read,
            _ => Change,
        });
    }
    if service.is_empty() || matches!(service, "help" | "--version") {
        return of(Read);
    }
    if service == "configure" {
        return of(if matches!(op, "list" | "get" | "list-profiles") {
            Read
        } else {
            Change
        });
    }
    let read_prefixes = [
        "describe",
        "get",
        "list",
        "head",
        "lookup",
        "search",
        "batch-get",
        "filter",
        "tail",
        "test-",
        "validate",
        "scan",
        "query",
        "select",
        "wait",
        "help",
        "simulate",
        "estimate",
        "preview",
        "check",
        "verify",
        "view",
        "show",
    ];
    let destructive_prefixes = [
        "delete",
        "terminate",
        "deregister",
        "purge",
        "failover",
        "restore",
        "destroy",
        "batch-delete",
        "remove",
        "revoke",
        "disable",
        "reboot",
    ];
    let r = if op.is_empty()
        || (read_prefixes.iter().any(|x| op.starts_with(x)) && !op.starts_with("get-login"))
    {
        Read
    } else if destructive_prefixes.iter().any(|x| op.starts_with(x)) {
        if op.starts_with("revoke")
            || op.starts_with("disable")
            || op.starts_with("reboot")
            || op.starts_with("remove-tags")
        {
            Change
        } else {
            Destructive
        }
    } else {
        Change
    };
    of(r)
}

fn cloud_verbs(prog: &str, args: &[&str]) -> Inferred {
    let of = Inferred::of;
    let p = positionals(
        args,
        &[
            "--zone",
            "--region",
            "--project",
            "--format",
            "--filter",
            "--limit",
            "-g",
            "--resource-group",
            "--subscription",
            "-o",
            "--output",
            "--query",
            "-n",
            "--name",
            "--location",
            "-l",
            "--account",
            "--configuration",
            "--verbosity",
            "--sort-by",
        ],
    );
    const READS: &[&str] = &[
        "list",
        "describe",
        "show",
        "get-value",
        "get-iam-policy",
        "read",
        "tail",
        "log",
        "logs",
        "info",
        "version",
        "search",
        "query",
        "check",
        "validate",
        "wait",
        "export",
        "get-server-config",
        "list-tags",
        "browse-list",
        "get",
        "print-access-token",
        "print-identity-token",
        "get-instance-view",
        "get-upgrades",
        "get-versions",
        "status",
        "list-grantable-roles",
        "stream",
        "download-logs",
    ];
    const DESTRUCTIVE: &[&str] = &[
        "delete",
        "remove",
        "destroy",
        "purge",
        "failover",
        "restore",
        "uninstall",
        "drain",
        "abandon-instances",
        "delete-instances",
        "recreate-instances",
    ];
    for w in &p {
        if *w == "get-credentials" {
            return of(Change);
        }
        if DESTRUCTIVE.contains(w) {
            return of(Destructive);
        }
        if READS.contains(w)
            || w.starts_with("list-")
            || w.starts_with("show-")
            || (w.starts_with("get-") && prog == "gcloud")
        {
            return of(Read);
        }
        if matches!(*w, "resize" | "scale") {
            let zero = [
                "--size",
                "--num-nodes",
                "--node-count",
                "--replicas",
                "--instance-count",
                "-c",
            ]
            .iter()
            .any(|f| value(args, f).is_some_and(|v| v == "0"));
            return of(if zero { Destructive } else { Change });
        }
    }
    of(if p.is_empty() { Read } else { Change })
}

fn systemctl(args: &[&str]) -> Inferred {
    let p = positionals(
        args,
        &[
            "-H",
            "--host",
            "-M",
            "--machine",
            "-p",
            "--property",
            "-t",
            "--type",
            "-n",
            "--lines",
            "-o",
            "--output",
            "--state",
            "-s",
            "--signal",
            "--kill-who",
            "--root",
        ],
    );
    let verb = p.first().copied().unwrap_or("");
    Inferred::of(match verb {
        "" | "status" | "show" | "is-active" | "is-failed" | "is-enabled" | "is-system-running"
        | "list-units" | "list-unit-files" | "list-timers" | "list-sockets"
        | "list-dependencies" | "list-jobs" | "list-machines" | "list-automounts"
        | "list-paths" | "cat" | "help" | "show-environment" | "get-default" | "--failed"
        | "--version" => Read,
        "reboot" | "poweroff" | "halt" | "kexec" | "emergency" | "rescue" | "isolate"
        | "soft-reboot" => Destructive,
        _ => Change,
    })
}

fn compose(args: &[&str], stdin: &[String], depth: usize) -> Inferred {
    let of = Inferred::of;
    let valued = [
        "-f",
        "--file",
        "-p",
        "--project-name",
        "--env-file",
        "--profile",
        "--project-directory",
        "--ansi",
        "--progress",
    ];
    let p = positionals(args, &valued);
    let verb = p.first().copied().unwrap_or("");
    match verb {
        "" | "ps" | "logs" | "config" | "top" | "images" | "ls" | "version" | "port" | "events"
        | "convert" | "stats" | "ps-all" => of(Read),
        "down" | "rm" | "kill" => of(Destructive),
        "exec" => {
            let at = args.iter().position(|x| *x == "exec").unwrap_or(0);
            let cmd = from_positional(
                &args[at + 1..],
                &["-e", "--env", "-u", "--user", "-w", "--workdir", "--index"],
                1,
            );
            if cmd.is_empty() {
                of(Change)
            } else {
                command(cmd, stdin, depth + 1)
            }
        }
        _ => of(Change),
    }
}

fn docker(args: &[&str], stdin: &[String], depth: usize) -> Inferred {
    let of = Inferred::of;
    let p = positionals(
        args,
        &[
            "-H",
            "--host",
            "--context",
            "-c",
            "--config",
            "-l",
            "--log-level",
        ],
    );
    let sub = p.first().copied().unwrap_or("");
    let sub2 = p.get(1).copied().unwrap_or("");
    const READ: &[&str] = &[
        "ps", "logs", "inspect", "images", "stats", "top", "version", "info", "events", "port",
        "diff", "history", "search", "ls", "list", "df", "help", "",
    ];
    match sub {
        "compose" => {
            let at = args.iter().position(|x| *x == "compose").unwrap_or(0);
            compose(&args[at + 1..], stdin, depth)
        }
        "exec" | "container" if sub == "exec" || sub2 == "exec" => {
            let at = args.iter().position(|x| *x == "exec").unwrap_or(0);
            let cmd = from_positional(
                &args[at + 1..],
                &[
                    "-e",
                    "--env",
                    "-u",
                    "--user",
                    "-w",
                    "--workdir",
                    "--env-file",
                    "--detach-keys",
                ],
                1,
            );
            if cmd.is_empty() {
                of(Change)
            } else {
                command(cmd, stdin, depth + 1)
            }
        }
        "container" | "image" | "network" | "volume" | "system" | "node" | "service" | "stack"
        | "secret" | "config" | "context" | "plugin" | "builder" | "buildx" | "manifest"
        | "swarm" | "trust" | "machine" => of(if READ.contains(&sub2) || sub2 == "logs" {
            Read
        } else if matches!(sub2, "rm" | "remove" | "prune" | "kill" | "leave" | "rmi") {
            Destructive
        } else {
            Change
        }),
        s if READ.contains(&s) => of(Read),
        "rm" | "rmi" | "kill" | "prune" => of(Destructive),
        _ => of(Change),
    }
}

fn crictl(args: &[&str], stdin: &[String], depth: usize) -> Inferred {
    let of = Inferred::of;
    let p = positionals(
        args,
        &[
            "-r",
            "--runtime-endpoint",
            "-i",
            "--image-endpoint",
            "-t",
            "--timeout",
            "--config",
        ],
    );
    match p.first().copied().unwrap_or("") {
        "" | "ps" | "pods" | "images" | "img" | "logs" | "inspect" | "inspectp" | "inspecti"
        | "stats" | "statsp" | "info" | "version" | "imagefsinfo" | "help" | "metricdescs"
        | "metricsp" | "events" => of(Read),
        "rm" | "rmp" | "rmi" => of(Destructive),
        "exec" => {
            let at = args.iter().position(|x| *x == "exec").unwrap_or(0);
            let cmd = from_positional(&args[at + 1..], &["--timeout"], 1);
            if cmd.is_empty() {
                of(Change)
            } else {
                command(cmd, stdin, depth + 1)
            }
        }
        _ => of(Change),
    }
}

fn find(args: &[&str], stdin: &[String], depth: usize) -> Inferred {
    let mut acc = Inferred::READ;
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "-delete" => acc = acc.at_least(Destructive),
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let start = i + 1;
                let mut end = start;
                while end < args.len() && !matches!(args[end], ";" | "+" | "\\;") {
                    end += 1;
                }
                let inner: Vec<&str> = args[start..end].to_vec();
                acc = acc.max(command(&inner, stdin, depth + 1));
                i = end;
            }
            "-fprint" | "-fprint0" | "-fprintf" | "-fls" => acc = acc.at_least(Change),
            _ => {}
        }
        i += 1;
    }
    acc
}

fn git(args: &[&str]) -> Inferred {
    let of = Inferred::of;
    let p = positionals(args, &["-C", "-c", "--git-dir", "--work-tree"]);
    let sub = p.first().copied().unwrap_or("");
    of(match sub {
        "" | "log" | "status" | "diff" | "show" | "blame" | "rev-parse" | "describe" | "fetch"
        | "ls-files" | "ls-remote" | "ls-tree" | "grep" | "shortlog" | "reflog" | "cat-file"
        | "rev-list" | "whatchanged" | "version" | "help" | "bisect-log" | "cherry"
        | "name-rev" | "for-each-ref" | "show-ref" | "verify-commit" | "verify-tag" => Read,
        "branch" | "tag" | "remote" | "stash" | "config" | "worktree"
            if p.len() == 1
                || args.iter().any(|x| {
                    matches!(
                        *x,
                        "-l" | "--list"
                            | "-a"
                            | "-r"
                            | "-v"
                            | "-vv"
                            | "--show-current"
                            | "--get"
                            | "--get-all"
                            | "--contains"
                    )
                })
                || matches!(p.get(1).copied(), Some("list" | "show" | "-v")) =>
        {
            Read
        }
        "reset" if has(args, "--hard") => Destructive,
        "clean" if short_has(args, 'f') || has(args, "--force") => Destructive,
        "push"
            if has(args, "--force")
                || has(args, "-f")
                || has(args, "--force-with-lease")
                || has(args, "--delete")
                || args
                    .iter()
                    .any(|x| x.starts_with(':') || x.starts_with("+")) =>
        {
            Destructive
        }
        "branch" if short_has(args, 'D') => Destructive,
        _ => Change,
    })
}
