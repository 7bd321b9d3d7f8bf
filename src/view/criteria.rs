//! Severity criteria on the service's figures: which criteria the figures
//! meet now, and which severity, higher than the incident's, the cockpit
//! suggests. Pure: `update::criteria` records a new suggestion once, the
//! header shows it while it holds.

use crate::playbook::Playbook;
use crate::state::figures::Crossing;
use crate::state::{Figure, State};
use std::collections::BTreeMap;

/// Every criterion with a number that a current (not stale) figure meets,
/// keyed `SEVERITY/INDEX`.
pub fn met(pb: &Playbook, figures: &[Figure]) -> BTreeMap<String, Crossing> {
    let mut out = BTreeMap::new();
    for sev in &pb.severities {
        for (i, c) in sev.criteria.iter().enumerate() {
            let Some(name) = &c.figure else { continue };
            let Some(f) = figures
                .iter()
                .find(|f| f.stale.is_none() && f.name.eq_ignore_ascii_case(name.value.trim()))
            else {
                continue;
            };
            if c.met_by(f.value) {
                out.insert(
                    format!("{}/{i}", sev.id.value),
                    Crossing {
                        severity: sev.id.value.clone(),
                        figure: f.name.clone(),
                        value: f.value,
                        unit: f.unit.clone(),
                        text: c.text.clone(),
                        bound: c.bound(),
                    },
                );
            }
        }
    }
    out
}

/// Of these crossings, the one to suggest at `current`: the worst
/// severity above it (a criterion of the same or a lower severity is
/// not a suggestion).
pub fn worst_above<'a>(
    pb: &Playbook,
    current: &str,
    crossings: impl IntoIterator<Item = &'a Crossing>,
) -> Option<&'a Crossing> {
    let here = pb.severity_rank(current).unwrap_or(usize::MAX);
    crossings
        .into_iter()
        .filter_map(|c| pb.severity_rank(&c.severity).map(|r| (r, c)))
        .filter(|(r, _)| *r < here)
        .min_by_key(|(r, _)| *r)
        .map(|(_, c)| c)
}

/// The suggestion standing now, for the header.
pub fn suggestion(s: &State) -> Option<&Crossing> {
    worst_above(
        &s.ctx.playbook,
        &s.incident.severity,
        s.observed.criteria.values(),
    )
}

/// How a suggestion is said, shortest first: `Suggest P1: Error rate
/// 58.2% > 50`.
pub fn say(c: &Crossing) -> String {
    format!(
        "Suggest {}: {} {}{} {}",
        c.severity,
        c.figure,
        trim(c.value),
        c.unit,
        c.bound
    )
}

fn trim(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}
