//! `tiao diff` on the five bundled policies, all 10 pairs: every printed witness is decided
//! differently by the two policies when evaluated with the interpreter, and on generated
//! projects nothing is decided differently outside the printed regions (for every concept whose
//! regions are exact). Known differences are named: thresholds, deadlines, windows.
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value as J};
use tiao::analysis::diff::explore::{concept_decision, duty_decision};
use tiao::analysis::diff::{self, Diff, Entry, Proof, RegionKind, Status};
use tiao::calendar::Calendar;
use tiao::ir::{Program, Type};

const IDS: [&str; 5] = ["xinzhou", "yantai", "tengzhou", "jingle", "jiangxi"];

fn program(id: &str) -> Program {
    let path = format!("{}/policies/{id}.tiao", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("readable");
    tiao::compile(&path, &text)
        .program
        .expect("the policy checks")
}

fn pairs() -> Vec<(Program, Program, Diff)> {
    let ps: Vec<Program> = IDS.iter().map(|i| program(i)).collect();
    let mut out = Vec::new();
    for i in 0..ps.len() {
        for j in i + 1..ps.len() {
            let d = diff::diff(&ps[i], &ps[j], &diff::Options::default());
            out.push((ps[i].clone(), ps[j].clone(), d));
        }
    }
    out
}

/// The facts of a project that a program reads, as `tiao eval` would parse them.
fn facts_for(p: &Program, facts: &Map<String, J>) -> tiao::eval::Facts {
    let mine: Map<String, J> = facts
        .iter()
        .filter(|(k, _)| p.fact_id(k).is_some())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    tiao::eval::parse_facts(p, &J::Object(mine).to_string()).expect("a witness parses")
}

/// A concept's decision under a whole program (the key compared by the diff).
fn concept_key(
    p: &Program,
    name: &str,
    facts: &Map<String, J>,
    as_of: chrono::NaiveDate,
) -> Option<String> {
    let c = p.concept_id(name)?;
    let f = facts_for(p, facts);
    let ev = tiao::eval::evaluate(p, &f, as_of, Calendar::official());
    concept_decision(p, c, &ev.concepts[c.0 as usize])
        .ok()
        .map(|d| d.key)
}

/// A concept's decision as if the policy applied (its `if_in_scope` reading).
fn assumed_key(
    p: &Program,
    name: &str,
    facts: &Map<String, J>,
    as_of: chrono::NaiveDate,
) -> Option<String> {
    let c = p.concept_id(name)?;
    let f = facts_for(p, facts);
    let r = tiao::eval::concept_alone(p, &f, as_of, Calendar::official(), c, true);
    concept_decision(p, c, &r).ok().map(|d| d.key)
}

fn duty_key(
    p: &Program,
    name: &str,
    facts: &Map<String, J>,
    as_of: chrono::NaiveDate,
) -> Option<String> {
    let p = diff::timeless(p);
    let o = p.obligation_id(name)?;
    let f = facts_for(&p, facts);
    let ev = tiao::eval::evaluate(&p, &f, as_of, Calendar::official());
    let rs: Vec<_> = ev
        .obligations
        .into_iter()
        .filter(|r| r.obligation == o)
        .collect();
    duty_decision(&rs, |_| false).ok().map(|d| d.key)
}

#[test]
fn every_witness_is_decided_differently_by_the_two_policies() {
    let mut checked = 0;
    for (a, b, d) in pairs() {
        for (e, r) in d.all_regions() {
            let (ka, kb) = if e.obligation {
                (
                    duty_key(&a, &e.name, &r.witness.facts, r.witness.as_of),
                    duty_key(&b, &e.name, &r.witness.facts, r.witness.as_of),
                )
            } else if r.both_apply || e.name == "in_scope" {
                (
                    concept_key(&a, &e.name, &r.witness.facts, r.witness.as_of),
                    concept_key(&b, &e.name, &r.witness.facts, r.witness.as_of),
                )
            } else {
                // no project with these facts falls under both: the rules as if both applied
                (
                    assumed_key(&a, &e.name, &r.witness.facts, r.witness.as_of),
                    assumed_key(&b, &e.name, &r.witness.facts, r.witness.as_of),
                )
            };
            assert!(
                ka.is_some() && kb.is_some() && ka != kb,
                "{} vs {}: `{}`: the witness {:?} is decided {ka:?} and {kb:?}",
                d.a.id,
                d.b.id,
                e.name,
                r.witness.facts
            );
            if r.both_apply && !e.obligation {
                assert_ne!(ka.as_deref(), Some("out_of_scope"));
                assert_ne!(kb.as_deref(), Some("out_of_scope"));
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} witnesses");
}

/// Whether a project lies in a region of an entry (cube regions by their conditions, reason
/// regions by evaluating the reason and the other list).
fn in_regions(
    e: &Entry,
    a: &Program,
    b: &Program,
    facts: &Map<String, J>,
    as_of: chrono::NaiveDate,
) -> bool {
    e.regions.iter().any(|r| match &r.kind {
        RegionKind::Cubes => diff::in_region(r, facts),
        RegionKind::Reason { side, rule, .. } => {
            let (px, py) = if *side == 0 { (a, b) } else { (b, a) };
            let run = |p: &Program| {
                let c = p.concept_id(&e.name).expect("a reasons concept");
                let f = facts_for(p, facts);
                let ev = tiao::eval::evaluate(p, &f, as_of, Calendar::official());
                ev.concepts[c.0 as usize].clone()
            };
            let (rx, ry) = (run(px), run(py));
            rx.reasons.contains(rule) && ry.holds == Some(false)
        }
    })
}

/// A generated project over the facts both programs read: bools, enums, amounts (around the
/// constants the rules name), and whether each event happened.
fn project(a: &Program, b: &Program) -> impl Strategy<Value = Map<String, J>> {
    let mut names: Vec<(String, Type, Vec<String>)> = Vec::new();
    for p in [a, b] {
        for f in &p.facts {
            if names.iter().any(|(n, _, _)| *n == f.name) {
                continue;
            }
            let variants = match &f.ty {
                Type::Enum(e) => p.enums[e.0 as usize]
                    .variants
                    .iter()
                    .map(|(v, _)| v.clone())
                    .collect(),
                _ => Vec::new(),
            };
            names.push((f.name.clone(), f.ty.clone(), variants));
        }
    }
    let strategies: Vec<BoxedStrategy<(String, J)>> = names
        .into_iter()
        .filter_map(|(n, ty, variants)| {
            let s: BoxedStrategy<J> = match ty {
                Type::Bool => any::<bool>().prop_map(J::Bool).boxed(),
                Type::Enum(_) => proptest::sample::select(variants)
                    .prop_map(J::String)
                    .boxed(),
                Type::Money => prop_oneof![
                    proptest::sample::select(vec![
                        0u32, 10, 19, 20, 50, 99, 100, 101, 150, 299, 300, 301, 499, 500, 501, 999,
                        1000, 1001, 3000
                    ]),
                    0u32..5000
                ]
                .prop_map(|w| J::String(format!("{w}万元")))
                .boxed(),
                Type::Percent => (0u32..40).prop_map(|x| J::String(format!("{x}%"))).boxed(),
                Type::Date => any::<bool>().prop_map(J::Bool).boxed(),
                _ => return None,
            };
            Some(s.prop_map(move |v| (n.clone(), v)).boxed())
        })
        .collect();
    strategies.prop_map(|kv| kv.into_iter().collect())
}

#[test]
fn no_project_outside_the_printed_regions_is_decided_differently() {
    let as_of = diff::Options::default().as_of;
    let compared = std::cell::Cell::new(0usize);
    for (a, b, d) in pairs() {
        let app = d
            .applicability
            .as_ref()
            .expect("every bundled policy has a scope");
        let exact: Vec<&Entry> = d
            .concepts
            .iter()
            .filter(|e| {
                matches!(
                    e.status,
                    Status::Same | Status::Equivalent | Status::Changed
                )
            })
            .filter(|e| e.proof == Proof::Exact && !e.truncated)
            .collect();
        let mut runner = TestRunner::new(Config {
            cases: 150,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&project(&a, &b), |facts| {
                let scope = |p: &Program| concept_key(p, "in_scope", &facts, as_of);
                let (sa, sb) = (scope(&a), scope(&b));
                for e in &exact {
                    let (Some(ka), Some(kb)) = (
                        concept_key(&a, &e.name, &facts, as_of),
                        concept_key(&b, &e.name, &facts, as_of),
                    ) else {
                        continue;
                    };
                    if ka == kb || ka == "unknown" || kb == "unknown" {
                        continue;
                    }
                    compared.set(compared.get() + 1);
                    let out = (ka == "out_of_scope", kb == "out_of_scope");
                    let explained = if out.0 != out.1 {
                        // applicability: the scopes differ here, or one policy decides the
                        // concept regardless of scope and the other does not apply
                        (sa != sb && in_regions(app, &a, &b, &facts, as_of))
                            || (out.0 && e.gated.0 && !e.gated.1)
                            || (out.1 && e.gated.1 && !e.gated.0)
                    } else {
                        in_regions(e, &a, &b, &facts, as_of)
                    };
                    prop_assert!(
                        explained,
                        "{} vs {}: `{}` is {ka} / {kb} on {:?}, outside every printed region",
                        d.a.id,
                        d.b.id,
                        e.name,
                        facts
                    );
                }
                Ok(())
            })
            .expect("every difference lies in a printed region");
    }
    assert!(
        compared.get() > 200,
        "only {} differences compared",
        compared.get()
    );
}

#[test]
fn thresholds_and_deadlines_that_change_are_named() {
    let get = |a: &str, b: &str| diff::diff(&program(a), &program(b), &diff::Options::default());
    let changes = |d: &Diff, name: &str| -> Vec<String> {
        d.entry(name)
            .expect(name)
            .changes
            .iter()
            .map(|c| c.text())
            .collect()
    };
    let d = get("jingle", "tengzhou");
    assert!(
        changes(&d, "contract_filing").contains(&"deadline: 5个工作日 → 7个工作日".to_string()),
        "{:?}",
        changes(&d, "contract_filing")
    );
    assert_eq!(
        d.entry("contract_filing").expect("filing").status,
        Status::Changed
    );
    let d = get("tengzhou", "jiangxi");
    assert!(
        changes(&d, "self_evaluation").contains(&"deadline: 12–24个月 → 6–12个月".to_string()),
        "{:?}",
        changes(&d, "self_evaluation")
    );
    let d = get("jiangxi", "tengzhou");
    let t = d
        .entry("technical_review_required")
        .expect("technical review");
    assert_eq!(t.status, Status::Changed);
    assert_eq!(t.proof, Proof::Exact);
    // a county-level city's project of 500万元 in the 其他(应用)类: 江西 sends only projects above
    // its limit to provincial review, 滕州 reviews every 系统性 project
    let region = t
        .regions
        .iter()
        .find(|r| r.a.key == "b:false" && r.b.key == "b:true")
        .expect("a region where 江西 does not review and 滕州 does");
    assert!(region.both_apply);
    let text: Vec<String> = region
        .cubes
        .iter()
        .flatten()
        .map(|c| c.text.clone())
        .collect();
    assert!(
        text.iter()
            .any(|t| t.contains("total_investment < 1000万元")),
        "{text:?}"
    );
    // the same policy against itself: nothing differs
    let d = get("xinzhou", "xinzhou");
    assert!(d.changed().next().is_none());
    assert!(
        d.concepts.iter().all(|e| e.status == Status::Same),
        "{:?}",
        d.concepts
            .iter()
            .map(|e| (&e.name, e.status))
            .collect::<Vec<_>>()
    );
}

#[test]
fn applicability_is_part_of_the_answer() {
    let d = diff::diff(
        &program("jiangxi"),
        &program("tengzhou"),
        &diff::Options::default(),
    );
    let app = d.applicability.as_ref().expect("in_scope");
    assert_eq!(app.status, Status::Changed);
    // a provincial organ's project is 江西's and not 滕州's
    let witness = app
        .regions
        .iter()
        .find(|r| r.a.key == "b:true" && r.b.key == "b:false")
        .expect("a region in 江西's scope only");
    assert_eq!(
        concept_key(
            &program("tengzhou"),
            "supervision_required",
            &witness.witness.facts,
            d.as_of
        )
        .as_deref(),
        Some("out_of_scope")
    );
}

#[test]
fn the_readme_excerpt_is_what_diff_prints() {
    let readme = std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR")))
        .expect("readable");
    let block = readme
        .split("```text diff-excerpt\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the README's diff excerpt");
    let d = diff::diff(
        &program("jiangxi"),
        &program("tengzhou"),
        &diff::Options::default(),
    );
    let text = diff::report::to_text(&d);
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    for want in block.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            lines.contains(&want.trim_end()),
            "README line not in the output of tiao diff jiangxi tengzhou:\n{want}"
        );
    }
}

#[test]
fn the_commands_print_every_format() {
    let bin = env!("CARGO_BIN_EXE_tiao");
    let root = env!("CARGO_MANIFEST_DIR");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin)
            .current_dir(root)
            .args(args)
            .output()
            .expect("tiao runs");
        assert!(
            out.status.success(),
            "tiao {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let json: J = serde_json::from_str(&run(&[
        "diff",
        "policies/jingle.tiao",
        "policies/tengzhou.tiao",
        "--format",
        "json",
    ]))
    .expect("JSON");
    assert_eq!(json["schema"], "tiao.diff/1");
    let filing = json["obligations"]
        .as_array()
        .expect("obligations")
        .iter()
        .find(|o| o["name"] == "contract_filing")
        .expect("contract_filing");
    assert_eq!(
        filing["changes"][0]["text"],
        "deadline: 5个工作日 → 7个工作日"
    );
    assert_eq!(filing["proof"]["exact"], false);
    let md = run(&[
        "diff",
        "policies/jiangxi.tiao",
        "policies/tengzhou.tiao",
        "--format",
        "markdown",
    ]);
    assert!(
        md.contains("| `technical_review_required` | changed [exact] |"),
        "{md}"
    );
    let html = run(&[
        "diff",
        "policies/jiangxi.tiao",
        "policies/tengzhou.tiao",
        "--format",
        "html",
    ]);
    assert!(html.starts_with("<!doctype html>"));
    // an amended version compared with the one it amends, like two jurisdictions
    let text = run(&[
        "diff",
        "examples/county-under-jiangxi.tiao",
        "examples/county-v2.tiao",
    ]);
    assert!(
        text.contains("change: total_investment: ≥ 100万元 → ≥ 200万元"),
        "{text}"
    );
    assert!(
        text.contains("change: deadline: 5个工作日 → 7个工作日"),
        "{text}"
    );
    let m: J = serde_json::from_str(&run(&[
        "compare",
        "policies/yantai.tiao",
        "policies/jiangxi.tiao",
        "policies/tengzhou.tiao",
        "policies/jingle.tiao",
        "policies/xinzhou.tiao",
        "--format",
        "json",
    ]))
    .expect("JSON");
    assert_eq!(m["schema"], "tiao.compare/1");
    let row = m["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["name"] == "self_evaluation")
        .expect("the self-evaluation window on one row");
    let cells = row["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 5);
    assert!(
        cells.iter().all(|c| !c.is_null()),
        "every document has a self-evaluation window"
    );
    let text = run(&[
        "compare",
        "policies/jiangxi.tiao",
        "policies/tengzhou.tiao",
        "policies/xinzhou.tiao",
    ]);
    assert!(text.contains("①"), "{text}");
}
