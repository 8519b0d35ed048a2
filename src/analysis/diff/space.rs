//! The fact space two policies are compared on: every fact either program reads, aligned by name,
//! with the cells each fact's values fall into.
//!
//! A fact is *exact* when every value it can take falls into finitely many cells on which every
//! rule of both programs gives the same answer: a bool (true, false), an enum (each variant), an
//! amount that is only ever compared with constants (the cells between and at the constants), a
//! date that is only ever asked whether it happened (`happened(d)`: happened, not happened).
//! Anything else — a date compared with another date or counted from, an amount computed with, a
//! year, a set of dates — is *sampled*: the values tried are listed in [`candidates`], and what is
//! found on them is searched, not proven.

use crate::calendar::{Calendar, Period, PeriodUnit, add_period_unrolled, period_end};
use crate::eval::{Facts, Slot};
use crate::ir::{Builtin, ConceptId, Expr, ExprKind, FactId, NumKind, ObligationId, Program, Type};
use crate::value::Value;
use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The kind of values a joint fact takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactKind {
    Bool,
    /// Variant names, in declaration order.
    Enum(Vec<String>),
    Num(NumKind),
    Date,
    DateSet,
    /// A type the diff does not vary (text, records, durations): left unknown.
    Other,
}

/// One fact of either program, aligned by name.
#[derive(Debug, Clone)]
pub struct JointFact {
    pub name: String,
    pub kind: FactKind,
    pub a: Option<FactId>,
    pub b: Option<FactId>,
    /// For amounts: every constant some rule compares the fact with, sorted.
    pub constants: Vec<Decimal>,
    /// Whether the cells of this fact decide every rule that reads it (see the module docs).
    pub exact: bool,
}

/// The set of values of one fact in a region: a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Bool(bool),
    /// The variant's index in [`FactKind::Enum`].
    Enum(Vec<usize>),
    /// An interval of amounts: lower and upper bound, each `(value, inclusive)`; `rep` is the
    /// value evaluated.
    Num {
        lo: Option<(Decimal, bool)>,
        hi: Option<(Decimal, bool)>,
        rep: Decimal,
    },
    /// A date fact asked only whether it happened.
    Happened(bool),
    /// A sampled value (a date, `false` for not happened, a year, a set of dates).
    Sample(SampleValue),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SampleValue {
    Date(NaiveDate),
    NotHappened,
    Int(i64),
    Dates(Vec<NaiveDate>),
    Amount(Decimal),
}

/// The joint fact space of two (or more) programs.
#[derive(Debug, Clone)]
pub struct Space {
    pub facts: Vec<JointFact>,
    pub by_name: BTreeMap<String, usize>,
    /// Every duration constant of either program (for sampling dates).
    pub periods: Vec<Period>,
}

fn kind_of(p: &Program, ty: &Type) -> FactKind {
    match ty {
        Type::Bool => FactKind::Bool,
        Type::Enum(e) => FactKind::Enum(
            p.enums
                .get(e.0 as usize)
                .map(|d| d.variants.iter().map(|(n, _)| n.clone()).collect())
                .unwrap_or_default(),
        ),
        Type::Int => FactKind::Num(NumKind::Int),
        Type::Decimal => FactKind::Num(NumKind::Decimal),
        Type::Money => FactKind::Num(NumKind::Money),
        Type::Percent => FactKind::Num(NumKind::Percent),
        Type::Date => FactKind::Date,
        Type::Set(t) if **t == Type::Date => FactKind::DateSet,
        _ => FactKind::Other,
    }
}

/// Every expression of a program: rules, reasons, defaults, duties.
pub fn program_exprs(p: &Program) -> Vec<&Expr> {
    let mut out = Vec::new();
    for c in &p.concepts {
        for r in &c.rules {
            out.push(&r.value);
            out.extend(r.when.iter());
        }
        out.extend(c.reasons.iter().map(|r| &r.when));
        out.extend(c.default.iter());
    }
    for o in &p.obligations {
        for r in &o.rules {
            out.extend(r.when.iter());
            out.extend(r.deadline.exprs());
        }
    }
    out
}

fn numeric_const(v: &Value) -> Option<Decimal> {
    match v {
        Value::Money(d) | Value::Percent(d) | Value::Decimal(d) => Some(*d),
        Value::Int(i) => Some(Decimal::from(*i)),
        _ => None,
    }
}

/// The fact an operand reads directly (through an int-to-decimal coercion too).
fn fact_of(e: &Expr) -> Option<FactId> {
    match &e.kind {
        ExprKind::Fact(f) => Some(*f),
        ExprKind::ToDecimal(x) => fact_of(x),
        _ => None,
    }
}

#[derive(Default)]
struct Usage {
    /// Constants compared with the fact.
    constants: Vec<Decimal>,
    /// Some use is not a comparison with a constant (an amount) or not `happened()` (a date).
    free: bool,
}

/// How each fact of a program is used.
fn usage(p: &Program, periods: &mut Vec<Period>) -> BTreeMap<FactId, Usage> {
    let acts: Vec<FactId> = p
        .obligations
        .iter()
        .flat_map(|o| o.rules.iter().map(|r| r.act))
        .collect();
    usage_of(&program_exprs(p), &acts, periods)
}

/// How each fact is used by some expressions, and the acts of the duties they read.
fn usage_of(
    exprs: &[&Expr],
    acts: &[FactId],
    periods: &mut Vec<Period>,
) -> BTreeMap<FactId, Usage> {
    let mut out: BTreeMap<FactId, Usage> = BTreeMap::new();
    fn walk(e: &Expr, out: &mut BTreeMap<FactId, Usage>, periods: &mut Vec<Period>, guarded: bool) {
        match &e.kind {
            ExprKind::Fact(f) => {
                let u = out.entry(*f).or_default();
                if !guarded {
                    u.free = true;
                }
            }
            ExprKind::Const(Value::Duration(per)) => {
                if !periods.contains(per) {
                    periods.push(*per);
                }
            }
            ExprKind::Cmp(_, _, a, b) => {
                let pair = match (fact_of(a), &b.kind, fact_of(b), &a.kind) {
                    (Some(f), ExprKind::Const(c), _, _) => Some((f, c)),
                    (_, _, Some(f), ExprKind::Const(c)) => Some((f, c)),
                    _ => None,
                };
                match pair.and_then(|(f, c)| numeric_const(c).map(|d| (f, d))) {
                    Some((f, d)) => {
                        let u = out.entry(f).or_default();
                        if !u.constants.contains(&d) {
                            u.constants.push(d);
                        }
                    }
                    None => {
                        walk(a, out, periods, false);
                        walk(b, out, periods, false);
                    }
                }
            }
            ExprKind::Call(Builtin::Happened, args) if args.len() == 1 => {
                walk(&args[0], out, periods, true)
            }
            _ => {
                for k in direct_children(e) {
                    walk(k, out, periods, false);
                }
            }
        }
    }
    for e in exprs {
        walk(e, &mut out, periods, false);
    }
    // an obligation's act is read by the duty, never through a comparison
    for a in acts {
        out.entry(*a).or_default().free = true;
    }
    out
}

/// What a search reads: a concept or a duty of one program.
#[derive(Debug, Clone, Copy)]
pub enum Root {
    Concept(ConceptId),
    Obligation(ObligationId),
}

/// The expressions a concept or duty depends on (through the concepts and duties it names), and
/// the acts of those duties.
pub fn cone<'p>(p: &'p Program, roots: &[Root]) -> (Vec<&'p Expr>, Vec<FactId>) {
    let mut exprs: Vec<&'p Expr> = Vec::new();
    let mut acts = Vec::new();
    let mut seen_c: Vec<ConceptId> = Vec::new();
    let mut seen_o: Vec<ObligationId> = Vec::new();
    let mut todo: Vec<Root> = roots.to_vec();
    while let Some(r) = todo.pop() {
        let start = exprs.len();
        match r {
            Root::Concept(c) => {
                if seen_c.contains(&c) {
                    continue;
                }
                seen_c.push(c);
                let d = p.concept(c);
                for rule in &d.rules {
                    exprs.push(&rule.value);
                    exprs.extend(rule.when.iter());
                }
                exprs.extend(d.reasons.iter().map(|x| &x.when));
                exprs.extend(d.default.iter());
            }
            Root::Obligation(o) => {
                if seen_o.contains(&o) {
                    continue;
                }
                seen_o.push(o);
                for rule in &p.obligation(o).rules {
                    exprs.extend(rule.when.iter());
                    exprs.extend(rule.deadline.exprs());
                    acts.push(rule.act);
                }
            }
        }
        for e in &exprs[start..] {
            e.visit(&mut |x| match x.kind {
                ExprKind::Concept(c) => todo.push(Root::Concept(c)),
                ExprKind::Duty(o, _) => todo.push(Root::Obligation(o)),
                _ => {}
            });
        }
    }
    (exprs, acts)
}

/// How the facts of one search are split: exact or sampled, at which constants, which periods.
#[derive(Debug, Clone)]
pub struct Profile {
    pub exact: Vec<bool>,
    pub constants: Vec<Vec<Decimal>>,
    pub periods: Vec<Period>,
}

/// The direct sub-expressions of an expression.
pub fn direct_children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Const(_)
        | ExprKind::Fact(_)
        | ExprKind::Concept(_)
        | ExprKind::AsOf
        | ExprKind::Duty(..) => vec![],
        ExprKind::Field(x, _) | ExprKind::Not(x) | ExprKind::Neg(_, x) | ExprKind::ToDecimal(x) => {
            vec![x]
        }
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Cmp(_, _, a, b)
        | ExprKind::Arith(_, a, b) => vec![a, b],
        ExprKind::InList { value, set, .. } => {
            std::iter::once(&**value).chain(set.iter()).collect()
        }
        ExprKind::InSet { value, set, .. } => vec![value, set],
        ExprKind::If(a, b, c) => vec![a, b, c],
        ExprKind::Call(_, args) | ExprKind::SetLit(args) => args.iter().collect(),
    }
}

impl Space {
    /// The joint space of the given programs.
    pub fn new(programs: &[&Program]) -> Space {
        let mut facts: Vec<JointFact> = Vec::new();
        let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
        let mut periods = Vec::new();
        for (side, p) in programs.iter().enumerate() {
            let used = usage(p, &mut periods);
            for (fid, u) in &used {
                let def = p.fact(*fid);
                let kind = kind_of(p, &def.ty);
                let i = *by_name.entry(def.name.clone()).or_insert_with(|| {
                    facts.push(JointFact {
                        name: def.name.clone(),
                        kind: kind.clone(),
                        a: None,
                        b: None,
                        constants: Vec::new(),
                        exact: true,
                    });
                    facts.len() - 1
                });
                let jf = &mut facts[i];
                match side {
                    0 => jf.a = Some(*fid),
                    _ => jf.b = jf.b.or(Some(*fid)),
                }
                for c in &u.constants {
                    if !jf.constants.contains(c) {
                        jf.constants.push(*c);
                    }
                }
                jf.exact &= match kind {
                    FactKind::Bool | FactKind::Enum(_) => true,
                    FactKind::Num(_) | FactKind::Date => !u.free,
                    FactKind::DateSet | FactKind::Other => false,
                };
            }
        }
        for f in &mut facts {
            f.constants.sort();
        }
        Space {
            facts,
            by_name,
            periods,
        }
    }

    /// The profile of a search over the cones of the given roots in each program.
    pub fn profile(&self, programs: [(&Program, &[Root]); 2]) -> Profile {
        let n = self.facts.len();
        let mut exact = vec![true; n];
        let mut constants: Vec<Vec<Decimal>> = vec![Vec::new(); n];
        let mut periods = Vec::new();
        for (p, roots) in programs {
            let (exprs, acts) = cone(p, roots);
            for (fid, u) in usage_of(&exprs, &acts, &mut periods) {
                let Some(j) = self.joint_of(p, fid) else {
                    continue;
                };
                for c in &u.constants {
                    if !constants[j].contains(c) {
                        constants[j].push(*c);
                    }
                }
                exact[j] &= match self.facts[j].kind {
                    FactKind::Bool | FactKind::Enum(_) => true,
                    FactKind::Num(_) | FactKind::Date => !u.free,
                    FactKind::DateSet | FactKind::Other => false,
                };
            }
        }
        for c in &mut constants {
            c.sort();
        }
        Profile {
            exact,
            constants,
            periods,
        }
    }

    /// The fact of `program` (side 0 = a, 1 = b) for a joint fact.
    pub fn id(&self, side: usize, j: usize) -> Option<FactId> {
        let f = &self.facts[j];
        if side == 0 { f.a } else { f.b }
    }

    /// The joint fact of a program's fact.
    pub fn joint_of(&self, p: &Program, f: FactId) -> Option<usize> {
        self.by_name.get(&p.fact(f).name).copied()
    }
}

/// The slot a cell puts into a program's facts.
pub fn slot(p: &Program, fid: FactId, kind: &FactKind, cell: &Cell) -> Slot {
    match cell {
        Cell::Bool(b) => Slot::Known(Value::Bool(*b)),
        Cell::Enum(vs) => {
            let FactKind::Enum(names) = kind else {
                return Slot::Unknown;
            };
            let Type::Enum(e) = &p.fact(fid).ty else {
                return Slot::Unknown;
            };
            let Some(name) = vs.first().and_then(|v| names.get(*v)) else {
                return Slot::Unknown;
            };
            match p
                .enums
                .get(e.0 as usize)
                .and_then(|d| d.variants.iter().position(|(n, _)| n == name))
            {
                Some(v) => Slot::Known(Value::Enum(e.0, v as u32)),
                None => Slot::Unknown,
            }
        }
        Cell::Num { rep, .. } => Slot::Known(num_value(kind, *rep)),
        Cell::Happened(true) => Slot::Happened,
        Cell::Happened(false) => Slot::NotHappened,
        Cell::Sample(s) => match s {
            SampleValue::Date(d) => Slot::Known(Value::Date(*d)),
            SampleValue::NotHappened => Slot::NotHappened,
            SampleValue::Int(i) => Slot::Known(Value::Int(*i)),
            SampleValue::Amount(d) => Slot::Known(num_value(kind, *d)),
            SampleValue::Dates(ds) => {
                Slot::Known(Value::Set(ds.iter().map(|d| Value::Date(*d)).collect()))
            }
        },
    }
}

fn num_value(kind: &FactKind, d: Decimal) -> Value {
    match kind {
        FactKind::Num(NumKind::Money) => Value::Money(d),
        FactKind::Num(NumKind::Percent) => Value::Percent(d),
        FactKind::Num(NumKind::Int) => Value::Int(i64::try_from(d.trunc()).unwrap_or(0)),
        _ => Value::Decimal(d),
    }
}

/// The cells of an amount compared with the given constants: below the first (from 0), each
/// constant, between two, above the last. Amounts are not negative.
pub fn numeric_cells(constants: &[Decimal]) -> Vec<Cell> {
    let mut out = Vec::new();
    let zero = Decimal::ZERO;
    let cs: Vec<Decimal> = constants.iter().copied().filter(|c| *c >= zero).collect();
    if cs.is_empty() {
        out.push(Cell::Num {
            lo: Some((zero, true)),
            hi: None,
            rep: Decimal::from(1_000_000),
        });
        return out;
    }
    if cs[0] > zero {
        out.push(Cell::Num {
            lo: Some((zero, true)),
            hi: Some((cs[0], false)),
            rep: (cs[0] / Decimal::TWO).round_dp(2),
        });
    }
    for (i, c) in cs.iter().enumerate() {
        out.push(Cell::Num {
            lo: Some((*c, true)),
            hi: Some((*c, true)),
            rep: *c,
        });
        let next = cs.get(i + 1);
        out.push(Cell::Num {
            lo: Some((*c, false)),
            hi: next.map(|n| (*n, false)),
            rep: match next {
                Some(n) => ((*c + *n) / Decimal::TWO).round_dp(4),
                None if *c == zero => Decimal::ONE_HUNDRED,
                None => *c * Decimal::TWO,
            },
        });
    }
    out
}

/// The values tried for a sampled fact, given the dates already chosen for other facts: the
/// day before, on and after the end of every period the rules count, from each chosen date and
/// back from the evaluation date; not happened. Years: the evaluation year and those around it.
pub fn candidates(
    kind: &FactKind,
    constants: &[Decimal],
    periods: &[Period],
    chosen: &[NaiveDate],
    as_of: NaiveDate,
    cal: &Calendar,
) -> Vec<Cell> {
    match kind {
        FactKind::Num(NumKind::Int) => {
            let y = i64::from(as_of.year());
            let mut v: Vec<i64> = vec![y - 1, y, y + 1];
            for c in constants {
                if let Ok(i) = i64::try_from(c.trunc()) {
                    v.push(i);
                }
            }
            v.sort();
            v.dedup();
            v.into_iter()
                .map(|i| Cell::Sample(SampleValue::Int(i)))
                .collect()
        }
        FactKind::Num(_) => {
            let mut out = numeric_cells(constants);
            for c in &mut out {
                if let Cell::Num { rep, .. } = c {
                    *c = Cell::Sample(SampleValue::Amount(*rep));
                }
            }
            out
        }
        FactKind::Date => {
            let mut days: Vec<NaiveDate> = Vec::new();
            let push3 = |d: NaiveDate, days: &mut Vec<NaiveDate>| {
                for x in [d.pred_opt(), Some(d), d.succ_opt()].into_iter().flatten() {
                    if !days.contains(&x) {
                        days.push(x);
                    }
                }
            };
            if chosen.is_empty() {
                // a first date: so that the periods counted from it end around the evaluation date
                for per in periods {
                    if let Some(d) = back_from(as_of, *per) {
                        push3(d, &mut days);
                    }
                }
                if days.is_empty() {
                    push3(as_of - Days::new(30), &mut days);
                }
            } else {
                for c in chosen {
                    // the same day and the day after (events follow each other)
                    for x in [Some(*c), c.succ_opt()].into_iter().flatten() {
                        if !days.contains(&x) {
                            days.push(x);
                        }
                    }
                    for per in periods {
                        if let Some(e) = add_period_unrolled(*c, *per) {
                            push3(e, &mut days);
                        }
                        if let Ok(e) = period_end(cal, *c, *per) {
                            push3(e, &mut days);
                        }
                    }
                }
            }
            days.retain(|d| *d <= as_of && cal.covers(*d));
            days.sort();
            let mut out: Vec<Cell> = days
                .into_iter()
                .map(|d| Cell::Sample(SampleValue::Date(d)))
                .collect();
            out.push(Cell::Sample(SampleValue::NotHappened));
            out
        }
        FactKind::DateSet => {
            let y = as_of.year();
            let mut out = vec![Cell::Sample(SampleValue::Dates(Vec::new()))];
            for d in [
                NaiveDate::from_ymd_opt(y - 1, 12, 20),
                NaiveDate::from_ymd_opt(y, 1, 10),
            ]
            .into_iter()
            .flatten()
            {
                if d <= as_of {
                    out.push(Cell::Sample(SampleValue::Dates(vec![d])));
                }
            }
            out
        }
        FactKind::Bool => vec![Cell::Bool(true), Cell::Bool(false)],
        FactKind::Enum(vs) => (0..vs.len()).map(|i| Cell::Enum(vec![i])).collect(),
        FactKind::Other => Vec::new(),
    }
}

/// A day such that the period counted from it ends around `as_of`.
fn back_from(as_of: NaiveDate, per: Period) -> Option<NaiveDate> {
    match per.unit {
        PeriodUnit::Days => as_of.checked_sub_days(Days::new(u64::from(per.amount))),
        // working days: about 7 calendar days for 5 working days, and a few for holidays
        PeriodUnit::WorkingDays => {
            as_of.checked_sub_days(Days::new(u64::from(per.amount) * 7 / 5 + 2))
        }
        PeriodUnit::Months => as_of.checked_sub_months(Months::new(per.amount)),
        PeriodUnit::Years => as_of.checked_sub_months(Months::new(per.amount.saturating_mul(12))),
    }
}

/// The cells an exact fact is split into.
pub fn exact_cells(f: &JointFact, constants: &[Decimal]) -> Vec<Cell> {
    match &f.kind {
        FactKind::Bool => vec![Cell::Bool(true), Cell::Bool(false)],
        FactKind::Enum(vs) => (0..vs.len()).map(|i| Cell::Enum(vec![i])).collect(),
        FactKind::Num(_) => numeric_cells(constants),
        FactKind::Date => vec![Cell::Happened(true), Cell::Happened(false)],
        _ => Vec::new(),
    }
}

/// Put a cell of a joint fact into a program's facts (nothing if the program does not read it).
pub fn assign(space: &Space, side: usize, p: &Program, facts: &mut Facts, j: usize, cell: &Cell) {
    if let Some(fid) = space.id(side, j) {
        facts.set(fid, slot(p, fid, &space.facts[j].kind, cell));
    }
}

/// Take a fact back out.
pub fn unassign(space: &Space, side: usize, facts: &mut Facts, j: usize) {
    if let Some(fid) = space.id(side, j) {
        facts.set(fid, Slot::Unknown);
    }
}
