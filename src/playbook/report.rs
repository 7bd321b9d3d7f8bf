//! Seed 002's incident report file and incident channel:
//! `incidents/YYYY-MM-DD-api-outage.md` and `#incident-YYYY-MM-DD`. The
//! file name comes from a template (the playbook's `postmortem.file`, else
//! `DEFAULT_FILE`) with `{date}` (the declaration's day, UTC), `{slug}`
//! (the title made safe for a file name) and `{id}` (the incident id).
//! Pure: no clock, no files.

use chrono::{DateTime, Utc};
use std::path::{Component, Path, PathBuf};

/// Where `export ID -o` writes when no file is named and the playbook
/// gives no `postmortem.file`.
pub const DEFAULT_FILE: &str = "incidents/{date}-{slug}.md";

/// The longest slug, in bytes (ASCII): a file name stays readable and far
/// below any file system's limit.
pub const SLUG_MAX: usize = 48;

/// The placeholders a report file template may use.
pub const FIELDS: [&str; 3] = ["date", "slug", "id"];

/// A title as a file name's part: lowercase ASCII letters and digits,
/// every run of anything else one dash, no dash first or last, at most
/// `SLUG_MAX` bytes (cut at a dash when there is one in the second half).
/// Nothing of a path survives (`/`, `.`, `\`, controls); a title with
/// nothing left is `incident`.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    if out.len() > SLUG_MAX {
        out.truncate(SLUG_MAX);
        if let Some(i) = out.rfind('-').filter(|i| *i >= SLUG_MAX / 2) {
            out.truncate(i);
        }
        while out.ends_with('-') {
            out.pop();
        }
    }
    if out.is_empty() {
        out.push_str("incident");
    }
    out
}

/// Seed 002's incident channel for an incident declared at `declared`:
/// `#incident-YYYY-MM-DD`, the day in UTC (the same day as the report
/// file's).
pub fn channel(declared: DateTime<Utc>) -> String {
    declared.format("#incident-%Y-%m-%d").to_string()
}

/// What is wrong with a report file template, if anything: it must be a
/// relative path without `..`, and use only `FIELDS`.
pub fn check_template(template: &str) -> Result<(), String> {
    if template.trim().is_empty() {
        return Err("is empty; write a relative path such as incidents/{date}-{slug}.md".into());
    }
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let Some(end) = after.find('}') else {
            return Err(format!(
                "has a '{{' without its '}}'; the fields are {}",
                fields_list()
            ));
        };
        let name = &after[..end];
        if !FIELDS.contains(&name) {
            return Err(format!(
                "uses {{{name}}}, which is not a field; the fields are {}",
                fields_list()
            ));
        }
        rest = &after[end + 1..];
    }
    if rest.contains('}') || template.chars().any(char::is_control) {
        return Err("has a stray '}' or a control character".into());
    }
    relative(Path::new(template)).map(|_| ())
}

fn fields_list() -> String {
    FIELDS
        .iter()
        .map(|f| format!("{{{f}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A path that stays under the directory it is written in: relative, no
/// `..`, no root or prefix, and a file name.
fn relative(p: &Path) -> Result<PathBuf, String> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                return Err(format!(
                    "{} goes up with '..'; the report is written under the current directory",
                    p.display()
                ));
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "{} is absolute; write a path relative to where the export runs",
                    p.display()
                ));
            }
        }
    }
    if out.as_os_str().is_empty() || p.to_string_lossy().ends_with('/') {
        return Err(format!("{} names no file", p.display()));
    }
    Ok(out)
}

/// The report file for an incident: `template` (or `DEFAULT_FILE`)
/// filled, checked to stay under the current directory.
pub fn file_name(
    template: Option<&str>,
    declared: DateTime<Utc>,
    title: &str,
    id: &str,
) -> Result<PathBuf, String> {
    let template = template.unwrap_or(DEFAULT_FILE);
    check_template(template)?;
    // The id is the store's (checked when it was made); made safe again
    // all the same, as a slug keeps its dashes and letters.
    let id: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let filled = template
        .replace("{date}", &declared.format("%Y-%m-%d").to_string())
        .replace("{slug}", &slug(title))
        .replace("{id}", &id);
    relative(Path::new(&filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_slug_is_lowercase_ascii_and_dashes() {
        assert_eq!(
            slug("API Outage: 503s on /v1/health"),
            "api-outage-503s-on-v1-health"
        );
        assert_eq!(slug("  --Leading and trailing--  "), "leading-and-trailing");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug(".."), "incident");
        assert_eq!(slug("a\u{1b}[31mred\u{7}\nline\r\0"), "a-31mred-line");
        assert_eq!(
            slug("Café über naïve 日本語 outage"),
            "caf-ber-na-ve-outage"
        );
        assert_eq!(slug("日本語"), "incident");
        assert_eq!(slug(""), "incident");
        assert_eq!(slug("C:\\Windows\\system32"), "c-windows-system32");
    }

    #[test]
    fn a_long_slug_is_cut_at_a_dash() {
        let s = slug(&"database connection pool exhausted ".repeat(5));
        assert!(s.len() <= SLUG_MAX, "{s}");
        assert_eq!(s, "database-connection-pool-exhausted-database");
        let one = slug(&"x".repeat(200));
        assert_eq!(one.len(), SLUG_MAX);
        assert!(!slug(&"ab-".repeat(40)).ends_with('-'));
    }

    #[test]
    fn the_file_and_channel_take_the_declarations_day_in_utc() {
        // 23:30 at UTC-5 is the next day in UTC.
        let d = at("2026-12-06T23:30:00-05:00");
        assert_eq!(channel(d), "#incident-2026-12-07");
        assert_eq!(
            file_name(None, d, "API down", "dicps-1").unwrap(),
            PathBuf::from("incidents/2026-12-07-api-down.md")
        );
        assert_eq!(
            file_name(
                Some("reports/{id}/{date}-{slug}.md"),
                d,
                "../../etc",
                "dicps-1"
            )
            .unwrap(),
            PathBuf::from("reports/dicps-1/2026-12-07-etc.md")
        );
        assert_eq!(
            file_name(Some("./{date}.md"), d, "x", "i").unwrap(),
            PathBuf::from("2026-12-07.md")
        );
    }

    #[test]
    fn a_bad_template_is_refused_with_why() {
        let d = at("2026-12-07T10:00:00Z");
        for (t, why) in [
            ("/etc/{slug}", "is absolute"),
            ("../{slug}.md", "goes up with '..'"),
            ("incidents/{title}.md", "uses {title}, which is not a field"),
            ("incidents/{date.md", "without its"),
            ("incidents/", "names no file"),
            ("", "is empty"),
            ("a\u{1b}b.md", "control character"),
        ] {
            let e = check_template(t).unwrap_err();
            assert!(e.contains(why), "{t:?}: {e}");
            assert!(file_name(Some(t), d, "x", "i").is_err(), "{t:?}");
        }
        assert!(check_template(DEFAULT_FILE).is_ok());
    }
}
