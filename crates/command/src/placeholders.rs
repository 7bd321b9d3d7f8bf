//! Placeholders in a step's command, as runbooks write them:
//! `<compromised-pod>`, `<Release Name>`, `{{ pod }}`, `{pod-name}`,
//! `${DB_HOST}` and `$DB_HOST`, or a literal sample value a parameter
//! declares with `token:` (`dicps-api-xxx`). Lint, import and the runner
//! share these rules. Not placeholders: template keywords (`{{end}}`,
//! `{{ else }}`), `<snip>`, `<none>` and HTML tags, shell syntax (`{}`,
//! `${1}`, `$(…)`, `{a,b}`) and well-known environment variables (`$HOME`,
//! `$PATH`, `$USER`…), which the shell fills.

use super::model::Param;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Style {
    /// `<name>`
    Angle,
    /// `{{name}}` or `{{ name }}`
    Braces,
    /// `{name}`
    Brace,
    /// `$NAME` or `${NAME}` (upper case: lower-case `$ip` is a shell
    /// variable)
    Dollar,
}

/// One placeholder as written in a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub name: String,
    /// The text as written, e.g. `<compromised-pod>`.
    pub text: String,
    pub start: usize,
    pub style: Style,
}

/// Go and Jinja template keywords: `{{end}}` is not a placeholder.
const TEMPLATE_KEYWORDS: &[&str] = &[
    "end", "else", "if", "range", "with", "define", "template", "block", "break", "continue",
    "endif", "endfor", "for", "endblock", "raw", "endraw", "nil", "true", "false",
];

/// Angle-bracket words that are not placeholders: elisions, kubectl's
/// `<none>`, a few HTML tags that hold no name.
const NOT_ANGLE: &[&str] = &[
    "snip",
    "snipped",
    "none",
    "nil",
    "null",
    "unknown",
    "br",
    "hr",
    "truncated",
    "redacted",
    "omitted",
    "elided",
    "output",
    "details",
    "summary",
];

/// Environment variables every shell has: `$HOME` is not a placeholder.
pub const WELL_KNOWN_ENV: &[&str] = &[
    "HOME",
    "PATH",
    "USER",
    "LOGNAME",
    "PWD",
    "OLDPWD",
    "SHELL",
    "HOSTNAME",
    "HOST",
    "LANG",
    "LC_ALL",
    "TERM",
    "TMPDIR",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "UID",
    "EUID",
    "PPID",
    "RANDOM",
    "SECONDS",
    "IFS",
    "PS1",
    "PS2",
    "LINENO",
    "BASH_SOURCE",
    "BASHPID",
    "KUBECONFIG",
    "XDG_CONFIG_HOME",
    "XDG_RUNTIME_DIR",
    "DISPLAY",
    "SSH_AUTH_SOCK",
    "MAIL",
    "TZ",
    "HISTFILE",
    "OSTYPE",
    "MACHTYPE",
    "GOPATH",
    "JAVA_HOME",
    "LD_LIBRARY_PATH",
];

/// `Release Name` → `release-name`: a name for a spaced placeholder.
fn spaced_name(inner: &str) -> String {
    inner
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join("-")
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Every placeholder in `run`, in order. Angle placeholders need a name
/// right after `<` (so `psql db < file` is not one); `$(…)` is shell.
pub fn find(run: &str) -> Vec<Found> {
    let b = run.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let rest = &run[i..];
        if rest.starts_with("{{") {
            if let Some(end) = rest.find("}}") {
                let inner = rest[2..end].trim();
                if !inner.is_empty()
                    && inner.chars().next().is_some_and(is_name_start)
                    && inner.chars().all(is_name_char)
                    && !TEMPLATE_KEYWORDS.contains(&inner.to_lowercase().as_str())
                {
                    out.push(Found {
                        name: inner.to_string(),
                        text: rest[..end + 2].to_string(),
                        start: i,
                        style: Style::Braces,
                    });
                    i += end + 2;
                    continue;
                }
            }
        } else if let Some(after) = rest.strip_prefix('<') {
            // `<name>`, or `<Release Name>` (words apart by one space).
            let inner: String = after
                .chars()
                .take_while(|c| is_name_char(*c) || *c == ' ')
                .collect();
            let closed = after[inner.len()..].starts_with('>');
            let words_ok = !inner.starts_with(' ')
                && !inner.ends_with(' ')
                && !inner.contains("  ")
                && inner.split(' ').count() <= 5
                && inner
                    .split(' ')
                    .all(|w| w.chars().next().is_some_and(is_name_start));
            let lower = inner.to_lowercase();
            let not_one = inner.is_empty()
                || !closed
                || !words_ok
                || NOT_ANGLE.contains(&lower.as_str())
                || rest.starts_with("<<")
                || (i > 0 && b[i - 1] == b'<');
            if !not_one {
                let name = if inner.contains(' ') {
                    spaced_name(&inner)
                } else {
                    inner.clone()
                };
                out.push(Found {
                    text: format!("<{inner}>"),
                    name,
                    start: i,
                    style: Style::Angle,
                });
                i += inner.len() + 2;
                continue;
            }
        } else if rest.starts_with('{') && !(i > 0 && b[i - 1] == b'$') {
            // `{pod-name}`: one name, not `{}`, `{a,b}`, `{.items}`, JSON.
            if let Some(end) = rest.find('}') {
                let inner = &rest[1..end];
                if !inner.is_empty()
                    && inner
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic())
                    && inner.chars().all(is_name_char)
                    && !TEMPLATE_KEYWORDS.contains(&inner.to_lowercase().as_str())
                    && !rest[end + 1..].starts_with('}')
                {
                    out.push(Found {
                        name: inner.to_string(),
                        text: rest[..end + 1].to_string(),
                        start: i,
                        style: Style::Brace,
                    });
                    i += end + 1;
                    continue;
                }
            }
        } else if rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                let name = &rest[2..end];
                if is_env_name(name) {
                    out.push(Found {
                        name: name.to_string(),
                        text: rest[..end + 1].to_string(),
                        start: i,
                        style: Style::Dollar,
                    });
                    i += end + 1;
                    continue;
                }
            }
        } else if let Some(after) = rest.strip_prefix('$') {
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if is_env_name(&name) {
                out.push(Found {
                    text: format!("${name}"),
                    name,
                    start: i,
                    style: Style::Dollar,
                });
                i += 1 + out.last().map_or(0, |f| f.name.len());
                continue;
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// `DB_HOST`: upper case, digits and underscores, not starting with a
/// digit, and not a variable every shell has (`HOME`).
pub fn is_env_name(name: &str) -> bool {
    !WELL_KNOWN_ENV.contains(&name)
        && !name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && name.chars().any(|c| c.is_ascii_uppercase())
}

/// The texts in `run` that parameter `name` replaces.
pub fn texts_for(run: &str, name: &str, param: &Param) -> Vec<String> {
    let mut v: Vec<String> = find(run)
        .into_iter()
        .filter(|f| f.name == name)
        .map(|f| f.text)
        .collect();
    if let Some(tok) = &param.token
        && run.contains(tok.as_str())
    {
        v.push(tok.clone());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(run: &str) -> Vec<String> {
        find(run).into_iter().map(|f| f.name).collect()
    }

    #[test]
    fn seed_placeholders() {
        assert_eq!(
            names("kubectl label pod <compromised-pod> quarantine=true"),
            ["compromised-pod"]
        );
        assert_eq!(
            names("aws wafv2 update-web-acl --id <acl-id> --default-action Block={}"),
            ["acl-id"]
        );
        assert_eq!(names("pg_restore -h $DB_HOST -U dicps"), ["DB_HOST"]);
        assert_eq!(
            names("git checkout <known-good-commit> circuits/"),
            ["known-good-commit"]
        );
        assert_eq!(
            names("echo {{ pod }} {{ns}} ${REGION}"),
            ["pod", "ns", "REGION"]
        );
    }

    #[test]
    fn shell_syntax_is_not_a_placeholder() {
        assert!(names("psql zkp_ledger < /backup/last-known-good.sql").is_empty());
        assert!(names("rsync -av /a/ /backup/incident-$(date +%Y%m%d-%H%M)/").is_empty());
        assert!(names("for ip in $(cat x); do echo $ip; done").is_empty());
        assert!(names("awk '{print $1}' | sort").is_empty());
        assert!(names("cat <<EOF").is_empty());
        assert!(names("find . -exec rm {} \\;").is_empty());
        assert!(names("echo {a,b} ${1} $HOME $PATH {{end}} {{ else }} <snip>").is_empty());
        assert!(names("kubectl get pods -o jsonpath={.items[*].metadata.name}").is_empty());
        assert!(names("curl -d '{\"a\":1}' x").is_empty());
        assert!(names("psql db < in.sql > out.txt").is_empty());
        assert!(names("cmd <in >out").is_empty());
    }

    #[test]
    fn every_common_form() {
        assert_eq!(
            names("helm rollback <Release Name> <revision> -n {namespace}"),
            ["release-name", "revision", "namespace"]
        );
        assert_eq!(
            find("helm rollback <Release Name> 1")[0].text,
            "<Release Name>"
        );
        assert_eq!(
            names("kubectl logs {pod-name} -c {{ container }} --since ${SINCE} $HOME/$OUT"),
            ["pod-name", "container", "SINCE", "OUT"]
        );
    }

    #[test]
    fn token_params() {
        let p = Param {
            token: Some("dicps-api-xxx".into()),
            ..Param::default()
        };
        assert_eq!(
            texts_for("kubectl exec -n x dicps-api-xxx -- env", "pod", &p),
            ["dicps-api-xxx"]
        );
    }
}
