//! Blocks to sections.

use super::markdown::{Block, Line};

#[derive(Debug, Default)]
pub(super) struct Section {
    pub(super) title: String,
    pub(super) level: u8,
    /// A bold paragraph acting as a heading.
    pub(super) pseudo: bool,
    pub(super) blocks: Vec<Block>,
    pub(super) children: Vec<Section>,
}

/// `**Immediate Actions (0-15 min):**` or `**Detection**:` alone.
fn pseudo_heading(lines: &[Line]) -> Option<String> {
    let [l] = lines else { return None };
    let lead = l.lead.as_ref()?;
    let is_heading = (l.after.is_empty() && lead.ends_with(':')) || l.after == ":";
    is_heading.then(|| lead.trim_end_matches(':').trim().to_string())
}

pub(super) fn sections(blocks: Vec<Block>) -> Section {
    let mut stack = vec![Section::default()];
    fn close(stack: &mut Vec<Section>) {
        if let Some(s) = stack.pop()
            && let Some(parent) = stack.last_mut()
        {
            parent.children.push(s);
        }
    }
    for b in blocks {
        let (level, title, pseudo) = match &b {
            Block::Heading(l, t) => (*l, t.clone(), false),
            Block::Para(lines) if pseudo_heading(lines).is_some() => {
                let real = stack
                    .iter()
                    .rev()
                    .find(|s| !s.pseudo)
                    .map_or(0, |s| s.level);
                (real + 1, pseudo_heading(lines).unwrap_or_default(), true)
            }
            _ => {
                if let Some(top) = stack.last_mut() {
                    top.blocks.push(b);
                }
                continue;
            }
        };
        while stack.len() > 1 && stack.last().is_some_and(|s| s.level >= level) {
            close(&mut stack);
        }
        stack.push(Section {
            title,
            level,
            pseudo,
            ..Default::default()
        });
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().unwrap_or_default()
}
