//! Alertmanager in the cockpit: polls become the alerts and silences on
//! screen and, once each, firing and resolved records; silences are
//! created and expired as guarded actions whose request is recorded
//! (durably) before anything is sent, and whose outcome is recorded too.
//! Host samples meet the playbook's thresholds here as well.
//!
//! Keys: `Ctx::Alerts` and `Ctx::Silences` (the pane, `on_pane_action`;
//! acknowledgements are `ack`'s), `Ctx::AlertDetail` (`detail_key`),
//! `Ctx::SilenceEdit` and `Ctx::SilenceConfirm` (`silence_key`: creating
//! a silence, or extending one of the incident's with `+`),
//! `Ctx::ExpireConfirm` (`expire_key`). Dialogs work in place.

use super::{append, clamp_move, flash};
use crate::alerts::silence;
use crate::alerts::{self, Poll, group, matcher};
use crate::edit::Text;
use crate::keys::{Action, Ctx};
use crate::msg::{AmCommand, Effect};
use crate::state::ui::{AlertsView, Modal, SilenceDialog};
use crate::state::{HostSnapshot, State, thresholds};
use crate::timeline::{Event, Record};
use crate::view::alerts::{check, expiring_soon};
use chrono::TimeDelta;
use crossterm::event::KeyEvent;

/// The duration a new silence is offered with.
pub const DEFAULT_DURATION: &str = "2h";

fn selected_fingerprint(s: &State) -> Option<String> {
    s.observed
        .alerts
        .get(s.ui.alert)
        .map(|a| a.fingerprint.clone())
}

/// A successful poll.
pub fn polled(s: &mut State, poll: Poll, fx: &mut Vec<Effect>) {
    let now = s.now;
    let h = &mut s.observed.feed.health;
    h.last_ok = Some(now);
    h.stale_since = None;
    h.last_error = None;
    h.retry_at = None;
    h.took_ms = poll.took_ms;
    let keep = selected_fingerprint(s);
    let mut poll = poll;
    // Records in display order: the most severe first.
    group::sort(&mut poll.alerts);
    let events = alerts::reconcile(
        &s.incident.alerts_firing,
        &s.observed.feed.pending,
        &poll,
        now,
    );
    let Poll {
        alerts, silences, ..
    } = poll;
    s.observed.alerts = alerts;
    s.observed.alerts_rev += 1;
    s.observed.feed.silences = silences;
    s.ui.alert = keep
        .and_then(|fp| s.observed.alerts.iter().position(|a| a.fingerprint == fp))
        .unwrap_or(s.ui.alert)
        .min(s.observed.alerts.len().saturating_sub(1));
    s.ui.silence =
        s.ui.silence
            .min(s.observed.feed.silences.len().saturating_sub(1));
    for ev in events {
        if let Event::AlertFiring { fingerprint, .. } | Event::AlertResolved { fingerprint, .. } =
            &ev
        {
            s.observed.feed.pending.insert(fingerprint.clone());
        }
        append(s, ev, fx);
    }
    warn_expiring(s);
}

/// A failed poll: the alerts stay on screen, marked stale.
pub fn failed(s: &mut State, error: String, retry_in: std::time::Duration) {
    let now = s.now;
    let h = &mut s.observed.feed.health;
    if h.stale_since.is_none() {
        h.stale_since = Some(now);
    }
    h.last_error = Some(error);
    h.retry_at = Some(now + TimeDelta::from_std(retry_in).unwrap_or_default());
}

/// Says once, in the footer, that a silence of ours is about to end (the
/// alerts pane keeps saying it until it has).
fn warn_expiring(s: &mut State) {
    let new: Vec<(String, TimeDelta)> = expiring_soon(s)
        .into_iter()
        .filter(|x| !s.observed.feed.warned.contains(&x.id))
        .map(|x| (x.id.clone(), x.ends_at - s.now))
        .collect();
    for (id, left) in new {
        s.observed.feed.warned.insert(id.clone());
        s.ui.flash = Some(crate::state::ui::Flash {
            text: format!(
                "Silence {} created in this incident expires in {}: extend it or let the alerts page again",
                crate::timeline::record::short_id(&id),
                crate::time::countdown(left)
            ),
            error: true,
            at: s.now,
        });
    }
}

/// A record is durable: clear what waited for it, send what it allowed.
pub fn recorded(s: &mut State, rec: &Record, fx: &mut Vec<Effect>) {
    match &rec.event {
        Event::AlertFiring { fingerprint, .. } | Event::AlertResolved { fingerprint, .. } => {
            s.observed.feed.pending.remove(fingerprint);
        }
        Event::SilenceRequested { request, .. } | Event::SilenceExpireRequested { request, .. } => {
            if let Some(cmd) = s.observed.feed.ops.remove(request) {
                s.observed
                    .feed
                    .inflight
                    .insert(request.clone(), cmd.clone());
                fx.push(Effect::Alertmanager(cmd));
            }
        }
        Event::ThresholdCrossed { metric, .. } | Event::ThresholdRecovered { metric, .. } => {
            s.observed.thresholds.pending.remove(metric);
        }
        _ => {}
    }
}

/// An append failed: nothing waits for it any more, nothing is sent.
pub fn not_recorded(s: &mut State, ev: &Event) {
    match ev {
        Event::AlertFiring { fingerprint, .. } | Event::AlertResolved { fingerprint, .. } => {
            s.observed.feed.pending.remove(fingerprint);
        }
        Event::SilenceRequested { request, .. } | Event::SilenceExpireRequested { request, .. } => {
            s.observed.feed.ops.remove(request);
        }
        Event::ThresholdCrossed { metric, .. } | Event::ThresholdRecovered { metric, .. } => {
            s.observed.thresholds.pending.remove(metric);
        }
        _ => {}
    }
}

/// Alertmanager answered a silence action.
pub fn silence_done(
    s: &mut State,
    request: &str,
    result: Result<String, String>,
    fx: &mut Vec<Effect>,
) {
    let Some(cmd) = s.observed.feed.inflight.remove(request) else {
        return;
    };
    let request = request.to_string();
    match (cmd, result) {
        (AmCommand::CreateSilence { silence, .. }, Ok(id)) => {
            let until = silence.ends_at.with_timezone(&s.ctx.tz).format("%H:%M");
            let short = crate::timeline::record::short_id(&id);
            flash(
                s,
                match &silence.replaces {
                    // Alertmanager updated it in place (asked within the
                    // second it started): the same silence, a later end.
                    Some(old) if *old == id => format!("Silence {short} extended until {until}"),
                    Some(old) => format!(
                        "Silence {} extended until {until}: now silence {short}, the old one expired",
                        crate::timeline::record::short_id(old)
                    ),
                    None => format!("Silence {short} created until {until}"),
                },
            );
            append(
                s,
                Event::SilenceCreated {
                    request,
                    id,
                    matchers: silence.matcher_texts(),
                    ends_at: silence.ends_at,
                    extends: silence.replaces.clone(),
                },
                fx,
            );
        }
        (AmCommand::ExpireSilence { id, .. }, Ok(_)) => {
            flash(
                s,
                format!("Silence {} expired", crate::timeline::record::short_id(&id)),
            );
            append(s, Event::SilenceExpired { request, id }, fx);
        }
        (cmd, Err(error)) => {
            let action = match cmd {
                AmCommand::CreateSilence { silence, .. } if silence.replaces.is_some() => "extend",
                AmCommand::CreateSilence { .. } => "create",
                AmCommand::ExpireSilence { .. } => "expire",
            };
            s.ui.flash = Some(crate::state::ui::Flash {
                text: format!("Silence {action} failed: {error}"),
                error: true,
                at: s.now,
            });
            append(
                s,
                Event::SilenceFailed {
                    request,
                    action: action.into(),
                    error,
                },
                fx,
            );
        }
    }
}

/// A host sample: the playbook's thresholds (live incidents only: in a
/// drill the host is not part of the scenario).
pub fn host(s: &mut State, h: HostSnapshot, fx: &mut Vec<Effect>) {
    if !s.ctx.drill {
        // A threshold Prometheus measures is the service's figure, not
        // the bastion's (`figures::polled` judges it).
        let host: Vec<(crate::playbook::model::Threshold, f64)> = s
            .ctx
            .watch
            .thresholds
            .iter()
            .filter(|t| thresholds::is_host_metric(t) && !s.ctx.watch.measures(&t.metric))
            .filter_map(|t| {
                h.metric(&t.metric.trim().to_ascii_lowercase())
                    .map(|v| (t.clone(), v))
            })
            .collect();
        for (t, value) in host {
            if let Some(ev) = super::figures::judge(s, &t, value) {
                append(s, ev, fx);
            }
        }
    }
    s.observed.host = Some(h);
    s.observed.host_error = None;
}

/// Keys on the alerts pane.
pub fn on_pane_action(s: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::AckAlert => super::ack::open(s, false),
        Action::AckGroup => super::ack::open(s, true),
        Action::Unack => super::ack::unack(s, fx),
        Action::HandOver => super::ack::hand_over(s),
        Action::ToggleSilences => {
            s.ui.alerts_view = match s.ui.alerts_view {
                AlertsView::Alerts => AlertsView::Silences,
                AlertsView::Silences => AlertsView::Alerts,
            }
        }
        Action::Detail => match s.observed.alerts.get(s.ui.alert) {
            Some(a) => {
                s.ui.modal = Some(Modal::AlertDetail {
                    fingerprint: a.fingerprint.clone(),
                    alertname: a.alertname.clone(),
                    scroll: 0,
                })
            }
            None => flash(s, "No alert selected"),
        },
        Action::SilenceAlert => open_silence(s, false),
        Action::SilenceGroup => open_silence(s, true),
        Action::ExpireSilence => open_expire(s),
        Action::ExtendSilence => open_extend(s),
        _ => {}
    }
}

/// Why silences cannot be changed from here, if they cannot.
fn cannot_change(s: &State) -> Option<&'static str> {
    if s.ctx.read_only {
        Some("--read-only: silences cannot be created, extended or expired from this seat")
    } else if s.ctx.alertmanager.is_none() {
        Some("No Alertmanager: open the incident with --alertmanager URL to silence alerts")
    } else {
        None
    }
}

fn open_silence(s: &mut State, whole_group: bool) {
    if let Some(why) = cannot_change(s) {
        return flash(s, why);
    }
    let Some(a) = s.observed.alerts.get(s.ui.alert) else {
        return flash(s, "No alert selected");
    };
    let (target, labels) = if whole_group {
        let groups = group::groups(&s.observed.alerts);
        let g = groups
            .iter()
            .find(|g| g.range().contains(&s.ui.alert))
            .cloned();
        match g {
            Some(g) => (
                format!("group {} ({})", g.alertname, g.len),
                silence::common_labels(&s.observed.alerts[g.range()]),
            ),
            None => return,
        }
    } else {
        (format!("alert {}", a.alertname), silence::all_labels(a))
    };
    let matchers = matcher::display_list(&silence::matchers_for_labels(&labels));
    s.ui.modal = Some(Modal::Silence(Box::new(SilenceDialog {
        target,
        fields: [
            Text::line("").with_text(&matchers).at_end(),
            Text::line("").with_text(DEFAULT_DURATION).at_end(),
            Text::default(),
        ],
        focus: 2,
        confirm: false,
        error: None,
        extends: None,
    })));
}

/// `+` in the silences list: extend the selected silence, if this
/// incident created it. The silence dialog asks, its matchers fixed: a
/// duration (the silence's original one, else 1h) from now and the
/// comment; the request is recorded before it is sent.
fn open_extend(s: &mut State) {
    if let Some(why) = cannot_change(s) {
        return flash(s, why);
    }
    let Some(x) = s.observed.feed.silences.get(s.ui.silence) else {
        return flash(s, "No silence selected");
    };
    let short = crate::timeline::record::short_id(&x.id).to_string();
    match s.incident.silences.get(&x.id) {
        Some(r) if !r.expired => {}
        Some(_) => {
            return flash(
                s,
                format!(
                    "Silence {short} was expired or replaced in this incident: nothing to extend"
                ),
            );
        }
        None => {
            return flash(
                s,
                format!(
                    "Silence {short} was not created in this incident: only ours (★) are extended here; extend it in Alertmanager"
                ),
            );
        }
    }
    let duration = crate::view::alerts::original_duration(s, &x.id);
    s.ui.modal = Some(Modal::Silence(Box::new(SilenceDialog {
        target: format!("silence {short}"),
        fields: [
            Text::line("").with_text(&x.matchers.join(", ")).at_end(),
            Text::line("").with_text(&duration).at_end(),
            Text::line("")
                .with_text(silence::without_extends(&x.comment))
                .at_end(),
        ],
        focus: 1,
        confirm: false,
        error: None,
        extends: Some(x.id.clone()),
    })));
}

fn open_expire(s: &mut State) {
    if let Some(why) = cannot_change(s) {
        return flash(s, why);
    }
    match s.observed.feed.silences.get(s.ui.silence) {
        Some(x) => {
            s.ui.modal = Some(Modal::ExpireSilence { id: x.id.clone() });
        }
        None => flash(s, "No silence selected"),
    }
}

/// Moves the selection in the alerts pane (alerts or silences).
pub fn move_by(s: &mut State, delta: isize) {
    match s.ui.alerts_view {
        AlertsView::Alerts => s.ui.alert = clamp_move(s.ui.alert, delta, s.observed.alerts.len()),
        AlertsView::Silences => {
            s.ui.silence = clamp_move(s.ui.silence, delta, s.observed.feed.silences.len())
        }
    }
}

/// Scrolling the alert's detail (`Modal::AlertDetail`).
pub fn detail_key(s: &mut State, key: KeyEvent) {
    let action = s.ctx.keymap.lookup(&[Ctx::AlertDetail], &key);
    let Some(Modal::AlertDetail { scroll, .. }) = &mut s.ui.modal else {
        return;
    };
    match action {
        Some(Action::Cancel) => s.ui.modal = None,
        Some(Action::Down) => *scroll = scroll.saturating_add(1),
        Some(Action::Up) => *scroll = scroll.saturating_sub(1),
        _ => {}
    }
}

/// The open silence dialog, to change in place.
fn dialog(s: &mut State) -> Option<&mut SilenceDialog> {
    match &mut s.ui.modal {
        Some(Modal::Silence(d)) => Some(d),
        _ => None,
    }
}

/// Keys in the silence dialog (`Modal::Silence`): its fields, then its
/// confirmation.
pub fn silence_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Modal::Silence(d)) = &s.ui.modal else {
        return;
    };
    if d.confirm {
        match s.ctx.keymap.lookup(&[Ctx::SilenceConfirm], &key) {
            Some(Action::Confirm) => match check(s, d) {
                Ok(new) => {
                    if let Some(Modal::Silence(d)) = s.ui.modal.take() {
                        request_silence(s, &d, new, fx);
                    }
                }
                Err(e) => {
                    if let Some(d) = dialog(s) {
                        d.confirm = false;
                        d.error = Some(e);
                    }
                }
            },
            Some(Action::Cancel) => {
                if let Some(d) = dialog(s) {
                    d.confirm = false;
                }
            }
            _ => {
                if let Some(d) = dialog(s) {
                    d.confirm = false;
                }
                flash(s, "Not confirmed: nothing was silenced");
            }
        }
        return;
    }
    let action = s.ctx.keymap.lookup(&[Ctx::SilenceEdit], &key);
    let checked = match action {
        Some(Action::Choose) => Some(check(s, d)),
        _ => None,
    };
    let Some(d) = dialog(s) else {
        return;
    };
    match (action, checked) {
        (Some(Action::Cancel), _) => {
            s.ui.modal = None;
            flash(s, "Nothing was silenced");
        }
        // An extension's matchers are the silence's own: not a field.
        (Some(Action::FocusNext | Action::FocusPrev), _) if d.extends.is_some() => {
            d.focus = if d.focus == 1 { 2 } else { 1 }
        }
        (Some(Action::FocusNext), _) => d.focus = (d.focus + 1) % 3,
        (Some(Action::FocusPrev), _) => d.focus = (d.focus + 2) % 3,
        (_, Some(Ok(_))) => {
            d.error = None;
            d.confirm = true;
        }
        (_, Some(Err(e))) => {
            d.focus = if d.extends.is_some() { e.0.max(1) } else { e.0 };
            d.error = Some(e);
        }
        _ => {
            d.fields[d.focus].input(&key);
            d.error = None;
        }
    }
}

/// Pasted text goes into the focused field (one line).
pub fn paste(d: &mut SilenceDialog, text: &str) {
    if !d.confirm {
        d.fields[d.focus].insert_str(text);
        d.error = None;
    }
}

fn next_request(s: &mut State) -> String {
    s.observed.feed.counter += 1;
    format!("s{}-{}", s.now.format("%H%M%S"), s.observed.feed.counter)
}

fn request_silence(
    s: &mut State,
    d: &SilenceDialog,
    new: silence::NewSilence,
    fx: &mut Vec<Effect>,
) {
    let request = next_request(s);
    let ev = Event::SilenceRequested {
        request: request.clone(),
        target: d.target.clone(),
        matchers: new.matcher_texts(),
        ends_at: new.ends_at,
        duration: d.fields[1].as_str().trim().to_string(),
        comment: new.comment.clone(),
        created_by: new.created_by.clone(),
        extends: new.replaces.clone(),
    };
    s.observed.feed.ops.insert(
        request.clone(),
        AmCommand::CreateSilence {
            request,
            silence: new,
        },
    );
    flash(
        s,
        "Silence requested: recording, then sending to Alertmanager…",
    );
    append(s, ev, fx);
}

/// Asking before a silence is expired (`Modal::ExpireSilence`).
pub fn expire_key(s: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Modal::ExpireSilence { id }) = &s.ui.modal else {
        return;
    };
    match s.ctx.keymap.lookup(&[Ctx::ExpireConfirm], &key) {
        Some(Action::Confirm) => {
            let id = id.clone();
            s.ui.modal = None;
            let request = next_request(s);
            s.observed.feed.ops.insert(
                request.clone(),
                AmCommand::ExpireSilence {
                    request: request.clone(),
                    id: id.clone(),
                },
            );
            append(s, Event::SilenceExpireRequested { request, id }, fx);
        }
        Some(Action::Cancel) => {
            s.ui.modal = None;
            flash(s, "Silence kept");
        }
        _ => {}
    }
}
