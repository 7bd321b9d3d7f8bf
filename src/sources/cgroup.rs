//! A container's real headroom: the cgroup limits of this process and its
//! use, read from `/sys/fs/cgroup`. cgroup v2 (`memory.max`,
//! `memory.current`, `cpu.max`, `cpu.stat`) is preferred when its files are
//! there (pure v2, or a hybrid host with v2 controllers); otherwise cgroup
//! v1 (`memory/memory.limit_in_bytes`, `memory.usage_in_bytes`,
//! `cpu/cpu.cfs_quota_us` over `cpu.cfs_period_us`, `cpuacct/cpuacct.usage`).
//! Either gives the same [`Reading`]. On a machine without limits (the root
//! cgroup, or "max" / -1 / a huge value everywhere) there is nothing to show.

use std::collections::BTreeMap;
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
    cores(quota, period, "max", ("cpu.max quota", "cpu.max period"))
}

/// A quota over a period in cores (v2's `cpu.max`, v1's `cpu.cfs_quota_us`
/// and `cpu.cfs_period_us`); `unlimited` is how the file says "no limit".
fn cores(
    quota: &str,
    period: &str,
    unlimited: &str,
    (quota_name, period_name): (&str, &str),
) -> Result<Option<f64>, String> {
    if quota == unlimited {
        return Ok(None);
    }
    let q: u64 = quota
        .parse()
        .map_err(|_| format!("bad {quota_name} {quota:?}"))?;
    let p: u64 = period
        .parse()
        .map_err(|_| format!("bad {period_name} {period:?}"))?;
    if p == 0 {
        return Err(format!("bad {period_name}: a period of 0"));
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

/// This process's cgroup v1 paths from `/proc/self/cgroup`
/// (`ID:CONTROLLERS:/path`, e.g. `3:cpu,cpuacct:/docker/abc`): controller →
/// path. The v2 line (`0::/path`, no controllers) is left out.
pub fn parse_proc_cgroup_v1(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let mut it = line.splitn(3, ':');
        let (Some(_id), Some(controllers), Some(path)) = (it.next(), it.next(), it.next()) else {
            continue;
        };
        for c in controllers.split(',').filter(|c| !c.is_empty()) {
            out.insert(c.to_string(), path.trim().to_string());
        }
    }
    out
}

/// `memory.limit_in_bytes` (v1): bytes, or `None` without a limit, which
/// the kernel writes as a huge value (e.g. 9223372036854771712): anything
/// from 2^62 up counts as none.
pub fn parse_memory_limit_in_bytes(text: &str) -> Result<Option<u64>, String> {
    let t = text.trim();
    let n: u64 = t
        .parse()
        .map_err(|_| format!("bad memory.limit_in_bytes {t:?} (expected bytes)"))?;
    Ok((n < 1 << 62).then_some(n))
}

/// `cpu.cfs_quota_us` over `cpu.cfs_period_us` (v1): the limit in cores,
/// or `None` for a quota of -1 (no limit).
pub fn parse_cfs_quota(quota: &str, period: &str) -> Result<Option<f64>, String> {
    cores(
        quota.trim(),
        period.trim(),
        "-1",
        ("cpu.cfs_quota_us", "cpu.cfs_period_us"),
    )
}

/// `cpuacct.usage` (v1, nanoseconds) in microseconds, like `usage_usec`.
pub fn parse_cpuacct_usage_usec(text: &str) -> Option<u64> {
    text.trim().parse::<u64>().ok().map(|ns| ns / 1000)
}

/// Where this process's cgroup files are.
#[derive(Clone, Debug, PartialEq)]
pub enum Cgroup {
    /// The cgroup v2 directory.
    V2(PathBuf),
    /// The cgroup v1 directory of each controller found.
    V1 {
        memory: Option<PathBuf>,
        cpu: Option<PathBuf>,
        cpuacct: Option<PathBuf>,
    },
}

/// Where this process's cgroup files are, under `root` (`/sys/fs/cgroup`):
/// v2 when its files exist, v1 otherwise, `None` when neither is found.
pub fn locate(root: &Path, proc_cgroup: &str) -> Option<Cgroup> {
    locate_v2(root, proc_cgroup)
        .map(Cgroup::V2)
        .or_else(|| locate_v1(root, proc_cgroup))
}

/// Where this process's cgroup v2 files are, under `root`
/// (`/sys/fs/cgroup`, or its `unified` mount on hybrid hosts).
fn locate_v2(root: &Path, proc_cgroup: &str) -> Option<PathBuf> {
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

/// Where this process's cgroup v1 files are: each controller under its
/// mount (`root/memory`, `root/cpu,cpuacct`, ...), at the process's path or,
/// inside a cgroup namespace or a container where that path is not there,
/// at the mount's top.
fn locate_v1(root: &Path, proc_cgroup: &str) -> Option<Cgroup> {
    let paths = parse_proc_cgroup_v1(proc_cgroup);
    let find = |controller: &str, mounts: &[&str], file: &str| -> Option<PathBuf> {
        let rel = paths.get(controller)?.trim_start_matches('/');
        let mounts: Vec<PathBuf> = mounts
            .iter()
            .map(|m| root.join(m))
            .filter(|m| m.is_dir())
            .collect();
        let at_path = mounts.iter().map(|m| m.join(rel));
        let at_top = mounts.iter().cloned();
        at_path.chain(at_top).find(|d| d.join(file).is_file())
    };
    let memory = find("memory", &["memory"], "memory.limit_in_bytes");
    let cpu = find(
        "cpu",
        &["cpu,cpuacct", "cpuacct,cpu", "cpu"],
        "cpu.cfs_quota_us",
    );
    let cpuacct = find(
        "cpuacct",
        &["cpu,cpuacct", "cpuacct,cpu", "cpuacct"],
        "cpuacct.usage",
    );
    (memory.is_some() || cpu.is_some() || cpuacct.is_some()).then_some(Cgroup::V1 {
        memory,
        cpu,
        cpuacct,
    })
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

/// One reading of the limits and use, wherever they are. Missing or bad
/// files give `None` for their figure.
pub fn read(cgroup: &Cgroup) -> Reading {
    match cgroup {
        Cgroup::V2(dir) => read_v2(dir),
        Cgroup::V1 {
            memory,
            cpu,
            cpuacct,
        } => read_v1(memory.as_deref(), cpu.as_deref(), cpuacct.as_deref()),
    }
}

fn read_file(dir: &Path, name: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(name)).ok()
}

fn read_v2(dir: &Path) -> Reading {
    let file = |n: &str| read_file(dir, n);
    Reading {
        memory_max: file("memory.max").and_then(|t| parse_memory_max(&t).ok().flatten()),
        memory_current: file("memory.current").and_then(|t| t.trim().parse().ok()),
        cpu_limit: file("cpu.max").and_then(|t| parse_cpu_max(&t).ok().flatten()),
        cpu_usage_usec: file("cpu.stat").and_then(|t| parse_cpu_usage_usec(&t)),
    }
}

fn read_v1(memory: Option<&Path>, cpu: Option<&Path>, cpuacct: Option<&Path>) -> Reading {
    let file = |dir: Option<&Path>, n: &str| dir.and_then(|d| read_file(d, n));
    let cpu_limit = match (
        file(cpu, "cpu.cfs_quota_us"),
        file(cpu, "cpu.cfs_period_us"),
    ) {
        (Some(q), Some(p)) => parse_cfs_quota(&q, &p).ok().flatten(),
        _ => None,
    };
    Reading {
        memory_max: file(memory, "memory.limit_in_bytes")
            .and_then(|t| parse_memory_limit_in_bytes(&t).ok().flatten()),
        memory_current: file(memory, "memory.usage_in_bytes").and_then(|t| t.trim().parse().ok()),
        cpu_limit,
        cpu_usage_usec: file(cpuacct, "cpuacct.usage").and_then(|t| parse_cpuacct_usage_usec(&t)),
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
        assert_eq!(at, Cgroup::V2(pod));
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
        let at = locate(ns.path(), "0::/\n").unwrap();
        assert_eq!(at, Cgroup::V2(ns.path().to_path_buf()));
        assert!(read(&at).memory_max.is_none());
        // No cgroup v2 line, or no files: nothing.
        assert_eq!(locate(ns.path(), "1:cpu:/\n"), None);
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(locate(empty.path(), "0::/\n"), None);
    }

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
    }

    /// A v1 cgroup's five files in `dir`.
    fn v1_files(dir: &Path, limit: &str, usage: &str, quota: &str, period: &str, acct: &str) {
        write(dir, "memory.limit_in_bytes", limit);
        write(dir, "memory.usage_in_bytes", usage);
        write(dir, "cpu.cfs_quota_us", quota);
        write(dir, "cpu.cfs_period_us", period);
        write(dir, "cpuacct.usage", acct);
    }

    #[test]
    fn v1_proc_cgroup_lines_map_controllers_to_paths() {
        let text = "12:name=systemd:/init.scope\n\
                    4:memory:/docker/abc\n\
                    3:cpu,cpuacct:/docker/abc\n\
                    junk\n\
                    0::/hybrid\n";
        let m = parse_proc_cgroup_v1(text);
        assert_eq!(m.get("memory").map(String::as_str), Some("/docker/abc"));
        assert_eq!(m.get("cpu").map(String::as_str), Some("/docker/abc"));
        assert_eq!(m.get("cpuacct").map(String::as_str), Some("/docker/abc"));
        assert_eq!(
            m.get("name=systemd").map(String::as_str),
            Some("/init.scope")
        );
        // The v2 line has no controller, and "junk" is not a line.
        assert_eq!(m.len(), 4);
        assert!(!m.contains_key(""));
        // Either order of the joined controllers; a path with a colon.
        let m = parse_proc_cgroup_v1("2:cpuacct,cpu:/x\n5:memory:/a:b\n");
        assert_eq!(m.get("cpu").map(String::as_str), Some("/x"));
        assert_eq!(m.get("cpuacct").map(String::as_str), Some("/x"));
        assert_eq!(m.get("memory").map(String::as_str), Some("/a:b"));
        // Pure v2: nothing for v1.
        assert!(parse_proc_cgroup_v1("0::/user.slice\n").is_empty());
    }

    #[test]
    fn v1_memory_limit_in_bytes_or_a_huge_value_for_none() {
        assert_eq!(
            parse_memory_limit_in_bytes("536870912\n"),
            Ok(Some(536_870_912))
        );
        assert_eq!(
            parse_memory_limit_in_bytes("9223372036854771712\n"),
            Ok(None)
        );
        assert_eq!(
            parse_memory_limit_in_bytes(&(1u64 << 62).to_string()),
            Ok(None)
        );
        assert_eq!(
            parse_memory_limit_in_bytes(&((1u64 << 62) - 1).to_string()),
            Ok(Some((1 << 62) - 1))
        );
        assert!(parse_memory_limit_in_bytes("lots").is_err());
        assert!(parse_memory_limit_in_bytes("-1").is_err());
        assert!(parse_memory_limit_in_bytes("").is_err());
    }

    #[test]
    fn v1_cfs_quota_over_period_or_minus_one_for_none() {
        assert_eq!(parse_cfs_quota("200000\n", "100000\n"), Ok(Some(2.0)));
        assert_eq!(parse_cfs_quota("50000", "100000"), Ok(Some(0.5)));
        assert_eq!(parse_cfs_quota("-1\n", "100000\n"), Ok(None));
        assert!(parse_cfs_quota("x", "100000").is_err());
        assert!(parse_cfs_quota("-2", "100000").is_err());
        assert!(parse_cfs_quota("100000", "").is_err());
        assert!(parse_cfs_quota("100000", "0").is_err());
    }

    #[test]
    fn v1_cpuacct_usage_nanoseconds_to_microseconds() {
        assert_eq!(parse_cpuacct_usage_usec("1500000000\n"), Some(1_500_000));
        assert_eq!(parse_cpuacct_usage_usec("999"), Some(0));
        assert_eq!(parse_cpuacct_usage_usec("soon"), None);
        assert_eq!(parse_cpuacct_usage_usec(""), None);
    }

    #[test]
    fn v1_tree_with_a_nested_path_is_found_and_read() {
        let root = tempfile::tempdir().unwrap();
        let cpu_mount = root.path().join("cpu,cpuacct");
        let mem_mount = root.path().join("memory");
        // The host's own figures at the mounts' top, to be passed over.
        v1_files(&cpu_mount, "1", "1", "1", "1", "1");
        v1_files(&mem_mount, "1", "1", "1", "1", "1");
        let cpu = cpu_mount.join("docker/abc");
        let mem = mem_mount.join("docker/abc");
        // Each controller's figures in its own mount only: the other
        // mount's files hold nonsense, so reading the wrong one shows.
        v1_files(&cpu, "x", "x", "150000\n", "100000\n", "2500000000\n");
        v1_files(&mem, "1073741824\n", "268435456\n", "x", "x", "x");
        let proc = "11:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n1:name=systemd:/\n";
        let at = locate(root.path(), proc).unwrap();
        assert_eq!(
            at,
            Cgroup::V1 {
                memory: Some(mem),
                cpu: Some(cpu.clone()),
                cpuacct: Some(cpu),
            }
        );
        let r = read(&at);
        assert_eq!(
            r,
            Reading {
                memory_max: Some(1 << 30),
                memory_current: Some(1 << 28),
                cpu_limit: Some(1.5),
                cpu_usage_usec: Some(2_500_000),
            }
        );
        assert!(r.limited());
    }

    #[test]
    fn v1_in_a_namespace_the_files_are_at_the_mounts_top() {
        let root = tempfile::tempdir().unwrap();
        // The other order of the joined controllers, and no "docker/abc"
        // under either mount.
        let cpu = root.path().join("cpuacct,cpu");
        let mem = root.path().join("memory");
        v1_files(&cpu, "x", "x", "50000\n", "100000\n", "1000000\n");
        v1_files(&mem, "536870912\n", "1048576\n", "x", "x", "x");
        let proc = "4:memory:/docker/abc\n2:cpuacct,cpu:/docker/abc\n";
        let at = locate(root.path(), proc).unwrap();
        assert_eq!(
            at,
            Cgroup::V1 {
                memory: Some(mem),
                cpu: Some(cpu.clone()),
                cpuacct: Some(cpu),
            }
        );
        assert_eq!(
            read(&at),
            Reading {
                memory_max: Some(512 << 20),
                memory_current: Some(1 << 20),
                cpu_limit: Some(0.5),
                cpu_usage_usec: Some(1000),
            }
        );
        // Separate "cpu" and "cpuacct" mounts, path "/".
        let split = tempfile::tempdir().unwrap();
        write(&split.path().join("cpu"), "cpu.cfs_quota_us", "-1\n");
        write(&split.path().join("cpuacct"), "cpuacct.usage", "7000\n");
        let at = locate(split.path(), "3:cpu:/\n2:cpuacct:/\n").unwrap();
        assert_eq!(
            at,
            Cgroup::V1 {
                memory: None,
                cpu: Some(split.path().join("cpu")),
                cpuacct: Some(split.path().join("cpuacct")),
            }
        );
        assert_eq!(read(&at).cpu_usage_usec, Some(7));
        // No controller line for a mount, or no mount: nothing.
        assert_eq!(locate(split.path(), "4:memory:/\n"), None);
        assert_eq!(locate(split.path(), "0::/\n"), None);
    }

    #[test]
    fn a_hybrid_host_prefers_v2_files() {
        let root = tempfile::tempdir().unwrap();
        v1_files(
            &root.path().join("memory"),
            "1073741824\n",
            "1\n",
            "x",
            "x",
            "x",
        );
        let unified = root.path().join("unified/kubepods/c1");
        write(&unified, "memory.max", "2147483648\n");
        write(&unified, "memory.current", "4096\n");
        let proc = "4:memory:/kubepods/c1\n0::/kubepods/c1\n";
        let at = locate(root.path(), proc).unwrap();
        assert_eq!(at, Cgroup::V2(unified));
        assert_eq!(read(&at).memory_max, Some(2 << 30));
        // A hybrid host whose v2 mount has no controllers: v1.
        let bare = tempfile::tempdir().unwrap();
        let mem = bare.path().join("memory");
        v1_files(&mem, "1073741824\n", "1\n", "x", "x", "x");
        write(
            &bare.path().join("unified/kubepods/c1"),
            "cgroup.procs",
            "1\n",
        );
        let at = locate(bare.path(), proc).unwrap();
        assert_eq!(
            at,
            Cgroup::V1 {
                memory: Some(mem),
                cpu: None,
                cpuacct: None,
            }
        );
        assert_eq!(read(&at).memory_max, Some(1 << 30));
    }

    #[test]
    fn an_unlimited_v1_is_not_limited() {
        let root = tempfile::tempdir().unwrap();
        v1_files(
            &root.path().join("cpu,cpuacct"),
            "x",
            "x",
            "-1\n",
            "100000\n",
            "5000\n",
        );
        v1_files(
            &root.path().join("memory"),
            "9223372036854771712\n",
            "8192\n",
            "x",
            "x",
            "x",
        );
        let proc = "4:memory:/\n3:cpu,cpuacct:/\n";
        let r = read(&locate(root.path(), proc).unwrap());
        assert_eq!(
            r,
            Reading {
                memory_max: None,
                memory_current: Some(8192),
                cpu_limit: None,
                cpu_usage_usec: Some(5),
            }
        );
        assert!(!r.limited());
    }

    #[test]
    fn bad_or_missing_v1_files_give_none() {
        let root = tempfile::tempdir().unwrap();
        let cpu = root.path().join("cpu,cpuacct");
        let mem = root.path().join("memory");
        // A quota without its period, garbage usage figures.
        write(&cpu, "cpu.cfs_quota_us", "100000\n");
        write(&cpu, "cpuacct.usage", "lots\n");
        write(&mem, "memory.limit_in_bytes", "1073741824\n");
        write(&mem, "memory.usage_in_bytes", "-5\n");
        let at = locate(root.path(), "4:memory:/\n3:cpu,cpuacct:/\n").unwrap();
        let r = read(&at);
        assert_eq!(
            r,
            Reading {
                memory_max: Some(1 << 30),
                memory_current: None,
                cpu_limit: None,
                cpu_usage_usec: None,
            }
        );
        // The period back but garbage: still no CPU limit.
        write(&cpu, "cpu.cfs_period_us", "often\n");
        assert_eq!(read(&at).cpu_limit, None);
        write(&cpu, "cpu.cfs_period_us", "100000\n");
        assert_eq!(read(&at).cpu_limit, Some(1.0));
        // The files gone after locating: nothing, and no panic.
        std::fs::remove_dir_all(&cpu).unwrap();
        std::fs::remove_dir_all(&mem).unwrap();
        assert_eq!(read(&at), Reading::default());
    }
}
