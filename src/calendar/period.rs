//! Periods (期间) and their end under 《中华人民共和国民法典》第200–204条.
//!
//! - 第201条: a period counted in years, months or days starts on the day
//!   after the start day (the start day is not counted).
//! - 第202条: for years and months, the last day is the corresponding day of
//!   the final month; if that month has no such day, its last day.
//! - 第203条: if the last day is a statutory rest day, the period ends on the
//!   day after the rest ends (here: the first working day after it).
//! - 第204条: the parties or the law may provide otherwise; a policy that does
//!   so should not use [`period_end`].

use super::{Calendar, OutOfCalendar};
use chrono::{Days, Months, NaiveDate};
use std::fmt;

/// The unit of a [`Period`]. The derived order is structural (for sorting sets), not legal:
/// see `value::period_cmp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeriodUnit {
    /// 日: calendar days.
    Days,
    /// 工作日: working days of the official calendar.
    WorkingDays,
    /// 月 / 个月.
    Months,
    /// 年.
    Years,
}

/// A period such as 30日, 5个工作日, 6个月 or 3年.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub amount: u32,
    pub unit: PeriodUnit,
}

impl Period {
    pub fn new(amount: u32, unit: PeriodUnit) -> Period {
        Period { amount, unit }
    }
    pub fn days(amount: u32) -> Period {
        Period::new(amount, PeriodUnit::Days)
    }
    pub fn working_days(amount: u32) -> Period {
        Period::new(amount, PeriodUnit::WorkingDays)
    }
    pub fn months(amount: u32) -> Period {
        Period::new(amount, PeriodUnit::Months)
    }
    pub fn years(amount: u32) -> Period {
        Period::new(amount, PeriodUnit::Years)
    }
    /// 半年: six months.
    pub fn half_year() -> Period {
        Period::months(6)
    }

    /// The period in months, for Months and Years (`None` for day units or on
    /// overflow).
    fn in_months(self) -> Option<u32> {
        match self.unit {
            PeriodUnit::Months => Some(self.amount),
            PeriodUnit::Years => self.amount.checked_mul(12),
            PeriodUnit::Days | PeriodUnit::WorkingDays => None,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.amount;
        match self.unit {
            PeriodUnit::Days => write!(f, "{n}日"),
            PeriodUnit::WorkingDays => write!(f, "{n}个工作日"),
            PeriodUnit::Months => write!(f, "{n}个月"),
            PeriodUnit::Years => write!(f, "{n}年"),
        }
    }
}

/// The corresponding day, without rolling to a working day: `start` plus
/// `period` by 《民法典》第201–202条 only (useful for a window's opening day).
///
/// - Days: `start + amount` days.
/// - Months / Years (= 12·amount months): computed from `start` in one step,
///   clamping to the last day of the final month (2024-01-31 + 1 month =
///   2024-02-29).
/// - WorkingDays: returns `None` — a working-day period has no
///   calendar-independent corresponding day; use
///   [`Calendar::add_working_days`] or [`period_end`].
///
/// Otherwise `None` only when the result is outside chrono's date range.
pub fn add_period_unrolled(start: NaiveDate, period: Period) -> Option<NaiveDate> {
    match period.unit {
        PeriodUnit::Days => start.checked_add_days(Days::new(u64::from(period.amount))),
        PeriodUnit::Months | PeriodUnit::Years => {
            start.checked_add_months(Months::new(period.in_months()?))
        }
        PeriodUnit::WorkingDays => None,
    }
}

/// Last day of a period of `period` that starts after `start`
/// (《民法典》第201–203条):
///
/// - Days: `start + amount` days (the start day is not counted, 第201条);
/// - Months / Years: the corresponding day of the final month, or its last
///   day if it has no such day (第202条), see [`add_period_unrolled`];
/// - WorkingDays: the `amount`-th working day after `start`
///   ([`Calendar::add_working_days`]); already a working day, no roll;
/// - for Days / Months / Years, a last day that is a rest day (weekend or
///   holiday, not a 调休 workday) moves to the first working day after it
///   (第203条).
///
/// A period of 0 Days/Months/Years ends on `start` rolled forward; 0 working
/// days ends on `start` itself.
///
/// Errors with [`OutOfCalendar`] whenever a day that has to be examined lies
/// outside the calendar; a result beyond chrono's date range is reported as
/// out of calendar at `NaiveDate::MAX`.
pub fn period_end(
    calendar: &Calendar,
    start: NaiveDate,
    period: Period,
) -> Result<NaiveDate, OutOfCalendar> {
    match period.unit {
        PeriodUnit::WorkingDays => calendar.add_working_days(start, period.amount),
        PeriodUnit::Days | PeriodUnit::Months | PeriodUnit::Years => {
            let last =
                add_period_unrolled(start, period).ok_or_else(|| calendar.out(NaiveDate::MAX))?;
            calendar.roll_to_working_day(last)
        }
    }
}
