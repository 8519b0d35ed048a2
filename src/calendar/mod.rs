//! The official working-day calendar of the People's Republic of China and
//! legal-period arithmetic under 《中华人民共和国民法典》第200–204条.
//!
//! # Why the calendar is data
//!
//! Which days are working days in China cannot be computed: every year the
//! General Office of the State Council publishes a notice
//! (国务院办公厅关于某年部分节假日安排的通知) that fixes the statutory holidays
//! and moves weekend days around them (调休 — a Saturday or Sunday becomes a
//! working day so that a holiday block is longer). Occasionally a notice is
//! amended afterwards (2019 劳动节, 2020 春节). So the calendar is kept as a
//! human-readable text file, `data/calendar/cn-workdays.txt`, one block per
//! year with the notice number cited, and is embedded in the binary with
//! `include_str!`. [`Calendar::official`] parses it once.
//!
//! A day is a working day iff it is listed as a `workday` (调休上班), or it is
//! Monday–Friday and not inside a `holiday` line.
//!
//! # How to add a year
//!
//! When the State Council publishes the notice for a new year (usually in
//! October–December of the year before):
//!
//! 1. Append a block to `data/calendar/cn-workdays.txt`: a comment with the
//!    notice number, `year YYYY`, then one `holiday` line per holiday block and
//!    one `workday` line per 调休 Saturday/Sunday (see the format described at
//!    the top of that file).
//! 2. Regenerate the independent fixture in `tests/data/calendar/` (see its
//!    README) for the new year and run `cargo test --test calendar`, which
//!    compares every day with the independent source.
//!
//! Years must be consecutive: a gap would make the days in between look like
//! an ordinary Monday–Friday week, which would be wrong.
//!
//! # Outside coverage
//!
//! Nothing is guessed. Asking about a day before the first or after the last
//! year of the calendar — directly, or because a deadline or a roll-forward
//! would run into such a year — returns [`OutOfCalendar`], whose message says
//! which years are covered and why the day cannot be counted.

pub mod period;

pub use period::{Period, PeriodUnit, add_period_unrolled, period_end};

use chrono::{Datelike, NaiveDate, Weekday};
use std::fmt;
use std::sync::OnceLock;

/// The bundled calendar text.
const OFFICIAL_TEXT: &str = include_str!("../../data/calendar/cn-workdays.txt");

/// Number of `u64` words in a per-year bitset (366 days fit in 6·64 bits).
const WORDS: usize = 6;

/// What a `holiday` or `workday` line says about its days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// Days off (法定节假日 and the weekend/调休 days of the holiday block).
    Holiday,
    /// A Saturday or Sunday that is a working day (调休上班).
    Workday,
}

/// One `holiday` or `workday` line of the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive); equal to `from` for a single day.
    pub to: NaiveDate,
    /// The name given on the line, e.g. `春节` or `春节调休`.
    pub name: String,
}

/// What kind of day a date is, with the calendar line that made it so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind<'a> {
    /// Monday–Friday, not a holiday.
    Weekday,
    /// Saturday or Sunday, not a 调休 workday.
    Weekend,
    /// Inside a holiday block; the name of the holiday.
    Holiday(&'a str),
    /// A Saturday or Sunday worked under 调休; the name on its line.
    AdjustedWorkday(&'a str),
}

impl DayKind<'_> {
    /// Whether this kind of day is a working day.
    pub fn is_working_day(self) -> bool {
        matches!(self, DayKind::Weekday | DayKind::AdjustedWorkday(_))
    }
}

#[derive(Debug, Clone)]
struct YearData {
    /// Bit `ordinal0` set ⇔ that day is a working day.
    working: [u64; WORDS],
    entries: Vec<Entry>,
}

impl YearData {
    fn is_working(&self, date: NaiveDate) -> bool {
        let i = date.ordinal0() as usize;
        self.working[i / 64] & (1u64 << (i % 64)) != 0
    }
}

/// A working-day calendar covering a consecutive range of years.
#[derive(Debug, Clone)]
pub struct Calendar {
    first_year: i32,
    /// One entry per year from `first_year`; never empty.
    years: Vec<YearData>,
}

/// A date outside the years a calendar covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfCalendar {
    /// The date that was needed. For arithmetic that overflows chrono's date
    /// range this is `NaiveDate::MAX`.
    pub date: NaiveDate,
    pub first_year: i32,
    pub last_year: i32,
}

impl fmt::Display for OutOfCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = self.date.year();
        write!(
            f,
            "no official working-day calendar for {year}: the bundled calendar covers {}–{}; ",
            self.first_year, self.last_year
        )?;
        if year > self.last_year {
            write!(
                f,
                "working days in {year} cannot be counted until the State Council publishes that year's holiday notice"
            )
        } else {
            write!(
                f,
                "working days in {year} cannot be counted because years before {} are not in the calendar",
                self.first_year
            )
        }
    }
}

impl std::error::Error for OutOfCalendar {}

/// An error in calendar text: the 1-based line number and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarParseError {
    /// 1-based line number (for an empty calendar: the number of lines + 1).
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CalendarParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "calendar line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CalendarParseError {}

impl Calendar {
    /// The bundled official calendar, parsed once from
    /// `data/calendar/cn-workdays.txt`.
    pub fn official() -> &'static Calendar {
        static OFFICIAL: OnceLock<Calendar> = OnceLock::new();
        OFFICIAL.get_or_init(|| match Calendar::parse(OFFICIAL_TEXT) {
            Ok(calendar) => calendar,
            // The text is compiled in and checked by the test suite; a parse
            // failure is a build defect, not a runtime condition.
            Err(e) => panic!("bundled data/calendar/cn-workdays.txt is invalid: {e}"),
        })
    }

    /// Parse calendar text (the format of `data/calendar/cn-workdays.txt`).
    ///
    /// Checks, each reported with its line number: unknown keywords, malformed
    /// dates, dates outside their `year` block, reversed ranges, overlapping
    /// lines, `workday` lines on a Monday–Friday (meaningless), a `workday`
    /// inside a holiday, missing names, non-consecutive or repeated years, a
    /// year block with no holiday at all, and text without any year.
    pub fn parse(text: &str) -> Result<Calendar, CalendarParseError> {
        let mut parser = Parser::default();
        let mut line_count = 0;
        for (i, raw) in text.lines().enumerate() {
            line_count = i + 1;
            crate::json::add_ops(1 + raw.len() as u64);
            parser.line(i + 1, raw)?;
        }
        parser.finish(line_count + 1)
    }

    /// The first year covered.
    pub fn first_year(&self) -> i32 {
        self.first_year
    }

    /// The last year covered.
    pub fn last_year(&self) -> i32 {
        // `years` is never empty and its length came from a consecutive run of
        // i32 years, so this cannot overflow.
        self.first_year + (self.years.len() as i32 - 1)
    }

    /// Whether `date` lies in a covered year.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.year_data(date).is_some()
    }

    fn year_data(&self, date: NaiveDate) -> Option<&YearData> {
        let offset = i64::from(date.year()) - i64::from(self.first_year);
        usize::try_from(offset).ok().and_then(|i| self.years.get(i))
    }

    fn out(&self, date: NaiveDate) -> OutOfCalendar {
        OutOfCalendar {
            date,
            first_year: self.first_year,
            last_year: self.last_year(),
        }
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, OutOfCalendar> {
        self.year_data(date)
            .map(|y| y.is_working(date))
            .ok_or_else(|| self.out(date))
    }

    /// What kind of day `date` is, with the name of its holiday or 调休 line —
    /// useful to explain why a deadline moved.
    pub fn day_kind(&self, date: NaiveDate) -> Result<DayKind<'_>, OutOfCalendar> {
        let year = self.year_data(date).ok_or_else(|| self.out(date))?;
        if let Some(e) = year.entries.iter().find(|e| e.from <= date && date <= e.to) {
            return Ok(match e.kind {
                EntryKind::Holiday => DayKind::Holiday(&e.name),
                EntryKind::Workday => DayKind::AdjustedWorkday(&e.name),
            });
        }
        Ok(if is_weekend(date) {
            DayKind::Weekend
        } else {
            DayKind::Weekday
        })
    }

    /// The `holiday` and `workday` lines of `year` in file order (empty if the
    /// year is not covered).
    pub fn entries(&self, year: i32) -> &[Entry] {
        NaiveDate::from_ymd_opt(year, 1, 1)
            .and_then(|d| self.year_data(d))
            .map_or(&[], |y| &y.entries)
    }

    /// The `n`-th working day after `start`; `start` itself is not counted
    /// (《民法典》第201条). `n = 0` returns `start` unchanged, whether or not
    /// it is covered or a working day. `start` itself need not be covered for
    /// `n > 0`: only the days after it are examined, and the first of those
    /// outside the calendar gives [`OutOfCalendar`].
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, OutOfCalendar> {
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().ok_or_else(|| self.out(NaiveDate::MAX))?;
            if self.is_working_day(date)? {
                left -= 1;
            }
        }
        Ok(date)
    }

    /// `date` if it is a working day, else the first working day after it
    /// (《民法典》第203条: a period whose last day is a statutory rest day ends
    /// on the day after the rest ends).
    pub fn roll_to_working_day(&self, date: NaiveDate) -> Result<NaiveDate, OutOfCalendar> {
        let mut d = date;
        loop {
            if self.is_working_day(d)? {
                return Ok(d);
            }
            d = d.succ_opt().ok_or_else(|| self.out(NaiveDate::MAX))?;
        }
    }

    /// Number of working days in `from..=to` (0 if `to < from`).
    pub fn count_working_days(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, OutOfCalendar> {
        let mut count = 0u32;
        for d in from.iter_days().take_while(|d| *d <= to) {
            if self.is_working_day(d)? {
                count += 1;
            }
        }
        Ok(count)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Parser state.
#[derive(Default)]
struct Parser {
    first_year: Option<i32>,
    years: Vec<YearData>,
    /// The year being filled, the line of its `year` statement, and the line
    /// of each of its entries (parallel to `entries`).
    current: Option<(i32, usize, Vec<usize>)>,
    /// Bit `ordinal0` set ⇔ some line of the current year lists that day: the overlap check
    /// looks at the days of a line, not at every earlier line.
    listed: [u64; WORDS],
}

fn err(line: usize, message: impl Into<String>) -> CalendarParseError {
    CalendarParseError {
        line,
        message: message.into(),
    }
}

/// A date of a calendar line: the one date grammar of docs/input.md (`YYYY-MM-DD`, ASCII
/// digits, a real day), via [`crate::value::parse_date`].
fn parse_date(line: usize, s: &str) -> Result<NaiveDate, CalendarParseError> {
    use crate::value::DateError as D;
    crate::value::parse_date(s).map_err(|e| {
        let message = match &e {
            D::NoSuchDay { why } => format!("`{s}` is not a valid calendar date: {why}"),
            D::Form => format!("`{s}` is not a date of the form YYYY-MM-DD"),
            D::Sign => format!(
                "`{s}` is not a date of the form YYYY-MM-DD: a year has four digits and no sign"
            ),
            other => format!(
                "`{s}` is not a date of the form YYYY-MM-DD ({}); write {}",
                other.problem().trim_start_matches("is not a date: "),
                other.fixed().unwrap_or("YYYY-MM-DD")
            ),
        };
        err(line, message)
    })
}

impl Parser {
    fn line(&mut self, n: usize, raw: &str) -> Result<(), CalendarParseError> {
        let text = raw.split('#').next().unwrap_or("");
        let mut words = text.split_whitespace();
        let Some(keyword) = words.next() else {
            return Ok(());
        };
        match keyword {
            "year" => {
                let Some(y) = words.next() else {
                    return Err(err(n, "`year` needs a year, e.g. `year 2025`"));
                };
                if let Some(extra) = words.next() {
                    return Err(err(n, format!("unexpected `{extra}` after `year {y}`")));
                }
                // four ASCII digits: `+2025`, `２０２５` and `02025` are not years
                let year: i32 = Some(y)
                    .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|y| y.parse().ok())
                    .filter(|y: &i32| (1000..=9999).contains(y))
                    .ok_or_else(|| err(n, format!("`{y}` is not a four-digit year")))?;
                self.close_year()?;
                match self.first_year {
                    None => self.first_year = Some(year),
                    Some(first) => {
                        let expected = first + self.years.len() as i32;
                        if year != expected {
                            return Err(err(
                                n,
                                format!(
                                    "year {year} out of order: years must be consecutive and increasing, expected {expected}"
                                ),
                            ));
                        }
                    }
                }
                let mut data = YearData {
                    working: [0; WORDS],
                    entries: Vec::new(),
                };
                let start = NaiveDate::from_ymd_opt(year, 1, 1)
                    .ok_or_else(|| err(n, format!("year {year} is out of range")))?;
                crate::json::add_ops(366);
                self.listed = [0; WORDS];
                for d in start.iter_days().take_while(|d| d.year() == year) {
                    if !is_weekend(d) {
                        let i = d.ordinal0() as usize;
                        data.working[i / 64] |= 1u64 << (i % 64);
                    }
                }
                self.years.push(data);
                self.current = Some((year, n, Vec::new()));
                Ok(())
            }
            "holiday" | "workday" => {
                let kind = if keyword == "holiday" {
                    EntryKind::Holiday
                } else {
                    EntryKind::Workday
                };
                let Some(dates) = words.next() else {
                    return Err(err(n, format!("`{keyword}` needs a date and a name")));
                };
                let name = words.collect::<Vec<_>>().join(" ");
                if name.is_empty() {
                    return Err(err(
                        n,
                        format!("`{keyword} {dates}` needs a name, e.g. `春节` or `春节调休`"),
                    ));
                }
                let (from, to) = match dates.split_once("..") {
                    Some((a, b)) => (parse_date(n, a)?, parse_date(n, b)?),
                    None => {
                        let d = parse_date(n, dates)?;
                        (d, d)
                    }
                };
                let Some((year, _, lines)) = self.current.as_mut() else {
                    return Err(err(n, format!("`{keyword}` before any `year` line")));
                };
                let year = *year;
                if from.year() != year || to.year() != year {
                    return Err(err(
                        n,
                        format!("{dates} is not in year {year}, the block this line is in"),
                    ));
                }
                if to < from {
                    return Err(err(n, format!("range {dates} ends before it starts")));
                }
                if kind == EntryKind::Workday {
                    if from != to {
                        return Err(err(n, "a `workday` line names a single date, not a range"));
                    }
                    if !is_weekend(from) {
                        return Err(err(
                            n,
                            format!(
                                "{from} is a {:?}, already a working day; `workday` is only for a Saturday or Sunday worked under 调休",
                                from.weekday()
                            ),
                        ));
                    }
                }
                let data = self
                    .years
                    .last_mut()
                    .ok_or_else(|| err(n, "internal: no year data"))?;
                let bit = |d: NaiveDate| {
                    let i = d.ordinal0() as usize;
                    (i / 64, 1u64 << (i % 64))
                };
                let days = from.iter_days().take_while(|d| *d <= to);
                crate::json::add_ops(1 + (to - from).num_days().unsigned_abs());
                let overlaps = days.clone().any(|d| {
                    let (w, b) = bit(d);
                    self.listed.get(w).is_some_and(|x| x & b != 0)
                });
                // the earlier line is looked for only when there is one
                let clash = if overlaps {
                    data.entries
                        .iter()
                        .enumerate()
                        .find(|(_, e)| e.from <= to && from <= e.to)
                } else {
                    None
                };
                if let Some((i, other)) = clash {
                    return Err(err(
                        n,
                        format!(
                            "{dates} overlaps `{}` on line {}",
                            other.name,
                            lines.get(i).copied().unwrap_or(0)
                        ),
                    ));
                }
                for d in days {
                    let (w, b) = bit(d);
                    if let Some(x) = self.listed.get_mut(w) {
                        *x |= b;
                    }
                    let i = d.ordinal0() as usize;
                    match kind {
                        EntryKind::Holiday => data.working[i / 64] &= !(1u64 << (i % 64)),
                        EntryKind::Workday => data.working[i / 64] |= 1u64 << (i % 64),
                    }
                }
                data.entries.push(Entry {
                    kind,
                    from,
                    to,
                    name,
                });
                lines.push(n);
                Ok(())
            }
            other => Err(err(
                n,
                format!("unknown keyword `{other}`: expected `year`, `holiday` or `workday`"),
            )),
        }
    }

    /// Check the year block being closed.
    fn close_year(&self) -> Result<(), CalendarParseError> {
        // A match guard rather than a let-chain: the crate's rust-version is 1.85.
        match (&self.current, self.years.last()) {
            (Some((year, line, _)), Some(data))
                if !data.entries.iter().any(|e| e.kind == EntryKind::Holiday) =>
            {
                Err(err(
                    *line,
                    format!(
                        "year {year} has no `holiday` line; every official notice has holidays"
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    fn finish(self, end_line: usize) -> Result<Calendar, CalendarParseError> {
        self.close_year()?;
        match self.first_year {
            Some(first_year) if !self.years.is_empty() => Ok(Calendar {
                first_year,
                years: self.years,
            }),
            _ => Err(err(end_line, "no `year` block: the calendar is empty")),
        }
    }
}
