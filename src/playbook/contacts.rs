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
