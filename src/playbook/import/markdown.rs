//! Markdown to blocks.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// One line of a paragraph: its text, and the bold text it starts with.
#[derive(Clone, Debug, Default)]
pub(super) struct Line {
    pub(super) text: String,
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
    },
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

#[derive(Clone, Debug)]
pub(super) struct Item {
    pub(super) task: Option<bool>,
    pub(super) blocks: Vec<Block>,
}

/// Inline events gathered into lines of (text, bold) runs.
#[derive(Default)]
struct Inline {
    lines: Vec<Vec<(String, bool)>>,
    strong: usize,
}

impl Inline {
    fn is_empty(&self) -> bool {
        self.lines
            .iter()
            .all(|l| l.iter().all(|(t, _)| t.trim().is_empty()))
    }

    fn push(&mut self, t: &str) {
        let strong = self.strong > 0;
        match self.lines.last_mut() {
            Some(l) => l.push((t.to_string(), strong)),
            None => self.lines.push(vec![(t.to_string(), strong)]),
        }
    }

    /// Takes an inline event; false when it is not one.
    fn feed(&mut self, ev: &Event) -> bool {
        match ev {
            Event::Text(t) => self.push(t),
            Event::Code(c) => self.push(&format!("`{c}`")),
            // `<compromised-pod>` in prose reads as inline HTML.
            Event::InlineHtml(h) | Event::InlineMath(h) => self.push(h),
            Event::SoftBreak | Event::HardBreak => self.lines.push(Vec::new()),
            Event::FootnoteReference(_) => {}
            Event::Start(Tag::Strong) => self.strong += 1,
            Event::End(TagEnd::Strong) => self.strong = self.strong.saturating_sub(1),
            Event::Start(
                Tag::Emphasis
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. },
            ) => {}
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
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
            .map(|segs| {
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
    let mut it = Parser::new_ext(md, opts);
    blocks(&mut it, &mut None)
}

/// Blocks up to the end of the enclosing container (or of the document).
fn blocks(it: &mut Parser<'_>, task: &mut Option<bool>) -> Vec<Block> {
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
        if loose.feed(&ev) {
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
                        let info = match kind {
                            CodeBlockKind::Fenced(i) => i.to_string(),
                            CodeBlockKind::Indented => String::new(),
                        };
                        out.push(Block::Code {
                            info,
                            text: code(it),
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
fn inline(it: &mut Parser<'_>) -> Vec<Line> {
    let mut acc = Inline::default();
    let mut depth = 0;
    for ev in it.by_ref() {
        if acc.feed(&ev) {
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

fn items(it: &mut Parser<'_>) -> Vec<Item> {
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

fn code(it: &mut Parser<'_>) -> String {
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

fn table(it: &mut Parser<'_>) -> Block {
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
    Block::Table { head, rows }
}

fn skip(it: &mut Parser<'_>) {
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
