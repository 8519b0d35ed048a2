//! Project facts from JSON: a flat object keyed by fact name.
//!
//! Money may be a JSON number of yuan (`5000000`) or a string with units (`"500万元"`); a
//! percentage is a string (`"15%"`); a date is `"YYYY-MM-DD"`, or `true` (the event has happened,
//! its date is not given) or `false` (it has not happened as of the evaluation date); an enum is
//! the variant's name or its Chinese label. `null` or a missing field means unknown. Every error
//! names the field and its line and column in the JSON text.
//!
//! The text is read with [`crate::json`] (one pass, every key located, duplicate keys rejected
//! naming both places). The grammar of money, percent, duration and date texts is written down
//! in docs/input.md; [`parse_money`], [`parse_percent`], [`crate::value::parse_duration`] and
//! [`crate::value::parse_date`] implement it. At most [`MAX_FACT_ERRORS`] errors are listed.

use crate::diagnostic::did_you_mean;
use crate::ir::{FactId, Program, Type};
use crate::json::{self, Json, Node, Pos};
use crate::value::{LiteralError, Value, ascii_form, shown};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;
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

/// At most this many errors are listed for one facts file; one more error counts the rest.
pub const MAX_FACT_ERRORS: usize = 100;

/// Keys longer than this (in characters) get no did-you-mean (the edit distance is quadratic).
const SUGGEST_MAX_CHARS: usize = 64;

const MONEY_HINT: &str =
    "write yuan as a number (5000000) or a text with units (\"500万元\", \"1.5亿元\")";

/// A checked run of ASCII digits with optional `,` grouping and an optional decimal point:
/// the number part of a money or percent text (docs/input.md). Returns the digits without
/// separators, or the hint saying what is wrong.
fn decimal_digits(num: &str, grouping: bool) -> Result<String, String> {
    let (int, frac) = match num.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (num, None),
    };
    if int.is_empty() {
        return Err(format!(
            "write a digit before the decimal point: \"0{num}\""
        ));
    }
    match frac {
        Some("") => return Err("write digits after the decimal point, or no point".into()),
        Some(f) if f.contains(['.', ',']) => {
            return Err(if f.contains(',') {
                "a comma separates groups of three digits before the decimal point only, as in \"1,234.5\"".into()
            } else {
                "a number has one decimal point".into()
            });
        }
        _ => {}
    }
    if int.contains(',') {
        let comma_hint = "a comma separates groups of three digits, as in \"5,000,000\"; a decimal is written with a point, as in \"5.0\"";
        if !grouping {
            return Err("write the number without thousands separators".into());
        }
        let mut groups = int.split(',');
        let first = groups.next().unwrap_or("");
        if first.is_empty() || first.len() > 3 || first.starts_with('0') {
            return Err(comma_hint.into());
        }
        if groups.any(|g| g.len() != 3) {
            return Err(comma_hint.into());
        }
    }
    Ok(num.chars().filter(|c| *c != ',').collect())
}

/// Parse money (docs/input.md): a text of ASCII digits — grouped by commas in threes or not at
/// all, with an optional decimal point — optionally followed by a unit of
/// [`crate::value::MONEY_UNITS`] (`"500万元"`, `"1.5亿元"`, `"5,000,000元"`, `"5000"`). Spaces
/// around the text and between the number and the unit are allowed, not inside the number.
/// Signs, exponents, underscores, full-width digits, Chinese numerals, currency signs and
/// amounts that do not fit an exact decimal are errors.
pub fn parse_money(s: &str) -> Result<Decimal, LiteralError> {
    let bad = |hint: String| LiteralError {
        message: format!(
            "expected an amount of money, found the text \"{}\"",
            shown(s)
        ),
        hint: Some(hint),
    };
    let t = s.trim_ascii();
    if t.is_empty() {
        return Err(LiteralError::new(
            "an empty text is not an amount of money",
            "leave the fact out, or write null, when the amount is not known",
        ));
    }
    if let Some(ascii) = ascii_form(t) {
        return Err(bad(format!(
            "full-width digits and punctuation are not read; write \"{}\"",
            shown(&ascii)
        )));
    }
    if t.starts_with('-') {
        return Err(LiteralError::new(
            "an amount of money cannot be negative",
            MONEY_HINT,
        ));
    }
    if t.starts_with('+') {
        return Err(bad("write the amount without a sign".into()));
    }
    if t.starts_with(['¥', '$']) || t.starts_with("RMB") || t.starts_with("CNY") {
        return Err(bad(
            "write the amount without a currency sign: \"500万元\" or 5000000".into(),
        ));
    }
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(t.len());
    let (num, rest) = t.split_at(end);
    if num.is_empty() {
        // 五百万元: Chinese numerals and a unit; without a full unit the general hint applies
        if let Some((n, unit)) = crate::value::chinese_number(t) {
            if crate::value::money_factor(unit.trim_start_matches(' ')).is_some() {
                return Err(bad(format!(
                    "Chinese numerals are not read; write \"{n}{unit}\""
                )));
            }
        }
        return Err(bad(MONEY_HINT.into()));
    }
    let unit = rest.trim_start_matches(' ');
    if rest.starts_with(['e', 'E'])
        && rest
            .get(1..)
            .is_some_and(|x| x.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+'))
    {
        return Err(bad(
            "exponents are not read; write the amount in full, e.g. \"5000000\"".into(),
        ));
    }
    if rest.starts_with('_') {
        return Err(bad("write the digits without `_`, e.g. \"5000000\"".into()));
    }
    if unit.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(bad(
            "a number has no spaces inside it, e.g. \"5000000\"".into()
        ));
    }
    let factor = if unit.is_empty() {
        Decimal::ONE
    } else {
        match crate::value::money_factor(unit) {
            Some(f) => f,
            None if matches!(unit, "万" | "萬" | "亿" | "億") => {
                return Err(bad(format!(
                    "write the unit in full: \"{}{unit}元\"",
                    shown(num)
                )));
            }
            None => {
                return Err(bad(format!(
                    "`{}` is not a unit of money; the units are 元, 万元 and 亿元 (also 萬元, 億元)",
                    shown(unit)
                )));
            }
        }
    };
    let digits = decimal_digits(num, true).map_err(bad)?;
    exact(&digits, s)?
        .checked_mul(factor)
        .ok_or_else(|| too_large(s))
}

fn too_large(s: &str) -> LiteralError {
    LiteralError::new(
        format!(
            "the amount \"{}\" is too large to be read exactly",
            shown(s)
        ),
        "amounts are exact decimals of at most 28 digits (below 7.9×10^28)",
    )
}

/// An exact decimal from checked digits (never rounded).
fn exact(digits: &str, s: &str) -> Result<Decimal, LiteralError> {
    let scale = digits.split_once('.').map_or(0, |(_, f)| f.len());
    if scale > 28 {
        return Err(LiteralError::new(
            format!("\"{}\" has more than 28 decimal places", shown(s)),
            "write at most 28 decimal places",
        ));
    }
    Decimal::from_str_exact(digits).map_err(|_| too_large(s))
}

/// Money from a JSON number (its source text): yuan, not negative, no exponent.
fn money_from_number(n: &str) -> Result<Decimal, LiteralError> {
    if n.starts_with('-') {
        return Err(LiteralError::new(
            "an amount of money cannot be negative",
            MONEY_HINT,
        ));
    }
    if n.contains(['e', 'E']) {
        return Err(LiteralError::new(
            format!("expected an amount of money, found the number {}", shown(n)),
            "exponents are not read; write the amount in full, e.g. 5000000 for 5e6",
        ));
    }
    exact(n, n)
}

/// Parse a percentage (docs/input.md): ASCII digits with an optional decimal point, then `%` or
/// `％` (`"15%"`, `"12.5％"`), spaces allowed around the text and before the sign. Negative,
/// signed, exponent and grouped numbers, full-width digits and a missing `%` are errors. The
/// result is a fraction (15% is 0.15).
pub fn parse_percent(s: &str) -> Result<Decimal, LiteralError> {
    let hint = "write a text such as \"15%\"";
    let bad = |hint: String| LiteralError {
        message: format!("expected a percentage, found the text \"{}\"", shown(s)),
        hint: Some(hint),
    };
    let t = s.trim_ascii();
    let Some(body) = t.strip_suffix('%').or_else(|| t.strip_suffix('％')) else {
        if let Some(ascii) = ascii_form(t) {
            return Err(bad(format!(
                "write ASCII digits and `%`: \"{}\"",
                shown(&ascii)
            )));
        }
        return Err(bad(format!("a percentage ends with `%`: {hint}")));
    };
    let num = body.trim_end_matches(' ');
    if let Some(ascii) = ascii_form(num) {
        return Err(bad(format!("write ASCII digits: \"{}%\"", shown(&ascii))));
    }
    if num.starts_with('-') {
        return Err(LiteralError::new(
            format!("a percentage cannot be negative (\"{}\")", shown(s)),
            hint,
        ));
    }
    if num.is_empty()
        || !num
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(bad(format!(
            "{hint}: digits with an optional decimal point, then `%`"
        )));
    }
    let digits = decimal_digits(num, false).map_err(bad)?;
    if digits.split_once('.').is_some_and(|(_, f)| f.len() > 26) {
        return Err(LiteralError::new(
            format!("\"{}\" has more than 26 decimal places", shown(s)),
            "write at most 26 decimal places",
        ));
    }
    let v = exact(&digits, s)?;
    v.checked_div(Decimal::ONE_HUNDRED)
        .ok_or_else(|| too_large(s))
}

/// A date text (docs/input.md): `YYYY-MM-DD`, spaces around it allowed.
fn date_text(s: &str) -> Result<chrono::NaiveDate, LiteralError> {
    crate::value::parse_date(s.trim_ascii()).map_err(|e| {
        use crate::value::DateError as D;
        let hint = match &e {
            D::Form => "write dates as \"YYYY-MM-DD\", e.g. \"2024-03-15\"".to_string(),
            D::Sign => "write the year with four digits and no sign, e.g. \"2024-03-15\"".into(),
            D::NoSuchDay { .. } => "check the month and the day".into(),
            _ => format!("write \"{}\"", e.fixed().unwrap_or("YYYY-MM-DD")),
        };
        LiteralError {
            message: format!("\"{}\" {}", shown(s), e.problem()),
            hint: Some(hint),
        }
    })
}

/// Read facts from JSON text.
pub fn parse_facts(program: &Program, text: &str) -> Result<Facts, Vec<FactError>> {
    let root = json::parse(text).map_err(|errors| {
        errors
            .iter()
            .map(|e| from_json_error(e, ""))
            .collect::<Vec<_>>()
    })?;
    facts_from_json(program, &root)
}

/// A JSON reading error as a facts error; `prefix` is prepended to messages (for facts inside a
/// scenario file).
pub fn from_json_error(e: &json::Error, prefix: &str) -> FactError {
    let (message, hint) = match e.kind {
        json::ErrorKind::Syntax => (
            format!("{prefix}not valid JSON: {}", e.message),
            e.hint.clone().or_else(|| {
                Some(
                    "the facts are one JSON object, e.g. {\"total_investment\": \"500万元\"}"
                        .into(),
                )
            }),
        ),
        json::ErrorKind::DuplicateKey => {
            let rel = json::Path(e.path.0.iter().skip(1).cloned().collect()).to_string();
            let first = e.first.unwrap_or_default();
            let what = if rel.is_empty() {
                "given twice".to_string()
            } else {
                format!("`{rel}` is given twice")
            };
            (
                format!("{prefix}{what}: first at {first}, again at {}", e.at),
                e.hint.clone(),
            )
        }
        _ => (format!("{prefix}{}", e.message), e.hint.clone()),
    };
    FactError {
        field: e.path.first_key().map(shown).unwrap_or_default(),
        line: e.at.line,
        column: e.at.column,
        message,
        hint,
    }
}

/// A conversion error: where, the path inside the fact (`amount`, `[1]`), what and how to fix.
struct Located {
    at: Pos,
    rel: String,
    message: String,
    hint: Option<String>,
}

/// Read facts from a parsed JSON value (a facts file, or a case's `facts` in a scenario file:
/// the places are those of the value's own text).
pub fn facts_from_json(program: &Program, root: &Node) -> Result<Facts, Vec<FactError>> {
    let Some(members) = root.members() else {
        return Err(vec![FactError {
            field: String::new(),
            line: root.at.line,
            column: root.at.column,
            message: format!("the facts must be a JSON object, found {}", root.describe()),
            hint: Some("write {\"total_investment\": \"500万元\", \"classified\": false}".into()),
        }]);
    };
    let by_name: HashMap<&str, FactId> = program
        .facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), FactId(i as u32)))
        .collect();
    let mut facts = Facts::empty(program);
    let mut errors = Vec::new();
    let mut more = 0usize;
    for m in members {
        json::add_ops(1 + m.key.len() as u64);
        let key = &m.key;
        let Some(&id) = by_name.get(key.as_str()) else {
            if errors.len() >= MAX_FACT_ERRORS {
                more += 1;
                continue;
            }
            let suggestion = if key.chars().count() <= SUGGEST_MAX_CHARS {
                did_you_mean(key, program.facts.iter().map(|f| f.name.as_str()))
            } else {
                None
            };
            let hint = suggestion
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| {
                    program.concept_id(key).map(|_| {
                        format!("`{key}` is a concept the policy decides, not a fact you give")
                    })
                })
                .or_else(|| {
                    Some("run `tiao facts POLICY` to list the facts the policy reads".into())
                });
            errors.push(FactError {
                field: shown(key),
                line: m.key_at.line,
                column: m.key_at.column,
                message: format!("unknown fact `{}`", shown(key)),
                hint,
            });
            continue;
        };
        if m.value.is_null() {
            continue;
        }
        let ty = &program.fact(id).ty;
        let result = match (ty, &m.value.value) {
            (Type::Date, Json::Bool(true)) => Ok(Slot::Happened),
            (Type::Date, Json::Bool(false)) => Ok(Slot::NotHappened),
            _ => convert(program, ty, &m.value, m.key_at, "").map(Slot::Known),
        };
        match result {
            Ok(slot) => facts.set(id, slot),
            Err(_) if errors.len() >= MAX_FACT_ERRORS => more += 1,
            Err(e) => errors.push(FactError {
                field: shown(key),
                line: e.at.line,
                column: e.at.column,
                message: if e.rel.is_empty() {
                    e.message
                } else {
                    format!("in `{}`: {}", e.rel, e.message)
                },
                hint: e.hint,
            }),
        }
    }
    if more > 0 {
        let (line, column) = errors.last().map_or((1, 1), |e| (e.line, e.column));
        errors.push(FactError {
            field: String::new(),
            line,
            column,
            message: format!("{more} more errors are not listed (the first {MAX_FACT_ERRORS} are)"),
            hint: None,
        });
    }
    if errors.is_empty() {
        Ok(facts)
    } else {
        Err(errors)
    }
}

fn convert(
    program: &Program,
    ty: &Type,
    node: &Node,
    at: Pos,
    rel: &str,
) -> Result<Value, Located> {
    let fail = |message: String, hint: Option<String>| Located {
        at,
        rel: rel.to_string(),
        message,
        hint,
    };
    let wrong = |want: &str, hint: &str| {
        fail(
            format!("expected {want}, found {}", node.describe()),
            Some(hint.to_string()),
        )
    };
    let literal = |e: LiteralError| fail(e.message, e.hint);
    match ty {
        Type::Bool => match node.value {
            Json::Bool(b) => Ok(Value::Bool(b)),
            _ => Err(wrong("true or false", "write true or false without quotes")),
        },
        Type::Int => match &node.value {
            Json::Number(n) => n
                .parse::<i64>()
                .map(Value::Int)
                .map_err(|_| wrong("a whole number", "write a whole number such as 3")),
            _ => Err(wrong("a whole number", "write a whole number such as 3")),
        },
        Type::Decimal => match &node.value {
            Json::Number(n) if n.contains(['e', 'E']) => Err(wrong(
                "a number",
                "exponents are not read; write the number in full, e.g. 1500 for 1.5e3",
            )),
            Json::Number(n) => Decimal::from_str_exact(n).map(Value::Decimal).map_err(|_| {
                wrong(
                    "a number",
                    "numbers are exact decimals of at most 28 digits",
                )
            }),
            _ => Err(wrong("a number", "write a number such as 1.5")),
        },
        Type::Money => match &node.value {
            Json::Number(n) => money_from_number(n).map(Value::Money).map_err(literal),
            Json::String(s) => parse_money(s).map(Value::Money).map_err(literal),
            _ => Err(wrong("an amount of money", MONEY_HINT)),
        },
        Type::Percent => match &node.value {
            Json::String(s) => parse_percent(s).map(Value::Percent).map_err(literal),
            _ => Err(wrong(
                "a percentage",
                "write a text such as \"15%\" (a bare number would be ambiguous)",
            )),
        },
        Type::Date => match &node.value {
            Json::String(s) => date_text(s).map(Value::Date).map_err(literal),
            _ => Err(wrong(
                "a date",
                "write dates as \"YYYY-MM-DD\" (e.g. \"2024-03-15\"), or true (it happened, date not known) or false (it has not happened)",
            )),
        },
        Type::Duration => match &node.value {
            Json::String(s) => crate::value::parse_duration(s)
                .map(Value::Duration)
                .map_err(literal),
            _ => Err(wrong(
                "a duration",
                "write \"6个月\", \"5个工作日\", \"半年\"",
            )),
        },
        Type::Text => match &node.value {
            Json::String(s) => Ok(Value::Text(s.clone())),
            _ => Err(wrong("a text", "write a text in quotes")),
        },
        Type::Enum(e) => {
            let Some(def) = program.enums.get(e.0 as usize) else {
                return Err(fail(
                    "internal: an enum the program does not have".into(),
                    None,
                ));
            };
            let names: Vec<&str> = def.variants.iter().map(|(n, _)| n.as_str()).collect();
            let hint = format!("one of {}", names.join(", "));
            match &node.value {
                Json::String(s) => def
                    .variants
                    .iter()
                    .position(|(n, label)| n == s || label.as_deref() == Some(s.as_str()))
                    .map(|i| Value::Enum(e.0, i as u32))
                    .ok_or_else(|| {
                        let suggestion = if s.chars().count() <= SUGGEST_MAX_CHARS {
                            did_you_mean(s, names.iter().copied())
                        } else {
                            None
                        };
                        let h = suggestion
                            .map(|m| format!("did you mean \"{m}\"? ({hint})"))
                            .unwrap_or(hint.clone());
                        fail(format!("\"{}\" is not a {}", shown(s), def.name), Some(h))
                    }),
                _ => Err(wrong(&format!("a {}", def.name), &hint)),
            }
        }
        Type::Record(r) => {
            let Some(def) = program.records.get(r.0 as usize) else {
                return Err(fail(
                    "internal: a record the program does not have".into(),
                    None,
                ));
            };
            let Some(members) = node.members() else {
                return Err(wrong("an object", "write {\"field\": value, …}"));
            };
            let field_names: Vec<&str> = def.fields.iter().map(|(n, _)| n.as_str()).collect();
            let mut values: Vec<Option<Value>> = vec![None; def.fields.len()];
            for m in members {
                json::add_ops(1);
                let inner = json::join_key(rel, &m.key);
                let Some(i) = field_names.iter().position(|n| *n == m.key) else {
                    let suggestion = if m.key.chars().count() <= SUGGEST_MAX_CHARS {
                        did_you_mean(&m.key, field_names.iter().copied())
                    } else {
                        None
                    };
                    return Err(Located {
                        at: m.key_at,
                        rel: inner,
                        message: format!("{} has no field `{}`", def.name, shown(&m.key)),
                        hint: Some(match suggestion {
                            Some(s) => format!(
                                "did you mean `{s}`? (its fields are {})",
                                field_names.join(", ")
                            ),
                            None => format!("its fields are {}", field_names.join(", ")),
                        }),
                    });
                };
                let (Some((_, fty)), Some(slot)) = (def.fields.get(i), values.get_mut(i)) else {
                    continue;
                };
                *slot = Some(convert(program, fty, &m.value, m.key_at, &inner)?);
            }
            let mut fields = Vec::with_capacity(values.len());
            for ((name, _), v) in def.fields.iter().zip(values) {
                match v {
                    Some(v) => fields.push(v),
                    None => {
                        return Err(fail(
                            format!("missing field `{name}` of {}", def.name),
                            Some(format!("give every field: {}", field_names.join(", "))),
                        ));
                    }
                }
            }
            Ok(Value::Record(fields))
        }
        Type::Set(inner) => match &node.value {
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, x) in items.iter().enumerate() {
                    json::add_ops(1);
                    out.push(convert(program, inner, x, x.at, &json::join_index(rel, i))?);
                }
                out.sort();
                out.dedup();
                Ok(Value::Set(out))
            }
            _ => Err(wrong("an array", "write [ … ]")),
        },
        Type::Reasons => Err(fail(
            "reasons are decided by the policy, not given".into(),
            None,
        )),
    }
}
