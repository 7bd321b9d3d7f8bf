//! The post-mortem's shape: the playbook's own template (its title, the
//! header lines the author fills, its sections in its order, each with
//! what the record fills it with and the template's placeholder lines),
//! or a plain default for a playbook without one. What the record knows
//! and no section takes is appended, each under its own heading, so the
//! export never drops a fact.

use crate::playbook::Playbook;
use crate::playbook::model::Fill;

/// The title when the playbook's template gives none.
pub const DEFAULT_TITLE: &str = "Post-Mortem";

/// What a section the record fills nothing of shows.
pub const TO_COMPLETE: &str = "[To complete]";

#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    /// Before the incident's title (`Post-Incident Review`).
    pub title: String,
    /// Header lines only people can fill (`Affected Users: [Count]`).
    pub header: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub heading: String,
    /// What the record fills it with, in order; each fill once in the
    /// whole document (the first section that asks for it has it).
    pub fill: Vec<Fill>,
    /// The template's own lines under the heading (unsanitised: the
    /// renderer cleans them).
    pub text: Option<String>,
    /// Not in the playbook's template: a fact no section took.
    pub appended: bool,
}

fn section(heading: &str, fill: &[Fill], text: Option<&str>) -> Section {
    Section {
        heading: heading.into(),
        fill: fill.to_vec(),
        text: text.map(str::to_string),
        appended: false,
    }
}

/// The plain default: every fact under its own heading, with the author's
/// three (summary, root cause, impact) and lessons learned.
pub fn default_sections() -> Vec<Section> {
    vec![
        section(
            "Summary",
            &[Fill::Summary],
            Some("[A few sentences: what happened, to whom, how it ended]"),
        ),
        section("Timeline", &[Fill::Timeline], None),
        section("Metrics", &[Fill::Metrics], None),
        section(
            "Root Cause",
            &[Fill::RootCause],
            Some("[Technical details]"),
        ),
        section(
            "Impact",
            &[Fill::Impact],
            Some("[Who and what was affected]"),
        ),
        section("Commands Run", &[Fill::Commands], None),
        section("Notes", &[Fill::Notes], None),
        section("Escalations and Clocks", &[Fill::Clocks], None),
        section("Acknowledgements", &[Fill::Acks], None),
        section("Who to Call", &[Fill::Contacts], None),
        section("Communications", &[Fill::Comms], None),
        section("Action Items", &[Fill::ActionItems], None),
        section("Lessons Learned", &[], Some("[Key takeaways]")),
    ]
}

/// The shape of the post-mortem for `playbook` (the default without one
/// or without its `postmortem:` section).
pub fn shape(playbook: Option<&Playbook>) -> Shape {
    let Some(pm) = playbook.and_then(|pb| pb.postmortem.as_ref()) else {
        return Shape {
            title: DEFAULT_TITLE.into(),
            header: Vec::new(),
            sections: default_sections(),
        };
    };
    let mut taken: Vec<Fill> = Vec::new();
    let mut sections: Vec<Section> = pm
        .sections
        .iter()
        .map(|s| {
            let fill: Vec<Fill> = s
                .fills()
                .into_iter()
                .filter(|f| {
                    let new = !taken.contains(f);
                    if new {
                        taken.push(*f);
                    }
                    new
                })
                .collect();
            Section {
                heading: s.heading().to_string(),
                fill,
                text: s.text().map(str::to_string),
                appended: false,
            }
        })
        .collect();
    for f in Fill::ALL {
        if !taken.contains(&f) {
            sections.push(Section {
                heading: f.heading().into(),
                fill: vec![f],
                text: None,
                appended: true,
            });
        }
    }
    Shape {
        title: pm
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_TITLE.into()),
        header: pm.header.clone(),
        sections,
    }
}
