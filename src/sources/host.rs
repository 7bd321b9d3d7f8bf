//! The real host's CPU (total and per core), memory, swap, load, disks and
//! network rates, sampled every few seconds on a thread of its own (the
//! reads are synchronous): CPU, memory, load and network from `/proc`
//! files kept open (`procfs`), disks with sysinfo; inside a container, the
//! cgroup limits too (v2, or v1 on older hosts), so the pane shows the
//! real headroom.

use super::cgroup;
use super::procfs::{self, CpuTimes, ProcFile};
use crate::msg::Msg;
use crate::state::HostSnapshot;
use crate::state::observed::{CgroupUse, DiskUse};
use std::path::Path;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};
use sysinfo::Disks;

/// Between two samples: often enough for a 10-minute threshold, rare
/// enough that an idle cockpit costs nothing measurable.
pub const INTERVAL: Duration = Duration::from_secs(3);

/// Between the first two readings of the CPU counters at start.
const FIRST_CPU_GAP: Duration = Duration::from_millis(200);

/// Disks are listed again every this many samples (mounts rarely change).
const DISK_EVERY: u64 = 10;

/// The most disks the pane lists.
pub const MAX_DISKS: usize = 6;

/// Samples on `tx`, the loop's paced channel: a sample waits for the next
/// tick (a second, five with `--low-bandwidth`) rather than waking the
/// loop on its own.
pub fn spawn(tx: Sender<Msg>) {
    let spawned = std::thread::Builder::new()
        .name("host-sampler".into())
        .spawn(move || {
            if let Err(e) = run(Path::new("/proc"), INTERVAL, &tx) {
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

/// Bytes received and sent by every interface but loopback, in total, from
/// the text of `/proc/net/dev`: one read for all interfaces, where sysinfo
/// opens nine files per interface and asks netlink for addresses, every
/// sample. `None` when no interface line can be read.
pub fn net_totals(proc_net_dev: &str) -> Option<(u64, u64)> {
    let mut any = false;
    let mut totals = (0u64, 0u64);
    // Two header lines, then `name: rx_bytes rx_packets … tx_bytes …`
    // (old kernels write the name and the first figure without a space).
    for line in proc_net_dev.lines().skip(2) {
        let Some((name, figures)) = line.split_once(':') else {
            continue;
        };
        let figures: Vec<u64> = figures
            .split_whitespace()
            .map_while(|f| f.parse().ok())
            .collect();
        if figures.len() < 9 {
            continue;
        }
        any = true;
        if name.trim() != "lo" {
            totals.0 = totals.0.saturating_add(figures[0]);
            totals.1 = totals.1.saturating_add(figures[8]);
        }
    }
    any.then_some(totals)
}

/// Where this process's cgroup (v2 or v1) files are, if it is limited at
/// all.
fn cgroup_dir() -> Option<cgroup::Cgroup> {
    let proc_cgroup = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let at = cgroup::locate(Path::new("/sys/fs/cgroup"), &proc_cgroup)?;
    cgroup::read(&at).limited().then_some(at)
}

/// The `/proc` files a sample reads, kept open.
struct Files {
    stat: ProcFile,
    meminfo: ProcFile,
    loadavg: ProcFile,
    net_dev: Option<ProcFile>,
}

impl Files {
    /// The files under `proc` (`/proc`; another directory in the tests).
    fn open(proc: &Path) -> Result<Self, String> {
        let open = |name: &str| {
            let p = proc.join(name);
            ProcFile::open(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        };
        Ok(Self {
            stat: open("stat")?,
            meminfo: open("meminfo")?,
            loadavg: open("loadavg")?,
            // Network figures are optional (a sandbox may hide them).
            net_dev: ProcFile::open(proc.join("net/dev")).ok(),
        })
    }

    fn cpu(&mut self) -> Result<(CpuTimes, Vec<CpuTimes>), String> {
        let text = self
            .stat
            .read()
            .map_err(|e| format!("cannot read /proc/stat: {e}"))?;
        procfs::cpu_times(text).ok_or_else(|| "no cpu line in /proc/stat".to_string())
    }

    fn memory(&mut self) -> Result<procfs::Memory, String> {
        let text = self
            .meminfo
            .read()
            .map_err(|e| format!("cannot read /proc/meminfo: {e}"))?;
        procfs::memory(text).ok_or_else(|| "no MemTotal in /proc/meminfo".to_string())
    }

    fn net(&mut self) -> Option<(u64, u64)> {
        net_totals(self.net_dev.as_mut()?.read().ok()?)
    }
}

/// Samples `proc`'s files every `interval` until the cockpit is gone; an
/// error only when nothing can be sampled at all.
fn run(proc: &Path, interval: Duration, tx: &Sender<Msg>) -> Result<(), String> {
    let mut files = Files::open(proc)?;
    let mut disks =
        Disks::new_with_refreshed_list().map_err(|e| format!("cannot list disks: {e}"))?;
    let hostname = sysinfo::System::host_name().unwrap_or_else(|_| "host".into());
    let cg_dir = cgroup_dir();
    let mut last_net: Option<((u64, u64), Instant)> = files.net().map(|t| (t, Instant::now()));
    let mut last_cpu: Option<(u64, Instant)> = None;
    // CPU usage needs two readings some time apart.
    let mut cpu_before = files.cpu()?;
    std::thread::sleep(FIRST_CPU_GAP);
    let mut n: u64 = 0;
    loop {
        // A sample that cannot be read says so (the pane shows the error
        // until the next one is read) and the sampler goes on.
        let read = files.cpu().and_then(|cpu| Ok((cpu, files.memory()?)));
        let (cpu_now, mem) = match read {
            Ok(r) => r,
            Err(e) => {
                if tx.send(Msg::HostUnavailable(e)).is_err() {
                    return Ok(()); // the cockpit is gone
                }
                std::thread::sleep(interval);
                continue;
            }
        };
        let cpu_percent = cpu_now.0.usage_since(&cpu_before.0);
        let cores: Vec<f32> = cpu_now
            .1
            .iter()
            .zip(&cpu_before.1)
            .map(|(now, before)| now.usage_since(before))
            .collect();
        let cpus = cpu_now.1.len();
        cpu_before = cpu_now;
        if n > 0 && n.is_multiple_of(DISK_EVERY) {
            disks.refresh(true);
        }
        n += 1;
        let load = files
            .loadavg
            .read()
            .ok()
            .and_then(procfs::load)
            .unwrap_or([0.0; 3]);
        let (mut net_rx, mut net_tx) = (None, None);
        if let Some(totals) = files.net() {
            let now = Instant::now();
            if let Some(((r0, t0), at)) = last_net {
                let secs = now.duration_since(at).as_secs_f64();
                if secs > 0.0 {
                    net_rx = Some(totals.0.saturating_sub(r0) as f64 / secs);
                    net_tx = Some(totals.1.saturating_sub(t0) as f64 / secs);
                }
            }
            last_net = Some((totals, now));
        }
        let cgroup = cg_dir.as_ref().map(|at| {
            let r = cgroup::read(at);
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
            cpu_percent,
            cpus,
            cores,
            mem_used: mem.used,
            mem_total: mem.total,
            swap_used: mem.swap_used,
            swap_total: mem.swap_total,
            load,
            disks: disks_of(&disks),
            net_rx,
            net_tx,
            cgroup,
        };
        if tx.send(Msg::Host(snap)).is_err() {
            return Ok(()); // the cockpit is gone
        }
        std::thread::sleep(interval);
    }
}

#[cfg(test)]
mod tests {
    use super::net_totals;
    use crate::msg::Msg;
    use std::time::Duration;

    /// A sample that cannot be read is said (`HostUnavailable`, which the
    /// pane shows) and the sampler goes on: once the file reads again, so
    /// do the samples. The files are a stand-in for `/proc`, rewritten in
    /// place (the sampler keeps them open).
    #[test]
    fn a_sample_that_cannot_be_read_is_said_and_sampling_goes_on() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let p = dir.path();
        let stat = |busy: u64| {
            format!("cpu  {busy} 0 0 1000 0 0 0 0 0 0\ncpu0 {busy} 0 0 1000 0 0 0 0 0 0\n")
        };
        std::fs::write(p.join("stat"), stat(100)).expect("stat");
        std::fs::write(
            p.join("meminfo"),
            "MemTotal: 1000 kB\nMemAvailable: 600 kB\n",
        )
        .expect("meminfo");
        std::fs::write(p.join("loadavg"), "0.50 0.40 0.30 1/100 42\n").expect("loadavg");
        let (tx, rx) = std::sync::mpsc::channel();
        let proc = p.to_path_buf();
        std::thread::spawn(move || super::run(&proc, Duration::from_millis(20), &tx));
        let next = || {
            rx.recv_timeout(Duration::from_secs(5))
                .expect("a sample within 5 s")
        };
        let Msg::Host(first) = next() else {
            panic!("a sample first")
        };
        assert_eq!(first.mem_used, 400 * 1024);
        assert_eq!(first.load, [0.5, 0.4, 0.3]);
        assert_eq!(first.cpus, 1);
        std::fs::write(p.join("stat"), "intr 1 2 3\n").expect("a stat without cpus");
        let said = loop {
            match next() {
                Msg::HostUnavailable(e) => break e,
                Msg::Host(_) => {}
                other => panic!("{other:?}"),
            }
        };
        assert!(said.contains("stat"), "{said}");
        // Against the last good reading: 100 busy ticks, none idle.
        std::fs::write(p.join("stat"), stat(200)).expect("stat again");
        let again = loop {
            match next() {
                Msg::Host(h) => break h,
                Msg::HostUnavailable(_) => {}
                other => panic!("{other:?}"),
            }
        };
        assert!(
            (again.cpu_percent - 100.0).abs() < 1e-3,
            "{}",
            again.cpu_percent
        );
    }

    const SAMPLE: &str = "\
Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 56479479   31853    0    0    0     0          0         0 56479479   31853    0    0    0     0       0          0
  ifb0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
  eth0: 314341084   17522    0    0    0     0          0         0  1074691   10988    0    0    0     0       0          0
 wlan0:1000 2 0 0 0 0 0 0 500 1 0 0 0 0 0 0
";

    #[test]
    fn sums_every_interface_but_loopback() {
        assert_eq!(
            net_totals(SAMPLE),
            Some((314_341_084 + 1000, 1_074_691 + 500))
        );
    }

    #[test]
    fn loopback_alone_is_zero_not_unknown() {
        let lo_only: String = SAMPLE.lines().take(3).map(|l| format!("{l}\n")).collect();
        assert_eq!(net_totals(&lo_only), Some((0, 0)));
    }

    #[test]
    fn unreadable_text_is_unknown() {
        assert_eq!(net_totals(""), None);
        assert_eq!(net_totals("a\nb\neth0: 1 2 3\nnonsense\n"), None);
    }
}
