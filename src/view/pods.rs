//! The pods as the pane lists them.

use crate::state::State;
use chrono::{DateTime, Utc};

/// The pods as the pane lists them.
pub fn pods_shown(s: &State) -> Vec<&crate::state::Pod> {
    crate::state::observed::pod_view(&s.observed.pods, s.ui.pod_sort, &s.ui.pod_filter)
}

/// The RESTARTS cell: `3`, or `3 (5m ago)` when the last restart is known.
pub fn restarts_cell(restarts: u32, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match last {
        Some(at) if restarts != 0 => {
            format!("{restarts} ({} ago)", crate::time::age(now - at))
        }
        _ => restarts.to_string(),
    }
}
