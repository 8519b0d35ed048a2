//! Project facts from JSON: a flat object keyed by fact name.
//!
//! Money may be a JSON number of yuan (`5000000`) or a string with units (`"500万元"`); a
//! percentage is a string (`"15%"`); a date is `"YYYY-MM-DD"`, or `true` (the event has happened,
//! its date is not given) or `false` (it has not happened as of the evaluation date); an enum is
//! the variant's name or its Chinese label. `null` or a missing field means unknown. Every error
//! names the field and its line and column in the JSON text.

use crate::diagnostic::did_you_mean;
use crate::ir::{FactId, Program, Type};
use crate::value::Value;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

/// What the project says about one fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// Not given (or `null`).
    Unknown,
    Known(Value),
    /// A date fact given as `true`: the event has happened; its date is not given.
    Happened,
    /// A date fact given as `false`: the event has not happened as of the evaluation date.
    NotHappened,
}

/// The project's facts, indexed by [`FactId`].
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub slots: Vec<Slot>,
}

impl Facts {
    pub fn empty(program: &Program) -> Facts {
        Facts {
            slots: vec![Slot::Unknown; program.facts.len()],
        }
    }
    pub fn slot(&self, id: FactId) -> &Slot {
        self.slots.get(id.0 as usize).unwrap_or(&Slot::Unknown)
    }
    /// The fact's value, when it is given as a value.
    pub fn get(&self, id: FactId) -> Option<&Value> {
        match self.slot(id) {
            Slot::Known(v) => Some(v),
            _ => None,
        }
    }
    pub fn set(&mut self, id: FactId, v: Slot) {
        if let Some(slot) = self.slots.get_mut(id.0 as usize) {
            *slot = v;
        }
    }
    /// Whether the project says anything about the fact.
    pub fn is_given(&self, id: FactId) -> bool {
        !matches!(self.slot(id), Slot::Unknown)
    }
}

/// A problem with one field of the facts file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactError {
    /// The JSON field, or empty for the document as a whole.
    pub field: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for FactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}:{}: {}", self.line, self.column, self.message)?;
        } else {
            write!(
                f,
                "{}:{}: field `{}`: {}",
                self.line, self.column, self.field, self.message
            )?;
        }
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

/// Line and column (1-based, in characters) where `"field"` appears as a key in `text`.
fn locate(text: &str, field: &str) -> (usize, usize) {
    let needle = format!("\"{field}\"");
    let mut from = 0;
    while let Some(pos) = text[from..].find(&needle) {
        let at = from + pos;
        let after = text[at + needle.len()..].trim_start();
        if after.starts_with(':') {
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let col = before
                .rsplit('\n')
                .next()
                .map(|l| l.chars().count())
                .unwrap_or(0)
                + 1;
            return (line, col);
        }
        from = at + needle.len();
    }
    (1, 1)
}

/// Parse money: a JSON number of yuan or a string such as `"500万元"`, `"1.5亿元"`, `"5000元"`.
pub fn parse_money(s: &str) -> Option<Decimal> {
    let s = s.trim().replace([',', '，'], "");
    let (num, factor) = crate::value::MONEY_UNITS
        .iter()
        .find_map(|(unit, f)| s.strip_suffix(unit).map(|n| (n, Decimal::from(*f))))
        .unwrap_or((s.as_str(), Decimal::ONE));
    num.trim().parse::<Decimal>().ok()?.checked_mul(factor)
}

pub fn parse_percent(s: &str) -> Option<Decimal> {
    let n = s
        .trim()
        .strip_suffix('%')
        .or_else(|| s.trim().strip_suffix('％'))?;
    Some(n.trim().parse::<Decimal>().ok()? / Decimal::ONE_HUNDRED)
}

/// Read facts from JSON text.
pub fn parse_facts(program: &Program, text: &str) -> Result<Facts, Vec<FactError>> {
    let json: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Err(vec![FactError {
                field: String::new(),
                line: e.line(),
                column: e.column(),
                message: format!("not valid JSON: {e}"),
                hint: Some(
                    "the facts are one JSON object, e.g. {\"total_investment\": \"500万元\"}"
                        .into(),
                ),
            }]);
        }
    };
    let serde_json::Value::Object(map) = json else {
        return Err(vec![FactError {
            field: String::new(),
            line: 1,
            column: 1,
            message: "the facts must be a JSON object".into(),
            hint: Some("write {\"total_investment\": \"500万元\", \"classified\": false}".into()),
        }]);
    };
    let mut facts = Facts::empty(program);
    let mut errors = Vec::new();
    for (key, value) in &map {
        let (line, column) = locate(text, key);
        let err = |message: String, hint: Option<String>| FactError {
            field: key.clone(),
            line,
            column,
            message,
            hint,
        };
        let Some(id) = program.fact_id(key) else {
            let hint = did_you_mean(key, program.facts.iter().map(|f| f.name.as_str()))
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| {
                    program.concept_id(key).map(|_| {
                        format!("`{key}` is a concept the policy decides, not a fact you give")
                    })
                })
                .or_else(|| {
                    Some("run `tiao facts POLICY` to list the facts the policy reads".into())
                });
            errors.push(err(format!("unknown fact `{key}`"), hint));
            continue;
        };
        if value.is_null() {
            continue;
        }
        let ty = &program.fact(id).ty;
        match (ty, value) {
            (Type::Date, serde_json::Value::Bool(true)) => facts.set(id, Slot::Happened),
            (Type::Date, serde_json::Value::Bool(false)) => facts.set(id, Slot::NotHappened),
            _ => match convert(program, ty, value) {
                Ok(v) => facts.set(id, Slot::Known(v)),
                Err((message, hint)) => errors.push(err(message, hint)),
            },
        }
    }
    if errors.is_empty() {
        Ok(facts)
    } else {
        Err(errors)
    }
}

type ConvertError = (String, Option<String>);

fn describe(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => format!("the boolean {b}"),
        serde_json::Value::Number(n) => format!("the number {n}"),
        serde_json::Value::String(s) => format!("the text \"{s}\""),
        serde_json::Value::Array(_) => "an array".into(),
        serde_json::Value::Object(_) => "an object".into(),
    }
}

fn convert(program: &Program, ty: &Type, value: &serde_json::Value) -> Result<Value, ConvertError> {
    use serde_json::Value as J;
    let wrong = |want: &str, hint: &str| {
        (
            format!("expected {want}, found {}", describe(value)),
            Some(hint.to_string()),
        )
    };
    match ty {
        Type::Bool => match value {
            J::Bool(b) => Ok(Value::Bool(*b)),
            _ => Err(wrong("true or false", "write true or false without quotes")),
        },
        Type::Int => match value {
            J::Number(n) => n
                .as_i64()
                .map(Value::Int)
                .ok_or_else(|| wrong("a whole number", "write a whole number such as 3")),
            _ => Err(wrong("a whole number", "write a whole number such as 3")),
        },
        Type::Decimal => match value {
            J::Number(n) => n
                .to_string()
                .parse::<Decimal>()
                .map(Value::Decimal)
                .map_err(|_| wrong("a number", "write a number such as 1.5")),
            _ => Err(wrong("a number", "write a number such as 1.5")),
        },
        Type::Money => {
            let hint =
                "write yuan as a number (5000000) or a text with units (\"500万元\", \"1.5亿元\")";
            let parsed = match value {
                J::Number(n) => n.to_string().parse::<Decimal>().ok(),
                J::String(s) => parse_money(s),
                _ => None,
            };
            match parsed {
                Some(d) if d.is_sign_negative() => Err((
                    "an amount of money cannot be negative".into(),
                    Some(hint.into()),
                )),
                Some(d) => Ok(Value::Money(d)),
                None => Err(wrong("an amount of money", hint)),
            }
        }
        Type::Percent => match value {
            J::String(s) => parse_percent(s)
                .map(Value::Percent)
                .ok_or_else(|| wrong("a percentage", "write a text such as \"15%\"")),
            _ => Err(wrong(
                "a percentage",
                "write a text such as \"15%\" (a bare number would be ambiguous)",
            )),
        },
        Type::Date => match value {
            J::String(s) => match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                Ok(d) if s.trim().len() == 10 => Ok(Value::Date(d)),
                _ => Err((
                    format!("\"{s}\" is not a date"),
                    Some("write dates as \"YYYY-MM-DD\", e.g. \"2024-03-15\"".into()),
                )),
            },
            _ => Err(wrong(
                "a date",
                "write dates as \"YYYY-MM-DD\" (e.g. \"2024-03-15\"), or true (it happened, date not known) or false (it has not happened)",
            )),
        },
        Type::Duration => match value {
            J::String(s) => crate::value::parse_duration(s)
                .map(Value::Duration)
                .ok_or_else(|| wrong("a duration", "write \"6个月\", \"5个工作日\", \"半年\"")),
            _ => Err(wrong(
                "a duration",
                "write \"6个月\", \"5个工作日\", \"半年\"",
            )),
        },
        Type::Text => match value {
            J::String(s) => Ok(Value::Text(s.clone())),
            _ => Err(wrong("a text", "write a text in quotes")),
        },
        Type::Enum(e) => {
            let def = &program.enums[e.0 as usize];
            let names: Vec<String> = def.variants.iter().map(|(n, _)| n.clone()).collect();
            let hint = format!("one of {}", names.join(", "));
            match value {
                J::String(s) => def
                    .variants
                    .iter()
                    .position(|(n, label)| n == s || label.as_deref() == Some(s.as_str()))
                    .map(|i| Value::Enum(e.0, i as u32))
                    .ok_or_else(|| {
                        let h = did_you_mean(s, names.iter().map(String::as_str))
                            .map(|m| format!("did you mean \"{m}\"? ({hint})"))
                            .unwrap_or(hint.clone());
                        (format!("\"{s}\" is not a {}", def.name), Some(h))
                    }),
                _ => Err(wrong(&format!("a {}", def.name), &hint)),
            }
        }
        Type::Record(r) => {
            let def = &program.records[r.0 as usize];
            let J::Object(map) = value else {
                return Err(wrong("an object", "write {\"field\": value, …}"));
            };
            let mut fields = Vec::new();
            for (name, fty) in &def.fields {
                let v = match map.get(name) {
                    Some(x) => convert(program, fty, x)
                        .map_err(|(m, h)| (format!("in `{name}`: {m}"), h))?,
                    None => return Err((format!("missing field `{name}` of {}", def.name), None)),
                };
                fields.push(v);
            }
            if let Some(extra) = map
                .keys()
                .find(|k| !def.fields.iter().any(|(n, _)| n == *k))
            {
                return Err((format!("{} has no field `{extra}`", def.name), None));
            }
            Ok(Value::Record(fields))
        }
        Type::Set(inner) => match value {
            J::Array(items) => {
                let mut out = Vec::new();
                for x in items {
                    out.push(convert(program, inner, x)?);
                }
                out.sort();
                out.dedup();
                Ok(Value::Set(out))
            }
            _ => Err(wrong("an array", "write [ … ]")),
        },
        Type::Reasons => Err(("reasons are decided by the policy, not given".into(), None)),
    }
}
