//! Reading playbooks: YAML through serde-saphyr, errors as
//! `file:line:column: what is wrong`, shared policy files merged in.
//! The shipped playbooks are embedded so the binary runs anywhere.

use super::model::{Playbook, Policy};
use crate::schema::Node;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Playbooks and policy files compiled into the binary, by their path
/// under `playbooks/`.
pub const BUNDLED: &[(&str, &str)] = &[
    ("dicps.yaml", include_str!("../../playbooks/dicps.yaml")),
    (
        "policy/dicps-policy.yaml",
        include_str!("../../playbooks/policy/dicps-policy.yaml"),
    ),
    (
        "zkp-ledger.yaml",
        include_str!("../../playbooks/zkp-ledger.yaml"),
    ),
    (
        "policy/zkp-ledger-policy.yaml",
        include_str!("../../playbooks/policy/zkp-ledger-policy.yaml"),
    ),
];

/// One or more problems, each already placed (`file:line:column: ...`).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub problems: Vec<String>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

pub use crate::schema::tree::place_yaml_error;

/// Parses YAML text into `T` with placed errors.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, LoadError> {
    let opts = serde_saphyr::Options {
        with_snippet: false,
        ..Default::default()
    };
    serde_saphyr::from_str_with_options(text, opts).map_err(|e| LoadError {
        problems: vec![place_yaml_error(file, &e)],
    })
}

/// Where included files come from: the disk, or the embedded set.
trait Source {
    fn read(&self, path: &Path) -> Result<String, String>;
    fn name(&self, path: &Path) -> String;
}

struct Disk;
impl Source for Disk {
    fn read(&self, path: &Path) -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
    }
    fn name(&self, path: &Path) -> String {
        path.display().to_string()
    }
}

struct Embedded;
impl Source for Embedded {
    fn read(&self, path: &Path) -> Result<String, String> {
        let key = normalise(path);
        BUNDLED
            .iter()
            .find(|(p, _)| *p == key)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| format!("{key}: no such bundled file"))
    }
    fn name(&self, path: &Path) -> String {
        format!("playbooks/{}", normalise(path))
    }
}

fn normalise(path: &Path) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(s) => parts.push(s.to_str().unwrap_or("")),
            _ => {}
        }
    }
    parts.join("/")
}

fn schema_json(policy: bool) -> &'static serde_json::Value {
    static PLAYBOOK: OnceLock<serde_json::Value> = OnceLock::new();
    static POLICY: OnceLock<serde_json::Value> = OnceLock::new();
    let (cell, make): (_, fn() -> schemars::Schema) = if policy {
        (&POLICY, || schemars::schema_for!(Policy))
    } else {
        (&PLAYBOOK, || schemars::schema_for!(Playbook))
    };
    cell.get_or_init(|| serde_json::to_value(make()).unwrap_or_default())
}

/// Reads one YAML file against its schema: every structural problem, or
/// the typed value.
fn read_checked<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
    policy: bool,
) -> Result<(T, Node), Vec<String>> {
    read_against(name, text, schema_json(policy))
}

/// Reads one YAML file against a JSON Schema (over the located tree): every
/// structural problem as `file:line:column: ...`, or the typed value and
/// the tree.
pub fn read_against<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
    schema: &serde_json::Value,
) -> Result<(T, Node), Vec<String>> {
    let tree = crate::schema::parse(name, text).map_err(|e| vec![e])?;
    let problems: Vec<String> = crate::schema::validate(&tree, schema)
        .into_iter()
        .map(|p| format!("{name}:{}:{}: {}", p.line, p.col, p.msg))
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let value = parse_yaml::<T>(name, text).map_err(|e| e.problems)?;
    Ok((value, tree))
}

fn load_with(src: &dyn Source, path: &Path) -> Result<Playbook, LoadError> {
    let name = src.name(path);
    let text = src
        .read(path)
        .map_err(|p| LoadError { problems: vec![p] })?;
    let (mut pb, tree) =
        read_checked::<Playbook>(&name, &text, false).map_err(|problems| LoadError { problems })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut problems = Vec::new();
    let mut policies = Vec::new();
    for inc in &pb.include {
        let inc_path: PathBuf = base.join(&inc.value);
        let inc_name = src.name(&inc_path);
        match src.read(&inc_path) {
            Err(e) => problems.push(format!(
                "{name}:{}:{}: cannot include {:?}: {e}",
                inc.line, inc.col, inc.value
            )),
            Ok(t) => match read_checked::<Policy>(&inc_name, &t, true) {
                Ok((p, _)) => policies.push((inc_name, p)),
                Err(e) => problems.extend(e),
            },
        }
    }
    if problems.is_empty() {
        problems = super::lint::check(&name, &pb, &tree, &policies);
    }
    if !problems.is_empty() {
        return Err(LoadError { problems });
    }
    for (_, p) in policies {
        merge(&mut pb, p);
    }
    Ok(pb)
}

/// The playbook's own entries come first; the policy's follow.
fn merge(pb: &mut Playbook, p: Policy) {
    pb.severities.extend(p.severities);
    pb.roles.extend(p.roles);
    pb.contacts.extend(p.contacts);
    pb.conditions.extend(p.conditions);
    pb.escalation.extend(p.escalation);
    pb.deadlines.extend(p.deadlines);
    if pb.approval.is_none() {
        pb.approval = p.approval;
    }
}

/// Loads a playbook file from disk, with its includes.
pub fn load_file(path: &Path) -> Result<Playbook, LoadError> {
    load_with(&Disk, path)
}

/// Loads a playbook with its includes from `read` instead of the disk
/// (files named by their path, as the playbook's own path joins them).
pub fn load_with_reader(
    path: &Path,
    read: impl Fn(&Path) -> Result<String, String>,
) -> Result<Playbook, LoadError> {
    struct Reader<F>(F);
    impl<F: Fn(&Path) -> Result<String, String>> Source for Reader<F> {
        fn read(&self, path: &Path) -> Result<String, String> {
            (self.0)(path)
        }
        fn name(&self, path: &Path) -> String {
            path.display().to_string()
        }
    }
    load_with(&Reader(read), path)
}

/// Loads one of the playbooks compiled into the binary (`dicps.yaml`).
pub fn load_bundled(name: &str) -> Result<Playbook, LoadError> {
    load_with(&Embedded, Path::new(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_dicps_loads_with_its_policy() {
        let pb = load_bundled("dicps.yaml").unwrap();
        assert_eq!(pb.name.value, "dicps");
        assert!(pb.severity("P0").is_some(), "P0 comes from the policy file");
        let outage = pb.procedure("api-outage").expect("api-outage procedure");
        assert!(outage.steps().count() >= 5);
    }

    #[test]
    fn every_bundled_playbook_loads() {
        let mut loaded = 0;
        for (path, text) in BUNDLED {
            if path.starts_with("policy/") {
                parse_yaml::<Policy>(path, text).unwrap_or_else(|e| panic!("{e}"));
                continue;
            }
            let pb = load_bundled(path).unwrap_or_else(|e| panic!("{e}"));
            assert!(!pb.procedures.is_empty(), "{path}: no procedures");
            assert!(!pb.severities.is_empty(), "{path}: no severities");
            loaded += 1;
        }
        assert!(loaded >= 2, "dicps.yaml and zkp-ledger.yaml are bundled");
    }

    /// Seed 000's "Key Metrics to Monitor" and Performance Degradation's
    /// "Monitoring Thresholds" are the ledger's figures from Prometheus,
    /// the thresholds judged on them (not on the bastion); its four
    /// conditions start their procedures.
    #[test]
    fn zkp_ledgers_key_metrics_and_thresholds_are_prometheus_figures() {
        let pb = load_bundled("zkp-ledger.yaml").unwrap();
        let prom = pb.watch.prometheus.as_ref().expect("watch.prometheus");
        for name in [
            "availability",
            "API response time",
            "Error rate",
            "cpu",
            "memory",
            "disk",
            "authentication failures",
            "proof verification failures",
            "proof generation time",
            "verification time",
        ] {
            let f = prom
                .figure(name)
                .unwrap_or_else(|| panic!("no figure {name}"));
            assert!(!f.query.value.trim().is_empty(), "{name}");
        }
        let bounds: Vec<(&str, f64)> = pb
            .watch
            .thresholds
            .iter()
            .map(|t| (t.metric.as_str(), t.above))
            .collect();
        assert_eq!(
            bounds,
            [
                ("memory", 80.0),
                ("cpu", 90.0),
                ("proof generation time", 30.0),
                ("verification time", 100.0),
                ("API response time", 5.0),
            ]
        );
        for t in &pb.watch.thresholds {
            assert!(pb.watch.measures(&t.metric), "{} is not measured", t.metric);
        }
        let starts = |id: &str| -> Vec<String> {
            pb.conditions
                .iter()
                .find(|k| k.id.value == id)
                .unwrap_or_else(|| panic!("no condition {id}"))
                .starts
                .iter()
                .map(|s| s.value.clone())
                .collect()
        };
        assert_eq!(
            starts("crypto-vulnerability-confirmed"),
            ["cryptographic-vulnerability", "security-investigation"]
        );
        assert_eq!(starts("data-exposure"), ["security-investigation"]);
        assert_eq!(
            starts("data-corruption"),
            ["data-corruption", "data-recovery"]
        );
        assert_eq!(
            starts("supply-chain-compromise"),
            ["supply-chain-compromise", "security-investigation"]
        );
    }

    #[test]
    fn errors_are_placed_file_line_column() {
        let err = parse_yaml::<Playbook>("pb.yaml", "name: x\ntitle: y\nbogus: 1\n").unwrap_err();
        let p = &err.problems[0];
        assert!(p.starts_with("pb.yaml:"), "{p}");
        assert!(p.contains("unknown field `bogus`"), "{p}");
        let err = parse_yaml::<Playbook>("pb.yaml", "name: x\ntitle: [1\n").unwrap_err();
        assert!(err.problems[0].starts_with("pb.yaml:2:"), "{err}");
    }

    #[test]
    fn a_missing_include_is_placed() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("p.yaml");
        std::fs::write(&f, "name: x\ntitle: y\ninclude:\n  - nope.yaml\n").unwrap();
        let err = load_file(&f).unwrap_err();
        assert!(err.problems[0].contains(":4:5: cannot include"), "{err}");
    }
}
