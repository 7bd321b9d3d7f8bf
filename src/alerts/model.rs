//! An alert as the cockpit holds it (from Alertmanager or a drill).

use chrono::{DateTime, Utc};

/// Alertmanager's word for where an alert stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AlertState {
    /// Firing and notifying.
    #[default]
    Active,
    /// Silenced or inhibited.
    Suppressed,
    /// Received, not yet processed.
    Unprocessed,
}

impl AlertState {
    pub fn name(self) -> &'static str {
        match self {
            AlertState::Active => "active",
            AlertState::Suppressed => "suppressed",
            AlertState::Unprocessed => "unprocessed",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "suppressed" => AlertState::Suppressed,
            "unprocessed" => AlertState::Unprocessed,
            _ => AlertState::Active,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Alert {
    /// Alertmanager's fingerprint (a hash of the labels); empty in drills.
    pub fingerprint: String,
    pub alertname: String,
    pub severity: String,
    pub summary: String,
    pub since: DateTime<Utc>,
    pub labels: std::collections::BTreeMap<String, String>,
    pub annotations: std::collections::BTreeMap<String, String>,
    pub state: AlertState,
    /// Silence ids that suppress it.
    pub silenced_by: Vec<String>,
    /// Fingerprints of the alerts that inhibit it.
    pub inhibited_by: Vec<String>,
    pub generator_url: String,
}

impl Alert {
    /// A label's value; `alertname` and `severity` count as labels.
    pub fn label(&self, name: &str) -> Option<&str> {
        match name {
            "alertname" => Some(&self.alertname),
            "severity" => Some(&self.severity),
            other => self.labels.get(other).map(String::as_str),
        }
    }
}

/// Alert severity labels, most severe first.
pub fn alert_rank(severity: &str) -> u8 {
    match severity.to_ascii_lowercase().as_str() {
        "critical" | "page" | "p0" | "emergency" => 0,
        "high" | "error" | "major" | "p1" => 1,
        "warning" | "warn" | "medium" | "p2" => 2,
        "info" | "low" | "minor" | "p3" => 3,
        _ => 4,
    }
}
