//! A container's real headroom: the cgroup v2 limits of this process
//! (`memory.max`, `cpu.max`) and its use (`memory.current`, `cpu.stat`),
//! read from `/sys/fs/cgroup`. On a machine without limits (the root
//! cgroup, or "max" everywhere) there is nothing to show.

use std::path::{Path, PathBuf};

/// `memory.max`: bytes, or `None` for "max" (no limit).
pub fn parse_memory_max(text: &str) -> Result<Option<u64>, String> {
    let t = text.trim();
    if t == "max" {
        return Ok(None);
    }
    t.parse::<u64>()
        .map(Some)
        .map_err(|_| format!("bad memory.max {t:?} (expected bytes or \"max\")"))
}

/// `cpu.max` (`"$QUOTA $PERIOD"`, quota "max" for none): the limit in
/// cores, or `None` without a limit.
pub fn parse_cpu_max(text: &str) -> Result<Option<f64>, String> {
    let t = text.trim();
    let mut it = t.split_whitespace();
    let quota = it.next().ok_or_else(|| "empty cpu.max".to_string())?;
    let period = it.next().unwrap_or("100000");
    if it.next().is_some() {
        return Err(format!("bad cpu.max {t:?} (expected \"QUOTA PERIOD\")"));
    }
    if quota == "max" {
        return Ok(None);
    }
    let q: u64 = quota
        .parse()
        .map_err(|_| format!("bad cpu.max quota {quota:?}"))?;
    let p: u64 = period
        .parse()
        .map_err(|_| format!("bad cpu.max period {period:?}"))?;
    if p == 0 {
        return Err("bad cpu.max: a period of 0".into());
    }
    Ok(Some(q as f64 / p as f64))
}

/// `usage_usec` from `cpu.stat`.
pub fn parse_cpu_usage_usec(text: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let mut it = l.split_whitespace();
        (it.next()? == "usage_usec")
            .then(|| it.next()?.parse().ok())
            .flatten()
    })
}

/// This process's cgroup v2 path from `/proc/self/cgroup` (`0::/path`).
pub fn parse_proc_cgroup(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("0::"))
        .map(|p| p.trim().to_string())
}

/// Where this process's cgroup v2 files are, under `root`
/// (`/sys/fs/cgroup`, or its `unified` mount on hybrid hosts).
pub fn locate(root: &Path, proc_cgroup: &str) -> Option<PathBuf> {
    let rel = parse_proc_cgroup(proc_cgroup)?;
    let rel = rel.trim_start_matches('/');
    let candidates = [
        root.join(rel),
        root.join("unified").join(rel),
        // Inside a cgroup namespace the path is "/" and the files are at
        // the mount's top.
        root.to_path_buf(),
        root.join("unified"),
    ];
    candidates
        .into_iter()
        .find(|d| d.join("memory.max").exists() || d.join("cpu.max").exists())
}

/// One reading of the limits and use.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reading {
    pub memory_max: Option<u64>,
    pub memory_current: Option<u64>,
    pub cpu_limit: Option<f64>,
    pub cpu_usage_usec: Option<u64>,
}

impl Reading {
    /// Whether there is a limit worth showing.
    pub fn limited(&self) -> bool {
        self.memory_max.is_some() || self.cpu_limit.is_some()
    }
}

pub fn read(dir: &Path) -> Reading {
    let file = |n: &str| std::fs::read_to_string(dir.join(n)).ok();
    Reading {
        memory_max: file("memory.max").and_then(|t| parse_memory_max(&t).ok().flatten()),
        memory_current: file("memory.current").and_then(|t| t.trim().parse().ok()),
        cpu_limit: file("cpu.max").and_then(|t| parse_cpu_max(&t).ok().flatten()),
        cpu_usage_usec: file("cpu.stat").and_then(|t| parse_cpu_usage_usec(&t)),
    }
}

/// CPU used between two readings as a percentage of the limit.
pub fn cpu_percent_of_limit(
    before: u64,
    after: u64,
    elapsed: std::time::Duration,
    limit_cores: f64,
) -> Option<f64> {
    let secs = elapsed.as_secs_f64();
    if secs <= 0.0 || limit_cores <= 0.0 || after < before {
        return None;
    }
    let used_cores = (after - before) as f64 / 1e6 / secs;
    Some(used_cores * 100.0 / limit_cores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_max_bytes_or_max() {
        assert_eq!(parse_memory_max("536870912\n"), Ok(Some(536_870_912)));
        assert_eq!(parse_memory_max("max\n"), Ok(None));
        assert!(parse_memory_max("lots").is_err());
    }

    #[test]
    fn cpu_max_quota_over_period_or_max() {
        assert_eq!(parse_cpu_max("200000 100000\n"), Ok(Some(2.0)));
        assert_eq!(parse_cpu_max("50000 100000"), Ok(Some(0.5)));
        assert_eq!(parse_cpu_max("max 100000\n"), Ok(None));
        assert_eq!(parse_cpu_max("150000"), Ok(Some(1.5)));
        assert!(parse_cpu_max("").is_err());
        assert!(parse_cpu_max("x 100000").is_err());
        assert!(parse_cpu_max("100 0").is_err());
        assert!(parse_cpu_max("1 2 3").is_err());
    }

    #[test]
    fn cpu_stat_and_proc_cgroup() {
        let stat = "usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\n";
        assert_eq!(parse_cpu_usage_usec(stat), Some(123_456));
        assert_eq!(parse_cpu_usage_usec("user_usec 1\n"), None);
        let hybrid = "4:memory:/x\n1:cpu:/\n0::/kubepods/pod1/c1\n";
        assert_eq!(
            parse_proc_cgroup(hybrid).as_deref(),
            Some("/kubepods/pod1/c1")
        );
        assert_eq!(parse_proc_cgroup("4:memory:/x\n"), None);
    }

    #[test]
    fn usage_against_the_limit() {
        // 1.5 s of CPU in 1 s with a 2-core limit: 75 %.
        let p = cpu_percent_of_limit(0, 1_500_000, std::time::Duration::from_secs(1), 2.0);
        assert_eq!(p, Some(75.0));
        assert_eq!(
            cpu_percent_of_limit(10, 5, std::time::Duration::from_secs(1), 2.0),
            None
        );
    }

    #[test]
    fn a_pods_files_are_found_and_read() {
        let dir = tempfile::tempdir().unwrap();
        let pod = dir.path().join("kubepods/pod1");
        std::fs::create_dir_all(&pod).unwrap();
        std::fs::write(pod.join("memory.max"), "1073741824\n").unwrap();
        std::fs::write(pod.join("memory.current"), "268435456\n").unwrap();
        std::fs::write(pod.join("cpu.max"), "max 100000\n").unwrap();
        std::fs::write(pod.join("cpu.stat"), "usage_usec 42\n").unwrap();
        let at = locate(dir.path(), "0::/kubepods/pod1\n").unwrap();
        assert_eq!(at, pod);
        let r = read(&at);
        assert_eq!(
            r,
            Reading {
                memory_max: Some(1 << 30),
                memory_current: Some(1 << 28),
                cpu_limit: None,
                cpu_usage_usec: Some(42),
            }
        );
        assert!(r.limited());
        // Namespaced: "0::/" and the files at the top.
        let ns = tempfile::tempdir().unwrap();
        std::fs::write(ns.path().join("cpu.max"), "100000 100000\n").unwrap();
        assert_eq!(locate(ns.path(), "0::/\n").unwrap(), ns.path());
        assert!(read(ns.path()).memory_max.is_none());
        // No cgroup v2 line, or no files: nothing.
        assert_eq!(locate(ns.path(), "1:cpu:/\n"), None);
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(locate(empty.path(), "0::/\n"), None);
    }
}
