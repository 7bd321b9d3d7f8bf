//! The incidents and drills under a state directory: listing them, and
//! choosing the one a command means. Drills live apart from incidents
//! (`drills/` beside `incidents/`): they are found by their id, and never
//! chosen when no id is given.

use crate::state::Incident;
use crate::timeline::store::{DRILLS, FileStore, INCIDENTS, read_file};
use anyhow::{Result, anyhow};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Summary {
    pub id: String,
    pub path: PathBuf,
    pub incident: Incident,
}

impl Summary {
    pub fn is_open(&self) -> bool {
        self.incident.is_open()
    }

    pub fn is_drill(&self) -> bool {
        self.incident.drill
    }
}

/// Every log in one folder of the state directory, most recently declared
/// first.
fn in_folder(state_dir: &Path, folder: &str) -> Result<Vec<Summary>> {
    let dir = state_dir.join(folder);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(anyhow!("cannot read {}: {e}", dir.display())),
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let id = e.file_name().to_string_lossy().into_owned();
        let path = FileStore::path_in(state_dir, folder, &id);
        let Ok(read) = read_file(&path) else { continue };
        if read.records.is_empty() {
            continue;
        }
        out.push(Summary {
            id,
            path,
            incident: Incident::replay(&read.records),
        });
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.incident.declared_at));
    Ok(out)
}

/// Every real incident, most recently declared first (no drills, not even
/// one recorded under `incidents/` by an older version).
pub fn all(state_dir: &Path) -> Result<Vec<Summary>> {
    let mut v = in_folder(state_dir, INCIDENTS)?;
    v.retain(|s| !s.is_drill());
    Ok(v)
}

/// Every drill, most recently declared first.
pub fn drills(state_dir: &Path) -> Result<Vec<Summary>> {
    let mut v = in_folder(state_dir, DRILLS)?;
    v.extend(
        in_folder(state_dir, INCIDENTS)?
            .into_iter()
            .filter(Summary::is_drill),
    );
    v.sort_by_key(|s| std::cmp::Reverse(s.incident.declared_at));
    Ok(v)
}

/// An incident or a drill by its id.
pub fn find(state_dir: &Path, id: &str) -> Result<Option<Summary>> {
    Ok(all(state_dir)?
        .into_iter()
        .chain(drills(state_dir)?)
        .find(|s| s.id == id))
}

fn ids(list: &[&Summary]) -> String {
    list.iter()
        .map(|s| s.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The incident or drill `id` names, or, without one, the only open real
/// incident (a drill is never chosen without its id).
pub fn choose(state_dir: &Path, id: Option<&str>) -> Result<Summary> {
    if let Some(id) = id {
        if let Some(e) = unreadable(state_dir, id) {
            return Err(e);
        }
        return find(state_dir, id)?.ok_or_else(|| {
            let mut known: Vec<Summary> = all(state_dir).unwrap_or_default();
            known.extend(drills(state_dir).unwrap_or_default());
            let known: Vec<&Summary> = known.iter().take(10).collect();
            anyhow!(
                "no incident or drill {id:?} in {} (recent: {})",
                state_dir.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    ids(&known)
                }
            )
        });
    }
    let list = all(state_dir)?;
    let open: Vec<&Summary> = list.iter().filter(|s| s.is_open()).collect();
    match open.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let drills = drills(state_dir).unwrap_or_default();
            let open_drills: Vec<&Summary> = drills.iter().filter(|s| s.is_open()).collect();
            let hint = if open_drills.is_empty() {
                String::new()
            } else {
                format!(
                    "; open drills are only chosen by their id: {}",
                    ids(&open_drills)
                )
            };
            Err(anyhow!(
                "no open incident in {} (declare one with `incident-cockpit open --playbook ...`, or name one: `incident-cockpit list --all`){hint}",
                state_dir.display()
            ))
        }
        many => Err(anyhow!(
            "{} incidents are open; name one: {}",
            many.len(),
            ids(many)
        )),
    }
}

/// Why an incident or drill that is there has no record to go on from:
/// an empty timeline (the cockpit stopped before its declaration was
/// written), or one with no readable record. `None` when it has records
/// (or is not there).
pub fn unreadable(state_dir: &Path, id: &str) -> Option<anyhow::Error> {
    crate::timeline::store::validate_id(id).ok()?;
    for folder in [INCIDENTS, DRILLS] {
        let path = FileStore::path_in(state_dir, folder, id);
        if !path.exists() {
            continue;
        }
        let read = match read_file(&path) {
            Ok(r) => r,
            Err(e) => return Some(e),
        };
        if !read.records.is_empty() {
            return None;
        }
        if read.warnings.is_empty() {
            return Some(anyhow!(
                "{id} was never declared: its timeline {} is empty (the cockpit stopped before writing the declaration). \
                 There is nothing to go on from; declare it again (`incident-cockpit open ...` or `incident-cockpit drill`). \
                 The empty file was left as it is; remove its directory when you like.",
                path.display()
            ));
        }
        return Some(anyhow!(
            "{id} has no readable record: every line of {} is damaged:\n{}\n\
             Nothing was changed. Keep a copy of the file and repair its lines into the records they were \
             (the first is the declaration), then run this again.",
            path.display(),
            read.warnings
                .iter()
                .map(|w| format!("  {w}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    None
}

/// The timelines under the state directory that `list` cannot show (empty,
/// or with no readable record), each with why.
pub fn unlisted(state_dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for folder in [INCIDENTS, DRILLS] {
        let Ok(entries) = std::fs::read_dir(state_dir.join(folder)) else {
            continue;
        };
        let mut ids: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        ids.sort();
        for id in ids {
            if let Some(e) = unreadable(state_dir, &id) {
                out.push(format!("{e:#}"));
            }
        }
    }
    out
}

/// The drill `id` names, or, without one, the only open drill; `None`
/// when no id is given and no drill is open.
pub fn choose_drill(state_dir: &Path, id: Option<&str>) -> Result<Option<Summary>> {
    let list = drills(state_dir)?;
    if let Some(id) = id {
        return Ok(list.into_iter().find(|s| s.id == id));
    }
    let open: Vec<&Summary> = list.iter().filter(|s| s.is_open()).collect();
    match open.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((*one).clone())),
        many => Err(anyhow!(
            "{} drills are open; name one: {}",
            many.len(),
            ids(many)
        )),
    }
}

/// `incident-cockpit list` as text.
pub fn table(list: &[Summary], now: chrono::DateTime<chrono::Utc>) -> String {
    let mut out = format!(
        "{:<36} {:<4} {:<14} {:>9}  {}\n",
        "ID", "SEV", "STATUS", "ELAPSED", "TITLE"
    );
    for s in list {
        let i = &s.incident;
        let title = if i.drill {
            format!("[DRILL] {}", i.title)
        } else {
            i.title.clone()
        };
        out.push_str(&format!(
            "{:<36} {:<4} {:<14} {:>9}  {}\n",
            s.id,
            crate::sanitize::clean(&i.severity),
            i.status.map_or("-", |x| x.name()),
            crate::time::hms(i.elapsed(now)),
            crate::sanitize::clean(&title)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Store;
    use chrono::DateTime;

    fn declare(dir: &Path, id: &str, drill: bool, secs: i64) {
        let mut s = if drill {
            FileStore::create_drill(dir, id).unwrap()
        } else {
            FileStore::create(dir, id).unwrap()
        };
        s.append(
            DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap(),
            "ana@h",
            crate::testkit::declared(id, drill),
        )
        .unwrap();
    }

    #[test]
    fn drills_live_apart_and_are_only_chosen_by_id() {
        let dir = tempfile::tempdir().unwrap();
        declare(dir.path(), "drill-1", true, 10);
        assert!(dir.path().join("drills/drill-1/timeline.jsonl").is_file());
        assert!(all(dir.path()).unwrap().is_empty(), "not an incident");
        let err = choose(dir.path(), None).unwrap_err().to_string();
        assert!(err.contains("no open incident"), "{err}");
        assert!(err.contains("only chosen by their id: drill-1"), "{err}");
        assert!(choose(dir.path(), Some("drill-1")).unwrap().is_drill());

        declare(dir.path(), "inc-1", false, 0);
        assert_eq!(choose(dir.path(), None).unwrap().id, "inc-1");
        assert_eq!(
            choose_drill(dir.path(), None).unwrap().unwrap().id,
            "drill-1"
        );
        assert!(choose_drill(dir.path(), Some("inc-1")).unwrap().is_none());
        declare(dir.path(), "drill-2", true, 20);
        let err = choose_drill(dir.path(), None).unwrap_err().to_string();
        assert!(err.contains("2 drills are open"), "{err}");
        let err = choose(dir.path(), Some("nope")).unwrap_err().to_string();
        assert!(err.contains("inc-1, drill-2, drill-1"), "{err}");
    }

    #[test]
    fn a_drill_recorded_among_incidents_by_an_older_version_is_still_a_drill() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileStore::create(dir.path(), "drill-old").unwrap();
        s.append(
            DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
            "ana@h",
            crate::testkit::declared("drill-old", true),
        )
        .unwrap();
        assert!(all(dir.path()).unwrap().is_empty());
        assert!(choose(dir.path(), None).is_err());
        assert_eq!(drills(dir.path()).unwrap()[0].id, "drill-old");
        assert!(choose(dir.path(), Some("drill-old")).unwrap().is_drill());
    }
}
