//! Communication templates filled from the incident: `{title}`,
//! `{severity}`, `{status}`, `{ic}`, `{started}`, `{updated}`,
//! `{next_update}`... Fields only people know (`{impact}`, `{root_cause}`)
//! stay as `[impact]` for the editor.

use crate::playbook::model::Template;
use crate::state::State;
use crate::time::parse_duration;
use chrono::TimeDelta;
use std::collections::BTreeMap;

/// The values the incident can fill now.
pub fn fields(s: &State, t: &Template) -> BTreeMap<&'static str, String> {
    let inc = &s.incident;
    let tz = s.ctx.tz;
    let local =
        |at: chrono::DateTime<chrono::Utc>, f: &str| at.with_timezone(&tz).format(f).to_string();
    let mut m = BTreeMap::new();
    m.insert("title", inc.title.clone());
    m.insert("severity", inc.severity.clone());
    if let Some(sev) = s.ctx.playbook.severity(&inc.severity) {
        m.insert("severity_name", sev.name.clone());
    }
    m.insert("status", inc.status.map_or("-", |x| x.name()).to_string());
    m.insert("ic", inc.ic.clone());
    if let Some(d) = inc.declared_at {
        m.insert("started", local(d, "%Y-%m-%d %H:%M %Z"));
    }
    m.insert("updated", local(s.now, "%Y-%m-%d %H:%M %Z"));
    m.insert("date", local(s.now, "%Y-%m-%d"));
    m.insert("time", local(s.now, "%H:%M"));
    if let Some(c) = t
        .cadence
        .as_ref()
        .and_then(|c| parse_duration(&c.value).ok())
    {
        let next = s.now + TimeDelta::from_std(c).unwrap_or_default();
        m.insert("next_update", local(next, "%H:%M %Z"));
    }
    // The disruption in UTC, as a customer e-mail writes it ("on [DATE]
    // from [TIME] to [TIME] UTC"): from the detection (or the declaration)
    // to the resolution, or to now while it is open.
    if let Some(start) = inc.began_at() {
        let end = inc.resolved_at.unwrap_or(s.now);
        m.insert("start_date_utc", start.format("%Y-%m-%d").to_string());
        m.insert("start_time_utc", start.format("%H:%M").to_string());
        m.insert("end_time_utc", end.format("%H:%M").to_string());
        if end.date_naive() != start.date_naive() {
            m.insert("end_time_utc", end.format("%H:%M on %Y-%m-%d").to_string());
        }
    }
    // Seed 002's incident channel, `#incident-YYYY-MM-DD`: the
    // declaration's day in UTC, as the report file's.
    if let Some(d) = inc.declared_at {
        m.insert("channel", crate::playbook::report::channel(d));
    }
    m.insert("incident_id", inc.id.clone());
    m.insert("duration", crate::time::hms(inc.elapsed(s.now)));
    m.insert("procedure", s.ctx.procedure().name.clone());
    m.insert("service", s.ctx.playbook.title.clone());
    // Values from records and the playbook go to people: inert text only.
    for v in m.values_mut() {
        if let std::borrow::Cow::Owned(c) = crate::sanitize::clean(v) {
            *v = c;
        }
    }
    m
}

/// Replaces every `{field}`; unknown ones become `[field]` to be filled.
pub fn fill(text: &str, fields: &BTreeMap<&'static str, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(end)
                if !after[..end].is_empty()
                    && after[..end]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                let name = &after[..end];
                match fields.get(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push('[');
                        out.push_str(name);
                        out.push(']');
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// What a person must fill in a template before it goes out: `[name]` for
/// each `{name}` the incident cannot fill, and the `[…]` the template
/// writes itself (`[Specific data types]`), except a tag its subject
/// carries (`[RESOLVED]`).
pub fn placeholders(s: &State, t: &Template) -> Vec<String> {
    let tags = t.subject.as_deref().map(brackets).unwrap_or_default();
    let mut out: Vec<String> = brackets(&compose(s, t))
        .into_iter()
        .filter(|b| !tags.contains(b))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The placeholders still in `text` as they were written.
pub fn unfilled(text: &str, placeholders: &[String]) -> Vec<String> {
    placeholders
        .iter()
        .filter(|p| text.contains(p.as_str()))
        .cloned()
        .collect()
}

/// Every `[…]` on one line, brackets included.
fn brackets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(i) = rest.find('[') {
            let after = &rest[i + 1..];
            match after.find([']', '[']) {
                Some(end) if after[end..].starts_with(']') => {
                    let inner = &after[..end];
                    if !inner.trim().is_empty() && inner.chars().count() <= 80 {
                        out.push(format!("[{inner}]"));
                    }
                    rest = &after[end + 1..];
                }
                Some(end) => rest = &after[end..],
                None => break,
            }
        }
    }
    out
}

/// Whether the body's own header (its lines before the first blank one)
/// already has a line `Name: ...` (the seeds write `Subject:` and `To:` in
/// the message itself).
fn body_has_header(body: &str, name: &str) -> bool {
    body.lines().take_while(|l| !l.trim().is_empty()).any(|l| {
        l.trim_start()
            .get(..name.len() + 1)
            .is_some_and(|h| h.eq_ignore_ascii_case(&format!("{name}:")))
    })
}

/// The whole message: recipients, subject and body, filled. A `To:` or
/// `Subject:` line the body writes itself is not written twice.
pub fn compose(s: &State, t: &Template) -> String {
    let f = fields(s, t);
    let mut head = String::new();
    if let Some(to) = &t.to
        && !body_has_header(&t.body, "To")
    {
        head.push_str(&format!("To: {}\n", fill(to, &f)));
    }
    if let Some(sub) = &t.subject
        && !body_has_header(&t.body, "Subject")
    {
        head.push_str(&format!("Subject: {}\n", fill(sub, &f)));
    }
    let mut out = head;
    // Above a header of the body's own the lines join it; above plain text
    // a blank line ends them.
    let own_header = body_has_header(&t.body, "To") || body_has_header(&t.body, "Subject");
    if !out.is_empty() && !own_header {
        out.push('\n');
    }
    out.push_str(&fill(&t.body, &f));
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fields_are_filled_and_unknown_are_left_for_people() {
        let f: BTreeMap<&'static str, String> = [
            ("title", "API down".to_string()),
            ("status", "Identified".to_string()),
        ]
        .into();
        assert_eq!(
            fill(
                "{title} is {status}; impact: {impact}; json {} and {not a field}",
                &f
            ),
            "API down is Identified; impact: [impact]; json {} and {not a field}"
        );
    }

    #[test]
    fn brackets_are_found_on_their_line() {
        assert_eq!(
            brackets("a [impact] b [x [y] ]\n[RESOLVED] [] [z"),
            vec!["[impact]", "[y]", "[RESOLVED]"]
        );
        let ph = vec!["[impact]".to_string(), "[List]".to_string()];
        assert_eq!(unfilled("Impact: [impact]; [List]", &ph), ph);
        assert_eq!(unfilled("Impact: logins fail; [List]", &ph), vec!["[List]"]);
    }

    #[test]
    fn the_status_page_template_from_the_drill() {
        let h = crate::testkit::Harness::drill();
        let t = h
            .state
            .ctx
            .playbook
            .templates
            .iter()
            .find(|t| t.id.value == "status-page")
            .unwrap()
            .clone();
        let text = compose(&h.state, &t);
        assert!(
            text.starts_with("Subject: API Service Disruption"),
            "{text}"
        );
        assert!(text.contains("Status: Investigating"), "{text}");
        assert!(text.contains("Last Updated: 2026-11-22 13:00"), "{text}");
    }

    fn template(h: &crate::testkit::Harness, id: &str) -> Template {
        h.state
            .ctx
            .playbook
            .templates
            .iter()
            .find(|t| t.id.value == id)
            .unwrap()
            .clone()
    }

    #[test]
    fn subject_and_recipient_are_written_once() {
        for pb in ["dicps", "zkp-ledger"] {
            let h = crate::testkit::Harness::live(pb);
            for t in &h.state.ctx.playbook.templates {
                let text = compose(&h.state, t);
                for head in ["Subject:", "To:"] {
                    let n = text.lines().filter(|l| l.starts_with(head)).count();
                    assert!(n <= 1, "{pb} {}: {head} {n} times:\n{text}", t.id.value);
                }
                if t.subject.is_some() {
                    assert!(text.contains("Subject: "), "{}: {text}", t.id.value);
                }
            }
        }
        // A recipient the body does not write goes above its own subject,
        // with no blank line between.
        let h = crate::testkit::Harness::live("dicps");
        let text = compose(&h.state, &template(&h, "breach-customer-notice"));
        assert!(
            text.starts_with("To: affected customers\nSubject: Important Security Notice\n\n"),
            "{text}"
        );
        let text = compose(&h.state, &template(&h, "gdpr-notice"));
        assert!(
            text.starts_with(
                "To: supervisory-authority@gdpr.eu\nSubject: Personal Data Breach Notification\n\n"
            ),
            "{text}"
        );
        // A template whose body has no header gets one, then a blank line.
        let mut t = template(&h, "status-page");
        t.body = "Hello".into();
        assert_eq!(
            compose(&h.state, &t),
            "Subject: API Service Disruption\n\nHello"
        );
    }

    #[test]
    fn the_customer_email_gives_utc_times_from_detection_to_resolution() {
        use crate::timeline::{Event, Mark, Status};
        let mut h = crate::testkit::Harness::live("dicps");
        // Local time is an hour ahead: the e-mail still says UTC.
        h.state.ctx.tz = chrono::FixedOffset::east_opt(3600).unwrap();
        h.record(Event::Marked {
            mark: Mark::Detected.id().into(),
            text: String::new(),
            when: Some(crate::testkit::t0() - TimeDelta::minutes(10)),
        });
        h.advance(95 * 60);
        h.record(Event::StatusChanged {
            from: Status::Investigating,
            to: Status::Resolved,
        });
        h.advance(3600);
        let text = compose(&h.state, &template(&h, "customer-email"));
        assert!(
            text.contains(
                "We experienced a service disruption on 2026-11-22 from 12:50 to 14:35 UTC affecting"
            ),
            "{text}"
        );
        assert!(
            text.starts_with(
                "To: customers\nSubject: [RESOLVED] Service Disruption - 2026-11-22\n"
            ),
            "{text}"
        );
        assert!(!text.contains("+00:00"), "{text}");
        let slack = compose(&h.state, &template(&h, "internal-slack"));
        assert!(
            slack.contains("Slack Channel: #incident-2026-11-22"),
            "{slack}"
        );
        // The channel is the declaration's day in UTC, as the report
        // file's, even where it is already the next day (13:00 UTC is
        // 01:00 on the 23rd at +12:00).
        h.state.ctx.tz = chrono::FixedOffset::east_opt(12 * 3600).unwrap();
        let slack = compose(&h.state, &template(&h, "internal-slack"));
        assert!(
            slack.contains("Slack Channel: #incident-2026-11-22\n"),
            "{slack}"
        );
    }
}
