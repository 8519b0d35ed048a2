//! Static conflict detection for default logic.
//!
//! Two rules of the same level (two base definitions, or two exceptions) that give different
//! constant values conflict if some project satisfies both conditions. When both conditions are
//! conjunctions of simple comparisons of facts with constants (the usual shape of a threshold
//! article), satisfiability is decided exactly and a witness project is shown. Anything more
//! complex is left to evaluation, which reports a conflict when it happens.

use super::CheckError;
use crate::ir::{ConceptRule, Expr, ExprKind, FactId, Program};
use crate::syntax::ast::BinOp;
use crate::value::Value;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
struct Bounds {
    lower: Option<(Decimal, bool)>, // (value, inclusive)
    upper: Option<(Decimal, bool)>,
    equals: Option<Value>,
    not_equals: Vec<Value>,
    boolean: Option<bool>,
    kind: u8, // 0 unset, 1 number-like, 2 bool, 3 enum/other equality
    conflict: bool,
    unit: Option<fn(Decimal) -> Value>,
}

/// Rebuilds a value of the same unit from a number.
type Unit = fn(Decimal) -> Value;

fn numeric(v: &Value) -> Option<(Decimal, Unit)> {
    match v {
        Value::Money(d) => Some((*d, Value::Money)),
        Value::Percent(d) => Some((*d, Value::Percent)),
        Value::Decimal(d) => Some((*d, Value::Decimal)),
        Value::Int(i) => Some((Decimal::from(*i), |d: Decimal| {
            Value::Int(i64::try_from(d).unwrap_or(0))
        })),
        _ => None,
    }
}

/// Constraint on facts: a conjunction of atoms, or None if the condition is not of that shape.
fn conjunction(e: &Expr, out: &mut BTreeMap<FactId, Bounds>) -> bool {
    match &e.kind {
        ExprKind::Binary(BinOp::And, a, b) => conjunction(a, out) && conjunction(b, out),
        ExprKind::Const(Value::Bool(true)) => true,
        ExprKind::Fact(f) => {
            let b = out.entry(*f).or_default();
            if b.boolean == Some(false) {
                b.conflict = true;
            }
            b.boolean = Some(true);
            true
        }
        ExprKind::Not(x) => match &x.kind {
            ExprKind::Fact(f) => {
                let b = out.entry(*f).or_default();
                if b.boolean == Some(true) {
                    b.conflict = true;
                }
                b.boolean = Some(false);
                true
            }
            _ => false,
        },
        ExprKind::Binary(op, a, b) => {
            let (fact, konst, op) = match (&a.kind, &b.kind) {
                (ExprKind::Fact(f), ExprKind::Const(c)) => (*f, c, *op),
                (ExprKind::Const(c), ExprKind::Fact(f)) => (*f, c, flip(*op)),
                _ => return false,
            };
            let bounds = out.entry(fact).or_default();
            if let Some((v, unit)) = numeric(konst) {
                bounds.unit = Some(unit);
                match op {
                    BinOp::Ge => tighten_lower(bounds, v, true),
                    BinOp::Gt => tighten_lower(bounds, v, false),
                    BinOp::Le => tighten_upper(bounds, v, true),
                    BinOp::Lt => tighten_upper(bounds, v, false),
                    BinOp::Eq => {
                        tighten_lower(bounds, v, true);
                        tighten_upper(bounds, v, true);
                    }
                    _ => return false,
                }
                true
            } else {
                match op {
                    BinOp::Eq => {
                        if bounds.equals.as_ref().is_some_and(|e| e != konst)
                            || bounds.not_equals.contains(konst)
                        {
                            bounds.conflict = true;
                        }
                        bounds.equals = Some(konst.clone());
                        true
                    }
                    BinOp::Ne => {
                        if bounds.equals.as_ref() == Some(konst) {
                            bounds.conflict = true;
                        }
                        bounds.not_equals.push(konst.clone());
                        true
                    }
                    _ => false,
                }
            }
        }
        _ => false,
    }
}

fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

fn tighten_lower(b: &mut Bounds, v: Decimal, inclusive: bool) {
    b.kind = 1;
    match b.lower {
        Some((cur, cur_inc)) if cur > v || (cur == v && !cur_inc) => {}
        _ => b.lower = Some((v, inclusive)),
    }
}

fn tighten_upper(b: &mut Bounds, v: Decimal, inclusive: bool) {
    b.kind = 1;
    match b.upper {
        Some((cur, cur_inc)) if cur < v || (cur == v && !cur_inc) => {}
        _ => b.upper = Some((v, inclusive)),
    }
}

/// A value satisfying the bounds, if any.
fn witness(b: &Bounds) -> Option<Option<Value>> {
    if b.conflict {
        return None;
    }
    if let Some(bv) = b.boolean {
        return Some(Some(Value::Bool(bv)));
    }
    if let Some(e) = &b.equals {
        return Some(Some(e.clone()));
    }
    if b.kind == 1 {
        let unit = b.unit.unwrap_or(Value::Decimal);
        let candidate = match (b.lower, b.upper) {
            (Some((l, true)), _) => l,
            (Some((l, false)), Some((u, _))) => (l + u) / Decimal::TWO,
            (Some((l, false)), None) => l + Decimal::ONE,
            (None, Some((u, true))) => u,
            (None, Some((u, false))) => u - Decimal::ONE,
            (None, None) => Decimal::ZERO,
        };
        let ok_low = b
            .lower
            .is_none_or(|(l, inc)| if inc { candidate >= l } else { candidate > l });
        let ok_up = b
            .upper
            .is_none_or(|(u, inc)| if inc { candidate <= u } else { candidate < u });
        return if ok_low && ok_up {
            Some(Some(unit(candidate)))
        } else {
            None
        };
    }
    Some(None)
}

fn rule_condition(r: &ConceptRule, out: &mut BTreeMap<FactId, Bounds>) -> bool {
    match &r.when {
        None => true,
        Some(w) => conjunction(w, out),
    }
}

pub(super) fn static_conflicts(p: &Program) -> Vec<CheckError> {
    let mut errors = Vec::new();
    for c in &p.concepts {
        for (i, a) in c.rules.iter().enumerate() {
            for b in &c.rules[i + 1..] {
                if a.exception != b.exception {
                    continue;
                }
                let (ExprKind::Const(va), ExprKind::Const(vb)) = (&a.value.kind, &b.value.kind)
                else {
                    continue;
                };
                if va == vb {
                    continue;
                }
                let mut bounds = BTreeMap::new();
                if !rule_condition(a, &mut bounds) || !rule_condition(b, &mut bounds) {
                    continue;
                }
                let mut parts = Vec::new();
                let mut satisfiable = true;
                for (fact, bd) in &bounds {
                    match witness(bd) {
                        None => {
                            satisfiable = false;
                            break;
                        }
                        Some(Some(v)) => {
                            parts.push(format!("{} = {}", p.fact(*fact).name, p.show(&v)))
                        }
                        Some(None) => {}
                    }
                }
                if satisfiable {
                    let witness = if parts.is_empty() {
                        "any facts".to_string()
                    } else {
                        parts.join(", ")
                    };
                    errors.push(CheckError::Conflict {
                        concept: c.name.clone(),
                        first: a.span,
                        first_article: a.cite.article,
                        second: b.span,
                        second_article: b.cite.article,
                        witness,
                    });
                }
            }
        }
    }
    errors
}
