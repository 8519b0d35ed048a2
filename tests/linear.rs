//! All input handling is linear: each kind of input is fed at about 1 MB and 10 MB in one run,
//! and the work at the larger size must stay within a small multiple of ten times the work at
//! the smaller one (a quadratic step would make it a hundred times). Times are compared with each
//! other in the same process, never with a fixed number of seconds. The kinds are measured one
//! after the other in a single test (no other test of this file runs beside them), and each size
//! is timed more than once with the fastest run kept, so that a busy moment does not count.
//!
//! The facts and scenario readers have their own linear-time test (tests/input_strict.rs),
//! which counts the reader's operations.
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use std::time::{Duration, Instant};

/// At 10× the input, at most this many times the work.
const MAX_RATIO: f64 = 30.0;

const SMALL: usize = 1 << 20;
const LARGE: usize = 10 << 20;

const HEADER: &str = "policy p {\n  title \"示例办法\"\n  in_force from 2022-06-21\n}\n";

/// A policy of about `bytes` bytes: articles, each with a paragraph of text, a concept and a
/// threshold rule.
fn articles(bytes: usize) -> String {
    let text = "项目建设单位应当按照批复的建设内容、建设规模和投资概算组织实施,".repeat(10);
    let mut out = String::from(HEADER);
    let mut i = 0;
    while out.len() < bytes {
        i += 1;
        out.push_str(&format!(
            "concept c{i}: bool \"概念{i}\"\narticle {i} {{\n  para \"{text}\" {{\n    define c{i} = total_investment >= {i}万元 and not classified\n  }}\n}}\n"
        ));
    }
    out
}

/// A policy of about `bytes` bytes whose rules all use undeclared names: one diagnostic each.
fn unknown_names(bytes: usize) -> String {
    let mut out = format!("{HEADER}article 1 {{\n  para \"本条。\" {{\n");
    let mut i = 0;
    while out.len() < bytes {
        i += 1;
        out.push_str(&format!("    define x{i} = y{i} >= 20万元\n"));
    }
    out.push_str("  }\n}\n");
    out
}

/// The same, with every rule on one line.
fn one_line(bytes: usize) -> String {
    let mut out = format!("{HEADER}article 1 {{\n  para \"本条。\" {{");
    let mut i = 0;
    while out.len() < bytes {
        i += 1;
        out.push_str(&format!(" define x{i} = y{i} >= 20万元"));
    }
    out.push_str("\n  }\n}\n");
    out
}

fn timed(f: &mut dyn FnMut()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// The ratio of the work on the large input to the work on the small one.
fn ratio(make: fn(usize) -> String, work: fn(&str)) -> f64 {
    let small = make(SMALL);
    let large = make(LARGE);
    let fastest = (0..3)
        .map(|_| timed(&mut || work(&small)))
        .min()
        .expect("three runs");
    let big = (0..2)
        .map(|_| timed(&mut || work(&large)))
        .min()
        .expect("two runs");
    big.as_secs_f64() / fastest.as_secs_f64().max(1e-6)
}

fn check(name: &str, r: f64) {
    eprintln!("{name}: 10× the input took {r:.1}× the time");
    assert!(
        r <= MAX_RATIO,
        "{name}: 10× the input took {r:.1}× the time (more than {MAX_RATIO}×): some step is not linear"
    );
}

fn compiling_is_linear() {
    check(
        "compile",
        ratio(articles, |t| {
            let c = tiao::compile("p.tiao", t);
            assert!(!c.has_errors(), "{}", c.render_diagnostics());
        }),
    );
}

fn evaluating_is_linear() {
    // the work measured is evaluation and the JSON verdict, on programs compiled beforehand
    let small = tiao::compile("p.tiao", &articles(SMALL))
        .program
        .expect("checks");
    let large = tiao::compile("p.tiao", &articles(LARGE))
        .program
        .expect("checks");
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let run = |p: &tiao::ir::Program| {
        let facts = tiao::eval::parse_facts(p, r#"{"total_investment": "500万元"}"#)
            .expect("valid facts");
        let ev = tiao::eval::evaluate(p, &facts, as_of, tiao::calendar::Calendar::official());
        let v = tiao::eval::verdict::to_json(p, &facts, &ev);
        assert!(v["concepts"].as_object().is_some_and(|m| m.len() > 500));
    };
    let fastest = (0..3)
        .map(|_| timed(&mut || run(&small)))
        .min()
        .expect("three runs");
    let big = (0..2)
        .map(|_| timed(&mut || run(&large)))
        .min()
        .expect("two runs");
    check("evaluate", big.as_secs_f64() / fastest.as_secs_f64().max(1e-6));
}

fn many_diagnostics_are_linear() {
    fn work(t: &str) {
        let c = tiao::compile("p.tiao", t);
        assert!(c.diagnostics.len() > 1000);
        let shown = c.render_diagnostics();
        assert!(shown.contains("more (") && shown.contains("not shown"), "{shown:.300}");
        let json = tiao::diagnostic::to_json(&c.sources, &c.diagnostics);
        assert_eq!(
            json.as_array().map(Vec::len),
            Some(c.diagnostics.len()),
            "the JSON lists every diagnostic"
        );
    }
    check("diagnostics, one per line", ratio(unknown_names, work));
    check("diagnostics, all on one line", ratio(one_line, work));
}

fn tokens_and_positions_are_linear() {
    fn work(t: &str) {
        let mut sources = tiao::source::SourceMap::new();
        let file = sources.add("p.tiao", t);
        let mut last = (0, 0);
        for tok in tiao::syntax::lexer::tokens(t) {
            last = sources.line_col(file, tok.span.start);
        }
        assert!(last.0 > 1 || last.1 > 1);
    }
    check("tokens, many lines", ratio(articles, work));
    check("tokens, one line", ratio(one_line, work));
}

#[test]
fn every_kind_of_input_is_handled_in_linear_time() {
    compiling_is_linear();
    evaluating_is_linear();
    many_diagnostics_are_linear();
    tokens_and_positions_are_linear();
}
