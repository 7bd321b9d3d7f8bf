//! Acknowledgements, separate from silences: someone is on an alert or a
//! group, with a note and an expiry (30 minutes unless changed). They are
//! records, so every seat (on every host) sees them; nothing goes to
//! Alertmanager. When one runs out, the first seat to notice records its
//! lapse (once: the store deduplicates).

use super::{append, flash};
use crate::edit::Text;
use crate::msg::Effect;
use crate::state::State;
use crate::state::ui::{Modal, PromptKind};
use crate::timeline::Event;
use crate::view::acks::{ACK_DEFAULT, alert_key, group_key};
use chrono::TimeDelta;

/// The selected alert's ack key and target (its group's with `group`).
fn selected(s: &State, group: bool) -> Option<(String, String)> {
    let a = s.observed.alerts.get(s.ui.alert)?;
    Some(if group {
        (group_key(&a.alertname), format!("group {}", a.alertname))
    } else {
        let labels: Vec<String> = a
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() != "alertname")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        (
            alert_key(a),
            format!("alert {} {{{}}}", a.alertname, labels.join(",")),
        )
    })
}

/// The ack standing on the selected alert: its own or its group's.
fn standing(s: &State) -> Option<(String, crate::state::incident::Ack)> {
    let a = s.observed.alerts.get(s.ui.alert)?;
    [alert_key(a), group_key(&a.alertname)]
        .into_iter()
        .find_map(|k| s.incident.acks.get(&k).map(|x| (k, x.clone())))
}

fn cannot(s: &mut State) -> bool {
    if s.ctx.viewer {
        flash(s, "Viewer seat: nothing is recorded from here");
        return true;
    }
    false
}

/// `w` / `W`: acknowledge (asks an optional note); on an ack this seat
/// already owns, renew it for another 30 minutes at once.
pub fn open(s: &mut State, group: bool) {
    if cannot(s) {
        return;
    }
    let Some((ack, target)) = selected(s, group) else {
        return flash(s, "No alert selected");
    };
    s.ui.modal = Some(Modal::Prompt {
        title: format!(
            "Acknowledge {target} as {} for 30m: note (optional; start with a duration like 45m to change it)",
            s.ctx.seat
        ),
        value: Box::new(
            Text::line("")
                .with_text(
                    &s.incident
                        .acks
                        .get(&ack)
                        .map(|a| a.note.clone())
                        .unwrap_or_default(),
                )
                .at_end(),
        ),
        kind: PromptKind::AckNote { ack, target },
    });
}

/// A leading duration (`45m rest of note`) changes the expiry.
fn split_expiry(text: &str) -> (TimeDelta, String) {
    let (first, rest) = text.split_once(' ').unwrap_or((text, ""));
    match crate::time::parse_duration(first) {
        Ok(d) if !d.is_zero() && first.chars().next().is_some_and(|c| c.is_ascii_digit()) => (
            TimeDelta::from_std(d).unwrap_or(ACK_DEFAULT),
            rest.trim().to_string(),
        ),
        _ => (ACK_DEFAULT, text.to_string()),
    }
}

pub fn note_done(s: &mut State, ack: String, target: String, text: String, fx: &mut Vec<Effect>) {
    let (expiry, note) = split_expiry(&text);
    let owner = s.ctx.seat.clone();
    let until = s.now + expiry;
    append(
        s,
        Event::AlertAcked {
            ack,
            target,
            owner,
            note,
            until,
            from: None,
        },
        fx,
    );
}

/// `u`: end the ack on the selected alert (its own, else its group's).
pub fn unack(s: &mut State, fx: &mut Vec<Effect>) {
    if cannot(s) {
        return;
    }
    let Some((ack, a)) = standing(s) else {
        return flash(s, "Not acknowledged");
    };
    append(
        s,
        Event::AlertUnacked {
            ack,
            target: a.target,
            reason: "by hand".into(),
        },
        fx,
    );
}

/// `h`: hand the ack over to another seat (asks whom).
pub fn hand_over(s: &mut State) {
    if cannot(s) {
        return;
    }
    let Some((ack, a)) = standing(s) else {
        return flash(s, "Not acknowledged: acknowledge it first (w)");
    };
    s.ui.modal = Some(Modal::Prompt {
        title: format!("Hand {} over from {} to (user@host):", a.target, a.owner),
        value: Box::new(Text::line("")),
        kind: PromptKind::AckHandOver { ack },
    });
}

pub fn hand_over_done(s: &mut State, ack: String, to: String, fx: &mut Vec<Effect>) {
    let Some(a) = s.incident.acks.get(&ack).cloned() else {
        return flash(s, "The acknowledgement ended meanwhile: nothing recorded");
    };
    let until = s.now + ACK_DEFAULT;
    append(
        s,
        Event::AlertAcked {
            ack,
            target: a.target,
            owner: to,
            note: a.note,
            until,
            from: Some(a.owner),
        },
        fx,
    );
}

/// On the clock: an ack whose time ran out is recorded as lapsed (once
/// per seat; the store keeps one), and the owner's seat is told five
/// minutes before.
pub fn check_lapses(s: &mut State, fx: &mut Vec<Effect>) {
    if s.ctx.viewer || s.incident.acks.is_empty() {
        return;
    }
    let now = s.now;
    let due: Vec<(String, String)> = s
        .incident
        .acks
        .iter()
        .filter(|(k, a)| {
            a.until <= now && !s.ui.lapse_requested.contains(&format!("{k}@{}", a.until))
        })
        .map(|(k, a)| (k.clone(), a.target.clone()))
        .collect();
    for (ack, target) in due {
        let until = s.incident.acks[&ack].until;
        s.ui.lapse_requested.insert(format!("{ack}@{until}"));
        append(
            s,
            Event::AlertUnacked {
                ack,
                target,
                reason: "lapsed".into(),
            },
            fx,
        );
    }
    // The owner's seat: a warning once per ack, five minutes before.
    let seat = s.ctx.seat.clone();
    let warn = s
        .incident
        .acks
        .iter()
        .find(|(k, a)| {
            a.owner == seat
                && a.until > now
                && a.until - now <= crate::view::acks::ACK_WARNING
                && !s
                    .ui
                    .lapse_requested
                    .contains(&format!("warn:{k}@{}", a.until))
        })
        .map(|(k, a)| (k.clone(), a.target.clone(), a.until));
    if let Some((k, target, until)) = warn {
        s.ui.lapse_requested.insert(format!("warn:{k}@{until}"));
        s.ui.flash = Some(crate::state::ui::Flash {
            text: format!(
                "Your acknowledgement of {target} lapses in {}: w to renew, h to hand over",
                crate::time::countdown(until - now)
            ),
            error: true,
            at: now,
        });
    }
}
