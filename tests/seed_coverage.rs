//! The shipped playbooks against the seeds they come from: every command in
//! the seeds' shell blocks is a command step (written as the seed writes
//! it), declared risks are never below the inferred risk, placeholders and
//! parameters match, the expected procedures exist, and every reference in
//! the playbooks resolves.
//!
//! The repository carries a copy of the seeds (`tests/fixtures/seeds/`), so
//! a clone with nothing beside it runs these tests; when the originals are
//! beside the checkout (`../shared/seeds/`, as in CI) the copy must still
//! be identical to them.

use incident_cockpit::playbook::model::{Command, Playbook, Procedure, Step};
use incident_cockpit::playbook::{load::BUNDLED, load_bundled, placeholders, risk};
use incident_cockpit::time::parse_duration;
use std::collections::{BTreeMap, BTreeSet};

const SEED_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds/");
const ORIGINALS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds/");

/// Each seed and the bundled playbook that expresses it.
const SEEDS: &[(&str, &str)] = &[
    ("000_491fbd48c38daa10.txt", "zkp-ledger.yaml"),
    ("002_ebb5531199febe57.txt", "dicps.yaml"),
];

const PROCEDURES: &[(&str, &[&str])] = &[
    (
        "dicps.yaml",
        &[
            "api-outage",
            "data-breach",
            "zk-circuit-compromise",
            "ddos",
            "database-failure",
            "access-verification",
        ],
    ),
    (
        "zkp-ledger.yaml",
        &[
            "initial-response",
            "technical-investigation",
            "security-investigation",
            "cryptographic-vulnerability",
            "data-corruption",
            "supply-chain-compromise",
            "performance-degradation",
            "service-recovery",
            "data-recovery",
        ],
    ),
];

/// Fields a template may fill from the incident.
const TEMPLATE_FIELDS: &[&str] = &[
    "title",
    "severity",
    "status",
    "impact",
    "ic",
    "started",
    "updated",
    "next_update",
    "date",
    "incident_id",
    "duration",
    "root_cause",
    "resolution",
    "prevention",
    "affected",
    "channel",
    "start_date_utc",
    "start_time_utc",
    "end_time_utc",
];

const TEMPLATE_KINDS: &[&str] = &[
    "status-page",
    "internal",
    "initial",
    "customer",
    "resolution",
    "regulator",
    "postmortem",
];

fn read_seed(name: &str) -> String {
    let path = format!("{SEED_DIR}{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read seed {path}: {e}\n(the repository's copy of the seeds; \
             without them the playbooks cannot be checked)"
        )
    })
}

fn load(name: &str) -> Playbook {
    load_bundled(name).unwrap_or_else(|e| panic!("bundled playbook {name} does not load:\n{e}"))
}

/// The bundled playbooks (not the policy files they include).
fn bundled_playbooks() -> Vec<(&'static str, Playbook)> {
    BUNDLED
        .iter()
        .filter(|(p, _)| !p.starts_with("policy/"))
        .map(|(p, _)| (*p, load(p)))
        .collect()
}

/// Collapses runs of whitespace into one space and trims.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The command lines of a seed's ```bash / ```sh / ```shell blocks, with
/// the seed line they start on: `\` continuations joined with one space,
/// whitespace collapsed, blank lines and `#` comments dropped.
fn seed_commands(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    let mut shell = false;
    let mut pending: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        let trimmed = raw.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_block {
                if let Some((n, cmd)) = pending.take()
                    && shell
                {
                    push_command(&mut out, n, &cmd);
                }
                in_block = false;
            } else {
                in_block = true;
                let lang = info.split_whitespace().next().unwrap_or("");
                shell = matches!(lang, "bash" | "sh" | "shell");
            }
            continue;
        }
        if !in_block || !shell {
            continue;
        }
        let t = raw.trim_end();
        let (part, continues) = match t.strip_suffix('\\') {
            Some(p) => (p, true),
            None => (t, false),
        };
        let (start, mut cmd) = pending.take().unwrap_or((lineno, String::new()));
        cmd.push(' ');
        cmd.push_str(part);
        if continues {
            pending = Some((start, cmd));
        } else {
            push_command(&mut out, start, &cmd);
        }
    }
    assert!(!in_block, "unterminated code block in a seed");
    out
}

fn push_command(out: &mut Vec<(usize, String)>, line: usize, cmd: &str) {
    let cmd = norm(cmd);
    if !cmd.is_empty() && !cmd.starts_with('#') {
        out.push((line, cmd));
    }
}

/// Every command step of a playbook with where it is.
fn command_steps(pb: &Playbook) -> Vec<(String, &Step, &Command)> {
    let mut v = Vec::new();
    for p in &pb.procedures {
        for s in p.steps() {
            if let Some(c) = &s.command {
                v.push((format!("{}/{}", p.id.value, s.id.value), s, c));
            }
        }
    }
    v
}

/// How often each normalised line occurs in the playbook's command runs.
fn run_lines(pb: &Playbook) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for (_, _, c) in command_steps(pb) {
        for line in c.run.value.split('\n') {
            let l = norm(line);
            if !l.is_empty() {
                *m.entry(l).or_insert(0) += 1;
            }
        }
    }
    m
}

#[test]
fn the_seed_reader_joins_continuations_and_drops_comments() {
    let text = "intro\n```bash\n# 1. A comment\ncurl x\n\naws a \\\n  --b c \\\n    --d e\n```\n\
                ```yaml\nkey: value\n```\n```\nplain\n```\n```sh\nfor i in $(x); do\n  echo $i\ndone\n```\n";
    let got: Vec<(usize, String)> = seed_commands(text);
    let want = [
        (4, "curl x"),
        (6, "aws a --b c --d e"),
        (17, "for i in $(x); do"),
        (18, "echo $i"),
        (19, "done"),
    ];
    assert_eq!(
        got,
        want.iter()
            .map(|(n, s)| (*n, s.to_string()))
            .collect::<Vec<_>>()
    );
}

#[test]
fn every_seed_command_is_a_command_step() {
    let mut problems = Vec::new();
    for (seed, playbook) in SEEDS {
        let text = read_seed(seed);
        let commands = seed_commands(&text);
        assert!(
            commands.len() >= 20,
            "{seed}: only {} command lines found in its shell blocks; is the file right?",
            commands.len()
        );
        let pb = load(playbook);
        let have = run_lines(&pb);
        let mut available = have.clone();
        let mut wanted: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, c) in &commands {
            *wanted.entry(c.as_str()).or_insert(0) += 1;
        }
        for (line, cmd) in &commands {
            match available.get_mut(cmd) {
                Some(n) if *n > 0 => *n -= 1,
                _ => problems.push(format!(
                    "{seed}:{line}: `{cmd}` is not a line of any command step's run in {playbook} \
                     (the seed has it {} time(s), the playbook {})",
                    wanted[cmd.as_str()],
                    have.get(cmd).copied().unwrap_or(0)
                )),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "seed commands missing from the playbooks:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_command_step_declares_a_risk_no_lower_than_inferred() {
    let mut problems = Vec::new();
    for (name, pb) in bundled_playbooks() {
        for (at, _, c) in command_steps(&pb) {
            let inferred = risk::analyse(&c.run.value).known;
            match &c.risk {
                None => problems.push(format!(
                    "{name}: {at}: no risk declared (inferred {})",
                    inferred.name()
                )),
                Some(r) if r.value < inferred => problems.push(format!(
                    "{name}:{}: {at}: risk {} is below the inferred {} for `{}`",
                    r.line,
                    r.value.name(),
                    inferred.name(),
                    c.run.value
                )),
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn placeholders_are_declared_and_params_are_used() {
    let mut problems = Vec::new();
    for (name, pb) in bundled_playbooks() {
        for (at, _, c) in command_steps(&pb) {
            let run = &c.run.value;
            for f in placeholders::find(run) {
                if !c.params.contains_key(&f.name) {
                    problems.push(format!(
                        "{name}: {at}: placeholder {} is not declared under params",
                        f.text
                    ));
                }
            }
            for (p, param) in &c.params {
                if placeholders::texts_for(run, p, param).is_empty() {
                    problems.push(format!(
                        "{name}: {at}: param {p:?} is neither a placeholder in nor the token of `{run}`"
                    ));
                }
                if param.description.as_deref().is_none_or(str::is_empty) {
                    problems.push(format!("{name}: {at}: param {p:?} has no description"));
                }
                if let Some(pat) = &param.pattern {
                    match regex::Regex::new(&format!("^(?:{})$", pat.value)) {
                        Err(e) => problems.push(format!(
                            "{name}:{}: {at}: param {p:?}: bad pattern: {e}",
                            pat.line
                        )),
                        Ok(re) => {
                            if let Some(tok) = &param.token
                                && !re.is_match(tok)
                            {
                                problems.push(format!(
                                    "{name}: {at}: param {p:?}: token {tok:?} does not match its pattern"
                                ));
                            }
                        }
                    }
                }
                if let Some(from) = &param.from
                    && !matches!(from.as_str(), "pod" | "namespace" | "selector" | "context")
                    && !from.starts_with("alert.")
                {
                    problems.push(format!("{name}: {at}: param {p:?}: unknown from {from:?}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whether a command line needs a shell: pipes, `$(…)`, redirections,
/// `;`, `&&`, backticks, globs or more than one line, outside quotes.
/// Placeholders (`<acl-id>`) are filled in before anything runs.
fn needs_shell(run: &str) -> bool {
    let mut run = run.trim_end().to_string();
    for f in placeholders::find(&run.clone()) {
        run = run.replace(&f.text, "X");
    }
    let (mut sq, mut dq) = (false, false);
    let mut chars = run.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if !dq => sq = !sq,
            '"' if !sq => dq = !dq,
            '\\' if !sq => {
                chars.next();
            }
            '$' if !sq && chars.peek() == Some(&'(') => return true,
            '`' if !sq => return true,
            '|' | '<' | '>' | ';' | '&' | '\n' | '*' | '?' if !sq && !dq => return true,
            _ => {}
        }
    }
    false
}

#[test]
fn commands_that_need_a_shell_say_so() {
    let mut problems = Vec::new();
    for (name, pb) in bundled_playbooks() {
        for (at, _, c) in command_steps(&pb) {
            if needs_shell(&c.run.value) && !c.shell {
                problems.push(format!(
                    "{name}: {at}: `{}` needs `shell: true`",
                    c.run.value
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_expected_procedures_exist() {
    for (name, ids) in PROCEDURES {
        let pb = load(name);
        let have: Vec<&str> = pb.procedures.iter().map(|p| p.id.value.as_str()).collect();
        for id in *ids {
            assert!(
                pb.procedure(id).is_some(),
                "{name}: procedure {id:?} is missing (it has: {})",
                have.join(", ")
            );
        }
    }
}

fn check_duration(problems: &mut Vec<String>, name: &str, what: &str, text: &str, line: u64) {
    if let Err(e) = parse_duration(text) {
        problems.push(format!("{name}:{line}: {what}: {e}"));
    }
}

/// `0-15m`, `15m-30m`, `30m-4h` or just an end (`15m`).
fn timebox(text: &str) -> Result<(u64, u64), String> {
    let part = |s: &str| -> Result<u64, String> {
        if s.trim() == "0" {
            Ok(0)
        } else {
            parse_duration(s).map(|d| d.as_secs())
        }
    };
    let (start, end) = match text.split_once('-') {
        Some((a, b)) => (part(a)?, part(b)?),
        None => (0, part(text)?),
    };
    if start >= end {
        return Err(format!("time box {text:?} ends before it starts"));
    }
    Ok((start, end))
}

/// The ids and names a playbook's references point at.
struct Ids<'a> {
    severities: BTreeSet<&'a str>,
    roles: BTreeSet<&'a str>,
    conditions: BTreeSet<&'a str>,
    templates: BTreeSet<&'a str>,
    /// Contact and role names, for escalation `notify`.
    people: BTreeSet<&'a str>,
}

impl<'a> Ids<'a> {
    fn of(pb: &'a Playbook) -> Self {
        Ids {
            severities: pb.severities.iter().map(|s| s.id.value.as_str()).collect(),
            roles: pb.roles.iter().map(|r| r.id.value.as_str()).collect(),
            conditions: pb.conditions.iter().map(|c| c.id.value.as_str()).collect(),
            templates: pb.templates.iter().map(|t| t.id.value.as_str()).collect(),
            people: pb
                .contacts
                .iter()
                .map(|c| c.name.as_str())
                .chain(pb.roles.iter().map(|r| r.name.as_str()))
                .collect(),
        }
    }
}

/// Severities, escalation and deadlines (mostly from the policy file).
fn check_policy(name: &str, pb: &Playbook, ids: &Ids, problems: &mut Vec<String>) {
    for s in &pb.severities {
        if s.response.value != "next business day" {
            check_duration(
                problems,
                name,
                "severity response",
                &s.response.value,
                s.response.line,
            );
        }
    }
    for e in &pb.escalation {
        if let Some(s) = &e.severity
            && !ids.severities.contains(s.value.as_str())
        {
            problems.push(format!(
                "{name}:{}: escalation: unknown severity {:?}",
                s.line, s.value
            ));
        }
        if let Some(a) = &e.after {
            check_duration(problems, name, "escalation after", &a.value, a.line);
        }
        if let Some(w) = &e.when
            && !ids.conditions.contains(w.value.as_str())
        {
            problems.push(format!(
                "{name}:{}: escalation: unknown condition {:?}",
                w.line, w.value
            ));
        }
        if e.severity.is_none() && e.when.is_none() {
            problems.push(format!(
                "{name}: escalation to {:?} has neither severity nor when",
                e.notify
            ));
        }
        if let Some(l) = &e.level
            && !matches!(l.as_str(), "initial" | "escalation" | "executive")
        {
            problems.push(format!("{name}: escalation level {l:?}"));
        }
        for n in &e.notify {
            if !ids.people.contains(n.as_str()) {
                problems.push(format!(
                    "{name}: escalation notifies {n:?}, not a contact or role"
                ));
            }
        }
    }
    for d in &pb.deadlines {
        if let Some(w) = &d.within {
            check_duration(problems, name, "deadline within", &w.value, w.line);
        }
        if let Some(w) = &d.when
            && !ids.conditions.contains(w.value.as_str())
        {
            problems.push(format!(
                "{name}:{}: deadline {}: unknown condition {:?}",
                w.line, d.id.value, w.value
            ));
        }
        if let Some(t) = &d.template
            && !ids.templates.contains(t.value.as_str())
        {
            problems.push(format!(
                "{name}:{}: deadline {}: unknown template {:?}",
                t.line, d.id.value, t.value
            ));
        }
    }
}

fn check_procedure(name: &str, p: &Procedure, ids: &Ids, problems: &mut Vec<String>) {
    let pid = &p.id.value;
    if let Some(s) = &p.severity
        && !ids.severities.contains(s.value.as_str())
    {
        problems.push(format!(
            "{name}:{}: {pid}: unknown severity {:?}",
            s.line, s.value
        ));
    }
    for t in &p.templates {
        if !ids.templates.contains(t.value.as_str()) {
            problems.push(format!(
                "{name}:{}: {pid}: unknown template {:?}",
                t.line, t.value
            ));
        }
    }
    for c in &p.conditions {
        if !ids.conditions.contains(c.value.as_str()) {
            problems.push(format!(
                "{name}:{}: {pid}: unknown condition {:?}",
                c.line, c.value
            ));
        }
    }
    let mut phase_ids = BTreeSet::new();
    let mut step_ids = BTreeSet::new();
    let mut last_end = 0;
    for ph in &p.phases {
        if !phase_ids.insert(ph.id.value.as_str()) {
            problems.push(format!(
                "{name}:{}: {pid}: duplicate phase id {:?}",
                ph.id.line, ph.id.value
            ));
        }
        if ph.steps.is_empty() {
            problems.push(format!(
                "{name}:{}: {pid}/{}: no steps",
                ph.id.line, ph.id.value
            ));
        }
        if let Some(tb) = &ph.timebox {
            match timebox(&tb.value) {
                Ok((start, end)) => {
                    if start < last_end {
                        problems.push(format!(
                            "{name}:{}: {pid}: time box {:?} overlaps the previous phase",
                            tb.line, tb.value
                        ));
                    }
                    last_end = end;
                }
                Err(e) => problems.push(format!("{name}:{}: {pid}: {e}", tb.line)),
            }
        }
        for s in &ph.steps {
            if !step_ids.insert(s.id.value.as_str()) {
                problems.push(format!(
                    "{name}:{}: {pid}: duplicate step id {:?}",
                    s.id.line, s.id.value
                ));
            }
            if let Some(r) = &s.role
                && !ids.roles.contains(r.value.as_str())
            {
                problems.push(format!(
                    "{name}:{}: {pid}/{}: unknown role {:?}",
                    r.line, s.id.value, r.value
                ));
            }
            if let Some(t) = s.command.as_ref().and_then(|c| c.timeout.as_ref()) {
                check_duration(problems, name, "timeout", &t.value, t.line);
            }
        }
    }
}

/// Templates, follow-ups, the post-mortem and thresholds.
fn check_the_rest(name: &str, pb: &Playbook, ids: &Ids, problems: &mut Vec<String>) {
    if ids.templates.len() != pb.templates.len() {
        problems.push(format!("{name}: duplicate template ids"));
    }
    let field = regex::Regex::new(r"\{([A-Za-z_]+)\}").unwrap();
    for t in &pb.templates {
        if let Some(c) = &t.cadence {
            check_duration(problems, name, "template cadence", &c.value, c.line);
        }
        if let Some(k) = &t.kind
            && !TEMPLATE_KINDS.contains(&k.as_str())
        {
            problems.push(format!("{name}: template {}: kind {k:?}", t.id.value));
        }
        let text = format!("{}\n{}", t.subject.as_deref().unwrap_or(""), t.body);
        for cap in field.captures_iter(&text) {
            if !TEMPLATE_FIELDS.contains(&&cap[1]) {
                problems.push(format!(
                    "{name}: template {}: unknown field {{{}}}",
                    t.id.value, &cap[1]
                ));
            }
        }
    }
    for f in &pb.followups {
        check_duration(
            problems,
            name,
            "followup within",
            &f.within.value,
            f.within.line,
        );
    }
    if let Some(w) = pb.postmortem.as_ref().and_then(|pm| pm.within.as_ref()) {
        check_duration(problems, name, "postmortem within", &w.value, w.line);
    }
    for f in pb.watch.thresholds.iter().filter_map(|t| t.for_.as_ref()) {
        check_duration(problems, name, "threshold for", &f.value, f.line);
    }
}

#[test]
fn every_reference_in_the_playbooks_resolves() {
    let mut problems = Vec::new();
    for (name, pb) in bundled_playbooks() {
        let ids = Ids::of(&pb);
        check_policy(name, &pb, &ids, &mut problems);
        for p in &pb.procedures {
            check_procedure(name, p, &ids, &mut problems);
        }
        check_the_rest(name, &pb, &ids, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The copy the repository carries is the seeds as their authors wrote
/// them: when the originals are beside the checkout, they are the same.
#[test]
fn the_copied_seeds_are_the_originals() {
    for (seed, _) in SEEDS {
        let original = format!("{ORIGINALS}{seed}");
        match std::fs::read_to_string(&original) {
            Ok(text) => assert!(
                text == read_seed(seed),
                "tests/fixtures/seeds/{seed} differs from {original}: copy it again"
            ),
            Err(_) => eprintln!("{original} is not beside the checkout: the copy is used as it is"),
        }
    }
}
