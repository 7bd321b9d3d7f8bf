//! Acknowledgements as the alerts pane shows them: which ack covers an
//! alert (its own, or its group's), and which lapse soon.

use crate::state::State;
use crate::state::incident::Ack;
use crate::state::observed::Alert;
use chrono::TimeDelta;

/// How long before it lapses an ack is warned about.
pub const ACK_WARNING: TimeDelta = TimeDelta::minutes(5);

/// The default expiry of an acknowledgement.
pub const ACK_DEFAULT: TimeDelta = TimeDelta::minutes(30);

/// The key of one alert's ack: its fingerprint, or (drill alerts have
/// none) its name and labels.
pub fn alert_key(a: &Alert) -> String {
    if a.fingerprint.is_empty() {
        let labels: Vec<String> = a.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("alert:{}{{{}}}", a.alertname, labels.join(","))
    } else {
        format!("alert:{}", a.fingerprint)
    }
}

pub fn group_key(alertname: &str) -> String {
    format!("group:{alertname}")
}

/// The ack standing for an alert: its own, else its group's (still in
/// time: one whose time ran out is not shown while its lapse is
/// recorded).
pub fn ack_of<'a>(s: &'a State, a: &Alert) -> Option<&'a Ack> {
    let live = |k: &str| s.incident.acks.get(k).filter(|x| x.until > s.now);
    live(&alert_key(a)).or_else(|| live(&group_key(&a.alertname)))
}

/// A group's ack.
pub fn group_ack<'a>(s: &'a State, alertname: &str) -> Option<&'a Ack> {
    s.incident
        .acks
        .get(&group_key(alertname))
        .filter(|x| x.until > s.now)
}

/// `ana@h 24m`: who, and the time left.
pub fn cell(s: &State, a: &Ack) -> String {
    let user = a.owner.split('@').next().unwrap_or(&a.owner);
    format!(
        "✋{user} {}",
        crate::time::countdown_coarse(a.until - s.now)
    )
}

/// When what is shown of the acks next moves (`Horizon`): each one's
/// time left (its cell's coarse countdown, counting seconds in its last
/// ten minutes, which holds its warning window's opening at five and its
/// lapse). A lapsed one moves nothing more.
pub fn horizon(s: &State, hz: &mut crate::view::Horizon) {
    for a in s.incident.acks.values().filter(|a| a.until >= s.now) {
        hz.counting(a.until, crate::time::countdown_coarse_step(a.until - s.now));
    }
}

/// Acks that lapse within five minutes, soonest first.
pub fn lapsing_soon(s: &State) -> Vec<&Ack> {
    let mut v: Vec<&Ack> = s
        .incident
        .acks
        .values()
        .filter(|a| a.until > s.now && a.until - s.now <= ACK_WARNING)
        .collect();
    v.sort_by_key(|a| a.until);
    v
}
