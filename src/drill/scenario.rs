//! The scenario format (`assets/scenarios/*.yaml`): which playbook and
//! procedure, the starting pods, alerts and service figures, and a timed
//! script of injects.

use crate::playbook::load::{LoadError, parse_yaml};
use crate::playbook::model::At;
use crate::time::parse_duration;
use serde::Deserialize;
use std::path::Path;
use std::time::Duration;

pub const BUNDLED: &[(&str, &str)] = &[(
    "api-outage",
    include_str!("../../assets/scenarios/api-outage.yaml"),
)];

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub title: String,
    /// A bundled playbook name (`dicps.yaml`) or a path relative to the
    /// scenario file.
    pub playbook: String,
    pub procedure: At<String>,
    pub severity: At<String>,
    #[serde(default)]
    pub ic: Option<String>,
    #[serde(default)]
    pub figures: Vec<FigureSpec>,
    #[serde(default)]
    pub pods: Vec<PodSpec>,
    #[serde(default)]
    pub alerts: Vec<AlertSpec>,
    #[serde(default)]
    pub injects: Vec<Inject>,
    /// Canned output for commands the team runs (nothing is executed).
    #[serde(default)]
    pub commands: Vec<Canned>,
}

/// What a command "prints" in a drill.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Canned {
    /// A regular expression searched in the resolved command line.
    #[serde(rename = "match")]
    pub pattern: At<String>,
    #[serde(default)]
    pub output: String,
    #[serde(default)]
    pub exit: i32,
    /// Only from this drill time on (`90s`): output can change after an
    /// inject, as `kubectl get pods` does after a rollback.
    #[serde(default)]
    pub after: Option<At<String>>,
}

impl Scenario {
    /// The canned answer for a command at a drill time: the last entry that
    /// matches and is due.
    pub fn canned_for<'a>(
        canned: &'a [Canned],
        command: &str,
        elapsed: Duration,
    ) -> Option<&'a Canned> {
        canned
            .iter()
            .rev()
            .filter(|c| {
                c.after
                    .as_ref()
                    .and_then(|a| parse_duration(&a.value).ok())
                    .is_none_or(|a| a <= elapsed)
            })
            .find(|c| regex::Regex::new(&c.pattern.value).is_ok_and(|re| re.is_match(command)))
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FigureSpec {
    pub name: String,
    pub value: f64,
    #[serde(default)]
    pub unit: Option<String>,
}

/// A pod as the drill shows it. In an inject, only `name` is required:
/// the fields given change, `age` restarts the pod's clock.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PodSpec {
    pub name: String,
    #[serde(default)]
    pub ready: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub restarts: Option<u32>,
    #[serde(default)]
    pub age: Option<String>,
    #[serde(default)]
    pub node: Option<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlertSpec {
    pub alertname: String,
    #[serde(default = "default_severity")]
    pub severity: String,
    #[serde(default)]
    pub summary: String,
    /// How long it has been firing at the start (initial alerts).
    #[serde(default)]
    pub since: Option<String>,
    /// More labels (namespace, pod, service...), for commands that use
    /// `from: alert.<label>`.
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
}

fn default_severity() -> String {
    "warning".into()
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub from: String,
    pub text: String,
}

/// What happens at one moment of the drill; several things may happen at
/// once.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    /// When, from the start of the drill (`45s`, `2m`).
    pub at: At<String>,
    #[serde(default)]
    pub pod: Option<PodSpec>,
    #[serde(default)]
    pub pod_deleted: Option<String>,
    #[serde(default)]
    pub alert: Option<AlertSpec>,
    #[serde(default)]
    pub alert_resolved: Option<String>,
    #[serde(default)]
    pub figures: Vec<FigureSpec>,
    #[serde(default)]
    pub message: Option<Message>,
}

impl Inject {
    pub fn offset(&self) -> Duration {
        parse_duration(&self.at.value).unwrap_or_default()
    }
}

impl Scenario {
    /// Checks what serde cannot: durations, an inject that does nothing.
    fn check(&self, file: &str) -> Result<(), LoadError> {
        let mut problems = Vec::new();
        for inj in &self.injects {
            let at = &inj.at;
            let place = format!("{file}:{}:{}", at.line, at.col);
            if let Err(e) = parse_duration(&at.value) {
                problems.push(format!("{place}: {e}"));
            }
            if inj.pod.is_none()
                && inj.pod_deleted.is_none()
                && inj.alert.is_none()
                && inj.alert_resolved.is_none()
                && inj.figures.is_empty()
                && inj.message.is_none()
            {
                problems.push(format!(
                    "{place}: this inject does nothing (expected one of pod, pod_deleted, alert, alert_resolved, figures, message)"
                ));
            }
        }
        for c in &self.commands {
            if let Err(e) = regex::Regex::new(&c.pattern.value) {
                let first = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                problems.push(format!(
                    "{file}:{}:{}: match pattern {:?} does not compile ({first})",
                    c.pattern.line, c.pattern.col, c.pattern.value
                ));
            }
            if let Some(a) = &c.after
                && let Err(e) = parse_duration(&a.value)
            {
                problems.push(format!("{file}:{}:{}: {e}", a.line, a.col));
            }
        }
        for p in self.pods.iter().filter_map(|p| p.age.as_deref()) {
            if let Err(e) = parse_duration(p) {
                problems.push(format!("{file}: pod age: {e}"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(LoadError { problems })
        }
    }

    /// Injects in the order they fire.
    pub fn timed_injects(&self) -> Vec<Inject> {
        let mut v = self.injects.clone();
        v.sort_by_key(Inject::offset);
        v
    }
}

pub fn parse_scenario(file: &str, text: &str) -> Result<Scenario, LoadError> {
    let s: Scenario = parse_yaml(file, text)?;
    s.check(file)?;
    Ok(s)
}

pub fn load_scenario_file(path: &Path) -> Result<Scenario, LoadError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        problems: vec![format!("{name}: cannot read: {e}")],
    })?;
    parse_scenario(&name, &text)
}

pub fn load_bundled_scenario(name: &str) -> Option<Result<Scenario, LoadError>> {
    BUNDLED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, t)| parse_scenario(&format!("assets/scenarios/{n}.yaml"), t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_api_outage_parses() {
        let s = load_bundled_scenario("api-outage").unwrap().unwrap();
        assert_eq!(s.procedure.value, "api-outage");
        assert!(s.pods.len() >= 3);
        let inj = s.timed_injects();
        assert!(inj.windows(2).all(|w| w[0].offset() <= w[1].offset()));
        assert!(inj.iter().any(|i| {
            i.pod
                .as_ref()
                .is_some_and(|p| p.status.as_deref() == Some("CrashLoopBackOff"))
        }));
    }

    #[test]
    fn canned_output_changes_as_the_drill_goes() {
        let s = load_bundled_scenario("api-outage").unwrap().unwrap();
        let cmd = "kubectl get pods -n identity-platform -l app=dicps-api";
        let early = Scenario::canned_for(&s.commands, cmd, Duration::from_secs(5)).unwrap();
        assert!(!early.output.contains("CrashLoopBackOff"));
        let late = Scenario::canned_for(&s.commands, cmd, Duration::from_secs(60)).unwrap();
        assert!(late.output.contains("CrashLoopBackOff"));
        assert!(Scenario::canned_for(&s.commands, "rm -rf /", Duration::ZERO).is_none());
    }

    #[test]
    fn bad_inject_is_placed() {
        let text = "name: x\ntitle: t\nplaybook: dicps.yaml\nprocedure: api-outage\nseverity: P0\ninjects:\n  - at: 5 parsecs\n    message: {from: a, text: b}\n  - at: 10s\n";
        let err = parse_scenario("s.yaml", text).unwrap_err();
        assert!(
            err.problems[0].starts_with("s.yaml:7:9: bad duration"),
            "{err}"
        );
        assert!(
            err.problems[1].contains("s.yaml:9:9: this inject does nothing"),
            "{err}"
        );
    }
}
