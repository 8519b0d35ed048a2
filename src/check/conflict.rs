//! Static conflict detection for default logic.
//!
//! Two rules of the same level (two base definitions, or two exceptions) that give different
//! constant values conflict if some project satisfies both conditions. When both conditions are
//! conjunctions of simple comparisons of facts with constants (the usual shape of a threshold
//! article), satisfiability is decided exactly and a witness project is shown. Anything more
//! complex is left to evaluation, which reports a conflict when it happens.

use super::CheckError;
use crate::ir::{CmpOp, ConceptRule, Expr, ExprKind, FactId, Program};
use crate::value::Value;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What a conjunction says about one fact.
#[derive(Debug, Clone, Default)]
struct Bounds {
    /// (value, inclusive)
    lower: Option<(Decimal, bool)>,
    upper: Option<(Decimal, bool)>,
    equals: Option<Value>,
    not_equals: Vec<Value>,
    boolean: Option<bool>,
    /// The conjunction contradicts itself on this fact.
    conflict: bool,
    /// The unit of the numeric bounds (set whenever `lower` or `upper` is).
    unit: Option<Unit>,
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

/// Adds the constraints of a conjunction of atoms to `out`; false if the condition is not of
/// that shape (then nothing can be proved).
fn conjunction(e: &Expr, out: &mut BTreeMap<FactId, Bounds>) -> bool {
    match &e.kind {
        ExprKind::And(a, b) => conjunction(a, out) && conjunction(b, out),
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
        ExprKind::Cmp(op, _, a, b) => {
            let (fact, konst, op) = match (&a.kind, &b.kind) {
                (ExprKind::Fact(f), ExprKind::Const(c)) => (*f, c, *op),
                (ExprKind::Const(c), ExprKind::Fact(f)) => (*f, c, op.flip()),
                _ => return false,
            };
            let bounds = out.entry(fact).or_default();
            if let Some((v, unit)) = numeric(konst) {
                bounds.unit = Some(unit);
                match op {
                    CmpOp::Ge => tighten_lower(bounds, v, true),
                    CmpOp::Gt => tighten_lower(bounds, v, false),
                    CmpOp::Le => tighten_upper(bounds, v, true),
                    CmpOp::Lt => tighten_upper(bounds, v, false),
                    CmpOp::Eq => {
                        tighten_lower(bounds, v, true);
                        tighten_upper(bounds, v, true);
                    }
                    _ => return false,
                }
                true
            } else {
                match op {
                    CmpOp::Eq => {
                        if bounds.equals.as_ref().is_some_and(|e| e != konst)
                            || bounds.not_equals.contains(konst)
                        {
                            bounds.conflict = true;
                        }
                        bounds.equals = Some(konst.clone());
                        true
                    }
                    CmpOp::Ne => {
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

fn tighten_lower(b: &mut Bounds, v: Decimal, inclusive: bool) {
    match b.lower {
        Some((cur, cur_inc)) if cur > v || (cur == v && !cur_inc) => {}
        _ => b.lower = Some((v, inclusive)),
    }
}

fn tighten_upper(b: &mut Bounds, v: Decimal, inclusive: bool) {
    match b.upper {
        Some((cur, cur_inc)) if cur < v || (cur == v && !cur_inc) => {}
        _ => b.upper = Some((v, inclusive)),
    }
}

/// A value satisfying the bounds: None if there is none, Some(None) if any value will do.
fn witness_value(b: &Bounds) -> Option<Option<Value>> {
    if b.conflict {
        return None;
    }
    if let Some(bv) = b.boolean {
        return Some(Some(Value::Bool(bv)));
    }
    if let Some(e) = &b.equals {
        return Some(Some(e.clone()));
    }
    if let Some(unit) = b.unit {
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

/// A pair of same-level rules that give different values and can apply to one project, with
/// such a project.
#[derive(Debug, Clone)]
pub struct StaticConflict {
    pub concept: usize,
    /// Indices into the concept's rules.
    pub rules: (usize, usize),
    /// The facts of a project on which both rules apply (facts the conditions do not constrain
    /// are left out).
    pub witness: Vec<(FactId, Value)>,
}

/// How many pairs of rules the static check compares in one program, at most. Comparing is
/// quadratic in a concept's rules: a concept whose pairs do not fit in what is left is not
/// compared (its conflicts are still found when evaluation meets them), and the drafter is told.
pub const MAX_CONFLICT_PAIRS: usize = 500_000;

/// Which concepts the static check compares: in order, each whose pairs of rules fit in the
/// budget left.
fn compared(p: &Program) -> Vec<bool> {
    let mut left = MAX_CONFLICT_PAIRS;
    p.concepts
        .iter()
        .map(|c| {
            let k = c.rules.len();
            let pairs = k.saturating_mul(k.saturating_sub(1)) / 2;
            if pairs <= left {
                left -= pairs;
                true
            } else {
                false
            }
        })
        .collect()
}

/// The concepts (indices) whose rules are too many to compare within [`MAX_CONFLICT_PAIRS`].
pub fn not_compared(p: &Program) -> Vec<usize> {
    compared(p)
        .into_iter()
        .enumerate()
        .filter(|(_, c)| !c)
        .map(|(i, _)| i)
        .collect()
}

/// Every statically provable conflict of the program (among the concepts compared, see
/// [`MAX_CONFLICT_PAIRS`]).
pub fn static_conflicts(p: &Program) -> Vec<StaticConflict> {
    let mut out = Vec::new();
    let compared = compared(p);
    for (ci, c) in p.concepts.iter().enumerate() {
        if !compared.get(ci).copied().unwrap_or(false) {
            continue;
        }
        for (i, a) in c.rules.iter().enumerate() {
            for (j, b) in c.rules.iter().enumerate().skip(i + 1) {
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
                let mut witness = Vec::new();
                let mut satisfiable = true;
                for (fact, bd) in &bounds {
                    match witness_value(bd) {
                        None => {
                            satisfiable = false;
                            break;
                        }
                        Some(Some(v)) => witness.push((*fact, v)),
                        Some(None) => {}
                    }
                }
                if satisfiable {
                    out.push(StaticConflict {
                        concept: ci,
                        rules: (i, j),
                        witness,
                    });
                }
            }
        }
    }
    out
}

pub(super) fn conflict_errors(p: &Program) -> Vec<CheckError> {
    static_conflicts(p)
        .into_iter()
        .map(|sc| {
            let c = &p.concepts[sc.concept];
            let (a, b) = (&c.rules[sc.rules.0], &c.rules[sc.rules.1]);
            if a.id.doc != b.id.doc {
                return super::lineage::conflict(p, c, a, b, &sc.witness);
            }
            let witness = if sc.witness.is_empty() {
                "any facts".to_string()
            } else {
                sc.witness
                    .iter()
                    .map(|(f, v)| format!("{} = {}", p.fact(*f).name, p.show(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            CheckError::Conflict {
                concept: c.name.clone(),
                first: a.span,
                first_article: a.cite.article,
                second: b.span,
                second_article: b.cite.article,
                witness,
            }
        })
        .collect()
}

/// A warning for each concept the static check did not compare (too many rules).
pub fn not_compared_warnings(p: &Program) -> Vec<crate::diagnostic::Diagnostic> {
    not_compared(p)
        .into_iter()
        .map(|ci| {
            let c = &p.concepts[ci];
            let span = c.rules.first().map_or(c.span, |r| r.span);
            crate::diagnostic::Diagnostic::warning(
                "W0201",
                format!(
                    "`{}` has {} rules: too many to compare every pair for conflicts",
                    c.name,
                    c.rules.len()
                ),
            )
            .with_label(span, "its first rule")
            .with_help(format!(
                "the check compares at most {MAX_CONFLICT_PAIRS} pairs of rules in a policy; a conflict among these rules is still reported when an evaluation meets it"
            ))
        })
        .collect()
}
