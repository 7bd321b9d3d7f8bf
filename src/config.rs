//! The user's configuration, `$XDG_CONFIG_HOME/incident-cockpit/config.yaml`
//! (else `~/.config/incident-cockpit/config.yaml`): theme, layout, mouse,
//! low bandwidth, and key overrides. `incident-cockpit config defaults`
//! prints a complete file to start from. Every problem is placed
//! file:line:column; a bad file stops the cockpit before it starts.

use crate::keys::{Action, Ctx, Key, Keymap};
use crate::playbook::load::{LoadError, parse_yaml};
use crate::playbook::model::At;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub theme: Option<Theme>,
    /// `auto`, a bundled layout name, or a layout file.
    #[serde(default)]
    pub layout: Option<String>,
    #[serde(default)]
    pub mouse: Option<bool>,
    #[serde(default)]
    pub low_bandwidth: Option<bool>,
    /// `action: [keys]` for the main view, `context.action: [keys]` for a
    /// dialog's keys (`editor.save: [Ctrl-S]`).
    #[serde(default)]
    pub keys: BTreeMap<String, Vec<At<String>>>,
    /// The shared store (`store/`): where, how to authenticate, TLS.
    #[serde(default)]
    pub store: Option<StoreFile>,
    /// The two-person rule on this seat: more risks that need a second
    /// person than the playbook says (never fewer).
    #[serde(default)]
    pub approval: Option<ApprovalFile>,
}

/// The `approval:` section of a config file.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ApprovalFile {
    /// Risks whose commands need a second person on this seat, on top of
    /// the playbook's (`[change]`).
    #[serde(default)]
    pub two_person: Vec<crate::playbook::model::Risk>,
}

/// The `store:` section of a config file.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StoreFile {
    /// `nats://h1:4222` or `tls://h1:4222`; credentials go in the fields
    /// below, not in the URLs.
    #[serde(default)]
    pub servers: Vec<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
    pub nkey_seed_file: Option<PathBuf>,
    pub creds_file: Option<PathBuf>,
    #[serde(default)]
    pub tls: TlsFile,
    pub stream: Option<String>,
    pub replicas: Option<usize>,
    pub subject_prefix: Option<String>,
    pub presence_bucket: Option<String>,
    #[serde(default)]
    pub ignore_discovered_servers: bool,
    pub timeout_secs: Option<u64>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TlsFile {
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    #[serde(default)]
    pub required: bool,
}

pub fn default_path() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(x).join("incident-cockpit/config.yaml"));
    }
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(|h| PathBuf::from(h).join(".config/incident-cockpit/config.yaml"))
}

/// Reads the config file if there is one.
pub fn load(path: Option<&Path>) -> Result<(Config, Keymap), LoadError> {
    let Some(path) = path.map(Path::to_path_buf).or_else(default_path) else {
        return Ok((Config::default(), Keymap::defaults()));
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((Config::default(), Keymap::defaults()));
        }
        Err(e) => {
            return Err(LoadError {
                problems: vec![format!("{}: cannot read: {e}", path.display())],
            });
        }
    };
    parse(&path.display().to_string(), &text)
}

/// The config file's fields.
const FIELDS: &[&str] = &[
    "theme",
    "layout",
    "mouse",
    "low_bandwidth",
    "keys",
    "store",
    "approval",
];

/// The problems of each known top-level field read alone (its lines kept
/// where they are, so each is placed in the file as it is).
fn field_by_field(
    file: &str,
    text: &str,
    fields: &[(crate::schema::tree::Key, crate::schema::Node)],
) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut starts: Vec<usize> = fields.iter().map(|(k, _)| k.line as usize).collect();
    starts.sort();
    let mut out = Vec::new();
    for (k, _) in fields {
        if !FIELDS.contains(&k.name.as_str()) {
            continue;
        }
        let from = k.line as usize;
        let to = starts
            .iter()
            .copied()
            .find(|l| *l > from)
            .unwrap_or(lines.len() + 1);
        let mut alone = "\n".repeat(from.saturating_sub(1));
        for l in lines.iter().take(to - 1).skip(from.saturating_sub(1)) {
            alone.push_str(l);
            alone.push('\n');
        }
        match parse_yaml::<Config>(file, &alone) {
            Err(e) => out.extend(e.problems),
            // A field that reads alone: its keys are checked as usual.
            Ok(_) if k.name == "keys" => {
                if let Err(e) = parse(file, &alone) {
                    out.extend(e.problems);
                }
            }
            Ok(_) => {}
        }
    }
    out
}

pub fn parse(file: &str, text: &str) -> Result<(Config, Keymap), LoadError> {
    let tree = crate::schema::parse(file, text).ok();
    // Unknown fields placed where they are (the YAML reader would place
    // them at the start of the file).
    if let Some(crate::schema::tree::Value::Map(m)) = tree.as_ref().map(|t| &t.value) {
        let problems: Vec<String> = m
            .iter()
            .filter(|(k, _)| !FIELDS.contains(&k.name.as_str()))
            .map(|(k, _)| {
                format!(
                    "{file}:{}:{}: unknown field {:?} in the config file (expected one of: {})",
                    k.line,
                    k.col,
                    k.name,
                    FIELDS.join(", ")
                )
            })
            .collect();
        if !problems.is_empty() {
            // Said with every other problem of the file, not alone.
            let mut problems = problems;
            problems.extend(field_by_field(file, text, m));
            crate::playbook::lint::sort_placed(&mut problems);
            problems.dedup();
            return Err(LoadError { problems });
        }
    }
    let cfg: Config = if text.trim().is_empty() {
        Config::default()
    } else {
        match parse_yaml(file, text) {
            Ok(c) => c,
            Err(first) => {
                // The reader stops at its first problem: each field read
                // alone says the others too.
                let mut problems = first.problems;
                if let Some(crate::schema::tree::Value::Map(m)) = tree.as_ref().map(|t| &t.value) {
                    problems.extend(field_by_field(file, text, m));
                }
                crate::playbook::lint::sort_placed(&mut problems);
                problems.dedup();
                return Err(LoadError { problems });
            }
        }
    };
    let keys_node = tree.as_ref().and_then(|t| t.get("keys"));
    let mut map = Keymap::defaults();
    let mut problems = Vec::new();
    for (name, keys) in &cfg.keys {
        let place = keys_node
            .and_then(|n| n.key(name))
            .map_or(file.to_string(), |k| format!("{file}:{}:{}", k.line, k.col));
        let (ctx_id, action_id) = name.split_once('.').unwrap_or(("global", name.as_str()));
        let Some(ctx) = Ctx::ALL.iter().copied().find(|c| c.id() == ctx_id) else {
            problems.push(format!(
                "{place}: unknown context {ctx_id:?} (expected one of: {})",
                Ctx::ALL
                    .iter()
                    .map(|c| c.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            continue;
        };
        let known: Vec<Action> = map
            .bindings
            .iter()
            .filter(|b| b.ctx == ctx)
            .map(|b| b.action)
            .collect();
        let Some(action) = known.iter().copied().find(|a| a.id() == action_id) else {
            problems.push(format!(
                "{place}: unknown action {action_id:?} in {} (expected one of: {})",
                ctx.id(),
                known.iter().map(|a| a.id()).collect::<Vec<_>>().join(", ")
            ));
            continue;
        };
        let mut parsed = Vec::new();
        for k in keys {
            match Key::parse(&k.value) {
                Ok(key) => parsed.push(key),
                Err(e) => problems.push(format!("{file}:{}:{}: {e}", k.line, k.col)),
            }
        }
        if parsed.is_empty() && !keys.is_empty() {
            continue;
        }
        if keys.is_empty() {
            problems.push(format!(
                "{place}: no keys for {name} (an action needs at least one key)"
            ));
            continue;
        }
        for b in map
            .bindings
            .iter_mut()
            .filter(|b| b.ctx == ctx && b.action == action)
        {
            b.keys.clear();
        }
        if let Some(b) = map
            .bindings
            .iter_mut()
            .find(|b| b.ctx == ctx && b.action == action)
        {
            b.keys = parsed;
        }
    }
    // Where the file names an action's keys, if it does.
    let place_of = |ctx: Ctx, action: Action| {
        let name = if ctx == Ctx::Global {
            action.id().to_string()
        } else {
            format!("{}.{}", ctx.id(), action.id())
        };
        keys_node
            .and_then(|n| n.key(&name))
            .map(|k| format!("{file}:{}:{}", k.line, k.col))
    };
    // One key, one action, in each context (the main view shares the
    // global keys with every pane).
    for ctx in Ctx::ALL {
        let mut seen: BTreeMap<String, (Action, Ctx)> = BTreeMap::new();
        for b in map.bindings.iter().filter(|b| {
            b.ctx == ctx
                || (b.ctx == Ctx::Global
                    && matches!(
                        ctx,
                        Ctx::Checklist | Ctx::Timeline | Ctx::Lists | Ctx::Output
                    ))
        }) {
            for k in &b.keys {
                if let Some((other, other_ctx)) = seen.insert(k.label(), (b.action, b.ctx))
                    && other != b.action
                {
                    let place = place_of(b.ctx, b.action)
                        .or_else(|| place_of(other_ctx, other))
                        .unwrap_or_else(|| file.to_string());
                    problems.push(format!(
                        "{place}: key {} is bound to both {} and {} in {} (give each action its own key)",
                        k.label(),
                        other.id(),
                        b.action.id(),
                        ctx.id()
                    ));
                }
            }
        }
    }
    problems.dedup();
    if problems.is_empty() {
        Ok((cfg, map))
    } else {
        Err(LoadError { problems })
    }
}

/// A complete config file with every default, for `config defaults`.
pub fn defaults_text() -> String {
    let mut out = String::from(
        "# incident-cockpit configuration: copy to $XDG_CONFIG_HOME/incident-cockpit/config.yaml\n\
         # (or ~/.config/incident-cockpit/config.yaml) and change what you need.\n\
         theme: dark            # dark | light | high-contrast | mono (NO_COLOR also means mono)\n\
         layout: auto           # auto (by terminal size) | default | split | compact | wallboard | a file\n\
         mouse: false           # click to focus and select, wheel to scroll (stops terminal text selection)\n\
         low_bandwidth: false   # fewer frames, no bars: for slow links\n\
         approval:              # two-person rule: risks that need a second person here, on top of the playbook's\n\
         \x20 two_person: []       # e.g. [change]; the playbook's own (default [destructive]) always apply\n\
         keys:                  # action: [keys]; context.action for dialogs\n",
    );
    for b in &Keymap::defaults().bindings {
        let name = if b.ctx == Ctx::Global {
            b.action.id()
        } else {
            format!("{}.{}", b.ctx.id(), b.action.id())
        };
        let keys: Vec<String> = b
            .keys
            .iter()
            .map(|k| {
                let l = match k.code {
                    crossterm::event::KeyCode::Up => "Up".to_string(),
                    crossterm::event::KeyCode::Down => "Down".to_string(),
                    crossterm::event::KeyCode::Left => "Left".to_string(),
                    crossterm::event::KeyCode::Right => "Right".to_string(),
                    _ => k.label(),
                };
                format!("\"{}\"", l.replace('\\', "\\\\").replace('"', "\\\""))
            })
            .collect();
        out.push_str(&format!(
            "  {name}: [{}]    # {}\n",
            keys.join(", "),
            b.help
        ));
    }
    out
}

/// The colours the cockpit draws with (`--theme`, `theme:` in the config).
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
pub enum Theme {
    #[default]
    Dark,
    Light,
    HighContrast,
    /// No colour at all (NO_COLOR, `--no-color`).
    Mono,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
            Theme::HighContrast => "high-contrast",
            Theme::Mono => "mono",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    /// Issue 14: every problem of the file, not the first: an unknown
    /// field, a bad value and an unknown action, each placed.
    #[test]
    fn every_problem_of_a_config_file_is_said() {
        let text =
            "theme: purple\nkeys:\n  quit: [Ctrl-Q]\n  nosuch.thing: [x]\nbogus: 2\nmouse: maybe\n";
        let e = parse("c.yaml", text).unwrap_err();
        let p = &e.problems;
        assert!(p.iter().any(|x| x.starts_with("c.yaml:1:")), "{e}");
        assert!(
            p.iter()
                .any(|x| x.starts_with("c.yaml:4:3: unknown context \"nosuch\"")),
            "{e}"
        );
        assert!(
            p.iter()
                .any(|x| x.starts_with("c.yaml:5:1: unknown field \"bogus\"")),
            "{e}"
        );
        assert!(p.iter().any(|x| x.starts_with("c.yaml:6:")), "{e}");
        // Without the unknown field too.
        let e = parse("c.yaml", "theme: purple\nmouse: maybe\n").unwrap_err();
        assert_eq!(e.problems.len(), 2, "{e}");
    }

    #[test]
    fn the_defaults_file_parses_to_the_default_keymap() {
        let (cfg, map) = parse("defaults.yaml", &defaults_text()).unwrap();
        assert_eq!(map, Keymap::defaults());
        assert_eq!(cfg.theme, Some(Theme::Dark));
    }

    #[test]
    fn overrides_replace_keys_and_errors_are_placed() {
        let (_, map) = parse(
            "c.yaml",
            "keys:\n  note: [\"N\", Ctrl-N]\n  editor.save: [Ctrl-X]\n",
        )
        .unwrap();
        let find = |ctx: Ctx, key: KeyEvent| {
            let k = Key::from_event(&key);
            map.bindings
                .iter()
                .find(|b| b.ctx == ctx && b.keys.contains(&k))
                .map(|b| b.action)
        };
        assert_eq!(
            find(
                Ctx::Global,
                KeyEvent::new(KeyCode::Char('N'), KeyModifiers::SHIFT)
            ),
            Some(Action::Note)
        );
        assert_eq!(
            find(
                Ctx::Global,
                KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)
            ),
            Some(Action::Note)
        );
        assert_eq!(
            find(
                Ctx::Global,
                KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE)
            ),
            None
        );
        assert_eq!(
            find(
                Ctx::Note,
                KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL)
            ),
            Some(Action::Save)
        );

        let e = parse("c.yaml", "keys:\n  nite: [n]\n  note: [Hyper-Q]\n").unwrap_err();
        assert!(
            e.problems[0].starts_with("c.yaml:2:3: unknown action \"nite\" in global"),
            "{e}"
        );
        assert!(
            e.problems[1].starts_with("c.yaml:3:10: unknown key \"Hyper-Q\""),
            "{e}"
        );
        let e = parse("c.yaml", "keys:\n  note: [q]\n").unwrap_err();
        assert!(
            e.problems[0].starts_with("c.yaml:2:3: key q is bound to both"),
            "placed at the binding the file made: {e}"
        );
        let e = parse("c.yaml", "theme: dark\nmouse: false\ncolour: red\n").unwrap_err();
        assert!(
            e.problems[0].starts_with("c.yaml:3:1: unknown field \"colour\" in the config file"),
            "{e}"
        );
        let e = parse("c.yaml", "theme: purple\n").unwrap_err();
        assert!(e.problems[0].starts_with("c.yaml:1:"), "{e}");
    }
}
