//! The incidents under a state directory: listing them, and choosing the
//! one a command means when no id is given.

use crate::state::Incident;
use crate::timeline::store::{FileStore, read_file};
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
}

/// Every incident, most recently declared first.
pub fn all(state_dir: &Path) -> Result<Vec<Summary>> {
    let dir = state_dir.join("incidents");
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(anyhow!("cannot read {}: {e}", dir.display())),
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let id = e.file_name().to_string_lossy().into_owned();
        let path = FileStore::path_for(state_dir, &id);
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

/// The incident `id` names, or, without one, the only open incident.
pub fn choose(state_dir: &Path, id: Option<&str>) -> Result<Summary> {
    let list = all(state_dir)?;
    if let Some(id) = id {
        return list.iter().find(|s| s.id == id).cloned().ok_or_else(|| {
            let known: Vec<&str> = list.iter().take(10).map(|s| s.id.as_str()).collect();
            anyhow!(
                "no incident {id:?} in {} (recent: {})",
                state_dir.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )
        });
    }
    let open: Vec<&Summary> = list.iter().filter(|s| s.is_open()).collect();
    match open.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(anyhow!(
            "no open incident in {} (declare one with `incident-cockpit open --playbook ...`, or name one: `incident-cockpit list --all`)",
            state_dir.display()
        )),
        many => Err(anyhow!(
            "{} incidents are open; name one: {}",
            many.len(),
            many.iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
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
            i.severity,
            i.status.map_or("-", |x| x.name()),
            crate::time::hms(i.elapsed(now)),
            crate::sanitize::clean(&title)
        ));
    }
    out
}
