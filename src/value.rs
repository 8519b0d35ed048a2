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

/// A duration written as text: `半年`, `6个月`, `5个工作日`, `3年`, `30日`, `5 working days`.
pub fn parse_duration(s: &str) -> Option<Period> {
    let s = s.trim();
    if s == "半年" {
        return Some(Period::half_year());
    }
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return None;
    }
    let amount: u32 = digits.parse().ok()?;
    let unit = duration_unit(s[digits.len()..].trim())?;
    Some(Period { amount, unit })
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
