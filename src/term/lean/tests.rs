//! The lean backend's bytes, read back by a small terminal emulator: the
//! screen it shows must be the frame, cell for cell and style for style,
//! after every frame of a sequence; and an idle tick must cost few bytes.

use super::*;
use ratatui::Terminal;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::{TerminalOptions, Viewport};
use unicode_width::UnicodeWidthChar;

/// A screen that understands what the backend sends: cursor moves, SGR,
/// clears, and text.
struct Screen {
    cells: Buffer,
    x: u16,
    y: u16,
    pen: Pen,
}

impl Screen {
    fn new(w: u16, h: u16) -> Self {
        Self {
            cells: Buffer::empty(Rect::new(0, 0, w, h)),
            x: 0,
            y: 0,
            pen: Pen::default(),
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let text = std::str::from_utf8(bytes).expect("utf-8");
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                assert_eq!(chars.next(), Some('['), "only CSI sequences");
                let mut params = String::new();
                let fin = loop {
                    let c = chars.next().expect("a whole sequence");
                    if c.is_ascii_alphabetic() {
                        break c;
                    }
                    params.push(c);
                };
                self.csi(&params, fin);
                continue;
            }
            let w = c.width().unwrap_or(0) as u16;
            let cell = &mut self.cells[(self.x, self.y)];
            cell.set_symbol(&c.to_string());
            cell.fg = self.pen.fg;
            cell.bg = self.pen.bg;
            cell.underline_color = self.pen.underline;
            cell.modifier = self.pen.modifier;
            self.x += w;
        }
    }

    fn csi(&mut self, params: &str, fin: char) {
        let nums = || params.split(';').map(|p| p.parse::<u16>().unwrap_or(0));
        match fin {
            'H' => {
                let v: Vec<u16> = nums().collect();
                self.y = v[0] - 1;
                self.x = v[1] - 1;
            }
            'C' => self.x += nums().next().filter(|n| *n > 0).unwrap_or(1),
            'J' => self.cells.reset(),
            'h' | 'l' if params.starts_with('?') => {}
            'm' => self.sgr(params),
            other => panic!("unexpected CSI {params}{other}"),
        }
    }

    fn sgr(&mut self, params: &str) {
        let v: Vec<u8> = params.split(';').map(|p| p.parse().unwrap_or(0)).collect();
        let mut i = 0;
        let color = |v: &[u8], i: &mut usize| -> Color {
            match v[*i + 1] {
                5 => {
                    *i += 2;
                    Color::Indexed(v[*i])
                }
                2 => {
                    *i += 4;
                    Color::Rgb(v[*i - 2], v[*i - 1], v[*i])
                }
                other => panic!("colour mode {other}"),
            }
        };
        let p = &mut self.pen;
        while i < v.len() {
            match v[i] {
                0 => *p = Pen::default(),
                1 => p.modifier |= Modifier::BOLD,
                2 => p.modifier |= Modifier::DIM,
                3 => p.modifier |= Modifier::ITALIC,
                4 => p.modifier |= Modifier::UNDERLINED,
                5 => p.modifier |= Modifier::SLOW_BLINK,
                7 => p.modifier |= Modifier::REVERSED,
                9 => p.modifier |= Modifier::CROSSED_OUT,
                22 => p.modifier -= Modifier::BOLD | Modifier::DIM,
                23 => p.modifier -= Modifier::ITALIC,
                24 => p.modifier -= Modifier::UNDERLINED,
                25 => p.modifier -= Modifier::SLOW_BLINK | Modifier::RAPID_BLINK,
                27 => p.modifier -= Modifier::REVERSED,
                29 => p.modifier -= Modifier::CROSSED_OUT,
                38 => p.fg = color(&v, &mut i),
                48 => p.bg = color(&v, &mut i),
                58 => p.underline = color(&v, &mut i),
                39 => p.fg = Color::Reset,
                49 => p.bg = Color::Reset,
                59 => p.underline = Color::Reset,
                other => panic!("SGR {other}"),
            }
            i += 1;
        }
    }
}

/// Colours as crossterm names them (the basic sixteen as indices).
fn as_sent(c: Color) -> Color {
    match c {
        Color::Reset => Color::Reset,
        Color::Indexed(i) => Color::Indexed(i),
        Color::Rgb(r, g, b) => Color::Rgb(r, g, b),
        other => {
            let all = [
                Color::Black,
                Color::Red,
                Color::Green,
                Color::Yellow,
                Color::Blue,
                Color::Magenta,
                Color::Cyan,
                Color::Gray,
                Color::DarkGray,
                Color::LightRed,
                Color::LightGreen,
                Color::LightYellow,
                Color::LightBlue,
                Color::LightMagenta,
                Color::LightCyan,
                Color::White,
            ];
            Color::Indexed(all.iter().position(|x| *x == other).unwrap() as u8)
        }
    }
}

fn same(screen: &Buffer, frame: &Buffer) {
    for y in 0..frame.area.height {
        for x in 0..frame.area.width {
            let (a, b) = (&screen[(x, y)], &frame[(x, y)]);
            if b.symbol().is_empty() {
                continue;
            }
            assert_eq!(a.symbol(), b.symbol(), "symbol at {x},{y}");
            assert_eq!(a.fg, as_sent(b.fg), "fg at {x},{y} ({})", b.symbol());
            assert_eq!(a.bg, as_sent(b.bg), "bg at {x},{y} ({})", b.symbol());
            assert_eq!(
                a.modifier,
                b.modifier,
                "modifier at {x},{y} ({})",
                b.symbol()
            );
        }
    }
}

type T = Terminal<Lean<Vec<u8>>>;

fn term(w: u16, h: u16) -> T {
    Terminal::with_options(
        Lean::new(Vec::new()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .unwrap()
}

/// Draws `lines` in a bordered block; what the backend wrote for it.
fn frame(t: &mut T, screen: &mut Screen, lines: Vec<Line<'static>>) -> usize {
    let before = t.backend().writer().len();
    let done = t
        .draw(|f| {
            let area = f.area();
            f.render_widget(
                Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Pane ")),
                area,
            );
        })
        .unwrap()
        .buffer
        .clone();
    let bytes = t.backend().writer()[before..].to_vec();
    screen.feed(&bytes);
    same(&screen.cells, &done);
    bytes.len()
}

fn header(clock: &str, age: u32) -> Vec<Line<'static>> {
    vec![
        Line::from(vec![
            Span::styled(" DRILL ", Style::new().bold().black().on_yellow()),
            Span::raw(" T+"),
            Span::styled(clock.to_string(), Style::new().bold().black().on_yellow()),
            Span::raw("   P0 Critical  "),
            Span::styled("● Investigating", Style::new().red().italic()),
            Span::styled(format!("  ⏱ {clock}"), Style::new().bold()),
            Span::raw("  resp "),
            Span::styled("14:10", Style::new().dim().underlined()),
        ]),
        Line::from(format!("alert since {age}s  ·  日本語 wide text ok")),
        Line::from(Span::styled("reversed", Style::new().reversed().cyan())),
    ]
}

#[test]
fn the_screen_shows_every_frame_exactly() {
    let mut t = term(80, 8);
    let mut screen = Screen::new(80, 8);
    frame(&mut t, &mut screen, header("00:49", 61));
    for (i, clock) in ["00:50", "00:51", "00:59", "01:00", "01:00"]
        .iter()
        .enumerate()
    {
        frame(&mut t, &mut screen, header(clock, 62 + i as u32));
    }
    // Styles that come and go, and a line that goes away.
    frame(
        &mut t,
        &mut screen,
        vec![Line::from(Span::styled(
            "x",
            Style::new().italic().on_blue(),
        ))],
    );
    frame(&mut t, &mut screen, header("01:01", 70));
}

#[test]
fn an_idle_tick_costs_few_bytes() {
    let mut t = term(120, 40);
    let mut screen = Screen::new(120, 40);
    let first = frame(&mut t, &mut screen, header("00:41", 61));
    assert!(first > SYNC_OVER, "the first frame is big: {first}");
    let first_bytes = t.backend().writer().clone();
    assert!(
        first_bytes.starts_with(b"\x1b[?2026h"),
        "a big frame is synchronized"
    );
    assert!(first_bytes.ends_with(b"\x1b[?2026l"));
    // Two clocks and an age move by one digit (about 54 bytes, most of them
    // the clocks' styles): one small write, no reset of the pen, no cursor
    // hidden again, no synchronized update.
    let before = t.backend().writer().len();
    let tick = frame(&mut t, &mut screen, header("00:42", 62));
    assert!(
        tick < 60,
        "a tick of three digits wrote {tick} bytes: {:?}",
        String::from_utf8_lossy(&t.backend().writer()[before..])
    );
    // Nothing changed: nothing written.
    assert_eq!(frame(&mut t, &mut screen, header("00:42", 62)), 0);
}

#[test]
fn a_clear_starts_from_the_default_pen() {
    let mut t = term(40, 5);
    let mut screen = Screen::new(40, 5);
    frame(&mut t, &mut screen, header("00:49", 61));
    // The last cell written leaves the pen blue.
    let mut blue = Cell::new("x");
    blue.bg = Color::Blue;
    t.backend_mut().draw([(0, 0, &blue)].into_iter()).unwrap();
    let before = t.backend().writer().len();
    t.backend_mut().clear().unwrap();
    let bytes = &t.backend().writer()[before..];
    let clear = bytes.windows(4).position(|w| w == b"\x1b[2J").unwrap();
    assert!(
        bytes[..clear].ends_with(b"\x1b[0m"),
        "the pen is reset before a clear: {:?}",
        String::from_utf8_lossy(bytes)
    );
}
