//! Placeholders in a step's command, as runbooks write them:
//! `<compromised-pod>`, `{{ pod }}`, `${DB_HOST}` and `$DB_HOST`, or a
//! literal sample value a parameter declares with `token:`
//! (`dicps-api-xxx`). Lint, import and the runner share these rules.

use super::model::Param;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Style {
    /// `<name>`
    Angle,
    /// `{{name}}` or `{{ name }}`
    Braces,
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
            let name: String = after.chars().take_while(|c| is_name_char(*c)).collect();
            if !name.is_empty()
                && name.chars().next().is_some_and(is_name_start)
                && rest[1 + name.len()..].starts_with('>')
            {
                out.push(Found {
                    text: format!("<{name}>"),
                    name,
                    start: i,
                    style: Style::Angle,
                });
                i += 1;
                continue;
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

/// `DB_HOST`: upper case, digits and underscores, not starting with a digit.
pub fn is_env_name(name: &str) -> bool {
    !name.is_empty()
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
    }

    #[test]
    fn token_params() {
        let p = Param {
            description: None,
            default: None,
            pattern: None,
            secret: false,
            from: None,
            token: Some("dicps-api-xxx".into()),
        };
        assert_eq!(
            texts_for("kubectl exec -n x dicps-api-xxx -- env", "pod", &p),
            ["dicps-api-xxx"]
        );
    }
}
