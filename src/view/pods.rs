//! The pods as the pane lists them.

use crate::state::observed::pod_rank;
use crate::state::ui::PodSort;
use crate::state::{Pod, PodColumns, State};
use chrono::{DateTime, Utc};

/// The pods as the pane lists them (from the derived view: no sorting).
pub fn pods_shown(s: &State) -> Vec<&crate::state::Pod> {
    s.derived
        .pods
        .iter()
        .filter_map(|i| s.observed.pods.get(*i))
        .collect()
}

/// Computes the pods shown again when the pods, the sort or the filter
/// changed since the last time; otherwise costs three comparisons.
pub fn refresh(s: &mut State) {
    let (rev, sort) = (s.observed.pods_rev, s.ui.pod_sort);
    if matches!(&s.derived.pods_from, Some((r, so, f)) if *r == rev && *so == sort && *f == s.ui.pod_filter.as_str())
    {
        return;
    }
    // Remembered per pods revision, and carried through watch events.
    s.derived.pods_ready = s.observed.ready() as usize;
    let pods = &s.observed.pods;
    let as_kept = sort == PodSort::Status
        && s.ui.pod_filter.as_str().trim().is_empty()
        && s.observed.in_order.0 == Some(rev);
    s.derived.pods = if as_kept {
        // The pods are kept in this order already (`Observed::in_order`).
        (0..pods.len()).collect()
    } else {
        pod_order(pods, sort, s.ui.pod_filter.as_str())
    };
    let shown = s.derived.pods.iter().filter_map(|i| pods.get(*i));
    let mut cols = PodColumns::default();
    for p in shown {
        cols.name = cols.name.max(cell_width(&p.name));
        cols.status = cols.status.max(cell_width(&p.status));
        if let Some(n) = &p.node {
            cols.node = cols.node.max(cell_width(n));
            cols.any_node = true;
        }
    }
    s.derived.pods_cols = cols;
    s.derived.pods_from = Some((rev, sort, s.ui.pod_filter.as_str().to_string()));
}

/// A cell's width on the terminal. Pod and node names are ASCII (DNS
/// names): their length is their width, without a lookup per character.
pub fn cell_width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        unicode_width::UnicodeWidthStr::width(s)
    }
}

/// The indices of the pods shown: those the filter matches (a
/// case-insensitive part of the name, status or node), pods in trouble
/// first (or the most restarted first), then by name.
pub fn pod_order(pods: &[Pod], sort: PodSort, filter: &str) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    let mut ranked: Vec<(u8, usize)> = pods
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            needle.is_empty()
                || p.name.to_lowercase().contains(&needle)
                || p.status.to_lowercase().contains(&needle)
                || p.node
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase().contains(&needle))
        })
        .map(|(i, p)| (pod_rank(p), i))
        .collect();
    let name = |i: usize| &pods[i].name;
    match sort {
        PodSort::Status => {
            ranked.sort_by(|(ra, a), (rb, b)| ra.cmp(rb).then_with(|| name(*a).cmp(name(*b))))
        }
        PodSort::Restarts => ranked.sort_by(|(ra, a), (rb, b)| {
            pods[*b]
                .restarts
                .cmp(&pods[*a].restarts)
                .then(ra.cmp(rb))
                .then_with(|| name(*a).cmp(name(*b)))
        }),
    }
    ranked.into_iter().map(|(_, i)| i).collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::Msg;
    use crate::state::kube::KubeUpdate;
    use crate::testkit::Harness;

    use crate::testkit::pod;

    #[test]
    fn pods_kept_in_order_are_shown_as_a_sort_would_show_them() {
        let mut h = Harness::live_kube();
        let pods = (0..30)
            .map(|i| {
                let ready = if i % 4 == 0 { "0/1" } else { "1/1" };
                let status = if i % 5 == 0 {
                    "CrashLoopBackOff"
                } else {
                    "Running"
                };
                pod(&format!("p{i:02}"), ready, status)
            })
            .collect();
        h.send(Msg::Kube(KubeUpdate::Synced(pods)));
        h.send(Msg::Kube(KubeUpdate::Applied(pod("p07", "0/1", "Pending"))));
        h.send(Msg::Kube(KubeUpdate::Applied(pod("p40", "1/1", "Running"))));
        h.send(Msg::Kube(KubeUpdate::Deleted("p10".into())));
        let s = &h.state;
        assert_eq!(
            s.observed.in_order.0,
            Some(s.observed.pods_rev),
            "kept in order"
        );
        assert_eq!(s.observed.pods.len(), 30);
        assert_eq!(
            s.derived.pods,
            pod_order(&s.observed.pods, PodSort::Status, "")
        );
        assert_eq!(s.derived.pods_ready, 21);
        // Pods changed without keeping the order: sorted again.
        h.state.observed.pods.reverse();
        h.state.observed.pods_rev += 1;
        crate::view::refresh(&mut h.state);
        let s = &h.state;
        assert_eq!(
            s.derived.pods,
            pod_order(&s.observed.pods, PodSort::Status, "")
        );
        assert_ne!(
            s.derived.pods,
            (0..s.observed.pods.len()).collect::<Vec<_>>()
        );
    }
}
