//! Alertmanager label matchers as people write them: `service="dicps-api"`,
//! `alertname=~"A|B"`, `severity!="info"`, `env!~"dev.*"`. A list is
//! comma-separated, optionally inside `{…}`. Values may be quoted (with
//! `\"` and `\\` escapes) or bare. Regular expressions are anchored, as
//! Alertmanager anchors them.

use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    NotEq,
    Re,
    NotRe,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::NotEq => "!=",
            Op::Re => "=~",
            Op::NotRe => "!~",
        }
    }
    pub fn is_regex(self) -> bool {
        matches!(self, Op::Re | Op::NotRe)
    }
    pub fn is_equal(self) -> bool {
        matches!(self, Op::Eq | Op::Re)
    }
}

#[derive(Clone, Debug)]
pub struct Matcher {
    pub name: String,
    pub op: Op,
    pub value: String,
    /// The anchored expression, for `=~` and `!~`.
    re: Option<regex::Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, o: &Self) -> bool {
        self.name == o.name && self.op == o.op && self.value == o.value
    }
}

impl Matcher {
    pub fn new(name: &str, op: Op, value: &str) -> Result<Self, String> {
        if !valid_label_name(name) {
            return Err(format!(
                "bad label name {name:?} (letters, digits and _, not starting with a digit)"
            ));
        }
        let re = if op.is_regex() {
            Some(
                regex::Regex::new(&format!("^(?:{value})$"))
                    .map_err(|e| format!("bad regular expression in {name}{}: {e}", op.as_str()))?,
            )
        } else {
            None
        };
        Ok(Self {
            name: name.to_string(),
            op,
            value: value.to_string(),
            re,
        })
    }

    /// Whether a label value (empty when the label is missing) matches.
    pub fn matches_value(&self, v: &str) -> bool {
        match self.op {
            Op::Eq => v == self.value,
            Op::NotEq => v != self.value,
            Op::Re => self.re.as_ref().is_some_and(|r| r.is_match(v)),
            Op::NotRe => !self.re.as_ref().is_some_and(|r| r.is_match(v)),
        }
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matches_value(labels.get(&self.name).map_or("", String::as_str))
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}\"", self.name, self.op.as_str())?;
        for c in self.value.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("\"")
    }
}

pub fn valid_label_name(n: &str) -> bool {
    let mut cs = n.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// One matcher: `name="value"`, `name=~"re"`, `name!=value`...
pub fn parse_one(text: &str) -> Result<Matcher, String> {
    let mut list = parse_list(text)?;
    match list.len() {
        1 => Ok(list.remove(0)),
        0 => Err("empty matcher".into()),
        _ => Err(format!("{text:?} is several matchers, expected one")),
    }
}

/// A comma-separated list, optionally in braces: `{a="1", b=~"x|y"}`.
pub fn parse_list(text: &str) -> Result<Vec<Matcher>, String> {
    let mut s = text.trim();
    if let Some(inner) = s.strip_prefix('{') {
        s = inner
            .strip_suffix('}')
            .ok_or_else(|| format!("{text:?}: a '{{' without its '}}'"))?;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= chars.len() {
            break;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
            i += 1;
        }
        let name: String = chars[start..i].iter().collect();
        if name.is_empty() {
            return Err(format!(
                "{text:?}: expected a label name at column {}",
                start + 1
            ));
        }
        skip_ws(&mut i);
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        let op = if rest.starts_with("=~") {
            Op::Re
        } else if rest.starts_with("!~") {
            Op::NotRe
        } else if rest.starts_with("!=") {
            Op::NotEq
        } else if rest.starts_with('=') {
            Op::Eq
        } else {
            return Err(format!("{text:?}: expected =, !=, =~ or !~ after {name:?}"));
        };
        i += op.as_str().len();
        skip_ws(&mut i);
        let mut value = String::new();
        if i < chars.len() && chars[i] == '"' {
            i += 1;
            let mut closed = false;
            while i < chars.len() {
                match chars[i] {
                    '\\' if i + 1 < chars.len() => {
                        value.push(match chars[i + 1] {
                            'n' => '\n',
                            c => c,
                        });
                        i += 2;
                    }
                    '"' => {
                        closed = true;
                        i += 1;
                        break;
                    }
                    c => {
                        value.push(c);
                        i += 1;
                    }
                }
            }
            if !closed {
                return Err(format!("{text:?}: a quoted value is not closed"));
            }
        } else {
            while i < chars.len() && chars[i] != ',' {
                value.push(chars[i]);
                i += 1;
            }
            value = value.trim().to_string();
        }
        out.push(Matcher::new(&name, op, &value)?);
        skip_ws(&mut i);
        if i < chars.len() {
            if chars[i] != ',' {
                return Err(format!(
                    "{text:?}: expected ',' between matchers at column {}",
                    i + 1
                ));
            }
            i += 1;
        }
    }
    Ok(out)
}

/// `{a="1", b="2"}`.
pub fn display_list(ms: &[Matcher]) -> String {
    ms.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(kv: &[(&str, &str)]) -> BTreeMap<String, String> {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_the_four_operators_quoted_and_bare() {
        let ms =
            parse_list(r#"{service="dicps-api", alertname=~"A|B", env!=dev, x!~"t.*"}"#).unwrap();
        let ops: Vec<Op> = ms.iter().map(|m| m.op).collect();
        assert_eq!(ops, vec![Op::Eq, Op::Re, Op::NotEq, Op::NotRe]);
        assert_eq!(ms[2].value, "dev");
        assert_eq!(
            display_list(&ms),
            r#"service="dicps-api", alertname=~"A|B", env!="dev", x!~"t.*""#
        );
        // Display round-trips, escapes included.
        let m = Matcher::new("summary", Op::Eq, "say \"hi\" \\ bye").unwrap();
        assert_eq!(parse_one(&m.to_string()).unwrap(), m);
    }

    #[test]
    fn regexes_are_anchored_and_missing_labels_are_empty() {
        let m = parse_one(r#"alertname=~"API.*""#).unwrap();
        assert!(m.matches(&labels(&[("alertname", "APIDown")])));
        assert!(!m.matches(&labels(&[("alertname", "NotAPIDown")])));
        let m = parse_one(r#"team="""#).unwrap();
        assert!(m.matches(&labels(&[])));
        let m = parse_one(r#"team!~"a|b""#).unwrap();
        assert!(m.matches(&labels(&[("team", "c")])));
        assert!(!m.matches(&labels(&[("team", "a")])));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(parse_one("=x").unwrap_err().contains("label name"));
        assert!(parse_one("a x").unwrap_err().contains("expected ="));
        assert!(parse_one(r#"a="x"#).unwrap_err().contains("not closed"));
        assert!(
            parse_one(r#"a=~"(""#)
                .unwrap_err()
                .contains("regular expression")
        );
        assert!(parse_one(r#"a="1" b="2""#).unwrap_err().contains("','"));
        assert!(parse_one("9a=1").unwrap_err().contains("label name"));
        assert!(parse_list("{a=1").unwrap_err().contains("'}'"));
        assert_eq!(parse_list(" ").unwrap(), vec![]);
    }
}
