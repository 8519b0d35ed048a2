//! Tests for `tiao::calendar`: the official PRC working-day calendar and
//! legal-period arithmetic (《民法典》第200–204条).
//!
//! Expected dates are worked out by hand from the State Council holiday
//! notices cited next to each case, not from the code under test.

#![allow(clippy::expect_used)] // tests: a failed expectation is the failure being reported

use chrono::{Datelike, NaiveDate, Weekday};
use tiao::calendar::{
    Calendar, DayKind, OutOfCalendar, Period, PeriodUnit, add_period_unrolled, period_end,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn cal() -> &'static Calendar {
    Calendar::official()
}

// ---------------------------------------------------------------------------
// 1. Every day of 2019–2026 against an independent source
// ---------------------------------------------------------------------------

const FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/calendar/chinesecalendar-1.11.0.txt"
));

#[test]
fn every_day_matches_chinesecalendar_1_11_0() {
    let cal = cal();
    assert_eq!(cal.first_year(), 2019);
    assert_eq!(cal.last_year(), 2026);

    let mut years_seen = Vec::new();
    let mut compared = 0usize;
    let mut differences = Vec::new();
    for line in FIXTURE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (year, days) = line.split_once(' ').expect("fixture line is `YEAR DAYS`");
        let year: i32 = year.parse().expect("fixture year");
        years_seen.push(year);
        let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).expect("jan 1");
        let dates: Vec<NaiveDate> = jan1.iter_days().take_while(|x| x.year() == year).collect();
        assert_eq!(
            days.len(),
            dates.len(),
            "fixture line for {year} has wrong length"
        );
        for (date, c) in dates.iter().zip(days.chars()) {
            let theirs = match c {
                'W' => true,
                'R' => false,
                other => panic!("bad fixture character {other:?} for {date}"),
            };
            let ours = cal.is_working_day(*date).expect("covered");
            compared += 1;
            if ours != theirs {
                differences.push(format!(
                    "{date} ({:?}): cn-workdays.txt says {}, chinesecalendar says {} [{:?}]",
                    date.weekday(),
                    if ours { "working" } else { "rest" },
                    if theirs { "working" } else { "rest" },
                    cal.day_kind(*date).expect("covered"),
                ));
            }
        }
    }
    assert_eq!(years_seen, (2019..=2026).collect::<Vec<_>>());
    assert_eq!(compared, 365 * 6 + 366 * 2);
    assert!(
        differences.is_empty(),
        "{} day(s) differ from the independent source:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn data_file_cites_a_notice_for_every_year() {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/calendar/cn-workdays.txt"
    ));
    for year in cal().first_year()..=cal().last_year() {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("# {year} — 国办发明电〔"))),
            "no notice cited for {year}"
        );
    }
}

#[test]
fn spot_checks_from_the_notices() {
    let cal = cal();
    // 国办发明电〔2020〕1号: 春节 extended to 2020-02-02; 02-01 (Sat), originally a
    // 调休 workday under 国办发明电〔2019〕16号, became a rest day; 01-19 (Sun) stayed worked.
    assert_eq!(cal.is_working_day(d("2020-01-19")), Ok(true));
    assert_eq!(cal.is_working_day(d("2020-01-31")), Ok(false));
    assert_eq!(cal.is_working_day(d("2020-02-01")), Ok(false));
    assert_eq!(cal.is_working_day(d("2020-02-03")), Ok(true));
    // 国办发明电〔2019〕2号: 2019 劳动节 05-01..05-04, 05-05 (Sun) worked.
    assert_eq!(cal.is_working_day(d("2019-05-03")), Ok(false));
    assert_eq!(cal.is_working_day(d("2019-05-05")), Ok(true));
    // 国办发明电〔2025〕7号: 2026-01-04 (Sun) worked; 春节 02-15..02-23.
    assert_eq!(
        cal.day_kind(d("2026-01-04")),
        Ok(DayKind::AdjustedWorkday("元旦调休"))
    );
    assert_eq!(cal.day_kind(d("2026-02-23")), Ok(DayKind::Holiday("春节")));
    assert_eq!(cal.day_kind(d("2026-02-24")), Ok(DayKind::Weekday));
    assert_eq!(cal.day_kind(d("2026-03-01")), Ok(DayKind::Weekend));
}

// ---------------------------------------------------------------------------
// 2. Outside coverage
// ---------------------------------------------------------------------------

#[test]
fn dates_outside_coverage_are_errors_with_a_clear_message() {
    let cal = cal();
    assert!(!cal.covers(d("2018-12-31")));
    assert!(cal.covers(d("2019-01-01")));
    assert!(cal.covers(d("2026-12-31")));
    assert!(!cal.covers(d("2027-01-04")));

    let after = cal
        .is_working_day(d("2027-01-04"))
        .expect_err("2027 is not covered");
    assert_eq!(
        after,
        OutOfCalendar {
            date: d("2027-01-04"),
            first_year: 2019,
            last_year: 2026
        }
    );
    assert_eq!(
        after.to_string(),
        "no official working-day calendar for 2027: the bundled calendar covers 2019–2026; \
         working days in 2027 cannot be counted until the State Council publishes that year's holiday notice"
    );

    let before = cal
        .is_working_day(d("2018-12-31"))
        .expect_err("2018 is not covered");
    assert_eq!(before.date, d("2018-12-31"));
    assert_eq!(
        before.to_string(),
        "no official working-day calendar for 2018: the bundled calendar covers 2019–2026; \
         working days in 2018 cannot be counted because years before 2019 are not in the calendar"
    );
    // Usable as a boxed error.
    let boxed: Box<dyn std::error::Error> = Box::new(before);
    assert!(boxed.to_string().contains("2019–2026"));

    assert!(cal.roll_to_working_day(d("2027-01-01")).is_err());
    assert!(cal.day_kind(d("2027-01-01")).is_err());
    assert!(cal.entries(2027).is_empty());
    assert!(!cal.entries(2026).is_empty());
}

#[test]
fn periods_running_into_2027_error_instead_of_guessing() {
    let cal = cal();
    // 2026-12-29 Tue, 12-30 Wed, 12-31 Thu are working days; the 4th is in 2027.
    assert_eq!(
        cal.add_working_days(d("2026-12-28"), 3),
        Ok(d("2026-12-31"))
    );
    let e = cal
        .add_working_days(d("2026-12-28"), 4)
        .expect_err("needs 2027");
    assert_eq!(e.date, d("2027-01-01"));
    assert_eq!(
        period_end(cal, d("2026-12-28"), Period::working_days(5)).map_err(|e| e.date),
        Err(d("2027-01-01"))
    );
    // 1 month from 2026-12-15 ends 2027-01-15: cannot tell whether that is a working day.
    let e = period_end(cal, d("2026-12-15"), Period::months(1)).expect_err("needs 2027");
    assert_eq!(e.date, d("2027-01-15"));
    assert_eq!(
        period_end(cal, d("2026-12-30"), Period::days(2)).map_err(|e| e.date),
        Err(d("2027-01-01"))
    );
    // A huge period overflows chrono: still an error, not a panic.
    assert!(period_end(cal, d("2026-01-01"), Period::years(u32::MAX)).is_err());
    assert_eq!(
        add_period_unrolled(d("2026-01-01"), Period::years(u32::MAX)),
        None
    );

    // A roll that would cross the end of coverage: a one-year calendar for 2022,
    // whose 12-31 is a Saturday (2022 holidays irrelevant here).
    let one_year =
        Calendar::parse("year 2022\nholiday 2022-01-01..2022-01-03 元旦\n").expect("valid");
    assert_eq!(
        one_year.roll_to_working_day(d("2022-12-30")),
        Ok(d("2022-12-30"))
    );
    let e = one_year
        .roll_to_working_day(d("2022-12-31"))
        .expect_err("needs 2023");
    assert_eq!(e.date, d("2023-01-01"));
    assert_eq!((e.first_year, e.last_year), (2022, 2022));
    // 30 days from 2022-12-01 is 12-31 (Sat): the roll needs 2023.
    assert!(period_end(&one_year, d("2022-12-01"), Period::days(30)).is_err());
    // ... but 29 days is 12-30 (Fri), fine.
    assert_eq!(
        period_end(&one_year, d("2022-12-01"), Period::days(29)),
        Ok(d("2022-12-30"))
    );
}

#[test]
fn counting_starts_after_the_start_day_even_if_it_is_uncovered() {
    // 第201条: the start day is not counted, so its own status does not matter.
    // 2019-01-01 is 元旦 (国办发明电〔2018〕15号); 01-02 (Wed) is the first working day.
    assert_eq!(
        cal().add_working_days(d("2018-12-31"), 1),
        Ok(d("2019-01-02"))
    );
    assert_eq!(
        cal().add_working_days(d("2018-12-31"), 0),
        Ok(d("2018-12-31"))
    );
}

// ---------------------------------------------------------------------------
// 3. Working-day deadlines across holidays
// ---------------------------------------------------------------------------

#[test]
fn five_working_days_across_national_day_2024() {
    // 国办发明电〔2023〕7号: 国庆 10-01..10-07 off; 09-29 (Sun) and 10-12 (Sat) worked.
    // After Fri 2024-09-27: 09-28 Sat rest, 09-29 Sun work (1), 09-30 Mon (2),
    // 10-01..10-07 off, 10-08 Tue (3), 10-09 Wed (4), 10-10 Thu (5).
    let cal = cal();
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 1),
        Ok(d("2024-09-29"))
    );
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 2),
        Ok(d("2024-09-30"))
    );
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 3),
        Ok(d("2024-10-08"))
    );
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 5),
        Ok(d("2024-10-10"))
    );
    assert_eq!(
        period_end(cal, d("2024-09-27"), Period::working_days(5)),
        Ok(d("2024-10-10"))
    );
    // 10-11 Fri (6), 10-12 Sat worked (7).
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 7),
        Ok(d("2024-10-12"))
    );
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 0),
        Ok(d("2024-09-27"))
    );
}

#[test]
fn working_days_across_spring_festival_2025() {
    // 国办发明电〔2024〕12号: 春节 01-28..02-04 off; 01-26 (Sun) and 02-08 (Sat) worked.
    // After Fri 2025-01-24: 01-25 Sat rest, 01-26 Sun work (1), 01-27 Mon (2),
    // 01-28..02-04 off, 02-05 Wed (3), 02-06 Thu (4), 02-07 Fri (5), 02-08 Sat work (6).
    let cal = cal();
    assert_eq!(
        cal.add_working_days(d("2025-01-24"), 3),
        Ok(d("2025-02-05"))
    );
    let sixth = cal.add_working_days(d("2025-01-24"), 6);
    assert_eq!(sixth, Ok(d("2025-02-08")));
    assert_eq!(d("2025-02-08").weekday(), Weekday::Sat);
    // 02-09 Sun rest, 02-10 Mon (7).
    assert_eq!(
        cal.add_working_days(d("2025-01-24"), 7),
        Ok(d("2025-02-10"))
    );
}

#[test]
fn working_days_across_mid_autumn_and_national_day_2023() {
    // 国办发明电〔2022〕16号: 中秋、国庆 09-29..10-06 off; 10-07 (Sat) and 10-08 (Sun) worked.
    // After Wed 2023-09-27: 09-28 Thu (1), 09-29..10-06 off, 10-07 Sat (2),
    // 10-08 Sun (3), 10-09 Mon (4).
    let cal = cal();
    assert_eq!(
        cal.add_working_days(d("2023-09-27"), 1),
        Ok(d("2023-09-28"))
    );
    assert_eq!(
        cal.add_working_days(d("2023-09-27"), 2),
        Ok(d("2023-10-07"))
    );
    assert_eq!(
        cal.add_working_days(d("2023-09-27"), 3),
        Ok(d("2023-10-08"))
    );
    assert_eq!(
        cal.add_working_days(d("2023-09-27"), 4),
        Ok(d("2023-10-09"))
    );
    // Starting inside the holiday: the next working day is the 调休 Saturday.
    assert_eq!(
        cal.add_working_days(d("2023-10-01"), 1),
        Ok(d("2023-10-07"))
    );
    assert_eq!(
        cal.roll_to_working_day(d("2023-09-30")),
        Ok(d("2023-10-07"))
    );
}

#[test]
fn add_working_days_is_consistent_with_counting() {
    // Property check over a whole year of start dates (hand-computed cases above
    // pin the meaning; this pins the arithmetic).
    let cal = cal();
    for start in d("2022-01-01").iter_days().take_while(|x| x.year() == 2022) {
        for n in [1u32, 2, 5, 10, 20, 60, 250] {
            let end = cal.add_working_days(start, n).expect("covered");
            assert_eq!(cal.is_working_day(end), Ok(true), "{start} + {n}");
            let next = start.succ_opt().expect("date");
            assert_eq!(
                cal.count_working_days(next, end),
                Ok(n),
                "{start} + {n} = {end}"
            );
        }
    }
    // A long run across the whole coverage is fast and exact.
    let total = cal
        .count_working_days(d("2019-01-01"), d("2026-12-31"))
        .expect("covered");
    // 2026-12-31 is a Thursday and a working day: the last one covered.
    assert_eq!(
        cal.add_working_days(d("2018-12-31"), total),
        Ok(d("2026-12-31"))
    );
}

// ---------------------------------------------------------------------------
// 4. Months and years (第202–203条)
// ---------------------------------------------------------------------------

#[test]
fn months_take_the_corresponding_day_or_the_last_day_of_the_month() {
    let cal = cal();
    // 2024 is a leap year: 01-31 + 1 month has no 02-31 → 02-29 (Thu, working day).
    assert_eq!(
        add_period_unrolled(d("2024-01-31"), Period::months(1)),
        Some(d("2024-02-29"))
    );
    assert_eq!(
        period_end(cal, d("2024-01-31"), Period::months(1)),
        Ok(d("2024-02-29"))
    );
    // Computed in one step from the start, not month by month: + 2 months = 03-31.
    assert_eq!(
        add_period_unrolled(d("2024-01-31"), Period::months(2)),
        Some(d("2024-03-31"))
    );
    // 2024-03-31 is a Sunday → 第203条 → Mon 04-01.
    assert_eq!(
        period_end(cal, d("2024-01-31"), Period::months(2)),
        Ok(d("2024-04-01"))
    );
    // 2023: 02-28 (Tue, working day).
    assert_eq!(
        add_period_unrolled(d("2023-01-31"), Period::months(1)),
        Some(d("2023-02-28"))
    );
    assert_eq!(
        period_end(cal, d("2023-01-31"), Period::months(1)),
        Ok(d("2023-02-28"))
    );
    // 半年 from 2024-08-31: 2025-02-31 does not exist → 02-28 (Fri, working day).
    assert_eq!(Period::half_year(), Period::months(6));
    assert_eq!(
        period_end(cal, d("2024-08-31"), Period::half_year()),
        Ok(d("2025-02-28"))
    );
    // Ordinary case: 2024-01-15 + 1 month = 2024-02-15, inside 春节 2024
    // (国办发明电〔2023〕7号: 02-10..02-17 off, 02-18 Sun worked) → rolls to 02-18.
    assert_eq!(
        period_end(cal, d("2024-01-15"), Period::months(1)),
        Ok(d("2024-02-18"))
    );
}

#[test]
fn month_period_ending_on_a_saturday_rolls_to_monday() {
    // 2024-05-15 + 1 month = 2024-06-15 (Sat); 06-16 Sun; 06-17 Mon is a working
    // day (端午 2024 was 06-10 only, 国办发明电〔2023〕7号).
    assert_eq!(d("2024-06-15").weekday(), Weekday::Sat);
    assert_eq!(
        add_period_unrolled(d("2024-05-15"), Period::months(1)),
        Some(d("2024-06-15"))
    );
    assert_eq!(
        period_end(cal(), d("2024-05-15"), Period::months(1)),
        Ok(d("2024-06-17"))
    );
}

#[test]
fn month_period_ending_in_national_day_rolls_past_it() {
    // 2024-09-03 + 1 month = 2024-10-03, inside 国庆 10-01..10-07 (国办发明电〔2023〕7号)
    // → first working day after it: Tue 10-08.
    assert_eq!(
        period_end(cal(), d("2024-09-03"), Period::months(1)),
        Ok(d("2024-10-08"))
    );
    // 2025-09-01 + 30日 = 2025-10-01, inside 国庆、中秋 10-01..10-08 (国办发明电〔2024〕12号)
    // → Thu 10-09.
    assert_eq!(
        period_end(cal(), d("2025-09-01"), Period::days(30)),
        Ok(d("2025-10-09"))
    );
}

#[test]
fn years_are_twelve_months() {
    let cal = cal();
    // 2024-02-29 + 1 year: 2025 has no 02-29 → 02-28 (Fri).
    assert_eq!(
        add_period_unrolled(d("2024-02-29"), Period::years(1)),
        Some(d("2025-02-28"))
    );
    assert_eq!(
        period_end(cal, d("2024-02-29"), Period::years(1)),
        Ok(d("2025-02-28"))
    );
    // 2023-10-01 + 3 years = 2026-10-01, inside 国庆 2026 10-01..10-07
    // (国办发明电〔2025〕7号) → Thu 10-08.
    assert_eq!(
        period_end(cal, d("2023-10-01"), Period::years(3)),
        Ok(d("2026-10-08"))
    );
}

#[test]
fn days_do_not_count_the_start_day() {
    // 第201条: 10日 from Mon 2024-03-04 ends Thu 03-14.
    assert_eq!(
        add_period_unrolled(d("2024-03-04"), Period::days(10)),
        Some(d("2024-03-14"))
    );
    assert_eq!(
        period_end(cal(), d("2024-03-04"), Period::days(10)),
        Ok(d("2024-03-14"))
    );
    // A 调休 Sunday is a working day, so a period may end on it:
    // 2024-09-22 + 7日 = 09-29 (Sun, worked under 国办发明电〔2023〕7号).
    assert_eq!(
        period_end(cal(), d("2024-09-22"), Period::days(7)),
        Ok(d("2024-09-29"))
    );
    // 0日 ends on the start day rolled forward.
    assert_eq!(
        period_end(cal(), d("2024-10-01"), Period::days(0)),
        Ok(d("2024-10-08"))
    );
}

#[test]
fn working_days_have_no_unrolled_corresponding_day() {
    assert_eq!(
        add_period_unrolled(d("2024-09-27"), Period::working_days(5)),
        None
    );
}

#[test]
fn period_display_is_chinese() {
    assert_eq!(Period::working_days(5).to_string(), "5个工作日");
    assert_eq!(Period::days(30).to_string(), "30日");
    assert_eq!(Period::half_year().to_string(), "6个月");
    assert_eq!(
        Period {
            amount: 3,
            unit: PeriodUnit::Years
        }
        .to_string(),
        "3年"
    );
}

// ---------------------------------------------------------------------------
// 5. Parse errors name the line
// ---------------------------------------------------------------------------

fn parse_err(text: &str) -> (usize, String) {
    let e = Calendar::parse(text).expect_err("should not parse");
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("calendar line {}: ", e.line)),
        "{shown}"
    );
    (e.line, e.message)
}

#[test]
fn parse_errors_name_the_line_and_the_problem() {
    let ok = "# comment\n\nyear 2025\nholiday 2025-01-01 元旦\n";
    assert!(Calendar::parse(ok).is_ok());

    let (line, msg) =
        parse_err("# c\nyear 2025\nholiday 2025-01-01 元旦\nholday 2025-05-01 劳动节\n");
    assert_eq!(line, 4);
    assert!(msg.contains("unknown keyword `holday`"), "{msg}");

    let (line, msg) = parse_err("year 2025\nholiday 2025-02-30 春节\n");
    assert_eq!(line, 2);
    assert!(msg.contains("2025-02-30"), "{msg}");

    let (line, msg) = parse_err("year 2025\nholiday 2025/01/01 元旦\n");
    assert_eq!(line, 2);
    assert!(msg.contains("YYYY-MM-DD"), "{msg}");

    let (line, msg) = parse_err("year 2025\nholiday 2024-12-31 元旦\n");
    assert_eq!(line, 2);
    assert!(msg.contains("not in year 2025"), "{msg}");

    let (line, msg) = parse_err("year 2025\nholiday 2025-02-04..2025-01-28 春节\n");
    assert_eq!(line, 2);
    assert!(msg.contains("ends before it starts"), "{msg}");

    // 2025-01-27 is a Monday: listing it as a 调休 workday is a mistake.
    let (line, msg) =
        parse_err("year 2025\nholiday 2025-01-01 元旦\n\nworkday 2025-01-27 春节调休\n");
    assert_eq!(line, 4);
    assert!(msg.contains("Saturday or Sunday"), "{msg}");

    let (line, msg) =
        parse_err("year 2025\nholiday 2025-01-28..2025-02-04 春节\nholiday 2025-02-01 春节\n");
    assert_eq!(line, 3);
    assert!(msg.contains("line 2"), "{msg}");

    let (line, msg) = parse_err("year 2025\nholiday 2025-01-01\n");
    assert_eq!(line, 2);
    assert!(msg.contains("needs a name"), "{msg}");

    let (line, msg) = parse_err("holiday 2025-01-01 元旦\n");
    assert_eq!(line, 1);
    assert!(msg.contains("before any `year`"), "{msg}");

    let (line, msg) =
        parse_err("year 2024\nholiday 2024-01-01 元旦\nyear 2026\nholiday 2026-01-01 元旦\n");
    assert_eq!(line, 3);
    assert!(msg.contains("expected 2025"), "{msg}");

    // A year block with no holidays at all (e.g. a placeholder) would silently
    // count every weekday as working.
    let (line, msg) = parse_err("year 2024\nholiday 2024-01-01 元旦\nyear 2025\n");
    assert_eq!(line, 3);
    assert!(msg.contains("no `holiday` line"), "{msg}");

    let (line, msg) = parse_err("# nothing\n");
    assert_eq!(line, 2);
    assert!(msg.contains("empty"), "{msg}");
}

#[test]
fn parsed_calendar_follows_the_rule() {
    let cal = Calendar::parse(
        "year 2025\nholiday 2025-01-28..2025-02-04 春节 # trailing comment\nworkday 2025-01-26 春节调休\n",
    )
    .expect("valid");
    assert_eq!((cal.first_year(), cal.last_year()), (2025, 2025));
    assert_eq!(cal.is_working_day(d("2025-01-26")), Ok(true)); // Sun, 调休
    assert_eq!(cal.is_working_day(d("2025-01-27")), Ok(true)); // Mon
    assert_eq!(cal.is_working_day(d("2025-01-28")), Ok(false)); // holiday
    assert_eq!(cal.is_working_day(d("2025-02-08")), Ok(false)); // Sat, not listed here
    assert_eq!(cal.is_working_day(d("2025-01-01")), Ok(true)); // not listed here
    assert_eq!(cal.entries(2025).len(), 2);
    assert_eq!(cal.entries(2025)[0].name, "春节");
}
