//! Who to call: a name an escalation rule or a step gives (a contact, a
//! role's id or name) and how to reach them, from the playbook's contacts
//! and roles.

use super::model::{Contact, Playbook, Role};

/// How to reach one contact: `+1-555-BRIDGE, ops@x (note)`; empty when
/// the playbook gives no way.
pub fn how(c: &Contact) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if let Some(p) = &c.phone {
        parts.push(p);
    }
    if let Some(e) = &c.email {
        parts.push(e);
    }
    let mut out = parts.join(", ");
    if let Some(n) = &c.note {
        if out.is_empty() {
            out = n.clone();
        } else {
            out = format!("{out} ({n})");
        }
    }
    out
}

/// A role by its id or name.
pub fn role<'a>(pb: &'a Playbook, who: &str) -> Option<&'a Role> {
    pb.roles
        .iter()
        .find(|r| r.id.value == who || r.name.eq_ignore_ascii_case(who))
}

/// How to reach `who` (a contact's or a role's name, or a role id): one
/// line per way the playbook gives, `name: how`. Empty when it gives none.
pub fn reach(pb: &Playbook, who: &str) -> Vec<String> {
    let mut out = Vec::new();
    for c in pb
        .contacts
        .iter()
        .filter(|c| c.name.eq_ignore_ascii_case(who))
    {
        let h = how(c);
        if !h.is_empty() {
            out.push(format!("{}: {h}", c.name));
        }
    }
    if let Some(r) = role(pb, who) {
        let holders = holders(r);
        if !holders.is_empty() {
            out.push(format!("{}: {holders}", r.name));
        }
        for c in &r.contacts {
            let h = how(c);
            if !h.is_empty() && !out.iter().any(|o| o.ends_with(&h)) {
                out.push(format!("{} {}: {h}", r.name, c.name));
            }
        }
    }
    out
}

/// A role's primary and backup: `On-call SRE Lead / backup Engineering
/// Manager`.
pub fn holders(r: &Role) -> String {
    match (&r.primary, &r.backup) {
        (Some(p), Some(b)) => format!("{p} / backup {b}"),
        (Some(p), None) => p.clone(),
        (None, Some(b)) => format!("backup {b}"),
        (None, None) => String::new(),
    }
}

/// The first way to reach each of `names`, for a one-line reminder after
/// the names: `cto@…` for one, `CTO cto@…; CEO ceo@…` for several. Names
/// the playbook gives no way for are left out.
pub fn reminder(pb: &Playbook, names: &[String]) -> String {
    names
        .iter()
        .filter_map(|n| {
            let first = reach(pb, n).into_iter().next()?;
            let how = first.split_once(": ").map_or(first.as_str(), |(_, h)| h);
            Some(if names.len() == 1 {
                how.to_string()
            } else {
                format!("{n} {how}")
            })
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a line of the contacts directory is, for its style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    /// `Roles`, `Contacts: External`.
    Heading,
    /// A role or a contact.
    Item,
    /// How to reach a role's contact, a role's condition.
    Detail,
}

/// The playbook's directory of whom to call, as the contacts overlay
/// (`@`) lists it: the roles (primary, backup, who holds it in this
/// incident, how to reach them), then the contacts group by group (as the
/// playbook orders its groups; channels and external firms are groups).
/// `held` maps a role id to whom the incident gave it. Unsanitised: the
/// caller cleans each line for the terminal.
pub fn directory(
    pb: &Playbook,
    held: &std::collections::BTreeMap<String, String>,
) -> Vec<(Line, String)> {
    let mut out = Vec::new();
    if !pb.roles.is_empty() {
        out.push((Line::Heading, "Roles".to_string()));
    }
    for r in &pb.roles {
        let mut item = format!("{} ({})", r.name, r.id.value);
        let h = holders(r);
        if !h.is_empty() {
            item.push_str(&format!(": {h}"));
        }
        if let Some(who) = held.get(&r.id.value) {
            item.push_str(&format!(" · held now by {who}"));
        }
        out.push((Line::Item, item));
        if let Some(w) = &r.when {
            out.push((Line::Detail, format!("only {w}")));
        }
        for c in &r.contacts {
            let h = how(c);
            if !h.is_empty() {
                out.push((Line::Detail, format!("{}: {h}", c.name)));
            }
        }
    }
    let mut groups: Vec<Option<&str>> = Vec::new();
    for c in &pb.contacts {
        let g = c.group.as_deref();
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    for g in groups {
        out.push((
            Line::Heading,
            match g {
                Some(g) => format!("Contacts: {g}"),
                None => "Contacts".to_string(),
            },
        ));
        for c in pb.contacts.iter().filter(|c| c.group.as_deref() == g) {
            let h = how(c);
            out.push((
                Line::Item,
                if h.is_empty() {
                    format!("{}: —", c.name)
                } else {
                    format!("{}: {h}", c.name)
                },
            ));
        }
    }
    out
}

/// A step's owner: its role's name (the id when the playbook has no such
/// role) and, when the incident gave the role to someone, who holds it.
pub fn owner(
    pb: &Playbook,
    role_id: &str,
    held: &std::collections::BTreeMap<String, String>,
) -> String {
    let name = role(pb, role_id).map_or(role_id, |r| r.name.as_str());
    match held.get(role_id) {
        Some(who) => format!("{name} ({who})"),
        None => name.to_string(),
    }
}

/// Whom a severity says to page, in the playbook's order: its `page`
/// list, then the names of its `initial` escalation rules (those with
/// neither a delay nor a condition), each once.
pub fn to_page(pb: &Playbook, severity: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |n: &str| {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(n)) {
            out.push(n.to_string());
        }
    };
    if let Some(sev) = pb.severity(severity) {
        for n in &sev.page {
            push(n);
        }
    }
    for e in &pb.escalation {
        if e.after.is_none()
            && e.when.is_none()
            && e.severity.as_ref().is_some_and(|s| s.value == severity)
        {
            for n in &e.notify {
                push(n);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whom_to_reach_and_how_from_both_seeds() {
        let d = crate::playbook::load_bundled("dicps.yaml").unwrap();
        assert_eq!(
            reach(&d, "CTO"),
            ["CTO: +1-XXX-XXX-XXXX, cto@dicps.example.com (also under Engineering in section 5)"]
        );
        assert_eq!(
            reach(&d, "VP Engineering"),
            ["VP Engineering: vp-eng@dicps.example.com"]
        );
        let ic = reach(&d, "ic");
        assert_eq!(
            ic[0],
            "Incident Commander: On-call SRE Lead / backup Engineering Manager"
        );
        assert!(
            ic.iter().any(|l| l.contains("+1-XXX-XXX-XXXX (PagerDuty)")),
            "{ic:?}"
        );
        assert!(reach(&d, "nobody").is_empty());
        assert_eq!(
            reminder(&d, &["CTO".into()]),
            "+1-XXX-XXX-XXXX, cto@dicps.example.com (also under Engineering in section 5)"
        );
        let z = crate::playbook::load_bundled("zkp-ledger.yaml").unwrap();
        assert_eq!(
            reminder(&z, &["Security Team".into(), "Technical Lead".into()]),
            "Security Team first response for P0; Technical Lead +1-555-ENGINEER, development@terragon.ai"
        );
    }
}
