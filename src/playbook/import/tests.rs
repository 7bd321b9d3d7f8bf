use super::code::{CodeKind, POD_PATTERN, code_kind, needs_shell, params_for, step_risk};
use super::headings::{clean_heading, severity_heading};
use super::markdown::parse_markdown;
use super::names::{Ids, recase, slug};
use super::sections::sections;
use super::shell::{Cmd, Item, Mode, split};
use super::times::parse_response;
use super::{ImportError, import, to_yaml};
use crate::playbook::model::{Playbook, Risk};
use std::collections::BTreeMap;

fn runs(text: &str, mode: Mode) -> Vec<String> {
    split(text, mode)
        .into_iter()
        .filter_map(|i| match i {
            Item::Cmd(c) => Some(c.run),
            Item::Note { .. } => None,
        })
        .collect()
}

fn cmds(text: &str, mode: Mode) -> Vec<Cmd> {
    split(text, mode)
        .into_iter()
        .filter_map(|i| match i {
            Item::Cmd(c) => Some(c),
            Item::Note { .. } => None,
        })
        .collect()
}

#[test]
fn bidi_and_invisible_characters_in_a_runbook_are_shown_in_the_yaml() {
    let pb = import(
        "# Disk\u{202E} full\n\n## Check\n\n```bash\ndf -h /var\u{200B}\n```\n",
        "r.md",
    )
    .unwrap();
    let yaml = to_yaml(&pb);
    assert!(
        !yaml
            .chars()
            .any(|c| c != '\n' && crate::sanitize::is_dangerous(c)),
        "{yaml}"
    );
    assert!(
        yaml.contains("<U+202E>") && yaml.contains("<U+200B>"),
        "{yaml}"
    );
    crate::playbook::load::parse_yaml::<Playbook>("r.yaml", &yaml).unwrap();
}

#[test]
fn timeboxes_from_headings() {
    for (heading, name, timebox) in [
        (
            "Immediate Actions (0-15 min):",
            "Immediate Actions",
            "0-15m",
        ),
        ("Investigation (15-30 min)", "Investigation", "15m-30m"),
        (
            "INVESTIGATION (30 min - 4 hours):",
            "Investigation",
            "30m-4h",
        ),
        (
            "Initial Response (First 15 minutes)",
            "Initial Response",
            "0-15m",
        ),
        ("IMMEDIATE ACTIONS (0-5 min)", "Immediate Actions", "0-5m"),
        ("CONTAINMENT (5-30 min)", "Containment", "5m-30m"),
        ("Recover (T+15 to T+45 min)", "Recover", "15m-45m"),
        ("Triage (0–10 min)", "Triage", "0-10m"),
        ("Triage — 0-10 min", "Triage", "0-10m"),
        ("Stabilise (first hour)", "Stabilise", "0-1h"),
        ("Immediate (Within 24 hours)", "Immediate", "24h"),
    ] {
        let h = clean_heading(heading);
        assert_eq!(h.name, name, "{heading}");
        assert_eq!(h.timebox.as_deref(), Some(timebox), "{heading}");
    }
    let h = clean_heading("Within 1 month");
    assert_eq!((h.within.as_deref(), h.name_is_timing), (Some("30d"), true));
    assert_eq!(clean_heading("Resolution Steps").timebox, None);
    // Unrecognised parentheses stay in the name.
    assert_eq!(
        clean_heading("HIPAA (60 days for < 500 individuals)").name,
        "HIPAA (60 days for < 500 individuals)"
    );
}

#[test]
fn numbering_and_severity_leave_the_name() {
    let h = clean_heading("3.1 API Outage (P0)");
    assert_eq!(
        (h.name.as_str(), h.severity.as_deref()),
        ("API Outage", Some("P0"))
    );
    assert!(h.numbered);
    let h = clean_heading("1. INCIDENT CLASSIFICATION");
    assert_eq!(h.name, "Incident Classification");
    let h = clean_heading("Step 2: Look at the logs");
    assert_eq!((h.name.as_str(), h.numbered), ("Look at the logs", true));
    let h = clean_heading("Database failover - SEV-1");
    assert_eq!(
        (h.name.as_str(), h.severity.as_deref()),
        ("Database failover", Some("SEV1"))
    );
    assert!(!clean_heading("2FA resets").numbered);
    assert_eq!(
        clean_heading("2. TOOLS AND ACCESS").name,
        "Tools and Access"
    );
}

#[test]
fn recasing_keeps_acronyms_and_mixed_case() {
    assert_eq!(
        recase("ENABLE DDoS PROTECTION", false),
        "Enable DDoS protection"
    );
    assert_eq!(recase("CHECK RDS STATUS", false), "Check RDS status");
    assert_eq!(
        recase("RE-ENABLE PROOF GENERATION", true),
        "Re-Enable Proof Generation"
    );
    assert_eq!(
        recase("POST-INCIDENT PROCEDURES", true),
        "Post-Incident Procedures"
    );
    assert_eq!(recase("GDPR", true), "GDPR");
    assert_eq!(recase("RECOVERY", true), "Recovery");
    assert_eq!(
        recase("Check Grafana dashboards", false),
        "Check Grafana dashboards"
    );
}

#[test]
fn severity_headings() {
    let s = severity_heading("P0 - CRITICAL", true).unwrap();
    assert_eq!(
        (s.id.as_str(), s.name.as_str(), s.response),
        ("P0", "Critical", None)
    );
    let s = severity_heading("Critical (P0) - 15 minutes response time", false).unwrap();
    assert_eq!((s.id.as_str(), s.name.as_str()), ("P0", "Critical"));
    assert_eq!(
        parse_response(s.response.as_deref().unwrap()).as_deref(),
        Some("15m")
    );
    let s = severity_heading("Low (P3) - Next business day response time", true).unwrap();
    assert_eq!(
        parse_response(s.response.as_deref().unwrap()).as_deref(),
        Some("next business day")
    );
    let s = severity_heading("SEV2 (Major)", false).unwrap();
    assert_eq!((s.id.as_str(), s.name.as_str()), ("SEV2", "Major"));
    // A procedure marked with a severity is not a severity.
    assert_eq!(severity_heading("3.1 API Outage (P0)", false), None);
    assert_eq!(severity_heading("Severity Levels", true), None);
}

#[test]
fn response_times() {
    for (text, want) in [
        ("Immediate (< 15 minutes)", Some("15m")),
        ("< 1 hour", Some("1h")),
        ("< 4 hours", Some("4h")),
        ("Next business day", Some("next business day")),
        ("1.5 hours", Some("90m")),
        ("Security Team", None),
    ] {
        assert_eq!(parse_response(text).as_deref(), want, "{text}");
    }
}

#[test]
fn continuations_are_joined_with_single_spaces() {
    let text = "kubectl annotate networkpolicy dicps-api-network-policy \\\n  override=\"deny-all\"\n\
                aws wafv2 update-web-acl \\\n  --scope REGIONAL \\\n  --id <acl-id>\n";
    assert_eq!(
        runs(text, Mode::Script),
        [
            "kubectl annotate networkpolicy dicps-api-network-policy override=\"deny-all\"",
            "aws wafv2 update-web-acl --scope REGIONAL --id <acl-id>",
        ]
    );
    // A trailing pipe continues too.
    assert_eq!(
        runs("cat log |\n  grep x\n", Mode::Script),
        ["cat log | grep x"]
    );
}

#[test]
fn comments_title_the_command_below() {
    let text = "# 1. ISOLATE AFFECTED SYSTEMS\n# Deny all traffic to compromised pods\n\
                kubectl label pod <compromised-pod> quarantine=true\nkubectl get pods\n\n\
                # [a note followed by a blank line]\n\nls  # list files\n";
    let c = cmds(text, Mode::Script);
    assert_eq!(
        c[0].title.as_deref(),
        Some("Deny all traffic to compromised pods")
    );
    assert_eq!(c[0].detail.as_deref(), Some("Isolate affected systems"));
    assert_eq!(c[1].title, None);
    assert_eq!(
        (c[2].run.as_str(), c[2].title.as_deref()),
        ("ls", Some("list files"))
    );
}

#[test]
fn a_numbered_comment_without_a_command_is_a_manual_step() {
    let text =
        "# 4. ENABLE CLOUDFLARE / AKAMAI\n# Update DNS to route through DDoS mitigation service\n";
    assert_eq!(
        split(text, Mode::Script),
        [Item::Note {
            title: "Enable cloudflare / akamai".into(),
            detail: Some("Update DNS to route through DDoS mitigation service".into()),
        }]
    );
}

#[test]
fn loops_conditionals_and_here_docs_stay_one_command() {
    let text = "for ip in $(cat attacker_ips.txt); do\n  kubectl exec -n x nginx-xxx -- \\\n    nginx -s reload \\\n    -g \"deny $ip;\"\ndone\n\
                if [ -f /x ]; then\n  echo yes\nfi\n\
                psql app <<'SQL'\nDELETE FROM t;\n\nSQL\n\
                cat <<-EOF | kubectl apply -f -\n\tkind: X\n\tEOF\n\
                echo done\n";
    let r = runs(text, Mode::Script);
    assert_eq!(
        r[0],
        "for ip in $(cat attacker_ips.txt); do\n  kubectl exec -n x nginx-xxx -- nginx -s reload -g \"deny $ip;\"\ndone"
    );
    assert_eq!(r[1], "if [ -f /x ]; then\n  echo yes\nfi");
    assert_eq!(r[2], "psql app <<'SQL'\nDELETE FROM t;\n\nSQL");
    assert_eq!(r[3], "cat <<-EOF | kubectl apply -f -\n\tkind: X\n\tEOF");
    assert_eq!(r[4], "echo done");
    assert_eq!(r.len(), 5);
}

#[test]
fn a_multi_line_quoted_string_stays_one_command() {
    let r = runs("psql -c \"\nSELECT 1\n\"\nls\n", Mode::Script);
    assert_eq!(r, ["psql -c \"\nSELECT 1\n\"", "ls"]);
}

#[test]
fn console_prompts_are_stripped_and_output_dropped() {
    let text = "$ df -h /\nFilesystem Size\n/dev/sda 10G\nuser@host:~/x$ ls \\\n> -la\ntotal 0\n# systemctl restart x\n";
    assert_eq!(
        runs(text, Mode::Console { hash_prompt: true }),
        ["df -h /", "ls -la", "systemctl restart x"]
    );
    // In a bash block that uses `$ `, `#` lines are comments.
    let c = cmds(
        "# check disk\n$ df -h\nout\n",
        Mode::Console { hash_prompt: false },
    );
    assert_eq!(c.len(), 1);
    assert_eq!(
        (c[0].run.as_str(), c[0].title.as_deref()),
        ("df -h", Some("check disk"))
    );
}

#[test]
fn cd_becomes_the_workdir_and_export_a_default() {
    let c = cmds(
        "# 2. VERIFY\ncd circuits/build\nsha256sum -c checksums.txt\ncd sub\nls\n\
         export REPLICAS=12\nkubectl scale deploy x --replicas=$REPLICAS\nexport UNUSED=1\n",
        Mode::Script,
    );
    let runs: Vec<&str> = c.iter().map(|c| c.run.as_str()).collect();
    assert_eq!(
        runs,
        [
            "sha256sum -c checksums.txt",
            "ls",
            "kubectl scale deploy x --replicas=$REPLICAS",
            "export UNUSED=1"
        ]
    );
    assert_eq!(c[0].title.as_deref(), Some("Verify"));
    assert_eq!(c[0].workdir.as_deref(), Some("circuits/build"));
    assert_eq!(c[1].workdir.as_deref(), Some("circuits/build/sub"));
    assert_eq!(
        c[2].defaults.get("REPLICAS").map(String::as_str),
        Some("12")
    );
    // A `cd` with nothing after it is kept.
    assert_eq!(runs_of_script("cd /tmp\n"), ["cd /tmp"]);
}

fn runs_of_script(text: &str) -> Vec<String> {
    runs(text, Mode::Script)
}

#[test]
fn what_needs_a_shell() {
    for run in [
        "kubectl exec x -- env | grep DB_",
        "top -p $(pgrep zkp-ledger)",
        "pg_dump db > /backup/x.sql",
        "psql db < /backup/x.sql",
        "a && b",
        "echo `date`",
        "ls /var/log/*.log",
        "echo $home",
        "FOO=1 make",
        "cd /tmp",
        "for i in 1; do echo $i; done",
        "ls ~/x",
    ] {
        assert!(needs_shell(run), "{run}");
    }
    for run in [
        "kubectl get pods -n identity-platform -l app=dicps-api",
        "kubectl label pod <compromised-pod> quarantine=true",
        "pg_restore -h $DB_HOST -U dicps",
        "kubectl logs {{ pod }} -n ${NAMESPACE}",
        "kubectl auth can-i '*' '*' -n x",
        "psql -c \"SELECT * FROM t WHERE a LIKE '%x%'\"",
        "aws wafv2 update-web-acl --default-action Block={}",
        "kubectl get events --sort-by='.lastTimestamp'",
    ] {
        assert!(!needs_shell(run), "{run}");
    }
}

#[test]
fn here_doc_sql_raises_the_risk() {
    assert_eq!(
        step_risk("psql app <<'SQL'\nDELETE FROM t;\nSQL"),
        Risk::Destructive
    );
    assert_eq!(
        step_risk("psql app <<SQL\nUPDATE t SET a = 1;\nSQL"),
        Risk::Change
    );
    assert_eq!(step_risk("kubectl get pods"), Risk::Read);
    assert_eq!(step_risk("kubectl delete pod x"), Risk::Destructive);
}

#[test]
fn placeholders_become_parameters() {
    let p = params_for(
        "kubectl label pod <compromised-pod> quarantine=true",
        &BTreeMap::new(),
    );
    let pod = &p["compromised-pod"];
    assert_eq!(
        pod.description.as_deref(),
        Some("value for <compromised-pod>")
    );
    assert_eq!(pod.from.as_deref(), Some("pod"));
    assert_eq!(
        pod.pattern.as_ref().map(|a| a.value.as_str()),
        Some(POD_PATTERN)
    );
    assert_eq!(pod.default, None);
    let p = params_for(
        "pg_restore -h $DB_HOST -U x --password $DB_PASSWORD",
        &BTreeMap::new(),
    );
    assert_eq!(p["DB_HOST"].from, None);
    assert!(p["DB_PASSWORD"].secret);
    assert!(!p["DB_HOST"].secret);
    let p = params_for("kubectl exec -n x dicps-api-xxx -- env", &BTreeMap::new());
    assert_eq!(p["pod"].token.as_deref(), Some("dicps-api-xxx"));
    assert!(params_for("for ip in $(cat x); do echo $ip; done", &BTreeMap::new()).is_empty());
}

#[test]
fn no_language_blocks_are_commands_or_templates_by_their_lines() {
    assert!(matches!(
        code_kind("", "kubectl get pods\n# x\nzkp-ledger fsck\n", false),
        CodeKind::Shell(Mode::Script)
    ));
    assert_eq!(
        code_kind("", "Subject: Down\n\nWe are down.\n", false),
        CodeKind::Template
    );
    assert_eq!(code_kind("", "We are down.\n", true), CodeKind::Template);
    assert_eq!(code_kind("", "We are down.\n", false), CodeKind::Other);
    assert_eq!(code_kind("yaml", "kubectl: x\n", false), CodeKind::Other);
    assert_eq!(
        code_kind("console", "$ ls\n", false),
        CodeKind::Shell(Mode::Console { hash_prompt: true })
    );
    assert_eq!(
        code_kind("bash", "$ ls\n", false),
        CodeKind::Shell(Mode::Console { hash_prompt: false })
    );
}

#[test]
fn ids_are_slugs_unique_in_their_scope() {
    assert_eq!(slug("3.1 API Outage (P0)"), "3-1-api-outage-p0");
    assert_eq!(
        slug("Look at one consumer's logs"),
        "look-at-one-consumers-logs"
    );
    assert!(slug(&"word ".repeat(30)).len() <= 40);
    let mut ids = Ids::default();
    assert_eq!(ids.take("recovery", "phase"), "recovery");
    assert_eq!(ids.take("recovery", "phase"), "recovery-2");
    assert_eq!(ids.take("recovery", "phase"), "recovery-3");
    assert_eq!(ids.take("", "phase"), "phase");
}

#[test]
fn bold_paragraphs_ending_with_a_colon_are_headings() {
    let root = sections(parse_markdown(
        "### 3.1 API Outage (P0)\n\n**Detection:**\n- a\n\n**Immediate Actions (0-15 min):**\n```bash\nls\n```\n\n**Impact:** not a heading\n",
    ));
    let outage = &root.children[0];
    let titles: Vec<&str> = outage.children.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Detection", "Immediate Actions (0-15 min)"]);
    assert!(outage.children.iter().all(|s| s.pseudo && s.level == 4));
    // `**Impact:** value` is a key line inside the last phase.
    assert_eq!(outage.children[1].blocks.len(), 2);
}

#[test]
fn nested_items_are_detail_and_nested_checkboxes_steps() {
    let pb = import(
        "# R\n\n## Do\n\n1. Parent\n   - child a\n   - child b\n2. Group\n   - [ ] task a\n   - [x] task b\n",
        "r.md",
    )
    .unwrap();
    let titles: Vec<&str> = pb.procedures[0].steps().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Parent", "Group", "task a", "task b"]);
    let parent = pb.procedures[0].steps().next().unwrap();
    assert_eq!(parent.detail.as_deref(), Some("- child a\n- child b"));
}

#[test]
fn the_heading_rule() {
    // Phases under the title: one procedure named after the title.
    let pb = import("# Disk full\n## Check\n- a\n## Fix\n- b\n", "x.md").unwrap();
    assert_eq!(pb.procedures.len(), 1);
    assert_eq!(pb.procedures[0].id.value, "disk-full");
    let phases: Vec<&str> = pb.procedures[0]
        .phases
        .iter()
        .map(|p| p.id.value.as_str())
        .collect();
    assert_eq!(phases, ["check", "fix"]);
    // Sections of procedures.
    let pb = import(
        "# Book\n## API down\n### Check\n- a\n## DB down\n### Check\n- b\n### Fix phase\n#### Now\n- c\n",
        "x.md",
    )
    .unwrap();
    let procs: Vec<&str> = pb.procedures.iter().map(|p| p.id.value.as_str()).collect();
    assert_eq!(procs, ["api-down", "db-down"]);
    let db: Vec<&str> = pb.procedures[1]
        .phases
        .iter()
        .map(|p| p.id.value.as_str())
        .collect();
    assert_eq!(
        db,
        ["check", "now"],
        "a '... phase' section folds into its procedure"
    );
    // A nested procedure without steps of its own stays separate.
    let pb = import(
        "# Book\n## Triage\n- a\n## API down\n### Fix\n- x\n",
        "x.md",
    )
    .unwrap();
    let procs: Vec<&str> = pb.procedures.iter().map(|p| p.id.value.as_str()).collect();
    assert_eq!(procs, ["book", "api-down"]);
    // Steps straight under the title.
    let pb = import("- [ ] only step\n", "tiny-runbook.md").unwrap();
    assert_eq!(pb.title, "tiny-runbook");
    assert_eq!(pb.procedures[0].phases[0].name, "Steps");
}

#[test]
fn nothing_to_import_is_an_error() {
    assert_eq!(
        import("# Words\n\nOnly prose.\n\n```yaml\na: 1\n```\n", "w.md").unwrap_err(),
        ImportError::NoSteps {
            source: "w.md".into()
        }
    );
}

#[test]
fn severity_tables() {
    let pb = import(
        "# X\n\n| Priority | Response Time | Description |\n|---|---|---|\n| Critical (P0) | 15 min | all down |\n| P1 | 1 hour | |\n| P5 | whenever | |\n\n## Do\n- a\n",
        "x.md",
    )
    .unwrap();
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
    assert_eq!(sev, [("P0", "Critical", "15m"), ("P1", "P1", "1h")]);
    assert_eq!(pb.severities[0].impact.as_deref(), Some("all down"));
}

fn all_runs(pb: &Playbook) -> Vec<String> {
    pb.procedures
        .iter()
        .flat_map(|p| p.steps())
        .filter_map(|s| s.command.as_ref().map(|c| c.run.value.clone()))
        .collect()
}

#[test]
fn output_is_never_a_command() {
    // curl's verbose exchange pasted under the command in a bash block.
    let md = "# Check\n\n## Look\n\n```bash\ncurl -v localhost:9200/\n* Connected to localhost\n> GET / HTTP/1.1\n> Host: localhost:9200\n>\n< HTTP/1.1 200 OK\n{\"ok\":true}\nNAME      READY   STATUS\napi-0     1/1     Running\n```\n";
    let (pb, report) = super::import_with_report(md, "r.md").unwrap();
    assert_eq!(all_runs(&pb), ["curl -v localhost:9200/"]);
    let lines: Vec<usize> = report.skipped.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [7], "{report:#?}");
    assert!(
        report.skipped[0].1.contains("8 lines of output"),
        "{report:#?}"
    );
    // A prompted session: only prompted lines and their continuations.
    let c = runs(
        "$ for p in a b; do\n> echo $p\n> done\na\nb\n$ git gc\nEnumerating objects: 10\nrepack -a -d -l\n",
        Mode::Console { hash_prompt: false },
    );
    assert_eq!(c, ["for p in a b; do\necho $p\ndone", "git gc"]);
    // An unprompted console block: lines that start with a known program.
    let md = "# X\n\n## Fix\n\n```console\nkubectl delete pod -l app=api\npod \"api-0\" deleted\nrepack objects 100%\n/usr/local/bin/fix --now\n```\n";
    let (pb, report) = super::import_with_report(md, "r.md").unwrap();
    assert_eq!(
        all_runs(&pb),
        ["kubectl delete pod -l app=api", "/usr/local/bin/fix --now"]
    );
    assert_eq!(report.skipped.len(), 1, "{report:#?}");
    // text and output blocks are output.
    let md = "# X\n\n## Fix\n\n```bash\nls\n```\n\n```text\nkubectl delete pod x\n```\n\n```output\nrm -rf /\n```\n";
    let (pb, report) = super::import_with_report(md, "r.md").unwrap();
    assert_eq!(all_runs(&pb), ["ls"]);
    assert_eq!(report.skipped.len(), 2, "{report:#?}");
}

#[test]
fn commands_in_prose_become_steps() {
    let md = "# X\n\n## Fix\n\nRoll back: `kubectl rollout undo deploy/api -n prod`.\n\n\
              $ oc delete pod -n x -l app=y\n\n\
              Do not run `kubectl delete ns prod` here, and `kubectl` alone is a name.\n\n\
              - Check it: `kubectl get pods -n prod`\n\
              - See [the guide](https://example.org/guide) and `helm list` (`helm rollback` needs a revision)\n";
    let pb = import(md, "r.md").unwrap();
    assert_eq!(
        all_runs(&pb),
        [
            "kubectl rollout undo deploy/api -n prod",
            "oc delete pod -n x -l app=y",
            "kubectl get pods -n prod"
        ]
    );
    let steps: Vec<_> = pb.procedures.iter().flat_map(|p| p.steps()).collect();
    assert_eq!(
        steps[0].title,
        "Roll back: `kubectl rollout undo deploy/api -n prod`"
    );
    assert_eq!(
        steps[1]
            .command
            .as_ref()
            .map(|c| c.risk.as_ref().map(|r| r.value)),
        Some(Some(Risk::Destructive))
    );
    let guide = steps
        .iter()
        .find(|s| s.title.starts_with("See the guide"))
        .unwrap();
    assert_eq!(
        guide.detail.as_deref(),
        Some("link: the guide (https://example.org/guide)")
    );
}

#[test]
fn front_matter_title_and_description_are_kept() {
    let md = "---\ntitle: \"Disk full on a router\"\ndescription: When the router disk fills.\nweight: 4\n---\n\n## Check\n\n```sh\ndf -h\n```\n\n```yaml\na: 1\n```\n";
    let (pb, report) = super::import_with_report(md, "disk.md").unwrap();
    assert_eq!(pb.title, "Disk full on a router");
    assert_eq!(pb.notes[0], "When the router disk fills.");
    // Line numbers still count the front matter's lines.
    assert_eq!(
        report.skipped,
        [(13, "a ```yaml block (not shell)".to_string())]
    );
    let toml = "+++\ntitle = \"Rotate keys\"\n+++\n\n## Steps\n\n```sh\nls\n```\n";
    assert_eq!(import(toml, "k.md").unwrap().title, "Rotate keys");
}

#[test]
fn placeholders_in_every_form_become_parameters() {
    let md = "# X\n\n## Fix\n\n```sh\nhelm rollback <Release Name> {revision} -n {{ namespace }} --kube-context ${CTX} --kubeconfig $HOME/.kube/config\n{{end}}\n```\n";
    let pb = import(md, "r.md").unwrap();
    let c = pb.procedures[0]
        .steps()
        .next()
        .unwrap()
        .command
        .clone()
        .unwrap();
    let names: Vec<&str> = c.params.keys().map(String::as_str).collect();
    assert_eq!(names, ["CTX", "namespace", "release-name", "revision"]);
    assert_eq!(c.risk.unwrap().value, Risk::Change);
}

#[test]
fn a_huge_runbook_is_refused_at_its_markdown_line() {
    let mut md = String::from("# Big\n\n## Steps\n\n```bash\n");
    for i in 0..40_000 {
        md.push_str(&format!("kubectl get pods -n ns{i} -l app=a{i}\n"));
    }
    md.push_str("```\n");
    let err = import(&md, "big.md").unwrap_err();
    let ImportError::TooLarge { line, .. } = &err else {
        panic!("{err}")
    };
    assert!(*line > 6 && *line < 40_006, "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("big.md:{line}: the runbook is too large")),
        "{err}"
    );
}

#[test]
fn an_inferred_namespace_never_holds_control_characters() {
    let md = "# X\n\n## Fix\n\n```sh\nkubectl get pods -n prod\u{1b}[2J\nkubectl get pods -n prod\u{1b}[2J\nkubectl get pods -n web\n```\n";
    let (pb, report) = super::import_with_report(md, "r.md").unwrap();
    assert_eq!(pb.watch.namespace.as_deref(), Some("web"));
    assert_eq!(all_runs(&pb)[0], "kubectl get pods -n prod^[[2J");
    assert!(
        report
            .skipped
            .iter()
            .any(|(l, w)| *l == 6 && w.contains("control or invisible characters")),
        "{report:#?}"
    );
}

#[test]
fn the_report_reads_file_line_what_sorted_and_inert() {
    let r = super::Report {
        skipped: vec![
            (9, "note: this command holds control characters".into()),
            (3, "output, not a command: \u{1b}[2J".into()),
        ],
    };
    assert_eq!(
        r.lines("r.md"),
        [
            "r.md:3: skipped output, not a command: ^[[2J",
            "r.md:9: this command holds control characters"
        ]
    );
}
