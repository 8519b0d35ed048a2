//! Runtime values, shared by the IR (constants) and the interpreter.

use crate::calendar::Period;
use chrono::NaiveDate;
use rust_decimal::Decimal;
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
    Duration(PeriodKey),
    Text(String),
    /// An enum variant: (enum index, variant index).
    Enum(u32, u32),
    Record(Vec<Value>),
    Set(Vec<Value>),
}

/// A period usable as a map key and in ordering (ordering is structural, not by length).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeriodKey {
    pub amount: u32,
    /// 0 days, 1 working days, 2 months, 3 years
    pub unit: u8,
}

impl PeriodKey {
    pub fn from_period(p: Period) -> PeriodKey {
        use crate::calendar::PeriodUnit::*;
        let unit = match p.unit {
            Days => 0,
            WorkingDays => 1,
            Months => 2,
            Years => 3,
        };
        PeriodKey {
            amount: p.amount,
            unit,
        }
    }
    pub fn to_period(self) -> Period {
        use crate::calendar::PeriodUnit::*;
        let unit = match self.unit {
            0 => Days,
            1 => WorkingDays,
            2 => Months,
            _ => Years,
        };
        Period {
            amount: self.amount,
            unit,
        }
    }
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

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Decimal(d) => write!(f, "{}", d.normalize()),
            Value::Money(m) => write!(f, "{}", format_money(*m)),
            Value::Percent(p) => write!(f, "{}", format_percent(*p)),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::Duration(p) => write!(f, "{}", p.to_period()),
            Value::Text(s) => write!(f, "{s:?}"),
            Value::Enum(e, v) => write!(f, "enum{e}.{v}"),
            Value::Record(fields) => {
                write!(f, "{{")?;
                for (i, x) in fields.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{x}")?;
                }
                write!(f, "}}")
            }
            Value::Set(items) => {
                write!(f, "{{")?;
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{x}")?;
                }
                write!(f, "}}")
            }
        }
    }
}
