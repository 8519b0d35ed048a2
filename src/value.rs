//! Runtime values, shared by the IR (constants) and the interpreter, and the one table of the
//! units drafters write (`万元`, `个工作日`, …).
//!
//! # Why `Value` is ordered structurally
//!
//! `Value` derives `Ord` so that sets of values can be kept sorted and deduplicated. That order
//! is *not* a legal order: it sorts durations by (amount, unit), so `3年 < 6个月` structurally.
//! Legal comparisons never use it: the checker types every comparison, and durations are
//! compared with [`period_cmp`], which knows that `12个月` and `1年` are the same length and
//! that `30日` and `1个月` cannot be compared at all. Rejected: an `Ord` on durations that
//! converts everything to days — a month has no fixed number of days (《民法典》第202条), and a
//! working day depends on the calendar.

use crate::calendar::{Period, PeriodUnit};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;

/// A value of the language. Money is exact (`rust_decimal`), in yuan; a percent is stored as a
/// fraction (15% is 0.15); a duration is a legal period (`5个工作日`, `半年`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Money(Decimal),
    Percent(Decimal),
    Date(NaiveDate),
    Duration(Period),
    Text(String),
    /// An enum variant: (enum index, variant index).
    Enum(u32, u32),
    Record(Vec<Value>),
    Set(Vec<Value>),
}

/// The legal order of two durations, or `None` when they cannot be compared: months and years
/// compare by their number of months (`12个月 == 1年`), days with days, working days with
/// working days; days against months, or anything against working days, has no order.
pub fn period_cmp(a: Period, b: Period) -> Option<Ordering> {
    use PeriodUnit::*;
    let months = |p: Period| match p.unit {
        Months => Some(u64::from(p.amount)),
        Years => Some(u64::from(p.amount) * 12),
        Days | WorkingDays => None,
    };
    match (a.unit, b.unit) {
        (Months | Years, Months | Years) => Some(months(a)?.cmp(&months(b)?)),
        (Days, Days) | (WorkingDays, WorkingDays) => Some(a.amount.cmp(&b.amount)),
        _ => None,
    }
}

/// A money unit as drafters write it, simplified and traditional.
pub const MONEY_UNITS: [(&str, u64); 5] = [
    ("亿元", 100_000_000),
    ("億元", 100_000_000),
    ("万元", 10_000),
    ("萬元", 10_000),
    ("元", 1),
];

/// Duration units as drafters write them, Chinese and English, with the unit they mean.
pub const DURATION_UNITS: [(&str, PeriodUnit); 16] = [
    ("个工作日", PeriodUnit::WorkingDays),
    ("個工作日", PeriodUnit::WorkingDays),
    ("工作日", PeriodUnit::WorkingDays),
    ("working days", PeriodUnit::WorkingDays),
    ("working day", PeriodUnit::WorkingDays),
    ("个月", PeriodUnit::Months),
    ("個月", PeriodUnit::Months),
    ("months", PeriodUnit::Months),
    ("month", PeriodUnit::Months),
    ("年", PeriodUnit::Years),
    ("years", PeriodUnit::Years),
    ("year", PeriodUnit::Years),
    ("日", PeriodUnit::Days),
    ("天", PeriodUnit::Days),
    ("days", PeriodUnit::Days),
    ("day", PeriodUnit::Days),
];

/// The factor of a money unit (`万元` → 10000), if it is one.
pub fn money_factor(unit: &str) -> Option<Decimal> {
    MONEY_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, f)| Decimal::from(*f))
}

/// The period unit a written unit names (`个工作日` → working days), if it is one. `半年` is a
/// whole duration, not a unit: see [`parse_duration`].
pub fn duration_unit(unit: &str) -> Option<PeriodUnit> {
    DURATION_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, p)| *p)
}

/// Why a text is not a valid literal of the facts/scenario grammar (docs/input.md): what is wrong
/// (`message`, a whole sentence naming the value) and how to write it (`hint`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralError {
    pub message: String,
    pub hint: Option<String>,
}

impl LiteralError {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> LiteralError {
        LiteralError {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

/// At most this many characters of a user's text are repeated in a message (a 10 MB value
/// would otherwise be printed back whole).
pub const SHOWN_CHARS: usize = 60;

/// `s` for a message: cut to [`SHOWN_CHARS`] characters, with `…` when cut.
pub fn shown(s: &str) -> String {
    match s.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", s.get(..at).unwrap_or(s)),
        None => s.to_string(),
    }
}

/// `s` with full-width forms (`０`–`９`, `，`, `．`, `－`, `％`, U+3000) replaced by their ASCII
/// forms, or `None` when it has none: for a hint that shows the ASCII spelling.
pub fn ascii_form(s: &str) -> Option<String> {
    let mut changed = false;
    let out: String = s
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => {
                changed = true;
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' => {
                changed = true;
                ' '
            }
            _ => c,
        })
        .collect();
    changed.then_some(out)
}

/// Whether `c` is a Chinese numeral (一…九, 十百千万亿, 两, 零/〇 and the financial forms 壹贰…).
pub fn is_chinese_numeral(c: char) -> bool {
    "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億兩貳參陸".contains(c)
}

/// A whole number written in Chinese numerals at the start of `s` (`五百` → 500, `十二` → 12,
/// `一千零五` → 1005; 万 and 亿 are left as units) and the rest of `s`, for hints that show the
/// digits. `None` when `s` does not start with a well-formed numeral below 10000.
pub fn chinese_number(s: &str) -> Option<(u64, &str)> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .or_else(|| "〇壹贰叁肆伍陆柒捌玖".chars().position(|d| d == c))
            .or(match c {
                '两' | '兩' | '貳' => Some(2),
                '參' => Some(3),
                '陸' => Some(6),
                _ => None,
            })
    };
    let multiplier = |c: char| match c {
        '十' | '拾' => Some(10u64),
        '百' | '佰' => Some(100),
        '千' | '仟' => Some(1000),
        _ => None,
    };
    let (mut total, mut current, mut last_digit, mut last_mult) = (0u64, 0u64, false, u64::MAX);
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if let Some(d) = digit(c) {
            if last_digit && current != 0 {
                return None;
            }
            current = d as u64;
            last_digit = true;
        } else if let Some(m) = multiplier(c) {
            if m >= last_mult {
                return None;
            }
            total += if current == 0 { 1 } else { current } * m;
            current = 0;
            last_digit = false;
            last_mult = m;
        } else {
            break;
        }
        end = i + c.len_utf8();
    }
    if end == 0 {
        return None;
    }
    Some((total + current, s.get(end..).unwrap_or("")))
}

/// A duration written as text (docs/input.md): `半年`, or a whole number of ASCII digits and a
/// unit of [`DURATION_UNITS`] (`6个月`, `5个工作日`, `3年`, `30日`, `5 working days`), spaces
/// allowed between the number and the unit and around the whole. `0年` is a duration of length
/// zero (a fact such as a free maintenance period may be none); negative, fractional, signed and
/// full-width amounts, Chinese numerals and amounts above 4294967295 are errors.
pub fn parse_duration(s: &str) -> Result<Period, LiteralError> {
    let t = s.trim_ascii();
    let units = "个月, 年, 日 (天), 个工作日, or 半年; also 個月, 個工作日 and English months, years, days, working days";
    let generic = || {
        LiteralError::new(
            format!("\"{}\" is not a duration", shown(s)),
            format!(
                "write a whole number and a unit: \"6个月\", \"5个工作日\", \"3年\", \"30日\", or \"半年\" (units: {units})"
            ),
        )
    };
    if t == "半年" {
        return Ok(Period::half_year());
    }
    if let Some(ascii) = ascii_form(t) {
        return Err(LiteralError::new(
            format!("\"{}\" has full-width characters", shown(s)),
            format!("write ASCII digits: \"{}\"", shown(&ascii)),
        ));
    }
    if let Some(rest) = t.strip_prefix('-') {
        return Err(LiteralError::new(
            format!("a duration cannot be negative (\"{}\")", shown(s)),
            format!("write the length without a sign, e.g. \"{}\"", shown(rest)),
        ));
    }
    if t.chars().next().is_some_and(is_chinese_numeral) {
        let hint = match chinese_number(t) {
            Some((n, unit)) if duration_unit(unit).is_some() => format!("write \"{n}{unit}\""),
            _ => "write the number in digits, e.g. \"3个月\" for 三个月".into(),
        };
        return Err(LiteralError::new(
            format!("\"{}\" is written in Chinese numerals", shown(s)),
            hint,
        ));
    }
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, rest) = t.split_at(digits_end);
    if digits.is_empty() {
        return Err(generic());
    }
    if rest.starts_with(['.', ',']) {
        return Err(LiteralError::new(
            format!("\"{}\" is not a whole number of units", shown(s)),
            "a duration counts whole units: write \"18个月\" for 1.5年, \"半年\" for 0.5年",
        ));
    }
    let unit_text = rest.trim_start_matches(' ');
    let Some(unit) = duration_unit(unit_text) else {
        return Err(LiteralError::new(
            format!(
                "\"{}\" has no duration unit{}",
                shown(s),
                if unit_text.is_empty() {
                    String::new()
                } else {
                    format!(" (`{}` is not one)", shown(unit_text))
                }
            ),
            format!("units are {units}"),
        ));
    };
    let amount: u32 = digits.parse().map_err(|_| {
        LiteralError::new(
            format!("the duration \"{}\" is too large", shown(s)),
            "the largest amount is 4294967295",
        )
    })?;
    Ok(Period { amount, unit })
}

/// Why a text is not a date of the one date grammar (`YYYY-MM-DD`, ASCII digits, a real day of
/// the proleptic Gregorian calendar). Facts and scenario files quote the value, calendar files do
/// not, so the kinds are rendered by each reader; `fixed` is the text as it should be written,
/// when it can be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD` (slashes, 年月日, missing parts, …).
    Form,
    /// Full-width digits or dashes.
    FullWidth { fixed: String },
    /// A leading `-` or `+`: years are four digits without a sign.
    Sign,
    /// A date followed by a time (`2024-03-05T00:00`, `2024-03-05 08:00`).
    WithTime { fixed: String },
    /// One-digit month or day (`2024-3-5`).
    Unpadded { fixed: String },
    /// Eight digits without dashes (`20240305`).
    Undashed { fixed: String },
    /// Of the form, but no such day (`2024-02-30`, `2024-13-01`); `why` says which part.
    NoSuchDay { why: String },
}

impl DateError {
    /// The problem as a clause after the value (`"2024-3-5" is not a date: …`).
    pub fn problem(&self) -> String {
        match self {
            DateError::Form => "is not a date".into(),
            DateError::FullWidth { .. } => "is not a date: it has full-width digits".into(),
            DateError::Sign => "is not a date: a year has four digits and no sign".into(),
            DateError::WithTime { .. } => "is not a date: it has a time of day".into(),
            DateError::Unpadded { .. } => {
                "is not a date: the month and the day have two digits each".into()
            }
            DateError::Undashed { .. } => "is not a date: the parts are separated by `-`".into(),
            DateError::NoSuchDay { why } => format!("is not a calendar date: {why}"),
        }
    }
    /// The corrected spelling, when it can be told.
    pub fn fixed(&self) -> Option<&str> {
        match self {
            DateError::FullWidth { fixed }
            | DateError::WithTime { fixed }
            | DateError::Unpadded { fixed }
            | DateError::Undashed { fixed } => Some(fixed),
            _ => None,
        }
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date in the one date grammar: exactly `YYYY-MM-DD` with ASCII digits, a real calendar day.
/// No trimming: the caller decides about surrounding spaces.
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|x| x.iter().all(u8::is_ascii_digit))
    };
    let dash = |i: usize| b.get(i) == Some(&b'-');
    if b.len() == 10 && digits(0..4) && dash(4) && digits(5..7) && dash(7) && digits(8..10) {
        let num =
            |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok()).unwrap_or(0);
        let (y, m, d) = (num(0..4) as i32, num(5..7), num(8..10));
        return NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
            let why = if !(1..=12).contains(&m) {
                format!("there is no month {m:02}")
            } else if d == 0 {
                "there is no day 00".to_string()
            } else {
                let days = (28..=31)
                    .rev()
                    .find(|n| NaiveDate::from_ymd_opt(y, m, *n).is_some())
                    .unwrap_or(28);
                let name = MONTH_NAMES
                    .get(m as usize - 1)
                    .copied()
                    .unwrap_or("the month");
                format!("{name} {y} has {days} days")
            };
            DateError::NoSuchDay { why }
        });
    }
    if let Some(ascii) = ascii_form(s) {
        return Err(match parse_date(&ascii) {
            Ok(_) => DateError::FullWidth { fixed: ascii },
            Err(e) => e.fixed().map_or(DateError::Form, |f| DateError::FullWidth {
                fixed: f.to_string(),
            }),
        });
    }
    if s.starts_with(['-', '+']) {
        return Err(DateError::Sign);
    }
    // a date and a time
    if let (Some(head), Some(sep)) = (s.get(..10), b.get(10)) {
        if matches!(sep, b'T' | b't' | b' ') && parse_date(head).is_ok() {
            return Err(DateError::WithTime {
                fixed: head.to_string(),
            });
        }
    }
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        let part = |r: std::ops::Range<usize>| s.get(r).unwrap_or("");
        let fixed = format!("{}-{}-{}", part(0..4), part(4..6), part(6..8));
        if parse_date(&fixed).is_ok() {
            return Err(DateError::Undashed { fixed });
        }
    }
    // 2024-3-5: one-digit parts with dashes
    let parts: Vec<&str> = s.split('-').collect();
    if let [y, m, d] = parts.as_slice() {
        let ok = |p: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit())
        };
        if ok(y, 4..=4) && ok(m, 1..=2) && ok(d, 1..=2) {
            let fixed = format!("{y}-{m:0>2}-{d:0>2}");
            return Err(match parse_date(&fixed) {
                Ok(_) => DateError::Unpadded { fixed },
                Err(e @ DateError::NoSuchDay { .. }) => e,
                Err(_) => DateError::Form,
            });
        }
    }
    Err(DateError::Form)
}

/// Format money in yuan the way Chinese documents do: `300万元`, `1.5亿元`, `5000元`.
pub fn format_money(v: Decimal) -> String {
    let wan = Decimal::from(10_000u32);
    let yi = Decimal::from(100_000_000u64);
    // at most 4 decimals in the larger unit keeps the amount exact to the yuan
    let exact = |unit: Decimal| (v / unit).normalize().scale() <= 4;
    if v.abs() >= yi && exact(yi) {
        format!("{}亿元", (v / yi).normalize())
    } else if v.abs() >= wan && exact(wan) {
        format!("{}万元", (v / wan).normalize())
    } else {
        format!("{}元", v.normalize())
    }
}

pub fn format_percent(v: Decimal) -> String {
    format!("{}%", (v * Decimal::ONE_HUNDRED).normalize())
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[Value]) -> fmt::Result {
    write!(f, "{{")?;
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            write!(f, ", ")?;
        }
        write!(f, "{x}")?;
    }
    write!(f, "}}")
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Decimal(d) => write!(f, "{}", d.normalize()),
            Value::Money(m) => write!(f, "{}", format_money(*m)),
            Value::Percent(p) => write!(f, "{}", format_percent(*p)),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::Duration(p) => write!(f, "{p}"),
            Value::Text(s) => write!(f, "{s:?}"),
            Value::Enum(e, v) => write!(f, "enum{e}.{v}"),
            Value::Record(fields) => write_list(f, fields),
            Value::Set(items) => write_list(f, items),
        }
    }
}
