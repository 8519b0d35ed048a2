//! Strict input (issue 8, items 2–4): the located JSON reader, duplicate keys, the one grammar of
//! money, percent, duration and date texts (docs/input.md), scenario files in the user's terms,
//! encodings and sizes, and linear time on large inputs (work counted, not timed).
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use rust_decimal::Decimal;
use std::str::FromStr;
use tiao::eval;
use tiao::input::{InputError, MAX_INPUT_BYTES, decode_text};
use tiao::json::{self, ErrorKind, Json};

const POLICY: &str = r#"policy t {
  title "测试"
  in_force from 2022-06-21
}
enum Funding "资金来源" { fiscal "财政资金", joint "政府与企业联合建设", private "社会资本" }
record Contract "合同" { amount: money, signed_on: date }
fact funding_sources: set of Funding "资金来源"
fact main_contract: Contract "主合同"
fact free_maintenance: duration "免费运维期"
fact staff: int "人数"
fact factor: decimal "系数"
fact remark: text "备注"
"#;

fn program() -> tiao::ir::Program {
    let compiled = tiao::compile("t.tiao", POLICY);
    let rendered = compiled.render_diagnostics();
    compiled.program.unwrap_or_else(|| panic!("{rendered}"))
}

/// The facts errors as the CLI prints them (`error: FILE:` + the error).
fn facts_errors(program: &tiao::ir::Program, text: &str) -> String {
    match eval::parse_facts(program, text) {
        Ok(_) => "accepted".into(),
        Err(errors) => errors
            .iter()
            .map(|e| format!("error: f.json:{e}"))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn money(s: &str) -> Result<Decimal, String> {
    eval::facts::parse_money(s).map_err(|e| e.message)
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("a decimal")
}

// ---------------------------------------------------------------------------
// The JSON reader
// ---------------------------------------------------------------------------

#[test]
fn every_key_and_value_has_its_line_and_column_in_characters() {
    let text = "{\n  \"名称\": \"项目\", \"b\": [1, {\"c\": null}],\n\t\"d\":\n    true\n}";
    let root = json::parse(text).expect("valid");
    let m = root.members().expect("an object");
    let keys: Vec<(&str, usize, usize)> = m
        .iter()
        .map(|m| (m.key.as_str(), m.key_at.line, m.key_at.column))
        .collect();
    // columns count characters: "名称" is two characters (six bytes)
    assert_eq!(keys, vec![("名称", 2, 3), ("b", 2, 15), ("d", 3, 2)]);
    assert_eq!((m[0].value.at.line, m[0].value.at.column), (2, 9));
    let Json::Array(items) = &m[1].value.value else {
        panic!("an array")
    };
    let inner = items[1].get("c").expect("c");
    assert_eq!((inner.key_at.line, inner.key_at.column), (2, 25));
    assert_eq!((m[2].value.at.line, m[2].value.at.column), (4, 5));
    assert_eq!(m[2].value.at.offset, text.find("true").expect("there"));
}

#[test]
fn numbers_are_kept_as_written_and_strings_decoded() {
    let root = json::parse(r#"[0, -1.50, 1e400, 123456789012345678901234567890, "a\"\\\/\b\f\n\r\t\u4E07\uD83D\uDE00"]"#)
        .expect("valid");
    let Json::Array(items) = &root.value else {
        panic!("an array")
    };
    let texts: Vec<String> = items
        .iter()
        .map(|n| match &n.value {
            Json::Number(t) => t.clone(),
            Json::String(s) => s.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        texts,
        vec![
            "0",
            "-1.50",
            "1e400",
            "123456789012345678901234567890",
            "a\"\\/\u{8}\u{c}\n\r\t万😀"
        ]
    );
    // a byte order mark at the very start is skipped and not counted in columns
    let root = json::parse("\u{FEFF}{\"a\": 1}").expect("BOM skipped");
    assert_eq!(root.members().expect("object")[0].key_at.column, 2);
}

#[test]
fn duplicate_keys_at_any_depth_name_both_places_and_the_path() {
    let text = "{\"cases\": [{}, {}, {}, {\"expect\": {\n  \"technical_review_required\": {\"value\": true},\n  \"technical_review_required\": {\"value\": false}\n}}]}";
    let errors = json::parse(text).expect_err("a duplicate");
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert_eq!(e.kind, ErrorKind::DuplicateKey);
    assert_eq!(
        e.path.to_string(),
        "cases[3].expect.technical_review_required"
    );
    assert_eq!((e.at.line, e.at.column), (3, 3));
    let first = e.first.expect("the first place");
    assert_eq!((first.line, first.column), (2, 3));
    assert_eq!(
        e.message,
        "duplicate key `cases[3].expect.technical_review_required`: first given at line 2, column 3, again at line 3, column 3"
    );
    // all duplicates of a file, in the order of the text
    let errors =
        json::parse(r#"{"a": 1, "a": {"x": 1, "x": 2}, "b": 0, "b": 0}"#).expect_err("three");
    let paths: Vec<String> = errors.iter().map(|e| e.path.to_string()).collect();
    assert_eq!(paths, vec!["a", "a.x", "b"]);
    // keys that are not plain names are quoted in paths
    let errors = json::parse(r#"{"a b": {"": 1, "": 2}}"#).expect_err("dup");
    assert_eq!(errors[0].path.to_string(), r#"["a b"][""]"#);
}

#[test]
fn nesting_is_bounded_and_deep_input_does_not_overflow_the_stack() {
    let ok = format!(
        "{}{}",
        "[".repeat(json::MAX_DEPTH),
        "]".repeat(json::MAX_DEPTH)
    );
    assert!(json::parse(&ok).is_ok());
    // 1,000,000 nested arrays (and objects): an error at the place the limit is crossed
    for open in ["[", "{\"a\":"] {
        let deep = open.repeat(1_000_000);
        let errors = json::parse(&deep).expect_err("too deep");
        let e = errors.last().expect("an error");
        assert_eq!(e.kind, ErrorKind::TooDeep);
        assert_eq!(e.at.column, json::MAX_DEPTH * open.chars().count() + 1);
        assert!(e.message.contains("128 levels"), "{}", e.message);
    }
}

/// Syntax errors in plain words, with the place and a hint for the usual mistakes.
#[test]
fn syntax_errors_are_pinned() {
    let cases = [
        "",
        "{\"a\": 1,}",
        "[1, 2,]",
        "{\"a\": 1 \"b\": 2}",
        "{\"a\" 1}",
        "{'a': 1}",
        "{a: 1}",
        "{\"a\"：1}",
        "{“a”: 1}",
        "{\"a\": 1，\"b\": 2}",
        "{\"a\": \"unclosed\n}",
        "{\"a\": \"never closed",
        "{\"a\": \"tab\there\"}",
        "{\"a\": \"C:\\path\"}",
        "{\"a\": \"\\uD800\"}",
        "{\"a\": 500万元}",
        "{\"a\": 007}",
        "{\"a\": 1.}",
        "{\"a\": .5}",
        "{\"a\": +1}",
        "{\"a\": True}",
        "{\"a\": NaN}",
        "{\"a\": 1} {\"b\": 2}",
        "{\"a\": 1} // note",
        "{\"a\":\u{200B} 1}",
        "{\u{3000}\"a\": 1}",
        "{\"a\": [1, 2}",
        "{\"a\": 1",
        "{\"a\": 五百万元}",
    ];
    let mut out = String::new();
    for input in cases {
        let errors = json::parse(input).expect_err(input);
        out.push_str(&format!("{input:?}\n"));
        for e in errors {
            out.push_str(&format!("  {e}\n"));
        }
    }
    insta::assert_snapshot!("json_syntax_errors", out);
}

// ---------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------

#[test]
fn facts_errors_are_at_the_key_even_after_chinese_text() {
    let p = program();
    let text = "{\"remark\": \"说明文字很长\", \"staff\": 3, \"total_investmnt\": \"500万元\",\n   \"main_contract\": {\"amount\": \"-1万元\", \"signed_on\": \"2024-01-01\"}}";
    let errors = eval::parse_facts(&p, text).expect_err("two errors");
    let places: Vec<(&str, usize, usize)> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.line, e.column))
        .collect();
    // "total_investmnt" starts at character 34 of line 1 (byte 44); "amount" at 22 of line 2
    assert_eq!(
        places,
        vec![("total_investmnt", 1, 34), ("main_contract", 2, 22)]
    );
    assert_eq!(
        errors[1].message,
        "in `amount`: an amount of money cannot be negative"
    );
    // the same key in a scenario file is located in the scenario file
    let scenario = format!(
        "{{\"policy\": \"t.tiao\", \"cases\": [\n  {{\"name\": \"n\", \"as_of\": \"2024-01-01\",\n   \"facts\": {text}}}]}}"
    );
    let s = tiao::scenario::parse(&scenario).expect("a valid scenario file");
    let r = tiao::scenario::run_case(&p, &s.cases[0]);
    assert_eq!(
        r.failures,
        vec![
            "facts, line 3, column 46: field `total_investmnt`: unknown fact `total_investmnt` (hint: did you mean `total_investment`?)",
            "facts, line 4, column 22: field `main_contract`: in `amount`: an amount of money cannot be negative (hint: write yuan as a number (5000000) or a text with units (\"500万元\", \"1.5亿元\"))",
        ]
    );
}

#[test]
fn duplicate_facts_are_errors_at_the_top_level_and_inside_records() {
    let p = program();
    let errors = eval::parse_facts(
        &p,
        "{\"total_investment\": \"600万元\",\n \"total_investment\": \"400万元\"}",
    )
    .expect_err("duplicate");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "total_investment");
    assert_eq!((errors[0].line, errors[0].column), (2, 2));
    assert!(
        errors[0].message.contains("line 1, column 2"),
        "{}",
        errors[0].message
    );
    let errors = eval::parse_facts(
        &p,
        r#"{"main_contract": {"amount": "600万元", "signed_on": "2024-01-01", "amount": 1}}"#,
    )
    .expect_err("duplicate");
    assert_eq!(errors[0].field, "main_contract");
    assert_eq!(
        errors[0].message,
        "`amount` is given twice: first at line 1, column 20, again at line 1, column 66"
    );
}

#[test]
fn money_grammar() {
    let accepted = [
        ("5000000", "5000000"),
        ("500万元", "5000000"),
        ("500萬元", "5000000"),
        ("1.5亿元", "150000000"),
        ("1.5億元", "150000000"),
        ("5000元", "5000"),
        ("0.5万元", "5000"),
        ("5,000,000", "5000000"),
        ("5,000,000元", "5000000"),
        ("1,234.56元", "1234.56"),
        ("  500万元 ", "5000000"),
        ("500 万元", "5000000"),
        ("0", "0"),
        ("0500", "500"),
    ];
    for (s, want) in accepted {
        assert_eq!(money(s), Ok(dec(want)), "{s}");
    }
    let rejected = [
        "5,0",
        "50,00",
        "5,0000",
        ",500",
        "0,500",
        "1,234,5",
        "1.234,5",
        "5_000_000",
        "5e6",
        "1E3万元",
        "-3万元",
        "+3万元",
        "5 000 000",
        "５００万元",
        "500万元，",
        "五百万元",
        "五百万",
        "500万",
        "1.5亿",
        "500千元",
        "¥500",
        "RMB500",
        "500元整",
        ".5万元",
        "5.万元",
        "1.2.3",
        "",
        "   ",
        "15%",
    ];
    for s in rejected {
        assert!(
            money(s).is_err(),
            "{s:?} must be rejected, got {:?}",
            money(s)
        );
    }
    assert_eq!(
        money("-3万元"),
        Err("an amount of money cannot be negative".into())
    );
    // overflow of the exact decimal is an error, never a panic or a wrap
    let huge = format!("1{}亿元", "0".repeat(30));
    assert!(money(&huge).expect_err("too large").contains("too large"));
    let big = format!("7{}亿元", "0".repeat(21));
    assert!(money(&big).expect_err("too large").contains("too large"));
    let precise = format!("0.{}1", "0".repeat(30));
    assert!(
        money(&precise)
            .expect_err("too precise")
            .contains("28 decimal places")
    );
}

#[test]
fn percent_duration_and_date_grammar() {
    use tiao::calendar::Period;
    let pct = |s: &str| eval::facts::parse_percent(s).map_err(|e| e.message);
    assert_eq!(pct("15%"), Ok(dec("0.15")));
    assert_eq!(pct("15％"), Ok(dec("0.15")));
    assert_eq!(pct("12.5 %"), Ok(dec("0.125")));
    assert_eq!(pct("150%"), Ok(dec("1.5")));
    for s in [
        "-5%", "1e2%", "15", "15‰", "1,000%", "１５%", "+5%", "%", ".5%", "15%%",
    ] {
        assert!(pct(s).is_err(), "{s:?} must be rejected");
    }
    let dur = |s: &str| tiao::value::parse_duration(s).map_err(|e| e.message);
    assert_eq!(dur("6个月"), Ok(Period::months(6)));
    assert_eq!(dur("半年"), Ok(Period::months(6)));
    assert_eq!(dur("5个工作日"), Ok(Period::working_days(5)));
    assert_eq!(dur("5 working days"), Ok(Period::working_days(5)));
    assert_eq!(
        dur("0年"),
        Ok(Period::years(0)),
        "a length of zero is a duration"
    );
    for s in [
        "-3年",
        "1.5年",
        "三个月",
        "３个月",
        "3",
        "3周",
        "99999999999年",
        "年",
        "",
    ] {
        assert!(dur(s).is_err(), "{s:?} must be rejected");
    }
    use tiao::value::{DateError, parse_date};
    assert!(parse_date("2024-02-29").is_ok());
    assert_eq!(
        parse_date("2024-3-5"),
        Err(DateError::Unpadded {
            fixed: "2024-03-05".into()
        })
    );
    assert_eq!(parse_date("2024/03/05"), Err(DateError::Form));
    assert_eq!(
        parse_date("２０２４-０３-０５"),
        Err(DateError::FullWidth {
            fixed: "2024-03-05".into()
        })
    );
    assert_eq!(
        parse_date("2024-03-05T00:00"),
        Err(DateError::WithTime {
            fixed: "2024-03-05".into()
        })
    );
    assert_eq!(parse_date("-2024-03-05"), Err(DateError::Sign));
    assert_eq!(
        parse_date("20240305"),
        Err(DateError::Undashed {
            fixed: "2024-03-05".into()
        })
    );
    assert_eq!(
        parse_date("2023-02-29"),
        Err(DateError::NoSuchDay {
            why: "February 2023 has 28 days".into()
        })
    );
    assert!(matches!(
        parse_date("2024-13-01"),
        Err(DateError::NoSuchDay { .. })
    ));
    assert!(matches!(
        parse_date("2024-2-30"),
        Err(DateError::NoSuchDay { .. })
    ));
    for s in [
        "",
        "2024",
        "2024-03",
        "12024-03-05",
        "2024-03-05 ",
        "2024年3月5日",
        "2024-03-5x",
    ] {
        assert!(parse_date(s).is_err(), "{s:?} must be rejected");
    }
}

#[test]
fn the_calendar_file_reads_dates_and_years_as_strictly() {
    let err = |text: &str| {
        tiao::calendar::Calendar::parse(text)
            .expect_err("invalid")
            .to_string()
    };
    let cases = [
        "year 2025\nholiday 2025-1-1 元旦\n",
        "year 2025\nholiday ２０２５-01-01 元旦\n",
        "year 2025\nholiday 2025-01-01T00:00 元旦\n",
        "year 2025\nholiday -2025-01-01 元旦\n",
        "year 2025\nholiday 2025-02-29 元旦\n",
        "year 2025\nholiday 2025-01-01..2025-01-3 元旦\n",
        "year +2025\nholiday 2025-01-01 元旦\n",
        "year ２０２５\nholiday 2025-01-01 元旦\n",
    ];
    let out: Vec<String> = cases.iter().map(|c| err(c)).collect();
    assert_eq!(
        out,
        vec![
            "calendar line 2: `2025-1-1` is not a date of the form YYYY-MM-DD (the month and the day have two digits each); write 2025-01-01",
            "calendar line 2: `２０２５-01-01` is not a date of the form YYYY-MM-DD (it has full-width digits); write 2025-01-01",
            "calendar line 2: `2025-01-01T00:00` is not a date of the form YYYY-MM-DD (it has a time of day); write 2025-01-01",
            "calendar line 2: `-2025-01-01` is not a date of the form YYYY-MM-DD: a year has four digits and no sign",
            "calendar line 2: `2025-02-29` is not a valid calendar date: February 2025 has 28 days",
            "calendar line 2: `2025-01-3` is not a date of the form YYYY-MM-DD (the month and the day have two digits each); write 2025-01-03",
            "calendar line 1: `+2025` is not a four-digit year",
            "calendar line 1: `２０２５` is not a four-digit year",
        ]
    );
}

/// Malformed facts, each with the exact message a user reads (`error: f.json:LINE:COL: …`).
#[test]
fn malformed_facts_messages_are_pinned() {
    let p = program();
    let cases = [
        // money
        r#"{"total_investment": "5,0"}"#,
        r#"{"total_investment": "5_000_000"}"#,
        r#"{"total_investment": "5e6"}"#,
        r#"{"total_investment": 5e6}"#,
        r#"{"total_investment": -5000}"#,
        r#"{"total_investment": "-3万元"}"#,
        r#"{"total_investment": "５００万元"}"#,
        r#"{"total_investment": "五百万元"}"#,
        r#"{"total_investment": "500万"}"#,
        r#"{"total_investment": "5 000 000"}"#,
        r#"{"total_investment": "100000000000000000000000000000亿元"}"#,
        r#"{"total_investment": "500 美元"}"#,
        r#"{"total_investment": true}"#,
        // percent
        r#"{"budget_adjustment_ratio": "-5%"}"#,
        r#"{"budget_adjustment_ratio": 0.15}"#,
        r#"{"budget_adjustment_ratio": "1e1%"}"#,
        r#"{"budget_adjustment_ratio": "15"}"#,
        // dates
        r#"{"approved_on": "2024-3-5"}"#,
        r#"{"approved_on": "2024/03/05"}"#,
        r#"{"approved_on": "２０２４-０３-０５"}"#,
        r#"{"approved_on": "2024-03-05T00:00"}"#,
        r#"{"approved_on": "-2024-03-05"}"#,
        r#"{"approved_on": "2023-02-29"}"#,
        r#"{"approved_on": 20240305}"#,
        // durations
        r#"{"free_maintenance": "-3年"}"#,
        r#"{"free_maintenance": "1.5年"}"#,
        r#"{"free_maintenance": "三年"}"#,
        r#"{"free_maintenance": "3周"}"#,
        // other types
        r#"{"staff": 3.5}"#,
        r#"{"factor": 1e3}"#,
        r#"{"funding_sources": ["fiscal", "privat"]}"#,
        r#"{"main_contract": {"amount": "600万元"}}"#,
        r#"{"main_contract": {"amount": "600万元", "signed_on": "2024-01-01", "signed": "x"}}"#,
        r#"{"classified": "no"}"#,
        // keys and structure
        r#"{"total_investmnt": "500万元"}"#,
        r#"{"technical_review_required": true}"#,
        "{\"classified\": true,\n \"classified\": false}",
        r#"["total_investment"]"#,
        "{\"total_investment\": \"500万元\",}",
        "{\"total_investment\": 500万元}",
        "{\"total_investment\": \"500万元\" \"classified\": true}",
        "",
    ];
    let mut out = String::new();
    for input in cases {
        out.push_str(&format!("{input}\n{}\n\n", facts_errors(&p, input)));
    }
    insta::assert_snapshot!("facts_messages", out);
}

#[test]
fn too_many_errors_are_counted_not_listed() {
    let p = program();
    let keys: Vec<String> = (0..250).map(|i| format!("\"unknown_{i}\": 1")).collect();
    let errors = eval::parse_facts(&p, &format!("{{{}}}", keys.join(",\n"))).expect_err("bad");
    assert_eq!(errors.len(), eval::facts::MAX_FACT_ERRORS + 1);
    assert_eq!(
        errors.last().map(|e| e.message.as_str()),
        Some("150 more errors are not listed (the first 100 are)")
    );
    // a very long unknown key is cut in the message and gets no did-you-mean
    let long = "k".repeat(100_000);
    let errors = eval::parse_facts(&p, &format!("{{\"{long}\": 1}}")).expect_err("bad");
    assert!(errors[0].message.len() < 200, "{}", errors[0].message);
}

// ---------------------------------------------------------------------------
// Scenario files
// ---------------------------------------------------------------------------

fn scenario_error(text: &str) -> String {
    match tiao::scenario::parse(text) {
        Ok(_) => "accepted".into(),
        Err(e) => format!("error: s.json: {e}"),
    }
}

/// Malformed scenario files, each with the exact message (`error: FILE: line L, column C: …`,
/// as `tiao test` prints it).
#[test]
fn malformed_scenario_messages_are_pinned() {
    let case = |body: &str| {
        format!(
            "{{\n  \"policy\": \"p.tiao\",\n  \"cases\": [\n    {{ \"name\": \"a\", \"as_of\": \"2024-01-01\" }},\n    {body}\n  ]\n}}"
        )
    };
    let cases = [
        case(r#"{ "name": "b" }"#),
        case(r#"{ "name": "b", "as_of": "2024-01-01", "expected": {} }"#),
        case(r#"{ "name": "b", "as_of": "2024-1-1" }"#),
        case(r#"{ "name": "b", "as_of": 20240101 }"#),
        case(r#"{ "name": 3, "as_of": "2024-01-01" }"#),
        case(r#"{ "name": "b", "as_of": "2024-01-01", "facts": [] }"#),
        case(r#"{ "name": "b", "as_of": "2024-01-01", "facts": {"a": 1, "a": 2} }"#),
        case(r#"{ "name": "b", "as_of": "2024-01-01", "name": "c" }"#),
        case(
            r#"{ "name": "b", "as_of": "2024-01-01", "expect": { "x": {"value": true, "article": "第七条"}, "x": {"value": false, "article": "第七条"} } }"#,
        ),
        case(r#"{ "name": "b", "as_of": "2024-01-01", "expect": { "x": {"value": true} } }"#),
        case(
            r#"{ "name": "b", "as_of": "2024-01-01", "expect": { "x": {"value": true, "article": "第七条", "because": []} } }"#,
        ),
        case(r#"{ "name": "b", "as_of": "2024-01-01", "expect": { "x": true } }"#),
        case(
            r#"{ "name": "b", "as_of": "2024-01-01", "obligations": { "o": {"status": "pendng", "article": "第十条"} } }"#,
        ),
        case(
            r#"{ "name": "b", "as_of": "2024-01-01", "obligations": { "o": {"status": "met", "article": "第十条", "due": "2024/01/01"} } }"#,
        ),
        case(
            r#"{ "name": "b", "as_of": "2024-01-01", "obligations": { "o": {"status": "met", "article": "第十条", "due": null} } }"#,
        ),
        case(
            r#"{ "name": "b", "as_of": "2024-01-01", "obligations": { "o": {"status": "met", "article": "第十条", "year": "2024"} } }"#,
        ),
        case(
            r#"{ "name": "b", "as_of": "2024-01-01", "obligations": { "o": {"status": "unknown", "article": "第十条", "possible": ["met", "late", "met?"]} } }"#,
        ),
        case(
            r#"{ "name": "b", "as_of": "2024-01-01", "obligations": { "o": {"status": "met", "article": "第十条", "event": 0} } }"#,
        ),
        case(
            r#"{ "name": "b", "as_of": "2024-01-01", "obligations": { "o": {"status": "met", "article": "第十条", "status": "late"} } }"#,
        ),
        case(r#"{ "name": "b", "as_of": "2024-01-01", "obligations": { "o": {"article": "第十条"} } }"#),
        "{ \"cases\": [] }".to_string(),
        "{ \"policy\": \"p.tiao\", \"cases\": {} }".to_string(),
        "{ \"policy\": \"p.tiao\", \"cases\": [], \"case\": [] }".to_string(),
        "{ \"policy\": \"p.tiao\", \"policy\": \"q.tiao\", \"cases\": [] }".to_string(),
        "{ \"policy\": \"p.tiao\", \"cases\": [ { \"name\": \"a\", \"as_of\": \"2024-01-01\" }, ] }"
            .to_string(),
        "[]".to_string(),
        "".to_string(),
        "{".to_string(),
        "{ \"policy\": \"p.tiao\", \"description\": 5, \"cases\": [] }".to_string(),
        "{ \"policy\": \"p.tiao\", \"cases\": [ 1 ] }".to_string(),
    ];
    let mut out = String::new();
    for input in &cases {
        out.push_str(&format!("{input}\n{}\n\n", scenario_error(input)));
    }
    insta::assert_snapshot!("scenario_messages", out);
}

#[test]
fn a_scenario_keeps_everything_it_reads() {
    let text = r#"{ "policy": "p.tiao", "description": null, "cases": [ {
      "name": "n", "as_of": "2024-05-06",
      "facts": { "total_investment": "20万元" },
      "expect": { "c": { "value": [ "r1" ], "article": "第七条", "holds": null, "applies": false } },
      "obligations": { "o": { "status": "unknown", "article": "第十条", "year": 2024, "event": 2,
        "due": "2024-12-31", "due_not_before": "2024-12-31", "earliest": "2024-01-01",
        "possible": ["met", "pending"], "time": "in_force", "done_on": "2024-03-01",
        "applies": null, "bearer": "区大数据中心" } } } ] }"#;
    let s = tiao::scenario::parse(text).expect("valid");
    assert_eq!(s.description, None);
    let c = &s.cases[0];
    assert_eq!(c.facts.members().map(<[_]>::len), Some(1));
    let e = &c.expect["c"];
    assert_eq!(e.value, serde_json::json!(["r1"]));
    assert_eq!(e.holds, Some(serde_json::Value::Null));
    assert_eq!(e.applies, Some(serde_json::Value::Bool(false)));
    let o = &c.obligations["o"];
    assert_eq!((o.year, o.event), (Some(2024), Some(2)));
    assert_eq!(
        o.possible.as_deref(),
        Some(&["met".to_string(), "pending".to_string()][..])
    );
    assert_eq!(o.applies, Some(serde_json::Value::Null));
    assert_eq!(o.bearer.as_deref(), Some("区大数据中心"));
    assert_eq!(o.done_on.as_deref(), Some("2024-03-01"));
    // the file-relative rendering the CLI can use
    let e = tiao::scenario::parse("{\"policy\": 1, \"cases\": []}").expect_err("bad");
    assert_eq!(
        e.with_file("s.json"),
        "s.json:1:12: policy: expected a text in double quotes, found the number 1"
    );
}

// ---------------------------------------------------------------------------
// Encodings and size
// ---------------------------------------------------------------------------

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = if bom { vec![0xFEFF] } else { Vec::new() }
        .into_iter()
        .chain(text.encode_utf16());
    for u in units {
        let b = if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        };
        out.extend_from_slice(&b);
    }
    out
}

#[test]
fn encodings_are_named_and_sizes_bounded() {
    let text = "{\n  \"total_investment\": \"500万元\"\n}\n";
    assert_eq!(
        decode_text(text.as_bytes(), "f.json", MAX_INPUT_BYTES),
        Ok(text.to_string())
    );
    // a UTF-8 byte order mark is removed
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    assert_eq!(
        decode_text(&bom, "f.json", MAX_INPUT_BYTES),
        Ok(text.to_string())
    );
    let msg = |bytes: &[u8]| {
        decode_text(bytes, "data/f.json", MAX_INPUT_BYTES)
            .expect_err("rejected")
            .to_string()
    };
    // GBK: "总投资" is 0xD7DC 0xCDB6 0xD7CA in GBK
    let mut gbk = b"{\n  \"note\": \"".to_vec();
    gbk.extend_from_slice(&[0xD7, 0xDC, 0xCD, 0xB6, 0xD7, 0xCA]);
    gbk.extend_from_slice(b"\"\n}\n");
    let mut latin1 = b"{\"note\": \"caf".to_vec();
    latin1.extend_from_slice(&[0xE9, b'"', b'}']);
    let out = [
        msg(&utf16(text, false, true)),
        msg(&utf16(text, true, true)),
        msg(&utf16(text, false, false)),
        msg(&utf16(text, true, false)),
        msg(&[0xFF, 0xFE, 0, 0, b'{', 0, 0, 0]),
        msg(&gbk),
        msg(&latin1),
        decode_text(&[b' '; 11], "big.json", 10)
            .expect_err("too large")
            .to_string(),
    ];
    insta::assert_snapshot!("encoding_messages", out.join("\n"));
    assert!(matches!(
        decode_text(&gbk, "f", MAX_INPUT_BYTES),
        Err(InputError::Gbk {
            offset: 13,
            line: 2,
            column: 12,
            byte: 0xD7,
            ..
        })
    ));
    // GB18030's four-byte sequences are recognised too
    let gb4 = [b'"', 0x81, 0x30, 0x81, 0x30, b'"'];
    assert!(matches!(
        decode_text(&gb4, "f", MAX_INPUT_BYTES),
        Err(InputError::Gbk { .. })
    ));
    // UTF-16 Chinese text with some ASCII is still recognised
    let cn = "{\"名称\": \"政务信息化项目管理办法\", \"a\": 1}";
    assert!(matches!(
        decode_text(&utf16(cn, false, false), "f", MAX_INPUT_BYTES),
        Err(InputError::Utf16 {
            big_endian: false,
            bom: false,
            ..
        })
    ));
    assert_eq!(decode_text(&[], "f", MAX_INPUT_BYTES), Ok(String::new()));
}

// ---------------------------------------------------------------------------
// No panics on any bytes
// ---------------------------------------------------------------------------

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn mutated_facts_and_scenarios_never_panic() {
    let p = program();
    let seeds = [
        r#"{"total_investment": "1,500.5万元", "budget_adjustment_ratio": "12.5%", "approved_on": "2024-02-29", "free_maintenance": "半年", "funding_sources": ["fiscal", "财政资金"], "main_contract": {"amount": 5000000, "signed_on": true}, "remark": "说明\n\u4E07", "staff": -3, "factor": 1.25}"#.to_string(),
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/xinzhou.json"))
            .expect("bundled scenario")
            .chars()
            .take(3000)
            .collect(),
    ];
    let specials: [&[u8]; 14] = [
        b"\"",
        b"\\",
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b":",
        b"\\u",
        b"\xD7\xDC",
        b"\xFF",
        b"\0",
        "，".as_bytes(),
        "万".as_bytes(),
    ];
    let mut rng = Rng(0x5eed);
    for i in 0..3000 {
        let mut bytes = seeds[i % 2].as_bytes().to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len() + 1);
            match rng.below(4) {
                0 => bytes.truncate(at),
                1 => {
                    let s = specials[rng.below(specials.len())];
                    bytes.splice(at..at, s.iter().copied());
                }
                2 if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ if at < bytes.len() => bytes[at] = rng.next() as u8,
                _ => {}
            }
        }
        let Ok(text) = decode_text(&bytes, "f", MAX_INPUT_BYTES) else {
            continue;
        };
        let _ = json::parse(&text);
        let _ = eval::parse_facts(&p, &text);
        if let Ok(s) = tiao::scenario::parse(&text) {
            for c in s.cases.iter().take(2) {
                let _ = tiao::scenario::run_case(&p, c);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Linear time
// ---------------------------------------------------------------------------

/// The work (see `json::ops`) of reading `text`.
fn work(read: impl Fn(&str), text: &str) -> u64 {
    json::reset_ops();
    read(text);
    json::ops()
}

/// `make(n)` builds an input of about `n` bytes; reading 10× the input (`small` and 10 ×
/// `small` bytes) takes at most ~12× the work. Returns the two amounts of work.
fn linear(
    name: &str,
    small: usize,
    make: impl Fn(usize) -> String,
    read: impl Fn(&str),
) -> (u64, u64) {
    let (small, large) = (make(small), make(10 * small));
    let (a, b) = (work(&read, &small), work(&read, &large));
    let size_ratio = large.len() as f64 / small.len() as f64;
    let ratio = b as f64 / a as f64;
    println!(
        "{name}: {} bytes → {a} ops, {} bytes → {b} ops: ×{ratio:.2} work for ×{size_ratio:.2} input",
        small.len(),
        large.len()
    );
    assert!(
        a as usize >= small.len(),
        "{name}: the work counts every byte"
    );
    assert!(
        ratio <= size_ratio * 1.2,
        "{name}: work grows faster than the input: ×{ratio:.2} for ×{size_ratio:.2}"
    );
    (a, b)
}

/// 1 MiB and 10 MiB of facts (the input that took 9.7 s per MB with the old key search, on
/// several lines and on one line), 256 KiB and 2.5 MiB of the other kinds (to keep the test
/// at a few seconds in a debug build; the work is counted, not timed).
#[test]
fn reading_grows_linearly_with_the_input() {
    let p = program();
    let facts = |t: &str| {
        let _ = eval::parse_facts(&p, t);
    };
    // unknown keys, one per line (the input that took 9.7 s per MB with the old key search)
    linear(
        "facts, unknown keys",
        1 << 20,
        |n| {
            let mut s = String::from("{");
            let mut i = 0;
            while s.len() < n {
                s.push_str(&format!("\n  \"unknown_fact_{i:08}\": \"500万元\","));
                i += 1;
            }
            s.push_str("\n  \"remark\": \"\"\n}");
            s
        },
        facts,
    );
    // the same on one line, with Chinese text: columns are counted in characters
    linear(
        "facts, one line",
        1 << 20,
        |n| {
            let mut s = String::from("{");
            let mut i = 0;
            while s.len() < n {
                s.push_str(&format!("\"未知_{i:08}\": \"项目说明\", "));
                i += 1;
            }
            s.push_str("\"remark\": \"\"}");
            s
        },
        facts,
    );
    // many valid values
    linear(
        "facts, a long set",
        256 << 10,
        |n| {
            let mut s = String::from("{\"remark\": \"x\", \"funding_sources\": [");
            while s.len() < n {
                s.push_str("\"fiscal\", \"joint\", \"财政资金\", ");
            }
            s.push_str("\"private\"]}");
            s
        },
        |t| {
            eval::parse_facts(&p, t).expect("valid");
        },
    );
    // duplicate keys everywhere
    linear(
        "facts, duplicate keys",
        256 << 10,
        |n| {
            let mut s = String::from("{\"staff\": 1");
            while s.len() < n {
                s.push_str(", \"staff\": 1");
            }
            s.push('}');
            s
        },
        facts,
    );
    // a scenario file with many cases
    linear(
        "scenario, many cases",
        256 << 10,
        |n| {
            let mut s = String::from("{\"policy\": \"p.tiao\", \"cases\": [");
            let mut i = 0;
            while s.len() < n {
                s.push_str(&format!(
                    "\n  {{\"name\": \"case {i}\", \"as_of\": \"2024-05-06\", \"facts\": {{\"total_investment\": \"20万元\", \"classified\": false}}, \"expect\": {{\"technical_review_required\": {{\"value\": true, \"article\": \"第七条\"}}}}, \"obligations\": {{\"acceptance_application\": {{\"status\": \"pending\", \"due\": \"2025-03-27\", \"article\": \"第十六条\"}}}}}},"
                ));
                i += 1;
            }
            s.push_str("\n  {\"name\": \"last\", \"as_of\": \"2024-05-06\"}\n]}");
            s
        },
        |t| {
            tiao::scenario::parse(t).expect("valid");
        },
    );
    // a calendar file of many consecutive years (`make(n)`: n years, 800 and 8,000)
    linear(
        "calendar, many years",
        800,
        |years| {
            let mut s = String::from("# generated\n");
            for y in 1000..1000 + years {
                s.push_str(&format!(
                    "year {y}\nholiday {y}-01-01 元旦\nholiday {y}-10-01..{y}-10-07 国庆节\n"
                ));
            }
            s
        },
        |t| {
            tiao::calendar::Calendar::parse(t).expect("valid");
        },
    );
    // nesting up to the limit, repeated
    linear(
        "json, nested arrays",
        256 << 10,
        |n| {
            let unit = format!("{}1{},", "[".repeat(100), "]".repeat(100));
            format!("[{}0]", unit.repeat(n / unit.len() + 1))
        },
        |t| {
            json::parse(t).expect("valid");
        },
    );
}

#[test]
fn chinese_numerals_are_read_only_for_hints() {
    use tiao::value::chinese_number;
    assert_eq!(chinese_number("五百万元"), Some((500, "万元")));
    assert_eq!(chinese_number("一千零五元"), Some((1005, "元")));
    assert_eq!(chinese_number("十二个月"), Some((12, "个月")));
    assert_eq!(chinese_number("二十年"), Some((20, "年")));
    assert_eq!(chinese_number("三"), Some((3, "")));
    assert_eq!(chinese_number("五五"), None);
    assert_eq!(chinese_number("百千"), None);
    assert_eq!(chinese_number("元"), None);
}
