//! Importing either seed yields the same commands as the shipped playbook.
//! Commands are compared line by line (a multi-line run is several lines;
//! a `workdir` counts as its `cd` line), whitespace folded.

use incident_cockpit::playbook::model::Playbook;
use incident_cockpit::playbook::{import::import, load_bundled};
use std::collections::BTreeMap;

fn lines(pb: &Playbook) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for p in &pb.procedures {
        for s in p.steps() {
            let Some(c) = &s.command else { continue };
            if let Some(w) = &c.workdir {
                *m.entry(format!("cd {w}")).or_insert(0) += 1;
            }
            for l in c.run.value.lines() {
                let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
                if !l.is_empty() {
                    *m.entry(l).or_insert(0) += 1;
                }
            }
        }
    }
    m
}

fn check(seed: &str, shipped: &str) {
    // The repository's copy of the seeds (tests/seed_coverage.rs checks it
    // against the originals when they are beside the checkout).
    let path = format!("{}/tests/fixtures/seeds/{seed}", env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read seed {path}: {e}"));
    let imported = import(&text, seed).unwrap();
    let shipped = load_bundled(shipped).unwrap();
    let (a, b) = (lines(&imported), lines(&shipped));
    let only_imported: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_shipped: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_imported.is_empty() && only_shipped.is_empty(),
        "{seed}: commands differ\nonly in the import: {only_imported:#?}\nonly in the shipped playbook: {only_shipped:#?}"
    );
}

#[test]
fn dicps_import_matches_the_shipped_playbook() {
    check("002_ebb5531199febe57.txt", "dicps.yaml");
}

#[test]
fn zkp_ledger_import_matches_the_shipped_playbook() {
    check("000_491fbd48c38daa10.txt", "zkp-ledger.yaml");
}

/// Every import, written as YAML, passes the full lint.
#[test]
fn every_import_passes_lint() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/runbooks");
    let mut n = 0;
    for e in std::fs::read_dir(fixtures).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let pb = import(&text, &path.display().to_string()).unwrap();
        let out = dir.path().join(format!("{n}.yaml"));
        std::fs::write(&out, incident_cockpit::playbook::import::to_yaml(&pb)).unwrap();
        if let Err(e) = incident_cockpit::playbook::load_file(&out) {
            panic!(
                "{} imports to a playbook lint refuses:\n{e}",
                path.display()
            );
        }
        n += 1;
    }
    assert!(n >= 6, "{n} runbooks");
}
