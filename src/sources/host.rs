//! The real host's CPU, memory, load and disk, sampled with sysinfo on a
//! thread of its own (sysinfo reads /proc synchronously).

use crate::msg::Msg;
use crate::state::HostSnapshot;
use std::time::Duration;
use sysinfo::{CpuRefreshKind, Disks, MemoryRefreshKind, RefreshKind, System};
use tokio::sync::mpsc::UnboundedSender;

pub const INTERVAL: Duration = Duration::from_secs(3);

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

fn run(tx: &UnboundedSender<Msg>) -> Result<(), String> {
    let mut sys = System::new_with_specifics(
        RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing().with_usage())
            .with_memory(MemoryRefreshKind::nothing().with_ram()),
    )
    .map_err(|e| format!("cannot read host figures: {e}"))?;
    let mut disks =
        Disks::new_with_refreshed_list().map_err(|e| format!("cannot list disks: {e}"))?;
    let hostname = System::host_name().unwrap_or_else(|_| "host".into());
    // CPU usage needs two samples some time apart.
    std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
    let mut n: u64 = 0;
    loop {
        sys.refresh_cpu_usage();
        sys.refresh_memory();
        if n.is_multiple_of(10) {
            disks.refresh(true);
        }
        n += 1;
        let load = System::load_average().map_or([0.0; 3], |l| [l.one, l.five, l.fifteen]);
        // The disk holding the state: `/` when nothing more specific.
        let disk = disks
            .iter()
            .filter(|d| d.total_space() > 0)
            .find(|d| d.mount_point() == std::path::Path::new("/"))
            .or_else(|| disks.iter().find(|d| d.total_space() > 0));
        let snap = HostSnapshot {
            hostname: hostname.clone(),
            cpu_percent: sys.global_cpu_usage(),
            cpus: sys.cpus().len(),
            mem_used: sys.used_memory(),
            mem_total: sys.total_memory(),
            load,
            disk_used: disk.map_or(0, |d| d.total_space() - d.available_space()),
            disk_total: disk.map_or(0, |d| d.total_space()),
            disk_mount: disk.map_or_else(String::new, |d| d.mount_point().display().to_string()),
        };
        if tx.send(Msg::Host(snap)).is_err() {
            return Ok(()); // the cockpit is gone
        }
        std::thread::sleep(INTERVAL);
    }
}
