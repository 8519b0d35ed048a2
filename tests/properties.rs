//! Property tests for the semantics, on well-typed generated inputs (not random bytes):
//!
//! - knowledge monotonicity: giving more facts never changes a known value (every bundled policy);
//! - never unknown waiting on nothing: an unknown value names the facts or the concepts it needs;
//! - Kleene laws, and the interpreter against a three-valued model of the connectives;
//! - the static conflict check against evaluation: every witness it prints conflicts, and on
//!   threshold pairs it calls conflict-free no boundary project conflicts;
//! - facts round trip through the verdict's JSON form; durations in their legal order.
//!
//! Generated projects use every fact of a policy: dates around holidays, 调休 days, month ends and
//! the policy's in-force dates; amounts at and one fen around every constant the policy mentions;
//! events given as a date, `true` or `false`; sets, enums; some facts left out.
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use proptest::prelude::*;
use serde_json::{Map, Value as J, json};
use std::collections::BTreeSet;
use std::path::Path;
use tiao::calendar::Calendar;
use tiao::eval::{self, Outcome};
use tiao::ir::{ExprKind, Program, Type};
use tiao::value::Value;

const POLICIES: [&str; 5] = ["xinzhou", "yantai", "tengzhou", "jingle", "jiangxi"];

fn program(id: &str) -> Program {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("policies/{id}.tiao"));
    let text = std::fs::read_to_string(&path).expect("readable");
    tiao::compile(&path.display().to_string(), &text)
        .program
        .unwrap_or_else(|| panic!("{id} checks"))
}

/// A small deterministic generator (SplitMix64), seeded by proptest.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The values a generated project draws from, per policy.
struct Pools {
    dates: Vec<chrono::NaiveDate>,
    money: Vec<rust_decimal::Decimal>,
    percents: Vec<rust_decimal::Decimal>,
}

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn pools(p: &Program) -> Pools {
    use rust_decimal::Decimal;
    let mut dates = BTreeSet::new();
    let cal = Calendar::official();
    for y in 2019..=2026 {
        for e in cal.entries(y) {
            for d in [e.from, e.to] {
                dates.insert(d);
                dates.extend(d.pred_opt());
                dates.extend(d.succ_opt());
            }
        }
        for m in 1..=12 {
            let first = day(y, m, 1);
            dates.insert(first);
            dates.extend(first.pred_opt());
        }
        dates.insert(day(y, 6, 30));
        dates.insert(day(y, 10, 31));
    }
    dates.insert(day(2027, 1, 4));
    dates.insert(day(2018, 12, 28));
    let mut money = BTreeSet::from([
        Decimal::ZERO,
        Decimal::from(1_000_000),
        Decimal::from(99_000_000),
    ]);
    let mut percents = BTreeSet::from([Decimal::ZERO, Decimal::new(5, 2), Decimal::new(30, 2)]);
    let mut consts = Vec::new();
    for c in &p.concepts {
        for r in &c.rules {
            consts.push(&r.value);
            consts.extend(r.when.iter());
        }
        consts.extend(c.reasons.iter().map(|r| &r.when));
    }
    for o in &p.obligations {
        for r in &o.rules {
            consts.extend(r.when.iter());
            consts.extend(r.deadline.exprs());
        }
    }
    for e in consts {
        e.visit(&mut |x| match &x.kind {
            ExprKind::Const(Value::Money(m)) => {
                let fen = Decimal::new(1, 2);
                money.extend([*m, *m - fen, *m + fen, *m - Decimal::ONE]);
            }
            ExprKind::Const(Value::Percent(q)) => {
                let step = Decimal::new(1, 4);
                percents.extend([*q, *q - step, *q + step]);
            }
            ExprKind::Const(Value::Date(d)) => {
                dates.insert(*d);
                dates.extend(d.pred_opt());
                dates.extend(d.succ_opt());
            }
            _ => {}
        });
    }
    let meta = &p.document.meta;
    let span = meta.in_force_span();
    for d in [span.start_lo, span.start_hi, span.end_lo, span.end_hi]
        .into_iter()
        .flatten()
    {
        dates.insert(d);
        dates.extend(d.pred_opt());
        dates.extend(d.succ_opt());
    }
    money.retain(|m| !m.is_sign_negative());
    percents.retain(|q| !q.is_sign_negative());
    Pools {
        dates: dates.into_iter().collect(),
        money: money.into_iter().collect(),
        percents: percents.into_iter().collect(),
    }
}

fn value_for(p: &Program, pools: &Pools, ty: &Type, g: &mut Gen, event: bool) -> J {
    match ty {
        Type::Bool => J::Bool(g.chance(50)),
        Type::Int => json!(2019 + g.below(9) as i64),
        Type::Decimal => J::String(format!("{}", g.below(10))),
        Type::Money => J::String(g.pick(&pools.money).normalize().to_string()),
        Type::Percent => J::String(format!(
            "{}%",
            (*g.pick(&pools.percents) * rust_decimal::Decimal::ONE_HUNDRED).normalize()
        )),
        Type::Date if event && g.chance(15) => J::Bool(g.chance(50)),
        Type::Date => J::String(g.pick(&pools.dates).to_string()),
        Type::Duration => J::String(g.pick(&["6个月", "3年", "5个工作日", "30日"]).to_string()),
        Type::Text => J::String("说明".into()),
        Type::Enum(e) => {
            let variants = &p.enums[e.0 as usize].variants;
            J::String(g.pick(variants).0.clone())
        }
        Type::Set(inner) => {
            let n = g.below(4);
            J::Array(
                (0..n)
                    .map(|_| value_for(p, pools, inner, g, false))
                    .collect(),
            )
        }
        Type::Record(r) => {
            let mut m = Map::new();
            for (name, t) in &p.records[r.0 as usize].fields {
                m.insert(name.clone(), value_for(p, pools, t, g, false));
            }
            J::Object(m)
        }
        Type::Reasons => J::Null,
    }
}

/// A complete project (every fact given), as JSON.
fn project(p: &Program, pools: &Pools, g: &mut Gen) -> Map<String, J> {
    let mut m = Map::new();
    for f in &p.facts {
        if f.name == "jurisdiction_level" && g.chance(40) {
            // left to the presumption, in every subset too
            continue;
        }
        m.insert(f.name.clone(), value_for(p, pools, &f.ty, g, true));
    }
    m
}

fn evaluate(p: &Program, facts: &Map<String, J>, as_of: chrono::NaiveDate) -> eval::Evaluation {
    let text = J::Object(facts.clone()).to_string();
    let facts =
        eval::parse_facts(p, &text).unwrap_or_else(|e| panic!("generated facts parse: {e:?}"));
    eval::evaluate(p, &facts, as_of, Calendar::official())
}

/// What is decided about a concept: a value, not applicable, out of scope, or a conflict.
fn decided(o: &Outcome) -> Option<String> {
    match o {
        Outcome::Value(v) => Some(format!("{v:?}")),
        Outcome::NotApplicable => Some("not applicable".into()),
        Outcome::OutOfScope => Some("out of scope".into()),
        Outcome::Conflict(..) => Some("conflict".into()),
        Outcome::Unknown(_) | Outcome::Error(_) => None,
    }
}

fn check_monotone(id: &str, p: &Program, pools: &Pools, seed: u64) -> Result<usize, TestCaseError> {
    let mut g = Gen(seed);
    let full = project(p, pools, &mut g);
    let as_of = *g.pick(&pools.dates);
    // leave out a few facts or many: with few missing, most values stay decided and are compared
    let rate = *g.pick(&[2u64, 5, 10, 30]);
    let mut partial = full.clone();
    for k in full.keys() {
        if k != "jurisdiction_level" && g.chance(rate) {
            partial.remove(k);
        }
    }
    let small = evaluate(p, &partial, as_of);
    let big = evaluate(p, &full, as_of);
    let mut known = 0;
    for (i, (s, b)) in small.concepts.iter().zip(&big.concepts).enumerate() {
        let name = &p.concepts[i].name;
        if let Outcome::Unknown(w) = &s.outcome {
            prop_assert!(
                !w.facts.is_empty() || !w.blocked.is_empty() || w.in_force_unknown,
                "{id} {name}: unknown waiting on nothing (seed {seed}, as_of {as_of}, facts {})",
                J::Object(partial.clone())
            );
        }
        if let Some(v) = decided(&s.outcome) {
            known += 1;
            prop_assert_eq!(
                Some(v.clone()),
                decided(&b.outcome),
                "{} {}: known with fewer facts, changed with more (seed {}, as_of {}, partial {})",
                id,
                name,
                seed,
                as_of,
                J::Object(partial.clone())
            );
        }
        if s.holds.is_some() {
            prop_assert_eq!(
                s.holds,
                b.holds,
                "{} {}: holds changed (seed {})",
                id,
                name,
                seed
            );
        }
    }
    // a duty's tests, once decided, stay decided
    for (oi, _) in p.obligations.iter().enumerate() {
        let o = tiao::ir::ObligationId(oi as u32);
        for t in tiao::ir::DutyTest::ALL.iter().map(|(_, t)| *t) {
            let (ts, tb) = (small.duty_test(o, t), big.duty_test(o, t));
            if let Some(v) = ts {
                known += 1;
                prop_assert_eq!(
                    Some(v),
                    tb,
                    "{} {} is {}: decided with fewer facts, changed with more (seed {}, as_of {})",
                    id,
                    p.obligations[oi].name,
                    t.word(),
                    seed,
                    as_of
                );
            }
        }
    }
    Ok(known)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn more_facts_never_change_a_known_value(seed in any::<u64>()) {
        let mut compared = 0;
        for id in POLICIES {
            let p = program(id);
            let pools = pools(&p);
            compared += check_monotone(id, &p, &pools, seed)?;
        }
        prop_assert!(compared > 0, "nothing was decided to compare (seed {})", seed);
    }
}

/// The generator reaches the rules: across many projects most concepts of every policy are
/// decided at least once (a test of the test).
#[test]
fn generated_projects_decide_the_policies() {
    for id in POLICIES {
        let p = program(id);
        let pools = pools(&p);
        let mut decided_once = vec![false; p.concepts.len()];
        for seed in 0..300u64 {
            let mut g = Gen(seed);
            let full = project(&p, &pools, &mut g);
            let as_of = *g.pick(&pools.dates);
            let ev = evaluate(&p, &full, as_of);
            for (i, r) in ev.concepts.iter().enumerate() {
                decided_once[i] |= matches!(r.outcome, Outcome::Value(_));
            }
        }
        let decided_concepts = p
            .concepts
            .iter()
            .zip(&decided_once)
            .filter(|(c, d)| c.is_decided() && **d)
            .count();
        let total = p.concepts.iter().filter(|c| c.is_decided()).count();
        assert!(
            decided_concepts * 10 >= total * 8,
            "{id}: only {decided_concepts} of {total} concepts ever got a value"
        );
    }
}

// ---------------------------------------------------------------- Kleene laws

#[derive(Debug, Clone)]
enum B {
    Atom(usize),
    Lit(bool),
    Not(Box<B>),
    And(Box<B>, Box<B>),
    Or(Box<B>, Box<B>),
}

fn expr_strategy() -> impl Strategy<Value = B> {
    let leaf = prop_oneof![
        (0..3usize).prop_map(B::Atom),
        any::<bool>().prop_map(B::Lit)
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| B::Not(Box::new(x))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| B::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| B::Or(Box::new(a), Box::new(b))),
        ]
    })
}

const ATOMS: [&str; 3] = ["classified", "technically_complex", "on_gov_cloud"];

fn source(e: &B) -> String {
    match e {
        B::Atom(i) => ATOMS[*i].into(),
        B::Lit(b) => b.to_string(),
        B::Not(x) => format!("not ({})", source(x)),
        B::And(a, b) => format!("({}) and ({})", source(a), source(b)),
        B::Or(a, b) => format!("({}) or ({})", source(a), source(b)),
    }
}

/// The three-valued model: None is unknown.
fn model(e: &B, env: &[Option<bool>; 3]) -> Option<bool> {
    match e {
        B::Atom(i) => env[*i],
        B::Lit(b) => Some(*b),
        B::Not(x) => model(x, env).map(|v| !v),
        B::And(a, b) => match (model(a, env), model(b, env)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        B::Or(a, b) => match (model(a, env), model(b, env)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
    }
}

fn commute(e: &B) -> B {
    match e {
        B::Not(x) => B::Not(Box::new(commute(x))),
        B::And(a, b) => B::And(Box::new(commute(b)), Box::new(commute(a))),
        B::Or(a, b) => B::Or(Box::new(commute(b)), Box::new(commute(a))),
        other => other.clone(),
    }
}

/// Negation pushed to the atoms (De Morgan, double negation).
fn de_morgan(e: &B, negate: bool) -> B {
    match (e, negate) {
        (B::Not(x), n) => de_morgan(x, !n),
        (B::And(a, b), false) => {
            B::And(Box::new(de_morgan(a, false)), Box::new(de_morgan(b, false)))
        }
        (B::Or(a, b), false) => B::Or(Box::new(de_morgan(a, false)), Box::new(de_morgan(b, false))),
        (B::And(a, b), true) => B::Or(Box::new(de_morgan(a, true)), Box::new(de_morgan(b, true))),
        (B::Or(a, b), true) => B::And(Box::new(de_morgan(a, true)), Box::new(de_morgan(b, true))),
        (leaf, true) => B::Not(Box::new(leaf.clone())),
        (leaf, false) => leaf.clone(),
    }
}

fn eval_forms(forms: &[B], env: &[Option<bool>; 3]) -> Vec<(J, J)> {
    let mut text = String::from("policy k {\n title \"三值逻辑\"\n in_force from 2022-01-01\n}\n");
    for (i, _) in forms.iter().enumerate() {
        text.push_str(&format!("concept form{i}: bool \"式{i}\"\n"));
    }
    text.push_str("article 1 {\n para \"测试。\" {\n");
    for (i, f) in forms.iter().enumerate() {
        text.push_str(&format!("    define form{i} = {}\n", source(f)));
    }
    text.push_str("  }\n}\n");
    let compiled = tiao::compile("k.tiao", &text);
    let rendered = compiled.render_diagnostics();
    let p = compiled.program.unwrap_or_else(|| panic!("{rendered}"));
    let mut facts = Map::new();
    for (i, v) in env.iter().enumerate() {
        if let Some(b) = v {
            facts.insert(ATOMS[i].into(), J::Bool(*b));
        }
    }
    let facts = eval::parse_facts(&p, &J::Object(facts).to_string()).expect("facts");
    let ev = eval::evaluate(&p, &facts, day(2024, 1, 1), Calendar::official());
    let v = eval::verdict::to_json(&p, &facts, &ev);
    (0..forms.len())
        .map(|i| {
            let c = &v["concepts"][format!("form{i}")];
            (
                c["value"].clone(),
                c.get("waiting_on").cloned().unwrap_or(J::Null),
            )
        })
        .collect()
}

fn env_strategy() -> impl Strategy<Value = [Option<bool>; 3]> {
    [
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// The interpreter agrees with the three-valued model, and commuted and De Morgan forms give
    /// the same value and wait on the same facts.
    #[test]
    fn kleene_laws_hold(e in expr_strategy(), env in env_strategy()) {
        let forms = [e.clone(), commute(&e), de_morgan(&e, false), B::Not(Box::new(B::Not(Box::new(e.clone()))))];
        let got = eval_forms(&forms, &env);
        let want = model(&e, &env).map(J::Bool).unwrap_or(J::Null);
        for (i, (v, w)) in got.iter().enumerate() {
            prop_assert_eq!(v, &want, "form {} of {}", i, source(&e));
            prop_assert_eq!(w, &got[0].1, "waits of form {} of {}", i, source(&e));
        }
    }

    /// Absorption and distribution hold in Kleene's logic (values; waits may differ).
    #[test]
    fn absorption_and_distribution(a in expr_strategy(), b in expr_strategy(), c in expr_strategy(), env in env_strategy()) {
        let and = |x: &B, y: &B| B::And(Box::new(x.clone()), Box::new(y.clone()));
        let or = |x: &B, y: &B| B::Or(Box::new(x.clone()), Box::new(y.clone()));
        let forms = [
            a.clone(),
            or(&a, &and(&a, &b)),
            and(&a, &or(&a, &b)),
            and(&a, &or(&b, &c)),
            or(&and(&a, &b), &and(&a, &c)),
        ];
        let got = eval_forms(&forms, &env);
        prop_assert_eq!(&got[0].0, &got[1].0, "a or (a and b) = a");
        prop_assert_eq!(&got[0].0, &got[2].0, "a and (a or b) = a");
        prop_assert_eq!(&got[3].0, &got[4].0, "a and (b or c) = (a and b) or (a and c)");
    }
}

// ---------------------------------------------------------------- static conflicts

fn threshold_policy(op_a: &str, x: u32, op_b: &str, y: u32, flag: Option<bool>) -> String {
    let extra = match flag {
        Some(true) => " and classified",
        Some(false) => " and not classified",
        None => "",
    };
    format!(
        "policy c {{\n title \"冲突\"\n in_force from 2022-01-01\n}}\narticle 23 {{\n  para \"测试。\" {{\n    define supervision_required = true when total_investment {op_a} {x}万元\n    define supervision_required = false when total_investment {op_b} {y}万元{extra}\n  }}\n}}\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// Every witness of the static check conflicts when evaluated; when the check finds no
    /// conflict, no project at the boundaries conflicts either.
    #[test]
    fn static_conflicts_agree_with_evaluation(
        op_a in prop::sample::select(vec![">=", ">", "<=", "<", "=="]),
        op_b in prop::sample::select(vec![">=", ">", "<=", "<", "=="]),
        x in 1u32..20, y in 1u32..20, flag in prop::option::of(any::<bool>()),
    ) {
        let text = threshold_policy(op_a, x * 50, op_b, y * 50, flag);
        let compiled = tiao::compile_for_analysis("c.tiao", &text);
        let p = compiled.program.expect("checks without the conflict pass");
        let conflicts = tiao::check::static_conflicts(&p);
        let c = p.concept_id("supervision_required").expect("declared");
        for sc in &conflicts {
            let mut facts = Map::new();
            for (f, v) in &sc.witness {
                facts.insert(p.fact(*f).name.clone(), eval::verdict::value_json(&p, v));
            }
            let ev = evaluate(&p, &facts, day(2024, 1, 1));
            prop_assert!(
                matches!(ev.concepts[c.0 as usize].outcome, Outcome::Conflict(..)),
                "witness {:?} does not conflict for {}", J::Object(facts.clone()), text
            );
        }
        if conflicts.is_empty() {
            let mut amounts = BTreeSet::new();
            for v in [x * 50, y * 50] {
                for d in [-1i64, 0, 1] {
                    amounts.insert(i64::from(v) * 10_000 + d);
                }
            }
            for amount in amounts {
                for classified in [true, false] {
                    let facts: Map<String, J> = [
                        ("total_investment".to_string(), json!(amount)),
                        ("classified".to_string(), J::Bool(classified)),
                    ].into_iter().collect();
                    let ev = evaluate(&p, &facts, day(2024, 1, 1));
                    prop_assert!(
                        !matches!(ev.concepts[c.0 as usize].outcome, Outcome::Conflict(..)),
                        "{} yuan conflicts though the static check found nothing: {}", amount, text
                    );
                }
            }
        }
    }
}

#[test]
fn a_concept_that_reads_a_conflict_is_blocked_by_it() {
    // 烟台第二十三条 read literally (500萬元及以上 / 500萬元以下 both include 500萬元) conflicts at
    // 500萬元; a concept reading it says it is blocked by that conflict, not "unknown, needs nothing".
    let text = "policy c {\n title \"冲突\"\n in_force from 2022-01-01\n}\nconcept depends: bool \"依赖\"\narticle 23 {\n  para \"500萬元及以上……500萬元以下……\" {\n    define supervision_required = true when total_investment >= 500万元\n    define supervision_required = false when total_investment <= 500万元\n    define depends = supervision_required\n  }\n}\n";
    let compiled = tiao::compile_for_analysis("c.tiao", text);
    let p = compiled.program.expect("checks without the conflict pass");
    let facts = eval::parse_facts(&p, r#"{"total_investment": "500万元"}"#).expect("facts");
    let ev = eval::evaluate(&p, &facts, day(2024, 1, 1), Calendar::official());
    let v = eval::verdict::to_json(&p, &facts, &ev);
    assert!(v["concepts"]["supervision_required"]["conflict"].is_array());
    assert_eq!(
        v["concepts"]["depends"]["blocked_by"],
        json!([{ "concept": "supervision_required", "why": "conflict" }])
    );
}

// ---------------------------------------------------------------- values

#[test]
fn durations_compare_in_their_legal_order() {
    let text = "policy d {\n title \"期间\"\n in_force from 2022-01-01\n}\nconcept longest: duration \"较长者\"\nconcept same: bool \"相等\"\nconcept mixed: duration \"不可比\"\narticle 1 {\n  para \"测试。\" {\n    define longest = max(3年, 6个月)\n    define same = 12个月 == 1年\n    define mixed = max(30日, 1个月)\n  }\n}\n";
    let compiled = tiao::compile("d.tiao", text);
    let p = compiled.program.expect("checks");
    let facts = eval::parse_facts(&p, "{}").expect("facts");
    let ev = eval::evaluate(&p, &facts, day(2024, 1, 1), Calendar::official());
    let v = eval::verdict::to_json(&p, &facts, &ev);
    assert_eq!(
        v["concepts"]["longest"]["value"], "3年",
        "three years outlast six months"
    );
    assert_eq!(
        v["concepts"]["same"]["value"], true,
        "12个月 and 1年 end on the same day (第202条)"
    );
    assert!(
        v["concepts"]["mixed"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("cannot be compared")),
        "30日 and 1个月 have no order: {}",
        v["concepts"]["mixed"]
    );
}

proptest! {
    /// A fact written back as the verdict writes it reads as the same fact.
    #[test]
    fn facts_round_trip_through_the_verdict(seed in any::<u64>()) {
        for id in ["jiangxi", "yantai"] {
            let p = program(id);
            let pools = pools(&p);
            let mut g = Gen(seed);
            let full = project(&p, &pools, &mut g);
            let text = J::Object(full).to_string();
            let facts = eval::parse_facts(&p, &text).expect("parses");
            let mut again = Map::new();
            for (i, f) in p.facts.iter().enumerate() {
                let id = tiao::ir::FactId(i as u32);
                let v = match facts.slot(id) {
                    eval::Slot::Known(v) => eval::verdict::value_json(&p, v),
                    eval::Slot::Happened => J::Bool(true),
                    eval::Slot::NotHappened => J::Bool(false),
                    eval::Slot::Unknown => continue,
                };
                again.insert(f.name.clone(), v);
            }
            let back = eval::parse_facts(&p, &J::Object(again).to_string()).expect("parses again");
            prop_assert_eq!(facts, back);
        }
    }
}
