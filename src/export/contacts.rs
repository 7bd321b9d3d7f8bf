//! Who was to be called, in the export: each role of the playbook (its
//! primary and backup, who held it in the incident, how to reach it) and,
//! for every severity the incident was at, whom that severity says to page
//! and how. From the playbook; empty without it.

use super::markdown::text;
use crate::playbook::Playbook;
use crate::playbook::contacts as c;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Clone, Debug, Default, Serialize)]
pub struct WhoToCall {
    pub roles: Vec<RoleCall>,
    pub paging: Vec<PageCall>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RoleCall {
    pub role: String,
    pub name: String,
    pub primary: Option<String>,
    pub backup: Option<String>,
    /// Who the incident gave the role to (at the end of the record).
    pub held_by: Option<String>,
    /// `name: how`, one per way the playbook gives.
    pub reach: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PageCall {
    /// The severity whose declaration or raise asked for the page.
    pub severity: String,
    pub who: String,
    /// How to reach them; empty when the playbook gives no way.
    pub reach: Vec<String>,
}

/// `severities`: every severity the incident was at, in order.
pub fn who_to_call(
    pb: &Playbook,
    held: &BTreeMap<String, String>,
    severities: &[String],
) -> WhoToCall {
    let roles = pb
        .roles
        .iter()
        .map(|r| RoleCall {
            role: r.id.value.clone(),
            name: r.name.clone(),
            primary: r.primary.clone(),
            backup: r.backup.clone(),
            held_by: held.get(&r.id.value).cloned(),
            reach: r
                .contacts
                .iter()
                .map(|k| (k, c::how(k)))
                .filter(|(_, h)| !h.is_empty())
                .map(|(k, h)| format!("{}: {h}", k.name))
                .collect(),
        })
        .collect();
    let mut paging: Vec<PageCall> = Vec::new();
    for sev in severities {
        for who in c::to_page(pb, sev) {
            if paging.iter().any(|p| &p.severity == sev && p.who == who) {
                continue;
            }
            paging.push(PageCall {
                severity: sev.clone(),
                reach: c::reach(pb, &who),
                who,
            });
        }
    }
    WhoToCall { roles, paging }
}

/// The markdown section's body (its heading is the template's).
pub fn markdown(o: &mut String, w: &WhoToCall) {
    if w.roles.is_empty() && w.paging.is_empty() {
        let _ = writeln!(o, "The playbook names no roles and no one to page.\n");
        return;
    }
    if !w.paging.is_empty() {
        let _ = writeln!(o, "| Severity | Page | How to reach |\n|---|---|---|");
        for p in &w.paging {
            let how = if p.reach.is_empty() {
                "—".to_string()
            } else {
                p.reach
                    .iter()
                    .map(|r| text(r))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let _ = writeln!(o, "| {} | {} | {how} |", text(&p.severity), text(&p.who));
        }
        o.push('\n');
    }
    if !w.roles.is_empty() {
        let _ = writeln!(
            o,
            "| Role | Primary / backup | Held by | How to reach |\n|---|---|---|---|"
        );
        for r in &w.roles {
            let holders = match (&r.primary, &r.backup) {
                (Some(p), Some(b)) => format!("{} / {}", text(p), text(b)),
                (Some(p), None) => text(p),
                (None, Some(b)) => format!("— / {}", text(b)),
                (None, None) => "—".into(),
            };
            let how = if r.reach.is_empty() {
                "—".to_string()
            } else {
                r.reach
                    .iter()
                    .map(|x| text(x))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let _ = writeln!(
                o,
                "| {} ({}) | {holders} | {} | {how} |",
                text(&r.name),
                text(&r.role),
                r.held_by.as_deref().map_or("—".to_string(), text)
            );
        }
        o.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_pages_of_each_severity_reached() {
        let pb = crate::playbook::load_bundled("zkp-ledger.yaml").unwrap();
        let held = BTreeMap::from([("ic".to_string(), "ana".to_string())]);
        let w = who_to_call(&pb, &held, &["P1".into(), "P0".into()]);
        let ic = w.roles.iter().find(|r| r.role == "ic").unwrap();
        assert_eq!(ic.held_by.as_deref(), Some("ana"));
        assert_eq!(
            ic.reach,
            ["Incident Commander: +1-555-INCIDENT, security@terragon.ai"]
        );
        let pages: Vec<(&str, &str)> = w
            .paging
            .iter()
            .map(|p| (p.severity.as_str(), p.who.as_str()))
            .collect();
        assert_eq!(pages, [("P1", "Technical Lead"), ("P0", "Security Team")]);
        let mut md = String::new();
        markdown(&mut md, &w);
        assert!(
            md.contains("| P0 | Security Team | Security Team: first response for P0 |"),
            "{md}"
        );
        assert!(md.contains("| Incident Commander (ic) | — | ana |"), "{md}");
    }
}
