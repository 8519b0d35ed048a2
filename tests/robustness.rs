//! Bad input never panics: mutated policy files (deletions, duplications and stray characters
//! at random character boundaries, Chinese text included) compile to diagnostics, and rendering
//! those diagnostics never panics either.

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
