//! Secrets are redacted before anything is shown or stored: values of
//! parameters marked `secret`, `password=…`, `--from-literal=…` values,
//! `Authorization: Bearer …`, AWS keys, PEM private key blocks, and the
//! patterns a playbook lists under `redact`.

use regex::Regex;
use std::sync::OnceLock;

pub const MASK: &str = "[redacted]";

fn builtin() -> &'static [Regex] {
    static RE: OnceLock<Vec<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        [
            // --from-literal=key=VALUE (kubectl create secret)
            r"(--from-literal=[^=\s]+=)(\S+)",
            // Authorization: Bearer TOKEN, or a bare bearer token
            r#"(?i)(authorization:\s*(?:bearer|basic|token)\s+)([^\s'"]+)"#,
            r"(?i)(\bbearer\s+)([A-Za-z0-9._~+/=-]{8,})",
            // AWS secret access key after its name
            r"(?i)(aws_secret_access_key\s*[=:]\s*|secretaccesskey\W{1,4})([A-Za-z0-9/+=]{20,})",
            // password=..., token: ..., api_key=...
            r#"(?i)(\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret)\b["']?\s*[=:]\s*["']?)([^\s"',;&]+)"#,
            // postgres://user:PASSWORD@host
            r"([a-z][a-z0-9+.-]*://[^:/\s@]+:)([^@\s]+)(@)",
            // AWS access key ids
            r"()\b((?:AKIA|ASIA)[0-9A-Z]{16})\b",
        ]
        .iter()
        .filter_map(|p| Regex::new(p).ok())
        .collect()
    })
}

#[derive(Clone, Debug, Default)]
pub struct Redactor {
    literals: Vec<String>,
    /// The playbook's patterns, compiled once and shared by every run.
    extra: std::sync::Arc<[Regex]>,
}

impl Redactor {
    /// `secrets`: values to hide wherever they appear; `patterns`: the
    /// playbook's `redact` list (invalid ones are reported by lint).
    pub fn new(secrets: impl IntoIterator<Item = String>, patterns: &[String]) -> Self {
        let mut literals: Vec<String> = secrets.into_iter().filter(|s| s.len() >= 3).collect();
        literals.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Self {
            literals,
            extra: patterns.iter().filter_map(|p| Regex::new(p).ok()).collect(),
        }
    }

    /// The same patterns (not compiled again) with these secret values.
    pub fn with_secrets(&self, secrets: impl IntoIterator<Item = String>) -> Self {
        let mut literals: Vec<String> = secrets.into_iter().filter(|s| s.len() >= 3).collect();
        literals.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Self {
            literals,
            extra: self.extra.clone(),
        }
    }

    /// One line (or a command) with every secret masked.
    pub fn line(&self, s: &str) -> String {
        let mut out = s.to_string();
        for lit in &self.literals {
            if out.contains(lit.as_str()) {
                out = out.replace(lit.as_str(), MASK);
            }
        }
        for re in builtin() {
            out = re
                .replace_all(&out, |c: &regex::Captures| {
                    let tail = c.get(3).map_or("", |m| m.as_str());
                    format!("{}{MASK}{tail}", &c[1])
                })
                .into_owned();
        }
        for re in self.extra.iter() {
            out = re.replace_all(&out, MASK).into_owned();
        }
        out
    }

    /// Lines of output, masking whole PEM private key blocks as well.
    pub fn stream(&self) -> StreamRedactor<'_> {
        StreamRedactor {
            r: self,
            in_key: false,
        }
    }
}

/// Redacts line by line, remembering when it is inside a private key.
pub struct StreamRedactor<'a> {
    r: &'a Redactor,
    in_key: bool,
}

impl StreamRedactor<'_> {
    pub fn line(&mut self, s: &str) -> String {
        let begins = s.contains("-----BEGIN") && s.contains("PRIVATE KEY-----");
        let ends = s.contains("-----END") && s.contains("PRIVATE KEY-----");
        if begins {
            self.in_key = !ends;
            return format!("-----BEGIN PRIVATE KEY----- {MASK}");
        }
        if self.in_key {
            if ends {
                self.in_key = false;
                return "-----END PRIVATE KEY-----".into();
            }
            return MASK.into();
        }
        self.r.line(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_adds_its_secrets_to_the_playbooks_patterns_compiled_once() {
        let base = Redactor::new(Vec::new(), &["hunter[0-9]+".to_string()]);
        let run = base.with_secrets(["s3cr3t-value".to_string(), "ab".to_string()]);
        assert_eq!(
            run.line("psql -p s3cr3t-value; echo hunter42 ab"),
            format!("psql -p {MASK}; echo {MASK} ab"),
            "the secret, the pattern; a value under 3 characters is not masked"
        );
        assert!(
            std::sync::Arc::ptr_eq(&base.extra, &run.extra),
            "the patterns are shared, not compiled again"
        );
        assert_eq!(
            base.line("s3cr3t-value"),
            "s3cr3t-value",
            "the base has no secrets"
        );
    }

    #[test]
    fn table() {
        let r = Redactor::new(
            ["hunter2-secret".to_string()],
            &[r"ghp_[A-Za-z0-9]{10,}".to_string()],
        );
        let cases = [
            (
                "kubectl create secret generic db --from-literal=password=s3cr3t!",
                "kubectl create secret generic db --from-literal=password=[redacted]",
            ),
            (
                "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y' https://x",
                "curl -H 'Authorization: Bearer [redacted]' https://x",
            ),
            ("DB_PASSWORD=hunter2 ./run", "DB_PASSWORD=hunter2 ./run"),
            ("password=hunter2 user=ana", "password=[redacted] user=ana"),
            ("token: abc123def", "token: [redacted]"),
            ("api_key=\"k-123456\"", "api_key=\"[redacted]\""),
            (
                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "aws_secret_access_key = [redacted]",
            ),
            ("key id AKIAIOSFODNN7EXAMPLE used", "key id [redacted] used"),
            (
                "psql postgres://dicps:pa55word@db:5432/dicps",
                "psql postgres://dicps:[redacted]@db:5432/dicps",
            ),
            (
                "the value hunter2-secret leaked",
                "the value [redacted] leaked",
            ),
            ("push with ghp_abcdefghijklmnop", "push with [redacted]"),
            (
                "kubectl get pods -n identity-platform",
                "kubectl get pods -n identity-platform",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(r.line(input), want, "{input}");
        }
    }

    #[test]
    fn pem_blocks_are_masked_whole() {
        let r = Redactor::default();
        let mut s = r.stream();
        let out: Vec<String> = [
            "before",
            "-----BEGIN RSA PRIVATE KEY-----",
            "MIIEowIBAAKCAQEA7",
            "abcdef",
            "-----END RSA PRIVATE KEY-----",
            "after password=x1",
        ]
        .iter()
        .map(|l| s.line(l))
        .collect();
        assert_eq!(
            out,
            vec![
                "before",
                "-----BEGIN PRIVATE KEY----- [redacted]",
                "[redacted]",
                "[redacted]",
                "-----END PRIVATE KEY-----",
                "after password=[redacted]",
            ]
        );
    }
}
