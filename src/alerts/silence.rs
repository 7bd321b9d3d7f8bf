//! Silences: built from an alert's (or a group's) labels, edited, and
//! checked before anything is sent: at least one matcher, not all of them
//! matching the empty string (Alertmanager refuses those), a positive
//! duration, a comment, and who creates it (`user@host`).

use super::matcher::{self, Matcher, Op};
use crate::alerts::Alert;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::BTreeMap;

/// Which field of the silence dialog a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Matchers,
    Duration,
    Comment,
}

/// A silence ready to be created.
#[derive(Clone, Debug, PartialEq)]
pub struct NewSilence {
    pub matchers: Vec<Matcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub comment: String,
    /// An extension: the id of the silence it replaces (posted with that
    /// id, so Alertmanager expires the old one as it creates this one).
    pub replaces: Option<String>,
}

/// A silence as Alertmanager lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Silence {
    pub id: String,
    /// Each matcher as text (`name="value"`).
    pub matchers: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub comment: String,
    /// `active`, `pending` or `expired`.
    pub state: String,
}

impl Silence {
    pub fn is_active(&self) -> bool {
        self.state == "active"
    }
}

/// The longest a silence can be made for from the cockpit.
pub const MAX_DURATION: TimeDelta = TimeDelta::days(30);

/// Equality matchers for every label, `alertname` first.
pub fn matchers_for_labels(labels: &BTreeMap<String, String>) -> Vec<Matcher> {
    let mut out: Vec<Matcher> = labels
        .iter()
        .filter_map(|(k, v)| Matcher::new(k, Op::Eq, v).ok())
        .collect();
    out.sort_by_key(|m| m.name != "alertname");
    out
}

/// The labels every alert in the group shares (at least `alertname`).
pub fn common_labels<'a>(alerts: impl IntoIterator<Item = &'a Alert>) -> BTreeMap<String, String> {
    let mut it = alerts.into_iter();
    let Some(first) = it.next() else {
        return BTreeMap::new();
    };
    let mut common = all_labels(first);
    for a in it {
        let l = all_labels(a);
        common.retain(|k, v| l.get(k) == Some(v));
    }
    common
}

/// An alert's labels with `alertname` and `severity` included.
pub fn all_labels(a: &Alert) -> BTreeMap<String, String> {
    let mut l = a.labels.clone();
    l.entry("alertname".into())
        .or_insert_with(|| a.alertname.clone());
    if !a.severity.is_empty() {
        l.entry("severity".into())
            .or_insert_with(|| a.severity.clone());
    }
    l
}

/// Checks the dialog's three fields and builds the silence.
pub fn build(
    matchers_text: &str,
    duration_text: &str,
    comment: &str,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<NewSilence, (Field, String)> {
    let matchers = matcher::parse_list(matchers_text).map_err(|e| (Field::Matchers, e))?;
    if matchers.is_empty() {
        return Err((Field::Matchers, "at least one matcher is needed".into()));
    }
    if matchers.iter().all(|m| m.matches_value("")) {
        return Err((
            Field::Matchers,
            "at least one matcher must not match the empty string (it would silence everything)"
                .into(),
        ));
    }
    let d = crate::time::parse_duration(duration_text).map_err(|e| (Field::Duration, e))?;
    let d = TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX);
    if d <= TimeDelta::zero() {
        return Err((Field::Duration, "the duration must be positive".into()));
    }
    if d > MAX_DURATION {
        return Err((
            Field::Duration,
            "at most 30 days: a silence that outlives the incident hides the next one".into(),
        ));
    }
    let comment = comment.trim();
    if comment.is_empty() {
        return Err((
            Field::Comment,
            "a comment is required: say why, for whoever sees the silence".into(),
        ));
    }
    if created_by.trim().is_empty() {
        return Err((Field::Comment, "no user@host to create it as".into()));
    }
    Ok(NewSilence {
        matchers,
        starts_at: now,
        ends_at: now + d,
        created_by: created_by.to_string(),
        comment: comment.to_string(),
        replaces: None,
    })
}

/// The comment of an extension of silence `id`: its comment without the
/// note of an earlier extension, then what it extends.
pub fn extension_comment(comment: &str, id: &str) -> String {
    format!("{} (extends {id})", without_extends(comment))
}

/// A comment without a trailing `(extends ID)` an extension added.
pub fn without_extends(comment: &str) -> &str {
    let c = comment.trim_end();
    match c.rfind(" (extends ") {
        Some(i) if c.ends_with(')') => c[..i].trim_end(),
        _ => c,
    }
}

impl NewSilence {
    /// Whether the silence would cover this alert.
    pub fn covers(&self, a: &Alert) -> bool {
        let l = all_labels(a);
        self.matchers.iter().all(|m| m.matches(&l))
    }

    pub fn matcher_texts(&self) -> Vec<String> {
        self.matchers.iter().map(ToString::to_string).collect()
    }
}

/// What the Alertmanager source is asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum AmCommand {
    CreateSilence {
        request: String,
        silence: NewSilence,
    },
    ExpireSilence {
        request: String,
        id: String,
    },
}

impl AmCommand {
    pub fn request(&self) -> &str {
        match self {
            AmCommand::CreateSilence { request, .. } | AmCommand::ExpireSilence { request, .. } => {
                request
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::AlertState;

    fn alert(name: &str, kv: &[(&str, &str)]) -> Alert {
        Alert {
            fingerprint: name.into(),
            alertname: name.into(),
            severity: "critical".into(),
            summary: String::new(),
            since: Utc::now(),
            labels: kv
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            annotations: Default::default(),
            state: AlertState::Active,
            silenced_by: vec![],
            inhibited_by: vec![],
            generator_url: String::new(),
        }
    }

    #[test]
    fn matchers_from_an_alerts_labels_alertname_first() {
        let a = alert("APIDown", &[("service", "dicps-api"), ("instance", "a:80")]);
        let ms = matchers_for_labels(&all_labels(&a));
        assert_eq!(
            matcher::display_list(&ms),
            r#"alertname="APIDown", instance="a:80", service="dicps-api", severity="critical""#
        );
    }

    #[test]
    fn a_groups_matchers_are_the_labels_all_share() {
        let a = alert("APIDown", &[("service", "api"), ("instance", "a")]);
        let b = alert("APIDown", &[("service", "api"), ("instance", "b")]);
        let common = common_labels([&a, &b]);
        assert_eq!(
            common.keys().collect::<Vec<_>>(),
            vec!["alertname", "service", "severity"]
        );
    }

    #[test]
    fn validation_needs_matchers_a_positive_duration_and_a_comment() {
        let now = Utc::now();
        let ok = build(
            r#"alertname="APIDown""#,
            "2h",
            " rolling back ",
            "ana@b",
            now,
        )
        .unwrap();
        assert_eq!(ok.ends_at - ok.starts_at, TimeDelta::hours(2));
        assert_eq!(ok.comment, "rolling back");
        let err = |m: &str, d: &str, c: &str| build(m, d, c, "ana@b", now).unwrap_err();
        assert_eq!(err("", "2h", "x").0, Field::Matchers);
        assert_eq!(err(r#"a=~".*""#, "2h", "x").0, Field::Matchers);
        assert!(err(r#"a=~".*""#, "2h", "x").1.contains("empty string"));
        assert_eq!(err(r#"a=~"(""#, "2h", "x").0, Field::Matchers);
        assert_eq!(
            err("a=1", "0m", "x"),
            (Field::Duration, "the duration must be positive".into())
        );
        assert_eq!(err("a=1", "soon", "x").0, Field::Duration);
        assert_eq!(err("a=1", "-5m", "x").0, Field::Duration);
        assert_eq!(err("a=1", "90d", "x").0, Field::Duration);
        assert_eq!(err("a=1", "1h", "   ").0, Field::Comment);
        assert_eq!(
            build("a=1", "1h", "x", "", now).unwrap_err().0,
            Field::Comment
        );
    }

    #[test]
    fn an_extensions_comment_says_what_it_extends_once() {
        assert_eq!(
            extension_comment("rolling back", "abc-1"),
            "rolling back (extends abc-1)"
        );
        assert_eq!(
            extension_comment("rolling back (extends abc-1)", "def-2"),
            "rolling back (extends def-2)"
        );
        assert_eq!(without_extends("a (b)"), "a (b)");
    }

    #[test]
    fn a_silence_covers_the_alerts_its_matchers_match() {
        let now = Utc::now();
        let s = build(
            r#"alertname="APIDown", instance=~"a|b""#,
            "1h",
            "x",
            "u@h",
            now,
        )
        .unwrap();
        assert!(s.covers(&alert("APIDown", &[("instance", "a")])));
        assert!(!s.covers(&alert("APIDown", &[("instance", "c")])));
        assert!(!s.covers(&alert("Other", &[("instance", "a")])));
    }
}
