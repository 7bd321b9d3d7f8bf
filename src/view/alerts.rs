//! What the alerts pane and the silence dialog show, derived from state.

use crate::alerts::silence::{self, Field};
use crate::state::State;
use crate::state::observed::SourceHealth;
use crate::state::ui::SilenceDialog;
/// A silence's id as the pane shows it (its first 8 characters).
pub use crate::timeline::record::short_id;
use chrono::TimeDelta;

/// A silence this incident created is flagged this long before it ends.
pub const EXPIRY_WARNING: TimeDelta = TimeDelta::minutes(10);

/// Silences this incident created that end within the warning time.
pub fn expiring_soon(s: &State) -> Vec<&silence::Silence> {
    s.observed
        .feed
        .silences
        .iter()
        .filter(|x| x.is_active())
        .filter(|x| s.incident.silences.get(&x.id).is_some_and(|r| !r.expired))
        .filter(|x| x.ends_at - s.now <= EXPIRY_WARNING)
        .collect()
}

/// Checks the dialog as it stands. An extension must end later than the
/// silence it extends does now, and says in its comment what it extends.
pub fn check(s: &State, d: &SilenceDialog) -> Result<silence::NewSilence, (usize, String)> {
    let mut new = silence::build(
        d.fields[0].as_str(),
        d.fields[1].as_str(),
        d.fields[2].as_str(),
        &s.ctx.seat,
        s.now,
    )
    .map_err(|(f, e)| (field_index(f), e))?;
    if let Some(id) = &d.extends {
        if let Some(x) = s.observed.feed.silences.iter().find(|x| &x.id == id)
            && new.ends_at <= x.ends_at
        {
            return Err((
                field_index(Field::Duration),
                format!(
                    "it would end before the silence does now ({}): give a longer duration (from now), or e to expire it",
                    x.ends_at.with_timezone(&s.ctx.tz).format("%H:%M")
                ),
            ));
        }
        new.comment = silence::extension_comment(&new.comment, id);
        new.replaces = Some(id.clone());
    }
    Ok(new)
}

/// The duration a silence of this incident was requested for (`2h`), to
/// offer when it is extended; `1h` when the record does not say.
pub fn original_duration(s: &State, id: &str) -> String {
    use crate::timeline::Event;
    let recs = &s.incident.records;
    recs.iter()
        .find_map(|r| match &r.event {
            Event::SilenceCreated { id: x, request, .. } if x == id => Some(request),
            _ => None,
        })
        .and_then(|req| {
            recs.iter().find_map(|r| match &r.event {
                Event::SilenceRequested {
                    request, duration, ..
                } if request == req && !duration.trim().is_empty() => Some(duration.clone()),
                _ => None,
            })
        })
        .unwrap_or_else(|| "1h".into())
}

/// The source line of the alerts pane: connected, or stale since when,
/// the last error and when it retries.
pub fn health_line(
    h: &SourceHealth,
    now: chrono::DateTime<chrono::Utc>,
    tz: chrono::FixedOffset,
) -> (String, bool) {
    match (&h.stale_since, &h.last_ok) {
        (Some(since), _) => {
            let retry = h
                .retry_at
                .map(|t| format!(" · retry in {}s", (t - now).num_seconds().max(0)))
                .unwrap_or_default();
            (
                format!(
                    "✖ stale since {} ({} ago){retry}",
                    since.with_timezone(&tz).format("%H:%M:%S"),
                    crate::time::age(now - *since)
                ),
                true,
            )
        }
        (None, Some(ok)) => (
            format!(
                "● connected · polled {} ago · {}ms",
                crate::time::age(now - *ok),
                h.took_ms
            ),
            false,
        ),
        (None, None) => ("… connecting".to_string(), false),
    }
}

/// The dialog field a problem is in.
pub fn field_index(f: Field) -> usize {
    match f {
        Field::Matchers => 0,
        Field::Duration => 1,
        Field::Comment => 2,
    }
}

#[cfg(test)]
mod tests {
    use crate::msg::Msg;
    use crate::state::AlertRow;
    use crate::testkit::{Harness, am_alert, am_poll};

    /// The pane's rows and the labels telling a group's alerts apart are
    /// derived when the alerts change, not while drawing.
    #[test]
    fn the_alert_rows_and_tags_follow_the_alerts() {
        let mut h = Harness::live("dicps");
        h.send(Msg::AlertsPolled(Box::new(am_poll())));
        let d = &h.state.derived;
        let names: Vec<&str> = d
            .alert_groups
            .iter()
            .map(|g| g.alertname.as_str())
            .collect();
        let api = names.iter().position(|n| *n == "APIDown").unwrap();
        let g = &d.alert_groups[api];
        // A heading for the group of two, then its alerts; one row for each
        // group of one.
        assert_eq!(d.alert_rows.len(), 4 + 1, "{:?}", d.alert_rows);
        let at = d
            .alert_rows
            .iter()
            .position(|r| *r == AlertRow::Group(api))
            .unwrap();
        assert_eq!(d.alert_rows[at + 1], AlertRow::Alert(g.start));
        assert_eq!(d.alert_tags[api], vec!["instance".to_string()]);
        for (i, g) in d.alert_groups.iter().enumerate() {
            if g.len == 1 {
                assert!(d.alert_tags[i].is_empty(), "{}", g.alertname);
            }
        }
        // A third APIDown on another service: two labels now differ.
        let mut p = am_poll();
        let mut third = am_alert(
            "APIDown",
            "api-3:8080",
            "critical",
            crate::state::AlertState::Active,
            20,
        );
        third.labels.insert("service".into(), "dicps-web".into());
        p.alerts.push(third);
        h.send(Msg::AlertsPolled(Box::new(p)));
        let d = &h.state.derived;
        assert_eq!(d.alert_rows.len(), 5 + 1, "{:?}", d.alert_rows);
        let api = d
            .alert_groups
            .iter()
            .position(|g| g.alertname == "APIDown")
            .unwrap();
        assert_eq!(
            d.alert_tags[api],
            vec!["instance".to_string(), "service".to_string()]
        );
    }
}
