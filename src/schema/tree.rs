//! A YAML document as a tree of located nodes, read through serde-saphyr so
//! that every value and every key knows its line and column. Validation
//! walks this tree and reports every problem, not only the first.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub line: u64,
    pub col: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u64,
    pub col: u64,
}

impl Node {
    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a number",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn key(&self, key: &str) -> Option<&Key> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k.name == key).map(|(k, _)| k),
            _ => None,
        }
    }

    pub fn index(&self, i: usize) -> Option<&Node> {
        match &self.value {
            Value::Seq(v) => v.get(i),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v as i128))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v as i128))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        i128::try_from(v)
            .map(Value::Int)
            .map_err(|_| E::custom("number too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut v = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            v.push(n);
        }
        Ok(Value::Seq(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut v = Vec::new();
        while let Some(k) = map.next_key::<Spanned<KeyText>>()? {
            let node = map.next_value::<Node>()?;
            v.push((
                Key {
                    name: k.value.0,
                    line: k.referenced.line(),
                    col: k.referenced.column(),
                },
                node,
            ));
        }
        Ok(Value::Map(v))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            value: s.value,
            line: s.referenced.line(),
            col: s.referenced.column(),
        })
    }
}

/// A mapping key as text, whatever scalar it was written as.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // As text, as a struct's field name is read (so `n:` stays "n",
        // not YAML 1.1's false).
        String::deserialize(d).map(KeyText)
    }
}

/// Parses a YAML document into a located tree; a syntax error is placed.
pub fn parse(file: &str, text: &str) -> Result<Node, String> {
    let opts = serde_saphyr::Options {
        with_snippet: false,
        ..Default::default()
    };
    serde_saphyr::from_str_with_options::<Node>(text, opts).map_err(|e| place_yaml_error(file, &e))
}

/// Formats a serde-saphyr error as `file:line:column: message`.
pub fn place_yaml_error(file: &str, err: &serde_saphyr::Error) -> String {
    let inner = err.without_snippet();
    let text = inner.to_string();
    match inner.location() {
        Some(loc) => {
            let suffix = format!(" at line {}, column {}", loc.line(), loc.column());
            let msg = text.strip_suffix(&suffix).unwrap_or(&text);
            format!("{file}:{}:{}: {msg}", loc.line(), loc.column())
        }
        None => format!("{file}: {text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_and_key_is_located() {
        let t = parse(
            "f",
            "name: x\nsteps:\n  - id: a\n    n: 2\n    f: 1.5\n    ok: true\n    none: ~\n",
        )
        .unwrap();
        let steps = t.get("steps").unwrap();
        assert_eq!((steps.line, steps.col), (3, 3));
        let step = steps.index(0).unwrap();
        let k = step.key("n").unwrap();
        assert_eq!((k.line, k.col), (4, 5));
        assert_eq!(step.get("n").unwrap().value, Value::Int(2));
        assert_eq!(step.get("f").unwrap().value, Value::Float(1.5));
        assert_eq!(step.get("ok").unwrap().value, Value::Bool(true));
        assert_eq!(step.get("none").unwrap().value, Value::Null);
        let id = step.get("id").unwrap();
        assert_eq!((id.line, id.col), (3, 9));
    }

    #[test]
    fn syntax_errors_are_placed() {
        let e = parse("f.yaml", "a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.starts_with("f.yaml:"), "{e}");
    }
}
