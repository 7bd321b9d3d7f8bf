//! Colours and symbols. State is always written as text too (never colour
//! alone), so a monochrome terminal loses nothing.

use ratatui::style::{Color, Modifier, Style};

pub fn severity(id: &str) -> Style {
    let base = Style::default().add_modifier(Modifier::BOLD);
    match id {
        "P0" => base.fg(Color::White).bg(Color::Red),
        "P1" => base.fg(Color::Black).bg(Color::LightRed),
        "P2" => base.fg(Color::Black).bg(Color::Yellow),
        _ => base.fg(Color::Black).bg(Color::Cyan),
    }
}

pub fn drill_banner() -> Style {
    Style::default()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}

pub fn alert_severity(sev: &str) -> Style {
    match crate::state::observed::alert_rank(sev) {
        0 => Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        1 => Style::default().fg(Color::LightRed),
        2 => Style::default().fg(Color::Yellow),
        _ => Style::default().fg(Color::Cyan),
    }
}

/// A marker that says the same thing as the colour.
pub fn alert_symbol(sev: &str) -> &'static str {
    match crate::state::observed::alert_rank(sev) {
        0 => "‼",
        1 => "!",
        2 => "▲",
        _ => "·",
    }
}

pub fn pod_status(status: &str) -> Style {
    match status {
        "Running" | "Completed" | "Succeeded" => Style::default().fg(Color::Green),
        s if crate::state::observed::is_alarming(s) => {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        }
        _ => Style::default().fg(Color::Yellow),
    }
}

pub fn border(focused: bool) -> Style {
    if focused {
        Style::default()
            .fg(Color::Cyan)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::default().fg(Color::DarkGray)
    }
}

pub fn selected(focused: bool) -> Style {
    if focused {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    }
}

pub fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

pub fn bad() -> Style {
    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn good() -> Style {
    Style::default().fg(Color::Green)
}

pub fn warn() -> Style {
    Style::default().fg(Color::Yellow)
}

pub fn heading() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}
