//! A validator for the subset of JSON Schema that schemars writes for our
//! formats (`type`, `properties`, `required`, `additionalProperties`,
//! `items`, `enum`, `anyOf`/`oneOf`, `$ref`, `minimum`), over a located YAML
//! tree, collecting every problem with its place.

use super::tree::{Node, Value};
use serde_json::Value as J;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub col: u64,
    pub msg: String,
}

/// Every way `node` breaks `schema`.
pub fn validate(node: &Node, schema: &J) -> Vec<Problem> {
    let mut out = Vec::new();
    let ctx = schema
        .get("title")
        .and_then(J::as_str)
        .map(lower_name)
        .unwrap_or_else(|| "document".into());
    check(node, schema, schema, &ctx, None, &mut out);
    out.sort_by_key(|p| (p.line, p.col));
    out
}

fn lower_name(s: &str) -> String {
    // `ProcedureStep` → `procedure step`
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push(' ');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn resolve<'a>(root: &'a J, sch: &'a J, ctx: &str) -> (&'a J, String) {
    if let Some(r) = sch.get("$ref").and_then(J::as_str)
        && let Some(name) = r.strip_prefix("#/$defs/")
        && let Some(def) = root.get("$defs").and_then(|d| d.get(name))
    {
        // Leaf definitions (an enum) keep the context of their field.
        let is_object = types_of(def).contains(&"object");
        let ctx = if is_object {
            lower_name(name)
        } else {
            ctx.to_string()
        };
        return resolve(root, def, &ctx);
    }
    (sch, ctx.to_string())
}

fn types_of(sch: &J) -> Vec<&str> {
    match sch.get("type") {
        Some(J::String(t)) => vec![t.as_str()],
        Some(J::Array(v)) => v.iter().filter_map(J::as_str).collect(),
        _ => Vec::new(),
    }
}

fn matches_type(node: &Node, t: &str) -> bool {
    match (t, &node.value) {
        ("null", Value::Null) => true,
        ("boolean", Value::Bool(_)) => true,
        ("integer", Value::Int(_)) => true,
        ("number", Value::Int(_) | Value::Float(_)) => true,
        // A plain scalar such as `2.0` or `15` is read as text where text
        // is expected (serde-saphyr does the same).
        // (`y`, `no`, `on` are booleans to YAML 1.1 readers.)
        ("string", Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)) => true,
        ("object", Value::Map(_)) => true,
        ("array", Value::Seq(_)) => true,
        _ => false,
    }
}

fn describe_type(t: &str) -> &'static str {
    match t {
        "null" => "nothing",
        "boolean" => "true or false",
        "integer" => "a whole number",
        "number" => "a number",
        "string" => "a string",
        "object" => "a mapping",
        "array" => "a list",
        _ => "something else",
    }
}

fn what(field: Option<&str>, ctx: &str) -> String {
    match field {
        Some(f) => format!("\"{f}\" in {ctx}"),
        None => ctx.to_string(),
    }
}

/// Whether a branch of anyOf/oneOf could apply to this node at all.
fn branch_fits(root: &J, b: &J, node: &Node) -> bool {
    let (b, _) = resolve(root, b, "");
    let ts = types_of(b);
    ts.is_empty() || ts.iter().any(|t| matches_type(node, t))
}

fn check(node: &Node, sch: &J, root: &J, ctx: &str, field: Option<&str>, out: &mut Vec<Problem>) {
    let (sch, ctx) = resolve(root, sch, ctx);
    let ctx = ctx.as_str();
    let place = |msg: String| Problem {
        line: node.line,
        col: node.col,
        msg,
    };

    if let Some(c) = sch.get("const") {
        let ok = match (&node.value, c) {
            (Value::Str(v), J::String(want)) => v == want,
            (Value::Bool(v), J::Bool(want)) => v == want,
            _ => false,
        };
        if !ok {
            out.push(place(format!(
                "{} is {} (expected {c})",
                what(field, ctx),
                node.kind()
            )));
        }
        return;
    }

    for key in ["anyOf", "oneOf"] {
        if let Some(J::Array(branches)) = sch.get(key) {
            // A choice of constants (an enum with documented variants).
            let consts: Option<Vec<String>> = branches
                .iter()
                .map(|b| {
                    let b = resolve(root, b, "").0;
                    b.get("const")
                        .and_then(J::as_str)
                        .map(|c| vec![c.to_string()])
                        .or_else(|| {
                            b.get("enum")
                                .and_then(J::as_array)
                                .map(|v| v.iter().filter_map(J::as_str).map(String::from).collect())
                        })
                })
                .collect::<Option<Vec<Vec<String>>>>()
                .map(|v| v.concat());
            if let Some(names) = consts {
                let text = node.as_str().map(str::to_string);
                if !text.as_ref().is_some_and(|t| names.contains(t)) {
                    out.push(place(format!(
                        "{} is {} (expected one of: {})",
                        what(field, ctx),
                        text.map_or_else(|| node.kind().to_string(), |t| format!("\"{t}\"")),
                        names.join(", ")
                    )));
                }
                return;
            }
            let fitting: Vec<&J> = branches
                .iter()
                .filter(|b| branch_fits(root, b, node))
                .collect();
            match fitting.as_slice() {
                [] => {
                    let expected: Vec<&str> = branches
                        .iter()
                        .flat_map(|b| types_of(resolve(root, b, "").0))
                        .filter(|t| *t != "null")
                        .map(describe_type)
                        .collect();
                    out.push(place(format!(
                        "{} is {} (expected {})",
                        what(field, ctx),
                        node.kind(),
                        expected.join(" or ")
                    )));
                }
                [one] => check(node, one, root, ctx, field, out),
                many => {
                    // The branch with the fewest problems explains best.
                    let best = many
                        .iter()
                        .map(|b| {
                            let mut v = Vec::new();
                            check(node, b, root, ctx, field, &mut v);
                            v
                        })
                        .min_by_key(Vec::len)
                        .unwrap_or_default();
                    out.extend(best);
                }
            }
            return;
        }
    }

    let types = types_of(sch);
    if !types.is_empty() && !types.iter().any(|t| matches_type(node, t)) {
        let expected: Vec<&str> = types
            .iter()
            .filter(|t| **t != "null")
            .map(|t| describe_type(t))
            .collect();
        out.push(place(format!(
            "{} is {} (expected {})",
            what(field, ctx),
            node.kind(),
            expected.join(" or ")
        )));
        return;
    }

    if let Some(J::Array(allowed)) = sch.get("enum") {
        let text = match &node.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let ok = allowed
            .iter()
            .any(|a| a.as_str().is_some_and(|a| Some(a.to_string()) == text));
        if !ok {
            let names: Vec<&str> = allowed.iter().filter_map(J::as_str).collect();
            out.push(place(format!(
                "{} is {} (expected one of: {})",
                what(field, ctx),
                text.map_or_else(|| node.kind().to_string(), |t| format!("\"{t}\"")),
                names.join(", ")
            )));
        }
        return;
    }

    if let (Some(min), Value::Int(i)) = (sch.get("minimum").and_then(J::as_f64), &node.value)
        && (*i as f64) < min
    {
        out.push(place(format!(
            "{} is {i} (expected at least {min})",
            what(field, ctx)
        )));
    }

    match &node.value {
        Value::Map(entries) => {
            let props = sch.get("properties").and_then(J::as_object);
            let extra = sch.get("additionalProperties");
            for (k, v) in entries {
                match props.and_then(|p| p.get(&k.name)) {
                    Some(ps) => check(v, ps, root, ctx, Some(&k.name), out),
                    None => match extra {
                        Some(J::Bool(false)) => {
                            let mut names: Vec<&str> = props
                                .map(|p| p.keys().map(String::as_str).collect())
                                .unwrap_or_default();
                            names.sort_unstable();
                            out.push(Problem {
                                line: k.line,
                                col: k.col,
                                msg: format!(
                                    "unknown field \"{}\" in {ctx} (expected one of: {})",
                                    k.name,
                                    names.join(", ")
                                ),
                            });
                        }
                        Some(s @ J::Object(_)) => check(v, s, root, ctx, Some(&k.name), out),
                        _ => {}
                    },
                }
            }
            for req in sch
                .get("required")
                .and_then(J::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(r) = req.as_str()
                    && !entries.iter().any(|(k, _)| k.name == r)
                {
                    out.push(place(format!("missing field \"{r}\" in {ctx}")));
                }
            }
        }
        Value::Seq(items) => {
            if let Some(is) = sch.get("items") {
                for it in items {
                    check(it, is, root, ctx, field, out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::tree::parse;

    fn problems(yaml: &str) -> Vec<String> {
        let schema = serde_json::to_value(crate::playbook::schema()).unwrap();
        let tree = parse("t", yaml).unwrap();
        validate(&tree, &schema)
            .into_iter()
            .map(|p| format!("{}:{}: {}", p.line, p.col, p.msg))
            .collect()
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let p = problems(
            "name: x\ntitle: y\nbogus: 1\nprocedures:\n  - id: a\n    name: A\n    phases:\n      - id: p\n        name: P\n        steps:\n          - id: s\n            titel: S\n            command:\n              run: [1]\n              risk: dangerous\n              shell: maybe\n",
        );
        assert_eq!(
            p,
            vec![
                "3:1: unknown field \"bogus\" in playbook (expected one of: approval, business_day, conditions, contacts, deadlines, drills, escalation, followups, include, name, notes, owner, postmortem, procedures, redact, roles, severities, templates, title, tools, version, watch)",
                "11:13: missing field \"title\" in step",
                "12:13: unknown field \"titel\" in step (expected one of: approval, command, detail, expect, id, role, title, verify)",
                "14:20: \"run\" in command is a list (expected a string)",
                "15:21: \"risk\" in command is \"dangerous\" (expected one of: read, change, destructive)",
                "16:22: \"shell\" in command is a string (expected true or false)",
            ]
        );
    }

    #[test]
    fn missing_top_level_fields() {
        let p = problems("procedures: []\n");
        assert_eq!(
            p,
            vec![
                "1:1: missing field \"name\" in playbook",
                "1:1: missing field \"title\" in playbook"
            ]
        );
    }

    #[test]
    fn plain_scalars_are_text_where_text_is_expected() {
        assert!(problems("name: x\ntitle: 2026\nversion: 2.0\n").is_empty());
    }
}
