//! The host's CPU, memory and load from `/proc`, each file kept open and
//! read again from its start every sample: one `pread` a file where
//! opening it anew (sysinfo's way) costs an open, a stat, a seek, two
//! reads and a close, every sample. The kernel writes a `/proc` file's
//! text anew when it is read from offset 0, so the figures are fresh.
//!
//! The parsers are pure (text in, figures out) and tested on their own.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// A `/proc` file kept open, read whole from its start on each `read`.
pub struct ProcFile {
    file: File,
    buf: Vec<u8>,
}

impl ProcFile {
    pub fn open(path: impl AsRef<Path>) -> io::Result<Self> {
        Ok(Self {
            file: File::open(path)?,
            buf: vec![0; 4096],
        })
    }

    /// The file's text now. Read until the kernel says the end (a read of
    /// nothing): a `/proc` file may hand out less than asked before its
    /// end (it stops at a line that does not fit). The buffer grows to the
    /// file's size once and stays, so a sample is one read and the empty
    /// one after it.
    pub fn read(&mut self) -> io::Result<&str> {
        let mut len = 0;
        loop {
            if len == self.buf.len() {
                self.buf.resize(len * 2, 0);
            }
            match self.file.read_at(&mut self.buf[len..], len as u64) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        std::str::from_utf8(&self.buf[..len])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

/// One CPU's time counters (`/proc/stat`, in clock ticks since boot).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuTimes {
    /// Not idle: user, nice, system, irq, softirq (guest time is already
    /// in user and nice) and steal, the time the hypervisor gave another
    /// guest while this one had work: a VM starved by a noisy neighbour
    /// shows busy, as htop and sysinfo show it.
    pub busy: u64,
    /// Idle and waiting for I/O.
    pub idle: u64,
}

impl CpuTimes {
    /// Per cent busy between `before` and now, 0-100; 0 when no time
    /// passed (or the counters went back, as after a CPU came online).
    pub fn usage_since(&self, before: &CpuTimes) -> f32 {
        let busy = self.busy.saturating_sub(before.busy);
        let total = busy + self.idle.saturating_sub(before.idle);
        if total == 0 {
            return 0.0;
        }
        (busy as f64 * 100.0 / total as f64).clamp(0.0, 100.0) as f32
    }
}

/// All CPUs together, then each CPU in order, from the text of
/// `/proc/stat` (`cpu  user nice system idle iowait irq softirq steal …`,
/// then `cpu0 …`, `cpu1 …`). `None` without the `cpu` line.
pub fn cpu_times(proc_stat: &str) -> Option<(CpuTimes, Vec<CpuTimes>)> {
    let mut all = None;
    let mut each = Vec::new();
    for line in proc_stat.lines() {
        let Some(rest) = line.strip_prefix("cpu") else {
            // The cpu lines come first: the rest (interrupts, …) is not read.
            if all.is_some() {
                break;
            }
            continue;
        };
        let mut words = rest.split_whitespace();
        let name = if rest.starts_with(char::is_whitespace) {
            None
        } else {
            words.next()
        };
        let f: Vec<u64> = words.map_while(|w| w.parse().ok()).collect();
        // user nice system idle at the least (iowait … since Linux 2.6).
        if f.len() < 4 {
            continue;
        }
        let at = |i: usize| f.get(i).copied().unwrap_or(0);
        let times = CpuTimes {
            busy: at(0) + at(1) + at(2) + at(5) + at(6) + at(7),
            idle: at(3) + at(4),
        };
        match name {
            None => all = Some(times),
            Some(n) if n.parse::<u32>().is_ok() => each.push(times),
            Some(_) => {}
        }
    }
    all.map(|a| (a, each))
}

/// Memory and swap from `/proc/meminfo`, in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Memory {
    pub total: u64,
    /// What programs hold: the total less what is available to them
    /// (`MemAvailable`: free memory and the caches the kernel would give
    /// back), as `free` and htop count it.
    pub used: u64,
    pub swap_total: u64,
    pub swap_used: u64,
}

/// `None` without `MemTotal`.
pub fn memory(meminfo: &str) -> Option<Memory> {
    let (mut total, mut available, mut free) = (None, None, None);
    let (mut swap_total, mut swap_free) = (0, 0);
    // Without MemAvailable: what the kernel could give back.
    let (mut buffers, mut cached, mut reclaimable, mut shmem) = (0u64, 0u64, 0u64, 0u64);
    for line in meminfo.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        // `MemTotal:       24683772 kB`
        let Some(kib) = value
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok())
        else {
            continue;
        };
        let bytes = kib.saturating_mul(1024);
        match name {
            "MemTotal" => total = Some(bytes),
            "MemAvailable" => available = Some(bytes),
            "MemFree" => free = Some(bytes),
            "SwapTotal" => swap_total = bytes,
            "SwapFree" => swap_free = bytes,
            "Buffers" => buffers = bytes,
            "Cached" => cached = bytes,
            "SReclaimable" => reclaimable = bytes,
            "Shmem" => shmem = bytes,
            _ => {}
        }
    }
    let total = total?;
    // Kernels before 3.14 (and some container views of /proc) have no
    // MemAvailable: free memory and the caches the kernel would give back
    // (shared memory is in Cached but cannot be given back), as sysinfo
    // counts it there.
    let available = available.unwrap_or_else(|| {
        (free.unwrap_or(0) + buffers + cached + reclaimable).saturating_sub(shmem)
    });
    Some(Memory {
        total,
        used: total.saturating_sub(available),
        swap_total,
        swap_used: swap_total.saturating_sub(swap_free),
    })
}

/// The 1, 5 and 15-minute load averages from `/proc/loadavg`.
pub fn load(loadavg: &str) -> Option<[f64; 3]> {
    let mut w = loadavg.split_whitespace().map(|w| w.parse::<f64>().ok());
    Some([w.next()??, w.next()??, w.next()??])
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "\
cpu  2911937 321767 352700 6096500 1200 0 3300 500 0 0
cpu0 1455968 160883 176350 3048250 600 0 1650 250 0 0
cpu1 1455969 160884 176350 3048250 600 0 1650 250 0 0
intr 123456 0 9 0 0 0
ctxt 987654
cpu9 1 1 1 1
";

    #[test]
    fn cpu_lines_are_read_all_then_each_and_nothing_after() {
        let (all, each) = cpu_times(STAT).expect("cpu lines");
        assert_eq!(
            all,
            CpuTimes {
                busy: 2911937 + 321767 + 352700 + 3300 + 500,
                idle: 6096500 + 1200,
            }
        );
        assert_eq!(each.len(), 2, "the lines after `intr` are not CPUs");
        assert_eq!(each[1].busy, 1455969 + 160884 + 176350 + 1650 + 250);
    }

    #[test]
    fn usage_is_busy_over_all_time_between_two_readings() {
        let a = CpuTimes {
            busy: 100,
            idle: 300,
        };
        let b = CpuTimes {
            busy: 130,
            idle: 370,
        };
        // 30 busy of 100 ticks.
        assert!(
            (b.usage_since(&a) - 30.0).abs() < 1e-4,
            "{}",
            b.usage_since(&a)
        );
        assert_eq!(a.usage_since(&a), 0.0, "no time passed");
        assert_eq!(a.usage_since(&b), 0.0, "counters that went back");
    }

    /// A VM whose hypervisor gave 30 of 100 ticks to another guest while
    /// this one ran 60: 90 % busy, not 60 (a starved host must not look
    /// idle to a CPU threshold).
    #[test]
    fn stolen_time_counts_as_busy() {
        let before = cpu_times("cpu  100 0 0 100 0 0 0 100 0 0\n")
            .expect("read")
            .0;
        let after = cpu_times("cpu  160 0 0 110 0 0 0 130 0 0\n")
            .expect("read")
            .0;
        assert!(
            (after.usage_since(&before) - 90.0).abs() < 1e-4,
            "{}",
            after.usage_since(&before)
        );
    }

    #[test]
    fn old_kernels_with_four_figures_and_no_cpu_line_are_handled() {
        let (all, each) = cpu_times("cpu 10 0 5 85\ncpu0 10 0 5 85\n").expect("read");
        assert_eq!(all.busy, 15);
        assert_eq!(all.idle, 85);
        assert_eq!(each.len(), 1);
        assert_eq!(cpu_times("intr 1 2 3\n"), None);
        assert_eq!(cpu_times("cpu 1 2\n"), None, "too few figures");
    }

    #[test]
    fn memory_used_is_total_less_available_in_bytes() {
        let m = memory(
            "MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    600 kB\n\
             SwapTotal:       500 kB\nSwapFree:        400 kB\n",
        )
        .expect("read");
        assert_eq!(
            m,
            Memory {
                total: 1000 * 1024,
                used: 400 * 1024,
                swap_total: 500 * 1024,
                swap_used: 100 * 1024,
            }
        );
        let old = memory(
            "MemTotal: 1000 kB\nMemFree: 250 kB\nBuffers: 50 kB\nCached: 200 kB\n\
             SReclaimable: 30 kB\nShmem: 80 kB\n",
        )
        .expect("read");
        // Available: 250 free + 50 + 200 + 30 - 80 shared = 450.
        assert_eq!(old.used, 550 * 1024, "without MemAvailable, caches count");
        assert_eq!(memory("MemFree: 1 kB\n"), None);
    }

    #[test]
    fn load_is_the_first_three_figures() {
        assert_eq!(
            load("0.08 0.62 1.31 1/120 21160\n"),
            Some([0.08, 0.62, 1.31])
        );
        assert_eq!(load("0.08 x 1.31\n"), None);
        assert_eq!(load(""), None);
    }

    /// The kept file gives fresh text on every read: this thread's
    /// voluntary context switches grow across a sleep between two reads;
    /// and a file longer than the first buffer is read whole.
    #[test]
    fn a_kept_proc_file_reads_fresh_and_whole() {
        let mut f = ProcFile::open("/proc/thread-self/status").expect("/proc/thread-self/status");
        let switches = |t: &str| -> u64 {
            t.lines()
                .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
                .and_then(|v| v.trim().parse().ok())
                .expect("voluntary_ctxt_switches")
        };
        let before = switches(f.read().expect("read"));
        std::thread::sleep(std::time::Duration::from_millis(2));
        let after = switches(f.read().expect("read again"));
        assert!(after > before, "fresh figures: {before} then {after}");
        let mut maps = ProcFile::open("/proc/self/maps").expect("/proc/self/maps");
        let text = maps.read().expect("read").to_string();
        assert!(text.len() > 4096, "longer than the first buffer");
        assert!(text.ends_with('\n'), "whole lines to the end");
    }
}
