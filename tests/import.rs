//! `playbook import` through the public API: the two seed runbooks and
//! runbooks in other common styles under tests/fixtures/runbooks/.

use incident_cockpit::playbook::import::{ImportError, import, to_yaml};
use incident_cockpit::playbook::load::parse_yaml;
use incident_cockpit::playbook::model::{Playbook, Procedure, Risk, Step};
use incident_cockpit::playbook::placeholders;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::path::Path;

const SEED_000: &str = "seed-000-zkp-ledger.md";
const SEED_002: &str = "seed-002-dicps.md";

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/runbooks")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixtures() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runbooks");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    names
}

fn imported(name: &str) -> Playbook {
    import(&fixture(name), name).unwrap_or_else(|e| panic!("{e}"))
}

fn procedure<'a>(pb: &'a Playbook, id: &str) -> &'a Procedure {
    pb.procedure(id).unwrap_or_else(|| {
        let ids: Vec<&str> = pb.procedures.iter().map(|p| p.id.value.as_str()).collect();
        panic!("no procedure {id}; have {ids:?}")
    })
}

/// The step whose command's run is exactly `run`.
fn step_running<'a>(pb: &'a Playbook, run: &str) -> &'a Step {
    pb.procedures
        .iter()
        .flat_map(|p| p.steps())
        .find(|s| s.command.as_ref().is_some_and(|c| c.run.value == run))
        .unwrap_or_else(|| panic!("no step runs {run:?}"))
}

fn run(step: &Step) -> &str {
    &step.command.as_ref().expect("a command step").run.value
}

fn risk(step: &Step) -> Risk {
    step.command.as_ref().unwrap().risk.as_ref().unwrap().value
}

fn phase_ids(p: &Procedure) -> Vec<&str> {
    p.phases.iter().map(|ph| ph.id.value.as_str()).collect()
}

fn step_titles(p: &Procedure, phase: &str) -> Vec<String> {
    p.phases
        .iter()
        .find(|ph| ph.id.value == phase)
        .unwrap_or_else(|| panic!("no phase {phase} in {}", p.id.value))
        .steps
        .iter()
        .map(|s| s.title.clone())
        .collect()
}

fn timebox<'a>(p: &'a Procedure, phase: &str) -> Option<&'a str> {
    p.phases
        .iter()
        .find(|ph| ph.id.value == phase)
        .unwrap_or_else(|| panic!("no phase {phase} in {}", p.id.value))
        .timebox
        .as_ref()
        .map(|t| t.value.as_str())
}

/// Command lines of the markdown's `bash` blocks, read independently of
/// the importer: `\` continuations joined with single spaces, comment and
/// blank lines dropped.
fn bash_lines(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut text: Option<String> = None;
    for ev in Parser::new(md) {
        match ev {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if &*info == "bash" => {
                text = Some(String::new())
            }
            Event::Text(t) => {
                if let Some(x) = text.as_mut() {
                    x.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let Some(block) = text.take() else { continue };
                let mut cur = String::new();
                for l in block.lines() {
                    let t = l.trim();
                    if cur.is_empty() && (t.is_empty() || t.starts_with('#')) {
                        continue;
                    }
                    if let Some(x) = t.strip_suffix('\\') {
                        cur.push_str(x.trim_end());
                        cur.push(' ');
                        continue;
                    }
                    cur.push_str(t);
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => {}
        }
    }
    out
}

/// Every bash command line is a line of some step's run (`cd DIR` lines
/// are the `workdir` of the commands after them).
fn assert_every_command_imported(name: &str) {
    let md = fixture(name);
    let pb = imported(name);
    let commands: Vec<_> = pb
        .procedures
        .iter()
        .flat_map(|p| p.steps())
        .filter_map(|s| s.command.as_ref())
        .collect();
    let lines: HashSet<&str> = commands
        .iter()
        .flat_map(|c| c.run.value.lines())
        .map(str::trim)
        .collect();
    let workdirs: HashSet<&str> = commands
        .iter()
        .filter_map(|c| c.workdir.as_deref())
        .collect();
    let expected = bash_lines(&md);
    assert!(expected.len() > 20, "{name}: {} bash lines", expected.len());
    for line in expected {
        match line.strip_prefix("cd ") {
            Some(dir) => assert!(workdirs.contains(dir), "{name}: no workdir for {line:?}"),
            None => assert!(
                lines.contains(line.as_str()),
                "{name}: {line:?} not imported"
            ),
        }
    }
}

/// The rules every imported playbook keeps, checked here independently.
fn assert_valid(name: &str, pb: &Playbook) {
    let unique = |what: &str, ids: Vec<&str>| {
        let mut seen = HashSet::new();
        for id in ids {
            assert!(seen.insert(id), "{name}: duplicate {what} id {id}");
        }
    };
    unique(
        "procedure",
        pb.procedures.iter().map(|p| p.id.value.as_str()).collect(),
    );
    unique(
        "template",
        pb.templates.iter().map(|t| t.id.value.as_str()).collect(),
    );
    unique(
        "severity",
        pb.severities.iter().map(|s| s.id.value.as_str()).collect(),
    );
    assert!(!pb.procedures.is_empty(), "{name}: no procedure");
    for p in &pb.procedures {
        assert!(!p.phases.is_empty(), "{name}: {} has no phase", p.id.value);
        unique("phase", phase_ids(p));
        unique("step", p.steps().map(|s| s.id.value.as_str()).collect());
        if let Some(s) = &p.severity {
            assert!(
                pb.severity(&s.value).is_some(),
                "{name}: {} undeclared",
                s.value
            );
        }
        for t in &p.templates {
            assert!(
                pb.templates.iter().any(|x| x.id.value == t.value),
                "{name}: template {} undeclared",
                t.value
            );
        }
        for ph in &p.phases {
            assert!(!ph.steps.is_empty(), "{name}: {} is empty", ph.id.value);
            for s in &ph.steps {
                assert!(
                    !s.title.trim().is_empty(),
                    "{name}: {} has no title",
                    s.id.value
                );
                let Some(c) = &s.command else { continue };
                let r = &c.run.value;
                for f in placeholders::find(r) {
                    assert!(
                        c.params.contains_key(&f.name),
                        "{name}: {} undeclared",
                        f.text
                    );
                }
                for (pname, param) in &c.params {
                    assert!(
                        !placeholders::texts_for(r, pname, param).is_empty(),
                        "{name}: parameter {pname} unused in {r:?}"
                    );
                }
                let declared = c.risk.as_ref().expect("risk").value;
                assert!(
                    declared >= incident_cockpit::playbook::risk::infer(r),
                    "{r}"
                );
            }
        }
    }
}

// --- seed 002: the DICPS playbook ---------------------------------------

#[test]
fn seed_002_every_bash_command_is_a_step() {
    assert_every_command_imported(SEED_002);
}

#[test]
fn seed_002_procedures_and_their_severities() {
    let pb = imported(SEED_002);
    for (id, name, sev) in [
        ("api-outage", "API Outage", "P0"),
        ("data-breach", "Data Breach", "P0"),
        ("zk-circuit-compromise", "ZK Circuit Compromise", "P0"),
        ("ddos-attack", "DDoS Attack", "P1"),
        ("database-failure", "Database Failure", "P0"),
    ] {
        let p = procedure(&pb, id);
        assert_eq!(p.name, name);
        assert_eq!(
            p.severity.as_ref().map(|s| s.value.as_str()),
            Some(sev),
            "{id}"
        );
    }
    let outage = procedure(&pb, "api-outage");
    assert_eq!(
        phase_ids(outage),
        [
            "immediate-actions",
            "investigation",
            "resolution-steps",
            "post-incident"
        ]
    );
    assert_eq!(
        outage.detection,
        [
            "Alertmanager fires `APIDown` alert",
            "Health check failures > 3 consecutive checks",
            "Customer reports"
        ]
    );
    assert_eq!(
        step_titles(outage, "immediate-actions"),
        [
            "Verify the outage",
            "Check pod status",
            "Check recent deployments",
            "View pod logs",
            "Check resource usage"
        ]
    );
    assert_eq!(
        step_titles(outage, "investigation")[1],
        "Review recent changes (last 24h)"
    );
    let breach = procedure(&pb, "data-breach");
    assert_eq!(
        phase_ids(breach),
        [
            "immediate-actions",
            "containment",
            "investigation",
            "eradication",
            "recovery",
            "hipaa-60-days-for-500-individuals"
        ]
    );
    let ddos = procedure(&pb, "ddos-attack");
    assert_eq!(
        step_titles(ddos, "mitigation").last().map(String::as_str),
        Some("Enable cloudflare / akamai"),
        "a numbered comment with no command is a manual step"
    );
}

#[test]
fn seed_002_severities_and_response_times() {
    let pb = imported(SEED_002);
    let sev: Vec<(&str, &str, &str)> = pb
        .severities
        .iter()
        .map(|s| {
            (
                s.id.value.as_str(),
                s.name.as_str(),
                s.response.value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        sev,
        [
            ("P0", "Critical", "15m"),
            ("P1", "High", "1h"),
            ("P2", "Medium", "4h"),
            ("P3", "Low", "next business day"),
        ]
    );
    let p0 = pb.severity("P0").unwrap();
    assert_eq!(
        p0.impact.as_deref(),
        Some("Complete service outage or active security breach")
    );
    assert_eq!(p0.page, ["On-call engineer", "Security team", "Exec team"]);
    assert_eq!(p0.examples.len(), 5);
    assert_eq!(pb.version.as_deref(), Some("2.0"));
    assert_eq!(pb.owner.as_deref(), Some("Security Operations Team"));
}

#[test]
fn seed_002_timeboxes() {
    let pb = imported(SEED_002);
    let outage = procedure(&pb, "api-outage");
    assert_eq!(timebox(outage, "immediate-actions"), Some("0-15m"));
    assert_eq!(timebox(outage, "investigation"), Some("15m-30m"));
    assert_eq!(timebox(outage, "resolution-steps"), None);
    let breach = procedure(&pb, "data-breach");
    assert_eq!(timebox(breach, "immediate-actions"), Some("0-5m"));
    assert_eq!(timebox(breach, "containment"), Some("5m-30m"));
    assert_eq!(timebox(breach, "investigation"), Some("30m-4h"));
}

#[test]
fn seed_002_risks_shell_and_params() {
    let pb = imported(SEED_002);
    let delete = step_running(
        &pb,
        "kubectl delete pod -n identity-platform -l app=dicps-api",
    );
    assert_eq!(risk(delete), Risk::Destructive);
    let get = step_running(
        &pb,
        "kubectl get pods -n identity-platform -l app=dicps-api",
    );
    assert_eq!(risk(get), Risk::Read);
    assert!(!get.command.as_ref().unwrap().shell);

    let label = step_running(&pb, "kubectl label pod <compromised-pod> quarantine=true");
    assert_eq!(label.title, "Deny all traffic to compromised pods");
    let param = &label.command.as_ref().unwrap().params["compromised-pod"];
    assert_eq!(param.from.as_deref(), Some("pod"));
    assert_eq!(
        param.description.as_deref(),
        Some("value for <compromised-pod>")
    );
    assert!(param.pattern.is_some() && param.default.is_none());

    let restore = step_running(
        &pb,
        "pg_restore -h $DB_HOST -U dicps -d dicps /backups/latest.dump",
    );
    assert_eq!(risk(restore), Risk::Destructive);
    let db_host = &restore.command.as_ref().unwrap().params["DB_HOST"];
    assert_eq!(db_host.description.as_deref(), Some("value for $DB_HOST"));
    assert_eq!(db_host.default, None);

    let annotate = step_running(
        &pb,
        "kubectl annotate networkpolicy dicps-api-network-policy override=\"deny-all\"",
    );
    assert_eq!(risk(annotate), Risk::Change);

    let env = step_running(
        &pb,
        "kubectl exec -n identity-platform dicps-api-xxx -- env | grep DB_",
    );
    let c = env.command.as_ref().unwrap();
    assert!(c.shell, "a pipe needs a shell");
    assert_eq!(c.params["pod"].token.as_deref(), Some("dicps-api-xxx"));

    // The loop is one step with a multi-line run.
    let ddos = procedure(&pb, "ddos-attack");
    let block = ddos
        .step("block-top-offenders")
        .expect("block-top-offenders");
    let lines: Vec<&str> = run(block).lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], "for ip in $(cat attacker_ips.txt); do");
    assert_eq!(lines[2], "done");
    assert!(block.command.as_ref().unwrap().shell);

    // `cd circuits/build` is the workdir of the checksum step.
    let sha = step_running(&pb, "sha256sum -c checksums.txt");
    assert_eq!(sha.title, "Verify circuit integrity");
    assert_eq!(
        sha.command.as_ref().unwrap().workdir.as_deref(),
        Some("circuits/build")
    );
}

#[test]
fn seed_002_templates_followups_and_the_rest() {
    let pb = imported(SEED_002);
    let ids: Vec<&str> = pb.templates.iter().map(|t| t.id.value.as_str()).collect();
    assert_eq!(
        ids,
        [
            "status-page-update-template",
            "gdpr-72-hours",
            "customer-notification-72-hours",
            "internal-notification-slack",
            "customer-email",
            "post-mortem-template"
        ]
    );
    let gdpr = &pb.templates[1];
    assert_eq!(gdpr.to.as_deref(), Some("supervisory-authority@gdpr.eu"));
    assert_eq!(
        gdpr.subject.as_deref(),
        Some("Personal Data Breach Notification")
    );
    assert!(
        gdpr.body
            .starts_with("To: supervisory-authority@gdpr.eu\nSubject:")
    );
    assert_eq!(pb.templates[0].kind.as_deref(), Some("status-page"));
    assert_eq!(
        pb.templates[0].cadence.as_ref().map(|c| c.value.as_str()),
        Some("15m")
    );
    let breach = procedure(&pb, "data-breach");
    let used: Vec<&str> = breach.templates.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(used, ["gdpr-72-hours", "customer-notification-72-hours"]);

    let within: Vec<&str> = pb
        .followups
        .iter()
        .map(|f| f.within.value.as_str())
        .collect();
    assert_eq!(within, ["24h", "48h", "1w", "30d"]);
    assert_eq!(pb.followups[0].items[0], "File incident report");
    assert!(
        pb.tools
            .contains(&"kubectl (Kubernetes access)".to_string())
    );
    assert_eq!(
        pb.postmortem.as_ref().map(|p| p.sections[0].heading()),
        Some("Summary")
    );
    assert_eq!(pb.watch.namespace.as_deref(), Some("identity-platform"));
    // Roles, contacts and escalation are not steps.
    assert!(
        pb.procedures
            .iter()
            .all(|p| !p.id.value.contains("team") && !p.id.value.contains("escalation"))
    );
}

// --- seed 000: the ZKP Dataset Ledger plan -------------------------------

#[test]
fn seed_000_every_bash_command_is_a_step() {
    assert_every_command_imported(SEED_000);
}

#[test]
fn seed_000_severities_from_headings() {
    let pb = imported(SEED_000);
    let sev: Vec<(&str, &str, &str)> = pb
        .severities
        .iter()
        .map(|s| {
            (
                s.id.value.as_str(),
                s.name.as_str(),
                s.response.value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        sev,
        [
            ("P0", "Critical", "15m"),
            ("P1", "High", "1h"),
            ("P2", "Medium", "4h"),
            ("P3", "Low", "next business day"),
        ]
    );
    assert_eq!(
        pb.severity("P0").unwrap().examples[0],
        "Complete service unavailability"
    );
}

#[test]
fn seed_000_procedures_phases_and_steps() {
    let pb = imported(SEED_000);
    let ids: Vec<&str> = pb.procedures.iter().map(|p| p.id.value.as_str()).collect();
    assert_eq!(
        ids,
        [
            "response-procedures",
            "cryptographic-vulnerabilities",
            "data-corruption",
            "supply-chain-compromise",
            "performance-degradation",
            "recovery-procedures"
        ]
    );
    let response = procedure(&pb, "response-procedures");
    assert_eq!(
        phase_ids(response),
        [
            "initial-response",
            "technical-investigation",
            "security-investigation"
        ]
    );
    assert_eq!(timebox(response, "initial-response"), Some("0-15m"));
    assert_eq!(
        step_titles(response, "initial-response")[0],
        "Acknowledge: Confirm incident receipt and assign severity"
    );
    assert_eq!(
        step_titles(response, "technical-investigation")[..2],
        ["Gather system information", "docker ps -a"]
    );
    let perf = procedure(&pb, "performance-degradation");
    assert_eq!(perf.detection.len(), 5, "monitoring thresholds detect it");
    let checklist = procedure(&pb, "recovery-procedures");
    assert_eq!(
        step_titles(checklist, "service-recovery-checklist").len(),
        6,
        "one step per checkbox"
    );
    let restore = step_running(&pb, "psql zkp_ledger < /backup/last-known-good.sql");
    assert_eq!(risk(restore), Risk::Destructive);
    assert!(restore.command.as_ref().unwrap().shell);
    let top = step_running(&pb, "top -p $(pgrep zkp-ledger)");
    assert_eq!(top.title, "Monitor system resources");
    assert!(top.command.as_ref().unwrap().shell);
    let ids: Vec<&str> = pb.templates.iter().map(|t| t.id.value.as_str()).collect();
    assert_eq!(
        ids,
        ["initial-incident-notification", "resolution-notification"]
    );
    assert_eq!(
        pb.templates[0].subject.as_deref(),
        Some("[INCIDENT P0] ZKP Dataset Ledger Service Disruption")
    );
    let names: Vec<Option<&str>> = pb.followups.iter().map(|f| f.name.as_deref()).collect();
    assert_eq!(
        names,
        [Some("Immediate"), Some("Short-term"), Some("Long-term")]
    );
    assert_eq!(pb.notes.len(), 1, "the overview");
}

// --- runbooks in other styles ------------------------------------------

#[test]
fn numbered_steps_code_without_a_language_and_a_severity_table() {
    let pb = imported("numbered-steps.md");
    assert_eq!(pb.title, "Payments API — elevated 5xx errors");
    assert_eq!(pb.name.value, "payments-api-elevated-5xx-errors");
    let sev: Vec<(&str, &str, &str)> = pb
        .severities
        .iter()
        .map(|s| {
            (
                s.id.value.as_str(),
                s.name.as_str(),
                s.response.value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        sev,
        [
            ("SEV1", "Critical", "15m"),
            ("SEV2", "Major", "30m"),
            ("SEV3", "Minor", "next business day")
        ]
    );
    assert_eq!(pb.procedures.len(), 1);
    let p = &pb.procedures[0];
    assert_eq!(phase_ids(p), ["triage", "mitigation"]);
    assert_eq!(timebox(p, "triage"), Some("0-10m"));
    assert_eq!(timebox(p, "mitigation"), Some("10m-30m"));
    assert_eq!(
        step_titles(p, "triage"),
        [
            "Check the error-rate dashboard in Grafana",
            "Check recent deploys",
            "Look at the logs of a failing pod",
            "kubectl get pods -n payments -l app=payments-api",
        ]
    );
    let steps: Vec<&Step> = p.steps().collect();
    assert!(steps[0].command.is_none());
    assert_eq!(
        run(steps[1]),
        "kubectl rollout history deployment/payments-api -n payments"
    );
    assert_eq!(
        steps[2].detail.as_deref(),
        Some(
            "- Pick a pod that restarts\n- Look for `connection refused`\n  - in the `db` container first"
        ),
        "nested items are the step's detail"
    );
    assert_eq!(
        risk(steps[3]),
        Risk::Read,
        "an item that is only a command runs it"
    );
    assert_eq!(
        step_titles(p, "mitigation"),
        [
            "Roll back the last deploy",
            "kubectl rollout status deployment/payments-api -n payments",
            "If the database is the cause, fail over",
            "Tell support in #payments-incidents",
        ]
    );
    // An indented code block in a list item.
    let failover = step_running(
        &pb,
        "aws rds failover-db-cluster --db-cluster-identifier payments-prod",
    );
    assert_eq!(risk(failover), Risk::Destructive);
    let t = &pb.templates[0];
    assert_eq!(t.subject.as_deref(), Some("Card payments degraded"));
    assert_eq!(t.cadence.as_ref().map(|c| c.value.as_str()), Some("30m"));
    assert_eq!(p.templates[0].value, t.id.value);
    assert_eq!(pb.watch.namespace.as_deref(), Some("payments"));
    assert_eq!(pb.watch.selector.as_deref(), Some("app=payments-api"));
}

#[test]
fn console_sessions_and_here_docs() {
    let pb = imported("console-heredoc.md");
    let p = &pb.procedures[0];
    assert_eq!(p.id.value, "postgres-disk-full-on-primary");
    assert_eq!(
        p.detection,
        [
            "Alert `PostgresDiskAlmostFull` fires",
            "Writes fail with `could not extend file`"
        ]
    );
    assert_eq!(phase_ids(p), ["investigate", "fix"]);
    let runs: Vec<&str> = p.steps().map(run).collect();
    assert_eq!(
        runs[..3],
        [
            "df -h /var/lib/postgresql",
            "sudo du -sh /var/lib/postgresql/16/main/pg_wal",
            "psql -h $PGHOST -U postgres -c \"SELECT slot_name, active FROM pg_replication_slots\"",
        ],
        "prompts stripped, output dropped"
    );
    assert!(
        runs.iter()
            .all(|r| !r.contains("Filesystem") && !r.contains("(1 row)"))
    );
    assert_eq!(
        step_titles(p, "investigate")[0],
        "Check how full the volume is"
    );
    let delete = p
        .step("remove-finished-jobs")
        .expect("remove-finished-jobs");
    assert_eq!(
        run(delete),
        "psql -h $PGHOST -U postgres app <<'SQL'\nDELETE FROM job_queue WHERE finished_at < now() - interval '30 days';\n\nVACUUM job_queue;\nSQL"
    );
    assert_eq!(risk(delete), Risk::Destructive, "SQL in a here-doc is read");
    assert!(delete.command.as_ref().unwrap().shell);
    assert!(
        delete
            .command
            .as_ref()
            .unwrap()
            .params
            .contains_key("PGHOST")
    );
    let apply = p.steps().find(|s| run(s).starts_with("cat <<EOF")).unwrap();
    assert_eq!(run(apply).lines().count(), 8);
    assert_eq!(run(apply).lines().last(), Some("EOF"));
    let wal = p.step("watch-the-wal-shrink").unwrap();
    assert_eq!(run(wal).lines().count(), 4);
    // `# ` is a root prompt in a console block.
    let restart = step_running(&pb, "systemctl restart postgresql");
    assert_eq!(restart.title, "Then restart and check");
    assert_eq!(risk(restart), Risk::Change);
    assert_eq!(
        risk(step_running(&pb, "systemctl status postgresql --no-pager")),
        Risk::Read
    );
}

#[test]
fn checklists_and_severity_headings() {
    let pb = imported("checklist.md");
    let sev: Vec<(&str, &str, &str)> = pb
        .severities
        .iter()
        .map(|s| {
            (
                s.id.value.as_str(),
                s.name.as_str(),
                s.response.value.as_str(),
            )
        })
        .collect();
    assert_eq!(sev, [("SEV1", "Critical", "30m"), ("SEV2", "Major", "2h")]);
    assert_eq!(
        pb.procedures.len(),
        1,
        "the contacts checklist is not a procedure"
    );
    let p = &pb.procedures[0];
    assert_eq!(p.id.value, "on-call-checklist");
    assert_eq!(p.severity.as_ref().map(|s| s.value.as_str()), Some("SEV1"));
    assert_eq!(
        step_titles(p, "before-you-start"),
        [
            "Join the incident channel `#inc-cache`",
            "Acknowledge the page in PagerDuty",
            "Tell the IC who you are",
            "Post your name in the channel",
            "Open the cache dashboard",
        ],
        "nested checkboxes are steps"
    );
    assert_eq!(timebox(p, "recover"), Some("15m-45m"));
    let restart = p.step("restart-the-cache-pod").unwrap();
    assert_eq!(run(restart), "kubectl delete pod {{ pod }} -n cache");
    assert_eq!(risk(restart), Risk::Destructive);
    let pod = &restart.command.as_ref().unwrap().params["pod"];
    assert_eq!(pod.from.as_deref(), Some("pod"));
    assert!(pod.pattern.is_some());
    let flush = &step_titles(p, "recover")[0];
    assert!(flush.contains("`redis-cli -h {{ redis_host }}"), "{flush}");
}

#[test]
fn headings_as_steps_without_a_title() {
    let pb = imported("heading-steps.md");
    assert_eq!(pb.title, "heading-steps", "no H1: the file stem");
    let ids: Vec<&str> = pb.procedures.iter().map(|p| p.id.value.as_str()).collect();
    assert_eq!(ids, ["queue-backlog", "database-failover"]);
    let q = &pb.procedures[0];
    assert_eq!(
        q.detection,
        ["`OrdersQueueBacklog` alert for more than 10 minutes"]
    );
    assert_eq!(phase_ids(q), ["steps"]);
    let titles = step_titles(q, "steps");
    assert_eq!(
        titles[..4],
        [
            "Check the consumers",
            "Look at one consumer's logs",
            "Scale the consumers",
            "Replay the dead letters"
        ]
    );
    let logs = q.step("look-at-one-consumers-logs").unwrap();
    assert_eq!(logs.detail.as_deref(), Some("Pick a pod from step 1."));
    let c = logs.command.as_ref().unwrap();
    assert_eq!(c.params["pod"].from.as_deref(), Some("pod"));
    assert_eq!(c.params["NAMESPACE"].from.as_deref(), Some("namespace"));
    assert!(c.shell);
    let scale = q.step("scale-the-consumers").unwrap();
    assert_eq!(
        run(scale),
        "kubectl scale deploy orders-worker -n ${NAMESPACE} --replicas=$REPLICAS"
    );
    assert_eq!(
        scale.command.as_ref().unwrap().params["REPLICAS"]
            .default
            .as_deref(),
        Some("12"),
        "export gives the default"
    );
    let replay = q.step("replay-the-dead-letters").unwrap();
    assert_eq!(run(replay), "./replay-dlq --since 1h --dry-run");
    assert_eq!(replay.detail.as_deref(), Some("look before you leap"));
    assert_eq!(
        replay.command.as_ref().unwrap().workdir.as_deref(),
        Some("/opt/orders/tools")
    );
    let db = &pb.procedures[1];
    assert_eq!(phase_ids(db), ["prepare", "fail-over", "smoke-tests"]);
    assert_eq!(timebox(db, "fail-over"), Some("0-5m"));
    let wait = db
        .steps()
        .find(|s| {
            s.command
                .as_ref()
                .is_some_and(|c| c.run.value.starts_with("while"))
        })
        .unwrap();
    assert_eq!(run(wait).lines().count(), 3);
}

// --- every runbook -----------------------------------------------------

#[test]
fn every_fixture_imports_a_valid_playbook() {
    let names = fixtures();
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        let pb = imported(&name);
        assert_valid(&name, &pb);
    }
}

#[test]
fn yaml_round_trip() {
    for name in fixtures() {
        let pb = imported(&name);
        let yaml = to_yaml(&pb);
        let back: Playbook = parse_yaml(&name, &yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        assert_eq!(
            serde_json::to_value(&back).unwrap(),
            serde_json::to_value(&pb).unwrap(),
            "{name}"
        );
        let runs = |pb: &Playbook| -> Vec<String> {
            pb.procedures
                .iter()
                .flat_map(|p| p.steps())
                .map(|s| {
                    format!(
                        "{}|{}|{:?}",
                        s.id.value,
                        s.title,
                        s.command.as_ref().map(|c| &c.run.value)
                    )
                })
                .collect()
        };
        assert_eq!(runs(&back), runs(&pb), "{name}");
        assert_eq!(to_yaml(&back), yaml, "{name}: stable");
    }
}

#[test]
fn a_runbook_without_steps_is_refused() {
    let err = import("# Notes\n\nNothing to do here.\n", "notes.md").unwrap_err();
    assert!(matches!(err, ImportError::NoSteps { .. }));
    assert!(err.to_string().starts_with("notes.md: nothing to import"));
}
