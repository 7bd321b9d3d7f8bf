//! The real host's CPU (total and per core), memory, swap, load, disks and
//! network rates, sampled with sysinfo every few seconds on a thread of its
//! own (sysinfo reads /proc synchronously); inside a container, the cgroup
//! v2 limits too, so the pane shows the real headroom.

use super::cgroup;
use crate::msg::Msg;
use crate::state::HostSnapshot;
use crate::state::observed::{CgroupUse, DiskUse};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use sysinfo::{CpuRefreshKind, Disks, MemoryRefreshKind, Networks, RefreshKind, System};
use tokio::sync::mpsc::UnboundedSender;

/// Between two samples: often enough for a 10-minute threshold, rare
/// enough that an idle cockpit costs nothing measurable.
pub const INTERVAL: Duration = Duration::from_secs(3);

/// Disks are listed again every this many samples (mounts rarely change).
const DISK_EVERY: u64 = 10;

/// The most disks the pane lists.
pub const MAX_DISKS: usize = 6;

pub fn spawn(tx: UnboundedSender<Msg>) {
    let spawned = std::thread::Builder::new()
        .name("host-sampler".into())
        .spawn(move || {
            if let Err(e) = run(&tx) {
                let _ = tx.send(Msg::HostUnavailable(e));
            }
        });
    if let Err(e) = spawned {
        eprintln!("host sampler could not start: {e}");
    }
}

/// File systems that are not storage anyone runs out of.
fn pseudo_fs(fs: &str) -> bool {
    matches!(
        fs,
        "tmpfs"
            | "devtmpfs"
            | "squashfs"
            | "ramfs"
            | "proc"
            | "sysfs"
            | "cgroup"
            | "cgroup2"
            | "devpts"
            | "mqueue"
            | "autofs"
            | "overlay-tmp"
            | "nsfs"
            | "tracefs"
            | "efivarfs"
    )
}

fn disks_of(disks: &Disks) -> Vec<DiskUse> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out: Vec<DiskUse> = disks
        .iter()
        .filter(|d| d.total_space() > 0)
        .filter(|d| !pseudo_fs(&d.file_system().to_string_lossy()))
        // The same device mounted twice (bind mounts) counts once.
        .filter(|d| seen.insert((d.name().to_os_string(), d.total_space())))
        .map(|d| DiskUse {
            mount: d.mount_point().display().to_string(),
            used: d.total_space().saturating_sub(d.available_space()),
            total: d.total_space(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.percent()
            .total_cmp(&a.percent())
            .then(a.mount.cmp(&b.mount))
    });
    out.truncate(MAX_DISKS);
    out
}

/// Bytes received and sent by every interface but loopback, in total.
fn net_totals(n: &Networks) -> (u64, u64) {
    n.iter()
        .filter(|(name, _)| name.to_string_lossy() != "lo")
        .fold((0, 0), |(r, t), (_, d)| {
            (r + d.total_received(), t + d.total_transmitted())
        })
}

/// Where this process's cgroup v2 files are, if it is limited at all.
fn cgroup_dir() -> Option<PathBuf> {
    let proc_cgroup = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let dir = cgroup::locate(Path::new("/sys/fs/cgroup"), &proc_cgroup)?;
    cgroup::read(&dir).limited().then_some(dir)
}

fn run(tx: &UnboundedSender<Msg>) -> Result<(), String> {
    let mut sys = System::new_with_specifics(
        RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing().with_usage())
            .with_memory(MemoryRefreshKind::nothing().with_ram().with_swap()),
    )
    .map_err(|e| format!("cannot read host figures: {e}"))?;
    let mut disks =
        Disks::new_with_refreshed_list().map_err(|e| format!("cannot list disks: {e}"))?;
    let mut networks = Networks::new_with_refreshed_list().ok();
    let hostname = System::host_name().unwrap_or_else(|_| "host".into());
    let cg_dir = cgroup_dir();
    let mut last_net: Option<((u64, u64), Instant)> =
        networks.as_ref().map(|n| (net_totals(n), Instant::now()));
    let mut last_cpu: Option<(u64, Instant)> = None;
    // CPU usage needs two samples some time apart.
    std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
    let mut n: u64 = 0;
    loop {
        sys.refresh_cpu_usage();
        sys.refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram().with_swap());
        if n > 0 && n.is_multiple_of(DISK_EVERY) {
            disks.refresh(true);
        }
        n += 1;
        let load = System::load_average().map_or([0.0; 3], |l| [l.one, l.five, l.fifteen]);
        let (mut net_rx, mut net_tx) = (None, None);
        if let Some(nets) = networks.as_mut() {
            nets.refresh(true);
            let now = Instant::now();
            let totals = net_totals(nets);
            if let Some(((r0, t0), at)) = last_net {
                let secs = now.duration_since(at).as_secs_f64();
                if secs > 0.0 {
                    net_rx = Some(totals.0.saturating_sub(r0) as f64 / secs);
                    net_tx = Some(totals.1.saturating_sub(t0) as f64 / secs);
                }
            }
            last_net = Some((totals, now));
        }
        let cgroup = cg_dir.as_deref().map(|dir| {
            let r = cgroup::read(dir);
            let now = Instant::now();
            let pct = match (r.cpu_usage_usec, last_cpu, r.cpu_limit) {
                (Some(u), Some((u0, at)), Some(limit)) => {
                    cgroup::cpu_percent_of_limit(u0, u, now.duration_since(at), limit)
                }
                _ => None,
            };
            if let Some(u) = r.cpu_usage_usec {
                last_cpu = Some((u, now));
            }
            CgroupUse {
                memory_max: r.memory_max,
                memory_current: r.memory_current,
                cpu_limit: r.cpu_limit,
                cpu_percent_of_limit: pct,
            }
        });
        let snap = HostSnapshot {
            hostname: hostname.clone(),
            cpu_percent: sys.global_cpu_usage(),
            cpus: sys.cpus().len(),
            cores: sys.cpus().iter().map(|c| c.usage()).collect(),
            mem_used: sys.used_memory(),
            mem_total: sys.total_memory(),
            swap_used: sys.used_swap(),
            swap_total: sys.total_swap(),
            load,
            disks: disks_of(&disks),
            net_rx,
            net_tx,
            cgroup,
        };
        if tx.send(Msg::Host(snap)).is_err() {
            return Ok(()); // the cockpit is gone
        }
        std::thread::sleep(INTERVAL);
    }
}
