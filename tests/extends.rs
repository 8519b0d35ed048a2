//! `extends` and `amends`: the worked example (a hypothetical county under 江西, and its 2026
//! revision) with its scenarios, the lineage every verdict shows, and the located errors of
//! tests/corpus/lineage/ (each file's first line names the codes it must report; the rendered
//! diagnostics are snapshot-tested).
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tiao::loader::{Bundled, Loader};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files named by `from`, relative to the file naming them; bundled policies otherwise.
struct Files;

impl Loader for Files {
    fn load(&self, by: &str, id: &str, from: Option<&str>) -> Result<(String, String), String> {
        let Some(p) = from else {
            return Bundled.load(by, id, None);
        };
        let path = root()
            .join(Path::new(by).parent().unwrap_or(Path::new("")))
            .join(p);
        std::fs::read_to_string(&path)
            .map(|t| {
                (
                    Path::new(by)
                        .parent()
                        .unwrap_or(Path::new(""))
                        .join(p)
                        .display()
                        .to_string(),
                    t,
                )
            })
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

fn compile(rel: &str) -> tiao::Compiled {
    let text = std::fs::read_to_string(root().join(rel)).expect("readable");
    tiao::loader::compile_with_loader(rel, &text, &Files, true)
}

fn program(rel: &str) -> tiao::ir::Program {
    let c = compile(rel);
    assert!(!c.has_errors(), "{rel}:\n{}", c.render_diagnostics());
    c.program.expect("a program")
}

#[test]
fn the_example_and_its_revision_check_without_warnings() {
    for f in [
        "examples/county-under-jiangxi.tiao",
        "examples/county-v2.tiao",
    ] {
        let c = compile(f);
        assert!(c.diagnostics.is_empty(), "{f}:\n{}", c.render_diagnostics());
    }
}

#[test]
fn the_example_scenarios_pass() {
    for (policy, scenarios) in [
        (
            "examples/county-under-jiangxi.tiao",
            "examples/county-under-jiangxi.scenarios.json",
        ),
        (
            "examples/county-v2.tiao",
            "examples/county-v2.scenarios.json",
        ),
    ] {
        let p = program(policy);
        let text = std::fs::read_to_string(root().join(scenarios)).expect("readable");
        let file = tiao::scenario::parse(&text).expect("a scenario file");
        assert!(file.cases.len() >= 4, "{scenarios}: too few cases");
        let failures: Vec<String> = file
            .cases
            .iter()
            .map(|c| tiao::scenario::run_case(&p, c))
            .filter(|r| !r.passed())
            .map(|r| format!("{}: {:?}", r.name, r.failures))
            .collect();
        assert!(failures.is_empty(), "{scenarios}:\n{}", failures.join("\n"));
    }
}

fn verdict(p: &tiao::ir::Program, facts: &str, as_of: &str) -> serde_json::Value {
    let f = tiao::eval::parse_facts(p, facts).expect("facts");
    let d = chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d").expect("date");
    let ev = tiao::eval::evaluate(p, &f, d, tiao::calendar::Calendar::official());
    tiao::eval::verdict::to_json(p, &f, &ev)
}

#[test]
fn every_verdict_says_which_policy_and_article_decided_each_value() {
    let p = program("examples/county-under-jiangxi.tiao");
    let v = verdict(
        &p,
        r#"{"uses_fiscal_funds": true, "administrative_body": true, "jurisdiction_level": "county",
            "total_investment": "150万元", "construction_investment": "150万元", "category": "application",
            "contract_signed_on": "2025-09-26", "contract_filed_on": false}"#,
        "2025-10-10",
    );
    let because = |c: &str| v["concepts"][c]["because"][0].clone();
    // the county's own article, in the county's script
    assert_eq!(
        because("expert_review_required")["policy"],
        "county_example"
    );
    assert_eq!(because("expert_review_required")["article"], "第三条");
    assert_eq!(
        because("expert_review_required")["rule_id"],
        "county_example/3/expert_review_required/1"
    );
    // an inherited rule: 江西's article, in 江西's script
    assert_eq!(because("provincial_review_required")["policy"], "jiangxi");
    assert_eq!(because("provincial_review_required")["article"], "第九條");
    assert_eq!(
        because("provincial_review_required")["rule_id"],
        "jiangxi/9/provincial_review_required/1"
    );
    // a duty the county adds
    let filing = v["obligations"]
        .as_array()
        .expect("obligations")
        .iter()
        .find(|o| o["id"] == "contract_filing")
        .expect("contract_filing")
        .clone();
    assert_eq!(filing["policy"], "county_example");
    assert_eq!(filing["due"], "2025-10-10");
    // the lineage: what the county set aside in 江西, and where it says so
    let lineage = v["lineage"].as_array().expect("lineage");
    assert_eq!(lineage[0]["id"], "county_example");
    assert_eq!(lineage[1]["id"], "jiangxi");
    assert_eq!(lineage[1]["builds_on_it"], "extends");
    let set_aside = lineage[1]["set_aside"].as_array().expect("set aside");
    let shown: Vec<String> = set_aside
        .iter()
        .map(|s| format!("{} by {}", s["what"], s["by"]["cite"]))
        .collect();
    assert!(
        shown
            .iter()
            .any(|s| s.contains("第四十條") && s.contains("replaced") && s.contains("第五条")),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|s| s.contains("第三十六條") && s.contains("repealed")),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|s| s.contains("expert_review_required") && s.contains("第三条")),
        "{shown:?}"
    );
    // the text summary names the policy of each citation
    let f = tiao::eval::parse_facts(&p, r#"{"jurisdiction_level": "county"}"#).expect("facts");
    let ev = tiao::eval::evaluate(
        &p,
        &f,
        chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("date"),
        tiao::calendar::Calendar::official(),
    );
    let text = tiao::eval::verdict::to_text(&p, &ev);
    assert!(text.contains("jiangxi 第九條"), "{text}");
}

#[test]
fn a_policy_without_lineage_gets_the_verdict_it_always_had() {
    let text = std::fs::read_to_string(root().join("policies/xinzhou.tiao")).expect("readable");
    let p = tiao::compile("policies/xinzhou.tiao", &text)
        .program
        .expect("a program");
    let v = verdict(&p, r#"{"total_investment": "20万元"}"#, "2024-05-06");
    assert!(v.get("lineage").is_none());
    let b = &v["concepts"]["technical_review_required"]["because"][0];
    assert!(b.get("policy").is_none());
    assert_eq!(b["rule_id"], "xinzhou/7/technical_review_required/1");
}

#[test]
fn the_bundled_loader_serves_extends_without_files() {
    // tiao::compile knows the bundled policies: `extends jiangxi` needs no loader
    let text = std::fs::read_to_string(root().join("examples/county-under-jiangxi.tiao"))
        .expect("readable");
    let c = tiao::compile("county.tiao", &text);
    assert!(!c.has_errors(), "{}", c.render_diagnostics());
    // and says so when a file is named
    let v2 = std::fs::read_to_string(root().join("examples/county-v2.tiao")).expect("readable");
    let c = tiao::compile("county-v2.tiao", &v2);
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0123"], "{}", c.render_diagnostics());
}

#[test]
fn lineage_errors_are_located() {
    let dir = root().join("tests/corpus/lineage");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the lineage corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tiao"))
        .collect();
    files.sort();
    assert!(files.len() >= 8);
    let mut failures = Vec::new();
    let mut codes = BTreeSet::new();
    for path in &files {
        let name = format!(
            "tests/corpus/lineage/{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
        );
        let text = std::fs::read_to_string(path).expect("readable");
        let expected: BTreeSet<String> = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// expect:"))
            .expect("an expect header")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let c = tiao::loader::compile_with_loader(&name, &text, &Files, true);
        let got: BTreeSet<String> = c.diagnostics.iter().map(|d| d.code.to_string()).collect();
        if got != expected {
            failures.push(format!(
                "{name}: expected {expected:?}, got {got:?}\n{}",
                c.render_diagnostics()
            ));
        }
        // every diagnostic points into the file that is wrong (the child, never the parent)
        for d in &c.diagnostics {
            assert!(
                d.labels
                    .iter()
                    .any(|l| c.sources.get(l.span.file).name == name),
                "{name}: {} has no label in the file",
                d.code
            );
        }
        codes.extend(got);
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        insta::assert_snapshot!(format!("lineage__{stem}"), c.render_diagnostics());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for code in [
        "E0123", "E0124", "E0125", "E0126", "E0127", "E0128", "E0129", "E0222",
    ] {
        assert!(codes.contains(code), "no corpus case reports {code}");
    }
}
