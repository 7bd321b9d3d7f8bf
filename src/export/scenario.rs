//! A finished real incident as a drill scenario, so a team can rehearse
//! what happened: the incident's pod and alert changes, stakeholder
//! messages and notes become injects at the same offsets from the
//! declaration, the pods and alerts it started with become the scenario's
//! starting state, and the commands it ran answer with the output they
//! gave (the first and last lines the record keeps). What the team did
//! (ticks, severity and status changes, commands) is left for the team
//! rehearsing to do again. Pure: records in, scenario out.

use crate::drill::scenario::{AlertSpec, Canned, Inject, Message, PodSpec, Scenario};
use crate::playbook::model::At;
use crate::state::Observed;
use crate::timeline::{Event, Record, Status};
use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// `1h2m3s`, `45s`, `0s`.
fn offset(secs: i64) -> String {
    let s = secs.max(0);
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

fn ready_for(status: &str) -> String {
    if status == "Running" || status == "Completed" {
        "1/1".into()
    } else {
        "0/1".into()
    }
}

fn empty_inject(at: String) -> Inject {
    Inject {
        at: At::new(at),
        pod: None,
        pod_deleted: None,
        rollout: None,
        alert: None,
        alert_resolved: None,
        figures: Vec::new(),
        message: None,
        workloads: Vec::new(),
        http: Vec::new(),
    }
}

/// The output a run gave as far as the record keeps it: its first lines,
/// then its last lines (overlapping lines once; `…` where lines are
/// missing between them).
fn output_of(first: &[String], last: &[String]) -> String {
    let mut lines: Vec<String> = first.to_vec();
    if first.len() >= crate::state::runs::FIRST_LINES {
        let overlap = (0..=first.len().min(last.len()))
            .rev()
            .find(|k| first[first.len() - k..] == last[..*k])
            .unwrap_or(0);
        if overlap == 0 && !last.is_empty() {
            lines.push("…".into());
        }
        lines.extend(last[overlap..].iter().cloned());
    }
    let mut s = lines.join("\n");
    if !s.is_empty() {
        s.push('\n');
    }
    s
}

/// The scenario that replays `records` (a resolved real incident).
pub fn scenario_from(records: &[Record]) -> Result<Scenario> {
    let Some(first) = records.first() else {
        bail!("the timeline holds no records");
    };
    let Event::Declared {
        id,
        title,
        severity,
        playbook,
        procedure,
        drill,
        source,
        ..
    } = &first.event
    else {
        bail!("the timeline does not start with a declaration");
    };
    if *drill {
        bail!("{id} is a drill; only a real incident can be replayed");
    }
    let inc = crate::state::Incident::replay(records);
    if inc.status != Some(Status::Resolved) {
        bail!(
            "{id} is still open ({}); replay it once it is resolved",
            inc.status.map_or("-", |s| s.name())
        );
    }
    let t0 = first.at;
    let secs = |t: DateTime<Utc>| (t - t0).num_seconds();
    if let Some(r) = records
        .iter()
        .find(|r| secs(r.at) > crate::time::MAX_DURATION_SECS as i64)
    {
        bail!(
            "{id}: record {} is {} days after the declaration: too far apart to replay (a scenario spans at most 100 years)",
            r.seq,
            secs(r.at) / 86_400
        );
    }

    // What was there at the start: pods whose first change was from a
    // status, alerts resolved before they were seen firing.
    let mut pods: Vec<PodSpec> = Vec::new();
    let mut alerts: Vec<AlertSpec> = Vec::new();
    let mut seen_pods: Vec<&str> = Vec::new();
    let mut seen_alerts: Vec<&str> = Vec::new();
    for r in &records[1..] {
        match &r.event {
            Event::PodChanged { pod, from, .. } if !seen_pods.contains(&pod.as_str()) => {
                seen_pods.push(pod);
                if from != "(none)" {
                    pods.push(PodSpec {
                        name: pod.clone(),
                        ready: Some(ready_for(from)),
                        status: Some(from.clone()),
                        restarts: Some(0),
                        ..Default::default()
                    });
                }
            }
            Event::AlertFiring { alertname, .. } => seen_alerts.push(alertname),
            Event::AlertResolved { alertname, .. }
                if !seen_alerts.contains(&alertname.as_str()) =>
            {
                seen_alerts.push(alertname);
                alerts.push(AlertSpec {
                    alertname: alertname.clone(),
                    severity: "warning".into(),
                    summary: "firing when the incident was declared".into(),
                    since: None,
                    labels: BTreeMap::new(),
                });
            }
            _ => {}
        }
    }

    // Injects, played through as the drill will, so each one is valid.
    let mut o = Observed::default();
    for p in &pods {
        o.apply_pod(p, t0);
    }
    for a in &alerts {
        o.fire_alert(a, t0);
    }
    let mut injects = Vec::new();
    for r in &records[1..] {
        let mut inj = empty_inject(offset(secs(r.at)));
        match &r.event {
            Event::PodChanged { pod, to, .. } => {
                let there = o.pods.iter().any(|p| &p.name == pod);
                if to == "deleted" {
                    if !there {
                        continue;
                    }
                    inj.pod_deleted = Some(At::new(pod.clone()));
                } else if to == "restarted" {
                    inj.pod = Some(PodSpec {
                        name: pod.clone(),
                        age: Some(At::new("0s".into())),
                        ..Default::default()
                    });
                } else {
                    inj.pod = Some(PodSpec {
                        name: pod.clone(),
                        ready: Some(ready_for(to)),
                        status: Some(to.clone()),
                        ..Default::default()
                    });
                }
            }
            Event::AlertFiring {
                alertname,
                severity,
                summary,
                ..
            } => {
                inj.alert = Some(AlertSpec {
                    alertname: alertname.clone(),
                    severity: severity.clone(),
                    summary: summary.clone(),
                    since: None,
                    labels: BTreeMap::new(),
                });
            }
            Event::AlertResolved { alertname, .. } => {
                if !o.alerts.iter().any(|a| &a.alertname == alertname) {
                    continue;
                }
                inj.alert_resolved = Some(At::new(alertname.clone()));
            }
            Event::Message { from, text } => {
                inj.message = Some(Message {
                    from: from.clone(),
                    text: text.clone(),
                });
            }
            Event::Note { text } => {
                inj.message = Some(Message {
                    from: format!("{} (note)", r.by),
                    text: text.clone(),
                });
            }
            _ => continue,
        }
        inj.apply(&mut o, r.at);
        injects.push(inj);
    }

    // Commands: the output each gave; a later run with other output takes
    // over from when it ran.
    let mut commands: Vec<Canned> = Vec::new();
    let mut started: BTreeMap<&str, (&str, i64)> = BTreeMap::new();
    for r in &records[1..] {
        match &r.event {
            Event::CommandStarted {
                run,
                command,
                dry_run: false,
                approval: None,
                ..
            } => {
                started.insert(run.as_str(), (command.as_str(), secs(r.at)));
            }
            Event::CommandFinished {
                run,
                exit,
                first_lines,
                last_lines,
                ..
            } => {
                let Some((command, at)) = started.remove(run.as_str()) else {
                    continue;
                };
                let pattern = exact_pattern(command);
                let output = output_of(first_lines, last_lines);
                let exit = exit.unwrap_or(1);
                let prev = commands.iter().rev().find(|c| c.pattern.value == pattern);
                if prev.is_some_and(|c| c.output == output && c.exit == exit) {
                    continue;
                }
                let after = prev.map(|_| At::new(offset(at)));
                commands.push(Canned {
                    pattern: At::new(pattern),
                    output,
                    exit,
                    after,
                });
            }
            _ => {}
        }
    }

    let playbook = match source.as_deref() {
        Some(s) => s.strip_prefix("bundled:").unwrap_or(s).to_string(),
        None => format!("{playbook}.yaml"),
    };
    Ok(Scenario {
        name: format!("replay-{id}"),
        title: format!("Replay: {title}"),
        description: Some(format!(
            "Replay of incident {id}, declared {} and resolved after {}: its pod and alert \
             changes, messages and notes at the offsets they happened.",
            t0.format("%Y-%m-%d %H:%M UTC"),
            crate::time::hms(inc.elapsed(t0))
        )),
        playbook,
        procedure: At::new(procedure.clone()),
        severity: At::new(severity.clone()),
        ic: None,
        figures: Vec::new(),
        pods,
        alerts,
        injects,
        commands,
        file: String::new(),
    })
}

/// A pattern that matches exactly `command`: regex-escaped, with what
/// `sanitize::is_dangerous` finds as `\x{...}` escapes, so the file shows
/// none of it raw and still matches the command as it ran.
fn exact_pattern(command: &str) -> String {
    let mut out = String::from("^");
    for c in regex::escape(command).chars() {
        if crate::sanitize::is_dangerous(c) {
            out.push_str(&format!("\\x{{{:X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('$');
    out
}

/// The scenario as a YAML file, with a header saying where it came from.
/// The YAML writer escapes control characters in quoted strings but writes
/// bidi overrides and invisible format characters raw (even unquoted):
/// those are shown as `<U+202E>`, as the screen would show them, so the
/// file (and the terminal it is printed to) stays inert.
pub fn to_yaml(s: &Scenario, incident: &str) -> String {
    let body = serde_saphyr::to_string(s).expect("a scenario serialises to YAML");
    let body = crate::sanitize::clean_text(&body);
    format!(
        "# Drill scenario replaying incident {incident} (incident-cockpit drill --from-incident).\n\
         # Review it: add figures, labels and canned output for commands the\n\
         # record did not see, then run it with `incident-cockpit drill FILE`.\n{body}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drill::scenario::parse_scenario;
    use std::time::Duration;

    use crate::testkit::at as t;

    fn started(run: &str, command: &str) -> Event {
        Event::CommandStarted {
            run: run.into(),
            step: "pod-status".into(),
            command: command.into(),
            argv: vec![],
            risk: "read".into(),
            confirmation: "enter".into(),
            shell: false,
            drill: false,
            dry_run: false,
            approval: None,
        }
    }

    fn finished(run: &str, exit: i32, first: &[&str], last: &[&str]) -> Event {
        Event::CommandFinished {
            run: run.into(),
            outcome: format!("exit {exit}"),
            exit: Some(exit),
            signal: None,
            duration_ms: 300,
            first_lines: first.iter().map(|s| s.to_string()).collect(),
            last_lines: last.iter().map(|s| s.to_string()).collect(),
            drill: false,
        }
    }

    /// A resolved real incident: an alert resolved that was firing at the
    /// start, a crash, a new pod, a deletion, a message, a note, the same
    /// command twice with different output, and the team's own actions.
    pub fn incident() -> Vec<Record> {
        let get = "kubectl get pods -n identity-platform -l app=dicps-api";
        let evs = vec![
            (
                0,
                Event::Declared {
                    id: "20261122-130000-api-outage".into(),
                    title: "API 5xx | everywhere".into(),
                    severity: "P1".into(),
                    status: Status::Investigating,
                    ic: "ana@bastion".into(),
                    playbook: "dicps".into(),
                    procedure: "api-outage".into(),
                    drill: false,
                    source: Some("bundled:dicps.yaml".into()),
                    scenario: None,
                    watch: Default::default(),
                },
            ),
            (
                10,
                Event::AlertFiring {
                    alertname: "APIDown".into(),
                    fingerprint: String::new(),
                    severity: "critical".into(),
                    summary: "health checks failing".into(),
                    since: None,
                },
            ),
            (
                30,
                Event::PodChanged {
                    pod: "dicps-api-1".into(),
                    from: "Running".into(),
                    to: "CrashLoopBackOff".into(),
                },
            ),
            (40, started("r1", get)),
            (
                41,
                finished(
                    "r1",
                    0,
                    &["NAME READY STATUS", "dicps-api-1 0/1 CrashLoopBackOff"],
                    &["NAME READY STATUS", "dicps-api-1 0/1 CrashLoopBackOff"],
                ),
            ),
            (
                45,
                Event::Message {
                    from: "Support".into(),
                    text: "customers: \"login fails\"\nsince 12:58".into(),
                },
            ),
            (
                50,
                Event::Note {
                    text: "rolling back to v2.4.0".into(),
                },
            ),
            (
                55,
                Event::StepChecked {
                    step: "rollback".into(),
                    title: "Rollback".into(),
                    evidence: Vec::new(),
                    reason: None,
                },
            ),
            (
                60,
                Event::PodChanged {
                    pod: "dicps-api-2".into(),
                    from: "(none)".into(),
                    to: "Pending".into(),
                },
            ),
            (
                90,
                Event::PodChanged {
                    pod: "dicps-api-1".into(),
                    from: "CrashLoopBackOff".into(),
                    to: "deleted".into(),
                },
            ),
            (95, started("r2", get)),
            (
                96,
                finished(
                    "r2",
                    0,
                    &["NAME READY STATUS", "dicps-api-2 1/1 Running"],
                    &["NAME READY STATUS", "dicps-api-2 1/1 Running"],
                ),
            ),
            (
                300,
                Event::AlertResolved {
                    alertname: "HighErrorRate".into(),
                    fingerprint: String::new(),
                },
            ),
            (
                310,
                Event::AlertResolved {
                    alertname: "APIDown".into(),
                    fingerprint: String::new(),
                },
            ),
            (
                3720,
                Event::StatusChanged {
                    from: Status::Investigating,
                    to: Status::Resolved,
                },
            ),
        ];
        evs.into_iter()
            .enumerate()
            .map(|(i, (secs, event))| Record {
                share: Default::default(),
                seq: i as u64 + 1,
                at: t(secs),
                by: "ana@bastion".into(),
                event,
            })
            .collect()
    }

    #[test]
    fn an_incident_becomes_injects_at_the_same_offsets() {
        let s = scenario_from(&incident()).unwrap();
        assert_eq!(s.playbook, "dicps.yaml");
        assert_eq!(s.procedure.value, "api-outage");
        assert_eq!(s.severity.value, "P1");
        assert_eq!(s.title, "Replay: API 5xx | everywhere");
        // At the start: the pod that crashed, the alert resolved unseen.
        assert_eq!(s.pods.len(), 1);
        assert_eq!(s.pods[0].status.as_deref(), Some("Running"));
        assert_eq!(s.alerts[0].alertname, "HighErrorRate");
        let got: Vec<(String, String)> = s
            .injects
            .iter()
            .map(|i| (i.at.value.clone(), i.summary()))
            .collect();
        let want: Vec<(&str, &str)> = vec![
            ("10s", "alert APIDown (critical) fires"),
            ("30s", "pod dicps-api-1: CrashLoopBackOff, ready 0/1"),
            (
                "45s",
                "message from Support: customers: \"login fails\"\nsince 12:58",
            ),
            (
                "50s",
                "message from ana@bastion (note): rolling back to v2.4.0",
            ),
            ("1m", "pod dicps-api-2: Pending, ready 0/1"),
            ("1m30s", "pod dicps-api-1 deleted"),
            ("5m", "alert HighErrorRate resolves"),
            ("5m10s", "alert APIDown resolves"),
        ];
        let want: Vec<(String, String)> = want
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
        // The command answers as it did, and differently after 95 s.
        let cmd = "kubectl get pods -n identity-platform -l app=dicps-api";
        let early = Scenario::canned_for(&s.commands, cmd, Duration::from_secs(10)).unwrap();
        assert!(early.output.contains("CrashLoopBackOff"), "{early:?}");
        assert_eq!(early.output.lines().count(), 2, "overlap merged: {early:?}");
        let late = Scenario::canned_for(&s.commands, cmd, Duration::from_secs(95)).unwrap();
        assert!(late.output.contains("dicps-api-2 1/1 Running"), "{late:?}");
        assert!(
            Scenario::canned_for(&s.commands, &format!("{cmd}; rm -rf /"), Duration::ZERO)
                .is_none()
        );
    }

    #[test]
    fn the_yaml_loads_as_a_valid_scenario_against_its_playbook() {
        let s = scenario_from(&incident()).unwrap();
        let yaml = to_yaml(&s, "20261122-130000-api-outage");
        let back = parse_scenario("replay.yaml", &yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        let pb = crate::playbook::load_bundled("dicps.yaml").unwrap();
        back.check_playbook(&pb).unwrap();
        assert_eq!(back.injects.len(), s.injects.len());
        assert_eq!(back.injects[2].message, s.injects[2].message, "{yaml}");
        let plain = |v: &[Canned]| {
            v.iter()
                .map(|c| {
                    (
                        c.pattern.value.clone(),
                        c.output.clone(),
                        c.exit,
                        c.after.as_ref().map(|a| a.value.clone()),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(plain(&back.commands), plain(&s.commands), "{yaml}");
    }

    #[test]
    fn hostile_text_in_the_record_is_inert_in_the_yaml_and_shows_the_same() {
        let hostile = "x\x1b]52;c;eA==\x07 \x1b[2J \u{9b}1m \u{202E}txt.exe";
        let mut recs = incident();
        if let Event::Note { text } = &mut recs[6].event {
            *text = hostile.into();
        }
        if let Event::CommandStarted { command, .. } = &mut recs[3].event {
            *command = format!("kubectl get pods {hostile}");
        }
        if let Event::CommandStarted { command, .. } = &mut recs[10].event {
            *command = format!("kubectl get pods {hostile}");
        }
        let s = scenario_from(&recs).unwrap();
        let yaml = to_yaml(&s, "20261122-130000-api-outage");
        assert!(
            !yaml
                .chars()
                .any(|c| c != '\n' && crate::sanitize::is_dangerous(c)),
            "{yaml}"
        );
        let back = parse_scenario("replay.yaml", &yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        // On screen the note reads exactly as the original would.
        let shown = |s: &Scenario| {
            crate::sanitize::clean(&s.injects[3].message.as_ref().unwrap().text).into_owned()
        };
        assert_eq!(shown(&back), shown(&s), "{yaml}");
        // The canned answer still matches the command as it ran.
        let cmd = format!("kubectl get pods {hostile}");
        assert!(
            Scenario::canned_for(&back.commands, &cmd, Duration::from_secs(10)).is_some(),
            "{yaml}"
        );
    }

    #[test]
    fn only_a_finished_real_incident_is_replayed() {
        let recs = incident();
        let open = &recs[..recs.len() - 1];
        let err = scenario_from(open).unwrap_err().to_string();
        assert!(err.contains("still open"), "{err}");
        let mut drill = recs.clone();
        if let Event::Declared { drill: d, .. } = &mut drill[0].event {
            *d = true;
        }
        let err = scenario_from(&drill).unwrap_err().to_string();
        assert!(err.contains("is a drill"), "{err}");
    }

    #[test]
    fn output_of_merges_what_the_record_keeps() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(output_of(&l(&["a", "b"]), &l(&["a", "b"])), "a\nb\n");
        assert_eq!(
            output_of(
                &l(&["1", "2", "3", "4", "5"]),
                &l(&["4", "5", "6", "7", "8"])
            ),
            "1\n2\n3\n4\n5\n6\n7\n8\n"
        );
        assert_eq!(
            output_of(
                &l(&["1", "2", "3", "4", "5"]),
                &l(&["96", "97", "98", "99", "100"])
            ),
            "1\n2\n3\n4\n5\n…\n96\n97\n98\n99\n100\n"
        );
        assert_eq!(output_of(&[], &[]), "");
    }
}
