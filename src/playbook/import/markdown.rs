//! Markdown to blocks.

use pulldown_cmark::{CodeBlockKind, Event, OffsetIter, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Events with the markdown line each starts on (1-based).
pub(super) struct Events<'a> {
    it: OffsetIter<'a>,
    /// Byte offsets where lines start.
    starts: Vec<usize>,
    /// The line of the event last returned.
    pub(super) line: usize,
}

impl<'a> Iterator for Events<'a> {
    type Item = Event<'a>;
    fn next(&mut self) -> Option<Event<'a>> {
        let (ev, range): (Event<'a>, Range<usize>) = self.it.next()?;
        self.line = line_at(&self.starts, range.start);
        Some(ev)
    }
}

/// The 1-based line of byte `offset`.
pub(super) fn line_at(starts: &[usize], offset: usize) -> usize {
    match starts.binary_search(&offset) {
        Ok(i) => i + 1,
        Err(i) => i,
    }
}

/// Where each line of `text` starts.
pub(super) fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// One line of a paragraph: its text, and the bold text it starts with.
#[derive(Clone, Debug, Default)]
pub(super) struct Line {
    /// The markdown line it is on.
    pub(super) line: usize,
    pub(super) text: String,
    /// Links on the line: (text, address).
    pub(super) links: Vec<(String, String)>,
    pub(super) lead: Option<String>,
    pub(super) after: String,
}

#[derive(Clone, Debug)]
pub(super) enum Block {
    Heading(u8, String),
    Para(Vec<Line>),
    List(Vec<Item>),
    Code {
        info: String,
        text: String,
        /// The markdown line of its first line of code.
        line: usize,
    },
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
        /// The markdown line of its header.
        line: usize,
    },
}

#[derive(Clone, Debug)]
pub(super) struct Item {
    pub(super) task: Option<bool>,
    pub(super) blocks: Vec<Block>,
}

/// A line being gathered: its markdown line, its (text, bold) runs and
/// its links.
type InlineLine = (usize, Vec<(String, bool)>, Vec<(String, String)>);

/// Inline events gathered into lines of (text, bold) runs.
#[derive(Default)]
struct Inline {
    lines: Vec<InlineLine>,
    strong: usize,
    /// An open link: its address and where its text starts.
    link: Option<(String, usize)>,
}

impl Inline {
    fn is_empty(&self) -> bool {
        self.lines
            .iter()
            .all(|l| l.1.iter().all(|(t, _)| t.trim().is_empty()))
    }

    fn push(&mut self, t: &str, line: usize) {
        let strong = self.strong > 0;
        match self.lines.last_mut() {
            Some(l) => {
                if l.1.is_empty() {
                    l.0 = line;
                }
                l.1.push((t.to_string(), strong))
            }
            None => self
                .lines
                .push((line, vec![(t.to_string(), strong)], Vec::new())),
        }
    }

    /// The text of the current line so far.
    fn current_len(&self) -> usize {
        self.lines
            .last()
            .map_or(0, |l| l.1.iter().map(|(t, _)| t.len()).sum())
    }

    /// Takes an inline event; false when it is not one.
    fn feed(&mut self, ev: &Event, line: usize) -> bool {
        match ev {
            Event::Text(t) => self.push(t, line),
            Event::Code(c) => self.push(&format!("`{c}`"), line),
            // `<compromised-pod>` in prose reads as inline HTML.
            Event::InlineHtml(h) | Event::InlineMath(h) => self.push(h, line),
            Event::SoftBreak | Event::HardBreak => {
                self.lines.push((line + 1, Vec::new(), Vec::new()))
            }
            Event::FootnoteReference(_) => {}
            Event::Start(Tag::Strong) => self.strong += 1,
            Event::End(TagEnd::Strong) => self.strong = self.strong.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => {
                if self.lines.is_empty() {
                    self.lines.push((line, Vec::new(), Vec::new()));
                }
                self.link = Some((dest_url.to_string(), self.current_len()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((url, start)) = self.link.take()
                    && let Some(l) = self.lines.last_mut()
                {
                    let text: String = l.1.iter().map(|(t, _)| t.as_str()).collect();
                    let label = text.get(start..).unwrap_or("").trim().to_string();
                    if !url.is_empty() && !url.starts_with('#') {
                        l.2.push((label, url));
                    }
                }
            }
            Event::Start(
                Tag::Emphasis
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Image { .. },
            ) => {}
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Image,
            ) => {}
            _ => return false,
        }
        true
    }

    fn take(&mut self) -> Vec<Line> {
        self.strong = 0;
        std::mem::take(&mut self.lines)
            .into_iter()
            .map(|(line, segs, links)| {
                let text: String = segs.iter().map(|(t, _)| t.as_str()).collect();
                let mut i = 0;
                while i < segs.len() && !segs[i].1 && segs[i].0.trim().is_empty() {
                    i += 1;
                }
                let mut lead = String::new();
                while i < segs.len() && segs[i].1 {
                    lead.push_str(&segs[i].0);
                    i += 1;
                }
                let after: String = segs[i..].iter().map(|(t, _)| t.as_str()).collect();
                let lead = lead.trim().to_string();
                Line {
                    line,
                    links,
                    text: text.trim().to_string(),
                    lead: (!lead.is_empty()).then_some(lead),
                    after: after.trim().to_string(),
                }
            })
            .filter(|l| !l.text.is_empty())
            .collect()
    }
}

pub(super) fn parse_markdown(md: &str) -> Vec<Block> {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    let mut it = Events {
        it: Parser::new_ext(md, opts).into_offset_iter(),
        starts: line_starts(md),
        line: 1,
    };
    blocks(&mut it, &mut None)
}

/// Blocks up to the end of the enclosing container (or of the document).
fn blocks(it: &mut Events<'_>, task: &mut Option<bool>) -> Vec<Block> {
    let mut out = Vec::new();
    // Inline content straight in a tight list item.
    let mut loose = Inline::default();
    fn flush(loose: &mut Inline, out: &mut Vec<Block>) {
        if loose.is_empty() {
            loose.take();
        } else {
            out.push(Block::Para(loose.take()));
        }
    }
    while let Some(ev) = it.next() {
        if loose.feed(&ev, it.line) {
            continue;
        }
        match ev {
            Event::TaskListMarker(done) => *task = Some(done),
            Event::Start(tag) => {
                flush(&mut loose, &mut out);
                match tag {
                    Tag::Paragraph => out.push(Block::Para(inline(it))),
                    Tag::Heading { level, .. } => {
                        let text = join_lines(&inline(it));
                        out.push(Block::Heading(level as u8, text));
                    }
                    Tag::List(_) => out.push(Block::List(items(it))),
                    Tag::CodeBlock(kind) => {
                        let (info, fenced) = match kind {
                            CodeBlockKind::Fenced(i) => (i.to_string(), true),
                            CodeBlockKind::Indented => (String::new(), false),
                        };
                        let line = it.line + usize::from(fenced);
                        out.push(Block::Code {
                            info,
                            text: code(it),
                            line,
                        });
                    }
                    Tag::Table(_) => out.push(table(it)),
                    _ => skip(it),
                }
            }
            Event::End(_) => break,
            _ => {}
        }
    }
    flush(&mut loose, &mut out);
    out
}

/// Inline content up to the end of the paragraph, heading or cell.
fn inline(it: &mut Events<'_>) -> Vec<Line> {
    let mut acc = Inline::default();
    let mut depth = 0;
    while let Some(ev) = it.next() {
        if acc.feed(&ev, it.line) {
            continue;
        }
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    acc.take()
}

fn items(it: &mut Events<'_>) -> Vec<Item> {
    let mut out = Vec::new();
    while let Some(ev) = it.next() {
        match ev {
            Event::Start(Tag::Item) => {
                let mut task = None;
                let blocks = blocks(it, &mut task);
                out.push(Item { task, blocks });
            }
            Event::End(_) => break,
            _ => {}
        }
    }
    out
}

fn code(it: &mut Events<'_>) -> String {
    let mut s = String::new();
    for ev in it.by_ref() {
        match ev {
            Event::Text(t) => s.push_str(&t),
            Event::End(_) => break,
            _ => {}
        }
    }
    s
}

fn table(it: &mut Events<'_>) -> Block {
    let line = it.line;
    let mut head = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut in_head = false;
    while let Some(ev) = it.next() {
        match ev {
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => {
                let t = join_lines(&inline(it));
                if in_head {
                    head.push(t);
                } else if let Some(r) = rows.last_mut() {
                    r.push(t);
                }
            }
            Event::End(TagEnd::Table) => break,
            _ => {}
        }
    }
    Block::Table { head, rows, line }
}

fn skip(it: &mut Events<'_>) {
    let mut depth = 1;
    for ev in it.by_ref() {
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
}

pub(super) fn join_lines(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}
