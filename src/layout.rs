//! Layouts as data (`layouts/*.yaml`): panes, their arrangement in rows,
//! columns or tabs, and their sizes (a length, a percentage, `fill`, or
//! `content` with `min`/`max`), shown `when` there is something to show and
//! hidden below a terminal size. Validated with every problem placed
//! file:line:column. This is the format only: it knows no screen.
//! `ui::layout` places a layout on a terminal.

use crate::playbook::load::LoadError;
use crate::playbook::model::At;
use schemars::JsonSchema;
use serde::Deserialize;
use std::path::Path;
use std::sync::OnceLock;

pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// The layouts compiled into the binary, in the order `L` cycles them.
pub const BUNDLED: &[(&str, &str)] = &[
    ("default", include_str!("../layouts/default.yaml")),
    ("split", include_str!("../layouts/split.yaml")),
    ("compact", include_str!("../layouts/compact.yaml")),
    ("wallboard", include_str!("../layouts/wallboard.yaml")),
    ("facilitator", include_str!("../layouts/facilitator.yaml")),
];

/// Every pane a layout can place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaneId {
    Header,
    /// Severity, elapsed time and the response clock in big digits.
    Bigclock,
    Footer,
    Pods,
    Alerts,
    Resources,
    Checklist,
    /// The checklist's progress, phase by phase (for a wallboard).
    Progress,
    Timeline,
    Output,
    Timers,
    /// A drill's upcoming injects (a facilitator's seat only).
    Injects,
}

/// When a pane or split is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// Pods and alerts are observed.
    Cluster,
    /// A command ran.
    Output,
    /// A clock is running.
    Timers,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Size {
    pub width: u16,
    pub height: u16,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Node {
    #[serde(default)]
    pub pane: Option<PaneId>,
    #[serde(default)]
    pub rows: Option<Vec<Node>>,
    #[serde(default)]
    pub columns: Option<Vec<Node>>,
    /// Panes shown one at a time, with a tab bar (Tab moves between them).
    #[serde(default)]
    pub tabs: Option<Vec<PaneId>>,
    /// `12` (lines or columns), `40%`, `fill`, or `content`.
    #[serde(default)]
    pub size: Option<At<String>>,
    #[serde(default)]
    pub min: Option<u16>,
    /// `8` or `33%` of the parent.
    #[serde(default)]
    pub max: Option<At<String>>,
    #[serde(default)]
    pub when: Option<When>,
    /// Hidden when the terminal is narrower or lower than this.
    #[serde(default)]
    pub hide_below: Option<Size>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Chosen automatically when the terminal is at least this big (the
    /// biggest that fits wins); without it, only when named.
    #[serde(default)]
    pub min_size: Option<Size>,
    pub root: Node,
}

impl Node {
    fn has(&self, p: PaneId) -> bool {
        self.pane == Some(p)
            || self.tabs.as_ref().is_some_and(|t| t.contains(&p))
            || self
                .rows
                .iter()
                .chain(self.columns.iter())
                .flatten()
                .any(|n| n.has(p))
    }
}

impl Spec {
    /// Whether the layout places this pane anywhere.
    pub fn root_has(&self, p: PaneId) -> bool {
        self.root.has(p)
    }
}

/// `12` or `33%` of `whole`.
pub fn amount(s: &str, whole: u16) -> Option<u16> {
    let s = s.trim();
    if let Some(p) = s.strip_suffix('%') {
        let p: u32 = p.trim().parse().ok()?;
        return Some((whole as u32 * p.min(100) / 100) as u16);
    }
    s.parse().ok()
}

/// The biggest layout whose `min_size` fits the terminal.
pub fn auto(specs: &[Spec], w: u16, h: u16) -> usize {
    specs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.min_size.map(|m| (i, m)))
        .filter(|(_, m)| w >= m.width && h >= m.height)
        .max_by_key(|(_, m)| (m.width as u32) * (m.height as u32))
        .map(|(i, _)| i)
        .unwrap_or(0)
}

fn schema() -> &'static serde_json::Value {
    static S: OnceLock<serde_json::Value> = OnceLock::new();
    S.get_or_init(|| serde_json::to_value(schemars::schema_for!(Spec)).unwrap_or_default())
}

/// What the schema cannot say about a layout node, read on the located
/// tree so it is said beside the schema's own problems (every problem of
/// the file at once, not the first kind only).
fn check_tree(file: &str, n: &crate::schema::Node, problems: &mut Vec<String>) {
    use crate::schema::tree::Value;
    let Value::Map(_) = &n.value else {
        return;
    };
    let kinds = ["pane", "rows", "columns", "tabs"]
        .iter()
        .filter(|k| n.get(k).is_some())
        .count();
    if kinds != 1 {
        problems.push(format!(
            "{file}:{}:{}: a layout node needs exactly one of pane, rows, columns or tabs (it has {kinds})",
            n.line, n.col
        ));
    }
    let text = |v: &crate::schema::Node| match &v.value {
        Value::Str(x) => Some(x.clone()),
        Value::Int(i) => Some(i.to_string()),
        _ => None,
    };
    if let Some(v) = n.get("size")
        && let Some(x) = text(v)
    {
        let t = x.trim();
        if !(t == "fill" || t == "content" || amount(t, 100).is_some()) {
            problems.push(format!(
                "{file}:{}:{}: bad size {x:?} (expected a number, a percentage like 40%, fill or content)",
                v.line, v.col
            ));
        }
    }
    if let Some(v) = n.get("max")
        && let Some(x) = text(v)
        && amount(&x, 100).is_none()
    {
        problems.push(format!(
            "{file}:{}:{}: bad max {x:?} (expected a number or a percentage like 33%)",
            v.line, v.col
        ));
    }
    for list in ["rows", "columns"] {
        if let Some(crate::schema::Node {
            value: Value::Seq(kids),
            ..
        }) = n.get(list)
        {
            for k in kids {
                check_tree(file, k, problems);
            }
        }
    }
}

/// Parses and checks a layout: every problem the schema finds and every
/// one it cannot say, each placed, in the file's order.
pub fn parse(file: &str, text: &str) -> Result<Spec, LoadError> {
    let tree = crate::schema::parse(file, text).map_err(|e| LoadError { problems: vec![e] })?;
    let mut problems: Vec<String> = crate::schema::validate(&tree, schema())
        .into_iter()
        .map(|p| format!("{file}:{}:{}: {}", p.line, p.col, p.msg))
        .collect();
    if let Some(root) = tree.get("root") {
        check_tree(file, root, &mut problems);
    }
    if !problems.is_empty() {
        crate::playbook::lint::sort_placed(&mut problems);
        problems.dedup();
        return Err(LoadError { problems });
    }
    let spec: Spec = crate::playbook::load::parse_yaml(file, text)?;
    Ok(spec)
}

/// The bundled layouts.
pub fn bundled() -> Vec<Spec> {
    BUNDLED
        .iter()
        .filter_map(|(n, t)| parse(&format!("layouts/{n}.yaml"), t).ok())
        .collect()
}

/// `--layout NAME|FILE`: a bundled name or a file.
pub fn load(which: &str) -> Result<Spec, LoadError> {
    if let Some((n, t)) = BUNDLED.iter().find(|(n, _)| *n == which) {
        return parse(&format!("layouts/{n}.yaml"), t);
    }
    let path = Path::new(which);
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        problems: vec![format!(
            "{which}: not a bundled layout ({}) and cannot read it as a file: {e}",
            BUNDLED
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        )],
    })?;
    parse(&path.display().to_string(), &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 14: the schema's problems and a bad size are said together.
    #[test]
    fn every_problem_of_a_layout_is_said() {
        let text = "name: bad\nroot:\n  rows:\n    - {pane: header, size: 2x}\n    - {pane: nosuchpane, size: fill}\n    - {pane: footer, size: 1, colour: red}\n";
        let e = parse("l.yaml", text).unwrap_err();
        let p = &e.problems;
        assert_eq!(p.len(), 3, "{p:#?}");
        assert!(p[0].starts_with("l.yaml:4:28: bad size \"2x\""), "{p:#?}");
        assert!(p[1].starts_with("l.yaml:5:"), "{p:#?}");
        assert!(
            p[2].starts_with("l.yaml:6:") && p[2].contains("colour"),
            "{p:#?}"
        );
    }

    #[test]
    fn every_bundled_layout_parses() {
        assert_eq!(bundled().len(), BUNDLED.len());
    }

    #[test]
    fn auto_picks_the_biggest_that_fits() {
        let specs = bundled();
        let name = |w, h| specs[auto(&specs, w, h)].name.clone();
        assert_eq!(name(120, 40), "default");
        assert_eq!(name(100, 30), "split");
        assert_eq!(name(80, 24), "split");
        assert_eq!(name(79, 24), "compact");
        assert_eq!(name(40, 12), "compact");
    }

    #[test]
    fn bad_layouts_are_placed() {
        let e = parse(
            "l.yaml",
            "name: x\nroot:\n  rows:\n    - {pane: header, size: big}\n    - {pane: nope}\n",
        )
        .unwrap_err();
        // Both, in the file's order (the bad size used to hide behind the
        // schema's problem: issue 14).
        assert!(
            e.problems[0].starts_with("l.yaml:4:28: bad size \"big\""),
            "{e}"
        );
        assert!(
            e.problems[1]
                .starts_with("l.yaml:5:14: \"pane\" in node is \"nope\" (expected one of: header,"),
            "{e}"
        );
        let e = parse(
            "l.yaml",
            "name: x\nroot:\n  rows:\n    - {pane: header, size: big}\n",
        )
        .unwrap_err();
        assert!(
            e.problems[0].starts_with("l.yaml:4:28: bad size \"big\""),
            "{e}"
        );
        let e = parse(
            "l.yaml",
            "name: x\nroot:\n  rows:\n    - {pane: header, rows: [], size: 2}\n",
        )
        .unwrap_err();
        assert!(
            e.problems[0].contains("exactly one of pane, rows, columns or tabs"),
            "{e}"
        );
    }
}
