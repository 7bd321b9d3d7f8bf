//! Colours and symbols. State is always written as text too (never colour
//! alone), so a monochrome terminal loses nothing. Themes: dark (default),
//! light, high-contrast, and mono (NO_COLOR / `--no-color`): attributes
//! only. Only the 16 basic colours are used, so 16-colour terminals work.
//!
//! `ui::draw` sets the theme from the state before rendering; the style
//! functions below read it.

use ratatui::style::{Color, Modifier, Style};
use std::cell::Cell;

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Deserialize,
    serde::Serialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    #[default]
    Dark,
    Light,
    HighContrast,
    /// No colour at all (NO_COLOR, `--no-color`).
    Mono,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Dark => "dark",
            Kind::Light => "light",
            Kind::HighContrast => "high-contrast",
            Kind::Mono => "mono",
        }
    }
}

thread_local! {
    static CURRENT: Cell<Kind> = const { Cell::new(Kind::Dark) };
}

/// The theme for what is drawn next on this thread.
pub fn set(k: Kind) {
    CURRENT.with(|c| c.set(k));
}

fn kind() -> Kind {
    CURRENT.with(Cell::get)
}

fn fg(c: Color) -> Style {
    match kind() {
        Kind::Mono => Style::default(),
        _ => Style::default().fg(c),
    }
}

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn severity(id: &str) -> Style {
    let base = bold();
    match kind() {
        Kind::Mono => base.add_modifier(Modifier::REVERSED),
        Kind::HighContrast => match id {
            "P0" => base.fg(Color::White).bg(Color::Red),
            "P1" => base.fg(Color::Black).bg(Color::LightRed),
            "P2" => base.fg(Color::Black).bg(Color::LightYellow),
            _ => base.fg(Color::Black).bg(Color::White),
        },
        _ => match id {
            "P0" => base.fg(Color::White).bg(Color::Red),
            "P1" => base.fg(Color::Black).bg(Color::LightRed),
            "P2" => base.fg(Color::Black).bg(Color::Yellow),
            _ => base.fg(Color::Black).bg(Color::Cyan),
        },
    }
}

pub fn drill_banner() -> Style {
    match kind() {
        Kind::Mono => bold().add_modifier(Modifier::REVERSED),
        _ => bold().fg(Color::Black).bg(Color::Yellow),
    }
}

pub fn alert_severity(sev: &str) -> Style {
    match crate::state::observed::alert_rank(sev) {
        0 => bad(),
        1 => match kind() {
            Kind::Mono => bold(),
            _ => fg(Color::LightRed),
        },
        2 => warn(),
        _ => fg(Color::Cyan),
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
        "Running" | "Completed" | "Succeeded" => good(),
        s if crate::state::observed::is_alarming(s) => bad(),
        _ => warn(),
    }
}

pub fn border(focused: bool) -> Style {
    match (kind(), focused) {
        (Kind::Mono, true) => bold(),
        (Kind::Mono, false) => Style::default(),
        (Kind::HighContrast, true) => bold().fg(Color::White),
        (Kind::HighContrast, false) => fg(Color::Gray),
        (Kind::Light, true) => bold().fg(Color::Blue),
        (_, true) => bold().fg(Color::Cyan),
        (_, false) => fg(Color::DarkGray),
    }
}

pub fn selected(focused: bool) -> Style {
    if focused {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        bold()
    }
}

pub fn dim() -> Style {
    match kind() {
        Kind::Mono => Style::default().add_modifier(Modifier::DIM),
        Kind::HighContrast => fg(Color::Gray),
        _ => fg(Color::DarkGray),
    }
}

pub fn bad() -> Style {
    match kind() {
        Kind::Mono => bold().add_modifier(Modifier::UNDERLINED),
        Kind::HighContrast => bold().fg(Color::LightRed),
        _ => bold().fg(Color::Red),
    }
}

pub fn good() -> Style {
    match kind() {
        Kind::HighContrast => bold().fg(Color::LightGreen),
        _ => fg(Color::Green),
    }
}

pub fn warn() -> Style {
    match kind() {
        Kind::Mono => bold(),
        Kind::Light => fg(Color::Magenta),
        Kind::HighContrast => bold().fg(Color::LightYellow),
        _ => fg(Color::Yellow),
    }
}

pub fn heading() -> Style {
    bold()
}

/// For accents that are neither good nor bad (a read command, a status).
pub fn accent() -> Style {
    match kind() {
        Kind::Light => fg(Color::Blue),
        _ => fg(Color::Cyan),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_has_no_colour_at_all() {
        set(Kind::Mono);
        for st in [
            bad(),
            good(),
            warn(),
            dim(),
            severity("P0"),
            drill_banner(),
            border(true),
            alert_severity("critical"),
        ] {
            assert_eq!(st.fg, None);
            assert_eq!(st.bg, None);
        }
        set(Kind::Dark);
        assert_eq!(bad().fg, Some(Color::Red));
    }
}
