//! `playbook import` measured on the project's own runbooks in the styles
//! people write (tests/fixtures/runbooks/style-*.md, written for this
//! project): each has a sidecar `.expected` with the commands a person
//! counts in it and the risk of each (`risk<TAB>command`, `\n` for a line
//! break inside a command).
//!
//! Prints recall and precision; precision must be 100 % (no output line,
//! prose sentence or comment becomes a step), recall at least 97 %, and no
//! changing command may be classified `read`.
//!
//! `cargo test --profile ci --test suite import_fixtures:: -- --nocapture` prints the
//! figures.

use incident_cockpit::playbook::import::import_with_report;
use incident_cockpit::playbook::model::Risk;
use std::collections::BTreeMap;
use std::path::Path;

fn norm(s: &str) -> String {
    s.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn risk(s: &str) -> Risk {
    match s {
        "read" => Risk::Read,
        "change" => Risk::Change,
        "destructive" => Risk::Destructive,
        other => panic!("unknown risk {other:?}"),
    }
}

#[test]
fn recall_and_precision_on_the_style_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runbooks");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("style-") && n.ends_with(".md"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{} style fixtures", names.len());
    let (mut expected_n, mut imported_n, mut matched_n) = (0, 0, 0);
    let mut risk_ok = 0;
    let mut problems = Vec::new();
    let mut read_but_changing = Vec::new();
    let mut per_style: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    println!("\nfixture                                              expected imported matched");
    for name in &names {
        let md = std::fs::read_to_string(dir.join(name)).unwrap();
        let exp_text = std::fs::read_to_string(dir.join(format!("{name}.expected")))
            .unwrap_or_else(|e| panic!("{name}.expected: {e}"));
        let mut expected: Vec<(String, Risk)> = exp_text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (r, c) = l
                    .split_once('\t')
                    .unwrap_or_else(|| panic!("{name}.expected: {l:?}"));
                (norm(&c.replace("\\n", "\n")), risk(r))
            })
            .collect();
        let (pb, _report) = import_with_report(&md, name).unwrap_or_else(|e| panic!("{e}"));
        let imported: Vec<(String, Risk)> = pb
            .procedures
            .iter()
            .flat_map(|p| p.steps())
            .filter_map(|s| s.command.as_ref())
            .map(|c| {
                let mut run = c.run.value.clone();
                if let Some(w) = &c.workdir {
                    run = format!("cd {w}\n{run}");
                }
                (
                    norm(&run),
                    c.risk.as_ref().map_or(Risk::Change, |r| r.value),
                )
            })
            .collect();
        let (e, i) = (expected.len(), imported.len());
        let mut m = 0;
        for (run, r) in &imported {
            match expected.iter().position(|(x, _)| x == run) {
                Some(k) => {
                    let (_, want) = expected.remove(k);
                    m += 1;
                    if *r == want {
                        risk_ok += 1;
                    } else {
                        problems.push(format!(
                            "{name}: risk of {run:?} is {}, expected {}",
                            r.name(),
                            want.name()
                        ));
                    }
                    if want > Risk::Read && *r == Risk::Read {
                        read_but_changing.push(format!("{name}: {run}"));
                    }
                }
                None => problems.push(format!("{name}: not a command, imported: {run:?}")),
            }
        }
        for (run, _) in &expected {
            problems.push(format!("{name}: missed: {run:?}"));
        }
        println!("{name:52} {e:8} {i:8} {m:7}");
        let style = name
            .trim_start_matches("style-")
            .split('-')
            .next()
            .unwrap_or("")
            .to_string();
        let s = per_style.entry(style).or_default();
        s.0 += e;
        s.1 += i;
        s.2 += m;
        expected_n += e;
        imported_n += i;
        matched_n += m;
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!();
    for (style, (e, i, m)) in &per_style {
        println!(
            "{style:10} recall {:5.1} %  precision {:5.1} %  ({m} of {e} expected, {i} imported)",
            pct(*m, *e),
            pct(*m, *i)
        );
    }
    let recall = pct(matched_n, expected_n);
    let precision = pct(matched_n, imported_n);
    println!(
        "all        recall {recall:5.1} %  precision {precision:5.1} %  ({matched_n} of {expected_n} expected commands, {imported_n} imported, {} runbooks); risk as expected for {risk_ok} of {matched_n}",
        names.len()
    );
    for p in &problems {
        println!("  {p}");
    }
    assert!(
        read_but_changing.is_empty(),
        "changing commands classified read: {read_but_changing:#?}"
    );
    assert_eq!(risk_ok, matched_n, "risks not as expected: {problems:#?}");
    assert_eq!(precision, 100.0, "{problems:#?}");
    assert!(recall >= 97.0, "recall {recall:.1} %: {problems:#?}");
    assert!(expected_n >= 100, "{expected_n} expected commands");
}

/// The command line lists what the import left out, with line numbers.
#[test]
fn the_import_summary_lists_what_was_left_out() {
    let md = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/runbooks/style-saas-elasticsearch-disk-watermark.md");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_incident-cockpit"))
        .args(["playbook", "import"])
        .arg(&md)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("style-saas-elasticsearch-disk-watermark.md:19: skipped 8 lines of output"),
        "{err}"
    );
    assert!(err.contains("were left out"), "{err}");
    let yaml = String::from_utf8_lossy(&out.stdout);
    assert!(!yaml.contains("Connected to localhost"), "{yaml}");
}
