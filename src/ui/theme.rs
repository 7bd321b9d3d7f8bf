//! Colours and symbols. State is always written as text too (never colour
//! alone), so a monochrome terminal loses nothing. Themes: dark (default),
//! light, high-contrast, and mono (NO_COLOR / `--no-color`): attributes
//! only. Only the 16 basic colours are used, so 16-colour terminals work.
//!
//! Every style function takes the theme in use (`s.ctx.theme`): it is
//! passed, never kept in a global.

use ratatui::style::{Color, Modifier, Style};

pub use crate::config::Theme as Kind;

fn fg(k: Kind, c: Color) -> Style {
    match k {
        Kind::Mono => Style::default(),
        _ => Style::default().fg(c),
    }
}

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn severity(k: Kind, id: &str) -> Style {
    let base = bold();
    match k {
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

pub fn drill_banner(k: Kind) -> Style {
    match k {
        Kind::Mono => bold().add_modifier(Modifier::REVERSED),
        _ => bold().fg(Color::Black).bg(Color::Yellow),
    }
}

pub fn alert_severity(k: Kind, sev: &str) -> Style {
    match crate::state::observed::alert_rank(sev) {
        0 => bad(k),
        1 => match k {
            Kind::Mono => bold(),
            _ => fg(k, Color::LightRed),
        },
        2 => warn(k),
        _ => fg(k, Color::Cyan),
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

pub fn pod_status(k: Kind, status: &str) -> Style {
    match status {
        "Running" | "Completed" | "Succeeded" => good(k),
        s if crate::state::observed::is_alarming(s) => bad(k),
        _ => warn(k),
    }
}

pub fn border(k: Kind, focused: bool) -> Style {
    match (k, focused) {
        (Kind::Mono, true) => bold(),
        (Kind::Mono, false) => Style::default(),
        (Kind::HighContrast, true) => bold().fg(Color::White),
        (Kind::HighContrast, false) => fg(k, Color::Gray),
        (Kind::Light, true) => bold().fg(Color::Blue),
        (_, true) => bold().fg(Color::Cyan),
        (_, false) => fg(k, Color::DarkGray),
    }
}

pub fn selected(_: Kind, focused: bool) -> Style {
    if focused {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        bold()
    }
}

pub fn dim(k: Kind) -> Style {
    match k {
        Kind::Mono => Style::default().add_modifier(Modifier::DIM),
        Kind::HighContrast => fg(k, Color::Gray),
        _ => fg(k, Color::DarkGray),
    }
}

pub fn bad(k: Kind) -> Style {
    match k {
        Kind::Mono => bold().add_modifier(Modifier::UNDERLINED),
        Kind::HighContrast => bold().fg(Color::LightRed),
        _ => bold().fg(Color::Red),
    }
}

pub fn good(k: Kind) -> Style {
    match k {
        Kind::HighContrast => bold().fg(Color::LightGreen),
        _ => fg(k, Color::Green),
    }
}

pub fn warn(k: Kind) -> Style {
    match k {
        Kind::Mono => bold(),
        Kind::Light => fg(k, Color::Magenta),
        Kind::HighContrast => bold().fg(Color::LightYellow),
        _ => fg(k, Color::Yellow),
    }
}

pub fn heading(_: Kind) -> Style {
    bold()
}

/// For accents that are neither good nor bad (a read command, a status).
pub fn accent(k: Kind) -> Style {
    match k {
        Kind::Light => fg(k, Color::Blue),
        _ => fg(k, Color::Cyan),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_has_no_colour_at_all() {
        let k = Kind::Mono;
        for st in [
            bad(k),
            good(k),
            warn(k),
            dim(k),
            severity(k, "P0"),
            drill_banner(k),
            border(k, true),
            alert_severity(k, "critical"),
        ] {
            assert_eq!(st.fg, None);
            assert_eq!(st.bg, None);
        }
        assert_eq!(bad(Kind::Dark).fg, Some(Color::Red));
    }
}
