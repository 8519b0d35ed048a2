//! Bad input never panics: mutated policy files (deletions, duplications and stray characters
//! at random character boundaries, Chinese text included) compile to diagnostics, and rendering
//! those diagnostics never panics either. Each documented limit (docs/limits.md) gives its error
//! instead of exhausting time, memory or the stack.

use std::path::Path;

/// A small deterministic generator (xorshift), so failures reproduce.
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

fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect()
}

#[test]
fn mutated_policies_give_diagnostics_not_panics() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/xinzhou.tiao"),
    )
    .unwrap_or_default();
    assert!(!text.is_empty());
    let cuts = boundaries(&text);
    let mut rng = Rng(0x05ee_d7a0);
    let inserts = [
        "\"",
        "{",
        "}",
        "万元",
        "第",
        "=",
        "when",
        "2022-13-45",
        "\\q",
        "（",
        "item",
        "\u{3000}",
        "//",
    ];
    let mut with_errors = 0;
    for round in 0..400 {
        let a = cuts[rng.below(cuts.len())];
        let b = cuts[rng.below(cuts.len())];
        let (lo, hi) = (a.min(b), a.max(b));
        let hi = if hi - lo > 200 {
            cuts.iter().copied().find(|c| *c >= lo + 200).unwrap_or(hi)
        } else {
            hi
        };
        let mutated = match round % 3 {
            0 => format!("{}{}", &text[..lo], &text[hi..]),
            1 => format!("{}{}{}", &text[..hi], &text[lo..hi], &text[hi..]),
            _ => format!(
                "{}{}{}",
                &text[..lo],
                inserts[rng.below(inserts.len())],
                &text[lo..]
            ),
        };
        let compiled = tiao::compile("mutated.tiao", &mutated);
        let rendered = compiled.render_diagnostics();
        let _ = tiao::diagnostic::to_json(&compiled.sources, &compiled.diagnostics);
        if compiled.has_errors() {
            with_errors += 1;
            assert!(!rendered.is_empty(), "round {round}: errors must render");
        }
    }
    assert!(
        with_errors > 100,
        "the mutations should mostly break the file ({with_errors} did)"
    );
}

#[test]
fn arbitrary_facts_give_errors_not_panics() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/xinzhou.tiao"),
    )
    .unwrap_or_default();
    let compiled = tiao::compile("xinzhou.tiao", &text);
    let Some(program) = compiled.program else {
        panic!("{}", compiled.render_diagnostics())
    };
    let values = [
        "null",
        "true",
        "0",
        "-5",
        "1e400",
        "\"\"",
        "\"500万元\"",
        "\"-3万元\"",
        "\"15%\"",
        "\"2024-02-30\"",
        "\"2024-02-29\"",
        "[]",
        "[\"2024-01-01\"]",
        "{}",
        "\"governance\"",
        "\"政务治理类\"",
        "99999999999999999999999999999999",
    ];
    // arbitrary (mostly ill-typed) values: each is accepted or rejected with an error naming its
    // field; the well-typed projects that really exercise evaluation are in tests/properties.rs
    let mut rng = Rng(42);
    let (mut accepted, mut rejected) = (0, 0);
    for _ in 0..500 {
        let mut fields = Vec::new();
        for _ in 0..rng.below(6) {
            let f = &program.facts[rng.below(program.facts.len())];
            fields.push(format!(
                "\"{}\": {}",
                f.name,
                values[rng.below(values.len())]
            ));
        }
        let json = format!("{{{}}}", fields.join(", "));
        let parsed = tiao::eval::parse_facts(&program, &json);
        if let Err(errors) = &parsed {
            rejected += 1;
            for e in errors {
                assert!(
                    json.contains(&format!("\"{}\"", e.field)),
                    "an error names a field of the input: {e} in {json}"
                );
            }
        }
        if let Ok(facts) = parsed {
            accepted += 1;
            for as_of in ["2019-01-01", "2024-06-30", "2026-12-31", "2030-01-01"] {
                let d = chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d").unwrap_or_default();
                let ev =
                    tiao::eval::evaluate(&program, &facts, d, tiao::calendar::Calendar::official());
                let _ = tiao::eval::verdict::to_json(&program, &facts, &ev);
                let _ = tiao::eval::verdict::to_text(&program, &ev);
            }
        }
    }
    assert!(
        accepted > 20 && rejected > 100,
        "accepted {accepted}, rejected {rejected}"
    );
}

/// The opening every limit test shares.
const HEADER: &str = "policy demo {\n  title \"示例办法\"\n  in_force from 2022-06-21\n}\n";

#[test]
fn a_repair_that_feeds_itself_is_stopped_before_the_text_explodes() {
    // `"第" => "第第"` forty times would double the text forty times (the issue's 3 GB)
    let repairs: String = (0..40)
        .map(|_| "  repair \"第\" => \"第第\" because \"test\"\n".to_string())
        .collect();
    let text = format!(
        "policy demo {{\n  title \"示例办法\"\n  in_force from 2022-06-21\n{repairs}}}\narticle 1 {{\n  para \"第一条 本办法。\"\n  descriptive \"example\"\n}}\n"
    );
    let compiled = tiao::compile("demo.tiao", &text);
    let program = compiled.program.expect("the policy checks");
    let raw = "第一条 本办法。\n".repeat(100);
    let errors = tiao::analysis::sources::apply_repairs(&program.document, &raw)
        .expect_err("the growth is refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].message.contains("more than twice the source"),
        "{}",
        errors[0].message
    );
}

#[test]
fn more_articles_than_the_limit_is_an_error_at_the_first_one_too_many() {
    let mut text = String::from(HEADER);
    for i in 1..=tiao::resolve::MAX_ARTICLES + 1 {
        text.push_str(&format!(
            "article {i} {{\n  para \"本条。\"\n  descriptive \"example\"\n}}\n"
        ));
    }
    let compiled = tiao::compile("demo.tiao", &text);
    let too_many: Vec<_> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.code == "E0143")
        .collect();
    assert_eq!(too_many.len(), 1);
    let at = too_many[0].labels[0].span.start as usize;
    assert!(
        text[at..].starts_with(&format!("article {}", tiao::resolve::MAX_ARTICLES + 1)),
        "{}",
        &text[at..at + 20]
    );
}

#[test]
fn a_concept_with_too_many_rules_to_compare_is_named_not_silently_skipped() {
    // 1001 rules give 500500 pairs, more than the budget
    let rules: String = (0..1001)
        .map(|i| {
            format!(
                "    define c = {} when total_investment >= {i}万元\n",
                i % 2 == 0
            )
        })
        .collect();
    let text = format!(
        "{HEADER}concept c: bool \"概念\"\narticle 1 {{\n  para \"本条。\" {{\n{rules}  }}\n}}\n"
    );
    let compiled = tiao::compile("demo.tiao", &text);
    let warnings: Vec<_> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.code == "W0201")
        .collect();
    assert_eq!(warnings.len(), 1, "{}", compiled.render_diagnostics());
    assert!(warnings[0].message.contains("1001 rules"));
    // with fewer rules the same pairs are compared, and their conflicts found (E0211)
    let rules: String = (0..20)
        .map(|i| {
            format!(
                "    define c = {} when total_investment >= {i}万元\n",
                i % 2 == 0
            )
        })
        .collect();
    let text = format!(
        "{HEADER}concept c: bool \"概念\"\narticle 1 {{\n  para \"本条。\" {{\n{rules}  }}\n}}\n"
    );
    let compiled = tiao::compile("demo.tiao", &text);
    assert!(compiled.diagnostics.iter().any(|d| d.code == "E0211"));
}

#[test]
fn an_overflowing_amount_names_the_rule_and_its_operands() {
    let text = format!(
        "{HEADER}concept doubled: money \"两倍\"\narticle 2 {{\n  para \"本条。\" {{\n    define doubled = total_investment * 100000000\n  }}\n}}\n"
    );
    let program = tiao::compile("demo.tiao", &text)
        .program
        .expect("the policy checks");
    let facts = tiao::eval::parse_facts(&program, r#"{"total_investment": "100000000000000亿元"}"#)
        .expect("valid facts");
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let ev = tiao::eval::evaluate(&program, &facts, as_of, tiao::calendar::Calendar::official());
    let v = tiao::eval::verdict::to_json(&program, &facts, &ev);
    let error = v["concepts"]["doubled"]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("100000000000000亿元 * 100000000")
            && error.contains("define doubled = total_investment * 100000000"),
        "{error}"
    );
    assert_eq!(v["concepts"]["doubled"]["value"], serde_json::Value::Null);
}

#[test]
fn deep_dependency_chains_evaluate_without_exhausting_the_stack() {
    // c0 needs c1, which needs c2, … : evaluation descends the whole chain
    let n = 20_000;
    let mut text = String::from(HEADER);
    for i in 0..n {
        text.push_str(&format!("concept c{i}: bool \"c\"\n"));
    }
    text.push_str("article 1 {\n  para \"本条。\" {\n");
    for i in 0..n - 1 {
        text.push_str(&format!("    define c{i} = c{} or classified\n", i + 1));
    }
    text.push_str(&format!("    define c{} = classified\n  }}\n}}\n", n - 1));
    let program = tiao::compile("demo.tiao", &text)
        .program
        .expect("the policy checks");
    let facts = tiao::eval::parse_facts(&program, r#"{"classified": true}"#).expect("valid facts");
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let ev = tiao::eval::evaluate(&program, &facts, as_of, tiao::calendar::Calendar::official());
    let v = tiao::eval::verdict::to_json(&program, &facts, &ev);
    assert_eq!(v["concepts"]["c0"]["value"], true);
}
