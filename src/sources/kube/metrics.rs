//! Pod CPU and memory from `metrics.k8s.io/v1beta1` PodMetrics (what
//! `kubectl top pod` reads), polled: metrics-server refreshes every 15 s or
//! so and offers no watch. Without the API the source says why, once.

use crate::msg::Msg;
use crate::state::kube::{KubeUpdate, Usage};
use kube::Client;
use kube::api::{ApiResource, DynamicObject, ListParams};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// How often PodMetrics are listed (at least: see `next_poll`).
pub const INTERVAL: Duration = Duration::from_secs(15);

/// When to list again after a list of `n` pods: every `every`, and for
/// many pods no more often than 2 ms a pod (20 s at 10,000, 100 s at
/// 50,000), so the cost of listing and reading them stays about the same
/// per second whatever their number. The pane says when the figures are
/// from.
pub fn next_poll(every: Duration, n: usize) -> Duration {
    every.max(Duration::from_millis(2 * n as u64))
}

/// Only what the pane shows of a PodMetrics list: the names and the
/// containers' usage (everything else is skipped while reading).
#[derive(serde::Deserialize)]
struct MetricsList {
    #[serde(default)]
    items: Vec<MetricsItem>,
}

#[derive(serde::Deserialize)]
struct MetricsItem {
    metadata: MetricsMeta,
    #[serde(default)]
    containers: Vec<MetricsContainer>,
}

#[derive(serde::Deserialize)]
struct MetricsMeta {
    name: Option<String>,
}

#[derive(serde::Deserialize)]
struct MetricsContainer {
    #[serde(default)]
    usage: std::collections::BTreeMap<String, String>,
}

impl MetricsItem {
    fn usage(self) -> Option<(String, Usage)> {
        let name = self.metadata.name?;
        let mut u = Usage::default();
        for c in &self.containers {
            let q = |k: &str| c.usage.get(k).map(String::as_str);
            u.cpu_nano += q("cpu").and_then(|s| parse_quantity(s, 9)).unwrap_or(0);
            u.mem_bytes += q("memory").and_then(|s| parse_quantity(s, 0)).unwrap_or(0);
        }
        Some((name, u))
    }
}

fn resource() -> ApiResource {
    ApiResource {
        group: "metrics.k8s.io".into(),
        version: "v1beta1".into(),
        api_version: "metrics.k8s.io/v1beta1".into(),
        kind: "PodMetrics".into(),
        plural: "pods".into(),
    }
}

/// Lists PodMetrics every `every` until the cockpit is gone.
pub async fn poll(
    client: Client,
    namespace: String,
    selector: Option<String>,
    tx: UnboundedSender<Msg>,
    every: Duration,
) {
    let r = resource();
    let path = format!(
        "/apis/{}/namespaces/{namespace}/{}",
        r.api_version, r.plural
    );
    let mut lp = ListParams::default();
    if let Some(sel) = &selector {
        lp = lp.labels(sel);
    }
    let mut last_note: Option<String> = None;
    let mut pause = every;
    loop {
        let list = match kube::core::Request::new(&path).list(&lp) {
            Ok(req) => client.request::<MetricsList>(req).await,
            Err(e) => Err(kube::Error::BuildRequest(e)),
        };
        let msg = match list {
            Ok(list) => {
                last_note = None;
                pause = next_poll(every, list.items.len());
                KubeUpdate::Metrics(
                    list.items
                        .into_iter()
                        .filter_map(MetricsItem::usage)
                        .collect(),
                )
            }
            Err(e) => {
                let note = explain(&e);
                if last_note.as_ref() == Some(&note) {
                    // Said already; nothing new to show.
                    tokio::time::sleep(pause).await;
                    continue;
                }
                last_note = Some(note.clone());
                KubeUpdate::MetricsUnavailable(note)
            }
        };
        if tx.send(Msg::Kube(msg)).is_err() {
            return;
        }
        tokio::time::sleep(pause).await;
    }
}

/// Why the metrics cannot be read, for people.
fn explain(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if s.code == 404 => {
            "no metrics API (metrics.k8s.io not served: no metrics-server?)".into()
        }
        kube::Error::Api(s) if s.code == 403 => format!("metrics forbidden: {}", s.message),
        kube::Error::Api(s) if s.code == 503 => {
            format!("metrics API unavailable (503): {}", s.message)
        }
        other => format!("metrics: {}", super::config::chain(other)),
    }
}

/// A PodMetrics item: the pod's name and its containers' usage summed.
pub fn pod_usage(item: &DynamicObject) -> Option<(String, Usage)> {
    let name = item.metadata.name.clone()?;
    let mut u = Usage::default();
    for c in item.data.get("containers")?.as_array()? {
        let usage = c.get("usage");
        let q = |k: &str| usage.and_then(|u| u.get(k)).and_then(|v| v.as_str());
        u.cpu_nano += q("cpu").and_then(|s| parse_quantity(s, 9)).unwrap_or(0);
        u.mem_bytes += q("memory").and_then(|s| parse_quantity(s, 0)).unwrap_or(0);
    }
    Some((name, u))
}

/// A Kubernetes quantity (`250m`, `1.5Gi`, `128974848`, `12e6`, `2k`) in
/// units of 10^-`scale`, rounded up as Kubernetes rounds (`100m` bytes is
/// 1 byte). `None` when it does not parse or is negative.
pub fn parse_quantity(s: &str, scale: u32) -> Option<u128> {
    let s = s.trim();
    let num_len = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(num_len);
    let num = num.strip_prefix('+').unwrap_or(num);
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits: u128 = format!("{int}{frac}").parse().ok()?;
    // value = digits * 10^(exp10 - frac_len) * 2^(exp2)
    let (exp10, exp2): (i32, u32) = match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        e if e.starts_with(['e', 'E']) => (e[1..].parse().ok()?, 0),
        _ => return None,
    };
    let e = exp10 - frac.len() as i32 + scale as i32;
    let scaled = digits.checked_mul(1u128.checked_shl(exp2)?)?;
    if e >= 0 {
        scaled.checked_mul(10u128.checked_pow(e as u32)?)
    } else {
        let d = 10u128.checked_pow(e.unsigned_abs())?;
        Some(scaled.div_ceil(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_pods_are_listed_less_often() {
        assert_eq!(next_poll(INTERVAL, 100), INTERVAL);
        assert_eq!(next_poll(INTERVAL, 10_000), Duration::from_secs(20));
        assert_eq!(next_poll(INTERVAL, 50_000), Duration::from_secs(100));
    }

    #[test]
    fn a_list_is_read_for_names_and_usage_only() {
        let list: MetricsList = serde_json::from_str(
            r#"{"kind":"PodMetricsList","items":[
                {"metadata":{"name":"web-1","labels":{"app":"web"}},"timestamp":"x","window":"15s",
                 "containers":[{"name":"app","usage":{"cpu":"12m","memory":"64Mi"}},
                               {"name":"side","usage":{"cpu":"1m","memory":"1Mi"}}]},
                {"metadata":{},"containers":[]}]}"#,
        )
        .expect("a PodMetrics list");
        let got: Vec<(String, Usage)> = list
            .items
            .into_iter()
            .filter_map(MetricsItem::usage)
            .collect();
        assert_eq!(got.len(), 1, "an item without a name is skipped");
        assert_eq!(got[0].0, "web-1");
        assert_eq!(got[0].1.cpu_nano, 13_000_000);
        assert_eq!(got[0].1.mem_bytes, 65 * 1024 * 1024);
    }

    #[test]
    fn quantities_as_kubernetes_reads_them() {
        let cpu = |s| parse_quantity(s, 9);
        assert_eq!(cpu("250m"), Some(250_000_000));
        assert_eq!(cpu("1"), Some(1_000_000_000));
        assert_eq!(cpu("1.5"), Some(1_500_000_000));
        assert_eq!(cpu("123456n"), Some(123_456));
        assert_eq!(cpu("12u"), Some(12_000));
        let mem = |s| parse_quantity(s, 0);
        assert_eq!(mem("128Mi"), Some(128 * 1024 * 1024));
        assert_eq!(mem("1.5Gi"), Some(1536 * 1024 * 1024));
        assert_eq!(mem("2k"), Some(2000));
        assert_eq!(mem("12e6"), Some(12_000_000));
        assert_eq!(mem("100m"), Some(1), "fractions of a byte round up");
        assert_eq!(mem("129024Ki"), Some(129024 * 1024));
        assert_eq!(mem("-1"), None);
        assert_eq!(mem("1Zi"), None);
        assert_eq!(mem(""), None);
        assert_eq!(mem("Mi"), None);
    }

    #[test]
    fn usage_is_summed_over_containers_and_printed_as_kubectl_top() {
        let item: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "metrics.k8s.io/v1beta1",
            "kind": "PodMetrics",
            "metadata": {"name": "api-1", "namespace": "ns"},
            "timestamp": "2026-11-22T13:00:00Z",
            "window": "15s",
            "containers": [
                {"name": "app", "usage": {"cpu": "249500u", "memory": "100Mi"}},
                {"name": "proxy", "usage": {"cpu": "1m", "memory": "28Mi"}}
            ]
        }))
        .unwrap();
        let (name, u) = pod_usage(&item).unwrap();
        assert_eq!(name, "api-1");
        assert_eq!(u.cpu_cell(), "251m", "249.5m + 1m, rounded up");
        assert_eq!(u.mem_cell(), "128Mi");
    }
}
