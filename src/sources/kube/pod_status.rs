//! A pod's READY, STATUS and RESTARTS exactly as `kubectl get pods` prints
//! them. The API server computes those columns (kubectl asks for a Table);
//! this is the same decision procedure (`printPod` in Kubernetes' printers),
//! as a pure function of the pod object so the cockpit shows what an
//! engineer's own `kubectl get pods` shows.

// The pod as read (`Object`); named Pod here as in kubectl's printer.
use super::pod_object::{
    Container, ContainerState, ContainerStatus, Object as Pod, PodSpec, PodStatus,
};
use chrono::{DateTime, Utc};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// The STATUS values the pods pane must show as kubectl does (the ones the
/// project's issue names); the fixtures cover each.
pub const NAMED_STATUSES: &[&str] = &[
    "Init:0/2",
    "Init:CrashLoopBackOff",
    "Init:Error",
    "PodInitializing",
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
    "OOMKilled",
    "Completed",
    "Error",
    "ContainerCreating",
    "Pending",
    "Terminating",
    "NotReady",
    "Evicted",
    "Unknown",
];

/// What `kubectl get pods` prints for a pod, less the clocks (AGE and the
/// "(5m ago)" of RESTARTS are drawn from the timestamps at render time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodRow {
    pub ready: u32,
    pub total: u32,
    pub status: String,
    pub restarts: u32,
    /// When the most recently restarted counted container last ended.
    pub last_restart: Option<DateTime<Utc>>,
}

impl PodRow {
    /// The READY cell: `1/2`.
    pub fn ready_cell(&self) -> String {
        format!("{}/{}", self.ready, self.total)
    }
}

/// The reason the node controller gives a pod on a node that went away.
const NODE_LOST: &str = "NodeLost";

pub fn to_utc(t: &Time) -> DateTime<Utc> {
    let ts = t.0;
    DateTime::from_timestamp(ts.as_second(), ts.subsec_nanosecond().max(0) as u32)
        .unwrap_or_default()
}

fn is_restartable(c: Option<&Container>) -> bool {
    c.and_then(|c| c.restart_policy.as_deref()) == Some("Always")
}

fn terminated_at(cs: &ContainerStatus) -> Option<DateTime<Utc>> {
    cs.last_state
        .as_ref()?
        .terminated
        .as_ref()?
        .finished_at
        .as_ref()
        .map(to_utc)
}

fn later(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

static NO_STATE: ContainerState = ContainerState {
    waiting: None,
    running: None,
    terminated: None,
};

fn state(cs: &ContainerStatus) -> &ContainerState {
    cs.state.as_ref().unwrap_or(&NO_STATE)
}

fn condition_true(pod: &Pod, kind: &str) -> Option<bool> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == kind)
        .map(|c| c.status == "True")
}

/// READY, STATUS and RESTARTS of `kubectl get pods`.
pub fn pod_row(pod: &Pod) -> PodRow {
    let (no_spec, no_status) = (PodSpec::default(), PodStatus::default());
    let spec = pod.spec.as_ref().unwrap_or(&no_spec);
    let status = pod.status.as_ref().unwrap_or(&no_status);
    let phase = status.phase.as_deref().unwrap_or_default();
    let mut reason = nonempty(&status.reason).unwrap_or(phase).to_string();

    let gated = status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"));
    if gated {
        reason = "SchedulingGated".into();
    }

    let init_specs = spec.init_containers.as_deref().unwrap_or_default();
    let init_spec = |name: &str| init_specs.iter().find(|c| c.name == name);
    let total = spec.containers.len() as u32
        + init_specs
            .iter()
            .filter(|c| is_restartable(Some(c)))
            .count() as u32;
    let mut ready = 0u32;
    let mut restarts = 0u32;
    let mut last_restart = None;
    let mut sidecar_restarts = 0u32;
    let mut sidecar_last = None;

    let mut initializing = false;
    let init_statuses = status
        .init_container_statuses
        .as_deref()
        .unwrap_or_default();
    for (i, cs) in init_statuses.iter().enumerate() {
        let count = cs.restart_count.max(0) as u32;
        restarts += count;
        last_restart = later(last_restart, terminated_at(cs));
        let sidecar = is_restartable(init_spec(&cs.name));
        if sidecar {
            sidecar_restarts += count;
            sidecar_last = later(sidecar_last, terminated_at(cs));
        }
        let st = state(cs);
        if let Some(t) = &st.terminated
            && t.exit_code == 0
        {
            continue;
        }
        if sidecar && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = &st.terminated {
            // Initialisation failed.
            reason = match nonempty(&t.reason) {
                Some(r) => format!("Init:{r}"),
                None => match t.signal {
                    Some(sig) if sig != 0 => format!("Init:Signal:{sig}"),
                    _ => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
        } else if let Some(w) = st
            .waiting
            .as_ref()
            .and_then(|w| nonempty(&w.reason))
            .filter(|r| *r != "PodInitializing")
        {
            reason = format!("Init:{w}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }

    if !initializing || condition_true(pod, "Initialized") == Some(true) {
        restarts = sidecar_restarts;
        last_restart = sidecar_last;
        let mut has_running = false;
        // Backwards, so the first container's state is the one that shows.
        for cs in status.container_statuses.iter().flatten().rev() {
            restarts += cs.restart_count.max(0) as u32;
            last_restart = later(last_restart, terminated_at(cs));
            let st = state(cs);
            let waiting = st.waiting.as_ref().and_then(|w| nonempty(&w.reason));
            if let Some(w) = waiting {
                reason = w.to_string();
            } else if let Some(t) = &st.terminated {
                reason = match nonempty(&t.reason) {
                    Some(r) => r.to_string(),
                    None => match t.signal {
                        Some(sig) if sig != 0 => format!("Signal:{sig}"),
                        _ => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if cs.ready && st.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        // Some container still runs: the pod is not "Completed".
        if reason == "Completed" && has_running {
            reason = if condition_true_ready(pod) {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if status.reason.as_deref() == Some(NODE_LOST) {
            reason = "Unknown".into();
        } else if phase != "Failed" && phase != "Succeeded" {
            reason = "Terminating".into();
        }
    }

    PodRow {
        ready,
        total,
        status: reason,
        restarts,
        last_restart: if restarts == 0 { None } else { last_restart },
    }
}

/// Any `Ready` condition that is true (kubectl looks at all of them).
fn condition_true_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

#[cfg(test)]
mod tests;
