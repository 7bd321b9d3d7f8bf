//! A step's `verify:`: what "done" looks like, as conditions on what the
//! cockpit observes (pods of a selector, a rollout, an alert, a figure, an
//! HTTP GET), each with an optional hold time. The YAML form (`Check`) and
//! the compiled form (`Condition`) the evaluation works on; lint places
//! every problem `file:line:column`.
//!
//! ```yaml
//! verify:
//!   - {pods: app=dicps-api, ready: all, for: 2m}
//!   - {rollout: deployment/dicps-api}
//!   - {alert: APIDown}                 # resolved (or matchers: 'alertname="X",service="y"')
//!   - {figure: Error rate, below: 1}
//!   - {http: "https://api.example.com/health", timeout: 5s}
//! ```

use super::model::Watch;
use crate::alerts::matcher::{self, Matcher};
use crate::time::parse_duration;
use std::time::Duration;

/// The YAML form of a condition: plain data, with the rest of the
/// playbook's model (`crates/command`); compiled here ([`Compile`]).
pub use super::model::Check;

/// How many pods of the selector must be ready, or that none fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodsWant {
    AllReady,
    AtLeast(u32),
    NoneFailing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RolloutKind {
    Deployment,
    StatefulSet,
}

impl RolloutKind {
    pub fn name(self) -> &'static str {
        match self {
            RolloutKind::Deployment => "deployment",
            RolloutKind::StatefulSet => "statefulset",
        }
    }
}

/// What a condition looks at.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// Equality requirements (`key=value`) of a label selector.
    Pods {
        selector: Vec<(String, String)>,
        want: PodsWant,
    },
    Rollout {
        kind: RolloutKind,
        name: String,
    },
    /// Resolved: no alert observed matches.
    Alert {
        matchers: Vec<Matcher>,
    },
    Figure {
        name: String,
        above: Option<f64>,
        below: Option<f64>,
    },
    Http {
        url: String,
        timeout: Duration,
    },
}

/// A compiled condition: what it looks at, how long it must hold, and how
/// people read it (`pods app=dicps-api all ready for 2m`).
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub cond: Cond,
    pub hold: Duration,
    pub text: String,
}

/// The longest HTTP timeout a condition may ask for.
pub const HTTP_TIMEOUT_MAX: Duration = Duration::from_secs(60);
pub const HTTP_TIMEOUT_DEFAULT: Duration = Duration::from_secs(5);

/// Host figures a condition may name.
pub const HOST_FIGURES: &[&str] = &["cpu", "memory", "mem", "disk", "load", "swap"];

/// A problem with a check: where (line, column) and what.
pub type Problem = (u64, u64, String);

/// `key=value,key2=value2` (`==` too). Set-based and `!=` requirements are
/// refused: the cockpit matches pods by equality.
pub fn parse_selector(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.contains("!=") || part.contains(" in ") || part.contains(" notin ") {
            return Err(format!(
                "selector {s:?}: only key=value requirements are supported"
            ));
        }
        let (k, v) = part
            .split_once("==")
            .or_else(|| part.split_once('='))
            .ok_or_else(|| format!("selector {s:?}: {part:?} is not key=value"))?;
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() {
            return Err(format!("selector {s:?}: a requirement without a key"));
        }
        out.push((k.to_string(), v.to_string()));
    }
    if out.is_empty() {
        return Err("empty selector (expected key=value, like app=dicps-api)".into());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// `deployment/NAME` (`deploy/`, `deployments/`) or `statefulset/NAME`
/// (`sts/`, `statefulsets/`).
pub fn parse_rollout(s: &str) -> Option<(RolloutKind, String)> {
    let (k, n) = s.trim().split_once('/')?;
    let n = n.trim();
    if n.is_empty() || n.contains('/') {
        return None;
    }
    let kind = match k.trim().to_ascii_lowercase().as_str() {
        "deployment" | "deploy" | "deployments" => RolloutKind::Deployment,
        "statefulset" | "sts" | "statefulsets" => RolloutKind::StatefulSet,
        _ => return None,
    };
    Some((kind, n.to_string()))
}

fn is_plain_name(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// An alert condition's matchers: a bare name is `alertname="NAME"`.
pub fn alert_matchers(s: &str) -> Result<Vec<Matcher>, String> {
    let s = s.trim();
    if is_plain_name(s) {
        return Ok(vec![Matcher::new("alertname", matcher::Op::Eq, s)?]);
    }
    let ms = matcher::parse_list(s)?;
    if ms.is_empty() {
        return Err("an alert condition without a name or matchers".into());
    }
    Ok(ms)
}

fn fmt_dur(d: Duration) -> String {
    crate::time::human(d)
}

/// Where a check is written (its first field's place).
fn place(check: &Check) -> (u64, u64) {
    [
        &check.pods,
        &check.rollout,
        &check.alert,
        &check.figure,
        &check.http,
    ]
    .into_iter()
    .flatten()
    .map(|a| (a.line, a.col))
    .next()
    .unwrap_or((0, 0))
}

/// A check as written into its condition. A trait because `Check` is the
/// model's (in the command crate) and compiling it needs the cockpit's
/// alert matchers.
pub trait Compile {
    /// The condition, or every problem with the check as written.
    fn compile(&self) -> Result<Condition, Vec<Problem>>;
}

impl Compile for Check {
    fn compile(&self) -> Result<Condition, Vec<Problem>> {
        let mut errs: Vec<Problem> = Vec::new();
        let (line, col) = place(self);
        let kinds = [
            self.pods.is_some(),
            self.rollout.is_some(),
            self.alert.is_some(),
            self.figure.is_some(),
            self.http.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if kinds != 1 {
            errs.push((
                line,
                col,
                format!(
                    "a verify condition needs exactly one of pods, rollout, alert, figure, http (found {kinds})"
                ),
            ));
            return Err(errs);
        }
        let hold = match &self.hold {
            Some(h) => parse_duration(&h.value).unwrap_or_else(|e| {
                errs.push((h.line, h.col, format!("verify for: {e}")));
                Duration::ZERO
            }),
            None => Duration::ZERO,
        };
        let only = |errs: &mut Vec<Problem>, field: &str, set: bool, kind: &str| {
            if set {
                errs.push((line, col, format!("{field} goes with {kind}, not here")));
            }
        };
        if self.pods.is_none() {
            only(&mut errs, "ready", self.ready.is_some(), "pods");
            only(&mut errs, "none_failing", self.none_failing, "pods");
        }
        if self.figure.is_none() {
            only(
                &mut errs,
                "above/below",
                self.above.is_some() || self.below.is_some(),
                "figure",
            );
        }
        if self.http.is_none() {
            only(&mut errs, "timeout", self.timeout.is_some(), "http");
        }
        let hold_text = if hold.is_zero() {
            String::new()
        } else {
            format!(" for {}", fmt_dur(hold))
        };
        let cond = if let Some(p) = &self.pods {
            let selector = parse_selector(&p.value).unwrap_or_else(|e| {
                errs.push((p.line, p.col, format!("verify pods: {e}")));
                Vec::new()
            });
            let want = match (&self.ready, self.none_failing) {
                (Some(r), true) => {
                    errs.push((
                        r.line,
                        r.col,
                        "verify pods: ready and none_failing are two conditions: write two".into(),
                    ));
                    PodsWant::AllReady
                }
                (None, true) => PodsWant::NoneFailing,
                (None, false) => PodsWant::AllReady,
                (Some(r), false) => match r.value.trim() {
                    "all" => PodsWant::AllReady,
                    n => match n.parse::<u32>() {
                        Ok(n) if n > 0 => PodsWant::AtLeast(n),
                        _ => {
                            errs.push((
                                r.line,
                                r.col,
                                format!(
                                    "verify ready: {:?} (expected all or a number of pods, like 3)",
                                    r.value
                                ),
                            ));
                            PodsWant::AllReady
                        }
                    },
                },
            };
            let what = match want {
                PodsWant::AllReady => "all ready".to_string(),
                PodsWant::AtLeast(n) => format!("at least {n} ready"),
                PodsWant::NoneFailing => "none failing".to_string(),
            };
            Condition {
                text: format!("pods {} {what}{hold_text}", p.value.trim()),
                cond: Cond::Pods { selector, want },
                hold,
            }
        } else if let Some(r) = &self.rollout {
            let Some((kind, name)) = parse_rollout(&r.value) else {
                errs.push((
                    r.line,
                    r.col,
                    format!(
                        "verify rollout: {:?} (expected deployment/NAME or statefulset/NAME)",
                        r.value
                    ),
                ));
                return Err(errs);
            };
            Condition {
                text: format!("rollout {}/{name} complete{hold_text}", kind.name()),
                cond: Cond::Rollout { kind, name },
                hold,
            }
        } else if let Some(a) = &self.alert {
            let matchers = alert_matchers(&a.value).unwrap_or_else(|e| {
                errs.push((a.line, a.col, format!("verify alert: {e}")));
                Vec::new()
            });
            Condition {
                text: format!("alert {} resolved{hold_text}", a.value.trim()),
                cond: Cond::Alert { matchers },
                hold,
            }
        } else if let Some(f) = &self.figure {
            if self.above.is_some() == self.below.is_some() {
                errs.push((
                    f.line,
                    f.col,
                    "verify figure: give exactly one of above or below".into(),
                ));
            }
            let (word, v) = match (self.above, self.below) {
                (Some(v), _) => ("above", v),
                (_, Some(v)) => ("below", v),
                _ => ("?", 0.0),
            };
            Condition {
                text: format!("{} {word} {v}{hold_text}", f.value.trim()),
                cond: Cond::Figure {
                    name: f.value.trim().to_string(),
                    above: self.above,
                    below: self.below,
                },
                hold,
            }
        } else if let Some(h) = &self.http {
            if let Err(e) = check_http_url(&h.value) {
                errs.push((h.line, h.col, format!("verify http: {e}")));
            }
            let timeout = match &self.timeout {
                Some(t) => match parse_duration(&t.value) {
                    Ok(d) if d.is_zero() || d > HTTP_TIMEOUT_MAX => {
                        errs.push((
                            t.line,
                            t.col,
                            format!(
                                "verify timeout: {} (expected more than 0s, at most {})",
                                t.value,
                                fmt_dur(HTTP_TIMEOUT_MAX)
                            ),
                        ));
                        HTTP_TIMEOUT_DEFAULT
                    }
                    Ok(d) => d,
                    Err(e) => {
                        errs.push((t.line, t.col, format!("verify timeout: {e}")));
                        HTTP_TIMEOUT_DEFAULT
                    }
                },
                None => HTTP_TIMEOUT_DEFAULT,
            };
            Condition {
                text: format!("GET {} answers 2xx{hold_text}", h.value.trim()),
                cond: Cond::Http {
                    url: h.value.trim().to_string(),
                    timeout,
                },
                hold,
            }
        } else {
            unreachable!("one kind is set")
        };
        if errs.is_empty() { Ok(cond) } else { Err(errs) }
    }
}

/// An HTTP condition's URL: http or https, a host, no credentials (they
/// would be in the playbook, on screen and in the record).
pub fn check_http_url(url: &str) -> Result<reqwest::Url, String> {
    let u = reqwest::Url::parse(url.trim()).map_err(|e| format!("bad URL {url:?}: {e}"))?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err(format!("bad URL {url:?}: the scheme must be http or https"));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(format!("bad URL {url:?}: no host"));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(format!(
            "bad URL {url:?}: no credentials in a playbook (they would reach the screen and the record)"
        ));
    }
    Ok(u)
}

/// What the playbook watches that a condition may refer to: the checks
/// `playbook lint` makes beyond the condition itself.
pub fn refers_to_watched(c: &Condition, check: &Check, watch: &Watch) -> Vec<Problem> {
    let (line, col) = place(check);
    let mut out = Vec::new();
    match &c.cond {
        Cond::Pods { selector, .. } => match &watch.selector {
            None => out.push((
                line,
                col,
                "verify pods: the playbook watches no pods (set watch.namespace and watch.selector)"
                    .into(),
            )),
            Some(w) => {
                if let Ok(watched) = parse_selector(w)
                    && let Some((k, v)) = watched.iter().find(|r| !selector.contains(r))
                {
                    out.push((
                        line,
                        col,
                        format!(
                            "verify pods: selector {:?} reaches beyond the watched pods ({w:?}): add {k}={v}",
                            check.pods.as_ref().map(|p| p.value.as_str()).unwrap_or("")
                        ),
                    ));
                }
            }
        },
        Cond::Rollout { .. } => {
            if watch.namespace.is_none() {
                out.push((
                    line,
                    col,
                    "verify rollout: the playbook watches no namespace (set watch.namespace)"
                        .into(),
                ));
            }
        }
        Cond::Alert { .. } => {
            if watch.alerts.is_empty() && watch.alertmanager.is_none() {
                out.push((
                    line,
                    col,
                    "verify alert: the playbook watches no alerts (set watch.alerts or watch.alertmanager)"
                        .into(),
                ));
            }
        }
        Cond::Figure { name, .. } => {
            let lower = name.to_ascii_lowercase();
            let host = HOST_FIGURES.contains(&lower.as_str());
            let known = match &watch.prometheus {
                // Prometheus measures the service: a figure is one of its
                // queries (or the host's own).
                Some(p) => host || p.figure(name).is_some(),
                None => {
                    host || watch
                        .thresholds
                        .iter()
                        .any(|t| t.metric.eq_ignore_ascii_case(name))
                }
            };
            if !known {
                let mut names: Vec<String> = HOST_FIGURES
                    .iter()
                    .filter(|n| **n != "mem")
                    .map(|s| s.to_string())
                    .collect();
                match &watch.prometheus {
                    Some(p) => {
                        names.extend(p.figures.iter().map(|f| f.name.value.clone()));
                        out.push((
                            line,
                            col,
                            format!(
                                "verify figure: {name:?} is not a query in watch.prometheus.figures (expected one of: {})",
                                names.join(", ")
                            ),
                        ));
                    }
                    None => {
                        names.extend(watch.thresholds.iter().map(|t| t.metric.clone()));
                        out.push((
                            line,
                            col,
                            format!(
                                "verify figure: {name:?} is not a figure the playbook watches (expected one of: {})",
                                names.join(", ")
                            ),
                        ));
                    }
                }
            }
        }
        Cond::Http { .. } => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::model::At;

    fn at(s: &str) -> Option<At<String>> {
        Some(At {
            value: s.into(),
            line: 3,
            col: 7,
        })
    }

    #[test]
    fn selectors_are_equality_requirements() {
        assert_eq!(
            parse_selector("app=a, tier==web").unwrap(),
            vec![("app".into(), "a".into()), ("tier".into(), "web".into())]
        );
        assert!(parse_selector("app!=a").is_err());
        assert!(parse_selector("").is_err());
        assert!(parse_selector("app").is_err());
    }

    #[test]
    fn each_kind_compiles_with_its_text() {
        let c = Check {
            pods: at("app=a"),
            hold: at("2m"),
            ..Default::default()
        }
        .compile()
        .unwrap();
        assert_eq!(c.text, "pods app=a all ready for 2m");
        assert_eq!(c.hold, Duration::from_secs(120));
        let c = Check {
            pods: at("app=a"),
            ready: at("3"),
            ..Default::default()
        }
        .compile()
        .unwrap();
        assert!(matches!(
            c.cond,
            Cond::Pods {
                want: PodsWant::AtLeast(3),
                ..
            }
        ));
        let c = Check {
            rollout: at("deploy/api"),
            ..Default::default()
        }
        .compile()
        .unwrap();
        assert_eq!(c.text, "rollout deployment/api complete");
        let c = Check {
            alert: at("APIDown"),
            ..Default::default()
        }
        .compile()
        .unwrap();
        assert!(matches!(&c.cond, Cond::Alert { matchers } if matchers.len() == 1));
        let c = Check {
            alert: at(r#"alertname="X",service="y""#),
            ..Default::default()
        }
        .compile()
        .unwrap();
        assert!(matches!(&c.cond, Cond::Alert { matchers } if matchers.len() == 2));
        let c = Check {
            http: at("http://127.0.0.1:8080/health"),
            ..Default::default()
        }
        .compile()
        .unwrap();
        assert!(matches!(&c.cond, Cond::Http { timeout, .. } if *timeout == HTTP_TIMEOUT_DEFAULT));
    }

    #[test]
    fn problems_are_placed() {
        let none = Check::default().compile().unwrap_err();
        assert!(none[0].2.contains("exactly one of"), "{none:?}");
        let two = Check {
            pods: at("app=a"),
            alert: at("X"),
            ..Default::default()
        }
        .compile()
        .unwrap_err();
        assert_eq!((two[0].0, two[0].1), (3, 7));
        let e = Check {
            figure: at("cpu"),
            ..Default::default()
        }
        .compile()
        .unwrap_err();
        assert!(e[0].2.contains("above or below"), "{e:?}");
        let e = Check {
            http: at("ftp://x/"),
            ..Default::default()
        }
        .compile()
        .unwrap_err();
        assert!(e[0].2.contains("http or https"), "{e:?}");
        let e = Check {
            http: at("https://u:p@x/"),
            ..Default::default()
        }
        .compile()
        .unwrap_err();
        assert!(e[0].2.contains("no credentials"), "{e:?}");
        let e = Check {
            http: at("https://x/"),
            timeout: at("5m"),
            ..Default::default()
        }
        .compile()
        .unwrap_err();
        assert!(e[0].2.contains("at most"), "{e:?}");
        let e = Check {
            rollout: at("job/x"),
            ..Default::default()
        }
        .compile()
        .unwrap_err();
        assert!(e[0].2.contains("deployment/NAME"), "{e:?}");
        let e = Check {
            pods: at("app=a"),
            ready: at("most"),
            ..Default::default()
        }
        .compile()
        .unwrap_err();
        assert!(e[0].2.contains("expected all or a number"), "{e:?}");
        let e = Check {
            alert: at("X"),
            timeout: at("5s"),
            ..Default::default()
        }
        .compile()
        .unwrap_err();
        assert!(e[0].2.contains("timeout goes with http"), "{e:?}");
    }

    #[test]
    fn conditions_must_refer_to_what_is_watched() {
        let watch = Watch {
            namespace: Some("ns".into()),
            selector: Some("app=a".into()),
            ..Default::default()
        };
        let check = |c: Check| {
            let cond = c.compile().unwrap();
            refers_to_watched(&cond, &c, &watch)
        };
        assert!(
            check(Check {
                pods: at("app=a,tier=db"),
                ..Default::default()
            })
            .is_empty()
        );
        let p = check(Check {
            pods: at("app=b"),
            ..Default::default()
        });
        assert!(p[0].2.contains("beyond the watched pods"), "{p:?}");
        let p = check(Check {
            alert: at("X"),
            ..Default::default()
        });
        assert!(p[0].2.contains("watches no alerts"), "{p:?}");
        let p = check(Check {
            figure: at("latency"),
            below: Some(1.0),
            ..Default::default()
        });
        assert!(
            p[0].2.contains("not a figure the playbook watches"),
            "{p:?}"
        );
        assert!(
            check(Check {
                figure: at("cpu"),
                below: Some(90.0),
                ..Default::default()
            })
            .is_empty()
        );
        assert!(
            check(Check {
                rollout: at("deployment/a"),
                ..Default::default()
            })
            .is_empty()
        );
    }
}
